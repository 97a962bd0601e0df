"""Slow, reversible adaptation under chronic drug exposure (time in days).

dz/dt = k_up * theta(t) * (1 - z) - k_down * (1 - theta(t)) * z,  theta = 1 - I(D(t); K)

z = 0 is a naive cell, z = 1 fully adapted; k_down = ln 2 / relax_half_time. Integrated with
scipy.integrate.solve_ivp over a piecewise-constant dosing schedule.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from .params import ModelParams
from .signalling import CellState, inhibition, state_from_adaptation


@dataclass(frozen=True)
class Phase:
    """One period of a schedule: ``days`` at ``dose_nM`` of ``drug``."""

    days: float
    dose_nM: float
    drug: str = "ruxolitinib"


def _theta(phase: Phase, mp: ModelParams) -> float:
    return float(1.0 - inhibition(phase.dose_nM, mp.potency(phase.drug), mp.drug_hill))


def relax_rate(mp: ModelParams) -> float:
    """k_down (1/day) from the relaxation half-time (days)."""
    return float(np.log(2.0) / mp.relax_half_time)


def simulate_schedule(schedule: list[Phase], mp: ModelParams, z0: float = 0.0,
                      points_per_day: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Adaptation state over a schedule. Returns (time in days, z)."""
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


def adaptation_closed_form(days: float, dose_nM: float, drug: str, mp: ModelParams, z0: float = 0.0) -> float:
    """Exact z after ``days`` at a constant dose (used to check the integrator)."""
    th = _theta(Phase(days, dose_nM, drug), mp)
    a, b = mp.adapt_rate * th, relax_rate(mp) * (1 - th)
    if a + b == 0:
        return z0
    zs = a / (a + b)
    return float(zs + (z0 - zs) * np.exp(-(a + b) * days))


def persistent_state(mp: ModelParams, drug: str, dose_nM: float, days: float,
                     method: str = "ode") -> tuple[float, CellState]:
    """Adaptation state and cell state after ``days`` under ``dose_nM`` of ``drug``, from naive.

    ``method="ode"`` integrates (as the chapters do); ``"closed_form"`` uses the exact solution for a constant
    dose (:func:`adaptation_closed_form`, ~100x faster; agrees to the integrator's tolerance, ~1e-9).
    """
    if method == "closed_form":
        z = adaptation_closed_form(days, dose_nM, drug, mp)
        return z, state_from_adaptation(min(max(z, 0.0), 1.0), mp)
    z = adaptation_after([Phase(days, dose_nM, drug)], mp)
    return z, state_from_adaptation(z, mp)


def schedule_closed_form(schedule: list[Phase], mp: ModelParams, z0: float = 0.0) -> list[float]:
    """Adaptation state at the end of each phase of a piecewise-constant schedule, exactly (closed form)."""
    out, z = [], z0
    for ph in schedule:
        z = adaptation_closed_form(ph.days, ph.dose_nM, ph.drug, mp, z)
        out.append(min(max(z, 0.0), 1.0))
    return out
