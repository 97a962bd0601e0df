"""The one wording of every verdict: what kind of result it is, in words a biologist reads
correctly.

A rule's outcome (:class:`~jakpersist.claims.base.ClaimResult`) is "the rule holds" or "it does
not"; what that *means* depends on the evidence that decided it. A rule that holds on the book's
model shows that the proposed mechanism is **sufficient in the model**, not that the paper's cells
behave this way; the in-vivo sketch (C0, C5) is an **illustration**; a simulated stand-in is a
**demonstration**; a public-data check on point estimates is **consistent with** the data unless a
test with its p value decides; and a rule whose deciding quantity could not be computed is
**undefined** (neither holds nor fails). :func:`describe_verdict` builds the words; every page, run
report and student notebook shows them (never a bare "supported").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .base import ClaimResult, Condition, Status

#: Claims whose model verdict is an illustration (the in-vivo sketch), not a virtual experiment.
ILLUSTRATIONS = frozenset({"C0", "C5"})

#: Claims decided by a statistical test: claim id -> ((condition name holding the p or q value, how
#: to name it), ...); the first condition the result has is quoted (C1-T: GSEA's FDR q against naive
#: cells on the same drug, the equivalence test's p against untreated naive cells; C4-T: the
#: withdrawn arm's
#: one-sided Welch
#: p).
TESTED = {
    "H1": (("confound_p", "one-sided exact permutation p"),),
    "C1-T": (("fdr", "FDR q"), ("tost_p", "equivalence (TOST) p")),
    "C4-T": (("jak2_withdrawn_p", "one-sided Welch p"),),
}

#: Verdict kinds (``VerdictText.kind``) and what each means (the glossary and the claims page show
#: these).
KINDS = {
    "model": "a virtual experiment on the book's model: a rule that holds shows the mechanism is "
    "sufficient in "
    "the model, not that the paper's cells behave this way",
    "illustration": "the in-vivo sketch of the model (mice, patients): an illustration, not "
    "evidence",
    "public-data": "public measurements, judged on point estimates: at most consistent with the "
    "data",
    "public-test": "public measurements, decided by a statistical test whose p value is stated",
    "reader-data": "your measurements",
    "demonstration": "a simulated stand-in for data: shows what the analysis does, decides nothing",
    "undefined": "the quantity that decides the rule could not be computed: neither holds nor "
    "fails",
}

#: The short forms, by (kind, whether the rule holds). Keys of the glue ``<prefix>_verdict_short``.
SHORT = {
    ("model", True): "sufficient in the model",
    ("model", False): "not reproduced by the model",
    ("built-in", True): "holds by construction in this model",
    ("illustration", True): "illustration, reproduced in the model",
    ("illustration", False): "illustration, not reproduced in the model",
    ("public-data", True): "consistent with public data",
    ("public-data", False): "not seen in public data",
    ("public-test", True): "shown in public data",
    ("public-test", False): "not shown in public data",
    ("reader-data", True): "consistent with your data",
    ("reader-data", False): "not seen in your data",
    ("demonstration", None): "demonstration (simulated stand-in; no real data)",
    ("undefined", None): "undefined",
}


@dataclass(frozen=True)
class VerdictText:
    """A verdict in words.

    - ``kind``: a key of :data:`KINDS` ("model", "illustration", "public-data", "public-test",
      "reader-data", "demonstration", "undefined");
    - ``holds``: True / False when the rule decided, None for a demonstration or an undefined
      result;
    - ``short``: a few words (a value of :data:`SHORT`), e.g. "sufficient in the model";
    - ``sentence``: one full sentence, starting with ``short``, with the robustness share when given
      and the p value when a test decided.
    """

    kind: str
    holds: bool | None
    short: str
    sentence: str

    @property
    def outcome(self) -> str:
        """The rule's outcome alone: "holds", "does not hold", "undefined" or "no verdict" (a
        demonstration)."""
        if self.kind == "undefined":
            return "undefined"
        if self.holds is None:
            return "no verdict"
        return "holds" if self.holds else "does not hold"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def format_share(share: float) -> str:
    """A share of the plausible space as a percentage a reader can compare: whole percent, except
    that a share strictly between 0 and 1% (or between 99% and 100%) keeps one decimal, so that 1
    point of 256 reads "0.4%", never "0%".

    >>> format_share(0.395), format_share(1 / 256), format_share(0.0), format_share(0.996)
    ('40%', '0.4%', '0%', '99.6%')
    """
    if 0.0 < share < 0.01 or 0.99 < share < 1.0:
        return f"{share:.1%}"
    return f"{share:.0%}"


def describe_verdict(
    claim_id: str,
    result: ClaimResult,
    *,
    share: float | None = None,
    built_in: bool = False,
    off_atlas: str = "",
) -> VerdictText:
    """The wording of ``result`` (the outcome of claim ``claim_id``).

    Parameters
    ----------
    claim_id : str
        The claim's id ("C1", "G1", "H1", ...): C0 and C5 are illustrations (:data:`ILLUSTRATIONS`);
        H1 and C1-T are decided by a test (:data:`TESTED`).
    result : ClaimResult
        What the claim function returned.
    share : float, optional
        Share (0 to 1) of the model's plausible parameter space where the rule holds (the robustness
        atlas, ``data/atlas/summary.json``); stated in the sentence of a model verdict when given.
    built_in : bool
        True when every condition of the claim's rule is built into the model (tagged ``built_in``
        in the registry: it failed at no point searched in the plausible space,
        :mod:`jakpersist.book.builtin`); a model verdict that holds then reads "holds
        by construction in this model", not "sufficient in the model".
    off_atlas : str
        Non-empty when the run's parameters lie outside the model the atlas sampled (the reason,
        from :func:`jakpersist.book.chapter.atlas_scope`): the sentence of a model verdict then says
        that the atlas's share and built-in tags were measured for the book's default model and do
        not apply to this run; a share or ``built_in`` given with it is refused (ValueError).

    Returns
    -------
    VerdictText
        kind, holds, short and sentence. Raises ValueError for a share outside 0 to 1.
    """
    if share is not None and not 0.0 <= share <= 1.0:
        raise ValueError(f"share {share!r} is not a fraction between 0 and 1")
    if off_atlas and (share is not None or built_in):
        raise ValueError(
            "a run outside the atlas's model gets neither the atlas's share nor its built-in tags"
        )
    if result.kind == "demonstration" or (
        result.verdict is None and result.kind == "demonstration"
    ):
        short = SHORT[("demonstration", None)]
        return VerdictText(
            "demonstration",
            None,
            short,
            f"{short}: the analysis ran on simulated data, so it decides nothing about the claim.",
        )
    if result.undefined:
        bad = result.undefined_conditions()
        what = ", ".join(c.label or c.name for c in bad) if bad else "nothing was measured"
        return VerdictText(
            "undefined",
            None,
            SHORT[("undefined", None)],
            "undefined: the quantity the rule decides on could not be computed in this run "
            f"({what}), "
            "so the rule neither holds nor fails.",
        )
    holds = bool(result.verdict)
    if result.kind == "model":
        kind = "illustration" if claim_id in ILLUSTRATIONS else "model"
    elif result.kind == "public-data" and claim_id in TESTED:
        kind = "public-test"
    elif result.kind in ("public-data", "reader-data"):
        kind = result.kind
    else:
        raise ValueError(f"{claim_id}: unknown evidence kind {result.kind!r}")
    short = SHORT[(kind, holds)]
    where = (
        ""
        if share is None
        else f"holds in {format_share(share)} of the model's plausible parameter space"
    )
    if kind == "model" and holds and built_in:
        short = SHORT[("built-in", True)]
        sentence = (
            f"{short}: every condition of the rule is built into this model (none failed at any "
            "point "
            "searched in its plausible space), so this is not a test of the claim (the rival "
            "models are where "
            "it can fail)."
        )
    elif kind == "model":
        if holds:
            sentence = (
                f"{short}: the rule holds in this run"
                + (
                    f" and in {format_share(share)} of the model's plausible parameter space"
                    if share is not None
                    else ""
                )
                + " (a model result: the mechanism can "
                "produce it; not a measurement of the paper's cells)."
            )
        else:
            sentence = (
                f"{short}: the rule does not hold in this run"
                + (
                    f" (it holds in {format_share(share)} of the model's plausible parameter space)"
                    if share is not None
                    else ""
                )
                + "."
            )
    elif kind == "illustration":
        sentence = (
            f"{short}: the in-vivo sketch of the model shows the pattern"
            if holds
            else f"{short}: the in-vivo sketch of the model does not show the pattern"
        )
        sentence += (
            f"; {where}" if where else ""
        ) + " (an illustration, not evidence about mice or patients)."
    elif kind == "public-test":
        found = [
            (c, what)
            for name, what in TESTED[claim_id]
            for c in result.conditions
            if c.name == name
        ]
        c, what = found[0] if found else (None, "")
        stat = f" ({what} {_p_text(c.value)[2:]})" if c is not None and c.value == c.value else ""
        sentence = f"{short}{stat}: " + (
            "the test decides in favour at its threshold."
            if holds
            else "the test does not reach its threshold, so the data do not show it."
        )
    elif kind == "public-data":
        sentence = (
            f"{short}: the point estimates meet the rule (no test decides, so this is consistency, "
            "not proof)."
            if holds
            else f"{short}: the point estimates do not meet the rule."
        )
    else:
        sentence = (
            f"{short}: your measurements meet the rule."
            if holds
            else f"{short}: your measurements do not meet the rule."
        )
    if off_atlas and kind in ("model", "illustration"):
        sentence += (
            " The robustness atlas's share and its built-in tags were measured for the book's "
            "default "
            f"model and do not apply to this run ({off_atlas})."
        )
    return VerdictText(kind, holds, short, sentence)


def stored_verdict(result: ClaimResult) -> bool | None:
    """How a verdict is stored wherever it is written down (a run's ``values.json``, sweep tables,
    the claims page's seed counts, graded runs): True when the rule holds, False when it fails on
    computed values, and None when it neither holds nor fails (undefined: its deciding quantity
    could not be computed) or no verdict is given (a demonstration). None is ``null`` in JSON and an
    empty cell in a CSV table; the words beside it (``<prefix>_verdict_outcome``: "undefined", "no
    verdict") say which. The one place this is decided: an undefined result is never stored as
    False, so it is never counted as failing (nor as holding).

    >>> from jakpersist.claims.base import Condition, decided
    >>> stored_verdict(decided("C7", "model", "", conditions=[Condition("x", float("nan"), 1.0)]))
    >>> stored_verdict(decided("C7", "model", "", conditions=[Condition("x", 0.5, 1.0)]))
    False
    """
    return {Status.HOLDS: True, Status.FAILS: False}.get(result.status)


def stored_margin(result: ClaimResult) -> float | None:
    """How a margin is stored wherever it is written down (a run's ``values.json``, sweep tables,
    the per-seed table): the signed margin, or None (``null`` in JSON, an empty cell in a CSV
    table) when the result is undefined (:attr:`~jakpersist.claims.base.ClaimResult.status`; its
    margin is -inf only because nothing could be computed) or the margin is not a number.

    >>> from jakpersist.claims.base import Condition, decided
    >>> stored_margin(decided("C7", "model", "", conditions=[Condition("x", float("nan"), 1.0)]))
    >>> stored_margin(decided("C7", "model", "", conditions=[Condition("x", 0.5, 1.0)]))
    -1.0
    """
    m = float(result.margin)
    return None if result.status is Status.UNDEFINED or math.isnan(m) else m


def all_short_forms() -> tuple[str, ...]:
    """Every short form a verdict can take (for answer checks and the glossary)."""
    return tuple(SHORT.values())


def describe_summary(
    claim_id: str, record: dict[str, Any], *, share: float | None = None
) -> VerdictText:
    """:func:`describe_verdict` for a stored record (``verdict``, ``kind``, ``undefined`` keys, as
    written by the claims page's counterfactual table) instead of a :class:`ClaimResult`."""
    if record.get("undefined"):
        return VerdictText(
            "undefined",
            None,
            SHORT[("undefined", None)],
            "undefined: the quantity the rule decides on could not be computed in this run, so the "
            "rule neither holds nor fails.",
        )
    r = ClaimResult(
        claim_id,
        record.get("verdict"),
        float(record.get("margin", 0.0) or 0.0),
        record.get("kind", "model"),
        [Condition("recorded", 1.0 if record.get("verdict") else 0.0, 0.5, scale="linear")],
    )
    return describe_verdict(claim_id, r, share=share)
