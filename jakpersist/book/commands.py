"""The ``jakbook`` subcommands beside running chapters: course tooling, shipped data, examples.

Every entry point of the package is a subcommand of the one ``jakbook`` command
(:mod:`jakpersist.book.cli`); the modules below keep their functions and have no ``__main__``:

jakbook assignments [CHAPTER ...] [--roster ids.txt]   # graded assignments (make assignments)
jakbook grades {answers,grade,collect,predictions} ...  # grade a class (book/instructor.md)
jakbook course-site [--out DIR]                         # site without solutions (course-site)
jakbook data {geo,hts,genesets,gdsc}                    # downloads and shipped public data
jakbook record data/atlas                               # enter shipped results in data/MANIFEST.yml
jakbook examples [--only tables|exports]                # rewrite data/examples/ (simulated)
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

#: Subcommands with a parser of their own: name -> (module whose ``main(argv)`` runs it, help).
DELEGATED: dict[str, tuple[str, str]] = {
    "assignments": (
        "jakpersist.book.assign",
        "graded otter-grader assignments per chapter (make assignments)",
    ),
    "grades": (
        "jakpersist.book.grades",
        "grade a class: answers, grade, collect, predictions",
    ),
    "course-site": (
        "jakpersist.book.coursesite",
        "the course edition of the site, without solutions (make course-site)",
    ),
}


def run_delegated(name: str, argv: list[str]) -> int:
    """Run the delegated subcommand ``name`` with its own arguments ``argv``."""
    return int(importlib.import_module(DELEGATED[name][0]).main(argv) or 0)


def cmd_data(args: argparse.Namespace) -> int:
    """Fetch a download into the cache, or rebuild a shipped public-data file."""
    if args.what == "geo":
        from ..loaders import geo_cli

        return geo_cli.main()
    if args.what == "hts":
        from ..loaders import hts

        return hts.main([])
    from ..loaders import publicdata

    source = Path(args.source) if args.source else None
    make = (
        publicdata.regenerate_gene_sets if args.what == "genesets" else publicdata.regenerate_gdsc
    )
    print(make(source))
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    """Record a folder of shipped results in data/MANIFEST.yml."""
    from ..atlas import record

    try:
        return record.main(args.folder, args.which)
    except KeyError as exc:
        print(f"jakbook record: error: {exc.args[0]}", file=sys.stderr)
        return 2


def cmd_examples(args: argparse.Namespace) -> int:
    """Rewrite the example reader files (tables first: the exports are made from them)."""
    written: list[Path] = []
    if args.only in (None, "tables"):
        from . import examples

        written += examples.write_all()
    if args.only in (None, "exports"):
        from ..loaders import export_examples

        written += export_examples.write_all()
    for p in written:
        print(p)
    return 0


def add_parsers(sub: Any) -> None:
    """Add the subcommands of this module to ``jakbook``'s subparsers ``sub``."""
    for name, (_, text) in DELEGATED.items():
        # listed in `jakbook --help`; the module's own parser reads the arguments (and --help)
        sub.add_parser(name, help=text, add_help=False)
    p = sub.add_parser(
        "data",
        help="downloads (GEO series, hts007 screen) and shipped public data (gene sets, GDSC1)",
        description="geo: download GSE38335 into the cache (make data); hts: fetch and verify "
        "the hts007 screen (make data-hts); genesets, gdsc: rebuild the shipped public files "
        "from their PyPI packages and record their checksums (by hand, needs internet)",
    )
    p.add_argument("what", choices=("geo", "hts", "genesets", "gdsc"))
    p.add_argument(
        "source",
        nargs="?",
        help="genesets: a local scspectra 0.2.1 wheel; gdsc: a local gdsctools 1.0.1 source "
        "tarball (default: downloaded)",
    )
    p.set_defaults(func=cmd_data)
    p = sub.add_parser(
        "record", help="record shipped results (data/atlas, data/rivals) in data/MANIFEST.yml"
    )
    p.add_argument("folder", help="the folder of shipped results, e.g. data/atlas")
    p.add_argument("--which", help="atlas or rivals (default: the folder's name)")
    p.set_defaults(func=cmd_record)
    p = sub.add_parser(
        "examples", help="rewrite the example reader files in data/examples/ (simulated, seeded)"
    )
    p.add_argument(
        "--only",
        choices=("tables", "exports"),
        help="tables: the tidy CSVs; exports: their instrument and spreadsheet forms "
        "(default: both, tables first)",
    )
    p.set_defaults(func=cmd_examples)
