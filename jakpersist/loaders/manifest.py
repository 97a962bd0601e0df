"""data/MANIFEST.yml: the provenance and checksum of every shipped data file, read and written in
one place."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import yaml


def _data_dir() -> Path:
    """``data/`` of a source checkout, or the copy shipped inside the installed wheel
    (``jakpersist/_data``)."""
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / "MANIFEST.yml").is_file():
        return checkout
    return Path(__file__).resolve().parents[1] / "_data"


DATA = _data_dir()
MANIFEST = DATA / "MANIFEST.yml"


def _cache_dir() -> Path:
    """Where every download is kept, one policy for all of them.

    ``$JAKPERSIST_CACHE`` when set; else ``data/cache/`` of a source checkout; else the user's cache
    folder (``$XDG_CACHE_HOME/jakpersist``, default ``~/.cache/jakpersist``). Never inside an
    installed package: site-packages may be read-only and is shared between users.
    """
    if os.environ.get("JAKPERSIST_CACHE"):
        return Path(os.environ["JAKPERSIST_CACHE"])
    if DATA.name == "data":
        return DATA / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jakpersist"


CACHE = _cache_dir()


def example_path(name: str) -> Path:
    """The path of a shipped example input (``data/examples/<name>``; simulated, labelled as such).

    Parameters
    ----------
    name : str
        The example's file name, e.g. ``plate_example.csv``.

    Returns
    -------
    Path
        Its path in the checkout or the installed package.

    Raises
    ------
    FileNotFoundError
        Naming the examples that exist.

    Examples
    --------
    >>> from jakpersist import example_path
    >>> example_path("qpcr_example.csv").name
    'qpcr_example.csv'
    """
    path = DATA / "examples" / name
    if not path.is_file():
        known = ", ".join(sorted(p.name for p in (DATA / "examples").iterdir()))
        raise FileNotFoundError(f"no example {name!r}; shipped examples: {known}")
    return path


class DataFileError(ValueError):
    """A shipped data file is missing or differs from its recorded checksum."""


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def entries() -> dict[str, dict[str, Any]]:
    """Manifest entries by path relative to data/."""
    return {e["path"]: e for e in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["files"]}


def record(path: Path, **fields: Any) -> None:
    """Add or update ``path``'s entry with ``fields`` and its current checksum (comment header
    kept)."""
    rel = Path(path).resolve().relative_to(DATA).as_posix()
    table = entries()
    entry = table.setdefault(rel, {"path": rel})
    entry.update(fields)
    entry["sha256"] = sha256_file(path)
    text = MANIFEST.read_text(encoding="utf-8")
    header = "".join(
        line + "\n" for line in text.split("\nfiles:")[0].splitlines() if line.startswith("#")
    )
    doc = yaml.safe_load(text)
    doc["files"] = list(table.values())  # other sections (e.g. ``remote``: fetched files) are kept
    MANIFEST.write_text(header + yaml.safe_dump(doc, sort_keys=False, width=110), encoding="utf-8")


def verify(path: Path) -> Path:
    """Check ``path`` against its sha256 in data/MANIFEST.yml; returns the path."""
    rel = Path(path).resolve().relative_to(DATA).as_posix()
    entry = entries().get(rel)
    if entry is None:
        raise DataFileError(f"{rel} is not listed in data/MANIFEST.yml")
    if not Path(path).is_file():
        raise DataFileError(f"{path} is missing; regenerate it with: {entry['made_by']}")
    if sha256_file(path) != entry["sha256"]:
        raise DataFileError(f"{path} differs from its checksum in data/MANIFEST.yml")
    return Path(path)
