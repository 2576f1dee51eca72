"""Copy the generated sections (docs/robustness.md, docs/deployment.md) into README.md between
their markers, so the README shows them in full and cannot drift from them:

    <!-- include: docs/robustness.md -->
    …copied text…
    <!-- end include -->

Run: python scripts/sync_readme.py  (tests/docs checks that it would change nothing).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(<!-- include: (?P<path>[^ ]+) -->\n)(?P<body>.*?)(<!-- end include -->)", re.S)


def synced(readme: str) -> str:
    def fill(m: re.Match) -> str:
        text = (ROOT / m["path"]).read_text(encoding="utf-8")
        return m.group(1) + text.rstrip("\n") + "\n" + m.group(4)

    return BLOCK.sub(fill, readme)


def main() -> int:
    if len(sys.argv) > 1:  # no options: anything else is a request for help, not a run
        print(__doc__, file=sys.stderr)
        return 0 if sys.argv[1] in ("-h", "--help") else 2
    path = ROOT / "README.md"
    old = path.read_text(encoding="utf-8")
    new = synced(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
        print("README.md updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
