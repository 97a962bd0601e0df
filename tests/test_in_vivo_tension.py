"""The C0-C1 tension, computed: with the drug-agnostic escape a stronger heterodimer advantage first
restores C1 and then, inside the plausible range, flips the in-vivo illustration C0 (its spleen
condition fails)."""

import math

import pytest

from jakpersist.book import budget
from jakpersist.claims import evaluate


def test_escape_window_names_where_c0_flips_and_the_per_point_claim_agrees():
    w = budget.escape_window(trans_gating=0.0)
    assert w["lo"] < w["c0_from"] < w["c1_from"] < w["c0_to"] < w["hi"]
    assert w["spleen_top"] > 0.5  # the spleen index no longer halves at the top of the range
    below, above = (
        evaluate("C0", {"trans_gating": 0.0, "hetero_advantage": w["c0_to"] * f}, mode="fast")
        for f in (0.98, 1.02)
    )
    assert below.verdict is True and above.verdict is False
    assert [c.name for c in above.conditions if not c.passed] == ["spleen_end"]
    assert (
        evaluate(
            "C1", {"trans_gating": 0.0, "hetero_advantage": w["c0_to"] * 1.02}, mode="fast"
        ).verdict
        is True
    )


def test_with_the_drug_specific_escape_there_is_no_window():
    w = budget.escape_window(trans_gating=1.0)
    assert math.isnan(w["c1_from"]) and math.isnan(w["c0_to"])


def test_the_c0_chapter_states_the_flip_from_glued_numbers():
    from conftest import ROOT

    text = (ROOT / "notebooks/c0_in_vivo.md").read_text()
    assert (
        "{glue:text}`c0_window_c0_to:.0f`" in text
        and "budget.escape_window(trans_gating=0.0)" in text
    )
    assert "A stronger effect flips this illustration" in text


@pytest.mark.parametrize("not_run", [["C1-T", "H1"], []])
def test_the_counterfactual_table_says_which_claims_ran(not_run):
    from jakpersist.book import stability

    md = stability.markdown({"seeds": [1], "claims": {}, "not_run": not_run})
    assert "Run in this build: the counterfactuals of" in md
    assert ("Not run here: those of C1-T, H1" in md) is bool(not_run)
