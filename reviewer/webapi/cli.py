"""``reviewer serve``: the workbench and the HTTP API on one port."""

from __future__ import annotations

import argparse

from reviewer.cli import register


def _add_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=None, help="监听地址（默认见设置 app.host）")
    p.add_argument("--port", type=int, default=None, help="端口（默认见设置 app.port）")
    p.add_argument("--workers", type=int, default=None, help="审查工作进程数（默认见设置 app.workers）")
    p.add_argument("--api-only", action="store_true", help="只提供 HTTP API，不启动网页工作台")


def _run(a: argparse.Namespace) -> int:
    from reviewer.settings import load_settings
    from reviewer.webapi.server import serve

    settings = load_settings()
    if a.host:
        settings.app.host = a.host
    if a.port:
        settings.app.port = a.port
    if a.workers is not None:
        settings.app.workers = a.workers
    serve(settings, with_ui=not a.api_only)
    return 0


register("serve", "启动网页工作台和 HTTP API（同一端口）", _add_args, _run)
