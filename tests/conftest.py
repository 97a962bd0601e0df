"""Shared fixtures: run a chapter through papermill and read its glued values."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (a failure is reproducible; CI cannot flake on
# a new draw).
settings.register_profile("book", derandomize=True, print_blob=True)
settings.load_profile("book")

from jakpersist.book import execute as ex

ROOT = Path(__file__).resolve().parent.parent

#: Counterfactual and reader-data runs use fewer bootstrap resamples to keep the suite fast; the
#: verdict rules do not depend on the number of resamples beyond Monte Carlo error, and the
#: default-parameter verdicts are read from the executed book (full resamples).
FAST = {"n_boot": 120}


def run_chapter(chapter: str, params: dict, tmp_path: Path, fast: bool = True) -> dict:
    """Execute a chapter with ``params`` (plus FAST settings it declares) and return its glued
    values."""
    src = ex.chapter_source(chapter)
    declared = ex.parameters_of(src)
    merged = {k: v for k, v in FAST.items() if fast and k in declared}
    merged.update(params)
    out = tmp_path / f"{chapter}.ipynb"
    ex.execute(src, out, merged, cwd=ROOT)
    return ex.glued_values(out)


@pytest.fixture(scope="session")
def default_values() -> dict:
    """Glued values of every executed chapter of the book (default parameters), executing if
    missing."""
    values = {}
    for src in sorted((ROOT / "notebooks").glob("*.md")):
        out = ex.EXECUTED / f"{src.stem}.ipynb"
        if not out.is_file() or out.stat().st_mtime < src.stat().st_mtime:
            ex.execute(src, out, cwd=ROOT)
        values[src.stem] = ex.glued_values(out)
    return values


#: Test tiers, by what a module needs: "chapter" executes chapters with papermill or reads the
#: executed book; "site" reads the built site or opens it in Chromium. Everything else is a unit
#: test that needs only the package (`make test-fast` runs those). Tests marked "slow" are install
#: routes and
#: end-to-end
#: grading.
TIERS = {
    "chapter": {
        "test_claims",
        "test_shared_cases",
        "test_monotone",
        "test_report",
        "test_student",
        "test_assign",
        "test_cli",
        "test_sweep",
        "test_course",
    },
    "site": {
        "test_site",
        "test_browser",
        "test_packaging",
        "test_accessibility",
        "test_findings",
        "test_glossary",
        "test_sitepages",
    },
}


#: Unit tests that take over 5 s each on an idle 2-core machine (golden records,
#: batched-versus-single agreement over hundreds of curves, Dask workers, exact permutation tests):
#: ``make test`` runs them, ``make test-fast`` leaves them out so that it stays under a minute.
HEAVY = {
    "test_golden_outputs_are_unchanged[claims]",
    "test_golden_outputs_are_unchanged[curves]",
    "test_golden_outputs_are_unchanged[batch]",
    "test_golden_outputs_are_unchanged[atlas]",
    "test_batched_fits_agree_with_fit_curve",
    "test_two_local_dask_workers_give_the_serial_numbers",
    "test_designs_without_vehicle_wells_agree_and_no_fit_is_worse_than_a_flat_line",
    "test_exact_spearman_permutation_p_for_seven_lines",
    "test_h1_and_the_transcriptome_check_run_through_evaluate",
    "test_ll3_corner_of_a_shallow_flat_fit_is_escaped_by_both_paths",
    "test_vectorised_gi50_decision_equals_the_single_curve_rule",
    "test_more_between_day_variance_never_lowers_the_experiments_needed",
    # a chapter executed with papermill (23 s and 16 s) and every chapter's text converted (12 s)
    "test_a_chapter_run_with_trans_gating_zero_says_the_atlas_does_not_apply",
    "test_a_run_with_a_contradicted_comparator_warns_in_the_report_and_stores_undefined",
    "test_golden_outputs_are_unchanged[markdown]",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.name in HEAVY or getattr(item, "originalname", None) in HEAVY:
            item.add_marker(pytest.mark.heavy)
        module = getattr(item, "module", None)
        module = module.__name__.rsplit(".", 1)[-1] if module else ""
        for tier, modules in TIERS.items():
            if module in modules:
                item.add_marker(getattr(pytest.mark, tier))
