import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


# ---- shared-infrastructure servers (issue 12): started on first use, stopped at the end -------


@pytest.fixture(scope="session")
def pg_server():
    """A private PostgreSQL server on loopback (Debian package, installed if missing); yields its URL."""
    from servers import PostgresServer

    srv = PostgresServer().start()
    try:
        yield srv.url
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A Chroma server (`chroma run`) on loopback; yields (host, port)."""
    from servers import ChromaServer

    srv = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data").start()
    try:
        yield ("127.0.0.1", srv.port)
    finally:
        srv.stop()
