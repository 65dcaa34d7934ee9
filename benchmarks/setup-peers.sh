#!/usr/bin/env bash
# Creates the peer venv for benchmarks at benchmarks/.venv (ignored by git), idempotently.
# Each benchmark owner appends a section below that installs its peers with `pip install` (PyPI only).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PIP="$VENV/bin/python -m pip install -q"
have() { "$VENV/bin/python" -c "import $1" >/dev/null 2>&1; }

# --- embeddings and vector search (benchmarks/embeddings, benchmarks/vectors) ---
have numpy || $PIP numpy
have safetensors || $PIP safetensors
have faiss || $PIP faiss-cpu
# PyPI's default torch is the CUDA build (~6 GB); prefer a CPU-only wheel when pip can find one
# (a local find-links wheelhouse), else skip torch: the embeddings bench then runs its numpy reference.
if ! have torch; then
  $PIP "torch==2.13.0+cpu" 2>/dev/null || echo "[setup-peers] no CPU torch wheel found; embeddings bench will use numpy" >&2
fi
if have torch && ! have sentence_transformers; then
  $PIP sentence-transformers || echo "[setup-peers] sentence-transformers not installed" >&2
fi

# --- lexical search (benchmarks/bm25) ---
have numpy || $PIP numpy
have bm25s || $PIP bm25s
have Stemmer || $PIP PyStemmer

# --- document extraction (benchmarks/documents) ---
have lxml || $PIP lxml

# --- tokenizer (benchmarks/tokenizer): Hugging Face tokenizers rebuilt from the GGUF vocabulary ---
have tokenizers || $PIP tokenizers

# --- language model (benchmarks/llm): llama.cpp through llama-cpp-python, built from source (~10 min) ---
if ! have llama_cpp; then
  CMAKE_ARGS="${CMAKE_ARGS:-} -DGGML_NATIVE=ON" nice -n 10 $PIP "llama-cpp-python==0.3.36" \
    || CMAKE_ARGS="${CMAKE_ARGS:-} -DGGML_NATIVE=ON" nice -n 10 $PIP llama-cpp-python
fi
