"""Intervals and tests on fitted curves: profile-likelihood intervals of a GI50, percentile
intervals on the extended real line (censored bootstrap samples), the interval of a ratio of GI50s,
and the EC50 shift test.

Functions here take a fitted curve (:class:`~jakpersist.analysis.doseresponse.CurveFit`) by its
attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from scipy import optimize, stats

from .curves import MODELS, curve_value, ll4, search_bounds


def profile_interval(
    fit: Any, kind: str = "absolute", level: float = 0.5, *, conf: float = 0.95
) -> tuple[float, float]:
    """Profile-likelihood interval (nM) of the absolute GI50 (crossing of ``level``) or the relative
    GI50.

    The GI50 is made a parameter: for the absolute GI50 one linear parameter (bottom; top for LL3)
    is solved from "the curve crosses ``level`` at dose 10**psi"; for the relative GI50 of LL4/LL3,
    psi is log10 EC50. The interval holds every psi whose profile residual sum of squares passes the
    F criterion (RSS(psi) - RSS) / (RSS / df) <= F(conf; 1, df) (Bates & Watts 1988, ch. 6; Prism's
    "profile likelihood"). Searched outward from the estimate up to 3 decades beyond the tested
    doses; an end not reached there is returned as 0 (lower) or inf (upper). Returns (nan, nan) when
    the fit has no GI50 or no residual df.
    """
    est = fit.gi50_relative() if kind == "relative" else fit.gi50_absolute(level)
    if not est.ok or fit.df < 1:
        return float("nan"), float("nan")
    # the model's own crossing (for a hormetic curve the reported value is read off the limb and
    # re-centred)
    point = fit.crossing(np.asarray(fit.theta, float), level) if kind == "absolute" else est.value
    if point is None or (kind == "relative" and fit.model not in ("LL4", "LL3")):
        return float("nan"), float("nan")
    s2 = fit.rss / fit.df
    if s2 <= 1e-30:
        return float(est.value), float(est.value)
    crit = float(stats.f.ppf(conf, 1, fit.df))
    profile = _Profile(fit, kind, level)
    psi0 = float(np.log10(point))
    ends = [
        profile.end(psi0, sign, lambda rss: (rss - fit.rss) / s2 > crit) for sign in (-1.0, 1.0)
    ]
    return float(10 ** ends[0]), float(10 ** ends[1])


class _Profile:
    """The profile residual sum of squares of a fit along psi = log10 GI50 (see
    :func:`profile_interval`)."""

    def __init__(self, fit: Any, kind: str, level: float) -> None:
        self.model, self.x, self.y, self.level = fit.model, fit.dose, fit.response, level
        free = MODELS[fit.model][1]
        self.th_hat = np.asarray(fit.theta, float)
        if kind == "relative":  # psi is log10 EC50 itself
            self.elim = None
            self.opt = [i for i in free if i != 2]
        else:  # one linear parameter (bottom; top for LL3) is solved from the crossing at 10**psi
            self.elim = 1 if fit.model == "LL3" else 0
            self.opt = [i for i in free if i != self.elim]
        lo_b, hi_b = search_bounds(self.x)
        self.lo_b, self.hi_b = lo_b[: len(self.th_hat)], hi_b[: len(self.th_hat)]
        lx = np.log10(self.x[self.x > 0])
        self.limits = (lx.min() - 3, lx.max() + 3)

    def theta_at(self, psi: float, q: np.ndarray) -> np.ndarray:
        th = self.th_hat.copy()
        th[self.opt] = q
        if self.elim is None:
            th[2] = psi
            return th
        xa = 10.0**psi
        t0, t1 = th.copy(), th.copy()
        t0[self.elim], t1[self.elim] = 0.0, 1.0
        d0 = float(curve_value(self.model, xa, t0)) - self.level
        d1 = float(curve_value(self.model, xa, t1)) - self.level
        th[self.elim] = -d0 / (d1 - d0) if d1 != d0 else np.nan
        return th

    def rss(self, psi: float, q0: np.ndarray) -> tuple[float, np.ndarray]:
        """Profile RSS at ``psi`` (the other free parameters refitted from ``q0``) and the refitted
        parameters."""
        opt, lo, hi = self.opt, self.lo_b, self.hi_b

        def r(q: np.ndarray) -> np.ndarray:
            v = curve_value(self.model, self.x, self.theta_at(psi, q)) - self.y
            return np.where(np.isfinite(v), v, 1e3)

        q0 = np.clip(q0, lo[opt] + 1e-9, hi[opt] - 1e-9)
        sol = optimize.least_squares(
            r,
            q0,
            bounds=(lo[opt], hi[opt]),
            method="trf",
            x_scale="jac",
            xtol=1e-8,
            ftol=1e-8,
            max_nfev=300,
        )
        return float(np.sum(sol.fun**2)), sol.x

    def end(self, psi0: float, sign: float, rejected: Callable[[float], bool]) -> float:
        """The end of the interval on one side of ``psi0``: steps doubling outward until the profile
        RSS is ``rejected``, then 8 halvings (the end to within 1/256 of the last step, log10
        units); -inf / inf when the search range ends first."""
        q_in = self.th_hat[self.opt].copy()
        inside, step, outside = psi0, 0.01, None
        while True:
            psi = psi0 + sign * step
            if not (self.limits[0] < psi < self.limits[1]):
                break
            rss, q = self.rss(psi, q_in)
            if rejected(rss):
                outside = psi
                break
            inside, q_in, step = psi, q, step * 2
        if outside is None:
            return -np.inf if sign < 0 else np.inf
        a, b = inside, outside
        for _ in range(8):
            mid = (a + b) / 2
            rss, q = self.rss(mid, q_in)
            if rejected(rss):
                b = mid
            else:
                a, q_in = mid, q
        return (a + b) / 2


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


def shift_test(a: Any, b: Any) -> ShiftTest:
    """Compare two fits: separate parameters vs a shared EC50 (other parameters separate, LL4 form).

    F and p are nan when the separate fits leave no residual degree of freedom (e.g. 4 wells per
    curve)."""
    xa, ya, xb, yb = a.dose, a.response, b.dose, b.response

    def resid(p: np.ndarray) -> np.ndarray:
        ba, ta, ha, bb, tb, hb, le = p
        return np.concatenate([ll4(xa, ba, ta, le, ha) - ya, ll4(xb, bb, tb, le, hb) - yb])

    p0 = np.array(
        [
            a.theta[0],
            a.theta[1],
            a.theta[3],
            b.theta[0],
            b.theta[1],
            b.theta[3],
            (a.theta[2] + b.theta[2]) / 2,
        ]
    )
    lo_a, hi_a = search_bounds(np.concatenate([xa, xb]))
    lo = np.array([lo_a[0], lo_a[1], lo_a[3], lo_a[0], lo_a[1], lo_a[3], lo_a[2]])
    hi = np.array([hi_a[0], hi_a[1], hi_a[3], hi_a[0], hi_a[1], hi_a[3], hi_a[2]])
    sol = optimize.least_squares(
        resid,
        np.clip(p0, lo + 1e-9, hi - 1e-9),
        bounds=(lo, hi),
        x_scale="jac",
        xtol=1e-12,
        ftol=1e-12,
    )
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


_BIG = 1e300


def percentile_interval(samples: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of samples on the extended real line (nan dropped); bounds may be +-inf.

    Infinite samples are kept (as +-1e300 for the linear interpolation of NumPy's quantile, mapped
    back to +-inf), so that an interval whose tail is censored is open on that side instead of "nan
    to nan"."""
    s = np.asarray(samples, float)
    s = s[~np.isnan(s)]
    if s.size == 0:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    z = np.clip(s, -_BIG, _BIG)
    q = np.quantile(z, [a, 1 - a], method="linear")
    q = np.where(q >= _BIG / 1e100, np.inf, np.where(q <= -_BIG / 1e100, -np.inf, q))
    return float(q[0]), float(q[1])


def ratio_interval(
    log10_a: np.ndarray,
    log10_b: np.ndarray,
    range_a: tuple[float, float] | None = None,
    *,
    range_b: tuple[float, float] | None = None,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile interval of the ratio b/a from paired bootstrap samples of log10 GI50s, on the
    extended line.

    ``log10_a``, ``log10_b``: shape (n_boot,), +inf / -inf for resamples above / below the tested
    range, nan for resamples without a GI50 (dropped). Without the tested dose ranges (nM), infinite
    samples are used as they are (inf - inf is dropped). With them, each censored sample is an
    interval (b above the top dose means b >= top), and the interval is made conservative: its lower
    end is the percentile of the smallest ratio each resample allows, its upper end that of the
    largest. Returns (lo, hi); lo may be 0 and hi inf.
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
