"""Graded assignments (otter-grader 7, offline): the solution scores full marks, a wrong answer
scores less.

The full build (``make assignments``) covers every chapter; here one chapter (C0, the fastest) goes
through ``otter assign`` and ``otter run`` end to end, and every chapter's master notebook is
checked for structure.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from jakpersist.book import assign, exercises, student

ALL_CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.md"))
CHAPTERS = exercises.graded_chapters(ALL_CHAPTERS)


def test_every_ungraded_chapter_says_why():
    for ch in set(ALL_CHAPTERS) - set(CHAPTERS):
        assert exercises.UNGRADED[ch].strip(), ch


OTTER = str(Path(sys.executable).with_name("otter"))
CHAPTER = "c0_in_vivo"


def _fake_truths(chapter: str) -> dict:
    """Placeholder answers of the right kind (structure tests do not need the runs)."""
    out = {}
    for e in exercises.for_chapter(chapter):
        out[e.label] = {
            a.name: (1.0 if a.kind == "number" else 1 if a.kind == "count" else a.allowed()[0])
            for a in e.answers
        }
    return out


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_of_the_chapter_is_in_the_registry(chapter):
    nb = student.read_notebook(ROOT / "notebooks" / f"{chapter}.md")
    labels = [
        ln.split(":label:")[1].strip()
        for c in nb.cells
        if c.cell_type == "markdown"
        for ln in c.source.splitlines()
        if ln.startswith(":label:") and "-ex-" in ln
    ]
    assert labels == [e.label for e in exercises.for_chapter(chapter)]
    for e in exercises.for_chapter(chapter):
        assert e.answers, f"{e.label}: nothing to grade"
        assert not e.predict or e.predict in [a.name for a in e.answers]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_master_notebook_has_a_question_per_exercise_and_keeps_the_parameters_cell(chapter):
    nb = assign.master_notebook(chapter, _fake_truths(chapter))
    raw = [c.source for c in nb.cells if c.cell_type == "raw"]
    assert raw[0].startswith("# ASSIGNMENT CONFIG")
    for e in exercises.for_chapter(chapter):
        assert any(f"name: {e.qname}" in r for r in raw), e.label
    hidden = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("# HIDDEN")]
    assert len(hidden) == sum(len(e.answers) for e in exercises.for_chapter(chapter))
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1


def _run_otter(zip_path: Path, notebook: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(
        [OTTER, "run", "-a", str(zip_path), "-o", str(out), str(notebook)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=notebook.parent,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    res = json.loads((out / "results.json").read_text())
    return {t["name"]: t for t in res["tests"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    return assign.build(CHAPTER, out=out)


def test_student_notebook_has_checks_and_parameters_and_no_answers(built):
    nb = nbformat.read(str(built / "student" / f"{CHAPTER}.ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert any('grader.check("c0_ex_degrader")' in c.source for c in code)
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    text = "\n".join(c.source for c in nb.cells)
    assert "# HIDDEN" not in text and "# SOLUTION" not in text
    answers = json.loads((built / "answers.json").read_text())
    assert f"{answers['c0-ex-degrader']['degrader_fraction_end']:.2f}" not in text


@pytest.mark.slow
def test_solution_scores_full_marks_and_one_wrong_answer_scores_less(built, tmp_path):
    zip_path = assign.autograder_zip(built)
    solution = built / "autograder" / f"{CHAPTER}.ipynb"
    good = _run_otter(zip_path, solution, tmp_path / "good")
    scored = {k: v for k, v in good.items() if v.get("max_score")}
    assert scored and all(v["score"] == v["max_score"] for v in scored.values()), scored

    nb = nbformat.read(str(solution), as_version=4)
    for c in nb.cells:
        if c.cell_type == "code" and re.search(r"^degrader_clone = 'falls'", c.source, re.M):
            c.source = re.sub(
                r"^degrader_clone = 'falls'", "degrader_clone = 'rises'", c.source, flags=re.M
            )
            break
    else:
        pytest.fail("solution cell of c0-ex-degrader not found")
    wrong_nb = tmp_path / "wrong" / f"{CHAPTER}.ipynb"
    wrong_nb.parent.mkdir()
    nbformat.write(nb, str(wrong_nb))
    wrong = _run_otter(zip_path, wrong_nb, tmp_path / "wrong-out")
    total = lambda res: sum(v.get("score") or 0 for v in res.values())  # noqa: E731
    assert total(wrong) < total(good)
    lost = [k for k, v in wrong.items() if v.get("max_score") and v["score"] < v["max_score"]]
    assert lost == ["c0_ex_degrader"]
    assert "c0_ex_degrader" in wrong["c0_ex_degrader"]["output"]
