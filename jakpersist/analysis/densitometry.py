"""Blot and co-IP densitometry: normalisation and replicate statistics.

Intensities are background-subtracted band volumes (arbitrary units). Ratios are analysed on the log
scale (band ratios are multiplicative), and two groups are compared with Welch's t-test on log
ratios, one value per blot (the blot is the replicate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .stats import welch_difference


def band_ratio(bands: pd.DataFrame, numerator: str, denominator: str) -> pd.DataFrame:
    """Per blot and population: numerator band / denominator band (e.g. pSTAT5 / loading, JAK1 /
    JAK2)."""
    wide = bands.pivot_table(
        index=["blot", "population"], columns="target", values="intensity", aggfunc="mean"
    )
    for t in (numerator, denominator):
        if t not in wide.columns:
            raise ValueError(
                f"no bands for target {t!r} (found: {', '.join(map(str, wide.columns))})"
            )
    out = (wide[numerator] / wide[denominator]).rename("ratio").reset_index()
    return out


def relative_to(ratios: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Divide each blot's ratios by that blot's ``reference`` population (so the reference is 1 on
    every blot)."""
    ref = ratios[ratios["population"] == reference].set_index("blot")["ratio"]
    if ref.empty:
        raise ValueError(f"no lanes for reference population {reference!r}")
    out = ratios.copy()
    out["relative"] = out["ratio"] / out["blot"].map(ref)
    return out


@dataclass(frozen=True)
class Comparison:
    """Geometric-mean fold of ``test`` over ``reference`` with a 95% t-interval and Welch's
    t-test."""

    fold: float
    lo: float
    hi: float
    p: float
    n_test: int
    n_ref: int
    test_name: str = "Welch's t-test on log ratios"


def compare(ratios: pd.DataFrame, test: str, reference: str) -> Comparison:
    """Compare per-blot ratios of two populations on the log scale."""
    a = np.log(ratios.loc[ratios["population"] == test, "ratio"].to_numpy(float))
    b = np.log(ratios.loc[ratios["population"] == reference, "ratio"].to_numpy(float))
    if a.size < 2 or b.size < 2:
        raise ValueError(
            f"need at least 2 blots per group (have {a.size} {test}, {b.size} {reference})"
        )
    d, lo, hi, p = welch_difference(a, b)
    return Comparison(float(np.exp(d)), float(np.exp(lo)), float(np.exp(hi)), p, a.size, b.size)
