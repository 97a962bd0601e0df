"""Dose-response analysis: log-logistic fits, GI50 with intervals, and curve comparisons.

Conventions. Doses are in nM; responses are fractions of vehicle (1 = untreated). The curves are the
4-parameter log-logistic LL4 (bottom, top, EC50, Hill slope) and LL3 (bottom fixed at 0), as in R's drc:

    y(x) = bottom + (top - bottom) / (1 + (x / EC50)^hill),   hill > 0 (response falls with dose)

* relative GI50 = EC50, the midpoint between the fitted top and bottom;
* absolute GI50 = the dose at which the fitted curve crosses 0.5 of vehicle.

A GI50 is reported as a number only when it lies inside the tested dose range and the curve is a real,
monotone dose response. Otherwise :class:`Estimate` carries an explicit status:

===============  ===============================================================================
``ok``           estimate inside the tested range
``above_range``  the curve does not reach 50% within the tested doses: reported as "> top dose"
``below_range``  the response is already below 50% at the lowest dose: reported as "< lowest dose"
``flat``         no dose response (F-test against a flat line, p >= alpha): no GI50
``non_monotone`` the mean response rises with dose by more than the tolerance: no GI50
``failed``       the optimiser did not converge: no GI50
===============  ===============================================================================
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special, stats

PARAM_NAMES = ("bottom", "top", "log10_ec50", "hill")
ALPHA = 0.05
#: A rise of the per-dose mean response (fraction of vehicle) larger than this, from a lower to a higher
#: dose, marks a curve as non-monotone (hormesis up to this size is tolerated).
MONOTONE_TOLERANCE = 0.15


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


@dataclass(frozen=True)
class Estimate:
    """A dose estimate (nM) with a 95% interval, or an explicit reason why there is none."""

    value: float | None
    lo: float | None = None
    hi: float | None = None
    status: str = "ok"
    bound: float | None = None  # the tested-range limit used for "> top dose" / "< lowest dose"
    method: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.value is not None

    def text(self, unit: str = "nM") -> str:
        """Readable form, e.g. ``1,380 nM (95% CI 1,100-1,700)`` or ``> 10,000 nM``."""
        if self.status == "above_range":
            return f"> {self.bound:,.0f} {unit} (top dose)"
        if self.status == "below_range":
            return f"< {self.bound:,.3g} {unit} (lowest dose)"
        if not self.ok:
            return f"not estimable ({self.status})"
        ci = ""
        if self.lo is not None and self.hi is not None:
            hi = f"> {self.hi:,.0f}" if np.isinf(self.hi) else f"{_sig(self.hi)}"
            ci = f" (95% CI {_sig(self.lo)} to {hi})"
        return f"{_sig(self.value)} {unit}{ci}"


def _sig(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


@dataclass
class CurveFit:
    """Result of fitting one dose-response curve."""

    model: str
    theta: np.ndarray  # bottom, top, log10_ec50, hill (bottom = 0 for LL3)
    cov: np.ndarray  # covariance of the free parameters (4x4 for LL4, 3x3 for LL3)
    rss: float
    n: int
    k: int
    converged: bool
    dose: np.ndarray = field(repr=False)
    response: np.ndarray = field(repr=False)
    f_flat: float = float("nan")
    p_flat: float = float("nan")
    monotone_violation: float = 0.0

    @property
    def df(self) -> int:
        return self.n - self.k

    @property
    def aic(self) -> float:
        """Gaussian AIC = n ln(RSS/n) + 2(k+1); the +1 counts the error variance."""
        rss = max(self.rss, 1e-300)
        return float(self.n * np.log(rss / self.n) + 2 * (self.k + 1))

    @property
    def params(self) -> dict[str, float]:
        b, t, le, h = self.theta
        return {"bottom": float(b), "top": float(t), "ec50_nM": float(10**le), "hill": float(h)}

    @property
    def dose_range(self) -> tuple[float, float]:
        pos = self.dose[self.dose > 0]
        return float(pos.min()), float(pos.max())

    def predict(self, dose: ArrayLike) -> np.ndarray:
        return ll4(dose, *self.theta)

    @property
    def status(self) -> str:
        """Curve-level status: ok, flat, non_monotone or failed (see module docstring)."""
        return str(curve_status(self.converged, self.monotone_violation, self.p_flat))

    # -- GI50s ------------------------------------------------------------------------------------
    def _free_cov_full(self) -> np.ndarray:
        """Covariance on (bottom, top, log10_ec50, hill); bottom has zero variance for LL3."""
        if self.model == "LL4":
            return self.cov
        c = np.zeros((4, 4))
        c[1:, 1:] = self.cov
        return c

    def _interval(self, g, theta_hat: np.ndarray) -> tuple[float, float]:
        """Delta-method 95% interval of 10**g(theta) (g returns a log10 dose)."""
        eps = 1e-6
        grad = np.array([(g(theta_hat + eps * e) - g(theta_hat - eps * e)) / (2 * eps) for e in np.eye(4)])
        var = float(grad @ self._free_cov_full() @ grad)
        se = np.sqrt(max(var, 0.0))
        q = stats.t.ppf(0.975, max(self.df, 1))
        v = g(theta_hat)
        return float(10 ** (v - q * se)), float(10 ** (v + q * se))

    def gi50_relative(self) -> Estimate:
        """Relative GI50 (EC50) with a delta-method interval."""
        if self.status != "ok":
            return Estimate(None, status=self.status, method="delta")
        lo_d, hi_d = self.dose_range
        ec50 = 10 ** self.theta[2]
        if ec50 > hi_d:
            return Estimate(None, status="above_range", bound=hi_d, method="delta")
        if ec50 < lo_d:
            return Estimate(None, status="below_range", bound=lo_d, method="delta")
        lo, hi = self._interval(lambda th: th[2], self.theta)
        return Estimate(float(ec50), lo, hi, method="delta")

    def gi50_absolute(self, level: float = 0.5) -> Estimate:
        """Absolute GI50: dose where the fitted curve crosses ``level`` (fraction of vehicle)."""
        if self.status != "ok":
            return Estimate(None, status=self.status, method="delta")
        lo_d, hi_d = self.dose_range
        value = absolute_dose(self.theta, level)
        if value is None or value > hi_d:
            if float(self.predict(lo_d)) <= level:
                return Estimate(None, status="below_range", bound=lo_d, method="delta")
            return Estimate(None, status="above_range", bound=hi_d, method="delta")
        if value < lo_d:
            return Estimate(None, status="below_range", bound=lo_d, method="delta")

        def g(th: np.ndarray) -> float:
            v = absolute_dose(th, level)
            return np.log10(v) if v else np.nan

        lo, hi = self._interval(g, self.theta)
        return Estimate(float(value), lo, hi, method="delta")


def curve_status(converged: ArrayLike, monotone_violation: ArrayLike, p_flat: ArrayLike) -> np.ndarray:
    """The curve-status rule, on arrays of any (common) shape: ``failed`` if the optimiser did not converge,
    else ``non_monotone`` if the per-dose mean rises by more than :data:`MONOTONE_TOLERANCE`, else ``flat`` if
    the F-test against a flat line gives p >= :data:`ALPHA` (or no p), else ``ok``.

    The one place of the rule: :attr:`CurveFit.status` (single fits) and
    :attr:`jakpersist.analysis.batchfit.BatchFit.status` (batched fits, bootstrap resamples) both call it.
    Returns an array of str of the broadcast shape (0-d for scalars).
    """
    conv = np.asarray(converged, dtype=bool)
    mono = np.asarray(monotone_violation, dtype=float)
    p = np.asarray(p_flat, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(~conv, "failed", np.where(mono > MONOTONE_TOLERANCE, "non_monotone",
                                                  np.where(~(p < ALPHA), "flat", "ok")))


def absolute_dose(theta: ArrayLike, level: float = 0.5) -> float | None:
    """Dose (nM) at which an LL4 curve with parameters ``theta`` equals ``level``; None if never."""
    b, t, le, h = theta
    if not (min(b, t) < level < max(b, t)) or h <= 0:
        return None
    r = (t - b) / (level - b) - 1.0
    if r <= 0:
        return None
    return float(10**le * r ** (1.0 / h))


# ------------------------------------------------------------------------------------------------
# fitting
# ------------------------------------------------------------------------------------------------
def _clean(dose: ArrayLike, response: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(dose, dtype=float).ravel()
    y = np.asarray(response, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"dose and response differ in length ({x.size} vs {y.size})")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("dose and response must be finite numbers")
    if np.any(x < 0):
        raise ValueError("doses must be >= 0 nM")
    if np.unique(x[x > 0]).size < 3:
        raise ValueError("a dose-response fit needs at least 3 distinct positive doses")
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
    lx = np.log10(x[x > 0])
    lo = np.array([-1.0, -0.5, lx.min() - 3, 0.05])
    hi = np.array([2.0, 3.0, lx.max() + 3, 20.0])
    return lo, hi


def monotone_violation(dose: ArrayLike, response: ArrayLike) -> float:
    """Largest rise of the mean response from any dose to any higher dose (fraction of vehicle)."""
    x, y = np.asarray(dose, float), np.asarray(response, float)
    levels = np.unique(x)
    means = np.array([y[x == d].mean() for d in levels])
    running_min = np.minimum.accumulate(means)
    return float(np.max(means - running_min))


def fit_curve(dose: ArrayLike, response: ArrayLike, model: str = "LL4",
              start: np.ndarray | None = None) -> CurveFit:
    """Least-squares fit of LL4 or LL3 to wells (dose in nM, response as fraction of vehicle)."""
    x, y = _clean(dose, response)
    if model not in ("LL4", "LL3"):
        raise ValueError(f"model must be 'LL4' or 'LL3', got {model!r}")
    lo, hi = _bounds(x)
    th0 = _start(x, y) if start is None else np.asarray(start, float).copy()
    th0 = np.clip(th0, lo + 1e-9, hi - 1e-9)
    free = slice(0, 4) if model == "LL4" else slice(1, 4)
    if model == "LL3":
        th0[0] = 0.0

    # ll4 and its Jacobian (formulas: batchfit._model), the log doses taken once (called ~15 times per fit)
    pos = x > 0
    lxz = np.log10(np.where(pos, x, 1.0))
    posf = pos.astype(float)
    ln10 = np.log(10.0)

    def split(p: np.ndarray) -> tuple[float, float, float, float, np.ndarray]:
        b, t, le, h = p if model == "LL4" else (0.0, *p)
        r = np.exp(np.minimum((h * ln10) * (lxz - le), 700.0)) * posf  # dose 0: ratio 0
        return b, t, le, h, 1.0 / (1.0 + r)

    def resid(p: np.ndarray) -> np.ndarray:
        b, t, _, _, s = split(p)
        return b + (t - b) * s - y

    def jac(p: np.ndarray) -> np.ndarray:
        b, t, le, h, s = split(p)
        c = ((t - b) * ln10) * s * (1.0 - s)
        J = np.empty((x.size, 4))
        J[:, 0], J[:, 1], J[:, 2], J[:, 3] = 1.0 - s, s, c * h, np.where(pos, -c * (lxz - le), 0.0)
        return J[:, free]

    # Fast path: unbounded Levenberg-Marquardt (MINPACK) with the analytic Jacobian. Its optimum is kept when it
    # lies inside the bounds (then it is also the bounded problem's optimum). Otherwise the bounded LM of
    # batchfit: SciPy's TRF crawls along the plateau of step-like fits (Hill -> its bound) and ran out of
    # 2,000 evaluations on many flat or censored curves.
    p, _, _, _, ier = optimize.leastsq(resid, th0[free], Dfun=jac, full_output=True, xtol=1e-12, ftol=1e-14,
                                       maxfev=400)
    inside = bool(np.all(np.isfinite(p)) and np.all(p > lo[free]) and np.all(p < hi[free]))
    if ier in (1, 2, 3, 4) and inside:
        sol_x, success = p, True
    else:
        from .batchfit import fit_curves  # batchfit imports this module

        b = fit_curves(x, y[None, :], model, start=th0, covariance=False)
        sol_x, success = b.theta[0, free], bool(b.converged[0])
    theta = sol_x if model == "LL4" else np.concatenate([[0.0], sol_x])
    k = 4 if model == "LL4" else 3
    n = x.size
    rss = float(np.sum(resid(sol_x) ** 2))
    J = jac(sol_x)
    s2 = rss / max(n - k, 1)
    try:
        cov = np.linalg.pinv(J.T @ J, hermitian=True) * s2
    except np.linalg.LinAlgError:  # pragma: no cover - pinv rarely fails
        cov = np.full((k, k), np.nan)
    fit = CurveFit(model, theta, cov, rss, n, k, success, x, y)
    fit.f_flat, fit.p_flat = f_test_flat(fit)
    fit.monotone_violation = monotone_violation(x, y)
    return fit


def f_test_flat(fit: CurveFit) -> tuple[float, float]:
    """F-test of the fitted curve against a flat line (the mean response). Returns (F, p)."""
    rss0 = float(np.sum((fit.response - fit.response.mean()) ** 2))
    df_extra = fit.k - 1
    if fit.df <= 0:
        return float("nan"), float("nan")
    if fit.rss <= 1e-30 * max(rss0, 1e-300):
        return (float("inf"), 0.0) if rss0 > 0 else (float("nan"), 1.0)
    F = ((rss0 - fit.rss) / df_extra) / (fit.rss / fit.df)
    return float(F), float(special.fdtrc(df_extra, fit.df, F))  # = stats.f.sf(F, df_extra, df), without overhead


def select_model(dose: ArrayLike, response: ArrayLike) -> tuple[CurveFit, dict[str, float]]:
    """Fit LL4 and LL3 and keep the one with the lower AIC. Returns (best fit, {model: AIC})."""
    fits = {m: fit_curve(dose, response, m) for m in ("LL4", "LL3")}
    aics = {m: f.aic for m, f in fits.items()}
    best = min(fits, key=lambda m: aics[m])
    return fits[best], aics


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
    """Compare two LL4 fits: separate parameters vs a shared EC50 (other parameters separate)."""
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
    wells within a dose underestimates the spread). Resamples whose curve never reaches 50% within the
    tested range give +inf; below range, -inf; failed or flat resamples give nan.
    """
    x = fit.dose
    fitted = fit.predict(x)
    resid = (fit.response - fitted) * np.sqrt(fit.n / max(fit.df, 1))
    resid = resid - resid.mean()
    from .batchfit import fit_curves  # batchfit imports this module

    # the same draws as one rng.choice call per resample, in order; all resamples fitted in one batch
    Y = fitted + np.array([rng.choice(resid, size=resid.size, replace=True) for _ in range(n_boot)])
    Y = Y.reshape(n_boot, resid.size)
    return fit_curves(x, Y, fit.model, start=fit.theta, covariance=False).log10_gi50(
        "absolute" if kind == "absolute" else "relative")


def percentile_interval(samples: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of finite-or-infinite samples (nan dropped); bounds may be +-inf."""
    s = samples[~np.isnan(samples)]
    if s.size == 0:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    return float(np.quantile(s, a, method="linear")), float(np.quantile(s, 1 - a, method="linear"))


def bootstrap_estimate(fit: CurveFit, n_boot: int, rng: np.random.Generator,
                       kind: str = "absolute") -> tuple[Estimate, np.ndarray]:
    """GI50 with a bootstrap percentile 95% interval. Returns (estimate, log10 samples)."""
    point = fit.gi50_absolute() if kind == "absolute" else fit.gi50_relative()
    samples = bootstrap_log10_gi50(fit, n_boot, rng, kind)
    if not point.ok:
        return Estimate(None, status=point.status, bound=point.bound, method="bootstrap"), samples
    lo, hi = percentile_interval(samples)
    return Estimate(point.value, float(10**lo), float(10**hi), method="bootstrap"), samples


def ratio_interval(log10_a: np.ndarray, log10_b: np.ndarray) -> tuple[float, float]:
    """Percentile 95% interval of the ratio b/a from paired bootstrap samples of log10 values."""
    with np.errstate(invalid="ignore"):
        d = log10_b - log10_a
    lo, hi = percentile_interval(d)
    return float(10**lo), float(10**hi)
