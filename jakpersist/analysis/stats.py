"""Welch's two-sample comparison of means: difference, 95% t-interval and p-value (SciPy)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def welch_difference(
    a: np.ndarray, b: np.ndarray, level: float = 0.95
) -> tuple[float, float, float, float]:
    """mean(a) - mean(b) with a Welch-Satterthwaite t-interval and Welch's t-test p. Needs 2+ values
    each.

    Returns (difference, lower, upper, p). With zero variance in both groups the interval collapses
    to the difference and p is 0 (a difference) or 1 (none).
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.size < 2 or b.size < 2:
        raise ValueError(f"need at least 2 values per group (have {a.size} and {b.size})")
    d = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = float(np.sqrt(va + vb))
    if se == 0:
        return d, d, d, (0.0 if d != 0 else 1.0)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    q = float(stats.t.ppf(0.5 + level / 2, df))
    p = float(stats.ttest_ind(a, b, equal_var=False).pvalue)
    return d, d - q * se, d + q * se, p
