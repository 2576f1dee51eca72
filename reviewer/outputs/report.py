"""Markdown and HTML review reports: counts by severity and family, then findings grouped by
chapter with page, quote, expected vs found and basis."""

from __future__ import annotations

import html
from collections import Counter, OrderedDict

from reviewer.findings import FAMILIES, SEVERITY_ZH, Finding
from reviewer.service import Review

UNGROUPED = "（未归入章节）"


def chapter_of(f: Finding) -> str:
    if f.location.section:
        return f.location.section.split(" > ")[0]
    return UNGROUPED


def group_by_chapter(findings: list[Finding]) -> OrderedDict[str, list[Finding]]:
    groups: OrderedDict[str, list[Finding]] = OrderedDict()
    for f in sorted(findings, key=lambda f: (f.location.block if f.location.block is not None else 10**9)):
        groups.setdefault(chapter_of(f), []).append(f)
    return groups


def family_counts(findings: list[Finding]) -> list[tuple[str, str, dict[str, int]]]:
    out = []
    by_family: dict[str, Counter] = {}
    for f in findings:
        by_family.setdefault(f.family, Counter())[f.severity] += 1
    for fam in sorted(by_family, key=lambda x: list(FAMILIES).index(x) if x in FAMILIES else 99):
        out.append((fam, FAMILIES.get(fam, fam), dict(by_family[fam])))
    return out


def _value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        from reviewer.quantities import fmt_number

        return fmt_number(v)
    return str(v)


def basis_text(f: Finding) -> str:
    if not f.basis:
        return ""
    b = f.basis
    parts = [p for p in (f"《{b.title}》" if b.title else "", b.doc_number, b.clause) if p]
    return " ".join(parts)


def render_markdown(rv: Review) -> str:
    d = rv.document
    c = rv.counts()
    lines = [f"# 审查结果：{d.title or d.file_name}", ""]
    lines.append(f"- 文件：{d.file_name}（{d.file_type.upper()}，{d.pages} 页）")
    if d.enterprise:
        lines.append(f"- 企业：{d.enterprise}")
    if d.ocr_pages:
        lines.append(f"- OCR 识别页：{', '.join(map(str, d.ocr_pages))}")
    for w in d.warnings:
        lines.append(f"- 解析提示：{w}")
    lines.append(f"- 发现：错误 {c['error']} 项，警告 {c['warning']} 项，提示 {c['info']} 项")
    lines.append("")
    if rv.findings:
        lines += ["## 按类别统计", "", "| 类别 | 错误 | 警告 | 提示 |", "|---|---|---|---|"]
        for fam, name, cnt in family_counts(rv.findings):
            lines.append(f"| {fam} {name} | {cnt.get('error', 0)} | {cnt.get('warning', 0)} | {cnt.get('info', 0)} |")
        lines.append("")
        lines.append("## 发现（按章节）")
        for chapter, items in group_by_chapter(rv.findings).items():
            lines += ["", f"### {chapter}", ""]
            for f in items:
                loc = f.location.short() or "—"
                lines.append(f"- **[{SEVERITY_ZH[f.severity]}] {f.rule_id}** {f.message}")
                lines.append(f"  - 位置：{loc}" + (f"（{f.location.section}）" if f.location.section else ""))
                lines.append(f"  - 原文：“{_md_escape(f.evidence.quote)}”")
                if f.expected is not None or f.found is not None:
                    lines.append(f"  - 应为：{_value(f.expected)}；实为：{_value(f.found)}")
                for o in f.evidence.other:
                    where = " ".join(str(x) for x in (o.get("page") and f"第{o['page']}页", o.get("where")) if x)
                    lines.append(f"  - 对照：“{_md_escape(str(o.get('quote', '')))}” {where}".rstrip())
                if f.basis:
                    lines.append(f"  - 依据：{basis_text(f)}")
    else:
        lines.append("未发现问题。")
    from reviewer.levels.render import markdown_section

    lines += markdown_section(rv.extras.get("levels"))
    if rv.dropped_unverified:
        lines += ["", f"（另有 {rv.dropped_unverified} 项发现因引文无法在原文中核实而未显示。）"]
    return "\n".join(lines) + "\n"


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


_CSS = """
body{font-family:"WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif;max-width:1100px;margin:2em auto;
color:#222;line-height:1.6;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em}
.sev-error{color:#b00020;font-weight:bold}.sev-warning{color:#b26a00;font-weight:bold}.sev-info{color:#1565c0}
.finding{border-left:4px solid #ccc;padding:.4em .8em;margin:.8em 0;background:#fafafa}
.finding.error{border-color:#b00020}.finding.warning{border-color:#e0a000}.finding.info{border-color:#1565c0}
blockquote{margin:.3em 0;padding:.2em .6em;background:#fff;border:1px dashed #bbb}
.meta{color:#666;font-size:.9em}
"""


def render_html(rv: Review) -> str:
    """A self-contained page. Every piece of report text is escaped: reports are untrusted."""
    e = html.escape
    d = rv.document
    c = rv.counts()
    out = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>审查结果 - {e(d.file_name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>审查结果：{e(d.title or d.file_name)}</h1>",
        "<p class='meta'>",
        f"文件：{e(d.file_name)}（{e(d.file_type.upper())}，{d.pages} 页）",
    ]
    if d.enterprise:
        out.append(f"<br>企业：{e(d.enterprise)}")
    for w in d.warnings:
        out.append(f"<br>解析提示：{e(w)}")
    out.append("</p>")
    out.append(
        f"<p>错误 <span class='sev-error'>{c['error']}</span> 项，警告 <span class='sev-warning'>{c['warning']}</span> 项，"
        f"提示 <span class='sev-info'>{c['info']}</span> 项</p>"
    )
    if rv.findings:
        out.append("<h2>按类别统计</h2><table><tr><th>类别</th><th>错误</th><th>警告</th><th>提示</th></tr>")
        for fam, name, cnt in family_counts(rv.findings):
            out.append(
                f"<tr><td>{e(fam)} {e(name)}</td><td>{cnt.get('error', 0)}</td><td>{cnt.get('warning', 0)}</td>"
                f"<td>{cnt.get('info', 0)}</td></tr>"
            )
        out.append("</table><h2>发现（按章节）</h2>")
        for chapter, items in group_by_chapter(rv.findings).items():
            out.append(f"<h3>{e(chapter)}</h3>")
            for f in items:
                out.append(f"<div class='finding {e(f.severity)}'>")
                out.append(
                    f"<div><span class='sev-{e(f.severity)}'>[{SEVERITY_ZH[f.severity]}] {e(f.rule_id)}</span> {e(f.message)}</div>"
                )
                loc = f.location.short()
                out.append(f"<div class='meta'>位置：{e(loc or '—')} {e(f.location.section or '')}</div>")
                out.append(f"<blockquote>{e(f.evidence.quote)}</blockquote>")
                if f.expected is not None or f.found is not None:
                    out.append(f"<div>应为：{e(_value(f.expected))}；实为：{e(_value(f.found))}</div>")
                for o in f.evidence.other:
                    out.append(f"<div class='meta'>对照：“{e(str(o.get('quote', '')))}”</div>")
                if f.basis:
                    out.append(f"<div class='meta'>依据：{e(basis_text(f))}</div>")
                out.append("</div>")
    else:
        out.append("<p>未发现问题。</p>")
    from reviewer.levels.render import html_section

    out.append(html_section(rv.extras.get("levels")))
    out.append("</body></html>")
    return "\n".join(out)
