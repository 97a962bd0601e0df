"""Parameter declarations: defaults valid, one source of truth, clear errors."""
import pytest

from jakpersist.book.chapter import ParameterError, check_value, validate_parameters
from jakpersist.model.params import ALL_PARAMS, DRUG_PARAMS, MODEL_PARAMS, ModelParams


@pytest.mark.parametrize("p", list(ALL_PARAMS.values()), ids=list(ALL_PARAMS))
def test_every_default_is_valid_and_documented(p):
    assert check_value(p, p.default) == p.default
    assert p.help and p.provenance
    assert p.provenance.startswith(("prior:", "assumption", "run setting", "constraint")), p.provenance


def test_model_dataclass_matches_declarations():
    mp = ModelParams()
    for p in (*MODEL_PARAMS, *DRUG_PARAMS):
        assert getattr(mp, p.name) == p.default


@pytest.mark.parametrize("name,value,fragment", [
    ("hetero_advantage", 0.5, "out of range; valid: 1 to 1000 (fold)"),
    ("n_boot", 2.5, "not a whole number"),
    ("seed", "abc", "not a number"),
    ("selection_drug", "imatinib", "one of: ruxolitinib, fedratinib, jak_inhibitor_1"),
    ("noise_sd", True, "not a number"),
])
def test_bad_values_name_parameter_value_and_range(name, value, fragment):
    with pytest.raises(ParameterError) as e:
        validate_parameters({name: value})
    assert f"'{name}'" in str(e.value) and repr(value) in str(e.value) and fragment in str(e.value)


def test_missing_data_file_is_a_clear_error(tmp_path):
    with pytest.raises(ParameterError, match="data_path.*no such file"):
        validate_parameters({"data_path": str(tmp_path / "nope.csv")})
