"""Slow, reversible adaptation under chronic drug exposure (time in days).

dz/dt = k_up * theta(t) * (1 - z) - k_down * (1 - theta(t)) * z,  theta = 1 - I(D(t); K)

z = 0 is a naive cell, z = 1 fully adapted; k_down = ln 2 / relax_half_time. Integrated with
scipy.integrate.solve_ivp over a piecewise-constant dosing schedule.

Selection instead of instruction (rivals R2/R5, ``clone_start`` > 0): the state is the resistant
subclone's share f = f0 + (1 - f0) z, which follows replicator dynamics df/dt = 24 (r_sub(D) -
r_main(D)) f (1 - f) (rates in 1/h of pure naive-level populations, time in days), exact per
constant-dose phase in logit space. f is held between f0 (a pre-existing share kept by
mutation-selection balance; assumption) and 1 - CLONE_FLOOR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from .params import ModelParams
from .signalling import CellState, inhibition, population_rates, state_from_adaptation

#: Smallest share of drug-sensitive cells kept in a culture under selection (assumption: a flask of
#: ~10^6-10^7 cells keeps a few sensitive cells; below 1 in 10^6 they would be lost and the change
#: irreversible).
CLONE_FLOOR = 1e-6


def clone_advantage(dose_nM: float, drug: str, mp: ModelParams) -> float:
    """Selection coefficient (1/day) of the resistant subclone over the other cells at ``dose_nM``
    of ``drug``: 24 (r_sub - r_main), both at naive protein levels (rivals R2/R5)."""
    pure = state_from_adaptation(0.0, mp)
    (_, r_main), (_, r_sub) = population_rates(
        dose_nM, CellState(pure.jak2, pure.jak1, pure.tyk2, 0.0, 0.5), drug, mp=mp
    )
    return _scalar(24.0 * (r_sub - r_main))


def _scalar(x):
    """A float for a single value, the array itself for parameters per point (the vectorised fast
    mode)."""
    return float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=float)


def _selection_step(z0: float, days, dose_nM: float, drug: str, mp: ModelParams):
    """z after ``days`` (a number or an array) of selection at a constant dose (exact, logit space;
    see module doc)."""
    f0 = mp.clone_start
    if np.ndim(f0) or np.ndim(
        z0
    ):  # per point (the vectorised fast mode); a point without a subclone gives nan
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            f = np.minimum(np.maximum(f0 + (1.0 - f0) * z0, f0), 1.0 - CLONE_FLOOR)
            logit = np.log(f / (1.0 - f)) + clone_advantage(dose_nM, drug, mp) * np.asarray(
                days, dtype=float
            )
            f = np.clip(1.0 / (1.0 + np.exp(-logit)), f0, 1.0 - CLONE_FLOOR)
            return (f - f0) / (1.0 - f0)
    f = min(max(f0 + (1.0 - f0) * z0, f0), 1.0 - CLONE_FLOOR)
    logit = np.log(f / (1.0 - f)) + clone_advantage(dose_nM, drug, mp) * np.asarray(
        days, dtype=float
    )
    f = np.clip(1.0 / (1.0 + np.exp(-logit)), f0, 1.0 - CLONE_FLOOR)
    z = (f - f0) / (1.0 - f0)
    return float(z) if np.ndim(z) == 0 else z


@dataclass(frozen=True)
class Phase:
    """One period of a schedule: ``days`` at ``dose_nM`` of ``drug``."""

    days: float
    dose_nM: float
    drug: str = "ruxolitinib"


def _theta(phase: Phase, mp: ModelParams) -> float:
    return _scalar(1.0 - inhibition(phase.dose_nM, mp.potency(phase.drug), mp.drug_hill))


def relax_rate(mp: ModelParams) -> float:
    """k_down (1/day) from the relaxation half-time (days)."""
    return _scalar(np.log(2.0) / mp.relax_half_time)


def simulate_schedule(
    schedule: list[Phase], mp: ModelParams, z0: float = 0.0, *, points_per_day: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """Adaptation state over a schedule. Returns (time in days, z)."""
    if mp.clone_start > 0:  # selection (R2/R5): exact per phase, on the same time grid
        times, zs, t0, z = [np.array([0.0])], [np.array([z0])], 0.0, z0
        for ph in schedule:
            if ph.days < 0:
                raise ValueError(f"phase length must be >= 0 days, got {ph.days}")
            if ph.days == 0:
                continue
            n = max(2, int(np.ceil(ph.days * points_per_day)) + 1)
            dt = np.linspace(0.0, ph.days, n)[1:]
            times.append(t0 + dt)
            zs.append(np.asarray(_selection_step(z, dt, ph.dose_nM, ph.drug, mp)))
            t0, z = t0 + ph.days, float(zs[-1][-1])
        return np.concatenate(times), np.clip(np.concatenate(zs), 0.0, 1.0)
    k_up, k_down = mp.adapt_rate, relax_rate(mp)
    times, zs = [np.array([0.0])], [np.array([z0])]
    t0, z = 0.0, z0
    for ph in schedule:
        if ph.days < 0:
            raise ValueError(f"phase length must be >= 0 days, got {ph.days}")
        if ph.days == 0:
            continue
        th = _theta(ph, mp)
        rhs = lambda t, y, th=th: k_up * th * (1 - y) - k_down * (1 - th) * y  # noqa: E731
        n = max(2, int(np.ceil(ph.days * points_per_day)) + 1)
        t_eval = np.linspace(t0, t0 + ph.days, n)
        sol = solve_ivp(rhs, (t0, t0 + ph.days), [z], t_eval=t_eval, rtol=1e-9, atol=1e-12)
        times.append(sol.t[1:])
        zs.append(sol.y[0, 1:])
        t0, z = t0 + ph.days, float(sol.y[0, -1])
    return np.concatenate(times), np.clip(np.concatenate(zs), 0.0, 1.0)


def adaptation_after(schedule: list[Phase], mp: ModelParams, z0: float = 0.0) -> float:
    """Adaptation state at the end of ``schedule``."""
    return float(simulate_schedule(schedule, mp, z0)[1][-1])


def adaptation_closed_form(
    days: float, dose_nM: float, drug: str, *, mp: ModelParams, z0: float = 0.0
) -> float:
    """Exact z after ``days`` at a constant dose (used to check the integrator)."""
    if np.ndim(mp.clone_start) or np.ndim(z0):  # parameters per point (the vectorised fast mode)
        th = 1.0 - inhibition(dose_nM, mp.potency(drug), mp.drug_hill)
        a, b = mp.adapt_rate * th, relax_rate(mp) * (1 - th)
        with np.errstate(divide="ignore", invalid="ignore"):
            zs = a / (a + b)
            z = np.where(a + b == 0, z0, zs + (z0 - zs) * np.exp(-(a + b) * days))
        sel = np.asarray(mp.clone_start) > 0
        if np.any(sel):
            z = np.where(sel, _selection_step(z0, days, dose_nM, drug, mp), z)
        return z
    if mp.clone_start > 0:
        return _selection_step(z0, days, dose_nM, drug, mp)
    th = _theta(Phase(days, dose_nM, drug), mp)
    a, b = mp.adapt_rate * th, relax_rate(mp) * (1 - th)
    if a + b == 0:
        return z0
    zs = a / (a + b)
    return float(zs + (z0 - zs) * np.exp(-(a + b) * days))


def persistent_state(
    mp: ModelParams, drug: str, dose_nM: float, *, days: float, method: str = "ode"
) -> tuple[float, CellState]:
    """Adaptation state and cell state after ``days`` under ``dose_nM`` of ``drug``, from naive.

    ``method="ode"`` integrates (as the chapters do); ``"closed_form"`` uses the exact solution for
    a constant dose (:func:`adaptation_closed_form`, ~100x faster; agrees to the integrator's
    tolerance, ~1e-9).
    """
    if method == "closed_form":
        z = adaptation_closed_form(days, dose_nM, drug, mp=mp)
        return z, state_from_adaptation(min(max(z, 0.0), 1.0), mp)
    z = adaptation_after([Phase(days, dose_nM, drug)], mp)
    return z, state_from_adaptation(z, mp)


def schedule_closed_form(schedule: list[Phase], mp: ModelParams, z0: float = 0.0) -> list[float]:
    """Adaptation state at the end of each phase of a piecewise-constant schedule, exactly (closed
    form)."""
    out, z = [], z0
    for ph in schedule:
        z = adaptation_closed_form(ph.days, ph.dose_nM, ph.drug, mp=mp, z0=z)
        out.append(np.clip(z, 0.0, 1.0) if np.ndim(z) else min(max(z, 0.0), 1.0))
    return out
