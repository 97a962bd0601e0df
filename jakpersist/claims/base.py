"""What every claim function returns, and how a rule's conditions turn into a verdict and a signed
margin.

A rule is a list of :class:`Condition` s ("this quantity is at least / at most that threshold").
Each condition has a **margin** in the rule's own units: log2(value / threshold) for ratios and
folds (``scale="log2"``), or (value - threshold) / ``unit`` for differences and fractions
(``scale="linear"``). The margin is positive when the condition holds with room to spare and
negative when it fails; the claim's margin is the smallest margin of its conditions, so it is
positive exactly when every condition holds, i.e. when the rule holds (an exact tie, margin 0,
passes a non-strict condition such as "at least 4-fold"). A value that is not a number has margin
-inf and does not pass; when every failing condition is of that kind the result is *undefined*, not
a failure (:mod:`jakpersist.claims.wording`).

Censored values (a GI50 beyond the tested doses gives a fold that is only known to be above or below
a number) are conditions with ``bound="lower"`` or ``bound="upper"``: a lower bound that clears an
"at least" threshold supports it; a lower bound that does not clear it decides nothing in favour
(the condition fails, with the margin of the bound). This is what makes a stronger effect never
weaken a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Literal

Bound = Literal["lower", "upper"] | None

#: The kinds of verdict a claim can give (shown on the chapter and the claims page).
VERDICT_KINDS = {
    "model": "model evidence (a virtual experiment on the book's model)",
    "public-data": "public data",
    "reader-data": "your data",
    "demonstration": "demonstration (simulated stand-in; no real data): no verdict",
}


class Status(StrEnum):
    """What a claim's evaluation says, in one word: the rule holds, it fails on computed values, it
    is undefined (its deciding quantity could not be computed: it neither holds nor fails), or no
    verdict is given (a demonstration on a simulated stand-in)."""

    HOLDS = "holds"
    FAILS = "fails"
    UNDEFINED = "undefined"
    NO_VERDICT = "no verdict"


@dataclass(frozen=True)
class Condition:
    """One condition of a rule: ``value`` compared with ``threshold``.

    ``at_least=True`` means value >= threshold (value > threshold when ``strict``); otherwise value
    <= threshold (value < threshold when ``strict``). ``scale`` sets the margin's units ("log2":
    log2 of the ratio, for positive folds; "linear": the difference divided by ``unit``). ``bound``
    says the value is only a lower or upper bound (censored). ``label`` is the sentence fragment
    shown on the page.
    """

    name: str
    value: float
    threshold: float
    at_least: bool = True
    scale: Literal["log2", "linear"] = "log2"
    unit: float = 1.0
    strict: bool = False
    bound: Bound = None
    label: str = ""

    @property
    def margin(self) -> float:
        """Signed distance from the threshold in the rule's units: > 0 passes, <= 0 fails (see
        module doc)."""
        v, t = self.value, self.threshold
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return -math.inf
        if self.scale == "log2":
            if v <= 0:
                raw = -math.inf  # log2(0) and below: no fold at all
            elif math.isinf(v):
                raw = math.inf if v > 0 else -math.inf
            else:
                raw = math.log2(v / t)
        else:
            raw = (v - t) / self.unit
        m = raw if self.at_least else -raw
        # a bound on the wrong side can only say "not shown": it never passes
        if self._wrong_side:
            m = min(m, 0.0)
        return float(m)

    @property
    def _wrong_side(self) -> bool:
        """An upper bound cannot show "at least", a lower bound cannot show "at most"."""
        return (self.bound == "upper" and self.at_least) or (
            self.bound == "lower" and not self.at_least
        )

    @property
    def passed(self) -> bool:
        """Whether the condition holds: ``margin > 0``, or an exact tie (margin 0) of a non-strict
        condition."""
        m = self.margin
        return bool(m > 0 or (m == 0 and not self.strict and not self._wrong_side))

    @property
    def undefined(self) -> bool:
        """Whether the value could not be computed (None or NaN): the condition neither holds nor
        fails."""
        v = self.value
        return v is None or (isinstance(v, float) and math.isnan(v))


def combine(conditions: list[Condition]) -> tuple[bool, float]:
    """(verdict, margin) of a rule: supported when every condition passes; margin = smallest margin.

    An empty rule (nothing measured) is not supported, margin -inf.
    """
    if not conditions:
        return False, -math.inf
    return all(c.passed for c in conditions), min(c.margin for c in conditions)


@dataclass(frozen=True)
class ClaimDetails:
    """What a chapter draws from one claim's evaluation (tables, fits, model states): not part of
    the verdict.

    Each claim has its own frozen subclass (``C1Details``, ``C2Details``, ...) whose fields a
    chapter reads by attribute, so a type checker sees a misspelt name. In the fast mode most fields
    are None. :meth:`to_dict` gives the same fields as a plain mapping (shallow: tables are not
    copied).
    """

    def to_dict(self) -> dict[str, Any]:
        """The fields as ``{name: value}`` (shallow; :func:`dataclasses.asdict` would deep-copy
        every table)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class ClaimResult:
    """The outcome of one claim's evaluation.

    - ``verdict``: True (supported) / False (not supported) / None (a demonstration: no verdict is
      given);
    - ``margin``: the rule's signed margin (see :func:`combine`); ``conditions``: each condition
      with its margin;
    - ``kind``: which evidence decided it (a key of :data:`VERDICT_KINDS`);
    - ``metrics``: the numbers behind the verdict (glue key -> value);
    - ``provenance``: for each metric, where it comes from: "model", "data" (the reader's or public
      measurements) or "parameter";
    - ``details``: what the chapter needs to draw its figures, a :class:`ClaimDetails` of the
      claim's own type (not part of the verdict; None when a result is rebuilt from a stored
      record).
    """

    claim: str
    verdict: bool | None
    margin: float
    kind: str
    conditions: list[Condition] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    rule: str = ""
    details: ClaimDetails | None = None

    def undefined_conditions(self) -> list[Condition]:
        """The conditions that decide a not-holding rule but could not be computed (value NaN), when
        *every* failing condition is of that kind; [] when some condition fails on a computed value
        (a real failure) or the rule holds."""
        failing = [c for c in self.conditions if not c.passed]
        return failing if failing and all(c.undefined for c in failing) else []

    @property
    def undefined(self) -> bool:
        """Whether the rule's deciding quantity could not be computed (it neither holds nor fails).
        A rule with no condition at all (nothing measured) is undefined; a demonstration (verdict
        None) is not."""
        if self.verdict is None and self.kind != "demonstration":
            return True
        if self.verdict is not False:
            return False
        return not self.conditions or bool(self.undefined_conditions())

    @property
    def status(self) -> Status:
        """The outcome in one word (:class:`Status`): use it, not ``verdict``, to tell an undefined
        result (``verdict`` False, yet nothing failed) from a failure.

        >>> decided("C7", "model", "", [Condition("x", float("nan"), 1.0)]).status
        <Status.UNDEFINED: 'undefined'>
        >>> decided("C7", "model", "", [Condition("x", 0.5, 1.0)]).status
        <Status.FAILS: 'fails'>
        """
        if self.kind == "demonstration":
            return Status.NO_VERDICT
        if self.undefined:
            return Status.UNDEFINED
        return Status.HOLDS if self.verdict else Status.FAILS

    def summary(self) -> dict[str, Any]:
        """A plain, JSON-ready record (verdict, margin, per-condition margins, metrics): what the
        atlas stores."""
        return {
            "claim": self.claim,
            "verdict": self.verdict,
            "margin": self.margin,
            "kind": self.kind,
            "undefined": self.undefined,
            **{f"margin:{c.name}": c.margin for c in self.conditions},
            **{k: v for k, v in self.metrics.items() if isinstance(v, (int, float, str, bool))},
        }


def decided(
    claim: str, kind: str, rule: str, *, conditions: list[Condition], **kw: Any
) -> ClaimResult:
    """A :class:`ClaimResult` whose verdict and margin are computed from ``conditions``."""
    verdict, margin = combine(conditions)
    if kind == "demonstration":
        verdict = None
    return ClaimResult(claim, verdict, margin, kind, conditions, rule=rule, **kw)
