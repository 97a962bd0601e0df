"""C3/C4: persistence is reversible (GI50 fold after withdrawal and re-challenge) and JAK2
expression follows.

One experiment serves both claims (one random stream, as on the page): GI50 plates at the end of
each phase and during withdrawal (C3, always simulated), then JAK2 qPCR (C4, simulated or the
reader's Ct CSV). :func:`run` returns both results; :func:`evaluate_c3` and :func:`evaluate_c4` are
the per-claim functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import assays, model
from ..analysis import doseresponse as dr
from ..analysis import gi50, qpcr, timecourse
from ..analysis.gi50 import log10_se
from ..assays import dilution_series, plate_viability
from ..model.dynamics import Phase, adaptation_after, simulate_schedule
from ..model.params import ModelParams
from ..model.signalling import CellState, state_from_adaptation
from .base import ClaimDetails, ClaimResult, decided
from .designs import C3_DEFAULTS, C3_RULE, C3_STAGES, C4_RULE, reversal_schedule
from .common import fold_bound, model_of, settings
from .vectorised import evaluate_point

RULE3, RULE4 = C3_RULE, C4_RULE
STAGES = C3_STAGES
DEFAULTS: dict[str, Any] = C3_DEFAULTS
#: C3 has two opposing halves (persistence, then its loss), so most parameters help one and hurt the
#: other; a longer re-challenge only deepens the regained persistence and leaves the other stages
#: alone.
EFFECT_PARAMS_C3 = ("rechallenge_days",)
EFFECT_PARAMS_C4 = ("jak2_max",)


@dataclass(frozen=True)
class C3Details(ClaimDetails):
    """What the C3 chapter draws. Fast mode: ``mode`` only.

    ``t`` / ``zs``: the adaptation state over the schedule (days, 0-1); ``z_at``: its value at the
    end of each stage; ``stages``: cell states per stage; ``plate`` / ``summary`` / ``fits`` /
    ``folds``: the GI50 plates and folds per stage; ``course``: :func:`withdrawal_course`;
    ``half_time``: the fitted half-time (days); ``schedule``: the phases (:func:`schedule_of`).
    """

    mode: str = "full"
    t: np.ndarray | None = None
    zs: np.ndarray | None = None
    z_at: dict[str, float] | None = None
    stages: dict[str, CellState] | None = None
    plate: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None
    fits: dict[Any, Any] | None = None
    folds: pd.DataFrame | None = None
    course: pd.DataFrame | None = None
    half_time: Any = None
    mp: ModelParams | None = None
    schedule: list[Phase] | None = None


@dataclass(frozen=True)
class C4Details(ClaimDetails):
    """What the C4 chapter section draws. Fast mode: ``mode`` only.

    ``ct``: tidy Ct table (simulated or the reader's); ``dct``: ΔCt per sample; ``fc``: population
    -> ΔΔCt fold change of JAK2 versus naive (:func:`jakpersist.analysis.qpcr.ddct`); ``simulated``:
    False for the reader's file.
    """

    mode: str = "full"
    ct: pd.DataFrame | None = None
    dct: pd.DataFrame | None = None
    fc: dict[str, Any] | None = None
    simulated: bool = True


def withdrawal_course(
    mp: ModelParams,
    drug: str,
    chronic_dose_nM: float,
    *,
    chronic_days: float,
    withdrawal_days: float,
    n_timepoints: int,
    rng: np.random.Generator,
    n_replicates: int,
    noise_sd: float,
    hours: float = 72.0,
) -> pd.DataFrame:
    """GI50 fold (vs naive, same day) at evenly spaced days after withdrawal, from simulated plates.

    Returns one row per day: day, z (model adaptation state), fold, se_log (s.e. of ln fold, delta
    method), status. Day 0 is the end of chronic exposure.
    """
    naive = state_from_adaptation(0.0, mp)
    z_end = adaptation_after([Phase(chronic_days, chronic_dose_nM, drug)], mp)
    doses = dilution_series(10000.0, 10, 3.0)
    rows = []
    for day in np.linspace(0.0, withdrawal_days, n_timepoints):
        z = adaptation_after([Phase(float(day), 0.0, drug)], mp, z0=z_end)
        pops = {"naive": naive, "withdrawn": state_from_adaptation(z, mp)}
        plate = plate_viability(
            pops,
            [drug],
            doses,
            mp=mp,
            rng=rng,
            n_replicates=n_replicates,
            noise_sd=noise_sd,
            hours=hours,
        )
        est = {}
        for pop, g in plate.groupby("population"):
            fit, _ = dr.select_model(g["dose_nM"], g["viability"])
            est[pop] = fit.gi50_absolute()
        ok = est["naive"].ok and est["withdrawn"].ok
        fold = est["withdrawn"].value / est["naive"].value if ok else float("nan")
        se = (
            np.hypot(log10_se(est["naive"]), log10_se(est["withdrawn"])) * np.log(10)
            if ok
            else float("nan")
        )
        rows.append(
            {
                "day": float(day),
                "z": z,
                "fold": fold,
                "se_log": se,
                "status": "ok" if ok else f"{est['naive'].status}/{est['withdrawn'].status}",
            }
        )
    return pd.DataFrame(rows)


#: Chronic exposure, withdrawal, re-challenge (days, nM) from the settings.
schedule_of = reversal_schedule


def run(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: pd.DataFrame | None = None,
    mode: str = "full",
) -> dict[str, ClaimResult]:
    """Evaluate C3 and C4 from one experiment; returns {"C3": ..., "C4": ...}.

    ``data``: the reader's tidy Ct table (:func:`jakpersist.loaders.readers.read_qpcr`) for C4; C3
    stays a model result (its plates are simulated) and says so. ``mode="fast"``: noise-free model
    GI50 folds and JAK2 levels (p = 0). Folds are dimensionless, the half-time in days. Raises
    ValueError for unknown parameters.
    """
    if mode == "fast":
        return _fast(params)
    s = settings(DEFAULTS, params)
    if seed is not None:
        s["seed"] = int(seed)
    mp = model_of(s)
    drug = s["selection_drug"]
    sched = schedule_of(s)
    t, zs = simulate_schedule(sched, mp, points_per_day=2)
    ends = np.cumsum([p.days for p in sched])
    z_at = {name: float(np.interp(day, t, zs)) for name, day in zip(STAGES, ends, strict=False)}
    naive = model.state_from_adaptation(0.0, mp)
    stages = {"naive": naive, **{k: model.state_from_adaptation(v, mp) for k, v in z_at.items()}}
    m3: dict[str, Any] = {
        "c3_chronic_days": s["chronic_days"],
        "c3_dose_nM": s["chronic_dose_nM"],
        "c3_withdrawal_days": s["withdrawal_days"],
        "c3_rechallenge_days": s["rechallenge_days"],
    }
    p3 = {k: "parameter" for k in m3}
    for k, v in z_at.items():
        m3[f"c3_z_{k.replace('-', '')}"] = v
        p3[f"c3_z_{k.replace('-', '')}"] = "model"

    rng = np.random.default_rng(s["seed"])
    doses = assays.dilution_series(10000.0, 10, 3.0)
    plate = assays.plate_viability(
        stages,
        [drug],
        doses,
        mp=mp,
        rng=rng,
        n_replicates=s["n_replicates"],
        noise_sd=s["noise_sd"],
    )
    summary, fits, boots = gi50.fit_all_curves(plate, s["n_boot"], rng)
    folds = gi50.fold_table(summary, fits, boots, tests=STAGES).set_index("cells")
    for st in STAGES:
        key = st.replace("-", "")
        for col, name in (
            ("fold", "c3_fold_"),
            ("fold_lo", "c3_fold_lo_"),
            ("fold_hi", "c3_fold_hi_"),
        ):
            m3[name + key] = folds.loc[st, col]
            p3[name + key] = "model"
    course = withdrawal_course(
        mp,
        drug,
        s["chronic_dose_nM"],
        chronic_days=s["chronic_days"],
        withdrawal_days=s["withdrawal_days"],
        n_timepoints=s["n_timepoints"],
        rng=rng,
        n_replicates=s["n_replicates"],
        noise_sd=s["noise_sd"],
    )
    good = course[course.status == "ok"]
    ht = timecourse.fit_half_time(good.day, good.fold, good.se_log)
    m3.update(
        c3_n_timepoints=s["n_timepoints"],
        c3_half_time=ht.t_half,
        c3_half_time_lo=ht.lo,
        c3_half_time_hi=ht.hi,
    )
    p3.update(
        c3_n_timepoints="parameter",
        c3_half_time="model",
        c3_half_time_lo="model",
        c3_half_time_hi="model",
    )
    bounds = {st: fold_bound(folds.loc[st]) for st in STAGES}
    c3 = decided(
        "C3",
        "model",
        RULE3.describe(),
        conditions=RULE3.conditions(*(folds.loc[st, "fold"] for st in STAGES), bounds=bounds),
        metrics=m3,
        provenance=p3,
        details=C3Details(
            mode="full",
            t=t,
            zs=zs,
            z_at=z_at,
            stages=stages,
            plate=plate,
            summary=summary,
            fits=fits,
            folds=folds,
            course=course,
            half_time=ht,
            mp=mp,
            schedule=sched,
        ),
    )

    simulated = data is None
    ct = assays.qpcr_ct({k: v.jak2 for k, v in stages.items()}, rng) if simulated else data
    dct = qpcr.delta_ct(ct)
    order = [p for p in ("naive", *STAGES) if p in set(dct.population)]
    order += sorted(set(dct.population) - set(order))
    fc = {pop: qpcr.ddct(dct, pop) for pop in order if pop != "naive"}
    m4, p4 = {}, {}
    for pop, f in fc.items():
        key = pop.replace("-", "")
        m4[f"c4_jak2_{key}"], m4[f"c4_jak2_p_{key}"] = f.fold, f.p
    origin = "model" if simulated else "data"
    p4 = {k: origin for k in m4}
    pers = fc.get("persistent")
    conds = RULE4.conditions(
        pers.fold if pers else float("nan"),
        pers.p if pers else float("nan"),
        fc["withdrawn"].fold if "withdrawn" in fc else None,
    )
    c4 = decided(
        "C4",
        "model" if simulated else "reader-data",
        RULE4.describe(),
        conditions=conds,
        metrics=m4,
        provenance=p4,
        details=C4Details(mode="full", ct=ct, dct=dct, fc=fc, simulated=simulated),
    )
    return {"C3": c3, "C4": c4}


def _fast(params: Mapping[str, Any] | None) -> dict[str, ClaimResult]:
    """C3 and C4 in the fast mode (model GI50 folds and JAK2 levels, p = 0): the vectorised engine
    (:mod:`.vectorised`) at one point."""
    res = evaluate_point(params, ("C3", "C4"))
    (c3, m3), (c4, m4) = res["C3"], res["C4"]
    s = settings(DEFAULTS, params)
    p3 = {
        "c3_chronic_days": "parameter",
        "c3_dose_nM": "parameter",
        "c3_withdrawal_days": "parameter",
        "c3_rechallenge_days": "parameter",
        **{f"c3_z_{k.replace('-', '')}": "model" for k in STAGES},
    }
    m3.update(
        c3_chronic_days=s["chronic_days"],
        c3_dose_nM=s["chronic_dose_nM"],
        c3_withdrawal_days=s["withdrawal_days"],
        c3_rechallenge_days=s["rechallenge_days"],
    )
    return {
        "C3": decided(
            "C3",
            "model",
            RULE3.describe(),
            conditions=c3,
            metrics=m3,
            provenance=p3,
            details=C3Details(mode="fast"),
        ),
        "C4": decided(
            "C4",
            "model",
            RULE4.describe(),
            conditions=c4,
            metrics=m4,
            provenance={k: "model" for k in m4},
            details=C4Details(mode="fast"),
        ),
    }


def evaluate_c3(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: None = None,
    mode: str = "full",
) -> ClaimResult:
    """C3 alone (see :func:`run`); its plates are always simulated, so it takes no data (the
    registry refuses it)."""
    return run(params, seed=seed, mode=mode)["C3"]


def evaluate_c4(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: pd.DataFrame | None = None,
    mode: str = "full",
) -> ClaimResult:
    """C4 alone (see :func:`run`); ``data`` is the reader's tidy Ct table."""
    return run(params, seed=seed, data=data, mode=mode)["C4"]
