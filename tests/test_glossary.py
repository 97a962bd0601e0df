"""Words a biologist reads: every technical term used five times or more in the prose of the built
site is in the glossary, and every glossary term is linked to its entry where it is first used on
each page."""

import importlib.util
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"

pytestmark = pytest.mark.skipif(
    not (SITE / "index.html").is_file(), reason="site not built: run `make book`"
)

_spec = importlib.util.spec_from_file_location(
    "jakbook_sphinx", ROOT / "book" / "_ext" / "jakbook_sphinx.py"
)
EXT = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(EXT)

#: The book's technical vocabulary (the reader review's list and the terms a wet-lab reader asks
#: about): glossary term -> forms counted as a use. Counted in prose only (no code, headings or raw
#: tables).
VOCABULARY = {
    "Sobol' index": ("Sobol'",),
    "plausible space": ("plausible space", "plausible range"),
    "atlas": ("atlas",),
    "stand-in": ("stand-in",),
    "adaptation state": ("adaptation state",),
    "bypass": ("bypass",),
    "HSP90": ("HSP90",),
    "margin": ("margin",),
    "DIP rate": ("DIP rate",),
    "belief budget": ("belief budget",),
    "tipping point": ("tipping point",),
    "shRNA": ("shRNA",),
    "illustration": ("illustration",),
    "read-out": ("read-out",),
    "fold shift": ("fold shift",),
    "provenance": ("provenance",),
    "demonstration": ("demonstration",),
    "vehicle": ("vehicle",),
    "GDSC": ("GDSC",),
    "heterodimer": ("heterodimer", "homodimer"),
    "selection drug": ("selection drug",),
    "myeloproliferative neoplasm": ("myeloproliferative neoplasm",),
    "in trans": ("in trans",),
    "chronic dose": ("chronic dose",),
    "Spearman's rank correlation": ("Spearman",),
    "GR50": ("GR value", "GR50"),
    "cross-persistence": ("cross-persistence",),
    "NES": ("GSEA", "NES"),
    "relative viability": ("relative viability",),
    "splenomegaly": ("splenomegaly",),
    "seed": ("seed",),
    "clone": ("clone",),
    "counterfactual": ("counterfactual",),
    "knock-down": ("knock-down",),
    "GI50": ("GI50",),
    "verdict": ("verdict",),
    "persistence": ("persistence",),
    "rule": ("rule",),
    "parameter": ("parameter",),
    "papermill": ("papermill",),
}
SKIP = (
    "pre, code, script, style, h1, h2, h3, h4, h5, h6, figcaption, caption, .sd-badge, "
    ".admonition-title, "
    ".output.text_html, .math, .cell_input, .toggle-button, summary, strong, .rubric"
)
PAGES = sorted(
    p
    for p in SITE.rglob("*.html")
    if not {"_static", "_sources", "_downloads", "_images"} & set(p.relative_to(SITE).parts)
    and p.stem not in ("glossary", "references", "genindex", "search", "index")
)


def _uses(form: str) -> re.Pattern:
    return re.compile(
        rf"(?<![\w\-]){re.escape(form).replace(chr(39), '[’' + chr(39) + ']')}(?:s|es)?(?![\w\-])",
        re.I,
    )


def _article(page: Path) -> BeautifulSoup:
    art = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
        "article.bd-article"
    )
    assert art is not None, page
    return art


def _glossary_terms() -> dict[str, str]:
    soup = BeautifulSoup(
        (SITE / "book" / "glossary.html").read_text(encoding="utf-8"), "html.parser"
    )
    for a in soup.select("dt a.headerlink"):
        a.decompose()
    return {
        " ".join(dt.get_text(" ").split()).replace("’", "'"): dt["id"]
        for dt in soup.select("dl.glossary dt[id]")
    }


def test_every_term_used_five_times_is_in_the_glossary():
    counts = dict.fromkeys(VOCABULARY, 0)
    for page in PAGES:
        art = _article(page)
        for t in art.select(SKIP):
            t.decompose()
        text = " ".join(art.get_text(" ").split())
        for term, forms in VOCABULARY.items():
            counts[term] += sum(len(_uses(f).findall(text)) for f in forms)
    glossary = _glossary_terms()
    frequent = {t: n for t, n in counts.items() if n >= 5}
    assert len(frequent) >= 20, (
        f"the count found too few uses: {counts}"
    )  # the counter itself works
    missing = {t: n for t, n in frequent.items() if t not in glossary}
    assert not missing, f"used five times or more but not in the glossary: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(SITE)) for p in PAGES])
def test_glossary_terms_are_linked_at_first_use(page):
    glossary = _glossary_terms()
    art = _article(page)
    for t in art.select(SKIP):
        t.decompose()
    forms = {}
    for term in glossary:
        key = term.lower()
        for f in (term, term + "s", *EXT.TERM_FORMS.get(key, ())):
            forms[f.lower()] = term
    pattern = re.compile(
        r"(?<![\w\-])("
        + "|".join(re.escape(f).replace("'", "['’]") for f in sorted(forms, key=len, reverse=True))
        + r")(?![\w\-])",
        re.I,
    )
    seen, unlinked = set(), []
    for s in art.find_all(string=True):
        link = s.find_parent("a")
        href = link.get("href", "") if link else ""
        if "glossary.html#term-" in href or href.startswith("#term-"):
            anchor = href.partition("#")[2]
            seen.update(t for t, a in glossary.items() if a == anchor)
            continue
        if link is not None:
            continue
        for m in pattern.finditer(str(s)):
            term = forms[m.group(1).lower().replace("’", "'")]
            if str(s)[m.end() :].lower().startswith(EXT.NOT_THE_TERM.get(term.lower(), ())):
                continue  # the word in another sense ("rule out"), which the book leaves unlinked
            if term not in seen:
                unlinked.append(term)
                seen.add(term)
    assert not unlinked, f"first use not linked to the glossary: {unlinked}"
