"""Verdict rules: each claim's rule in one place, with its thresholds and a sentence for the page.

The thresholds are not parameters of the chapters on purpose: a reader changes the biology or the
experiment, and the rule decides. Changing a rule is a change to this file, reviewed like code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import Bound, Condition, combine


def _fold(
    name: str,
    value: float,
    thr: float,
    at_least: bool = True,
    strict: bool = False,
    bound: Bound = None,
    label: str = "",
) -> Condition:
    """A fold or ratio condition (margin in log2 units)."""
    return Condition(name, float(value), float(thr), at_least, "log2", 1.0, strict, bound, label)


def _frac(
    name: str,
    value: float,
    thr: float,
    at_least: bool = True,
    strict: bool = False,
    unit: float | None = None,
    label: str = "",
) -> Condition:
    """A fraction or difference condition (margin = difference / ``unit``, by default the
    threshold)."""
    return Condition(
        name,
        float(value),
        float(thr),
        at_least,
        "linear",
        float(unit or abs(thr) or 1.0),
        strict,
        None,
        label,
    )


def _p(name: str, p: float, max_p: float) -> Condition:
    """p < max_p (margin: log2(max_p / p))."""
    return _fold(name, p, max_p, at_least=False, strict=True, label=f"p < {max_p:g}")


@dataclass(frozen=True)
class PersistenceRule:
    """C1: persistent cells need much more drug, and keep STAT5 signalling where naive cells lose
    it."""

    min_fold: float = 4.0
    min_fold_ci_low: float = 2.0
    min_retained_pstat5: float = 0.4
    naive_pstat5_cut: float = 0.2

    def describe(self) -> str:
        return (
            f"for **every** inhibitor tested, the GI50 of persistent cells is at least "
            f"{self.min_fold:g}-fold that of naive cells and the lower end of its 95% bootstrap "
            "interval "
            f"is above {self.min_fold_ci_low:g}-fold; and (simulated runs only) at the dose that "
            "cuts the "
            f"JAK2-dependent part of naive pSTAT5 (pSTAT5 minus any JAK2-independent bypass) to "
            f"{self.naive_pstat5_cut:.0%} of its untreated level, persistent cells keep at least "
            f"{self.min_retained_pstat5:.0%} of that naive untreated JAK2-dependent level"
        )

    def conditions(
        self,
        folds: dict[str, tuple[float, float]],
        retained_pstat5: float | None,
        bounds: dict[str, Bound] | None = None,
    ) -> list[Condition]:
        """``folds``: drug -> (fold, lower end of its 95% interval); ``bounds``: drug -> "lower"
        when the fold is only a lower bound (persistent GI50 above the top dose);
        ``retained_pstat5`` None when not measured."""
        out = (
            [] if folds else [_fold("fold", float("nan"), self.min_fold)]
        )  # no curve: nothing shown
        for drug, (fold, lo) in folds.items():
            b = (bounds or {}).get(drug)
            out.append(_fold(f"fold_{drug}", fold, self.min_fold, bound=b))
            out.append(_fold(f"fold_lo_{drug}", lo, self.min_fold_ci_low, strict=True, bound=b))
        if retained_pstat5 is not None:
            out.append(_frac("retained_pstat5", retained_pstat5, self.min_retained_pstat5))
        return out

    def decide(self, folds: list[tuple[float, float]], retained_pstat5: float | None) -> bool:
        """``folds``: (fold, lower 95% bound) per drug; ``retained_pstat5`` None when not
        measured."""
        return combine(self.conditions(dict(enumerate(folds)), retained_pstat5))[0]


@dataclass(frozen=True)
class HeterodimerRule:
    """C2: more JAK2-partner heterodimers, STAT5 kept through them, and partner knock-down
    re-sensitises."""

    min_coip_fold: float = 1.5
    max_p: float = 0.05
    min_pstat5_fold: float = 2.0
    max_kd_fold_ratio: float = 0.75

    def describe(self) -> str:
        return (
            f"(a) the JAK1/JAK2 **and** TYK2/JAK2 co-IP ratios of persistent cells are at least "
            f"{self.min_coip_fold:g}-fold those of naive cells (Welch's t-test on log ratios, "
            f"p < {self.max_p:g}); (b) at the chronic dose, pSTAT5 (normalised to the loading "
            "control) of "
            f"persistent cells is at least {self.min_pstat5_fold:g}-fold that of naive cells; and "
            "(c) "
            "knock-down of JAK1 and, separately, of TYK2 shrinks the persistent/naive GI50 fold "
            "to at most "
            f"{self.max_kd_fold_ratio:.0%} of its value with a control shRNA"
        )

    def conditions(
        self,
        coip: dict[str, tuple[float, float]],
        pstat5_fold: float | None,
        kd_ratios: dict[str, float] | None,
    ) -> list[Condition]:
        """``coip``: partner -> (fold, p); ``kd_ratios``: partner -> fold(knock-down) / fold(control
        shRNA)."""
        out = []
        for partner, (f, p) in coip.items():
            out += [
                _fold(f"coip_{partner}", f, self.min_coip_fold),
                _p(f"coip_p_{partner}", p, self.max_p),
            ]
        if pstat5_fold is not None:
            out.append(_fold("pstat5_fold", pstat5_fold, self.min_pstat5_fold))
        if kd_ratios is not None:
            if not kd_ratios:
                out.append(_fold("kd_ratio", float("nan"), self.max_kd_fold_ratio, at_least=False))
            out += [
                _fold(f"kd_ratio_{g}", r, self.max_kd_fold_ratio, at_least=False)
                for g, r in kd_ratios.items()
            ]
        return out

    def decide(
        self,
        coip: list[tuple[float, float]],
        pstat5_fold: float | None,
        kd_ratios: list[float] | None,
    ) -> bool:
        """``coip``: (fold, p) per partner; ``kd_ratios``: fold(knock-down)/fold(control) per
        partner."""
        kd = None if kd_ratios is None else dict(enumerate(kd_ratios))
        return combine(self.conditions(dict(enumerate(coip)), pstat5_fold, kd))[0]


@dataclass(frozen=True)
class ReversibilityRule:
    """C3: persistence is acquired, lost after withdrawal, and regained on re-challenge."""

    min_fold: float = 4.0
    max_withdrawn_fold: float = 2.0

    def describe(self) -> str:
        return (
            f"the GI50 fold (vs naive) is at least {self.min_fold:g} in persistent cells, at most "
            f"{self.max_withdrawn_fold:g} after withdrawal, and at least {self.min_fold:g} again "
            "after "
            f"re-challenge"
        )

    def conditions(
        self,
        persistent: float,
        withdrawn: float,
        rechallenged: float,
        *,
        bounds: dict[str, Bound] | None = None,
    ) -> list[Condition]:
        """GI50 folds vs naive; ``bounds``: stage -> "lower"/"upper" for censored folds."""
        b = bounds or {}
        return [
            _fold("fold_persistent", persistent, self.min_fold, bound=b.get("persistent")),
            _fold(
                "fold_withdrawn",
                withdrawn,
                self.max_withdrawn_fold,
                at_least=False,
                bound=b.get("withdrawn"),
            ),
            _fold("fold_rechallenged", rechallenged, self.min_fold, bound=b.get("re-challenged")),
        ]

    def decide(self, persistent: float, withdrawn: float, rechallenged: float) -> bool:
        return combine(self.conditions(persistent, withdrawn, rechallenged))[0]


@dataclass(frozen=True)
class ExpressionRule:
    """C4: JAK2 mRNA is up in persistent cells and comes back after withdrawal."""

    min_fold: float = 1.25
    max_p: float = 0.05
    max_return_share: float = 0.5

    def describe(self) -> str:
        return (
            f"JAK2 mRNA (ddCt) of persistent cells is at least {self.min_fold:g}-fold naive "
            "(Welch's t-test "
            f"on dCt, p < {self.max_p:g}), and after withdrawal less than "
            f"{self.max_return_share:.0%} of that "
            f"log-fold increase remains"
        )

    def conditions(
        self, persistent_fold: float, p: float, withdrawn_fold: float | None
    ) -> list[Condition]:
        """The return condition is withdrawn fold < persistent fold ** max_return_share (log
        scale)."""
        out = [
            _fold("jak2_persistent", persistent_fold, self.min_fold),
            _p("jak2_p", p, self.max_p),
        ]
        if withdrawn_fold is not None:
            out.append(
                _fold(
                    "jak2_withdrawn",
                    withdrawn_fold,
                    persistent_fold**self.max_return_share,
                    at_least=False,
                    strict=True,
                )
            )
        return out

    def decide(self, persistent_fold: float, p: float, withdrawn_fold: float | None) -> bool:
        return combine(self.conditions(persistent_fold, p, withdrawn_fold))[0]


@dataclass(frozen=True)
class DependenceRule:
    """C6: JAK2 knock-down hits persistent cells about as hard as naive cells."""

    max_growth: float = 0.5
    max_gap: float = 0.2
    max_pstat5: float = 0.5

    def describe(self) -> str:
        return (
            f"with the JAK2 shRNA, persistent cells keep at most {self.max_growth:.0%} of their "
            "growth (relative "
            f"to a control shRNA), no more than {self.max_gap * 100:g} percentage points above "
            "naive cells "
            f"(an absolute difference of growth fractions), and at most "
            f"{self.max_pstat5:.0%} of their pSTAT5"
        )

    def conditions(
        self, growth_persistent: float, growth_naive: float, pstat5_ratio: float
    ) -> list[Condition]:
        return [
            _frac("growth_persistent", growth_persistent, self.max_growth, at_least=False),
            _frac("growth_gap", growth_persistent - growth_naive, self.max_gap, at_least=False),
            _frac("pstat5_ratio", pstat5_ratio, self.max_pstat5, at_least=False),
        ]

    def decide(self, growth_persistent: float, growth_naive: float, pstat5_ratio: float) -> bool:
        return combine(self.conditions(growth_persistent, growth_naive, pstat5_ratio))[0]


@dataclass(frozen=True)
class DegraderRule:
    """C7: PU-H71 keeps its potency in persistent cells while the JAK2 inhibitor loses it."""

    max_ratio: float = 2.5
    max_ratio_hi: float = 4.0
    min_inhibitor_fold: float = 4.0

    def describe(self) -> str:
        return (
            f"the PU-H71 GI50 ratio (persistent / naive) is at most {self.max_ratio:g} with the "
            "upper end of "
            f"its 95% bootstrap interval below {self.max_ratio_hi:g}, while the JAK2 inhibitor's "
            "ratio in the "
            f"same run is at least {self.min_inhibitor_fold:g}"
        )

    def conditions(
        self, ratio: float, ratio_hi: float, inhibitor_fold: float, *, inhibitor_bound: Bound = None
    ) -> list[Condition]:
        return [
            _fold(
                "puh71_ratio",
                ratio if np.isfinite(ratio) else float("nan"),
                self.max_ratio,
                at_least=False,
            ),
            _fold("puh71_ratio_hi", ratio_hi, self.max_ratio_hi, at_least=False, strict=True),
            _fold("inhibitor_fold", inhibitor_fold, self.min_inhibitor_fold, bound=inhibitor_bound),
        ]

    def decide(self, ratio: float, ratio_hi: float, inhibitor_fold: float) -> bool:
        return combine(self.conditions(ratio, ratio_hi, inhibitor_fold))[0]


@dataclass(frozen=True)
class ClinicRule:
    """C0: treatment relieves disease read-outs but the mutant clone persists (model
    illustration)."""

    max_spleen: float = 0.7
    max_symptom: float = 0.5
    min_clone_kept: float = 0.5

    def describe(self) -> str:
        return (
            f"at the end of treatment the spleen index is at most {self.max_spleen:g} and the "
            "symptom index at "
            f"most {self.max_symptom:g} of their values at the start of treatment, while the "
            "mutant fraction "
            f"keeps at least {self.min_clone_kept:.0%} of its value at the start of treatment"
        )

    def conditions(self, spleen: float, symptom: float, clone_kept: float) -> list[Condition]:
        return [
            _frac("spleen_end", spleen, self.max_spleen, at_least=False),
            _frac("symptom_end", symptom, self.max_symptom, at_least=False),
            _frac("clone_kept", clone_kept, self.min_clone_kept),
        ]

    def decide(self, spleen: float, symptom: float, clone_kept: float) -> bool:
        return combine(self.conditions(spleen, symptom, clone_kept))[0]


@dataclass(frozen=True)
class InVivoRule:
    """C5: heterodimers rise and JAK2 signalling is sustained under chronic treatment (model
    illustration)."""

    min_share_fold: float = 1.5
    min_signal: float = 0.4

    def describe(self) -> str:
        return (
            f"at the end of treatment the heterodimer share of the mutant clone is at least "
            f"{self.min_share_fold:g}-fold its starting value and its pSTAT5 is at least "
            f"{self.min_signal:.0%} of "
            f"the untreated level"
        )

    def conditions(self, share_fold: float, signal: float) -> list[Condition]:
        return [
            _fold("share_fold", share_fold, self.min_share_fold),
            _frac("pstat5_end", signal, self.min_signal),
        ]

    def decide(self, share_fold: float, signal: float) -> bool:
        return combine(self.conditions(share_fold, signal))[0]


@dataclass(frozen=True)
class EnrichmentRule:
    """C1, transcriptome: what re-activation predicts for STAT5 target genes depends on the
    comparator.

    - naive cells **under the same drug** (``"same-drug"``): STAT5 targets are enriched among genes
      higher in persistent cells (:meth:`conditions`: gseapy prerank NES > 0, FDR q < ``max_fdr``);
    - **untreated** naive cells (``"untreated"``): persistent cells on drug express STAT5 targets
      about as much (:meth:`equivalence_conditions`: two one-sided Welch t-tests (TOST) on the
      per-sample mean log2 expression of the set's genes, equivalence margin +/- ``margin_log2``, p
      < ``alpha``).

    ``margin_log2`` = 0.5 log2 units (about 1.4-fold) is an assumption of this book, not a published
    value: how far a set-average may differ and still count as "about the untreated level".
    """

    gene_set: str = "IL2_STAT5_SIGNALING_SPECTRA"
    max_fdr: float = 0.05
    margin_log2: float = 0.5
    alpha: float = 0.05

    def describe(self) -> str:
        return (
            f"with naive cells under the same drug as comparator, the gene set {self.gene_set} is "
            "enriched "
            "among genes higher in persistent than in naive cells (gseapy prerank on Welch t "
            "statistics: NES "
            f"> 0 and FDR q < {self.max_fdr:g}); with untreated naive cells as comparator, "
            "persistent cells on "
            "drug express the set about as much (the mean log2 expression of its genes differs by "
            "less than "
            f"{self.margin_log2:g} log2 units, an assumed equivalence margin: two one-sided Welch "
            "t-tests, "
            f"p < {self.alpha:g}); undefined when the series does not say which comparator it has"
        )

    def conditions(self, nes: float, fdr: float) -> list[Condition]:
        """Same-drug comparator: NES > 0 and FDR q < ``max_fdr``."""
        return [
            _frac("nes", nes, 0.0, strict=True, unit=1.0),
            _fold("fdr", fdr, self.max_fdr, at_least=False, strict=True),
        ]

    def equivalence_conditions(self, tost_p: float) -> list[Condition]:
        """Untreated comparator: the TOST p value (the larger of the two one-sided p values) below
        ``alpha``; equivalently, the 90% interval of the difference lies inside +/-
        ``margin_log2``."""
        return [
            _fold(
                "tost_p",
                tost_p,
                self.alpha,
                at_least=False,
                strict=True,
                label=f"equivalence within +/-{self.margin_log2:g} log2 (TOST p < {self.alpha:g})",
            )
        ]

    def comparator_unknown(self) -> list[Condition]:
        """No comparator stated: one condition whose value cannot be computed (the result is
        undefined)."""
        return [
            _frac(
                "comparator",
                float("nan"),
                0.0,
                label="the comparator (naive cells on drug or untreated) "
                "is not stated in the series; set the parameter comparator",
            )
        ]

    def decide(self, nes: float, fdr: float) -> bool:
        return combine(self.conditions(nes, fdr))[0]


@dataclass(frozen=True)
class WithdrawnExpressionRule:
    """C4 in the transcriptome (when a series has a withdrawn arm): JAK2 mRNA is lower in cells
    taken off drug than in persistent cells on drug (one-sided Welch t-test on log2 expression, p <
    ``max_p``)."""

    max_p: float = 0.05

    def describe(self) -> str:
        return (
            "JAK2 mRNA is lower in withdrawn (drug-off) cells than in persistent cells on drug "
            "(log2 "
            f"difference < 0, one-sided Welch t-test p < {self.max_p:g})"
        )

    def conditions(self, log2fc: float, p: float) -> list[Condition]:
        """``log2fc``: withdrawn minus persistent mean log2 JAK2; ``p``: one-sided p for "lower"."""
        return [
            _frac("jak2_withdrawn_log2fc", log2fc, 0.0, at_least=False, strict=True, unit=1.0),
            _p("jak2_withdrawn_p", p, self.max_p),
        ]


@dataclass(frozen=True)
class SensitivityRankRule:
    """Public data: a JAK2-mutant line ranks among the most JAK2-inhibitor-sensitive lines
    screened."""

    max_percentile: float = 10.0

    def describe(self) -> str:
        return (
            f"the cell line ranks within the most sensitive {self.max_percentile:g}% of all "
            "screened lines "
            f"(lowest IC50) for **both** ruxolitinib and TG101348 (fedratinib)"
        )

    def conditions(self, percentiles: dict[str, float]) -> list[Condition]:
        return [
            _frac(f"percentile_{d}", p, self.max_percentile, at_least=False)
            for d, p in percentiles.items()
        ]

    def decide(self, percentiles: list[float]) -> bool:
        return combine(self.conditions(dict(enumerate(percentiles))))[0]


@dataclass(frozen=True)
class GrowthConfoundRule:
    """H1 (a check of this book on public data): ranking lines by relative-viability GI50 and by
    GR50 disagree, and the disagreement follows division rate (the growth-rate confound of Hafner et
    al. 2016). Thresholds are the book's choice (assumption). With 7 or 8 lines a point estimate of
    a rank correlation decides little, so the division-rate part is decided by an exact permutation
    test of Spearman's rho (one-sided, in the direction the confound predicts: faster-dividing lines
    look more sensitive by GI50 than by GR50)."""

    max_rank_rho: float = 0.8
    max_confound_rho: float = -0.5
    min_lines: int = 5
    max_p: float = 0.05

    def describe(self) -> str:
        return (
            f"over the lines where both are estimable (at least {self.min_lines}), the ranking by "
            "relative-"
            "viability GI50 disagrees with the ranking by GR50 (Spearman rho <= "
            f"{self.max_rank_rho:g}) and the "
            "disagreement follows division rate: Spearman rho between the control division rate "
            "and "
            f"log10(GI50 / GR50) <= {self.max_confound_rho:g}, with a one-sided exact permutation "
            "p < "
            f"{self.max_p:g} (all orderings of the lines)"
        )

    def conditions(
        self, n_lines: int, rank_rho: float, confound_rho: float, *, confound_p: float | None = None
    ) -> list[Condition]:
        """``confound_p``: exact one-sided permutation p of ``confound_rho`` (None: not computed;
        the condition is then left out, as in the tests of the rule's arithmetic)."""
        out = [
            Condition(
                "n_lines",
                float(n_lines),
                float(self.min_lines),
                scale="linear",
                unit=1.0,
                label="lines with both GI50 and GR50",
            ),
            Condition(
                "rank_rho",
                rank_rho,
                self.max_rank_rho,
                at_least=False,
                scale="linear",
                unit=1.0,
                label="Spearman rho of the GI50 and GR50 rankings",
            ),
            Condition(
                "confound_rho",
                confound_rho,
                self.max_confound_rho,
                at_least=False,
                scale="linear",
                unit=1.0,
                label="Spearman rho of division rate and log10(GI50/GR50)",
            ),
        ]
        if confound_p is not None:
            out.append(
                Condition(
                    "confound_p",
                    float(confound_p),
                    self.max_p,
                    at_least=False,
                    scale="log2",
                    strict=True,
                    label="exact permutation p of that rho",
                )
            )
        return out


@dataclass(frozen=True)
class SecondSiteRule:
    """C8 (ASH 2011): no second-site JAK2 allele is carried by most of the persistent population."""

    max_cell_fraction: float = 0.5

    def describe(self) -> str:
        return (
            "sequencing the persistent population finds no second-site JAK2 kinase-domain allele "
            "carried by "
            f"{self.max_cell_fraction:.0%} or more of the cells (a candidate allele is called when "
            "its read "
            "fraction reaches the detection limit; its share of cells is taken as twice its read "
            "fraction, one "
            f"mutant copy of two; an allele below the detection limit counts as carried by no cell)"
        )

    def conditions(self, cell_fraction: float) -> list[Condition]:
        return [
            _frac(
                "allele_cells",
                cell_fraction,
                self.max_cell_fraction,
                at_least=False,
                strict=True,
                label=f"largest candidate allele in fewer than {self.max_cell_fraction:.0%} of the "
                "cells",
            )
        ]

    def decide(self, cell_fraction: float) -> bool:
        return combine(self.conditions(cell_fraction))[0]
