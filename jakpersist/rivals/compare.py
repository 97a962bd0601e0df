"""From per-point observations to the discrimination matrix and the model comparison.

Shares and joint probabilities come with 95% Wilson intervals (statsmodels, as the atlas). The ratio
of two joint probabilities (a Bayes factor with the likelihood "every observation holds") gets a 95%
interval from the log-ratio of two independent binomial proportions (Katz et al., Biometrics 1978);
when a model never reproduces the observations its probability is bounded by the rule of three
(below 3/n at 95%) and its ratio by that bound over the lower end of H0's interval; when H0 never
does, the ratio is bounded below the same way; when neither does, it is undefined.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..atlas.analyse import share_supported
from .observations import JOINT, OBSERVATIONS

#: An observation rules a model out when the upper end of the 95% interval of its share lies below
#: this (assumption: the book's choice; a model that reproduces a finding in under 5% of its
#: plausible space is not a
#: live explanation).
RULE_OUT_BELOW = 0.05
#: A model survives the comparison when its ratio to H0 may be above this (the issue's 1/20).
SURVIVES_ABOVE = 1.0 / 20.0
#: Posterior quantiles and the pair plot are reported from at least this many accepted points (the
#: book's choice: 5% and 95% quantiles from 1,000 points move by about 1% of the parameter's spread
#: between
#: runs).
MIN_ACCEPTED = 1000


def matrix(
    holds: dict[str, pd.DataFrame], observations: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Discrimination matrix: one row per (model, observation): share, share_lo, share_hi, n, k,
    ruled_out. ``observations``: only these (by id; default every one)."""
    rows = []
    for m, h in holds.items():
        for o in OBSERVATIONS:
            if observations is not None and o.id not in observations:
                continue
            v = h[o.id].to_numpy(dtype=bool)
            p, lo, hi = share_supported(v)
            rows.append(
                {
                    "model": m,
                    "observation": o.id,
                    "tier": o.tier,
                    "share": p,
                    "share_lo": lo,
                    "share_hi": hi,
                    "n": int(v.size),
                    "k": int(v.sum()),
                    "ruled_out": bool(hi < RULE_OUT_BELOW),
                }
            )
    return pd.DataFrame(rows)


def verdicts_by_observation(mat: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """Per observation: the models it rules out and the models it cannot tell apart (all the
    others)."""
    out = {}
    for o, g in mat.groupby("observation", sort=False):
        out[str(o)] = {
            "rules_out": g.loc[g.ruled_out, "model"].tolist(),
            "cannot_tell_apart": g.loc[~g.ruled_out, "model"].tolist(),
        }
    return out


def ratio(k: int, n: int, k0: int, *, n0: int) -> dict:
    """(k/n) / (k0/n0) with a 95% interval (Katz log method), or a bound when a count is zero.
    ``kind`` says which: "estimate"; "upper bound" when k = 0 (the rival's probability bounded by
    the rule of three, 3/n, over the Wilson lower end of k0/n0); "lower bound" when k0 = 0 and k > 0
    (the Wilson lower end of k/n over H0's rule-of-three bound 3/n0: the ratio is at least this);
    "undefined" when both are 0 (no ratio exists; each probability is only bounded, below 3/n and
    3/n0)."""
    if k0 == 0:
        if k == 0:
            return {
                "ratio": float("nan"),
                "lo": float("nan"),
                "hi": float("nan"),
                "kind": "undefined",
            }
        _, p_lo, _ = share_supported(np.r_[np.ones(k, bool), np.zeros(n - k, bool)])
        return {
            "ratio": float("nan"),
            "lo": p_lo / (3.0 / n0),
            "hi": float("inf"),
            "kind": "lower bound",
        }
    p0 = k0 / n0
    _, p0_lo, _ = share_supported(np.r_[np.ones(k0, bool), np.zeros(n0 - k0, bool)])
    if k == 0:
        return {"ratio": 0.0, "lo": 0.0, "hi": (3.0 / n) / p0_lo, "kind": "upper bound"}
    r = (k / n) / p0
    se = math.sqrt(1 / k - 1 / n + 1 / k0 - 1 / n0)
    return {
        "ratio": r,
        "lo": r * math.exp(-1.96 * se),
        "hi": r * math.exp(1.96 * se),
        "kind": "estimate",
    }


def comparison(
    holds: dict[str, pd.DataFrame], observations: tuple[str, ...] = JOINT
) -> dict[str, dict]:
    """Per model: the prior-predictive probability that ``observations`` all hold (share of the
    plausible space, Wilson 95%), k and n, and its ratio to H0 (see :func:`ratio`); ``survives``:
    the ratio's upper end is above :data:`SURVIVES_ABOVE`."""
    joint = {m: h[list(observations)].all(axis=1).to_numpy() for m, h in holds.items()}
    k0, n0 = int(joint["H0"].sum()), int(joint["H0"].size)
    out = {}
    for m, v in joint.items():
        p, lo, hi = share_supported(v)
        r = ratio(int(v.sum()), int(v.size), k0, n0=n0)
        out[m] = {
            "p": p,
            "p_lo": lo,
            "p_hi": hi,
            "k": int(v.sum()),
            "n": int(v.size),
            "p_upper_rule_of_three": (3.0 / v.size) if v.sum() == 0 else None,
            "bayes_factor": r,
            "survives": bool(r["kind"] != "undefined" and r["hi"] > SURVIVES_ABOVE),
        }
    return out


def posterior(points: pd.DataFrame, accepted: np.ndarray, names: list[str]) -> dict:
    """5/50/95% quantiles of each sampled parameter among the accepted points (every tier-1
    observation holds) and in the whole sample; empty quantiles with a reason when fewer than
    :data:`MIN_ACCEPTED` were accepted."""
    n_acc = int(accepted.sum())
    if n_acc < MIN_ACCEPTED:
        return {
            "n_accepted": n_acc,
            "quantiles": {},
            "note": f"fewer than {MIN_ACCEPTED} accepted points: no quantiles (use more --samples)",
        }
    q = {}
    for n in names:
        q[n] = {
            "accepted": np.quantile(points.loc[accepted, n], [0.05, 0.5, 0.95]).tolist(),
            "prior": np.quantile(points[n], [0.05, 0.5, 0.95]).tolist(),
        }
    return {"n_accepted": n_acc, "quantiles": q, "note": ""}
