"""The one wording of verdicts: kinds, undefined results, and the p value of a test that decides."""

import math

import numpy as np
import pytest

from jakpersist.claims import evaluate
from jakpersist.claims.base import ClaimResult, Condition, decided
from jakpersist.claims.h1_hts007 import confound_test
from jakpersist.claims.wording import SHORT, describe_verdict


def _result(cid, kind, conds):
    return decided(cid, kind, "rule", conditions=conds)


def test_model_verdicts_never_read_supported_and_state_the_share():
    r = _result("C1", "model", [Condition("fold", 6.0, 4.0)])
    w = describe_verdict("C1", r, share=0.11)
    assert (w.kind, w.holds, w.short) == ("model", True, "sufficient in the model")
    assert (
        "11% of the model's plausible parameter space" in w.sentence
        and "supported" not in w.sentence
    )
    assert (
        describe_verdict("C1", _result("C1", "model", [Condition("fold", 2.0, 4.0)])).short
        == "not reproduced by the model"
    )
    for short in SHORT.values():
        assert short != "supported" and not short.startswith("supported")


@pytest.mark.parametrize("cid", ["C0", "C5"])
def test_in_vivo_claims_are_illustrations(cid):
    w = describe_verdict(cid, evaluate(cid, mode="fast"))
    assert w.kind == "illustration" and "not evidence about mice or patients" in w.sentence


def test_a_nan_deciding_quantity_is_undefined_not_a_failure():
    r = _result(
        "C7",
        "model",
        [Condition("ratio", float("nan"), 2.5, at_least=False), Condition("fold", 6.0, 4.0)],
    )
    assert r.verdict is False and r.undefined
    w = describe_verdict("C7", r, share=0.25)
    assert (
        w.kind == "undefined"
        and w.holds is None
        and w.outcome == "undefined"
        and "not" not in w.short
    )
    # a real failure next to an undefined condition is a failure: the rule is decided by what was
    # computed
    r2 = _result(
        "C7",
        "model",
        [Condition("ratio", float("nan"), 2.5, at_least=False), Condition("fold", 2.0, 4.0)],
    )
    assert not r2.undefined and describe_verdict("C7", r2).kind == "model"


def test_c7_with_a_strong_bypass_is_undefined_and_the_registered_flip_is_real():
    r = evaluate("C7", {"bypass": 0.6}, mode="fast")
    assert r.undefined and describe_verdict(r.claim, r).short == "undefined"
    r = evaluate("C7", {"jak2_max": 5.0, "hetero_advantage": 1.0, "partner_max": 0.2}, mode="fast")
    assert not r.undefined and r.verdict is False
    assert (
        r.metrics["c7_puh71_ratio"] > 2.5 and r.metrics["c7_inhibitor_fold"] >= 4
    )  # PU-H71 itself loses potency


def test_public_point_estimates_read_consistent_with():
    w = describe_verdict(
        "G1", _result("G1", "public-data", [Condition("pct", 1.0, 10.0, at_least=False)])
    )
    assert w.short == "consistent with public data" and "not proof" in w.sentence


def test_a_demonstration_decides_nothing():
    r = ClaimResult(
        "C1-T", None, 1.0, "demonstration", [Condition("nes", 2.0, 0.0, scale="linear")]
    )
    w = describe_verdict("C1-T", r)
    assert w.kind == "demonstration" and w.holds is None and w.outcome == "no verdict"


def test_exact_spearman_permutation_p_for_seven_lines():
    # n = 7: the p value is the share of all 5,040 orderings whose rho is at most the observed one
    rate = np.arange(7.0)
    y = np.array([6, 4, 5, 2, 3, 0, 1], float)
    rho, p = confound_test(rate, -y)
    # brute force over all 5040 orderings
    from itertools import permutations

    from scipy import stats

    rhos = np.array([stats.spearmanr(np.array(q), -y)[0] for q in permutations(rate)])
    assert math.isclose(p, float(np.mean(rhos <= rho + 1e-12)), rel_tol=1e-9)
    assert all(
        math.isnan(v) for v in confound_test(np.ones(5), np.arange(5.0))
    )  # constant rates: undefined


def test_h1_wording_states_the_p_value_from_the_test():
    r = ClaimResult(
        "H1",
        False,
        -0.1,
        "public-data",
        [
            Condition("confound_rho", -0.68, -0.5, at_least=False, scale="linear"),
            Condition("confound_p", 0.055, 0.05, at_least=False, strict=True),
        ],
    )
    w = describe_verdict("H1", r)
    assert (
        w.kind == "public-test"
        and w.short == "not shown in public data"
        and "p = 0.055" in w.sentence
    )


def test_share_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        describe_verdict("C1", _result("C1", "model", [Condition("fold", 6.0, 4.0)]), share=11.0)


# ------------------------------------------------------------------------------------------------
# undefined is stored as undefined (null / empty cell), never as False, and never counted in seed
# support
# ------------------------------------------------------------------------------------------------
def test_undefined_is_stored_as_none_everywhere_a_verdict_is_written(monkeypatch):
    from jakpersist.book import chapter, variants
    from jakpersist.claims.wording import stored_verdict

    r = evaluate("C7", {"bypass": 0.6}, mode="fast")  # the HSP90-inhibitor fold cannot be computed
    assert r.undefined and stored_verdict(r) is None
    assert stored_verdict(evaluate("C1", mode="fast")) is False  # a real failure stays False
    assert (
        stored_verdict(evaluate("C1-T", {"n_permutations": 100}, seed=1)) is None
    )  # a demonstration
    glued = {}
    monkeypatch.setattr(chapter, "glue", lambda k, v, **kw: glued.__setitem__(k, v))
    chapter.glue_result(r, "c7")  # what values.json and the sweep tables are made of
    assert glued["c7_verdict"] is None and glued["c7_verdict_outcome"] == "undefined"
    chapter.glue_verdict("c7_cf", r)
    assert glued["c7_cf"] is None
    v = variants.chapter_values("c6_jak2_dependence", {"bypass": 0.6})  # graded runs
    assert (
        v["c7_verdict"] is None
        and v["c7_verdict_outcome"] == "undefined"
        and v["c6_verdict"] is False
    )


def test_an_undefined_result_says_so_and_stores_no_margin(monkeypatch):
    """``status`` names an undefined result plainly (its ``verdict`` is False only because no rule
    holds); its margin (-inf: nothing could be computed) is stored as None (JSON null), never as
    -Infinity; a real failure keeps its margin."""
    from jakpersist.book import chapter, variants
    from jakpersist.claims.base import Status
    from jakpersist.claims.wording import stored_margin

    r = evaluate("C7", {"bypass": 0.6}, mode="fast")
    assert r.status is Status.UNDEFINED and r.status == "undefined" and r.margin == float("-inf")
    assert stored_margin(r) is None
    fails = evaluate("C1", mode="fast")
    assert fails.status is Status.FAILS and stored_margin(fails) == fails.margin < 0
    assert evaluate("C6", mode="fast").status is Status.HOLDS
    assert evaluate("C1-T", {"n_permutations": 100}, seed=1).status is Status.NO_VERDICT
    glued = {}
    monkeypatch.setattr(chapter, "glue", lambda k, v, **kw: glued.__setitem__(k, v))
    chapter.glue_result(r, "c7")
    assert glued["c7_margin"] is None
    v = variants.chapter_values("c6_jak2_dependence", {"bypass": 0.6})
    assert v["c7_margin"] is None and v["c6_margin"] == evaluate("C6", {"bypass": 0.6}).margin


def test_an_undefined_verdict_is_an_empty_cell_in_a_csv_table(tmp_path):
    import pandas as pd

    table = pd.DataFrame(
        [
            {"seed": 1, "c7_verdict": None, "c7_verdict_outcome": "undefined"},
            {"seed": 2, "c7_verdict": True, "c7_verdict_outcome": "holds"},
        ]
    )
    f = tmp_path / "sweep.csv"
    table.to_csv(f, index=False)
    assert f.read_text().splitlines()[1] == "1,,undefined"


def test_seed_support_counts_defined_seeds_only():
    from jakpersist.book import stability

    runs = [
        {"verdict": True, "error": ""},
        {"verdict": None, "error": ""},
        {"verdict": False, "error": ""},
        {"verdict": None, "error": "ValueError: x"},
        {"verdict": True, "error": ""},
    ]
    d = stability.seed_support(runs)
    assert (d["seed_holds"], d["seed_defined"], d["seed_undefined"], d["seed_errors"]) == (
        2,
        3,
        1,
        1,
    )
    assert d["seed_support"] == pytest.approx(2 / 3)
    assert stability.support_text(d).startswith("2 of 3 defined seeds (1 of 5 undefined")
    none = stability.seed_support([{"verdict": None, "error": ""}] * 3)
    assert none["seed_defined"] == 0 and math.isnan(none["seed_support"])
    assert (
        stability.support_text(none)
        == "0 of 0 defined seeds (3 of 3 undefined, neither holding nor failing)"
    )


def test_c7_strong_bypass_seed_runs_are_undefined_not_failing():
    from jakpersist.book import stability

    runs = [stability.evaluate_job(("C7", {"bypass": 0.6}, s)) for s in (1, 2)]
    assert all(r["verdict"] is None and r["undefined"] for r in runs)
    d = stability.seed_support(runs)
    assert d["seed_defined"] == 0 and d["seed_undefined"] == 2
