"""Plain names of the parameters, for pages a biologist reads: "heterodimer drug escape
(`hetero_advantage`)".

The code name (what ``jakbook run --set`` and the ``parameters`` cell take) stays in brackets after
the plain name. Page layout only: the parameters themselves, their units and ranges are declared in
:mod:`jakpersist.model.params`.
"""

from __future__ import annotations

#: code name -> plain name (a few words a biologist would use; no symbols, no units)
PLAIN_NAMES: dict[str, str] = {
    # the model
    "hetero_advantage": "heterodimer drug escape",
    "pairing_affinity": "JAK2-partner pairing affinity",
    "partner_naive": "JAK1+TYK2 level in naive cells",
    "partner_max": "JAK1+TYK2 level in adapted cells",
    "jak1_share": "JAK1 share of the partners",
    "jak2_max": "JAK2 expression in adapted cells",
    "bypass": "JAK2-independent STAT5 signal",
    "r_max": "maximal growth rate",
    "growth_half_signal": "pSTAT5 for half-maximal growth",
    "growth_hill": "steepness of growth versus pSTAT5",
    "death_rate": "signal-independent death rate",
    "adapt_rate": "adaptation rate on drug",
    "relax_half_time": "half-time of reversal off drug",
    "hsp90_K": "PU-H71 dose halving JAK2",
    "hsp90_hill": "steepness of JAK2 loss versus PU-H71",
    "hsp90_other_clients": "growth loss from other HSP90 clients",
    "vivo_turnover": "clone turnover rate in vivo",
    "vivo_normal_fitness": "fitness of normal cells",
    "vivo_normal_drug_effect": "drug effect on normal cells",
    # drugs
    "K_ruxolitinib": "ruxolitinib potency",
    "K_fedratinib": "fedratinib potency",
    "K_jak_inhibitor_1": "JAK Inhibitor I potency",
    "drug_hill": "Hill slope of inhibition",
    # one run
    "seed": "random seed",
    "n_boot": "bootstrap resamples",
    "n_replicates": "replicates",
    "noise_sd": "measurement noise",
    "assay_hours": "assay duration",
    "top_dose_nM": "highest dose",
    "n_doses": "number of doses",
    "dilution": "dilution factor",
    "selection_drug": "drug that selected the persistent cells",
    "chronic_dose_nM": "chronic dose",
    "chronic_days": "time on the chronic dose",
    "withdrawal_days": "time off drug",
    "knockdown_fraction": "knock-down efficiency",
    "n_blots": "replicate blots",
    "band_noise_sd": "band noise",
    "rechallenge_days": "time back on drug",
    "n_timepoints": "time points",
    "hsp90_dose_nM": "PU-H71 dose",
    "treatment": "treatment",
    "treatment_weeks": "weeks on treatment",
    "pause_weeks": "weeks off treatment",
    "redose_weeks": "weeks of re-dosing",
    "n_permutations": "gene-set permutations",
    "use_geo_cache": "use the downloaded GEO series",
    "cell_line": "cell line",
    "atlas_dir": "atlas folder",
    "rivals_dir": "rivals folder",
    "focus_claim": "claim shown in detail",
    "hts_drug": "screen drug",
    "viability_hours": "viability read-out time",
    "dip_delay_h": "DIP-rate fit start",
    "data_path": "your data file",
    "platform": "GEO platform",
    "reference_pattern": "reference samples",
    "test_pattern": "test samples",
    "annotation_path": "platform annotation file",
    "sample_sheet_path": "sample sheet file",
    # the drug-specific escape, the type II arm and activated JAK2
    "trans_gating": "escape needs an active partner kinase",
    "cytokine_signal": "extrinsic cytokine protection",
    "pjak2_accumulation": "activated JAK2 held by a bound type I drug",
    "jak1_ratio_ruxolitinib": "ruxolitinib potency ratio JAK1 to JAK2",
    "tyk2_ratio_ruxolitinib": "ruxolitinib potency ratio TYK2 to JAK2",
    "jak1_ratio_fedratinib": "fedratinib potency ratio JAK1 to JAK2",
    "tyk2_ratio_fedratinib": "fedratinib potency ratio TYK2 to JAK2",
    "jak1_ratio_jak_inhibitor_1": "JAK Inhibitor I potency ratio JAK1 to JAK2",
    "tyk2_ratio_jak_inhibitor_1": "JAK Inhibitor I potency ratio TYK2 to JAK2",
    "K_chz868": "CHZ868 potency",
    # sequencing (C8)
    "seq_reads": "sequencing reads per position",
    "seq_detection_vaf": "allele detection limit",
    # rival mechanisms
    "clone_start": "starting share of a resistant subclone",
    "clone_shift_ruxolitinib": "subclone's loss of ruxolitinib potency",
    "clone_shift_fedratinib": "subclone's loss of fedratinib potency",
    "clone_shift_jak_inhibitor_1": "subclone's loss of JAK Inhibitor I potency",
    "clone_cost": "subclone's growth cost off drug",
    "bypass_growth": "adaptive bypass growth",
    "bypass_hsp90_client": "bypass kinase is an HSP90 client",
    "clone_jak2_allele": "subclone carries a JAK2 allele",
    "efflux_ruxolitinib": "ruxolitinib kept out of adapted cells",
    "efflux_fedratinib": "fedratinib kept out of adapted cells",
    "efflux_jak_inhibitor_1": "JAK Inhibitor I kept out of adapted cells",
    "efflux_hsp90": "PU-H71 kept out of adapted cells",
    # chapter settings
    "withdrawn_pattern": "withdrawn samples (pattern)",
    "comparator": "what the naive samples were taken in",
    "between_day_sd": "between-experiment variation",
}


def plain(name: str, *, code: bool = True) -> str:
    """The plain name of parameter ``name`` with its code name in brackets (MyST), e.g. "heterodimer
    drug escape (`hetero_advantage`)"; with ``code=False`` the plain name alone. A name without a
    plain name is returned as code."""
    p = PLAIN_NAMES.get(name)
    if p is None:
        return f"`{name}`"
    return f"{p} (`{name}`)" if code else p


def plain_in_text(text: str) -> str:
    """``text`` (MyST) with every bare parameter code name that has a plain name (``data_path``, not
    already in backticks or part of a longer name) written as "plain name (`code_name`)", e.g. in a
    parameter's meaning."""
    import re

    names = sorted((n for n in PLAIN_NAMES if "_" in n), key=len, reverse=True)
    if not names:
        return text
    pattern = re.compile(r"(?<![\w`/.])(" + "|".join(map(re.escape, names)) + r")(?![\w`/.])")
    parts = text.split("`")  # code spans are the odd parts: left as they are
    return "`".join(
        pattern.sub(lambda m: plain(m.group(1)), s) if i % 2 == 0 else s
        for i, s in enumerate(parts)
    )


__all__ = ["PLAIN_NAMES", "plain", "plain_in_text"]
