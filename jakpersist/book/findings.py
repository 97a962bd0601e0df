"""What the book found, for a reader in a hurry: the landing page's findings block and each claim
chapter's "at a glance" card.

Both are generated (``jakbook generate`` writes ``book/generated/findings.md`` and
``book/generated/glance/<chapter>.md``) from the claims registry, the glued values of the executed
chapters and the robustness atlas's summary; no number in them is typed by hand. Every number is
written inside ``<span class="jak-num" data-src="...">`` naming where it comes from
(``glue:<chapter>:<key>`` or ``atlas:<claim>:<field>``), so that a test can read it off the built
page and compare it with its source.

The verdict sentence comes from one function, :func:`verdict_wording`.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..claims.wording import format_share
from .budget import CHAPTER_CLAIMS, load_summary
from .chapter import EVIDENCE_KINDS
from .execute import EXECUTED as EXECUTED_DIR, ROOT, glued_values
from .registry import Claim, load, load_metrics

TOC = ROOT / "_toc.yml"


@dataclass(frozen=True)
class KeyResult:
    """The number and figure a claim is summarised by (page layout only; the numbers are glued by
    the chapter).

    ``value`` is a glue key listed in the registry's ``metrics:`` table (its label, unit and format
    are used); ``lo``/``hi`` are the glue keys of its 95% interval ("" when the chapter computes
    none); ``figure`` is the name of the chapter's figure that shows it; ``evidence`` overrides the
    registry's evidence label; ``label`` overrides the registry's label of the number (where the
    card needs to say more than a table column does), and ``unit`` its unit.
    """

    value: str
    lo: str
    hi: str
    figure: str
    evidence: str = ""
    label: str = ""
    unit: str = ""


#: claim id -> the key number (with its interval) and the key figure of its chapter
KEY_RESULTS: dict[str, KeyResult] = {
    "C1": KeyResult(
        "c1_fold_ruxolitinib", "c1_fold_lo_ruxolitinib", "c1_fold_hi_ruxolitinib", "c1-folds"
    ),
    "C2": KeyResult("c2_coip_jak1_fold", "", "", "c2-coip"),
    "C3": KeyResult(
        "c3_fold_withdrawn",
        "c3_fold_lo_withdrawn",
        "c3_fold_hi_withdrawn",
        "c3-course",
        label="GI50 of the cells after withdrawal, as a fold of the naive (parental) cells' GI50",
    ),
    "C4": KeyResult("c4_jak2_persistent", "", "", "c4-qpcr"),
    "C6": KeyResult("c6_growth_persistent", "", "", "c6-knockdown"),
    "C7": KeyResult("c7_puh71_ratio", "c7_puh71_ratio_lo", "c7_puh71_ratio_hi", "c7-curves"),
    "C8": KeyResult("c8_allele_cells", "", "", "c8-alleles"),
    "C0": KeyResult(
        "c0_spleen_end",
        "",
        "",
        "c0-illustration",
        "model only: an illustration of the clinical course, not an experiment",
    ),
    "C5": KeyResult(
        "c5_share_fold",
        "",
        "",
        "c0-illustration",
        "model only: an illustration of the clinical course, not an experiment",
    ),
    "G1": KeyResult(
        "g1_pct_ruxolitinib",
        "",
        "",
        "g1-distribution",
        unit="percentile of the screened lines (the lower, the more sensitive)",
    ),
    "H1": KeyResult("h1_confound_rho", "", "", "h1-confound", unit="(Spearman's rho)"),
}

#: chapters without a claim of their own whose at-a-glance card summarises a whole analysis
#: (robustness atlas, rival models), with the figure its thumbnail shows
ANALYSIS_FIGURES = {"r1_robustness": "r1-tipping", "r2_rivals": "r2-matrix"}
RIVALS_DIR = ROOT / "data" / "rivals"


def toc_chapters(toc: Path = TOC) -> list[str]:
    """Chapter stems (``c1_persistence``) in the order of the site's sidebar (``_toc.yml``)."""
    import yaml

    doc = yaml.safe_load(toc.read_text(encoding="utf-8"))
    files = [ch["file"] for part in doc.get("parts", []) for ch in part.get("chapters", [])]
    return [Path(f).name for f in files if Path(f).parent.name == "chapters"]


def _id_key(cid: str) -> tuple[str, int, str]:
    m = re.fullmatch(r"([A-Za-z]+)(\d+)(.*)", cid)
    return (m.group(1), int(m.group(2)), m.group(3)) if m else (cid, 0, "")


def display_order(claims: list[Claim], *, toc: Path = TOC) -> list[Claim]:
    """The claims in the order every page shows them: the paper's claims by ID (C0, C1, ..., the
    sidebar puts their chapters in the order of their first ID), then the book's own checks in the
    sidebar's order."""
    chapters = toc_chapters(toc)

    def key(c: Claim) -> tuple:
        where = chapters.index(c.chapter) if c.chapter in chapters else len(chapters)
        return (0, 0, _id_key(c.id)) if c.origin == "paper" else (1, where, _id_key(c.id))

    return sorted(claims, key=key)


def verdict_wording(claim: Claim, values: dict[str, Any]) -> str:
    """The verdict sentence of ``claim`` as its executed chapter glued it (``<verdict key>_text``).

    Parameters
    ----------
    claim
        A registry entry.
    values
        The glued values of the claim's executed chapter
        (:func:`jakpersist.book.execute.glued_values`).

    Returns
    -------
    str
        The verdict in words, e.g. "supported". The one place the findings block and the at-a-glance
        cards take their verdict wording from.

    Raises
    ------
    KeyError
        When the chapter glued no verdict text for the claim.
    """
    return str(values[claim.verdict + "_text"])


def num(text: str, src: str) -> str:
    """A number on the page, tagged with where it comes from (``glue:<chapter>:<key>`` or
    ``atlas:...``)."""
    return f'<span class="jak-num" data-src="{html.escape(src)}">{html.escape(text)}</span>'


def _fmt(value: Any, spec: str) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    if isinstance(value, float) and math.isnan(value):
        return "not estimable"
    return format(value, spec)


def _glued(claim: Claim, key: str, spec: str, values: dict[str, Any]) -> str:
    return num(_fmt(values[key], spec), f"glue:{claim.chapter}:{key}:{spec}")


def _share(cid: str, s: dict[str, Any] | None, *, interval: bool = True) -> str:
    """ "holds in 11% of the plausible space (95% interval 7% to 15%)", or a sentence that the atlas
    lacks it."""
    r = (s or {}).get("claims", {}).get(cid)
    if not r:
        return "not in the robustness atlas"
    text = f"holds in {num(format_share(r['share']), f'atlas:{cid}:share')} of the plausible space"
    if interval:
        text += (
            f" (95% interval {num(format_share(r['share_lo']), f'atlas:{cid}:share_lo')} to "
            f"{num(format_share(r['share_hi']), f'atlas:{cid}:share_hi')})"
        )
    return text


def key_number(claim: Claim, values: dict[str, Any], *, explain: bool = True) -> str:
    """The claim's key number with its unit and 95% interval, each number tagged with its glue key;
    with ``explain``, what the number means where its label alone does not say (C3: the rule's
    reading of it)."""
    k = KEY_RESULTS[claim.id]
    m = load_metrics()[k.value]
    unit = f" {k.unit}" if k.unit else "" if m.unit in ("", "1") else f" {m.unit}"
    text = f"{k.label or m.label}: **{_glued(claim, k.value, m.format, values)}**{unit}"
    if k.lo and k.hi and k.lo in values and k.hi in values:
        text += (
            f" (95% interval {_glued(claim, k.lo, m.format, values)} to "
            f"{_glued(claim, k.hi, m.format, values)})"
        )
    else:
        text += " (no interval computed for this number)"
    if explain and claim.id == "C3":
        text += _c3_reading(claim, values)
    return text


def _rule(cid: str, attr: str, spec: str = "g") -> str:
    """A threshold of a claim's rule, tagged ``rule:<claim>:<attribute>:<format>``."""
    from ..claims.c3_reversibility import RULE3

    rule = {"C3": RULE3}[cid]
    return num(format(getattr(rule, attr), spec), f"rule:{cid}:{attr}:{spec}")


def _c3_reading(claim: Claim, values: dict[str, Any]) -> str:
    """What C3's key number means: a fold of one is the parental cells' sensitivity; the rule's
    thresholds."""
    m = load_metrics()["c3_fold_persistent"]
    on_drug = (
        "; on drug, before withdrawal, it was "
        f"{_glued(claim, 'c3_fold_persistent', m.format, values)}-fold"
        if "c3_fold_persistent" in values
        else ""
    )
    return (
        f"{on_drug}. A fold of one is the parental cells' sensitivity; the rule calls persistence "
        "*reverted* "
        f"when the fold falls to at most {_rule('C3', 'max_withdrawn_fold')} after withdrawal, "
        "having been at "
        f"least {_rule('C3', 'min_fold')} on drug"
    )


def _values(claim: Claim, cache: dict[Path, dict[str, Any]]) -> dict[str, Any]:
    if claim.executed not in cache:
        cache[claim.executed] = glued_values(claim.executed) if claim.executed.is_file() else {}
    return cache[claim.executed]


def _evidence(claim: Claim) -> str:
    k = KEY_RESULTS.get(claim.id)
    return k.evidence if k and k.evidence else EVIDENCE_KINDS[claim.evidence]


def _headline(claim: Claim) -> str:
    """The claim's first statement part: what it says, without the qualifications."""
    return claim.sources[0].text


def glance(
    chapter: str,
    claims: list[Claim],
    *,
    summary: dict[str, Any] | None = None,
    cache: dict[Path, dict[str, Any]] | None = None,
) -> str:
    """The "at a glance" card of one chapter (MyST): for each of its claims the claim, the evidence,
    the verdict with its figure, the key number with its interval and the robustness share; a
    thumbnail of each key figure (filled in by the site's script from the figure itself) links to
    the figure."""
    cache = {} if cache is None else cache
    mine = [c for c in display_order(claims) if c.chapter == chapter and c.id in KEY_RESULTS]
    figures = list(dict.fromkeys(KEY_RESULTS[c.id].figure for c in mine))
    out = ["::::{div} jak-glance", "", "**At a glance**", "", *_thumbs(figures)]
    for c in mine:
        values = _values(c, cache)
        k = KEY_RESULTS[c.id]
        out += [
            f"- **{c.id}** · {_headline(c)} "
            "("
            + (
                "paraphrased; parts and sources below"
                if c.origin == "paper"
                else "a check of this book"
            )
            + ")",
            f"  - **Evidence:** {_evidence(c)}",
            f"  - **Verdict of this run:** **{verdict_wording(c, values)}** "
            f"({{numref}}`{k.figure}`)",
            f"  - **Key number:** {key_number(c, values)}",
            f"  - **Robustness:** {_share(c.id, summary)} ({{doc}}`r1_robustness`)"
            if c.evidence == "model"
            else "  - **Robustness:** not a model result, so the robustness atlas (which varies "
            "the model's "
            "parameters) does not apply; the chapter's counterfactuals say what would change it",
        ]
    out += ["", "::::", ""]
    return "\n".join(out)


def _thumbs(figures: list[str]) -> list[str]:
    """The card's key-figure links (the site's script puts a thumbnail of each figure in its link),
    first in the card so that on a phone the thumbnail sits beside the verdict, on the first
    screen."""
    return [
        ":::{div} jak-thumbs",
        *[
            f"{{numref}}`Key figure: Book figure %s <{f}>`" + ("" if i == len(figures) - 1 else " ")
            for i, f in enumerate(figures)
        ],
        ":::",
        "",
    ]


def load_rivals(folder: Path = RIVALS_DIR) -> dict[str, Any] | None:
    """The rival-model comparison's summary (``data/rivals/summary.json``), or None when ``make
    rivals`` has not been run."""
    f = folder / "summary.json"
    return json.loads(f.read_text(encoding="utf-8")) if f.is_file() else None


def _rv(section: str, model: str, field: str, value: Any, spec: str) -> str:
    """A number of the rival comparison, tagged ``rivals:<section>:<model>:<field>:<format>``."""
    return num(_fmt(value, spec), f"rivals:{section}:{model}:{field}:{spec}")


def _ratio(section: str, model: str, c: dict[str, Any]) -> str:
    bf = c["bayes_factor"]
    if bf["kind"] == "upper bound":
        return (
            f"below {_rv(section, model, 'bf.hi', bf['hi'], '.2g')} (never reproduced; rule of "
            "three)"
        )
    if bf["kind"] == "lower bound":
        return (
            f"above {_rv(section, model, 'bf.lo', bf['lo'], '.2g')} (H0 never reproduces them; "
            "rule of three on H0)"
        )
    if bf["kind"] == "undefined":
        return "undefined (neither H0 nor this model reproduces them)"
    return (
        f"{_rv(section, model, 'bf.ratio', bf['ratio'], '.2g')} (95% interval "
        f"{_rv(section, model, 'bf.lo', bf['lo'], '.2g')} to "
        f"{_rv(section, model, 'bf.hi', bf['hi'], '.2g')})"
    )


def _models(section: dict[str, Any]) -> dict[str, Any]:
    return section.get("models", section)


def rivals_headline(s: dict[str, Any] | None, *, chapter_link: bool = True) -> list[str]:
    """Two sentences from the rival comparison: which models survive every Nature-abstract
    observation (with each rival's ratio to H0 or its bound), and which is favoured on the
    mechanism-only observations."""
    if not s:
        return ["The rival comparison has not been computed (`make rivals`)."]
    comp = s["comparison"]
    rivals = [m for m in comp if m != "H0"]
    alive = [m for m in rivals if comp[m]["survives"]]
    dead = [m for m in rivals if not comp[m]["survives"]]
    h0 = comp["H0"]
    first = (
        f"Each rival mechanism ({', '.join(rivals)}) was run through the same virtual experiments "
        "and rules "
        "({doc}`chapters/r2_rivals`). "
        if chapter_link
        else ""
    )  # the chapter's card says so above
    first += (
        f"Under every observation of the Nature abstract together, the heterodimer model H0 "
        f"reproduces them in {_rv('comparison', 'H0', 'k', h0['k'], 'd')} of "
        f"{_rv('comparison', 'H0', 'n', h0['n'], ',d')} draws; "
    )
    bounds = {format(comp[m]["bayes_factor"]["hi"], ".2g") for m in dead}
    if (
        dead
        and len(bounds) == 1
        and all(comp[m]["bayes_factor"]["kind"] == "upper bound" for m in dead)
    ):
        m = dead[
            0
        ]  # one bound for all (the same draws per model): said once, tagged with the first
        first += (
            f"the findings rule out {'every rival' if not alive else ', '.join(dead)}: none "
            "reproduces them "
            f"in any of its {_rv('comparison', m, 'n', comp[m]['n'], ',d')} draws, a ratio to H0 "
            "below "
            f"{_rv('comparison', m, 'bf.hi', comp[m]['bayes_factor']['hi'], '.2g')} for each (rule "
            "of three)"
        )
    elif dead:
        first += "the findings rule out " + "; ".join(
            f"{m} (ratio to H0 {_ratio('comparison', m, comp[m])})" for m in dead
        )
    if alive:
        first += (
            ("; " if dead else "")
            + "they cannot rule out "
            + "; ".join(f"{m} (ratio to H0 {_ratio('comparison', m, comp[m])})" for m in alive)
        )
    first += "."
    wo = s.get("comparison_without_coip")
    if dead and wo:
        back = [m for m in _models(wo) if m != "H0" and _models(wo)[m]["survives"]]
        first += (
            " That is partly by construction: "
            + (
                f"{', '.join(s['by_construction']['C2 co-IP'])} hold the partner pool fixed by "
                "definition, so none of them can show the co-IP rise"
                if s.get("by_construction", {}).get("C2 co-IP")
                else "no rival changes the partner pool, so none can show the co-IP rise"
            )
            + "; without that observation "
            + (
                f"{', '.join(back)} cannot be ruled out."
                if back
                else "every rival is still ruled out."
            )
        )
    mech = s.get("comparison_by_mechanism")
    out = [first]
    if mech:
        mm = _models(mech)
        best = max(
            mm,
            key=lambda m: (
                mm[m]["bayes_factor"]["kind"] == "estimate",
                mm[m]["bayes_factor"]["ratio"],
            ),
        )
        survive = [m for m in mm if mm[m]["survives"]]
        title = s["models"][best]["title"]
        second = (
            "On the observations no rival fails by its definition "
            f"({', '.join(mech['observations'])}), "
            f"{', '.join(survive) if survive else 'no model'} cannot be ruled out, and the most "
            "favoured is "
            f"**{best}**, {title}"
        )
        second += (
            f": ratio to H0 {_ratio('comparison_by_mechanism', best, mm[best])}."
            if best != "H0"
            else "."
        )
        out.append(second)
    lit = s.get("comparison_by_mechanism_with_literature")
    if mech and lit:
        sec = "comparison_by_mechanism_with_literature"
        lm, h0l = _models(lit), _models(lit)["H0"]
        ahead = [
            m
            for m in lm
            if m != "H0"
            and lm[m]["bayes_factor"]["kind"] in ("estimate", "lower bound")
            and lm[m]["bayes_factor"]["lo"] > 1.0
        ]
        third = (
            "With the published result that type-I-persistent "
            "cells stay sensitive to the type II inhibitor CHZ868 (Meyer et al., Cancer Cell) "
            "added to those observations, H0 reproduces them in "
            f"{_rv(sec, 'H0', 'k', h0l['k'], ',d')} of {_rv(sec, 'H0', 'n', h0l['n'], ',d')} draws"
        )
        third += (
            "; "
            + "; ".join(f"{m}: ratio to H0 {_ratio(sec, m, lm[m])}" for m in ahead)
            + " (each more often than H0 even at the lower end of its interval or bound: H0 as "
            "modelled "
            "is disfavoured by it)."
            if ahead
            else "."
        )
        out.append(third)
    return out


def analysis_glance(
    chapter: str,
    *,
    summary: dict[str, Any] | None = None,
    rivals: dict[str, Any] | None = None,
    claims: list[Claim] | None = None,
) -> str:
    """The "at a glance" card of an analysis chapter (robustness atlas, rival models; MyST): what it
    asks, the evidence, the result in numbers (each tagged with its source) and a thumbnail of its
    key figure."""
    figure = ANALYSIS_FIGURES[chapter]
    out = ["::::{div} jak-glance", "", "**At a glance**", "", *_thumbs([figure])]
    if chapter == "r1_robustness":
        out += [
            "- **What it asks:** over the plausible range of every model parameter at once, how "
            "much of the "
            "space supports each verdict, and what the verdicts jointly require (an analysis of "
            "this book, not "
            "a claim of the paper)"
        ]
        s = summary or {}
        if not s.get("claims"):
            out += ["- **Result:** the robustness atlas has not been computed (`make atlas`)"]
        else:
            out += [
                "- **Evidence:** model (the robustness atlas: "
                f"{num(str(s['samples']), 'atlas:samples')}-point "
                "Sobol' design, noise-free model), not the paper's data"
            ]
            paper = {c.id for c in (claims or []) if c.origin == "paper"}
            ids = [c for c in s["claims"] if not paper or c in paper]
            lo = min(ids, key=lambda c: s["claims"][c]["share"])
            hi = max(ids, key=lambda c: s["claims"][c]["share"])
            out += [
                "- **Claim by claim:** a rule holds in between "
                f"{num(format_share(s['claims'][lo]['share']), f'atlas:{lo}:share')} "
                f"({lo}) and {num(format_share(s['claims'][hi]['share']), f'atlas:{hi}:share')} "
                f"({hi}) of the "
                f"plausible space ({{numref}}`{figure}`)"
            ]
            j = s.get("joint")
            if j:
                out += [
                    f"- **Together:** the paper's claims ({', '.join(j['claims'])}) all hold at "
                    f"{num(str(j['n_inside']), 'atlas:joint:n_inside')} of "
                    f"{num(str(j['n']), 'atlas:joint:n')} "
                    f"points: {num(format_share(j['share']), 'atlas:joint:share')} of the space "
                    "(95% interval "
                    f"{num(format_share(j['share_lo']), 'atlas:joint:share_lo')} to "
                    f"{num(format_share(j['share_hi']), 'atlas:joint:share_hi')}) "
                    f"({{numref}}`r1-joint`)"
                ]
    elif chapter == "r2_rivals":
        out += [
            "- **What it asks:** do the paper's observations favour trans-activation in "
            "heterodimers (H0) over "
            "the other ways cells persist under a JAK2 inhibitor (an analysis of this book, not a "
            "claim of the "
            "paper)?"
        ]
        if not rivals:
            out += ["- **Result:** the rival comparison has not been computed (`make rivals`)"]
        else:
            out += [
                "- **Evidence:** model variants "
                f"({_rv('samples', 'all', 'samples', rivals['samples'], ',d')} "
                "independent draws per model, noise-free), not the paper's data"
            ]
            head = rivals_headline(rivals, chapter_link=False)
            out += [f"- **Every Nature-abstract observation:** {head[0]} ({{numref}}`{figure}`)"]
            if len(head) > 1:
                out += [f"- **Mechanism only:** {head[1]}"]
            if len(head) > 2:
                out += [f"- **Later literature (apart):** {head[2]}"]
    out += ["", "::::", ""]
    return "\n".join(out)


def findings(
    claims: list[Claim],
    *,
    summary: dict[str, Any] | None = None,
    cache: dict[Path, dict[str, Any]] | None = None,
    rivals: dict[str, Any] | None = None,
) -> str:
    """The landing page's "What this book found" block (MyST), from the registry, the executed
    chapters and the atlas."""
    cache = {} if cache is None else cache
    claims = display_order(claims)
    paper = [c for c in claims if c.origin == "paper"]
    book = [c for c in claims if c.origin == "book"]
    real = [
        c for c in paper if c.evidence in ("public-data", "reader-data") and not c.demonstration
    ]
    model_only = [c for c in paper if c.evidence == "model"]
    out = [
        "(what-this-book-found)=",
        "## What this book found",
        "",
        "::::{div} jak-findings",
        "",
        "- **The paper's claims, on the book's model.** Of its "
        f"{num(str(len(paper)), 'registry:paper')} claims, "
        f"{num(str(len(model_only)), 'registry:paper-model')} are tested on the book's mechanistic "
        "model: "
        "a verdict there says whether the proposed mechanism is *sufficient* to produce the "
        "reported behaviour, "
        "not that real cells behave this way.",
        f"- **Not tested on the paper's own data.** {num(str(len(real)), 'registry:paper-real')} "
        "of "
        f"{num(str(len(paper)), 'registry:paper')} claims are tested on real measurements: the "
        "paper's "
        "viability curves, blots, immunoprecipitations, qPCR, mouse and patient data are not "
        "public, and its "
        "expression series (GEO GSE38335) could not be downloaded where this book is built (`make "
        "data` "
        "fetches it where the internet is reachable).",
    ]
    r = (summary or {}).get("joint")
    if r:
        together = (
            "all of the paper's claims"
            if set(r.get("claims", [])) == {c.id for c in paper}
            else "claims " + ", ".join(r.get("claims", []))
        )
        out.append(
            f"- **How robust.** Across the plausible range of every model parameter, {together} "
            f"hold together in {num(format_share(r['share']), 'atlas:joint:share')} of the space "
            f"(95% interval {num(format_share(r['share_lo']), 'atlas:joint:share_lo')} to "
            f"{num(format_share(r['share_hi']), 'atlas:joint:share_hi')}; "
            f"{num(str(r['n_inside']), 'atlas:joint:n_inside')} of "
            f"{num(str(r['n']), 'atlas:joint:n')} "
            "points; {doc}`chapters/r1_robustness`)."
        )
    if rivals is not None:
        head = rivals_headline(rivals)
        if len(head) > 2:  # the later literature, said apart
            head[2] = "Later literature, reported apart. " + head[2]
        out.append("- **Rival explanations.** " + " ".join(head))
    restored = [
        c.id
        for c in paper
        if not c.default_verdict
        and any(
            cf.expect is True and cf.parameters == {"trans_gating": 0.0} for cf in c.counterfactuals
        )
    ]
    if restored:
        out.append(
            "- **The paper's mechanism, made drug-specific.** When the heterodimer escape depends "
            "on how "
            "little each drug blocks the partner kinases JAK1 and TYK2 (enzyme IC50 ratios; "
            "sources and "
            f"assumptions on {{doc}}`model`), {', '.join(restored)} are not reproduced at the "
            "model's defaults: in those ratios ruxolitinib blocks JAK1 about as well as JAK2. Each "
            "is reproduced again when the escape is "
            "made drug-agnostic, whatever the drug does to the partner (a registered "
            "counterfactual). Why, and what would "
            "tell the two apart: {doc}`chapters/r2_rivals`."
        )
    out += [
        "",
        "Claim by claim (verdict of the default run; share of the model's plausible space where it "
        "holds):",
        "",
    ]
    for c in paper:
        values = _values(c, cache)
        kind = (
            "model-only illustration"
            if KEY_RESULTS.get(c.id) and KEY_RESULTS[c.id].evidence
            else "model"
        )
        out.append(
            f"- [{c.id}](chapters/{c.chapter}.ipynb) {_headline(c)}: "
            f"**{verdict_wording(c, values)}** "
            f"({kind}); {_share(c.id, summary, interval=False)}."
        )
    out += ["", "The book's own checks put the claims in context:", ""]
    for c in book:
        values = _values(c, cache)
        what = "simulated stand-in: decides nothing" if c.demonstration else "public data"
        out.append(
            f"- [{c.id}](chapters/{c.chapter}.ipynb) {_headline(c)}: "
            f"**{verdict_wording(c, values)}** ({what})."
        )
    out += ["", "::::", ""]
    return "\n".join(out)


def key_figure(chapter: str, name: str) -> tuple[str, str] | None:
    """The SVG and alt text of the figure ``name`` of an executed chapter (the cell whose
    ``mystnb.figure.name`` is ``name``), or None when the chapter has not been executed or draws no
    such figure."""
    f = Path(EXECUTED_DIR) / f"{chapter}.ipynb"
    if not f.is_file():
        return None
    for cell in json.loads(f.read_text(encoding="utf-8")).get("cells", []):
        meta = cell.get("metadata", {}).get("mystnb", {})
        if meta.get("figure", {}).get("name") != name:
            continue
        for out in cell.get("outputs", []):
            svg = out.get("data", {}).get("image/svg+xml")
            if svg:
                return ("".join(svg) if isinstance(svg, list) else svg), str(
                    meta.get("image", {}).get("alt", "")
                )
    return None


def thumbnails(claims: list[Claim]) -> dict[str, str]:
    """``thumbs/<figure>.svg`` -> the SVG of each claim's key figure, copied from its executed
    chapter (the claims page shows them; Sphinx copies them beside the page)."""
    out = {}
    for c in claims:
        k = KEY_RESULTS.get(c.id)
        fig = key_figure(c.chapter, k.figure) if k else None
        if fig:
            out[f"thumbs/{k.figure}.svg"] = fig[0]
    return out


def _plain(text: str) -> str:
    """Text for a Markdown image's alt text (no brackets or line breaks)."""
    return " ".join(text.replace("[", "(").replace("]", ")").split())


def overview(
    claims: list[Claim],
    *,
    summary: dict[str, Any] | None = None,
    cache: dict[Path, dict[str, Any]] | None = None,
) -> str:
    """The claims page's overview (MyST): one card per claim of the paper, in display order, with
    the verdict wording, the key number with its interval and the robustness share of its chapter's
    at-a-glance card and a thumbnail of the key figure (which links to the figure in the chapter);
    then one line per book check. Every number is tagged with its source, as on the card."""
    cache = {} if cache is None else cache
    claims = display_order(claims)
    out = [
        ":::::::{div} jak-overview",
        "",
        "| claim | verdict of the default run | key number (95% interval) |",
        "|---|---|---|",
    ]
    for c in claims:
        if c.origin != "paper" or c.id not in KEY_RESULTS:
            continue
        values = _values(c, cache)
        number = key_number(c, values, explain=False).replace(
            " (no interval computed for this number)", " (no interval)"
        )
        number = number.replace("(95% interval ", "(")
        out.append(
            f"| **[{c.id}](#card-{c.id.lower()})** {_headline(c)} | {verdict_wording(c, values)} | "
            f"{number} |"
        )
    out += ["", "::::::{div} jak-cards", ""]
    for c in claims:
        if c.origin != "paper" or c.id not in KEY_RESULTS:
            continue
        values = _values(c, cache)
        k = KEY_RESULTS[c.id]
        fig = key_figure(c.chapter, k.figure)
        out += [f"(card-{c.id.lower()})=", ":::::{div} jak-claim-card", ""]
        if fig:
            alt = _plain(f"Thumbnail of the key figure of {c.id}. {fig[1]}")
            out += [f"![{alt}](generated/thumbs/{k.figure}.svg)", ""]
        out += [
            f"**[{c.id}](#claim-{c.id.lower()})** · {_headline(c)}",
            "",
            f"- **Verdict:** **{verdict_wording(c, values)}** ({_evidence(c)})",
            f"- **Key number:** {key_number(c, values)}",
            f"- **Robustness:** {_share(c.id, summary)}",
            f"- **Chapter:** {{doc}}`chapters/{c.chapter}` · key figure: "
            f"{{numref}}`Book figure %s <{k.figure}>`",
            "",
            ":::::",
            "",
        ]
    out += ["::::::", "", ":::::::", ""]
    book = [c for c in claims if c.origin == "book"]
    if book:
        out += [
            "::::{div} jak-overview-checks",
            "",
            "**Checks this book adds** (not claims of the paper):",
            "",
        ]
        for c in book:
            values = _values(c, cache)
            what = (
                "simulated stand-in: decides nothing"
                if c.demonstration
                else EVIDENCE_KINDS[c.evidence]
            )
            out.append(
                f"- **[{c.id}](#claim-{c.id.lower()})** · {_headline(c)}: "
                f"**{verdict_wording(c, values)}** "
                f"({what}; {{doc}}`chapter <chapters/{c.chapter}>`)"
            )
        out += ["", "::::", ""]
    return "\n".join(out)


def pages(claims: list[Claim] | None = None) -> dict[str, str]:
    """File name (relative to book/generated/) -> content of the findings block and every
    at-a-glance card."""
    claims = load() if claims is None else claims
    s = load_summary()
    rv = load_rivals()
    cache: dict[Path, dict[str, Any]] = {}
    out = {
        "findings.md": findings(claims, summary=s, cache=cache, rivals=rv),
        "overview.md": overview(claims, summary=s, cache=cache),
        **thumbnails(claims),
    }
    for chapter in glance_chapters(claims):
        out[f"glance/{chapter}.md"] = glance(chapter, claims, summary=s, cache=cache)
    for chapter in ANALYSIS_FIGURES:
        out[f"glance/{chapter}.md"] = analysis_glance(chapter, summary=s, rivals=rv, claims=claims)
    return out


def glance_chapters(claims: list[Claim] | None = None) -> list[str]:
    """The chapters whose at-a-glance card lists their claims' verdicts and key numbers: the model
    chapters and the public-data checks with a key result."""
    claims = load() if claims is None else claims
    extra = [
        c.chapter
        for c in display_order(claims)
        if c.id in KEY_RESULTS and c.chapter not in CHAPTER_CLAIMS
    ]
    return [*CHAPTER_CLAIMS, *dict.fromkeys(extra)]


__all__ = [
    "ANALYSIS_FIGURES",
    "KEY_RESULTS",
    "KeyResult",
    "analysis_glance",
    "display_order",
    "glance_chapters",
    "load_rivals",
    "rivals_headline",
    "findings",
    "glance",
    "key_figure",
    "key_number",
    "overview",
    "pages",
    "thumbnails",
    "toc_chapters",
    "verdict_wording",
]
