#!/usr/bin/env bash
# Tests of the Python analysis tools (analysis/python: agora_logs.py, agora_plot.py): makes small
# runs with the CLI, then runs the unittest suites in tests/analysis/python against them.
# Usage: python_test.sh AGORA_BINARY SOURCE_DIR [unittest arguments, e.g. -k sweep]
set -uo pipefail
agora=$1
src=$2
shift 2
python=/usr/bin/python3  # Debian's interpreter, which has python3-h5py, -numpy, -pandas, ...
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

missing=$("$python" - <<'EOF'
import importlib.util
names = ["h5py", "numpy", "pandas", "matplotlib", "scipy"]
print(" ".join("python3-" + n for n in names if importlib.util.find_spec(n) is None))
EOF
)
if [[ -n $missing ]]; then
  echo "FAIL: $python lacks $missing (scripts/setup installs them)"
  exit 1
fi

run() {  # name config --set...
  local name=$1 config=$2
  shift 2
  if ! "$agora" run "$src/experiments/configs/$config" --out "$work/runs/$name" --quiet "$@" \
      >"$work/$name.log" 2>&1; then
    echo "FAIL: agora run $config $*:"
    cat "$work/$name.log"
    exit 1
  fi
}
run quickstart quickstart.json --set horizon=2000 --set seeds.count=3
run single quickstart.json --set horizon=500 --set seeds.count=1 \
  --set output.diagnostics.regret_points=0 --set output.diagnostics.exploitability_samples=0
run reserve reserve_sweep.json --set horizon=200 --set seeds.count=3
run bandit bandit_learners.json --set horizon=1000 --set seeds.count=2

export AGORA_BIN=$agora AGORA_SRC=$src AGORA_RUNS=$work/runs AGORA_PYTHON=$python
export PYTHONPATH="$src/analysis/python${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
export MPLCONFIGDIR=$work/matplotlib
export MPLBACKEND=Agg
"$python" -m unittest discover -s "$src/tests/analysis/python" -p 'test_*.py' "$@"
