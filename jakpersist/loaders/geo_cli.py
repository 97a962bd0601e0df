"""`make data`: download GSE38335 into data/cache/ (see jakpersist/loaders/geo.py)."""

from __future__ import annotations

import sys

from .geo import GeoFileError, GeoUnavailable, download_series


def main() -> int:
    try:
        download_series()
    except (GeoUnavailable, GeoFileError) as exc:
        print(f"make data: {exc}", file=sys.stderr)
        return 1
    return 0
