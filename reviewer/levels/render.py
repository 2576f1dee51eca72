"""The "清洁生产水平复核" section of the Markdown/HTML review reports, from ``Review.extras['levels']``."""

from __future__ import annotations

import html
from typing import Any

LEVEL = {1: "I级", 2: "II级", 3: "III级", 0: "未达III级", None: "无法判定"}
_DIR = {"le": "≤", "ge": "≥"}


def _num(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        from reviewer.quantities import fmt_number

        return fmt_number(round(v, 4))
    return str(v)


def _thr(row: dict, key: str) -> str:
    v = row.get(key)
    if v is None:
        return "—"
    if isinstance(v, int | float):
        return f"{_DIR.get(row.get('direction') or '', '')}{_num(float(v))}"
    s = str(v)
    return s if len(s) <= 24 else s[:23] + "…"


def _ys(d: dict | None) -> str:
    if not d:
        return "—"
    return "，".join(f"Y_{k}={_num(v)}" for k, v in d.items())


def table_lines(t: dict) -> tuple[list[str], list[list[str]]]:
    """(summary lines, table rows incl. header) for one assessed indicator table."""
    where = f"表{t['table']}" + (f"（{t['caption']}）" if t.get("caption") else "") + (f"，第{t['page']}页" if t.get("page") else "")
    basis = ("依据库官方指标表 " + f"{t['official_system']} {t['official_table']}"
             + ("（不完整）" if t.get("official_complete") is False else "")
             + ("（待核实）" if t.get("official_verified") is False else "")) if t.get("official_system") else "报告自身所列基准值和权重"
    lines = [f"- 指标表：{where}", f"- 基准值来源：{basis}",
             f"- 重算综合评价指数：{_ys(t.get('y'))}" + ("" if t.get("exact") else f"（区间：下限 {_ys(t.get('y_low'))}；上限 {_ys(t.get('y_high'))}）"),
             f"- 报告自述：{_ys(t.get('y_stated'))}",
             f"- 重算等级：{LEVEL.get(t.get('grade'), '无法判定')}；报告声称：{t['claim']['label'] if t.get('claim') else '未给出'}",
             f"- 结论：{t.get('verdict', '')}"]
    for r in t.get("partial_reasons") or []:
        lines.append(f"- 评价不完整：{r}")
    rows = [["一级指标", "二级指标", "单位", "权重(w·ω')", "I级", "II级", "III级", "企业现状", "报告级别", "重算级别"]]
    for r in t.get("rows", []):
        rows.append([
            r.get("class") or "", ("*" if r.get("limiting") else "") + (r.get("indicator") or ""), r.get("unit") or "",
            _num(r.get("share")) if r.get("applicable") else "不适用", _thr(r, "I"), _thr(r, "II"), _thr(r, "III"),
            _num(r.get("value")), LEVEL.get(r.get("stated_level"), "—") if r.get("stated_level") is not None else "—",
            ("不适用" if not r.get("applicable") else LEVEL.get(r.get("computed_level"), "无法判定"))
            + ("" if r.get("level_basis") in ("value", "n/a") else "（自评）" if r.get("level_basis") == "stated" else ""),
        ])
    return lines, rows


def markdown_section(levels: dict | None) -> list[str]:
    if not levels or not levels.get("tables"):
        return []
    out = ["", "## 清洁生产水平复核", ""]
    for t in levels["tables"]:
        lines, rows = table_lines(t)
        out += [*lines, ""]
        out.append("| " + " | ".join(rows[0]) + " |")
        out.append("|" + "---|" * len(rows[0]))
        for r in rows[1:]:
            out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in r) + " |")
        out.append("")
    return out


def html_section(levels: dict | None) -> str:
    if not levels or not levels.get("tables"):
        return ""
    e = html.escape
    out = ["<h2>清洁生产水平复核</h2>"]
    for t in levels["tables"]:
        lines, rows = table_lines(t)
        out.append("<ul>" + "".join(f"<li>{e(x[2:])}</li>" for x in lines) + "</ul>")
        out.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in rows[0]) + "</tr>")
        for r in rows[1:]:
            out.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
        out.append("</table>")
    return "\n".join(out)
