"""Run the web application with uvicorn (used by ``python app.py`` and ``reviewer serve``)."""

from __future__ import annotations

import logging
import sys

from reviewer.settings import Settings


def serve(settings: Settings, with_ui: bool = True) -> None:
    import uvicorn

    from reviewer.errors import ReviewerError
    from reviewer.webapi.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app(settings, with_ui=with_ui)
    except ReviewerError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        raise SystemExit(2) from exc
    print(f"工作台：http://{settings.app.host}:{settings.app.port}/   接口文档：http://{settings.app.host}:"
          f"{settings.app.port}/api/v1/docs", file=sys.stderr, flush=True)
    if not app.state.services.store.list_users():
        print("提示：还没有任何用户。先在另一个终端运行“reviewer user add 用户名 --role expert”创建账号，再登录。",
              file=sys.stderr, flush=True)
    uvicorn.run(app, host=settings.app.host, port=settings.app.port, log_level="warning", timeout_graceful_shutdown=5)
