"""Layer 1, the model: declared parameters, steady-state signalling, slow adaptation, the in-vivo illustration.

Imports nothing else from the package. ``jakpersist.model.pstat5`` and friends are the signalling functions
(:mod:`.signalling`), re-exported here so that chapters read ``model.pstat5(...)``.
"""
from .dynamics import Phase, adaptation_after, adaptation_closed_form, persistent_state, schedule_closed_form, simulate_schedule  # noqa: F401
from .params import ALL_PARAMS, DRUG_LABELS, DRUGS, HSP90_INHIBITOR, TYPE_II_INHIBITOR, ModelParams  # noqa: F401
from .signalling import (  # noqa: F401
    CellState, agent_pstat5, agent_viability, dose_for_signal, dose_for_signal_grid, gi50_model, gi50_model_bounded, growth_rate, heterodimer_share,
    inhibition, jak2_after_hsp90, knockdown_populations, pjak2, pstat5, state_from_adaptation, trans_activated_share,
    viability,
)
