"""Layer 2, data loaders: the reader's CSV formats, GEO series, shipped public data and their
manifest.

Imports only :mod:`jakpersist.analysis` (if anything): a loader returns tidy tables, never verdicts.
"""
