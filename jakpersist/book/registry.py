"""The claims registry (notebooks/claims.yml): loading, checking and rendering the claims page.

Each claim's statement is a list of parts, each tagged with its source (:data:`SOURCES`); its rule
names a class of :mod:`jakpersist.claims.rules`, whose ``describe()`` is the one wording of the rule
on every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..claims import rules as _rules
from ..claims.base import VERDICT_KINDS
from ..claims.wording import format_share
from .names import plain
from .execute import EXECUTED, ROOT, glued_values
from .params import PARAMS

#: The kinds of evidence a claim's chapter uses, as a page names them.
EVIDENCE_KINDS = {
    "public-data": "Public data",
    "model": "Model (virtual experiment)",
    "reader-data": "Your data",
}

REGISTRY = ROOT / "notebooks" / "claims.yml"

#: source key -> (tag shown on the page, sphinx-design badge colour, what it means)
SOURCES: dict[str, tuple[str, str, str]] = {
    "nature2012": (
        "Nature 2012 abstract",
        "primary",
        "stated in the abstract of Koppikar et al., Nature 2012 {cite:p}`koppikar2012` "
        "(paraphrased)",
    ),
    "ash2011": (
        "ASH 2011 abstract",
        "success",
        "stated in the precursor abstract, ASH Annual Meeting 2011 {cite:p}`koppikar2011ash` "
        "(paraphrased)",
    ),
    "inference": (
        "inference of this book",
        "warning-line",
        "our reading or operational definition; neither abstract states it",
    ),
    "model": (
        "model prediction",
        "secondary-line",
        "what the book's model predicts; neither abstract states it",
    ),
}
ORIGINS = {
    "paper": "Claims of Koppikar et al. (Nature 2012, with its ASH 2011 precursor abstract)",
    "book": "The book's own checks",
}


@dataclass(frozen=True)
class Counterfactual:
    """A parameter set and the outcome the claim's rule must give under it.

    ``expect``: whether the rule holds; ``undefined``: the deciding quantity cannot be computed
    there (``expect: undefined`` in the registry), which is shown as such and is never a flip.
    """

    parameters: dict[str, Any]
    expect: bool
    why: str
    undefined: bool = False

    @property
    def outcome(self) -> str:
        """ "holds", "does not hold" or "undefined" (the words of ``VerdictText.outcome``)."""
        return "undefined" if self.undefined else "holds" if self.expect else "does not hold"


@dataclass(frozen=True)
class Part:
    """One part of a claim's statement and where it comes from (a key of :data:`SOURCES`)."""

    text: str
    source: str


@dataclass(frozen=True)
class Metric:
    """How a glued metric is shown: a readable label, a unit and a Python format spec (e.g.
    ``.2f``)."""

    key: str
    label: str
    unit: str
    format: str


@dataclass(frozen=True)
class Claim:
    id: str
    origin: str
    figure: str
    sources: list[Part]
    evidence: str
    notebook: str
    verdict: str
    metrics: list[str]
    rule_name: str
    counterfactuals: list[Counterfactual] = field(default_factory=list)
    evidence_note: str = ""
    #: verdict kinds the chapter can give (keys of claims.base.VERDICT_KINDS); default: just
    #: ``evidence``
    verdict_kinds: tuple[str, ...] = ()
    #: the kind the default (offline) run gives; "demonstration" = a stand-in, whose verdict glue is
    #: None
    default_kind: str = ""
    #: glue key of the rule's signed margin (> 0 exactly when the rule passes): what a
    #: demonstration's counterfactuals are checked on, since a demonstration has no verdict
    margin: str = ""
    #: glue key of a text naming the data the run used (shown in the claims list instead of the
    #: fixed label)
    evidence_label: str = ""
    #: whether the rule holds in the default run (False when the default data do not show it, e.g.
    #: H1)
    default_verdict: bool = True
    #: rule conditions that never failed at the atlas's sampled points of the plausible space:
    #: condition name -> reason
    built_in: dict[str, str] = field(default_factory=dict)
    #: the claim's function, ``<module>.<function>`` under jakpersist.claims
    #: (``jakpersist.claims.evaluate`` calls it)
    function: str = ""

    def flips(self, cf: Counterfactual) -> bool:
        """Whether ``cf`` flips the default verdict (an undefined outcome never does)."""
        return not cf.undefined and cf.expect is not self.default_verdict

    @property
    def demonstration(self) -> bool:
        """Whether the default run is a demonstration on a stand-in (no verdict)."""
        return self.default_kind == "demonstration"

    @property
    def statement(self) -> str:
        """The statement in plain words: its parts joined (the site shows each part with its source
        tag)."""
        return "; ".join(p.text for p in self.sources) + "."

    @property
    def rule(self) -> str:
        """The rule in words, from the rule class's ``describe()`` (the only wording of the
        rule)."""
        return getattr(_rules, self.rule_name)().describe()

    @property
    def chapter(self) -> str:
        return Path(self.notebook).stem

    @property
    def executed(self) -> Path:
        return EXECUTED / f"{self.chapter}.ipynb"


class RegistryError(ValueError):
    """The registry file is malformed."""


def _doc(path: Path) -> dict:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("claims"), list):
        raise RegistryError(f"{path}: expected a list under 'claims:'")
    return doc


REQUIRED = (
    "id",
    "origin",
    "figure",
    "sources",
    "evidence",
    "notebook",
    "verdict",
    "metrics",
    "rule",
    "function",
    "counterfactuals",
)


def load(path: Path = REGISTRY) -> list[Claim]:
    """Load and check the registry: fields present, evidence kinds and sources known, rules and
    parameters declared, each claim's ``function`` the one :func:`jakpersist.claims.evaluate` calls
    for it.

    Raises :class:`RegistryError` naming the file, the claim and what to fix.
    """
    doc = _doc(path)
    claims: list[Claim] = []
    seen: set[str] = set()
    for i, c in enumerate(doc["claims"]):
        missing = [k for k in REQUIRED if k not in c]
        if missing:
            raise RegistryError(f"{path}: claim #{i + 1} lacks {', '.join(missing)}")
        cid = c["id"]
        if cid in seen:
            raise RegistryError(f"{path}: duplicate claim id {cid}")
        seen.add(cid)
        where = f"{path}: claim {cid}"
        _check_fields(where, c)
        kinds, default_kind = _kinds(where, c)
        claims.append(
            Claim(
                cid,
                c["origin"],
                c["figure"],
                _parts(where, c["sources"]),
                c["evidence"],
                c["notebook"],
                c["verdict"],
                list(c["metrics"]),
                str(c["rule"]),
                _counterfactuals(where, c),
                " ".join(str(c.get("evidence_note", "")).split()),
                kinds,
                default_kind,
                str(c.get("margin", "")),
                str(c.get("evidence_label", "")),
                bool(c.get("default_verdict", True)),
                {str(k): " ".join(str(v).split()) for k, v in (c.get("built_in") or {}).items()},
                str(c["function"]),
            )
        )
    metrics = load_metrics(path)
    unlabelled = [m for c in claims for m in c.metrics if m not in metrics]
    if unlabelled:
        raise RegistryError(
            f"{path}: metric(s) {', '.join(unlabelled)} have no entry under 'metrics:' "
            f"(give each a label, a unit and a format)"
        )
    return claims


def _check_fields(where: str, c: dict[str, Any]) -> None:
    """Origin, evidence kind, notebook, rule class and claim function of one entry; raises
    RegistryError."""
    from ..claims import (
        CLAIMS,
    )  # the claims' functions (imported only when the registry is checked)

    if c["origin"] not in ORIGINS:
        raise RegistryError(f"{where}: origin must be one of {', '.join(ORIGINS)}")
    if c["evidence"] not in EVIDENCE_KINDS:
        raise RegistryError(f"{where}: evidence must be one of {', '.join(EVIDENCE_KINDS)}")
    if not (ROOT / c["notebook"]).is_file():
        raise RegistryError(f"{where}: notebook {c['notebook']} does not exist")
    rule_cls = getattr(_rules, str(c["rule"]), None)
    if not isinstance(rule_cls, type) or not hasattr(rule_cls, "describe"):
        raise RegistryError(
            f"{where}: rule {c['rule']!r} is not a rule class of jakpersist/claims/rules.py "
            "(write its class name, e.g. PersistenceRule)"
        )
    spec = CLAIMS.get(c["id"])
    if spec is None or spec.function != c["function"]:
        raise RegistryError(
            f"{where}: function {c['function']!r} is not the claim's function in "
            "jakpersist.claims.CLAIMS ("
            + (f"which registers {spec.function!r})" if spec else "which has no such claim)")
        )


def _parts(where: str, sources: list[Any] | None) -> list[Part]:
    """The statement's parts, each with a known source; raises RegistryError."""
    parts = []
    for s in sources or []:
        if (
            not isinstance(s, dict)
            or s.get("source") not in SOURCES
            or not str(s.get("text", "")).strip()
        ):
            raise RegistryError(
                f"{where}: each item of 'sources' needs 'text' and 'source' (one of "
                f"{', '.join(SOURCES)}); got {s!r}"
            )
        parts.append(Part(" ".join(str(s["text"]).split()), s["source"]))
    if not parts:
        raise RegistryError(f"{where}: 'sources' is empty")
    return parts


def _counterfactuals(where: str, c: dict[str, Any]) -> list[Counterfactual]:
    """The registered counterfactuals, parameters declared and ``expect`` true, false or
    undefined."""
    cfs = []
    for cf in c["counterfactuals"]:
        unknown = [k for k in cf["parameters"] if k not in PARAMS]
        if unknown:
            raise RegistryError(f"{where}: unknown parameter(s) {', '.join(unknown)}")
        undefined = cf["expect"] == "undefined"
        if not (undefined or isinstance(cf["expect"], bool)):
            raise RegistryError(
                f"{where}: a counterfactual's expect must be true, false or undefined; got "
                f"{cf['expect']!r}"
            )
        cfs.append(
            Counterfactual(
                dict(cf["parameters"]),
                bool(cf["expect"]) and not undefined,
                str(cf["why"]),
                undefined,
            )
        )
    return cfs


def _kinds(where: str, c: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    """(verdict kinds, default kind) of one entry; raises RegistryError for an unknown or
    inconsistent kind."""
    kinds = tuple(c.get("verdict_kinds") or (c["evidence"],))
    bad = [k for k in kinds if k not in VERDICT_KINDS]
    if bad:
        raise RegistryError(
            f"{where}: verdict_kinds {', '.join(bad)} unknown; valid: {', '.join(VERDICT_KINDS)}"
        )
    default_kind = str(c.get("default_kind") or c["evidence"])
    if default_kind not in kinds:
        raise RegistryError(f"{where}: default_kind {default_kind} is not in verdict_kinds")
    if default_kind == "demonstration" and not c.get("margin"):
        raise RegistryError(
            f"{where}: a demonstration default needs 'margin' (the glue key of the rule's signed "
            "margin) for its counterfactuals"
        )
    return kinds, default_kind


def load_metrics(path: Path = REGISTRY) -> dict[str, Metric]:
    """The registry's ``metrics:`` table: glue key -> :class:`Metric` (label, unit, format)."""
    out = {}
    for key, m in (_doc(path).get("metrics") or {}).items():
        if not isinstance(m, dict) or not {"label", "unit", "format"} <= set(m):
            raise RegistryError(f"{path}: metrics: {key} needs label, unit and format")
        out[key] = Metric(key, str(m["label"]), str(m["unit"]), str(m["format"]))
    return out


def _fmt_for(value: Any, spec: str = "") -> str:
    if isinstance(value, bool):
        raise RegistryError("a metric must be a number or text; booleans belong in 'verdict'")
    if isinstance(value, str):
        return ":s"
    if spec:
        return ":" + spec
    if isinstance(value, int):
        return ":d"
    return ":.3g"


def tag(source: str) -> str:
    """The source tag of a statement part (a sphinx-design badge)."""
    label, colour, _ = SOURCES[source]
    return f"{{bdg-{colour}}}`{label}`"


def tagged_statement(c: Claim) -> str:
    """The statement with a source tag after each part (MyST)."""
    return "; ".join(f"{p.text} {tag(p.source)}" for p in c.sources) + "."


def source_legend() -> str:
    """What each source tag means (MyST bullet list)."""
    return "\n".join(f"- {tag(k)} {meaning}" for k, (_, _, meaning) in SOURCES.items())


def claim_box(c: Claim) -> str:
    """The claim admonition a chapter includes: the statement, each part tagged with its source."""
    title = (
        "The claim (paraphrased)"
        if c.origin == "paper"
        else "The book's own check (not a claim of the paper)"
    )
    where = f"Where in the paper: {c.figure}." if c.origin == "paper" else f"Context: {c.figure}."
    return (
        f"```{{admonition}} {c.id} · {title}\n:class: important\n{tagged_statement(c)}\n\n"
        f"{where} What each source tag means: {{ref}}`source-tags`.\n```\n"
        + ("\n" + built_in_box(c) if c.built_in else "")
    )


#: What a "built into this model" tag means, said the same way on the claims page and in the
#: chapters.
BUILT_IN_MEANING = (
    "never failed at any point searched in the model's plausible parameter space (the robustness "
    "atlas's points, corners of the box and seeded random draws), so its passing is not evidence; "
    "a "
    "search cannot rule out every rare corner"
)


def _computed(c: Claim, name: str) -> str:
    """The search's computed range for a tagged condition
    (:func:`jakpersist.book.builtin.range_text`)."""
    from .builtin import range_text

    try:
        return " " + range_text(c.id, name)
    except KeyError:  # not a model claim's condition: the registry test reports it
        return ""


def built_in_lines(c: Claim) -> list[str]:
    """The claim's built-in conditions (MyST bullets): each rule condition that never failed at the
    searched points of the model's plausible space (:mod:`jakpersist.book.builtin`), tagged "built
    into this model" with its reason and the computed range ([] when none)."""
    if not c.built_in:
        return []
    return [f"- **Built into this model** ({BUILT_IN_MEANING}):"] + [
        f"  - `{name}`: {reason}{_computed(c, name)}" for name, reason in c.built_in.items()
    ]


def built_in_box(c: Claim) -> str:
    """The "built into this model" admonition a chapter shows under its verdict ("" when the rule
    has no built-in condition), each condition with its reason and the computed range."""
    if not c.built_in:
        return ""
    items = "\n".join(
        f"- `{name}`: {reason}{_computed(c, name)}" for name, reason in c.built_in.items()
    )
    return (
        f"```{{admonition}} {c.id}: built into this model\n:class: note\nThese conditions of the "
        "rule "
        f"{BUILT_IN_MEANING}:\n\n{items}\n```\n"
    )


def _budget_line(cid: str) -> list[str]:
    """The claim's belief budget in one line, from the shipped robustness atlas ([] when it is not
    in it)."""
    from .budget import hinges, load_summary

    s = load_summary()
    if not s or cid not in s.get("claims", {}):
        return []
    r = s["claims"][cid]
    parts = [
        f"{plain(n)} (Sobol' {st:.2f}; "
        + (f"flips at {tip:.3g})" if tip is not None else "no flip in range)")
        for n, st, tip, _ in hinges(s, cid)
    ]
    return [
        f"- **Belief budget** (robustness atlas, model): holds in {format_share(r['share'])} of "
        "the plausible space "
        f"({format_share(r['share_lo'])} to {format_share(r['share_hi'])}); hinges most on "
        + ", ".join(parts)
        + "."
    ]


#: The shipped rival-model comparison (``make rivals``), read by the claims page.
RIVALS_SUMMARY = ROOT / "data" / "rivals" / "summary.json"


def model_span(models: list[str]) -> str:
    """Model names, runs of three or more consecutive rivals joined: [R2, R3, R4, R6] -> "R2-R4,
    R6"."""
    num = [int(m[1:]) if m[:1] == "R" and m[1:].isdigit() else None for m in models]
    out, i = [], 0
    while i < len(models):
        j = i
        while num[i] is not None and j + 1 < len(models) and num[j + 1] == (num[j] or 0) + 1:
            j += 1
        out += [f"{models[i]}-{models[j]}"] if j - i >= 2 else models[i : j + 1]
        i = j + 1
    return ", ".join(out)


def rivals_verdict(cid: str, summary: dict[str, Any] | None) -> str:
    """Which rival explanations the claim's observations rule out, computed from the rival
    comparison's summary (``by_observation`` and ``by_construction`` of
    ``data/rivals/summary.json``): "rules out R3; rules out R2-R6 by construction (they hold the
    JAK2 level fixed by definition); cannot tell from R1".

    A rival is ruled out by the claim when any of the claim's observations rules it out (the claim
    holds only if all of them hold), named with those observations. It is ruled out *by
    construction* by an observation that needs a change the rival holds fixed by definition (the
    summary's ``by_construction``, computed from the variants, the same tags the chapter uses): no
    result, the rival cannot show it at any point; a rival ruled out both ways is listed under
    both. "cannot tell from" lists the rivals no observation of the
    claim rules out. A claim whose observations are all of the in-vivo illustration tier says so
    first (a model-only illustration, not evidence). When the heterodimer model H0 itself is ruled
    out, the text says so. "" when the summary is missing or the claim has no observation in it.
    """
    if not summary:
        return ""
    observations = [o for o in summary.get("observations", []) if o.get("claim") == cid]
    obs = [o["id"] for o in observations]
    by = summary.get("by_observation", {})
    bc = summary.get("by_construction", {})
    models = [m for m in summary.get("models", {}) if m != "H0"]
    if not obs or not models:
        return ""

    def rules_out(o: str) -> list[str]:
        return by.get(o, {}).get("rules_out", [])

    out = {m for o in obs for m in rules_out(o)}
    ruled = [m for m in models if m in out]
    kept = [m for m in models if m not in out]
    built_obs = [o for o in obs if any(m in bc.get(o, {}) for m in rules_out(o) if m != "H0")]
    found_obs = [o for o in obs if any(m not in bc.get(o, {}) for m in rules_out(o) if m != "H0")]
    built = [m for m in ruled if any(m in rules_out(o) and m in bc.get(o, {}) for o in obs)]
    found = [m for m in ruled if any(m in rules_out(o) and m not in bc.get(o, {}) for o in obs)]
    parts = []
    if found:
        parts.append(f"rules out {model_span(found)} ({', '.join(found_obs)})")
    if built:
        fixed = sorted({q for o in built_obs for m in built for q in bc.get(o, {}).get(m, [])})
        parts.append(
            f"rules out {model_span(built)} by construction ({', '.join(built_obs)}: "
            + ("it holds" if len(built) == 1 else "they hold")
            + f" the {' and the '.join(fixed)} fixed by definition)"
        )
    if kept:
        parts.append("cannot tell from " + model_span(kept))
    text = "; ".join(parts)
    if "H0" in out:
        text += (
            "; and H0, the heterodimer model, reproduces the claim's observations in under "
            f"{format_share(float(summary.get('rule_out_below', 0.05)))} of its space"
        )
    tiers = {o.get("tier") for o in observations}
    if tiers == {"illustration"}:
        label = next(
            (o.get("tier_label") for o in observations if o.get("tier_label")),
            "in-vivo illustration (model only)",
        )
        text = f"{label}, not evidence about the paper's cells: {text}"
    return text


def _rivals_summary() -> dict[str, Any] | None:
    import json

    if not RIVALS_SUMMARY.is_file():
        return None
    return json.loads(RIVALS_SUMMARY.read_text(encoding="utf-8"))


def render_page(claims: list[Claim]) -> str:
    """The claims list (MyST, included by book/claims.md), every verdict and metric a glue reference
    into an executed notebook."""
    metrics = load_metrics()
    rivals = _rivals_summary()
    out: list[str] = [
        "(source-tags)=",
        "## What the source tags mean",
        "",
        ":::{dropdown} The four source tags, and what each says about a part of a claim",
        source_legend(),
        ":::",
        "",
    ]
    for origin, heading in ORIGINS.items():
        group = [c for c in claims if c.origin == origin]
        if not group:
            continue
        out += [f"## {heading}", ""]
        if origin == "book":
            out += [
                "Not claims of the paper: checks this book adds, on public data or on the model, "
                "to put the "
                "paper's claims in context.",
                "",
            ]
        rivals_col = origin == "paper" and rivals is not None
        out += [
            f":::{{dropdown}} The table: verdict{', rival explanations' if rivals_col else ''} and "
            "the "
            "statement with its source tags, one row per check",
            "",
            "| claim | verdict: what kind of result, and how robust | "
            + ("rival explanations ({doc}`chapters/r2_rivals`) | " if rivals_col else "")
            + "statement (each part tagged with its source) |",
            "|---|---|---|" + ("---|" if rivals_col else ""),
        ]
        for c in group:
            ref = f"chapters/{c.chapter}.ipynb"
            built = (
                f" Built into this model: {len(c.built_in)} condition(s), see "
                f"[{c.id}](#claim-{c.id.lower()})."
                if c.built_in
                else ""
            )
            col = (
                f"{rivals_verdict(c.id, rivals) or 'not in the rival comparison'} | "
                if rivals_col
                else ""
            )
            out.append(
                f"| [{c.id}](#claim-{c.id.lower()}) | "
                f"{{glue:text}}`{ref}::{c.verdict}_sentence:s`{built} "
                f"| {col}{tagged_statement(c)} |"
            )
        out += [
            "",
            "The verdict is that of the chapter's default run, worded by the kind of result it is: "
            "*sufficient in the model* (a virtual experiment on the book's model shows the "
            "proposed mechanism "
            "can produce the finding; not that the paper's cells behave this way), *illustration* "
            "(the in-vivo "
            "sketch), *consistent with public data* (point estimates; no test decides), *shown* or "
            "*not shown* "
            "(a test with its p value decides), *demonstration* (a simulated stand-in; no verdict) "
            "or "
            "*undefined* (the deciding quantity could not be computed). The share is how much of "
            "the model's "
            "plausible parameter space the rule holds in ({doc}`chapters/r1_robustness`).",
            "",
        ]
        if not (origin == "paper" and rivals is not None):
            out += [":::", ""]
        if origin == "paper" and rivals is not None:
            out += [
                "The rival-explanations column is computed from the rival-model comparison "
                f"(`data/rivals/summary.json`, {rivals.get('samples', '?')} draws per model, "
                "noise-free model "
                "runs): a rival (R1-R6) is ruled out when one of the claim's observations holds in "
                "under "
                f"{format_share(float(rivals.get('rule_out_below', 0.05)))} of its plausible space "
                "(upper end of "
                "the 95% interval); the others cannot be told apart from the heterodimer model by "
                "this claim.",
                "",
                ":::",
                "",
            ]
    out += [
        "## Claim by claim",
        "",
        "Each check's statement, evidence, rule, metrics, robustness and counterfactuals "
        "(tap a check to open it):",
        "",
    ]
    read: dict[Path, dict] = {}  # chapters that hold several claims are read once
    for c in sorted(claims, key=lambda c: list(ORIGINS).index(c.origin)):
        if c.executed not in read:
            read[c.executed] = glued_values(c.executed) if c.executed.is_file() else {}
        values = read[c.executed]
        ref = f"chapters/{c.chapter}.ipynb"
        rows = ["| metric | value | unit |", "|---|---|---|"]
        for m in c.metrics:
            meta = metrics[m]
            rows.append(
                f"| {meta.label} | "
                f"{{glue:text}}`{ref}::{m}{_fmt_for(values.get(m, 0.0), meta.format)}` "
                f"| {meta.unit} |"
            )
        out += [
            f"(claim-{c.id.lower()})=",
            f"::::{{dropdown}} {c.id} · {c.sources[0].text}",
            "",
            f"**{'Claim' if c.origin == 'paper' else 'Book check'}:** {tagged_statement(c)}",
            "",
            f"- **{'Where in the paper' if c.origin == 'paper' else 'Context'}:** {c.figure}",
            f"- **Evidence:** {EVIDENCE_KINDS[c.evidence]}"
            + (f" ({c.evidence_note})" if c.evidence_note else "")
            + (
                f"; this run: {{glue:text}}`{ref}::{c.evidence_label}:s`"
                if c.evidence_label
                else ""
            ),
            *(
                ["- **Verdict kinds:** " + "; ".join(VERDICT_KINDS[k] for k in c.verdict_kinds)]
                if len(c.verdict_kinds) > 1
                else []
            ),
            f"- **Chapter:** {{doc}}`{ref[:-6]}`",
            f"- **Verdict of the default run:** {{glue:text}}`{ref}::{c.verdict}_sentence:s`",
            f"- **Rule:** the rule holds if {c.rule}.",
            *built_in_lines(c),
            "- **Metrics of the default run:**",
            "",
            *rows,
            "",
            *_budget_line(c.id),
            *(
                [
                    "- **Rival explanations** (rival-model comparison, model; "
                    f"{{doc}}`chapters/r2_rivals`): "
                    f"{rivals_verdict(c.id, rivals)}."
                ]
                if c.origin == "paper" and rivals_verdict(c.id, rivals)
                else []
            ),
            "- **Counterfactuals** (the rule's expected outcome; an undefined outcome is never "
            "counted as a "
            "flip): "
            + "; ".join(
                ", ".join(f"{plain(k, code=False)} (`{k}`) = {v}" for k, v in cf.parameters.items())
                + (
                    " (expected on the stand-in: the rule "
                    f"{'passes' if cf.expect else 'does not pass'}, margin "
                    f"{'> 0' if cf.expect else '<= 0'}; still a demonstration; {cf.why})"
                    if c.demonstration
                    else " (expected: "
                    f"{cf.outcome}{'' if c.flips(cf) or cf.undefined else ', as by default'}"
                    f"{', not a flip' if cf.undefined else ''}; {cf.why})"
                )
                for cf in c.counterfactuals
            ),
            "",
            "::::",
            "",
        ]
    return "\n".join(out)
