"""The claims page's rival-explanations column is computed from the rival comparison's summary."""

from jakpersist.book import registry

SUMMARY = {
    "models": {"H0": {}, "R1": {}, "R2": {}, "R3": {}},
    "observations": [
        {"id": "C1 persistence", "claim": "C1"},
        {"id": "C1 cross-persistence", "claim": "C1"},
        {"id": "C5 in vivo", "claim": "C5"},
    ],
    "by_observation": {
        "C1 persistence": {"rules_out": ["R3"], "cannot_tell_apart": ["H0", "R1", "R2"]},
        "C1 cross-persistence": {"rules_out": ["R1"], "cannot_tell_apart": ["H0", "R2", "R3"]},
        "C5 in vivo": {"rules_out": ["H0", "R1", "R2", "R3"], "cannot_tell_apart": []},
    },
    "rule_out_below": 0.05,
}


def test_a_rival_ruled_out_by_any_observation_of_the_claim_is_ruled_out_by_the_claim():
    assert registry.rivals_verdict("C1", SUMMARY) == (
        "rules out R1, R3 (C1 persistence, C1 cross-persistence); cannot tell from R2"
    )


def test_h0_ruled_out_is_said_and_missing_data_gives_nothing():
    assert registry.rivals_verdict("C5", SUMMARY).startswith("rules out R1-R3 (C5 in vivo); and H0")
    assert registry.rivals_verdict("C7", SUMMARY) == ""
    assert registry.rivals_verdict("C1", None) == ""


def test_a_rival_that_fails_by_construction_is_said_so_and_the_illustration_tier_is_set_apart():
    s = {
        "models": {"H0": {}, "R1": {}, "R2": {}, "R3": {}, "R4": {}},
        "observations": [
            {"id": "C4 JAK2 changes", "claim": "C4", "tier": "nature2012"},
            {"id": "C5 in vivo", "claim": "C5", "tier": "illustration", "tier_label": "in vivo"},
        ],
        "by_observation": {
            "C4 JAK2 changes": {"rules_out": ["R2", "R3", "R4"], "cannot_tell_apart": ["H0", "R1"]},
            "C5 in vivo": {"rules_out": ["R1"], "cannot_tell_apart": ["H0", "R2", "R3", "R4"]},
        },
        "by_construction": {"C4 JAK2 changes": {m: ["JAK2 level"] for m in ("R2", "R3", "R4")}},
    }
    assert registry.rivals_verdict("C4", s) == (
        "rules out R2-R4 by construction (C4 JAK2 changes: they hold the JAK2 level fixed by "
        "definition); cannot tell from R1"
    )
    c5 = registry.rivals_verdict("C5", s)
    assert c5.startswith("in vivo, not evidence") and "rules out R1 (C5 in vivo)" in c5
    assert registry.model_span(["R1", "R2", "R4", "R5", "R6"]) == "R1, R2, R4-R6"


def test_the_claims_page_has_the_column_when_the_summary_is_shipped():
    page = registry.render_page(registry.load())
    if registry.RIVALS_SUMMARY.is_file():
        assert "rival explanations" in page and "cannot tell from" in page
