"""Power with between-experiment variation: experiments x wells, never fewer experiments for more
day-to-day variation, and the one-experiment answer back when there is none."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jakpersist.atlas import analyse

ROOT = Path(__file__).resolve().parents[1]


def _table(power_by_cell, margin_sd=0.4, seeds=8):
    rows = []
    for (n, sd), p in power_by_cell.items():
        z = {0.0: -1.5, 1.0: 2.5}.get(p, 0.0)
        rows.append(
            {
                "n_replicates": n,
                "noise_sd": sd,
                "power": p,
                "lo": 0.0,
                "hi": 1.0,
                "seeds": seeds,
                "margin_mean": z * margin_sd if p in (0.0, 1.0) else 0.3,
                "margin_sd": margin_sd,
            }
        )
    return pd.DataFrame(rows)


#: shaped like the shipped C1 power table (8 seeds per cell)
CELLS = {
    (1, 0.05): 1.0,
    (2, 0.05): 1.0,
    (3, 0.05): 1.0,
    (4, 0.05): 1.0,
    (1, 0.1): 0.75,
    (2, 0.1): 0.875,
    (3, 0.1): 0.875,
    (4, 0.1): 1.0,
    (1, 0.2): 0.125,
    (2, 0.2): 0.375,
    (3, 0.2): 0.25,
    (4, 0.2): 0.625,
}


def test_zero_between_day_sd_recovers_the_one_experiment_answer():
    pw = _table(CELLS)
    old = analyse.replicates_for(pw)
    new = analyse.design_for(pw, between_sd=0.0)
    for sd, n in old.items():
        if n is not None:
            assert new[sd] == (1, n)
    one = analyse.power_with_days(pw, between_sd=0.0, experiments=(1,))
    assert np.allclose(
        one.sort_values(["n_replicates", "noise_sd"]).power,
        pw.sort_values(["n_replicates", "noise_sd"]).power,
    )


@pytest.mark.parametrize("margin_sd", [0.05, 0.2, 0.4, 1.0])
def test_more_between_day_variance_never_lowers_the_experiments_needed(margin_sd):
    pw = _table(CELLS, margin_sd=margin_sd)
    grid = np.linspace(0.0, 2.0, 41)
    for target in (0.6, 0.8, 0.9):
        previous: dict[float, int] = {}
        for b in grid:
            need = analyse.design_for(pw, between_sd=float(b), target=target)
            for sd, d in need.items():
                e = 10**6 if d is None else d[0]
                assert e >= previous.get(sd, 0), (margin_sd, target, b, sd)
                previous[sd] = e
        tab_lo = analyse.power_with_days(pw, between_sd=0.1)
        tab_hi = analyse.power_with_days(pw, between_sd=0.8)
        above = tab_lo.power > 0.5
        assert (tab_hi.power[above] <= tab_lo.power[above] + 1e-12).all()


def test_day_variation_needs_more_than_one_experiment_at_the_default_assumption():
    pw = _table(CELLS)
    assert analyse.design_for(pw, between_sd=0.0)[0.1] == (1, 2)
    assert analyse.design_for(pw, between_sd=0.5)[0.1] == (
        1,
        4,
    )  # more wells still help a little ...
    need = analyse.design_for(pw, between_sd=2.0)
    assert (
        need[0.05] is not None and need[0.05][0] >= 2
    )  # ... but cannot average away a large day effect


def test_bad_inputs_are_refused():
    pw = _table(CELLS)
    with pytest.raises(ValueError, match="between_sd"):
        analyse.power_with_days(pw, between_sd=-0.1)
    with pytest.raises(ValueError, match="target power"):
        analyse.design_for(pw, between_sd=0.1, target=0.5)


def test_shipped_power_table_carries_what_the_day_calculation_needs():
    pw = pd.read_csv(ROOT / "data/atlas/power-C1.csv")
    assert {"margin_mean", "margin_sd"} <= set(pw.columns)
    old = analyse.replicates_for(pw)
    new = analyse.design_for(pw, between_sd=0.0)
    assert all(new[sd] == (1, n) for sd, n in old.items() if n is not None)
