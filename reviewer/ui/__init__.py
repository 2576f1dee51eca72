"""The Gradio workbench, mounted on the web application at /zh/ (Chinese) and /en/ (English)."""

from __future__ import annotations

from fastapi import FastAPI, Request

from reviewer.auth import SESSION_COOKIE
from reviewer.webapi.services import Services


def mount_ui(app: FastAPI, services: Services) -> None:
    import gradio as gr

    from reviewer.ui.render import CSS
    from reviewer.ui.workbench import build_workbench

    def auth_dependency(request: Request) -> str | None:
        user = services.auth.user_for_session(request.cookies.get(SESSION_COOKIE))
        return user.name if user else None

    for lang, path in (("zh", "/zh"), ("en", "/en")):
        demo = build_workbench(services, lang)
        demo.queue(default_concurrency_limit=16)
        gr.mount_gradio_app(app, demo, path=path, auth_dependency=auth_dependency, css=CSS,
                            footer_links=[], show_error=True, ssr_mode=False,
                            allowed_paths=[str(services.store.data_dir / "cache" / "evidence")])
