"""The built site in a real browser (headless Debian chromium driven by Playwright).

Every page: no JavaScript error, no broken image, no broken internal link, no empty glued value, no
raw `{glue`, `{cite}` or `$\\` in the text, every figure with alt text or a caption and enlargeable
on click, no sideways scrolling at 390 px, axis labels, tick labels and legends of every SVG figure
at least 9 CSS px at 1280 px, a build footer; the claims page lists every claim with its verdict and
a source tag in each row. Screenshots at desktop and phone widths go to _build/screenshots/. In CI
(CI=true) a missing browser is a failure, not a skip.
"""

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from jakpersist.book import registry

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.IGNORECASE)


def _is_redirect(p: Path) -> bool:
    """Jupyter Book's root index.html is a meta-refresh stub: the browser leaves it at once (its
    target is tested as a page; :func:`test_root_redirects_to_a_built_page` checks the redirect)."""
    return p.stat().st_size < 2000 and bool(
        REDIRECT.search(p.read_text(encoding="utf-8", errors="replace"))
    )


PAGES = sorted(
    p
    for p in SITE.rglob("*.html")
    if not {"_static", "_sources", "_downloads", "_images"} & set(p.relative_to(SITE).parts)
    and not _is_redirect(p)
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require():
    if not (SITE / "index.html").is_file():
        pytest.fail("site not built: run `make book` first") if os.environ.get(
            "CI"
        ) else pytest.skip("no site")
    if not CHROMIUM.exists():
        msg = "Debian chromium is not installed (apt-get install chromium)"
        pytest.fail(msg) if os.environ.get("CI") else pytest.skip(msg)


@pytest.fixture(scope="module")
def browser():
    _require()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _ids(pages):
    return [str(p.relative_to(SITE)) for p in pages]


def test_root_redirects_to_a_built_page(browser):
    target = REDIRECT.search((SITE / "index.html").read_text(encoding="utf-8")).group(1)
    assert (SITE / target).is_file(), f"index.html redirects to {target}, which was not built"
    page = browser.new_page()
    page.goto((SITE / "index.html").as_uri())
    page.wait_for_url(f"**/{target}")
    page.wait_for_load_state("load")
    assert page.locator("article").count() == 1
    page.close()


@pytest.mark.parametrize("page_path", PAGES, ids=_ids(PAGES))
def test_page_in_browser(browser, page_path):
    errors = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.goto(page_path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    assert not errors, errors

    # figures load lazily (as they near the screen): load every one now, then check none is broken
    page.evaluate(
        "Promise.all([...document.images].map(i => { i.loading = 'eager'; return "
        "i.decode().catch(() => 0); }))"
    )
    broken = page.eval_on_selector_all(
        "img",
        "els => els.filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.getAttribute('src'))",
    )
    assert not broken, f"broken images: {broken}"

    here = Path(unquote(urlparse(page.url).path)).parent  # after any redirect (index.html -> intro)
    for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))"):
        parsed = urlparse(href)
        if parsed.scheme or href.startswith(("#", "mailto:")) or not parsed.path:
            continue
        target = (here / unquote(parsed.path)).resolve()
        assert target.exists(), f"broken internal link {href} on {page_path.relative_to(SITE)}"

    empty = page.eval_on_selector_all(
        ".pasted-text, .pasted-inline", "els => els.filter(e => !e.textContent.trim()).length"
    )
    assert empty == 0, "an empty glued value"

    unlabelled = page.eval_on_selector_all(
        "article img",
        "els => els.filter(i => !(i.getAttribute('alt') || '').trim() && !i.closest('figure')"
        "?.querySelector('figcaption')).map(i => i.getAttribute('src'))",
    )
    assert not unlabelled, f"figures without alt text or caption: {unlabelled}"

    raw = page.evaluate(RAW_MARKUP_JS)
    assert not raw, f"raw markup on the page: {raw}"

    footer = page.inner_text(".jakbook-build") if page.locator(".jakbook-build").count() else ""
    assert re.search(r"Built from jakpersist \S+, commit \S+, on \d{4}-\d\d-\d\d", footer), (
        f"no build footer with version, commit and date: {footer!r}"
    )

    small = _small_svg_labels(page)
    assert not small, f"figure text below {MIN_CSS_PX} CSS px at 1280 px: {small}"

    for i in range(page.locator(".bd-article img:not(.jak-thumb-img)").count()):
        img = page.locator(".bd-article img:not(.jak-thumb-img)").nth(i)
        img.scroll_into_view_if_needed()
        shown = img.bounding_box()["width"]
        img.click()
        big = page.locator(".jakbook-lightbox img")
        big.wait_for(state="visible", timeout=2000)
        assert big.bounding_box()["width"] >= shown, "the enlarged figure is not larger"
        page.keyboard.press("Escape")
        assert page.locator(".jakbook-lightbox").count() == 0

    SHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9]+", "_", str(page_path.relative_to(SITE)).removesuffix(".html"))
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=False)
    page.close()
    phone = browser.new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    phone.goto(page_path.as_uri(), wait_until="load")
    phone.wait_for_timeout(200)
    wide = phone.evaluate(SIDEWAYS_JS)
    assert not wide, f"at 390 px the page scrolls sideways; too wide: {wide}"
    phone.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=False)
    phone.close()


MIN_CSS_PX = 9.0
# Text of the article outside code (code blocks may show markup on purpose).
RAW_MARKUP_JS = """() => {
  const a = document.querySelector('article') || document.body;
  const c = a.cloneNode(true);
  c.querySelectorAll('pre, code, .highlight, script, style, mjx-container')
    .forEach(e => e.remove());
  const t = c.textContent;
  return ['{glue', '{cite}', '{cite:', '{term}', '$\\\\'].filter(m => t.includes(m));
}"""
# Elements that stick out of the viewport on the right and make the page scroll sideways.
SIDEWAYS_JS = """() => {
  const w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= w + 1) return [];
  const out = [];
  document.querySelectorAll('body *').forEach(e => {
    const r = e.getBoundingClientRect();
    const inside = e.closest('.pst-scrollable-table-container, .cell_output, pre, '
        + '.table-wrapper, .jakbook-lightbox');
    if (r.right > w + 1 && r.width > 0 && !inside)
      out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
  });
  return out.slice(0, 5).concat(['scrollWidth ' + document.documentElement.scrollWidth]);
}"""


def _font_px(el) -> float | None:
    m = re.search(r"font(?:-size)?:\s*([\d.]+)px", el.get("style", ""))
    return float(m.group(1)) if m else None


def svg_label_sizes(svg: Path) -> tuple[float, list[tuple[str, float]]]:
    """(width of the SVG's coordinate system, [(text, font size in those units)] of axis labels,
    tick labels and legend entries).

    matplotlib writes each axis as ``<g id="matplotlib.axis_N">`` holding ``xtick_*``/``ytick_*``
    groups and the axis label as a ``text_*`` group; with ``svg.fonttype = "none"`` the text is a
    ``<text>`` with a font size.
    """
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.parse(svg).getroot()
    vb = root.get("viewBox")
    width = float(vb.split()[2]) if vb else float(re.sub(r"[a-z]+$", "", root.get("width", "0")))
    out = []
    for axis in root.iter(f"{ns}g"):
        if not (axis.get("id") or "").startswith(("matplotlib.axis", "legend_")):
            continue
        for g in axis.iter(f"{ns}g"):
            gid = g.get("id") or ""
            if not gid.startswith(("text_", "xtick_", "ytick_")):
                continue
            sizes = [(t.text or "".join(t.itertext()), _font_px(t)) for t in g.iter(f"{ns}text")]
            sizes = [(txt.strip(), px) for txt, px in sizes if px and txt.strip()]
            if sizes:  # the main text of a label (a superscript of 10^2 is smaller by design)
                out.append(max(sizes, key=lambda x: x[1]))
    return width, out


def _small_svg_labels(page) -> list[str]:
    # thumbnails of a chapter's key figure (at-a-glance card) link to the figure itself, which is
    # checked
    shown = page.eval_on_selector_all(
        ".bd-article img:not(.jak-thumb-img)",
        "els => els.map(i => [i.getAttribute('src'), i.clientWidth])",
    )
    here = Path(unquote(urlparse(page.url).path)).parent
    small = []
    for src, css_width in shown:
        if not src or not src.lower().endswith(".svg"):
            continue
        width, labels = svg_label_sizes((here / unquote(src)).resolve())
        for text, size in labels:
            px = size * css_width / width
            if px < MIN_CSS_PX:
                small.append(f"{src}: {text!r} {px:.1f}px")
    return small[:5]


def test_claims_page_lists_every_claim_with_its_verdict(browser):
    page = browser.new_page()
    page.goto((SITE / "book" / "claims.html").as_uri())
    page.evaluate(
        "document.querySelectorAll('article details').forEach(d => d.open = true)"
    )  # the folded audit
    text = page.inner_text("article")
    for c in registry.load():
        verdict = registry.glued_values(c.executed)[c.verdict + "_text"]
        assert re.search(
            rf"\n{re.escape(c.id)} ·.*?Verdict of the default run:\s*{re.escape(verdict)}",
            text,
            re.S,
        ), c.id
    page.close()


def test_every_claim_row_has_a_source_tag(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((SITE / "book" / "claims.html").as_uri())
    page.evaluate(
        "document.querySelectorAll('article details').forEach(d => d.open = true)"
    )  # the folded audit
    rows = page.eval_on_selector_all(
        "article table tbody tr",
        "rows => rows.map(r => [r.cells[0].innerText.trim(), "
        "r.querySelectorAll('.sd-badge').length])",
    )
    tagged = {cid: n for cid, n in rows}
    for c in registry.load():
        assert c.id in tagged, f"no row for {c.id}"
        assert tagged[c.id] >= 1, f"the row of {c.id} has no source tag"
    text = page.inner_text("article")
    paper, book = (
        re.search("Claims of Koppikar et al.", text),
        re.search("The book.s own checks", text),
    )
    assert paper and book and paper.start() < book.start(), (
        "the book's own checks are not listed apart"
    )
    page.close()


def test_book_figures_are_labelled_as_the_books(browser):
    page = browser.new_page()
    page.goto((SITE / "book" / "chapters" / "c1_persistence.html").as_uri())
    captions = page.eval_on_selector_all("figcaption", "els => els.map(e => e.innerText)")
    assert captions and all(c.strip().startswith("Book figure") for c in captions), captions
    page.close()


def test_svg_label_sizes_reads_matplotlib_output(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from jakpersist.book import plotting

    plotting.set_style()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xlabel("dose (nM)")
    ax.plot([1, 2], [1, 2])
    fig.savefig(tmp_path / "f.svg")
    plt.close(fig)
    width, labels = svg_label_sizes(tmp_path / "f.svg")
    assert width == pytest.approx(4 * 72, rel=0.01)
    sizes = dict(labels)
    assert sizes["dose (nM)"] == pytest.approx(plotting.MIN_FONT_PT + 1.5)


def test_math_renders_without_network(browser):
    page = browser.new_page()
    page.route(re.compile(r"^https?://"), lambda route: route.abort())  # no network at all
    page.goto((SITE / "book" / "model.html").as_uri())
    page.wait_for_selector("mjx-container", timeout=15000)
    assert page.locator("mjx-container").count() >= 5
    page.close()
