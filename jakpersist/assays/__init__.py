"""Layer 2, virtual assays: simulated measurements (plates, blots, co-IPs, qPCR, expression) with
seeded noise.

Imports only :mod:`jakpersist.model`. Every table they return has a ``source`` column saying it is
simulated.
"""

from .virtual import (
    coip_bands,  # noqa: F401
    combination_matrix,  # noqa: F401
    dilution_series,  # noqa: F401
    expression_standin,  # noqa: F401
    jak2_blot,  # noqa: F401
    knockdown_growth,  # noqa: F401
    phospho_blot,  # noqa: F401
    plate_counts,  # noqa: F401
    plate_viability,  # noqa: F401
    pstat5_curve,  # noqa: F401
    qpcr_ct,  # noqa: F401
)
