"""Page load on a slow phone connection: first contentful paint (FCP) and load time of every page of
the built site.

Not part of the test suite (timings depend on the machine; `tests/test_accessibility.py` checks the
page weight, which does not). Installs nothing. Run after `make book`:

    nice -n 10 .venv/bin/python benchmarks/page_load.py [SITE_DIR] [--repeat 2]

The site is served from a local HTTP server that gzips text files as a web host would (Python's
http.server, plus gzip when the browser accepts it). Each page is opened cold (new browser context,
empty cache) in headless Debian chromium with Chromium's own throttling through the DevTools
protocol: "Slow 4G" as the reader review used it (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip)
and the CPU slowed 4x. Printed per page: FCP and the ``load`` event in seconds (median of
``--repeat`` runs) and the bytes transferred (compressed).

To time another build (e.g. an older commit), build it in a folder of its own and pass that folder.

Runs of 2026-12-06 (one run per page, shared 2-core machine under load from other jobs, so single
pages vary by half a second or more; "before" is commit 84712a8's configuration built on the same
executed chapters):

=================================  ==========  ===========  ====================
build                              FCP median  load median  KB per page (median)
=================================  ==========  ===========  ====================
before (theme defaults)            1.94 s      6.91 s       1,013 (max 1,337)
after (icon subset, MathJax only   2.07 s      2.50 s       200 (max 425)
where there is mathematics)
=================================  ==========  ===========  ====================

Landing page before: FCP 1.78 s, load 7.99 s, 1,265 KB; after: 1.87 s, 2.16 s, 200 KB. The heaviest
page after is the model page (MathJax, 425 KB, load 5.6 s). FCP did not change measurably (the
theme's Font Awesome script was already deferred; it stays near 2 s, above 2.5 s on 2 of 21 pages in
the run under load); what a reader waited for was the load of about 1 MB of script and fonts.

Runs of 2026-12-06, later (one run per page, the machine far more loaded: load average 26-33 on 2
cores, so single pages vary by several seconds; both builds from the same executed chapters, run
back to back). "Before" keeps Sphinx's and the theme's head: 11 blocking scripts (among them the
search code and the 28 KB gzipped search index, which the theme loads on every page), 12 blocking
stylesheets and 2 script preloads. "After" defers every script but ``documentation_options.js``
(search code and index included, except on the search page), loads the copy-button, exercise and
live-code stylesheets without blocking, and drops the preloads: 1 blocking script, 9 stylesheets.

=================================  ==========  ===========  ===========  ====================
build                              FCP median  load median  KB per page  pages with FCP > 2.5 s
=================================  ==========  ===========  ===========  ====================
before (head as the theme writes)  2.68 s      3.85 s       206          15 of 25
after (deferred head)              1.72 s      3.00 s       207          8 of 25
=================================  ==========  ===========  ===========  ====================

KB per page: the median over pages, gzipped.

Runs of 2026-12-06, third round (two runs per page, back to back on the same executed chapters and
the same pages; load average 10 at the start, 18 at the end). Of the four pages then over 2.5 s (the
two analysis chapters, C2 and H1), each also loaded its figures (up to 63 KB gzipped for one) and
every page loaded Sphinx's search code and whole search index (30 KB gzipped, over 100 KB of script
to parse under the 4x CPU slowdown), all sharing the connection and the main thread with the
stylesheets the first paint waits for. "After": figures load lazily (``loading="lazy"``, when they
near the screen), and pages other than the search page leave out the search scripts and index, which
the theme uses only for search-as-you-type (off here; the header's box sends the query to the search
page).

=================================  ==========  ===========  ===========  ====================
build                              FCP median  load median  KB per page  pages with FCP > 2.5 s
=================================  ==========  ===========  ===========  ====================
before (figures and search index)  1.52 s      2.42 s       210          2 of 25 (max 2.92 s)
after (lazy figures, no index)     1.43 s      2.15 s       171          0 of 25 (max 2.14 s)
=================================  ==========  ===========  ===========  ====================

The same back-to-back comparison on the eight pages most at risk, three runs each (load average
6-13): robustness 2.31 -> 1.65 s, rivals 2.06 -> 1.67 s, H1 2.04 -> 1.69 s, C2 1.73 -> 1.65 s;
maximum 2.31 -> 1.85 s.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import statistics
import threading
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
#: Chrome DevTools "Slow 4G" preset (bytes per second, ms)
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}
CPU_SLOWDOWN = 4
TEXT = (".html", ".css", ".js", ".svg", ".json", ".txt", ".map")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped on the fly when the browser accepts it (text types only)."""

    def log_message(self, *args):  # quiet
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            path.suffix in TEXT
            and path.is_file()
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            body = gzip.compress(path.read_bytes(), compresslevel=6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return _Body(body)
        return super().send_head()


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        d, self.data = self.data, b""
        return d

    def close(self):
        pass


def pages(site: Path) -> list[str]:
    out = []
    for p in sorted(site.rglob("*.html")):
        rel = p.relative_to(site)
        if {"_static", "_sources", "_images", "_downloads"} & set(
            rel.parts
        ) or p.stat().st_size < 2000:
            continue
        out.append(str(rel))
    return out


def measure(browser, url: str) -> tuple[float, float, int]:
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    received = []
    cdp.on("Network.loadingFinished", lambda e: received.append(e.get("encodedDataLength", 0)))
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_timeout(500)
    fcp = page.evaluate(
        "(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || NaN"
    )
    load = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0]; "
        "return n ? n.loadEventEnd : NaN; })()"
    )
    ctx.close()
    return fcp / 1000, load / 1000, int(sum(received))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument(
        "--only", nargs="*", default=None, help="time only pages whose path contains one of these"
    )
    args = ap.parse_args()
    site = Path(args.site).resolve()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(GzipHandler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for rel in pages(site):
            if args.only and not any(s in rel for s in args.only):
                continue
            runs = [measure(browser, base + rel) for _ in range(args.repeat)]
            rows.append(
                (
                    rel,
                    statistics.median(r[0] for r in runs),
                    statistics.median(r[1] for r in runs),
                    statistics.median(r[2] for r in runs),
                )
            )
        browser.close()
    server.shutdown()
    print(f"site: {site}")
    print(
        f"Slow 4G ({NETWORK['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s, {NETWORK['latency']} ms), "
        f"CPU {CPU_SLOWDOWN}x slower, phone 390 px, cold cache; median of {args.repeat}"
    )
    print(f"{'page':45s} {'FCP s':>6s} {'load s':>7s} {'KB':>7s}")
    for rel, fcp, load, kb in rows:
        print(f"{rel:45s} {fcp:6.2f} {load:7.2f} {kb / 1000:7.0f}")
    print(
        f"{'median':45s} {statistics.median(r[1] for r in rows):6.2f} "
        f"{statistics.median(r[2] for r in rows):7.2f} "
        f"{statistics.median(r[3] for r in rows) / 1000:7.0f}"
    )
    print(
        f"{'max':45s} {max(r[1] for r in rows):6.2f} {max(r[2] for r in rows):7.2f} "
        f"{max(r[3] for r in rows) / 1000:7.0f}"
    )


if __name__ == "__main__":
    main()
