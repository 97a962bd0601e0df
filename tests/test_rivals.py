"""Rival explanations: each rival shows its signature through the claims' own virtual experiments;
the heterodimer model is untouched; the comparison's statistics; Dask equals serial; the shipped
results match the code."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jakpersist import rivals
from jakpersist.atlas.space import default_space
from jakpersist.claims import evaluate
from jakpersist.model.params import RIVAL_PARAMS, ModelParams
from jakpersist.rivals import compare
from jakpersist.rivals.models import VARIANTS

ROOT = Path(__file__).resolve().parent.parent
NO_HETERODIMER = {"hetero_advantage": 1.0, "partner_max": 0.2, "jak2_max": 1.0}


def test_every_rival_mechanism_is_off_by_default_and_h0_is_the_atlas_model():
    assert not ModelParams().rivals_on
    assert all(ModelParams(**{p.name: p.default}) == ModelParams() for p in RIVAL_PARAMS)
    h0 = VARIANTS["H0"]
    assert not h0.fixed and not h0.ties
    sp = default_space()
    ratios = {r.name: r for r in h0.space() if "_ratio_" in r.name}
    assert {r.name: (r.lo, r.hi, r.log) for r in h0.space() if r.name not in ratios} == {
        n: (lo, hi, lg) for n, lo, hi, lg in zip(sp.names, sp.lo, sp.hi, sp.log, strict=False)
    }
    # beyond the atlas's space, H0 samples every drug's partner/JAK2 potency ratio around its
    # declared value
    assert len(ratios) == 6 and all(
        r.lo < getattr(ModelParams(), n) < r.hi for n, r in ratios.items()
    )


def test_r1_more_jak2_alone_lowers_the_partner_to_jak2_coip_ratio():
    r = evaluate("C2", {**NO_HETERODIMER, "jak2_max": 6.0}, mode="fast")
    assert r.metrics["c2_coip_jak1_fold"] < 1.0 and r.metrics["c2_coip_tyk2_fold"] < 1.0
    assert r.metrics["c2_kd_jak1_ratio"] == pytest.approx(1.0)  # partner knock-down changes nothing
    assert (
        evaluate("C1", {**NO_HETERODIMER, "jak2_max": 6.0}, mode="fast").metrics["c1_min_fold"]
        > 4.0
    )


R2 = {
    **NO_HETERODIMER,
    "clone_start": 1e-5,
    "clone_shift_ruxolitinib": 30.0,
    "clone_shift_fedratinib": 5.0,
    "clone_shift_jak_inhibitor_1": 2.0,
}


def test_r2_a_mutant_without_cost_does_not_re_sensitise_and_its_cross_persistence_differs_by_drug():
    m = evaluate("C3", {**R2, "clone_cost": 0.0}, mode="fast").metrics
    assert m["c3_fold_persistent"] > 4.0
    assert m["c3_fold_withdrawn"] == pytest.approx(m["c3_fold_persistent"], rel=1e-3)
    c1 = evaluate("C1", R2, mode="fast").metrics
    assert c1["c1_fold_ruxolitinib"] > c1["c1_fold_fedratinib"] > c1["c1_fold_jak_inhibitor_1"]


def test_r3_jak2_knock_down_spares_growth_while_stat5_falls():
    r = evaluate("C6", {**NO_HETERODIMER, "bypass_growth": 0.8}, mode="fast")
    assert r.metrics["c6_growth_persistent"] > 3 * r.metrics["c6_growth_naive"]
    assert r.metrics["c6_growth_persistent"] - r.metrics["c6_growth_naive"] > 0.2
    assert r.metrics["c6_pstat5_ratio_persistent"] < 0.5 and not r.verdict
    assert (
        evaluate("C1", {**NO_HETERODIMER, "bypass_growth": 0.8}, mode="fast").metrics[
            "c1_retained_pstat5"
        ]
        < 0.4
    )


def test_r3_hsp90_client_flag_decides_the_degrader_arm():
    p = {**NO_HETERODIMER, "bypass_growth": 0.8}
    off = evaluate("C7", p, mode="fast").metrics["c7_puh71_ratio"]
    on = evaluate("C7", {**p, "bypass_hsp90_client": 1.0}, mode="fast").metrics["c7_puh71_ratio"]
    assert on < off


def test_r4_efflux_shifts_only_its_own_drug_and_relaxes_off_drug():
    p = {**NO_HETERODIMER, "efflux_ruxolitinib": 30.0}
    c1 = evaluate("C1", p, mode="fast").metrics
    assert c1["c1_fold_ruxolitinib"] > 4.0 and c1["c1_fold_fedratinib"] == pytest.approx(1.0)
    c3 = evaluate("C3", p, mode="fast").metrics
    assert c3["c3_fold_withdrawn"] < c3["c3_fold_persistent"] / 4


def test_r5_reversal_follows_the_fitness_cost():
    base = {**NO_HETERODIMER, "clone_start": 0.01, "clone_shift_ruxolitinib": 100.0}
    runs = [
        evaluate("C3", {**base, "clone_cost": c}, mode="fast").metrics for c in (0.0, 0.3, 0.5, 0.6)
    ]
    kept = [m["c3_fold_withdrawn"] / m["c3_fold_persistent"] for m in runs]
    share = [
        m["c3_z_withdrawn"] for m in runs
    ]  # the tolerant subclone's gain in share after withdrawal
    assert kept[0] == pytest.approx(1.0) and share[0] == pytest.approx(
        runs[0]["c3_z_persistent"]
    )  # no cost
    assert all(a >= b for a, b in zip(kept, kept[1:], strict=False)) and all(
        a >= b for a, b in zip(share, share[1:], strict=False)
    )
    assert (
        runs[-1]["c3_fold_persistent"] > 4.0 and runs[-1]["c3_fold_withdrawn"] < 2.0
    )  # reverted by competition
    assert runs[-1]["c3_fold_rechallenged"] > 4.0


R6 = {**NO_HETERODIMER, "cytokine_signal": 1.5}


def test_r6_a_cytokine_spares_growth_under_jak2_knock_down_and_partner_knock_down_re_sensitises():
    c6 = evaluate("C6", R6, mode="fast").metrics
    assert (
        c6["c6_growth_persistent"] > 2 * c6["c6_growth_naive"]
    )  # the cytokine's STAT5 does not need JAK2
    c2 = evaluate("C2", R6, mode="fast").metrics
    assert c2["c2_coip_jak1_fold"] == pytest.approx(1.0) and c2[
        "c2_coip_tyk2_fold"
    ] == pytest.approx(1.0)
    assert c2["c2_kd_jak1_ratio"] < 0.9  # its receptors signal through JAK1: shJAK1 re-sensitises
    c3 = evaluate("C3", R6, mode="fast").metrics
    assert c3["c3_fold_persistent"] > 2 * c3["c3_fold_withdrawn"]  # production relaxes off drug
    off = evaluate("C6", {**R6, "cytokine_signal": 0.0}, mode="fast").metrics
    assert off["c6_growth_persistent"] == pytest.approx(off["c6_growth_naive"], rel=0.05)


def test_r6_cytokine_neutralisation_is_the_experiment_that_names_it():
    from jakpersist.rivals.experiments import outcomes

    names = tuple(R6)
    r6 = outcomes(np.array([list(R6.values())]), names)["cytokine neutralisation"]
    h0 = outcomes(np.array([[20.0]]), ("hetero_advantage",))["cytokine neutralisation"]
    assert r6.tolist() == [True] and h0.tolist() == [False]


def test_a_surviving_model_s_posterior_is_topped_up_to_the_minimum_with_the_shares_unchanged(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(compare, "MIN_ACCEPTED", 20)
    s = rivals.build(("H0",), 1000, out=tmp_path, progress=False, sensitivity_samples=0)
    post, comp = s["posterior"]["H0"]["by_mechanism"], s["comparison_by_mechanism"]["models"]["H0"]
    assert 0 < comp["k"] < 20 and comp["n"] == 1000  # the shares are the main sample's
    assert (
        post["n_accepted"] >= 20
        and post["extra_draws"] > 0
        and post["draws"] == 1000 + post["extra_draws"]
    )
    assert post["quantiles"]


def test_ratio_interval_and_rule_of_three():
    r = compare.ratio(10, 100, 20, n0=100)
    assert r["kind"] == "estimate" and r["ratio"] == pytest.approx(0.5) and r["lo"] < 0.5 < r["hi"]
    b = compare.ratio(0, 300, 30, n0=100)
    assert (
        b["kind"] == "upper bound" and b["hi"] > (3 / 300) / 0.3
    )  # divided by the lower end of H0's interval
    lo = compare.ratio(3, 10, 0, n0=10)  # H0 never: the ratio is bounded below
    assert lo["kind"] == "lower bound" and 0 < lo["lo"] < (3 / 10) / (3 / 10) and lo["hi"] > 1e300
    assert compare.ratio(0, 10, 0, n0=10)["kind"] == "undefined"  # both never: no ratio exists


def test_observations_failed_by_construction_are_computed_from_the_variants():
    from jakpersist.rivals.observations import JOINT, by_construction, fails_by_construction

    bc = by_construction(VARIANTS)
    rivals_ = [m for m in VARIANTS if m != "H0"]
    assert sorted(bc["C2 co-IP"]) == rivals_  # every rival keeps the partner pool
    assert sorted(bc["C4 JAK2 changes"]) == [m for m in rivals_ if m != "R1"]  # R1 raises JAK2
    assert all("H0" not in v for v in bc.values())
    assert fails_by_construction(VARIANTS, JOINT) == ("C2 co-IP", "C4 JAK2 changes")


def test_meyer_2015_is_a_later_literature_observation_apart_from_the_paper_s_sets():
    from jakpersist.rivals import experiments
    from jakpersist.rivals.observations import JOINT, LITERATURE, OBSERVATIONS, holds

    (o,) = [o for o in OBSERVATIONS if o.id in LITERATURE]
    assert (
        o.tier == "literature" and o.source == "meyer2015" and o.experiment == "type II inhibitor"
    )
    assert o.id not in JOINT
    # no longer a next experiment: the published result is an observation
    assert "type II inhibitor" not in {e.id for e in experiments.EXPERIMENTS}
    with pytest.raises(ValueError, match="pass points"):
        holds(pd.DataFrame({"claim": ["C1"], "row": [0]}), LITERATURE)


def test_chz868_follows_the_jak2_level_and_not_the_partner_pool():
    from jakpersist.rivals.experiments import type2_folds

    names = ("hetero_advantage", "partner_max", "jak2_max")
    pts = np.array([[50.0, 3.0, 1.0], [1.0, 0.2, 1.0], [50.0, 3.0, 4.0], [1.0, 0.2, 4.0]])
    fold, defined = type2_folds(pts, names)
    assert defined.all()
    assert fold[0] == pytest.approx(fold[1]) and fold[2] == pytest.approx(fold[3])
    assert fold[0] < 1.5 < 2.0 < fold[2]


def test_unknown_model_is_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="valid: H0, R1"):
        rivals.build(("R9",), samples=2, out="unused")


def test_two_local_dask_workers_give_the_serial_numbers(tmp_path):
    a = rivals.build(("H0", "R5"), samples=4, workers=0, out=tmp_path / "a", progress=False)
    b = rivals.build(("H0", "R5"), samples=4, workers=2, out=tmp_path / "b", progress=False)
    for key in (
        "matrix",
        "comparison",
        "posterior",
    ):  # compared as JSON text: NaN (an undefined ratio) equals NaN
        assert json.dumps(a[key], sort_keys=True) == json.dumps(b[key], sort_keys=True), key
    ta, tb = (pd.read_parquet(tmp_path / x / "rivals.parquet") for x in "ab")
    pd.testing.assert_frame_equal(ta, tb)


def test_shipped_rivals_match_this_code():
    """The comparison the book shows (data/rivals/, written by `make rivals`) was computed with the
    current model, claims, atlas and rivals code; otherwise its numbers describe other models."""
    s = json.loads((ROOT / "data" / "rivals" / "summary.json").read_text())
    assert s["code_version"] == rivals.code_version(), (
        "data/rivals is stale: run `make rivals` and commit it"
    )
    assert list(s["models"]) == list(rivals.MODELS)
    assert {m["observation"] for m in s["matrix"]} == {o.id for o in rivals.OBSERVATIONS}
    for m, c in s["comparison"].items():
        assert c["n"] == s["samples"] and 0 <= c["k"] <= c["n"], m
    local = ROOT / "data" / "rivals" / "rivals.parquet"  # git-ignored: present after `make rivals`
    if local.is_file():
        t = pd.read_parquet(local)
        h0 = t[t.model == "H0"]
        assert np.isclose(
            h0[list(s["joint_observations"])].all(axis=1).mean(), s["comparison"]["H0"]["p"]
        )
