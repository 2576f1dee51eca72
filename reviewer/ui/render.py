"""HTML fragments of the workbench. Every value that can come from a report (file names,
quotes, messages, enterprise names) is escaped here: reports are untrusted input."""

from __future__ import annotations

import html
import time
from collections import Counter
from typing import Any

from reviewer.findings import FAMILIES
from reviewer.levels.render import html_section as level_html_section
from reviewer.quantities import fmt_number

e = html.escape

CSS = """
.rv-header { display:flex; align-items:center; justify-content:space-between; gap:12px; padding:4px 2px; }
.rv-header h1 { font-size:20px; margin:0; color:#1f3a5f; }
.rv-header .rv-user { font-size:14px; color:#444; }
.rv-header a { margin-left:12px; color:#2563eb; text-decoration:none; }
.rv-cards { display:flex; flex-wrap:wrap; gap:10px; margin:4px 0 8px; }
.rv-card { border-radius:8px; padding:8px 14px; min-width:92px; background:#f3f5f8; }
.rv-card b { display:block; font-size:22px; }
.rv-card.error { background:#fdecec; color:#a61b1b; } .rv-card.warning { background:#fff5e0; color:#8a5300; }
.rv-card.info { background:#e8f1fd; color:#1d4f91; } .rv-card.score { background:#e9f7ef; color:#1b6b3a; }
.rv-fam { border-collapse:collapse; font-size:13px; margin-top:4px; }
.rv-fam td, .rv-fam th { border:1px solid #e1e4ea; padding:3px 8px; text-align:left; }
.rv-meta { font-size:13px; color:#555; margin:2px 0 6px; }
.rv-job { margin:6px 0; font-size:14px; }
.rv-bar { height:10px; background:#e5e7eb; border-radius:5px; overflow:hidden; margin-top:3px; }
.rv-bar > div { height:100%; background:#2563eb; transition:width .5s; }
.rv-job.failed { color:#a61b1b; } .rv-job.done { color:#1b6b3a; }
.ev-box { font-size:14px; line-height:1.6; }
.ev-box .ev-msg { font-weight:600; margin-bottom:6px; }
.ev-box dt { color:#666; float:left; clear:left; width:5.5em; } .ev-box dd { margin-left:6em; }
.ev-box blockquote { margin:4px 0; padding:4px 10px; border-left:3px solid #f59e0b; background:#fffbeb; }
mark.ev-mark { background:#fde047; padding:0 1px; }
.ev-context { font-size:14px; line-height:1.7; max-height:520px; overflow:auto; }
.ev-block { padding:4px 8px; margin:4px 0; border-left:3px solid transparent; }
.ev-target { border-left-color:#dc2626; background:#fef2f2; }
.ev-page { float:right; color:#888; font-size:12px; }
.ev-table { border-collapse:collapse; font-size:13px; }
.ev-table td, .ev-table th { border:1px solid #d1d5db; padding:2px 6px; }
.ev-cell { outline:2px solid #dc2626; background:#fde68a; }
.sev-error { color:#a61b1b; font-weight:600; } .sev-warning { color:#8a5300; } .sev-info { color:#1d4f91; }
.kb-hit { border-bottom:1px solid #e5e7eb; padding:6px 0; font-size:14px; }
.kb-hit .kb-src { color:#1f3a5f; font-weight:600; }
.dup-pair { display:grid; grid-template-columns:1fr 1fr; gap:10px; margin:6px 0 14px; }
.dup-pair > div { background:#f9fafb; border:1px solid #e5e7eb; padding:6px 8px; font-size:13px; max-height:220px; overflow:auto; }
.dup-head { font-weight:600; margin-top:10px; }
"""

SEV_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SEV_EN = {"error": "error", "warning": "warning", "info": "info"}


def header_html(user: Any, t, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    role = user.role_zh if lang == "zh" else user.role
    return (
        f'<div class="rv-header"><h1>{e(t("app_title"))}</h1><div class="rv-user">'
        f'{e(user.display_name)}（{e(role)} · {e(user.group)}）'
        f'<a href="/lang/{other}" id="lang-switch">{e(t("switch_lang"))}</a>'
        f'<a href="/api/v1/docs" target="_blank" rel="noopener">{e(t("api_docs"))}</a>'
        f'<a href="/logout" id="logout-link">{e(t("logout"))}</a></div></div>'
    )


def sev_label(sev: str, lang: str) -> str:
    return (SEV_ZH if lang == "zh" else SEV_EN).get(sev, sev)


def when(ts: float | None) -> str:
    return time.strftime("%m-%d %H:%M", time.localtime(ts)) if ts else ""


def progress_html(rows: list[dict[str, Any]], jobs: dict[str, dict[str, Any]], positions: dict[str, int], t) -> str:
    if not rows:
        return f'<div class="rv-job">{e(t("no_jobs"))}</div>'
    out = []
    for r in rows:
        job = jobs.get(r["id"]) or {}
        st = r["status"]
        name = e(r["file_name"])
        if st in ("queued", "running"):
            frac = float(job.get("progress") or 0.0)
            stage = t(f"stage_{job.get('stage') or st}") if job else t(st)
            extra = f"，{t('ahead', n=positions[r['id']])}" if st == "queued" and positions.get(r["id"]) else ""
            out.append(
                f'<div class="rv-job {st}" data-review="{e(r["id"])}">{name} — {e(stage)}{e(extra)} {frac * 100:.0f}%'
                f'<div class="rv-bar"><div style="width:{frac * 100:.0f}%"></div></div></div>'
            )
        elif st == "failed":
            out.append(f'<div class="rv-job failed">{name} — {e(t("failed"))}：{e(r.get("error_message") or "")}</div>')
        else:
            out.append(f'<div class="rv-job done">{name} — {e(t("done"))} ✓</div>')
    return "".join(out)


def summary_html(review: dict[str, Any], rows: list[dict[str, Any]], t, lang: str, levels: dict | None = None) -> str:
    if review["status"] != "done":
        msg = t("not_done", status=t(review["status"]))
        if review["status"] == "failed" and review.get("error_message"):
            msg += " " + review["error_message"]
        return f'<div class="rv-meta">{e(msg)}</div>'
    shown = [r for r in rows if not r["hidden"]]
    counts = Counter(r["severity"] for r in shown)
    cards = [f'<div class="rv-card {s}"><b>{counts.get(s, 0)}</b>{e(sev_label(s, lang))}</div>'
             for s in ("error", "warning", "info")]
    if review.get("score") is not None:
        cards.append(f'<div class="rv-card score"><b>{review["score"]:g}</b>{e(t("score"))}</div>')
    meta = [e(review["file_name"])]
    for k in ("enterprise", "agency"):
        if review.get(k):
            meta.append(e(review[k]))
    if review.get("pages"):
        meta.append(f"{review['pages']} 页" if lang == "zh" else f"{review['pages']} pages")
    if review.get("hidden_count"):
        meta.append(e(t("hidden_n", n=review["hidden_count"])))
    fam = Counter((r["family"], r["severity"]) for r in shown)
    families = sorted({f for f, _ in fam}, key=lambda x: list(FAMILIES).index(x) if x in FAMILIES else 99)
    table = ""
    if families:
        head = "".join(f"<th>{e(sev_label(s, lang))}</th>" for s in ("error", "warning", "info"))
        body = "".join(
            f"<tr><td>{e(f)} {e(FAMILIES.get(f, '') if lang == 'zh' else '')}</td>"
            + "".join(f"<td>{fam.get((f, s), 0)}</td>" for s in ("error", "warning", "info")) + "</tr>"
            for f in families
        )
        table = f'<table class="rv-fam"><tr><th>{e(t("f_family"))}</th>{head}</tr>{body}</table>'
    # the recomputed 清洁生产水平 (indicator tables) is a result of its own, not a finding: show it beside the counts
    # folded by default: the indicator table is long and would push the findings table off the screen
    level_part = ""
    if levels and levels.get("tables"):
        verdicts = "；".join(str(tb.get("verdict") or "") for tb in levels["tables"] if tb.get("verdict"))
        label = ("清洁生产水平复核" if lang == "zh" else "Cleaner-production level") + (f"：{verdicts}" if verdicts else "")
        level_part = (f'<details class="rv-levels"><summary>{e(label)}</summary>'
                      f"{level_html_section(levels)}</details>")
    return (f'<div class="rv-meta">{" · ".join(meta)}</div><div class="rv-cards">{"".join(cards)}</div>{table}'
            f"{level_part}")


def _value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        # plain decimals with thousands separators: experts compare these with the report's own figures,
        # and 1.2e+04 is not how any report writes a number
        return fmt_number(float(v))
    return str(v)


def finding_html(f: Any, t, lang: str) -> str:
    """Details of one finding (a FindingOut)."""
    loc = f.location
    where = []
    if loc.page:
        where.append(f"第{loc.page}页" if lang == "zh" else f"p. {loc.page}")
    if loc.section:
        where.append(loc.section)
    if loc.table:
        where.append(f"表{loc.table}" + (f" 第{loc.row}行" if loc.row else "") + (f" 第{loc.col}列" if loc.col else ""))
    parts = [f'<div class="ev-box"><div class="ev-msg"><span class="sev-{e(f.severity)}">'
             f'[{e(sev_label(f.severity, lang))}]</span> {e(f.rule_id)} {e(f.message)}</div><dl>']
    parts.append(f"<dt>{e(t('ev_location'))}</dt><dd>{e(' · '.join(where) or '—')}</dd>")
    parts.append(f"<dt>{e(t('ev_quote'))}</dt><dd><blockquote>{e(f.quote)}</blockquote></dd>")
    if f.expected is not None or f.found is not None:
        parts.append(f"<dt>{e(t('ev_expected'))}</dt><dd>{e(_value(f.expected))}</dd>")
        parts.append(f"<dt>{e(t('ev_found'))}</dt><dd>{e(_value(f.found))}</dd>")
    if f.basis:
        b = f.basis
        label = " ".join(x for x in (f"《{b.title}》" if b.title else b.item_id, b.doc_number, b.clause) if x)
        quote = f"<blockquote>{e(b.quote)}</blockquote>" if b.quote else ""
        parts.append(f"<dt>{e(t('ev_basis'))}</dt><dd>{e(label)}{quote}</dd>")
    if f.other_places:
        items = "".join(
            f"<li>“{e(str(o.get('quote', '')))}”" + (f"（第{e(str(o['page']))}页）" if o.get("page") else "") + "</li>"
            for o in f.other_places
        )
        parts.append(f"<dt>{e(t('ev_other'))}</dt><dd><ul>{items}</ul></dd>")
    status = t({"open": "st_open", "accept": "st_accept", "reject": "st_reject"}[f.status])
    reason = f"：{e(f.reason)}" if f.reason else ""
    parts.append(f'<dt>{e(t("ev_status"))}</dt><dd id="finding-status">{e(status)}{reason}</dd>')
    parts.append("</dl></div>")
    return "".join(parts)


def hits_html(hits: list[Any], t) -> str:
    if not hits:
        return f"<p>{e(t('kb_no_hits'))}</p>"
    out = []
    for h in hits:
        src = " ".join(x for x in (f"《{h.title}》", h.doc_number, h.clause) if x)
        status = f"（{e(h.status)}）" if getattr(h, "status", "") and h.status != "现行" else ""
        out.append(f'<div class="kb-hit"><div class="kb-src">{e(src)}{status}</div><div>{e(h.text)}</div></div>')
    return "".join(out)


def item_html(item: Any) -> str:
    head = f"<h3>《{e(item.title)}》{e(item.doc_number)}</h3>"
    meta = " · ".join(e(str(x)) for x in (item.type_zh, item.status, item.issuer,
                                            f"施行 {item.effective}" if item.effective else "") if x)
    summary = f"<p>{e(item.summary)}</p>" if item.summary else ""
    clauses = "".join(
        f'<div class="kb-hit"><div class="kb-src">{e(c.number)} {e(c.title)}</div><div>{e(c.text)}</div></div>'
        for c in item.clauses[:200]
    )
    return f'<div class="ev-box">{head}<div class="rv-meta">{meta}</div>{summary}{clauses}</div>'


def duplicates_html(clusters: list[dict[str, Any]], t) -> str:
    if not clusters:
        return f"<p>{e(t('dups_none'))}</p>"
    out = []
    for c in clusters:
        names = " ↔ ".join(e(n) for n in c["files"])
        out.append(f'<div class="dup-head">{names}（相似度 {c["similarity"]:.0%}）</div>')
        for a, b in c.get("pairs", [])[:5]:
            out.append(f'<div class="dup-pair"><div>{e(a)}</div><div>{e(b)}</div></div>')
    return "".join(out)
