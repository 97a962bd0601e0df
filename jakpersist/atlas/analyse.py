"""From evaluations to the atlas's numbers: share supported, tipping points, Sobol' indices, the
joint region, and power. Sobol' indices come from SALib; the share's interval from statsmodels
(Wilson)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .space import Space

#: Margins are clipped to +-MARGIN_CLIP before Sobol' analysis: a margin of -inf (a quantity that
#: could not be computed, e.g. no GI50 at all) would otherwise dominate every variance (assumption;
#: 3 log2 units = 8-fold beyond a threshold is "far" for every rule of this book).
MARGIN_CLIP = 3.0


def share_supported(verdicts: np.ndarray) -> tuple[float, float, float]:
    """Share of True in ``verdicts`` (n,) with a 95% Wilson interval (statsmodels). Treats the
    quasi-random points as independent, which makes the interval conservative for a Sobol'
    sample."""
    from statsmodels.stats.proportion import proportion_confint

    v = np.asarray(verdicts, dtype=bool)
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    lo, hi = proportion_confint(int(v.sum()), v.size, alpha=0.05, method="wilson")
    return float(v.mean()), float(lo), float(hi)


def condition_names(records: pd.DataFrame) -> list[str]:
    """The rule conditions evaluated in ``records`` (one claim's evaluation records; their
    ``conditions`` column), in first-seen order."""
    names: list[str] = []
    for text in records.get("conditions", pd.Series(dtype=str)).dropna().unique():
        names += [n for n in str(text).split(",") if n and n not in names]
    return names


def condition_table(records: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per rule condition of one claim's base-sample records: the share of points where it fails on
    a computed value (``fails``), where it is undefined (``undefined``: its value could not be
    computed), where it is the only failing condition (``fails_alone``), and its smallest and
    largest computed margin. A condition with ``fails == 0`` and ``undefined == 0`` never failed at
    the atlas's points; whether it is built in is decided by a wider search
    (:mod:`jakpersist.book.builtin`)."""
    out: dict[str, dict[str, float]] = {}
    names = condition_names(records)
    if not names or records.empty:
        return out
    m = records[["cond:" + n for n in names]].to_numpy(dtype=float)
    undefined = np.isnan(m)
    fails = ~undefined & (
        m <= 0
    )  # margin 0 only passes non-strict ties; counted as failing here (conservative)
    failing_any = fails | undefined
    alone = failing_any & (failing_any.sum(axis=1, keepdims=True) == 1)
    for j, n in enumerate(names):
        col = m[:, j][~undefined[:, j]]
        out[n] = {
            "fails": float(fails[:, j].mean()),
            "undefined": float(undefined[:, j].mean()),
            "fails_alone": float(alone[:, j].mean()),
            "min_margin": float(col.min()) if col.size else float("nan"),
            "max_margin": float(col.max()) if col.size else float("nan"),
        }
    return out


def sobol_indices(space: Space, margins: np.ndarray, seed: int) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol' indices of the clipped margin, shape (n*(k+2),) in
    design order, with their 95% bootstrap half-widths (SALib.analyze.sobol, no second order).
    Columns: parameter, S1, S1_conf, ST, ST_conf. A constant margin gives zeros."""
    from SALib.analyze import sobol

    y = np.clip(
        np.nan_to_num(np.asarray(margins, dtype=float), nan=-MARGIN_CLIP), -MARGIN_CLIP, MARGIN_CLIP
    )
    if np.ptp(y) == 0:
        z = np.zeros(space.k)
        return pd.DataFrame(
            {"parameter": space.names, "S1": z, "S1_conf": z, "ST": z, "ST_conf": z}
        )
    r = sobol.analyze(space.problem(), y, calc_second_order=False, num_resamples=200, seed=seed)
    return pd.DataFrame(
        {
            "parameter": space.names,
            "S1": r["S1"],
            "S1_conf": r["S1_conf"],
            "ST": r["ST"],
            "ST_conf": r["ST_conf"],
        }
    )


def tipping_points(
    grid: pd.DataFrame, defaults: dict[str, float], log: dict[str, bool]
) -> pd.DataFrame:
    """Where the verdict flips along each parameter with the others at their defaults.

    ``grid``: columns parameter, value, margin (one row per grid point, values sorted). For each
    parameter the flip nearest to its default (the margin's sign change, interpolated linearly in
    the parameter's scale) is reported, with the verdict at the default; "never flips in range" is a
    NaN value. Columns: parameter, tipping, side ("below"/"above" the default), flips (number of
    sign changes), margin_lo, margin_hi.
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
                xr = (
                    x0 + (0 - y0) * (x1 - x0) / (y1 - y0)
                    if np.isfinite(y1 - y0) and y1 != y0
                    else (x0 + x1) / 2
                )
                roots.append(xr)
            r = min(roots, key=lambda v: abs(v - d))
            best = float(10**r) if log.get(name) else float(r)
            side = "below" if r < d else "above"
        rows.append(
            {
                "parameter": name,
                "tipping": best,
                "side": side,
                "flips": int(idx.size),
                "margin_lo": float(m[0]),
                "margin_hi": float(m[-1]),
            }
        )
    return pd.DataFrame(rows)


def joint_region(points: pd.DataFrame, claims: tuple[str, ...], names: tuple[str, ...]) -> dict:
    """Where every claim in ``claims`` holds together.

    ``points``: one row per design point with the parameter columns ``names`` and a boolean column
    per claim. Returns share (with 95% Wilson interval), n points, and per parameter the 5/50/95%
    quantiles inside the region and in the whole sample (what the findings jointly require of the
    mechanism).
    """
    ok = points[list(claims)].all(axis=1).to_numpy()
    share, lo, hi = share_supported(ok)
    inside = points.loc[ok, list(names)]
    q = {}
    for n in names:
        allq = np.quantile(points[n], [0.05, 0.5, 0.95]).tolist()
        inq = (
            np.quantile(inside[n], [0.05, 0.5, 0.95]).tolist()
            if len(inside)
            else [float("nan")] * 3
        )
        q[n] = {
            "inside": inq,
            "all": allq,
            "min_inside": float(inside[n].min()) if len(inside) else float("nan"),
        }
    return {
        "claims": list(claims),
        "share": share,
        "share_lo": lo,
        "share_hi": hi,
        "n": int(ok.size),
        "n_inside": int(ok.sum()),
        "quantiles": q,
    }


def power_curve(table: pd.DataFrame) -> pd.DataFrame:
    """Probability of "supported" per design cell: ``table`` has columns n_replicates, noise_sd,
    verdict (one row per seed) and, when present, margin (the rule's signed margin) and the
    per-condition margins (``cond:<name>``). Returns n_replicates, noise_sd, power, lo, hi (95%
    Wilson), seeds, and margin_mean / margin_sd over the seeds of the smallest margin of the
    conditions that vary between simulated experiments (:func:`_noisy_margin`; the rule's units; nan
    without margins): what :func:`power_with_days` needs."""
    margin = _noisy_margin(table)
    rows = []
    for (n, sd), g in table.groupby(["n_replicates", "noise_sd"]):
        p, lo, hi = share_supported(g["verdict"].to_numpy())
        m = margin.loc[g.index].to_numpy(float) if margin is not None else np.array([])
        m = m[np.isfinite(m)]
        rows.append(
            {
                "n_replicates": int(n),
                "noise_sd": float(sd),
                "power": p,
                "lo": lo,
                "hi": hi,
                "seeds": len(g),
                "margin_mean": float(m.mean()) if m.size else float("nan"),
                "margin_sd": float(m.std(ddof=1)) if m.size > 1 else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _noisy_margin(table: pd.DataFrame) -> pd.Series | None:
    """Per row, the smallest margin among the rule conditions that vary between simulated
    experiments (columns ``cond:<name>`` whose finite values are not all equal over the table), or
    the rule's margin when there are no per-condition columns. A condition computed without noise
    (C1's pSTAT5 condition, read from the model) is not shifted by a between-experiment effect, so
    it does not set the margin a day effect acts on; None when the table has no margin at all."""
    conds = [c for c in table.columns if str(c).startswith("cond:")]
    noisy = []
    for c in conds:
        v = table[c].to_numpy(float)
        v = v[np.isfinite(v)]
        if v.size and np.ptp(v) > 0:
            noisy.append(c)
    if noisy:
        return table[noisy].min(axis=1)
    return table["margin"] if "margin" in table else None


def power_with_days(
    power: pd.DataFrame, *, between_sd: float, experiments: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
) -> pd.DataFrame:
    """Power of a design of E independent experiments (plates on different days) x W replicate wells
    per dose, when each experiment adds a between-experiment shift of the deciding quantity with
    s.d. ``between_sd``.

    Normal approximation on the rule's signed margin (log2 units for C1's folds): one experiment
    with W wells has margin ~ N(mu, s_W^2) where s_W is the seeds' margin s.d. (``margin_sd``) and
    mu/s_W is calibrated so that one experiment without a day effect gives exactly the simulated
    power (z1 = Phi^-1 of the power, clipped to [0.5/seeds, 1 - 0.5/seeds]). A lab averages E
    experiments' margins, each carrying an independent day shift N(0, ``between_sd``^2): power =
    Phi(z1 * sqrt(E) * s_W / sqrt(s_W^2 + between_sd^2)). When every seed agrees (power 0 or 1) z1
    is the seeds' mean margin over s_W if that lies beyond the clipped value. With ``between_sd`` =
    0 and E = 1 the result is the simulated power itself; a larger ``between_sd`` never raises a
    power above one half (z1 > 0), so it never lowers the experiments needed for a target above one
    half.

    Parameters
    ----------
    power : DataFrame
        :func:`power_curve`'s table (needs power, seeds, margin_sd).
    between_sd : float
        Between-experiment s.d. of the deciding quantity (log2 units of the GI50 fold for C1). Not a
        measured value of this book: an assumption the page states (a lab estimates its own from
        repeated runs, e.g. as the minimum significant ratio of the Assay Guidance Manual).
    experiments : tuple of int
        Numbers of experiments E to tabulate.

    Returns
    -------
    DataFrame
        n_experiments, n_replicates, noise_sd, between_sd, power. Raises ValueError for a negative
        ``between_sd`` or an E below 1.
    """
    from scipy.stats import norm

    if between_sd < 0 or not np.isfinite(between_sd):
        raise ValueError(f"between_sd must be a finite s.d. >= 0, got {between_sd!r}")
    if any(int(e) < 1 for e in experiments):
        raise ValueError(f"experiments must be at least 1, got {experiments!r}")
    rows = []
    for r in power.itertuples():
        eps = 0.5 / max(int(r.seeds), 1)
        z1 = float(norm.ppf(np.clip(r.power, eps, 1.0 - eps)))
        s_w = float(r.margin_sd) if np.isfinite(r.margin_sd) else 0.0
        if s_w > 0 and np.isfinite(r.margin_mean) and r.power in (0.0, 1.0):
            # every seed agrees: the power only bounds z1; the seeds' margins say how far beyond the
            # bound it is
            z1 = max(z1, r.margin_mean / s_w) if r.power == 1.0 else min(z1, r.margin_mean / s_w)
        ratio = 1.0 if between_sd == 0 else (s_w / np.hypot(s_w, between_sd))
        for e in experiments:
            p = (
                float(r.power)
                if (between_sd == 0 and e == 1)
                else float(norm.cdf(z1 * np.sqrt(e) * ratio))
            )
            rows.append(
                {
                    "n_experiments": int(e),
                    "n_replicates": int(r.n_replicates),
                    "noise_sd": float(r.noise_sd),
                    "between_sd": float(between_sd),
                    "power": p,
                }
            )
    return pd.DataFrame(rows)


def design_for(
    power: pd.DataFrame,
    *,
    between_sd: float,
    target: float = 0.8,
    experiments: tuple[int, ...] = (1, 2, 3, 4, 5, 6),
) -> dict[float, tuple[int, int] | None]:
    """The smallest design reaching ``target`` power at each noise level, as (experiments, wells per
    dose): the fewest experiments first, then the fewest wells in them (:func:`power_with_days`);
    None when no tabulated design does. With ``between_sd`` = 0 the answer is one experiment with
    :func:`replicates_for`'s wells."""
    if not 0.5 < target < 1.0:
        raise ValueError(f"target power must lie between 0.5 and 1 (exclusive), got {target!r}")
    tab = power_with_days(power, between_sd=between_sd, experiments=experiments)
    out: dict[float, tuple[int, int] | None] = {}
    for sd, g in tab.groupby("noise_sd"):
        ok = g[g["power"] >= target].sort_values(["n_experiments", "n_replicates"])
        out[float(sd)] = (
            (int(ok.iloc[0].n_experiments), int(ok.iloc[0].n_replicates)) if len(ok) else None
        )
    return out


def replicates_for(power: pd.DataFrame, target: float = 0.8) -> dict[float, int | None]:
    """Smallest n_replicates reaching ``target`` power at each noise level (None if none tested
    does)."""
    out = {}
    for sd, g in power.groupby("noise_sd"):
        ok = g.loc[g["power"] >= target, "n_replicates"]
        out[float(sd)] = int(ok.min()) if len(ok) else None
    return out
