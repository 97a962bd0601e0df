"""The re-run command: parameter help, validation before execution, outputs beside, never over, the source."""
import hashlib
import json

from conftest import ROOT

from jakpersist.book import cli
from jakpersist.book import execute as ex


def test_params_lists_type_unit_range_help(capsys):
    assert cli.main(["params", "c1_persistence"]) == 0
    out = capsys.readouterr().out
    assert "hetero_advantage (float) = 20.0 [fold]" in out
    assert "valid: 1 to 1000" in out and "provenance:" in out


def test_every_notebook_parameter_is_declared_with_help():
    from jakpersist.model.params import ALL_PARAMS

    for src in (ROOT / "notebooks").glob("*.md"):
        declared = ex.parameters_of(src)
        assert declared, f"{src.name}: no parameters cell"
        cell = next(c for c in ex.read_notebook(src).cells if "parameters" in c.metadata.get("tags", []))
        lines = [x for x in cell.source.splitlines() if x.strip() and not x.startswith("#")]
        assert len(lines) == len(declared), f"{src.name}: papermill could not parse every parameter line"
        for name, info in declared.items():
            assert name in ALL_PARAMS, f"{src.name}: parameter {name} is not declared in jakpersist/model/params.py"
            assert info["help"], f"{src.name}: parameter {name} has no help comment"
            assert info["type"] != "None", f"{src.name}: parameter {name} has no type annotation"


def test_unknown_and_out_of_range_parameters_stop_before_running(capsys, tmp_path):
    assert cli.main(["run", "c1_persistence", "--set", "hetero_advatnage=2", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter(s) hetero_advatnage" in err and "valid: seed" in err
    assert cli.main(["run", "c1_persistence", "--set", "n_boot=5", "--out", str(tmp_path)]) == 2
    assert "parameter 'n_boot' = 5 is out of range; valid: 50 to 20000" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_run_writes_notebook_figures_and_values_without_touching_source(tmp_path, capsys):
    src = ex.chapter_source("c1_persistence")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    params = tmp_path / "p.yaml"
    params.write_text("hetero_advantage: 1\nn_boot: 60\n")
    assert cli.main(["run", "c1_persistence", "--params", str(params), "--out", str(tmp_path), "--label", "t"]) == 0
    run = tmp_path / "c1_persistence-t"
    assert (run / "c1_persistence.ipynb").is_file()
    assert len(list(run.glob("figure-*.png"))) >= 3
    values = json.loads((run / "values.json").read_text())
    assert values["parameters"] == {"hetero_advantage": 1.0, "n_boot": 60}
    assert values["glued"]["c1_verdict"] is False
    assert "c1_verdict = False" in capsys.readouterr().out
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


def test_missing_data_file_stops_before_running(capsys, tmp_path):
    assert cli.main(["run", "c1_persistence", "--set", "data_path=nope.csv", "--out", str(tmp_path)]) == 2
    assert "parameter 'data_path' = 'nope.csv': no such file" in capsys.readouterr().err


def test_bad_data_file_gives_one_clear_line(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("population,drug,dose_nM,replicate,viability\nnaive,rux,1,1,0.9\npersistent,rux,x,1,0.9\n")
    assert cli.main(["run", "c1_persistence", "--set", f"data_path={bad}", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "ReaderDataError" in err and "line 3, column 'dose_nM': 'x' is not a number" in err
    assert ".failed.ipynb" in err and "Traceback" not in err
