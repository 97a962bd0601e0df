"""What each model chapter's virtual experiment is made of, declared once for both of its modes: the
rules, the chapter defaults and the fixed parts of each design (the partners knocked down, the
stages of the reversal schedule, the in-vivo lead-in, the allele copies).

The claim modules (``c0_in_vivo`` ... ``c8_second_site``, the full mode with noise and fits) and
the fast (noise-free) mode (:mod:`.vectorised`, which the claim modules call for ``mode="fast"``)
both read them from here, so neither imports the other's module for them.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..model.dynamics import Phase
from ..model.params import HSP90_INHIBITOR
from ..model.population import Dose
from .params import defaults_of
from .rules import (
    ClinicRule,
    DegraderRule,
    DependenceRule,
    ExpressionRule,
    HeterodimerRule,
    InVivoRule,
    PersistenceRule,
    ReversibilityRule,
    SecondSiteRule,
)

# -- C1 (and C8, shown on the same chapter) -------------------------------------------------------
C1_RULE = PersistenceRule()
#: The C1 chapter's defaults (notebooks/c1_persistence.md's parameters cell; a test keeps the two
#: equal).
C1_DEFAULTS: dict[str, Any] = defaults_of(
    (
        "seed",
        "n_boot",
        "n_replicates",
        "noise_sd",
        "assay_hours",
        "top_dose_nM",
        "n_doses",
        "dilution",
        "selection_drug",
        "chronic_dose_nM",
        "chronic_days",
        "hetero_advantage",
        "trans_gating",
        "pairing_affinity",
        "partner_max",
        "jak2_max",
        "bypass",
        "clone_start",
        "clone_shift_ruxolitinib",
        "seq_reads",
        "seq_detection_vaf",
        "data_path",
    )
)
C8_RULE = SecondSiteRule()
#: Mutant copies per cell over JAK2 copies per cell for a heterozygous second-site allele
#: (assumption).
C8_COPIES = 0.5

# -- C2 -------------------------------------------------------------------------------------------
C2_RULE = HeterodimerRule()
#: The partners knocked down, one at a time.
C2_PARTNERS = ("JAK1", "TYK2")
C2_DEFAULTS: dict[str, Any] = defaults_of(
    (
        "seed",
        "n_boot",
        "n_blots",
        "band_noise_sd",
        "noise_sd",
        "n_replicates",
        "knockdown_fraction",
        "selection_drug",
        "chronic_dose_nM",
        "chronic_days",
        "hetero_advantage",
        "trans_gating",
        "pairing_affinity",
        "partner_naive",
        "partner_max",
        "data_path",
    )
)

# -- C3/C4 ----------------------------------------------------------------------------------------
C3_RULE, C4_RULE = ReversibilityRule(), ExpressionRule()
#: The stages whose GI50 fold (vs naive) C3 reads: the end of each phase of the schedule.
C3_STAGES = ("persistent", "withdrawn", "re-challenged")
C3_DEFAULTS: dict[str, Any] = defaults_of(
    (
        "seed",
        "n_boot",
        "n_replicates",
        "noise_sd",
        "selection_drug",
        "chronic_dose_nM",
        "chronic_days",
        "withdrawal_days",
        "rechallenge_days",
        "n_timepoints",
        "relax_half_time",
        "adapt_rate",
        "jak2_max",
        "trans_gating",
        "data_path",
    ),
    n_boot=300,
)


def reversal_schedule(s: Mapping[str, Any]) -> list[Phase]:
    """Chronic exposure, withdrawal, re-challenge (days, nM) from the C3 chapter's settings."""
    d = s["selection_drug"]
    return [
        Phase(s["chronic_days"], s["chronic_dose_nM"], d),
        Phase(s["withdrawal_days"], 0.0, d),
        Phase(s["rechallenge_days"], s["chronic_dose_nM"], d),
    ]


# -- C6/C7 ----------------------------------------------------------------------------------------
C6_RULE, C7_RULE = DependenceRule(), DegraderRule()
C6_DEFAULTS: dict[str, Any] = defaults_of(
    (
        "seed",
        "n_boot",
        "n_replicates",
        "noise_sd",
        "n_blots",
        "band_noise_sd",
        "knockdown_fraction",
        "selection_drug",
        "chronic_dose_nM",
        "chronic_days",
        "hsp90_dose_nM",
        "hsp90_K",
        "hsp90_other_clients",
        "bypass",
        "hetero_advantage",
        "trans_gating",
        "partner_max",
        "jak2_max",
    ),
    n_boot=400,
)

# -- C0/C5 ----------------------------------------------------------------------------------------
C0_RULE, C5_RULE = ClinicRule(), InVivoRule()
#: Untreated days before treatment starts (assumption; lets the clone settle).
LEAD_IN_DAYS = 14.0
C0_DEFAULTS: dict[str, Any] = defaults_of(
    (
        "treatment",
        "chronic_dose_nM",
        "hsp90_dose_nM",
        "treatment_weeks",
        "pause_weeks",
        "redose_weeks",
        "hetero_advantage",
        "trans_gating",
        "partner_max",
        "vivo_turnover",
        "vivo_normal_fitness",
        "vivo_normal_drug_effect",
    )
)


def in_vivo_schedule(s: Mapping[str, Any]) -> list[Dose]:
    """Lead-in, treatment, pause, re-dosing (days) from the in-vivo chapter's settings."""
    dose = s["hsp90_dose_nM"] if s["treatment"] == HSP90_INHIBITOR else s["chronic_dose_nM"]
    tr = s["treatment"]
    return [
        Dose(LEAD_IN_DAYS, tr, 0.0),
        Dose(7 * s["treatment_weeks"], tr, dose),
        Dose(7 * s["pause_weeks"], tr, 0.0),
        Dose(7 * s["redose_weeks"], tr, dose),
    ]
