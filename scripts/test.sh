#!/usr/bin/env bash
# The tests: the same (idempotent) install step, then the whole suite in a release build with
# testing enabled (numeric code is far too slow in debug builds). CLI tests run the built `rag`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
# One build of everything (the `rag` the CLI tests run, and the test targets) so that test modules
# compile alongside the server's dependencies instead of after them.
swift build -c release -Xswiftc -enable-testing --build-tests
# Swift Testing's last line counts skipped tests as passed: say how many were skipped (a test whose
# model files are absent is skipped; with CI=true it runs and fails instead).
log="$(mktemp)"
# The PostgreSQL backend's tests run against a real server (PostgreSQL 18 + pgvector + pg_textsearch
# from a PyPI wheel, loopback only, stopped on exit). Without one they are skipped; CI=true fails them.
pg_started=0
cleanup() {
  rm -f "$log"
  if [ "$pg_started" -eq 1 ]; then bash scripts/postgres.sh stop "$RAG_TEST_POSTGRES_PORT" || true; fi
}
trap cleanup EXIT
export RAG_TEST_POSTGRES_PORT="${RAG_TEST_POSTGRES_PORT:-55432}"
already=0  # a server left running (by `scripts/postgres.sh start`) is reused and left running
(exec 3<>"/dev/tcp/127.0.0.1/$RAG_TEST_POSTGRES_PORT") 2>/dev/null && already=1
if url="$(bash scripts/postgres.sh start "$RAG_TEST_POSTGRES_PORT")"; then
  export RAG_TEST_POSTGRES_URL="$url"
  [ "$already" -eq 1 ] || pg_started=1
else
  echo "[test] no PostgreSQL server: its backend tests are skipped (CI=true makes them fail)"
fi
set +e
swift test -c release -Xswiftc -enable-testing --skip-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
skipped="$(grep -cE '^[^ ]+ Test .* skipped' "$log" || true)"
if [ "${skipped:-0}" -gt 0 ]; then
  echo "[test] $skipped tests skipped, not run (their files are absent: run scripts/setup.sh; CI=true makes them fail)"
fi
# The web page, end to end in headless Chromium against a real `rag serve` on loopback (the test
# starts and stops it); skipped without a browser, required under CI=true.
python="$(bash scripts/setup-browser.sh)"
set +e
"$python" Tests/Browser/page_test.py --rag .build/release/rag --screenshot .build/browser/page.png
browser=$?
set -e
if [ "$status" -eq 0 ]; then status=$browser; fi
exit "$status"
