"""Share of simulated *monotone* curves that lose their GI50, under the old fixed-cut monotonicity
flag and the rise test.

Before: a curve was "non_monotone" (no GI50) when the per-dose mean response rose by more than a
fixed 0.15 anywhere (the fixed-cut rule). After: :func:`jakpersist.analysis.doseresponse.rise_test`
(studentised, Bonferroni, family-wise level ``MONOTONE_ALPHA``), with hormesis models gated by it.
Both sides are measured in one run on the same curves; "before" applies the fixed-cut rule (fixed
threshold, LL4/LL3 by AIC, flat curves without a GI50).

Curves: LL4, top 1, bottom U(0, 0.15), Hill U(0.8, 2.5), EC50 log-uniform over the 3rd-8th of 10
doses (10,000 / 3^k nM, k = 0..9) plus vehicle, so that the true absolute GI50 lies inside the
tested doses; additive normal noise. Target: after <= 1% everywhere. Run::

    .venv/bin/python benchmarks/monotone_loss.py [N per cell]

Last run (2026-11-29, N = 100 per cell):

     s.d. wells   before    after
    0.050     1    15.0%     0.0%
    0.050     2     3.0%     0.0%
    0.050     3     0.0%     0.0%
    0.075     1    50.0%     0.0%
    0.075     2    22.0%     0.0%
    0.075     3     2.0%     0.0%
    0.100     1    75.0%     0.0%
    0.100     2    44.0%     0.0%
    0.100     3    25.0%     0.0%
"""

import sys

import numpy as np

from jakpersist.analysis import doseresponse as dr

DOSES = np.r_[0.0, 10000 / 3.0 ** np.arange(9, -1, -1)]


def lost(x: np.ndarray, y: np.ndarray) -> tuple[bool, bool]:
    """(lost before, lost after) for one curve."""
    old_fit, _ = dr.select_model(x, y, models=("LL4", "LL3"))
    before = (
        dr.monotone_violation(x, y) > 0.15
        or not (old_fit.p_flat < dr.ALPHA)
        or not old_fit.converged
        or dr.absolute_dose(old_fit.theta) is None
        or not (old_fit.dose_range[0] <= dr.absolute_dose(old_fit.theta) <= old_fit.dose_range[1])
    )
    new_fit, _ = dr.select_model(x, y)
    after = not new_fit.gi50_absolute().ok
    return before, after


def main(n: int = 100) -> None:
    print(
        f"monotone curves that lose their GI50 (N = {n} per cell; before = fixed 0.15 rule, after "
        "= rise test)"
    )
    print(f"{'s.d.':>5} {'wells':>5} {'before':>8} {'after':>8}")
    for sd in (0.05, 0.075, 0.10):
        for wells in (1, 2, 3):
            rng = np.random.default_rng(int(1000 * sd) * 10 + wells)
            x = np.repeat(DOSES, wells)
            b = a = 0
            for _ in range(n):
                le = rng.uniform(np.log10(DOSES[3]), np.log10(DOSES[8]))
                theta = (rng.uniform(0, 0.15), 1.0, le, rng.uniform(0.8, 2.5))
                y = dr.ll4(x, *theta) + rng.normal(0, sd, x.size)
                lb, la = lost(x, y)
                b += lb
                a += la
            print(f"{sd:>5.3f} {wells:>5d} {b / n:>8.1%} {a / n:>8.1%}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
