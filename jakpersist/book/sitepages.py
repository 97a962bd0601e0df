"""Generated pieces that let a reader start from the page: "Cite this book" (from CITATION.cff) and
the execution statistics of every chapter (from the papermill metadata of the executed notebooks).

Written to book/generated/ by ``jakbook generate`` (through
:func:`jakpersist.book.generate.write_all`).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from .execute import EXECUTED, NOTEBOOKS, ROOT

CITATION = ROOT / "CITATION.cff"


def _authors(cff: dict[str, Any]) -> str:
    names = []
    for a in cff.get("authors", []):
        names.append(
            a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x)
        )
    return ", ".join(n for n in names if n)


def cite_box(path: Path = CITATION) -> str:
    """A "Cite this book" box (MyST) built from ``CITATION.cff``: the reference in words and as
    BibTeX.

    Raises
    ------
    FileNotFoundError
        When the citation file is missing.
    KeyError
        When it lacks ``title`` or ``authors``.
    """
    cff = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    title, authors = cff["title"], _authors(cff)
    if not authors:
        raise KeyError("authors")
    year = str(cff.get("date-released", ""))[:4]
    version = cff.get("version", "")
    url = cff.get("repository-code", "")
    words = (
        f"{authors} ({year}). *{title}*"
        + (f", version {version}" if version else "")
        + "."
        + (f" <{url}>" if url else "")
    )
    bib = [
        "@software{jak2_persistence_book,",
        f"  title = {{{title}}},",
        f"  author = {{{{{authors}}}}},",
    ]
    bib += [f"  year = {{{year}}},"] if year else []
    bib += [f"  version = {{{version}}},"] if version else []
    bib += [f"  url = {{{url}}},"] if url else []
    bib += ["}"]
    message = " ".join(str(cff.get("message", "")).split())
    return "\n".join(
        [
            "````{admonition} Cite this book",
            ":class: note",
            "",
            message,
            "",
            words,
            "",
            "```bibtex",
            *bib,
            "```",
            "",
            "Generated from the repository's `CITATION.cff`.",
            "````",
            "",
        ]
    )


def execution_rows(folder: Path = EXECUTED) -> list[dict[str, Any]]:
    """One row per chapter: its name, status ("ok", "failed: <exception>" or "not executed"), run
    time (s) and when it ran (UTC), from the papermill metadata of the executed notebook."""
    rows = []
    for src in sorted(NOTEBOOKS.glob("*.md")):
        nb_path = folder / f"{src.stem}.ipynb"
        if not nb_path.is_file():
            rows.append(
                {"chapter": src.stem, "status": "not executed", "seconds": None, "ended": None}
            )
            continue
        meta = (
            json.loads(nb_path.read_text(encoding="utf-8")).get("metadata", {}).get("papermill", {})
        )
        exc = meta.get("exception")
        ended = meta.get("end_time")
        rows.append(
            {
                "chapter": src.stem,
                "status": "ok" if not exc else f"failed: {exc}",
                "seconds": meta.get("duration"),
                "ended": datetime.fromisoformat(ended).strftime("%Y-%m-%d %H:%M UTC")
                if ended
                else None,
            }
        )
    return rows


def execution_table(folder: Path = EXECUTED) -> str:
    """The execution statistics (MyST table): chapter, status, run time, when it last ran."""
    out = ["| chapter | status | run time (s) | last executed |", "|---|---|---|---|"]
    for r in execution_rows(folder):
        secs = f"{r['seconds']:.1f}" if r["seconds"] is not None else "-"
        out.append(
            f"| {{doc}}`chapters/{r['chapter']}` | {r['status']} | {secs} | {r['ended'] or '-'} |"
        )
    return "\n".join(out) + "\n"


def pages() -> dict[str, str]:
    """File name (relative to book/generated/) -> content."""
    return {"cite.md": cite_box(), "execution.md": execution_table()}
