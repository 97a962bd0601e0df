"""Chapter-level analysis steps: from a tidy measurement table to the numbers a verdict uses.

These functions work the same on simulated tables (:mod:`jakpersist.assays`) and on the reader's own
tables (:mod:`jakpersist.readers`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import doseresponse as dr
from .dynamics import Phase, adaptation_after
from .model import CellState, state_from_adaptation
from .params import ModelParams


def persistent_state(mp: ModelParams, drug: str, dose_nM: float, days: float) -> tuple[float, CellState]:
    """Adaptation state and cell state after ``days`` under ``dose_nM`` of ``drug``, from naive."""
    z = adaptation_after([Phase(days, dose_nM, drug)], mp)
    return z, state_from_adaptation(z, mp)


def fit_all_curves(plate: pd.DataFrame, n_boot: int, rng: np.random.Generator
                   ) -> tuple[pd.DataFrame, dict[tuple[str, str], dr.CurveFit], dict[tuple[str, str], np.ndarray]]:
    """Fit every (population, drug) curve (LL4 or LL3 by AIC) and bootstrap its absolute GI50.

    Returns (summary table, fits, bootstrap log10-GI50 samples). GI50s in nM.
    """
    rows, fits, boots = [], {}, {}
    for (pop, drug), g in plate.groupby(["population", "drug"], sort=False):
        fit, aics = dr.select_model(g["dose_nM"], g["viability"])
        est, samples = dr.bootstrap_estimate(fit, n_boot, rng)
        delta = fit.gi50_absolute()
        fits[(pop, drug)], boots[(pop, drug)] = fit, samples
        rows.append({
            "population": pop, "drug": drug, "model": fit.model, "status": fit.status,
            "AIC_LL4": aics["LL4"], "AIC_LL3": aics["LL3"], "hill": fit.params["hill"],
            "bottom": fit.params["bottom"], "F_flat_p": fit.p_flat,
            "GI50_nM": est.value, "GI50": est.text(),
            "boot_lo_nM": est.lo, "boot_hi_nM": est.hi,
            "delta_lo_nM": delta.lo, "delta_hi_nM": delta.hi,
            "GI50_rel_nM": fit.gi50_relative().value,
        })
    return pd.DataFrame(rows), fits, boots


def fold_table(summary: pd.DataFrame, fits: dict, boots: dict, tests: tuple[str, ...] = ("persistent",),
               reference: str = "naive") -> pd.DataFrame:
    """GI50 fold shift of each population in ``tests`` over ``reference``, per drug (column ``cells`` names
    the population), with a bootstrap 95% interval and a shift F-test.

    A fold whose test GI50 lies above the top dose is reported as a lower bound (status ``lower_bound``).
    """
    rows = []
    s = summary.set_index(["population", "drug"])
    for test, drug in ((t, d) for t in tests for d in summary["drug"].unique()):
        if (test, drug) not in s.index or (reference, drug) not in s.index:
            continue
        a, b = s.loc[(reference, drug)], s.loc[(test, drug)]
        lo, hi = dr.ratio_interval(boots[(reference, drug)], boots[(test, drug)])
        shift = dr.shift_test(fits[(reference, drug)], fits[(test, drug)])
        if pd.notna(a["GI50_nM"]) and pd.notna(b["GI50_nM"]):
            fold, status = float(b["GI50_nM"] / a["GI50_nM"]), "ok"
        elif pd.notna(a["GI50_nM"]) and fits[(test, drug)].gi50_absolute().status == "above_range":
            fold, status = float(fits[(test, drug)].dose_range[1] / a["GI50_nM"]), "lower_bound"
        else:
            fold, status = float("nan"), "not_estimable"
        rows.append({"cells": test, "drug": drug, "fold": fold, "fold_lo": lo, "fold_hi": hi, "status": status,
                     "shift_F": shift.F, "shift_p": shift.p})
    return pd.DataFrame(rows)


def _p_text(p: float) -> str:
    if not np.isfinite(p):
        return "n/a"
    return "< 1e-10" if p < 1e-10 else f"{p:.2g}"


def present_gi50_table(summary: pd.DataFrame) -> pd.DataFrame:
    """A readable GI50 table for the page (doses in nM)."""
    def delta(r: pd.Series) -> str:
        if pd.isna(r["delta_lo_nM"]):
            return "-"
        return f"{r['delta_lo_nM']:,.0f} to {r['delta_hi_nM']:,.0f}"

    return pd.DataFrame({
        "cells": summary["population"],
        "drug": summary["drug"],
        "curve (by AIC)": summary["model"],
        "absolute GI50 (95% bootstrap CI)": summary["GI50"],
        "delta-method CI, nM": summary.apply(delta, axis=1),
        "F-test vs flat, p": summary["F_flat_p"].map(_p_text),
    })


def present_fold_table(folds: pd.DataFrame, label: str = "drug") -> pd.DataFrame:
    """A readable fold-shift table for the page; ``label`` names the column that identifies each row."""
    return pd.DataFrame({
        label: folds[label],
        "GI50 fold (persistent / naive)": folds["fold"].map(lambda x: f"{x:.2f}"),
        "95% bootstrap CI": [f"{a:.2f} to {b:.2f}" for a, b in zip(folds["fold_lo"], folds["fold_hi"])],
        "shift F-test p": folds["shift_p"].map(_p_text),
        "status": folds["status"],
    })


def knockdown_populations(naive: CellState, persistent: CellState, fraction: float) -> dict[str, CellState]:
    """Naive and persistent cells with a control shRNA, and persistent cells with JAK1 or TYK2 knocked down."""
    return {
        "naive": naive,
        "persistent": persistent,
        "persistent shJAK1": persistent.knock_down("jak1", fraction),
        "persistent shTYK2": persistent.knock_down("tyk2", fraction),
    }


def log10_se(est) -> float:
    """Standard error of log10(GI50) from a 95% interval (delta method or bootstrap), nan if none."""
    if est.lo is None or est.hi is None or not est.ok:
        return float("nan")
    return float(np.log10(est.hi / est.lo) / (2 * 1.96))


def withdrawal_course(mp: ModelParams, drug: str, chronic_dose_nM: float, chronic_days: float,
                      withdrawal_days: float, n_timepoints: int, rng: np.random.Generator,
                      n_replicates: int, noise_sd: float, hours: float = 72.0) -> pd.DataFrame:
    """GI50 fold (vs naive, same day) at evenly spaced days after withdrawal, from simulated plates.

    Returns one row per day: day, z (model adaptation state), fold, se_log (s.e. of ln fold, delta method),
    status. Day 0 is the end of chronic exposure.
    """
    from .assays import dilution_series, plate_viability
    from .dynamics import adaptation_after

    naive = state_from_adaptation(0.0, mp)
    z_end = adaptation_after([Phase(chronic_days, chronic_dose_nM, drug)], mp)
    doses = dilution_series(10000.0, 10, 3.0)
    rows = []
    for day in np.linspace(0.0, withdrawal_days, n_timepoints):
        z = adaptation_after([Phase(float(day), 0.0, drug)], mp, z0=z_end)
        pops = {"naive": naive, "withdrawn": state_from_adaptation(z, mp)}
        plate = plate_viability(pops, [drug], doses, mp, rng, n_replicates, noise_sd, hours)
        est = {}
        for pop, g in plate.groupby("population"):
            fit, _ = dr.select_model(g["dose_nM"], g["viability"])
            est[pop] = fit.gi50_absolute()
        ok = est["naive"].ok and est["withdrawn"].ok
        fold = est["withdrawn"].value / est["naive"].value if ok else float("nan")
        se = np.hypot(log10_se(est["naive"]), log10_se(est["withdrawn"])) * np.log(10) if ok else float("nan")
        rows.append({"day": float(day), "z": z, "fold": fold, "se_log": se,
                     "status": "ok" if ok else f"{est['naive'].status}/{est['withdrawn'].status}"})
    return pd.DataFrame(rows)
