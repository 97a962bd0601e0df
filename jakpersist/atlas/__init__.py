"""Layer 4, the robustness atlas: how much of the plausible parameter space supports each verdict.

:func:`build` samples the plausible space (SALib's Sobol' design), evaluates every model claim in
its fast, noise-free mode (serially or on Dask), and writes ``atlas.parquet`` (one row per
evaluation), ``points.parquet`` and ``tipping.parquet`` (compact tables the book draws from) and
``summary.json`` (per claim: share supported with a 95% interval, tipping points, Sobol' total
indices; the joint region of all the paper's claims; optionally power in the noisy mode). ``jakbook
atlas`` is its command.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..model.params import ALL_PARAMS
from . import analyse
from .run import ATLAS_CLAIMS, COND, check_claims, code_version, run_design
from .space import Space, default_space, sobol_design

__all__ = ["build", "ATLAS_CLAIMS", "default_space", "power"]

GRID_POINTS = (
    17  # points per parameter for the tipping-point scans (16 intervals of the plausible range)
)


def _key(
    space: Space, claims: tuple[str, ...], samples: int, seed: int, what: str, grid: int
) -> str:
    return f"{what}-{code_version()}-{space.key()}-{'_'.join(claims)}-n{samples}-s{seed}-g{grid}"


def build(
    claims: tuple[str, ...] = ATLAS_CLAIMS,
    samples: int = 256,
    workers: int = 0,
    *,
    scheduler: str | None = None,
    out: Path | str = "atlas",
    seed: int = 2012,
    cache: Path | str | None = None,
    progress: bool = True,
    params: tuple[str, ...] | None = None,
    grid_points: int = GRID_POINTS,
) -> dict[str, Any]:
    """Run the atlas and write ``out/atlas.parquet`` and ``out/summary.json``; returns the summary.

    ``samples``: the Sobol' base sample size N (a power of 2; N x (k + 2) evaluations per claim
    group for k parameters, plus k x 17 for the tipping-point scans), evaluated by the vectorised
    fast mode (every point of a chunk at once; :mod:`jakpersist.claims.vectorised`).
    ``workers``/``scheduler``: see :func:`run_design`. ``cache``: the cache folder (default
    ``out/.cache``). ``params``: sample only these model parameters (the others stay at their
    defaults; default: all of them).
    ``grid_points``: points per tipping-point scan. The joint region needs every claim C0-C7; with
    fewer claims it is computed over the claims given and says so. Raises ValueError for unknown
    claims or a bad N.
    """
    claims = check_claims(claims)
    out = Path(out)
    cache = Path(cache) if cache else out / ".cache"
    space = default_space(params)
    t0 = time.perf_counter()
    u, labels = sobol_design(space, samples, seed)
    values = space.from_unit(u)
    ev = run_design(
        values,
        space,
        claims,
        cache_dir=cache / _key(space, claims, samples, seed, "sobol", grid_points),
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        engine="vectorised",
    )
    defaults = {n: float(ALL_PARAMS[n].default) for n in space.names}
    grid_rows, grid_meta = [], []
    for j, n in enumerate(space.names):
        for v in space.grid(n, GRID_POINTS):
            row = [defaults[m] for m in space.names]
            row[j] = v
            grid_rows.append(row)
            grid_meta.append((n, float(v)))
    gv = run_design(
        np.array(grid_rows),
        space,
        claims,
        cache_dir=cache / _key(space, claims, samples, seed, "tipping", grid_points),
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        engine="vectorised",
    )
    seconds = time.perf_counter() - t0

    # one table, one row per evaluation
    pts = pd.DataFrame(values, columns=list(space.names))
    pts["row"], pts["block"] = np.arange(len(pts)), labels
    atlas = ev.merge(pts, on="row")
    atlas["design"] = "sobol"
    meta = pd.DataFrame(grid_meta, columns=["parameter", "value"]).assign(
        row=np.arange(len(grid_meta))
    )
    tip = gv.merge(meta, on="row")
    tip_full = tip.merge(
        pd.DataFrame(grid_rows, columns=list(space.names)).assign(row=np.arange(len(grid_rows))),
        on="row",
    )
    tip_full["design"], tip_full["block"] = "tipping", "grid"
    out.mkdir(parents=True, exist_ok=True)
    both = pd.concat([atlas, tip_full.drop(columns=["parameter", "value"])], ignore_index=True)
    both.to_parquet(out / "atlas.parquet", index=False)

    log = dict(zip(space.names, space.log, strict=False))
    base = atlas[atlas.block.isin(["A", "B"])]
    summary: dict[str, Any] = {
        "claims": {},
        "space": space.describe(),
        "samples": samples,
        "seed": seed,
        "mode": "fast (noise-free)",
        "evaluations": int(len(both)),
        "grid_points": grid_points,
        "seconds": round(seconds, 1),
        "code_version": code_version(),
        "design": "SALib Sobol' (Saltelli, no second order), scrambled; share from the A and B "
        "base samples",
        "margin_clip_for_sobol": analyse.MARGIN_CLIP,
    }
    for c in claims:
        sub = atlas[atlas.claim == c].sort_values("row")
        share, lo, hi = analyse.share_supported(base.loc[base.claim == c, "verdict"].to_numpy())
        si = analyse.sobol_indices(space, sub["margin"].to_numpy(), seed)
        tp = analyse.tipping_points(
            tip[tip.claim == c][["parameter", "value", "margin"]], defaults, log
        )
        summary["claims"][c] = {
            "share": share,
            "share_lo": lo,
            "share_hi": hi,
            "tipping": {
                r.parameter: (None if np.isnan(r.tipping) else r.tipping) for r in tp.itertuples()
            },
            "tipping_side": {r.parameter: r.side for r in tp.itertuples() if r.side},
            "sobol_total": dict(zip(si.parameter, [float(x) for x in si.ST], strict=False)),
            "sobol_first": dict(zip(si.parameter, [float(x) for x in si.S1], strict=False)),
            "sobol_total_conf": dict(
                zip(si.parameter, [float(x) for x in si.ST_conf], strict=False)
            ),
            "errors": int((sub["error"] != "").sum()),
            "undefined": float(base.loc[base.claim == c, "undefined"].mean())
            if "undefined" in base
            else 0.0,
            "conditions": analyse.condition_table(base[base.claim == c]),
        }
    wide = base.pivot_table(index="row", columns="claim", values="verdict", aggfunc="first").astype(
        bool
    )
    wide = wide.join(pts.set_index("row")[list(space.names)])
    paper = tuple(c for c in ("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7") if c in claims)
    summary["joint"] = analyse.joint_region(wide, paper, space.names)
    summary["joint"]["complete"] = len(paper) == 8
    (out / "summary.json").write_text(
        json.dumps(summary, indent=1, allow_nan=True), encoding="utf-8"
    )
    # compact tables for the book: the base sample (parameters, verdict and margin per claim) and
    # the scans
    margins = base.pivot_table(index="row", columns="claim", values="margin", aggfunc="first")
    compact = wide.join(margins.add_prefix("margin_"))
    for c in (
        claims
    ):  # each rule condition's margin (nan = undefined there) and whether the claim is undefined
        sub = base[base.claim == c].set_index("row")
        for name in analyse.condition_names(sub):
            compact[f"{COND}{c}:{name}"] = sub[COND + name]
        if "undefined" in sub:
            compact[f"undefined_{c}"] = sub["undefined"].astype(bool)
    compact = compact.reset_index()
    compact.to_parquet(out / "points.parquet", index=False)
    tip[["claim", "parameter", "value", "margin", "verdict"]].to_parquet(
        out / "tipping.parquet", index=False
    )
    return summary


def power(
    claim: str = "C1",
    replicates: tuple[int, ...] = (1, 2, 3, 4),
    noise: tuple[float, ...] = (0.05, 0.1, 0.2),
    *,
    seeds: int = 8,
    n_boot: int = 100,
    workers: int = 0,
    scheduler: str | None = None,
    cache: Path | str = "atlas/.cache",
    progress: bool = True,
) -> pd.DataFrame:
    """Power of ``claim`` in the noisy mode at the model's defaults: the share of ``seeds`` seeds
    giving "supported" for each (n_replicates, noise_sd); see :func:`analyse.power_curve`.
    ``n_boot`` bootstrap resamples per curve (fewer than the chapter's, to keep it affordable; the
    rule's interval condition then carries a little more Monte Carlo error)."""
    check_claims((claim,))
    names = ("n_replicates", "noise_sd", "seed")
    grid = np.array(
        [(n, sd, s) for n in replicates for sd in noise for s in range(1, seeds + 1)], dtype=float
    )
    space = Space(names, (0.0,) * 3, (1.0,) * 3, (False,) * 3)
    sizes = "_".join(map(str, replicates))
    sds = "_".join(map(str, noise))
    key = f"power-{code_version()}-{claim}-{sizes}-{sds}-{seeds}-{n_boot}"
    ev = run_design(
        grid,
        space,
        (claim,),
        cache_dir=Path(cache) / key,
        mode="full",
        workers=workers,
        scheduler=scheduler,
        chunk=4,
        fixed={"n_boot": n_boot},
        progress=progress,
    )
    tab = (
        pd.DataFrame(grid, columns=list(names)).assign(row=np.arange(len(grid))).merge(ev, on="row")
    )
    return analyse.power_curve(tab)
