#!/usr/bin/env bash
# Builds the libFuzzer targets (AddressSanitizer on) in .build-fuzz and runs one or all of them:
#   bash Fuzz/run.sh [TARGET|all] [RUNS] [MAX_SECONDS]
# TARGET: html xml markdown text jsonl gguf safetensors wordpiece bpe (default all); RUNS: executions
# per target (default 1000000); MAX_SECONDS: time cap per target (default 10800). Seeds come from the
# test fixtures and corpora/ (plus a minimal GGUF and safetensors file made here); findings are written
# to Fuzz/findings/TARGET/ (crash-*, timeout-*, oom-*); the corpus grows in .build-fuzz/corpus/TARGET.
# Memory per input is capped at 2 GB and time at 10 s; inputs are at most $MAX_LEN bytes (default 4096: the
# hostile inputs of the hardening issue were all one repeated construct, which small inputs reach too).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET="${1:-all}"; RUNS="${2:-1000000}"; MAX_SECONDS="${3:-10800}"; MAX_LEN="${MAX_LEN:-4096}"
ALL=(html xml markdown text jsonl gguf safetensors wordpiece bpe)
SCRATCH=.build-fuzz
RAG_FUZZ=1 swift build -c release --product rag-fuzz --scratch-path "$SCRATCH" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing >&2
BIN="$SCRATCH/release/rag-fuzz"

seed() { # target -> fills $SCRATCH/corpus/target with seeds once
  local t="$1" dir="$SCRATCH/corpus/$1"
  [ -d "$dir" ] && return
  mkdir -p "$dir"
  case "$t" in
    html) cp corpora/veldmoor/*.html Tests/DocumentsTests/Fixtures/*.html "$dir/" ;;
    xml) cp corpora/veldmoor/*.xml Tests/DocumentsTests/Fixtures/*.xml "$dir/" ;;
    markdown) cp corpora/veldmoor/*.md Tests/DocumentsTests/Fixtures/*.md "$dir/"; head -c 4000 README.md > "$dir/readme.md" ;;
    text) cp corpora/veldmoor/*.txt Tests/DocumentsTests/Fixtures/*.txt Tests/DocumentsTests/Fixtures/binary.dat "$dir/" ;;
    jsonl) head -c 4000 Tests/Fixtures/passages.jsonl > "$dir/passages.jsonl"; head -c 4000 corpora/questions.jsonl > "$dir/questions.jsonl" ;;
    wordpiece|bpe) cp corpora/veldmoor/*.txt corpora/veldmoor/*.md "$dir/" ;;
    gguf) python3 - "$dir/minimal.gguf" <<'PY'
import struct, sys
def s(x): b = x.encode(); return struct.pack("<Q", len(b)) + b
kv = s("general.architecture") + struct.pack("<I", 8) + s("llama")
kv += s("general.alignment") + struct.pack("<I", 4) + struct.pack("<I", 32)
kv += s("tokenizer.ggml.tokens") + struct.pack("<I", 9) + struct.pack("<IQ", 8, 2) + s("a") + s("b")
tensor = s("t") + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<I", 0) + struct.pack("<Q", 0)
head = b"GGUF" + struct.pack("<IQQ", 3, 1, 3) + kv + tensor
head += b"\0" * (-len(head) % 32)
open(sys.argv[1], "wb").write(head + struct.pack("<4f", 1, 2, 3, 4))
PY
      ;;
    safetensors) python3 - "$dir/minimal.safetensors" <<'PY'
import json, struct, sys
h = json.dumps({"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "__metadata__": {"format": "pt"}}).encode()
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + struct.pack("<2f", 1, 2))
PY
      ;;
  esac
}

run() {
  local t="$1"
  seed "$t"
  mkdir -p "Fuzz/findings/$t"
  echo "[fuzz] $t: $RUNS runs at most, $MAX_SECONDS s at most" >&2
  RAG_FUZZ_TARGET="$t" RAG_FUZZ_MODELS="$ROOT/models" "$BIN" "$SCRATCH/corpus/$t" \
    -runs="$RUNS" -max_total_time="$MAX_SECONDS" -rss_limit_mb=2048 -timeout=10 -max_len="$MAX_LEN" \
    -artifact_prefix="Fuzz/findings/$t/" -print_final_stats=1 2>&1 | tee "$SCRATCH/$t.log" | grep -E "^#[0-9]+.*(DONE|pulse)|stat::|ERROR|SUMMARY|Test unit written" >&2 || true
}

if [ "$TARGET" = all ]; then for t in "${ALL[@]}"; do run "$t"; done; else run "$TARGET"; fi
