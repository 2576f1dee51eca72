"""Fact model → report text (IR): the full 7-phase structure written with varied wording,
numbering, table layouts, units and scales.

Every figure is emitted as a keyed segment (see ir.py) so defects and labels can address it.
The wording deliberately varies paragraph by paragraph; nothing here is shaped to what a rule
looks for.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from evals.generator.industries import CARRIERS
from evals.generator.ir import Heading, NumFmt, PageBreak, Para, ReportDoc, Seg, Table, TextBox
from evals.generator.model import Facts, Option
from evals.generator.style import Style, cn_num

LEVEL_NAMES = {1: "I级（国际清洁生产领先水平）", 2: "II级（国内清洁生产先进水平）", 3: "III级（国内清洁生产一般水平）",
               0: "未达到III级"}
LEVEL_SHORT = {1: "I级", 2: "II级", 3: "III级", 0: "未达III级"}


def _decimals_for(values: Iterable[float]) -> int:
    dec = 0
    for v in values:
        s = f"{v:.4f}".rstrip("0").rstrip(".")
        if "." in s:
            dec = max(dec, len(s.split(".")[1]))
    return min(dec, 4)


class Renderer:
    def __init__(self, f: Facts, style: Style, wording_seed: int, chapter_seeds: dict[str, int] | None = None):
        self.f = f
        self.s = style
        self.wording_seed = wording_seed
        self.chapter_seeds = chapter_seeds or {}  # copied chapters reuse another report's wording
        self.rng = self._rng_for("cover")
        self.el: list = []
        self.ch = 0
        self.sec = 0
        self.sub = 0
        self.tab_in_ch = 0
        self.tab_global = 0
        self.chapter_key = ""
        self.ent = f.ent
        self.ind = f.industry

    def _rng_for(self, part: str) -> random.Random:
        return random.Random(f"{self.chapter_seeds.get(part, self.wording_seed)}-{part}-wording")

    # ---- low-level emitters --------------------------------------------------------------
    def pick(self, options: list):
        return self.rng.choice(options)

    def N(self, key: str, value: float, dec: int = 2, scale: float = 1.0, role: str = "", sep: bool | None = None) -> Seg:
        fmt = NumFmt(scale, dec, self.s.sep if sep is None else sep)
        return Seg(fmt.render(value), key=key, value=value, fmt=fmt, role=role)

    def T_(self, text: str, key: str | None = None) -> Seg:
        return Seg(text, key=key)

    def P(self, *parts, sid: str = "", style: str = "body") -> Para:
        segs: list[Seg] = []
        for p in parts:
            if p is None or p == "":
                continue
            if isinstance(p, Seg):
                segs.append(p)
            elif isinstance(p, list):
                segs.extend(x if isinstance(x, Seg) else Seg(str(x)) for x in p)
            else:
                segs.append(Seg(str(p)))
        para = Para(segs, style=style, sid=sid)
        self.el.append(para)
        return para

    def name_seg(self, short: bool = False) -> Seg:
        return Seg(self.ent.short if short else self.ent.name, key="ent.short" if short else "ent.name")

    def co(self) -> Seg:
        """How a report refers to the enterprise mid-text: 公司 / 企业 / short name."""
        r = self.rng.random()
        if r < 0.55:
            return Seg("公司")
        if r < 0.8:
            return Seg("企业")
        return Seg(self.ent.short, key="ent.short")

    # ---- headings --------------------------------------------------------------------------
    def chapter(self, key: str, title: str) -> None:
        self.ch += 1
        self.sec = self.sub = self.tab_in_ch = 0
        self.chapter_key = key
        self.rng = self._rng_for(key)
        n = self.ch
        num = {"A": f"第{cn_num(n)}章", "B": f"第{n}章", "C": f"{n}", "D": f"第{cn_num(n)}章", "E": f"{cn_num(n)}、"}[
            self.s.numbering]
        if self.el:
            self.el.append(PageBreak())
        self.el.append(Heading(1, num, title, chapter=key, auto=self.s.auto_number))

    def unnumbered(self, key: str, title: str) -> None:
        self.chapter_key = key
        self.rng = self._rng_for(key)
        self.sec = self.sub = self.tab_in_ch = 0
        if self.el:
            self.el.append(PageBreak())
        self.el.append(Heading(1, "", title, chapter=key))

    def section(self, title: str) -> None:
        self.sec += 1
        self.sub = 0
        if self.chapter_key in ("preface", "conclusion", "appendix"):
            num = f"{cn_num(self.sec)}、" if self.s.numbering != "E" else f"（{cn_num(self.sec)}）"
            self.el.append(Heading(2, num, title, chapter=self.chapter_key))
            return
        num = {"A": f"{self.ch}.{self.sec}", "B": f"{self.ch}.{self.sec}", "C": f"{self.ch}.{self.sec}",
               "D": f"{cn_num(self.sec)}、", "E": f"（{cn_num(self.sec)}）"}[self.s.numbering]
        self.el.append(Heading(2, num, title, chapter=self.chapter_key, auto=self.s.auto_number))

    def subsection(self, title: str) -> None:
        self.sub += 1
        if self.chapter_key in ("preface", "conclusion", "appendix"):
            self.el.append(Heading(3, f"（{self.sub}）", title, chapter=self.chapter_key))
            return
        num = {"A": f"{self.ch}.{self.sec}.{self.sub}", "B": f"{self.ch}.{self.sec}.{self.sub}",
               "C": f"{self.ch}.{self.sec}.{self.sub}", "D": f"（{self.sub}）", "E": f"{self.sub}、"}[self.s.numbering]
        self.el.append(Heading(3, num, title, chapter=self.chapter_key, auto=self.s.auto_number))

    # ---- tables -----------------------------------------------------------------------------
    def caption(self, title: str) -> str:
        self.tab_in_ch += 1
        self.tab_global += 1
        sp = " " if self.s.caption_space else ""
        if self.chapter_key == "appendix":
            return f"附表{self.tab_in_ch}{sp}{title}" if not sp else f"附表 {self.tab_in_ch} {title}"
        ch = self.ch if self.chapter_key.startswith("ch") else 0
        if self.s.caption == "global" or ch == 0:
            num = f"{self.tab_global}"
        elif self.s.caption == "dot":
            num = f"{ch}.{self.tab_in_ch}"
        else:
            num = f"{ch}-{self.tab_in_ch}"
        return f"表{sp}{num} {title}"

    def table(self, title: str, header: list[list[str]], body: list[list[Seg | str]], merges=None, note_above: str = "",
              note_below: str = "", tid: str = "", small: bool = False) -> Table:
        rows = [[c if isinstance(c, Seg) else Seg(str(c)) for c in r] for r in body]
        t = Table(self.caption(title), header, rows, merges or [], note_above, note_below, tid, small)
        self.el.append(t)
        return t

    # ---- units and scales -------------------------------------------------------------------
    def q_energy(self, key: str, carrier: str, value: float, role: str = "") -> tuple[Seg, str]:
        if carrier == "electricity":
            if self.s.elec_unit == "万kWh":
                return self.N(key, value, 2, 1e4, role), "万kWh"
            return self.N(key, value, 0, 1, role), "kWh"
        if carrier == "natural_gas":
            if self.s.gas_unit == "万m³":
                return self.N(key, value, 2, 1e4, role), "万m³"
            return self.N(key, value, 0, 1, role), "m³"
        if carrier == "diesel":
            return self.N(key, value, 1, 1, role), "t"
        return self.N(key, value, 0, 1, role), "t"

    def q_water(self, key: str, value: float, role: str = "", unit: str | None = None) -> tuple[Seg, str]:
        u = unit or self.s.water_unit
        if u == "万m³":
            dec = 2 if all(abs(v) % 100 == 0 for v in (value,)) else 3
            return self.N(key, value, dec, 1e4, role), "万m³"
        return self.N(key, value, 0, 1, role), u

    def q_money(self, key: str, wan: float, unit: str = "万元", role: str = "") -> Seg:
        if unit == "元":
            return self.N(key, wan, 0, 1e-4, role)
        return self.N(key, wan, 2, 1, role)

    def product_unit(self) -> tuple[str, float, int]:
        """(unit label, scale, decimals) used for production figures in this report."""
        u = self.ind.product.unit
        k = self.f.seed % 3
        if u == "m²":
            return ("万m²", 1e4, 1) if k else ("m²", 1, 0)
        if u == "t" and self.ind.key == "paper" and k == 0:
            return ("万t", 1e4, 2)
        if u == "kL":
            return ("千升", 1, 0) if k == 1 else ("kL", 1, 0)
        return (u, 1, 0)

    def q_prod(self, key: str, value: float, role: str = "") -> tuple[Seg, str]:
        u, scale, dec = self.product_unit()
        return self.N(key, value, dec, scale, role), u

    def year_label(self, y: int) -> str:
        return f"{y}年"

    # ---- generic year table --------------------------------------------------------------------
    def year_table(self, title: str, items: list[tuple[str, str, dict[int, Seg]]], tid: str, total: tuple[str, str, dict[int, Seg]] | None = None,
                   first_col: str = "名称", extra_cols: list[tuple[str, list[str]]] | None = None, note_below: str = "",
                   force_unit_col: bool = False) -> Table:
        """items: (label, unit, {year: Seg}); layouts: years as columns or rows; unit in a column, in the
        header or in the caption note (only when all units agree)."""
        years = self.f.years
        units = {u for _, u, _ in items}
        place = self.s.unit_place
        if place == "caption" and len(units) > 1:
            place = "col"
        if force_unit_col:
            place = "col"
        rows_all = items + ([total] if total else [])
        if self.s.years_layout == "rows" and not extra_cols and len(items) <= 7:
            header_cells = ["年份"]
            for label, unit, _ in rows_all:
                header_cells.append(label if place == "caption" else f"{label}（{unit}）")
            body = []
            for y in years:
                body.append([Seg(self.year_label(y))] + [vals[y] for _, _, vals in rows_all])
            note = f"单位：{next(iter(units))}" if place == "caption" else ""
            return self.table(title, [header_cells], body, note_above=note, tid=tid, note_below=note_below)
        merged = self.s.merged_headers
        head_top: list[str] = ["序号", first_col]
        if place == "col":
            head_top.append("单位")
        n_fixed = len(head_top)
        extra_cols = extra_cols or []
        if merged:
            grp = "年消耗量" if "消耗" in title else "年度数据"
            if place == "header" and len(units) == 1:
                grp = f"{grp}（{next(iter(units))}）"
            top = head_top + [grp] * len(years) + [c for c, _ in extra_cols]
            bottom = head_top + [self.year_label(y) for y in years] + [c for c, _ in extra_cols]
            merges = [(0, i, 1, i) for i in range(n_fixed)]
            merges.append((0, n_fixed, 0, n_fixed + len(years) - 1))
            merges += [(0, n_fixed + len(years) + k, 1, n_fixed + len(years) + k) for k in range(len(extra_cols))]
            header = [top, bottom]
        else:
            ylabels = [self.year_label(y) for y in years]
            if place == "header" and len(units) == 1:
                ylabels = [f"{lab}（{next(iter(units))}）" for lab in ylabels]
            header = [head_top + ylabels + [c for c, _ in extra_cols]]
            merges = []
        body = []
        for k, (label, unit, vals) in enumerate(rows_all):
            is_total = total is not None and k == len(rows_all) - 1
            lab = label if (place != "header" or len(units) == 1) else f"{label}（{unit}）"
            row = [Seg("" if is_total else str(k + 1)), Seg(lab)]
            if place == "col":
                row.append(Seg(unit))
            row += [vals[y] for y in years]
            for _, colvals in extra_cols:
                row.append(Seg(colvals[k] if k < len(colvals) else ""))
            body.append(row)
        note = f"单位：{next(iter(units))}" if place == "caption" else ""
        return self.table(title, header, body, merges, note_above=note, tid=tid, note_below=note_below)

    # ---- the whole report -----------------------------------------------------------------------
    def render(self) -> ReportDoc:
        from evals.generator import chapters

        chapters.cover(self)
        chapters.preface(self)
        if "ch1" not in self.f.omit:
            chapters.ch1(self)
        chapters.ch2(self)
        chapters.ch3(self)
        chapters.ch4(self)
        if "ch5" not in self.f.omit:
            chapters.ch5(self)
        chapters.ch6(self)
        if "ch7" not in self.f.omit:
            chapters.ch7(self)
        chapters.conclusion(self)
        if self.s.appendix:
            chapters.appendix(self)
        if self.s.textbox:
            self._insert_textbox()
        meta = {
            "title": f"{self.ent.name}清洁生产审核报告",
            "author": self.f.agency.auditors[0][0],
            "company": self.f.agency.name,
            "application": "WPS Office" if self.s.wps else "Microsoft Office Word",
            "created": f"{self.f.report_year}-{self.f.report_month:02d}-{self.f.seed % 27 + 1:02d}T09:30:00Z",
        }
        return ReportDoc(self.el, meta)

    def _insert_textbox(self) -> None:
        for i, e in enumerate(self.el):
            if isinstance(e, Table) and e.tid == "process_nodes":
                self.el.insert(i, TextBox(f"注：产污节点编号与附图工艺流程图一致（{self.ent.short}提供）"))
                return

    # ---- shared phrases --------------------------------------------------------------------------
    def opt_label(self, o: Option) -> str:
        return self.s.opt_id(int(o.id))

    def savings_text(self, o: Option, key_prefix: str = "") -> list:
        """'年节电12.35万kWh、节水1 200 m³' as segments (keys opt.<id>.save.<res>)."""
        parts: list = []
        names = {"electricity": "节电", "natural_gas": "节约天然气", "steam": "节约蒸汽", "coal": "节煤",
                 "diesel": "节约柴油", "water": "节水"}
        for res, q in o.savings.items():
            key = f"opt.{o.id}.save.{res}"
            if res in CARRIERS:
                seg, unit = self.q_energy(key, res, q)
                parts += [names[res], seg, unit]
            elif res == "water":
                seg, unit = self.q_water(key, q)
                parts += [names[res], seg, unit]
            else:
                raw = self.f.raws[int(res[3:])]
                parts += [f"减少{raw.name}消耗", self.N(key, q, _decimals_for([q]) or 1), "t"]
            parts.append("、")
        if parts:
            parts = ["年", *parts[:-1]]
        return parts
