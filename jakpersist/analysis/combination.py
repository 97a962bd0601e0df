"""Drug combinations against Bliss independence (Bliss 1939).

With fractions affected fa = 1 - viability, two drugs acting independently give
fa_AB = fa_A + fa_B - fa_A * fa_B. The excess over Bliss, observed fa_AB minus expected, is > 0 for
synergy and < 0 for antagonism. Single-agent effects are taken from the matrix's own zero-dose row
and column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def bliss_excess(matrix: pd.DataFrame) -> pd.DataFrame:
    """Mean viability per (dose_nM, hsp90_nM) with the Bliss-expected viability and the excess (fa
    units)."""
    m = matrix.groupby(["dose_nM", "hsp90_nM"])["viability"].mean().unstack("hsp90_nM")
    if 0.0 not in m.index or 0.0 not in m.columns:
        raise ValueError("the matrix needs a zero-dose row and column (single agents)")
    v0 = m.loc[0.0, 0.0]
    v = m / v0  # normalise to the untreated well
    fa = 1.0 - v.clip(0.0, 1.0)
    fa_a = fa[0.0].to_numpy()[:, None]
    fa_b = fa.loc[0.0].to_numpy()[None, :]
    expected = fa_a + fa_b - fa_a * fa_b
    excess = fa.to_numpy() - expected
    out = []
    for i, d in enumerate(m.index):
        for j, h in enumerate(m.columns):
            out.append(
                {
                    "dose_nM": d,
                    "hsp90_nM": h,
                    "viability": float(v.iloc[i, j]),
                    "expected_viability": float(1 - expected[i, j]),
                    "excess": float(excess[i, j]),
                }
            )
    return pd.DataFrame(out)


def mean_excess(table: pd.DataFrame) -> float:
    """Mean Bliss excess over the wells where both drugs are present (fa units)."""
    both = table[(table.dose_nM > 0) & (table.hsp90_nM > 0)]
    return float(np.mean(both["excess"])) if len(both) else float("nan")
