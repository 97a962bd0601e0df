"""Known answers for densitometry, ddCt and the relaxation half-time fit."""

import numpy as np
import pandas as pd
import pytest

from jakpersist.analysis import densitometry as dens
from jakpersist.analysis import qpcr, timecourse


def test_band_ratio_and_blot_normalisation():
    bands = pd.DataFrame(
        {
            "blot": [1, 1, 1, 1, 2, 2, 2, 2],
            "population": ["naive", "naive", "persistent", "persistent"] * 2,
            "target": ["pSTAT5", "loading"] * 4,
            "intensity": [100, 50, 300, 50, 20, 10, 60, 10],
        }
    )
    r = dens.relative_to(dens.band_ratio(bands, "pSTAT5", "loading"), "naive")
    assert r.loc[r.population == "persistent", "relative"].tolist() == pytest.approx([3.0, 3.0])
    with pytest.raises(ValueError, match="no bands for target 'pSTAT3'"):
        dens.band_ratio(bands, "pSTAT3", "loading")


def test_comparison_recovers_fold_and_is_significant():
    rng = np.random.default_rng(0)
    ratios = pd.DataFrame(
        {
            "population": ["naive"] * 6 + ["persistent"] * 6,
            "ratio": np.r_[np.exp(rng.normal(0, 0.1, 6)), 2 * np.exp(rng.normal(0, 0.1, 6))],
        }
    )
    c = dens.compare(ratios, "persistent", "naive")
    assert c.lo < 2 < c.hi and c.p < 1e-4


def test_ddct_known_answer():
    # JAK2 Ct 1 cycle lower in persistent cells at equal reference -> 2-fold
    rows = []
    for pop, shift in (("naive", 0.0), ("persistent", -1.0)):
        for rep, noise in enumerate((-0.05, 0.0, 0.05), start=1):
            rows += [(pop, rep, "JAK2", 24 + shift + noise), (pop, rep, "ACTB", 17 + noise)]
    ct = pd.DataFrame(rows, columns=["population", "replicate", "gene", "ct"])
    fc = qpcr.ddct(qpcr.delta_ct(ct), "persistent")
    assert (
        fc.fold == pytest.approx(2.0)
        and fc.lo == pytest.approx(2.0)
        and fc.hi == pytest.approx(2.0)
    )
    with pytest.raises(ValueError, match="exactly two genes"):
        qpcr.delta_ct(ct.assign(gene="JAK2"))


def test_half_time_fit_recovers_known_half_time():
    days = np.linspace(0, 14, 8)
    fold = np.exp(np.log(6.0) * np.exp(-np.log(2) * days / 4.0))
    ht = timecourse.fit_half_time(days, fold)
    assert ht.t_half == pytest.approx(4.0, rel=1e-6) and ht.status == "ok"
    flat = timecourse.fit_half_time(days, np.full(days.size, 6.0))
    assert flat.status == "no_decay"


def test_fold_sentences_keep_bounds_and_name_drugs_without_an_estimate():
    import pandas as pd

    from jakpersist.analysis.gi50 import fold_sentences

    inf, nan = float("inf"), float("nan")
    folds = pd.DataFrame(
        {
            "drug": ["rux", "fed", "jak1"],
            "fold": [30.2, 17.2, nan],
            "fold_lo": [22.9, 14.5, nan],
            "fold_hi": [inf, inf, nan],
            "bound": [None, "lower", None],
            "status": ["ok", "lower_bound", "not_estimable"],
        }
    )
    smallest, line = fold_sentences(folds, {"rux": "ruxolitinib"})
    assert smallest == "> 17.2 among the drugs with an estimate; jak1: no estimate"
    assert fold_sentences(folds, lowest_lo=14.5)[0] == (
        "> 17.2 (lowest bound of a 95% interval: 14.5) among the "
        "drugs with an estimate; jak1: no estimate"
    )
    assert line == (
        "Per drug: ruxolitinib **30.2**-fold (95% interval 22.90 to ∞); fed **> 17.2**-fold (95% "
        "interval 14.50 to ∞); jak1: no estimate."
    )
    assert fold_sentences(folds.iloc[2:])[0] == "not estimable for any drug"
