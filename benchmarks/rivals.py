"""Rival-model comparison speed, measured in one run (a benchmark, not a test).

    .venv/bin/python benchmarks/rivals.py                 # a few minutes on 2 idle cores
    .venv/bin/python benchmarks/rivals.py --points 20000  # the whole comparison at fewer points per
    model

Prints (1) noise-free point-claim evaluations per second on one core (this process), the vectorised
fast mode (:mod:`jakpersist.claims.vectorised`, every point of a chunk at once) against the
per-point fast mode (one claim function call per point: :mod:`jakpersist.testing.reference_fast`,
the reference), on the same points of every
rival model (targets: >= 50,000/s and >= 30x); (2) the wall time of the whole comparison (`jakbook
rivals`: 7 models, H0 and R1-R6, each with its prior-sensitivity runs at half the points, and the
posterior top-up) at 100,000 points per model on 2 local Dask workers (target: <= 5 minutes), from
an empty cache. The machine's load average is printed with the numbers: on a shared machine they
move with it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

from jakpersist import rivals
from jakpersist.claims.vectorised import VECTOR_CLAIMS, evaluate_many
from jakpersist.rivals.models import MODELS, VARIANTS
from jakpersist.testing.reference_fast import evaluate_rows


def _rate(fn, n_evals: int) -> tuple[float, float]:
    """(evaluations per second of wall time, per second of this process's CPU time: one core,
    whatever else the machine runs)."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return n_evals / (time.perf_counter() - t0), n_evals / max(time.process_time() - c0, 1e-9)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--points", type=int, default=100_000, help="points per model of the whole comparison"
    )
    ap.add_argument(
        "--per-point", type=int, default=40, help="points per model timed in the per-point mode"
    )
    ap.add_argument(
        "--vectorised",
        type=int,
        default=rivals.CHUNK,
        help="points per model timed in the vectorised mode (default: one chunk of the whole "
        "comparison)",
    )
    ap.add_argument(
        "--sensitivity-samples",
        type=int,
        default=None,
        help="prior-sensitivity draws per model and "
        "width (default: half of --points, as `jakbook rivals`; 0 = the comparison alone)",
    )
    ap.add_argument("--skip-whole", action="store_true", help="time the evaluation rates only")
    a = ap.parse_args()
    k = len(VECTOR_CLAIMS)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"{'model':<6}{'per-point eval/s':>18}{'vectorised eval/s':>19}{'speed-up':>10}"
        f"{'per-point CPU':>15}{'vectorised CPU':>16}"
    )
    tot = np.zeros(4)
    for m in MODELS:
        v = VARIANTS[m]
        names, values = v.sample(max(a.per_point, a.vectorised), 99)
        fixed = dict(v.fixed)
        ref = _rate(
            lambda x=values[: a.per_point], nm=names, fx=fixed: evaluate_rows(
                x, nm, VECTOR_CLAIMS, fixed=fx
            ),
            a.per_point * k,
        )
        vec = _rate(
            lambda x=values[: a.vectorised], nm=names, fx=fixed: evaluate_many(
                x, nm, VECTOR_CLAIMS, fixed=fx
            ),
            a.vectorised * k,
        )
        tot += 1 / np.array([ref[0], vec[0], ref[1], vec[1]])
        print(
            f"{m:<6}{ref[0]:>18,.0f}{vec[0]:>19,.0f}{vec[0] / ref[0]:>9.0f}x"
            f"{ref[1]:>15,.0f}{vec[1]:>16,.0f}"
        )
    r = len(MODELS) / tot
    print(
        f"{'all':<6}{r[0]:>18,.0f}{r[1]:>19,.0f}{r[1] / r[0]:>9.0f}x{r[2]:>15,.0f}{r[3]:>16,.0f}   "
        "(point-claim "
        "evaluations per second of wall time, then per second of CPU time, one core; target >= "
        "50,000/s and "
        ">= 30x)"
    )
    print(f"load average {os.getloadavg()[0]:.1f} after the rates")
    if a.skip_whole:
        return
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        s = rivals.build(
            MODELS,
            a.points,
            workers=2,
            out=tmp,
            progress=False,
            sensitivity_samples=a.sensitivity_samples,
        )
        dt = time.perf_counter() - t0
    n_all = len(MODELS) * (a.points + 2 * s["sensitivity"]["samples"])
    print(
        f"whole comparison: {a.points:,} points per model (+ {2 * s['sensitivity']['samples']:,} "
        "for prior "
        f"sensitivity), {n_all:,} points in all, 2 local workers: {dt:.0f} s ({dt / 60:.1f} min; "
        "target <= 5 min); "
        f"load average now {os.getloadavg()[0]:.1f}"
    )
    extra = sum(d["extra_draws"] for m in s["posterior"].values() for d in m.values())
    print(
        f"  of which: main comparison {s['seconds_main']:.0f} s, posterior top-up "
        f"{s['seconds_posterior']:.0f} s "
        f"({extra:,} further draws, claims of each observation set only)"
    )
    h0 = s["comparison"]["H0"]
    print(
        f"H0 accepted {h0['k']} of {h0['n']} ({h0['p']:.3%}) under every Nature-abstract "
        "observation"
    )


if __name__ == "__main__":
    main()
