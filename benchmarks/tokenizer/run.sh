#!/usr/bin/env bash
# Tokenizer benchmark: `rag tokenize` against Hugging Face `tokenizers` (rebuilt from the same GGUF
# vocabulary) and, when installed in the venv, llama.cpp's tokenizer (llama-cpp-python), on
# Wikipedia passages from ../shared/data. Prints ms/KB medians and ratios, and checks that all
# engines give identical ids.
#
# usage: benchmarks/tokenizer/run.sh [PASSAGES]     (default 2000 passages, ~1.2 MB)
# needs: benchmarks/setup-peers.sh run once; builds `rag` in release (or set RAG_BIN=path/to/rag).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="$ROOT/benchmarks/.venv/bin/python"
[ -x "$PY" ] || { echo "run benchmarks/setup-peers.sh first" >&2; exit 1; }
DATA="$ROOT/../shared/data/corpus/wiki.jsonl"
[ -f "$DATA" ] || { echo "missing $DATA" >&2; exit 1; }
PASSAGES="${1:-2000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ -n "${RAG_BIN:-}" ]; then
  RAG="$RAG_BIN"
else
  swift build -c release --product rag >/dev/null
  RAG="$(swift build -c release --show-bin-path)/rag"
fi

"$PY" - "$DATA" "$PASSAGES" "$WORK" <<'PYEOF'
import json, sys
data, count, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
texts = []
with open(data) as f:
    for line in f:
        d = json.loads(line)
        texts.append(d["title"] + "\n" + d["text"] + "\n\n")
        if len(texts) >= count:
            break
big = "".join(texts)
open(f"{work}/big.txt", "w").write(big)
# About one question's worth of passages (5 passages).
open(f"{work}/small.txt", "w").write("".join(texts[:5]))
PYEOF

HAVE_LLAMA=0
"$PY" -c "import llama_cpp" 2>/dev/null && HAVE_LLAMA=1

ours_ms_per_kb() {  # model file size-label repeat -> prints ms/KB median
  "$RAG" tokenize --file "$2" -m "$1" --json --timing --repeat "$3" 2>&1 >"$WORK/ours.json" |
    sed -E 's/.* in ([0-9.]+) ms.*/\1/'
}

printf "%-20s %-6s %8s %11s %11s %11s %7s %s\n" model text KB "ours cold" "ours ms/KB" "peer ms/KB" ratio peer
for MODEL in smollm2-135m qwen2.5-coder-0.5b; do
  case "$MODEL" in
    smollm2-135m) GGUF="$ROOT/models/SmolLM2-135M-Instruct.Q4_1.gguf" ;;
    *) GGUF="$ROOT/models/qwen2.5-coder-0.5b-instruct.gguf" ;;
  esac
  for TEXT in small big; do
    FILE="$WORK/$TEXT.txt"
    REPEAT=$([ "$TEXT" = small ] && echo 200 || echo 5)
    KB=$("$PY" -c "import os;print(round(os.path.getsize('$FILE')/1024,1))")
    COLD_MS=$(ours_ms_per_kb "$GGUF" "$FILE" 1)   # first call in a fresh process: empty word cache
    COLD=$("$PY" -c "print($COLD_MS/$KB)")
    OURS_MS=$(ours_ms_per_kb "$GGUF" "$FILE" "$REPEAT")
    OURS=$("$PY" -c "print($OURS_MS/$KB)")
    PEERS="hf"
    [ "$HAVE_LLAMA" = 1 ] && PEERS="hf llama"
    for PEER in $PEERS; do
      FLAG=$([ "$PEER" = llama ] && echo --llama-cpp || true)
      OUT=$("$PY" "$ROOT/benchmarks/tokenizer/peer.py" $FLAG "$GGUF" "$FILE" "$REPEAT" "$WORK/peer.json")
      PEER_MS=$("$PY" -c "import json,sys;print(json.loads(sys.argv[1])['ms_per_kb'])" "$OUT")
      SAME=$("$PY" -c "import json;a=json.load(open('$WORK/ours.json'))['ids'];b=json.load(open('$WORK/peer.json'))['ids'];print('same ids' if a==b else 'IDS DIFFER')")
      printf "%-20s %-6s %8s %11.4f %11.4f %11.4f %6.1fx %s\n" "$MODEL" "$TEXT" "$KB" "$COLD" "$OURS" "$PEER_MS" \
        "$("$PY" -c "print($PEER_MS/$OURS)")" "$PEER ($SAME)"
    done
  done
done
echo "medians of repeated calls (small: 200, big: 5) on both sides; 'ours cold' = one call in a fresh process"
echo "ratio = peer median / our median (higher is better for us)"
