"""One solution stripper (``execute.without_solutions``) for a reader's run and the course edition
of the site: on every chapter it removes every solution and nothing else, and the course site's
copy of an executed chapter (JSON) is what a run gets from the same notebook."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from jakpersist.book import coursesite, execute, student

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.md"))


def _plain(nb) -> list[dict]:
    """Cells as plain JSON, without the random cell ids jupytext gives on each read."""
    cells = json.loads(nbformat.writes(nbformat.from_dict(nb)))["cells"]
    for c in cells:
        c.pop("id", None)
        c["source"] = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
    return cells


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_solution_and_nothing_else_is_removed(chapter):
    nb = execute.read_notebook(ROOT / "notebooks" / f"{chapter}.md")
    before = _plain(nb)
    stripped = execute.without_solutions(nb)
    assert _plain(nb) == before, "the notebook given is left unchanged"
    after = _plain(stripped)
    kept = [c for c in before if not execute.is_solution_cell(c)]
    assert len(after) == len(kept)
    for old, new in zip(kept, after, strict=True):
        expect = execute.SOLUTION_BLOCK.sub("", old["source"])
        assert new == {**old, "source": expect if old["cell_type"] == "markdown" else old["source"]}
    left = student.solutions(nbformat.from_dict(stripped))
    assert not left, left[:1]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_json_and_nbformat_notebooks_are_stripped_alike(chapter):
    """The course site strips executed chapters read as JSON (sources may be lists of lines); a run
    strips nbformat notebooks: the same function, the same cells."""
    nb = execute.read_notebook(ROOT / "notebooks" / f"{chapter}.md")
    as_json = json.loads(nbformat.writes(nb))
    assert any(isinstance(c["source"], list) for c in as_json["cells"])
    from_json = execute.without_solutions(as_json)
    assert type(from_json) is dict
    assert _plain(from_json) == _plain(execute.without_solutions(nb))


def test_the_course_site_stages_chapters_through_the_one_stripper(tmp_path):
    root = tmp_path / "root"
    (root / "book" / "chapters").mkdir(parents=True)
    (root / "data" / "examples").mkdir(parents=True)
    for f in ("_config.yml", "_toc.yml"):
        (root / f).write_text("# empty\n", encoding="utf-8")
    nb = execute.read_notebook(ROOT / "notebooks" / "c1_persistence.md")
    (root / "book" / "chapters" / "c1_persistence.ipynb").write_text(
        nbformat.writes(nb), encoding="utf-8"
    )
    coursesite.stage(tmp_path / "course", root)
    staged = json.loads(
        (tmp_path / "course" / "book" / "chapters" / "c1_persistence.ipynb").read_text()
    )
    assert _plain(staged) == _plain(execute.without_solutions(nb))
    assert student.solutions(execute.read_notebook(ROOT / "notebooks" / "c1_persistence.md"))
