"""Layer 1, the model: declared parameters, steady-state signalling, slow adaptation, the in-vivo
illustration.

Imports nothing else from the package. ``jakpersist.model.pstat5`` and friends are the signalling
functions (:mod:`.signalling`), re-exported here so that chapters read ``model.pstat5(...)``.
"""

from .dynamics import (
    Phase,  # noqa: F401
    adaptation_after,  # noqa: F401
    adaptation_closed_form,  # noqa: F401
    persistent_state,  # noqa: F401
    schedule_closed_form,  # noqa: F401
    simulate_schedule,  # noqa: F401
)
from .params import ALL_PARAMS, DRUG_LABELS, DRUGS, HSP90_INHIBITOR, TYPE_II_INHIBITOR, ModelParams  # noqa: F401
from .signalling import (
    CellState,  # noqa: F401
    agent_pstat5,  # noqa: F401
    agent_viability,  # noqa: F401
    dose_for_signal,  # noqa: F401
    dose_for_signal_grid,  # noqa: F401
    gi50_model,  # noqa: F401
    gi50_model_bounded,  # noqa: F401
    growth_rate,  # noqa: F401
    heterodimer_share,  # noqa: F401
    inhibition,  # noqa: F401
    jak2_after_hsp90,  # noqa: F401
    knockdown_populations,  # noqa: F401
    pjak2,  # noqa: F401
    pstat5,  # noqa: F401
    state_from_adaptation,  # noqa: F401
    trans_activated_share,  # noqa: F401
    viability,  # noqa: F401
)
