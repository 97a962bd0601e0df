"""Helpers that every chapter notebook calls: parameter validation, glue, evidence banners.

Kept free of plotting and of any one chapter's science.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model.params import ALL_PARAMS, Param

EVIDENCE_KINDS = {
    "public-data": "Public data",
    "model": "Model (virtual experiment)",
    "reader-data": "Your data",
}


class ParameterError(ValueError):
    """A chapter parameter has a wrong type or an out-of-range value."""


def check_value(p: Param, value: Any) -> Any:
    """Return ``value`` converted to ``p``'s type, or raise :class:`ParameterError` naming the problem."""
    where = f"parameter '{p.name}' = {value!r}"
    valid = f"valid: {p.range_text()}" + (f" ({p.unit})" if p.unit else "")
    if p.type is bool:
        if not isinstance(value, bool):
            raise ParameterError(f"{where} is not True/False; {valid}")
        return value
    if p.type is str:
        if not isinstance(value, str):
            raise ParameterError(f"{where} is not text; {valid}")
        if p.choices is not None and value not in p.choices:
            raise ParameterError(f"{where} is not allowed; {valid}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"{where} is not a number; {valid}")
    if p.type is int:
        if isinstance(value, float) and not value.is_integer():
            raise ParameterError(f"{where} is not a whole number; {valid}")
        value = int(value)
    else:
        value = float(value)
    if value != value:  # nan
        raise ParameterError(f"{where} is not a number; {valid}")
    if (p.lo is not None and value < p.lo) or (p.hi is not None and value > p.hi):
        raise ParameterError(f"{where} is out of range; {valid}")
    return value


def validate_parameters(namespace: dict[str, Any]) -> dict[str, Any]:
    """Validate every declared parameter found in ``namespace`` (a notebook's ``globals()``).

    Returns the validated values. A non-empty ``data_path`` must name an existing file.
    """
    values = {}
    for name, p in ALL_PARAMS.items():
        if name in namespace:
            values[name] = check_value(p, namespace[name])
    dp = values.get("data_path")
    if dp:
        path = Path(dp).expanduser()
        if not path.is_file():
            raise ParameterError(f"parameter 'data_path' = {dp!r}: no such file (relative paths are taken "
                                 f"from the folder the notebook runs in: {Path.cwd()})")
        values["data_path"] = str(path.resolve())
    return values


def glue(name: str, value: Any, display: bool = False) -> Any:
    """Glue a value for the book and the tests; NumPy scalars become plain Python numbers."""
    from myst_nb import glue as _glue

    if hasattr(value, "item") and not isinstance(value, (list, dict)):
        value = value.item()
    _glue(name, value, display=display)
    return value


def glue_verdict(name: str, verdict: bool) -> bool:
    """Glue a boolean verdict under ``name`` and a readable form under ``name + '_text'``."""
    verdict = bool(verdict)
    glue(name, verdict)
    glue(name + "_text", "supported" if verdict else "not supported")
    return verdict


def evidence_banner(kind: str, detail: str) -> Any:
    """A Markdown banner stating which kind of evidence this run used (shown at the top of a chapter)."""
    from IPython.display import Markdown

    if kind not in EVIDENCE_KINDS:
        raise ValueError(f"unknown evidence kind {kind!r}; valid: {', '.join(EVIDENCE_KINDS)}")
    cls = {"model": "warning", "public-data": "note", "reader-data": "tip"}[kind]
    return Markdown(f"```{{admonition}} Evidence in this run: {EVIDENCE_KINDS[kind]}\n:class: {cls}\n"
                    f"{detail}\n```")


#: Column-name endings that carry a unit, and how a reader sees them.
_UNIT_SUFFIXES = {"_nM": " (nM)", "_uM": " (µM)", "_h": " (h)", "_days": " (days)", "_pct": " (%)"}


def readable_column(name: str) -> str:
    """``dose_nM`` -> ``dose (nM)``, ``mutant_fraction`` -> ``mutant fraction``: a column name for the page."""
    for suffix, unit in _UNIT_SUFFIXES.items():
        if name.endswith(suffix):
            return name[: -len(suffix)].replace("_", " ") + unit
    return name.replace("_", " ")


def preview(df: Any, n: int = 6, labels: dict[str, str] | None = None, digits: int = 3) -> Any:
    """The first ``n`` rows of a tidy table as a page would show it: readable column names with units, drug keys
    replaced by ``labels`` (e.g. ``DRUG_LABELS``), numbers rounded to ``digits`` decimals, no index.

    Returns a pandas ``Styler`` (rendered as an HTML table in the notebook and on the site).
    """
    from pandas.api.types import is_object_dtype, is_string_dtype

    head = df.head(n).copy()
    for col in head.columns:
        if labels and (is_object_dtype(head[col]) or is_string_dtype(head[col])):
            head[col] = head[col].map(lambda v: labels.get(v, v) if isinstance(v, str) else v)
    head = head.rename(columns=readable_column)
    return head.style.hide(axis="index").format(precision=digits)
