"""Reference implementations kept for tests and benchmarks only (as ``numpy.testing``): nothing in
the package imports this sub-package (``tests/test_layers.py`` checks it).

:mod:`.reference_fast` is the claims' per-point fast (noise-free) mode as it was written before
the package's fast mode became the vectorised engine at one point: the oracle the agreement test
(``tests/test_vectorised.py``) and ``benchmarks/rivals.py`` compare the engine with.
"""
