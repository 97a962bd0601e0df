"""Layer 5, book machinery: chapter helpers, papermill execution, the registry, generated pages,
student notebooks, figures and the ``jakbook`` command line.
"""
