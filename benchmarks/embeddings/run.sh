#!/usr/bin/env bash
# Embedding throughput: MiniLMEmbedder (Swift) vs sentence-transformers on PyTorch (CPU) and a numpy
# reference forward pass, sentences/s at batch 32 on 2 threads, same texts, same run.
# Texts: 512 HotpotQA questions (short) and 256 corpus passages (long, truncated at 256 word pieces).
# Usage: benchmarks/embeddings/run.sh   (THREADS=2 BATCH=32 ROUNDS=3 IMPLS=torch,numpy QUESTIONS=512 PASSAGES=256)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${RAG_DATA:-$ROOT/../shared/data}"
THREADS="${THREADS:-2}"; BATCH="${BATCH:-32}"; ROUNDS="${ROUNDS:-3}"; IMPLS="${IMPLS:-torch,numpy}"
QUESTIONS="${QUESTIONS:-512}"; PASSAGES="${PASSAGES:-256}"
OUT="$ROOT/benchmarks/out"; mkdir -p "$OUT"
[ -x "$ROOT/benchmarks/.venv/bin/python" ] || bash "$ROOT/benchmarks/setup-peers.sh"
SCRATCH="${SCRATCH:-.build}"   # e.g. SCRATCH=.build-emb-rel to reuse a private build folder
(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --product rag-bench-embed >&2)
BIN="$(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/rag-bench-embed"
PY="$ROOT/benchmarks/.venv/bin/python"
head -n "$QUESTIONS" "$DATA/questions/hotpotqa.dev.jsonl" > "$OUT/embed-questions.jsonl"
"$PY" -c "import json,sys
for l in list(open(sys.argv[1]))[:int(sys.argv[2])]:
    p=json.loads(l); print(json.dumps({'text': p['title']+'. '+p['text']}))" "$DATA/corpus/wiki.jsonl" "$PASSAGES" > "$OUT/embed-passages.jsonl"
export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS"
for set in questions passages; do
  "$BIN" embed --texts "$OUT/embed-$set.jsonl" --batch "$BATCH" --threads "$THREADS" --rounds "$ROUNDS" > "$OUT/embed-$set.json"
  "$PY" "$ROOT/benchmarks/embeddings/peer.py" --texts "$OUT/embed-$set.jsonl" --batch "$BATCH" --threads "$THREADS" \
    --rounds "$ROUNDS" --impl "$IMPLS" 2>/dev/null >> "$OUT/embed-$set.json"
done
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
print(f"{'texts':>10} {'impl':>6} {'sent/s':>8} {'swift/peer':>10}")
for set in ["questions", "passages"]:
    rows = [json.loads(l) for l in open(f"{out}/embed-{set}.json") if l.strip()]
    swift = next(r for r in rows if r["impl"] == "swift")
    for r in rows:
        if "error" in r: print(f"{set:>10} {r['impl']:>6} {r['error']}"); continue
        print(f"{set:>10} {r['impl']:>6} {r['sentences_per_s']:>8.1f} {swift['sentences_per_s']/r['sentences_per_s']:>10.2f}")
    print(f"{'':>10} swift: {swift['tokens']} tokens for {swift['sentences']} texts, tokenization {100*swift['tokenize_share']:.1f}% of time")
print("batch", swift["batch"], "threads", swift["threads"], "(median of rounds)")
PY
