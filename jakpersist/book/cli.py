"""``jakbook``: execute chapters, re-run one with new parameters, list parameters, render the claims
page.

jakbook params c1_persistence                      # every parameter: type, default, unit, help
jakbook run c1_persistence --set hetero_advantage=1 [--params my.yaml] [--out runs]
jakbook execute notebooks/c1_persistence.md book/chapters/c1_persistence.ipynb
jakbook generate                                   # book/generated/*.md from the code
jakbook sweep c1_persistence --set noise_sd=0.1 --seeds 1-10 [--workers 2] [--out table.csv]
jakbook atlas | rivals ...                         # the robustness atlas, the rival models
jakbook assignments | grades | course-site ...     # course tooling
jakbook data {geo,hts,genesets,gdsc} | record FOLDER | examples   # data and shipped files

`jakbook SUBCOMMAND --help` describes each.
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from . import execute as ex
from .report import provenance_card, provenance_html, render_report
from .chapter import ParameterError, check_value, unknown_parameters_error, validate_parameters
from .params import PARAMS
from .commands import DELEGATED, add_parsers, run_delegated
from .rivals_cmd import add_rivals_parser


class RunFailed(RuntimeError):
    """A chapter raised an error while running (bad data file, failed fit, ...)."""


_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


def typed_value(name: str, text: str) -> Any:
    """Convert one ``--set`` value by the declared type of parameter ``name`` (not by YAML).

    Text parameters take the value literally (a path with `` #``, ``: `` or a leading ``[``; a name
    made of digits). Numbers accept any Python float syntax (``1e4`` = 10000.0; an ``int`` parameter
    accepts ``1e3`` = 1000); booleans accept true/false, yes/no, on/off, 1/0 in any case. Unknown
    names keep the text (the caller reports them). Raises :class:`ParameterError` naming the
    parameter, the value and its type.
    """
    p = PARAMS.get(name)
    if p is None or p.type is str:
        return text
    t = text.strip()
    if p.type is bool:
        if t.lower() in _TRUE | _FALSE:
            return t.lower() in _TRUE
        raise ParameterError(
            f"parameter '{name}' = {text!r} is not True/False; valid: {p.range_text()}"
        )
    try:
        v = float(t.replace("_", ""))
    except ValueError:
        raise ParameterError(
            f"parameter '{name}' = {text!r} is not a number; valid: {p.range_text()}"
            + (f" ({p.unit})" if p.unit else "")
        ) from None
    if p.type is int and v.is_integer():
        return int(v)
    return v


def parse_set(items: list[str]) -> dict[str, Any]:
    """``--set NAME=VALUE`` items as ``{name: value}``, each value typed as its parameter is
    declared (:func:`typed_value`; a path may hold ``=`` and ``#``). Raises ParameterError for an
    item without ``=``."""
    out = {}
    for item in items:
        if "=" not in item:
            raise ParameterError(f"--set expects NAME=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        out[k.strip()] = typed_value(k.strip(), v)
    return out


def resolve_parameters(chapter: str, given: dict[str, Any]) -> dict[str, Any]:
    """Check names against the chapter's parameters cell and values against their declared
    ranges."""
    declared = ex.parameters_of(ex.chapter_source(chapter))
    unknown = [k for k in given if k not in declared]
    if unknown:
        raise unknown_parameters_error(unknown, list(declared))
    checked = {k: check_value(PARAMS[k], v) for k, v in given.items()}
    if checked.get("data_path"):
        validate_parameters(
            {"data_path": checked["data_path"]}
        )  # the file must exist before we start
    return checked


def cmd_params(args: argparse.Namespace) -> int:
    declared = ex.parameters_of(ex.chapter_source(args.chapter))
    print(f"Parameters of {args.chapter} (set with --set NAME=VALUE or --params FILE.yaml):\n")
    for name, info in declared.items():
        p = PARAMS.get(name)
        rng = p.range_text() if p else "?"
        unit = f" [{p.unit}]" if p and p.unit else ""
        print(
            f"  {name} ({info['type']}) = {info['default']}{unit}\n      {info['help']}\n      "
            f"valid: {rng}" + (f"; provenance: {p.provenance}" if p else "")
        )
    return 0


def _extract(nb_path: Path, outdir: Path) -> tuple[list[Path], dict[str, Any]]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    figs: list[Path] = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if (
                "image/svg+xml" in data
            ):  # the book's figures are vector (SVG); PNG where a chapter made one
                svg = data["image/svg+xml"]
                f = outdir / f"figure-{len(figs) + 1}.svg"
                f.write_text("".join(svg) if isinstance(svg, list) else svg, encoding="utf-8")
                figs.append(f)
            elif "image/png" in data:
                f = outdir / f"figure-{len(figs) + 1}.png"
                f.write_bytes(base64.b64decode(data["image/png"]))
                figs.append(f)
    return figs, ex.glued_values(nb)


def cmd_run(args: argparse.Namespace) -> int:
    given: dict[str, Any] = {}
    if args.params:
        pf = Path(args.params)
        if not pf.is_file():
            raise ParameterError(f"--params {pf}: no such file")
        loaded = yaml.safe_load(pf.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ParameterError(f"--params {pf}: expected NAME: VALUE lines")
        # YAML types the values; a number YAML 1.1 leaves as text (PyYAML reads 1e4 as a string) is
        # typed by its parameter, as --set does
        given.update(
            {
                k: typed_value(k, v)
                if isinstance(v, str) and k in PARAMS and PARAMS[k].type is not str
                else v
                for k, v in loaded.items()
            }
        )
    given.update(parse_set(args.set or []))
    chapter = Path(args.chapter).stem
    params = resolve_parameters(chapter, given)
    stamp = args.label or _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    outdir = Path(args.out) / f"{chapter}-{stamp}"
    outdir.mkdir(parents=True, exist_ok=True)
    nb_out = outdir / f"{chapter}.ipynb"
    print(f"[{chapter}] running with {params or 'default parameters'} ...", flush=True)
    try:
        secs = ex.execute(
            ex.chapter_source(chapter), nb_out, params, cwd=Path.cwd(), solutions=False
        )
    except (
        Exception
    ) as exc:  # papermill reports the failing cell; keep the message, drop the traceback
        ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
        failed = nb_out.with_name(nb_out.stem + ".failed.ipynb")
        raise RunFailed(
            f"{chapter} stopped: {ename}: {evalue}\n  the partly executed notebook is {failed}"
        ) from None
    figs, values = _extract(nb_out, outdir)
    nb_json = json.loads(nb_out.read_text(encoding="utf-8"))
    card = provenance_card(
        chapter,
        ex.parameters_of(ex.chapter_source(chapter)),
        params,
        glued=values,
        origins=ex.glued_origins(nb_json),
        seconds=secs,
    )
    (outdir / "values.json").write_text(json.dumps(card, indent=2, default=str), encoding="utf-8")
    report = outdir / "report.html"
    missing = render_report(
        nb_out, report, values, banner=report_banner(chapter, card), appendix=provenance_html(card)
    )
    verdict = {k: v for k, v in values.items() if k.endswith("_verdict")}
    print(f"[{chapter}] done in {secs:.1f} s -> {nb_out}")
    print(
        f"[{chapter}] {len(figs)} figure(s), values.json (provenance) and report.html in {outdir}"
    )
    for note in values.get("_reader_notes", []) or []:
        print(f"[{chapter}] your file: {note}")
    if missing:
        print(
            f"[{chapter}] warning: no glued value for {', '.join(missing)} (shown as such in "
            "report.html)"
        )
    for k, v in verdict.items():
        words = values.get(k + "_sentence") or values.get(k + "_text")
        print(f"[{chapter}] {k} = {v}" + (f" ({words})" if words else ""))
    return 0


def report_banner(chapter: str, card: dict[str, Any]) -> str:
    """The HTML banner at the top of a run report: chapter, date, the parameters set, what data the
    run used, and a warning when the run lies outside the robustness atlas's model."""
    import html

    set_ = ", ".join(f"{k}={v}" for k, v in card["parameters_set"].items()) or "none (defaults)"
    data = card["parameters"].get("data_path")
    what = (
        f"your data: <code>{html.escape(str(data))}</code>"
        if data
        else "the book's model (simulated measurements) or its shipped public data; no measurement "
        "of yours"
    )
    return (
        f"<b>Run report of chapter {html.escape(chapter)}</b> &middot; {html.escape(card['date'])} "
        "&middot; "
        f"evidence: {what} &middot; parameters set: {html.escape(set_)} &middot; commit "
        f"{html.escape(str(card['git_commit'] or 'unknown'))}. Every number below was computed in "
        "this run; "
        "values.json beside this file lists all parameters, input checksums and each value's "
        "origin."
        + (
            f" <b>Outside the robustness atlas's model</b> ({html.escape(scope)}): the atlas's "
            "shares and "
            "built-in tags were measured for the book's default model and do not apply to this run."
            if (scope := str((card.get("glued") or {}).get("_atlas_scope") or ""))
            else ""
        )
    )


def cmd_execute(args: argparse.Namespace) -> int:
    src, out = Path(args.source), Path(args.output)
    print(f"[{src.stem}] executing ...", flush=True)
    secs = ex.execute(src, out)
    print(f"[{src.stem}] executed in {secs:.1f} s -> {out}", flush=True)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from .generate import GENERATED, write_all

    folder = Path(args.folder) if args.folder else GENERATED
    changed = write_all(
        folder
    )  # every generated include, the findings block and the cite box among them
    print(f"generated pages: {len(changed)} changed")
    if not args.no_stability:
        from . import registry, stability

        print(
            "[generate] counterfactuals and seed stability with the claim functions (full, noisy "
            "mode) ...",
            flush=True,
        )
        stability.write(folder, registry.load())
    return 0


def cmd_student(args: argparse.Namespace) -> int:
    from .student import write_all

    changed = write_all()
    print(f"student notebooks: {len(changed)} changed")
    return 0


def cmd_atlas(args: argparse.Namespace) -> int:
    from .. import atlas

    if args.workers is None:
        args.workers = 0 if args.scheduler else (os.cpu_count() or 1)
    if args.workers < 0:
        raise ParameterError(
            f"--workers must be 0 (serial) or a positive number of processes, got {args.workers}"
        )
    n = args.samples
    if n < 2 or n & (n - 1):  # SALib's Saltelli design needs a power of 2: name the nearest ones
        below = 1 << max(n.bit_length() - 1, 1) if n >= 2 else 2
        near = sorted({below, below * 2} if n >= 2 else {2})
        raise ParameterError(
            f"--samples must be a power of 2, at least 2 (the Sobol' design), got {n}; try "
            + " or ".join(f"--samples {v}" for v in near)
        )
    claims = (
        tuple(c.strip().upper() for c in args.claims.split(",") if c.strip())
        if args.claims
        else atlas.ATLAS_CLAIMS
    )
    out = Path(args.out)
    print(
        f"[atlas] claims {', '.join(claims)}; Sobol' N = {args.samples}; "
        + (
            f"scheduler {args.scheduler}"
            if args.scheduler
            else f"{args.workers or 'no'} Dask workers" + (" (serial)" if not args.workers else "")
        ),
        flush=True,
    )
    try:
        s = atlas.build(
            claims,
            args.samples,
            args.workers,
            scheduler=args.scheduler,
            out=out,
            seed=args.seed,
            cache=Path(args.cache) if args.cache else None,
            params=tuple(x.strip() for x in args.params.split(",")) if args.params else None,
        )
    except (ValueError, KeyError) as exc:
        raise ParameterError(str(exc)) from None
    for c, r in s["claims"].items():
        top = max(r["sobol_total"], key=r["sobol_total"].get)
        print(
            f"[atlas] {c}: share supported {r['share']:.2f} ({r['share_lo']:.2f} to "
            f"{r['share_hi']:.2f}); "
            f"hinges most on {top} (total Sobol' index {r['sobol_total'][top]:.2f})"
        )
    j = s["joint"]
    print(
        f"[atlas] all of {', '.join(j['claims'])} together: {j['share']:.2f} of the space "
        f"({j['n_inside']} of {j['n']} points); {s['evaluations']} evaluations in "
        f"{s['seconds']:.0f} s"
    )
    print(f"[atlas] wrote {out / 'atlas.parquet'} and {out / 'summary.json'}")
    if args.power:
        pw = atlas.power(
            args.power, workers=args.workers, scheduler=args.scheduler, cache=out / ".cache"
        )
        pw.to_csv(out / f"power-{args.power}.csv", index=False)
        print(pw.to_string(index=False))
    return 0


# --- jakbook sweep --------------------------------------------------------------------------------
def cmd_sweep(args: argparse.Namespace) -> int:
    """Re-run a chapter over seeds in parallel; write a CSV table of its glued values, one row per
    seed."""
    from .sweep import parse_seeds, sweep

    try:
        seeds = parse_seeds(args.seeds)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None
    chapter = Path(args.chapter).stem
    given = parse_set(args.set or [])
    if "seed" in given:
        raise ParameterError(
            "--set seed=... conflicts with --seeds; give the seeds with --seeds only"
        )
    params = resolve_parameters(chapter, given)
    out = Path(args.out) if args.out else Path("runs") / f"{chapter}-sweep.csv"
    print(
        f"[{chapter}] {len(seeds)} seed(s) with {params or 'default parameters'}, {args.workers} "
        "worker(s) ...",
        flush=True,
    )
    try:
        table = sweep(chapter, params, seeds, workers=args.workers, cwd=Path.cwd())
    except ValueError as exc:
        raise ParameterError(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    verdicts = [c for c in table.columns if c.endswith("_verdict_text")]
    print(table[["seed", "status", *verdicts]].to_string(index=False))
    print(f"[{chapter}] table of {table.shape[1] - 2} glued values x {len(table)} seeds -> {out}")
    return 0 if (table["status"] == "ok").all() else 1


def add_sweep_parser(sub: Any) -> None:
    p = sub.add_parser(
        "sweep", help="re-run a chapter over seeds in parallel and tabulate its glued values"
    )
    p.add_argument("chapter", help="chapter name, e.g. c1_persistence")
    p.add_argument(
        "--set", action="append", metavar="NAME=VALUE", help="a parameter value (repeatable)"
    )
    p.add_argument(
        "--seeds", default="1-10", help="seeds: a range 1-10, a list 1,2,7, or both (default 1-10)"
    )
    p.add_argument("--workers", type=int, default=2, help="runs at a time (processes; default 2)")
    p.add_argument("--out", help="CSV file to write (default runs/<chapter>-sweep.csv)")
    p.set_defaults(func=cmd_sweep)


# --- end jakbook sweep ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The ``jakbook`` argument parser (its subcommands: :func:`subcommands`)."""
    ap = argparse.ArgumentParser(
        prog="jakbook", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("params", help="list a chapter's parameters with type, unit, range and help")
    p.add_argument("chapter")
    p.set_defaults(func=cmd_params)
    p = sub.add_parser(
        "run", help="re-run a chapter with new parameters (never touches the source)"
    )
    p.add_argument("chapter", help="chapter name, e.g. c1_persistence")
    p.add_argument(
        "--set", action="append", metavar="NAME=VALUE", help="a parameter value (repeatable)"
    )
    p.add_argument(
        "--params", metavar="FILE.yaml", help="parameters from a YAML file (NAME: VALUE)"
    )
    p.add_argument("--out", default="runs", help="output folder (default: runs/)")
    p.add_argument("--label", help="name of the run folder (default: a time stamp)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser(
        "execute", help="execute a notebook with default parameters (used by make book)"
    )
    p.add_argument("source")
    p.add_argument("output")
    p.set_defaults(func=cmd_execute)
    p = sub.add_parser(
        "generate", help="write the generated pages (claims list, parameter tables, formats)"
    )
    p.add_argument("folder", nargs="?", help="default: book/generated")
    p.add_argument(
        "--no-stability",
        action="store_true",
        help="skip the counterfactual and seed-stability runs",
    )
    p.set_defaults(func=cmd_generate)
    p = sub.add_parser(
        "student", help="write student versions (solutions removed) to book/student/"
    )
    p.set_defaults(func=cmd_student)
    p = sub.add_parser(
        "atlas", help="robustness atlas: each verdict across the plausible parameter space (Dask)"
    )
    p.add_argument("--claims", help="comma-separated claim ids (default: every model claim, C0-C7)")
    p.add_argument(
        "--samples",
        type=int,
        default=256,
        help="Sobol' base sample size N, a power of 2 (default 256)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="local Dask worker processes (default: one per CPU "
        "core, a LocalCluster); 0 = serial, in this process",
    )
    p.add_argument(
        "--scheduler",
        help="address of an existing Dask scheduler, e.g. tcp://HOST:8786 (jakpersist "
        "must be installed on its workers)",
    )
    p.add_argument(
        "--out", default="atlas", help="output folder for atlas.parquet and summary.json"
    )
    p.add_argument("--seed", type=int, default=2012, help="seed of the scrambled Sobol' design")
    p.add_argument(
        "--cache",
        help="cache folder (default: OUT/.cache); a re-run with the same code, ranges and "
        "design reads it back, an interrupted run resumes",
    )
    p.add_argument(
        "--params",
        help="comma-separated model parameters to sample (default: all, with their "
        "plausible ranges); the others stay at their defaults",
    )
    p.add_argument(
        "--power",
        metavar="CLAIM",
        help="also tabulate the power of CLAIM in the noisy mode "
        "(replicates x noise, 8 seeds; slow)",
    )
    p.set_defaults(func=cmd_atlas)
    add_sweep_parser(sub)
    add_rivals_parser(sub)
    add_parsers(sub)
    return ap


def subcommands() -> list[str]:
    """The names of ``jakbook``'s subcommands, in the order ``jakbook --help`` lists them."""
    ap = build_parser()
    (action,) = [a for a in ap._actions if isinstance(a, argparse._SubParsersAction)]
    return list(action.choices)


def main(argv: list[str] | None = None) -> int:
    """Run ``jakbook`` with ``argv`` (default: the command line); returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in DELEGATED:
        return run_delegated(argv[0], argv[1:])
    ap = build_parser()
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except (ParameterError, FileNotFoundError, RunFailed) as exc:
        print(f"jakbook: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
