"""Record the shipped atlas files in data/MANIFEST.yml (provenance and sha256): ``python -m jakpersist.atlas.record DIR``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..loaders.manifest import record

FILES = ("summary.json", "points.parquet", "tipping.parquet", "power-C1.csv")


def main(folder: str = "data/atlas") -> int:
    d = Path(folder)
    s = json.loads((d / "summary.json").read_text(encoding="utf-8"))
    for name in FILES:
        if (d / name).is_file():
            record(d / name, kind="robustness atlas (model, noise-free; power: noisy model)",
                   source=f"SIMULATED by the book's model: jakbook atlas, Sobol' N = {s['samples']}, seed {s['seed']}",
                   version=f"jakpersist code version {s['code_version']}", licence="CC BY 4.0 (this project)",
                   made_by="make atlas")
    print(f"recorded {d} in data/MANIFEST.yml")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(*sys.argv[1:]))
