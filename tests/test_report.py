"""The run report's MyST-to-Markdown pass and the notebook-side check of injected parameter
names."""

import pytest

from jakpersist.book import chapter
from jakpersist.book.execute import ROOT
from jakpersist.book.report import format_glued, myst_to_markdown


def test_glue_roles_become_formatted_text():
    values = {
        "fold": 6.6412,
        "n": 10,
        "share": 0.514,
        "dose": 1152.3,
        "v": "supported",
        "gi": float("nan"),
    }
    text = (
        "fold {glue:text}`fold:.1f`, {glue:text}`n:d` doses, {glue:text}`share:.0%`, "
        "{glue:text}`dose:,.0f` nM, {glue}`v`, cross-page "
        "{glue:text}`notebooks/c1.ipynb::fold:.2f`, "
        "{glue:text}`gi:.1f`"
    )
    assert myst_to_markdown(text, values) == (
        "fold 6.6, 10 doses, 51%, 1,152 nM, supported, cross-page 6.64, not estimable"
    )
    missing = []
    assert "[absent: no value in this run]" in myst_to_markdown(
        "{glue:text}`absent:.1f`", {}, missing=missing
    )
    assert missing == ["absent"]


def test_directives_citations_and_page_links_become_readable_markdown():
    text = (
        "```{admonition} The claim\n:class: important\nCells persist {cite}`koppikar2012`.\n```\n\n"
        "```{include} ../generated/launch/c1.md\n```\n\n"
        "See {doc}`../model` and {doc}`the rerun page <../rerun>`.\n\n"
        ":::{solution} c1-ex\n:class: dropdown\nThe answer is 42.\n:::\n"
    )
    out = myst_to_markdown(text, {})
    assert "> **The claim**" in out and "> Cells persist (Koppikar et al. 2012)." in out
    assert "include" not in out and ":class:" not in out and "{" not in out
    assert "the rerun page" in out and "(a page of the book)" in out
    assert (
        "Solution" not in out and "42" not in out
    )  # a run report is what students run: no answers in it


def test_format_glued_falls_back_to_text():
    assert format_glued("supported", ".1f") == "supported" and format_glued(True) == "True"


def test_misspelled_injected_parameter_is_refused_like_jakbook():
    ns = {
        "In": [
            "",
            "seed: int = 1  # s\nhetero_advantage: float = 20.0  # h\n",
            "# Parameters\nhetero_advatnage = 2.0\n",
            "P = chapter.validate_parameters(globals())",
        ],
        "seed": 1,
        "hetero_advantage": 20.0,
        "hetero_advatnage": 2.0,
    }
    with pytest.raises(chapter.ParameterError) as e:
        chapter.validate_parameters(ns)
    assert str(e.value) == (
        "unknown parameter(s) hetero_advatnage (did you mean hetero_advantage?); "
        "valid: seed, hetero_advantage"
    )
    ns["In"][2] = "# Parameters\nhetero_advantage = 2.0\n"
    assert chapter.validate_parameters({**ns, "hetero_advantage": 2.0})["hetero_advantage"] == 2.0
    assert chapter.validate_parameters({"seed": 3}) == {
        "seed": 3
    }  # no papermill, no check of names


def test_myst_comments_are_dropped_and_generated_boxes_inlined_when_built(tmp_path):
    gen = ROOT / "book" / "generated" / "budget" / "c1_persistence.md"
    text = (
        "% --- a comment ---\nBefore.\n\n```{include} "
        "../generated/budget/c1_persistence.md\n```\n\nAfter.\n"
    )
    out = myst_to_markdown(text, {})
    assert (
        "a comment" not in out and "Before." in out and "After." in out and "{include}" not in out
    )
    if gen.is_file():  # built by `make book` (the generated folder is not in git)
        assert "Belief budget" in out
