"""H1 (the book's own check on public data): in the hts007 screen, does the growth-rate confound
change which cell lines look most sensitive?

Data: real cell counts (hts007, thunor 1.0.3 test data; :mod:`jakpersist.loaders.hts`). For one drug
and each of the 8 lines: the relative-viability GI50 at ``viability_hours`` (fraction of vehicle,
nM), GR50 (Hafner et al. 2016, nM), DIP EC50 (Harris et al. 2016, nM) and the line's division rate
(control wells, doublings per day). Rule (stated on the chapter page; thresholds are the book's
choice, an assumption):

1. the lines' ranking by GI50 disagrees with their ranking by GR50: Spearman rho(GI50, GR50) <= 0.8;
   and
2. the disagreement follows division rate, as the confound predicts (faster-dividing lines look more
   sensitive by GI50 than by GR50): Spearman rho(division rate, log10(GI50 / GR50)) <= -0.5, with a
   one-sided exact permutation p < 0.05 (with 7 lines a point estimate alone decides little);

computed on lines where both GI50 and GR50 are finite numbers, at least 5 of them (otherwise not
supported). A stronger confound lowers both correlations, so it never flips a supported verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ..analysis import growth as gw
from ..loaders.hts import load_hts007
from .base import ClaimDetails, ClaimResult, decided
from .common import settings
from .rules import GrowthConfoundRule
from .params import defaults_of

RULE_OBJ = GrowthConfoundRule()
RANK_RHO_MAX = RULE_OBJ.max_rank_rho
CONFOUND_RHO_MAX = RULE_OBJ.max_confound_rho
MIN_LINES = RULE_OBJ.min_lines
RULE = f"The rule holds if {RULE_OBJ.describe()}."
#: The columns of the cell counts H1 reads (:func:`jakpersist.loaders.hts.load_hts007`).
COUNT_COLUMNS = ("well_id", "plate", "cell_line", "drug", "dose_M", "control", "time_h", "count")
#: The chapter's defaults (notebooks/h1_hts007.md's parameters cell; a test keeps the two equal).
DEFAULTS: dict[str, Any] = defaults_of(("hts_drug", "viability_hours", "dip_delay_h"))


@dataclass(frozen=True)
class H1Details(ClaimDetails):
    """What the H1 chapter draws: ``lines`` (per-line metrics, :func:`line_table`), ``wells`` (well
    summary) and ``responses`` (response table)."""

    lines: pd.DataFrame
    wells: pd.DataFrame
    responses: pd.DataFrame
    mode: str = "full"


def line_table(
    counts: pd.DataFrame, drug: str, viability_hours: float, *, dip_delay_h: float
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-line metrics of ``drug`` (see :func:`jakpersist.analysis.growth.curve_metrics`), plus the
    well summary and response tables. Adds ``doublings_per_day`` (control wells) and
    ``log10_gi50_over_gr50``."""
    ws = gw.well_summary(counts, viability_hours, dip_delay_h)
    resp = gw.response_table(ws)
    if drug not in set(resp["drug"]):
        raise ValueError(
            f"drug {drug!r} is not in hts007; valid: {', '.join(sorted(resp['drug'].unique()))}"
        )
    rows = [gw.curve_metrics(resp, ws, cl, drug=drug) for cl in sorted(resp["cell_line"].unique())]
    t = pd.DataFrame(rows)
    t["doublings_per_day"] = t["ctrl_rate_h"] * 24.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t["log10_gi50_over_gr50"] = np.log10(t["gi50_nM"] / t["gr50_nM"])
    return t, ws, resp


def confound_test(rate: np.ndarray, log_ratio: np.ndarray) -> tuple[float, float]:
    """Spearman rho between division rate and log10(GI50 / GR50), and its exact one-sided
    permutation p value.

    The p value is the share of all n! orderings of ``rate`` against ``log_ratio`` whose rho is at
    most the observed one (the confound predicts a negative rho); exact for the 5-8 lines of hts007
    (:func:`scipy.stats.permutation_test` with ``permutation_type="pairings"`` enumerates them all
    when ``n_resamples`` exceeds n!). Returns (nan, nan) when rho is undefined (a constant column).
    """
    rate, log_ratio = np.asarray(rate, float), np.asarray(log_ratio, float)
    if np.ptp(rate) == 0 or np.ptp(log_ratio) == 0:
        return float("nan"), float("nan")
    rho = float(stats.spearmanr(rate, log_ratio)[0])
    if not np.isfinite(rho):
        return float("nan"), float("nan")
    res = stats.permutation_test(
        (rate,),
        lambda x: stats.spearmanr(x, log_ratio)[0],
        permutation_type="pairings",
        alternative="less",
        n_resamples=np.inf,
    )
    return rho, float(res.pvalue)


def evaluate(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: pd.DataFrame | None = None,
    mode: str = "full",
) -> ClaimResult:
    """Decide H1 on hts007 (fetched into the download cache if needed).

    ``params``: ``hts_drug``, ``viability_hours`` (h), ``dip_delay_h`` (h) (defaults
    :data:`DEFAULTS`). ``data``: the hts007 cell counts
    (:func:`jakpersist.loaders.hts.load_hts007`'s first table), to skip reading them again. ``seed``
    and ``mode`` change nothing (real data, exact permutation test). Returns a public-data
    ClaimResult whose ``details`` is an :class:`H1Details`. Raises ValueError for an unknown
    parameter or a drug not in the screen.
    """
    s = settings(DEFAULTS, params)
    drug, viability_hours, dip_delay_h = s["hts_drug"], s["viability_hours"], s["dip_delay_h"]
    counts = load_hts007()[0] if data is None else data
    t, ws, resp = line_table(counts, drug, viability_hours, dip_delay_h=dip_delay_h)
    both = t[t["gi50_nM"].notna() & np.isfinite(t["gr50_nM"]) & (t["gr50_nM"] > 0)]
    n = len(both)
    if n >= MIN_LINES:
        rho_rank = float(stats.spearmanr(both["gi50_nM"], both["gr50_nM"])[0])
        rho_conf, p_conf = confound_test(
            both["doublings_per_day"].to_numpy(), both["log10_gi50_over_gr50"].to_numpy()
        )
    else:
        rho_rank = rho_conf = p_conf = float("nan")
    conds = RULE_OBJ.conditions(n, rho_rank, rho_conf, confound_p=p_conf)
    metrics = {
        "h1_n_lines": n,
        "h1_rank_rho": rho_rank,
        "h1_confound_rho": rho_conf,
        "h1_confound_p": p_conf,
        "h1_drug": drug,
        "h1_viability_hours": float(viability_hours),
    }
    prov = {k: "data" for k in metrics} | {
        "h1_drug": "parameter",
        "h1_viability_hours": "parameter",
    }
    return decided(
        "H1",
        "public-data",
        RULE,
        conditions=conds,
        metrics=metrics,
        provenance=prov,
        details=H1Details(lines=t, wells=ws, responses=resp, mode=mode),
    )
