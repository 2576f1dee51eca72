"""The one web application: HTTP API (/api/v1), login pages and the Gradio workbench (/zh/, /en/)
on one port, sharing one Services (store, auth, job queue)."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from reviewer import __version__
from reviewer.auth import SESSION_COOKIE
from reviewer.errors import LimitExceededError, ReviewerError
from reviewer.settings import Settings, load_settings
from reviewer.webapi import api, pages
from reviewer.webapi.services import Services

log = logging.getLogger("reviewer.webapi")

DESCRIPTION = """清洁生产审核报告智能预审的 HTTP 接口（第 1 版）。

认证：`Authorization: Bearer <令牌>`。令牌由管理员用 `reviewer user token 用户名` 创建，或用
`POST /api/v1/auth/login` 以用户名和密码换取会话令牌。

典型流程：`POST /api/v1/reviews` 上传报告 → 轮询 `GET /api/v1/reviews/{id}` 直到 `status` 为 `done`
→ `GET /api/v1/reviews/{id}/findings` 取发现 → `GET /api/v1/reviews/{id}/downloads/docx` 下载带批注的报告。
错误统一返回 `{"error": {"code": ..., "message": ...}}`（message 为中文）。"""


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


_HTTP_ZH = {404: ("not_found", "没有这个地址。"), 405: ("method_not_allowed", "不支持该请求方法。"),
            401: ("unauthorized", "未登录。"), 403: ("forbidden", "无权访问。")}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ReviewerError)
    async def _reviewer_error(request: Request, exc: ReviewerError):
        status = getattr(exc, "status", None) or (413 if isinstance(exc, LimitExceededError) else 400)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return _error(status, exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        return _error(422, "invalid_request", f"请求参数不合法（{where}）：{first.get('msg', '')}"[:500])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code, msg = _HTTP_ZH.get(exc.status_code, ("http_error", str(exc.detail)))
        return _error(exc.status_code, code, msg)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal", "服务器内部错误，已记录。请稍后重试。")


def create_app(settings: Settings | None = None, *, services: Services | None = None, with_ui: bool = True,
               start_workers: bool = True) -> FastAPI:
    settings = settings or load_settings()
    services = services or Services.create(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if start_workers:
            services.queue.start()
        if with_ui:
            services.warm_up_knowledge()
        try:
            yield
        finally:
            if start_workers:
                services.queue.stop()

    app = FastAPI(
        title="清洁生产审核报告智能预审 API", version=__version__, description=DESCRIPTION, lifespan=lifespan,
        openapi_url=f"{api.API_PREFIX}/openapi.json", docs_url=f"{api.API_PREFIX}/docs", redoc_url=None,
    )
    app.state.services = services
    install_error_handlers(app)

    @app.middleware("http")
    async def _headers_and_login_redirect(request: Request, call_next: Any):
        path = request.url.path
        if with_ui and request.method == "GET" and path in ("/zh", "/zh/", "/en", "/en/"):
            token = request.cookies.get(SESSION_COOKIE)
            user = await run_in_threadpool(services.auth.user_for_session, token)
            if user is None:
                return RedirectResponse(f"/login?next={path.rstrip('/')}/&expired={1 if token else 0}", status_code=303)
        resp = await call_next(request)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if not path.startswith(("/zh", "/en")):
            resp.headers.setdefault("X-Frame-Options", "DENY")
        return resp

    app.include_router(api.router)
    if with_ui:
        app.include_router(pages.router)
        from reviewer.ui import mount_ui

        mount_ui(app, services)
    return app
