"""Helpers that every chapter notebook calls: parameter validation, glue, evidence banners.

Kept free of plotting and of any one chapter's science.
"""

from __future__ import annotations

import ast
import difflib
from pathlib import Path
from typing import Any

from ..claims.params import DECLARED_IN, ParameterError
from ..claims.params import check_value as _check_value
from ..claims.wording import stored_margin, stored_verdict
from ..model.params import ALL_PARAMS, Param
from .params import PARAMS
from .registry import EVIDENCE_KINDS, load as load_registry

#: Where a glued value comes from, as recorded in the run's provenance card (values.json).
ORIGINS = ("data", "model", "parameter", "public-data")


#: Where the book's own settings are declared (the others: ``claims.params.DECLARED_IN``).
BOOK_DECLARED_IN = "jakpersist/book/params.py"


def check_value(p: Param, value: Any) -> Any:
    """Return ``value`` converted to ``p``'s type, or raise :class:`ParameterError` naming the
    parameter, the value, the valid range and where it is declared (the claims' check,
    :func:`jakpersist.claims.params.check_value`, for the book's settings too)."""
    return _check_value(p, value, declared_in=None if p.name in DECLARED_IN else BOOK_DECLARED_IN)


def unknown_parameters_error(unknown: list[str], declared: list[str]) -> ParameterError:
    """The error for parameter names a chapter does not declare (the same text from jakbook and
    papermill)."""
    hints = [c for k in unknown for c in difflib.get_close_matches(k, declared, n=1)]
    return ParameterError(
        f"unknown parameter(s) {', '.join(unknown)}"
        + (f" (did you mean {', '.join(hints)}?)" if hints else "")
        + f"; valid: {', '.join(declared)}"
    )


def _assigned_names(source: str) -> list[str]:
    """Names assigned at the top level of a cell's source (``x = 1`` or ``x: int = 1``), in
    order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def injected_parameters(namespace: dict[str, Any]) -> tuple[list[str], list[str]] | None:
    """``(injected, declared)`` parameter names of a notebook run by papermill, or None when not
    injected.

    papermill inserts its ``injected-parameters`` cell, whose source starts with ``# Parameters``,
    right after the notebook's ``parameters`` cell; IPython keeps the source of every executed cell
    in ``In``. The declared names are those assigned in the cell executed just before the injected
    one.
    """
    history = namespace.get("In")
    if not isinstance(history, list):
        return None
    for i in range(len(history) - 1, 0, -1):
        if isinstance(history[i], str) and history[i].lstrip().startswith("# Parameters"):
            return _assigned_names(history[i]), _assigned_names(history[i - 1])
    return None


def validate_parameters(namespace: dict[str, Any]) -> dict[str, Any]:
    """Validate every declared parameter found in ``namespace`` (a notebook's ``globals()``).

    Returns the validated values. A non-empty ``data_path`` must name an existing file. Under
    papermill, a name injected that the notebook's ``parameters`` cell does not declare (a
    misspelling, which papermill only warns about) raises the same :class:`ParameterError` as
    ``jakbook run`` does.
    """
    found = injected_parameters(namespace)
    if found:
        injected, declared = found
        unknown = [k for k in injected if k not in declared]
        if unknown and declared:
            raise unknown_parameters_error(unknown, declared)
    values = {}
    for name, p in PARAMS.items():
        if name in namespace:
            values[name] = check_value(p, namespace[name])
    dp = values.get("data_path")
    if dp:
        path = Path(dp).expanduser()
        if not path.is_file():
            raise ParameterError(
                f"parameter 'data_path' = {dp!r}: no such file (relative paths are taken "
                f"from the folder the notebook runs in: {Path.cwd()})"
            )
        values["data_path"] = str(path.resolve())
    _RUN_PARAMETERS.clear()
    _RUN_PARAMETERS.update(values)
    glue("_atlas_scope", atlas_scope(values), origin="parameter")
    return values


def glue(name: str, value: Any, display: bool = False, *, origin: str | None = None) -> Any:
    """Glue a value for the book and the tests; NumPy scalars become plain Python numbers.

    ``origin`` says where the value comes from: ``"data"`` (the reader's measurements), ``"model"``
    (a simulation), ``"parameter"`` (a parameter or setting) or ``"public-data"``. It is stored in
    the output's ``scrapbook`` metadata beside the name (as myst-nb's own glue does, see
    :func:`myst_nb.glue`) and copied to the run's provenance card (values.json). Without it the card
    says "model" for a simulated run and "unknown" otherwise.
    """
    if hasattr(value, "item") and not isinstance(value, (list, dict)):
        value = value.item()
    if origin is None:
        from myst_nb import glue as _glue

        _glue(name, value, display=display)
        return value
    if origin not in ORIGINS:
        raise ValueError(f"glue {name!r}: origin {origin!r} is not one of {', '.join(ORIGINS)}")
    import IPython
    from IPython.display import display as ipy_display
    from myst_nb.ext.glue import GLUE_PREFIX

    mimebundle, metadata = IPython.core.formatters.format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=prefix, origin=origin)
    ipy_display({prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
    return value


def reader_notes(df: Any, title: str = "How your file was read") -> list[str]:
    """Show what a reader converted or skipped (the table's notes,
    :func:`jakpersist.loaders.tabular.read_info`) as a note, and glue the list.

    The list is glued as ``_reader_notes`` (origin "data") so that ``jakbook run`` prints it on the
    console and the provenance card keeps it. Returns the notes (empty: nothing is shown).
    """
    from IPython.display import Markdown, display

    from ..loaders.tabular import read_info

    notes = [str(n) for n in read_info(df).notes]
    glue("_reader_notes", notes, origin="data")
    if notes:
        display(
            Markdown(
                f"```{{admonition}} {title}\n:class: note\n"
                + "\n".join(f"- {n}" for n in notes)
                + "\n```"
            )
        )
    return notes


#: Run settings that only set the simulated noise and its resampling: the noise-free atlas never
#: reads them, so changing them leaves the atlas's share and built-in tags in force.
NOISE_ONLY_SETTINGS = frozenset(
    {"seed", "n_boot", "n_replicates", "noise_sd", "n_blots", "band_noise_sd", "seq_reads"}
)
#: The parameters of the run being executed (recorded by :func:`validate_parameters`): what
#: :func:`verdict_wording` judges the atlas's scope on when it is not told.
_RUN_PARAMETERS: dict[str, Any] = {}


def atlas_scope(parameters: dict[str, Any] | None = None) -> str:
    """Whether the shipped robustness atlas applies to a run with ``parameters``: "" when it does,
    else the reason (naming each parameter that takes the run outside the atlas's model). The one
    place this is decided.

    The atlas sampled some parameters over their plausible ranges (``space`` in
    ``data/atlas/summary.json``) and held every other model parameter and every run setting at its
    default. A run applies when each sampled parameter lies inside its sampled range and every other
    model parameter (including the rival models' switches, e.g. ``clone_start``, and fixed ones such
    as ``trans_gating``) and run setting equals its default; the settings that only set simulated
    noise (:data:`NOISE_ONLY_SETTINGS`) and the chapters' file and pattern settings are ignored.
    Outside that, the atlas's share and "built into this model" tags were measured for another model
    and do not apply. ``parameters`` None: the running chapter's (:func:`validate_parameters`).
    """
    from .budget import load_summary

    params = _RUN_PARAMETERS if parameters is None else parameters
    space = {
        r["name"]: (float(r["lo"]), float(r["hi"]))
        for r in ((load_summary() or {}).get("space") or [])
    }
    if not space:
        from ..atlas.space import default_space

        sp = default_space()
        space = {n: (lo, hi) for n, lo, hi in zip(sp.names, sp.lo, sp.hi, strict=True)}
    out = []
    for k, v in params.items():
        if k not in ALL_PARAMS or k in NOISE_ONLY_SETTINGS:
            continue
        if k in space:
            lo, hi = space[k]
            try:
                inside = lo <= float(v) <= hi
            except (TypeError, ValueError):
                inside = False
            if not inside:
                out.append(f"{k}={v!r} is outside the range the atlas sampled ({lo:g} to {hi:g})")
        elif v != ALL_PARAMS[k].default:
            out.append(
                f"{k}={v!r} differs from the value the atlas held fixed ({ALL_PARAMS[k].default!r})"
            )
    return "; ".join(out)


def atlas_share(claim: str) -> float | None:
    """Share of the model's plausible parameter space where ``claim``'s rule holds, from the shipped
    robustness atlas (``data/atlas/summary.json``); None when the claim is not in it (public-data
    checks)."""
    from .budget import load_summary

    r = ((load_summary() or {}).get("claims") or {}).get(claim)
    return float(r["share"]) if r else None


def verdict_wording(result: Any, parameters: dict[str, Any] | None = None) -> Any:
    """The verdict's words (:func:`jakpersist.claims.wording.describe_verdict`) with the atlas share
    and the built-in tags when the atlas applies to the run (:func:`atlas_scope` of ``parameters``,
    by default the running chapter's); otherwise without them, and the sentence says why they do not
    apply."""
    from ..claims.wording import describe_verdict

    scope = atlas_scope(parameters)
    if scope:
        return describe_verdict(result.claim, result, off_atlas=scope)
    return describe_verdict(
        result.claim, result, share=atlas_share(result.claim), built_in=all_built_in(result)
    )


def all_built_in(result: Any) -> bool:
    """True when every condition of ``result``'s rule is tagged built into the model in the registry
    (``built_in`` in ``notebooks/claims.yml``, kept true by a test against the atlas)."""
    try:
        claims = load_registry()
    except FileNotFoundError:  # an installed wheel carries no registry: no tags to read
        return False
    tags = next((c.built_in for c in claims if c.id == result.claim), {})
    names = [c.name for c in result.conditions]
    return bool(names) and all(n in tags for n in names)


def glue_wording(prefix: str, result: Any, origin: str | None = None) -> Any:
    """Glue the verdict's words under ``<prefix>_verdict_text`` and ``_verdict_short`` (the short
    form, e.g. "sufficient in the model"), ``_verdict_kind`` (model, illustration, public-data,
    public-test, reader-data, demonstration, undefined), ``_verdict_sentence`` (the full sentence,
    with the atlas share) and ``_verdict_outcome`` (holds, does not hold, undefined, no verdict).
    Returns the :class:`~jakpersist.claims.wording.VerdictText`."""
    w = verdict_wording(result)
    kw = {} if origin is None else {"origin": origin}
    glue(prefix + "_verdict_text", w.short, **kw)
    glue(prefix + "_verdict_short", w.short, **kw)
    glue(prefix + "_verdict_kind", w.kind, **kw)
    glue(prefix + "_verdict_sentence", w.sentence, **kw)
    glue(prefix + "_verdict_outcome", w.outcome, **kw)
    return w


def glue_verdict(name: str, result: Any, parameters: dict[str, Any] | None = None) -> bool | None:
    """Glue the verdict of a claim result (:class:`jakpersist.claims.base.ClaimResult`) under
    ``name`` (stored by :func:`~jakpersist.claims.wording.stored_verdict`: None when undefined) and
    its short wording under ``name + '_text'`` (never a bare "supported"; ``parameters``: the run's,
    when they differ from the chapter's, for :func:`atlas_scope`). Returns the stored verdict."""
    glue(name, stored_verdict(result))
    glue(name + "_text", verdict_wording(result, parameters).short)
    return stored_verdict(result)


class Banner:
    """An admonition box that renders the same on the site (myst-nb) and in plain Jupyter: it offers
    HTML with the theme's admonition classes (both prefer HTML) and MyST Markdown as a fallback."""

    def __init__(self, title: str, body: str, cls: str) -> None:
        self.title, self.body, self.cls = title, body, cls

    def _repr_markdown_(self) -> str:
        return f"```{{admonition}} {self.title}\n:class: {self.cls}\n{self.body}\n```"

    def _repr_html_(self) -> str:
        import html
        import re

        body = html.escape(self.body)
        body = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", body)
        body = re.sub(r"`([^`]+)`", r"<code>\1</code>", body)
        return (
            f'<div class="admonition {self.cls}"><p '
            f'class="admonition-title">{html.escape(self.title)}</p>'
            f"<p>{body}</p></div>"
        )


def evidence_banner(kind: str, detail: str) -> Any:
    """A banner stating which kind of evidence this run used (shown at the top of a chapter);
    ``detail`` may use **bold** and `code`. Raises ValueError for an unknown kind."""
    if kind not in EVIDENCE_KINDS:
        raise ValueError(f"unknown evidence kind {kind!r}; valid: {', '.join(EVIDENCE_KINDS)}")
    cls = {"model": "warning", "public-data": "note", "reader-data": "tip"}[kind]
    return Banner(f"Evidence in this run: {EVIDENCE_KINDS[kind]}", detail, cls)


def glue_result(result: Any, prefix: str | None = None) -> Any:
    """Glue everything a claim function returned (:class:`jakpersist.claims.base.ClaimResult`): each
    metric under its own key with its origin (the result's ``provenance``: "model", "data" or
    "parameter"; "data" becomes "public-data" for a public-data result), the verdict under
    ``<prefix>_verdict`` (True when the rule holds, False when it fails, None when it is undefined
    or a demonstration: :func:`~jakpersist.claims.wording.stored_verdict`), its words
    (:func:`glue_wording`), the signed margin under ``<prefix>_margin`` (None when undefined:
    :func:`~jakpersist.claims.wording.stored_margin`), and the provenance map
    under ``<prefix>_provenance``. ``prefix`` defaults to the claim id in lower case ("c1"). Returns
    ``result``."""
    prefix = prefix or result.claim.lower().replace("-", "")
    data_origin = "public-data" if result.kind == "public-data" else "data"

    def origin(key: str) -> str:
        o = result.provenance.get(key, "model")
        return data_origin if o == "data" else o

    for k, v in result.metrics.items():
        glue(k, v, origin=origin(k))
    verdict_origin = "model" if result.kind in ("model", "demonstration") else data_origin
    glue(prefix + "_verdict", stored_verdict(result), origin=verdict_origin)
    glue_wording(prefix, result, origin=verdict_origin)
    glue(prefix + "_margin", stored_margin(result), origin=verdict_origin)
    glue(prefix + "_provenance", dict(result.provenance), origin="parameter")
    return result


#: Column-name endings that carry a unit, and how a reader sees them.
_UNIT_SUFFIXES = {"_nM": " (nM)", "_uM": " (µM)", "_h": " (h)", "_days": " (days)", "_pct": " (%)"}


def readable_column(name: str) -> str:
    """``dose_nM`` -> ``dose (nM)``, ``mutant_fraction`` -> ``mutant fraction``: a column name for
    the page."""
    for suffix, unit in _UNIT_SUFFIXES.items():
        if name.endswith(suffix):
            return name[: -len(suffix)].replace("_", " ") + unit
    return name.replace("_", " ")


def preview(df: Any, n: int = 6, labels: dict[str, str] | None = None, *, digits: int = 3) -> Any:
    """The first ``n`` rows of a tidy table as a page would show it: readable column names with
    units, drug keys replaced by ``labels`` (e.g. ``DRUG_LABELS``), numbers rounded to ``digits``
    decimals, no index.

    Returns a pandas ``Styler`` (rendered as an HTML table in the notebook and on the site).
    """
    from pandas.api.types import is_object_dtype, is_string_dtype

    head = df.head(n).copy()
    for col in head.columns:
        if labels and (is_object_dtype(head[col]) or is_string_dtype(head[col])):
            head[col] = head[col].map(lambda v: labels.get(v, v) if isinstance(v, str) else v)
    head = head.rename(columns=readable_column)
    return head.style.hide(axis="index").format(precision=digits)
