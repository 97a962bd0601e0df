"""Record shipped model results (the robustness atlas, the rival-model comparison) in
data/MANIFEST.yml with their provenance and sha256: ``jakbook record data/atlas``
or ``... data/rivals``.

One recorder for every folder of shipped results; :data:`SHIPPED` says, per folder name, which files
ship and how their provenance reads (filled from the folder's summary.json: samples, seed, code
version).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..loaders.manifest import record


@dataclass(frozen=True)
class Shipped:
    """The shipped files of one kind of result and their provenance (``source`` is formatted with
    the summary's ``samples`` and ``seed``)."""

    files: tuple[str, ...]
    kind: str
    source: str
    made_by: str


SHIPPED: dict[str, Shipped] = {
    "atlas": Shipped(
        ("summary.json", "points.parquet", "tipping.parquet", "power-C1.csv"),
        "robustness atlas (model, noise-free; power: noisy model)",
        "SIMULATED by the book's model: jakbook atlas, Sobol' N = {samples}, seed {seed}",
        "make atlas",
    ),
    # rivals.parquet (one row per draw, ~3 MB at 2048 draws) stays local and git-ignored, like
    # atlas.parquet
    "rivals": Shipped(
        ("summary.json",),
        "rival-model comparison (model, noise-free)",
        "SIMULATED by the book's model variants: jakbook rivals, {samples} draws per model, seed "
        "{seed}",
        "make rivals",
    ),
}


def main(folder: str = "data/atlas", which: str | None = None) -> int:
    """Record the shipped files of ``folder``; ``which`` (default: the folder's name) is a key of
    :data:`SHIPPED`. Raises KeyError naming the known kinds for another one."""
    d = Path(folder)
    which = which or d.name
    if which not in SHIPPED:
        raise KeyError(f"no shipped results called {which!r}; known: {', '.join(SHIPPED)}")
    spec = SHIPPED[which]
    s = json.loads((d / "summary.json").read_text(encoding="utf-8"))
    for name in spec.files:
        if (d / name).is_file():
            record(
                d / name,
                kind=spec.kind,
                source=spec.source.format(samples=s["samples"], seed=s["seed"]),
                version=f"jakpersist code version {s['code_version']}",
                licence="CC BY 4.0 (this project)",
                made_by=spec.made_by,
            )
    print(f"recorded {d} in data/MANIFEST.yml")
    return 0
