"""The reader's own time-course plates: cell counts per well over time plus a plate map (two tidy
CSV files).

The result is the tidy table that :func:`jakpersist.analysis.growth.well_summary` takes, so a
reader's plates run through the same GR / DIP / relative-viability analysis as the hts007 screen.
Formats (documented on book/your-data.md):

* counts file (:data:`COUNTS`): plate, well, time_h, count: one row per well and imaging time;
* plate map (:data:`PLATE_MAP`): plate, well, cell_line, drug, dose_nM: one row per well; control
  wells have dose_nM = 0 (their drug name is kept but they are used as the plate's untreated
  reference).

Errors name the file, the line and column, or the plate and well, and say what to change.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .tabular import Column, ReaderDataError, Schema, read_table

COUNTS = Schema(
    "time-course counts",
    (
        Column("plate", "text", "plate name (matches the plate map)"),
        Column("well", "text", "well name, e.g. `B07` (matches the plate map)"),
        Column(
            "time_h",
            "number",
            "hours since the drug was added (the first time point is the well's time "
            "zero; image it just before or at drug addition)",
            0.0,
            1e4,
        ),
        Column(
            "count", "number", "cells counted in the well (nuclei or live cells; > 0)", 1e-9, 1e12
        ),
    ),
    "One row per well and time point.",
)

PLATE_MAP = Schema(
    "plate map",
    (
        Column("plate", "text", "plate name"),
        Column("well", "text", "well name"),
        Column("cell_line", "text", "cell line or population in the well"),
        Column("drug", "text", "drug name (any text for control wells)"),
        Column(
            "dose_nM", "number", "drug concentration in nM; 0 = untreated control well", 0.0, 1e9
        ),
    ),
    "One row per well.",
)


def read_time_course(
    counts_path: str | Path, map_path: str | Path, min_timepoints: int = 3
) -> pd.DataFrame:
    """Read and join a counts CSV and a plate map CSV into the tidy table of
    :mod:`jakpersist.analysis.growth`.

    Returns columns well_id ("plate:well"), plate, cell_line, drug, dose_nM, control (dose 0),
    time_h, count, source. Raises :class:`ReaderDataError` naming the file and well when a counted
    well is not in the map, a well is listed twice in the map, a well has fewer than
    ``min_timepoints`` time points or a repeated time, or a plate and cell line has no control
    wells.
    """
    counts = read_table(counts_path, COUNTS)
    pmap = read_table(map_path, PLATE_MAP)
    dup = pmap[pmap.duplicated(["plate", "well"], keep=False)]
    if not dup.empty:
        r = dup.iloc[0]
        raise ReaderDataError(
            f"{map_path}: plate {r['plate']!r}, well {r['well']!r} is listed more than once"
        )
    df = counts.merge(pmap, on=["plate", "well"], how="left", indicator=True)
    lost = df[df["_merge"] == "left_only"]
    if not lost.empty:
        r = lost.iloc[0]
        raise ReaderDataError(
            f"{counts_path}: plate {r['plate']!r}, well {r['well']!r} has counts but is not "
            f"in the plate map {map_path}; add a row for it"
        )
    df = df.drop(columns="_merge")
    rep = df[df.duplicated(["plate", "well", "time_h"], keep=False)]
    if not rep.empty:
        r = rep.iloc[0]
        raise ReaderDataError(
            f"{counts_path}: plate {r['plate']!r}, well {r['well']!r} has two counts at "
            f"time_h = {r['time_h']:g}"
        )
    n = df.groupby(["plate", "well"])["time_h"].nunique()
    short = n[n < min_timepoints]
    if not short.empty:
        (plate, well), k = short.index[0], int(short.iloc[0])
        raise ReaderDataError(
            f"{counts_path}: plate {plate!r}, well {well!r} has {k} time point(s); GR values "
            f"and DIP rates need at least {min_timepoints}"
        )
    df["control"] = df["dose_nM"] == 0
    has_ctrl = df.groupby(["plate", "cell_line"])["control"].any()
    if not has_ctrl.all():
        plate, line = has_ctrl[~has_ctrl].index[0]
        raise ReaderDataError(
            f"{map_path}: plate {plate!r}, cell line {line!r} has no control well (dose_nM = "
            "0); GR values and relative viability need one on every plate"
        )
    df["well_id"] = df["plate"] + ":" + df["well"]
    df["source"] = f"your data ({Path(counts_path).name})"
    return df[
        ["well_id", "plate", "cell_line", "drug", "dose_nM", "control", "time_h", "count", "source"]
    ]
