"""Quantity parsing as Chinese reports write numbers; intervals from written precision."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.quantities import (
    convert,
    find_quantities,
    iv_overlap,
    iv_sub,
    iv_sum,
    parse_quantity,
    parse_unit,
    unit_from_header,
)


@pytest.mark.parametrize(
    "text, value, canonical_value, canonical_unit",
    [
        ("1,234.5 t", 1234.5, 1234.5, "t"),
        ("1，234 t", 1234, 1234, "t"),
        ("1.2万t", 12000, 12000, "t"),
        ("1.2万吨/年", 12000, 12000, "t/a"),
        ("450万kWh", 4_500_000, 4_500_000, "kWh"),
        ("450万千瓦时", 4_500_000, 4_500_000, "kWh"),
        ("36.8万元", 368_000, 36.8, "万元"),
        ("2,345 kgce", 2345, 2.345, "tce"),
        ("120.5吨标准煤", 120.5, 120.5, "tce"),
        ("１２３．４ kWh", 123.4, 123.4, "kWh"),
        ("1.2×10⁴ m³/a", 12000, 12000, "m³/a"),
        ("3.2E4 t", 32000, 32000, "t"),
        ("850 kg/d", 850, 0.85, "t/d"),
        ("12 mg/m³", 12, 12, "mg/m³"),
        ("0.12 g/L", 0.12, 120, "mg/L"),
        ("56.3 m3/t产品", 56.3, 56.3, "m³/t"),
        ("2.6万立方米", 26000, 26000, "m³"),
        ("-5.2%", -5.2, -5.2, "%"),
    ],
)
def test_find_single_quantity(text, value, canonical_value, canonical_unit):
    qs = find_quantities(text)
    assert len(qs) == 1, qs
    q = qs[0]
    assert math.isclose(q.value, value, rel_tol=1e-9)
    assert math.isclose(q.canonical_value, canonical_value, rel_tol=1e-9)
    assert q.canonical_unit == canonical_unit


def test_precision_interval_from_written_digits():
    q = parse_quantity("12.3")
    assert (round(q.low, 9), round(q.high, 9)) == (12.25, 12.35)
    q = parse_quantity("1.2万t")
    assert (q.low, q.high) == (11500, 12500)
    q = parse_quantity("1200", "t")
    assert (q.low, q.high) == (1199.5, 1200.5)


def test_comparators_ranges_and_tolerances():
    q = parse_quantity("≤40")
    assert q.comparator == "<=" and q.value == 40
    q = parse_quantity("不大于 8 L/m²")
    assert q.comparator == "<="
    q = find_quantities("排放浓度10~20 mg/L")[0]
    assert q.value == 10 and q.range_high == 20 and q.canonical_unit == "mg/L"
    q = find_quantities("12.3±0.5 t")[0]
    assert q.plus_minus == 0.5


def test_years_and_dates_are_not_durations():
    qs = find_quantities("2023年5月12日完成，回收期4.2年")
    kinds = [(q.kind, q.canonical_unit) for q in qs]
    assert kinds[0] == ("year", "")
    assert ("date", "") in kinds
    assert kinds[-1] == ("number", "a")
    q = find_quantities("基准期为2022-2024年")[0]
    assert q.kind == "year" and q.range_high == 2024


def test_prose_with_several_numbers_keeps_spans():
    text = "COD浓度由120mg/L降至80 mg/L，削减33.3%，年削减量1.52 t"
    qs = find_quantities(text)
    assert [q.raw for q in qs] == ["120mg/L", "80 mg/L", "33.3%", "1.52 t"]
    for q in qs:
        assert text[q.span[0]: q.span[1]] == q.raw


def test_words_that_look_like_units_are_not():
    assert find_quantities("从3方面分析")[0].unit == ""
    assert find_quantities("GB21900-2008") == []
    assert find_quantities("共12个月")[0].unit == "月"


def test_cell_parsing_rejects_text_cells():
    assert parse_quantity("达标") is None
    assert parse_quantity("—") is None
    assert parse_quantity("12.5（注1）", "t").value == 12.5
    assert parse_quantity("约12 t，另有") is None
    assert parse_quantity("1,234.5", "t/a").canonical_unit == "t/a"


def test_units_from_headers():
    assert unit_from_header("用量(t/a)") == "t/a"
    assert unit_from_header("投资（万元）") == "万元"
    assert unit_from_header("单位：万kWh") == "万kWh"
    assert unit_from_header("耗电量/万kWh") == "万kWh"
    assert unit_from_header("序号") is None


def test_time_bases_are_never_converted():
    assert parse_unit("t/d").canonical != parse_unit("t/a").canonical
    with pytest.raises(ValueError):
        convert(1, "t/d", "t/a")
    assert convert(1, "万t", "kg") == 10_000_000
    assert convert(3, "kgce", "tce") == pytest.approx(0.003)


def test_interval_arithmetic_tolerates_honest_rounding():
    # 12.3 + 4.56 written as 16.9 is honest rounding; 17.0 is not
    total = iv_sum([parse_quantity("12.3").interval, parse_quantity("4.56").interval])
    assert iv_overlap(total, parse_quantity("16.9").interval)
    assert not iv_overlap(total, parse_quantity("17.0").interval)
    diff = iv_sub(parse_quantity("120").interval, parse_quantity("80").interval)
    assert iv_overlap(diff, parse_quantity("40").interval)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"0123456789.,，万亿%‰~-—±tkgm³/aL元ce年月日 ×^Ee度方吨标准煤", "kWh", "万元"]), max_size=40).map("".join))
def test_never_crashes_on_number_like_noise(s):
    for q in find_quantities(s):
        assert q.low <= q.high or math.isnan(q.low)
        assert 0 <= q.span[0] <= q.span[1] <= len(s)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_never_crashes_on_arbitrary_text(s):
    find_quantities(s)
    parse_quantity(s)
    unit_from_header(s)
