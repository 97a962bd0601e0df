"""Layer 3, claims: one function per claim (virtual experiment or data + analysis + rule ->
ClaimResult).

Every claim of the registry (``notebooks/claims.yml``, which names each claim's function) is
evaluated through one call; the chapters, the tests, the atlas and the rivals use it::

    from jakpersist.claims import evaluate
    evaluate("C1", {"hetero_advantage": 7.0}, mode="fast").margin

``CLAIMS`` maps each claim id to its :class:`ClaimSpec`: the function, the chapter, the chapter
defaults, the model parameters whose increase makes the claim's effect stronger (its margin must not
fall as they grow) and the data it accepts. A chapter whose claims share one experiment (C0/C5,
C3/C4, C6/C7) calls its module's ``run`` to get both results from one random stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from ..loaders import readers
from ..loaders.geo import ExpressionData
from . import (
    c0_in_vivo,
    c1_persistence,
    c2_heterodimers,
    c3_reversibility,
    c6_jak2_dependence,
    c8_second_site,
    g1_gdsc,
    h1_hts007,
    t1_transcriptome,
)
from .base import ClaimDetails, ClaimResult, Condition, VERDICT_KINDS, combine, decided  # noqa: F401
from .params import PARAMS, ParameterError, check_parameters, check_value  # noqa: F401


@dataclass(frozen=True)
class ClaimSpec:
    """One claim of the registry.

    ``fn(params, *, seed, data, mode) -> ClaimResult`` evaluates it; ``chapter`` is its notebook's
    stem; ``defaults`` the chapter defaults; ``effect_params`` the parameters whose increase
    strengthens it; ``paper`` False for the book's own checks; ``data`` says which table the claim
    accepts as ``data`` ("" = none: the claim refuses data); ``quick`` False for claims too slow or
    too data-bound for property tests and the per-seed table (H1 reads a downloaded screen, C1-T
    runs a GSEA). ``columns`` are the columns a ``data`` table must have (``data_type`` the type
    ``data`` must be); ``fast_reads_data`` True for the public-data checks, whose fast mode is their
    full mode (a model claim's fast mode reads the model out, so it refuses data).
    """

    id: str
    fn: Callable[..., ClaimResult]
    chapter: str
    defaults: Mapping[str, Any]
    effect_params: tuple[str, ...]
    paper: bool = True
    data: str = ""
    quick: bool = True
    columns: tuple[str, ...] = ()
    #: the columns whose every value must be a number (from the reader's schema)
    numeric: tuple[str, ...] = ()
    data_type: type = pd.DataFrame
    fast_reads_data: bool = False

    @property
    def function(self) -> str:
        """The function's name as ``claims.yml`` writes it: ``<module>.<function>`` under
        ``jakpersist.claims``."""
        return f"{self.fn.__module__.rsplit('.', 1)[-1]}.{self.fn.__name__}"


def _names(schema: readers.Schema) -> tuple[str, ...]:
    return tuple(c.name for c in schema.columns)


def _numbers(schema: readers.Schema) -> tuple[str, ...]:
    return tuple(c.name for c in schema.columns if c.kind in ("number", "integer"))


PLATE = "a tidy plate table (jakpersist.loaders.readers.read_plate)"
CLAIMS: dict[str, ClaimSpec] = {
    s.id: s
    for s in (
        ClaimSpec(
            "C0",
            c0_in_vivo.evaluate_c0,
            "c0_in_vivo",
            c0_in_vivo.DEFAULTS,
            c0_in_vivo.EFFECT_PARAMS_C0,
        ),
        ClaimSpec(
            "C1",
            c1_persistence.evaluate,
            "c1_persistence",
            c1_persistence.DEFAULTS,
            c1_persistence.EFFECT_PARAMS,
            data=PLATE,
            columns=_names(readers.PLATE),
            numeric=_numbers(readers.PLATE),
        ),
        ClaimSpec(
            "C2",
            c2_heterodimers.evaluate,
            "c2_heterodimers",
            c2_heterodimers.DEFAULTS,
            c2_heterodimers.EFFECT_PARAMS,
            data="a tidy bands table (jakpersist.loaders.readers.read_bands)",
            columns=_names(readers.BANDS),
            numeric=_numbers(readers.BANDS),
        ),
        ClaimSpec(
            "C3",
            c3_reversibility.evaluate_c3,
            "c3_reversibility",
            c3_reversibility.DEFAULTS,
            c3_reversibility.EFFECT_PARAMS_C3,
        ),
        ClaimSpec(
            "C4",
            c3_reversibility.evaluate_c4,
            "c3_reversibility",
            c3_reversibility.DEFAULTS,
            c3_reversibility.EFFECT_PARAMS_C4,
            data="a tidy Ct table (jakpersist.loaders.readers.read_qpcr)",
            columns=_names(readers.QPCR),
            numeric=_numbers(readers.QPCR),
        ),
        ClaimSpec(
            "C5",
            c0_in_vivo.evaluate_c5,
            "c0_in_vivo",
            c0_in_vivo.DEFAULTS,
            c0_in_vivo.EFFECT_PARAMS_C5,
        ),
        ClaimSpec(
            "C6",
            c6_jak2_dependence.evaluate_c6,
            "c6_jak2_dependence",
            c6_jak2_dependence.DEFAULTS,
            c6_jak2_dependence.EFFECT_PARAMS_C6,
        ),
        ClaimSpec(
            "C7",
            c6_jak2_dependence.evaluate_c7,
            "c6_jak2_dependence",
            c6_jak2_dependence.DEFAULTS,
            c6_jak2_dependence.EFFECT_PARAMS_C7,
        ),
        ClaimSpec(
            "C1-T",
            t1_transcriptome.evaluate,
            "t1_transcriptome",
            t1_transcriptome.DEFAULTS,
            (),
            paper=False,
            data="expression data (jakpersist.loaders.geo.load_expression)",
            quick=False,
            data_type=ExpressionData,
            fast_reads_data=True,
        ),
        ClaimSpec(
            "C8",
            c8_second_site.evaluate,
            "c1_persistence",
            c8_second_site.DEFAULTS,
            c8_second_site.EFFECT_PARAMS,
        ),
        ClaimSpec(
            "G1",
            g1_gdsc.evaluate,
            "g1_gdsc",
            g1_gdsc.DEFAULTS,
            g1_gdsc.EFFECT_PARAMS,
            paper=False,
            data="a GDSC1 table with the shipped subset's columns "
            "(jakpersist.loaders.publicdata.load_gdsc)",
            columns=("cell_line", *g1_gdsc.DRUG_COLUMNS.values()),
            fast_reads_data=True,
        ),
        ClaimSpec(
            "H1",
            h1_hts007.evaluate,
            "h1_hts007",
            h1_hts007.DEFAULTS,
            (),
            paper=False,
            data="the hts007 cell counts (jakpersist.loaders.hts.load_hts007)",
            quick=False,
            columns=h1_hts007.COUNT_COLUMNS,
            fast_reads_data=True,
        ),
    )
}

#: The paper's claims (C0-C7) that the model can evaluate: the joint region of the atlas asks for
#: all of them.
MODEL_CLAIMS = tuple(k for k, s in CLAIMS.items() if s.paper)
#: Claims cheap enough to run many times in one build (seed stability, property tests): all but H1
#: and C1-T.
QUICK_CLAIMS = tuple(k for k, s in CLAIMS.items() if s.quick)


def evaluate(
    claim: str,
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    data: Any = None,
    mode: str = "full",
) -> ClaimResult:
    """Evaluate one claim of the registry.

    Parameters
    ----------
    claim : str
        A claim id of ``notebooks/claims.yml`` ("C0"-"C7", "C1-T", "G1", "H1").
    params : mapping, optional
        Chapter parameters overriding the claim's defaults (``CLAIMS[claim].defaults``); any
        declared model parameter too (:mod:`jakpersist.model.params`).
    seed : int, optional
        Overrides ``params['seed']`` for every simulated measurement and bootstrap.
    data : optional
        The reader's or public data the claim accepts instead of its simulated or shipped input
        (``CLAIMS[claim].data`` says which); claims that accept none refuse it.
    mode : {"full", "fast"}
        "full": simulated measurements with noise, fits and bootstrap, as on the page; "fast":
        noise-free model read-outs (the atlas's mode; the same as "full" for public-data checks).

    Returns
    -------
    ClaimResult
        Verdict, signed margin, conditions, metrics (glue keys), provenance and the claim's typed
        ``details``.

    Raises
    ------
    KeyError
        For an unknown claim id (the message names the known ones).
    TypeError
        When ``params`` is not a mapping; when ``data`` is given to a claim that takes no data, or
        is not of the type it takes (e.g. a path or a list instead of a table).
    ValueError
        For an unknown mode; data in fast mode for a model claim (its fast mode would ignore it);
        a data table lacking one of the claim's columns, without rows, or with a value that is not
        a number in a numeric column (:func:`check_data`).
    ParameterError
        A ValueError: an unknown parameter, or a value (``seed`` too) of the wrong type or outside
        its declared range (the message names the parameter, the value, the valid range and the
        file that declares it).

    Examples
    --------
    >>> from jakpersist.claims import evaluate
    >>> r = evaluate("C6", mode="fast")
    >>> r.verdict, r.kind
    (True, 'model')
    >>> evaluate("C6", data=[1, 2])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: claim C6 takes no data (its measurements are always simulated); data is ...
    """
    if claim not in CLAIMS:
        raise KeyError(f"unknown claim {claim!r}; known: {', '.join(CLAIMS)}")
    if mode not in ("full", "fast"):
        raise ValueError(f"mode must be 'full' or 'fast', not {mode!r}")
    spec = CLAIMS[claim]
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(
            "params must be a mapping of parameter name to value, e.g. {'trans_gating': 0}; got "
            f"{type(params).__name__}"
        )
    if seed is not None:
        seed = check_value(PARAMS["seed"], seed)
    if data is not None:
        check_data(spec, data, mode)
    return spec.fn(check_parameters(params), seed=seed, data=data, mode=mode)


def check_data(spec: ClaimSpec, data: Any, mode: str) -> None:
    """Refuse ``data`` that ``spec``'s claim cannot use, naming what it takes.

    Parameters
    ----------
    spec : ClaimSpec
        The claim (``CLAIMS[claim]``).
    data : Any
        What the caller passed as ``data`` (not None).
    mode : {"full", "fast"}
        The evaluation mode.

    Raises
    ------
    TypeError
        When the claim takes no data, or ``data`` is not of the type it takes (a path is named as
        such: read the file first).
    ValueError
        In fast mode for a model claim (its fast mode reads the model out and would ignore the
        data), or when a table lacks one of the claim's columns (the message lists them all).
    """
    cid = spec.id
    if not spec.data:
        takers = ", ".join(k for k, s in CLAIMS.items() if s.data)
        raise TypeError(
            f"claim {cid} takes no data (its measurements are always simulated); data is "
            f"accepted by {takers}"
        )
    if mode == "fast" and not spec.fast_reads_data:
        raise ValueError(
            f"claim {cid} refuses data in fast mode: the fast mode reads the noise-free model out "
            'and would ignore the data; evaluate it with mode="full"'
        )
    expected = f"{spec.data_type.__name__}" + (
        f" with columns {', '.join(spec.columns)}" if spec.columns else ""
    )
    if not isinstance(data, spec.data_type):
        hint = (
            "; a path is not data: read the file first, " + spec.data.split("(", 1)[-1].rstrip(")")
            if isinstance(data, (str, Path))
            else ""
        )
        raise TypeError(
            f"claim {cid} takes as data {spec.data}: a {expected}; got {type(data).__name__}{hint}"
        )
    missing = [c for c in spec.columns if c not in data.columns]
    if missing:
        raise ValueError(
            f"claim {cid}'s data lacks column(s) {', '.join(missing)}; it takes {spec.data}: a "
            f"{expected}"
        )
    if not isinstance(data, pd.DataFrame):
        return
    if len(data) == 0:
        raise ValueError(f"claim {cid}'s data has no rows; it takes {spec.data}: a {expected}")
    for c in spec.numeric:
        bad = pd.to_numeric(data[c], errors="coerce").isna() & data[c].notna()
        if bad.any():
            i = bad.to_numpy().nonzero()[0][0]
            raise ValueError(
                f"claim {cid}'s data: column {c!r} must hold numbers; row {i} (index "
                f"{data.index[i]!r}) holds {data[c].iloc[i]!r} (a file read by the readers of "
                "jakpersist.loaders.readers is refused naming the file's line instead)"
            )
