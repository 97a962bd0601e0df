"""Layer 2, virtual assays: simulated measurements (plates, blots, co-IPs, qPCR, expression) with seeded noise.

Imports only :mod:`jakpersist.model`. Every table they return has a ``source`` column saying it is simulated.
"""
from .virtual import (  # noqa: F401
    coip_bands, combination_matrix, dilution_series, expression_standin, jak2_blot, knockdown_growth,
    phospho_blot, plate_counts, plate_viability, pstat5_curve, qpcr_ct,
)
