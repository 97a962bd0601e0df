"""C8 (ASH 2011 abstract): persistent cells carry no second-site JAK2 resistance allele in most of
the population.

Experiment (model): make persistent cells as C1 does, then sequence the JAK2 kinase domain of the
population. The share of cells carrying a second-site allele is the resistant subclone's share at
the end of the chronic exposure when that subclone's resistance is a JAK2 allele (rivals R2, and R5
when ``clone_jak2_allele`` is 1); the heterodimer model has no subclone, so no cell carries one.
Sequencing: reads ~ Binomial(``seq_reads``, cells / 2) (one mutant copy of two, assumption); a
candidate is called at ``seq_detection_vaf`` or above; its share of cells is twice its read
fraction. Rule: :class:`~jakpersist.claims.rules.SecondSiteRule`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .designs import C1_DEFAULTS, C8_COPIES, C8_RULE
from .base import ClaimDetails, ClaimResult, decided
from .common import settings, setup
from .vectorised import evaluate_point

RULE = C8_RULE
#: The chapter's defaults: C8 is shown on the C1 chapter, whose parameters cell it shares.
DEFAULTS: dict[str, Any] = C1_DEFAULTS
#: No parameter makes "no second-site allele" stronger: the effect C8 tests is an absence.
EFFECT_PARAMS: tuple[str, ...] = ()
#: Mutant copies per cell over JAK2 copies per cell for a heterozygous second-site allele
#: (assumption).
COPIES = C8_COPIES


def allele_cells(params: Mapping[str, Any] | None = None) -> float:
    """Noise-free share of persistent cells that carry a second-site JAK2 allele (0-1), after C1's
    chronic exposure.

    0 when no resistant subclone exists or its resistance is not a JAK2 allele
    (``clone_jak2_allele`` = 0).
    """
    _, mp, _, _, persistent = setup(DEFAULTS, params, None, mode="fast")
    return float(np.asarray(persistent.clone, dtype=float) * mp.clone_jak2_allele)


@dataclass(frozen=True)
class C8Details(ClaimDetails):
    """What the chapter reads from C8: the mode and the adaptation state of the persistent cells."""

    mode: str
    z: float


def evaluate(
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: Any = None,
    mode: str = "full",
) -> ClaimResult:
    """Evaluate C8.

    ``params``: chapter parameters (defaults :data:`DEFAULTS`; any model parameter too). ``seed``
    overrides ``params['seed']``. ``data`` is not read (no reader format for sequencing yet; raises
    ValueError if given). ``mode="fast"``: the noise-free share of cells; ``"full"``: simulated
    reads at ``seq_reads`` depth with the detection limit ``seq_detection_vaf``. Metrics:
    ``c8_allele_cells`` (estimated share of cells, 0-1), ``c8_allele_vaf`` (read fraction),
    ``c8_allele_called`` (whether the candidate passes the detection limit),
    ``c8_allele_cells_true`` (the model's share).
    """
    if data is not None:
        raise ValueError("C8 reads no data file: its experiment is simulated only")
    if mode == "fast":
        return _fast(params)
    s, mp, z, _, persistent = setup(DEFAULTS, params, seed, mode=mode)
    true_cells = float(np.asarray(persistent.clone, dtype=float) * mp.clone_jak2_allele)
    vaf_true = COPIES * true_cells
    rng = np.random.default_rng([int(s["seed"]), 8])
    n = int(s["seq_reads"])
    vaf = float(rng.binomial(n, vaf_true) / n)
    called = vaf >= float(s["seq_detection_vaf"])
    cells = min(1.0, vaf / COPIES) if called else 0.0
    metrics = {
        "c8_allele_cells": cells,
        "c8_allele_vaf": vaf,
        "c8_allele_called": bool(called),
        "c8_allele_cells_true": true_cells,
        "c8_adaptation": z,
    }
    provenance = {k: "model" for k in metrics}
    return decided(
        "C8",
        "model",
        RULE.describe(),
        conditions=RULE.conditions(cells),
        metrics=metrics,
        provenance=provenance,
        details=C8Details(mode, z),
    )


def _fast(params: Mapping[str, Any] | None) -> ClaimResult:
    """C8 in the fast mode (the noise-free share of cells): the vectorised engine
    (:mod:`.vectorised`) at one point."""
    conds, m = evaluate_point(params, ("C8",))["C8"]
    called = m["c8_allele_vaf"] >= settings(DEFAULTS, params).get("seq_detection_vaf", 0.02)
    metrics = {
        "c8_allele_cells": m["c8_allele_cells"],
        "c8_allele_vaf": m["c8_allele_vaf"],
        "c8_allele_called": bool(called),
        "c8_allele_cells_true": m["c8_allele_cells_true"],
        "c8_adaptation": m["c8_adaptation"],
    }
    return decided(
        "C8",
        "model",
        RULE.describe(),
        conditions=conds,
        metrics=metrics,
        provenance={k: "model" for k in metrics},
        details=C8Details("fast", m["c8_adaptation"]),
    )
