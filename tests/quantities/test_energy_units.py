"""Energy units convert through pint's dimensionality (MWh, GJ → kWh), so emission factors
written per MWh and per kWh meet."""

import pytest

from reviewer.quantities import find_quantities, parse_unit


@pytest.mark.parametrize(
    "unit,canonical,factor",
    [("MWh", "kWh", 1000.0), ("GJ", "kWh", 1e9 / 3.6e6), ("tCO2/MWh", "tCO2/kWh", 0.001), ("MW", "kW", 1000.0)],
)
def test_energy_units_reach_their_preferred_unit(unit, canonical, factor):
    info = parse_unit(unit)
    assert info.canonical == canonical
    assert info.factor == pytest.approx(factor)


def test_grid_factor_per_mwh_equals_per_kwh():
    a = find_quantities("0.5703 tCO2/MWh")[0]
    b = find_quantities("0.5703 kgCO2/kWh")[0]
    assert a.canonical_unit == b.canonical_unit == "tCO2/kWh"
    assert a.canonical_value == pytest.approx(b.canonical_value)
