"""How one report is written: numbering, table layouts, units and scale, wording habits.

A style is drawn from its own seed, so a copied report can reuse another report's style (same
template) while its numbers differ, and the same facts can be written in different ways.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CN_DIGITS = "零一二三四五六七八九"


def cn_num(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CN_DIGITS[tens] + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass
class Style:
    numbering: str  # 'A' 第一章/1.1/1.1.1, 'B' 第1章/1.1/1.1.1, 'C' 1/1.1/1.1.1, 'D' 第一章/一、/（1）, 'E' 一、/（一）/1、
    caption: str  # 'dash' 表2-1 | 'dot' 表2.1 | 'global' 表1
    caption_space: bool
    phase_pre: str  # 预审核 | 预评估
    phase_audit: str  # 审核 | 评估
    sep: bool  # thousands separators
    elec_unit: str  # 万kWh | kWh
    gas_unit: str  # 万m³ | m³
    water_unit: str  # 万m³ | m³ | t
    money_low: str  # 万元 | 元
    years_layout: str  # cols | rows
    unit_place: str  # col | header | caption
    merged_headers: bool
    option_id: str  # 'F{n}' | 'QJ-{n:02d}' | '{n}' | 'C{n}'
    impl_transposed: bool
    focus_layout: str  # merged | flat
    auto_number: bool  # DOCX headings numbered by Word list numbering
    wps: bool  # WPS-like DOCX (localised style names, app.xml)
    textbox: bool
    long: bool  # 100+ pages with appendix tables
    cover_kind: int
    preface_title: str
    conclusion_title: str
    appendix: bool
    econ_transposed: bool
    coef_in_table: bool

    def opt_id(self, n: int) -> str:
        return self.option_id.format(n=n)


def draw_style(seed: int, long: bool = False) -> Style:
    rng = random.Random(f"{seed}-style")
    numbering = rng.choices("ABCDE", [5, 2, 2, 2, 1])[0]
    return Style(
        numbering=numbering,
        caption=rng.choices(["dash", "dot", "global"], [5, 2, 2])[0],
        caption_space=rng.random() < 0.25,
        phase_pre=rng.choice(["预审核", "预审核", "预评估"]),
        phase_audit="评估" if rng.random() < 0.3 else "审核",
        sep=rng.random() < 0.35,
        elec_unit=rng.choice(["万kWh", "万kWh", "kWh"]),
        gas_unit=rng.choice(["万m³", "m³", "m³"]),
        water_unit=rng.choice(["m³", "m³", "万m³", "t"]),
        money_low=rng.choice(["万元", "万元", "元"]),
        years_layout=rng.choice(["cols", "cols", "rows"]),
        unit_place=rng.choice(["col", "header", "caption"]),
        merged_headers=rng.random() < 0.5,
        option_id=rng.choice(["F{n}", "QJ-{n:02d}", "{n}", "C{n}", "F{n}"]),
        impl_transposed=rng.random() < 0.3,
        focus_layout=rng.choice(["merged", "flat"]),
        auto_number=numbering in "AB" and rng.random() < 0.3,
        wps=rng.random() < 0.3,
        textbox=rng.random() < 0.2,
        long=long,
        cover_kind=rng.randint(0, 2),
        preface_title=rng.choice(["前言", "前言", "概述", "总则"]),
        conclusion_title=rng.choice(["结论", "结论与建议", "审核结论"]),
        appendix=long or rng.random() < 0.6,
        econ_transposed=rng.random() < 0.4,
        coef_in_table=rng.random() < 0.6,
    )
