"""Option totals (investment, economic benefit) from the option tables, and the totals the
summary text states — for RED004.

Option tables are recognised by a 投资 column in a table about 方案; the category
(无/低费 vs 中/高费) comes from a category column, a section row, or the caption. Statements
are sentences that speak about a whole set of options ("本轮审核共实施清洁生产方案28项，其中
无/低费方案22项、中/高费方案6项，总投资356.5万元，年经济效益128.3万元"); each stated amount is
compared with every total the tables support for its category (all / 无低费 / 中高费, table
total rows or sums of items). A statement is reported only when no table total matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reviewer.document import Document, Locator
from reviewer.facts import norm_text
from reviewer.facts.shapes import (
    caption_text,
    cell_quote,
    is_of_which,
    is_repeated_header,
    memo,
    table_context,
    total_kind,
    views,
)
from reviewer.facts.tables import TableView
from reviewer.quantities import Quantity, find_quantities, fmt_number, iv, iv_overlap, parse_unit

_LOW = re.compile(r"无\s*[/／、和及]?\s*低费|无低费|低费")
_HIGH = re.compile(r"中\s*[/／、和及]?\s*高费|中高费|高费|中费")
_INVEST_HEADER = re.compile(r"投资|总投资|投入资金|费用\(万元\)|费用（万元）")
_BENEFIT_HEADER = re.compile(r"经济效益|年效益|效益|节约资金|年收益|收益|节省费用|年节约")
_SUMMARY_SENT = re.compile(r"(共|合计|总计|累计|全部|本轮|总投资|累计投资)")
_OPTION_ID = re.compile(r"(^|[^A-Za-z])[A-Z]{1,2}-?\d{1,2}([^\d]|$)|方案(?:[一二三四五六七八九十]+|\d+)(?![\d项个条])")


def _category(text: str) -> str | None:
    t = norm_text(text)
    low, high = bool(_LOW.search(t)), bool(_HIGH.search(t))
    if low and not high:
        return "low"
    if high and not low:
        return "high"
    return None


@dataclass
class OptionTotals:
    """Supported totals per (category, aspect) → list of (interval in 万元, where, text)."""

    values: dict[tuple[str, str], list[tuple[tuple[float, float], dict[str, Any]]]] = field(default_factory=dict)

    def add(self, cat: str, aspect: str, interval: tuple[float, float], where: dict[str, Any]) -> None:
        self.values.setdefault((cat, aspect), []).append((interval, where))


def _money(q: Quantity | None) -> tuple[float, float] | None:
    """A money quantity as an interval in 万元 (per year for benefits)."""
    if q is None or q.kind != "number" or q.comparator:
        return None
    u = q.canonical_unit
    if u.startswith("万元"):
        return iv(q)
    return None


def _currency_col(view: TableView, col: int) -> bool:
    u = view.col_unit(col)
    if u:
        info = parse_unit(u)
        return info is not None and info.canonical.startswith("万元")
    return any(_money(view.quantity(r, col)) for r in view.table.body_rows())


def _option_tables_uncached(doc: Document) -> list[tuple[TableView, int | None, int | None, int | None]]:
    """(view, category col, investment col, benefit col) for each option table."""
    out = []
    for view in views(doc):
        if view.table.n_rows < 3:
            continue
        context = table_context(view, doc)
        if "方案" not in context:
            continue
        inv = next((c for c, h in enumerate(view.headers) if _INVEST_HEADER.search(norm_text(h))
                    and not re.search(r"回收期|收益率|现值|率", norm_text(h))), None)
        if inv is None:
            continue
        ben = next((c for c, h in enumerate(view.headers) if c != inv and _BENEFIT_HEADER.search(norm_text(h))
                    and not re.search(r"环境|回收期|收益率|现值", norm_text(h)) and _currency_col(view, c)), None)
        # the category column is the one whose cells say 无/低费 or 中/高费 ('方案类型' may hold the 8 aspects)
        cat = None
        body = list(view.table.body_rows())
        for c in range(view.ncols):
            hits = sum(1 for r in body if _category(view.table.cell(r, c)))
            if body and hits >= max(1, len(body) // 2):
                cat = c
                break
        out.append((view, cat, inv, ben))
    return out


def name_col_of(view: TableView) -> int | None:
    return next((c for c, h in enumerate(view.headers) if _NAME_HEADER.search(norm_text(h))), None)


def _option_totals_uncached(doc: Document) -> OptionTotals:
    tot = OptionTotals()
    per_table_cat: list[dict[tuple[str, str], tuple[float, float]]] = []
    for view, cat_col, inv, ben in option_tables(doc):
        table_cat = _category(caption_text(view, doc) or table_context(view, doc)[:40])
        sums: dict[tuple[str, str], list[float]] = {}
        all_sums: dict[str, list[float]] = {}
        cats_seen: set[str] = set()
        current = table_cat
        counts: dict[str, int] = {}
        for r in view.table.body_rows():
            if is_repeated_header(view, r) or is_of_which(view, r):
                continue
            labels = " ".join(view.row_labels(r))
            row_cat = _category(view.table.cell(r, cat_col)) if cat_col is not None else None
            section_cat = _category(labels) if not any(view.quantity(r, c) for c in (inv, ben) if c is not None) else None
            if section_cat:
                current = section_cat
                continue
            kind = total_kind(view, r)
            if not kind and name_col_of(view) is not None and len(norm_text(view.table.cell(r, name_col_of(view)))) >= 2:
                c_ = row_cat or current or table_cat or "all"
                counts[c_] = counts.get(c_, 0) + 1
            for aspect, col in (("investment", inv), ("benefit", ben)):
                if col is None:
                    continue
                m = _money(view.quantity(r, col))
                if m is None:
                    continue
                where = {"table": view.table.index + 1, "row": r + 1, "col": col + 1,
                         "block": view.block.index if view.block else None,
                         "page": view.locator(r, col).page, "quote": view.table.cell(r, col)}
                if kind:
                    cat = _category(labels) or (current if kind == "subtotal" else None) or table_cat or "all"
                    tot.add(cat, aspect, m, where)
                    continue
                cat = row_cat or current or table_cat or "all"
                cats_seen.add(cat)
                acc = sums.setdefault((cat, aspect), [0.0, 0.0])
                acc[0] += m[0]
                acc[1] += m[1]
                if cat != "all":
                    acc_all = all_sums.setdefault(aspect, [0.0, 0.0])
                    acc_all[0] += m[0]
                    acc_all[1] += m[1]
        # a table holding both categories also gives the overall total
        if {"low", "high"} <= cats_seen:
            for aspect, v in all_sums.items():
                sums[("all", aspect)] = v
        where = {"table": view.table.index + 1, "block": view.block.index if view.block else None,
                 "quote": caption_text(view, doc)}
        for (cat, aspect), (lo, hi) in sums.items():
            tot.add(cat, aspect, (lo, hi), {**where, "sum_of_items": True})
        # number of options: per category, and overall when the table lists both (or has no category)
        for cat, n in counts.items():
            sums[(cat, "count")] = [float(n), float(n)]
            tot.add(cat, "count", (n, n), {**where, "count_of_rows": True})
        if {"low", "high"} <= counts.keys() or (counts and set(counts) == {"all"}):
            n = sum(counts.values())
            if "all" not in counts or len(counts) > 1:
                tot.add("all", "count", (n, n), {**where, "count_of_rows": True})
        per_table_cat.append({k: (v[0], v[1]) for k, v in sums.items()})
    # separate 无/低费 and 中/高费 tables: their sum is the overall total
    lows = [t for t in per_table_cat if any(k[0] == "low" for k in t) and not any(k[0] == "high" for k in t)]
    highs = [t for t in per_table_cat if any(k[0] == "high" for k in t) and not any(k[0] == "low" for k in t)]
    for lo_t in lows:
        for hi_t in highs:
            for aspect in ("investment", "benefit", "count"):
                if (("low", aspect) in lo_t) and (("high", aspect) in hi_t):
                    a, b = lo_t[("low", aspect)], hi_t[("high", aspect)]
                    tot.add("all", aspect, (a[0] + b[0], a[1] + b[1]), {"sum_of_tables": True})
    return tot


@dataclass
class OptionTotalCheck:
    message: str
    quote: str
    locator: Locator
    expected: Any
    found: Any
    data: dict[str, Any]
    other: list[dict[str, Any]]


def _full_sentences(text: str):
    """Sentences ending at 。！？ only: summary sentences chain their categories with '；'."""
    start = 0
    for m in re.finditer(r"[。！？!?\n]", text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _statement_category(pre: str) -> str:
    """Category an amount belongs to, from the clauses before it: its own clause names one
    ('中/高费方案投资345万元'), or the previous clause does and ends with a count
    ('其中无/低费方案3项，投资9.5万元'); a clause starting with 合计/共/总 is the overall total."""
    clauses = re.split(r"[，,；;]", pre)
    own = clauses[-1]
    c = _category(own)
    if c:
        return c
    if re.match(r"\s*(合计|共计|总计|累计|共|总|全部)", own):
        return "all"
    if len(clauses) >= 2:
        prev = clauses[-2]
        c = _category(prev)
        if c and re.search(r"\d+\s*项\s*$", prev):
            return c
    # one category named earlier in the sentence and no other: '24项无/低费方案共投资…，取得经济效益…'
    cats = {_category(m.group(0)) for m in re.finditer(_LOW.pattern + "|" + _HIGH.pattern, pre)}
    if len(cats) == 1 and not re.search(r"合计|共计|总计|全部|总投资|总效益", own):
        return cats.pop() or "all"
    return "all"


def _statements(doc: Document):
    """(block, sentence offset, sentence, quantity, category, aspect) for amounts in summary sentences."""
    for b in doc.blocks:
        if b.kind != "paragraph" or ("万元" not in b.text and "元" not in b.text):
            continue
        text = b.text
        summary_before = False  # the previous sentence counted the options: this one goes on about them
        for s0, s1 in _full_sentences(text):
            sent = text[s0:s1]
            about_all = bool(re.search(r"\d+\s*项|本轮|全部", sent))
            follows = summary_before and bool(re.match(r"\s*(方案)?(总投资|合计|共计|累计|总计)", sent))
            summary_before = "方案" in sent and about_all
            if "方案" not in sent and not follows:
                continue
            if not _SUMMARY_SENT.search(sent) or _OPTION_ID.search(sent):
                continue
            if not about_all and not follows:
                continue
            for q in find_quantities(sent):
                if q.span is None or _money(q) is None:
                    continue
                pre = sent[:q.span[0]]
                # the aspect word and the category word closest before the amount, in its clause
                clause = re.split(r"[，,]", pre)[-1] if re.search(r"投资|效益|收益|节约", re.split(r"[，,]", pre)[-1]) \
                    else pre[-20:]
                if re.search(r"效益|收益|节约|节省", clause) and not re.search(r"投资", clause[-6:]):
                    aspect = "benefit"
                elif re.search(r"投资|投入", clause):
                    aspect = "investment"
                else:
                    continue
                cat = _statement_category(pre)
                yield b, s0, sent, q, cat, aspect


_COUNT_A = re.compile(r"(?P<cat>无\s*[/／、和及]?\s*低费|中\s*[/／、和及]?\s*高费)?(?:清洁生产)?方案\s*(?:共|合计)?\s*(?P<n>\d{1,3})\s*(?:项|个|条)")
_COUNT_B = re.compile(r"(?P<n>\d{1,3})\s*(?:项|个|条)\s*(?P<cat>无\s*[/／、和及]?\s*低费|中\s*[/／、和及]?\s*高费)?(?:清洁生产)?方案")
# counts of a subset (implemented, adopted, remaining …); '筛选出可行的方案' is the whole list
_NOT_PROPOSED = re.compile(r"(实施|完成|采纳|落实|(?<!筛选出)(?<!筛选)可行|拟|计划|未|剩余|保留|推荐|待|在建|正在)[^，,；;。]{0,4}$")


_PHASE_SUBSET = re.compile(r"阶段|考察|本轮审核前|审核前|以前|此前|前期|期间")


def _count_statements(doc: Document):
    """(block, sentence offset, sentence, count, (start, end), category) for option counts stated in
    summary sentences ('共提出方案28项，其中无/低费方案22项、中/高费方案6项'). Counts of one phase
    ('预审核阶段共提出无/低费方案4项') are a subset and are not compared."""
    from reviewer.structure import analyse_structure

    structure = memo(doc, "structure", lambda: analyse_structure(doc))
    early = set(structure.phase_blocks(2)) | set(structure.phase_blocks(3))
    for b in doc.blocks:
        if b.kind != "paragraph" or "方案" not in b.text or ("项" not in b.text and "个" not in b.text):
            continue
        if b.index in early or _PHASE_SUBSET.search(b.text):
            continue
        text = b.text
        for s0, s1 in _full_sentences(text):
            sent = text[s0:s1]
            if not _SUMMARY_SENT.search(sent) or _OPTION_ID.search(sent):
                continue
            seen = set()
            for pat in (_COUNT_A, _COUNT_B):
                for m in pat.finditer(sent):
                    if m.start("n") in seen:
                        continue
                    seen.add(m.start("n"))
                    if _NOT_PROPOSED.search(sent[:m.start()]):
                        continue
                    cat = _category(m.group("cat") or "")
                    if cat is None:
                        if not re.search(r"共|本轮|合计|全部|总", sent[:m.start("n")]):
                            continue
                        cat = "all"
                    yield b, s0, sent, int(m.group("n")), (m.start("n"), m.end("n")), cat


def option_total_checks(doc: Document) -> list[OptionTotalCheck]:
    totals = option_totals(doc)
    if not totals.values:
        return []
    out = []
    for b, s0, sent, n, span, cat in _count_statements(doc):
        cands = totals.values.get((cat, "count"), [])
        if not cands or any(lo <= n <= hi for (lo, hi), _ in cands):
            continue
        (lo, _hi), where = cands[0]
        cat_zh = {"all": "方案", "low": "无/低费方案", "high": "中/高费方案"}[cat]
        other = [{**where, "quote": where.get("quote") or ""}] if where.get("block") is not None else []
        out.append(OptionTotalCheck(
            f"方案数量不一致：正文称{cat_zh} {n} 项，方案汇总表（{where.get('quote') or '表' + str(where.get('table'))}）"
            f"列出 {int(lo)} 项",
            sent.strip(), b.locator(char_start=s0 + span[0], char_end=s0 + span[1]), int(lo), n,
            {"category": cat, "aspect": "count", "stated": n, "table": where,
             "candidates": sorted({int(c[0]) for c, _ in cands})},
            other,
        ))
    statements = list(_statements(doc))
    for b, s0, sent, q, cat, aspect in statements:
        cands = totals.values.get((cat, aspect), [])
        stated = (q.low, q.high) if q.canonical_unit.startswith("万元") else None
        if stated is None:
            continue
        if not cands:
            # no table states this total: the other summary sentences do; report a sentence that
            # disagrees with at least two that agree with each other
            others = [x for x in statements if x[4] == cat and x[5] == aspect and x[0].index != b.index]
            agree = [x for x in others if iv_overlap((x[3].low, x[3].high), (others[0][3].low, others[0][3].high))]
            if len(others) < 2 or len(agree) != len(others) or iv_overlap((others[0][3].low, others[0][3].high), stated):
                continue
            ref = others[0]
            what = {"investment": "总投资", "benefit": "经济效益"}[aspect]
            cat_zh = {"all": "全部方案", "low": "无/低费方案", "high": "中/高费方案"}[cat]
            rb = ref[0]
            out.append(OptionTotalCheck(
                f"方案汇总不一致：此处称{cat_zh}{what} {q.raw}，其他 {len(others)} 处均为 {ref[3].raw}",
                sent.strip(), b.locator(char_start=s0 + q.span[0], char_end=s0 + q.span[1]),
                ref[3].canonical_value, q.canonical_value,
                {"category": cat, "aspect": aspect, "stated": q.raw, "others": [x[3].raw for x in others]},
                [{"quote": ref[2].strip(), "block": rb.index, "page": rb.page}],
            ))
            continue
        if any(iv_overlap(c, stated) for c, _ in cands):
            continue
        # the other categories too: a sentence may name the total without '共'
        if any(iv_overlap(c, stated) for (k, a), lst in totals.values.items() if a == aspect for c, _ in lst):
            continue
        best, where = cands[0]
        table_val = (best[0] + best[1]) / 2
        what = {"investment": "总投资", "benefit": "经济效益"}[aspect]
        cat_zh = {"all": "全部方案", "low": "无/低费方案", "high": "中/高费方案"}[cat]
        loc = b.locator(char_start=s0 + q.span[0], char_end=s0 + q.span[1])
        other = []
        if where.get("block") is not None:
            other.append({**where, "quote": where.get("quote") or ""})
        out.append(OptionTotalCheck(
            f"方案汇总不一致：正文称{cat_zh}{what} {q.raw}，方案汇总表{'合计' if not where.get('sum_of_items') else '各方案之和'}"
            f"为 {fmt_number(table_val)} 万元",
            sent.strip(), loc, round(table_val, 4), q.canonical_value,
            {"category": cat, "aspect": aspect, "stated": q.raw, "table": where,
             "candidates": [c for c, _ in cands]},
            other,
        ))
    return out



# ---------------------------------------------------------------------------------------------
# one option's investment and benefit, wherever a table lists it (for CON)
# ---------------------------------------------------------------------------------------------
_ID_HEADER = re.compile(r"编号|序号|代号|方案号")
_NAME_HEADER = re.compile(r"方案名称|名称|方案内容|方案$|项目名称")


def _name_key(name: str) -> str:
    t = norm_text(name)
    t = re.sub(r"^[A-Za-z]{0,3}-?\d{1,3}[、.．:：\-]?", "", t)
    return re.sub(r"[，,。；;、（）()\"“”'‘’:：\s]", "", t)


def option_facts(doc: Document) -> list:
    """Facts 'investment' / 'benefit' of each option row (subject '方案:<name>')."""
    from reviewer.facts import Fact, FactKey, block_section

    out = []
    for view, _cat, inv, ben in option_tables(doc):
        name_col = next((c for c, h in enumerate(view.headers) if _NAME_HEADER.search(norm_text(h))), None)
        if name_col is None:
            continue
        section, chapter = block_section(doc, view.block)
        for r in view.table.body_rows():
            if is_repeated_header(view, r) or is_of_which(view, r) or total_kind(view, r):
                continue
            key = _name_key(view.table.cell(r, name_col))
            if len(key) < 3:
                continue
            for aspect, col in (("investment", inv), ("benefit", ben)):
                if col is None:
                    continue
                q = view.quantity(r, col)
                if _money(q) is None:
                    continue
                out.append(Fact(
                    key=FactKey(subject=f"方案:{key}", aspect=aspect, period="", scope="option", basis="万元"),
                    quantity=q, locator=view.locator(r, col), section=section, chapter=chapter, source="table",
                    origin="options", label=view.table.cell(r, name_col), quote=cell_quote(view, r, col),
                    confidence=0.9,
                ))
    return out


def option_tables(doc: Document) -> list[tuple[TableView, int | None, int | None, int | None]]:
    """Memoised per document (several rules read the same structures)."""
    return memo(doc, "option_tables", lambda: _option_tables_uncached(doc))


def option_totals(doc: Document) -> OptionTotals:
    """Memoised per document (several rules read the same structures)."""
    return memo(doc, "option_totals", lambda: _option_totals_uncached(doc))
