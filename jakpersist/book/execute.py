"""Run chapter notebooks with papermill and read back what they glued."""

from __future__ import annotations

import ast
import json
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# notebooks/ of a source checkout, or the copy shipped inside the installed wheel
# (jakpersist/_notebooks)
NOTEBOOKS = (
    ROOT / "notebooks"
    if (ROOT / "notebooks").is_dir()
    else Path(__file__).resolve().parents[1] / "_notebooks"
)
EXECUTED = ROOT / "book" / "chapters"
GLUE_PREFIX = "application/papermill.record/"


def chapter_source(chapter: str) -> Path:
    """Source notebook (MyST markdown) of a chapter name such as ``c1_persistence``."""
    name = Path(chapter).stem
    path = NOTEBOOKS / f"{name}.md"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in NOTEBOOKS.glob("*.md")))
        raise FileNotFoundError(f"no chapter {chapter!r}; known chapters: {known}")
    return path


def read_notebook(path: str | Path) -> Any:
    """Read a chapter (``.md`` jupytext or ``.ipynb``) as an nbformat notebook."""
    import jupytext

    return jupytext.read(str(path))


def parameters_of(path: str | Path) -> dict[str, dict[str, Any]]:
    """Parameters declared in a notebook's ``parameters`` cell: name -> {type, default, help}."""
    import papermill as pm

    p = Path(path)
    if p.suffix == ".md":
        import tempfile

        import nbformat

        with tempfile.TemporaryDirectory() as tmp:
            ipynb = Path(tmp) / (p.stem + ".ipynb")
            nbformat.write(read_notebook(p), str(ipynb))
            info = pm.inspect_notebook(str(ipynb))
    else:
        info = pm.inspect_notebook(str(p))
    return {
        k: {"type": v["inferred_type_name"], "default": v["default"], "help": v["help"]}
        for k, v in info.items()
    }


#: A solution in a markdown cell: a ``:::{solution}`` colon-fence block, up to its closing fence.
SOLUTION_BLOCK = re.compile(r"^:::\{solution\}.*?^:::[ \t]*$\n?", re.MULTILINE | re.DOTALL)
#: The tag of a code cell that computes an exercise's answer.
SOLUTION_TAG = "solution"


def is_solution_cell(cell: Mapping[str, Any]) -> bool:
    """True for a code cell tagged ``solution`` (it computes an exercise's answer)."""
    return cell["cell_type"] == "code" and SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def without_solutions(nb: Any) -> Any:
    """A copy of ``nb`` without its code cells tagged ``solution`` and its ``:::{solution}`` blocks.

    The one solution stripper: a reader's run and a sweep (:func:`execute` with
    ``solutions=False``) neither compute nor glue the exercises' answers, and the course edition of
    the site (:func:`jakpersist.book.coursesite.stage`) shows none; the book's own build keeps them
    for the folded solutions.

    Parameters
    ----------
    nb : nbformat.NotebookNode or dict
        A notebook, as nbformat reads it or as JSON loads it (a markdown cell's source may be a
        list of lines: it comes back as one string).

    Returns
    -------
    nbformat.NotebookNode or dict
        A new notebook of the same type; ``nb`` is not changed. Every other cell is kept as it is.
    """
    cells = []
    for c in nb["cells"]:
        if is_solution_cell(c):
            continue
        if c["cell_type"] == "markdown":
            src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            c = type(c)({**c, "source": SOLUTION_BLOCK.sub("", src)})
        cells.append(c)
    return type(nb)({**nb, "cells": cells})


def execute(
    source: str | Path,
    output: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    cwd: str | Path | None = None,
    timeout: int = 900,
    solutions: bool = True,
) -> float:
    """Execute ``source`` with papermill into ``output`` (never the source). Returns seconds taken.

    ``solutions=False`` leaves out the cells that compute the exercises' answers (``jakbook run``
    and ``jakbook sweep`` do: their ``values.json`` and tables carry no answer)."""
    import papermill as pm

    source, output = Path(source), Path(output)
    if output.resolve() == source.resolve():
        raise ValueError("refusing to overwrite the source notebook")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.stem + ".partial.ipynb")
    t0 = time.perf_counter()
    try:
        nb = read_notebook(source) if solutions else without_solutions(read_notebook(source))
        pm.execute_notebook(
            nb,
            str(tmp),
            parameters=parameters or {},
            kernel_name="python3",
            cwd=str(cwd or ROOT),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            # the kernel listens on localhost only; ipykernel 7 warns on every start that TCP
            # is unencrypted, which buries the build's own messages (cell errors still raise)
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except Exception:
        if tmp.exists():
            failed = output.with_name(output.stem + ".failed.ipynb")
            tmp.replace(failed)
        raise
    tmp.replace(output)  # atomic: a half-written notebook is never left under the final name
    return time.perf_counter() - t0


def glued_values(notebook: str | Path | dict) -> dict[str, Any]:
    """All values glued in an executed notebook (a path, or the notebook's JSON already loaded)."""
    nb = (
        notebook
        if isinstance(notebook, dict)
        else json.loads(Path(notebook).read_text(encoding="utf-8"))
    )
    out: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if not name:
                continue
            data = o.get("data", {})
            if GLUE_PREFIX + "json" in data:
                out[name] = data[GLUE_PREFIX + "json"]
            elif GLUE_PREFIX + "text/plain" in data:
                out[name] = parse_literal(data[GLUE_PREFIX + "text/plain"])
    return out


def glued_origins(notebook: str | Path | dict) -> dict[str, str]:
    """The origin declared for each glued value (``chapter.glue(..., origin=...)``), by glue
    name."""
    nb = (
        notebook
        if isinstance(notebook, dict)
        else json.loads(Path(notebook).read_text(encoding="utf-8"))
    )
    out: dict[str, str] = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            meta = o.get("metadata", {}).get("scrapbook", {})
            if meta.get("name") and meta.get("origin"):
                out[meta["name"]] = meta["origin"]
    return out


def parse_literal(text: str) -> Any:
    """A glued or declared value's text as the Python value it spells (``nan`` and ``inf``
    included), or the text itself when it is not a literal."""
    t = text.strip()
    if t in ("nan", "inf", "-inf"):
        return float(t)
    try:
        return ast.literal_eval(t)
    except (ValueError, SyntaxError):
        return t.strip("'\"")
