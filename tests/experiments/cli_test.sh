#!/usr/bin/env bash
# End-to-end tests of the `agora` CLI: example configs, bad configs, determinism across thread
# counts, interruption. Usage: cli_test.sh AGORA_BINARY SOURCE_DIR
set -uo pipefail
agora=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# --- bad input: exit code 2 and one line naming the problem -------------------------------
for config in "$src"/tests/experiments/bad_configs/*.json; do
  expect=$(cat "${config%.json}.expect")
  err=$("$agora" validate "$config" 2>&1 >/dev/null); code=$?
  [[ $code -eq 2 ]] || fail "$(basename "$config"): exit code $code, want 2 ($err)"
  [[ $(printf '%s\n' "$err" | wc -l) -eq 1 ]] || fail "$(basename "$config"): more than one line: $err"
  [[ $err == *"$expect"* ]] || fail "$(basename "$config"): got '$err', want '$expect'"
  err=$("$agora" run "$config" --out "$work/bad" 2>&1 >/dev/null); code=$?
  [[ $code -eq 2 ]] || fail "run $(basename "$config"): exit code $code, want 2"
  [[ ! -e "$work/bad/summary.json" ]] || fail "run $(basename "$config") left a summary.json"
done

check_error() {  # expected-substring command...
  local expect=$1; shift
  local err code
  err=$("$@" 2>&1 >/dev/null); code=$?
  [[ $code -eq 2 ]] || fail "$*: exit code $code, want 2 ($err)"
  [[ $err == *"$expect"* ]] || fail "$*: got '$err', want '$expect'"
}
quick="$src/experiments/configs/quickstart.json"
check_error "cannot open config file: no such file" "$agora" validate "$work/missing.json"
check_error "cannot create output directory" "$agora" run "$quick" --out /proc/agora-out --set horizon=10
mkdir -p "$work/occupied" && touch "$work/occupied/notes.txt"
check_error "is not empty and is not an earlier Agora run directory" "$agora" run "$quick" --out "$work/occupied" --set horizon=10
check_error "unknown env, mechanism or agent 'hedgee'; did you mean 'hedge'?" "$agora" describe hedgee
check_error "horizon: must be at least 1, got 0" "$agora" validate "$quick" --set horizon=0
check_error "env.params.feedback: 'fulll' is not one of" "$agora" validate "$quick" --set env.params.feedback=fulll
check_error "--set mechanism.params.reserve: number 1e999 is too large for a double" "$agora" validate "$quick" --set mechanism.params.reserve=1e999
check_error "--set mechanism.params.reserve: number -1e999 is too large for a double" "$agora" run "$quick" --out "$work/overflow" --set mechanism.params.reserve=-1e999
check_error "" "$agora" run "$quick"
check_error "" "$agora" frobnicate

# --- informational commands ---------------------------------------------------------------
"$agora" --version | grep '^agora ' >/dev/null || fail "--version"
"$agora" --help | grep 'run' >/dev/null || fail "--help"
"$agora" list | grep 'second_price' >/dev/null || fail "list lacks second_price"
"$agora" list | grep 'hedge' >/dev/null || fail "list lacks hedge"
"$agora" describe auction | grep 'n_bidders (int, default 2' >/dev/null || fail "describe auction"
"$agora" validate --print "$quick" | grep '"rounds_per_step": 1' >/dev/null || fail "validate --print lacks defaults"

# --- every example config validates -------------------------------------------------------
for config in "$src"/experiments/configs/*.json; do
  "$agora" validate "$config" >/dev/null || fail "example $(basename "$config") does not validate"
done

# --- the mechanism catalogue runs and matches its closed forms (docs/mechanisms.md) ----------
catalogue="$src/experiments/configs/mechanism_catalogue.json"
"$agora" run "$catalogue" --out "$work/catalogue" --threads 2 --set horizon=100 --set seeds.count=2 \
  >"$work/catalogue.txt" 2>/dev/null || fail "mechanism_catalogue run exit code $?"
for column in revenue welfare ex_post_regret; do
  grep -q "$column" "$work/catalogue.txt" || fail "mechanism_catalogue table lacks $column"
done
[[ $(grep -c '^mechanism=' "$work/catalogue.txt") -eq 14 ]] || fail "mechanism_catalogue table lacks rows"
/usr/bin/python3 - "$work/catalogue/summary.json" <<'PY' || fail "mechanism_catalogue numbers off theory"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
def mean(cell, metric):
    return cells[cell]["metrics"][metric]["mean"]["mean"]
# (cell index, metric, closed form): 2 bidders iid U[0,1], ctr (1, 0.5), E[quality] = 1,
# truthful bids; derivations in docs/mechanisms.md. 20000 auctions per cell: tolerance 0.015
# is about 6 standard errors.
checks = [(0, "revenue", 1 / 3), (0, "welfare", 5 / 6), (0, "ex_post_regret", 1 / 24),
          (1, "revenue", 5 / 6), (1, "ex_post_regret", 7 / 24), (2, "revenue", 1.0),
          (5, "revenue", 1 / 3), (6, "revenue", 23 / 48), (6, "welfare", 2 / 3),
          (9, "revenue", 31 / 48)]
bad = [(c, m, mean(c, m), want) for c, m, want in checks if abs(mean(c, m) - want) > 0.015]
bad += [(c, "ex_post_regret", mean(c, "ex_post_regret"), 0.0) for c in (4, 11, 12, 13)
        if abs(mean(c, "ex_post_regret")) > 1e-9]  # VCG and Myerson are truthful
for b in bad:
    print("cell %d %s = %.4f, theory %.4f" % b)
sys.exit(1 if bad else 0)
PY

# --- every example solver file runs (agora solve) ----------------------------------------------
for file in "$src"/experiments/solvers/*.json; do
  "$agora" solve "$file" --out "$work/solve.json" >"$work/solve.txt" || fail "solver $(basename "$file") fails"
  grep -q '"result"' "$work/solve.json" || fail "solver $(basename "$file") wrote no result"
done
grep -q 'NashConv' "$work/solve.txt" || fail "solve prints no NashConv"
echo '{"solver": "bne", "params": {"n_bidder": 2}}' >"$work/bad_solver.json"
check_error "params.n_bidder" "$agora" solve "$work/bad_solver.json"
echo '{"solver": "bne", "params": {"n_bidders": 1e999}}' >"$work/overflow_solver.json"
check_error "overflow_solver.json: number 1e999 at line 1, column 43 is too large for a double" "$agora" solve "$work/overflow_solver.json"

# --- determinism: byte-identical results whatever the thread count ------------------------
small=(--set horizon=300 --set seeds.count=3 --quiet)
"$agora" run "$quick" --out "$work/t1" --threads 1 "${small[@]}" >"$work/t1.txt" || fail "run threads=1"
"$agora" run "$quick" --out "$work/t2" --threads 2 "${small[@]}" >/dev/null || fail "run threads=2"
for f in "$work"/t1/runs/*.h5; do
  cmp -s "$f" "$work/t2/runs/$(basename "$f")" || fail "$(basename "$f") differs between 1 and 2 threads"
done
cmp -s "$work/t1/summary.json" "$work/t2/summary.json" || fail "summary.json differs between thread counts"
[[ $(ls "$work"/t1/runs/*.h5 | wc -l) -eq 6 ]] || fail "expected 6 HDF5 files"
grep -q '"complete": true' "$work/t1/summary.json" || fail "summary not complete"
grep -q 'theory (equilibrium)' "$work/t1.txt" || fail "table lacks the theory row"
grep -q 'summary: ' "$work/t1.txt" || fail "run does not say where the summary is"
"$agora" run "$quick" --out "$work/t1" --threads 1 "${small[@]}" >/dev/null || fail "rerun into an earlier run directory"

if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  /usr/bin/python3 - "$work/t1" <<'PY' || fail "h5py cannot read the run"
import glob, json, sys, h5py
run = sys.argv[1]
summary = json.load(open(run + "/summary.json"))
for path in glob.glob(run + "/runs/*.h5"):
    with h5py.File(path, "r") as f:
        assert int(f.attrs["complete"]) == 1, path
        config = json.loads(f.attrs["config"])
        assert config["env"]["params"]["rounds_per_step"] == 1
        assert f["metrics/revenue"].shape == (3,), f["metrics/revenue"].shape
        assert f["agents/bidder/action"].shape == (3, 3, 1)
PY
fi

# --- interruption: SIGINT leaves readable files marked incomplete -------------------------
"$agora" run "$quick" --out "$work/int" --threads 2 --set horizon=100000000 --set seeds.count=2 --quiet >/dev/null 2>"$work/int.err" &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid; code=$?
[[ $code -eq 130 ]] || fail "interrupted run exit code $code, want 130 ($(cat "$work/int.err"))"
grep -q '"complete": false' "$work/int/summary.json" || fail "interrupted summary not marked incomplete"
grep -q 'interrupted by SIGINT' "$work/int/summary.json" || fail "interrupted summary lacks status"
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  /usr/bin/python3 - "$work/int" <<'PY' || fail "h5py cannot read the interrupted run"
import glob, sys, h5py
files = glob.glob(sys.argv[1] + "/runs/*.h5")
assert files
for path in files:
    with h5py.File(path, "r") as f:
        assert int(f.attrs["complete"]) == 0, path
        assert f["step"].shape[0] == f["metrics/revenue"].shape[0]
PY
fi

# --- compare: tables with CIs over seeds, differences to the baseline, four formats --------
"$agora" compare "$work/t1" --write "$work/t1.tex" --write "$work/t1.csv" >"$work/cmp.txt" ||
  fail "compare exit code $?"
grep -q '±' "$work/cmp.txt" || fail "compare table lacks '±' intervals"
grep -q '(baseline)' "$work/cmp.txt" || fail "compare table lacks the baseline"
grep -q 'mechanism=second_price' "$work/cmp.txt" || fail "compare table lacks the second_price row"
grep -q '\\toprule' "$work/t1.tex" && grep -q '\\bottomrule' "$work/t1.tex" ||
  fail "LaTeX table is not booktabs"
[[ $(wc -l <"$work/t1.csv") -eq 3 ]] || fail "CSV should have a header and 2 rows"
"$agora" compare "$work/t1" --format markdown --metrics revenue,nash_conv,external_regret |
  grep -q '^| --- |' || fail "compare --format markdown"
"$agora" compare "$work/int" --metrics revenue 2>&1 | grep 'interrupted by SIGINT' >/dev/null ||
  fail "compare does not flag the interrupted run"
check_error "no such run directory" "$agora" compare "$work/missing"
check_error "unknown metric 'revenu'; did you mean 'revenue'?" "$agora" compare "$work/t1" --metrics revenu
check_error "'html' is not one of" "$agora" compare "$work/t1" --format html
check_error "no row labelled 'third_price'" "$agora" compare "$work/t1" --baseline third_price
check_error "unknown table file extension" "$agora" compare "$work/t1" --write "$work/t.docx"
mkdir -p "$work/not_a_run"
check_error "no summary.json" "$agora" compare "$work/not_a_run"

# --- plot: PNG and PDF figures through analysis/python/agora_plot.py ----------------------
if /usr/bin/python3 -c 'import matplotlib, pandas, h5py, scipy' 2>/dev/null; then
  "$agora" plot "$work/t1" --out "$work/fig" >/dev/null 2>&1 || fail "plot exit code $?"
  for f in learning_curves_revenue bid_function regret pareto; do
    [[ -s "$work/fig/$f.png" && -s "$work/fig/$f.pdf" ]] || fail "plot did not write $f.png/.pdf"
  done
  check_error "agora plot: error" "$agora" plot "$work/missing"
  check_error "agora plot: error" "$agora" plot "$work/t1" --kind sweep
else
  fail "python3-matplotlib, python3-pandas, python3-h5py or python3-scipy missing (scripts/setup)"
fi

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "all CLI tests passed"
