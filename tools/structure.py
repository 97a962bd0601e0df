"""Print the package's shape: lines per layer and module, the import graph between layers, and
import cycles.

Run from the project root (no dependencies beyond the standard library)::

    python tools/structure.py            # sizes, layer graph, cycles
    python tools/structure.py --modules  # also every module-to-module import edge

Exit status 1 when the package has an import cycle between modules (tests/test_layers.py asserts the
same).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "jakpersist"


def module_name(path: Path) -> str:
    """Dotted module name of a source file (``jakpersist/claims/base.py`` ->
    ``jakpersist.claims.base``)."""
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str], *, top_level: bool = False) -> set[str]:
    """The package modules a file imports (absolute or relative), resolved to known module names.

    ``top_level=True``: only imports run when the module is imported (not those inside
    functions)."""
    mod = module_name(path)
    package = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level else ast.walk(tree)
    for node in nodes:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            root = ".".join(base + ([node.module] if node.module else []))
            names = [root] + [f"{root}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != mod:
                found.add(name)
    return found


def graph(*, top_level: bool = False) -> tuple[dict[str, set[str]], dict[str, int]]:
    """Module import graph and line counts of every module of the package (``top_level``: see
    :func:`imports_of`)."""
    files = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}
    known = set(files)
    edges = {m: imports_of(p, known, top_level=top_level) for m, p in files.items()}
    lines = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in files.items()}
    return edges, lines


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(package)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", action="store_true", help="print every module-to-module edge")
    args = ap.parse_args(argv)
    edges, lines = graph()
    per_layer: dict[str, int] = defaultdict(int)
    for m, n in lines.items():
        per_layer[_layer(m)] += n
    total = sum(lines.values())
    print(f"jakpersist: {len(lines)} modules, {total} lines")
    for layer, n in sorted(per_layer.items(), key=lambda kv: -kv[1]):
        print(f"  {layer:<10} {n:>6} lines  {100 * n / total:4.1f}%")
    print("largest modules:")
    for m, n in sorted(lines.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {n:>6}  {m}")
    layer_edges: dict[str, set[str]] = defaultdict(set)
    for m, targets in edges.items():
        for t in targets:
            if _layer(t) != _layer(m):
                layer_edges[_layer(m)].add(_layer(t))
    print("layer imports (a -> what it imports):")
    for layer in sorted(per_layer):
        print(f"  {layer:<10} -> {', '.join(sorted(layer_edges.get(layer, ()))) or '-'}")
    if args.modules:
        for m in sorted(edges):
            for t in sorted(edges[m]):
                print(f"  {m} -> {t}")
    found = cycles(edges)
    at_import = cycles(graph(top_level=True)[0])
    print(
        f"import cycles: {len(found)} (counting imports inside functions), {len(at_import)} at "
        "import time"
    )
    for c in found:
        print("  " + " <-> ".join(c))
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
