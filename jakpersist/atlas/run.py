"""Evaluate the claims over a design, in chunks, serially or on Dask, with an on-disk Parquet cache.

The cache key is made of the code version (a digest of the model, claims and atlas sources), the
plausible ranges and the design (claims, samples, seed, mode). Each finished chunk is one Parquet
file, so an interrupted run resumes where it stopped and a repeated run (the book build) reads the
results back.
"""

from __future__ import annotations

import hashlib
import io
import math
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from ..claims import CLAIMS, c0_in_vivo, c3_reversibility, c6_jak2_dependence, evaluate
from ..model.params import ALL_PARAMS
from .space import Space

PKG = Path(__file__).resolve().parents[1]

#: chapter runners: one call evaluates every claim of a chapter on the same simulated experiment
RUNNERS: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "c0": (lambda p, m: c0_in_vivo.run(p, mode=m), ("C0", "C5")),
    "c1": (lambda p, m: {"C1": evaluate("C1", p, mode=m)}, ("C1",)),
    "c2": (lambda p, m: {"C2": evaluate("C2", p, mode=m)}, ("C2",)),
    "c3": (lambda p, m: c3_reversibility.run(p, mode=m), ("C3", "C4")),
    "c6": (lambda p, m: c6_jak2_dependence.run(p, mode=m), ("C6", "C7")),
    "c8": (lambda p, m: {"C8": evaluate("C8", p, mode=m)}, ("C8",)),
}
#: claims the atlas can evaluate (every model claim; public-data checks have no model parameters)
ATLAS_CLAIMS: tuple[str, ...] = tuple(c for _, (_, cs) in RUNNERS.items() for c in cs)


#: Sources of the claims layer that decide no atlas margin: the verdict wording and the public-data
#: checks, which the atlas does not evaluate (editing them must not make the shipped atlas stale).
WORDING_ONLY = frozenset({"wording.py", "t1_transcriptome.py", "h1_hts007.py", "g1_gdsc.py"})


def code_version() -> str:
    """Digest of the sources that decide a fast-mode margin (model, claims, atlas)."""
    h = hashlib.sha256()
    for sub in ("model", "claims", "atlas"):
        for f in sorted((PKG / sub).glob("*.py")):
            if f.name in WORDING_ONLY:
                continue  # decides no atlas margin
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def check_claims(claims: Iterable[str]) -> tuple[str, ...]:
    """Validated claim ids; raises ValueError naming the valid ones."""
    claims = tuple(claims)
    bad = [c for c in claims if c not in ATLAS_CLAIMS]
    if bad:
        raise ValueError(
            f"the atlas cannot evaluate {', '.join(bad)}; valid: {', '.join(ATLAS_CLAIMS)}"
            + (
                " (G1, H1 and C1-T are public-data checks with no model parameters)"
                if any(c in CLAIMS for c in bad)
                else ""
            )
        )
    return claims


#: Column prefix of a rule condition's margin in the evaluation records ("cond:<condition name>").
COND = "cond:"
#: Column prefix of whether a rule condition passed ("ok:<condition name>").
PASSED = "ok:"


def condition_margins(result: Any) -> dict[str, Any]:
    """Each rule condition's margin as ``{"cond:<name>": margin}``, whether it passed as
    ``{"ok:<name>": bool}``, plus ``"conditions"`` (their names, comma-separated). The margin is nan
    where the condition's value could not be computed (undefined), so that nan means undefined and
    -inf a real failure (e.g. a fold of 0)."""
    out: dict[str, Any] = {"conditions": ",".join(c.name for c in result.conditions)}
    for c in result.conditions:
        v = c.value
        undefined = v is None or (isinstance(v, float) and math.isnan(v))
        out[COND + c.name] = float("nan") if undefined else float(c.margin)
        out[PASSED + c.name] = bool(c.passed)
    return out


def evaluate_rows(
    values: np.ndarray,
    names: tuple[str, ...],
    claims: tuple[str, ...],
    *,
    mode: str = "fast",
    fixed: dict[str, Any] | None = None,
    detail: bool | tuple[str, ...] = False,
) -> list[dict]:
    """Evaluate ``claims`` at each row of ``values`` (shape (n, k), columns ``names``).

    Returns one record per (row, claim): row, claim, margin, verdict, undefined, and per condition
    of the claim's rule its margin and whether it passed (:func:`condition_margins`); a failing
    evaluation is recorded with margin -inf, verdict False and its error, never raised. ``fixed``
    adds run settings (e.g. n_replicates). ``detail=True`` adds the numeric metrics as ``x:<key>``
    (what the rival-model comparison reads); a tuple of metric names adds those only.
    """
    out = []
    groups = [(g, fn, [c for c in cs if c in claims]) for g, (fn, cs) in RUNNERS.items()]
    groups = [g for g in groups if g[2]]
    for i, row in enumerate(np.atleast_2d(values)):
        params = {
            **(fixed or {}),
            **{
                n: int(v) if ALL_PARAMS[n].type is int else float(v)
                for n, v in zip(names, row, strict=False)
            },
        }
        for _, fn, cs in groups:
            try:
                res = fn(params, mode)
                for c in cs:
                    rec = {
                        "row": i,
                        "claim": c,
                        "margin": float(res[c].margin),
                        "verdict": bool(res[c].verdict),
                        "undefined": bool(res[c].undefined),
                        "error": "",
                        **condition_margins(res[c]),
                    }
                    if detail:
                        rec.update(
                            {
                                f"x:{k}": float(v)
                                for k, v in res[c].metrics.items()
                                if isinstance(v, (int, float))
                                and not isinstance(v, bool)
                                and (detail is True or k in detail)
                            }
                        )
                    out.append(rec)
            except Exception as e:  # noqa: BLE001 - one failing point must not lose the run; it is recorded
                for c in cs:
                    out.append(
                        {
                            "row": i,
                            "claim": c,
                            "margin": -np.inf,
                            "verdict": False,
                            "undefined": False,
                            "error": f"{type(e).__name__}: {e}"[:200],
                        }
                    )
    return out


#: How a chunk is evaluated: "per-point" (one claim function call per point: :func:`evaluate_rows`;
#: in fast mode each call is the vectorised engine at one point) or "vectorised" (every point of
#: the chunk at once: :mod:`jakpersist.claims.vectorised`, fast mode only).
ENGINES = ("per-point", "vectorised")


def _chunk_task(
    start: int,
    values: np.ndarray,
    names: tuple[str, ...],
    claims: tuple[str, ...],
    mode: str,
    fixed: dict[str, Any] | None,
    detail: bool | tuple[str, ...] = False,
    engine: str = "per-point",
) -> pd.DataFrame:
    if engine == "vectorised":
        from ..claims.vectorised import evaluation_records

        try:
            df = evaluation_records(values, names, claims, fixed=fixed, detail=detail)
            df["row"] += start
            return df
        except Exception:  # noqa: BLE001 - a point the arrays cannot take: this chunk point by point (errors kept)
            pass
    df = pd.DataFrame(evaluate_rows(values, names, claims, mode=mode, fixed=fixed, detail=detail))
    df["row"] += start
    return df


def _chunk_kept(keep: Callable[[pd.DataFrame], pd.DataFrame] | None, *args: Any) -> pd.DataFrame:
    """:func:`_chunk_task`, reduced by ``keep`` (see :func:`run_design`) when given."""
    df = _chunk_task(*args)
    return df if keep is None else keep(df)


def _chunk_parquet(keep: Callable[[pd.DataFrame], pd.DataFrame] | None, *args: Any) -> bytes:
    """:func:`_chunk_kept` with its table encoded as Parquet where it ran (a Dask worker), so that
    the client only writes the bytes to the cache: the encoding, about as costly as evaluating a
    chunk with the vectorised engine, is then spread over the workers instead of queued in the
    client."""
    buf = io.BytesIO()
    _chunk_kept(keep, *args).to_parquet(buf, index=False)
    return buf.getvalue()


def run_design(
    values: np.ndarray,
    space: Space,
    claims: tuple[str, ...],
    *,
    cache_dir: Path,
    mode: str = "fast",
    workers: int = 0,
    scheduler: str | None = None,
    chunk: int = 64,
    fixed: dict[str, Any] | None = None,
    progress: bool = True,
    detail: bool | tuple[str, ...] = False,
    label: str = "atlas",
    engine: str = "per-point",
    keep: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Evaluate every row of ``values`` (shape (n, k)) for ``claims``; returns one row per
    evaluation (or what ``keep`` keeps of them).

    ``workers=0`` runs serially in this process; ``workers>0`` starts a
    ``dask.distributed.LocalCluster`` with that many single-threaded worker processes;
    ``scheduler="tcp://HOST:PORT"`` uses an existing cluster (jakpersist must be importable on its
    workers). Results are identical whichever path runs them. Finished chunks are cached as
    ``cache_dir/chunk-<start>.parquet`` and reused. ``detail``: see :func:`evaluate_rows`;
    ``label``: the progress bar's name; ``engine``: see :data:`ENGINES` (the vectorised engine needs
    ``mode="fast"``). ``keep``: a function applied to each chunk's records where the chunk is
    evaluated (a Dask worker, or this process), before caching; the cache and the returned table
    then hold its output, chunk after chunk (a caller that needs a summary per point only, such as
    the rival comparison, then moves and stores much less; it must be importable on the workers and
    give the same output for the same records; a cache directory must always be used with the same
    ``keep``). Raises ValueError for an unknown engine.
    """
    if engine not in ENGINES or (engine == "vectorised" and mode != "fast"):
        raise ValueError(
            f"engine must be one of {', '.join(ENGINES)} (vectorised: fast mode only), got "
            f"{engine!r}"
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    starts = list(range(0, len(values), chunk))
    todo = [s for s in starts if not (cache_dir / f"chunk-{s:07d}.parquet").is_file()]
    done0 = len(starts) - len(todo)
    t0 = time.perf_counter()

    def save(s: int, df: pd.DataFrame | bytes) -> None:
        tmp = cache_dir / f".chunk-{s:07d}.parquet.partial"
        if isinstance(df, bytes):  # encoded by the worker (:func:`_chunk_parquet`)
            tmp.write_bytes(df)
        else:
            df.to_parquet(tmp, index=False)
        tmp.replace(
            cache_dir / f"chunk-{s:07d}.parquet"
        )  # atomic: a half-written chunk never counts

    def report(k: int) -> None:
        if progress:
            el = time.perf_counter() - t0
            bar = "#" * int(30 * (done0 + k) / len(starts))
            print(
                f"\r[{label}] [{bar:<30}] {done0 + k}/{len(starts)} chunks, {el:5.1f} s",
                end="",
                file=sys.stderr,
                flush=True,
            )

    if todo and (workers > 0 or scheduler):
        from dask.distributed import Client, LocalCluster, as_completed

        cluster = (
            None
            if scheduler
            else LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        )
        with Client(scheduler or cluster) as client:
            futs = {
                client.submit(
                    _chunk_parquet,
                    keep,
                    s,
                    values[s : s + chunk],
                    space.names,
                    claims,
                    mode,
                    fixed,
                    detail,
                    engine,
                    pure=False,
                ): s
                for s in todo
            }
            for k, fut in enumerate(as_completed(futs), 1):
                save(futs[fut], fut.result())
                report(k)
        if cluster is not None:
            cluster.close()
    else:
        for k, s in enumerate(todo, 1):
            save(
                s,
                _chunk_kept(
                    keep,
                    s,
                    values[s : s + chunk],
                    space.names,
                    claims,
                    mode,
                    fixed,
                    detail,
                    engine,
                ),
            )
            report(k)
    if progress and todo:
        print(file=sys.stderr)
    return pd.concat(
        [pd.read_parquet(cache_dir / f"chunk-{s:07d}.parquet") for s in starts], ignore_index=True
    )
