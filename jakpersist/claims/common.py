"""Helpers shared by the claim functions: parameter merging and censored fold conditions."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import model
from ..model.params import ModelParams
from ..model.signalling import CellState
from .base import Bound
from .params import PARAMS


def settings(defaults: Mapping[str, Any], params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The chapter's defaults updated with ``params``.

    Raises ValueError naming any key that is not a declared parameter
    (:data:`jakpersist.claims.params.PARAMS`).
    """
    params = dict(params or {})
    unknown = sorted(k for k in params if k not in PARAMS)
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)}; declared parameters are listed by "
            "`jakbook params CHAPTER`"
        )
    return {
        **defaults,
        **{k: v for k, v in params.items() if k in defaults or PARAMS[k].kind == "model"},
    }


def model_of(s: Mapping[str, Any]) -> ModelParams:
    """The model's parameters from a settings mapping (other keys ignored)."""
    return ModelParams.from_mapping(dict(s))


def fold_bound(row: pd.Series | Mapping[str, Any]) -> Bound:
    """ "lower"/"upper" when a fold-table row is censored (GI50 beyond the tested doses), else
    None."""
    b = row.get("bound") if hasattr(row, "get") else None
    if isinstance(b, str) and b in ("lower", "upper"):
        return b  # type: ignore[return-value]
    status = row.get("status", "ok")
    return "lower" if status == "lower_bound" else "upper" if status == "upper_bound" else None


def noise_free_fold(
    test_gi50: tuple[float, Bound], ref_gi50: tuple[float, Bound]
) -> tuple[float, Bound]:
    """Fold = test / reference GI50 with its censoring: a test GI50 above range over an exact
    reference is a lower bound, and so on; two censored GI50s give nan (nothing is known)."""
    (t, tb), (r, rb) = test_gi50, ref_gi50
    if rb is None:
        return t / r, tb
    if tb is None:
        return t / r, "upper" if rb == "lower" else "lower"
    return float("nan"), None


def finite_or_nan(x: Any) -> float:
    x = float(x)
    return x if np.isfinite(x) else float("nan")


def setup(
    defaults: Mapping[str, Any], params: Mapping[str, Any] | None, seed: int | None, *, mode: str
) -> tuple[dict[str, Any], ModelParams, float, CellState, CellState]:
    """What every in-vitro claim starts from: (settings, model parameters, adaptation state z, naive
    cells, persistent cells made by ``chronic_days`` at ``chronic_dose_nM`` of ``selection_drug``).
    ``seed`` overrides the settings' seed; the fast mode uses the exact adaptation solution instead
    of the integrator."""
    s = settings(defaults, params)
    if seed is not None:
        s["seed"] = int(seed)
    mp = model_of(s)
    z, persistent = model.persistent_state(
        mp,
        s["selection_drug"],
        s["chronic_dose_nM"],
        days=s["chronic_days"],
        method="closed_form" if mode == "fast" else "ode",
    )
    return s, mp, z, model.state_from_adaptation(0.0, mp), persistent
