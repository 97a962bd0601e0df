"""Layer 3, claims: one function per claim (virtual experiment or data + analysis + rule -> ClaimResult).

The chapter notebook, the tests and the robustness atlas call the same functions.
"""
