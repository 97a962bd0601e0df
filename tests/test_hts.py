"""The hts007 loader: pinned checksums, atomic cache, one-line offline error, pandas reader."""

import pandas as pd
import pytest
import yaml

from jakpersist.loaders import hts
from jakpersist.loaders.manifest import MANIFEST


def test_pins_agree_with_manifest():
    remote = {e["path"]: e for e in yaml.safe_load(MANIFEST.read_text())["remote"]}
    entry = remote["cache/hts007.h5"]
    assert entry["sha256"] == hts.H5_SHA256
    assert entry["wheel_sha256"] == hts.WHEEL_SHA256
    assert hts.THUNOR_VERSION in hts.WHEEL_URL


def test_offline_fetch_fails_with_a_message_naming_pypi(tmp_path, monkeypatch):
    monkeypatch.setattr(hts, "WHEEL_URL", "http://127.0.0.1:9/thunor.whl")
    (tmp_path / hts.WHEEL_NAME).write_bytes(
        b"not the wheel"
    )  # wrong checksum: must be fetched again
    with pytest.raises(hts.HtsDataError, match="PyPI"):
        hts.fetch_hts007(tmp_path)
    assert not (tmp_path / "hts007.h5").exists()
    assert not list(tmp_path.glob(".part-*"))


def test_reader_on_a_small_thunor_style_store(tmp_path):
    path = tmp_path / "mini.h5"
    doses = pd.DataFrame(
        {
            "drug1": ["d"],
            "cell_line": ["L"],
            "dose1": [1e-8],
            "dataset": [1],
            "plate": ["P"],
            "well_id": [1],
            "well_num": [1],
        }
    ).set_index(["drug1", "cell_line", "dose1"])
    td = pd.to_timedelta([0, 24, 48], unit="h")
    assays = pd.DataFrame(
        {"assay": "Cell count", "well_id": 1, "timepoint": td, "value": [10.0, 15.0, 20.0]}
    ).set_index(["assay", "well_id", "timepoint"])
    controls = pd.DataFrame(
        {
            "dataset": 1,
            "assay": "Cell count",
            "cell_line": "L",
            "plate": "P",
            "well_id": 2,
            "timepoint": td,
            "value": [10.0, 20.0, 40.0],
            "well_num": 2,
        }
    ).set_index(["dataset", "assay", "cell_line", "plate", "well_id", "timepoint"])
    with pd.HDFStore(path, "w") as s:
        s["doses"], s["assays"], s["controls"] = doses, assays, controls
    counts, wells = hts.read_thunor_h5(path)
    assert list(counts["time_h"][:3]) == [0.0, 24.0, 48.0]
    assert set(wells["drug"]) == {"d", hts.CONTROL}
    assert wells.set_index("well_id").loc[2, "control"]
    assert counts.loc[counts["well_id"] == 1, "dose_M"].iloc[0] == 1e-8


def test_bad_file_is_named(tmp_path):
    p = tmp_path / "x.h5"
    p.write_bytes(b"nope")
    with pytest.raises(hts.HtsDataError, match="x.h5"):
        hts.read_thunor_h5(p)
