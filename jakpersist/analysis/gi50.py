"""GI50 tables: fit every curve of a tidy plate table, fold shifts between populations, tables for
the page.

These functions work the same on simulated tables (:mod:`jakpersist.assays`) and on the reader's own
tables (:mod:`jakpersist.loaders.readers`). They know nothing of the model.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import doseresponse as dr


def fit_all_curves(
    plate: pd.DataFrame, n_boot: int, rng: np.random.Generator, *, profile: bool = True
) -> tuple[pd.DataFrame, dict[tuple[str, str], dr.CurveFit], dict[tuple[str, str], np.ndarray]]:
    """Fit every (population, drug) curve (model by AIC, :func:`doseresponse.select_model`) and
    bootstrap its absolute GI50.

    Returns (summary table, fits, bootstrap log10-GI50 samples). GI50s in nM.

    Each curve's design is checked before fitting (:func:`doseresponse.design_models`); a curve the
    design cannot carry raises ValueError naming it ("naive / ruxolitinib: ...") and what it lacks.
    Columns besides the estimates: ``censored`` ("lower": GI50 above the top dose, "upper": below
    the lowest, else None), ``GI50_bound_nM`` (the tested-dose limit of a censored GI50),
    ``profile_lo_nM``/``profile_hi_nM`` (profile likelihood interval; nan when ``profile`` is False)
    and ``flags`` (fit-quality flags, :func:`doseresponse.quality_flags`, "; "-joined). A curve
    whose response climbs back at its top doses (:func:`doseresponse.end_of_range_rise`:
    precipitation, edge effects) is fitted without those doses, which ``excluded_top_doses`` lists
    and ``flags`` states.
    """
    rows, fits, boots = [], {}, {}
    for (pop, drug), g in plate.groupby(["population", "drug"], sort=False):
        end = dr.end_of_range_rise(g["dose_nM"], g["viability"])
        if end.excluded_doses:
            g = g[~g["dose_nM"].isin(end.excluded_doses)]
        fit, aics = dr.select_model(g["dose_nM"], g["viability"], name=f"{pop} / {drug}")
        est, samples = dr.bootstrap_estimate(fit, n_boot, rng)
        delta = fit.gi50_absolute()
        skipped = dr.Estimate(None, status="skipped")
        prof = fit.gi50_absolute(interval="profile") if profile else skipped
        fits[(pop, drug)], boots[(pop, drug)] = fit, samples
        rows.append(
            {
                "population": pop,
                "drug": drug,
                "model": fit.model,
                "status": fit.status,
                "AIC_LL4": aics.get("LL4", float("nan")),
                "AIC_LL3": aics.get("LL3", float("nan")),
                "hill": fit.params["hill"],
                "bottom": fit.params["bottom"],
                "F_flat_p": fit.p_flat,
                "GI50_nM": est.value,
                "GI50": est.text(),
                "GI50_profile": (prof if profile else est).text(),
                "censored": delta.censored,
                "GI50_bound_nM": delta.bound,
                "boot_lo_nM": est.lo,
                "boot_hi_nM": est.hi,
                "delta_lo_nM": delta.lo,
                "delta_hi_nM": delta.hi,
                "profile_lo_nM": prof.lo,
                "profile_hi_nM": prof.hi,
                "GI50_rel_nM": fit.gi50_relative().value,
                "flags": "; ".join([*([end.flag] if end.flag else []), *dr.quality_flags(fit)]),
                "excluded_top_doses": ", ".join(f"{d:g}" for d in end.excluded_doses),
            }
        )
    return pd.DataFrame(rows), fits, boots


def censored_fold(ref: dr.Estimate, test: dr.Estimate) -> tuple[float, str | None, str]:
    """Fold test/reference of two GI50 estimates, censored values carried through.

    Returns (fold, bound, status): bound "lower" means the fold is only known to be above ``fold``
    (e.g. the test GI50 lies above the top dose: fold > top dose / reference GI50), "upper" below;
    status is "ok", "lower_bound", "upper_bound" or "not_estimable" (nan fold: no GI50, or censored
    so that no side is known).
    """

    def side(e: dr.Estimate) -> tuple[float, str | None] | None:
        if e.ok:
            return float(e.value), None
        if e.censored:
            return float(e.bound), e.censored
        return None

    a, b = side(ref), side(test)
    if a is None or b is None:
        return float("nan"), None, "not_estimable"
    (va, ca), (vb, cb) = a, b
    # the fold b/a is bounded below when b is bounded below or a bounded above, and vice versa
    lower = cb == "lower" or ca == "upper"
    upper = cb == "upper" or ca == "lower"
    if lower and upper:
        return float("nan"), None, "not_estimable"
    bound = "lower" if lower else "upper" if upper else None
    return vb / va, bound, {None: "ok", "lower": "lower_bound", "upper": "upper_bound"}[bound]


def fold_text(fold: float, bound: str | None, digits: int = 2) -> str:
    """ "8.12", "> 71.43" or "< 0.05": a fold, censored or not; "n/a" for nan."""
    if not np.isfinite(fold):
        return "n/a"
    return {None: "", "lower": "> ", "upper": "< "}[_bound(bound)] + f"{fold:.{digits}f}"


def fold_sentences(
    folds: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    digits: int = 1,
    *,
    lowest_lo: float | None = None,
) -> tuple[str, str]:
    """Readable text of a fold table (:func:`fold_table`, one row per drug): (smallest fold,
    per-drug line).

    The smallest fold is taken over the drugs with an estimate and keeps a censored fold a bound (">
    17.2"); drugs without one are named ("fedratinib: no estimate"), and a table without any
    estimate says so. ``lowest_lo``, if finite, is given right after the smallest fold as the lowest
    bound of a 95% interval. The per-drug line gives each fold with its 95% interval (an open end as
    "∞"). ``labels`` maps drug ids to display names.
    """
    name = lambda d: (labels or {}).get(d, d)
    est = folds[np.isfinite(folds["fold"].astype(float))]
    none = [name(d) for d in folds.loc[~folds.index.isin(est.index), "drug"]]
    if est.empty:
        smallest = "not estimable for any drug"
    else:
        low = est.loc[est["fold"].astype(float).idxmin()]
        smallest = fold_text(low["fold"], low["bound"], digits)
        if lowest_lo is not None and np.isfinite(lowest_lo):
            smallest += f" (lowest bound of a 95% interval: {lowest_lo:.{digits}f})"
        if none:
            smallest += f" among the drugs with an estimate; {', '.join(none)}: no estimate"
    parts = []
    for r in folds.itertuples():
        if np.isfinite(r.fold):
            parts.append(
                f"{name(r.drug)} **{fold_text(r.fold, r.bound, digits)}**-fold (95% interval "
                f"{_interval_text(r.fold_lo, r.fold_hi)})"
            )
        else:
            why = (
                ""
                if r.status in ("not_estimable", "ok")
                else f" ({str(r.status).replace('_', ' ')})"
            )
            parts.append(f"{name(r.drug)}: no estimate{why}")
    return smallest, "Per drug: " + "; ".join(parts) + "."


def fold_table(
    summary: pd.DataFrame,
    fits: dict,
    boots: dict,
    *,
    tests: tuple[str, ...] = ("persistent",),
    reference: str = "naive",
) -> pd.DataFrame:
    """GI50 fold shift of each population in ``tests`` over ``reference``, per drug (column
    ``cells`` names the population), with a bootstrap 95% interval and a shift F-test.

    Censored GI50s are carried through (:func:`censored_fold`): a test GI50 above the top dose gives
    a fold "> x" (``bound`` "lower", status ``lower_bound``), one below the lowest dose "< x"
    (``bound`` "upper"). The interval is a bootstrap percentile interval on the extended real line
    (:func:`doseresponse.ratio_interval` with each curve's tested doses: censored resamples are
    kept, conservatively), so ``fold_lo`` may be 0 and ``fold_hi`` inf. Columns: cells, drug, fold,
    fold_lo, fold_hi, status, bound, fold_text, shift_F, shift_p.
    """
    rows = []
    s = summary.set_index(["population", "drug"])
    for test, drug in ((t, d) for t in tests for d in summary["drug"].unique()):
        if (test, drug) not in s.index or (reference, drug) not in s.index:
            continue
        fa, fb = fits[(reference, drug)], fits[(test, drug)]
        lo, hi = dr.ratio_interval(
            boots[(reference, drug)], boots[(test, drug)], fa.dose_range, range_b=fb.dose_range
        )
        shift = dr.shift_test(fa, fb)
        fold, bound, status = censored_fold(fa.gi50_absolute(), fb.gi50_absolute())
        if (
            bound == "lower"
        ):  # the point is a lower bound: the interval's lower end cannot exceed it
            lo = min(lo, fold)
        elif bound == "upper":
            hi = max(hi, fold)
        elif (
            status == "not_estimable"
        ):  # no point estimate: an interval alone would read as a result
            lo = hi = float("nan")
        rows.append(
            {
                "cells": test,
                "drug": drug,
                "fold": fold,
                "fold_lo": lo,
                "fold_hi": hi,
                "status": status,
                "bound": bound,
                "fold_text": fold_text(fold, bound),
                "shift_F": shift.F,
                "shift_p": shift.p,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "cells",
            "drug",
            "fold",
            "fold_lo",
            "fold_hi",
            "status",
            "bound",
            "fold_text",
            "shift_F",
            "shift_p",
        ],
    )
    out["bound"] = pd.Series(
        [r["bound"] for r in rows], index=out.index, dtype=object
    )  # None stays None
    return out


def _bound(b: object) -> str | None:
    return b if isinstance(b, str) else None


def folds_for_rule(
    folds: pd.DataFrame, label: str = "drug"
) -> tuple[dict[str, tuple[float, float]], dict[str, str | None]]:
    """A fold table as a rule's inputs: ({label: (fold, lower end of its 95% interval)}, {label:
    bound})."""
    return (
        {r[label]: (float(r["fold"]), float(r["fold_lo"])) for _, r in folds.iterrows()},
        {r[label]: _bound(r["bound"]) for _, r in folds.iterrows()},
    )


def _p_text(p: float) -> str:
    if not np.isfinite(p):
        return "n/a"
    return "< 1e-10" if p < 1e-10 else f"{p:.2g}"


def _names(values: pd.Series, labels: Mapping[str, str] | None) -> pd.Series:
    """Readable names: ``labels[key]`` where given, else the key with underscores as spaces."""
    return values.map(lambda v: (labels or {}).get(v, str(v).replace("_", " ")))


def present_gi50_table(
    summary: pd.DataFrame, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A readable GI50 table for the page (doses in nM); ``labels`` maps drug keys to names (e.g.
    DRUG_LABELS).

    The headline interval is the profile-likelihood one: in ``benchmarks/interval_coverage.py`` it
    covered 95% (10 doses x 3 wells) and 98% (6 doses x 1 well), against 92.5% and 87.5% for the
    bootstrap and 28% for the delta method on one dose per decade (a design the "fit flags" column
    marks: no dose on the transition)."""

    def delta(r: pd.Series) -> str:
        if pd.isna(r["delta_lo_nM"]):
            return "-"
        return f"{r['delta_lo_nM']:,.0f} to {r['delta_hi_nM']:,.0f}"

    def boot(r: pd.Series) -> str:
        if pd.isna(r["boot_lo_nM"]):
            return "-"
        hi = "∞" if np.isinf(r["boot_hi_nM"]) else f"{r['boot_hi_nM']:,.0f}"
        return f"{r['boot_lo_nM']:,.0f} to {hi}"

    return pd.DataFrame(
        {
            "cells": summary["population"],
            "drug": _names(summary["drug"], labels),
            "curve (by AIC)": summary["model"],
            "absolute GI50 (95% profile-likelihood CI)": summary.get(
                "GI50_profile", summary["GI50"]
            ),
            "bootstrap CI, nM": summary.apply(boot, axis=1),
            "delta-method CI, nM": summary.apply(delta, axis=1),
            "F-test vs flat, p": summary["F_flat_p"].map(_p_text),
            "fit flags": summary["flags"].replace("", "none") if "flags" in summary else "",
        }
    )


def _interval_text(lo: float, hi: float) -> str:
    if np.isnan(lo) or np.isnan(hi):
        return "n/a"
    return f"{lo:.2f} to {'∞' if np.isinf(hi) else f'{hi:.2f}'}"


def present_fold_table(
    folds: pd.DataFrame, label: str = "drug", labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A readable fold-shift table for the page; ``label`` names the column that identifies each row
    and ``labels`` maps its keys to names (e.g. DRUG_LABELS)."""
    return pd.DataFrame(
        {
            label: _names(folds[label], labels),
            "GI50 fold (persistent / naive)": [
                fold_text(f, b) for f, b in zip(folds["fold"], folds["bound"], strict=False)
            ],
            "95% bootstrap CI": [
                _interval_text(a, b)
                for a, b in zip(folds["fold_lo"], folds["fold_hi"], strict=False)
            ],
            "shift F-test p": folds["shift_p"].map(_p_text),
            "status": folds["status"],
        }
    )


def log10_se(est) -> float:
    """Standard error of log10(GI50) from a 95% interval (delta method or bootstrap), nan if
    none."""
    if est.lo is None or est.hi is None or not est.ok:
        return float("nan")
    return float(np.log10(est.hi / est.lo) / (2 * 1.96))
