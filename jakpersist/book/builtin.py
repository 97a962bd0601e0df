"""Which rule conditions are built into the book's model: a search for a point where each condition
fails.

A condition is *built into this model* when it holds wherever the model's plausible parameters put
it: its passing is then no evidence for the claim. A sample cannot prove that, but a search can make
a failure hard to miss. :func:`search` evaluates every model claim in the fast, noise-free mode (the
vectorised engine, :func:`jakpersist.claims.vectorised.evaluate_many`, the same arithmetic as the
per-point fast mode) at

- the robustness atlas's base points (its scrambled Sobol' A and B samples,
  :func:`jakpersist.atlas.space.sobol_design` with the atlas's size and seed);
- corners of the plausible box (:func:`corner_points`: both all-low / all-high corners, every corner
  one parameter away from them, and seeded random corners);
- seeded uniform random draws in the box;

and records, per rule condition, how often it failed on a computed value, where it was closest to
failing, and the range of its value. A condition is built in (:func:`built_in_conditions`) when it
failed at none of these points; its reason on the pages quotes the computed range
(:func:`range_text`), never a number typed by hand. The search takes a few seconds and is computed
once per process (cached).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

#: The search's size and seed (atlas base points: 2 x ATLAS_SAMPLES; then the corners; then the
#: random draws).
ATLAS_SAMPLES = 128
ATLAS_SEED = 2012
N_RANDOM_CORNERS = 2000
N_RANDOM = 4000
SEARCH_SEED = 20120


@dataclass(frozen=True)
class ConditionSearch:
    """One rule condition over the searched points.

    ``n_points`` searched, ``n_defined`` where its value could be computed, ``n_failed`` where it
    failed on a computed value; ``lo`` / ``hi``: its value's range over the defined points (in the
    condition's own units; NaN when none), ``threshold``, ``at_least`` (the direction), ``closest``:
    the parameter point with the smallest margin (name -> value), ``closest_margin`` and
    ``closest_value`` the condition's margin and value there.
    """

    claim: str
    name: str
    n_points: int
    n_defined: int
    n_failed: int
    lo: float
    hi: float
    threshold: float
    at_least: bool
    closest_margin: float
    closest_value: float
    closest: dict[str, float] = field(default_factory=dict)

    @property
    def never_fails(self) -> bool:
        """True when the condition failed at none of the searched points (and was defined at
        some)."""
        return self.n_failed == 0 and self.n_defined > 0


def corner_points(
    k: int, *, n_random: int = N_RANDOM_CORNERS, seed: int = SEARCH_SEED
) -> np.ndarray:
    """Corners of the unit cube in ``k`` dimensions: all 0, all 1, every corner one coordinate away
    from each of them (2k), and ``n_random`` seeded random corners. Shape (2 + 2k + n_random, k)."""
    lo, hi = np.zeros((1, k)), np.ones((1, k))
    one_up, one_down = np.eye(k), 1.0 - np.eye(k)
    rnd = np.random.default_rng(seed).integers(0, 2, size=(n_random, k)).astype(float)
    return np.vstack([lo, hi, one_up, one_down, rnd])


def search_points(
    *, n_random: int = N_RANDOM, n_corners: int = N_RANDOM_CORNERS, seed: int = SEARCH_SEED
) -> tuple[np.ndarray, tuple[str, ...], dict[str, int]]:
    """The searched points in parameter units: (values (n, k), parameter names, how many of each
    kind: "atlas", "corners", "random")."""
    from ..atlas.space import default_space, sobol_design

    space = default_space()
    u, labels = sobol_design(space, ATLAS_SAMPLES, ATLAS_SEED)
    base = u[(labels == "A") | (labels == "B")]
    corners = corner_points(space.k, n_random=n_corners, seed=seed)
    rnd = np.random.default_rng(seed + 1).random((n_random, space.k))
    values = space.from_unit(np.vstack([base, corners, rnd]))
    return values, space.names, {"atlas": len(base), "corners": len(corners), "random": n_random}


def _templates() -> dict[str, dict[str, Any]]:
    """Each model claim's rule conditions at the default point (name -> Condition): direction,
    scale, unit, threshold, to turn a margin back into a value."""
    from ..claims import evaluate
    from ..claims.vectorised import VECTOR_CLAIMS

    return {c: {x.name: x for x in evaluate(c, mode="fast").conditions} for c in VECTOR_CLAIMS}


def _values(template: Any, margin: np.ndarray) -> np.ndarray:
    """A condition's value from its margin (the inverse of
    :attr:`jakpersist.claims.base.Condition.margin`)."""
    m = margin if template.at_least else -margin
    with np.errstate(over="ignore", invalid="ignore"):
        if template.scale == "log2":
            return template.threshold * np.exp2(m)
        return template.threshold + m * template.unit


@lru_cache(maxsize=4)
def search(
    *, n_random: int = N_RANDOM, n_corners: int = N_RANDOM_CORNERS, seed: int = SEARCH_SEED
) -> tuple[dict[tuple[str, str], ConditionSearch], dict[str, int]]:
    """Search every model claim's rule conditions for a failure (see the module doc).

    Returns ({(claim, condition): :class:`ConditionSearch`}, how many points of each kind were
    searched). Deterministic: the atlas's Sobol' seed and ``seed`` decide every point.
    """
    from ..claims.vectorised import VECTOR_CLAIMS, evaluate_many

    values, names, counts = search_points(n_random=n_random, n_corners=n_corners, seed=seed)
    res = evaluate_many(values, names, VECTOR_CLAIMS)
    templates = _templates()
    out: dict[tuple[str, str], ConditionSearch] = {}
    for c, r in res.items():
        for name, (margin, ok) in r.conditions.items():
            defined = ~np.isnan(margin)
            failed = defined & ~np.asarray(ok, dtype=bool)
            t = templates[c][name]
            v = _values(t, margin[defined]) if defined.any() else np.array([])
            i = int(np.nanargmin(np.where(defined, margin, np.inf))) if defined.any() else 0
            out[(c, name)] = ConditionSearch(
                c,
                name,
                len(margin),
                int(defined.sum()),
                int(failed.sum()),
                float(np.min(v)) if v.size else math.nan,
                float(np.max(v)) if v.size else math.nan,
                float(t.threshold),
                bool(t.at_least),
                float(margin[i]) if defined.any() else math.nan,
                float(_values(t, margin[i : i + 1])[0]) if defined.any() else math.nan,
                {n: float(x) for n, x in zip(names, values[i], strict=True)},
            )
    return out, counts


def built_in_conditions() -> dict[str, list[str]]:
    """Per claim, the rule conditions that failed at none of the searched points: built into this
    model."""
    found, _ = search()
    out: dict[str, list[str]] = {}
    for (c, name), s in found.items():
        if s.never_fails:
            out.setdefault(c, []).append(name)
    return out


def _num(x: float) -> str:
    return "0" if x == 0 else f"{x:.2g}" if abs(x) < 1e4 else f"{x:.3g}"


def range_text(claim: str, name: str) -> str:
    """The computed evidence for a built-in tag, one sentence: how many points were searched and the
    range the condition's value took there (against its threshold), or, when it failed somewhere,
    how often and the point closest to failing. Raises KeyError for a condition the search does not
    know."""
    found, counts = search()
    s = found[(claim, name)]
    where = (
        f"{s.n_points:,} points searched (the atlas's {counts['atlas']} base points, "
        f"{counts['corners']:,} "
        f"corners of the plausible box, {counts['random']:,} seeded random draws)"
    )
    side = "at least" if s.at_least else "at most"
    if s.never_fails:
        return (
            f"Computed: it held at all {where}; its value ranged from {_num(s.lo)} to {_num(s.hi)} "
            "(the rule "
            f"needs {side} {_num(s.threshold)})."
        )
    worst = ", ".join(f"{k}={_num(v)}" for k, v in s.closest.items())
    return (
        f"Computed: it failed at {s.n_failed:,} of {where}; the worst point has value "
        f"{_num(s.closest_value)} "
        f"(the rule needs {side} {_num(s.threshold)}) at {worst}."
    )


def tag_problems(claims: list[Any], summary: dict[str, Any] | None) -> list[str]:
    """What is wrong with the registry's "built into this model" tags (``claims``: registry entries
    with ``id`` and ``built_in``), judged against the atlas summary and :func:`search`: a tagged
    condition that is not one of the rule's, a tagged condition that fails at a searched point
    (named with the point), a condition that never fails but is not tagged, a reason shorter than a
    line. [] when the tags are exactly right."""
    found, _ = search()
    atlas = (summary or {}).get("claims") or {}
    searched = built_in_conditions()
    # as jakpersist.book.budget.built_in_conditions: never failing in the atlas and in the search
    computed = {
        c: [
            n
            for n, d in (r.get("conditions") or {}).items()
            if d["fails"] == 0 and n in searched.get(c, [])
        ]
        for c, r in atlas.items()
    }
    out = []
    for c in claims:
        if c.id not in atlas:
            out += (
                [f"{c.id}: tagged {sorted(c.built_in)} but the claim is not in the atlas"]
                if c.built_in
                else []
            )
            continue
        unknown = set(c.built_in) - set(atlas[c.id].get("conditions") or {})
        out += (
            [f"{c.id}: built_in names no condition of its rule: {sorted(unknown)}"]
            if unknown
            else []
        )
        for name in sorted(set(c.built_in) - set(computed.get(c.id, [])) - unknown):
            s = found.get((c.id, name))
            out.append(
                f"{c.id}: `{name}` is tagged built in but "
                + (range_text(c.id, name) if s else "the search does not know it")
            )
        for name in sorted(set(computed.get(c.id, [])) - set(c.built_in)):
            out.append(
                f"{c.id}: `{name}` never fails ({range_text(c.id, name)}) but is not tagged built "
                "in"
            )
        out += [
            f"{c.id}: `{n}` needs a one-line reason" for n, r in c.built_in.items() if len(r) <= 20
        ]
    return out
