"""Student versions of the chapters: plain Jupyter notebooks with every solution removed.

A solution is a MyST ``:::{solution}`` block (colon fence) in a markdown cell, or a code cell tagged
``solution``. Jupyter does not render MyST directives, roles or glue, so the student version is converted to
plain Jupyter Markdown (CommonMark + ``$math$``):

- ``{glue:text}`key:fmt``` becomes the value glued in the executed chapter ``book/chapters/<chapter>.ipynb``
  (default parameters), formatted with ``fmt`` and, when it shows a digit, marked *(default run)*; the text
  does not re-run, so "this run" in the text becomes "the default run" (the code cells' outputs are the
  student's own run); without an executed chapter a value becomes a visible "(run the notebook)" note;
- admonitions and exercises become quoted blocks with a bold title; ``{include}`` directives are dropped;
- ``{cite}`key``` becomes "(First-author Year)" and a reference list is appended; ``{doc}``, ``{ref}`` and
  other roles become their text.

``jakbook student`` writes the notebooks, without outputs, to ``book/student/``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat

from .execute import EXECUTED, NOTEBOOKS, ROOT, glued_values, read_notebook

STUDENT = ROOT / "book" / "student"
BIB = ROOT / "book" / "references.bib"
SITE = "the book's website"
SOLUTION_BLOCK = re.compile(r"^:::\{solution\}.*?^:::[ \t]*$\n?", re.MULTILINE | re.DOTALL)
CLAIM_INCLUDE = re.compile(r"^```\{include\} \.\./generated/claim/(?P<id>[^\s]+)\.md\n```[ \t]*$\n?", re.MULTILINE)
NOTE = ("**Student version.** This notebook is generated from the chapter's source with the solutions removed. "
        "Numbers in the text marked *(default run)* are those of the default run on the book's website, not of "
        "your run: the outputs of the code cells are your run's. Run the notebook top to bottom to see them, then "
        "work through the exercises at the end.")
#: How a number of the default run is marked in a student notebook's text (the text does not re-run).
DEFAULT_RUN_MARK = " *(default run)*"
_THIS_RUN = re.compile(r"\b([Tt])his run\b")
EXERCISE_MARK = "**Exercise"
_GLUE = re.compile(r"\{glue(?::text|:md|:any)?\}`([^`]+)`|\{glue\}`([^`]+)`")
_CITE = re.compile(r"\{cite(?::[pt])?\}`([^`]+)`")
_ROLE = re.compile(r"\{(?:doc|ref|numref|term|download|abbr|sub-ref)\}`([^`]+)`")
_MATH_ROLE = re.compile(r"\{math\}`([^`]+)`")
_BACKTICK_DIRECTIVE = re.compile(r"^(`{3,})\{([a-zA-Z-]+)\}[ \t]*(.*?)\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_COLON_DIRECTIVE = re.compile(r"^(:{3,})\{([a-zA-Z-]+)\}[ \t]*(.*?)\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_OPTION = re.compile(r"^:([a-zA-Z-]+):[ \t]*(.*)$")
_TARGET = re.compile(r"^\([A-Za-z0-9_-]+\)=[ \t]*$\n?", re.MULTILINE)
_COMMENT = re.compile(r"^%.*$\n?", re.MULTILINE)  # MyST line comments


def solutions(nb: nbformat.NotebookNode) -> list[str]:
    """The text of every solution in a notebook (for leak checks)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            out += [m.group(0) for m in SOLUTION_BLOCK.finditer(cell.source)]
        elif "solution" in cell.metadata.get("tags", []):
            out.append(cell.source)
    return out


def _claim_text(match: re.Match) -> str:
    """A chapter's generated claim box as plain Markdown (Jupyter does not run MyST includes)."""
    from .registry import SOURCES, load

    claim = {c.id: c for c in load()}[match.group("id")]
    parts = "; ".join(f"{p.text} *[{SOURCES[p.source][0]}]*" for p in claim.sources)
    kind = "The claim (paraphrased)" if claim.origin == "paper" else "The book's own check"
    return f"> **{claim.id} · {kind}.** {parts}.\n"


# --- references ------------------------------------------------------------------------------------------

def read_bibliography(path: Path = BIB) -> dict[str, dict[str, str]]:
    """BibTeX entries as ``key -> {'short': 'Koppikar et al. 2012', 'full': '...'}`` (parsed with pybtex)."""
    from pybtex.database import parse_file

    out = {}
    for key, e in parse_file(str(path)).entries.items():
        people = e.persons.get("author", [])
        others = len(people) > 1
        last = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people if str(p) != "others"]
        year = e.fields.get("year", "n.d.")
        short = f"{last[0] if last else key}{' et al.' if others else ''} {year}"
        title = e.fields.get("title", "").replace("{", "").replace("}", "")
        where = e.fields.get("journal") or e.fields.get("publisher") or e.fields.get("howpublished", "")
        vol = e.fields.get("volume", "")
        pages = e.fields.get("pages", "").replace("--", "-")
        doi = e.fields.get("doi", "")
        full = f"{', '.join(last[:3])}{' et al.' if others else ''} ({year}). {title}. *{where}*"
        full += f" {vol}" if vol else ""
        full += f", {pages}" if pages else ""
        full += f". doi:{doi}" if doi else "."
        out[key] = {"short": short, "full": full}
    return out


# --- MyST -> plain Jupyter Markdown ------------------------------------------------------------------------

def _format(value: Any, spec: str) -> str:
    if spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError):
            pass
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _quote(title: str, body: str) -> str:
    lines = [f"> **{title}**" if title else ">", ">"] if title else []
    lines += [f"> {ln}".rstrip() for ln in body.strip("\n").splitlines()]
    return "\n".join(lines)


def default_run_words(text: str) -> str:
    """``text`` with "this run" said of the default run ("the default run"): a student notebook's text is
    written once, from the book's default run, and does not change when the student re-runs."""
    return _THIS_RUN.sub(lambda m: ("The" if m.group(1) == "T" else "the") + " default run", text)


def to_plain_markdown(text: str, values: dict[str, Any], cited: list[str], bib: dict[str, dict[str, str]],
                      mark_default_run: bool = True) -> str:
    """Convert one MyST markdown cell to plain Jupyter Markdown (see the module docstring).

    ``values`` are the glued values of the executed chapter; ``cited`` collects the citation keys met, in order;
    ``mark_default_run``: mark every glued value that shows a digit *(default run)* and say "the default run"
    where the text says "this run".
    """
    def glue(m: re.Match) -> str:
        ref = (m.group(1) or m.group(2)).split("::")[-1]
        key, _, spec = ref.partition(":")
        if key not in values:
            return f"*(value `{key}`: run the notebook)*"
        shown = _format(values[key], spec)
        if not mark_default_run:
            return shown
        shown = default_run_words(shown)  # a glued sentence may say "this run" too
        return shown + DEFAULT_RUN_MARK if re.search(r"\d", shown) else shown

    def cite(m: re.Match) -> str:
        keys = [k.strip() for k in m.group(1).split(",")]
        for k in keys:
            if k not in cited:
                cited.append(k)
        return "(" + "; ".join(bib.get(k, {"short": k})["short"] for k in keys) + ")"

    def role(m: re.Match) -> str:
        inner = m.group(1)
        label = re.match(r"^(.*?)\s*<[^>]+>$", inner)
        if label:
            return label.group(1)
        if m.group(0).startswith("{term}"):  # a glossary term: the word itself (the glossary is on the site)
            return f"*{inner}*"
        name = inner.rstrip("/").split("/")[-1].split(".")[0]
        return f"the *{name.replace('_', ' ').replace('-', ' ')}* page of {SITE}"

    def directive(m: re.Match) -> str:
        name, arg, body = m.group(2), m.group(3).strip(), m.group(4)
        opts, rest = {}, []
        for ln in body.splitlines():
            o = _OPTION.match(ln)
            if o and not rest:
                opts[o.group(1)] = o.group(2)
            else:
                rest.append(ln)
        body = "\n".join(rest).strip("\n")
        body = _COLON_DIRECTIVE.sub(directive, body)
        body = _BACKTICK_DIRECTIVE.sub(directive, body)
        if name in ("include", "tableofcontents", "bibliography"):
            return ""
        if name == "div":  # a styling wrapper on the site (e.g. the folded run box): its content only
            return body
        if name == "math":
            return f"$$\n{body.strip()}\n$$"
        if name == "exercise":
            label = opts.get("label", "")
            return _quote(f"Exercise ({label}): {arg}" if label else f"Exercise: {arg}", body)
        if name == "admonition":
            return _quote(arg, body)
        if name in ("code", "code-block", "sourcecode"):
            return f"```{arg}\n{body}\n```"
        title = name.replace("-", " ").capitalize() + (f": {arg}" if arg else "")
        return _quote(title, body)

    text = SOLUTION_BLOCK.sub("", text)
    text = _TARGET.sub("", text)
    text = _COMMENT.sub("", text)
    text = _COLON_DIRECTIVE.sub(directive, text)
    text = _BACKTICK_DIRECTIVE.sub(directive, text)
    if mark_default_run:
        text = default_run_words(text)
    text = _GLUE.sub(glue, text)
    text = _CITE.sub(cite, text)
    text = _MATH_ROLE.sub(lambda m: f"${m.group(1)}$", text)
    text = _ROLE.sub(role, text)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def executed_values(chapter: str, folder: Path = EXECUTED) -> dict[str, Any]:
    """Glued values of the executed chapter (default parameters), or {} if it has not been executed."""
    path = folder / f"{chapter}.ipynb"
    return glued_values(path) if path.is_file() else {}


def strip_solutions(nb: nbformat.NotebookNode, values: dict[str, Any] | None = None,
                    bib: dict[str, dict[str, str]] | None = None) -> nbformat.NotebookNode:
    """A plain-Jupyter copy of ``nb`` without solutions and outputs, with a note at the top.

    ``values``: glued values of the executed chapter (to write numbers as text); ``bib``: bibliography
    (default: ``book/references.bib``). Citations get a reference list in a last markdown cell.
    """
    values = values or {}
    bib = read_bibliography() if bib is None else bib
    cited: list[str] = []
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    out.metadata.pop("jupytext", None)
    out.cells.append(nbformat.v4.new_markdown_cell(NOTE))
    for cell in nb.cells:
        if cell.cell_type == "code":
            if "solution" in cell.metadata.get("tags", []):
                continue
            new = nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata)
        else:
            text = to_plain_markdown(CLAIM_INCLUDE.sub(_claim_text, cell.source), values, cited, bib)
            if not text.strip():
                continue
            new = nbformat.v4.new_markdown_cell(text, metadata=cell.metadata)
        out.cells.append(new)
    if cited:
        refs = "\n".join(f"- {bib[k]['full'] if k in bib else k}" for k in cited)
        out.cells.append(nbformat.v4.new_markdown_cell(f"## Works cited in this notebook\n\n{refs}"))
    return out


def first_exercise_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the first cell that holds an exercise (MyST source or plain student version), or None."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and ("{exercise}" in cell.source or EXERCISE_MARK in cell.source):
            return i
    return None


def student_notebook(chapter: str) -> nbformat.NotebookNode:
    """The student version of one chapter, with the numbers of the executed chapter (if any)."""
    src = NOTEBOOKS / f"{chapter}.md"
    return strip_solutions(read_notebook(src), executed_values(chapter))


def write_all(folder: Path = STUDENT) -> list[Path]:
    """Write a student notebook per chapter; unchanged files are not touched."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sorted(NOTEBOOKS.glob("*.md")):
        nb = student_notebook(src.stem)
        text = nbformat.writes(nb)
        path = folder / f"{src.stem}.ipynb"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
