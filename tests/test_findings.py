"""The landing page's findings block, the chapters' at-a-glance cards and the claims page's overview
cards, read off the built site.

Every number in them is written as ``<span class="jak-num" data-src=...>`` naming its source; each
is compared with the glued value of the executed chapter or the atlas result it comes from, and no
other number may appear in the block (claim statements come from the registry; "95% interval" names
the kind of interval).
"""

import json
import math
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from jakpersist.book import findings, registry
from jakpersist.book.budget import CHAPTER_CLAIMS, load_summary
from jakpersist.book.execute import EXECUTED, glued_values
from jakpersist.claims.wording import format_share

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"

pytestmark = pytest.mark.skipif(
    not (SITE / "index.html").is_file(), reason="site not built: run `make book`"
)

#: a number standing on its own (not part of a name such as JAK2, C1 or GSE38335)
NUMBER = re.compile(r"(?<![\w.\-])[~<>]?\d+(?:[.,]\d+)*%?(?![\w\-])")


def _soup(page: str) -> BeautifulSoup:
    return BeautifulSoup((SITE / page).read_text(encoding="utf-8"), "html.parser")


def _expected(src: str) -> str:
    kind, _, rest = src.partition(":")
    claims = registry.load()
    paper = [c for c in claims if c.origin == "paper"]
    if kind == "glue":
        chapter, key, spec = rest.split(":", 2)
        value = glued_values(EXECUTED / f"{chapter}.ipynb")[key]
        if isinstance(value, float) and math.isinf(value):
            return "∞"
        return format(value, spec)
    if kind == "atlas":
        s = load_summary()
        if rest == "samples":
            return str(s["samples"])
        cid, field = rest.split(":")
        if cid == "joint":
            v = s["joint"][field]
            return format_share(v) if field.startswith("share") else str(v)
        return format_share(s["claims"][cid][field])
    if (
        kind == "rivals"
    ):  # rivals:<section>:<model>:<field>:<format>, read from data/rivals/summary.json
        s = json.loads((ROOT / "data" / "rivals" / "summary.json").read_text(encoding="utf-8"))
        section, model, field, spec = rest.split(":", 3)
        if section == "samples":
            return format(s["samples"], spec)
        c = s[section] if section == "comparison" else s[section]["models"]
        c = c[model]
        for part in field.split("."):
            c = c["bayes_factor" if part == "bf" else part]
        return format(c, spec)
    if kind == "rule":  # rule:<claim>:<threshold>:<format>, a threshold of the claim's rule
        from jakpersist.claims.c3_reversibility import RULE3

        cid, attr, spec = rest.split(":")
        return format(getattr({"C3": RULE3}[cid], attr), spec)
    if kind == "registry":
        return str(
            {
                "paper": len(paper),
                "paper-model": sum(c.evidence == "model" for c in paper),
                "paper-real": sum(
                    c.evidence in ("public-data", "reader-data") and not c.demonstration
                    for c in paper
                ),
            }[rest]
        )
    raise AssertionError(f"unknown number source {src!r}")


GLANCE = findings.glance_chapters()
PAGES = [
    "book/intro.html",
    "book/claims.html",
    *(f"book/chapters/{chapter}.html" for chapter in GLANCE),
    *(f"book/chapters/{chapter}.html" for chapter in findings.ANALYSIS_FIGURES),
]
SELECTOR = {"book/intro.html": "div.jak-findings", "book/claims.html": "div.jak-overview"}


def _blocks(page: str):
    return _soup(page).select(SELECTOR.get(page, "div.jak-glance"))


@pytest.mark.parametrize("page", PAGES)
def test_every_number_equals_its_source(page):
    blocks = _blocks(page)
    assert len(blocks) == 1, f"{page}: expected one findings block / at-a-glance card"
    spans = blocks[0].select("span.jak-num")
    least = {
        "book/intro.html": 20,
        "book/claims.html": 20,
        "book/chapters/g1_gdsc.html": 1,
        "book/chapters/h1_hts007.html": 1,
    }
    assert len(spans) >= least.get(page, 3), f"{page}: too few generated numbers"
    for span in spans:
        assert span.get_text() == _expected(span["data-src"]), f"{page}: {span['data-src']}"


@pytest.mark.parametrize("page", PAGES)
def test_no_number_typed_by_hand(page):
    block = _blocks(page)[0]
    for span in block.select("span.jak-num"):
        span.decompose()
    text = " ".join(block.get_text(" ").split()).replace(
        "’", "'"
    )  # MyST writes typographic apostrophes
    for c in registry.load():  # claim statements come from the registry
        text = text.replace(c.sources[0].text, "")
    text = re.sub(
        r"Book figure \d+|95% interval", "", text
    )  # Sphinx's figure numbers; the interval's kind
    assert not NUMBER.findall(text), f"{page}: numbers not generated: {NUMBER.findall(text)}"


def test_every_claim_chapter_and_analysis_has_a_card():
    """Every chapter in the sidebar that decides a verdict (a model claim or a public-data check) or
    summarises a whole analysis (robustness atlas, rivals) opens with an at-a-glance card."""
    assert set(CHAPTER_CLAIMS) <= set(GLANCE) and {"g1_gdsc", "h1_hts007"} <= set(GLANCE)
    assert set(findings.ANALYSIS_FIGURES) == {"r1_robustness", "r2_rivals"}


@pytest.mark.parametrize("chapter", list(findings.ANALYSIS_FIGURES))
def test_analysis_chapter_opens_with_its_result_and_figure(chapter):
    soup = _soup(f"book/chapters/{chapter}.html")
    article = soup.select_one("article") or soup
    card = article.select_one("div.jak-glance")
    order = [str(e) for e in article.find_all(True)]
    assert order.index(str(card)) < order.index(str(article.select_one("div.admonition")))
    fig = findings.ANALYSIS_FIGURES[chapter]
    assert soup.find(id=fig) is not None and card.select_one(f'a[href="#{fig}"]') is not None
    text = " ".join(card.get_text(" ").split())
    assert "not the paper's data" in text.replace("’", "'")
    if chapter == "r2_rivals":
        assert "most favoured" in text and "ratio to H0" in text
    else:
        assert "95% interval" in text and "points" in text


def test_findings_block_has_the_rivals_headline_and_the_joint_interval():
    text = " ".join(_soup("book/intro.html").select_one("div.jak-findings").get_text(" ").split())
    assert "Rival explanations." in text and "most favoured" in text and "ratio to H0" in text
    srcs = {s["data-src"] for s in _soup("book/intro.html").select("div.jak-findings span.jak-num")}
    assert {"atlas:joint:share_lo", "atlas:joint:share_hi"} <= srcs
    assert any(s.startswith("rivals:comparison_by_mechanism:") and ":bf.ratio:" in s for s in srcs)


def test_c3_key_number_says_what_it_is():
    text = " ".join(
        _soup("book/chapters/c3_reversibility.html")
        .select_one("div.jak-glance")
        .get_text(" ")
        .split()
    )
    text = text.replace("’", "'")
    assert "as a fold of the naive (parental) cells' GI50" in text and "reverted" in text


@pytest.mark.parametrize("chapter", GLANCE)
def test_chapter_opens_with_the_verdict_and_its_figure(chapter):
    soup = _soup(f"book/chapters/{chapter}.html")
    article = soup.select_one("article") or soup
    card = article.select_one("div.jak-glance")
    first_box = article.select_one("div.admonition")
    first_code = article.select_one("div.cell")
    order = [str(e) for e in article.find_all(True)]
    assert order.index(str(card)) < order.index(str(first_box)) < order.index(str(first_code)), (
        f"{chapter}: the card must come before any box or code"
    )
    values = glued_values(EXECUTED / f"{chapter}.ipynb")
    text = " ".join(card.get_text(" ").split())
    for c in registry.load():
        if c.chapter != chapter:
            continue
        assert f"{c.id} ·" in text
        assert findings.verdict_wording(c, values) in text
        fig = findings.KEY_RESULTS[c.id].figure
        assert soup.find(id=fig) is not None and card.select_one(f'a[href="#{fig}"]') is not None, (
            f"{c.id}: no link to its key figure {fig}"
        )
    course = [a for a in article.select("div.admonition") if "For a course" in a.get_text()]
    assert course and "dropdown" in course[0]["class"], (
        f"{chapter}: the course box does not fold away"
    )
    assert article.select_one("div.jak-fold > div.admonition") is not None, (
        f"{chapter}: the run box is not folded"
    )


def test_findings_block_states_the_real_data_gap():
    block = _soup("book/intro.html").select_one("div.jak-findings")
    text = " ".join(block.get_text(" ").split())
    assert "Not tested on the paper's own data" in text.replace("’", "'") and "not public" in text
    assert _soup("book/intro.html").select_one("#intro-mechanism img") is not None


def _card_numbers(card) -> set[tuple[str, str]]:
    return {(span["data-src"], span.get_text()) for span in card.select("span.jak-num")}


def test_claims_page_cards_match_the_chapter_cards():
    """Each claim's card on the claims page shows the key number, interval and robustness share of
    its chapter's at-a-glance card, and a thumbnail of the same key figure (an image file that
    exists) linking to it."""
    soup = _soup("book/claims.html")
    cards = soup.select("div.jak-overview div.jak-claim-card")
    paper = [c for c in findings.display_order(registry.load()) if c.origin == "paper"]
    assert [" ".join(card.get_text(" ").split()).split(" ")[0] for card in cards] == [
        c.id for c in paper
    ]
    for c, card in zip(paper, cards, strict=True):
        chapter_card = _soup(f"book/chapters/{c.chapter}.html").select_one("div.jak-glance")
        mine = _card_numbers(card)
        assert mine and mine <= _card_numbers(chapter_card), (
            f"{c.id}: numbers differ from the chapter's card"
        )
        assert findings.verdict_wording(c, glued_values(c.executed)) in card.get_text(" ")
        img = card.select_one("img")
        assert img is not None and (SITE / "book" / img["src"]).resolve().is_file(), (
            f"{c.id}: no thumbnail"
        )
        assert len(img.get("alt", "")) > 40 and "/" not in img["alt"][:20], (
            f"{c.id}: thumbnail without alt text"
        )
        fig = findings.KEY_RESULTS[c.id].figure
        assert card.select_one(f'a[href$="{c.chapter}.html#{fig}"]') is not None, (
            f"{c.id}: no link to {fig}"
        )


def test_claims_page_overview_comes_before_the_audit_detail():
    soup = _soup("book/claims.html")
    order = [str(e) for e in soup.find_all(True)]
    overview = soup.select_one("div.jak-overview")
    audit = soup.find(id="audit-detail")
    assert audit is not None and order.index(str(overview)) < order.index(str(audit))


def _id_order_key(cid: str):
    m = re.fullmatch(r"([A-Z]+)(\d+)(.*)", cid)
    return (m.group(1), int(m.group(2)), m.group(3))


def test_one_id_per_check_in_order():
    """Sidebar, chapter titles and claims page use the registry's IDs: each chapter's title starts
    with the IDs of its checks; the claim chapters come in the order of their first ID; the claims
    page lists the paper's claims in ID order and the book's checks in the sidebar's order."""
    claims = registry.load()
    nav = [a for a in _soup("book/intro.html").select("nav.bd-docs-nav a.reference.internal")]
    titles = {Path(a["href"]).stem: " ".join(a.get_text().split()) for a in nav}
    stems = [Path(a["href"]).stem for a in nav]
    by_chapter: dict[str, list[str]] = {}
    for c in claims:
        by_chapter.setdefault(c.chapter, []).append(c.id)
    for chapter, ids in by_chapter.items():
        head = titles[chapter].split(" · ")[0]
        assert sorted(head.split(", ")) == sorted(ids), (
            f"{chapter}: sidebar title {titles[chapter]!r} lacks {ids}"
        )
        h1 = " ".join(_soup(f"book/chapters/{chapter}.html").select_one("h1").get_text().split())
        assert h1.startswith(head + " ·"), f"{chapter}: title {h1!r}"
    paper_chapters = [
        s
        for s in stems
        if s in by_chapter and all(c.origin == "paper" for c in claims if c.chapter == s)
    ]
    firsts = [min(by_chapter[s], key=_id_order_key) for s in paper_chapters]
    assert firsts == sorted(firsts, key=_id_order_key), f"claim chapters out of ID order: {firsts}"
    soup = _soup("book/claims.html")
    order = [e.get("id") for e in soup.find_all(id=True)]
    shown = [c.id for c in findings.display_order(claims)]
    where = [order.index(f"claim-{i.lower()}") for i in shown]
    assert where == sorted(where), "the audit detail is not in display order"
    paper_ids = [c.id for c in claims if c.origin == "paper"]
    assert [i for i in shown if i in paper_ids] == sorted(paper_ids, key=_id_order_key)
    book = [c for c in findings.display_order(claims) if c.origin == "book"]
    assert [stems.index(c.chapter) for c in book] == sorted(stems.index(c.chapter) for c in book)


def test_public_data_part_holds_only_real_data_chapters():
    """The sidebar's "Public data" part lists only chapters whose default run uses real data."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p["caption"] == "Public data")
    stems = {Path(ch["file"]).name for ch in part["chapters"]}
    claims = [c for c in registry.load() if c.chapter in stems]
    assert claims and all(c.evidence == "public-data" and not c.demonstration for c in claims), [
        (c.id, c.evidence, c.default_kind) for c in claims
    ]
