#!/usr/bin/env bash
# The tests: the same (idempotent) install step, then the whole suite in a release build with
# testing enabled (numeric code is far too slow in debug builds). CLI tests run the built `rag`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
swift build -c release -Xswiftc -enable-testing --product rag
exec swift test -c release -Xswiftc -enable-testing "$@"
