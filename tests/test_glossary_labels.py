"""Words a biologist reads, in figures and tables: no snake_case code name is a figure's or a
table's label (a code name may follow a plain name in brackets), and every image of the site has
real alt text.

Figure text is read from the SVGs themselves (the book's figures keep their text as text,
``svg.fonttype`` "none"): the executed chapters' outputs and the generated figures. Table labels are
the header cells of every table of the built site.
"""

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
CHAPTERS = ROOT / "book" / "chapters"

pytestmark = [
    pytest.mark.site,
    pytest.mark.skipif(
        not (SITE / "index.html").is_file(), reason="site not built: run `make book`"
    ),
]

#: a code identifier with an underscore (hetero_advantage, K_ruxolitinib, top_dose_nM)
SNAKE = re.compile(r"(?<![\w`/.])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w`/.])")
PAGES = sorted(
    p
    for p in SITE.rglob("*.html")
    if not {"_static", "_sources", "_downloads", "_images"} & set(p.relative_to(SITE).parts)
    and p.stem not in ("genindex", "search")
)


def snake_case_labels(text: str) -> list[str]:
    """snake_case identifiers in a label, outside brackets ("plain name (code_name)" is allowed)."""
    return SNAKE.findall(re.sub(r"\([^()]*\)", "", text))


def svg_texts(svg: str) -> list[str]:
    """The text elements of an SVG (tick labels, axis labels, legends, titles), markup removed."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", t).split())
        for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)
    ]


def _figures():
    for nb in sorted(CHAPTERS.glob("*.ipynb")):
        if nb.name.endswith((".partial.ipynb", ".failed.ipynb")):
            continue
        for i, cell in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"]):
            for out in cell.get("outputs", []):
                svg = out.get("data", {}).get("image/svg+xml")
                if svg:
                    yield (
                        f"{nb.stem} cell {i}",
                        "".join(svg) if isinstance(svg, list) else svg,
                        cell,
                    )
    for f in sorted((ROOT / "book" / "generated").rglob("*.svg")):
        yield str(f.relative_to(ROOT)), f.read_text(encoding="utf-8"), None


FIGURES = list(_figures())


def test_the_label_check_finds_code_names():
    assert snake_case_labels("hetero_advantage") == ["hetero_advantage"]
    assert snake_case_labels("heterodimer drug escape (hetero_advantage)") == []
    assert snake_case_labels("dose (nM, log scale)") == []
    assert snake_case_labels("K_ruxolitinib vs top_dose_nM") == ["K_ruxolitinib", "top_dose_nM"]
    assert svg_texts(
        '<svg><text x="1">growth_hill</text><text><tspan>a</tspan> b</text></svg>'
    ) == ["growth_hill", "a b"]


@pytest.mark.parametrize("where, svg, cell", FIGURES, ids=[f[0] for f in FIGURES])
def test_figure_labels_have_no_snake_case(where, svg, cell):
    bad = sorted({s for t in svg_texts(svg) for s in snake_case_labels(t)})
    assert not bad, (
        f"{where}: figure labels show code names {bad}; use the plain name (code name in brackets)"
    )


@pytest.mark.parametrize(
    "where, svg, cell",
    [f for f in FIGURES if f[2] is not None],
    ids=[f[0] for f in FIGURES if f[2] is not None],
)
def test_every_chapter_figure_has_alt_text_and_a_name(where, svg, cell):
    meta = cell.get("metadata", {}).get("mystnb", {})
    alt = str(meta.get("image", {}).get("alt", ""))
    assert len(alt) >= 30, f"{where}: the figure has no real alt text (mystnb.image.alt)"
    assert meta.get("figure", {}).get("name"), (
        f"{where}: the figure has no name (mystnb.figure.name)"
    )


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(SITE)) for p in PAGES])
def test_table_headers_have_no_snake_case(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article") or soup
    bad = []
    for th in article.select("table th"):
        for code in th.select("code"):
            code.decompose()
        bad += snake_case_labels(" ".join(th.get_text(" ").split()))
    assert not bad, f"{page.name}: table labels show code names {sorted(set(bad))}"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(SITE)) for p in PAGES])
def test_every_image_has_real_alt_text(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article") or soup
    for img in article.select("img"):
        alt = " ".join(str(img.get("alt", "")).split())
        assert len(alt) >= 20 and not re.fullmatch(r"[\w./\\-]+\.(svg|png|jpg|jpeg|gif)", alt), (
            f"{page.name}: image {img.get('src')} has no real alt text ({alt!r})"
        )


def _parameter_names() -> set[str]:
    from jakpersist.book.names import PLAIN_NAMES
    from jakpersist.model.params import ALL_PARAMS

    return {n for n in (*PLAIN_NAMES, *ALL_PARAMS) if "_" in n}


PARAMETER_NAMES = _parameter_names()
#: where a reader looks for a label: table cells, figure and table captions, headings, fold titles
LABELS = "table td, table th, figcaption, caption, h1, h2, h3, h4, h5, h6, summary"


def bare_parameter_names(el) -> list[str]:
    """Parameter code names in an element's text outside code and outside brackets."""
    el = BeautifulSoup(str(el), "html.parser")
    for code in el.select("code, .headerlink"):
        code.decompose()
    return [
        s for s in snake_case_labels(" ".join(el.get_text(" ").split())) if s in PARAMETER_NAMES
    ]


def test_the_cell_check_finds_bare_parameter_names():
    cell = BeautifulSoup(
        "<td>hetero_advantage (0.81); escape needs an active partner kinase (trans_gating)</td>",
        "html.parser",
    ).td
    assert bare_parameter_names(cell) == ["hetero_advantage"]
    ok = BeautifulSoup(
        "<td>heterodimer drug escape (<code>hetero_advantage</code>) = 0; data/x_y.csv</td>",
        "html.parser",
    ).td
    assert bare_parameter_names(ok) == []


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(SITE)) for p in PAGES])
def test_table_cells_captions_and_headings_name_parameters_plainly(page):
    """Every table cell, caption, heading and fold title on the site shows a parameter by its plain
    name: a bare code name (``hetero_advantage``) is allowed only inside brackets or as code after
    the plain name."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article") or soup
    bad = sorted(
        {f"{el.name}: {n}" for el in article.select(LABELS) for n in bare_parameter_names(el)}
    )
    assert not bad, f"{page.name}: code names without a plain name {bad}"
