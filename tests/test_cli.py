"""The re-run command: parameter help, validation before execution, outputs beside, never over, the
source."""

import hashlib
import json
from pathlib import Path

import pytest

from conftest import ROOT

from jakpersist.book import cli
from jakpersist.book import execute as ex


def test_params_lists_type_unit_range_help(capsys):
    assert cli.main(["params", "c1_persistence"]) == 0
    out = capsys.readouterr().out
    assert "hetero_advantage (float) = 20.0 [fold]" in out
    assert "valid: 1 to 1000" in out and "provenance:" in out


def test_every_notebook_parameter_is_declared_with_help():
    from jakpersist.book.params import PARAMS

    for src in (ROOT / "notebooks").glob("*.md"):
        declared = ex.parameters_of(src)
        assert declared, f"{src.name}: no parameters cell"
        cell = next(
            c for c in ex.read_notebook(src).cells if "parameters" in c.metadata.get("tags", [])
        )
        lines = [x for x in cell.source.splitlines() if x.strip() and not x.startswith("#")]
        assert len(lines) == len(declared), (
            f"{src.name}: papermill could not parse every parameter line"
        )
        for name, info in declared.items():
            assert name in PARAMS, (
                f"{src.name}: parameter {name} is not declared (jakpersist.book.params.PARAMS)"
            )
            assert info["help"], f"{src.name}: parameter {name} has no help comment"
            assert info["type"] != "None", f"{src.name}: parameter {name} has no type annotation"


def test_unknown_and_out_of_range_parameters_stop_before_running(capsys, tmp_path):
    assert (
        cli.main(["run", "c1_persistence", "--set", "hetero_advatnage=2", "--out", str(tmp_path)])
        == 2
    )
    err = capsys.readouterr().err
    assert (
        "unknown parameter(s) hetero_advatnage (did you mean hetero_advantage?)" in err
        and "valid: seed" in err
    )
    assert cli.main(["run", "c1_persistence", "--set", "n_boot=5", "--out", str(tmp_path)]) == 2
    assert "parameter 'n_boot' = 5 is out of range; valid: 50 to 20000" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_run_writes_notebook_figures_and_values_without_touching_source(tmp_path, capsys):
    src = ex.chapter_source("c1_persistence")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    params = tmp_path / "p.yaml"
    params.write_text(
        "hetero_advantage: 1\nn_boot: 6e1\n"
    )  # PyYAML reads 6e1 as text: typed by the parameter
    assert (
        cli.main(
            [
                "run",
                "c1_persistence",
                "--params",
                str(params),
                "--out",
                str(tmp_path),
                "--label",
                "t",
            ]
        )
        == 0
    )
    run = tmp_path / "c1_persistence-t"
    assert (run / "c1_persistence.ipynb").is_file()
    assert len(list(run.glob("figure-*.*"))) >= 3
    values = json.loads((run / "values.json").read_text())
    assert values["parameters_set"] == {"hetero_advantage": 1.0, "n_boot": 60}
    # the provenance card: every parameter (defaults too), versions, checksums, each value's origin
    assert values["parameters"]["hetero_advantage"] == 1.0 and values["parameters"]["seed"] == 2012
    assert values["parameters"]["top_dose_nM"] == 10000.0 and values["seed"] == 2012
    assert len(values["requirements_lock_sha256"]) == 64 and values["package"]["version"]
    assert values["inputs"] == [] and "date" in values and "git_commit" in values
    assert values["glued"]["c1_verdict"] is False
    assert set(values["origin"]) == set(values["glued"]) and set(values["origin"].values()) <= {
        "model",
        "parameter",
    }
    report = (run / "report.html").read_text()
    assert "Verdict of this run: not reproduced by the model" in report
    assert ">supported<" not in report and "Verdict of this run: supported" not in report
    assert (
        "{glue" not in report
        and "{cite}" not in report
        and "{doc}" not in report
        and "{admonition}" not in report
    )
    assert '<script src="http' not in report and "data:image/png;base64" in report
    assert "c1_verdict = False" in capsys.readouterr().out
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


def test_missing_data_file_stops_before_running(capsys, tmp_path):
    assert (
        cli.main(["run", "c1_persistence", "--set", "data_path=nope.csv", "--out", str(tmp_path)])
        == 2
    )
    assert "parameter 'data_path' = 'nope.csv': no such file" in capsys.readouterr().err


def test_bad_data_file_gives_one_clear_line(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "population,drug,dose_nM,replicate,viability\nnaive,rux,1,1,0.9\npersistent,rux,x,1,0.9\n"
    )
    assert (
        cli.main(
            ["run", "c1_persistence", "--set", f"data_path={bad}", "--out", str(tmp_path / "o")]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "ReaderDataError" in err and "line 3, column 'dose_nM': 'x' is not a number" in err
    assert ".failed.ipynb" in err and "Traceback" not in err


def test_set_is_typed_by_the_parameter_not_by_yaml():
    assert cli.typed_value("top_dose_nM", "1e4") == 10000.0 and isinstance(
        cli.typed_value("top_dose_nM", "1e4"), float
    )
    assert cli.typed_value("n_boot", "1e3") == 1000 and isinstance(
        cli.typed_value("n_boot", "1e3"), int
    )
    assert (
        cli.typed_value("use_geo_cache", "False") is False
        and cli.typed_value("use_geo_cache", "yes") is True
    )
    for text in ("plates/plate #2.csv", "a: b.csv", "[draft].csv", "2012", " padded.csv", "null"):
        assert cli.typed_value("data_path", text) == text
    assert cli.parse_set(["top_dose_nM=1e4", "data_path=x=y #1.csv"]) == {
        "top_dose_nM": 10000.0,
        "data_path": "x=y #1.csv",
    }
    import pytest

    with pytest.raises(cli.ParameterError, match="parameter 'top_dose_nM' = 'ten' is not a number"):
        cli.typed_value("top_dose_nM", "ten")


def test_params_file_keeps_yaml_and_a_path_with_hash_is_taken_literally(tmp_path):
    plate = ROOT / "tests" / "fixtures" / "plates" / "plate #2.csv"
    checked = cli.resolve_parameters(
        "c1_persistence", cli.parse_set([f"data_path={plate}", "top_dose_nM=1e4"])
    )
    assert checked == {"data_path": str(plate), "top_dose_nM": 10000.0}


def test_misspelled_parameter_stops_plain_papermill_with_the_jakbook_message(tmp_path, capsys):
    """Through the papermill API (as run_chapter does) a misspelling stops the notebook, not a
    warning."""
    import pytest
    from conftest import run_chapter

    with pytest.raises(Exception) as e:
        run_chapter("c1_persistence", {"hetero_advatnage": 2.0}, tmp_path)
    assert getattr(e.value, "ename", "") == "ParameterError"
    assert (
        cli.main(
            ["run", "c1_persistence", "--set", "hetero_advatnage=2", "--out", str(tmp_path / "o")]
        )
        == 2
    )
    assert e.value.evalue in capsys.readouterr().err


def test_c1_runs_on_the_384_well_grid_and_plate_map_example(tmp_path, capsys):
    """The example plate set (grid export + plate map): verdict, report without placeholders, input
    checksums."""
    from jakpersist.loaders.manifest import sha256_file

    example = ROOT / "data" / "examples" / "plate384_example.yml"
    assert (
        cli.main(
            [
                "run",
                "c1_persistence",
                "--set",
                f"data_path={example}",
                "--set",
                "n_boot=60",
                "--out",
                str(tmp_path),
                "--label",
                "g",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert (
        "your file: plate grid(s) plate384_example.csv with plate map plate384_example.map.csv"
        in out
    )
    run = tmp_path / "c1_persistence-g"
    card = json.loads((run / "values.json").read_text())
    assert card["glued"]["c1_verdict"] is True and card["evidence"] == "your data"
    assert [Path(i["path"]).name for i in card["inputs"]] == [
        "plate384_example.yml",
        "plate384_example.csv",
        "plate384_example.map.csv",
    ]
    assert all(i["sha256"] == sha256_file(Path(i["path"])) for i in card["inputs"])
    assert card["origin"]["_reader_notes"] == "data" and card["origin"]["c1_min_fold"] in (
        "data",
        "unknown",
    )
    report = (run / "report.html").read_text()
    assert (
        "Verdict of this run: consistent with your data" in report
        and "How your file was read" in report
    )
    assert "{glue" not in report and "Your data" in report
    _look_at_report_in_chromium(run / "report.html")


def _look_at_report_in_chromium(report: Path) -> None:
    """Open report.html in headless Debian chromium at desktop and phone widths (skipped without
    chromium)."""
    import os
    import re

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        assert not os.environ.get("CI"), (
            "Debian chromium is not installed (apt-get install chromium)"
        )
        return
    from playwright.sync_api import sync_playwright

    shots = ROOT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(chromium),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        for width in (1280, 390):
            page = b.new_page(viewport={"width": width, "height": 900})
            errors, requests = [], []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # noqa: B023
            page.on(
                "request",
                lambda r: (
                    requests.append(r.url)  # noqa: B023 - this page's lists
                    if not r.url.startswith(("file:", "data:"))
                    else None
                ),
            )
            page.goto(report.as_uri())
            text = page.inner_text("body")
            assert "Verdict of this run: consistent with your data" in text
            assert not re.search(r"\{(glue|cite|doc|admonition)[^}]*\}", text), (
                "raw MyST left in report.html"
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (
                "page wider than the screen"
            )
            assert errors == [] and requests == [], (errors, requests)
            page.screenshot(path=str(shots / f"report-c1-grid-{width}.png"), full_page=True)
        b.close()


@pytest.mark.parametrize(
    "n, hint",
    [(100, "--samples 64 or --samples 128"), (3, "--samples 2 or --samples 4"), (0, "--samples 2")],
)
def test_atlas_samples_not_a_power_of_two_names_the_nearest_ones(n, hint, capsys):
    assert cli.main(["atlas", "--samples", str(n), "--claims", "C1", "--workers", "0"]) == 2
    err = capsys.readouterr().err
    assert "must be a power of 2" in err and hint in err


def test_rivals_out_that_is_a_file_is_refused_before_running(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("")
    assert cli.main(["rivals", "--models", "R1", "--samples", "10", "--out", str(afile)]) == 2
    assert "is a file; give a folder" in capsys.readouterr().err
