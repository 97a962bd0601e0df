"""Computed in the book build for the claims page: each registered counterfactual's *observed*
verdict (the claim function run in its full, noisy mode with the counterfactual's parameters) and
each verdict's stability across seeds with the chapter's default design.

Both use the same claim functions as the chapters, in worker processes (2 by default).
"""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..claims import QUICK_CLAIMS, evaluate
from ..claims.wording import describe_verdict, stored_verdict
from .names import PLAIN_NAMES, plain

SEEDS = (1, 2, 3, 4, 5)


def evaluate_job(job: tuple[str, dict[str, Any], int | None]) -> dict[str, Any]:
    """One (claim, parameters, seed) evaluation as a table row: the verdict stored by
    :func:`jakpersist.claims.wording.stored_verdict` (None when undefined) and its wording."""
    cid, params, seed = job
    try:
        r = evaluate(cid, params, seed=seed)
        w = describe_verdict(cid, r)
        return {
            "claim": cid,
            "params": params,
            "seed": seed,
            "verdict": stored_verdict(r),
            "margin": r.margin,
            "error": "",
            "undefined": w.kind == "undefined",
            "short": w.short,
            "outcome": w.outcome,
            "noise_free": noise_free_deciders(r),
        }
    except Exception as e:  # noqa: BLE001 - recorded and shown on the page, never hidden
        return {
            "claim": cid,
            "params": params,
            "seed": seed,
            "verdict": None,
            "margin": float("nan"),
            "error": f"{type(e).__name__}: {e}"[:200],
            "undefined": False,
            "short": "error",
            "outcome": "error",
            "noise_free": False,
        }


def noise_free_deciders(result: Any) -> bool:
    """Whether the condition that sets the margin is computed without noise (every metric it reads
    is a noise-free model read-out, e.g. C1's pSTAT5 or the in-vivo sketch), so its margin is the
    same for every seed. Judged from the result: the closest condition's value does not depend on
    the random stream when the claim's noisy read-outs are not among its conditions; here, by name
    (see ``NOISE_FREE``)."""
    if not result.conditions:
        return False
    closest = min(result.conditions, key=lambda c: c.margin)
    return closest.name in NOISE_FREE.get(result.claim, ())


#: Conditions computed from noise-free model read-outs (no simulated wells, blots or qPCR), per
#: claim.
NOISE_FREE = {
    "C1": ("retained_pstat5",),
    "C0": ("spleen_end", "symptom_end", "clone_kept"),
    "C5": ("share_fold", "pstat5_end"),
    "G1": ("percentile_ruxolitinib", "percentile_TG101348 (fedratinib)"),
}


def compute(claims: list[Any], workers: int = 2, seeds: tuple[int, ...] = SEEDS) -> dict[str, Any]:
    """Observed counterfactual verdicts and seed stability for every registry claim that has a claim
    function (``claims``: :class:`jakpersist.book.registry.Claim` objects). Returns a JSON-ready
    dict."""
    jobs: list[tuple[str, dict[str, Any], int | None]] = []
    for c in claims:
        if c.id not in QUICK_CLAIMS:
            continue
        jobs += [(c.id, dict(cf.parameters), None) for cf in c.counterfactuals]
        jobs += [(c.id, {}, s) for s in seeds]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(evaluate_job, jobs))
    else:
        results = [evaluate_job(j) for j in jobs]
    out: dict[str, Any] = {
        "seeds": list(seeds),
        "claims": {},
        "not_run": [c.id for c in claims if c.id not in QUICK_CLAIMS and c.counterfactuals],
    }
    for c in claims:
        if c.id not in QUICK_CLAIMS:
            continue
        rs = [r for r in results if r["claim"] == c.id]
        cfs = [r for r in rs if r["seed"] is None]
        st = [r for r in rs if r["seed"] is not None]
        out["claims"][c.id] = {
            "counterfactuals": [
                {**r, "expected": cf.expect, "expected_undefined": cf.undefined}
                for r, cf in zip(cfs, c.counterfactuals, strict=False)
            ],
            **seed_support(st),
            "seeds": st,
        }
    return out


def seed_support(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Seed support counted over the *defined* seeds only: a run whose verdict is undefined (stored
    None by :func:`jakpersist.claims.wording.stored_verdict`) or that stopped with an error neither
    holds nor fails.

    Returns ``seed_holds`` (k), ``seed_defined`` (n), ``seed_undefined``, ``seed_errors`` and
    ``seed_support`` (k / n; NaN when no seed is defined)."""
    defined = [r for r in runs if not r.get("error") and r.get("verdict") is not None]
    k = sum(r["verdict"] is True for r in defined)
    return {
        "seed_holds": k,
        "seed_defined": len(defined),
        "seed_undefined": sum(not r.get("error") and r.get("verdict") is None for r in runs),
        "seed_errors": sum(bool(r.get("error")) for r in runs),
        "seed_support": k / len(defined) if defined else float("nan"),
    }


def support_text(d: dict[str, Any]) -> str:
    """ "k of n defined seeds" (with the undefined and failed runs named), as the claims page says
    it."""
    n_all = d["seed_defined"] + d["seed_undefined"] + d["seed_errors"]
    text = f"{d['seed_holds']} of {d['seed_defined']} defined seeds"
    extra = (
        [f"{d['seed_undefined']} of {n_all} undefined, neither holding nor failing"]
        if d["seed_undefined"]
        else []
    )
    extra += [f"{d['seed_errors']} stopped with an error"] if d["seed_errors"] else []
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _margin(m: float) -> str:
    """A margin for the page; -inf (the deciding quantity could not be computed at all) said in
    words."""
    if m == float("-inf"):
        return "no value: the deciding quantity could not be computed"
    return f"{m:+.2f}"


def _observed(r: dict[str, Any]) -> str:
    if r["error"]:
        return "error: " + r["error"]
    if r.get("undefined"):
        return "**undefined** (the deciding quantity could not be computed; not a flip)"
    short = r.get("short") or ("rule holds" if r["verdict"] else "rule does not hold")
    return f"{short} ({_margin(r['margin'])})"


def _expected(r: dict[str, Any]) -> str:
    if r.get("expected_undefined"):
        return "undefined"
    return "rule holds" if r["expected"] else "rule does not hold"


def _as_expected(r: dict[str, Any]) -> bool:
    if r["error"]:
        return False
    if r.get("expected_undefined"):
        return bool(r.get("undefined"))
    return not r.get("undefined") and bool(r["verdict"]) is r["expected"]


def markdown(data: dict[str, Any]) -> str:
    """The claims page section: a table per claim of counterfactual outcomes (undefined shown as
    such, never counted as a flip) and the seed-stability share."""
    ran = list(data["claims"])
    not_run = data.get("not_run") or []
    lines = [
        f"Run in this build: the counterfactuals of {', '.join(ran)}."
        + (
            f" Not run here: those of {', '.join(not_run)} (slow or network-bound claim functions; "
            "the test "
            "suite, `tests/test_claims.py`, runs them through their chapters)."
            if not_run
            else ""
        ),
        "",
        "| claim | counterfactual | expected | observed in this build (margin) | as expected? |",
        "|---|---|---|---|---|",
    ]
    for cid, d in data["claims"].items():
        for r in d["counterfactuals"]:
            params = ", ".join(
                f"{plain(k, code=False)} (`{k}`) = {v}" if k in PLAIN_NAMES else f"`{k}={v}`"
                for k, v in r["params"].items()
            )
            ok = "yes" if _as_expected(r) else "**no**"
            lines.append(
                f"| {cid} counterfactual | {params} | {_expected(r)} | {_observed(r)} | {ok} |"
            )
    lines += [
        "",
        "Margins are in the units of each rule's closest condition (log2 of a fold for folds and p "
        "values, "
        "fractions of the threshold otherwise).",
        "",
        "Stability across seeds (default parameters and design, seeds "
        f"{', '.join(map(str, data['seeds']))}):",
        "",
        "| claim | seeds where the rule holds | margins | why the margins vary or not |",
        "|---|---|---|---|",
    ]
    for cid, d in data["claims"].items():
        ms = ", ".join(_margin(r["margin"]) for r in d["seeds"])
        same = len({r["margin"] for r in d["seeds"]}) == 1
        nf = all(r.get("noise_free") for r in d["seeds"]) if d["seeds"] else False
        why = (
            "identical: the deciding quantity is computed without noise (a noise-free model "
            "read-out or fixed "
            "public data), so the seed cannot change it"
            if same and nf
            else "identical across these seeds"
            if same
            else "the simulated noise differs by seed"
        )
        lines.append(f"| {cid}, {len(d['seeds'])} seeds | {support_text(d)} | {ms} | {why} |")
    return "\n".join(lines) + "\n"


def write(folder: Path, claims: list[Any], workers: int = 2) -> list[Path]:
    """Write ``stability.json`` and ``stability.md`` into ``folder``; returns the paths."""
    data = compute(claims, workers)
    folder.mkdir(parents=True, exist_ok=True)
    j, m = folder / "stability.json", folder / "stability.md"
    j.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    m.write_text(markdown(data), encoding="utf-8")
    return [j, m]
