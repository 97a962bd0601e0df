#!/bin/sh
# The course's install and grading routes, end to end, offline (a benchmark, not a test: 3-6 min on 2 cores).
#
#   sh benchmarks/course_routes.sh [WORK]        # default WORK: _build/course-routes
#
# 1. Offline classroom: `sh tools/wheelhouse.sh`, then the guide's student install into a fresh venv with pip's
#    configuration and indexes switched off (`--no-index --find-links WHEELHOUSE "jakpersist[course]"`), then a
#    personalised G1 assignment notebook, answers computed in cells, executed to the end in that venv.
# 2. Gradescope: the G1 autograder zip unpacked as Gradescope does (source/), its environment.yml's pip list
#    installed into another fresh venv offline from the wheelhouse (the wheel the zip ships, not the
#    repository; otter-grader's [grading,plugins] extras are dropped because the wheelhouse does not carry
#    Google's client libraries), then `otter run` from that venv on the submission of step 1: prints its score.
# Prints the time of each step. Needs python3.11 and a wheelhouse (built here if WORK/wh is missing).
# KEEP_VENV=1 reuses the student venv of an earlier run (the install is the slow step).
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-$HERE/_build/course-routes}
PY=${PYTHON:-python3.11}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1
unset PIP_FIND_LINKS PIP_EXTRA_INDEX_URL PIP_INDEX_URL || true
t() { date +%s.%N; }
el() { echo "$1 $2" | awk '{printf "%.1f", $2 - $1}'; }

if [ ! -d "$WORK/wh" ]; then
  s=$(t); env -u PIP_CONFIG_FILE -u PIP_NO_INDEX sh "$HERE/tools/wheelhouse.sh" "$WORK/wh" >/dev/null 2>&1
  echo "wheelhouse: $(ls "$WORK/wh" | wc -l) files in $(el "$s" "$(t)") s"
fi

# --- 1. offline student install and an assignment notebook run to the end ---------------------------------
if [ ! -x "$WORK/student-venv/bin/otter" ] || [ -z "${KEEP_VENV:-}" ]; then
  rm -rf "$WORK/student-venv"
  s=$(t)
  "$PY" -m venv "$WORK/student-venv"
  "$WORK/student-venv/bin/pip" install -q --no-index --find-links "$WORK/wh" -c "$WORK/wh/requirements.lock" "jakpersist[course]"
  echo "student install (offline, jakpersist[course]): $(el "$s" "$(t)") s"
fi
"$WORK/student-venv/bin/python" -c "import otter, jakpersist; print('  otter', otter.__version__, 'and jakpersist import')"

SECRET=benchmark-secret
rm -rf "$WORK/assign"
"$HERE/.venv/bin/python" - "$WORK" "$SECRET" <<'EOF'
import sys
from pathlib import Path
import nbformat
from jakpersist.book import assign, variants
work, secret = Path(sys.argv[1]), sys.argv[2]
wheel = assign.build_wheel(work / "wheel")
folder = assign.build("g1_gdsc", out=work / "assign", secret=secret, roster=["s001"], wheel=wheel)
nb = nbformat.read(str(folder / "students" / "s001" / "g1_gdsc.ipynb"), as_version=4)
# the student computes every answer in cells (course.rerun / pandas), as the notebook suggests
ch = {e.label: variants.choices(e, "s001", secret) for e in variants.EXERCISES if e.chapter == "g1_gdsc"}
code = {
    "k562_percentile = ...": f"v = course.rerun('g1_gdsc', cell_line={ch['g1-ex-k562']['cell_line']!r})\n"
                             "k562_percentile = round(v['g1_pct_ruxolitinib'], 1)",
    "k562_verdict = ...": "k562_verdict = v['g1_verdict_outcome']",
    "top_n_blood = ...": "from jakpersist.loaders.publicdata import load_gdsc\n"
                         f"col = 'ln_ic50_uM_{ch['g1-ex-top']['ask_drug']}'\n"
                         f"top_n_blood = (load_gdsc().dropna(subset=[col]).nsmallest({ch['g1-ex-top']['ask_top']}, col).tissue == 'blood').sum()",
    "predicted_k562_percentile = ...": "predicted_k562_percentile = 50.0",
    "confidence_k562_percentile = ...": "confidence_k562_percentile = 0.6",
}
import re
for c in nb.cells:
    if c.cell_type == "code":
        if re.search(r"(?m)^k562_percentile = ", c.source):
            c.source = "from jakpersist.book import course\n" + c.source
        for k, v in code.items():
            c.source = re.sub(rf"(?m)^{re.escape(k)}", lambda m: v, c.source)
out = work / "submission" / "g1_gdsc.ipynb"
out.parent.mkdir(parents=True, exist_ok=True)
nbformat.write(nb, str(out))
print("  submission:", out)
EOF
s=$(t)
(cd "$WORK/submission" && "$WORK/student-venv/bin/jupyter" nbconvert --to notebook --execute --output executed.ipynb g1_gdsc.ipynb >nbconvert.log 2>&1) || { tail -20 "$WORK/submission/nbconvert.log"; exit 1; }
echo "assignment notebook run to the end in the offline venv: $(el "$s" "$(t)") s"

# --- 2. the Gradescope zip's environment in a clean venv, offline, grading that submission ----------------
rm -rf "$WORK/gs" "$WORK/gs-venv" && mkdir -p "$WORK/gs/source" "$WORK/gs/out"
ZIP=$(ls "$WORK"/assign/g1_gdsc/autograder/*.zip | tail -1)
(cd "$WORK/gs/source" && unzip -q "$ZIP")
sed -n '/- pip:/,$p' "$WORK/gs/source/environment.yml" | sed '1d' | sed -n 's/^ *- //p' | sed 's/\[grading,plugins\]//' \
  | sed "s#/autograder/source#$WORK/gs/source#" > "$WORK/gs/requirements.txt"
echo "  zip's pip list: $(tr '\n' ' ' < "$WORK/gs/requirements.txt")"
s=$(t)
"$PY" -m venv "$WORK/gs-venv"
"$WORK/gs-venv/bin/pip" install -q --no-index --find-links "$WORK/wh" -c "$WORK/wh/requirements.lock" -r "$WORK/gs/requirements.txt"
echo "zip setup in a clean venv (offline, the shipped wheel): $(el "$s" "$(t)") s"
s=$(t)
(cd "$WORK/submission" && "$WORK/gs-venv/bin/otter" run -a "$ZIP" -o "$WORK/gs/out" g1_gdsc.ipynb >/dev/null 2>&1)
"$WORK/gs-venv/bin/python" -c "
import json; r = json.load(open('$WORK/gs/out/results.json'))
got = sum(t.get('score') or 0 for t in r['tests']); mx = sum(t.get('max_score') or 0 for t in r['tests'])
print(f'  Gradescope-style grading of a student who computed answers in cells: {got:g} / {mx:g}')
for t in r['tests']:
    if (t.get('score') or 0) < (t.get('max_score') or 0): print('   lost', t['name'], t['output'][:300])"
echo "otter run in the zip's venv: $(el "$s" "$(t)") s"
