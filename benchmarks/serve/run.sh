#!/usr/bin/env bash
# Load benchmark for `rag serve` (not a test): starts the server on a free loopback port over an
# index, runs concurrent clients for search and for ask (benchmarks/serve/load.py, stdlib Python),
# prints one JSON line per run, then stops the server with SIGTERM.
#
#   benchmarks/serve/run.sh --index /path/to/index --queries questions.jsonl \
#       [--search-clients 64] [--search-requests 2000] [--ask-clients 12] [--ask-requests 12] [--queue 8]
#       [--rag PATH] (another build of rag, to compare two in one session) [--no-ask]
#
# With --ask-clients above 1 + --queue, the extra asks are answered 429 at once (counted under
# "statuses"), none hang. Numbers vary with machine load: say what else was running.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
index="" queries="" sc=64 sr=2000 ac=12 ar=12 queue=8 rag="$root/.build/release/rag" ask=1
while [ $# -gt 0 ]; do
  case "$1" in
    --index) index="$2"; shift 2 ;;
    --queries) queries="$2"; shift 2 ;;
    --search-clients) sc="$2"; shift 2 ;;
    --search-requests) sr="$2"; shift 2 ;;
    --ask-clients) ac="$2"; shift 2 ;;
    --ask-requests) ar="$2"; shift 2 ;;
    --queue) queue="$2"; shift 2 ;;
    --rag) rag="$2"; shift 2 ;;
    --no-ask) ask=0; shift ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
[ -n "$index" ] && [ -n "$queries" ] || { echo "usage: $0 --index DIR --queries FILE.jsonl" >&2; exit 64; }
log="$(mktemp)"
"$rag" serve --index "$index" --port 0 --queue "$queue" 2> "$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 600); do
  port="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  [ -n "$port" ] && break
  kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "rag serve did not start" >&2; exit 1; }
# Warm the retrievers (first search loads the vectors and builds the BM25 memory index).
python3 "$root/benchmarks/serve/load.py" --port "$port" --route search --clients 1 --requests 32 --queries "$queries" > /dev/null
http="$(mktemp)"
for retriever in bm25 hybrid; do
  python3 "$root/benchmarks/serve/load.py" --port "$port" --route search --retriever "$retriever" --clients "$sc" --requests "$sr" --queries "$queries" | tee -a "$http"
done
# The peer: the same searches in-process, one at a time (rag eval-retrieval), and the ratio of the
# server's throughput to one in-process thread's (1000 / median ms).
"$rag" eval-retrieval "$queries" --index "$index" --retrievers bm25,hybrid --max-questions 200 --json > "$http.inproc"
python3 - "$http" "$http.inproc" <<'PY'
import json, sys
served = {r["retriever"]: r for r in map(json.loads, open(sys.argv[1]))}
for s in json.load(open(sys.argv[2]))["scores"]:
    per_thread = 1000.0 / s["median_ms"]
    r = served[s["retriever"]]
    print(json.dumps({"route": "search", "retriever": s["retriever"], "in_process_median_ms": round(s["median_ms"], 2),
                      "in_process_one_thread_rps": round(per_thread, 1), "http_rps": r["throughput_rps"],
                      "http_over_in_process": round(r["throughput_rps"] / per_thread, 2)}))
PY
rm -f "$http" "$http.inproc"
[ "$ask" = 1 ] || exit 0
python3 "$root/benchmarks/serve/load.py" --port "$port" --route ask --clients "$ac" --requests "$ar" --queries "$queries"
