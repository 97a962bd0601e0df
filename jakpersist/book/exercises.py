"""The exercises of every chapter as data: which runs answer them, what the student reports, how it is graded.

One :class:`Exercise` per ``:::{exercise}`` block of a chapter (same label). Its ``runs`` are the parameter
sets the exercise text asks the student to run; the *truth* of each :class:`Answer` is computed from the
values those runs glue (``jakbook run`` / :func:`jakpersist.book.sweep.run_once`), never typed by hand. The
assignment builder (:mod:`jakpersist.book.assign`) turns this table into otter-grader questions: a visible
check (the answer has the right type and range) and a hidden test (the answer matches the run, with partial
credit per answer). Open "why" questions are graded by hand with the rubric in ``book/instructor.md``.

A run whose parameters hold ``"seeds": [..]`` is a seed sweep: its truth function receives a list of glued
dicts, one per seed (``jakbook sweep``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

#: What a student reports for a verdict: the rule's outcome in the run (the page words it by kind of result).
VERDICTS = ("holds", "does not hold", "undefined")
DIRECTIONS = ("falls", "rises")


@dataclass(frozen=True)
class Answer:
    """One value a student reports.

    ``name``: the Python variable in the assignment notebook; ``kind``: "verdict" (one of ``VERDICTS``),
    "choice" (one of ``choices``), "number" (float, compared with ``rtol``/``atol``) or "count" (int, exact);
    ``truth``: function of the runs' glued values -> the correct value; ``spec``: format used when the value
    is written in text (and searched for by the leak test).
    """
    name: str
    kind: str
    prompt: str
    truth: Callable[[dict[str, Any]], Any]
    choices: tuple[str, ...] = ()
    rtol: float = 0.05
    atol: float = 0.06
    spec: str = ".1f"
    points: float = 1.0

    def allowed(self) -> tuple[str, ...]:
        return VERDICTS if self.kind == "verdict" else self.choices


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``label`` as in the chapter, the ``runs`` it asks for, the answers, the open question.

    ``predict``: name of the answer the student predicts before running (predict, then check);
    ``key_phrases``: phrases of the solution that give the answer away (the leak test checks that none of
    them appears in the student notebook).
    """
    label: str
    chapter: str
    runs: dict[str, dict[str, Any]]
    answers: tuple[Answer, ...]
    predict: str | None = None
    open_question: str = ""
    key_phrases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def qname(self) -> str:
        """otter question name (a Python identifier)."""
        return self.label.replace("-", "_")


def _v(run: str, key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda r: r[run][key]


def _outcome(run: str, prefix: str) -> Callable[[dict[str, Any]], str]:
    """The rule's outcome in a run ("holds", "does not hold", "undefined"), from its glued words; on a
    stand-in (no verdict) from the rule's signed margin."""
    def f(r: dict[str, Any]) -> str:
        g = r[run]
        out = g.get(prefix + "_verdict_outcome")
        if out in VERDICTS:
            return out
        return "holds" if g.get(prefix + "_margin", 0.0) > 0 else "does not hold"
    return f


def _supported_count(run: str, key: str) -> Callable[[dict[str, Any]], int]:
    return lambda r: int(sum(1 for g in r[run] if g and g.get(key) is True))


def _direction(run: str, start: str, end: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: "falls" if r[run][end] < r[run][start] else "rises"


EXERCISES: tuple[Exercise, ...] = (
    # --- C0 / C5 ------------------------------------------------------------------------------------------
    Exercise(
        "c0-ex-degrader", "c0_in_vivo", {"degrader": {"treatment": "PU-H71"}},
        (Answer("degrader_clone", "choice", "does the mutant fraction fall or rise over treatment?",
                _direction("degrader", "c0_fraction_start", "c0_fraction_end"), DIRECTIONS),
         Answer("degrader_fraction_end", "number", "mutant fraction at the end of treatment (0-1)",
                _v("degrader", "c0_fraction_end"), spec=".2f", atol=0.01),
         Answer("degrader_c0_verdict", "verdict", "C0 verdict of this arm", _outcome("degrader", "c0"))),
        predict="degrader_clone",
        open_question="Why does the symptom index barely move in the degrader arm?",
        key_phrases=("mutant fraction falls", "the clone is not maintained")),
    Exercise(
        "c0-ex-pause", "c0_in_vivo", {"short": {"pause_weeks": 1.0}, "long": {"pause_weeks": 12.0}},
        (Answer("pause_spleen_short", "number", "spleen index at the end of a 1-week pause",
                _v("short", "c0_spleen_pause"), spec=".2f", atol=0.01),
         Answer("pause_spleen_long", "number", "spleen index at the end of a 12-week pause",
                _v("long", "c0_spleen_pause"), spec=".2f", atol=0.01)),
        open_question="How does the response to re-dosing after a long pause compare with the first course, and why?"),
    # --- C1 -----------------------------------------------------------------------------------------------
    Exercise(
        "c1-ex-advantage", "c1_persistence", {"none": {"hetero_advantage": 1.0}},
        (Answer("advantage_verdict", "verdict", "C1 verdict with hetero_advantage=1", _outcome("none", "c1")),
         Answer("advantage_fold_rux", "number", "ruxolitinib GI50 fold shift (persistent / naive)",
                _v("none", "c1_fold_ruxolitinib"), rtol=0.1)),
        predict="advantage_verdict",
        open_question="Why is the JAK2 level alone not enough to make the cells persistent here?",
        key_phrases=("More JAK2 alone still shifts the GI50 a little, but not enough",)),
    Exercise(
        "c1-ex-noise", "c1_persistence",
        {"noisy": {"noise_sd": 0.2, "n_replicates": 2, "seeds": [1, 2, 3]}},
        (Answer("noise_n_supported", "count", "in how many of the 3 seeds is C1 supported?",
                _supported_count("noisy", "c1_verdict")),
         Answer("noise_lowest_bound", "number", "lowest lower bound of a fold interval over the 3 seeds",
                lambda r: min(g["c1_min_fold_lo"] for g in r["noisy"]), rtol=0.1)),
        predict="noise_n_supported",
        open_question="What happens to the intervals of the folds, and why can a real shift fail the rule?"),
    Exercise(
        "c1-ex-cross", "c1_persistence", {"fed": {"selection_drug": "fedratinib"}},
        (Answer("cross_verdict", "verdict", "C1 verdict with fedratinib-selected cells", _outcome("fed", "c1")),
         Answer("cross_min_fold", "number", "smallest GI50 fold shift across the three inhibitors",
                _v("fed", "c1_min_fold"), rtol=0.1)),
        predict="cross_verdict",
        open_question="What kind of resistance mechanism would not give cross-persistence?"),
    # --- C2 -----------------------------------------------------------------------------------------------
    Exercise(
        "c2-ex-partner", "c2_heterodimers", {"naive_partners": {"partner_max": 0.2}},
        (Answer("partner_coip_jak1", "number", "JAK1/JAK2 co-IP ratio, persistent / naive",
                _v("naive_partners", "c2_coip_jak1_fold"), spec=".2f", rtol=0.1),
         Answer("partner_verdict", "verdict", "C2 verdict with partner_max=0.2",
                _outcome("naive_partners", "c2"))),
        predict="partner_verdict",
        open_question="Which parts (a, b, c) of the rule fail, and why?",
        key_phrases=("the heterodimer share does not rise; the co-IP part fails",)),
    Exercise(
        "c2-ex-power", "c2_heterodimers",
        {"underpowered": {"n_blots": 2, "band_noise_sd": 0.3, "seeds": [1, 2, 3, 4, 5]}},
        (Answer("power_n_supported", "count", "in how many of the 5 seeds is C2 supported?",
                _supported_count("underpowered", "c2_verdict")),),
        predict="power_n_supported",
        open_question="What does this say about drawing conclusions from a single co-IP?"),
    # --- C3 / C4 ------------------------------------------------------------------------------------------
    Exercise(
        "c3-ex-holiday", "c3_reversibility",
        {"d3": {"withdrawal_days": 3.0}, "d7": {"withdrawal_days": 7.0}, "d21": {"withdrawal_days": 21.0}},
        (Answer("holiday_fold_d3", "number", "GI50 fold (withdrawn / naive) after 3 days off drug",
                _v("d3", "c3_fold_withdrawn"), rtol=0.1),
         Answer("holiday_fold_d7", "number", "the same after 7 days", _v("d7", "c3_fold_withdrawn"), rtol=0.1),
         Answer("holiday_fold_d21", "number", "the same after 21 days", _v("d21", "c3_fold_withdrawn"),
                spec=".2f", rtol=0.1)),
        predict="holiday_fold_d7",
        open_question="Why does the fold fall as it does with time off drug?"),
    Exercise(
        "c3-ex-mutation", "c3_reversibility", {"mutation": {"relax_half_time": 1000000.0}},
        (Answer("mutation_c3_verdict", "verdict", "C3 verdict without relaxation", _outcome("mutation", "c3")),
         Answer("mutation_c4_verdict", "verdict", "C4 verdict without relaxation", _outcome("mutation", "c4"))),
        predict="mutation_c3_verdict",
        open_question="Why is this the signature of genetic resistance?",
        key_phrases=("the withdrawn cells stay persistent (C3) and JAK2 stays up (C4)",)),
    # --- C6 / C7 ------------------------------------------------------------------------------------------
    Exercise(
        "c6-ex-bypass", "c6_jak2_dependence", {"bypass": {"bypass": 0.6}},
        (Answer("bypass_c6_verdict", "verdict", "C6 verdict with bypass=0.6", _outcome("bypass", "c6")),
         Answer("bypass_c7_verdict", "verdict", "C7 verdict with bypass=0.6", _outcome("bypass", "c7")),
         Answer("bypass_growth_persistent", "number", "growth of persistent cells after JAK2 knock-down "
                "(fraction of control)", _v("bypass", "c6_growth_persistent"), spec=".2f", atol=0.02)),
        predict="bypass_c6_verdict",
        open_question="Which single experiment on this page would you do first in the lab to tell the two worlds apart?",
        key_phrases=("C7 becomes *undefined*", "neither GI50 ratio exists")),
    Exercise(
        "c6-ex-clients", "c6_jak2_dependence", {"clients": {"hsp90_other_clients": 0.5}},
        (Answer("clients_ratio", "number", "PU-H71 GI50 ratio, persistent / naive",
                _v("clients", "c7_puh71_ratio"), spec=".2f", rtol=0.1),),
        predict="clients_ratio",
        open_question="Why does the ratio stay informative?"),
    # --- G1 -----------------------------------------------------------------------------------------------
    Exercise(
        "g1-ex-k562", "g1_gdsc", {"k562": {"cell_line": "K-562"}},
        (Answer("k562_percentile", "number", "K-562 percentile for ruxolitinib (0-100)",
                _v("k562", "g1_pct_ruxolitinib"), spec=".0f", atol=1.0, rtol=0.0),
         Answer("k562_verdict", "verdict", "verdict for K-562", _outcome("k562", "g1"))),
        predict="k562_percentile",
        open_question="Why is being a blood cancer not enough?",
        key_phrases=("it\n  ranks far from the sensitive end", "it ranks far from the sensitive end")),
    Exercise(
        "g1-ex-top", "g1_gdsc", {"default": {}},
        (Answer("top_hel_in_top10", "choice", "is HEL among the 10 most ruxolitinib-sensitive lines?",
                lambda r: "yes" if r["default"]["g1_pct_ruxolitinib"] * r["default"]["g1_n_lines"] / 100 <= 10
                else "no", ("yes", "no")),),
        open_question="What do the tissues of the 10 most sensitive lines suggest, and what would confirm it?"),
    # --- T1 -----------------------------------------------------------------------------------------------
    Exercise(
        "t1-ex-adapt", "t1_transcriptome", {"none": {"adapt_rate": 0.0, "use_geo_cache": False}},
        (Answer("adapt_nes", "number", "NES of the IL-2/STAT5 set", _v("none", "t1_stat5_nes"),
                spec=".2f", atol=0.05),
         Answer("adapt_verdict", "verdict", "verdict", _outcome("none", "t1"))),
        predict="adapt_verdict",
        open_question="Why do STAT5 targets not differ without adaptation?",
        key_phrases=("STAT5 targets do not\n  move, and the enrichment disappears",
                     "STAT5 targets do not move, and the enrichment disappears")),
    Exercise(
        "t1-ex-samples", "t1_transcriptome", {"two": {"n_replicates": 2, "use_geo_cache": False}},
        (Answer("samples_verdict", "verdict", "verdict with 2 samples per population", _outcome("two", "t1")),),
        predict="samples_verdict",
        open_question="What does this say about the number of arrays a study of this kind needs?"),
)


#: Chapters whose exercises are open questions without a graded assignment (why, shown in the instructor guide).
UNGRADED: dict[str, str] = {
    "r1_robustness": "its exercises ask for judgement (which assumption to measure) and an atlas run, not a number",
    "h1_hts007": "it needs the hts007 download (PyPI) that an offline classroom may not have",
    "r2_rivals": "its exercises ask for judgement (which experiment separates two models) and a rival-model run",
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
    """Whether a student's value matches the truth (numbers within ``rtol``/``atol``; strings exact)."""
    if answer.kind == "number":
        try:
            g = float(given)
        except (TypeError, ValueError):
            return False
        return abs(g - truth) <= max(answer.atol, answer.rtol * abs(truth))
    if answer.kind == "count":
        return isinstance(given, int) and given == truth
    return isinstance(given, str) and given.strip().lower() == str(truth).lower()
