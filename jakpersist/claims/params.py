"""The chapters' file and analysis settings, declared once (the model's parameters and the virtual
experiments' settings are in :mod:`jakpersist.model.params`), and the claims' defaults derived from
the declarations.

:data:`PARAMS` is every parameter a claim accepts; :func:`defaults_of` builds a claim module's
``DEFAULTS`` from it, so a chapter's default is the declared one unless the claim says otherwise
(e.g. C3 bootstraps 300 times).
"""

from __future__ import annotations

from typing import Any

from ..loaders.geo import REFERENCE_PATTERN, TEST_PATTERN, WITHDRAWN_PATTERN
from ..model.params import ALL_PARAMS, Param

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
        "run setting",
        12.0,
        110.0,
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
