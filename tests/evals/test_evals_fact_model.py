"""The clean fact model is consistent; each model-level defect breaks the identity it targets."""

from __future__ import annotations

import random

import pytest

from evals.generator.build import draw_facts
from evals.generator.industries import INDUSTRIES
from evals.generator.inject import MODEL_INJECTORS, NotApplicable
from evals.generator.selfcheck import check

SEEDS = [1, 7, 23, 101]


@pytest.mark.parametrize("industry", sorted(INDUSTRIES))
@pytest.mark.parametrize("seed", SEEDS)
def test_clean_model_is_consistent(industry, seed):
    f = draw_facts(seed, INDUSTRIES[industry])
    assert check(f) == []
    assert len(f.years) == 3 and f.years[-1] == f.report_year - 1
    assert f.focus.totals[f.focus.chosen] == max(f.focus.totals)
    assert all(t.met and t.claimed_met for t in f.targets)
    assert 10 <= len(f.options) <= 40 and any(o.cls == "high" for o in f.options)


def test_real_places_and_fictional_names():
    from evals.generator.places import all_places

    places = all_places()
    assert len(places) > 2000  # the cpca division table, not the fallback list
    f = draw_facts(5, INDUSTRIES["dyeing"])
    p = f.ent.place
    assert (p.province, p.city, p.county) in {(x.province, x.city, x.county) for x in places}
    assert f.ent.name.endswith("公司") and f.agency.name != f.ent.name


# defect types whose injection must be visible to the self-check (the others edit text or layout)
IDENTITY_TYPES = [t for t in MODEL_INJECTORS if t not in ("BPL_GENERIC",)]


@pytest.mark.parametrize("dtype", IDENTITY_TYPES)
def test_model_defect_breaks_an_identity(dtype):
    broke = 0
    for seed in range(12):
        ind = INDUSTRIES[sorted(INDUSTRIES)[seed % len(INDUSTRIES)]]
        f = draw_facts(seed, ind)
        try:
            MODEL_INJECTORS[dtype](f, random.Random(seed), set())
        except (NotApplicable, IndexError, ValueError):
            continue
        assert check(f), f"{dtype} injected on seed {seed} but the self-check found nothing"
        broke += 1
        if broke >= 2:
            break
    assert broke, f"{dtype} was never applicable"


def test_economics_match_numpy_financial():
    import numpy_financial as npf

    f = draw_facts(3, INDUSTRIES["paper"])
    for o in f.options:
        if o.econ is None:
            continue
        e = o.econ
        npv = npf.npv(e.rate / 100, [-e.invest] + [e.cash_flow] * e.life)
        assert abs(npv - e.npv) < 0.02
        assert abs(e.invest / e.cash_flow - e.payback) < 0.006
        assert e.feasible and e.npv > 0 and e.irr > e.rate
