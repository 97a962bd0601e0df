"""jakpersist: model, virtual assays, analysis and loaders for the JAK2-persistence book.

Modules
-------
params       declared parameters (unit, range, default, provenance) and ModelParams
model        steady-state signalling, growth and viability (the equations of book/model.md)
dynamics     slow, reversible adaptation under chronic drug and after withdrawal
assays       virtual assays: simulated measurements with seeded noise
doseresponse log-logistic fits, GI50s with intervals, curve comparisons
workflows    chapter-level analysis steps on tidy tables
readers      the reader's own CSV files, validated
rules        verdict rules
chapter      notebook helpers: parameter validation, glue, evidence banners
plotting     the shared figure style
registry     the claims registry and glued values of executed notebooks
densitometry, qpcr, timecourse, enrichment, combination, welch    the other analyses
population   the model-only in-vivo illustration
geo, publicdata, manifest    public data: GEO loader, shipped gene sets and GDSC, data/MANIFEST.yml
execute, cli, generate, student, figures, examples    running chapters and building the book
"""
from . import readers  # noqa: F401
from .params import DRUG_LABELS, DRUGS, HSP90_INHIBITOR, ModelParams  # noqa: F401

__version__ = "0.1.0"
