"""Facts: every number of a report bound to a key (subject × aspect × period × scope × unit basis).

Like XBRL facts: ``Fact(key=FactKey(subject='COD', aspect='discharge', period='2023',
scope='plant', basis='t/a'), quantity=Quantity(...), locator=..., section=...)``. The same
quantity written in two chapters produces two facts with the same key, which is what the
consistency rules compare; rules that work on one table shape (balances, before/after
tables) read the typed structures of their extractor instead.

Extractors (one module per report shape):

- ``baseline``   3-year baseline tables (production, raw materials, water, energy, pollutants),
                 years as columns or as rows
- ``balance``    material / water / energy / element balance tables (typed streams)
- ``comparison`` before/after tables (实施前/实施后/削减量/削减率)
- ``prose``      numbers in sentences bound to nearby subject words
- ``options``, ``targets``, ``energy`` (numbers-2): when such a module defines
  ``facts(doc) -> list[Fact]``, ``extract_facts`` includes its facts.

Keys are normalised with ``normalize_subject`` / ``aspect_of`` so that 新鲜水/新水/取水/自来水,
COD/化学需氧量/CODcr, 电/电力/用电量 meet.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import import_module
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reviewer.document import Block, Document, Locator
from reviewer.quantities import Quantity

# ---------------------------------------------------------------------------------------------
# vocabulary: subjects and aspects
# ---------------------------------------------------------------------------------------------
# canonical subject → aliases (matched on NFKC text without whitespace, case-insensitive for
# ASCII). Order inside a group does not matter: the longest alias found in a label wins.
SUBJECT_SYNONYMS: dict[str, tuple[str, ...]] = {
    # water
    "新鲜水": ("新鲜水", "新鲜用水", "新水", "取水", "自来水", "补充水", "新鲜水用量", "用新水"),
    "总用水": ("总用水", "用水总量", "总用水量"),
    "重复利用水": ("重复利用水", "重复用水", "循环水量", "重复利用水量", "回用水", "中水回用"),
    "废水": ("废水", "污水", "外排水", "排水量", "外排废水"),
    # energy carriers
    "电": ("电", "电力", "用电", "耗电", "电耗", "外购电", "电能", "用电量", "耗电量"),
    "天然气": ("天然气", "管道天然气", "燃气"),
    "蒸汽": ("蒸汽", "外购蒸汽", "蒸气"),
    "原煤": ("原煤", "燃煤", "煤炭"),
    "柴油": ("柴油",),
    "汽油": ("汽油",),
    "液化石油气": ("液化石油气", "液化气", "LPG"),
    "综合能耗": ("综合能耗", "综合能源消费量", "能源消费总量", "总能耗", "能耗总量"),
    # water pollutants
    "COD": ("COD", "CODcr", "COD_Cr", "CODCr", "化学需氧量"),
    "氨氮": ("氨氮", "NH3-N", "NH₃-N", "NH3N"),
    "总氮": ("总氮", "TN"),
    "总磷": ("总磷", "TP"),
    "BOD5": ("BOD5", "BOD₅", "BOD", "五日生化需氧量", "生化需氧量"),
    "SS": ("SS", "悬浮物"),
    "石油类": ("石油类",),
    "总铬": ("总铬", "总Cr"),
    "六价铬": ("六价铬", "Cr6+", "Cr⁶⁺", "Cr(VI)"),
    "总镍": ("总镍", "总Ni"),
    "总铜": ("总铜", "总Cu"),
    "总锌": ("总锌", "总Zn"),
    "总氰化物": ("总氰化物", "氰化物"),
    # air pollutants
    "SO2": ("SO2", "SO₂", "二氧化硫"),
    "NOx": ("NOx", "NOX", "NOₓ", "氮氧化物"),
    "颗粒物": ("颗粒物", "烟尘", "粉尘", "烟(粉)尘", "烟粉尘", "TSP", "PM10"),
    "VOCs": ("VOCs", "VOC", "挥发性有机物"),
    "非甲烷总烃": ("非甲烷总烃", "NMHC"),
    "CO2": ("CO2", "CO₂", "二氧化碳"),
    # solid waste
    "危险废物": ("危险废物", "危废"),
    "一般固废": ("一般固废", "一般工业固体废物", "一般固体废物"),
    "固体废物": ("固体废物", "固废"),
    # money
    "产值": ("产值", "工业总产值", "总产值"),
}

POLLUTANTS = {
    "COD", "氨氮", "总氮", "总磷", "BOD5", "SS", "石油类", "总铬", "六价铬", "总镍", "总铜", "总锌",
    "总氰化物", "SO2", "NOx", "颗粒物", "VOCs", "非甲烷总烃", "CO2", "危险废物", "一般固废", "固体废物", "废水",
}
WATER = {"新鲜水", "总用水", "重复利用水"}
ENERGY = {"电", "天然气", "蒸汽", "原煤", "柴油", "汽油", "液化石油气", "综合能耗"}

# aspect → words that announce it (in a row label, column header, caption or sentence)
ASPECT_WORDS: dict[str, tuple[str, ...]] = {
    "reduction": ("削减量", "削减", "减排量", "减排", "减少量", "节约量", "节约", "节省", "降低量"),
    "discharge": ("排放量", "排放", "外排", "排入"),
    "generation": ("产生量", "产生", "产污"),
    "capacity": ("设计产能", "生产能力", "设计能力", "设计规模", "产能", "生产规模"),
    "production": ("产量", "产品产量", "生产量", "产值"),
    "intensity": ("单位产品", "单耗", "单位产值", "万元产值", "吨产品"),
    "concentration": ("浓度",),
    "consumption": ("消耗量", "消耗", "用量", "耗量", "使用量", "用水量", "用电量", "耗电量", "取水量", "消费量", "能耗"),
}

# category cells of baseline tables ('产品 | 镀锌件', '原辅材料 | 硫酸锌', '能源 | 电')
CATEGORY_ASPECT: dict[str, str] = {
    "产品": "production", "主要产品": "production", "产品名称": "production",
    "原辅材料": "consumption", "原料": "consumption", "辅料": "consumption", "原材料": "consumption",
    "主要原辅材料": "consumption", "辅助材料": "consumption", "材料": "consumption",
    "能源": "consumption", "能耗": "consumption", "水": "consumption", "水资源": "consumption",
    "用水": "consumption", "资源能源": "consumption",
}

Aspect = str  # one of ASPECT_WORDS keys, or 'input'/'output'/'loss' (balances), or ''


@lru_cache(maxsize=65536)
def norm_text(text: str) -> str:
    """NFKC, no whitespace: the comparable form of labels."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


_PAREN = re.compile(r"[（(][^（）()]*[）)]")
_ALIAS_INDEX: list[tuple[str, str]] = sorted(
    ((norm_text(a).lower(), canon) for canon, aliases in SUBJECT_SYNONYMS.items() for a in (canon, *aliases)),
    key=lambda x: -len(x[0]),
)
# words that describe the aspect, not the subject: removed from a label to get its subject
_ASPECT_STRIP = re.compile(
    r"(年?(实际)?(消耗|使用|排放|产生|削减|减排|减少|节约)?(总)?量|消耗|用量|耗量|使用量|排放|产生|浓度|"
    r"年?产量|产能|生产能力|单耗|合计|总计|小计|情况|统计|数据|[:：]+)$"
)


@lru_cache(maxsize=8192)
def subject_alias(text: str) -> str | None:
    """Canonical subject named in a label ('COD排放量(t/a)' → 'COD'), or None."""
    t = _PAREN.sub("", norm_text(text)).lower()
    if not t:
        return None
    for alias, canon in _ALIAS_INDEX:
        if alias.isascii():
            # ASCII aliases must not sit inside a longer ASCII token ('TP' in 'TPU', 'SS' in 'SSC')
            for m in re.finditer(re.escape(alias), t):
                before = t[m.start() - 1] if m.start() > 0 else ""
                after = t[m.end()] if m.end() < len(t) else ""
                if not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalpha()):
                    return canon
            continue
        if alias in t:
            # '电' alone is too short to match inside other words ('电镀', '电解'); accept only
            # as the whole label or with an energy word next to it
            if canon == "电" and alias == "电" and not re.fullmatch(r"(外购)?电(力|能|量)?|电(耗|力消耗)?", t):
                continue
            return canon
    return None


@lru_cache(maxsize=8192)
def normalize_subject(text: str) -> str:
    """Canonical subject of a label: a known synonym group, else the label without units/aspect words."""
    known = subject_alias(text)
    if known:
        return known
    t = _PAREN.sub("", norm_text(text))
    t = re.sub(r"^[\d.、]+", "", t)  # '1.镀锌件'
    prev = None
    while prev != t:
        prev = t
        t = _ASPECT_STRIP.sub("", t)
    return t


@lru_cache(maxsize=8192)
def aspect_of(*texts: str) -> Aspect:
    """The first aspect announced in the texts (label first, then header, then caption)."""
    for text in texts:
        t = norm_text(text)
        if not t:
            continue
        best: tuple[int, str] | None = None
        for aspect, words in ASPECT_WORDS.items():
            for w in words:
                i = t.find(w)
                if i >= 0 and (best is None or i < best[0]):
                    best = (i, aspect)
        if best:
            return best[1]
    return ""


def category_aspect(labels: Iterable[str]) -> Aspect:
    """Aspect implied by a category cell ('原辅材料' → consumption)."""
    for lab in labels:
        t = _PAREN.sub("", norm_text(lab))
        if t in CATEGORY_ASPECT:
            return CATEGORY_ASPECT[t]
    return ""


def unique_aspect(text: str) -> Aspect:
    """The aspect of a caption/context only when it announces exactly one (a caption like
    '产品产量及原辅材料消耗' announces two and decides nothing)."""
    t = norm_text(text)
    found = set()
    for aspect, words in ASPECT_WORDS.items():
        if any(w in t for w in words):
            found.add(aspect)
    # '削减量' also reads as '减少'; '排放' and '产生' often appear together in pollutant tables
    return found.pop() if len(found) == 1 else ""


# ---------------------------------------------------------------------------------------------
# the fact model
# ---------------------------------------------------------------------------------------------
class FactKey(BaseModel):
    """What a number is about. Two facts with equal keys must agree."""

    model_config = ConfigDict(frozen=True)

    subject: str = Field(description="normalised subject: 'COD', '新鲜水', '电', or an item name such as '镀锌件'")
    aspect: str = Field(
        "", description="consumption | production | capacity | generation | discharge | reduction | "
        "concentration | intensity | input | output | loss | '' (unknown)"
    )
    period: str = Field("", description="'2023', 'before', 'after', 'target' or '' (unknown)")
    scope: str = Field("plant", description="'plant', a process/workshop name, 'balance:<table>', an option id")
    basis: str = Field("", description="canonical unit of the value, e.g. 't/a' (t/a and t/d never meet)")

    def describe(self) -> str:
        period = {"before": "实施前", "after": "实施后", "target": "目标"}.get(self.period, self.period)
        if period and period.isdigit():
            period += "年"
        aspect = ASPECT_ZH.get(self.aspect, self.aspect)
        return f"{period}{self.subject}{aspect}".strip()


ASPECT_ZH = {
    "consumption": "消耗量", "production": "产量", "capacity": "产能", "generation": "产生量",
    "discharge": "排放量", "reduction": "削减量", "concentration": "浓度", "intensity": "单位产品指标",
    "input": "输入量", "output": "输出量", "loss": "损失量",
}


class Fact(BaseModel):
    key: FactKey
    quantity: Quantity
    locator: Locator
    section: str = Field("", description="section path of the block, outermost first, joined with ' > '")
    chapter: str = Field("", description="top-level heading title of the block ('' before the first heading)")
    source: Literal["table", "prose"] = "table"
    origin: str = Field("", description="extractor: baseline | balance | comparison | prose | options | ...")
    label: str = Field("", description="row label / subject words as written")
    quote: str = Field("", description="verbatim text to cite: the cell text or the sentence")
    confidence: float = Field(1.0, description="1.0 = shape recognised with certainty; lower for guesses")

    @property
    def block(self) -> int | None:
        return self.locator.block


class FactSet:
    """All facts of a document with lookups by key and by subject."""

    def __init__(self, facts: Iterable[Fact] = ()):
        self.facts: list[Fact] = list(facts)
        self.by_key: dict[FactKey, list[Fact]] = defaultdict(list)
        for f in self.facts:
            self.by_key[f.key].append(f)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts)

    def __len__(self) -> int:
        return len(self.facts)

    def find(self, subject: str | None = None, aspect: str | None = None, period: str | None = None,
             origin: str | None = None) -> list[Fact]:
        return [
            f for f in self.facts
            if (subject is None or f.key.subject == subject)
            and (aspect is None or f.key.aspect == aspect)
            and (period is None or f.key.period == period)
            and (origin is None or f.origin == origin)
        ]


def block_section(doc: Document, block: Block | int | None) -> tuple[str, str]:
    """(section path, chapter) of a block."""
    if block is None:
        return "", ""
    b = doc.blocks[block] if isinstance(block, int) else block
    path = b.section_path
    if b.kind == "heading":
        path = [*path, b.title or b.text]
    return " > ".join(path), (path[0] if path else "")


# numbers-2's extractor modules; each may define ``facts(doc) -> list[Fact]``
_EXTERNAL_MODULES = ("options", "targets", "energy")


def extract_facts(doc: Document) -> FactSet:
    """Every fact the extractors find. Cache it per review: ``run.ctx.cached("facts", ...)``."""
    from reviewer.facts import baseline, comparison, prose

    facts: list[Fact] = []
    table_facts = baseline.facts(doc)
    capacity_totals = [f for f in table_facts if f.key.subject == baseline.CAPACITY_TOTAL]
    facts.extend(f for f in table_facts if f.key.subject != baseline.CAPACITY_TOTAL)
    facts.extend(comparison.facts(doc))
    # item names known from tables (products, materials) are subjects prose may mention
    items = {f.key.subject for f in facts if f.key.aspect in ("production", "capacity", "consumption")}
    products = {f.key.subject for f in facts if f.key.aspect == "production" and f.origin == "baseline"
                and f.key.subject not in ("产值",)}
    single = next(iter(products)) if len(products) == 1 else None
    single_basis = {f.key.basis for f in facts if f.key.subject == single and f.key.aspect == "production"}
    if single and len(single_basis) == 1:
        # the 合计 of a per-product capacity table is the capacity of the plant's one product
        # when both are counted in the same unit (万m² of plated area, t of product)
        basis = next(iter(single_basis))
        facts.extend(f.model_copy(update={"key": f.key.model_copy(update={"subject": single})})
                     for f in capacity_totals if f.key.basis == basis)
    facts.extend(prose.facts(doc, extra_subjects=items, single_product=single,
                             single_product_basis=next(iter(single_basis)) if len(single_basis) == 1 else None))
    facts.extend(prose.saving_facts(doc))
    from reviewer.facts.options_summary import option_facts

    facts.extend(option_facts(doc))
    facts.extend(target_facts(doc))
    for name in _EXTERNAL_MODULES:
        try:
            mod = import_module(f"reviewer.facts.{name}")
        except ImportError:
            continue
        fn = getattr(mod, "facts", None)
        if callable(fn):
            facts.extend(fn(doc))
    return FactSet(facts)


def target_facts(doc: Document) -> list[Fact]:
    """Target values of the targets and attainment tables (numbers-2's extractor), keyed by the
    indicator as written: the same near-term target must read the same in both tables."""
    try:
        from reviewer.facts.targets import extract_targets
    except ImportError:
        return []
    out: list[Fact] = []
    seen_baselines: set[tuple] = set()
    for rec in extract_targets(doc):
        b = rec.baseline
        if b is not None and b.kind == "number" and not b.comparator and b.locator is not None:
            loc_key = (b.locator.table, b.locator.row, b.locator.col)
            subject = _PAREN.sub("", norm_text(rec.indicator))
            if subject and loc_key not in seen_baselines:
                seen_baselines.add(loc_key)  # near- and long-term records share the baseline cell
                section, chapter = block_section(doc, b.locator.block)
                basis = b.canonical_unit[:-2] if b.canonical_unit.endswith("/a") else b.canonical_unit
                out.append(Fact(
                    key=FactKey(subject=subject, aspect="baseline",
                                period=str(rec.baseline_year) if rec.baseline_year else "",
                                scope="plant", basis=basis),
                    quantity=b, locator=b.locator, section=section, chapter=chapter, source="table",
                    origin="targets", label=rec.indicator, quote=rec.quote, confidence=0.9,
                ))
        q = rec.target
        if q is None or q.kind != "number" or q.comparator or q.locator is None:
            continue
        if rec.term and rec.term not in ("近期",):
            period = f"target:{rec.term}"
        else:
            period = "target"
        subject = _PAREN.sub("", norm_text(rec.indicator))
        if not subject:
            continue
        section, chapter = block_section(doc, q.locator.block)
        basis = q.canonical_unit[:-2] if q.canonical_unit.endswith("/a") else q.canonical_unit
        out.append(Fact(
            key=FactKey(subject=subject, aspect="target", period=period, scope="plant", basis=basis),
            quantity=q, locator=q.locator, section=section, chapter=chapter, source="table", origin="targets",
            label=rec.indicator, quote=rec.quote, confidence=0.9,
        ))
    return out
