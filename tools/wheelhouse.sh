#!/bin/sh
# Offline classroom recipe, step 1 (on one machine with internet): a wheelhouse folder with the book's package
# and every locked dependency as wheels for Python 3.11 on this platform.
#
#   sh tools/wheelhouse.sh [WHEELHOUSE]            # default: _build/wheelhouse
#
# Step 2 (on each classroom machine, no internet; only python3.11 needed), from a copy of that folder:
#
#   python3.11 -m venv jak && jak/bin/pip install --no-index --find-links WHEELHOUSE -c WHEELHOUSE/requirements.lock "jakpersist[course]"
#   jak/bin/jakbook run g1_gdsc                     # chapters and their data ship inside the package
#
# "[course]" adds otter-grader (the graded assignment notebooks start with `import otter`); without it the
# package alone installs, for reading and running chapters.
#
# Unlike copying a .venv, this works whatever the folder's path on the target machine (a venv holds absolute
# paths); the wheels must match the target's OS, CPU and Python minor version (build one wheelhouse per kind).
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$HERE/_build/wheelhouse}
PY=${PYTHON:-$HERE/.venv/bin/python}
mkdir -p "$OUT"
rm -f "$OUT"/jakpersist-*.whl
"$PY" -m pip wheel --quiet --no-deps --no-build-isolation "$HERE" -w "$OUT"
# the package's run-time dependencies and its [course] extra (otter-grader) at the locked versions (not the
# site-building tools)
OTTER=$(grep -i '^otter-grader==' "$HERE/requirements.lock")
"$PY" -m pip download --quiet --only-binary=:all: -c "$HERE/requirements.lock" -d "$OUT" "$OUT"/jakpersist-*.whl "$OTTER"
cp "$HERE/requirements.lock" "$OUT/requirements.lock"
rm -rf "$HERE/build"
echo "wheelhouse: $OUT ($(ls "$OUT" | wc -l) files)"
