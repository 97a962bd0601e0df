"""C3/C4: persistence is reversible (GI50 fold after withdrawal) and JAK2 expression follows."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import doseresponse as dr
from ..assays import dilution_series, plate_viability
from ..analysis.gi50 import log10_se
from ..model.dynamics import Phase, adaptation_after
from ..model.params import ModelParams
from ..model.signalling import state_from_adaptation


def withdrawal_course(mp: ModelParams, drug: str, chronic_dose_nM: float, chronic_days: float,
                      withdrawal_days: float, n_timepoints: int, rng: np.random.Generator,
                      n_replicates: int, noise_sd: float, hours: float = 72.0) -> pd.DataFrame:
    """GI50 fold (vs naive, same day) at evenly spaced days after withdrawal, from simulated plates.

    Returns one row per day: day, z (model adaptation state), fold, se_log (s.e. of ln fold, delta method),
    status. Day 0 is the end of chronic exposure.
    """

    naive = state_from_adaptation(0.0, mp)
    z_end = adaptation_after([Phase(chronic_days, chronic_dose_nM, drug)], mp)
    doses = dilution_series(10000.0, 10, 3.0)
    rows = []
    for day in np.linspace(0.0, withdrawal_days, n_timepoints):
        z = adaptation_after([Phase(float(day), 0.0, drug)], mp, z0=z_end)
        pops = {"naive": naive, "withdrawn": state_from_adaptation(z, mp)}
        plate = plate_viability(pops, [drug], doses, mp, rng, n_replicates, noise_sd, hours)
        est = {}
        for pop, g in plate.groupby("population"):
            fit, _ = dr.select_model(g["dose_nM"], g["viability"])
            est[pop] = fit.gi50_absolute()
        ok = est["naive"].ok and est["withdrawn"].ok
        fold = est["withdrawn"].value / est["naive"].value if ok else float("nan")
        se = np.hypot(log10_se(est["naive"]), log10_se(est["withdrawn"])) * np.log(10) if ok else float("nan")
        rows.append({"day": float(day), "z": z, "fold": fold, "se_log": se,
                     "status": "ok" if ok else f"{est['naive'].status}/{est['withdrawn'].status}"})
    return pd.DataFrame(rows)
