"""C1: persistent cells need much more JAK2 inhibitor, for every inhibitor, and keep STAT5
signalling.

Experiment (model, or the reader's plate CSV) -> analysis (LL4/LL3 fits, bootstrap GI50s, folds) ->
rule (:class:`~jakpersist.claims.rules.PersistenceRule`). ``evaluate`` is what the chapter, the
tests and the atlas call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import assays, model
from ..analysis import gi50, growth
from ..model.params import DRUGS
from ..model.params import ModelParams
from ..model.signalling import CellState
from .base import ClaimDetails, ClaimResult, decided
from .designs import C1_DEFAULTS, C1_RULE
from .common import fold_bound, settings, setup
from .vectorised import evaluate_point

RULE = C1_RULE
#: The chapter's defaults (notebooks/c1_persistence.md's parameters cell; a test keeps the two
#: equal).
DEFAULTS: dict[str, Any] = C1_DEFAULTS
#: Model parameters whose increase makes the mechanism behind C1 stronger (the margin must not
#: fall).
EFFECT_PARAMS = ("hetero_advantage", "partner_max")


@dataclass(frozen=True)
class C1Details(ClaimDetails):
    """What the C1 chapter draws. Fast mode: ``mode`` and ``z`` only.

    ``plate``: tidy viability table (simulated or the reader's); ``summary`` / ``fits`` / ``boots``
    / ``folds``: :func:`jakpersist.analysis.gi50.fit_all_curves` and
    :func:`~jakpersist.analysis.gi50.fold_table`; ``populations``: naive and persistent cell states;
    ``d_cut`` (nM) and ``retained`` (fraction of naive untreated JAK2-dependent pSTAT5):
    :func:`jak2_dependent_cut`; ``simulated``: False for the reader's plate.
    """

    mode: str = "full"
    z: float | None = None
    plate: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None
    fits: dict[Any, Any] | None = None
    boots: dict[Any, Any] | None = None
    folds: pd.DataFrame | None = None
    populations: dict[str, CellState] | None = None
    persistent: CellState | None = None
    d_cut: float | None = None
    retained: float | None = None
    simulated: bool = True
    mp: ModelParams | None = None


def jak2_dependent_cut(
    naive: Any, persistent: Any, drug: str, *, mp: Any, fast: bool = False
) -> tuple[float, float]:
    """The rule's signalling condition on the JAK2-dependent part of pSTAT5 (pSTAT5 minus the
    JAK2-independent ``bypass``), as the rule's text says ("20% of its untreated level").

    Returns ``(d_cut, retained)``: the dose (nM) of ``drug`` at which the naive cells'
    JAK2-dependent pSTAT5 falls to ``RULE.naive_pstat5_cut`` of its untreated value, and the
    persistent cells' JAK2-dependent pSTAT5 at that dose as a fraction of the naive untreated
    JAK2-dependent pSTAT5. Both are nan (undefined, not a failure) when naive cells have no
    JAK2-dependent signal or the dose lies outside 1 pM to 10 mM.
    """
    b = float(mp.bypass)
    naive0 = float(model.pstat5(0.0, naive, drug, mp=mp)) - b
    if not naive0 > 0:
        return float("nan"), float("nan")
    target = (
        b + RULE.naive_pstat5_cut * naive0
    )  # naive pSTAT5 whose JAK2-dependent part is 20% of untreated
    d_cut = (model.dose_for_signal_grid if fast else model.dose_for_signal)(
        target, naive, drug, mp=mp
    )
    if not np.isfinite(d_cut):
        return float("nan"), float("nan")
    return float(d_cut), float((model.pstat5(d_cut, persistent, drug, mp=mp) - b) / naive0)


def evaluate(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: pd.DataFrame | None = None,
    mode: str = "full",
) -> ClaimResult:
    """Evaluate C1.

    ``params``: chapter parameters (defaults :data:`DEFAULTS`; any model parameter too). ``seed``
    overrides ``params['seed']``. ``data``: a tidy plate table (columns population, drug, dose_nM,
    replicate, viability; :func:`jakpersist.loaders.readers.read_plate`) instead of the simulated
    plate; the pSTAT5 condition is then dropped (a plate does not measure it). ``mode="fast"``:
    noise-free model read-outs (model GI50s, no wells, no bootstrap), for the atlas; ``"full"``:
    simulated wells with noise, fits and bootstrap, as on the page.

    Metrics are the chapter's glue keys (GI50s in nM, folds dimensionless, pSTAT5 as a fraction of
    the naive untreated level). Raises ValueError for unknown parameters.
    """
    if mode == "fast":
        return _fast(params)
    s, mp, z, naive, persistent = setup(DEFAULTS, params, seed, mode=mode)
    drug0 = s["selection_drug"]
    populations = {"naive": naive, "persistent": persistent}
    d_cut, retained = jak2_dependent_cut(naive, persistent, drug0, mp=mp)
    metrics: dict[str, Any] = {"c1_adaptation": z, "c1_assay_hours": s["assay_hours"]}
    provenance = {"c1_adaptation": "model", "c1_assay_hours": "parameter"}

    rng = np.random.default_rng(s["seed"])
    simulated = data is None
    doses = assays.dilution_series(s["top_dose_nM"], s["n_doses"], s["dilution"])
    if simulated:
        plate = assays.plate_viability(
            populations,
            list(DRUGS),
            doses,
            mp=mp,
            rng=rng,
            n_replicates=s["n_replicates"],
            noise_sd=s["noise_sd"],
            hours=s["assay_hours"],
        )
    else:
        plate = data
    origin = "model" if simulated else "data"
    metrics["c1_n_doses"] = int(plate.loc[plate.dose_nM > 0, "dose_nM"].nunique())
    metrics["c1_n_replicates"] = int(plate.groupby(["population", "drug", "dose_nM"]).size().max())
    metrics["c1_n_boot"] = s["n_boot"]
    summary, fits, boots = gi50.fit_all_curves(plate, s["n_boot"], rng)
    folds = gi50.fold_table(summary, fits, boots)
    for _, r in folds.iterrows():
        metrics[f"c1_fold_{r.drug}"] = r.fold
        metrics[f"c1_fold_lo_{r.drug}"] = r.fold_lo
        metrics[f"c1_fold_hi_{r.drug}"] = r.fold_hi
    for _, r in summary.iterrows():
        metrics[f"c1_gi50_{r.population}_{r.drug}"] = (
            r.GI50_nM if pd.notna(r.GI50_nM) else float("nan")
        )
    metrics["c1_min_fold"] = folds["fold"].min()
    metrics["c1_min_fold_lo"] = folds["fold_lo"].min()
    metrics["c1_cut_dose_nM"] = d_cut
    metrics["c1_retained_pstat5"] = retained
    for k in metrics:
        provenance.setdefault(k, origin)
    provenance.update(c1_cut_dose_nM="model", c1_retained_pstat5="model", c1_n_boot="parameter")
    # GR50 fold from the same populations' cell counts (own random stream: the plate above is
    # unchanged)
    if simulated:
        counts = assays.plate_counts(
            populations,
            list(DRUGS),
            doses,
            mp=mp,
            rng=np.random.default_rng([s["seed"], 1]),
            n_replicates=s["n_replicates"],
            noise_sd=s["noise_sd"],
            hours=s["assay_hours"],
        )
        gr = growth.gr50_fold(counts)
        for r in gr.itertuples():
            metrics[f"c1_gr50_fold_{r.drug}"] = r.fold
            provenance[f"c1_gr50_fold_{r.drug}"] = "model"
        metrics["c1_min_gr50_fold"] = float(gr["fold"].min())
        provenance["c1_min_gr50_fold"] = "model"
    by_drug = {r.drug: (r.fold, r.fold_lo) for _, r in folds.iterrows()}
    bounds = {r.drug: fold_bound(r) for _, r in folds.iterrows()}
    conds = RULE.conditions(by_drug, retained if simulated else None, bounds)
    return decided(
        "C1",
        "model" if simulated else "reader-data",
        RULE.describe(),
        conditions=conds,
        metrics=metrics,
        provenance=provenance,
        details=C1Details(
            mode="full",
            plate=plate,
            summary=summary,
            fits=fits,
            boots=boots,
            folds=folds,
            populations=populations,
            persistent=persistent,
            z=z,
            d_cut=d_cut,
            retained=retained,
            simulated=simulated,
            mp=mp,
        ),
    )


def _fast(params: Mapping[str, Any] | None) -> ClaimResult:
    """C1 in the fast mode: the vectorised engine (:mod:`.vectorised`) at one point."""
    conds, metrics = evaluate_point(params, ("C1",))["C1"]
    metrics["c1_assay_hours"] = settings(DEFAULTS, params)["assay_hours"]
    return decided(
        "C1",
        "model",
        RULE.describe(),
        conditions=conds,
        metrics=metrics,
        provenance={"c1_adaptation": "model", "c1_assay_hours": "parameter"},
        details=C1Details(mode="fast", z=metrics["c1_adaptation"]),
    )
