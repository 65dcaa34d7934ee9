#!/usr/bin/env bash
# Vector search: VectorIndex (Swift, OpenBLAS) vs faiss-cpu IndexFlatIP, same machine, same run.
# Usage: benchmarks/vectors/run.sh [N ...]   (default: 100000 1000000); THREADS=2 QUERIES=200 BATCH=32
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
THREADS="${THREADS:-2}"; QUERIES="${QUERIES:-200}"; BATCH="${BATCH:-32}"
SIZES=("$@"); [ ${#SIZES[@]} -gt 0 ] || SIZES=(100000 1000000)
OUT="$ROOT/benchmarks/out"; mkdir -p "$OUT"
[ -x "$ROOT/benchmarks/.venv/bin/python" ] || bash "$ROOT/benchmarks/setup-peers.sh"
SCRATCH="${SCRATCH:-.build}"   # e.g. SCRATCH=.build-emb-rel to reuse a private build folder
(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --product rag-bench-embed >&2)
BIN="$(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/rag-bench-embed"
export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS"
for n in "${SIZES[@]}"; do
  "$BIN" search --n "$n" --queries "$QUERIES" --batch "$BATCH" --threads "$THREADS" > "$OUT/vectors-swift-$n.json"
  "$ROOT/benchmarks/.venv/bin/python" "$ROOT/benchmarks/vectors/peer.py" --n "$n" --queries "$QUERIES" \
    --batch "$BATCH" --threads "$THREADS" > "$OUT/vectors-faiss-$n.json"
done
python3 - "$OUT" "${SIZES[@]}" <<'PY'
import json, sys
out, sizes = sys.argv[1], sys.argv[2:]
print(f"{'N':>9} {'swift q/s':>10} {'faiss q/s':>10} {'ratio':>6} | {'swift batch':>11} {'faiss batch':>11} {'ratio':>6} | {'scan ms':>8} {'floor ms':>8} {'GB/s':>6}")
for n in sizes:
    s = json.load(open(f"{out}/vectors-swift-{n}.json")); f = json.load(open(f"{out}/vectors-faiss-{n}.json"))
    print(f"{int(n):>9} {s['single_qps']:>10.1f} {f['single_qps']:>10.1f} {s['single_qps']/f['single_qps']:>6.2f} | "
          f"{s['batch_qps']:>11.1f} {f['batch_qps']:>11.1f} {s['batch_qps']/f['batch_qps']:>6.2f} | "
          f"{s['scan_ms']:>8.2f} {s['floor_ms']:>8.2f} {s['bandwidth_gbs']:>6.1f}")
for n in sizes:
    s = json.load(open(f"{out}/vectors-swift-{n}.json"))
    print(f"N={int(n)}: open vector file {s['file_open_ms']:.1f} ms vs reading its bytes {s['file_read_ms']:.1f} ms "
          f"(ratio {s['file_open_ms']/s['file_read_ms']:.2f})")
print("one query per call (q/s), batch of", json.load(open(f"{out}/vectors-swift-{sizes[0]}.json"))["batch"],
      "(q/s per query); floor = matrix bytes / measured read bandwidth (parallel SIMD sum)")
PY
