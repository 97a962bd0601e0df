"""Write the example reader-data files in data/examples/ (all simulated by the model, and labelled so).

    python -m jakpersist.examples      # rewrites data/examples/*.csv deterministically (seed 7)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import assays
from .model import state_from_adaptation
from .params import ModelParams
from .workflows import persistent_state

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"
SEED = 7


def plate_example() -> "object":
    """A small simulated plate: naive and persistent cells, ruxolitinib and fedratinib, 8 doses, 3 wells."""
    mp = ModelParams()
    _, pers = persistent_state(mp, "ruxolitinib", 1000.0, 42.0)
    pops = {"naive": state_from_adaptation(0.0, mp), "persistent": pers}
    doses = assays.dilution_series(10000.0, 8, 3.0)
    df = assays.plate_viability(pops, ["ruxolitinib", "fedratinib"], doses, mp, np.random.default_rng(SEED))
    df["viability"] = df["viability"].round(4)
    df["dose_nM"] = df["dose_nM"].round(3)
    df["source"] = "SIMULATED by jakpersist.examples (not measured)"
    return df


def write_all(folder: Path = EXAMPLES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in {"plate_example.csv": plate_example}.items():
        path = folder / name
        make().to_csv(path, index=False, lineterminator="\n")
        out.append(path)
    return out


if __name__ == "__main__":  # pragma: no cover
    for p in write_all():
        print(p)
