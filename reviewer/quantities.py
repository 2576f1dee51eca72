"""Numbers as Chinese audit reports write them → ``Quantity`` with a canonical value, unit and
precision interval.

Handles thousands separators (1,234.5 / 1，234), 万/亿 multipliers, %, ‰, ranges (10~20,
10-20, 10至20), ± tolerances, comparators (≤40, 不大于40), full-width digits, scientific
notation (1.2×10⁴, 1.2E4) and units such as t, kg, 万t, t/a, kg/d, m³, m³/a, kWh, 万kWh, tce,
kgce, 万元, mg/L, mg/m³.

Units: the Chinese and ASCII spellings are mapped to pint expressions (pint does the
conversion arithmetic); each unit component is converted to a preferred unit of its
dimension, except time, which is kept as written — reports disagree on operating days, so
t/d and t/a are different keys, never silently converted.

Precision (Arelle Calculations 1.1): a stated value covers the interval of numbers that round
to it: 12.3 → [12.25, 12.35); 1.2万t → [11 500, 12 500) t.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pint
from pydantic import BaseModel, Field

from reviewer.document import Locator

# ---------------------------------------------------------------------------------------------
# unit registry
# ---------------------------------------------------------------------------------------------
UREG = pint.UnitRegistry()
UREG.define("kgce = [standard_coal]")  # 千克标准煤: its own dimension, never mixed with mass
UREG.define("tce = 1000 * kgce")
UREG.define("gce = 0.001 * kgce")
UREG.define("yuan = [currency]")
UREG.define("wanyuan = 10000 * yuan")
UREG.define("yiyuan = 100000000 * yuan")
UREG.define("qianyuan = 1000 * yuan")
UREG.define("kgco2 = [co2_mass]")
UREG.define("tco2 = 1000 * kgco2")

# Preferred unit per pint dimensionality (as string); time dimensions are not converted.
_PREFERRED = {
    "[mass]": "t",
    "[length] ** 3": "m³",
    "[length] ** 2": "m²",
    "[length]": "m",
    "[length] ** 2 * [mass] / [time] ** 2": "kWh",
    "[length] ** 2 * [mass] / [time] ** 3": "kW",
    "[mass] / [length] / [time] ** 2": "MPa",
    "[standard_coal]": "tce",
    "[currency]": "万元",
    "[co2_mass]": "tCO2",
}


@dataclass(frozen=True)
class UnitPart:
    symbol: str  # normalized symbol shown to users, e.g. 't', 'm³', '万元', 'kWh'
    pint_expr: str | None  # None for count/time/opaque units that are never converted
    dimension: str  # 'mass', 'volume', 'energy', 'coal', 'currency', 'time', 'count', 'percent', ...


# Chinese/ASCII spellings → (normalized symbol, pint expression, dimension). Longest match wins.
_UNIT_ALIASES: dict[str, tuple[str, str | None, str]] = {}


def _alias(names: str, symbol: str, expr: str | None, dim: str) -> None:
    for n in names.split("|"):
        _UNIT_ALIASES[n] = (symbol, expr, dim)


_alias("t|吨|T|公吨|tonne|ton", "t", "metric_ton", "mass")
_alias("kg|千克|公斤|KG|Kg", "kg", "kg", "mass")
_alias("g|克", "g", "g", "mass")
_alias("mg|毫克", "mg", "mg", "mass")
_alias("μg|ug|微克", "μg", "microgram", "mass")
_alias("kt|千吨", "kt", "kilo_metric_ton", "mass")
_alias("m³|m3|m^3|立方米|立方|方|Nm³|Nm3|标立方米|标方", "m³", "m**3", "volume")
_alias("L|l|升", "L", "liter", "volume")
_alias("kL|KL|kl", "kL", "kiloliter", "volume")  # beer, beverages: 千升 = m³
_alias("mL|ml|毫升", "mL", "milliliter", "volume")
_alias("kWh|kW·h|kW.h|kw·h|kwh|KWh|KWH|kW•h|千瓦时|千瓦·时|度", "kWh", "kWh", "energy")
_alias("MWh|兆瓦时", "MWh", "MWh", "energy")
_alias("GWh", "GWh", "GWh", "energy")
_alias("GJ|吉焦", "GJ", "GJ", "energy")
_alias("MJ|兆焦", "MJ", "MJ", "energy")
_alias("kJ|千焦", "kJ", "kJ", "energy")
_alias("kcal|千卡|大卡", "kcal", "kcal", "energy")
_alias("tce|吨标准煤|吨标煤|t标准煤|t标煤|tec|t ce", "tce", "tce", "coal")
_alias("kgce|千克标准煤|千克标煤|kg标准煤|kg标煤|公斤标准煤|公斤标煤", "kgce", "kgce", "coal")
_alias("gce|克标准煤|g标准煤|克标煤", "gce", "gce", "coal")
_alias("元|RMB|人民币", "元", "yuan", "currency")
_alias("万元|万元人民币", "万元", "wanyuan", "currency")
_alias("亿元", "亿元", "yiyuan", "currency")
_alias("千元", "千元", "qianyuan", "currency")
_alias("tCO2|tCO₂|吨CO2|吨CO₂|吨二氧化碳|tCO2e|tCO₂e", "tCO2", "tco2", "co2")
_alias("kgCO2|kgCO₂|千克CO2|千克二氧化碳", "kgCO2", "kgco2", "co2")
_alias("kW|千瓦", "kW", "kW", "power")
_alias("MW|兆瓦", "MW", "MW", "power")
_alias("MPa|兆帕", "MPa", "MPa", "pressure")
_alias("kPa|千帕", "kPa", "kPa", "pressure")
_alias("m²|m2|㎡|平方米|平米", "m²", "m**2", "area")
_alias("km|公里|千米", "km", "km", "length")
_alias("m|米", "m", "m", "length")
_alias("a|年|yr", "a", None, "time")
_alias("月|个月", "月", None, "time")
_alias("d|天|日", "d", None, "time")
_alias("h|小时|时|hr", "h", None, "time")
_alias("min|分钟", "min", None, "time")
_alias("班", "班", None, "time")
_alias("批|批次", "批", None, "count")
for _w in ["件", "台", "套", "个", "只", "人", "项", "吨次", "辆", "张", "条", "片", "双", "箱", "桶", "支", "根", "座", "家", "名", "次"]:
    _alias(_w, _w, None, "count")
_alias("℃|°C", "℃", None, "temperature")
_alias("%|％|百分比", "%", None, "percent")
_alias("‰", "‰", None, "permille")
_alias("dB(A)|dB（A）|dB|分贝", "dB(A)", None, "sound")
_alias("pH|无量纲", "", None, "dimensionless")

_ALIAS_KEYS = sorted(_UNIT_ALIASES, key=len, reverse=True)


class UnitInfo(BaseModel):
    """A parsed unit: numerator and denominator parts plus a scale multiplier (万, 亿, 千)."""

    text: str = Field(description="unit as written")
    symbol: str = Field(description="normalized unit, e.g. '万t/a'")
    multiplier: float = Field(1.0, description="scale prefix written before the first part (万 → 1e4)")
    numerator: list[str] = Field(default_factory=list, description="normalized symbols")
    denominator: list[str] = Field(default_factory=list)
    dimension: str = Field("", description="dimension signature, e.g. 'mass/time'")
    canonical: str = Field("", description="canonical unit, e.g. 't/a'")
    factor: float = Field(1.0, description="value_in_canonical = value_as_written × factor")
    annotation: str = Field("", description="trailing words after the unit, e.g. '产品' in 'kWh/t产品'")


_SCALE_PREFIX = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "十万": 1e5, "百": 1e2}  # 百: 'kgce/百米' (textiles)


# '3方面' is not 3 m³, '5度' in '5度电' is kWh but not in '温度'
_NOT_UNIT_AFTER = {"方": set("面案式法向针便位"), "度": set("数"), "时": set("间期段")}


def _match_part(s: str) -> tuple[tuple[str, str | None, str], str, str] | None:
    """Longest unit alias at the start of s → (alias entry, matched text, rest)."""
    for key in _ALIAS_KEYS:
        if s.startswith(key):
            rest = s[len(key):]
            if key in _NOT_UNIT_AFTER and rest[:1] in _NOT_UNIT_AFTER[key]:
                continue
            # an ASCII unit must not be the start of a longer ASCII word ('t' in 'ton', 'm' in 'mol')
            if key[-1].isascii() and key[-1].isalpha() and rest[:1].isascii() and rest[:1].isalpha():
                continue
            return _UNIT_ALIASES[key], key, rest
    return None


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> UnitInfo | None:
    """'万t/a' → UnitInfo(symbol='万t/a', canonical='t/a', factor=1e4). None if not a unit."""
    raw = text
    s = unicodedata.normalize("NFKC", text).strip()
    s = s.replace("³", "³").replace("m^3", "m³").replace("M3", "m³")
    s = re.sub(r"\s+", "", s)
    if not s:
        return None
    mult = 1.0
    for p in sorted(_SCALE_PREFIX, key=len, reverse=True):
        if s.startswith(p) and _match_part(s[len(p):]):
            mult = _SCALE_PREFIX[p]
            s = s[len(p):]
            break
    parts_num: list[tuple[str, str | None, str, float]] = []
    parts_den: list[tuple[str, str | None, str, float]] = []
    target = parts_num
    annotation = ""
    first = True
    separated = False
    while s:
        if s[0] in "/每" and not first:
            target = parts_den
            s = s[1:]
            separated = True
            continue
        if s[0] in "·.*•" and not first:
            s = s[1:]
            separated = True
            continue
        if not first and not separated:
            annotation = s
            break
        separated = False
        part_mult = 1.0
        if target is parts_den:
            for p in sorted(_SCALE_PREFIX, key=len, reverse=True):
                if s.startswith(p) and _match_part(s[len(p):]):
                    part_mult = _SCALE_PREFIX[p]
                    s = s[len(p):]
                    break
        m = _match_part(s)
        if not m:
            if first:
                return None
            annotation = s
            break
        (sym, expr, dim), _key, s = m
        target.append((sym, expr, dim, part_mult))
        first = False
    if not parts_num and not parts_den:
        return None
    # The denominator may carry a product word: 'kWh/t产品', 'm³/万元产值'
    factor = mult
    canon_num, canon_den, dims_num, dims_den = [], [], [], []
    for sym, expr, dim, pm in parts_num:
        c, f = _preferred(sym, expr)
        canon_num.append(c)
        dims_num.append(dim)
        factor *= f * pm
    for sym, expr, dim, pm in parts_den:
        c, f = _preferred(sym, expr)
        canon_den.append(c)
        dims_den.append(dim)
        factor /= f * pm
    # concentration: keep mg/L and mg/m³ as people write them
    if dims_num == ["mass"] and dims_den == ["volume"]:
        den_sym = parts_den[0][0]
        target_unit = "mg/L" if den_sym in ("L", "mL") else "mg/m³"
        factor = mult * UREG.Quantity(1, f"{parts_num[0][1]}/{parts_den[0][1]}").to(
            "mg/liter" if target_unit == "mg/L" else "mg/m**3"
        ).magnitude
        canon_num, canon_den = ["mg"], ["L" if target_unit == "mg/L" else "m³"]
    prefix = {1e4: "万", 1e8: "亿", 1e3: "千", 1e6: "百万", 1e5: "十万", 1e2: "百"}.get(mult, "")
    symbol = prefix + "·".join(p[0] for p in parts_num if p[0])
    if parts_den:
        symbol += "/" + "·".join(
            ({1e4: "万", 1e8: "亿", 1e3: "千", 1e2: "百"}.get(p[3], "") + p[0]) for p in parts_den
        )
    canonical = "·".join(c for c in canon_num if c)
    if canon_den:
        canonical += "/" + "·".join(canon_den)
    dimension = "·".join(dims_num) + ("/" + "·".join(dims_den) if dims_den else "")
    return UnitInfo(
        text=raw,
        symbol=symbol,
        multiplier=mult,
        numerator=[p[0] for p in parts_num],
        denominator=[p[0] for p in parts_den],
        dimension=dimension,
        canonical=canonical,
        factor=factor,
        annotation=annotation,
    )


@lru_cache(maxsize=512)
def _preferred(symbol: str, expr: str | None) -> tuple[str, float]:
    """(preferred symbol, factor) for one unit part; parts without a pint expression stay."""
    if expr is None:
        return symbol, 1.0
    q = UREG.Quantity(1, expr)
    pref = _preferred_by_dimensionality().get(q.dimensionality)
    if pref is None:
        return symbol, 1.0
    pref_expr = {"t": "metric_ton", "m³": "m**3", "m²": "m**2", "万元": "wanyuan", "tCO2": "tco2"}.get(pref, pref)
    return pref, float(q.to(pref_expr).magnitude)


@lru_cache(maxsize=1)
def _preferred_by_dimensionality() -> dict:
    """_PREFERRED keyed by pint's dimensionality objects: pint's string form orders the base
    dimensions its own way ('[mass] * [length] ** 2 / [time] ** 2'), so string keys written by
    hand miss energy, power and pressure (MWh, GJ would never convert to kWh)."""
    out = {}
    for _dim, pref in _PREFERRED.items():
        pref_expr = {"t": "metric_ton", "m³": "m**3", "m²": "m**2", "万元": "wanyuan", "tCO2": "tco2"}.get(pref, pref)
        out[UREG.Quantity(1, pref_expr).dimensionality] = pref
    return out


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert between two written units of the same canonical unit; raises ValueError if incompatible."""
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a is None or b is None or a.canonical != b.canonical:
        raise ValueError(f"incompatible units {from_unit!r} → {to_unit!r}")
    return value * a.factor / b.factor


def same_dimension(unit_a: str, unit_b: str) -> bool:
    a, b = parse_unit(unit_a), parse_unit(unit_b)
    return a is not None and b is not None and a.canonical == b.canonical


# ---------------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------------
class Quantity(BaseModel):
    raw: str = Field(description="the text as written")
    value: float = Field(description="the number as written (after 万/亿 in the number itself, e.g. '1.2万' → 12000)")
    unit: str = Field("", description="normalized unit as written, e.g. '万t/a' ('' = none)")
    canonical_value: float = Field(description="value in the canonical unit")
    canonical_unit: str = Field("", description="canonical unit, e.g. 't/a'")
    low: float = Field(description="lower end of the precision interval, canonical unit (inclusive)")
    high: float = Field(description="upper end of the precision interval, canonical unit (exclusive)")
    decimals: int = Field(0, description="digits after the decimal point as written")
    comparator: str | None = Field(None, description="'<=', '>=', '<', '>' when written as ≤40 etc.")
    range_high: float | None = Field(None, description="upper value of a written range (canonical), e.g. 10~20")
    plus_minus: float | None = Field(None, description="± tolerance as written (canonical)")
    kind: str = Field("number", description="number | percent | year | date")
    span: tuple[int, int] | None = Field(None, description="char span in the source text")
    locator: Locator | None = None
    end_norm: int = Field(0, exclude=True, description="internal: end offset in the normalized text")

    @property
    def interval(self) -> tuple[float, float]:
        return self.low, self.high

    def __str__(self) -> str:
        return self.raw


# digits with optional thousands separators; decimals; optional exponent
_NUM = r"(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?"
_QTY_RE = re.compile(
    r"(?P<cmp>≤|≥|<=|>=|<|>|＜|＞|不大于|不小于|不超过|不低于|小于|大于|低于|高于|约|近)?\s*"
    r"(?P<sign>[-−–+])?"
    r"(?P<num>" + _NUM + r")"
    r"(?:\s*(?:×|x|X|\*)\s*10\s*(?:\^|\*\*)?\s*(?P<exp>[-−]?\d+|[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))?"
    r"(?:[eE](?P<eexp>[-+]?\d+))?"
    r"(?:\s*(?:~|～|至|—|–|-|〜)\s*(?P<num2>" + _NUM + r"))?"
    r"(?:\s*(?:±|\+/-)\s*(?P<pm>" + _NUM + r"))?"
    r"\s*(?P<scale>百万|十万|万|亿|千)?"
    r"(?P<unit>[%％‰]|[A-Za-zμ℃°³²㎡\u4e00-\u9fff·./•\-^()（）₂0-9]{0,14})?"
)
_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
_CMP = {"≤": "<=", "<=": "<=", "不大于": "<=", "不超过": "<=", "小于": "<", "低于": "<", "<": "<", "＜": "<",
        "≥": ">=", ">=": ">=", "不小于": ">=", "不低于": ">=", "大于": ">", "高于": ">", ">": ">", "＞": ">"}


def _nfkc_map(text: str) -> tuple[str, list[int]]:
    """NFKC-normalise char by char, keeping a map from normalized index → original index."""
    out: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        # keep superscripts and ㎡/³ as they are: NFKC would turn m³ into m3, which we parse anyway
        for c in n:
            out.append(c)
            idx.append(i)
    idx.append(len(text))
    return "".join(out), idx


def _decimals(num: str) -> int:
    return len(num.split(".", 1)[1]) if "." in num else 0


def _to_float(num: str) -> float:
    return float(num.replace(",", "").replace("，", ""))


def _split_unit(unit_text: str) -> tuple[UnitInfo | None, str]:
    """Longest prefix of unit_text that parses as a unit (the rest is ordinary text)."""
    t = unit_text.rstrip("(（")
    for end in range(len(t), 0, -1):
        u = parse_unit(t[:end])
        if u is not None and not u.annotation:
            last = t[:end][-1]
            if last in _NOT_UNIT_AFTER and t[end : end + 1] in _NOT_UNIT_AFTER[last]:
                continue
            return u, t[:end]
    return None, ""


_UNITISH = re.compile(r"[A-Za-zμ℃°³²㎡\u4e00-\u9fff·./%‰]")


def _hyphen_is_separator(norm: str, start: int) -> bool:
    """Whether the '-' at ``start`` joins two things (range, date, model number) rather than
    negating the number after it. After a Latin letter or a digit it is a separator ('GB-2589',
    '2-7'); after Chinese text it is a minus sign when that text is a label ('误差率-1.39%',
    '净现值-14.66万元') but a range separator when the text is the unit of a preceding number
    ('10万-20万元', '3个月-6个月', '2022年-2023年')."""
    prev = norm[start - 1]
    if prev.isascii():
        return prev.isalnum()
    if not prev.isalnum():
        return False
    j = start - 1
    # walk back over a short unit/scale word; a digit before it means "number unit - number"
    while j >= 0 and start - j <= 6 and _UNITISH.match(norm[j]):
        j -= 1
    return j >= 0 and start - j <= 6 and norm[j].isdigit()


def _build(m: re.Match[str], norm: str, idx: list[int], original: str, default_unit: str | None) -> Quantity | None:
    num = m.group("num")
    try:
        value = _to_float(num)
    except ValueError:
        return None
    decimals = _decimals(num)
    sign = m.group("sign")
    if sign and sign in "-−–":
        # a hyphen right after a digit or letter is a range/date separator, not a minus sign
        start = m.start("sign")
        if start > 0 and _hyphen_is_separator(norm, start):
            return None
        value = -value
    exp = m.group("exp") or m.group("eexp")
    scale = 1.0
    if exp:
        e = int(exp.translate(_SUPERSCRIPT).replace("−", "-") or "0")
        if abs(e) > 30:  # not a physical quantity in a report; avoid float overflow
            return None
        scale *= 10.0**e
    mult_word = m.group("scale")
    if mult_word:
        scale *= _SCALE_PREFIX[mult_word]
    unit_text = m.group("unit") or ""
    kind = "number"
    info: UnitInfo | None = None
    used_unit = ""
    if unit_text[:1] in ("%", "％"):
        kind, used_unit = "percent", "%"
        info = parse_unit("%")
    elif unit_text[:1] == "‰":
        kind, used_unit = "percent", "‰"
        info = parse_unit("‰")
    elif unit_text:
        info, used_unit = _split_unit(unit_text)
    # calendar years and dates are not quantities of time
    after = norm[m.end("num"): m.end("num") + 1]
    if (
        decimals == 0
        and not mult_word
        and not exp
        and 1900 <= abs(value) <= 2100
        and (after in ("年", ".", "-", "/", "~", "～", "至", "—", "–") or unit_text.startswith("年"))
        and (not m.group("num2") or 1900 <= _to_float(m.group("num2")) <= 2100)
    ):
        kind = "year"
        info, used_unit = None, ""
    if info is not None and info.symbol in ("月", "d") and not info.denominator and decimals == 0:
        before = norm[max(0, m.start("num") - 1): m.start("num")]
        if before in ("年", "月") or (info.symbol == "月" and re.match(r"\s*\d{1,2}\s*[日号]", norm[m.end():])):
            kind, info, used_unit = "date", None, ""
    if info is None and default_unit and kind == "number":
        info = parse_unit(default_unit)
        used_unit = ""
    factor = info.factor if info else 1.0
    unit_symbol = info.symbol if info else ""
    canonical_unit = info.canonical if info else ""
    if kind == "percent":
        unit_symbol = canonical_unit = used_unit
        factor = 1.0
    half = 0.5 * 10.0 ** (-decimals)
    v = value * scale
    low = (value - half) * scale * factor
    high = (value + half) * scale * factor
    if low > high:
        low, high = high, low
    range_high = None
    if m.group("num2"):
        try:
            range_high = _to_float(m.group("num2")) * scale * factor
        except ValueError:
            range_high = None
    pm = None
    if m.group("pm"):
        pm = _to_float(m.group("pm")) * scale * factor
    if m.group("unit") is not None and m.start("unit") < m.end("unit"):
        end_norm = m.start("unit") + len(used_unit) if (used_unit or kind == "percent") else m.start("unit")
    else:
        end_norm = m.end()
    while end_norm > m.start("num") and norm[end_norm - 1].isspace():
        end_norm -= 1
    start_norm = m.start("cmp") if m.group("cmp") else (m.start("sign") if sign else m.start("num"))
    span = (idx[start_norm], idx[end_norm] if end_norm < len(idx) else len(original))
    cmp_word = m.group("cmp")
    q = Quantity(
        raw=original[span[0]: span[1]].strip(),
        value=v,
        unit=unit_symbol if kind != "year" else "",
        canonical_value=v * factor,
        canonical_unit=canonical_unit,
        low=low,
        high=high,
        decimals=decimals,
        comparator=_CMP.get(cmp_word) if cmp_word else None,
        range_high=range_high,
        plus_minus=pm,
        kind=kind,
        span=span,
    )
    q.end_norm = end_norm
    return q


def find_quantities(text: str, default_unit: str | None = None) -> list[Quantity]:
    """Every number in a piece of prose, with its unit if one is written right after it."""
    if not text:
        return []
    # extractors read the same sentences and cells many times: parse once, hand out copies
    # (callers set ``locator`` on what they get)
    return [q.model_copy() for q in _find_quantities_cached(text, default_unit)]


@lru_cache(maxsize=50_000)
def _find_quantities_cached(text: str, default_unit: str | None) -> tuple[Quantity, ...]:
    return tuple(_find_quantities(text, default_unit))


def _find_quantities(text: str, default_unit: str | None = None) -> list[Quantity]:
    norm, idx = _nfkc_map(text)
    out = []
    pos = 0
    while pos < len(norm):
        m = _QTY_RE.search(norm, pos)
        if m is None:
            break
        # resume right after what was used: an unused unit group may hold the next number
        pos = max(m.end("num"), m.start() + 1)
        if not m.group("num"):
            continue
        # skip digits glued to Latin letters (model numbers like 'GB21900', 'CB-3'): not quantities
        s = m.start("num")
        if s > 0 and (norm[s - 1].isascii() and norm[s - 1].isalpha()):
            continue
        if s > 0 and norm[s - 1] in ".":
            continue
        q = _build(m, norm, idx, text, default_unit)
        if q is not None:
            out.append(q)
            pos = max(pos, q.end_norm)
    return out


_CELL_CLEAN = re.compile(r"^[\s*＊※#]+|[\s*＊※]+$")
_NOTE_RE = re.compile(r"[（(]\s*注\s*\d*\s*[）)]|[①-⑳]|注\d+$")
_EMPTY_CELL = {"", "-", "—", "——", "/", "／", "无", "—/—", "--", "…", "\\", "─", "未检出", "ND", "nd"}


def parse_quantity(text: str, default_unit: str | None = None) -> Quantity | None:
    """A table cell or a short value text that is ONE quantity (else None).

    ``default_unit`` comes from the column header ('用量(t/a)'); a unit written in the cell wins.
    """
    if text is None:
        return None
    q = _parse_quantity_cached(text, default_unit)
    return None if q is None else q.model_copy()


@lru_cache(maxsize=50_000)
def _parse_quantity_cached(text: str, default_unit: str | None) -> Quantity | None:
    return _parse_quantity(text, default_unit)


def _parse_quantity(text: str, default_unit: str | None = None) -> Quantity | None:
    if text is None:
        return None
    t = _CELL_CLEAN.sub("", _NOTE_RE.sub("", text))
    if t in _EMPTY_CELL:
        return None
    qs = find_quantities(t, default_unit)
    if len(qs) != 1:
        return None
    q = qs[0]
    rest = (t[: q.span[0]] + t[q.span[1]:]).strip() if q.span else ""
    # allow notes like '（注1）' or trailing unit words already consumed; reject other text
    rest = re.sub(r"[（(][^）)]*[）)]", "", rest).strip()
    if rest and not re.fullmatch(r"[，,。;；:：]*", rest):
        return None
    if q.kind == "year" and default_unit:
        return None
    return q


_HEADER_UNIT = [
    re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?([^（）()]{1,16}?)\s*[）)]\s*$"),
    re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?([^（）()]{1,16}?)\s*[）)]"),
    re.compile(r"单位\s*[:：]\s*([^\s，,；;）)]{1,16})"),
    re.compile(r"[/／]\s*([A-Za-z万亿千%‰μ³²㎡·\u4e00-\u9fff/.]{1,12})\s*$"),
]


def unit_from_header(header: str) -> str | None:
    """Unit written in a column header or caption: '用量(t/a)' → 't/a', '单位：万元' → '万元'."""
    if not header:
        return None
    h = unicodedata.normalize("NFKC", header)
    for pat in _HEADER_UNIT:
        for m in pat.finditer(h):
            cand = m.group(1).strip()
            u = parse_unit(cand)
            if u is not None and not u.annotation:
                return cand
            if u is not None and u.annotation and len(u.annotation) <= 4:
                return cand  # 'kWh/t产品'
    return None


# ---------------------------------------------------------------------------------------------
# interval arithmetic (Calculations 1.1 style)
# ---------------------------------------------------------------------------------------------
Interval = tuple[float, float]


def iv(q: Quantity | float | Interval) -> Interval:
    if isinstance(q, Quantity):
        return (q.low, q.high)
    if isinstance(q, tuple):
        return q
    return (float(q), float(q))


def iv_add(a: Interval, b: Interval) -> Interval:
    return (a[0] + b[0], a[1] + b[1])


def iv_sub(a: Interval, b: Interval) -> Interval:
    return (a[0] - b[1], a[1] - b[0])


def iv_sum(items: list[Interval]) -> Interval:
    lo = sum(x[0] for x in items)
    hi = sum(x[1] for x in items)
    return (lo, hi)


def iv_mul(a: Interval, b: Interval) -> Interval:
    c = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return (min(c), max(c))


def iv_div(a: Interval, b: Interval) -> Interval | None:
    if b[0] <= 0 <= b[1]:
        return None
    c = [a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1]]
    return (min(c), max(c))


def iv_overlap(a: Interval, b: Interval, rel_tol: float = 0.0, abs_tol: float = 0.0) -> bool:
    """True when the intervals, each widened by the tolerance, overlap: honest rounding never fires."""
    widen_a = max(abs_tol, rel_tol * max(abs(a[0]), abs(a[1])))
    widen_b = max(abs_tol, rel_tol * max(abs(b[0]), abs(b[1])))
    return a[0] - widen_a <= b[1] + widen_b and b[0] - widen_b <= a[1] + widen_a


def fmt_number(x: float, decimals: int | None = None) -> str:
    """Format for messages: up to 4 significant decimals, no trailing zeros, thousands separators."""
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return str(x)
    if decimals is None:
        decimals = 2 if abs(x) >= 100 else 4
    s = f"{x:,.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s
