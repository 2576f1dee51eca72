"""A report's fingerprint for cross-report copy detection.

Text is taken per chapter after subtracting what every report shares by construction:
headings, table header rows, titles of cited regulations (《…》) and a few mandated sentences.
The report's own identity strings (enterprise name and short forms, agency, own places) are
replaced by placeholders, so a copy whose names were swapped still matches its source.
Numbers are kept: independent reports written from one template differ in their numbers, a
copy does not.

Character n-gram shingles → MinHash (datasketch) per chapter and for the whole report; plus
"anomalies" (exact numeric table rows, rare long numbers, DOCX author metadata) that are much
stronger evidence of copying than shared prose.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash

from reviewer.document import Block, Document
from reviewer.identity import Identity, extract_identity

ENTERPRISE_MARK = "\ue000"
AGENCY_MARK = "\ue001"
PLACE_MARK = "\ue002"
_KEEP = re.compile(r"[^\u4e00-\u9fff\ue000-\ue0ffA-Za-z0-9.%_]+")
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[^\u4e00-\u9fff\ue000-\ue0ffA-Za-z0-9.%]+(?=\d)")
_BOOK_TITLE = re.compile(r"《[^》]{1,80}》")
# Sentences every report carries in the same words (mandated or handbook phrasing). Removing
# them keeps independent reports of one template apart; the list is deliberately short, the
# store-based template estimate in match.py does the rest.
MANDATED_PATTERNS = [
    re.compile(p)
    for p in (
        r"清洁生产是指不断采取改进设计、使用清洁的能源和原料[^。]*。",
        r"清洁生产审核是指按照一定程序[^。]*。",
        r"(本轮)?清洁生产审核(工作)?(按照|依据|遵循)[^。]{0,40}(七个阶段|35个步骤|三十五个步骤)[^。]*。",
        r"(企业)?清洁生产审核分为[^。]*(七个阶段|7个阶段)[^。]*。",
    )
]
_GENERIC_META = {
    "", "administrator", "admin", "user", "users", "微软用户", "microsoft", "microsoft office user",
    "windows 用户", "windows user", "wps", "lenovo", "dell", "hp", "asus", "python-docx", "owner", "pc", "test",
    "作者", "未知", "unknown", "中国", "china", "微软中国", "mc system", "sky", "ylmf", "deepin",
}


@dataclass
class ChapterPrint:
    index: int
    title: str
    n_shingles: int
    signature: np.ndarray  # uint32 hash values, num_perm long
    n_data: int = 0  # shingles that overlap a figure (decimal or 3+ digit number, not a year)
    data_signature: np.ndarray | None = None  # MinHash of those: what a copy keeps, a template does not


@dataclass
class Passage:
    chapter: int
    block: int
    text: str  # paragraph: the block text verbatim; table: body rows joined by ' | '
    table: bool = False

    def quote(self) -> str:
        """A verbatim piece of the source block to quote: the paragraph, or a table's first real cell."""
        if not self.table:
            return self.text.strip()[:120]
        for cell in self.text.replace("\n", " | ").split(" | "):
            if len(cell.strip()) >= 4:
                return cell.strip()[:120]
        return ""


@dataclass
class Anomaly:
    kind: str  # 'numrow' | 'number' | 'meta_author' | 'meta_last_modified_by' | 'meta_company'
    hash: int  # signed 63-bit
    label: str  # what it is, for the finding (a row's text, the author name)


@dataclass
class Fingerprint:
    report_id: str
    file_name: str
    enterprise: str | None
    enterprise_core: str | None
    agency: str | None
    industry: str | None
    province: str | None
    city: str | None
    report_date: str | None
    num_perm: int
    shingle_chars: int
    n_shingles: int
    signature: np.ndarray
    chapters: list[ChapterPrint]
    anomalies: list[Anomaly]
    passages: list[Passage]
    names: dict[str, list[str]] = field(default_factory=dict)  # identity strings → placeholders
    n_data: int = 0
    data_signature: np.ndarray | None = None

    def passages_blob(self) -> bytes:
        import json

        payload = {
            "names": self.names,
            "passages": [[p.chapter, p.block, p.text, int(p.table)] for p in self.passages],
            "chapters": [c.title for c in self.chapters],
        }
        return zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), 6)


def stable_hash(text: str) -> int:
    """Signed 63-bit hash (SQLite INTEGER), stable across processes."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def identity_names(ident: Identity) -> dict[str, list[str]]:
    """The strings replaced by placeholders, longest first within each kind."""
    ent = [n for n in [ident.enterprise, *ident.short_names] if n and len(n) >= 2]
    if ident.core and len(ident.core) >= 2:
        ent.append(ident.core)
    ag = [n for n in [ident.agency] if n]
    if ident.agency_core and len(ident.agency_core) >= 2:
        ag.append(ident.agency_core)
    places: list[str] = []
    for p in ident.place_chain():
        places.append(p.name)
        s = _short(p.name)
        if s:
            places.append(s)
    if ident.park:
        places.append(ident.park)
    return {
        "enterprise": sorted(set(ent), key=len, reverse=True),
        "agency": sorted(set(ag), key=len, reverse=True),
        "place": sorted(set(places), key=len, reverse=True),
    }


def _short(name: str) -> str | None:
    s = re.sub(r"(省|市|区|县|自治区|自治州|地区|盟|旗)$", "", name)
    return s if len(s) >= 2 and s != name else None


class Normalizer:
    """NFKC, placeholders for identity strings, drop everything but CJK/letters/digits."""

    def __init__(self, names: dict[str, list[str]]):
        pairs: list[tuple[str, str]] = []
        for kind, mark in (("enterprise", ENTERPRISE_MARK), ("agency", AGENCY_MARK), ("place", PLACE_MARK)):
            for n in names.get(kind, []):
                n = unicodedata.normalize("NFKC", n)
                if n:
                    pairs.append((n, mark))
        pairs.sort(key=lambda p: len(p[0]), reverse=True)
        self._re = re.compile("|".join(re.escape(n) for n, _ in pairs)) if pairs else None
        self._map = dict(pairs)

    def __call__(self, text: str) -> str:
        t = unicodedata.normalize("NFKC", text)
        t = _BOOK_TITLE.sub("", t)
        for pat in MANDATED_PATTERNS:
            t = pat.sub("", t)
        if self._re is not None:
            t = self._re.sub(lambda m: self._map[m.group(0)], t)
        # dropped punctuation between two digits becomes one separator, so '2023—2025' or two table
        # cells '0.25 | 0.35' do not fuse into a single long number
        t = _BETWEEN_DIGITS.sub("_", t)
        return _KEEP.sub("", t)


# Figures that identify a report: decimals with three or more significant digits and integers of
# four or more digits. Years, dates,
# list numbers and codes glued to letters (certificate, permit numbers of the same agency) are
# shared by independent reports and do not count.
_FIGURE = re.compile(r"(?<![A-Za-z\d.])(?:\d+\.\d+|\d{3,10})(?![A-Za-z\d.])")
_YEAR = re.compile(r"^(19[5-9]\d|20\d\d)(\.(0?[1-9]|1[0-2])(\.\d{1,2})?)?$")  # 2024, 2024.03, 2024.3.15


def figure_mask(text: str) -> list[bool]:
    mask = [False] * len(text)
    for m in _FIGURE.finditer(text):
        n = m.group(0)
        if _YEAR.match(n) or len(n.replace(".", "").lstrip("0")) < 3 or ("." not in n and len(n) < 4):
            continue  # years; short values such as weights 0.25; small counts (123 people) a template repeats
        for i in range(m.start(), m.end()):
            mask[i] = True
    return mask


def shingles_with_figures(text: str, k: int) -> tuple[set[str], set[str]]:
    """(all shingles, shingles that overlap a figure)."""
    all_sh = shingles(text, k)
    if not all_sh:
        return all_sh, set()
    mask = figure_mask(text)
    if not any(mask):
        return all_sh, set()
    if len(text) < k:
        return all_sh, set(all_sh)
    prefix = [0]
    for v in mask:
        prefix.append(prefix[-1] + v)
    data = {text[i : i + k] for i in range(len(text) - k + 1) if prefix[i + k] - prefix[i]}
    return all_sh, data


def shingles(text: str, k: int) -> set[str]:
    if len(text) < k:
        return {text} if len(text) >= max(4, k // 2) else set()
    return {text[i : i + k] for i in range(len(text) - k + 1)}


def _hash32(b: bytes) -> int:
    return zlib.crc32(b)


def minhash(shingle_set: set[str] | list[str], num_perm: int) -> np.ndarray:
    m = MinHash(num_perm=num_perm, hashfunc=_hash32)
    if shingle_set:
        m.update_batch([s.encode("utf-8") for s in shingle_set])
    return np.asarray(m.hashvalues, dtype=np.uint32)


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) != len(b) or not len(a):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def _block_text_for_copy(b: Block) -> str:
    """The part of a block that can be copied: paragraphs whole, tables without header rows."""
    if b.kind == "heading":
        return ""
    if b.table is not None:
        t = b.table
        rows = [" | ".join(t.rows[r]) for r in t.body_rows()]
        return "\n".join(rows)
    return b.text


def chapter_of_blocks(doc: Document) -> tuple[list[int], list[str]]:
    """Chapter index per block and chapter titles; chapter 0 = everything before the first chapter."""
    levels = [b.level or 1 for b in doc.headings]
    top = min(levels) if levels else 1
    if levels and levels.count(top) < 2 and len(set(levels)) > 1:
        top = sorted(set(levels))[1]  # a single level-1 title heading: chapters are one level down
    titles = ["（封面及前言）"]
    out = []
    cur = 0
    for b in doc.blocks:
        if b.kind == "heading" and (b.level or 1) <= top:
            cur = len(titles)
            titles.append((f"{b.number} " if b.number and b.number not in (b.title or "") else "") + (b.title or b.text))
        out.append(cur)
    return out, titles


_NUM = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$|^[-+]?\d+(?:\.\d+)?%?$")
# long numbers, not parts of codes (certificate, permit or credit-code numbers are shared legitimately)
_LONG_NUM = re.compile(r"(?<![\dA-Za-z.])(\d+\.\d{2,}|\d{5,}(?:\.\d+)?)(?![\dA-Za-z.])")
_STANDARD_TABLE = re.compile(r"(标准|限值|基准|指标体系|等级|[ⅠⅡⅢ一二三]级|系数|参考值|规定值|折标|排放因子)")
_YEARLIKE = re.compile(r"^(19|20)\d{2}$")


def _numeric_cell(s: str) -> str | None:
    t = unicodedata.normalize("NFKC", s).strip().replace(" ", "")
    if _NUM.match(t) and not _YEARLIKE.match(t):
        return t.replace(",", "")
    return None


def _significant(num: str) -> int:
    """Significant digits: 82.75 → 4, 100.00 → 1, 0.050 → 1, 233700 → 4."""
    digits = re.sub(r"[^\d]", "", num).strip("0")
    return len(digits)


_STANDARD_PREFIX = re.compile(r"(GB|HJ|DB|JB|HG|QB|SH|ISO|IEC|T|/)\s*[/T]?\s*$", re.I)


def _distinctive_number(n: str, before: str) -> bool:
    """A measured or computed value unlikely to recur by chance: ≥ 5 significant digits with a
    non-zero fraction, or an integer of ≥ 6 digits; not a standard number (GB/T 12452), not a
    list number glued to a year ('1 2021' → 12021)."""
    if _STANDARD_PREFIX.search(before):
        return False
    if "." in n:
        frac = n.split(".", 1)[1]
        return _significant(n) >= 5 and frac.strip("0") != ""
    return len(n) >= 6 and not re.fullmatch(r"\d{1,2}(19|20)\d{2}", n)


def anomalies_of(doc: Document) -> list[Anomaly]:
    out: list[Anomaly] = []
    seen: set[int] = set()

    def add(kind: str, key: str, label: str) -> None:
        h = stable_hash(kind + ":" + key)
        if h not in seen:
            seen.add(h)
            out.append(Anomaly(kind, h, label[:120]))

    for b in doc.blocks:
        t = b.table
        if t is None:
            continue
        header = " ".join(t.header_text(c) for c in range(t.n_cols)) + (t.caption or "")
        if _STANDARD_TABLE.search(header):
            continue  # limit values and coefficients are shared by every report of an industry
        for r in t.body_rows():
            row = t.rows[r]
            if any(_STANDARD_TABLE.search(c) for c in row[:2]):
                continue
            nums = [n for c in row if (n := _numeric_cell(c))]
            # two measured values of a balance row (82.75 | 75.41) are as telling as a long row
            if len(nums) >= 2 and sum(1 for n in nums if _significant(n) >= 3) >= 2 \
                    and sum(_significant(n) for n in nums) >= 7:
                add("numrow", "|".join(nums), " | ".join(c for c in row if c.strip()))
    for b in doc.blocks:
        if b.kind != "paragraph":
            continue
        text = unicodedata.normalize("NFKC", b.text)
        for m in _LONG_NUM.finditer(text):
            n = m.group(1)
            if _distinctive_number(n, text[max(0, m.start() - 6) : m.start()]):
                add("number", n, n)
    md = doc.metadata
    for kind, val in (("meta_author", md.author), ("meta_last_modified_by", md.last_modified_by),
                      ("meta_company", md.company)):
        v = (val or "").strip()
        if v and v.lower() not in _GENERIC_META and not re.fullmatch(r"[\W\d_]+", v):
            add(kind, v, v)
    return out


def fingerprint(doc: Document, settings=None, identity: Identity | None = None) -> Fingerprint:
    from reviewer.settings import load_settings

    cs = (settings or load_settings()).copy_detection
    ident = identity or extract_identity(doc)
    names = identity_names(ident)
    norm = Normalizer(names)
    chap_of, titles = chapter_of_blocks(doc)
    k = cs.shingle_chars
    per_chapter: dict[int, set[str]] = {}
    per_chapter_data: dict[int, set[str]] = {}
    passages: list[Passage] = []
    for b in doc.blocks:
        raw = _block_text_for_copy(b)
        if not raw.strip():
            continue
        n = norm(raw)
        if len(n) < 4:
            continue
        sh, dsh = shingles_with_figures(n, k)
        per_chapter.setdefault(chap_of[b.index], set()).update(sh)
        per_chapter_data.setdefault(chap_of[b.index], set()).update(dsh)
        passages.append(Passage(chap_of[b.index], b.index, raw if len(raw) <= 2000 else raw[:2000], b.table is not None))
    chapters: list[ChapterPrint] = []
    all_sh: set[str] = set()
    all_data = 0
    for ci in sorted(per_chapter):
        sh = per_chapter[ci]
        all_sh |= sh
        data = per_chapter_data.get(ci, set())
        chapters.append(ChapterPrint(ci, titles[ci], len(sh), minhash(sh, cs.num_perm), len(data),
                                     minhash(data, cs.num_perm)))
    if chapters:
        # MinHash of a union = element-wise minimum of the parts' MinHashes
        sig = np.minimum.reduce([c.signature for c in chapters])
        data_sig = np.minimum.reduce([c.data_signature for c in chapters])
        all_data = len(set().union(*per_chapter_data.values())) if per_chapter_data else 0
    else:
        sig = data_sig = minhash(set(), cs.num_perm)
    return Fingerprint(
        report_id=doc.sha256 or stable_hash(doc.text).to_bytes(8, "big").hex(),
        file_name=doc.file_name,
        enterprise=ident.enterprise,
        enterprise_core=ident.core,
        agency=ident.agency,
        industry=ident.industry,
        province=ident.province,
        city=ident.city,
        report_date=ident.report_date,
        num_perm=cs.num_perm,
        shingle_chars=k,
        n_shingles=len(all_sh),
        signature=sig,
        n_data=all_data,
        data_signature=data_sig,
        chapters=chapters,
        anomalies=anomalies_of(doc),
        passages=passages,
        names=names,
    )


def passages_from_blob(blob: bytes) -> tuple[dict[str, list[str]], list[Passage], list[str]]:
    import json

    d = json.loads(zlib.decompress(blob).decode("utf-8"))
    return d["names"], [Passage(x[0], x[1], x[2], bool(x[3]) if len(x) > 3 else False) for x in d["passages"]], \
        d.get("chapters", [])
