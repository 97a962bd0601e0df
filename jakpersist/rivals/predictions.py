"""What the heterodimer model predicts beyond the paper's claims: drug-specific cross-persistence, a
type II inhibitor arm (CHZ868) and activated JAK2 (pY1007/1008) under type I and type II drugs.

Every number here is a model prediction (noise-free, from :mod:`jakpersist.model`), never a
measurement. The cells are made as in claim C1 (``chronic_days`` at ``chronic_dose_nM`` of
``selection_drug``; the C1 chapter's defaults).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import model
from ..claims.c1_persistence import DEFAULTS as C1_DEFAULTS
from ..claims.common import noise_free_fold, setup
from ..model.params import DRUG_LABELS, DRUGS, TYPE_II_INHIBITOR

AGENTS: tuple[str, ...] = (*DRUGS, TYPE_II_INHIBITOR)
AGENT_LABELS: dict[str, str] = {**DRUG_LABELS, TYPE_II_INHIBITOR: "CHZ868 (type II)"}


def agent_folds(params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """GI50 of naive and persistent cells and their fold, per agent (the three type I drugs and
    CHZ868).

    Columns: agent, label, binding ("type I" / "type II"), gi50_naive_nM, gi50_persistent_nM, fold,
    bound (the fold's censoring, None when exact), jak1_ratio, tyk2_ratio (the drug's partner/JAK2
    enzyme IC50 ratios; nan for CHZ868, which the model gives no heterodimer escape). Raises
    ValueError for unknown parameters.
    """
    s, mp, _, naive, persistent = setup(C1_DEFAULTS, params, None, mode="fast")
    rows = []
    for a in AGENTS:
        gp = model.gi50_model_bounded(persistent, a, mp, hours=s["assay_hours"])
        gn = model.gi50_model_bounded(naive, a, mp, hours=s["assay_hours"])
        fold, bound = noise_free_fold(gp, gn)
        rows.append(
            {
                "agent": a,
                "label": AGENT_LABELS[a],
                "binding": "type II" if a == TYPE_II_INHIBITOR else "type I",
                "gi50_naive_nM": gn[0],
                "gi50_persistent_nM": gp[0],
                "fold": fold,
                "bound": bound,
                "jak1_ratio": float(mp.partner_ratio("jak1", a)) if a in DRUGS else float("nan"),
                "tyk2_ratio": float(mp.partner_ratio("tyk2", a)) if a in DRUGS else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def pjak2_profiles(
    params: Mapping[str, Any] | None = None,
    *,
    agents: tuple[str, ...] = ("ruxolitinib", TYPE_II_INHIBITOR),
    doses_nM: np.ndarray | None = None,
) -> pd.DataFrame:
    """pSTAT5 and activated JAK2 (pY1007/1008) of naive and persistent cells over a dose range, per
    agent.

    Both read-outs are fractions of the naive untreated level. Columns: agent, population, dose_nM,
    pstat5, pjak2. ``doses_nM`` defaults to 25 doses from 1 nM to 10 uM.
    """
    _, mp, _, naive, persistent = setup(C1_DEFAULTS, params, None, mode="fast")
    d = np.geomspace(1.0, 1e4, 25) if doses_nM is None else np.asarray(doses_nM, dtype=float)
    frames = []
    for a in agents:
        for pop, st in (("naive", naive), ("persistent", persistent)):
            frames.append(
                pd.DataFrame(
                    {
                        "agent": a,
                        "population": pop,
                        "dose_nM": d,
                        "pstat5": np.asarray(model.agent_pstat5(d, st, a, mp=mp)) * np.ones_like(d),
                        "pjak2": np.asarray(model.pjak2(d, st, a, mp=mp)) * np.ones_like(d),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def pjak2_at_chronic_dose(params: Mapping[str, Any] | None = None) -> dict[str, float]:
    """pJAK2 and pSTAT5 (fractions of naive untreated) of naive and persistent cells at the chronic
    dose of the selection drug: the model's counterpart of the paper's "activated JAK2 in persistent
    cells", with the control a pJAK2 claim needs (naive cells given the same drug)."""
    s, mp, _, naive, persistent = setup(C1_DEFAULTS, params, None, mode="fast")
    d, drug = s["chronic_dose_nM"], s["selection_drug"]
    return {
        "dose_nM": float(d),
        "drug": drug,
        "pjak2_naive": float(model.pjak2(d, naive, drug, mp=mp)),
        "pjak2_persistent": float(model.pjak2(d, persistent, drug, mp=mp)),
        "pstat5_naive": float(model.pstat5(d, naive, drug, mp=mp)),
        "pstat5_persistent": float(model.pstat5(d, persistent, drug, mp=mp)),
    }
