"""Parameter definitions: one source of truth for units, ranges, defaults and provenance.

Every quantity that a chapter exposes, the model's and the experiment's alike, is declared here
once. Notebooks validate their ``parameters`` cell against these declarations, the re-run command
reads them for its help, and the model page renders its parameter table from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

# Citations used as provenance; full entries live in book/references.bib.
QUINTAS_2010 = "prior: Quintas-Cardama et al., Blood 2010"
WERNIG_2008 = "prior: Wernig et al., Cancer Cell 2008"
ASH_2011 = "prior: Koppikar et al., ASH 2011 abstract (Blood 118:122)"
#: A value chosen so that a reported observation holds (not measured): a constraint, not a prior.
ASH_2011_CONSTRAINT = (
    "constraint, not a measurement: chosen so that the ASH 2011 abstract's observation holds "
    "(Koppikar et al., Blood 118:122)"
)
MEYER_2015 = (
    "assumption of this book (motivated by Meyer et al., Cancer Cell 2015, who propose "
    "no potency shift)"
)
MARUBAYASHI_2010 = "assumption (mechanism after Marubayashi et al., J Clin Invest 2010)"
ASSUMPTION = "assumption"
ANDRAOS_2012 = (
    "assumption for the size; the direction after Andraos et al., Cancer Discov 2012 and Tvorogov "
    "et al., "
    "Sci Adv 2018 (type I inhibitors raise JAK2 pY1007/1008 while pSTAT5 falls; type II do not)"
)
#: Biochemical (enzyme) IC50s used as partner/JAK2 potency ratios (the ratio is what the model
#: reads).
QUINTAS_2010_ENZYME = (
    "prior: Quintas-Cardama et al., Blood 2010: enzyme IC50 JAK1 3.3, JAK2 2.8, TYK2 19 nM (values "
    "from the project's reference notes; taken as the cellular ratio: assumption)"
)
WERNIG_2008_ENZYME = (
    "prior: Wernig et al., Cancer Cell 2008: JAK2 IC50 3 nM, 35-fold selective over JAK1 (checked; "
    "taken as the cellular ratio: assumption)"
)
TYPE_II_ASSUMPTION = (
    "assumption: CHZ868 is a type II inhibitor active in type-I-persistent cells (Meyer et al., "
    "Cancer "
    "Cell 2015); its cellular potency is not in our sources"
)


@dataclass(frozen=True)
class Param:
    """A declared parameter.

    ``lo``/``hi`` bound numeric values (inclusive); ``choices`` restricts strings.
    ``kind`` is ``"model"`` (a property of the mechanistic model) or ``"run"``
    (a property of one experiment or analysis run).
    """

    name: str
    default: Any
    unit: str
    help: str
    provenance: str = ASSUMPTION
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] | None = None
    kind: str = "model"
    type: type = float
    #: plausible range (lo, hi) for the robustness atlas, narrower than the valid range: a published
    #: value's neighbourhood or an explicit assumption; ``plausible_why`` says which, in one line
    plausible: tuple[float, float] | None = None
    plausible_why: str = ""
    #: sample the plausible range log-uniformly (True, for positive scale-like quantities) or
    #: uniformly
    log_scale: bool = False
    #: the help in a few words, written beside the value in a chapter's ``parameters`` cell (a test
    #: checks every cell against it); empty = ``help``
    short: str = ""

    @property
    def cell_help(self) -> str:
        """The comment beside this parameter in a chapter's ``parameters`` cell."""
        return self.short or self.help

    def range_text(self) -> str:
        """Human-readable valid range, e.g. ``1 to 1000`` or ``one of: a, b``."""
        if self.choices is not None:
            return "one of: " + ", ".join(self.choices)
        if self.type is bool:
            return "True or False"
        if self.type is str:
            return "any text"
        return f"{_fmt(self.lo)} to {_fmt(self.hi)}"


def _fmt(x: float | None) -> str:
    if x is None:
        return "unbounded"
    if float(x).is_integer():
        return f"{int(x)}"
    return f"{x:g}"


def _p(*args: Any, **kw: Any) -> Param:
    return Param(*args, **kw)


# --------------------------------------------------------------------------------------------
# The mechanistic model (see book/model.md for the equations)
# --------------------------------------------------------------------------------------------
MODEL_PARAMS: tuple[Param, ...] = (
    _p(
        "hetero_advantage",
        20.0,
        "fold",
        "how much less a type I inhibitor blocks JAK2 while a partner kinase (JAK1 "
        "or TYK2) trans-phosphorylates it in a heterodimer (s; 1 = no advantage). Realised only as "
        "far as the drug "
        "spares the partner: the trans-activated share of heterodimer JAK2 is the partner's "
        "activity left at the "
        "dose, I(D; rho_p K), with rho_p the drug's partner/JAK2 potency ratio (jak1_ratio_<drug>, "
        "tyk2_ratio_<drug>)",
        MEYER_2015,
        1.0,
        1000.0,
    ),
    _p(
        "trans_gating",
        1.0,
        "fraction",
        "how far the heterodimer escape needs the partner kinase active (g): the "
        "trans-activated share of heterodimer JAK2 is 1 - g + g a(D), a(D) the partner's activity "
        "left under the drug. "
        "1 = trans-activation by the partner, tied to each drug's JAK1/TYK2 potency (the paper's "
        "mechanism made "
        "drug-specific); 0 = a drug-agnostic escape, whatever the "
        "drug does to the partner",
        ASSUMPTION,
        0.0,
        1.0,
    ),
    _p(
        "pairing_affinity",
        1.0,
        "per relative level",
        "affinity of JAK2 for a partner kinase relative to another JAK2 (a)",
        ASSUMPTION,
        0.0,
        100.0,
    ),
    _p(
        "partner_naive",
        0.2,
        "relative level",
        "JAK1+TYK2 level available for pairing in naive cells (p0; JAK2 = 1)",
        ASSUMPTION,
        0.0,
        10.0,
    ),
    _p(
        "partner_max",
        1.2,
        "relative level",
        "partner level in fully adapted cells (p_max)",
        ASSUMPTION,
        0.0,
        10.0,
    ),
    _p(
        "jak1_share",
        0.5,
        "fraction",
        "share of the JAK2 partner pool that is JAK1 (the rest is TYK2)",
        ASSUMPTION,
        0.0,
        1.0,
    ),
    _p(
        "jak2_max",
        1.8,
        "fold of naive",
        "JAK2 expression in fully adapted cells (e_max); the paper reports "
        "that JAK2 expression changes, no fold is public",
        ASSUMPTION,
        0.1,
        10.0,
    ),
    _p(
        "bypass",
        0.0,
        "pSTAT5, fraction of naive",
        "JAK2-independent STAT5 signal (b); 0 = off. Exists to "
        "show what the data would look like if persistence did not need JAK2",
        ASSUMPTION,
        0.0,
        5.0,
    ),
    _p("r_max", 0.035, "1/h", "maximal growth rate", ASSUMPTION, 0.001, 0.2),
    _p(
        "growth_half_signal",
        0.35,
        "pSTAT5, fraction of naive",
        "pSTAT5 level giving half-maximal growth (Ks)",
        ASSUMPTION,
        0.01,
        5.0,
    ),
    _p("growth_hill", 3.0, "1", "steepness of growth versus pSTAT5 (m)", ASSUMPTION, 0.5, 10.0),
    _p("death_rate", 0.004, "1/h", "signal-independent loss rate (d0)", ASSUMPTION, 0.0, 0.1),
    _p(
        "adapt_rate",
        0.075,
        "1/day",
        "rate at which the adaptation state grows under full inhibition (k_up)",
        ASSUMPTION,
        0.0,
        10.0,
    ),
    _p(
        "relax_half_time",
        4.0,
        "days",
        "half-time of relaxation of the adaptation state off drug; "
        "chosen so that 2 weeks off drug re-sensitise, as the ASH 2011 abstract reports",
        ASH_2011_CONSTRAINT,
        0.1,
        1e6,
    ),
    _p(
        "hsp90_K",
        100.0,
        "nM",
        "PU-H71 concentration that halves JAK2 protein (K_H)",
        MARUBAYASHI_2010,
        1.0,
        1e5,
    ),
    _p(
        "hsp90_hill",
        1.5,
        "1",
        "steepness of JAK2 loss versus PU-H71 dose (n_H)",
        ASSUMPTION,
        0.3,
        5.0,
    ),
    _p(
        "vivo_turnover",
        0.05,
        "1/day",
        "in-vivo illustration: rate at which clone sizes move towards their "
        "fitness-set equilibrium",
        ASSUMPTION,
        0.001,
        1.0,
    ),
    _p(
        "vivo_normal_fitness",
        0.8,
        "relative",
        "in-vivo illustration: fitness of normal cells relative to untreated "
        "JAK2-mutant cells (below 1, so the mutant clone dominates untreated disease)",
        ASSUMPTION,
        0.1,
        1.5,
    ),
    _p(
        "vivo_normal_drug_effect",
        0.2,
        "fraction",
        "in-vivo illustration: fitness loss of normal cells at full "
        "JAK2/JAK1 inhibition (cytopenias)",
        ASSUMPTION,
        0.0,
        1.0,
    ),
    _p(
        "hsp90_other_clients",
        0.0,
        "fraction",
        "extra JAK2-independent growth loss from other HSP90 clients "
        "at full PU-H71 effect; 0 = none",
        ASSUMPTION,
        0.0,
        1.0,
    ),
    _p(
        "pjak2_accumulation",
        3.0,
        "fold of naive",
        "activation-loop phosphorylation (pY1007/1008) of JAK2 held by a "
        "bound type I inhibitor, per JAK2 and relative to naive untreated cells (gamma): type I "
        "inhibitors bind the "
        "active conformation and protect the phosphorylated loop while pSTAT5 falls; a type II "
        "inhibitor does not. "
        "The rise is reported (Andraos et al., Cancer Discov 2012; Tvorogov et al., Sci Adv 2018); "
        "its size here is "
        "an assumption",
        ANDRAOS_2012,
        0.0,
        100.0,
    ),
)

# Drugs: cellular JAK2 potency K (nM) of a type I inhibitor on homodimer signalling and its Hill
# slope.
DRUG_PARAMS: tuple[Param, ...] = (
    _p(
        "K_ruxolitinib",
        130.0,
        "nM",
        "ruxolitinib (INCB18424) cellular JAK2 potency, near its Ba/F3 JAK2 "
        "V617F proliferation IC50 of 127 nM",
        QUINTAS_2010,
        0.1,
        1e5,
    ),
    _p(
        "K_fedratinib",
        300.0,
        "nM",
        "fedratinib (TG101348) cellular JAK2 potency, near its HEL and Ba/F3 "
        "JAK2 V617F proliferation IC50 of ~300 nM",
        WERNIG_2008,
        0.1,
        1e5,
    ),
    _p(
        "K_jak_inhibitor_1",
        100.0,
        "nM",
        "JAK Inhibitor I cellular JAK2 potency (no cellular prior in our sources)",
        ASSUMPTION,
        0.1,
        1e5,
    ),
    _p("drug_hill", 1.0, "1", "Hill slope of type I inhibition (n)", ASSUMPTION, 0.3, 5.0),
    _p(
        "jak1_ratio_ruxolitinib",
        3.3 / 2.8,
        "fold",
        "ruxolitinib potency on JAK1 relative to JAK2: enzyme IC50 "
        "JAK1 / JAK2 (rho; 1 = the drug blocks the partner as well as JAK2)",
        QUINTAS_2010_ENZYME,
        0.01,
        1e4,
    ),
    _p(
        "tyk2_ratio_ruxolitinib",
        19.0 / 2.8,
        "fold",
        "ruxolitinib enzyme IC50 TYK2 / JAK2",
        QUINTAS_2010_ENZYME,
        0.01,
        1e4,
    ),
    _p(
        "jak1_ratio_fedratinib",
        35.0,
        "fold",
        "fedratinib (TG101348) enzyme IC50 JAK1 / JAK2",
        WERNIG_2008_ENZYME,
        0.01,
        1e4,
    ),
    _p(
        "tyk2_ratio_fedratinib",
        35.0,
        "fold",
        "fedratinib enzyme IC50 TYK2 / JAK2: not in our checked sources; set "
        "equal to its JAK1 ratio",
        "assumption (no checked TYK2 value; set to the JAK1 ratio of Wernig et al. 2008)",
        0.01,
        1e4,
    ),
    _p(
        "jak1_ratio_jak_inhibitor_1",
        15.0,
        "fold",
        "JAK Inhibitor I (pyridone 6) enzyme IC50 JAK1 / JAK2, recalled "
        "as JAK1 15 nM (murine), JAK2 1 nM (Thompson et al., Bioorg Med Chem Lett 2002)",
        "assumption (recalled, not verified with our search tool: Thompson et al. 2002)",
        0.01,
        1e4,
    ),
    _p(
        "tyk2_ratio_jak_inhibitor_1",
        1.0,
        "fold",
        "JAK Inhibitor I enzyme IC50 TYK2 / JAK2, recalled as 1 nM / 1 nM (a pan-JAK inhibitor)",
        "assumption (recalled, not verified with our search tool: Thompson et al. 2002)",
        0.01,
        1e4,
    ),
    _p(
        "K_chz868",
        100.0,
        "nM",
        "CHZ868 (type II) cellular JAK2 potency: binds JAK2 in the inactive conformation, "
        "which trans-phosphorylation by a partner does not overcome (no heterodimer advantage, no "
        "pJAK2 "
        "accumulation)",
        TYPE_II_ASSUMPTION,
        0.1,
        1e5,
    ),
)

# Rival mechanisms of persistence (jakpersist/rivals/ names them; book chapter r2_rivals). Every
# default switches its mechanism off, so the heterodimer model's numbers are unchanged. None has a
# plausible range here: each rival declares its own plausible space in jakpersist/rivals/models.py
# (the robustness
# atlas samples none
# of these).
RIVAL_PARAMS: tuple[Param, ...] = (
    _p(
        "clone_start",
        0.0,
        "fraction",
        "share of the cells that belong to a resistant subclone (a second-site JAK2 "
        "mutant or a pre-existing tolerant clone) before any drug; 0 = one homogeneous population. "
        "When above 0 the "
        "adaptation state is the subclone's gain in share (selection) and the instructed "
        "adaptation is off",
        ASSUMPTION,
        0.0,
        0.5,
    ),
    _p(
        "clone_shift_ruxolitinib",
        1.0,
        "fold",
        "loss of ruxolitinib potency in the resistant subclone (1 = none)",
        ASSUMPTION,
        1.0,
        1e4,
    ),
    _p(
        "clone_shift_fedratinib",
        1.0,
        "fold",
        "loss of fedratinib potency in the resistant subclone (1 = none)",
        ASSUMPTION,
        1.0,
        1e4,
    ),
    _p(
        "clone_shift_jak_inhibitor_1",
        1.0,
        "fold",
        "loss of JAK Inhibitor I potency in the resistant subclone (1 = none)",
        ASSUMPTION,
        1.0,
        1e4,
    ),
    _p(
        "clone_cost",
        0.0,
        "fraction of r_max",
        "fitness cost of the resistant subclone: its maximal growth rate is "
        "r_max (1 - cost); off drug it loses the competition (0 = no cost)",
        ASSUMPTION,
        0.0,
        0.95,
    ),
    _p(
        "bypass_growth",
        0.0,
        "fraction",
        "adaptive JAK2-independent growth drive (MAPK / PI3K-AKT-like) at full "
        "adaptation: growth drive = 1 - (1 - STAT5 drive)(1 - bypass_growth z); it feeds growth, "
        "not STAT5 "
        "(0 = off)",
        ASSUMPTION,
        0.0,
        1.0,
    ),
    _p(
        "bypass_hsp90_client",
        0.0,
        "0 or 1",
        "1 = the bypass kinase is an HSP90 client, lost with JAK2 under "
        "PU-H71 (same K_H); 0 = it is not",
        ASSUMPTION,
        0.0,
        1.0,
    ),
    _p(
        "clone_jak2_allele",
        1.0,
        "0 or 1",
        "1 = the resistant subclone's resistance is a second-site JAK2 "
        "kinase-domain allele, which sequencing of the population can find; 0 = it is not in JAK2 "
        "(non-genetic "
        "tolerance or another gene). Read by claim C8 only",
        ASSUMPTION,
        0.0,
        1.0,
    ),
    _p(
        "efflux_ruxolitinib",
        1.0,
        "fold",
        "fold less ruxolitinib inside fully adapted cells (efflux or "
        "sequestration; the intracellular dose is D / (1 + (fold - 1) z), reversible with z; 1 = "
        "none)",
        ASSUMPTION,
        1.0,
        1e4,
    ),
    _p(
        "efflux_fedratinib",
        1.0,
        "fold",
        "fold less fedratinib inside fully adapted cells (1 = none)",
        ASSUMPTION,
        1.0,
        1e4,
    ),
    _p(
        "efflux_jak_inhibitor_1",
        1.0,
        "fold",
        "fold less JAK Inhibitor I inside fully adapted cells (1 = none)",
        ASSUMPTION,
        1.0,
        1e4,
    ),
    _p(
        "efflux_hsp90",
        1.0,
        "fold",
        "fold less PU-H71 inside fully adapted cells (1 = none)",
        ASSUMPTION,
        1.0,
        1e4,
    ),
    _p(
        "cytokine_signal",
        0.0,
        "fraction of naive pSTAT5",
        "extrinsic cytokine protection at full adaptation: a "
        "paracrine cytokine (IL-6-like) signals to STAT5 through receptors that use JAK1 or TYK2, "
        "not JAK2; its pSTAT5 "
        "is C z (JAK1 I(D; rho_JAK1 K) + TYK2 I(D; rho_TYK2 K)) / P_naive, rising with adaptation "
        "z and relaxing off "
        "drug (0 = off)",
        ASSUMPTION,
        0.0,
        10.0,
    ),
)

DRUGS: tuple[str, ...] = ("ruxolitinib", "fedratinib", "jak_inhibitor_1")
#: The HSP90 inhibitor: wherever it stands in for a drug, it degrades JAK2 instead of inhibiting it.
HSP90_INHIBITOR = "PU-H71"
#: The type II JAK2 inhibitor of the predicted arm (not one of DRUGS: no claim's rule reads it).
TYPE_II_INHIBITOR = "CHZ868"
#: The partner kinases of JAK2 in a heterodimer (their potency ratios are declared per drug).
PARTNERS: tuple[str, ...] = ("jak1", "tyk2")
DRUG_LABELS: dict[str, str] = {
    "ruxolitinib": "ruxolitinib (INCB18424)",
    "fedratinib": "fedratinib (TG101348)",
    "jak_inhibitor_1": "JAK Inhibitor I",
}

# --------------------------------------------------------------------------------------------
# Settings of the virtual experiments (designs of the simulated assays). The chapters' file and
# analysis settings (data_path, GEO patterns, GSEA permutations, GDSC line, hts007 drug) are
# declared in jakpersist/claims/params.py, the book's (atlas_dir, rivals_dir, focus_claim) in
# jakpersist/book/params.py.
# --------------------------------------------------------------------------------------------
RUN_PARAMS: tuple[Param, ...] = (
    _p(
        "seed",
        2012,
        "",
        "random seed for every simulated measurement and every bootstrap",
        "run setting",
        0,
        2**32 - 1,
        kind="run",
        type=int,
    ),
    _p(
        "n_boot",
        500,
        "resamples",
        "bootstrap resamples for confidence intervals",
        "run setting",
        50,
        20000,
        kind="run",
        type=int,
    ),
    _p(
        "n_replicates",
        3,
        "replicates",
        "replicates per condition (wells per dose on a plate, samples per "
        "population in an expression experiment)",
        "run setting",
        1,
        24,
        kind="run",
        type=int,
    ),
    _p(
        "noise_sd",
        0.05,
        "fraction of vehicle",
        "s.d. of the simulated read-out noise",
        ASSUMPTION,
        0.0,
        1.0,
        kind="run",
    ),
    _p(
        "assay_hours",
        72.0,
        "h",
        "duration of the viability assay",
        "run setting",
        1.0,
        240.0,
        kind="run",
    ),
    _p(
        "top_dose_nM",
        10000.0,
        "nM",
        "highest dose of the dilution series",
        "run setting",
        1.0,
        1e6,
        kind="run",
    ),
    _p(
        "n_doses",
        10,
        "doses",
        "number of doses in the dilution series (plus vehicle)",
        "run setting",
        4,
        24,
        kind="run",
        type=int,
    ),
    _p(
        "dilution",
        3.0,
        "fold",
        "dilution factor between consecutive doses",
        "run setting",
        1.5,
        10.0,
        kind="run",
    ),
    _p(
        "selection_drug",
        "ruxolitinib",
        "",
        "drug used to make the persistent cells",
        "run setting",
        choices=DRUGS,
        kind="run",
        type=str,
    ),
    _p(
        "chronic_dose_nM",
        1000.0,
        "nM",
        "dose kept on the cells while persistence is acquired",
        "run setting",
        0.0,
        1e5,
        kind="run",
    ),
    _p(
        "chronic_days",
        42.0,
        "days",
        "time under the chronic dose before the experiment",
        "run setting",
        0.0,
        365.0,
        kind="run",
    ),
    _p(
        "withdrawal_days",
        14.0,
        "days",
        "time off drug before re-testing; 2 weeks in the ASH 2011 abstract",
        "run setting",
        0.0,
        365.0,
        kind="run",
    ),
    _p(
        "knockdown_fraction",
        0.9,
        "fraction",
        "share of the targeted protein removed by the shRNA",
        "assumption",
        0.0,
        0.99,
        kind="run",
    ),
    _p(
        "n_blots",
        6,
        "blots",
        "replicate blots (or co-IPs) per comparison",
        "run setting",
        2,
        24,
        kind="run",
        type=int,
    ),
    _p(
        "band_noise_sd",
        0.15,
        "log units",
        "s.d. of simulated multiplicative band noise",
        ASSUMPTION,
        0.0,
        1.0,
        kind="run",
    ),
    _p(
        "rechallenge_days",
        42.0,
        "days",
        "time back on the chronic dose after withdrawal",
        "run setting",
        0.0,
        365.0,
        kind="run",
    ),
    _p(
        "seq_reads",
        1000,
        "reads",
        "sequencing reads covering each candidate second-site position of JAK2 "
        "(amplicon sequencing of the persistent population)",
        "assumption: a typical targeted-sequencing depth",
        10,
        1000000,
        kind="run",
        type=int,
    ),
    _p(
        "seq_detection_vaf",
        0.02,
        "read fraction",
        "detection limit: a candidate allele is called when at least "
        "this fraction of the reads carry it",
        "assumption: a typical limit of targeted sequencing",
        0.0,
        0.5,
        kind="run",
    ),
    _p(
        "n_timepoints",
        8,
        "time points",
        "GI50 measurements during withdrawal (day 0 to withdrawal_days)",
        "run setting",
        3,
        30,
        kind="run",
        type=int,
    ),
    _p(
        "hsp90_dose_nM",
        300.0,
        "nM",
        "PU-H71 dose used for the JAK2 degradation blot and the degrader arm",
        "run setting",
        0.0,
        1e5,
        kind="run",
    ),
    _p(
        "treatment",
        "ruxolitinib",
        "",
        "treatment arm of the in-vivo illustration: a JAK2 inhibitor or the JAK2 degrader PU-H71",
        "run setting",
        choices=(*DRUGS, HSP90_INHIBITOR),
        kind="run",
        type=str,
    ),
    _p(
        "treatment_weeks",
        24.0,
        "weeks",
        "in-vivo illustration: weeks on treatment before withdrawal",
        "run setting",
        1.0,
        520.0,
        kind="run",
    ),
    _p(
        "pause_weeks",
        6.0,
        "weeks",
        "in-vivo illustration: weeks off treatment before re-dosing",
        "run setting",
        0.0,
        520.0,
        kind="run",
    ),
    _p(
        "redose_weeks",
        12.0,
        "weeks",
        "in-vivo illustration: weeks of re-dosing",
        "run setting",
        0.0,
        520.0,
        kind="run",
    ),
)

#: Plausible ranges of the model's parameters (name -> (lo, hi), log-uniform?, why). The valid range
#: says what the code accepts; the plausible range what a reader could defend. Used by the
#: robustness atlas.
PLAUSIBLE: dict[str, tuple[tuple[float, float], bool, str]] = {
    "hetero_advantage": (
        (1.0, 100.0),
        True,
        "assumption: no measurement exists; 1 = no advantage, 100 = trans-"
        "activated JAK2 nearly immune at clinical doses",
    ),
    "pairing_affinity": (
        (0.25, 4.0),
        True,
        "assumption: no measurement; within 4-fold of JAK2-JAK2 pairing",
    ),
    "partner_naive": ((0.05, 0.5), True, "assumption: partners scarcer than JAK2 in naive cells"),
    "partner_max": (
        (0.2, 3.0),
        True,
        "assumption: from no rise (the naive default, 0.2) to 15-fold",
    ),
    "jak1_share": (
        (0.2, 0.8),
        False,
        "assumption: both partners co-precipitate (Nature abstract), shares unknown",
    ),
    "jak2_max": (
        (1.0, 5.0),
        False,
        "assumption: JAK2 expression changes with persistence (Nature abstract), no "
        "fold is public; 1 = unchanged, up to 5-fold so that a JAK2-dosage rival fits in the range",
    ),
    "bypass": (
        (0.0, 0.3),
        False,
        "assumption: the paper's cells depend on JAK2 (Nature abstract); up to 30% of "
        "naive pSTAT5 from elsewhere",
    ),
    "r_max": (
        (0.02, 0.05),
        False,
        "assumption: doubling times of about 14-35 h, typical of leukaemia lines",
    ),
    "growth_half_signal": ((0.15, 0.6), False, "assumption"),
    "growth_hill": ((1.5, 5.0), False, "assumption"),
    "death_rate": ((0.0, 0.01), False, "assumption"),
    "adapt_rate": (
        (0.03, 0.2),
        True,
        "assumption: persistence is acquired over weeks of exposure (ASH 2011 "
        "abstract: cells grown in drug)",
    ),
    "relax_half_time": (
        (2.0, 21.0),
        True,
        "constraint, not a prior: the ASH 2011 abstract reports that 2 weeks off "
        "drug re-sensitise; sampled to 21 days so that the observation can fail in the model",
    ),
    "hsp90_K": (
        (30.0, 300.0),
        True,
        "assumption after Marubayashi et al. 2010: JAK2 degraded at 100s of nM PU-H71",
    ),
    "hsp90_hill": ((1.0, 3.0), False, "assumption"),
    "vivo_turnover": ((0.02, 0.1), True, "assumption: clone sizes move over weeks to months"),
    "vivo_normal_fitness": (
        (0.6, 0.95),
        False,
        "assumption: the mutant clone dominates untreated disease",
    ),
    "vivo_normal_drug_effect": ((0.05, 0.4), False, "assumption: JAK inhibitors cause cytopenias"),
    "hsp90_other_clients": (
        (0.0, 0.5),
        False,
        "assumption: HSP90 has other clients (AKT, RAF and others); 0 = "
        "none, the default, which leaves PU-H71 acting through JAK2 alone",
    ),
    "knockdown_fraction": (
        (0.6, 0.9),
        False,
        "assumption: an shRNA typically removes 60-90% of the protein (not "
        "measured here; the chapters use 90%)",
    ),
    "K_ruxolitinib": (
        (65.0, 260.0),
        True,
        "Quintas-Cardama et al. 2010: Ba/F3 JAK2 V617F IC50 127 nM, +-2-fold",
    ),
    "K_fedratinib": (
        (150.0, 600.0),
        True,
        "Wernig et al. 2008: HEL / Ba/F3 JAK2 V617F IC50 ~300 nM, +-2-fold",
    ),
    "K_jak_inhibitor_1": ((30.0, 300.0), True, "assumption: no cellular prior in our sources"),
    "drug_hill": ((0.7, 1.5), False, "assumption: type I inhibitors near Hill slope 1"),
}


def _with_plausible(p: Param) -> Param:
    if p.name not in PLAUSIBLE:
        return p
    (lo, hi), log, why = PLAUSIBLE[p.name]
    if (
        not (p.lo is None or p.lo <= lo)
        or not (p.hi is None or hi <= p.hi)
        or not lo <= p.default <= hi
    ):
        raise ValueError(
            f"plausible range of {p.name} ({lo}, {hi}) must lie in its valid range and hold its "
            f"default {p.default}"
        )
    return replace(p, plausible=(lo, hi), plausible_why=why, log_scale=log)


def with_short(params: tuple[Param, ...], short: Mapping[str, str]) -> tuple[Param, ...]:
    """``params`` with the short help of ``short`` (name -> text) set; raises KeyError naming a
    name of ``short`` that is not among ``params``."""
    stray = sorted(set(short) - {p.name for p in params})
    if stray:
        raise KeyError(f"short help for undeclared parameter(s): {', '.join(stray)}")
    return tuple(replace(p, short=short[p.name]) if p.name in short else p for p in params)


#: The comment beside each parameter in the chapters' ``parameters`` cells (one wording for every
#: chapter that exposes it; the full text is ``help``).
SHORT: dict[str, str] = {
    "hetero_advantage": "how much less the drug blocks JAK2 in heterodimers (fold; 1 means none)",
    "trans_gating": "how far the heterodimer escape needs the partner kinase active "
    "(0: drug-agnostic escape)",
    "pairing_affinity": "JAK2 affinity for JAK1/TYK2 relative to JAK2 (per relative level)",
    "partner_naive": "JAK1+TYK2 level available for pairing in naive cells (relative level)",
    "partner_max": "JAK1+TYK2 level in fully adapted cells (relative to naive JAK2)",
    "jak2_max": "JAK2 expression in fully adapted cells (fold of naive)",
    "bypass": "JAK2-independent STAT5 signal (fraction of naive pSTAT5; 0 is off)",
    "adapt_rate": "growth rate of the adaptation state under full inhibition (1/day)",
    "relax_half_time": "half-time of relaxation of the adaptation state off drug (days)",
    "hsp90_K": "PU-H71 dose that halves JAK2 protein (nM)",
    "hsp90_other_clients": "extra growth loss from other HSP90 clients at full effect (fraction)",
    "vivo_turnover": "rate at which clone sizes move towards equilibrium (1/day)",
    "vivo_normal_fitness": "fitness of normal cells relative to untreated mutant cells",
    "vivo_normal_drug_effect": "fitness loss of normal cells at full inhibition (fraction)",
    "clone_start": "share of cells in a resistant subclone before any drug (0: none; rivals R2 "
    "and R5)",
    "clone_shift_ruxolitinib": "ruxolitinib potency lost in that subclone (fold; 1: none)",
    "seed": "random seed for every simulated measurement and resampling",
    "n_boot": "bootstrap resamples for the GI50 intervals (resamples)",
    "n_replicates": "replicates per condition: wells per dose, or samples per population in a "
    "stand-in",
    "noise_sd": "s.d. of simulated viability noise (fraction of vehicle)",
    "assay_hours": "viability assay duration (h)",
    "top_dose_nM": "highest dose of the dilution series (nM)",
    "n_doses": "doses in the dilution series, plus a vehicle well (doses)",
    "dilution": "dilution factor between doses (fold)",
    "selection_drug": "drug used to make and test the persistent cells",
    "chronic_dose_nM": "dose kept on the cells while persistence is acquired (nM)",
    "chronic_days": "time under the chronic dose (days)",
    "hsp90_dose_nM": "PU-H71 dose for the JAK2 degradation blot and the degrader arm (nM)",
    "treatment": "treatment arm (ruxolitinib, fedratinib, jak_inhibitor_1, or the JAK2 degrader "
    "PU-H71)",
    "treatment_weeks": "weeks on treatment before a pause (weeks)",
    "pause_weeks": "weeks off treatment (weeks)",
    "redose_weeks": "weeks of re-dosing after the pause (weeks)",
    "seq_reads": "sequencing reads per candidate second-site position of JAK2 (reads)",
    "seq_detection_vaf": "read fraction at which a candidate allele is called",
    "n_blots": "replicate blots (or co-IPs) per population (blots)",
    "band_noise_sd": "s.d. of simulated multiplicative band noise (log units)",
    "knockdown_fraction": "share of the targeted kinase removed by its shRNA (fraction)",
    "withdrawal_days": "time off drug before re-testing (days)",
    "rechallenge_days": "time back on the chronic dose after withdrawal (days)",
    "n_timepoints": "GI50 measurements during withdrawal (time points)",
}

MODEL_PARAMS = tuple(_with_plausible(p) for p in MODEL_PARAMS)
DRUG_PARAMS = tuple(_with_plausible(p) for p in DRUG_PARAMS)
RUN_PARAMS = tuple(
    _with_plausible(p) for p in RUN_PARAMS
)  # a run setting may be sampled too (knock-down)


def _short_of(params: tuple[Param, ...]) -> tuple[Param, ...]:
    names = {p.name for p in params}
    return with_short(params, {k: v for k, v in SHORT.items() if k in names})


MODEL_PARAMS, DRUG_PARAMS, RUN_PARAMS, RIVAL_PARAMS = (
    _short_of(MODEL_PARAMS),
    _short_of(DRUG_PARAMS),
    _short_of(RUN_PARAMS),
    _short_of(RIVAL_PARAMS),
)
ALL_PARAMS: dict[str, Param] = {
    p.name: p for p in (*MODEL_PARAMS, *DRUG_PARAMS, *RUN_PARAMS, *RIVAL_PARAMS)
}


_DECLARED: dict[str, Param] = {p.name: p for p in (*MODEL_PARAMS, *DRUG_PARAMS, *RIVAL_PARAMS)}


def _value(x: Any) -> Any:
    """A parameter's value: a float, or the array itself when the parameters hold one value per
    point (the vectorised fast mode builds ModelParams with array fields; every model kernel
    broadcasts over them)."""
    return float(x) if np.ndim(x) == 0 else x


def _d(name: str) -> float:
    """The declared default of a model parameter (its one declaration is above), as a float."""
    return float(_DECLARED[name].default)


@dataclass(frozen=True)
class ModelParams:
    """Values of the mechanistic model's parameters: one field per entry of MODEL_PARAMS,
    DRUG_PARAMS and RIVAL_PARAMS, each defaulting to its declaration above (units, ranges and
    provenance are there).

    A new declaration needs its field here too (same name, ``= _d("name")``); importing the module
    fails otherwise, naming the missing field.
    """

    # the mechanistic model
    hetero_advantage: float = _d("hetero_advantage")
    trans_gating: float = _d("trans_gating")
    pairing_affinity: float = _d("pairing_affinity")
    partner_naive: float = _d("partner_naive")
    partner_max: float = _d("partner_max")
    jak1_share: float = _d("jak1_share")
    jak2_max: float = _d("jak2_max")
    bypass: float = _d("bypass")
    r_max: float = _d("r_max")
    growth_half_signal: float = _d("growth_half_signal")
    growth_hill: float = _d("growth_hill")
    death_rate: float = _d("death_rate")
    adapt_rate: float = _d("adapt_rate")
    relax_half_time: float = _d("relax_half_time")
    hsp90_K: float = _d("hsp90_K")
    hsp90_hill: float = _d("hsp90_hill")
    vivo_turnover: float = _d("vivo_turnover")
    vivo_normal_fitness: float = _d("vivo_normal_fitness")
    vivo_normal_drug_effect: float = _d("vivo_normal_drug_effect")
    hsp90_other_clients: float = _d("hsp90_other_clients")
    pjak2_accumulation: float = _d("pjak2_accumulation")
    # drugs
    K_ruxolitinib: float = _d("K_ruxolitinib")
    K_fedratinib: float = _d("K_fedratinib")
    K_jak_inhibitor_1: float = _d("K_jak_inhibitor_1")
    drug_hill: float = _d("drug_hill")
    jak1_ratio_ruxolitinib: float = _d("jak1_ratio_ruxolitinib")
    tyk2_ratio_ruxolitinib: float = _d("tyk2_ratio_ruxolitinib")
    jak1_ratio_fedratinib: float = _d("jak1_ratio_fedratinib")
    tyk2_ratio_fedratinib: float = _d("tyk2_ratio_fedratinib")
    jak1_ratio_jak_inhibitor_1: float = _d("jak1_ratio_jak_inhibitor_1")
    tyk2_ratio_jak_inhibitor_1: float = _d("tyk2_ratio_jak_inhibitor_1")
    K_chz868: float = _d("K_chz868")
    # rival mechanisms (switched off by default)
    clone_start: float = _d("clone_start")
    clone_shift_ruxolitinib: float = _d("clone_shift_ruxolitinib")
    clone_shift_fedratinib: float = _d("clone_shift_fedratinib")
    clone_shift_jak_inhibitor_1: float = _d("clone_shift_jak_inhibitor_1")
    clone_cost: float = _d("clone_cost")
    bypass_growth: float = _d("bypass_growth")
    bypass_hsp90_client: float = _d("bypass_hsp90_client")
    clone_jak2_allele: float = _d("clone_jak2_allele")
    efflux_ruxolitinib: float = _d("efflux_ruxolitinib")
    efflux_fedratinib: float = _d("efflux_fedratinib")
    efflux_jak_inhibitor_1: float = _d("efflux_jak_inhibitor_1")
    efflux_hsp90: float = _d("efflux_hsp90")
    cytokine_signal: float = _d("cytokine_signal")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ModelParams:
        """Build from any mapping, taking only the model's own names (others are ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in values.items() if k in names})

    def potency(self, drug: str) -> Any:
        """Cellular JAK2 potency K (nM) of ``drug`` (an array when the parameters are arrays);
        raises ValueError for an unknown drug."""
        if drug not in DRUGS:
            raise ValueError(f"unknown drug {drug!r}; valid: {', '.join(DRUGS)}")
        return _value(getattr(self, f"K_{drug}"))

    def per_drug(self, prefix: str, drug: str) -> Any:
        """A rival mechanism's per-drug value ``<prefix>_<drug>`` (e.g.
        ``clone_shift_ruxolitinib``)."""
        if drug not in DRUGS:
            raise ValueError(f"unknown drug {drug!r}; valid: {', '.join(DRUGS)}")
        return _value(getattr(self, f"{prefix}_{drug}"))

    def partner_ratio(self, partner: str, drug: str) -> Any:
        """The drug's potency on ``partner`` ("jak1" or "tyk2") relative to JAK2 (enzyme IC50
        ratio), as stored: a number or an array (never cast, so that arrays of parameter points
        broadcast)."""
        if drug not in DRUGS or partner not in PARTNERS:
            raise ValueError(
                f"unknown drug {drug!r} or partner {partner!r}; valid: {', '.join(DRUGS)}; "
                f"{', '.join(PARTNERS)}"
            )
        return getattr(self, f"{partner}_ratio_{drug}")

    @property
    def rivals_on(self) -> bool:
        """True when any rival mechanism (RIVAL_PARAMS) is away from its switched-off default (at
        any point, for array-valued parameters)."""
        return any(
            bool(np.any(np.asarray(getattr(self, p.name)) != float(p.default)))
            for p in RIVAL_PARAMS
        )


_unmatched = sorted(set(_DECLARED) ^ {f.name for f in fields(ModelParams)})
if _unmatched:
    raise ImportError(
        "jakpersist.model.params: ModelParams and the declarations differ on "
        f"{', '.join(_unmatched)}: "
        'give each declared model, drug or rival parameter a field `name: float = _d("name")`'
    )


def default_of(name: str) -> Any:
    """Default value of a declared parameter."""
    return ALL_PARAMS[name].default


__all__ = [
    "Param",
    "MODEL_PARAMS",
    "DRUG_PARAMS",
    "RUN_PARAMS",
    "RIVAL_PARAMS",
    "ALL_PARAMS",
    "ModelParams",
    "DRUGS",
    "HSP90_INHIBITOR",
    "TYPE_II_INHIBITOR",
    "PARTNERS",
    "DRUG_LABELS",
    "default_of",
    "PLAUSIBLE",
    "SHORT",
    "with_short",
]
