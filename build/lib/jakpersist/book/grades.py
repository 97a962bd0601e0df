"""A class's grades and predictions from graded submissions (the instructor's side of a course).

``python -m jakpersist.book.grades collect GRADED -o grades.csv``
    one row per student: every question's score, the total and the maximum, from ``GRADED/<ID>/results.json``
    (what ``otter run -a ZIP -o GRADED/<ID> <ID>.ipynb`` writes; the loop is in ``book/instructor.md``).
    The CSV's ``student`` and ``total`` columns import into an LMS gradebook (Canvas, Moodle).

``python -m jakpersist.book.grades predictions SUBMISSION.ipynb ... -o predictions.csv``
    one row per student and predicted answer: the prediction and confidence as written in the "your
    predictions" cell, the student's own observed answer, and whether the prediction was right (checked as the
    answer is graded) -- then the class's calibration per confidence band (share right against stated
    confidence, mean Brier score; Brier 1950). Predictions are read from the notebook's cells, never executed.
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterable

from .exercises import EXERCISES, check

_ASSIGN = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.+?)\s*(?:#.*)?$", re.MULTILINE)


def collect(graded: str | Path):
    """Grades of every ``<graded>/<student>/results.json`` as a table (pandas DataFrame), one row per student.

    Columns: ``student``, ``student_id_in_notebook`` and ``id_mismatch`` (the STUDENT_ID written in the
    graded notebook beside results.json, if any, and whether it differs from the folder's name), one per
    question (score), ``total``, ``max``. Raises FileNotFoundError when no results.json is found (naming the
    folder)."""
    import pandas as pd

    rows = []
    for res in sorted(Path(graded).glob("*/results.json")):
        tests = json.loads(res.read_text(encoding="utf-8")).get("tests", [])
        row: dict[str, Any] = {"student": res.parent.name}
        ids = {str(_assignments(nb).get("STUDENT_ID")) for nb in res.parent.glob("*.ipynb")} - {"None"}
        # a notebook whose STUDENT_ID is not its folder's (a copied or swapped notebook) is flagged for a look
        row["student_id_in_notebook"] = ";".join(sorted(ids))
        row["id_mismatch"] = bool(ids) and ids != {res.parent.name}
        for t in tests:
            row[t["name"]] = t.get("score") or 0.0
        row["total"] = sum(t.get("score") or 0.0 for t in tests)
        row["max"] = sum(t.get("max_score") or 0.0 for t in tests)
        rows.append(row)
    if not rows:
        raise FileNotFoundError(f"{graded}: no <student>/results.json (run the grading loop first)")
    return pd.DataFrame(rows)


def _assignments(nb_path: Path) -> dict[str, Any]:
    """``name = literal`` lines of a notebook's code cells (last one wins); values that are not literals are
    skipped (an answer computed in a cell is read from the graded run, not here)."""
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
    """Every prediction in the submitted notebooks (pandas DataFrame, one row per student and answer).

    Columns: ``student`` (the notebook's STUDENT_ID, else its file or folder name), ``exercise``, ``answer``,
    ``predicted``, ``confidence``, ``observed``, ``correct`` (1/0; empty when either is missing), ``brier``."""
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
                ok = None if pred is None or obs is None else int(check(a, pred, obs if a.kind != "number"
                                                                        else float(obs)))
                conf_f = float(conf) if isinstance(conf, (int, float)) else None
                rows.append({"student": sid, "exercise": ex.label, "answer": a.name, "predicted": pred,
                             "confidence": conf_f, "observed": obs, "correct": ok,
                             "brier": None if ok is None or conf_f is None else round((conf_f - ok) ** 2, 4)})
    return pd.DataFrame(rows, columns=["student", "exercise", "answer", "predicted", "confidence", "observed",
                                       "correct", "brier"])


def calibration_table(table):
    """Share right against stated confidence per band (the rows of :func:`predictions` with both)."""
    import pandas as pd

    df = table.dropna(subset=["confidence", "correct"]).copy()
    df["band"] = pd.cut(df["confidence"], [0.0, 0.6, 0.7, 0.8, 0.9, 1.0], include_lowest=True)
    out = df.groupby("band", observed=True).agg(n=("correct", "size"), stated=("confidence", "mean"),
                                               observed=("correct", "mean"), brier=("brier", "mean"))
    return out.reset_index()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m jakpersist.book.grades", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect", help="one grade CSV from GRADED/<student>/results.json")
    c.add_argument("graded")
    c.add_argument("-o", "--out", default="grades.csv")
    p = sub.add_parser("predictions", help="the class's predictions and calibration from submitted notebooks")
    p.add_argument("notebooks", nargs="+")
    p.add_argument("-o", "--out", default="predictions.csv")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "collect":
            table = collect(args.graded)
            table.to_csv(args.out, index=False)
            print(f"{len(table)} students -> {args.out} (mean {table['total'].mean():.2f} of {table['max'].max():g})")
        else:
            table = predictions(args.notebooks)
            table.to_csv(args.out, index=False)
            print(f"{len(table)} predictions of {table['student'].nunique()} students -> {args.out}")
            print(calibration_table(table).to_string(index=False))
    except (FileNotFoundError, OSError, ValueError) as exc:
        print(f"grades: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
