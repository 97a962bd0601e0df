"""The instructor guide's shell commands run as written from a fresh clone.

Every ```bash block of ``book/instructor.md`` is read line by line: each ``jakbook <subcommand>
[<action>]`` names a subcommand whose ``--help`` lists every flag the line uses; each file the
commands name (scripts, the Makefile's targets) exists; Python is the project's environment
(``.venv/bin/python`` or a venv made on the page), never a bare ``python`` of the system; a loop
that changes folder uses absolute paths.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "book" / "instructor.md"


def _blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def _lines() -> list[str]:
    out = []
    for block in _blocks(GUIDE.read_text(encoding="utf-8")):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def test_the_guide_has_commands():
    lines = _lines()
    assert any("jakbook grades grade" in x for x in lines)
    assert any("jakbook grades answers" in x for x in lines)


def test_python_is_the_projects_environment():
    for line in _lines():
        for m in re.finditer(r"(?:^|[\s;(&|])(\S*python[\d.]*)\s", line):
            exe = m.group(1)
            assert (
                exe in (".venv/bin/python", "jak/bin/python")
                or re.fullmatch(r"python3\.\d+", exe)
                and "-m venv" in line
            ), f"{line!r}: {exe} is not the book's environment (use .venv/bin/python)"


def _help(words: list[str]) -> str:
    """``jakbook WORDS --help``, in this process (the command's own parser)."""
    import contextlib
    import io

    from jakpersist.book import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as e:
        cli.main([*words, "--help"])
    assert e.value.code == 0, f"jakbook {' '.join(words)} --help exits {e.value.code}"
    return out.getvalue()


def test_jakbook_subcommands_and_flags_exist():
    seen = set()
    for line in _lines():
        m = re.search(r"jakbook ([\w-]+)((?: [a-z][\w-]*)?)(.*)$", line)
        if not m:
            continue
        sub, action, rest = m.group(1), m.group(2).strip(), m.group(3)
        words = [sub, action] if sub == "grades" and action else [sub]
        flags = sorted(set(re.findall(r"(?<!\S)(--?[A-Za-z][\w-]*)", rest)))
        if (tuple(words), tuple(flags)) in seen:
            continue
        seen.add((tuple(words), tuple(flags)))
        text = _help(words)
        for f in flags:
            assert re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text), (
                f"{line!r}: jakbook {' '.join(words)} has no {f}"
            )
    assert seen


def test_named_files_and_make_targets_exist():
    targets = set(
        re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M)
    )
    for line in _lines():
        for word in (
            shlex.split(line.replace("$(", "(").replace("`", " "))
            if "'" not in line
            else line.split()
        ):
            if re.fullmatch(r"(tools|benchmarks)/[\w./-]+\.(sh|py)", word):
                assert (ROOT / word).is_file(), f"{line!r}: {word} does not exist"
        m = re.match(r"make (\w[\w-]*)", line)
        if m:
            assert m.group(1) in targets, f"{line!r}: no make target {m.group(1)}"


def test_a_loop_that_changes_folder_uses_absolute_paths():
    for block in _blocks(GUIDE.read_text(encoding="utf-8")):
        if re.search(r"\bcd\b", block):
            for var in re.findall(r'"\$(\w+)"', block.split("cd", 1)[1]):
                definition = re.search(
                    rf"^{var}=(.*)$", GUIDE.read_text(encoding="utf-8"), flags=re.M
                )
                assert definition and (
                    "$PWD" in definition.group(1) or definition.group(1).startswith("/")
                ), f"${var} is used after cd but is not an absolute path"


@pytest.mark.parametrize("where", ["book/instructor.md"])
def test_the_copy_share_is_generated_not_typed(where):
    text = (ROOT / where).read_text(encoding="utf-8")
    assert "generated/course-points.md" in text
    assert not re.search(r"copy[^.]*\b\d+%", text), "a copy share typed by hand"
