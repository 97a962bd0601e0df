"""Graded assignments with otter-grader: one per chapter, under ``_build/assignments/<chapter>/``.

``make assignments`` (``jakbook assignments``) does, for every chapter:

1. runs every exercise's stated parameter sets (:mod:`jakpersist.book.exercises`; seed sweeps in
   parallel with :mod:`jakpersist.book.sweep`) and keeps their glued values in
   ``_build/assignments/.runs/`` (reused while the chapter's source and the package are unchanged)
   -- so every answer is computed, not typed;
2. writes an otter-grader *master notebook* (``<chapter>-master.ipynb``): the student version of the
   chapter (plain Jupyter Markdown, :mod:`jakpersist.book.student`), a "your predictions" question
   before the parameters cell, and after each exercise an otter question whose solution holds the
   computed answers, with a visible check (types and allowed values) and one hidden assert per
   answer (partial credit);
3. runs ``otter assign`` (offline, no Docker) into ``student/`` (the notebook to hand out, with
   ``grader.check(...)`` cells and only the visible tests) and ``autograder/`` (the solution
   notebook and ``<chapter>-autograder_*.zip`` with the hidden tests, which stay with the
   instructor).

Grade a class with ``jakbook grades grade SUBMISSIONS -a autograder/<zip>``
(answers written as values are scored without re-running the chapter; the others through ``otter run
-a autograder/<zip>``), then ``grades collect``; a notebook made for a student carries the signature
of their ID in its metadata. The papermill ``parameters`` cell keeps its tag, so a handed-out
notebook still runs with ``jakbook run``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

from . import student, variants
from .execute import NOTEBOOKS, ROOT
from .exercises import Answer, Exercise, for_chapter

OUT = ROOT / "_build" / "assignments"


# --- computing the answers ------------------------------------------------------------------------


def _fingerprint(chapter: str) -> str:
    h = hashlib.sha256((NOTEBOOKS / f"{chapter}.md").read_bytes())
    h.update(variants.fingerprint_package().encode())
    return h.hexdigest()[:16]


def exercise_runs(ex: Exercise, workers: int = 2, cache: Path | None = None) -> dict[str, Any]:
    """Glued values of every run an exercise asks for (``run name -> dict``, or a list of dicts per
    seed)."""
    from .sweep import run_many

    cache = cache or OUT / ".runs"
    path = cache / f"{ex.label}-{_fingerprint(ex.chapter)}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for name, params in ex.runs.items():
        params = dict(params)
        seeds = params.pop("seeds", None)
        sets = [{**params, "seed": s} for s in seeds] if seeds else [params]
        res = run_many(ex.chapter, sets, workers=workers, cwd=ROOT)
        bad = [r["error"] for r in res if not r["ok"]]
        if bad:
            raise RuntimeError(f"{ex.label}: run {name} {params} failed: {bad[0]}")
        vals = [r["values"] for r in res]
        out[name] = vals if seeds else vals[0]
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, default=str), encoding="utf-8")
    return out


# --- the otter master notebook --------------------------------------------------------------------


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _hint(a: Answer) -> str:
    if a.kind == "verdict":
        return " or ".join(f'"{c}"' for c in a.allowed()) + " (the rule's outcome in your run)"
    if a.kind == "choice":
        return " or ".join(f'"{c}"' for c in a.choices)
    if a.kind == "count":
        return "a whole number"
    return "a number; float('nan') where your run reports none (NaN in values.json)"


NAN_LITERAL = "float('nan')"


def visible_test(a: Answer) -> str:
    """The check a student sees for answer ``a`` (its form: a verdict word, a choice, a whole
    number, a number), as the line of Python the assignment's visible test runs."""
    if a.kind in ("verdict", "choice"):
        return (
            f"assert str({a.name}).strip().lower() in {a.allowed()!r}, "
            f"{'answer one of ' + ', '.join(a.allowed())!r}"
        )
    if a.kind == "count":  # a count from pandas (np.int64) is a whole number too
        return (
            f"assert not isinstance({a.name}, (bool, str)) and float({a.name}).is_integer() and "
            f"{a.name} >= 0, "
            "'answer a whole number'"
        )
    return (
        f"assert not isinstance({a.name}, (bool, str)) and isinstance(float({a.name}), float), "
        "'answer a number'"
    )


def _hidden(ex: Exercise, a: Answer) -> str:
    """The hidden test of one answer: recomputed for the notebook's STUDENT_ID at grading time
    (:func:`jakpersist.book.variants.check`); a failure shows a hint, never the value."""
    return (
        f"# HIDDEN\nfrom jakpersist.book import variants as _v\n"
        f"assert _v.check({ex.label!r}, {a.name!r}, {a.name}, student_id=STUDENT_ID), "
        f"_v.hint({ex.label!r}, {a.name!r}, STUDENT_ID)"
    )


def _literal(a: Answer, truth: Any) -> str:
    if a.kind == "number":
        return NAN_LITERAL if truth != truth else format(truth, a.spec)
    return repr(truth)


RUN_HINT = "**Your answers to {label}.**"


def _run_hint_cell(ex: Exercise, student_id: str | None = None, secret: str | None = None) -> str:
    ask = {
        k: v
        for k, v in variants.choices(ex, student_id, secret).items()
        if k.startswith(variants.ASK)
    }
    asked = (
        (
            "\n\nFor this question: "
            + ", ".join(f"`{k[len(variants.ASK) :]}` = {v!r}" for k, v in ask.items())
            + "."
        )
        if ask
        else ""
    )
    return (
        RUN_HINT.format(label=ex.label)
        + " Run with your parameters (where the exercise text above gives other values, such as"
        " its seeds or noise level, use these: your answers are graded on them)\n\n```bash\n"
        f"{variants.run_hint(ex, student_id, secret)}\n```\n\n(in a terminal; or in a cell: "
        f'`from jakpersist.book import course; course.rerun("{ex.chapter}", name=value)`), then '
        "write what "
        f"your run shows (rounded as asked).{asked}"
    )


STUDENT_ID_CELL = (
    'STUDENT_ID = {sid!r}  # set by your instructor: do not change it ("practice": '
    "the public version)"
)
PARAMS_MD = (
    "## Your parameters\n\nStudent ID: **{sid}**. Each exercise below is run with these "
    "parameters{what}; where an exercise's text gives other values, these are the ones your "
    "answers are graded on:\n\n{table}"
)


def _parameter_cells(
    chapter: str, student_id: str = variants.PRACTICE, secret: str | None = None
) -> list[nbformat.NotebookNode]:
    practice = variants.is_practice(student_id, secret)
    what = (
        " (public practice: the values the exercises state, as on the book's website)"
        if practice
        else " (yours alone: answers copied from the website or another student will not match)"
    )
    md = PARAMS_MD.format(
        sid=student_id, what=what, table=variants.parameters_table(chapter, student_id, secret)
    )
    return [
        nbformat.v4.new_markdown_cell(md, metadata={"jakbook": "parameters-table"}),
        nbformat.v4.new_code_cell(
            STUDENT_ID_CELL.format(sid=student_id), metadata={"jakbook": "student-id"}
        ),
    ]


def personalise(
    nb: nbformat.NotebookNode, chapter: str, student_id: str, *, secret: str | None
) -> nbformat.NotebookNode:
    """A copy of an assignment notebook (student or solution version) for one student: their ID,
    their parameter table, their run commands and, with a course secret, the signature of the ID it
    was made for in the notebook's metadata (:func:`jakpersist.book.variants.signature`; the grade
    table checks it). Answers in a solution notebook are left as they are."""
    out = nbformat.from_dict(json.loads(json.dumps(nb)))
    out.metadata.pop(variants.SIGNATURE_KEY, None)
    if not variants.is_practice(student_id, secret):
        out.metadata[variants.SIGNATURE_KEY] = {
            "student_id": str(student_id),
            "signature": variants.signature(student_id, str(secret)),
        }
    by_label = {e.label: e for e in for_chapter(chapter)}
    for cell in out.cells:
        tag = cell.metadata.get("jakbook")
        if tag == "student-id" or cell.source.startswith("STUDENT_ID = "):
            cell.source = STUDENT_ID_CELL.format(sid=student_id)
        elif tag == "parameters-table" or cell.source.startswith("## Your parameters"):
            cell.source = _parameter_cells(chapter, student_id, secret)[0].source
        elif cell.cell_type == "markdown" and cell.source.startswith("**Your answers to "):
            label = cell.source[len("**Your answers to ") :].split(".**")[0]
            if label in by_label:
                cell.source = _run_hint_cell(by_label[label], student_id, secret)
    return out


def fill_answers(nb: nbformat.NotebookNode, values: dict[str, Any]) -> nbformat.NotebookNode:
    """A copy of a solution notebook with the answer lines ``name = value`` set to ``values`` (name
    -> value)."""
    out = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        for name, v in values.items():
            lit = NAN_LITERAL if isinstance(v, float) and v != v else repr(v)
            cell.source = re.sub(
                rf"(?m)^{re.escape(name)} = .*$",
                lambda m, line=f"{name} = {lit}": line,
                cell.source,
            )
    return out


def _predictions(exs: list[Exercise]) -> list[nbformat.NotebookNode]:
    items = [(e, a) for e in exs for a in e.answers if a.name == e.predict]
    md = (
        "## Before you run anything: your predictions\n\nRead the exercises at the end of this "
        "notebook, then "
        "enter here what you expect, and how sure you are (0.5 = a guess, 1.0 = certain). Do not "
        "change "
        "them after running: each exercise scores its prediction against your result."
    )
    lines = [
        f"# {e.label}: {a.prompt} ({_hint(a)})\npredicted_{a.name} = "
        f"{'0.0' if a.kind == 'number' else '0' if a.kind == 'count' else repr(a.allowed()[0])}  # "
        "SOLUTION\n"
        f"confidence_{a.name} = 0.6  # SOLUTION"
        for e, a in items
    ]
    checks = "\n".join(
        f"assert 0.5 <= confidence_{a.name} <= 1.0, 'confidence between 0.5 and 1'"
        for _, a in items
    )
    return [
        nbformat.v4.new_markdown_cell(md),
        _raw("# BEGIN QUESTION\nname: predictions\npoints: 1"),
        _raw("# BEGIN SOLUTION"),
        nbformat.v4.new_code_cell("\n".join(lines)),
        _raw("# END SOLUTION"),
        _raw("# BEGIN TESTS"),
        nbformat.v4.new_code_cell(checks),
        _raw("# END TESTS"),
        _raw("# END QUESTION"),
    ]


def _question(ex: Exercise, truth: dict[str, Any]) -> list[nbformat.NotebookNode]:
    answers = "\n".join(
        f"# {a.prompt} ({_hint(a)})\n{a.name} = {_literal(a, truth[a.name])}  # SOLUTION"
        for a in ex.answers
    )
    points = [0] + [
        a.points for a in ex.answers
    ]  # the visible check (type only) earns nothing by itself
    cells = [
        nbformat.v4.new_markdown_cell(_run_hint_cell(ex)),
        _raw(f"# BEGIN QUESTION\nname: {ex.qname}\npoints: {points!r}"),
        _raw("# BEGIN SOLUTION"),
        nbformat.v4.new_code_cell(answers),
        _raw("# END SOLUTION"),
        _raw("# BEGIN TESTS"),
        nbformat.v4.new_code_cell("\n".join(visible_test(a) for a in ex.answers)),
    ]
    cells += [nbformat.v4.new_code_cell(_hidden(ex, a)) for a in ex.answers]
    cells += [_raw("# END TESTS"), _raw("# END QUESTION")]
    if ex.predict:
        cells.append(
            nbformat.v4.new_code_cell(
                "# Predict, then check: your prediction against your result (appends to "
                "predictions.csv)\n"
                "from jakpersist.book import course\n"
                f"course.check_prediction({ex.label!r}, {ex.predict!r}, predicted_{ex.predict}, "
                f"{ex.predict}, "
                f"confidence_{ex.predict})"
            )
        )
    if ex.open_question:
        cells.append(
            nbformat.v4.new_markdown_cell(
                f"**Open question ({ex.label}, graded by your instructor).** "
                f"{ex.open_question}\n\n*Your answer:* "
            )
        )
    return cells


def master_notebook(
    chapter: str,
    answers: dict[str, dict[str, Any]],
    *,
    autograder_files: list[str] | None = None,
    requirements: str = "",
) -> nbformat.NotebookNode:
    """The otter-grader master notebook of ``chapter``; ``answers``: exercise label -> computed
    truths (the public practice answers, written into the solution notebook). ``autograder_files``:
    files (beside the master) that only the autograder zip carries; ``requirements``: a
    ``requirements:`` config line."""
    exs = for_chapter(chapter)
    by_label = {e.label: e for e in exs}
    nb = student.student_notebook(chapter)
    cfg = (
        "# ASSIGNMENT CONFIG\n"
        f"name: {chapter}\n"
        "init_cell: true\ncheck_all_cell: true\nexport_cell: false\nrun_tests: false\n"
        "solutions_pdf: false\ngenerate: true\n"
        + (requirements or "requirements: null\n")
        + (
            "autograder_files:\n" + "".join(f"  - {f}\n" for f in autograder_files)
            if autograder_files
            else ""
        )
        + "tests:\n  files: false\n  ok_format: true\n"
    )
    cells = [_raw(cfg), nb.cells[0], *_parameter_cells(chapter)]
    if any(e.predict for e in exs):
        cells += _predictions(exs)
    for cell in nb.cells[1:]:
        if cell.cell_type != "markdown" or "> **Exercise (" not in cell.source:
            cells.append(cell)
            continue
        # one markdown cell per exercise (and per following section), each exercise followed by its
        # question
        for part in re.split(r"(?m)^(?=> \*\*Exercise \(|## )", cell.source):
            if not part.strip():
                continue
            cells.append(nbformat.v4.new_markdown_cell(part.strip("\n")))
            for label in [lb for lb in by_label if f"Exercise ({lb})" in part]:
                cells += _question(by_label[label], answers[label])
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    out.cells = cells
    return out


def build_wheel(dest: Path) -> Path:
    """The book's wheel (``pip wheel --no-deps``) in ``dest``; the autograder zip ships it so that a
    grader without the repository (Gradescope, a clean venv) can install the package. Returns the
    wheel's path."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("jakpersist-*.whl"):
        old.unlink()
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
            str(dest),
        ],
        capture_output=True,
        text=True,
        cwd=dest,
    )
    if r.returncode:
        raise RuntimeError(f"pip wheel failed:\n{r.stderr[-2000:]}")
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    return sorted(dest.glob("jakpersist-*.whl"))[-1]


GRADESCOPE_SOURCE = (
    "/autograder/source/files"  # where Gradescope unpacks the zip's files (otter's layout)
)


def build(
    chapter: str,
    out: Path = OUT,
    workers: int = 2,
    *,
    run_otter: bool = True,
    secret: str | None = None,
    roster: list[str] | None = None,
    wheel: Path | None = None,
) -> Path:
    """Build ``out/<chapter>/``: the master notebook, ``student/`` (public practice version),
    ``autograder/`` (solution notebook and zip) and, with a ``roster``,
    ``students/<ID>/<chapter>.ipynb`` (one per student, with their parameters). ``secret``: the
    course secret (the zip carries it in ``course-secret.txt``; without it the zip grades practice
    notebooks only). ``wheel``: the book's wheel to ship in the zip (its Gradescope setup installs
    it). Returns the chapter folder."""
    answers = {e.label: variants.answers(e.label) for e in for_chapter(chapter)}
    folder = out / chapter
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "answers.json").write_text(
        json.dumps(answers, indent=2, default=str), encoding="utf-8"
    )
    extra: list[str] = []
    if secret:
        (folder / variants.SECRET_FILE).write_text(secret + "\n", encoding="utf-8")
        extra.append(variants.SECRET_FILE)
    req = ""
    if wheel is not None:
        shutil.copy(wheel, folder / wheel.name)
        extra.append(wheel.name)
        (folder / "requirements.txt").write_text(
            f"{GRADESCOPE_SOURCE}/{wheel.name}\n", encoding="utf-8"
        )
        req = "requirements: requirements.txt\n"
    master = folder / f"{chapter}.ipynb"
    nbformat.write(
        master_notebook(chapter, answers, autograder_files=extra, requirements=req), str(master)
    )
    if run_otter:
        dist = folder / "dist"
        r = subprocess.run(
            [
                str(Path(sys.executable).with_name("otter")),
                "assign",
                "--no-pdfs",
                "--no-run-tests",
                str(master),
                str(dist),
            ],
            capture_output=True,
            text=True,
            cwd=folder,
        )
        if r.returncode:
            raise RuntimeError(
                f"otter assign failed for {chapter}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
            )
        for sub in ("student", "autograder"):
            shutil.move(str(dist / sub), str(folder / sub))
        shutil.rmtree(dist)
        for f in extra:  # the secret and the wheel live in the zip only
            (folder / f).unlink(missing_ok=True)
        if roster:
            handout = nbformat.read(str(folder / "student" / f"{chapter}.ipynb"), as_version=4)
            for sid in roster:
                dest = folder / "students" / sid / f"{chapter}.ipynb"
                dest.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(personalise(handout, chapter, sid, secret=secret), str(dest))
    return folder


def read_roster(path: str | Path) -> list[str]:
    """Student IDs from a roster file: one per line, or a CSV whose first column (or ``id`` column)
    holds them.

    The file is read by the one tabular reader (:func:`jakpersist.loaders.tabular.read_cells`: text
    in UTF-8 with or without a byte-order mark, UTF-16 or Windows-1252; `,` `;` or tab delimited; or
    a workbook). Raises ValueError naming the line of an ID that is not a plain name (letters,
    digits, ``.-_@``)."""
    from ..loaders.tabular import read_cells

    rows = read_cells(path).rows
    col, first = 0, 1
    header = [h.strip().lower() for h in rows[0]] if rows else []
    named = [k for k, h in enumerate(header) if h in ("id", "student_id", "sid")]
    if named:
        col, rows, first = named[0], rows[1:], 2
    out = []
    for i, row in enumerate(rows, start=first):
        if not any(c.strip() for c in row):
            continue
        if col >= len(row) or not row[col].strip():
            raise ValueError(
                f"{path}: line {i}: no student ID in column {col + 1} (the row is {row!r}); "
                "give every student an ID or delete the line"
            )
        sid = row[col].strip()
        if not re.fullmatch(r"[A-Za-z0-9._@-]+", sid):
            raise ValueError(
                f"{path}: line {i}: {sid!r} is not a plain student ID (letters, digits, . - _ @)"
            )
        out.append(sid)
    return out


def autograder_zip(folder: Path) -> Path:
    """The autograder zip inside a built chapter folder."""
    zips = sorted((folder / "autograder").glob("*.zip"))
    if not zips:
        raise FileNotFoundError(
            f"no autograder zip in {folder / 'autograder'}: run `make assignments`"
        )
    return zips[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="jakbook assignments",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("chapters", nargs="*", help="default: every chapter")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument(
        "--roster",
        help="file of student IDs (one per line, or a CSV with an 'id' column): writes "
        "students/<ID>/<chapter>.ipynb with each student's own parameters",
    )
    ap.add_argument(
        "--secret-file",
        help=f"the course secret (default: ${variants.SECRET_ENV}; a new one is made "
        "in <out>/course-secret.txt when a roster is given without one). Keep it private",
    )
    ap.add_argument(
        "--no-wheel", action="store_true", help="do not ship the book's wheel in the autograder zip"
    )
    args = ap.parse_args(argv)
    from .exercises import graded_chapters

    chapters = args.chapters or graded_chapters(sorted(p.stem for p in NOTEBOOKS.glob("*.md")))
    out = Path(args.out)
    try:
        secret = (
            Path(args.secret_file).read_text(encoding="utf-8").strip()
            if args.secret_file
            else variants.find_secret(out)
            if (out / variants.SECRET_FILE).is_file() or os.environ.get(variants.SECRET_ENV)
            else None
        )
        roster = read_roster(args.roster) if args.roster else None
        if roster and not secret:
            secret = variants.new_secret()
            out.mkdir(parents=True, exist_ok=True)
            (out / variants.SECRET_FILE).write_text(secret + "\n", encoding="utf-8")
            print(
                f"assignments: new course secret in {out / variants.SECRET_FILE} (keep it; do not "
                "hand it out)"
            )
        wheel = None if args.no_wheel else build_wheel(out / ".wheel")
        for ch in chapters:
            folder = build(ch, out, args.workers, secret=secret, roster=roster, wheel=wheel)
            hand = "students/<ID>/" if roster else "student/"
            print(
                f"[{ch}] {folder / hand} (hand out) and "
                f"{autograder_zip(folder).relative_to(folder)} (keep)"
            )
    except (RuntimeError, FileNotFoundError, ValueError, OSError) as exc:
        print(f"assignments: error: {exc}", file=sys.stderr)
        return 2
    return 0
