"""The mechanistic model of JAK2 signalling under a type I inhibitor (steady state).

Equations (book/model.md shows them rendered):

* inhibition by a type I drug at dose D:     I(D; K, n) = 1 / (1 + (D/K)^n)
* heterodimer share of JAK2 complexes:       h = a P / (E2 + a P)
* trans-activated share of heterodimer JAK2: a(D) = sum_p w_p I(D; rho_p K)
                                             (p = JAK1, TYK2; w_p its share of the partner pool;
                                             rho_p the drug's enzyme IC50 ratio partner/JAK2)
* heterodimer JAK2 activity left:            H(D) = I(D; K) + (1 - g + g a(D)) [I(D; s K) - I(D; K)]
                                             (g = trans_gating; g = 0: a drug-agnostic escape)
* STAT5 output (fraction of naive vehicle):  S(D) = E2 [(1 - h) I(D; K) + h H(D)] + b
* activated JAK2 (pY1007/1008):              pJAK2(D) = E2 [(S - b)/E2 + gamma (1 - I(D; K))]
                                             (type I drugs)
* growth rate (1/h):                         r = r_max S^m / (S^m + Ks^m) - d0
* viability after t hours, vs vehicle:       V(D) = exp((r(D) - r(0)) t)

E2 is the JAK2 level (naive = 1), P the JAK1+TYK2 level available for pairing, s the heterodimer
(trans-activation) advantage, realised only while the drug spares the partner kinase (so a pan-JAK
inhibitor with rho near 1 leaves heterodimers little escape), b a JAK2-independent bypass, gamma the
loop phosphorylation held by bound type I drug. The type II inhibitor CHZ868 has neither the escape
nor the pJAK2 term. All functions broadcast over NumPy arrays.

Rival mechanisms (``RIVAL_PARAMS``; every default switches them off and leaves the numbers above
bit-identical):

* less drug inside adapted cells:   D_in = D / (1 + (x_drug - 1) z)   (efflux_<drug>)
* adaptive bypass of growth:        drive = 1 - (1 - S^m/(S^m + Ks^m)) (1 - B z [I(H; K_H)])
                                    (bypass_growth)
* extrinsic cytokine protection:    S += C z (J1 I(D; rho_JAK1 K) + T I(D; rho_TYK2 K)) / P_naive
                                    (cytokine_signal)
* a resistant subclone of share f:  S = (1 - f) S(K) + f S(x_drug K); its r_max is r_max (1 - c);
  viability of the mixture = sum_i w_i exp(r_i t) / sum_i w_i^ref exp(r_i^ref(0) t)   (clone_*)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from .params import DRUGS, HSP90_INHIBITOR, TYPE_II_INHIBITOR, ModelParams


@dataclass(frozen=True)
class CellState:
    """Protein levels of one cell population, relative to naive cells.

    jak2: JAK2 level (naive = 1); jak1, tyk2: partner kinase levels available for pairing; z:
    adaptation state (0-1; read by the rival mechanisms that rise with adaptation); clone: share of
    a resistant subclone (rival mechanisms R2/R5; 0 = one homogeneous population).
    """

    jak2: float
    jak1: float
    tyk2: float
    z: float = 0.0
    clone: float = 0.0

    @property
    def partner(self) -> float:
        """JAK1 + TYK2 level available for pairing."""
        return self.jak1 + self.tyk2

    def knock_down(self, gene: str, fraction: float) -> "CellState":
        """The same cells after an shRNA knock-down removing ``fraction`` (0-1) of ``gene``."""
        if not np.all((0.0 <= np.asarray(fraction)) & (np.asarray(fraction) <= 1.0)):
            raise ValueError(f"knock-down fraction must be between 0 and 1, got {fraction}")
        gene = gene.lower()
        if gene not in ("jak2", "jak1", "tyk2"):
            raise ValueError(f"unknown gene {gene!r}; valid: jak2, jak1, tyk2")
        return replace(self, **{gene: getattr(self, gene) * (1.0 - fraction)})


def state_from_adaptation(z: float, mp: ModelParams) -> CellState:
    """Cell state for adaptation level ``z`` (0 = naive, 1 = fully adapted)."""
    if np.ndim(z):  # an array of states (the in-vivo read-out of the rival mechanisms)
        if np.any((np.asarray(z) < 0.0) | (np.asarray(z) > 1.0 + 1e-9)):
            raise ValueError(f"adaptation states must be in [0, 1], got {np.min(z)} to {np.max(z)}")
    elif not 0.0 <= z <= 1.0 + 1e-9:
        raise ValueError(f"adaptation state must be in [0, 1], got {z}")
    if np.ndim(mp.clone_start) and np.any(
        np.asarray(mp.clone_start) > 0
    ):  # per point, some with a subclone
        sel = np.asarray(mp.clone_start) > 0
        jak2 = np.where(sel, 1.0, 1.0 + (mp.jak2_max - 1.0) * z)
        partner = np.where(
            sel, mp.partner_naive, mp.partner_naive + (mp.partner_max - mp.partner_naive) * z
        )
        clone = np.where(sel, mp.clone_start + (1.0 - mp.clone_start) * z, 0.0)
        return CellState(
            jak2=jak2,
            jak1=mp.jak1_share * partner,
            tyk2=(1.0 - mp.jak1_share) * partner,
            z=z * np.ones_like(jak2),
            clone=clone,
        )
    if np.any(
        np.asarray(mp.clone_start) > 0
    ):  # selection (rivals R2/R5): z is the subclone's gain in share,
        # protein levels stay naive
        partner = mp.partner_naive
        return CellState(
            jak2=1.0,
            jak1=mp.jak1_share * partner,
            tyk2=(1.0 - mp.jak1_share) * partner,
            z=z,
            clone=mp.clone_start + (1.0 - mp.clone_start) * z,
        )
    jak2 = 1.0 + (mp.jak2_max - 1.0) * z
    partner = mp.partner_naive + (mp.partner_max - mp.partner_naive) * z
    return CellState(
        jak2=jak2, jak1=mp.jak1_share * partner, tyk2=(1.0 - mp.jak1_share) * partner, z=z
    )


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
    if np.ndim(total):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total == 0, 0.0, ap / total)
    return 0.0 if total == 0 else ap / total


def jak2_after_hsp90(state: CellState, hsp90_nM: ArrayLike, mp: ModelParams) -> np.ndarray:
    """JAK2 protein left after PU-H71 at ``hsp90_nM`` (JAK2 is an HSP90 client and is degraded)."""
    return state.jak2 * inhibition(hsp90_nM, mp.hsp90_K, mp.hsp90_hill)


def _inside(dose_nM: ArrayLike, state: CellState, fold: float) -> ArrayLike:
    """Intracellular dose under the efflux rival: D / (1 + (fold - 1) z); the dose itself when
    off."""
    if np.all(np.asarray(fold) == 1.0):
        return dose_nM
    den = 1.0 + (fold - 1.0) * state.z
    if np.ndim(dose_nM) == 0 and dose_nM == 0 and np.all(den > 0):
        return dose_nM  # no drug outside, none inside: 0 / den, without an array of zeros
    return np.asarray(dose_nM, dtype=float) / den


def _partner_weights(state: CellState) -> tuple[ArrayLike, ArrayLike]:
    """Shares of JAK1 and TYK2 in the partner pool available for pairing (0.5 each when the pool is
    empty)."""
    total = np.asarray(state.jak1, dtype=float) + np.asarray(state.tyk2, dtype=float)
    pos = total > 0
    if np.all(pos):  # the same values without the two selections
        w1 = np.asarray(state.jak1, dtype=float) / total
        return w1, 1.0 - w1
    with np.errstate(invalid="ignore", divide="ignore"):
        w1 = np.where(pos, np.asarray(state.jak1, dtype=float) / np.where(pos, total, 1.0), 0.5)
    return w1, 1.0 - w1


def trans_activated_share(
    dose_nM: ArrayLike, state: CellState, drug: str, *, mp: ModelParams
) -> np.ndarray:
    """Share of heterodimer JAK2 that its partner trans-phosphorylates at ``dose_nM`` of a type I
    ``drug``: the partner's activity left, sum_p w_p I(D; rho_p K), with w_p the JAK1/TYK2 shares of
    the partner pool and rho_p the drug's partner/JAK2 enzyme IC50 ratio (``jak1_ratio_<drug>``,
    ``tyk2_ratio_<drug>``). 1 at dose 0."""
    K = mp.potency(drug)
    w1, w2 = _partner_weights(state)
    return w1 * inhibition(
        dose_nM, mp.partner_ratio("jak1", drug) * K, mp.drug_hill
    ) + w2 * inhibition(dose_nM, mp.partner_ratio("tyk2", drug) * K, mp.drug_hill)


def _cytokine(
    dose_nM: ArrayLike, state: CellState, drug: str, mp: ModelParams
) -> np.ndarray | None:
    """pSTAT5 from extrinsic cytokine protection (rival R6), or None when off: C z (J1 I(D; rho_JAK1
    K) + T I(D; rho_TYK2 K)) / P_naive. The cytokine's receptors signal through JAK1 or TYK2 (IL-6
    family: gp130 with JAK1, JAK2 and TYK2; assumption that JAK2 is not needed), so the drug blocks
    it as it blocks the partner kinases (its enzyme IC50 ratios) and a JAK1 or TYK2 knock-down
    removes its part; the production rises with adaptation z (time on drug) and relaxes off drug.
    The type II inhibitor CHZ868 and PU-H71 leave it (``dose_nM`` 0; assumption)."""
    if np.all(np.asarray(mp.cytokine_signal) == 0.0):
        return None
    K = mp.potency(drug)
    left = state.jak1 * inhibition(
        dose_nM, mp.partner_ratio("jak1", drug) * K, mp.drug_hill
    ) + state.tyk2 * inhibition(dose_nM, mp.partner_ratio("tyk2", drug) * K, mp.drug_hill)
    return mp.cytokine_signal * state.z * left / mp.partner_naive


def cytokine_pstat5(
    dose_nM: ArrayLike, state: CellState, drug: str, *, mp: ModelParams
) -> np.ndarray:
    """The extrinsic cytokine's part of pSTAT5 (rival R6; fraction of naive vehicle) at ``dose_nM``
    of a type I ``drug``: see :func:`_cytokine`; 0 when the mechanism is off."""
    c = _cytokine(dose_nM, state, drug, mp)
    return np.zeros(np.shape(state.jak2)) if c is None else np.asarray(c, dtype=float)


def _pstat5_parts(
    dose_nM: ArrayLike, state: CellState, drug: str, mp: ModelParams, hsp90_nM: ArrayLike
) -> list[tuple[float, np.ndarray, bool]]:
    """(weight, pSTAT5, is_subclone) per subpopulation: one part, or two when a resistant subclone
    exists.

    Heterodimer JAK2 under a type I drug: I(D; k) + a (I(D; s k) - I(D; k)), where a is the share
    its partner still trans-activates (:func:`trans_activated_share`: a partner the drug spares
    keeps JAK2 trans-activated, and trans-activated JAK2 escapes the drug by s =
    ``hetero_advantage``); s = 1 leaves I(D; k) exactly. The type II inhibitor CHZ868 blocks homo-
    and heterodimer JAK2 alike (binding the inactive conformation), with no efflux and no potency
    loss in a resistant subclone (assumption: the rivals' per-drug factors are declared for type I
    drugs).
    """
    type2 = drug == TYPE_II_INHIBITOR
    K = mp.K_chz868 if type2 else mp.potency(drug)
    if not type2:
        dose_nM = _inside(dose_nM, state, mp.per_drug("efflux", drug))
    hsp90_nM = _inside(hsp90_nM, state, mp.efflux_hsp90)
    e2 = jak2_after_hsp90(state, hsp90_nM, mp)
    ap = mp.pairing_affinity * state.partner
    tot = e2 + ap
    pos = tot > 0
    if np.all(pos):  # the same values without the selection
        h = ap / tot
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            h = np.where(pos, ap / tot, 0.0)
    a = (
        0.0
        if type2
        else 1.0
        - mp.trans_gating
        + mp.trans_gating * trans_activated_share(dose_nM, state, drug, mp=mp)
    )
    cyt = _cytokine(0.0 if type2 else dose_nM, state, "ruxolitinib" if type2 else drug, mp)

    def signal(k: float) -> np.ndarray:
        homo = inhibition(dose_nM, k, mp.drug_hill)
        if type2:
            out = e2 * homo + mp.bypass
        else:
            hetero = homo + a * (inhibition(dose_nM, mp.hetero_advantage * k, mp.drug_hill) - homo)
            out = e2 * ((1.0 - h) * homo + h * hetero) + mp.bypass
        return out if cyt is None else out + cyt

    if np.all(np.asarray(state.clone) <= 0.0):
        return [(1.0, signal(K), False)]
    shift = 1.0 if type2 else mp.per_drug("clone_shift", drug)
    return [(1.0 - state.clone, signal(K), False), (state.clone, signal(shift * K), True)]


def pjak2(dose_nM: ArrayLike, state: CellState, agent: str, *, mp: ModelParams) -> np.ndarray:
    """Activation-loop phosphorylation of JAK2 (pY1007/1008), as a fraction of naive untreated
    cells, after a dose of ``agent`` (a type I drug of DRUGS, the type II inhibitor CHZ868, or
    PU-H71).

    pJAK2 = E2 [A + gamma (1 - I(D; K))] for a type I drug: A is the JAK2 activity left (the
    JAK2-dependent pSTAT5 per JAK2, homo- and heterodimers together) and the second term the
    phosphorylated loop held by bound drug (gamma = ``pjak2_accumulation``; Andraos et al. 2012,
    Tvorogov et al. 2018). For CHZ868 and PU-H71 pJAK2 = E2 A (no accumulation: type II binding
    loses the loop phosphorylation, Andraos et al. 2012). A resistant subclone (rivals R2/R5)
    contributes by its share, as a blot of the population would show.
    """
    if agent == HSP90_INHIBITOR:
        drug, dose, hsp = "ruxolitinib", 0.0, dose_nM
    else:
        drug, dose, hsp = agent, dose_nM, 0.0
    e2 = jak2_after_hsp90(state, _inside(hsp, state, mp.efflux_hsp90), mp)
    parts = _pstat5_parts(dose, state, drug, mp, hsp)
    cyt = (
        _cytokine(0.0, state, "ruxolitinib", mp)
        if drug == TYPE_II_INHIBITOR
        else _cytokine(_inside(dose, state, mp.per_drug("efflux", drug)), state, drug, mp)
    )
    out = 0.0
    for w, s, sub in parts:
        if cyt is not None:  # the cytokine's STAT5 signal does not pass through JAK2
            s = s - cyt
        with np.errstate(invalid="ignore", divide="ignore"):
            act = np.where(e2 > 0, (s - mp.bypass) / np.where(e2 > 0, e2, 1.0), 0.0)
        held = 0.0
        if agent in DRUGS:
            k = mp.potency(drug) * (mp.per_drug("clone_shift", drug) if sub else 1.0)
            d_in = _inside(dose, state, mp.per_drug("efflux", drug))
            held = mp.pjak2_accumulation * (1.0 - inhibition(d_in, k, mp.drug_hill))
        out = out + w * e2 * (act + held)
    return np.asarray(out, dtype=float)


def pstat5(
    dose_nM: ArrayLike, state: CellState, drug: str, *, mp: ModelParams, hsp90_nM: ArrayLike = 0.0
) -> np.ndarray:
    """STAT5 phosphorylation (fraction of naive vehicle) at a JAK2-inhibitor dose and PU-H71 dose.

    PU-H71 lowers JAK2 protein; JAK2 loss also lowers the share of partners it can pair with, so
    both homo- and heterodimers fall with it. With a resistant subclone (rivals R2/R5) it is the
    population mean, what a blot of the whole population measures.
    """
    parts = _pstat5_parts(dose_nM, state, drug, mp, hsp90_nM)
    if len(parts) == 1:
        return parts[0][1]
    return sum(w * s for w, s, _ in parts)


def _bypass_drive(state: CellState, hsp90_nM: ArrayLike, mp: ModelParams) -> ArrayLike:
    """JAK2-independent growth drive of the adaptive-bypass rival (R3): B z, lost under PU-H71 when
    the bypass kinase is an HSP90 client; 0.0 when off."""
    if np.all(np.asarray(mp.bypass_growth) == 0.0):
        return 0.0
    b = mp.bypass_growth * state.z
    client = np.asarray(mp.bypass_hsp90_client) != 0
    if np.ndim(client):  # per point: the flag chooses
        return np.where(
            client,
            b * inhibition(_inside(hsp90_nM, state, mp.efflux_hsp90), mp.hsp90_K, mp.hsp90_hill),
            b,
        )
    if client:
        b = b * inhibition(_inside(hsp90_nM, state, mp.efflux_hsp90), mp.hsp90_K, mp.hsp90_hill)
    return b


def population_rates(
    dose_nM: ArrayLike, state: CellState, drug: str, *, mp: ModelParams, hsp90_nM: ArrayLike = 0.0
) -> list[tuple[float, np.ndarray]]:
    """Net growth rate (1/h) of each subpopulation with its share: [(weight, rate), ...] (one entry
    for a homogeneous population). Includes every rival mechanism that is switched on."""
    by = _bypass_drive(state, hsp90_nM, mp)
    return [
        (w, growth_rate(s, mp, hsp90_nM, bypass_drive=by, cost=mp.clone_cost if sub else 0.0))
        for w, s, sub in _pstat5_parts(dose_nM, state, drug, mp, hsp90_nM)
    ]


def population_growth_rate(
    dose_nM: ArrayLike, state: CellState, agent: str, *, mp: ModelParams
) -> np.ndarray:
    """Instantaneous net growth rate (1/h) of a population under ``agent`` (a JAK2 inhibitor or
    PU-H71): the share-weighted mean of its subpopulations' rates."""
    if agent == HSP90_INHIBITOR:
        parts = population_rates(0.0, state, "ruxolitinib", mp=mp, hsp90_nM=dose_nM)
    else:
        parts = population_rates(dose_nM, state, agent, mp=mp)
    if len(parts) == 1:
        return parts[0][1]
    return sum(w * r for w, r in parts)


def growth_rate(
    signal: ArrayLike,
    mp: ModelParams,
    hsp90_nM: ArrayLike = 0.0,
    *,
    bypass_drive: ArrayLike = 0.0,
    cost: float = 0.0,
) -> np.ndarray:
    """Net growth rate (1/h) for a STAT5 signal; PU-H71 may add other-client toxicity (assumption).

    ``bypass_drive`` (0-1): a JAK2-independent growth drive combined with the STAT5 drive as
    independent pathways, 1 - (1 - drive)(1 - bypass) (rival R3; assumption). ``cost`` (0-1):
    fitness cost of a resistant subclone, r_max (1 - cost) (rivals R2/R5). Both 0 leave the
    heterodimer model's formula untouched.
    """
    s = np.clip(np.asarray(signal, dtype=float), 0.0, None)
    m = mp.growth_hill
    sm = s**m
    drive = sm / (sm + mp.growth_half_signal**m)
    if np.any(np.asarray(bypass_drive) != 0.0):
        drive = 1.0 - (1.0 - drive) * (1.0 - np.asarray(bypass_drive, dtype=float))
    other = 1.0 - mp.hsp90_other_clients * (1.0 - inhibition(hsp90_nM, mp.hsp90_K, mp.hsp90_hill))
    if np.any(cost):
        return mp.r_max * (1.0 - cost) * drive * other - mp.death_rate
    return mp.r_max * drive * other - mp.death_rate


def viability(
    dose_nM: ArrayLike,
    state: CellState,
    drug: str,
    *,
    mp: ModelParams,
    hours: float = 72.0,
    hsp90_nM: ArrayLike = 0.0,
    reference: CellState | None = None,
) -> np.ndarray:
    """Viable cells after ``hours`` relative to untreated ``reference`` cells (default: same cells).

    Exponential growth at the steady-state rate: V = exp((r(treated) - r(reference, vehicle)) t).
    With a resistant subclone (rivals R2/R5) each subpopulation grows at its own rate:
    V = sum_i w_i exp(r_i t) / sum_j w_j exp(r_j(reference, vehicle) t).
    """
    ref = state if reference is None else reference
    treated = population_rates(dose_nM, state, drug, mp=mp, hsp90_nM=hsp90_nM)
    vehicle = population_rates(0.0, ref, drug, mp=mp)
    if len(treated) == 1 and len(vehicle) == 1:
        return np.exp((treated[0][1] - vehicle[0][1]) * hours)
    num = sum(w * np.exp(r * hours) for w, r in treated)
    return num / sum(w * np.exp(r * hours) for w, r in vehicle)


def agent_pstat5(
    dose_nM: ArrayLike, state: CellState, agent: str, *, mp: ModelParams
) -> np.ndarray:
    """pSTAT5 after a dose of ``agent``: a JAK2 inhibitor (see DRUGS) or the HSP90 inhibitor
    PU-H71."""
    if agent == HSP90_INHIBITOR:
        return pstat5(0.0, state, "ruxolitinib", mp=mp, hsp90_nM=dose_nM)
    return pstat5(dose_nM, state, agent, mp=mp)


def agent_viability(
    dose_nM: ArrayLike, state: CellState, agent: str, *, mp: ModelParams, hours: float = 72.0
) -> np.ndarray:
    """Viability after a dose of ``agent``: a JAK2 inhibitor (see DRUGS) or the HSP90 inhibitor
    PU-H71."""
    if agent == HSP90_INHIBITOR:
        return viability(0.0, state, "ruxolitinib", mp=mp, hours=hours, hsp90_nM=dose_nM)
    return viability(dose_nM, state, agent, mp=mp, hours=hours)


def _dose_where(curve, target: float, lo_nM: float, hi_nM: float) -> float:
    """Dose (nM) where a curve falling with dose crosses ``target``; nan if it never does in the
    range."""
    from scipy.optimize import brentq

    f = lambda logd: float(curve(10.0**logd)) - target  # noqa: E731
    a, b = np.log10(lo_nM), np.log10(hi_nM)
    if f(a) < 0 or f(b) > 0:
        return float("nan")
    return float(10.0 ** brentq(f, a, b, xtol=1e-10))


def dose_for_signal(
    target: float,
    state: CellState,
    drug: str,
    *,
    mp: ModelParams,
    lo_nM: float = 1e-3,
    hi_nM: float = 1e7,
) -> float:
    """Dose (nM) at which pSTAT5 falls to ``target`` (fraction of naive vehicle); nan if never."""
    return _dose_where(lambda d: pstat5(d, state, drug, mp=mp), target, lo_nM, hi_nM)


def gi50_model(state: CellState, agent: str, mp: ModelParams, *, hours: float = 72.0) -> float:
    """Noise-free absolute GI50 (nM) of a JAK2 inhibitor or PU-H71: viability 50% of vehicle; nan if
    never."""
    return _dose_where(
        lambda d: agent_viability(d, state, agent, mp=mp, hours=hours), 0.5, 1e-3, 1e7
    )


def knockdown_populations(
    naive: CellState, persistent: CellState, fraction: float
) -> dict[str, CellState]:
    """Naive and persistent cells with a control shRNA, and persistent cells with JAK1 or TYK2
    knocked down."""
    return {
        "naive": naive,
        "persistent": persistent,
        "persistent shJAK1": persistent.knock_down("jak1", fraction),
        "persistent shTYK2": persistent.knock_down("tyk2", fraction),
    }


_GRID_NM = np.geomspace(
    1e-3, 1e7, 1601
)  # 160 points per decade over the censoring range of the fast mode


def _crossing_on_grid(values: np.ndarray, target: float) -> float:
    """Dose (nM) where ``values`` (on :data:`_GRID_NM`, falling with dose) first cross ``target``;
    linear interpolation in log dose (relative error ~1e-4 at 160 points per decade). nan if no
    crossing."""
    below = np.nonzero(values <= target)[0]
    if below.size == 0 or below[0] == 0:
        return float("nan")
    i = below[0]
    x0, x1 = np.log10(_GRID_NM[i - 1]), np.log10(_GRID_NM[i])
    y0, y1 = values[i - 1], values[i]
    return (
        float(10 ** (x0 + (target - y0) * (x1 - x0) / (y1 - y0)))
        if y1 != y0
        else float(_GRID_NM[i])
    )


def gi50_model_bounded(
    state: CellState, agent: str, mp: ModelParams, *, hours: float = 72.0
) -> tuple[float, str | None]:
    """Noise-free absolute GI50 (nM) as (value, bound), vectorised on a dose grid: the fast,
    noise-free mode of the claim functions and the atlas (about 100x faster than
    :func:`gi50_model`'s root finder, relative difference ~1e-4).

    Where viability never falls to 50% between 1 pM and 10 mM the GI50 is censored: (1e7, "lower")
    means "above 10 mM" and (1e-3, "upper") "below 1 pM"; otherwise bound is None. The range is an
    assumption: beyond any dose a cell assay can use.
    """
    v = agent_viability(_GRID_NM, state, agent, mp=mp, hours=hours)
    if v[0] <= 0.5:
        return float(_GRID_NM[0]), "upper"
    x = _crossing_on_grid(v, 0.5)
    if np.isfinite(x):
        return x, None
    return float(_GRID_NM[-1]), "lower"


def dose_for_signal_grid(target: float, state: CellState, drug: str, *, mp: ModelParams) -> float:
    """Dose (nM) at which pSTAT5 falls to ``target`` on the fast grid (see
    :func:`gi50_model_bounded`); nan if never between 1 pM and 10 mM."""
    return _crossing_on_grid(pstat5(_GRID_NM, state, drug, mp=mp), target)


def crossing_dose_grid(
    curve, target: float, shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Dose (nM) where ``curve`` (a function of dose falling with dose, evaluated per point) first
    crosses ``target`` on :data:`_GRID_NM`, for many points at once: the vectorised kernel behind
    :func:`gi50_grid` (the claims' vectorised fast mode).

    ``curve(d)`` takes doses of ``shape`` (one dose per point) and returns values of that shape. The
    grid index of the crossing is found by bisection (11 evaluations instead of 1601; the same index
    as scanning the grid for a curve that falls monotonically with dose, as every viability and
    pSTAT5 curve of the model does), then interpolated linearly in log dose exactly as
    :func:`_crossing_on_grid` does. Returns ``(dose, code)``: code 0 = a crossing inside the grid, 1
    = none (every value above ``target``; dose nan), 2 = the first grid point is already at or below
    ``target`` (dose nan).
    """
    g = _GRID_NM
    lo, hi = np.zeros(shape, dtype=int), np.full(shape, g.size - 1)
    v_lo, v_hi = curve(np.full(shape, g[0])), curve(np.full(shape, g[-1]))
    first = v_lo <= target
    none = ~first & ~(v_hi <= target)
    while True:
        open_ = hi - lo > 1
        if not np.any(open_):
            break
        mid = (lo + hi) // 2
        v = curve(g[mid])
        down = (v <= target) & open_
        up = ~(v <= target) & open_
        hi, v_hi = np.where(down, mid, hi), np.where(down, v, v_hi)
        lo, v_lo = np.where(up, mid, lo), np.where(up, v, v_lo)
    x0, x1 = np.log10(g[lo]), np.log10(g[hi])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = np.where(v_hi != v_lo, 10 ** (x0 + (target - v_lo) * (x1 - x0) / (v_hi - v_lo)), g[hi])
    code = np.where(first, 2, np.where(none, 1, 0))
    return np.where(code == 0, x, np.nan), code


def _viability_curve(state: CellState, agent: str, mp: ModelParams, hours: float):
    """:func:`agent_viability` as a function of dose, with the vehicle's rates (which do not depend
    on the dose) computed once: the same arithmetic as :func:`viability`, value for value."""
    drug = "ruxolitinib" if agent == HSP90_INHIBITOR else agent
    vehicle = population_rates(0.0, state, drug, mp=mp)
    if len(vehicle) > 1:
        den = sum(w * np.exp(r * hours) for w, r in vehicle)

    def curve(dose_nM):
        if agent == HSP90_INHIBITOR:
            treated = population_rates(0.0, state, drug, mp=mp, hsp90_nM=dose_nM)
        else:
            treated = population_rates(dose_nM, state, drug, mp=mp, hsp90_nM=0.0)
        if len(treated) == 1 and len(vehicle) == 1:
            return np.exp((treated[0][1] - vehicle[0][1]) * hours)
        return sum(w * np.exp(r * hours) for w, r in treated) / den

    return curve


def gi50_grid(
    state: CellState, agent: str, mp: ModelParams, *, hours: float = 72.0
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gi50_model_bounded` for many points at once (``state`` and ``mp`` hold arrays of one
    shape, one value per point): ``(GI50 in nM, bound)`` with bound 0 = exact, 1 = "lower" (above 10
    mM; value 1e7), 2 = "upper" (below 1 pM; value 1e-3)."""
    shape = np.shape(np.asarray(mp.r_max) * np.asarray(state.jak2))
    x, code = crossing_dose_grid(_viability_curve(state, agent, mp, hours), 0.5, shape)
    return np.where(code == 1, _GRID_NM[-1], np.where(code == 2, _GRID_NM[0], x)), code


def dose_for_signal_grid_many(
    target: ArrayLike, state: CellState, drug: str, *, mp: ModelParams
) -> np.ndarray:
    """:func:`dose_for_signal_grid` for many points at once (``target`` one value per point or one
    for all); nan where pSTAT5 never falls to the target between 1 pM and 10 mM."""
    shape = np.shape(np.asarray(mp.r_max) * np.asarray(state.jak2) * np.asarray(target))
    x, _ = crossing_dose_grid(lambda d: pstat5(d, state, drug, mp=mp), target, shape)
    return x
