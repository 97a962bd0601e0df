"""Local Sphinx tweaks for the book.

- Sphinx 7.4 writes every inline script added with ``add_js_file(None, body=...)`` twice (fixed
  upstream in Sphinx 8.2), which makes browsers report "Identifier ... has already been declared".
  Passing "" instead of None as the file name writes it once.
- A footer on every page naming the book's version, the git commit and the build date (falls back to
  "unknown commit" outside a git checkout; ``SOURCE_DATE_EPOCH`` fixes the date for reproducible
  builds).
- Glossary terms are linked at their first use on every page (:func:`link_terms`), so that a
  biologist can look up each of the book's terms wherever they first meet it; pages keep their own
  ``{term}`` roles.
- ``static/jakbook.js`` and ``static/jakbook.css``: click (or Enter) on any figure to see it
  enlarged; wide tables and notebook outputs scroll inside their own box on a phone instead of
  widening the page. A few lines of our own rather than a lightbox extension: the ones on PyPI
  (sphinxcontrib-images and similar) are unmaintained or pull in their own JavaScript libraries.
"""

from __future__ import annotations

import datetime as _dt
import os
import subprocess
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent / "static"


def _patch(app: Any) -> None:
    builder = getattr(app, "builder", None)
    if builder is None or not hasattr(builder, "add_js_file"):
        return
    original = builder.add_js_file

    def add_js_file(filename: str | None, priority: int = 500, **kwargs: Any) -> None:
        if filename is None and kwargs.get("body"):
            filename = ""
        original(filename, priority=priority, **kwargs)

    builder.add_js_file = add_js_file


def _git(args: list[str], cwd: str) -> str:
    """Output of a git command, or "" when git or the repository is missing."""
    try:
        out = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def build_info(srcdir: str) -> dict[str, str]:
    """Version of the ``jakpersist`` package, short commit (``+dirty`` with uncommitted changes),
    build date (UTC)."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            ver = version("jakpersist")
        except PackageNotFoundError:
            ver = "unknown"
    except ImportError:  # pragma: no cover
        ver = "unknown"
    commit = _git(["rev-parse", "--short=10", "HEAD"], srcdir) or "unknown commit"
    if commit != "unknown commit" and _git(
        ["status", "--porcelain", "--untracked-files=no"], srcdir
    ):
        commit += "+dirty"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (
        _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
        if epoch
        else _dt.datetime.now(_dt.timezone.utc)
    )
    return {"version": ver, "commit": commit, "date": when.strftime("%Y-%m-%d")}


def _footer(app: Any, config: Any) -> None:
    info = build_info(app.srcdir)
    config.html_context = {**(config.html_context or {}), "jakbook_build": info}
    text = (
        f'<p class="jakbook-build">Built from <code>jakpersist</code> {info["version"]}, commit '
        f"<code>{info['commit']}</code>, on {info['date']}.</p>"
    )
    opts = dict(config.html_theme_options or {})
    opts["extra_footer"] = (opts.get("extra_footer") or "") + text
    config.html_theme_options = opts
    static = [str(p) for p in (config.html_static_path or [])]
    if str(STATIC) not in static:
        config.html_static_path = [*static, str(STATIC)]


#: Other forms of a glossary term that count as a use of it (plurals ending in "s" are added for
#: every term).
TERM_FORMS: dict[str, tuple[str, ...]] = {
    "sobol' index": ("Sobol' indices", "Sobol'"),
    "plausible space": ("plausible range", "plausible ranges"),
    "atlas": ("robustness atlas",),
    "naive cells": (),
    "co-ip": ("co-immunoprecipitation",),
    "knock-down": ("knock-downs", "knocked down"),
    "ddct": (),
    "bootstrap": ("bootstrapped",),
    "heterodimer": ("heterodimerization", "homodimer", "homodimers"),
    "nes": ("GSEA",),
    "gr50": ("GR value", "GR values"),
    "spearman's rank correlation": ("Spearman", "Spearman's rho"),
    "in trans": (),
    "myeloproliferative neoplasm": ("myeloproliferative neoplasms",),
}
#: Docutils nodes whose text is never turned into a link: headings and box or dropdown titles, bold
#: labels, code, existing links, raw output, terms.
_NO_LINK = (
    "title",
    "literal",
    "literal_block",
    "reference",
    "raw",
    "term",
    "pending_xref",
    "caption",
    "math",
    "math_block",
    "rubric",
    "dropdown_title",
    "strong",
)
#: Words that follow a term's word when it is used in another sense (``rule`` in "rule out").
NOT_THE_TERM = {"rule": (" out",)}
_PAGES_WITHOUT_LINKS = ("book/glossary", "book/references", "genindex", "search")


def _term_pattern(terms: dict[str, tuple[str, str]]) -> Any:
    import re

    forms: dict[str, str] = {}
    for key in terms:
        for f in (key, key + "s", *TERM_FORMS.get(key, ())):
            forms[f.lower().replace("’", "'")] = key
    alts = sorted(forms, key=len, reverse=True)
    body = "|".join(re.escape(f).replace("'", "['’]") for f in alts)
    return re.compile(rf"(?<![\w\-])({body})(?![\w\-])", re.IGNORECASE), forms


def link_terms(app: Any, doctree: Any, docname: str) -> None:
    """Link the first use of every glossary term on the page to its entry (unless the page already
    links it earlier). Skips headings, code, captions, existing links and the glossary page
    itself."""
    from docutils import nodes

    if docname in _PAGES_WITHOUT_LINKS or app.builder.format != "html":
        return
    std = app.env.get_domain("std")
    terms = {
        name.lower().replace("’", "'"): (doc, anchor, name)
        for (kind, name), (doc, anchor) in std.objects.items()
        if kind == "term"
    }
    if not terms:
        return
    pattern, forms = _term_pattern(terms)
    anchors = {anchor: key for key, (doc, anchor, _) in terms.items()}
    done: set[str] = set()

    def skipped(node: Any) -> bool:
        p = node.parent
        while p is not None:
            if p.tagname in _NO_LINK or "sd-badge" in p.get("classes", ()):
                return True
            p = p.parent
        return False

    for node in list(doctree.findall(lambda n: isinstance(n, (nodes.Text, nodes.reference)))):
        if isinstance(node, nodes.reference):
            target = anchors.get(node.get("refuri", "").partition("#")[2])
            if (
                target
            ):  # the page links this term itself (a {term} role) before any use found so far
                done.add(target)
            continue
        if node.parent is None or skipped(node):
            continue
        text, pieces, pos = str(node), [], 0
        for m in pattern.finditer(text):
            key = forms.get(m.group(1).lower().replace("’", "'"))
            if key is None or key in done:
                continue
            if text[m.end() :].lower().startswith(NOT_THE_TERM.get(key, ())):
                continue  # the same word in another sense ("rule out" is not the decision rule)
            done.add(key)
            doc, anchor, name = terms[key]
            uri = app.builder.get_relative_uri(docname, doc) + "#" + anchor
            pieces += [
                nodes.Text(text[pos : m.start()]),
                nodes.reference(
                    "",
                    m.group(1),
                    internal=True,
                    refuri=uri,
                    classes=["jak-term"],
                    reftitle=f"Glossary: {name}",
                ),
            ]
            pos = m.end()
        if pieces:
            pieces.append(nodes.Text(text[pos:]))
            node.parent.replace(
                node, [p for p in pieces if not (isinstance(p, nodes.Text) and not str(p))]
            )


def _mathjax_per_page(app: Any) -> None:
    """Load MathJax only on pages that have mathematics themselves. Sphinx also counts the pages a
    page's toctree includes (``MathDomain.has_equations``), so the landing page, whose toctree holds
    every page, loaded the 264 KB (gzipped) MathJax bundle without any mathematics on it."""
    from sphinx.domains.math import MathDomain

    if getattr(MathDomain.has_equations, "_jakbook", False):
        return
    original = MathDomain.has_equations

    def has_equations(self: Any, docname: str | None = None) -> bool:
        if docname is None:
            return original(self)
        return bool(self.data["has_equations"].get(docname, False))

    has_equations._jakbook = True  # type: ignore[attr-defined]
    MathDomain.has_equations = has_equations  # type: ignore[method-assign]


#: MathJax 3 components the book's mathematics needs (TeX with the AMS package, CommonHTML output):
#: about 160 KB gzipped from the offline bundle, instead of 264 KB for the combined tex-chtml.js.
MATHJAX_COMPONENTS = ["input/tex-base", "[tex]/ams", "output/chtml"]


def _mathjax_components(app: Any, config: Any) -> None:
    """Point Sphinx at MathJax's small startup script and list the components it loads (after
    sphinx-mathjax-offline has set ``mathjax/tex-chtml.js``)."""
    if str(config.mathjax_path).endswith("mathjax/tex-chtml.js"):
        config.mathjax_path = "mathjax/startup.js"
        mj = dict(config.mathjax3_config or {})
        mj["loader"] = {**mj.get("loader", {}), "load": MATHJAX_COMPONENTS}
        tex = dict(mj.get("tex", {}))
        tex["packages"] = {"[+]": ["ams"]}
        mj["tex"] = tex
        config.mathjax3_config = mj


def _templates(app: Any, config: Any) -> None:
    """Our layout.html (drops the theme's Font Awesome script; the icons come from the theme's web
    fonts)."""
    path = str(Path(__file__).resolve().parent / "templates")
    if path not in [str(p) for p in (config.templates_path or [])]:
        config.templates_path = [path, *(config.templates_path or [])]


def _citation_list_role(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Docutils marks the bibliography ``role="list"`` although its entries are not list items
    (axe-core: aria-required-children, critical); the entries keep their own ``doc-biblioentry``
    role."""
    body = context.get("body")
    if body and 'role="list" class="citation-list"' in body:
        context["body"] = body.replace(
            '<div role="list" class="citation-list">', '<div class="citation-list">'
        )


_FA_FACES = (
    ("fa-solid-900", '"Font Awesome 6 Free"', 900),
    ("fa-regular-400", '"Font Awesome 6 Free"', 400),
    ("fa-brands-400", '"Font Awesome 6 Brands"', 400),
)


def icon_codepoints(css: str, html_pages: list[str]) -> set[int]:
    """Font Awesome code points a site needs: those of the ``fa-*`` icon classes its pages use, and
    every glyph the theme's stylesheets draw themselves (admonition, link and dropdown icons, in
    ``content:`` or in the theme's ``--pst-icon-*`` variables)."""
    import re

    by_class: dict[str, set[int]] = {}
    always: set[int] = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        cps = {
            int(c, 16) for c in re.findall(r'"\\(f[0-9a-f]{3}|e[0-9a-f]{3})"', body)
        }  # escaped: "\f05a"
        cps |= {
            ord(c) for c in re.findall("[\ue000-\uf8ff]", body)
        }  # literal (the --pst-icon-* variables)
        if not cps:
            continue
        parts = [p.strip() for p in selectors.split(",")]
        if parts and all(re.fullmatch(r"\.fa-[a-z0-9-]+:{1,2}(?:before|after)", p) for p in parts):
            for p in parts:
                by_class.setdefault(p.split(":")[0][1:], set()).update(cps)
        else:
            always |= cps
    used = {c for page in html_pages for c in re.findall(r"\bfa-[a-z0-9-]+", page)}
    return always | {cp for c in used for cp in by_class.get(c, ())}


def _subset_icon_fonts(app: Any, exc: Exception | None) -> None:
    """Replace the theme's 270 KB (gzipped) Font Awesome web fonts by subsets holding only the icons
    the site shows (a few KB; fontTools, a matplotlib dependency, does the subsetting). Written as
    ``_static/jakbook-icons.css`` with its fonts; pages load that stylesheet after the theme's, so
    its ``@font-face`` rules win."""
    if exc is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    css = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in (out / "_static" / "styles").glob("*.css")
    )
    pages = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*.html")
        if "_static" not in p.parts
    ]
    cps = icon_codepoints(css, pages)
    webfonts = out / "_static" / "vendor" / "fontawesome" / "webfonts"
    if not cps or not webfonts.is_dir():
        return
    from fontTools import subset

    rules = []
    for stem, family, weight in _FA_FACES:
        ttf = webfonts / f"{stem}.ttf"
        if not ttf.is_file():
            continue
        font = subset.load_font(str(ttf), subset.Options())
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = ["*"]
        sub = subset.Subsetter(options)
        sub.populate(unicodes=sorted(cps))
        sub.subset(font)
        subset.save_font(font, str(out / "_static" / f"jakbook-{stem}.woff"), options)
        rules.append(
            f"@font-face{{font-display:block;font-family:{family};font-style:normal;font-weight:{weight};"
            f'src:url(jakbook-{stem}.woff) format("woff")}}'
        )
    (out / "_static" / "jakbook-icons.css").write_text("\n".join(rules) + "\n", encoding="utf-8")


#: Scripts a page needs before its inline scripts run (they read ``DOCUMENTATION_OPTIONS``); every
#: other script is deferred, so that none holds up the first paint.
_KEEP_BLOCKING = ("documentation_options.js",)
#: Stylesheets for things below the first screen or unused (code-copy buttons, exercises, the
#: theme's live-code widget): loaded without blocking the first paint.
_LATE_CSS = ("copybutton.css", "sphinx-thebe.css", "exercise.css")


def _defer_assets(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """First contentful paint on a slow connection: defer every external script in the page's head
    except :data:`_KEEP_BLOCKING` (deferred scripts still run in order, after parsing, before
    ``DOMContentLoaded``, so inline settings such as ``togglebuttonSelector`` are defined first),
    and load :data:`_LATE_CSS` without blocking. The search page keeps Sphinx's own order (its index
    script calls the search code directly)."""
    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    if pagename == "search":
        return
    scripts = []
    for js in context.get("script_files", []):
        attrs = dict(getattr(js, "attributes", {}) or {})
        name = str(getattr(js, "filename", "") or "")
        if (
            isinstance(js, _JavaScript)
            and name
            and not attrs.get("body")
            and "async" not in attrs
            and "defer" not in attrs
            and not name.endswith(_KEEP_BLOCKING)
        ):
            js = _JavaScript(name, priority=js.priority, **{**attrs, "defer": "defer"})
        scripts.append(js)
    context["script_files"] = scripts
    sheets = []
    for css in context.get("css_files", []):
        name = str(getattr(css, "filename", "") or "")
        if isinstance(css, _CascadingStyleSheet) and name.split("?")[0].endswith(_LATE_CSS):
            attrs = dict(css.attributes)
            css = _CascadingStyleSheet(
                name,
                priority=css.priority,
                **{**attrs, "media": "print", "onload": "this.media='all'"},
            )
        sheets.append(css)
    context["css_files"] = sheets


def _lazy_images(app: Any, doctree: Any, docname: str) -> None:
    """Figures load when they come near the screen (``loading="lazy"``), not with the page: on a
    slow phone connection a page's figures (up to about 60 KB gzipped each) otherwise share the
    bandwidth with the stylesheets the first paint waits for. A figure on the first screen still
    loads at once."""
    from docutils import nodes

    for node in doctree.findall(nodes.image):
        node.setdefault("loading", "lazy")


def setup(app: Any) -> dict[str, Any]:
    app.connect("doctree-resolved", _lazy_images)
    app.connect("html-page-context", _defer_assets, priority=900)
    app.connect("build-finished", _subset_icon_fonts)
    app.add_css_file("jakbook-icons.css")
    app.connect("html-page-context", _citation_list_role)
    app.connect("builder-inited", _mathjax_per_page)
    app.connect("config-inited", _templates)
    app.connect("config-inited", _mathjax_components, priority=900)
    app.connect("doctree-resolved", link_terms)
    app.connect("builder-inited", _patch)
    app.connect("config-inited", _footer)
    app.add_css_file("jakbook.css")
    app.add_js_file("jakbook.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.2"}
