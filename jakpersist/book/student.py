"""Student versions of the chapters: the same source with every solution removed.

A solution is a MyST ``:::{solution}`` block (colon fence) in a markdown cell, or a code cell tagged
``solution``. Student notebooks are written as .ipynb without outputs to book/student/ by ``jakbook student``.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from .execute import NOTEBOOKS, ROOT, read_notebook

STUDENT = ROOT / "book" / "student"
SOLUTION_BLOCK = re.compile(r"^:::\{solution\}.*?^:::[ \t]*$\n?", re.MULTILINE | re.DOTALL)
CLAIM_INCLUDE = re.compile(r"^```\{include\} \.\./generated/claim/(?P<id>[^\s]+)\.md\n```[ \t]*$\n?", re.MULTILINE)
NOTE = ("**Student version.** This notebook is generated from the chapter's source with the solutions removed. "
        "Run it top to bottom, then work through the exercises at the end.")


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


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without solutions and without outputs, with a note at the top."""
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    out.metadata.pop("jupytext", None)
    out.cells.append(nbformat.v4.new_markdown_cell(NOTE))
    for cell in nb.cells:
        if cell.cell_type == "code":
            if "solution" in cell.metadata.get("tags", []):
                continue
            new = nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata)
        else:
            text = CLAIM_INCLUDE.sub(_claim_text, SOLUTION_BLOCK.sub("", cell.source))
            if not text.strip():
                continue
            new = nbformat.v4.new_markdown_cell(text, metadata=cell.metadata)
        out.cells.append(new)
    return out


def first_exercise_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the first cell that holds an exercise, or None."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and "{exercise}" in cell.source:
            return i
    return None


def write_all(folder: Path = STUDENT) -> list[Path]:
    """Write a student notebook per chapter; unchanged files are not touched."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sorted(NOTEBOOKS.glob("*.md")):
        nb = strip_solutions(read_notebook(src))
        text = nbformat.writes(nb)
        path = folder / f"{src.stem}.ipynb"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
