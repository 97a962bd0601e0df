"""A run outside the robustness atlas's model never quotes the atlas's share or built-in tags as if
they applied: one function (`chapter.atlas_scope`) decides, and every wording (verdict sentences,
run reports) follows it."""

import json

import pytest

from jakpersist.book import chapter, cli, report
from jakpersist.claims import evaluate

OFF = [
    ({"trans_gating": 0.0}, "trans_gating=0.0 differs from the value the atlas held fixed"),
    ({"clone_start": 1e-4}, "clone_start=0.0001 differs from the value the atlas held fixed"),
    ({"hetero_advantage": 200.0}, "hetero_advantage=200.0 is outside the range the atlas sampled"),
    ({"selection_drug": "fedratinib"}, "selection_drug='fedratinib' differs"),
]


def test_default_runs_and_noise_settings_stay_inside_the_atlas():
    assert chapter.atlas_scope({}) == ""
    assert (
        chapter.atlas_scope(
            {
                "hetero_advantage": 3.0,
                "bypass": 0.25,
                "seed": 7,
                "noise_sd": 0.2,
                "n_replicates": 6,
                "data_path": "",
                "knockdown_fraction": 0.7,
            }
        )
        == ""
    )


@pytest.mark.parametrize("params, reason", OFF)
def test_off_atlas_parameters_are_named(params, reason):
    assert reason in chapter.atlas_scope(params)


def test_trans_gating_zero_does_not_quote_the_default_atlas_share():
    r = evaluate("C1", {"trans_gating": 0.0}, mode="fast")
    at_default = chapter.verdict_wording(r, {})
    assert "of the model's plausible parameter space" in at_default.sentence  # what would be quoted
    w = chapter.verdict_wording(r, {"trans_gating": 0.0})
    assert w.short == "sufficient in the model"
    assert "plausible parameter space" not in w.sentence and "%" not in w.sentence
    assert "measured for the book's default model and do not apply to this run" in w.sentence
    assert "trans_gating=0.0" in w.sentence


def test_a_resistant_subclone_run_does_not_read_holds_by_construction():
    p = {
        "clone_start": 1e-7,
        "clone_shift_ruxolitinib": 2.0,
    }  # a tiny subclone: the rule still holds
    r = evaluate("C8", p, mode="fast")
    assert r.verdict is True
    assert chapter.verdict_wording(r, {}).short == "holds by construction in this model"
    w = chapter.verdict_wording(r, p)
    assert w.short == "sufficient in the model" and "by construction" not in w.sentence
    assert "built-in tags" in w.sentence and "clone_start=1e-07" in w.sentence


def test_the_running_chapters_parameters_decide_when_none_are_given(monkeypatch):
    monkeypatch.setattr(chapter, "glue", lambda *a, **k: None)
    chapter.validate_parameters({"trans_gating": 0.0, "seed": 1})
    try:
        r = evaluate("C1", {"trans_gating": 0.0}, mode="fast")
        assert "do not apply to this run" in chapter.verdict_wording(r).sentence
    finally:
        chapter.validate_parameters({})
    assert chapter.atlas_scope() == ""


def test_a_report_outside_the_atlas_replaces_the_budget_box_and_flags_built_in_tags():
    text = "```{include} ../generated/budget/c1_persistence.md\n```\n"
    out = report.myst_to_markdown(text, {"_atlas_scope": "trans_gating=0.0 differs"})
    assert "not for this run" in out and "trans_gating=0.0 differs" in out
    card = {
        "parameters_set": {"trans_gating": 0.0},
        "parameters": {},
        "date": "d",
        "git_commit": "c",
        "glued": {"_atlas_scope": "trans_gating=0.0 differs"},
    }
    assert "Outside the robustness atlas's model" in cli.report_banner("c1_persistence", card)
    assert "Outside" not in cli.report_banner(
        "c1_persistence", {**card, "glued": {"_atlas_scope": ""}}
    )


def test_a_chapter_run_with_trans_gating_zero_says_the_atlas_does_not_apply(tmp_path):
    assert (
        cli.main(
            [
                "run",
                "c1_persistence",
                "--set",
                "trans_gating=0",
                "--set",
                "n_boot=50",
                "--out",
                str(tmp_path),
                "--label",
                "g0",
            ]
        )
        == 0
    )
    run = tmp_path / "c1_persistence-g0"
    glued = json.loads((run / "values.json").read_text())["glued"]
    assert "trans_gating=0.0" in glued["_atlas_scope"]
    assert "do not apply to this run" in glued["c1_verdict_sentence"]
    assert "plausible parameter space" not in glued["c1_verdict_sentence"]
    # the atlas's tags were found for the default model: a run outside it is not told it holds by
    # construction
    assert glued["c8_verdict_short"] == "sufficient in the model"
    assert "by construction" not in glued["c8_verdict_sentence"]
    html = (run / "report.html").read_text()
    assert "Outside the robustness atlas" in html and "not for this run" in html
