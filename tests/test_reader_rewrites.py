"""No silent change, as a property: a valid file rewritten the ways spreadsheets write it gives the
same numbers as the original, or a refusal that names the line; never a different number.

Rewrites drawn by Hypothesis: delimiter (, ; tab), decimal comma, thousands separators (``,`` ``.``
space, no-break, thin and narrow no-break spaces, apostrophe), quoting (minimal or all), header case
and spacing, a byte-order mark, CRLF line ends, UTF-16, extra empty and named columns, blank lines,
title lines above the header; an Excel workbook (typed numbers, written with openpyxl) instead of
text; for plate-reader grids also column headers written ``01``, a corner marker and a read label
after each row, and blank rows inside the grid.

The suite runs a bounded number of examples (``JAK_REWRITE_EXAMPLES``, default 60 per test: a few
seconds); ``benchmarks/reader_rewrites.py`` runs the same properties longer.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jakpersist.loaders import platemap
from jakpersist.loaders.readers import PLATE
from jakpersist.loaders.tabular import ReaderDataError, read_table

EXAMPLES = int(os.environ.get("JAK_REWRITE_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LINE = re.compile(r"line \d+")
SPACES = [" ", "\u00a0", "\u2009", "\u202f"]


def _number(m: int, k: int) -> tuple[str, float]:
    """The canonical text and value of m / 10**k."""
    neg = m < 0
    digits = str(abs(m)).rjust(k + 1, "0")
    text = ("-" if neg else "") + (digits[:-k] + "." + digits[-k:] if k else digits)
    return text, float(text)


@st.composite
def styles(draw):
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    decimal = draw(st.sampled_from([".", ","]))
    thousands = draw(st.sampled_from([None, None, *SPACES, "'", "," if decimal == "." else "."]))
    return {
        "delimiter": delimiter,
        "decimal": decimal,
        "thousands": thousands,
        "quote_all": draw(st.booleans()),
        "bom": draw(st.booleans()),
        "crlf": draw(st.booleans()),
        "utf16": draw(st.booleans()),
        "blank_lines": draw(st.booleans()),
        "title": draw(st.booleans()),
        "empty_col": draw(st.booleans()),
        "extra_col": draw(st.booleans()),
        "header_case": draw(st.sampled_from(["same", "upper", "title", "spaced"])),
    }


def _fmt(text: str, style: dict) -> str:
    """Write a canonical number as the style does (decimal mark, thousands separators on the integer
    part)."""
    sign = "-" if text.startswith("-") else ""
    body = text.lstrip("-")
    whole, _, frac = body.partition(".")
    if style["thousands"] and len(whole) > 3:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = style["thousands"].join([whole, *groups])
    return sign + whole + (style["decimal"] + frac if frac else "")


def _write(rows: list[list[str]], style: dict, path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(
        buf,
        delimiter=style["delimiter"],
        lineterminator="\r\n" if style["crlf"] else "\n",
        quoting=csv.QUOTE_ALL if style["quote_all"] else csv.QUOTE_MINIMAL,
    )
    if style["title"]:
        w.writerow(["Exported from the plate reader"])
    for i, r in enumerate(rows):
        w.writerow(r)
        if style["blank_lines"] and i % 7 == 3:
            w.writerow([])
    text = buf.getvalue()
    if style["utf16"]:
        path.write_bytes(text.encode("utf-16"))
    else:
        path.write_bytes((b"\xef\xbb\xbf" if style["bom"] else b"") + text.encode("utf-8"))


@st.composite
def tidy_tables(draw):
    """A valid plate table: 2 populations x 1-2 drugs x 4-6 doses x 1-3 replicates; numbers with 0-4
    decimals."""
    drugs = draw(st.sampled_from([["ruxolitinib"], ["ruxolitinib", "fedratinib"]]))
    n_dose = draw(st.integers(4, 6))
    dose_k = draw(st.integers(0, 3))
    doses = sorted(
        draw(st.lists(st.integers(1, 3_000_000), min_size=n_dose, max_size=n_dose, unique=True))
    )
    via_k = draw(st.integers(0, 4))
    reps = draw(st.integers(1, 3))
    rows = []
    for pop in ("naive", "persistent"):
        for drug in drugs:
            for m in [0, *doses]:
                for r in range(1, reps + 1):
                    v = draw(st.integers(0, 13 * 10**via_k // 10))
                    rows.append([pop, drug, _number(m, dose_k), r, _number(v, via_k)])
    return rows


HEAD = ["population", "drug", "dose_nM", "replicate", "viability"]


def _header(style: dict) -> list[str]:
    f = {"same": str, "upper": str.upper, "title": str.title, "spaced": lambda h: f"  {h} "}[
        style["header_case"]
    ]
    return [f(h) for h in HEAD]


@given(table=tidy_tables(), style=styles(), workbook=st.booleans())
@SETTINGS
def test_tidy_rewrite_same_numbers_or_refusal_naming_the_line(
    tmp_path_factory, table, style, workbook
):
    d = tmp_path_factory.mktemp("tidy")
    plain = {
        "delimiter": ",",
        "decimal": ".",
        "thousands": None,
        "quote_all": False,
        "bom": False,
        "crlf": False,
        "utf16": False,
        "blank_lines": False,
        "title": False,
        "empty_col": False,
        "extra_col": False,
        "header_case": "same",
    }
    _write(
        [HEAD] + [[p, dr, x[0], str(r), v[0]] for p, dr, x, r, v in table], plain, d / "orig.csv"
    )
    try:
        ref = read_table(d / "orig.csv", PLATE)
    except (
        ReaderDataError
    ) as exc:  # the original itself is refused (e.g. only numbers like 1.000): same rule
        assert LINE.search(str(exc)), str(exc)
        ref = None
    head = (
        _header(style)
        + ([""] if style["empty_col"] else [])
        + (["comment"] if style["extra_col"] else [])
    )
    body = [
        [p, dr, _fmt(x[0], style), str(r), _fmt(v[0], style)]
        + ([""] if style["empty_col"] else [])
        + (["ok"] if style["extra_col"] else [])
        for p, dr, x, r, v in table
    ]
    target = d / "rewritten.csv"
    if workbook:  # typed numbers in an Excel workbook, after a settings sheet
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active.title = "Settings"
        wb.active.append(["Exported by", "a spreadsheet"])
        ws = wb.create_sheet("Data")
        ws.append(head)
        for (p, dr, x, r, v), row in zip(table, body, strict=False):
            ws.append([p, dr, x[1], r, v[1], *row[5:]])
        target = d / "rewritten.xlsx"
        wb.save(target)
    else:
        _write([head] + body, style, target)
    try:
        got = read_table(target, PLATE)
    except ReaderDataError as exc:
        assert LINE.search(str(exc)), f"a refusal must name the line: {exc}"
        event("refused: " + re.sub(r"^.*?: (line \d+[^:]*: )?", "", str(exc))[:60])
        return
    event("same numbers")
    want = [(x[1], v[1]) for _, _, x, _, v in table]
    assert list(zip(got["dose_nM"], got["viability"], strict=False)) == want, (
        "a rewrite changed a number"
    )
    if ref is not None:
        assert list(ref["dose_nM"]) == list(got["dose_nM"])


@st.composite
def grids(draw):
    k = draw(st.integers(0, 2))
    return [[_number(draw(st.integers(0, 9_000_000)), k) for _ in range(12)] for _ in range(8)]


@given(
    grid=grids(),
    style=styles(),
    zero_pad=st.booleans(),
    corner=st.sampled_from(["", "<>", "Plate"]),
    label=st.booleans(),
)
@SETTINGS
def test_grid_rewrite_same_numbers_or_refusal_naming_the_line(
    tmp_path_factory, grid, style, zero_pad, corner, label
):
    d = tmp_path_factory.mktemp("grid")
    head = [corner] + [f"{c:02d}" if zero_pad else str(c) for c in range(1, 13)]
    rows = [head] + [
        [L] + [_fmt(t, style) for t, _ in row] + (["Lum"] if label else [])
        for L, row in zip("ABCDEFGH", grid, strict=False)
    ]
    style = {**style, "empty_col": False, "extra_col": False}
    _write(rows, style, d / "g.csv")
    try:
        got = platemap.read_grid(d / "g.csv")
    except ReaderDataError as exc:
        assert LINE.search(str(exc)), f"a refusal must name the line: {exc}"
        event("refused: " + re.sub(r"^.*?: (line \d+[^:]*: )?", "", str(exc))[:60])
        return
    event("same numbers")
    want = [v for row in grid for _, v in row]
    assert list(got["signal"]) == want, "a rewrite changed a number"


def test_examples_bounded_in_the_suite():
    assert EXAMPLES >= 1
    if "JAK_REWRITE_EXAMPLES" not in os.environ:
        assert EXAMPLES <= 100, "the suite runs a bounded number of examples"


@pytest.mark.parametrize("text, value", [("1\u202f234,5", 1234.5), ("1'234.5", 1234.5)])
def test_space_and_apostrophe_groups(tmp_path, text, value):
    p = tmp_path / "t.csv"
    p.write_text(
        "population;drug;dose_nM;replicate;viability\n"
        + "".join(f"naive;rux;{text};{r};0,5\n" for r in (1, 2)),
        encoding="utf-8",
    )
    assert list(read_table(p, PLATE)["dose_nM"]) == [value, value]
