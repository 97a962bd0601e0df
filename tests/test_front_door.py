"""The package's front door: ``import jakpersist as jp`` gives the calls a reader needs, cheaply,
with the conventions the public API keeps (scanpy's rule: at most 3 positional parameters; the rest
by keyword)."""

from __future__ import annotations

import doctest
import inspect
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
