"""Layer 2, analysis: what a scientist runs on measurements, simulated or real.

Dose-response fits and GI50s (:mod:`.doseresponse`, :mod:`.gi50`), densitometry, ddCt qPCR,
withdrawal half-times, Bliss combination, gene-set enrichment and the shared Welch statistics.
Imports nothing else from the package: these functions never know whether a table was measured or
simulated.
"""
