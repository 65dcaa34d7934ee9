#!/usr/bin/env bash
# The main job: install what rag needs, build it, index the default corpus, ask it something.
# Safe to re-run: the setup skips what is done and the ingest is incremental.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
swift build -c release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
test -x .build/release/rag || { echo "build failed" >&2; exit 1; }
RAG=.build/release/rag
INDEX="${RAG_INDEX:-indexes/default}"
# Default corpus: the SQLite documentation (Debian's sqlite3-doc) and the project's own corpora/.
$RAG ingest /usr/share/doc/sqlite3 corpora/veldmoor --index "$INDEX"
echo
echo '$ rag search "how does the fts5 bm25 function rank results" --limit 5'
$RAG search "how does the fts5 bm25 function rank results" --limit 5 --index "$INDEX"
echo
echo '$ rag ask "What does the fts5 bm25 function return?"'
$RAG ask "What does the fts5 bm25 function return?" --index "$INDEX"
