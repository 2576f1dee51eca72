"""Numbers in sentences bound to the subject, aspect and year written near them.

"2023年全厂新鲜水用量为12.5万m³" → Fact(新鲜水, consumption, 2023, 125000 m³);
"2021年、2022年、2023年COD排放量分别为1.21t、1.15t、1.08t" → three facts. A number is bound
only when its subject is written before it in the same sentence, no other subject stands in
between, and the year is unambiguous; approximate numbers (约、左右、以上) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reviewer.document import Block, Document
from reviewer.facts import (
    _ALIAS_INDEX,
    ASPECT_WORDS,
    Fact,
    FactKey,
    block_section,
    norm_text,
)
from reviewer.quantities import Quantity, find_quantities

_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_COMPARE_BEFORE_YEAR = re.compile(r"(较|比|与|相比|同比|比较|对比|相对于|低于|高于|截至|截止|于|到|至|在|自|从)\s*$")
_YEAR_RANGE_BEFORE = re.compile(r"(?:19|20)\d{2}\s*(?:年)?\s*[-－~～至到—–]\s*$")
_APPROX_BEFORE = re.compile(r"(约|近|超过|不足|不到|逾|达到约|大约|以上|不低于|不高于|小于|大于|低于|高于)\s*$")
_APPROX_AFTER = re.compile(r"^\s*(左右|以上|以下|余|多|上下|以内)")
_PART_YEAR = re.compile(r"\s*(上半年|下半年|[一二三四1-4]季度|第[一二三四1-4]季度|\d{1,2}\s*[-－~～至到]\s*\d{1,2}\s*月|\d{1,2}\s*月|前\d|1-|1～)")
_SCOPE_WORDS = re.compile(r"车间|工段|生产线|产线|工序|审核重点|单元|设备|方案|项目|措施|该|每|其中|部分|生活")
_ANNUAL_CAPACITY = re.compile(r"设计|规模|产能|生产能力")


_FACILITY_AFTER = re.compile(r"(处理站|处理厂|处理设施|处理系统|站|厂|管网|管道|池|泵|收集|治理设施|监测|在线)")


@dataclass
class SubjectHit:
    start: int
    end: int
    subject: str
    aspect: str = ""  # set when the words of the hit state it ('实际完成' → production)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


_TERMINAL = re.compile(r"[。！？!?；;：:]\s*$")
_LIST_START = re.compile(r"^\s*([（(]?\d{1,2}[)）、.．](?!\d)|[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|[表图注附]|[•●◆■□-])")


def continued_text(doc: Document, b: Block) -> str:
    """The block's text plus the end of its last sentence when a PDF line or page break split the
    sentence into the next paragraph ('…重复利用率' + '63.87%。')."""
    text = b.text
    if _TERMINAL.search(text) or len(text) < 12:
        return text
    j = b.index + 1
    if j < len(doc.blocks) and doc.blocks[j].kind == "paragraph":
        nxt = doc.blocks[j].text
        if nxt and not _LIST_START.match(nxt):
            m = re.search(r"[。！？!?；;]", nxt)
            text += nxt[: m.end()] if m else nxt
    return text


def block_sentences(doc: Document, b: Block) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, sentence, quote) for the sentences that start in block ``b``; a sentence may run
    on into the next block, the quote is its part inside ``b`` (what a finding can cite)."""
    text = continued_text(doc, b)
    own = len(b.text)
    for s0, s1 in sentences(text):
        if s0 >= own:
            break
        yield s0, s1, text[s0:s1], text[s0:min(s1, own)].strip()


_BASE_INDEX = [(a, c) for a, c in _ALIAS_INDEX if len(a) >= 2 or c != "电"]


def _extra_index(extra: Iterable[str]) -> list[tuple[str, str]]:
    return [(norm_text(e).lower(), e) for e in extra if len(e) >= 2]


def _subject_hits(text: str, extra: Iterable[str] | list[tuple[str, str]]) -> list[SubjectHit]:
    """Non-overlapping subject mentions, longest alias first."""
    low = text.lower()
    taken = [False] * len(text)
    hits: list[SubjectHit] = []
    extra = list(extra)
    extra_idx = extra if extra and isinstance(extra[0], tuple) else _extra_index(extra)  # type: ignore[arg-type]
    # substring tests first: only the few aliases present in the sentence are scanned
    index = [x for x in _BASE_INDEX if x[0] in low] + [x for x in extra_idx if x[0] and x[0] in low]
    index.sort(key=lambda x: -len(x[0]))
    for alias, canon in index:
        pos = low.find(alias)
        while pos >= 0:
            s, e = pos, pos + len(alias)
            pos = low.find(alias, pos + 1)
            if any(taken[s:e]):
                continue
            if _FACILITY_AFTER.match(low[e:e + 3]):
                continue  # '污水站', '废水处理设施': a facility, not the substance
            if alias.isascii():
                before = low[s - 1] if s > 0 else ""
                after = low[e] if e < len(low) else ""
                if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalpha()):
                    continue
            for i in range(s, e):
                taken[i] = True
            hits.append(SubjectHit(s, e, canon))
    # '用电量' / '耗电' / '电耗' name electricity without the bare character matching '电镀'
    if "电" in text:
        for m in _ELECTRICITY_WORDS.finditer(text):
            if not any(taken[m.start():m.end()]):
                hits.append(SubjectHit(m.start(), m.end(), "电"))
    return sorted(hits, key=lambda h: h.start)


_ELECTRICITY_WORDS = re.compile(r"(用电|耗电|电耗|电力|外购电|电能)")


def _aspect_near(text: str, start: int, end: int) -> str:
    """The aspect word closest before ``end`` in text[start:end]."""
    seg = text[start:end]
    best: tuple[int, str] | None = None
    for aspect, words in ASPECT_WORDS.items():
        for w in words:
            i = seg.rfind(w)
            if i >= 0 and (best is None or i + len(w) > best[0]):
                best = (i + len(w), aspect)
    return best[1] if best else ""


def _years_before(text: str, start: int, end: int) -> list[tuple[int, str]]:
    out = []
    for m in _YEAR.finditer(text, start, end):
        pre = text[max(start, m.start() - 6): m.start()]
        if _COMPARE_BEFORE_YEAR.search(pre) or _YEAR_RANGE_BEFORE.search(pre):
            continue
        after = text[m.end(): m.end() + 6]
        if re.match(r"\s*(以来|起|开始|底|末|前|后|[-－~～至到])", after):
            continue
        if _PART_YEAR.match(after):
            out.append((m.start(), "partial"))  # '2023年上半年', '2023年5月': not an annual figure
            continue
        out.append((m.start(), m.group(1)))
    return out


def _usable(q: Quantity, text: str) -> bool:
    if q.kind != "number" or not q.canonical_unit or q.comparator or q.range_high is not None:
        return False
    if q.span is None:
        return False
    if q.raw.startswith(("约", "近")):
        return False
    if _APPROX_BEFORE.search(text[max(0, q.span[0] - 5): q.span[0]]) or _APPROX_AFTER.match(text[q.span[1]:]):
        return False
    return not q.canonical_unit.startswith(("%", "‰"))


def _fact(doc: Document, block_index: int, q: Quantity, subject: str, aspect: str, period: str,
          scope: str, sentence: str, label: str) -> Fact:
    from reviewer.facts.baseline import basis_of

    b = doc.blocks[block_index]
    section, chapter = block_section(doc, b)
    return Fact(
        key=FactKey(subject=subject, aspect=aspect, period=period, scope=scope, basis=basis_of(q)),
        quantity=q,
        locator=b.locator(char_start=q.span[0] if q.span else None, char_end=q.span[1] if q.span else None),
        section=section,
        chapter=chapter,
        source="prose",
        origin="prose",
        label=label,
        quote=sentence.strip(),
        confidence=0.7,
    )


def _aspect_for(subject: str, aspect: str, q: Quantity, sentence: str) -> str:
    if q.canonical_unit.startswith("mg/"):
        return "concentration"
    if aspect == "production" and q.span is not None and _ANNUAL_CAPACITY.search(sentence[:q.span[0]]):
        return "capacity"  # '设计规模为年产…'; a capacity word after the number does not count
    if not aspect:
        from reviewer.facts import ENERGY, WATER

        if subject in WATER or subject in ENERGY:
            return "consumption"
    return aspect


# what a report with one product writes instead of naming it: '2024年实际完成34.0万m²',
# '全年共生产12.6万t', '年设计生产能力45.9万m²/a'
_PRODUCT_VERB = re.compile(r"(实际|全年|全厂|当年|共|累计)(完成|生产|产出)(了|产品)?\s*$|(完成|实现)(产品)?产量(为|达|达到)?\s*$")
_PRODUCT_CAPACITY = re.compile(r"(年)?(设计)?(生产能力|设计能力|产能|生产规模|设计规模)(为|达|达到)?\s*$")


def _product_hits(sent: str, qs: list[Quantity], hits: list[SubjectHit], product: str,
                  basis: str) -> list[SubjectHit]:
    """Hits for numbers that a production verb or a capacity word right before them ties to the
    report's only product, when the number is counted in that product's unit and its clause names
    no other subject."""
    from reviewer.facts.baseline import basis_of

    out: list[SubjectHit] = []
    for q in qs:
        if q.span is None or basis_of(q) != basis:
            continue
        clause_start = max(sent.rfind("，", 0, q.span[0]), sent.rfind(",", 0, q.span[0]), -1) + 1
        if any(clause_start <= h.start < q.span[0] for h in hits):
            continue
        pre = sent[clause_start:q.span[0]]
        for pat, aspect in ((_PRODUCT_VERB, "production"), (_PRODUCT_CAPACITY, "capacity")):
            m = pat.search(pre)
            if m:
                out.append(SubjectHit(clause_start + m.start(), clause_start + m.end(), product, aspect))
                break
    return out


def facts(doc: Document, extra_subjects: Iterable[str] = (), single_product: str | None = None,
          single_product_basis: str | None = None) -> list[Fact]:
    """Facts from paragraphs. ``extra_subjects``: item names known from tables (products, materials);
    ``single_product``: the report's only product, which '产品产量' in a sentence refers to;
    ``single_product_basis``: its unit basis, which lets '2024年实际完成34.0万m²' be read as its output."""
    extra = _extra_index(sorted({s for s in extra_subjects if s and len(s) >= 2}))
    out: list[Fact] = []
    for b in doc.blocks:
        if b.kind != "paragraph" or not b.text or not re.search(r"\d", b.text):
            continue
        for s0, _s1, sent, quote in block_sentences(doc, b):
            if not re.search(r"\d", sent):
                continue
            qs = [q for q in find_quantities(sent) if _usable(q, sent) and s0 + q.span[1] <= len(b.text)]
            if not qs:
                continue
            hits = _subject_hits(sent, extra)
            if single_product:
                taken = {(h.start, h.end) for h in hits}
                for m in re.finditer(r"(产品|总)产量|(?<![\u4e00-\u9fff])产量", sent):
                    if (m.start(), m.end()) not in taken and not any(h.start <= m.start() < h.end for h in hits):
                        hits.append(SubjectHit(m.start(), m.start() + 1, single_product))
                hits.sort(key=lambda h: h.start)
            if single_product and single_product_basis:
                hits = sorted([*hits, *_product_hits(sent, qs, hits, single_product, single_product_basis)],
                              key=lambda h: h.start)
            if not hits:
                continue
            out.extend(_sentence_facts(doc, b.index, sent, s0, qs, hits, quote))
    return out


def _shift(q: Quantity, offset: int) -> Quantity:
    if q.span is not None:
        q = q.model_copy(update={"span": (q.span[0] + offset, q.span[1] + offset)})
    return q


def _sentence_facts(doc: Document, block_index: int, sent: str, offset: int, qs: list[Quantity],
                    hits: list[SubjectHit], quote: str = "") -> list[Fact]:
    out: list[Fact] = []
    cite = quote or sent  # the part of the sentence inside the block
    # '…分别为 a、b、c': one year per number, in order
    m = re.search(r"分别(为|是|达|达到)?", sent)
    if m:
        years = [y for _, y in _years_before(sent, 0, m.start())]
        if "partial" in years:
            return out
        after = [q for q in qs if q.span and q.span[0] >= m.end()]
        subj = [h for h in hits if h.end <= m.start()]
        if len(years) >= 2 and len(after) == len(years) and len(subj) == 1:
            units = {q.canonical_unit for q in after}
            if len(units) == 1:
                h = subj[0]
                aspect = _aspect_near(sent, h.start, m.start()) or _aspect_near(sent, max(0, h.start - 4), h.start)
                for y, q in zip(years, after):
                    asp = _aspect_for(h.subject, aspect, q, sent)
                    out.append(_fact(doc, block_index, _shift(q, offset), h.subject, asp, y, "plant",
                                     cite, sent[h.start:h.end]))
        return out
    for q in qs:
        qs0 = q.span[0]
        before = [h for h in hits if h.end <= qs0]
        if not before:
            continue
        h = before[-1]
        lead = sent[max(h.end, qs0 - 6):qs0]
        change = None
        if re.search(r"(由|从)\s*$", lead):
            change = "before"
        elif re.search(r"(降至|降到|降低至|降低到|减少至|减少到|下降至|下降到|减至|变为|提高至|提高到|增至|增加到|升至)\s*$",
                       lead):
            change = "after"
        # another number between the subject and this one: the subject belongs to that number
        if not change and any(o is not q and o.span and h.end <= o.span[0] < qs0 for o in qs):
            between = sent[h.end:qs0]
            if not re.search(r"[，,]", between):
                continue
            # '新鲜水用量2023年为12.5万m³，2022年为11.8万m³': allowed only with a year in the clause
            clause_start = max(between.rfind("，"), between.rfind(","))
            if not _years_before(sent, h.end + clause_start, qs0):
                continue
        clause_start = max(sent.rfind("，", 0, qs0), sent.rfind(",", 0, qs0), 0)
        scope_text = sent[min(clause_start, h.start): h.start]
        scope = "sub" if _SCOPE_WORDS.search(scope_text) or _SCOPE_WORDS.search(sent[h.end:qs0]) else "plant"
        if h.aspect:
            aspect = h.aspect
        else:
            aspect = _aspect_near(sent, h.end, qs0) or _aspect_near(sent, clause_start, h.start)
            aspect = _aspect_for(h.subject, aspect, q, sent)
        if change:
            # '实施后COD排放量由2.28t/a降至1.95t/a': before/after values of an option or the audit
            if re.search(r"实施|改造|审核|治理|整改|方案", sent[:qs0]):
                asp = "" if aspect == "reduction" else aspect
                out.append(_fact(doc, block_index, _shift(q, offset), h.subject, asp, change, scope, cite,
                                 sent[h.start:h.end]))
            continue
        years = _years_before(sent, 0, qs0)
        distinct = {y for _, y in years}
        if "partial" in distinct:
            continue
        if len(distinct) > 1:
            # the year of the number's own clause, when that clause names exactly one
            in_clause = {y for ystart, y in years if ystart >= clause_start}
            if len(in_clause) != 1:
                continue
            period = in_clause.pop()
        elif distinct:
            period = distinct.pop()
        else:
            period = ""
        out.append(_fact(doc, block_index, _shift(q, offset), h.subject, aspect, period, scope, cite,
                         sent[h.start:h.end]))
    return out


# ---------------------------------------------------------------------------------------------
# plant-level savings: '年节电24.09万kWh、年节水0.077万m³、年削减化学需氧量0.102t'
# ---------------------------------------------------------------------------------------------
_SAVING = [
    (re.compile(r"(节电|节约(用)?电(力|能|量)?|减少(用)?电(耗|量)?|节省(用)?电(力|能|量)?)(量)?[为约达了：:]{0,2}\s*$"), "电"),
    (re.compile(r"(节水|节约(用)?(新鲜)?水|减少(新鲜)?(用)?水|节约取水|减少取水|节省(用)?水)(量)?[为约达了：:]{0,2}\s*$"),
     "新鲜水"),
    (re.compile(r"(节约(标准煤|标煤)|节能|节约能源|节约综合能耗|减少(标准煤|能耗|综合能耗)|节省标准煤)(量)?[为约达了：:]{0,2}\s*$"),
     "综合能耗"),
    (re.compile(r"(节(约)?蒸汽|节汽|减少蒸汽)(消耗)?(量)?[为约达了：:]{0,2}\s*$"), "蒸汽"),
    (re.compile(r"(节约天然气|节气|减少天然气)(消耗)?(量)?[为约达了：:]{0,2}\s*$"), "天然气"),
]
_REDUCE_POLLUTANT = re.compile(r"(削减|减少|减排|降低)(了)?([^\d，,、；;。]{1,10}?)(的)?(排放|产生)?(量)?[为约达了：:]{0,2}\s*$")
_NOT_PLANT_SAVING = re.compile(r"该方案|本方案|此方案|该项目|单项|预计|可实现|可[年节减削降]|将|计划|拟|理论|设计|每台|每批|"
                               r"(?<![A-Za-z\d])[A-Z]{1,2}-?\d{1,3}(?![\d.])|方案[一二三四五六七八九十\d]+")


def saving_facts(doc: Document) -> list[Fact]:
    """Plant-level annual savings and reductions stated in sentences (aspect 'reduction')."""
    from reviewer.facts.shapes import memo
    from reviewer.structure import analyse_structure

    # option generation and feasibility chapters state each option's expected savings
    structure = memo(doc, "structure", lambda: analyse_structure(doc))
    option_phases = set(structure.phase_blocks(4)) | set(structure.phase_blocks(5))
    out: list[Fact] = []
    for b in doc.blocks:
        if b.kind != "paragraph" or not re.search(r"节|削减|减少|减排", b.text) or b.index in option_phases:
            continue
        if _NOT_PLANT_SAVING.search(" ".join(b.section_path)):
            continue  # a section about one option
        for s0, _s1, sent, _quote in block_sentences(doc, b):
            if _NOT_PLANT_SAVING.search(sent):
                continue
            for q in find_quantities(sent):
                if not _usable(q, sent) or s0 + q.span[1] > len(b.text):
                    continue
                pre = sent[max(0, q.span[0] - 16):q.span[0]]
                pre = re.split(r"[，,、；;。]", pre)[-1]
                subject = None
                for pat, subj in _SAVING:
                    if pat.search(pre):
                        subject = subj
                        break
                if subject is None:
                    m = _REDUCE_POLLUTANT.search(pre)
                    if m:
                        from reviewer.facts import subject_alias

                        subject = subject_alias(m.group(3))
                if not subject:
                    continue
                fact = _fact(doc, b.index, _shift(q, s0), subject, "reduction", "", "plant", _quote, pre)
                fact.origin = "saving"
                if subject == "综合能耗" and q.canonical_unit in ("t", "t/a"):
                    # '节约标准煤288.49t': tonnes of standard coal are tce
                    fact = fact.model_copy(update={"key": fact.key.model_copy(update={"basis": "tce"})})
                out.append(fact)
    return out
