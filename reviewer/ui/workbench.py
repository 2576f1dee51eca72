"""The expert workbench (Gradio Blocks): 审查 · 评分表 · 审查意见 · 对话 · 知识库 · 批量 · 用户/统计.

Every handler resolves the user from the session cookie on each call (so expiry and revocation
apply at once), reads only what that user may see through the store's visibility rules, and
renders report text escaped. Reviews run in the job queue; the page polls progress with a
1-second timer, so other tabs stay usable while a long report is being reviewed.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import gradio as gr

from reviewer.auth import SESSION_COOKIE, may_admin, may_use_batch
from reviewer.errors import ReviewerError
from reviewer.findings import FAMILIES
from reviewer.store import User
from reviewer.store.artifacts import load_document, source_path
from reviewer.ui import render as R
from reviewer.ui.evidence import context_html, render_pdf_evidence
from reviewer.ui.i18n import translator
from reviewer.webapi import workbench as wb
from reviewer.webapi.services import Services

log = logging.getLogger("reviewer.ui")
ALL = "__all__"
N_REVIEW_OUTPUTS = 10  # summary, table, family/chapter filters, downloads, evidence (3), selection, shown
STATUS_KEYS = {"open": "st_open", "accept": "st_accept", "reject": "st_reject"}


class _LRU:
    """A small thread-safe cache of parsed documents and chat sessions per review."""

    def __init__(self, size: int = 4):
        self.size = size
        self.data: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, factory):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        value = factory()
        with self.lock:
            self.data[key] = value
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value


def build_workbench(services: Services, lang: str = "zh") -> gr.Blocks:
    t = translator(lang)
    store = services.store
    docs = _LRU(4)
    chats = _LRU(4)

    # ---- helpers ---------------------------------------------------------------------------
    def user_of(request: gr.Request | None) -> User:
        token = None
        if request is not None:
            token = request.cookies.get(SESSION_COOKIE)
        user = services.auth.user_for_session(token)
        if user is None:
            raise gr.Error(t("expired"))
        return user

    def review_of(user: User, review_id: str | None, with_result: bool = False) -> dict[str, Any] | None:
        if not review_id:
            return None
        return store.review_for(user, review_id, with_result=with_result)

    def levels_of(rv: dict[str, Any]) -> dict | None:
        """The review's recomputed cleaner-production level (Review.extras["levels"]), if any."""
        if rv.get("status") != "done":
            return None
        full = store.get_review(rv["id"], with_result=True)
        try:
            return (json.loads(full["result"]).get("extras") or {}).get("levels") if full and full.get("result") else None
        except ValueError:
            return None

    def review_choices(user: User) -> list[tuple[str, str]]:
        out = []
        for r in store.list_reviews(user, limit=300):
            if r.get("batch_id"):
                continue
            owner = f" · {r['owner_name']}" if r["owner_id"] != user.id else ""
            out.append((f"{r['file_name']} · {t(r['status'])} · {R.when(r['created_at'])}{owner}", r["id"]))
        return out

    def document_of(review: dict[str, Any]):
        return docs.get(review["id"], lambda: load_document(store.data_dir, review["id"]))

    def sev_choices() -> list[tuple[str, str]]:
        return [(t("all"), ALL)] + [(R.sev_label(s, lang), s) for s in ("error", "warning", "info")]

    def status_choices() -> list[tuple[str, str]]:
        return [(t("all"), ALL)] + [(t(v), k) for k, v in STATUS_KEYS.items()]

    def finding_table(rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [[r["id"], R.sev_label(r["severity"], lang), r["rule_id"],
                 FAMILIES.get(r["family"], r["family"]) if lang == "zh" else r["family"], r["chapter"],
                 r["page"] if r["page"] is not None else "", r["message"], t(STATUS_KEYS[r["status"]])
                 + (" *" if r["hidden"] else "")] for r in rows]

    headers = [t("col_id"), t("col_sev"), t("col_rule"), t("col_cat"), t("col_chapter"), t("col_page"),
               t("col_msg"), t("col_status")]

    def filtered_rows(review_id: str, sev: str, fam: str, chapter: str, status: str, hidden: bool):
        return store.list_findings(review_id, include_hidden=bool(hidden), severity=None if sev in (None, ALL) else sev,
                                   family=None if fam in (None, ALL) else fam,
                                   chapter=None if chapter in (None, ALL) else chapter,
                                   status=None if status in (None, ALL) else status)

    def downloads_html(review: dict[str, Any] | None) -> str:
        if not review or review["status"] != "done":
            return ""
        rid = review["id"]
        links = [(f"/api/v1/reviews/{rid}/downloads/docx", t("dl_docx"), "dl-docx"),
                 (f"/api/v1/reviews/{rid}/downloads/html", t("dl_html"), "dl-html"),
                 (f"/api/v1/reviews/{rid}/downloads/md", t("dl_md"), "dl-md"),
                 (f"/api/v1/reviews/{rid}/downloads/json", t("dl_json"), "dl-json")]
        items = " · ".join(f'<a href="{u}" download id="{i}">{R.e(label)}</a>' for u, label, i in links)
        return f'<div class="rv-meta"><b>{R.e(t("downloads"))}</b>：{items}</div>'

    # ---- page load -------------------------------------------------------------------------
    def on_load(request: gr.Request):
        user = user_of(request)
        choices = review_choices(user)
        value = choices[0][1] if choices else None
        sheets = [(s.title, s.id) for s in _sheets()]
        return (
            R.header_html(user, t, lang),
            gr.update(choices=choices, value=value),
            gr.update(visible=may_use_batch(user)),
            gr.update(choices=sheets, value=wb.default_sheet_id(services.settings) if sheets else None),
            progress_for(user),
            dict(_statuses(user).items()),
        )

    def _sheets():
        from reviewer.scoring import load_sheets

        return list(load_sheets(services.settings.paths.knowledge_dir).values())

    def _statuses(user: User) -> dict[str, str]:
        return {r["id"]: r["status"] for r in store.list_reviews(user, limit=300)}

    def progress_for(user: User) -> str:
        rows = [r for r in store.list_reviews(user, limit=300) if not r.get("batch_id")]
        import time as _time

        active = [r for r in rows if r["status"] in ("queued", "running")]
        recent = [r for r in rows if r["status"] in ("done", "failed") and (r.get("finished_at") or 0) > _time.time() - 120]
        show = active + recent[:5]
        jobs = store.jobs_for_reviews([r["id"] for r in active])
        positions = {r["id"]: store.queue_position(jobs[r["id"]]["id"]) for r in active
                     if r["id"] in jobs and r["status"] == "queued"}
        return R.progress_html(show, jobs, positions, t)

    # ---- review tab ------------------------------------------------------------------------
    def on_upload(files, use_llm, request: gr.Request):
        user = user_of(request)
        if not files:
            return gr.skip(), t("no_files"), gr.skip(), gr.skip()
        msgs, first = [], None
        for f in files if isinstance(files, list) else [files]:
            path = Path(f if isinstance(f, str) else f.name)
            name = getattr(f, "orig_name", None) or path.name
            try:
                row, created = services.queue.submit_review(user, path, name, {"use_llm": bool(use_llm)})
            except ReviewerError as exc:
                msgs.append(f"{name}：{exc.message}")
                continue
            first = first or row["id"]
            if not created:
                msgs.append(t("duplicate", name=row["file_name"]))
        n = sum(1 for _ in (files if isinstance(files, list) else [files])) - sum(1 for m in msgs if "：" in m)
        msgs.insert(0, t("submitted", n=max(n, 0)))
        choices = review_choices(user)
        return (gr.update(choices=choices, value=first) if first else gr.update(choices=choices), "\n".join(msgs),
                progress_for(user), None)

    def on_tick(current: str | None, known: dict[str, str] | None, shown: str | None, sev, fam, chapter, status,
                hidden, request: gr.Request):
        """Progress every second; the review list when a status changed; the review view when the
        shown status of the current review is not its status in the database. Comparing with
        what is *shown* (not with the last tick) heals any out-of-order update."""
        user = user_of(request)
        statuses = _statuses(user)
        prog = progress_for(user)
        changed = statuses != (known or {})
        # only the labels (status) change here; never the selection, which the user (or an
        # upload) may have changed while this tick was running
        dd = gr.update(choices=review_choices(user)) if changed else gr.skip()
        if current and f"{current}:{statuses.get(current)}" != shown:
            view = load_review(current, sev, fam, chapter, status, hidden, request)
        else:
            view = (gr.skip(),) * N_REVIEW_OUTPUTS
        return prog, dd, (statuses if changed else gr.skip()), *view

    def load_review(review_id, sev, fam, chapter, status, hidden, request: gr.Request):
        user = user_of(request)
        rv = review_of(user, review_id)
        empty_ev = (f"<p>{R.e(t('evidence_none'))}</p>", None, "", None)
        if rv is None:
            return (f"<p>{R.e(t('select_review'))}</p>", gr.update(value=[], headers=headers),
                    gr.update(choices=[(t("all"), ALL)], value=ALL), gr.update(choices=[(t("all"), ALL)], value=ALL),
                    "", *empty_ev, "")
        all_rows = store.list_findings(rv["id"], include_hidden=True)
        chapters = sorted({r["chapter"] for r in all_rows if r["chapter"]})
        fams = sorted({r["family"] for r in all_rows}, key=lambda x: list(FAMILIES).index(x) if x in FAMILIES else 99)
        fam_choices = [(t("all"), ALL)] + [(f"{f} {FAMILIES.get(f, '')}" if lang == "zh" else f, f) for f in fams]
        ch_choices = [(t("all"), ALL)] + [(c, c) for c in chapters]
        fam = fam if fam in fams else ALL
        chapter = chapter if chapter in chapters else ALL
        rows = filtered_rows(rv["id"], sev, fam, chapter, status, hidden)
        return (R.summary_html(rv, all_rows, t, lang, levels_of(rv)), gr.update(value=finding_table(rows), headers=headers),
                gr.update(choices=fam_choices, value=fam), gr.update(choices=ch_choices, value=chapter),
                downloads_html(rv), *empty_ev, f"{rv['id']}:{rv['status']}")

    def refilter(review_id, sev, fam, chapter, status, hidden, request: gr.Request):
        user = user_of(request)
        rv = review_of(user, review_id)
        if rv is None:
            return gr.update(value=[], headers=headers)
        return gr.update(value=finding_table(filtered_rows(rv["id"], sev, fam, chapter, status, hidden)),
                         headers=headers)

    def show_evidence(review_id, fid: int | None, user: User):
        rv = review_of(user, review_id)
        row = store.get_finding(rv["id"], int(fid)) if rv and fid is not None else None
        if row is None:
            return f"<p>{R.e(t('evidence_none'))}</p>", None, "", None, None, ""
        f = wb.finding_out(row)
        detail = R.finding_html(f, t, lang)
        image = None
        doc = document_of(rv)
        body = row["body"] or {}
        loc = body.get("location") or {}
        if rv.get("file_type") == "pdf" and f.location.page:
            src = source_path(store.data_dir, rv)
            if src.exists():
                try:
                    png, located = render_pdf_evidence(src, f.location.page, f.quote,
                                                       store.data_dir / "cache" / "evidence" / rv["id"])
                    image = str(png)
                    if not located:
                        detail += f"<p class='rv-meta'>{R.e(t('ev_scan'))}</p>"
                except Exception:  # a damaged page must not break the panel; the context remains
                    image = None
        ctx = context_html(doc, loc.get("block"), f.quote, loc.get("row"), loc.get("col")) if doc else ""
        decision = {"accept": "accept", "reject": "reject"}.get(f.status)
        return detail, image, ctx, int(fid), decision, f.reason

    def on_select(review_id, evt: gr.SelectData, request: gr.Request):
        user = user_of(request)
        fid = None
        try:
            row_value = evt.row_value
            fid = int(row_value[0]) if row_value else None
        except (TypeError, ValueError, AttributeError):
            fid = None
        detail, image, ctx, fid, decision, reason = show_evidence(review_id, fid, user)
        return (detail, gr.update(value=image, visible=image is not None), ctx, fid,
                gr.update(value=_decision_label(decision)), reason)

    def _decision_label(decision: str | None) -> str | None:
        return {"accept": t("accept"), "reject": t("reject")}.get(decision or "")

    def on_decide(review_id, fid, decision_label, reason, sev, fam, chapter, status, hidden, request: gr.Request):
        user = user_of(request)
        rv = review_of(user, review_id)
        if rv is None or fid is None:
            return t("choose_finding"), gr.skip(), gr.skip(), gr.skip()
        decision = {t("accept"): "accept", t("reject"): "reject"}.get(decision_label or "")
        if decision is None:
            return t("choose_decision"), gr.skip(), gr.skip(), gr.skip()
        try:
            store.decide(user, rv["id"], int(fid), decision, reason or "")
        except ReviewerError as exc:
            return exc.message, gr.skip(), gr.skip(), gr.skip()
        rv = review_of(user, review_id)
        all_rows = store.list_findings(rv["id"], include_hidden=True)
        rows = filtered_rows(rv["id"], sev, fam, chapter, status, hidden)
        detail = show_evidence(review_id, fid, user)[0]
        return (t("decision_saved", d=decision_label), gr.update(value=finding_table(rows), headers=headers),
                R.summary_html(rv, all_rows, t, lang, levels_of(rv)), detail)

    def on_rerun(review_id, request: gr.Request):
        user = user_of(request)
        rv = review_of(user, review_id)
        if rv is None:
            return t("select_review"), gr.skip()
        store.requeue_review(user, rv["id"])
        return t("rerun_done"), progress_for(user)

    # ---- scoring tab -------------------------------------------------------------------------
    score_headers = [t("col_id"), t("sc_section"), t("sc_item"), t("sc_max"), t("sc_value"), t("sc_evidence"),
                     t("sc_comment")]

    def yes_no(v: bool) -> str:
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")

    def scorecard_view(user: User, review_id, sheet_id):
        rv = review_of(user, review_id)
        if rv is None or rv["status"] != "done":
            return f"<p>{R.e(t('select_review'))}</p>", gr.update(value=[], headers=score_headers), ""
        card = wb.scorecard_for(services, rv, sheet_id)
        rows = [[ln.item_id, ln.section, ln.text, ("否决项" if lang == "zh" else "veto") if ln.veto else ln.max_points,
                 yes_no(ln.veto_hit) if ln.veto else (ln.points if ln.points is not None else ""),
                 compact_evidence(ln), ln.comment] for ln in card.lines]
        total = f"{card.total:g} / {card.total_max:g}" if card.total is not None else "—"
        vetoes = "、".join(card.veto_hits) if card.veto_hits else t("none")
        summary = (f'<div class="rv-cards"><div class="rv-card score"><b>{R.e(total)}</b>{R.e(t("score"))}</div>'
                   f'<div class="rv-card"><b>{R.e(card.verdict)}</b>{R.e(t("verdict"))}</div>'
                   f'<div class="rv-card error"><b>{R.e(vetoes)}</b>{R.e(t("veto_hits"))}</div></div>'
                   + (f'<div class="rv-meta">{R.e(card.note)}</div>' if card.note else "")
                   + f'<div class="rv-meta">{R.e(t("sc_hint"))}</div>')
        base = f"/api/v1/reviews/{rv['id']}/scorecard/export"
        sheet_q = f"?sheet={card.sheet_id}"
        links = (f'<div class="rv-meta"><b>{R.e(t("sc_export"))}</b>：<a href="{base}/xlsx{sheet_q}" download id="dl-score-xlsx">'
                 f'XLSX</a> · <a href="{base}/docx{sheet_q}" download id="dl-score-docx">DOCX</a></div>')
        return summary, gr.update(value=rows, headers=score_headers), links

    def compact_evidence(line) -> str:
        """The table shows one short line per deduction; the exports carry the full evidence."""
        out = []
        for d in line.deductions[:8]:
            pts = f"（−{d.points:g}）" if d.points else ""
            where = f" {d.location}" if d.location else ""
            msg = d.message if len(d.message) <= 48 else d.message[:47] + "…"
            out.append(f"{d.rule_id}{pts}{where}：{msg}")
        if len(line.deductions) > 8:
            out.append(f"……另 {len(line.deductions) - 8} 条" if lang == "zh" else f"… {len(line.deductions) - 8} more")
        if line.manual and not out:
            out.append("（无对应的自动检查，需专家判断）" if lang == "zh" else "(no automatic check: expert judgement)")
        return "\n".join(out)

    def on_score_load(review_id, sheet_id, request: gr.Request):
        return scorecard_view(user_of(request), review_id, sheet_id)

    def on_score_save(review_id, sheet_id, table, request: gr.Request):
        from reviewer.scoring import get_sheet

        user = user_of(request)
        rv = review_of(user, review_id)
        if rv is None or rv["status"] != "done":
            return t("select_review"), gr.skip(), gr.skip(), gr.skip()
        sheet = get_sheet(sheet_id or wb.default_sheet_id(services.settings), services.settings)
        items = {i.id: i for i in sheet.items}
        card = wb.scorecard_for(services, rv, sheet.id)
        prefilled = {ln.item_id: ln for ln in card.lines}
        values = table.values.tolist() if hasattr(table, "values") else list(table or [])
        edits: dict[str, Any] = {}
        for row in values:
            iid = str(row[0])
            item = items.get(iid)
            if item is None:
                continue
            raw, comment = row[4], str(row[6] or "").strip()
            e: dict[str, Any] = {"comment": comment}
            if item.veto:
                e["veto"] = str(raw).strip().lower() in ("是", "yes", "y", "true", "1", "√")
            else:
                try:
                    e["points"] = float(raw)
                except (TypeError, ValueError):
                    e["points"] = prefilled[iid].suggested_points
            old = prefilled[iid]
            if (item.veto and e["veto"] != old.suggested_veto) or (not item.veto and e["points"] != old.suggested_points) \
                    or comment:
                edits[iid] = e
        store.save_scorecard_edits(user, rv["id"], sheet.id, edits)
        summary, rows, links = scorecard_view(user, review_id, sheet.id)
        return t("sc_saved"), summary, rows, links

    # ---- opinion tab -----------------------------------------------------------------------------
    def opinion_link(rv: dict[str, Any] | None) -> str:
        if not rv or rv["status"] != "done":
            return ""
        return (f'<div class="rv-meta"><a href="/api/v1/reviews/{rv["id"]}/opinion/export/docx" download '
                f'id="dl-opinion">DOCX</a></div>')

    def on_opinion_load(review_id, request: gr.Request):
        user = user_of(request)
        rv = review_of(user, review_id)
        if rv is None or rv["status"] != "done":
            return "", t("select_review"), ""
        text, source = wb.opinion_for(services, user, rv)
        return text, t(f"op_source_{source}"), opinion_link(rv)

    def on_opinion_generate(review_id, request: gr.Request):
        user = user_of(request)
        rv = review_of(user, review_id)
        if rv is None or rv["status"] != "done":
            return gr.skip(), t("select_review"), ""
        text, source = wb.opinion_for(services, user, rv, regenerate=True)
        return text, t(f"op_source_{source}"), opinion_link(rv)

    def on_opinion_save(review_id, text, request: gr.Request):
        user = user_of(request)
        rv = review_of(user, review_id)
        if rv is None:
            return t("select_review")
        try:
            store.save_opinion(user, rv["id"], text or "", "edited")
        except ReviewerError as exc:
            return exc.message
        return t("op_saved")

    # ---- chat tab ------------------------------------------------------------------------------
    def on_chat(message, history, scope, review_id, request: gr.Request):
        user = user_of(request)
        history = list(history or [])
        message = (message or "").strip()
        if not message:
            yield history, ""
            return
        try:
            from reviewer.llm.chat import ReportChat
        except ImportError:
            history += [{"role": "user", "content": message},
                        {"role": "assistant", "content": t("kb_unavailable")}]
            yield history, ""
            return
        rv = review_of(user, review_id) if scope == "both" else None
        doc = document_of(rv) if rv and rv["status"] == "done" else None
        kb = services.knowledge()
        key = f"{rv['id'] if doc else '-'}:{id(kb)}"  # a new chat once the full index is ready
        chat = chats.get(key, lambda: ReportChat(doc, services.settings, kb))
        pairs = [(m["role"], m["content"]) for m in history if isinstance(m, dict)]
        history += [{"role": "user", "content": _md_escape(message)}, {"role": "assistant", "content": ""}]
        text = ""
        try:
            for piece in chat.stream(message, pairs):
                text += piece
                history[-1]["content"] = _md_escape(text)
                yield history, ""
        except ReviewerError as exc:
            history[-1]["content"] = _md_escape(exc.message)
            yield history, ""
        except Exception:
            log.exception("chat failed")
            history[-1]["content"] = t("chat_failed")
            yield history, ""

    # ---- knowledge tab ---------------------------------------------------------------------------
    def on_kb_search(query, request: gr.Request):
        user_of(request)
        kb = services.knowledge()
        if kb is None:
            return t("kb_unavailable")
        try:
            return R.hits_html(kb.search(query or "", k=8), t)
        except ReviewerError as exc:
            return f"<p>{R.e(exc.message)}</p>"

    def kb_items(type_filter):
        from reviewer.knowledge.loader import load_items

        items = load_items(services.settings.paths.knowledge_dir).values()
        rows = [[i.id, i.title, i.doc_number, i.status, i.type_zh] for i in items
                if type_filter in (None, ALL, "") or i.type == type_filter]
        kb = services.knowledge()
        if kb is not None and type_filter in (None, ALL, "", "user_document"):
            for d in kb.user_documents():
                rows.append([d.item_id, d.title, "", "现行", "用户导入文件"])
        return rows

    kb_headers = [t("kb_col_id"), t("kb_col_title"), t("kb_col_number"), t("kb_col_status"), t("kb_col_type")]

    def on_kb_browse(type_filter, request: gr.Request):
        user_of(request)
        return gr.update(value=kb_items(type_filter), headers=kb_headers)

    def on_kb_pick(evt: gr.SelectData, request: gr.Request):
        user_of(request)
        from reviewer.knowledge.loader import load_items

        try:
            item_id = str(evt.row_value[0])
        except (TypeError, AttributeError, IndexError):
            return ""
        item = load_items(services.settings.paths.knowledge_dir).get(item_id)
        if item is None:
            kb = services.knowledge()
            doc = next((d for d in kb.user_documents() if d.item_id == item_id), None) if kb else None
            if doc is None:
                return ""
            chunks = "".join(f'<div class="kb-hit"><div class="kb-src">{R.e(c.clause)}</div><div>{R.e(c.text)}</div></div>'
                             for c in doc.chunks_[:200])
            return f'<div class="ev-box"><h3>{R.e(doc.title)}</h3>{chunks}</div>'
        return R.item_html(item)

    def on_kb_ingest(files, request: gr.Request):
        user = user_of(request)
        if user.role == "consultant":
            return t("kb_forbidden")
        if not files:
            return t("no_files")
        kb = services.knowledge()
        if kb is None:
            return t("kb_unavailable")
        import shutil
        import tempfile

        from reviewer.store.files import sanitize_filename

        paths = []
        with tempfile.TemporaryDirectory() as tmp:
            for f in files:
                src = Path(f if isinstance(f, str) else f.name)
                dst = Path(tmp) / sanitize_filename(getattr(f, "orig_name", None) or src.name)
                shutil.copyfile(src, dst)
                paths.append(dst)
            try:
                added = services.ingest_knowledge(paths)
            except ReviewerError as exc:
                return exc.message
        store.audit(user, "knowledge_ingest", "", {"files": [d.file_name for d in added]})
        return t("kb_ingested", n=len(added))

    # ---- batch tab -------------------------------------------------------------------------------
    from reviewer.ui import batch as B

    def batch_choices(user: User):
        return [(f"{b['name'] or b['id'][:8]} · {R.when(b['created_at'])}", b["id"]) for b in store.list_batches(user)]

    def on_batch_upload(files, name, request: gr.Request):
        user = user_of(request)
        if not may_use_batch(user):
            return t("batch_only"), gr.skip()
        if not files:
            return t("no_files"), gr.skip()
        try:
            bid, n, errors = B.submit_batch(services, user, files, name or "")
        except ReviewerError as exc:
            return exc.message, gr.skip()
        msg = "\n".join([t("batch_created", n=n), *errors])
        return msg, gr.update(choices=batch_choices(user), value=bid)

    def on_batch_view(batch_id, request: gr.Request):
        user = user_of(request)
        if not may_use_batch(user) or not batch_id:
            return gr.update(value=[]), gr.update(value=[]), None, "", ""
        view = B.batch_view(services, user, batch_id, lang)
        if view is None:
            return gr.update(value=[]), gr.update(value=[]), None, "", ""
        csv_link = (f'<div class="rv-meta"><a href="/api/v1/batches/{batch_id}/export.csv" download id="dl-batch-csv">'
                    f'{R.e(t("batch_csv"))}</a></div>')
        return (gr.update(value=view["reports"], headers=view["report_headers"]),
                gr.update(value=view["agencies"], headers=view["agency_headers"]), view["chart"],
                R.duplicates_html(view["clusters"], t) if view["clusters"] is not None else "", csv_link)

    def on_batch_tick(batch_id, known, request: gr.Request):
        """Refresh the batch view while its reviews progress (only when something changed)."""
        if not batch_id:
            return (gr.skip(),) * 6
        user = user_of(request)
        if not may_use_batch(user):
            return (gr.skip(),) * 6
        sig = "|".join(f"{r['id']}:{r['status']}" for r in B.batch_rows(services, user, batch_id))
        if sig == known:
            return (gr.skip(),) * 6
        return (*on_batch_view(batch_id, request), sig)

    def on_batch_dups(batch_id, request: gr.Request):
        user = user_of(request)
        if not may_use_batch(user) or not batch_id:
            return ""
        try:
            clusters = B.analyse_duplicates(services, user, batch_id)
        except ReviewerError as exc:
            return f"<p>{R.e(exc.message)}</p>"
        if clusters is None:
            return f"<p>{R.e(t('dups_wait'))}</p>"
        return R.duplicates_html(clusters, t)

    # ---- users / statistics tab --------------------------------------------------------------------
    def on_stats(request: gr.Request):
        import pandas as pd

        user = user_of(request)
        stats = store.adoption_stats(None if may_admin(user) else user)
        rows = [[s["rule_id"], s["raised"], s["accepted"], s["rejected"], s["open"],
                 "" if s["adoption_rate"] is None else f"{s['adoption_rate']:.0%}"] for s in stats]
        chart = pd.DataFrame([{"rule": s["rule_id"], "rate": round(100 * s["adoption_rate"], 1)}
                              for s in stats if s["adoption_rate"] is not None]) if stats else None
        me = (f'<div class="rv-meta">{R.e(t("me"))}：<b id="me-name">{R.e(user.name)}</b> · {R.e(t("role"))}：'
              f'{R.e(user.role_zh if lang == "zh" else user.role)} · {R.e(t("group"))}：{R.e(user.group)}</div>')
        memory = [[m["rule_id"], m["quote"][:80], m["reason"][:80], m["hits"], R.when(m["created_at"])]
                  for m in store.list_memory(user.group)]
        users = audit = []
        if may_admin(user):
            users = [[u.name, u.display_name, u.role_zh if lang == "zh" else u.role, u.group,
                      "停用" if u.disabled else ""] for u in store.list_users()]
            from reviewer.store.audit import ACTIONS_ZH

            audit = [[R.when(a["at"]), a["user_name"] or "—",
                      ACTIONS_ZH.get(a["action"], a["action"]) if lang == "zh" else a["action"], a["target"],
                      _short(a["detail"])] for a in store.list_audit(200)]
        has_chart = chart is not None and len(chart) > 0
        return (me, rows, gr.update(value=chart if has_chart else None, visible=has_chart), memory,
                gr.update(value=users, visible=may_admin(user)), gr.update(value=audit, visible=may_admin(user)))

    # ---- layout ----------------------------------------------------------------------------------
    # Gradio keeps uploads and served files in its cache: reports are confidential, so files
    # older than an hour are deleted every 10 minutes (ours are copied to data_dir at once).
    with gr.Blocks(title=t("app_title"), analytics_enabled=False, delete_cache=(600, 3600)) as demo:
        header = gr.HTML()
        with gr.Row():
            review_dd = gr.Dropdown(label=t("current_review"), choices=[], value=None, interactive=True, scale=5,
                                    elem_id="review-select")
            refresh_btn = gr.Button(t("refresh"), scale=0, min_width=80, elem_id="refresh-btn")
        statuses = gr.State({})
        shown_state = gr.State("")  # "<review id>:<status>" of the review view on screen
        timer = gr.Timer(1.0)

        with gr.Tabs():
            with gr.Tab(t("tab_review"), id="review", elem_id="tab-review"):
                with gr.Row():
                    with gr.Column(scale=3):
                        files = gr.File(label=t("upload"), file_count="multiple", file_types=[".docx", ".pdf"],
                                        elem_id="upload-files", height=120)
                    with gr.Column(scale=2):
                        use_llm = gr.Checkbox(label=t("use_llm"), value=True)
                        start_btn = gr.Button(t("start"), variant="primary", elem_id="start-review")
                        upload_msg = gr.Textbox(show_label=False, interactive=False, lines=2, elem_id="upload-msg")
                progress = gr.HTML(elem_id="progress")
                summary = gr.HTML(elem_id="summary")
                with gr.Row():
                    f_sev = gr.Dropdown(label=t("f_severity"), choices=sev_choices(), value=ALL, elem_id="f-sev")
                    f_fam = gr.Dropdown(label=t("f_family"), choices=[(t("all"), ALL)], value=ALL, elem_id="f-fam")
                    f_ch = gr.Dropdown(label=t("f_chapter"), choices=[(t("all"), ALL)], value=ALL, elem_id="f-ch")
                    f_st = gr.Dropdown(label=t("f_status"), choices=status_choices(), value=ALL, elem_id="f-status")
                    f_hidden = gr.Checkbox(label=t("f_hidden"), value=False, elem_id="f-hidden")
                findings_df = gr.Dataframe(headers=headers, value=[], label=t("findings"), interactive=False,
                                           wrap=True, elem_id="findings-table", max_height=420,
                                           column_widths=["6%", "7%", "7%", "11%", "15%", "5%", "40%", "9%"])
                downloads = gr.HTML(elem_id="downloads")
                with gr.Row():
                    with gr.Column(scale=5):
                        ev_detail = gr.HTML(f"<p>{R.e(t('evidence_none'))}</p>", label=t("evidence"),
                                            elem_id="evidence")
                        ev_image = gr.Image(label=t("page_image"), visible=False, interactive=False, type="filepath",
                                            elem_id="evidence-image", format="png")
                        ev_context = gr.HTML(label=t("context"), elem_id="evidence-context")
                    with gr.Column(scale=2):
                        selected = gr.State(None)
                        decision = gr.Radio([t("accept"), t("reject")], label=t("decision"), elem_id="decision")
                        reason = gr.Textbox(label=t("reason"), lines=3, elem_id="reason")
                        decide_btn = gr.Button(t("save_decision"), variant="primary", elem_id="save-decision")
                        decide_msg = gr.Textbox(show_label=False, interactive=False, elem_id="decision-msg")
                        rerun_btn = gr.Button(t("rerun"), size="sm", elem_id="rerun")

            with gr.Tab(t("tab_score"), id="score", elem_id="tab-score") as score_tab:
                sheet_dd = gr.Dropdown(label=t("sheet"), choices=[], elem_id="sheet-select")
                score_summary = gr.HTML()
                score_df = gr.Dataframe(headers=score_headers, value=[], interactive=True, wrap=True,
                                        static_columns=[0, 1, 2, 3, 5], elem_id="score-table", max_height=560,
                                        column_widths=["6%", "12%", "22%", "7%", "8%", "30%", "15%"])
                with gr.Row():
                    score_save = gr.Button(t("sc_save"), variant="primary", elem_id="score-save")
                    score_msg = gr.Textbox(show_label=False, interactive=False, elem_id="score-msg")
                score_links = gr.HTML()

            with gr.Tab(t("tab_opinion"), id="opinion", elem_id="tab-opinion") as opinion_tab:
                op_source = gr.Textbox(show_label=False, interactive=False)
                op_text = gr.Textbox(label=t("op_label"), lines=22, max_lines=60, interactive=True, elem_id="opinion-text")
                with gr.Row():
                    op_gen = gr.Button(t("op_generate"))
                    op_save = gr.Button(t("op_save"), variant="primary", elem_id="opinion-save")
                op_msg = gr.Textbox(show_label=False, interactive=False, elem_id="opinion-msg")
                op_link = gr.HTML()

            with gr.Tab(t("tab_chat"), id="chat", elem_id="tab-chat"):
                scope = gr.Radio([(t("scope_both"), "both"), (t("scope_kb"), "kb")], value="both", label=t("chat_scope"))
                chatbot = gr.Chatbot(height=440, elem_id="chatbot", sanitize_html=True, buttons=["copy"],
                                     label=t("tab_chat"))
                with gr.Row():
                    chat_in = gr.Textbox(show_label=False, placeholder=t("chat_input"), scale=6, elem_id="chat-input")
                    chat_send = gr.Button(t("send"), variant="primary", scale=1, elem_id="chat-send")
                    chat_clear = gr.Button(t("clear"), scale=0, min_width=70)

            with gr.Tab(t("tab_knowledge"), id="knowledge", elem_id="tab-knowledge") as kb_tab:
                with gr.Row():
                    kb_q = gr.Textbox(label=t("kb_search"), placeholder=t("kb_query"), scale=5, elem_id="kb-query")
                    kb_go = gr.Button(t("kb_go"), variant="primary", scale=1, elem_id="kb-search")
                kb_hits = gr.HTML(elem_id="kb-hits")
                gr.Markdown(f"#### {t('kb_browse')}")
                from reviewer.knowledge.models import TYPE_ZH

                kb_type = gr.Dropdown([(t("all"), ALL)] + [(v if lang == "zh" else k, k) for k, v in TYPE_ZH.items()],
                                      value=ALL, label=t("kb_type"))
                with gr.Row():
                    kb_table = gr.Dataframe(headers=kb_headers, value=[], interactive=False, max_height=360, scale=3,
                                            wrap=True, label=t("kb_pick"))
                    kb_item = gr.HTML()
                with gr.Accordion(t("kb_ingest"), open=False, elem_id="kb-ingest-panel"):
                    kb_files = gr.File(file_count="multiple", file_types=[".pdf", ".docx", ".txt", ".md"],
                                       elem_id="kb-files")
                    kb_ing = gr.Button(t("kb_ingest_go"), elem_id="kb-ingest")
                    kb_msg = gr.Textbox(show_label=False, interactive=False, elem_id="kb-msg")

            with gr.Tab(t("tab_batch"), id="batch", elem_id="tab-batch", visible=False) as batch_tab:
                with gr.Row():
                    b_files = gr.File(label=t("batch_upload"), file_count="multiple", file_types=[".docx", ".pdf", ".zip"],
                                      scale=3, height=120, elem_id="batch-files")
                    with gr.Column(scale=2):
                        b_name = gr.Textbox(label=t("batch_name"))
                        b_go = gr.Button(t("batch_go"), variant="primary")
                        b_msg = gr.Textbox(show_label=False, interactive=False, lines=2, elem_id="batch-msg")
                b_select = gr.Dropdown(label=t("batch_select"), choices=[], elem_id="batch-select")
                b_sig = gr.State("")
                b_timer = gr.Timer(3.0)
                b_reports = gr.Dataframe(value=[], headers=B.REPORT_HEADERS_ZH if lang == "zh" else B.REPORT_HEADERS_EN,
                                         interactive=False, label=t("batch_reports"), wrap=True, max_height=360,
                                         elem_id="batch-reports")
                with gr.Row():
                    b_agencies = gr.Dataframe(value=[], headers=B.AGENCY_HEADERS_ZH if lang == "zh" else B.AGENCY_HEADERS_EN,
                                              interactive=False, label=t("batch_agencies"), scale=3)
                    b_chart = gr.BarPlot(x="agency", y="errors_per_report", label=t("batch_agencies"), scale=2,
                                         height=260, y_lim=[0, None], x_title=t("agency"),
                                         y_title=t("errors_per_report"))
                b_csv = gr.HTML()
                b_dups_btn = gr.Button(t("batch_find_dups"))
                b_dups = gr.HTML(label=t("batch_dups"), elem_id="batch-dups")

            with gr.Tab(t("tab_users"), id="users", elem_id="tab-users") as users_tab:
                me_html = gr.HTML()
                stats_df = gr.Dataframe(headers=[t("col_rule"), t("st_raised"), t("st_accepted"), t("st_rejected"),
                                                 t("st_open_n"), t("st_rate")],
                                        value=[], interactive=False, label=t("adoption"), elem_id="adoption-table")
                stats_chart = gr.BarPlot(x="rule", y="rate", label=t("adoption"), height=240, y_lim=[0, 100],
                                         visible=False, x_title=t("col_rule"), y_title=t("st_rate") + " (%)")
                memory_df = gr.Dataframe(headers=[t("col_rule"), t("ev_quote"), t("reason"), t("hits"), t("time")],
                                         value=[], interactive=False, label=t("memory"), wrap=True)
                users_df = gr.Dataframe(headers=[t("user"), t("display_name"), t("role"), t("group"), t("state")],
                                        value=[], interactive=False, label=t("users"), visible=False)
                audit_df = gr.Dataframe(headers=[t("time"), t("user"), t("action"), t("target"), t("detail")], value=[],
                                        interactive=False, label=t("audit"), visible=False, wrap=True, max_height=360,
                                        column_widths=["10%", "10%", "12%", "28%", "40%"])

        # ---- events ------------------------------------------------------------------------------
        filters = [f_sev, f_fam, f_ch, f_st, f_hidden]
        review_outputs = [summary, findings_df, f_fam, f_ch, downloads, ev_detail, ev_image, ev_context, selected,
                          shown_state]
        demo.load(on_load, None, [header, review_dd, batch_tab, sheet_dd, progress, statuses]).then(
            load_review, [review_dd, *filters], review_outputs)
        timer.tick(on_tick, [review_dd, statuses, shown_state, *filters], [progress, review_dd, statuses, *review_outputs],
                   show_progress="hidden", trigger_mode="once")
        start_btn.click(on_upload, [files, use_llm], [review_dd, upload_msg, progress, files]).then(
            load_review, [review_dd, *filters], review_outputs)
        refresh_btn.click(load_review, [review_dd, *filters], review_outputs)
        review_dd.input(load_review, [review_dd, *filters], review_outputs)
        for comp in (f_sev, f_fam, f_ch, f_st, f_hidden):
            comp.input(refilter, [review_dd, *filters], [findings_df], show_progress="hidden")
        findings_df.select(on_select, [review_dd], [ev_detail, ev_image, ev_context, selected, decision, reason])
        decide_btn.click(on_decide, [review_dd, selected, decision, reason, *filters],
                         [decide_msg, findings_df, summary, ev_detail])
        rerun_btn.click(on_rerun, [review_dd], [decide_msg, progress])

        score_tab.select(on_score_load, [review_dd, sheet_dd], [score_summary, score_df, score_links])
        sheet_dd.input(on_score_load, [review_dd, sheet_dd], [score_summary, score_df, score_links])
        score_save.click(on_score_save, [review_dd, sheet_dd, score_df], [score_msg, score_summary, score_df, score_links])

        opinion_tab.select(on_opinion_load, [review_dd], [op_text, op_source, op_link])
        op_gen.click(on_opinion_generate, [review_dd], [op_text, op_source, op_link])
        op_save.click(on_opinion_save, [review_dd, op_text], [op_msg])

        chat_send.click(on_chat, [chat_in, chatbot, scope, review_dd], [chatbot, chat_in])
        chat_in.submit(on_chat, [chat_in, chatbot, scope, review_dd], [chatbot, chat_in])
        chat_clear.click(lambda: [], None, [chatbot])

        kb_go.click(on_kb_search, [kb_q], [kb_hits])
        kb_q.submit(on_kb_search, [kb_q], [kb_hits])
        kb_tab.select(on_kb_browse, [kb_type], [kb_table])
        kb_type.input(on_kb_browse, [kb_type], [kb_table])
        kb_table.select(on_kb_pick, None, [kb_item])
        kb_ing.click(on_kb_ingest, [kb_files], [kb_msg])

        def on_batch_tab(request: gr.Request):
            return gr.update(choices=batch_choices(user_of(request)))

        batch_tab.select(on_batch_tab, None, [b_select])
        b_go.click(on_batch_upload, [b_files, b_name], [b_msg, b_select])
        b_select.change(on_batch_view, [b_select], [b_reports, b_agencies, b_chart, b_dups, b_csv])
        b_timer.tick(on_batch_tick, [b_select, b_sig], [b_reports, b_agencies, b_chart, b_dups, b_csv, b_sig],
                     show_progress="hidden", trigger_mode="once")
        b_dups_btn.click(on_batch_dups, [b_select], [b_dups])

        users_tab.select(on_stats, None, [me_html, stats_df, stats_chart, memory_df, users_df, audit_df])
    return demo


def _md_escape(text: str) -> str:
    """Chat text is Markdown-rendered and sanitised by Gradio; also neutralise raw HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(detail: Any) -> str:
    if not detail:
        return ""
    import json

    s = json.dumps(detail, ensure_ascii=False)
    return s if len(s) < 160 else s[:157] + "…"
