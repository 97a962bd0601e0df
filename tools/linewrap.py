"""Bring Python files to the project's line length (100) without changing what the code does.

Run from the project root with the project's environment::

    .venv/bin/python tools/linewrap.py              # every file ruff checks; prints what is left
    .venv/bin/python tools/linewrap.py jakpersist   # some paths only
    .venv/bin/python tools/linewrap.py --check      # change nothing; exit 1 if a file would change

Steps, each deterministic (the same input gives the same output, and a second run changes nothing):

1. ``ruff format`` (the project's settings in ``pyproject.toml``: line length 100) lays out the
   code;
2. comments and the prose of docstrings are rewrapped to 100 columns. A long line gives its last
   words to the next line of the same paragraph (same indentation, also prose), or to a new line
   under it; nothing else moves. Left as they are: numpydoc section headers and ``name : type``
   lines, list markers (a list item's continuation keeps the item's hanging indent), tables, doctest
   lines and their output, literal blocks after ``::``, ``..`` directives, and pragma comments
   (``noqa``, ``type:``, ``pragma``, ``fmt:``). A trailing comment that makes its line too long
   moves onto its own line above the code;
3. long plain string literals (f-strings included) are split at a space into implicitly concatenated
   pieces, inside the brackets they are in, or in parentheses added around a lone literal. An
   f-string is never split inside a replacement field, and a piece without one loses its ``f``
   (pyflakes F541). A ``# noqa`` that ``ruff format`` left on the first line of a split import is
   copied onto each imported name;
4. ``ruff format`` once more.

Safety: after steps 2-3 every file must parse to the same syntax tree as after step 1, docstrings
compared with their whitespace collapsed; a file that does not is put back as ``ruff format`` left
it and reported. The report lists every line still over 100 columns with its kind (code, comment,
docstring, string, other): those need a hand edit (a URL, a long name, a table row, a doctest).
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import subprocess
import sys
import tokenize
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 100
RUFF = Path(sys.executable).parent / "ruff"
PRAGMA = re.compile(r"#\s*(noqa|type:|pragma|fmt:|nosec|pyright:|mypy:)")
SPECIAL_PROSE = re.compile(
    r"^(>>>|\.\.\.|\.\. |[|+]|={3,}|-{3,}|~{3,}|:\w[\w ]*:(?!`)|\S+ : |https?://)"
)
TABLE_BORDER = re.compile(r"=+( +=+)+")
ALIGNED = re.compile(r"\S {3,}\S")
LIST_ITEM = re.compile(r"^([-*•]|\d+[.)])\s+")
SPECIAL_COMMENT = re.compile(r"^#\s*(-{3,}|={3,}|noqa|type:|pragma|fmt:|region|endregion|!)")


# ------------------------------------------------------------------------------------------ helpers


def _ruff_format(paths: list[Path]) -> None:
    subprocess.run([str(RUFF), "format", "--quiet", *map(str, paths)], cwd=ROOT, check=False)


def python_files(paths: list[str]) -> list[Path]:
    """The Python files ruff checks under ``paths`` (its excludes and ``extend-exclude``
    applied)."""
    out = subprocess.run(
        [str(RUFF), "check", "--show-files", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return sorted(Path(line.strip()) for line in out.splitlines() if line.strip().endswith(".py"))


def _docstring_lines(tree: ast.AST) -> set[int]:
    """1-based line numbers inside docstrings (module, class and function)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
        ):
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


class _Normalise(ast.NodeTransformer):
    """Docstrings with whitespace collapsed (the rewrapping may move line breaks inside them)."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
        ):
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                first.value.value = " ".join(first.value.value.split())
        return super().generic_visit(node)


def same_tree(a: str, b: str) -> bool:
    """Whether two sources parse to the same syntax tree (docstring whitespace aside)."""
    try:
        ta, tb = ast.parse(a), ast.parse(b)
    except SyntaxError:
        return False
    return ast.dump(_Normalise().visit(ta)) == ast.dump(_Normalise().visit(tb))


def _split_words(text: str, room: int) -> tuple[str, str] | None:
    """``text`` cut at the last space that leaves at most ``room`` characters before it: (head,
    tail)."""
    if room <= 0:
        return None
    cut = text.rfind(" ", 0, room + 1)
    while cut > 0 and text[cut - 1] == " ":
        cut -= 1
    if cut <= 0:
        return None
    return text[:cut].rstrip(), text[cut:].strip()


# -------------------------------------------------------------------------------------------- prose


def _carry(lines: list[str], i: int, prefix_of, continues) -> bool:
    """Rewrap line ``i`` by carrying its overflow words onward. ``prefix_of(line)`` gives (prefix,
    text) of a prose line and the prefix its continuation takes; ``continues(j, prefix)`` whether
    line ``j`` continues the paragraph with that prefix. Returns whether anything changed."""
    changed = False
    while i < len(lines) and len(lines[i]) > WIDTH:
        first, cont, text = prefix_of(lines[i])
        parts = _split_words(text, WIDTH - len(first))
        if parts is None:
            return changed
        head, tail = parts
        lines[i] = first + head
        if i + 1 < len(lines) and continues(i + 1, cont):
            lines[i + 1] = cont + tail + " " + lines[i + 1][len(cont) :].strip()
        else:
            lines.insert(i + 1, cont + tail)
        changed = True
        i += 1
    return changed


def _docstring_prefix(line: str) -> tuple[str, str, str]:
    indent = len(line) - len(line.lstrip())
    body = line[indent:]
    quote = re.match(r'^[rRuU]?("""|\'\'\')', body)
    lead = quote.group(0) if quote else ""
    item = LIST_ITEM.match(body[len(lead) :])
    marker = item.group(0) if item else ""
    first = line[:indent] + lead + marker
    return first, " " * (indent + len(marker)), line[len(first) :]


def _protected_docstring_lines(lines: list[str], doc: set[int]) -> set[int]:
    """0-based docstring lines that are not prose: doctests and their output, literal blocks after
    ``::``, tables, section underlines and what sits above them, directives and their bodies."""
    keep: set[int] = set()
    in_doctest = in_table = False
    literal_indent = None
    directive_indent = None
    for j, line in enumerate(lines):
        if j + 1 not in doc:
            in_doctest, in_table, literal_indent, directive_indent = False, False, None, None
            continue
        s = line.strip()
        if TABLE_BORDER.fullmatch(s):  # a simple table: every line from top to bottom border
            keep.add(j)
            after = lines[j + 1].strip() if j + 1 < len(lines) and j + 2 in doc else ""
            in_table = not in_table or not (after == "" or after.startswith(('"""', "'''")))
            continue
        if in_table or ALIGNED.search(s):  # table rows, and columns aligned by runs of spaces
            keep.add(j)
            continue
        ind = len(line) - len(line.lstrip())
        if not s:
            in_doctest = False
            continue
        if literal_indent is not None and ind <= literal_indent:
            literal_indent = None
        if directive_indent is not None and ind <= directive_indent:
            directive_indent = None
        if s.startswith(">>>"):
            in_doctest = True
        if (
            in_doctest
            or literal_indent is not None
            or directive_indent is not None
            or SPECIAL_PROSE.match(s)
        ):
            keep.add(j)
        if s.startswith(".. "):
            directive_indent = ind
        if s.endswith("::") and not s.startswith(">>>"):
            literal_indent = ind
        if re.fullmatch(r"[-=~^]{3,}", s) and j > 0:
            keep.update({j, j - 1})
    return keep


def wrap_docstrings(lines: list[str], doc: set[int]) -> bool:
    """Rewrap long prose lines inside docstrings (0-based ``lines``; ``doc``: 1-based docstring
    lines)."""
    changed = False
    keep = _protected_docstring_lines(lines, doc)

    def continues(j: int, cont: str) -> bool:
        line = lines[j]
        if j + 1 not in doc or j in keep or not line.strip() or not line.startswith(cont):
            return False
        rest = line[len(cont) :]
        return (
            not rest.startswith(" ")
            and not LIST_ITEM.match(rest)
            and not rest.startswith(('"""', "'''"))
        )

    i = 0
    while i < len(lines):
        if i + 1 in doc and i not in keep and len(lines[i]) > WIDTH:
            before = len(lines)
            if _carry(lines, i, _docstring_prefix, continues):
                changed = True
                added = len(lines) - before
                if added:  # line numbers below moved: shift the docstring set and protected lines
                    doc_shift = {n if n <= i + 1 else n + added for n in doc} | set(
                        range(i + 2, i + 2 + added)
                    )
                    doc.clear()
                    doc.update(doc_shift)
                    keep = _protected_docstring_lines(lines, doc)
        i += 1
    return changed


def _comment_columns(source: str) -> dict[int, int]:
    """0-based line -> column of a comment token on that line."""
    out = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0] - 1] = tok.start[1]
    except (tokenize.TokenError, SyntaxError):
        pass
    return out


def _comment_prefix(line: str) -> tuple[str, str, str]:
    col = line.index("#")
    m = re.match(r"#:?\s*", line[col:])
    lead = m.group(0) if m else "# "
    item = LIST_ITEM.match(line[col + len(lead) :])
    marker = item.group(0) if item else ""
    first = line[:col] + lead + marker
    return first, " " * col + lead + " " * len(marker), line[len(first) :]


def wrap_comments(lines: list[str], source: str) -> bool:
    """Rewrap long full-line comments; move a long trailing comment onto its own line above its
    code."""
    cols = _comment_columns(source)
    changed = False
    full = {j for j, c in cols.items() if not lines[j][:c].strip()}

    def continues(j: int, cont: str) -> bool:
        line = lines[j]
        if j not in full or not line.startswith(cont) or SPECIAL_COMMENT.match(line.strip()):
            return False
        rest = line[len(cont) :]
        return bool(rest.strip()) and not rest.startswith(" ") and not LIST_ITEM.match(rest)

    for j in sorted(cols, reverse=True):  # bottom up: insertions do not move the lines still to do
        line = lines[j]
        if len(line) <= WIDTH or PRAGMA.search(line[cols[j] :]):
            continue
        if j in full:
            rule = max(re.findall(r"-{4,}|={4,}", line), key=len, default="")
            if (
                len(rule) > len(line) - WIDTH + 3
            ):  # a ruler (# ---- name ----): shorten its longest run
                at = line.index(rule)
                lines[j] = (
                    line[:at] + rule[: len(rule) - (len(line) - WIDTH)] + line[at + len(rule) :]
                )
                changed = True
            elif not SPECIAL_COMMENT.match(line.strip()):
                changed |= _carry(lines, j, _comment_prefix, continues)
            continue
        code, comment = line[: cols[j]].rstrip(), line[cols[j] :]
        if len(code) > WIDTH or (j > 0 and lines[j - 1].rstrip().endswith("\\")):
            continue
        indent = " " * (len(code) - len(code.lstrip()))
        lines[j] = code
        lines.insert(j, indent + comment)
        _carry(lines, j, _comment_prefix, lambda k, cont: False)
        changed = True
    return changed


# ------------------------------------------------------------------------------------------ strings

_PREFIX = re.compile(r"^([rRbBuUfF]{0,2})(['\"])")


def _split_literal(tok: str, room: int) -> list[str] | None:
    """A one-line string literal ``tok`` as pieces whose concatenation is the same value, the first
    at most ``room`` characters; None when it cannot be split safely (no space outside a replacement
    field or a ``\\N{...}`` escape)."""
    m = _PREFIX.match(tok)
    if not m or tok[len(m.group(1)) :].startswith(m.group(2) * 3):
        return None
    prefix, q = m.group(1), m.group(2)
    body = tok[len(prefix) + 1 : -1]
    is_f = "f" in prefix.lower()
    ok = []  # positions after a space where a cut is safe
    depth, k = 0, 0
    while k < len(body):
        ch = body[k]
        if ch == "\\" and "r" not in prefix.lower():
            if body[k + 1 : k + 2] == "N" and body[k + 2 : k + 3] == "{":
                k = body.index("}", k) + 1 if "}" in body[k:] else len(body)
                continue
            k += 2
            continue
        if is_f and ch in "{}":
            if body[k : k + 2] in ("{{", "}}") and depth == 0:
                k += 2
                continue
            depth += 1 if ch == "{" else -1
        elif ch == " " and depth == 0 and k + 1 < len(body) and body[k + 1] != " ":
            ok.append(k + 1)
        k += 1
    room_body = room - len(prefix) - 2
    cuts = [c for c in ok if 10 <= c <= room_body]
    if not cuts:
        return None
    c = cuts[-1]
    pieces = []
    for part in (body[:c], body[c:]):
        p = prefix
        if is_f and "{" not in part and "}" not in part:
            p = prefix.replace("f", "").replace("F", "")
        pieces.append(f"{p}{q}{part}{q}")
    return pieces


def split_strings(source: str) -> str:
    """Split long one-line string literals (not docstrings) on lines over the width, one cut per
    pass."""
    for _ in range(2000):  # each pass makes one cut; bounded
        lines = source.splitlines(keepends=True)
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
            doc = _docstring_lines(ast.parse(source))
        except (tokenize.TokenError, SyntaxError):
            return source
        depth = 0
        done = False
        for n, tok in enumerate(tokens):
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
            if tok.type != tokenize.STRING or tok.start[0] != tok.end[0] or tok.start[0] in doc:
                continue
            row, col = tok.start[0] - 1, tok.start[1]
            line = lines[row]
            if len(line.rstrip("\n")) <= WIDTH or tok.end[1] <= WIDTH - 8:
                continue
            neighbours = (
                tokens[n - 1].type == tokenize.STRING or tokens[n + 1].type == tokenize.STRING
            )
            wrap = depth == 0
            if wrap and neighbours:
                continue
            room = WIDTH - col - (1 if wrap else 0)
            pieces = _split_literal(tok.string, room)
            if pieces is None:
                continue
            pad = " " * (col + (1 if wrap else 0))
            joined = pieces[0] + "\n" + pad + pieces[1]
            if wrap:
                joined = "(" + joined + ")"
            lines[row] = line[:col] + joined + line[tok.end[1] :]
            source = "".join(lines)
            done = True
            break
        if not done:
            return source
    return source


# ------------------------------------------------------------------------------------------- driver


def spread_import_pragmas(source: str) -> str:
    """A ``# noqa`` that ``ruff format`` leaves on one line of an import it split over several lines
    covers that line only, so it is copied onto every imported name's line."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.splitlines()
    for node in ast.walk(tree):
        if (
            not isinstance(node, ast.ImportFrom)
            or node.end_lineno is None
            or node.end_lineno == node.lineno
        ):
            continue
        first, last = node.lineno - 1, node.end_lineno - 1
        found = [re.search(r"#\s*noqa(?::\s*[\w, ]+)?", lines[k]) for k in range(first, last + 1)]
        pragma = next((f.group(0).strip() for f in found if f), None)
        if pragma is None:
            continue
        for k in (first, last):
            lines[k] = re.sub(r"\s*#\s*noqa(?::\s*[\w, ]+)?\s*$", "", lines[k])
        for k in range(first + 1, last):
            if "#" not in lines[k] and lines[k].strip():
                lines[k] = lines[k].rstrip() + "  " + pragma
    return "\n".join(lines) + "\n"


def rewrap(source: str) -> str:
    """Steps 2 and 3 on one formatted file's text (see the module docstring)."""
    source = spread_import_pragmas(source)
    lines = source.splitlines()
    try:
        doc = _docstring_lines(ast.parse(source))
    except SyntaxError:
        return source
    wrap_docstrings(lines, set(doc))
    text = "\n".join(lines) + "\n"
    lines = text.splitlines()
    wrap_comments(lines, text)
    text = "\n".join(lines) + "\n"
    return split_strings(text)


def kind_of(path: Path, lineno: int) -> str:
    """What a long line is: docstring, comment, string, code or other."""
    text = path.read_text(encoding="utf-8")
    try:
        if lineno in _docstring_lines(ast.parse(text)):
            return "docstring"
    except SyntaxError:
        return "other"
    line = text.splitlines()[lineno - 1]
    if line.lstrip().startswith("#"):
        return "comment"
    try:
        toks = [
            t
            for t in tokenize.generate_tokens(io.StringIO(text).readline)
            if t.start[0] <= lineno <= t.end[0]
        ]
    except (tokenize.TokenError, SyntaxError):
        return "other"
    if any(t.type == tokenize.COMMENT for t in toks):
        return "comment"
    if any(
        t.type == tokenize.STRING and (t.end[1] > WIDTH or t.start[0] != t.end[0]) for t in toks
    ):
        return "string"
    return "code"


def long_lines(paths: list[str]) -> list[tuple[str, int, str]]:
    """(file, line, kind) of every line over the width that ruff reports (E501)."""
    out = subprocess.run(
        [
            str(RUFF),
            "check",
            "--select",
            "E501",
            "--output-format",
            "concise",
            "--no-cache",
            *paths,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    found = []
    for line in out.splitlines():
        m = re.match(r"^(.+?\.py):(\d+):\d+: E501", line)
        if m:
            found.append((m.group(1), int(m.group(2)), kind_of(ROOT / m.group(1), int(m.group(2)))))
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "paths", nargs="*", default=["."], help="files or folders (default: the whole project)"
    )
    ap.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a file would change"
    )
    ap.add_argument("--list", action="store_true", help="list every line still too long")
    args = ap.parse_args(argv)
    files = python_files(args.paths)
    originals = {f: (ROOT / f).read_text(encoding="utf-8") for f in files}
    _ruff_format(files)
    formatted = {f: (ROOT / f).read_text(encoding="utf-8") for f in files}
    refused = []
    for f in files:
        new = rewrap(formatted[f])
        if new != formatted[f] and not same_tree(formatted[f], new):
            refused.append(f)
            continue
        (ROOT / f).write_text(new, encoding="utf-8")
    _ruff_format(files)
    changed = [f for f in files if (ROOT / f).read_text(encoding="utf-8") != originals[f]]
    if args.check:
        for f in files:
            (ROOT / f).write_text(originals[f], encoding="utf-8")
        print(f"{len(changed)} of {len(files)} files would change")
        return int(bool(changed))
    left = long_lines(args.paths)
    print(
        f"{len(changed)} of {len(files)} files changed; {len(left)} lines still over {WIDTH} "
        "columns"
    )
    for f in refused:
        print(f"  not rewrapped (the syntax tree would change; formatted only): {f}")
    for kind, n in Counter(k for _, _, k in left).most_common():
        print(f"  {kind}: {n}")
    if args.list:
        for f, n, k in left:
            print(f"  {f}:{n}: {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
