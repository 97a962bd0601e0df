"""Known answers for the dose-response analysis."""

import numpy as np
import pytest

from jakpersist.analysis import doseresponse as dr

DOSES = np.repeat(np.r_[0.0, 10000 / 3.0 ** np.arange(9, -1, -1)], 3)


@pytest.mark.parametrize(
    "theta", [(0.05, 1.0, np.log10(231.6), 1.3), (0.2, 0.95, 3.1, 0.8), (-0.05, 1.1, 1.8, 2.5)]
)
def test_noise_free_ll4_recovers_parameters(theta):
    fit = dr.fit_curve(DOSES, dr.ll4(DOSES, *theta), "LL4")
    np.testing.assert_allclose(fit.theta, theta, rtol=1e-6, atol=1e-9)
    assert fit.status == "ok"


def test_noise_free_ll3_recovers_parameters():
    theta = (0.0, 1.0, 2.5, 1.1)
    fit = dr.fit_curve(DOSES, dr.ll4(DOSES, *theta), "LL3")
    np.testing.assert_allclose(fit.theta, theta, rtol=1e-6, atol=1e-9)


def test_absolute_and_relative_gi50_known_answer():
    # bottom 0.1, top 1: the curve crosses 0.5 where (x/ec50)^h = 0.9/0.4 - 1 = 1.25
    fit = dr.fit_curve(DOSES, dr.ll4(DOSES, 0.1, 1.0, 2.0, 1.0))
    assert fit.gi50_relative().value == pytest.approx(100.0, rel=1e-6)
    assert fit.gi50_absolute().value == pytest.approx(125.0, rel=1e-6)


def test_flat_curve_gives_explicit_no_gi50():
    rng = np.random.default_rng(0)
    fit = dr.fit_curve(DOSES, 1.0 + rng.normal(0, 0.05, DOSES.size))
    assert fit.status == "flat"
    rel = fit.gi50_relative()
    assert not rel.ok and rel.value is None and rel.status == "flat"
    assert "not estimable" in rel.text()
    # a flat curve near 1 never reaches 50%: its absolute GI50 is censored above the top dose, not
    # missing
    est = fit.gi50_absolute()
    assert (
        est.status == "above_range"
        and est.censored == "lower"
        and est.text().startswith("> 10,000")
    )


def test_incomplete_curve_reported_above_top_dose():
    fit = dr.fit_curve(DOSES, dr.ll4(DOSES, 0.6, 1.0, 2.5, 1.0))  # never reaches 50%
    est = fit.gi50_absolute()
    assert est.status == "above_range" and est.bound == pytest.approx(10000.0)
    assert est.text().startswith("> 10,000 nM")


def test_gi50_beyond_tested_doses_not_extrapolated():
    fit = dr.fit_curve(DOSES, dr.ll4(DOSES, 0.0, 1.0, 4.5, 1.0))  # EC50 31.6 uM, top dose 10 uM
    assert fit.gi50_absolute().status == "above_range"
    assert fit.gi50_relative().status == "above_range"


def test_curve_below_50_percent_everywhere():
    fit = dr.fit_curve(DOSES, dr.ll4(DOSES, 0.0, 1.0, -1.0, 1.0))  # EC50 0.1 nM, lowest dose 0.5 nM
    assert fit.gi50_absolute().status == "below_range"
    assert fit.gi50_absolute().text().startswith("<")


def test_non_monotone_curve_flagged():
    y = dr.ll4(DOSES, 0.0, 1.0, 2.0, 1.0)
    y[DOSES >= 3000] = 0.8  # rises again at the top doses
    fit = dr.fit_curve(DOSES, y)
    assert fit.status == "non_monotone"
    assert fit.gi50_absolute().value is None


def test_bad_input_is_an_error():
    with pytest.raises(ValueError, match="at least 3 distinct"):
        dr.fit_curve([0, 1, 1, 2], [1, 0.9, 0.9, 0.5])
    with pytest.raises(ValueError, match=">= 0"):
        dr.fit_curve([-1, 1, 2, 3], [1, 0.9, 0.8, 0.5])


def test_delta_and_bootstrap_intervals_cover_truth_and_are_deterministic():
    truth = (0.05, 1.0, np.log10(231.6), 1.3)
    rng = np.random.default_rng(3)
    y = dr.ll4(DOSES, *truth) + rng.normal(0, 0.04, DOSES.size)
    fit = dr.fit_curve(DOSES, y)
    true_abs = dr.absolute_dose(truth)
    d = fit.gi50_absolute()
    assert d.lo < true_abs < d.hi
    b1, s1 = dr.bootstrap_estimate(fit, 200, np.random.default_rng(1))
    b2, s2 = dr.bootstrap_estimate(fit, 200, np.random.default_rng(1))
    assert b1.lo < true_abs < b1.hi
    np.testing.assert_array_equal(s1, s2)


def test_f_test_against_flat_detects_response():
    rng = np.random.default_rng(5)
    fit = dr.fit_curve(DOSES, dr.ll4(DOSES, 0.05, 1.0, 2.3, 1.0) + rng.normal(0, 0.05, DOSES.size))
    assert fit.p_flat < 1e-10


def test_shift_test_detects_shift_and_not_its_absence():
    rng = np.random.default_rng(11)
    a = dr.fit_curve(DOSES, dr.ll4(DOSES, 0.05, 1, 2.3, 1.2) + rng.normal(0, 0.04, DOSES.size))
    b = dr.fit_curve(DOSES, dr.ll4(DOSES, 0.05, 1, 3.1, 1.2) + rng.normal(0, 0.04, DOSES.size))
    c = dr.fit_curve(DOSES, dr.ll4(DOSES, 0.05, 1, 2.3, 1.2) + rng.normal(0, 0.04, DOSES.size))
    assert dr.shift_test(a, b).p < 1e-6
    assert dr.shift_test(a, c).p > 0.01


def test_aic_prefers_the_simpler_model_when_bottom_is_zero():
    rng = np.random.default_rng(2)
    y = dr.ll4(DOSES, 0.0, 1.0, 2.3, 1.0) + rng.normal(0, 0.03, DOSES.size)
    best, aics = dr.select_model(DOSES, y)
    assert {"LL4", "LL3"} <= set(aics) <= set(dr.MODELS)
    assert best.model == "LL3"
    y4 = dr.ll4(DOSES, 0.35, 1.0, 2.3, 1.0) + rng.normal(0, 0.03, DOSES.size)
    assert dr.select_model(DOSES, y4)[0].model == "LL4"


# -- censoring, noise versus non-monotonicity, profile intervals, flags ---------------------------
def test_percentile_interval_keeps_infinite_samples():
    s = np.r_[np.full(90, np.inf), np.linspace(3.0, 3.5, 10)]
    lo, hi = dr.percentile_interval(s)
    assert np.isfinite(lo) and hi == np.inf


def test_ratio_interval_is_conservative_for_censored_resamples():
    a = np.log10(np.full(200, 100.0))
    b = np.full(200, np.inf)  # test GI50 above the top dose (10,000 nM) in every resample
    lo, hi = dr.ratio_interval(a, b, (1.0, 10000.0), range_b=(1.0, 10000.0))
    assert lo == pytest.approx(100.0) and hi == np.inf


def test_censored_fold_sides():
    from jakpersist.analysis.gi50 import censored_fold

    ok = dr.Estimate(100.0)
    above = dr.Estimate(None, status="above_range", bound=1e4)
    below = dr.Estimate(None, status="below_range", bound=1.0)
    assert censored_fold(ok, above) == (100.0, "lower", "lower_bound")
    assert censored_fold(ok, below) == (0.01, "upper", "upper_bound")
    assert censored_fold(above, ok) == (0.01, "upper", "upper_bound")
    assert censored_fold(below, above)[1] == "lower"
    assert np.isnan(censored_fold(above, above)[0])
    assert np.isnan(censored_fold(ok, dr.Estimate(None, status="failed"))[0])


def test_replicate_noise_is_not_non_monotonicity_but_a_real_rise_is():
    rng = np.random.default_rng(2)
    y = dr.ll4(DOSES, 0.05, 1.0, 2.3, 1.2) + rng.normal(0, 0.1, DOSES.size)
    assert dr.monotone_violation(DOSES, y) > 0.15  # a fixed 0.15 cut would have dropped this curve
    assert dr.select_model(DOSES, y)[0].gi50_absolute().ok
    y2 = dr.ll4(DOSES, 0.05, 1.0, 2.0, 1.2) + rng.normal(0, 0.03, DOSES.size)
    y2[DOSES >= 3000] += 0.6  # rises again at the top doses
    assert dr.select_model(DOSES, y2)[0].status == "non_monotone"


def test_brain_cousens_noise_free_recovers_parameters():
    theta = (0.05, 1.0, 2.5, 2.0, 0.8)
    fit = dr.fit_curve(DOSES, dr.brain_cousens(DOSES, *theta), "BC5", start=np.array(theta))
    np.testing.assert_allclose(fit.theta, theta, rtol=1e-5, atol=1e-7)


def test_profile_interval_brackets_estimate_and_matches_delta_on_a_good_design():
    rng = np.random.default_rng(8)
    truth = (0.05, 1.0, np.log10(200.0), 1.2)
    fit = dr.fit_curve(DOSES, dr.ll4(DOSES, *truth) + rng.normal(0, 0.04, DOSES.size))
    p, d = fit.gi50_absolute(interval="profile"), fit.gi50_absolute()
    assert p.lo < p.value < p.hi and p.method == "profile"
    assert p.lo == pytest.approx(d.lo, rel=0.05) and p.hi == pytest.approx(d.hi, rel=0.05)
    r = fit.gi50_relative(interval="profile")
    assert r.lo < 200.0 < r.hi


def test_quality_flags_clean_fit_and_transition_outside():
    fit = dr.fit_curve(
        DOSES, dr.ll4(DOSES, 0.05, 1.0, np.log10(200.0), 1.2) + 0.001 * np.sin(DOSES)
    )
    assert dr.quality_flags(fit) == []
    fit2 = dr.fit_curve(DOSES, dr.ll4(DOSES, 0.0, 1.0, 4.4, 1.0) + 0.001 * np.cos(DOSES))
    assert "transition outside tested doses" in dr.quality_flags(fit2)
