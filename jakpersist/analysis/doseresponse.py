"""Dose-response analysis: log-logistic and hormesis fits, GI50 with intervals, and curve comparisons.

Conventions. Doses are in nM; responses are fractions of vehicle (1 = untreated). The curves, as in R's drc
(Ritz et al., PLoS One 2015):

* ``LL4``: y(x) = bottom + (top - bottom) / (1 + (x / EC50)^hill),   hill > 0 (response falls with dose);
* ``LL3``: LL4 with bottom fixed at 0;
* ``BC5`` (Brain-Cousens hormesis, drc ``BC.5``): y = bottom + (top - bottom + f x) / (1 + (x / EC50)^hill),
  stored with f' = f EC50 (so that f' does not depend on the dose unit), f' >= 0, hill > 1 (otherwise the curve
  rises again at high doses);
* ``CRS5`` (Cedergreen-Ritz-Streibig hormesis, drc ``CRS.5a``, alpha = 1): y = bottom + (top - bottom +
  f exp(-(EC50 / x)^alpha)) / (1 + (x / EC50)^hill), f >= 0. drc writes exp(-1 / x^alpha) with the dose in the
  user's unit; here the dose is scaled by EC50 so the model does not depend on the unit (assumption).

The model of a curve is chosen by AIC among those its design can carry (:func:`select_model`); a hormesis model
wins only when the data show a low-dose rise that pays for its extra parameter.

* relative GI50 = the dose at which the fitted curve is midway between its top and bottom (EC50 for LL4/LL3);
* absolute GI50 = the dose at which the fitted curve crosses 0.5 of vehicle (on its falling side).

Intervals (95%): ``delta`` (delta method, t quantile), ``profile`` (profile likelihood, F-based, the method
GraphPad Prism recommends; Venzon & Moolgavkar 1988), ``bootstrap`` (residual bootstrap percentile). See
``benchmarks/interval_coverage.py`` for their coverage on three designs.

A GI50 is reported as a number only when it lies inside the tested dose range and the curve is a real dose
response. Otherwise :class:`Estimate` carries an explicit status:

===============  ===============================================================================
``ok``           estimate inside the tested range
``above_range``  the curve stays above 50% within the tested doses: a censored value, "> top dose"
``below_range``  the response is already below 50% at the lowest dose: a censored value, "< lowest dose"
``flat``         no dose response (F-test against a flat line, p >= alpha): no relative GI50; the absolute
                 GI50 is then censored above (mean response > 0.5) or below (mean response < 0.5)
``non_monotone`` the response rises with dose, beyond replicate noise, where the chosen model cannot rise
                 (a studentised rise test, see :func:`rise_test`): no GI50
``failed``       the optimiser did not converge: no GI50
===============  ===============================================================================

The curve-level rule lives in one function, :func:`classify_curve`; the translation of an estimate into a
(possibly infinite) log10 value for resampling lives in :func:`censored_log10`.
"""
from __future__ import annotations

from functools import cached_property, lru_cache
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy import interpolate, optimize, special, stats

PARAM_NAMES = ("bottom", "top", "log10_ec50", "hill")
HORMESIS_PARAM = "f"
ALPHA = 0.05
#: Family-wise level of the rise test that marks a curve non-monotone (Bonferroni over pairs of dose levels).
#: At 0.01, at most 1% of curves whose true mean response never rises are marked non-monotone (assumption:
#: normal, equal-variance well noise). Replaces a fixed 0.15 threshold (turn 1), which dropped noisy real curves.
MONOTONE_ALPHA = 0.01
#: A response median above this looks like percent of vehicle, not a fraction (assumption: fractions of vehicle
#: rarely exceed 2, and percent data rarely have a median below 5).
PERCENT_MEDIAN = 5.0
#: Models fitted by :func:`select_model`, in order of preference on ties: number of parameters and the
#: indices of the free parameters within theta (bottom, top, log10_ec50, hill[, f]).
MODELS: dict[str, tuple[int, tuple[int, ...]]] = {
    "LL3": (3, (1, 2, 3)),
    "LL4": (4, (0, 1, 2, 3)),
    "BC5": (5, (0, 1, 2, 3, 4)),
    "CRS5": (5, (0, 1, 2, 3, 4)),
}
HORMESIS_MODELS = ("BC5", "CRS5")
#: p-value of :func:`rise_test` below which the hormesis models become candidates in :func:`select_model`.
HORMESIS_GATE = 0.05
#: A fitted low-dose rise at least this high (fraction of vehicle) reads the absolute GI50 off the falling limb
#: (:func:`limb_crossing`) instead of the hormesis model (assumption: smaller rises bias the model little).
HORMESIS_MIN_RISE = 0.10


# ------------------------------------------------------------------------------------------------
# curves
# ------------------------------------------------------------------------------------------------
def ll4(dose: ArrayLike, bottom: float, top: float, log10_ec50: float, hill: float) -> np.ndarray:
    """4-parameter log-logistic response at ``dose`` (nM); EC50 given as log10(nM)."""
    x = np.asarray(dose, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = np.where(x > 0, (x / 10.0**log10_ec50) ** hill, 0.0)
    return bottom + (top - bottom) / (1.0 + ratio)


def ll3(dose: ArrayLike, top: float, log10_ec50: float, hill: float) -> np.ndarray:
    """3-parameter log-logistic (bottom fixed at 0)."""
    return ll4(dose, 0.0, top, log10_ec50, hill)


def brain_cousens(dose: ArrayLike, bottom: float, top: float, log10_ec50: float, hill: float, f: float
                  ) -> np.ndarray:
    """Brain-Cousens hormesis curve (drc ``BC.5``) with f given per EC50: the rise term is f x / EC50."""
    x = np.asarray(dose, dtype=float)
    e = 10.0**log10_ec50
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        u = np.where(x > 0, x / e, 0.0)
        ratio = np.where(x > 0, u**hill, 0.0)
        return bottom + (top - bottom + f * u) / (1.0 + ratio)


def cedergreen(dose: ArrayLike, bottom: float, top: float, log10_ec50: float, hill: float, f: float,
               alpha: float = 1.0) -> np.ndarray:
    """Cedergreen-Ritz-Streibig hormesis curve (drc ``CRS.5a`` for alpha = 1), dose scaled by EC50."""
    x = np.asarray(dose, dtype=float)
    e = 10.0**log10_ec50
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        u = np.where(x > 0, x / e, 0.0)
        ratio = np.where(x > 0, u**hill, 0.0)
        bump = np.where(x > 0, np.exp(-np.where(x > 0, 1.0 / np.maximum(u, 1e-300), 0.0) ** alpha), 0.0)
        return bottom + (top - bottom + f * bump) / (1.0 + ratio)


def curve_value(model: str, dose: ArrayLike, theta: ArrayLike) -> np.ndarray:
    """Response of ``model`` with parameters ``theta`` (length 4, or 5 for hormesis models) at ``dose`` (nM)."""
    th = np.asarray(theta, dtype=float)
    if model in ("LL4", "LL3"):
        return ll4(dose, *th[:4])
    if model == "BC5":
        return brain_cousens(dose, *th[:5])
    if model == "CRS5":
        return cedergreen(dose, *th[:5])
    raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")


@dataclass(frozen=True)
class Estimate:
    """A dose estimate (nM) with a 95% interval, or an explicit reason why there is none.

    ``lo`` may be 0 and ``hi`` may be inf (an interval open on that side, e.g. a profile that never leaves
    its confidence region within the search range). ``bound`` is the tested-range limit used for a censored
    value ("> top dose" / "< lowest dose").
    """

    value: float | None
    lo: float | None = None
    hi: float | None = None
    status: str = "ok"
    bound: float | None = None  # the tested-range limit used for "> top dose" / "< lowest dose"
    method: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.value is not None

    @property
    def censored(self) -> str | None:
        """"lower" when the value is only known to be above ``bound``, "upper" when below, else None."""
        return {"above_range": "lower", "below_range": "upper"}.get(self.status)

    def text(self, unit: str = "nM") -> str:
        """Readable form, e.g. ``1,380 nM (95% CI 1,100-1,700)`` or ``> 10,000 nM``."""
        if self.status == "above_range":
            return f"> {self.bound:,.0f} {unit} (top dose)"
        if self.status == "below_range":
            return f"< {self.bound:,.3g} {unit} (lowest dose)"
        if not self.ok:
            return f"not estimable ({self.status})"
        ci = ""
        if self.lo is not None and self.hi is not None and np.isfinite(self.lo) and not np.isnan(self.hi):
            lo = "0" if self.lo <= 0 else _sig(self.lo)
            hi = "inf" if np.isinf(self.hi) else f"{_sig(self.hi)}"
            ci = f" (95% CI {lo} to {hi})"
        return f"{_sig(self.value)} {unit}{ci}"


def _sig(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def classify_curve(converged: bool, p_flat: float, p_rise: float) -> str:
    """The curve-level status (module docstring): the one rule shared by single fits and batched refits.

    ``converged``: the optimiser's success flag; ``p_flat``: p-value of the F-test against a flat line (nan when
    the design leaves no residual degree of freedom: then the curve counts as a dose response only if its fit is
    exact, p_flat 0); ``p_rise``: p-value of :func:`rise_test` (1 when the response never rises).
    """
    if not converged:
        return "failed"
    if p_rise < MONOTONE_ALPHA:
        return "non_monotone"
    if not (p_flat < ALPHA):
        return "flat"
    return "ok"


def censored_log10(est: Estimate) -> float:
    """log10 of a GI50 estimate (nM) on the extended real line: +inf above the tested range, -inf below,
    nan when there is no GI50 (flat without a level, non-monotone, failed). Used to classify bootstrap refits."""
    if est.ok:
        return float(np.log10(est.value))
    if est.status == "above_range":
        return float("inf")
    if est.status == "below_range":
        return float("-inf")
    return float("nan")


@dataclass
class CurveFit:
    """Result of fitting one dose-response curve.

    ``theta``: (bottom, top, log10_ec50, hill) for LL4/LL3 (bottom = 0 for LL3), plus f for BC5/CRS5;
    ``cov``: covariance of the free parameters (k x k); ``dose`` (nM) and ``response`` (fraction of vehicle):
    the wells, shape (n,).
    """

    model: str
    theta: np.ndarray
    cov: np.ndarray
    rss: float
    n: int
    k: int
    converged: bool
    dose: np.ndarray = field(repr=False)
    response: np.ndarray = field(repr=False)
    f_flat: float = float("nan")
    p_flat: float = float("nan")
    monotone_violation: float = 0.0
    p_rise: float = 1.0
    name: str = "curve"
    at_bound: tuple[str, ...] = ()

    @property
    def df(self) -> int:
        return self.n - self.k

    @property
    def aic(self) -> float:
        """Gaussian AIC = n ln(RSS/n) + 2(k+1); the +1 counts the error variance. RSS is floored at n 1e-24 so
        that exact (noise-free) fits of nested models tie and the smaller model wins."""
        rss = max(self.rss, self.n * 1e-24)
        return float(self.n * np.log(rss / self.n) + 2 * (self.k + 1))

    @property
    def params(self) -> dict[str, float]:
        b, t, le, h = self.theta[:4]
        out = {"bottom": float(b), "top": float(t), "ec50_nM": float(10**le), "hill": float(h)}
        if len(self.theta) > 4:
            out[HORMESIS_PARAM] = float(self.theta[4])
        return out

    @cached_property
    def dose_range(self) -> tuple[float, float]:
        """(lowest, highest) positive dose tested, nM (computed once: the wells of a fit do not change)."""
        pos = self.dose[self.dose > 0]
        return float(pos.min()), float(pos.max())

    def predict(self, dose: ArrayLike) -> np.ndarray:
        return curve_value(self.model, dose, self.theta)

    @property
    def status(self) -> str:
        """Curve-level status: ok, flat, non_monotone or failed (see :func:`classify_curve`)."""
        return classify_curve(self.converged, self.p_flat, self.p_rise)

    @property
    def peak_dose(self) -> float:
        """Dose (nM) of the fitted curve's maximum for hormesis models; 0 (the vehicle) for LL4/LL3."""
        if self.model not in HORMESIS_MODELS:
            return 0.0
        lo_d, hi_d = self.dose_range
        xs = np.geomspace(lo_d / 1e3, hi_d, 600)  # within the tested doses: a rise beyond them is not seen
        ys = self.predict(xs)
        i = int(np.argmax(ys))
        return float(xs[i]) if ys[i] > self.predict(0.0) else 0.0

    @property
    def hormetic_rise(self) -> float:
        """Height of the fitted low-dose rise above the vehicle response (fraction of vehicle); 0 for LL4/LL3."""
        peak = self.peak_dose
        return float(self.predict(peak) - self.predict(0.0)) if peak > 0 else 0.0

    # -- GI50s ------------------------------------------------------------------------------------
    def _free_cov_full(self) -> np.ndarray:
        """Covariance on the full theta; fixed parameters (bottom of LL3) have zero variance."""
        free = MODELS[self.model][1]
        c = np.zeros((len(self.theta), len(self.theta)))
        c[np.ix_(free, free)] = self.cov
        return c

    def _interval(self, g: Callable[[np.ndarray], float], theta_hat: np.ndarray) -> tuple[float, float]:
        """Delta-method 95% interval of 10**g(theta) (g returns a log10 dose)."""
        eps = 1e-6
        p = len(theta_hat)
        grad = np.array([(g(theta_hat + eps * e) - g(theta_hat - eps * e)) / (2 * eps) for e in np.eye(p)])
        with np.errstate(invalid="ignore"):
            var = float(grad @ self._free_cov_full() @ grad)
        if not np.isfinite(var):
            return float("nan"), float("nan")
        se = np.sqrt(max(var, 0.0))
        q = stats.t.ppf(0.975, max(self.df, 1))
        v = g(theta_hat)
        with np.errstate(over="ignore"):  # an unidentified curve: the interval is 0 to inf
            return float(np.power(10.0, v - q * se)), float(np.power(10.0, v + q * se))

    def _midpoint(self, theta: np.ndarray) -> float:
        return float((theta[0] + theta[1]) / 2)

    def crossing(self, theta: np.ndarray, level: float | None) -> float | None:
        """Dose (nM) where the curve with ``theta`` crosses ``level`` on its falling side (None: midpoint)."""
        if level is None:
            if self.model in ("LL4", "LL3"):
                return float(10 ** theta[2])
            level = self._midpoint(theta)
        return crossing_dose(self.model, theta, level, self.dose_range)

    def gi50_relative(self, interval: str = "delta") -> Estimate:
        """Relative GI50 (midpoint between fitted top and bottom; EC50 for LL4/LL3) with a 95% interval
        (``interval``: "delta" or "profile"; profile is available for LL4/LL3 and falls back to delta)."""
        if self.status != "ok":
            return Estimate(None, status=self.status, method=interval)
        lo_d, hi_d = self.dose_range
        ec50 = self.crossing(self.theta, None)
        if ec50 is None:
            return Estimate(None, status="failed", method=interval)
        if ec50 > hi_d:
            return Estimate(None, status="above_range", bound=hi_d, method=interval)
        if ec50 < lo_d:
            return Estimate(None, status="below_range", bound=lo_d, method=interval)
        if interval == "profile" and self.model in ("LL4", "LL3"):
            lo, hi = profile_interval(self, "relative")
        else:
            interval = "delta"

            def g(th: np.ndarray) -> float:
                v = self.crossing(th, None)
                return np.log10(v) if v else np.nan

            lo, hi = self._interval(g, self.theta)
        return Estimate(float(ec50), lo, hi, method=interval)

    def gi50_absolute(self, level: float = 0.5, interval: str = "delta") -> Estimate:
        """Absolute GI50: dose (nM) where the fitted curve crosses ``level`` (fraction of vehicle), with a 95%
        interval (``interval``: "delta", "profile", or "none" for the point estimate alone). A flat curve is censored: above the top dose when the mean
        response at every dose exceeds ``level``, below the lowest dose when it is below at every dose.
        For a hormesis model with a fitted low-dose rise of at least ``HORMESIS_MIN_RISE``, the value is read
        from the dose means on the falling limb (:func:`limb_crossing`) and the model's interval re-centred on it."""
        lo_d, hi_d = self.dose_range
        status = self.status
        if status == "flat":
            means = np.array([self.response[self.dose == d].mean() for d in np.unique(self.dose[self.dose > 0])])
            if np.all(means > level):
                return Estimate(None, status="above_range", bound=hi_d, method=interval)
            if np.all(means < level):
                return Estimate(None, status="below_range", bound=lo_d, method=interval)
            return Estimate(None, status=status, method=interval)
        if status != "ok":
            return Estimate(None, status=status, method=interval)
        value = self.crossing(self.theta, level)
        model_value = value
        if self.model in HORMESIS_MODELS and value is not None and self.hormetic_rise >= HORMESIS_MIN_RISE:
            value = limb_crossing(self.dose, self.response, self.peak_dose, level) or value
        if value is None or value > hi_d:
            if float(self.predict(lo_d)) <= level:
                return Estimate(None, status="below_range", bound=lo_d, method=interval)
            return Estimate(None, status="above_range", bound=hi_d, method=interval)
        if value < lo_d:
            return Estimate(None, status="below_range", bound=lo_d, method=interval)
        if interval == "none":  # the point estimate only (bootstrap refits need no interval of their own)
            lo = hi = None
        elif interval == "profile":
            lo, hi = profile_interval(self, "absolute", level=level)
        else:
            def g(th: np.ndarray) -> float:
                v = self.crossing(th, level)
                return np.log10(v) if v else np.nan

            lo, hi = self._interval(g, self.theta)
        if model_value is not None and value != model_value and lo is not None:  # hormesis: re-centred interval
            lo, hi = lo * value / model_value, hi * value / model_value
        return Estimate(float(value), lo, hi, method=interval)


def absolute_dose(theta: ArrayLike, level: float = 0.5) -> float | None:
    """Dose (nM) at which an LL4 curve with parameters ``theta`` equals ``level``; None if never."""
    b, t, le, h = theta[:4]
    if not (min(b, t) < level < max(b, t)) or h <= 0:
        return None
    r = (t - b) / (level - b) - 1.0
    if r <= 0:
        return None
    return float(10**le * r ** (1.0 / h))


def limb_crossing(dose: ArrayLike, response: ArrayLike, peak_dose: float, level: float = 0.5) -> float | None:
    """Dose (nM) where the dose means, on the falling limb after ``peak_dose``, cross ``level``.

    Used for the absolute GI50 of hormetic curves: a shape-preserving piecewise-cubic interpolation (PCHIP,
    Fritsch & Carlson 1980; SciPy) of the mean response against log10 dose, from the last tested dose at or
    below the peak onward. The parametric hormesis models (BC5, CRS5) must bend their falling limb to fit the
    low-dose bump, which biases their crossing (on a noise-free LL4 curve with a 25% bump: BC5 200 nM, CRS5
    209-215 nM, truth 220.9 nM; interpolation 219 nM). None when the means do not cross ``level``.
    """
    x, y = np.asarray(dose, float), np.asarray(response, float)
    levels = np.unique(x[x > 0])
    means = np.array([y[x == d].mean() for d in levels])
    start = int(np.searchsorted(levels, peak_dose, side="right")) - 1
    levels, means = levels[max(start, 0):], means[max(start, 0):]
    below = np.nonzero(means < level)[0]
    if levels.size < 2 or below.size == 0 or below[0] == 0:
        return None
    j = int(below[0])
    lx = np.log10(levels)
    p = interpolate.PchipInterpolator(lx, means - level)
    return float(10 ** optimize.brentq(lambda v: float(p(v)), lx[j - 1], lx[j], xtol=1e-12))


def crossing_dose(model: str, theta: ArrayLike, level: float, dose_range: tuple[float, float]) -> float | None:
    """Dose (nM) at which ``model`` crosses ``level`` on its falling side; None if it never does.

    Closed form for LL4/LL3; for hormesis models, the first crossing after the curve's maximum, searched from
    1,000-fold below the lowest to 1,000-fold above the highest tested dose (Brent's method, SciPy).
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
    root = optimize.brentq(lambda lx: float(curve_value(model, 10**lx, theta)) - level, a, b, xtol=1e-12)
    return float(10**root)


# ------------------------------------------------------------------------------------------------
# fitting
# ------------------------------------------------------------------------------------------------
def _clean(dose: ArrayLike, response: ArrayLike, name: str = "curve") -> tuple[np.ndarray, np.ndarray]:
    """Validated (dose, response) arrays, shape (n,). Raises ValueError naming ``name`` and what to do."""
    x = np.asarray(dose, dtype=float).ravel()
    y = np.asarray(response, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"{name}: dose and response differ in length ({x.size} vs {y.size})")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError(f"{name}: dose and response must be finite numbers (drop missing wells first)")
    if np.any(x < 0):
        raise ValueError(f"{name}: doses must be >= 0 nM")
    if y.size and float(y.max()) > PERCENT_MEDIAN and float(np.median(y)) > PERCENT_MEDIAN:
        raise ValueError(
            f"{name}: the responses look like percent of vehicle (median {float(np.median(y)):.4g} > "
            f"{PERCENT_MEDIAN:g}); give viability as a fraction of vehicle (1 = untreated): divide by 100")
    n_pos = np.unique(x[x > 0]).size
    if n_pos < 3:
        raise ValueError(f"{name}: a dose-response fit needs at least 3 distinct positive doses; this curve has "
                         f"{n_pos} ({x.size} wells). Add doses to the dilution series.")
    return x, y


def _start(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    pos = x > 0
    lx = np.log10(x[pos])
    top = float(np.mean(y[x == x.min()]))
    bottom = float(np.mean(y[x == x.max()]))
    mid = (top + bottom) / 2
    order = np.argsort(lx)
    ys = y[pos][order]
    idx = int(np.argmin(np.abs(ys - mid)))
    return np.array([bottom, top, float(lx[order][idx]), 1.0])


def _bounds(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Box constraints on (bottom, top, log10_ec50, hill, f); the search range of a fit (assumption)."""
    lx = np.log10(x[x > 0])
    lo = np.array([-1.0, -0.5, lx.min() - 3, 0.05, 0.0])
    hi = np.array([2.0, 3.0, lx.max() + 3, 20.0, 10.0])
    return lo, hi


def monotone_violation(dose: ArrayLike, response: ArrayLike) -> float:
    """Largest rise of the mean response from any dose to any higher dose (fraction of vehicle).

    Descriptive only: a fixed cut on it would call ordinary replicate noise non-monotone; the status comes
    from :func:`rise_test`."""
    x, y = np.asarray(dose, float), np.asarray(response, float)
    _, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
    means = np.bincount(inv, weights=y) / counts
    running_min = np.minimum.accumulate(means)
    return float(np.max(means - running_min))


@lru_cache(maxsize=64)
def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of ``n`` dose levels (``numpy.triu_indices(n, 1)``, cached: rise tests run per fit)."""
    i0, i1 = np.triu_indices(n, 1)
    i0.flags.writeable = i1.flags.writeable = False
    return i0, i1


def rise_test(dose: ArrayLike, response: ArrayLike, sigma: float | None = None, df: int = 0,
              from_dose: float = 0.0) -> float:
    """p-value that the mean response rises somewhere with dose beyond replicate noise.

    For every pair of dose levels d_i < d_j (both >= ``from_dose``), t = (mean_j - mean_i) / (s sqrt(1/n_i +
    1/n_j)); the largest t is referred to Student's t and Bonferroni-corrected for the number of pairs, so that,
    with normal noise, a curve whose true mean never rises is called rising with probability <= the level used.
    ``s`` is the pooled within-dose (pure-error) s.d. when the replicates give at least 3 degrees of freedom,
    otherwise ``sigma`` with ``df`` (the fitted model's residual s.d.); without either the test says 1.
    ``dose``, ``response``: shape (n,). Method: studentised pairwise comparisons with Bonferroni (assumption:
    equal-variance normal noise).
    """
    x, y = np.asarray(dose, float), np.asarray(response, float)
    levels, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
    means = np.bincount(inv, weights=y) / counts
    ss_pe = float(np.sum((y - means[inv]) ** 2))
    df_pe = int(x.size - levels.size)
    if df_pe >= 3:
        s, d = np.sqrt(ss_pe / df_pe), df_pe
    elif sigma is not None and df >= 1 and np.isfinite(sigma):
        s, d = float(sigma), int(df)
    else:
        return 1.0
    keep = levels >= from_dose
    m, c = means[keep], counts[keep]
    if m.size < 2:
        return 1.0
    iu = _pairs(m.size)
    rise = m[iu[1]] - m[iu[0]]
    if s <= 1e-12:
        return 0.0 if float(rise.max()) > 1e-9 else 1.0
    t = rise / (s * np.sqrt(1.0 / c[iu[0]] + 1.0 / c[iu[1]]))
    return float(min(1.0, special.stdtr(d, -float(t.max())) * rise.size))  # = stats.t.sf, without overhead


def rise_test_batch(dose: np.ndarray, responses: np.ndarray, sigma: np.ndarray | None = None,
                    df: int = 0) -> np.ndarray:
    """:func:`rise_test` (``from_dose`` 0) for many curves sharing one dose vector, vectorised: shape (m,).

    ``dose``: (n,); ``responses``: (m, n) without missing wells; ``sigma``: (m,) residual s.d. of each fit
    (used with ``df`` when the replicates give fewer than 3 pure-error degrees of freedom). Same arithmetic as
    :func:`rise_test`; ``tests/test_batchfit.py`` checks that they agree."""
    x, Y = np.asarray(dose, float), np.atleast_2d(np.asarray(responses, float))
    levels, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
    onehot = np.zeros((x.size, levels.size))
    onehot[np.arange(x.size), inv] = 1.0
    means = (Y @ onehot) / counts
    df_pe = int(x.size - levels.size)
    if df_pe >= 3:
        s, d = np.sqrt(np.sum((Y - means[:, inv]) ** 2, axis=1) / df_pe), df_pe
    elif sigma is not None and df >= 1:
        s, d = np.asarray(sigma, float), int(df)
    else:
        return np.ones(Y.shape[0])
    if levels.size < 2:
        return np.ones(Y.shape[0])
    i0, i1 = _pairs(levels.size)
    rise = means[:, i1] - means[:, i0]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = rise / (s[:, None] * np.sqrt(1.0 / counts[i0] + 1.0 / counts[i1]))
    p = np.minimum(1.0, special.stdtr(d, -t.max(axis=1)) * rise.shape[1])
    tiny = s <= 1e-12
    p[tiny] = np.where(rise[tiny].max(axis=1) > 1e-9, 0.0, 1.0)
    return p


def fit_curve(dose: ArrayLike, response: ArrayLike, model: str = "LL4", *,
              start: np.ndarray | None = None, name: str = "curve", _batch_fallback: bool = True) -> CurveFit:
    """Least-squares fit of one model (``MODELS``) to wells (dose in nM, response as fraction of vehicle).

    ``dose``, ``response``: shape (n,). ``start``: initial theta (length 4; f is added for hormesis models).
    Raises ValueError (naming ``name``) for unusable input or a design without a residual degree of freedom.
    Optimiser: LL4/LL3 by MINPACK Levenberg-Marquardt with the analytic Jacobian (bounded LM of :mod:`.batchfit`
    when it leaves the box; SciPy's trust-region reflective solver from two starts when those fail, end worse
    than a flat line, or stop in the shallow-flat corner, see :func:`_fit_loglogistic`); hormesis models by SciPy ``least_squares`` (trust-region reflective, box
    constraints from :func:`_bounds`).
    """
    x, y = _clean(dose, response, name)
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    k, free = MODELS[model]
    free = list(free)
    if x.size - k < 1:
        raise ValueError(f"{name}: {model} has {k} parameters but the curve has only {x.size} wells; it needs at "
                         f"least {k + 1} (one residual degree of freedom). Add wells or use a smaller model.")
    p = 5 if model in HORMESIS_MODELS else 4
    lo, hi = _bounds(x)
    lo, hi = lo[:p], hi[:p]
    if model == "BC5":  # Brain-Cousens falls at high doses only when hill > 1 (f x / x^hill -> 0)
        lo[3] = 1.0 + 1e-6
    th0 = _start(x, y) if start is None else np.asarray(start, float).copy()
    if th0.size < p:
        th0 = np.r_[th0, 0.1]
    th0 = np.clip(th0[:p], lo + 1e-9, hi - 1e-9)
    if model == "LL3":
        th0[0] = 0.0

    def full(q: np.ndarray) -> np.ndarray:
        th = th0.copy()
        th[free] = q
        return th

    def resid(q: np.ndarray) -> np.ndarray:
        return curve_value(model, x, full(q)) - y

    if model in ("LL4", "LL3"):
        sol_x, success, fun, J = _fit_loglogistic(x, y, model, th0, lo, hi, free, _batch_fallback)
    else:
        sol = optimize.least_squares(resid, th0[free], bounds=(lo[free], hi[free]), method="trf",
                                     x_scale="jac", xtol=1e-14, ftol=1e-14, gtol=1e-14, max_nfev=2000)
        sol_x, success, fun, J = sol.x, bool(sol.success), sol.fun, sol.jac
    theta = full(sol_x)
    n = x.size
    rss = float(np.sum(fun**2))
    s2 = rss / max(n - k, 1)
    try:
        cov = np.linalg.pinv(J.T @ J) * s2
    except np.linalg.LinAlgError:  # pragma: no cover - pinv rarely fails
        cov = np.full((k, k), np.nan)
    at_bound = params_at_bound(theta, lo, hi, free)
    fit = CurveFit(model, theta, cov, rss, n, k, success, x, y, name=name, at_bound=at_bound)
    fit.f_flat, fit.p_flat = f_test_flat(fit)
    fit.monotone_violation = monotone_violation(x, y)
    fit.p_rise = rise_test(x, y, np.sqrt(rss / fit.df), fit.df, from_dose=fit.peak_dose)
    return fit


def params_at_bound(theta: np.ndarray, lo: np.ndarray, hi: np.ndarray, free: list[int]) -> tuple[str, ...]:
    """Names of the free parameters (indices ``free`` into ``theta``, shape (4,) or (5,)) that sit on a bound of
    the search box ``lo``/``hi`` (within 1e-6 of its width); the hormesis term is never reported."""
    th, lo, hi = (np.asarray(a, float)[free] for a in (theta, lo[:len(theta)], hi[:len(theta)]))
    span = hi - lo
    near = (np.abs(th - lo) < 1e-6 * span) | (np.abs(hi - th) < 1e-6 * span)
    names = PARAM_NAMES + (HORMESIS_PARAM,)
    return tuple(names[i] for i, b in zip(free, near, strict=False) if b and names[i] != HORMESIS_PARAM)


def at_shallow_corner(theta: ArrayLike, lo: ArrayLike, hi: ArrayLike) -> np.ndarray:
    """Whether fits (``(..., 4)`` bottom, top, log10 EC50, Hill) sit in the corner where the EC50 is at its upper
    bound and the Hill slope at its lower one: with Hill near 0 the curve is nearly flat at (top + bottom) / 2, a
    local optimum that can trap a curve with a real transition above the tested doses. Both fit paths then try
    a second start (:func:`_restarts`) and keep the better fit."""
    th, lo, hi = (np.asarray(a, dtype=float) for a in (theta, lo, hi))
    return (th[..., 3] <= lo[..., 3] * (1 + 1e-6)) & (th[..., 2] >= hi[..., 2] - 1e-6 * (hi[..., 2] - lo[..., 2]))


def _fit_loglogistic(x: np.ndarray, y: np.ndarray, model: str, th0: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                     free: list[int], batch: bool = True) -> tuple[np.ndarray, bool, np.ndarray, np.ndarray]:
    """LL4/LL3 least squares: (free parameters, converged, residuals, Jacobian of the free parameters).

    Unbounded Levenberg-Marquardt (MINPACK, ``scipy.optimize.leastsq``) with the analytic Jacobian; its optimum
    is kept when it lies inside the bounds (then it is also the bounded problem's optimum), otherwise the bounded
    LM of :mod:`.batchfit`. SciPy's trust-region reflective solver crawls along the plateau of step-like fits
    (Hill slope towards its bound) and ran out of evaluations on many flat or censored curves, so it is used
    only when those leave the curve unconverged or worse than a flat line (then from two starts,
    :func:`_restarts`, keeping the better).
    """
    pos = x > 0
    lxz = np.log10(np.where(pos, x, 1.0))
    posf = pos.astype(float)
    ln10 = np.log(10.0)
    ll4 = model == "LL4"
    last: list = [None, None]  # MINPACK asks for the Jacobian at the point whose residuals it just had

    def split(p: np.ndarray) -> tuple[float, float, float, float, np.ndarray]:
        b, tp, le, h = p if ll4 else (0.0, *p)
        key = p.tobytes()
        if key != last[0]:
            r = np.exp(np.minimum((h * ln10) * (lxz - le), 700.0)) * posf  # dose 0: ratio 0
            last[0], last[1] = key, 1.0 / (1.0 + r)
        return b, tp, le, h, last[1]

    def resid(p: np.ndarray) -> np.ndarray:
        b, tp, _, _, s = split(p)
        return b + (tp - b) * s - y

    def jac(p: np.ndarray) -> np.ndarray:
        b, tp, le, h, s = split(p)
        q = 1.0 - s
        c = ((tp - b) * ln10) * s * q  # 0 at dose 0 (s = 1 there)
        J = np.empty((x.size, 4 if ll4 else 3))  # columns: (bottom,) top, log10 EC50, Hill
        if ll4:
            J[:, 0] = q
        J[:, -3], J[:, -2], J[:, -1] = s, c * h, c * (le - lxz)
        return J

    with np.errstate(over="ignore"):  # leastsq's own cov_x (unused here) can overflow for doses like 1e12 nM
        p, _, _, _, ier = optimize.leastsq(resid, th0[free], Dfun=jac, full_output=True, xtol=1e-12,
                                           ftol=1e-14, maxfev=400)
    inside = bool(np.all(np.isfinite(p)) and np.all(p > lo[free]) and np.all(p < hi[free]))
    if ier in (1, 2, 3, 4) and inside:
        sol_x, success = p, True
    else:
        sol_x, success = p, False
        if batch:
            from .batchfit import fit_curves  # batchfit imports this module

            b = fit_curves(x, y[None, :], model, start=th0[:4].copy(), covariance=False, refit_failed=False)
            sol_x, success = b.theta[0, free], bool(b.converged[0])
    # A least-squares optimum is never worse than a flat line at the mean (the curve reaches one with the EC50
    # beyond the tested doses); a solution that is worse sits in a corner of the box (EC50 and Hill at their
    # bounds, seen with LL3 on censored curves). Then, and for step-like curves the solvers above leave
    # unconverged, SciPy's trust-region reflective solver; the better converged solution is kept.
    rss_flat = float(np.sum((y - y.mean()) ** 2))
    rss = float(np.sum(resid(sol_x) ** 2)) if np.all(np.isfinite(sol_x)) else np.inf
    full_x = th0.copy()
    full_x[free] = sol_x
    corner = bool(at_shallow_corner(full_x[:4], lo[:4], hi[:4]))
    if not success or rss > rss_flat * (1 + 1e-9) or corner:
        for start in _restarts(th0, lo, hi, y, free):
            sol = optimize.least_squares(resid, start, jac=jac, bounds=(lo[free], hi[free]), method="trf",
                                         x_scale="jac", xtol=1e-14, ftol=1e-14, gtol=1e-14, max_nfev=2000)
            r2 = float(np.sum(sol.fun ** 2))
            if sol.success and (not success or r2 < rss):
                sol_x, success, rss = sol.x, True, r2
            if success and rss <= rss_flat * (1 + 1e-9) and not corner:
                break
    return sol_x, success, resid(sol_x), jac(sol_x)


def _restarts(th0: np.ndarray, lo: np.ndarray, hi: np.ndarray, y: np.ndarray, free: list[int]) -> list[np.ndarray]:
    """Starting points (free parameters) for the trust-region fallback of :func:`_fit_loglogistic`: the fit's own
    start, then a near-flat curve (top at the mean response, EC50 one decade inside its upper bound, Hill 1;
    assumption: the optimum of a censored curve lies near the flat line it approaches)."""
    flat = th0.copy()
    flat[1] = float(np.clip(y.mean(), lo[1] + 1e-9, hi[1] - 1e-9))
    flat[2] = hi[2] - 1.0
    flat[3] = 1.0
    return [th0[free], np.clip(flat, lo + 1e-9, hi - 1e-9)[free]]


def f_test_flat(fit: CurveFit) -> tuple[float, float]:
    """F-test of the fitted curve against a flat line (the mean response). Returns (F, p)."""
    rss0 = float(np.sum((fit.response - fit.response.mean()) ** 2))
    df_extra = fit.k - 1
    if fit.df <= 0:
        return float("nan"), float("nan")
    if fit.rss <= 1e-30 * max(rss0, 1e-300):
        return (float("inf"), 0.0) if rss0 > 0 else (float("nan"), 1.0)
    F = max(((rss0 - fit.rss) / df_extra) / (fit.rss / fit.df), 0.0)  # a fit no better than flat: F 0, p 1
    return float(F), float(special.fdtrc(df_extra, fit.df, F))  # = stats.f.sf(F, df_extra, df), without overhead


def design_models(dose: ArrayLike, response: ArrayLike, name: str = "curve",
                  models: tuple[str, ...] = tuple(MODELS)) -> list[str]:
    """The models of ``models`` that the design of one curve can carry, checked before fitting.

    A model with k parameters needs at least k + 1 wells (one residual degree of freedom) at k or more distinct
    dose levels (vehicle included); a hormesis model also needs 6 or more positive doses and 3 residual degrees
    of freedom (assumption: fewer cannot tell a low-dose rise from noise). Raises ValueError naming the curve and
    what it lacks when not even LL3 fits.
    """
    x, y = _clean(dose, response, name)
    n, n_levels, n_pos = x.size, np.unique(x).size, np.unique(x[x > 0]).size
    ok = []
    for m in models:
        k = MODELS[m][0]
        if n - k < 1 or n_levels < k:
            continue
        if m in HORMESIS_MODELS and (n_pos < 6 or n - k < 3):
            continue
        ok.append(m)
    if not ok:
        raise ValueError(
            f"{name}: {n} wells at {n_levels} dose levels (vehicle included) leave no residual degree of freedom "
            f"for any curve model; the smallest, LL3 (top, EC50, Hill; bottom 0), needs at least 4 wells at 3 or "
            f"more dose levels. Add replicate wells or doses.")
    return ok


def select_model(dose: ArrayLike, response: ArrayLike, *, name: str = "curve",
                 models: tuple[str, ...] = tuple(MODELS)) -> tuple[CurveFit, dict[str, float]]:
    """Fit every model the design carries (:func:`design_models`) and keep the one with the lowest AIC among
    those that describe the curve as monotone (a hormesis model describes a low-dose rise); if none does, the
    lowest AIC overall. The hormesis models enter only when the mean response rises with dose beyond replicate
    noise (:func:`rise_test` p < ``HORMESIS_GATE``): AIC alone picks one of two extra models on about a quarter
    of monotone noisy curves. Returns (best fit, {model: AIC}). ``dose``, ``response``: shape (n,)."""
    cands = design_models(dose, response, name, models)
    fits: dict[str, CurveFit] = {}
    for m in (c for c in cands if c not in HORMESIS_MODELS):
        fits[m] = fit_curve(dose, response, m, name=name)
    hormesis = [c for c in cands if c in HORMESIS_MODELS]
    if fits and hormesis:  # a hormesis model is a candidate only when the response rises beyond noise
        ll = min(fits.values(), key=lambda f: f.aic)
        if rise_test(ll.dose, ll.response, np.sqrt(ll.rss / ll.df), ll.df) >= HORMESIS_GATE:
            hormesis = []
    if hormesis:
        base = fits.get("LL4", next(iter(fits.values()), None))
        for m in hormesis:
            starts = [None] if base is None else [np.r_[base.theta[:4], f0] for f0 in (0.1, 1.0)]
            tries = [fit_curve(dose, response, m, start=s, name=name) for s in starts]
            fits[m] = min(tries, key=lambda f: f.rss)
    aics = {m: f.aic for m, f in fits.items()}
    monotone = [m for m in fits if fits[m].status != "non_monotone"] or list(fits)
    best = min(monotone, key=lambda m: aics[m])
    return fits[best], aics


# ------------------------------------------------------------------------------------------------
# end-of-range artefacts (precipitation, edge effects at the top doses)
# ------------------------------------------------------------------------------------------------
#: A rise after the curve's minimum counts as an end-of-range artefact only at this many top dose levels or
#: fewer (assumption: a longer rise is a shape of the curve, not an artefact of the last wells).
END_RISE_MAX_LEVELS = 2
#: ... and only when each of those levels' means exceeds the minimum mean by this many standard errors of the
#: difference (pooled replicate SD; assumption: 3 SE, a one-sided false-alarm rate near 0.1% per level) ...
END_RISE_SE = 3.0
#: ... and by at least this share of the vehicle response (assumption: 10%, above the 2-5% well noise of
#: luminescent viability assays).
END_RISE_MIN = 0.10


@dataclass(frozen=True)
class EndRise:
    """The top dose levels excluded from a fit as an end-of-range artefact (empty when none)."""

    excluded_doses: tuple[float, ...]
    minimum: float
    rise: float

    @property
    def flag(self) -> str:
        """The fit-quality flag for the GI50 table ('' when nothing was excluded)."""
        if not self.excluded_doses:
            return ""
        doses = ", ".join(f"{d:,.6g}" for d in self.excluded_doses)
        return (f"end-of-range rise: top dose(s) {doses} nM excluded from the fit (response climbs back by "
                f"{self.rise:.2f} after its minimum {self.minimum:.2f}; precipitation or an edge effect)")


def end_of_range_rise(dose: ArrayLike, response: ArrayLike) -> EndRise:
    """Detect a response that climbs back at the top doses (precipitating compound, edge wells) after falling.

    Rule (stated on the Your data page): with level means m_1..m_L over the positive doses and the minimum at
    level k < L, the levels after k are an end-of-range artefact when (i) there are at most
    ``END_RISE_MAX_LEVELS`` of them, (ii) each mean exceeds m_k by more than ``END_RISE_SE`` standard errors of
    the difference (pooled within-level SD of the replicate wells) and by more than ``END_RISE_MIN``, (iii) the
    falling part crosses half the vehicle response (m_k < 0.5, so the absolute GI50 is determined by it) and
    (iv) at least 4 positive dose levels remain. Without replicate wells (no within-level SD) nothing is
    detected. Drc and Prism users exclude such points by hand; here they are excluded by this rule and flagged.

    Returns an :class:`EndRise` (empty ``excluded_doses`` when the rule does not fire).
    """
    x, y = np.asarray(dose, float), np.asarray(response, float)
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0)
    x, y = x[ok], y[ok]
    levels = np.unique(x)
    none = EndRise((), float("nan"), float("nan"))
    if levels.size < 4 + 1:
        return none
    means = np.array([y[x == d].mean() for d in levels])
    counts = np.array([(x == d).sum() for d in levels])
    resid = np.concatenate([y[x == d] - m for d, m in zip(levels, means, strict=False)])
    df = int(counts.sum() - levels.size)
    if df < 1:
        return none
    sd = float(np.sqrt(np.sum(resid ** 2) / df))
    k = int(np.argmin(means))
    after = np.arange(k + 1, levels.size)
    if not (1 <= after.size <= END_RISE_MAX_LEVELS) or k + 1 < 4 or means[k] >= 0.5:
        return none
    se = sd * np.sqrt(1.0 / counts[after] + 1.0 / counts[k])
    rise = means[after] - means[k]
    if np.all(rise > np.maximum(END_RISE_SE * se, END_RISE_MIN)):
        return EndRise(tuple(float(d) for d in levels[after]), float(means[k]), float(rise.max()))
    return none


# ------------------------------------------------------------------------------------------------
# fit quality and profile-likelihood intervals
# ------------------------------------------------------------------------------------------------
#: Prism calls a fit ambiguous when a parameter's dependency exceeds this (GraphPad Prism 10 guide,
#: "Dependency and ambiguous fits").
AMBIGUOUS_DEPENDENCY = 0.9999
#: Fewer residual degrees of freedom than this are flagged: in ``benchmarks/interval_coverage.py`` the bootstrap
#: interval covered 87.5% (not 95%) on 6 doses x 1 well (df 3), while the profile interval kept 98%.
MIN_DF_BOOTSTRAP = 5
#: Share of the fitted span within which a dose counts as on a plateau (assumption: 10%).
PLATEAU_SHARE = 0.10


def quality_flags(fit: CurveFit) -> list[str]:
    """Fit-quality flags in the spirit of GraphPad Prism: an empty list is a clean fit.

    - ``ambiguous``: a parameter is not identifiable (Prism's dependency 1 - 1/(C_ii (C^-1)_ii) > 0.9999, or a
      singular covariance);
    - ``hit a bound``: a parameter ended on the edge of its search range (names it);
    - ``transition outside tested doses``: the relative GI50 (curve midpoint) lies outside the tested doses;
    - ``fewer than two doses on the top plateau`` / ``... bottom plateau``: fitted response within 10% of the
      span from top / bottom at fewer than two positive doses;
    - ``no dose on the transition``: no positive dose where the fitted response is between the plateaus (the
      GI50 then rests on the curve's shape alone; the delta-method interval covered 28% in the benchmark);
    - ``few residual degrees of freedom (df)``: df < ``MIN_DF_BOOTSTRAP`` (bootstrap intervals too narrow).
    """
    flags: list[str] = []
    cov = np.asarray(fit.cov, float)
    if not np.all(np.isfinite(cov)):
        flags.append("ambiguous")
    else:
        d = np.diag(cov)
        try:
            inv_d = np.diag(np.linalg.inv(cov)) if np.all(d > 0) else None
        except np.linalg.LinAlgError:
            inv_d = None
        with np.errstate(divide="ignore", invalid="ignore"):
            dep = None if inv_d is None else 1.0 - 1.0 / (d * inv_d)
        if dep is None or not np.all(np.isfinite(dep)) or np.any(dep > AMBIGUOUS_DEPENDENCY):
            flags.append("ambiguous")
    if fit.at_bound:
        flags.append(f"hit a bound ({', '.join(fit.at_bound)})")
    lo_d, hi_d = fit.dose_range
    mid = fit.crossing(fit.theta, None)
    if mid is None or not (lo_d <= mid <= hi_d):
        flags.append("transition outside tested doses")
    top, bottom = float(fit.theta[1]), float(fit.theta[0])
    span = abs(top - bottom)
    doses = np.unique(fit.dose[fit.dose > 0])
    yd = fit.predict(doses)
    if span > 0:
        on_top = int(np.sum(np.abs(yd - top) <= PLATEAU_SHARE * span))
        on_bottom = int(np.sum(np.abs(yd - bottom) <= PLATEAU_SHARE * span))
        if on_top < 2:
            flags.append("fewer than two doses on the top plateau")
        if on_bottom < 2:
            flags.append("fewer than two doses on the bottom plateau")
        if on_top + on_bottom >= doses.size:
            flags.append("no dose on the transition")
    if fit.df < MIN_DF_BOOTSTRAP:
        flags.append(f"few residual degrees of freedom ({fit.df})")
    return flags


def profile_interval(fit: CurveFit, kind: str = "absolute", level: float = 0.5, conf: float = 0.95
                     ) -> tuple[float, float]:
    """Profile-likelihood interval (nM) of the absolute GI50 (crossing of ``level``) or the relative GI50.

    The GI50 is made a parameter: for the absolute GI50 one linear parameter (bottom; top for LL3) is solved
    from "the curve crosses ``level`` at dose 10**psi"; for the relative GI50 of LL4/LL3, psi is log10 EC50. The
    interval holds every psi whose profile residual sum of squares passes the F criterion
    (RSS(psi) - RSS) / (RSS / df) <= F(conf; 1, df) (Bates & Watts 1988, ch. 6; Prism's "profile likelihood").
    Searched outward from the estimate up to 3 decades beyond the tested doses; an end not reached there is
    returned as 0 (lower) or inf (upper). Returns (nan, nan) when the fit has no GI50 or no residual df.
    """
    est = fit.gi50_relative() if kind == "relative" else fit.gi50_absolute(level)
    if not est.ok or fit.df < 1:
        return float("nan"), float("nan")
    model, x, y = fit.model, fit.dose, fit.response
    k, free = MODELS[model]
    th_hat = np.asarray(fit.theta, float)
    # the model's own crossing (for a hormetic curve the reported value is read off the limb and re-centred)
    point = fit.crossing(np.asarray(fit.theta, float), level) if kind == "absolute" else est.value
    if point is None:
        return float("nan"), float("nan")
    psi0 = float(np.log10(point))
    if kind == "relative":
        if model not in ("LL4", "LL3"):
            return float("nan"), float("nan")
        elim = None
        opt = [i for i in free if i != 2]
    else:
        elim = 1 if model == "LL3" else 0
        opt = [i for i in free if i != elim]
    lo_b, hi_b = _bounds(x)
    lo_b, hi_b = lo_b[:len(th_hat)], hi_b[:len(th_hat)]
    lx = np.log10(x[x > 0])
    limits = (lx.min() - 3, lx.max() + 3)

    def theta_at(psi: float, q: np.ndarray) -> np.ndarray:
        th = th_hat.copy()
        th[opt] = q
        if elim is None:
            th[2] = psi
            return th
        xa = 10.0**psi
        t0, t1 = th.copy(), th.copy()
        t0[elim], t1[elim] = 0.0, 1.0
        d0 = float(curve_value(model, xa, t0)) - level
        d1 = float(curve_value(model, xa, t1)) - level
        th[elim] = -d0 / (d1 - d0) if d1 != d0 else np.nan
        return th

    def prof(psi: float, q0: np.ndarray) -> tuple[float, np.ndarray]:
        def r(q: np.ndarray) -> np.ndarray:
            v = curve_value(model, x, theta_at(psi, q)) - y
            return np.where(np.isfinite(v), v, 1e3)
        q0 = np.clip(q0, lo_b[opt] + 1e-9, hi_b[opt] - 1e-9)
        sol = optimize.least_squares(r, q0, bounds=(lo_b[opt], hi_b[opt]), method="trf", x_scale="jac",
                                     xtol=1e-8, ftol=1e-8, max_nfev=300)
        return float(np.sum(sol.fun**2)), sol.x

    s2 = fit.rss / fit.df
    crit = float(stats.f.ppf(conf, 1, fit.df))
    if s2 <= 1e-30:
        return float(est.value), float(est.value)

    def stat(rss: float) -> float:
        return (rss - fit.rss) / s2

    ends = []
    for sign in (-1.0, 1.0):
        q_in = th_hat[opt].copy()
        inside, step, outside = psi0, 0.01, None
        while True:
            psi = psi0 + sign * step
            if not (limits[0] < psi < limits[1]):
                break
            rss, q = prof(psi, q_in)
            if stat(rss) > crit:
                outside = psi
                break
            inside, q_in, step = psi, q, step * 2
        if outside is None:
            ends.append(-np.inf if sign < 0 else np.inf)
            continue
        a, b = inside, outside
        for _ in range(8):  # 8 halvings: the end to within 1/256 of the last step (log10 units)
            mid = (a + b) / 2
            rss, q = prof(mid, q_in)
            if stat(rss) > crit:
                b = mid
            else:
                a, q_in = mid, q
        ends.append((a + b) / 2)
    return float(10 ** ends[0]), float(10 ** ends[1])


# ------------------------------------------------------------------------------------------------
# comparing two curves
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShiftTest:
    """Extra-sum-of-squares F-test: do two curves need separate EC50s?"""

    F: float
    p: float
    df1: int
    df2: int
    rss_shared: float
    rss_separate: float


def shift_test(a: CurveFit, b: CurveFit) -> ShiftTest:
    """Compare two fits: separate parameters vs a shared EC50 (other parameters separate, LL4 form).

    F and p are nan when the separate fits leave no residual degree of freedom (e.g. 4 wells per curve)."""
    xa, ya, xb, yb = a.dose, a.response, b.dose, b.response

    def resid(p: np.ndarray) -> np.ndarray:
        ba, ta, ha, bb, tb, hb, le = p
        return np.concatenate([ll4(xa, ba, ta, le, ha) - ya, ll4(xb, bb, tb, le, hb) - yb])

    p0 = np.array([a.theta[0], a.theta[1], a.theta[3], b.theta[0], b.theta[1], b.theta[3],
                   (a.theta[2] + b.theta[2]) / 2])
    lo_a, hi_a = _bounds(np.concatenate([xa, xb]))
    lo = np.array([lo_a[0], lo_a[1], lo_a[3], lo_a[0], lo_a[1], lo_a[3], lo_a[2]])
    hi = np.array([hi_a[0], hi_a[1], hi_a[3], hi_a[0], hi_a[1], hi_a[3], hi_a[2]])
    sol = optimize.least_squares(resid, np.clip(p0, lo + 1e-9, hi - 1e-9), bounds=(lo, hi),
                                 x_scale="jac", xtol=1e-12, ftol=1e-12)
    rss_r = float(np.sum(sol.fun**2))
    rss_f = a.rss + b.rss
    df2 = a.n + b.n - a.k - b.k
    df1 = 1
    if df2 <= 0:  # the separate fits use up every well: nothing left to test with
        return ShiftTest(float("nan"), float("nan"), df1, df2, rss_r, rss_f)
    if rss_f <= 0:
        return ShiftTest(float("inf"), 0.0, df1, df2, rss_r, rss_f)
    F = ((rss_r - rss_f) / df1) / (rss_f / df2)
    return ShiftTest(float(F), float(stats.f.sf(max(F, 0.0), df1, df2)), df1, df2, rss_r, rss_f)


# ------------------------------------------------------------------------------------------------
# bootstrap
# ------------------------------------------------------------------------------------------------
def bootstrap_log10_gi50(fit: CurveFit, n_boot: int, rng: np.random.Generator,
                         kind: str = "absolute") -> np.ndarray:
    """Bootstrap distribution of log10 GI50 (nM) by resampling residuals.

    Each resample is the fitted curve plus residuals drawn with replacement from all wells, inflated by
    sqrt(n / (n - k)) for the parameters fitted (a residual bootstrap: with 2-4 wells per dose, resampling
    wells within a dose underestimates the spread). Each refit is classified by :func:`censored_log10`:
    resamples whose curve never reaches 50% within the tested range give +inf; below range, -inf; a flat refit
    gives +inf when every dose's mean is above 50%, -inf when every one is below, else nan; failed or
    non-monotone resamples give nan. Returns shape (n_boot,) (empty for ``n_boot`` 0). LL4/LL3 resamples are
    fitted and classified together (:func:`.batchfit.fit_curves`, :meth:`.batchfit.BatchFit.log10_gi50`);
    hormesis models one by one.
    """
    x = fit.dose
    fitted = fit.predict(x)
    resid = (fit.response - fitted) * np.sqrt(fit.n / max(fit.df, 1))
    resid = resid - resid.mean()
    # one draw of all indices: the same numbers as one ``rng.choice(resid, size=n, replace=True)`` per resample
    # in turn (Generator.choice draws ``integers(0, n, size)``), leaving the generator in the same state
    Y = fitted + resid[rng.integers(0, resid.size, size=(n_boot, resid.size), dtype=np.int64)]
    if fit.model in ("LL4", "LL3"):  # all resamples fitted and classified at once (batchfit)
        from .batchfit import fit_curves  # batchfit imports this module

        from .batchfit import CONTINUE_ITER

        return fit_curves(x, Y, fit.model, start=fit.theta[:4], covariance=False,
                          continue_iter=CONTINUE_ITER).log10_gi50(kind)
    out = np.empty(n_boot)
    for i in range(n_boot):  # hormesis models: one by one
        try:
            f = fit_curve(x, Y[i], fit.model, start=fit.theta)
        except ValueError:
            out[i] = np.nan
            continue
        est = f.gi50_absolute(interval="none") if kind == "absolute" else f.gi50_relative()
        out[i] = censored_log10(est)
    return out


_BIG = 1e300


def percentile_interval(samples: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of samples on the extended real line (nan dropped); bounds may be +-inf.

    Infinite samples are kept (as +-1e300 for the linear interpolation of NumPy's quantile, mapped back to
    +-inf), so that an interval whose tail is censored is open on that side instead of "nan to nan"."""
    s = np.asarray(samples, float)
    s = s[~np.isnan(s)]
    if s.size == 0:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    z = np.clip(s, -_BIG, _BIG)
    q = np.quantile(z, [a, 1 - a], method="linear")
    q = np.where(q >= _BIG / 1e100, np.inf, np.where(q <= -_BIG / 1e100, -np.inf, q))
    return float(q[0]), float(q[1])


def bootstrap_estimate(fit: CurveFit, n_boot: int, rng: np.random.Generator,
                       kind: str = "absolute") -> tuple[Estimate, np.ndarray]:
    """GI50 with a bootstrap percentile 95% interval. Returns (estimate, log10 samples of shape (n_boot,)).
    Raises ValueError for a negative ``n_boot``."""
    if n_boot < 0:
        raise ValueError(f"n_boot must be >= 0 resamples, got {n_boot}")
    point = fit.gi50_absolute() if kind == "absolute" else fit.gi50_relative()
    samples = bootstrap_log10_gi50(fit, n_boot, rng, kind)
    if not point.ok:
        return Estimate(None, status=point.status, bound=point.bound, method="bootstrap"), samples
    lo, hi = percentile_interval(samples)
    return Estimate(point.value, float(10**lo), float(10**hi), method="bootstrap"), samples


def ratio_interval(log10_a: np.ndarray, log10_b: np.ndarray,
                   range_a: tuple[float, float] | None = None, range_b: tuple[float, float] | None = None,
                   level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of the ratio b/a from paired bootstrap samples of log10 GI50s, on the extended line.

    ``log10_a``, ``log10_b``: shape (n_boot,), +inf / -inf for resamples above / below the tested range, nan
    for resamples without a GI50 (dropped). Without the tested dose ranges (nM), infinite samples are used as
    they are (inf - inf is dropped). With them, each censored sample is an interval (b above the top dose means
    b >= top), and the interval is made conservative: its lower end is the percentile of the smallest ratio each
    resample allows, its upper end that of the largest. Returns (lo, hi); lo may be 0 and hi inf.
    """
    a, b = np.asarray(log10_a, float), np.asarray(log10_b, float)
    q = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        if range_a is None or range_b is None:
            lo, hi = percentile_interval(b - a, level)
            return float(10**lo), float(10**hi)
        la, ua = np.log10(range_a[0]), np.log10(range_a[1])
        lb, ub = np.log10(range_b[0]), np.log10(range_b[1])
        keep = ~(np.isnan(a) | np.isnan(b))
        a, b = a[keep], b[keep]
        if a.size == 0:
            return float("nan"), float("nan")
        # smallest ratio each resample allows: b as low as it can be, a as high as it can be
        d_min = np.where(b == np.inf, ub, b) - np.where(a == -np.inf, la, a)
        # largest: b as high, a as low
        d_max = np.where(b == -np.inf, lb, b) - np.where(a == np.inf, ua, a)
        d_min = np.where(np.isnan(d_min), -np.inf, d_min)
        d_max = np.where(np.isnan(d_max), np.inf, d_max)
    lo = percentile_interval(d_min, level)[0] if q else float(np.min(d_min))
    hi = percentile_interval(d_max, level)[1]
    return float(10**lo), float(10**hi)
