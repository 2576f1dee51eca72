#!/usr/bin/env bash
# The main job: set up, review the bundled sample reports, then start the app (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
mkdir -p out
for f in examples/*.docx examples/*.pdf; do
  [ -e "$f" ] || continue
  name=$(basename "${f%.*}")
  echo "== reviewer review $f" >&2
  reviewer review "$f" --format md --out "out/$name.md" || true
  reviewer review "$f" --format html --out "out/$name.html" --quiet || true
  reviewer review "$f" --format json --out "out/$name.json" --quiet || true
  reviewer review "$f" --format docx --out "out/$name.annotated.docx" --quiet || true
done
echo "== 审查结果已写入 out/ ；正在启动应用 http://127.0.0.1:${REVIEWER_APP__PORT:-7860}" >&2
if [ "${REVIEWER_NO_APP:-0}" = "1" ]; then exit 0; fi
exec python app.py
