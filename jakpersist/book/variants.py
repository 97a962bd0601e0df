"""Per-student variants of the graded exercises, and grading against each student's own runs.

A graded course gives every student their own parameters: a seed and, where an exercise allows it, a
drug, a dose, a noise level or a cell line (:attr:`jakpersist.book.exercises.Exercise.vary`). They
are derived from the student's ID and the instructor's *course secret* with HMAC-SHA256 (standard
library :mod:`hmac`; RFC 2104), so

- the same ID always gets the same parameters (the notebook shows them; the grader recomputes them);
- without the secret nobody can tell which parameters, hence which answers, belong to which ID;
- the public site's worked solutions (default parameters) teach the method without giving any
  student's numbers.

The student ID ``"practice"`` (or no secret) is the *public practice* mode: the exercise's stated
parameters, as on the public site, for self-study.

At grading time :func:`check` recomputes a student's answers with the claim functions
(:mod:`jakpersist.claims`, the same functions the chapter calls, so the numbers are those of the
student's own ``jakbook run``), memoised per process and, if ``JAKBOOK_GRADING_CACHE`` names a
folder, on disk (a class is graded faster when :func:`precompute` filled that folder first). The
secret is read from the environment variable ``JAKBOOK_COURSE_SECRET`` or from a file
``course-secret.txt`` in the working directory (the autograder zip carries it; the student notebooks
and the wheel never do).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from .exercises import EXERCISES, Answer, Exercise, check as _check_value

PRACTICE = "practice"
SECRET_ENV = "JAKBOOK_COURSE_SECRET"
SECRET_FILE = "course-secret.txt"
CACHE_ENV = "JAKBOOK_GRADING_CACHE"
ASK = "ask_"
SEED_RANGE = 100_000  # seeds are drawn from 1..SEED_RANGE (the chapters' default seed is 2012)


class SecretMissing(RuntimeError):
    """Grading a student variant without the course secret."""


def find_secret(folder: str | Path | None = None) -> str | None:
    """The course secret: ``$JAKBOOK_COURSE_SECRET``, else ``course-secret.txt`` in ``folder``
    (default: the working directory), else None."""
    env = os.environ.get(SECRET_ENV, "").strip()
    if env:
        return env
    f = Path(folder or Path.cwd()) / SECRET_FILE
    return f.read_text(encoding="utf-8").strip() if f.is_file() else None


def new_secret() -> str:
    """A fresh course secret (64 hex characters from :func:`secrets.token_hex`)."""
    import secrets

    return secrets.token_hex(32)


def _digest(student_id: str, secret: str, label: str) -> bytes:
    return hmac.new(
        secret.encode("utf-8"), f"{label}|{str(student_id).strip()}".encode("utf-8"), hashlib.sha256
    ).digest()


SIGNATURE_KEY = "jakbook_course"  # notebook metadata: {"student_id": ..., "signature": ...}


def signature(student_id: str, secret: str) -> str:
    """The signature written into the notebook made for ``student_id``: HMAC-SHA256(secret,
    "notebook|ID"), first 32 hex digits. Without the secret it can be neither made for another ID
    nor traced back to the secret; a notebook whose STUDENT_ID was changed to a classmate's keeps
    the signature of the ID it was made for (:func:`signed_for`)."""
    return _digest(str(student_id), str(secret), "notebook").hex()[:32]


def signed_for(
    metadata: dict[str, Any], secret: str, candidates: list[str] | tuple[str, ...] = ()
) -> str | None:
    """The student ID a notebook's metadata is validly signed for, or None (no signature, or one the
    course secret did not make). The ID recorded beside the signature is tried first, then
    ``candidates``."""
    rec = metadata.get(SIGNATURE_KEY) or {}
    sig = str(rec.get("signature", ""))
    if not sig:
        return None
    for sid in [str(rec.get("student_id", "")), *candidates]:
        if sid and hmac.compare_digest(sig, signature(sid, secret)):
            return sid
    return None


def _has_seed(chapter: str) -> bool:
    return "seed" in _defaults(chapter)


def is_practice(student_id: str | None, secret: str | None) -> bool:
    """Whether ``student_id`` gets the public practice parameters (no ID, ``"practice"`` or no
    secret)."""
    return not secret or not student_id or str(student_id).strip().lower() == PRACTICE


def choices(ex: Exercise, student_id: str | None, secret: str | None) -> dict[str, Any]:
    """The parameters a student's variant sets for every run of ``ex`` (``{}`` in practice mode).

    ``seed`` (chapters with a seed) from the first 4 bytes of HMAC-SHA256(secret, label|ID), then
    one value of each :attr:`Exercise.vary` entry other than its public practice value from the
    following bytes (names in sorted order). Names starting with
    ``ask_`` are choices of the question (which drug, how many lines), not run parameters.
    """
    if is_practice(
        student_id, secret
    ):  # the stated parameters; a question's own choices take their first value
        return {k: v[0] for k, v in ex.vary.items() if k.startswith(ASK)}
    d = _digest(str(student_id), str(secret), ex.label)
    out: dict[str, Any] = {}
    if _has_seed(ex.chapter):
        out["seed"] = 1 + int.from_bytes(d[:4], "big") % SEED_RANGE
    for i, name in enumerate(sorted(ex.vary)):
        public = _practice_value(
            ex, name
        )  # never the public value: a copy of the website must not fit
        opts = [o for o in ex.vary[name] if o != public] or list(ex.vary[name])
        out[name] = opts[d[4 + i] % len(opts)]
    return out


def _practice_value(ex: Exercise, name: str) -> Any:
    """The value ``name`` takes in the public practice version of ``ex``."""
    if name.startswith(ASK):
        return ex.vary[name][0]
    for params in ex.runs.values():
        if name in params:
            return params[name]
    return _defaults(ex.chapter).get(name)


def runs(
    ex: Exercise, student_id: str | None = None, secret: str | None = None
) -> dict[str, dict[str, Any]]:
    """The exercise's runs with the student's parameters (seed sweeps get consecutive seeds from
    theirs).

    The seed applies to every run; a varied parameter to the runs that set it, or to every run when
    none does (a run that leaves it at the chapter's default keeps the default)."""
    ch = {k: v for k, v in choices(ex, student_id, secret).items() if not k.startswith(ASK)}
    named = {k for params in ex.runs.values() for k in params}
    out = {}
    for name, params in ex.runs.items():
        p = {
            **params,
            **{k: v for k, v in ch.items() if k == "seed" or k in params or k not in named},
        }
        if "seeds" in params:
            base = ch.get("seed")
            p.pop("seed", None)
            if base is not None:
                p["seeds"] = [base + i for i in range(len(params["seeds"]))]
        out[name] = p
    return out


# --- the chapters' values from the claim functions ------------------------------------------------


@lru_cache(maxsize=None)
def _declared(chapter: str) -> tuple[tuple[str, Any], ...]:
    import ast

    from .execute import chapter_source, parameters_of

    return tuple(
        (k, ast.literal_eval(v["default"]))
        for k, v in parameters_of(chapter_source(chapter)).items()
    )


def _defaults(chapter: str) -> dict[str, Any]:
    """The chapter's declared parameters and their defaults (its ``parameters`` cell)."""
    return dict(_declared(chapter))


def _results(chapter: str, p: dict[str, Any]) -> dict[str, Any]:
    """Claim results of one chapter run with parameters ``p`` (prefix -> ClaimResult)."""
    from ..claims import c0_in_vivo, c3_reversibility, c6_jak2_dependence, evaluate

    seed = p.get("seed")
    if chapter == "c0_in_vivo":
        r = c0_in_vivo.run(p)
        return {"c0": r["C0"], "c5": r["C5"]}
    if chapter == "c3_reversibility":
        r = c3_reversibility.run(p, seed=seed)
        return {"c3": r["C3"], "c4": r["C4"]}
    if chapter == "c6_jak2_dependence":
        r = c6_jak2_dependence.run(p, seed=seed)
        return {"c6": r["C6"], "c7": r["C7"]}
    if chapter == "c1_persistence":
        return {"c1": evaluate("C1", p, seed=seed)}
    if chapter == "c2_heterodimers":
        return {"c2": evaluate("C2", p, seed=seed)}
    if chapter == "g1_gdsc":
        return {"g1": evaluate("G1", p)}
    if chapter == "t1_transcriptome":
        return {"t1": evaluate("C1-T", {**p, "use_geo_cache": False}, seed=int(seed))}
    raise KeyError(f"no graded runs for chapter {chapter!r}")


def chapter_values(chapter: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """What a run of ``chapter`` with ``parameters`` glues for grading: every claim metric under its
    own name, ``<prefix>_verdict`` (True / False, None when undefined), ``<prefix>_margin`` and the
    verdict's words as the chapter glues them (``<prefix>_verdict_text``, ``_verdict_outcome``:
    :func:`jakpersist.book.chapter.verdict_wording`), plus the run's parameters under
    ``param_<name>``. Computed with the claim functions (no notebook is executed)."""
    from ..claims.wording import stored_margin, stored_verdict
    from .chapter import verdict_wording

    p = {**_defaults(chapter), **parameters}
    out: dict[str, Any] = {f"param_{k}": v for k, v in p.items()}
    for prefix, r in _results(chapter, p).items():
        out.update({k: v for k, v in r.metrics.items()})
        out[f"{prefix}_margin"] = stored_margin(r)
        w = verdict_wording(r)
        out[f"{prefix}_verdict_text"], out[f"{prefix}_verdict_outcome"] = w.short, w.outcome
        if (
            r.kind != "demonstration"
        ):  # None when undefined (neither holds nor fails), as a chapter glues it
            out[f"{prefix}_verdict"] = stored_verdict(r)
    return out


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        try:
            return x.item()
        except (TypeError, ValueError):
            return str(x)
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    return str(x)


def compute_runs(
    ex: Exercise, student_id: str | None = None, secret: str | None = None
) -> dict[str, Any]:
    """Values of every run of ``ex`` for a student (run name -> dict, or a list of dicts for a seed
    sweep)."""
    out: dict[str, Any] = {
        "ask": {k: v for k, v in choices(ex, student_id, secret).items() if k.startswith(ASK)}
    }
    for name, params in runs(ex, student_id, secret).items():
        params = dict(params)
        seeds = params.pop("seeds", None)
        if seeds:
            out[name] = [
                _jsonable(chapter_values(ex.chapter, {**params, "seed": s})) for s in seeds
            ]
        else:
            out[name] = _jsonable(chapter_values(ex.chapter, params))
    return out


def fingerprint_package() -> str:
    """Hash of the package's model, assay, analysis, loader and claim code (16 hex): cached answers
    are reused only while it is unchanged."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parents[1]
    for f in sorted(here.rglob("*.py")):
        if "book" not in f.relative_to(here).parts:
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _cache_file(ex: Exercise, student_id: str | None, secret: str | None) -> Path | None:
    folder = os.environ.get(CACHE_ENV, "").strip()
    if not folder:
        return None
    key = (
        "practice"
        if is_practice(student_id, secret)
        else _digest(str(student_id), str(secret), "cache").hex()[:24]
    )
    return Path(folder) / f"{ex.label}-{key}-{fingerprint_package()}.json"


def is_cached(label: str, student_id: str | None, secret: str | None) -> bool:
    """Whether the answers of ``label`` for this student are in ``$JAKBOOK_GRADING_CACHE``
    already."""
    f = _cache_file(exercise(label), student_id, secret)
    return f is not None and f.is_file()


@lru_cache(maxsize=256)
def _answers_cached(label: str, student_id: str | None, secret: str | None) -> dict[str, Any]:
    ex = exercise(label)
    f = _cache_file(ex, student_id, secret)
    if f is not None and f.is_file():
        return json.loads(f.read_text(encoding="utf-8"))
    from .exercises import truths

    ans = _jsonable(truths(ex, compute_runs(ex, student_id, secret)))
    if f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(ans), encoding="utf-8")
    return ans


def exercise(label: str) -> Exercise:
    """The exercise with this label. Raises KeyError naming the labels."""
    for e in EXERCISES:
        if e.label == label:
            return e
    raise KeyError(f"no exercise {label!r}; known: {', '.join(e.label for e in EXERCISES)}")


def answers(label: str, student_id: str | None = None, secret: str | None = None) -> dict[str, Any]:
    """The correct answers of exercise ``label`` for a student (answer name -> value)."""
    return dict(_answers_cached(label, None if student_id is None else str(student_id), secret))


def _answer(ex: Exercise, name: str) -> Answer:
    for a in ex.answers:
        if a.name == name:
            return a
    raise KeyError(f"{ex.label}: no answer {name!r}")


def check(
    label: str, name: str, given: Any, *, student_id: Any = PRACTICE, secret: str | None = None
) -> bool:
    """Grade one answer: whether ``given`` matches the student's own run (used by the hidden tests).

    ``secret``: default :func:`find_secret`. A real student ID without any secret raises
    :class:`SecretMissing` (the grader is misconfigured; never grade against the practice answers
    silently). With a secret, the practice ID (or an empty one) scores nothing: a student who reset
    ``STUDENT_ID`` to copy the public answers gets no marks (:func:`hint` says why).
    """
    secret = secret if secret is not None else find_secret()
    sid = str(student_id).strip()
    if not secret and sid.lower() != PRACTICE:
        raise SecretMissing(
            f"grading student {sid!r} needs the course secret (${SECRET_ENV} or {SECRET_FILE})"
        )
    if secret and (not sid or sid.lower() == PRACTICE):
        return False
    ex = exercise(label)
    a = _answer(ex, name)
    truth = answers(label, sid, secret)[name]
    return _check_value(a, given, truth)


def hint(label: str, name: str, student_id: Any = None) -> str:
    """What a student whose answer failed is told: where the value is found, never the value."""
    ex = exercise(label)
    a = _answer(ex, name)
    if find_secret() and str(student_id).strip().lower() in ("", PRACTICE):
        return (
            f"{name}: this notebook's STUDENT_ID is not yours; keep the ID your instructor set "
            "(a practice notebook is not graded in this course)"
        )
    where = (
        a.hint
        or "the values your own run prints (values.json of `jakbook run`, or the chapter's text)"
    )
    return (
        f"{name} does not match a run with the parameters shown at the top of your notebook. "
        f"Check that every --set of the run hint above was used, then read {where}."
    )


def parameters_table(chapter: str, student_id: str | None, secret: str | None) -> str:
    """Markdown table of a student's parameters per exercise of ``chapter`` (what the notebook
    shows)."""
    from .exercises import for_chapter

    rows = ["| exercise | your parameters |", "|---|---|"]
    for ex in for_chapter(chapter):
        ch = choices(ex, student_id, secret)
        rows.append(
            f"| {ex.label} | {', '.join(f'`{k}={v}`' for k, v in ch.items()) or 'as stated'} |"
        )
    return "\n".join(rows)


def run_hint(ex: Exercise, student_id: str | None = None, secret: str | None = None) -> str:
    """The commands a student runs for ``ex`` with their parameters (``jakbook run`` / ``jakbook
    sweep``)."""
    lines = []
    for params in runs(ex, student_id, secret).values():
        params = dict(params)
        seeds = params.pop("seeds", None)
        sets = " ".join(f"--set {k}={v}" for k, v in params.items())
        if seeds:
            lines.append(f"jakbook sweep {ex.chapter} {sets} --seeds {seeds[0]}-{seeds[-1]}")
        else:
            lines.append(f"jakbook run {ex.chapter} {sets}".rstrip())
    return "\n".join(lines)


def precompute(
    student_ids: list[str], secret: str, chapters: list[str] | None = None, *, workers: int = 2
) -> int:
    """Fill ``$JAKBOOK_GRADING_CACHE`` with the answers of ``student_ids`` (processes in parallel).

    Returns the number of (student, exercise) answer sets computed. Raises RuntimeError without the
    cache variable (there would be nowhere to keep them)."""
    if not os.environ.get(CACHE_ENV):
        raise RuntimeError(f"set ${CACHE_ENV} to a folder first")
    from concurrent.futures import ProcessPoolExecutor

    jobs = [
        (e.label, s, secret)
        for s in student_ids
        for e in EXERCISES
        if chapters is None or e.chapter in chapters
    ]
    if workers <= 1:
        for j in jobs:
            _answers_cached(*j)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_precompute_one, jobs))
    return len(jobs)


def _precompute_one(job: tuple[str, str, str]) -> None:
    _answers_cached(*job)


def is_finite_number(x: Any) -> bool:
    """Whether ``x`` is a real, finite number (int, float or a NumPy scalar)."""
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False
