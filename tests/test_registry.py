"""The claims registry: every statement part tagged with a source, rules worded by their code,
metrics labelled."""

from pathlib import Path

import pytest
import yaml

from jakpersist.book import generate, registry
from jakpersist.claims import rules

CLAIMS = registry.load()


def test_every_statement_part_has_a_known_source():
    for c in CLAIMS:
        assert c.sources, c.id
        assert all(p.source in registry.SOURCES and p.text for p in c.sources), c.id
        if c.origin == "paper":  # a claim of the paper rests on at least one of its two abstracts
            assert {p.source for p in c.sources} & {"nature2012", "ash2011"}, c.id
        else:  # the book's own checks never claim to be the paper's
            assert c.id in ("C1-T", "G1") or c.origin == "book"


def test_book_checks_are_listed_apart_from_the_papers_claims():
    assert {c.id for c in CLAIMS if c.origin == "book"} >= {"C1-T", "G1"}
    page = registry.render_page(CLAIMS)
    paper, book = page.index("## Claims of Koppikar et al."), page.index("## The book's own checks")
    assert paper < book
    assert "[C1-T]" in page[book:] and "[C1-T]" not in page[paper:book]


def test_rule_wording_comes_from_the_rule_class():
    for c in CLAIMS:
        text = getattr(rules, c.rule_name)().describe()
        assert c.rule == text
        assert text in registry.render_page(CLAIMS)


def test_c6_rule_speaks_of_percentage_points():
    text = rules.DependenceRule().describe()
    assert "20 percentage points" in text and "20%" not in text


def test_every_metric_has_a_label_and_unit():
    labels = registry.load_metrics()
    for c in CLAIMS:
        for m in c.metrics:
            assert labels[m].label and labels[m].unit and labels[m].format, m
            assert "_" not in labels[m].label, f"{m}: label looks like a key"


def test_chapter_claim_boxes_are_generated_for_every_claim():
    pages = generate.pages()
    for c in CLAIMS:
        box = pages[f"claim/{c.id}.md"]
        assert "{bdg-" in box and c.sources[0].text in box


@pytest.mark.parametrize(
    "change, message",
    [
        ({"rule": "NoSuchRule"}, "is not a rule class"),
        ({"sources": [{"text": "x", "source": "the internet"}]}, "each item of 'sources'"),
        ({"origin": "elsewhere"}, "origin must be one of"),
        ({"function": "c2_heterodimers.evaluate"}, "registers 'c1_persistence.evaluate'"),
    ],
)
def test_a_bad_registry_entry_is_named(tmp_path: Path, change, message):
    doc = yaml.safe_load(registry.REGISTRY.read_text(encoding="utf-8"))
    doc["claims"][0].update(change)
    bad = tmp_path / "claims.yml"
    bad.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(registry.RegistryError, match=message) as err:
        registry.load(bad)
    assert "C1" in str(err.value)


def test_a_metric_without_a_label_is_named(tmp_path: Path):
    doc = yaml.safe_load(registry.REGISTRY.read_text(encoding="utf-8"))
    del doc["metrics"]["c1_min_fold"]
    bad = tmp_path / "claims.yml"
    bad.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(registry.RegistryError, match="c1_min_fold"):
        registry.load(bad)


def test_built_in_tags_are_exactly_the_conditions_the_search_never_sees_fail():
    """A rule condition that fails nowhere (the shipped atlas's points, corners of the plausible box
    and seeded random draws, all through the vectorised engine) must be tagged "built into this
    model" in notebooks/claims.yml with a reason, and a tagged condition must fail at none of those
    points."""
    from jakpersist.book import budget, builtin

    s = budget.load_summary()
    assert s is not None and all("conditions" in r for r in s["claims"].values()), (
        "run `make atlas`"
    )
    problems = builtin.tag_problems(registry.load(), s)
    assert not problems, "\n".join(problems)


def test_the_tag_check_fails_when_a_tag_is_removed_or_a_tagged_condition_fails_somewhere():
    from dataclasses import replace

    from jakpersist.book import budget, builtin

    s = budget.load_summary()
    claims = registry.load()
    c8 = next(c for c in claims if c.id == "C8")
    untagged = [replace(c, built_in={}) if c.id == "C8" else c for c in claims]
    assert any("C8: `allele_cells` never fails" in p for p in builtin.tag_problems(untagged, s))
    # C6's knock-down condition holds at every atlas point but fails at corners the search finds
    assert s["claims"]["C6"]["conditions"]["pstat5_ratio"]["fails"] == 0
    tagged = [
        replace(c, built_in={"pstat5_ratio": "pSTAT5 is proportional to JAK2 in this model"})
        if c.id == "C6"
        else c
        for c in claims
    ]
    problems = builtin.tag_problems(tagged, s)
    assert any(
        p.startswith("C6: `pstat5_ratio` is tagged built in but Computed: it failed at")
        and "knockdown_fraction=" in p
        for p in problems
    ), problems
    assert c8.built_in and not builtin.tag_problems(claims, s)


def test_the_search_covers_the_atlas_the_corners_and_random_draws():
    from jakpersist.book import builtin

    found, counts = builtin.search()
    assert counts == {
        "atlas": 256,
        "corners": 2 + 2 * 24 + builtin.N_RANDOM_CORNERS,
        "random": builtin.N_RANDOM,
    }
    c6 = found[
        ("C6", "pstat5_ratio")
    ]  # a corner of weak knock-down, strong bypass and no JAK2 rise
    assert c6.n_failed > 0 and not c6.at_least and c6.closest_value > c6.threshold
    assert c6.closest_value == pytest.approx(0.538, abs=0.001)
    assert (
        c6.closest["knockdown_fraction"] == 0.6
        and c6.closest["bypass"] == 0.3
        and c6.closest["jak2_max"] == 1.0
    )
    c8 = found[("C8", "allele_cells")]
    assert c8.never_fails and c8.n_points == sum(counts.values()) and c8.hi == 0.0
    assert "held at all 6,306 points searched" in builtin.range_text("C8", "allele_cells")


def test_built_in_conditions_appear_on_the_chapter_and_the_claims_page():
    claims = [c for c in registry.load() if c.built_in]
    page = registry.render_page(registry.load())
    for c in claims:
        box = registry.claim_box(c)
        for name, reason in c.built_in.items():
            assert "built into this model" in box and name in box and reason in box
            assert f"`{name}`: {reason}" in page
