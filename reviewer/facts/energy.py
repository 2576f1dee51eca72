"""Energy facts: consumption by carrier with its standard-coal conversion, stated conversion
coefficients, the electricity basis (当量值 / 等价值), and CO2 accounting rows.

Tables are read by the meaning of their headers (TableView), whatever the column order:
a physical-quantity column (实物量 / 消耗量 / a year), an optional coefficient column
(折标系数) and a standard-coal column (折标准煤 / tce), possibly once per year; or the
transposed form (rows 实物量 / 折标系数 / 折标煤, one column per carrier).

Coefficients: GB/T 2589-2020 Annex values as commonly reproduced (domain.md §4.1; only the
electricity 0.1229 kgce/kWh and steam values are confirmed there). When the knowledge base
carries the standard's coefficient table (knowledge item ``std-gbt-2589-2020``) it is read
from there; otherwise the constants below are used.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from reviewer.document import Document, Locator
from reviewer.facts.sentences import cells_quote, doc_sentences, per_doc, row_quote, views
from reviewer.facts.sentences import clause_start as last_clause_start
from reviewer.facts.tables import TableView, is_total_label, norm, year_of
from reviewer.quantities import Quantity, find_quantities, parse_quantity, parse_unit

# ---------------------------------------------------------------------------------------------
# carriers
# ---------------------------------------------------------------------------------------------
# normalized carrier → aliases found in row labels (longest alias wins; one-character aliases
# must be the whole label, '电' in '电镀' is not electricity)
CARRIER_ALIASES: dict[str, list[str]] = {
    "电力": ["电力", "电", "用电", "用电量", "耗电", "耗电量", "外购电", "外购电力", "电能", "网电", "电量"],
    "原煤": ["原煤", "煤炭", "燃煤", "烟煤", "无烟煤", "动力煤", "褐煤", "煤"],
    "洗精煤": ["洗精煤", "精煤"],
    "焦炭": ["焦炭"],
    "原油": ["原油"],
    "燃料油": ["燃料油", "重油"],
    "汽油": ["汽油"],
    "煤油": ["煤油"],
    "柴油": ["柴油", "轻柴油", "0#柴油", "0号柴油"],
    "液化石油气": ["液化石油气", "液化气", "LPG"],
    "液化天然气": ["液化天然气", "LNG"],
    "天然气": ["天然气", "管道天然气", "管道燃气", "燃气", "CNG"],
    "焦炉煤气": ["焦炉煤气"],
    "蒸汽": ["蒸汽", "外购蒸汽", "蒸气", "饱和蒸汽"],
    "热力": ["热力", "外购热力", "热水", "热量"],
    "新水": ["新水", "新鲜水", "自来水", "取水", "水", "生产用水"],
    "软化水": ["软化水", "软水"],
    "除氧水": ["除氧水"],
    "压缩空气": ["压缩空气"],
    "氧气": ["氧气"],
    "生物质": ["生物质", "生物质燃料", "生物质成型燃料"],
}
_ALIAS_LIST = sorted(
    ((a, c) for c, al in CARRIER_ALIASES.items() for a in al), key=lambda x: len(x[0]), reverse=True
)
_LABEL_NOISE = re.compile(r"[（(][^）)]*[）)]|消耗量|消耗|用量|使用量|耗量|年用量|实物量|外购|合计|\s")


def carrier_of(label: str) -> str | None:
    """Normalized carrier name for a row label ('外购电力(万kWh)' → '电力'), or None."""
    raw = norm(label)
    if not raw:
        return None
    stripped = _LABEL_NOISE.sub("", raw) or raw
    for alias, carrier in _ALIAS_LIST:
        if len(alias) == 1:
            if stripped == alias:
                return carrier
            continue
        if alias in raw:
            return carrier
    return None


# ---------------------------------------------------------------------------------------------
# standard coefficients (kgce per unit as written)
# ---------------------------------------------------------------------------------------------
class StandardCoefficient(BaseModel):
    carrier: str
    value: float = Field(description="coefficient in kgce per `unit`")
    value_high: float | None = Field(None, description="upper end when the standard gives a range")
    unit: str = Field(description="physical unit, e.g. 'kWh', 'kg', 'm³', 'MJ'")
    basis: str = Field("当量值", description="当量值 or 等价值")
    note: str = ""
    verified: bool = Field(False, description="confirmed against a stored source (domain.md §4.1)")

    def canonical(self) -> tuple[float, float, str]:
        """(low, high, canonical unit) in tce per canonical physical unit."""
        u = parse_unit(f"kgce/{self.unit}")
        assert u is not None
        hi = self.value_high if self.value_high is not None else self.value
        return self.value * u.factor, hi * u.factor, u.canonical


# Fallback and complement of the knowledge item std-gbt-2589-2020 (``standard_coefficients()``
# merges both); kept here so the rules work without the knowledge directory.
_GBT2589_2020: list[StandardCoefficient] = [
    StandardCoefficient(carrier="电力", value=0.1229, unit="kWh", basis="当量值", note="3600 kJ/kWh", verified=True),
    StandardCoefficient(carrier="原煤", value=0.7143, unit="kg", note="20 908 kJ/kg"),
    StandardCoefficient(carrier="洗精煤", value=0.9000, unit="kg", note="26 344 kJ/kg"),
    StandardCoefficient(carrier="焦炭", value=0.9714, unit="kg", note="28 435 kJ/kg"),
    StandardCoefficient(carrier="原油", value=1.4286, unit="kg", note="41 816 kJ/kg"),
    StandardCoefficient(carrier="燃料油", value=1.4286, unit="kg", note="41 816 kJ/kg"),
    StandardCoefficient(carrier="汽油", value=1.4714, unit="kg", note="43 070 kJ/kg"),
    StandardCoefficient(carrier="煤油", value=1.4714, unit="kg", note="43 070 kJ/kg"),
    StandardCoefficient(carrier="柴油", value=1.4571, unit="kg", note="42 652 kJ/kg"),
    StandardCoefficient(carrier="液化石油气", value=1.7143, unit="kg", note="50 179 kJ/kg"),
    StandardCoefficient(carrier="天然气", value=1.1000, value_high=1.3300, unit="m³",
                        note="气田天然气 1.2143、油田天然气 1.3300，按实测热值可在此范围内"),
    StandardCoefficient(carrier="焦炉煤气", value=0.5714, value_high=0.6143, unit="m³"),
    StandardCoefficient(carrier="热力", value=0.03412, unit="MJ", note="34.12 kgce/GJ"),
    StandardCoefficient(carrier="蒸汽", value=0.0900, value_high=0.1300, unit="kg",
                        note="按蒸汽参数（焓值）折算；低压蒸汽 0.1286 kgce/kg", verified=True),
    StandardCoefficient(carrier="新水", value=0.0857, value_high=0.2571, unit="t",
                        note="耗能工质等价值；资料中有 0.0857 与 0.2571 两种取值"),
    StandardCoefficient(carrier="软化水", value=0.4857, unit="t"),
    StandardCoefficient(carrier="除氧水", value=0.9714, unit="t"),
    StandardCoefficient(carrier="压缩空气", value=0.0400, unit="m³"),
    StandardCoefficient(carrier="氧气", value=0.4000, unit="m³"),
]

# Electricity at 等价值 (primary energy per kWh supplied, year-specific): a plausibility range,
# not a standard value — documented as a rule parameter where it is used.
ELECTRICITY_EQUIVALENT_RANGE = (0.26, 0.41)  # kgce/kWh
ELECTRICITY_CALORIFIC = 0.1229  # kgce/kWh (当量值)

# Coefficients that vary with the fuel's measured heat value: a report may state its own.
VARIABLE_CARRIERS = {"原煤", "洗精煤", "天然气", "焦炉煤气", "蒸汽", "生物质", "液化天然气", "热力"}
# Plausible range (kgce per unit) for carriers whose coefficient depends on the fuel or steam
RANGE_FOR_VARIABLE: dict[str, tuple[float, float, str]] = {
    "原煤": (0.45, 1.0, "kg"),
    "洗精煤": (0.8, 1.0, "kg"),
    "天然气": (1.0, 1.4, "m³"),
    "蒸汽": (0.08, 0.14, "kg"),
    "生物质": (0.4, 0.7, "kg"),
    "液化天然气": (1.6, 1.8, "kg"),
    "焦炉煤气": (0.5, 0.65, "m³"),
}


@lru_cache(maxsize=1)
def _knowledge_coefficients() -> tuple[StandardCoefficient, ...] | None:
    """The coefficient table of the knowledge item std-gbt-2589-2020 (``data.coefficients``:
    carrier, unit, kgce_per_unit or kgce_per_unit_min/max, basis), one entry per carrier with the
    range of its values ('油田天然气' 1.3300 and '气田天然气' 1.2143 → 天然气 1.2143～1.3300)."""
    try:
        import yaml

        from reviewer.settings import REPO_ROOT
    except ImportError:  # pragma: no cover - pyyaml is a dependency
        return None
    root = Path(REPO_ROOT) / "knowledge"
    if not root.is_dir():
        return None
    for path in sorted(root.rglob("std-gbt-2589-2020*.y*ml")):
        try:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster when present
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
        except (OSError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue
        rows = (data.get("data") or {}).get("coefficients") if isinstance(data.get("data"), dict) else None
        rows = rows or data.get("coefficients")
        if not isinstance(rows, list):
            continue
        merged: dict[tuple[str, str], list] = {}
        for r in rows:
            if not isinstance(r, dict):
                continue
            carrier = carrier_of(str(r.get("carrier") or r.get("name") or ""))
            unit = str(r.get("unit") or "").replace("kgce/", "").replace("m3", "m³")
            vals = [r.get(k) for k in ("kgce_per_unit", "value", "kgce_per_unit_min", "kgce_per_unit_max")]
            nums = []
            for v in vals:
                try:
                    nums.append(float(v))
                except (TypeError, ValueError):
                    continue
            if not carrier or not unit or not nums or parse_unit(f"kgce/{unit}") is None:
                continue
            key = (carrier, unit)
            entry = merged.setdefault(key, [min(nums), max(nums), str(r.get("basis") or "当量值"),
                                            bool(r.get("verified"))])
            entry[0] = min(entry[0], *nums)
            entry[1] = max(entry[1], *nums)
        out = [StandardCoefficient(carrier=c, unit=u, value=lo, value_high=hi if hi != lo else None, basis=basis,
                                   verified=ver)
               for (c, u), (lo, hi, basis, ver) in merged.items()]
        if out:
            return tuple(out)
    return None


def standard_coefficients() -> list[StandardCoefficient]:
    """Knowledge-base values merged with the constants above: per carrier, the union of both
    ranges (the constants also hold values the domain notes record as in common use)."""
    kb = _knowledge_coefficients()
    if not kb:
        return list(_GBT2589_2020)
    own = {c.carrier: c for c in _GBT2589_2020}
    out = []
    for c in kb:
        mine = own.pop(c.carrier, None)
        if mine is not None and mine.unit == c.unit:
            lo = min(c.value, mine.value)
            hi = max(c.value_high or c.value, mine.value_high or mine.value)
            c = c.model_copy(update={"value": lo, "value_high": hi if hi != lo else None,
                                     "note": mine.note, "verified": c.verified or mine.verified})
        out.append(c)
    return [*out, *own.values()]


def standard_for(carrier: str) -> StandardCoefficient | None:
    for c in standard_coefficients():
        if c.carrier == carrier:
            return c
    return None


# ---------------------------------------------------------------------------------------------
# models
# ---------------------------------------------------------------------------------------------
class StatedCoefficient(BaseModel):
    """A conversion coefficient the report states (table cell or sentence)."""

    carrier: str
    quantity: Quantity = Field(description="the number as written, with its unit when written")
    per_unit: str | None = Field(None, description="physical unit the coefficient applies to, e.g. 'kWh'")
    kgce_per_unit: float | None = Field(None, description="value in kgce per `per_unit` when the unit is known")
    basis: str | None = Field(None, description="当量值 / 等价值 when the text says so")
    quote: str
    locator: Locator
    source: str = Field("table", description="table | prose")

    def tce_per_canonical(self) -> tuple[float, str] | None:
        """(tce per canonical physical unit, canonical unit) or None when the unit is unknown."""
        if self.per_unit is None or self.kgce_per_unit is None:
            return None
        u = parse_unit(f"kgce/{self.per_unit}")
        if u is None:
            return None
        return self.kgce_per_unit * u.factor, u.canonical.split("/", 1)[1]


class EnergyRow(BaseModel):
    """One carrier (or the total) in one period of a standard-coal conversion table."""

    carrier: str | None = Field(description="normalized carrier, None for an unrecognised label")
    label: str
    period: str | None = Field(None, description="year or None")
    amount: Quantity | None = Field(None, description="physical quantity, canonical unit")
    coefficient: StatedCoefficient | None = None
    tce: Quantity | None = Field(None, description="standard coal as stated")
    is_total: bool = False
    basis: str | None = Field(None, description="当量值/等价值 of this standard-coal column, if its header says")
    table: int | None = Field(None, description="table of the standard-coal number (None for prose)")
    block: int | None
    row: int | None = None
    amount_col: int | None = None
    coef_col: int | None = None
    tce_col: int | None = None
    quote: str
    locator: Locator


class EnergyTable(BaseModel):
    table: int
    block: int | None
    caption: str | None
    rows: list[EnergyRow]
    basis: str | None = Field(None, description="当量值/等价值 stated in the caption, headers or the note")
    basis_quote: str | None = None


class BasisStatement(BaseModel):
    """A sentence (or header) saying on which basis electricity is converted."""

    basis: str = Field(description="当量值 or 等价值")
    value: Quantity | None = Field(None, description="the coefficient stated with it, if any")
    kgce_per_kwh: float | None = None
    quote: str
    locator: Locator


class EnergyFacts(BaseModel):
    tables: list[EnergyTable] = Field(default_factory=list)
    coefficients: list[StatedCoefficient] = Field(default_factory=list, description="all stated coefficients")
    basis_statements: list[BasisStatement] = Field(default_factory=list)
    coefficient_citations: list[dict] = Field(
        default_factory=list, description="standard numbers cited where coefficients are given: {number, year, quote, locator}"
    )
    co2_rows: list[CO2Row] = Field(default_factory=list)


class CO2Row(BaseModel):
    """Activity × emission factor = emission, as one table row or sentence states it."""

    label: str
    activity: Quantity
    factor: Quantity
    emission: Quantity
    quote: str
    locator: Locator


# ---------------------------------------------------------------------------------------------
# header roles
# ---------------------------------------------------------------------------------------------
_COEF_H = re.compile(r"系数|折算率|折标率|热值折算")
_TCE_H = re.compile(r"折标|标煤|标准煤|tce|kgce|当量值|等价值|综合能耗")
_AMOUNT_H = re.compile(r"实物量|消耗量|消费量|用量|耗量|数量|使用量|购入量|年耗|年用|消耗|实物")
_UNIT_WORD = re.compile(r"单位")


_TOTAL_ENERGY = re.compile(r"综合能耗|综合能源消费|能源消费总量|总能耗|能耗总量")
_HEADER_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def header_years(tv: TableView) -> dict[int, int]:
    """{col: year} for headers that are a year ('2023年') or carry one ('2021年实物量',
    '2021年/折标煤（tce）'); the TableView only knows headers that are nothing but a year."""
    out = dict(tv.year_cols)
    for c, h in enumerate(tv.headers):
        if c in out:
            continue
        years = {int(m.group(1)) for m in _HEADER_YEAR.finditer(norm(h))}
        if len(years) == 1:
            out[c] = years.pop()
    return out


def _col_role(header: str) -> str | None:
    h = norm(header)
    last = h.split("/")[-1]
    if _UNIT_WORD.fullmatch(last) or last in ("计量单位",):
        return None
    if _COEF_H.search(last) or (_COEF_H.search(h) and not _TCE_H.search(last)):
        return "coef"
    if _TCE_H.search(last):
        return "tce"
    if _AMOUNT_H.search(last):
        return "amount"
    if year_of(last):
        return "year"
    return None


def _coal_unit(header: str, table_unit: str | None) -> str:
    """Unit of a standard-coal column: from its header when it is a coal or mass unit, else tce."""
    from reviewer.quantities import unit_from_header

    u = unit_from_header(header) or ""
    info = parse_unit(u) if u else None
    if info is not None and info.canonical == "tce":
        return u
    if info is not None and info.canonical == "t":  # '折标煤(t)' means tonnes of standard coal
        return {"t": "tce", "万t": "万tce", "kg": "kgce"}.get(info.symbol, "tce")
    if table_unit:
        ti = parse_unit(table_unit)
        if ti is not None and ti.canonical == "tce":
            return table_unit
    return "tce"


def _basis_in(text: str) -> str | None:
    t = norm(text)
    has_eq = "当量" in t
    has_ev = "等价" in t
    if has_eq and not has_ev:
        return "当量值"
    if has_ev and not has_eq:
        return "等价值"
    return None


def _coefficient_from_cell(
    carrier: str, cell: str, amount_unit: str | None, tv: TableView, row: int, col: int, basis: str | None
) -> StatedCoefficient | None:
    """A coefficient cell: '0.1229', '0.1229kgce/kWh', '1.229 tce/万kWh'. Units from the cell,
    the column header, or a '折标系数单位' column."""
    from reviewer.quantities import unit_from_header

    text = cell.strip()
    q = parse_quantity(text)
    if q is None:
        # header unit such as '折标系数(kgce/kWh)'
        hu = unit_from_header(tv.headers[col])
        q = parse_quantity(text, hu) if hu else None
        if q is None:
            return None
    if q.kind != "number" or q.value <= 0:
        return None
    per_unit, kgce = _coef_units(q)
    if per_unit is None:
        hu = unit_from_header(tv.headers[col])
        if hu:
            q2 = parse_quantity(f"{text}{hu}") if not q.unit else None
            if q2 is not None:
                per_unit, kgce = _coef_units(q2)
                if per_unit is not None:
                    q2.locator = q.locator
                    q = q2
    q.locator = tv.locator(row, col)
    return StatedCoefficient(
        carrier=carrier,
        quantity=q,
        per_unit=per_unit,
        kgce_per_unit=kgce,
        basis=basis,
        quote=row_quote(tv, row),
        locator=tv.locator(row, col),
        source="table",
    )


def _coef_units(q: Quantity) -> tuple[str | None, float | None]:
    """('kWh', 0.1229) for 0.1229 kgce/kWh or 1.229 tce/万kWh; (None, None) when no coal/x unit."""
    info = parse_unit(q.unit) if q.unit else None
    if info is None or not info.denominator or not info.canonical.startswith("tce/"):
        return None, None
    den = info.canonical.split("/", 1)[1]
    # kgce per canonical unit
    return den, q.value * info.factor * 1000.0


# ---------------------------------------------------------------------------------------------
# table extraction
# ---------------------------------------------------------------------------------------------
_ENERGY_WORDS = re.compile(r"折标|标煤|标准煤|tce|kgce|当量值|等价值|综合能耗|系数")


def _is_energy_table(tv: TableView) -> bool:
    # cheap test first: the caption, headers or row labels must speak of standard coal
    if not _ENERGY_WORDS.search(tv.table.to_text() + (tv.table.caption or "")):
        return False
    blob = tv.text_blob()
    roles = [_col_role(h) for h in tv.headers]
    if "tce" in roles:
        return True
    # transposed: labels such as 实物量 / 折标系数 / 折标准煤, carriers as column headers
    labels = [norm(tv.label(r)) for r in tv.table.body_rows() if carrier_of(tv.label(r)) is None]
    carriers = [c for c in (carrier_of(h) for h in tv.headers) if c]
    if len(carriers) >= 2 and any(_TCE_H.search(lab) for lab in labels) and \
            any(_AMOUNT_H.search(lab) for lab in labels):
        return True
    return bool(re.search(r"折标|标煤|标准煤", blob)) and "coef" in roles


def _column_groups(tv: TableView) -> list[dict]:
    """Groups of (amount, coef, tce) columns, one per period and basis (当量值 / 等价值 columns
    side by side). Coefficient columns without a year join every period."""
    roles = {c: _col_role(h) for c, h in enumerate(tv.headers)}
    years = header_years(tv)
    amounts: dict[int | None, int] = {}
    coefs: dict[tuple[int | None, str | None], int] = {}
    tces: dict[tuple[int | None, str | None], int] = {}
    for c, role in roles.items():
        if c in tv.seq_cols or c == tv.unit_col or c == tv.label_col or role is None:
            continue
        y = years.get(c)
        basis = _basis_in(tv.headers[c])
        if role == "coef":
            coefs.setdefault((y, basis), c)
        elif role == "tce":
            tces.setdefault((y, basis), c)
        elif role in ("amount", "year"):
            amounts.setdefault(y, c)
    out = []
    for (y, basis), tce_col in tces.items():
        g: dict = {"tce": tce_col, "year": y, "basis": basis}
        amount = amounts.get(y, amounts.get(None) if y is None or len(amounts) == 1 else None)
        if amount is not None:
            g["amount"] = amount
        for key in ((y, basis), (y, None), (None, basis), (None, None)):
            if key in coefs:
                g["coef"] = coefs[key]
                break
        out.append(g)
    return out


def _extract_table(tv: TableView, doc: Document) -> EnergyTable | None:
    if not _is_energy_table(tv):
        return None
    if len(tv.year_rows) >= 2 and not header_years(tv):
        return None  # years down the rows, carriers across: read as series (_split_table_rows)
    caption = tv.table.caption or ""
    note_basis = None
    note_quote = None
    for text in [caption, *tv.headers]:
        b = _basis_in(text) if ("电" in text or "折标" in text or "系数" in text or "标煤" in text) else None
        if b:
            note_basis, note_quote = b, text
            break
    groups = _column_groups(tv)
    rows: list[EnergyRow] = []
    if groups:
        rows = _rows_by_columns(tv, groups, note_basis)
    else:
        rows = _rows_transposed(tv, note_basis)
    if not rows:
        return None
    return EnergyTable(
        table=tv.table.index,
        block=tv.block.index if tv.block else None,
        caption=tv.table.caption,
        rows=rows,
        basis=note_basis,
        basis_quote=note_quote,
    )


def _rows_by_columns(tv: TableView, groups: list[dict], basis: str | None) -> list[EnergyRow]:
    out = []
    for r in tv.table.body_rows():
        label = tv.label(r)
        labels = tv.row_labels(r)
        total = any(is_total_label(x) for x in labels[:2]) or bool(_TOTAL_ENERGY.search(norm(label)))
        carrier = None if total else carrier_of(label)
        for g in groups:
            amount = None
            amount_unit = None
            if "amount" in g:
                c = g["amount"]
                amount_unit = tv.row_unit(r) or tv.col_unit(c)
                amount = parse_quantity(tv.table.cell(r, c), amount_unit)
                if amount is not None and amount.kind != "number":
                    amount = None
                if amount is not None:
                    amount.locator = tv.locator(r, c)
            tce_col = g["tce"]
            tce = parse_quantity(tv.table.cell(r, tce_col), _coal_unit(tv.headers[tce_col], tv.table_unit))
            if tce is not None:
                if tce.kind != "number" or not tce.canonical_unit.startswith("tce"):
                    tce = None
                else:
                    tce.locator = tv.locator(r, tce_col)
            coef = None
            if "coef" in g and carrier:
                coef = _coefficient_from_cell(carrier, tv.table.cell(r, g["coef"]), amount_unit, tv, r,
                                              g["coef"], g.get("basis") or basis)
            if tce is None and amount is None:
                continue
            cols = [c for c in (g.get("amount"), g.get("coef"), tce_col) if c is not None]
            out.append(EnergyRow(
                carrier=carrier,
                label=label,
                period=str(g["year"]) if g.get("year") else None,
                amount=amount,
                coefficient=coef,
                tce=tce,
                is_total=total,
                basis=g.get("basis") or basis,
                table=tv.table.index,
                block=tv.block.index if tv.block else None,
                row=r,
                amount_col=g.get("amount"),
                coef_col=g.get("coef"),
                tce_col=tce_col,
                quote=_row_quote(tv, r, cols),
                locator=tv.locator(r, tce_col),
            ))
    return out


def _row_quote(tv: TableView, r: int, cols: list[int]) -> str:
    """The row label and the cells used (as one contiguous stretch of the row)."""
    lab = tv.label_col
    if cols and lab < min(cols):
        return cells_quote(tv, r, [lab, *cols])
    return cells_quote(tv, r, cols) if cols else row_quote(tv, r)


def _rows_transposed(tv: TableView, basis: str | None) -> list[EnergyRow]:
    """Rows are 实物量 / 折标系数 / 折标煤, columns are carriers (their unit in the header)."""
    role_rows: dict[str, int] = {}
    for r in tv.table.body_rows():
        if carrier_of(tv.label(r)) is not None:
            continue
        lab = norm(tv.label(r))
        if _COEF_H.search(lab):
            role_rows.setdefault("coef", r)
        elif _TCE_H.search(lab):
            role_rows.setdefault("tce", r)
        elif _AMOUNT_H.search(lab):
            role_rows.setdefault("amount", r)
    if "tce" not in role_rows:
        return []
    out = []
    for c in range(tv.table.n_cols):
        if c == tv.label_col or c in tv.seq_cols or c == tv.unit_col:
            continue
        header = tv.headers[c]
        total = is_total_label(header) or bool(_TOTAL_ENERGY.search(norm(header)))
        carrier = None if total else carrier_of(header)
        from reviewer.quantities import unit_from_header

        hu = unit_from_header(header)
        amount = None
        if "amount" in role_rows:
            amount = parse_quantity(tv.table.cell(role_rows["amount"], c), hu)
            if amount is not None:
                amount.locator = tv.locator(role_rows["amount"], c)
        tr = role_rows["tce"]
        tce = parse_quantity(tv.table.cell(tr, c), _coal_unit(tv.label(tr), tv.table_unit))
        if tce is not None and tce.canonical_unit.startswith("tce"):
            tce.locator = tv.locator(tr, c)
        else:
            tce = None
        coef = None
        if "coef" in role_rows and carrier:
            coef = _coefficient_from_cell(carrier, tv.table.cell(role_rows["coef"], c), hu, tv,
                                          role_rows["coef"], c, basis)
            if coef is not None:
                coef.quote = row_quote(tv, role_rows["coef"])
        if tce is None and amount is None:
            continue
        out.append(EnergyRow(
            carrier=carrier, label=header, period=None, amount=amount, coefficient=coef, tce=tce,
            is_total=total, table=tv.table.index, block=tv.block.index if tv.block else None,
            row=tr, amount_col=c, coef_col=c, tce_col=c,
            quote=row_quote(tv, tr), locator=tv.locator(tr, c),
        ))
    return out


# ---------------------------------------------------------------------------------------------
# coefficient tables (no standard-coal column) and prose
# ---------------------------------------------------------------------------------------------
def _coefficient_table(tv: TableView) -> list[StatedCoefficient]:
    roles = [_col_role(h) for h in tv.headers]
    if "coef" not in roles or "tce" in roles:
        return []
    coef_cols = [c for c, r in enumerate(roles) if r == "coef"]
    out = []
    for r in tv.table.body_rows():
        carrier = carrier_of(tv.label(r))
        if not carrier:
            continue
        for c in coef_cols:
            basis = _basis_in(tv.headers[c]) or _basis_in(" ".join(tv.row_labels(r)))
            unit_hint = tv.row_unit(r)
            sc = _coefficient_from_cell(carrier, tv.table.cell(r, c), unit_hint, tv, r, c, basis)
            if sc is None:
                continue
            if sc.per_unit is None and unit_hint:
                # a '单位' column holding the coefficient's unit ('kgce/kWh') or the carrier's ('kWh')
                ui = parse_unit(unit_hint)
                if ui is not None and ui.canonical.startswith("tce/"):
                    q2 = parse_quantity(f"{tv.table.cell(r, c).strip()}{unit_hint}")
                    if q2 is not None:
                        per, kg = _coef_units(q2)
                        if per:
                            sc.per_unit, sc.kgce_per_unit = per, kg
            out.append(sc)
    return out


_COEF_SENT = re.compile(r"折标|折算|标准煤|标煤|系数|当量值|等价值")


def _prose_coefficients(doc: Document) -> tuple[list[StatedCoefficient], list[BasisStatement]]:
    coefs: list[StatedCoefficient] = []
    bases: list[BasisStatement] = []
    for s in doc_sentences(doc, ("paragraph",)):
        if not _COEF_SENT.search(s.text):
            continue
        qs = [q for q in find_quantities(s.text) if q.unit and parse_unit(q.unit)
              and parse_unit(q.unit).canonical.startswith("tce/")]
        basis_here = None
        t = s.text
        for q in qs:
            per, kg = _coef_units(q)
            if per is None:
                continue
            before = t[: q.span[0]] if q.span else t
            carrier = None
            best = -1
            for alias, c in _ALIAS_LIST:
                if len(alias) == 1 and alias != "电":
                    continue
                i = before.rfind(alias)
                if i > best:
                    best, carrier = i, c
            # a unit per kWh is electricity whatever the wording
            if per == "kWh" and carrier not in ("电力", "热力"):
                carrier = "电力"
            if carrier is None:
                continue
            window = t[max(0, (q.span[0] if q.span else 0) - 20): (q.span[1] if q.span else len(t)) + 12]
            basis = _basis_in(window) or _basis_in(t)
            q.locator = s.block.locator(char_start=s.start, char_end=s.end)
            coefs.append(StatedCoefficient(carrier=carrier, quantity=q, per_unit=per, kgce_per_unit=kg,
                                           basis=basis, quote=s.text, locator=q.locator, source="prose"))
            if carrier == "电力" and basis:
                basis_here = basis
                bases.append(BasisStatement(basis=basis, value=q, kgce_per_kwh=kg, quote=s.text,
                                            locator=q.locator))
        if basis_here is None and "电" in t:
            b = _basis_in(t)
            if b:
                bases.append(BasisStatement(basis=b, quote=s.text,
                                            locator=s.block.locator(char_start=s.start, char_end=s.end)))
    return coefs, bases


_STD_CITE = re.compile(r"GB\s*/?\s*T\s*2589\s*[-—–－]\s*((?:19|20)\d{2})", re.I)


def _coefficient_citations(doc: Document) -> list[dict]:
    """Citations of GB/T 2589 (any edition) in sentences or captions about conversion."""
    out = []
    for s in doc_sentences(doc, ("paragraph", "heading")):
        for m in _STD_CITE.finditer(s.text):
            out.append({"number": m.group(0), "year": int(m.group(1)), "quote": s.text,
                        "coefficient_context": bool(_COEF_SENT.search(s.text)),
                        "locator": s.block.locator(char_start=s.start, char_end=s.end)})
    for b in doc.blocks:
        if b.table is None:
            continue
        for r, row in enumerate(b.table.rows):
            for c, cell in enumerate(row):
                for m in _STD_CITE.finditer(cell):
                    out.append({"number": m.group(0), "year": int(m.group(1)), "quote": cell.strip(),
                                "coefficient_context": True,
                                "locator": b.locator(row=r, col=c)})
    return out


# ---------------------------------------------------------------------------------------------
# CO2
# ---------------------------------------------------------------------------------------------
_CO2_FACTOR_H = re.compile(r"排放因子|排放系数")
_CO2_EMIS_H = re.compile(r"排放量|CO2|CO₂|二氧化碳")
_ACT_H = re.compile(r"活动数据|消耗量|用量|实物量|电量|活动水平")


def _co2_rows(tv: TableView) -> list[CO2Row]:
    hs = [norm(h) for h in tv.headers]
    fcol = next((c for c, h in enumerate(hs) if _CO2_FACTOR_H.search(h)), None)
    if fcol is None:
        return []
    ecol = next((c for c, h in enumerate(hs) if c != fcol and _CO2_EMIS_H.search(h) and "因子" not in h
                 and "系数" not in h), None)
    acol = next((c for c, h in enumerate(hs) if c not in (fcol, ecol) and _ACT_H.search(h)), None)
    if ecol is None or acol is None:
        return []
    from reviewer.quantities import unit_from_header

    out = []
    for r in tv.table.body_rows():
        if any(is_total_label(x) for x in tv.row_labels(r)[:2]):
            continue
        act = parse_quantity(tv.table.cell(r, acol), tv.row_unit(r) or unit_from_header(tv.headers[acol])
                             or tv.table_unit)
        fac = parse_quantity(tv.table.cell(r, fcol), unit_from_header(tv.headers[fcol]))
        eu = unit_from_header(tv.headers[ecol]) or "tCO2"
        if parse_unit(eu) is not None and parse_unit(eu).canonical == "t":
            eu = {"t": "tCO2", "万t": "万tCO2", "kg": "kgCO2"}.get(parse_unit(eu).symbol, "tCO2")
        emi = parse_quantity(tv.table.cell(r, ecol), eu)
        if act is None or fac is None or emi is None or not fac.unit:
            continue
        for q, c in ((act, acol), (fac, fcol), (emi, ecol)):
            q.locator = tv.locator(r, c)
        out.append(CO2Row(label=tv.label(r), activity=act, factor=fac, emission=emi,
                          quote=_row_quote(tv, r, [acol, fcol, ecol]), locator=tv.locator(r, ecol)))
    return out


def _co2_prose(doc: Document) -> list[CO2Row]:
    """'外购电力356.8万kWh，排放因子取0.5703 tCO2/MWh，CO2排放量为2034.8 t' (any order)."""
    out = []
    for s in doc_sentences(doc, ("paragraph",)):
        t = s.text
        if not re.search(r"CO2|CO₂|二氧化碳|碳排放", t, re.I):
            continue
        qs = [q for q in find_quantities(t) if q.kind == "number" and not q.comparator]
        # the factor is known by its unit ('按0.5366 kgCO₂/kWh计'), with or without the word 排放因子
        factors = [q for q in qs if q.canonical_unit.startswith("tCO2/")]
        if len(factors) != 1:
            continue
        fac = factors[0]
        den = fac.canonical_unit.split("/", 1)[1]
        acts = [q for q in qs if q is not fac and q.canonical_unit.split("/")[0] == den
                and "/" not in q.canonical_unit.replace("/a", "")]
        emis = [q for q in qs if q is not fac and q.canonical_unit in ("tCO2", "tCO2/a")]
        if not emis:
            # tonnes written as 't': the first one after the factor that the text calls CO2
            for q in qs:
                if q is fac or not q.span or not fac.span or q.span[0] <= fac.span[1]:
                    continue
                if q.canonical_unit in ("t", "t/a") and re.search(r"CO2|CO₂|二氧化碳|碳", t[fac.span[1]: q.span[0]], re.I):
                    emis = [q]
                    break
        if len(acts) != 1 or len(emis) != 1:
            continue
        emi = emis[0]
        if emi.canonical_unit in ("t", "t/a"):
            # tonnes of CO2 written as 't'
            emi = emi.model_copy(update={"canonical_unit": "tCO2"})
        loc = s.locator()
        for q in (acts[0], fac, emi):
            q.locator = loc
        before = t[: acts[0].span[0]] if acts[0].span else ""
        label = re.split(r"[，,；;：:]", before)[-1].strip() or "CO2排放"
        label = re.sub(r"^(?:19|20)\d{2}\s*年(?:度)?", "", label).lstrip("企业全厂公司").strip() or label
        out.append(CO2Row(label=label[-16:], activity=acts[0], factor=fac, emission=emi,
                          quote=t, locator=loc))
    return out


# ---------------------------------------------------------------------------------------------
# physical amounts and standard coal in different tables, or in a sentence
# ---------------------------------------------------------------------------------------------
_NOT_AMOUNT_LABEL = re.compile(r"节约|节省|削减|减少|单位产品|单耗|万元|产值|占比|比例|系数")


def _is_coal_unit(unit: str | None) -> bool:
    info = parse_unit(unit) if unit else None
    return info is not None and info.canonical == "tce"


def _series(tv: TableView) -> list[tuple[str, str | None, list[tuple[int, int, int]], str]]:
    """(label, unit, [(year, row, col)], orientation) for each labelled series of a yearly table:
    rows with years as columns, or columns with years as rows ('年份 | 电力（万kWh） | 蒸汽（t）')."""
    from reviewer.quantities import unit_from_header

    out = []
    years = header_years(tv)
    if years:
        for r in tv.table.body_rows():
            out.append((tv.label(r), tv.row_unit(r), [(y, r, c) for c, y in years.items()], "row"))
    elif len(tv.year_rows) >= 2:
        for c in range(tv.n_cols):
            if c == tv.label_col or c in tv.seq_cols or c == tv.unit_col:
                continue
            header = tv.headers[c]
            unit = unit_from_header(header) or tv.table_unit
            out.append((header, unit, [(y, r, c) for r, y in tv.year_rows.items()], "col"))
    return out


def _split_table_rows(doc: Document, energy_tables: set[int]) -> list[EnergyRow]:
    """'近三年能源实物消耗量' (电力 | 万kWh | years) and '近三年能源消耗折标准煤' (电力折标煤 | tce | years)
    as two tables, in either orientation: pair each carrier's amount and standard coal by year."""
    amounts: dict[tuple[str, int], tuple[Quantity, TableView, int, int]] = {}
    coal: list[tuple[str, int, Quantity, TableView, int, int, str, str]] = []
    for tv in views(doc):
        if tv.table.index in energy_tables:
            continue
        for label, unit, cells, orient in _series(tv):
            carrier = carrier_of(label)
            if carrier is None or (_NOT_AMOUNT_LABEL.search(norm(label)) and not re.search(r"折标|标煤", label)):
                continue
            is_coal = re.search(r"折标|标煤|标准煤", label) is not None or _is_coal_unit(unit)
            for y, r, c in cells:
                cell = tv.table.cell(r, c)
                if is_coal:
                    q = parse_quantity(cell, unit if _is_coal_unit(unit) else "tce")
                    if q is not None and q.kind == "number" and q.canonical_unit == "tce":
                        q.locator = tv.locator(r, c)
                        coal.append((carrier, y, q, tv, r, c, label, orient))
                else:
                    q = parse_quantity(cell, unit or tv.col_unit(c))
                    if q is None or q.kind != "number" or not q.canonical_unit or "/" in q.canonical_unit.replace("/a", ""):
                        continue
                    q.locator = tv.locator(r, c)
                    amounts.setdefault((carrier, y), (q, tv, r, c))
    out = []
    for carrier, y, q, tv, r, c, label, orient in coal:
        hit = amounts.get((carrier, y))
        if hit is None:
            continue
        amount, atv, ar, ac = hit
        if atv is tv and (ar == r if orient == "row" else ac == c):
            continue
        quote = _row_quote(tv, r, [c]) if orient == "row" else cells_quote(tv, r, [tv.label_col, c])
        out.append(EnergyRow(
            carrier=carrier, label=label, period=str(y), amount=amount, coefficient=None, tce=q,
            table=tv.table.index, block=tv.block.index if tv.block else None, row=r, tce_col=c,
            quote=quote, locator=tv.locator(r, c),
        ))
    return out


_PROSE_COAL = re.compile(r"折合?标准?煤|折标煤|折合标煤")


_FORMULA = re.compile(
    r"(?P<a>\d[\d,，.]*\s*(?:万|千)?\s*(?:kWh|千瓦时|度|m³|m3|Nm³|立方米|t|吨|kg|GJ|MJ))\s*[×xX*]\s*"
    r"(?P<c>\d[\d.]*\s*(?:(?:kgce|tce|千克标准煤|吨标准煤|kg标准煤)\s*/\s*(?:万|千)?\s*(?:kWh|千瓦时|m³|m3|t|吨|kg|GJ|MJ))?)"
    r"\s*(?P<div>[÷/]\s*1000|×\s*10\s*[-−]\s*3)?\s*[=＝]\s*"
    r"(?P<t>\d[\d,，.]*\s*(?:万)?\s*(?:tce|kgce|吨标准煤|吨标煤|t标准煤|t))"
)


def _formula_rows(doc: Document) -> list[EnergyRow]:
    """'电力：356.8万kWh×1.229 tce/万kWh=438.51 tce', '原煤 1200 t × 0.7143 = 857.16 t' — a conversion
    written as a formula in a sentence or a cell."""
    out = []
    for s in doc_sentences(doc, ("paragraph",)):
        for m in _FORMULA.finditer(s.text):
            a = parse_quantity(m.group("a"))
            tq = parse_quantity(m.group("t").replace("吨标准煤", "tce").replace("吨标煤", "tce").replace("t标准煤", "tce"))
            if a is None or tq is None or a.kind != "number":
                continue
            if tq.canonical_unit in ("t", "t/a"):
                tq = parse_quantity(m.group("t").strip().rstrip("t") + "tce") or tq
            if not tq.canonical_unit.startswith("tce"):
                continue
            before = re.split(r"[，；;。、:：]|,(?!\d{3})", s.text[: m.start()].rstrip("：: "))[-1]
            carrier = carrier_of(before) or next((c for al, c in _ALIAS_LIST if len(al) >= 2 and al in before), None)
            if carrier is None:
                continue
            coef_text = m.group("c").strip()
            cq = parse_quantity(coef_text)
            if cq is None:
                continue
            if m.group("div") and not cq.unit:
                cq = parse_quantity(f"{coef_text} kgce/{a.unit.replace('万', '') or 'kg'}") or cq
            loc = s.locator()
            a.locator = tq.locator = cq.locator = loc
            per, kg = _coef_units(cq)
            coef = StatedCoefficient(carrier=carrier, quantity=cq, per_unit=per, kgce_per_unit=kg,
                                     quote=s.text, locator=loc, source="prose")
            out.append(EnergyRow(carrier=carrier, label=carrier, amount=a, coefficient=coef, tce=tq,
                                 block=s.block.index, quote=s.text, locator=loc))
    return out


def _prose_energy_rows(doc: Document) -> list[EnergyRow]:
    """'2023年公司用电量356.8万kWh，折标准煤438.51t' → one row."""
    out = []
    for s in doc_sentences(doc, ("paragraph",)):
        t = s.text
        for m in _PROSE_COAL.finditer(t):
            before = t[: m.start()]
            after = t[m.end(): m.end() + 24]
            coal_qs = [q for q in find_quantities(after) if q.kind == "number"]
            if not coal_qs:
                continue
            tq = coal_qs[0]
            if tq.span and after[: tq.span[0]].strip(" 为约：:") not in ("",):
                continue
            if tq.canonical_unit in ("t", "t/a"):
                tq = parse_quantity(tq.raw.replace("t", "tce", 1)) or tq
            if tq.canonical_unit.split("/")[0] != "tce":
                continue
            # the amount: the one physical quantity of the clause before '折标准煤'; an enumeration
            # ('节约蒸汽14195t、减少元明粉消耗135.8t，折合标准煤…') converts a sum, not one carrier
            trimmed = before.rstrip(" ，,")  # '用电量356.8万kWh，折标准煤…': the amount ends the previous clause
            clause_start = last_clause_start(trimmed, len(trimmed))
            amt = [q for q in find_quantities(trimmed[clause_start:]) if q.kind == "number" and q.canonical_unit
                   and q.canonical_unit.split("/")[0] in ("kWh", "m³", "t", "kJ")]
            if len(amt) != 1 or "、" in trimmed[clause_start:]:
                continue
            a = amt[0]
            if a.span:
                a.span = (a.span[0] + clause_start, a.span[1] + clause_start)
            words = before[: a.span[0]] if a.span else before
            clause = re.split(r"[，；;。、]|,(?!\d{3})", words)[-1]
            carrier = carrier_of(clause)
            if carrier is None:
                for alias, c in _ALIAS_LIST:
                    if len(alias) >= 2 and alias in clause:
                        carrier = c
                        break
            if carrier is None:
                continue
            m_year = re.search(r"((?:19|20)\d{2})\s*年", t)
            loc = s.locator()
            a.locator = loc
            tq.locator = loc
            out.append(EnergyRow(carrier=carrier, label=carrier, period=m_year.group(1) if m_year else None,
                                 amount=a, tce=tq, block=s.block.index, quote=t, locator=loc))
    return out


# ---------------------------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------------------------
def extract_energy(doc: Document) -> EnergyFacts:
    """Energy facts of a document (computed once per document; the rules and ``facts`` share them)."""
    return per_doc(doc, "energy", lambda: _extract_energy(doc))


def _extract_energy(doc: Document) -> EnergyFacts:
    facts = EnergyFacts()
    for tv in views(doc):
        et = _extract_table(tv, doc)
        if et is not None:
            facts.tables.append(et)
            facts.coefficients.extend(r.coefficient for r in et.rows if r.coefficient is not None)
            if et.basis and et.basis_quote:
                facts.basis_statements.append(BasisStatement(
                    basis=et.basis, quote=et.basis_quote,
                    locator=Locator(page=tv.block.page if tv.block else None,
                                    block=tv.block.index if tv.block else None, table=tv.table.index)))
        else:
            facts.coefficients.extend(_coefficient_table(tv))
        facts.co2_rows.extend(_co2_rows(tv))
    facts.co2_rows.extend(_co2_prose(doc))
    split = _split_table_rows(doc, {t.table for t in facts.tables}) + _prose_energy_rows(doc) + _formula_rows(doc)
    if split:
        facts.tables.append(EnergyTable(table=-1, block=None, caption="（跨表/正文）", rows=split))
        facts.coefficients.extend(r.coefficient for r in split if r.coefficient is not None)
    coefs, bases = _prose_coefficients(doc)
    facts.coefficients.extend(coefs)
    facts.basis_statements.extend(bases)
    for c in facts.coefficients:
        if c.carrier == "电力" and c.basis and c.source == "table":
            facts.basis_statements.append(BasisStatement(basis=c.basis, value=c.quantity,
                                                         kgce_per_kwh=c.kgce_per_unit, quote=c.quote,
                                                         locator=c.locator))
    facts.coefficient_citations = _coefficient_citations(doc)
    return facts


def implied_kgce_per_unit(row: EnergyRow) -> tuple[float, str] | None:
    """tce ÷ amount as kgce per canonical physical unit, e.g. (0.1229, 'kWh')."""
    if row.amount is None or row.tce is None or row.amount.canonical_value <= 0:
        return None
    unit = row.amount.canonical_unit.split("/")[0]
    if not unit:
        return None
    return row.tce.canonical_value * 1000.0 / row.amount.canonical_value, unit


def log_distance(a: float, b: float) -> float:
    if a <= 0 or b <= 0:
        return math.inf
    return abs(math.log10(a / b))


EnergyFacts.model_rebuild()


# ---------------------------------------------------------------------------------------------
# facts for the fact core (reviewer.facts.extract_facts calls ``facts(doc)``)
# ---------------------------------------------------------------------------------------------
_FACT_SUBJECT = {"电力": "电", "新水": "新鲜水"}


def facts(doc: Document) -> list:
    """Yearly consumption per carrier and the yearly total (综合能耗) from standard-coal conversion
    tables, as Facts — the year headers of these tables ('2023年实物量', '2023年折标煤（tce）')
    are not plain year columns, so the baseline extractor does not read them. Only table rows
    with a year; prose and cross-table pairs are left out (they repeat facts found elsewhere)."""
    from reviewer.facts import Fact, FactKey, block_section

    out = []
    energy = extract_energy(doc)
    for t in energy.tables:
        if t.table is None or t.table < 0:
            continue
        for row in t.rows:
            if not row.period or not row.period.isdigit():
                continue
            section, chapter = block_section(doc, row.block)
            items = []
            if row.is_total and row.tce is not None and row.basis != "等价值":
                items.append(("综合能耗", row.tce, row.tce_col))
            elif row.carrier and row.amount is not None:
                items.append((_FACT_SUBJECT.get(row.carrier, row.carrier), row.amount, row.amount_col))
            for subject, q, col in items:
                basis = q.canonical_unit
                loc = q.locator or row.locator
                out.append(Fact(
                    key=FactKey(subject=subject, aspect="consumption", period=row.period, scope="plant", basis=basis),
                    quantity=q, locator=loc, section=section, chapter=chapter, source="table", origin="energy",
                    label=row.label, quote=q.raw, confidence=0.9,
                ))
                del col
    return out
