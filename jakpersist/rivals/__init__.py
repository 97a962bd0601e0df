"""Layer 4 (beside the atlas), rival explanations: which mechanisms of persistence do the findings rule out?

Each rival is a named variant of the one model (:mod:`.models`); every variant runs every claim's virtual
experiment and rule unchanged (``jakpersist.claims`` in fast, noise-free mode) over its own plausible space, on
the atlas's engine (:func:`jakpersist.atlas.run.run_design`: chunks, Parquet cache, serial or Dask). From the
per-point results come the discrimination matrix (per model x observation, the share of the model's space where
the observation holds) and the model comparison (per model, the probability that the Nature abstract's
observations jointly hold, and its ratio to H0). ``jakbook rivals`` is the command; ``make rivals`` ships a small
run in ``data/rivals/``.
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
from . import compare
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


def _evaluate(name: str, samples: int, seed: int, workers: int, scheduler: str | None, cache: Path,
              progress: bool) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    v = VARIANTS[name]
    names, values = v.sample(samples, seed + MODELS.index(name))
    space = Space(names, tuple(values.min(axis=0)), tuple(values.max(axis=0)), (False,) * len(names))
    key = hashlib.sha256(json.dumps(v.describe(), sort_keys=True, default=str).encode()).hexdigest()[:12]
    ev = run_design(values, space, CLAIMS, cache / f"{name}-{code_version()}-{key}-n{samples}-s{seed}",
                    workers=workers, scheduler=scheduler, fixed=dict(v.fixed), progress=progress, detail=True,
                    label=f"rivals {name}", chunk=32)
    pts = pd.DataFrame(values, columns=list(names)).assign(row=np.arange(samples))
    sampled = tuple(r.name for r in v.space())
    return ev, pts, sampled


def build(models: tuple[str, ...] = MODELS, samples: int = 256, workers: int = 0, scheduler: str | None = None,
          out: Path | str = "rivals", seed: int = 2012, cache: Path | str | None = None,
          progress: bool = True) -> dict[str, Any]:
    """Run every model over its plausible space and write ``out/rivals.parquet`` and ``out/summary.json``.

    ``samples``: independent uniform draws per model (seeded: ``seed`` + the model's index). ``workers`` /
    ``scheduler``: see :func:`jakpersist.atlas.run.run_design` (results are identical whichever path runs them).
    ``cache``: the chunk cache (default ``out/.cache``). Returns the summary. Raises ValueError for an unknown
    model or fewer than 2 samples.
    """
    models = check_models(tuple(models))
    if samples < 2:
        raise ValueError(f"--samples must be at least 2, got {samples}")
    out = Path(out)
    cache = Path(cache) if cache else out / ".cache"
    t0 = time.perf_counter()
    frames, hs, post = [], {}, {}
    errors = {}
    for m in models:
        ev, pts, sampled = _evaluate(m, samples, seed, workers, scheduler, cache, progress)
        h = holds(ev)
        hs[m] = h
        errors[m] = int((ev["error"] != "").sum())
        verdicts = ev.pivot_table(index="row", columns="claim", values="verdict", aggfunc="first").astype(bool)
        tab = pts.set_index("row").join(h).join(verdicts.add_prefix("verdict_")).reset_index()
        tab.insert(0, "model", m)
        frames.append(tab)
        accepted = h[list(JOINT)].all(axis=1).to_numpy()
        post[m] = compare.posterior(pts, accepted, list(sampled))
    seconds = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    pd.concat(frames, ignore_index=True).to_parquet(out / "rivals.parquet", index=False)

    mat = compare.matrix(hs)
    no_coip = tuple(o for o in JOINT if o != "C2 co-IP")
    # the Nature-abstract observations that no rival fails by its definition (R1-R5 keep the partner pool, and
    # R2-R5 the JAK2 level, fixed): what separates the mechanisms themselves
    BY_MECHANISM = tuple(o for o in JOINT if o not in ("C2 co-IP", "C4 JAK2 changes"))
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
        "comparison": compare.comparison(hs, JOINT),
        "comparison_without_coip": {"observations": list(no_coip), "models": compare.comparison(hs, no_coip)},
        "comparison_by_mechanism": {"observations": list(BY_MECHANISM),
                                    "models": compare.comparison(hs, BY_MECHANISM)},
        "posterior": post,
        "rule_out_below": compare.RULE_OUT_BELOW, "survives_above": compare.SURVIVES_ABOVE,
        "samples": samples, "seed": seed, "mode": "fast (noise-free)",
        "design": "independent seeded uniform draws (log-uniform where marked) per model; Wilson 95% intervals",
        "seconds": round(seconds, 1), "code_version": code_version(),
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
