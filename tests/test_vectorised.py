"""The claims' vectorised fast mode (arrays over points) agrees with the per-point fast mode kept as
the reference (:mod:`jakpersist.testing.reference_fast`, which the package never runs): same
verdicts, same condition outcomes, margins to 1e-9, on random points of every rival model's space;
the package's one-point fast mode (``evaluate(..., mode="fast")``, the engine at one point) returns
the reference's result shape; the rival comparison's next-experiment and prior-sensitivity pieces
behave as stated."""

import numpy as np
import pandas as pd
import pytest

from jakpersist.atlas.run import evaluate_rows
from jakpersist.claims import evaluate
from jakpersist.claims.vectorised import VECTOR_CLAIMS, evaluate_many, evaluation_records
from jakpersist.model import signalling
from jakpersist.model.params import ModelParams
from jakpersist.rivals import experiments
from jakpersist.rivals.models import MODELS, VARIANTS
from jakpersist.testing import reference_fast

#: points per model in the quick test; the heavy test takes 1,000 per model
N_POINTS = 24
N_POINTS_HEAVY = 1000
USED_BY_COMPARISON = ("x:c4_jak2_persistent", "x:c4_jak2_withdrawn")


def _agree(ref: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    r = ref.set_index(["row", "claim"]).sort_index()
    q = new.set_index(["row", "claim"]).sort_index().reindex(r.index)
    bad = []
    for col in r.columns:
        if col in ("error", "conditions") or (
            col.startswith("x:") and col not in USED_BY_COMPARISON
        ):
            continue
        if col not in q:
            bad.append(f"{col} missing")
            continue
        a = r[col]
        if col.startswith("ok:") or col in ("verdict", "undefined"):
            known = a.notna()
            if (a[known].astype(bool) != q[col][known].astype(bool)).any():
                bad.append(col)
        else:
            x, y = a.astype(float).to_numpy(), q[col].astype(float).to_numpy()
            with np.errstate(invalid="ignore"):
                same = (np.isnan(x) & np.isnan(y)) | (x == y) | (np.abs(x - y) <= 1e-9)
            if not same.all():
                bad.append(f"{col}: {int((~same).sum())} points")
    return bad


def _compare_with_reference(model: str, n: int) -> None:
    v = VARIANTS[model]
    names, values = v.sample(n, 101 + MODELS.index(model))
    ref = pd.DataFrame(
        reference_fast.evaluate_rows(values, names, VECTOR_CLAIMS, fixed=dict(v.fixed), detail=True)
    )
    new = evaluation_records(values, names, VECTOR_CLAIMS, fixed=dict(v.fixed), detail=True)
    assert _agree(ref, new) == []
    assert len(new) == len(ref) == n * len(VECTOR_CLAIMS)


@pytest.mark.parametrize("model", MODELS)
def test_vectorised_and_per_point_fast_modes_agree_on_random_points(model):
    _compare_with_reference(model, N_POINTS)


@pytest.mark.heavy
@pytest.mark.parametrize("model", MODELS)
def test_vectorised_and_per_point_fast_modes_agree_on_a_thousand_points_per_model(model):
    _compare_with_reference(model, N_POINTS_HEAVY)


@pytest.mark.parametrize("model", MODELS)
def test_one_point_fast_mode_is_the_engine_and_returns_the_reference_s_result(model):
    """``evaluate(..., mode="fast")`` is the vectorised engine at one point (the same margins, to
    rounding of the scalar margin arithmetic) and returns what the per-point reference returns:
    the same condition names and order, metric keys and types, provenance, kind, rule wording and
    details type."""
    v = VARIANTS[model]
    names, values = v.sample(3, 7 + MODELS.index(model))
    one = pd.DataFrame(evaluate_rows(values, names, VECTOR_CLAIMS, fixed=dict(v.fixed)))
    many = evaluation_records(values, names, VECTOR_CLAIMS, fixed=dict(v.fixed))
    assert (one["verdict"] == many["verdict"]).all() and (one["error"] == "").all()
    np.testing.assert_allclose(one["margin"], many["margin"], rtol=1e-12, atol=1e-12)
    params = {**dict(v.fixed), **dict(zip(names, map(float, values[0]), strict=True))}
    for c in VECTOR_CLAIMS:
        got, want = evaluate(c, params, mode="fast"), reference_fast.evaluate(c, params)
        assert [x.name for x in got.conditions] == [x.name for x in want.conditions]
        assert [x.label for x in got.conditions] == [x.label for x in want.conditions]
        assert {k: type(x) for k, x in got.metrics.items() if isinstance(x, (bool, int))} == {
            k: type(x) for k, x in want.metrics.items() if isinstance(x, (bool, int))
        }
        assert got.metrics.keys() == want.metrics.keys()
        assert got.provenance == want.provenance
        assert (got.kind, got.rule, type(got.details)) == (want.kind, want.rule, type(want.details))
        assert got.details.mode == "fast"


def test_bisection_finds_the_grid_scan_s_gi50_and_its_censoring():
    mp = ModelParams()
    st = signalling.state_from_adaptation(0.6, mp)
    for agent in ("ruxolitinib", "PU-H71"):
        want = signalling.gi50_model_bounded(st, agent, mp)
        got, code = signalling.gi50_grid(st, agent, mp)
        assert (
            float(got) == pytest.approx(want[0], rel=1e-12)
            and {0: None, 1: "lower", 2: "upper"}[int(code)] == want[1]
        )
    big = ModelParams(K_ruxolitinib=1e5, bypass=5.0)  # never falls to 50%: censored above the grid
    g, code = signalling.gi50_grid(signalling.state_from_adaptation(0.0, big), "ruxolitinib", big)
    assert (
        int(code) == 1
        and float(g)
        == 1e7
        == signalling.gi50_model_bounded(
            signalling.state_from_adaptation(0.0, big), "ruxolitinib", big
        )[0]
    )


def test_a_counterfactual_point_flips_in_both_modes():
    """No heterodimer advantage and no partner rise: C2 fails in both modes at the same point, where
    the model with the drug-agnostic escape (trans_gating 0) reproduces it."""
    names = ("hetero_advantage", "partner_max", "trans_gating")
    vals = np.array([[20.0, 1.2, 0.0], [1.0, 0.2, 0.0]])
    arr = evaluate_many(vals, names, ("C2",))["C2"]
    assert arr.verdict.tolist() == [True, False]
    ref = pd.DataFrame(reference_fast.evaluate_rows(vals, names, ("C2",)))
    assert ref["verdict"].tolist() == [True, False]
    np.testing.assert_allclose(arr.margin, ref["margin"].to_numpy(), atol=1e-9)


def test_unknown_claim_and_varying_schedule_are_refused():
    with pytest.raises(ValueError, match="valid: C0"):
        evaluate_many(np.ones((2, 1)), ("hetero_advantage",), ("G1",))
    with pytest.raises(ValueError, match="chronic_days"):
        evaluate_many(np.array([[30.0], [40.0]]), ("chronic_days",), ("C1",))


def test_mutual_information_is_zero_when_models_agree_and_one_bit_when_they_split_evenly():
    assert experiments.mutual_information({"a": 1, "b": 1}, {"a": 0.3, "b": 0.3}) == pytest.approx(
        0.0
    )
    assert experiments.mutual_information({"a": 1, "b": 1}, {"a": 1.0, "b": 0.0}) == pytest.approx(
        1.0
    )
    assert 0 < experiments.mutual_information({"a": 3, "b": 1}, {"a": 1.0, "b": 0.0}) < 1


def test_next_experiments_separate_selection_from_adaptation():
    """Barcoding sees a pre-existing subclone (R5) and not an adaptive heterodimer state (H0); the
    total-partner blot sees H0's partner rise and nothing in R5."""
    out = {}
    for m in ("H0", "R5"):
        v = VARIANTS[m]
        names, vals = v.sample(40, 5)
        out[m] = experiments.outcomes(vals, names, fixed=dict(v.fixed))
    assert (
        not out["H0"]["barcoding / fluctuation"].any()
        and out["R5"]["barcoding / fluctuation"].mean() > 0.5
    )
    assert (
        not out["R5"]["total JAK1/TYK2 blot"].any()
        and out["H0"]["total JAK1/TYK2 blot"].mean() > 0.3
    )


def test_prior_sensitivity_halves_and_doubles_width_within_valid_limits():
    r = next(r for r in VARIANTS["H0"].space() if r.name == "jak1_share")  # 0.2-0.8, valid 0-1
    assert (r.scaled(0.5).lo, r.scaled(0.5).hi) == pytest.approx((0.35, 0.65))
    assert (r.scaled(2.0).lo, r.scaled(2.0).hi) == pytest.approx(
        (0.0, 1.0)
    )  # clipped to the valid range
    lg = next(r for r in VARIANTS["H0"].space() if r.log)
    w = np.log10(lg.hi) - np.log10(lg.lo)
    assert np.log10(lg.scaled(0.5).hi) - np.log10(lg.scaled(0.5).lo) == pytest.approx(w / 2)
