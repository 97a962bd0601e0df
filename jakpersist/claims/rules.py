"""Verdict rules: each claim's rule in one place, with its thresholds and a sentence for the page.

The thresholds are not parameters of the chapters on purpose: a reader changes the biology or the
experiment, and the rule decides. Changing a rule is a change to this file, reviewed like code.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PersistenceRule:
    """C1: persistent cells need much more drug, and keep STAT5 signalling where naive cells lose it."""

    min_fold: float = 4.0
    min_fold_ci_low: float = 2.0
    min_retained_pstat5: float = 0.4
    naive_pstat5_cut: float = 0.2

    def describe(self) -> str:
        return (f"for **every** inhibitor tested, the GI50 of persistent cells is at least "
                f"{self.min_fold:g}-fold that of naive cells and the lower end of its 95% bootstrap interval "
                f"is above {self.min_fold_ci_low:g}-fold; and (simulated runs only) at the dose that cuts "
                f"naive pSTAT5 to {self.naive_pstat5_cut:.0%} of its untreated level, persistent cells keep "
                f"at least {self.min_retained_pstat5:.0%} of the naive untreated level")

    def fold_ok(self, fold: float, lo: float) -> bool:
        return bool(np.isfinite(fold) and fold >= self.min_fold and lo > self.min_fold_ci_low)

    def decide(self, folds: list[tuple[float, float]], retained_pstat5: float | None) -> bool:
        """``folds``: (fold, lower 95% bound) per drug; ``retained_pstat5`` None when not measured."""
        if not folds:
            return False
        ok = all(self.fold_ok(f, lo) for f, lo in folds)
        if retained_pstat5 is not None:
            ok = ok and retained_pstat5 >= self.min_retained_pstat5
        return bool(ok)


@dataclass(frozen=True)
class HeterodimerRule:
    """C2: more JAK2-partner heterodimers, STAT5 kept through them, and partner knock-down re-sensitises."""

    min_coip_fold: float = 1.5
    max_p: float = 0.05
    min_pstat5_fold: float = 2.0
    max_kd_fold_ratio: float = 0.75

    def describe(self) -> str:
        return (f"(a) the JAK1/JAK2 **and** TYK2/JAK2 co-IP ratios of persistent cells are at least "
                f"{self.min_coip_fold:g}-fold those of naive cells (Welch's t-test on log ratios, "
                f"p < {self.max_p:g}); (b) at the chronic dose, pSTAT5 (normalised to the loading control) of "
                f"persistent cells is at least {self.min_pstat5_fold:g}-fold that of naive cells; and (c) "
                f"knock-down of JAK1 and, separately, of TYK2 shrinks the persistent/naive GI50 fold to at most "
                f"{self.max_kd_fold_ratio:.0%} of its value with a control shRNA")

    def decide(self, coip: list[tuple[float, float]], pstat5_fold: float | None,
               kd_ratios: list[float] | None) -> bool:
        """``coip``: (fold, p) per partner; ``kd_ratios``: fold(knock-down)/fold(control) per partner."""
        ok = bool(coip) and all(f >= self.min_coip_fold and p < self.max_p for f, p in coip)
        if pstat5_fold is not None:
            ok = ok and pstat5_fold >= self.min_pstat5_fold
        if kd_ratios is not None:
            ok = ok and bool(kd_ratios) and all(np.isfinite(r) and r <= self.max_kd_fold_ratio for r in kd_ratios)
        return bool(ok)


@dataclass(frozen=True)
class ReversibilityRule:
    """C3: persistence is acquired, lost after withdrawal, and regained on re-challenge."""

    min_fold: float = 4.0
    max_withdrawn_fold: float = 2.0

    def describe(self) -> str:
        return (f"the GI50 fold (vs naive) is at least {self.min_fold:g} in persistent cells, at most "
                f"{self.max_withdrawn_fold:g} after withdrawal, and at least {self.min_fold:g} again after "
                f"re-challenge")

    def decide(self, persistent: float, withdrawn: float, rechallenged: float) -> bool:
        return bool(persistent >= self.min_fold and withdrawn <= self.max_withdrawn_fold
                    and rechallenged >= self.min_fold)


@dataclass(frozen=True)
class ExpressionRule:
    """C4: JAK2 mRNA is up in persistent cells and comes back after withdrawal."""

    min_fold: float = 1.25
    max_p: float = 0.05
    max_return_share: float = 0.5

    def describe(self) -> str:
        return (f"JAK2 mRNA (ddCt) of persistent cells is at least {self.min_fold:g}-fold naive (Welch's t-test "
                f"on dCt, p < {self.max_p:g}), and after withdrawal less than {self.max_return_share:.0%} of that "
                f"log-fold increase remains")

    def decide(self, persistent_fold: float, p: float, withdrawn_fold: float | None) -> bool:
        ok = persistent_fold >= self.min_fold and p < self.max_p
        if withdrawn_fold is not None:
            ok = ok and np.log(withdrawn_fold) < self.max_return_share * np.log(persistent_fold)
        return bool(ok)


@dataclass(frozen=True)
class DependenceRule:
    """C6: JAK2 knock-down hits persistent cells about as hard as naive cells."""

    max_growth: float = 0.5
    max_gap: float = 0.2
    max_pstat5: float = 0.5

    def describe(self) -> str:
        return (f"with the JAK2 shRNA, persistent cells keep at most {self.max_growth:.0%} of their growth (relative "
                f"to a control shRNA), no more than {self.max_gap:.0%} above naive cells, and at most "
                f"{self.max_pstat5:.0%} of their pSTAT5")

    def decide(self, growth_persistent: float, growth_naive: float, pstat5_ratio: float) -> bool:
        return bool(growth_persistent <= self.max_growth and growth_persistent - growth_naive <= self.max_gap
                    and pstat5_ratio <= self.max_pstat5)


@dataclass(frozen=True)
class DegraderRule:
    """C7: PU-H71 keeps its potency in persistent cells while the JAK2 inhibitor loses it."""

    max_ratio: float = 2.5
    max_ratio_hi: float = 4.0
    min_inhibitor_fold: float = 4.0

    def describe(self) -> str:
        return (f"the PU-H71 GI50 ratio (persistent / naive) is at most {self.max_ratio:g} with the upper end of "
                f"its 95% bootstrap interval below {self.max_ratio_hi:g}, while the JAK2 inhibitor's ratio in the "
                f"same run is at least {self.min_inhibitor_fold:g}")

    def decide(self, ratio: float, ratio_hi: float, inhibitor_fold: float) -> bool:
        return bool(np.isfinite(ratio) and ratio <= self.max_ratio and ratio_hi < self.max_ratio_hi
                    and inhibitor_fold >= self.min_inhibitor_fold)


@dataclass(frozen=True)
class ClinicRule:
    """C0: treatment relieves disease read-outs but the mutant clone persists (model illustration)."""

    max_spleen: float = 0.7
    max_symptom: float = 0.5
    min_clone_kept: float = 0.5

    def describe(self) -> str:
        return (f"at the end of treatment the spleen index is at most {self.max_spleen:g} and the symptom index at "
                f"most {self.max_symptom:g} of their starting values, while the mutant fraction keeps at least "
                f"{self.min_clone_kept:.0%} of its starting value")

    def decide(self, spleen: float, symptom: float, clone_kept: float) -> bool:
        return bool(spleen <= self.max_spleen and symptom <= self.max_symptom and clone_kept >= self.min_clone_kept)


@dataclass(frozen=True)
class InVivoRule:
    """C5: heterodimers rise and JAK2 signalling is sustained under chronic treatment (model illustration)."""

    min_share_fold: float = 1.5
    min_signal: float = 0.4

    def describe(self) -> str:
        return (f"at the end of treatment the heterodimer share of the mutant clone is at least "
                f"{self.min_share_fold:g}-fold its starting value and its pSTAT5 is at least {self.min_signal:.0%} of "
                f"the untreated level")

    def decide(self, share_fold: float, signal: float) -> bool:
        return bool(share_fold >= self.min_share_fold and signal >= self.min_signal)


@dataclass(frozen=True)
class EnrichmentRule:
    """C1, transcriptome: STAT5 target genes are enriched among genes up in persistent versus naive cells."""

    gene_set: str = "IL2_STAT5_SIGNALING_SPECTRA"
    max_fdr: float = 0.05

    def describe(self) -> str:
        return (f"the gene set {self.gene_set} is enriched among genes higher in persistent than in naive cells "
                f"(gseapy prerank on Welch t statistics: NES > 0 and FDR q < {self.max_fdr:g})")

    def decide(self, nes: float, fdr: float) -> bool:
        return bool(np.isfinite(nes) and nes > 0 and fdr < self.max_fdr)


@dataclass(frozen=True)
class SensitivityRankRule:
    """Public data: a JAK2-mutant line ranks among the most JAK2-inhibitor-sensitive lines screened."""

    max_percentile: float = 10.0

    def describe(self) -> str:
        return (f"the cell line ranks within the most sensitive {self.max_percentile:g}% of all screened lines "
                f"(lowest IC50) for **both** ruxolitinib and TG101348 (fedratinib)")

    def decide(self, percentiles: list[float]) -> bool:
        return bool(percentiles) and all(np.isfinite(p) and p <= self.max_percentile for p in percentiles)
