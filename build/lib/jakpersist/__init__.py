"""jakpersist: model, virtual assays, analysis and loaders for the JAK2-persistence book.

Layers (a lower layer never imports a higher one; tests/test_layers.py checks it)
-------------------------------------------------------------------------------------
model/     parameters (unit, valid range, default, provenance), signalling, adaptation dynamics, in-vivo model
assays/    virtual assays: simulated measurements with seeded noise (imports model)
analysis/  dose-response fits and GI50 tables, densitometry, ddCt, half-times, Bliss, enrichment, statistics
loaders/   the reader's CSV formats, GEO series, shipped public data and data/MANIFEST.yml
claims/    one function per claim: experiment + analysis + rule -> ClaimResult
atlas/     the robustness atlas: claims across the plausible parameter space, on Dask
book/      chapter helpers, papermill execution, registry, generated pages, student notebooks, CLI
"""
from .model.params import DRUG_LABELS, DRUGS, HSP90_INHIBITOR, ModelParams  # noqa: F401

__version__ = "0.1.0"
