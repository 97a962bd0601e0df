"""A course an instructor can grade: per-student variants, nothing graded leaks, every solution
scores full marks.

- variants are derived from a student ID and the course secret (HMAC-SHA256), stable and distinct;
- the grader's claim-function values are the chapter's own glued values (same parameters, same
  numbers);
- every graded answer of a student variant is absent from everything a student receives: the wheel,
  their notebook, the course edition of the site and a default run's outputs;
- solution notebooks personalised for several student IDs score full marks through ``otter run``;
  one wrong answer loses exactly its points; the hidden test's message is a hint, never the value.
Heavier chapters and the 30-submission timing are in ``benchmarks/course_grading.py``.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from conftest import ROOT

from jakpersist.book import assign, exercises, variants
from jakpersist.book import execute as ex

SECRET = "test-course-secret-not-for-use"
IDS = ["s001", "s002", "s003"]
OTTER = str(Path(sys.executable).with_name("otter"))


def test_variants_are_stable_distinct_and_need_the_secret():
    ex1 = variants.exercise("c1-ex-cross")
    a = variants.choices(ex1, "s001", SECRET)
    assert a == variants.choices(ex1, "s001", SECRET)
    seeds = {variants.choices(ex1, s, SECRET)["seed"] for s in [f"s{i:03d}" for i in range(40)]}
    assert len(seeds) >= 38
    assert variants.choices(ex1, "s001", "another secret") != a
    assert (
        variants.choices(ex1, "practice", SECRET) == {}
        and variants.choices(ex1, "s001", None) == {}
    )
    runs = variants.runs(variants.exercise("c1-ex-noise"), "s001", SECRET)["noisy"]
    assert len(runs["seeds"]) == 3 and runs["noise_sd"] in (0.15, 0.2, 0.25)
    with pytest.raises(variants.SecretMissing):
        variants.check("c0-ex-degrader", "degrader_clone", "falls", student_id="s001", secret="")
    # with a course secret, resetting STUDENT_ID to the practice version earns nothing
    practice = variants.answers("c0-ex-degrader")["degrader_clone"]
    assert variants.check(
        "c0-ex-degrader", "degrader_clone", practice, student_id="practice", secret=""
    )
    assert not variants.check(
        "c0-ex-degrader", "degrader_clone", practice, student_id="practice", secret=SECRET
    )


def test_counts_from_pandas_and_numpy_are_whole_numbers():
    a = next(x for x in variants.exercise("c1-ex-noise").answers if x.kind == "count")
    assert exercises.check(a, np.int64(2), 2) and exercises.check(a, 2, 2)
    assert not exercises.check(a, True, 1) and not exercises.check(a, 2.5, 2)
    assert "float(noise_n_supported).is_integer()" in assign.visible_test(a)


@pytest.mark.parametrize("chapter", ["c0_in_vivo", "g1_gdsc", "c1_persistence", "t1_transcriptome"])
def test_claim_function_values_are_the_chapters_glued_values(chapter):
    nb = ROOT / "book" / "chapters" / f"{chapter}.ipynb"
    if not nb.is_file():
        pytest.skip("run `make book` first")
    glued = ex.glued_values(nb)
    mine = variants.chapter_values(chapter, {})
    shared = [
        k
        for k, v in mine.items()
        if k in glued and isinstance(v, (int, float, str)) and not k.startswith("param_")
    ]
    assert len(shared) >= 4
    for k in shared:
        if isinstance(mine[k], str):
            assert mine[k] == glued[k], k
        elif not (isinstance(mine[k], float) and math.isnan(mine[k])):
            assert mine[k] == pytest.approx(glued[k], rel=1e-9, abs=1e-12), k


def test_tolerances_cover_rounding_only():
    for e in exercises.EXERCISES:
        for a in e.answers:
            if a.kind == "number":
                assert a.tolerance_abs <= 0.05 + 1e-6, (e.label, a.name)
                assert a.rtol == 0.0, (e.label, a.name)


# --- leaks ----------------------------------------------------------------------------------------


def _renderings(value: float, spec: str | None = None) -> list[str]:
    """How a leaked number would appear: full precision, 4 significant digits, and as the answer
    shows it."""
    out = {repr(float(value)), format(value, ".4g")}
    if spec:
        out.add(format(value, spec))
    return [s for s in out if len(re.sub(r"[^0-9]", "", s).lstrip("0")) >= 3]


def _found(texts: dict[str, str], value: float, spec: str | None = None) -> list[str]:
    hits = []
    for shown in _renderings(value, spec):
        pat = re.compile(rf"(?<![\d.]){re.escape(shown)}(?![\d])")
        hits += [f"{name}: {shown}" for name, t in texts.items() if pat.search(t)]
    return hits


def _texts_of(folder: Path) -> dict[str, str]:
    out = {}
    for f in folder.rglob("*"):
        if f.is_file() and f.suffix in (
            ".html",
            ".json",
            ".md",
            ".py",
            ".ipynb",
            ".txt",
            ".csv",
            ".js",
            ".yml",
        ):
            out[str(f.relative_to(folder))] = f.read_text(encoding="utf-8", errors="replace")
    return out


@pytest.fixture(scope="module")
def variant_answers():
    """Every graded number of student s001 (cheap chapters in full, C1 without its noisy sweep)."""
    out = {}
    for e in exercises.EXERCISES:
        if e.chapter in (
            "c0_in_vivo",
            "g1_gdsc",
            "t1_transcriptome",
            "c2_heterodimers",
        ) or e.label in (
            "c1-ex-cross",
            "c1-ex-advantage",
            "c3-ex-holiday",
            "c3-ex-mutation",
            "c6-ex-clients",
            "c6-ex-bypass",
        ):
            ans = variants.answers(e.label, "s001", SECRET)
            for a in e.answers:
                if a.kind == "number":
                    out[f"{e.label}:{a.name}"] = (ans[a.name], a.spec)
    return out


@pytest.mark.slow
def test_no_graded_answer_of_a_variant_is_in_anything_a_student_receives(variant_answers, tmp_path):
    texts: dict[str, str] = {}
    # the wheel (what `pip install` gives a student)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            str(ROOT),
            "-w",
            str(tmp_path / "wheel"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    whl = next((tmp_path / "wheel").glob("jakpersist-*.whl"))
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        assert not [n for n in names if "secret" in n or n.endswith("answers.json")], names
        for n in names:
            if n.endswith((".py", ".md", ".json", ".txt", ".csv", ".yml")):
                texts[f"wheel:{n}"] = z.read(n).decode("utf-8", errors="replace")
    # the student's own notebook (personalised from the handed-out one)
    folder = assign.build(
        "c0_in_vivo", out=tmp_path / "assignments", secret=SECRET, roster=["s001"]
    )
    nb_text = (folder / "students" / "s001" / "c0_in_vivo.ipynb").read_text(encoding="utf-8")
    assert "HIDDEN" not in nb_text and SECRET not in nb_text and "# SOLUTION" not in nb_text
    texts["notebook:c0_in_vivo"] = nb_text
    for e in exercises.for_chapter(
        "c0_in_vivo"
    ):  # every one of its answers, as the student would write it
        for a in e.answers:
            if a.kind == "number":
                v = variants.answers(e.label, "s001", SECRET)[a.name]
                assert not _found({"nb": nb_text}, v, a.spec), (e.label, a.name)
    # the course edition of the site
    if list((ROOT / "book" / "chapters").glob("*.ipynb")):
        from jakpersist.book import coursesite

        html = coursesite.build(tmp_path / "course")
        site = _texts_of(html)
        assert (
            not any(p.startswith("_sources") for p in site) and "book/instructor.html" not in site
        )
        assert not any("expected verdict" in t for t in site.values())
        # the theme's and MathJax's own assets (_static) are the same on every site and hold no book
        # text
        texts.update({f"site:{k}": v for k, v in site.items() if not k.startswith("_static")})
    # a default run's outputs (values.json, report, executed notebook)
    r = subprocess.run(
        [
            str(Path(sys.executable).with_name("jakbook")),
            "run",
            "c1_persistence",
            "--label",
            "d",
            "--out",
            str(tmp_path / "runs"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-1000:] + r.stderr[-1000:]
    run_texts = _texts_of(tmp_path / "runs")
    assert not any("_ex_" in t for t in run_texts.values()), "a run glued an exercise answer"
    texts.update({f"run:{k}": v for k, v in run_texts.items()})
    for e in exercises.for_chapter("c1_persistence"):
        # a run at the chapter's defaults ({}) is the default run itself: its practice answer is the
        # chapter's own published number (a student's differs by their seed); every other practice
        # answer must
        # not show
        if e.label != "c1-ex-noise":
            at_defaults = {name for name, params in e.runs.items() if not params}
            for a in e.answers:
                if a.kind == "number" and not any(f'"{n}"' in _src_of(a) for n in at_defaults):
                    assert not _found(run_texts, variants.answers(e.label)[a.name]), (
                        e.label,
                        a.name,
                    )
    # On the site, an answer is searched on the pages where a student could recognise it as theirs:
    # its own chapter, the claims page and the landing pages. A three-digit number elsewhere (a
    # posterior quantile on the rivals page that happens to read like a T1 FDR) is a coincidence,
    # not a leak.
    chapter_of = {e.label: e.chapter for e in exercises.EXERCISES}
    shared = ("site:index.html", "site:book/intro.html", "site:book/claims.html")

    def visible_to(label: str) -> dict[str, str]:
        return {
            k: t
            for k, t in texts.items()
            if not k.startswith("site:") or k in shared or chapter_of[label] in k
        }

    leaks = {k: _found(visible_to(k.split(":")[0]), v) for k, (v, spec) in variant_answers.items()}
    assert not {k: v for k, v in leaks.items() if v}


def _src_of(a) -> str:
    """The run names an answer's truth reads (from its closure: ``_v(run, key)`` and friends)."""
    cells = [c.cell_contents for c in (a.truth.__closure__ or ())]
    import inspect

    try:
        cells.append(inspect.getsource(a.truth))
    except (OSError, TypeError):
        pass
    return " ".join(f'"{c}"' if isinstance(c, str) else str(c) for c in cells)


# --- grading --------------------------------------------------------------------------------------


def _otter(zip_path: Path, nb: nbformat.NotebookNode, where: Path, chapter: str) -> dict:
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{chapter}.ipynb"
    nbformat.write(nb, str(path))
    out = where / "out"
    out.mkdir()
    r = subprocess.run(
        [OTTER, "run", "-a", str(zip_path), "-o", str(out), str(path)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=where,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return {t["name"]: t for t in json.loads((out / "results.json").read_text())["tests"]}


def _total(res: dict) -> float:
    return sum(t.get("score") or 0 for t in res.values())


def student_solution(
    folder: Path, chapter: str, sid: str, secret: str | None
) -> nbformat.NotebookNode:
    """The solution notebook as student ``sid`` would complete it (their parameters, their
    answers)."""
    sol = nbformat.read(str(folder / "autograder" / f"{chapter}.ipynb"), as_version=4)
    truth = {}
    for e in exercises.for_chapter(chapter):
        truth.update(variants.answers(e.label, sid, secret))
    return assign.fill_answers(assign.personalise(sol, chapter, sid, secret=secret), truth)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return assign.build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.mark.slow
@pytest.mark.parametrize("chapter", ["c0_in_vivo", "g1_gdsc", "t1_transcriptome"])
def test_solutions_score_full_marks_for_several_students_and_one_wrong_answer_loses_its_points(
    chapter, tmp_path, wheel
):
    folder = assign.build(chapter, out=tmp_path / "a", secret=SECRET, roster=IDS[:2], wheel=wheel)
    zip_path = assign.autograder_zip(folder)
    with zipfile.ZipFile(zip_path) as z:
        assert any(n.endswith(".whl") for n in z.namelist()) and any(
            n.endswith(variants.SECRET_FILE) for n in z.namelist()
        )
    full = None
    for sid in IDS[:2]:
        res = _otter(
            zip_path, student_solution(folder, chapter, sid, SECRET), tmp_path / sid, chapter
        )
        scored = {k: v for k, v in res.items() if v.get("max_score")}
        assert all(v["score"] == v["max_score"] for v in scored.values()), (sid, scored)
        full = sum(v["max_score"] for v in scored.values())
    # one wrong number: exactly its points are lost, and the message is a hint without the value
    e = exercises.for_chapter(chapter)[0]
    a = next(x for x in e.answers if x.kind == "number")
    nb = student_solution(folder, chapter, IDS[0], SECRET)
    truth = variants.answers(e.label, IDS[0], SECRET)[a.name]
    nb = assign.fill_answers(nb, {a.name: truth + 10 * a.tolerance(truth) + 1.0})
    res = _otter(zip_path, nb, tmp_path / "wrong", chapter)
    assert _total(res) == pytest.approx(full - a.points)
    out = res[e.qname]["output"]
    assert a.name in out and "does not match" in out
    for shown in _renderings(truth, a.spec):
        assert shown not in out


# --- feedback and the instructor's tables ---------------------------------------------------------


def test_a_prediction_is_recorded_once_and_a_later_change_is_not(tmp_path, capsys):
    from jakpersist.book import course

    f = tmp_path / "predictions.csv"
    for _ in range(3):
        course.check_prediction(
            "c1-ex-cross",
            "cross_verdict",
            "supported",
            observed="supported",
            confidence=0.8,
            path=f,
        )
    course.check_prediction(
        "c1-ex-cross",
        "cross_verdict",
        "not supported",
        observed="supported",
        confidence=0.9,
        path=f,
    )
    course.check_prediction(
        "c1-ex-noise", "noise_n_supported", 1, observed=np.int64(1), confidence=0.6, path=f
    )
    import pandas as pd

    t = pd.read_csv(f)
    assert len(t) == 2 and t.loc[0, "predicted"] == "supported" and t.loc[0, "confidence"] == 0.8
    assert t.loc[1, "correct"] == 1
    assert "first prediction" in capsys.readouterr().out


def test_grades_and_predictions_tables_from_submissions(tmp_path):
    from jakpersist.book import grades

    for sid, score in (("s001", 1.5), ("s002", 0.0)):
        (tmp_path / "graded" / sid).mkdir(parents=True)
        (tmp_path / "graded" / sid / "results.json").write_text(
            json.dumps(
                {
                    "tests": [
                        {"name": "c1_ex_cross", "score": score, "max_score": 2.0},
                        {"name": "predictions", "score": 1.0, "max_score": 1.0},
                    ]
                }
            )
        )
    swapped = nbformat.v4.new_notebook()
    swapped.cells = [nbformat.v4.new_code_cell("STUDENT_ID = 's001'  # set by your instructor")]
    nbformat.write(swapped, str(tmp_path / "graded" / "s002" / "c1_persistence.ipynb"))
    t = grades.collect(tmp_path / "graded")
    assert (
        list(t["student"]) == ["s001", "s002"]
        and list(t["total"]) == [2.5, 1.0]
        and set(t["max"]) == {3.0}
    )
    assert list(t["id_mismatch"]) == [False, True] and t.loc[1, "student_id_in_notebook"] == "s001"
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("STUDENT_ID = 's007'"),
        nbformat.v4.new_code_cell(
            "predicted_cross_verdict = 'supported'  # guess\nconfidence_cross_verdict = 0.7"
        ),
        nbformat.v4.new_code_cell("cross_verdict = 'not supported'\ncross_min_fold = compute()"),
    ]
    nbformat.write(nb, str(tmp_path / "a.ipynb"))
    p = grades.predictions([tmp_path / "a.ipynb"])
    row = p[p.answer == "cross_verdict"].iloc[0]
    assert row.student == "s007" and row.correct == 0 and row.brier == pytest.approx(0.49)
    assert len(grades.calibration_table(p)) == 1


# --- grading a class from recorded answers, and a classmate's ID ----------------------------------


@pytest.mark.slow
def test_class_graded_from_recorded_answers_as_otter_grades_it_and_a_classmates_id_is_flagged(
    tmp_path,
):
    """``grades grade`` scores notebooks whose answers are values without running them, exactly as
    ``otter run`` scores the same notebooks (a wrong number loses exactly its points); a notebook
    that computes an answer in a cell goes through otter; ``grades collect`` flags a notebook whose
    STUDENT_ID is a classmate's (its signature names the student it was made for) and one whose
    numbers are a classmate's variant."""
    from jakpersist.book import grades

    chapter, ids = "c0_in_vivo", ["s001", "s002", "s003", "s004", "s005"]
    folder = assign.build(chapter, out=tmp_path / "a", secret=SECRET, roster=ids)
    zip_path = assign.autograder_zip(folder)
    subs = tmp_path / "submissions"
    subs.mkdir()
    handout = nbformat.read(str(folder / "students" / "s004" / f"{chapter}.ipynb"), as_version=4)
    assert variants.signed_for(handout.metadata, SECRET) == "s004"
    assert variants.signed_for(handout.metadata, "another secret") is None
    e = exercises.for_chapter(chapter)[0]
    a = next(x for x in e.answers if x.kind == "number")
    nbs = {sid: student_solution(folder, chapter, sid, SECRET) for sid in ("s001", "s002", "s003")}
    truth = variants.answers(e.label, "s002", SECRET)[a.name]
    nbs["s002"] = assign.fill_answers(nbs["s002"], {a.name: truth + 10 * a.tolerance(truth) + 1.0})
    for c in nbs["s003"].cells:  # an answer computed in a cell: only a run can grade it
        c.source = re.sub(rf"(?m)^{a.name} = (.*)$", rf"{a.name} = float('\1')", c.source)
    # s004 types s001's ID into the notebook made for them and copies s001's answers
    s001 = {
        k: v
        for ex_ in exercises.for_chapter(chapter)
        for k, v in variants.answers(ex_.label, "s001", SECRET).items()
    }
    sol = nbformat.read(str(folder / "autograder" / f"{chapter}.ipynb"), as_version=4)
    nbs["s004"] = assign.fill_answers(assign.personalise(sol, chapter, "s004", secret=SECRET), s001)
    for c in nbs["s004"].cells:
        c.source = c.source.replace("STUDENT_ID = 's004'", "STUDENT_ID = 's001'")
    # s005 keeps their own ID and copies s001's answers
    nbs["s005"] = assign.fill_answers(assign.personalise(sol, chapter, "s005", secret=SECRET), s001)
    for sid, nb in nbs.items():
        nbformat.write(nb, str(subs / f"{sid}.ipynb"))
    how = grades.grade(subs, zip_path, tmp_path / "graded")
    assert how == {
        "s001": grades.GRADED_BY_RECORD,
        "s002": grades.GRADED_BY_RECORD,
        "s003": grades.GRADED_BY_OTTER,
        "s004": grades.GRADED_BY_RECORD,
        "s005": grades.GRADED_BY_RECORD,
    }
    fast = {
        sid: {
            t["name"]: t
            for t in json.loads((tmp_path / "graded" / sid / "results.json").read_text())["tests"]
        }
        for sid in ids
    }
    for sid in ("s001", "s002"):  # the same scores as otter's own run of the same notebook
        res = _otter(zip_path, nbs[sid], tmp_path / "otter" / sid, chapter)
        assert {k: (v["score"], v["max_score"]) for k, v in fast[sid].items()} == {
            k: (v.get("score") or 0.0, v["max_score"]) for k, v in res.items() if v.get("max_score")
        }, sid
    full = _total(fast["s001"])
    assert full == sum(v["max_score"] for v in fast["s001"].values())
    assert _total(fast["s002"]) == pytest.approx(full - a.points) and _total(fast["s003"]) == full
    t = grades.collect(tmp_path / "graded", secret=SECRET, chapter=chapter).set_index("student")
    assert (
        not t.loc["s001", "flag"]
        and t.loc["s001", "signature_ok"]
        and t.loc["s001", "signed_for"] == "s001"
    )
    assert not t.loc["s002", "flag"] and t.loc["s002", "matches_variant_of"] == ""
    assert t.loc["s004", "total"] == full and t.loc["s004", "flag"]
    assert t.loc["s004", "signed_for"] == "s004" and not t.loc["s004", "signature_ok"]
    assert (
        t.loc["s005", "flag"]
        and t.loc["s005", "matches_variant_of"] == "s001"
        and t.loc["s005", "signature_ok"]
    )
    assert t.loc["s005", "total"] < full


def test_recorded_answers_are_read_only_when_a_run_would_give_the_same():
    from jakpersist.book import grades

    def nb(*cells):
        return {"cells": [{"cell_type": "code", "source": c} for c in cells]}

    names = {"x", "y", "STUDENT_ID"}
    assert grades.recorded_answers(
        nb(
            "STUDENT_ID = 's1'",
            "import numpy as np\nz = np.pi",
            "x = 1.25  # typed\ny = 'holds'",
            "x = 2.5",
        ),
        names,
    ) == {"STUDENT_ID": "s1", "x": 2.5, "y": "holds"}
    assert grades.recorded_answers(nb("x = 1.0", "x = compute()"), names) is None
    assert grades.recorded_answers(nb("for x in [1, 2]: pass"), names) is None
    assert grades.recorded_answers(nb("x = 1.0\nprint(x)"), names) is None
    assert grades.recorded_answers(nb("globals()['x'] = 3.0", "x = 1.0"), names) is None
    assert grades.recorded_answers(nb("%time x = 1.0"), names) is None
    assert grades.recorded_answers(nb("x = (1.0", "y = ..."), names) == {
        "y": Ellipsis
    }  # a broken cell binds nothing


def test_a_varied_parameter_applies_to_the_runs_that_set_it():
    """c1-ex-noise varies the noisy sweep's noise; its second sweep keeps the chapter's noise (and
    the seed)."""
    e = variants.exercise("c1-ex-noise")
    r = variants.runs(e, "s001", SECRET)
    assert r["noisy"]["noise_sd"] != 0.2 and "noise_sd" not in r["replicated"]
    assert r["noisy"]["seeds"] == r["replicated"]["seeds"]
    # c0-ex-degrader's varied dose is set by none of its runs, so it applies to every run
    d = variants.runs(variants.exercise("c0-ex-degrader"), "s001", SECRET)["degrader"]
    assert "hsp90_dose_nM" in d


def test_every_syllabus_outcome_is_assessed_by_existing_exercises():
    """The syllabus maps each outcome to exercises that exist; O3 (effect or power) is assessed by
    graded exercises with seed sweeps, one in the model where the effect is there
    (``trans_gating=0``)."""
    text = (ROOT / "book" / "course.md").read_text(encoding="utf-8")
    labels = {e.label for e in exercises.EXERCISES}
    labels |= set(
        re.findall(
            r":label: (\S+)",
            "".join(p.read_text(encoding="utf-8") for p in (ROOT / "notebooks").glob("*.md")),
        )
    )
    rows = dict(re.findall(r"^\| (O\d) \|[^|]*\| ([^|]*) \|$", text, flags=re.M))
    assert {"O1", "O2", "O3", "O4", "O5"} <= set(rows)
    for o, cell in rows.items():
        for lb in re.findall(r"\b[cgtr]\d-ex-[a-z0-9-]+", cell):
            assert lb in labels, f"{o}: {lb} is not an exercise"
    o3 = [variants.exercise(lb) for lb in re.findall(r"\b[cgtr]\d-ex-[a-z0-9-]+", rows["O3"])]
    assert o3 and all(any("seeds" in r for r in e.runs.values()) for e in o3)
    assert all(any(r.get("trans_gating") == 0.0 for r in e.runs.values()) for e in o3)


def test_the_copy_ceiling_is_below_a_quarter_for_the_rewritten_chapters():
    """A copy of the public site's answers can earn at most the verdict and count points (numbers
    fail)."""
    for chapter in (
        "c1_persistence",
        "c2_heterodimers",
        "c3_reversibility",
        "c6_jak2_dependence",
        "t1_transcriptome",
    ):
        copy, total = exercises.copy_ceiling(chapter)
        assert copy / total < 0.25, (chapter, copy, total)


def test_recorded_grading_gives_per_answer_feedback_without_the_value():
    from jakpersist.book import grades

    truths = {
        e.label: {
            a.name: (0.123456 if a.kind == "number" else 2 if a.kind == "count" else "holds")
            for a in e.answers
        }
        for e in exercises.for_chapter("c1_persistence")
    }
    values = {"advantage_fold_rux": 0.123, "advantage_fold_pan": 0.9, "advantage_verdict": "holds"}
    tests = grades.score_recorded("c1_persistence", values, truths)
    fb = {f["answer"]: f for t in tests for f in t.get("feedback", [])}
    assert (
        fb["advantage_fold_rux"]["result"] == "right" and fb["advantage_fold_rux"]["points"] == 2.0
    )
    assert (
        fb["advantage_fold_pan"]["result"] == "does not match your run"
        and fb["advantage_fold_pan"]["points"] == 0
    )
    assert fb["advantage_fold_agnostic"]["result"] == "missing"
    text = grades.feedback_text("s001", tests)
    assert "0.123456" not in text and "0.1235" not in text and "advantage_fold_pan = 0.9" in text
    assert "within 0.0005" in text
    summary = grades.feedback_summary(tests)
    assert (
        "advantage_fold_pan: does not match your run (0/2)" in summary
        and "advantage_fold_rux" not in summary
    )


def test_a_number_the_run_does_not_report_is_answered_with_nan():
    """A student's run can leave a graded number undefined (a curve whose GI50 is not estimable);
    the answer is then NaN, written ``float('nan')``, read by the recorded-answers route and filled
    into a solution."""
    from jakpersist.book import grades

    a = next(x for x in variants.exercise("c3-ex-holiday").answers if x.kind == "number")
    nan = float("nan")
    assert (
        exercises.check(a, nan, nan)
        and not exercises.check(a, 1.0, nan)
        and not exercises.check(a, nan, 1.0)
    )
    nb = {"cells": [{"cell_type": "code", "source": f"{a.name} = float('nan')"}]}
    got = grades.recorded_answers(nb, {a.name})
    assert got is not None and got[a.name] != got[a.name]
    nb["cells"].insert(0, {"cell_type": "code", "source": "float = int"})
    assert grades.recorded_answers(nb, {a.name}) is None
    filled = assign.fill_answers(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"{a.name} = 0.0")]),
        {a.name: nan},
    )
    assert filled.cells[0].source == f"{a.name} = float('nan')"
    ns: dict = {a.name: nan}
    exec(assign.visible_test(a), ns)
