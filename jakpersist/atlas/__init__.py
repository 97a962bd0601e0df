"""Layer 4, the robustness atlas: claims evaluated across the plausible parameter space (on Dask)."""
