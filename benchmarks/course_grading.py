"""Grading a class, measured (a benchmark, not a test; parts can be run alone).

    # seed spread of every graded number (~1 min)
    .venv/bin/python benchmarks/course_grading.py spread
    # solutions and site copies for 3 student IDs (default chapters C1, C2, C3, C6, T1)
    .venv/bin/python benchmarks/course_grading.py scores [CHAPTER ...]
    # N C1 submissions graded with the guide's loop (~5 min)
    .venv/bin/python benchmarks/course_grading.py class [N]

``spread``: each graded number over seeds 1-8 (the claim functions, as the grader computes them)
against its tolerance: a copied number (the public site's default run, another student's) passes
only when it lies within the tolerance of the student's own value, so the tolerance must be far
below the spread.

``scores``: for student IDs s001-s003, each chapter's solution notebook personalised for each ID
(their parameters and their own answers) and a "site copy" (their notebook with the public practice
answers, which is what the website's worked solutions give), each graded by ``otter run``; exercise
points exclude the ungraded-by-value predictions question.

``copies``: the same copy scores for N IDs computed with the hidden tests' own check, without otter
(fast).

``class``: the older loop, ``otter run`` per notebook (the guide's commands are timed in
``benchmarks/grading.py``): N submissions of C1 (a third correct, a third with one wrong number, a
third with one missing answer), the class's answers precomputed into ``$JAKBOOK_GRADING_CACHE``
(timed), then graded with the guide's loop (``mkdir -p graded/$id; otter run -a ZIP -o graded/$id
$f``) two at a time (``xargs -P 2``) and collected into one grade CSV (``python -m
jakpersist.book.grades collect``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from jakpersist.book import assign, exercises, variants

ROOT = Path(__file__).resolve().parents[1]
SECRET = "benchmark-course-secret"
BIN = Path(sys.executable).parent


def spread() -> None:
    print(f"{'answer':42s} {'tolerance':>10s} {'seed spread (min..max, sd) over seeds 1-8':>44s}")
    for e in exercises.EXERCISES:
        if not variants._has_seed(e.chapter) or any("seeds" in p for p in e.runs.values()):
            continue
        vals: dict[str, list[float]] = {a.name: [] for a in e.answers if a.kind == "number"}
        if not vals:
            continue
        for seed in range(1, 9):
            runs = {
                n: variants.chapter_values(e.chapter, {**p, "seed": seed})
                for n, p in e.runs.items()
            }
            t = exercises.truths(e, {**runs, "ask": {}})
            for k in vals:
                vals[k].append(float(t[k]))
        for a in e.answers:
            if a.name in vals:
                v = vals[a.name]
                tol = a.tolerance(statistics.median(v))
                if statistics.stdev(v) == 0:
                    print(
                        f"{e.label + ':' + a.name:42s} {tol:10.4f}   the same for every seed "
                        f"({v[0]:.4f})"
                    )
                    continue
                print(
                    f"{e.label + ':' + a.name:42s} {tol:10.4f} {min(v):12.4f} .. {max(v):8.4f}, sd "
                    f"{statistics.stdev(v):.4f}"
                    f"  (tolerance = {tol / statistics.stdev(v):.2f} sd)"
                )


def _otter(
    zip_path: Path, nb: nbformat.NotebookNode, where: Path, name: str
) -> tuple[float, float]:
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    (where / "out").mkdir(exist_ok=True)
    subprocess.run(
        [str(BIN / "otter"), "run", "-a", str(zip_path), "-o", str(where / "out"), str(path)],
        capture_output=True,
        text=True,
        cwd=where,
        check=True,
    )
    tests = json.loads((where / "out" / "results.json").read_text())["tests"]
    ex_tests = [t for t in tests if t["name"] != "predictions"]
    return sum(t.get("score") or 0 for t in ex_tests), sum(
        t.get("max_score") or 0 for t in ex_tests
    )


def _solution(
    folder: Path, chapter: str, sid: str, answers_of: str | None
) -> nbformat.NotebookNode:
    sol = nbformat.read(str(folder / "autograder" / f"{chapter}.ipynb"), as_version=4)
    truth = {}
    for e in exercises.for_chapter(chapter):
        truth.update(variants.answers(e.label, answers_of, SECRET if answers_of else None))
    return assign.fill_answers(assign.personalise(sol, chapter, sid, secret=SECRET), truth)


GRADED = (
    "c1_persistence",
    "c2_heterodimers",
    "c3_reversibility",
    "c6_jak2_dependence",
    "t1_transcriptome",
)


def scores(
    ids: tuple[str, ...] = ("s001", "s002", "s003"), chapters: tuple[str, ...] = GRADED
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # the answers, computed once per student here, are reused by otter's hidden tests (same
        # function, same values; the cache is what `grades answers` fills before grading)
        os.environ.setdefault(variants.CACHE_ENV, str(tmp / "answers"))
        for chapter in chapters:
            folder = assign.build(chapter, out=tmp / "a", secret=SECRET, roster=list(ids))
            z = assign.autograder_zip(folder)
            for sid in ids:
                t0 = time.perf_counter()
                got, mx = _otter(
                    z, _solution(folder, chapter, sid, sid), tmp / chapter / sid / "good", chapter
                )
                t1 = time.perf_counter()
                cgot, cmx = _otter(
                    z, _solution(folder, chapter, sid, None), tmp / chapter / sid / "copy", chapter
                )
                print(
                    f"{chapter} {sid}: solution {got:g}/{mx:g} ({got / mx:.0%}, graded in "
                    f"{t1 - t0:.0f} s); "
                    f"site copy {cgot:g}/{cmx:g} ({cgot / cmx:.0%})",
                    flush=True,
                )


def copies(n: int = 10, chapters: tuple[str, ...] = GRADED) -> None:
    """Share of exercise points a copy of the public practice answers earns, for N student IDs (no
    otter: the hidden tests' own check). Two copies: numbers as the exercise asks them rounded (what
    the site shows at best) and at full precision (a default run's values)."""
    for chapter in chapters:
        rounded, full = [], []
        for i in range(1, n + 1):
            sid = f"s{i:03d}"
            got_r = got_f = total = 0.0
            for e in exercises.for_chapter(chapter):
                pub, mine = variants.answers(e.label), variants.answers(e.label, sid, SECRET)
                for a in e.answers:
                    total += a.points
                    r = float(format(pub[a.name], a.spec)) if a.kind == "number" else pub[a.name]
                    got_r += a.points * exercises.check(a, r, mine[a.name])
                    got_f += a.points * exercises.check(a, pub[a.name], mine[a.name])
            rounded.append(got_r / total)
            full.append(got_f / total)
        print(
            f"{chapter}: a copy of the practice answers earns, over {n} IDs, rounded as asked: "
            "mean "
            f"{statistics.mean(rounded):.0%} (max {max(rounded):.0%}); full precision: mean "
            f"{statistics.mean(full):.0%} (max {max(full):.0%})",
            flush=True,
        )


def klass(n: int = 30) -> None:
    chapter = "c1_persistence"
    ids = [f"s{i:03d}" for i in range(1, n + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {
            **os.environ,
            variants.CACHE_ENV: str(tmp / "cache"),
            variants.SECRET_ENV: SECRET,
            "PATH": f"{BIN}:{os.environ['PATH']}",
        }
        os.environ[variants.CACHE_ENV] = str(tmp / "cache")
        folder = assign.build(chapter, out=tmp / "a", secret=SECRET, roster=ids)
        z = assign.autograder_zip(folder)
        t0 = time.perf_counter()
        variants.precompute(ids, SECRET, [chapter], workers=2)
        t1 = time.perf_counter()
        subs = tmp / "submissions"
        subs.mkdir()
        for i, sid in enumerate(ids):
            nb = _solution(folder, chapter, sid, sid)
            if i % 3 == 1:
                nb = assign.fill_answers(nb, {"cross_min_fold": 99.0})
            elif i % 3 == 2:
                for c in nb.cells:
                    if (
                        c.cell_type == "code"
                        and c.source.lstrip().startswith("# ")
                        and "advantage_fold_rux = " in c.source
                    ):
                        c.source = c.source.replace(
                            "advantage_fold_rux = ", "advantage_fold_rux_typo = "
                        )
            nbformat.write(nb, str(subs / f"{sid}.ipynb"))
        t1b = time.perf_counter()
        loop = (
            f"cd {subs} && ls *.ipynb | xargs -P 2 -I{{}} sh -c 'id=$(basename {{}} .ipynb); mkdir "
            "-p "
            f"../graded/$id; cp {{}} ../graded/$id/{chapter}.ipynb; cd ../graded/$id && otter run "
            f"-a {z} "
            f"-o . {chapter}.ipynb > otter.log 2>&1'"
        )
        subprocess.run(["sh", "-c", loop], env=env, check=True)
        t2 = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).with_name("jakbook")),
                "grades",
                "collect",
                str(tmp / "graded"),
                "-o",
                str(tmp / "grades.csv"),
            ],
            env=env,
            check=True,
        )
        t3 = time.perf_counter()
        import pandas as pd

        g = pd.read_csv(tmp / "grades.csv")
        print(
            f"{n} C1 submissions: answers precomputed in {t1 - t0:.0f} s (2 processes); graded in "
            f"{t2 - t1b:.0f} s "
            f"(otter run, 2 at a time); grade CSV in {t3 - t2:.1f} s; totals: "
            f"{g['total'].value_counts().sort_index().to_dict()} of {g['max'].max():g}"
        )


if __name__ == "__main__":
    part = sys.argv[1] if len(sys.argv) > 1 else "scores"
    chosen = tuple(a for a in sys.argv[2:] if not a.isdigit()) or GRADED
    if part == "spread":
        spread()
    elif part == "scores":
        scores(chapters=chosen)
    elif part == "copies":
        copies(int(next((a for a in sys.argv[2:] if a.isdigit()), 10)), chapters=chosen)
    elif part == "class":
        klass(int(sys.argv[2]) if len(sys.argv) > 2 else 30)
    else:
        sys.exit(f"unknown part {part!r}: spread, scores or class")
