"""The book's own chapter settings (the robustness and rivals chapters read shipped results from
folders), declared once, and :data:`PARAMS`: every parameter a chapter's ``parameters`` cell may
declare.

The model's parameters and the virtual experiments' settings are declared in
:mod:`jakpersist.model.params`, the claims' file and analysis settings in
:mod:`jakpersist.claims.params`.
"""

from __future__ import annotations

from ..claims.params import CHAPTER_PARAMS, PARAMS as CLAIM_PARAMS
from ..model.params import RUN_PARAMS, Param, with_short

BOOK_PARAMS: tuple[Param, ...] = (
    Param(
        "atlas_dir",
        "data/atlas",
        "path",
        "folder with the robustness atlas's summary.json, points.parquet and "
        "tipping.parquet (written by `make atlas` / `jakbook atlas --out`)",
        "run setting",
        kind="run",
        type=str,
    ),
    Param(
        "rivals_dir",
        "data/rivals",
        "path",
        "folder with the rival-model comparison's summary.json and "
        "rivals.parquet (written by `make rivals` / `jakbook rivals --out`)",
        "run setting",
        kind="run",
        type=str,
    ),
    Param(
        "between_day_sd",
        0.5,
        "log2",
        "power: between-experiment (plate / day) s.d. of the log2 GI50 fold; an "
        "assumption, not a measured value (a lab estimates its own from repeated runs)",
        "assumption",
        0.0,
        5.0,
        kind="run",
    ),
    Param(
        "focus_claim",
        "C1",
        "",
        "claim whose tipping scans are drawn in detail",
        "run setting",
        choices=("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7"),
        kind="run",
        type=str,
    ),
)

BOOK_PARAMS = with_short(
    BOOK_PARAMS,
    {
        "atlas_dir": "folder with summary.json, points.parquet, tipping.parquet (written by make "
        "atlas)",
        "rivals_dir": "folder with summary.json and rivals.parquet (written by make rivals)",
        "between_day_sd": "power: between-experiment s.d. of the log2 GI50 fold (log2 units; "
        "assumption)",
        "focus_claim": "claim whose tipping scans are drawn in detail (C0 to C7)",
    },
)

#: Every parameter a chapter may declare: the claims' (model, experiment, chapter settings) and the
#: book's.
PARAMS: dict[str, Param] = {**CLAIM_PARAMS, **{p.name: p for p in BOOK_PARAMS}}
#: The run and chapter settings in the order the "run parameters" page lists them.
SETTINGS: tuple[Param, ...] = (*RUN_PARAMS, *CHAPTER_PARAMS, *BOOK_PARAMS)
