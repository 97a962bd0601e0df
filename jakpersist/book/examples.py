"""Write the example reader-data files in data/examples/ (all simulated by the model, and labelled
so).

jakbook examples --only tables      # rewrites data/examples/*.csv deterministically (seed 7)
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
    """A small simulated plate: naive and persistent cells, ruxolitinib and fedratinib, 8 doses, 3
    wells."""
    mp = ModelParams()
    pops = _populations(mp)
    doses = assays.dilution_series(10000.0, 8, 3.0)
    df = assays.plate_viability(
        pops, ["ruxolitinib", "fedratinib"], doses, mp=mp, rng=np.random.default_rng(SEED)
    )
    df["viability"] = df["viability"].round(4)
    df["dose_nM"] = df["dose_nM"].round(3)
    df["source"] = "SIMULATED by jakpersist.examples (not measured)"
    return df


def _populations(mp: ModelParams) -> dict:
    _, pers = persistent_state(mp, "ruxolitinib", 1000.0, days=42.0)
    return {"naive": state_from_adaptation(0.0, mp), "persistent": pers}


def bands_example() -> "object":
    """Simulated co-IP (JAK2, JAK1, TYK2) and phospho-blot (pSTAT5, pSTAT3, loading) bands, 4
    blots."""
    import pandas as pd

    mp = ModelParams()
    rng = np.random.default_rng(SEED)
    pops = _populations(mp)
    df = pd.concat(
        [
            assays.coip_bands(pops, mp, rng, n_blots=4),
            assays.phospho_blot(pops, "ruxolitinib", 1000.0, mp=mp, rng=rng, n_blots=4),
        ],
        ignore_index=True,
    )
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


GRID_STEM = "plate384_example"


def plate384_example() -> tuple[str, "object", str]:
    """A simulated 384-well plate-reader export, its plate map and the plate-set file naming both.

    Layout (one plate, rows A-I used): each half row (columns 1-12 and 13-24) is one replicate of
    one curve: a blank well (medium only), a vehicle well (its drug named, so it serves that curve
    only), then 10 doses from 10,000 nM down by 3-fold. Six curves (naive and persistent x
    ruxolitinib, fedratinib, JAK Inhibitor I) x 3 replicates = 18 half rows. Raw signal = 800
    (background, s.d. 20) + 40,000 x viability (assumption: a luminescent read-out in relative light
    units). Returns (grid text, plate map, plate-set YAML text).
    """
    import pandas as pd

    mp = ModelParams()
    rng = np.random.default_rng(SEED)
    doses = assays.dilution_series(10000.0, 10, 3.0)
    drugs = ["ruxolitinib", "fedratinib", "jak_inhibitor_1"]
    tidy = assays.plate_viability(
        _populations(mp), drugs, doses, mp=mp, rng=rng, n_replicates=3, noise_sd=0.05
    )
    letters = "ABCDEFGHIJKLMNOP"
    grid = np.full((16, 24), "", dtype=object)
    rows = []
    for h, ((pop, drug, _rep), g) in enumerate(
        tidy.groupby(["population", "drug", "replicate"], sort=False)
    ):
        r, off = h // 2, 12 * (h % 2)
        g = g.sort_values("dose_nM")
        vehicle, treated = g.iloc[0], g.iloc[1:][::-1]  # highest dose first
        grid[r, off] = f"{800 + rng.normal(0, 20):.0f}"
        rows.append((f"{letters[r]}{off + 1}", "blank", "", "", ""))
        grid[r, off + 1] = f"{800 + 40000 * vehicle.viability:.0f}"
        rows.append((f"{letters[r]}{off + 2}", "vehicle", pop, drug, ""))
        for k, (_, w) in enumerate(treated.iterrows()):
            grid[r, off + 2 + k] = f"{800 + 40000 * w.viability:.0f}"
            rows.append((f"{letters[r]}{off + 3 + k}", "treated", pop, drug, f"{w.dose_nM:.6g}"))
    lines = [
        "SIMULATED plate-reader export by jakpersist.book.examples (the book's model; not a "
        "measurement)",
        "Plate 1",
        "," + ",".join(str(i) for i in range(1, 25)),
    ]
    lines += [letters[i] + "," + ",".join(grid[i]) for i in range(16)]
    pmap = pd.DataFrame(rows, columns=["well", "role", "population", "drug", "dose_nM"])
    pmap["source"] = "SIMULATED by jakpersist.examples (not measured)"
    yml = (
        f"# SIMULATED example plate set (the book's model, seed {SEED}; not a measurement).\n"
        f"# A plate-reader grid export and its plate map; format on the Your data page.\n"
        f"grid: {GRID_STEM}.csv\nmap: {GRID_STEM}.map.csv\n"
    )
    return "\n".join(lines) + "\n", pmap, yml


MAKERS = {
    "plate_example.csv": plate_example,
    "bands_example.csv": bands_example,
    "qpcr_example.csv": qpcr_example,
}


def write_all(folder: Path = EXAMPLES) -> list[Path]:
    """Write every example file and record its checksum in data/MANIFEST.yml."""
    from ..loaders.manifest import record

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in MAKERS.items():
        path = folder / name
        make().to_csv(path, index=False, lineterminator="\n")
        record(
            path,
            kind="simulated example (reader-data format)",
            source=f"SIMULATED by the book's model (not a measurement), seed {SEED}",
            version="jakpersist 0.1.0",
            licence="CC BY 4.0 (this project)",
            made_by="jakbook examples --only tables",
        )
        out.append(path)
    grid, pmap, yml = plate384_example()
    files = [
        folder / f"{GRID_STEM}.csv",
        folder / f"{GRID_STEM}.map.csv",
        folder / f"{GRID_STEM}.yml",
    ]
    files[0].write_text(grid, encoding="utf-8")
    pmap.to_csv(files[1], index=False, lineterminator="\n")
    files[2].write_text(yml, encoding="utf-8")
    for path in files:
        record(
            path,
            kind="simulated example (plate-reader grid, plate map, plate set)",
            source=f"SIMULATED by the book's model (not a measurement), seed {SEED}",
            version="jakpersist 0.1.0",
            licence="CC BY 4.0 (this project)",
            made_by="jakbook examples --only tables",
        )
    return out + files
