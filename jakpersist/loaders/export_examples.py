"""Write the export-form examples in data/examples/: the simulated example tables rewritten as
instruments and spreadsheets export them (a reader's workbook, a reader's grid text export, a well
list, a Bio-Rad CFX qPCR export with its sample sheet). Every file says SIMULATED in its first line,
sheet or a column.

    jakbook examples --only exports  # rewrites the files deterministically

The numbers come from ``plate_example.csv`` and ``qpcr_example.csv`` (simulated by the book's model,
:mod:`jakpersist.book.examples`); this module only changes their form: the three plate exports read
to one and the same table (viability = blank-subtracted signal over the vehicle mean of its plate
and population, so not the tidy file's per-replicate values), and the CFX export reads to the Ct
values of ``qpcr_example.csv`` (tests check both).

Plate layout (two 96-well plates, one per population; blocks titled ``Plate 1`` = naive, ``Plate 2``
= persistent): rows A-F are drug x replicate (ruxolitinib 1-3, fedratinib 1-3); column 1 a blank
well, column 2 the vehicle well, columns 3-10 the eight doses from the highest down; rows G-H and
columns 11-12 unused. Raw signal = 800 + 40,000 x viability (assumption: a luminescent read-out in
relative light units, as in the 384-well example).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .manifest import DATA
from .readers import PLATE, QPCR
from .tabular import Schema, read_table

EXAMPLES = DATA / "examples"
LABEL = "SIMULATED by the book's model (not a measurement)"
BACKGROUND, SCALE = 800.0, 40000.0
PLATES = {"naive": "Plate 1", "persistent": "Plate 2"}
DRUGS = ("ruxolitinib", "fedratinib")
LETTERS = "ABCDEFGH"


def _plates(tidy: pd.DataFrame) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Signal grids (8 x 12, NaN = unused) per plate title and the plate map (plate, well, role,
    ...)."""
    grids, rows = {}, []
    for pop, title in PLATES.items():
        g = np.full((8, 12), np.nan)
        for di, drug in enumerate(DRUGS):
            curve = tidy[(tidy["population"] == pop) & (tidy["drug"] == drug)]
            doses = sorted(curve.loc[curve["dose_nM"] > 0, "dose_nM"].unique(), reverse=True)
            for rep in (1, 2, 3):
                r = 3 * di + rep - 1
                L = LETTERS[r]
                w = curve[curve["replicate"] == rep].set_index("dose_nM")["viability"]
                g[r, 0] = BACKGROUND
                rows.append((title, f"{L}1", "blank", "", "", ""))
                g[r, 1] = BACKGROUND + SCALE * w.loc[0.0]
                rows.append((title, f"{L}2", "vehicle", pop, drug, ""))
                for k, d in enumerate(doses):
                    g[r, 2 + k] = BACKGROUND + SCALE * w.loc[d]
                    rows.append((title, f"{L}{3 + k}", "treated", pop, drug, repr(float(d))))
        grids[title] = np.round(g, 1)
        # the background wells vary a little, as a reader's blanks do (deterministic: +-10 by row)
        grids[title][:6, 0] = BACKGROUND + np.array([-10, 5, 0, 10, -5, 0])
    pmap = pd.DataFrame(rows, columns=["plate", "well", "role", "population", "drug", "dose_nM"])
    pmap["source"] = LABEL
    return grids, pmap


def _cell(v: float) -> str:
    return "" if np.isnan(v) else f"{v:.1f}"


def grid_text(grids: dict[str, np.ndarray]) -> str:
    """A reader's text export: settings lines, then per plate a title, a header ``<>,01..12`` and
    rows that end with the read's label."""
    lines = [
        f"Software Version,3.11 ({LABEL})",
        "Plate Type,96 WELL PLATE",
        "Read,Luminescence Endpoint",
        "",
    ]
    for title, g in grids.items():
        lines += [title, "<>," + ",".join(f"{c:02d}" for c in range(1, 13)) + ",Read"]
        lines += [LETTERS[i] + "," + ",".join(_cell(v) for v in g[i]) + ",Lum" for i in range(8)]
        lines.append("")
    return "\n".join(lines)


def well_list_text(grids: dict[str, np.ndarray]) -> str:
    """A well-list export: one row per used well, ``Plate,Well,Luminescence`` with wells written
    ``A01``."""
    lines = [f"# {LABEL}", "Plate,Well,Luminescence"]
    for title, g in grids.items():
        for i in range(8):
            for c in range(12):
                if not np.isnan(g[i, c]):
                    lines.append(f"{title},{LETTERS[i]}{c + 1:02d},{g[i, c]:.1f}")
    return "\n".join(lines) + "\n"


def workbook_bytes(grids: dict[str, np.ndarray]) -> bytes:
    """A reader's Excel workbook: a ``Settings`` sheet, then both plates on ``Results`` (a merged
    title cell, a blank row, the grids). Written with openpyxl; zip timestamps fixed so that the
    bytes are reproducible."""
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Settings"
    for r in (
        ["Note", LABEL],
        ["Software Version", "3.11"],
        ["Plate Type", "96 WELL PLATE"],
        ["Read", "Luminescence Endpoint"],
    ):
        ws.append(r)
    res = wb.create_sheet("Results")
    res.append([f"Luminescence read ({LABEL})"])
    res.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    res.append([])
    for title, g in grids.items():
        res.append([title])
        res.append([None] + list(range(1, 13)))
        for i in range(8):
            res.append([LETTERS[i]] + [None if np.isnan(v) else float(v) for v in g[i]])
        res.append([])
    fixed = datetime.datetime(2026, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            text = src.read(info.filename)
            if (
                info.filename == "docProps/core.xml"
            ):  # openpyxl stamps 'modified' with the current time
                import re

                text = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", text
                )
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)),
                text,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def cfx_export(qpcr: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """A Bio-Rad CFX "Quantification Cq Results" export of the tidy Ct table, and its sample
    sheet."""
    names = {pop: pop[:3].upper() for pop in qpcr["population"].unique()}
    lines = [",Well,Fluor,Target,Content,Sample,Biological Set Name,Cq,Cq Mean,Cq Std. Dev,Note"]
    for k, (_, r) in enumerate(qpcr.iterrows()):
        well = f"{LETTERS[k // 12 % 8]}{k % 12 + 1:02d}"
        lines.append(
            f",{well},SYBR,{r['gene']},Unkn,{names[r['population']]}-{r['replicate']},,{r['ct']:.3f},,,"
            + ("SIMULATED" if k == 0 else "")
        )
    lines.append(",H12,SYBR,JAK2,NTC,,,,,,")
    sheet = (
        qpcr[["population", "replicate"]]
        .drop_duplicates()
        .assign(
            sample=lambda d: [
                f"{names[p]}-{r}" for p, r in zip(d["population"], d["replicate"], strict=False)
            ]
        )
    )
    sheet = sheet[["sample", "population", "replicate"]].reset_index(drop=True)
    sheet["source"] = LABEL
    return "\n".join(lines) + "\n", sheet


#: File name -> what it shows (for the manifest and the Your data page).
FILES = {
    "plate_export_workbook.xlsx": "a plate reader's Excel workbook (Settings sheet; two plates on "
    "Results)",
    "plate_export_grid.csv": "a plate reader's text grid export (settings lines, 01..12 header, "
    "read label)",
    "plate_export_wells.csv": "a plate reader's well list (Plate, Well A01, Luminescence)",
    "qpcr_export_cfx.csv": "a Bio-Rad CFX Quantification Cq Results export",
    "qpcr_export_cfx.samples.csv": "the sample sheet of the CFX export (sample -> population, "
    "replicate)",
}


def _shipped_table(path: Path, schema: Schema) -> pd.DataFrame:
    """A shipped example table read as a reader's file is (the one tabular reader, against its
    format), in the file's own column order."""
    df = read_table(path, schema)
    return pd.DataFrame(df.drop(columns="line"))


def write_all(folder: Path = EXAMPLES, *, record: bool = True) -> list[Path]:
    """Write the export-form examples (and a plate map beside each plate export) into ``folder``;
    with ``record``, enter each file's checksum in data/MANIFEST.yml."""
    tidy = _shipped_table(EXAMPLES / "plate_example.csv", PLATE)
    qpcr = _shipped_table(EXAMPLES / "qpcr_example.csv", QPCR)
    grids, pmap = _plates(tidy)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    (folder / "plate_export_workbook.xlsx").write_bytes(workbook_bytes(grids))
    (folder / "plate_export_grid.csv").write_text(grid_text(grids), encoding="utf-8")
    (folder / "plate_export_wells.csv").write_text(well_list_text(grids), encoding="utf-8")
    text, sheet = cfx_export(qpcr)
    (folder / "qpcr_export_cfx.csv").write_text(text, encoding="utf-8")
    sheet.to_csv(folder / "qpcr_export_cfx.samples.csv", index=False, lineterminator="\n")
    out = [folder / n for n in FILES]
    for stem in ("plate_export_workbook", "plate_export_grid", "plate_export_wells"):
        m = folder / f"{stem}.map.csv"
        pmap.to_csv(m, index=False, lineterminator="\n")
        out.append(m)
    if record:
        from .manifest import record as enter

        for p in out:
            enter(
                p,
                kind="simulated example (instrument / spreadsheet export form)",
                source="SIMULATED by the book's model (not a measurement): the numbers of "
                "plate_example.csv / "
                "qpcr_example.csv (seed 7) in an export's form",
                version="jakpersist 0.1.0",
                licence="CC BY 4.0 (this project)",
                made_by="jakbook examples --only exports",
            )
    return out
