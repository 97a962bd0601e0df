"""The claims registry (notebooks/claims.yml): loading, checking and rendering the claims page."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .chapter import EVIDENCE_KINDS
from ..claims.base import VERDICT_KINDS
from .execute import EXECUTED, ROOT, glued_values
from ..model.params import ALL_PARAMS

REGISTRY = ROOT / "notebooks" / "claims.yml"


@dataclass(frozen=True)
class Counterfactual:
    parameters: dict[str, Any]
    expect: bool
    why: str


@dataclass(frozen=True)
class Claim:
    id: str
    figure: str
    statement: str
    evidence: str
    notebook: str
    verdict: str
    metrics: list[str]
    rule: str
    counterfactuals: list[Counterfactual] = field(default_factory=list)
    evidence_note: str = ""
    #: verdict kinds the chapter can give (keys of claims.base.VERDICT_KINDS); default: just ``evidence``
    verdict_kinds: tuple[str, ...] = ()
    #: the kind the default (offline) run gives; "demonstration" = a stand-in, whose verdict glue is None
    default_kind: str = ""
    #: glue key of the rule's signed margin (> 0 exactly when the rule passes): what a demonstration's
    #: counterfactuals are checked on, since a demonstration has no verdict
    margin: str = ""
    #: glue key of a text naming the data the run used (shown in the claims list instead of the fixed label)
    evidence_label: str = ""

    @property
    def demonstration(self) -> bool:
        """Whether the default run is a demonstration on a stand-in (no verdict)."""
        return self.default_kind == "demonstration"

    @property
    def chapter(self) -> str:
        return Path(self.notebook).stem

    @property
    def executed(self) -> Path:
        return EXECUTED / f"{self.chapter}.ipynb"


class RegistryError(ValueError):
    """The registry file is malformed."""


def load(path: Path = REGISTRY) -> list[Claim]:
    """Load and check the registry: fields present, evidence kinds known, parameters declared."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("claims"), list):
        raise RegistryError(f"{path}: expected a list under 'claims:'")
    claims, seen = [], set()
    required = ("id", "figure", "statement", "evidence", "notebook", "verdict", "metrics", "rule",
                "counterfactuals")
    for i, c in enumerate(doc["claims"]):
        missing = [k for k in required if k not in c]
        if missing:
            raise RegistryError(f"{path}: claim #{i + 1} lacks {', '.join(missing)}")
        if c["id"] in seen:
            raise RegistryError(f"{path}: duplicate claim id {c['id']}")
        seen.add(c["id"])
        if c["evidence"] not in EVIDENCE_KINDS:
            raise RegistryError(f"{path}: claim {c['id']}: evidence must be one of {', '.join(EVIDENCE_KINDS)}")
        if not (ROOT / c["notebook"]).is_file():
            raise RegistryError(f"{path}: claim {c['id']}: notebook {c['notebook']} does not exist")
        cfs = []
        for cf in c["counterfactuals"]:
            unknown = [k for k in cf["parameters"] if k not in ALL_PARAMS]
            if unknown:
                raise RegistryError(f"{path}: claim {c['id']}: unknown parameter(s) {', '.join(unknown)}")
            cfs.append(Counterfactual(dict(cf["parameters"]), bool(cf["expect"]), str(cf["why"])))
        kinds = tuple(c.get("verdict_kinds") or (c["evidence"],))
        bad = [k for k in kinds if k not in VERDICT_KINDS]
        if bad:
            raise RegistryError(f"{path}: claim {c['id']}: verdict_kinds {', '.join(bad)} unknown; valid: "
                                f"{', '.join(VERDICT_KINDS)}")
        default_kind = str(c.get("default_kind") or c["evidence"])
        if default_kind not in kinds:
            raise RegistryError(f"{path}: claim {c['id']}: default_kind {default_kind} is not in verdict_kinds")
        if default_kind == "demonstration" and not c.get("margin"):
            raise RegistryError(f"{path}: claim {c['id']}: a demonstration default needs 'margin' (the glue key "
                                "of the rule's signed margin) for its counterfactuals")
        claims.append(Claim(c["id"], c["figure"], " ".join(c["statement"].split()), c["evidence"],
                            c["notebook"], c["verdict"], list(c["metrics"]), " ".join(c["rule"].split()), cfs,
                            " ".join(str(c.get("evidence_note", "")).split()), kinds, default_kind,
                            str(c.get("margin", "")), str(c.get("evidence_label", ""))))
    return claims


def _fmt_for(value: Any) -> str:
    if isinstance(value, bool):
        raise RegistryError("a metric must be a number or text; booleans belong in 'verdict'")
    if isinstance(value, str):
        return ":s"
    if isinstance(value, int):
        return ":d"
    return ":.3g"


def render_page(claims: list[Claim]) -> str:
    """The claims list (MyST, included by book/claims.md), every verdict and metric a glue reference into an executed notebook."""
    out: list[str] = ["| claim | evidence | verdict of the default run |", "|---|---|---|"]
    for c in claims:
        ref = f"chapters/{c.chapter}.ipynb"
        evidence = (f"{{glue:text}}`{ref}::{c.evidence_label}:s`" if c.evidence_label
                    else EVIDENCE_KINDS[c.evidence])
        out.append(f"| [{c.id}](#claim-{c.id.lower()}) {c.statement[:90]}{'...' if len(c.statement) > 90 else ''} "
                   f"| {evidence} | **{{glue:text}}`{ref}::{c.verdict}_text:s`** |")
    out.append("")
    read: dict[Path, dict] = {}  # chapters that hold several claims are read once
    for c in claims:
        if c.executed not in read:
            read[c.executed] = glued_values(c.executed) if c.executed.is_file() else {}
        values = read[c.executed]
        ref = f"chapters/{c.chapter}.ipynb"
        out += [f"(claim-{c.id.lower()})=", f"## {c.id}", "", f"**Claim:** {c.statement}", "",
                f"- **Where in the paper:** {c.figure}",
                f"- **Evidence:** {EVIDENCE_KINDS[c.evidence]}" + (f" ({c.evidence_note})" if c.evidence_note else "")
                + (f"; this run: {{glue:text}}`{ref}::{c.evidence_label}:s`" if c.evidence_label else ""),
                *([f"- **Verdict kinds:** " + "; ".join(VERDICT_KINDS[k] for k in c.verdict_kinds)]
                  if len(c.verdict_kinds) > 1 else []),
                f"- **Chapter:** {{doc}}`{ref[:-6]}`",
                f"- **Verdict of the default run:** **{{glue:text}}`{ref}::{c.verdict}_text:s`**",
                f"- **Rule:** {c.rule}",
                "- **Metrics:** " + "; ".join(
                    f"`{m}` = {{glue:text}}`{ref}::{m}{_fmt_for(values.get(m, 0.0))}`" for m in c.metrics),
                "- **Must flip under:** " + "; ".join(
                    ", ".join(f"`{k}={v}`" for k, v in cf.parameters.items())
                    + (f" (expected on the stand-in: the rule {'passes' if cf.expect else 'does not pass'}, margin "
                       f"{'> 0' if cf.expect else '<= 0'}; still a demonstration; {cf.why})" if c.demonstration
                       else f" (expected verdict: {'supported' if cf.expect else 'not supported'}; {cf.why})")
                    for cf in c.counterfactuals),
                ""]
    return "\n".join(out)
