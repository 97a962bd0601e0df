"""C0/C5: the model-only in-vivo illustration (no mouse or patient data): treatment relieves disease
read-outs but the mutant clone persists (C0), and heterodimers rise with sustained JAK2 signalling
in the clone (C5).

Deterministic (no noise, no seed): the fast mode reads the same model out at the phase ends only
(the vectorised engine at one point, :func:`~jakpersist.model.population.phase_ends`; the same
arithmetic as :func:`~jakpersist.model.population.simulate_phase_ends`, which agrees with the daily
course to 1e-6, ``tests/test_model.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd

from ..model.params import ModelParams
from ..model.population import Dose, simulate
from .base import ClaimDetails, ClaimResult, decided
from .designs import C0_DEFAULTS, C0_RULE, C5_RULE, LEAD_IN_DAYS, in_vivo_schedule
from .common import model_of, settings
from .vectorised import evaluate_point

RULE0, RULE5 = C0_RULE, C5_RULE
LEAD_IN_DAYS = LEAD_IN_DAYS
DEFAULTS: dict[str, Any] = C0_DEFAULTS
#: C0 contrasts two outcomes (disease relieved, clone kept): a stronger heterodimer advantage keeps
#: the clone but also keeps the spleen read-out up, so no model parameter strengthens C0 as a whole.
EFFECT_PARAMS_C0: tuple[str, ...] = ()
EFFECT_PARAMS_C5 = ("hetero_advantage", "partner_max")


@dataclass(frozen=True)
class InVivoDetails(ClaimDetails):
    """What the in-vivo chapter draws, the same object for C0 and C5 (one simulated course serves
    both).

    ``sim``: the course, one row per day; ``schedule``: the doses; ``start`` / ``end`` /
    ``pause_end``: rows of ``sim`` at the start of treatment, its end and the end of the pause. Fast
    mode: ``mode``, ``schedule`` and ``mp`` only (its read-outs are the results' metrics).
    """

    mode: str = "full"
    sim: pd.DataFrame | None = None
    schedule: list[Dose] | None = None
    start: pd.Series | None = None
    end: pd.Series | None = None
    pause_end: pd.Series | None = None
    mp: ModelParams | None = None


#: Lead-in, treatment, pause, re-dosing (days) from the settings.
schedule_of = in_vivo_schedule


def run(
    params: Mapping[str, Any] | None = None, *, seed: int | None = None, mode: str = "full"
) -> dict[str, ClaimResult]:
    """Evaluate C0 and C5 on the simulated course; returns {"C0": ..., "C5": ...}.

    Read-outs are relative to the start of treatment (spleen, symptom indices; dimensionless) or
    fractions (mutant fraction, heterodimer share, pSTAT5 of the clone relative to the naive
    untreated level). Deterministic: ``seed`` changes nothing; ``mode="fast"`` uses the phase-end
    read-out of the vectorised engine at one point (the same read-outs to 1e-6).
    """
    if mode == "fast":
        return _fast(params)
    s = settings(DEFAULTS, params)
    mp = model_of(s)
    schedule = schedule_of(s)
    sim: pd.DataFrame = simulate(schedule, mp)
    start = sim.iloc[(sim.day - LEAD_IN_DAYS).abs().argmin()]
    end = sim.iloc[(sim.day - (LEAD_IN_DAYS + 7 * s["treatment_weeks"])).abs().argmin()]
    pause_end = sim.iloc[
        (sim.day - (LEAD_IN_DAYS + 7 * (s["treatment_weeks"] + s["pause_weeks"]))).abs().argmin()
    ]
    redose_end = sim.iloc[
        (
            sim.day
            - (LEAD_IN_DAYS + 7 * (s["treatment_weeks"] + s["pause_weeks"] + s["redose_weeks"]))
        )
        .abs()
        .argmin()
    ]
    clone_kept = end.mutant_fraction / start.mutant_fraction
    share_fold = end.hetero_share / start.hetero_share
    m0 = {
        "c0_spleen_end": end.spleen_index,
        "c0_symptom_end": end.symptom_index,
        "c0_fraction_start": start.mutant_fraction,
        "c0_fraction_end": end.mutant_fraction,
        "c0_clone_kept": clone_kept,
        "c0_spleen_pause": pause_end.spleen_index,
        "c0_spleen_redose": redose_end.spleen_index,
        "c0_treatment_weeks": s["treatment_weeks"],
    }
    m5 = {
        "c5_share_start": start.hetero_share,
        "c5_share_end": end.hetero_share,
        "c5_share_fold": share_fold,
        "c5_pstat5_end": end.pstat5_mutant,
    }
    details = InVivoDetails(
        mode=mode, sim=sim, schedule=schedule, start=start, end=end, pause_end=pause_end, mp=mp
    )
    c0 = decided(
        "C0",
        "model",
        RULE0.describe(),
        conditions=RULE0.conditions(end.spleen_index, end.symptom_index, clone_kept),
        metrics=m0,
        provenance={**{k: "model" for k in m0}, "c0_treatment_weeks": "parameter"},
        details=details,
    )
    c5 = decided(
        "C5",
        "model",
        RULE5.describe(),
        conditions=RULE5.conditions(share_fold, end.pstat5_mutant),
        metrics=m5,
        provenance={k: "model" for k in m5},
        details=details,
    )
    return {"C0": c0, "C5": c5}


def _fast(params: Mapping[str, Any] | None) -> dict[str, ClaimResult]:
    """C0 and C5 in the fast mode (the course read out at the phase ends only): the vectorised
    engine (:mod:`.vectorised`) at one point. Its details carry the schedule and the model, not the
    course (the read-outs are the metrics)."""
    res = evaluate_point(params, ("C0", "C5"))
    (c0, m0), (c5, m5) = res["C0"], res["C5"]
    s = settings(DEFAULTS, params)
    m0["c0_treatment_weeks"] = s["treatment_weeks"]
    details = InVivoDetails(mode="fast", schedule=schedule_of(s), mp=model_of(s))
    return {
        "C0": decided(
            "C0",
            "model",
            RULE0.describe(),
            conditions=c0,
            metrics=m0,
            provenance={**{k: "model" for k in m0}, "c0_treatment_weeks": "parameter"},
            details=details,
        ),
        "C5": decided(
            "C5",
            "model",
            RULE5.describe(),
            conditions=c5,
            metrics=m5,
            provenance={k: "model" for k in m5},
            details=details,
        ),
    }


def evaluate_c0(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: None = None,
    mode: str = "full",
) -> ClaimResult:
    """C0 alone (see :func:`run`); a model-only illustration, so it takes no data (the registry
    refuses it)."""
    return run(params, seed=seed, mode=mode)["C0"]


def evaluate_c5(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: None = None,
    mode: str = "full",
) -> ClaimResult:
    """C5 alone (see :func:`run`); a model-only illustration, so it takes no data (the registry
    refuses it)."""
    return run(params, seed=seed, mode=mode)["C5"]
