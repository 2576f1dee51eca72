"""The login page, logout, the language switch and the root redirect (plain HTML, no scripts).

The session token goes into an HttpOnly, SameSite=Lax cookie: page scripts cannot read it and a
cross-site form cannot send it with a POST."""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reviewer.auth import SESSION_COOKIE

LANG_COOKIE = "reviewer_lang"
UI_PATHS = {"zh": "/zh/", "en": "/en/"}

TEXT = {
    "zh": {"title": "清洁生产审核报告智能预审 · 登录", "head": "清洁生产审核报告智能预审", "user": "用户名",
           "password": "密码", "submit": "登录", "bad": "用户名或密码不正确。", "other": "English",
           "hint": "账号由管理员用命令 reviewer user add 创建。", "expired": "登录已过期，请重新登录。"},
    "en": {"title": "Cleaner production audit report review · Sign in", "head": "Audit report pre-review",
           "user": "User name", "password": "Password", "submit": "Sign in", "bad": "Wrong user name or password.",
           "other": "中文", "hint": "Accounts are created by an administrator with 'reviewer user add'.",
           "expired": "Your session expired; please sign in again."},
}

router = APIRouter(include_in_schema=False)


def lang_of(request: Request) -> str:
    q = request.query_params.get("lang")
    if q in TEXT:
        return q
    c = request.cookies.get(LANG_COOKIE)
    if c in TEXT:
        return c
    return request.app.state.services.settings.app.language


def _safe_next(nxt: str | None, lang: str) -> str:
    # only local paths: never an open redirect to another site
    if nxt and nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt and len(nxt) < 200:
        return nxt
    return UI_PATHS[lang]


def _login_html(lang: str, nxt: str, error: str = "") -> str:
    t = TEXT[lang]
    other = "en" if lang == "zh" else "zh"
    err = f'<p class="err" role="alert">{html.escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(t['title'])}</title>
<style>
body {{ font-family: "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif; background:#f3f5f8;
       display:flex; align-items:center; justify-content:center; min-height:100vh; margin:0; }}
form {{ background:#fff; padding:32px 36px; border-radius:10px; box-shadow:0 2px 12px rgba(0,0,0,.08); width:340px; }}
h1 {{ font-size:20px; margin:0 0 20px; color:#1f3a5f; }}
label {{ display:block; margin:12px 0 4px; color:#333; font-size:14px; }}
input {{ width:100%; box-sizing:border-box; padding:9px 10px; border:1px solid #c8ced8; border-radius:6px; font-size:15px; }}
button {{ margin-top:20px; width:100%; padding:10px; background:#2563eb; color:#fff; border:0; border-radius:6px;
         font-size:16px; cursor:pointer; }}
.err {{ color:#b91c1c; font-size:14px; }} .foot {{ margin-top:16px; font-size:12px; color:#666; }}
.foot a {{ color:#2563eb; }}
</style></head><body>
<form method="post" action="/login">
<h1>{html.escape(t['head'])}</h1>{err}
<input type="hidden" name="next" value="{html.escape(nxt)}">
<input type="hidden" name="lang" value="{lang}">
<label for="name">{t['user']}</label><input id="name" name="name" autocomplete="username" required maxlength="64">
<label for="password">{t['password']}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="512">
<button type="submit" id="login-submit">{t['submit']}</button>
<p class="foot">{html.escape(t['hint'])} · <a href="/login?lang={other}">{t['other']}</a></p>
</form></body></html>"""


@router.get("/login")
def login_page(request: Request, next: str | None = None, expired: int = 0) -> HTMLResponse:
    lang = lang_of(request)
    resp = HTMLResponse(_login_html(lang, _safe_next(next, lang), TEXT[lang]["expired"] if expired else ""))
    resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return resp


@router.post("/login")
def login_submit(request: Request, name: Annotated[str, Form(max_length=64)] = "",
                 password: Annotated[str, Form(max_length=512)] = "",
                 next: Annotated[str, Form(max_length=300)] = "", lang: Annotated[str, Form(max_length=4)] = "zh") -> Response:
    services = request.app.state.services
    lang = lang if lang in TEXT else "zh"
    got = services.auth.login(name, password)
    if got is None:
        return HTMLResponse(_login_html(lang, _safe_next(next, lang), TEXT[lang]["bad"]), status_code=401)
    _, token = got
    target = _safe_next(next, lang)
    if target in UI_PATHS.values():
        target = UI_PATHS[lang]
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(SESSION_COOKIE, token, max_age=int(services.auth.session_ttl_s), httponly=True, samesite="lax",
                    secure=services.settings.app.secure_cookies, path="/")
    resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return resp


@router.get("/logout")
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        request.app.state.services.auth.logout(token)
    resp = RedirectResponse(f"/login?lang={lang_of(request)}", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.get("/lang/{lang}")
def switch_language(lang: str, request: Request) -> Response:
    lang = lang if lang in TEXT else "zh"
    resp = RedirectResponse(UI_PATHS[lang], status_code=303)
    resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return resp


@router.get("/")
def root(request: Request) -> Response:
    lang = lang_of(request)
    user = request.app.state.services.auth.user_for_session(request.cookies.get(SESSION_COOKIE))
    return RedirectResponse(UI_PATHS[lang] if user else f"/login?lang={lang}", status_code=303)
