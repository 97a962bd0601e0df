"""Re-run a chapter over several seeds (in parallel) and tabulate what it glued, one row per seed.

Used by ``jakbook sweep CHAPTER --set NAME=VALUE --seeds 1-10 [--workers N]`` and by the assignment
builder (:mod:`jakpersist.book.assign`) to compute the answers of exercises that ask about stability
across seeds.

Each run is a papermill execution of the chapter (the same path as ``jakbook run``) in its own
kernel; runs are spread over worker processes with :class:`concurrent.futures.ProcessPoolExecutor`
(standard library). A chapter is one kernel per run, so processes, not threads, are the unit of
parallelism.
"""

from __future__ import annotations

import re
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from . import execute as ex


def parse_seeds(text: str) -> list[int]:
    """``"1-10"``, ``"1,2,7"`` or ``"1-3,10"`` -> a sorted list of distinct seeds.

    Raises ValueError naming the bad part (for example ``"3-1"`` or ``"a"``).
    """
    seeds: set[int] = set()
    for part in [p.strip() for p in str(text).split(",") if p.strip()]:
        m = re.fullmatch(r"(-?\d+)\s*-\s*(-?\d+)", part)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if hi < lo:
                raise ValueError(f"--seeds: range {part!r} runs backwards; write it as {hi}-{lo}")
            seeds.update(range(lo, hi + 1))
        elif re.fullmatch(r"-?\d+", part):
            seeds.add(int(part))
        else:
            raise ValueError(f"--seeds: {part!r} is not a seed or a range such as 1-10")
    if not seeds:
        raise ValueError("--seeds: no seed given (example: --seeds 1-10)")
    return sorted(seeds)


def run_once(
    chapter: str,
    parameters: dict[str, Any],
    cwd: str | Path | None = None,
    *,
    keep: str | Path | None = None,
) -> dict[str, Any]:
    """Execute ``chapter`` once with ``parameters``; return its glued values.

    ``keep``: a path to write the executed notebook to (default: a temporary file, removed
    afterwards). The cells that compute the exercises' answers are left out (a run carries no
    answer). Raises whatever papermill raises when a cell fails (the caller reports it).
    """
    src = ex.chapter_source(chapter)
    if keep:
        ex.execute(src, keep, parameters, cwd=cwd, solutions=False)
        return ex.glued_values(keep)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{chapter}.ipynb"
        ex.execute(src, out, parameters, cwd=cwd, solutions=False)
        return ex.glued_values(out)


def _one(args: tuple[str, dict[str, Any], str | None]) -> dict[str, Any]:
    chapter, params, cwd = args
    try:
        return {"ok": True, "values": run_once(chapter, params, cwd)}
    except Exception as exc:  # reported per seed in the table, not as a traceback
        ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
        return {"ok": False, "error": f"{ename}: {evalue}".splitlines()[0][:200]}


def run_many(
    chapter: str,
    parameter_sets: list[dict[str, Any]],
    workers: int = 2,
    *,
    cwd: str | Path | None = None,
) -> list[dict[str, Any]]:
    """Run ``chapter`` once per parameter set, ``workers`` at a time; results in the order given.

    Each result is ``{"ok": True, "values": {...glued...}}`` or ``{"ok": False, "error": "..."}``.
    """
    jobs = [(chapter, dict(p), str(cwd) if cwd else None) for p in parameter_sets]
    if workers <= 1 or len(jobs) == 1:
        return [_one(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_one, jobs))


def sweep(
    chapter: str,
    parameters: dict[str, Any],
    seeds: list[int],
    *,
    workers: int = 2,
    cwd: str | Path | None = None,
):
    """Run ``chapter`` with ``parameters`` once per seed; a table (pandas DataFrame) of glued
    values.

    Columns: ``seed``, ``status`` ("ok" or the error), then every scalar glued value (figures and
    tables are left out). Raises ValueError if the chapter has no ``seed`` parameter.
    """
    import pandas as pd

    declared = ex.parameters_of(ex.chapter_source(chapter))
    if "seed" not in declared:
        raise ValueError(
            f"chapter {chapter} has no 'seed' parameter: a seed sweep would repeat one run"
        )
    results = run_many(chapter, [{**parameters, "seed": s} for s in seeds], workers, cwd=cwd)
    rows = []
    for s, r in zip(seeds, results, strict=False):
        row: dict[str, Any] = {"seed": s, "status": "ok" if r["ok"] else r["error"]}
        for k, v in (r.get("values") or {}).items():
            if isinstance(v, (int, float, str, bool)) or v is None:
                row[k] = v
        rows.append(row)
    return pd.DataFrame(rows)
