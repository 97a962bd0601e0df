"""Verdicts are monotone in effect size, and no small design crashes the analysis.

Property tests (Hypothesis): at fixed noise and seed, a stronger effect never turns C1 "supported"
into "not supported", (a) for a simulated plate whose persistent curve is shifted 1x to 1,000x, and
(b) for the model's effect-strength parameters (``hetero_advantage`` 20 -> 1,000, ``partner_max``).
The package functions are called directly (the chapter's analysis and rule, without papermill) to
stay fast.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import jakpersist as jp
from jakpersist import assays, model
from jakpersist.analysis import doseresponse as dr
from jakpersist.analysis import gi50 as workflows
from jakpersist.claims.base import combine
from jakpersist.claims.c1_persistence import jak2_dependent_cut
from jakpersist.claims.rules import PersistenceRule

RULE = PersistenceRule()
DOSES = np.r_[0.0, 10000 / 3.0 ** np.arange(9, -1, -1)]
SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _decide(
    plate: pd.DataFrame, n_boot: int, seed: int, retained: float | None
) -> tuple[bool, float]:
    summary, fits, boots = workflows.fit_all_curves(
        plate, n_boot, np.random.default_rng(seed), profile=False
    )
    folds = workflows.fold_table(summary, fits, boots)
    pairs, bounds = workflows.folds_for_rule(folds)
    return combine(RULE.conditions(pairs, retained, bounds))


@functools.lru_cache(maxsize=None)
def plate_verdict(shift: float, seed: int, sd: float) -> bool:
    """C1 rule on a one-drug plate: naive LL4 (EC50 130 nM, Hill 1.2), persistent EC50 130 x
    ``shift``; the same well noise for every shift."""
    rng = np.random.default_rng(seed)
    x = np.repeat(DOSES, 3)
    noise = rng.normal(0, sd, (2, x.size))
    rows = []
    for pop, ec50, e in (("naive", 130.0, noise[0]), ("persistent", 130.0 * shift, noise[1])):
        y = dr.ll4(x, 0.05, 1.0, np.log10(ec50), 1.2) + e
        rows += [
            {"population": pop, "drug": "ruxolitinib", "dose_nM": d, "viability": v}
            for d, v in zip(x, y, strict=False)
        ]
    return _decide(pd.DataFrame(rows), 20, seed + 1, None)[0]


@given(
    seed=st.integers(0, 10_000),
    sd=st.sampled_from([0.03, 0.06, 0.1]),
    shifts=st.tuples(st.floats(0.0, 3.0), st.floats(0.0, 3.0)).map(sorted),
)
@example(seed=0, sd=0.05, shifts=[np.log10(8.0), 3.0])  # 8x and 1,000x
@settings(max_examples=8, **SETTINGS)
def test_stronger_plate_shift_never_weakens_c1(seed, sd, shifts):
    weak, strong = (10.0**s for s in shifts)
    if plate_verdict(weak, seed, sd):
        assert plate_verdict(strong, seed, sd), f"supported at {weak:.3g}x but not at {strong:.3g}x"


@functools.lru_cache(maxsize=None)
def model_verdict(hetero_advantage: float, partner_max: float, seed: int = 2012) -> bool:
    """C1 as the chapter computes it on the model (three drugs, pSTAT5 condition included), few
    resamples, with the drug-agnostic escape (trans_gating=0), where a large advantage pushes GI50s
    beyond the tested doses."""
    mp = jp.ModelParams.from_mapping(
        {"hetero_advantage": hetero_advantage, "partner_max": partner_max, "trans_gating": 0.0}
    )
    rng = np.random.default_rng(seed)
    _, persistent = model.persistent_state(mp, "ruxolitinib", 1000.0, days=42.0)
    naive = model.state_from_adaptation(0.0, mp)
    plate = assays.plate_viability(
        {"naive": naive, "persistent": persistent},
        list(jp.DRUGS),
        assays.dilution_series(10000.0, 10, 3.0),
        mp=mp,
        rng=rng,
        n_replicates=3,
        noise_sd=0.05,
        hours=72.0,
    )
    _, retained = jak2_dependent_cut(
        naive, persistent, "ruxolitinib", mp=mp
    )  # the chapter's JAK2-dependent cut
    return _decide(plate, 15, seed, retained)[0]


def test_hetero_advantage_200_supports_c1():
    assert model_verdict(200.0, 1.2)  # "not supported" before censored folds were carried through


@given(adv=st.tuples(st.floats(np.log10(20), 3.0), st.floats(np.log10(20), 3.0)).map(sorted))
@example(adv=[np.log10(20), 3.0])
@settings(max_examples=3, **SETTINGS)
def test_stronger_hetero_advantage_never_weakens_c1(adv):
    weak, strong = (round(10.0**a, 3) for a in adv)
    if model_verdict(weak, 1.2):
        assert model_verdict(strong, 1.2), (
            f"supported at hetero_advantage={weak} but not at {strong}"
        )


@given(pm=st.tuples(st.floats(1.2, 10.0), st.floats(1.2, 10.0)).map(sorted))
@example(pm=[1.2, 10.0])
@settings(max_examples=2, **SETTINGS)
def test_more_partner_never_weakens_c1(pm):
    weak, strong = (round(p, 3) for p in pm)
    if model_verdict(20.0, weak):
        assert model_verdict(20.0, strong), f"supported at partner_max={weak} but not at {strong}"


# -- item 5: no small design crashes ---------------------------------------------------------------
@st.composite
def small_designs(draw):
    n_doses = draw(st.integers(1, 5))
    wells = draw(st.integers(1, 3))
    vehicle = draw(st.booleans())
    doses = sorted(
        draw(
            st.lists(
                st.sampled_from(list(DOSES[1:])), min_size=n_doses, max_size=n_doses, unique=True
            )
        )
    )
    x = np.repeat(np.r_[[0.0] if vehicle else [], doses], wells)
    ys = [
        draw(st.lists(st.floats(-0.2, 1.5, allow_nan=False), min_size=x.size, max_size=x.size))
        for _ in range(2)
    ]
    rows = [
        {"population": pop, "drug": "ruxolitinib", "dose_nM": d, "viability": v}
        for pop, y in zip(("naive", "persistent"), ys, strict=False)
        for d, v in zip(x, y, strict=False)
    ]
    return pd.DataFrame(rows)


@given(plate=small_designs())
@settings(max_examples=25, **SETTINGS)
def test_small_designs_give_a_verdict_or_a_message_naming_the_curve(plate):
    try:
        verdict, margin = _decide(plate, 5, 0, None)
    except ValueError as exc:
        assert "/ ruxolitinib" in str(exc) and ("dose" in str(exc) or "wells" in str(exc))
        return
    assert isinstance(verdict, bool)
    assert not np.isnan(margin)
