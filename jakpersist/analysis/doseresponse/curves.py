"""The curve models: log-logistic and hormesis curves, their crossings, and the search box of a fit.

Doses in nM, responses as fractions of vehicle; parameters theta = (bottom, top, log10 EC50, Hill[,
f]) (see :mod:`jakpersist.analysis.doseresponse` for the models' definitions and sources).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import interpolate, optimize, special

PARAM_NAMES = ("bottom", "top", "log10_ec50", "hill")
HORMESIS_PARAM = "f"
#: Models fitted by :func:`select_model`, in order of preference on ties: number of parameters and
#: the indices of the free parameters within theta (bottom, top, log10_ec50, hill[, f]).
MODELS: dict[str, tuple[int, tuple[int, ...]]] = {
    "LL3": (3, (1, 2, 3)),
    "LL4": (4, (0, 1, 2, 3)),
    "BC5": (5, (0, 1, 2, 3, 4)),
    "CRS5": (5, (0, 1, 2, 3, 4)),
}
HORMESIS_MODELS = ("BC5", "CRS5")


def ll4(dose: ArrayLike, bottom: float, top: float, log10_ec50: float, hill: float) -> np.ndarray:
    """4-parameter log-logistic response at ``dose`` (nM); EC50 given as log10(nM)."""
    x = np.asarray(dose, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = np.where(x > 0, (x / 10.0**log10_ec50) ** hill, 0.0)
    return bottom + (top - bottom) / (1.0 + ratio)


def ll3(dose: ArrayLike, top: float, log10_ec50: float, hill: float) -> np.ndarray:
    """3-parameter log-logistic (bottom fixed at 0)."""
    return ll4(dose, 0.0, top, log10_ec50, hill)


def brain_cousens(
    dose: ArrayLike, bottom: float, top: float, log10_ec50: float, hill: float, f: float
) -> np.ndarray:
    """Brain-Cousens hormesis curve (drc ``BC.5``) with f given per EC50: the rise term is f x /
    EC50."""
    x = np.asarray(dose, dtype=float)
    e = 10.0**log10_ec50
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        u = np.where(x > 0, x / e, 0.0)
        ratio = np.where(x > 0, u**hill, 0.0)
        return bottom + (top - bottom + f * u) / (1.0 + ratio)


def cedergreen(
    dose: ArrayLike,
    bottom: float,
    top: float,
    log10_ec50: float,
    hill: float,
    f: float,
    alpha: float = 1.0,
) -> np.ndarray:
    """Cedergreen-Ritz-Streibig hormesis curve (drc ``CRS.5a`` for alpha = 1), dose scaled by
    EC50."""
    x = np.asarray(dose, dtype=float)
    e = 10.0**log10_ec50
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        u = np.where(x > 0, x / e, 0.0)
        ratio = np.where(x > 0, u**hill, 0.0)
        bump = np.where(
            x > 0, np.exp(-(np.where(x > 0, 1.0 / np.maximum(u, 1e-300), 0.0) ** alpha)), 0.0
        )
        return bottom + (top - bottom + f * bump) / (1.0 + ratio)


def curve_value(model: str, dose: ArrayLike, theta: ArrayLike) -> np.ndarray:
    """Response of ``model`` with parameters ``theta`` (length 4, or 5 for hormesis models) at
    ``dose`` (nM)."""
    th = np.asarray(theta, dtype=float)
    if model in ("LL4", "LL3"):
        return ll4(dose, *th[:4])
    if model == "BC5":
        return brain_cousens(dose, *th[:5])
    if model == "CRS5":
        return cedergreen(dose, *th[:5])
    raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")


def peak_dose(model: str, theta: ArrayLike, dose_range: tuple[float, float]) -> float:
    """Dose (nM) of a hormesis curve's maximum within the tested doses (from 1,000-fold below the
    lowest to the highest, ``dose_range``); 0 (the vehicle) for LL4/LL3 or when the maximum is not
    above the vehicle."""
    if model not in HORMESIS_MODELS:
        return 0.0
    lo_d, hi_d = dose_range
    xs = np.geomspace(
        lo_d / 1e3, hi_d, 600
    )  # within the tested doses: a rise beyond them is not seen
    ys = curve_value(model, xs, theta)
    i = int(np.argmax(ys))
    return float(xs[i]) if ys[i] > curve_value(model, 0.0, theta) else 0.0


def absolute_dose(theta: ArrayLike, level: float = 0.5) -> float | None:
    """Dose (nM) at which an LL4 curve with parameters ``theta`` equals ``level``; None if never
    (:func:`absolute_doses` on one curve)."""
    value = float(absolute_doses(np.asarray(theta, float)[None, :4], level)[0])
    return None if np.isnan(value) else value


def absolute_doses(theta: ArrayLike, level: float = 0.5) -> np.ndarray:
    """Dose (nM) at which each LL4 curve (rows of ``theta``: bottom, top, log10 EC50, Hill) equals
    ``level``, shape ``(m,)``; NaN where the curve never does (``level`` outside (bottom, top), or
    Hill <= 0)."""
    b, t, le, h = np.asarray(theta, float)[:, :4].T
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        r = (t - b) / (level - b) - 1.0
        crosses = (np.minimum(b, t) < level) & (level < np.maximum(b, t)) & (h > 0) & (r > 0)
        return np.where(
            crosses,
            10.0**le * np.where(crosses, r, 1.0) ** (1.0 / np.where(crosses, h, 1.0)),
            np.nan,
        )


def limb_crossing(
    dose: ArrayLike, response: ArrayLike, peak_dose: float, *, level: float = 0.5
) -> float | None:
    """Dose (nM) where the dose means, on the falling limb after ``peak_dose``, cross ``level``.

    Used for the absolute GI50 of hormetic curves: a shape-preserving piecewise-cubic interpolation
    (PCHIP, Fritsch & Carlson 1980; SciPy) of the mean response against log10 dose, from the last
    tested dose at or below the peak onward. The parametric hormesis models (BC5, CRS5) must bend
    their falling limb to fit the low-dose bump, which biases their crossing (on a noise-free LL4
    curve with a 25% bump: BC5 200 nM, CRS5 209-215 nM, truth 220.9 nM; interpolation 219 nM). None
    when the means do not cross ``level``.
    """
    x, y = np.asarray(dose, float), np.asarray(response, float)
    levels = np.unique(x[x > 0])
    means = np.array([y[x == d].mean() for d in levels])
    start = int(np.searchsorted(levels, peak_dose, side="right")) - 1
    levels, means = levels[max(start, 0) :], means[max(start, 0) :]
    below = np.nonzero(means < level)[0]
    if levels.size < 2 or below.size == 0 or below[0] == 0:
        return None
    j = int(below[0])
    lx = np.log10(levels)
    p = interpolate.PchipInterpolator(lx, means - level)
    return float(10 ** optimize.brentq(lambda v: float(p(v)), lx[j - 1], lx[j], xtol=1e-12))


def crossing_dose(
    model: str, theta: ArrayLike, level: float, *, dose_range: tuple[float, float]
) -> float | None:
    """Dose (nM) at which ``model`` crosses ``level`` on its falling side; None if it never does.

    Closed form for LL4/LL3; for hormesis models, the first crossing after the curve's maximum,
    searched from 1,000-fold below the lowest to 1,000-fold above the highest tested dose (Brent's
    method, SciPy).
    """
    if model in ("LL4", "LL3"):
        return absolute_dose(theta, level)
    lo_d, hi_d = dose_range
    xs = np.geomspace(lo_d / 1e3, hi_d * 1e3, 600)
    ys = curve_value(model, xs, theta) - level
    i0 = int(np.argmax(ys))
    below = np.nonzero(ys[i0:] < 0)[0]
    if ys[i0] <= 0 or below.size == 0:
        return None
    j = i0 + int(below[0])
    a, b = np.log10(xs[j - 1]), np.log10(xs[j])
    root = optimize.brentq(
        lambda lx: float(curve_value(model, 10**lx, theta)) - level, a, b, xtol=1e-12
    )
    return float(10**root)


def search_bounds(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Box constraints on (bottom, top, log10_ec50, hill, f); the search range of a fit
    (assumption)."""
    lx = np.log10(x[x > 0])
    lo = np.array([-1.0, -0.5, lx.min() - 3, 0.05, 0.0])
    hi = np.array([2.0, 3.0, lx.max() + 3, 20.0, 10.0])
    return lo, hi


# ------------------------------------------------------------------------------------------------
# many LL4 curves at once (the batched solver's model)
# ------------------------------------------------------------------------------------------------
LN10 = float(np.log(10.0))
#: log10 dose used for dose 0 (vehicle): with Hill >= 0.05 and log10 EC50 <= 10 the ratio (x /
#: EC50)^Hill is below 1e-45, so 1 / (1 + ratio) is exactly 1.0 in double precision, as ll4 gives at
#: dose 0.
ZERO_DOSE_LOG10 = -1000.0


def ll4_batch(theta: np.ndarray, lx: np.ndarray, pos: np.ndarray, *, jac: bool, k: int):
    """LL4 values (m, n) and, if ``jac``, the Jacobian over the free parameters (m, k, n).

    With d = log10(x) - log10 EC50, u = Hill * d * ln 10, s = 1 / (1 + e^u):
    y = bottom + (top - bottom) s; dy/dbottom = 1 - s; dy/dtop = s;
    dy/dlog10EC50 = (top - bottom) s (1 - s) Hill ln 10; dy/dHill = -(top - bottom) s (1 - s) d ln
    10. Dose 0 gives s = 1 (the top)."""
    b, t, le, h = (theta[:, i : i + 1] for i in range(4))
    d = lx - le  # lx holds ZERO_DOSE_LOG10 at dose 0: s is exactly 1 there, so y = top and the
    s = special.expit(-(h * LN10) * d)  # EC50 and Hill columns are exactly 0
    span = t - b
    f = b + span * s
    if not jac:
        return f, None
    q = 1.0 - s
    c = span * s * q * LN10
    cols = [q, s, c * h, -c * d]
    return f, np.stack(cols[4 - k :], axis=1)


def search_bounds_batch(x: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-curve bounds, exactly those of :func:`search_bounds` (which shifts the log10 EC50 bounds
    with the tested log-dose range)."""
    lo1, hi1 = (
        b[:4] for b in search_bounds(np.array([1.0]))
    )  # log10(1) = 0: the offsets (LL4 part)
    pos = valid & (x > 0)
    lx = np.log10(np.where(pos, x, 1.0))
    lxmin = np.where(pos, lx, np.inf).min(axis=1)
    lxmax = np.where(pos, lx, -np.inf).max(axis=1)
    m = x.shape[0]
    lo, hi = np.tile(lo1, (m, 1)), np.tile(hi1, (m, 1))
    lo[:, 2] += lxmin
    hi[:, 2] += lxmax
    return lo, hi
