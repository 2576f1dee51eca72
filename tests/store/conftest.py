import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webapi"))  # report_builder
sys.path.insert(0, str(Path(__file__).resolve().parent))  # store_settings

from store_settings import make_settings

from reviewer.auth import add_user
from reviewer.store import Store


@pytest.fixture(autouse=True, params=["sqlite", "postgresql"])
def database_backend(request, monkeypatch):
    """Every store test runs twice: on the embedded SQLite default and on a real PostgreSQL server
    (started once per session on loopback). store_settings/test_migrations read the base URL from
    REVIEWER_TEST_DATABASE_URL and create a fresh database per test on it."""
    if request.param == "postgresql":
        monkeypatch.setenv("REVIEWER_TEST_DATABASE_URL", request.getfixturevalue("pg_server"))
    else:
        monkeypatch.delenv("REVIEWER_TEST_DATABASE_URL", raising=False)
    return request.param


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path)


@pytest.fixture
def store(settings):
    st = Store.open(settings)
    yield st
    st.close()


@pytest.fixture
def users(store):
    return {
        "expert": add_user(store, "expert1", "expert", "pw-expert-1", group="panelA"),
        "expert_b": add_user(store, "expert2", "expert", "pw-expert-2", group="panelB"),
        "consultant": add_user(store, "consult1", "consultant", "pw-consult-1", group="panelA"),
        "consultant2": add_user(store, "consult2", "consultant", "pw-consult-2", group="panelA"),
        "bureau": add_user(store, "bureau1", "bureau", "pw-bureau-1", group="bureau"),
    }
