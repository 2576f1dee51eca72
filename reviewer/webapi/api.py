"""HTTP API, version 1: ``/api/v1/...``. Bearer-token auth (``reviewer user token NAME`` or
``POST /api/v1/auth/login``); GET requests also accept the browser's session cookie so the
workbench can link downloads directly. A review another user may not see answers 404, exactly
like a review that does not exist."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from reviewer.auth import SESSION_COOKIE, may_admin
from reviewer.errors import ReviewerError
from reviewer.store import User
from reviewer.webapi import workbench as wb
from reviewer.webapi.models import (
    AdoptionOut,
    BasisOut,
    DecisionIn,
    DecisionOut,
    ErrorResponse,
    FindingDetail,
    FindingOut,
    HitOut,
    LoginRequest,
    LoginResponse,
    OpinionIn,
    OpinionOut,
    ReviewOut,
    RuleOut,
    ScoreEdit,
    SubmitResponse,
    UserOut,
)
from reviewer.webapi.services import Services

API_PREFIX = "/api/v1"
_bearer = HTTPBearer(auto_error=False, description="API token or login session token")


class ApiError(ReviewerError):
    """An error with an HTTP status (404 not found, 401 not logged in, 403 not allowed)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message, code=code)
        self.status = status


NOT_FOUND = "没有这份审查记录，或您无权查看。"
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "bad input"},
    401: {"model": ErrorResponse, "description": "not logged in / token invalid or expired"},
    404: {"model": ErrorResponse, "description": "not found (or not visible to this user)"},
}


def _services(request: Request) -> Services:
    return request.app.state.services


def current_user(request: Request,
                 cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None) -> User:
    services = _services(request)
    user = None
    if cred is not None and cred.scheme.lower() == "bearer":
        user = services.auth.user_for_bearer(cred.credentials)
    elif request.method in ("GET", "HEAD"):
        # cookie auth only for safe methods: a cross-site form can never change state
        user = services.auth.user_for_session(request.cookies.get(SESSION_COOKIE))
    if user is None:
        raise ApiError(401, "unauthorized", "未登录，或令牌无效、已过期。请重新登录或使用有效的 API 令牌。")
    return user


UserDep = Annotated[User, Depends(current_user)]
ServicesDep = Annotated[Services, Depends(_services)]


def _review(services: Services, user: User, review_id: str, with_result: bool = False) -> dict[str, Any]:
    row = services.store.review_for(user, review_id, with_result=with_result)
    if row is None:
        raise ApiError(404, "not_found", NOT_FOUND)
    return row


def _file_response(content: bytes, media: str, name: str) -> Response:
    ascii_name = name.encode("ascii", "ignore").decode() or "download"
    ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in ascii_name)
    disp = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=media, headers={"Content-Disposition": disp,
                                                         "X-Content-Type-Options": "nosniff"})


router = APIRouter(prefix=API_PREFIX, responses=ERRORS)


# ---- auth ------------------------------------------------------------------------------------
@router.post("/auth/login", response_model=LoginResponse, tags=["auth"], summary="登录，取得会话令牌")
def login(body: LoginRequest, services: ServicesDep) -> LoginResponse:
    got = services.auth.login(body.name, body.password)
    if got is None:
        raise ApiError(401, "bad_credentials", "用户名或密码不正确。")
    user, token = got
    return LoginResponse(token=token, expires_in_s=services.auth.session_ttl_s, user=_user_out(user))


@router.post("/auth/logout", tags=["auth"], summary="注销当前令牌", status_code=204)
def logout(user: UserDep, services: ServicesDep,
           cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None) -> Response:
    if cred is not None:
        services.auth.logout(cred.credentials)
    return Response(status_code=204)


@router.get("/me", response_model=UserOut, tags=["auth"], summary="当前用户")
def me(user: UserDep) -> UserOut:
    return _user_out(user)


def _user_out(u: User) -> UserOut:
    return UserOut(id=u.id, name=u.name, display_name=u.display_name, role=u.role, group=u.group)


# ---- reviews ---------------------------------------------------------------------------------
@router.post("/reviews", response_model=SubmitResponse, status_code=202, tags=["reviews"],
             summary="上传一份报告（DOCX/PDF）并排队审查")
def submit_review(
    user: UserDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="report file: .docx or .pdf (.md/.txt excerpts also accepted)")],
    select: Annotated[str, Form(description="only these rule ids/prefixes, comma separated")] = "",
    ignore: Annotated[str, Form(description="skip these rule ids/prefixes, comma separated")] = "",
    use_llm: Annotated[bool, Form(description="run LLM judgement checks when a model is configured")] = True,
) -> SubmitResponse:
    from reviewer.rules.base import unknown_selectors

    sel = [s.strip() for s in select.split(",") if s.strip()]
    ign = [s.strip() for s in ignore.split(",") if s.strip()]
    bad = unknown_selectors(sel + ign)
    if bad:
        raise ApiError(400, "unknown_rule", f"未知的规则编号或前缀：{', '.join(bad)[:200]}")
    options: dict[str, Any] = {"select": sel, "ignore": ign, "use_llm": use_llm}
    row, created = services.queue.submit_review(user, file.file, file.filename or "upload", options)
    return SubmitResponse(review=wb.review_out(services, row), created=created)


@router.get("/reviews", response_model=list[ReviewOut], tags=["reviews"], summary="我可见的审查")
def list_reviews(user: UserDep, services: ServicesDep,
                 status: Literal["queued", "running", "done", "failed"] | None = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[ReviewOut]:
    rows = services.store.list_reviews(user, status=status, limit=limit)
    jobs = services.store.jobs_for_reviews([r["id"] for r in rows if r["status"] in ("queued", "running")])
    return [wb.review_out(services, r, jobs.get(r["id"])) for r in rows]


@router.get("/reviews/{review_id}", response_model=ReviewOut, tags=["reviews"], summary="审查状态与摘要")
def get_review(review_id: str, user: UserDep, services: ServicesDep) -> ReviewOut:
    return wb.review_out(services, _review(services, user, review_id))


@router.post("/reviews/{review_id}/rerun", response_model=ReviewOut, status_code=202, tags=["reviews"],
             summary="重新审查（同一文件、同一选项）")
def rerun_review(review_id: str, user: UserDep, services: ServicesDep) -> ReviewOut:
    _review(services, user, review_id)
    services.store.requeue_review(user, review_id)
    return wb.review_out(services, _review(services, user, review_id))


@router.get("/reviews/{review_id}/findings", response_model=list[FindingOut], tags=["findings"],
            summary="审查发现（可按严重程度、类别、章节、状态筛选）")
def list_findings(
    review_id: str, user: UserDep, services: ServicesDep,
    severity: Literal["error", "warning", "info"] | None = None,
    family: Annotated[str | None, Query(max_length=8, description="rule family prefix, e.g. BAL")] = None,
    chapter: Annotated[str | None, Query(max_length=255)] = None,
    status: Literal["open", "accept", "reject"] | None = None,
    include_hidden: Annotated[bool, Query(description="also findings hidden by false-positive memory")] = False,
) -> list[FindingOut]:
    _review(services, user, review_id)
    rows = services.store.list_findings(review_id, include_hidden=include_hidden, severity=severity,
                                        family=family.upper() if family else None, chapter=chapter, status=status)
    return [wb.finding_out(r) for r in rows]


@router.get("/reviews/{review_id}/findings/{finding_id}", response_model=FindingDetail, tags=["findings"],
            summary="一条发现及其决定历史")
def get_finding(review_id: str, finding_id: int, user: UserDep, services: ServicesDep) -> FindingDetail:
    _review(services, user, review_id)
    row = services.store.get_finding(review_id, finding_id)
    if row is None:
        raise ApiError(404, "not_found", "没有这条发现。")
    hist = [DecisionOut(id=h["id"], user=h["user_name"], decision=h["decision"], reason=h["reason"],
                        created_at=h["created_at"]) for h in services.store.decision_history(finding_id)]
    return FindingDetail(**wb.finding_out(row).model_dump(), history=hist)


@router.post("/reviews/{review_id}/findings/{finding_id}/decision", response_model=FindingOut, tags=["findings"],
             summary="采纳或不采纳一条发现（不采纳须写理由；同组以后不再提示同样的问题）")
def decide(review_id: str, finding_id: int, body: DecisionIn, user: UserDep, services: ServicesDep) -> FindingOut:
    _review(services, user, review_id)
    if services.store.get_finding(review_id, finding_id) is None:
        raise ApiError(404, "not_found", "没有这条发现。")
    row = services.store.decide(user, review_id, finding_id, body.decision, body.reason)
    return wb.finding_out(row)


@router.get("/reviews/{review_id}/downloads/{fmt}", tags=["downloads"],
            summary="下载审查结果：json / md / html / docx（带 Word 批注）",
            responses={200: {"content": {"application/octet-stream": {}}}})
def download(review_id: str, fmt: Literal["json", "md", "html", "docx"], user: UserDep,
             services: ServicesDep) -> Response:
    row = _review(services, user, review_id, with_result=True)
    if row["status"] != "done":
        raise ApiError(409, "not_ready", "该审查尚未完成，暂无结果可下载。")
    return _file_response(*wb.download(services, user, row, fmt))


# ---- scorecard and opinion ----------------------------------------------------------------------
@router.get("/scoring/sheets", tags=["scoring"], summary="可用的评分表")
def sheets(user: UserDep, services: ServicesDep) -> list[dict[str, Any]]:
    from reviewer.scoring import load_sheets

    return [{"id": s.id, "title": s.title, "kind": s.kind, "total": s.total, "pass_line": s.pass_line,
             "complete": s.complete, "items": len(s.items)}
            for s in load_sheets(services.settings.paths.knowledge_dir).values()]


@router.get("/reviews/{review_id}/scorecard", tags=["scoring"], summary="评分表（由审查发现预填，含专家修改）")
def get_scorecard(review_id: str, user: UserDep, services: ServicesDep,
                  sheet: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    row = _review(services, user, review_id)
    return wb.scorecard_for(services, row, sheet).model_dump()


@router.put("/reviews/{review_id}/scorecard", tags=["scoring"], summary="保存专家对评分表的修改")
def put_scorecard(review_id: str, edits: dict[str, ScoreEdit], user: UserDep, services: ServicesDep,
                  sheet: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    from reviewer.scoring import default_sheet_id, get_sheet

    row = _review(services, user, review_id)
    sheet_id = sheet or default_sheet_id(services.settings)
    known = {i.id for i in get_sheet(sheet_id, services.settings).items}
    unknown = sorted(set(edits) - known)
    if unknown:
        raise ApiError(400, "unknown_item", f"评分表中没有这些条目：{'、'.join(unknown)[:200]}")
    services.store.save_scorecard_edits(user, review_id, sheet_id,
                                        {k: v.model_dump() for k, v in edits.items()})
    return wb.scorecard_for(services, row, sheet_id).model_dump()


@router.get("/reviews/{review_id}/scorecard/export/{fmt}", tags=["scoring"], summary="导出评分表：xlsx / docx",
            responses={200: {"content": {"application/octet-stream": {}}}})
def export_scorecard(review_id: str, fmt: Literal["xlsx", "docx"], user: UserDep, services: ServicesDep,
                     sheet: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    row = _review(services, user, review_id)
    return _file_response(*wb.scorecard_file(services, user, row, sheet, fmt))


@router.get("/reviews/{review_id}/opinion", response_model=OpinionOut, tags=["opinion"],
            summary="技术审查意见（已保存的，或由审查发现生成的初稿）")
def get_opinion(review_id: str, user: UserDep, services: ServicesDep) -> OpinionOut:
    row = _review(services, user, review_id)
    if row["status"] != "done":
        raise ApiError(409, "not_ready", "该审查尚未完成。")
    text, source = wb.opinion_for(services, user, row)
    saved = services.store.get_opinion(review_id)
    return OpinionOut(text=text, source=source, updated_at=saved["updated_at"] if saved else None)


@router.put("/reviews/{review_id}/opinion", response_model=OpinionOut, tags=["opinion"], summary="保存修改后的审查意见")
def put_opinion(review_id: str, body: OpinionIn, user: UserDep, services: ServicesDep) -> OpinionOut:
    _review(services, user, review_id)
    services.store.save_opinion(user, review_id, body.text, "edited")
    saved = services.store.get_opinion(review_id)
    return OpinionOut(text=saved["text"], source=saved["source"], updated_at=saved["updated_at"])


@router.get("/reviews/{review_id}/opinion/export/docx", tags=["opinion"], summary="下载审查意见 DOCX",
            responses={200: {"content": {"application/octet-stream": {}}}})
def export_opinion(review_id: str, user: UserDep, services: ServicesDep) -> Response:
    row = _review(services, user, review_id)
    if row["status"] != "done":
        raise ApiError(409, "not_ready", "该审查尚未完成。")
    text, _ = wb.opinion_for(services, user, row)
    services.store.audit(user, "download", f"review:{review_id}", {"what": "opinion.docx"})
    stem = row["file_name"].rsplit(".", 1)[0]
    return _file_response(wb.opinion_docx(text), "application/vnd.openxmlformats-officedocument.wordprocessingml"
                          ".document", f"{stem}.技术审查意见.docx")


# ---- rules, knowledge, statistics --------------------------------------------------------------
@router.get("/rules", response_model=list[RuleOut], tags=["rules"], summary="规则目录")
def rules(user: UserDep) -> list[RuleOut]:
    from reviewer.rules.base import all_rules

    return [RuleOut(id=r.id, name=r.name, severity=r.severity, family=r.family, category=r.category,
                    sentence=r.describe(), basis=BasisOut(**r.basis.model_dump()) if r.basis else None)
            for r in all_rules()]


@router.get("/knowledge/search", response_model=list[HitOut], tags=["knowledge"], summary="检索法规、标准、指南")
def knowledge_search(user: UserDep, services: ServicesDep,
                     q: Annotated[str, Query(min_length=1, max_length=400)],
                     k: Annotated[int, Query(ge=1, le=50)] = 5) -> list[HitOut]:
    kb = services.knowledge()
    if kb is None:
        raise ApiError(503, "no_knowledge", "知识库不可用。")
    return [HitOut(item_id=h.item_id, title=h.title, doc_number=h.doc_number, clause=h.clause, text=h.text,
                   score=h.score, status=h.status) for h in kb.search(q, k=k)]


@router.get("/stats/adoption", response_model=list[AdoptionOut], tags=["statistics"],
            summary="各规则的采纳率（专家采纳 / 已决定）")
def adoption(user: UserDep, services: ServicesDep) -> list[AdoptionOut]:
    return [AdoptionOut(**r) for r in services.store.adoption_stats(None if may_admin(user) else user)]


@router.get("/health", tags=["meta"], summary="健康检查（无需登录）")
def health(services: ServicesDep) -> dict[str, Any]:
    from reviewer import __version__
    from reviewer.store.migrations import LATEST

    return {"status": "ok", "version": __version__, "schema": LATEST, "queue": services.store.queue_counts()}


# ---- batches (bureau dashboard) ---------------------------------------------------------------
@router.get("/batches", tags=["batches"], summary="批次列表（主管部门可见全部）")
def list_batches(user: UserDep, services: ServicesDep) -> list[dict[str, Any]]:
    return [{"id": b["id"], "name": b["name"], "created_at": b["created_at"]} for b in services.store.list_batches(user)]


@router.get("/batches/{batch_id}", tags=["batches"], summary="批次中的报告与按咨询机构的统计")
def get_batch(batch_id: str, user: UserDep, services: ServicesDep) -> dict[str, Any]:
    from reviewer.ui.batch import agency_stats, batch_rows

    batch = services.store.batch_for(user, batch_id)
    if batch is None:
        raise ApiError(404, "not_found", "没有这个批次，或您无权查看。")
    rows = batch_rows(services, user, batch_id)
    return {"id": batch["id"], "name": batch["name"], "reviews": [wb.review_out(services, r).model_dump() for r in rows],
            "agencies": agency_stats(rows), "clusters": (batch.get("analysis") or {}).get("clusters")}


@router.get("/batches/{batch_id}/export.csv", tags=["batches"], summary="导出批次结果 CSV",
            responses={200: {"content": {"text/csv": {}}}})
def export_batch(batch_id: str, user: UserDep, services: ServicesDep) -> Response:
    from reviewer.ui.batch import batch_csv

    data = batch_csv(services, user, batch_id)
    if data is None:
        raise ApiError(404, "not_found", "没有这个批次，或您无权查看。")
    services.store.audit(user, "download", f"batch:{batch_id}", {"what": "csv"})
    return _file_response(data, "text/csv; charset=utf-8", f"批次_{batch_id[:8]}.csv")
