"""Batched log-logistic fits agree with the single-curve fit; the bootstrap runs through them."""

import numpy as np
import pytest

from jakpersist.analysis import batchfit as bf
from jakpersist.analysis import doseresponse as dr

DOSES = np.repeat(np.r_[0.0, 10000 / 3.0 ** np.arange(8, -1, -1)], 3)
LX = np.log10(DOSES[DOSES > 0])


def random_curves(m: int, seed: int):
    """Realistic random plates: well-posed, censored (EC50 beyond the top dose), noisy and flat
    curves."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(["well_posed", "censored", "noisy", "flat"], m, p=[0.5, 0.15, 0.15, 0.2])
    theta = np.c_[
        rng.uniform(0.0, 0.3, m),
        rng.uniform(0.9, 1.1, m),
        rng.uniform(LX.min() + 0.5, LX.max() - 0.5, m),
        rng.uniform(0.6, 2.5, m),
    ]
    theta[kind == "censored", 2] = rng.uniform(LX.max(), LX.max() + 1.0, (kind == "censored").sum())
    sd = np.where(kind == "noisy", 0.15, rng.uniform(0.0, 0.05, m))
    y = (
        np.array([dr.ll4(DOSES, *t) for t in theta])
        + rng.normal(0, 1, (m, DOSES.size)) * sd[:, None]
    )
    y[kind == "flat"] = 1.0 + rng.normal(0, 0.05, ((kind == "flat").sum(), DOSES.size))
    return kind, theta, y


@pytest.mark.parametrize("model", ["LL4", "LL3"])
def test_batched_fits_agree_with_fit_curve(model):
    kind, _, y = random_curves(300, seed=15)
    single = [dr.fit_curve(DOSES, row, model) for row in y]
    batch = bf.fit_curves(DOSES, y, model)
    np.testing.assert_array_equal(batch.status, [f.status for f in single])
    t1 = np.array([f.theta for f in single])
    lo, hi = (
        b[:4] for b in dr.search_bounds(DOSES)
    )  # LL4 part (the fifth bound is the hormesis term)
    interior = (
        np.all((t1 > lo + 1e-3) & (t1 < hi - 1e-3), axis=1)
        if model == "LL4"
        else np.all((t1[:, 1:] > lo[1:] + 1e-3) & (t1[:, 1:] < hi[1:] - 1e-3), axis=1)
    )
    good = (kind == "well_posed") & interior & (batch.status == "ok")
    assert good.sum() > 100
    np.testing.assert_allclose(batch.theta[good], t1[good], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(
        batch.rss[good], np.array([f.rss for f in single])[good], rtol=1e-6, atol=1e-12
    )
    cov1 = np.array([f.cov for f in single])[good]
    scale = np.abs(cov1).max(axis=(1, 2))[:, None, None]
    assert np.max(np.abs(batch.cov[good] - cov1) / scale) < 1e-4
    np.testing.assert_allclose(
        batch.p_flat[good], [f.p_flat for f in np.array(single)[good]], rtol=1e-6, atol=1e-300
    )


def test_noise_free_curves_recover_parameters():
    theta = np.array(
        [(0.05, 1.0, np.log10(231.6), 1.3), (0.2, 0.95, 3.1, 0.8), (-0.05, 1.1, 1.8, 2.5)]
    )
    y = np.array([dr.ll4(DOSES, *t) for t in theta])
    b = bf.fit_curves(DOSES, y)
    np.testing.assert_allclose(b.theta, theta, rtol=1e-6, atol=1e-9)
    assert list(b.status) == ["ok"] * 3


def test_curves_with_different_doses_padded_or_listed():
    rng = np.random.default_rng(4)
    d1, d2 = DOSES, np.repeat(np.r_[0.0, 3000 / 2.0 ** np.arange(6, -1, -1)], 2)
    y1 = dr.ll4(d1, 0.05, 1.0, 2.3, 1.2) + rng.normal(0, 0.03, d1.size)
    y2 = dr.ll4(d2, 0.1, 1.0, 2.0, 1.0) + rng.normal(0, 0.03, d2.size)
    dose, resp = bf.pad_curves([(d1, y1), (d2, y2)])
    assert dose.shape == (2, d1.size) and np.isnan(resp[1, d2.size :]).all()
    b = bf.fit_curves(dose, resp)
    for i, (d, y) in enumerate([(d1, y1), (d2, y2)]):
        f = dr.fit_curve(d, y)
        np.testing.assert_allclose(b.theta[i], f.theta, rtol=1e-6)
        assert b.n[i] == d.size and b.status[i] == f.status
        np.testing.assert_allclose(
            b.curve(i).gi50_absolute().value, f.gi50_absolute().value, rtol=1e-6
        )


def test_starting_values_bounds_and_monotone_violation_match_the_single_curve_code():
    kind, _, y = random_curves(50, seed=3)
    x, yy, valid = dr.prepare_curves(DOSES, y)
    lo, hi = dr.search_bounds_batch(x, valid)
    np.testing.assert_allclose(
        dr.start_values_batch(x, yy, valid), [dr.start_values(DOSES, r) for r in y]
    )
    np.testing.assert_allclose(lo, np.tile(dr.search_bounds(DOSES)[0][:4], (50, 1)))
    np.testing.assert_allclose(hi, np.tile(dr.search_bounds(DOSES)[1][:4], (50, 1)))
    np.testing.assert_allclose(
        dr.running_violation(x, yy, valid), [dr.monotone_violation(DOSES, r) for r in y]
    )


def test_analytic_jacobian_matches_finite_differences():
    theta = np.array([0.1, 0.9, 2.2, 1.4])
    eps = 1e-6
    fd = np.stack(
        [
            (dr.ll4(DOSES, *(theta + eps * e)) - dr.ll4(DOSES, *(theta - eps * e))) / (2 * eps)
            for e in np.eye(4)
        ],
        axis=1,
    )
    x, _, valid = dr.prepare_curves(DOSES, np.zeros((1, DOSES.size)))
    pos = valid & (x > 0)
    lx = np.where(pos, np.log10(np.where(pos, x, 1.0)), bf.ZERO_DOSE_LOG10)
    f, Jb = dr.ll4_batch(theta[None], lx, pos, jac=True, k=4)
    np.testing.assert_allclose(f[0], dr.ll4(DOSES, *theta), rtol=1e-13)
    np.testing.assert_allclose(Jb[0].T, fd, atol=1e-8)


def test_bootstrap_classifies_refits_like_single_fits():
    """The batched bootstrap classifies each refit with the single-curve rule (censored_log10 of
    gi50_absolute)."""
    _, _, y = random_curves(60, seed=8)
    b = bf.fit_curves(DOSES, y)
    for i in range(len(b)):
        c = b.curve(i)
        got = dr.censored_log10(c.gi50_absolute())
        want = dr.censored_log10(dr.fit_curve(DOSES, y[i], "LL4").gi50_absolute())
        if b.status[i] == "ok" and np.isfinite(want):
            np.testing.assert_allclose(got, want, rtol=1e-5)
        else:
            assert (np.isnan(got) and np.isnan(want)) or got == want or b.status[i] != "ok"


def test_bootstrap_is_deterministic_and_matches_one_fit_per_resample():
    truth = (0.05, 1.0, np.log10(231.6), 1.3)
    y = dr.ll4(DOSES, *truth) + np.random.default_rng(3).normal(0, 0.04, DOSES.size)
    fit = dr.fit_curve(DOSES, y)
    s1 = dr.bootstrap_log10_gi50(fit, 60, np.random.default_rng(1))
    s2 = dr.bootstrap_log10_gi50(fit, 60, np.random.default_rng(1))
    np.testing.assert_array_equal(s1, s2)
    # the loop the batched bootstrap replaced: same draws, one fit_curve per resample
    rng = np.random.default_rng(1)
    fitted = fit.predict(DOSES)
    resid = (y - fitted) * np.sqrt(fit.n / fit.df)
    resid -= resid.mean()
    ref = []
    for _ in range(60):
        f = dr.fit_curve(
            DOSES, fitted + rng.choice(resid, size=resid.size, replace=True), start=fit.theta
        )
        e = f.gi50_absolute()
        ref.append(
            np.log10(e.value)
            if e.ok
            else np.inf
            if e.status == "above_range"
            else -np.inf
            if e.status == "below_range"
            else np.nan
        )
    np.testing.assert_allclose(s1, ref, rtol=1e-7)


def test_bad_input_names_the_curve():
    with pytest.raises(ValueError, match="curve 1: .*at least 3 distinct"):
        bf.fit_curves([[0, 1, 2, 3], [0, 1, 1, 2]], [[1, 0.9, 0.6, 0.3], [1, 0.9, 0.9, 0.5]])
    with pytest.raises(ValueError, match="curve 0: doses must be >= 0"):
        bf.fit_curves([-1, 1, 2, 3], [[1, 0.9, 0.8, 0.5]])
    with pytest.raises(ValueError, match="model"):
        bf.fit_curves(DOSES, np.ones((1, DOSES.size)), "LL5")


def test_vectorised_rise_test_agrees_with_the_single_curve_test():
    _, _, y = random_curves(80, seed=21)
    sigma = np.full(len(y), 0.05)
    got = dr.rise_test_batch(DOSES, y, sigma, df=5)
    want = [dr.rise_test(DOSES, row, 0.05, df=5) for row in y]
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-15)


def _per_curve_log10_gi50(b: bf.BatchFit, kind: str) -> np.ndarray:
    out = []
    for i in range(len(b)):
        c = b.curve(i)
        est = (
            c.gi50_absolute(interval="none")
            if kind == "absolute"
            else c.gi50_relative(interval="delta")
        )
        out.append(dr.censored_log10(est))
    return np.array(out)


@pytest.mark.parametrize("model", ["LL4", "LL3"])
def test_vectorised_gi50_decision_equals_the_single_curve_rule(model):
    """BatchFit.log10_gi50 (what the bootstrap uses) gives what each refit's CurveFit gives, curve
    by curve, on every kind of curve: well-posed, censored above and below, flat above / below /
    across 50%, curves whose bottom stays above 50% or whose top starts below it, rising
    (non-monotone) and padded designs."""
    kind, _, y = random_curves(240, seed=21)
    rng = np.random.default_rng(5)
    extra = [np.full(DOSES.size, v) + rng.normal(0, 0.04, DOSES.size) for v in (0.3, 0.5, 0.8)]
    extra += [
        dr.ll4(DOSES, 0.6, 1.0, 2.0, 1.5) + rng.normal(0, 0.02, DOSES.size),  # never reaches 50%
        dr.ll4(DOSES, 0.05, 0.45, 2.0, 1.5) + rng.normal(0, 0.02, DOSES.size),  # starts below 50%
        dr.ll4(DOSES, 0.0, 1.0, LX.min() - 1.0, 1.0)
        + rng.normal(0, 0.02, DOSES.size),  # below range
        0.5 + 0.5 * np.log10(DOSES + 1) / 4 + rng.normal(0, 0.02, DOSES.size),
    ]  # rises with dose
    y = np.vstack([y, extra])
    b = bf.fit_curves(DOSES, y, model)
    for k in ("absolute", "relative"):
        got, want = b.log10_gi50(k), _per_curve_log10_gi50(b, k)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(np.isposinf(got), np.isposinf(want))
        np.testing.assert_array_equal(np.isneginf(got), np.isneginf(want))
        fin = np.isfinite(want)
        np.testing.assert_allclose(got[fin], want[fin], rtol=1e-12, atol=0)
        # the test covers every outcome
        assert fin.any() and np.isnan(want).any() and np.isposinf(want).any()
        if k == "absolute":
            assert np.isneginf(want).any()
            assert {"ok", "flat", "non_monotone"} <= set(b.status)
    # padded designs (curves with different doses in one call)
    d2 = np.repeat(np.r_[0.0, 3000 / 2.0 ** np.arange(6, -1, -1)], 2)
    pairs = [
        (DOSES, y[i])
        if i % 2
        else (d2, dr.ll4(d2, 0.1, 1.0, 1.5 + i / 30, 1.2) + rng.normal(0, 0.05, d2.size))
        for i in range(60)
    ]
    pb = bf.fit_curves(*bf.pad_curves(pairs), model)
    got, want = pb.log10_gi50(), _per_curve_log10_gi50(pb, "absolute")
    fin = np.isfinite(want)
    np.testing.assert_array_equal(got[~fin], want[~fin])  # the same +inf / -inf / nan
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-12)
    with pytest.raises(ValueError, match="kind must be"):
        b.log10_gi50("midpoint")


@pytest.mark.parametrize("model", ["LL4", "LL3"])
def test_designs_without_vehicle_wells_agree_and_no_fit_is_worse_than_a_flat_line(model):
    """Without vehicle wells the data-driven start can lead LL3 into a corner of the bounds (EC50
    and Hill at their limits, RSS above a flat line's) in both paths; such a fit is refitted
    (batched) or restarted (single), so statuses agree and no converged fit is worse than the flat
    line at its mean."""
    d = DOSES[DOSES > 0]
    rng = np.random.default_rng(2)
    y = np.array(
        [
            dr.ll4(
                d,
                0.0 if model == "LL3" else rng.uniform(0, 0.3),
                rng.uniform(0.9, 1.1),
                LX.max() + rng.uniform(-1.0, 1.5),
                rng.uniform(0.6, 5.0),
            )
            for _ in range(80)
        ]
    )
    y += rng.normal(0, 1, y.shape) * rng.uniform(0.005, 0.05, (80, 1))
    single = [dr.fit_curve(d, row, model) for row in y]
    batch = bf.fit_curves(d, y, model)
    np.testing.assert_array_equal(batch.status, [f.status for f in single])
    rss_flat = ((y - y.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    assert np.all(batch.rss[batch.converged] <= rss_flat[batch.converged] * (1 + 1e-9))
    assert all(
        f.rss <= r * (1 + 1e-9) for f, r in zip(single, rss_flat, strict=False) if f.converged
    )
    assert np.all(
        (batch.p_flat >= 0) & (batch.p_flat <= 1)
    )  # F is never negative, so p is never nan


def test_fit_curves_refuses_what_fit_curve_refuses_naming_the_curve():
    good = dr.ll4(DOSES, 0.05, 1.0, 2.3, 1.2)
    for bad, message in [
        (np.vstack([good, good * 100]), r"curve 1: the responses look like percent"),
        (
            np.vstack([good, np.where(np.arange(DOSES.size) < 4, good, np.nan)]),
            r"curve 1: .*at least 3 distinct",
        ),
        (np.vstack([good, np.r_[good[:5], np.inf, good[6:]]]), r"curve 1, well 5: .*finite"),
    ]:
        with pytest.raises(ValueError, match=message):
            bf.fit_curves(DOSES, bad)
    with pytest.raises(
        ValueError, match=r"curve 0: LL4 has 4 parameters but the curve has only 4 wells"
    ):
        bf.fit_curves([1.0, 2.0, 3.0, 4.0], [[1.0, 0.8, 0.4, 0.1]])
    with pytest.raises(ValueError, match=r"start must have shape \(4,\) or \(2, 4\)"):
        bf.fit_curves(DOSES, np.vstack([good, good]), start=[0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="pad_curves"):
        bf.fit_curves(DOSES, [list(good), list(good[:-1])])
    with pytest.raises(ValueError, match="at least one"):
        bf.pad_curves([])


def test_zero_curves_and_zero_resamples_give_empty_results():
    b = bf.fit_curves(DOSES, np.zeros((0, DOSES.size)))
    assert len(b) == 0 and b.status.size == 0 and b.log10_gi50().size == 0
    fit = dr.fit_curve(
        DOSES,
        dr.ll4(DOSES, 0.05, 1.0, 2.3, 1.2) + np.random.default_rng(0).normal(0, 0.03, DOSES.size),
    )
    est, samples = dr.bootstrap_estimate(fit, 0, np.random.default_rng(0))
    assert samples.size == 0 and est.ok and np.isnan(est.lo) and np.isnan(est.hi)


def test_curve_from_a_batch_lists_parameters_on_a_bound_like_fit_curve():
    y = dr.ll4(DOSES, 0.05, 1.0, 2.2, 30.0) + np.random.default_rng(1).normal(0, 0.02, DOSES.size)
    single, c = dr.fit_curve(DOSES, y), bf.fit_curves(DOSES, y).curve(0)
    assert single.at_bound == c.at_bound == ("hill",)
    assert dr.quality_flags(single) == dr.quality_flags(c) and c.name == "curve 0"


def test_bootstrap_of_a_step_like_censored_curve_stays_batched():
    """Resamples of a step-like curve (Hill at its bound, EC50 near the top dose) creep along a
    ridge; the bootstrap continues them in the batch instead of refitting ~1 s each one by one (48
    of 200 resamples here; this took 37 s before the continuation)."""
    import time

    y = dr.ll4(DOSES, 0.05, 1.0, 4.8, 1.2) + np.random.default_rng(0).normal(0, 0.05, DOSES.size)
    fit = dr.fit_curve(DOSES, y)
    t0 = time.perf_counter()
    s = dr.bootstrap_log10_gi50(fit, 200, np.random.default_rng(1))
    assert time.perf_counter() - t0 < 15  # ~0.3 s on 2 cores; generous for a loaded CI machine
    assert s.shape == (200,) and np.isfinite(s).sum() + np.isinf(s).sum() > 150


def test_ll3_corner_of_a_shallow_flat_fit_is_escaped_by_both_paths():
    """EC50 at its upper bound with Hill at its lower one is a near-flat local optimum: both paths
    try a second start and keep the better fit, so a curve with a transition above the tested doses
    is not called flat."""
    d = DOSES[DOSES > 0]
    y = np.array(
        [
            dr.ll4(d, 0, 1.0, le, h) + np.random.default_rng(s).normal(0, sd, d.size)
            for le, h, sd in [(4.2, 2.5, 0.03), (4.2, 2.5, 0.05), (4.3, 3.0, 0.03)]
            for s in range(12)
        ]
    )
    b = bf.fit_curves(d, y, "LL3")
    np.testing.assert_array_equal(b.status, [dr.fit_curve(d, row, "LL3").status for row in y])
    lo, hi = dr.search_bounds_batch(*dr.prepare_curves(d, y)[::2])
    assert not dr.at_shallow_corner(b.theta, lo, hi).any()
