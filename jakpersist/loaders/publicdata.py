"""Shipped public data: STAT target gene sets and GDSC1 JAK2-inhibitor sensitivities.

Loaders read the files in data/ (checksums verified against data/MANIFEST.yml). The ``regenerate_*``
functions rebuild them from the registry packages named in the manifest and record the new
checksums; they download from PyPI and are run only by hand:

    # MSigDB Hallmark sets (CC BY 4.0), from scspectra==0.2.1
    jakbook data genesets
    # GDSC1 release 17, from the gdsctools==1.0.1 source tarball
    jakbook data gdsc
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from .manifest import DATA, record, verify
from .tabular import Column, ReadInfo, ReadTable, Schema, attach, read_table

GENESETS = DATA / "genesets" / "jak_stat_gene_sets.gmt"
GDSC = DATA / "gdsc" / "gdsc1_v17_jak2_inhibitors.csv"
CLASSIC_STAT5 = ("CISH", "SOCS2", "SOCS3", "PIM1", "BCL2L1", "OSM", "ID1")
#: GDSC1 release 17 drug ids (REFERENCE notes of this project): ruxolitinib 206, TG101348
#: (fedratinib) 306.
GDSC_DRUGS = {"ruxolitinib": 206, "fedratinib": 306}


def load_gene_sets(path: Path = GENESETS) -> dict[str, list[str]]:
    """Gene sets from a GMT file: name -> genes (checksum verified for the shipped file)."""
    if path == GENESETS:
        verify(path)
    sets = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 3:
            sets[parts[0]] = [g for g in parts[2:] if g]
    return sets


#: GDSC1 descriptors (cosmic_info.csv.gz, column GDSC1) of blood cancers; used where
#: cancer_cell_lines.csv has no tissue (source: gdsctools 1.0.1 data files).
GDSC_BLOOD_DESCRIPTORS = ("leukemia", "lymphoma", "myeloma", "blood")


#: A GDSC1 table in the shipped file's columns; a file of the reader's own (``load_gdsc(path)``) is
#: read against it by the one tabular reader.
GDSC_TABLE = Schema(
    "GDSC1 JAK2-inhibitor IC50s",
    (
        Column("cosmic_id", "integer", "COSMIC cell-line identifier", 1, 1e12),
        Column("cell_line", "text", "cell-line name"),
        Column("tissue", "text", "tissue; may be empty", missing_ok=True),
        Column("tissue_subtype", "text", "tissue subtype; may be empty", missing_ok=True),
        Column("gdsc_descriptor", "text", "GDSC1 descriptor; may be empty", missing_ok=True),
        *(
            Column(
                f"ln_ic50_uM_{drug}",
                "number",
                f"natural log of the {drug} IC50 in µM, as GDSC fitted it; empty = not screened",
                missing_ok=True,
            )
            for drug in GDSC_DRUGS
        ),
    ),
    "One row per cell line: GDSC1 (release 17) IC50s of the JAK2 inhibitors.",
)


def load_gdsc(path: Path = GDSC) -> ReadTable:
    """GDSC1 (release 17) IC50s of ruxolitinib and TG101348 per cell line (natural log of uM).

    Columns: cosmic_id, cell_line, tissue (cancer_cell_lines.csv; "blood" filled in from the GDSC1
    descriptor where that file has none), tissue_subtype, gdsc_descriptor (cosmic_info.csv.gz),
    ln_ic50_uM_<drug>. IC50s are as GDSC fitted them: many lie far above the highest concentration
    screened and are extrapolations.

    The shipped file (the default ``path``) is written by :func:`regenerate_gdsc` from the
    registry's gdsctools 1.0.1 data and pinned by its sha256 in data/MANIFEST.yml (checked here):
    it is read by :func:`pandas.read_csv`, a fast path that cannot meet a decimal comma, a
    byte-order mark or a workbook (a test checks that it agrees with the tabular reader on this
    file). Any other file is the reader's own and is read by the one tabular reader
    (:func:`jakpersist.loaders.tabular.read_table` against :data:`GDSC_TABLE`), with its rules and
    refusals (file, line, column, value).

    Returns a :class:`~jakpersist.loaders.tabular.ReadTable` (its ``read_info`` says how the file
    was read). Raises :class:`~jakpersist.loaders.tabular.ReaderDataError` for a malformed
    reader's file, ValueError for a shipped file whose checksum does not match.
    """
    if Path(path) == GDSC:
        verify(path)
        info = ReadInfo(
            path=str(path),
            format="GDSC1 release 17 subset (shipped; checksum verified)",
            decimal_mark=".",
        )
        return attach(pd.read_csv(path), info)
    return read_gdsc_table(path)


def read_gdsc_table(path: str | Path) -> ReadTable:
    """A GDSC table in the columns of :data:`GDSC_TABLE`, read by the one tabular reader (any
    encoding, delimiter, decimal mark or workbook it reads; extra columns kept as text).

    Raises :class:`~jakpersist.loaders.tabular.ReaderDataError` naming the file, line, column and
    value of a malformed cell or a missing column.
    """
    df = read_table(path, GDSC_TABLE)
    return df.drop(columns="line")


def _pip_download(spec: str, dest: str, sdist: bool = False) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", dest, spec]
    if sdist:
        cmd[4:4] = ["--no-binary", ":all:"]
    subprocess.run(cmd, check=True)
    return next(Path(dest).iterdir())


def regenerate_gene_sets(wheel: Path | None = None) -> Path:
    """Write the GMT from scspectra 0.2.1's default_gene_sets.json (downloads the wheel if not
    given)."""
    with tempfile.TemporaryDirectory() as tmp:
        wheel = wheel or _pip_download("scspectra==0.2.1", tmp)
        data = json.loads(zipfile.ZipFile(wheel).read("Spectra/data/default_gene_sets.json"))
    il6 = sorted(data["global"]["all_IL6-JAK-STAT3_signaling"])
    il2 = sorted(data["CD4_T"]["TNK_IL2-STAT5-signaling"])
    lines = [
        "HALLMARK_IL6_JAK_STAT3_SIGNALING\tMSigDB Hallmark v7.5.1 (CC BY 4.0, Liberzon 2015) via "
        "scspectra 0.2.1 "
        "'global/all_IL6-JAK-STAT3_signaling' (identical)\t" + "\t".join(il6),
        "IL2_STAT5_SIGNALING_SPECTRA\tscspectra 0.2.1 'CD4_T/TNK_IL2-STAT5-signaling'; shares 196 "
        "of the 199 "
        "genes of MSigDB HALLMARK_IL2_STAT5_SIGNALING (CC BY 4.0, Liberzon 2015)\t"
        + "\t".join(il2),
        "STAT5_CLASSIC_TARGETS\tclassic STAT5 read-out genes (this project's list)\t"
        + "\t".join(CLASSIC_STAT5),
    ]
    GENESETS.parent.mkdir(parents=True, exist_ok=True)
    GENESETS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    record(GENESETS, made_by="jakbook data genesets")
    return GENESETS


def regenerate_gdsc(tarball: Path | None = None) -> Path:
    """Write the GDSC subset from the gdsctools 1.0.1 source tarball (downloads it if not given).

    The tarball's tables are GDSC's own machine-written files from a registry package, read with
    :func:`pandas.read_csv` (not reader data: the tabular reader's rules are not needed)."""
    with tempfile.TemporaryDirectory() as tmp:
        tarball = tarball or _pip_download("gdsctools==1.0.1", tmp, sdist=True)
        with tarfile.open(tarball) as t:
            base = "gdsctools-1.0.1/gdsctools/data/"
            ic = pd.read_csv(t.extractfile(base + "IC50_v17.csv.gz"), compression="gzip")
            cos = pd.read_csv(t.extractfile(base + "cosmic_info.csv.gz"), compression="gzip")
            lines = pd.read_csv(t.extractfile(base + "cancer_cell_lines.csv"))
    cols = {f"Drug_{i}_IC50": f"ln_ic50_uM_{name}" for name, i in GDSC_DRUGS.items()}
    df = ic[["COSMIC_ID", *cols]].rename(columns=cols)
    df = df.dropna(subset=list(cols.values()), how="all")
    df = df.merge(cos[["COSMIC_ID", "SAMPLE_NAME", "GDSC1"]], on="COSMIC_ID", how="left")
    df = df.merge(
        lines.rename(columns={"COSMIC": "COSMIC_ID"})[["COSMIC_ID", "TISSUE", "TISSUE_SUB_TYPE"]],
        on="COSMIC_ID",
        how="left",
    )
    df = df.rename(
        columns={
            "SAMPLE_NAME": "cell_line",
            "TISSUE": "tissue",
            "TISSUE_SUB_TYPE": "tissue_subtype",
            "COSMIC_ID": "cosmic_id",
            "GDSC1": "gdsc_descriptor",
        }
    )
    # cancer_cell_lines.csv leaves about 280 lines without a tissue, among them blood cancers such
    # as OCI-M1, NK-92MI and DND-41; cosmic_info.csv.gz describes every line (GDSC1 descriptor), so
    # fill
    # "blood" from it.
    blood = df["gdsc_descriptor"].isin(GDSC_BLOOD_DESCRIPTORS)
    df["tissue"] = df["tissue"].where(df["tissue"].notna() | ~blood, "blood")
    df = df[
        ["cosmic_id", "cell_line", "tissue", "tissue_subtype", "gdsc_descriptor", *cols.values()]
    ].sort_values("cosmic_id")
    GDSC.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(GDSC, index=False, float_format="%.6f", lineterminator="\n")
    record(GDSC, made_by="jakbook data gdsc")
    return GDSC
