"""``jakbook rivals``: which rival explanations of persistence do the findings rule out (see
jakpersist.rivals)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from .chapter import ParameterError


def cmd_rivals(args: argparse.Namespace) -> int:
    """Run the rival models, write rivals.parquet and summary.json, print the comparison."""
    from .. import rivals

    if args.workers is None:
        args.workers = 0 if args.scheduler else (os.cpu_count() or 1)
    if args.workers < 0:
        raise ParameterError(
            f"--workers must be 0 (serial) or a positive number of processes, got {args.workers}"
        )
    models = (
        tuple(m.strip().upper() for m in args.models.split(",") if m.strip())
        if args.models
        else rivals.MODELS
    )
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ParameterError(
            f"--out {out} is a file; give a folder (it will hold rivals.parquet and summary.json)"
        )
    print(
        f"[rivals] models {', '.join(models)} (H0 always included); {args.samples} points each; "
        + (
            f"scheduler {args.scheduler}"
            if args.scheduler
            else f"{args.workers or 'no'} Dask workers"
        ),
        flush=True,
    )
    try:
        s = rivals.build(
            models,
            args.samples,
            args.workers,
            scheduler=args.scheduler,
            out=out,
            seed=args.seed,
            cache=Path(args.cache) if args.cache else None,
            sensitivity_samples=args.sensitivity_samples,
        )
    except ValueError as exc:
        raise ParameterError(str(exc)) from None
    print(
        f"[rivals] every Nature-abstract observation holds ({', '.join(s['joint_observations'])}):"
    )
    for m, c in s["comparison"].items():
        bf = c["bayes_factor"]
        ratio = (
            f"ratio to H0 below {bf['hi']:.3g}"
            if bf["kind"] == "upper bound"
            else f"ratio to H0 {bf['ratio']:.3g} ({bf['lo']:.3g} to {bf['hi']:.3g})"
            if bf["kind"] == "estimate"
            else "ratio to H0 undefined (H0 never reproduces them)"
        )
        print(
            f"[rivals]   {m}: {c['k']}/{c['n']} = {c['p']:.4f} ({c['p_lo']:.4f} to "
            f"{c['p_hi']:.4f}); {ratio}"
        )
    print(
        f"[rivals] wrote {out / 'rivals.parquet'} and {out / 'summary.json'} in {s['seconds']:.0f} "
        "s"
    )
    return 0


def add_rivals_parser(sub: Any) -> None:
    """Register ``jakbook rivals`` on the command's sub-parsers."""
    p = sub.add_parser(
        "rivals", help="rival explanations: which mechanisms the findings rule out (Dask)"
    )
    p.add_argument(
        "--models",
        help="comma-separated models (default: all: H0,R1,R2,R3,R4,R5; H0 is always run)",
    )
    p.add_argument(
        "--samples", type=int, default=256, help="independent draws per model (default 256)"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="local Dask worker processes (default: one per CPU core); 0 = serial, in this process",
    )
    p.add_argument(
        "--scheduler", help="address of an existing Dask scheduler, e.g. tcp://HOST:8786"
    )
    p.add_argument(
        "--out", default="rivals", help="output folder for rivals.parquet and summary.json"
    )
    p.add_argument(
        "--seed", type=int, default=2012, help="seed of the draws (model i uses seed + i)"
    )
    p.add_argument("--cache", help="cache folder (default: OUT/.cache); an interrupted run resumes")
    p.add_argument(
        "--sensitivity-samples",
        type=int,
        default=None,
        help="draws per model for each halved and "
        "doubled set of ranges (prior sensitivity; default SAMPLES/2, 0 = skip)",
    )
    p.set_defaults(func=cmd_rivals)
