"""Record the project's golden outputs: numbers a refactoring must leave bit-for-bit unchanged.

Run from the project root with the project's environment::

    .venv/bin/python tools/golden.py            # record every part into tests/golden/*.json
    .venv/bin/python tools/golden.py claims     # one part: claims, curves, batch, atlas or chapters
    .venv/bin/python tools/golden.py --check    # compare with the recorded files; print differences
    .venv/bin/python tools/golden.py --check --moved curves  # which numbers moved, by how much

Parts (one JSON file each in ``tests/golden/``):

* ``claims``: every registered claim (``jakpersist.claims.CLAIMS``) in fast mode at its defaults and
  under every counterfactual of ``notebooks/claims.yml``: verdict, margin, each condition's margin
  and the numeric metrics;
* ``curves``: the GI50 table (``analysis.gi50.fit_all_curves``, ``N_BOOT`` bootstrap resamples, seed
  2012) and fold table of every plate file in ``tests/fixtures`` the plate reader accepts (a file
        whose wells equal those of
  one already recorded is recorded as the same), and the fit by AIC, GI50s,
  intervals and bootstrap of every two-column curve file there;
* ``batch``: ``fit_curves`` on 120 seeded synthetic curves (LL4 and LL3; clean, noisy, flat,
  censored and step-like), parameters, RSS, statuses and log10 GI50s;
* ``atlas``: the first 6 points of a Sobol' design (seed 7, 2 samples) over the default space, every
  atlas claim in fast mode (``atlas.run.evaluate_rows(..., detail=True)``);
* ``chapters``: every glued value of every executed chapter (``book/chapters/*.ipynb``, from ``make
  book``);
* ``markdown``: the text of every chapter (``notebooks/*.md``) as the run report and the student
  notebook convert it (``book.markdown.myst_to_markdown``), with a made-up number glued under every
  key (no built book).

Floats are written by ``repr`` (``json``), which reads back to the same double; NaN and infinities
as JSON's ``NaN``/``Infinity``. ``tests/test_golden.py`` compares exactly. When a change is meant to
alter numbers, record again in its own commit and list what changed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
PARTS = ("claims", "curves", "batch", "atlas", "chapters", "markdown")
#: Glued values that describe the run, not the science (they change from one execution to the next).
#: Bootstrap resamples per curve in the ``curves`` part (few: the point is exact equality, not
#: coverage).
N_BOOT = 12
RUN_KEYS = ("elapsed", "runtime", "seconds", "timestamp", "executed_at", "duration")


def plain(v: Any) -> Any:
    """JSON-ready copy of ``v``: NumPy scalars and arrays, tuples, DataFrames and dataclass-free
    mappings."""
    import pandas as pd

    if isinstance(v, pd.DataFrame):
        return {
            "columns": [str(c) for c in v.columns],
            "rows": [[plain(x) for x in r] for r in v.itertuples(index=False, name=None)],
        }
    if isinstance(v, pd.Series):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.tolist()]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    if v is None or isinstance(v, str):
        return v
    if v is pd.NA or v is pd.NaT:
        return None
    return repr(v)


def same(a: Any, b: Any) -> bool:
    """Exact equality with NaN equal to NaN (and 1 == 1.0 not allowed to hide a type change)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def differences(a: Any, b: Any, where: str = "", *, new_keys: bool = True) -> list[str]:
    """Paths at which ``a`` (recorded) and ``b`` (now) differ, each with both values.
    ``new_keys=False`` lets ``b`` have keys ``a`` lacks (a new claim, counterfactual or glued value
    is not a change of a recorded one)."""
    if same(a, b):
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}/{k}: only recorded" for k in sorted(a.keys() - b.keys())]
        out += [f"{where}/{k}: only now" for k in sorted(b.keys() - a.keys()) if new_keys]
        for k in sorted(a.keys() & b.keys()):
            out += differences(a[k], b[k], f"{where}/{k}", new_keys=new_keys)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{where}[{i}]", new_keys=new_keys)
        ]
    return [f"{where}: recorded {a!r}, now {b!r}"]


def moved(a: Any, b: Any, where: str = "") -> tuple[dict[str, list[float]], list[str]]:
    """How far recorded ``a`` and current ``b`` differ: relative changes of numbers grouped by path
    (table rows folded into ``rows[*]``, so a group is one column), and every change that is not one
    number for another (a status, a verdict, a missing key), as :func:`differences` words it."""
    import re

    groups: dict[str, list[float]] = {}
    other: list[str] = []
    for d in differences(a, b, where):
        m = re.match(r"^(.*): recorded (.*), now (.*)$", d)
        try:
            x, y = float(m.group(2)), float(m.group(3))  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            other.append(d)
            continue
        if math.isnan(x) != math.isnan(y) or math.isinf(x) or math.isinf(y):
            other.append(d)
            continue
        key = re.sub(r"rows\[\d+\]", "rows[*]", m.group(1))  # type: ignore[union-attr]
        groups.setdefault(key, []).append(abs(y - x) / max(abs(x), 1e-300))
    return groups, other


# ------------------------------------------------------------------------------------------------
# parts
# ------------------------------------------------------------------------------------------------
def _claim_record(res: Any) -> dict:
    metrics = {
        k: v
        for k, v in res.metrics.items()
        if isinstance(v, (int, float, np.integer, np.floating, bool, np.bool_, str)) or v is None
    }
    return {
        "verdict": res.verdict,
        "margin": res.margin,
        "conditions": {c.name: {"margin": c.margin, "passed": c.passed} for c in res.conditions},
        "metrics": metrics,
    }


def record_claims() -> dict:
    """Every registered claim in fast mode at its defaults and under each registered
    counterfactual."""
    import yaml

    from jakpersist.claims import CLAIMS, evaluate

    registry = yaml.safe_load((ROOT / "notebooks" / "claims.yml").read_text(encoding="utf-8"))[
        "claims"
    ]
    out: dict[str, Any] = {}
    for cid in CLAIMS:
        out[f"{cid} defaults"] = _claim_record(evaluate(cid, None, mode="fast"))
    for entry in registry:
        if entry["id"] not in CLAIMS:
            continue  # not callable through evaluate (yet)
        for cf in entry.get("counterfactuals") or []:
            params = cf["parameters"]
            key = f"{entry['id']} {json.dumps(params, sort_keys=True)}"
            out[key] = _claim_record(evaluate(entry["id"], params, mode="fast"))
    return plain(out)


def fixture_files() -> list[Path]:
    """Plate and curve files of ``tests/fixtures`` (companions such as plate maps and sample sheets
    excluded)."""
    fix = ROOT / "tests" / "fixtures"
    files = [
        p
        for p in sorted(fix.rglob("*"))
        if p.is_file()
        and p.suffix.lower() in (".csv", ".xlsx", ".ods")
        and "geo" not in p.relative_to(fix).parts
        and not p.name.endswith((".map.csv", ".samples.csv"))
    ]
    return files


def _curve_record(x: np.ndarray, y: np.ndarray) -> dict:
    from jakpersist.analysis import doseresponse as dr

    fit, aics = dr.select_model(x, y)
    est, samples = dr.bootstrap_estimate(fit, N_BOOT, np.random.default_rng(2012))
    out = {
        "model": fit.model,
        "aics": aics,
        "theta": fit.theta,
        "rss": fit.rss,
        "status": fit.status,
        "p_flat": fit.p_flat,
        "p_rise": fit.p_rise,
        "flags": dr.quality_flags(fit),
        "bootstrap_log10": samples,
        "bootstrap": [est.value, est.lo, est.hi, est.status],
    }
    for name, e in (
        ("absolute_delta", fit.gi50_absolute()),
        ("absolute_profile", fit.gi50_absolute(interval="profile")),
        ("relative_delta", fit.gi50_relative()),
        ("relative_profile", fit.gi50_relative(interval="profile")),
    ):
        out[name] = [e.value, e.lo, e.hi, e.status, e.bound, e.method, e.text()]
    return out


def record_curves() -> dict:
    """GI50 and fold tables of every fixture plate the reader accepts; fits of every two-column
    curve file."""
    import pandas as pd

    from jakpersist.analysis import gi50
    from jakpersist.loaders import readers

    out: dict[str, Any] = {}
    seen: dict[bytes, str] = {}
    for p in fixture_files():
        key = str(p.relative_to(ROOT / "tests" / "fixtures"))
        head = (
            p.read_text(encoding="utf-8", errors="replace").splitlines()[0]
            if p.suffix == ".csv"
            else ""
        )
        if head.startswith("dose_nM,viability"):  # a single curve
            a = pd.read_csv(p)
            y = a.iloc[:, 1].to_numpy(float)
            out[key] = _curve_record(
                a.iloc[:, 0].to_numpy(float), y / 100 if "percent" in head else y
            )
            continue
        try:
            plate = readers.read_plate(p, required_populations=())
        except Exception as e:  # noqa: BLE001 - a refused file is recorded as refused (its message is the reader's)
            out[key] = {"refused": type(e).__name__}
            continue
        wells = plate[["population", "drug", "dose_nM", "viability"]]
        digest = pd.util.hash_pandas_object(wells, index=False).to_numpy().tobytes()
        if (
            digest in seen
        ):  # the same wells as a file already recorded (another format of one plate)
            out[key] = {"same_wells_as": seen[digest]}
            continue
        seen[digest] = key
        summary, fits, boots = gi50.fit_all_curves(plate, N_BOOT, np.random.default_rng(2012))
        rec: dict[str, Any] = {
            "gi50": summary,
            "boots": {f"{k[0]} / {k[1]}": v for k, v in boots.items()},
        }
        if "naive" in set(summary["population"]) and len(set(summary["population"])) > 1:
            tests = tuple(sorted(set(summary["population"]) - {"naive"}))
            rec["folds"] = gi50.fold_table(summary, fits, boots, tests=tests)
        out[key] = rec
    return plain(out)


def synthetic_curves(seed: int = 19) -> tuple[np.ndarray, np.ndarray]:
    """120 curves on one design (vehicle + 8 doses, 3 wells): clean, noisy, flat, censored and
    step-like."""
    from jakpersist.analysis import doseresponse as dr

    rng = np.random.default_rng(seed)
    levels = np.r_[0.0, np.geomspace(1.0, 10_000.0, 8)]
    dose = np.repeat(levels, 3)
    rows = []
    for i in range(120):
        kind = i % 6
        le = {0: 2.0, 1: 2.5, 2: 6.0, 3: -1.5, 4: 2.2, 5: 3.0}[kind] + rng.normal(0, 0.3)
        hill = {4: 12.0}.get(kind, float(rng.uniform(0.6, 2.5)))
        bottom, top = float(rng.uniform(0.0, 0.2)), float(rng.uniform(0.9, 1.1))
        mean = dr.ll4(dose, bottom, top, le, hill) if kind != 5 else np.full(dose.shape, 0.8)
        sd = (0.0, 0.05, 0.05, 0.05, 0.03, 0.08)[kind]
        rows.append(mean + rng.normal(0.0, sd, dose.size))
    return dose, np.array(rows)


def record_batch() -> dict:
    """``fit_curves`` (LL4 and LL3) on :func:`synthetic_curves`."""
    from jakpersist.analysis import batchfit as bf

    dose, Y = synthetic_curves()
    out: dict[str, Any] = {}
    for model in ("LL4", "LL3"):
        b = bf.fit_curves(dose, Y, model)
        out[model] = {
            "theta": b.theta,
            "rss": b.rss,
            "converged": b.converged,
            "status": b.status,
            "p_flat": b.p_flat,
            "p_rise": b.p_rise,
            "iterations": b.iterations,
            "cov_diag": np.einsum("ikk->ik", b.cov),
            "log10_gi50": b.log10_gi50(),
            "log10_gi50_rel": b.log10_gi50("relative"),
        }
    return plain(out)


def record_atlas() -> dict:
    """The first 6 points of a small Sobol' design (seed 7), every atlas claim in fast mode."""
    from jakpersist.atlas.run import ATLAS_CLAIMS, evaluate_rows
    from jakpersist.atlas.space import default_space, sobol_design

    space = default_space()
    u, _ = sobol_design(space, 2, 7)
    values = space.from_unit(u)[:6]
    rows = evaluate_rows(values, space.names, ATLAS_CLAIMS, mode="fast", detail=True)
    return plain({"names": list(space.names), "values": values, "rows": rows})


def record_chapters() -> dict:
    """Every glued value of every executed chapter (``book/chapters/*.ipynb``; run ``make book``
    first)."""
    from jakpersist.book import execute as ex

    out: dict[str, Any] = {}
    notebooks = sorted(ex.EXECUTED.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no executed chapter in {ex.EXECUTED}: run `make book` first")
    for nb in notebooks:
        values = ex.glued_values(nb)
        out[nb.stem] = {k: v for k, v in values.items() if not any(r in k for r in RUN_KEYS)}
    return plain(out)


def glue_stand_ins(text: str) -> dict[str, float]:
    """A made-up number for every glue key in ``text`` (from the key's letters: deterministic, no
    run)."""
    import re

    keys = re.findall(r"\{glue(?::\w+)?\}`(?:[^`]*::)?([\w-]+)", text)
    return {k: sum(map(ord, k)) % 997 + 0.123456 for k in keys}


def record_markdown() -> dict:
    """Every chapter's markdown cells as the run report converts them, and the student notebook's
    cells."""
    from jakpersist.book import student
    from jakpersist.book.execute import NOTEBOOKS, read_notebook
    from jakpersist.book.markdown import myst_to_markdown

    out: dict[str, Any] = {}
    for src in sorted(NOTEBOOKS.glob("*.md")):
        nb = read_notebook(src)
        values = glue_stand_ins(src.read_text(encoding="utf-8"))
        missing: list[str] = []
        report = [
            myst_to_markdown(c.source, values, missing=missing, includes="drop")
            for c in nb.cells
            if c.cell_type == "markdown"
        ]
        stud = [c.source for c in student.strip_solutions(nb, values).cells]
        out[src.stem] = {"report": report, "missing": missing, "student": stud}
    return out


RECORDERS = {
    "claims": record_claims,
    "curves": record_curves,
    "batch": record_batch,
    "atlas": record_atlas,
    "chapters": record_chapters,
    "markdown": record_markdown,
}


def load(part: str) -> Any:
    """The recorded golden values of ``part``."""
    return json.loads((GOLDEN / f"{part}.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "parts",
        nargs="*",
        default=[],
        metavar="PART",
        help=f"parts to record or check ({', '.join(PARTS)}; default all)",
    )
    ap.add_argument(
        "--check", action="store_true", help="compare with the recorded files instead of writing"
    )
    ap.add_argument(
        "--moved",
        action="store_true",
        help="with --check: how many numbers moved in each column and by how much (relative), and "
        "every change that is not one number for another",
    )
    args = ap.parse_args(argv)
    parts = args.parts or list(PARTS)
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        ap.error(f"unknown part {', '.join(unknown)}; known: {', '.join(PARTS)}")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    status = 0
    for part in parts:
        now = json.loads(
            json.dumps(RECORDERS[part]())
        )  # through JSON, as the recorded file is read
        if args.check:
            diff = differences(load(part), now)
            print(f"{part}: {'identical' if not diff else f'{len(diff)} differences'}")
            if args.moved and diff:
                groups, other = moved(load(part), now)
                for key, rel in sorted(groups.items()):
                    print(f"   {key}: {len(rel)} moved, largest relative change {max(rel):.1e}")
                for d in other:
                    print("   not a number moving:", d)
                continue
            for d in diff[:50]:
                print("  ", d)
            status |= bool(diff)
        else:
            (GOLDEN / f"{part}.json").write_text(
                json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8"
            )
            print(f"{part}: written to {(GOLDEN / f'{part}.json').relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
