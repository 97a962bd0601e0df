"""The code style the project keeps: ruff, configured in pyproject.toml (pyflakes, bugbear,
complexity, naming), and tests that use the public API only."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed (make install pins it)")
def test_ruff_is_clean():
    r = subprocess.run(
        [RUFF, "check", "--no-cache", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout[-3000:]


def _private_uses(path: Path) -> list[str]:
    """``from jakpersist... import _name`` and ``module._name`` where ``module`` came from the
    package."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(
                a.asname or a.name.split(".")[0]
                for a in node.names
                if a.name.startswith("jakpersist")
            )
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jakpersist"):
            for a in node.names:
                if a.name.startswith("_") and not a.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno}: imports {a.name}")
                modules.add(a.asname or a.name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append(f"{path.name}:{node.lineno}: uses {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Call) and _is_setattr(node):
            found += _string_private(path, node, modules)
    return found


def _is_setattr(node) -> bool:
    """``monkeypatch.setattr(...)``, ``mp.setattr(...)``, ``setattr(...)`` and the like."""
    import ast

    f = node.func
    return (isinstance(f, ast.Attribute) and f.attr in ("setattr", "delattr")) or (
        isinstance(f, ast.Name) and f.id in ("setattr", "delattr", "getattr")
    )


def _string_private(path: Path, node, modules: set[str]) -> list[str]:
    """A private name reached by string: ``setattr(module, "_name", ...)`` on a package module, or
    ``monkeypatch.setattr("jakpersist.x._name", ...)``."""
    import ast

    args = node.args
    strings = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    out = []
    dotted = [x for x in strings if x.startswith("jakpersist.")]
    for x in dotted:
        if any(p.startswith("_") and not p.startswith("__") for p in x.split(".")):
            out.append(f"{path.name}:{node.lineno}: reaches {x} by string")
    if (
        len(args) >= 2
        and isinstance(args[0], ast.Name)
        and args[0].id in modules
        and isinstance(args[1], ast.Constant)
        and isinstance(args[1].value, str)
        and args[1].value.startswith("_")
        and not args[1].value.startswith("__")
    ):
        out.append(f"{path.name}:{node.lineno}: reaches {args[0].id}.{args[1].value} by string")
    return out


def test_the_private_name_check_sees_names_given_as_strings(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "from jakpersist.atlas import run\n"
        "def test_x(monkeypatch):\n"
        "    monkeypatch.setattr(run, '_chunk_task', None)\n"
        "    monkeypatch.setattr('jakpersist.atlas.run._chunk_task', None)\n"
        "    monkeypatch.setattr(run, 'evaluate_rows', None)\n"
        "    monkeypatch.setattr(run.code_version, '__defaults__', ())\n",
        encoding="utf-8",
    )
    found = _private_uses(sample)
    assert [f.split(": ", 1)[1] for f in found] == [
        "reaches run._chunk_task by string",
        "reaches jakpersist.atlas.run._chunk_task by string",
    ]


def test_no_test_uses_a_private_name_of_the_package():
    found = [f for p in sorted((ROOT / "tests").glob("*.py")) for f in _private_uses(p)]
    assert not found, "tests reach into private names (test the public API):\n" + "\n".join(found)
