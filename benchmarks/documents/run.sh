#!/usr/bin/env bash
# Documents benchmark: our walker + loaders + chunker against an lxml peer, same corpora, same run.
# Usage: benchmarks/documents/run.sh            (RUNS=3 by default; needs benchmarks/setup-peers.sh for the peer)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
OUT="${TMPDIR:-/tmp}/rag-documents-bench"
mkdir -p "$OUT"
# One optimised module from the Documents sources plus the driver (no SwiftPM: independent of other modules).
swiftc -O -wmo -module-name DocumentsBench -o "$OUT/bench" \
  "$ROOT"/Sources/Documents/*.swift "$HERE/main.swift" \
  -Xcc -fmodule-map-file="$ROOT/Sources/CXML/module.modulemap" -Xcc -I/usr/include/libxml2 -lxml2 2>&1 | grep -v warning || true
CORPORA=()
[ -d /usr/share/doc/sqlite3 ] && CORPORA+=("sqlite-docs=/usr/share/doc/sqlite3:*.html")
[ -f "$SHARED/data/corpus/wiki.jsonl" ] && CORPORA+=("wiki-jsonl=$SHARED/data/corpus/wiki.jsonl")
CORPORA+=("veldmoor=$ROOT/corpora/veldmoor")
"$OUT/bench" "${CORPORA[@]}" | tee "$OUT/rag.jsonl"
PY="$ROOT/benchmarks/.venv/bin/python"
if [ -x "$PY" ] && "$PY" -c "import lxml" 2>/dev/null; then
  "$PY" "$HERE/peer.py" "${CORPORA[@]}" | tee "$OUT/peer.jsonl"
  "$PY" - "$OUT/rag.jsonl" "$OUT/peer.jsonl" <<'PY'
import json, sys
ours = {r["corpus"]: r for r in map(json.loads, open(sys.argv[1]))}
peer = {r["corpus"]: r for r in map(json.loads, open(sys.argv[2]))}
for name, r in ours.items():
    if name in peer:
        p = peer[name]
        print(f"{name}: rag {r['seconds']:.3f}s ({r['chunks']} chunks), lxml peer {p['seconds']:.3f}s ({p['chunks']} chunks), "
              f"peer/rag time ratio {p['seconds'] / r['seconds']:.2f}x")
PY
else
  echo "[documents bench] peer skipped: run benchmarks/setup-peers.sh (needs lxml)" >&2
fi
