"""Residual bootstrap of a fitted curve's GI50: samples on the extended real line and a percentile
interval."""

from __future__ import annotations

import numpy as np

from .fitting import fit_curve, fit_curves
from .intervals import percentile_interval
from .results import CurveFit, Estimate, censored_log10
from .solvers import CONTINUE_ITER


def bootstrap_log10_gi50(
    fit: CurveFit, n_boot: int, rng: np.random.Generator, *, kind: str = "absolute"
) -> np.ndarray:
    """Bootstrap distribution of log10 GI50 (nM) by resampling residuals.

    Each resample is the fitted curve plus residuals drawn with replacement from all wells, inflated
    by sqrt(n / (n - k)) for the parameters fitted (a residual bootstrap: with 2-4 wells per dose,
    resampling wells within a dose underestimates the spread). Each refit is classified by
    :func:`censored_log10`: resamples whose curve never reaches 50% within the tested range give
    +inf; below range, -inf; a flat refit gives +inf when every dose's mean is above 50%, -inf when
    every one is below, else nan; failed or non-monotone resamples give nan. Returns shape (n_boot,)
    (empty for ``n_boot`` 0). LL4/LL3 resamples are fitted and classified together
    (:func:`.fitting.fit_curves`, :meth:`.results.BatchFit.log10_gi50`); hormesis models one by one.
    """
    x = fit.dose
    fitted = fit.predict(x)
    resid = (fit.response - fitted) * np.sqrt(fit.n / max(fit.df, 1))
    resid = resid - resid.mean()
    # one draw of all indices: the same numbers as one ``rng.choice(resid, size=n, replace=True)``
    # per resample in turn (Generator.choice draws ``integers(0, n, size)``), leaving the generator
    # in the same
    # state
    Y = fitted + resid[rng.integers(0, resid.size, size=(n_boot, resid.size), dtype=np.int64)]
    if fit.model in ("LL4", "LL3"):  # all resamples fitted and classified at once
        return fit_curves(
            x, Y, fit.model, start=fit.theta[:4], covariance=False, continue_iter=CONTINUE_ITER
        ).log10_gi50(kind)
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


def bootstrap_estimate(
    fit: CurveFit, n_boot: int, rng: np.random.Generator, *, kind: str = "absolute"
) -> tuple[Estimate, np.ndarray]:
    """GI50 with a bootstrap percentile 95% interval. Returns (estimate, log10 samples of shape
    (n_boot,)). Raises ValueError for a negative ``n_boot``."""
    if n_boot < 0:
        raise ValueError(f"n_boot must be >= 0 resamples, got {n_boot}")
    point = fit.gi50_absolute() if kind == "absolute" else fit.gi50_relative()
    samples = bootstrap_log10_gi50(fit, n_boot, rng, kind=kind)
    if not point.ok:
        return Estimate(None, status=point.status, bound=point.bound, method="bootstrap"), samples
    lo, hi = percentile_interval(samples)
    return Estimate(point.value, float(10**lo), float(10**hi), method="bootstrap"), samples
