"""The mechanistic model of JAK2 signalling under a type I inhibitor (steady state).

Equations (book/model.md shows them rendered):

* inhibition by a type I drug at dose D:      I(D; K, n) = 1 / (1 + (D/K)^n)
* heterodimer share of JAK2 complexes:        h = a P / (E2 + a P)
* STAT5 output (fraction of naive vehicle):   S(D) = E2 [(1 - h) I(D; K) + h I(D; s K)] + b
* growth rate (1/h):                          r = r_max S^m / (S^m + Ks^m) - d0
* viability after t hours, vs vehicle:        V(D) = exp((r(D) - r(0)) t)

E2 is the JAK2 level (naive = 1), P the JAK1+TYK2 level available for pairing, s the heterodimer
(trans-activation) advantage, b a JAK2-independent bypass. All functions broadcast over NumPy arrays.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from .params import HSP90_INHIBITOR, ModelParams


@dataclass(frozen=True)
class CellState:
    """Protein levels of one cell population, relative to naive cells.

    jak2: JAK2 level (naive = 1); jak1, tyk2: partner kinase levels available for pairing.
    """

    jak2: float
    jak1: float
    tyk2: float

    @property
    def partner(self) -> float:
        """JAK1 + TYK2 level available for pairing."""
        return self.jak1 + self.tyk2

    def knock_down(self, gene: str, fraction: float) -> "CellState":
        """The same cells after an shRNA knock-down removing ``fraction`` (0-1) of ``gene``."""
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"knock-down fraction must be between 0 and 1, got {fraction}")
        gene = gene.lower()
        if gene not in ("jak2", "jak1", "tyk2"):
            raise ValueError(f"unknown gene {gene!r}; valid: jak2, jak1, tyk2")
        return replace(self, **{gene: getattr(self, gene) * (1.0 - fraction)})


def state_from_adaptation(z: float, mp: ModelParams) -> CellState:
    """Cell state for adaptation level ``z`` (0 = naive, 1 = fully adapted)."""
    if not 0.0 <= z <= 1.0 + 1e-9:
        raise ValueError(f"adaptation state must be in [0, 1], got {z}")
    jak2 = 1.0 + (mp.jak2_max - 1.0) * z
    partner = mp.partner_naive + (mp.partner_max - mp.partner_naive) * z
    return CellState(jak2=jak2, jak1=mp.jak1_share * partner, tyk2=(1.0 - mp.jak1_share) * partner)


def inhibition(dose_nM: ArrayLike, K_nM: float, hill: float) -> np.ndarray:
    """Fraction of activity left at ``dose_nM`` for potency ``K_nM`` (1 at dose 0, 0.5 at K)."""
    d = np.asarray(dose_nM, dtype=float)
    if np.any(d < 0):
        raise ValueError("doses must be >= 0 nM")
    return 1.0 / (1.0 + (d / K_nM) ** hill)


def heterodimer_share(state: CellState, mp: ModelParams) -> float:
    """Share h of active JAK2 complexes whose second kinase is JAK1 or TYK2."""
    ap = mp.pairing_affinity * state.partner
    total = state.jak2 + ap
    return 0.0 if total == 0 else ap / total


def jak2_after_hsp90(state: CellState, hsp90_nM: ArrayLike, mp: ModelParams) -> np.ndarray:
    """JAK2 protein left after PU-H71 at ``hsp90_nM`` (JAK2 is an HSP90 client and is degraded)."""
    return state.jak2 * inhibition(hsp90_nM, mp.hsp90_K, mp.hsp90_hill)


def pstat5(dose_nM: ArrayLike, state: CellState, drug: str, mp: ModelParams,
           hsp90_nM: ArrayLike = 0.0) -> np.ndarray:
    """STAT5 phosphorylation (fraction of naive vehicle) at a JAK2-inhibitor dose and PU-H71 dose.

    PU-H71 lowers JAK2 protein; JAK2 loss also lowers the share of partners it can pair with, so both
    homo- and heterodimers fall with it.
    """
    K = mp.potency(drug)
    e2 = jak2_after_hsp90(state, hsp90_nM, mp)
    ap = mp.pairing_affinity * state.partner
    with np.errstate(invalid="ignore", divide="ignore"):
        h = np.where(e2 + ap > 0, ap / (e2 + ap), 0.0)
    homo = inhibition(dose_nM, K, mp.drug_hill)
    hetero = inhibition(dose_nM, mp.hetero_advantage * K, mp.drug_hill)
    return e2 * ((1.0 - h) * homo + h * hetero) + mp.bypass


def growth_rate(signal: ArrayLike, mp: ModelParams, hsp90_nM: ArrayLike = 0.0) -> np.ndarray:
    """Net growth rate (1/h) for a STAT5 signal; PU-H71 may add other-client toxicity (assumption)."""
    s = np.clip(np.asarray(signal, dtype=float), 0.0, None)
    m = mp.growth_hill
    drive = s**m / (s**m + mp.growth_half_signal**m)
    other = 1.0 - mp.hsp90_other_clients * (1.0 - inhibition(hsp90_nM, mp.hsp90_K, mp.hsp90_hill))
    return mp.r_max * drive * other - mp.death_rate


def viability(dose_nM: ArrayLike, state: CellState, drug: str, mp: ModelParams, hours: float = 72.0,
              hsp90_nM: ArrayLike = 0.0, reference: CellState | None = None) -> np.ndarray:
    """Viable cells after ``hours`` relative to untreated ``reference`` cells (default: same cells).

    Exponential growth at the steady-state rate: V = exp((r(treated) - r(reference, vehicle)) t).
    """
    ref = state if reference is None else reference
    r = growth_rate(pstat5(dose_nM, state, drug, mp, hsp90_nM), mp, hsp90_nM)
    r0 = growth_rate(pstat5(0.0, ref, drug, mp), mp)
    return np.exp((r - r0) * hours)


def agent_pstat5(dose_nM: ArrayLike, state: CellState, agent: str, mp: ModelParams) -> np.ndarray:
    """pSTAT5 after a dose of ``agent``: a JAK2 inhibitor (see DRUGS) or the HSP90 inhibitor PU-H71."""
    if agent == HSP90_INHIBITOR:
        return pstat5(0.0, state, "ruxolitinib", mp, hsp90_nM=dose_nM)
    return pstat5(dose_nM, state, agent, mp)


def agent_viability(dose_nM: ArrayLike, state: CellState, agent: str, mp: ModelParams,
                    hours: float = 72.0) -> np.ndarray:
    """Viability after a dose of ``agent``: a JAK2 inhibitor (see DRUGS) or the HSP90 inhibitor PU-H71."""
    if agent == HSP90_INHIBITOR:
        return viability(0.0, state, "ruxolitinib", mp, hours, hsp90_nM=dose_nM)
    return viability(dose_nM, state, agent, mp, hours)


def _dose_where(curve, target: float, lo_nM: float, hi_nM: float) -> float:
    """Dose (nM) where a curve falling with dose crosses ``target``; nan if it never does in the range."""
    from scipy.optimize import brentq

    f = lambda logd: float(curve(10.0**logd)) - target  # noqa: E731
    a, b = np.log10(lo_nM), np.log10(hi_nM)
    if f(a) < 0 or f(b) > 0:
        return float("nan")
    return float(10.0 ** brentq(f, a, b, xtol=1e-10))


def dose_for_signal(target: float, state: CellState, drug: str, mp: ModelParams,
                    lo_nM: float = 1e-3, hi_nM: float = 1e7) -> float:
    """Dose (nM) at which pSTAT5 falls to ``target`` (fraction of naive vehicle); nan if never."""
    return _dose_where(lambda d: pstat5(d, state, drug, mp), target, lo_nM, hi_nM)


def gi50_model(state: CellState, agent: str, mp: ModelParams, hours: float = 72.0) -> float:
    """Noise-free absolute GI50 (nM) of a JAK2 inhibitor or PU-H71: viability 50% of vehicle; nan if never."""
    return _dose_where(lambda d: agent_viability(d, state, agent, mp, hours), 0.5, 1e-3, 1e7)


def knockdown_populations(naive: CellState, persistent: CellState, fraction: float) -> dict[str, CellState]:
    """Naive and persistent cells with a control shRNA, and persistent cells with JAK1 or TYK2 knocked down."""
    return {
        "naive": naive,
        "persistent": persistent,
        "persistent shJAK1": persistent.knock_down("jak1", fraction),
        "persistent shTYK2": persistent.knock_down("tyk2", fraction),
    }


_GRID_NM = np.geomspace(1e-3, 1e7, 1601)  # 160 points per decade over the censoring range of the fast mode


def _crossing_on_grid(values: np.ndarray, target: float) -> float:
    """Dose (nM) where ``values`` (on :data:`_GRID_NM`, falling with dose) first cross ``target``; linear
    interpolation in log dose (relative error ~1e-4 at 160 points per decade). nan if no crossing."""
    below = np.nonzero(values <= target)[0]
    if below.size == 0 or below[0] == 0:
        return float("nan")
    i = below[0]
    x0, x1 = np.log10(_GRID_NM[i - 1]), np.log10(_GRID_NM[i])
    y0, y1 = values[i - 1], values[i]
    return float(10 ** (x0 + (target - y0) * (x1 - x0) / (y1 - y0))) if y1 != y0 else float(_GRID_NM[i])


def gi50_model_bounded(state: CellState, agent: str, mp: ModelParams, hours: float = 72.0) -> tuple[float, str | None]:
    """Noise-free absolute GI50 (nM) as (value, bound), vectorised on a dose grid: the fast, noise-free mode
    of the claim functions and the atlas (about 100x faster than :func:`gi50_model`'s root finder, relative
    difference ~1e-4).

    Where viability never falls to 50% between 1 pM and 10 mM the GI50 is censored: (1e7, "lower") means
    "above 10 mM" and (1e-3, "upper") "below 1 pM"; otherwise bound is None. The range is an assumption:
    beyond any dose a cell assay can use.
    """
    v = agent_viability(_GRID_NM, state, agent, mp, hours)
    if v[0] <= 0.5:
        return float(_GRID_NM[0]), "upper"
    x = _crossing_on_grid(v, 0.5)
    if np.isfinite(x):
        return x, None
    return float(_GRID_NM[-1]), "lower"


def dose_for_signal_grid(target: float, state: CellState, drug: str, mp: ModelParams) -> float:
    """Dose (nM) at which pSTAT5 falls to ``target`` on the fast grid (see :func:`gi50_model_bounded`); nan
    if never between 1 pM and 10 mM."""
    return _crossing_on_grid(pstat5(_GRID_NM, state, drug, mp), target)
