"""Relative quantification of qPCR by the ddCt method (Livak & Schmittgen 2001).

Technical replicates are averaged first; each biological replicate gives one dCt = Ct(target) -
Ct(reference). ddCt = dCt(sample) - mean dCt(calibrator); fold = 2^-ddCt. Intervals are t-intervals
on ddCt (Welch), assuming 100% amplification efficiency.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .stats import welch_difference


def delta_ct(ct: pd.DataFrame, target: str = "JAK2") -> pd.DataFrame:
    """One dCt (cycles) per population and biological replicate; the other gene is the reference."""
    genes = sorted(set(ct["gene"]))
    if target not in genes or len(genes) != 2:
        raise ValueError(
            f"need exactly two genes, {target} and one reference gene (found: {', '.join(genes)})"
        )
    reference = next(g for g in genes if g != target)
    m = ct.groupby(["population", "replicate", "gene"])["ct"].mean().unstack("gene")
    out = (m[target] - m[reference]).rename("dct").reset_index()
    return out.dropna()


@dataclass(frozen=True)
class FoldChange:
    """2^-ddCt of ``population`` relative to the calibrator, with a 95% interval and Welch
    p-value."""

    population: str
    fold: float
    lo: float
    hi: float
    p: float
    n: int


def ddct(dct: pd.DataFrame, population: str, calibrator: str = "naive") -> FoldChange:
    """Fold change of ``population`` against ``calibrator`` by ddCt."""
    a = dct.loc[dct["population"] == population, "dct"].to_numpy(float)
    b = dct.loc[dct["population"] == calibrator, "dct"].to_numpy(float)
    if a.size < 2 or b.size < 2:
        raise ValueError(
            f"need at least 2 biological replicates per group ({population}: {a.size}, "
            f"{calibrator}: {b.size})"
        )
    d, lo, hi, p = welch_difference(a, b)
    return FoldChange(population, float(2**-d), float(2**-hi), float(2**-lo), p, a.size)
