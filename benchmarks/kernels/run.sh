#!/usr/bin/env bash
# Kernel microbenchmark: matrix-vector (decode, GB/s) and batch matrix products (prefill, GFLOP/s)
# of the quantized kernels on SmolLM2-135M and Qwen2.5-0.5B shapes, against this machine's
# streaming-read bandwidth measured in the same run. Not a test; numbers vary with machine load.
#
#   benchmarks/kernels/run.sh            # 1 and 2 threads, wall time
#   benchmarks/kernels/run.sh --cpu      # 1 thread, thread CPU time (robust on a busy machine)
#   benchmarks/kernels/run.sh --quick    # 2 threads, model shapes only
#   extra flags: --batch N (tokens per batch product, default 64), --repeats N
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
scratch="${SCRATCH:-.build-kern-rel}"
swift build -c release --scratch-path "$scratch" --product rag-bench-kernels >&2
exec "$scratch/release/rag-bench-kernels" "$@"
