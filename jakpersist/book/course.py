"""Helpers for students and instructors: re-run a chapter from a notebook, score a prediction, pool
calibration.

Predict, then check: a student types a prediction (and how sure they are, 0.5-1.0) *before* running;
after the run, :func:`check_prediction` scores it against the result and appends one line to
``predictions.csv`` beside the notebook. The instructor collects these files (or the graded
notebooks) and pools them with :func:`calibration` (share correct per confidence band: a
well-calibrated class is right about as often as it says it is). Scoring rule: the Brier score,
(confidence - correct)^2 (Brier 1950; lower is better).
"""

from __future__ import annotations

import csv
import datetime as _dt
from pathlib import Path
from typing import Any, Iterable

from .exercises import EXERCISES, Answer, check

PREDICTIONS = Path("predictions.csv")
FIELDS = ["time", "exercise", "answer", "predicted", "observed", "confidence", "correct", "brier"]


def rerun(chapter: str, **parameters: Any) -> dict[str, Any]:
    """Run ``chapter`` with ``parameters`` (as ``jakbook run`` does) and return its glued values.

    Example: ``rerun("c1_persistence", hetero_advantage=1.0)["c1_verdict_text"]``. Takes as long as
    the chapter (seconds to a few minutes). Raises ParameterError for an unknown name or a value out
    of range.
    """
    from .cli import resolve_parameters
    from .sweep import run_once

    return run_once(chapter, resolve_parameters(chapter, parameters))


def _answer(label: str, name: str) -> Answer:
    for ex in EXERCISES:
        if ex.label == label:
            for a in ex.answers:
                if a.name == name:
                    return a
    raise KeyError(f"no answer {name!r} in exercise {label!r}")


def check_prediction(
    label: str,
    name: str,
    predicted: Any,
    *,
    observed: Any,
    confidence: float = 0.75,
    path: str | Path = PREDICTIONS,
) -> bool:
    """Score a prediction against the observed result, print it, and record it in ``path`` (CSV)
    once.

    ``confidence``: the student's probability that the prediction is right (0.5-1.0). Returns
    whether it was. Re-running the notebook does not add a row: the first prediction recorded for
    ``(label, name)`` is kept (a prediction changed after seeing the result is reported, not
    recorded), and its observed value updated.
    """
    ans = _answer(label, name)
    if predicted is ... or observed is ...:
        print(f"[{label}] enter both your prediction and the observed value first")
        return False
    p = Path(path)
    rows = []
    if p.is_file():
        with p.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    first = next((r for r in rows if r["exercise"] == label and r["answer"] == name), None)
    if first is not None and (
        str(first["predicted"]) != str(predicted)
        or float(first["confidence"]) != min(max(float(confidence), 0.0), 1.0)
    ):
        print(
            f"[{label}] your first prediction ({first['predicted']!r}, confidence "
            f"{float(first['confidence']):.0%}) "
            "is the one recorded; a prediction changed after running is not"
        )
    if first is not None:
        typed = {"number": float, "count": int}.get(ans.kind, str)
        try:
            predicted = typed(float(first["predicted"])) if typed is not str else first["predicted"]
        except ValueError:
            predicted = first["predicted"]
        confidence = float(first["confidence"])
    correct = check(ans, predicted, observed)
    conf = min(max(float(confidence), 0.0), 1.0)
    brier = (conf - float(correct)) ** 2
    print(
        f"[{label}] you predicted {predicted!r} (confidence {conf:.0%}); the run gave "
        f"{observed!r}: "
        f"{'right' if correct else 'not this time'} (Brier score {brier:.2f}; 0 is best)"
    )
    row = {
        "time": _dt.datetime.now().isoformat(timespec="seconds"),
        "exercise": label,
        "answer": name,
        "predicted": predicted,
        "observed": observed,
        "confidence": conf,
        "correct": int(correct),
        "brier": round(brier, 4),
    }
    if first is not None:
        row["time"] = first["time"]
        rows = [row if r is first else r for r in rows]
    else:
        rows.append(row)
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, FIELDS)
        w.writeheader()
        w.writerows(rows)
    return correct


def _predictions_schema():
    """The columns of ``predictions.csv`` that :func:`calibration` pools (the rest kept as text)."""
    from ..loaders.tabular import Column, Schema

    return Schema(
        "predictions",
        (
            Column("confidence", "number", "stated confidence, 0.5 to 1", 0.0, 1.0),
            Column("correct", "integer", "1 when the prediction was right, else 0", 0, 1),
            Column("brier", "number", "Brier score, (confidence - correct)^2", 0.0, 1.0),
        ),
        "One row per scored prediction, as check_prediction writes it.",
    )


def calibration(files: Iterable[str | Path]):
    """Pool ``predictions.csv`` files of a class: a table per confidence band (pandas DataFrame).

    Columns: ``band`` (confidence range), ``n`` predictions, ``stated`` (mean confidence),
    ``observed`` (share right), ``brier`` (mean Brier score). Each file is read by the one tabular
    reader (:func:`jakpersist.loaders.tabular.read_table`), so a file a student opened and saved
    again in a spreadsheet (semicolons, decimal commas, UTF-16, a workbook) reads the same. Files
    that do not exist raise FileNotFoundError naming them; a malformed cell raises
    :class:`~jakpersist.loaders.tabular.ReaderDataError` naming the file, line, column and value.
    """
    import pandas as pd

    from ..loaders.tabular import check_ranges, read_table

    schema = _predictions_schema()
    frames = []
    for f in files:
        path = Path(f)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such predictions file")
        table = read_table(path, schema)
        check_ranges(table, schema)
        frames.append(pd.DataFrame(table).assign(student=path.parent.name or path.stem))
    df = pd.concat(frames, ignore_index=True)
    df["band"] = pd.cut(df["confidence"], [0.0, 0.6, 0.7, 0.8, 0.9, 1.0], include_lowest=True)
    out = df.groupby("band", observed=True).agg(
        n=("correct", "size"),
        stated=("confidence", "mean"),
        observed=("correct", "mean"),
        brier=("brier", "mean"),
    )
    return out.reset_index()
