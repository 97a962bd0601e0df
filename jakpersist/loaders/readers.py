"""Loaders for the reader's own measurements (tidy CSV files) with clear errors.

Each format is a :class:`Schema`: required columns, their types and valid ranges. A malformed file raises
:class:`ReaderDataError` naming the file, the line (as a spreadsheet shows it, header = line 1), the column
and the offending value. The formats are documented in book/your-data.md.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


class ReaderDataError(ValueError):
    """A reader-supplied data file is malformed; the message says where and how."""


@dataclass(frozen=True)
class Column:
    """One required column: ``kind`` is 'text', 'number' or 'integer'; bounds are inclusive."""

    name: str
    kind: str
    help: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Schema:
    """A tidy CSV format."""

    name: str
    columns: tuple[Column, ...]
    description: str

    def markdown_table(self) -> str:
        """The format as a Markdown table (for the documentation pages)."""
        lines = ["| column | type | valid values | meaning |", "|---|---|---|---|"]
        for c in self.columns:
            if c.choices:
                valid = ", ".join(f"`{x}`" for x in c.choices)
            elif c.lo is not None or c.hi is not None:
                valid = f"{c.lo:g} to {c.hi:g}" if c.hi is not None else f">= {c.lo:g}"
            else:
                valid = "non-empty"
            lines.append(f"| `{c.name}` | {c.kind} | {valid} | {c.help} |")
        return "\n".join(lines)


PLATE = Schema(
    "plate viability",
    (
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column("drug", "text", "inhibitor name, e.g. `ruxolitinib`"),
        Column("dose_nM", "number", "drug concentration in nM; 0 = vehicle", 0.0, 1e9),
        Column("replicate", "integer", "replicate well number", 1, 1e6),
        Column("viability", "number", "viable-cell signal as a fraction of the vehicle mean (1 = untreated)",
               -1.0, 5.0),
    ),
    "One row per well: viability of naive and persistent cells over a dilution series of each drug.",
)


def read_table(path: str | Path, schema: Schema) -> pd.DataFrame:
    """Read and validate a CSV file against ``schema``; extra columns are kept unchecked."""
    p = Path(path)
    if not p.is_file():
        raise ReaderDataError(f"{p}: no such file (expected a CSV in the {schema.name} format)")
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except UnicodeDecodeError as exc:
        raise ReaderDataError(f"{p}: not a UTF-8 text file ({exc.reason}); save it as CSV (UTF-8)") from exc
    except csv.Error as exc:
        raise ReaderDataError(f"{p}: not a readable CSV file ({exc})") from exc
    if not rows:
        raise ReaderDataError(f"{p}: the file is empty; expected a header line with columns "
                              + ", ".join(c.name for c in schema.columns))
    header = [h.strip() for h in rows[0]]
    missing = [c.name for c in schema.columns if c.name not in header]
    if missing:
        raise ReaderDataError(f"{p}, line 1 (header): missing column(s) {', '.join(missing)}; "
                              f"found {', '.join(header) or 'none'}")
    body = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(cell.strip() for cell in r)]
    if not body:
        raise ReaderDataError(f"{p}: the header is there but there are no data rows")
    data: dict[str, list] = {h: [] for h in header}
    for line, r in body:
        if len(r) != len(header):
            raise ReaderDataError(f"{p}, line {line}: {len(r)} fields, but the header has {len(header)}")
        for h, cell in zip(header, r):
            data[h].append(cell.strip())
    lines = [line for line, _ in body]
    for col in schema.columns:
        data[col.name] = _convert(p, col, data[col.name], lines)
    return pd.DataFrame(data)


def _convert(p: Path, col: Column, cells: list[str], lines: list[int]) -> list:
    out: list = []
    for cell, line in zip(cells, lines):
        where = f"{p}, line {line}, column '{col.name}'"
        if cell == "":
            raise ReaderDataError(f"{where}: empty value; expected {col.kind}")
        if col.kind == "text":
            if col.choices and cell not in col.choices:
                raise ReaderDataError(f"{where}: {cell!r} is not one of {', '.join(col.choices)}")
            out.append(cell)
            continue
        try:
            v = float(cell)
        except ValueError:
            raise ReaderDataError(f"{where}: {cell!r} is not a number") from None
        if not np.isfinite(v):
            raise ReaderDataError(f"{where}: {cell!r} is not a finite number")
        if col.kind == "integer":
            if v != int(v):
                raise ReaderDataError(f"{where}: {cell!r} is not a whole number")
            v = int(v)
        if (col.lo is not None and v < col.lo) or (col.hi is not None and v > col.hi):
            raise ReaderDataError(f"{where}: {cell} is outside the valid range {col.lo:g} to {col.hi:g}")
        out.append(v)
    return out


def read_plate(path: str | Path, required_populations: tuple[str, ...] = ("naive", "persistent"),
               min_doses: int = 3) -> pd.DataFrame:
    """Read a plate-viability CSV (see :data:`PLATE`) and check that every curve can be fitted."""
    df = read_table(path, PLATE)
    _require_populations(path, df, required_populations)
    for (pop, drug), g in df.groupby(["population", "drug"]):
        n = g.loc[g["dose_nM"] > 0, "dose_nM"].nunique()
        if n < min_doses:
            raise ReaderDataError(f"{path}: population {pop!r}, drug {drug!r} has {n} distinct positive "
                                  f"doses; a curve needs at least {min_doses}")
    df["source"] = f"your data ({Path(path).name})"
    return df


BANDS = Schema(
    "blot and co-IP bands",
    (
        Column("blot", "integer", "blot number; each blot is one replicate and has one lane per population",
               1, 1e6),
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column("target", "text", "band: `JAK2`, `JAK1`, `TYK2` (co-IP with a JAK2 antibody) or `pSTAT5`, "
               "`pSTAT3`, `loading` (whole-cell lysate)"),
        Column("intensity", "number", "background-subtracted band volume (any unit, > 0)", 1e-12, 1e15),
    ),
    "One row per band. Co-IP bands and phospho-blot bands may be in one file.",
)

QPCR = Schema(
    "qPCR Ct values",
    (
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column("replicate", "integer", "biological replicate; technical replicates share its number", 1, 1e6),
        Column("gene", "text", "`JAK2` or the reference gene (exactly one other gene, e.g. `ACTB`)"),
        Column("ct", "number", "threshold cycle", 0.0, 45.0),
    ),
    "One row per qPCR well. Technical replicates are averaged within each biological replicate.",
)


def read_bands(path: str | Path, targets: tuple[str, ...]) -> pd.DataFrame:
    """Read a bands CSV (see :data:`BANDS`) and check that it has the ``targets`` this analysis needs."""
    df = read_table(path, BANDS)
    _require_populations(path, df, ("naive", "persistent"))
    missing = [t for t in targets if t not in set(df["target"])]
    if missing:
        raise ReaderDataError(f"{path}: column 'target' has no bands for {', '.join(missing)} "
                              f"(found: {', '.join(sorted(set(df['target'])))})")
    df["source"] = f"your data ({Path(path).name})"
    return df


def read_qpcr(path: str | Path, target: str = "JAK2") -> pd.DataFrame:
    """Read a qPCR CSV (see :data:`QPCR`): the target gene and exactly one reference gene."""
    df = read_table(path, QPCR)
    _require_populations(path, df, ("naive", "persistent"))
    genes = sorted(set(df["gene"]))
    if target not in genes or len(genes) != 2:
        raise ReaderDataError(f"{path}: column 'gene' must hold {target} and exactly one reference gene "
                              f"(found: {', '.join(genes)})")
    df["source"] = f"your data ({Path(path).name})"
    return df


def _require_populations(path: str | Path, df: pd.DataFrame, required: tuple[str, ...]) -> None:
    pops = set(df["population"])
    absent = [x for x in required if x not in pops]
    if absent:
        raise ReaderDataError(f"{path}: column 'population' has no rows for {', '.join(absent)} "
                              f"(found: {', '.join(sorted(pops))})")


#: Every reader-data format, by the name used in the documentation.
FORMATS: dict[str, Schema] = {"plate": PLATE, "bands": BANDS, "qpcr": QPCR}
