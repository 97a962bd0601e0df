"""`jakbook sweep`: a chapter re-run over seeds in parallel, one row of glued values per seed."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jakpersist.book import cli
from jakpersist.book.sweep import parse_seeds


def test_parse_seeds_ranges_and_lists():
    assert parse_seeds("1-10") == list(range(1, 11))
    assert parse_seeds("3, 1,2-4") == [1, 2, 3, 4]
    for bad in ("", "a", "5-2", "1-"):
        with pytest.raises(ValueError, match="--seeds"):
            parse_seeds(bad)


@given(st.integers(0, 10_000), st.integers(0, 50))
def test_parse_seeds_range_has_every_seed_once(lo, n):
    assert parse_seeds(f"{lo}-{lo + n}") == list(range(lo, lo + n + 1))


def test_sweep_refuses_a_seed_in_set_and_a_chapter_without_seed(capsys):
    assert cli.main(["sweep", "t1_transcriptome", "--set", "seed=3", "--seeds", "1-2"]) == 2
    assert "conflicts with --seeds" in capsys.readouterr().err
    assert cli.main(["sweep", "g1_gdsc", "--seeds", "1-2"]) == 2
    assert "no 'seed' parameter" in capsys.readouterr().err


def test_sweep_runs_seeds_in_parallel_and_tabulates_glued_values(tmp_path, capsys):
    out = tmp_path / "sweep.csv"
    rc = cli.main(
        [
            "sweep",
            "t1_transcriptome",
            "--set",
            "n_permutations=100",
            "--set",
            "use_geo_cache=false",
            "--seeds",
            "1-2",
            "--workers",
            "2",
            "--out",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr()
    table = pd.read_csv(out)
    assert table["seed"].tolist() == [1, 2] and (table["status"] == "ok").all()
    assert {"t1_verdict", "t1_stat5_nes", "t1_verdict_text"} <= set(table.columns)
    assert table["t1_stat5_nes"].nunique() == 2, "different seeds must give different stand-in data"


def test_an_undefined_verdict_is_an_empty_cell_of_the_sweep_table(tmp_path, capsys):
    # C7 with a strong bypass: the HSP90-inhibitor fold cannot be computed, so C7 neither holds nor
    # fails
    out = tmp_path / "sweep.csv"
    rc = cli.main(
        [
            "sweep",
            "c6_jak2_dependence",
            "--set",
            "bypass=0.6",
            "--set",
            "n_boot=50",
            "--seeds",
            "1",
            "--workers",
            "1",
            "--out",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr()
    table = pd.read_csv(out)
    assert (
        table["c7_verdict_outcome"].tolist() == ["undefined"] and table["c7_verdict"].isna().all()
    )
    assert table["c6_verdict"].tolist() == [False]  # a real failure stays False
