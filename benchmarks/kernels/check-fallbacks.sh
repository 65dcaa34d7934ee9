#!/usr/bin/env bash
# Builds Sources/CKernels for three targets (portable x86-64, Haswell = AVX2 without VNNI, native)
# and checks every type's products against the reference (prints OK/FAIL per target).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for arch in x86-64 haswell native; do
    clang -O2 -march="$arch" -std=gnu11 -I "$root/Sources/CKernels/include" -I "$root/Sources/CKernels" \
        -o "$out/check-$arch" "$root/benchmarks/kernels/fallback-check.c" "$root"/Sources/CKernels/*.c -lpthread -lm
    result="$("$out/check-$arch" | tail -1)" || status=1
    echo "-march=$arch: $result"
done
exit $status
