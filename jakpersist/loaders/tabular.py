"""One tabular reader under every reader-data format: cells from text or workbook files, one set of
number rules.

Every format of the reader's own data (tidy plate table, plate-reader grid, well list, plate map,
bands, qPCR, time-course counts) reads its file through this module, so no two formats read the same
cell differently.

Files
    Delimited text: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's
    "Unicode text"), or else Windows-1252 (Excel's "CSV (Comma delimited)" on Windows; noted); CRLF
    or LF line ends; ``,``, ``;`` or tab as the delimiter (the one that splits the most lines into
    the same number of fields). Workbooks: ``.xlsx``, ``.xlsm``, ``.xls``, ``.ods`` through
    :func:`pandas.read_excel` with the python-calamine engine; the sheet that holds the expected
    table is found (or named), the other sheets are listed in the notes; merged title cells and
    blank rows are skipped by the callers' header search.

Numbers (:func:`number_style`, :func:`parse_number`)
    A cell is read as people write numbers: ``1234.5``, ``1,234.5``, ``1.234,5`` (thousands dots,
    decimal comma), ``1 234,5`` or ``1'234.5`` (spaces, no-break, thin or narrow no-break spaces,
    apostrophes as thousands separators), ``0,5`` (decimal comma), exponents (``9.5e-1``,
    ``9,5e-1``). Which character is the decimal mark is decided per file from the cells that can
    only be read one way (``0,85``, ``2.25``, ``53,923.4``, ``1.000.000``). A cell that reads two
    ways (``1,000`` and ``1.000``: one thousand, or one with a decimal mark) takes the file's
    decimal mark; when the file shows none (or both), it is refused with the file, line, column,
    value and both readings. Never a silently different number.

Missing and error cells
    ``NA``, ``N/A``, ``NaN``, ``null``, ``none``, ``-`` and empty cells are missing values where the
    format allows them; spreadsheet error values (``#DIV/0!``, ``#VALUE!``, ``#N/A``, ...) stop the
    read with their place.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    #: a missing value (`NA`, empty) marks a missing well/band/reaction: the row is skipped and
    #: listed
    missing_ok: bool = False
    #: the name's unit suffix (``dose_nM`` -> ``"nM"``); a header with another concentration unit
    #: (``dose_uM``, ``dose_M``, ...) is accepted and converted to this one, with a note
    unit: str | None = None
    #: other accepted header names (regular expressions, matched whole, case ignored)
    aliases: tuple[str, ...] = ()
    #: values may be written with a percent sign (``85%``): read as percent, noted, converted by the
    #: caller
    percent_ok: bool = False
    #: further words read as a missing value in this column (e.g. qPCR's ``Undetermined``), case
    #: ignored
    missing_words: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        """The name without its unit suffix (``dose_nM`` -> ``dose``)."""
        return self.name[: -len(self.unit) - 1] if self.unit else self.name


@dataclass(frozen=True)
class Schema:
    """A tidy table format."""

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


#: Concentration units accepted in a column name (``dose_uM``), as multiples of one nM. Case is
#: ignored in headers, so ``M`` (molar) and ``mM`` are told apart by their letters, not their case.
CONCENTRATION_UNITS: dict[str, float] = {
    "pm": 1e-3,
    "nm": 1.0,
    "um": 1e3,
    "µm": 1e3,
    "μm": 1e3,
    "mm": 1e6,
    "m": 1e9,
}
UNIT_LABEL = {"pm": "pM", "nm": "nM", "um": "µM", "µm": "µM", "μm": "µM", "mm": "mM", "m": "M"}

#: Cells read as a missing value (case ignored) in a column that allows it.
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})

#: A spreadsheet error value (Excel, LibreOffice, Google Sheets), e.g. ``#DIV/0!``, ``#VALUE!``,
#: ``#N/A``.
SPREADSHEET_ERROR = re.compile(r"^#(?:N/A|DIV/0!|[A-Z][A-Z0-9_]*[!?]?)$", re.IGNORECASE)

#: Workbook file suffixes read through pandas + python-calamine.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


# ------------------------------------------------------------------------------------------ numbers

_EXP = r"(?:[eE][+-]?\d+)?"
_INT = re.compile(r"\d+")
_DOT = re.compile(rf"(?:\d+\.\d*|\.\d+){_EXP}")
_INT_EXP = re.compile(r"\d+[eE][+-]?\d+")
_COMMA = re.compile(rf"(?:\d+,\d*|,\d+){_EXP}")
_AMBIGUOUS = re.compile(r"[1-9]\d{0,2}([.,])\d{3}")
_COMMA_GROUPS = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_DOT_GROUPS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_SPACE_GROUPS = re.compile(r"[1-9]\d{0,2}(?:[ \u00a0\u2009\u202f']\d{3})+(?:([.,])\d+)?")


class TypedNumber(str):
    """A cell that holds a number, not text (a workbook cell typed as a number, a TOML number): it
    reads as its own value, never under a decimal-mark rule, and says nothing about the decimal mark
    of the file's text cells (a typed 4.572 stays 4.572 beside text cells written ``0,85``). Shown
    as the spreadsheet shows it."""

    value: float

    def __new__(cls, value: float) -> "TypedNumber":
        f = float(value)
        obj = super().__new__(cls, str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f))
        obj.value = f
        return obj

    def strip(self, chars: str | None = None) -> str:
        """Surrounding spaces are never part of a typed number: the cell stays typed."""
        return self if chars is None else str.strip(self, chars)


class AmbiguousNumber(ValueError):
    """A cell such as ``1,000`` that reads as two numbers; ``readings`` holds (thousands, decimal)
    values."""

    def __init__(self, cell: str, readings: tuple[float, float]):
        super().__init__(cell)
        self.cell, self.readings = cell, readings


def _classify(cell: str) -> tuple[float, str | None, str]:
    """(value under a decimal point, evidence, form) of one cell.

    evidence: "." (the cell shows a decimal point: ``2.25``, ``53,923.4``), "," (a decimal comma:
    ``0,85``, ``53.923,4``), None (no evidence: ``12``, ``1 000``) or "?" (reads two ways:
    ``1,000``, ``1.000``; the value returned is the thousands reading). form: "plain", "comma",
    "grouped". Raises ValueError: not a number. A :class:`TypedNumber` is its own value, with no
    evidence."""
    if isinstance(cell, TypedNumber):
        return cell.value, None, "plain"
    s = cell.strip()
    sign = -1.0 if s.startswith("-") else 1.0
    body = s[1:] if s[:1] in "+-" else s
    if not body:
        raise ValueError(cell)
    if _INT.fullmatch(body) or _INT_EXP.fullmatch(body):  # 12, 1E+03: no decimal mark shown
        return sign * float(body), None, "plain"
    if _AMBIGUOUS.fullmatch(body):
        return sign * float(body.replace(",", "").replace(".", "")), "?", "grouped"
    if _DOT.fullmatch(body):
        return sign * float(body), ".", "plain"
    if _COMMA.fullmatch(body):
        return sign * float(body.replace(",", ".")), ",", "comma"
    if _COMMA_GROUPS.fullmatch(body):
        return sign * float(body.replace(",", "")), ".", "grouped"
    if _DOT_GROUPS.fullmatch(body):
        return sign * float(body.replace(".", "").replace(",", ".")), ",", "grouped"
    m = _SPACE_GROUPS.fullmatch(body)
    if m:
        mark = m.group(1)
        v = re.sub(r"[ \u00a0\u2009\u202f']", "", body).replace(",", ".")
        return sign * float(v), mark, "grouped"
    raise ValueError(cell)


def number_style(cells: Iterable[str], default: str | None = None) -> str | None:
    """The file's decimal mark: "." or "," when the cells that read one way only all show it,
    "mixed" when they show both, else ``default`` (None: the file shows neither)."""
    seen = set()
    for c in cells:
        try:
            _, ev, _ = _classify(c)
        except ValueError:
            continue
        if ev in (".", ","):
            seen.add(ev)
    if len(seen) == 2:
        return "mixed"
    return next(iter(seen)) if seen else default


def parse_number(cell: str, style: str | None) -> tuple[float, str]:
    """Read one cell under the file's decimal mark ``style`` (see :func:`number_style`).

    Returns (value, form) with form "plain", "comma" (decimal comma) or "grouped" (thousands
    separators). Raises :class:`AmbiguousNumber` for ``1,000``/``1.000`` when ``style`` does not
    decide, ValueError for a cell that is not a number."""
    value, ev, form = _classify(cell)
    if ev != "?":
        return value, form
    mark = _AMBIGUOUS.fullmatch(cell.strip().lstrip("+-")).group(1)
    sign = -1.0 if cell.strip().startswith("-") else 1.0
    decimal = sign * float(cell.strip().lstrip("+-").replace(",", "."))
    if style in (".", ","):
        if mark == style:
            return decimal, ("comma" if mark == "," else "plain")
        return value, "grouped"
    raise AmbiguousNumber(cell, (value, decimal))


def ambiguity_message(
    where: str, cell: str, readings: tuple[float, float], *, style: str | None
) -> str:
    """The refusal for an ambiguous cell: where, the value, both readings and what to write
    instead."""
    mark = "," if "," in cell else "."
    why = (
        "the file shows both decimal points and decimal commas"
        if style == "mixed"
        else "no other number in the file shows which decimal mark it uses"
    )
    return (
        f"{where}: {cell.strip()!r} is ambiguous: it reads as {readings[0]:g} ('{mark}' as a "
        "thousands "
        f"separator) or as {readings[1]:g} ('{mark}' as the decimal mark), and {why}; write it in "
        "plain digits "
        f"({readings[0]:g} or {readings[1]:g})"
    )


@dataclass
class NumberReader:
    """Reads the numeric cells of one file under one decimal mark and counts what it converted."""

    style: str | None
    counts: Counter = field(default_factory=Counter)
    first: dict = field(default_factory=dict)

    @classmethod
    def for_cells(cls, cells: Iterable[str], default: str | None = None) -> "NumberReader":
        """A reader whose decimal mark is decided by ``cells`` (every numeric cell of the file)."""
        return cls(number_style(cells, default))

    def read(
        self, cell: str, where: str, valid: tuple[float | None, float | None] = (None, None)
    ) -> float:
        """The number in ``cell``; :class:`ReaderDataError` naming ``where`` when it is not one or
        is ambiguous. ``valid``: the column's valid range (in the file's unit); an ambiguous cell of
        which exactly one reading lies in it takes that reading (a Ct of ``25.010`` is 25.01, not
        25,010 cycles), noted."""
        try:
            v, form = parse_number(cell, self.style)
        except AmbiguousNumber as exc:
            lo, hi = (
                (-np.inf if valid[0] is None else valid[0]),
                (np.inf if valid[1] is None else valid[1]),
            )
            inside = [r for r in exc.readings if lo <= r <= hi]
            if len(inside) != 1:
                raise ReaderDataError(
                    ambiguity_message(where, cell, exc.readings, style=self.style)
                ) from None
            v, form = inside[0], "by range"
        except ValueError:
            raise ReaderDataError(
                f"{where}: {cell!r} is not a number; write the number, or NA for a missing "
                f"value (a saturated or failed read such as OVRFLW: NA, or read again at a "
                f"lower gain)"
            ) from None
        if not np.isfinite(v):
            raise ReaderDataError(f"{where}: {cell!r} is not a finite number")
        self.counts[form] += 1
        self.first.setdefault(form, (cell, v))
        return v

    def notes(self) -> list[str]:
        """Sentences for the notes: decimal commas and thousands separators that were read."""
        out = []
        if self.counts["comma"]:
            out.append(
                f"{self.counts['comma']} decimal comma(s) read as decimal points (1,5 = 1.5)"
            )
        if self.counts["by range"]:
            cell, v = self.first["by range"]
            out.append(
                f"{self.counts['by range']} number(s) that read two ways (e.g. {cell}) taken as "
                "the one "
                f"reading inside the column's valid range ({v:g})"
            )
        if self.counts["grouped"]:
            ex = "52.113,4 = 52113.4" if self.style == "," else "52,113.4 = 52113.4"
            out.append(
                f"{self.counts['grouped']} number(s) written with thousands separators read ({ex})"
            )
        return out


# ----------------------------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class ReadInfo:
    """What a reader found in the file behind a table, typed: every table a reader of this package
    returns is a :class:`ReadTable` that carries one as ``table.read_info`` (:func:`read_info`
    gives it for any table, an empty one for a table built by hand).

    ``path``: the file read; ``format``: the format it was read as (a schema's name, "plate grid",
    "well list", "ImageJ Results with a lane map", ...); ``sheet``: the workbook sheet (None for
    text); ``decimal_mark``: "." or "," as the file's numbers showed it ("mixed" when both appear,
    None when no cell decides); ``notes``: sentences saying what was detected, converted or skipped
    (the chapters show them); ``labels``: each schema column -> the header it was found under;
    ``percent_sign``: columns whose values carried a % sign.
    """

    path: str = "?"
    format: str = ""
    sheet: str | None = None
    decimal_mark: str | None = None
    notes: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    percent_sign: tuple[str, ...] = ()

    def with_note(self, *text: str) -> ReadInfo:
        """A copy with ``text`` appended to :attr:`notes`."""
        return replace(self, notes=(*self.notes, *text))


class ReadTable(pd.DataFrame):
    """A table a reader returned: a :class:`pandas.DataFrame` (every pandas call works on it as
    before) that carries how its file was read as a typed attribute, ``read_info``
    (:class:`ReadInfo`), and its follow-ups (:attr:`notes`, :meth:`with_note`).

    The :class:`ReadInfo` is pandas ``_metadata``, the documented way to subclass a DataFrame
    (https://pandas.pydata.org/docs/development/extending.html): it follows the table through
    copies, selections and new columns; a table built anew (``pd.concat``, ``pd.DataFrame(...)``)
    has an empty one. Nothing is kept in ``DataFrame.attrs``.

    Examples
    --------
    >>> from jakpersist import example_path, read_plate
    >>> plate = read_plate(example_path("plate_example.csv"))
    >>> type(plate).__name__, plate.read_info.decimal_mark, plate[plate["replicate"] == 1].notes
    ('ReadTable', '.', ())
    """

    _metadata = ["read_info"]
    #: how the file was read (an empty :class:`ReadInfo` until a reader attaches one)
    read_info: ReadInfo = ReadInfo()

    @property
    def _constructor(self) -> type[ReadTable]:
        return ReadTable

    @property
    def notes(self) -> tuple[str, ...]:
        """What the reader detected, converted or skipped, in words (``read_info.notes``)."""
        return read_info(self).notes

    def with_note(self, text: str) -> ReadTable:
        """This table with ``text`` appended to its notes (in place; returns the table)."""
        self.read_info = read_info(self).with_note(text)
        return self


def read_info(df: pd.DataFrame) -> ReadInfo:
    """The :class:`ReadInfo` of a table a reader returned (an empty one for a table built by hand).

    Examples
    --------
    >>> from jakpersist import example_path, read_plate
    >>> info = read_info(read_plate(example_path("plate_example.csv")))
    >>> info.path.endswith("plate_example.csv"), info.decimal_mark
    (True, '.')
    """
    info = df.read_info if isinstance(df, ReadTable) else None
    return info if isinstance(info, ReadInfo) else ReadInfo()


def attach(df: pd.DataFrame, info: ReadInfo) -> ReadTable:
    """``df`` as a :class:`ReadTable` carrying ``info`` (the same table, in place, when ``df`` is
    already one; else a view of it)."""
    out = df if isinstance(df, ReadTable) else ReadTable(df)
    out.read_info = info
    return out


# -------------------------------------------------------------------------------------------- files


@dataclass
class Cells:
    """The cells of one file (or workbook sheet) as text rows; ``rows[i]`` is line/row ``i + 1``."""

    rows: list[list[str]]
    notes: list[str]
    #: the decimal mark when no text cell decides it (None: undecided; typed workbook numbers never
    #: decide)
    decimal: str | None = None
    sheet: str | None = None


def cell_text(v: object) -> str:
    """A typed value (workbook or TOML cell) as the text a spreadsheet shows: '' for empty, integers
    without a decimal point, floats in their shortest exact form."""
    return _cell_text(v)


def _cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, np.integer, float, np.floating)):
        return "" if np.isnan(float(v)) else TypedNumber(v)
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return str(v)


def read_cells(
    path: str | Path,
    *,
    sheet: str | None = None,
    accept: Callable[[list[list[str]]], bool] | None = None,
) -> Cells:
    """Read a delimited text file or a workbook sheet as rows of text cells.

    For a workbook (:data:`WORKBOOK_SUFFIXES`), ``sheet`` names the sheet; without it the first
    sheet for which ``accept(rows)`` is true is taken (the first sheet when ``accept`` is None) and
    the others are listed in the notes. Raises :class:`ReaderDataError` for a missing, binary or
    unreadable file, an unknown sheet, or a workbook where no sheet holds the expected table.
    """
    p = Path(path)
    if not p.is_file():
        raise ReaderDataError(f"{p}: no such file")
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(p, sheet, accept)
    raw = p.read_bytes()
    notes: list[str] = []
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ReaderDataError(
            f"{p}: a workbook saved under a text file's name; name it .xlsx, .xls or .ods "
            f"(or save it as CSV)"
        )
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16")
            notes.append("read as UTF-16 text")
        else:
            text = _decode_8bit(p, raw, notes)
    except UnicodeDecodeError as exc:
        raise ReaderDataError(
            f"{p}: not a UTF-8 text file ({exc.reason}); save it as CSV (UTF-8), or give "
            f"the workbook itself (.xlsx, .xls, .ods)"
        ) from exc
    if "\x00" in text:
        raise ReaderDataError(
            f"{p}: not a UTF-8 text file (it contains NUL bytes); save it as CSV (UTF-8)"
        )
    if not text.strip():
        return Cells([], notes)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = _sniff_delimiter(text[:65536], first)
    if delimiter != ",":
        notes.append(f"delimiter {'tab' if delimiter == chr(9) else repr(delimiter)} detected")
    try:
        rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    except csv.Error as exc:
        raise ReaderDataError(f"{p}: not a readable CSV file ({exc})") from exc
    return Cells(rows, notes)


def _read_workbook(
    p: Path, sheet: str | None, accept: Callable[[list[list[str]]], bool] | None
) -> Cells:
    try:
        book = pd.read_excel(p, sheet_name=None, header=None, engine="calamine", dtype=object)
    except Exception as exc:  # calamine raises its own error types for damaged or encrypted files
        raise ReaderDataError(
            f"{p}: not a readable workbook ({type(exc).__name__}: {exc})"
        ) from None
    sheets = {
        name: [[_cell_text(v) for v in row] for row in df.itertuples(index=False, name=None)]
        for name, df in book.items()
    }
    if sheet is not None:
        if sheet not in sheets:
            raise ReaderDataError(f"{p}: no sheet named {sheet!r} (sheets: {', '.join(sheets)})")
        chosen = sheet
    else:
        chosen = next((n for n, rows in sheets.items() if accept is None or accept(rows)), None)
        if chosen is None:
            raise ReaderDataError(
                f"{p}: no sheet holds the expected table (sheets: {', '.join(sheets)}); name the "
                f"sheet with the 'sheet' parameter, or check the header row"
            )
    notes = [
        f"workbook sheet '{chosen}' read"
        + (
            f"; other sheet(s) ignored: {', '.join(n for n in sheets if n != chosen)}"
            if len(sheets) > 1
            else ""
        )
    ]
    return Cells(sheets[chosen], notes, sheet=chosen)


def _decode_8bit(p: Path, raw: bytes, notes: list[str]) -> str:
    """UTF-8 (with or without a byte-order mark); else Windows-1252, what Excel's "CSV (Comma
    delimited)" writes on Windows (numbers are ASCII in both, so no number changes; a note says
    which was used). Raises :class:`ReaderDataError` naming the line of the first byte neither can
    read."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise ReaderDataError(
                f"{p}, line {line}: not a UTF-8 or Windows-1252 text file (byte "
                f"0x{raw[exc.start]:02x}); save it as CSV UTF-8, or give the workbook itself "
                f"(.xlsx, .xls, .ods)"
            ) from None
        notes.append(
            "read as Windows-1252 text (Excel's 'CSV (Comma delimited)'; first non-UTF-8 "
            "character on "
            f"line {line})"
        )
        return text


def read_rows(path: str | Path) -> tuple[list[list[str]], list[str]]:
    """Rows of text cells and notes of a delimited text file or a workbook's first sheet (see
    :func:`read_cells`)."""
    c = read_cells(path)
    return c.rows, c.notes


def _sniff_delimiter(sample: str, header: str) -> str:
    """``,``, ``;`` or tab: the candidate that splits the most lines of the sample into the same
    number of fields (the consistency criterion of :class:`csv.Sniffer`, counted over whole lines
    with quotes respected, so that a free-text title line of a plate-reader export or decimal commas
    do not decide); ties go to the candidate that splits more lines at all, then to
    :class:`csv.Sniffer`, then to the header line."""
    lines = [ln for ln in sample.splitlines() if ln.strip()][:100]
    candidates = [d for d in (",", ";", "\t") if any(d in ln for ln in lines)]
    if len(candidates) <= 1:
        return candidates[0] if candidates else ","

    def score(d: str) -> tuple[int, int]:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=d)]
        except csv.Error:
            return 0, 0
        split = [w for w in widths if w > 1]
        return (Counter(split).most_common(1)[0][1] if split else 0), len(split)

    scores = {d: score(d) for d in candidates}
    best = [d for d in candidates if scores[d] == max(scores.values())]
    if len(best) > 1:
        try:
            d = csv.Sniffer().sniff("\n".join(lines), delimiters="".join(best)).delimiter
            if d in best:
                return d
        except csv.Error:
            pass
    return max(best, key=header.count)


# -------------------------------------------------------------------------------------- tidy tables


def _match_column(p: Path, col: Column, header: list[str]) -> tuple[int | None, float, str]:
    """Index of ``col`` in ``header`` (case-insensitive; aliases; unit suffixes), factor to its
    unit, unit."""
    low = [" ".join(h.strip().lower().split()) for h in header]
    hits = [i for i, h in enumerate(low) if h == col.name.lower()]
    if not hits and col.aliases:
        hits = [
            i
            for i, h in enumerate(low)
            if any(re.fullmatch(a, h, re.IGNORECASE) for a in col.aliases)
        ]
    if col.unit is not None and not hits:
        pat = re.compile(
            rf"^{re.escape(col.stem.lower())}\s*[_ ]?\s*[(\[]?\s*([pnuµμm]?m)\s*[)\]]?$"
        )
        hits = [i for i, h in enumerate(low) if pat.match(h)]
        if len(hits) == 1:
            u = pat.match(low[hits[0]]).group(1)
            factor = CONCENTRATION_UNITS[u] / CONCENTRATION_UNITS[col.unit.lower()]
            return hits[0], factor, UNIT_LABEL[u]
    if len(hits) > 1:
        cols = ", ".join(f"{i + 1} ('{header[i].strip()}')" for i in hits)
        raise ReaderDataError(
            f"{p}, line 1 (header): column '{col.name}' appears {len(hits)} times "
            f"(columns {cols}); keep one"
        )
    if col.unit is not None and not hits and col.stem.lower() in low:
        raise ReaderDataError(
            f"{p}, line 1 (header): column '{header[low.index(col.stem.lower())].strip()}' "
            f"has no unit; name it {col.stem}_nM, {col.stem}_uM or {col.stem}_M"
        )
    return (hits[0] if hits else None), 1.0, col.unit or ""


def _has_columns(schema: Schema, row: list[str]) -> bool:
    header = [h.strip() for h in row]
    try:
        return all(_match_column(Path("?"), c, header)[0] is not None for c in schema.columns)
    except ReaderDataError:
        return True  # a duplicate column: this is the header; read_table names the problem


def header_index(rows: list[list[str]], schema: Schema, search: int = 30) -> int | None:
    """Index of the header row: the first of the first ``search`` rows that names every column of
    ``schema`` (title lines, ``*`` instrument lines, merged title cells and blank rows above it are
    skipped); None if none does."""
    for i, r in enumerate(rows[:search]):
        if any(c.strip() for c in r) and _has_columns(schema, r):
            return i
    return None


def _find_columns(
    p: Path, schema: Schema, header: list[str], h0: int
) -> dict[str, tuple[int, float, str]]:
    """Schema column -> (index in ``header``, unit factor, unit); raises ReaderDataError naming the
    header line (``h0`` is its index) and every missing column."""
    hline = f"line {h0 + 1} (header)"
    found: dict[str, tuple[int, float, str]] = {}
    missing = []
    for col in schema.columns:
        try:
            i, factor, unit = _match_column(p, col, header)
        except ReaderDataError as exc:
            raise ReaderDataError(str(exc).replace("line 1 (header)", hline)) from None
        if i is None:
            missing.append(col.name)
        else:
            found[col.name] = (i, factor, unit)
    if missing:
        raise ReaderDataError(
            f"{p}, {hline}: missing column(s) {', '.join(missing)}; "
            f"found {', '.join(h for h in header if h) or 'none'}"
            + (
                ""
                if len(header) > 1
                else " (a single column: the delimiter should be one of , ; or tab)"
            )
        )
    return found


def _extra_columns(header: list[str], required_idx: set[int]) -> dict[str, int]:
    """Named columns beyond the schema's (first of a repeated name only; header-less ones and
    ``line`` dropped)."""
    seen = {header[i].lower() for i in required_idx}
    extra: dict[str, int] = {}
    for i, h in enumerate(header):
        if i in required_idx or not h or h.lower() in seen or h.lower() == "line":
            continue  # header-less or repeated extra columns are ignored
        seen.add(h.lower())
        extra[h] = i
    return extra


def _check_fields(
    p: Path, header: list[str], body: list[tuple[int, list[str]]], last_required: int, *, text: bool
) -> None:
    """Refuse a row too short for the schema's columns or with values beyond the header, showing
    both; in a text file, say how a thousands comma splits a field."""
    for line, r in body:
        if len(r) <= last_required or any(c.strip() for c in r[len(header) :]):
            hint = (
                "; a number written with a thousands comma (1,000) in a comma-separated file "
                "splits into "
                'two fields: write it without the comma, or quote it ("1,000")'
                if text and len(r) > len(header)
                else ""
            )
            raise ReaderDataError(
                f"{p}, line {line}: {len(r)} fields ({', '.join(r)}), but the header has "
                f"{len(header)} ({', '.join(header)}){hint}"
            )


def read_table(
    path: str | Path, schema: Schema, *, sheet: str | None = None, cells: Cells | None = None
) -> pd.DataFrame:
    """Read and validate a delimited text file or workbook sheet against ``schema``.

    The header is the first row (of the first 30) that names every column; lines above it (titles,
    instrument settings) are skipped and noted. Returns one row per data line: the schema's columns
    (numbers converted under the file's decimal mark, concentration units converted to the
    schema's), extra named columns as text, and ``line`` (the line as a spreadsheet numbers it). A
    ``missing_ok`` column holds NaN where the file says `NA` or nothing (callers skip and list
    those). Its :class:`ReadInfo` (:func:`read_info`) lists what was detected or converted and maps
    each schema column to the header it was found under. Empty or header-less extra columns, and
    repeats of an extra column's name, are dropped. In a workbook, ``sheet`` names the sheet (else
    the first sheet with the header is taken). ``cells``: rows already read from ``path`` (e.g. a
    layout expanded by wellmap), used instead of reading the file.

    Raises :class:`ReaderDataError` naming the file, line, column and value of the first problem
    (every spreadsheet error value at once; an ambiguous ``1,000`` with both readings).
    """
    p = Path(path)
    if not p.is_file():
        raise ReaderDataError(f"{p}: no such file (expected a CSV in the {schema.name} format)")
    src = cells or read_cells(
        p, sheet=sheet, accept=lambda rows: header_index(rows, schema) is not None
    )
    rows, notes = src.rows, list(src.notes)
    if not rows or not any(c.strip() for r in rows for c in r):
        raise ReaderDataError(
            f"{p}: the file is empty; expected a header line with columns "
            + ", ".join(c.name for c in schema.columns)
        )
    h0 = header_index(rows, schema)
    if h0 is None:
        h0 = next(i for i, r in enumerate(rows) if any(c.strip() for c in r))
    elif h0 > 0 and any(c.strip() for r in rows[:h0] for c in r):
        notes.append(f"{h0} line(s) above the header (line {h0 + 1}) skipped")
    header = [h.strip() for h in rows[h0]]
    found = _find_columns(p, schema, header, h0)
    required_idx = {i for i, _, _ in found.values()}
    extra = _extra_columns(header, required_idx)
    body = [
        (h0 + i + 2, r) for i, r in enumerate(rows[h0 + 1 :]) if any(cell.strip() for cell in r)
    ]
    if not body:
        raise ReaderDataError(f"{p}: the header is there but there are no data rows")
    _check_fields(p, header, body, max(required_idx), text=src.sheet is None)
    lines = [line for line, _ in body]
    spreadsheet_errors(p, header, body)

    def cell(r: list[str], i: int) -> str:
        return r[i].strip() if i < len(r) else ""

    raw: dict[str, list[str]] = {}
    percent_cols: list[str] = []
    for col in schema.columns:
        i = found[col.name][0]
        cells = [cell(r, i) for _, r in body]
        if col.kind != "text":
            cells = _percent_signs(p, col, header[i], cells, lines, notes, percent_cols)
        raw[col.name] = cells
    numeric = [
        c
        for col in schema.columns
        if col.kind != "text"
        for c in raw[col.name]
        if c.lower() not in MISSING_TOKENS
    ]
    reader = NumberReader.for_cells(numeric, src.decimal)
    data: dict[str, list] = {}
    for col in schema.columns:
        i, factor, unit = found[col.name]
        data[col.name] = convert(
            p, col, header[i], cells=raw[col.name], lines=lines, factor=factor, reader=reader
        )
        if factor != 1.0:
            notes.append(
                f"column '{header[i]}' is in {unit}: converted to {col.unit} (x{factor:g})"
            )
    notes.extend(reader.notes())
    for h, i in extra.items():
        data[h] = [cell(r, i) for _, r in body]
    df = pd.DataFrame(data)
    df["line"] = lines
    return attach(
        df,
        ReadInfo(
            path=str(p),
            format=schema.name,
            sheet=src.sheet,
            decimal_mark=reader.style,
            notes=tuple(notes),
            labels={name: header[i] for name, (i, _, _) in found.items()},
            percent_sign=tuple(percent_cols),
        ),
    )


#: Cells whose reading does not depend on the file's decimal mark beyond what they show: a decimal
#: point (``0.85``, ``12``, ``1e-3``) or a decimal comma (``0,85``); ``1.000`` and ``1,000`` (which
#: read two ways) are :data:`_TWO_WAYS`.
_PLAIN_DOT = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PLAIN_COMMA = r"[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?"
_TWO_WAYS = r"[+-]?[1-9]\d{0,2}[.,]\d{3}"


def read_numbers(
    cells: Sequence[str], where: Callable[[int], str], *, decimal: str | None = None
) -> tuple[np.ndarray, NumberReader]:
    """Many numeric cells of one file as floats under the rules of :func:`parse_number` (one
    decimal mark per file, decided by the cells that read one way only; ``1.000`` / ``1,000`` take
    it, or are refused with both readings when the file shows none). Missing tokens
    (:data:`MISSING_TOKENS`) read as NaN; a workbook's typed number is its own value.

    The same values as :meth:`NumberReader.read` cell by cell, vectorised for large tables (an
    expression matrix): plain decimals, decimal commas and the two-way cells are converted by
    pattern at once; only cells with thousands separators (or not numbers) go cell by cell.
    ``where(i)``: the place of cell ``i`` for a message (file, line, column); ``decimal``: the mark
    to use when no cell decides it.
    Returns the values and the reader (its ``style`` is the file's decimal mark, its
    :meth:`~NumberReader.notes` say what was converted). Raises :class:`ReaderDataError` naming the
    place and value of the first cell that is not a number or is ambiguous.
    """
    cells = list(cells)
    typed = np.array([isinstance(c, TypedNumber) for c in cells], dtype=bool)
    s = pd.Series([str(c) for c in cells], dtype=object).str.strip()
    text = s.to_numpy(dtype=object)
    missing = s.str.lower().isin(MISSING_TOKENS).to_numpy(dtype=bool) & ~typed
    live = ~missing & ~typed
    two_ways = s.str.fullmatch(_TWO_WAYS).to_numpy(dtype=bool) & live
    dot = s.str.fullmatch(_PLAIN_DOT).to_numpy(dtype=bool) & live & ~two_ways
    comma = s.str.fullmatch(_PLAIN_COMMA).to_numpy(dtype=bool) & live & ~two_ways
    other = np.flatnonzero(live & ~dot & ~comma & ~two_ways)
    shows_dot = dot & s.str.contains(".", regex=False).to_numpy(dtype=bool)
    evidence = [text[i] for i in other]
    evidence += [text[np.argmax(m)] for m in (shows_dot, comma) if m.any()]
    reader = NumberReader.for_cells(evidence, decimal)
    values = np.full(len(cells), np.nan)
    values[typed] = [c.value for c, t in zip(cells, typed, strict=True) if t]
    values[dot] = text[dot].astype(float)  # float(): correctly rounded, as NumberReader reads
    values[comma] = np.array([x.replace(",", ".") for x in text[comma]], dtype=object).astype(float)
    reader.counts.update(plain=int(dot.sum()), comma=int(comma.sum()))
    if two_ways.any():
        if reader.style not in (".", ","):
            i = int(np.argmax(two_ways))
            reader.read(text[i], where(i))  # raises: both readings, and why neither is taken
        for i in np.flatnonzero(two_ways):
            mark = "," if "," in text[i] else "."
            if mark == reader.style:
                values[i] = float(text[i].replace(",", "."))
                reader.counts["comma" if mark == "," else "plain"] += 1
            else:
                values[i] = float(text[i].replace(mark, ""))
                reader.counts["grouped"] += 1
    for i in other:
        values[i] = reader.read(text[i], where(int(i)))
    bad = np.flatnonzero(~missing & ~np.isfinite(values))
    if len(bad):
        raise ReaderDataError(f"{where(int(bad[0]))}: {text[bad[0]]!r} is not a finite number")
    return values, reader


def read_matrix(
    path: str | Path, *, label_column: Callable[[list[str]], int | None] | None = None
) -> ReadTable:
    """Read a wide numeric table: a header row, one column of row labels (``label_column(header)``
    picks it; default: the first column), every other named column numeric (an expression matrix:
    genes x samples).

    The file is read as every reader's file is (:func:`read_cells`: encodings and byte-order marks,
    delimiters, workbooks) and its numbers under the same rules (:func:`read_numbers`); empty or
    ``NA`` cells are missing values (NaN); header-less empty columns are dropped. Returns a
    :class:`ReadTable`: index = the row labels (text, stripped), one float column per named column,
    its :class:`ReadInfo` with the decimal mark and notes.

    Raises :class:`ReaderDataError` naming the file, line, column and value of a cell that is not a
    number (a spreadsheet error value, an ambiguous ``1.000`` with both readings), a row longer than
    the header, a column name given twice, or a table without a label column and one value column.
    """
    p = Path(path)
    src = read_cells(p, accept=lambda rows: any(len(r) > 1 for r in rows))
    rows = src.rows
    h0 = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if h0 is None:
        raise ReaderDataError(f"{p}: the file is empty; expected a header line, then one row each")
    header = [h.strip() for h in rows[h0]]
    body = [(h0 + k + 2, r) for k, r in enumerate(rows[h0 + 1 :]) if any(c.strip() for c in r)]
    keep = [
        j for j, h in enumerate(header) if h or any(j < len(r) and r[j].strip() for _, r in body)
    ]
    if len(keep) < 2 or not body:
        raise ReaderDataError(
            f"{p}: a label column and at least one value column with rows below the header are "
            f"needed (found columns: {', '.join(h for h in header if h) or 'none'})"
        )
    for line, r in body:
        if any(c.strip() for c in r[len(header) :]):
            raise ReaderDataError(
                f"{p}, line {line}: {len(r)} fields, but the header (line {h0 + 1}) has "
                f"{len(header)}; a number written with a thousands comma (1,000) in a "
                "comma-separated file splits into two fields: write it without the comma, or quote "
                'it ("1,000")'
            )
    spreadsheet_errors(p, header, body)
    picked = label_column([header[j] for j in keep]) if label_column else None
    gi = keep[picked if picked is not None else 0]
    value_cols = [j for j in keep if j != gi]
    names = [header[j] or f"column {j + 1}" for j in value_cols]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ReaderDataError(
            f"{p}, line {h0 + 1} (header): column '{twice[0]}' appears more than once; give each "
            f"column its own name"
        )
    n = len(body)

    def cell(r: list[str], j: int) -> str:
        return r[j].strip() if j < len(r) else ""

    flat = [cell(r, j) for j in value_cols for _, r in body]

    def where(i: int) -> str:
        return f"{p}, line {body[i % n][0]}, column '{names[i // n]}'"

    values, reader = read_numbers(flat, where, decimal=src.decimal)
    out = pd.DataFrame(
        values.reshape(len(value_cols), n).T,
        columns=names,
        index=pd.Index([cell(r, gi) for _, r in body]),
    )
    notes = [*src.notes, *reader.notes()]
    return attach(
        out,
        ReadInfo(
            path=str(p),
            format="numeric matrix",
            sheet=src.sheet,
            decimal_mark=reader.style,
            notes=tuple(notes),
            labels={"label": header[gi]},
        ),
    )


def _percent_signs(
    p: Path,
    col: Column,
    label: str,
    cells: list[str],
    lines: list[int],
    notes: list[str],
    percent_cols: list[str],
) -> list[str]:
    """Cells with the percent sign removed when ``col`` allows percent and every value carries one
    (the column is then recorded in ``percent_cols`` and read as percent); otherwise a
    :class:`ReaderDataError` naming the first cell with a sign (a column that cannot hold percent)
    or the first without one (a mixed column)."""
    signed = [c.endswith("%") for c in cells]
    if not any(signed):
        return cells
    first = signed.index(True)
    where = f"{p}, line {lines[first]}, column '{label}'"
    if not col.percent_ok:
        raise ReaderDataError(
            f"{where}: {cells[first]!r} carries a percent sign, but this column holds "
            f"{col.help.split(';')[0]}; write the number alone"
        )
    values = [
        i for i, c in enumerate(cells) if not (col.missing_ok and c.lower() in MISSING_TOKENS)
    ]
    plain = [i for i in values if not signed[i]]
    if plain:
        j = plain[0]
        raise ReaderDataError(
            f"{p}, column '{label}': some values carry a percent sign and some do not (line "
            f"{lines[first]}: "
            f"{cells[first]!r}; line {lines[j]}: {cells[j]!r}), so their scale is ambiguous. Write "
            "every value "
            f"as percent of vehicle (85 or 85%) or every value as a fraction (0.85)"
        )
    percent_cols.append(col.name)
    notes.append(f"column '{label}': values written with a percent sign, read as percent")
    out = [c[:-1].strip() if c.endswith("%") else c for c in cells]
    twice = [i for i, c in enumerate(out) if c.endswith("%")]
    if twice:
        raise ReaderDataError(
            f"{p}, line {lines[twice[0]]}, column '{label}': {cells[twice[0]]!r} has more than one "
            "percent sign; write one (85%) or none"
        )
    return out


def spreadsheet_errors(p: Path, header: Sequence[str], body: list[tuple[int, list[str]]]) -> None:
    """Raise :class:`ReaderDataError` listing every spreadsheet error value (``#DIV/0!``, ...) in
    ``body``."""
    found = [
        (line, header[i] if i < len(header) and header[i] else f"#{i + 1}", c.strip())
        for line, r in body
        for i, c in enumerate(r)
        if SPREADSHEET_ERROR.match(c.strip())
    ]
    if found:
        shown = "; ".join(f"line {ln}, column '{h}': {v}" for ln, h, v in found[:5])
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        raise ReaderDataError(
            f"{p}: spreadsheet error value(s) where a measurement should be: {shown}{more}. Fix "
            "the formula "
            "in the spreadsheet and export again, or replace the cell with NA (a missing well, "
            "skipped and "
            f"listed)"
        )


def is_missing(col: Column, cell: str) -> bool:
    """True when ``cell`` is a missing value that ``col`` allows."""
    return col.missing_ok and (cell.lower() in MISSING_TOKENS or cell.lower() in col.missing_words)


def convert(
    p: Path,
    col: Column,
    label: str,
    *,
    cells: list[str],
    lines: list[int],
    factor: float = 1.0,
    reader: NumberReader | None = None,
) -> list:
    """Cells of one column as Python values (text, float times ``factor``, int), NaN for a missing
    value."""
    reader = reader or NumberReader.for_cells(cells)
    out: list = []
    for cell, line in zip(cells, lines, strict=False):
        where = f"{p}, line {line}, column '{label}'"
        if is_missing(col, cell):
            out.append(float("nan"))
            continue
        if cell == "":
            raise ReaderDataError(f"{where}: empty value; expected {col.kind}")
        if col.kind == "text":
            if col.choices and cell not in col.choices:
                raise ReaderDataError(f"{where}: {cell!r} is not one of {', '.join(col.choices)}")
            out.append(cell)
            continue
        bounds = (
            None if col.lo is None else col.lo / factor,
            None if col.hi is None else col.hi / factor,
        )
        v = reader.read(cell, where, bounds)
        if col.kind == "integer":
            if v != int(v):
                raise ReaderDataError(f"{where}: {cell!r} is not a whole number")
            v = int(v)
        else:
            v = v * factor
        out.append(v)
    return out


def check_ranges(df: pd.DataFrame, schema: Schema, hints: dict[str, str] | None = None) -> None:
    """Raise :class:`ReaderDataError` for the first value outside its column's bounds (after
    conversions)."""
    info = read_info(df)
    p, labels = info.path, info.labels
    for col in schema.columns:
        if col.kind == "text" or col.name not in df:
            continue
        v = df[col.name]
        bad = v.notna() & (
            v.lt(col.lo if col.lo is not None else -np.inf)
            | v.gt(col.hi if col.hi is not None else np.inf)
        )
        if bad.any():
            r = df[bad].iloc[0]
            rng = f"{col.lo:g} to {col.hi:g}" if col.hi is not None else f">= {col.lo:g}"
            raise ReaderDataError(
                f"{p}, line {r['line']}, column '{labels.get(col.name, col.name)}': "
                f"{r[col.name]:g} is outside the valid range {rng}"
                + ((hints or {}).get(col.name, ""))
            )


def skip_missing(df: pd.DataFrame, column: str, what: str, *, keys: list[str]) -> pd.DataFrame:
    """Drop rows whose ``column`` is NaN and list them (line and ``keys``) in the table's notes."""
    gone = df[df[column].isna()]
    if not len(gone):
        return df
    listed = "; ".join(
        f"line {r['line']} (" + ", ".join(str(r[k]) for k in keys) + ")"
        for _, r in gone.head(10).iterrows()
    )
    more = f"; and {len(gone) - 10} more" if len(gone) > 10 else ""
    info = read_info(df).with_note(
        f"{len(gone)} missing {what}(s) (NA or empty) skipped: {listed}{more}"
    )
    return attach(df[df[column].notna()].reset_index(drop=True), info)


def note(df: pd.DataFrame, text: str) -> ReadTable:
    """``df`` with a sentence appended to its notes (:class:`ReadInfo`; in place when ``df`` is a
    :class:`ReadTable`)."""
    return attach(df, read_info(df).with_note(text))


__all__ = [
    "ReadInfo",
    "ReadTable",
    "read_info",
    "attach",
    "ReaderDataError",
    "Column",
    "Schema",
    "Cells",
    "NumberReader",
    "AmbiguousNumber",
    "MISSING_TOKENS",
    "SPREADSHEET_ERROR",
    "CONCENTRATION_UNITS",
    "WORKBOOK_SUFFIXES",
    "read_cells",
    "read_rows",
    "read_table",
    "read_matrix",
    "read_numbers",
    "header_index",
    "number_style",
    "parse_number",
    "convert",
    "check_ranges",
    "skip_missing",
    "spreadsheet_errors",
    "is_missing",
    "note",
]
