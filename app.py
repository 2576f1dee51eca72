"""The expert workbench: ``python app.py`` serves the Gradio app and the HTTP API on
settings.app.host:port (default http://127.0.0.1:7860) with embedded defaults: SQLite under
data/, the Chroma directory, the bundled embedding model, rules-only unless an LLM is configured.

First time: create a user, e.g. ``reviewer user add expert1 --role expert``.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def main() -> None:
    from reviewer.settings import load_settings
    from reviewer.webapi.server import serve

    serve(load_settings())


if __name__ == "__main__":  # guarded: worker processes are spawned and re-import this module
    main()
