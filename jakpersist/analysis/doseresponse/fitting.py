"""Fitting dose-response curves: one curve (:func:`fit_curve`), many at once (:func:`fit_curves`), and the
model chosen by AIC (:func:`select_model`).

Both entry points check their input by the same rules, run an explicit solver fallback chain (:mod:`.solvers`:
:data:`~.solvers.SINGLE_CHAIN`, :data:`~.solvers.BATCH_CHAIN`) and decide statuses, F-tests, rise tests and
monotone violations by the same vectorised rules (:mod:`.rules`). A single LL4/LL3 fit starts with MINPACK and
falls back on the batched solver; a batched fit starts with the batched solver and refits the curves it leaves
unconverged one by one with the rest of the chain.

Inputs of :func:`fit_curves`: one dose vector shared by all curves (``dose`` of shape ``(n,)``, ``responses`` of
shape ``(m, n)``), or one dose vector per curve (``dose`` of shape ``(m, n)``) where missing wells are ``NaN`` in
``responses`` (and/or in ``dose``), so curves with different designs are padded to a common width;
:func:`pad_curves` builds those arrays from a list of ``(dose, response)`` pairs. Doses in nM, responses as
fractions of vehicle.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize

from .curves import (HORMESIS_MODELS, MODELS, ZERO_DOSE_LOG10, curve_value, ll4_batch, peak_dose, search_bounds,
                     search_bounds_batch)
from .results import BatchFit, CurveFit
from .rules import (HORMESIS_GATE, PERCENT_MEDIAN, at_shallow_corner, f_test_flat_arrays,
                    monotone_violation, params_at_bound, rise_test, running_violation)
from .solvers import (BATCH_CHAIN, CONTINUE_ITER, MAX_ITER, RUNS_WHEN, SINGLE_CHAIN, LogLogistic, bounded_lm,
                      minpack_loglogistic, restarts, start_values, start_values_batch, trf_restarts)


# ------------------------------------------------------------------------------------------------
# input checks
# ------------------------------------------------------------------------------------------------
def validate_curve(dose: ArrayLike, response: ArrayLike, name: str = "curve") -> tuple[np.ndarray, np.ndarray]:
    """Validated (dose, response) arrays of one curve, shape (n,): the checks of :func:`fit_curves` on one
    curve without missing wells. Raises ValueError naming ``name`` and what to do."""
    x = np.asarray(dose, dtype=float).ravel()
    y = np.asarray(response, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"{name}: dose and response differ in length ({x.size} vs {y.size})")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError(f"{name}: dose and response must be finite numbers (drop missing wells first)")
    _check_values(x[None, :], y[None, :], np.ones((1, x.size), bool), names=[name])
    return x, y


def _check_values(x: np.ndarray, y: np.ndarray, valid: np.ndarray, model: str = "",
                  names: Sequence[str] | None = None) -> None:
    """The checks every curve passes, on (m, n) arrays with a validity mask: doses >= 0, at least 3 distinct
    positive doses, more wells than ``model``'s parameters (no ``model``: not checked), fractions rather than percent
    of vehicle. Raises ValueError naming the first failing curve (``names[i]``, default ``"curve i"``)."""
    def label(i: int) -> str:
        return f"curve {i}" if names is None else names[i]

    k = MODELS[model][0] if model else 0

    if np.any(x[valid] < 0):
        raise ValueError(f"{label(int(np.argwhere((x < 0) & valid)[0, 0]))}: doses must be >= 0 nM")
    n_wells = valid.sum(axis=1)
    with np.errstate(invalid="ignore"):
        median = np.nanmedian(np.where(valid, y, np.nan), axis=1) if y.shape[0] and y.shape[1] else np.zeros(0)
    if np.any(median > PERCENT_MEDIAN):
        bad = int(np.argmax(median > PERCENT_MEDIAN))
        raise ValueError(f"{label(bad)}: the responses look like percent of vehicle (median {median[bad]:.4g} > "
                         f"{PERCENT_MEDIAN:g}); give viability as a fraction of vehicle (1 = untreated): "
                         "divide by 100")
    n_pos = _distinct_positive(x, valid)
    if np.any(n_pos < 3):
        bad = int(np.argmax(n_pos < 3))
        raise ValueError(f"{label(bad)}: a dose-response fit needs at least 3 distinct positive doses; this curve "
                         f"has {int(n_pos[bad])} ({int(n_wells[bad])} wells). Add doses to the dilution series.")
    if k and np.any(n_wells <= k):
        bad = int(np.argmax(n_wells <= k))
        raise ValueError(f"{label(bad)}: {model} has {k} parameters but the curve has only "
                         f"{int(n_wells[bad])} wells; it needs at least {k + 1} (one residual degree of "
                         "freedom). Add wells or use a smaller model.")


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
    x = np.where(valid, x, 0.0)
    y = np.where(valid, y, 0.0)
    return x, y, valid


def _distinct_positive(x: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Number of distinct positive doses per curve."""
    xs = np.sort(np.where(valid & (x > 0), x, np.inf), axis=1)
    new = np.isfinite(xs) & np.concatenate([np.ones((xs.shape[0], 1), bool), xs[:, 1:] != xs[:, :-1]], axis=1)
    return new.sum(axis=1)




def _check_chain(solvers: Sequence[str]) -> tuple[str, ...]:
    chain = tuple(solvers)
    unknown = [s for s in chain if s not in RUNS_WHEN]
    if unknown or not chain:
        raise ValueError(f"solvers must be a non-empty sequence of {', '.join(RUNS_WHEN)}, got {chain!r}")
    return chain


# ------------------------------------------------------------------------------------------------
# one curve
# ------------------------------------------------------------------------------------------------
def fit_curve(dose: ArrayLike, response: ArrayLike, model: str = "LL4", *,
              start: np.ndarray | None = None, name: str = "curve",
              solvers: Sequence[str] = SINGLE_CHAIN) -> CurveFit:
    """Least-squares fit of one model (``MODELS``) to wells (dose in nM, response as fraction of vehicle).

    ``dose``, ``response``: shape (n,). ``start``: initial theta (length 4; f is added for hormesis models).
    ``solvers``: the fallback chain of an LL4/LL3 fit (:data:`.solvers.SINGLE_CHAIN`, each solver running when
    the ones before it leave the curve in need, :data:`.solvers.RUNS_WHEN`): MINPACK Levenberg-Marquardt with
    the analytic Jacobian; the bounded batched LM when MINPACK's optimum leaves the box; SciPy's trust-region
    reflective solver from two starts when those fail, end worse than a flat line, or stop in the shallow-flat
    corner. Hormesis models by SciPy ``least_squares`` (trust-region reflective, box constraints from
    :func:`.curves.search_bounds`).

    Raises ValueError (naming ``name``) for unusable input, a design without a residual degree of freedom, an
    unknown model or an unknown solver.
    """
    x, y = validate_curve(dose, response, name)
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    _check_values(x[None, :], y[None, :], np.ones((1, x.size), bool), model, [name])
    chain = _check_chain(solvers)
    k, free = MODELS[model]
    free = list(free)
    th0, lo, hi = _single_start(x, y, model, start)
    if model in ("LL4", "LL3"):
        sol_x, success, fun, J = _solve_loglogistic(x, y, model, th0, lo, hi, free, chain)
    else:
        def resid(q: np.ndarray) -> np.ndarray:
            th = th0.copy()
            th[free] = q
            return curve_value(model, x, th) - y

        sol = optimize.least_squares(resid, th0[free], bounds=(lo[free], hi[free]), method="trf",
                                     x_scale="jac", xtol=1e-14, ftol=1e-14, gtol=1e-14, max_nfev=2000)
        sol_x, success, fun, J = sol.x, bool(sol.success), sol.fun, sol.jac
    theta = th0.copy()
    theta[free] = sol_x
    n = x.size
    rss = float(np.sum(fun**2))
    s2 = rss / max(n - k, 1)
    try:
        cov = np.linalg.pinv(J.T @ J) * s2
    except np.linalg.LinAlgError:  # pragma: no cover - pinv rarely fails
        cov = np.full((k, k), np.nan)
    df = n - k
    f_flat, p_flat = f_test_flat_arrays(float(np.sum((y - y.mean()) ** 2)), rss, n, k)
    pos = x[x > 0]
    p_rise = rise_test(x, y, np.sqrt(rss / df), df,
                       from_dose=peak_dose(model, theta, (float(pos.min()), float(pos.max()))))
    return CurveFit(model, theta, cov, rss, n, k, success, x, y, f_flat=float(f_flat[0]), p_flat=float(p_flat[0]),
                    monotone_violation=monotone_violation(x, y), p_rise=p_rise, name=name,
                    at_bound=params_at_bound(theta, lo, hi, free))


def _single_start(x: np.ndarray, y: np.ndarray, model: str, start: np.ndarray | None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starting theta (clipped into the box; bottom 0 for LL3) and the box (lo, hi) of one curve's fit."""
    p = 5 if model in HORMESIS_MODELS else 4
    lo, hi = search_bounds(x)
    lo, hi = lo[:p], hi[:p]
    if model == "BC5":  # Brain-Cousens falls at high doses only when hill > 1 (f x / x^hill -> 0)
        lo[3] = 1.0 + 1e-6
    th0 = start_values(x, y) if start is None else np.asarray(start, float).copy()
    if th0.size < p:
        th0 = np.r_[th0, 0.1]
    th0 = np.clip(th0[:p], lo + 1e-9, hi - 1e-9)
    if model == "LL3":
        th0[0] = 0.0
    return th0, lo, hi


def _solve_loglogistic(x: np.ndarray, y: np.ndarray, model: str, th0: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                       free: list[int], chain: tuple[str, ...]) -> tuple[np.ndarray, bool, np.ndarray, np.ndarray]:
    """LL4/LL3 least squares along the solver ``chain``: (free parameters, converged, residuals, Jacobian).

    "minpack" and "bounded_lm" run while no solver has converged (each replaces the solution); "trf" runs when
    the solution is unconverged, worse than a flat line at the mean (a least-squares optimum never is: the curve
    reaches one with the EC50 beyond the tested doses, so a worse solution sits in a corner of the box), or in
    the shallow-flat corner (:func:`.rules.at_shallow_corner`), and keeps the better converged solution.
    """
    problem = LogLogistic(x, y, model)
    sol_x, success = th0[free], False
    for solver in chain:
        if RUNS_WHEN[solver] == "unacceptable":
            rss_flat = float(np.sum((y - y.mean()) ** 2))
            rss = float(np.sum(problem.resid(sol_x) ** 2)) if np.all(np.isfinite(sol_x)) else np.inf
            full_x = th0.copy()
            full_x[free] = sol_x
            corner = bool(at_shallow_corner(full_x[:4], lo[:4], hi[:4]))
            if not success or rss > rss_flat * (1 + 1e-9) or corner:
                sol_x, success, _ = trf_restarts(problem, restarts(th0, lo, hi, y, free), lo[free], hi[free],
                                                 (sol_x, success, rss), not corner)
        elif success:
            continue
        elif solver == "minpack":
            sol_x, success = minpack_loglogistic(problem, th0[free], lo[free], hi[free])
        else:  # the batched bounded LM on this one curve
            b = fit_curves(x, y[None, :], model, start=th0[:4].copy(), covariance=False, solvers=("bounded_lm",))
            sol_x, success = b.theta[0, free], bool(b.converged[0])
    return sol_x, success, problem.resid(sol_x), problem.jac(sol_x)


def f_test_flat(fit: CurveFit) -> tuple[float, float]:
    """F-test of the fitted curve against a flat line (the mean response). Returns (F, p)
    (:func:`.rules.f_test_flat_arrays` on one curve)."""
    rss0 = float(np.sum((fit.response - fit.response.mean()) ** 2))
    F, p = f_test_flat_arrays(rss0, fit.rss, fit.n, fit.k)
    return float(F[0]), float(p[0])


# ------------------------------------------------------------------------------------------------
# many curves
# ------------------------------------------------------------------------------------------------
def fit_curves(dose: ArrayLike, responses: ArrayLike, model: str = "LL4", *, start: ArrayLike | None = None,
               max_iter: int = MAX_ITER, covariance: bool = True, refit_failed: bool = True,
               continue_iter: int = 0, solvers: Sequence[str] = BATCH_CHAIN) -> BatchFit:
    """Fit LL4 or LL3 to many curves at once (dose in nM, responses as fractions of vehicle).

    Parameters
    ----------
    dose : shape ``(n,)`` shared by all curves, or ``(m, n)`` per curve (NaN for a missing well).
    responses : shape ``(m, n)`` (a 1-D array is one curve); NaN marks a missing well.
    model : ``"LL4"`` or ``"LL3"`` (bottom fixed at 0), as :func:`fit_curve`.
    start : starting parameters (bottom, top, log10 EC50, Hill), shape ``(4,)`` for all curves or ``(m, 4)``;
        default: the data-driven start of ``fit_curve``. Clipped into the bounds like ``fit_curve``'s.
    max_iter : iterations of the batched solver after which a curve still moving counts as not converged
        (unless at a stationary point, :func:`.solvers.stationary`).
    covariance : compute the parameter covariance (``False`` leaves NaN; bootstrap resamples do not need it).
    refit_failed : ``False`` stops the chain after the batched solver (as ``solvers=("bounded_lm",)``).
    continue_iter : further batched iterations for the curves still moving after ``max_iter``, before any
        refit (the bootstrap uses :data:`.solvers.CONTINUE_ITER`: much faster on resamples of step-like curves,
        whose fits may then differ from ``fit_curve``'s on such ill-posed resamples; default 0).
    solvers : the fallback chain (:data:`.solvers.BATCH_CHAIN`): first the batched bounded LM on every curve
        (with a second, near-flat start for curves in the shallow-flat corner); the curves it leaves
        unconverged, or worse than a flat line at their mean (a corner of the bounds), are refitted one by one
        by :func:`fit_curve` with the rest of the chain, so that statuses and parameters stay those of the
        single-curve path (rare: step-like curves).

    Returns
    -------
    BatchFit with one row per curve. Parameters agree with ``fit_curve`` to better than 1e-6 relative on
    well-posed curves (``tests/test_batchfit.py`` checks 1e-6 and identical statuses on a few hundred random
    curves).

    Raises
    ------
    ValueError, naming the curve where there is one: shapes that do not match, ragged or non-numeric input,
    infinite values, negative doses, fewer than 3 distinct positive doses, no residual degree of freedom
    (wells <= parameters), responses that look like percent (median > 5), a ``start`` that is not finite or not
    of shape (4,) or (m, 4), an unknown model, or a chain that does not start with ``"bounded_lm"``.
    """
    chain = _check_chain(solvers)
    if chain[0] != "bounded_lm":
        raise ValueError(f"the chain of fit_curves starts with the batched solver 'bounded_lm', got {chain!r}")
    x, y, valid, k = _checked_curves(dose, responses, model)
    lo, hi = search_bounds_batch(x, valid)
    th0 = _batch_start(x, y, valid, lo, hi, model, start)
    pos = valid & (x > 0)
    lx = np.where(pos, np.log10(np.where(pos, x, 1.0)), ZERO_DOSE_LOG10)
    w = valid.astype(float)
    theta, converged, iters = _batched_lm(th0, lx, pos, y, w, lo, hi, k, max_iter, continue_iter)
    f, J = ll4_batch(theta, lx, pos, covariance, k)
    res = (f - y) * w
    rss = np.einsum("ij,ij->i", res, res)
    n = valid.sum(axis=1)
    m = y.shape[0]
    if covariance:
        Jw = J * w[:, None, :]
        s2 = rss / np.maximum(n - k, 1)
        cov = np.linalg.pinv(Jw @ Jw.transpose(0, 2, 1), hermitian=True) * s2[:, None, None]
    else:
        cov = np.full((m, k, k), np.nan)
    mean = (y * w).sum(1) / n
    rss0 = (((y - mean[:, None]) * w) ** 2).sum(1)
    # a fit worse than the flat line at the mean is stuck in a corner of the box (the optimum never is): it
    # counts as not converged, so that the single-curve chain (with its restarts) refits it below
    converged &= ~(rss > rss0 * (1 + 1e-9))
    f_flat, p_flat = f_test_flat_arrays(rss0, rss, n, k)
    rest = chain[1:] if refit_failed else ()
    if rest:
        for i in np.nonzero(~converged)[0]:
            ok = valid[i]
            try:
                fi = fit_curve(x[i, ok], y[i, ok], model, start=None if start is None else th0[i], solvers=rest)
            except ValueError:
                continue
            if fi.converged:
                theta[i], rss[i], converged[i] = fi.theta[:4], fi.rss, True
                f_flat[i], p_flat[i] = fi.f_flat, fi.p_flat
                if covariance:
                    cov[i] = fi.cov
    xv = np.where(pos, x, np.nan)
    return BatchFit(model, theta, cov, rss, n, k, converged, f_flat, p_flat, running_violation(x, y, valid), iters,
                    np.where(valid, x, np.nan), np.where(valid, y, np.nan),
                    np.nanmin(xv, axis=1), np.nanmax(xv, axis=1))


def _checked_curves(dose: ArrayLike, responses: ArrayLike, model: str
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(x, y, valid, k) of :func:`fit_curves`' input, or ValueError naming the curve (see its Raises)."""
    if model not in ("LL4", "LL3"):
        raise ValueError(f"model must be 'LL4' or 'LL3', got {model!r}")
    x, y, valid = _prepare(dose, responses)
    if y.shape[1] == 0:
        raise ValueError("responses have no wells (0 columns); a dose-response fit needs at least 3 doses")
    _check_values(x, y, valid, model)
    return x, y, valid, MODELS[model][0]


def _batch_start(x: np.ndarray, y: np.ndarray, valid: np.ndarray, lo: np.ndarray, hi: np.ndarray, model: str,
                 start: ArrayLike | None) -> np.ndarray:
    """Starting parameters (m, 4) of :func:`fit_curves`, clipped into the box; bottom 0 for LL3."""
    m = y.shape[0]
    if start is None:
        th0 = start_values_batch(x, y, valid)
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
    return th0


def _batched_lm(th0: np.ndarray, lx: np.ndarray, pos: np.ndarray, y: np.ndarray, w: np.ndarray, lo: np.ndarray,
                hi: np.ndarray, k: int, max_iter: int, continue_iter: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The batched stage of the chain: bounded LM on every curve, ``continue_iter`` more iterations for the
    curves still moving, and a second, near-flat start for curves in the shallow-flat corner (the better of the
    two fits is kept). Returns (theta (m, 4), converged (m,), iterations (m,))."""
    theta, converged, iters = bounded_lm(th0, lx, pos, y, w, lo, hi, k, max_iter)
    slow = np.nonzero(~converged)[0]
    if continue_iter and slow.size:  # step-like curves creep along a ridge: continue them, still batched
        th2, c2, it2 = bounded_lm(theta[slow], lx[slow], pos[slow], y[slow], w[slow], lo[slow], hi[slow], k,
                                  continue_iter)
        theta[slow], converged[slow], iters[slow] = th2, c2, iters[slow] + it2
    corner = np.nonzero(converged & at_shallow_corner(theta, lo, hi))[0]
    if corner.size:  # the flat-through-Hill-0 corner can trap a curve that has a real transition: try again
        # from a near-flat start (as fit_curve's restarts do) and keep the better of the two fits
        valid = w > 0
        start2 = np.array([restarts(th0[i], lo[i], hi[i], y[i][valid[i]], [0, 1, 2, 3])[1] for i in corner])
        th2, c2, _ = bounded_lm(start2, lx[corner], pos[corner], y[corner], w[corner], lo[corner], hi[corner], k,
                                max_iter + CONTINUE_ITER)
        f1, _ = ll4_batch(theta[corner], lx[corner], pos[corner], False, k)
        f2, _ = ll4_batch(th2, lx[corner], pos[corner], False, k)
        r1 = (((f1 - y[corner]) * w[corner]) ** 2).sum(1)
        r2 = (((f2 - y[corner]) * w[corner]) ** 2).sum(1)
        better = c2 & (r2 < r1)
        theta[corner[better]] = th2[better]
    return theta, converged, iters


# ------------------------------------------------------------------------------------------------
# the model by AIC
# ------------------------------------------------------------------------------------------------
def design_models(dose: ArrayLike, response: ArrayLike, name: str = "curve",
                  models: tuple[str, ...] = tuple(MODELS)) -> list[str]:
    """The models of ``models`` that the design of one curve can carry, checked before fitting.

    A model with k parameters needs at least k + 1 wells (one residual degree of freedom) at k or more distinct
    dose levels (vehicle included); a hormesis model also needs 6 or more positive doses and 3 residual degrees
    of freedom (assumption: fewer cannot tell a low-dose rise from noise). Raises ValueError naming the curve and
    what it lacks when not even LL3 fits.
    """
    x, y = validate_curve(dose, response, name)
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


