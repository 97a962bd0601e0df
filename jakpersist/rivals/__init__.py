"""Layer 4 (beside the atlas), rival explanations: which mechanisms of persistence do the findings
rule out?

Each rival is a named variant of the one model (:mod:`.models`); every variant runs every claim's
virtual experiment and rule unchanged (``jakpersist.claims`` in fast, noise-free mode) over its own
plausible space, on the atlas's runner (:func:`jakpersist.atlas.run.run_design`: chunks, Parquet
cache under code version, ranges and design, resumable, serial or Dask) with the vectorised engine
(:mod:`jakpersist.claims.vectorised`: every point of a chunk in one array evaluation; the per-point
fast mode is the reference it is tested against). From the per-point results come the discrimination
matrix (per model x observation, the share of the model's space where the observation holds), the
model comparison (per model, the probability that the Nature abstract's observations jointly hold,
and its ratio to H0), each model's posterior region (accepted draws: quantiles and a pair sample),
the prior sensitivity (every range halved and doubled in width) and the next experiments
(:mod:`.experiments`, ranked by mutual information). ``jakbook rivals`` is the command; ``make
rivals`` ships a run in ``data/rivals/``.

Why not pyabc or SALib here. The comparison is plain rejection sampling from each model's prior with
the indicator likelihood "every observation holds": independent draws give every share, joint
probability and ratio an exact binomial interval, and the discrimination matrix needs the
unconditional share of *each* observation over the *whole* prior. ABC-SMC (pyabc) concentrates its
populations where a distance is small, which serves a posterior but not those prior shares, adds a
database and a tolerance schedule, and with the vectorised engine the plain sampler already runs
100,000 draws per model in minutes. SALib's Saltelli/Sobol' designs (which the atlas uses for
variance-based sensitivity) are not independent draws, so they would break the binomial intervals;
the prior sensitivity asked here is a re-run over wider and narrower boxes, not a variance
decomposition. Revisited for the posterior, where a model's acceptance can be well under 1%: ABC-SMC
gains by shrinking a tolerance on a distance, but the likelihood here is an all-or-nothing indicator
with no distance to shrink, so its last population would be rejection sampling at tolerance zero,
with weighted, correlated particles. The posterior is instead topped up with further independent
prior draws that run only the claims of the observation set (:func:`_extend`), which keeps every
accepted point an exact posterior draw.
"""

from __future__ import annotations

import functools
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
from ..claims.c1_persistence import RULE as C1_RULE
from . import compare, experiments
from .models import MODELS, VARIANTS, check_models
from .observations import (
    HOLDS_METRICS,
    JOINT,
    LITERATURE,
    OBSERVATIONS,
    TIER_LABELS,
    TIERS,
    by_construction,
    fails_by_construction,
    holds,
)

__all__ = ["build", "code_version", "MODELS", "VARIANTS", "OBSERVATIONS", "load"]

CLAIMS = ("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8")
PKG = Path(__file__).resolve().parent


def code_version() -> str:
    """Digest of what decides the results: the model, claims and atlas sources (the atlas's code
    version) and this package's sources (record.py, which only writes the manifest, excepted)."""
    h = hashlib.sha256(_model_version().encode())
    for f in sorted(p for p in PKG.glob("*.py") if p.name != "record.py"):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


#: Points per chunk of the vectorised engine (one array evaluation, one cached Parquet file;
#: ~0.3-1 s each; larger chunks spread the engine's per-call work over more points, and the
#: results do not depend on the chunk size).
CHUNK = 4000
#: A posterior top-up round draws a multiple of this many points (see :func:`_extend`).
ROUND = 2000
#: Width factors of every plausible range in the prior-sensitivity check (1 = the ranges as
#: declared).
SENSITIVITY = (0.5, 2.0)


def _per_point(records: pd.DataFrame, observations: tuple[str, ...] | None = None) -> pd.DataFrame:
    """What the comparison keeps of a chunk's detailed records, one row per point (column ``row``):
    whether each observation holds (:func:`.observations.holds`; ``observations``: only these, in
    their order; default every one), each claim's verdict (``verdict_<claim>``) and the number of
    the point's evaluations that failed (``errors``)."""
    own = tuple(o.id for o in OBSERVATIONS if not o.experiment)
    h = holds(records, own if observations is None else tuple(o for o in observations if o in own))
    verdicts = records.pivot(index="row", columns="claim", values="verdict").astype(bool)
    errors = (records["error"] != "").groupby(records["row"]).sum().rename("errors")
    return h.join(verdicts.add_prefix("verdict_")).join(errors).rename_axis("row").reset_index()


def _holds(per_point: pd.DataFrame) -> pd.DataFrame:
    """The observation columns of :func:`_per_point`'s table, indexed by row: what
    :func:`.observations.holds` gives for the whole records."""
    return per_point.set_index("row")[[o.id for o in OBSERVATIONS if o.id in per_point.columns]]


def _with_literature(
    h: pd.DataFrame, points: tuple[tuple[str, ...], np.ndarray, dict]
) -> pd.DataFrame:
    """``h`` (observations that hold, indexed by row) with the later-literature observations added:
    each read by its virtual experiment at the design points (``points``: names, values in row
    order, fixed settings, as :func:`_points` gives them), on the client, after the workers'
    reduction (which reads only the claims' records)."""
    names, values, fixed = points
    h = h.sort_index()
    for o in OBSERVATIONS:
        if o.experiment:
            h[o.id] = experiments.outcomes(values, names, fixed=fixed, only=(o.experiment,))[
                o.experiment
            ]
    return h


def _run(
    name: str,
    names: tuple[str, ...],
    values: np.ndarray,
    claims: tuple[str, ...],
    cache_dir: Path,
    label: str,
    workers: int,
    scheduler: str | None,
    progress: bool,
    observations: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Per point (:func:`_per_point`: the observations that hold, the verdicts, the failures) at
    every row of ``values`` (columns ``names``) under model ``name`` (its fixed settings), from the
    detailed records of ``claims`` by the atlas's runner with the vectorised engine in chunks of
    :data:`CHUNK` (of the metrics, those :func:`.observations.holds` reads), reduced on the workers
    and cached in ``cache_dir``."""
    space = Space(
        names, tuple(values.min(axis=0)), tuple(values.max(axis=0)), (False,) * len(names)
    )
    return run_design(
        values,
        space,
        claims,
        cache_dir=cache_dir,
        workers=workers,
        scheduler=scheduler,
        fixed=dict(VARIANTS[name].fixed),
        progress=progress,
        detail=HOLDS_METRICS,
        label=label,
        chunk=CHUNK,
        engine="vectorised",
        keep=functools.partial(_per_point, observations=observations),
    )


def _evaluate(
    name: str,
    samples: int,
    seed: int,
    workers: int,
    scheduler: str | None,
    cache: Path,
    progress: bool,
    scale: float = 1.0,
    observations: tuple[str, ...] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    # ``observations``: only these are read (and only the claims they read evaluated, e.g. no
    # in-vivo illustration for the prior-sensitivity runs); default every observation, every claim
    v = VARIANTS[name]
    names, values = v.sample(samples, seed + MODELS.index(name), scale=scale)
    key = hashlib.sha256(
        json.dumps(v.describe(), sort_keys=True, default=str).encode()
    ).hexdigest()[:12]
    tag = "" if scale == 1.0 else f"-w{scale:g}"
    claims = CLAIMS if observations is None else _needed_claims(observations)
    if claims != CLAIMS:
        tag += "-" + "+".join(claims)
    ev = _run(
        name,
        names,
        values,
        claims,
        cache / f"{name}-{code_version()}-{key}-n{samples}-s{seed}{tag}",
        f"rivals {name}{tag}",
        workers,
        scheduler,
        progress,
        observations,
    )
    pts = pd.DataFrame(values, columns=list(names)).assign(row=np.arange(samples))
    sampled = tuple(r.name for r in v.space())
    return ev, pts, sampled


#: The lenient reading of Meyer et al. 2015: persistent cells not persistent to CHZ868 by the C1
#: rule's own threshold (its minimum GI50 fold), reported beside the book's stricter reading.
LENIENT_TYPE2_BELOW = float(C1_RULE.min_fold)


def _points(name: str, pts: pd.DataFrame) -> tuple[tuple[str, ...], np.ndarray, dict]:
    """(names, values in row order, fixed settings) of a model's design points, as the
    later-literature observations read them."""
    pts = pts.sort_values("row")
    names = tuple(c for c in pts.columns if c != "row")
    return names, pts[list(names)].to_numpy(), dict(VARIANTS[name].fixed)


def _lenient_type2(points: tuple[tuple[str, ...], np.ndarray, dict]) -> dict[str, np.ndarray]:
    """The later-literature CHZ868 observation under the lenient reading (fold under
    :data:`LENIENT_TYPE2_BELOW`), as a column to replace the book's reading."""
    names, values, fixed = points
    fold, defined = experiments.type2_folds(values, names, fixed=fixed)
    obs = next(o.id for o in OBSERVATIONS if o.experiment == experiments.TYPE_II.id)
    return {obs: (fold < LENIENT_TYPE2_BELOW) & defined}


#: Largest number of further draws per model that :func:`_extend` takes to reach MIN_ACCEPTED
#: accepted points (then fewer are reported, with the number drawn).
POSTERIOR_CAP = 600_000


def _needed_claims(observations: tuple[str, ...]) -> tuple[str, ...]:
    """The claims the observations read, with each claim that shares its virtual experiment (C3 and
    C4)."""
    need = {o.claim for o in OBSERVATIONS if o.id in observations} | {"C1"}
    if need & {"C3", "C4"}:
        need |= {"C3", "C4"}
    return tuple(c for c in CLAIMS if c in need)


def _extend(
    name: str,
    observations: tuple[str, ...],
    have: int,
    rate: float,
    samples: int,
    seed: int,
    workers: int,
    scheduler: str | None,
    cache: Path,
    progress: bool,
) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Further independent draws from the model's prior, in rounds, until the accepted points (every
    one of ``observations`` holds) reach :data:`compare.MIN_ACCEPTED` with the ``have`` already
    accepted, or :data:`POSTERIOR_CAP` draws: (points, accepted mask, draws taken).

    A round's size follows the acceptance rate seen so far (``rate``; 20% more than the expected
    need). Only the claims the observations read are evaluated (the in-vivo illustration is skipped:
    it is no part of them), so a draw costs about a third of a full one. Every draw is an
    independent prior draw (its own seed per round), so the accepted points are exact draws from the
    posterior whatever the stopping rule; the shares, joint probabilities and ratios stay those of
    the main sample, whose size is fixed in advance.
    """
    v = VARIANTS[name]
    claims = _needed_claims(observations)
    frames, masks, taken, k, rnd = [], [], 0, have, 0
    while k < compare.MIN_ACCEPTED and taken < POSTERIOR_CAP:
        p = max(rate, 1.0 / max(samples + taken, 1))
        n = int(min(POSTERIOR_CAP - taken, max(ROUND, 1.2 * (compare.MIN_ACCEPTED - k) / p)))
        n = -(-n // ROUND) * ROUND
        rseed = seed + 7919 * (rnd + 1) + MODELS.index(name)
        names, values = v.sample(n, rseed)
        ev = _run(
            name,
            names,
            values,
            claims,
            cache / f"{name}-{code_version()}-post-n{n}-s{rseed}-{'+'.join(claims)}",
            f"posterior {name} round {rnd + 1}",
            workers,
            scheduler,
            progress,
            observations,
        )
        acc = ev[list(observations)].all(axis=1).to_numpy()
        frames.append(pd.DataFrame(values, columns=list(names)))
        masks.append(acc)
        taken += n
        k += int(acc.sum())
        rate = (k - have) / taken if k > have else rate
        rnd += 1
    if not frames:
        return pd.DataFrame(), np.zeros(0, dtype=bool), 0
    return pd.concat(frames, ignore_index=True), np.concatenate(masks), taken


def _pair_sample(
    pts: pd.DataFrame, accepted: np.ndarray, names: list[str], k: int = 600
) -> dict[str, list]:
    """Up to ``k`` accepted points (the first ones: the draws are independent) of ``names``, for the
    pair plot."""
    sub = pts.loc[accepted, names].head(k)
    return {n: [float(f"{x:.5g}") for x in sub[n]] for n in names}


def build(
    models: tuple[str, ...] = MODELS,
    samples: int = 256,
    workers: int = 0,
    *,
    scheduler: str | None = None,
    out: Path | str = "rivals",
    seed: int = 2012,
    cache: Path | str | None = None,
    progress: bool = True,
    sensitivity_samples: int | None = None,
) -> dict[str, Any]:
    """Run every model over its plausible space and write ``out/rivals.parquet`` and
    ``out/summary.json``.

    ``samples``: independent uniform draws per model (seeded: ``seed`` + the model's index).
    ``workers`` / ``scheduler``: see :func:`jakpersist.atlas.run.run_design` (results are identical
    whichever path runs them). ``cache``: the chunk cache (default ``out/.cache``).
    ``sensitivity_samples``: draws per model and width factor of the prior-sensitivity check
    (default ``samples // 2``; 0 skips it). Every point is evaluated by the vectorised fast mode
    (:mod:`jakpersist.claims.vectorised`), in chunks of :data:`CHUNK`. Returns the summary. Raises
    ValueError for an unknown model or fewer than 2 samples.
    """
    models = check_models(tuple(models))
    if samples < 2:
        raise ValueError(f"--samples must be at least 2, got {samples}")
    out = Path(out)
    cache = Path(cache) if cache else out / ".cache"
    t0 = time.perf_counter()
    cluster = None
    if (
        workers > 0 and not scheduler
    ):  # one local cluster for every model and width (run_design connects to it)
        from dask.distributed import LocalCluster

        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        scheduler = cluster.scheduler_address
    try:
        return _build(
            models, samples, workers, scheduler, out, seed, cache, progress, sensitivity_samples, t0
        )
    finally:
        if cluster is not None:
            cluster.close()


def _build(
    models: tuple[str, ...],
    samples: int,
    workers: int,
    scheduler: str | None,
    out: Path,
    seed: int,
    cache: Path,
    progress: bool,
    sensitivity_samples: int | None,
    t0: float,
) -> dict[str, Any]:
    frames, hs, post, pts_by, acc_by = [], {}, {}, {}, {}
    errors, alt_hs, drivers = {}, {}, {}
    # the Nature-abstract observations that no rival fails by its definition (computed from the
    # variants: an observation that needs a change some variant holds fixed): what separates the
    # mechanisms themselves
    variants = {m: VARIANTS[m] for m in models}
    BY_MECHANISM = tuple(o for o in JOINT if o not in fails_by_construction(variants, JOINT))
    for m in models:
        ev, pts, sampled = _evaluate(m, samples, seed, workers, scheduler, cache, progress)
        points = _points(m, pts)
        h = _with_literature(_holds(ev), points)
        alt_hs[m] = h.assign(**_lenient_type2(points))
        hs[m] = h
        errors[m] = int(ev["errors"].sum())
        verdicts = ev.set_index("row")[[c for c in ev.columns if c.startswith("verdict_")]]
        tab = pts.set_index("row").join(h).join(verdicts).reset_index()
        tab.insert(0, "model", m)
        frames.append(tab)
        own = [r.name for r in VARIANTS[m].ranges if not r.flag]
        post[m] = {}
        for key, obs in (("nature2012", JOINT), ("by_mechanism", BY_MECHANISM)):
            accepted = h[list(obs)].all(axis=1).to_numpy()
            post[m][key] = {
                "pts": pts,
                "accepted": accepted,
                "sampled": list(sampled),
                "own": own,
                "observations": obs,
            }
        pts_by[m], acc_by[m] = (
            (tuple(c for c in pts.columns if c != "row"), pts.drop(columns="row").to_numpy()),
            h[list(BY_MECHANISM)].all(axis=1).to_numpy(),
        )
        drivers[m] = experiments.type2_drivers(
            points[1], points[0], fixed=points[2], accepted=acc_by[m]
        )
    seconds_main = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    pd.concat(frames, ignore_index=True).to_parquet(out / "rivals.parquet", index=False)

    mat = compare.matrix(hs)
    no_coip = tuple(o for o in JOINT if o != "C2 co-IP")
    comparison = compare.comparison(hs, JOINT)
    by_mechanism = compare.comparison(hs, BY_MECHANISM)
    # the later literature, reported apart: the same comparisons with its observations added
    with_lit = {
        "nature2012": (JOINT + LITERATURE),
        "by_mechanism": (BY_MECHANISM + LITERATURE),
    }

    # the posterior region of every model that survives an observation set: at least MIN_ACCEPTED
    # accepted points, from further prior draws when the main sample has too few (see _extend); a
    # model that does not survive, or has no accepted draw at all, keeps its main-sample count only
    t_post = time.perf_counter()
    for m in models:
        for key, comp in (("nature2012", comparison), ("by_mechanism", by_mechanism)):
            d = post[m][key]
            pts, accepted, extra_n = d["pts"].drop(columns="row"), d["accepted"], 0
            # a model with no accepted draw in the main sample has no rate to size a round by (its
            # survival is then only an upper bound): it is not topped up
            if (
                comp[m]["survives"]
                and 0 < accepted.sum() < compare.MIN_ACCEPTED
                and samples >= 1000
            ):
                extra, acc_x, extra_n = _extend(
                    m,
                    d["observations"],
                    int(accepted.sum()),
                    comp[m]["p"],
                    samples,
                    seed,
                    workers,
                    scheduler,
                    cache,
                    progress,
                )
                if extra_n:
                    pts = pd.concat([pts, extra[pts.columns]], ignore_index=True)
                    accepted = np.concatenate([accepted, acc_x])
            res = compare.posterior(pts, accepted, d["sampled"])
            res["draws"] = int(len(pts))
            res["extra_draws"] = int(extra_n)
            res["pair_parameters"] = d["own"]
            res["pair_sample"] = (
                _pair_sample(pts, accepted, d["own"])
                if accepted.sum() >= compare.MIN_ACCEPTED
                else {}
            )
            post[m][key] = res
            if (
                key == "by_mechanism"
            ):  # the next experiments run on every accepted point, topped up included
                pts_by[m], acc_by[m] = (tuple(pts.columns), pts.to_numpy()), accepted
    seconds_posterior = time.perf_counter() - t_post

    # prior sensitivity: every range halved or doubled in width (around its centre, clipped to valid
    # values)
    n_sens = sensitivity_samples if sensitivity_samples is not None else max(2, samples // 2)
    sensitivity: dict[str, Any] = {
        "samples": n_sens,
        "factors": [*SENSITIVITY],
        "nature2012": {},
        "by_mechanism": {},
    }
    if n_sens >= 2:
        sensitivity["by_mechanism_with_literature"] = {}
        for f in SENSITIVITY:
            hf = {}
            for m in models:
                ev_f, pts_f, _ = _evaluate(
                    m,
                    n_sens,
                    seed,
                    workers,
                    scheduler,
                    cache,
                    progress,
                    scale=f,
                    observations=JOINT,
                )
                hf[m] = _with_literature(_holds(ev_f), _points(m, pts_f))
            sensitivity["nature2012"][f"{f:g}"] = compare.comparison(hf, JOINT)
            sensitivity["by_mechanism"][f"{f:g}"] = compare.comparison(hf, BY_MECHANISM)
            sensitivity["by_mechanism_with_literature"][f"{f:g}"] = compare.comparison(
                hf, with_lit["by_mechanism"]
            )

    # the next experiment: among the models that survive the mechanism-only comparison (under the
    # whole Nature abstract only H0 survives, and there is nothing left to tell apart), on each
    # model's accepted
    # points
    alive = [m for m in models if by_mechanism[m]["survives"] or m == "H0"]
    prior = {m: by_mechanism[m]["p"] for m in alive}
    ranked = experiments.rank(
        prior, {m: (pts_by[m][0], pts_by[m][1][acc_by[m]], dict(VARIANTS[m].fixed)) for m in alive}
    )
    seconds = time.perf_counter() - t0
    summary: dict[str, Any] = {
        "models": {
            m: {
                "title": VARIANTS[m].title,
                "description": VARIANTS[m].description,
                "signature": VARIANTS[m].signature,
                "space": VARIANTS[m].describe(),
                "errors": errors[m],
            }
            for m in models
        },
        "observations": [
            {
                "id": o.id,
                "tier": o.tier,
                "tier_label": TIER_LABELS[o.tier],
                "claim": o.claim,
                "label": o.label,
                "conditions": list(o.conditions),
                "needs": list(o.needs),
                "experiment": o.experiment,
                "source": o.source,
            }
            for o in OBSERVATIONS
        ],
        "tiers": list(TIERS),
        "matrix": mat.to_dict(orient="records"),
        "by_observation": compare.verdicts_by_observation(mat),
        "joint_observations": list(JOINT),
        "comparison": comparison,
        "comparison_without_coip": {
            "observations": list(no_coip),
            "models": compare.comparison(hs, no_coip),
        },
        "comparison_by_mechanism": {"observations": list(BY_MECHANISM), "models": by_mechanism},
        "by_construction": by_construction(variants),
        "literature_observations": list(LITERATURE),
        "comparison_with_literature": {
            "observations": list(with_lit["nature2012"]),
            "models": compare.comparison(hs, with_lit["nature2012"]),
        },
        "comparison_by_mechanism_with_literature": {
            "observations": list(with_lit["by_mechanism"]),
            "models": compare.comparison(hs, with_lit["by_mechanism"]),
        },
        "literature_lenient": {
            "reading": (
                "CHZ868 GI50 fold under the C1 rule's persistence threshold "
                f"({LENIENT_TYPE2_BELOW:g}-fold): persistent cells are not persistent to CHZ868 by "
                "the book's own rule"
            ),
            "threshold": LENIENT_TYPE2_BELOW,
            "matrix": compare.matrix(alt_hs, LITERATURE).to_dict(orient="records"),
            "comparison_with_literature": compare.comparison(alt_hs, with_lit["nature2012"]),
            "comparison_by_mechanism_with_literature": compare.comparison(
                alt_hs, with_lit["by_mechanism"]
            ),
        },
        "type2_drivers": drivers,
        "posterior": post,
        "min_accepted": compare.MIN_ACCEPTED,
        "posterior_design": (
            "accepted points of the main sample, topped up to at least min_accepted for each "
            "surviving model by further independent prior draws in rounds (only the claims of the "
            f"observation set evaluated; at most {POSTERIOR_CAP:,} further draws per model and set)"
        ),
        "seconds_posterior": round(seconds_posterior, 1),
        "sensitivity": sensitivity,
        "next_experiments": {
            "models": alive,
            "prior": prior,
            "observations": list(BY_MECHANISM),
            "ranking": ranked,
            "now_observations": {o.experiment: o.id for o in OBSERVATIONS if o.experiment},
        },
        "rule_out_below": compare.RULE_OUT_BELOW,
        "survives_above": compare.SURVIVES_ABOVE,
        "samples": samples,
        "seed": seed,
        "mode": "fast (noise-free)",
        "design": "independent seeded uniform draws (log-uniform where marked) per model; Wilson "
        "95% intervals",
        "seconds": round(seconds, 1),
        "seconds_main": round(seconds_main, 1),
        "engine": "vectorised",
        "code_version": code_version(),
    }
    (out / "summary.json").write_text(
        json.dumps(summary, indent=1, allow_nan=True), encoding="utf-8"
    )
    return summary


def load(folder: Path | str = "data/rivals") -> tuple[dict[str, Any], pd.DataFrame]:
    """The shipped (or any) results: (summary, discrimination matrix as a table). Raises
    FileNotFoundError naming ``make rivals`` when the folder has no summary."""
    f = Path(folder) / "summary.json"
    if not f.is_file():
        raise FileNotFoundError(
            f"{f} not found: run `make rivals` (or `jakbook rivals --out {folder}`)"
        )
    s = json.loads(f.read_text(encoding="utf-8"))
    return s, pd.DataFrame(s["matrix"])
