#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Browser tests need Debian chromium and a CJK font (else Chinese renders as boxes).
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi"; then
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
bash scripts/setup.sh
. .venv/bin/activate
ruff check .
python -m pytest -x -q "$@"
