"""A class's grades and predictions from graded submissions (the instructor's side of a course).

``jakbook grades grade SUBMISSIONS -a ZIP -o GRADED``
    grades every ``SUBMISSIONS/<ID>.ipynb`` (or ``<ID>/`` folder) into ``GRADED/<ID>/results.json``:
    a notebook whose answers are written as values is scored from them against its student's
    answers, recomputed once per student with the claim functions, exactly as the zip's hidden tests
    score them, without re-running the chapter; a notebook that computes answers in cells goes
    through ``otter run``.

``jakbook grades answers ROSTER -a ZIP -o GRADED``
    computes each student's answers once (the slow part: the chapter's runs with the student's
    parameters) into ``GRADED/.answers`` (instructor only), e.g. the night before the deadline;
    ``grade`` reuses them.

``jakbook grades collect GRADED -a ZIP -o grades.csv``
    one row per student: every question's score, the total and the maximum, from
    ``GRADED/<ID>/results.json`` (written by ``grade`` or by ``otter run -a ZIP -o GRADED/<ID>
    ...``; the commands are in ``book/instructor.md``), and the identity checks: the signature each
    notebook carries (the ID it was made for), its STUDENT_ID against the submitting student, and
    answers that match a classmate's variant. The CSV's ``student`` and ``total`` columns import
    into an LMS gradebook (Canvas, Moodle).

``jakbook grades predictions SUBMISSION.ipynb ... -o predictions.csv``
    one row per student and predicted answer: the prediction and confidence as written in the "your
    predictions" cell, the student's own observed answer, and whether the prediction was right
    (checked as the answer is graded) -- then the class's calibration per confidence band (share
    right against stated confidence, mean Brier score; Brier 1950). Predictions are read from the
    notebook's cells, never executed.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Iterable

from .exercises import EXERCISES, check

_ASSIGN = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.+?)\s*(?:#.*)?$", re.MULTILINE
)


def collect(graded: str | Path, *, secret: str | None = None, chapter: str | None = None):
    """Grades of every ``<graded>/<student>/results.json`` as a table (pandas DataFrame), one row
    per student.

    Columns: ``student`` (the folder's name: who submitted), ``student_id_in_notebook`` and
    ``id_mismatch`` (the STUDENT_ID written in the graded notebook beside results.json, and whether
    it differs from the folder's name), ``graded_by`` (recorded answers or otter run), one per
    question (score), ``total``, ``max``, ``feedback`` (every answer that lost points and why, never
    the value; the full per-answer feedback is ``<graded>/<student>/feedback.md``); with the course
    ``secret``: ``signed_for`` and ``signature_ok`` (the ID the notebook was made for, from the
    signature in its metadata, :func:`jakpersist.book.variants.signed_for`, and whether it is the
    submitting student's and the notebook's STUDENT_ID), ``matches_variant_of`` (other students of
    the class whose answers the notebook's written numbers match better than its own STUDENT_ID's)
    and ``flag`` (any of these: a look is needed). ``chapter``: default the graded notebooks' name.
    Raises FileNotFoundError when no results.json is found (naming the folder)."""
    import pandas as pd

    _default_cache(Path(graded))
    rows, written = [], {}
    for res in sorted(Path(graded).glob("*/results.json")):
        data = json.loads(res.read_text(encoding="utf-8"))
        tests = data.get("tests", [])
        row: dict[str, Any] = {"student": res.parent.name}
        nbs = sorted(res.parent.glob("*.ipynb"))
        ids = {str(_assignments(nb).get("STUDENT_ID")) for nb in nbs} - {"None"}
        # a notebook whose STUDENT_ID is not its folder's (a copied or swapped notebook) is flagged
        # for a look
        row["student_id_in_notebook"] = ";".join(sorted(ids))
        row["id_mismatch"] = bool(ids) and ids != {res.parent.name}
        row["graded_by"] = data.get("graded_by", GRADED_BY_OTTER)
        for t in tests:
            row[t["name"]] = t.get("score") or 0.0
        row["total"] = sum(t.get("score") or 0.0 for t in tests)
        row["max"] = sum(t.get("max_score") or 0.0 for t in tests)
        row["feedback"] = feedback_summary(tests)
        rows.append(row)
        if nbs:
            written[res.parent.name] = (nbs[0], _assignments(nbs[0]))
            chapter = chapter or nbs[0].stem
    if not rows:
        raise FileNotFoundError(f"{graded}: no <student>/results.json (run the grading loop first)")
    table = pd.DataFrame(rows)
    if secret:
        _identity_checks(table, written, secret, chapter)
    return table


def _identity_checks(
    table, written: dict[str, tuple[Path, dict[str, Any]]], secret: str, chapter: str | None
) -> None:
    """Add ``signed_for``, ``signature_ok``, ``matches_variant_of`` and ``flag`` to a grade table
    (in place)."""
    from . import variants

    klass = sorted(
        set(table["student"])
        | {v.get("STUDENT_ID") for _, v in written.values() if isinstance(v.get("STUDENT_ID"), str)}
    )
    signed, ok = [], []
    for sid in table["student"]:
        nb_path, vals = written.get(sid, (None, {}))
        meta = (
            json.loads(nb_path.read_text(encoding="utf-8")).get("metadata", {}) if nb_path else {}
        )
        who = variants.signed_for(meta, secret, klass)
        signed.append(who or ("" if variants.SIGNATURE_KEY not in meta else "not this course's"))
        ok.append(who is not None and who == sid and str(vals.get("STUDENT_ID", "")).strip() == sid)
    table["signed_for"], table["signature_ok"] = signed, ok
    exs = [e for e in EXERCISES if e.chapter == chapter]
    numbers = [(e.label, a) for e in exs for a in e.answers if a.kind == "number"]
    matches = []
    truths = (
        class_answers(chapter, [s for s in klass if not variants.is_practice(s, secret)], secret)
        if numbers and chapter
        else {}
    )
    for sid in table["student"]:
        vals = written.get(sid, (None, {}))[1]
        given = [(lb, a) for lb, a in numbers if isinstance(vals.get(a.name), (int, float))]

        def hits(other: str, vals: dict = vals, given: list = given) -> int:
            t = truths.get(other)
            return sum(check(a, vals[a.name], t[lb][a.name]) for lb, a in given) if t else 0

        own = max(hits(sid), hits(str(vals.get("STUDENT_ID", "")).strip()))
        need = max(1, (len(numbers) + 1) // 2)
        matches.append(
            ";".join(
                o
                for o in truths
                if o not in (sid, vals.get("STUDENT_ID")) and hits(o) >= need and hits(o) > own
            )
        )
    table["matches_variant_of"] = matches
    table["flag"] = (
        table["id_mismatch"] | ~table["signature_ok"] | (table["matches_variant_of"] != "")
    )


def _assignments(nb_path: Path) -> dict[str, Any]:
    """``name = literal`` lines of a notebook's code cells (last one wins); values that are not
    literals are skipped (an answer computed in a cell is read from the graded run, not here)."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for m in _ASSIGN.finditer(src):
            try:
                out[m.group("name")] = ast.literal_eval(m.group("value"))
            except (ValueError, SyntaxError):
                continue
    return out


def predictions(notebooks: Iterable[str | Path]):
    """Every prediction in the submitted notebooks (pandas DataFrame, one row per student and
    answer).

    Columns: ``student`` (the notebook's STUDENT_ID, else its file or folder name), ``exercise``,
    ``answer``, ``predicted``, ``confidence``, ``observed``, ``correct`` (1/0; empty when either is
    missing), ``brier``."""
    import pandas as pd

    rows = []
    for f in notebooks:
        path = Path(f)
        vals = _assignments(path)
        sid = str(vals.get("STUDENT_ID") or path.stem)
        for ex in EXERCISES:
            for a in ex.answers:
                if a.name != ex.predict or f"predicted_{a.name}" not in vals:
                    continue
                pred, obs = vals.get(f"predicted_{a.name}"), vals.get(a.name)
                conf = vals.get(f"confidence_{a.name}")
                ok = (
                    None
                    if pred is None or obs is None
                    else int(check(a, pred, obs if a.kind != "number" else float(obs)))
                )
                conf_f = float(conf) if isinstance(conf, (int, float)) else None
                rows.append(
                    {
                        "student": sid,
                        "exercise": ex.label,
                        "answer": a.name,
                        "predicted": pred,
                        "confidence": conf_f,
                        "observed": obs,
                        "correct": ok,
                        "brier": None
                        if ok is None or conf_f is None
                        else round((conf_f - ok) ** 2, 4),
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "student",
            "exercise",
            "answer",
            "predicted",
            "confidence",
            "observed",
            "correct",
            "brier",
        ],
    )


def calibration_table(table):
    """Share right against stated confidence per band (the rows of :func:`predictions` with
    both)."""
    import pandas as pd

    df = table.dropna(subset=["confidence", "correct"]).copy()
    df["band"] = pd.cut(df["confidence"], [0.0, 0.6, 0.7, 0.8, 0.9, 1.0], include_lowest=True)
    out = df.groupby("band", observed=True).agg(
        n=("correct", "size"),
        stated=("confidence", "mean"),
        observed=("correct", "mean"),
        brier=("brier", "mean"),
    )
    return out.reset_index()


# --- grading a class from the answers the notebooks record ----------------------------------------

GRADED_BY_RECORD = "recorded answers"
FEEDBACK_FILE = (
    "feedback.md"  # per student, beside results.json: one line per answer, never the value
)
GRADED_BY_OTTER = "otter run"
#: Code that can bind a variable without naming it: a notebook using any of it is graded by running
#: it.
_INDIRECT = re.compile(
    r"\b(?:exec|eval|globals|locals|vars|setattr|__import__)\s*\(|__builtins__|__dict__|"
    r"sys\.modules|\bdel\b"
)
_READS_GLOBALS = (
    "chapter.validate_parameters(globals())"  # every chapter's first cell: reads, never writes
)


def _default_cache(folder: Path) -> None:
    from . import variants

    if not os.environ.get(variants.CACHE_ENV, "").strip():
        os.environ[variants.CACHE_ENV] = str((folder / ".answers").resolve())


def chapter_of_zip(zip_path: str | Path) -> str:
    """The chapter an autograder zip grades, from its name (``<chapter>-autograder_<time>.zip``, as
    ``otter assign`` names it). Raises ValueError for another name."""
    name = Path(zip_path).name
    if "-autograder" not in name:
        raise ValueError(
            f"{zip_path}: not an autograder zip of `make assignments` (<chapter>-autograder_*.zip)"
        )
    return name.split("-autograder")[0]


def secret_of_zip(zip_path: str | Path) -> str | None:
    """The course secret the autograder zip carries (``course-secret.txt``), else
    :func:`variants.find_secret`."""
    import zipfile

    from . import variants

    with zipfile.ZipFile(zip_path) as z:
        names = [n for n in z.namelist() if Path(n).name == variants.SECRET_FILE]
        if names:
            return z.read(names[0]).decode("utf-8").strip() or None
    return variants.find_secret()


def _source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name a parsed cell binds: assignment targets, functions and classes, imports,
    global/nonlocal."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
    return bound


def recorded_answers(nb: dict[str, Any], names: Iterable[str]) -> dict[str, Any] | None:
    """The values a notebook gives ``names`` when a top-to-bottom run would give exactly these:
    every binding of a name is a ``name = literal`` line in a cell made only of such lines (the last
    one wins, as in a run).

    Returns None when only a run can tell (a value computed in a cell, a binding in a loop, a
    function, an import or a magic, code that writes variables indirectly such as ``globals()`` or
    ``exec``). A cell that does not parse binds nothing (Python does not run it). Names never bound
    are absent from the result."""
    from IPython.core.inputtransformer2 import TransformerManager

    names = set(names)
    tm = TransformerManager()
    out: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = _source(cell)
        if _INDIRECT.search(src.replace(_READS_GLOBALS, "")):
            return None
        code = tm.transform_cell(src)
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        if code.strip() != src.strip() and any(
            re.search(rf"\b{re.escape(n)}\b", src) for n in names
        ):
            return None  # a magic beside an answer (%time x = ...)
        bound = _bound_names(tree)
        if "float" in bound:  # float('nan') is read as NaN only while float is the builtin
            return None
        if not bound & names:
            continue
        for stmt in tree.body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                return None
            if _is_nan_call(stmt.value):  # float('nan'): the answer of a run that reports no value
                out[stmt.targets[0].id] = float("nan")
                continue
            try:
                out[stmt.targets[0].id] = ast.literal_eval(stmt.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                return None
    return {k: v for k, v in out.items() if k in names}


def _is_nan_call(node: ast.AST) -> bool:
    """``float('nan')`` (or ``float("NaN")``): the one call read as a value (the builtin, unless
    rebound)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "float"
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
        and str(node.args[0].value).strip().lower() == "nan"
    )


def _answer_names(chapter: str) -> set[str]:
    names = {"STUDENT_ID"}
    for e in EXERCISES:
        if e.chapter == chapter:
            names.update(a.name for a in e.answers)
            if e.predict:
                names.update({f"predicted_{e.predict}", f"confidence_{e.predict}"})
    return names


def score_recorded(
    chapter: str, values: dict[str, Any], truths: dict[str, dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """otter's test results for a notebook's recorded answers: one entry per question (name, score,
    max_score), scored as the assignment's tests score them -- each answer's hidden test earns its
    points when :func:`jakpersist.book.variants.check` passes against ``truths`` (the answers of the
    notebook's STUDENT_ID, exercise label -> answer -> value), and the predictions question its
    point when every confidence lies in [0.5, 1]. ``truths`` None: the STUDENT_ID earns no value
    points (the practice ID under a course secret)."""
    exs = [e for e in EXERCISES if e.chapter == chapter]
    tests = []
    preds = [e.predict for e in exs if e.predict]
    if preds:

        def _conf_ok(
            name: str,
        ) -> bool:  # the question's test, `assert 0.5 <= confidence_x <= 1.0`, as Python runs it
            try:
                return name in values and bool(0.5 <= values[name] <= 1.0)
            except TypeError:
                return False

        ok = all(_conf_ok(f"confidence_{p}") for p in preds)
        tests.append({"name": "predictions", "score": 1.0 if ok else 0.0, "max_score": 1.0})
    for e in exs:
        score, notes = 0.0, []
        for a in e.answers:
            fb = answer_feedback(
                e, a, values, truth=None if truths is None else truths[e.label][a.name]
            )
            score += fb["points"]
            notes.append(fb)
        tests.append(
            {
                "name": e.qname,
                "score": score,
                "max_score": float(sum(a.points for a in e.answers)),
                "feedback": notes,
                "output": "\n".join(
                    f"{f['answer']}: {f['result']} ({f['points']:g}/{f['max_points']:g})"
                    + (f" -- {f['hint']}" if f["hint"] else "")
                    for f in notes
                ),
            }
        )
    return tests


def _shown(a: Any) -> str:
    return repr(a) if isinstance(a, str) else f"{a}"


def answer_feedback(ex: Any, a: Any, values: dict[str, Any], *, truth: Any) -> dict[str, Any]:
    """What a student is told about one answer (never the value): ``question`` (the exercise),
    ``answer``, ``given`` (as written), ``result`` ("right", "does not match your run", "missing",
    "not gradable"), ``points``/``max_points``, ``tolerance`` (for a number: how close to the
    student's own run it must be) and a ``hint`` where to read the value
    (:func:`jakpersist.book.variants.hint`'s wording, without the value). ``truth`` None: the
    notebook's STUDENT_ID earns no value points (the practice ID under a course secret)."""
    out = {
        "question": ex.label,
        "answer": a.name,
        "given": None,
        "points": 0.0,
        "max_points": float(a.points),
        "tolerance": "",
        "hint": "",
    }
    if a.kind == "number":
        digits = a.spec.strip(".f") if a.spec.endswith("f") else ""
        out["tolerance"] = f"within {a.tolerance_abs:.2g} of your run's value" + (
            f" (rounded to {digits} decimals, as asked)" if digits else ""
        )
    elif a.kind == "count":
        out["tolerance"] = "exactly your run's count (a whole number)"
    else:
        out["tolerance"] = "one of " + ", ".join(a.allowed())
    where = (
        a.hint
        or "the values your own run prints (values.json of `jakbook run`, or the chapter's text)"
    )
    if a.name not in values:
        out.update(
            result="missing", hint=f"no value for {a.name}; the notebook asks for {a.prompt}"
        )
        return out
    out["given"] = _shown(values[a.name])
    if truth is None:
        out.update(
            result="not gradable",
            hint="this notebook's STUDENT_ID is not yours; keep the ID your instructor set",
        )
        return out
    if check(a, values[a.name], truth):
        out.update(result="right", points=float(a.points))
    else:
        out.update(
            result="does not match your run",
            hint=f"check that every --set of the run hint was used, then read {where}",
        )
    return out


def feedback_text(student: str, tests: list[dict[str, Any]]) -> str:
    """A student's feedback file: one line per answer (question, answer, given, result, points,
    hint), from the ``feedback`` entries :func:`score_recorded` writes; questions without them by
    score only."""
    lines = [f"# Feedback for {student}", ""]
    total = sum(t.get("score") or 0.0 for t in tests)
    top = sum(t.get("max_score") or 0.0 for t in tests)
    for t in tests:
        lines.append(f"## {t['name']}: {t.get('score') or 0:g} / {t.get('max_score') or 0:g}")
        for f in t.get("feedback", []):
            lines.append(
                f"- {f['answer']} = {f['given'] if f['given'] is not None else '(none)'}: "
                f"{f['result']} "
                f"({f['points']:g}/{f['max_points']:g}; graded: {f['tolerance']})"
                + (f". {f['hint']}" if f["hint"] else "")
            )
        if not t.get("feedback") and t.get("output"):
            lines.append(f"- {str(t['output']).strip()}")
        lines.append("")
    lines.append(f"Total: {total:g} / {top:g}")
    return "\n".join(lines) + "\n"


def feedback_summary(tests: list[dict[str, Any]]) -> str:
    """One CSV cell: every answer that lost points, with its result (no value)."""
    parts = []
    for t in tests:
        fbs = t.get("feedback")
        if fbs:
            parts += [
                f"{t['name']}.{f['answer']}: {f['result']} ({f['points']:g}/{f['max_points']:g})"
                for f in fbs
                if f["points"] < f["max_points"]
            ]
        elif (t.get("score") or 0.0) < (t.get("max_score") or 0.0):
            parts.append(f"{t['name']}: {t.get('score') or 0:g}/{t.get('max_score'):g}")
    return "; ".join(parts)


def _class_answers(job: tuple[str, str, str | None]) -> tuple[str, dict[str, dict[str, Any]]]:
    from . import variants

    chapter, sid, secret = job
    return sid, {
        e.label: variants.answers(e.label, sid, secret) for e in EXERCISES if e.chapter == chapter
    }


def class_answers(
    chapter: str, student_ids: Iterable[str], secret: str | None, *, workers: int = 2
) -> dict[str, dict[str, dict[str, Any]]]:
    """Each student's answers for ``chapter`` (ID -> exercise label -> answer -> value), computed
    with the claim functions (:func:`jakpersist.book.variants.answers`; reused from
    ``$JAKBOOK_GRADING_CACHE``), in ``workers`` processes."""
    from . import variants

    ids = sorted(set(student_ids))
    labels = [e.label for e in EXERCISES if e.chapter == chapter]
    todo = [
        (chapter, s, secret)
        for s in ids
        if not all(variants.is_cached(lb, s, secret) for lb in labels)
    ]
    out = dict(
        map(_class_answers, [(chapter, s, secret) for s in ids if (chapter, s, secret) not in todo])
    )
    if workers <= 1 or len(todo) <= 1:
        out.update(map(_class_answers, todo))
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            out.update(pool.map(_class_answers, todo))
    return out


def _submissions(folder: Path) -> list[tuple[str, Path]]:
    """(submitting student, notebook) pairs: ``<ID>.ipynb`` files or ``<ID>/`` folders holding one
    notebook."""
    out = [(f.stem, f) for f in sorted(folder.glob("*.ipynb"))]
    for d in sorted(p for p in folder.iterdir() if p.is_dir()):
        nbs = sorted(d.glob("*.ipynb"))
        if len(nbs) > 1:
            raise ValueError(f"{d}: {len(nbs)} notebooks; keep one submission per student folder")
        if nbs:
            out.append((d.name, nbs[0]))
    if not out:
        raise FileNotFoundError(f"{folder}: no <ID>.ipynb or <ID>/<notebook>.ipynb")
    return out


def grade(
    submissions: str | Path,
    zip_path: str | Path,
    out: str | Path,
    *,
    workers: int = 2,
    otter: str | None = None,
) -> dict[str, str]:
    """Grade every submission in ``submissions`` into ``out/<ID>/results.json`` (otter's format,
    plus ``graded_by``), with ``out/<ID>/<chapter>.ipynb`` a copy of the notebook.

    A notebook whose answers are written as values (:func:`recorded_answers`) is scored from them
    against its STUDENT_ID's answers, recomputed once per student with the claim functions
    (:func:`class_answers`), as the zip's hidden tests do -- without executing the chapter. Any
    other notebook (answers computed in cells) is graded by ``otter run -a ZIP`` (``workers`` at a
    time). Returns student -> how it was graded. The students' answers are kept in
    ``$JAKBOOK_GRADING_CACHE`` (default ``out/.answers``, instructor only: it holds answers) for
    :func:`collect` and later runs. Without a course secret (in the zip or the environment) a
    student's ID earns no value points, as under the hidden tests (``note`` in results.json). Raises
    FileNotFoundError for a folder without notebooks, ValueError for a zip of another name."""
    import shutil
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    from . import variants

    zip_path, out = Path(zip_path).resolve(), Path(out)
    _default_cache(out)
    chapter, secret = chapter_of_zip(zip_path), secret_of_zip(zip_path)
    names = _answer_names(chapter)
    recorded: dict[str, dict[str, Any]] = {}
    to_run: list[Path] = []
    how: dict[str, str] = {}
    for sid, nb_path in _submissions(Path(submissions)):
        dest = out / sid / f"{chapter}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        (dest.parent / "results.json").unlink(missing_ok=True)
        shutil.copyfile(nb_path, dest)
        try:
            vals = recorded_answers(json.loads(dest.read_text(encoding="utf-8")), names)
        except (json.JSONDecodeError, KeyError, TypeError):
            vals = None
        if vals is not None and isinstance(vals.get("STUDENT_ID"), str):
            recorded[sid] = vals
        else:
            to_run.append(dest)

    def gradable(
        i: str,
    ) -> bool:  # as the hidden tests: the practice ID earns nothing under a course secret,
        # and a student's ID without a secret cannot be graded (the hidden test raises
        # SecretMissing)
        return (
            (i.lower() != variants.PRACTICE and bool(i))
            if secret
            else i.lower() == variants.PRACTICE
        )

    ids = {str(v["STUDENT_ID"]).strip() for v in recorded.values()}
    truths = class_answers(chapter, {i for i in ids if gradable(i)}, secret, workers=workers)
    for sid, vals in recorded.items():
        tests = score_recorded(chapter, vals, truths.get(str(vals["STUDENT_ID"]).strip()))
        res = {"tests": tests, "graded_by": GRADED_BY_RECORD}
        if not secret and not gradable(str(vals["STUDENT_ID"]).strip()):
            res["note"] = "no course secret: a student's ID cannot be graded (values scored 0)"
        (out / sid / "results.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
        (out / sid / FEEDBACK_FILE).write_text(feedback_text(sid, tests), encoding="utf-8")
        how[sid] = GRADED_BY_RECORD
    exe = otter or str(Path(sys.executable).with_name("otter"))

    def _run(nb: Path) -> tuple[str, bool]:
        r = subprocess.run(
            [exe, "run", "-a", str(zip_path), "-o", ".", nb.name],
            cwd=nb.parent,
            capture_output=True,
            text=True,
        )
        (nb.parent / "otter.log").write_text(r.stdout + r.stderr, encoding="utf-8")
        res = nb.parent / "results.json"
        if res.is_file():
            data = json.loads(res.read_text(encoding="utf-8"))
            data["graded_by"] = GRADED_BY_OTTER
            res.write_text(json.dumps(data), encoding="utf-8")
            (nb.parent / FEEDBACK_FILE).write_text(
                feedback_text(nb.parent.name, data.get("tests", [])), encoding="utf-8"
            )
        return nb.parent.name, res.is_file()

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for sid, ok in pool.map(_run, to_run):
            how[sid] = GRADED_BY_OTTER if ok else "failed (see otter.log)"
    return how


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="jakbook grades",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect", help="one grade CSV from GRADED/<student>/results.json")
    c.add_argument("graded")
    c.add_argument("-o", "--out", default="grades.csv")
    c.add_argument(
        "-a",
        "--autograder",
        help="the chapter's autograder zip: its course secret checks each "
        "notebook's signature and compares answers with the class's variants",
    )
    gr = sub.add_parser(
        "grade", help="grade SUBMISSIONS (<ID>.ipynb or <ID>/) into GRADED/<ID>/results.json"
    )
    gr.add_argument("submissions")
    gr.add_argument("-a", "--autograder", required=True, help="the chapter's autograder zip")
    gr.add_argument("-o", "--out", default="graded")
    gr.add_argument("--workers", type=int, default=2)
    an = sub.add_parser(
        "answers", help="compute every student's answers once (the slow part), before grading"
    )
    an.add_argument(
        "roster",
        help="the roster `make assignments` read (one ID per line, or a CSV with an 'id' column)",
    )
    an.add_argument(
        "-a", "--autograder", required=True, help="the chapter's autograder zip (its course secret)"
    )
    an.add_argument(
        "-o",
        "--out",
        default="graded",
        help="the folder `grade` will write (answers go to OUT/.answers)",
    )
    an.add_argument("--workers", type=int, default=2)
    p = sub.add_parser(
        "predictions", help="the class's predictions and calibration from submitted notebooks"
    )
    p.add_argument("notebooks", nargs="+")
    p.add_argument("-o", "--out", default="predictions.csv")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "grade":
            how = grade(args.submissions, args.autograder, args.out, workers=args.workers)
            kinds = {k: list(how.values()).count(k) for k in sorted(set(how.values()))}
            print(
                f"{len(how)} submissions -> {args.out}/<ID>/results.json ("
                + ", ".join(f"{n} {k}" for k, n in kinds.items())
                + ")"
            )
        elif args.cmd == "answers":
            import time

            from .assign import read_roster

            _default_cache(Path(args.out))
            ids = read_roster(args.roster)
            t0 = time.perf_counter()
            done = class_answers(
                chapter_of_zip(args.autograder),
                ids,
                secret_of_zip(args.autograder),
                workers=args.workers,
            )
            print(
                f"answers of {len(done)} students -> {os.environ['JAKBOOK_GRADING_CACHE']} "
                f"({time.perf_counter() - t0:.0f} s)"
            )
        elif args.cmd == "collect":
            secret = secret_of_zip(args.autograder) if args.autograder else None
            chapter = chapter_of_zip(args.autograder) if args.autograder else None
            table = collect(args.graded, secret=secret, chapter=chapter)
            table.to_csv(args.out, index=False)
            flagged = (
                int(table["flag"].sum()) if "flag" in table else int(table["id_mismatch"].sum())
            )
            print(
                f"{len(table)} students -> {args.out} (mean {table['total'].mean():.2f} of "
                f"{table['max'].max():g}; "
                f"{flagged} flagged for a look)"
            )
        else:
            table = predictions(args.notebooks)
            table.to_csv(args.out, index=False)
            print(
                f"{len(table)} predictions of {table['student'].nunique()} students -> {args.out}"
            )
            print(calibration_table(table).to_string(index=False))
    except (FileNotFoundError, OSError, ValueError) as exc:
        print(f"grades: error: {exc}", file=sys.stderr)
        return 2
    return 0
