"""Differential expression and gene-set enrichment (gseapy prerank with seeded permutations)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def welch_table(
    expr: pd.DataFrame, groups: pd.Series, test: str, *, reference: str
) -> pd.DataFrame:
    """Per gene: log2 fold (test - reference means), Welch t statistic and p-value. ``groups``:
    column -> group."""
    a = expr.loc[:, groups[groups == test].index].to_numpy(float)
    b = expr.loc[:, groups[groups == reference].index].to_numpy(float)
    if a.shape[1] < 2 or b.shape[1] < 2:
        raise ValueError(
            f"need at least 2 samples per group ({test}: {a.shape[1]}, {reference}: {b.shape[1]})"
        )
    t, p = stats.ttest_ind(a, b, axis=1, equal_var=False)
    return pd.DataFrame({"log2fc": a.mean(1) - b.mean(1), "t": t, "p": p}, index=expr.index)


def prerank(
    ranking: pd.Series,
    gene_sets: dict[str, list[str]],
    seed: int,
    *,
    permutations: int = 1000,
    min_size: int = 5,
) -> pd.DataFrame:
    """gseapy prerank of a ranking (higher = up in the test group). Returns Term, NES, NOM p, FDR q,
    size."""
    import gseapy

    rnk = ranking.replace([np.inf, -np.inf], np.nan).dropna().sort_values(ascending=False)
    res = gseapy.prerank(
        rnk=rnk,
        gene_sets=gene_sets,
        permutation_num=permutations,
        seed=seed,
        outdir=None,
        min_size=min_size,
        max_size=1000,
        threads=1,
        verbose=False,
        no_plot=True,
    )
    out = res.res2d.rename(columns={"NOM p-val": "nom_p", "FDR q-val": "fdr_q", "Tag %": "tag"})
    out["NES"] = out["NES"].astype(float)
    out["nom_p"] = out["nom_p"].astype(float)
    out["fdr_q"] = out["fdr_q"].astype(float)
    return out[["Term", "ES", "NES", "nom_p", "fdr_q", "tag"]].reset_index(drop=True)
