"""C1 in the transcriptome: STAT5 target genes are enriched among genes up in persistent versus
naive cells.

:func:`evaluate` is the claim: expression data (a GEO series or the reader's matrix, loaded by
:mod:`jakpersist.loaders.geo`) or, without data, a simulated stand-in from the book's model; sample
groups from two regular expressions; Welch t ranking (SciPy) and gseapy's pre-ranked GSEA;
:class:`EnrichmentRule`.

**The expectation depends on the comparator** (:func:`jakpersist.loaders.geo.detect_comparator`, or
the ``comparator`` parameter when the sample descriptions do not say): against naive cells under the
same drug, re-activation predicts STAT5 targets *higher* in persistent cells (GSEA decides); against
untreated naive cells it predicts *similar* expression (an equivalence question: two one-sided Welch
t-tests on the set's per-sample mean log2 expression, statsmodels' ``ttost_ind``, within an assumed
margin). A series with a withdrawn (drug-off) arm also gets a C4-style check: JAK2 lower in
withdrawn than in persistent cells (:class:`WithdrawnExpressionRule`).

**Stand-ins decide nothing.** The stand-in builds the STAT5 effect into the very gene set it then
tests (:func:`jakpersist.assays.expression_standin`), so "the rule passes on the stand-in" shows
only what the analysis does; its result has kind ``"demonstration"`` and verdict None. Its margin
(the rule's signed margin) is still computed: it is what the stand-in's counterfactual check
(``adapt_rate=0``) looks at.
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
from .base import ClaimDetails, ClaimResult, Condition, decided
from .common import settings
from .params import defaults_of
from .rules import EnrichmentRule, WithdrawnExpressionRule

RULE = EnrichmentRule()
WITHDRAWN_RULE = WithdrawnExpressionRule()
STAT3_SET = "HALLMARK_IL6_JAK_STAT3_SIGNALING"
#: The chapter's defaults (notebooks/t1_transcriptome.md's parameters cell; a test keeps the two
#: equal). The file settings (``data_path``, ``use_geo_cache``, ``platform``, ``annotation_path``,
#: ``sample_sheet_path``) are read by the chapter, which passes the loaded series as ``data``.
DEFAULTS: dict[str, Any] = defaults_of(
    (
        "seed",
        "n_permutations",
        "n_replicates",
        "selection_drug",
        "chronic_dose_nM",
        "chronic_days",
        "withdrawal_days",
        "adapt_rate",
        "use_geo_cache",
        "data_path",
        "platform",
        "reference_pattern",
        "test_pattern",
        "withdrawn_pattern",
        "comparator",
        "annotation_path",
        "sample_sheet_path",
    )
)


class GroupError(ValueError):
    """The group patterns leave fewer than two samples in a group (message lists every sample's
    group)."""


def standin_data(
    params: dict[str, Any], seed: int, gene_sets: dict[str, list[str]]
) -> geo.ExpressionData:
    """The simulated stand-in as :class:`~jakpersist.loaders.geo.ExpressionData` (naive / persistent
    / withdrawn samples, ``n_replicates`` each, log2 scale), made by the model with ``seed``.
    Labelled simulated."""
    mp = ModelParams.from_mapping(params)
    drug = params.get("selection_drug", DEFAULTS["selection_drug"])
    dose = float(params.get("chronic_dose_nM", DEFAULTS["chronic_dose_nM"]))
    chronic = Phase(float(params.get("chronic_days", DEFAULTS["chronic_days"])), dose, drug)
    z_p = adaptation_after([chronic], mp)
    z_w = adaptation_after(
        [chronic, Phase(float(params.get("withdrawal_days", DEFAULTS["withdrawal_days"])), 0.0)], mp
    )
    states = {
        "naive": state_from_adaptation(0.0, mp),
        "persistent": state_from_adaptation(z_p, mp),
        "withdrawn": state_from_adaptation(z_w, mp),
    }
    rng = np.random.default_rng(seed)
    expr = expression_standin(
        states,
        drug,
        dose,
        gene_sets=gene_sets,
        mp=mp,
        rng=rng,
        n_replicates=int(params.get("n_replicates", DEFAULTS["n_replicates"])),
    )
    pop = [c.rsplit("_", 1)[0] for c in expr.columns]
    samples = pd.DataFrame(
        {
            "sample": list(expr.columns),
            "title": [
                f"{p} rep{c.rsplit('_', 1)[1]}" for p, c in zip(pop, expr.columns, strict=False)
            ],
            "characteristics": [
                f"cell state: {p} (simulated); sampled in {drug} {dose:g} nM"
                + ("; drug withdrawn before re-exposure" if p == "withdrawn" else "")
                for p in pop
            ],
            "source": "simulated stand-in (model)",
            "platform": "",
            "used": True,
            "note": "",
        }
    )
    return geo.ExpressionData(
        expr,
        samples,
        None,
        "simulated stand-in",
        "stand-in",
        "",
        None,
        "",
        None,
        ["simulated by the book's model on a log2 scale (no scale rule applied)"],
        {},
        simulated=True,
    )


@dataclass(frozen=True)
class T1Details(ClaimDetails):
    """What the chapter draws: the data, the sample groups, the per-gene table and the enrichment
    table."""

    data: geo.ExpressionData
    groups: pd.DataFrame  # samples with reference / test / group columns (geo.group_samples)
    de: pd.DataFrame  # genes x (log2fc, t, p): test minus reference, Welch
    enrichment: pd.DataFrame  # Term-indexed: NES, nom_p, fdr_q, tag
    gene_sets: dict[str, list[str]]
    mode: str = "full"
    comparator: str | None = None  # "same-drug", "untreated" or None (not stated)
    comparator_reason: str = ""  # why (detected from the descriptions, or set as a parameter)
    scores: pd.DataFrame | None = (
        None  # per sample: group, STAT5-set score (mean log2 of the set's genes)
    )
    equivalence: dict[str, float] | None = None  # diff, ci_lo, ci_hi (90%), tost_p, margin, df
    withdrawn: ClaimResult | None = (
        None  # the C4-style check on the withdrawn arm (None: no such arm)
    )


def set_scores(expr: pd.DataFrame, genes: list[str], samples: list[str]) -> pd.Series:
    """Per-sample score of a gene set: the mean over the set's genes present in ``expr`` of log2
    expression centred on each gene's mean over ``samples`` (log2 units). NaN for every sample when
    fewer than 5 of the set's genes are present."""
    present = [g for g in genes if g in expr.index]
    if len(present) < 5:
        return pd.Series(np.nan, index=samples)
    x = expr.loc[present, samples]
    return (x.sub(x.mean(axis=1), axis=0)).mean(axis=0)


def equivalence_test(test: np.ndarray, reference: np.ndarray, margin: float) -> dict[str, float]:
    """Two one-sided Welch t-tests (statsmodels ``ttost_ind``, ``usevar="unequal"``) of ``test -
    reference`` within +/- ``margin``, and the 90% Welch interval of the difference (inside the
    margin exactly when the TOST p value is below 0.05). Returns diff, ci_lo, ci_hi, tost_p, margin
    (log2 units); NaN when not computable."""
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttost_ind

    a, b = np.asarray(test, float), np.asarray(reference, float)
    if len(a) < 2 or len(b) < 2 or not (np.isfinite(a).all() and np.isfinite(b).all()):
        return {
            "diff": float("nan"),
            "ci_lo": float("nan"),
            "ci_hi": float("nan"),
            "tost_p": float("nan"),
            "margin": margin,
        }
    p = float(ttost_ind(a, b, -margin, margin, usevar="unequal")[0])
    lo, hi = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(
        alpha=0.10, usevar="unequal"
    )
    return {
        "diff": float(a.mean() - b.mean()),
        "ci_lo": float(lo),
        "ci_hi": float(hi),
        "tost_p": p,
        "margin": margin,
    }


def withdrawn_check(
    data: geo.ExpressionData, test: list[str], withdrawn: list[str], *, kind: str
) -> ClaimResult:
    """C4-style check on a withdrawn arm: JAK2 log2 expression, withdrawn minus persistent on drug,
    one-sided Welch t-test for "lower" (SciPy). Claim id "C4-T"; undefined when JAK2 is not in the
    data."""
    from scipy import stats

    if "JAK2" in data.expression.index:
        w = data.expression.loc["JAK2", withdrawn].to_numpy(float)
        t = data.expression.loc["JAK2", test].to_numpy(float)
        diff = float(np.mean(w) - np.mean(t))
        p = float(stats.ttest_ind(w, t, equal_var=False, alternative="less").pvalue)
    else:
        diff, p = float("nan"), float("nan")
    return decided(
        "C4-T",
        kind,
        WITHDRAWN_RULE.describe(),
        conditions=WITHDRAWN_RULE.conditions(diff, p),
        metrics={
            "t1_withdrawn_jak2_log2fc": diff,
            "t1_withdrawn_p": p,
            "t1_n_withdrawn": len(withdrawn),
        },
    )


def resolve_comparator(groups: pd.DataFrame, declared: str) -> tuple[str | None, str, str]:
    """The comparator the check uses: ``(comparator, reason, warning)``.

    ``declared`` "auto" reads it from the reference samples' descriptions
    (:func:`jakpersist.loaders.geo.detect_comparator`; None when they do not say). A declared
    comparator ("same-drug" or "untreated") is used unless a reference sample's description
    contradicts it (:func:`jakpersist.loaders.geo.comparator_conflicts`: a naive sample described as
    untreated when "same-drug" is declared, or as on drug when "untreated" is declared). **Then the
    check refuses**: the comparator is None (the result is undefined, never decided on the
    contradicted reading) and ``warning`` names each contradicting sample with its description;
    otherwise ``warning`` is "".
    """
    if declared == "auto":
        comparator, why = geo.detect_comparator(groups)
        return comparator, why, ""
    conflicts = geo.comparator_conflicts(groups, declared)
    if not conflicts:
        return declared, "declared with the parameter comparator", ""
    listing = "; ".join(f"{s} reads {reading}: '{text}'" for s, reading, text in conflicts)
    warning = (
        f"the declared comparator '{declared}' is contradicted by the description of "
        f"{len(conflicts)} "
        f"reference (naive) sample(s) ({listing}); the check refuses to decide on a reading the "
        "descriptions contradict, so the result is undefined. Check the samples and declare the "
        "comparator "
        "their descriptions support (or comparator='auto')"
    )
    return (
        None,
        "declared with the parameter comparator, but contradicted by the sample descriptions",
        warning,
    )


def evaluate(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: geo.ExpressionData | None = None,
    mode: str = "full",
) -> ClaimResult:
    """Evaluate C1-T on ``data`` (None: the simulated stand-in, a demonstration that decides
    nothing).

    ``params``: ``reference_pattern`` / ``test_pattern`` (regular expressions, see
    :func:`jakpersist.loaders.geo.group_samples`), ``comparator`` ("auto": from the reference
    samples' descriptions; "same-drug" or "untreated" to declare it), ``withdrawn_pattern`` (the
    drug-off arm, checked for C4), ``n_permutations`` (gseapy permutations) and, for the stand-in,
    the model and run parameters. ``seed`` seeds the stand-in and the permutations (default
    ``params['seed']``). ``mode`` changes nothing (there is no noise-free read-out). Defaults:
    :data:`DEFAULTS`.

    Returns a :class:`ClaimResult` whose kind is "public-data" (a file naming its GEO series),
    "reader-data" (a tidy matrix) or "demonstration" (stand-in: verdict None). Metrics (glue keys):
    ``t1_stat5_nes``, ``t1_stat5_fdr``, ``t1_stat3_nes``, ``t1_jak2_log2fc`` (log2 units, test -
    reference), ``t1_margin``, ``t1_n_reference``, ``t1_n_test``, ``t1_series``, ``t1_comparator``,
    ``t1_expectation``, ``t1_score_diff`` / ``t1_score_ci_lo`` / ``t1_score_ci_hi`` (log2 units, 90%
    interval), ``t1_tost_p``, ``t1_n_withdrawn``, ``t1_comparator_warning`` (empty, or why a
    declared comparator was refused: :func:`resolve_comparator`). ``details`` holds a
    :class:`T1Details` (its ``withdrawn``: the C4-style result or None).

    Raises :class:`GroupError` when a group has fewer than 2 samples, and
    :class:`jakpersist.loaders.geo.GeoFileError` for an invalid pattern.
    """
    params = settings(DEFAULTS, params)
    seed = int(params["seed"] if seed is None else seed)
    gene_sets = load_gene_sets()
    if data is None:
        data = standin_data(params, seed, gene_sets)
    kind = (
        "demonstration" if data.simulated else ("public-data" if data.accession else "reader-data")
    )
    groups = geo.group_samples(data.samples, params["reference_pattern"], params["test_pattern"])
    g = groups.set_index("sample")["group"]
    n_ref, n_test = int((g == "reference").sum()), int((g == "test").sum())
    if n_ref < 2 or n_test < 2:
        listing = "; ".join(
            f"{s} '{t}': {grp}"
            for s, t, grp in zip(groups["sample"], groups["title"], groups["group"], strict=False)
        )
        raise GroupError(
            f"{data.label}: the group patterns select {n_ref} reference and {n_test} test "
            "sample(s); "
            f"each group needs at least 2. Samples: {listing}. Set reference_pattern and "
            "test_pattern (case-insensitive regular expressions over title, characteristics and "
            "source)"
        )
    g = g[g.index.isin(data.expression.columns)]
    de = enrichment.welch_table(data.expression, g, "test", reference="reference")
    n_perm = int(params["n_permutations"])
    res = enrichment.prerank(de["t"], gene_sets, seed=seed, permutations=n_perm).set_index("Term")
    nes = float(res.loc[RULE.gene_set, "NES"]) if RULE.gene_set in res.index else float("nan")
    fdr = float(res.loc[RULE.gene_set, "fdr_q"]) if RULE.gene_set in res.index else float("nan")
    stat3 = float(res.loc[STAT3_SET, "NES"]) if STAT3_SET in res.index else float("nan")
    jak2 = float(de.loc["JAK2", "log2fc"]) if "JAK2" in de.index else float("nan")
    comparator, why, warning = resolve_comparator(groups, params["comparator"])
    used = [s for s in g.index]
    test_ids, ref_ids = (
        [s for s in used if g[s] == "test"],
        [s for s in used if g[s] == "reference"],
    )
    scores = set_scores(data.expression, gene_sets.get(RULE.gene_set, []), test_ids + ref_ids)
    eq = equivalence_test(scores[test_ids].to_numpy(), scores[ref_ids].to_numpy(), RULE.margin_log2)
    if comparator == "same-drug":
        conds = RULE.conditions(nes, fdr)
    elif comparator == "untreated":
        conds = RULE.equivalence_conditions(eq["tost_p"])
    elif warning:
        conds = [
            Condition(
                "comparator",
                float("nan"),
                0.0,
                scale="linear",
                label="the declared comparator is contradicted by the sample descriptions",
            )
        ]
    else:
        conds = RULE.comparator_unknown()
    expectation = geo.COMPARATORS.get(
        comparator or "",
        "not stated: the series does not say whether the naive "
        "samples were taken in drug or untreated, so no expectation can be set"
        if not warning
        else "none: " + warning,
    )
    wd_ids = [
        s
        for s in geo.withdrawn_samples(groups, params["withdrawn_pattern"])
        if s in data.expression.columns
    ]
    withdrawn = withdrawn_check(data, test_ids, wd_ids, kind=kind) if len(wd_ids) >= 2 else None
    score_table = pd.DataFrame(
        {
            "sample": test_ids + ref_ids,
            "group": ["test"] * len(test_ids) + ["reference"] * len(ref_ids),
            "score": scores[test_ids + ref_ids].to_numpy(),
        }
    )
    metrics = {
        "t1_stat5_nes": nes,
        "t1_stat5_fdr": fdr,
        "t1_stat3_nes": stat3,
        "t1_jak2_log2fc": jak2,
        "t1_n_reference": n_ref,
        "t1_n_test": n_test,
        "t1_series": data.label,
        "t1_comparator": comparator or ("contradicted" if warning else "not stated"),
        "t1_comparator_reason": why,
        "t1_comparator_warning": warning,
        "t1_expectation": expectation,
        "t1_score_diff": eq["diff"],
        "t1_score_ci_lo": eq["ci_lo"],
        "t1_score_ci_hi": eq["ci_hi"],
        "t1_tost_p": eq["tost_p"],
        "t1_equivalence_margin": RULE.margin_log2,
        "t1_n_withdrawn": len(wd_ids),
    }
    if withdrawn is not None:
        metrics.update({k: v for k, v in withdrawn.metrics.items() if k != "t1_n_withdrawn"})
    result = decided(
        "C1-T",
        kind,
        RULE.describe(),
        conditions=conds,
        metrics=metrics,
        provenance={
            k: "model" if data.simulated else "data"
            for k in (
                "t1_stat5_nes",
                "t1_stat5_fdr",
                "t1_stat3_nes",
                "t1_jak2_log2fc",
                "t1_score_diff",
                "t1_tost_p",
            )
        },
        details=T1Details(
            data,
            groups,
            de,
            res,
            gene_sets,
            mode,
            comparator=comparator,
            comparator_reason=why,
            scores=score_table,
            equivalence=eq,
            withdrawn=withdrawn,
        ),
    )
    result.metrics["t1_margin"] = float(result.margin)
    return result
