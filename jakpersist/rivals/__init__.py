"""Layer 4 (beside the atlas), rival explanations: which mechanisms of persistence do the findings rule out?

Each rival is a named variant of the one model (:mod:`.models`); every variant runs every claim's virtual
experiment and rule unchanged (``jakpersist.claims`` in fast, noise-free mode) over its own plausible space, on
the atlas's runner (:func:`jakpersist.atlas.run.run_design`: chunks, Parquet cache under code version, ranges and
design, resumable, serial or Dask) with the vectorised engine (:mod:`jakpersist.claims.vectorised`: every point
of a chunk in one array evaluation; the per-point fast mode is the reference it is tested against). From the
per-point results come the discrimination matrix (per model x observation, the share of the model's space where
the observation holds), the model comparison (per model, the probability that the Nature abstract's observations
jointly hold, and its ratio to H0), each model's posterior region (accepted draws: quantiles and a pair sample),
the prior sensitivity (every range halved and doubled in width) and the next experiments
(:mod:`.experiments`, ranked by mutual information). ``jakbook rivals`` is the command; ``make rivals`` ships a
run in ``data/rivals/``.

Why not pyabc or SALib here. The comparison is plain rejection sampling from each model's prior with the
indicator likelihood "every observation holds": independent draws give every share, joint probability and ratio
an exact binomial interval, and the discrimination matrix needs the unconditional share of *each* observation
over the *whole* prior. ABC-SMC (pyabc) concentrates its populations where a distance is small, which serves a
posterior but not those prior shares, adds a database and a tolerance schedule, and with the vectorised engine
the plain sampler already runs 100,000 draws per model in minutes. SALib's Saltelli/Sobol' designs (which the
atlas uses for variance-based sensitivity) are not independent draws, so they would break the binomial intervals;
the prior sensitivity asked here is a re-run over wider and narrower boxes, not a variance decomposition.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..atlas.run import code_version as _model_version
from ..atlas.run import run_design
from ..atlas.space import Space
from . import compare, experiments
from .models import MODELS, VARIANTS, check_models
from .observations import JOINT, OBSERVATIONS, TIER_LABELS, TIERS, holds

__all__ = ["build", "code_version", "MODELS", "VARIANTS", "OBSERVATIONS", "load"]

CLAIMS = ("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8")
PKG = Path(__file__).resolve().parent


def code_version() -> str:
    """Digest of what decides the results: the model, claims and atlas sources (the atlas's code version) and
    this package's sources (record.py, which only writes the manifest, excepted)."""
    h = hashlib.sha256(_model_version().encode())
    for f in sorted(p for p in PKG.glob("*.py") if p.name != "record.py"):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


#: Points per chunk of the vectorised engine (one array evaluation, one cached Parquet file; ~0.1-0.5 s each).
CHUNK = 2000
#: Width factors of every plausible range in the prior-sensitivity check (1 = the ranges as declared).
SENSITIVITY = (0.5, 2.0)


def _evaluate(name: str, samples: int, seed: int, workers: int, scheduler: str | None, cache: Path,
              progress: bool, scale: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    v = VARIANTS[name]
    names, values = v.sample(samples, seed + MODELS.index(name), scale=scale)
    space = Space(names, tuple(values.min(axis=0)), tuple(values.max(axis=0)), (False,) * len(names))
    key = hashlib.sha256(json.dumps(v.describe(), sort_keys=True, default=str).encode()).hexdigest()[:12]
    tag = "" if scale == 1.0 else f"-w{scale:g}"
    ev = run_design(values, space, CLAIMS, cache / f"{name}-{code_version()}-{key}-n{samples}-s{seed}{tag}",
                    workers=workers, scheduler=scheduler, fixed=dict(v.fixed), progress=progress, detail=True,
                    label=f"rivals {name}{tag}", chunk=CHUNK, engine="vectorised")
    pts = pd.DataFrame(values, columns=list(names)).assign(row=np.arange(samples))
    sampled = tuple(r.name for r in v.space())
    return ev, pts, sampled


def _pair_sample(pts: pd.DataFrame, accepted: np.ndarray, names: list[str], k: int = 600) -> dict[str, list]:
    """Up to ``k`` accepted points (the first ones: the draws are independent) of ``names``, for the pair plot."""
    sub = pts.loc[accepted, names].head(k)
    return {n: [float(f"{x:.5g}") for x in sub[n]] for n in names}


def build(models: tuple[str, ...] = MODELS, samples: int = 256, workers: int = 0, scheduler: str | None = None,
          out: Path | str = "rivals", seed: int = 2012, cache: Path | str | None = None,
          progress: bool = True, sensitivity_samples: int | None = None) -> dict[str, Any]:
    """Run every model over its plausible space and write ``out/rivals.parquet`` and ``out/summary.json``.

    ``samples``: independent uniform draws per model (seeded: ``seed`` + the model's index). ``workers`` /
    ``scheduler``: see :func:`jakpersist.atlas.run.run_design` (results are identical whichever path runs them).
    ``cache``: the chunk cache (default ``out/.cache``). ``sensitivity_samples``: draws per model and width factor
    of the prior-sensitivity check (default ``samples // 2``; 0 skips it). Every point is evaluated by the
    vectorised fast mode (:mod:`jakpersist.claims.vectorised`), in chunks of :data:`CHUNK`. Returns the summary. Raises ValueError for an unknown
    model or fewer than 2 samples.
    """
    models = check_models(tuple(models))
    if samples < 2:
        raise ValueError(f"--samples must be at least 2, got {samples}")
    out = Path(out)
    cache = Path(cache) if cache else out / ".cache"
    t0 = time.perf_counter()
    cluster = None
    if workers > 0 and not scheduler:  # one local cluster for every model and width (run_design connects to it)
        from dask.distributed import LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        scheduler = cluster.scheduler_address
    try:
        return _build(models, samples, workers, scheduler, out, seed, cache, progress, sensitivity_samples, t0)
    finally:
        if cluster is not None:
            cluster.close()


def _build(models: tuple[str, ...], samples: int, workers: int, scheduler: str | None, out: Path, seed: int,
           cache: Path, progress: bool, sensitivity_samples: int | None, t0: float) -> dict[str, Any]:
    frames, hs, post, pts_by, acc_by = [], {}, {}, {}, {}
    errors = {}
    # the Nature-abstract observations that no rival fails by its definition (R1-R5 keep the partner pool, and
    # R2-R5 the JAK2 level, fixed): what separates the mechanisms themselves
    BY_MECHANISM = tuple(o for o in JOINT if o not in ("C2 co-IP", "C4 JAK2 changes"))
    for m in models:
        ev, pts, sampled = _evaluate(m, samples, seed, workers, scheduler, cache, progress)
        h = holds(ev)
        hs[m] = h
        errors[m] = int((ev["error"] != "").sum())
        verdicts = ev.pivot(index="row", columns="claim", values="verdict").astype(bool)
        tab = pts.set_index("row").join(h).join(verdicts.add_prefix("verdict_")).reset_index()
        tab.insert(0, "model", m)
        frames.append(tab)
        own = [r.name for r in VARIANTS[m].ranges if not r.flag]
        post[m] = {}
        for key, obs in (("nature2012", JOINT), ("by_mechanism", BY_MECHANISM)):
            accepted = h[list(obs)].all(axis=1).to_numpy()
            post[m][key] = compare.posterior(pts, accepted, list(sampled))
            post[m][key]["pair_parameters"] = own
            post[m][key]["pair_sample"] = (_pair_sample(pts, accepted, own)
                                           if accepted.sum() >= compare.MIN_ACCEPTED else {})
        pts_by[m], acc_by[m] = (tuple(c for c in pts.columns if c != "row"),
                                pts.drop(columns="row").to_numpy()), h[list(BY_MECHANISM)].all(axis=1).to_numpy()
    seconds_main = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    pd.concat(frames, ignore_index=True).to_parquet(out / "rivals.parquet", index=False)

    mat = compare.matrix(hs)
    no_coip = tuple(o for o in JOINT if o != "C2 co-IP")
    comparison = compare.comparison(hs, JOINT)
    by_mechanism = compare.comparison(hs, BY_MECHANISM)

    # prior sensitivity: every range halved or doubled in width (around its centre, clipped to valid values)
    n_sens = sensitivity_samples if sensitivity_samples is not None else max(2, samples // 2)
    sensitivity: dict[str, Any] = {"samples": n_sens, "factors": [*SENSITIVITY], "nature2012": {},
                                   "by_mechanism": {}}
    if n_sens >= 2:
        for f in SENSITIVITY:
            hf = {m: holds(_evaluate(m, n_sens, seed, workers, scheduler, cache, progress, scale=f)[0])
                  for m in models}
            sensitivity["nature2012"][f"{f:g}"] = compare.comparison(hf, JOINT)
            sensitivity["by_mechanism"][f"{f:g}"] = compare.comparison(hf, BY_MECHANISM)

    # the next experiment: among the models that survive the mechanism-only comparison (under the whole Nature
    # abstract only H0 survives, and there is nothing left to tell apart), on each model's accepted points
    alive = [m for m in models if by_mechanism[m]["survives"] or m == "H0"]
    prior = {m: by_mechanism[m]["p"] for m in alive}
    ranked = experiments.rank(prior, {m: (pts_by[m][0], pts_by[m][1][acc_by[m]], dict(VARIANTS[m].fixed))
                                      for m in alive})
    seconds = time.perf_counter() - t0
    summary: dict[str, Any] = {
        "models": {m: {"title": VARIANTS[m].title, "description": VARIANTS[m].description,
                       "signature": VARIANTS[m].signature, "space": VARIANTS[m].describe(), "errors": errors[m]}
                   for m in models},
        "observations": [{"id": o.id, "tier": o.tier, "tier_label": TIER_LABELS[o.tier], "claim": o.claim,
                          "label": o.label, "conditions": list(o.conditions)} for o in OBSERVATIONS],
        "tiers": list(TIERS),
        "matrix": mat.to_dict(orient="records"),
        "by_observation": compare.verdicts_by_observation(mat),
        "joint_observations": list(JOINT),
        "comparison": comparison,
        "comparison_without_coip": {"observations": list(no_coip), "models": compare.comparison(hs, no_coip)},
        "comparison_by_mechanism": {"observations": list(BY_MECHANISM), "models": by_mechanism},
        "posterior": post,
        "min_accepted": compare.MIN_ACCEPTED,
        "sensitivity": sensitivity,
        "next_experiments": {"models": alive, "prior": prior, "observations": list(BY_MECHANISM),
                             "ranking": ranked},
        "rule_out_below": compare.RULE_OUT_BELOW, "survives_above": compare.SURVIVES_ABOVE,
        "samples": samples, "seed": seed, "mode": "fast (noise-free)",
        "design": "independent seeded uniform draws (log-uniform where marked) per model; Wilson 95% intervals",
        "seconds": round(seconds, 1), "seconds_main": round(seconds_main, 1), "engine": "vectorised",
        "code_version": code_version(),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1, allow_nan=True), encoding="utf-8")
    return summary


def load(folder: Path | str = "data/rivals") -> tuple[dict[str, Any], pd.DataFrame]:
    """The shipped (or any) results: (summary, discrimination matrix as a table). Raises FileNotFoundError naming
    ``make rivals`` when the folder has no summary."""
    f = Path(folder) / "summary.json"
    if not f.is_file():
        raise FileNotFoundError(f"{f} not found: run `make rivals` (or `jakbook rivals --out {folder}`)")
    s = json.loads(f.read_text(encoding="utf-8"))
    return s, pd.DataFrame(s["matrix"])
