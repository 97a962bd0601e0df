"""Graded assignments with otter-grader: one per chapter, under ``_build/assignments/<chapter>/``.

``make assignments`` (``python -m jakpersist.book.assign``) does, for every chapter:

1. runs every exercise's stated parameter sets (:mod:`jakpersist.book.exercises`; seed sweeps in parallel
   with :mod:`jakpersist.book.sweep`) and keeps their glued values in ``_build/assignments/.runs/`` (reused
   while the chapter's source and the package are unchanged) -- so every answer is computed, not typed;
2. writes an otter-grader *master notebook* (``<chapter>-master.ipynb``): the student version of the chapter
   (plain Jupyter Markdown, :mod:`jakpersist.book.student`), a "your predictions" question before the
   parameters cell, and after each exercise an otter question whose solution holds the computed answers,
   with a visible check (types and allowed values) and one hidden assert per answer (partial credit);
3. runs ``otter assign`` (offline, no Docker) into ``student/`` (the notebook to hand out, with
   ``grader.check(...)`` cells and only the visible tests) and ``autograder/`` (the solution notebook and
   ``<chapter>-autograder_*.zip`` with the hidden tests, which stay with the instructor).

Grade one submission with ``otter run -a autograder/<zip> submission.ipynb`` (writes ``results.json``).
The papermill ``parameters`` cell keeps its tag, so a handed-out notebook still runs with ``jakbook run``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

from . import student
from .execute import NOTEBOOKS, ROOT
from .exercises import Answer, Exercise, for_chapter, truths

OUT = ROOT / "_build" / "assignments"


# --- computing the answers ---------------------------------------------------------------------------------

def fingerprint_package() -> str:
    """Hash of the package's model, assay, analysis, loader and claim code (16 hex): cached answers are reused
    only while it is unchanged."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parents[1]
    for f in sorted(here.rglob("*.py")):
        if "book" not in f.relative_to(here).parts:
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _fingerprint(chapter: str) -> str:
    h = hashlib.sha256((NOTEBOOKS / f"{chapter}.md").read_bytes())
    h.update(fingerprint_package().encode())
    return h.hexdigest()[:16]


def exercise_runs(ex: Exercise, workers: int = 2, cache: Path | None = None) -> dict[str, Any]:
    """Glued values of every run an exercise asks for (``run name -> dict``, or a list of dicts per seed)."""
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


# --- the otter master notebook ------------------------------------------------------------------------------

def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _hint(a: Answer) -> str:
    if a.kind == "verdict":
        return '"supported" or "not supported"'
    if a.kind == "choice":
        return " or ".join(f'"{c}"' for c in a.choices)
    if a.kind == "count":
        return "a whole number"
    return "a number"


def _visible(a: Answer) -> str:
    if a.kind in ("verdict", "choice"):
        return f"assert {a.name} in {a.allowed()!r}, {'answer one of ' + ', '.join(a.allowed())!r}"
    if a.kind == "count":
        return f"assert isinstance({a.name}, int) and {a.name} >= 0, 'answer a whole number'"
    return f"assert isinstance({a.name}, (int, float)) and {a.name} == {a.name}, 'answer a number'"


def _hidden(a: Answer, truth: Any) -> str:
    if a.kind == "number":
        tol = max(a.atol, a.rtol * abs(truth))
        return f"# HIDDEN\nassert abs(float({a.name}) - {truth!r}) <= {tol!r}"
    if a.kind == "count":
        return f"# HIDDEN\nassert {a.name} == {truth!r}"
    return f"# HIDDEN\nassert str({a.name}).strip().lower() == {str(truth).lower()!r}"


def _literal(a: Answer, truth: Any) -> str:
    if a.kind == "number":
        return format(truth, a.spec)
    return repr(truth)


def _run_hint(ex: Exercise) -> str:
    lines = []
    for params in ex.runs.values():
        params = dict(params)
        seeds = params.pop("seeds", None)
        sets = " ".join(f"--set {k}={v}" for k, v in params.items())
        if seeds:
            lines.append(f"jakbook sweep {ex.chapter} {sets} --seeds {seeds[0]}-{seeds[-1]}")
        else:
            lines.append(f"jakbook run {ex.chapter} {sets}".rstrip())
    return "\n".join(lines)


def _predictions(exs: list[Exercise]) -> list[nbformat.NotebookNode]:
    items = [(e, a) for e in exs for a in e.answers if a.name == e.predict]
    md = ("## Before you run anything: your predictions\n\nRead the exercises at the end of this notebook, then "
          "enter here what you expect, and how sure you are (0.5 = a guess, 1.0 = certain). Do not change "
          "them after running: each exercise scores its prediction against your result.")
    lines = [f"# {e.label}: {a.prompt} ({_hint(a)})\npredicted_{a.name} = "
             f"{'0.0' if a.kind == 'number' else '0' if a.kind == 'count' else repr(a.allowed()[0])}  # SOLUTION\n"
             f"confidence_{a.name} = 0.6  # SOLUTION" for e, a in items]
    checks = "\n".join(f"assert 0.5 <= confidence_{a.name} <= 1.0, 'confidence between 0.5 and 1'" for _, a in items)
    return [nbformat.v4.new_markdown_cell(md), _raw("# BEGIN QUESTION\nname: predictions\npoints: 1"),
            _raw("# BEGIN SOLUTION"), nbformat.v4.new_code_cell("\n".join(lines)), _raw("# END SOLUTION"),
            _raw("# BEGIN TESTS"), nbformat.v4.new_code_cell(checks), _raw("# END TESTS"),
            _raw("# END QUESTION")]


def _question(ex: Exercise, truth: dict[str, Any]) -> list[nbformat.NotebookNode]:
    answers = "\n".join(f"# {a.prompt} ({_hint(a)})\n{a.name} = {_literal(a, truth[a.name])}  # SOLUTION"
                         for a in ex.answers)
    points = [0.5] + [a.points for a in ex.answers]
    cells = [nbformat.v4.new_markdown_cell(
        f"**Your answers to {ex.label}.** Run\n\n```bash\n{_run_hint(ex)}\n```\n\n(in a terminal; or in a cell: "
        f"`from jakpersist.book import course; course.rerun(\"{ex.chapter}\", name=value)`), then write what the "
        "run shows."),
        _raw(f"# BEGIN QUESTION\nname: {ex.qname}\npoints: {points!r}"),
        _raw("# BEGIN SOLUTION"), nbformat.v4.new_code_cell(answers), _raw("# END SOLUTION"),
        _raw("# BEGIN TESTS"), nbformat.v4.new_code_cell("\n".join(_visible(a) for a in ex.answers))]
    cells += [nbformat.v4.new_code_cell(_hidden(a, truth[a.name])) for a in ex.answers]
    cells += [_raw("# END TESTS"), _raw("# END QUESTION")]
    if ex.predict:
        cells.append(nbformat.v4.new_code_cell(
            "# Predict, then check: your prediction against your result (appends to predictions.csv)\n"
            "from jakpersist.book import course\n"
            f"course.check_prediction({ex.label!r}, {ex.predict!r}, predicted_{ex.predict}, {ex.predict}, "
            f"confidence_{ex.predict})"))
    if ex.open_question:
        cells.append(nbformat.v4.new_markdown_cell(
            f"**Open question ({ex.label}, graded by your instructor).** {ex.open_question}\n\n*Your answer:* "))
    return cells


def master_notebook(chapter: str, answers: dict[str, dict[str, Any]]) -> nbformat.NotebookNode:
    """The otter-grader master notebook of ``chapter``; ``answers``: exercise label -> computed truths."""
    exs = for_chapter(chapter)
    by_label = {e.label: e for e in exs}
    nb = student.student_notebook(chapter)
    cfg = ("# ASSIGNMENT CONFIG\n"
           f"name: {chapter}\n"
           "init_cell: true\ncheck_all_cell: true\nexport_cell: false\nrun_tests: false\n"
           "solutions_pdf: false\ngenerate: true\nrequirements: null\n"
           "tests:\n  files: false\n  ok_format: true\n")
    cells = [_raw(cfg), nb.cells[0]]
    if any(e.predict for e in exs):
        cells += _predictions(exs)
    for cell in nb.cells[1:]:
        if cell.cell_type != "markdown" or "> **Exercise (" not in cell.source:
            cells.append(cell)
            continue
        # one markdown cell per exercise (and per following section), each exercise followed by its question
        for part in re.split(r"(?m)^(?=> \*\*Exercise \(|## )", cell.source):
            if not part.strip():
                continue
            cells.append(nbformat.v4.new_markdown_cell(part.strip("\n")))
            for label in [lb for lb in by_label if f"Exercise ({lb})" in part]:
                cells += _question(by_label[label], answers[label])
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    out.cells = cells
    return out


def build(chapter: str, out: Path = OUT, workers: int = 2, run_otter: bool = True) -> Path:
    """Build ``out/<chapter>/`` (master, student/, autograder/ with the zip). Returns the chapter folder."""
    answers = {e.label: truths(e, exercise_runs(e, workers)) for e in for_chapter(chapter)}
    folder = out / chapter
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "answers.json").write_text(json.dumps(answers, indent=2, default=str), encoding="utf-8")
    master = folder / f"{chapter}.ipynb"
    nbformat.write(master_notebook(chapter, answers), str(master))
    if run_otter:
        dist = folder / "dist"
        r = subprocess.run([str(Path(sys.executable).with_name("otter")), "assign", "--no-pdfs", "--no-run-tests",
                            str(master), str(dist)], capture_output=True, text=True, cwd=folder)
        if r.returncode:
            raise RuntimeError(f"otter assign failed for {chapter}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
        for sub in ("student", "autograder"):
            shutil.move(str(dist / sub), str(folder / sub))
        shutil.rmtree(dist)
    return folder


def autograder_zip(folder: Path) -> Path:
    """The autograder zip inside a built chapter folder."""
    zips = sorted((folder / "autograder").glob("*.zip"))
    if not zips:
        raise FileNotFoundError(f"no autograder zip in {folder / 'autograder'}: run `make assignments`")
    return zips[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m jakpersist.book.assign", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("chapters", nargs="*", help="default: every chapter")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    from .exercises import graded_chapters

    chapters = args.chapters or graded_chapters(sorted(p.stem for p in NOTEBOOKS.glob("*.md")))
    for ch in chapters:
        try:
            folder = build(ch, Path(args.out), args.workers)
        except (RuntimeError, FileNotFoundError) as exc:
            print(f"assignments: error: {exc}", file=sys.stderr)
            return 2
        print(f"[{ch}] {folder / 'student'} (hand out) and {autograder_zip(folder).relative_to(folder)} (keep)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
