"""How often does each default verdict hold across random seeds? (Not part of `make test`.)

A verdict that flips with the seed rests on an experiment too small for its rule. Run:
    .venv/bin/python benchmarks/verdict_stability.py [n_seeds]

Results (2026-11-27, seeds 1-5): C1, C3, C4, C6, C7, C1-T 5/5. C2 was 4/5 with 4 replicate blots
(seed 3: JAK1 co-IP p = 0.07); with the default raised to 6 blots it held in 8/8 seeds (1-8).
"""

import sys
import tempfile
from pathlib import Path

from jakpersist.book import execute as ex, registry


def main(n: int = 5) -> None:
    claims = registry.load()
    by_chapter: dict[str, list] = {}
    for c in claims:
        by_chapter.setdefault(c.chapter, []).append(c)
    with tempfile.TemporaryDirectory() as tmp:
        for chapter, cs in by_chapter.items():
            if "seed" not in ex.parameters_of(ex.chapter_source(chapter)):
                continue
            counts = {c.id: 0 for c in cs}
            for seed in range(1, n + 1):
                out = Path(tmp) / f"{chapter}-{seed}.ipynb"
                ex.execute(ex.chapter_source(chapter), out, {"seed": seed})
                values = ex.glued_values(out)
                for c in cs:
                    counts[c.id] += bool(values[c.verdict])
            for cid, k in counts.items():
                print(f"{cid}: supported in {k}/{n} seeds", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
