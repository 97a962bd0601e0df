"""One command: every entry point of the package is a ``jakbook`` subcommand with a ``--help``, no
module has a ``__main__`` block of its own, and the README's command list is the command's."""

from __future__ import annotations

import ast
import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from jakpersist.book import cli

ROOT = Path(__file__).resolve().parents[1]
SUBCOMMANDS = cli.subcommands()


def test_jakbook_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert e.value.code == 0 and out.startswith("usage: jakbook")
    for name in SUBCOMMANDS:
        assert re.search(rf"\b{re.escape(name)}\b", out), f"jakbook --help lacks {name}"


def test_the_installed_command_is_the_one_parser():
    (ep,) = [e for e in entry_points(group="console_scripts") if e.name == "jakbook"]
    assert ep.value == "jakpersist.book.cli:main"


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_has_help(name, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main([name, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: jakbook {name}"), out[:200]


@pytest.mark.parametrize("action", ["answers", "grade", "collect", "predictions"])
def test_grades_actions_have_help(action, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["grades", action, "--help"])
    assert e.value.code == 0 and capsys.readouterr().out.startswith(
        f"usage: jakbook grades {action}"
    )


def test_no_module_has_a_main_block_but_the_command():
    found = []
    for path in sorted((ROOT / "jakpersist").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
                found.append(str(path.relative_to(ROOT)))
    assert found == ["jakpersist/book/cli.py"], found


def test_readme_lists_the_commands_subcommands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `jakbook ([\w-]+)` \|", text, flags=re.M)
    assert listed == SUBCOMMANDS


def test_make_readme_and_docs_call_jakbook_not_python_m():
    for rel in (
        "Makefile",
        "README.md",
        "data/MANIFEST.yml",  # each file's "made by" command, shown on the site's data page
        *(str(p.relative_to(ROOT)) for p in ROOT.glob("book/*.md")),
    ):
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert not re.search(r"python -m jakpersist", text), f"{rel} calls python -m jakpersist"
