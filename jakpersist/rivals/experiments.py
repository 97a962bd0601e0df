"""The next experiment: discriminating experiments the paper did not do, run as virtual experiments
on every surviving rival model and ranked by expected information about which model is true.

Each experiment is a noise-free read-out of the model at many points at once (the kernels of
:mod:`jakpersist.model`, as the claims' vectorised fast mode uses them) with a binary outcome. It
runs on each model's accepted draws (the points of its plausible space where the observations of the
comparison all hold: the posterior under a flat prior), which gives P(outcome | model). With the
model prior set to the models' joint probabilities normalised over the surviving models, the
expected information of an experiment is the mutual information between model identity and its
outcome, in bits (at most 1 for a binary outcome; 0 when every model predicts the same).

How each experiment is represented in the model is this book's reading, tagged ``inference`` or
``assumption`` in :data:`EXPERIMENTS`; none is a result of the paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from ..claims.vectorised import setup_many
from ..claims.c6_jak2_dependence import DEFAULTS as _C6_DEFAULTS
from ..model.params import TYPE_II_INHIBITOR
from dataclasses import replace

from ..model.signalling import CellState, cytokine_pstat5, gi50_grid, growth_rate, pstat5


@dataclass(frozen=True)
class Experiment:
    """A virtual experiment with a binary outcome: ``outcome(settings, mp, z, naive, persistent)``
    returns one boolean per point. ``how``: what is simulated, with its tags (inference /
    assumption)."""

    id: str
    title: str
    outcome_label: str
    how: str
    outcome: Callable[..., np.ndarray]


#: CHZ868 GI50 fold (persistent over naive) under which persistent cells count as staying sensitive
#: to the type II inhibitor (the book's reading of "sensitive"; assumption). The C1 rule's own
#: persistence threshold is the lenient alternative the chapter also reports.
TYPE2_SENSITIVE_BELOW = 2.0


def _type2_fold(s: dict, mp: Any, z: np.ndarray, naive: CellState, pers: CellState) -> tuple:
    """The model's type II arm (CHZ868, :data:`jakpersist.model.params.TYPE_II_INHIBITOR`): GI50
    fold of persistent over naive cells and whether it is defined (both GI50s inside the dose grid
    for naive cells, the persistent one not censored above it). CHZ868 blocks homo- and heterodimer
    JAK2 alike (binding the inactive conformation: Meyer et al., Cancer Cell 2015), so its fold
    follows the JAK2 level and the growth response, not the partner pool; no efflux and no potency
    loss in a resistant subclone (the model's assumptions: the rivals' per-drug factors are declared
    for type I drugs); a bypass acts on it as on any JAK2 inhibitor."""
    (gp, bp), (gn, bn) = (
        gi50_grid(pers, TYPE_II_INHIBITOR, mp),
        gi50_grid(naive, TYPE_II_INHIBITOR, mp),
    )
    return gp / gn, (bp != 1) & (bn == 0)


def _type2(s: dict, mp: Any, z: np.ndarray, naive: CellState, pers: CellState) -> np.ndarray:
    fold, defined = _type2_fold(s, mp, z, naive, pers)
    return (fold < TYPE2_SENSITIVE_BELOW) & defined


def _kinase_dead(s: dict, mp: Any, z: np.ndarray, naive: CellState, pers: CellState) -> np.ndarray:
    # persistent cells, untreated, 72 h: endogenous JAK2 knocked down (the chapters' knock-down
    # fraction), then a kinase-dead JAK2 re-expressed at the naive JAK2 level. Kinase-dead JAK2
    # pairs like JAK2 and signals only in a heterodimer, trans-activated by the partner's kinase,
    # fully (assumption: the scaffold reading of trans-activation); in a homodimer it signals
    # nothing.
    kd = s["knockdown_fraction"]
    wt = pers.jak2 * (1.0 - kd)
    ap = mp.pairing_affinity * pers.partner
    h = ap / (wt + 1.0 + ap)
    base = pers.knock_down("jak2", kd)
    s_kd = pstat5(0.0, base, "ruxolitinib", mp=mp)
    s_rescue = wt * 1.0 + 1.0 * h + mp.bypass  # untreated: I = 1 in homo- and heterodimers
    s_rescue = s_rescue + cytokine_pstat5(
        0.0, pers, "ruxolitinib", mp=mp
    )  # an extrinsic cytokine's part (R6) stays
    r0 = growth_rate(pstat5(0.0, pers, "ruxolitinib", mp=mp), mp)
    g_kd = np.exp((growth_rate(s_kd, mp) - r0) * 72.0)
    g_rescue = np.exp((growth_rate(s_rescue, mp) - r0) * 72.0)
    lost = 1.0 - g_kd
    with np.errstate(invalid="ignore", divide="ignore"):
        return (lost > 0.1) & ((g_rescue - g_kd) / lost >= 0.5)


def _partner_blot(s: dict, mp: Any, z: np.ndarray, naive: CellState, pers: CellState) -> np.ndarray:
    # total JAK1 and TYK2 protein on a blot: the model's partner level (assumption: the level
    # available for pairing is the total level)
    return (pers.jak1 + pers.tyk2) / (naive.jak1 + naive.tyk2) >= 1.5


def _barcodes(s: dict, mp: Any, z: np.ndarray, naive: CellState, pers: CellState) -> np.ndarray:
    # lineage barcodes (or a Luria-Delbrueck fluctuation test) read whether the persistent
    # population descends from a pre-existing minority: here, whether cells that were a subclone
    # before the drug make up at least half of the persistent population. An adaptive mechanism
    # changes every lineage alike
    # (assumption), so its
    # share is 0.
    return np.asarray(pers.clone, dtype=float) * np.ones_like(z) >= 0.5


def _washout(s: dict, mp: Any, z: np.ndarray, naive: CellState, pers: CellState) -> np.ndarray:
    # persistent cells washed free of drug and read at once (before any relaxation): pSTAT5 at least
    # 1.5-fold the naive untreated level (a rebound over baseline)
    return pstat5(0.0, pers, "ruxolitinib", mp=mp) / pstat5(0.0, naive, "ruxolitinib", mp=mp) >= 1.5


def _neutralise(s: dict, mp: Any, z: np.ndarray, naive: CellState, pers: CellState) -> np.ndarray:
    # persistent and naive cells under ruxolitinib with a neutralising antibody against the
    # protective cytokine (or washed and kept in fresh medium): the extrinsic cytokine's signal
    # removed, the cells' own
    # state unchanged
    mp0 = replace(mp, cytokine_signal=0.0 * np.asarray(mp.cytokine_signal))
    (gp, _bp), (gn, bn) = gi50_grid(pers, "ruxolitinib", mp), gi50_grid(naive, "ruxolitinib", mp)
    (gp0, bp0), (gn0, bn0) = (
        gi50_grid(pers, "ruxolitinib", mp0),
        gi50_grid(naive, "ruxolitinib", mp0),
    )
    # the persistent cells' GI50 fold at least halves (a fold censored above the range counts as not
    # halving)
    return (gp0 / gn0 <= 0.5 * gp / gn) & (bp0 != 1) & (bn0 == 0) & (bn == 0)


#: The type II inhibitor on persistent cells: no longer a next experiment, since Meyer et al.
#: (Cancer Cell 2015) did it; it reads the later-literature observation "CHZ868 stays active"
#: (:mod:`.observations`) at every design point.
TYPE_II = Experiment(
    "type II inhibitor",
    "a type II JAK2 inhibitor (CHZ868) on persistent cells",
    f"persistent cells stay sensitive (GI50 fold under {TYPE2_SENSITIVE_BELOW:g})",
    "the model's CHZ868 arm: no heterodimer escape (inference after Meyer et al., Cancer Cell "
    "2015); no efflux and no loss in a resistant subclone (assumptions)",
    _type2,
)

#: The experiments the paper did not do and no later source in the book reports, ranked by
#: :func:`rank`.
EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        "kinase-dead JAK2 rescue",
        "JAK2 knock-down rescued by a kinase-dead JAK2",
        "the kinase-dead JAK2 restores at least half the growth the knock-down took",
        "assumption: kinase-dead JAK2 at the naive level signals in heterodimers through the "
        "partner's kinase",
        _kinase_dead,
    ),
    Experiment(
        "total JAK1/TYK2 blot",
        "total JAK1 and TYK2 protein in persistent vs naive cells",
        "JAK1 + TYK2 at least 1.5-fold naive",
        "assumption: the partner level available for pairing is the total level",
        _partner_blot,
    ),
    Experiment(
        "barcoding / fluctuation",
        "lineage barcoding (or a fluctuation test) of the persistent population",
        "at least half the persistent cells descend from a pre-existing minority",
        "assumption: adaptation changes every lineage alike; selection enriches the pre-existing "
        "subclone",
        _barcodes,
    ),
    Experiment(
        "cytokine neutralisation",
        "a neutralising antibody against the protective cytokine (anti-IL-6-like) "
        "on persistent cells under ruxolitinib",
        "the persistent cells' GI50 fold at least halves",
        "assumption: the antibody removes the extrinsic cytokine's signal entirely and changes "
        "nothing else "
        "(after the neutralising antibodies of Manshouri et al. 2011)",
        _neutralise,
    ),
    Experiment(
        "washout rebound",
        "pSTAT5 right after drug washout in persistent cells",
        "pSTAT5 at least 1.5-fold the naive untreated level",
        "model: the persistent state's JAK2 signalling with the drug removed, before relaxation",
        _washout,
    ),
)
#: Every virtual experiment by id: the ranked ones and those that read a published observation.
READOUTS: dict[str, Experiment] = {e.id: e for e in (*EXPERIMENTS, TYPE_II)}


def outcomes(
    values: np.ndarray,
    names: tuple[str, ...] | list[str],
    *,
    fixed: Mapping[str, Any] | None = None,
    only: tuple[str, ...] | None = None,
) -> dict[str, np.ndarray]:
    """Every experiment's outcome at every row of ``values`` (shape (n, k), columns ``names``), in
    one pass per experiment over all points: experiment id -> boolean array. ``fixed``: settings
    shared by every point. ``only``: these experiments of :data:`READOUTS` (by id) instead of the
    ranked :data:`EXPERIMENTS`; raises KeyError naming the valid ids for an unknown one."""
    bad = [e for e in only or () if e not in READOUTS]
    if bad:
        raise KeyError(f"unknown experiment(s) {bad}; valid: {', '.join(READOUTS)}")
    chosen = EXPERIMENTS if only is None else tuple(READOUTS[e] for e in only)
    values = np.atleast_2d(np.asarray(values, dtype=float))
    n = values.shape[0]
    if n == 0:
        return {e.id: np.zeros(0, dtype=bool) for e in chosen}
    columns: dict[str, Any] = dict(fixed or {})
    for j, k in enumerate(names):
        columns[k] = values[:, j]
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        s, mp, z, naive, pers = setup_many(_C6_DEFAULTS, columns, n)
        return {
            e.id: np.broadcast_to(
                np.asarray(e.outcome(s, mp, z, naive, pers), dtype=bool), (n,)
            ).copy()
            for e in chosen
        }


def _columns(
    values: np.ndarray, names: tuple[str, ...] | list[str], fixed: Mapping[str, Any] | None
) -> tuple[np.ndarray, dict[str, Any]]:
    values = np.atleast_2d(np.asarray(values, dtype=float))
    columns: dict[str, Any] = dict(fixed or {})
    for j, k in enumerate(names):
        columns[k] = values[:, j]
    return values, columns


def type2_folds(
    values: np.ndarray,
    names: tuple[str, ...] | list[str],
    *,
    fixed: Mapping[str, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """CHZ868 GI50 fold (persistent over naive) and whether it is defined, at every row of
    ``values`` (:func:`_type2_fold`)."""
    values, columns = _columns(values, names, fixed)
    n = values.shape[0]
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        fold, defined = _type2_fold(*setup_many(_C6_DEFAULTS, columns, n))
    return (
        np.broadcast_to(np.asarray(fold, dtype=float), (n,)).copy(),
        np.broadcast_to(np.asarray(defined, dtype=bool), (n,)).copy(),
    )


def type2_drivers(
    values: np.ndarray,
    names: tuple[str, ...] | list[str],
    *,
    fixed: Mapping[str, Any] | None = None,
    accepted: np.ndarray | None = None,
) -> dict[str, Any]:
    """Why a model's persistent cells do or do not stay sensitive to CHZ868: over the points
    ``values`` (columns ``names``) and over the ``accepted`` ones among them, the share that stays
    sensitive (:func:`_type2`), the CHZ868 fold's 5/50/95% quantiles, and the share and count per
    band of the persistent cells' JAK2 level (fold of naive); over every point with a defined fold,
    the Spearman rank correlation of the fold with each sampled parameter and with the persistent
    JAK2 level (largest first; also over the accepted points when there are at least 30). Each JAK2
    band also gives the share of its points that are accepted (what the observations select)."""
    values, columns = _columns(values, names, fixed)
    n = values.shape[0]
    fold, defined = type2_folds(values, names, fixed=fixed)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        pers = setup_many(_C6_DEFAULTS, columns, n)[4]
    jak2 = np.broadcast_to(np.asarray(pers.jak2, dtype=float), (n,))
    ok = (fold < TYPE2_SENSITIVE_BELOW) & defined
    acc = np.ones(n, dtype=bool) if accepted is None else np.asarray(accepted, dtype=bool)
    bands = (0.0, 1.5, 2.0, 2.5, 3.0, 4.0, np.inf)

    def part(sel: np.ndarray) -> dict[str, Any]:
        f = fold[sel & defined]
        rows = []
        for lo, hi in zip(bands[:-1], bands[1:], strict=True):
            b = sel & (jak2 >= lo) & (jak2 < hi)
            rows.append(
                {
                    "jak2_lo": lo,
                    "jak2_hi": None if np.isinf(hi) else hi,
                    "n": int(b.sum()),
                    "share_sensitive": float(ok[b].mean()) if b.any() else float("nan"),
                    "share_accepted": float(acc[b].mean()) if b.any() else float("nan"),
                }
            )
        return {
            "n": int(sel.sum()),
            "share_sensitive": float(ok[sel].mean()) if sel.any() else float("nan"),
            "fold_quantiles": np.quantile(f, [0.05, 0.5, 0.95]).tolist() if f.size else [],
            "jak2_quantiles": np.quantile(jak2[sel], [0.05, 0.5, 0.95]).tolist()
            if sel.any()
            else [],
            "by_jak2": rows,
        }

    def spearman(sel: np.ndarray) -> dict[str, float]:
        import pandas as pd

        sel = sel & defined
        y = np.log(fold[sel])
        if sel.sum() < 3 or np.ptp(y) == 0:  # a constant fold has no rank correlation
            return {}
        table = pd.DataFrame({k: values[sel, j] for j, k in enumerate(names)})
        table["persistent JAK2 level"] = jak2[sel]
        table = table[[c for c in table.columns if table[c].nunique() > 1]]
        rho = table.corrwith(pd.Series(y, index=table.index), method="spearman").dropna()
        return {k: float(v) for k, v in rho.sort_values(key=np.abs, ascending=False).items()}

    return {
        "sensitive_below": TYPE2_SENSITIVE_BELOW,
        "prior": part(np.ones(n, dtype=bool)),
        "accepted": part(acc),
        "spearman": spearman(np.ones(n, dtype=bool)),
        "spearman_accepted": spearman(acc) if acc.sum() >= 30 else {},
    }


def _entropy(p: np.ndarray) -> float:
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def mutual_information(prior: Mapping[str, float], p_outcome: Mapping[str, float]) -> float:
    """Mutual information (bits) between model identity (``prior``, normalised here) and a binary
    outcome with P(outcome | model) = ``p_outcome[model]``: H(outcome) - sum_m prior_m H(outcome |
    m)."""
    ms = [m for m in prior if prior[m] > 0]
    w = np.array([prior[m] for m in ms], dtype=float)
    w = w / w.sum()
    q = np.array([p_outcome[m] for m in ms], dtype=float)
    marg = float((w * q).sum())
    return _entropy(np.array([marg, 1 - marg])) - float(
        sum(wi * _entropy(np.array([qi, 1 - qi])) for wi, qi in zip(w, q, strict=True))
    )


def rank(
    prior: Mapping[str, float],
    accepted: Mapping[str, tuple[tuple[str, ...], np.ndarray, Mapping[str, Any]]],
) -> list[dict]:
    """The experiments ranked by expected information. ``prior``: model -> joint probability
    (normalised over the models given); ``accepted``: model -> (names, accepted points, fixed
    settings). Each row: experiment, title, outcome, how, per model P(outcome | model) and its
    number of points, and the mutual information (bits)."""
    per_model = {m: outcomes(v, names, fixed=fx) for m, (names, v, fx) in accepted.items()}
    rows = []
    for e in EXPERIMENTS:
        p = {
            m: float(o[e.id].mean()) if o[e.id].size else float("nan") for m, o in per_model.items()
        }
        usable = {m: prior[m] for m in prior if m in p and np.isfinite(p[m])}
        rows.append(
            {
                "experiment": e.id,
                "title": e.title,
                "outcome": e.outcome_label,
                "how": e.how,
                "p_outcome": p,
                "n": {m: int(o[e.id].size) for m, o in per_model.items()},
                "information_bits": mutual_information(usable, p) if len(usable) > 1 else 0.0,
            }
        )
    return sorted(rows, key=lambda r: -r["information_bits"])
