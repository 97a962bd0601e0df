"""Properties of the mechanistic model: limits, monotonicity, and the integrator against a closed
form."""

import numpy as np
import pytest

from jakpersist import model
from jakpersist.model.dynamics import (
    Phase,
    adaptation_after,
    adaptation_closed_form,
    simulate_schedule,
)
from jakpersist.model.params import DRUGS, ModelParams

MP = ModelParams()
NAIVE = model.state_from_adaptation(0.0, MP)
ADAPTED = model.state_from_adaptation(1.0, MP)
DOSES = np.geomspace(0.1, 1e6, 200)


@pytest.mark.parametrize("drug", DRUGS)
@pytest.mark.parametrize("state", [NAIVE, ADAPTED])
def test_signal_and_viability_fall_monotonically_with_dose(drug, state):
    s = model.pstat5(DOSES, state, drug, mp=MP)
    v = model.viability(DOSES, state, drug, mp=MP)
    assert np.all(np.diff(s) < 0) and np.all(np.diff(v) <= 1e-15)


def test_limits():
    assert float(model.pstat5(0.0, NAIVE, "ruxolitinib", mp=MP)) == pytest.approx(1.0)
    assert float(model.pstat5(1e12, NAIVE, "ruxolitinib", mp=MP)) == pytest.approx(0.0, abs=1e-6)
    mp_b = ModelParams(bypass=0.6)
    assert float(model.pstat5(1e12, NAIVE, "ruxolitinib", mp=mp_b)) == pytest.approx(0.6, abs=1e-6)
    assert float(model.viability(0.0, NAIVE, "ruxolitinib", mp=MP)) == pytest.approx(1.0)


def test_without_heterodimer_advantage_partners_do_not_matter():
    mp = ModelParams(hetero_advantage=1.0)
    a = model.CellState(1.0, 0.0, 0.0)
    b = model.CellState(1.0, 2.0, 2.0)
    np.testing.assert_allclose(
        model.pstat5(DOSES, a, "ruxolitinib", mp=mp), model.pstat5(DOSES, b, "ruxolitinib", mp=mp)
    )


def test_heterodimer_share_formula_and_adaptation_raises_it():
    assert model.heterodimer_share(NAIVE, MP) == pytest.approx(0.2 / 1.2)
    assert model.heterodimer_share(ADAPTED, MP) == pytest.approx(1.2 / 3.0)


def test_persistence_raises_gi50_and_more_advantage_raises_it_more():
    g = lambda st, mp: model.gi50_model(st, "ruxolitinib", mp)  # noqa: E731
    folds = [
        g(ADAPTED, ModelParams(hetero_advantage=s)) / g(NAIVE, ModelParams(hetero_advantage=s))
        for s in (1, 5, 20, 100)
    ]
    assert np.all(np.diff(folds) > 0) and folds[0] > 1


def test_knock_down_lowers_levels_and_rejects_bad_input():
    kd = ADAPTED.knock_down("jak2", 0.8)
    assert kd.jak2 == pytest.approx(0.2 * ADAPTED.jak2)
    with pytest.raises(ValueError):
        ADAPTED.knock_down("jak3", 0.5)
    with pytest.raises(ValueError):
        ADAPTED.knock_down("jak1", 1.5)


def test_hsp90_degrades_jak2_monotonically():
    j = model.jak2_after_hsp90(NAIVE, DOSES, MP)
    assert j[0] == pytest.approx(1.0, abs=1e-3) and np.all(np.diff(j) < 0)
    assert float(model.jak2_after_hsp90(NAIVE, MP.hsp90_K, MP)) == pytest.approx(0.5)


@pytest.mark.parametrize("days,dose", [(42, 1000.0), (10, 100.0), (3, 0.0)])
def test_integrator_matches_closed_form(days, dose):
    z_num = adaptation_after([Phase(days, dose)], MP, z0=0.3)
    assert z_num == pytest.approx(
        adaptation_closed_form(days, dose, "ruxolitinib", mp=MP, z0=0.3), abs=1e-7
    )


def test_withdrawal_relaxes_with_the_stated_half_time():
    z = adaptation_after([Phase(MP.relax_half_time, 0.0)], MP, z0=0.8)
    assert z == pytest.approx(0.4, rel=1e-6)
    t, zs = simulate_schedule([Phase(42, 1000.0), Phase(14, 0.0)], MP)
    assert np.all((zs >= 0) & (zs <= 1))
    assert zs[np.searchsorted(t, 42.0)] > 0.7 and zs[-1] < 0.1


def test_fast_in_vivo_readout_matches_the_integrator():
    """simulate_phase_ends (exact adaptation + fixed-step RK4) agrees with solve_ivp at every phase
    end."""
    import numpy as np

    from jakpersist.claims.c0_in_vivo import DEFAULTS, schedule_of
    from jakpersist.model.population import simulate, simulate_phase_ends

    for extra in ({}, {"treatment": "PU-H71"}, {"hetero_advantage": 3.0, "partner_max": 2.5}):
        s = {**DEFAULTS, **extra}
        mp = ModelParams.from_mapping(s)
        sch = schedule_of(s)
        a, b = simulate(sch, mp).set_index("day"), simulate_phase_ends(sch, mp).set_index("day")
        cols = ["M", "N", "z", "spleen_index", "symptom_index", "hetero_share", "pstat5_mutant"]
        np.testing.assert_allclose(b[cols].to_numpy(), a.loc[b.index, cols].to_numpy(), atol=1e-6)
