"""GEO SOFT loader on small fixtures written in GEO's format, the cache checks, and the offline
failure."""

import gzip
import time

import pytest

from jakpersist.claims.wording import describe_verdict
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
    text = (
        "^DATABASE = GeoMiame\n!Database_name = GEO\n^SERIES = GSE1\n!Series_geo_accession = "
        "GSE1\n^PLATFORM = GPL1\n"
        "!Platform_geo_accession = GPL1\n"
        + "".join(f"#{c} = column {c}\n" for c in platform_header.split("\t"))
        + "!platform_table_begin\n"
        + platform_header
        + "\n"
        + "\n".join(platform_rows)
        + "\n!platform_table_end\n"
    )
    for gsm, title, state, values in samples:
        rows = "\n".join(f"p{i + 1}\t{v}" for i, v in enumerate(values))
        text += SAMPLE.format(gsm=gsm, title=title, state=state, rows=rows)
    if no_table:
        text += (
            "^SAMPLE = GSM9\n!Sample_title = naive rep9 (no table)\n!Sample_geo_accession = GSM9\n"
        )
    return text


SAMPLES = [
    ("GSM1", "naive rep1", "naive", [8.0, 7.0, 5.0, 9.0]),
    ("GSM2", "persistent rep1", "persistent", [9.0, 8.5, 5.5, 9.5]),
    ("GSM3", "withdrawn 2 weeks rep1", "withdrawn", [8.1, 7.1, 5.1, 9.1]),
]

STYLES = {
    "affymetrix": ("ID\tGene Symbol", ["p1\tJAK2", "p2\tCISH", "p3\tSOCS2 /// SOCS3", "p4\tJAK2"]),
    "illumina_symbol": ("ID\tSymbol", ["p1\tJAK2", "p2\tCISH", "p3\t", "p4\tJAK2"]),
    "illumina_ilmn_gene": ("ID\tILMN_Gene", ["p1\tJAK2", "p2\tCISH", "p3\t---", "p4\tJAK2"]),
    "gene_st": (
        "ID\tgene_assignment",
        [
            "p1\tNM_004972 // JAK2 // Janus kinase 2 // 9p24 // 3717",
            "p2\tNM_013324 // CISH // cytokine inducible // 3p21 // 1154",
            "p3\tNM_003877 // SOCS2 // x // 12q // 8835 /// NM_003955 // SOCS3 // y // 17q // 9021",
            "p4\tNM_004972 // JAK2 // Janus kinase 2 // 9p24 // 3717",
        ],
    ),
}


@pytest.mark.parametrize("style", STYLES)
def test_platform_styles_map_probes_to_genes(style, tmp_path):
    header, rows = STYLES[style]
    path = tmp_path / "GSE1_family.soft"
    path.write_text(soft(header, rows, SAMPLES, no_table=True))
    s = geo.load_soft(path)
    assert sorted(s.expression.index) == ["CISH", "JAK2"]  # multi-gene and empty probes dropped
    assert (
        s.expression.loc["JAK2", "GSM2"] == 9.5
    )  # of two JAK2 probes, the one with the higher mean
    assert list(s.expression.columns) == ["GSM1", "GSM2", "GSM3"]
    assert not s.samples.set_index("sample").loc["GSM9", "has_table"]
    assert s.dropped["samples without a data table"] == ["GSM9"]
    groups = geo.group_samples(s.samples)["group"].tolist()
    assert groups == [
        "reference",
        "test",
        "neither",
        "not used",
    ]  # withdrawn samples are not "test"


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
    with pytest.raises(geo.GeoFileError, match="no gene-symbol column .*found ID, SEQUENCE"):
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
    with pytest.raises(
        geo.GeoUnavailable, match=r"GEO \(geo.invalid\) cannot be reached.*stand-in"
    ):
        geo.download_series("GSE38335", tmp_path)
    assert time.perf_counter() - t0 < 10
    assert not any(tmp_path.iterdir()), "nothing half-written"


def test_geoparse_format_errors_become_clear_errors(tmp_path):
    path = tmp_path / "GSE1_family.soft"
    text = soft(*STYLES["affymetrix"], SAMPLES).replace("#Gene Symbol = column Gene Symbol\n", "")
    path.write_text(text)
    with pytest.raises(geo.GeoFileError, match="GEOparse could not read"):
        geo.load_soft(path)


# ------------------------------------------------------------------------------------------------
# the shared GEO cases (copied into tests/fixtures/geo)
# and the fixtures written for each form (tests/fixtures/geo/make_fixtures.py)
# ------------------------------------------------------------------------------------------------
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

from jakpersist.analysis import enrichment  # noqa: E402

FIX = Path(__file__).parent / "fixtures" / "geo"
JAK2_LOG2FC = 1.059  # the cases' JAK2 log2 fold change, persistent vs naive (shared README)


def jak2_log2fc(data, ref=geo.REFERENCE_PATTERN, test=geo.TEST_PATTERN):
    g = geo.group_samples(data.samples, ref, test).set_index("sample")["group"]
    g = g[g.index.isin(data.expression.columns)]
    return enrichment.welch_table(data.expression, g, "test", reference="reference").loc[
        "JAK2", "log2fc"
    ]


@pytest.mark.parametrize(
    "case",
    [
        "g00_affy_log2",
        "g01_affy_linear_MAS5",
        "g02_agilent_GENE_SYMBOL",
        "g04_duplicate_probe_row",
        "g07_renamed",
    ],
)
def test_shared_geo_cases_give_the_jak2_fold_change(case):
    data = geo.load_expression(FIX / f"{case}_family.soft.gz")
    assert data.accession == "GSE99999" and data.label == "GSE99999" and data.platform == "GPL99999"
    assert data.expression.shape == (1073, 6)
    assert jak2_log2fc(data) == pytest.approx(JAK2_LOG2FC, abs=0.005)


def test_g01_linear_mas5_is_detected_and_log2_transformed_and_said():
    data = geo.load_expression(FIX / "g01_affy_linear_MAS5_family.soft.gz")
    assert data.scale.transformed and "linear scale detected (GEO2R rule" in data.scale.rule
    assert data.scale.rule in data.notes
    log = geo.load_expression(FIX / "g00_affy_log2_family.soft.gz")
    assert not log.scale.transformed and "log scale detected" in log.scale.rule
    common = data.expression.index.intersection(log.expression.index)
    diff = (data.expression.loc[common] - log.expression.loc[common]).abs().to_numpy()
    assert np.nanmax(diff) < 0.01  # the same series on both scales


def test_g02_symbol_column_found_case_insensitively():
    data = geo.load_expression(FIX / "g02_agilent_GENE_SYMBOL_family.soft.gz")
    assert "gene symbols from the platform column 'GENE_SYMBOL'" in data.notes


def test_g04_repeated_probe_ids_are_averaged_and_listed():
    data = geo.load_expression(FIX / "g04_duplicate_probe_row_family.soft.gz")
    assert data.dropped["repeated probe IDs (averaged)"] == ["P00000"]
    assert any(n.startswith("probe ID(s) repeated") and "P00000" in n for n in data.notes)


@pytest.mark.parametrize("name", ["data.bin", "my series #2.txt", "GPL1_named_wrongly.soft.gz"])
def test_any_file_name_is_accepted(name, tmp_path):
    """The form comes from the content (sniff), never from the name (GEOparse is told
    geotype="GSE")."""
    path = tmp_path / name
    shutil.copy(FIX / "g07_renamed_family.soft.gz", path)
    assert geo.sniff(path) == "soft-family"
    assert geo.load_expression(path).accession == "GSE99999"


TWO = FIX / "two_platform_family.soft.gz"


def test_two_platforms_without_a_choice_stop_listing_each_platform():
    with pytest.raises(geo.GeoFileError) as e:
        geo.load_expression(TWO)
    msg = str(e.value)
    assert "2 platforms" in msg
    assert (
        "GPL99999 (synthetic array A, 9 sample(s))" in msg
        and "GPL99998 (synthetic array B, 2 sample(s))" in msg
    )
    assert "--set platform=" in msg
    with pytest.raises(
        geo.GeoFileError, match="platform 'GPL1' is not in this series; it has: GPL99999"
    ):
        geo.load_expression(TWO, platform="GPL1")


def test_two_platforms_with_a_choice_leave_the_others_out_and_list_them():
    data = geo.load_expression(TWO, platform="GPL99999")
    assert data.label == "GSE99998" and data.platform_title == "synthetic array A"
    assert data.dropped["samples of other platforms (not GPL99999)"] == ["GSM900031", "GSM900032"]
    assert data.dropped["samples with no value at all"] == ["GSM900023"]  # all-null sample
    assert data.dropped["probes with no value in any sample"] == ["P00005"]  # all-null probe
    assert "GSM900023" not in data.expression.columns and "GSM900031" not in data.expression.columns
    groups = geo.group_samples(data.samples, "dmso", "RUXOLITINIB").set_index("sample")["group"]
    assert groups["GSM900021"] == "both" and groups["GSM900022"] == "neither"
    assert groups["GSM900031"] == "not used" and groups["GSM900023"] == "not used"
    assert (groups == "reference").sum() == 3 and (groups == "test").sum() == 3
    assert jak2_log2fc(data, "dmso", "ruxolitinib") == pytest.approx(JAK2_LOG2FC, abs=0.005)
    b = geo.load_expression(TWO, platform="GPL99998")  # the other platform, symbols in 'ILMN_Gene'
    assert list(b.expression.columns) == ["GSM900031", "GSM900032"]
    assert "gene symbols from the platform column 'ILMN_Gene'" in b.notes


@pytest.mark.parametrize("annotation", ["GPL99999.annot.gz", "GPL99999_family.soft"])
def test_series_matrix_with_platform_annotation(annotation):
    data = geo.load_expression(
        FIX / "GSE99997_series_matrix.txt.gz", annotation_path=str(FIX / annotation)
    )
    assert data.form == "series-matrix" and data.label == "GSE99997" and data.platform == "GPL99999"
    assert data.expression.shape == (1073, 6)
    groups = geo.group_samples(data.samples)
    assert groups["group"].tolist() == ["reference"] * 3 + ["test"] * 3
    assert (
        "cell state: naive" in groups["characteristics"].iloc[0]
    )  # several characteristics lines joined
    assert jak2_log2fc(data) == pytest.approx(JAK2_LOG2FC, abs=0.005)


def test_series_matrix_errors_name_what_to_do(tmp_path):
    sm = FIX / "GSE99997_series_matrix.txt.gz"
    with pytest.raises(
        geo.GeoFileError, match="give the platform annotation \\(GPL99999\\) as annotation_path"
    ):
        geo.load_expression(sm)
    with pytest.raises(geo.GeoFileError, match="holds platform GPL99999, not 'GPL96'"):
        geo.load_expression(sm, platform="GPL96", annotation_path=str(FIX / "GPL99999.annot.gz"))
    other = (
        tmp_path / "other.annot"
    )  # no '#column' lines: GEOparse refuses it, the direct reader takes over
    other.write_text(
        "^Annotation\n!Annotation_platform = GPL570\n!platform_table_begin\nID\tGene symbol\n"
        "P00000\tA2M\n!platform_table_end\n"
    )
    assert geo.read_platform(other)[0] == "GPL570"
    with pytest.raises(
        geo.GeoFileError, match="annotation of platform GPL570, but the samples .* are on GPL99999"
    ):
        geo.load_expression(sm, annotation_path=str(other))
    text = gzip.decompress(sm.read_bytes()).decode().replace('"P00003"\t7.', '"P00003"\tn/a\t', 1)
    bad = tmp_path / "series.txt"
    bad.write_text(text)
    with pytest.raises(
        geo.GeoFileError, match=r"line \d+, column 'GSM900001': 'n/a' is not a number"
    ):
        geo.load_expression(bad, annotation_path=str(FIX / "GPL99999.annot.gz"))
    with pytest.raises(
        geo.GeoFileError, match="this is a platform annotation, not expression data"
    ):
        geo.load_expression(FIX / "GPL99999.annot.gz")


def test_tidy_matrix_with_sample_sheet():
    data = geo.load_expression(
        FIX / "tidy_matrix.csv", sample_sheet_path=str(FIX / "tidy_samples.csv")
    )
    assert data.form == "tidy" and data.accession is None and data.label == "your expression data"
    assert data.scale.transformed  # the fixture is on the linear scale
    assert (
        data.expression.loc["ACTB"].min() > 5
    )  # repeated gene: the row with the higher mean represents it
    groups = geo.group_samples(data.samples)
    assert groups["group"].tolist() == ["reference"] * 3 + ["test"] * 3
    assert jak2_log2fc(data) == pytest.approx(JAK2_LOG2FC, abs=0.01)


def test_tidy_matrix_errors_name_line_column_and_value(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text("gene,a,b\nJAK2,1.0,2.0\nCISH,x,2.0\n")
    with pytest.raises(geo.GeoFileError, match=r"line 3, column 'a': 'x' is not a number"):
        geo.load_expression(bad)
    ok = tmp_path / "ok.csv"
    ok.write_text("gene,a,b\nJAK2,1.0,2.0\n")
    sheet = tmp_path / "s.csv"
    sheet.write_text("sample,group\na,naive\nz,persistent\n")
    with pytest.raises(geo.GeoFileError, match="sample\\(s\\) z are not columns of ok.csv"):
        geo.load_expression(ok, sample_sheet_path=str(sheet))


def test_series_without_sample_tables_points_to_the_tidy_route():
    with pytest.raises(geo.GeoFileError) as e:
        geo.load_expression(FIX / "rnaseq_no_tables_family.soft.gz")
    msg = str(e.value)
    assert (
        "GSE99996" in msg and "no sample" in msg and "data table" in msg and "supplementary" in msg
    )
    assert "tidy expression matrix" in msg and "Your expression matrix" in msg


# ------------------------------------------------------------------------------------------------
# scale rule and sample groups
# ------------------------------------------------------------------------------------------------
def test_geo2r_scale_rule_known_answers():
    log = pd.DataFrame({"a": [2.0, 8.0, 14.0], "b": [3.0, 9.0, 15.0]})
    assert not geo.detect_scale(log).transformed
    assert geo.detect_scale(2.0**log).transformed  # q99 > 100
    small = pd.DataFrame({"a": [1.0, 30.0, 60.0, 5.0]})  # q99 < 100 but range > 50 and q25 > 0
    d = geo.detect_scale(small)
    assert d.transformed and "range" in d.rule
    centred = pd.DataFrame({"a": [-30.0, 0.0, 30.0, 10.0]})  # range > 50 but q25 <= 0: log ratios
    assert not geo.detect_scale(centred).transformed


@settings(max_examples=40, deadline=None)
@given(arrays(float, (30, 4), elements=st.floats(7.0, 16.0)))
def test_linear_values_are_detected_and_log2_recovers_them(x):
    """Property: an array of log2 intensities 7..16 (typical arrays) is left alone; 2**x is detected
    and undone."""
    df = pd.DataFrame(x)
    assert not geo.detect_scale(df).transformed
    lin = 2.0**df
    d = geo.detect_scale(lin)
    assert d.transformed
    np.testing.assert_allclose(geo.apply_scale(lin, d).to_numpy(), x, rtol=0, atol=1e-9)


def test_group_patterns_are_case_insensitive_and_defaults_know_the_words():
    s = pd.DataFrame(
        {
            "sample": list("abcdef"),
            "title": [
                "Naive 1",
                "PERSISTENT 1",
                "persistent, withdrawn 2w",
                "re-sensitized",
                "parental SET-2",
                "x",
            ],
            "characteristics": ["", "", "", "", "", "state: Resistant to INCB18424"],
            "source": "SET-2",
            "used": True,
        }
    )
    g = geo.group_samples(s)["group"].tolist()
    assert g == ["reference", "test", "neither", "neither", "reference", "test"]
    with pytest.raises(
        geo.GeoFileError, match="parameter 'test_pattern' = '\\(' is not a valid regular expression"
    ):
        geo.group_samples(s, test_pattern="(")


def test_plain_text_soft_named_gz_is_read(tmp_path):
    path = tmp_path / "series.soft.gz"
    path.write_bytes(gzip.decompress((FIX / "g00_affy_log2_family.soft.gz").read_bytes()))
    assert geo.load_expression(path).accession == "GSE99999"


# ------------------------------------------------------------------------------------------------
# the claim function: real data decide, a stand-in demonstrates
# ------------------------------------------------------------------------------------------------
from jakpersist.claims import evaluate, params as claim_params, t1_transcriptome as t1  # noqa: E402

FAST = {"n_permutations": 200}


def test_claim_on_real_series_is_decided_by_public_data():
    # g01's samples say "naive" / "persistent" only: the comparator is declared
    r = evaluate(
        "C1-T",
        {**FAST, "comparator": "same-drug"},
        seed=2012,
        data=geo.load_expression(FIX / "g01_affy_linear_MAS5_family.soft.gz"),
    )
    assert (
        r.kind == "public-data"
        and r.verdict is True
        and describe_verdict(r.claim, r).short == "shown in public data"
    )
    assert r.metrics["t1_series"] == "GSE99999" and r.margin > 0
    assert r.metrics["t1_jak2_log2fc"] == pytest.approx(JAK2_LOG2FC, abs=0.005)


def test_claim_on_a_tidy_matrix_is_your_data():
    data = geo.load_expression(
        FIX / "tidy_matrix.csv", sample_sheet_path=str(FIX / "tidy_samples.csv")
    )
    r = evaluate("C1-T", FAST, seed=2012, data=data)
    assert (
        r.kind == "reader-data"
        and isinstance(r.verdict, bool)
        and r.metrics["t1_series"] == "your expression data"
    )


def test_stand_in_decides_nothing_and_its_counterfactual_acts_on_the_margin():
    r = evaluate("C1-T", FAST, seed=2012)
    assert r.kind == "demonstration" and r.verdict is None
    assert describe_verdict(r.claim, r).short == "demonstration (simulated stand-in; no real data)"
    assert (
        r.margin > 0 and r.metrics["t1_margin"] == r.margin
    )  # the exercise: the rule passes on the stand-in
    flat = evaluate("C1-T", {**FAST, "adapt_rate": 0.0}, seed=2012)
    assert flat.verdict is None and flat.margin <= 0


def test_too_few_samples_in_a_group_is_a_clear_error():
    data = geo.load_expression(FIX / "g00_affy_log2_family.soft.gz")
    with pytest.raises(
        t1.GroupError, match=r"select 0 reference and 3 test sample\(s\).*GSM900001 'naive rep1'"
    ):
        evaluate("C1-T", {**FAST, "reference_pattern": "parental"}, seed=2012, data=data)


def test_cli_takes_text_parameters_literally():
    """--set values of text parameters are not YAML: a regex with ':' or '[' and a path with '#'
    stay as typed."""
    from jakpersist.book.cli import parse_set

    got = parse_set(
        [
            "test_pattern=cell state: [Pp]ersist",
            "data_path=plate #2.csv",
            "n_permutations=500",
            "platform=GPL96",
        ]
    )
    assert got == {
        "test_pattern": "cell state: [Pp]ersist",
        "data_path": "plate #2.csv",
        "n_permutations": 500,
        "platform": "GPL96",
    }


# ------------------------------------------------------------------------------------------------
# the comparator decides the expectation; the withdrawn arm gets a C4-style check
# ------------------------------------------------------------------------------------------------
ANNOT = str(FIX / "GPL99999.annot.gz")


def _design(accession, **params):
    data = geo.load_expression(FIX / f"{accession}_series_matrix.txt.gz", annotation_path=ANNOT)
    return evaluate("C1-T", {**FAST, **params}, seed=2012, data=data)


def test_sample_descriptions_say_the_comparator():
    assert geo.sample_treatment("cell state: naive; treatment: ruxolitinib 1000 nM") == "on drug"
    assert geo.sample_treatment("treatment: DMSO (vehicle)") == "untreated"
    assert (
        geo.sample_treatment("cell state: persistent to ruxolitinib") == "unstated"
    )  # selected with, not taken in
    assert geo.sample_treatment("naive, sensitive to INCB018424") == "unstated"
    assert geo.sample_treatment("DMSO then ruxolitinib") == "both"
    assert geo.sample_treatment("naive cells in 300 nM JAK inhibitor") == "on drug"


def test_default_withdrawn_pattern_is_declared_once():
    assert claim_params.PARAMS["withdrawn_pattern"].default == geo.WITHDRAWN_PATTERN


def test_same_drug_design_expects_higher_expression_and_its_counterfactual_flips():
    r = _design("GSE99991")
    assert (
        r.metrics["t1_comparator"] == "same-drug"
        and "higher in persistent" in r.metrics["t1_expectation"]
    )
    assert r.verdict is True and [c.name for c in r.conditions] == ["nes", "fdr"]
    flat = _design("GSE99992")  # persistent cells as low as naive cells on drug: no re-activation
    assert (
        flat.metrics["t1_comparator"] == "same-drug"
        and flat.verdict is False
        and not flat.undefined
    )


def test_untreated_design_expects_similar_expression_and_its_counterfactual_flips():
    r = _design("GSE99993")
    assert r.metrics["t1_comparator"] == "untreated" and "similar" in r.metrics["t1_expectation"]
    assert [c.name for c in r.conditions] == ["tost_p"] and r.verdict is True
    assert (
        -0.5 < r.metrics["t1_score_ci_lo"] < r.metrics["t1_score_ci_hi"] < 0.5
    )  # 90% interval inside the margin
    assert describe_verdict("C1-T", r).short == "shown in public data"
    # declared same-drug, the data are refused: the descriptions contradict the declaration
    assert _design("GSE99993", comparator="same-drug").verdict is False
    flat = _design(
        "GSE99994"
    )  # persistent cells on drug 1.5 log2 below untreated naive cells: no re-activation
    assert (
        flat.metrics["t1_comparator"] == "untreated"
        and flat.verdict is False
        and not flat.undefined
    )
    assert flat.metrics["t1_score_diff"] == pytest.approx(-1.5, abs=0.1)


def test_unstated_comparator_is_undefined_until_declared():
    data = geo.load_expression(
        FIX / "g01_affy_linear_MAS5_family.soft.gz"
    )  # "cell state: naive" only
    r = evaluate("C1-T", FAST, seed=2012, data=data)
    assert r.metrics["t1_comparator"] == "not stated" and r.undefined and r.verdict is False
    assert describe_verdict("C1-T", r).kind == "undefined"
    assert "set the parameter comparator" in describe_verdict("C1-T", r).sentence
    assert (
        evaluate("C1-T", {**FAST, "comparator": "same-drug"}, seed=2012, data=data).verdict is True
    )


def test_withdrawn_arm_gets_a_computed_c4_check_and_its_counterfactual_flips():
    w = _design("GSE99991").details.withdrawn
    assert (
        w is not None
        and w.claim == "C4-T"
        and w.verdict is True
        and w.metrics["t1_n_withdrawn"] == 3
    )
    assert w.metrics["t1_withdrawn_jak2_log2fc"] == pytest.approx(-0.9, abs=0.2)
    assert describe_verdict("C4-T", w).short == "shown in public data"
    kept = _design("GSE99992").details.withdrawn  # JAK2 still up after withdrawal
    assert kept.verdict is False and kept.metrics["t1_withdrawn_p"] > 0.05
    assert _design("GSE99993").details.withdrawn is None  # no withdrawn arm, no check


def test_stand_in_declares_its_comparator_and_still_decides_nothing():
    r = evaluate("C1-T", FAST, seed=2012)
    assert r.metrics["t1_comparator"] == "same-drug" and r.verdict is None
    assert r.details.withdrawn.verdict is None and r.details.withdrawn.kind == "demonstration"


# ------------------------------------------------------------------------------------------------
# negations and zero doses are read as "not on drug"; a declared comparator the descriptions
# contradict is refused
# ------------------------------------------------------------------------------------------------
NOT_ON_DRUG = [
    "ruxolitinib-naive",
    "cell state: ruxolitinib-naive",
    "cultured without ruxolitinib",
    "ruxolitinib 0 nM",
    "0 uM ruxolitinib",
    "ruxolitinib 0.0 µM",
    "0nM INCB018424",
    "TG101348 (0 nM)",
    "JAK inhibitor-naive",
    "JAK2 inhibitor naive cells",
    "no JAK2 inhibitor",
    "minus ruxolitinib",
    "-ruxolitinib",
    "ruxolitinib: none",
    "ruxolitinib-free medium",
    "untreated",
    "vehicle",
    "DMSO",
    "no drug",
    "drug-free",
    "treatment: none",
    "treatment: vehicle",
    "mock",
    "0 ng/ml ruxolitinib",
    # other dashes and accents; concentrations that are not a drug's; a bare zero; a named drug at
    # no dose; a washout
    "ruxolitinib–naïve",
    "ruxolitinib\u2010naive",
    "medium: RPMI 1640 + 10% FBS | IL-3: 10 ng/ml | cell state: ruxolitinib-naive",
    "medium: RPMI 1640 + 10% FBS; treatment: DMSO",
    "treatment: ruxolitinib 0",
    "agent: ruxolitinib; dose: 0 nM",
    "ruxolitinib washout",
]
ON_DRUG = [
    "agent: ruxolitinib; dose: 1 uM",
    "treatment: 1 uM",
    "cell state: naive; treatment: ruxolitinib 1000 nM",
    "ruxolitinib 0.1 uM",
    "ruxolitinib 10 nM",
    "0.5 µM fedratinib",
    "treated with 1 µM ruxolitinib",
    "JAK Inhibitor I 500 nM",
    "ruxolitinib-naive; treatment: ruxolitinib 1 uM",  # drug-naive cells taken in drug
    "naive cells in 300 nM JAK inhibitor",
    "time: 0 h; ruxolitinib 1 uM",
]
NEITHER = [
    "cell state: persistent to ruxolitinib",
    "naive, sensitive to INCB018424",
    "ruxolitinib-sensitive cells",
    "cell state: naive",
    "HEL cells",
]


@pytest.mark.parametrize("text", NOT_ON_DRUG)
def test_negations_zero_doses_and_vehicles_read_as_not_on_drug(text):
    assert geo.sample_treatment(text) == "untreated", geo.treatment_evidence(text)


@pytest.mark.parametrize("text", ON_DRUG)
def test_positive_doses_and_unnegated_drug_names_read_as_on_drug(text):
    assert geo.sample_treatment(text) == "on drug", geo.treatment_evidence(text)


@pytest.mark.parametrize("text", NEITHER)
def test_what_the_cells_are_is_not_what_the_sample_was_taken_in(text):
    assert geo.sample_treatment(text) == "unstated"


def test_a_vehicle_and_a_dose_in_one_description_is_contradictory():
    assert geo.sample_treatment("DMSO then ruxolitinib") == "both"
    assert geo.sample_treatment("ruxolitinib 0 nM; ruxolitinib 1 uM") == "both"


def test_zero_dose_naive_cells_are_untreated_and_the_old_reading_would_have_flipped_the_verdict():
    # naive cells described "ruxolitinib 0 nM"; persistent cells on drug 1.0 log2 above them
    # (over-shoot)
    r = _design("GSE99985")
    assert r.metrics["t1_comparator"] == "untreated" and [c.name for c in r.conditions] == [
        "tost_p"
    ]
    assert r.verdict is False and not r.undefined  # not similar: not shown
    assert describe_verdict("C1-T", r).short == "not shown in public data"
    # the same data judged as a same-drug design (how "ruxolitinib 0 nM" used to be read) would read
    # "shown"
    from jakpersist.claims.t1_transcriptome import RULE
    from jakpersist.claims.base import combine

    assert combine(RULE.conditions(r.metrics["t1_stat5_nes"], r.metrics["t1_stat5_fdr"]))[0] is True


def test_negated_drug_names_make_an_untreated_design():
    r = _design("GSE99986")  # "none (ruxolitinib-naive, cultured without ruxolitinib)"
    assert (
        r.metrics["t1_comparator"] == "untreated"
        and r.verdict is True
        and not r.metrics["t1_comparator_warning"]
    )


@pytest.mark.parametrize(
    "accession, declared, reading",
    [
        ("GSE99985", "same-drug", "untreated"),
        ("GSE99993", "same-drug", "untreated"),
        ("GSE99991", "untreated", "on drug"),
    ],
)
def test_a_declared_comparator_the_descriptions_contradict_is_refused_with_a_warning(
    accession, declared, reading
):
    r = _design(accession, comparator=declared)
    warning = r.metrics["t1_comparator_warning"]
    assert r.undefined and r.verdict is False and r.metrics["t1_comparator"] == "contradicted"
    assert describe_verdict("C1-T", r).kind == "undefined"
    n = {"GSE99985": "GSM9998501", "GSE99993": "GSM9999301", "GSE99991": "GSM9999101"}[accession]
    assert (
        n in warning
        and f"reads {reading}" in warning
        and "cell state: naive; treatment:" in warning
    )
    assert f"'{declared}'" in warning and "refuses" in warning


def test_a_declared_comparator_the_descriptions_support_or_leave_open_is_used():
    assert _design("GSE99993", comparator="untreated").metrics["t1_comparator_warning"] == ""
    data = geo.load_expression(
        FIX / "g01_affy_linear_MAS5_family.soft.gz"
    )  # descriptions say nothing
    r = evaluate("C1-T", {**FAST, "comparator": "untreated"}, seed=2012, data=data)
    assert r.metrics["t1_comparator"] == "untreated" and not r.metrics["t1_comparator_warning"]


def test_a_run_with_a_contradicted_comparator_warns_in_the_report_and_stores_undefined(tmp_path):
    import json

    from jakpersist.book import cli

    assert (
        cli.main(
            [
                "run",
                "t1_transcriptome",
                "--set",
                f"data_path={FIX / 'GSE99985_series_matrix.txt.gz'}",
                "--set",
                f"annotation_path={ANNOT}",
                "--set",
                "comparator=same-drug",
                "--set",
                "n_permutations=100",
                "--out",
                str(tmp_path),
                "--label",
                "c",
            ]
        )
        == 0
    )
    run = tmp_path / "t1_transcriptome-c"
    glued = json.loads((run / "values.json").read_text())["glued"]
    assert glued["t1_verdict"] is None and glued["t1_verdict_outcome"] == "undefined"
    report = (run / "report.html").read_text()
    assert "The declared comparator contradicts the sample descriptions" in report
    assert "GSM9998501 reads untreated" in report and "ruxolitinib 0 nM" in report
