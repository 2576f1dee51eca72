"""Citations in a report: find them, and resolve them against the curated registry.

A report cites documents three ways, often together: a title in 《》, a standard number
(GB / GB/T / HJ / HJ/T / DB11/T … with a year, written with '-', '—', '–' or full-width
characters), and a document number (环办科技〔2018〕5号, 令第16号, 2016年第38号). This module
extracts all three with their exact text and place, merges a title with the number written
right after it, and resolves the result to a knowledge item through the registry built from
every item's title, aliases, doc_number and numbers — one source of truth for both the
citation rules and the basis of findings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from reviewer.document import Document, Locator
from reviewer.knowledge.models import Item

# ---- normalisation --------------------------------------------------------------------------
_DASHES = "-‐‑‒–—―－~～"
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕", "﹝": "〔", "﹞": "〕",
                           "(": "（", ")": "）", "<": "〈", ">": "〉"})


def _nfkc_map(text: str) -> tuple[str, list[int]]:
    """NFKC-normalised text and, for each of its characters, the index of the source character."""
    out: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch)
        out.append(n)
        idx.extend([i] * len(n))
    return "".join(out), idx


def norm_title(title: str) -> str:
    t = unicodedata.normalize("NFKC", title).translate(_BRACKETS)
    t = re.sub(r"\s+", "", t).strip("《》〈〉\"“”'")
    t = t.replace("〈", "").replace("〉", "")
    return t


def strip_edition(title: str) -> tuple[str, list[int]]:
    """'中华人民共和国清洁生产促进法（2012年修正）' → ('中华人民共和国清洁生产促进法', [2012]).

    Only a trailing parenthesis that holds a year is an edition note; '（试行）' and
    '（漂白碱法蔗渣浆生产工艺）' are part of the title."""
    m = re.search(r"（([^（）]*?((?:19|20)\d{2})[^（）]*)）$", title)
    if not m:
        return title, []
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", m.group(1))]
    return title[: m.start()], years


def _title_keys(title: str) -> set[str]:
    t = norm_title(title)
    keys = {t}
    base, _ = strip_edition(t)
    keys.add(base)
    for k in list(keys):
        if k.startswith("中华人民共和国"):
            keys.add(k[len("中华人民共和国"):])
    return {k for k in keys if k}


_STD = re.compile(
    r"(?<![A-Za-z])(GB/T|GB/Z|GBZ|GB|HJ/T|HJ|DB\d{2}/T|DB\d{2}|T/[A-Z]{2,10})\s*"
    r"(\d{1,5}(?:\.\d{1,3})?)"
    rf"(?:\s*[{_DASHES}]\s*(\d{{4}}|\d{{2}})(?!\d))?"
)


def norm_std(prefix: str, number: str, year: str | None) -> str:
    """Canonical standard number: 'GB/T 2589-2020'; two-digit years expanded ('92' → 1992)."""
    y = ""
    if year:
        yy = int(year)
        if len(year) == 2:
            yy += 1900 if yy > 30 else 2000
        y = f"-{yy}"
    return f"{prefix.upper()} {number}{y}"


def norm_docno(s: str) -> str:
    t = unicodedata.normalize("NFKC", s).translate(_BRACKETS)
    t = re.sub(r"\s+", "", t)
    # 〔2018〕 written as （2018）: same number
    t = re.sub(r"（(\d{4})）", r"〔\1〕", t)
    return t


# 文号 like 环办科技〔2018〕5号, 发改环资〔2021〕1524号, 穗经贸〔2013〕6号 (after bracket normalisation)
_DOCNO = re.compile(r"([\u4e00-\u9fa5]{1,8})\s*[〔\[【(（]\s*(\d{4})\s*[〕\]】)）]\s*第?\s*(\d{1,5})\s*号")
# 令第16号 / 令2016年第38号 / 第16号令 / 公告2024年第12号 / 2015年第25号
_LING = re.compile(r"(令|公告)?\s*(\d{4})\s*年\s*第\s*(\d{1,4})\s*号|令\s*第\s*(\d{1,4})\s*号|第\s*(\d{1,4})\s*号令")


# ---- registry -------------------------------------------------------------------------------
@dataclass
class Registry:
    items: dict[str, Item]
    by_title: dict[str, list[str]] = field(default_factory=dict)
    by_std: dict[str, list[str]] = field(default_factory=dict)  # 'GB/T 2589-2020' and 'GB/T 2589'
    by_docno: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, items: dict[str, Item]) -> Registry:
        reg = cls(items=items)
        for item in items.values():
            if item.type == "user_document":
                continue
            for title in item.all_titles:
                for k in _title_keys(title):
                    reg.by_title.setdefault(k, [])
                    if item.id not in reg.by_title[k]:
                        reg.by_title[k].append(item.id)
            for num in [item.doc_number, *item.numbers]:
                if not num:
                    continue
                m = _STD.search(unicodedata.normalize("NFKC", num))
                if m and m.start() == 0:
                    full = norm_std(m.group(1), m.group(2), m.group(3))
                    for key in {full, norm_std(m.group(1), m.group(2), None)}:
                        reg.by_std.setdefault(key, [])
                        if item.id not in reg.by_std[key]:
                            reg.by_std[key].append(item.id)
                    continue
                for dm in _DOCNO.finditer(norm_docno(num)):
                    reg.by_docno.setdefault(_docno_key(dm), []).append(item.id)
                for lm in _LING.finditer(norm_docno(num)):
                    reg.by_docno.setdefault(_ling_key(lm), []).append(item.id)
        return reg

    def current_of(self, ids: list[str], hint_years: list[int] | None = None) -> Item | None:
        """Choose among editions: the one a year hint names, else the one in force now."""
        cands = [self.items[i] for i in ids if i in self.items]
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        if hint_years:
            def years(it: Item) -> set[int]:
                ys = {d.year for d in (it.issued, it.effective) if d}
                ys |= {int(y) for y in re.findall(r"(?:19|20)\d{2}", it.title + it.doc_number)}
                return ys

            current = [c for c in cands if c.status == "现行" and years(c) & set(hint_years)]
            if current:
                return current[0]
            named = [c for c in cands if years(c) & set(hint_years)]
            if named:
                return named[0]
        live = [c for c in cands if c.status in ("现行", "待核实")]
        return (live or cands)[0]


_NOT_ISSUER = "得取已的和及与按据照依见经由为以于在是等、并执行根"


def _issuer(prefix: str) -> str:
    """'已取得南平环审' → '南平环审': the regex takes every Chinese character before the
    bracket, but verbs and particles in front of an issuer abbreviation are not part of it."""
    p = prefix
    while len(p) > 2 and p[0] in _NOT_ISSUER:
        p = p[1:]
    return p[-6:]


def _docno_key(m: re.Match) -> str:
    return f"{_issuer(m.group(1))}〔{m.group(2)}〕{int(m.group(3))}号"


def _ling_key(m: re.Match) -> str:
    if m.group(2):
        return f"令{m.group(2)}年第{int(m.group(3))}号"
    n = m.group(4) or m.group(5)
    return f"令第{int(n)}号"


@lru_cache(maxsize=8)
def _registry_for(items_id: int) -> Registry:  # keyed by the identity of the cached items dict
    return Registry.build(_ITEMS_BY_ID[items_id])


_ITEMS_BY_ID: dict[int, dict[str, Item]] = {}


def registry(items: dict[str, Item]) -> Registry:
    _ITEMS_BY_ID[id(items)] = items
    return _registry_for(id(items))


# ---- citations in a report ------------------------------------------------------------------
@dataclass
class Citation:
    quote: str  # verbatim text from the document (title with its number when adjacent)
    block: int
    locator: Locator
    title: str | None = None  # inside 《》, as written
    std: str | None = None  # canonical standard number
    std_has_year: bool = False
    docno: str | None = None  # canonical 文号
    context: str = ""  # the sentence around it
    item: Item | None = None
    how: str = ""  # how it was resolved: 'std', 'docno', 'title'

    @property
    def key(self) -> str:
        if self.item is not None:
            return self.item.id
        return self.std or self.docno or norm_title(self.title or self.quote)


REGULATORY_TITLE = re.compile(
    r"(法|条例|办法|规定|细则|标准|规范|导则|指南|指引|通则|指标体系|目录|名录|通知|意见|方案|规划|公告|决定|要求|要点|纲要)$"
)
# A title names a public document (not the enterprise's own 《用水管理考核办法》) when it says
# who issued it or what kind of technical document it is.
PUBLIC_TITLE = re.compile(
    r"(中华人民共和国|国家|国务院|全国|中共中央|生态环境部|环境保护部|发展和改革|工业和信息化|自治区|"
    r"[\u4e00-\u9fa5]{2,}[省市县](?![场政级])|标准|规范|导则|通则|指标体系|技术要求|目录|名录|条例|(?<!办)法$)"
)
# 文号 issuers of public bodies (national ministries; provincial and city abbreviations)
PUBLIC_ISSUER = re.compile(
    r"^(国|环|发改|工信|财|质检|住建|建|水利|商务|应急|市场监管|国办|中发|"
    r"[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵黔云滇藏陕甘陇青宁新穗深厦甬连青])"
)
_TITLE_SPAN = re.compile(r"《([^《》]{2,80})》")
_ISSUER_WORDS = ("发展和改革", "发展改革", "发改", "环境保护", "环保", "生态环境", "国务院", "主席令", "工业和信息化")


def extract_citations(doc: Document) -> list[Citation]:
    """Every title, standard number and document number in the report, merged where adjacent."""
    out: list[Citation] = []
    for b in doc.blocks:
        if b.kind == "table" and b.table is not None:
            for r, row in enumerate(b.table.rows):
                for c, cell in enumerate(row):
                    if cell and (r == 0 or c == 0 or cell != row[c - 1]):  # merged cells repeat text
                        out.extend(_from_text(cell, b.index, b.locator(row=r, col=c)))
        else:
            out.extend(_from_text(b.text, b.index, b.locator()))
    return out


def _from_text(text: str, block: int, loc: Locator) -> list[Citation]:
    norm, idx = _nfkc_map(text)
    found: list[Citation] = []
    used: list[tuple[int, int]] = []

    def orig(a: int, b: int) -> str:
        return text[idx[a] : idx[b - 1] + 1] if b > a else ""

    def sentence(a: int, b: int) -> str:
        s = max(norm.rfind(ch, 0, a) for ch in "。；;\n") + 1
        ends = [e for e in (norm.find(ch, b) for ch in "。；;\n") if e != -1]
        return norm[s : min(ends) if ends else len(norm)]

    for m in _TITLE_SPAN.finditer(norm):
        title = m.group(1)
        a, b = m.start(), m.end()
        # the number written right after the title: 《…》（GB/T 2589-2020） / (环办科技〔2018〕5号)
        tail = norm[b : b + 40]
        std = docno = None
        has_year = False
        tm = re.match(r"\s*[（(〔\[]?\s*", tail)
        rest_at = b + (tm.end() if tm else 0)
        sm = _STD.match(norm, rest_at)
        if sm:
            std, has_year = norm_std(sm.group(1), sm.group(2), sm.group(3)), bool(sm.group(3))
            b = sm.end()
        else:
            dm = _DOCNO.match(norm, rest_at)
            lm = None if dm else _LING.match(norm, rest_at)
            if dm:
                docno, b = _docno_key(dm), dm.end()
            elif lm:
                docno, b = _ling_key(lm), lm.end()
        if b < len(norm) and norm[b : b + 1] in "）)〕]" and b > m.end():
            b += 1
        found.append(Citation(quote=orig(a, b), block=block, locator=loc, title=title, std=std, std_has_year=has_year,
                              docno=docno, context=sentence(a, b)))
        used.append((a, b))

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in used)

    for m in _STD.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        # a bare 'GB 50' or 'HJ 2' without a year is usually a page/table reference, unless the
        # text says it is a standard
        if not m.group(3) and len(m.group(2)) < 3 and not re.match(r"\s*(?:系列|标准|《)", norm[m.end() : m.end() + 3]):
            continue
        found.append(Citation(quote=orig(m.start(), m.end()), block=block, locator=loc,
                              std=norm_std(m.group(1), m.group(2), m.group(3)), std_has_year=bool(m.group(3)),
                              context=sentence(m.start(), m.end())))
        used.append((m.start(), m.end()))
    for m in _DOCNO.finditer(norm):
        if free(m.start(), m.end()):
            start = m.start(1) + len(m.group(1)) - len(_issuer(m.group(1)))
            found.append(Citation(quote=orig(start, m.end()), block=block, locator=loc, docno=_docno_key(m),
                                  context=sentence(start, m.end())))
            used.append((m.start(), m.end()))
    for m in _LING.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        before = norm[max(0, m.start() - 30) : m.start()]
        if not m.group(2) and not any(w in before for w in _ISSUER_WORDS):
            continue  # a bare '令第16号' names nothing without its issuer
        found.append(Citation(quote=orig(m.start(), m.end()), block=block, locator=loc, docno=_ling_key(m),
                              context=sentence(m.start(), m.end())))
        used.append((m.start(), m.end()))
    return found


def resolve(cit: Citation, reg: Registry) -> Citation:
    """Attach the knowledge item a citation names (number first, then 文号, then title)."""
    hint_years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", cit.quote)]
    if cit.std:
        ids = reg.by_std.get(cit.std)
        if ids:
            cit.item, cit.how = reg.current_of(ids), "std"
            return cit
    if cit.docno:
        ids = reg.by_docno.get(cit.docno)
        if ids:
            cit.item, cit.how = reg.current_of(ids, hint_years), "docno"
            return cit
    if cit.title:
        t = norm_title(cit.title)
        base, years = strip_edition(t)
        ids = reg.by_title.get(t) or reg.by_title.get(base)
        if not ids and base.startswith("中华人民共和国"):
            ids = reg.by_title.get(base[len("中华人民共和国"):])
        if ids:
            cit.item, cit.how = reg.current_of(ids, years or _edition_hint(cit.context, cit.quote)), "title"
    return cit


def _edition_hint(context: str, quote: str) -> list[int]:
    """Years written right after a title ('《…促进法》（2002年）') name an edition; a citation
    that names both 2002 and 2012 is the amended law, so the newest year wins."""
    i = context.find(quote)
    after = context[i + len(quote) : i + len(quote) + 30] if i >= 0 else ""
    m = re.match(r"\s*[（(]([^（）()]{0,28})[）)]", after)
    if not m:
        return []
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", m.group(1))]
    return [max(years)] if years else []


def report_citations(doc: Document, items: dict[str, Item]) -> list[Citation]:
    reg = registry(items)
    return [resolve(c, reg) for c in extract_citations(doc)]


# ---- report date ----------------------------------------------------------------------------
_CN_NUM = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_ARABIC = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")
_DATE_CN = re.compile(r"([二〇○零一三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月")


def _cn_month(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_NUM[s[1]]
    return _CN_NUM[s[0]]


def report_date(doc: Document, identity=None) -> date | None:
    """The report's date: the identity extractor's, else the last date on the cover pages."""
    rd = getattr(identity, "report_date", None) if identity is not None else None
    if rd:
        m = re.match(r"(\d{4})(?:-(\d{1,2}))?", rd)
        if m:
            return date(int(m.group(1)), int(m.group(2) or 12), 1)
    cover = [b for b in doc.blocks[:40] if (b.page or 1) <= 2 and b.kind != "table"]
    found: list[date] = []
    for b in cover:
        t = unicodedata.normalize("NFKC", b.text)
        if len(t) > 60:
            continue
        for m in _DATE_ARABIC.finditer(t):
            mo = int(m.group(2))
            if 1 <= mo <= 12:
                found.append(date(int(m.group(1)), mo, 1))
        for m in _DATE_CN.finditer(b.text):
            y = int("".join(str(_CN_NUM[c]) for c in m.group(1)))
            mo = _cn_month(m.group(2))
            if 1900 < y < 2100 and 1 <= mo <= 12:
                found.append(date(y, mo, 1))
    return found[-1] if found else None
