"""The built site (make book): generated pages match the code, the claims page shows every
verdict."""

import html
import re
from pathlib import Path

import pytest

from jakpersist.book import generate, registry
from jakpersist.claims.wording import all_short_forms
from jakpersist.model.params import DRUG_PARAMS, MODEL_PARAMS

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"

pytestmark = pytest.mark.skipif(
    not (SITE / "index.html").is_file(), reason="site not built: run `make book`"
)


def _text(page: str) -> str:
    raw = (SITE / page).read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def test_generated_pages_match_the_code():
    for name, text in generate.pages().items():
        assert (generate.GENERATED / name).read_text(encoding="utf-8") == text, (
            f"book/generated/{name} is stale"
        )


def test_model_page_parameter_table_matches_code():
    text = " ".join(_text("book/model.html").split())
    for p in (*MODEL_PARAMS, *DRUG_PARAMS):
        # "plain name (code_name) default ...": the code name in brackets after the plain name
        assert re.search(rf"{p.name}\s*\)?\s+{re.escape(f'{p.default:g}')}\s", text), (
            f"{p.name} row missing or wrong"
        )


def test_claims_page_lists_every_claim_with_its_verdict():
    text = " ".join(_text("book/claims.html").split())
    for c in registry.load():
        assert c.statement[:60] in text
        values = registry.glued_values(c.executed)
        assert values[c.verdict + "_text"] in all_short_forms(), values[c.verdict + "_text"]
        assert values[c.verdict + "_sentence"].split(":")[0] in text
    assert "??" not in text
    # no verdict reads a bare "supported" anywhere on the site (model verdicts are worded by kind of
    # result)
    for page in (ROOT / "_build" / "html").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r">\s*(not )?supported\s*<", html, re.I), page
        assert (
            "Verdict of this run: supported" not in html
            and "verdict: supported" not in html.lower()
        ), page


def test_chapter_pages_show_evidence_label_and_verdict():
    for c in registry.load():
        text = _text(f"book/chapters/{c.chapter}.html")
        assert "Evidence" in text and "verdict of this" in text.lower()


def test_math_is_served_by_the_site_not_a_cdn():
    page = (SITE / "book" / "model.html").read_text(encoding="utf-8")
    assert (
        "_static/mathjax/startup.js" in page
    )  # the small loader; it loads only the components listed
    assert "cdn.jsdelivr" not in page and "mathjax@3" not in page
    for f in ("startup.js", "input/tex-base.js", "input/tex/extensions/ams.js", "output/chtml.js"):
        assert (SITE / "_static" / "mathjax" / f).is_file(), f
    assert "_static/mathjax/" not in (SITE / "book" / "intro.html").read_text(encoding="utf-8"), (
        "MathJax loaded on a page without mathematics"
    )


def test_parameter_table_is_grouped_and_collapsible():
    page = (SITE / "book" / "model.html").read_text(encoding="utf-8")
    assert page.count("<details") >= len(generate.PARAM_GROUPS)
    for group in generate.PARAM_GROUPS:
        assert html.escape(group) in page or group in page, group


def test_claims_page_shows_metric_labels_not_keys():
    text = " ".join(_text("book/claims.html").split()).replace(
        "\u2019", "'"
    )  # the site's typographic quotes
    labels = registry.load_metrics()
    for c in registry.load():
        for m in c.metrics:
            assert labels[m].label in text, m
            assert f" {m} " not in text, f"raw metric key {m} on the claims page"


def test_glossary_terms_are_linked_from_the_chapters():
    glossary = _text("book/glossary.html")
    for term in (
        "GI50",
        "co-IP",
        "ddCt",
        "NES",
        "FDR",
        "bootstrap",
        "counterfactual",
        "heterodimer",
        "persistence",
    ):
        assert term in glossary, term
    linked = sum(
        (SITE / "book" / "chapters" / f"{c}.html")
        .read_text(encoding="utf-8")
        .count('href="../glossary.html#term-')
        for c in ("c1_persistence", "c2_heterodimers", "c3_reversibility", "c6_jak2_dependence")
    )
    assert linked >= 8


def test_references_render_without_raw_latex_and_every_entry_is_cited():
    text = _text("book/references.html")
    assert "$" not in text and "\\Delta" not in text
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", bib, re.M)
    sources = "".join(
        p.read_text(encoding="utf-8")
        for p in [*(ROOT / "book").glob("*.md"), *(ROOT / "notebooks").glob("*.md")]
    )
    sources += (ROOT / "jakpersist" / "book" / "registry.py").read_text(encoding="utf-8")
    for key in keys:
        assert re.search(rf"\{{cite(:\w+)?\}}`[^`]*\b{re.escape(key)}\b", sources), (
            f"{key} is never cited"
        )
