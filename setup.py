"""Package layout for setuptools (metadata is in pyproject.toml).

The wheel ships the chapters' run-time files inside the package, so that an installed `jakbook run
g1_gdsc` works outside the repository: `data/` (gene sets, GDSC extract, example CSVs, MANIFEST.yml
with checksums; not `data/cache/`) as `jakpersist/_data/`, and `notebooks/` (chapter sources, claims
registry) as `jakpersist/_notebooks/`. In a source checkout the code reads `data/` and `notebooks/`
directly.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["jakpersist", "jakpersist.*"])
    + ["jakpersist._data", "jakpersist._notebooks"],
    package_dir={"jakpersist._data": "data", "jakpersist._notebooks": "notebooks"},
    package_data={
        "jakpersist._data": [
            "MANIFEST.yml",
            "genesets/*",
            "gdsc/*",
            "examples/*",
            "atlas/*",
            "rivals/summary.json",
        ],
        "jakpersist._notebooks": ["*.md", "*.yml"],
    },
    include_package_data=False,
)
