# Shared by the LM benchmark scripts (sourced from the package root): builds rag-bench-lm into
# $ours, checks llama-cpp-python in benchmarks/.venv ($py), and picks the GGUF files ($models) for
# `--only smollm|qwen|qwen15` ($only; empty: both shipped models, plus the 1.5B when pulled).
scratch="${SCRATCH:-.build-lm-rel}"
swift build -c release --scratch-path "$scratch" --product rag-bench-lm >&2
ours="$scratch/release/rag-bench-lm"
py="benchmarks/.venv/bin/python"
if ! "$py" -c "import llama_cpp" 2>/dev/null; then
  echo "llama-cpp-python missing: run benchmarks/setup-peers.sh first" >&2; exit 1
fi
models=()
{ [ -z "$only" ] || [ "$only" = smollm ]; } && models+=("models/SmolLM2-135M-Instruct.Q4_1.gguf")
{ [ -z "$only" ] || [ "$only" = qwen ]; } && models+=("models/qwen2.5-coder-0.5b-instruct.gguf")
big="models/qwen2.5-coder-1.5b-instruct.gguf"
{ { [ -z "$only" ] && [ -f "$big" ]; } || [ "$only" = qwen15 ]; } && models+=("$big")
mkdir -p benchmarks/out
