#!/usr/bin/env bash
# ctests of ci/action/run.sh, the shell half of the GitHub Action, with fake GITHUB_WORKSPACE,
# GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files in WORK/MODE (under the build tree).
# Usage: check_action.sh MODE RUN_SH H1SPEC H1REF STATE WORK
#   target      a running h1ref (fixture h1ref): exit 0, the summary table, the outputs
#   command     run.sh starts an h1ref on a free port, then stops it: the PID is gone after
#   fail-on     through h1fault --fault not-found-200 (fixture): must exits 1, never exits 0;
#               with the first run's JSON as the baseline: 0 (nothing worse), 0 against h1ref
#               (better), and a clean baseline against the fault: 1 (worse)
#   bad-inputs  each bad input exits 3 with its error line, and h1spec is never run
set -uo pipefail
mode=$1 run_sh=$2 h1spec=$3 h1ref=$4 state=$5
work=$6/$mode

fail() {
  echo "check_action[$mode]: FAIL: $*" >&2
  exit 1
}

# Runs run.sh in a fresh fake workspace with the given INPUT_*=value words; sets rc, out
# (stdout and stderr together) and ws, the workspace.
runs=0
run() {
  runs=$((runs + 1))
  ws=$work/run$runs
  rm -rf "$ws"
  mkdir -p "$ws"
  : >"$ws/output" && : >"$ws/summary"
  out=$(cd "$ws" && env GITHUB_WORKSPACE="$ws" GITHUB_OUTPUT="$ws/output" \
    GITHUB_STEP_SUMMARY="$ws/summary" H1SPEC="${H1SPEC_OVERRIDE:-$h1spec}" "$@" \
    bash "$run_sh" 2>&1)
  rc=$?
  printf '%s\n' "$out" | grep -v '^\[.*\] PASS ' | sed "s/^/  run$runs: /"
}

expect_rc() { [[ $rc -eq $1 ]] || fail "run$runs exited $rc, expected $1"; }
output_is() { grep -qx "$1" "$ws/output" || fail "run$runs: GITHUB_OUTPUT lacks the line $1"; }
json_count() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"][sys.argv[2]])' "$1" "$2"; }
port_of() {
  [[ -s $state/$1.port ]] || fail "no running fixture $1"
  cat "$state/$1.port"
}
trim() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
r = [{k: x[k] for k in ("id", "target", "verdict")} for x in d["results"]]
json.dump({"tool": d["tool"], "results": r}, open(sys.argv[2], "w"))' "$1" "$2"
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

rm -rf "$work"
mkdir -p "$work"

case $mode in
  target)
    port=$(port_of h1ref)
    run INPUT_TARGET="127.0.0.1:$port"
    expect_rc 0
    report=$ws/build/h1spec-report
    for f in h1spec.xml h1spec.json h1spec.html h1spec.md; do
      [[ -s $report/$f ]] || fail "no $f in the default report dir $report"
    done
    passed=$(json_count "$report/h1spec.json" passed)
    ((passed > 200)) || fail "only $passed cases passed"
    grep -q '^| target | address | passed | failed |' "$ws/summary" || fail "no table in the summary"
    grep -qF "| server | 127.0.0.1:$port | $passed | 0 |" "$ws/summary" ||
      fail "no summary row with $passed passed, 0 failed"
    output_is "exit-code=0"
    output_is "passed=$passed"
    output_is "failed=0"
    output_is "report-dir=$report"
    ;;

  command)
    port=$(free_port)
    pidfile=$work/server.pid
    # The server is a child of the command's shell, so stopping only that shell would leak it.
    run INPUT_COMMAND="'$h1ref' --root \"\$H1SPEC_DOCROOT\" --port $port --quiet & echo \$! >'$pidfile'; wait" \
      INPUT_PORT="$port" INPUT_TAGS="keep-alive, chunked"
    expect_rc 0
    [[ -s $pidfile ]] || fail "the command did not run (no $pidfile)"
    pid=$(cat "$pidfile")
    [[ $out == *"started the server"* && $out == *"stopped the server"* ]] ||
      fail "run.sh did not say it started and stopped the server"
    [[ ! -e /proc/$pid ]] || fail "the server (pid $pid) is still there after run.sh"
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      fail "127.0.0.1:$port still accepts after run.sh"
    fi
    # tags "keep-alive, chunked" selects exactly what h1spec --tag keep-alive --tag chunked lists.
    # (less the proxy cases among them, which only a --proxy run grades)
    listed=$("$h1spec" --list --tag keep-alive --tag chunked)
    want=$(sed -n 's/^\([0-9][0-9]*\) cases$/\1/p' <<<"$listed")
    proxy=$(sed -n 's/^\([0-9][0-9]*\) of them proxy cases.*/\1/p' <<<"$listed")
    want=$((want - ${proxy:-0}))
    total=$(json_count "$ws/build/h1spec-report/h1spec.json" total)
    [[ $total -eq $want && $want -gt 0 ]] || fail "tags ran $total cases, h1spec --list says $want"
    output_is "exit-code=0"
    output_is "total=$want"
    grep -qF "| server | 127.0.0.1:$port | $want | 0 |" "$ws/summary" || fail "no summary row"
    ;;

  fail-on)
    target=127.0.0.1:$(port_of faulty-not-found-200)
    select=(INPUT_EXTRA_ARGS="--case SEM-* --case RL-*")
    run INPUT_TARGET="$target" INPUT_FAIL_ON=must "${select[@]}"
    expect_rc 1
    output_is "exit-code=1"
    grep -q '^must-failed=[1-9]' "$ws/output" || fail "no must-failed count above 0"
    grep -q '| FAIL | `SEM-MISSING-404` | MUST |' "$ws/summary" || fail "the summary lacks the FAIL"
    # Only id, target and verdict of each result matter to a baseline (docs/ci.md trims it).
    trim "$ws/build/h1spec-report/h1spec.json" "$work/baseline.json"
    run INPUT_TARGET="$target" INPUT_FAIL_ON=never "${select[@]}"
    expect_rc 0
    output_is "exit-code=0"
    grep -q '^must-failed=[1-9]' "$ws/output" || fail "fail-on never hid the failures"
    run INPUT_TARGET="$target" INPUT_BASELINE="$work/baseline.json" "${select[@]}"
    expect_rc 0
    [[ $out == *"against the baseline"*": 0 worse"* ]] || fail "h1spec did not compare with the baseline"
    # The same baseline against the fixed server (h1ref): better, exit 0.
    run INPUT_TARGET="127.0.0.1:$(port_of h1ref)" INPUT_BASELINE="$work/baseline.json" "${select[@]}"
    expect_rc 0
    [[ $out == *"better than the baseline: SEM-MISSING-404 @server FAIL -> PASS"* ]] ||
      fail "the fixed case is not listed as better"
    # A clean baseline against the broken server: worse, exit 1.
    trim "$ws/build/h1spec-report/h1spec.json" "$work/clean.json"
    run INPUT_TARGET="$target" INPUT_BASELINE="$work/clean.json" "${select[@]}"
    expect_rc 1
    [[ $out == *"worse than the baseline: SEM-MISSING-404 @server PASS -> FAIL (MUST)"* ]] ||
      fail "the broken case is not listed as worse"
    ;;

  bad-inputs)
    # A stand-in h1spec that leaves a mark: no bad input may get as far as running it.
    fake=$work/fake-h1spec
    printf '#!/bin/sh\ntouch "%s"\n' "$work/h1spec-ran" >"$fake"
    chmod +x "$fake"
    mkdir -p "$work/html" && echo ok >"$work/html/index.html"
    export H1SPEC_OVERRIDE=$fake
    busy=$(port_of h1ref)
    check() {
      local line=$1
      shift
      run INPUT_DOCROOT="$work/html" "$@"
      expect_rc 3
      [[ $out == *"h1spec-action: error: $line"* ]] || fail "run$runs lacks the line: $line"
      [[ ! -e $work/h1spec-ran ]] || fail "run$runs ran h1spec"
      [[ ! -s $ws/output ]] || fail "run$runs wrote outputs"
    }
    check 'fail-on must be must, should or never (got "sometimes")' \
      INPUT_TARGET=127.0.0.1:8080 INPUT_FAIL_ON=sometimes
    check "give either target or command, not both" \
      INPUT_TARGET=127.0.0.1:8080 INPUT_COMMAND=true INPUT_PORT=8080
    check "give target (HOST:PORT of a running server) or command and port"
    check "command needs port, the port the server listens on" INPUT_COMMAND=true
    check 'port must be a number from 1 to 65535 (got "80a")' INPUT_COMMAND=true INPUT_PORT=80a
    check 'target must be a loopback HOST:PORT such as 127.0.0.1:8080 (got "192.0.2.1:80")' \
      INPUT_TARGET=192.0.2.1:80
    check "extra-args may not hold --allow-remote: the action grades loopback servers only" \
      INPUT_TARGET=127.0.0.1:8080 INPUT_EXTRA_ARGS="--jobs 2 --allow-remote"
    check "127.0.0.1:$busy already accepts connections before the command started" \
      INPUT_COMMAND="touch '$work/command-ran'" INPUT_PORT="$busy"
    [[ ! -e $work/command-ran ]] || fail "the command ran although its port was taken"
    port=$(free_port)
    check "the command exited (status 7) before 127.0.0.1:$port accepted" \
      INPUT_COMMAND="exit 7" INPUT_PORT="$port"
    ;;

  *) fail "unknown mode" ;;
esac
echo "check_action[$mode]: ok ($runs runs)"
