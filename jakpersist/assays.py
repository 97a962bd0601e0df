"""Virtual assays: simulated measurements from the model, with seeded noise and replicates.

Every table returned here is *simulated*; each has a ``source`` column saying so, and the chapters label
their figures accordingly. The tidy layouts match the reader-data CSV formats in :mod:`jakpersist.readers`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .model import CellState, pstat5, viability
from .params import ModelParams

SIMULATED = "simulated (model)"


def dilution_series(top_nM: float, n_doses: int, dilution: float) -> np.ndarray:
    """Doses (nM), lowest first: ``top_nM`` divided by ``dilution`` n_doses-1 times (vehicle not included)."""
    if top_nM <= 0 or n_doses < 1 or dilution <= 1:
        raise ValueError("need top_nM > 0, n_doses >= 1 and dilution > 1")
    return top_nM / dilution ** np.arange(n_doses - 1, -1, -1)


def plate_viability(populations: dict[str, CellState], drugs: list[str], doses_nM: np.ndarray,
                    mp: ModelParams, rng: np.random.Generator, n_replicates: int = 3,
                    noise_sd: float = 0.05, hours: float = 72.0) -> pd.DataFrame:
    """Viability plates: every population x drug x (vehicle + doses) x replicate well.

    Columns: population, drug, dose_nM, replicate, viability (fraction of the vehicle mean), source.
    Noise is additive Gaussian on the fraction of vehicle (assumption).
    """
    rows = []
    doses = np.concatenate([[0.0], np.asarray(doses_nM, float)])
    for pop, state in populations.items():
        for drug in drugs:
            truth = viability(doses, state, drug, mp, hours)
            for rep in range(1, n_replicates + 1):
                noisy = truth + rng.normal(0.0, noise_sd, doses.size)
                for d, v in zip(doses, noisy):
                    rows.append((pop, drug, float(d), rep, float(v)))
    df = pd.DataFrame(rows, columns=["population", "drug", "dose_nM", "replicate", "viability"])
    df["source"] = SIMULATED
    return df


def pstat5_curve(populations: dict[str, CellState], drug: str, doses_nM: np.ndarray,
                 mp: ModelParams) -> pd.DataFrame:
    """Noise-free model pSTAT5 (fraction of naive vehicle) versus dose, for plotting the mechanism."""
    frames = [pd.DataFrame({"population": pop, "drug": drug, "dose_nM": doses_nM,
                            "pstat5": pstat5(doses_nM, st, drug, mp)}) for pop, st in populations.items()]
    df = pd.concat(frames, ignore_index=True)
    df["source"] = "model (noise-free)"
    return df
