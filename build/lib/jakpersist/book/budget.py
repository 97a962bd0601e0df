"""Belief budgets: a short box per claim, generated from the robustness atlas's summary (data/atlas/summary.json).

    share of the plausible space supporting the verdict (95% interval), the assumptions it hinges on (largest
    total Sobol' indices of the margin) and, for each, where along it the verdict flips.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..atlas.run import code_version
from ..model.params import ALL_PARAMS
from .execute import ROOT

ATLAS_DIR = ROOT / "data" / "atlas"
#: chapter -> the claims whose budgets it shows
CHAPTER_CLAIMS = {"c0_in_vivo": ("C0", "C5"), "c1_persistence": ("C1",), "c2_heterodimers": ("C2",),
                  "c3_reversibility": ("C3", "C4"), "c6_jak2_dependence": ("C6", "C7")}


def load_summary(folder: Path = ATLAS_DIR) -> dict[str, Any] | None:
    """The atlas summary, or None when ``make atlas`` has not been run."""
    f = folder / "summary.json"
    return json.loads(f.read_text(encoding="utf-8")) if f.is_file() else None


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def hinges(s: dict[str, Any], claim: str, n: int = 3) -> list[tuple[str, float, float | None, str]]:
    """The ``n`` parameters with the largest total Sobol' index for ``claim``: (name, ST, tipping value or
    None, side of the default where it flips)."""
    c = s["claims"][claim]
    top = sorted(c["sobol_total"].items(), key=lambda kv: -kv[1])[:n]
    return [(k, v, c["tipping"].get(k), c.get("tipping_side", {}).get(k, "")) for k, v in top]


def budget_markdown(s: dict[str, Any] | None, claim: str) -> str:
    """The belief-budget box of one claim (MyST), or a note saying the atlas has not been run."""
    head = f"```{{admonition}} Belief budget of {claim} (robustness atlas, model)\n:class: seealso\n"
    if s is None or claim not in s.get("claims", {}):
        return head + "The robustness atlas has not been computed for this claim (`make atlas`).\n```\n"
    c = s["claims"][claim]
    lines = [f"Across the **plausible** range of every model parameter ({s['samples']}-point Sobol' design, "
             f"noise-free model), the verdict holds in **{c['share']:.0%}** of the space (95% interval "
             f"{c['share_lo']:.0%} to {c['share_hi']:.0%}). It hinges most on:", ""]
    for name, st, tip, side in hinges(s, claim):
        p = ALL_PARAMS[name]
        unit = f" {p.unit}" if p.unit and p.unit not in ("1", "fold") else ("-fold" if p.unit == "fold" else "")
        where = (f"flips at {_num(tip)}{unit} ({'below' if side == 'below' else 'above'} the default "
                 f"{_num(float(p.default))}{unit})" if tip is not None else "never flips within its plausible range "
                 "with the other parameters at their defaults")
        lines.append(f"- `{name}` (total Sobol' index {st:.2f}; plausible {_num(p.plausible[0])} to "
                     f"{_num(p.plausible[1])}{unit}; {p.plausible_why}): {where}")
    stale = s.get("code_version") != code_version()
    lines += ["", "Details, method and the joint region of all claims: {doc}`r1_robustness`."
              + (" **These atlas numbers were computed with an earlier version of the model or rules; run "
                 "`make atlas` to refresh them.**" if stale else "")]
    return head + "\n".join(lines) + "\n```\n"


def pages(folder: Path = ATLAS_DIR) -> dict[str, str]:
    """Generated includes: ``budget/<chapter>.md`` for every claim chapter."""
    s = load_summary(folder)
    return {f"budget/{ch}.md": "\n".join(budget_markdown(s, c) for c in cs) for ch, cs in CHAPTER_CLAIMS.items()}
