"""Lab files as instruments and spreadsheets write them: each kind of export is read to the same
numbers as the clean file, or refused with the file, line, cell and both readings.

Fixtures in ``tests/fixtures/exports/`` are copies of the synthetic export cases (LL4 curves, bottom
0.05, top 1, Hill 1.2; naive GI50 near 250 nM, persistent near 2,500 nM). The plate cases run the C1
analysis and rule as the chapter does (``c1_on_plate``), without papermill, to stay fast.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jakpersist.analysis import doseresponse as dr
from jakpersist.analysis import qpcr
from jakpersist.loaders import platemap, readers, tabular
from jakpersist.loaders.tabular import ReaderDataError
from tests.test_shared_cases import c1_on_plate

EX = Path(__file__).resolve().parent / "fixtures" / "exports"
COLS = ["population", "drug", "dose_nM", "viability"]


def _key(df: pd.DataFrame) -> pd.DataFrame:
    return df[COLS].sort_values(COLS[:3] + ["viability"], kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def grid_ref() -> pd.DataFrame:
    return readers.read_plate(EX / "s00_grid_reference.csv")


@pytest.mark.parametrize(
    "name",
    [
        "s01_grid_thousands.csv",
        "s02_grid_eu_thousands.csv",
        "s04_workbook_grid.xlsx",
        "s05_grid_read_label.csv",
        "s06_well_list.csv",
    ],
)
def test_grid_exports_give_the_reference_numbers(name, grid_ref):
    df = readers.read_plate(EX / name)
    pd.testing.assert_frame_equal(_key(df), _key(grid_ref), rtol=1e-12)


def test_thousands_separators_are_noted_and_workbook_sheets_listed():
    notes = readers.read_plate(EX / "s01_grid_thousands.csv").notes
    assert any("thousands separators" in n for n in notes)
    notes = readers.read_plate(EX / "s04_workbook_grid.xlsx").notes
    assert any("sheet 'Results' read; other sheet(s) ignored: Settings" in n for n in notes)


def test_ods_tidy_table_gives_the_csv_numbers():
    a = readers.read_plate(EX / "s00_tidy_reference.csv")
    b = readers.read_plate(EX / "s03_tidy.ods")
    pd.testing.assert_frame_equal(_key(a), _key(b))


def test_vehicle_rows_serve_every_drug_and_c1_is_supported():
    ref, _, _, fref = c1_on_plate(EX / "s00_tidy_reference.csv")
    df = readers.read_plate(EX / "s07_vehicle_rows.csv")
    assert not set(df["drug"]) & {"vehicle"}
    assert (df[df["dose_nM"] == 0].groupby(["population", "drug"]).size() == 3).all()
    assert any("serve every drug" in n for n in df.notes)
    verdict, _, _, folds = c1_on_plate(EX / "s07_vehicle_rows.csv")
    assert ref and verdict
    assert abs(folds["fold"].min() / fref["fold"].min() - 1) < 0.05


def test_vehicle_name_with_a_dose_is_refused(tmp_path):
    p = tmp_path / "v.csv"
    p.write_text(
        (EX / "s07_vehicle_rows.csv")
        .read_text()
        .replace("naive,vehicle,0,1,", "naive,DMSO,0.1,1,", 1)
    )
    with pytest.raises(
        ReaderDataError, match=r"line 2: drug 'DMSO' \(a vehicle / control\) at dose 0.1"
    ):
        readers.read_plate(p)


def test_precipitation_at_the_top_doses_is_excluded_flagged_and_verdict_kept():
    _, _, clean, _ = c1_on_plate(EX / "s00_tidy_reference.csv")
    verdict, _, summary, _ = c1_on_plate(EX / "s08_precipitate_top_doses.csv")
    row = summary.set_index(["population", "drug"]).loc[("naive", "fedratinib")]
    ref = clean.set_index(["population", "drug"]).loc[("naive", "fedratinib"), "GI50_nM"]
    assert verdict is True
    assert 1 / 1.5 < row["GI50_nM"] / ref < 1.5
    assert "end-of-range rise" in row["flags"] and row["excluded_top_doses"] == "9000, 27000"
    # the clean file's curves are not touched
    assert not clean["excluded_top_doses"].str.len().any()


def test_end_of_range_rule_needs_a_rise_beyond_noise():
    d = np.repeat([4, 12, 37, 111, 333, 1000, 3000, 9000, 27000], 3).astype(float)
    y = 0.05 + 0.95 / (1 + (d / 250) ** 1.2)
    rng = np.random.default_rng(3)
    assert dr.end_of_range_rise(d, y + rng.normal(0, 0.02, d.size)).excluded_doses == ()
    y2 = y.copy()
    y2[d >= 9000] += 0.3
    assert dr.end_of_range_rise(d, y2 + rng.normal(0, 0.02, d.size)).excluded_doses == (
        9000.0,
        27000.0,
    )
    y3 = y.copy()
    y3[d >= 1000] += 0.3  # a rise over four levels is a shape, not an end-of-range artefact
    assert dr.end_of_range_rise(d, y3).excluded_doses == ()


def test_cfx_export_with_sample_sheet():
    df = readers.read_qpcr(EX / "q10_cfx_export.csv")
    fold = qpcr.ddct(qpcr.delta_ct(df), "persistent")
    assert 1.5 < fold.fold < 2.4
    assert any("sample sheet q10_cfx_export.samples.csv" in n for n in df.notes)


def test_cfx_export_without_sample_sheet_names_columns_and_file(tmp_path):
    p = tmp_path / "run7.csv"
    p.write_text((EX / "q10_cfx_export.csv").read_text())
    with pytest.raises(
        ReaderDataError, match=r"columns 'Sample', 'Target', 'Cq' found.*run7\.samples\.csv"
    ):
        readers.read_qpcr(p)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text((EX / "q10_cfx_export.samples.csv").read_text())
    assert len(readers.read_qpcr(p, samples=sheet)) == 48


def test_quantstudio_export_star_lines_and_undetermined(tmp_path):
    lines = [
        "* Block Type = 96-Well Block (0.2mL)",
        "* Chemistry = SYBR_GREEN",
        "* Experiment Name = jak2",
        "",
        "[Results]",
        "Well,Well Position,Omit,Sample Name,Target Name,Task,Reporter,Quencher,CT,Ct Mean",
    ]
    sheet = ["sample,population,replicate"]
    k = 0
    for pop, dj in (("naive", 0.0), ("persistent", -1.0)):
        for rep in (1, 2, 3):
            sheet.append(f"{pop}-{rep},{pop},{rep}")
            for gene, base in (("JAK2", 25.0 + dj), ("ACTB", 18.0)):
                k += 1
                lines.append(
                    f"{k},A{k},false,{pop}-{rep},{gene},UNKNOWN,SYBR,None,{base + 0.01 * rep:.3f},"
                )
    lines.append(f"{k + 1},H12,false,,JAK2,NTC,SYBR,None,Undetermined,")
    lines.append(f"{k + 2},H11,false,naive-1,JAK2,UNKNOWN,SYBR,None,Undetermined,")
    p = tmp_path / "qs.csv"
    p.write_text("\n".join(lines) + "\n")
    (tmp_path / "qs.samples.csv").write_text("\n".join(sheet) + "\n")
    df = readers.read_qpcr(p, "JAK2")
    assert len(df) == 12
    fold = qpcr.ddct(qpcr.delta_ct(df), "persistent")
    assert fold.fold == pytest.approx(2.0, rel=1e-6)
    notes = " ".join(df.notes)
    assert "controls / standards skipped" in notes and "missing reaction(s)" in notes


# ------------------------------------------------------------------------------------- number rules


@pytest.mark.parametrize(
    "cells, style, want",
    [
        (["1,000", "0.5"], ".", 1000.0),
        (["1,000", "0,5"], ",", 1.0),
        (["1.000", "0,5"], ",", 1000.0),
        (["1.000", "2.25"], ".", 1.0),
        (["52,113.4"], ".", 52113.4),
        (["52.113,4"], ",", 52113.4),
        (["52\u202f113,4"], ",", 52113.4),
        (["52\u2009113.4"], ".", 52113.4),
        (["52 113"], None, 52113.0),
        (["1,000,000"], ".", 1e6),
        (["9,5e-1"], ",", 0.95),
        (["-1,5"], ",", -1.5),
        (["0.982"], ".", 0.982),
    ],
)
def test_numbers_as_people_write_them(cells, style, want):
    assert tabular.number_style(cells) == style
    assert tabular.parse_number(cells[0], style)[0] == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(
    "cell, readings",
    [("1,000", (1000.0, 1.0)), ("1.000", (1000.0, 1.0)), ("12.500", (12500.0, 12.5))],
)
def test_ambiguous_number_refused_with_both_readings(cell, readings):
    style = tabular.number_style([cell, "12", "5"])
    assert style is None
    with pytest.raises(tabular.AmbiguousNumber) as exc:
        tabular.parse_number(cell, style)
    assert exc.value.readings == readings


def test_us_dose_1000_in_a_tidy_file(tmp_path):
    """A quoted "1,000" dose is one thousand in a file that writes decimal points, and is refused
    (line, column, both readings) in a file that shows no decimal mark at all."""
    text = (EX / "s00_tidy_reference.csv").read_text()
    p = tmp_path / "us.csv"
    p.write_text(text.replace(",1000,", ',"1,000",').replace(",27000,", ',"27,000",'))
    a, b = readers.read_plate(EX / "s00_tidy_reference.csv"), readers.read_plate(p)
    pd.testing.assert_frame_equal(_key(a), _key(b))
    q = tmp_path / "ambiguous.csv"
    q.write_text(
        "population,drug,dose_nM,replicate,viability\n"
        + "".join(
            f'{pop},rux,"{d}",{r},{v}\n'
            for pop in ("naive", "persistent")
            for d, v in (("0", 1), ("10", 1), ("100", 1), ("1,000", 0), ("3,000", 0))
            for r in (1, 2)
        )
    )
    with pytest.raises(
        ReaderDataError,
        match=r"line 8, column 'dose_nM': '1,000' is ambiguous: it reads as 1000 "
        r".* or as 1 ",
    ):
        readers.read_plate(q)


def test_grid_and_tidy_read_the_same_cell_the_same_way(tmp_path):
    """The decimal-comma rule is one: 9,5e-1 is 0.95 in a tidy table and in a grid."""
    cell = tabular.parse_number("9,5e-1", tabular.number_style(["9,5e-1"]))[0]
    assert cell == pytest.approx(0.95)
    text = (EX / "s02_grid_eu_thousands.csv").read_text().replace("681,2", "6,812e2", 1)
    p = tmp_path / "g.csv"
    p.write_text(text)
    (tmp_path / "g.map.csv").write_text((EX / "s02_grid_eu_thousands.map.csv").read_text())
    g = platemap.read_grid(p)
    assert g.loc[g["well"] == "A1", "signal"].item() == pytest.approx(681.2)


def test_grid_header_with_leading_zeros_corner_marker_and_two_blocks(tmp_path):
    ref = platemap.read_grid(EX / "s00_grid_reference.csv")
    rows = (EX / "s00_grid_reference.csv").read_text().splitlines()
    header = "<>," + ",".join(f"{c:02d}" for c in range(1, 13))
    block = [header, *rows[1:]]
    p = tmp_path / "two.csv"
    p.write_text(
        "\n".join(
            ["Software,Gen5 3.1", "Read,Luminescence", "", "Plate 1", *block, "", "Plate 2", *block]
        )
        + "\n"
    )
    g = platemap.read_grid(p)
    assert list(dict.fromkeys(g["plate"])) == ["Plate 1", "Plate 2"]
    np.testing.assert_allclose(g[g["plate"] == "Plate 2"]["signal"], ref["signal"])


def test_well_list_with_two_digit_wells(tmp_path):
    text = (EX / "s06_well_list.csv").read_text()
    import re

    p = tmp_path / "wl.csv"
    p.write_text(re.sub(r"^([A-H])(\d),", r"\g<1>0\2,", text, flags=re.M))
    g = platemap.read_grid(p)
    ref = platemap.read_grid(EX / "s06_well_list.csv")
    pd.testing.assert_frame_equal(g[["well", "signal"]], ref[["well", "signal"]])


def test_no_import_cycle_between_readers_and_platemap():
    import ast

    src = (Path(platemap.__file__)).read_text()
    imported = {n.module for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ImportFrom)}
    assert "readers" not in imported and "tabular" in imported


# -------------------------------------------------------------------- the Your-data page's examples

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"


def test_each_export_form_example_reads_and_the_plate_forms_agree():
    """One example per accepted form (workbook, reader grid, well list) gives one and the same plate
    table, and C1 runs on it; the CFX export + sample sheet gives the Ct values of the tidy qPCR
    example."""
    tables = [
        _key(readers.read_plate(EXAMPLES / n))
        for n in ("plate_export_workbook.xlsx", "plate_export_grid.csv", "plate_export_wells.csv")
    ]
    for t in tables[1:]:
        pd.testing.assert_frame_equal(t, tables[0])
    verdict, _, _, _ = c1_on_plate(EXAMPLES / "plate_export_grid.csv")
    assert verdict is True
    q = readers.read_qpcr(EXAMPLES / "qpcr_export_cfx.csv")
    t = readers.read_qpcr(EXAMPLES / "qpcr_example.csv")
    np.testing.assert_array_equal(q["ct"], t["ct"])
    assert list(q["population"]) == list(t["population"])


def test_export_examples_are_labelled_simulated_and_reproducible(tmp_path):
    from jakpersist.loaders import export_examples

    written = export_examples.write_all(tmp_path, record=False)
    for p in written:
        assert p.read_bytes() == (EXAMPLES / p.name).read_bytes(), (
            f"{p.name} differs from the shipped example"
        )
        if p.suffix == ".csv":
            assert "SIMULATED" in p.read_text()
    book = pd.read_excel(
        EXAMPLES / "plate_export_workbook.xlsx", sheet_name=None, header=None, engine="calamine"
    )
    assert any("SIMULATED" in str(v) for df in book.values() for v in df.values.ravel())


def test_imagej_results_with_lane_map(tmp_path):
    bands = pd.read_csv(EXAMPLES / "bands_example.csv")
    lines = [" ,Label,Area,Mean,IntDen,RawIntDen"]
    for i, r in enumerate(bands.itertuples(), 1):
        lines.append(
            f"{i},blot{r.blot}.tif:{i},1200,{r.intensity / 1200:.6f},"
            f"{r.intensity},{r.intensity * 3}"
        )
    p = tmp_path / "results.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        ReaderDataError,
        match=r"ImageJ Results table \(columns 'Label', 'IntDen' found.*"
        r"results\.lanes\.csv",
    ):
        readers.read_bands(p, ("JAK2",))
    lanes = bands[["blot", "population", "target"]].assign(band=range(1, len(bands) + 1))
    lanes.to_csv(tmp_path / "results.lanes.csv", index=False)
    got = readers.read_bands(p, ("JAK2", "JAK1", "pSTAT5"))
    want = readers.read_bands(EXAMPLES / "bands_example.csv", ("JAK2",))
    np.testing.assert_allclose(got["intensity"], want["intensity"], rtol=1e-12)
    assert list(got["target"]) == list(want["target"])
    assert any("matched by row number" in n and "intensity = IntDen" in n for n in got.notes)


def test_wellmap_toml_plate_map_gives_the_csv_map_numbers(tmp_path, grid_ref):
    layout = [
        ("naive", "ruxolitinib"),
        ("naive", "ruxolitinib"),
        ("persistent", "ruxolitinib"),
        ("persistent", "ruxolitinib"),
        ("naive", "fedratinib"),
        ("naive", "fedratinib"),
        ("persistent", "fedratinib"),
        ("persistent", "fedratinib"),
    ]
    doses = [4, 12, 37, 111, 333, 1000, 3000, 9000, 27000]
    toml = ["[expt]", 'source = "SIMULATED layout of the grid cases"', ""]
    for L, (pop, drug) in zip("ABCDEFGH", layout, strict=False):
        toml += [f"[row.{L}]", f'population = "{pop}"', f'drug = "{drug}"', ""]
    toml += [
        "[col.1]",
        'role = "blank"',
        "",
        "[col.12]",
        'role = "blank"',
        "",
        "[col.2]",
        'role = "vehicle"',
        "",
    ]
    for c, d in enumerate(doses, 3):
        toml += [f"[col.{c}]", 'role = "treated"', f"dose_nM = {d}", ""]
    (tmp_path / "layout.toml").write_text("\n".join(toml))
    (tmp_path / "grid.csv").write_text((EX / "s00_grid_reference.csv").read_text())
    (tmp_path / "set.yml").write_text("grid: grid.csv\nmap: layout.toml\n")
    df = readers.read_plate(tmp_path / "set.yml")
    pd.testing.assert_frame_equal(_key(df), _key(grid_ref))
    assert any("wellmap layout" in n for n in df.notes)


# --- typed workbook numbers and exponents never decide (or take) a decimal mark -------------------

REVIEW = Path(__file__).resolve().parent / "fixtures" / "exports" / "review"


@pytest.mark.parametrize("name", ["t19_wb_typed_vs_text.xlsx", "t20_wb_one_text_comma.xlsx"])
def test_typed_workbook_numbers_keep_their_value_beside_text_with_decimal_commas(name):
    """Doses typed as numbers (4.572 nM) beside viabilities stored as text with decimal commas
    ("0,9647"): the typed cells are their own values (never read as 4572), the text cells decide
    nothing about them."""
    got = readers.read_plate(REVIEW / name)
    typed = [0.0, 4.572, 13.717, 41.152, 123.457]  # the lowest doses as typed in the workbook (nM)
    assert sorted(got["dose_nM"].unique())[:5] == typed and got["dose_nM"].max() == 10000.0
    assert got["viability"].between(-0.1, 1.2).all()
    assert not any("thousands" in n for n in got.notes)


def test_an_exponent_without_a_decimal_point_shows_no_decimal_mark():
    """``1E+03`` shows no decimal mark, so cells such as ``40.804`` in a file with no other evidence
    stay ambiguous and are refused with both readings (before, the exponent made them silently
    40.804)."""
    from jakpersist.loaders import tabular

    assert tabular.number_style(["1E+03", "12"]) is None
    assert tabular.number_style(["1.5E+03"]) == "."
    with pytest.raises(
        ReaderDataError, match=r"line 7, well A2 .*'40.804' is ambiguous.*40804 .* 40.804"
    ):
        platemap.read_plate_set(REVIEW / "t14_eu_grid_sci.csv")


def test_typed_number_is_its_own_value():
    from jakpersist.loaders import tabular

    t = tabular.TypedNumber(4.572)
    assert t == "4.572" and t.strip() is t and tabular.parse_number(t, ",") == (4.572, "plain")
    assert tabular.parse_number("4.572", ",") == (
        4572.0,
        "grouped",
    )  # the same text, typed by hand, is not


def test_thousands_commas_that_split_a_row_are_named_with_what_to_do():
    with pytest.raises(
        ReaderDataError,
        match=r"line 8: 6 fields \(naive, ruxolitinib, 1, 111.111, 1, .*"
        r"header has 5 .*thousands comma.*quote it",
    ):
        readers.read_plate(REVIEW / "t16_unquoted.csv")


def test_windows_1252_text_is_read_with_a_note():
    """Excel's "CSV (Comma delimited)" on Windows writes Windows-1252: the µ of dose_µM is byte
    0xB5."""
    got = readers.read_plate(REVIEW / "t33_cp1252_mu.csv")
    assert any("Windows-1252" in n for n in got.notes)
    assert any("µM" in n and "x1000" in n for n in got.notes)


def test_every_reader_returns_its_metadata_typed():
    """One carrier of the metadata: a reader returns a ReadTable whose typed ``read_info`` (a frozen
    ReadInfo: file, format, sheet, decimal mark, notes, labels) follows the table; nothing is kept
    in DataFrame.attrs."""
    eu_table = readers.read_plate(EX / "s02_grid_eu_thousands.csv")
    eu = tabular.read_info(eu_table)
    assert isinstance(eu_table, tabular.ReadTable) and eu_table.read_info == eu
    assert isinstance(eu, tabular.ReadInfo) and eu.path.endswith("s02_grid_eu_thousands.csv")
    assert eu.format.startswith("plate grid(s) with a plate map") and eu.notes
    assert eu.decimal_mark == ","  # the mark the grid used (1.234,5), not None
    ref = tabular.read_info(readers.read_plate(EX / "s00_grid_reference.csv"))
    assert ref.decimal_mark in (".", None)
    grid = tabular.read_info(platemap.read_grid(EX / "s02_grid_eu_thousands.csv"))
    assert grid.format == "grid" and grid.decimal_mark == ","
    book = tabular.read_info(platemap.read_grid(EX / "s04_workbook_grid.xlsx"))
    assert book.sheet == "Results"
    tidy = readers.read_plate(EX / "s00_tidy_reference.csv")
    info = tabular.read_info(tidy)
    assert info.format == "plate viability" and info.labels["dose_nM"] and info.notes == tidy.notes
    tabular.note(tidy, "checked by hand")
    assert tabular.read_info(tidy).notes[-1] == "checked by hand" == tidy.notes[-1]
    subset = tidy[tidy["replicate"] == 1].assign(checked=True)
    assert subset.read_info == tidy.read_info  # follows selections and new columns
    assert not any(t.attrs for t in (eu_table, tidy, subset))
    assert tabular.read_info(pd.DataFrame({"a": [1]})) == tabular.ReadInfo()  # built by hand
    with pytest.raises(AttributeError):
        info.path = "elsewhere"  # frozen
