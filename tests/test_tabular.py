"""One tabular reader under every reader's table: an expression matrix, a GDSC table, a class's
predictions and a roster read their files as a plate file is (encodings, delimiters, decimal commas,
thousands separators, workbooks) and refuse what they cannot read with the file, line, column and
value. Each fixture (tests/fixtures/tabular/, written by its make_fixtures.py) holds one way of
writing numbers or one fault; the test checks the number the file means, or the refusal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jakpersist.loaders import geo, publicdata, tabular
from jakpersist.loaders.tabular import ReaderDataError

FIX = Path(__file__).resolve().parent / "fixtures" / "tabular"
REFERENCE = pd.read_csv(FIX / "m00_matrix_reference.csv", index_col=0)


@pytest.mark.parametrize(
    ("name", "mark"),
    [
        ("m00_matrix_reference.csv", "."),
        ("m01_decimal_comma.csv", ","),
        ("m03_bom_tab_crlf.tsv", "."),
        ("m04_utf16.txt", "."),
        ("m05_cp1252.csv", "."),
        ("m11_workbook.xlsx", None),  # typed workbook numbers show no decimal mark
    ],
)
def test_expression_matrix_reads_the_numbers_the_file_means(name, mark):
    table = tabular.read_matrix(FIX / name)
    assert table.read_info.decimal_mark == mark
    assert list(table.columns) == list(REFERENCE.columns)
    assert list(table.index) == list(REFERENCE.index)
    np.testing.assert_array_equal(table.to_numpy(), REFERENCE.to_numpy())


def test_thousands_dots_with_a_decimal_comma_read_as_thousands():
    table = tabular.read_matrix(FIX / "m02_thousands_dots.csv")
    np.testing.assert_allclose(table.to_numpy(), REFERENCE.to_numpy() * 10, rtol=1e-12)
    assert table.loc["A2M", "n1"] == 2965.2  # written 2.965,20
    assert any("thousands separators" in n for n in table.notes)


def test_encodings_are_stated_in_the_notes():
    assert any("UTF-16" in n for n in tabular.read_matrix(FIX / "m04_utf16.txt").notes)
    cp = tabular.read_matrix(FIX / "m05_cp1252.csv")
    assert any("Windows-1252" in n for n in cp.notes) and cp.read_info.labels["label"] == "gène"
    assert any("sheet 'Matrix'" in n for n in tabular.read_matrix(FIX / "m11_workbook.xlsx").notes)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "m06_ambiguous.csv",
            r"m06_ambiguous.csv, line 2, column 'a': '1.250' is ambiguous: it reads as 1250 "
            r".* or as 1.25",
        ),
        ("m07_div0.csv", r"m07_div0.csv: spreadsheet error .* line 3, column 'a': #DIV/0!"),
        ("m08_thousands_comma_split.csv", r"line 3: 4 fields, but the header .* has 3.*1,000"),
        ("m09_duplicate_sample.csv", r"line 1 \(header\): column 'a' appears more than once"),
    ],
)
def test_expression_matrix_refusals_name_the_place(name, message):
    with pytest.raises(ReaderDataError, match=message):
        tabular.read_matrix(FIX / name)
    with pytest.raises(geo.GeoFileError, match=message):  # the same words through load_expression
        geo.load_expression(FIX / name)


def test_a_decimal_comma_matrix_gives_the_same_expression_data():
    ref = geo.load_expression(FIX / "m00_matrix_reference.csv")
    eu = geo.load_expression(
        FIX / "m01_decimal_comma.csv", sample_sheet_path=str(FIX / "m10_samples_bom.csv")
    )
    pd.testing.assert_frame_equal(eu.expression, ref.expression)
    assert eu.read_info.decimal_mark == "," and any("decimal comma" in n for n in eu.notes)
    chars = dict(zip(eu.samples["sample"], eu.samples["characteristics"], strict=True))
    assert chars["n1"] == "cell_line: HEL; condition: naive"  # the BOM is not part of 'sample'


def test_read_numbers_reads_every_cell_as_the_cell_reader_does():
    """The vectorised path and NumberReader.read agree, value and refusal, on every kind of cell."""
    files = [
        ["0,85", "1.000", "12", "1e3", "NA", ""],
        ["2.25", "1,000", "-1.500", "53,923.4", "1 234.5"],
        ["1.234,5", "0,5", "1.000", "9,5e-1", "-"],
        ["12", "7", "-3"],
        ["1,000"],
        ["3.5", "x"],
        ["0,5", "0.5"],
    ]
    for cells in files:
        reader = tabular.NumberReader.for_cells(cells)
        try:
            want = [
                np.nan if c.lower() in tabular.MISSING_TOKENS else reader.read(c, f"cell {i}")
                for i, c in enumerate(cells)
            ]
        except ReaderDataError as exc:
            with pytest.raises(ReaderDataError, match=str(exc)[:20]):
                tabular.read_numbers(cells, lambda i: f"cell {i}")
            continue
        got, style = tabular.read_numbers(cells, lambda i: f"cell {i}")
        np.testing.assert_array_equal(got, want)
        assert style.style == reader.style and style.notes() == reader.notes()


def test_shipped_gdsc_fast_path_agrees_with_the_tabular_reader():
    fast = publicdata.load_gdsc()
    slow = publicdata.read_gdsc_table(publicdata.GDSC)
    pd.testing.assert_frame_equal(pd.DataFrame(fast), pd.DataFrame(slow))
    assert fast.read_info.format.startswith("GDSC1 release 17 subset (shipped")


def test_a_readers_gdsc_file_is_read_by_the_tabular_reader():
    eu = publicdata.load_gdsc(FIX / "g01_gdsc_decimal_comma.csv")
    shipped = pd.DataFrame(publicdata.load_gdsc()).head(5)
    pd.testing.assert_frame_equal(pd.DataFrame(eu), shipped)
    assert eu.read_info.decimal_mark == ","
    with pytest.raises(
        ReaderDataError,
        match=r"g02_gdsc_not_a_number.csv, line 4, column 'ln_ic50_uM_fedratinib': 'n.d.' is "
        r"not a number",
    ):
        publicdata.load_gdsc(FIX / "g02_gdsc_not_a_number.csv")


def test_pooled_predictions_read_as_written_by_any_spreadsheet():
    from jakpersist.book import course

    ref = course.calibration([FIX / "p00_predictions.csv"])
    eu = course.calibration([FIX / "p01_predictions_excel_de.csv"])
    pd.testing.assert_frame_equal(ref, eu)
    assert list(ref["n"]) == [1, 1] and ref["brier"].tolist() == [0.0625, 0.81]
    with pytest.raises(
        ReaderDataError, match=r"p02_predictions_bad.csv, line 3, column 'confidence': 'high'"
    ):
        course.calibration([FIX / "p02_predictions_bad.csv"])


def test_a_roster_with_a_byte_order_mark():
    from jakpersist.book.assign import read_roster

    assert read_roster(FIX / "r01_roster_bom.csv") == ["s001", "s002"]
    with pytest.raises(ValueError, match=r"r02_roster_bad_id.csv: line 3: 's 002' is not a plain"):
        read_roster(FIX / "r02_roster_bad_id.csv")


def test_no_module_keeps_reader_metadata_in_dataframe_attrs():
    """The typed ReadTable.read_info is the one carrier: no module of the package reads or writes
    ``DataFrame.attrs``."""
    import ast

    pkg = Path(__file__).resolve().parent.parent / "jakpersist"
    uses = [
        f"{p.relative_to(pkg)}:{node.lineno}"
        for p in sorted(pkg.rglob("*.py"))
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "attrs"
    ]
    assert uses == []


def test_reader_notes_reach_the_chapter_through_the_claim():
    """What the reader found in the file follows the table through the claim to the page."""
    import jakpersist as jp
    from jakpersist import claims

    ct = jp.read_qpcr(FIX.parents[1] / "fixtures" / "exports" / "q10_cfx_export.csv")
    details = claims.evaluate("C4", data=ct).details
    assert isinstance(details.ct, tabular.ReadTable)
    assert details.ct.read_info.path.endswith("q10_cfx_export.csv")
    assert any("sample sheet q10_cfx_export.samples.csv" in n for n in details.ct.notes)


def test_a_roster_row_without_its_id_is_refused_naming_the_line():
    from jakpersist.book.assign import read_roster

    with pytest.raises(
        ValueError, match=r"r03_roster_short_row\.csv: line 3: no student ID in column 2"
    ):
        read_roster(FIX / "r03_roster_short_row.csv")
