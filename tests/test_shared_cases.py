"""The shared plate and curve cases (one file per kind of fault), as tests.

Fixtures are copies of the shared plate and curve cases (synthetic files). The plate cases
run the C1 analysis and rule as the chapter does (reader -> fit_all_curves -> fold_table ->
PersistenceRule), without papermill, to stay fast; ``jakbook run c1_persistence --set
data_path=...`` gives the same verdicts.
"""

from pathlib import Path

import numpy as np
import pytest

from jakpersist.analysis import doseresponse as dr
from jakpersist.analysis import gi50 as workflows
from jakpersist.claims.base import combine
from jakpersist.claims.rules import PersistenceRule
from jakpersist.loaders import readers

FIX = Path(__file__).resolve().parent / "fixtures"


def _curve(name: str) -> tuple[np.ndarray, np.ndarray]:
    a = np.loadtxt(FIX / name, delimiter=",", skiprows=1)
    return a[:, 0], a[:, 1]


def c1_on_plate(path: Path, n_boot: int = 30, seed: int = 2012):
    plate = readers.read_plate(path)
    rng = np.random.default_rng(seed)
    summary, fits, boots = workflows.fit_all_curves(plate, n_boot, rng, profile=False)
    folds = workflows.fold_table(summary, fits, boots)
    pairs, bounds = workflows.folds_for_rule(folds)
    verdict, margin = combine(PersistenceRule().conditions(pairs, None, bounds))
    return verdict, margin, summary, folds


def test_a01_hormesis_absolute_gi50():
    best, aics = dr.select_model(*_curve("a01_hormesis_noise_free.csv"))
    assert best.model in dr.HORMESIS_MODELS and best.status == "ok"
    est = best.gi50_absolute()
    assert est.ok and est.value == pytest.approx(220.9, rel=0.02)


def test_c02_percent_arrays_are_refused_with_a_message_saying_percent():
    with pytest.raises(ValueError, match="percent"):
        dr.select_model(*_curve("c02_percent_arrays.csv"))
    x, y = _curve("c02_percent_arrays.csv")
    est = dr.select_model(x, y / 100)[
        0
    ].gi50_absolute()  # converted by the reader: the known answer
    assert est.value == pytest.approx(218.0, rel=0.02)


def test_a05_sparse_steep_design_is_flagged_and_profile_interval_covers_truth():
    best, _ = dr.select_model(*_curve("a05_wide_range_steep.csv"))
    flags = dr.quality_flags(best)
    assert "no dose on the transition" in flags
    prof = best.gi50_absolute(interval="profile")
    assert prof.lo < 50.5 < prof.hi  # the delta-method interval (75.7 to 81) misses the truth


def test_p01_gi50_above_top_dose_gives_censored_folds_and_supports():
    verdict, margin, summary, folds = c1_on_plate(FIX / "p01_persistent_above_top_dose.csv")
    assert (folds["bound"] == "lower").all() and (folds["status"] == "lower_bound").all()
    rux = folds.set_index("drug").loc["ruxolitinib"]
    assert rux["fold_text"] == f"> {rux['fold']:.2f}" and rux["fold"] == pytest.approx(71, rel=0.03)
    assert (
        np.isfinite(folds["fold_lo"]).all()
        and (folds["fold_lo"] > 2).all()
        and np.isinf(folds["fold_hi"]).all()
    )
    assert verdict is True and margin > 0


def test_p16_noisy_duplicate_wells_keep_every_gi50():
    verdict, margin, summary, folds = c1_on_plate(FIX / "p16_duplicate_wells_noisy.csv")
    assert (summary["status"] == "ok").all()
    assert summary["GI50_nM"].notna().all()
    rux = summary.set_index(["population", "drug"]).loc[("persistent", "ruxolitinib"), "GI50_nM"]
    assert rux == pytest.approx(930, rel=0.15)  # reference LL4 fit: 930 nM (truth 1,135 nM)
    assert isinstance(verdict, bool) and np.isfinite(margin)


def test_p17_three_single_well_doses_fit_without_crashing():
    verdict, margin, summary, folds = c1_on_plate(FIX / "p17_three_doses_single_well.csv")
    assert set(summary["model"]) == {"LL3"}  # LL4 would leave no residual degree of freedom
    assert isinstance(verdict, bool)
    assert not folds["shift_p"].isna().all()


def test_p00_baseline_unchanged():
    verdict, margin, summary, folds = c1_on_plate(FIX / "p00_baseline.csv")
    assert verdict is True and (folds["status"] == "ok").all()
    assert folds.set_index("drug").loc["ruxolitinib", "fold"] == pytest.approx(8.69, rel=0.02)


def test_design_without_residual_df_names_the_curve():
    with pytest.raises(ValueError, match=r"naive / rux: 3 wells.*LL3"):
        dr.select_model([0, 10, 100, 1000][1:], [1.0, 0.5, 0.1], name="naive / rux")
    with pytest.raises(ValueError, match="naive / rux.*3 distinct positive doses"):
        dr.select_model([0, 10, 100, 100], [1.0, 0.5, 0.1, 0.1], name="naive / rux")
