"""What a dose-response fit returns: :class:`Estimate` (a GI50 or why there is none),
:class:`CurveFit` (one curve) and :class:`BatchFit` (many curves), all immutable, and the
fit-quality flags of a curve."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from .curves import (
    HORMESIS_MODELS,
    HORMESIS_PARAM,
    MODELS,
    absolute_doses,
    crossing_dose,
    curve_value,
    limb_crossing,
    ll4,
    peak_dose,
    search_bounds,
)
from .intervals import profile_interval
from .rules import (
    CENSORED_LOG10,
    CENSORING,
    HORMESIS_MIN_RISE,
    Censoring,
    Status,
    classify_curve,
    classify_curves,
    crossing_status,
    flat_status,
    level_means,
    params_at_bound,
    range_status,
    rise_test,
    rise_test_batch,
)


@dataclass(frozen=True)
class Estimate:
    """A dose estimate (nM) with a 95% interval, or an explicit reason why there is none.

    ``lo`` may be 0 and ``hi`` may be inf (an interval open on that side, e.g. a profile that never
    leaves its confidence region within the search range). ``bound`` is the tested-range limit used
    for a censored value ("> top dose" / "< lowest dose").
    """

    value: float | None
    lo: float | None = None
    hi: float | None = None
    status: Status = Status.OK
    bound: float | None = None  # the tested-range limit used for "> top dose" / "< lowest dose"
    method: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "status", Status(self.status)
        )  # a plain string is checked and converted

    @property
    def ok(self) -> bool:
        return self.status == Status.OK and self.value is not None

    @property
    def censored(self) -> Censoring | None:
        """ "lower" when the value is only known to be above ``bound``, "upper" when below, else
        None."""
        return CENSORING.get(self.status)

    def text(self, unit: str = "nM") -> str:
        """Readable form, e.g. ``1,380 nM (95% CI 1,100-1,700)`` or ``> 10,000 nM``."""
        if self.status == Status.ABOVE_RANGE:
            return f"> {self.bound:,.0f} {unit} (top dose)"
        if self.status == Status.BELOW_RANGE:
            return f"< {self.bound:,.3g} {unit} (lowest dose)"
        if not self.ok:
            return f"not estimable ({self.status})"
        ci = ""
        if (
            self.lo is not None
            and self.hi is not None
            and np.isfinite(self.lo)
            and not np.isnan(self.hi)
        ):
            lo = "0" if self.lo <= 0 else _sig(self.lo)
            hi = "inf" if np.isinf(self.hi) else f"{_sig(self.hi)}"
            ci = f" (95% CI {lo} to {hi})"
        return f"{_sig(self.value)} {unit}{ci}"


def _sig(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def censored_log10(est: Estimate) -> float:
    """log10 of a GI50 estimate (nM) on the extended real line: +inf above the tested range, -inf
    below, nan when there is no GI50 (flat without a level, non-monotone, failed). Used to classify
    bootstrap refits."""
    if est.ok:
        return float(np.log10(est.value))
    if est.status == Status.ABOVE_RANGE:
        return float("inf")
    if est.status == Status.BELOW_RANGE:
        return float("-inf")
    return float("nan")


@dataclass(frozen=True)
class CurveFit:
    """Result of fitting one dose-response curve (immutable: :func:`dataclasses.replace` makes a
    changed copy).

    ``theta``: (bottom, top, log10_ec50, hill) for LL4/LL3 (bottom = 0 for LL3), plus f for
    BC5/CRS5; ``cov``: covariance of the free parameters (k x k); ``dose`` (nM) and ``response``
    (fraction of vehicle): the wells, shape (n,).
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
        """Gaussian AIC = n ln(RSS/n) + 2(k+1); the +1 counts the error variance. RSS is floored at
        n 1e-24 so that exact (noise-free) fits of nested models tie and the smaller model wins."""
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
        """(lowest, highest) positive dose tested, nM (computed once: the wells of a fit do not
        change)."""
        pos = self.dose[self.dose > 0]
        return float(pos.min()), float(pos.max())

    def predict(self, dose: ArrayLike) -> np.ndarray:
        return curve_value(self.model, dose, self.theta)

    @property
    def status(self) -> Status:
        """Curve-level status: ok, flat, non_monotone or failed (see :func:`classify_curve`)."""
        return classify_curve(self.converged, self.p_flat, self.p_rise)

    @property
    def peak_dose(self) -> float:
        """Dose (nM) of the fitted curve's maximum for hormesis models; 0 (the vehicle) for
        LL4/LL3."""
        return peak_dose(self.model, self.theta, self.dose_range)

    @property
    def hormetic_rise(self) -> float:
        """Height of the fitted low-dose rise above the vehicle response (fraction of vehicle); 0
        for LL4/LL3."""
        peak = self.peak_dose
        return float(self.predict(peak) - self.predict(0.0)) if peak > 0 else 0.0

    # -- GI50s ------------------------------------------------------------------------------------
    def _free_cov_full(self) -> np.ndarray:
        """Covariance on the full theta; fixed parameters (bottom of LL3) have zero variance."""
        free = MODELS[self.model][1]
        c = np.zeros((len(self.theta), len(self.theta)))
        c[np.ix_(free, free)] = self.cov
        return c

    def _interval(
        self, g: Callable[[np.ndarray], float], theta_hat: np.ndarray
    ) -> tuple[float, float]:
        """Delta-method 95% interval of 10**g(theta) (g returns a log10 dose)."""
        eps = 1e-6
        p = len(theta_hat)
        grad = np.array(
            [(g(theta_hat + eps * e) - g(theta_hat - eps * e)) / (2 * eps) for e in np.eye(p)]
        )
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
        """Dose (nM) where the curve with ``theta`` crosses ``level`` on its falling side (None:
        midpoint)."""
        if level is None:
            if self.model in ("LL4", "LL3"):
                return float(10 ** theta[2])
            level = self._midpoint(theta)
        return crossing_dose(self.model, theta, level, dose_range=self.dose_range)

    def _censored(self, status: Status, interval: str) -> Estimate:
        """An estimate without a value: censored at the tested-dose limit its status names, or not
        estimable."""
        lo_d, hi_d = self.dose_range
        bound = {Status.ABOVE_RANGE: hi_d, Status.BELOW_RANGE: lo_d}.get(status)
        return Estimate(None, status=status, bound=bound, method=interval)

    def gi50_relative(self, interval: str = "delta") -> Estimate:
        """Relative GI50 (midpoint between fitted top and bottom; EC50 for LL4/LL3) with a 95%
        interval (``interval``: "delta" or "profile"; profile is available for LL4/LL3 and falls
        back to delta)."""
        if self.status != Status.OK:
            return Estimate(None, status=self.status, method=interval)
        lo_d, hi_d = self.dose_range
        ec50 = self.crossing(self.theta, None)
        if ec50 is None:
            return Estimate(None, status=Status.FAILED, method=interval)
        where = Status(str(range_status(ec50, lo_d, hi_d)))
        if where != Status.OK:
            return self._censored(where, interval)
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
        """Absolute GI50: dose (nM) where the fitted curve crosses ``level`` (fraction of vehicle),
        with a 95% interval (``interval``: "delta", "profile", or "none" for the point estimate
        alone). A flat curve is censored: above the top dose when the mean response at every dose
        exceeds ``level``, below the lowest dose when it is below at every dose. For a hormesis
        model with a fitted low-dose rise of at least ``HORMESIS_MIN_RISE``, the value is read from
        the dose means on the falling limb (:func:`limb_crossing`) and the model's interval
        re-centred on it."""
        lo_d, hi_d = self.dose_range
        status = self.status
        if status == Status.FLAT:
            means = np.array(
                [self.response[self.dose == d].mean() for d in np.unique(self.dose[self.dose > 0])]
            )
            return self._censored(Status(str(flat_status(means, level)[0])), interval)
        if status != Status.OK:
            return Estimate(None, status=status, method=interval)
        value = self.crossing(self.theta, level)
        model_value = value
        if (
            self.model in HORMESIS_MODELS
            and value is not None
            and self.hormetic_rise >= HORMESIS_MIN_RISE
        ):
            value = limb_crossing(self.dose, self.response, self.peak_dose, level=level) or value
        where = Status(
            str(
                crossing_status(
                    np.nan if value is None else value,
                    float(self.predict(lo_d)),
                    lo_d,
                    hi_d=hi_d,
                    level=level,
                )
            )
        )
        if where != Status.OK:
            return self._censored(where, interval)
        if (
            interval == "none"
        ):  # the point estimate only (bootstrap refits need no interval of their own)
            lo = hi = None
        elif interval == "profile":
            lo, hi = profile_interval(self, "absolute", level=level)
        else:

            def g(th: np.ndarray) -> float:
                v = self.crossing(th, level)
                return np.log10(v) if v else np.nan

            lo, hi = self._interval(g, self.theta)
        if (
            model_value is not None and value != model_value and lo is not None
        ):  # hormesis: re-centred interval
            lo, hi = lo * value / model_value, hi * value / model_value
        return Estimate(float(value), lo, hi, method=interval)


# ------------------------------------------------------------------------------------------------
# fit quality and profile-likelihood intervals
# ------------------------------------------------------------------------------------------------
#: Prism calls a fit ambiguous when a parameter's dependency exceeds this (GraphPad Prism 10 guide,
#: "Dependency and ambiguous fits").
AMBIGUOUS_DEPENDENCY = 0.9999
#: Fewer residual degrees of freedom than this are flagged: in ``benchmarks/interval_coverage.py``
#: the bootstrap interval covered 87.5% (not 95%) on 6 doses x 1 well (df 3), while the profile
#: interval kept 98%.
MIN_DF_BOOTSTRAP = 5
#: Share of the fitted span within which a dose counts as on a plateau (assumption: 10%).
PLATEAU_SHARE = 0.10


def quality_flags(fit: CurveFit) -> list[str]:
    """Fit-quality flags in the spirit of GraphPad Prism: an empty list is a clean fit.

    - ``ambiguous``: a parameter is not identifiable (Prism's dependency 1 - 1/(C_ii (C^-1)_ii) >
      0.9999, or a singular covariance);
    - ``hit a bound``: a parameter ended on the edge of its search range (names it);
    - ``transition outside tested doses``: the relative GI50 (curve midpoint) lies outside the
      tested doses;
    - ``fewer than two doses on the top plateau`` / ``... bottom plateau``: fitted response within
      10% of the span from top / bottom at fewer than two positive doses;
    - ``no dose on the transition``: no positive dose where the fitted response is between the
      plateaus (the GI50 then rests on the curve's shape alone; the delta-method interval covered
      28% in the benchmark);
    - ``few residual degrees of freedom (df)``: df < ``MIN_DF_BOOTSTRAP`` (bootstrap intervals too
      narrow).
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


@dataclass(frozen=True)
class BatchFit:
    """Fits of ``m`` curves (arrays over curves; shapes given per field; immutable).

    ``theta`` holds bottom, top, log10 EC50 (log10 nM) and Hill slope for every curve (bottom = 0
    for LL3); ``cov`` is the covariance of the free parameters (``(m, 4, 4)`` for LL4, ``(m, 3, 3)``
    for LL3).
    """

    model: str
    theta: np.ndarray  # (m, 4)
    cov: np.ndarray  # (m, k, k)
    rss: np.ndarray  # (m,)
    n: np.ndarray  # (m,) wells used per curve
    k: int
    converged: np.ndarray  # (m,) bool
    f_flat: np.ndarray  # (m,)
    p_flat: np.ndarray  # (m,)
    monotone_violation: np.ndarray  # (m,)
    iterations: np.ndarray  # (m,)
    dose: np.ndarray = field(repr=False)  # (m, n) nM, NaN where padded
    response: np.ndarray = field(repr=False)  # (m, n), NaN where padded
    dose_lo: np.ndarray = field(repr=False)  # (m,) lowest positive dose, nM
    dose_hi: np.ndarray = field(repr=False)  # (m,) highest dose, nM

    def __len__(self) -> int:
        return self.theta.shape[0]

    @cached_property
    def p_rise(self) -> np.ndarray:
        """p-value of :func:`doseresponse.rise_test` per curve (replicate-noise-aware rise test),
        shape ``(m,)``.

        Curves that share a design (the same doses and missing wells) are tested together with
        :func:`doseresponse.rise_test_batch`; computed once (the fits do not change afterwards)."""
        m = len(self)
        out = np.ones(m)
        if m == 0:
            return out
        valid = ~np.isnan(self.response)
        _, group = np.unique(np.where(valid, self.dose, -1.0), axis=0, return_inverse=True)
        group = np.asarray(group).ravel()
        for g in np.unique(group):
            rows = np.nonzero(group == g)[0]
            ok = valid[rows[0]]
            df = int(self.n[rows[0]]) - self.k
            sigma = np.sqrt(self.rss[rows] / df) if df > 0 else None
            out[rows] = rise_test_batch(
                self.dose[rows[0], ok], self.response[np.ix_(rows, ok)], sigma, df=max(df, 0)
            )
        return out

    @property
    def status(self) -> np.ndarray:
        """Curve status per curve (``ok``, ``flat``, ``non_monotone``, ``failed``), shape ``(m,)``:
        the rule of single fits (:func:`.rules.classify_curves`, which :attr:`CurveFit.status` calls
        on one curve)."""
        return classify_curves(self.converged, self.p_flat, self.p_rise)

    def curve(self, i: int, p_rise: float | None = None, name: str | None = None) -> CurveFit:
        """Curve ``i`` as a :class:`~jakpersist.analysis.doseresponse.CurveFit` (padding removed),
        with the parameters on a bound listed as ``fit_curve`` lists them; ``name`` defaults to
        ``"curve i"``."""
        ok = ~np.isnan(self.response[i])
        x = self.dose[i, ok].copy()
        lo, hi = search_bounds(x)
        free = list(MODELS[self.model][1])
        y = self.response[i, ok].copy()
        df = int(self.n[i]) - self.k
        if p_rise is None:
            p_rise = rise_test(
                x, y, float(np.sqrt(float(self.rss[i]) / df)) if df > 0 else None, df=max(df, 0)
            )
        return CurveFit(
            self.model,
            self.theta[i].copy(),
            self.cov[i].copy(),
            float(self.rss[i]),
            int(self.n[i]),
            self.k,
            bool(self.converged[i]),
            x,
            y,
            f_flat=float(self.f_flat[i]),
            p_flat=float(self.p_flat[i]),
            monotone_violation=float(self.monotone_violation[i]),
            p_rise=p_rise,
            name=f"curve {i}" if name is None else name,
            at_bound=params_at_bound(self.theta[i], lo, hi, free=free),
        )

    def log10_gi50(
        self, kind: str = "absolute", level: float = 0.5, p_rise: np.ndarray | None = None
    ) -> np.ndarray:
        """log10 GI50 (nM) of every curve on the extended real line, shape ``(m,)``: the vectorised
        form of ``censored_log10(self.curve(i).gi50_absolute(level, interval="none"))``
        (``kind="absolute"``) or of ``censored_log10(self.curve(i).gi50_relative())``
        (``kind="relative"``), with the same rules:

        * curve status (:func:`doseresponse.classify_curve`) ``failed`` or ``non_monotone``: NaN;
        * ``flat`` (absolute only): +inf when every positive dose's mean response is above
          ``level``, -inf when every one is below, else NaN (relative: NaN);
        * ``ok``: the closed-form LL4 crossing (:func:`doseresponse.absolute_dose`); +inf above the
          highest tested dose (or when the curve never reaches ``level`` and starts above it at the
          lowest dose), -inf below the lowest (or when the curve is already below ``level`` there).

        The decisions are the rules single fits use (:func:`.rules.classify_curves`,
        :func:`.rules.crossing_status`, :func:`.rules.range_status`, :func:`.rules.flat_status`);
        the crossing is :func:`.curves.absolute_doses`. ``p_rise``: the rise-test p-values if
        already computed (shape ``(m,)``), else :attr:`p_rise`. ``tests/test_batchfit.py`` checks
        equality with the per-curve path on random, flat, censored and non-monotone resamples, so
        the two cannot drift apart. Raises ValueError for an unknown ``kind``.
        """
        if kind not in ("absolute", "relative"):
            raise ValueError(f"kind must be 'absolute' or 'relative', got {kind!r}")
        pr = self.p_rise if p_rise is None else np.asarray(p_rise, float)
        m = len(self)
        status = classify_curves(self.converged, self.p_flat, pr)
        flat = status == Status.FLAT.value
        ok = status == Status.OK.value
        lo_d, hi_d = self.dose_lo, self.dose_hi
        out = np.full(m, np.nan)
        b, t, le, h = self.theta.T
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if kind == "relative":
                ec50 = 10.0**le
                st = range_status(ec50, lo_d, hi_d)
                rel = np.where(
                    st == Status.OK.value,
                    np.log10(ec50),
                    [CENSORED_LOG10.get(x, np.nan) for x in st],
                )
                return np.where(ok, rel, np.nan)
            value = absolute_doses(self.theta, level)
            st = crossing_status(value, ll4(lo_d, b, t, le, h), lo_d, hi_d=hi_d, level=level)
            val = np.where(
                st == Status.OK.value, np.log10(value), [CENSORED_LOG10.get(x, np.nan) for x in st]
            )
        out[ok] = val[ok]
        if flat.any():
            valid = ~np.isnan(self.response[flat]) & (self.dose[flat] > 0)
            means = level_means(np.where(valid, self.dose[flat], 0.0), self.response[flat], valid)
            out[flat] = [CENSORED_LOG10.get(x, np.nan) for x in flat_status(means, level)]
        return out
