"""Local Sphinx tweaks for the book.

- Sphinx 7.4 writes every inline script added with ``add_js_file(None, body=...)`` twice (fixed upstream in
  Sphinx 8.2), which makes browsers report "Identifier ... has already been declared". Passing "" instead of
  None as the file name writes it once.
- A footer on every page naming the book's version, the git commit and the build date (falls back to
  "unknown commit" outside a git checkout; ``SOURCE_DATE_EPOCH`` fixes the date for reproducible builds).
- ``static/jakbook.js`` and ``static/jakbook.css``: click (or Enter) on any figure to see it enlarged; wide
  tables and notebook outputs scroll inside their own box on a phone instead of widening the page. A few lines
  of our own rather than a lightbox extension: the ones on PyPI (sphinxcontrib-images and similar) are
  unmaintained or pull in their own JavaScript libraries.
"""
from __future__ import annotations

import datetime as _dt
import os
import subprocess
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent / "static"


def _patch(app: Any) -> None:
    builder = getattr(app, "builder", None)
    if builder is None or not hasattr(builder, "add_js_file"):
        return
    original = builder.add_js_file

    def add_js_file(filename: str | None, priority: int = 500, **kwargs: Any) -> None:
        if filename is None and kwargs.get("body"):
            filename = ""
        original(filename, priority=priority, **kwargs)

    builder.add_js_file = add_js_file


def _git(args: list[str], cwd: str) -> str:
    """Output of a git command, or "" when git or the repository is missing."""
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def build_info(srcdir: str) -> dict[str, str]:
    """Version of the ``jakpersist`` package, short commit (``+dirty`` with uncommitted changes), build date (UTC)."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            ver = version("jakpersist")
        except PackageNotFoundError:
            ver = "unknown"
    except ImportError:  # pragma: no cover
        ver = "unknown"
    commit = _git(["rev-parse", "--short=10", "HEAD"], srcdir) or "unknown commit"
    if commit != "unknown commit" and _git(["status", "--porcelain", "--untracked-files=no"], srcdir):
        commit += "+dirty"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch else _dt.datetime.now(_dt.timezone.utc)
    return {"version": ver, "commit": commit, "date": when.strftime("%Y-%m-%d")}


def _footer(app: Any, config: Any) -> None:
    info = build_info(app.srcdir)
    config.html_context = {**(config.html_context or {}), "jakbook_build": info}
    text = (f'<p class="jakbook-build">Built from <code>jakpersist</code> {info["version"]}, commit '
            f'<code>{info["commit"]}</code>, on {info["date"]}.</p>')
    opts = dict(config.html_theme_options or {})
    opts["extra_footer"] = (opts.get("extra_footer") or "") + text
    config.html_theme_options = opts
    static = [str(p) for p in (config.html_static_path or [])]
    if str(STATIC) not in static:
        config.html_static_path = [*static, str(STATIC)]


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _patch)
    app.connect("config-inited", _footer)
    app.add_css_file("jakbook.css")
    app.add_js_file("jakbook.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.2"}
