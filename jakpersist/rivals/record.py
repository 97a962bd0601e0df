"""Record the shipped rival-model files in data/MANIFEST.yml (provenance and sha256):
``python -m jakpersist.rivals.record DIR``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..loaders.manifest import record

#: shipped; rivals.parquet (one row per draw, ~3 MB at 2048 draws) stays local and git-ignored, like atlas.parquet
FILES = ("summary.json",)


def main(folder: str = "data/rivals") -> int:
    d = Path(folder)
    s = json.loads((d / "summary.json").read_text(encoding="utf-8"))
    for name in FILES:
        if (d / name).is_file():
            record(d / name, kind="rival-model comparison (model, noise-free)",
                   source=f"SIMULATED by the book's model variants: jakbook rivals, {s['samples']} draws per model, "
                          f"seed {s['seed']}",
                   version=f"jakpersist code version {s['code_version']}", licence="CC BY 4.0 (this project)",
                   made_by="make rivals")
    print(f"recorded {d} in data/MANIFEST.yml")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(*sys.argv[1:]))
