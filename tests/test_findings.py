"""The landing page's findings block and the chapters' at-a-glance cards, read off the built site.

Every number in them is written as ``<span class="jak-num" data-src=...>`` naming its source; each is compared
with the glued value of the executed chapter or the atlas result it comes from, and no other number may appear
in the block (claim statements come from the registry; "95% interval" names the kind of interval).
"""
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

pytestmark = pytest.mark.skipif(not (SITE / "index.html").is_file(), reason="site not built: run `make book`")

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
        cid, field = rest.split(":")
        if cid == "joint":
            v = s["joint"][field]
            return format_share(v) if field == "share" else str(v)
        return format_share(s["claims"][cid][field])
    if kind == "registry":
        return str({"paper": len(paper),
                    "paper-model": sum(c.evidence == "model" for c in paper),
                    "paper-real": sum(c.evidence in ("public-data", "reader-data") and not c.demonstration
                                      for c in paper)}[rest])
    raise AssertionError(f"unknown number source {src!r}")


PAGES = ["book/intro.html", *(f"book/chapters/{chapter}.html" for chapter in CHAPTER_CLAIMS)]


def _blocks(page: str):
    return _soup(page).select("div.jak-findings" if page.endswith("intro.html") else "div.jak-glance")


@pytest.mark.parametrize("page", PAGES)
def test_every_number_equals_its_source(page):
    blocks = _blocks(page)
    assert len(blocks) == 1, f"{page}: expected one findings block / at-a-glance card"
    spans = blocks[0].select("span.jak-num")
    assert len(spans) >= (11 if page.endswith("intro.html") else 4), f"{page}: too few generated numbers"
    for span in spans:
        assert span.get_text() == _expected(span["data-src"]), f"{page}: {span['data-src']}"


@pytest.mark.parametrize("page", PAGES)
def test_no_number_typed_by_hand(page):
    block = _blocks(page)[0]
    for span in block.select("span.jak-num"):
        span.decompose()
    text = " ".join(block.get_text(" ").split()).replace("’", "'")  # MyST writes typographic apostrophes
    for c in registry.load():  # claim statements come from the registry
        text = text.replace(c.sources[0].text, "")
    text = re.sub(r"Book figure \d+|95% interval", "", text)  # Sphinx's figure numbers; the interval's kind
    assert not NUMBER.findall(text), f"{page}: numbers not generated: {NUMBER.findall(text)}"


@pytest.mark.parametrize("chapter", list(CHAPTER_CLAIMS))
def test_chapter_opens_with_the_verdict_and_its_figure(chapter):
    soup = _soup(f"book/chapters/{chapter}.html")
    article = soup.select_one("article") or soup
    card = article.select_one("div.jak-glance")
    first_box = article.select_one("div.admonition")
    first_code = article.select_one("div.cell")
    order = [str(e) for e in article.find_all(True)]
    assert order.index(str(card)) < order.index(str(first_box)) < order.index(str(first_code)), \
        f"{chapter}: the card must come before any box or code"
    values = glued_values(EXECUTED / f"{chapter}.ipynb")
    text = " ".join(card.get_text(" ").split())
    for c in registry.load():
        if c.chapter != chapter:
            continue
        assert f"{c.id} ·" in text
        assert findings.verdict_wording(c, values) in text
        fig = findings.KEY_RESULTS[c.id].figure
        assert soup.find(id=fig) is not None and card.select_one(f'a[href="#{fig}"]') is not None, \
            f"{c.id}: no link to its key figure {fig}"
    course = [a for a in article.select("div.admonition") if "For a course" in a.get_text()]
    assert course and "dropdown" in course[0]["class"], f"{chapter}: the course box does not fold away"
    assert article.select_one("div.jak-fold > div.admonition") is not None, f"{chapter}: the run box is not folded"


def test_findings_block_states_the_real_data_gap():
    block = _soup("book/intro.html").select_one("div.jak-findings")
    text = " ".join(block.get_text(" ").split())
    assert "Not tested on the paper's own data" in text.replace("’", "'") and "not public" in text
    assert _soup("book/intro.html").select_one("#intro-mechanism img") is not None
