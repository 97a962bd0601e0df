"""C1 in the transcriptome: STAT5 target genes are enriched among genes up in persistent versus naive cells.

:func:`evaluate` is the claim: expression data (a GEO series or the reader's matrix, loaded by
:mod:`jakpersist.loaders.geo`) or, without data, a simulated stand-in from the book's model; sample groups from
two regular expressions; Welch t ranking (SciPy) and gseapy's pre-ranked GSEA; :class:`EnrichmentRule`.

**Stand-ins decide nothing.** The stand-in builds the STAT5 effect into the very gene set it then tests
(:func:`jakpersist.assays.expression_standin`), so "the rule passes on the stand-in" shows only what the analysis
does; its result has kind ``"demonstration"`` and verdict None. Its margin (the rule's signed margin) is still
computed: it is what the stand-in's counterfactual check (``adapt_rate=0``) looks at.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..analysis import enrichment
from ..assays import expression_standin
from ..loaders import geo
from ..loaders.publicdata import load_gene_sets
from ..model.dynamics import Phase, adaptation_after
from ..model.params import ModelParams
from ..model.signalling import state_from_adaptation
from .base import ClaimDetails, ClaimResult, decided
from .common import settings
from .params import defaults_of
from .rules import EnrichmentRule

RULE = EnrichmentRule()
STAT3_SET = "HALLMARK_IL6_JAK_STAT3_SIGNALING"
#: The chapter's defaults (notebooks/t1_transcriptome.md's parameters cell; a test keeps the two equal). The
#: file settings (``data_path``, ``use_geo_cache``, ``platform``, ``annotation_path``, ``sample_sheet_path``) are
#: read by the chapter, which passes the loaded series as ``data``.
DEFAULTS: dict[str, Any] = defaults_of((
    "seed", "n_permutations", "n_replicates", "selection_drug", "chronic_dose_nM", "chronic_days", "withdrawal_days",
    "adapt_rate", "use_geo_cache", "data_path", "platform", "reference_pattern", "test_pattern", "annotation_path",
    "sample_sheet_path"))


class GroupError(ValueError):
    """The group patterns leave fewer than two samples in a group (message lists every sample's group)."""


def standin_data(params: dict[str, Any], seed: int, gene_sets: dict[str, list[str]]) -> geo.ExpressionData:
    """The simulated stand-in as :class:`~jakpersist.loaders.geo.ExpressionData` (naive / persistent / withdrawn
    samples, ``n_replicates`` each, log2 scale), made by the model with ``seed``. Labelled simulated."""
    mp = ModelParams.from_mapping(params)
    drug = params.get("selection_drug", DEFAULTS["selection_drug"])
    dose = float(params.get("chronic_dose_nM", DEFAULTS["chronic_dose_nM"]))
    chronic = Phase(float(params.get("chronic_days", DEFAULTS["chronic_days"])), dose, drug)
    z_p = adaptation_after([chronic], mp)
    z_w = adaptation_after([chronic, Phase(float(params.get("withdrawal_days", DEFAULTS["withdrawal_days"])), 0.0)],
                           mp)
    states = {"naive": state_from_adaptation(0.0, mp), "persistent": state_from_adaptation(z_p, mp),
              "withdrawn": state_from_adaptation(z_w, mp)}
    rng = np.random.default_rng(seed)
    expr = expression_standin(states, drug, dose, gene_sets, mp, rng,
                              int(params.get("n_replicates", DEFAULTS["n_replicates"])))
    pop = [c.rsplit("_", 1)[0] for c in expr.columns]
    samples = pd.DataFrame({"sample": list(expr.columns), "title": [f"{p} rep{c.rsplit('_', 1)[1]}" for p, c in
                                                                   zip(pop, expr.columns, strict=False)],
                            "characteristics": [f"cell state: {p} (simulated)" for p in pop],
                            "source": "simulated stand-in (model)", "platform": "", "used": True, "note": ""})
    return geo.ExpressionData(expr, samples, None, "simulated stand-in", "stand-in", "", None, "", None,
                              ["simulated by the book's model on a log2 scale (no scale rule applied)"], {},
                              simulated=True)


@dataclass(frozen=True)
class T1Details(ClaimDetails):
    """What the chapter draws: the data, the sample groups, the per-gene table and the enrichment table."""

    data: geo.ExpressionData
    groups: pd.DataFrame  # samples with reference / test / group columns (geo.group_samples)
    de: pd.DataFrame  # genes x (log2fc, t, p): test minus reference, Welch
    enrichment: pd.DataFrame  # Term-indexed: NES, nom_p, fdr_q, tag
    gene_sets: dict[str, list[str]]
    mode: str = "full"


def evaluate(params: Mapping[str, Any] | None = None, *, seed: int | None = None,
             data: geo.ExpressionData | None = None, mode: str = "full") -> ClaimResult:
    """Evaluate C1-T on ``data`` (None: the simulated stand-in, a demonstration that decides nothing).

    ``params``: ``reference_pattern`` / ``test_pattern`` (regular expressions, see
    :func:`jakpersist.loaders.geo.group_samples`), ``n_permutations`` (gseapy permutations) and, for the
    stand-in, the model and run parameters (defaults :data:`DEFAULTS`). ``seed`` (default ``params['seed']``)
    seeds the stand-in and the permutations. ``mode`` changes nothing (there is no noise-free read-out).

    Returns a :class:`ClaimResult` whose kind is "public-data" (a file naming its GEO series),
    "reader-data" (a tidy matrix) or "demonstration" (stand-in: verdict None). Metrics (glue keys):
    ``t1_stat5_nes``, ``t1_stat5_fdr``, ``t1_stat3_nes``, ``t1_jak2_log2fc`` (log2 units, test - reference),
    ``t1_margin``, ``t1_n_reference``, ``t1_n_test``, ``t1_series``. ``details`` holds a :class:`T1Details`.

    Raises :class:`GroupError` when a group has fewer than 2 samples, and
    :class:`jakpersist.loaders.geo.GeoFileError` for an invalid pattern.
    """
    params = settings(DEFAULTS, params)
    seed = int(params["seed"] if seed is None else seed)
    gene_sets = load_gene_sets()
    if data is None:
        data = standin_data(params, seed, gene_sets)
    kind = "demonstration" if data.simulated else ("public-data" if data.accession else "reader-data")
    groups = geo.group_samples(data.samples, params["reference_pattern"], params["test_pattern"])
    g = groups.set_index("sample")["group"]
    n_ref, n_test = int((g == "reference").sum()), int((g == "test").sum())
    if n_ref < 2 or n_test < 2:
        listing = "; ".join(f"{s} '{t}': {grp}" for s, t, grp in zip(groups["sample"], groups["title"],
                                                                      groups["group"], strict=False))
        raise GroupError(f"{data.label}: the group patterns select {n_ref} reference and {n_test} test sample(s); "
                         f"each group needs at least 2. Samples: {listing}. Set reference_pattern and "
                         "test_pattern (case-insensitive regular expressions over title, characteristics and "
                         "source)")
    g = g[g.index.isin(data.expression.columns)]
    de = enrichment.welch_table(data.expression, g, "test", "reference")
    n_perm = int(params["n_permutations"])
    res = enrichment.prerank(de["t"], gene_sets, seed=seed, permutations=n_perm).set_index("Term")
    nes = float(res.loc[RULE.gene_set, "NES"]) if RULE.gene_set in res.index else float("nan")
    fdr = float(res.loc[RULE.gene_set, "fdr_q"]) if RULE.gene_set in res.index else float("nan")
    stat3 = float(res.loc[STAT3_SET, "NES"]) if STAT3_SET in res.index else float("nan")
    jak2 = float(de.loc["JAK2", "log2fc"]) if "JAK2" in de.index else float("nan")
    result = decided("C1-T", kind, RULE.describe(), RULE.conditions(nes, fdr),
                     metrics={"t1_stat5_nes": nes, "t1_stat5_fdr": fdr, "t1_stat3_nes": stat3,
                              "t1_jak2_log2fc": jak2, "t1_n_reference": n_ref, "t1_n_test": n_test,
                              "t1_series": data.label},
                     provenance={k: "model" if data.simulated else "data" for k in
                                 ("t1_stat5_nes", "t1_stat5_fdr", "t1_stat3_nes", "t1_jak2_log2fc")},
                     details=T1Details(data, groups, de, res, gene_sets, mode))
    result.metrics["t1_margin"] = float(result.margin)
    return result
