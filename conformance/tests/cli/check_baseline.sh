#!/usr/bin/env bash
# --baseline both ways, with h1ref and the not-found-200 fault graded under one target name
# (=h1ref) so that their reports match case by case:
#   1. h1ref's report is the baseline; the fault must exit 1 and list each case it broke as
#      worse (two MUST, one SHOULD, and a MAY that went from PASS to WARN), nothing as better.
#   2. the fault's report is the baseline; h1ref must exit 0 and list the same cases as better.
#   3. the fault against its own report: no change, exit 0 although MUST cases fail.
#   4. the fault under another name than the baseline's: a warning before the run, and every
#      failure counts (exit 1) instead of all hiding as "not in it".
# Usage: check_baseline.sh STATE_DIR H1SPEC OUT_DIR   (fixtures h1ref and faulty-not-found-200)
set -euo pipefail
state=$1 h1spec=$2 out=$3
mkdir -p "$out"
good_port=$(cat "$state/h1ref.port")
bad_port=$(cat "$state/faulty-not-found-200.port")
# The cases that fail through this fault (faults/not-found-200.txt) and the SEM cases around
# them, which must stay the same.
select=(--case 'SEM-*' --case RL-LONG-PATH-404 --timeout 600)
# What the fault does to them: case, verdict on h1ref, verdict through the fault, level.
changed=("SEM-CLIENT-MISSING PASS FAIL MUST" "SEM-MISSING-404 PASS FAIL MUST"
  "RL-LONG-PATH-404 PASS FAIL SHOULD" "SEM-DOTFILE-HIDDEN PASS WARN MAY")
n=${#changed[@]}
fail=0
bad() { echo "check_baseline: FAIL: $*" >&2; fail=1; }

# run NAME EXPECTED_EXIT ARGS...: output in $out/NAME.txt
run() {
  local name=$1 want=$2 rc=0
  shift 2
  "$h1spec" "${select[@]}" "$@" >"$out/$name.txt" 2>&1 || rc=$?
  grep -v '^\[.*\] PASS ' "$out/$name.txt" || true
  [[ $rc -eq $want ]] || bad "$name: exit status $rc, expected $want"
}

run good 0 --target "127.0.0.1:$good_port=h1ref" --json "$out/good.json"
run bad 1 --target "127.0.0.1:$bad_port=h1ref" --json "$out/bad.json"

run worse 1 --target "127.0.0.1:$bad_port=h1ref" --baseline "$out/good.json"
for c in "${changed[@]}"; do
  read -r id was now level <<<"$c"
  grep -qxF "h1spec: worse than the baseline: $id @h1ref $was -> $now ($level)" \
    "$out/worse.txt" || bad "worse: $id is not listed as $was -> $now ($level)"
done
grep -q "better than the baseline" "$out/worse.txt" && bad "worse: a case is listed as better"
grep -qE "against the baseline .*good.json: $n worse, 0 better, 0 not in it$" \
  "$out/worse.txt" || bad "worse: the summary is not '$n worse, 0 better, 0 not in it'"

run better 0 --target "127.0.0.1:$good_port=h1ref" --baseline "$out/bad.json"
for c in "${changed[@]}"; do
  read -r id was now level <<<"$c"
  grep -qxF "h1spec: better than the baseline: $id @h1ref $now -> $was" "$out/better.txt" ||
    bad "better: $id is not listed as $now -> $was"
done
grep -q "worse than the baseline" "$out/better.txt" && bad "better: a case is listed as worse"
grep -qE "against the baseline .*bad.json: 0 worse, $n better, 0 not in it$" \
  "$out/better.txt" || bad "better: the summary is not '0 worse, $n better, 0 not in it'"

run same 0 --target "127.0.0.1:$bad_port=h1ref" --baseline "$out/bad.json"
grep -qE "against the baseline .*bad.json: 0 worse, 0 better, 0 not in it$" "$out/same.txt" ||
  bad "same: the summary is not '0 worse, 0 better, 0 not in it'"
grep -qE "h1spec: [0-9]+ passed, 3 failed, 1 warned" "$out/same.txt" ||
  bad "same: the failures themselves are not reported"
run renamed 1 --target "127.0.0.1:$bad_port=renamed" --baseline "$out/good.json"
grep -qF "h1spec: warning: the baseline $out/good.json holds no target named renamed (it holds: h1ref)" \
  <(head -n 1 "$out/renamed.txt") || bad "renamed: the first line is not the unknown-target warning"
exit "$fail"
