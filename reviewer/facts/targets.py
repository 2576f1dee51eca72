"""Cleaner-production targets (清洁生产目标) and their attainment.

A ``TargetRecord`` is one indicator of a targets table or an attainment table (目标完成情况):
indicator, unit, baseline (value, year), target (absolute value such as ≤0.85 tce/t, or a
relative change such as 降低10%), deadline, achieved value or achieved rate, and the status the
report claims (已完成 / 达到 / 未完成). Columns are recognised by header meaning in any order;
near- and long-term targets side by side give one record each.

Direction (lower is better vs higher is better) comes from the target's comparator (≤ / ≥),
else from baseline vs target, else from the indicator's wording (能耗/排放 vs 利用率/回收率).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from reviewer.document import Document, Locator
from reviewer.facts.sentences import doc_sentences, row_quote, views
from reviewer.facts.tables import TableView, is_total_label, norm, year_of
from reviewer.quantities import Quantity, find_quantities, parse_quantity


class TargetRecord(BaseModel):
    indicator: str
    unit: str | None = None
    term: str | None = Field(None, description="近期 / 中期 / 远期 when the header says")
    baseline: Quantity | None = None
    baseline_year: int | None = None
    target: Quantity | None = Field(None, description="absolute target value (with comparator if written)")
    target_rate: Quantity | None = Field(None, description="relative target: reduction/increase in %")
    target_text: str | None = Field(None, description="target cell text as written")
    deadline: str | None = None
    achieved: Quantity | None = None
    achieved_rate: Quantity | None = Field(None, description="achieved reduction/increase in % as stated")
    achieved_change: Quantity | None = Field(
        None, description="signed change vs the baseline in % ('较基准年变化', negative = reduction)")
    status_text: str | None = None
    claimed_met: bool | None = None
    direction: str | None = Field(None, description="'lower' or 'higher' is better")
    table: int
    row: int
    quote: str
    locator: Locator
    cols: dict[str, int] = Field(default_factory=dict, description="role → column index")


_TARGET_H = re.compile(r"目标")
_BASE_H = re.compile(r"现状|基准|审核前|实施前|改造前|基数|基线|原值|当前|起始")
_ACH_H = re.compile(r"实际|完成值|审核后|实施后|改造后|达到值|实现值|实测|目前达到|完成情况值|验收")
_STATUS_H = re.compile(r"完成情况|是否完成|是否达到|达标情况|完成与否|评价|结论|实现情况|达成情况")
_DEADLINE_H = re.compile(r"期限|时限|完成时间|时间节点|完成年限|截止")
_RATE_H = re.compile(r"削减率|降低率|下降率|降幅|减少率|削减幅度|降低幅度|提高率|增幅|提升率|降低比例|削减比例|变化率|比例|幅度|完成率")
_SIGNED_H = re.compile(r"^较|变化|增减|变动")
_TERM = re.compile(r"近期|短期|中期|远期|中长期|长期")
_UNIT_H = re.compile(r"^(计量)?单位$")

_MET = re.compile(r"已完成|完成|已达到|达到|达标|已实现|实现|超额|满足|是|√")
_NOT_MET = re.compile(r"未完成|未达到|未达标|未实现|不满足|未满足|部分完成|基本完成|否|×|差距|尚未|正在|进行中|待")

_LOWER_WORDS = re.compile(r"能耗|耗|用量|消耗|排放|产生量|浓度|取水|用水|用电|电量|废|损耗|损失|成本|单位产品|泄漏|噪声|负荷")
_HIGHER_WORDS = re.compile(r"利用率|回收率|回用率|合格率|达标率|收率|产率|循环率|覆盖率|效率|去除率|重复利用|优良率|成品率|良品率")
_LOWER_RATE = re.compile(r"损耗率|损失率|不合格率|废品率|次品率|泄漏率|排放率|消耗率|流失率|返工率")


def claimed_met(text: str) -> bool | None:
    t = norm(text)
    if not t:
        return None
    if _NOT_MET.search(t):
        return False
    if _MET.search(t):
        return True
    return None


def direction_of(indicator: str, target: Quantity | None = None, baseline: Quantity | None = None,
                 rate_text: str = "") -> str | None:
    if target is not None and target.comparator in ("<=", "<"):
        return "lower"
    if target is not None and target.comparator in (">=", ">"):
        return "higher"
    rt = norm(rate_text)
    if re.search(r"降低|削减|下降|减少|节约|节省", rt):
        return "lower"
    if re.search(r"提高|增加|提升|上升", rt):
        return "higher"
    if target is not None and baseline is not None and target.canonical_unit == baseline.canonical_unit:
        if target.high <= baseline.low:
            return "lower"
        if target.low >= baseline.high:
            return "higher"
    t = norm(indicator)
    if _LOWER_RATE.search(t):
        return "lower"
    if _HIGHER_WORDS.search(t):
        return "higher"
    if _LOWER_WORDS.search(t):
        return "lower"
    return None


def _roles(tv: TableView) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = {}
    for c, h in enumerate(tv.headers):
        if c == tv.label_col or c in tv.seq_cols:
            continue
        nh = norm(h)
        last = nh.split("/")[-1]
        if c == tv.unit_col or _UNIT_H.match(last):
            continue
        if _STATUS_H.search(last) and not _ACH_H.search(last.replace("完成情况", "")):
            roles.setdefault("status", []).append(c)
        elif _DEADLINE_H.search(last):
            roles.setdefault("deadline", []).append(c)
        elif _TARGET_H.search(nh) and not _ACH_H.search(last):
            roles.setdefault("target_rate" if _RATE_H.search(last) else "target", []).append(c)
        elif _SIGNED_H.search(last):
            # '较基准年变化（%）': a signed change, negative for a reduction
            roles.setdefault("signed_rate", []).append(c)
        elif _ACH_H.search(nh):
            roles.setdefault("achieved_rate" if _RATE_H.search(last) else "achieved", []).append(c)
        elif _RATE_H.search(last):
            roles.setdefault("rate", []).append(c)
        elif _BASE_H.search(nh):
            roles.setdefault("baseline", []).append(c)
        elif year_of(last) or year_of(nh.split("/")[0]):
            roles.setdefault("year", []).append(c)
    return roles


def is_target_table(tv: TableView) -> bool:
    roles = _roles(tv)
    return bool(roles.get("target") or roles.get("target_rate"))


def _term_of(header: str) -> str | None:
    m = _TERM.search(norm(header))
    if not m:
        return None
    return {"短期": "近期", "中长期": "远期", "长期": "远期"}.get(m.group(0), m.group(0))


def _year_in(text: str) -> str | None:
    m = re.search(r"((?:19|20)\d{2})\s*年?(?:\s*\d{1,2}\s*月)?(?:底|末|前|年底|年末)?", text or "")
    return m.group(0) if m else None


def _quantity(tv: TableView, r: int, c: int, unit: str | None) -> Quantity | None:
    text = tv.table.cell(r, c)
    q = parse_quantity(text, unit)
    if q is None:
        # '降低10%', '≤0.85' with words around: take the only quantity in the cell
        qs = [x for x in find_quantities(text, unit) if x.kind not in ("year", "date")]
        q = qs[0] if len(qs) == 1 else None
    if q is not None and q.kind in ("year", "date"):
        return None
    if q is not None:
        q.locator = tv.locator(r, c)
    return q


def _as_percent(q: Quantity | None) -> Quantity | None:
    """A percentage cell: '10%', or 10 under a '(%)' header."""
    if q is None:
        return None
    if q.kind == "percent":
        return q
    if q.kind == "number" and q.canonical_unit == "%":
        q.kind = "percent"
        return q
    return None


def _records_from_table(tv: TableView, doc: Document) -> list[TargetRecord]:
    roles = _roles(tv)
    tcols = roles.get("target", []) + roles.get("target_rate", [])
    if not tcols:
        return []
    caption = (tv.table.caption or "") + " " + " ".join(tv.block.section_path if tv.block else [])
    # group target columns by term (近期/远期): each term gives one record per row
    by_term: dict[str | None, dict[str, int]] = {}
    for c in roles.get("target", []):
        by_term.setdefault(_term_of(tv.headers[c]), {}).setdefault("target", c)
    for c in roles.get("target_rate", []):
        by_term.setdefault(_term_of(tv.headers[c]), {}).setdefault("target_rate", c)
    base_col = (roles.get("baseline") or [None])[0]
    if base_col is None and roles.get("year"):
        base_col = roles["year"][0]
    ach_col = (roles.get("achieved") or [None])[0]
    ach_rate_col = (roles.get("achieved_rate") or [None])[0]
    signed_col = (roles.get("signed_rate") or [None])[0]
    rate_col = (roles.get("rate") or [None])[0]
    if ach_rate_col is None and rate_col is not None and ach_col is not None and rate_col > ach_col:
        ach_rate_col = rate_col
    status_col = (roles.get("status") or [None])[0]
    deadline_col = (roles.get("deadline") or [None])[0]
    out = []
    for r in tv.table.body_rows():
        labels = tv.row_labels(r)
        if not labels or any(is_total_label(x) for x in labels[:1]):
            continue
        indicator = tv.label(r) or labels[0]
        if not norm(indicator):
            continue
        unit = tv.row_unit(r)
        for term, cols in by_term.items():
            tc = cols.get("target")
            trc = cols.get("target_rate")
            target = _quantity(tv, r, tc, unit or tv.col_unit(tc)) if tc is not None else None
            target_text = tv.table.cell(r, tc).strip() if tc is not None else None
            target_rate = _quantity(tv, r, trc, "%") if trc is not None else None
            # a target cell written as '降低10%' is relative
            if target is not None and target.kind == "percent" and re.search(
                    r"降低|削减|下降|减少|提高|增加|提升", norm(target_text or "")):
                target_rate, target = target, None
            target_rate = _as_percent(target_rate)
            baseline = _quantity(tv, r, base_col, unit or tv.col_unit(base_col)) if base_col is not None else None
            achieved = _quantity(tv, r, ach_col, unit or tv.col_unit(ach_col)) if ach_col is not None else None
            ach_rate = _quantity(tv, r, ach_rate_col, "%") if ach_rate_col is not None else None
            ach_rate = _as_percent(ach_rate)
            signed = None
            if ach_rate is None and signed_col is not None:
                signed = _as_percent(_quantity(tv, r, signed_col, "%"))
            status = tv.table.cell(r, status_col).strip() if status_col is not None else None
            deadline = None
            if deadline_col is not None:
                deadline = tv.table.cell(r, deadline_col).strip() or None
            if deadline is None:
                deadline = _year_in(tv.headers[tc if tc is not None else trc]) or None
            if deadline is None:
                deadline = _year_in(caption)
            baseline_year = year_of(tv.headers[base_col].split("/")[-1]) if base_col is not None else None
            if baseline_year is None and base_col is not None:
                m = re.search(r"((?:19|20)\d{2})", tv.headers[base_col])
                baseline_year = int(m.group(1)) if m else None
            rate_text = (target_text or "") + " " + (tv.headers[trc] if trc is not None else "")
            used = [c for c in (tc, trc, base_col, ach_col, ach_rate_col, status_col) if c is not None]
            rec = TargetRecord(
                indicator=indicator,
                unit=unit or (tv.col_unit(tc) if tc is not None else None),
                term=term,
                baseline=baseline,
                baseline_year=baseline_year,
                target=target,
                target_rate=target_rate,
                target_text=target_text,
                deadline=deadline,
                achieved=achieved,
                achieved_rate=ach_rate,
                achieved_change=signed,
                status_text=status,
                claimed_met=claimed_met(status) if status else None,
                direction=direction_of(indicator, target, baseline, rate_text),
                table=tv.table.index,
                row=r,
                quote=row_quote(tv, r),
                locator=tv.locator(r, tc if tc is not None else trc),
                cols={k: v for k, v in (("target", tc), ("target_rate", trc), ("baseline", base_col),
                                        ("achieved", ach_col), ("achieved_rate", ach_rate_col),
                                        ("status", status_col)) if v is not None},
            )
            del used
            out.append(rec)
    return out


def extract_targets(doc: Document) -> list[TargetRecord]:
    out: list[TargetRecord] = []
    for tv in views(doc):
        out.extend(_records_from_table(tv, doc))
    return out


# ---------------------------------------------------------------------------------------------
# target sections and claims in prose
# ---------------------------------------------------------------------------------------------
_TARGET_SECTION = re.compile(r"清洁生产目标|目标设置|设置.{0,6}目标|设定.{0,6}目标|确定.{0,6}目标")
# '审核目标' alone may be the audit's purpose in 筹划和组织; it sets targets only in 预审核/预评估
_PRE_AUDIT = re.compile(r"预审核|预评估")
_ATTAIN_SECTION = re.compile(r"完成情况|实现情况|达成情况|完成状况|绩效|实施效果|目标完成")


class TargetSection(BaseModel):
    heading_block: int
    heading: str
    level: int
    blocks: list[int] = Field(default_factory=list, description="content blocks up to the next heading of the same level")


def target_sections(doc: Document) -> list[TargetSection]:
    """Sections that set targets (not the attainment sections)."""
    out = []
    heads = [b for b in doc.blocks if b.kind == "heading"]
    for h in heads:
        title = norm(h.title or h.text)
        if _ATTAIN_SECTION.search(title):
            continue
        if not _TARGET_SECTION.search(title) and not (
                "审核目标" in title and _PRE_AUDIT.search(norm(" ".join(h.section_path)))):
            continue
        sec = TargetSection(heading_block=h.index, heading=h.text, level=h.level or 1)
        for b in doc.blocks[h.index + 1:]:
            if b.kind == "heading" and (b.level or 1) <= sec.level:
                break
            sec.blocks.append(b.index)
        out.append(sec)
    return out


_CLAIM_ALL = re.compile(
    r"(各项|全部|所有|均|全面|各|清洁生产)[^。；;]{0,20}目标[^。；;]{0,12}(均|全部|都)?[^。；;]{0,6}"
    r"(已完成|完成|已达到|达到|实现|已实现|超额完成)"
    r"|目标[^。；;]{0,10}(均|全部|都)(已)?(完成|达到|实现)"
)
_CLAIM_NEG = re.compile(r"未完成|未达到|未实现|尚未|部分|基本完成|未能")


class TargetClaim(BaseModel):
    text: str
    quote: str
    locator: Locator
    indicator_hint: str | None = None


def target_claims(doc: Document) -> list[TargetClaim]:
    """Sentences claiming that all targets were met ('本轮审核各项清洁生产目标均已完成')."""
    out = []
    for s in doc_sentences(doc, ("paragraph",)):
        t = norm(s.text)
        if "目标" not in t:
            continue
        if _CLAIM_NEG.search(t):
            continue
        if _CLAIM_ALL.search(t):
            out.append(TargetClaim(text=s.text, quote=s.text, locator=s.locator()))
    return out
