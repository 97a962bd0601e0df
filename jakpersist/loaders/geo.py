"""GEO: download a series (GSE38335) into a checksummed cache, and load expression data in the forms
readers have.

Forms (:data:`FORMS`, told apart by content, never by file name): a SOFT family file (read with
GEOparse), a series matrix plus its platform annotation (GEOparse cannot read series matrices, its
issue #62: parsed here; the annotation is read with GEOparse), and a tidy expression matrix CSV with
an optional sample sheet.

Network is used only by :func:`download_series` (``make data``). GEO is often unreachable (always
from the machines this book is built on); then the download fails within seconds with
:class:`GeoUnavailable`, and the transcriptome chapter uses its labelled stand-in. Nothing
half-written is ever read: downloads go to a temporary folder and are renamed into the cache only
when complete and parsable.

Cleaning rules (stated on the transcriptome page, :data:`CLEANING_RULES`): repeated probe IDs
averaged (pandas; GEOparse's ``merge_and_average`` fails on pandas >= 2); all-null probes and
samples dropped; the GEO2R scale rule (:func:`detect_scale`); probes with exactly one gene symbol
kept, one probe per gene (highest mean).
"""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import tempfile
import re
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .manifest import CACHE, sha256_file
from .tabular import (
    Column,
    ReadInfo,
    ReaderDataError,
    Schema,
    read_info,
    read_matrix,
    read_table,
)

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
        raise GeoUnavailable(
            f"GEO ({host}) cannot be reached from this machine ({exc.__class__.__name__}: "
            f"{exc}); the transcriptome chapter will use its labelled simulated stand-in"
        ) from None


def cached_series(accession: str = SERIES, cache: Path = CACHE) -> Path | None:
    """The cached SOFT file if present and its checksum matches the one recorded at download; else
    None."""
    path = cache_path(accession, cache)
    if not path.is_file():
        return None
    record = path.with_name(path.name + ".sha256")
    if not record.is_file():
        raise GeoFileError(
            f"{path}: no recorded checksum ({record.name}); delete the file and run `make data`"
        )
    if sha256_file(path) != record.read_text().split()[0]:
        raise GeoFileError(
            f"{path}: checksum differs from the one recorded at download; delete it and run "
            "`make data` again"
        )
    return path


def download_series(
    accession: str = SERIES,
    cache: Path = CACHE,
    retries: int = 2,
    *,
    wait_s: float = 3.0,
    log=print,
) -> Path:
    """Download ``accession`` with GEOparse into ``cache`` (atomic, checksummed, bounded
    retries)."""
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
                log(
                    f"[data] downloading {accession} from GEO (attempt {attempt} of {retries + 1}) "
                    "..."
                )
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
                final.with_name(final.name + ".sha256").write_text(
                    f"{sha256_file(final)}  {final.name}\n"
                )
                log(f"[data] {final} ({final.stat().st_size:,} bytes), sha256 recorded")
                return final
            except (
                OSError,
                GeoFileError,
                UnboundLocalError,
                ValueError,
            ) as exc:  # GEOparse failure modes
                last = exc
                log(f"[data] attempt {attempt} failed: {exc.__class__.__name__}: {exc}")
                time.sleep(wait_s)
    raise GeoUnavailable(
        f"GEO download of {accession} failed after {retries + 1} attempts ({last}); the "
        "transcriptome chapter will use its labelled simulated stand-in"
    )


# ------------------------------------------------------------------------------------------------
# what kind of file is it (by content, never by name)
# ------------------------------------------------------------------------------------------------
#: The file forms :func:`load_expression` reads, as :func:`sniff` names them.
FORMS = {
    "soft-family": "GEO SOFT family file (GSExxx_family.soft.gz)",
    "series-matrix": "GEO series matrix (GSExxx_series_matrix.txt.gz) with its platform annotation",
    "platform": "GEO platform file (GPLxxx SOFT or GPLxxx.annot.gz)",
    "tidy": "tidy expression matrix (CSV: genes x samples)",
}

TIDY_ROUTE = (
    "make a tidy expression matrix instead (a CSV with one row per gene: a gene-symbol column, "
    "then one "
    "column of normalised log2 values per sample) and, if the sample names do not say the group, a "
    "sample sheet; run with --set data_path=matrix.csv --set sample_sheet_path=sheet.csv (see the "
    "'Your data' page, section 'Your expression matrix')"
)


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


@contextmanager
def _named_for_geoparse(path: Path):
    """A path GEOparse opens correctly: it decides gzip from a name ending in "gz", so a file whose
    name and content disagree (``data.bin`` holding gzip, ``x.soft.gz`` holding text) is linked
    under a fitting name."""
    if _is_gzip(path) == str(path).endswith("gz"):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="geo-") as tmp:
        link = Path(tmp) / ("file.soft.gz" if _is_gzip(path) else "file.soft")
        try:
            os.symlink(path.resolve(), link)
        except OSError:
            shutil.copyfile(path, link)
        yield link


def _open_text(path: Path):
    """Open a text file, gzip-compressed or not (decided from the magic bytes, not from the
    name)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open("r", encoding="utf-8", errors="replace")


def sniff(path: str | Path) -> str:
    """Which form a file is, from its first lines: a key of :data:`FORMS`.

    SOFT family files start with ``^DATABASE``/``^SERIES`` entries; series matrices with
    ``!Series_...`` lines (tab-separated, no ``=``); platform files with ``^PLATFORM`` or
    ``^Annotation``; anything else is read as a tidy CSV. Raises :class:`GeoFileError` for an empty,
    unreadable or corrupt compressed file.
    """
    path = Path(path)
    head: list[str] = []
    try:
        with _open_text(path) as fh:
            for line in fh:
                if line.strip():
                    head.append(line.strip())
                if len(head) >= 40:
                    break
    except (EOFError, OSError, gzip.BadGzipFile) as exc:
        raise GeoFileError(f"{path}: corrupt or truncated compressed file ({exc})") from None
    if not head:
        raise GeoFileError(f"{path}: empty file")
    entries = [h.split("=", 1)[0].strip().lstrip("^").upper() for h in head if h.startswith("^")]
    if "SERIES" in entries:
        return "soft-family"
    if entries and entries[0] in ("PLATFORM", "ANNOTATION"):
        return "platform"
    if head[0].startswith("!Annotation_") or (
        not entries and any(h.lower() == "!platform_table_begin" for h in head)
    ):
        return "platform"
    if entries and entries[0] == "DATABASE" and "PLATFORM" in entries:
        return "platform"
    if any(h.startswith("!Series_") and "=" not in h.split("\t", 1)[0] for h in head):
        return "series-matrix"
    if head[0].startswith(("^", "!")):
        raise GeoFileError(
            f"{path}: looks like a GEO file but is neither a SOFT family file (^SERIES), a series "
            "matrix (!Series_ lines) nor a platform file (^PLATFORM); first line: "
            f"{head[0][:80]!r}"
        )
    return "tidy"


def validate_soft(path: str | Path) -> None:
    """Raise :class:`GeoFileError` if a SOFT file is corrupt or truncated (unbalanced data
    tables)."""
    path = Path(path)
    current = None
    n_lines = 0
    try:
        with _open_text(path) as fh:
            for n_lines, line in enumerate(fh, start=1):
                low = line.strip().lower()
                if low.endswith("_table_begin"):
                    if current:
                        raise GeoFileError(
                            f"{path}, line {n_lines}: a table starts before '{current}' ended"
                        )
                    current = low[1:].replace("_table_begin", "")
                elif low.endswith("_table_end"):
                    if current is None:
                        raise GeoFileError(f"{path}, line {n_lines}: table end without a beginning")
                    current = None
    except (EOFError, OSError, gzip.BadGzipFile) as exc:
        raise GeoFileError(f"{path}: corrupt or truncated compressed file ({exc})") from None
    if n_lines == 0:
        raise GeoFileError(f"{path}: empty file")
    if current is not None:
        raise GeoFileError(
            f"{path}: truncated inside a {current} table (file ends at line {n_lines})"
        )


# ------------------------------------------------------------------------------------------------
# probe -> gene symbol
# ------------------------------------------------------------------------------------------------
#: Column names (compared case-insensitively, spaces/underscores/dashes ignored) that hold gene
#: symbols, in order of preference. Sources: GEO platform tables of Affymetrix ("Gene Symbol"), GEO
#: .annot files ("Gene symbol"), Agilent ("GENE_SYMBOL"), Illumina ("Symbol", "ILMN_Gene"),
#: Affymetrix Gene/Exon ST ("gene_assignment", "GB_ACC // SYMBOL // name // ..."), and tidy tables
#: ("gene", "gene_name",
#: "HGNC symbol").
SYMBOL_COLUMNS = (
    "gene symbol",
    "gene_symbol",
    "symbol",
    "genesymbol",
    "ilmn_gene",
    "hgnc_symbol",
    "hgnc symbol",
    "gene_name",
    "gene name",
    "gene",
    "orf",
    "gene_assignment",
)


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def symbol_column(columns: Iterable[str]) -> str | None:
    """The platform column holding gene symbols (first of :data:`SYMBOL_COLUMNS` present), or
    None."""
    by = {_norm(c): c for c in columns}
    for want in SYMBOL_COLUMNS:
        if _norm(want) in by:
            return by[_norm(want)]
    return None


def symbol_index(header: list[str]) -> int | None:
    """The position of the gene-symbol column in a header (:func:`symbol_column`), or None."""
    name = symbol_column(header)
    return None if name is None else list(header).index(name)


def _assignment_symbol(text: Any) -> Any:
    """The one gene symbol of an Affymetrix ``gene_assignment`` cell (``acc // SYMBOL // name //
    ...``), else NA."""
    if not isinstance(text, str):
        return pd.NA
    syms = {seg.split("//")[1].strip() for seg in text.split("///") if seg.count("//") >= 2}
    syms.discard("---")
    syms.discard("")
    return next(iter(syms)) if len(syms) == 1 else pd.NA


def probe_symbols(annotation: pd.DataFrame, where: str = "platform table") -> tuple[pd.Series, str]:
    """Gene symbol per probe ID (index: the table's first column, as text) and the column it came
    from.

    Probes annotated with several genes (``A /// B``) or none (empty, ``---``) map to NA. Raises
    :class:`GeoFileError` naming the columns the table has when none of :data:`SYMBOL_COLUMNS` is
    present.
    """
    col = symbol_column(annotation.columns)
    if col is None:
        raise GeoFileError(
            f"{where} has no gene-symbol column (looked for 'Gene Symbol', 'GENE_SYMBOL', "
            "'Symbol', "
            f"'ILMN_Gene', 'gene_assignment' and similar, in any case; found "
            f"{', '.join(map(str, annotation.columns))}). Give a platform annotation that has one "
            f"(GEO's GPLxxx.annot.gz has 'Gene symbol'), or use a tidy expression matrix"
        )
    if _norm(col) == "geneassignment":
        raw = annotation[col].map(_assignment_symbol).astype("string")
    else:
        raw = annotation[col].astype("string")
    raw = raw.str.strip()
    multi = raw.str.contains("///", regex=False) | raw.isin(["", "---"])
    ids = annotation[annotation.columns[0]].astype(str).str.strip()
    return raw.mask(multi.fillna(True)).set_axis(ids), str(col)


# ------------------------------------------------------------------------------------------------
# scale
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScaleDecision:
    """Whether values were log2-transformed, and which rule fired (words for the page)."""

    transformed: bool
    rule: str
    quantiles: tuple[float, ...]


def detect_scale(values: pd.DataFrame) -> ScaleDecision:
    """GEO2R's rule for "values are on a linear scale": log2-transform when so.

    With q = quantiles (0, 25, 50, 75, 99, 100 %) of all values: linear if q99 > 100, or if (max -
    min > 50 and q25 > 0). Source: the R script GEO2R generates (NCBI GEO, ``LogC <- (qx[5] > 100)
    || (qx[6]-qx[1] > 50 && qx[2] > 0)``). Linear values <= 0 then become missing before log2, as
    GEO2R does.
    """
    v = values.to_numpy(float).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise GeoFileError("no numeric expression value at all")
    q = tuple(float(x) for x in np.quantile(v, [0.0, 0.25, 0.5, 0.75, 0.99, 1.0]))
    if q[4] > 100:
        return ScaleDecision(
            True,
            f"linear scale detected (GEO2R rule: 99th percentile {q[4]:.4g} > 100); "
            "values log2-transformed (values <= 0 set missing)",
            q,
        )
    if q[5] - q[0] > 50 and q[1] > 0:
        return ScaleDecision(
            True,
            f"linear scale detected (GEO2R rule: range {q[5] - q[0]:.4g} > 50 and 25th "
            f"percentile {q[1]:.4g} > 0); values log2-transformed (values <= 0 set missing)",
            q,
        )
    return ScaleDecision(
        False,
        f"log scale detected (GEO2R rule: 99th percentile {q[4]:.4g} <= 100 and not "
        "(range > 50 with 25th percentile > 0)); values used as they are, taken as log2",
        q,
    )


def apply_scale(values: pd.DataFrame, decision: ScaleDecision) -> pd.DataFrame:
    """log2 of ``values`` (non-positive -> NaN) when ``decision.transformed``; else ``values``
    unchanged."""
    if not decision.transformed:
        return values
    return np.log2(values.where(values > 0))


# ------------------------------------------------------------------------------------------------
# the loaded data, and the cleaning rules (stated on the page)
# ------------------------------------------------------------------------------------------------
CLEANING_RULES = (
    "a probe ID repeated within one sample's table: its values are averaged (mean); "
    "a probe with no value in any sample and a sample with no value for any probe are dropped; "
    "probes annotated with exactly one gene symbol are kept, probes with several symbols (A /// B) "
    "or none are "
    "dropped; when several probes measure one gene, the probe with the highest mean across the "
    "samples "
    "represents it (after the scale rule)"
)


@dataclass
class ExpressionData:
    """An expression experiment ready for analysis.

    - ``expression``: genes x samples, float, log2 scale (index: gene symbol; columns: sample IDs);
    - ``samples``: one row per sample of the file (also the ones left out), columns ``sample``,
      ``title``, ``characteristics``, ``source``, ``platform``, ``used`` (bool) and ``note`` (why
      left out);
    - ``accession``: the series accession read from the file (None for a tidy matrix), ``label``
      what the page calls the data ("GSE38335", "your expression data"), ``form`` a key of
      :data:`FORMS`;
    - ``notes``: each rule that fired, in words; ``dropped``: what was left out (kind -> IDs);
    - ``read_info``: how a tidy matrix's file was read (decimal mark, delimiter, encoding; None for
      GEO's own files).
    """

    expression: pd.DataFrame
    samples: pd.DataFrame
    accession: str | None
    label: str
    form: str
    path: str
    platform: str | None = None
    platform_title: str = ""
    scale: ScaleDecision | None = None
    notes: list[str] = field(default_factory=list)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    simulated: bool = False
    read_info: ReadInfo | None = None


def _list(ids: list[str], n: int = 12) -> str:
    return ", ".join(ids[:n]) + (f" and {len(ids) - n} more" if len(ids) > n else "")


def probes_to_genes(
    probes: pd.DataFrame, symbols: pd.Series | None, where: str
) -> tuple[pd.DataFrame, ScaleDecision, list[str], dict[str, list[str]]]:
    """From a probes x samples table (repeated probe IDs already averaged) to genes x samples on
    log2 scale.

    Applies, in order: drop all-null samples and probes; the scale rule (:func:`detect_scale`); the
    symbol mapping (``symbols``: probe -> symbol; None when the index already holds symbols); one
    probe per gene (highest mean). Returns (matrix, scale decision, notes, dropped). Raises
    :class:`GeoFileError` when nothing is left.
    """
    notes: list[str] = []
    dropped: dict[str, list[str]] = {}
    null_samples = [str(c) for c in probes.columns if probes[c].isna().all()]
    if null_samples:
        dropped["samples with no value at all"] = null_samples
        notes.append(
            f"{len(null_samples)} sample(s) with no value for any probe dropped: "
            f"{_list(null_samples, 10**6)}"
        )
        probes = probes.drop(columns=null_samples)
    if probes.shape[1] == 0:
        raise GeoFileError(f"{where}: every sample's values are missing")
    null_probes = probes.index[probes.isna().all(axis=1)].astype(str).tolist()
    if null_probes:
        dropped["probes with no value in any sample"] = null_probes
        notes.append(
            f"{len(null_probes)} probe(s) with no value in any sample dropped: {_list(null_probes)}"
        )
        probes = probes.loc[~probes.isna().all(axis=1)]
    scale = detect_scale(probes)
    probes = apply_scale(probes, scale)
    notes.append(scale.rule)
    if symbols is not None:
        genes = symbols.groupby(level=0).first().reindex(probes.index.astype(str))
        unmapped = int(genes.isna().sum())
        if unmapped:
            notes.append(
                f"{unmapped} of {len(genes)} probes have no single gene symbol and are dropped"
            )
        probes = probes.set_axis(genes.to_numpy(), axis=0).loc[genes.notna().to_numpy()]
    else:
        probes = probes.loc[probes.index.notna() & (probes.index.astype(str).str.strip() != "")]
    if probes.empty:
        raise GeoFileError(
            f"{where}: no probe maps to a gene symbol (check that the annotation is the platform "
            "of these samples)"
        )
    probes.index = probes.index.astype(str)
    n_before = len(probes)
    mean = probes.mean(axis=1)
    order = np.lexsort((np.arange(len(probes)), -mean.fillna(-np.inf).to_numpy()))
    expr = probes.iloc[order]
    expr = expr.loc[~expr.index.duplicated(keep="first")].sort_index()
    if len(expr) < n_before:
        notes.append(
            f"{n_before - len(expr)} probe(s) measuring a gene already measured by a probe with a "
            "higher "
            "mean were dropped (one probe per gene)"
        )
    expr.index.name = "gene"
    return expr.astype(float), scale, notes, dropped


def _average_repeats(values: pd.Series, sample: str, repeats: dict[str, list[str]]) -> pd.Series:
    dup = values.index.duplicated(keep=False)
    if dup.any():
        repeats[sample] = sorted(set(values.index[dup].astype(str)))
        values = values.groupby(level=0, sort=False).mean()
    return values


def _label(accession: str | None) -> str:
    return accession if accession else "your expression data"


# ------------------------------------------------------------------------------------------------
# SOFT family files (GEOparse)
# ------------------------------------------------------------------------------------------------
def _meta(md: dict, key: str, sep: str = "; ") -> str:
    return sep.join(str(x) for x in md.get(key, []))


def _platform_choice(
    path: Path, counts: dict[str, int], titles: dict[str, str], platform: str
) -> str:
    listing = "; ".join(
        f"{p} ({titles.get(p, 'no title') or 'no title'}, {n} sample(s))" for p, n in counts.items()
    )
    if platform:
        if platform not in counts:
            raise GeoFileError(
                f"{path}: platform '{platform}' is not in this series; it has: {listing}"
            )
        return platform
    if len(counts) > 1:
        raise GeoFileError(
            f"{path}: this series has {len(counts)} platforms: {listing}. Choose one with "
            f"--set platform={next(iter(counts))} (samples of the other platforms are then left "
            "out "
            "and listed)"
        )
    return next(iter(counts))


def load_soft(path: str | Path, platform: str = "") -> ExpressionData:
    """Read a SOFT family file with GEOparse (``geotype="GSE"``: any file name) into
    :class:`ExpressionData`.

    ``platform``: GEO platform accession to analyse; empty = the only one (a file with several stops
    with a :class:`GeoFileError` listing each platform with its title and sample count). Samples of
    other platforms are left out and listed. A series whose samples carry no data table (e.g.
    RNA-seq: counts are supplementary files) stops with a message pointing to the tidy-matrix route.
    Cleaning rules: :data:`CLEANING_RULES`.
    """
    path = Path(path)
    validate_soft(path)
    import GEOparse

    try:
        with _named_for_geoparse(path) as named:
            gse = GEOparse.get_GEO(filepath=str(named), geotype="GSE", silent=True)
    except Exception as exc:  # GEOparse raises its own exception types for malformed files
        raise GeoFileError(
            f"{path}: GEOparse could not read it ({exc.__class__.__name__}: "
            f"{' '.join(str(exc).split())[:200]})"
        ) from None
    accession = (gse.metadata.get("geo_accession") or [gse.name])[0]
    rows, counts = [], {}
    for name, gsm in gse.gsms.items():
        md = gsm.metadata
        plat = _meta(md, "platform_id", " ") or (next(iter(gse.gpls)) if len(gse.gpls) == 1 else "")
        has = not gsm.table.empty and {"ID_REF", "VALUE"} <= set(gsm.table.columns)
        rows.append(
            {
                "sample": name,
                "title": _meta(md, "title", " "),
                "characteristics": _meta(md, "characteristics_ch1"),
                "source": _meta(md, "source_name_ch1"),
                "platform": plat,
                "has_table": has,
            }
        )
        counts[plat] = counts.get(plat, 0) + 1
    if not rows:
        raise GeoFileError(f"{path}: series {accession} has no samples")
    titles = {p: _meta(g.metadata, "title", " ") for p, g in gse.gpls.items()}
    chosen = _platform_choice(path, counts, titles, platform)
    samples = pd.DataFrame(rows)
    samples["used"] = samples["platform"].eq(chosen) & samples["has_table"]
    samples["note"] = np.where(
        samples["platform"].ne(chosen),
        f"other platform (not {chosen})",
        np.where(samples["has_table"], "", "no data table"),
    )
    notes: list[str] = []
    dropped: dict[str, list[str]] = {}
    other = samples.loc[samples["platform"].ne(chosen), "sample"].tolist()
    if other:
        dropped[f"samples of other platforms (not {chosen})"] = other
        notes.append(f"{len(other)} sample(s) of other platforms left out: {_list(other, 10**6)}")
    use = samples.loc[samples["used"], "sample"].tolist()
    if not use:
        raise GeoFileError(
            f"{path}: no sample of series {accession} on platform {chosen} has a data table: its "
            "expression values are in supplementary files (as for RNA-seq counts), which this "
            f"chapter does not read. Download them from GEO and {TIDY_ROUTE}"
        )
    no_table = samples.loc[
        samples["platform"].eq(chosen) & ~samples["has_table"], "sample"
    ].tolist()
    if no_table:
        dropped["samples without a data table"] = no_table
        notes.append(
            f"{len(no_table)} sample(s) without a data table left out: {_list(no_table, 10**6)}"
        )
    cols, repeats = {}, {}
    n_text = 0
    for name in use:
        t = gse.gsms[name].table
        v = pd.to_numeric(t["VALUE"], errors="coerce")
        n_text += int((v.isna() & t["VALUE"].notna()).sum())
        v.index = t["ID_REF"].astype(str).str.strip()
        cols[name] = _average_repeats(v, name, repeats)
    if n_text:
        notes.append(f"{n_text} VALUE cell(s) that are not numbers (e.g. 'null') read as missing")
    if repeats:
        ids = sorted({i for v in repeats.values() for i in v})
        dropped["repeated probe IDs (averaged)"] = ids
        notes.append(
            f"probe ID(s) repeated within a sample's table, values averaged: {_list(ids)} (in "
            f"{_list(sorted(repeats))})"
        )
    probes = pd.DataFrame(cols)
    gpl = gse.gpls.get(chosen)
    if gpl is None or gpl.table.empty:
        raise GeoFileError(
            f"{path}: the file holds no annotation table for platform {chosen}, so probes cannot "
            "be "
            f"mapped to genes; download GEO's {chosen} annotation and use the series matrix route "
            "(data_path=GSExxx_series_matrix.txt.gz, annotation_path=GPLxxx.annot.gz), or "
            f"{TIDY_ROUTE}"
        )
    symbols, col = probe_symbols(gpl.table, f"{path}: platform {chosen} table")
    expr, scale, more, dropped2 = probes_to_genes(probes, symbols, f"{path}")
    more.append(f"gene symbols from the platform column '{col}'")
    samples.loc[
        samples["sample"].isin(dropped2.get("samples with no value at all", [])), ["used", "note"]
    ] = [False, "no value at all"]
    return ExpressionData(
        expr,
        samples,
        accession,
        _label(accession),
        "soft-family",
        str(path),
        chosen,
        titles.get(chosen, ""),
        scale,
        notes + more,
        {**dropped, **dropped2},
    )


# ------------------------------------------------------------------------------------------------
# series matrix + platform annotation (GEOparse cannot read series matrices: its issue #62)
# ------------------------------------------------------------------------------------------------
def read_platform(path: str | Path) -> tuple[str, str, pd.DataFrame]:
    """(platform accession, title, annotation table) from a GPL SOFT file or a GEO ``.annot.gz``
    file (GEOparse)."""
    path = Path(path)
    if not path.is_file():
        raise GeoFileError(f"annotation_path {str(path)!r}: no such file")
    form = sniff(path)
    if form != "platform":
        raise GeoFileError(
            f"{path}: not a GEO platform file (expected GPLxxx SOFT or GPLxxx.annot.gz starting "
            "with "
            f"^PLATFORM or ^Annotation; this looks like a {FORMS[form]})"
        )
    validate_soft(path)
    import GEOparse

    try:
        with _named_for_geoparse(path) as named:
            gpl = GEOparse.get_GEO(filepath=str(named), geotype="GPL", silent=True)
        acc = (
            gpl.metadata.get("geo_accession") or gpl.metadata.get("platform") or [gpl.name or ""]
        )[0]
        title = _meta(gpl.metadata, "title", " ") or _meta(gpl.metadata, "platform_title", " ")
        table = gpl.table
    except (
        Exception
    ):  # GEOparse insists on one '#column = description' line per column; .annot files vary
        acc, title, table = "", "", pd.DataFrame()
    if table.empty:
        acc2, title2, table = _platform_table(path)
        acc, title = acc or acc2, title or title2
    if table.empty:
        raise GeoFileError(
            f"{path}: platform {acc or '(no accession)'} has no annotation table (expected rows "
            "between !platform_table_begin and !platform_table_end)"
        )
    return str(acc), title, table


def _platform_table(path: Path) -> tuple[str, str, pd.DataFrame]:
    """Fallback for :func:`read_platform` when GEOparse cannot read a platform file: the accession,
    title and the tab-separated table between ``!platform_table_begin`` and ``!platform_table_end``
    (all cells as text)."""
    acc, title, rows, inside = "", "", [], False
    with _open_text(path) as fh:
        for line in fh:
            low = line.strip().lower()
            if low == "!platform_table_begin":
                inside = True
            elif low == "!platform_table_end":
                inside = False
            elif inside:
                if line.strip():
                    rows.append(line.rstrip("\n").split("\t"))
            elif "=" in line and line.startswith(("!", "^")):
                key, val = (x.strip() for x in line.split("=", 1))
                if (
                    key.lower() in ("!annotation_platform", "!platform_geo_accession", "^platform")
                    and not acc
                ):
                    acc = val
                elif key.lower() in ("!annotation_platform_title", "!platform_title") and not title:
                    title = val
    if len(rows) < 2:
        return acc, title, pd.DataFrame()
    width = len(rows[0])
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    return acc, title, pd.DataFrame(body, columns=rows[0]).replace("", np.nan)


def _cells(line: str) -> list[str]:
    return [c.strip().strip('"') for c in line.rstrip("\n").split("\t")]


def _matrix_sections(path: Path) -> tuple[dict[str, list[list[str]]], list[tuple[int, str]]]:
    """A series matrix's header lines (``!key -> [cells, ...]``) and its table's (line number, line)
    pairs. Raises :class:`GeoFileError` for a corrupt file or a table without its begin and end
    lines."""
    meta: dict[str, list[list[str]]] = {}
    table_lines: list[tuple[int, str]] = []
    inside, ended = False, False
    try:
        with _open_text(path) as fh:
            for n, line in enumerate(fh, start=1):
                low = line.strip().lower()
                if low == "!series_matrix_table_begin":
                    inside = True
                elif low == "!series_matrix_table_end":
                    inside, ended = False, True
                elif inside:
                    if line.strip():
                        table_lines.append((n, line))
                elif line.startswith("!"):
                    cells = _cells(line)
                    meta.setdefault(cells[0], []).append(cells[1:])
    except (EOFError, OSError, gzip.BadGzipFile) as exc:
        raise GeoFileError(f"{path}: corrupt or truncated compressed file ({exc})") from None
    if inside or not ended:
        raise GeoFileError(
            f"{path}: no complete table between !series_matrix_table_begin and "
            "!series_matrix_table_end (truncated download?)"
        )
    return meta, table_lines


def _matrix_values(path: Path, header: list[str], lines: list[tuple[int, str]]) -> pd.DataFrame:
    """The probes x samples values of a series matrix's table lines (empty, null, NA, NaN: missing).

    A series matrix is GEO's own machine-written format, with every number written with a decimal
    point, so a cell is read by :func:`float` (``1.000`` is one); a decimal comma or any other
    non-number is refused: raises :class:`GeoFileError` naming line and column. A reader's own
    matrix is the tidy form, read by the tabular reader (:func:`load_tidy`)."""
    rows, index = [], []
    for n_line, line in lines:
        cells = _cells(line)
        index.append(cells[0])
        vals = []
        for j, c in enumerate(cells[1 : len(header)], start=1):
            if c == "" or c.lower() in ("null", "na", "nan"):
                vals.append(np.nan)
                continue
            try:
                vals.append(float(c))
            except ValueError:
                raise GeoFileError(
                    f"{path}, line {n_line}, column '{header[j]}': {c!r} is not a number"
                ) from None
        vals += [np.nan] * (len(header) - 1 - len(vals))
        rows.append(vals)
    return pd.DataFrame(rows, index=pd.Index(index), columns=header[1:])


def load_series_matrix(
    path: str | Path, annotation_path: str | Path | None, platform: str = ""
) -> ExpressionData:
    """Read a GEO series matrix (``!Series_``/``!Sample_`` header lines, then the table between
    ``!series_matrix_table_begin`` and ``..._end``) and map its probes with a platform annotation.

    A series on several platforms has one series matrix per platform; ``platform``, if given, must
    be this file's. Raises :class:`GeoFileError` naming the line for a non-numeric value, and when
    the annotation is missing or is another platform's.
    """
    path = Path(path)
    meta, table_lines = _matrix_sections(path)

    def first(key: str) -> str:
        return (meta.get(key) or [[""]])[0][0] if (meta.get(key) or [[]])[0] else ""

    accession = first("!Series_geo_accession") or None
    header = _cells(table_lines[0][1]) if table_lines else []
    ids = meta.get("!Sample_geo_accession", [header[1:]])[0]
    if len(table_lines) < 2 or len(header) < 2:
        raise GeoFileError(
            f"{path}: the series matrix table is empty: the expression values of this series are "
            f"not in it (as for RNA-seq, whose counts are supplementary files). {TIDY_ROUTE}"
        )
    n = len(ids)
    plats = (meta.get("!Sample_platform_id") or [[first("!Series_platform_id")] * n])[0]
    chars = meta.get("!Sample_characteristics_ch1", [])
    samples = pd.DataFrame(
        {
            "sample": ids,
            "title": (meta.get("!Sample_title") or [[""] * n])[0],
            "characteristics": [
                "; ".join(c[i] for c in chars if i < len(c) and c[i]) for i in range(n)
            ],
            "source": (meta.get("!Sample_source_name_ch1") or [[""] * n])[0],
            "platform": plats,
        }
    )
    here = sorted(set(samples["platform"]) - {""})
    if platform and here and platform not in here:
        raise GeoFileError(
            f"{path}: this series matrix holds platform {', '.join(here)}, not '{platform}' (GEO "
            "writes one series matrix per platform: GSExxx-GPLyyy_series_matrix.txt.gz)"
        )
    probes = _matrix_values(path, header, table_lines[1:])
    notes: list[str] = []
    dropped: dict[str, list[str]] = {}
    if probes.index.duplicated().any():
        ids_rep = sorted(set(probes.index[probes.index.duplicated(keep=False)]))
        probes = probes.groupby(level=0, sort=False).mean()
        dropped["repeated probe IDs (averaged)"] = ids_rep
        notes.append(f"probe ID(s) repeated in the table, values averaged: {_list(ids_rep)}")
    if not annotation_path:
        raise GeoFileError(
            f"{path}: a series matrix holds probe IDs only; give the platform annotation "
            f"({', '.join(here) or 'GPLxxx'}) as annotation_path: GEO's GPLxxx.annot.gz or the "
            "GPLxxx family SOFT file"
        )
    gpl_acc, gpl_title, table = read_platform(annotation_path)
    if here and gpl_acc and gpl_acc not in here:
        raise GeoFileError(
            f"{annotation_path}: annotation of platform {gpl_acc}, but the samples of {path} are "
            "on "
            f"{', '.join(here)}"
        )
    symbols, col = probe_symbols(table, f"{annotation_path}: platform {gpl_acc} table")
    expr, scale, more, dropped2 = probes_to_genes(probes, symbols, str(path))
    more.append(f"gene symbols from the column '{col}' of {Path(annotation_path).name}")
    samples["used"] = samples["sample"].isin(expr.columns)
    samples["note"] = np.where(samples["used"], "", "no value at all")
    return ExpressionData(
        expr,
        samples,
        accession,
        _label(accession),
        "series-matrix",
        str(path),
        here[0] if here else gpl_acc,
        gpl_title,
        scale,
        notes + more,
        {**dropped, **dropped2},
    )


# ------------------------------------------------------------------------------------------------
# tidy expression matrix (+ optional sample sheet)
# ------------------------------------------------------------------------------------------------
#: The sample sheet of a tidy expression matrix: ``sample`` plus any descriptive columns (kept as
#: text).
EXPRESSION_SAMPLE_SHEET = Schema(
    "expression sample sheet",
    (Column("sample", "text", "sample name, exactly as a column of the matrix"),),
    "One row per sample of the matrix; other columns (title, group, ...) describe it.",
)


def load_tidy(path: str | Path, sample_sheet_path: str | Path | None = None) -> ExpressionData:
    """Read a tidy expression matrix CSV and an optional sample sheet.

    Both files are read by the one tabular reader (:func:`jakpersist.loaders.tabular.read_matrix`,
    :func:`~jakpersist.loaders.tabular.read_table`), as a plate file is: text in UTF-8 (with or
    without a byte-order mark), UTF-16 or Windows-1252, `,` `;` or tab delimited, or a workbook;
    decimal commas and thousands separators read under the file's one decimal mark (a value that
    reads two ways is refused with both readings); what was converted is in the result's notes.

    Matrix: one row per gene; a gene-symbol column (named like ``gene``, ``symbol``, ``Gene
    Symbol``: see :data:`SYMBOL_COLUMNS`; otherwise the first column), then one numeric column per
    sample. Sample sheet: CSV with a ``sample`` column naming the matrix's columns, plus any
    descriptive columns (``title``, ``group``, ``characteristics``, ...) that the group patterns are
    matched against. Without a sheet the sample names themselves are matched. Raises
    :class:`GeoFileError` naming file, line, column and value for a non-number or an ambiguous one,
    and what to write instead.
    """
    path = Path(path)
    try:
        matrix = read_matrix(path, label_column=symbol_index)
    except ReaderDataError as exc:
        raise GeoFileError(str(exc)) from None
    info = read_info(matrix)
    gcol = info.labels["label"]
    probes = pd.DataFrame(matrix)  # the values; the reading's notes go into the result's notes
    probes = probes.loc[probes.index != ""]
    samples = pd.DataFrame({"sample": list(probes.columns)})
    samples["title"], samples["characteristics"], samples["source"], samples["platform"] = (
        samples["sample"],
        "",
        "",
        "",
    )
    if sample_sheet_path:
        sp = Path(sample_sheet_path)
        if not sp.is_file():
            raise GeoFileError(f"sample_sheet_path {str(sample_sheet_path)!r}: no such file")
        try:
            sheet = read_table(sp, EXPRESSION_SAMPLE_SHEET)
        except ReaderDataError as exc:
            raise GeoFileError(str(exc)) from None
        sheet = sheet.drop(columns="line")
        sheet = sheet.fillna("")
        sheet["sample"] = sheet["sample"].astype(str)
        unknown = sorted(set(sheet["sample"]) - set(probes.columns))
        if unknown:
            raise GeoFileError(
                f"{sp}: sample(s) {_list(unknown)} are not columns of {path.name} (its samples: "
                f"{_list(list(probes.columns))})"
            )
        other = [c for c in sheet.columns if c != "sample"]
        desc = sheet.set_index("sample")[other].apply(
            lambda r: "; ".join(f"{k}: {v}" for k, v in r.items() if v), axis=1
        )
        samples["characteristics"] = samples["sample"].map(desc).fillna("")
    expr, scale, notes, dropped = probes_to_genes(
        probes, None, str(path)
    )  # repeated genes: highest mean
    notes.append(f"gene symbols from the column '{gcol}'")
    samples["used"] = samples["sample"].isin(expr.columns)
    samples["note"] = np.where(samples["used"], "", "no value at all")
    return ExpressionData(
        expr,
        samples,
        None,
        _label(None),
        "tidy",
        str(path),
        None,
        "",
        scale,
        [*info.notes, *notes],
        dropped,
        read_info=info,
    )


# ------------------------------------------------------------------------------------------------
# one entry point, and the sample groups
# ------------------------------------------------------------------------------------------------
def load_expression(
    path: str | Path, platform: str = "", annotation_path: str = "", *, sample_sheet_path: str = ""
) -> ExpressionData:
    """Load any of :data:`FORMS` (decided from the content by :func:`sniff`, never from the
    name)."""
    path = Path(path)
    if not path.is_file():
        raise GeoFileError(f"data_path {str(path)!r}: no such file")
    form = sniff(path)
    if form == "soft-family":
        return load_soft(path, platform)
    if form == "series-matrix":
        return load_series_matrix(path, annotation_path, platform)
    if form == "platform":
        raise GeoFileError(
            f"{path}: this is a platform annotation, not expression data; pass it as "
            "annotation_path, with the series matrix as data_path"
        )
    return load_tidy(path, sample_sheet_path)


#: Default group patterns: they select GSE38335's naive and persistent samples by the words GEO
#: records use for them (assumption: the series' titles/characteristics say "naive"/"parental" and
#: "persistent"). A persistent sample described as withdrawn / off drug / re-sensitised is not a
#: test sample.
REFERENCE_PATTERN = r"naive|parental|(?<![-\w])sensitive"
TEST_PATTERN = r"^(?!.*(withdraw|off[ -]drug|re-?sensiti)).*(persist|resistant)"


def _compile(name: str, pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.IGNORECASE | re.DOTALL)
    except re.error as exc:
        raise GeoFileError(
            f"parameter '{name}' = {pattern!r} is not a valid regular expression ({exc})"
        ) from None


def group_samples(
    samples: pd.DataFrame,
    reference_pattern: str = REFERENCE_PATTERN,
    test_pattern: str = TEST_PATTERN,
) -> pd.DataFrame:
    """Each sample's group from two case-insensitive regular expressions (``re.search``) over its
    title, characteristics and source joined with `` | ``.

    Returns ``samples`` with columns ``reference`` and ``test`` (bool: pattern matched) and
    ``group``: "reference", "test", "both" (left out), "neither" (left out), or "not used" (left out
    before grouping: ``used`` is False).
    """
    ref, test = (
        _compile("reference_pattern", reference_pattern),
        _compile("test_pattern", test_pattern),
    )
    text = (
        samples["title"].astype(str)
        + " | "
        + samples["characteristics"].astype(str)
        + " | "
        + samples["source"].astype(str)
    )
    out = samples.copy()
    out["reference"] = text.map(lambda s: bool(ref.search(s)))
    out["test"] = text.map(lambda s: bool(test.search(s)))
    out["group"] = np.select(
        [~out["used"].astype(bool), out["reference"] & out["test"], out["reference"], out["test"]],
        ["not used", "both", "reference", "test"],
        "neither",
    )
    return out


# ------------------------------------------------------------------------------------------------
# what the reference samples were exposed to: the comparator of the transcriptome check
# ------------------------------------------------------------------------------------------------
#: Vehicle and no-drug words (case-insensitive): a sample taken without drug. Untreated, vehicle,
#: DMSO, mock, PBS, "no drug", "drug-free", "without drug", "treatment: none / control / vehicle".
UNTREATED_WORDS = (
    r"\buntreated\b|\bvehicle\b|\bdmso\b|\bmock\b|\bpbs\b|\bno[ -]drug\b|drug[- ]free|"
    r"without (?:any )?drug|treat(?:ment|ed)?\s*[:=]\s*(?:none|no\b|nil\b|control|vehicle)"
)
#: JAK2 inhibitors by name (and "JAK inhibitor", "JAK2 inhibitor", "JAK Inhibitor I"), as they
#: appear in sample descriptions. A mention counts as exposure only when nothing negates it
#: (:data:`NEGATING_PREFIX`, :data:`NEGATING_SUFFIX`, a zero concentration: :data:`ZERO_DOSE`) and
#: it does not follow "to" ("persistent to ruxolitinib", "sensitive to ..." name what the cells were
#: selected with or tested
#: against).
DRUG_WORDS = (
    r"ruxolitinib|incb-?0?18424|tg-?101348|fedratinib|sar-?302503|bvb-?808|nvp-?bvb808|"
    r"jak ?[12]? inhibitor(?:\s+i\b)?"
)
#: Words before a drug name that negate it: "no", "without", "minus", "non-", "w/o", "absence of",
#: "free of", "withdrawn from", "off", a bare minus sign ("-ruxolitinib"), or "0 nM" (a zero dose
#: written
#: first).
NEGATING_PREFIX = (
    r"(?:\bno|\bwithout|\bminus|\bnon|\bw/o|\babsence of|\bfree of|\bwithdrawn from|\boff|"
    r"\bnot (?:treated|exposed|cultured) (?:with|to|in)|(?:^|[\s(:;,])-)\s*-?\s*$"
)
#: Words after a drug name that negate it: "-naive", "-free", "-negative", "-untreated",
#: "-unexposed", ":none", ": no", ": 0", "= 0", "(-)", "-" at the end of the clause, "withdrawn",
#: "removed".
NEGATING_SUFFIX = (
    r"^\s*(?:[- ]?\s*(?:na[iï]ve|free|negative|untreated|unexposed|withdrawn|removed|washed out|"
    r"wash-?out)\b|\s*[:=]?\s*0(?:\.0+)?\s*$|"
    r"\s*[:=]\s*(?:none|no|nil|absent|-|0(?:\.0+)?)\b|\s*\(-\)|\s*-\s*(?:$|[;,|]))"
)
#: A concentration of zero in any unit (pM, nM, uM, µM, mM, M, ng/ml, ug/ml, mg/kg, %): a vehicle
#: arm.
CONC_UNIT = r"(?:[pnuµμm]?m|[pnuµμm]?mol/l|[nuµμm]?g/ml|mg/kg|%)"
ZERO_DOSE = rf"(?<![\d.])0+(?:\.0+)?\s*{CONC_UNIT}(?![a-z])"
#: A positive dose with a concentration unit: a sample exposed to drug (unless the clause names a
#: vehicle).
DOSE_WORDS = rf"(?<![\d.])(?:0*[1-9]\d*(?:\.\d+)?|0*\.\d*[1-9]\d*)\s*{CONC_UNIT}(?![a-z])"
#: The key of a clause that gives a drug's dose ("treatment: 1 uM", "dose: 0 nM"): a concentration
#: in any other clause ("IL-3: 10 ng/ml", "medium: RPMI + 10% FBS") is not a drug dose.
DOSE_KEY = r"^(?:treat\w*|drug|dose|agent|compound|inhibitor|concentration|conc\.?)\b"
#: Samples taken off drug after persistence (the withdrawn arm), default pattern of
#: ``withdrawn_pattern``.
WITHDRAWN_PATTERN = r"withdraw|off[ -]drug|re-?sensiti"
#: The comparator designs of the transcriptome check and the expectation re-activation gives for
#: each.
COMPARATORS = {
    "same-drug": "persistent cells on drug versus naive cells under the same drug: re-activation "
    "predicts "
    "STAT5-target expression higher in persistent cells",
    "untreated": "persistent cells on drug versus untreated naive cells: re-activation predicts "
    "similar "
    "STAT5-target expression (signalling restored to about the untreated level)",
}
#: What each comparator needs the reference samples' descriptions *not* to say (the reading that
#: contradicts it).
CONTRADICTS = {"same-drug": "untreated", "untreated": "on drug"}


def _sample_text(samples: pd.DataFrame) -> pd.Series:
    return (
        samples["title"].astype(str)
        + " | "
        + samples["characteristics"].astype(str)
        + " | "
        + samples["source"].astype(str)
    )


def _clauses(text: str) -> list[str]:
    """A description split into clauses (at "|", ";", "," and new lines): a negation or a dose acts
    in its own clause only ("ruxolitinib-naive; 1 uM ruxolitinib" is one negated and one positive
    mention)."""
    return [c.strip() for c in re.split(r"[|;,\n]", text) if c.strip()]


#: Words after a drug name that describe the cells, not what the sample was taken in
#: ("ruxolitinib-sensitive", "ruxolitinib-resistant", "ruxolitinib-persistent",
#: "ruxolitinib-selected"): such a mention counts
#: neither way.
QUALITY_SUFFIX = (
    r"^\s*[- ]?\s*(?:sensitive|resistant|persistent|persister|selected|tolerant|refractory)\b"
)


#: Words after a drug name that negate the cells' history, not the sample's condition
#: ("ruxolitinib-naive", "JAK inhibitor-unexposed"): not on drug unless another clause says the
#: sample was taken in drug (naive cells under the drug: "ruxolitinib-naive; treatment: ruxolitinib
#: 1 uM" is on drug).
HISTORY_SUFFIX = r"^\s*[- ]?\s*(?:na[iï]ve|unexposed)\b"


def _mention(clause: str, m: re.Match) -> str:
    """What the drug mention ``m`` in ``clause`` says: "exposed" (taken in drug), "negated" (negated
    before or after, or a zero concentration in the clause), "naive" (drug-naive cells: a history)
    or "neutral" (after "to", or a quality of the cells)."""
    before, after = clause[: m.start()], clause[m.end() :]
    if re.search(r"\bto\s*$", before) or re.search(QUALITY_SUFFIX, after):
        return "neutral"
    if re.search(HISTORY_SUFFIX, after):
        return "naive"
    if (
        re.search(NEGATING_PREFIX, before)
        or re.search(NEGATING_SUFFIX, after)
        or re.search(ZERO_DOSE, clause)
    ):
        return "negated"
    return "exposed"


def treatment_evidence(text: str) -> tuple[list[str], list[str]]:
    """The clauses of a sample description that say it was taken in drug, and those that say it was
    not.

    Kinds of "not on drug": a vehicle or no-drug word (:data:`UNTREATED_WORDS`); a drug name negated
    before it (:data:`NEGATING_PREFIX`: "without ruxolitinib", "no JAK inhibitor", "-ruxolitinib")
    or after it (:data:`NEGATING_SUFFIX`: "JAK inhibitor-free", "ruxolitinib: none";
    :data:`HISTORY_SUFFIX`: "ruxolitinib-naive", unless another clause says the sample was taken in
    drug); a zero concentration in any unit (:data:`ZERO_DOSE`: "ruxolitinib 0 nM", "0 uM
    ruxolitinib"). "On drug": a drug name that none of these negates, or a positive dose with a unit
    in a clause without a vehicle word or a negated drug name. A drug name after "to" ("persistent
    to ruxolitinib") or before a quality of the cells (:data:`QUALITY_SUFFIX`:
    "ruxolitinib-sensitive") is neither.

    Returns ``(on_drug_clauses, off_drug_clauses)`` (lower case).
    """
    on, off, history, named, dose_zero, dose_pos = [], [], [], [], False, False
    for clause in _clauses(_plain(text)):
        kinds = {_mention(clause, m) for m in re.finditer(DRUG_WORDS, clause)}
        if kinds == {"naive"} and not re.search(UNTREATED_WORDS, clause):
            history.append(clause)
            continue
        vehicle = bool(re.search(UNTREATED_WORDS, clause))
        zero = bool(re.search(ZERO_DOSE, clause))
        drug_clause = bool(kinds) or bool(re.search(DOSE_KEY, clause))
        dose = drug_clause and bool(re.search(DOSE_WORDS, clause))
        dose = dose and not (vehicle or zero or "negated" in kinds)
        dose_pos |= dose
        dose_zero |= zero and not kinds  # "dose: 0 nM", the dose of a drug named in another clause
        if "exposed" in kinds and not dose and not re.search(DOSE_WORDS, clause):
            named.append(clause)  # a drug named without a dose ("agent: ruxolitinib")
        if "exposed" in kinds or dose:
            on.append(clause)
        if vehicle or "negated" in kinds or (zero and "exposed" not in kinds):
            off.append(clause)
    if dose_zero and not dose_pos:  # "agent: ruxolitinib; dose: 0 nM": the drug named, at no dose
        on = [c for c in on if c not in named]
    return on, off + ([] if on else history)


def _plain(text: Any) -> str:
    """Lower case, accents removed ("naïve" -> "naive") and every dash a hyphen-minus (en dash,
    U+2010 hyphen, minus sign), so that a negation reads the same however it was typed."""
    import unicodedata

    t = unicodedata.normalize("NFKD", str(text))
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return re.sub(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]", "-", t).lower()


def sample_treatment(text: str) -> str:
    """What a sample description says about drug exposure: "on drug", "untreated", "both"
    (contradictory) or "unstated", from the kinds of evidence :func:`treatment_evidence` reads
    (negations and zero doses read as not on drug).

    >>> sample_treatment("cell state: naive; treatment: ruxolitinib 1000 nM")
    'on drug'
    >>> sample_treatment("cell state: persistent to ruxolitinib")
    'unstated'
    >>> sample_treatment("treatment: DMSO")
    'untreated'
    >>> descriptions = ("ruxolitinib-naive", "ruxolitinib 0 nM", "without ruxolitinib")
    >>> [sample_treatment(d) for d in descriptions]
    ['untreated', 'untreated', 'untreated']
    """
    on, off = treatment_evidence(text)
    if on and off:
        return "both"
    return "on drug" if on else ("untreated" if off else "unstated")


def detect_comparator(groups: pd.DataFrame) -> tuple[str | None, str]:
    """The comparator design from the sample descriptions of :func:`group_samples`' output.

    Returns ``(comparator, reason)``: "same-drug" when every reference sample is described as on
    drug, "untreated" when every reference sample is described as not on drug (vehicle, DMSO, no
    drug, a negated drug name such as "ruxolitinib-naive", or a zero dose), and None (with the
    reason) when the descriptions do not say, disagree among the reference samples, or describe a
    test (persistent) sample as untreated (the check assumes persistent cells are sampled on drug).
    """
    text = _sample_text(groups)
    ref = text[groups["group"] == "reference"].map(sample_treatment)
    test = text[groups["group"] == "test"].map(sample_treatment)
    names = groups["sample"]
    if (test == "untreated").any():
        bad = ", ".join(names[test.index[test == "untreated"]])
        return None, (
            f"test (persistent) sample(s) {bad} are described as untreated; the check needs "
            "persistent "
            "cells sampled on drug"
        )
    kinds = set(ref)
    if kinds == {"on drug"}:
        return "same-drug", "every reference (naive) sample is described as taken in drug"
    if kinds == {"untreated"}:
        return "untreated", (
            "every reference (naive) sample is described as not on drug (vehicle, DMSO, no drug, "
            "a drug-naive or drug-free state, or a zero dose)"
        )
    listing = "; ".join(f"{names[i]}: {k}" for i, k in ref.items())
    return None, (
        "the reference (naive) samples' descriptions do not say whether they were taken in drug or "
        f"untreated, or disagree ({listing})"
    )


def comparator_conflicts(groups: pd.DataFrame, declared: str) -> list[tuple[str, str, str]]:
    """Reference (naive) samples whose description contradicts a declared comparator: described as
    not on drug when ``declared`` is "same-drug", as on drug when it is "untreated" (a sample
    described both ways counts too).

    Returns ``[(sample, reading, description text), ...]`` (empty: no contradiction). Raises
    ValueError for an unknown comparator.
    """
    if declared not in CONTRADICTS:
        raise ValueError(f"comparator {declared!r}: valid are {', '.join(CONTRADICTS)}")
    text = _sample_text(groups)
    ref = groups["group"] == "reference"
    out = []
    for i in groups.index[ref]:
        reading = sample_treatment(text[i])
        if reading in (CONTRADICTS[declared], "both"):
            out.append((str(groups.at[i, "sample"]), reading, str(text[i])))
    return out


def withdrawn_samples(groups: pd.DataFrame, pattern: str = WITHDRAWN_PATTERN) -> list[str]:
    """Samples (used, in neither group) whose description matches ``pattern`` (case-insensitive):
    the withdrawn arm. Raises :class:`GeoFileError` for an invalid pattern."""
    rx = _compile("withdrawn_pattern", pattern)
    text = _sample_text(groups)
    ok = (
        groups["used"].astype(bool)
        & ~groups["group"].isin(["reference", "test"])
        & text.map(lambda s: bool(rx.search(s)))
    )
    return groups.loc[ok, "sample"].tolist()
