"""Many log-logistic fits at once: a vectorised, bounded Levenberg-Marquardt in NumPy.

:func:`fit_curves` fits the same model as :func:`jakpersist.analysis.doseresponse.fit_curve` (LL4 or LL3,
same bounds, same starting values, same covariance ``pinv(J'J) * RSS / (n - k)``, same F-test against a flat
line, same curve statuses through :func:`~jakpersist.analysis.doseresponse.classify_curve`) to thousands of
curves in one call. Each iteration works on the stacked curves still running: residuals and the analytic
Jacobian of all of them are a few NumPy array operations, and the 4x4 (3x3) normal equations are solved as one
stacked ``numpy.linalg.solve``.

Why not SciPy: ``scipy.optimize.least_squares`` and ``curve_fit`` fit one problem at a time (a Python loop over
curves is what made the bootstrap slow); fitting all curves as one large block-diagonal problem with a sparse
Jacobian (``least_squares(..., jac_sparsity=...)``) makes every curve wait for the slowest and couples their
step control and stopping rule, so a curve's result would depend on its neighbours. SciPy offers no batched
small-problem solver, hence this one (method: Levenberg 1944, Marquardt 1963; damping update of Nielsen 1999 as
in Madsen, Nielsen & Tingleff, *Methods for non-linear least squares problems*, 2004, section 3.2; bounds by
projection with the bound-active parameters held fixed, Kanzow, Yamashita & Fukushima 2004). The Hill slope
is iterated as ln(Hill), which reaches step-like optima faster; a curve that uses up ``max_iter`` iterations
counts as converged only at a stationary point (:func:`stationary`). ``fit_curve`` itself uses MINPACK's LM
(``scipy.optimize.leastsq``) and falls back to this solver when that optimum leaves the bounds.

Inputs. One dose vector shared by all curves (``dose`` of shape ``(n,)``, ``responses`` of shape ``(m, n)``),
or one dose vector per curve (``dose`` of shape ``(m, n)``) where missing wells are ``NaN`` in ``responses``
(and/or in ``dose``), so curves with different designs are padded to a common width; :func:`pad_curves` builds
those arrays from a list of ``(dose, response)`` pairs. Doses in nM, responses as fractions of vehicle.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from . import doseresponse as dr

LN10 = float(np.log(10.0))

#: Stopping rule (assumption, chosen so that parameters agree with ``fit_curve``'s MINPACK solution to well
#: below 1e-6 relative): stop when every parameter's step is below ``XTOL * (|theta| + XTOL)``, or the cost
#: falls by less than ``FTOL`` relative (actual and predicted), or the projected gradient is below ``GTOL``.
XTOL = 1e-12
FTOL = 1e-14
GTOL = 1e-15
#: Iterations after which a curve still moving is reported as not converged (status ``failed``), unless it
#: sits at a stationary point (:func:`stationary`) or is refitted (``fit_curves(refit_failed=True)``).
MAX_ITER = 400
#: Further batched iterations the bootstrap gives the resamples still moving after ``max_iter`` before any is
#: refitted one by one (``fit_curves(continue_iter=...)``; assumption: step-like curves, Hill at its bound and the step between two doses, creep along a nearly flat
#: ridge in EC50; on bootstrap resamples of such a curve 48 of 200 were still moving after 400 iterations,
#: 3 after 2,000, none after 10,000; one-by-one refits cost about 1 s each).
CONTINUE_ITER = 3600


#: Largest projected gradient of 0.5 * RSS (response units^2 per parameter unit) at which a fit that ran out of
#: iterations still counts as converged (assumption: an unconverged LL4 fit of fractions of vehicle has gradients
#: of 1e-4 and more; at a true optimum, or on the plateau of a step-like fit, they are below 1e-10).
STATIONARY_GTOL = 1e-8


def stationary(theta: ArrayLike, grad: ArrayLike, lo: ArrayLike, hi: ArrayLike) -> np.ndarray:
    """Whether fits (arrays ``(..., k)`` of free parameters with Hill as ln Hill, gradients of 0.5 * RSS,
    bounds) sit at a first-order stationary point of the bounded problem: the gradient, with the components
    that push a parameter out through a bound it touches removed, is at most :data:`STATIONARY_GTOL`. Decides
    convergence for a curve that used up its iterations (single fits fall back to this solver when MINPACK's
    optimum leaves the bounds, so the rule is the same for both paths)."""
    th, g, lo, hi = (np.asarray(a, dtype=float) for a in (theta, grad, lo, hi))
    near = 1e-8 * (hi - lo)
    out = ((th - lo <= near) & (g > 0)) | ((hi - th <= near) & (g < 0))
    return np.max(np.abs(np.where(out, 0.0, g)), axis=-1) <= STATIONARY_GTOL



@dataclass
class BatchFit:
    """Fits of ``m`` curves (arrays over curves; shapes given per field).

    ``theta`` holds bottom, top, log10 EC50 (log10 nM) and Hill slope for every curve (bottom = 0 for LL3);
    ``cov`` is the covariance of the free parameters (``(m, 4, 4)`` for LL4, ``(m, 3, 3)`` for LL3).
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
        """p-value of :func:`doseresponse.rise_test` per curve (replicate-noise-aware rise test), shape ``(m,)``.

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
            out[rows] = dr.rise_test_batch(self.dose[rows[0], ok], self.response[np.ix_(rows, ok)], sigma,
                                           max(df, 0))
        return out

    @property
    def status(self) -> np.ndarray:
        """Curve status per curve (``ok``, ``flat``, ``non_monotone``, ``failed``), by the single-curve rule
        (:func:`doseresponse.classify_curve`, vectorised: the same tests in the same order; ``tests/test_batchfit.py``
        checks that both give identical statuses), shape ``(m,)``."""
        pr = self.p_rise
        with np.errstate(invalid="ignore"):
            return np.where(~self.converged, "failed",
                            np.where(pr < dr.MONOTONE_ALPHA, "non_monotone",
                                     np.where(~(self.p_flat < dr.ALPHA), "flat", "ok"))).astype(str)

    def curve(self, i: int, p_rise: float | None = None, name: str | None = None) -> dr.CurveFit:
        """Curve ``i`` as a :class:`~jakpersist.analysis.doseresponse.CurveFit` (padding removed), with the
        parameters on a bound listed as ``fit_curve`` lists them; ``name`` defaults to ``"curve i"``."""
        ok = ~np.isnan(self.response[i])
        x = self.dose[i, ok].copy()
        lo, hi = dr._bounds(x)
        free = list(dr.MODELS[self.model][1])
        fit = dr.CurveFit(self.model, self.theta[i].copy(), self.cov[i].copy(), float(self.rss[i]),
                          int(self.n[i]), self.k, bool(self.converged[i]), x, self.response[i, ok].copy(),
                          name=f"curve {i}" if name is None else name,
                          at_bound=dr.params_at_bound(self.theta[i], lo, hi, free))
        fit.f_flat, fit.p_flat = float(self.f_flat[i]), float(self.p_flat[i])
        fit.monotone_violation = float(self.monotone_violation[i])
        df = fit.n - fit.k
        fit.p_rise = p_rise if p_rise is not None else dr.rise_test(
            fit.dose, fit.response, float(np.sqrt(fit.rss / df)) if df > 0 else None, max(df, 0))
        return fit

    def log10_gi50(self, kind: str = "absolute", level: float = 0.5,
                   p_rise: np.ndarray | None = None) -> np.ndarray:
        """log10 GI50 (nM) of every curve on the extended real line, shape ``(m,)``: the vectorised form of
        ``censored_log10(self.curve(i).gi50_absolute(level, interval="none"))`` (``kind="absolute"``) or of
        ``censored_log10(self.curve(i).gi50_relative())`` (``kind="relative"``), with the same rules:

        * curve status (:func:`doseresponse.classify_curve`) ``failed`` or ``non_monotone``: NaN;
        * ``flat`` (absolute only): +inf when every positive dose's mean response is above ``level``, -inf when
          every one is below, else NaN (relative: NaN);
        * ``ok``: the closed-form LL4 crossing (:func:`doseresponse.absolute_dose`); +inf above the highest
          tested dose (or when the curve never reaches ``level`` and starts above it at the lowest dose), -inf
          below the lowest (or when the curve is already below ``level`` there).

        ``p_rise``: the rise-test p-values if already computed (shape ``(m,)``), else :attr:`p_rise`.
        ``tests/test_batchfit.py`` checks equality with the per-curve path on random, flat, censored and
        non-monotone resamples, so the two cannot drift apart. Raises ValueError for an unknown ``kind``.
        """
        if kind not in ("absolute", "relative"):
            raise ValueError(f"kind must be 'absolute' or 'relative', got {kind!r}")
        pr = self.p_rise if p_rise is None else np.asarray(p_rise, float)
        m = len(self)
        status_ok = self.converged & ~(pr < dr.MONOTONE_ALPHA)
        flat = status_ok & ~(self.p_flat < dr.ALPHA)
        ok = status_ok & ~flat
        lo_d, hi_d = self.dose_lo, self.dose_hi
        out = np.full(m, np.nan)
        b, t, le, h = self.theta.T
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if kind == "relative":
                ec50 = 10.0 ** le
                out = np.where(ok, np.where(ec50 > hi_d, np.inf, np.where(ec50 < lo_d, -np.inf, np.log10(ec50))),
                               np.nan)
                return out
            r = (t - b) / (level - b) - 1.0
            crosses = (np.minimum(b, t) < level) & (level < np.maximum(b, t)) & (h > 0) & (r > 0)
            value = np.where(crosses, 10.0 ** le * np.where(crosses, r, 1.0) ** (1.0 / np.where(crosses, h, 1.0)),
                             np.nan)
            at_lo = dr.ll4(lo_d, b, t, le, h)
            beyond = ~crosses | (value > hi_d)
            val = np.where(beyond, np.where(at_lo <= level, -np.inf, np.inf),
                           np.where(value < lo_d, -np.inf, np.log10(value)))
        out[ok] = val[ok]
        if flat.any():
            valid = ~np.isnan(self.response[flat]) & (self.dose[flat] > 0)
            means = _level_means(np.where(valid, self.dose[flat], 0.0), self.response[flat], valid)
            present = ~np.isnan(means)
            above = np.all(~present | (means > level), axis=1)
            below = np.all(~present | (means < level), axis=1)
            out[flat] = np.where(above, np.inf, np.where(below, -np.inf, np.nan))
        return out

# ------------------------------------------------------------------------------------------------
# inputs
# ------------------------------------------------------------------------------------------------
def pad_curves(curves: Sequence[tuple[ArrayLike, ArrayLike]]) -> tuple[np.ndarray, np.ndarray]:
    """Stack curves of different designs into ``(m, n_max)`` dose and response arrays padded with NaN.

    ``curves`` is a sequence of ``(dose, response)`` pairs (1-D, equal length within a pair).
    Raises ValueError naming the curve whose dose and response differ in length.
    """
    pairs = [(np.asarray(d, float).ravel(), np.asarray(y, float).ravel()) for d, y in curves]
    if not pairs:
        raise ValueError("pad_curves needs at least one (dose, response) pair")
    for i, (d, y) in enumerate(pairs):
        if d.shape != y.shape:
            raise ValueError(f"curve {i}: dose and response differ in length ({d.size} vs {y.size})")
    width = max((d.size for d, _ in pairs), default=0)
    dose = np.full((len(pairs), width), np.nan)
    resp = np.full((len(pairs), width), np.nan)
    for i, (d, y) in enumerate(pairs):
        dose[i, :d.size], resp[i, :y.size] = d, y
    return dose, resp


def _prepare(dose: ArrayLike, responses: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Broadcast to (m, n) dose and response arrays and a validity mask; checks as ``fit_curve``'s."""
    try:
        y = np.asarray(responses, dtype=float)
        x = np.asarray(dose, dtype=float)
    except ValueError as exc:  # ragged nested lists, or text
        hint = ("; for curves of different lengths use pad_curves([(dose, response), ...])"
                if "inhomogeneous" in str(exc) or "sequence" in str(exc) else "")
        raise ValueError(f"dose and responses must be numbers in rectangular arrays ({exc}){hint}") from None
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2:
        raise ValueError(f"responses must be 2-D (curves x wells), got shape {y.shape}")
    if x.ndim == 1:
        if x.size != y.shape[1]:
            raise ValueError(f"dose has {x.size} values but responses have {y.shape[1]} columns")
        x = np.broadcast_to(x, y.shape)
    elif x.shape != y.shape:
        raise ValueError(f"dose shape {x.shape} differs from responses shape {y.shape}")
    valid = ~(np.isnan(x) | np.isnan(y))
    inf = (np.isinf(x) | np.isinf(y)) & valid
    if np.any(inf):
        bad, well = (int(v) for v in np.argwhere(inf)[0])
        raise ValueError(f"curve {bad}, well {well}: dose and response must be finite numbers (NaN marks a "
                         "missing well)")
    if np.any(x[valid] < 0):
        bad = int(np.argwhere((x < 0) & valid)[0, 0])
        raise ValueError(f"curve {bad}: doses must be >= 0 nM")
    x = np.where(valid, x, 0.0)
    y = np.where(valid, y, 0.0)
    return x, y, valid


def _distinct_positive(x: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Number of distinct positive doses per curve."""
    xs = np.sort(np.where(valid & (x > 0), x, np.inf), axis=1)
    new = np.isfinite(xs) & np.concatenate([np.ones((xs.shape[0], 1), bool), xs[:, 1:] != xs[:, :-1]], axis=1)
    return new.sum(axis=1)


def _level_means(x: np.ndarray, y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Mean response per dose level of each curve, levels in increasing dose: shape ``(m, L)`` with ``L`` the
    most levels of any curve, NaN beyond a curve's last level. Wells with ``valid`` False are left out."""
    m, n = x.shape
    xs = np.where(valid, x, np.inf)
    order = np.argsort(xs, axis=1, kind="stable")
    xs = np.take_along_axis(xs, order, axis=1)
    ys = np.take_along_axis(np.where(valid, y, 0.0), order, axis=1)
    vs = np.take_along_axis(valid, order, axis=1)
    start = vs & np.concatenate([np.ones((m, 1), bool), xs[:, 1:] != xs[:, :-1]], axis=1)
    gid = np.cumsum(start, axis=1) - 1  # level index within the curve
    n_levels = max(int(gid.max()) + 1 if m else 0, 1)
    flat = (np.arange(m)[:, None] * n_levels + np.maximum(gid, 0))[vs]
    size = m * n_levels
    sums = np.bincount(flat, weights=ys[vs], minlength=size)
    counts = np.bincount(flat, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sums / counts).reshape(m, n_levels)


def _group_means_running_violation(x: np.ndarray, y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Vectorised :func:`doseresponse.monotone_violation`: largest rise of the per-dose mean response from
    any dose to any higher dose, per curve."""
    if x.shape[0] == 0:
        return np.zeros(0)
    means = _level_means(x, y, valid)
    run_min = np.fmin.accumulate(means, axis=1)
    with np.errstate(invalid="ignore"):
        return np.nanmax(means - run_min, axis=1)


def _start(x: np.ndarray, y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Vectorised :func:`doseresponse._start`: top = mean at the lowest dose, bottom = mean at the highest,
    log10 EC50 = the dose whose response is nearest their midpoint, Hill 1."""
    xv = np.where(valid, x, np.nan)
    xmin, xmax = np.nanmin(xv, axis=1, keepdims=True), np.nanmax(xv, axis=1, keepdims=True)
    at_min, at_max = valid & (x == xmin), valid & (x == xmax)
    top = (y * at_min).sum(1) / at_min.sum(1)
    bottom = (y * at_max).sum(1) / at_max.sum(1)
    mid = (top + bottom) / 2
    pos = valid & (x > 0)
    dist = np.where(pos, np.abs(y - mid[:, None]), np.inf)
    # ties: the lowest dose among the nearest (doseresponse._start scans the doses in increasing order)
    best = dist == dist.min(axis=1, keepdims=True)
    lx = np.log10(np.where(pos, x, 1.0))
    le = np.where(best, lx, np.inf).min(axis=1)
    return np.stack([bottom, top, le, np.ones_like(le)], axis=1)


def _bounds(x: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-curve bounds, exactly those of :func:`doseresponse._bounds` (which shifts the log10 EC50 bounds
    with the tested log-dose range)."""
    lo1, hi1 = (b[:4] for b in dr._bounds(np.array([1.0])))  # log10(1) = 0: the offsets (LL4 part)
    pos = valid & (x > 0)
    lx = np.log10(np.where(pos, x, 1.0))
    lxmin = np.where(pos, lx, np.inf).min(axis=1)
    lxmax = np.where(pos, lx, -np.inf).max(axis=1)
    m = x.shape[0]
    lo, hi = np.tile(lo1, (m, 1)), np.tile(hi1, (m, 1))
    lo[:, 2] += lxmin
    hi[:, 2] += lxmax
    return lo, hi


# ------------------------------------------------------------------------------------------------
# model
# ------------------------------------------------------------------------------------------------
#: log10 dose used for dose 0 (vehicle): with Hill >= 0.05 and log10 EC50 <= 10 the ratio (x / EC50)^Hill is
#: below 1e-45, so 1 / (1 + ratio) is exactly 1.0 in double precision, as ll4 gives at dose 0.
ZERO_DOSE_LOG10 = -1000.0


def _model(theta: np.ndarray, lx: np.ndarray, pos: np.ndarray, jac: bool, k: int):
    """LL4 values (m, n) and, if ``jac``, the Jacobian over the free parameters (m, k, n).

    With d = log10(x) - log10 EC50, u = Hill * d * ln 10, s = 1 / (1 + e^u):
    y = bottom + (top - bottom) s; dy/dbottom = 1 - s; dy/dtop = s;
    dy/dlog10EC50 = (top - bottom) s (1 - s) Hill ln 10; dy/dHill = -(top - bottom) s (1 - s) d ln 10.
    Dose 0 gives s = 1 (the top)."""
    b, t, le, h = (theta[:, i:i + 1] for i in range(4))
    d = lx - le  # lx holds ZERO_DOSE_LOG10 at dose 0: s is exactly 1 there, so y = top and the
    s = special.expit(-(h * LN10) * d)  # EC50 and Hill columns are exactly 0
    span = t - b
    f = b + span * s
    if not jac:
        return f, None
    q = 1.0 - s
    c = span * s * q * LN10
    cols = [q, s, c * h, -c * d]
    return f, np.stack(cols[4 - k:], axis=1)


# ------------------------------------------------------------------------------------------------
# solver
# ------------------------------------------------------------------------------------------------
def _lm(theta0: np.ndarray, lx: np.ndarray, pos: np.ndarray, y: np.ndarray, w: np.ndarray,
        lo: np.ndarray, hi: np.ndarray, k: int, max_iter: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bounded LM on all curves. Returns (theta (m, 4), converged (m,), iterations (m,)).

    Internally the Hill slope is iterated as ln(Hill) (same optimum, bounds mapped by ln): a step-like fit,
    whose best Hill slope is its upper bound, then gets there in a few steps instead of creeping along the
    plateau of the cost."""
    m = theta0.shape[0]
    fr = slice(4 - k, 4)
    theta = _to_internal(theta0)
    lo, hi = _to_internal(lo), _to_internal(hi)
    converged = np.zeros(m, bool)
    iters = np.zeros(m, int)
    f, J = _model_internal(theta, lx, pos, k)
    r = (f - y) * w
    J = J * w[:, None, :]
    cost = 0.5 * np.einsum("ij,ij->i", r, r)
    A = J @ J.transpose(0, 2, 1)
    g = np.einsum("ikn,in->ik", J, r)
    diag = np.maximum(np.einsum("ikk->ik", A), 1e-300)
    lam = 1e-3 * diag.max(axis=1)
    nu = np.full(m, 2.0)
    act = np.arange(m)  # curves still iterating
    eye = np.eye(k)
    for _ in range(max_iter):
        if act.size == 0:
            break
        th, tl, th_lo, th_hi = theta[act][:, fr], theta[act], lo[act][:, fr], hi[act][:, fr]
        ga, Aa, Da = g[act], A[act], diag[act]
        # parameters at a bound whose gradient pushes outward are held fixed this iteration
        fixed = ((th <= th_lo) & (ga > 0)) | ((th >= th_hi) & (ga < 0))
        gf = np.where(fixed, 0.0, ga)
        pg = np.max(np.abs(gf), axis=1)
        M = Aa + lam[act, None, None] * (Da[:, :, None] * eye)
        keep = ~fixed
        M = M * (keep[:, :, None] & keep[:, None, :]) + eye * fixed[:, :, None]
        try:
            step = np.linalg.solve(M, -gf[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:  # singular even with damping: use the pseudo-inverse
            step = (np.linalg.pinv(M) @ -gf[:, :, None])[:, :, 0]
        new = np.clip(th + step, th_lo, th_hi)
        step = new - th
        tn = tl.copy()
        tn[:, fr] = new
        fn, Jn = _model_internal(tn, lx[act], pos[act], k)
        rn = (fn - y[act]) * w[act]
        cost_n = 0.5 * np.einsum("ij,ij->i", rn, rn)
        pred = -(np.einsum("ik,ik->i", ga, step) + 0.5 * np.einsum("ik,ikl,il->i", step, Aa, step))
        actual = cost[act] - cost_n
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = np.where(pred > 0, actual / pred, -1.0)
        accept = (rho > 1e-4) & np.isfinite(cost_n)
        iters[act] += 1
        # stopping tests (on the accepted step, or at a point no step can improve)
        small_x = np.all(np.abs(step) <= XTOL * (np.abs(th) + XTOL), axis=1)
        small_f = (np.abs(actual) <= FTOL * cost[act]) & (pred <= FTOL * cost[act])
        tiny_cost = cost[act] <= 1e-30
        done = (pg <= GTOL) | tiny_cost | small_x | small_f
        # update accepted curves
        ia = act[accept]
        if ia.size:
            theta[ia] = tn[accept]
            cost[ia] = cost_n[accept]
            Jw = Jn[accept] * w[ia][:, None, :]
            A[ia] = Jw @ Jw.transpose(0, 2, 1)
            g[ia] = np.einsum("ikn,in->ik", Jw, rn[accept])
            diag[ia] = np.maximum(diag[ia], np.einsum("ikk->ik", A[ia]))
            ra = rho[accept]
            lam[ia] *= np.maximum(1 / 3, 1 - (2 * ra - 1) ** 3)
            nu[ia] = 2.0
        ir = act[~accept]
        lam[ir] *= nu[ir]
        nu[ir] *= 2.0
        # damping so large that no step moves any parameter: nothing left to gain (TRF's xtol exit)
        stuck = ~accept & (lam[act] > 1e16 * diag[act].max(axis=1))
        finished = done | stuck
        converged[act[finished]] = True
        act = act[~finished]
    if act.size:  # out of iterations: converged all the same at a stationary point (the shared rule)
        converged[act] = stationary(theta[act][:, fr], g[act], lo[act][:, fr], hi[act][:, fr])
    return _from_internal(theta), converged, iters


def _to_internal(theta: np.ndarray) -> np.ndarray:
    out = np.array(theta, dtype=float)
    out[:, 3] = np.log(out[:, 3])
    return out


def _from_internal(p: np.ndarray) -> np.ndarray:
    out = p.copy()
    out[:, 3] = np.exp(out[:, 3])
    return out


def _model_internal(p: np.ndarray, lx: np.ndarray, pos: np.ndarray, k: int):
    """:func:`_model` on (bottom, top, log10 EC50, ln Hill): the Hill column of the Jacobian times Hill."""
    f, J = _model(_from_internal(p), lx, pos, True, k)
    J[:, -1, :] *= np.exp(p[:, 3])[:, None]
    return f, J


def fit_curves(dose: ArrayLike, responses: ArrayLike, model: str = "LL4", start: ArrayLike | None = None,
               max_iter: int = MAX_ITER, covariance: bool = True, refit_failed: bool = True,
               continue_iter: int = 0) -> BatchFit:
    """Fit LL4 or LL3 to many curves at once (dose in nM, responses as fractions of vehicle).

    Parameters
    ----------
    dose : shape ``(n,)`` shared by all curves, or ``(m, n)`` per curve (NaN for a missing well).
    responses : shape ``(m, n)`` (a 1-D array is one curve); NaN marks a missing well.
    model : ``"LL4"`` or ``"LL3"`` (bottom fixed at 0), as :func:`doseresponse.fit_curve`.
    start : starting parameters (bottom, top, log10 EC50, Hill), shape ``(4,)`` for all curves or ``(m, 4)``;
        default: the data-driven start of ``fit_curve``. Clipped into the bounds like ``fit_curve``'s.
    max_iter : iterations after which a curve still moving counts as not converged (status ``failed`` with
        ``refit_failed=False``; by default it is refitted one by one, see ``refit_failed``).
    covariance : compute the parameter covariance (``False`` leaves NaN; bootstrap resamples do not need it).
    continue_iter : further batched iterations for the curves still moving after ``max_iter``, before any
        refit (the bootstrap uses :data:`CONTINUE_ITER`: much faster on resamples of step-like curves, whose
        fits may then differ from ``fit_curve``'s on such ill-posed resamples; default 0, no continuation).
    refit_failed : curves the batched solver leaves unconverged, or leaves worse than a flat line at their mean
        (a corner of the bounds), are refitted one by one with
        :func:`doseresponse.fit_curve` (whose last resort is SciPy's trust-region reflective solver), so that
        statuses and parameters stay those of the single-curve path (rare: step-like curves).

    Returns
    -------
    BatchFit with one row per curve. Parameters agree with ``fit_curve`` to better than 1e-6 relative on well-posed
    curves (``tests/test_batchfit.py`` checks 1e-6 and identical statuses on a few hundred random curves).

    Raises
    ------
    ValueError, naming the curve where there is one: shapes that do not match, ragged or non-numeric input,
    infinite values, negative doses, fewer than 3 distinct positive doses, no residual degree of freedom
    (wells <= parameters), responses that look like percent (median > 5), a ``start`` that is not finite or not
    of shape (4,) or (m, 4), or an unknown model.
    """
    if model not in ("LL4", "LL3"):
        raise ValueError(f"model must be 'LL4' or 'LL3', got {model!r}")
    x, y, valid = _prepare(dose, responses)
    m = y.shape[0]
    if y.shape[1] == 0:
        raise ValueError("responses have no wells (0 columns); a dose-response fit needs at least 3 doses")
    n_pos = _distinct_positive(x, valid)
    if np.any(n_pos < 3):
        bad = int(np.argmax(n_pos < 3))
        raise ValueError(f"curve {bad}: a dose-response fit needs at least 3 distinct positive doses "
                         f"(it has {int(n_pos[bad])})")
    k = 4 if model == "LL4" else 3
    n_wells = valid.sum(axis=1)
    if np.any(n_wells <= k):
        bad = int(np.argmax(n_wells <= k))
        raise ValueError(f"curve {bad}: {model} has {k} parameters but the curve has only {int(n_wells[bad])} "
                         f"wells; it needs at least {k + 1} (one residual degree of freedom)")
    with np.errstate(invalid="ignore"):
        median = np.nanmedian(np.where(valid, y, np.nan), axis=1) if m else np.zeros(0)
    if np.any(median > dr.PERCENT_MEDIAN):
        bad = int(np.argmax(median > dr.PERCENT_MEDIAN))
        raise ValueError(f"curve {bad}: the responses look like percent of vehicle (median {median[bad]:.4g} > "
                         f"{dr.PERCENT_MEDIAN:g}); give viability as a fraction of vehicle (1 = untreated): "
                         "divide by 100")
    lo, hi = _bounds(x, valid)
    if start is None:
        th0 = _start(x, y, valid)
    else:
        st = np.asarray(start, float)
        if st.shape not in ((4,), (m, 4)):
            raise ValueError(f"start must have shape (4,) or ({m}, 4) (bottom, top, log10 EC50, Hill), got "
                             f"{st.shape}")
        th0 = np.broadcast_to(st, (m, 4)).copy()
        if not np.all(np.isfinite(th0)):
            raise ValueError("start must be finite numbers (bottom, top, log10 EC50, Hill)")
    th0 = np.clip(th0, lo + 1e-9, hi - 1e-9)
    if model == "LL3":
        th0[:, 0] = 0.0
    pos = valid & (x > 0)
    lx = np.where(pos, np.log10(np.where(pos, x, 1.0)), ZERO_DOSE_LOG10)
    w = valid.astype(float)
    theta, converged, iters = _lm(th0, lx, pos, y, w, lo, hi, k, max_iter)
    slow = np.nonzero(~converged)[0]
    if continue_iter and slow.size:  # step-like curves creep along a ridge: continue them, still batched
        th2, c2, it2 = _lm(theta[slow], lx[slow], pos[slow], y[slow], w[slow], lo[slow], hi[slow], k,
                           continue_iter)
        theta[slow], converged[slow], iters[slow] = th2, c2, iters[slow] + it2
    corner = np.nonzero(converged & dr.at_shallow_corner(theta, lo, hi))[0]
    if corner.size:  # the flat-through-Hill-0 corner can trap a curve that has a real transition: try again
        # from a near-flat start (as fit_curve's restarts do) and keep the better of the two fits
        start2 = np.array([dr._restarts(th0[i], lo[i], hi[i], y[i][valid[i]], [0, 1, 2, 3])[1] for i in corner])
        th2, c2, _ = _lm(start2, lx[corner], pos[corner], y[corner], w[corner], lo[corner], hi[corner], k,
                         max_iter + CONTINUE_ITER)
        f1, _ = _model(theta[corner], lx[corner], pos[corner], False, k)
        f2, _ = _model(th2, lx[corner], pos[corner], False, k)
        r1 = (((f1 - y[corner]) * w[corner]) ** 2).sum(1)
        r2 = (((f2 - y[corner]) * w[corner]) ** 2).sum(1)
        better = c2 & (r2 < r1)
        theta[corner[better]] = th2[better]
    f, J = _model(theta, lx, pos, covariance, k)
    res = (f - y) * w
    rss = np.einsum("ij,ij->i", res, res)
    n = valid.sum(axis=1)
    if covariance:
        Jw = J * w[:, None, :]
        s2 = rss / np.maximum(n - k, 1)
        cov = np.linalg.pinv(Jw @ Jw.transpose(0, 2, 1), hermitian=True) * s2[:, None, None]
    else:
        cov = np.full((m, k, k), np.nan)
    mean = (y * w).sum(1) / n
    rss0 = (((y - mean[:, None]) * w) ** 2).sum(1)
    # a fit worse than the flat line at the mean is stuck in a corner of the box (the optimum never is): it
    # counts as not converged, so that the single-curve path (with its restarts) refits it below
    converged &= ~(rss > rss0 * (1 + 1e-9))
    f_flat, p_flat = f_test_flat_arrays(rss0, rss, n, k)
    mono = _group_means_running_violation(x, y, valid)
    xv = np.where(pos, x, np.nan)
    out = BatchFit(model, theta, cov, rss, n, k, converged, f_flat, p_flat, mono, iters,
                   np.where(valid, x, np.nan), np.where(valid, y, np.nan),
                   np.nanmin(xv, axis=1), np.nanmax(xv, axis=1))
    if refit_failed:
        for i in np.nonzero(~out.converged)[0]:
            ok = valid[i]
            try:
                f = dr.fit_curve(x[i, ok], y[i, ok], model, start=None if start is None else th0[i],
                                 _batch_fallback=False)
            except ValueError:
                continue
            if f.converged:
                out.theta[i], out.rss[i], out.converged[i] = f.theta[:4], f.rss, True
                out.f_flat[i], out.p_flat[i] = f.f_flat, f.p_flat
                if covariance:
                    out.cov[i] = f.cov
    return out


def f_test_flat_arrays(rss0: np.ndarray, rss: np.ndarray, n: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`doseresponse.f_test_flat` (same special cases): F and p per curve."""
    rss0, rss, n = (np.asarray(a, float) for a in (rss0, rss, n))
    df = n - k
    df1 = k - 1
    F = np.full(rss.shape, np.nan)
    p = np.full(rss.shape, np.nan)
    ok_df = df > 0
    zero = ok_df & (rss <= 1e-30 * np.maximum(rss0, 1e-300))
    F[zero] = np.where(rss0[zero] > 0, np.inf, np.nan)
    p[zero] = np.where(rss0[zero] > 0, 0.0, 1.0)
    reg = ok_df & ~zero
    F[reg] = np.maximum(((rss0[reg] - rss[reg]) / df1) / (rss[reg] / df[reg]), 0.0)  # no worse than flat: p 1
    p[reg] = special.fdtrc(df1, df[reg], F[reg])  # = stats.f.sf, as in doseresponse.f_test_flat
    return F, p
