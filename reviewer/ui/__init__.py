"""The Gradio workbench, mounted on the web application at /zh/ (Chinese) and /en/ (English)."""

from __future__ import annotations

import os
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from reviewer.auth import SESSION_COOKIE
from reviewer.webapi.services import Services


def mount_ui(app: FastAPI, services: Services) -> None:
    import gradio as gr

    from reviewer.ui.render import CSS
    from reviewer.ui.workbench import build_workbench

    def auth_dependency(request: Request) -> str | None:
        user = services.auth.user_for_session(request.cookies.get(SESSION_COOKIE))
        return user.name if user else None

    evidence_root = os.path.normpath(str(services.store.data_dir / "cache" / "evidence"))

    @app.middleware("http")
    async def evidence_images_only_for_their_review(request: Request, call_next):
        # Gradio serves any file under allowed_paths to any logged-in user; a rendered evidence page
        # belongs to one review (cache/evidence/<review id>/…), so only users who may see that review
        # get it. The path is normalised first so '<own id>/../<other id>' cannot slip past the check.
        raw = unquote(request.url.path)
        if "/file=" in raw:
            target = os.path.normpath(raw.split("/file=", 1)[1])
            if target.startswith(evidence_root + os.sep):
                review_id = target[len(evidence_root) + 1:].split(os.sep, 1)[0]
                user = services.auth.user_for_session(request.cookies.get(SESSION_COOKIE))
                if user is None or services.store.review_for(user, review_id) is None:
                    return JSONResponse({"error": {"code": "not_found", "message": "文件不存在或无权查看。"}},
                                        status_code=404)
        return await call_next(request)

    for lang, path in (("zh", "/zh"), ("en", "/en")):
        demo = build_workbench(services, lang)
        demo.queue(default_concurrency_limit=16)
        gr.mount_gradio_app(app, demo, path=path, auth_dependency=auth_dependency, css=CSS,
                            footer_links=[], show_error=True, ssr_mode=False,
                            allowed_paths=[str(services.store.data_dir / "cache" / "evidence")])
