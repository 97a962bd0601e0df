"""The heterodimer mechanism made drug-specific: trans-activation tied to each drug's JAK1/TYK2
potency, the type II inhibitor arm (CHZ868), activated JAK2 (pY1007/1008) under type I drugs, and
the ASH 2011 observation of no second-site allele (C8) that the rivals R2 and R5 must face."""

import numpy as np
import pytest

from jakpersist import model
from jakpersist.claims import evaluate
from jakpersist.model.params import ModelParams
from jakpersist.rivals import predictions

PAN_JAK = {"jak1_ratio_jak_inhibitor_1": 1.0, "tyk2_ratio_jak_inhibitor_1": 1.0}
SPARING = {"jak1_ratio_jak_inhibitor_1": 100.0, "tyk2_ratio_jak_inhibitor_1": 100.0}


def _fold(params, agent):
    t = predictions.agent_folds(params).set_index("agent")
    return float(t.loc[agent, "fold"])


def test_cross_persistence_to_a_pan_jak_inhibitor_can_fail():
    """A drug that blocks JAK1 and TYK2 as well as JAK2 leaves heterodimers no escape: C1's JAK
    Inhibitor I condition fails, while the same drug made partner-sparing passes it (the outcome is
    not an input)."""
    pan = evaluate("C1", PAN_JAK, mode="fast")
    spare = evaluate("C1", SPARING, mode="fast")
    ok = {c.name: c.passed for c in pan.conditions}
    assert not ok["fold_jak_inhibitor_1"] and pan.metrics["c1_fold_jak_inhibitor_1"] < 2.5
    assert {c.name: c.passed for c in spare.conditions}["fold_jak_inhibitor_1"]
    assert spare.metrics["c1_fold_jak_inhibitor_1"] > 2 * pan.metrics["c1_fold_jak_inhibitor_1"]


def test_cross_persistence_follows_the_drug_and_the_drug_agnostic_escape_does_not():
    folds = {a: _fold({}, a) for a in ("ruxolitinib", "fedratinib", "jak_inhibitor_1")}
    assert (
        folds["fedratinib"] > folds["jak_inhibitor_1"]
        and folds["fedratinib"] > folds["ruxolitinib"]
    )
    agnostic = {a: _fold({"trans_gating": 0.0}, a) for a in folds}
    assert max(agnostic.values()) == pytest.approx(
        min(agnostic.values()), rel=1e-3
    )  # one fold for every drug


def test_no_advantage_is_exactly_the_homodimer_block():
    st = model.state_from_adaptation(1.0, ModelParams())
    d = np.geomspace(1, 1e4, 9)
    one = ModelParams(hetero_advantage=1.0)
    ref = model.pstat5(d, st, "ruxolitinib", mp=ModelParams(hetero_advantage=1.0, trans_gating=0.0))
    assert np.array_equal(model.pstat5(d, st, "ruxolitinib", mp=one), ref)


def test_parameters_broadcast_over_points():
    """A parameter given as a column (n_points, 1) against a row of doses gives one row per
    point."""
    st = model.state_from_adaptation(1.0, ModelParams())
    d = np.geomspace(1, 1e4, 7)
    s = np.array([[1.0], [20.0], [200.0]])
    grid = model.pstat5(d, st, "ruxolitinib", mp=ModelParams(hetero_advantage=s))
    assert grid.shape == (3, 7)
    for i, v in enumerate(s[:, 0]):
        assert np.allclose(
            grid[i], model.pstat5(d, st, "ruxolitinib", mp=ModelParams(hetero_advantage=v))
        )


def test_type_ii_inhibitor_overcomes_persistence_in_the_model():
    """CHZ868 (prediction): no heterodimer escape, so persistent cells stay about as sensitive as
    their JAK2 level allows, whatever the escape of trans-activated JAK2 is."""
    for params in ({}, {"trans_gating": 0.0}, {"hetero_advantage": 200.0}):
        chz, rux = _fold(params, "CHZ868"), _fold(params, "ruxolitinib")
        assert chz < 4.0 and chz < rux
        assert chz == pytest.approx(_fold({}, "CHZ868"), rel=1e-6)  # independent of the escape


def test_pjak2_accumulates_under_type_i_and_falls_under_type_ii():
    df = predictions.pjak2_profiles()
    for pop in ("naive", "persistent"):
        rux = df[(df.agent == "ruxolitinib") & (df.population == pop)]
        chz = df[(df.agent == "CHZ868") & (df.population == pop)]
        assert (
            rux.pjak2.iloc[-1] > rux.pjak2.iloc[0]
            and rux.pstat5.iloc[-1] < 0.1 * rux.pstat5.iloc[0]
        )
        assert np.all(np.diff(chz.pjak2.to_numpy()) < 0)
    at = predictions.pjak2_at_chronic_dose()
    assert (
        at["pjak2_naive"] > 1.0
    )  # naive cells on drug: the pharmacological rise a pJAK2 claim must control for
    assert predictions.pjak2_at_chronic_dose({"pjak2_accumulation": 0.0})["pjak2_naive"] < 1.0


def test_c8_holds_in_the_heterodimer_model_and_flips_under_a_selected_allele():
    assert evaluate("C8", mode="fast").verdict is True
    r = evaluate("C8", {"clone_start": 1e-4, "clone_shift_ruxolitinib": 1000.0}, mode="fast")
    assert r.verdict is False and r.metrics["c8_allele_cells"] > 0.9
    full = evaluate("C8", {"clone_start": 1e-4, "clone_shift_ruxolitinib": 1000.0}, mode="full")
    assert full.verdict is False and full.metrics["c8_allele_called"]


def test_c8_r5_fails_only_when_its_tolerance_is_a_jak2_allele():
    r5 = {
        "hetero_advantage": 1.0,
        "partner_max": 0.2,
        "jak2_max": 1.0,
        "clone_start": 0.01,
        "clone_shift_ruxolitinib": 300.0,
        "clone_cost": 0.2,
    }
    assert evaluate("C8", {**r5, "clone_jak2_allele": 1.0}, mode="fast").verdict is False
    assert evaluate("C8", {**r5, "clone_jak2_allele": 0.0}, mode="fast").verdict is True


def test_c8_detection_limit_hides_a_rare_allele():
    """An allele in 1% of cells (0.5% of reads) is below a 2% detection limit: counted as carried by
    no cell."""
    r = evaluate(
        "C8",
        {"clone_start": 0.01, "clone_shift_ruxolitinib": 1.0, "chronic_days": 0.0},
        mode="full",
    )
    assert not r.metrics["c8_allele_called"] and r.metrics["c8_allele_cells"] == 0.0
