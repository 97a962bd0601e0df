"""GEO SOFT loader on small fixtures written in GEO's format, the cache checks, and the offline failure."""
import gzip
import time

import pytest

from jakpersist.loaders import geo

SAMPLE = """^SAMPLE = {gsm}
!Sample_title = {title}
!Sample_geo_accession = {gsm}
!Sample_platform_id = GPL1
!Sample_characteristics_ch1 = cell state: {state}
!Sample_source_name_ch1 = SET-2 cells
#ID_REF = probe
#VALUE = log2 signal
!sample_table_begin
ID_REF\tVALUE
{rows}
!sample_table_end
"""


def soft(platform_header, platform_rows, samples, no_table=False):
    text = ("^DATABASE = GeoMiame\n^SERIES = GSE1\n!Series_geo_accession = GSE1\n^PLATFORM = GPL1\n"
            "!Platform_geo_accession = GPL1\n" + "".join(f"#{c} = column {c}\n" for c in platform_header.split("\t"))
            + "!platform_table_begin\n" + platform_header + "\n"
            + "\n".join(platform_rows) + "\n!platform_table_end\n")
    for gsm, title, state, values in samples:
        rows = "\n".join(f"p{i + 1}\t{v}" for i, v in enumerate(values))
        text += SAMPLE.format(gsm=gsm, title=title, state=state, rows=rows)
    if no_table:
        text += "^SAMPLE = GSM9\n!Sample_title = naive rep9 (no table)\n!Sample_geo_accession = GSM9\n"
    return text


SAMPLES = [("GSM1", "naive rep1", "naive", [8.0, 7.0, 5.0, 9.0]),
           ("GSM2", "persistent rep1", "persistent", [9.0, 8.5, 5.5, 9.5]),
           ("GSM3", "withdrawn 2 weeks rep1", "withdrawn", [8.1, 7.1, 5.1, 9.1])]

STYLES = {
    "affymetrix": ("ID\tGene Symbol", ["p1\tJAK2", "p2\tCISH", "p3\tSOCS2 /// SOCS3", "p4\tJAK2"]),
    "illumina_symbol": ("ID\tSymbol", ["p1\tJAK2", "p2\tCISH", "p3\t", "p4\tJAK2"]),
    "illumina_ilmn_gene": ("ID\tILMN_Gene", ["p1\tJAK2", "p2\tCISH", "p3\t---", "p4\tJAK2"]),
    "gene_st": ("ID\tgene_assignment", ["p1\tNM_004972 // JAK2 // Janus kinase 2 // 9p24 // 3717",
                                        "p2\tNM_013324 // CISH // cytokine inducible // 3p21 // 1154",
                                        "p3\tNM_003877 // SOCS2 // x // 12q // 8835 /// NM_003955 // SOCS3 // y // 17q // 9021",
                                        "p4\tNM_004972 // JAK2 // Janus kinase 2 // 9p24 // 3717"]),
}


@pytest.mark.parametrize("style", STYLES)
def test_platform_styles_map_probes_to_genes(style, tmp_path):
    header, rows = STYLES[style]
    path = tmp_path / "GSE1_family.soft"
    path.write_text(soft(header, rows, SAMPLES, no_table=True))
    s = geo.load_soft(path)
    assert sorted(s.expression.index) == ["CISH", "JAK2"]  # multi-gene and empty probes dropped
    assert s.expression.loc["JAK2", "GSM2"] == 9.5  # of two JAK2 probes, the one with the higher mean
    assert list(s.expression.columns) == ["GSM1", "GSM2", "GSM3"]
    assert not s.samples.set_index("sample").loc["GSM9", "has_table"]
    groups = geo.classify_samples(s.samples).tolist()
    assert groups[:3] == ["naive", "persistent", "withdrawn"]


def test_gzipped_file_and_truncation(tmp_path):
    header, rows = STYLES["affymetrix"]
    text = soft(header, rows, SAMPLES)
    gz = tmp_path / "GSE1_family.soft.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    assert geo.load_soft(gz).expression.shape == (2, 3)
    cut = tmp_path / "GSE2_family.soft"
    cut.write_text(text[: text.index("!sample_table_end")])
    with pytest.raises(geo.GeoFileError, match="truncated inside a sample table"):
        geo.load_soft(cut)
    broken = tmp_path / "GSE3_family.soft.gz"
    broken.write_bytes(gz.read_bytes()[:-40])
    with pytest.raises(geo.GeoFileError, match="corrupt or truncated"):
        geo.load_soft(broken)


def test_platform_without_symbols_is_a_clear_error(tmp_path):
    path = tmp_path / "GSE1_family.soft"
    path.write_text(soft("ID\tSEQUENCE", ["p1\tACGT", "p2\tACGT", "p3\tA", "p4\tC"], SAMPLES))
    with pytest.raises(geo.GeoFileError, match="no gene-symbol column"):
        geo.load_soft(path)


def test_cache_checksum_is_verified(tmp_path):
    path = geo.cache_path("GSE1", tmp_path)
    path.write_bytes(b"not really gzip")
    with pytest.raises(geo.GeoFileError, match="no recorded checksum"):
        geo.cached_series("GSE1", tmp_path)
    path.with_name(path.name + ".sha256").write_text("0" * 64 + "  x\n")
    with pytest.raises(geo.GeoFileError, match="checksum differs"):
        geo.cached_series("GSE1", tmp_path)
    assert geo.cached_series("GSE404", tmp_path) is None


def test_download_without_geo_fails_fast_naming_geo(tmp_path, monkeypatch):
    monkeypatch.setattr(geo, "GEO_HOST", "geo.invalid")
    monkeypatch.setattr(geo.check_reachable, "__defaults__", ("geo.invalid", 5.0))
    t0 = time.perf_counter()
    with pytest.raises(geo.GeoUnavailable, match=r"GEO \(geo.invalid\) cannot be reached.*stand-in"):
        geo.download_series("GSE38335", tmp_path)
    assert time.perf_counter() - t0 < 10
    assert not any(tmp_path.iterdir()), "nothing half-written"


def test_geoparse_format_errors_become_clear_errors(tmp_path):
    path = tmp_path / "GSE1_family.soft"
    text = soft(*STYLES["affymetrix"], SAMPLES).replace("#Gene Symbol = column Gene Symbol\n", "")
    path.write_text(text)
    with pytest.raises(geo.GeoFileError, match="GEOparse could not read"):
        geo.load_soft(path)
