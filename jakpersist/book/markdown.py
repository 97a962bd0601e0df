"""The book's one MyST-to-Markdown converter, for a run report (``jakbook run``) and a student
notebook.

Jupyter and a standalone HTML page render neither MyST directives, roles nor glue, so both turn the
chapter's text into plain Markdown with :func:`myst_to_markdown`. What differs is said by keyword:

- every ``{glue:text}`` role becomes its glued value, formatted with the role's format spec
  (:func:`format_glued`); a value the run lacks becomes ``unfilled`` and is collected in
  ``missing``; ``mark_default_run`` marks each number *(default run)* and says "the default run"
  where the text says "this run" (a student notebook's text is written once, from the book's default
  run);
- ``{cite}`` becomes "(First-author et al. Year)" (pybtex, :func:`read_bibliography`); ``cited``
  collects the keys met, in order; ``{doc}`` and ``{ref}`` become a page name (``pages``),
  ``{term}`` the word, ``{math}`` ``$...$``; any other role its text;
- admonitions, exercises (with their label) and other directives become quoted blocks with a bold
  title; ``{math}`` blocks ``$$...$$``; code blocks fenced code; a ``div`` its content; solutions,
  MyST comments and targets are dropped;
- ``includes`` says what an ``{include}`` becomes: ``"drop"``; ``"book"``, the generated box inlined
  when the book has been built (the at-a-glance card of the default run excepted); ``"registry"``, a
  claim box written from ``notebooks/claims.yml`` (no built book needed), any other include dropped.

The conversion is the book's own (regular expressions) because no maintained library renders MyST
outside a Sphinx build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .execute import ROOT

BIB = ROOT / "book" / "references.bib"
#: Where the site's pages are, as the student version names them.
SITE = "the book's website"
#: How a number of the default run is marked in a student notebook's text (the text does not
#: re-run).
DEFAULT_RUN_MARK = " *(default run)*"

_THIS_RUN = re.compile(r"\b([Tt])his run\b")
#: A glue role (``{glue:text}`key:spec```); group 1 is the key and its format spec.
GLUE_ROLE = re.compile(r"\{glue(?::text|:md|:any)?\}`([^`]+)`")
_CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")
_MATH_ROLE = re.compile(r"\{math\}`([^`]+)`")
_ANY_ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
_DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>[^\n]*)\n(?P<body>.*?)"
    r"^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_OPTION = re.compile(r"^:([\w-]+):[ \t]*(.*)$")
_TARGET = re.compile(r"^\([\w-]+\)=[ \t]*$\n?", re.MULTILINE)
_COMMENT = re.compile(r"^%.*$\n?", re.MULTILINE)
_CLAIM_INCLUDE = re.compile(r"\.\./generated/claim/(?P<id>[^\s/]+)\.md$")
_DROPPED = ("bibliography", "code-cell", "tableofcontents", "solution")


# ------------------------------------------------------------------------------------------- pieces


def format_glued(value: Any, spec: str = "") -> str:
    """``value`` formatted with a glue role's format spec (``.1f``, ``,.0f``, ``.0%``, ``d``).

    NaN reads "not estimable"; a float without a spec is shown to 3 significant digits; text as is.

    >>> format_glued(1152.3, ",.0f"), format_glued(float("nan"), ".1f")
    ('1,152', 'not estimable')
    >>> format_glued("supported", ".1f")
    'supported'
    """
    if isinstance(value, float) and value != value:
        return "not estimable"
    if spec:
        try:
            return format(value, spec)
        except (ValueError, TypeError):
            pass
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def default_run_words(text: str) -> str:
    """``text`` with "this run" said of the default run ("the default run")."""
    return _THIS_RUN.sub(lambda m: ("The" if m.group(1) == "T" else "the") + " default run", text)


def read_bibliography(path: Path = BIB) -> dict[str, dict[str, str]]:
    """BibTeX entries as ``key -> {'short': 'Koppikar et al. 2012', 'full': '...'}`` (parsed with
    pybtex)."""
    from pybtex.database import parse_file

    out = {}
    for key, e in parse_file(str(path)).entries.items():
        people = e.persons.get("author", [])
        others = len(people) > 1
        last = [
            " ".join(p.last_names).replace("{", "").replace("}", "")
            for p in people
            if str(p) != "others"
        ]
        year = e.fields.get("year", "n.d.")
        short = f"{last[0] if last else key}{' et al.' if others else ''} {year}"
        title = e.fields.get("title", "").replace("{", "").replace("}", "")
        where = (
            e.fields.get("journal") or e.fields.get("publisher") or e.fields.get("howpublished", "")
        )
        vol = e.fields.get("volume", "")
        pages = e.fields.get("pages", "").replace("--", "-")
        doi = e.fields.get("doi", "")
        full = f"{', '.join(last[:3])}{' et al.' if others else ''} ({year}). {title}. *{where}*"
        full += f" {vol}" if vol else ""
        full += f", {pages}" if pages else ""
        full += f". doi:{doi}" if doi else "."
        out[key] = {"short": short, "full": full}
    return out


def quote(title: str, body: str) -> str:
    """``body`` as a Markdown block quote, headed by ``title`` in bold when there is one."""
    lines = [f"> **{title}**", ">"] if title else []
    lines += [f"> {ln}".rstrip() for ln in body.strip("\n").splitlines()]
    return "\n".join(lines)


def _page_title(target: str) -> str:
    page = ROOT / "book" / (Path(target.strip()).name + ".md")
    if page.is_file():
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return f"“{line[2:].strip()}” (a page of the book)"
    return Path(target).name


def _claim_box(claim_id: str) -> str:
    """A chapter's generated claim box as plain Markdown, from the registry (no built book
    needed)."""
    from .registry import SOURCES, load

    claim = {c.id: c for c in load()}[claim_id]
    parts = "; ".join(f"{p.text} *[{SOURCES[p.source][0]}]*" for p in claim.sources)
    kind = "The claim (paraphrased)" if claim.origin == "paper" else "The book's own check"
    return f"> **{claim.id} · {kind}.** {parts}.\n"


# ---------------------------------------------------------------------------------------- converter


class _Converter:
    """One conversion's settings and what it collects (see :func:`myst_to_markdown`)."""

    def __init__(
        self,
        values: dict[str, Any],
        *,
        missing: list[str],
        cited: list[str],
        bib: dict[str, dict[str, str]],
        includes: str,
        pages: str,
        mark_default_run: bool,
        unfilled: str,
    ) -> None:
        self.values, self.missing, self.cited, self.bib = values, missing, cited, bib
        self.includes, self.pages, self.mark, self.unfilled = (
            includes,
            pages,
            mark_default_run,
            unfilled,
        )
        #: why the robustness atlas does not apply to this run ("" when it does: glued as
        #: ``_atlas_scope`` by :func:`jakpersist.book.chapter.atlas_scope`)
        self.scope = str(values.get("_atlas_scope") or "")

    def glue(self, m: re.Match) -> str:
        key, _, spec = m.group(1).strip().split("::")[-1].partition(":")
        if key not in self.values:
            self.missing.append(key)
            return self.unfilled.format(key=key)
        shown = format_glued(self.values[key], spec)
        if not self.mark:
            return shown
        shown = default_run_words(shown)  # a glued sentence may say "this run" too
        return shown + DEFAULT_RUN_MARK if re.search(r"\d", shown) else shown

    def cite(self, m: re.Match) -> str:
        keys = [k.strip() for k in m.group(1).split(",")]
        self.cited.extend(k for k in dict.fromkeys(keys) if k not in self.cited)
        return "(" + "; ".join(self.bib.get(k, {"short": k})["short"] for k in keys) + ")"

    def role(self, m: re.Match) -> str:
        name, inner = m.group(1), m.group(2)
        label = re.match(r"^(.*?)\s*<[^>]+>$", inner)
        if label:
            return label.group(1)
        if (
            name == "term"
        ):  # a glossary term: the word itself, in italics when pointing to the site's glossary
            return f"*{inner}*" if self.pages == "site" else inner
        if name == "doc" and self.pages == "title":
            return _page_title(inner)
        if name not in ("doc", "ref", "numref") or self.pages == "title":
            return inner
        page = inner.rstrip("/").split("/")[-1].split(".")[0]
        return f"the *{page.replace('_', ' ').replace('-', ' ')}* page of {SITE}"

    def include(self, arg: str) -> str:
        claim = _CLAIM_INCLUDE.search(arg)
        if self.includes == "registry" and claim:
            return _claim_box(claim.group("id"))
        if (
            self.includes != "book" or "/glance/" in arg
        ):  # glance: the default run's numbers, not this run's
            return ""
        if "/budget/" in arg and self.scope:  # the atlas's shares: measured for another model
            return self.off_atlas("Robustness budget")
        path = (ROOT / "book" / "chapters" / arg).resolve()
        if path.is_file() and (ROOT / "book") in path.parents:
            box = self.blocks(path.read_text(encoding="utf-8"))
            if self.scope and "built into this model" in box:
                box += "\n\n" + self.off_atlas("Built-in tags above")
            return box
        return ""

    def off_atlas(self, what: str) -> str:
        """A note that the atlas's shares and built-in tags were measured for the default model, not
        this run."""
        return quote(
            f"{what}: measured for the book's default model, not for this run",
            f"The robustness atlas sampled the book's default model; this run is outside it "
            f'({self.scope}), so its shares and its "built into this model" tags do not apply '
            "here.",
        )

    def directive(self, m: re.Match) -> str:
        name, arg = m.group("name"), m.group("arg").strip()
        opts, rest = {}, []
        for ln in m.group("body").splitlines():
            o = _OPTION.match(ln)
            if o and not rest:
                opts[o.group(1)] = o.group(2)
            else:
                rest.append(ln)
        body = _DIRECTIVE.sub(self.directive, "\n".join(rest).strip("\n"))
        if name in _DROPPED:
            return ""
        if name == "include":
            return self.include(arg)
        if (
            name == "div"
        ):  # a styling wrapper on the site (e.g. the folded run box): its content only
            return body
        if name.startswith("glue"):
            return f"{{glue:text}}`{arg}`"  # replaced by the role pass that follows
        if name == "math":
            return f"$$\n{body.strip()}\n$$"
        if name in ("code", "code-block", "sourcecode"):
            return f"```{arg}\n{body}\n```"
        if name == "admonition":
            return quote(arg, body)
        title = (
            "Exercise" + (f" ({opts['label']})" if opts.get("label") else "")
            if name == "exercise"
            else name.replace("-", " ").capitalize()
        )
        return quote(title + (f": {arg}" if arg else ""), body)

    def blocks(self, text: str) -> str:
        text = _COMMENT.sub("", _TARGET.sub("", text))
        return _DIRECTIVE.sub(self.directive, text)

    def convert(self, text: str) -> str:
        text = self.blocks(text)
        if self.mark:
            text = default_run_words(text)
        text = GLUE_ROLE.sub(self.glue, text)
        text = _CITE.sub(self.cite, text)
        text = _MATH_ROLE.sub(lambda m: f"${m.group(1)}$", text)
        text = _ANY_ROLE.sub(self.role, text)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def myst_to_markdown(
    text: str,
    values: dict[str, Any],
    *,
    missing: list[str] | None = None,
    cited: list[str] | None = None,
    bib: dict[str, dict[str, str]] | None = None,
    includes: str = "book",
    pages: str = "title",
    mark_default_run: bool = False,
    unfilled: str = "[{key}: no value in this run]",
) -> str:
    """Plain Markdown (CommonMark + ``$math$``) from the book's MyST (see the module docstring).

    Parameters
    ----------
    text : MyST markdown (one cell, or a page).
    values : glued values by key (a run's, or the executed chapter's).
    missing : if given, collects the glue keys that have no value in ``values``.
    cited : if given, collects the citation keys met, in order, each once.
    bib : the bibliography (:func:`read_bibliography`); default ``book/references.bib``.
    includes : ``"book"`` (generated boxes inlined when built), ``"registry"`` (claim boxes from the
        registry) or ``"drop"``.
    pages : ``"title"`` names a ``{doc}`` link by its page's title; ``"site"`` as a page of the
        book's website, and sets glossary terms in italics (the glossary is there).
    mark_default_run : mark each glued number *(default run)* and say "the default run" for "this
        run".
    unfilled : what a glue key without a value becomes (``{key}`` is replaced by the key).

    Returns
    -------
    str
        The Markdown, with runs of blank lines collapsed and no leading or trailing newline.

    Raises
    ------
    ValueError
        For an unknown ``includes`` or ``pages``.

    Examples
    --------
    >>> text = "Fold {glue:text}`fold:.1f`; see {doc}`the model <../model>`."
    >>> myst_to_markdown(text, {"fold": 6.64})
    'Fold 6.6; see the model.'
    >>> myst_to_markdown("In this run: {glue:text}`n:d` doses.", {"n": 10}, mark_default_run=True)
    'In the default run: 10 *(default run)* doses.'
    """
    if includes not in ("book", "registry", "drop") or pages not in ("title", "site"):
        raise ValueError(
            f"includes must be 'book', 'registry' or 'drop' and pages 'title' or 'site', got "
            f"{includes!r}, {pages!r}"
        )
    bib = (read_bibliography() if BIB.is_file() else {}) if bib is None else bib
    return _Converter(
        values,
        missing=[] if missing is None else missing,
        cited=[] if cited is None else cited,
        bib=bib,
        includes=includes,
        pages=pages,
        mark_default_run=mark_default_run,
        unfilled=unfilled,
    ).convert(text)
