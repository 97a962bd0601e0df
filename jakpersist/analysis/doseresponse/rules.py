"""The decision rules of a dose-response fit, vectorised: one implementation for single and batched
fits.

Statuses and censoring are :class:`Status` and :class:`Censoring` (string enums: tables and JSON
keep the plain strings). Every rule takes arrays over curves; the single-curve forms
(:func:`classify_curve`, :func:`rise_test`, :func:`monotone_violation`) call the vectorised ones on
one curve.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from .curves import HORMESIS_PARAM, PARAM_NAMES

ALPHA = 0.05
#: Family-wise level of the rise test that marks a curve non-monotone (Bonferroni over pairs of dose
#: levels). At 0.01, at most 1% of curves whose true mean response never rises are marked
#: non-monotone (assumption: normal, equal-variance well noise). A fixed 0.15 threshold on the rise
#: drops noisy real curves (``benchmarks/monotone_loss.py`` measures both).
MONOTONE_ALPHA = 0.01
#: A response median above this looks like percent of vehicle, not a fraction (assumption: fractions
#: of vehicle rarely exceed 2, and percent data rarely have a median below 5).
PERCENT_MEDIAN = 5.0
#: p-value of :func:`rise_test` below which the hormesis models become candidates in
#: :func:`select_model`.
HORMESIS_GATE = 0.05
#: A fitted low-dose rise at least this high (fraction of vehicle) reads the absolute GI50 off the
#: falling limb (:func:`limb_crossing`) instead of the hormesis model (assumption: smaller rises
#: bias the model
#: little).
HORMESIS_MIN_RISE = 0.10


class _PlainStrEnum(enum.StrEnum):
    """A string enum that prints, formats and reprs as its plain string, so tables, JSON, glued
    values and doctests show ``'ok'`` as they did before statuses were an enum."""

    def __repr__(self) -> str:
        return repr(self.value)


class Status(_PlainStrEnum):
    """Status of a fitted curve or of a GI50 estimate (see
    :mod:`jakpersist.analysis.doseresponse`)."""

    OK = "ok"
    ABOVE_RANGE = "above_range"
    BELOW_RANGE = "below_range"
    FLAT = "flat"
    NON_MONOTONE = "non_monotone"
    FAILED = "failed"
    SKIPPED = "skipped"  # an estimate not asked for (e.g. no profile interval)


class Censoring(_PlainStrEnum):
    """Which side of a censored GI50 is known: ``lower`` (above the top dose: the value is a lower
    bound) or ``upper`` (below the lowest dose: an upper bound)."""

    LOWER = "lower"
    UPPER = "upper"


#: The censoring of an estimate's status (absent: not censored).
CENSORING = {Status.ABOVE_RANGE: Censoring.LOWER, Status.BELOW_RANGE: Censoring.UPPER}


def classify_curves(converged: ArrayLike, p_flat: ArrayLike, p_rise: ArrayLike) -> np.ndarray:
    """The curve-level status of many curves (arrays of the same shape; strings of :class:`Status`).

    ``converged``: the optimiser's success flags; ``p_flat``: p-values of the F-test against a flat
    line (nan when the design leaves no residual degree of freedom: then the curve counts as a dose
    response only if its fit is exact, p_flat 0); ``p_rise``: p-values of :func:`rise_test` (1 when
    the response never rises). In order: not converged -> failed; p_rise < ``MONOTONE_ALPHA`` ->
    non_monotone; not p_flat < ``ALPHA`` -> flat; else ok.
    """
    conv, pf, pr = (np.asarray(a) for a in (converged, p_flat, p_rise))
    with np.errstate(invalid="ignore"):
        return np.where(
            ~conv.astype(bool),
            Status.FAILED.value,
            np.where(
                pr < MONOTONE_ALPHA,
                Status.NON_MONOTONE.value,
                np.where(~(pf < ALPHA), Status.FLAT.value, Status.OK.value),
            ),
        ).astype(str)


def classify_curve(converged: bool, p_flat: float, p_rise: float) -> Status:
    """The curve-level status of one curve: :func:`classify_curves` on one curve."""
    return Status(str(classify_curves(converged, p_flat, p_rise)))


def range_status(value: ArrayLike, lo_d: ArrayLike, hi_d: ArrayLike) -> np.ndarray:
    """Status of GI50 values (nM) against the tested doses ``lo_d``..``hi_d`` (arrays broadcasting
    together): ``above_range`` above the highest dose, ``below_range`` below the lowest, else
    ``ok``."""
    v = np.asarray(value, float)
    with np.errstate(invalid="ignore"):
        return np.where(
            v > hi_d,
            Status.ABOVE_RANGE.value,
            np.where(v < lo_d, Status.BELOW_RANGE.value, Status.OK.value),
        ).astype(str)


def crossing_status(
    value: ArrayLike,
    response_at_lowest: ArrayLike,
    lo_d: ArrayLike,
    *,
    hi_d: ArrayLike,
    level: float = 0.5,
) -> np.ndarray:
    """Status of absolute GI50s: where the curve crosses ``level`` (``value``, nM; NaN when it never
    does on its falling side). No crossing, or one above the highest dose: ``below_range`` when the
    fitted response at the lowest dose is already at or below ``level``, else ``above_range``;
    otherwise :func:`range_status`."""
    v = np.asarray(value, float)
    with np.errstate(invalid="ignore"):
        beyond = np.isnan(v) | (v > hi_d)
        return np.where(
            beyond,
            np.where(
                np.asarray(response_at_lowest) <= level,
                Status.BELOW_RANGE.value,
                Status.ABOVE_RANGE.value,
            ),
            range_status(v, lo_d, hi_d),
        ).astype(str)


def flat_status(means: ArrayLike, level: float = 0.5) -> np.ndarray:
    """Status of the absolute GI50 of flat curves from their dose means (``(m, L)``, NaN for absent
    levels): ``above_range`` when every mean is above ``level``, ``below_range`` when every one is
    below, else ``flat``."""
    mu = np.atleast_2d(np.asarray(means, float))
    present = ~np.isnan(mu)
    above = np.all(~present | (mu > level), axis=1)
    below = np.all(~present | (mu < level), axis=1)
    return np.where(
        above,
        Status.ABOVE_RANGE.value,
        np.where(below, Status.BELOW_RANGE.value, Status.FLAT.value),
    ).astype(str)


#: The log10 GI50 a censored status stands for on the extended real line (:func:`censored_log10`).
CENSORED_LOG10 = {Status.ABOVE_RANGE.value: np.inf, Status.BELOW_RANGE.value: -np.inf}


def f_test_flat_arrays(
    rss0: np.ndarray, rss: np.ndarray, n: np.ndarray, *, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """F-test of fitted curves against a flat line (the mean response): F and p per curve.

    ``rss0``: residual sum of squares about the mean; ``rss``: of the fit; ``n``: wells; ``k``:
    parameters. F and p are nan without a residual degree of freedom; an exact fit gives F inf, p 0
    (nan, 1 when the data are flat too); a fit no better than flat gives F 0, p 1."""
    rss0, rss, n = (np.atleast_1d(np.asarray(a, float)) for a in (rss0, rss, n))
    df = n - k
    df1 = k - 1
    F = np.full(rss.shape, np.nan)
    p = np.full(rss.shape, np.nan)
    ok_df = df > 0
    zero = ok_df & (rss <= 1e-30 * np.maximum(rss0, 1e-300))
    F[zero] = np.where(rss0[zero] > 0, np.inf, np.nan)
    p[zero] = np.where(rss0[zero] > 0, 0.0, 1.0)
    reg = ok_df & ~zero
    F[reg] = np.maximum(
        ((rss0[reg] - rss[reg]) / df1) / (rss[reg] / df[reg]), 0.0
    )  # no worse than flat: p 1
    p[reg] = special.fdtrc(df1, df[reg], F[reg])  # = stats.f.sf, without overhead
    return F, p


def level_means(x: np.ndarray, y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Mean response per dose level of each curve, levels in increasing dose: shape ``(m, L)`` with
    ``L`` the most levels of any curve, NaN beyond a curve's last level. Wells with ``valid`` False
    are left out."""
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


def running_violation(x: np.ndarray, y: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Vectorised :func:`doseresponse.monotone_violation`: largest rise of the per-dose mean
    response from any dose to any higher dose, per curve."""
    if x.shape[0] == 0:
        return np.zeros(0)
    means = level_means(x, y, valid)
    run_min = np.fmin.accumulate(means, axis=1)
    with np.errstate(invalid="ignore"):
        return np.nanmax(means - run_min, axis=1)


def monotone_violation(dose: ArrayLike, response: ArrayLike) -> float:
    """Largest rise of the mean response from any dose to any higher dose (fraction of vehicle).

    Descriptive only: a fixed cut on it would call ordinary replicate noise non-monotone; the status
    comes from :func:`rise_test`."""
    x, y = np.asarray(dose, float), np.asarray(response, float)
    return float(running_violation(x[None, :], y[None, :], np.ones((1, x.size), bool))[0])


@lru_cache(maxsize=64)
def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of ``n`` dose levels (``numpy.triu_indices(n, 1)``, cached: rise tests
    run per fit)."""
    i0, i1 = np.triu_indices(n, 1)
    i0.flags.writeable = i1.flags.writeable = False
    return i0, i1


def rise_test(
    dose: ArrayLike,
    response: ArrayLike,
    sigma: float | None = None,
    *,
    df: int = 0,
    from_dose: float = 0.0,
) -> float:
    """p-value that the mean response rises somewhere with dose beyond replicate noise.

    For every pair of dose levels d_i < d_j (both >= ``from_dose``), t = (mean_j - mean_i) / (s
    sqrt(1/n_i + 1/n_j)); the largest t is referred to Student's t and Bonferroni-corrected for the
    number of pairs, so that, with normal noise, a curve whose true mean never rises is called
    rising with probability <= the level used. ``s`` is the pooled within-dose (pure-error) s.d.
    when the replicates give at least 3 degrees of freedom, otherwise ``sigma`` with ``df`` (the
    fitted model's residual s.d.); without either the test says 1. ``dose``, ``response``: shape
    (n,). Method: studentised pairwise comparisons with Bonferroni (assumption: equal-variance
    normal noise). :func:`rise_test_batch` on one curve.
    """
    usable = sigma is not None and bool(np.isfinite(sigma))
    return float(
        rise_test_batch(
            dose,
            np.asarray(response, float)[None, :],
            np.array([sigma], float) if usable else None,
            df=df,
            from_dose=from_dose,
        )[0]
    )


def rise_test_batch(
    dose: ArrayLike,
    responses: ArrayLike,
    sigma: ArrayLike | None = None,
    *,
    df: int = 0,
    from_dose: float = 0.0,
) -> np.ndarray:
    """:func:`rise_test` for many curves sharing one dose vector, vectorised: shape (m,).

    ``dose``: (n,); ``responses``: (m, n) without missing wells; ``sigma``: (m,) residual s.d. of
    each fit (used with ``df`` when the replicates give fewer than 3 pure-error degrees of freedom);
    ``from_dose``: only dose levels at or above it are compared (nM)."""
    x, Y = np.asarray(dose, float), np.atleast_2d(np.asarray(responses, float))
    m = Y.shape[0]
    levels, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
    L = levels.size
    sums = np.bincount(
        (np.arange(m)[:, None] * L + inv[None, :]).ravel(), weights=Y.ravel(), minlength=m * L
    )
    means = sums.reshape(m, L) / counts
    df_pe = int(x.size - L)
    if df_pe >= 3:
        s, d = np.sqrt(np.sum((Y - means[:, inv]) ** 2, axis=1) / df_pe), df_pe
    elif sigma is not None and df >= 1:
        s, d = np.asarray(sigma, float), int(df)
    else:
        return np.ones(m)
    keep = levels >= from_dose
    means, c = means[:, keep], counts[keep]
    if c.size < 2:
        return np.ones(m)
    i0, i1 = _pairs(c.size)
    rise = means[:, i1] - means[:, i0]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = rise / (s[:, None] * np.sqrt(1.0 / c[i0] + 1.0 / c[i1]))
    p = np.minimum(
        1.0, special.stdtr(d, -t.max(axis=1)) * rise.shape[1]
    )  # = stats.t.sf, without overhead
    tiny = s <= 1e-12
    p[tiny] = np.where(rise[tiny].max(axis=1) > 1e-9, 0.0, 1.0)
    return p


def params_at_bound(
    theta: np.ndarray, lo: np.ndarray, hi: np.ndarray, *, free: list[int]
) -> tuple[str, ...]:
    """Names of the free parameters (indices ``free`` into ``theta``, shape (4,) or (5,)) that sit
    on a bound of the search box ``lo``/``hi`` (within 1e-6 of its width); the hormesis term is
    never reported."""
    th, lo, hi = (np.asarray(a, float)[free] for a in (theta, lo[: len(theta)], hi[: len(theta)]))
    span = hi - lo
    near = (np.abs(th - lo) < 1e-6 * span) | (np.abs(hi - th) < 1e-6 * span)
    names = PARAM_NAMES + (HORMESIS_PARAM,)
    return tuple(
        names[i] for i, b in zip(free, near, strict=False) if b and names[i] != HORMESIS_PARAM
    )


def at_shallow_corner(theta: ArrayLike, lo: ArrayLike, hi: ArrayLike) -> np.ndarray:
    """Whether fits (``(..., 4)`` bottom, top, log10 EC50, Hill) sit in the corner where the EC50 is
    at its upper bound and the Hill slope at its lower one: with Hill near 0 the curve is nearly
    flat at (top + bottom) / 2, a local optimum that can trap a curve with a real transition above
    the tested doses. Both fit paths then try a second start (:func:`_restarts`) and keep the better
    fit."""
    th, lo, hi = (np.asarray(a, dtype=float) for a in (theta, lo, hi))
    return (th[..., 3] <= lo[..., 3] * (1 + 1e-6)) & (
        th[..., 2] >= hi[..., 2] - 1e-6 * (hi[..., 2] - lo[..., 2])
    )


#: A rise after the curve's minimum counts as an end-of-range artefact only at this many top dose
#: levels or fewer (assumption: a longer rise is a shape of the curve, not an artefact of the last
#: wells).
END_RISE_MAX_LEVELS = 2
#: ... and only when each of those levels' means exceeds the minimum mean by this many standard
#: errors of the difference (pooled replicate SD; assumption: 3 SE, a one-sided false-alarm rate
#: near 0.1% per
#: level) ...
END_RISE_SE = 3.0
#: ... and by at least this share of the vehicle response (assumption: 10%, above the 2-5% well
#: noise of luminescent viability assays).
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
        return (
            f"end-of-range rise: top dose(s) {doses} nM excluded from the fit (response climbs "
            "back by "
            f"{self.rise:.2f} after its minimum {self.minimum:.2f}; precipitation or an edge "
            "effect)"
        )


def end_of_range_rise(dose: ArrayLike, response: ArrayLike) -> EndRise:
    """Detect a response that climbs back at the top doses (precipitating compound, edge wells)
    after falling.

    Rule (stated on the Your data page): with level means m_1..m_L over the positive doses and the
    minimum at level k < L, the levels after k are an end-of-range artefact when (i) there are at
    most ``END_RISE_MAX_LEVELS`` of them, (ii) each mean exceeds m_k by more than ``END_RISE_SE``
    standard errors of the difference (pooled within-level SD of the replicate wells) and by more
    than ``END_RISE_MIN``, (iii) the falling part crosses half the vehicle response (m_k < 0.5, so
    the absolute GI50 is determined by it) and (iv) at least 4 positive dose levels remain. Without
    replicate wells (no within-level SD) nothing is detected. Drc and Prism users exclude such
    points by hand; here they are excluded by this rule and flagged.

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
    sd = float(np.sqrt(np.sum(resid**2) / df))
    k = int(np.argmin(means))
    after = np.arange(k + 1, levels.size)
    if not (1 <= after.size <= END_RISE_MAX_LEVELS) or k + 1 < 4 or means[k] >= 0.5:
        return none
    se = sd * np.sqrt(1.0 / counts[after] + 1.0 / counts[k])
    rise = means[after] - means[k]
    if np.all(rise > np.maximum(END_RISE_SE * se, END_RISE_MIN)):
        return EndRise(tuple(float(d) for d in levels[after]), float(means[k]), float(rise.max()))
    return none
