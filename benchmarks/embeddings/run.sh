#!/usr/bin/env bash
# Embedding throughput: MiniLMEmbedder (Swift, fp32 and bf16) vs sentence-transformers on PyTorch (CPU, fp32
# and bf16 autocast) and a numpy reference forward pass, sentences/s at batch 32 on 2 threads, same texts,
# same run; and the Swift encoder's achieved GFLOP/s against the cores' measured peak of its precision.
# Texts: 512 HotpotQA questions (short) and 256 corpus passages (long, truncated at 256 word pieces).
# Usage: benchmarks/embeddings/run.sh
#   (THREADS=2 BATCH=32 ROUNDS=3 IMPLS=torch,torch-bf16,numpy QUESTIONS=512 PASSAGES=256
#    RAG_BENCH_EMBED=path/to/rag-bench-embed to skip the build)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${RAG_DATA:-$ROOT/../shared/data}"
THREADS="${THREADS:-2}"; BATCH="${BATCH:-32}"; ROUNDS="${ROUNDS:-3}"; IMPLS="${IMPLS:-torch,torch-bf16,numpy}"
QUESTIONS="${QUESTIONS:-512}"; PASSAGES="${PASSAGES:-256}"
OUT="$ROOT/benchmarks/out"; mkdir -p "$OUT"
[ -x "$ROOT/benchmarks/.venv/bin/python" ] || bash "$ROOT/benchmarks/setup-peers.sh"
if [ -n "${RAG_BENCH_EMBED:-}" ]; then
  BIN="$RAG_BENCH_EMBED"
else
  SCRATCH="${SCRATCH:-.build}"   # e.g. SCRATCH=.build-emb-rel to reuse a private build folder
  (cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --product rag-bench-embed >&2)
  BIN="$(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/rag-bench-embed"
fi
PY="$ROOT/benchmarks/.venv/bin/python"
head -n "$QUESTIONS" "$DATA/questions/hotpotqa.dev.jsonl" > "$OUT/embed-questions.jsonl"
"$PY" -c "import json,sys
for l in list(open(sys.argv[1]))[:int(sys.argv[2])]:
    p=json.loads(l); print(json.dumps({'text': p['title']+'. '+p['text']}))" "$DATA/corpus/wiki.jsonl" "$PASSAGES" > "$OUT/embed-passages.jsonl"
export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS"
"$BIN" peak --threads "$THREADS" > "$OUT/embed-peak.json"   # again after the runs; the best of both counts
for set in questions passages; do
  : > "$OUT/embed-$set.json"
  for precision in fp32 bf16; do
    "$BIN" embed --texts "$OUT/embed-$set.jsonl" --batch "$BATCH" --threads "$THREADS" --rounds "$ROUNDS" \
      --precision "$precision" >> "$OUT/embed-$set.json"
  done
  "$PY" "$ROOT/benchmarks/embeddings/peer.py" --texts "$OUT/embed-$set.jsonl" --batch "$BATCH" --threads "$THREADS" \
    --rounds "$ROUNDS" --impl "$IMPLS" 2>/dev/null >> "$OUT/embed-$set.json"
done
"$BIN" peak --threads "$THREADS" >> "$OUT/embed-peak.json"
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
peaks = [json.loads(l) for l in open(f"{out}/embed-peak.json") if l.strip()]
peak = {k: max(p[k] for p in peaks) for k in ("fp32_gflops", "bf16_gflops")} | {"threads": peaks[0]["threads"]}
print(f"measured peak on {peak['threads']} threads: fp32 {peak['fp32_gflops']:.0f} GFLOP/s, bf16 {peak['bf16_gflops']:.0f} GFLOP/s"
      f" (best of {5 * len(peaks)} tries, before and after; per try: bf16 " + ", ".join(f"{p['bf16_gflops']:.0f}" for p in peaks) + ")")
print(f"{'texts':>10} {'impl':>12} {'sent/s':>8} {'rag-bf16/x':>10} {'GFLOP/s':>8} {'% peak':>7}")
for set in ["questions", "passages"]:
    rows = [json.loads(l) for l in open(f"{out}/embed-{set}.json") if l.strip()]
    best = next(r for r in rows if r.get("precision") == "bf16")
    for r in rows:
        name = r["impl"] if r["impl"] != "swift" else f"rag-{r['precision']}"
        if "error" in r: print(f"{set:>10} {name:>12} {r['error']}"); continue
        flops = ""
        if "gflops" in r:
            p = peak["bf16_gflops" if r["precision"] == "bf16" else "fp32_gflops"]
            flops = f"{r['gflops']:>8.0f} {100 * r['gflops'] / p:>6.0f}%" if p else f"{r['gflops']:>8.0f}"
        print(f"{set:>10} {name:>12} {r['sentences_per_s']:>8.1f} {best['sentences_per_s']/r['sentences_per_s']:>10.2f} {flops}")
    print(f"{'':>10} {best['tokens']} tokens for {best['sentences']} texts, tokenization {100*best['tokenize_share']:.1f}% of time,"
          f" bf16 kernel: {best['kernel']}")
print("batch", best["batch"], "threads", best["threads"], "(median of rounds)")
PY
