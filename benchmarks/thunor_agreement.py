"""Side by side with thunor: every viability and DIP curve of hts007 fitted by thunor 1.0.3 and by
jakpersist.

thunor is GPL-3.0, so it is never a dependency of the book: it is installed only for this script,
into a scratch virtual environment, together with PyYAML (which jakpersist's loaders import)::

    python3.11 -m venv /tmp/thunorenv
    /tmp/thunorenv/bin/pip install thunor==1.0.3 pyyaml
    /tmp/thunorenv/bin/python benchmarks/thunor_agreement.py            # from the repository root

(thunor 1.0.3 pulls in numpy, scipy, pandas >= 3.0.2, tables, plotly and seaborn.) The script puts
the repository on ``sys.path``; the hts007 file comes from jakpersist's own cache (``make data-hts``
or ``jakbook data hts``), and thunor reads the very same file.

What is compared, per (cell line, drug) curve (216 curves):

* **viability at 72 h** (fraction of the plate's control wells, nearest time point per well, as
  thunor does). thunor: 3-parameter log-logistic with top fixed at 1 and 0 <= Emax <= 1
  (``HillCurveLL3u``), no flat-curve test, a fit rejected when EC50 < lowest dose or > 10 x top
  dose. jakpersist: LL4 or LL3 (bottom 0) by AIC, F-test against a flat line (alpha 0.05), top free.
* **DIP rates** (doublings per hour). thunor: per-well slope after a delay chosen by its "tyson1"
  selector, curve = LL4 weighted by the rates' standard errors, controls placed at (lowest dose /
  10), F-test, and fits rejected when EC50 < lowest dose or E0 > mean + s.d. of controls.
  jakpersist: slope after a fixed 24 h delay, unweighted LL4 with controls at dose 0, F-test. Two
  more comparisons fit thunor's own DIP rates with jakpersist's curve fit, unweighted
  ("dip-same-rates") and weighted by the rates' standard errors as thunor does
  ("dip-same-rates-weighted"), to separate the rate estimate and the weighting from the curve fit.

Reported: median and 95th percentile (also restricted to curves where both values lie inside the
tested doses) of the relative difference |a - b| / min(a, b) of EC50 and IC50 on curves
that both call fitted (IC50: the dose at 50% of control, where both give one); for Emax the
difference in units of the control response, |Emax_a - Emax_b| / E0 (E0 = 1 for viability); counts
of curves only one fits; wall-clock time of each pipeline. Every curve with a difference > 10% (or
fitted by one side only) is written to ``benchmarks/out/thunor_disagreements.csv`` with its cause
(:func:`cause`), and the causes are counted at the end of the output.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jakpersist.analysis import growth as gw  # noqa: E402
from jakpersist.loaders.hts import fetch_hts007, read_thunor_h5  # noqa: E402

TIME_H = 72.0
DELAY_H = 24.0


def thunor_side(h5: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, float, float]:
    import thunor.curve_fit as tcf
    import thunor.dip as tdip
    import thunor.io as tio
    import thunor.viability as tvia

    ds = tio.read_hdf(str(h5))
    t = time.perf_counter()
    via, _ = tvia.viability(ds, time_hrs=TIME_H, include_controls=False)
    fpv = tcf.fit_params(ctrl_data=None, expt_data=via, fit_cls=tcf.HillCurveLL3u)
    t_via = time.perf_counter() - t
    t = time.perf_counter()
    ctrl, expt = tdip.dip_rates(ds)
    fpd = tcf.fit_params(ctrl, expt)
    t_dip = time.perf_counter() - t

    def table(fp: pd.DataFrame) -> pd.DataFrame:
        rows = []
        for (_, cl, drug), r in fp.iterrows():
            f = r["fit_obj"]
            drug = drug[0] if isinstance(drug, tuple) else drug
            fitted = f is not None and not isinstance(f, tcf.HillCurveNull)
            rows.append(
                {
                    "cell_line": cl,
                    "drug": drug,
                    "fitted": fitted,
                    "ec50_nM": f.ec50 * 1e9 if fitted else np.nan,
                    "ic50_nM": (f.ic(50) * 1e9 if fitted and f.ic(50) is not None else np.nan),
                    "emax": f.emax if fitted else np.nan,
                    "e0": f.e0 if fitted else np.nan,
                    "why": "" if fitted else ("rejected" if f is None else "flat"),
                }
            )
        return pd.DataFrame(rows)

    return table(fpv), table(fpd), expt.reset_index(), t_via, t_dip


def ours_side(
    h5: Path, thunor_dip: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, float, float]:
    counts, _ = read_thunor_h5(h5)
    t = time.perf_counter()
    ws = gw.well_summary(counts, TIME_H, DELAY_H)
    resp = gw.response_table(ws)
    t_common = time.perf_counter() - t
    t = time.perf_counter()
    vrows = []
    for (cl, drug), g in resp.groupby(["cell_line", "drug"]):
        fit = gw.viability_fit(g["dose_nM"], g["viability"])
        ok = fit.status == "ok"
        p = fit.params
        est = fit.gi50_absolute()
        vrows.append(
            {
                "cell_line": cl,
                "drug": drug,
                "fitted": ok,
                "ec50_nM": p["ec50_nM"] if ok else np.nan,
                "ic50_nM": est.value if est.ok else np.nan,
                "emax": p["bottom"] if ok else np.nan,
                "e0": p["top"] if ok else np.nan,
                "why": "" if ok else fit.status,
            }
        )
    t_via = time.perf_counter() - t + t_common
    t = time.perf_counter()
    drows = []
    for (cl, drug), g in resp.groupby(["cell_line", "drug"]):
        ctrl = ws[ws["control"] & ws["plate"].isin(g["plate"].unique())]
        d = gw.fit_dip(np.r_[np.zeros(len(ctrl)), g["dose_nM"]], np.r_[ctrl["dip_h"], g["dip_h"]])
        ok = d.status == "ok"
        drows.append(
            {
                "cell_line": cl,
                "drug": drug,
                "fitted": ok,
                "ec50_nM": d.ec50_nM if ok else np.nan,
                "ic50_nM": d.ic50_nM if ok and np.isfinite(d.ic50_nM) else np.nan,
                "emax": d.emax_h if ok else np.nan,
                "e0": d.e0_h if ok else np.nan,
                "why": "" if ok else d.status,
            }
        )
    t_dip = time.perf_counter() - t + t_common
    return pd.DataFrame(vrows), pd.DataFrame(drows), t_via, t_dip


def ours_on_thunor_rates(h5: Path, expt: pd.DataFrame, weighted: bool = False) -> pd.DataFrame:
    """jakpersist's DIP curve fit applied to thunor's per-well DIP rates (controls: thunor's too);
    with ``weighted``, weighted by the rates' standard errors as thunor does."""
    import thunor.dip as tdip
    import thunor.io as tio

    ds = tio.read_hdf(str(h5))
    ctrl, _ = tdip.dip_rates(ds)
    ctrl = ctrl.reset_index()
    rows = []
    for (cl, drug), g in expt.groupby(["cell_line", "drug"]):
        drug = drug[0] if isinstance(drug, tuple) else drug
        dose = np.array([d[0] if isinstance(d, tuple) else d for d in g["dose"]]) * 1e9
        c = ctrl[(ctrl["cell_line"] == cl) & ctrl["plate"].isin(g["plate"].unique())]
        sig = np.r_[c["dip_fit_std_err"], g["dip_fit_std_err"]] if weighted else None
        d = gw.fit_dip(
            np.r_[np.zeros(len(c)), dose], np.r_[c["dip_rate"], g["dip_rate"]], sigma=sig
        )
        ok = d.status == "ok"
        rows.append(
            {
                "cell_line": cl,
                "drug": drug,
                "fitted": ok,
                "ec50_nM": d.ec50_nM if ok else np.nan,
                "ic50_nM": d.ic50_nM if ok and np.isfinite(d.ic50_nM) else np.nan,
                "emax": d.emax_h if ok else np.nan,
                "e0": d.e0_h if ok else np.nan,
                "why": d.status,
            }
        )
    return pd.DataFrame(rows)


def compare(name: str, th: pd.DataFrame, us: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    m = th.merge(us, on=["cell_line", "drug"], suffixes=("_thunor", "_ours"))
    both = m[m["fitted_thunor"] & m["fitted_ours"]].copy()
    out = {
        "comparison": name,
        "curves": len(m),
        "both fitted": len(both),
        "only thunor": int((m["fitted_thunor"] & ~m["fitted_ours"]).sum()),
        "only ours": int((~m["fitted_thunor"] & m["fitted_ours"]).sum()),
        "neither": int((~m["fitted_thunor"] & ~m["fitted_ours"]).sum()),
    }
    dmin, dmax = 1.86875e-11 * 1e9, 3.9875e-06 * 1e9  # tested doses of hts007 (nM)
    for q in ("ec50_nM", "ic50_nM"):
        a, b = both[f"{q}_thunor"], both[f"{q}_ours"]
        rel = (a - b).abs() / np.minimum(a, b)
        both[f"rel_{q}"] = rel
        r = rel.dropna()
        out[f"{q[:4]} n"] = len(r)
        out[f"{q[:4]} median"] = float(r.median()) if len(r) else np.nan
        out[f"{q[:4]} p95"] = float(r.quantile(0.95)) if len(r) else np.nan
        inr = rel[(a >= dmin) & (a <= dmax) & (b >= dmin) & (b <= dmax)].dropna()
        out[f"{q[:4]} n, both in range"] = len(inr)
        out[f"{q[:4]} median, in range"] = float(inr.median()) if len(inr) else np.nan
        out[f"{q[:4]} p95, in range"] = float(inr.quantile(0.95)) if len(inr) else np.nan
    scale = both["e0_thunor"].abs() if name != "viability" else 1.0
    both["rel_emax"] = (both["emax_thunor"] - both["emax_ours"]).abs() / scale
    out["emax median"] = float(both["rel_emax"].median())
    out["emax p95"] = float(both["rel_emax"].quantile(0.95))
    big = both[(both[["rel_ec50_nM", "rel_ic50_nM", "rel_emax"]] > 0.10).any(axis=1)].assign(
        comparison=name
    )
    only = m[m["fitted_thunor"] != m["fitted_ours"]].assign(comparison=name + " (only one fits)")
    return out, pd.concat([big, only], ignore_index=True)


DOSE_MIN_NM, DOSE_MAX_NM = 1.86875e-11 * 1e9, 3.9875e-06 * 1e9


def cause(r: pd.Series) -> str:
    """The reason for one listed disagreement, from the fitted values (see the module docstring)."""
    c = r["comparison"]
    out = lambda v: v < DOSE_MIN_NM * 0.999 or v > DOSE_MAX_NM * 1.001  # noqa: E731
    if c.endswith("(only one fits)"):
        if r["fitted_thunor"]:
            if r["why_ours"] == "flat":
                return (
                    "ours: flat by F-test (thunor tests viability curves against no flat line)"
                    if c.startswith("viability")
                    else "ours: flat by F-test"
                )
            return "ours: not converged (step-like curve, Hill slope not identified)"
        if r["why_thunor"] == "flat":
            return "thunor: flat by F-test"
        return (
            "thunor: rejected (EC50 below the lowest dose, EC50 > 10x top dose, or E0 above "
            "control mean + s.d.)"
        )
    if out(r["ec50_nM_thunor"]) or out(r["ec50_nM_ours"]):
        return (
            "EC50 beyond the tested doses: an extrapolation set by each side's bounds (thunor DIP "
            "LL4 "
            "unbounded, viability LL3u up to 10x top dose; ours within 3 decades)"
        )
    if c == "viability":
        if abs(r["e0_ours"] - 1) > 0.05:
            return "model: top fitted by us, fixed at 1 by thunor (LL3u)"
        if r["emax_ours"] == 0 and r["emax_thunor"] > 0.02:
            return "model: our LL3 (bottom 0, chosen by AIC) vs thunor's Emax in [0, 1]"
        return "model: small top / bottom differences move the midpoint EC50"
    if c == "dip":
        return "DIP rates differ (fixed 24 h delay vs thunor's per-well window) and weighting"
    if c == "dip-same-rates":
        return "weighting (thunor weights rates by their standard errors)"
    return "shallow or partial curve: EC50 weakly determined (control dose 0 vs lowest dose / 10)"


def main() -> int:
    warnings.filterwarnings("ignore")
    h5 = fetch_hts007()
    th_via, th_dip, th_expt, tt_via, tt_dip = thunor_side(h5)
    us_via, us_dip, tu_via, tu_dip = ours_side(h5)
    t = time.perf_counter()
    us_same = ours_on_thunor_rates(h5, th_expt)
    t_same = time.perf_counter() - t
    us_w = ours_on_thunor_rates(h5, th_expt, weighted=True)
    rows, dis = [], []
    for name, a, b in (
        ("viability", th_via, us_via),
        ("dip", th_dip, us_dip),
        ("dip-same-rates", th_dip, us_same),
        ("dip-same-rates-weighted", th_dip, us_w),
    ):
        r, d = compare(name, a, b)
        rows.append(r)
        dis.append(d)
    table = pd.DataFrame(rows).set_index("comparison")
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)
    print(
        "Agreement, thunor 1.0.3 vs jakpersist, hts007 (relative differences; emax: in units of E0)"
    )
    print(table.round(3).T.to_string())
    print("\nWall-clock time (s), this machine, one run:")
    print(f"  viability  thunor {tt_via:6.2f}   jakpersist {tu_via:6.2f}")
    print(
        f"  DIP        thunor {tt_dip:6.2f}   jakpersist {tu_dip:6.2f}   (jakpersist fit on "
        "thunor's rates "
        f"{t_same:.2f})"
    )
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    dd = pd.concat(dis, ignore_index=True)
    dd["cause"] = dd.apply(cause, axis=1)
    dd.to_csv(out / "thunor_disagreements.csv", index=False)
    print(
        f"\n{len(dd)} curves with a difference > 10% or fitted by one side only: "
        f"{out / 'thunor_disagreements.csv'}"
    )
    print(dd.groupby(["comparison", "cause"]).size().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
