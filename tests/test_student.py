"""Exercises and student versions: solutions hidden on the site, absent from student notebooks."""
import nbformat
import pytest
from conftest import FAST, ROOT

from jakpersist.book import execute as ex
from jakpersist.book import student

CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.md"))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_has_exercises_with_hidden_solutions(chapter):
    nb = ex.read_notebook(ex.chapter_source(chapter))
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    n_ex = text.count(":::{exercise}")
    assert 2 <= n_ex <= 4, f"{chapter}: {n_ex} exercises"
    assert text.count(":::{solution}") == n_ex
    assert text.count(":class: dropdown") >= n_ex, "solutions must be hidden by default"
    assert "Predict, then check" in text


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_version_has_no_solution_text(chapter):
    source = ex.read_notebook(ex.chapter_source(chapter))
    sols = student.solutions(source)
    assert sols
    stud = student.strip_solutions(source)
    body = "\n".join(c.source for c in stud.cells)
    for sol in sols:
        for line in sol.splitlines()[3:]:  # skip the directive, label and class lines
            if len(line.strip()) > 25:
                assert line.strip() not in body, f"{chapter}: solution text leaked: {line.strip()[:60]}"
    assert "{solution}" not in body and "{exercise}" in body


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_version_runs_up_to_its_first_exercise(chapter, tmp_path):
    nb = student.strip_solutions(ex.read_notebook(ex.chapter_source(chapter)))
    cut = student.first_exercise_index(nb)
    assert cut is not None
    nb.cells = nb.cells[:cut]
    path = tmp_path / f"{chapter}-student.ipynb"
    nbformat.write(nb, str(path))
    params = {k: v for k, v in FAST.items() if k in ex.parameters_of(ex.chapter_source(chapter))}
    ex.execute(path, tmp_path / "out.ipynb", params, cwd=ROOT)


def test_student_notebooks_are_built_and_offered_for_download():
    site = ROOT / "_build" / "html"
    if not (site / "index.html").is_file():
        pytest.skip("site not built: run `make book`")
    for chapter in CHAPTERS:
        assert (ROOT / "book" / "student" / f"{chapter}.ipynb").is_file()
        page = (site / "book" / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        assert f"{chapter}.ipynb" in page and "_downloads" in page
