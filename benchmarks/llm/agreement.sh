#!/usr/bin/env bash
# Logit agreement with llama.cpp beyond the four golden prompts: 40 retrieval-style chat prompts
# (HotpotQA dev questions with their gold passages from ../shared/data), both models.
#
#   benchmarks/llm/agreement.sh [--count 40] [--only smollm|qwen|qwen15]
#
# For each prompt: the largest difference over llama.cpp's top-5 logits at the last position,
# ours (batched prefill) against llama.cpp's batched evaluation, and llama.cpp's own token-by-token
# evaluation against its batched one (the reference's spread under a different summation order).
# Prints median / p90 / max over the prompts and arg-max agreement. The reference files are cached
# in benchmarks/out (delete them to regenerate); producing them takes a few minutes per model.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
count=40 only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
. benchmarks/llm/common.sh
for m in "${models[@]}"; do
  refs="benchmarks/out/agreement-$(basename "$m" .gguf)-$count.json"
  [ -f "$refs" ] || OMP_WAIT_POLICY=passive "$py" benchmarks/llm/agreement_peer.py "$m" "$count" "$refs" 2 2>/dev/null
  "$ours" "$m" --agreement "$refs" --threads 2 | "$py" benchmarks/llm/agreement_table.py
done
