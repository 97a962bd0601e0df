"""Student versions of the chapters: plain Jupyter notebooks with every solution removed.

A solution is a MyST ``:::{solution}`` block (colon fence) in a markdown cell, or a code cell tagged
``solution``. Jupyter does not render MyST directives, roles or glue, so the student version's text
goes through the book's one converter (:func:`jakpersist.book.markdown.myst_to_markdown`) with:

- the values glued in the executed chapter ``book/chapters/<chapter>.ipynb`` (default parameters),
  each number marked *(default run)*, and "this run" said "the default run" (the text does not
  re-run; the code cells' outputs are the student's own run); without an executed chapter a value
  becomes a visible "(run the notebook)" note;
- the claim box written from the registry, other ``{include}`` directives dropped; page links named
  as pages of the book's website; a reference list of the works cited appended.

``jakbook student`` writes the notebooks, without outputs, to ``book/student/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from .execute import (
    EXECUTED,
    NOTEBOOKS,
    ROOT,
    SOLUTION_BLOCK,
    glued_values,
    is_solution_cell,
    read_notebook,
)
from .markdown import (
    DEFAULT_RUN_MARK,  # noqa: F401
    default_run_words,  # noqa: F401
    myst_to_markdown,  # noqa: F401
    read_bibliography,  # noqa: F401
)

STUDENT = ROOT / "book" / "student"
NOTE = (
    "**Student version.** This notebook is generated from the chapter's source with the solutions "
    "removed. "
    "Numbers in the text marked *(default run)* are those of the default run on the book's "
    "website, not of "
    "your run: the outputs of the code cells are your run's. Run the notebook top to bottom to see "
    "them, then "
    "work through the exercises at the end."
)
EXERCISE_MARK = "**Exercise"
#: What a glued value becomes when the chapter has not been executed.
UNFILLED = "*(value `{key}`: run the notebook)*"


def solutions(nb: nbformat.NotebookNode) -> list[str]:
    """The text of every solution in a notebook (for leak checks)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            out += [m.group(0) for m in SOLUTION_BLOCK.finditer(cell.source)]
        elif is_solution_cell(cell):
            out.append(cell.source)
    return out


def executed_values(chapter: str, folder: Path = EXECUTED) -> dict[str, Any]:
    """Glued values of the executed chapter (default parameters), or {} if it has not been
    executed."""
    path = folder / f"{chapter}.ipynb"
    return glued_values(path) if path.is_file() else {}


def strip_solutions(
    nb: nbformat.NotebookNode,
    values: dict[str, Any] | None = None,
    bib: dict[str, dict[str, str]] | None = None,
) -> nbformat.NotebookNode:
    """A plain-Jupyter copy of ``nb`` without solutions and outputs, with a note at the top.

    ``values``: glued values of the executed chapter (to write numbers as text); ``bib``:
    bibliography (default: ``book/references.bib``). Citations get a reference list in a last
    markdown cell.
    """
    values = values or {}
    bib = read_bibliography() if bib is None else bib
    cited: list[str] = []
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    out.metadata.pop("jupytext", None)
    out.cells.append(nbformat.v4.new_markdown_cell(NOTE))
    for cell in nb.cells:
        if cell.cell_type == "code":
            if is_solution_cell(cell):
                continue
            new = nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata)
        else:
            text = myst_to_markdown(
                cell.source,
                values,
                cited=cited,
                bib=bib,
                includes="registry",
                pages="site",
                mark_default_run=True,
                unfilled=UNFILLED,
            )
            if not text.strip():
                continue
            new = nbformat.v4.new_markdown_cell(text, metadata=cell.metadata)
        out.cells.append(new)
    if cited:
        refs = "\n".join(f"- {bib[k]['full'] if k in bib else k}" for k in cited)
        out.cells.append(
            nbformat.v4.new_markdown_cell(f"## Works cited in this notebook\n\n{refs}")
        )
    return out


def first_exercise_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the first cell that holds an exercise (MyST source or plain student version), or
    None."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and (
            "{exercise}" in cell.source or EXERCISE_MARK in cell.source
        ):
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
