"""Reader-data files: the example loads, malformed files give errors naming line and column."""

import re
from pathlib import Path

import pytest

from jakpersist.loaders.readers import ReaderDataError, read_plate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "plate_example.csv"


def _write(tmp_path, text):
    p = tmp_path / "plate.csv"
    p.write_text(text)
    return p


def test_example_plate_loads():
    df = read_plate(EXAMPLE)
    assert {"naive", "persistent"} <= set(df.population)
    assert df.source.iloc[0].startswith("your data")


@pytest.mark.parametrize(
    "body,fragment",
    [
        (
            "population,drug,dose_nM,replicate,viability\nnaive,rux,ten,1,0.9\n",
            "line 2, column 'dose_nM': 'ten' is not a number",
        ),
        (
            "population,drug,dose_nM,replicate,viability\nnaive,rux,1,1,0.9\nnaive,rux,-3,1,0.9\n",
            "line 3, column 'dose_nM': -3 is outside",
        ),
        (
            "population,drug,dose_nM,replicate,viability\nnaive,rux,1,1.5,0.9\n",
            "line 2, column 'replicate'",
        ),
        (
            "population,drug,dose_nM,viability\nnaive,rux,1,0.9\n",
            "line 1 (header): missing column(s) replicate",
        ),
        (
            "population,drug,dose_nM,replicate,viability\nnaive,rux,1,1\n",
            "line 2: 4 fields (naive, rux, 1, 1), but the header has 5",
        ),
        (
            "population,drug,dose_nM,replicate,viability\nnaive,rux,1,1,\n",
            "every well's viability is missing (NA or empty)",
        ),
        (
            "population,drug,dose_nM,replicate,viability\nnaive,rux,,1,0.9\n",
            "line 2, column 'dose_nM': empty value",
        ),
        ("", "the file is empty"),
        ("population,drug,dose_nM,replicate,viability\n", "no data rows"),
    ],
)
def test_malformed_files(tmp_path, body, fragment):
    with pytest.raises(ReaderDataError) as e:
        read_plate(_write(tmp_path, body))
    assert fragment in str(e.value)


def test_missing_population_and_too_few_doses(tmp_path):
    rows = "".join(f"naive,rux,{d},1,0.9\n" for d in (1, 10, 100))
    with pytest.raises(ReaderDataError, match="no rows for persistent"):
        read_plate(_write(tmp_path, "population,drug,dose_nM,replicate,viability\n" + rows))
    rows2 = rows + "persistent,rux,1,1,0.9\npersistent,rux,10,1,0.9\n"
    with pytest.raises(
        ReaderDataError, match="'persistent', drug 'rux' has 2 distinct positive doses"
    ):
        read_plate(_write(tmp_path, "population,drug,dose_nM,replicate,viability\n" + rows2))


def test_binary_file_is_a_clear_error(tmp_path):
    p = tmp_path / "plate.csv"
    p.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(ReaderDataError, match="not a UTF-8 text file"):
        read_plate(p)


def test_example_bands_and_qpcr_load():
    from jakpersist.loaders.readers import read_bands, read_qpcr

    assert set(read_bands(ROOT / "data/examples/bands_example.csv", ("JAK1", "pSTAT5")).target) >= {
        "JAK1",
        "pSTAT5",
    }
    assert set(read_qpcr(ROOT / "data/examples/qpcr_example.csv").gene) == {"JAK2", "ACTB"}


def test_bands_without_a_needed_target(tmp_path):
    from jakpersist.loaders.readers import read_bands

    p = _write(
        tmp_path, "blot,population,target,intensity\n1,naive,JAK2,10\n1,persistent,JAK2,12\n"
    )
    with pytest.raises(ReaderDataError, match="no bands for JAK1"):
        read_bands(p, ("JAK2", "JAK1"))


def test_qpcr_with_three_genes(tmp_path):
    from jakpersist.loaders.readers import read_qpcr

    p = _write(
        tmp_path,
        "population,replicate,gene,ct\nnaive,1,JAK2,24\npersistent,1,ACTB,17\nnaive,1,GAPDH,18\n",
    )
    with pytest.raises(ReaderDataError, match="exactly one reference gene"):
        read_qpcr(p)


# --------------------------------------------------------------------------------------------------
# Spreadsheet exports and implausible inputs (copies of the shared plate cases)
# --------------------------------------------------------------------------------------------------
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

from jakpersist.loaders import platemap  # noqa: E402
from jakpersist.loaders.readers import read_bands, read_qpcr  # noqa: E402

PLATES = ROOT / "tests" / "fixtures" / "plates"
COLS = ["population", "drug", "dose_nM", "replicate", "viability"]


def _base():
    return read_plate(PLATES / "p00_baseline.csv")[COLS]


@pytest.mark.parametrize(
    "name", ["p02_semicolon_decimal_comma.csv", "p04_trailing_empty_cols.csv", "plate #2.csv"]
)
def test_spreadsheet_exports_give_the_baseline_numbers(name):
    df = read_plate(PLATES / name)
    pd.testing.assert_frame_equal(df[COLS], _base())
    assert list(df.columns[:5]) == COLS and "Unnamed" not in " ".join(df.columns)


def test_semicolon_and_decimal_comma_are_stated():
    notes = read_plate(PLATES / "p02_semicolon_decimal_comma.csv").notes
    assert any("delimiter ';'" in n for n in notes) and any("decimal comma" in n for n in notes)


def test_percent_viability_is_converted_and_said(tmp_path):
    df = read_plate(PLATES / "p14_percent_viability.csv")
    np.testing.assert_allclose(df["viability"], _base()["viability"], rtol=0, atol=1e-12)
    assert any("percent" in n and "divided by 100" in n for n in df.notes)


def test_spreadsheet_error_is_named_with_its_line():
    with pytest.raises(ReaderDataError) as e:
        read_plate(PLATES / "p08_na_div0_cells.csv")
    assert "line 42, column 'viability': #DIV/0!" in str(e.value) and "Traceback" not in str(
        e.value
    )


def test_na_and_empty_are_missing_wells_skipped_and_listed(tmp_path):
    text = (PLATES / "p08_na_div0_cells.csv").read_text().replace("#DIV/0!", "")
    df = read_plate(_write(tmp_path, text))
    assert len(df) == len(_base()) - 2
    note = next(n for n in df.notes if "missing well" in n)
    assert (
        note.startswith("2 missing well(s)")
        and "line 7 (naive, ruxolitinib, 123.457" in note
        and "line 42" in note
    )


@pytest.mark.parametrize(
    "encoding,newline", [("utf-8-sig", "\n"), ("utf-8", "\r\n"), ("utf-16", "\r\n")]
)
def test_bom_crlf_and_utf16_tab_exports(tmp_path, encoding, newline):
    text = (PLATES / "p00_baseline.csv").read_text()
    if encoding == "utf-16":
        text = text.replace(",", "\t")  # Excel's "Unicode text" export is UTF-16 with tabs
    p = tmp_path / "plate.csv"
    p.write_bytes(text.replace("\n", newline).encode(encoding))
    pd.testing.assert_frame_equal(read_plate(p)[COLS], _base())


def test_headers_in_any_case_dose_units_and_extra_columns(tmp_path):
    base = _base()
    t = base.assign(dose_uM=base.dose_nM / 1000)[
        ["population", "drug", "dose_uM", "replicate", "viability"]
    ]
    t.columns = ["Population", "DRUG", "Dose_uM", "Replicate", "Viability"]
    t["note"], t["note "], t[""] = "x", "y", ""
    p = tmp_path / "plate.csv"
    t.to_csv(p, index=False)
    df = read_plate(p)
    np.testing.assert_allclose(df["dose_nM"], base["dose_nM"], rtol=1e-12)
    assert any("'Dose_uM' is in µM: converted to nM (x1000)" in n for n in df.notes)
    t.columns = ["population", "drug", "dose_M", "replicate", "viability", "a", "b", "c"]
    t["dose_M"] = base.dose_nM * 1e-9
    t.to_csv(p, index=False)
    np.testing.assert_allclose(read_plate(p)["dose_nM"], base["dose_nM"], rtol=1e-9)


@pytest.mark.parametrize(
    "header,fragment",
    [
        (
            "population,drug,dose,replicate,viability",
            "column 'dose' has no unit; name it dose_nM, dose_uM or dose_M",
        ),
        (
            "population,drug,dose_nM,replicate,viability,Viability",
            "column 'viability' appears 2 times",
        ),
    ],
)
def test_ambiguous_headers_are_refused(tmp_path, header, fragment):
    with pytest.raises(ReaderDataError, match=re.escape(fragment)):
        read_plate(_write(tmp_path, header + "\nnaive,rux,1,1,0.9,0.9\n"))


def test_inhibition_converted_or_refused(tmp_path):
    base = _base()
    inh = base.assign(inhibition_pct=100 * (1 - base.viability)).drop(columns="viability")
    p = tmp_path / "inh.csv"
    inh.to_csv(p, index=False)
    df = read_plate(p)
    np.testing.assert_allclose(df["viability"], base["viability"], atol=1e-12)
    assert any("viability = 1 - inhibition" in n for n in df.notes)
    typed = base.assign(viability=1 - base.viability)  # inhibition typed into the viability column
    typed.to_csv(p, index=False)
    with pytest.raises(
        ReaderDataError, match="rises with dose in every curve.*looks like inhibition"
    ):
        read_plate(p)


@pytest.mark.parametrize(
    "transform,fragment",
    [
        (lambda d: np.where(d > 0, np.log10(np.where(d > 0, d, 1) * 1e-9), -12), "look like log10"),
        (
            lambda d: np.where(d > 0, np.log10(np.where(d > 0, d, 1)), 0),
            "evenly spaced on a linear scale",
        ),
    ],
)
def test_log_doses_are_refused_with_what_to_do(tmp_path, transform, fragment):
    base = _base()
    p = tmp_path / "log.csv"
    base.assign(dose_nM=transform(base.dose_nM.to_numpy())).to_csv(p, index=False)
    with pytest.raises(ReaderDataError) as e:
        read_plate(p)
    assert (
        fragment in str(e.value)
        and "dose_nM = 10**" in str(e.value)
        and "column 'dose_nM'" in str(e.value)
    )


def test_quoted_decimal_commas_in_a_comma_separated_file(tmp_path):
    p = _write(
        tmp_path, 'population,drug,dose_nM,replicate,viability\n"naive","rux","1,5",1,"0,9"\n'
    )
    from jakpersist.loaders.readers import PLATE, read_table

    df = read_table(p, PLATE)
    assert df.loc[0, "dose_nM"] == 1.5 and df.loc[0, "viability"] == 0.9


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0.001, 3.0, allow_nan=False), min_size=4, max_size=12),
    st.sampled_from([";", "\t"]),
)
def test_european_export_reads_the_same_numbers(tmp_path_factory, values, sep):
    """Property: any table written with `;` or tab and decimal commas reads back as the `,`/`.`
    table."""
    df = pd.DataFrame(
        {
            "population": "naive",
            "drug": "rux",
            "dose_nM": np.geomspace(1, 1000, len(values)),
            "replicate": 1,
            "viability": values,
        }
    )
    p = tmp_path_factory.mktemp("eu") / "eu.csv"
    df.to_csv(p, sep=sep, decimal=",", index=False)
    from jakpersist.loaders.readers import PLATE, read_table

    back = read_table(p, PLATE)
    np.testing.assert_allclose(back["viability"], df["viability"], rtol=1e-15)
    np.testing.assert_allclose(back["dose_nM"], df["dose_nM"], rtol=1e-15)


def test_bands_and_qpcr_skip_missing_values(tmp_path):
    p = _write(
        tmp_path,
        "blot;population;target;intensity\n1;naive;JAK2;10,5\n1;persistent;JAK2;NA\n"
        "2;persistent;JAK2;12\n",
    )
    df = read_bands(p, ("JAK2",))
    assert list(df.intensity) == [10.5, 12.0] and "line 3 (1, persistent, JAK2)" in df.notes[-1]
    q = _write(
        tmp_path,
        "Population,Replicate,Gene,Ct\nnaive,1,JAK2,24\npersistent,1,JAK2,\nnaive,1,ACTB,17\n"
        "persistent,1,ACTB,17\npersistent,2,JAK2,23\n",
    )
    assert len(read_qpcr(q)) == 4


# ----------------------------------------------------------------------- plate grids and plate maps

EXAMPLE_SET = ROOT / "data" / "examples" / "plate384_example.yml"


def test_384_well_example_pair_gives_the_tidy_table():
    df = read_plate(EXAMPLE_SET)
    assert set(df.population) == {"naive", "persistent"} and df.drug.nunique() == 3
    counts = df.groupby(["population", "drug", "dose_nM"]).size()
    assert counts.min() == counts.max() == 3 and len(counts) == 2 * 3 * 11
    assert df.well.str[0].isin(list("ABCDEFGHI")).all() and df.well.str[1:].astype(int).max() == 24
    veh = df[df.dose_nM == 0].groupby("population").viability.mean()
    np.testing.assert_allclose(veh, 1.0, atol=0.05)
    assert df.source.iloc[0] == "your data (plate384_example.yml)"
    # the same pair named by the grid file (its map beside it as <stem>.map.csv)
    pd.testing.assert_frame_equal(read_plate(EXAMPLE_SET.with_suffix(".csv"))[COLS], df[COLS])


def _grid(plates: dict[str, np.ndarray]) -> str:
    out = []
    for title, a in plates.items():
        out += [title, "," + ",".join(str(i) for i in range(1, a.shape[1] + 1))]
        out += [
            chr(65 + r) + "," + ",".join(f"{x:g}" if np.isfinite(x) else "NA" for x in a[r])
            for r in range(a.shape[0])
        ]
        out.append("")
    return "\n".join(out) + "\n"


def test_two_96_well_plates_blank_subtracted_and_vehicle_normalised(tmp_path):
    """Known answer: signal = blank + vehicle x fraction; the tidy table recovers every fraction
    exactly."""
    frac = {1: 0.9, 2: 0.6, 3: 0.3, 4: 0.1}
    rows, plates = [], {}
    for k, (title, blank, veh) in enumerate(
        [("Plate A", 100.0, 5000.0), ("Plate B", 300.0, 8000.0)]
    ):
        a = np.full((8, 12), np.nan)
        pop = ["naive", "persistent"][k]
        for r in range(3):
            a[r, 0] = blank
            rows.append((title, f"{'ABC'[r]}1", "blank", "", "", ""))
            a[r, 1] = blank + veh
            rows.append((title, f"{'ABC'[r]}02", "vehicle", pop, "", ""))
            for c, (dose, f) in enumerate(zip((1, 10, 100, 1000), frac.values(), strict=False)):
                a[r, 2 + c] = blank + veh * f
                rows.append((title, f"{'ABC'[r]}{3 + c}", "treated", pop, "rux", str(dose / 1000)))
        plates[title] = a
    grid = tmp_path / "g.csv"
    grid.write_text(_grid(plates))
    pd.DataFrame(rows, columns=["Plate", "Well", "Role", "Population", "Drug", "Dose_uM"]).to_csv(
        tmp_path / "g.map.csv", index=False
    )
    (tmp_path / "set.yml").write_text("grid: g.csv\nmap: g.map.csv\n")
    df = read_plate(tmp_path / "set.yml")
    treated = df[df.dose_nM > 0]
    np.testing.assert_allclose(
        treated.viability,
        treated.dose_nM.map({1.0: 0.9, 10.0: 0.6, 100.0: 0.3, 1000.0: 0.1}),
        atol=1e-12,
    )
    assert sorted(set(df.plate)) == ["Plate A", "Plate B"]
    assert any("'Plate B': blank mean 300 subtracted (3 wells)" in n for n in df.notes)
    assert platemap.input_files(tmp_path / "set.yml")[1:] == [
        tmp_path / "g.csv",
        tmp_path / "g.map.csv",
    ]


def test_grid_errors_name_line_and_well(tmp_path):
    a = np.arange(96, dtype=float).reshape(8, 12) + 1
    text = _grid({"P1": a}).replace(",37,", ",#VALUE!,")
    (tmp_path / "g.csv").write_text(text)
    pd.DataFrame(
        [("A1", "vehicle", "naive", "", "")],
        columns=["well", "role", "population", "drug", "dose_nM"],
    ).to_csv(tmp_path / "g.map.csv", index=False)
    with pytest.raises(
        ReaderDataError, match=r"line 6, well D1 \(plate P1\): #VALUE! is a spreadsheet error"
    ):
        platemap.read_plate_set(tmp_path / "g.csv")
    (tmp_path / "h.csv").write_text(_grid({"P1": a}))
    with pytest.raises(
        ReaderDataError, match="needs its plate map: put it beside the grid as h.map.csv"
    ):
        platemap.read_plate_set(tmp_path / "h.csv")
    bad_map = tmp_path / "m.csv"
    bad_map.write_text("well,role,population,drug,dose_nM\nA1,treated,naive,rux,10\nQ3,blank,,,\n")
    with pytest.raises(ReaderDataError, match=r"line 3, column 'well': 'Q3' is not a well"):
        platemap.read_map(bad_map)


def test_percent_signs_are_read_as_percent_mixed_or_misplaced_ones_refused(tmp_path):
    """`85%` in the viability column is percent (even when every value is below 5%); a column that
    mixes signed and plain values, or a percent sign on a dose, stops with the line, the column and
    what to do."""
    rows = (PLATES / "p14_percent_viability.csv").read_text().splitlines()
    head, body = rows[0], rows[1:]
    vcol = head.split(",").index("viability")
    signed = [
        ",".join(
            c + "%" if i == vcol and c not in ("", "NA") else c for i, c in enumerate(r.split(","))
        )
        for r in body
    ]
    df = read_plate(_write(tmp_path, "\n".join([head, *signed]) + "\n"))
    np.testing.assert_allclose(df["viability"], _base()["viability"], rtol=0, atol=1e-12)
    assert any("percent sign" in n for n in df.notes)
    from jakpersist.loaders.readers import PLATE, plausible_viability, read_table

    small = _write(
        tmp_path,
        "population,drug,dose_nM,replicate,viability\nnaive,rux,1,1,97%\nnaive,rux,10,1,2.5 %\n",
    )
    assert list(plausible_viability(read_table(small, PLATE))["viability"]) == [0.97, 0.025]
    mixed = "\n".join([head, *signed[:3], *body[3:]]) + "\n"
    with pytest.raises(
        ReaderDataError,
        match=r"some values carry a percent sign and some do not \(line 2: .*"
        r"line 5: .*Write every value as percent",
    ):
        read_plate(_write(tmp_path, mixed))
    with pytest.raises(
        ReaderDataError,
        match=r"line 2, column 'dose_nM': '5%' carries a percent sign.*write the "
        r"number alone",
    ):
        read_table(
            _write(tmp_path, "population,drug,dose_nM,replicate,viability\nnaive,rux,5%,1,0.9\n"),
            PLATE,
        )


def test_fractions_marked_as_percent_are_refused_not_divided_again(tmp_path):
    """`0.97%` in every well (or a `viability_pct` header over fractions) would make untreated wells
    1% of vehicle if divided by 100: refused with what to do (a reviewer's file,
    tests/fixtures/plates)."""
    with pytest.raises(
        ReaderDataError,
        match=r"values carry % signs, but the vehicle wells' median is 0\.97.*"
        r"looks like a fraction",
    ):
        read_plate(PLATES / "fraction_with_percent_signs.csv")
    text = (
        (PLATES / "fraction_with_percent_signs.csv")
        .read_text()
        .replace("%", "")
        .replace("viability,", "viability_pct,", 1)
    )
    with pytest.raises(ReaderDataError, match=r"the header says percent, but"):
        read_plate(_write(tmp_path, text))
    no_vehicle = (
        "\n".join(r for r in text.splitlines() if ",0.0," not in r and ",0," not in r) + "\n"
    )
    with pytest.raises(
        ReaderDataError, match=r"the header says percent, but the largest value is 1\.\d+"
    ):
        read_plate(_write(tmp_path, no_vehicle))
