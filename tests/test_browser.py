"""The built site in a real browser (headless Debian chromium driven by Playwright).

Every page: no JavaScript error, no broken image, no broken internal link, no empty glued value, every
figure with alt text or a caption; the claims page lists every claim with its verdict. Screenshots at desktop
and phone widths go to _build/screenshots/. In CI (CI=true) a missing browser is a failure, not a skip.
"""
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from jakpersist.book import registry

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
PAGES = sorted(p for p in SITE.rglob("*.html")
               if not {"_static", "_sources", "_downloads", "_images"} & set(p.relative_to(SITE).parts))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _require():
    if not (SITE / "index.html").is_file():
        pytest.fail("site not built: run `make book` first") if os.environ.get("CI") else pytest.skip("no site")
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


@pytest.mark.parametrize("page_path", PAGES, ids=_ids(PAGES))
def test_page_in_browser(browser, page_path):
    errors = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.goto(page_path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    assert not errors, errors

    broken = page.eval_on_selector_all("img", "els => els.filter(i => !i.complete || i.naturalWidth === 0)"
                                       ".map(i => i.getAttribute('src'))")
    assert not broken, f"broken images: {broken}"

    here = Path(unquote(urlparse(page.url).path)).parent  # after any redirect (index.html -> intro)
    for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))"):
        parsed = urlparse(href)
        if parsed.scheme or href.startswith(("#", "mailto:")) or not parsed.path:
            continue
        target = (here / unquote(parsed.path)).resolve()
        assert target.exists(), f"broken internal link {href} on {page_path.relative_to(SITE)}"

    empty = page.eval_on_selector_all(".pasted-text, .pasted-inline", "els => els.filter(e => !e.textContent.trim())"
                                      ".length")
    assert empty == 0, "an empty glued value"

    unlabelled = page.eval_on_selector_all(
        "article img", "els => els.filter(i => !(i.getAttribute('alt') || '').trim() && !i.closest('figure')"
        "?.querySelector('figcaption')).map(i => i.getAttribute('src'))")
    assert not unlabelled, f"figures without alt text or caption: {unlabelled}"

    SHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9]+", "_", str(page_path.relative_to(SITE)).removesuffix(".html"))
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=False)
    page.close()
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone.goto(page_path.as_uri(), wait_until="load")
    phone.wait_for_timeout(200)
    phone.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=False)
    phone.close()


def test_claims_page_lists_every_claim_with_its_verdict(browser):
    page = browser.new_page()
    page.goto((SITE / "book" / "claims.html").as_uri())
    text = page.inner_text("article")
    for c in registry.load():
        verdict = registry.glued_values(c.executed)[c.verdict + "_text"]
        assert re.search(rf"\n{re.escape(c.id)}\s*\n.*?Verdict of the default run:\s*{re.escape(verdict)}", text, re.S), c.id
    page.close()


def test_math_renders_without_network(browser):
    page = browser.new_page()
    page.route(re.compile(r"^https?://"), lambda route: route.abort())  # no network at all
    page.goto((SITE / "book" / "model.html").as_uri())
    page.wait_for_selector("mjx-container", timeout=15000)
    assert page.locator("mjx-container").count() >= 5
    page.close()
