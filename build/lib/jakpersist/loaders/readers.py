"""Loaders for the reader's own measurements (tidy CSV files) with clear errors.

Each format is a :class:`Schema`: required columns, their types and valid ranges. A malformed file raises
:class:`ReaderDataError` naming the file, the line (as a spreadsheet shows it, header = line 1), the column
and the offending value. The formats are documented in book/your-data.md.

Spreadsheet exports are read as they come (see :func:`read_rows`): UTF-8 with or without a byte-order mark,
UTF-16 with a byte-order mark (Excel's "Unicode text"), CRLF or LF line ends, `,` `;` or tab as the
delimiter (detected with :class:`csv.Sniffer`), decimal commas (`1,5`) in `;`- or tab-separated files and
in quoted fields, header names in any case, and empty or duplicate extra columns (ignored). A missing
response (`NA` or an empty cell) is a missing well: skipped and listed in the table's notes. A spreadsheet
error value (`#DIV/0!`, `#VALUE!`, `#N/A`, ...) stops the read with its line and column.

Whatever a reader converts (percent to fraction, uM to nM, inhibition to viability, decimal commas) is
stated in ``df.attrs["notes"]``, a list of sentences that the chapters show above their results
(:func:`jakpersist.book.chapter.reader_notes`).
"""
from __future__ import annotations

import csv
import re
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
    #: a missing value (`NA`, empty) marks a missing well/band/reaction: the row is skipped and listed
    missing_ok: bool = False
    #: the name's unit suffix (``dose_nM`` -> ``"nM"``); a header with another concentration unit
    #: (``dose_uM``, ``dose_M``, ...) is accepted and converted to this one, with a note
    unit: str | None = None
    #: other accepted header names (regular expressions, matched whole, case ignored)
    aliases: tuple[str, ...] = ()
    #: values may be written with a percent sign (``85%``): read as percent, noted, converted by the caller
    percent_ok: bool = False

    @property
    def stem(self) -> str:
        """The name without its unit suffix (``dose_nM`` -> ``dose``)."""
        return self.name[: -len(self.unit) - 1] if self.unit else self.name


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
            if c.missing_ok:
                valid = "may be empty" if c.kind == "text" else f"{valid}, or `NA` / empty"
            lines.append(f"| `{c.name}` | {c.kind} | {valid} | {c.help} |")
        return "\n".join(lines)


PLATE = Schema(
    "plate viability",
    (
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column("drug", "text", "inhibitor name, e.g. `ruxolitinib`"),
        Column("dose_nM", "number", "drug concentration in nM; 0 = vehicle. `dose_uM`, `dose_M` (and `pM`, "
               "`mM`) are accepted and converted to nM", 0.0, 1e9, unit="nM"),
        Column("replicate", "integer", "replicate well number", 1, 1e6),
        Column("viability", "number", "viable-cell signal as a fraction of the vehicle mean (1 = untreated); "
               "percent (100 = untreated, with or without a `%` sign) is detected and divided by 100; a column `inhibition` (or "
               "`inhibition_pct`) is converted to 1 - inhibition; `NA` or empty = a missing well", -1.0, 5.0,
               missing_ok=True, percent_ok=True, aliases=(r"viability\s*[_ ]?\s*(\(%\)|%|pct|percent)",
                                         r"inhibition(\s*[_ ]?\s*(\(%\)|%|pct|percent))?")),
    ),
    "One row per well: viability of naive and persistent cells over a dilution series of each drug.",
)


#: Concentration units accepted in a column name (``dose_uM``), as multiples of one nM. Case is ignored
#: in headers, so ``M`` (molar) and ``mM`` are told apart by their letters, not their case.
CONCENTRATION_UNITS: dict[str, float] = {"pm": 1e-3, "nm": 1.0, "um": 1e3, "µm": 1e3, "μm": 1e3,
                                         "mm": 1e6, "m": 1e9}
_UNIT_LABEL = {"pm": "pM", "nm": "nM", "um": "µM", "µm": "µM", "μm": "µM", "mm": "mM", "m": "M"}

#: Cells read as a missing value (case ignored) in a column that allows it.
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})

#: A spreadsheet error value (Excel, LibreOffice, Google Sheets), e.g. ``#DIV/0!``, ``#VALUE!``, ``#N/A``.
SPREADSHEET_ERROR = re.compile(r"^#(?:N/A|DIV/0!|[A-Z][A-Z0-9_]*[!?]?)$", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")
_PERCENT = re.compile(r"%|pct|percent", re.IGNORECASE)


def read_rows(path: str | Path) -> tuple[list[list[str]], list[str]]:
    """Read a delimited text file as rows of cells, detecting encoding and delimiter.

    Returns ``(rows, notes)``: ``rows[0]`` is the header line; ``notes`` says what was detected when it is not
    the plain default (UTF-8, comma). Encoding: UTF-8 (a byte-order mark is dropped) or UTF-16 with a
    byte-order mark. Delimiter: ``,``, ``;`` or tab, chosen by :class:`csv.Sniffer` (Python standard library)
    on the first 64 kB among those that occur in the header line.

    Raises :class:`ReaderDataError` for a missing, binary or unparseable file.
    """
    p = Path(path)
    if not p.is_file():
        raise ReaderDataError(f"{p}: no such file")
    raw = p.read_bytes()
    notes: list[str] = []
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16")
            notes.append("read as UTF-16 text")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReaderDataError(f"{p}: not a UTF-8 text file ({exc.reason}); save it as CSV (UTF-8)") from exc
    if "\x00" in text:
        raise ReaderDataError(f"{p}: not a UTF-8 text file (it contains NUL bytes); save it as CSV (UTF-8)")
    if not text.strip():
        return [], notes
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = _sniff_delimiter(text[:65536], first)
    if delimiter != ",":
        notes.append(f"delimiter {'tab' if delimiter == chr(9) else repr(delimiter)} detected")
    try:
        rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    except csv.Error as exc:
        raise ReaderDataError(f"{p}: not a readable CSV file ({exc})") from exc
    return rows, notes


def _sniff_delimiter(sample: str, header: str) -> str:
    """``,``, ``;`` or tab: the candidate that splits the most lines of the sample into the same number of
    fields (the consistency criterion of :class:`csv.Sniffer`, counted over whole lines so that a free-text
    title line of a plate-reader export does not decide); ties go to :class:`csv.Sniffer`, then to the
    header line."""
    from collections import Counter

    lines = [ln for ln in sample.splitlines() if ln.strip()][:100]
    candidates = [d for d in (",", ";", "\t") if any(d in ln for ln in lines)]
    if len(candidates) <= 1:
        return candidates[0] if candidates else ","

    def consistency(d: str) -> int:
        counts = Counter(ln.count(d) for ln in lines if d in ln)
        return counts.most_common(1)[0][1] if counts else 0

    score = {d: consistency(d) for d in candidates}
    best = [d for d in candidates if score[d] == max(score.values())]
    if len(best) > 1:
        try:
            d = csv.Sniffer().sniff("\n".join(lines), delimiters="".join(best)).delimiter
            if d in best:
                return d
        except csv.Error:
            pass
    return max(best, key=header.count)


def _match_column(p: Path, col: Column, header: list[str]) -> tuple[int | None, float, str]:
    """Index of ``col`` in ``header`` (case-insensitive; aliases; unit suffixes), factor to its unit, unit."""
    low = [h.strip().lower() for h in header]
    hits = [i for i, h in enumerate(low) if h == col.name.lower()]
    if not hits and col.aliases:
        hits = [i for i, h in enumerate(low) if any(re.fullmatch(a, h, re.IGNORECASE) for a in col.aliases)]
    if col.unit is not None and not hits:
        pat = re.compile(rf"^{re.escape(col.stem.lower())}\s*[_ ]?\s*[(\[]?\s*([pnuµμm]?m)\s*[)\]]?$")
        hits = [i for i, h in enumerate(low) if pat.match(h)]
        if len(hits) == 1:
            u = pat.match(low[hits[0]]).group(1)
            factor = CONCENTRATION_UNITS[u] / CONCENTRATION_UNITS[col.unit.lower()]
            return hits[0], factor, _UNIT_LABEL[u]
    if len(hits) > 1:
        cols = ", ".join(f"{i + 1} ('{header[i].strip()}')" for i in hits)
        raise ReaderDataError(f"{p}, line 1 (header): column '{col.name}' appears {len(hits)} times "
                              f"(columns {cols}); keep one")
    if col.unit is not None and not hits and col.stem.lower() in low:
        raise ReaderDataError(f"{p}, line 1 (header): column '{header[low.index(col.stem.lower())].strip()}' "
                              f"has no unit; name it {col.stem}_nM, {col.stem}_uM or {col.stem}_M")
    return (hits[0] if hits else None), 1.0, col.unit or ""


def read_table(path: str | Path, schema: Schema) -> pd.DataFrame:
    """Read and validate a delimited file against ``schema``.

    Returns one row per data line: the schema's columns (numbers converted, concentration units converted
    to the schema's), extra named columns as text, and ``line`` (the line as a spreadsheet numbers it).
    A ``missing_ok`` column holds NaN where the file says `NA` or nothing (callers skip and list those).
    ``df.attrs["notes"]`` lists what was detected or converted; ``df.attrs["labels"]`` maps each schema
    column to the header it was found under. Empty or header-less extra columns, and repeats of an extra
    column's name, are dropped.

    Raises :class:`ReaderDataError` naming the file, line, column and value of the first problem (every
    spreadsheet error value at once).
    """
    p = Path(path)
    if not p.is_file():
        raise ReaderDataError(f"{p}: no such file (expected a CSV in the {schema.name} format)")
    rows, notes = read_rows(p)
    if not rows or not any(c.strip() for r in rows for c in r):
        raise ReaderDataError(f"{p}: the file is empty; expected a header line with columns "
                              + ", ".join(c.name for c in schema.columns))
    header = [h.strip() for h in rows[0]]
    found: dict[str, tuple[int, float, str]] = {}
    missing = []
    for col in schema.columns:
        i, factor, unit = _match_column(p, col, header)
        if i is None:
            missing.append(col.name)
        else:
            found[col.name] = (i, factor, unit)
    if missing:
        raise ReaderDataError(f"{p}, line 1 (header): missing column(s) {', '.join(missing)}; "
                              f"found {', '.join(h for h in header if h) or 'none'}"
                              + ("" if len(rows[0]) > 1 else
                                 " (a single column: the delimiter should be one of , ; or tab)"))
    required_idx = {i for i, _, _ in found.values()}
    seen = {header[i].lower() for i in required_idx}
    extra: dict[str, int] = {}
    for i, h in enumerate(header):
        if i in required_idx or not h or h.lower() in seen or h.lower() == "line":
            continue  # header-less or repeated extra columns are ignored
        seen.add(h.lower())
        extra[h] = i
    body = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(cell.strip() for cell in r)]
    if not body:
        raise ReaderDataError(f"{p}: the header is there but there are no data rows")
    last_required = max(required_idx)
    for line, r in body:
        if len(r) <= last_required or any(c.strip() for c in r[len(header):]):
            raise ReaderDataError(f"{p}, line {line}: {len(r)} fields, but the header has {len(header)}")
    lines = [line for line, _ in body]
    _spreadsheet_errors(p, header, body)

    def cell(r: list[str], i: int) -> str:
        return r[i].strip() if i < len(r) else ""

    data: dict[str, list] = {}
    decimal_comma = 0
    percent_cols: list[str] = []
    for col in schema.columns:
        i, factor, unit = found[col.name]
        cells = [cell(r, i) for _, r in body]
        if col.kind != "text":
            cells = _percent_signs(p, col, header[i], cells, lines, notes, percent_cols)
            fixed = [c.replace(",", ".") if _DECIMAL_COMMA.match(c) else c for c in cells]
            decimal_comma += sum(a != b for a, b in zip(cells, fixed))
            cells = fixed
        data[col.name] = _convert(p, col, header[i], cells, lines, factor)
        if factor != 1.0:
            notes.append(f"column '{header[i]}' is in {unit}: converted to {col.unit} (x{factor:g})")
    if decimal_comma:
        notes.append(f"{decimal_comma} decimal comma(s) read as decimal points (1,5 = 1.5)")
    for h, i in extra.items():
        data[h] = [cell(r, i) for _, r in body]
    df = pd.DataFrame(data)
    df["line"] = lines
    df.attrs["notes"] = notes
    df.attrs["labels"] = {name: header[i] for name, (i, _, _) in found.items()}
    df.attrs["path"] = str(p)
    df.attrs["percent_sign"] = percent_cols
    return df


def _percent_signs(p: Path, col: Column, label: str, cells: list[str], lines: list[int], notes: list[str],
                   percent_cols: list[str]) -> list[str]:
    """Cells with the percent sign removed when ``col`` allows percent and every value carries one (the column
    is then recorded in ``percent_cols`` and read as percent); otherwise a :class:`ReaderDataError` naming the
    first cell with a sign (a column that cannot hold percent) or the first without one (a mixed column)."""
    signed = [c.endswith("%") for c in cells]
    if not any(signed):
        return cells
    first = signed.index(True)
    where = f"{p}, line {lines[first]}, column '{label}'"
    if not col.percent_ok:
        raise ReaderDataError(f"{where}: {cells[first]!r} carries a percent sign, but this column holds "
                              f"{col.help.split(';')[0]}; write the number alone")
    values = [i for i, c in enumerate(cells) if not (col.missing_ok and c.lower() in MISSING_TOKENS)]
    plain = [i for i in values if not signed[i]]
    if plain:
        j = plain[0]
        raise ReaderDataError(
            f"{p}, column '{label}': some values carry a percent sign and some do not (line {lines[first]}: "
            f"{cells[first]!r}; line {lines[j]}: {cells[j]!r}), so their scale is ambiguous. Write every value "
            f"as percent of vehicle (85 or 85%) or every value as a fraction (0.85)")
    percent_cols.append(col.name)
    notes.append(f"column '{label}': values written with a percent sign, read as percent")
    out = [c[:-1].strip() if c.endswith("%") else c for c in cells]
    twice = [i for i, c in enumerate(out) if c.endswith("%")]
    if twice:
        raise ReaderDataError(f"{p}, line {lines[twice[0]]}, column '{label}': {cells[twice[0]]!r} has more than one "
                              "percent sign; write one (85%) or none")
    return out


def _spreadsheet_errors(p: Path, header: list[str], body: list[tuple[int, list[str]]]) -> None:
    found = [(line, header[i] if i < len(header) and header[i] else f"#{i + 1}", c.strip())
             for line, r in body for i, c in enumerate(r) if SPREADSHEET_ERROR.match(c.strip())]
    if found:
        shown = "; ".join(f"line {ln}, column '{h}': {v}" for ln, h, v in found[:5])
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        raise ReaderDataError(
            f"{p}: spreadsheet error value(s) where a measurement should be: {shown}{more}. Fix the formula "
            f"in the spreadsheet and export again, or replace the cell with NA (a missing well, skipped and "
            f"listed)")


def _convert(p: Path, col: Column, label: str, cells: list[str], lines: list[int],
             factor: float = 1.0) -> list:
    out: list = []
    for cell, line in zip(cells, lines):
        where = f"{p}, line {line}, column '{label}'"
        if col.missing_ok and cell.lower() in MISSING_TOKENS:
            out.append(float("nan"))
            continue
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
        else:
            v = v * factor
        out.append(v)
    return out


def check_ranges(df: pd.DataFrame, schema: Schema, hints: dict[str, str] | None = None) -> None:
    """Raise :class:`ReaderDataError` for the first value outside its column's bounds (after conversions)."""
    p = df.attrs.get("path", "?")
    labels = df.attrs.get("labels", {})
    for col in schema.columns:
        if col.kind == "text" or col.name not in df:
            continue
        v = df[col.name]
        bad = v.notna() & (v.lt(col.lo if col.lo is not None else -np.inf)
                           | v.gt(col.hi if col.hi is not None else np.inf))
        if bad.any():
            r = df[bad].iloc[0]
            rng = f"{col.lo:g} to {col.hi:g}" if col.hi is not None else f">= {col.lo:g}"
            raise ReaderDataError(f"{p}, line {r['line']}, column '{labels.get(col.name, col.name)}': "
                                  f"{r[col.name]:g} is outside the valid range {rng}"
                                  + ((hints or {}).get(col.name, "")))


def skip_missing(df: pd.DataFrame, column: str, what: str, keys: list[str]) -> pd.DataFrame:
    """Drop rows whose ``column`` is NaN and list them (line and ``keys``) in ``df.attrs["notes"]``."""
    gone = df[df[column].isna()]
    if not len(gone):
        return df
    listed = "; ".join(f"line {r['line']} (" + ", ".join(str(r[k]) for k in keys) + ")"
                       for _, r in gone.head(10).iterrows())
    more = f"; and {len(gone) - 10} more" if len(gone) > 10 else ""
    attrs = dict(df.attrs)
    attrs["notes"] = [*attrs.get("notes", []), f"{len(gone)} missing {what}(s) (NA or empty) skipped: "
                      f"{listed}{more}"]
    out = df[df[column].notna()].reset_index(drop=True)
    out.attrs = attrs
    return out


def _plausible_doses(df: pd.DataFrame) -> None:
    """Refuse doses that look like log10 concentrations (negative, or evenly spaced small numbers)."""
    p, label = df.attrs.get("path", "?"), df.attrs.get("labels", {}).get("dose_nM", "dose_nM")
    d = np.sort(df["dose_nM"].unique())
    pos = d[d > 0]
    if (d < 0).sum() >= max(2, d.size / 2):  # one negative dose is a typo: the range check names its line
        raise ReaderDataError(
            f"{p}, column '{label}': negative doses ({d.min():g} to {d.max():g}) look like log10 "
            f"concentrations; give concentrations instead (for log10 molar x: dose_nM = 10**(x + 9); "
            f"vehicle = 0)")
    if len(pos) >= 5 and pos.max() <= 12:
        steps, ratios = np.diff(pos), pos[1:] / pos[:-1]
        if steps.std() < 0.02 * steps.mean() and ratios.std() > 0.05 * ratios.mean():
            raise ReaderDataError(
                f"{p}, column '{label}': the doses ({', '.join(f'{x:g}' for x in pos[:5])}, ...) are evenly "
                f"spaced on a linear scale, as log10 doses are (a dilution series is evenly spaced on a log "
                f"scale); give concentrations instead (for log10 nM x: dose_nM = 10**x; vehicle = 0)")


def _note(df: pd.DataFrame, text: str) -> None:
    df.attrs["notes"] = [*df.attrs.get("notes", []), text]


def plausible_viability(df: pd.DataFrame) -> pd.DataFrame:
    """Percent -> fraction and inhibition -> viability, each stated in the notes.

    Percent is taken from the column name (`%`, `pct`, `percent`) or from the values: a maximum above 5
    (impossible as a fraction of vehicle) with vehicle wells near 100 (median 20-500) or, without vehicle
    wells, a maximum up to 1,000. An `inhibition` column becomes viability = 1 - inhibition.
    """
    label = df.attrs.get("labels", {}).get("viability", "viability")
    inhibition = label.lower().startswith("inhibition")
    v = df["viability"].dropna()
    vehicle = df.loc[(df["dose_nM"] == 0) & df["viability"].notna(), "viability"]
    centre = float(vehicle.median()) if len(vehicle) else float("nan")
    looks = v.max() > 5 and v.max() <= 1000 and (not len(vehicle) or 20 <= abs(centre) <= 500 or inhibition)
    marked = bool(_PERCENT.search(label)) or "viability" in df.attrs.get("percent_sign", ())
    if marked and not looks and len(v) and (centre < 20 if len(vehicle) and not inhibition else v.max() <= 5):
        # marked as percent, but untreated wells (or, without them, all wells) read like fractions: dividing by
        # 100 would make untreated cells 1% of vehicle
        how = "the header says percent" if _PERCENT.search(label) else "the values carry % signs"
        level = (f"the vehicle wells' median is {centre:g}" if len(vehicle) and not inhibition else
                 f"the largest value is {v.max():g}")
        raise ReaderDataError(
            f"{df.attrs.get('path', '?')}, column '{label}': {how}, but {level}, which looks like a fraction of "
            f"vehicle, not percent. Give percent (100 = untreated) or fractions (1 = untreated) without a % sign "
            f"and with a plain `viability` header")
    if marked or looks:
        df["viability"] = df["viability"] / 100.0
        _note(df, f"column '{label}' holds percent (maximum {v.max():g}"
              + (f", vehicle median {centre:g}" if len(vehicle) else "") + "): divided by 100")
    if inhibition:
        df["viability"] = 1.0 - df["viability"]
        _note(df, f"column '{label}' is inhibition: viability = 1 - inhibition")
    return df


def _rising_curves(df: pd.DataFrame) -> None:
    """Refuse a file where every curve rises with dose (inhibition typed as viability)."""
    p, label = df.attrs.get("path", "?"), df.attrs.get("labels", {}).get("viability", "viability")
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
            f"{p}, column '{label}': the response rises with dose in every curve (mean {lo:.2f} at the lowest "
            f"dose, {hi:.2f} at the highest): this looks like inhibition, not viability. Give viability as a "
            f"fraction of vehicle, or name the column 'inhibition' (or 'inhibition_pct') to have it converted "
            f"(viability = 1 - inhibition)")


def read_plate(path: str | Path, required_populations: tuple[str, ...] = ("naive", "persistent"),
               min_doses: int = 3) -> pd.DataFrame:
    """Read a plate-viability file (see :data:`PLATE`) and check that every curve can be fitted.

    ``path`` is a tidy file (one row per well) or a plate set (``.yml``: a plate-reader grid export plus a
    plate map, see :func:`jakpersist.loaders.platemap.read_plate_set`). Converted, each with a sentence in
    ``df.attrs["notes"]``: viability in percent (see :func:`plausible_viability`); a column `inhibition` /
    `inhibition_pct` instead of `viability`; doses in another unit named by the column (`dose_uM`,
    `dose_M`, ...); decimal commas. Wells with a missing viability are skipped and listed in the notes.

    Returns one row per well: population, drug, dose_nM (nM), replicate, viability (fraction of vehicle),
    line, any extra columns, and ``source``.

    Raises :class:`ReaderDataError`: file, line and column of a malformed value; spreadsheet error values;
    doses that look like log10 doses; a response that rises with dose in every curve (inhibition typed as
    viability); a curve with fewer than ``min_doses`` distinct positive doses; a missing required population.
    """
    from .platemap import looks_like_grid, read_plate_set

    p = Path(path)
    if p.suffix.lower() in (".yml", ".yaml") or (p.is_file() and looks_like_grid(p)):
        df = read_plate_set(p)
    else:
        df = read_table(p, PLATE)
        _plausible_doses(df)
        df = plausible_viability(df)
        check_ranges(df, PLATE, {"viability": "; give viability as a fraction of the vehicle mean "
                                              "(1 = untreated)"})
        df = skip_missing(df, "viability", "well", ["population", "drug", "dose_nM", "replicate"])
        if df.empty:
            raise ReaderDataError(f"{p}: every well's viability is missing (NA or empty)")
        df["source"] = f"your data ({p.name})"
    if not df.attrs.get("labels", {}).get("viability", "viability").lower().startswith("inhibition"):
        _rising_curves(df)
    _require_populations(path, df, required_populations)
    for (pop, drug), g in df.groupby(["population", "drug"]):
        n = g.loc[g["dose_nM"] > 0, "dose_nM"].nunique()
        if n < min_doses:
            raise ReaderDataError(f"{path}: population {pop!r}, drug {drug!r} has {n} distinct positive "
                                  f"doses; a curve needs at least {min_doses}")
    return df



BANDS = Schema(
    "blot and co-IP bands",
    (
        Column("blot", "integer", "blot number; each blot is one replicate and has one lane per population",
               1, 1e6),
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column("target", "text", "band: `JAK2`, `JAK1`, `TYK2` (co-IP with a JAK2 antibody) or `pSTAT5`, "
               "`pSTAT3`, `loading` (whole-cell lysate)"),
        Column("intensity", "number", "background-subtracted band volume (any unit, > 0); `NA` or empty = a "
               "missing band", 1e-12, 1e15, missing_ok=True),
    ),
    "One row per band. Co-IP bands and phospho-blot bands may be in one file.",
)

QPCR = Schema(
    "qPCR Ct values",
    (
        Column("population", "text", "cell population; must include `naive` and `persistent`"),
        Column("replicate", "integer", "biological replicate; technical replicates share its number", 1, 1e6),
        Column("gene", "text", "`JAK2` or the reference gene (exactly one other gene, e.g. `ACTB`)"),
        Column("ct", "number", "threshold cycle; `NA` or empty = a missing reaction", 0.0, 45.0,
               missing_ok=True),
    ),
    "One row per qPCR well. Technical replicates are averaged within each biological replicate.",
)


def read_bands(path: str | Path, targets: tuple[str, ...]) -> pd.DataFrame:
    """Read a bands file (see :data:`BANDS`) and check that it has the ``targets`` this analysis needs.

    Missing intensities (`NA`, empty) are skipped and listed in ``df.attrs["notes"]``. Raises
    :class:`ReaderDataError` as :func:`read_table` does, or when a population or target is absent.
    """
    df = read_table(path, BANDS)
    check_ranges(df, BANDS)
    df = skip_missing(df, "intensity", "band", ["blot", "population", "target"])
    _require_populations(path, df, ("naive", "persistent"))
    missing = [t for t in targets if t not in set(df["target"])]
    if missing:
        raise ReaderDataError(f"{path}: column 'target' has no bands for {', '.join(missing)} "
                              f"(found: {', '.join(sorted(set(df['target'])))})")
    df["source"] = f"your data ({Path(path).name})"
    return df


def read_qpcr(path: str | Path, target: str = "JAK2") -> pd.DataFrame:
    """Read a qPCR file (see :data:`QPCR`): the target gene and exactly one reference gene.

    Missing Ct values (`NA`, empty) are skipped and listed in ``df.attrs["notes"]``. Raises
    :class:`ReaderDataError` as :func:`read_table` does, or when a population or gene is absent.
    """
    df = read_table(path, QPCR)
    check_ranges(df, QPCR, {"ct": "; give Ct values (cycles), not relative quantities"})
    df = skip_missing(df, "ct", "reaction", ["population", "replicate", "gene"])
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
