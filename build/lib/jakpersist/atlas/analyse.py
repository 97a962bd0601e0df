"""From evaluations to the atlas's numbers: share supported, tipping points, Sobol' indices, the joint region,
and power. Sobol' indices come from SALib; the share's interval from statsmodels (Wilson)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .space import Space

#: Margins are clipped to +-MARGIN_CLIP before Sobol' analysis: a margin of -inf (a quantity that could not be
#: computed, e.g. no GI50 at all) would otherwise dominate every variance (assumption; 3 log2 units = 8-fold
#: beyond a threshold is "far" for every rule of this book).
MARGIN_CLIP = 3.0


def share_supported(verdicts: np.ndarray) -> tuple[float, float, float]:
    """Share of True in ``verdicts`` (n,) with a 95% Wilson interval (statsmodels). Treats the quasi-random
    points as independent, which makes the interval conservative for a Sobol' sample."""
    from statsmodels.stats.proportion import proportion_confint

    v = np.asarray(verdicts, dtype=bool)
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    lo, hi = proportion_confint(int(v.sum()), v.size, alpha=0.05, method="wilson")
    return float(v.mean()), float(lo), float(hi)


def sobol_indices(space: Space, margins: np.ndarray, seed: int) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol' indices of the clipped margin, shape (n*(k+2),) in design order,
    with their 95% bootstrap half-widths (SALib.analyze.sobol, no second order). Columns: parameter, S1,
    S1_conf, ST, ST_conf. A constant margin gives zeros."""
    from SALib.analyze import sobol

    y = np.clip(np.nan_to_num(np.asarray(margins, dtype=float), nan=-MARGIN_CLIP), -MARGIN_CLIP, MARGIN_CLIP)
    if np.ptp(y) == 0:
        z = np.zeros(space.k)
        return pd.DataFrame({"parameter": space.names, "S1": z, "S1_conf": z, "ST": z, "ST_conf": z})
    r = sobol.analyze(space.problem(), y, calc_second_order=False, num_resamples=200, seed=seed)
    return pd.DataFrame({"parameter": space.names, "S1": r["S1"], "S1_conf": r["S1_conf"], "ST": r["ST"],
                         "ST_conf": r["ST_conf"]})


def tipping_points(grid: pd.DataFrame, defaults: dict[str, float], log: dict[str, bool]) -> pd.DataFrame:
    """Where the verdict flips along each parameter with the others at their defaults.

    ``grid``: columns parameter, value, margin (one row per grid point, values sorted). For each parameter
    the flip nearest to its default (the margin's sign change, interpolated linearly in the parameter's scale)
    is reported, with the verdict at the default; "never flips in range" is a NaN value. Columns: parameter,
    tipping, side ("below"/"above" the default), flips (number of sign changes), margin_lo, margin_hi.
    """
    rows = []
    for name, g in grid.groupby("parameter", sort=False):
        g = g.sort_values("value")
        x = np.log10(g["value"].to_numpy()) if log.get(name) else g["value"].to_numpy()
        m = np.clip(g["margin"].to_numpy(dtype=float), -1e6, 1e6)
        pos = m > 0
        idx = np.nonzero(pos[1:] != pos[:-1])[0]
        d = np.log10(defaults[name]) if log.get(name) and defaults[name] > 0 else defaults[name]
        best, side = float("nan"), ""
        if idx.size:
            roots = []
            for i in idx:
                x0, x1, y0, y1 = x[i], x[i + 1], m[i], m[i + 1]
                xr = x0 + (0 - y0) * (x1 - x0) / (y1 - y0) if np.isfinite(y1 - y0) and y1 != y0 else (x0 + x1) / 2
                roots.append(xr)
            r = min(roots, key=lambda v: abs(v - d))
            best = float(10 ** r) if log.get(name) else float(r)
            side = "below" if r < d else "above"
        rows.append({"parameter": name, "tipping": best, "side": side, "flips": int(idx.size),
                     "margin_lo": float(m[0]), "margin_hi": float(m[-1])})
    return pd.DataFrame(rows)


def joint_region(points: pd.DataFrame, claims: tuple[str, ...], names: tuple[str, ...]) -> dict:
    """Where every claim in ``claims`` holds together.

    ``points``: one row per design point with the parameter columns ``names`` and a boolean column per claim.
    Returns share (with 95% Wilson interval), n points, and per parameter the 5/50/95% quantiles inside the
    region and in the whole sample (what the findings jointly require of the mechanism).
    """
    ok = points[list(claims)].all(axis=1).to_numpy()
    share, lo, hi = share_supported(ok)
    inside = points.loc[ok, list(names)]
    q = {}
    for n in names:
        allq = np.quantile(points[n], [0.05, 0.5, 0.95]).tolist()
        inq = np.quantile(inside[n], [0.05, 0.5, 0.95]).tolist() if len(inside) else [float("nan")] * 3
        q[n] = {"inside": inq, "all": allq, "min_inside": float(inside[n].min()) if len(inside) else float("nan")}
    return {"claims": list(claims), "share": share, "share_lo": lo, "share_hi": hi, "n": int(ok.size),
            "n_inside": int(ok.sum()), "quantiles": q}


def power_curve(table: pd.DataFrame) -> pd.DataFrame:
    """Probability of "supported" per design cell: ``table`` has columns n_replicates, noise_sd, verdict (one
    row per seed). Returns n_replicates, noise_sd, power, lo, hi (95% Wilson), seeds."""
    rows = []
    for (n, sd), g in table.groupby(["n_replicates", "noise_sd"]):
        p, lo, hi = share_supported(g["verdict"].to_numpy())
        rows.append({"n_replicates": int(n), "noise_sd": float(sd), "power": p, "lo": lo, "hi": hi,
                     "seeds": len(g)})
    return pd.DataFrame(rows)


def replicates_for(power: pd.DataFrame, target: float = 0.8) -> dict[float, int | None]:
    """Smallest n_replicates reaching ``target`` power at each noise level (None if none tested does)."""
    out = {}
    for sd, g in power.groupby("noise_sd"):
        ok = g.loc[g["power"] >= target, "n_replicates"]
        out[float(sd)] = int(ok.min()) if len(ok) else None
    return out
