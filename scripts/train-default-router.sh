#!/usr/bin/env bash
# Retrains the router shipped with rag and writes it into the sources (scripts/ship-router.sh).
# Trained on the tune part only: questions 0-99 of each dev file (dataset-bias labels) and the
# `rag eval --out` lines of questions 0-99 (silver labels); never on questions 100 and later, which are
# held out for reporting (benchmarks/answers/eval-s100-session11.jsonl, eval-s140-session12.jsonl, eval-s180-session13.jsonl).
#   bash scripts/train-default-router.sh [RESULTS.jsonl...]
# (default: the lines of the current defaults on the tune part, which also give each route's cost:
#  benchmarks/answers/router/train-s0.jsonl, none, single and notes on questions 0-39, and
#  benchmarks/answers/tune-s40-l60-session12.jsonl, the three on questions 40-99)
# Run from the package root after `swift build -c release`; needs models/all-MiniLM-L6-v2.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then results=("$@"); else
  results=(benchmarks/answers/router/train-s0.jsonl benchmarks/answers/tune-s40-l60-session12.jsonl); fi
questions=../shared/data/questions
rag="${RAG_BINARY:-.build/release/rag}"
lines=$(cat "${results[@]}" | wc -l)
out=$(mktemp --suffix=.json)
"$rag" router train "${results[@]}" \
  --questions "$questions"/{hotpotqa,2wikimultihopqa,musique,squad,nq}.dev.jsonl --limit 100 \
  --out "$out" --note "scripts/train-default-router.sh: ${results[*]} ($lines lines), questions 0-99 of the 5 dev files"
bash scripts/ship-router.sh "$out"
rm -f "$out"
