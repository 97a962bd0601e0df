"""What ``jakbook run`` leaves for a reader: a self-contained ``report.html`` and a provenance card.

``report.html`` is the executed notebook converted by nbconvert (``HTMLExporter``, lab template,
code hidden, figures inlined as base64 PNG), after the book's MyST markup has been turned into plain
Markdown a browser can show without Jupyter or Sphinx by the book's one converter
(:func:`jakpersist.book.markdown.myst_to_markdown`): glued values of this run as text, citations by
author and year, page links by title, admonitions and exercises as block quotes, solutions and
comments dropped, a generated box inlined when the book has been built.

``values.json`` (:func:`provenance_card`) records what a run needs to be repeated and trusted: every
parameter value (defaults included), the seed, package version, git commit, sha256 of
``requirements.lock`` and of each input file, the date, and each glued value with its origin.
"""

from __future__ import annotations

import ast
import datetime as _dt
import html
import re
import subprocess
from pathlib import Path
from typing import Any

from .execute import ROOT
from .markdown import format_glued, myst_to_markdown  # noqa: F401  (format_glued: the run card's values)

# --------------------------------------------------------------------------------------------- MyST

# --------------------------------------------------------------------------------------------- HTML

_STYLE = """
<style>
  body { max-width: 980px; margin: 0 auto; padding: 0 16px; }
  .jp-Cell, .jp-OutputArea-output { max-width: 100%; }
  .jp-RenderedImage img, .jp-OutputArea-output img {
    max-width: 100% !important; height: auto !important; }
  code, .jb-report-banner, blockquote { overflow-wrap: anywhere; }
  .jp-RenderedHTMLCommon table { display: block; overflow-x: auto; max-width: 100%; }
  .jb-report-banner, .jb-provenance {
    font-family: var(--jp-content-font-family, system-ui, sans-serif);
    color: var(--jp-content-font-color1, #111); line-height: 1.5; }
  .jb-provenance { padding: 0 20px; }
  .jb-report-banner { border-left: 4px solid #b45309; background: #fff7ed; padding: 8px 12px;
    margin: 12px 0; }
  .jb-figcaption { font-size: 0.92em; color: #374151; margin: 2px 0 18px 0; }
  .jb-provenance { border-top: 1px solid #d1d5db; margin-top: 32px; font-size: 0.9em;
    overflow-wrap: anywhere; }
  .jb-provenance table { border-collapse: collapse; } .jb-provenance td { padding: 1px 10px 1px 0; }
  blockquote { border-left: 4px solid #9ca3af; margin: 12px 0; padding: 4px 12px;
    background: #f9fafb; }
</style>
"""


def provenance_html(card: dict[str, Any]) -> str:
    """An HTML section summarising a provenance card (parameters, inputs with checksums,
    versions)."""
    esc = html.escape
    rows = "".join(
        f"<tr><td><code>{esc(k)}</code></td><td>{esc(repr(v))}</td>"
        f"<td>{'set for this run' if k in card['parameters_set'] else 'default'}</td></tr>"
        for k, v in card["parameters"].items()
    )
    inputs = (
        "".join(
            f"<li><code>{esc(i['path'])}</code> ({i['bytes']:,} bytes), sha256 "
            f"<code>{esc(i['sha256'])}"
            f"</code></li>"
            for i in card["inputs"]
        )
        or "<li>none (simulated or shipped data)</li>"
    )
    counts: dict[str, int] = {}
    for o in card["origin"].values():
        counts[o] = counts.get(o, 0) + 1
    origin = ", ".join(
        f"{n} of unknown origin (the chapter does not say)"
        if o == "unknown"
        else f"{n} from {esc(o)}"
        for o, n in sorted(counts.items())
    )
    return (
        f'<section class="jb-provenance"><h2>Provenance of this run</h2>'
        f"<p>Date {esc(card['date'])}; package jakpersist {esc(str(card['package']['version']))}; "
        "git commit "
        f"<code>{esc(str(card['git_commit']))}</code>; requirements.lock sha256 "
        f"<code>{esc(str(card['requirements_lock_sha256']))}</code>. Glued values: {origin} "
        f"(each listed in values.json).</p><p>Input files:</p><ul>{inputs}</ul>"
        f"<table><thead><tr><th>parameter</th><th>value</th><th></th></tr></thead><tbody>{rows}</tbody>"
        f"</table></section>"
    )


def render_report(
    notebook: str | Path,
    html_path: str | Path,
    values: dict[str, Any],
    *,
    banner: str = "",
    appendix: str = "",
) -> list[str]:
    """Write ``html_path``: the executed ``notebook`` as one self-contained page, code hidden.

    Markdown cells and Markdown outputs go through :func:`myst_to_markdown`; a figure's caption (the
    cell's ``mystnb.figure.caption``) is printed under it; cells tagged ``remove-cell`` and outputs
    tagged ``remove-output`` are dropped. ``banner`` (HTML) goes at the top, ``appendix`` (HTML) at
    the end. Returns the glue keys that had no value (empty when every placeholder was filled).
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(notebook), as_version=4)
    missing: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = myst_to_markdown(cell.source, values, missing=missing)
            continue
        if cell.cell_type != "code":
            continue
        cell.outputs = [
            o
            for o in cell.get("outputs", [])  # glued values are shown in the text instead
            if not o.get("data")
            or not all(k.startswith("application/papermill.record/") for k in o["data"])
        ]
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = myst_to_markdown(
                    data["text/markdown"], values, missing=missing
                )
        caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
        if caption and any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            cell.outputs.append(
                nbformat.v4.new_output(
                    "display_data",
                    data={
                        "text/html": f'<p class="jb-figcaption"><b>Figure.</b> '
                        f"{html.escape(' '.join(str(caption).split()))}</p>"
                    },
                )
            )
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={"remove-cell"},
            remove_all_outputs_tags={"remove-output"},
            enabled=True,
        ),
        enabled=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    # self-contained: no script from a CDN (no widgets need require.js; the chapters' text has no
    # TeX)
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = body.replace("</head>", _STYLE + "</head>", 1)
    if banner:
        body = re.sub(
            r"(<body[^>]*>)",
            lambda m: m.group(1) + f'<div class="jb-report-banner">{banner}</div>',
            body,
            count=1,
        )
    if appendix:
        body = (
            body.replace("</main>", appendix + "</main>", 1)
            if "</main>" in body
            else body.replace("</body>", appendix + "</body>", 1)
        )
    Path(html_path).write_text(body, encoding="utf-8")
    return sorted(set(missing))


# --------------------------------------------------------------------------------------------- card


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file."""
    from ..loaders.manifest import sha256_file

    return sha256_file(Path(path))


def git_commit(root: Path = ROOT) -> str | None:
    """The commit checked out at ``root`` (with ``+dirty`` if tracked files changed), or None
    without git."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return head.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _default(text: Any) -> Any:
    try:
        return ast.literal_eval(text) if isinstance(text, str) else text
    except (ValueError, SyntaxError):
        return text


def _default_origin(chapter: str, params: dict[str, Any]) -> str:
    if params.get("data_path") or params.get("use_geo_cache"):
        return "unknown"
    try:
        from .registry import load

        kinds = {c.evidence for c in load() if Path(c.notebook).stem == chapter}
    except Exception:  # noqa: BLE001 - the card must be written even if the registry cannot be read
        kinds = set()
    return kinds.pop() if len(kinds) == 1 else "unknown"


def provenance_card(
    chapter: str,
    declared: dict[str, dict[str, Any]],
    given: dict[str, Any],
    *,
    glued: dict[str, Any],
    origins: dict[str, str],
    seconds: float | None = None,
) -> dict[str, Any]:
    """The run's provenance card (written as values.json).

    ``declared`` is the chapter's parameters cell (:func:`jakpersist.book.execute.parameters_of`),
    ``given`` the validated values set for this run, ``glued`` every glued value and ``origins`` the
    origin a chapter declared for some of them (see :func:`jakpersist.book.chapter.glue`). A value
    without a declared origin is "unknown" in a run on the reader's data, else the chapter's
    evidence kind in the claims registry ("model" or "public-data"; "unknown" for a chapter that may
    use a downloaded public data set).
    """
    from importlib.metadata import PackageNotFoundError, version

    params = {k: _default(v["default"]) for k, v in declared.items()}
    params.update(given)
    try:
        pkg = version("jakpersist")
    except PackageNotFoundError:
        pkg = None
    inputs = []
    if params.get("data_path"):
        from ..loaders.platemap import input_files

        for f in input_files(params["data_path"]):
            inputs.append({"path": str(f), "sha256": sha256(f), "bytes": Path(f).stat().st_size})
    lock = ROOT / "requirements.lock"
    fallback = _default_origin(chapter, params)
    return {
        "chapter": chapter,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "evidence": "your data" if params.get("data_path") else "simulated (model) or public data",
        "parameters": params,
        "parameters_set": given,
        "seed": params.get("seed"),
        "package": {"name": "jakpersist", "version": pkg},
        "git_commit": git_commit(),
        "requirements_lock_sha256": sha256(lock) if lock.is_file() else None,
        "inputs": inputs,
        "seconds": None if seconds is None else round(seconds, 1),
        "glued": glued,
        "origin": {k: origins.get(k, fallback) for k in glued},
    }
