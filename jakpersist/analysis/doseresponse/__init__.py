"""Dose-response analysis: log-logistic and hormesis fits, GI50 with intervals, and curve
comparisons.

Conventions. Doses are in nM; responses are fractions of vehicle (1 = untreated). The curves, as in
R's drc (Ritz et al., PLoS One 2015):

* ``LL4``: y(x) = bottom + (top - bottom) / (1 + (x / EC50)^hill), hill > 0 (response falls with
  dose);
* ``LL3``: LL4 with bottom fixed at 0;
* ``BC5`` (Brain-Cousens hormesis, drc ``BC.5``): y = bottom + (top - bottom + f x) / (1 + (x /
  EC50)^hill), stored with f' = f EC50 (so that f' does not depend on the dose unit), f' >= 0, hill
  > 1 (otherwise the curve rises again at high doses);
* ``CRS5`` (Cedergreen-Ritz-Streibig hormesis, drc ``CRS.5a``, alpha = 1): y = bottom + (top -
  bottom + f exp(-(EC50 / x)^alpha)) / (1 + (x / EC50)^hill), f >= 0. drc writes exp(-1 / x^alpha)
  with the dose in the user's unit; here the dose is scaled by EC50 so the model does not depend on
  the unit (assumption).

The model of a curve is chosen by AIC among those its design can carry (:func:`select_model`); a
hormesis model wins only when the data show a low-dose rise that pays for its extra parameter.

* relative GI50 = the dose at which the fitted curve is midway between its top and bottom (EC50 for
  LL4/LL3);
* absolute GI50 = the dose at which the fitted curve crosses 0.5 of vehicle (on its falling side).

Intervals (95%): ``delta`` (delta method, t quantile), ``profile`` (profile likelihood, F-based, the
method GraphPad Prism recommends; Venzon & Moolgavkar 1988), ``bootstrap`` (residual bootstrap
percentile). See ``benchmarks/interval_coverage.py`` for their coverage on three designs.

A GI50 is reported as a number only when it lies inside the tested dose range and the curve is a
real dose response. Otherwise :class:`Estimate` carries an explicit status:

- ``ok``: estimate inside the tested range;
- ``above_range``: the curve stays above 50% within the tested doses: a censored value, "> top
  dose";
- ``below_range``: the response is already below 50% at the lowest dose: a censored value, "< lowest
  dose";
- ``flat``: no dose response (F-test against a flat line, p >= alpha): no relative GI50; the
  absolute GI50 is then censored above (mean response > 0.5) or below (mean response < 0.5);
- ``non_monotone``: the response rises with dose, beyond replicate noise, where the chosen model
  cannot rise (a studentised rise test, see :func:`rise_test`): no GI50;
- ``failed``: the optimiser did not converge: no GI50.

Statuses are :class:`Status` and censoring :class:`Censoring` (string enums with the strings above).
The rules live once, vectorised, in :mod:`.rules` (:func:`classify_curves`; :func:`classify_curve`
is the same rule on one curve); the translation of an estimate into a (possibly infinite) log10
value for resampling is :func:`censored_log10`.

The package, by concern (every name below is importable from ``jakpersist.analysis.doseresponse``):

- :mod:`.curves`: the models (LL4, LL3, BC5, CRS5), their crossings and the search box of a fit;
- :mod:`.rules`: statuses (:class:`Status`), censoring (:class:`Censoring`), the F-test against a
  flat line, the rise test, monotone violation, end-of-range rise: vectorised, one implementation;
- :mod:`.results`: :class:`Estimate`, :class:`CurveFit`, :class:`BatchFit` (immutable) and
  fit-quality flags;
- :mod:`.solvers`: MINPACK, the batched bounded Levenberg-Marquardt, trust-region restarts; the
  fallback chain;
- :mod:`.fitting`: :func:`fit_curve`, :func:`fit_curves`, :func:`select_model`, input checks;
- :mod:`.intervals`: profile-likelihood, percentile and ratio intervals; the EC50 shift test;
- :mod:`.bootstrap`: residual bootstrap of a GI50.
"""

from __future__ import annotations

from .bootstrap import bootstrap_estimate, bootstrap_log10_gi50
from .curves import (
    HORMESIS_MODELS,
    HORMESIS_PARAM,
    MODELS,
    PARAM_NAMES,
    ZERO_DOSE_LOG10,
    absolute_dose,
    brain_cousens,
    cedergreen,
    crossing_dose,
    curve_value,
    limb_crossing,
    ll3,
    ll4,
    ll4_batch,
    peak_dose,
    search_bounds,
    search_bounds_batch,
)
from .fitting import (
    design_models,
    f_test_flat,
    fit_curve,
    fit_curves,
    pad_curves,
    prepare_curves,
    select_model,
    validate_curve,
)
from .intervals import ShiftTest, percentile_interval, profile_interval, ratio_interval, shift_test
from .results import (
    AMBIGUOUS_DEPENDENCY,
    MIN_DF_BOOTSTRAP,
    PLATEAU_SHARE,
    BatchFit,
    CurveFit,
    Estimate,
    censored_log10,
    quality_flags,
)
from .rules import (
    ALPHA,
    CENSORING,
    END_RISE_MAX_LEVELS,
    END_RISE_MIN,
    END_RISE_SE,
    HORMESIS_GATE,
    HORMESIS_MIN_RISE,
    MONOTONE_ALPHA,
    PERCENT_MEDIAN,
    Censoring,
    EndRise,
    Status,
    at_shallow_corner,
    classify_curve,
    classify_curves,
    end_of_range_rise,
    f_test_flat_arrays,
    level_means,
    monotone_violation,
    params_at_bound,
    rise_test,
    rise_test_batch,
    running_violation,
)
from .rules import CENSORED_LOG10, crossing_status, flat_status, range_status
from .solvers import (
    CHAIN,
    CONTINUE_ITER,
    MAX_ITER,
    RUNS_WHEN,
    bounded_lm,
    restarts,
    start_values,
    start_values_batch,
    stationary,
)

__all__ = [
    "ALPHA",
    "AMBIGUOUS_DEPENDENCY",
    "CHAIN",
    "CENSORING",
    "CONTINUE_ITER",
    "END_RISE_MAX_LEVELS",
    "END_RISE_MIN",
    "END_RISE_SE",
    "HORMESIS_GATE",
    "HORMESIS_MIN_RISE",
    "HORMESIS_MODELS",
    "HORMESIS_PARAM",
    "MAX_ITER",
    "MIN_DF_BOOTSTRAP",
    "MODELS",
    "MONOTONE_ALPHA",
    "PARAM_NAMES",
    "PERCENT_MEDIAN",
    "PLATEAU_SHARE",
    "RUNS_WHEN",
    "ZERO_DOSE_LOG10",
    "BatchFit",
    "Censoring",
    "CurveFit",
    "EndRise",
    "Estimate",
    "ShiftTest",
    "Status",
    "absolute_dose",
    "at_shallow_corner",
    "bootstrap_estimate",
    "bootstrap_log10_gi50",
    "bounded_lm",
    "brain_cousens",
    "cedergreen",
    "censored_log10",
    "classify_curve",
    "classify_curves",
    "CENSORED_LOG10",
    "crossing_status",
    "flat_status",
    "range_status",
    "crossing_dose",
    "curve_value",
    "design_models",
    "end_of_range_rise",
    "f_test_flat",
    "f_test_flat_arrays",
    "fit_curve",
    "fit_curves",
    "level_means",
    "limb_crossing",
    "ll3",
    "ll4",
    "ll4_batch",
    "monotone_violation",
    "pad_curves",
    "prepare_curves",
    "params_at_bound",
    "peak_dose",
    "percentile_interval",
    "profile_interval",
    "quality_flags",
    "ratio_interval",
    "restarts",
    "rise_test",
    "rise_test_batch",
    "running_violation",
    "search_bounds",
    "search_bounds_batch",
    "select_model",
    "shift_test",
    "start_values",
    "start_values_batch",
    "stationary",
    "validate_curve",
]
