"""Parameter declarations: defaults valid, one source of truth, clear errors."""

from pathlib import Path

import pytest

from jakpersist.book import execute as ex

from jakpersist.book.chapter import ParameterError, check_value, validate_parameters
from jakpersist.book.params import PARAMS as ALL_PARAMS


@pytest.mark.parametrize("p", list(ALL_PARAMS.values()), ids=list(ALL_PARAMS))
def test_every_default_is_valid_and_documented(p):
    assert check_value(p, p.default) == p.default
    assert p.help and p.provenance
    assert p.provenance.startswith(("prior:", "assumption", "run setting", "constraint")), (
        p.provenance
    )


NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.md"))


@pytest.mark.parametrize("src", NOTEBOOKS, ids=[s.stem for s in NOTEBOOKS])
def test_every_default_is_the_declared_one(src):
    """The one check of every copy of a default: each notebook's ``parameters`` cell sets each
    parameter to its chapter's claim default (jakpersist.claims.CLAIMS[...].defaults, itself derived
    from the declarations) or, in a chapter without a claim function, to its declared default; a
    claim chapter declares exactly its claims' parameters."""
    from jakpersist.claims import CLAIMS

    cell = {k: ex.parse_literal(v["default"]) for k, v in ex.parameters_of(src).items()}
    claim_defaults = [dict(s.defaults) for s in CLAIMS.values() if s.chapter == src.stem]
    for d in claim_defaults:
        assert list(cell) == list(d), (
            f"{src.name}: parameters cell and jakpersist/claims defaults list different names"
        )
    expected = claim_defaults[0] if claim_defaults else {k: ALL_PARAMS[k].default for k in cell}
    wrong = {
        k: (v, expected[k])
        for k, v in cell.items()
        if v != expected[k] or type(v) is not type(expected[k])
    }
    assert not wrong, f"{src.name}: (cell, declared) differ: {wrong}"


@pytest.mark.parametrize("src", NOTEBOOKS, ids=[s.stem for s in NOTEBOOKS])
def test_every_parameters_cell_line_is_its_declaration(src):
    """Every line of a chapter's ``parameters`` cell is its declaration written as code: a declared
    name, its declared type as the annotation and, as the comment, the declared short help
    (``Param.cell_help``: one wording for every chapter; defaults are checked above)."""
    declared = ex.parameters_of(src)
    assert declared, f"{src.name}: no parameters cell"
    undeclared = [k for k in declared if k not in ALL_PARAMS]
    assert not undeclared, f"{src.name}: parameters not declared anywhere: {undeclared}"
    wrong = {
        k: {"cell": (v["type"], v["help"]), "declared": (p.type.__name__, p.cell_help)}
        for k, v in declared.items()
        for p in [ALL_PARAMS[k]]
        if (v["type"], v["help"]) != (p.type.__name__, p.cell_help)
    }
    assert not wrong, f"{src.name}: cell and declaration differ: {wrong}"


@pytest.mark.parametrize(
    "name,value,fragment",
    [
        ("hetero_advantage", 0.5, "out of range; valid: 1 to 1000 (fold)"),
        ("n_boot", 2.5, "not a whole number"),
        ("seed", "abc", "not a number"),
        ("selection_drug", "imatinib", "one of: ruxolitinib, fedratinib, jak_inhibitor_1"),
        ("noise_sd", True, "not a number"),
    ],
)
def test_bad_values_name_parameter_value_and_range(name, value, fragment):
    with pytest.raises(ParameterError) as e:
        validate_parameters({name: value})
    assert f"'{name}'" in str(e.value) and repr(value) in str(e.value) and fragment in str(e.value)


def test_missing_data_file_is_a_clear_error(tmp_path):
    with pytest.raises(ParameterError, match="data_path.*no such file"):
        validate_parameters({"data_path": str(tmp_path / "nope.csv")})
