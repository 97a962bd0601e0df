"""Reader-data files: the example loads, malformed files give errors naming line and column."""
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


@pytest.mark.parametrize("body,fragment", [
    ("population,drug,dose_nM,replicate,viability\nnaive,rux,ten,1,0.9\n", "line 2, column 'dose_nM': 'ten' is not a number"),
    ("population,drug,dose_nM,replicate,viability\nnaive,rux,1,1,0.9\nnaive,rux,-3,1,0.9\n", "line 3, column 'dose_nM': -3 is outside"),
    ("population,drug,dose_nM,replicate,viability\nnaive,rux,1,1.5,0.9\n", "line 2, column 'replicate'"),
    ("population,drug,dose_nM,viability\nnaive,rux,1,0.9\n", "line 1 (header): missing column(s) replicate"),
    ("population,drug,dose_nM,replicate,viability\nnaive,rux,1,1\n", "line 2: 4 fields, but the header has 5"),
    ("population,drug,dose_nM,replicate,viability\nnaive,rux,1,1,\n", "line 2, column 'viability': empty value"),
    ("", "the file is empty"),
    ("population,drug,dose_nM,replicate,viability\n", "no data rows"),
])
def test_malformed_files(tmp_path, body, fragment):
    with pytest.raises(ReaderDataError) as e:
        read_plate(_write(tmp_path, body))
    assert fragment in str(e.value)


def test_missing_population_and_too_few_doses(tmp_path):
    rows = "".join(f"naive,rux,{d},1,0.9\n" for d in (1, 10, 100))
    with pytest.raises(ReaderDataError, match="no rows for persistent"):
        read_plate(_write(tmp_path, "population,drug,dose_nM,replicate,viability\n" + rows))
    rows2 = rows + "persistent,rux,1,1,0.9\npersistent,rux,10,1,0.9\n"
    with pytest.raises(ReaderDataError, match="'persistent', drug 'rux' has 2 distinct positive doses"):
        read_plate(_write(tmp_path, "population,drug,dose_nM,replicate,viability\n" + rows2))


def test_binary_file_is_a_clear_error(tmp_path):
    p = tmp_path / "plate.csv"
    p.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(ReaderDataError, match="not a UTF-8 text file"):
        read_plate(p)


def test_example_bands_and_qpcr_load():
    from jakpersist.loaders.readers import read_bands, read_qpcr

    assert set(read_bands(ROOT / "data/examples/bands_example.csv", ("JAK1", "pSTAT5")).target) >= {"JAK1", "pSTAT5"}
    assert set(read_qpcr(ROOT / "data/examples/qpcr_example.csv").gene) == {"JAK2", "ACTB"}


def test_bands_without_a_needed_target(tmp_path):
    from jakpersist.loaders.readers import read_bands

    p = _write(tmp_path, "blot,population,target,intensity\n1,naive,JAK2,10\n1,persistent,JAK2,12\n")
    with pytest.raises(ReaderDataError, match="no bands for JAK1"):
        read_bands(p, ("JAK2", "JAK1"))


def test_qpcr_with_three_genes(tmp_path):
    from jakpersist.loaders.readers import read_qpcr

    p = _write(tmp_path, "population,replicate,gene,ct\nnaive,1,JAK2,24\npersistent,1,ACTB,17\nnaive,1,GAPDH,18\n")
    with pytest.raises(ReaderDataError, match="exactly one reference gene"):
        read_qpcr(p)
