"""Coverage of the 95% intervals of the absolute GI50 (delta method, profile likelihood, bootstrap)
by design.

Designs: A = 10 doses (10,000 / 3^k nM) x 3 wells; B = one dose per decade (1e-3 to 1e7 nM) x 2
wells, a steep curve (Hill 4) as in case a05; C = 6 doses (10,000 / 5^k nM) x 1 well. Each has
vehicle wells in the same number. Truth: LL4 bottom 0.05, top 1, EC50 200 nM, Hill 1.2 (absolute
GI50 218 nM), s.d. 0.05 (A, C); LL3 top 1, EC50 50.5 nM, Hill 4, s.d. 0.02 (B). A plate whose GI50
is censored or missing counts as "no interval" (reported). Also reports how often each design is
flagged "no dose on the transition".

Run:  .venv/bin/python benchmarks/interval_coverage.py [N plates] [N bootstrap plates] [resamples]

Last run (2026-11-29, on a loaded 2-core machine; A and C: N = 100, bootstrap 40 plates x 100
resamples; B: N = 40, bootstrap 15 plates x 60 resamples):

    design             delta  profile  bootstrap  no interval  flagged
    A 10 doses x 3     95.0%    95.0%      92.5%         0.0%     0.0%
    B decades x 2      28.2%   100.0%      93.3%         2.5%    97.5%
    C 6 doses x 1      98.0%    98.0%      87.5%         0.0%     0.0%

The GI50 table therefore shows the profile-likelihood interval first; design B is flagged "no dose
on the transition" and design C (df 3) "few residual degrees of freedom" (flag added after this
run).
"""

import sys

import numpy as np

from jakpersist.analysis import doseresponse as dr

DESIGNS = {
    "A 10 doses x 3": (
        np.repeat(np.r_[0.0, 10000 / 3.0 ** np.arange(9, -1, -1)], 3),
        (0.05, 1.0, np.log10(200), 1.2),
        0.05,
    ),
    "B decades x 2": (
        np.repeat(np.r_[0.0, 10.0 ** np.arange(-3, 8)], 2),
        (0.0, 1.0, np.log10(50.5), 4.0),
        0.02,
    ),
    "C 6 doses x 1": (
        np.r_[0.0, 10000 / 5.0 ** np.arange(5, -1, -1)],
        (0.05, 1.0, np.log10(200), 1.2),
        0.05,
    ),
}


def main(n: int = 100, n_boot_plates: int = 40, n_boot: int = 100) -> None:
    print(
        f"coverage of nominal 95% intervals for the absolute GI50 (N = {n} plates; bootstrap on "
        "the first "
        f"{n_boot_plates} with {n_boot} resamples)"
    )
    print(
        f"{'design':<16} {'delta':>7} {'profile':>8} {'bootstrap':>10} {'no interval':>12} "
        f"{'flagged':>8}"
    )
    for name, (x, theta, sd) in DESIGNS.items():
        truth = dr.absolute_dose(theta)
        rng = np.random.default_rng(7)
        hit = {"delta": 0, "profile": 0, "bootstrap": 0}
        tried = {"delta": 0, "profile": 0, "bootstrap": 0}
        none = flagged = 0
        for i in range(n):
            y = dr.ll4(x, *theta) + rng.normal(0, sd, x.size)
            fit, _ = dr.select_model(x, y)
            flagged += "no dose on the transition" in dr.quality_flags(fit)
            d = fit.gi50_absolute()
            if not d.ok:
                none += 1
                continue
            p = fit.gi50_absolute(interval="profile")
            for m, e in (("delta", d), ("profile", p)):
                tried[m] += 1
                hit[m] += bool(e.lo <= truth <= e.hi)
            if i < n_boot_plates:
                b, _ = dr.bootstrap_estimate(fit, n_boot, rng)
                tried["bootstrap"] += 1
                hit["bootstrap"] += bool(b.lo <= truth <= b.hi)
        cov = {m: hit[m] / tried[m] if tried[m] else float("nan") for m in hit}
        print(
            f"{name:<16} {cov['delta']:>7.1%} {cov['profile']:>8.1%} {cov['bootstrap']:>10.1%} "
            f"{none / n:>12.1%} {flagged / n:>8.1%}",
            flush=True,
        )


if __name__ == "__main__":
    a = [int(v) for v in sys.argv[1:]]
    main(*a)
