"""The exercises of every chapter as data: which runs answer them, what the student reports, how it
is graded.

One :class:`Exercise` per ``:::{exercise}`` block of a chapter (same label). Its ``runs`` are the
parameter sets the exercise text asks the student to run; the *truth* of each :class:`Answer` is
computed from the values those runs glue (``jakbook run`` / :func:`jakpersist.book.sweep.run_once`),
never typed by hand. The assignment builder (:mod:`jakpersist.book.assign`) turns this table into
otter-grader questions: a visible check (the answer has the right type and range) and a hidden test
(the answer matches the run, with partial credit per answer). Open "why" questions are graded by
hand with the rubric in ``book/instructor.md``.

A run whose parameters hold ``"seeds": [..]`` is a seed sweep: its truth function receives a list of
glued dicts, one per seed (``jakbook sweep``).
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass, field
from typing import Any, Callable

#: What a student reports for a verdict: the rule's outcome in the run (the page words it by kind of
#: result).
VERDICTS = ("holds", "does not hold", "undefined")
DIRECTIONS = ("falls", "rises")


@dataclass(frozen=True)
class Answer:
    """One value a student reports.

    ``name``: the Python variable in the assignment notebook; ``kind``: "verdict" (one of
    ``VERDICTS``), "choice" (one of ``choices``), "number" (float, compared with ``rtol``/``atol``)
    or "count" (int, exact); ``truth``: function of the runs' glued values -> the correct value;
    ``spec``: format used when the value is written in text (and searched for by the leak test). A
    number passes within ``max(atol, rtol * |truth|)``; the default ``atol`` is half a unit of the
    last digit ``spec`` shows (3 decimals by default: enough to tell one seed's run from another's,
    not a claim about the precision of the estimate), so the student's own run, rounded as asked,
    passes, while another seed's value (the public site's default run) does not: the grader
    recomputes each student's own run (:mod:`jakpersist.book.variants`), so the tolerance covers
    rounding, not seed noise (the seed spread it must stay below is measured in
    ``benchmarks/course_seed_spread.py``). ``hint``: where the student finds the value (shown when a
    hidden test fails; never the value). ``points``: verdicts and choices, which a guess or a copy
    can hit, weigh 0.5; numbers weigh 2.
    """

    name: str
    kind: str
    prompt: str
    truth: Callable[[dict[str, Any]], Any]
    choices: tuple[str, ...] = ()
    rtol: float = 0.0
    atol: float | None = None
    spec: str = ".3f"
    points: float = 1.0
    hint: str = ""

    @property
    def tolerance_abs(self) -> float:
        """Absolute part of the tolerance: ``atol``, or half a unit of the last digit of
        ``spec``."""
        if self.atol is not None:
            return self.atol
        m = re.fullmatch(r"\.(\d+)f", self.spec)
        return 0.5 * 10 ** -int(m.group(1)) + 1e-9 if m else 0.0

    def tolerance(self, truth: float) -> float:
        """Allowed |given - truth| for a number."""
        return max(self.tolerance_abs, self.rtol * abs(truth))

    def allowed(self) -> tuple[str, ...]:
        return VERDICTS if self.kind == "verdict" else self.choices


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``label`` as in the chapter, the ``runs`` it asks for, the answers, the open
    question.

    ``predict``: name of the answer the student predicts before running (predict, then check);
    ``key_phrases``: phrases of the solution that give the answer away (the leak test checks that
    none of them appears in the student notebook); ``vary``: parameters a student's variant may set,
    with the values allowed (besides the seed, which every chapter with a seed varies;
    :mod:`jakpersist.book.variants`).
    """

    label: str
    chapter: str
    runs: dict[str, dict[str, Any]]
    answers: tuple[Answer, ...]
    predict: str | None = None
    open_question: str = ""
    key_phrases: tuple[str, ...] = field(default_factory=tuple)
    vary: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    @property
    def qname(self) -> str:
        """otter question name (a Python identifier)."""
        return self.label.replace("-", "_")


def _v(run: str, key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda r: r[run][key]


def _outcome(run: str, prefix: str) -> Callable[[dict[str, Any]], str]:
    """The rule's outcome in a run ("holds", "does not hold", "undefined"), from its glued words; on
    a stand-in (no verdict) from the rule's signed margin."""

    def f(r: dict[str, Any]) -> str:
        g = r[run]
        out = g.get(prefix + "_verdict_outcome")
        if out in VERDICTS:
            return out
        return "holds" if (g.get(prefix + "_margin") or 0.0) > 0 else "does not hold"

    return f


def _supported_count(run: str, key: str) -> Callable[[dict[str, Any]], int]:
    return lambda r: int(sum(1 for g in r[run] if g and g.get(key) is True))


def _direction(run: str, start: str, end: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: "falls" if r[run][end] < r[run][start] else "rises"


def _ratio(run: str, num: str, den: str) -> Callable[[dict[str, Any]], float]:
    return lambda r: r[run][num] / r[run][den]


def _top_blood(r: dict[str, Any]) -> int:
    """How many of the ``ask_top`` lines most sensitive to ``ask_drug`` in GDSC1 are blood-cancer
    lines."""
    from ..loaders.publicdata import load_gdsc

    ask = r["ask"]
    col = {"ruxolitinib": "ln_ic50_uM_ruxolitinib", "fedratinib": "ln_ic50_uM_fedratinib"}[
        ask["ask_drug"]
    ]
    top = load_gdsc().dropna(subset=[col]).nsmallest(int(ask["ask_top"]), col)
    return int((top["tissue"] == "blood").sum())


_VALUES = "values.json of your run (or the chapter's text)"

EXERCISES: tuple[Exercise, ...] = (
    # --- C0 / C5 (deterministic model: the variant sets a dose or a schedule, not a seed) ---------
    Exercise(
        "c0-ex-degrader",
        "c0_in_vivo",
        {"degrader": {"treatment": "PU-H71"}},
        (
            Answer(
                "degrader_clone",
                "choice",
                "does the mutant fraction fall or rise over treatment?",
                _direction("degrader", "c0_fraction_start", "c0_fraction_end"),
                DIRECTIONS,
                points=0.5,
            ),
            Answer(
                "degrader_fraction_end",
                "number",
                "mutant fraction at the end of treatment (0-1, 3 decimals)",
                _v("degrader", "c0_fraction_end"),
                spec=".3f",
                points=2.0,
                hint="c0_fraction_end in " + _VALUES,
            ),
            Answer(
                "degrader_c0_verdict",
                "verdict",
                "C0 verdict of this arm",
                _outcome("degrader", "c0"),
                points=0.5,
            ),
        ),
        predict="degrader_clone",
        open_question="Why does the symptom index barely move in the degrader arm?",
        key_phrases=("mutant fraction falls", "the clone is not maintained"),
        vary={"hsp90_dose_nM": (150.0, 200.0, 250.0, 300.0, 400.0, 500.0)},
    ),
    Exercise(
        "c0-ex-pause",
        "c0_in_vivo",
        {"short": {"pause_weeks": 1.0}, "long": {"pause_weeks": 12.0}},
        (
            Answer(
                "pause_redose_short",
                "number",
                "after a 1-week pause: spleen index at the end of re-dosing / "
                "at the end of the pause (3 decimals)",
                _ratio("short", "c0_spleen_redose", "c0_spleen_pause"),
                spec=".3f",
                points=2.0,
                hint="c0_spleen_redose and c0_spleen_pause in " + _VALUES,
            ),
            Answer(
                "pause_redose_long",
                "number",
                "the same after a 12-week pause (3 decimals)",
                _ratio("long", "c0_spleen_redose", "c0_spleen_pause"),
                spec=".3f",
                points=2.0,
                hint="c0_spleen_redose and c0_spleen_pause in " + _VALUES,
            ),
        ),
        open_question="How does the response to re-dosing after a long pause compare with the "
        "first course "
        "(c0_spleen_end: the spleen index after the first course, relative to its start), and why?",
        vary={
            "treatment_weeks": (16.0, 20.0, 24.0, 28.0, 32.0),
            "redose_weeks": (8.0, 10.0, 12.0, 16.0),
        },
    ),
    # --- C1 ---------------------------------------------------------------------------------------
    Exercise(
        "c1-ex-advantage",
        "c1_persistence",
        {"gated": {}, "agnostic": {"trans_gating": 0.0}},
        (
            Answer(
                "advantage_fold_rux",
                "number",
                "ruxolitinib GI50 fold shift (persistent / naive) at the chapter's "
                "defaults, trans_gating=1 (3 decimals)",
                _v("gated", "c1_fold_ruxolitinib"),
                points=2.0,
                hint="c1_fold_ruxolitinib in " + _VALUES,
            ),
            Answer(
                "advantage_fold_pan",
                "number",
                "the same for JAK Inhibitor I, the pan-JAK inhibitor (3 decimals)",
                _v("gated", "c1_fold_jak_inhibitor_1"),
                points=2.0,
                hint="c1_fold_jak_inhibitor_1 in " + _VALUES,
            ),
            Answer(
                "advantage_fold_agnostic",
                "number",
                "ruxolitinib GI50 fold shift with trans_gating=0 (3 decimals)",
                _v("agnostic", "c1_fold_ruxolitinib"),
                points=2.0,
                hint="c1_fold_ruxolitinib in values.json of the trans_gating=0 run",
            ),
            Answer(
                "advantage_verdict",
                "verdict",
                "C1 verdict with trans_gating=0",
                _outcome("agnostic", "c1"),
                points=0.5,
            ),
        ),
        predict="advantage_verdict",
        open_question="Why does the rule fail at the defaults, which inhibitor's JAK1/TYK2 potency "
        "sets the "
        "smallest fold, and what does trans_gating=0 assume about the partner kinase?",
        key_phrases=("the escape no longer needs the partner kinase active",),
    ),
    Exercise(
        "c1-ex-noise",
        "c1_persistence",
        {
            "noisy": {"trans_gating": 0.0, "noise_sd": 0.2, "n_replicates": 2, "seeds": [1, 2, 3]},
            "replicated": {"n_replicates": 6, "seeds": [1, 2, 3]},
        },
        (
            Answer(
                "noise_n_supported",
                "count",
                "with trans_gating=0, 2 wells per dose: in how many of the 3 seeds "
                "does the rule hold?",
                _supported_count("noisy", "c1_verdict"),
                points=0.5,
                hint="the c1_verdict column of the first sweep's table",
            ),
            Answer(
                "noise_lowest_bound",
                "number",
                "with trans_gating=0, 2 wells per dose: lowest lower bound of a "
                "fold interval over the 3 seeds (3 decimals)",
                lambda r: min(g["c1_min_fold_lo"] for g in r["noisy"]),
                points=2.0,
                hint="the smallest c1_min_fold_lo of the first sweep's table",
            ),
            Answer(
                "replicated_highest_upper",
                "number",
                "at the defaults (trans_gating=1, the chapter's noise), 6 wells per dose: highest "
                "upper bound of the ruxolitinib fold interval over the 3 seeds (3 decimals)",
                lambda r: max(g["c1_fold_hi_ruxolitinib"] for g in r["replicated"]),
                points=2.0,
                hint="the largest c1_fold_hi_ruxolitinib of the second sweep's table",
            ),
        ),
        predict="noise_n_supported",
        open_question="In which sweep would more wells change the verdict, and why not in the "
        "other? What "
        "separates an effect below the rule's bound from an effect the plate cannot show?",
        vary={"noise_sd": (0.15, 0.2, 0.25)},
    ),
    Exercise(
        "c1-ex-cross",
        "c1_persistence",
        {"fed": {"selection_drug": "fedratinib"}},
        (
            Answer(
                "cross_verdict",
                "verdict",
                "C1 verdict with fedratinib-selected cells",
                _outcome("fed", "c1"),
                points=0.5,
            ),
            Answer(
                "cross_min_fold",
                "number",
                "smallest GI50 fold shift across the three inhibitors (3 decimals)",
                _v("fed", "c1_min_fold"),
                points=2.0,
                hint="c1_min_fold in " + _VALUES,
            ),
        ),
        predict="cross_verdict",
        open_question="What kind of resistance mechanism would not give cross-persistence?",
    ),
    # --- C2 ---------------------------------------------------------------------------------------
    Exercise(
        "c2-ex-partner",
        "c2_heterodimers",
        {"naive_partners": {"partner_max": 0.2}},
        (
            Answer(
                "partner_coip_jak1",
                "number",
                "JAK1/JAK2 co-IP ratio, persistent / naive (3 decimals)",
                _v("naive_partners", "c2_coip_jak1_fold"),
                spec=".3f",
                points=2.0,
                hint="c2_coip_jak1_fold in " + _VALUES,
            ),
            Answer(
                "partner_verdict",
                "verdict",
                "C2 verdict with partner_max=0.2",
                _outcome("naive_partners", "c2"),
                points=0.5,
            ),
        ),
        predict="partner_verdict",
        open_question="Which parts (a, b, c) of the rule fail, and why?",
        key_phrases=("the heterodimer share does not rise; the co-IP part fails",),
    ),
    Exercise(
        "c2-ex-power",
        "c2_heterodimers",
        {
            "underpowered": {
                "trans_gating": 0.0,
                "n_blots": 2,
                "band_noise_sd": 0.3,
                "seeds": [1, 2, 3, 4, 5],
            }
        },
        (
            Answer(
                "power_n_supported",
                "count",
                "with trans_gating=0: in how many of the 5 seeds is C2 supported?",
                _supported_count("underpowered", "c2_verdict"),
                points=0.5,
                hint="the c2_verdict column of the sweep's table",
            ),
            Answer(
                "power_highest_p",
                "number",
                "highest p-value of the JAK1 co-IP test over the 5 seeds (3 decimals)",
                lambda r: max(g["c2_coip_jak1_p"] for g in r["underpowered"]),
                points=2.0,
                hint="the largest c2_coip_jak1_p of the sweep's table",
            ),
        ),
        predict="power_n_supported",
        open_question="The co-IP shift is the same in every seed: what does that say about drawing "
        "conclusions "
        "from a single co-IP? And why would more blots not rescue C2 at the defaults "
        "(trans_gating=1)?",
        vary={"band_noise_sd": (0.25, 0.3, 0.35, 0.4)},
    ),
    # --- C3 / C4 ----------------------------------------------------------------------------------
    Exercise(
        "c3-ex-holiday",
        "c3_reversibility",
        {
            "d3": {"withdrawal_days": 3.0},
            "d7": {"withdrawal_days": 7.0},
            "d21": {"withdrawal_days": 21.0},
        },
        (
            Answer(
                "holiday_fold_d3",
                "number",
                "GI50 fold (withdrawn / naive) after 3 days off drug (3 decimals)",
                _v("d3", "c3_fold_withdrawn"),
                points=2.0,
                hint="c3_fold_withdrawn in " + _VALUES,
            ),
            Answer(
                "holiday_fold_d7",
                "number",
                "the same after 7 days",
                _v("d7", "c3_fold_withdrawn"),
                points=2.0,
                hint="c3_fold_withdrawn in " + _VALUES,
            ),
            Answer(
                "holiday_fold_d21",
                "number",
                "the same after 21 days",
                _v("d21", "c3_fold_withdrawn"),
                points=2.0,
                hint="c3_fold_withdrawn in " + _VALUES,
            ),
        ),
        predict="holiday_fold_d7",
        open_question="Why does the fold fall as it does with time off drug?",
    ),
    Exercise(
        "c3-ex-mutation",
        "c3_reversibility",
        {"mutation": {"trans_gating": 0.0, "relax_half_time": 1000000.0}},
        (
            Answer(
                "mutation_c3_verdict",
                "verdict",
                "C3 verdict with trans_gating=0 and no relaxation",
                _outcome("mutation", "c3"),
                points=0.5,
            ),
            Answer(
                "mutation_c4_verdict",
                "verdict",
                "C4 verdict in the same run",
                _outcome("mutation", "c4"),
                points=0.5,
            ),
            Answer(
                "mutation_fold_withdrawn",
                "number",
                "GI50 fold of the withdrawn cells (withdrawn / naive, 3 decimals)",
                _v("mutation", "c3_fold_withdrawn"),
                points=2.0,
                hint="c3_fold_withdrawn in " + _VALUES,
            ),
        ),
        predict="mutation_c3_verdict",
        open_question="Why is this the signature of genetic resistance?",
        key_phrases=("the withdrawn cells stay persistent (C3) and JAK2 stays up (C4)",),
    ),
    # --- C6 / C7 ----------------------------------------------------------------------------------
    Exercise(
        "c6-ex-bypass",
        "c6_jak2_dependence",
        {"bypass": {"trans_gating": 0.0, "bypass": 0.6}},
        (
            Answer(
                "bypass_c6_verdict",
                "verdict",
                "C6 verdict with trans_gating=0 and bypass=0.6",
                _outcome("bypass", "c6"),
                points=0.5,
            ),
            Answer(
                "bypass_c7_verdict",
                "verdict",
                "C7 verdict in the same run",
                _outcome("bypass", "c7"),
                points=0.5,
            ),
            Answer(
                "bypass_growth_persistent",
                "number",
                "growth of persistent cells after JAK2 knock-down "
                "(fraction of control, 3 decimals)",
                _v("bypass", "c6_growth_persistent"),
                spec=".3f",
                points=2.0,
                hint="c6_growth_persistent in " + _VALUES,
            ),
        ),
        predict="bypass_c6_verdict",
        open_question="Which single experiment on this page would you do first in the lab to tell "
        "the two worlds apart?",
        key_phrases=("a GI50 ratio does not exist and the rule cannot decide",),
    ),
    Exercise(
        "c6-ex-clients",
        "c6_jak2_dependence",
        {"clients": {"hsp90_other_clients": 0.5}},
        (
            Answer(
                "clients_ratio",
                "number",
                "PU-H71 GI50 ratio, persistent / naive (3 decimals)",
                _v("clients", "c7_puh71_ratio"),
                spec=".3f",
                points=2.0,
                hint="c7_puh71_ratio in " + _VALUES,
            ),
        ),
        predict="clients_ratio",
        open_question="Why does the ratio stay informative?",
    ),
    # --- G1 (public data, no seed: the variant picks the cell line, the question's drug, list size)
    Exercise(
        "g1-ex-k562",
        "g1_gdsc",
        {"k562": {"cell_line": "K-562"}},
        (
            Answer(
                "k562_percentile",
                "number",
                "your line's percentile for ruxolitinib (0-100, 1 decimal)",
                _v("k562", "g1_pct_ruxolitinib"),
                spec=".1f",
                points=2.0,
                hint="g1_pct_ruxolitinib in " + _VALUES,
            ),
            Answer(
                "k562_verdict",
                "verdict",
                "verdict for your line",
                _outcome("k562", "g1"),
                points=0.5,
            ),
        ),
        predict="k562_percentile",
        open_question="Why is being a blood cancer not enough?",
        key_phrases=(
            "it\n  ranks far from the sensitive end",
            "it ranks far from the sensitive end",
        ),
        vary={
            "cell_line": (
                "K-562",
                "HL-60",
                "KASUMI-1",
                "MOLT-4",
                "U-266",
                "KU812",
                "NALM-6",
                "THP-1",
            )
        },
    ),
    Exercise(
        "g1-ex-top",
        "g1_gdsc",
        {"default": {}},
        (
            Answer(
                "top_n_blood",
                "count",
                "how many of your most-sensitive lines are blood-cancer lines (tissue 'blood')?",
                _top_blood,
                points=2.0,
                hint="the tissue column of gdsc.nsmallest(N, column) for your drug and N",
            ),
        ),
        open_question="What do the tissues of the most sensitive lines suggest, and what would "
        "confirm it?",
        vary={"ask_drug": ("ruxolitinib", "fedratinib"), "ask_top": (10, 15, 20, 25, 30)},
    ),
    # --- T1 (stand-in, a demonstration: its graded values are enrichment statistics, not a verdict)
    Exercise(
        "t1-ex-adapt",
        "t1_transcriptome",
        {"none": {"adapt_rate": 0.0, "use_geo_cache": False}},
        (
            Answer(
                "adapt_nes",
                "number",
                "NES of the IL-2/STAT5 set (3 decimals)",
                _v("none", "t1_stat5_nes"),
                rtol=0.0,
                points=2.0,
                hint="t1_stat5_nes in " + _VALUES,
            ),
            Answer(
                "adapt_fdr",
                "number",
                "its FDR q-value (3 decimals)",
                _v("none", "t1_stat5_fdr"),
                rtol=0.0,
                points=1.0,
                hint="t1_stat5_fdr in " + _VALUES,
            ),
        ),
        open_question="Why do STAT5 targets not differ without adaptation?",
        key_phrases=(
            "STAT5 targets do not\n  move, and the enrichment disappears",
            "STAT5 targets do not move, and the enrichment disappears",
        ),
    ),
    Exercise(
        "t1-ex-samples",
        "t1_transcriptome",
        {"two": {"n_replicates": 2, "use_geo_cache": False}},
        (
            Answer(
                "samples_nes",
                "number",
                "NES of the IL-2/STAT5 set with 2 samples per population (3 decimals)",
                _v("two", "t1_stat5_nes"),
                points=2.0,
                hint="t1_stat5_nes in " + _VALUES,
            ),
            Answer(
                "samples_jak2_log2fc",
                "number",
                "JAK2's log2 fold change, persistent - naive (3 decimals)",
                _v("two", "t1_jak2_log2fc"),
                points=1.0,
                hint="t1_jak2_log2fc in " + _VALUES,
            ),
        ),
        open_question="What does this say about the number of arrays a study of this kind needs?",
    ),
)


#: Chapters whose exercises are open questions without a graded assignment (why, shown in the
#: instructor guide).
UNGRADED: dict[str, str] = {
    "r1_robustness": "its exercises ask for judgement (which assumption to measure) and an atlas "
    "run, not a number",
    "h1_hts007": "it needs the hts007 download (PyPI) that an offline classroom may not have",
    "r2_rivals": "its exercises ask for judgement (which experiment separates two models) and a "
    "rival-model run",
}


def graded_chapters(chapters: list[str]) -> list[str]:
    """``chapters`` without the :data:`UNGRADED` ones."""
    return [c for c in chapters if c not in UNGRADED]


def for_chapter(chapter: str) -> list[Exercise]:
    """The exercises of one chapter, in the order they appear."""
    return [e for e in EXERCISES if e.chapter == chapter]


def truths(ex: Exercise, runs: dict[str, Any]) -> dict[str, Any]:
    """Correct value of every answer of ``ex`` from the glued values of its runs (name -> value)."""
    out = {}
    for a in ex.answers:
        v = a.truth(runs)
        out[a.name] = float(v) if a.kind == "number" else v
    return out


def check(answer: Answer, given: Any, truth: Any) -> bool:
    """Whether a student's value matches the truth (numbers within ``rtol``/``atol``; strings
    exact). A number whose truth is NaN (the student's own run reports none, e.g. a GI50 fold of a
    curve that is not estimable) is matched by NaN only (``float('nan')``), so the question still
    has one right answer."""
    if answer.kind == "number":
        try:
            g = float(given)
        except (TypeError, ValueError):
            return False
        if (
            truth != truth
        ):  # the student's run reports no value (NaN: a curve without an estimable GI50)
            return g != g
        return g == g and abs(g - truth) <= answer.tolerance(truth)
    if (
        answer.kind == "count"
    ):  # NumPy and pandas integers count (np.int64 is an Integral, not an int)
        return (
            isinstance(given, numbers.Integral)
            and not isinstance(given, bool)
            and int(given) == truth
        )
    return isinstance(given, str) and given.strip().lower() == str(truth).lower()


def copy_ceiling(chapter: str) -> tuple[float, float]:
    """(points a copy of the public site's answers can earn at most, exercise points) for
    ``chapter``.

    A copied number fails (each student's numbers come from their own seed or parameters, and the
    tolerance is far below the spread across them: ``benchmarks/course_grading.py spread``), so a
    copy earns at most the points of the verdicts, choices and counts, which can coincide with the
    student's. Exercise points only (the predictions question is not counted)."""
    answers = [a for e in for_chapter(chapter) for a in e.answers]
    return (
        float(sum(a.points for a in answers if a.kind != "number")),
        float(sum(a.points for a in answers)),
    )


def points_table() -> str:
    """Markdown table, one row per graded chapter: exercise points, and the most a copy of the site
    can earn."""
    rows = [
        "| chapter | exercise points | most a copy of the public site's answers can earn |",
        "|---|---|---|",
    ]
    for chapter in dict.fromkeys(e.chapter for e in EXERCISES):
        copy, total = copy_ceiling(chapter)
        rows.append(f"| `{chapter}` | {total:g} | {copy:g} ({copy / total:.0%}) |")
    return "\n".join(rows) + "\n"
