"""C0/C5: the model-only in-vivo illustration (no mouse or patient data): treatment relieves disease
read-outs but the mutant clone persists (C0), and heterodimers rise with sustained JAK2 signalling
in the clone (C5).

Deterministic (no noise, no seed): the fast mode reads the same model out at the phase ends only
(:func:`~jakpersist.model.population.simulate_phase_ends`, agreeing to ~1e-8).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd

from ..model.params import HSP90_INHIBITOR, ModelParams
from ..model.population import Dose, simulate, simulate_phase_ends
from .base import ClaimDetails, ClaimResult, decided
from .common import model_of, settings
from .rules import ClinicRule, InVivoRule
from .params import defaults_of

RULE0, RULE5 = ClinicRule(), InVivoRule()
LEAD_IN_DAYS = 14.0  # untreated days before treatment starts (assumption; lets the clone settle)
DEFAULTS: dict[str, Any] = defaults_of(
    (
        "treatment",
        "chronic_dose_nM",
        "hsp90_dose_nM",
        "treatment_weeks",
        "pause_weeks",
        "redose_weeks",
        "hetero_advantage",
        "trans_gating",
        "partner_max",
        "vivo_turnover",
        "vivo_normal_fitness",
        "vivo_normal_drug_effect",
    )
)
#: C0 contrasts two outcomes (disease relieved, clone kept): a stronger heterodimer advantage keeps
#: the clone but also keeps the spleen read-out up, so no model parameter strengthens C0 as a whole.
EFFECT_PARAMS_C0: tuple[str, ...] = ()
EFFECT_PARAMS_C5 = ("hetero_advantage", "partner_max")


@dataclass(frozen=True)
class InVivoDetails(ClaimDetails):
    """What the in-vivo chapter draws, the same object for C0 and C5 (one simulated course serves
    both).

    ``sim``: the course, one row per day (fast mode: per phase end); ``schedule``: the doses;
    ``start`` / ``end`` / ``pause_end``: rows of ``sim`` at the start of treatment, its end and the
    end of the pause.
    """

    mode: str = "full"
    sim: pd.DataFrame | None = None
    schedule: list[Dose] | None = None
    start: pd.Series | None = None
    end: pd.Series | None = None
    pause_end: pd.Series | None = None
    mp: ModelParams | None = None


def schedule_of(s: Mapping[str, Any]) -> list[Dose]:
    """Lead-in, treatment, pause, re-dosing (days) from the settings."""
    dose = s["hsp90_dose_nM"] if s["treatment"] == HSP90_INHIBITOR else s["chronic_dose_nM"]
    tr = s["treatment"]
    return [
        Dose(LEAD_IN_DAYS, tr, 0.0),
        Dose(7 * s["treatment_weeks"], tr, dose),
        Dose(7 * s["pause_weeks"], tr, 0.0),
        Dose(7 * s["redose_weeks"], tr, dose),
    ]


def run(
    params: Mapping[str, Any] | None = None, *, seed: int | None = None, mode: str = "full"
) -> dict[str, ClaimResult]:
    """Evaluate C0 and C5 on the simulated course; returns {"C0": ..., "C5": ...}.

    Read-outs are relative to the start of treatment (spleen, symptom indices; dimensionless) or
    fractions (mutant fraction, heterodimer share, pSTAT5 of the clone relative to the naive
    untreated level). Deterministic: ``seed`` changes nothing; ``mode="fast"`` uses the phase-end
    read-out (same numbers to ~1e-8).
    """
    s = settings(DEFAULTS, params)
    mp = model_of(s)
    schedule = schedule_of(s)
    sim: pd.DataFrame = (
        simulate_phase_ends(schedule, mp) if mode == "fast" else simulate(schedule, mp)
    )
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
