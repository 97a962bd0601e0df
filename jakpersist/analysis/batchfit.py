"""Many log-logistic fits at once: the batched path of :mod:`jakpersist.analysis.doseresponse`, by
a short import path (``from jakpersist.analysis import batchfit``; also ``jp.fit_curves``).

The batched solver is :func:`jakpersist.analysis.doseresponse.solvers.bounded_lm`, the entry point
:func:`jakpersist.analysis.doseresponse.fit_curves` and its result
:class:`~jakpersist.analysis.doseresponse.BatchFit`; the rules it applies are those of single fits
(:mod:`jakpersist.analysis.doseresponse.rules`).
"""

from __future__ import annotations

from .doseresponse.curves import LN10, ZERO_DOSE_LOG10, ll4_batch, search_bounds_batch
from .doseresponse.fitting import fit_curves, pad_curves, prepare_curves
from .doseresponse.results import BatchFit
from .doseresponse.rules import f_test_flat_arrays, level_means, running_violation
from .doseresponse.solvers import (
    CONTINUE_ITER,
    FTOL,
    GTOL,
    MAX_ITER,
    STATIONARY_GTOL,
    XTOL,
    bounded_lm,
    start_values_batch,
    stationary,
)

__all__ = [
    "BatchFit",
    "CONTINUE_ITER",
    "FTOL",
    "GTOL",
    "LN10",
    "MAX_ITER",
    "STATIONARY_GTOL",
    "XTOL",
    "ZERO_DOSE_LOG10",
    "bounded_lm",
    "f_test_flat_arrays",
    "fit_curves",
    "level_means",
    "ll4_batch",
    "pad_curves",
    "prepare_curves",
    "running_violation",
    "search_bounds_batch",
    "start_values_batch",
    "stationary",
]
