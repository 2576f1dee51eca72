"""Settings for tests: a temporary data directory, BM25-only knowledge, no LLM, thread workers."""

from pathlib import Path

from reviewer.settings import Settings


def make_settings(tmp_path: Path, **app) -> Settings:
    s = Settings()
    s.paths.data_dir = tmp_path / "data"
    s.knowledge.embedding = "none"
    s.llm.provider = "none"
    s.app.worker_mode = "thread"
    for k, v in app.items():
        setattr(s.app, k, v)
    return s
