"""Growth-rate-corrected drug response: GR values and metrics, DIP rates, and relative viability.

Three read-outs of one time-course plate, each labelled by what it measures:

* **relative viability** (fraction of vehicle, unitless) at one time t: ``x(c, t) / x_ctrl(t)``. Its
  GI50 depends on how fast the cells divide during the assay (Hafner et al., Nat Methods 2016).
* **GR value** (unitless, -1 to 1; Hafner et al. 2016): ``GR(c, t) = 2 ** (k(c) / k_ctrl) - 1``
  where ``k = log2(x(t) / x(0)) / t`` is a well's average growth rate since time zero (doublings per
  hour). With the same duration for treated and control wells this is exactly Hafner's
  ``2 ** (log2(x(c)/x0) / log2(x_ctrl/x0)) - 1``; writing it with rates lets each well keep its own
  time zero and imaging times. GR = 1: no effect; 0: complete cytostasis; < 0: cell death.
* **DIP rate** (drug-induced proliferation rate, doublings per hour, an *absolute* rate; Harris et
  al., Nat Methods 2016): the least-squares slope of log2(count) against time after a stated delay,
  once the drug's effect has settled. thunor chooses the delay per well automatically (its "tyson1"
  selector); this module uses one stated delay for every well (default 24 h, a parameter), which is
  simpler to explain and to test.

GR metrics follow the GRmetrics conventions (datarail/gr_metrics, Python ``gr50`` package; Clark et
al., BMC Cancer 2017): a 3-parameter sigmoid ``GR(c) = GRinf + (1 - GRinf) / (1 + (c / GEC50) **
h_GR)`` fitted with bounds GRinf in [-1, 1], GEC50 in [min dose / 100, max dose * 100], h_GR in
[0.1, 5]; an F-test against a flat line (df1 = 2, df2 = n - 2, as GRmetrics computes it) with alpha
= 0.05; when the curve is flat GR50 is +inf (flat GR > 0.5) or -inf, GEC50 = 0, h_GR = 0.01.
GRmax is the lower of the mean GR at the two highest doses; GR_AOC the trapezoidal area of
(1 - mean GR) over log10 dose divided by the log10 dose range.

Doses are in nM throughout; times in hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, stats

from . import doseresponse as dr

GR_ALPHA = 0.05  # GRmetrics' default significance level for the flat-curve F-test


# ------------------------------------------------------------------------------------------------
# per-well quantities
# ------------------------------------------------------------------------------------------------
def gr_value(
    x: ArrayLike, x0: ArrayLike, x_ctrl: ArrayLike, *, x0_ctrl: ArrayLike | None = None
) -> np.ndarray:
    """GR value of treated counts ``x`` (Hafner et al. 2016, eq. 1), element-wise.

    ``x0``: time-zero count of the same wells; ``x_ctrl``: control count at the same time;
    ``x0_ctrl``: the controls' time-zero count (defaults to ``x0``). Counts > 0. Raises ValueError
    when the controls did not grow (GR is undefined then).
    """
    x, x0, xc = (np.asarray(v, float) for v in (x, x0, x_ctrl))
    x0c = x0 if x0_ctrl is None else np.asarray(x0_ctrl, float)
    if np.any(x <= 0) or np.any(x0 <= 0) or np.any(xc <= 0) or np.any(x0c <= 0):
        raise ValueError("GR values need positive cell counts")
    kc = np.log2(xc / x0c)
    if np.any(kc <= 0):
        raise ValueError("control wells did not grow (x_ctrl <= x0): GR is undefined")
    return 2.0 ** (np.log2(x / x0) / kc) - 1.0


def well_summary(counts: pd.DataFrame, time_h: float, delay_h: float = 24.0) -> pd.DataFrame:
    """One row per well: time-zero count, count at ``time_h``, growth rate since time zero, DIP
    rate.

    ``counts``: tidy table with columns well_id, plate, cell_line, drug, dose_M or dose_nM, control,
    time_h, count (see :mod:`jakpersist.loaders.hts`). Time zero is each well's first time point;
    the count at ``time_h`` is the well's nearest time point (as thunor's ``viability`` does).
    ``rate_h`` = log2(x(t)/x(0)) / (t - t0) (doublings per hour); ``dip_h`` = OLS slope of log2
    count on time for time points at or after ``t0 + delay_h`` (doublings per hour; NaN with fewer
    than 3 such points). Returns columns well_id, plate, cell_line, drug, dose_nM, control, t0_h,
    x0, t_h, x, rate_h, dip_h, dip_se, dip_n.
    """
    need = {"well_id", "plate", "cell_line", "drug", "control", "time_h", "count"}
    missing = need - set(counts.columns)
    if missing:
        raise ValueError(f"counts table lacks columns {sorted(missing)}")
    c = counts.copy()
    if "dose_nM" not in c:
        c["dose_nM"] = c["dose_M"] * 1e9
    c = c.sort_values(["well_id", "time_h"], kind="stable").reset_index(drop=True)
    g = c.groupby("well_id", sort=False)
    first = g.head(1).set_index("well_id")
    c["t0_h"] = g["time_h"].transform("first")
    c["x0"] = g["count"].transform("first")
    # the time point nearest to time_h in each well (first one on ties)
    near = c.loc[(c["time_h"] - time_h).abs().groupby(c["well_id"], sort=False).idxmin()].set_index(
        "well_id"
    )
    # DIP: OLS slope of log2(count) on time over points at or after t0 + delay (grouped sums,
    # vectorised)
    sel = c[(c["time_h"] >= c["t0_h"] + delay_h) & (c["count"] > 0)].copy()
    sel["y"] = np.log2(sel["count"])
    sel["tt"] = sel["time_h"] ** 2
    sel["ty"] = sel["time_h"] * sel["y"]
    sel["yy"] = sel["y"] ** 2
    s = sel.groupby("well_id", sort=False).agg(
        n=("y", "size"),
        st=("time_h", "sum"),
        sy=("y", "sum"),
        stt=("tt", "sum"),
        sty=("ty", "sum"),
        syy=("yy", "sum"),
    )
    sxx = s["stt"] - s["st"] ** 2 / s["n"]
    sxy = s["sty"] - s["st"] * s["sy"] / s["n"]
    syy = s["syy"] - s["sy"] ** 2 / s["n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = sxy / sxx
        resid = np.maximum(syy - slope * sxy, 0.0)
        se = np.sqrt(resid / (s["n"] - 2) / sxx)
    enough = s["n"] >= 3
    out = first[["plate", "cell_line", "drug", "dose_nM", "control"]].copy()
    out["t0_h"] = first["time_h"].astype(float)
    out["x0"] = first["count"].astype(float)
    out["t_h"] = near["time_h"].reindex(out.index).astype(float)
    out["x"] = near["count"].reindex(out.index).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.log2(out["x"] / out["x0"]) / (out["t_h"] - out["t0_h"])
    valid = (out["t_h"] > out["t0_h"]) & (out["x0"] > 0) & (out["x"] > 0)
    out["rate_h"] = rate.where(valid)
    out["dip_h"] = slope.where(enough).reindex(out.index)
    out["dip_se"] = se.where(enough).reindex(out.index)
    out["dip_n"] = s["n"].reindex(out.index).fillna(0).astype(int)
    out["control"] = out["control"].astype(bool)
    out["dose_nM"] = out["dose_nM"].astype(float)
    return out.reset_index()


def response_table(wells: pd.DataFrame) -> pd.DataFrame:
    """Add relative viability, GR value and relative DIP rate to :func:`well_summary` output.

    Normalisation is per plate and cell line (controls of the same plate): ``viability`` = x / mean
    control x at the same time (fraction of vehicle, unitless); ``gr`` = 2 ** (rate_h / mean control
    rate_h) - 1 (unitless); ``dip_rel`` = dip_h / mean control dip_h (unitless). ``ctrl_rate_h`` and
    ``ctrl_dip_h`` are the plate's control growth and DIP rates (doublings per hour). Treated wells
    only are returned. Raises ValueError naming the plate when a plate has no control wells.
    """
    ctrl = (
        wells[wells["control"]]
        .groupby(["plate", "cell_line"])
        .agg(ctrl_x=("x", "mean"), ctrl_rate_h=("rate_h", "mean"), ctrl_dip_h=("dip_h", "mean"))
        .reset_index()
    )
    treated = wells[~wells["control"]].merge(ctrl, on=["plate", "cell_line"], how="left")
    lacking = treated.loc[treated["ctrl_x"].isna(), "plate"].unique()
    if len(lacking):
        raise ValueError(
            f"plate(s) {', '.join(map(str, lacking))} have no control wells: add wells with "
            "control=True (drug 'control', dose 0)"
        )
    treated["viability"] = treated["x"] / treated["ctrl_x"]
    with np.errstate(invalid="ignore", over="ignore"):
        treated["gr"] = 2.0 ** (treated["rate_h"] / treated["ctrl_rate_h"]) - 1.0
    treated["dip_rel"] = treated["dip_h"] / treated["ctrl_dip_h"]
    return treated


# ------------------------------------------------------------------------------------------------
# GR metrics
# ------------------------------------------------------------------------------------------------
def gr_curve(dose_nM: ArrayLike, gr_inf: float, log10_gec50: float, h_gr: float) -> np.ndarray:
    """GR sigmoid (Hafner 2016; GRmetrics): 1 at dose 0, ``gr_inf`` at infinite dose."""
    return dr.ll4(dose_nM, gr_inf, 1.0, log10_gec50, h_gr)


@dataclass(frozen=True)
class GRMetrics:
    """GR metrics of one dose-response curve (doses in nM; GR values unitless).

    ``gr50`` may be +inf / -inf (flat curve or never crossing 0.5) and may lie outside the tested
    range (``gr50_in_range`` says); ``flat`` is True when the F-test did not reject a flat line.
    """

    gr50: float
    gr_max: float
    gr_aoc: float
    gec50: float
    gr_inf: float
    h_gr: float
    r2: float
    p_flat: float
    flat: bool
    dose_min: float
    dose_max: float

    @property
    def gr50_in_range(self) -> bool:
        return bool(np.isfinite(self.gr50) and self.dose_min <= self.gr50 <= self.dose_max)


def gr_metrics(dose_nM: ArrayLike, gr: ArrayLike, alpha: float = GR_ALPHA) -> GRMetrics:
    """Fit the GR sigmoid to wells and compute GR50, GRmax, GR_AOC, GEC50, GRinf, h_GR (GRmetrics
    conventions).

    ``dose_nM``, ``gr``: 1-D arrays of equal length (treated wells, dose > 0 nM; replicates
    allowed). Raises ValueError with fewer than 4 distinct doses or non-finite values. See the
    module docstring for bounds, the F-test and the flat-curve convention.
    """
    x = np.asarray(dose_nM, float).ravel()
    y = np.asarray(gr, float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size != y.size or np.any(x <= 0):
        raise ValueError("GR metrics need positive doses (nM) and finite GR values of equal length")
    levels = np.unique(x)
    if levels.size < 4:
        raise ValueError(f"GR metrics need at least 4 distinct doses, got {levels.size}")
    lx = np.log10(x)
    lo = np.array([-1.0, np.log10(levels.min() / 100), 0.1])
    hi = np.array([1.0, np.log10(levels.max() * 100), 5.0])
    p0 = np.clip(np.array([0.1, float(np.log10(np.median(x))), 2.0]), lo + 1e-9, hi - 1e-9)
    best = None
    for start in (p0, np.array([y.min(), float(np.median(lx)), 1.0])):
        sol = optimize.least_squares(
            lambda p: gr_curve(x, *p) - y,
            np.clip(start, lo + 1e-9, hi - 1e-9),
            bounds=(lo, hi),
            method="trf",
            x_scale="jac",
        )
        if best is None or sol.cost < best.cost:
            best = sol
    rss = float(np.sum(best.fun**2))
    tss = float(np.sum((y - y.mean()) ** 2))
    n = y.size
    df1, df2 = 2, n - 2  # as GRmetrics: len(params) - len(flat params), n - len(params) + 1
    if rss <= 0 or tss <= 0:
        p = 0.0 if tss > 0 else 1.0
    else:
        F = ((tss - rss) / df1) / (rss / df2)
        p = float(stats.f.sf(F, df1, df2))
    means = np.array([y[x == d].mean() for d in levels])
    gr_max = float(min(means[-2:]))
    aoc = float(
        np.trapezoid(1.0 - means, np.log10(levels))
        / (np.log10(levels.max()) - np.log10(levels.min()))
    )
    flat = not (p <= alpha) or not best.success
    if flat:
        m = float(y.mean())
        return GRMetrics(
            np.inf if m > 0.5 else -np.inf,
            gr_max,
            aoc,
            0.0,
            m,
            0.01,
            0.0,
            p,
            True,
            float(levels.min()),
            float(levels.max()),
        )
    gi, le, h = (float(v) for v in best.x)
    gr50 = dr.absolute_dose((gi, 1.0, le, h), 0.5)
    return GRMetrics(
        float(gr50) if gr50 is not None else np.inf,
        gr_max,
        aoc,
        float(10**le),
        gi,
        h,
        1.0 - rss / tss if tss > 0 else float("nan"),
        p,
        False,
        float(levels.min()),
        float(levels.max()),
    )


# ------------------------------------------------------------------------------------------------
# DIP-rate dose response
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DipFit:
    """4-parameter log-logistic fit of DIP rates (doublings per hour) against dose (nM).

    ``e0_h``: fitted rate without drug; ``emax_h``: fitted rate at infinite dose (absolute,
    doublings/h; < 0 means the population shrinks); ``emax_rel`` = emax_h / e0_h (relative);
    ``ec50_nM``: the curve's midpoint; ``ic50_nM``: dose where the fitted rate is half of ``e0_h``
    (inf if never). ``status`` as in :mod:`jakpersist.analysis.doseresponse` (ok, flat, failed).
    """

    e0_h: float
    emax_h: float
    ec50_nM: float
    hill: float
    ic50_nM: float
    p_flat: float
    status: str

    @property
    def emax_rel(self) -> float:
        return self.emax_h / self.e0_h if self.e0_h else float("nan")


def fit_dip(
    dose_nM: ArrayLike,
    dip_h: ArrayLike,
    alpha: float = GR_ALPHA,
    *,
    sigma: ArrayLike | None = None,
    max_nfev: int = 400,
) -> DipFit:
    """Fit DIP rates (doublings/h) of treated wells (dose > 0) and controls (dose 0) with an LL4
    curve.

    Bounds: Hill slope 0.1 to 10, EC50 within 3 decades of the tested doses, plateaus free within
    +-1 doubling/h. Unweighted least squares by default; ``sigma`` (the rates' standard errors, same
    shape) gives weighted least squares as thunor uses. F-test against a flat (weighted) mean (df1 =
    3). Raises ValueError with fewer than 4 distinct doses. ``status`` is "failed" when no start
    converged within ``max_nfev`` evaluations (typically a step-like curve whose Hill slope is not
    identified by the doses).
    """
    x = np.asarray(dose_nM, float).ravel()
    y = np.asarray(dip_h, float).ravel()
    w = np.ones_like(y) if sigma is None else 1.0 / np.asarray(sigma, float).ravel()
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(w) & (w > 0)
    x, y, w = x[ok], y[ok], w[ok]
    pos = np.unique(x[x > 0])
    if pos.size < 4:
        raise ValueError(f"a DIP fit needs at least 4 distinct positive doses, got {pos.size}")
    lpos = np.log10(pos)
    lo = np.array([-1.0, -1.0, lpos.min() - 3, 0.1])
    hi = np.array([1.0, 1.0, lpos.max() + 3, 10.0])
    top = float(y[x == x.min()].mean())
    bottom = float(y[x == x.max()].mean())
    lx = np.log10(np.where(x > 0, x, 1.0))
    pos_x = x > 0

    def jac(p: np.ndarray) -> np.ndarray:
        """Analytic Jacobian of the weighted LL4 residuals (bottom, top, log10 EC50, hill)."""
        b, t, le, h = p
        with np.errstate(over="ignore"):
            r = np.where(pos_x, 10.0 ** np.clip(h * (lx - le), -300, 300), 0.0)
        q = 1.0 / (1.0 + r)
        dr_ = -(t - b) * q * q
        ln10 = np.log(10.0)
        return (
            np.column_stack(
                [r * q, q, dr_ * r * (-h * ln10), dr_ * r * ln10 * np.where(pos_x, lx - le, 0.0)]
            )
            * w[:, None]
        )

    best = None
    for le0 in (float(np.median(lpos)), float(lpos.min()), float(lpos.max())):
        start = np.clip([bottom, top, le0, 1.0], lo + 1e-9, hi - 1e-9)
        sol = optimize.least_squares(
            lambda p: (dr.ll4(x, *p) - y) * w,
            start,
            jac=jac,
            bounds=(lo, hi),
            method="trf",
            x_scale="jac",
            max_nfev=max_nfev,
        )
        if best is None or sol.cost < best.cost:
            best = sol
    rss = float(np.sum(best.fun**2))
    mean_w = float(np.sum(w**2 * y) / np.sum(w**2))
    tss = float(np.sum(((y - mean_w) * w) ** 2))
    df1, df2 = 3, y.size - 4
    if df2 <= 0 or tss <= 0:
        p = float("nan")
    elif rss <= 0:
        p = 0.0
    else:
        p = float(stats.f.sf(((tss - rss) / df1) / (rss / df2), df1, df2))
    b, t, le, h = (float(v) for v in best.x)
    status = "failed" if not best.success else ("ok" if p < alpha else "flat")
    ic50 = dr.absolute_dose((b, t, le, h), t / 2.0) if t > 0 else None
    return DipFit(t, b, float(10**le), h, float(ic50) if ic50 is not None else np.inf, p, status)


def viability_fit(dose_nM: ArrayLike, viability: ArrayLike) -> dr.CurveFit:
    """LL4/LL3 fit (lower AIC) of relative viability, for real screens with one or two wells per
    dose (:func:`jakpersist.analysis.doseresponse.select_model`).

    A curve is non-monotone, and has no GI50, only when its mean rises with dose beyond noise
    (:func:`jakpersist.analysis.doseresponse.rise_test`: with single imaging wells per dose the
    noise is the fitted model's residual s.d.), so counting noise at the low doses does not hide the
    estimate. The largest rise of the dose means is on the fit (``monotone_violation``) and reported
    next to it.
    """
    return dr.select_model(dose_nM, viability)[0]


# ------------------------------------------------------------------------------------------------
# one line x drug: all three read-outs
# ------------------------------------------------------------------------------------------------
def curve_metrics(
    resp: pd.DataFrame, wells: pd.DataFrame, cell_line: str, *, drug: str
) -> dict[str, float]:
    """GI50 (relative viability), GR metrics and DIP fit of one cell line and drug.

    ``resp``: :func:`response_table` output; ``wells``: :func:`well_summary` output (for the control
    DIP rates). Returns a flat dict: gi50_nM (absolute GI50 of relative viability: dose at 50% of
    vehicle, NaN when not in range), gi50_status, gr50_nM, gr_max, gr_aoc, gec50_nM, gr_inf, h_gr,
    gr_p_flat, dip_ec50_nM, dip_ic50_nM, dip_emax_h, dip_emax_rel, dip_e0_h, dip_status, ctrl_rate_h
    (doublings/h).
    """
    g = resp[(resp["cell_line"] == cell_line) & (resp["drug"] == drug)]
    if g.empty:
        raise ValueError(f"no wells for cell line {cell_line!r} and drug {drug!r}")
    out: dict[str, float | str] = {"cell_line": cell_line, "drug": drug}
    fit = viability_fit(g["dose_nM"], g["viability"])
    out["viability_rise"] = fit.monotone_violation
    est = fit.gi50_absolute()
    out["gi50_nM"] = est.value if est.ok else float("nan")
    out["gi50_status"] = est.status
    m = gr_metrics(g["dose_nM"], g["gr"])
    out.update(
        gr50_nM=m.gr50,
        gr50_in_range=m.gr50_in_range,
        gr_max=m.gr_max,
        gr_aoc=m.gr_aoc,
        gec50_nM=m.gec50,
        gr_inf=m.gr_inf,
        h_gr=m.h_gr,
        gr_p_flat=m.p_flat,
    )
    ctrl = wells[wells["control"] & wells["plate"].isin(g["plate"].unique())]
    dose = np.concatenate([np.zeros(len(ctrl)), g["dose_nM"].to_numpy()])
    dip = np.concatenate([ctrl["dip_h"].to_numpy(), g["dip_h"].to_numpy()])
    d = fit_dip(dose, dip)
    out.update(
        dip_ec50_nM=d.ec50_nM,
        dip_ic50_nM=d.ic50_nM,
        dip_emax_h=d.emax_h,
        dip_emax_rel=d.emax_rel,
        dip_e0_h=d.e0_h,
        dip_status=d.status,
        ctrl_rate_h=float(g["ctrl_rate_h"].mean()),
    )
    return out


# ------------------------------------------------------------------------------------------------
# virtual plates with counts: GR50 fold between two populations
# ------------------------------------------------------------------------------------------------
def gr50_fold(
    plate: pd.DataFrame, reference: str = "naive", other: str = "persistent"
) -> pd.DataFrame:
    """GR50 fold (``other`` / ``reference``) per drug from a plate with time-zero and end counts.

    ``plate``: columns population, drug, dose_nM (0 = vehicle), count_t0, count (cells per well at
    the end), as returned by :func:`jakpersist.assays.virtual.plate_counts`. GR values use each
    population's own vehicle wells. Returns one row per drug: drug, gr50_<reference>_nM,
    gr50_<other>_nM, fold (NaN when either GR50 is not a finite number), gr_inf_<reference>,
    gr_inf_<other>.
    """
    rows = []
    for drug, gd in plate.groupby("drug", sort=False):
        row: dict[str, float | str] = {"drug": drug}
        for pop in (reference, other):
            g = gd[gd["population"] == pop]
            if g.empty:
                raise ValueError(f"plate has no wells of population {pop!r} for drug {drug!r}")
            veh = g[g["dose_nM"] == 0]
            if veh.empty:
                raise ValueError(
                    f"population {pop!r}, drug {drug!r}: no vehicle wells (dose_nM == 0)"
                )
            tr = g[g["dose_nM"] > 0]
            gr = gr_value(
                tr["count"], tr["count_t0"], veh["count"].mean(), x0_ctrl=veh["count_t0"].mean()
            )
            m = gr_metrics(tr["dose_nM"], gr)
            row[f"gr50_{pop}_nM"] = m.gr50
            row[f"gr_inf_{pop}"] = m.gr_inf
        a, b = row[f"gr50_{reference}_nM"], row[f"gr50_{other}_nM"]
        row["fold"] = float(b / a) if np.isfinite(a) and np.isfinite(b) and a > 0 else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)
