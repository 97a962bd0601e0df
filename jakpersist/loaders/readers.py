"""Loaders for the reader's own measurements (tidy CSV files) with clear errors.

Each format is a :class:`Schema`: required columns, their types and valid ranges. A malformed file
raises :class:`ReaderDataError` naming the file, the line (as a spreadsheet shows it, header = line
1), the column and the offending value. The formats are documented in book/your-data.md.

Files are read through :mod:`jakpersist.loaders.tabular`, the one tabular reader under every format:
CSV, `;`- or tab-separated text in UTF-8 or UTF-16, or a workbook (.xlsx, .xls, .ods); numbers as
people write them (decimal commas, thousands separators; a value that reads two ways in its file is
refused with both readings); header names in any case, title lines above the header skipped, and
empty or duplicate extra columns ignored. A missing response (`NA` or an empty cell) is a missing
well: skipped and listed in the table's notes. A spreadsheet error value (`#DIV/0!`, `#VALUE!`,
`#N/A`, ...) stops the read with its line and column.

Whatever a reader converts (percent to fraction, uM to nM, inhibition to viability, decimal commas)
is stated in the table's notes (:func:`jakpersist.loaders.tabular.read_info`), a list of sentences
that the chapters show above their results (:func:`jakpersist.book.chapter.reader_notes`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .tabular import (
    Column,
    ReadInfo,
    ReaderDataError,
    Schema,
    attach,
    check_ranges,
    read_info,
    read_table,
    skip_missing,
)
from .tabular import note as _note

_PERCENT = re.compile(r"%|pct|percent", re.IGNORECASE)


PLATE = Schema(
    "plate viability",
    (
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column("drug", "text", "inhibitor name, e.g. `ruxolitinib`"),
        Column(
            "dose_nM",
            "number",
            "drug concentration in nM; 0 = vehicle. `dose_uM`, `dose_M` (and `pM`, "
            "`mM`) are accepted and converted to nM",
            0.0,
            1e9,
            unit="nM",
        ),
        Column("replicate", "integer", "replicate well number", 1, 1e6),
        Column(
            "viability",
            "number",
            "viable-cell signal as a fraction of the vehicle mean (1 = untreated); "
            "percent (100 = untreated, with or without a `%` sign) is detected and divided by 100; "
            "a column `inhibition` (or "
            "`inhibition_pct`) is converted to 1 - inhibition; `NA` or empty = a missing well",
            -1.0,
            5.0,
            missing_ok=True,
            percent_ok=True,
            aliases=(
                r"viability\s*[_ ]?\s*(\(%\)|%|pct|percent)",
                r"inhibition(\s*[_ ]?\s*(\(%\)|%|pct|percent))?",
            ),
        ),
    ),
    "One row per well: viability of naive and persistent cells over a dilution series of each "
    "drug.",
)


def _plausible_doses(df: pd.DataFrame) -> None:
    """Refuse doses that look like log10 concentrations (negative, or evenly spaced small
    numbers)."""
    info = read_info(df)
    p, label = info.path, info.labels.get("dose_nM", "dose_nM")
    d = np.sort(df["dose_nM"].unique())
    pos = d[d > 0]
    if (d < 0).sum() >= max(
        2, d.size / 2
    ):  # one negative dose is a typo: the range check names its line
        raise ReaderDataError(
            f"{p}, column '{label}': negative doses ({d.min():g} to {d.max():g}) look like log10 "
            "concentrations; give concentrations instead (for log10 molar x: dose_nM = 10**(x + "
            "9); "
            f"vehicle = 0)"
        )
    if len(pos) >= 5 and pos.max() <= 12:
        steps, ratios = np.diff(pos), pos[1:] / pos[:-1]
        if steps.std() < 0.02 * steps.mean() and ratios.std() > 0.05 * ratios.mean():
            raise ReaderDataError(
                f"{p}, column '{label}': the doses ({', '.join(f'{x:g}' for x in pos[:5])}, ...) "
                "are evenly "
                "spaced on a linear scale, as log10 doses are (a dilution series is evenly spaced "
                "on a log "
                "scale); give concentrations instead (for log10 nM x: dose_nM = 10**x; vehicle = "
                "0)"
            )


def plausible_viability(df: pd.DataFrame) -> pd.DataFrame:
    """Percent -> fraction and inhibition -> viability, each stated in the notes.

    Percent is taken from the column name (`%`, `pct`, `percent`) or from the values: a maximum
    above 5 (impossible as a fraction of vehicle) with vehicle wells near 100 (median 20-500) or,
    without vehicle wells, a maximum up to 1,000. An `inhibition` column becomes viability = 1 -
    inhibition.
    """
    info = read_info(df)
    label = info.labels.get("viability", "viability")
    inhibition = label.lower().startswith("inhibition")
    v = df["viability"].dropna()
    vehicle = df.loc[(df["dose_nM"] == 0) & df["viability"].notna(), "viability"]
    centre = float(vehicle.median()) if len(vehicle) else float("nan")
    looks = (
        v.max() > 5
        and v.max() <= 1000
        and (not len(vehicle) or 20 <= abs(centre) <= 500 or inhibition)
    )
    marked = bool(_PERCENT.search(label)) or "viability" in info.percent_sign
    if (
        marked
        and not looks
        and len(v)
        and (centre < 20 if len(vehicle) and not inhibition else v.max() <= 5)
    ):
        # marked as percent, but untreated wells (or, without them, all wells) read like fractions:
        # dividing by 100 would make untreated cells 1% of vehicle
        how = "the header says percent" if _PERCENT.search(label) else "the values carry % signs"
        level = (
            f"the vehicle wells' median is {centre:g}"
            if len(vehicle) and not inhibition
            else f"the largest value is {v.max():g}"
        )
        raise ReaderDataError(
            f"{info.path}, column '{label}': {how}, but {level}, which looks like a fraction of "
            "vehicle, not percent. Give percent (100 = untreated) or fractions (1 = untreated) "
            "without a % sign "
            f"and with a plain `viability` header"
        )
    if marked or looks:
        df["viability"] = df["viability"] / 100.0
        df = _note(
            df,
            f"column '{label}' holds percent (maximum {v.max():g}"
            + (f", vehicle median {centre:g}" if len(vehicle) else "")
            + "): divided by 100",
        )
    if inhibition:
        df["viability"] = 1.0 - df["viability"]
        df = _note(df, f"column '{label}' is inhibition: viability = 1 - inhibition")
    return df


def _rising_curves(df: pd.DataFrame) -> None:
    """Refuse a file where every curve rises with dose (inhibition typed as viability)."""
    info = read_info(df)
    p, label = info.path, info.labels.get("viability", "viability")
    rises = []
    for _, g in df.groupby(["population", "drug"]):
        doses = np.sort(g["dose_nM"].unique())
        if len(doses) < 3:
            return
        lo = g.loc[g["dose_nM"] == doses[0], "viability"].mean()
        hi = g.loc[g["dose_nM"] == doses[-1], "viability"].mean()
        rises.append((hi - lo, lo, hi))
    if rises and all(r[0] > 0.3 for r in rises):
        lo, hi = np.mean([r[1] for r in rises]), np.mean([r[2] for r in rises])
        raise ReaderDataError(
            f"{p}, column '{label}': the response rises with dose in every curve (mean {lo:.2f} at "
            "the lowest "
            f"dose, {hi:.2f} at the highest): this looks like inhibition, not viability. Give "
            "viability as a "
            "fraction of vehicle, or name the column 'inhibition' (or 'inhibition_pct') to have "
            "it converted "
            f"(viability = 1 - inhibition)"
        )


#: Drug names that mark vehicle / control wells (case ignored): at dose 0 they serve every drug of
#: their population.
VEHICLE_NAMES = (
    "vehicle",
    "dmso",
    "control",
    "untreated",
    "no drug",
    "none",
    "ctrl",
    "mock",
    "medium",
)


def share_vehicle_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose drug is a vehicle name (:data:`VEHICLE_NAMES`, any case) become dose-0 rows of
    every drug of their population, with a note; a vehicle name at a dose above 0 is refused (a
    vehicle has no dose).

    Raises :class:`ReaderDataError` naming the line of a vehicle row with a dose, or a population
    whose only drug is a vehicle name."""
    p = read_info(df).path
    is_vehicle = df["drug"].astype(str).str.strip().str.lower().isin(VEHICLE_NAMES)
    if not is_vehicle.any():
        return df
    dosed = df[is_vehicle & (df["dose_nM"] != 0)]
    if len(dosed):
        r = dosed.iloc[0]
        raise ReaderDataError(
            f"{p}, line {r['line']}: drug {r['drug']!r} (a vehicle / control) at dose "
            f"{r['dose_nM']:g}; vehicle wells have dose 0 (a solvent concentration is not a dose)"
        )
    info = read_info(df)
    parts, shared = [df[~is_vehicle]], []
    for pop, veh in df[is_vehicle].groupby("population", sort=False):
        drugs = sorted(set(df.loc[~is_vehicle & (df["population"] == pop), "drug"]))
        if not drugs:
            raise ReaderDataError(
                f"{p}: population {pop!r} has only vehicle / control rows "
                f"({', '.join(sorted(set(veh['drug'])))}); add its drugs' rows"
            )
        for d in drugs:
            parts.append(veh.assign(drug=d))
        shared.append(
            f"{pop}: {len(veh)} well(s) named "
            f"{', '.join(repr(x) for x in sorted(set(veh['drug'])))}"
        )
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["population", "drug", "dose_nM", "line"], kind="stable").reset_index(
        drop=True
    )
    return attach(
        out,
        info.with_note(
            "vehicle / control rows at dose 0 serve every drug of their population ("
            + "; ".join(shared)
            + ")"
        ),
    )


def read_plate(
    path: str | Path,
    *,
    required_populations: tuple[str, ...] = ("naive", "persistent"),
    min_doses: int = 3,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read a plate-viability file (see :data:`PLATE`) and check that every curve can be fitted.

    ``path`` is a tidy file (one row per well) or a plate set (``.yml``: a plate-reader grid export
    plus a plate map, see :func:`jakpersist.loaders.platemap.read_plate_set`). Converted, each with
    a sentence in the table's notes (:func:`~jakpersist.loaders.tabular.read_info`): viability in
    percent (see :func:`plausible_viability`); a column `inhibition` / `inhibition_pct` instead of
    `viability`; doses in another unit named by the column (`dose_uM`, `dose_M`, ...); decimal
    commas and thousands separators; vehicle / control rows (:data:`VEHICLE_NAMES` at dose 0) shared
    by every drug of their population (:func:`share_vehicle_rows`). Wells with a missing viability
    are skipped and listed in the notes. ``path`` may be a workbook (.xlsx, .xls, .ods), and a
    plate-reader export (grid or well list, text or workbook) with its plate map beside it.
    ``sheet`` names the workbook sheet of a tidy table (default: the first sheet that holds one; the
    others are listed).

    Parameters
    ----------
    path : str or Path
        The file: tidy text or workbook, a plate-reader export with its ``.map.csv``, or a plate set
        (``.yml``).
    required_populations : tuple of str
        Populations that must be present (default naive and persistent).
    min_doses : int
        Fewest distinct positive doses a curve may have (default 3).
    sheet : str, optional
        The workbook sheet of a tidy table.

    Returns
    -------
    ReadTable
        A :class:`pandas.DataFrame` (:class:`~jakpersist.loaders.tabular.ReadTable`), one row per
        well: population, drug, dose_nM (nM), replicate, viability (fraction of vehicle), line, any
        extra columns, and ``source``; its ``read_info``
        (:class:`~jakpersist.loaders.tabular.ReadInfo`) says how the file was read.

    Raises
    ------
    ReaderDataError
        File, line and column of a malformed value; spreadsheet error values; doses that look like
        log10 doses; a response that rises with dose in every curve (inhibition typed as viability);
        a curve with fewer than ``min_doses`` distinct positive doses; a missing required
        population.

    Examples
    --------
    >>> import jakpersist as jp
    >>> plate = jp.read_plate(jp.example_path("plate_example.csv"))
    >>> plate.shape, sorted(plate["population"].unique())
    ((108, 7), ['naive', 'persistent'])
    """
    from .platemap import looks_like_grid, read_plate_set

    p = Path(path)
    if p.suffix.lower() in (".yml", ".yaml") or (p.is_file() and looks_like_grid(p)):
        df = read_plate_set(p)
    else:
        df = read_table(p, PLATE, sheet=sheet)
        _plausible_doses(df)
        df = plausible_viability(df)
        check_ranges(
            df,
            PLATE,
            {"viability": "; give viability as a fraction of the vehicle mean (1 = untreated)"},
        )
        df = skip_missing(
            df, "viability", "well", keys=["population", "drug", "dose_nM", "replicate"]
        )
        if df.empty:
            raise ReaderDataError(f"{p}: every well's viability is missing (NA or empty)")
        df = share_vehicle_rows(df)
        df["source"] = f"your data ({p.name})"
    if not read_info(df).labels.get("viability", "viability").lower().startswith("inhibition"):
        _rising_curves(df)
    _require_populations(path, df, required_populations)
    for (pop, drug), g in df.groupby(["population", "drug"]):
        n = g.loc[g["dose_nM"] > 0, "dose_nM"].nunique()
        if n < min_doses:
            raise ReaderDataError(
                f"{path}: population {pop!r}, drug {drug!r} has {n} distinct positive "
                f"doses; a curve needs at least {min_doses}"
            )
    return df


BANDS = Schema(
    "blot and co-IP bands",
    (
        Column(
            "blot",
            "integer",
            "blot number; each blot is one replicate and has one lane per population",
            1,
            1e6,
        ),
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column(
            "target",
            "text",
            "band: `JAK2`, `JAK1`, `TYK2` (co-IP with a JAK2 antibody) or `pSTAT5`, "
            "`pSTAT3`, `loading` (whole-cell lysate)",
        ),
        Column(
            "intensity",
            "number",
            "background-subtracted band volume (any unit, > 0); `NA` or empty = a missing band",
            1e-12,
            1e15,
            missing_ok=True,
        ),
    ),
    "One row per band. Co-IP bands and phospho-blot bands may be in one file.",
)

_GENE_ALIASES = (r"target(\s*name)?", r"detector(\s*name)?", r"gene\s*name")
_CT_ALIASES = (r"cq", r"c[_ ]?t", r"crt")
_NO_CT = ("undetermined", "no ct", "no cq")

QPCR = Schema(
    "qPCR Ct values",
    (
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column(
            "replicate",
            "integer",
            "biological replicate; technical replicates share its number",
            1,
            1e6,
        ),
        Column(
            "gene",
            "text",
            "`JAK2` or the reference gene (exactly one other gene, e.g. `ACTB`)",
            aliases=_GENE_ALIASES,
        ),
        Column(
            "ct",
            "number",
            "threshold cycle; `NA`, `Undetermined` or empty = a missing reaction",
            0.0,
            45.0,
            missing_ok=True,
            aliases=_CT_ALIASES,
            missing_words=_NO_CT,
        ),
    ),
    "One row per qPCR well. Technical replicates are averaged within each biological replicate.",
)

#: A qPCR machine's results export: Bio-Rad CFX "Quantification Cq Results" (`Sample`, `Target`,
#: `Cq`), Thermo QuantStudio / 7500 results (`Sample Name`, `Target Name`, `CT` or `Cq`, `*` header
#: lines,
#: `Undetermined`).
QPCR_EXPORT = Schema(
    "qPCR machine export",
    (
        Column(
            "sample",
            "text",
            "sample name, as in the sample sheet",
            aliases=(r"sample\s*name",),
            missing_ok=True,
        ),
        Column("gene", "text", "target gene", aliases=_GENE_ALIASES),
        Column(
            "ct",
            "number",
            "threshold cycle (Cq); `Undetermined` or empty = no amplification",
            0.0,
            45.0,
            missing_ok=True,
            aliases=_CT_ALIASES,
            missing_words=_NO_CT,
        ),
    ),
    "One row per well, as the instrument exports it; read with a sample sheet.",
)

#: The sample sheet that goes with a qPCR export (``<stem>.samples.csv`` beside it).
SAMPLE_SHEET = Schema(
    "qPCR sample sheet",
    (
        Column(
            "sample", "text", "sample name exactly as in the export", aliases=(r"sample\s*name",)
        ),
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column("replicate", "integer", "biological replicate", 1, 1e6),
    ),
    "One row per sample of the export.",
)


#: An ImageJ / Fiji "Results" table of measured bands (Analyze > Measure): a row number, ``Label``,
#: ``Area``, ``Mean``, ``IntDen`` (``RawIntDen`` accepted), read with a lane map.
IMAGEJ_RESULTS = Schema(
    "ImageJ Results table",
    (
        Column(
            "intden",
            "number",
            "integrated density of the band's selection (background-subtracted in ImageJ)",
            1e-12,
            1e15,
            missing_ok=True,
            aliases=(r"raw\s*int\s*den", r"integrated\s*density"),
        ),
    ),
    "One row per measured band, as ImageJ / Fiji writes its Results window; read with a lane map.",
)

#: The lane map that goes with an ImageJ Results table (``<stem>.lanes.csv`` beside it).
LANE_MAP = Schema(
    "lane map",
    (
        Column(
            "band",
            "text",
            "the Results row number (1, 2, ...) or its `Label`",
            aliases=(r"row", r"label"),
        ),
        Column("blot", "integer", "blot number (one replicate)", 1, 1e6),
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column("target", "text", "band target, as in the bands format"),
    ),
    "One row per measured band of the Results table.",
)


def read_bands(
    path: str | Path, targets: tuple[str, ...], *, lanes: str | Path | None = None
) -> pd.DataFrame:
    """Read a bands file (see :data:`BANDS`), or an ImageJ / Fiji Results table
    (:data:`IMAGEJ_RESULTS`) with its lane map (:data:`LANE_MAP`; named by ``lanes`` or beside the
    table as ``<stem>.lanes.csv``), and check that it has the ``targets`` this analysis needs.

    Missing intensities (`NA`, empty) are skipped and listed in the table's notes.

    Parameters
    ----------
    path : str or Path
        A bands file (text or workbook) or an ImageJ / Fiji Results table.
    targets : tuple of str
        Band targets the analysis needs (e.g. JAK2, JAK1, TYK2, pSTAT5, loading).
    lanes : str or Path, optional
        The lane map of a Results table (default: ``<stem>.lanes.csv`` beside it).

    Returns
    -------
    ReadTable
        A :class:`pandas.DataFrame` (:class:`~jakpersist.loaders.tabular.ReadTable`), one row per
        band: blot, population, target, intensity (densitometry units), line and ``source``; its
        ``read_info`` says how the file was read.

    Raises
    ------
    ReaderDataError
        As :func:`read_table` does; for a Results table without its lane map (naming the columns
        found and the file to add) or with bands the map does not name; or when a population or
        target is absent.

    Examples
    --------
    >>> import jakpersist as jp
    >>> targets = ("JAK2", "JAK1", "pSTAT5", "loading")
    >>> bands = jp.read_bands(jp.example_path("bands_example.csv"), targets)
    >>> sorted(bands["target"].unique())
    ['JAK1', 'JAK2', 'TYK2', 'loading', 'pSTAT3', 'pSTAT5']
    """
    try:
        df = read_table(path, BANDS)
    except ReaderDataError as exc:
        if "missing column" not in str(exc):
            raise
        try:
            df = _read_imagej(Path(path), lanes)
        except _NotAnExport:
            raise exc from None
    check_ranges(df, BANDS)
    df = skip_missing(df, "intensity", "band", keys=["blot", "population", "target"])
    _require_populations(path, df, ("naive", "persistent"))
    missing = [t for t in targets if t not in set(df["target"])]
    if missing:
        raise ReaderDataError(
            f"{path}: column 'target' has no bands for {', '.join(missing)} "
            f"(found: {', '.join(sorted(set(df['target'])))})"
        )
    df["source"] = f"your data ({Path(path).name})"
    return df


def _companion(p: Path, given: str | Path | None, suffix: str) -> Path | None:
    if given is not None:
        return Path(given)
    return next(
        (
            p.with_name(p.stem + suffix + ext)
            for ext in (".csv", ".tsv", ".xlsx", ".ods")
            if p.with_name(p.stem + suffix + ext).is_file()
        ),
        None,
    )


def _read_imagej(p: Path, lanes: str | Path | None) -> pd.DataFrame:
    try:
        res = read_table(p, IMAGEJ_RESULTS)
    except ReaderDataError as exc:
        if "missing column" in str(exc):
            raise _NotAnExport() from None
        raise
    label = next((c for c in res.columns if c.lower() == "label"), None)
    number = next((c for c in res.columns if c.strip() in ("", " ") or c.strip() == "#"), None)
    found = ", ".join(
        f"'{c}'" for c in [*(x for x in (label,) if x), read_info(res).labels["intden"]]
    )
    sheet = _companion(p, lanes, ".lanes")
    if sheet is None or not sheet.is_file():
        raise ReaderDataError(
            f"{p}: an ImageJ Results table (columns {found} found; no blot, population or target "
            "column). Add a "
            f"lane map beside it as {p.stem}.lanes.csv with columns band (the Results row number "
            "or Label), blot, "
            f"population, target, or give the bands format (blot, population, target, intensity)"
        )
    lm = read_table(sheet, LANE_MAP)
    res = res.reset_index(drop=True)
    keys = {"row": [str(i + 1) for i in range(len(res))]}
    if number is not None:
        keys["row"] = [str(x).strip() or str(i + 1) for i, x in enumerate(res[number])]
    if label is not None:
        keys["label"] = [str(x).strip() for x in res[label]]
    wanted = [str(x).strip() for x in lm["band"]]
    by = next((k for k in ("label", "row") if k in keys and set(wanted) <= set(keys[k])), None)
    if by is None:
        unknown = sorted(set(wanted) - set(keys.get("label", [])) - set(keys["row"]))
        r = lm[lm["band"].astype(str).str.strip() == unknown[0]].iloc[0]
        raise ReaderDataError(
            f"{sheet}, line {r['line']}: band {unknown[0]!r} is neither a row number nor a Label "
            f"of the Results table {p.name}"
        )
    index = {k: i for i, k in enumerate(keys[by])}
    rows = [index[w] for w in wanted]
    unused = sorted(set(range(len(res))) - set(rows))
    df = pd.DataFrame(
        {
            "blot": lm["blot"].to_numpy(),
            "population": lm["population"].to_numpy(),
            "target": lm["target"].to_numpy(),
            "intensity": res["intden"].to_numpy()[rows],
            "line": res["line"].to_numpy()[rows],
        }
    )
    notes = list(read_info(res).notes)
    notes.append(
        f"ImageJ Results table {p.name} read with the lane map {sheet.name} (matched by "
        f"{'Label' if by == 'label' else 'row number'}): {len(df)} bands; intensity = "
        f"{read_info(res).labels['intden']}"
    )
    if unused:
        notes.append(
            f"{len(unused)} Results row(s) not in the lane map ignored: "
            + ", ".join(keys[by][i] for i in unused[:10])
        )
    return attach(
        df,
        ReadInfo(
            path=str(p),
            format="ImageJ Results with a lane map",
            decimal_mark=read_info(res).decimal_mark,
            notes=tuple(notes),
            labels={"intensity": read_info(res).labels["intden"]},
        ),
    )


def read_qpcr(
    path: str | Path, target: str = "JAK2", *, samples: str | Path | None = None
) -> pd.DataFrame:
    """Read a qPCR file: the tidy format (:data:`QPCR`) or a machine export (:data:`QPCR_EXPORT`:
    Bio-Rad CFX, Thermo QuantStudio / 7500) with its sample sheet (:data:`SAMPLE_SHEET`), which
    ``samples`` names or which sits beside the export as ``<stem>.samples.csv``. The file must hold
    the target gene and exactly one reference gene.

    Missing Ct values (`NA`, `Undetermined`, empty) are skipped and listed in the table's notes; in
    an export, wells without a sample name or marked NTC / standard are skipped and listed.

    Parameters
    ----------
    path : str or Path
        A tidy qPCR file (text or workbook) or a machine export.
    target : str
        The target gene (default JAK2); the file's other gene is the reference.
    samples : str or Path, optional
        The sample sheet of an export (default: ``<stem>.samples.csv`` beside it).

    Returns
    -------
    ReadTable
        A :class:`pandas.DataFrame` (:class:`~jakpersist.loaders.tabular.ReadTable`), one row per
        reaction: population, replicate, gene, ct (cycles), line and ``source``; its ``read_info``
        says how the file was read.

    Raises
    ------
    ReaderDataError
        As :func:`read_table` does; for an export without its sample sheet (naming the columns found
        and the file to add); for an export sample missing from the sheet; or when a population or
        gene is absent.

    Examples
    --------
    >>> import jakpersist as jp
    >>> ct = jp.read_qpcr(jp.example_path("qpcr_example.csv"))
    >>> sorted(ct["gene"].unique()), sorted(ct["population"].unique())
    (['ACTB', 'JAK2'], ['naive', 'persistent', 'withdrawn'])
    """
    try:
        df = read_table(path, QPCR)
    except ReaderDataError as exc:
        if "missing column" not in str(exc):
            raise
        try:
            df = _read_qpcr_export(Path(path), samples)
        except _NotAnExport:
            raise exc from None
    check_ranges(df, QPCR, {"ct": "; give Ct values (cycles), not relative quantities"})
    df = skip_missing(df, "ct", "reaction", keys=["population", "replicate", "gene"])
    _require_populations(path, df, ("naive", "persistent"))
    genes = sorted(set(df["gene"]))
    if target not in genes or len(genes) != 2:
        raise ReaderDataError(
            f"{path}: column 'gene' must hold {target} and exactly one reference gene "
            f"(found: {', '.join(genes)})"
        )
    df["source"] = f"your data ({Path(path).name})"
    return df


class _NotAnExport(Exception):
    pass


#: Well contents / tasks that are not samples (no-template controls, standards), case ignored.
_NOT_SAMPLES = ("ntc", "neg ctrl", "negative control", "std", "standard", "pos ctrl", "nac", "nrt")


def _read_qpcr_export(p: Path, samples: str | Path | None) -> pd.DataFrame:
    try:
        ex = read_table(p, QPCR_EXPORT)
    except ReaderDataError as exc:
        if "missing column" in str(exc):
            raise _NotAnExport() from None
        raise
    sheet = _companion(p, samples, ".samples")
    labels = read_info(ex).labels
    found = ", ".join(f"'{labels[c]}'" for c in ("sample", "gene", "ct"))
    if sheet is None or not sheet.is_file():
        raise ReaderDataError(
            f"{p}: a qPCR machine export (columns {found} found; no population or replicate "
            "column). Add a sample "
            f"sheet beside it as {p.stem}.samples.csv with columns sample, population, replicate "
            "(one row per "
            f"sample name of the export), or give the tidy format (population, replicate, gene, ct)"
        )
    sh = read_table(sheet, SAMPLE_SHEET)
    twice = sh[sh.duplicated("sample", keep=False)]
    if len(twice):
        raise ReaderDataError(
            f"{sheet}, line {twice['line'].iloc[1]}: sample {twice['sample'].iloc[0]!r} is "
            f"listed twice"
        )
    kind = next((c for c in ex.columns if c.lower() in ("content", "task")), None)
    name = ex["sample"].where(ex["sample"].notna(), "").astype(str).str.strip()
    control = name.eq("") | (
        ex[kind].astype(str).str.strip().str.lower().str.startswith(_NOT_SAMPLES) if kind else False
    )
    notes = list(read_info(ex).notes)
    if control.any():
        lines = ", ".join(str(x) for x in ex.loc[control, "line"].head(10))
        notes.append(
            f"{int(control.sum())} well(s) without a sample name or marked as controls / standards "
            f"skipped (line(s) {lines}{', ...' if control.sum() > 10 else ''})"
        )
    ex = ex[~control].assign(sample=name[~control])
    unknown = sorted(set(ex["sample"]) - set(sh["sample"]))
    if unknown:
        r = ex[ex["sample"] == unknown[0]].iloc[0]
        raise ReaderDataError(
            f"{p}, line {r['line']}: sample {unknown[0]!r} is not in the sample sheet {sheet} "
            f"({len(unknown)} sample name(s) missing: {', '.join(unknown[:5])}); add a row for it"
        )
    df = ex.merge(sh[["sample", "population", "replicate"]], on="sample", how="left")
    df = df[["population", "replicate", "gene", "ct", "line", "sample"]].reset_index(drop=True)
    notes.append(
        f"qPCR export {p.name} ({found}) read with the sample sheet {sheet.name}: "
        f"{df['sample'].nunique()} samples, {len(df)} wells"
    )
    return attach(
        df,
        ReadInfo(
            path=str(p),
            format=f"qPCR export ({found}) with a sample sheet",
            sheet=read_info(ex).sheet,
            decimal_mark=read_info(ex).decimal_mark,
            notes=tuple(notes),
            labels={
                "population": "population",
                "replicate": "replicate",
                "gene": labels["gene"],
                "ct": labels["ct"],
            },
        ),
    )


def _require_populations(path: str | Path, df: pd.DataFrame, required: tuple[str, ...]) -> None:
    pops = set(df["population"])
    absent = [x for x in required if x not in pops]
    if absent:
        raise ReaderDataError(
            f"{path}: column 'population' has no rows for {', '.join(absent)} "
            f"(found: {', '.join(sorted(pops))})"
        )


#: Every reader-data format, by the name used in the documentation.
FORMATS: dict[str, Schema] = {"plate": PLATE, "bands": BANDS, "qpcr": QPCR}

#: Formats read beside a main file (documented on the Your data page).
COMPANION_FORMATS: dict[str, Schema] = {
    "qpcr_export": QPCR_EXPORT,
    "sample_sheet": SAMPLE_SHEET,
    "imagej_results": IMAGEJ_RESULTS,
    "lane_map": LANE_MAP,
}
