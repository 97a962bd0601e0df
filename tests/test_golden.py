"""Golden outputs: numbers a refactoring must leave bit-for-bit unchanged (recorded by
``tools/golden.py``).

Claim margins in fast mode (defaults and every registered counterfactual), the GI50 tables of the
fixture plates and curves, batched fits of seeded synthetic curves a few atlas points and every
chapter's text as the run report and the student notebook convert it are recomputed here and
compared exactly (floats by equality, NaN equal to NaN). Every glued value of every executed chapter
is compared in the chapter tier. A change meant to alter numbers records them again
(``.venv/bin/python tools/golden.py``) in its own commit, which lists what changed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import golden  # noqa: E402  (tools/golden.py: the recorder)


def _compare(part: str, now: object) -> None:
    # every recorded value must be unchanged; values that did not exist when recorded (a new claim,
    # counterfactual or glued value) are not compared
    diff = golden.differences(golden.load(part), json.loads(json.dumps(now)), new_keys=False)
    assert not diff, (
        f"{part}: {len(diff)} values differ from tests/golden/{part}.json:\n" + "\n".join(diff[:30])
    )


@pytest.mark.parametrize("part", ["claims", "curves", "batch", "atlas", "markdown"])
def test_golden_outputs_are_unchanged(part):
    _compare(part, golden.RECORDERS[part]())


@pytest.mark.chapter
def test_golden_glued_values_of_every_chapter_are_unchanged(default_values):
    now = {
        ch: {k: v for k, v in values.items() if not any(r in k for r in golden.RUN_KEYS)}
        for ch, values in default_values.items()
    }
    _compare("chapters", now)


def test_the_comparison_is_exact_and_nan_aware():
    assert golden.differences({"a": 1.0}, {"a": 1.0, "b": 2.0}, new_keys=False) == []
    assert golden.differences({"a": 1.0, "b": 2.0}, {"a": 1.0}, new_keys=False) == [
        "/b: only recorded"
    ]
    assert golden.same(float("nan"), float("nan"))
    assert not golden.same(0.1 + 0.2, 0.3)
    assert not golden.same(1, 1.0)
    assert golden.differences({"a": [1.0, 2.0]}, {"a": [1.0, 2.0000000000000004]}) == [
        "/a[1]: recorded 2.0, now 2.0000000000000004"
    ]
