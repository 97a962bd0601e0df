"""Robustness-atlas speed, measured in one run (a benchmark, not a test).

    .venv/bin/python benchmarks/atlas.py            # ~2-4 min on 2 idle cores

Prints noise-free evaluations per second for each claim group (1,024 evaluations each), serially and
on a 2-worker Dask LocalCluster started once beforehand (the speed-up; a cluster's start-up of a few
seconds is a one-off cost that `jakbook atlas` pays once per run), and the wall time of a Sobol'
design with N = 1024 for C1 alone (N x (k + 2) evaluations).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from jakpersist.atlas.run import RUNNERS, run_design
from jakpersist.atlas.space import default_space, sobol_design


def main() -> None:
    from dask.distributed import LocalCluster

    space = default_space()
    u, _ = sobol_design(space, 64, 7)
    values = space.from_unit(u)[:1024]
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    address = (
        cluster.scheduler_address
    )  # started once, outside the timings (start-up is a one-off cost)
    print(f"{len(values)} evaluations per claim group; 2 workers = a LocalCluster already running")
    print(f"{'claims':<10}{'serial eval/s':>15}{'2 workers eval/s':>18}{'speed-up':>10}")
    for _group, (_, claims) in RUNNERS.items():
        rates = []
        for sched in (None, address):
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                run_design(
                    values,
                    space,
                    claims,
                    cache_dir=Path(tmp),
                    workers=0,
                    scheduler=sched,
                    chunk=64,
                    progress=False,
                )
                rates.append(len(values) / (time.perf_counter() - t0))
        print(
            f"{'+'.join(claims):<10}{rates[0]:>15.1f}{rates[1]:>18.1f}{rates[1] / rates[0]:>9.2f}x"
        )
    u, _ = sobol_design(space, 1024, 7)
    vals = space.from_unit(u)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_design(
            vals, space, ("C1",), cache_dir=Path(tmp), scheduler=address, chunk=512, progress=False
        )
        wall = time.perf_counter() - t0
    print(
        f"C1, Sobol' N = 1024 ({len(vals):,} evaluations) on 2 workers: {wall:.1f} s "
        f"({len(vals) / wall:.0f} eval/s)"
    )
    cluster.close()
    np.random.default_rng(0)


if __name__ == "__main__":
    main()
