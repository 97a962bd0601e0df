"""The claims' per-point fast (noise-free) mode, one claim function call per point: the reference
the vectorised engine (:mod:`jakpersist.claims.vectorised`, which ``evaluate(..., mode="fast")``
wraps at one point) is checked against.

Each function reads the model out at one parameter point with the per-point model read-outs
(:func:`jakpersist.model.gi50_model_bounded`, a scan of the whole dose grid;
:func:`jakpersist.model.dose_for_signal_grid`;
:func:`jakpersist.model.population.simulate_phase_ends`; the closed-form adaptation state) and
applies the claim's rule unchanged
(:mod:`jakpersist.claims.rules` through :func:`jakpersist.claims.base.decided`). Its arithmetic is
that of the claim modules' former ``mode="fast"`` branches; it returns the same
:class:`~jakpersist.claims.base.ClaimResult` (conditions, margins, metrics, provenance, details
type) as the package's fast mode. The package never imports this module.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

from .. import model
from ..atlas.run import condition_margins
from ..claims import designs
from ..claims.base import ClaimResult, decided
from ..claims.c0_in_vivo import InVivoDetails
from ..claims.c1_persistence import C1Details
from ..claims.c2_heterodimers import C2Details
from ..claims.c3_reversibility import C3Details, C4Details
from ..claims.c6_jak2_dependence import C6Details, C7Details
from ..claims.c8_second_site import C8Details
from ..claims.common import model_of, noise_free_fold, settings, setup
from ..model.params import ALL_PARAMS, DRUGS, HSP90_INHIBITOR
from ..model.population import simulate_phase_ends


def _jak2_dependent_cut(naive: Any, persistent: Any, drug: str, mp: Any) -> tuple[float, float]:
    """C1's signalling read-out on the JAK2-dependent part of pSTAT5, the dose found on the grid
    (``jak2_dependent_cut(..., fast=True)`` of :mod:`jakpersist.claims.c1_persistence`)."""
    rule = designs.C1_RULE
    b = float(mp.bypass)
    naive0 = float(model.pstat5(0.0, naive, drug, mp=mp)) - b
    if not naive0 > 0:
        return float("nan"), float("nan")
    target = b + rule.naive_pstat5_cut * naive0
    d_cut = model.dose_for_signal_grid(target, naive, drug, mp=mp)
    if not np.isfinite(d_cut):
        return float("nan"), float("nan")
    return float(d_cut), float((model.pstat5(d_cut, persistent, drug, mp=mp) - b) / naive0)


def run_c1(params: Mapping[str, Any] | None = None) -> dict[str, ClaimResult]:
    """C1 in the per-point fast mode."""
    rule = designs.C1_RULE
    s, mp, z, naive, persistent = setup(designs.C1_DEFAULTS, params, None, mode="fast")
    drug0 = s["selection_drug"]
    _, retained = _jak2_dependent_cut(naive, persistent, drug0, mp)
    metrics: dict[str, Any] = {"c1_adaptation": z, "c1_assay_hours": s["assay_hours"]}
    provenance = {"c1_adaptation": "model", "c1_assay_hours": "parameter"}
    folds, bounds = {}, {}
    for d in DRUGS:
        f, b = noise_free_fold(
            model.gi50_model_bounded(persistent, d, mp, hours=s["assay_hours"]),
            model.gi50_model_bounded(naive, d, mp, hours=s["assay_hours"]),
        )
        folds[d], bounds[d] = (f, f), b
        metrics[f"c1_fold_{d}"] = f
    conds = rule.conditions(folds, retained, bounds)
    metrics.update(c1_min_fold=min(f for f, _ in folds.values()), c1_retained_pstat5=retained)
    return {
        "C1": decided(
            "C1",
            "model",
            rule.describe(),
            conditions=conds,
            metrics=metrics,
            provenance=provenance,
            details=C1Details(mode="fast", z=z),
        )
    }


def _coip_truth(st: model.CellState, partner: str, mp: Any) -> float:
    """Noise-free partner/JAK2 band ratio of a co-IP (the formula of :func:`assays.coip_bands`)."""
    part = st.partner if st.partner > 0 else 1.0
    return model.heterodimer_share(st, mp) * (st.jak1 if partner == "JAK1" else st.tyk2) / part


def run_c2(params: Mapping[str, Any] | None = None) -> dict[str, ClaimResult]:
    """C2 in the per-point fast mode."""
    rule, partners = designs.C2_RULE, designs.C2_PARTNERS
    s, mp, z, naive, persistent = setup(designs.C2_DEFAULTS, params, None, mode="fast")
    drug = s["selection_drug"]
    h_naive, h_pers = model.heterodimer_share(naive, mp), model.heterodimer_share(persistent, mp)
    kd_pops = model.knockdown_populations(naive, persistent, s["knockdown_fraction"])
    metrics: dict[str, Any] = {
        "c2_adaptation": z,
        "c2_dose_nM": s["chronic_dose_nM"],
        "c2_share_naive": h_naive,
        "c2_share_persistent": h_pers,
        "c2_kd_percent": 100 * s["knockdown_fraction"],
    }
    provenance = {
        "c2_adaptation": "model",
        "c2_dose_nM": "parameter",
        "c2_share_naive": "model",
        "c2_share_persistent": "model",
        "c2_kd_percent": "parameter",
    }
    coip = {p: (_coip_truth(persistent, p, mp) / _coip_truth(naive, p, mp), 0.0) for p in partners}
    pst = float(
        model.pstat5(s["chronic_dose_nM"], persistent, drug, mp=mp)
        / model.pstat5(s["chronic_dose_nM"], naive, drug, mp=mp)
    )
    g = {k: model.gi50_model_bounded(v, drug, mp) for k, v in kd_pops.items()}
    ctrl, _ = noise_free_fold(g["persistent"], g["naive"])
    kd = {p: noise_free_fold(g[f"persistent sh{p}"], g["naive"])[0] / ctrl for p in partners}
    for p in partners:
        metrics[f"c2_coip_{p.lower()}_fold"] = coip[p][0]
        metrics[f"c2_kd_{p.lower()}_ratio"] = kd[p]
    metrics.update(c2_pstat5_fold=pst, c2_fold_control=ctrl)
    return {
        "C2": decided(
            "C2",
            "model",
            rule.describe(),
            conditions=rule.conditions(coip, pst, kd),
            metrics=metrics,
            provenance=provenance,
            details=C2Details(mode="fast"),
        )
    }


def run_c3(params: Mapping[str, Any] | None = None) -> dict[str, ClaimResult]:
    """C3 and C4 in the per-point fast mode."""
    rule3, rule4, stages_ = designs.C3_RULE, designs.C4_RULE, designs.C3_STAGES
    s = settings(designs.C3_DEFAULTS, params)
    mp = model_of(s)
    drug = s["selection_drug"]
    sched = designs.reversal_schedule(s)
    z_at = dict(zip(stages_, model.schedule_closed_form(sched, mp), strict=False))
    naive = model.state_from_adaptation(0.0, mp)
    stages = {"naive": naive, **{k: model.state_from_adaptation(v, mp) for k, v in z_at.items()}}
    m3: dict[str, Any] = {
        "c3_chronic_days": s["chronic_days"],
        "c3_dose_nM": s["chronic_dose_nM"],
        "c3_withdrawal_days": s["withdrawal_days"],
        "c3_rechallenge_days": s["rechallenge_days"],
    }
    p3 = {k: "parameter" for k in m3}
    for k, v in z_at.items():
        m3[f"c3_z_{k.replace('-', '')}"] = v
        p3[f"c3_z_{k.replace('-', '')}"] = "model"
    g0 = model.gi50_model_bounded(naive, drug, mp)
    fb = {k: noise_free_fold(model.gi50_model_bounded(stages[k], drug, mp), g0) for k in stages_}
    for k, (f, _) in fb.items():
        m3[f"c3_fold_{k.replace('-', '')}"] = f
    c3 = decided(
        "C3",
        "model",
        rule3.describe(),
        conditions=rule3.conditions(
            *(fb[k][0] for k in stages_), bounds={k: fb[k][1] for k in stages_}
        ),
        metrics=m3,
        provenance=p3,
        details=C3Details(mode="fast"),
    )
    j = {k: stages[k].jak2 / naive.jak2 for k in stages_}
    m4 = {f"c4_jak2_{k.replace('-', '')}": v for k, v in j.items()}
    c4 = decided(
        "C4",
        "model",
        rule4.describe(),
        conditions=rule4.conditions(j["persistent"], 0.0, j["withdrawn"]),
        metrics=m4,
        provenance={k: "model" for k in m4},
        details=C4Details(mode="fast"),
    )
    return {"C3": c3, "C4": c4}


def run_c6(params: Mapping[str, Any] | None = None) -> dict[str, ClaimResult]:
    """C6 and C7 in the per-point fast mode."""
    rule6, rule7 = designs.C6_RULE, designs.C7_RULE
    s, mp, z, naive, persistent = setup(designs.C6_DEFAULTS, params, None, mode="fast")
    drug = s["selection_drug"]
    populations = {"naive": naive, "persistent": persistent}
    kd_frac = s["knockdown_fraction"]
    g = {
        k: float(
            model.viability(0.0, v.knock_down("jak2", kd_frac), "ruxolitinib", mp=mp, reference=v)
        )
        for k, v in populations.items()
    }
    pr = float(
        model.pstat5(0.0, persistent.knock_down("jak2", kd_frac), "ruxolitinib", mp=mp)
        / model.pstat5(0.0, persistent, "ruxolitinib", mp=mp)
    )
    m6 = {
        "c6_growth_naive": g["naive"],
        "c6_growth_persistent": g["persistent"],
        "c6_pstat5_ratio_persistent": pr,
    }
    c6 = decided(
        "C6",
        "model",
        rule6.describe(),
        conditions=rule6.conditions(g["persistent"], g["naive"], pr),
        metrics=m6,
        provenance={k: "model" for k in m6},
        details=C6Details(mode="fast"),
    )
    hr, hb = noise_free_fold(
        model.gi50_model_bounded(persistent, HSP90_INHIBITOR, mp),
        model.gi50_model_bounded(naive, HSP90_INHIBITOR, mp),
    )
    jr, jb = noise_free_fold(
        model.gi50_model_bounded(persistent, drug, mp),
        model.gi50_model_bounded(naive, drug, mp),
    )
    hr_use = hr if hb != "lower" else float("nan")  # a ratio only known from below shows nothing
    m7 = {"c7_puh71_ratio": hr, "c7_inhibitor_fold": jr}
    c7 = decided(
        "C7",
        "model",
        rule7.describe(),
        conditions=rule7.conditions(hr_use, hr_use, jr, inhibitor_bound=jb),
        metrics=m7,
        provenance={k: "model" for k in m7},
        details=C7Details(mode="fast"),
    )
    return {"C6": c6, "C7": c7}


def run_c0(params: Mapping[str, Any] | None = None) -> dict[str, ClaimResult]:
    """C0 and C5 in the per-point fast mode (the course read out at the phase ends only)."""
    rule0, rule5, lead = designs.C0_RULE, designs.C5_RULE, designs.LEAD_IN_DAYS
    s = settings(designs.C0_DEFAULTS, params)
    mp = model_of(s)
    schedule = designs.in_vivo_schedule(s)
    sim = simulate_phase_ends(schedule, mp)
    start = sim.iloc[(sim.day - lead).abs().argmin()]
    end = sim.iloc[(sim.day - (lead + 7 * s["treatment_weeks"])).abs().argmin()]
    pause_end = sim.iloc[
        (sim.day - (lead + 7 * (s["treatment_weeks"] + s["pause_weeks"]))).abs().argmin()
    ]
    redose_end = sim.iloc[
        (sim.day - (lead + 7 * (s["treatment_weeks"] + s["pause_weeks"] + s["redose_weeks"])))
        .abs()
        .argmin()
    ]
    clone_kept = end.mutant_fraction / start.mutant_fraction
    share_fold = end.hetero_share / start.hetero_share
    m0 = {
        "c0_spleen_end": end.spleen_index,
        "c0_symptom_end": end.symptom_index,
        "c0_fraction_start": start.mutant_fraction,
        "c0_fraction_end": end.mutant_fraction,
        "c0_clone_kept": clone_kept,
        "c0_spleen_pause": pause_end.spleen_index,
        "c0_spleen_redose": redose_end.spleen_index,
        "c0_treatment_weeks": s["treatment_weeks"],
    }
    m5 = {
        "c5_share_start": start.hetero_share,
        "c5_share_end": end.hetero_share,
        "c5_share_fold": share_fold,
        "c5_pstat5_end": end.pstat5_mutant,
    }
    details = InVivoDetails(
        mode="fast", sim=sim, schedule=schedule, start=start, end=end, pause_end=pause_end, mp=mp
    )
    c0 = decided(
        "C0",
        "model",
        rule0.describe(),
        conditions=rule0.conditions(end.spleen_index, end.symptom_index, clone_kept),
        metrics=m0,
        provenance={**{k: "model" for k in m0}, "c0_treatment_weeks": "parameter"},
        details=details,
    )
    c5 = decided(
        "C5",
        "model",
        rule5.describe(),
        conditions=rule5.conditions(share_fold, end.pstat5_mutant),
        metrics=m5,
        provenance={k: "model" for k in m5},
        details=details,
    )
    return {"C0": c0, "C5": c5}


def run_c8(params: Mapping[str, Any] | None = None) -> dict[str, ClaimResult]:
    """C8 in the per-point fast mode (the noise-free share of cells)."""
    rule = designs.C8_RULE
    s, mp, z, _, persistent = setup(designs.C1_DEFAULTS, params, None, mode="fast")
    true_cells = float(np.asarray(persistent.clone, dtype=float) * mp.clone_jak2_allele)
    vaf = designs.C8_COPIES * true_cells
    called = vaf >= s.get("seq_detection_vaf", 0.02)
    cells = min(1.0, vaf / designs.C8_COPIES) if called else 0.0
    metrics = {
        "c8_allele_cells": cells,
        "c8_allele_vaf": vaf,
        "c8_allele_called": bool(called),
        "c8_allele_cells_true": true_cells,
        "c8_adaptation": z,
    }
    return {
        "C8": decided(
            "C8",
            "model",
            rule.describe(),
            conditions=rule.conditions(cells),
            metrics=metrics,
            provenance={k: "model" for k in metrics},
            details=C8Details("fast", z),
        )
    }


#: One call per chapter experiment, the claims it decides (the order of the atlas's runners).
RUNNERS: dict[str, tuple[Callable[[Mapping[str, Any] | None], dict[str, ClaimResult]], tuple]] = {
    "c0": (run_c0, ("C0", "C5")),
    "c1": (run_c1, ("C1",)),
    "c2": (run_c2, ("C2",)),
    "c3": (run_c3, ("C3", "C4")),
    "c6": (run_c6, ("C6", "C7")),
    "c8": (run_c8, ("C8",)),
}
#: The claims this reference evaluates (every model claim).
CLAIMS = tuple(c for _, cs in RUNNERS.values() for c in cs)


def evaluate(claim: str, params: Mapping[str, Any] | None = None) -> ClaimResult:
    """One claim in the per-point fast mode; raises KeyError for a claim it does not evaluate."""
    for fn, cs in RUNNERS.values():
        if claim in cs:
            return fn(params)[claim]
    raise KeyError(f"the reference fast mode evaluates {', '.join(CLAIMS)}, not {claim!r}")


def evaluate_rows(
    values: np.ndarray,
    names: tuple[str, ...],
    claims: tuple[str, ...],
    *,
    fixed: Mapping[str, Any] | None = None,
    detail: bool = False,
) -> list[dict]:
    """The records of :func:`jakpersist.atlas.run.evaluate_rows` (one per point and claim: margin,
    verdict, undefined, error, each condition's margin and outcome, ``x:`` metrics when
    ``detail``) from this reference, one call per point and chapter."""
    out = []
    groups = [(fn, [c for c in cs if c in claims]) for fn, cs in RUNNERS.values()]
    for i, row in enumerate(np.atleast_2d(values)):
        params = {
            **(fixed or {}),
            **{
                n: int(v) if ALL_PARAMS[n].type is int else float(v)
                for n, v in zip(names, row, strict=False)
            },
        }
        for fn, cs in groups:
            if not cs:
                continue
            res = fn(params)
            for c in cs:
                rec = {
                    "row": i,
                    "claim": c,
                    "margin": float(res[c].margin),
                    "verdict": bool(res[c].verdict),
                    "undefined": bool(res[c].undefined),
                    "error": "",
                    **condition_margins(res[c]),
                }
                if detail:
                    rec.update(
                        {
                            f"x:{k}": float(v)
                            for k, v in res[c].metrics.items()
                            if isinstance(v, (int, float)) and not isinstance(v, bool)
                        }
                    )
                out.append(rec)
    return out
