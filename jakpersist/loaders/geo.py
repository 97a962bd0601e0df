"""GEO: download a series (GSE38335) into a checksummed cache, and load SOFT family files.

Network is used only by :func:`download_series` (``make data``). GEO is often unreachable (always from the
machines this book is built on); then the download fails within seconds with :class:`GeoUnavailable`, and the
transcriptome chapter uses its labelled stand-in. Nothing half-written is ever read: downloads go to a
temporary folder and are renamed into the cache only when complete and parsable.

Probe-to-gene rule (stated on the transcriptome page): probes whose annotation names exactly one gene symbol
are kept; probes annotated with several genes (``A /// B``) or none are dropped; when several probes measure
one gene, the probe with the highest mean expression across samples represents it.
"""
from __future__ import annotations

import gzip
import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .manifest import DATA, sha256_file

# data/cache/ in a source checkout; a user cache folder when installed from a wheel (site-packages may be read-only)
CACHE = (DATA / "cache" if DATA.name == "data"
         else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "jakpersist")
GEO_HOST = "ftp.ncbi.nlm.nih.gov"
SERIES = "GSE38335"


class GeoUnavailable(RuntimeError):
    """GEO cannot be reached from this machine."""


class GeoFileError(ValueError):
    """A SOFT file is truncated, corrupt or not in the expected format."""


def cache_path(accession: str = SERIES, cache: Path = CACHE) -> Path:
    return cache / f"{accession}_family.soft.gz"


def check_reachable(host: str = GEO_HOST, timeout: float = 5.0) -> None:
    """Raise :class:`GeoUnavailable` quickly when ``host`` cannot be resolved or connected to."""
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError as exc:
        raise GeoUnavailable(f"GEO ({host}) cannot be reached from this machine ({exc.__class__.__name__}: "
                             f"{exc}); the transcriptome chapter will use its labelled simulated stand-in") from None


def cached_series(accession: str = SERIES, cache: Path = CACHE) -> Path | None:
    """The cached SOFT file if present and its checksum matches the one recorded at download; else None."""
    path = cache_path(accession, cache)
    if not path.is_file():
        return None
    record = path.with_name(path.name + ".sha256")
    if not record.is_file():
        raise GeoFileError(f"{path}: no recorded checksum ({record.name}); delete the file and run `make data`")
    if sha256_file(path) != record.read_text().split()[0]:
        raise GeoFileError(f"{path}: checksum differs from the one recorded at download; delete it and run "
                           "`make data` again")
    return path


def download_series(accession: str = SERIES, cache: Path = CACHE, retries: int = 2, wait_s: float = 3.0,
                    log=print) -> Path:
    """Download ``accession`` with GEOparse into ``cache`` (atomic, checksummed, bounded retries)."""
    existing = cached_series(accession, cache)
    if existing:
        log(f"[data] {existing.name} already cached, checksum verified")
        return existing
    check_reachable()
    import GEOparse

    last: Exception | None = None
    for attempt in range(1, retries + 2):
        with tempfile.TemporaryDirectory(prefix="geo-") as tmp:
            try:
                log(f"[data] downloading {accession} from GEO (attempt {attempt} of {retries + 1}) ...")
                GEOparse.get_GEO(geo=accession, destdir=tmp, how="full", silent=True)
                got = Path(tmp) / f"{accession}_family.soft.gz"
                if not got.is_file():
                    raise GeoFileError(f"GEOparse finished but {got.name} is missing")
                validate_soft(got)
                cache.mkdir(parents=True, exist_ok=True)
                final = cache_path(accession, cache)
                part = final.with_name(final.name + ".part")
                shutil.copyfile(got, part)
                os.replace(part, final)  # atomic on one file system
                final.with_name(final.name + ".sha256").write_text(f"{sha256_file(final)}  {final.name}\n")
                log(f"[data] {final} ({final.stat().st_size:,} bytes), sha256 recorded")
                return final
            except (OSError, GeoFileError, UnboundLocalError, ValueError) as exc:  # GEOparse failure modes
                last = exc
                log(f"[data] attempt {attempt} failed: {exc.__class__.__name__}: {exc}")
                time.sleep(wait_s)
    raise GeoUnavailable(f"GEO download of {accession} failed after {retries + 1} attempts ({last}); the "
                         "transcriptome chapter will use its labelled simulated stand-in")


# ------------------------------------------------------------------------------------------------
# reading SOFT family files
# ------------------------------------------------------------------------------------------------
def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open("r", encoding="utf-8", errors="replace")


def validate_soft(path: str | Path) -> None:
    """Raise :class:`GeoFileError` if a SOFT file is corrupt or truncated (unbalanced data tables)."""
    path = Path(path)
    opened: dict[str, int] = {}
    current = None
    n_lines = 0
    try:
        with _open_text(path) as fh:
            for n_lines, line in enumerate(fh, start=1):
                low = line.strip().lower()
                if low.endswith("_table_begin"):
                    if current:
                        raise GeoFileError(f"{path}, line {n_lines}: a table starts before '{current}' ended")
                    current = low[1:].replace("_table_begin", "")
                elif low.endswith("_table_end"):
                    if current is None:
                        raise GeoFileError(f"{path}, line {n_lines}: table end without a beginning")
                    opened[current] = opened.get(current, 0) + 1
                    current = None
    except (EOFError, OSError, gzip.BadGzipFile) as exc:
        raise GeoFileError(f"{path}: corrupt or truncated compressed file ({exc})") from None
    if n_lines == 0:
        raise GeoFileError(f"{path}: empty file")
    if current is not None:
        raise GeoFileError(f"{path}: truncated inside a {current} table (file ends at line {n_lines})")
    if "platform" not in opened:
        raise GeoFileError(f"{path}: no platform table; not a GEO SOFT family file?")


def _symbols(annotation: pd.DataFrame) -> pd.Series:
    """Gene symbol per probe ID from a platform table, for the common annotation styles (NaN if none/many)."""
    cols = {c.lower(): c for c in annotation.columns}
    if "gene symbol" in cols:  # Affymetrix 3' arrays: "JAK2" or "A /// B"
        raw = annotation[cols["gene symbol"]].astype("string")
    elif "symbol" in cols:  # Illumina
        raw = annotation[cols["symbol"]].astype("string")
    elif "ilmn_gene" in cols:
        raw = annotation[cols["ilmn_gene"]].astype("string")
    elif "gene_assignment" in cols:  # Affymetrix Gene ST: "NM_004972 // JAK2 // Janus kinase 2 // ..."
        parts = annotation[cols["gene_assignment"]].astype("string").str.split("///")

        def one(p):
            if not isinstance(p, list):
                return pd.NA
            syms = {seg.split("//")[1].strip() for seg in p if seg.count("//") >= 2}
            syms.discard("---")
            return next(iter(syms)) if len(syms) == 1 else pd.NA

        raw = parts.map(one).astype("string")
    else:
        raise GeoFileError("platform table has no gene-symbol column (looked for 'Gene Symbol', 'Symbol', "
                           f"'ILMN_Gene', 'gene_assignment'; found {', '.join(map(str, annotation.columns))})")
    raw = raw.str.strip()
    multi = raw.str.contains("///", regex=False) | raw.isin(["", "---"])
    return raw.mask(multi.fillna(True)).set_axis(annotation[annotation.columns[0]].astype(str))


@dataclass
class Series:
    """A loaded GEO series: sample table and a genes x samples expression matrix."""

    samples: pd.DataFrame
    expression: pd.DataFrame
    platform: str


def load_soft(path: str | Path) -> Series:
    """Parse a SOFT family file (GEOparse) into a sample table and a gene-level expression matrix.

    Samples without a data table are listed with ``has_table=False`` and left out of the matrix.
    """
    path = Path(path)
    validate_soft(path)
    import GEOparse

    try:
        gse = GEOparse.get_GEO(filepath=str(path), silent=True)
    except Exception as exc:  # GEOparse raises its own exception types for malformed files
        raise GeoFileError(f"{path}: GEOparse could not read it ({exc.__class__.__name__}: "
                           f"{' '.join(str(exc).split())[:200]})") from None
    if len(gse.gpls) != 1:
        raise GeoFileError(f"{path}: expected one platform, found {len(gse.gpls)}")
    gpl_name, gpl = next(iter(gse.gpls.items()))
    symbols = _symbols(gpl.table)
    rows, cols = [], {}
    for name, gsm in gse.gsms.items():
        md = gsm.metadata
        has = not gsm.table.empty and {"ID_REF", "VALUE"} <= set(gsm.table.columns)
        rows.append({"sample": name, "title": " ".join(md.get("title", [])),
                     "characteristics": "; ".join(md.get("characteristics_ch1", [])),
                     "source": " ".join(md.get("source_name_ch1", [])), "has_table": has})
        if has:
            t = gsm.table
            cols[name] = pd.to_numeric(t["VALUE"], errors="coerce").set_axis(t["ID_REF"].astype(str))
    samples = pd.DataFrame(rows)
    if not cols:
        raise GeoFileError(f"{path}: no sample has a data table")
    probes = pd.DataFrame(cols)
    probes["gene"] = symbols.reindex(probes.index)
    probes = probes.dropna(subset=["gene"])
    values = probes.drop(columns="gene")
    best = values.mean(axis=1).groupby(probes["gene"]).idxmax()
    expr = values.loc[best.to_numpy()].set_axis(best.index)
    expr.index.name = "gene"
    return Series(samples, expr.astype(float), gpl_name)


def classify_samples(samples: pd.DataFrame) -> pd.Series:
    """naive / persistent / withdrawn from a sample's title and characteristics, by keyword; NaN if unclear."""
    text = (samples["title"] + " " + samples["characteristics"] + " " + samples["source"]).str.lower()
    out = pd.Series(np.nan, index=samples.index, dtype="object")
    out[text.str.contains("naive|parental|sensitive", regex=True)] = "naive"
    out[text.str.contains("persist|resistant", regex=True)] = "persistent"
    out[text.str.contains("withdraw|off drug|re-?sensiti", regex=True)] = "withdrawn"
    return out
