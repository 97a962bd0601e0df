"""Layer 3, claims: one function per claim (virtual experiment or data + analysis + rule -> ClaimResult).

The chapter notebook, the tests and the robustness atlas call the same functions::

    from jakpersist.claims import evaluate
    evaluate("C1", {"hetero_advantage": 7.0}, mode="fast").margin

``CLAIMS`` maps each claim id to its :class:`ClaimSpec`: the function, the chapter defaults and the model
parameters whose increase makes the claim's effect stronger (its margin must not fall as they grow).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from . import c0_in_vivo, c1_persistence, c2_heterodimers, c3_reversibility, c6_jak2_dependence, c8_second_site, g1_gdsc
from .base import ClaimResult, Condition, VERDICT_KINDS, combine, decided  # noqa: F401


@dataclass(frozen=True)
class ClaimSpec:
    """A claim's function (``fn(params, seed, data, mode) -> ClaimResult``), the chapter it belongs to, the
    chapter defaults, and its effect-strength parameters."""

    id: str
    fn: Callable[..., ClaimResult]
    chapter: str
    defaults: Mapping[str, Any]
    effect_params: tuple[str, ...]
    paper: bool = True  # False for the book's own checks (public-data context)


CLAIMS: dict[str, ClaimSpec] = {s.id: s for s in (
    ClaimSpec("C0", c0_in_vivo.evaluate_c0, "c0_in_vivo", c0_in_vivo.DEFAULTS, c0_in_vivo.EFFECT_PARAMS_C0),
    ClaimSpec("C1", c1_persistence.evaluate, "c1_persistence", c1_persistence.DEFAULTS,
              c1_persistence.EFFECT_PARAMS),
    ClaimSpec("C2", c2_heterodimers.evaluate, "c2_heterodimers", c2_heterodimers.DEFAULTS,
              c2_heterodimers.EFFECT_PARAMS),
    ClaimSpec("C3", c3_reversibility.evaluate_c3, "c3_reversibility", c3_reversibility.DEFAULTS,
              c3_reversibility.EFFECT_PARAMS_C3),
    ClaimSpec("C4", c3_reversibility.evaluate_c4, "c3_reversibility", c3_reversibility.DEFAULTS,
              c3_reversibility.EFFECT_PARAMS_C4),
    ClaimSpec("C5", c0_in_vivo.evaluate_c5, "c0_in_vivo", c0_in_vivo.DEFAULTS, c0_in_vivo.EFFECT_PARAMS_C5),
    ClaimSpec("C6", c6_jak2_dependence.evaluate_c6, "c6_jak2_dependence", c6_jak2_dependence.DEFAULTS,
              c6_jak2_dependence.EFFECT_PARAMS_C6),
    ClaimSpec("C7", c6_jak2_dependence.evaluate_c7, "c6_jak2_dependence", c6_jak2_dependence.DEFAULTS,
              c6_jak2_dependence.EFFECT_PARAMS_C7),
    ClaimSpec("C8", c8_second_site.evaluate, "c1_persistence", c8_second_site.DEFAULTS,
              c8_second_site.EFFECT_PARAMS),
    ClaimSpec("G1", g1_gdsc.evaluate, "g1_gdsc", g1_gdsc.DEFAULTS, g1_gdsc.EFFECT_PARAMS, paper=False),
)}

#: The paper's claims (C0-C7) that the model can evaluate: the joint region of the atlas asks for all of them.
MODEL_CLAIMS = tuple(k for k, s in CLAIMS.items() if s.paper)


def evaluate(claim: str, params: Mapping[str, Any] | None = None, *, seed: int | None = None, data: Any = None,
             mode: str = "full") -> ClaimResult:
    """Evaluate one claim by id ("C1", ...). Raises KeyError naming the known ids for an unknown one."""
    if claim not in CLAIMS:
        raise KeyError(f"unknown claim {claim!r}; known: {', '.join(CLAIMS)}")
    return CLAIMS[claim].fn(params, seed, data, mode)
