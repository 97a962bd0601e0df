"""GI50 tables: fit every curve of a tidy plate table, fold shifts between populations, tables for the page.

These functions work the same on simulated tables (:mod:`jakpersist.assays`) and on the reader's own
tables (:mod:`jakpersist.loaders.readers`). They know nothing of the model.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import doseresponse as dr


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


def _names(values: pd.Series, labels: Mapping[str, str] | None) -> pd.Series:
    """Readable names: ``labels[key]`` where given, else the key with underscores as spaces."""
    return values.map(lambda v: (labels or {}).get(v, str(v).replace("_", " ")))


def present_gi50_table(summary: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A readable GI50 table for the page (doses in nM); ``labels`` maps drug keys to names (e.g. DRUG_LABELS)."""
    def delta(r: pd.Series) -> str:
        if pd.isna(r["delta_lo_nM"]):
            return "-"
        return f"{r['delta_lo_nM']:,.0f} to {r['delta_hi_nM']:,.0f}"

    return pd.DataFrame({
        "cells": summary["population"],
        "drug": _names(summary["drug"], labels),
        "curve (by AIC)": summary["model"],
        "absolute GI50 (95% bootstrap CI)": summary["GI50"],
        "delta-method CI, nM": summary.apply(delta, axis=1),
        "F-test vs flat, p": summary["F_flat_p"].map(_p_text),
    })


def present_fold_table(folds: pd.DataFrame, label: str = "drug",
                       labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A readable fold-shift table for the page; ``label`` names the column that identifies each row and
    ``labels`` maps its keys to names (e.g. DRUG_LABELS)."""
    return pd.DataFrame({
        label: _names(folds[label], labels),
        "GI50 fold (persistent / naive)": folds["fold"].map(lambda x: f"{x:.2f}"),
        "95% bootstrap CI": [f"{a:.2f} to {b:.2f}" for a, b in zip(folds["fold_lo"], folds["fold_hi"])],
        "shift F-test p": folds["shift_p"].map(_p_text),
        "status": folds["status"],
    })



def log10_se(est) -> float:
    """Standard error of log10(GI50) from a 95% interval (delta method or bootstrap), nan if none."""
    if est.lo is None or est.hi is None or not est.ok:
        return float("nan")
    return float(np.log10(est.hi / est.lo) / (2 * 1.96))

