"""Computed in the book build for the claims page: each registered counterfactual's *observed* verdict (the claim
function run in its full, noisy mode with the counterfactual's parameters) and each verdict's stability across
seeds with the chapter's default design.

Both use the same claim functions as the chapters, in worker processes (2 by default).
"""
from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..claims import CLAIMS

SEEDS = (1, 2, 3, 4, 5)


def _one(job: tuple[str, dict[str, Any], int | None]) -> dict[str, Any]:
    cid, params, seed = job
    try:
        r = CLAIMS[cid].fn(params, seed, None, "full")
        return {"claim": cid, "params": params, "seed": seed, "verdict": r.verdict, "margin": r.margin, "error": ""}
    except Exception as e:  # noqa: BLE001 - recorded and shown on the page, never hidden
        return {"claim": cid, "params": params, "seed": seed, "verdict": None, "margin": float("nan"),
                "error": f"{type(e).__name__}: {e}"[:200]}


def compute(claims: list[Any], workers: int = 2, seeds: tuple[int, ...] = SEEDS) -> dict[str, Any]:
    """Observed counterfactual verdicts and seed stability for every registry claim that has a claim function
    (``claims``: :class:`jakpersist.book.registry.Claim` objects). Returns a JSON-ready dict."""
    jobs: list[tuple[str, dict[str, Any], int | None]] = []
    for c in claims:
        if c.id not in CLAIMS:
            continue
        jobs += [(c.id, dict(cf.parameters), None) for cf in c.counterfactuals]
        jobs += [(c.id, {}, s) for s in seeds]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_one, jobs))
    else:
        results = [_one(j) for j in jobs]
    out: dict[str, Any] = {"seeds": list(seeds), "claims": {}}
    for c in claims:
        if c.id not in CLAIMS:
            continue
        rs = [r for r in results if r["claim"] == c.id]
        cfs = [r for r in rs if r["seed"] is None]
        st = [r for r in rs if r["seed"] is not None]
        out["claims"][c.id] = {
            "counterfactuals": [{**r, "expected": cf.expect} for r, cf in zip(cfs, c.counterfactuals)],
            "seed_support": sum(bool(r["verdict"]) for r in st) / len(st) if st else float("nan"),
            "seeds": st,
        }
    return out


def _margin(m: float) -> str:
    """A margin for the page; -inf (the deciding quantity could not be computed at all) said in words."""
    if m == float("-inf"):
        return "no value: the deciding quantity could not be computed"
    return f"{m:+.2f}"


def markdown(data: dict[str, Any]) -> str:
    """The claims page section: a table per claim of counterfactual verdicts and the seed-stability share."""
    lines = ["| claim | counterfactual | expected | observed in this build (margin) | as expected? |",
             "|---|---|---|---|---|"]
    for cid, d in data["claims"].items():
        for r in d["counterfactuals"]:
            params = ", ".join(f"`{k}={v}`" for k, v in r["params"].items())
            obs = ("error: " + r["error"]) if r["error"] else (
                f"{'supported' if r['verdict'] else 'not supported'} ({_margin(r['margin'])})")
            ok = "yes" if r["verdict"] is r["expected"] else "**no**"
            lines.append(f"| {cid} counterfactual | {params} | {'supported' if r['expected'] else 'not supported'} | {obs} | {ok} |")
    lines += ["", "Margins are in the units of each rule's closest condition (log2 of a fold for folds and p values, "
              "fractions of the threshold otherwise).", "",
              f"Stability across seeds (default parameters and design, seeds {', '.join(map(str, data['seeds']))}):",
              "", "| claim | share of seeds giving \"supported\" | margins |", "|---|---|---|"]
    for cid, d in data["claims"].items():
        ms = ", ".join(_margin(r["margin"]) for r in d["seeds"])
        lines.append(f"| {cid}, 5 seeds | {d['seed_support']:.0%} | {ms} |")
    return "\n".join(lines) + "\n"


def write(folder: Path, claims: list[Any], workers: int = 2) -> list[Path]:
    """Write ``stability.json`` and ``stability.md`` into ``folder``; returns the paths."""
    data = compute(claims, workers)
    folder.mkdir(parents=True, exist_ok=True)
    j, m = folder / "stability.json", folder / "stability.md"
    j.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    m.write_text(markdown(data), encoding="utf-8")
    return [j, m]
