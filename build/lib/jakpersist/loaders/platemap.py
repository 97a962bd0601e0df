"""Plate-reader grid exports plus a plate map -> the tidy plate table (one row per well).

Most plate readers export each plate as a grid: a header row of column numbers (1-12 on a 96-well plate,
1-24 on a 384-well plate) and one row per plate row (A-H, or A-P), optionally preceded by a line naming the
plate; one file may hold several plates, one block after another. A *plate map* says what each well holds.
The two are named together by a small YAML *plate set* file, which is what ``data_path`` names::

    # my_screen.yml
    grid: my_screen_grid.csv        # the reader's export (or a list of files); paths relative to this file
    map: my_screen_map.csv          # the plate map

A grid file given directly as ``data_path`` also works when its map sits beside it as ``<stem>.map.csv``.

Plate map columns (header names in any case; one row per used well; wells not listed are ignored):

=============== ====================================================================================
``plate``        optional: the plate's label in the grid export (its title line, or 1, 2, ... in file
                 order); without this column every plate has the same layout
``well``         ``A1`` .. ``P24`` (``A01`` also accepted)
``role``         ``treated``, ``vehicle`` (cells, no drug) or ``blank`` (medium, no cells)
``population``   cell population (``naive``, ``persistent``; empty for a blank)
``drug``         inhibitor (empty for a blank; empty for a vehicle shared by every drug of its population)
``dose_nM``      concentration; ``dose_uM``, ``dose_M`` ... are converted; empty or 0 for vehicle/blank
=============== ====================================================================================

Normalisation, per plate: the mean of the plate's blank wells is subtracted from every well (no blank: none
subtracted, stated); each treated well is divided by the mean of the vehicle wells of the same population on
the same plate (``viability`` = fraction of vehicle). Both steps are the usual ones for luminescent or
fluorescent viability read-outs (e.g. the CellTiter-Glo technical bulletin); nothing here is specific to one
reader.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .readers import (MISSING_TOKENS, SPREADSHEET_ERROR, Column, ReaderDataError, Schema, check_ranges,
                      read_rows, read_table, skip_missing)

#: Plate formats: number of columns -> row letters.
FORMATS = {12: "ABCDEFGH", 24: "ABCDEFGHIJKLMNOP"}
ROLES = ("treated", "vehicle", "blank")

PLATE_MAP = Schema(
    "plate map",
    (
        Column("well", "text", "well, `A1` to `P24` (`A01` also accepted)"),
        Column("role", "text", "`treated`, `vehicle` (cells, no drug) or `blank` (medium, no cells)"),
        Column("population", "text", "cell population; empty for a blank", missing_ok=True),
        Column("drug", "text", "inhibitor; empty for a blank, or for a vehicle shared by every drug",
               missing_ok=True),
        Column("dose_nM", "number", "concentration in nM (`dose_uM`, `dose_M` ... converted); empty or 0 for a "
               "vehicle or blank", 0.0, 1e9, missing_ok=True, unit="nM"),
    ),
    "One row per used well; an optional `plate` column names the plate (without it, every plate has this "
    "layout).",
)

_WELL = re.compile(r"^([A-Pa-p])0*([1-9]\d?)$")


def _is_header(row: list[str]) -> int | None:
    """Number of plate columns if ``row`` is a grid header (empty or label cell, then 1..12 or 1..24)."""
    cells = [c.strip() for c in row]
    while cells and cells[-1] == "":
        cells.pop()
    for n in FORMATS:
        if len(cells) == n + 1 and cells[1:] == [str(i) for i in range(1, n + 1)]:
            return n
    return None


def read_grid(path: str | Path) -> pd.DataFrame:
    """Read every plate of a plate-reader grid export.

    Returns one row per well: ``plate`` (the title line above the block, else 1, 2, ... in file order),
    ``well`` (``A1``), ``signal`` (float; NaN for an empty or `NA` cell) and ``line`` (the file line of the
    well's row). Decimal commas are read as decimal points.

    Raises :class:`ReaderDataError`: no grid found; a block with missing or misplaced row letters; a cell that
    is not a number (a spreadsheet error value named as such), each with its line and well.
    """
    p = Path(path)
    rows, _ = read_rows(p)
    out = []
    i, count = 0, 0
    while i < len(rows):
        n = _is_header(rows[i])
        if n is None:
            i += 1
            continue
        count += 1
        title = next((c.strip() for c in (rows[i - 1] if i else []) if c.strip()), "")
        label = title if title and _is_header(rows[i - 1]) is None and len(
            [c for c in rows[i - 1] if c.strip()]) == 1 else str(count)
        letters = FORMATS[n]
        for k, letter in enumerate(letters):
            j = i + 1 + k
            row = rows[j] if j < len(rows) else []
            if not row or row[0].strip().upper() != letter:
                raise ReaderDataError(f"{p}, line {j + 1}: expected row {letter} of a {len(letters) * n}-well "
                                      f"plate (plate {label}, header on line {i + 1}); found "
                                      f"{(row[0].strip() if row else '') or 'nothing'}")
            for c in range(1, n + 1):
                cell = row[c].strip() if c < len(row) else ""
                well = f"{letter}{c}"
                where = f"{p}, line {j + 1}, well {well} (plate {label})"
                if SPREADSHEET_ERROR.match(cell):
                    raise ReaderDataError(f"{where}: {cell} is a spreadsheet error value, not a reading; fix it "
                                          f"in the reader's software or spreadsheet, or replace it with NA")
                if cell.lower() in MISSING_TOKENS:
                    v = float("nan")
                else:
                    try:
                        v = float(cell.replace(",", ".") if re.fullmatch(r"[+-]?\d*,\d+", cell) else cell)
                    except ValueError:
                        raise ReaderDataError(f"{where}: {cell!r} is not a number") from None
                out.append({"plate": label, "well": well, "signal": v, "line": j + 1})
        i += 1 + len(letters)
    if not out:
        raise ReaderDataError(f"{p}: no plate grid found; expected a header row of column numbers 1-12 (96-well) "
                              f"or 1-24 (384-well), then one row per plate row A-H or A-P")
    df = pd.DataFrame(out)
    twice = df.duplicated(["plate", "well"])
    if twice.any():
        raise ReaderDataError(f"{p}: two plates share the title {df.loc[twice, 'plate'].iloc[0]!r}; give each "
                              f"plate a different title line")
    return df


def read_map(path: str | Path) -> pd.DataFrame:
    """Read a plate map (see :data:`PLATE_MAP`): one row per used well.

    Returns plate (or None), well (normalised to ``A1``), role, population, drug, dose_nM, line.
    Raises :class:`ReaderDataError` naming the line and column of a bad well, role or dose, and a well listed
    twice.
    """
    p = Path(path)
    df = read_table(p, PLATE_MAP)
    check_ranges(df, PLATE_MAP)
    labels = {h.lower(): h for h in df.columns}
    df["plate"] = df[labels["plate"]].astype(str).str.strip() if "plate" in labels else None
    for col in ("population", "drug"):
        df[col] = df[col].where(df[col].notna(), "").astype(str).str.strip()
    for _, r in df.iterrows():
        m = _WELL.match(r["well"])
        where = f"{p}, line {r['line']}"
        if not m:
            raise ReaderDataError(f"{where}, column 'well': {r['well']!r} is not a well like A1 or P24")
        role = str(r["role"]).strip().lower()
        if role not in ROLES:
            raise ReaderDataError(f"{where}, column 'role': {r['role']!r} is not one of {', '.join(ROLES)}")
        if role == "treated" and (not r["population"] or not r["drug"] or not (r["dose_nM"] > 0)):
            raise ReaderDataError(f"{where}: a treated well needs a population, a drug and a dose above 0")
        if role == "vehicle" and not r["population"]:
            raise ReaderDataError(f"{where}: a vehicle well needs its population")
    df["well"] = [f"{_WELL.match(w).group(1).upper()}{int(_WELL.match(w).group(2))}" for w in df["well"]]
    df["role"] = df["role"].str.strip().str.lower()
    twice = df.duplicated(["plate", "well"], keep=False)
    if twice.any():
        r = df[twice].iloc[1]
        raise ReaderDataError(f"{p}, line {r['line']}: well {r['well']} is listed twice")
    return df


def input_files(path: str | Path) -> list[Path]:
    """Every file a ``data_path`` stands for: itself, plus a plate set's grids and map."""
    p = Path(path)
    if p.suffix.lower() in (".yml", ".yaml") and p.is_file():
        grids, mp = _plate_set(p)
        return [p, *grids, mp]
    sibling = _sibling_map(p)
    return [p, sibling] if sibling else [p]


def _sibling_map(p: Path) -> Path | None:
    m = p.with_name(p.stem + ".map.csv")
    return m if m.is_file() and m != p else None


def looks_like_grid(path: str | Path) -> bool:
    """True when the file holds a plate grid (a header row of column numbers 1-12 or 1-24)."""
    try:
        rows, _ = read_rows(path)
    except ReaderDataError:
        return False
    return any(_is_header(r) for r in rows[:200])


def _plate_set(p: Path) -> tuple[list[Path], Path]:
    import yaml

    try:
        spec = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReaderDataError(f"{p}: not a readable plate-set file ({exc}); expected lines 'grid: FILE' and "
                              f"'map: FILE'") from None
    if not isinstance(spec, dict) or "grid" not in spec or "map" not in spec:
        raise ReaderDataError(f"{p}: a plate-set file needs 'grid: FILE' (or a list of files) and 'map: FILE'")
    grids = spec["grid"] if isinstance(spec["grid"], list) else [spec["grid"]]
    files = [(p.parent / str(g)) for g in grids] + [p.parent / str(spec["map"])]
    for f in files:
        if not f.is_file():
            raise ReaderDataError(f"{p}: no such file {f} (paths are taken from the plate-set file's folder)")
    return files[:-1], files[-1]


def read_plate_set(path: str | Path) -> pd.DataFrame:
    """Read grid export(s) and a plate map into the tidy plate table (see :data:`jakpersist.loaders.readers.PLATE`).

    ``path`` is a plate-set YAML file (``grid:`` and ``map:``) or a grid file with ``<stem>.map.csv`` beside
    it. Per plate, the blank mean is subtracted and each well divided by the vehicle mean of its population
    (see the module docstring). Vehicle wells become dose-0 rows of every drug of their population (or of
    their own drug when the map names one). ``replicate`` numbers wells within (population, drug, dose).

    Returns population, drug, dose_nM, replicate, viability, plate, well, line, source; ``attrs["notes"]``
    says what was done. Raises :class:`ReaderDataError` for a bad grid or map, a mapped well missing from the
    grid, a plate without vehicle wells for a population, or a vehicle mean at or below the blank.
    """
    p = Path(path)
    if p.suffix.lower() in (".yml", ".yaml"):
        grids, map_path = _plate_set(p)
    else:
        sibling = _sibling_map(p)
        if sibling is None:
            raise ReaderDataError(f"{p}: a plate grid needs its plate map: put it beside the grid as "
                                  f"{p.stem}.map.csv, or name both in a plate-set .yml file (see the Your data "
                                  f"page)")
        grids, map_path = [p], sibling
    grid = pd.concat([read_grid(g).assign(file=g.name) for g in grids], ignore_index=True)
    if len(grids) > 1:
        grid["plate"] = grid["file"] + ":" + grid["plate"]
    pmap = read_map(map_path)
    plates = list(dict.fromkeys(grid["plate"]))
    if pmap["plate"].isna().all():
        pmap = pd.concat([pmap.assign(plate=pl) for pl in plates], ignore_index=True)
    unknown = sorted(set(pmap["plate"]) - set(plates))
    if unknown:
        raise ReaderDataError(f"{map_path}: column 'plate' names plate(s) {', '.join(unknown)} that the grid "
                              f"export does not have (plates found: {', '.join(plates)})")
    wells = pmap.merge(grid, on=["plate", "well"], how="left", suffixes=("_map", ""))
    absent = wells[wells["signal"].isna() & wells["line"].isna()]
    if len(absent):
        r = absent.iloc[0]
        raise ReaderDataError(f"{map_path}, line {r['line_map']}: well {r['well']} of plate {r['plate']} is not "
                              f"in the grid export")
    notes = [f"plate grid(s) {', '.join(g.name for g in grids)} with plate map {map_path.name}: "
             f"{len(plates)} plate(s), {len(wells)} mapped wells"]
    rows = []
    for plate, g in wells.groupby("plate", sort=False):
        blank = g.loc[g["role"] == "blank", "signal"].dropna()
        bg = float(blank.mean()) if len(blank) else 0.0
        notes.append(f"plate '{plate}': blank mean {bg:.6g} subtracted ({len(blank)} wells); each well divided by "
                     f"the vehicle mean of its population on this plate" if len(blank)
                     else f"plate '{plate}': no blank wells, no background subtracted; each well divided by the "
                          f"vehicle mean of its population on this plate")
        for pop, h in g[g["role"] != "blank"].groupby("population", sort=False):
            veh = h.loc[h["role"] == "vehicle", "signal"].dropna() - bg
            if not len(veh):
                raise ReaderDataError(f"{map_path}: plate {plate}, population {pop!r} has no vehicle wells with "
                                      f"a reading; viability is normalised to them")
            if veh.mean() <= 0:
                raise ReaderDataError(f"plate {plate}, population {pop!r}: the vehicle mean ({veh.mean() + bg:g})"
                                      f" is not above the blank mean ({bg:g}); check the roles in the plate map")
            drugs = sorted(set(h.loc[h["role"] == "treated", "drug"]))
            for _, r in h.iterrows():
                via = (r["signal"] - bg) / veh.mean()
                base = {"population": pop, "viability": via, "plate": plate, "well": r["well"],
                        "line": int(r["line"]), "file": r["file"]}
                if r["role"] == "treated":
                    rows.append({**base, "drug": r["drug"], "dose_nM": float(r["dose_nM"])})
                else:
                    for d in ([r["drug"]] if r["drug"] else drugs):
                        rows.append({**base, "drug": d, "dose_nM": 0.0})
    df = pd.DataFrame(rows)
    df = df.sort_values(["population", "drug", "dose_nM", "plate", "line", "well"], kind="stable")
    df["replicate"] = df.groupby(["population", "drug", "dose_nM"]).cumcount() + 1
    df = df[["population", "drug", "dose_nM", "replicate", "viability", "plate", "well", "line", "file"]]
    df = df.reset_index(drop=True)
    df.attrs = {"notes": notes, "labels": {"viability": "viability"}, "path": str(p)}
    df = skip_missing(df, "viability", "well", ["plate", "well", "population", "drug", "dose_nM"])
    df["source"] = f"your data ({p.name})"
    return df


__all__ = ["PLATE_MAP", "read_grid", "read_map", "read_plate_set", "input_files", "looks_like_grid"]
