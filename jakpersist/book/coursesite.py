"""The course edition of the site: the public book without what a graded course must keep private.

``jakbook course-site`` (``make course-site``) builds it into
``_build/course/html`` from the executed chapters of ``make book``, staged in ``_build/course/src``
(the public build is not touched). Left out:

- the solution dropdowns (``:::{solution}`` blocks) and the code cells tagged ``solution`` with
  their outputs (the glued worked answers);
- the ``_sources`` copy of each page and its ``.ipynb`` download button (``html_copy_source:
  false``, ``use_download_button: false``);
- the instructor guide (``book/instructor.md``: model answers) and the links to it;
- the expected verdicts of the counterfactuals on the claims page (the "predict, then check"
  exercises ask for them).

Everything else (text, figures, verdicts of the default runs) is the public site's.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .execute import ROOT, without_solutions

OUT = ROOT / "_build" / "course"
LEFT_OUT = "book/instructor"
MUST_FLIP = re.compile(r"^- \*\*Must flip under:\*\*.*$", re.MULTILINE)
MUST_FLIP_COURSE = (
    "- **Must flip under:** left out of the course edition (the exercises ask you to predict it)."
)
DOC_INSTRUCTOR = re.compile(r"\{doc\}`(?:[^`<]*<)?(?:\.\./)?instructor>?`")


def stage(dest: Path, root: Path = ROOT) -> Path:
    """Copy the book's sources into ``dest`` as the course edition (see the module docstring)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(
        root / "book", dest / "book", ignore=shutil.ignore_patterns("instructor.md", ".stamp")
    )
    for f in ("_config.yml", "_toc.yml"):
        shutil.copy(root / f, dest / f)
    # the simulated example inputs the "Your data" page offers for download
    shutil.copytree(root / "data" / "examples", dest / "data" / "examples")
    for nb_path in (dest / "book" / "chapters").glob("*.ipynb"):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        nb_path.write_text(json.dumps(without_solutions(nb), indent=1), encoding="utf-8")
    for md in (dest / "book").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        new = MUST_FLIP.sub(MUST_FLIP_COURSE, text)
        new = DOC_INSTRUCTOR.sub("your instructor", new)
        if new != text:
            md.write_text(new, encoding="utf-8")
    toc = dest / "_toc.yml"
    toc.write_text(
        "".join(
            ln
            for ln in toc.read_text(encoding="utf-8").splitlines(keepends=True)
            if f"file: {LEFT_OUT}" not in ln
        ),
        encoding="utf-8",
    )
    cfg = dest / "_config.yml"
    text = cfg.read_text(encoding="utf-8").replace(
        "use_download_button: true", "use_download_button: false"
    )
    text = text.replace(
        "  config:\n",
        "  config:\n    html_copy_source: false\n    html_show_sourcelink: false\n",
        1,
    )
    text = text.replace('title: "', 'title: "(Course edition) ', 1)
    cfg.write_text(text, encoding="utf-8")
    return dest


def build(out: Path = OUT, strict: bool = True) -> Path:
    """Stage and build the course edition; returns the folder of its HTML. Raises RuntimeError if
    the build fails (the executed chapters come from ``make book``: FileNotFoundError if there are
    none)."""
    if not list((ROOT / "book" / "chapters").glob("*.ipynb")):
        raise FileNotFoundError("no executed chapters in book/chapters: run `make book` first")
    src = stage(out / "src")
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        "--all",
        "--keep-going",
        "--quiet",
        "--path-output",
        str(out),
        str(src),
    ]
    if strict:
        cmd[3:3] = ["-W", "-n"]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=src)
    html = out / "_build" / "html"
    if r.returncode or not (html / "index.html").is_file():
        raise RuntimeError(f"course site build failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return html


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="jakbook course-site",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    try:
        html = build(Path(args.out))
    except (RuntimeError, FileNotFoundError) as exc:
        print(f"course-site: error: {exc}", file=sys.stderr)
        return 2
    print(f"course site: file://{html / 'index.html'}")
    return 0
