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


def glue_result(result: Any, prefix: str | None = None) -> Any:
    """Glue everything a claim function returned (:class:`jakpersist.claims.base.ClaimResult`): each metric
    under its own key, the verdict under ``<prefix>_verdict`` (+ ``_text``), the signed margin under
    ``<prefix>_margin``, and where each metric came from under ``<prefix>_provenance`` (metric -> "model",
    "data" or "parameter"). ``prefix`` defaults to the claim id in lower case ("c1"). Returns ``result``."""
    prefix = prefix or result.claim.lower().replace("-", "")
    for k, v in result.metrics.items():
        glue(k, v)
    if result.verdict is None:
        glue(prefix + "_verdict", None)
        glue(prefix + "_verdict_text", result.verdict_text)
    else:
        glue_verdict(prefix + "_verdict", result.verdict)
    glue(prefix + "_margin", float(result.margin))
    glue(prefix + "_provenance", dict(result.provenance))
    return result
