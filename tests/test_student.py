"""Exercises and student versions: solutions hidden on the site, absent from student notebooks,
which are plain Jupyter Markdown (no MyST syntax), carry no answer, and run up to their first
exercise."""

import json
import re

import nbformat
import pytest
from conftest import FAST, ROOT, run_chapter

from jakpersist.book import exercises
from jakpersist.book import execute as ex
from jakpersist.book import markdown, student

CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.md"))
GLUE_IN_TEXT = re.compile(r"\{glue:text\}`([a-z0-9_]+)(?::([^`]*))?`")


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
def test_chapter_states_objectives_time_and_prerequisites(chapter):
    text = ex.chapter_source(chapter).read_text(encoding="utf-8")
    head = text[: text.index("## ")]  # before the first section
    for what in ("You will learn to:", "Time needed:", "Prerequisites:"):
        assert what in head, f"{chapter}: no '{what}' at the top"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_version_has_no_solution_text(chapter):
    source = ex.read_notebook(ex.chapter_source(chapter))
    sols = student.solutions(source)
    assert sols
    stud = student.strip_solutions(source, {})
    body = "\n".join(c.source for c in stud.cells)
    for sol in sols:
        for line in sol.splitlines()[3:]:  # skip the directive, label and class lines
            if len(line.strip()) > 25 and "{glue" not in line:
                assert line.strip() not in body, (
                    f"{chapter}: solution text leaked: {line.strip()[:60]}"
                )
    assert "{solution}" not in body and "Exercise (" in body


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_notebook_is_plain_jupyter_markdown(chapter):
    nb = student.student_notebook(chapter)
    text = "\n".join(c.source for c in nb.cells)
    for myst in ("{glue", ":::", "```{", "{cite}", "{doc}", "{exercise}", "{solution}"):
        assert myst not in text, f"{chapter}: MyST syntax {myst!r} left in the student notebook"
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    if "{cite}" in ex.chapter_source(chapter).read_text(encoding="utf-8"):
        assert "## Works cited in this notebook" in md and "doi:" in md
    assert "> **" in md, "admonitions and exercises become quoted blocks"


def test_glued_values_become_text_from_the_executed_chapter():
    nb = student.strip_solutions(
        ex.read_notebook(ex.chapter_source("c1_persistence")),
        {
            "c1_verdict_text": "sufficient in the model",
            "c1_drugs_text": "the three inhibitors",
            "c1_min_fold_text": "> 6.0",
            "c1_cut_dose_nM": 1152.4,
        },
    )
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "Verdict of the default run: sufficient in the model." in md and "this run" not in md
    assert "shift across\nthe three inhibitors is > 6.0 *(default run)*." in md
    assert "At 1,152 *(default run)* nM" in md


_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> set[str]:
    return {n.rstrip(",") for n in _NUMBER.findall(text)}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_number_in_a_student_notebooks_text_is_the_sources_or_marked_default_run(
    chapter, default_values
):
    """The text of a student notebook does not re-run: each number a run produced (a glued value) is
    marked *(default run)*, every other number is written in the chapter's source text, a claim box
    or the reference list, and no sentence says "this run" (the code cells' outputs are the
    student's own run)."""
    from jakpersist.book.registry import load

    src = ex.read_notebook(ex.chapter_source(chapter))
    values = default_values[chapter]
    nb = student.strip_solutions(src, values)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert not re.search(r"\bthis run\b", md, re.IGNORECASE), (
        f"{chapter}: 'this run' in a student notebook's text"
    )
    written = "\n".join(
        markdown.GLUE_ROLE.sub(" ", c.source) for c in src.cells if c.cell_type == "markdown"
    )
    written += "\n".join(p.text for c in load() for p in c.sources) + student.NOTE
    written += "\n".join(b["full"] for b in student.read_bibliography().values())
    allowed = _numbers(written)
    marked = 0
    for m in markdown.GLUE_ROLE.finditer(
        "\n".join(c.source for c in src.cells if c.cell_type == "markdown")
    ):
        key, _, spec = m.group(1).split("::")[-1].partition(":")
        if key in values:
            shown = student.default_run_words(markdown.format_glued(values[key], spec))
            if re.search(r"\d", shown):
                # whole numbers only: "5 (default run)" must not eat the tail of "0.15 (default
                # run)"
                pattern = rf"(?<![\d.]){re.escape(shown + student.DEFAULT_RUN_MARK)}"
                marked += bool(re.search(pattern, md))
                md = re.sub(pattern, " ", md)
    stray = sorted(_numbers(md) - allowed)
    assert not stray, (
        f"{chapter}: numbers in the text neither written in the source nor marked: {stray[:8]}"
    )
    if any(re.search(r"\d", markdown.format_glued(v, "")) for v in values.values()):
        assert marked or "{glue" not in ex.chapter_source(chapter).read_text(encoding="utf-8")


def _solution_glue_keys(chapter):
    nb = ex.read_notebook(ex.chapter_source(chapter))
    out = []
    for c in nb.cells:
        if c.cell_type == "markdown":
            for block in student.SOLUTION_BLOCK.findall(c.source):
                out += GLUE_IN_TEXT.findall(block)
    return out


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_exercise_answer_is_given_away_before_the_student_answers(chapter, default_values):
    """Computed answers (as the solutions write them) and the solutions' key phrases are absent."""
    nb = student.strip_solutions(
        ex.read_notebook(ex.chapter_source(chapter)), default_values[chapter]
    )
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    flat = " ".join(md.split())
    values = default_values[chapter]
    keys = _solution_glue_keys(chapter)
    solution_keys = {k for k, _ in keys}
    for key, spec in keys:
        if key.endswith("_text") or key not in values:
            continue
        shown = format(values[key], spec or ".3g")
        # a solution's number that equals a value the chapter shows anyway (e.g. the fold at day 0
        # of withdrawal is the persistent fold) gives nothing away
        if any(
            isinstance(v, (int, float))
            and not isinstance(v, bool)
            and k not in solution_keys
            and format(v, spec or ".3g") == shown
            for k, v in values.items()
        ):
            continue
        assert not re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d])", md), (
            f"{chapter}: answer {key}={shown} shown"
        )
    for e in exercises.for_chapter(chapter):
        for phrase in e.key_phrases:
            assert " ".join(phrase.split()) not in flat, (
                f"{e.label}: key phrase leaked: {phrase[:50]}"
            )
    built = ROOT / "_build" / "assignments" / chapter / "answers.json"
    if built.is_file():  # the answers computed by `make assignments`
        answers = json.loads(built.read_text())
        for e in exercises.for_chapter(chapter):
            for a in e.answers:
                if a.kind == "number" and a.name in answers.get(e.label, {}):
                    shown = format(answers[e.label][a.name], a.spec)
                    if len(shown.strip("0.-")) >= 2:
                        assert not re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d])", md), (
                            e.label,
                            a.name,
                            shown,
                        )


# Each solution's computed statement against what a student's run with the exercise's parameters
# produces.
STATEMENTS = [
    (
        "c1_persistence",
        "c1_ex_agnostic_fold_rux",
        {"trans_gating": 0.0},
        "c1_fold_ruxolitinib",
        1e-9,
    ),
    ("c1_persistence", "c1_ex_agnostic_text", {"trans_gating": 0.0}, "c1_verdict_text", None),
    (
        "c3_reversibility",
        "c3_ex_mutation_withdrawn",
        {"trans_gating": 0.0, "relax_half_time": 1000000.0},
        "c3_fold_withdrawn",
        1e-9,
    ),
    (
        "c6_jak2_dependence",
        "c6_ex_bypass_growth",
        {"trans_gating": 0.0, "bypass": 0.6},
        "c6_growth_persistent",
        1e-9,
    ),
    ("c3_reversibility", "c3_ex_fold_d7", {"withdrawal_days": 7.0}, "c3_fold_withdrawn", 0.3),
    ("c6_jak2_dependence", "c6_ex_ratio_oc05", {"hsp90_other_clients": 0.5}, "c7_puh71_ratio", 0.3),
    ("g1_gdsc", "g1_ex_k562_rux", {"cell_line": "K-562"}, "g1_pct_ruxolitinib", 0.02),
]


@pytest.mark.parametrize("chapter,solution_key,params,run_key,rtol", STATEMENTS)
def test_solution_statement_matches_the_students_run(
    chapter, solution_key, params, run_key, rtol, default_values, tmp_path
):
    stated = default_values[chapter][solution_key]
    got = run_chapter(chapter, params, tmp_path)[run_key]
    if rtol is None:
        assert got == stated
    else:
        assert abs(got - stated) <= rtol * abs(stated), (
            f"{solution_key}={stated} but the run gives {got}"
        )


def test_every_exercise_run_uses_valid_parameters_of_its_chapter():
    from jakpersist.book.cli import resolve_parameters

    for e in exercises.EXERCISES:
        assert e.runs and all(callable(a.truth) for a in e.answers), e.label
        for params in e.runs.values():
            resolve_parameters(e.chapter, {k: v for k, v in params.items() if k != "seeds"})


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_version_runs_up_to_its_first_exercise(chapter, tmp_path):
    nb = student.strip_solutions(ex.read_notebook(ex.chapter_source(chapter)), {})
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


def test_verdicts_stated_in_solutions_are_the_registry_counterfactuals_that_the_claim_tests_run():
    """A solution that states a verdict for a counterfactual run states what `expect` says in
    notebooks/claims.yml; tests/test_claims.py runs every one of those through papermill."""
    from jakpersist.book import registry

    expected = {}
    for claim in registry.load():
        for cf in claim.counterfactuals:
            expected.setdefault((claim.chapter, tuple(sorted(cf.parameters.items()))), []).append(
                cf.expect
            )
    checked = 0
    for e in exercises.EXERCISES:
        for params in e.runs.values():
            key = (e.chapter, tuple(sorted(params.items())))
            if "seeds" in params or key not in expected:
                continue
            nb = ex.read_notebook(ex.chapter_source(e.chapter))
            block = next(
                b
                for c in nb.cells
                if c.cell_type == "markdown"
                for b in student.SOLUTION_BLOCK.findall(c.source)
                if f"{{solution}} {e.label}" in b
            )
            if re.search(r"\{glue:text\}`[a-z0-9_]*verdict[a-z0-9_]*`", block):
                # the verdict is glued (computed); test_solution_statement_matches_the_students_run
                continue
            says_not = bool(
                re.search(
                    r"not reproduced|does not hold|no longer holds|not shown|not seen|undefined",
                    block.lower(),
                )
            )
            assert says_not == (not all(expected[key])), e.label
            checked += 1
    assert checked >= 5
