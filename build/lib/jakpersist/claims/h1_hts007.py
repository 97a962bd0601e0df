"""H1 (the book's own check on public data): in the hts007 screen, does the growth-rate confound change which
cell lines look most sensitive?

Data: real cell counts (hts007, thunor 1.0.3 test data; :mod:`jakpersist.loaders.hts`). For one drug and each
of the 8 lines: the relative-viability GI50 at ``viability_hours`` (fraction of vehicle, nM), GR50 (Hafner et
al. 2016, nM), DIP EC50 (Harris et al. 2016, nM) and the line's division rate (control wells, doublings per
day). Rule (stated on the chapter page; thresholds are the book's choice, an assumption):

1. the lines' ranking by GI50 disagrees with their ranking by GR50: Spearman rho(GI50, GR50) <= 0.8; and
2. the disagreement follows division rate, as the confound predicts (faster-dividing lines look more sensitive
   by GI50 than by GR50): Spearman rho(division rate, log10(GI50 / GR50)) <= -0.5;

computed on lines where both GI50 and GR50 are finite numbers, at least 5 of them (otherwise not supported).
A stronger confound lowers both correlations, so it never flips a supported verdict.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..analysis import growth as gw
from ..loaders.hts import load_hts007
from .base import ClaimResult, decided
from .rules import GrowthConfoundRule

RULE_OBJ = GrowthConfoundRule()
RANK_RHO_MAX = RULE_OBJ.max_rank_rho
CONFOUND_RHO_MAX = RULE_OBJ.max_confound_rho
MIN_LINES = RULE_OBJ.min_lines
RULE = f"Supported if {RULE_OBJ.describe()}."


def line_table(counts: pd.DataFrame, drug: str, viability_hours: float, dip_delay_h: float
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-line metrics of ``drug`` (see :func:`jakpersist.analysis.growth.curve_metrics`), plus the well
    summary and response tables. Adds ``doublings_per_day`` (control wells) and ``log10_gi50_over_gr50``."""
    ws = gw.well_summary(counts, viability_hours, dip_delay_h)
    resp = gw.response_table(ws)
    if drug not in set(resp["drug"]):
        raise ValueError(f"drug {drug!r} is not in hts007; valid: {', '.join(sorted(resp['drug'].unique()))}")
    rows = [gw.curve_metrics(resp, ws, cl, drug) for cl in sorted(resp["cell_line"].unique())]
    t = pd.DataFrame(rows)
    t["doublings_per_day"] = t["ctrl_rate_h"] * 24.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t["log10_gi50_over_gr50"] = np.log10(t["gi50_nM"] / t["gr50_nM"])
    return t, ws, resp


def evaluate(drug: str = "luminespib", viability_hours: float = 72.0, dip_delay_h: float = 24.0,
             counts: pd.DataFrame | None = None) -> ClaimResult:
    """Decide H1 for ``drug`` on hts007 (fetched into data/cache/ if needed). Returns a public-data ClaimResult
    whose ``details`` hold the per-line table (``lines``), well summary (``wells``) and responses."""
    if counts is None:
        counts, _ = load_hts007()
    t, ws, resp = line_table(counts, drug, viability_hours, dip_delay_h)
    both = t[t["gi50_nM"].notna() & np.isfinite(t["gr50_nM"]) & (t["gr50_nM"] > 0)]
    n = len(both)
    if n >= MIN_LINES:
        rho_rank = float(stats.spearmanr(both["gi50_nM"], both["gr50_nM"])[0])
        rho_conf = float(stats.spearmanr(both["doublings_per_day"], both["log10_gi50_over_gr50"])[0])
    else:
        rho_rank = rho_conf = float("nan")
    conds = RULE_OBJ.conditions(n, rho_rank, rho_conf)
    metrics = {"h1_n_lines": n, "h1_rank_rho": rho_rank, "h1_confound_rho": rho_conf, "h1_drug": drug,
               "h1_viability_hours": float(viability_hours)}
    prov = {k: "data" for k in metrics} | {"h1_drug": "parameter", "h1_viability_hours": "parameter"}
    return decided("H1", "public-data", RULE, conds, metrics=metrics, provenance=prov,
                   details={"lines": t, "wells": ws, "responses": resp})
