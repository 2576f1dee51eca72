import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from livesrv import LiveServer, free_port
from report_builder import build_docx_report

from reviewer.auth import add_user
from reviewer.webapi.app import create_app
from reviewer.webapi.services import Services


@pytest.fixture(scope="module", autouse=True, params=["sqlite", "postgresql"])
def database_backend(request):
    """Each API module runs on SQLite and on a real PostgreSQL server (started once per session);
    store_settings.make_settings creates a fresh database on it for every settings object."""
    mp = pytest.MonkeyPatch()
    if request.param == "postgresql":
        mp.setenv("REVIEWER_TEST_DATABASE_URL", request.getfixturevalue("pg_server"))
    else:
        mp.delenv("REVIEWER_TEST_DATABASE_URL", raising=False)
    yield request.param
    mp.undo()


@pytest.fixture(scope="module")
def api(tmp_path_factory, database_backend):
    from store_settings import make_settings

    tmp = tmp_path_factory.mktemp("api")
    settings = make_settings(tmp)
    services = Services.create(settings, workers=1, mode="thread")
    users = {
        "expert": add_user(services.store, "expert1", "expert", "pw-expert-1", group="panelA"),
        "consultant": add_user(services.store, "consult1", "consultant", "pw-consult-1", group="panelA"),
        "consultant2": add_user(services.store, "consult2", "consultant", "pw-consult-2", group="panelA"),
        "bureau": add_user(services.store, "bureau1", "bureau", "pw-bureau-1", group="bureau"),
    }
    tokens = {k: services.auth.create_api_token(u, "test") for k, u in users.items()}
    app = create_app(settings, services=services, with_ui=False)
    with LiveServer(app, free_port()) as srv:
        yield {"url": srv.url, "tokens": tokens, "users": users, "services": services, "tmp": tmp}


@pytest.fixture(scope="module")
def sample_docx(api):
    return build_docx_report(api["tmp"] / "样例报告.docx", xss=True)
