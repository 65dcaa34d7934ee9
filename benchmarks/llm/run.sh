#!/usr/bin/env bash
# LM throughput: our engine (rag-bench-lm) beside llama.cpp (llama-cpp-python, benchmarks/.venv) on
# the same GGUF files, same token ids, same thread count, in the same run; prints ratios ours/peer.
#
#   benchmarks/llm/run.sh [--prompt 512] [--decode 128] [--threads 2] [--repeats 3] [--only smollm|qwen|qwen15]
#
# Runs SmolLM2-135M and Qwen2.5-Coder-0.5B, and Qwen2.5-Coder-1.5B when it is installed
# (`rag models pull qwen2.5-coder-1.5b`).
# Prefill = one batched append of the prompt; decode = greedy, one token per call. Peak RSS is the
# process maximum (the Python peer's includes the interpreter). Numbers vary with machine load.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
prompt=512 decode=128 threads=2 repeats=3 only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prompt) prompt="$2"; shift 2 ;;
    --decode) decode="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
. benchmarks/llm/common.sh
for m in "${models[@]}"; do
  a="$("$ours" "$m" --prompt "$prompt" --decode "$decode" --threads "$threads" --repeats "$repeats")"
  # llama.cpp's OpenMP threads spin-wait by default; on a shared, loaded machine that collapses its
  # throughput (measured here: 3.6 decode t/s spinning vs 49 passive). Override with OMP_WAIT_POLICY.
  b="$(OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}" "$py" benchmarks/llm/peer.py "$m" "$prompt" "$decode" "$threads" "$repeats")"
  echo "$a"; echo "$b"
  "$py" - "$a" "$b" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{a['model']}: prefill {a['prefill_tps']} vs {b['prefill_tps']} t/s (ratio {a['prefill_tps']/b['prefill_tps']:.2f}), "
      f"decode {a['decode_tps']} vs {b['decode_tps']} t/s (ratio {a['decode_tps']/b['decode_tps']:.2f}), "
      f"peak RSS {a['peak_rss_mb']} vs {b['peak_rss_mb']} MB, load {a['load_s']} vs {b['load_s']} s")
PY
done
