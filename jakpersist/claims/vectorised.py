"""The claims' fast (noise-free) mode for many parameter points at once: arrays over points, no loop
per point.

This is the package's one fast-mode implementation: each claim module's ``evaluate(...,
mode="fast")`` is this engine at one point (:func:`evaluate_point`), and the atlas and rival-model
code evaluate whole arrays of points (:func:`evaluate_many`). It reads the model out with the model
kernels (:mod:`jakpersist.model` broadcasts over parameter arrays:
:class:`~jakpersist.model.params.ModelParams` with one value per point) and applies each claim's
rule with its own thresholds: the conditions are the rule's own (:mod:`.rules`, called once for
their names, thresholds and directions), their margins computed on arrays with the arithmetic of
:class:`~.base.Condition`. The rules, defaults and fixed design of each experiment come from
:mod:`.designs`, which the claim modules share. The former per-point fast mode is kept, unchanged
in arithmetic, as the reference (:mod:`jakpersist.testing.reference_fast`, never run by the
package); a test checks that both give the same verdicts and margins (to 1e-9) on random points of
every rival model's space.

Two read-outs use a different algorithm with the same result: a GI50 (and the dose where pSTAT5
falls to a target) is found on the same dose grid by bisection instead of a scan of the whole grid
(:func:`jakpersist.model.signalling.crossing_dose_grid`; the same grid index for a curve that falls
with dose), and the in-vivo illustration is integrated by
:func:`jakpersist.model.population.phase_ends`, the same fixed-step arithmetic as the per-point
read-out.

``evaluate_many`` returns arrays per claim; ``evaluation_records`` the long table of
:func:`jakpersist.atlas.run.evaluate_rows` (one row per point and claim), which the atlas and
rival-model code read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..model.dynamics import adaptation_closed_form, schedule_closed_form
from ..model.params import ALL_PARAMS, DRUGS, HSP90_INHIBITOR, ModelParams
from ..model.population import phase_ends
from ..model.signalling import (
    CellState,
    dose_for_signal_grid_many,
    gi50_grid,
    heterodimer_share,
    pstat5,
    state_from_adaptation,
    viability,
)
from .designs import (
    C0_DEFAULTS,
    C0_RULE,
    C1_DEFAULTS,
    C1_RULE,
    C2_DEFAULTS,
    C2_PARTNERS,
    C2_RULE,
    C3_DEFAULTS,
    C3_RULE,
    C3_STAGES,
    C4_RULE,
    C5_RULE,
    C6_DEFAULTS,
    C6_RULE,
    C7_RULE,
    C8_COPIES,
    C8_RULE,
    LEAD_IN_DAYS,
    in_vivo_schedule,
    reversal_schedule,
)
from .base import Condition
from .common import settings

#: The claims this mode evaluates (every model claim), in the order of the atlas's chapter runners.
VECTOR_CLAIMS = ("C0", "C5", "C1", "C2", "C3", "C4", "C6", "C7", "C8")
_BOUND = {None: 0, "lower": 1, "upper": 2}


@dataclass
class ClaimArrays:
    """One claim over ``n`` points: verdict, margin and undefined (arrays of length n), per rule
    condition its margin (nan where its value is undefined, as in the atlas's records) and whether
    it passed, and the metrics (arrays; the per-point mode's metric names)."""

    claim: str
    verdict: np.ndarray
    margin: np.ndarray
    undefined: np.ndarray
    conditions: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    metrics: dict[str, np.ndarray] = field(default_factory=dict)
    #: the rule's conditions (in its order) and, per condition, the (value, bound code, threshold)
    #: arrays they were decided on: what :func:`evaluate_point` turns back into ``Condition`` s
    templates: tuple[Condition, ...] = ()
    inputs: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)


def _condition(
    template: Condition, value: Any, bound: Any = 0, threshold: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(margin, passed, undefined) of ``template`` (a rule's condition: direction, scale, unit,
    strictness, threshold) for an array of values: the arithmetic of :attr:`Condition.margin` and
    :attr:`Condition.passed`. ``bound``: 0 none, 1 lower, 2 upper (per point or one for all);
    ``threshold``: per point when the rule's threshold depends on another value."""
    v = np.asarray(value, dtype=float)
    t = template.threshold if threshold is None else np.asarray(threshold, dtype=float)
    undefined = np.isnan(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        if template.scale == "log2":
            raw = np.where(
                v <= 0,
                -np.inf,
                np.where(np.isinf(v), np.where(v > 0, np.inf, -np.inf), np.log2(v / t)),
            )
        else:
            raw = (v - t) / template.unit
    m = raw if template.at_least else -raw
    b = np.asarray(bound)
    wrong = (b == 2) & template.at_least | (b == 1) & (not template.at_least)
    m = np.where(wrong, np.minimum(m, 0.0), m)
    m = np.where(undefined, -np.inf, m)
    passed = (m > 0) | ((m == 0) & (not template.strict) & ~wrong)
    return m, passed, undefined


def _decide(
    claim: str,
    templates: list[Condition],
    values: Mapping[str, Any],
    bounds: Mapping[str, Any] | None = None,
    thresholds: Mapping[str, Any] | None = None,
    metrics: Mapping[str, Any] | None = None,
) -> ClaimArrays:
    """A claim's verdict over points from its rule's conditions (``templates``, in the rule's order)
    and the value of each (by condition name): every condition passes; margin = the smallest margin;
    undefined when every failing condition's value is undefined
    (:attr:`~.base.ClaimResult.undefined`)."""
    conds, ms, oks, unds = {}, [], [], []
    for c in templates:
        m, ok, und = _condition(
            c, values[c.name], (bounds or {}).get(c.name, 0), (thresholds or {}).get(c.name)
        )
        conds[c.name] = (np.where(und, np.nan, m), ok)
        ms.append(m)
        oks.append(ok)
        unds.append(und)
    shape = np.broadcast_shapes(*(np.shape(x) for x in (*ms, *oks, *unds)))
    ms_, oks_, unds_ = (np.array([np.broadcast_to(x, shape) for x in xs]) for xs in (ms, oks, unds))
    conds = {k: tuple(np.broadcast_to(x, shape).copy() for x in mo) for k, mo in conds.items()}
    verdict = oks_.all(axis=0)
    failing = ~oks_
    undefined = ~verdict & np.all(~failing | unds_, axis=0)
    n = verdict.size
    inputs = {
        c.name: tuple(
            np.broadcast_to(np.asarray(x, dtype=float), shape)
            for x in (
                values[c.name],
                (bounds or {}).get(c.name, 0),
                c.threshold if (thresholds or {}).get(c.name) is None else thresholds[c.name],
            )
        )
        for c in templates
    }
    return ClaimArrays(
        claim,
        verdict,
        ms_.min(axis=0),
        undefined,
        conds,
        {
            k: np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy()
            for k, v in (metrics or {}).items()
        },
        tuple(templates),
        inputs,  # type: ignore[arg-type]
    )


def decide_conditions(
    templates: list[Condition],
    values: Mapping[str, Any],
    *,
    thresholds: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """Whether every one of a rule's conditions (``templates``) passes, per point, for the values
    (and per-point thresholds) given by condition name: the verdict of :func:`_decide`, for code
    that applies a rule to read-outs of its own (the rival comparison's direction-free C4)."""
    return _decide("", templates, values, thresholds=thresholds).verdict


def _params(
    defaults: Mapping[str, Any], columns: Mapping[str, np.ndarray], n: int
) -> tuple[dict, ModelParams]:
    """The chapter's settings (as :func:`.common.settings`: defaults, then every model parameter and
    the chapter's own run settings) and the model's parameters as arrays of shape (n,) (one value
    per point)."""
    s = settings(defaults, columns)
    model_fields = {f.name for f in fields(ModelParams)}
    mp = ModelParams(
        **{
            k: np.broadcast_to(
                np.asarray(s.get(k, ALL_PARAMS[k].default), dtype=float), (n,)
            ).copy()
            for k in model_fields
        }
    )
    for (
        k,
        v,
    ) in (
        s.items()
    ):  # a run setting that varies per point is supported where the model reads it as a number
        if (
            np.ndim(v)
            and k not in model_fields
            and k not in ("knockdown_fraction", "chronic_dose_nM", "hsp90_dose_nM")
        ):
            raise ValueError(f"the vectorised fast mode takes {k} as one value for all points")
    return s, mp


def _fold(
    test: tuple[np.ndarray, np.ndarray], ref: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`.common.noise_free_fold` on arrays: (fold, bound code)."""
    (t, tb), (r, rb) = test, ref
    f = np.where((rb == 0) | (tb == 0), t / r, np.nan)
    b = np.where(rb == 0, tb, np.where(tb == 0, np.where(rb == 1, 2, 1), 0))
    return f, b


def _py_min(values: list[np.ndarray]) -> np.ndarray:
    """Python's ``min`` over a sequence, per point (a nan first stays; a later nan is skipped)."""
    m = values[0]
    for v in values[1:]:
        m = np.where(v < m, v, m)
    return m


def setup_many(
    defaults: Mapping[str, Any], columns: Mapping[str, np.ndarray], n: int
) -> tuple[dict, ModelParams, np.ndarray, CellState, CellState]:
    """:func:`.common.setup` for ``n`` points at once (``columns``: parameter name -> one value per
    point, or one for all): (settings, model parameters as arrays, adaptation state z, naive cells,
    persistent cells)."""
    s, mp = _params(defaults, columns, n)
    z = adaptation_closed_form(s["chronic_days"], s["chronic_dose_nM"], s["selection_drug"], mp=mp)
    z = np.broadcast_to(np.asarray(z, dtype=float), (n,))
    return s, mp, z, state_from_adaptation(0.0, mp), state_from_adaptation(np.clip(z, 0.0, 1.0), mp)


def _c1(columns: Mapping[str, np.ndarray], n: int) -> dict[str, ClaimArrays]:
    rule = C1_RULE
    s, mp, z, naive, pers = setup_many(C1_DEFAULTS, columns, n)
    drug0 = s["selection_drug"]
    b = mp.bypass
    naive0 = pstat5(0.0, naive, drug0, mp=mp) - b
    target = b + rule.naive_pstat5_cut * naive0
    d_cut = dose_for_signal_grid_many(target, naive, drug0, mp=mp)
    ok = (naive0 > 0) & np.isfinite(d_cut)
    with np.errstate(invalid="ignore", divide="ignore"):
        retained = np.where(
            ok, (pstat5(np.where(ok, d_cut, 1.0), pers, drug0, mp=mp) - b) / naive0, np.nan
        )
    folds, bounds, values = {}, {}, {}
    for d in DRUGS:
        f, bd = _fold(
            gi50_grid(pers, d, mp, hours=s["assay_hours"]),
            gi50_grid(naive, d, mp, hours=s["assay_hours"]),
        )
        folds[d], bounds[f"fold_{d}"], bounds[f"fold_lo_{d}"] = f, bd, bd
        values[f"fold_{d}"] = values[f"fold_lo_{d}"] = f
    values["retained_pstat5"] = retained
    templates = rule.conditions({d: (1.0, 1.0) for d in DRUGS}, 1.0)
    metrics = {
        "c1_adaptation": z,
        "c1_assay_hours": s["assay_hours"],
        **{f"c1_fold_{d}": f for d, f in folds.items()},
        "c1_min_fold": _py_min(list(folds.values())),
        "c1_retained_pstat5": retained,
    }
    return {"C1": _decide("C1", templates, values, bounds, metrics=metrics)}


def _coip(st: CellState, partner: str, mp: ModelParams) -> np.ndarray:
    part = np.where(st.partner > 0, st.partner, 1.0)
    return heterodimer_share(st, mp) * (st.jak1 if partner == "JAK1" else st.tyk2) / part


def _c2(columns: Mapping[str, np.ndarray], n: int) -> dict[str, ClaimArrays]:
    rule = C2_RULE
    s, mp, z, naive, pers = setup_many(C2_DEFAULTS, columns, n)
    drug = s["selection_drug"]
    kd = s["knockdown_fraction"]
    with np.errstate(invalid="ignore", divide="ignore"):
        coip = {p: _coip(pers, p, mp=mp) / _coip(naive, p, mp=mp) for p in C2_PARTNERS}
        pst = pstat5(s["chronic_dose_nM"], pers, drug, mp=mp) / pstat5(
            s["chronic_dose_nM"], naive, drug, mp=mp
        )
        g = {"naive": gi50_grid(naive, drug, mp), "persistent": gi50_grid(pers, drug, mp)}
        for p in C2_PARTNERS:
            g[f"persistent sh{p}"] = gi50_grid(pers.knock_down(p.lower(), kd), drug, mp)
        ctrl, _ = _fold(g["persistent"], g["naive"])
        kdr = {p: _fold(g[f"persistent sh{p}"], g["naive"])[0] / ctrl for p in C2_PARTNERS}
    templates = rule.conditions(
        {p: (1.0, 0.0) for p in C2_PARTNERS},
        1.0,
        {p: 1.0 for p in C2_PARTNERS},
    )
    values = {"pstat5_fold": pst}
    for p in C2_PARTNERS:
        values[f"coip_{p}"], values[f"coip_p_{p}"], values[f"kd_ratio_{p}"] = coip[p], 0.0, kdr[p]
    metrics = {
        "c2_adaptation": z,
        "c2_dose_nM": s["chronic_dose_nM"],
        "c2_share_naive": heterodimer_share(naive, mp),
        "c2_share_persistent": heterodimer_share(pers, mp),
        "c2_kd_percent": 100 * np.asarray(kd),
        **{f"c2_coip_{p.lower()}_fold": coip[p] for p in C2_PARTNERS},
        **{f"c2_kd_{p.lower()}_ratio": kdr[p] for p in C2_PARTNERS},
        "c2_pstat5_fold": pst,
        "c2_fold_control": ctrl,
    }
    return {"C2": _decide("C2", templates, values, metrics=metrics)}


def _c3(columns: Mapping[str, np.ndarray], n: int) -> dict[str, ClaimArrays]:
    r3, r4 = C3_RULE, C4_RULE
    s, mp = _params(C3_DEFAULTS, columns, n)
    drug = s["selection_drug"]
    sched = reversal_schedule(s)
    zs = [
        np.broadcast_to(np.asarray(z, dtype=float), (n,)) for z in schedule_closed_form(sched, mp)
    ]
    z_at = dict(zip(C3_STAGES, zs, strict=True))
    naive = state_from_adaptation(0.0, mp)
    stages = {k: state_from_adaptation(v, mp) for k, v in z_at.items()}
    g0 = gi50_grid(naive, drug, mp)
    fb = {k: _fold(gi50_grid(stages[k], drug, mp), g0) for k in C3_STAGES}
    m3 = {
        "c3_chronic_days": s["chronic_days"],
        "c3_dose_nM": s["chronic_dose_nM"],
        "c3_withdrawal_days": s["withdrawal_days"],
        "c3_rechallenge_days": s["rechallenge_days"],
        **{f"c3_z_{k.replace('-', '')}": v for k, v in z_at.items()},
        **{f"c3_fold_{k.replace('-', '')}": f for k, (f, _) in fb.items()},
    }
    t3 = r3.conditions(1.0, 1.0, 1.0)
    names = dict(zip(C3_STAGES, (c.name for c in t3), strict=True))
    c3 = _decide(
        "C3",
        t3,
        {names[k]: fb[k][0] for k in names},
        {names[k]: fb[k][1] for k in names},
        metrics=m3,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        j = {k: stages[k].jak2 / naive.jak2 for k in C3_STAGES}
    t4 = r4.conditions(1.0, 0.0, 1.0)
    m4 = {f"c4_jak2_{k.replace('-', '')}": v for k, v in j.items()}
    c4 = _decide(
        "C4",
        t4,
        {"jak2_persistent": j["persistent"], "jak2_p": 0.0, "jak2_withdrawn": j["withdrawn"]},
        thresholds={"jak2_withdrawn": j["persistent"] ** r4.max_return_share},
        metrics=m4,
    )
    return {"C3": c3, "C4": c4}


def _c6(columns: Mapping[str, np.ndarray], n: int) -> dict[str, ClaimArrays]:
    r6, r7 = C6_RULE, C7_RULE
    s, mp, z, naive, pers = setup_many(C6_DEFAULTS, columns, n)
    drug = s["selection_drug"]
    kd = s["knockdown_fraction"]
    g = {
        k: viability(0.0, v.knock_down("jak2", kd), "ruxolitinib", mp=mp, reference=v)
        for k, v in (("naive", naive), ("persistent", pers))
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        pr = pstat5(0.0, pers.knock_down("jak2", kd), "ruxolitinib", mp=mp) / pstat5(
            0.0, pers, "ruxolitinib", mp=mp
        )
    m6 = {
        "c6_growth_naive": g["naive"],
        "c6_growth_persistent": g["persistent"],
        "c6_pstat5_ratio_persistent": pr,
    }
    c6 = _decide(
        "C6",
        r6.conditions(1.0, 1.0, 1.0),
        {
            "growth_persistent": g["persistent"],
            "growth_gap": g["persistent"] - g["naive"],
            "pstat5_ratio": pr,
        },
        metrics=m6,
    )
    hr, hb = _fold(gi50_grid(pers, HSP90_INHIBITOR, mp), gi50_grid(naive, HSP90_INHIBITOR, mp))
    jr, jb = _fold(gi50_grid(pers, drug, mp), gi50_grid(naive, drug, mp))
    hr_use = np.where(hb != 1, hr, np.nan)
    hr_use = np.where(np.isfinite(hr_use), hr_use, np.nan)
    m7 = {"c7_puh71_ratio": hr, "c7_inhibitor_fold": jr}
    c7 = _decide(
        "C7",
        r7.conditions(1.0, 1.0, 1.0),
        {
            "puh71_ratio": hr_use,
            "puh71_ratio_hi": np.where(hb != 1, hr, np.nan),
            "inhibitor_fold": jr,
        },
        {"inhibitor_fold": jb},
        metrics=m7,
    )
    return {"C6": c6, "C7": c7}


def _c0(columns: Mapping[str, np.ndarray], n: int) -> dict[str, ClaimArrays]:
    r0, r5 = C0_RULE, C5_RULE
    s, mp = _params(C0_DEFAULTS, columns, n)
    schedule = in_vivo_schedule(s)
    rows = phase_ends(schedule, mp)
    days = np.array([r["day"] for r in rows])
    t_start = 0.0
    for ph in (p for p in schedule if p.days > 0):
        if ph.dose_nM > 0:
            break
        t_start += ph.days
    else:
        t_start = 0.0
    lead = LEAD_IN_DAYS
    w = 7 * np.array(
        [
            0.0,
            s["treatment_weeks"],
            s["treatment_weeks"] + s["pause_weeks"],
            s["treatment_weeks"] + s["pause_weeks"] + s["redose_weeks"],
        ]
    )
    start, end, pause_end, redose_end = (rows[int(np.abs(days - (lead + x)).argmin())] for x in w)
    ref = rows[int(np.abs(days - t_start).argmin())]

    def spleen(r: dict) -> np.ndarray:
        return r["M"] * r["pstat5_mutant"] / (ref["M"] * ref["pstat5_mutant"])

    def symptom(r: dict) -> np.ndarray:
        return (
            (r["M"] + r["N"]) * (1.0 - r["theta"]) / ((ref["M"] + ref["N"]) * (1.0 - ref["theta"]))
        )

    def frac(r: dict) -> np.ndarray:
        return r["M"] / (r["M"] + r["N"])

    clone_kept = frac(end) / frac(start)
    share_fold = end["hetero_share"] / start["hetero_share"]
    m0 = {
        "c0_spleen_end": spleen(end),
        "c0_symptom_end": symptom(end),
        "c0_fraction_start": frac(start),
        "c0_fraction_end": frac(end),
        "c0_clone_kept": clone_kept,
        "c0_spleen_pause": spleen(pause_end),
        "c0_spleen_redose": spleen(redose_end),
        "c0_treatment_weeks": s["treatment_weeks"],
    }
    m5 = {
        "c5_share_start": start["hetero_share"],
        "c5_share_end": end["hetero_share"],
        "c5_share_fold": share_fold,
        "c5_pstat5_end": end["pstat5_mutant"],
    }
    c0 = _decide(
        "C0",
        r0.conditions(1.0, 1.0, 1.0),
        {
            "spleen_end": m0["c0_spleen_end"],
            "symptom_end": m0["c0_symptom_end"],
            "clone_kept": clone_kept,
        },
        metrics=m0,
    )
    c5 = _decide(
        "C5",
        r5.conditions(1.0, 1.0),
        {"share_fold": share_fold, "pstat5_end": end["pstat5_mutant"]},
        metrics=m5,
    )
    return {"C0": c0, "C5": c5}


def _c8(columns: Mapping[str, np.ndarray], n: int) -> dict[str, ClaimArrays]:
    rule = C8_RULE
    s, mp, z, naive, pers = setup_many(C1_DEFAULTS, columns, n)
    true_cells = np.asarray(pers.clone, dtype=float) * mp.clone_jak2_allele * np.ones(n)
    vaf = C8_COPIES * true_cells
    called = vaf >= s.get("seq_detection_vaf", 0.02)
    cells = np.where(called, np.minimum(1.0, vaf / C8_COPIES), 0.0)
    templates = rule.conditions(0.0)
    metrics = {
        "c8_allele_cells": cells,
        "c8_allele_vaf": vaf,
        "c8_allele_cells_true": true_cells,
        "c8_adaptation": z,
    }
    return {"C8": _decide("C8", templates, {templates[0].name: cells}, metrics=metrics)}


_GROUPS = (
    (("C0", "C5"), _c0),
    (("C1",), _c1),
    (("C2",), _c2),
    (("C3", "C4"), _c3),
    (("C6", "C7"), _c6),
    (("C8",), _c8),
)


def evaluate_many(
    values: np.ndarray,
    names: tuple[str, ...] | list[str],
    claims: tuple[str, ...] = VECTOR_CLAIMS,
    *,
    fixed: Mapping[str, Any] | None = None,
) -> dict[str, ClaimArrays]:
    """Evaluate ``claims`` in the fast (noise-free) mode at every row of ``values`` (shape (n, k),
    columns ``names``: declared parameters) at once.

    ``fixed``: settings shared by every point (e.g. a rival model's switched-off mechanisms).
    Returns claim -> :class:`ClaimArrays`. Raises ValueError for an unknown parameter or claim, or
    for a run setting that varies per point where the model needs one value (e.g. ``chronic_days``).
    """
    bad = [c for c in claims if c not in VECTOR_CLAIMS]
    if bad:
        raise ValueError(
            f"the vectorised fast mode cannot evaluate {', '.join(bad)}; valid: "
            f"{', '.join(VECTOR_CLAIMS)}"
        )
    values = np.atleast_2d(np.asarray(values, dtype=float))
    n = values.shape[0]
    columns: dict[str, Any] = dict(fixed or {})
    for j, k in enumerate(names):
        columns[k] = values[:, j]
    out: dict[str, ClaimArrays] = {}
    with np.errstate(
        all="ignore"
    ):  # a point whose read-out is not a number fails its conditions, as per point
        for group, fn in _GROUPS:
            if any(c in claims for c in group):
                out.update({c: r for c, r in fn(columns, n).items() if c in claims})
    return {c: out[c] for c in claims}


def evaluation_records(
    values: np.ndarray,
    names: tuple[str, ...] | list[str],
    claims: tuple[str, ...],
    *,
    fixed: Mapping[str, Any] | None = None,
    detail: bool | tuple[str, ...] = False,
) -> pd.DataFrame:
    """The long table of :func:`jakpersist.atlas.run.evaluate_rows` (row, claim, margin, verdict,
    undefined, error, conditions, ``cond:``/``ok:`` per rule condition, ``x:`` metrics when
    ``detail``: every one for True, those named for a tuple), from :func:`evaluate_many`; rows
    ordered by point, then claim in the order given."""
    res = evaluate_many(values, names, claims, fixed=fixed)
    n = np.atleast_2d(values).shape[0]
    frames = []
    for c in claims:
        r = res[c]
        cols: dict[str, Any] = {
            "row": np.arange(n),
            "claim": c,
            "margin": r.margin,
            "verdict": r.verdict,
            "undefined": r.undefined,
            "error": "",
            "conditions": ",".join(r.conditions),
        }
        for name, (m, ok) in r.conditions.items():
            cols["cond:" + name], cols["ok:" + name] = m, ok
        if detail:
            cols.update(
                {f"x:{k}": v for k, v in r.metrics.items() if detail is True or k in detail}
            )
        frames.append(pd.DataFrame(cols))
    df = pd.concat(frames, ignore_index=True)
    order = np.argsort(df["row"].to_numpy(), kind="stable")
    return df.iloc[order].reset_index(drop=True)


_BOUND_NAME = {code: name for name, code in _BOUND.items()}


def evaluate_point(
    params: Mapping[str, Any] | None, claims: tuple[str, ...]
) -> dict[str, tuple[list[Condition], dict[str, float]]]:
    """:func:`evaluate_many` at one point, for the claim modules' ``mode="fast"``: per claim, its
    rule's conditions (each a :class:`~.base.Condition` with the point's value, threshold and
    bound, in the rule's order; margins and verdict follow from them as in every mode) and its
    metrics (floats).

    ``params``: chapter parameters overriding the claims' defaults (any declared parameter, one
    value each). Raises ValueError for an unknown parameter or claim.
    """
    res = evaluate_many(np.empty((1, 0)), (), claims, fixed=params)
    out = {}
    for c, r in res.items():
        conds = []
        for t in r.templates:
            v, b, thr = (float(x[0]) for x in r.inputs[t.name])
            conds.append(replace(t, value=v, threshold=thr, bound=_BOUND_NAME[int(b)]))
        out[c] = (conds, {k: float(v[0]) for k, v in r.metrics.items()})
    return out


__all__ = [
    "ClaimArrays",
    "VECTOR_CLAIMS",
    "decide_conditions",
    "evaluate_many",
    "evaluate_point",
    "evaluation_records",
    "setup_many",
]
