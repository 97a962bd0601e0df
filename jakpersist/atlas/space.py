"""The plausible parameter space of the model and the sample designs drawn from it.

Every model parameter's plausible range and scale come from
:data:`jakpersist.model.params.PLAUSIBLE` (a cited value's neighbourhood or an explicit assumption).
Positive scale-like parameters are sampled log-uniformly, the others uniformly; the design is
SALib's scrambled Sobol' sequence (Saltelli's scheme without second-order terms: N x (k + 2) points
for k parameters).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from ..model.params import DRUG_PARAMS, MODEL_PARAMS, RUN_PARAMS


@dataclass(frozen=True)
class Space:
    """``names`` (k,), plausible ``lo``/``hi`` (k,) in the parameters' own units, ``log`` (k,)
    flags."""

    names: tuple[str, ...]
    lo: tuple[float, ...]
    hi: tuple[float, ...]
    log: tuple[bool, ...]

    @property
    def k(self) -> int:
        return len(self.names)

    def problem(self) -> dict:
        """SALib problem on the unit cube (values are mapped by :meth:`from_unit`)."""
        return {"num_vars": self.k, "names": list(self.names), "bounds": [[0.0, 1.0]] * self.k}

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of the unit cube, shape (n, k), to parameter values, shape (n, k)."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        lo, hi, lg = np.array(self.lo), np.array(self.hi), np.array(self.log)
        lin = lo + u * (hi - lo)
        with np.errstate(divide="ignore"):
            logv = 10 ** (
                np.log10(np.where(lg, lo, 1.0))
                + u * (np.log10(np.where(lg, hi, 1.0)) - np.log10(np.where(lg, lo, 1.0)))
            )
        return np.where(lg, logv, lin)

    def grid(self, name: str, n: int) -> np.ndarray:
        """``n`` values evenly spaced (in log where the parameter is log-scaled) over its plausible
        range."""
        i = self.names.index(name)
        u = np.linspace(0.0, 1.0, n)
        full = np.full((n, self.k), 0.5)
        full[:, i] = u
        return self.from_unit(full)[:, i]

    def describe(self) -> list[dict]:
        """One record per parameter: name, lo, hi, scale (for the page and summary.json)."""
        return [
            {"name": n, "lo": a, "hi": b, "scale": "log-uniform" if g else "uniform"}
            for n, a, b, g in zip(self.names, self.lo, self.hi, self.log, strict=False)
        ]

    def key(self) -> str:
        """A stable digest of the space (part of the cache key)."""
        return hashlib.sha256(json.dumps(self.describe(), sort_keys=True).encode()).hexdigest()[:16]


def default_space(names: tuple[str, ...] | None = None) -> Space:
    """The plausible space of the model's parameters (all of them, or ``names``). Raises KeyError
    for a name without a plausible range."""
    params = {p.name: p for p in (*MODEL_PARAMS, *DRUG_PARAMS, *RUN_PARAMS) if p.plausible}
    names = tuple(params) if names is None else tuple(names)
    missing = [n for n in names if n not in params]
    if missing:
        raise KeyError(
            f"no plausible range for {', '.join(missing)}; see jakpersist/model/params.py PLAUSIBLE"
        )
    ps = [params[n] for n in names]
    return Space(
        names,
        tuple(float(p.plausible[0]) for p in ps),
        tuple(float(p.plausible[1]) for p in ps),
        tuple(bool(p.log_scale) for p in ps),
    )


def sobol_design(space: Space, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Saltelli/Sobol' design: (unit points, shape (n*(k+2), k); block labels, shape (n*(k+2),)).

    Labels are "A", "AB<j>" (A with column j from B) and "B" in SALib's row order. ``n`` should be a
    power of 2 (Sobol' balance); raises ValueError otherwise.
    """
    from SALib.sample import sobol

    if n < 2 or n & (n - 1):
        raise ValueError(f"--samples must be a power of 2 (Sobol' design), got {n}")
    u = sobol.sample(space.problem(), n, calc_second_order=False, scramble=True, seed=seed)
    labels = np.array(["A", *[f"AB{j}" for j in range(space.k)], "B"] * n)
    return u, labels
