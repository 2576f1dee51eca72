"""Industry indicator tables (行业清洁生产评价指标体系的指标、权重、基准值) as validated data.

One file per indicator system and edition: ``knowledge/indicator_tables/<system-id>.table.yaml``,
where ``system`` is the id of the knowledge item that describes the system (``cpi-*``,
``hjt-*``). The ``.table.yaml`` suffix keeps these files apart from knowledge items (the item
loader skips this folder; ``tests/knowledge`` copies items by ``<id>.yaml``).

A table may be partial (only some rows could be sourced): ``complete: false`` plus ``missing``
says what is absent, and the scoring treats the absent weight as unknown rather than
renormalising it away silently. Every value copied from a reprint rather than the official
announcement carries ``verified: false``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reviewer.errors import ReviewerError

Direction = Literal["le", "ge", "qualitative"]
LEVELS = ("I", "II", "III")
SUFFIX = ".table.yaml"
WEIGHT_TOL = 0.005


class TableError(ReviewerError):
    """An indicator-table file is malformed or inconsistent."""

    code = "indicator_table"


class TableSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field("", description="where the values were read")
    note: str = Field("", description="what the source is and which rows it supports")


class Indicator(BaseModel):
    """One 二级指标 with its weight and I/II/III 基准值."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="indicator name as printed, without the '*' mark and footnote numbers")
    aliases: list[str] = Field(default_factory=list, description="other names reports use for the same indicator")
    unit: str = Field(description="unit as printed ('—' for qualitative indicators)")
    weight: float | None = Field(None, description="二级指标权重 ω_ij within its class; None when not sourced")
    weight_group: str | None = Field(
        None,
        description="indicators sharing one weight split equally over those that apply (the '0.8/n' notation):"
        " all members carry the same group id and the group's total weight in `weight`",
    )
    direction: Direction = Field(description="le: value ≤ 基准值 is better; ge: value ≥ 基准值; qualitative: text")
    I: float | str | None = Field(None,  # noqa: E741 (the level names as the tables print them)
                                   description="I级基准值 (number for le/ge, requirement text for qualitative)")
    II: float | str | None = Field(None, description="II级基准值")
    III: float | str | None = Field(None, description="III级基准值; None when the source cell was not readable")
    limiting: bool = Field(False, description="限定性指标 (marked '*' in the official table)")
    verified: bool = Field(False, description="True only when checked against the official announcement's annex")
    note: str = Field("", description="caveats: footnotes, unclear cells")

    def threshold(self, level: int) -> float | str | None:
        return (self.I, self.II, self.III)[level - 1]

    @model_validator(mode="after")
    def _levels_fit_direction(self) -> Indicator:
        values = [v for v in (self.I, self.II, self.III) if v is not None]
        if self.direction in ("le", "ge"):
            bad = [v for v in values if not isinstance(v, (int, float)) or isinstance(v, bool)]
            if bad:
                raise ValueError(f"{self.name}: quantitative indicator needs numeric 基准值, got {bad!r}")
            nums = [float(v) for v in values]
            # The 基准值 are nested: meeting I级 means meeting II级 and III级.
            ordered = sorted(nums) if self.direction == "le" else sorted(nums, reverse=True)
            if nums != ordered:
                raise ValueError(f"{self.name}: 基准值 {nums} are not nested for direction {self.direction}")
            from reviewer.quantities import parse_unit

            if parse_unit(self.unit) is None:
                raise ValueError(f"{self.name}: unit {self.unit!r} is not a known unit")
        return self


class IndicatorClass(BaseModel):
    """One 一级指标 with its weight w_i and its 二级指标."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="一级指标 name, e.g. '资源消耗指标'")
    weight: float = Field(description="一级指标权重 w_i")
    complete: bool = Field(True, description="False when some of the class's rows were not sourced")
    indicators: list[Indicator] = Field(default_factory=list)

    def weight_sum(self) -> float:
        """Σ ω_ij counting each weight group once."""
        total, groups = 0.0, set()
        for ind in self.indicators:
            if ind.weight is None:
                continue
            if ind.weight_group:
                if ind.weight_group in groups:
                    continue
                groups.add(ind.weight_group)
            total += ind.weight
        return total


class Grading(BaseModel):
    """The 清洁生产水平判定 conditions of the edition (indicator_systems.md §2.3–2.4)."""

    model_config = ConfigDict(extra="forbid")

    y_min_I: float = Field(85.0, description="Y_I needed for I级")
    y_min_II: float = Field(85.0, description="Y_II needed for II级")
    y_min_III: float = Field(100.0, description="Y_III needed for III级")
    limiting_at_claimed_level: bool = Field(True, description="all 限定性指标 must meet the claimed level")
    nonlimiting_min_for_I: int | None = Field(
        None, description="some newer systems (PCB) also require every non-limiting indicator at II级 or better for I级"
    )
    verified: bool = Field(False, description="True when the conditions were read in this system's own text")


class IndicatorTable(BaseModel):
    """One indicator table of a system (a system may have one table per product/process type)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="table reference as printed, e.g. '表1'")
    title: str = Field(description="table title as printed")
    applies_to: str = Field("", description="which plants/processes the table is for, e.g. '综合电镀'")
    complete: bool = Field(description="False when rows or classes are missing from the source")
    missing: list[str] = Field(default_factory=list, description="what is missing (classes, rows, footnotes)")
    classes: list[IndicatorClass]

    def indicators(self) -> list[tuple[IndicatorClass, Indicator]]:
        return [(c, i) for c in self.classes for i in c.indicators]


class IndicatorSystemTables(BaseModel):
    """One file: the tables of one industry indicator system edition."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="file id = file name without '.table.yaml'")
    system: str = Field(description="knowledge item id of the system, e.g. 'cpi-electroplating-2015'")
    title: str = Field(description="system title without 《》")
    industry: str = Field(description="industry code (reviewer.knowledge.industries)")
    edition: str = Field(description="edition as cited, e.g. '2015'")
    effective: date | None = Field(None, description="in force from (copy of the item's date; see its `unverified`)")
    replaces: list[str] = Field(default_factory=list, description="knowledge ids of documents it replaced")
    level_names: dict[str, str] = Field(
        default_factory=lambda: {"I": "国际清洁生产领先水平", "II": "国内清洁生产先进水平", "III": "国内清洁生产一般水平"},
        description="level labels the edition uses",
    )
    grading: Grading = Field(default_factory=Grading)
    verified: bool = Field(False, description="True only when every value was checked against the official annex")
    unverified: list[str] = Field(default_factory=list, description="what is unverified")
    source: list[TableSource] = Field(default_factory=list)
    notes: str = ""
    tables: list[IndicatorTable]

    @field_validator("level_names")
    @classmethod
    def _level_keys(cls, v: dict[str, str]) -> dict[str, str]:
        if set(v) != set(LEVELS):
            raise ValueError(f"level_names must have keys {LEVELS}")
        return v

    @model_validator(mode="after")
    def _weights(self) -> IndicatorSystemTables:
        for t in self.tables:
            class_sum = sum(c.weight for c in t.classes)
            if class_sum > 1 + WEIGHT_TOL:
                raise ValueError(f"{t.id}: class weights sum to {class_sum:g} > 1")
            if t.complete and abs(class_sum - 1) > WEIGHT_TOL:
                raise ValueError(f"{t.id}: complete table but class weights sum to {class_sum:g}")
            for c in t.classes:
                s = c.weight_sum()
                if s > 1 + WEIGHT_TOL:
                    raise ValueError(f"{t.id}/{c.name}: indicator weights sum to {s:g} > 1")
                if c.complete and abs(s - 1) > WEIGHT_TOL:
                    raise ValueError(f"{t.id}/{c.name}: complete class but indicator weights sum to {s:g}")
                if t.complete and not c.complete:
                    raise ValueError(f"{t.id}: complete table with incomplete class {c.name}")
                groups: dict[str, float | None] = {}
                for ind in c.indicators:
                    if ind.weight_group and groups.setdefault(ind.weight_group, ind.weight) != ind.weight:
                            raise ValueError(f"{t.id}/{c.name}: weight group {ind.weight_group} has unequal weights")
            if not t.complete and not t.missing:
                raise ValueError(f"{t.id}: partial table must list what is missing")
            names = [normalize_name(i.name) for _, i in t.indicators()]
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                raise ValueError(f"{t.id}: duplicate indicators {sorted(dup)}")
        return self


# ---------------------------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------------------------
_MARKS = re.compile(r"[*＊★☆※①②③④⑤⑥⑦⑧⑨⑩\s]|\((?:注|限定性)[^)]*\)|（(?:注|限定性)[^）]*）|注\d+")


def normalize_name(name: str) -> str:
    """Indicator name for matching: NFKC, no '*' marks, footnote numbers or whitespace."""
    import unicodedata

    t = unicodedata.normalize("NFKC", name)
    t = _MARKS.sub("", t)
    t = re.sub(r"\^?\d+\)?$", "", t) if re.search(r"[\u4e00-\u9fff]\^?\d\)?$", t) else t
    return t


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
def tables_dir(knowledge_dir: Path | str | None = None) -> Path:
    if knowledge_dir is None:
        from reviewer.settings import load_settings

        knowledge_dir = load_settings().paths.knowledge_dir
    return Path(knowledge_dir) / "indicator_tables"


def table_files(knowledge_dir: Path | str | None = None) -> list[Path]:
    d = tables_dir(knowledge_dir)
    return sorted(d.glob(f"*{SUFFIX}")) if d.is_dir() else []


def parse_table_file(path: Path) -> IndicatorSystemTables:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise TableError(f"指标表文件“{path}”无法读取：{exc}") from exc
    except yaml.YAMLError as exc:
        raise TableError(f"指标表文件“{path.name}”不是合法的 YAML：{exc}") from exc
    if not isinstance(raw, dict):
        raise TableError(f"指标表文件“{path.name}”的内容应为键值结构。")
    try:
        t = IndicatorSystemTables.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise TableError(f"指标表文件“{path.name}”字段不合规（{where}）：{first.get('msg')}", detail=str(exc)) from exc
    if path.name != f"{t.id}{SUFFIX}":
        raise TableError(f"指标表文件名“{path.name}”与其 id“{t.id}”不一致（应为 {t.id}{SUFFIX}）。")
    return t


_cache: dict[str, tuple[tuple, dict[str, IndicatorSystemTables]]] = {}


def load_tables(knowledge_dir: Path | str | None = None) -> dict[str, IndicatorSystemTables]:
    """All indicator-table files by id (cached on the files' mtimes)."""
    files = table_files(knowledge_dir)
    sig = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    key = str(tables_dir(knowledge_dir).resolve())
    hit = _cache.get(key)
    if hit and hit[0] == sig:
        return hit[1]
    out: dict[str, IndicatorSystemTables] = {}
    for p in files:
        t = parse_table_file(p)
        if t.id in out:
            raise TableError(f"指标表 id“{t.id}”重复（{p.name}）。")
        out[t.id] = t
    _cache[key] = (sig, out)
    return out


def validate_tables(knowledge_dir: Path | str | None = None) -> list[str]:
    """Problems found in the indicator-table files (empty list = all valid).

    Beyond the schema (weights, nesting of 基准值, known units, directions): the referenced
    knowledge item must exist and be an indicator system or a clean-production standard, and the
    industry must be a known industry code.
    """
    from reviewer.knowledge.industries import INDUSTRIES
    from reviewer.knowledge.loader import load_items

    problems: list[str] = []
    items = load_items(knowledge_dir)
    seen: set[str] = set()
    for p in table_files(knowledge_dir):
        try:
            t = parse_table_file(p)
        except TableError as exc:
            problems.append(str(exc))
            continue
        if t.id in seen:
            problems.append(f"{p.name}: 重复的 id {t.id}")
        seen.add(t.id)
        item = items.get(t.system)
        if item is None:
            problems.append(f"{p.name}: system“{t.system}”不是依据库中的条目")
        elif item.type not in ("indicator_system", "clean_production_standard"):
            problems.append(f"{p.name}: system“{t.system}”的类型是 {item.type}，应为指标体系或清洁生产标准")
        if t.industry not in INDUSTRIES:
            problems.append(f"{p.name}: 未知的行业代码“{t.industry}”")
        for r in t.replaces:
            if r not in items:
                problems.append(f"{p.name}: replaces 中的“{r}”不是依据库中的条目")
        for tab in t.tables:
            for _c, ind in tab.indicators():
                if ind.direction == "qualitative" and ind.unit not in ("—", "-", ""):
                    problems.append(f"{p.name}/{tab.id}/{ind.name}: 定性指标的单位应为“—”")
                if not t.verified and ind.verified and not t.source:
                    problems.append(f"{p.name}/{tab.id}/{ind.name}: 标为已核实但文件没有来源")
    return problems
