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
    return found


def test_no_test_uses_a_private_name_of_the_package():
    found = [f for p in sorted((ROOT / "tests").glob("*.py")) for f in _private_uses(p)]
    assert not found, "tests reach into private names (test the public API):\n" + "\n".join(found)
