#!/usr/bin/env bash
# Installs what the web page's browser test needs, idempotently: Debian's chromium and
# chromium-driver, and selenium from PyPI in a virtual environment under .build/ (so nothing
# is downloaded at test time: selenium is pointed at /usr/bin/chromedriver). Prints the venv's
# python on stdout. Without root or sudo it installs nothing and the test skips (fails under CI=true).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.build/browser-venv"
SELENIUM="selenium==4.51.0"
log() { printf '[setup-browser] %s\n' "$*" >&2; }

need=()
for p in chromium chromium-driver python3-venv; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if [ -z "$SUDO" ] || sudo -n true 2>/dev/null; then
    log "apt-get install ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    log "cannot install ${need[*]} (no root or sudo): the browser test will skip"
  fi
fi

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import selenium" 2>/dev/null; then
  log "python3 -m venv $VENV; pip install $SELENIUM"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if python3 -m venv "$VENV" >&2 && "$VENV/bin/pip" install -q "$SELENIUM" >&2; then :; else
    log "could not install selenium: the browser test will skip"
    echo python3
    exit 0
  fi
fi
echo "$VENV/bin/python"
