"""Accessibility and weight of the built site in a real browser (headless Debian chromium driven by
Playwright, like tests/test_browser.py).

- axe-core (through axe-playwright-python) on every page at desktop (1366 px) and phone (390 px)
  width: no violation of impact "serious" or "critical".
- Page weight: the gzipped size of everything a page loads on a cold visit (HTML, CSS, scripts,
  fonts, images) is at most 500 KB at desktop and phone width, and the full Font Awesome fonts are
  never needed (the book ships a subset with the icons it shows).

In CI (CI=true) a missing browser is a failure, not a skip.
"""

import gzip
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from test_browser import ARGS, CHROMIUM, PAGES, SITE, _ids, _require

MAX_GZIP_BYTES = 500_000
WIDTHS = {
    "desktop": dict(viewport={"width": 1366, "height": 900}),
    "phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True),
}


@pytest.fixture(scope="module")
def chromium():
    _require()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("page_path", PAGES, ids=_ids(PAGES))
def test_no_serious_accessibility_violation(chromium, page_path, width):
    from axe_playwright_python.sync_playwright import Axe

    ctx = chromium.new_context(**WIDTHS[width])
    page = ctx.new_page()
    page.goto(page_path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    result = Axe().run(page)
    ctx.close()
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe-core at {width} width: {bad}"


def gzipped_size(path: Path) -> int:
    """Bytes of ``path`` after gzip (level 6, as a web server would send it)."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("page_path", PAGES, ids=_ids(PAGES))
def test_page_weight(chromium, page_path, width):
    ctx = chromium.new_context(**WIDTHS[width])
    page = ctx.new_page()
    loaded: set[Path] = set()
    page.on(
        "requestfinished",
        lambda r: (
            loaded.add(Path(unquote(urlparse(r.url).path))) if r.url.startswith("file:") else None
        ),
    )
    page.goto(page_path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    ctx.close()
    files = {p for p in loaded if p.is_file()} | {page_path}
    sizes = {
        str(p.relative_to(SITE)) if SITE in p.parents else str(p): gzipped_size(p) for p in files
    }
    total = sum(sizes.values())
    heaviest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    assert total <= MAX_GZIP_BYTES, (
        f"{total:,} gzipped bytes (limit {MAX_GZIP_BYTES:,}); heaviest: {heaviest}"
    )
    assert len(files) > 5, "too few files seen: the request log is not working"
    full_fonts = [k for k in sizes if "vendor/fontawesome" in k]
    assert not full_fonts, (
        f"the icon subset lacks a glyph this page shows, so the full font was loaded: {full_fonts}"
    )


def test_gzipped_size_counts_compressed_bytes(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("a" * 100_000)
    assert 0 < gzipped_size(f) < 1_000
    assert os.path.getsize(f) == 100_000
