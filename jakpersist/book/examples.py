"""Write the example reader-data files in data/examples/ (all simulated by the model, and labelled so).

    python -m jakpersist.book.examples      # rewrites data/examples/*.csv deterministically (seed 7)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import assays
from ..loaders.manifest import DATA
from ..model.signalling import state_from_adaptation
from ..model.params import ModelParams
from ..model.dynamics import persistent_state

EXAMPLES = DATA / "examples"
SEED = 7


def plate_example() -> "object":
    """A small simulated plate: naive and persistent cells, ruxolitinib and fedratinib, 8 doses, 3 wells."""
    mp = ModelParams()
    pops = _populations(mp)
    doses = assays.dilution_series(10000.0, 8, 3.0)
    df = assays.plate_viability(pops, ["ruxolitinib", "fedratinib"], doses, mp, np.random.default_rng(SEED))
    df["viability"] = df["viability"].round(4)
    df["dose_nM"] = df["dose_nM"].round(3)
    df["source"] = "SIMULATED by jakpersist.examples (not measured)"
    return df


def _populations(mp: ModelParams) -> dict:
    _, pers = persistent_state(mp, "ruxolitinib", 1000.0, 42.0)
    return {"naive": state_from_adaptation(0.0, mp), "persistent": pers}


def bands_example() -> "object":
    """Simulated co-IP (JAK2, JAK1, TYK2) and phospho-blot (pSTAT5, pSTAT3, loading) bands, 4 blots."""
    import pandas as pd

    mp = ModelParams()
    rng = np.random.default_rng(SEED)
    pops = _populations(mp)
    df = pd.concat([assays.coip_bands(pops, mp, rng, 4), assays.phospho_blot(pops, "ruxolitinib", 1000.0, mp,
                                                                            rng, 4)], ignore_index=True)
    df["intensity"] = df["intensity"].round(2)
    df["source"] = "SIMULATED by jakpersist.examples (not measured)"
    return df[["blot", "population", "target", "intensity", "source"]]


def qpcr_example() -> "object":
    """Simulated JAK2 and ACTB Ct values: naive, persistent and withdrawn cells, 4 x 3 wells."""
    from ..model.dynamics import Phase, adaptation_after

    mp = ModelParams()
    z_w = adaptation_after([Phase(42.0, 1000.0), Phase(14.0, 0.0)], mp)
    levels = {k: v.jak2 for k, v in _populations(mp).items()}
    levels["withdrawn"] = state_from_adaptation(z_w, mp).jak2
    df = assays.qpcr_ct(levels, np.random.default_rng(SEED))
    df["ct"] = df["ct"].round(3)
    df["source"] = "SIMULATED by jakpersist.examples (not measured)"
    return df


MAKERS = {"plate_example.csv": plate_example, "bands_example.csv": bands_example, "qpcr_example.csv": qpcr_example}


def write_all(folder: Path = EXAMPLES) -> list[Path]:
    """Write every example file and record its checksum in data/MANIFEST.yml."""
    from ..loaders.manifest import record

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in MAKERS.items():
        path = folder / name
        make().to_csv(path, index=False, lineterminator="\n")
        record(path, kind="simulated example (reader-data format)",
               source=f"SIMULATED by the book's model (not a measurement), seed {SEED}",
               version="jakpersist 0.1.0", licence="CC BY 4.0 (this project)", made_by="python -m jakpersist.book.examples")
        out.append(path)
    return out


if __name__ == "__main__":  # pragma: no cover
    for p in write_all():
        print(p)
