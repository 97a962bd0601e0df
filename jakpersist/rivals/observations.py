"""The observations the rival models face: parts of the claims' rules, unchanged, grouped in tiers
by source.

Each observation is a set of conditions of one claim's rule (``jakpersist.claims.rules``), read from
the claim function's fast-mode result: the rule's thresholds are never restated here. Tiers are
reported apart:

* ``nature2012``: what the Nature abstract states;
* ``ash2011``: what only the ASH 2011 abstract adds;
* ``inference``: the book's own reading (C2 knock-down, C2 pSTAT5 kept at the chronic dose, C4
  direction, C3 re-challenge);
* ``literature``: later published findings that bear on the rivals, each tagged with its source and
  read by a virtual experiment of :mod:`.experiments` (not by a claim's rule: the paper made no such
  claim); never merged into the paper's sets;
* ``illustration``: the model-only in-vivo illustration (C0/C5).

An observation can fail in a model by construction: ``needs`` names the change of the cells it
requires (``"partner pool"``, ``"JAK2 level"``), and a variant that holds that quantity fixed by
definition (:meth:`jakpersist.rivals.models.Variant.holds_fixed`) cannot show it at any point.
:func:`by_construction` lists those pairs; the chapter and the claims page read them from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..claims.rules import ExpressionRule
from .experiments import outcomes

TIERS = ("nature2012", "ash2011", "inference", "literature", "illustration")
TIER_LABELS = {
    "nature2012": "Nature 2012 abstract",
    "ash2011": "ASH 2011 abstract",
    "inference": "the book's inferences",
    "literature": "later literature",
    "illustration": "in-vivo illustration (model only)",
}


@dataclass(frozen=True)
class Observation:
    """``conditions``: names of the claim's rule conditions that must all pass (empty = the whole
    rule). ``needs``: the changes of the cells the observation requires (see
    :func:`by_construction`). ``experiment`` and ``source``: a later-literature observation is read
    by the virtual experiment of that id (:data:`jakpersist.rivals.experiments.READOUTS`) instead of
    a claim's rule (``claim`` empty), and names its source (a key of ``book/references.bib``)."""

    id: str
    tier: str
    claim: str
    label: str
    conditions: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    experiment: str = ""
    source: str = ""


OBSERVATIONS: tuple[Observation, ...] = (
    Observation(
        "C1 persistence",
        "nature2012",
        "C1",
        "persistent cells need more ruxolitinib (the book's rule: at "
        "least 4-fold) and keep pSTAT5 where naive cells lose it",
        ("fold_ruxolitinib", "fold_lo_ruxolitinib", "retained_pstat5"),
    ),
    Observation(
        "C2 co-IP",
        "nature2012",
        "C2",
        "JAK2 co-precipitates more JAK1 and more TYK2",
        ("coip_JAK1", "coip_p_JAK1", "coip_TYK2", "coip_p_TYK2"),
        needs=("partner pool",),
    ),
    Observation(
        "C3 reversal",
        "nature2012",
        "C3",
        "persistent, then re-sensitised after withdrawal (the 2 weeks are the ASH 2011 abstract's)",
        ("fold_persistent", "fold_withdrawn"),
    ),
    Observation(
        "C4 JAK2 changes",
        "nature2012",
        "C4",
        "JAK2 expression changes (either direction) and returns after withdrawal",
        needs=("JAK2 level",),
    ),
    Observation(
        "C6 JAK2 dependence", "nature2012", "C6", "JAK2 knock-down still stops persistent cells"
    ),
    Observation(
        "C7 degrader",
        "nature2012",
        "C7",
        "PU-H71 keeps its potency while the JAK2 inhibitor loses it",
    ),
    Observation(
        "C1 cross-persistence",
        "ash2011",
        "C1",
        "persistence also to fedratinib and JAK Inhibitor I (the book's rule: at least 4-fold)",
        (
            "fold_fedratinib",
            "fold_lo_fedratinib",
            "fold_jak_inhibitor_1",
            "fold_lo_jak_inhibitor_1",
        ),
    ),
    Observation(
        "C8 no second-site allele",
        "ash2011",
        "C8",
        "no second-site JAK2 allele is carried by half of the "
        "persistent cells or more (sequencing with a detection limit)",
    ),
    Observation(
        "C2 pSTAT5 kept",
        "inference",
        "C2",
        "at the chronic dose persistent cells keep >= 2-fold the pSTAT5 of naive cells",
        ("pstat5_fold",),
    ),
    Observation(
        "C2 knock-down",
        "inference",
        "C2",
        "JAK1 or TYK2 knock-down re-sensitises",
        ("kd_ratio_JAK1", "kd_ratio_TYK2"),
    ),
    Observation(
        "C3 re-challenge",
        "inference",
        "C3",
        "re-challenge makes the cells persistent again",
        ("fold_rechallenged",),
    ),
    Observation(
        "C4 JAK2 up", "inference", "C4", "JAK2 goes up (the whole C4 rule)", needs=("JAK2 level",)
    ),
    Observation(
        "CHZ868 stays active",
        "literature",
        "",
        "cells persistent to type I inhibitors stay sensitive to the type II inhibitor CHZ868 "
        "(Meyer et al., Cancer Cell 2015, abstract: 'JAK2 and MPL mutant cell lines were sensitive "
        "to CHZ868, including type I JAK inhibitor persistent cells'); the book reads 'sensitive' "
        "as a CHZ868 GI50 fold, persistent over naive, under 2",
        experiment="type II inhibitor",
        source="meyer2015",
    ),
    Observation("C0 clinic", "illustration", "C0", "disease read-outs relieved, clone kept"),
    Observation(
        "C5 in vivo",
        "illustration",
        "C5",
        "heterodimers rise, pSTAT5 sustained in the clone",
        # the heterodimer share a P / (E2 + a P) rises only with the partner pool P: no variant
        # lowers the JAK2 level E2 (every jak2_max is at least 1)
        needs=("partner pool",),
    ),
)
OBSERVATION_IDS = tuple(o.id for o in OBSERVATIONS)
#: The joint test of model comparison: every Nature-abstract observation holds.
JOINT = tuple(o.id for o in OBSERVATIONS if o.tier == "nature2012")
#: The later-literature observations, reported apart (joint ratios with and without them).
LITERATURE = tuple(o.id for o in OBSERVATIONS if o.tier == "literature")


def by_construction(variants: Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Per observation with ``needs``: the models that cannot show it at any point of their space,
    each with the quantity it holds fixed by definition (``{"C2 co-IP": {"R1": ["partner pool"],
    ...}}``); computed from each variant's fixed values and ties
    (:meth:`jakpersist.rivals.models.Variant.holds_fixed`), never listed by hand."""
    out: dict[str, dict[str, list[str]]] = {}
    for o in OBSERVATIONS:
        for m, v in variants.items():
            lost = [q for q in o.needs if q in v.holds_fixed()]
            if lost:
                out.setdefault(o.id, {})[m] = lost
    return out


def fails_by_construction(
    variants: Mapping[str, Any], observations: tuple[str, ...]
) -> tuple[str, ...]:
    """The observations of ``observations`` that some model fails by construction."""
    bc = by_construction(variants)
    return tuple(o for o in observations if o in bc)


#: The metrics (``x:`` columns of the detailed records) that :func:`holds` reads.
HOLDS_METRICS = ("c4_jak2_persistent", "c4_jak2_withdrawn")


def _c4_either_direction(sub: pd.DataFrame) -> np.ndarray:
    """C4's rule with the direction dropped: the rule (unchanged thresholds) applied to the fold's
    magnitude, max(f, 1/f), and the withdrawn fold on the same side. Every point at once, with the
    conditions' arithmetic of the claims' vectorised fast mode (the return threshold f ** share
    taken with Python's power, as the rule takes it)."""
    from ..claims.vectorised import decide_conditions

    rule = ExpressionRule()
    f = sub["x:c4_jak2_persistent"].to_numpy(dtype=float)
    w = sub["x:c4_jak2_withdrawn"].to_numpy(dtype=float)
    ok = np.isfinite(f) & (f > 0) & np.isfinite(w) & (w > 0)
    up = f >= 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        fu, wu = np.where(up, f, 1.0 / f), np.where(up, w, 1.0 / w)
    thr = np.array(
        [
            x**rule.max_return_share if o else 1.0
            for x, o in zip(fu.tolist(), ok.tolist(), strict=True)
        ],
        dtype=float,
    )
    passed = decide_conditions(
        rule.conditions(1.0, 0.0, 1.0),
        {"jak2_persistent": fu, "jak2_p": 0.0, "jak2_withdrawn": wu},
        thresholds={"jak2_withdrawn": thr},
    )
    return ok & passed


def holds(
    evaluations: pd.DataFrame,
    observations: tuple[str, ...] | None = None,
    *,
    points: tuple[tuple[str, ...], np.ndarray, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """One row per design point (index ``row``), one boolean column per observation
    (``observations``: only these, by id; default every one).

    ``evaluations``: the detailed records of :func:`jakpersist.atlas.run.evaluate_rows`
    (``detail=True``) for the claims the observations read. A condition missing from a record (the
    evaluation failed) counts as not holding. ``points``: (names, values of shape (n, k) in row
    order, fixed settings), needed by a later-literature observation (read by its virtual
    experiment at the same points); raises ValueError when such an observation is asked for without
    them.
    """
    by = {c: g.set_index("row").sort_index() for c, g in evaluations.groupby("claim")}
    rows = by["C1"].index
    out = pd.DataFrame(index=rows)
    for o in OBSERVATIONS:
        if observations is not None and o.id not in observations:
            continue
        if o.experiment:
            if points is None:
                raise ValueError(f"observation {o.id!r} is read at the design points: pass points")
            names, values, fixed = points
            out[o.id] = outcomes(values, names, fixed=fixed, only=(o.experiment,))[o.experiment]
            continue
        sub = by[o.claim].reindex(rows)
        if o.id == "C4 JAK2 changes":
            ok = _c4_either_direction(sub)
        elif not o.conditions:
            ok = sub["verdict"].fillna(False).astype(bool).to_numpy()
        else:
            ok = np.ones(len(sub), dtype=bool)
            for c in o.conditions:
                col = f"ok:{c}"
                ok &= sub[col].fillna(False).astype(bool).to_numpy() if col in sub else False
        out[o.id] = ok
    return out
