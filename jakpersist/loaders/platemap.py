"""Plate-reader grid exports plus a plate map -> the tidy plate table (one row per well).

Most plate readers export each plate as a grid: a header row of column numbers (1-12 on a 96-well
plate, 1-24 on a 384-well plate) and one row per plate row (A-H, or A-P), optionally preceded by a
line naming the plate; one file may hold several plates, one block after another. A *plate map* says
what each well holds. The two are named together by a small YAML *plate set* file, which is what
``data_path`` names::

    # my_screen.yml
    grid: my_screen_grid.csv        # the reader's export (or a list of files); relative paths
    map: my_screen_map.csv          # the plate map

A grid file given directly as ``data_path`` also works when its map sits beside it as
``<stem>.map.csv``. Exports may also be workbooks (the sheet holding the grid is found), well lists
(``Well`` + a reading column) instead of grids, and the map a workbook or a wellmap TOML layout.
Cells are read by the one tabular reader, :mod:`jakpersist.loaders.tabular` (same number rules as
the tidy formats).

Plate map columns (header names in any case; one row per used well; wells not listed are ignored):

- ``plate``: optional: the plate's label in the grid export (its title line, or 1, 2, ... in file
  order); without this column every plate has the same layout;
- ``well``: ``A1`` .. ``P24`` (``A01`` also accepted);
- ``role``: ``treated``, ``vehicle`` (cells, no drug) or ``blank`` (medium, no cells);
- ``population``: cell population (``naive``, ``persistent``; empty for a blank);
- ``drug``: inhibitor (empty for a blank; empty for a vehicle shared by every drug of its
  population);
- ``dose_nM``: concentration; ``dose_uM``, ``dose_M`` ... are converted; empty or 0 for
  vehicle/blank.

Normalisation, per plate: the mean of the plate's blank wells is subtracted from every well (no
blank: none subtracted, stated); each treated well is divided by the mean of the vehicle wells of
the same population on the same plate (``viability`` = fraction of vehicle). Both steps are the
usual ones for luminescent or fluorescent viability read-outs (e.g. the CellTiter-Glo technical
bulletin); nothing here is specific to one reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .tabular import (
    MISSING_TOKENS,
    SPREADSHEET_ERROR,
    Cells,
    Column,
    NumberReader,
    ReadInfo,
    ReaderDataError,
    Schema,
    attach,
    cell_text,
    check_ranges,
    read_cells,
    read_info,
    read_table,
    skip_missing,
)

#: Plate formats: number of columns -> row letters.
FORMATS = {12: "ABCDEFGH", 24: "ABCDEFGHIJKLMNOP"}
ROLES = ("treated", "vehicle", "blank")

PLATE_MAP = Schema(
    "plate map",
    (
        Column("well", "text", "well, `A1` to `P24` (`A01` also accepted)"),
        Column(
            "role", "text", "`treated`, `vehicle` (cells, no drug) or `blank` (medium, no cells)"
        ),
        Column("population", "text", "cell population; empty for a blank", missing_ok=True),
        Column(
            "drug",
            "text",
            "inhibitor; empty for a blank, or for a vehicle shared by every drug",
            missing_ok=True,
        ),
        Column(
            "dose_nM",
            "number",
            "concentration in nM (`dose_uM`, `dose_M` ... converted); empty or 0 for a "
            "vehicle or blank",
            0.0,
            1e9,
            missing_ok=True,
            unit="nM",
        ),
    ),
    "One row per used well; an optional `plate` column names the plate (without it, every plate "
    "has this "
    "layout).",
)

_WELL = re.compile(r"^([A-Pa-p])0*([1-9]\d?)$")


def _is_header(row: list[str]) -> int | None:
    """Number of plate columns if ``row`` is a grid header: a corner cell (empty, or a marker such
    as ``<>``), then the column numbers 1..12 or 1..24 (written ``1`` or ``01``), optionally
    followed by label cells."""
    cells = [c.strip() for c in row]
    while cells and cells[-1] == "":
        cells.pop()
    for n in FORMATS:
        if len(cells) >= n + 1 and [c.lstrip("0") for c in cells[1 : n + 1]] == [
            str(i) for i in range(1, n + 1)
        ]:
            if all(not re.fullmatch(r"\d+", c) for c in cells[n + 1 :]):
                return n
    return None


#: Header names of a well list's well column, and words that name a reading column (case ignored).
_WELL_HEADER = re.compile(r"wells?(\s*(position|id|name))?", re.IGNORECASE)
_READ_WORDS = re.compile(
    r"lum|abs|fluor|rlu|rfu|signal|value|od\b|count|read|result|raw", re.IGNORECASE
)


def _well_list_header(rows: list[list[str]], search: int = 30) -> int | None:
    """Index of a well list's header row (a ``Well`` column and at least one other named column)."""
    for i, r in enumerate(rows[:search]):
        cells = [c.strip() for c in r]
        if any(_WELL_HEADER.fullmatch(c) for c in cells) and sum(bool(c) for c in cells) >= 2:
            return i
    return None


def _holds_plate(rows: list[list[str]]) -> bool:
    return any(_is_header(r) for r in rows[:400]) or _well_list_header(rows) is not None


def read_grid(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read every plate of a plate-reader export: grid blocks, or a well list.

    Grids: a header row of column numbers (``1``..``12`` or ``01``.., after an empty corner cell or
    a marker), then one row per plate row (A-H, A-P); settings blocks and titles before it, a read
    label after each row (``...,Lum``) and several blocks per file are allowed. Well lists: a header
    with a ``Well`` column (wells ``A1`` or ``A01``) and one reading column (an optional ``plate``
    column names the plate). A workbook's sheet holding the grid or list is found (or named by
    ``sheet``). Numbers follow the rules of :mod:`jakpersist.loaders.tabular` (one decimal mark per
    file; ambiguous values refused).

    Returns one row per well: ``plate`` (the title line above the block, else 1, 2, ... in file
    order), ``well`` (``A1``), ``signal`` (float; NaN for an empty or `NA` cell) and ``line`` (the
    file line of the well's row). Its :class:`~jakpersist.loaders.tabular.ReadInfo` says what was
    read.

    Raises :class:`ReaderDataError`: no grid or well list found; a block with missing or misplaced
    row letters; a cell that is not a number (a spreadsheet error value named as such), each with
    its line and well.
    """
    p = Path(path)
    src = read_cells(p, sheet=sheet, accept=_holds_plate)
    rows = src.rows
    cells: list[tuple[str, str, str, int, str]] = []  # plate, well, cell, line, where
    i, count = 0, 0
    while i < len(rows):
        n = _is_header(rows[i])
        if n is None:
            i += 1
            continue
        count += 1
        title = next((c.strip() for c in (rows[i - 1] if i else []) if c.strip()), "")
        label = (
            title
            if title
            and _is_header(rows[i - 1]) is None
            and len([c for c in rows[i - 1] if c.strip()]) == 1
            else str(count)
        )
        letters = FORMATS[n]
        j = i
        for letter in letters:
            j += 1
            while j < len(rows) and not any(c.strip() for c in rows[j]):
                j += 1  # blank rows inside a block are skipped
            row = rows[j] if j < len(rows) else []
            if not row or row[0].strip().upper() != letter:
                raise ReaderDataError(
                    f"{p}, line {j + 1}: expected row {letter} of a {len(letters) * n}-well "
                    f"plate (plate {label}, header on line {i + 1}); found "
                    f"{(row[0].strip() if row else '') or 'nothing'}"
                )
            for c in range(1, n + 1):
                cell = row[c].strip() if c < len(row) else ""
                well = f"{letter}{c}"
                cells.append(
                    (label, well, cell, j + 1, f"{p}, line {j + 1}, well {well} (plate {label})")
                )
        i = j + 1
    kind = "grid"
    if not cells:
        cells = _well_list_cells(p, rows)
        kind = "well list"
    if not cells:
        raise ReaderDataError(
            f"{p}: no plate grid or well list found; expected a header row of column numbers "
            f"1-12 (96-well) or 1-24 (384-well) followed by rows A-H or A-P, or a well list "
            f"(a 'Well' column and one reading column)"
        )
    reader = NumberReader.for_cells(
        [c for _, _, c, _, _ in cells if c.lower() not in MISSING_TOKENS], src.decimal
    )
    out = []
    for label, well, cell, line, where in cells:
        if SPREADSHEET_ERROR.match(cell):
            raise ReaderDataError(
                f"{where}: {cell} is a spreadsheet error value, not a reading; fix it "
                f"in the reader's software or spreadsheet, or replace it with NA"
            )
        v = float("nan") if cell.lower() in MISSING_TOKENS else reader.read(cell, where)
        out.append({"plate": label, "well": well, "signal": v, "line": line})
    df = pd.DataFrame(out)
    twice = df.duplicated(["plate", "well"])
    if twice.any():
        r = df[twice].iloc[0]
        raise ReaderDataError(
            f"{p}, line {r['line']}: well {r['well']} of plate {r['plate']!r} appears twice; "
            f"give each plate a different title line (grids) or plate name (well lists)"
        )
    notes = (
        *src.notes,
        f"{p.name}: read as a {kind}" + (f" ({count} plate block(s))" if kind == "grid" else ""),
        *reader.notes(),
    )
    return attach(
        df,
        ReadInfo(path=str(p), format=kind, sheet=src.sheet, decimal_mark=reader.style, notes=notes),
    )


def _well_list_cells(p: Path, rows: list[list[str]]) -> list[tuple[str, str, str, int, str]]:
    """The cells of a well list (``Well`` + reading column), or [] when the file is not one."""
    h = _well_list_header(rows)
    if h is None:
        return []
    header = [c.strip() for c in rows[h]]
    w = next(k for k, c in enumerate(header) if _WELL_HEADER.fullmatch(c))
    plate_col = next((k for k, c in enumerate(header) if c.lower() == "plate"), None)
    body = [(h + k + 2, r) for k, r in enumerate(rows[h + 1 :]) if any(c.strip() for c in r)]

    def numeric(k: int) -> bool:
        vals = [
            r[k].strip()
            for _, r in body
            if k < len(r) and r[k].strip().lower() not in MISSING_TOKENS
        ]
        return bool(vals) and all(
            re.fullmatch(r"[+\-]?[\d.,'\s\u00a0\u2009\u202f]+([eE][+\-]?\d+)?", v)
            or SPREADSHEET_ERROR.match(v)
            for v in vals
        )

    candidates = [k for k, c in enumerate(header) if c and k not in (w, plate_col) and numeric(k)]
    if len(candidates) > 1:
        named = [k for k in candidates if _READ_WORDS.search(header[k])]
        candidates = named if len(named) == 1 else candidates
    if len(candidates) != 1:
        found = ", ".join(f"'{c}'" for c in header if c) or "none"
        raise ReaderDataError(
            f"{p}, line {h + 1}: a well list needs one reading column beside '{header[w]}' "
            f"(found {found}); keep one reading column, or name it e.g. 'Luminescence'"
        )
    v = candidates[0]
    out = []
    for line, r in body:
        well_cell = r[w].strip() if w < len(r) else ""
        m = _WELL.match(well_cell)
        if not m:
            raise ReaderDataError(
                f"{p}, line {line}, column '{header[w]}': {well_cell!r} is not a well like A1 "
                f"or A01"
            )
        well = f"{m.group(1).upper()}{int(m.group(2))}"
        label = (
            r[plate_col].strip() if plate_col is not None and plate_col < len(r) else ""
        ) or "1"
        cell = r[v].strip() if v < len(r) else ""
        out.append(
            (label, well, cell, line, f"{p}, line {line}, well {well}, column '{header[v]}'")
        )
    return out


def read_map(path: str | Path) -> pd.DataFrame:
    """Read a plate map (see :data:`PLATE_MAP`): one row per used well.

    Returns plate (or None), well (normalised to ``A1``), role, population, drug, dose_nM, line.
    Raises :class:`ReaderDataError` naming the line and column of a bad well, role or dose, and a
    well listed twice.
    """
    p = Path(path)
    df = read_table(p, PLATE_MAP, cells=_wellmap_cells(p) if p.suffix.lower() == ".toml" else None)
    check_ranges(df, PLATE_MAP)
    labels = {h.lower(): h for h in df.columns}
    df["plate"] = df[labels["plate"]].astype(str).str.strip() if "plate" in labels else None
    for col in ("population", "drug"):
        df[col] = df[col].where(df[col].notna(), "").astype(str).str.strip()
    for _, r in df.iterrows():
        m = _WELL.match(r["well"])
        where = f"{p}, line {r['line']}"
        if not m:
            raise ReaderDataError(
                f"{where}, column 'well': {r['well']!r} is not a well like A1 or P24"
            )
        role = str(r["role"]).strip().lower()
        if role not in ROLES:
            raise ReaderDataError(
                f"{where}, column 'role': {r['role']!r} is not one of {', '.join(ROLES)}"
            )
        if role == "treated" and (not r["population"] or not r["drug"] or not (r["dose_nM"] > 0)):
            raise ReaderDataError(
                f"{where}: a treated well needs a population, a drug and a dose above 0"
            )
        if role == "vehicle" and not r["population"]:
            raise ReaderDataError(f"{where}: a vehicle well needs its population")
    df["well"] = [
        f"{_WELL.match(w).group(1).upper()}{int(_WELL.match(w).group(2))}" for w in df["well"]
    ]
    df["role"] = df["role"].str.strip().str.lower()
    twice = df.duplicated(["plate", "well"], keep=False)
    if twice.any():
        r = df[twice].iloc[1]
        raise ReaderDataError(f"{p}, line {r['line']}: well {r['well']} is listed twice")
    return df


def _wellmap_cells(p: Path) -> Cells:
    """A wellmap TOML layout (https://wellmap.rtfd.io) expanded by the ``wellmap`` package into map
    rows: one per well that the layout describes, with the layout's parameters as columns (``role``,
    ``population``, ``drug``, ``dose_nM``, optionally ``plate``). The TOML's typed numbers keep
    their value (default decimal point). Line numbers in messages count the expanded wells (header =
    line 1), in wellmap's order."""
    import wellmap

    try:
        layout = wellmap.load(p)
    except Exception as exc:  # wellmap raises its own error types for bad layouts
        raise ReaderDataError(
            f"{p}: not a readable wellmap layout ({type(exc).__name__}: {exc})"
        ) from None
    drop = {"well0", "row", "col", "row_i", "col_j", "path"}
    cols = ["well"] + [c for c in layout.columns if c not in drop and c != "well"]
    rows = [cols] + [
        [cell_text(v) for v in r] for r in layout[cols].itertuples(index=False, name=None)
    ]
    return Cells(rows, [f"plate map {p.name}: a wellmap layout, {len(layout)} wells"], decimal=".")


def input_files(path: str | Path) -> list[Path]:
    """Every file a ``data_path`` stands for: itself, plus a plate set's grids and map."""
    p = Path(path)
    if p.suffix.lower() in (".yml", ".yaml") and p.is_file():
        grids, mp = _plate_set(p)
        return [p, *grids, mp]
    sibling = _sibling_map(p)
    return [p, sibling] if sibling else [p]


def _sibling_map(p: Path) -> Path | None:
    for suffix in (
        ".map.csv",
        ".map.tsv",
        ".map.txt",
        ".map.xlsx",
        ".map.ods",
        ".map.xls",
        ".map.toml",
    ):
        m = p.with_name(p.stem + suffix)
        if m.is_file() and m != p:
            return m
    return None


def looks_like_grid(path: str | Path) -> bool:
    """True when the file holds a plate-reader export: a grid (a header row of column numbers 1-12
    or 1-24) or, with a plate map beside it, a well list (a ``Well`` column and a reading)."""
    try:
        src = read_cells(path, accept=_holds_plate)
    except ReaderDataError:
        return False
    if any(_is_header(r) for r in src.rows[:400]):
        return True
    return _sibling_map(Path(path)) is not None and _well_list_header(src.rows) is not None


def _plate_set(p: Path) -> tuple[list[Path], Path]:
    import yaml

    try:
        spec = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReaderDataError(
            f"{p}: not a readable plate-set file ({exc}); expected lines 'grid: FILE' and "
            f"'map: FILE'"
        ) from None
    if not isinstance(spec, dict) or "grid" not in spec or "map" not in spec:
        raise ReaderDataError(
            f"{p}: a plate-set file needs 'grid: FILE' (or a list of files) and 'map: FILE'"
        )
    grids = spec["grid"] if isinstance(spec["grid"], list) else [spec["grid"]]
    files = [(p.parent / str(g)) for g in grids] + [p.parent / str(spec["map"])]
    for f in files:
        if not f.is_file():
            raise ReaderDataError(
                f"{p}: no such file {f} (paths are taken from the plate-set file's folder)"
            )
    return files[:-1], files[-1]


def _decimal_mark(grids: list[pd.DataFrame], map_info: ReadInfo) -> str | None:
    """The decimal mark of a plate set: the one the grid export(s) used ("mixed" when two grids
    disagree or one shows both); the plate map's when no grid cell decides (e.g. integer counts)."""
    marks = {read_info(g).decimal_mark for g in grids} - {None}
    if not marks:
        return map_info.decimal_mark
    return marks.pop() if len(marks) == 1 else "mixed"


def read_plate_set(path: str | Path) -> pd.DataFrame:
    """Read grid export(s) and a plate map into the tidy plate table (see
    :data:`jakpersist.loaders.readers.PLATE`).

    ``path`` is a plate-set YAML file (``grid:`` and ``map:``) or a grid file with
    ``<stem>.map.csv`` beside it. Per plate, the blank mean is subtracted and each well divided by
    the vehicle mean of its population (see the module docstring). Vehicle wells become dose-0 rows
    of every drug of their population (or of their own drug when the map names one). ``replicate``
    numbers wells within (population, drug, dose).

    Returns population, drug, dose_nM, replicate, viability, plate, well, line, source; its notes
    (:func:`~jakpersist.loaders.tabular.read_info`) say what was done. Raises
    :class:`ReaderDataError` for a bad grid or map, a mapped well missing from the grid, a plate
    without vehicle wells for a population, or a vehicle mean at or below the blank.
    """
    p = Path(path)
    if p.suffix.lower() in (".yml", ".yaml"):
        grids, map_path = _plate_set(p)
    else:
        sibling = _sibling_map(p)
        if sibling is None:
            raise ReaderDataError(
                f"{p}: a plate grid needs its plate map: put it beside the grid as "
                f"{p.stem}.map.csv, or name both in a plate-set .yml file (see the Your data "
                f"page)"
            )
        grids, map_path = [p], sibling
    parts = [read_grid(g) for g in grids]
    grid = pd.concat(
        [g.assign(file=f.name) for g, f in zip(parts, grids, strict=False)], ignore_index=True
    )
    if len(grids) > 1:
        grid["plate"] = grid["file"] + ":" + grid["plate"]
    pmap = read_map(map_path)
    map_info = read_info(pmap)
    plates = list(dict.fromkeys(grid["plate"]))
    if pmap["plate"].isna().all():
        pmap = pd.concat([pmap.assign(plate=pl) for pl in plates], ignore_index=True)
    unknown = sorted(set(pmap["plate"]) - set(plates))
    if unknown:
        raise ReaderDataError(
            f"{map_path}: column 'plate' names plate(s) {', '.join(unknown)} that the grid "
            f"export does not have (plates found: {', '.join(plates)})"
        )
    wells = pmap.merge(grid, on=["plate", "well"], how="left", suffixes=("_map", ""))
    absent = wells[wells["signal"].isna() & wells["line"].isna()]
    if len(absent):
        r = absent.iloc[0]
        raise ReaderDataError(
            f"{map_path}, line {r['line_map']}: well {r['well']} of plate {r['plate']} is not "
            f"in the grid export"
        )
    notes = [n for g in parts for n in read_info(g).notes] + list(map_info.notes)
    kinds = (
        "plate grid(s)" if all(read_info(g).format == "grid" for g in parts) else "plate export(s)"
    )
    notes.insert(
        0,
        f"{kinds} {', '.join(g.name for g in grids)} with plate map {map_path.name}: "
        f"{len(plates)} plate(s), {len(wells)} mapped wells",
    )
    rows = []
    for plate, g in wells.groupby("plate", sort=False):
        blank = g.loc[g["role"] == "blank", "signal"].dropna()
        bg = float(blank.mean()) if len(blank) else 0.0
        notes.append(
            f"plate '{plate}': blank mean {bg:.6g} subtracted ({len(blank)} wells); each well "
            "divided by "
            f"the vehicle mean of its population on this plate"
            if len(blank)
            else f"plate '{plate}': no blank wells, no background subtracted; each well divided by "
            "the "
            f"vehicle mean of its population on this plate"
        )
        for pop, h in g[g["role"] != "blank"].groupby("population", sort=False):
            veh = h.loc[h["role"] == "vehicle", "signal"].dropna() - bg
            if not len(veh):
                raise ReaderDataError(
                    f"{map_path}: plate {plate}, population {pop!r} has no vehicle wells with "
                    f"a reading; viability is normalised to them"
                )
            if veh.mean() <= 0:
                raise ReaderDataError(
                    f"plate {plate}, population {pop!r}: the vehicle mean ({veh.mean() + bg:g})"
                    f" is not above the blank mean ({bg:g}); check the roles in the plate map"
                )
            drugs = sorted(set(h.loc[h["role"] == "treated", "drug"]))
            for _, r in h.iterrows():
                via = (r["signal"] - bg) / veh.mean()
                base = {
                    "population": pop,
                    "viability": via,
                    "plate": plate,
                    "well": r["well"],
                    "line": int(r["line"]),
                    "file": r["file"],
                }
                if r["role"] == "treated":
                    rows.append({**base, "drug": r["drug"], "dose_nM": float(r["dose_nM"])})
                else:
                    for d in [r["drug"]] if r["drug"] else drugs:
                        rows.append({**base, "drug": d, "dose_nM": 0.0})
    df = pd.DataFrame(rows)
    df = df.sort_values(["population", "drug", "dose_nM", "plate", "line", "well"], kind="stable")
    df["replicate"] = df.groupby(["population", "drug", "dose_nM"]).cumcount() + 1
    df = df[
        ["population", "drug", "dose_nM", "replicate", "viability", "plate", "well", "line", "file"]
    ]
    df = attach(
        df.reset_index(drop=True),
        ReadInfo(
            path=str(p),
            format=f"{kinds} with a plate map",
            sheet=next((read_info(g).sheet for g in parts if read_info(g).sheet), None),
            decimal_mark=_decimal_mark(parts, map_info),
            notes=tuple(notes),
            labels={"viability": "viability"},
        ),
    )
    df = skip_missing(
        df, "viability", "well", keys=["plate", "well", "population", "drug", "dose_nM"]
    )
    df["source"] = f"your data ({p.name})"
    return df


__all__ = ["PLATE_MAP", "read_grid", "read_map", "read_plate_set", "input_files", "looks_like_grid"]
