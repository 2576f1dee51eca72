"""Operations shared by the HTTP API and the Gradio UI, so both behave the same: review views,
finding views, scorecards, the 技术审查意见 draft, downloads (each download is audit-logged)."""

from __future__ import annotations

from typing import Any

from reviewer.findings import FAMILIES
from reviewer.scoring import Scorecard, build_scorecard, default_sheet_id, export_docx, export_xlsx, get_sheet
from reviewer.store import User
from reviewer.store.artifacts import render_download, review_object
from reviewer.webapi.models import BasisOut, ErrorBody, FindingOut, LocationOut, Progress, ReviewOut
from reviewer.webapi.services import Services


def review_out(services: Services, row: dict[str, Any], job: dict[str, Any] | None = None) -> ReviewOut:
    store = services.store
    if job is None and row["status"] in ("queued", "running"):
        job = store.job_for_review(row["id"])
    progress = None
    if job is not None and row["status"] in ("queued", "running"):
        progress = Progress(stage=job["stage"] or job["status"], fraction=float(job["progress"] or 0),
                            queue_position=store.queue_position(job["id"]) if job["status"] == "queued" else 0,
                            attempts=int(job["attempts"] or 0))
    err = ErrorBody(code=row["error_code"] or "failed", message=row["error_message"] or "") \
        if row["status"] == "failed" else None
    return ReviewOut(
        id=row["id"], file_name=row["file_name"], status=row["status"], created_at=row["created_at"],
        finished_at=row.get("finished_at"), owner=row.get("owner_name"), batch_id=row.get("batch_id"),
        sha256=row["sha256"], title=row.get("title"), enterprise=row.get("enterprise"), agency=row.get("agency"),
        pages=row.get("pages"), counts=row.get("counts"), hidden_by_memory=int(row.get("hidden_count") or 0),
        score=row.get("score"), error=err, progress=progress,
    )


def finding_out(row: dict[str, Any]) -> FindingOut:
    body = row["body"] or {}
    loc = body.get("location") or {}
    basis = body.get("basis")
    return FindingOut(
        id=row["id"], rule_id=row["rule_id"], severity=row["severity"], family=row["family"],
        category=body.get("category") or FAMILIES.get(row["family"], row["family"]), chapter=row["chapter"],
        message=row["message"], quote=row["quote"],
        location=LocationOut(**{k: loc.get(k) for k in ("page", "section", "table", "row", "col")}),
        expected=body.get("expected"), found=body.get("found"),
        basis=BasisOut(**basis) if isinstance(basis, dict) and basis.get("item_id") else None,
        other_places=(body.get("evidence") or {}).get("other") or [], source=body.get("source", "rule"),
        status=row["status"], reason=row["reason"], hidden=bool(row["hidden"]),
    )


def scorecard_for(services: Services, review: dict[str, Any], sheet_id: str | None = None) -> Scorecard:
    sheet_id = sheet_id or default_sheet_id(services.settings)
    sheet = get_sheet(sheet_id, services.settings)
    rows = services.store.list_findings(review["id"], include_hidden=True)
    edits = services.store.get_scorecard_edits(review["id"], sheet_id)
    return build_scorecard(sheet, rows, edits)


def scorecard_file(services: Services, user: User, review: dict[str, Any], sheet_id: str | None,
                   fmt: str) -> tuple[bytes, str, str]:
    card = scorecard_for(services, review, sheet_id)
    stem = review["file_name"].rsplit(".", 1)[0]
    services.store.audit(user, "download", f"review:{review['id']}", {"what": f"scorecard.{fmt}", "sheet": card.sheet_id})
    if fmt == "xlsx":
        return (export_xlsx(card), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                f"{stem}.评分表.xlsx")
    return (export_docx(card), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            f"{stem}.评分表.docx")


def download(services: Services, user: User, review: dict[str, Any], fmt: str) -> tuple[bytes, str, str]:
    full = review if review.get("result") else services.store.get_review(review["id"], with_result=True)
    rows = services.store.list_findings(review["id"], include_hidden=True)
    out = render_download(services.store.data_dir, full, rows, fmt)
    services.store.audit(user, "download", f"review:{review['id']}", {"what": fmt})
    return out


# ---- 技术审查意见 -----------------------------------------------------------------------------
def opinion_for(services: Services, user: User, review: dict[str, Any], regenerate: bool = False) -> tuple[str, str]:
    """The saved opinion, or a fresh draft (LLM when configured, else from the findings)."""
    store = services.store
    if not regenerate:
        saved = store.get_opinion(review["id"])
        if saved:
            return saved["text"], saved["source"]
    full = review if review.get("result") else store.get_review(review["id"], with_result=True)
    rows = store.list_findings(review["id"], include_hidden=True)
    card = scorecard_for(services, full)
    text, source = draft_opinion_text(services, full, rows, card)
    return text, source


def draft_opinion_text(services: Services, review: dict[str, Any], rows: list[dict[str, Any]],
                       card: Scorecard) -> tuple[str, str]:
    try:
        from reviewer.opinion import draft_opinion
    except ImportError:
        draft_opinion = None
    if draft_opinion is not None:
        rv = review_object(services.store.data_dir, review, rows)
        out = draft_opinion(rv, card, services.settings)
        if isinstance(out, str):
            text = out
        elif hasattr(out, "to_markdown"):
            text = out.to_markdown()
        else:
            text = getattr(out, "text", None) or str(out)
        used_model = bool(getattr(out, "used_model", False))
        return text, "llm" if used_model else "template"
    return template_opinion(review, rows, card), "template"


def template_opinion(review: dict[str, Any], rows: list[dict[str, Any]], card: Scorecard) -> str:
    """A 技术审查意见 draft from the findings alone (used until/unless reviewer.opinion is present)."""
    shown = [r for r in rows if not r["hidden"] and r["status"] != "reject"]
    name = review.get("enterprise") or review.get("title") or review["file_name"]
    lines = [f"关于《{review.get('title') or review['file_name']}》的技术审查意见（初稿）", "",
             "一、基本情况", f"审查对象：{name}；文件：{review['file_name']}"
             + (f"，共 {review['pages']} 页。" if review.get("pages") else "。"), "",
             "二、总体评价"]
    counts = {s: sum(1 for r in shown if r["severity"] == s) for s in ("error", "warning", "info")}
    lines.append(f"预审发现错误 {counts['error']} 项、警告 {counts['warning']} 项、提示 {counts['info']} 项。")
    if card.total is not None:
        lines.append(f"按《{card.title}》预填得分 {card.total:g} 分（满分 {card.total_max:g}）。")
    if card.veto_hits:
        lines.append(f"涉及否决项 {'、'.join(card.veto_hits)}，建议结论：{card.verdict}。")
    elif card.verdict in ("通过", "不通过"):
        lines.append(f"建议结论：{card.verdict}。")
    lines += ["", "三、主要问题及修改意见"]
    if not shown:
        lines.append("未发现需要修改的问题。")
    for i, r in enumerate(sorted(shown, key=lambda r: ({"error": 0, "warning": 1, "info": 2}[r["severity"]],
                                                       r["page"] or 0)), 1):
        where = f"（第{r['page']}页）" if r["page"] else ""
        lines.append(f"{i}. {r['message']}{where}")
    lines += ["", "四、结论", "请企业和咨询机构按上述意见修改完善审核报告，修改后重新提交。", "",
              "（本意见由预审工具根据审查发现生成，须经专家审定。）"]
    return "\n".join(lines)


def opinion_docx(text: str, title: str = "技术审查意见") -> bytes:
    import io

    import docx
    from docx.oxml.ns import qn

    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "SimSun"
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    first = True
    for ln in text.splitlines():
        s = ln.strip()
        if not s:
            continue
        if s.startswith("# ") or first:
            d.add_heading(s.lstrip("# ").strip() or title, level=1)
        elif s.startswith("## "):
            d.add_heading(s[3:].strip(), level=2)
        else:
            d.add_paragraph(s.lstrip("> ").strip() if s.startswith("> ") else s)
        first = False
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
