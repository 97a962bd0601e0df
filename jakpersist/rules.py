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
