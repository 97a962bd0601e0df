"""The claims registry: every statement part tagged with a source, rules worded by their code, metrics labelled."""
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


@pytest.mark.parametrize("change, message", [
    ({"rule": "NoSuchRule"}, "is not a rule class"),
    ({"sources": [{"text": "x", "source": "the internet"}]}, "each item of 'sources'"),
    ({"origin": "elsewhere"}, "origin must be one of"),
    ({"function": "c2_heterodimers.evaluate"}, "registers 'c1_persistence.evaluate'"),
])
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


def test_built_in_tags_are_exactly_the_conditions_the_atlas_shows_cannot_fail():
    """A rule condition that fails nowhere in the shipped atlas (data/atlas) must be tagged "built into this
    model" in notebooks/claims.yml with a reason, and a tagged condition must indeed fail nowhere."""
    from jakpersist.book import budget

    s = budget.load_summary()
    assert s is not None and all("conditions" in r for r in s["claims"].values()), "run `make atlas`"
    computed = budget.built_in_conditions(s)
    for c in registry.load():
        if c.id not in s["claims"]:
            assert not c.built_in, f"{c.id} is not in the atlas: nothing can be shown built in"
            continue
        conds = s["claims"][c.id]["conditions"]
        unknown = set(c.built_in) - set(conds)
        assert not unknown, f"{c.id}: built_in names no condition of its rule: {unknown}"
        assert set(c.built_in) == set(computed.get(c.id, [])), (
            f"{c.id}: tagged {sorted(c.built_in)} but the atlas shows {sorted(computed.get(c.id, []))} cannot fail")
        assert all(len(reason) > 20 for reason in c.built_in.values()), f"{c.id}: give each tag a one-line reason"


def test_built_in_conditions_appear_on_the_chapter_and_the_claims_page():
    claims = [c for c in registry.load() if c.built_in]
    page = registry.render_page(registry.load())
    for c in claims:
        box = registry.claim_box(c)
        for name, reason in c.built_in.items():
            assert "built into this model" in box and name in box and reason in box
            assert f"`{name}`: {reason}" in page
