"""The rival explanations of persistence as named variants of the one model, each with its plausible
space.

Every variant is the book's model (:mod:`jakpersist.model`) with some mechanisms switched on or off:
H0 is the heterodimer model as the chapters run it (its drugs' partner/JAK2 potency ratios sampled
around the declared values); R1-R6 switch the heterodimer mechanism off (no trans-activation
advantage, no rise of the partner pool) and one rival mechanism on. All variants share the
background parameters (growth, drug potencies, PU-H71, in-vivo illustration, constant STAT5 bypass,
...) with their plausible ranges from :data:`jakpersist.model.params.PLAUSIBLE`, so that a
difference between models comes from the mechanism only.

Provenance tags follow the book: a range with no cited source is an assumption and says so.
References marked "checked" were verified with the project's search tool; the others are the
REFERENCE notes' [V] items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..model.params import ALL_PARAMS, PLAUSIBLE

#: Parameters that carry the heterodimer mechanism and its adaptation (each variant sets them
#: itself).
MECHANISM = ("hetero_advantage", "partner_max", "jak2_max", "adapt_rate", "relax_half_time")


@dataclass(frozen=True)
class Range:
    """A plausible range of one parameter: ``lo``-``hi`` in its own unit, log-uniform when ``log``;
    ``flag``: the parameter is 0 or 1 with equal probability (lo/hi ignored). ``why``: provenance,
    one line."""

    name: str
    lo: float
    hi: float
    log: bool = False
    why: str = "assumption"
    flag: bool = False

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map uniform draws on [0, 1) to values."""
        if self.flag:
            return (u >= 0.5).astype(float)
        if self.log:
            return 10 ** (np.log10(self.lo) + u * (np.log10(self.hi) - np.log10(self.lo)))
        return self.lo + u * (self.hi - self.lo)

    def scaled(self, factor: float) -> "Range":
        """The range with its width times ``factor`` around its centre (in log space when
        log-uniform), clipped to the parameter's valid range
        (:data:`jakpersist.model.params.ALL_PARAMS`; a log range stays above 0): the
        prior-sensitivity check. A 0/1 flag is unchanged."""
        if self.flag or factor == 1.0:
            return self
        p = ALL_PARAMS.get(self.name)
        vlo = -np.inf if p is None or p.lo is None else float(p.lo)
        vhi = np.inf if p is None or p.hi is None else float(p.hi)
        if self.log:
            c, h = (
                (np.log10(self.lo) + np.log10(self.hi)) / 2,
                factor * (np.log10(self.hi) - np.log10(self.lo)) / 2,
            )
            lo, hi = 10 ** (c - h), 10 ** (c + h)
            vlo = max(vlo, 1e-12)
        else:
            c, h = (self.lo + self.hi) / 2, factor * (self.hi - self.lo) / 2
            lo, hi = c - h, c + h
        return Range(
            self.name, float(max(lo, vlo)), float(min(hi, vhi)), self.log, self.why, self.flag
        )


@dataclass(frozen=True)
class Variant:
    """A named model variant: its own ranges (on top of the shared background), fixed values, and
    ties (``{"partner_max": "partner_naive"}``: the first takes the second's sampled value)."""

    name: str
    title: str
    description: str
    signature: str
    ranges: tuple[Range, ...]
    fixed: Mapping[str, float] = field(default_factory=dict)
    ties: Mapping[str, str] = field(default_factory=dict)

    def space(self) -> tuple[Range, ...]:
        """Every sampled range: the shared background, then the variant's own (which override)."""
        own = {r.name for r in self.ranges} | set(self.fixed) | set(self.ties)
        return (*(r for r in background() if r.name not in own), *self.ranges)

    def sample(self, n: int, seed: int, scale: float = 1.0) -> tuple[tuple[str, ...], np.ndarray]:
        """``n`` independent uniform draws from the plausible space (seeded): (names, values of
        shape (n, k)), ties included as columns. Independent draws make the binomial intervals of
        the shares exact. ``scale``: every range's width times this factor (:meth:`Range.scaled`;
        the prior-sensitivity check)."""
        rs = tuple(r.scaled(scale) for r in self.space())
        u = np.random.default_rng(seed).random((n, len(rs)))
        cols = {r.name: r.from_unit(u[:, j]) for j, r in enumerate(rs)}
        for tied, source in self.ties.items():
            cols[tied] = cols[source] if source in cols else np.full(n, float(self.fixed[source]))
        names = tuple(cols)
        return names, np.column_stack([cols[k] for k in names])

    def holds_fixed(self) -> tuple[str, ...]:
        """The changes of the cells this variant rules out by definition: "partner pool" when the
        partner level in adapted cells is tied to the naive one, "JAK2 level" when the JAK2 level
        in adapted cells is fixed at the naive level (1). An observation that needs such a change
        fails at every point of the variant's space: by construction, not by a result."""
        out = []
        if self.ties.get("partner_max") == "partner_naive":
            out.append("partner pool")
        if self.fixed.get("jak2_max") == 1.0:
            out.append("JAK2 level")
        return tuple(out)

    def describe(self) -> list[dict]:
        """The plausible space as records (name, lo, hi, scale, why) plus the fixed and tied
        parameters."""
        out = [
            {
                "name": r.name,
                "lo": r.lo,
                "hi": r.hi,
                "scale": "0 or 1" if r.flag else "log-uniform" if r.log else "uniform",
                "why": r.why,
            }
            for r in self.space()
        ]
        out += [{"name": k, "fixed": v} for k, v in self.fixed.items()]
        out += [{"name": k, "equals": v} for k, v in self.ties.items()]
        return out


def background() -> tuple[Range, ...]:
    """The shared background: every plausible range of the model except the mechanism's own
    (MECHANISM)."""
    return tuple(
        Range(n, float(lo), float(hi), bool(log), why)
        for n, ((lo, hi), log, why) in PLAUSIBLE.items()
        if n not in MECHANISM
    )


def _plausible(name: str) -> Range:
    (lo, hi), log, why = PLAUSIBLE[name]
    return Range(name, float(lo), float(hi), bool(log), why)


#: No heterodimer mechanism: no trans-activation advantage and a partner pool that does not change.
_NO_HETERODIMER = {"hetero_advantage": 1.0}
_NO_PARTNER_CHANGE = {"partner_max": "partner_naive"}
_ADAPTIVE = (_plausible("adapt_rate"), _plausible("relax_half_time"))

#: Each drug's enzyme IC50 ratios partner/JAK2, sampled around the declared values (model/params.py,
#: with their provenance) so that no comparison rests on point values: x/÷ 2.5 around a published
#: ratio (enzyme assays differ between laboratories and ATP concentrations, and an enzyme ratio read
#: as a cellular ratio is itself an assumption), x/÷ 10 around a value that is an assumption or a
#: recollection.
_POTENCY_RATIOS = (
    Range(
        "jak1_ratio_ruxolitinib",
        3.3 / 2.8 / 2.5,
        3.3 / 2.8 * 2.5,
        True,
        "Quintas-Cardama et al. 2010 (enzyme IC50 "
        "JAK1 3.3, JAK2 2.8 nM, from the reference notes), x/÷ 2.5 (assumption: assay-to-assay and "
        "enzyme-to-cell "
        "spread)",
    ),
    Range(
        "tyk2_ratio_ruxolitinib",
        19.0 / 2.8 / 2.5,
        19.0 / 2.8 * 2.5,
        True,
        "Quintas-Cardama et al. 2010 (TYK2 19 nM), x/÷ 2.5 (assumption)",
    ),
    Range(
        "jak1_ratio_fedratinib",
        35.0 / 2.5,
        35.0 * 2.5,
        True,
        "Wernig et al. 2008 (35-fold, checked), x/÷ 2.5 (assumption)",
    ),
    Range(
        "tyk2_ratio_fedratinib",
        3.5,
        350.0,
        True,
        "assumption (no checked TYK2 value): 35-fold x/÷ 10",
    ),
    Range(
        "jak1_ratio_jak_inhibitor_1",
        1.5,
        150.0,
        True,
        "assumption (recalled 15-fold, Thompson et al. 2002, not verified): x/÷ 10",
    ),
    Range(
        "tyk2_ratio_jak_inhibitor_1",
        0.1,
        10.0,
        True,
        "assumption (recalled 1-fold, a pan-JAK inhibitor, not verified): x/÷ 10",
    ),
)

VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant(
            "H0",
            "heterodimer trans-activation (the paper's mechanism)",
            "Chronic type I JAK2 inhibition selects for, or induces, JAK2 that signals in "
            "heterodimers with JAK1 or TYK2: "
            "the partner pool available for pairing rises with adaptation and trans-activated JAK2 "
            "escapes the drug by a "
            "factor (hetero_advantage) while the drug spares its partner kinase (each drug's "
            "JAK1/TYK2 enzyme IC50 "
            "ratios, sampled around the published values); JAK2 expression rises too. Reversible "
            "off drug. This is the book's "
            "model exactly as the chapters run it, over the robustness atlas's plausible space "
            "(Koppikar et al., Nature "
            "2012 abstract; the binding-mode reading after Meyer et al., Cancer Cell 2015).",
            "the partner/JAK2 co-IP ratio rises, and partner knock-down re-sensitises",
            (
                _plausible("hetero_advantage"),
                _plausible("partner_max"),
                _plausible("jak2_max"),
                *_ADAPTIVE,
                *_POTENCY_RATIOS,
            ),
        ),
        Variant(
            "R1",
            "JAK2 over-expression or amplification alone",
            "Persistent cells raise JAK2 (gene amplification, V617F dosage, stabilisation) until "
            "enough JAK2 survives "
            "the drug; the partner pool and the trans-activation advantage do not change. JAK2 "
            "copy number is known to "
            "rise in an MPN line in culture (UKE-1 cells gained JAK2 gene copies by clonal "
            "evolution in culture: 'Clonal evolution in UKE-1 cell line leading to an increase in "
            "JAK2 copy number', Blood Cancer J 2012, 2:e66, doi:10.1038/bcj.2012.11; title, "
            "journal, article number, DOI and finding checked with the search tool, authors not); "
            "up to ~8-fold "
            "is an assumption. Adaptive and reversible like H0.",
            "the partner/JAK2 co-IP ratio falls (more JAK2, the same partners); partner knock-down "
            "changes nothing",
            (
                Range(
                    "jak2_max",
                    1.0,
                    8.0,
                    False,
                    "assumption: up to ~8-fold JAK2 (a JAK2 copy-number rise in culture is "
                    "reported for one MPN line, UKE-1: Blood Cancer J 2012, 2:e66, checked; the "
                    "fold is not from it)",
                ),
                _plausible("partner_naive"),
                *_ADAPTIVE,
            ),
            fixed=_NO_HETERODIMER,
            ties=_NO_PARTNER_CHANGE,
        ),
        Variant(
            "R2",
            "a second-site JAK2 kinase-domain mutation",
            "A rare pre-existing cell carries a JAK2 kinase-domain mutation (resistance mutations "
            "such as G935R, Y931C "
            "and E864K are reported: Weigert et al., J Exp Med 2012) that lowers the potency of "
            "each inhibitor by its own "
            "factor (how much each drug loses is an assumption, drawn independently per drug) and "
            "is selected under "
            "drug. Genetic, hence irreversible for each cell; "
            "an optional fitness cost lets the sensitive cells win back slowly off drug. No "
            "heterodimer change, JAK2 "
            "level unchanged. Starting share and cost ranges are assumptions.",
            "no re-sensitisation after two weeks off drug; cross-persistence differs by drug",
            (
                Range(
                    "clone_start",
                    1e-7,
                    1e-4,
                    True,
                    "assumption: a rare mutant cell, 1 in 10^7 to 1 in 10^4",
                ),
                Range(
                    "clone_shift_ruxolitinib",
                    1.0,
                    1000.0,
                    True,
                    "assumption: potency loss 1-1000-fold, drawn per drug "
                    "(resistance mutations exist: Weigert et al. 2012; their per-drug losses are "
                    "not in our sources)",
                ),
                Range(
                    "clone_shift_fedratinib", 1.0, 1000.0, True, "assumption, as for ruxolitinib"
                ),
                Range(
                    "clone_shift_jak_inhibitor_1",
                    1.0,
                    1000.0,
                    True,
                    "assumption, as for ruxolitinib",
                ),
                Range(
                    "clone_cost",
                    0.0,
                    0.3,
                    False,
                    "assumption: an optional fitness cost, up to 30% of r_max",
                ),
            ),
            fixed={**_NO_HETERODIMER, "jak2_max": 1.0, "clone_jak2_allele": 1.0},
            ties=_NO_PARTNER_CHANGE,
        ),
        Variant(
            "R3",
            "an adaptive JAK2-independent bypass (MAPK / PI3K-AKT-like)",
            "Chronic inhibition induces a JAK2-independent growth pathway that rises with "
            "adaptation and feeds growth "
            "(not STAT5): JAK2 inhibitors still block STAT5, but the cells grow anyway. Reversible "
            "off drug. Whether the "
            "bypass kinase is an HSP90 client (so that PU-H71 also removes it) is a 0/1 parameter. "
            "Compensatory "
            "PI3K/AKT or PIM signalling under JAK2 inhibition is reported (Mazzacurati et al. "
            "2019, a [V] item of the "
            "review); the strength range is an assumption.",
            "JAK2 knock-down spares growth; persistent cells do not keep pSTAT5 on drug",
            (
                Range(
                    "bypass_growth",
                    0.2,
                    1.0,
                    False,
                    "assumption: the bypass supplies 20-100% of maximal growth drive",
                ),
                Range(
                    "bypass_hsp90_client",
                    0.0,
                    1.0,
                    why="assumption: either way, equally likely",
                    flag=True,
                ),
                _plausible("partner_naive"),
                *_ADAPTIVE,
            ),
            fixed={**_NO_HETERODIMER, "jak2_max": 1.0},
            ties=_NO_PARTNER_CHANGE,
        ),
        Variant(
            "R4",
            "less drug inside the cell (efflux or sequestration)",
            "Adaptation induces drug efflux or sequestration (ABC transporters, lysosomal "
            "trapping): the intracellular "
            "dose of each drug falls by its own factor, reversibly as the induction relaxes off "
            "drug. Signalling and JAK2 "
            "dependence are otherwise those of naive cells. Whether each JAK inhibitor or PU-H71 "
            "is a transporter "
            "substrate is not known to us: every factor range is an assumption.",
            "pSTAT5 and growth shift together at the external dose; no co-IP change; an efflux "
            "inhibitor restores "
            "sensitivity",
            (
                Range(
                    "efflux_ruxolitinib",
                    1.0,
                    100.0,
                    True,
                    "assumption: 1-100-fold less drug inside",
                ),
                Range("efflux_fedratinib", 1.0, 100.0, True, "assumption"),
                Range("efflux_jak_inhibitor_1", 1.0, 100.0, True, "assumption"),
                Range("efflux_hsp90", 1.0, 100.0, True, "assumption: PU-H71 a substrate or not"),
                _plausible("partner_naive"),
                *_ADAPTIVE,
            ),
            fixed={**_NO_HETERODIMER, "jak2_max": 1.0},
            ties=_NO_PARTNER_CHANGE,
        ),
        Variant(
            "R5",
            "selection of a pre-existing tolerant subclone",
            "A small subpopulation is tolerant before any drug (>100-fold less sensitive, as the "
            "drug-tolerant persisters "
            "of Sharma et al., Cell 2010; checked) and is selected under drug; it pays a fitness "
            "cost off drug, so the "
            "population reverts by competition, not by relaxation, and re-acquires persistence "
            "fast on re-challenge. "
            "Tolerance is the same for every JAK inhibitor; whether it is a JAK2 allele that "
            "sequencing would find is a 0/1 "
            "parameter. Starting share and cost ranges are assumptions.",
            "reversal follows the fitness cost (no cost, no reversal); re-challenge is faster than "
            "the first selection",
            (
                Range("clone_start", 1e-3, 0.05, True, "assumption: a subpopulation of 0.1-5%"),
                Range(
                    "clone_shift_ruxolitinib",
                    10.0,
                    1000.0,
                    True,
                    "Sharma et al. 2010: >100-fold reduced sensitivity "
                    "(checked); 10-1000-fold is the assumption around it",
                ),
                Range(
                    "clone_cost",
                    0.05,
                    0.8,
                    False,
                    "assumption: tolerant cells divide 5-80% slower off drug",
                ),
                Range(
                    "clone_jak2_allele",
                    0.0,
                    1.0,
                    why="assumption: the tolerance is a JAK2 allele (found by sequencing) "
                    "or not (non-genetic, as Sharma et al.'s persisters, or in another gene), "
                    "equally likely",
                    flag=True,
                ),
            ),
            fixed={**_NO_HETERODIMER, "jak2_max": 1.0},
            ties={
                **_NO_PARTNER_CHANGE,
                "clone_shift_fedratinib": "clone_shift_ruxolitinib",
                "clone_shift_jak_inhibitor_1": "clone_shift_ruxolitinib",
            },
        ),
        Variant(
            "R6",
            "extrinsic cytokine protection (IL-6-like, through JAK1/TYK2 receptors)",
            "Cells on drug come to rely on a paracrine cytokine (IL-6 family, GM-CSF-like) whose "
            "receptors signal to STAT5 "
            "through JAK1 or TYK2 rather than JAK2: its production rises with time on drug and "
            "relaxes off drug, so "
            "persistence reverses. Bone-marrow stromal cells protect JAK2 V617F cells from a JAK2 "
            "inhibitor through "
            "secreted IL-6, FGF and CXCL-10, keeping pSTAT3/pSTAT5 up in a paracrine way ('Bone "
            "marrow stroma-secreted "
            "cytokines protect JAK2V617F-mutated cells from the effects of a JAK2 inhibitor', "
            "Manshouri et al., Cancer "
            "Res 2011; content checked, authors and year recalled). Each drug blocks the "
            "cytokine's kinases as it "
            "blocks JAK1 and TYK2 (its enzyme IC50 ratios, sampled); a JAK1 or TYK2 knock-down "
            "removes their part. The "
            "partner pool, the JAK2 level and the heterodimers do not change. The strength range "
            "is an assumption.",
            "JAK2 knock-down spares the cytokine's share of growth; partner knock-down "
            "re-sensitises with no co-IP "
            "change; a neutralising antibody (anti-IL-6) restores sensitivity",
            (
                Range(
                    "cytokine_signal",
                    0.1,
                    3.0,
                    True,
                    "assumption: at full adaptation the cytokine gives 0.1-3 times the "
                    "naive cells' pSTAT5 (stromal protection restores STAT5 under a JAK2 "
                    "inhibitor: Manshouri et al. "
                    "2011, checked)",
                ),
                _plausible("partner_naive"),
                *_ADAPTIVE,
                *_POTENCY_RATIOS,
            ),
            fixed={**_NO_HETERODIMER, "jak2_max": 1.0},
            ties=_NO_PARTNER_CHANGE,
        ),
    )
}

MODELS: tuple[str, ...] = tuple(VARIANTS)


def check_models(models: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Validated model names (H0 always first, added if missing: every ratio is to H0); raises
    ValueError naming the valid ones."""
    bad = [m for m in models if m not in VARIANTS]
    if bad:
        raise ValueError(f"unknown model(s) {', '.join(bad)}; valid: {', '.join(MODELS)}")
    return ("H0", *(m for m in MODELS if m in models and m != "H0"))
