"""A class graded with the instructor guide's commands, timed (a benchmark, not a test).

    .venv/bin/python benchmarks/grading.py [N] [--computed K] [--chapter CHAPTER]

Builds CHAPTER's assignment (default C1) for N students (default 30), writes N submissions -- a
third correct, a third with one wrong number, a third with one answer missing; K of them (default 2)
compute one answer in a cell instead of writing its value -- then runs the guide's commands and
times each:

0. ``jakbook grades answers roster.csv -a ZIP -o graded`` (a CSV roster, as ``make
   assignments`` reads it), timed apart: it runs each student's exercises with the claim functions,
   the cost of the chapter itself;
1. ``jakbook grades grade submissions -a ZIP -o graded``;
2. ``jakbook grades collect graded -a ZIP -o grades.csv``.

It prints the times, how each submission was graded (recorded answers or ``otter run``), and checks
every total against what the submission should score (a wrong or missing number loses exactly its
points).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from jakpersist.book import assign, exercises, grades, variants

SECRET = "benchmark-course-secret"
BIN = Path(sys.executable).parent


def _solution(folder: Path, chapter: str, sid: str) -> nbformat.NotebookNode:
    sol = nbformat.read(str(folder / "autograder" / f"{chapter}.ipynb"), as_version=4)
    truth = {}
    for e in exercises.for_chapter(chapter):
        truth.update(variants.answers(e.label, sid, SECRET))
    return assign.fill_answers(assign.personalise(sol, chapter, sid, secret=SECRET), truth)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("n", nargs="?", type=int, default=30)
    ap.add_argument("--computed", type=int, default=2)
    ap.add_argument("--chapter", default="c1_persistence")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    chapter, ids = args.chapter, [f"s{i:03d}" for i in range(1, args.n + 1)]
    number = [
        (e, a) for e in exercises.for_chapter(chapter) for a in e.answers if a.kind == "number"
    ]
    (e1, wrong), (_, gone) = number[-1], number[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cache = tmp / "graded" / ".answers"
        os.environ[variants.CACHE_ENV] = str(cache)
        env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
        t0 = time.perf_counter()
        folder = assign.build(
            chapter, out=tmp / "a", secret=SECRET, roster=ids, wheel=assign.build_wheel(tmp / "w")
        )
        z = assign.autograder_zip(folder)
        t1 = time.perf_counter()
        roster = tmp / "roster.csv"  # the roster format `make assignments ROSTER=...` reads
        roster.write_text(
            "id,name\n" + "".join(f"{s},student {s}\n" for s in ids), encoding="utf-8"
        )
        subprocess.run(
            [
                str(Path(sys.executable).with_name("jakbook")),
                "grades",
                "answers",
                str(roster),
                "-a",
                str(z),
                "-o",
                str(tmp / "graded"),
                "--workers",
                str(args.workers),
            ],
            check=True,
        )  # the guide's first line
        t2 = time.perf_counter()
        subs = tmp / "submissions"
        subs.mkdir()
        expected = {}
        full = sum(a.points for e in exercises.for_chapter(chapter) for a in e.answers) + (
            1.0 if any(e.predict for e in exercises.for_chapter(chapter)) else 0.0
        )
        for i, sid in enumerate(ids):
            nb = _solution(folder, chapter, sid)
            expected[sid] = full
            if i % 3 == 1:
                truth = variants.answers(e1.label, sid, SECRET)[wrong.name]
                nb = assign.fill_answers(
                    nb, {wrong.name: truth + 10 * wrong.tolerance(truth) + 1.0}
                )
                expected[sid] -= wrong.points
            elif i % 3 == 2:
                for c in nb.cells:
                    c.source = re.sub(rf"(?m)^{gone.name} = ", f"{gone.name}_typo = ", c.source)
                expected[sid] -= gone.points
            if i < args.computed:  # an answer computed in a cell
                for c in nb.cells:
                    c.source = re.sub(
                        rf"(?m)^{wrong.name} = (.*)$", rf"{wrong.name} = float('\1')", c.source
                    )
            nbformat.write(nb, str(subs / f"{sid}.ipynb"))
        cmd_grade = [
            str(Path(sys.executable).with_name("jakbook")),
            "grades",
            "grade",
            str(subs),
            "-a",
            str(z),
            "-o",
            str(tmp / "graded"),
            "--workers",
            str(args.workers),
        ]
        cmd_collect = [
            str(Path(sys.executable).with_name("jakbook")),
            "grades",
            "collect",
            str(tmp / "graded"),
            "-a",
            str(z),
            "-o",
            str(tmp / "grades.csv"),
        ]
        t3 = time.perf_counter()
        r = subprocess.run(cmd_grade, env=env, check=True, capture_output=True, text=True)
        t4 = time.perf_counter()
        r2 = subprocess.run(cmd_collect, env=env, check=True, capture_output=True, text=True)
        t5 = time.perf_counter()
        import pandas as pd

        g = pd.read_csv(tmp / "grades.csv").set_index("student")
        bad = {
            s: (g.loc[s, "total"], v)
            for s, v in expected.items()
            if abs(g.loc[s, "total"] - v) > 1e-9
        }
        fb = [s for s in ids if (tmp / "graded" / s / grades.FEEDBACK_FILE).is_file()]
        print(f"  feedback files: {len(fb)} of {len(ids)}; e.g. {ids[1]}:")
        print(
            "    "
            + (tmp / "graded" / ids[1] / grades.FEEDBACK_FILE).read_text().replace("\n", "\n    ")
        )
        print(
            f"{args.n} {chapter} submissions ({args.computed} computing an answer in a cell), "
            f"{os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}:"
        )
        print(f"  make assignments for the roster (otter assign, wheel): {t1 - t0:.0f} s")
        print(
            f"  precompute the class's answers (claim functions, {args.workers} processes): "
            f"{t2 - t1:.0f} s"
        )
        print(f"  grades grade: {t4 - t3:.1f} s -- {r.stdout.strip()}")
        print(f"  grades collect: {t5 - t4:.1f} s -- {r2.stdout.strip()}")
        print(
            f"  grading into one CSV (grade + collect): {t5 - t3:.1f} s; totals "
            f"{g['total'].value_counts().sort_index().to_dict()} of {g['max'].max():g}; "
            f"flagged {int(g['flag'].sum())}; totals as expected: {'all' if not bad else bad}"
        )


if __name__ == "__main__":
    main()
