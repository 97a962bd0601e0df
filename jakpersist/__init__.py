"""jakpersist: model, virtual assays, analysis and loaders for the JAK2-persistence book.

The calls a reader needs are on the package itself (imported on first use, so ``import jakpersist``
is cheap)::

    >>> import jakpersist as jp
    >>> r = jp.evaluate("C1", mode="fast")  # a claim at its defaults (noise-free model)
    >>> r.verdict, round(r.metrics["c1_fold_ruxolitinib"], 2)   # GI50 fold, persistent / naive
    (False, 2.68)
    >>> jp.evaluate("C1", {"trans_gating": 0.0}, mode="fast").verdict  # drug-agnostic escape
    True
    >>> plate = jp.read_plate(jp.example_path("plate_example.csv"))  # a plate CSV, read, checked
    >>> sorted(plate["population"].unique())
    ['naive', 'persistent']
    >>> dose = [0.01, 0.03, 0.1, 0.3, 1, 3, 10]                          # µM
    >>> fit = jp.fit_curve(dose, [1.0, 0.98, 0.9, 0.7, 0.3, 0.1, 0.05])  # one curve (LL4)
    >>> gi50 = fit.gi50_absolute()                                       # µM, with its 95% interval
    >>> gi50.status, round(gi50.value, 2), round(gi50.lo, 2), round(gi50.hi, 2)
    ('ok', 0.54, 0.5, 0.58)

Layers (a lower layer never imports a higher one; tests/test_layers.py checks it)
---------------------------------------------------------------------------------
model/     parameters (unit, valid range, default, provenance), signalling, adaptation dynamics,
           in-vivo model
assays/    virtual assays: simulated measurements with seeded noise (imports model)
analysis/  dose-response fits and GI50 tables, densitometry, ddCt, half-times, Bliss, enrichment,
           statistics
loaders/   the reader's CSV formats, GEO series, shipped public data and data/MANIFEST.yml
claims/    one function per claim: experiment + analysis + rule -> ClaimResult
atlas/     the robustness atlas: claims across the plausible parameter space, on Dask
book/      chapter helpers, papermill execution, registry, generated pages, student notebooks, CLI
"""

from __future__ import annotations

import importlib
from typing import Any

from .model.params import DRUG_LABELS, DRUGS, HSP90_INHIBITOR, ModelParams  # noqa: F401

__version__ = "0.1.0"

#: The front door: public name -> (module, attribute). Each is imported when first used.
_FRONT_DOOR = {
    "evaluate": ("jakpersist.claims", "evaluate"),
    "CLAIMS": ("jakpersist.claims", "CLAIMS"),
    "read_plate": ("jakpersist.loaders.readers", "read_plate"),
    "read_bands": ("jakpersist.loaders.readers", "read_bands"),
    "read_qpcr": ("jakpersist.loaders.readers", "read_qpcr"),
    "fit_curve": ("jakpersist.analysis.doseresponse", "fit_curve"),
    "fit_curves": ("jakpersist.analysis.batchfit", "fit_curves"),
    "select_model": ("jakpersist.analysis.doseresponse", "select_model"),
    "example_path": ("jakpersist.loaders.manifest", "example_path"),
}

__all__ = ["DRUGS", "DRUG_LABELS", "HSP90_INHIBITOR", "ModelParams", "__version__", *_FRONT_DOOR]


def __getattr__(name: str) -> Any:
    """Import a front-door name on first use (PEP 562)."""
    if name in _FRONT_DOOR:
        module, attr = _FRONT_DOOR[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jakpersist' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_FRONT_DOOR))
