#!/usr/bin/env bash
# Lexical retrieval benchmark: rag (SQLite FTS5 BM25) against bm25s, same corpus and questions, same run.
#   bash benchmarks/bm25/run.sh
# Needs ../shared/data (or RAG_SHARED=/path/to/shared). Builds rag-bench in release, sets up the peer
# venv (benchmarks/setup-peers.sh), runs both, then prints the ratios. Results in benchmarks/out/bm25/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${RAG_SHARED:-$ROOT/../shared}"
CORPUS="$SHARED/data/corpus/wiki.jsonl"
QUESTIONS="$SHARED/data/questions"
OUT="$ROOT/benchmarks/out/bm25"
SCRATCH="${RAG_BENCH_SCRATCH:-$ROOT/.build-bench}"
mkdir -p "$OUT"
[ -f "$CORPUS" ] || { echo "no corpus at $CORPUS (set RAG_SHARED)" >&2; exit 1; }

echo "== building rag-bench (release)" >&2
swift build -c release --scratch-path "$SCRATCH" --product rag-bench >&2
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/rag-bench"

PY="$ROOT/benchmarks/.venv/bin/python"
# Run the (shared, possibly slow: it also builds other benchmarks' peers) setup only when ours are missing.
if ! { [ -x "$PY" ] && "$PY" -c "import bm25s, Stemmer, numpy" 2>/dev/null; }; then
  bash "$ROOT/benchmarks/setup-peers.sh"
fi

echo "== rag (FTS5 BM25)"
"$BIN" --corpus "$CORPUS" --questions "$QUESTIONS" --json "$OUT/rag.json"
echo
echo "== bm25s (peer)"
"$PY" "$ROOT/benchmarks/bm25/bm25s_peer.py" --corpus "$CORPUS" --questions "$QUESTIONS" --json "$OUT/bm25s.json"
echo
echo "== ratios (rag / bm25s; > 1 means rag is faster or better)"
python3 - "$OUT/rag.json" "$OUT/bm25s.json" <<'PY'
import json, sys
rag, peer = (json.load(open(p)) for p in sys.argv[1:3])
ri, pi = rag["wiki_ingest"], peer["wiki_ingest"]
print("ingest wiki.jsonl: rag %.2f MB/s wall, %.2f s CPU (parse + chunk + SQLite/FTS5, one durable transaction);"
      % (ri["mb_per_s"], ri["cpu_seconds"]))
print("                   bm25s %.2f MB/s wall, %.2f s CPU (tokenize + index, in memory only): CPU ratio bm25s/rag %.2f"
      % (pi["mb_per_s"], pi["cpu_seconds"], pi["cpu_seconds"] / ri["cpu_seconds"]))
if "memory_index_build" in rag:
    m = rag["memory_index_build"]
    print("rag in-memory BM25 index build (once per index change): %.2f s wall, %.2f s CPU reading postings + %.2f s impacts"
          % (m["read_postings_seconds"], m["read_postings_cpu_seconds"], m["impacts_seconds"]))
pr, core = peer["search"]["retrieve"], peer["search"]["core"]
for engine, rows in sorted(rag["search"].items()):
    print("\nrag %s vs bm25s retrieve():" % engine)
    print("dataset          recall@10 rag  bm25s   median ms rag  bm25s   latency ratio (bm25s/rag)")
    for ds in sorted(rows, key=lambda k: (k == "all", k)):
        if not isinstance(rows[ds], dict): continue
        a, b = rows[ds], pr[ds]
        print("%-16s      %.3f  %.3f       %7.3f  %7.3f   %.2f" % (ds, a["recall_at_10"], b["recall_at_10"],
              a["median_ms"], b["median_ms"], b["median_ms"] / a["median_ms"]))
    print("queries per CPU second: rag %s %.0f; bm25s retrieve() %.0f (ratio %.2f); bm25s core %.0f (ratio %.2f)"
          % (engine, rows["queries_per_cpu_s"], pr["queries_per_cpu_s"], rows["queries_per_cpu_s"] / pr["queries_per_cpu_s"],
             core["queries_per_cpu_s"], rows["queries_per_cpu_s"] / core["queries_per_cpu_s"]))
    print("queries per wall second: rag %s %.0f; bm25s retrieve() %.0f; bm25s core %.0f"
          % (engine, rows["queries_per_s"], pr["queries_per_s"], core["queries_per_s"]))
if "html_ingest" in rag:
    h = rag["html_ingest"]
    print("\nhtml ingest (SQLite docs): %d files, %.1f MB, %.2f MB/s, %.0f chunks/s (no peer)"
          % (h["files"], h["bytes"] / 1e6, h["mb_per_s"], h["chunks_per_s"]))
PY
