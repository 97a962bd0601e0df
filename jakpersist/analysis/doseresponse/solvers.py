"""The solvers of a log-logistic fit and their starting values.

* :func:`minpack_loglogistic`: MINPACK's unbounded Levenberg-Marquardt (``scipy.optimize.leastsq``)
  on one curve, with the analytic Jacobian; converged only when its optimum lies inside the search
  box;
* :func:`bounded_lm`: a vectorised, bounded Levenberg-Marquardt on many curves at once (NumPy);
* :func:`trf_restarts`: SciPy's trust-region reflective solver from two starts (:func:`restarts`),
  keeping the better fit.

Which runs when is the fallback chain of :func:`jakpersist.analysis.doseresponse.fit_curve` and
:func:`~jakpersist.analysis.doseresponse.fit_curves` (:data:`CHAIN`).

Why a batched solver of our own: ``scipy.optimize.least_squares`` and ``curve_fit`` fit one problem
at a time (a Python loop over curves is what made the bootstrap slow); fitting all curves as one
large block-diagonal problem with a sparse Jacobian (``least_squares(..., jac_sparsity=...)``) makes
every curve wait for the slowest and couples their step control and stopping rule, so a curve's
result would depend on its neighbours. SciPy offers no batched small-problem solver, hence this one
(method: Levenberg 1944, Marquardt 1963; damping update of Nielsen 1999 as in Madsen, Nielsen &
Tingleff, *Methods for non-linear least squares problems*, 2004, section 3.2; bounds by projection
with the bound-active parameters held fixed, Kanzow, Yamashita & Fukushima 2004). The Hill slope is
iterated as ln(Hill), which reaches step-like optima faster; a curve that uses up ``max_iter``
iterations counts as converged only at a stationary point (:func:`stationary`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize

from .curves import ll4_batch

#: The fallback chain of every LL4/LL3 fit (one curve or many). Each solver runs when the ones
#: before it leave a curve in need of it (:data:`RUNS_WHEN`): the batched bounded LM on every curve
#: first; then, one by one from the curve's own start, MINPACK for the curves it leaves unconverged,
#: and trust-region reflective restarts when a curve is still unconverged, worse than a flat line,
#: or in the shallow-flat corner
#: (:func:`~jakpersist.analysis.doseresponse.rules.at_shallow_corner`).
CHAIN = ("bounded_lm", "minpack", "trf")
#: When each solver of a chain runs: "failed" (no converged solution yet: its solution replaces the
#: current one) or "unacceptable" (failed, worse than a flat line, or in the shallow corner: it
#: keeps the better
#: solution).
RUNS_WHEN = {"minpack": "failed", "bounded_lm": "failed", "trf": "unacceptable"}

LN10 = float(np.log(10.0))

#: Stopping rule (assumption, chosen so that parameters agree with ``fit_curve``'s MINPACK solution
#: to well below 1e-6 relative): stop when every parameter's step is below ``XTOL * (|theta| +
#: XTOL)``, or the cost falls by less than ``FTOL`` relative (actual and predicted), or the
#: projected gradient
#: is below
#: ``GTOL``.
XTOL = 1e-12
FTOL = 1e-14
GTOL = 1e-15
#: Iterations after which a curve still moving is reported as not converged (status ``failed``),
#: unless it sits at a stationary point (:func:`stationary`) or is refitted
#: (``fit_curves(refit_failed=True)``).
MAX_ITER = 400
#: Further batched iterations the bootstrap gives the resamples still moving after ``max_iter``
#: before any is refitted one by one (``fit_curves(continue_iter=...)``; assumption: step-like
#: curves, Hill at its bound and the step between two doses, creep along a nearly flat ridge in
#: EC50; on bootstrap resamples of such a curve 48 of 200 were still moving after 400 iterations, 3
#: after 2,000, none
#: after 10,000; one-by-one refits cost about 1 s each).
CONTINUE_ITER = 3600


#: Largest projected gradient of 0.5 * RSS (response units^2 per parameter unit) at which a fit that
#: ran out of iterations still counts as converged (assumption: an unconverged LL4 fit of fractions
#: of vehicle has gradients of 1e-4 and more; at a true optimum, or on the plateau of a step-like
#: fit, they are
#: below 1e-10).
STATIONARY_GTOL = 1e-8


def stationary(theta: ArrayLike, grad: ArrayLike, lo: ArrayLike, *, hi: ArrayLike) -> np.ndarray:
    """Whether fits (arrays ``(..., k)`` of free parameters with Hill as ln Hill, gradients of 0.5 *
    RSS, bounds) sit at a first-order stationary point of the bounded problem: the gradient, with
    the components that push a parameter out through a bound it touches removed, is at most
    :data:`STATIONARY_GTOL`. Decides convergence for a curve that used up its iterations (single
    fits fall back to this solver when MINPACK's optimum leaves the bounds, so the rule is the same
    for both paths)."""
    th, g, lo, hi = (np.asarray(a, dtype=float) for a in (theta, grad, lo, hi))
    near = 1e-8 * (hi - lo)
    out = ((th - lo <= near) & (g > 0)) | ((hi - th <= near) & (g < 0))
    return np.max(np.abs(np.where(out, 0.0, g)), axis=-1) <= STATIONARY_GTOL


# ------------------------------------------------------------------------------------------------
# solver
# ------------------------------------------------------------------------------------------------
def bounded_lm(
    theta0: np.ndarray,
    lx: np.ndarray,
    pos: np.ndarray,
    *,
    y: np.ndarray,
    w: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    k: int,
    max_iter: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bounded LM on all curves. Returns (theta (m, 4), converged (m,), iterations (m,)).

    Internally the Hill slope is iterated as ln(Hill) (same optimum, bounds mapped by ln): a
    step-like fit, whose best Hill slope is its upper bound, then gets there in a few steps instead
    of creeping along the plateau of the cost."""
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
    if (
        act.size
    ):  # out of iterations: converged all the same at a stationary point (the shared rule)
        converged[act] = stationary(theta[act][:, fr], g[act], lo[act][:, fr], hi=hi[act][:, fr])
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
    """:func:`_model` on (bottom, top, log10 EC50, ln Hill): the Hill column of the Jacobian times
    Hill."""
    f, J = ll4_batch(_from_internal(p), lx, pos, jac=True, k=k)
    J[:, -1, :] *= np.exp(p[:, 3])[:, None]
    return f, J


# ------------------------------------------------------------------------------------------------
# starting values
# ------------------------------------------------------------------------------------------------
def start_values(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Data-driven start (bottom, top, log10 EC50, Hill) of one curve: top = mean at the lowest
    dose, bottom = mean at the highest, log10 EC50 = the positive dose whose response is nearest
    their midpoint, Hill 1."""
    pos = x > 0
    lx = np.log10(x[pos])
    top = float(np.mean(y[x == x.min()]))
    bottom = float(np.mean(y[x == x.max()]))
    mid = (top + bottom) / 2
    order = np.argsort(lx)
    ys = y[pos][order]
    idx = int(np.argmin(np.abs(ys - mid)))
    return np.array([bottom, top, float(lx[order][idx]), 1.0])


def start_values_batch(x: np.ndarray, y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Vectorised :func:`start_values`: top = mean at the lowest dose, bottom = mean at the highest,
    log10 EC50 = the dose whose response is nearest their midpoint, Hill 1."""
    xv = np.where(valid, x, np.nan)
    xmin, xmax = np.nanmin(xv, axis=1, keepdims=True), np.nanmax(xv, axis=1, keepdims=True)
    at_min, at_max = valid & (x == xmin), valid & (x == xmax)
    top = (y * at_min).sum(1) / at_min.sum(1)
    bottom = (y * at_max).sum(1) / at_max.sum(1)
    mid = (top + bottom) / 2
    pos = valid & (x > 0)
    dist = np.where(pos, np.abs(y - mid[:, None]), np.inf)
    # ties: the lowest dose among the nearest (start_values scans the doses in increasing order)
    best = dist == dist.min(axis=1, keepdims=True)
    lx = np.log10(np.where(pos, x, 1.0))
    le = np.where(best, lx, np.inf).min(axis=1)
    return np.stack([bottom, top, le, np.ones_like(le)], axis=1)


def restarts(
    th0: np.ndarray, lo: np.ndarray, hi: np.ndarray, *, y: np.ndarray, free: list[int]
) -> list[np.ndarray]:
    """Starting points (free parameters) for the trust-region fallback of :func:`_fit_loglogistic`:
    the fit's own start, then a near-flat curve (top at the mean response, EC50 one decade inside
    its upper bound, Hill 1; assumption: the optimum of a censored curve lies near the flat line it
    approaches)."""
    flat = th0.copy()
    flat[1] = float(np.clip(y.mean(), lo[1] + 1e-9, hi[1] - 1e-9))
    flat[2] = hi[2] - 1.0
    flat[3] = 1.0
    return [th0[free], np.clip(flat, lo + 1e-9, hi - 1e-9)[free]]


# ------------------------------------------------------------------------------------------------
# one curve: MINPACK and trust-region reflective
# ------------------------------------------------------------------------------------------------
class LogLogistic:
    """Residuals and analytic Jacobian of one LL4/LL3 curve over its free parameters (LL4: bottom,
    top, log10 EC50, Hill; LL3: top, log10 EC50, Hill). MINPACK asks for the Jacobian at the point
    whose residuals it just had, so the shared term is cached for the last point."""

    def __init__(self, x: np.ndarray, y: np.ndarray, model: str) -> None:
        pos = x > 0
        self.x, self.y, self.ll4 = x, y, model == "LL4"
        self.lxz = np.log10(np.where(pos, x, 1.0))
        self.posf = pos.astype(float)
        self.ln10 = np.log(10.0)
        self.last: list = [None, None]

    def split(self, p: np.ndarray) -> tuple[float, float, float, float, np.ndarray]:
        b, tp, le, h = p if self.ll4 else (0.0, *p)
        key = p.tobytes()
        if key != self.last[0]:
            r = (
                np.exp(np.minimum((h * self.ln10) * (self.lxz - le), 700.0)) * self.posf
            )  # dose 0: ratio 0
            self.last[0], self.last[1] = key, 1.0 / (1.0 + r)
        return b, tp, le, h, self.last[1]

    def resid(self, p: np.ndarray) -> np.ndarray:
        b, tp, _, _, s = self.split(p)
        return b + (tp - b) * s - self.y

    def jac(self, p: np.ndarray) -> np.ndarray:
        b, tp, le, h, s = self.split(p)
        q = 1.0 - s
        c = ((tp - b) * self.ln10) * s * q  # 0 at dose 0 (s = 1 there)
        J = np.empty(
            (self.x.size, 4 if self.ll4 else 3)
        )  # columns: (bottom,) top, log10 EC50, Hill
        if self.ll4:
            J[:, 0] = q
        J[:, -3], J[:, -2], J[:, -1] = s, c * h, c * (le - self.lxz)
        return J


def minpack_loglogistic(
    problem: LogLogistic, q0: np.ndarray, lo: np.ndarray, *, hi: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Unbounded Levenberg-Marquardt (MINPACK, ``scipy.optimize.leastsq``) from the free parameters
    ``q0``; the optimum counts as converged only when it lies inside the box ``lo``/``hi`` (free
    parameters), where it is also the bounded problem's optimum. Returns (free parameters,
    converged)."""
    with np.errstate(
        over="ignore"
    ):  # leastsq's own cov_x (unused here) can overflow for doses like 1e12 nM
        p, _, _, _, ier = optimize.leastsq(
            problem.resid,
            q0,
            Dfun=problem.jac,
            full_output=True,
            xtol=1e-12,
            ftol=1e-14,
            maxfev=400,
        )
    inside = bool(np.all(np.isfinite(p)) and np.all(p > lo) and np.all(p < hi))
    return p, bool(ier in (1, 2, 3, 4) and inside)


def trf_restarts(
    problem: LogLogistic,
    starts: list[np.ndarray],
    lo: np.ndarray,
    *,
    hi: np.ndarray,
    current: tuple[np.ndarray, bool, float],
    good_enough: bool,
) -> tuple[np.ndarray, bool, float]:
    """SciPy's trust-region reflective solver from each of ``starts`` (free parameters) in turn,
    keeping the better converged solution than ``current`` (free parameters, converged, RSS); stops
    after a start once the kept solution is converged, no worse than a flat line and ``good_enough``
    (not in the shallow corner). Returns the kept (free parameters, converged, RSS)."""
    sol_x, success, rss = current
    rss_flat = float(np.sum((problem.y - problem.y.mean()) ** 2))
    for start in starts:
        sol = optimize.least_squares(
            problem.resid,
            start,
            jac=problem.jac,
            bounds=(lo, hi),
            method="trf",
            x_scale="jac",
            xtol=1e-14,
            ftol=1e-14,
            gtol=1e-14,
            max_nfev=2000,
        )
        r2 = float(np.sum(sol.fun**2))
        if sol.success and (not success or r2 < rss):
            sol_x, success, rss = sol.x, True, r2
        if success and rss <= rss_flat * (1 + 1e-9) and good_enough:
            break
    return sol_x, success, rss
