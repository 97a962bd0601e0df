"""Fitting dose-response curves: one curve (:func:`fit_curve`), many at once (:func:`fit_curves`),
and the model chosen by AIC (:func:`select_model`).

An LL4/LL3 fit of one curve is :func:`fit_curves` on that curve, as SciPy's scalar statistics are
its vectorised ones on one sample: one set of input checks, one explicit solver fallback chain
(:mod:`.solvers`, :data:`~.solvers.CHAIN`: the batched bounded LM on every curve, then, one by one,
MINPACK and trust-region restarts for the curves it leaves unconverged), and statuses, F-tests, rise
tests and monotone violations decided by the same vectorised rules (:mod:`.rules`).

Inputs of :func:`fit_curves`: one dose vector shared by all curves (``dose`` of shape ``(n,)``,
``responses`` of shape ``(m, n)``), or one dose vector per curve (``dose`` of shape ``(m, n)``)
where missing wells are ``NaN`` in ``responses`` (and/or in ``dose``), so curves with different
designs are padded to a common width; :func:`pad_curves` builds those arrays from a list of ``(dose,
response)`` pairs. Doses in nM, responses as fractions of vehicle.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize

from .curves import (
    HORMESIS_MODELS,
    MODELS,
    ZERO_DOSE_LOG10,
    curve_value,
    ll4_batch,
    peak_dose,
    search_bounds,
    search_bounds_batch,
)
from .results import BatchFit, CurveFit
from .rules import (
    HORMESIS_GATE,
    PERCENT_MEDIAN,
    at_shallow_corner,
    f_test_flat_arrays,
    monotone_violation,
    params_at_bound,
    rise_test,
    running_violation,
)
from .solvers import (
    CHAIN,
    CONTINUE_ITER,
    MAX_ITER,
    RUNS_WHEN,
    LogLogistic,
    bounded_lm,
    minpack_loglogistic,
    restarts,
    start_values,
    start_values_batch,
    trf_restarts,
)


# ------------------------------------------------------------------------------------------------
# input checks
# ------------------------------------------------------------------------------------------------
def validate_curve(
    dose: ArrayLike, response: ArrayLike, name: str = "curve"
) -> tuple[np.ndarray, np.ndarray]:
    """Validated (dose, response) arrays of one curve, shape (n,): the checks of :func:`fit_curves`
    on one curve without missing wells. Raises ValueError naming ``name`` and what to do."""
    x = np.asarray(dose, dtype=float).ravel()
    y = np.asarray(response, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"{name}: dose and response differ in length ({x.size} vs {y.size})")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError(
            f"{name}: dose and response must be finite numbers (drop missing wells first)"
        )
    _check_values(x[None, :], y[None, :], np.ones((1, x.size), bool), names=[name])
    return x, y


def _check_values(
    x: np.ndarray,
    y: np.ndarray,
    valid: np.ndarray,
    model: str = "",
    names: Sequence[str] | None = None,
) -> None:
    """The checks every curve passes, on (m, n) arrays with a validity mask: doses >= 0, at least 3
    distinct positive doses, more wells than ``model``'s parameters (no ``model``: not checked),
    fractions rather than percent of vehicle. Raises ValueError naming the first failing curve
    (``names[i]``, default ``"curve i"``)."""

    def label(i: int) -> str:
        return f"curve {i}" if names is None else names[i]

    k = MODELS[model][0] if model else 0

    if np.any(x[valid] < 0):
        raise ValueError(f"{label(int(np.argwhere((x < 0) & valid)[0, 0]))}: doses must be >= 0 nM")
    n_wells = valid.sum(axis=1)
    with np.errstate(invalid="ignore"):
        median = (
            np.nanmedian(np.where(valid, y, np.nan), axis=1)
            if y.shape[0] and y.shape[1]
            else np.zeros(0)
        )
    if np.any(median > PERCENT_MEDIAN):
        bad = int(np.argmax(median > PERCENT_MEDIAN))
        raise ValueError(
            f"{label(bad)}: the responses look like percent of vehicle (median {median[bad]:.4g} > "
            f"{PERCENT_MEDIAN:g}); give viability as a fraction of vehicle (1 = untreated): "
            "divide by 100"
        )
    n_pos = _distinct_positive(x, valid)
    if np.any(n_pos < 3):
        bad = int(np.argmax(n_pos < 3))
        raise ValueError(
            f"{label(bad)}: a dose-response fit needs at least 3 distinct positive doses; this "
            "curve "
            f"has {int(n_pos[bad])} ({int(n_wells[bad])} wells). Add doses to the dilution series."
        )
    if k and np.any(n_wells <= k):
        bad = int(np.argmax(n_wells <= k))
        raise ValueError(
            f"{label(bad)}: {model} has {k} parameters but the curve has only "
            f"{int(n_wells[bad])} wells; it needs at least {k + 1} (one residual degree of "
            "freedom). Add wells or use a smaller model."
        )


def pad_curves(curves: Sequence[tuple[ArrayLike, ArrayLike]]) -> tuple[np.ndarray, np.ndarray]:
    """Stack curves of different designs into ``(m, n_max)`` dose and response arrays padded with
    NaN.

    ``curves`` is a sequence of ``(dose, response)`` pairs (1-D, equal length within a pair).
    Raises ValueError naming the curve whose dose and response differ in length.
    """
    pairs = [(np.asarray(d, float).ravel(), np.asarray(y, float).ravel()) for d, y in curves]
    if not pairs:
        raise ValueError("pad_curves needs at least one (dose, response) pair")
    for i, (d, y) in enumerate(pairs):
        if d.shape != y.shape:
            raise ValueError(
                f"curve {i}: dose and response differ in length ({d.size} vs {y.size})"
            )
    width = max((d.size for d, _ in pairs), default=0)
    dose = np.full((len(pairs), width), np.nan)
    resp = np.full((len(pairs), width), np.nan)
    for i, (d, y) in enumerate(pairs):
        dose[i, : d.size], resp[i, : y.size] = d, y
    return dose, resp


def prepare_curves(
    dose: ArrayLike, responses: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(m, n) dose and response arrays (0 where a well is missing) and the validity mask of
    :func:`fit_curves`' input. Raises ValueError for ragged, non-numeric or infinite input or
    mismatched shapes (the checks of values are :func:`fit_curves`')."""
    try:
        y = np.asarray(responses, dtype=float)
        x = np.asarray(dose, dtype=float)
    except ValueError as exc:  # ragged nested lists, or text
        hint = (
            "; for curves of different lengths use pad_curves([(dose, response), ...])"
            if "inhomogeneous" in str(exc) or "sequence" in str(exc)
            else ""
        )
        raise ValueError(
            f"dose and responses must be numbers in rectangular arrays ({exc}){hint}"
        ) from None
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
        raise ValueError(
            f"curve {bad}, well {well}: dose and response must be finite numbers (NaN marks a "
            "missing well)"
        )
    if np.any(x[valid] < 0):
        bad = int(np.argwhere((x < 0) & valid)[0, 0])
        raise ValueError(f"curve {bad}: doses must be >= 0 nM")
    x = np.where(valid, x, 0.0)
    y = np.where(valid, y, 0.0)
    return x, y, valid


def _distinct_positive(x: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Number of distinct positive doses per curve."""
    xs = np.sort(np.where(valid & (x > 0), x, np.inf), axis=1)
    new = np.isfinite(xs) & np.concatenate(
        [np.ones((xs.shape[0], 1), bool), xs[:, 1:] != xs[:, :-1]], axis=1
    )
    return new.sum(axis=1)


def _check_chain(solvers: Sequence[str]) -> tuple[str, ...]:
    chain = tuple(solvers)
    unknown = [s for s in chain if s not in RUNS_WHEN]
    if unknown or not chain:
        raise ValueError(
            f"solvers must be a non-empty sequence of {', '.join(RUNS_WHEN)}, got {chain!r}"
        )
    return chain


# ------------------------------------------------------------------------------------------------
# one curve: the batched fit on one row, or a hormesis model
# ------------------------------------------------------------------------------------------------
def fit_curve(
    dose: ArrayLike,
    response: ArrayLike,
    model: str = "LL4",
    *,
    start: np.ndarray | None = None,
    name: str = "curve",
    solvers: Sequence[str] = CHAIN,
) -> CurveFit:
    """Least-squares fit of one curve model to the wells of one curve.

    An LL4/LL3 fit is :func:`fit_curves` on one curve (the same checks, solver chain and rules); a
    hormesis model (BC5, CRS5) is fitted by SciPy ``least_squares`` (trust-region reflective, box
    constraints from :func:`.curves.search_bounds`).

    Parameters
    ----------
    dose : array_like, shape (n,)
        Doses in nM (0 for the vehicle).
    response : array_like, shape (n,)
        Responses as fractions of vehicle (1 = untreated), no missing wells.
    model : str
        One of :data:`.curves.MODELS`: ``"LL4"``, ``"LL3"`` (bottom 0), ``"BC5"``, ``"CRS5"``.
    start : array_like, optional
        Initial theta (bottom, top, log10 EC50 in log10 nM, Hill; f added for hormesis models);
        default data-driven (:func:`.solvers.start_values`). Clipped into the search box.
    name : str
        The curve's name in error messages and in the result.
    solvers : sequence of str
        The fallback chain of an LL4/LL3 fit (:data:`.solvers.CHAIN`; see :func:`fit_curves`).

    Returns
    -------
    CurveFit
        Parameters, covariance, RSS, status, GI50s (``gi50_absolute``, ``gi50_relative``).

    Raises
    ------
    ValueError
        Naming ``name``: dose and response of different lengths, non-finite values, negative doses,
        fewer than 3 distinct positive doses, responses that look like percent, no residual degree
        of freedom, an unknown model or an unknown solver.

    Examples
    --------
    >>> import jakpersist as jp
    >>> dose = [0, 1, 3, 10, 30, 100, 300, 1000]
    >>> fit = jp.fit_curve(dose, [1.0, 0.98, 0.93, 0.8, 0.52, 0.25, 0.1, 0.06])
    >>> fit.status, round(fit.gi50_absolute(interval="none").value, 1)
    ('ok', 33.4)
    """
    x, y = validate_curve(dose, response, name)
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    _check_values(x[None, :], y[None, :], np.ones((1, x.size), bool), model, [name])
    if model in ("LL4", "LL3"):
        th = None if start is None else np.asarray(start, float)[:4]
        return fit_curves(x, y, model, start=th, solvers=solvers).curve(0, name=name)
    _check_chain(solvers)
    k, free = MODELS[model]
    free = list(free)
    th0, lo, hi = _single_start(x, y, model, start)

    def resid(q: np.ndarray) -> np.ndarray:
        th = th0.copy()
        th[free] = q
        return curve_value(model, x, th) - y

    sol = optimize.least_squares(
        resid,
        th0[free],
        bounds=(lo[free], hi[free]),
        method="trf",
        x_scale="jac",
        xtol=1e-14,
        ftol=1e-14,
        gtol=1e-14,
        max_nfev=2000,
    )
    theta = th0.copy()
    theta[free] = sol.x
    rss, cov, f_flat, p_flat = _fit_summary(y, sol.fun, sol.jac, k)
    pos = x[x > 0]
    p_rise = rise_test(
        x,
        y,
        np.sqrt(rss / (x.size - k)),
        df=x.size - k,
        from_dose=peak_dose(model, theta, (float(pos.min()), float(pos.max()))),
    )
    return CurveFit(
        model,
        theta,
        cov,
        rss,
        x.size,
        k,
        bool(sol.success),
        x,
        y,
        f_flat=f_flat,
        p_flat=p_flat,
        monotone_violation=monotone_violation(x, y),
        p_rise=p_rise,
        name=name,
        at_bound=params_at_bound(theta, lo, hi, free=free),
    )


def _fit_summary(
    y: np.ndarray, fun: np.ndarray, J: np.ndarray, k: int
) -> tuple[float, np.ndarray, float, float]:
    """RSS, covariance of the free parameters (from the Jacobian ``J``) and flat-line F-test of one
    fit."""
    n = y.size
    rss = float(np.sum(fun**2))
    try:
        cov = np.linalg.pinv(J.T @ J) * (rss / max(n - k, 1))
    except np.linalg.LinAlgError:  # pragma: no cover - pinv rarely fails
        cov = np.full((k, k), np.nan)
    f_flat, p_flat = f_test_flat_arrays(float(np.sum((y - y.mean()) ** 2)), rss, n, k=k)
    return rss, cov, float(f_flat[0]), float(p_flat[0])


def _single_start(
    x: np.ndarray, y: np.ndarray, model: str, start: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starting theta (clipped into the box; bottom 0 for LL3) and the box (lo, hi) of one curve's
    fit."""
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


def _solve_one(
    x: np.ndarray, y: np.ndarray, model: str, start: np.ndarray | None, chain: tuple[str, ...]
) -> tuple[np.ndarray, bool, float, np.ndarray, float, float]:
    """One LL4/LL3 curve along the solver ``chain``, from its own start: (theta (4,), converged,
    RSS, cov, flat-line F and p).

    "minpack" and "bounded_lm" run while no solver has converged (each replaces the solution); "trf"
    runs when the solution is unconverged, worse than a flat line at the mean (a least-squares
    optimum never is: the curve reaches one with the EC50 beyond the tested doses, so a worse
    solution sits in a corner of the box), or in the shallow-flat corner
    (:func:`.rules.at_shallow_corner`), and keeps the better converged solution.
    """
    th0, lo, hi = _single_start(x, y, model, start)
    k, free = MODELS[model]
    free = list(free)
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
                sol_x, success, _ = trf_restarts(
                    problem,
                    restarts(th0, lo, hi, y=y, free=free),
                    lo[free],
                    hi=hi[free],
                    current=(sol_x, success, rss),
                    good_enough=not corner,
                )
        elif success:
            continue
        elif solver == "minpack":
            sol_x, success = minpack_loglogistic(problem, th0[free], lo[free], hi=hi[free])
        else:  # the batched bounded LM on this one curve
            valid = np.ones((1, x.size), bool)
            th, conv, _ = _batched_stage(
                x[None, :], y[None, :], valid, model, th0[:4].copy(), MAX_ITER, 0
            )
            sol_x, success = th[0, free], bool(conv[0])
    theta = th0.copy()
    theta[free] = sol_x
    rss, cov, f_flat, p_flat = _fit_summary(y, problem.resid(sol_x), problem.jac(sol_x), k)
    return theta[:4], success, rss, cov, f_flat, p_flat


def f_test_flat(fit: CurveFit) -> tuple[float, float]:
    """F-test of the fitted curve against a flat line (the mean response). Returns (F, p)
    (:func:`.rules.f_test_flat_arrays` on one curve)."""
    rss0 = float(np.sum((fit.response - fit.response.mean()) ** 2))
    F, p = f_test_flat_arrays(rss0, fit.rss, fit.n, k=fit.k)
    return float(F[0]), float(p[0])


# ------------------------------------------------------------------------------------------------
# many curves
# ------------------------------------------------------------------------------------------------
def fit_curves(
    dose: ArrayLike,
    responses: ArrayLike,
    model: str = "LL4",
    *,
    start: ArrayLike | None = None,
    max_iter: int = MAX_ITER,
    covariance: bool = True,
    refit_failed: bool = True,
    continue_iter: int = 0,
    solvers: Sequence[str] = CHAIN,
) -> BatchFit:
    """Fit LL4 or LL3 to many curves at once (dose in nM, responses as fractions of vehicle).

    Parameters
    ----------
    dose : array_like
        Shape ``(n,)`` shared by all curves, or ``(m, n)`` per curve (NaN for a missing well), nM.
    responses : array_like
        Shape ``(m, n)`` (a 1-D array is one curve), fractions of vehicle; NaN marks a missing well.
    model : str
        ``"LL4"`` or ``"LL3"`` (bottom fixed at 0).
    start : array_like, optional
        Starting parameters (bottom, top, log10 EC50, Hill), shape ``(4,)`` for all curves or ``(m,
        4)``; default: the data-driven start (:func:`.solvers.start_values_batch`). Clipped into the
        bounds.
    max_iter : int
        Iterations of the batched solver after which a curve still moving counts as not converged
        (unless at a stationary point, :func:`.solvers.stationary`).
    covariance : bool
        Compute the parameter covariance (``False`` leaves NaN; bootstrap resamples do not need it).
    refit_failed : bool
        ``False`` stops the chain after the batched solver (as ``solvers=("bounded_lm",)``).
    continue_iter : int
        Further batched iterations for the curves still moving after ``max_iter``, before any refit
        (the bootstrap uses :data:`.solvers.CONTINUE_ITER`: much faster on resamples of step-like
        curves; default 0).
    solvers : sequence of str
        The fallback chain (:data:`.solvers.CHAIN`). When it starts with ``"bounded_lm"``, the
        batched bounded LM runs on every curve (with a second, near-flat start for curves in the
        shallow-flat corner); the curves it leaves unconverged, or worse than a flat line at their
        mean (a corner of the bounds), go one by one, from their own start, through the rest of the
        chain (rare: step-like curves). A chain without the batched solver first sends every curve
        through it one by one.

    Returns
    -------
    BatchFit
        One row per curve; ``fit_curve`` is this function on one curve.

    Raises
    ------
    ValueError
        Naming the curve where there is one: shapes that do not match, ragged or non-numeric input,
        infinite values, negative doses, fewer than 3 distinct positive doses, no residual degree of
        freedom (wells <= parameters), responses that look like percent (median > 5), a ``start``
        that is not finite or not of shape (4,) or (m, 4), an unknown model, an unknown solver, or a
        chain without the batched solver and ``refit_failed=False``.

    Examples
    --------
    >>> import jakpersist as jp
    >>> dose = [0, 1, 3, 10, 30, 100, 300, 1000]
    >>> fits = jp.fit_curves(dose, [[1.0, 0.98, 0.93, 0.8, 0.52, 0.25, 0.1, 0.06],
    ...                          [1.0, 1.01, 0.99, 0.97, 0.9, 0.7, 0.42, 0.2]])
    >>> [str(s) for s in fits.status], (10 ** fits.log10_gi50()).round(0).tolist()
    (['ok', 'ok'], [33.0, 219.0])
    """
    chain = _check_chain(solvers)
    batched = chain[0] == "bounded_lm"
    if not (batched or refit_failed):
        raise ValueError(
            f"refit_failed=False runs the batched solver only, but the chain {chain!r} does not "
            "start with 'bounded_lm'"
        )
    x, y, valid = prepare_curves(dose, responses)
    if model not in ("LL4", "LL3"):
        raise ValueError(f"model must be 'LL4' or 'LL3', got {model!r}")
    if y.shape[1] == 0:
        raise ValueError(
            "responses have no wells (0 columns); a dose-response fit needs at least 3 doses"
        )
    _check_values(x, y, valid, model)
    k = MODELS[model][0]
    m = y.shape[0]
    if batched:
        theta, converged, iters = _batched_stage(x, y, valid, model, start, max_iter, continue_iter)
    else:
        theta = _batch_start(x, y, valid, *search_bounds_batch(x, valid), model, start)
        converged, iters = np.zeros(m, bool), np.zeros(m, int)
    pos = valid & (x > 0)
    lx = np.where(pos, np.log10(np.where(pos, x, 1.0)), ZERO_DOSE_LOG10)
    w = valid.astype(float)
    f, J = ll4_batch(theta, lx, pos, jac=covariance, k=k)
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
    # a fit worse than the flat line at the mean is stuck in a corner of the box (the optimum never
    # is): it counts as not converged, so that the one-by-one chain (with its restarts) refits it
    # below
    converged &= ~(rss > rss0 * (1 + 1e-9))
    f_flat, p_flat = f_test_flat_arrays(rss0, rss, n, k=k)
    rest = (chain[1:] if batched else chain) if refit_failed else ()
    for i in np.nonzero(~converged)[0] if rest else ():
        ok = valid[i]
        start_i = (
            None if start is None else np.broadcast_to(np.asarray(start, float), (m, 4))[i].copy()
        )
        th_i, conv_i, rss_i, cov_i, f_i, p_i = _solve_one(x[i, ok], y[i, ok], model, start_i, rest)
        if conv_i or not batched:
            theta[i], rss[i], converged[i], f_flat[i], p_flat[i] = th_i, rss_i, conv_i, f_i, p_i
            if covariance:
                cov[i] = cov_i
    xv = np.where(pos, x, np.nan)
    return BatchFit(
        model,
        theta,
        cov,
        rss,
        n,
        k,
        converged,
        f_flat,
        p_flat,
        running_violation(x, y, valid),
        iters,
        np.where(valid, x, np.nan),
        np.where(valid, y, np.nan),
        np.nanmin(xv, axis=1),
        np.nanmax(xv, axis=1),
    )


def _batched_stage(
    x: np.ndarray,
    y: np.ndarray,
    valid: np.ndarray,
    model: str,
    start: ArrayLike | None,
    max_iter: int,
    continue_iter: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The batched solver of the chain on checked (m, n) arrays: (theta (m, 4), converged (m,),
    iterations)."""
    lo, hi = search_bounds_batch(x, valid)
    th0 = _batch_start(x, y, valid, lo, hi, model, start)
    pos = valid & (x > 0)
    lx = np.where(pos, np.log10(np.where(pos, x, 1.0)), ZERO_DOSE_LOG10)
    return _batched_lm(
        th0, lx, pos, y, valid.astype(float), lo, hi, MODELS[model][0], max_iter, continue_iter
    )


def _batch_start(
    x: np.ndarray,
    y: np.ndarray,
    valid: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    model: str,
    start: ArrayLike | None,
) -> np.ndarray:
    """Starting parameters (m, 4) of :func:`fit_curves`, clipped into the box; bottom 0 for LL3."""
    m = y.shape[0]
    if start is None:
        th0 = start_values_batch(x, y, valid)
    else:
        st = np.asarray(start, float)
        if st.shape not in ((4,), (m, 4)):
            raise ValueError(
                f"start must have shape (4,) or ({m}, 4) (bottom, top, log10 EC50, Hill), got "
                f"{st.shape}"
            )
        th0 = np.broadcast_to(st, (m, 4)).copy()
        if not np.all(np.isfinite(th0)):
            raise ValueError("start must be finite numbers (bottom, top, log10 EC50, Hill)")
    th0 = np.clip(th0, lo + 1e-9, hi - 1e-9)
    if model == "LL3":
        th0[:, 0] = 0.0
    return th0


def _batched_lm(
    th0: np.ndarray,
    lx: np.ndarray,
    pos: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    k: int,
    max_iter: int,
    continue_iter: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The batched stage of the chain: bounded LM on every curve, ``continue_iter`` more iterations
    for the curves still moving, and a second, near-flat start for curves in the shallow-flat corner
    (the better of the two fits is kept). Returns (theta (m, 4), converged (m,), iterations
    (m,))."""
    theta, converged, iters = bounded_lm(
        th0, lx, pos, y=y, w=w, lo=lo, hi=hi, k=k, max_iter=max_iter
    )
    slow = np.nonzero(~converged)[0]
    if (
        continue_iter and slow.size
    ):  # step-like curves creep along a ridge: continue them, still batched
        th2, c2, it2 = bounded_lm(
            theta[slow],
            lx[slow],
            pos[slow],
            y=y[slow],
            w=w[slow],
            lo=lo[slow],
            hi=hi[slow],
            k=k,
            max_iter=continue_iter,
        )
        theta[slow], converged[slow], iters[slow] = th2, c2, iters[slow] + it2
    corner = np.nonzero(converged & at_shallow_corner(theta, lo, hi))[0]
    if (
        corner.size
    ):  # the flat-through-Hill-0 corner can trap a curve that has a real transition: try again
        # from a near-flat start (as fit_curve's restarts do) and keep the better of the two fits
        valid = w > 0
        start2 = np.array(
            [restarts(th0[i], lo[i], hi[i], y=y[i][valid[i]], free=[0, 1, 2, 3])[1] for i in corner]
        )
        th2, c2, _ = bounded_lm(
            start2,
            lx[corner],
            pos[corner],
            y=y[corner],
            w=w[corner],
            lo=lo[corner],
            hi=hi[corner],
            k=k,
            max_iter=max_iter + CONTINUE_ITER,
        )
        f1, _ = ll4_batch(theta[corner], lx[corner], pos[corner], jac=False, k=k)
        f2, _ = ll4_batch(th2, lx[corner], pos[corner], jac=False, k=k)
        r1 = (((f1 - y[corner]) * w[corner]) ** 2).sum(1)
        r2 = (((f2 - y[corner]) * w[corner]) ** 2).sum(1)
        better = c2 & (r2 < r1)
        theta[corner[better]] = th2[better]
    return theta, converged, iters


# ------------------------------------------------------------------------------------------------
# the model by AIC
# ------------------------------------------------------------------------------------------------
def design_models(
    dose: ArrayLike,
    response: ArrayLike,
    name: str = "curve",
    *,
    models: tuple[str, ...] = tuple(MODELS),
) -> list[str]:
    """The models of ``models`` that the design of one curve can carry, checked before fitting.

    A model with k parameters needs at least k + 1 wells (one residual degree of freedom) at k or
    more distinct dose levels (vehicle included); a hormesis model also needs 6 or more positive
    doses and 3 residual degrees of freedom (assumption: fewer cannot tell a low-dose rise from
    noise). Raises ValueError naming the curve and what it lacks when not even LL3 fits.
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
            f"{name}: {n} wells at {n_levels} dose levels (vehicle included) leave no residual "
            "degree of freedom "
            "for any curve model; the smallest, LL3 (top, EC50, Hill; bottom 0), needs at least 4 "
            "wells at 3 or "
            f"more dose levels. Add replicate wells or doses."
        )
    return ok


def select_model(
    dose: ArrayLike,
    response: ArrayLike,
    *,
    name: str = "curve",
    models: tuple[str, ...] = tuple(MODELS),
) -> tuple[CurveFit, dict[str, float]]:
    """The curve model chosen by AIC among those the design carries, and every candidate's AIC.

    Every model the design carries (:func:`design_models`) is fitted (:func:`fit_curve`); the one
    kept has the lowest AIC among those that describe the curve as monotone (a hormesis model
    describes a low-dose rise); if none does, the lowest AIC overall. The hormesis models enter only
    when the mean response rises with dose beyond replicate noise (:func:`.rules.rise_test` p <
    :data:`.rules.HORMESIS_GATE`): AIC alone picks one of two extra models on about a quarter of
    monotone noisy curves.

    Parameters
    ----------
    dose : array_like, shape (n,)
        Doses in nM (0 for the vehicle).
    response : array_like, shape (n,)
        Responses as fractions of vehicle (1 = untreated).
    name : str
        The curve's name in error messages and in the fits.
    models : tuple of str
        The candidates (default every model of :data:`.curves.MODELS`: LL4, LL3, BC5, CRS5).

    Returns
    -------
    tuple of (CurveFit, dict)
        The chosen fit, and ``{model: AIC}`` of every model fitted.

    Raises
    ------
    ValueError
        Naming ``name``: unusable input (as :func:`fit_curve`), or a design that leaves no residual
        degree of freedom for any model.

    Examples
    --------
    >>> import jakpersist as jp
    >>> dose = [0, 0, 1, 1, 3, 3, 10, 10, 30, 30, 100, 100, 300, 300, 1000, 1000]
    >>> response = [1.0, 1.0, 0.99, 0.97, 0.93, 0.94, 0.8, 0.81, 0.52, 0.5, 0.25, 0.27,
    ...             0.1, 0.11, 0.05, 0.06]
    >>> best, aic = jp.select_model(dose, response)
    >>> best.model, sorted(aic)
    ('LL4', ['LL3', 'LL4'])
    """
    cands = design_models(dose, response, name, models=models)
    fits: dict[str, CurveFit] = {}
    for m in (c for c in cands if c not in HORMESIS_MODELS):
        fits[m] = fit_curve(dose, response, m, name=name)
    hormesis = [c for c in cands if c in HORMESIS_MODELS]
    if (
        fits and hormesis
    ):  # a hormesis model is a candidate only when the response rises beyond noise
        ll = min(fits.values(), key=lambda f: f.aic)
        if rise_test(ll.dose, ll.response, np.sqrt(ll.rss / ll.df), df=ll.df) >= HORMESIS_GATE:
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
