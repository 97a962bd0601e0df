"""The README a newcomer starts from: its first calls run as shown, and its "Where things live"
table names files and folders that exist."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: Made by `make book` or a download, not in git (a fresh clone has none of them).
GENERATED = ("data/cache", "_build", "book/chapters", "book/generated", "book/student")
FILE = re.compile(r"^[\w./*<>-]+\.(py|md|yml|yaml|toml|bib|json|csv|txt|sh|lock)$")


def _section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def test_first_calls_from_python_run_as_shown():
    block = re.search(r"```python\n(.*?)```", _section("From Python"), re.DOTALL).group(1)
    test = doctest.DocTestParser().get_doctest(block, {}, "README: From Python", "README.md", 0)
    assert len(test.examples) >= 3
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0


def _paths(cell: str) -> list[str]:
    return [
        t
        for t in re.findall(r"`([^`]+)`", cell)
        if " " not in t and "(" not in t and "=" not in t and ("/" in t or FILE.match(t))
    ]


def test_where_things_live_names_files_that_exist():
    rows = [
        r
        for r in _section("Where things live").splitlines()
        if r.startswith("| ") and "---" not in r
    ]
    missing = []
    for row in rows[1:]:  # the header row names the columns
        where = row.strip().strip("|").split(" | ")[-1]
        tokens = _paths(where)
        folders = [ROOT / t for t in tokens if t.endswith("/")] + [ROOT]
        for t in tokens:
            if t.startswith(GENERATED):
                continue
            if "<" in t or "*" in t:
                found = any(ROOT.glob(re.sub(r"<[^>]+>", "*", t)))
            elif "/" in t:
                found = (ROOT / t).exists()
            else:  # a file named inside a folder of the same cell
                found = any((f / t).exists() for f in folders) or any(
                    (ROOT / "jakpersist").glob(f"**/{t}")
                )
            if not found:
                missing.append(t)
    assert not missing, f"README 'Where things live' names paths that do not exist: {missing}"
