"""G1 (a check of this book, not a claim of the paper): a JAK2 V617F line ranks among the most
JAK2-inhibitor-sensitive of the ~1,000 lines of GDSC1 release 17 (public data; no model, no
randomness)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..loaders.publicdata import load_gdsc
from .base import ClaimDetails, ClaimResult, decided
from .common import settings
from .rules import SensitivityRankRule
from .params import defaults_of

RULE = SensitivityRankRule()
DEFAULTS: dict[str, Any] = defaults_of(("cell_line",))
#: drug label -> column of natural-log IC50 (uM) in the shipped GDSC1 subset
DRUG_COLUMNS = {
    "ruxolitinib": "ln_ic50_uM_ruxolitinib",
    "TG101348 (fedratinib)": "ln_ic50_uM_fedratinib",
}
EFFECT_PARAMS: tuple[str, ...] = ()  # public data: no model parameter can strengthen it


@dataclass(frozen=True)
class G1Details(ClaimDetails):
    """What the G1 chapter draws: ``gdsc``, the GDSC1 table used; ``ranks``, :func:`rank_table`."""

    gdsc: pd.DataFrame
    ranks: pd.DataFrame
    mode: str = "full"


def rank_table(gdsc: pd.DataFrame, cell_line: str) -> pd.DataFrame:
    """Per drug: lines screened, the line's IC50 (uM), the median IC50 (uM), its rank (1 = most
    sensitive) and percentile (share of lines at or below its ln IC50, %). Raises ValueError for a
    line not in the table, naming the closest names."""
    if cell_line not in set(gdsc.cell_line):
        close = difflib.get_close_matches(cell_line, gdsc.cell_line.dropna().unique(), n=5)
        raise ValueError(
            f"parameter 'cell_line' = {cell_line!r} is not in GDSC1 release 17; "
            f"close names: {', '.join(close) or 'none'}"
        )
    rows = []
    for drug, col in DRUG_COLUMNS.items():
        vals = gdsc[col].dropna()
        mine = gdsc.loc[gdsc.cell_line == cell_line, col].iloc[0]
        pct = float((vals <= mine).mean() * 100) if pd.notna(mine) else float("nan")
        rows.append(
            {
                "drug": drug,
                "lines screened": len(vals),
                f"{cell_line} IC50 (uM)": np.exp(mine),
                "median IC50 (uM)": np.exp(vals.median()),
                "rank": int((vals <= mine).sum()),
                "percentile": pct,
            }
        )
    return pd.DataFrame(rows)


def evaluate(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: pd.DataFrame | None = None,
    mode: str = "full",
) -> ClaimResult:
    """Evaluate G1 on the shipped GDSC1 subset (or ``data``, a table of the same columns).
    Percentiles in %, IC50 in uM. ``seed`` and ``mode`` change nothing (no randomness, no model)."""
    s = settings(DEFAULTS, params)
    gdsc = load_gdsc() if data is None else data
    ranks = rank_table(gdsc, s["cell_line"])
    m = {
        "g1_pct_ruxolitinib": ranks.loc[0, "percentile"],
        "g1_pct_fedratinib": ranks.loc[1, "percentile"],
        "g1_ic50_ruxolitinib": ranks.loc[0, f"{s['cell_line']} IC50 (uM)"],
        "g1_n_lines": int(ranks["lines screened"].max()),
        "g1_cell_line": s["cell_line"],
    }
    conds = RULE.conditions(dict(zip(ranks["drug"], ranks["percentile"], strict=False)))
    return decided(
        "G1",
        "public-data",
        RULE.describe(),
        conditions=conds,
        metrics=m,
        provenance={**{k: "data" for k in m}, "g1_cell_line": "parameter"},
        details=G1Details(gdsc=gdsc, ranks=ranks, mode=mode),
    )
