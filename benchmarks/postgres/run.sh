#!/usr/bin/env bash
# The PostgreSQL backend beside the SQLite one, in the same run (a benchmark, not a test):
#   1. store write throughput: wiki.jsonl ingested without embeddings into each backend;
#   2. rag migrate of the embedded SQLite wiki index into PostgreSQL (vectors copied, not recomputed);
#   3. recall@10 per dataset (rag eval-retrieval) on both, PostgreSQL with BM25 and with ts_rank_cd;
#   4. query latency p50/p99 for bm25, dense (HNSW and exact) and hybrid (rag-bench-backends query);
#   5. a synthetic index of --synthetic N chunks (384-d) written into both, then queried;
#   6. search throughput with 1, 2 and 4 `rag serve` processes on the one PostgreSQL database.
#
#   bash benchmarks/postgres/run.sh [--sqlite-index DIR] [--synthetic 100000] [--bulk] [--skip-wiki] [--skip-synthetic] [--skip-serve]
#
# --bulk loads the synthetic index as `rag migrate` does (HNSW built once at the end; 20 exact queries);
# --skip-wiki leaves out steps 1-4 (and 6, which needs the wiki database).
#
# --sqlite-index names an embedded wiki index (made with `rag ingest wiki.jsonl`); without it one is
# built in benchmarks/out/postgres/wiki (minutes: the embeddings). Needs ../shared/data (or
# RAG_SHARED). The server is scripts/postgres.sh's (loopback, PostgreSQL 18 + pgvector + pg_textsearch,
# fsync off: a test cluster, so write figures are an upper bound for a durable server).
# One JSON line per measurement in benchmarks/out/postgres/results.jsonl, and on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${RAG_SHARED:-$ROOT/../shared}"
CORPUS="$SHARED/data/corpus/wiki.jsonl"
QUESTIONS=("$SHARED"/data/questions/{hotpotqa,2wikimultihopqa,musique,squad,nq}.dev.jsonl)
OUT="$ROOT/benchmarks/out/postgres"
SQLITE_INDEX="" SYNTH=100000 DO_SYNTH=1 DO_SERVE=1 DO_WIKI=1 SYNTH_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sqlite-index) SQLITE_INDEX="$2"; shift 2 ;;
    --synthetic) SYNTH="$2"; shift 2 ;;
    --skip-synthetic) DO_SYNTH=0; shift ;;
    --skip-serve) DO_SERVE=0; shift ;;
    --skip-wiki) DO_WIKI=0; shift ;;
    --bulk) SYNTH_ARGS+=(--bulk --exact-queries 20); shift ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
[ -f "$CORPUS" ] || { echo "no corpus at $CORPUS (set RAG_SHARED)" >&2; exit 1; }
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
note() { echo "$1" | tee -a "$RESULTS"; }

echo "== building (release)" >&2
swift build -c release -Xswiftc -enable-testing --product rag >&2
swift build -c release -Xswiftc -enable-testing --product rag-bench-backends >&2
BIN="$(swift build -c release -Xswiftc -enable-testing --show-bin-path)"
RAG="$BIN/rag"

SERVER="$(bash "$ROOT/scripts/postgres.sh" start)"
BASE="${SERVER%/*}"
PSQL_BIN="$ROOT/.build/postgres/server/pgserver/pginstall/bin/psql"   # the wheel's own client
"$PSQL_BIN" --version >/dev/null 2>&1 || PSQL_BIN=psql
PSQL=("$PSQL_BIN" -X -q -v ON_ERROR_STOP=1 "$BASE/postgres")
fresh_db() { "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
             "$PSQL_BIN" -X -q "$BASE/$1" -c "SET client_min_messages=warning; CREATE EXTENSION vector; CREATE EXTENSION pg_textsearch" >/dev/null
             echo "$BASE/$1"; }
note "{\"machine\": \"$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\", \"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

if [ "$DO_WIKI" -eq 1 ]; then
# 1. Store write throughput, no embeddings (the same parsing and chunking on both sides).
for backend in sqlite postgresql; do
  if [ "$backend" = sqlite ]; then target="$OUT/plain-sqlite"; rm -rf "$target"; else target="$(fresh_db bench_plain)"; fi
  "$RAG" ingest "$CORPUS" --index "$target" --no-embeddings --json > "$OUT/plain-$backend.json"
  python3 - "$backend" "$OUT/plain-$backend.json" <<'PY' | tee -a "$RESULTS"
import json, sys
r = json.load(open(sys.argv[2]))
print(json.dumps({"step": "ingest --no-embeddings wiki.jsonl", "backend": sys.argv[1], "chunks": r["chunks_added"],
                  "seconds": round(r["seconds"], 2), "chunks_per_s": round(r["chunks_added"] / r["seconds"], 1)}))
PY
done

# 2. The embedded index: built once (or given), copied into PostgreSQL.
if [ -z "$SQLITE_INDEX" ]; then
  SQLITE_INDEX="$OUT/wiki"
  [ -f "$SQLITE_INDEX/index.sqlite" ] || "$RAG" ingest "$CORPUS" --index "$SQLITE_INDEX" -q
fi
PG_WIKI="$(fresh_db bench_wiki)"
"$RAG" migrate --from "$SQLITE_INDEX" --to "$PG_WIKI" --json > "$OUT/migrate.json"
python3 - "$OUT/migrate.json" <<'PY' | tee -a "$RESULTS"
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"step": "migrate sqlite -> postgresql", "chunks": r["chunks"], "vectors": r["vectors"], "links": r["links"],
                  "seconds": round(r["seconds"], 2), "chunks_per_s": round(r["chunks"] / r["seconds"], 1), "digest": r["digest"]}))
PY

# 3. Recall@10 per dataset: SQLite, PostgreSQL BM25, PostgreSQL ts_rank_cd.
"$RAG" eval-retrieval "${QUESTIONS[@]}" --index "$SQLITE_INDEX" --json > "$OUT/recall-sqlite.json"
"$RAG" eval-retrieval "${QUESTIONS[@]}" --index "$PG_WIKI" --json > "$OUT/recall-postgres-bm25.json"
RAG_POSTGRES_LEXICAL=ts_rank_cd "$RAG" eval-retrieval "${QUESTIONS[@]}" --index "$PG_WIKI" --retrievers bm25,hybrid --json \
  > "$OUT/recall-postgres-tsrank.json"
python3 - "$OUT" <<'PY' | tee -a "$RESULTS"
import json, sys
out = sys.argv[1]
runs = {name: json.load(open(f"{out}/recall-{name}.json"))["scores"] for name in ["sqlite", "postgres-bm25", "postgres-tsrank"]}
table = {}
for name, scores in runs.items():
    for s in scores:
        table.setdefault((s["dataset"], s["retriever"]), {})[name] = (s["recall"]["10"], s["median_ms"])
for (dataset, retriever), row in sorted(table.items()):
    base = row.get("sqlite", (None,))[0]
    line = {"step": "recall@10", "dataset": dataset, "retriever": retriever}
    for name, (recall, ms) in row.items():
        line[name] = round(recall, 4)
        line[name + "_median_ms"] = round(ms, 2)
        if base is not None and name != "sqlite":
            line[name + "_minus_sqlite"] = round(recall - base, 4)
    print(json.dumps(line))
PY

# 4. Latency per query, the questions embedded up front.
"$BIN/rag-bench-backends" query --sqlite "$SQLITE_INDEX" --postgres "$PG_WIKI" --questions "${QUESTIONS[@]}" --max 100 | tee -a "$RESULTS"
else
  DO_SERVE=0
fi

# 5. Synthetic scale.
if [ "$DO_SYNTH" -eq 1 ]; then
  rm -rf "$OUT/synth-sqlite"
  "$BIN/rag-bench-backends" synth --sqlite "$OUT/synth-sqlite" --postgres "$(fresh_db bench_synth)" --chunks "$SYNTH" "${SYNTH_ARGS[@]}" | tee -a "$RESULTS"
fi

# 6. Several servers on one database: each its own port, the clients split between them.
if [ "$DO_SERVE" -eq 1 ]; then
  SERVE_Q="$OUT/serve-questions.jsonl"
  head -n 200 "${QUESTIONS[0]}" > "$SERVE_Q"
  for n in 1 2 4; do
    pids=() ports=()
    for i in $(seq 1 "$n"); do
      log="$OUT/serve-$n-$i.log"
      "$RAG" serve --index "$PG_WIKI" --port 0 2> "$log" & pids+=($!)
    done
    for i in $(seq 1 "$n"); do
      log="$OUT/serve-$n-$i.log" port=""
      for _ in $(seq 1 600); do
        port="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)"; [ -n "$port" ] && break; sleep 0.1
      done
      ports+=("$port")
    done
    for retriever in bm25 hybrid; do
      requests=$([ "$retriever" = bm25 ] && echo 2000 || echo 400)
      for port in "${ports[@]}"; do  # warm each server
        python3 "$ROOT/benchmarks/serve/load.py" --port "$port" --route search --retriever "$retriever" --clients 1 --requests 8 --queries "$SERVE_Q" >/dev/null
      done
      start=$(date +%s.%N) loads=()
      for port in "${ports[@]}"; do
        python3 "$ROOT/benchmarks/serve/load.py" --port "$port" --route search --retriever "$retriever" \
          --clients $((32 / n)) --requests $((requests / n)) --queries "$SERVE_Q" > "$OUT/serve-$n-$port-$retriever.json" &
        loads+=($!)
      done
      wait "${loads[@]}"
      end=$(date +%s.%N)
      python3 - "$n" "$retriever" "$start" "$end" "$OUT" "${ports[@]}" <<'PY' | tee -a "$RESULTS"
import json, sys
n, retriever, start, end, out, ports = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6:]
runs = [json.load(open(f"{out}/serve-{n}-{p}-{retriever}.json")) for p in ports]
ok = sum(r["ok"] for r in runs)
print(json.dumps({"step": "serve on one database", "servers": n, "retriever": retriever, "clients": 32 // n * n, "ok": ok,
                  "errors": sum(r["errors"] for r in runs), "throughput_rps": round(ok / (end - start), 1),
                  "p50_ms_max": max(r["p50_ms"] for r in runs), "p99_ms_max": max(r["p99_ms"] for r in runs)}))
PY
    done
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  done
fi
note "{\"load_after\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
