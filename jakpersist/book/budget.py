"""Belief budgets: a short box per claim, generated from the robustness atlas's summary
(data/atlas/summary.json).

share of the plausible space supporting the verdict (95% interval), the assumptions it hinges on
(largest total Sobol' indices of the margin) and, for each, where along it the verdict flips.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..atlas.run import code_version
from ..claims.wording import format_share
from ..model.params import ALL_PARAMS
from .execute import ROOT
from .names import plain

ATLAS_DIR = ROOT / "data" / "atlas"
#: chapter -> the claims whose budgets it shows
CHAPTER_CLAIMS = {
    "c0_in_vivo": ("C0", "C5"),
    "c1_persistence": ("C1",),
    "c2_heterodimers": ("C2",),
    "c3_reversibility": ("C3", "C4"),
    "c6_jak2_dependence": ("C6", "C7"),
}


def load_summary(folder: Path = ATLAS_DIR) -> dict[str, Any] | None:
    """The atlas summary, or None when ``make atlas`` has not been run."""
    f = folder / "summary.json"
    return json.loads(f.read_text(encoding="utf-8")) if f.is_file() else None


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def hinges(s: dict[str, Any], claim: str, n: int = 3) -> list[tuple[str, float, float | None, str]]:
    """The ``n`` parameters with the largest total Sobol' index for ``claim``: (name, ST, tipping
    value or None, side of the default where it flips)."""
    c = s["claims"][claim]
    top = sorted(c["sobol_total"].items(), key=lambda kv: -kv[1])[:n]
    return [(k, v, c["tipping"].get(k), c.get("tipping_side", {}).get(k, "")) for k, v in top]


def budget_markdown(s: dict[str, Any] | None, claim: str) -> str:
    """The belief-budget box of one claim (MyST), or a note saying the atlas has not been run."""
    head = (
        f"```{{admonition}} Belief budget of {claim} (robustness atlas, model)\n:class: seealso\n"
    )
    if s is None or claim not in s.get("claims", {}):
        return (
            head
            + "The robustness atlas has not been computed for this claim (`make atlas`).\n```\n"
        )
    c = s["claims"][claim]
    lines = [
        f"Across the **plausible** range of every model parameter ({s['samples']}-point Sobol' "
        "design, "
        f"noise-free model), the verdict holds in **{format_share(c['share'])}** of the space (95% "
        "interval "
        f"{format_share(c['share_lo'])} to {format_share(c['share_hi'])}). It hinges most on:",
        "",
    ]
    for name, st, tip, side in hinges(s, claim):
        p = ALL_PARAMS[name]
        unit = (
            f" {p.unit}"
            if p.unit and p.unit not in ("1", "fold")
            else ("-fold" if p.unit == "fold" else "")
        )
        where = (
            f"flips at {_num(tip)}{unit} ({'below' if side == 'below' else 'above'} the default "
            f"{_num(float(p.default))}{unit})"
            if tip is not None
            else "never flips within its plausible range "
            "with the other parameters at their defaults"
        )
        lines.append(
            f"- {plain(name)} (total Sobol' index {st:.2f}; plausible {_num(p.plausible[0])} to "
            f"{_num(p.plausible[1])}{unit}; {p.plausible_why}): {where}"
        )
    stale = s.get("code_version") != code_version()
    lines += [
        "",
        "Details, method and the joint region of all claims: {doc}`r1_robustness`."
        + (
            " **These atlas numbers were computed with an earlier version of the model or rules; "
            "run "
            "`make atlas` to refresh them.**"
            if stale
            else ""
        ),
    ]
    return head + "\n".join(lines) + "\n```\n"


def pages(folder: Path = ATLAS_DIR) -> dict[str, str]:
    """Generated includes: ``budget/<chapter>.md`` for every claim chapter."""
    s = load_summary(folder)
    return {
        f"budget/{ch}.md": "\n".join(budget_markdown(s, c) for c in cs)
        for ch, cs in CHAPTER_CLAIMS.items()
    }


def built_in_conditions(s: dict[str, Any] | None) -> dict[str, list[str]]:
    """Per claim of the atlas summary ``s``, the rule conditions built into this model: they fail
    nowhere in the atlas's base sample *and* nowhere in the harder search of
    :func:`jakpersist.book.builtin.search` (the atlas's points, corners of the plausible box, seeded
    random draws; a point where a value could not be computed is undefined, not a failure). ``s``:
    the atlas summary (:func:`load_summary`); {} when there is none."""
    from .builtin import built_in_conditions as searched

    found = searched()
    out: dict[str, list[str]] = {}
    for c, r in ((s or {}).get("claims") or {}).items():
        names = [
            n
            for n, d in (r.get("conditions") or {}).items()
            if d["fails"] == 0 and n in found.get(c, [])
        ]
        if names:
            out[c] = names
    return out


def condition_failure_table(
    s: dict[str, Any] | None, built_in: dict[str, dict[str, str]] | None = None
) -> Any:
    """Which condition of each claim's rule fails where: one row per (claim, condition) with the
    share of the plausible space where it fails on a computed value, where it is the *only* failing
    condition, where it is undefined (its value could not be computed), and whether it is built into
    this model (fails nowhere in the atlas nor in the search of
    :func:`jakpersist.book.builtin.search`).

    ``built_in``: the registry's tags (claim -> {condition: reason}); the reason is shown for tagged
    conditions. Returns a pandas DataFrame (empty when the atlas has no per-condition results: run
    ``make atlas``).
    """
    import pandas as pd

    from .builtin import search

    rows = []
    never_fails = built_in_conditions(s)
    found = search()[0]
    for c, r in ((s or {}).get("claims") or {}).items():
        for n, d in (r.get("conditions") or {}).items():
            never = n in never_fails.get(c, [])
            reason = ((built_in or {}).get(c) or {}).get(n, "")
            searched = found.get((c, n))
            rows.append(
                {
                    "claim": c,
                    "condition": n,
                    "fails in": f"{d['fails']:.0%}",
                    "only failing condition in": f"{d['fails_alone']:.0%}",
                    "undefined in": f"{d['undefined']:.0%}",
                    "built into this model": ("yes: " + reason)
                    if never and reason
                    else "yes"
                    if never
                    else (
                        f"no: held at every atlas point but failed at {searched.n_failed:,} of the "
                        f"{searched.n_points:,} points searched"
                        if d["fails"] == 0 and searched is not None and searched.n_failed
                        else ""
                    ),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "claim",
            "condition",
            "fails in",
            "only failing condition in",
            "undefined in",
            "built into this model",
        ],
    )


def in_vivo_tension(folder: Path = ATLAS_DIR) -> dict[str, float]:
    """Two numbers the in-vivo sketch should be read with, from the shipped atlas's base points:

    - ``clone_rises``: share of the plausible space where the mutant fraction *rises* under the JAK2
      inhibitor (C0's ``clone_kept`` above 1, i.e. its margin above 1 in units of the 0.5
      threshold);
    - ``c0_given_c1``: share of the points where C1's rule holds in which C0's rule holds too (the
      tension between persistence and spleen response), and ``c0_overall`` its share over all
      points.

    Returns {} when the atlas has no per-condition results (run ``make atlas``)."""
    import pandas as pd

    f = folder / "points.parquet"
    if not f.is_file():
        return {}
    p = pd.read_parquet(f)
    col = "cond:C0:clone_kept"
    if col not in p or "C1" not in p or "C0" not in p:
        return {}
    c1 = p["C1"].astype(bool)
    return {
        "clone_rises": float((p[col] > 1.0).mean()),
        "c0_given_c1": float(p.loc[c1, "C0"].astype(bool).mean()) if c1.any() else float("nan"),
        "c0_overall": float(p["C0"].astype(bool).mean()),
        "n_c1": int(c1.sum()),
        "n": int(len(p)),
    }


def escape_window(*, trans_gating: float = 0.0, n_grid: int = 241) -> dict[str, float]:
    """Where, along ``hetero_advantage``'s plausible range (every other parameter at its default,
    ``trans_gating`` as given), the in-vivo illustration C0 and persistence C1 hold: the C0-C1
    tension as numbers, computed with the vectorised fast mode
    (:func:`jakpersist.claims.vectorised.evaluate_many`).

    Returns ``lo`` / ``hi`` (the plausible range), ``c1_from`` (smallest advantage where C1's rule
    holds), ``c0_from`` (smallest where C0's rule holds), ``c0_to`` (the advantage above which C0's
    rule fails again: its spleen condition crosses its threshold, found by bisection, Brent's method
    in SciPy; NaN when C0 holds up to the top) and ``spleen_top``, C0's spleen index at the top of
    the range (fraction of its start; the rule needs at most 0.5). Grid: ``n_grid`` log-spaced
    values.
    """
    import numpy as np
    from scipy.optimize import brentq

    from ..atlas.space import default_space
    from ..claims.vectorised import evaluate_many

    sp = default_space(("hetero_advantage",))
    lo, hi = sp.lo[0], sp.hi[0]
    h = np.geomspace(lo, hi, n_grid)
    fixed = {"trans_gating": trans_gating}
    r = evaluate_many(h[:, None], ("hetero_advantage",), ("C0", "C1"), fixed=fixed)
    c0, c1 = r["C0"].verdict, r["C1"].verdict

    def spleen_margin(x: float) -> float:
        return float(
            evaluate_many(np.array([[x]]), ("hetero_advantage",), ("C0",), fixed=fixed)[
                "C0"
            ].conditions["spleen_end"][0][0]
        )

    c0_to = float("nan")
    if c0.any() and not c0[-1]:
        last = int(np.where(c0)[0][-1])
        c0_to = float(brentq(spleen_margin, h[last], h[last + 1], xtol=1e-6))
    return {
        "lo": float(lo),
        "hi": float(hi),
        "c1_from": float(h[c1][0]) if c1.any() else float("nan"),
        "c0_from": float(h[c0][0]) if c0.any() else float("nan"),
        "c0_to": c0_to,
        "spleen_top": float(r["C0"].metrics["c0_spleen_end"][-1]),
    }
