"""A model-only illustration of treatment in vivo: a JAK2-mutant clone and normal cells competing.

Not a model of mice or patients fitted to anything: a qualitative sketch, labelled as such wherever
it is shown. Time in days. State: mutant clone size M, normal cells N (relative units; M + N = 1 is
a full marrow), and the mutant clone's adaptation state z (same dynamics as in vitro, see
dynamics.py).

    dM/dt = lambda * (F_M - (M + N)) * M,   F_M = r(S_M) / r(S_naive, vehicle)   (relative fitness)
    dN/dt = lambda * (F_N - (M + N)) * N,   F_N = f_N * (1 - e_N * theta)        (assumption)

Read-outs, relative to the start of treatment: spleen index = myeloproliferative drive of the mutant
clone, M * S_M (clone size times its STAT5 signal; assumption); symptom index =
inflammatory cytokine signalling, (M + N) * I(D; K) (ruxolitinib blocks JAK1 about as well as JAK2;
Quintas-Cardama 2010); mutant fraction = M / (M + N). PU-H71 lowers JAK2 protein in mutant cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

from .dynamics import _selection_step, relax_rate
from .signalling import (
    CellState,
    agent_pstat5,
    growth_rate,
    heterodimer_share,
    inhibition,
    population_growth_rate,
    pstat5,
    state_from_adaptation,
)
from .params import HSP90_INHIBITOR, ModelParams


@dataclass(frozen=True)
class Dose:
    """A treatment period: ``days`` of ``agent`` at ``dose_nM`` (0 = off treatment)."""

    days: float
    agent: str
    dose_nM: float


def _mutant_signal(z: float, agent: str, dose: float, mp: ModelParams) -> float:
    return float(agent_pstat5(dose, state_from_adaptation(min(max(z, 0.0), 1.0), mp), agent, mp=mp))


def _theta(agent: str, dose: float, mp: ModelParams) -> float:
    """Fraction of JAK2 activity blocked in naive signalling (drives adaptation; 0 for PU-H71)."""
    if agent == HSP90_INHIBITOR or dose <= 0:
        return 0.0
    return float(1.0 - inhibition(dose, mp.potency(agent), mp.drug_hill))


def simulate(
    schedule: list[Dose],
    mp: ModelParams,
    M0: float = 0.75,
    *,
    N0: float = 0.15,
    points_per_day: int = 1,
    rtol: float = 1e-8,
) -> pd.DataFrame:
    """Integrate the illustration over ``schedule``; one row per time point with every read-out.

    ``spleen_index`` and ``symptom_index`` are relative to their values at the start of treatment
    (the start of the first phase with a dose > 0; the first time point when no phase has a dose).
    ``rtol`` is solve_ivp's relative tolerance (atol = rtol / 100). The rival mechanisms
    (``RIVAL_PARAMS``) are read out by :func:`simulate_phase_ends` only; here they raise
    NotImplementedError.
    """
    if mp.rivals_on:
        raise NotImplementedError(
            "rival mechanisms are implemented in the phase-end read-out "
            "(simulate_phase_ends, the claims' fast mode) only"
        )
    r_ref = float(
        growth_rate(pstat5(0.0, state_from_adaptation(0.0, mp), "ruxolitinib", mp=mp), mp)
    )
    lam, fN, eN = mp.vivo_turnover, mp.vivo_normal_fitness, mp.vivo_normal_drug_effect
    k_up, k_down = mp.adapt_rate, relax_rate(mp)
    y = np.array([M0, N0, 0.0])
    t0 = 0.0
    rows = []
    for ph in schedule:
        if ph.days <= 0:
            continue
        th = _theta(ph.agent, ph.dose_nM, mp)
        hsp = ph.dose_nM if ph.agent == HSP90_INHIBITOR else 0.0

        def rhs(t, s, ph=ph, th=th, hsp=hsp):
            M, N, z = s
            S = _mutant_signal(z, ph.agent, ph.dose_nM, mp)
            FM = float(growth_rate(S, mp, hsp)) / r_ref
            FN = fN * (1.0 - eN * th)
            tot = M + N
            return [
                lam * (FM - tot) * M,
                lam * (FN - tot) * N,
                k_up * th * (1 - z) - k_down * (1 - th) * z,
            ]

        n = max(2, int(ph.days * points_per_day) + 1)
        te = np.linspace(t0, t0 + ph.days, n)
        sol = solve_ivp(rhs, (t0, t0 + ph.days), y, t_eval=te, rtol=rtol, atol=rtol / 100)
        for k in range(
            1 if rows else 0, sol.t.size
        ):  # each phase's first point is the previous one's last
            M, N, z = sol.y[:, k]
            S = _mutant_signal(z, ph.agent, ph.dose_nM, mp)
            st = state_from_adaptation(min(max(z, 0.0), 1.0), mp)
            sym = (M + N) * (
                1.0 - th
            )  # cytokine signalling left uninhibited (theta is 0 for PU-H71)
            rows.append(
                {
                    "day": sol.t[k],
                    "agent": ph.agent if ph.dose_nM > 0 else "off",
                    "M": M,
                    "N": N,
                    "z": z,
                    "mutant_fraction": M / (M + N),
                    "burden": M + N,
                    "symptom": sym,
                    "pstat5_mutant": S,
                    "hetero_share": heterodimer_share(st, mp),
                }
            )
        y, t0 = sol.y[:, -1], t0 + ph.days
    return _relative_to_treatment_start(pd.DataFrame(rows), schedule)


def _relative_to_treatment_start(df: pd.DataFrame, schedule: list[Dose]) -> pd.DataFrame:
    """Add spleen_index and symptom_index relative to the start of treatment (the start of the first
    phase with a dose, the first row if none), which is what the chapter's figure, table and rule
    call "starting value"."""
    t_start, before = 0.0, [ph for ph in schedule if ph.days > 0]
    for ph in before:
        if ph.dose_nM > 0:
            break
        t_start += ph.days
    else:
        t_start = 0.0
    ref = int((df["day"] - t_start).abs().argmin())
    drive = df["M"] * df["pstat5_mutant"]
    df["spleen_index"] = drive / drive.iloc[ref]
    df["symptom_index"] = df["symptom"] / df["symptom"].iloc[ref]
    return df


def simulate_phase_ends(
    schedule: list[Dose], mp: ModelParams, M0: float = 0.75, *, N0: float = 0.15, dt: float = 0.5
) -> pd.DataFrame:
    """The same illustration as :func:`simulate`, read out only at day 0 and at the end of each
    phase: the fast path of the robustness atlas (~50x faster).

    The adaptation state has an exact solution within each phase (constant dose), so the mutant
    clone's signal and fitness are evaluated on a time grid in one vectorised call; M and N are then
    integrated with classical fixed-step Runge-Kutta (``dt`` days; agrees with :func:`simulate` to
    ~1e-6). Same columns as :func:`simulate`.
    """
    from .signalling import CellState

    rivals = mp.rivals_on
    if rivals:
        r_ref = float(
            population_growth_rate(0.0, state_from_adaptation(0.0, mp), "ruxolitinib", mp=mp)
        )
    else:
        r_ref = float(
            growth_rate(pstat5(0.0, state_from_adaptation(0.0, mp), "ruxolitinib", mp=mp), mp)
        )
    lam, fN, eN = mp.vivo_turnover, mp.vivo_normal_fitness, mp.vivo_normal_drug_effect
    k_up, k_down = mp.adapt_rate, relax_rate(mp)
    M, N, z, day = M0, N0, 0.0, 0.0
    rows: list[dict] = []

    def signal(zz: np.ndarray, ph: Dose) -> np.ndarray:
        zz = np.clip(zz, 0.0, 1.0)
        if rivals:
            return np.asarray(
                agent_pstat5(ph.dose_nM, state_from_adaptation(zz, mp), ph.agent, mp=mp),
                dtype=float,
            ) * np.ones_like(zz)
        partner = mp.partner_naive + (mp.partner_max - mp.partner_naive) * zz
        st = CellState(
            jak2=1.0 + (mp.jak2_max - 1.0) * zz,
            jak1=mp.jak1_share * partner,
            tyk2=(1.0 - mp.jak1_share) * partner,
        )
        return np.asarray(
            agent_pstat5(ph.dose_nM, st, ph.agent, mp=mp), dtype=float
        ) * np.ones_like(zz)

    def record(ph: Dose, th: float, S: float) -> None:
        st = state_from_adaptation(min(max(z, 0.0), 1.0), mp)
        rows.append(
            {
                "day": day,
                "agent": ph.agent if ph.dose_nM > 0 else "off",
                "M": M,
                "N": N,
                "z": z,
                "mutant_fraction": M / (M + N),
                "burden": M + N,
                "symptom": (M + N) * (1.0 - th),
                "pstat5_mutant": S,
                "hetero_share": heterodimer_share(st, mp),
            }
        )

    for ph in schedule:
        if ph.days <= 0:
            continue
        th = _theta(ph.agent, ph.dose_nM, mp)
        hsp = ph.dose_nM if ph.agent == HSP90_INHIBITOR else 0.0
        if not rows:
            record(ph, th, float(signal(np.array([z]), ph)[0]))
        n = max(1, int(np.ceil(ph.days / dt)))
        h = ph.days / n
        a, b = k_up * th, k_down * (1.0 - th)
        zs = a / (a + b) if a + b > 0 else z
        tt = np.arange(2 * n + 1) * (h / 2)
        zt = zs + (z - zs) * np.exp(-(a + b) * tt) if a + b > 0 else np.full(tt.size, z)
        if rivals:
            if mp.clone_start > 0:  # selection: the subclone's share, exact per grid point
                drug = "ruxolitinib" if ph.agent == HSP90_INHIBITOR or ph.dose_nM <= 0 else ph.agent
                zt = np.asarray(
                    _selection_step(z, tt, ph.dose_nM if drug == ph.agent else 0.0, drug, mp)
                )
            st = state_from_adaptation(np.clip(zt, 0.0, 1.0), mp)
            FM = (
                np.asarray(population_growth_rate(ph.dose_nM, st, ph.agent, mp=mp), dtype=float)
                * np.ones_like(zt)
                / r_ref
            ).tolist()
        else:
            FM = (growth_rate(signal(zt, ph), mp, hsp) / r_ref).tolist()
        FNc = fN * (1.0 - eN * th)
        for k in range(n):
            M, N = _rk4_step(M, N, (FM[2 * k], FM[2 * k + 1], FM[2 * k + 2]), FNc, lam, h)
        z, day = float(zt[-1]), day + ph.days
        record(ph, th, float(signal(np.array([z]), ph)[0]))
    return _relative_to_treatment_start(pd.DataFrame(rows), schedule)


#: Grid values per block of the in-vivo fitness evaluation (about 0.5 MB per array: cache-sized; any
#: block size gives the same numbers, element by element).
_BLOCK = 65536


def phase_ends(
    schedule: list[Dose], mp: ModelParams, M0: float = 0.75, *, N0: float = 0.15, dt: float = 0.5
) -> list[dict]:
    """The read-outs of :func:`simulate_phase_ends` at day 0 and at the end of each phase, for many
    parameter points at once: ``mp`` may hold arrays (one value per point, all of one shape) and
    every read-out is then an array of that shape. One record per read-out time: day, agent, M, N,
    z, theta, pstat5_mutant, hetero_share (the arithmetic of :func:`simulate_phase_ends`, step for
    step: fixed-step Runge-Kutta of ``dt`` days on the exact adaptation or selection state; rival
    mechanisms included)."""
    naive = state_from_adaptation(0.0, mp)
    r_ref = np.asarray(population_growth_rate(0.0, naive, "ruxolitinib", mp=mp), dtype=float)
    lam, fN, eN = mp.vivo_turnover, mp.vivo_normal_fitness, mp.vivo_normal_drug_effect
    k_up, k_down = mp.adapt_rate, relax_rate(mp)
    shape = np.shape(r_ref)
    M, N, z, day = np.full(shape, M0), np.full(shape, N0), np.zeros(shape), 0.0
    sel = np.asarray(mp.clone_start) > 0
    rows: list[dict] = []

    def theta(ph: Dose):
        if ph.agent == HSP90_INHIBITOR or ph.dose_nM <= 0:
            return np.zeros(shape)
        return 1.0 - inhibition(ph.dose_nM, mp.potency(ph.agent), mp.drug_hill) * np.ones(shape)

    def record(ph: Dose, th) -> None:
        st = state_from_adaptation(np.clip(z, 0.0, 1.0), mp)
        rows.append(
            {
                "day": day,
                "agent": ph.agent if ph.dose_nM > 0 else "off",
                "M": M,
                "N": N,
                "z": z,
                "theta": th,
                "pstat5_mutant": np.asarray(agent_pstat5(ph.dose_nM, st, ph.agent, mp=mp))
                * np.ones(shape),
                "hetero_share": heterodimer_share(st, mp) * np.ones(shape),
            }
        )

    for ph in schedule:
        if ph.days <= 0:
            continue
        th = theta(ph)
        if not rows:
            record(ph, th)
        n = max(1, int(np.ceil(ph.days / dt)))
        h = ph.days / n
        a, b = k_up * th, k_down * (1.0 - th)
        # time-major grid (time, *points): each Runge-Kutta stage reads one contiguous row
        tt = (np.arange(2 * n + 1) * (h / 2)).reshape((-1,) + (1,) * len(shape))
        ab = a + b
        if np.all(sel):  # selection at every point: the subclone's share, exact per grid point
            drug = "ruxolitinib" if ph.agent == HSP90_INHIBITOR or ph.dose_nM <= 0 else ph.agent
            zt = _selection_step(z, tt, ph.dose_nM if drug == ph.agent else 0.0, drug, mp)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                zs = np.where(a + b > 0, a / (a + b), z)
                zt = np.where(ab > 0, zs + (z - zs) * np.exp(-ab * tt), z)
            if np.any(sel):  # selection at some points
                drug = "ruxolitinib" if ph.agent == HSP90_INHIBITOR or ph.dose_nM <= 0 else ph.agent
                zsel = _selection_step(z, tt, ph.dose_nM if drug == ph.agent else 0.0, drug, mp)
                zt = np.where(sel, zsel, zt)
        # fitness of the mutant clone (row 0) and of the normal cells (row 1) on the grid
        F = np.empty((zt.shape[0], 2, *shape))
        F[:, 1] = fN * (1.0 - eN * th)
        step = max(1, _BLOCK // max(1, int(np.prod(shape))))
        for i in range(0, zt.shape[0], step):  # blocks of rows that stay in the processor's cache
            zb = zt[i : i + step]
            if np.all(zb == zb[:1]):  # z stands still (e.g. untreated and naive): one row serves
                zb = zb[:1]
            r = np.asarray(
                population_growth_rate(ph.dose_nM, _grid_state(zb, mp=mp), ph.agent, mp=mp),
                dtype=float,
            )
            np.divide(r, r_ref, out=F[i : i + step, 0])
        y = np.stack([M, N])
        _rk4_steps(y, F, lam, h)
        M, N = y[0], y[1]
        z, day = zt[-1], day + ph.days
        record(ph, th)
    return rows


def _grid_state(z: np.ndarray, mp: ModelParams) -> CellState:
    """:func:`state_from_adaptation` of ``clip(z, 0, 1)`` on the in-vivo time grid (``z`` of shape
    (time, *points)), value for value, with each protein level that does not depend on ``z`` kept
    at the points' shape (broadcast later): the levels under selection (rivals R2/R5: naive protein,
    only the subclone's share moves) are then computed once per phase instead of once per grid
    value. The clip keeps ``z`` in [0, 1], so the range check is not repeated."""
    zc = np.clip(z, 0.0, 1.0)
    cs = mp.clone_start
    if np.ndim(cs) and np.all(np.asarray(cs) > 0):  # every point under selection
        partner = np.asarray(mp.partner_naive, dtype=float)
        return CellState(
            jak2=np.ones(np.shape(cs)),
            jak1=mp.jak1_share * partner,
            tyk2=(1.0 - mp.jak1_share) * partner,
            z=zc,
            clone=cs + (1.0 - cs) * zc,
        )
    if not np.any(np.asarray(cs) > 0):  # no subclone anywhere: instruction only
        jak2 = 1.0 + (mp.jak2_max - 1.0) * zc
        partner = mp.partner_naive + (mp.partner_max - mp.partner_naive) * zc
        return CellState(
            jak2=jak2, jak1=mp.jak1_share * partner, tyk2=(1.0 - mp.jak1_share) * partner, z=zc
        )
    return state_from_adaptation(zc, mp)


def _rk4_steps(y: np.ndarray, F: np.ndarray, lam: Any, h: float) -> None:
    """Classical Runge-Kutta steps of ``h`` days of the two-population competition, in place:
    :func:`_rk4_step` for every step, element for element the same arithmetic, with the mutant
    (row 0) and normal (row 1) cells in one array and no temporary allocated per step.

    ``y``: (2, *points), M and N at the start, overwritten with their values after the last step;
    ``F``: (2 steps + 1, 2, *points), the fitness of each population at each step's start, middle
    and end (grid rows 2k, 2k + 1, 2k + 2); ``lam``: turnover (1/day)."""
    h2, h6 = h / 2, h / 6
    lam = np.broadcast_to(lam, y.shape).copy()  # one contiguous operand: faster than broadcasting
    k1, k2, k3, k4, yt, acc = (np.empty_like(y) for _ in range(6))
    tot = np.empty_like(y[0])

    def d(yy: np.ndarray, f: np.ndarray, out: np.ndarray) -> None:
        # lam (f - (M + N)) y, row by row: lam * (f - tot) * y
        np.add(yy[0], yy[1], out=tot)
        np.subtract(f, tot, out=out)
        np.multiply(lam, out, out=out)
        np.multiply(out, yy, out=out)

    for k in range((F.shape[0] - 1) // 2):
        d(y, F[2 * k], k1)
        np.multiply(h2, k1, out=yt)
        np.add(y, yt, out=yt)
        d(yt, F[2 * k + 1], k2)
        np.multiply(h2, k2, out=yt)
        np.add(y, yt, out=yt)
        d(yt, F[2 * k + 1], k3)
        np.multiply(h, k3, out=yt)
        np.add(y, yt, out=yt)
        d(yt, F[2 * k + 2], k4)
        # y + h/6 (k1 + 2 k2 + 2 k3 + k4), summed left to right
        np.multiply(2, k2, out=acc)
        np.add(k1, acc, out=acc)
        np.multiply(2, k3, out=yt)
        np.add(acc, yt, out=acc)
        np.add(acc, k4, out=acc)
        np.multiply(h6, acc, out=acc)
        np.add(y, acc, out=y)


def _rk4_step(
    M: Any, N: Any, fm: tuple[Any, Any, Any], fn: Any, lam: float, h: float
) -> tuple[Any, Any]:
    """One classical Runge-Kutta step of the two-population competition (mutant M, normal N; numbers
    or arrays): dM/dt = lam (fM - M - N) M, dN/dt = lam (fN - M - N) N, with the mutant's fitness
    ``fm`` at the step's start, middle and end and the normal cells' ``fn`` constant over the
    step."""

    def d(m: Any, nn: Any, f: Any) -> tuple[Any, Any]:
        tot = m + nn
        return lam * (f - tot) * m, lam * (fn - tot) * nn

    f0, f1, f2 = fm
    k1 = d(M, N, f0)
    k2 = d(M + h / 2 * k1[0], N + h / 2 * k1[1], f1)
    k3 = d(M + h / 2 * k2[0], N + h / 2 * k2[1], f1)
    k4 = d(M + h * k3[0], N + h * k3[1], f2)
    return M + h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]), N + h / 6 * (
        k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]
    )
