"""The dose-response engine's shape: one set of rules for single and batched fits, an explicit
solver chain, immutable results, and statuses and censoring as string enums that print as the plain
strings."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from jakpersist.analysis import doseresponse as dr

DOSE = np.repeat(np.r_[0.0, np.geomspace(1.0, 10_000.0, 8)], 3)


def _curves(m: int = 40, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    le = rng.uniform(0.5, 3.5, m)
    return np.array([dr.ll4(DOSE, 0.05, 1.0, v, 1.2) + rng.normal(0, 0.06, DOSE.size) for v in le])


def test_statuses_and_censoring_are_the_former_strings_everywhere():
    assert [s.value for s in dr.Status] == [
        "ok",
        "above_range",
        "below_range",
        "flat",
        "non_monotone",
        "failed",
        "skipped",
    ]
    assert [c.value for c in dr.Censoring] == ["lower", "upper"]
    st = dr.Status.NON_MONOTONE
    assert st == "non_monotone" and str(st) == "non_monotone" and f"{st}" == "non_monotone"
    assert repr(st) == "'non_monotone'" and json.dumps({"s": st, "c": dr.Censoring.LOWER}) == (
        '{"s": "non_monotone", "c": "lower"}'
    )
    assert pd.DataFrame({"s": [dr.Status.OK]}).to_csv(index=False) == "s\nok\n"
    est = dr.Estimate(None, status="above_range", bound=10.0)
    assert est.status is dr.Status.ABOVE_RANGE and est.censored is dr.Censoring.LOWER
    with pytest.raises(ValueError):
        dr.Estimate(None, status="unknown")


def test_results_are_immutable():
    fit = dr.fit_curve(DOSE, _curves(1)[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.p_rise = 1.0
    assert dataclasses.replace(fit, name="other").name == "other" and fit.name == "curve"
    batch = dr.fit_curves(DOSE, _curves(3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        batch.theta = batch.theta * 2


def test_single_curve_rules_are_the_vectorised_rules_on_one_curve():
    Y = _curves()
    batch = dr.fit_curves(DOSE, Y)
    df = DOSE.size - 4
    sigma = np.sqrt(batch.rss / df)
    p_batch = dr.rise_test_batch(DOSE, Y, sigma, df=df)
    assert [dr.rise_test(DOSE, y, s, df=df) for y, s in zip(Y, sigma, strict=True)] == list(p_batch)
    assert [dr.monotone_violation(DOSE, y) for y in Y] == list(batch.monotone_violation)
    assert [
        dr.classify_curve(c, pf, pr)
        for c, pf, pr in zip(batch.converged, batch.p_flat, batch.p_rise, strict=True)
    ] == list(batch.status)
    fits = [dr.fit_curve(DOSE, y) for y in Y]
    assert [f.p_flat for f in fits] == [dr.f_test_flat(f)[1] for f in fits]


def test_the_solver_chain_is_explicit_and_checked():
    y = _curves(1)[0]
    default = dr.fit_curve(DOSE, y)
    assert default.converged and dr.CHAIN == ("bounded_lm", "minpack", "trf")
    # the batched solver converges here: the later solvers of the chain never run
    for chain in (("bounded_lm",), ("bounded_lm", "trf"), dr.CHAIN):
        assert np.array_equal(dr.fit_curve(DOSE, y, solvers=chain).theta, default.theta)
    for chain in (
        ("minpack",),
        ("trf",),
        ("minpack", "bounded_lm"),
    ):  # other solvers, the same optimum
        np.testing.assert_allclose(
            dr.fit_curve(DOSE, y, solvers=chain).theta, default.theta, rtol=1e-5, atol=1e-7
        )
    with pytest.raises(ValueError, match="solvers must be"):
        dr.fit_curve(DOSE, y, solvers=("newton",))
    with pytest.raises(ValueError, match="does not start with 'bounded_lm'"):
        dr.fit_curves(DOSE, y[None, :], solvers=("minpack",), refit_failed=False)
    only_batched = dr.fit_curves(DOSE, y[None, :], solvers=("bounded_lm",))
    assert np.array_equal(
        only_batched.theta, dr.fit_curves(DOSE, y[None, :], refit_failed=False).theta
    )


def test_one_curve_is_the_batched_fit_of_that_curve():
    Y = _curves(12, seed=5)
    batch = dr.fit_curves(DOSE, Y)
    for i, y in enumerate(Y):
        one = dr.fit_curve(DOSE, y)
        assert np.array_equal(one.theta, batch.theta[i]) and one.rss == batch.rss[i]
        assert one.status == batch.status[i] and one.converged == batch.converged[i]


def test_former_import_paths_still_work():
    from jakpersist.analysis import batchfit as bf
    from jakpersist.analysis.doseresponse import CurveFit, fit_curve, select_model  # noqa: F401

    assert bf.fit_curves is dr.fit_curves and bf.BatchFit is dr.BatchFit
