"""The chapters' file and analysis settings, declared once (the model's parameters and the virtual
experiments' settings are in :mod:`jakpersist.model.params`), and the claims' defaults derived from
the declarations.

:data:`PARAMS` is every parameter a claim accepts; :func:`defaults_of` builds a claim module's
``DEFAULTS`` from it, so a chapter's default is the declared one unless the claim says otherwise
(e.g. C3 bootstraps 300 times).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..loaders.geo import REFERENCE_PATTERN, TEST_PATTERN, WITHDRAWN_PATTERN
from ..model.params import (
    ALL_PARAMS,
    DRUG_PARAMS,
    MODEL_PARAMS,
    RIVAL_PARAMS,
    RUN_PARAMS,
    Param,
    with_short,
)

#: The 27 drugs of the hts007 screen (thunor 1.0.3 test data; see book/data.md).
HTS007_DRUGS = (
    "abemaciclib",
    "alpelisib",
    "azd7762",
    "bleomycin",
    "buparlisib",
    "cediranib",
    "ceritinib",
    "dasatinib",
    "doxorubicin",
    "etoposide",
    "everolimus",
    "ink128",
    "ipatasertib",
    "luminespib",
    "neratinib",
    "osimertinib",
    "paclitaxel",
    "palbociclib",
    "panobinostat",
    "pictilisib",
    "saracatinib",
    "taselisib",
    "tivantinib",
    "torin2",
    "trametinib",
    "volasertib",
    "vorinostat",
)

CHAPTER_PARAMS: tuple[Param, ...] = (
    Param(
        "n_permutations",
        1000,
        "permutations",
        "gene-set permutations of the enrichment test",
        "run setting",
        100,
        100000,
        kind="run",
        type=int,
    ),
    Param(
        "use_geo_cache",
        True,
        "",
        "use GSE38335 from data/cache/ when `make data` has downloaded it",
        "run setting",
        kind="run",
        type=bool,
    ),
    Param(
        "cell_line",
        "HEL",
        "",
        "GDSC cell line whose rank is tested (HEL carries JAK2 V617F)",
        "run setting",
        kind="run",
        type=str,
    ),
    Param(
        "hts_drug",
        "luminespib",
        "",
        "drug of the hts007 screen whose lines are compared (luminespib is an HSP90 "
        "inhibitor, the drug class of claim C7)",
        "run setting",
        choices=HTS007_DRUGS,
        kind="run",
        type=str,
    ),
    Param(
        "viability_hours",
        72.0,
        "h",
        "time point of the relative-viability read-out (GI50) in the hts007 time "
        "course; the nearest imaging time of each well is used, as thunor does",
        "run setting (the screen is imaged up to about 119 h; the chapter's exercise reads 120 h)",
        12.0,
        120.0,
        kind="run",
    ),
    Param(
        "dip_delay_h",
        24.0,
        "h",
        "time after the first count from which the DIP rate (slope of log2 count) is "
        "fitted (Harris et al. 2016 discard the first hours; thunor picks a delay per well)",
        "run setting",
        0.0,
        72.0,
        kind="run",
    ),
    Param(
        "data_path",
        "",
        "path",
        "a CSV of your own measurements in the chapter's documented format; empty = "
        "run the simulated experiment",
        "run setting",
        kind="run",
        type=str,
    ),
    # expression data (transcriptome chapter; see jakpersist/loaders/geo.py)
    Param(
        "platform",
        "",
        "",
        "GEO platform accession to analyse in a multi-platform series (e.g. GPL96); empty = "
        "the only one",
        "run setting",
        kind="run",
        type=str,
    ),
    Param(
        "reference_pattern",
        REFERENCE_PATTERN,
        "",
        "reference (naive) samples: case-insensitive regular "
        "expression searched in each sample's title, characteristics and source",
        "run setting",
        kind="run",
        type=str,
    ),
    Param(
        "test_pattern",
        TEST_PATTERN,
        "",
        "test (persistent) samples: case-insensitive regular expression "
        "searched in each sample's title, characteristics and source",
        "run setting",
        kind="run",
        type=str,
    ),
    Param(
        "withdrawn_pattern",
        WITHDRAWN_PATTERN,
        "",
        "withdrawn (drug-off) samples, checked for C4 when at least "
        "two match: case-insensitive regular expression over title, characteristics and source",
        "run setting",
        kind="run",
        type=str,
    ),
    Param(
        "comparator",
        "auto",
        "",
        "what the naive samples were taken in: 'auto' reads it from their descriptions; "
        "'same-drug' (naive cells on the same drug) or 'untreated' declares it",
        "run setting",
        choices=("auto", "same-drug", "untreated"),
        kind="run",
        type=str,
    ),
    Param(
        "annotation_path",
        "",
        "path",
        "platform annotation (GPLxxx SOFT or GPLxxx.annot.gz) for a series-matrix data_path",
        "run setting",
        kind="run",
        type=str,
    ),
    Param(
        "sample_sheet_path",
        "",
        "path",
        "sample sheet CSV (column 'sample' plus descriptions) for a tidy "
        "expression-matrix data_path; empty = the sample names are matched",
        "run setting",
        kind="run",
        type=str,
    ),
)

CHAPTER_PARAMS = with_short(
    CHAPTER_PARAMS,
    {
        "n_permutations": "gene-set permutations of the enrichment test (permutations)",
        "use_geo_cache": "analyse GSE38335 from data/cache/ when it has been downloaded",
        "cell_line": "GDSC cell line whose rank is tested (HEL carries JAK2 V617F)",
        "hts_drug": "drug of hts007 whose lines are compared (one of the screen's 27 drugs)",
        "viability_hours": "time of the relative-viability read-out (GI50) (h)",
        "dip_delay_h": "time after the first count from which the DIP rate is fitted (h)",
        "data_path": "your data file (format on the Your data page); empty: the chapter's own "
        "input",
        "platform": "GEO platform to analyse in a multi-platform series (e.g. GPL96); empty: the "
        "only one",
        "reference_pattern": "regex, any case: reference (naive) samples",
        "test_pattern": "regex, any case: test samples",
        "withdrawn_pattern": "regex, any case: withdrawn (drug-off) samples, for C4",
        "comparator": 'naive samples taken in drug ("same-drug") or untreated ("untreated"); '
        '"auto": from their descriptions',
        "annotation_path": "platform annotation (GPLxxx SOFT or GPLxxx.annot.gz) for a "
        "series-matrix data_path",
        "sample_sheet_path": "sample sheet CSV (column 'sample' + descriptions) for a tidy-matrix "
        "data_path",
    },
)

#: Every parameter a claim accepts: the model's, the virtual experiments' and the chapters'
#: settings.
PARAMS: dict[str, Param] = {**ALL_PARAMS, **{p.name: p for p in CHAPTER_PARAMS}}


def defaults_of(names: tuple[str, ...], **overrides: Any) -> dict[str, Any]:
    """A claim's defaults: the declared default of each of ``names``, except ``overrides``.

    Parameters
    ----------
    names : tuple of str
        Declared parameters (:data:`PARAMS`) the claim's chapter exposes, in the order of its
        ``parameters`` cell.
    **overrides
        A chapter's own default where it differs from the declaration (each must be one of
        ``names``).

    Returns
    -------
    dict
        Name -> default value.

    Raises
    ------
    KeyError
        For a name that is not declared, or an override not among ``names``.

    Examples
    --------
    >>> defaults_of(("seed", "n_boot"), n_boot=300)
    {'seed': 2012, 'n_boot': 300}
    """
    if isinstance(names, str):
        raise TypeError(
            f"names must be a tuple of names, not the string {names!r} (write ({names!r},))"
        )
    unknown = [n for n in (*names, *overrides) if n not in PARAMS]
    stray = [n for n in overrides if n not in names]
    if unknown or stray:
        raise KeyError(
            f"not declared: {', '.join(unknown)}"
            if unknown
            else f"overrides not among the names: {', '.join(stray)}"
        )
    return {n: overrides.get(n, PARAMS[n].default) for n in names}


#: Where each parameter a claim accepts is declared (a path from the repository root).
DECLARED_IN: dict[str, str] = {
    **{p.name: "jakpersist/model/params.py" for p in (*MODEL_PARAMS, *DRUG_PARAMS, *RIVAL_PARAMS)},
    **{p.name: "jakpersist/model/params.py (RUN_PARAMS)" for p in RUN_PARAMS},
    **{p.name: "jakpersist/claims/params.py (CHAPTER_PARAMS)" for p in CHAPTER_PARAMS},
}


class ParameterError(ValueError):
    """A parameter has a wrong type or an out-of-range value (the message names the parameter, the
    value, the valid range and where the parameter is declared)."""


def check_value(p: Param, value: Any, *, declared_in: str | None = None) -> Any:
    """``value`` converted to ``p``'s type, or :class:`ParameterError` naming the problem.

    Parameters
    ----------
    p : Param
        The declaration (type, inclusive range ``lo``/``hi``, ``choices``, unit).
    value : Any
        The value given; NumPy scalars count as numbers.
    declared_in : str, optional
        Where ``p`` is declared, for the message; default :data:`DECLARED_IN` (empty when the
        name is not there).

    Returns
    -------
    Any
        The value as ``p.type`` (a whole float becomes an int for an integer parameter).

    Raises
    ------
    ParameterError
        For a wrong type, a value outside ``lo``-``hi`` or ``choices``, or NaN; the message reads
        "parameter 'NAME' = VALUE is out of range; valid: LO to HI (UNIT); declared in FILE".

    Examples
    --------
    >>> check_value(PARAMS["n_boot"], 300.0)
    300
    """
    where = f"parameter '{p.name}' = {value!r}"
    source = DECLARED_IN.get(p.name, "") if declared_in is None else declared_in
    valid = (
        f"valid: {p.range_text()}"
        + (f" ({p.unit})" if p.unit else "")
        + (f"; declared in {source}" if source else "")
    )
    if p.type is bool:
        if not isinstance(value, (bool, np.bool_)):
            raise ParameterError(f"{where} is not True/False; {valid}")
        return bool(value)
    if p.type is str:
        if not isinstance(value, str):
            raise ParameterError(f"{where} is not text; {valid}")
        if p.choices is not None and value not in p.choices:
            raise ParameterError(f"{where} is not allowed; {valid}")
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{where} is not a number; {valid}")
    if p.type is int:
        if not float(value).is_integer():
            raise ParameterError(f"{where} is not a whole number; {valid}")
        value = int(value)
    else:
        value = float(value)
    if value != value:  # nan
        raise ParameterError(f"{where} is not a number; {valid}")
    if (p.lo is not None and value < p.lo) or (p.hi is not None and value > p.hi):
        raise ParameterError(f"{where} is out of range; {valid}")
    return value


def check_parameters(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every value of ``params`` checked against its declaration (:data:`PARAMS`).

    Parameters
    ----------
    params : mapping or None
        Parameter name -> value, as a claim receives them.

    Returns
    -------
    dict
        The values converted to their declared types (:func:`check_value`).

    Raises
    ------
    ParameterError
        For an undeclared name (the message says how to list the declared ones) or a value of the
        wrong type or out of its declared range.
    """
    params = dict(params or {})
    unknown = sorted(k for k in params if k not in PARAMS)
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(unknown)}; declared parameters are listed by "
            "`jakbook params CHAPTER`"
        )
    return {k: check_value(PARAMS[k], v) for k, v in params.items()}
