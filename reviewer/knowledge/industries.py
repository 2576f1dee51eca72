"""Industry codes used in knowledge items' ``scope.industries`` and by the CIT rules.

The codes are the keys of ``reviewer.identity.INDUSTRIES`` (the report-identity extractor),
plus three the identity module does not need (coal-mining, sewage-treatment, coating), so the
industry a report is about and the industry a cited document is for compare directly.

``industry_of_title`` reads the industry from a cited title ("《电镀污染物排放标准》" →
electroplating); ``report_industries`` decides which industries a report is about: the
identity extractor's answer when available, plus industries the report's own text clearly
describes (an electroplating line inside a machinery plant makes 电镀 standards legitimate).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from reviewer.document import Document

# code -> (label, keywords that name the industry in a title or in report prose)
INDUSTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "electroplating": ("电镀", ("电镀", "镀锌", "镀铬", "镀镍", "镀铜", "表面处理", "阳极氧化")),
    "dyeing": ("印染", ("印染", "染整", "漂染", "棉印染", "印花", "牛仔服装洗水")),
    "pharma": ("制药", ("制药", "原料药", "药品", "药业", "生物制品", "生物制剂")),
    "chemical": ("化工", ("化工", "化学原料", "烧碱", "聚氯乙烯", "氯碱", "磷肥", "肥料制造", "硫酸锌", "石油炼制",
                          "石化", "农药", "涂料制造")),
    "foundry": ("铸造", ("铸造", "铸件", "压铸")),
    "machinery": ("机械", ("机械", "装备制造", "机床", "机加工", "金属制品", "零部件")),
    "papermaking": ("造纸", ("造纸", "制浆", "纸浆", "纸业", "纸板", "废纸")),
    "brewing": ("酿造", ("啤酒", "酿造", "白酒", "酒业", "发酵")),
    "food": ("食品", ("食品", "乳制品", "乳业", "纯牛乳", "肉制品", "屠宰", "饮料", "淀粉", "制糖", "植物油")),
    "steel": ("钢铁", ("钢铁", "炼钢", "炼铁", "轧钢", "烧结", "球团", "高炉", "转炉")),
    "cement": ("水泥", ("水泥", "熟料")),
    "nonferrous": ("有色金属", ("有色金属", "锌冶炼", "铅、锌", "铅锌", "铜冶炼", "电解铝", "稀土", "冶炼")),
    "leather": ("制革", ("制革", "皮革", "鞣制", "猪轻革", "牛轻革")),
    "battery": ("电池", ("铅蓄电池", "蓄电池", "电池")),
    "electronics": ("电子", ("印制电路板", "线路板", "电路板", "半导体", "电子元件")),
    "coking": ("焦化", ("焦化", "炼焦", "焦炭")),
    "power": ("火电", ("火电", "火力发电", "热电")),
    "glass": ("玻璃", ("平板玻璃", "玻璃")),
    "plastics": ("塑料橡胶", ("再生橡胶", "橡胶", "塑料", "轮胎")),
    "printing": ("印刷", ("印刷",)),
    "textile": ("纺织", ("纺织", "化纤", "粘胶", "再生纤维素纤维", "织造")),
    "coal-mining": ("煤炭采选", ("煤炭采选", "煤矿", "选煤", "煤炭开采")),
    "sewage-treatment": ("污水处理", ("污水处理及其再生利用", "污水处理厂")),
    "coating": ("涂装", ("涂装", "喷涂", "喷漆")),
}

# Industries that legitimately cite each other's documents (a PCB plant plates copper, a
# machinery plant has casting, painting or plating lines, a pharma plant is a chemical plant).
RELATED: set[frozenset[str]] = {
    frozenset(p)
    for p in [
        ("electroplating", "electronics"), ("electroplating", "machinery"), ("foundry", "machinery"),
        ("coating", "machinery"), ("dyeing", "textile"), ("pharma", "chemical"), ("brewing", "food"),
        ("nonferrous", "chemical"), ("battery", "nonferrous"), ("coking", "steel"), ("power", "steel"),
        ("coating", "electroplating"), ("printing", "papermaking"), ("plastics", "chemical"),
    ]
}

# 国民经济行业分类 (GB/T 4754) codes reports print next to 行业类别.
GBT4754_PREFIX: list[tuple[str, str]] = [
    ("C336", "electroplating"), ("C171", "dyeing"), ("C172", "dyeing"), ("C173", "dyeing"), ("C174", "dyeing"),
    ("C175", "dyeing"), ("C27", "pharma"), ("C339", "foundry"), ("C22", "papermaking"), ("C151", "brewing"),
    ("C14", "food"), ("C13", "food"), ("C31", "steel"), ("C301", "cement"), ("C32", "nonferrous"),
    ("C19", "leather"), ("C384", "battery"), ("C398", "electronics"), ("C397", "electronics"), ("C252", "coking"),
    ("D441", "power"), ("C304", "glass"), ("C29", "plastics"), ("C23", "printing"), ("C17", "textile"),
    ("C28", "textile"), ("B06", "coal-mining"), ("D462", "sewage-treatment"), ("C26", "chemical"),
    ("C25", "chemical"), ("C34", "machinery"), ("C35", "machinery"), ("C36", "machinery"), ("C33", "machinery"),
]


def label(code: str | None) -> str:
    return INDUSTRIES[code][0] if code in INDUSTRIES else (code or "")


def related(a: str, b: str) -> bool:
    return a == b or frozenset((a, b)) in RELATED


def industry_of_title(title: str) -> str | None:
    """The industry a document title is about, or None for cross-industry documents.

    The longest matching keyword wins, so 《硫酸锌行业…》 is chemical (硫酸锌) not nonferrous."""
    best: tuple[int, str] | None = None
    for code, (_lab, words) in INDUSTRIES.items():
        for w in words:
            if w in title and (best is None or len(w) > best[0]):
                best = (len(w), code)
    return best[1] if best else None


_TITLE = re.compile(r"《[^《》]{1,80}》")
_GB_CODE = re.compile(r"\b([A-T])\s?(\d{2,4})\b")
_INDUSTRY_LINE = re.compile(r"(所属行业|行业类别|行业类型|国民经济行业|行业分类|行业代码)[^\n]{0,40}")


@dataclass
class ReportIndustries:
    primary: str | None
    all: set[str] = field(default_factory=set)
    evidence: dict[str, int] = field(default_factory=dict)

    def covers(self, industries: list[str]) -> bool:
        """True when a document scoped to ``industries`` fits this report: its industry is the
        report's main industry or a related one, or a line the report itself describes.

        Relatedness applies to the main industry only: a foundry with a painting line may cite
        coating documents, but not electroplating ones because coating is related to plating."""
        if not industries or "*" in industries or not self.all:
            return True
        if self.primary and any(related(a, self.primary) for a in industries):
            return True
        return any(a in self.all for a in industries)


_NO_IDENTITY = object()


def report_industries(doc: Document, min_mentions: int = 3, identity=_NO_IDENTITY) -> ReportIndustries:
    """Industries the report is about (primary + clearly described secondary lines).

    ``identity`` is the report identity when the caller already has it (None = not available)."""
    if identity is _NO_IDENTITY:
        try:
            from reviewer.identity import extract_identity

            identity = extract_identity(doc)
        except ImportError:
            identity = None
    primary = getattr(identity, "industry", None)
    votes = Counter()
    for b in doc.blocks:
        text = _TITLE.sub("", b.text)  # titles of cited documents say nothing about the plant
        if b.kind == "table" and b.table is not None:
            text = _TITLE.sub("", " ".join(" ".join(r) for r in b.table.rows))
        m = _INDUSTRY_LINE.search(text)
        if m:
            for code in _codes_in(m.group()):
                votes[code] += 20
        for code, (_lab, words) in INDUSTRIES.items():
            n = sum(text.count(w) for w in words)
            if n:
                votes[code] += n
    if primary is None and votes:
        primary = max(votes, key=lambda c: (votes[c], -list(INDUSTRIES).index(c)))
    if primary is not None and primary not in INDUSTRIES:
        primary = None
    found = {c for c, n in votes.items() if n >= min_mentions}
    if primary:
        found.add(primary)
    return ReportIndustries(primary=primary, all=found, evidence=dict(votes))


def _codes_in(line: str) -> list[str]:
    out = []
    for m in _GB_CODE.finditer(line):
        code = m.group(1) + m.group(2)
        for prefix, ind in GBT4754_PREFIX:
            if code.startswith(prefix):
                out.append(ind)
                break
    t = industry_of_title(line)
    if t:
        out.append(t)
    return out
