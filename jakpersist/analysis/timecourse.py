"""Fit a relaxation half-time to a time course (e.g. the GI50 fold during drug withdrawal).

Model: log(fold(t)) = L0 * exp(-ln2 * t / t_half), i.e. the log fold shift decays exponentially
towards 0 (fold 1 = naive). Weighted least squares (SciPy curve_fit) with a delta-method 95%
interval on t_half.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, stats


@dataclass(frozen=True)
class HalfTime:
    """Fitted half-time (days) with a 95% interval; ``L0`` is the log fold at t = 0."""

    t_half: float
    lo: float
    hi: float
    L0: float
    status: str = "ok"


def fit_half_time(days: ArrayLike, fold: ArrayLike, se_log: ArrayLike | None = None) -> HalfTime:
    """Half-time (days) of the decay of log(fold) over ``days``; ``se_log`` optional s.e. of
    log(fold)."""
    t = np.asarray(days, float)
    y = np.log(np.asarray(fold, float))
    if t.size < 3 or not np.all(np.isfinite(y)):
        raise ValueError("need at least 3 time points with finite, positive folds")
    if y[0] <= 0 or np.max(y) - np.min(y) < 1e-12:
        return HalfTime(float("inf"), float("nan"), float("nan"), float(y[0]), status="no_decay")
    sigma = None if se_log is None else np.asarray(se_log, float)

    def f(tt: np.ndarray, L0: float, log_th: float) -> np.ndarray:
        return L0 * np.exp(-np.log(2) * tt / np.exp(log_th))

    p0 = (float(y[0]), np.log(max(t.max() / 3, 1e-3)))
    try:
        popt, pcov = optimize.curve_fit(
            f,
            t,
            y,
            p0=p0,
            sigma=sigma,
            absolute_sigma=sigma is not None,
            bounds=([-10, np.log(1e-3)], [10, np.log(1e7)]),
            maxfev=20000,
        )
    except RuntimeError:
        return HalfTime(float("nan"), float("nan"), float("nan"), float(y[0]), status="failed")
    th = float(np.exp(popt[1]))
    se = float(np.sqrt(max(pcov[1, 1], 0.0))) if np.all(np.isfinite(pcov)) else float("inf")
    q = stats.t.ppf(0.975, max(t.size - 2, 1))
    status = "ok" if th < 10 * t.max() else "no_decay"
    with np.errstate(
        over="ignore"
    ):  # an unidentified half-time: its interval is open (up to inf) on purpose
        lo, hi = float(np.exp(popt[1] - q * se)), float(np.exp(popt[1] + q * se))
    return HalfTime(th, lo, hi, float(popt[0]), status)
