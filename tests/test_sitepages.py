"""The cite box comes from CITATION.cff and the execution statistics from papermill's metadata."""

import json

import pytest
import yaml

from jakpersist.book import sitepages
from jakpersist.book.execute import NOTEBOOKS, ROOT


def test_cite_box_carries_the_citation_file():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    box = sitepages.cite_box()
    assert cff["title"] in box and str(cff["version"]) in box and cff["repository-code"] in box
    assert "@software{" in box and str(cff["date-released"])[:4] in box


def test_cite_box_refuses_a_file_without_authors(tmp_path):
    f = tmp_path / "CITATION.cff"
    f.write_text("cff-version: 1.2.0\ntitle: T\nauthors: []\n", encoding="utf-8")
    with pytest.raises(KeyError):
        sitepages.cite_box(f)


def test_execution_rows_read_papermill_metadata(tmp_path):
    stems = sorted(p.stem for p in NOTEBOOKS.glob("*.md"))
    ok = {
        "metadata": {
            "papermill": {
                "duration": 12.34,
                "end_time": "2026-12-06T00:02:04.580674+00:00",
                "exception": None,
            }
        },
        "cells": [],
    }
    bad = {
        "metadata": {
            "papermill": {
                "duration": 3.0,
                "end_time": "2026-12-06T00:03:00+00:00",
                "exception": True,
            }
        },
        "cells": [],
    }
    (tmp_path / f"{stems[0]}.ipynb").write_text(json.dumps(ok), encoding="utf-8")
    (tmp_path / f"{stems[1]}.ipynb").write_text(json.dumps(bad), encoding="utf-8")
    rows = {r["chapter"]: r for r in sitepages.execution_rows(tmp_path)}
    assert rows[stems[0]]["status"] == "ok" and rows[stems[0]]["seconds"] == 12.34
    assert rows[stems[0]]["ended"] == "2026-12-06 00:02 UTC"
    assert rows[stems[1]]["status"].startswith("failed")
    assert rows[stems[2]]["status"] == "not executed"
    table = sitepages.execution_table(tmp_path)
    assert "12.3" in table and table.count("\n") == len(stems) + 2
