"""Local Sphinx tweaks for the book.

Sphinx 7.4 writes every inline script added with ``add_js_file(None, body=...)`` twice (fixed upstream in
Sphinx 8.2), which makes browsers report "Identifier ... has already been declared". Passing "" instead of
None as the file name writes it once.
"""
from __future__ import annotations

from typing import Any


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


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _patch)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
