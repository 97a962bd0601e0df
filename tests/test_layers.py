"""The package's layers: a lower layer never imports a higher one (read from the source, not from
sys.modules).

model  <  assays  <  claims  <  atlas, rivals  <  book
analysis, loaders  <  claims        (analysis and loaders never know the model exists)
testing: reference implementations for tests and benchmarks; it may import any layer, and no
module of the package imports it (as numpy.testing)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "jakpersist"

#: layer -> the layers it may import (besides itself)
ALLOWED = {
    "model": set(),
    "analysis": set(),
    "loaders": {"analysis"},
    "assays": {"model"},
    "claims": {"model", "assays", "analysis", "loaders"},
    "atlas": {"model", "assays", "analysis", "loaders", "claims"},
    "rivals": {"model", "assays", "analysis", "loaders", "claims", "atlas"},
    "book": {"model", "assays", "analysis", "loaders", "claims", "atlas", "rivals"},
    "testing": {"model", "assays", "analysis", "loaders", "claims", "atlas", "rivals", "book"},
}


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "jakpersist" and parts[1] in ALLOWED else None


def _imports(path: Path) -> list[tuple[int, str]]:
    rel = path.relative_to(PKG.parent).with_suffix("")
    package = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
                names = [mod] if node.module else [f"{mod}.{a.name}" for a in node.names]
            else:
                names = [node.module or ""]
            out += [(node.lineno, n) for n in names]
    return out


SOURCES = sorted(
    p for p in PKG.rglob("*.py") if _layer_of(".".join(p.relative_to(PKG.parent).parts))
)


def test_every_module_sits_in_a_layer():
    loose = [p.name for p in PKG.glob("*.py") if p.name != "__init__.py"]
    assert not loose, f"modules outside a layer folder: {loose}"


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PKG)) for p in SOURCES])
def test_lower_layers_never_import_higher_ones(path):
    own = _layer_of(".".join(path.relative_to(PKG.parent).with_suffix("").parts))
    bad = [
        f"line {ln}: {mod}"
        for ln, mod in _imports(path)
        if (lay := _layer_of(mod)) and lay != own and lay not in ALLOWED[own]
    ]
    assert not bad, f"{path.relative_to(PKG)} ({own}) imports a higher layer: {bad}"


def test_nothing_in_the_package_imports_its_testing_references():
    """jakpersist.testing (the per-point reference of the fast mode) serves tests and benchmarks
    only: the package never runs it."""
    users = [
        f"{p.relative_to(PKG)} line {ln}"
        for p in PKG.rglob("*.py")
        if "testing" not in p.relative_to(PKG).parts
        for ln, mod in _imports(p)
        if mod == "jakpersist.testing" or mod.startswith("jakpersist.testing.")
    ]
    assert SOURCES and not users, users


def test_no_import_cycle_at_import_time():
    """Modules import each other in one direction only (tools/structure.py prints the graph and the
    cycles, including imports deferred into functions)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "structure", PKG.parent / "tools" / "structure.py"
    )
    structure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(structure)
    edges, _ = structure.graph(top_level=True)
    assert structure.cycles(edges) == []


def test_no_import_cycle_even_through_imports_inside_functions():
    """A deferred import (inside a function) that closes a cycle is a cycle all the same: the two
    modules cannot be understood, tested or moved apart (tools/structure.py counts them)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "structure", PKG.parent / "tools" / "structure.py"
    )
    structure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(structure)
    edges, _ = structure.graph(top_level=False)
    assert structure.cycles(edges) == []
