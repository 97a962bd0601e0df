"""What ``jp.evaluate`` refuses at its entry, before any claim runs: data in a model claim's fast
mode (which would ignore it), data of the wrong type or without the claim's columns, and parameter
values outside their declared ranges (the message names the value, the range and the file that
declares it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jakpersist as jp
from jakpersist.claims import CLAIMS, ParameterError
from jakpersist.claims.params import DECLARED_IN, PARAMS

PLATE = jp.read_plate(jp.example_path("plate_example.csv"))
TAKERS = [c for c, s in CLAIMS.items() if s.data]


@pytest.mark.parametrize("cid", [c for c in TAKERS if not CLAIMS[c].fast_reads_data])
def test_model_claims_refuse_data_in_fast_mode(cid):
    with pytest.raises(ValueError, match=f"claim {cid} refuses data in fast mode.*would ignore"):
        jp.evaluate(cid, data=PLATE, mode="fast")


@pytest.mark.parametrize("cid", TAKERS)
@pytest.mark.parametrize("bad", [[1.0, 2.0], "plate.csv", Path("plate.csv"), {"a": 1}])
def test_wrong_type_of_data_names_what_the_claim_takes(cid, bad):
    with pytest.raises(TypeError) as e:
        jp.evaluate(cid, data=bad)
    msg = str(e.value)
    assert f"claim {cid} takes as data" in msg and type(bad).__name__ in msg
    assert all(c in msg for c in CLAIMS[cid].columns)
    if isinstance(bad, (str, Path)):
        assert "read the file first" in msg


@pytest.mark.parametrize("cid", [c for c in TAKERS if CLAIMS[c].columns])
def test_a_table_without_the_claims_columns_is_refused_naming_them(cid):
    spec = CLAIMS[cid]
    frame = pd.DataFrame({c: [1.0] for c in spec.columns[1:]})
    with pytest.raises(ValueError, match=f"lacks column\\(s\\) {spec.columns[0]};") as e:
        jp.evaluate(cid, data=frame)
    assert ", ".join(spec.columns) in str(e.value)


def test_the_readers_output_has_the_claims_columns():
    assert set(CLAIMS["C1"].columns) <= set(PLATE.columns)


def _outside(p):
    return p.lo - 1.0 if p.lo is not None else p.hi + 1.0


RANGED = sorted(
    n
    for n, p in PARAMS.items()
    if p.type in (int, float) and (p.lo is not None or p.hi is not None)
)


@pytest.mark.parametrize("name", RANGED)
def test_every_ranged_parameter_is_checked_at_the_entry(name):
    """Each declared range is enforced by evaluate, whichever claim is asked (C6: cheap), and the
    message says where the parameter is declared."""
    p = PARAMS[name]
    value = _outside(p)
    with pytest.raises(ParameterError) as e:
        jp.evaluate("C6", {name: value}, mode="fast")
    msg = str(e.value)
    assert f"parameter '{name}' = {value!r} is out of range; valid: {p.range_text()}" in msg
    assert f"declared in {DECLARED_IN[name]}" in msg


def test_choices_types_and_numpy_scalars():
    with pytest.raises(ParameterError, match="'selection_drug' = 'imatinib' is not allowed"):
        jp.evaluate("C1", {"selection_drug": "imatinib"}, mode="fast")
    with pytest.raises(ParameterError, match="'n_boot' = 2.5 is not a whole number"):
        jp.evaluate("C1", {"n_boot": 2.5}, mode="fast")
    with pytest.raises(ParameterError, match="unknown parameter"):
        jp.evaluate("C1", {"hetero_advantag": 7.0}, mode="fast")
    a = jp.evaluate("C1", {"hetero_advantage": np.float64(7.0), "seed": np.int64(3)}, mode="fast")
    b = jp.evaluate("C1", {"hetero_advantage": 7.0, "seed": 3}, mode="fast")
    assert a.margin == b.margin


def test_every_parameter_a_claim_accepts_says_where_it_is_declared():
    assert set(PARAMS) <= set(DECLARED_IN)


@pytest.mark.parametrize(
    "seed, message",
    [
        (2**40, "out of range"),
        (1.9, "is not a whole number"),
        (-1, "out of range"),
        ("abc", "is not a number"),
    ],
)
def test_the_seed_keyword_is_checked_like_the_seed_parameter(seed, message):
    with pytest.raises(ParameterError, match=f"parameter 'seed' = .* {message}"):
        jp.evaluate("C6", seed=seed, mode="fast")


@pytest.mark.parametrize("params", ["trans_gating=0", [("trans_gating", 0)]])
def test_params_that_are_not_a_mapping_are_refused(params):
    with pytest.raises(TypeError, match="params must be a mapping"):
        jp.evaluate("C1", params, mode="fast")


def test_a_table_without_rows_or_with_text_in_a_numeric_column_is_refused_naming_it():
    with pytest.raises(ValueError, match="C1's data has no rows"):
        jp.evaluate("C1", data=PLATE.iloc[:0])
    bad = PLATE.assign(viability=PLATE["viability"].astype(object))
    bad.iloc[3, bad.columns.get_loc("viability")] = "x"
    with pytest.raises(ValueError, match=r"column 'viability' must hold numbers; row 3 .* 'x'"):
        jp.evaluate("C1", data=bad)
