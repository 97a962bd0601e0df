"""Fitting speed: single LL4 fits, batched fits, bootstraps, and thunor's ``fit_drc`` on the same
curves.

Not part of the test suite (timings depend on the machine). Installs nothing. Run:

    nice -n 10 .venv/bin/python benchmarks/fit_speed.py [N_CURVES] [--boot-curves K]

thunor (GPL-3, not a dependency of this project) is timed in the same run when it is importable. To
make it importable, install it into a scratch environment with the project's NumPy/SciPy/pandas pins
and run this script with that interpreter and the worktree on the path:

    python3.11 -m venv /tmp/thunorenv
    /tmp/thunorenv/bin/pip install thunor==1.0.3 numpy==2.4.6 scipy==1.17.1 pandas==3.1.1
    PYTHONPATH=. nice -n 10 /tmp/thunorenv/bin/python benchmarks/fit_speed.py

or pass ``--thunor-site /tmp/thunorenv/lib/python3.11/site-packages`` to the project's interpreter
(the folder is appended to ``sys.path``, so the project's own NumPy and SciPy are the ones used). To
time an older version of the package in the same way, put a worktree of it first on the path (``git
worktree add /tmp/old REV`` then ``PYTHONPATH=/tmp/old .venv/bin/python benchmarks/fit_speed.py
...``); the batched path is skipped when the package has none.

Curves: 9 doses (10,000 nM / 3^k, k = 0..8) x 3 wells, LL4 with bottom U(0, 0.3), top U(0.9, 1.1),
EC50 10^U(1, 3.5) nM, Hill U(0.7, 2.5), Gaussian noise s.d. 0.05; seed 2012. The single-curve paths
(ours and thunor's) fit the first N curves; the batched path fits all ``--batch-n`` curves (which
start with the same N) and the first N alone. Rates are the best of ``--repeat`` interleaved rounds
(each round times every path once; wall clock, ``time.perf_counter``).

Last runs (2026-11-29, one run each, quiet machine, 2 cores, load average 1.0-1.3; thunor timed in
the same run):

=========================  ===========  ========  =====  ===============  ===========
code                       fit_curve/s  thunor/s  ratio  fit_curves/s     bootstrap
                                                         (10,000 curves)  s per curve
=========================  ===========  ========  =====  ===============  ===========
before batching (c927f2f)   127          603       0.21x  --               6.57
first version (6a0fd31)    751          722       1.04x  23,497 (32.6x)   0.075
now (after review fixes)   1,141        709       1.61x  24,250 (34.2x)   0.038
=========================  ===========  ========  =====  ===============  ===========

(before: ``--repeat 3 --boot-curves 1``; bootstrap = 1,000 resamples. Now also: the first 300 curves
batched 18,420/s; end to end with statuses and GI50 decisions 19,082/s (26.9x thunor), and 20,735/s
(29.2x) when every curve misses one well, i.e. padded designs.)
Rates on this shared machine vary by 20-40% between runs; compare ratios within one run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from jakpersist.analysis import doseresponse as dr

try:
    from jakpersist.analysis import batchfit as bf
except ImportError:  # a checkout without the batched fitter: per-curve timings only
    bf = None

DOSES = np.repeat(10000 / 3.0 ** np.arange(8, -1, -1), 3)


def make_curves(n: int, seed: int = 2012) -> tuple[np.ndarray, np.ndarray]:
    """(theta (n, 4), responses (n, 27)) of the benchmark's simulated curves."""
    rng = np.random.default_rng(seed)
    theta = np.c_[
        rng.uniform(0, 0.3, n),
        rng.uniform(0.9, 1.1, n),
        rng.uniform(1, 3.5, n),
        rng.uniform(0.7, 2.5, n),
    ]
    y = np.array([dr.ll4(DOSES, *t) for t in theta]) + rng.normal(0, 0.05, (n, DOSES.size))
    return theta, y


def best_time(fn, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=300, help="curves (default 300)")
    ap.add_argument(
        "--batch-n", type=int, default=10000, help="curves for the batched path (default 10000)"
    )
    ap.add_argument(
        "--boot-curves", type=int, default=5, help="curves bootstrapped (1,000 resamples each)"
    )
    ap.add_argument(
        "--repeat", type=int, default=5, help="timing rounds; the best per path is kept"
    )
    ap.add_argument(
        "--thunor-site",
        default=os.environ.get("THUNOR_SITE"),
        help="a site-packages folder holding thunor, appended to sys.path",
    )
    a = ap.parse_args()
    if a.thunor_site:
        sys.path.append(a.thunor_site)
    try:
        from thunor.curve_fit import HillCurveLL4, fit_drc
    except ImportError:
        fit_drc = None

    _, YB = make_curves(max(a.batch_n, a.n))
    Y = YB[: a.n]  # the single-curve paths (ours and thunor's) time the first n of the same curves
    rates: dict[str, float] = {}
    print(
        f"{a.n} curves (batched path: {a.batch_n}), 9 doses x 3 wells; cores: {os.cpu_count()}; "
        "load average: "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}"
    )

    paths: dict[str, tuple[int, object]] = {
        "fit_curve (single, LL4)": (a.n, lambda: [dr.fit_curve(DOSES, y) for y in Y])
    }
    if fit_drc is not None:
        paths["thunor fit_drc (single, LL4)"] = (
            a.n,
            lambda: [
                fit_drc(DOSES, y, fit_cls=HillCurveLL4, null_rejection_threshold=0.05) for y in Y
            ],
        )
    if bf is not None:
        paths[f"fit_curves (batched LL4, {a.batch_n} curves)"] = (
            a.batch_n,
            lambda: bf.fit_curves(DOSES, YB[: a.batch_n]),
        )
        paths[f"fit_curves (batched LL4, first {a.n} curves)"] = (
            a.n,
            lambda: bf.fit_curves(DOSES, Y),
        )
        if hasattr(
            bf.BatchFit, "log10_gi50"
        ):  # end to end: statuses (rise tests) and GI50 decisions too
            YM = YB[
                : a.batch_n
            ].copy()  # one missing well per curve: designs differ, curves padded with NaN
            YM[np.arange(len(YM)), np.random.default_rng(1).integers(0, DOSES.size, len(YM))] = (
                np.nan
            )
            paths[f"  + statuses and GI50s ({a.batch_n} curves)"] = (
                a.batch_n,
                lambda: bf.fit_curves(DOSES, YB[: a.batch_n]).log10_gi50(),
            )
            paths["  + the same, one missing well per curve"] = (
                a.batch_n,
                lambda: bf.fit_curves(DOSES, YM).log10_gi50(),
            )
    # interleaved rounds (each round times every path once), best per path: a burst of load on a
    # shared machine then slows all paths of a round instead of biasing one path's ratio
    best = {name: np.inf for name in paths}
    for _ in range(a.repeat):
        for name, (_, fn) in paths.items():
            best[name] = min(best[name], best_time(fn, 1))
    rates = {name: paths[name][0] / t for name, t in best.items()}

    for name, r in rates.items():
        print(f"  {name:<48s} {r:>10,.0f} curves/s")
    th = rates.get("thunor fit_drc (single, LL4)")
    if th:
        for name, r in rates.items():
            if "thunor" not in name:
                print(f"  ratio {name:<42s} / thunor: {r / th:6.2f}x")

    fits = [dr.fit_curve(DOSES, y) for y in Y[: a.boot_curves]]

    def boot() -> None:
        for i, f in enumerate(fits):
            dr.bootstrap_estimate(f, 1000, np.random.default_rng(i))

    per = best_time(boot, a.repeat) / len(fits)
    print(
        f"  bootstrap_estimate, 1,000 resamples: {per:.3f} s per curve (mean of {len(fits)} "
        "curves, best of "
        f"{a.repeat} runs)"
    )


if __name__ == "__main__":
    main()
