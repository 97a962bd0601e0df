"""The package's front door: ``import jakpersist as jp`` gives the calls a reader needs, cheaply,
with the conventions the public API keeps (scanpy's rule: at most 3 positional parameters; the rest
by keyword)."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import jakpersist as jp
from jakpersist.claims import wording

FRONT_DOOR = [
    n for n in jp.__all__ if callable(getattr(jp, n)) and not isinstance(getattr(jp, n), type)
]


def test_import_is_cheap_and_names_load_on_first_use():
    code = (
        "import sys, jakpersist as jp; heavy = [m for m in ('jakpersist.claims', "
        "'jakpersist.loaders.readers',"
        " 'jakpersist.analysis.doseresponse') if m in sys.modules]; print(heavy); jp.evaluate;"
        " print('jakpersist.claims' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]" and out[1] == "True"


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'fit_curvez'"):
        jp.fit_curvez  # noqa: B018


def _public_modules() -> list[str]:
    """Every module of the package without a leading underscore in any part of its name."""
    return [
        m.name
        for m in pkgutil.walk_packages(jp.__path__, "jakpersist.")
        if not any(part.startswith("_") for part in m.name.split("."))
    ]


def _positional(fn: object, method: bool) -> list[str]:
    ps = [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return ps[1:] if method and ps[:1] in (["self"], ["cls"]) else ps


def _public_callables(name: str) -> dict[str, list[str]]:
    """Public functions of module ``name`` and public methods of its public classes (defined there,
    not imported) -> their positional parameters (``self``/``cls`` left out)."""
    module = importlib.import_module(name)
    out = {}
    for attr, obj in vars(module).items():
        if attr.startswith("_") or getattr(obj, "__module__", None) != name:
            continue
        if inspect.isfunction(obj):
            out[f"{name}.{attr}"] = _positional(obj, False)
        elif inspect.isclass(obj):
            for meth, m in vars(obj).items():
                f = m.__func__ if isinstance(m, (classmethod, staticmethod)) else m
                if not meth.startswith("_") and inspect.isfunction(f):
                    out[f"{name}.{attr}.{meth}"] = _positional(f, not isinstance(m, staticmethod))
    return out


_CURVE = (
    "a curve formula f(x, *params): scipy.optimize's convention (curve_fit, least_squares), "
    "whose callers pass a fitted parameter vector positionally"
)
#: Public functions that keep more than 3 positional parameters, each with its reason.
POSITIONAL_EXCEPTIONS: dict[str, str] = {
    **{
        f"jakpersist.analysis.doseresponse.curves.{f}": _CURVE
        for f in ("ll4", "ll3", "brain_cousens", "cedergreen")
    },
    "jakpersist.analysis.growth.gr_curve": _CURVE,
}
PUBLIC = {k: v for m in _public_modules() for k, v in _public_callables(m).items()}


def test_every_public_function_takes_at_most_three_positional_parameters():
    """scanpy's rule over the whole public API (every public function and method of every public
    module): at most 3 positional parameters, the rest keyword-only (``*``) after the data; the
    exceptions are named, each with its reason, and an exception no longer needed fails too."""
    over = {k: v for k, v in PUBLIC.items() if len(v) > 3}
    unexpected = sorted(
        f"{k}({', '.join(v)})" for k, v in over.items() if k not in POSITIONAL_EXCEPTIONS
    )
    assert not unexpected, "pass everything after the data by keyword (add `*`):\n" + "\n".join(
        unexpected
    )
    stale = sorted(set(POSITIONAL_EXCEPTIONS) - set(over))
    assert not stale, f"exceptions no longer needed (remove them): {stale}"
    assert len(PUBLIC) > 400


@pytest.mark.parametrize("name", FRONT_DOOR)
def test_at_most_three_positional_parameters(name):
    sig = inspect.signature(getattr(jp, name))
    positional = [
        p for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    assert len(positional) <= 3, f"jp.{name}{sig}: pass everything after the data by keyword"


@pytest.mark.parametrize("name", FRONT_DOOR)
def test_documented(name):
    doc = inspect.getdoc(getattr(jp, name)) or ""
    assert len(doc.split()) >= 10, f"jp.{name} has no docstring worth the name"


@pytest.mark.parametrize("module", [jp, wording], ids=lambda m: m.__name__)
def test_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("name", FRONT_DOOR)
def test_numpydoc_sections_and_examples_that_run(name):
    obj = getattr(jp, name)
    doc = inspect.getdoc(obj) or ""
    for section in ("Parameters", "Returns", "Raises", "Examples"):
        assert f"\n{section}\n{'-' * len(section)}\n" in doc, f"jp.{name}: no '{section}' section"
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = finder.find(obj, name, globs={})
    for t in tests:
        runner.run(t)
    assert sum(len(t.examples) for t in tests) > 0 and runner.failures == 0, (
        f"jp.{name}: examples fail"
    )
