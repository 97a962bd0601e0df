"""C6/C7: persistent cells still depend on JAK2 (shRNA knock-down) and the HSP90 inhibitor PU-H71,
which degrades JAK2, keeps its potency in them while the JAK2 inhibitor loses it.

One simulated experiment (one random stream, as on the page): JAK2 knock-down growth (C6), PU-H71
and JAK2 inhibitor plates (C7), then a JAK2 degradation blot and a Bliss combination matrix (shown,
not decisive).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import assays
from ..analysis import combination
from ..analysis import densitometry as dens
from ..analysis import gi50
from ..model.params import HSP90_INHIBITOR, ModelParams
from ..model.signalling import CellState
from .base import ClaimDetails, ClaimResult, decided
from .designs import C6_DEFAULTS, C6_RULE, C7_RULE
from .common import fold_bound, setup
from .vectorised import evaluate_point

RULE6, RULE7 = C6_RULE, C7_RULE
DEFAULTS: dict[str, Any] = C6_DEFAULTS
#: C6: a stronger JAK2 knock-down can only deepen the dependence it shows.
EFFECT_PARAMS_C6 = ("knockdown_fraction",)
#: C7: a larger heterodimer advantage widens the JAK2 inhibitor's loss, which C7 contrasts PU-H71
#: with.
EFFECT_PARAMS_C7 = ("hetero_advantage",)


@dataclass(frozen=True)
class C6Details(ClaimDetails):
    """What the C6 section draws. Fast mode: ``mode`` only.

    ``kd``: the knock-down growth table (viability relative to the control shRNA, pSTAT5);
    ``growth``: mean and s.e.m. of growth per population; ``pstat5_ratio``: population -> pSTAT5
    with / without shJAK2; ``populations``, ``persistent``, ``naive``, ``z``, ``mp``: the cells and
    model behind both claims.
    """

    mode: str = "full"
    kd: pd.DataFrame | None = None
    growth: pd.DataFrame | None = None
    pstat5_ratio: dict[str, float] | None = None
    populations: dict[str, CellState] | None = None
    persistent: CellState | None = None
    naive: CellState | None = None
    z: float | None = None
    mp: ModelParams | None = None


@dataclass(frozen=True)
class C7Details(ClaimDetails):
    """What the C7 section draws. Fast mode: ``mode`` only.

    ``plate`` / ``summary`` / ``fits`` / ``folds``: PU-H71 and JAK2-inhibitor plates and GI50 folds
    (indexed by drug); ``jak2_loss``: population -> JAK2 left after PU-H71 (blot comparison);
    ``bliss``: Bliss excess matrix; ``doses``: the dilution series (nM); ``populations``,
    ``persistent``, ``naive``, ``z``, ``mp`` as in C6.
    """

    mode: str = "full"
    plate: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None
    fits: dict[Any, Any] | None = None
    folds: pd.DataFrame | None = None
    jak2_loss: dict[str, Any] | None = None
    bliss: pd.DataFrame | None = None
    doses: np.ndarray | None = None
    populations: dict[str, CellState] | None = None
    persistent: CellState | None = None
    naive: CellState | None = None
    z: float | None = None
    mp: ModelParams | None = None


def run(
    params: Mapping[str, Any] | None = None, *, seed: int | None = None, mode: str = "full"
) -> dict[str, ClaimResult]:
    """Evaluate C6 and C7 from one simulated experiment; returns {"C6": ..., "C7": ...}.

    Growth is relative to a control shRNA (fraction), pSTAT5 relative to control, GI50 ratios
    dimensionless. ``mode="fast"``: noise-free model read-outs. Raises ValueError for unknown
    parameters.
    """
    if mode == "fast":
        return _fast(params)
    s, mp, z, naive, persistent = setup(DEFAULTS, params, seed, mode=mode)
    drug = s["selection_drug"]
    populations = {"naive": naive, "persistent": persistent}
    kd_frac = s["knockdown_fraction"]

    rng = np.random.default_rng(s["seed"])
    kd = assays.knockdown_growth(
        populations, kd_frac, mp, rng=rng, n_replicates=s["n_replicates"], noise_sd=s["noise_sd"]
    )
    growth = kd[kd.shRNA != "control"].groupby("population")["viability"].agg(["mean", "sem"])
    pst = kd.groupby(["population", "shRNA"])["pstat5"].first().unstack("shRNA")
    pst_ratio = (pst["shJAK2"] / pst["control"]).to_dict()
    m6 = {
        "c6_kd_percent": 100 * kd_frac,
        "c6_growth_naive": growth.loc["naive", "mean"],
        "c6_growth_persistent": growth.loc["persistent", "mean"],
        "c6_pstat5_ratio_persistent": pst_ratio["persistent"],
    }
    c6 = decided(
        "C6",
        "model",
        RULE6.describe(),
        conditions=RULE6.conditions(
            growth.loc["persistent", "mean"], growth.loc["naive", "mean"], pst_ratio["persistent"]
        ),
        metrics=m6,
        provenance={**{k: "model" for k in m6}, "c6_kd_percent": "parameter"},
        details=C6Details(mode="full", kd=kd, growth=growth, pstat5_ratio=pst_ratio),
    )

    doses = assays.dilution_series(10000.0, 10, 3.0)
    plate = assays.plate_viability(
        populations,
        [HSP90_INHIBITOR, drug],
        doses,
        mp=mp,
        rng=rng,
        n_replicates=s["n_replicates"],
        noise_sd=s["noise_sd"],
    )
    summary, fits, boots = gi50.fit_all_curves(plate, s["n_boot"], rng)
    folds = gi50.fold_table(summary, fits, boots).set_index("drug")
    hsp, jak = folds.loc[HSP90_INHIBITOR], folds.loc[drug]
    m7 = {
        "c7_puh71_ratio": hsp.fold,
        "c7_puh71_ratio_lo": hsp.fold_lo,
        "c7_puh71_ratio_hi": hsp.fold_hi,
        "c7_inhibitor_fold": jak.fold,
    }
    hb = fold_bound(hsp)
    hr_use = hsp.fold if hb != "lower" else float("nan")
    conds7 = RULE7.conditions(hr_use, hsp.fold_hi, jak.fold, inhibitor_bound=fold_bound(jak))

    jbands = assays.jak2_blot(
        populations,
        s["hsp90_dose_nM"],
        mp,
        rng=rng,
        n_blots=s["n_blots"],
        noise_sd=s["band_noise_sd"],
    )
    ratios = dens.band_ratio(jbands, "JAK2", "loading")
    loss = {}
    for pop in populations:
        sub = ratios[ratios.population.str.startswith(pop + " ")].copy()
        sub["population"] = sub["population"].str.replace(pop + " ", "", regex=False)
        loss[pop] = dens.compare(sub, HSP90_INHIBITOR, "vehicle")
        m7[f"c7_jak2_left_{pop}"] = loss[pop].fold
    m7["c7_hsp90_dose_nM"] = s["hsp90_dose_nM"]
    mat = assays.combination_matrix(
        persistent,
        drug,
        np.r_[0, doses[3::2]],
        hsp90_doses_nM=np.r_[0, [10, 30, 100, 300, 1000]],
        mp=mp,
        rng=rng,
        n_replicates=s["n_replicates"],
        noise_sd=s["noise_sd"],
    )
    bliss = combination.bliss_excess(mat)
    m7["c7_bliss_mean_excess"] = combination.mean_excess(bliss)
    c7 = decided(
        "C7",
        "model",
        RULE7.describe(),
        conditions=conds7,
        metrics=m7,
        provenance={**{k: "model" for k in m7}, "c7_hsp90_dose_nM": "parameter"},
        details=C7Details(
            mode="full",
            plate=plate,
            summary=summary,
            fits=fits,
            folds=folds,
            jak2_loss=loss,
            bliss=bliss,
            doses=doses,
        ),
    )
    for r in (c6, c7):
        r.details = replace(
            r.details, populations=populations, persistent=persistent, naive=naive, z=z, mp=mp
        )
    return {"C6": c6, "C7": c7}


def _fast(params: Mapping[str, Any] | None) -> dict[str, ClaimResult]:
    """C6 and C7 in the fast mode (noise-free model read-outs): the vectorised engine
    (:mod:`.vectorised`) at one point."""
    res = evaluate_point(params, ("C6", "C7"))
    (c6, m6), (c7, m7) = res["C6"], res["C7"]
    return {
        "C6": decided(
            "C6",
            "model",
            RULE6.describe(),
            conditions=c6,
            metrics=m6,
            provenance={k: "model" for k in m6},
            details=C6Details(mode="fast"),
        ),
        "C7": decided(
            "C7",
            "model",
            RULE7.describe(),
            conditions=c7,
            metrics=m7,
            provenance={k: "model" for k in m7},
            details=C7Details(mode="fast"),
        ),
    }


def evaluate_c6(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: None = None,
    mode: str = "full",
) -> ClaimResult:
    """C6 alone (see :func:`run`); there is no reader-data format for this chapter (the registry
    refuses data)."""
    return run(params, seed=seed, mode=mode)["C6"]


def evaluate_c7(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: None = None,
    mode: str = "full",
) -> ClaimResult:
    """C7 alone (see :func:`run`); there is no reader-data format for this chapter (the registry
    refuses data)."""
    return run(params, seed=seed, mode=mode)["C7"]
