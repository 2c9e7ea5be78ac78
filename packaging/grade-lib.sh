# shellcheck shell=bash
# Sourced by relocated-test.sh and check-package.sh: start an installed h1ref on a free
# loopback port, grade it with the installed h1spec, stop it by PID. Callers set -euo pipefail.

h1ref_pid=""
h1ref_port=""

# start_h1ref H1REF ROOT LOG: starts H1REF serving ROOT on 127.0.0.1, port 0; sets h1ref_pid
# and h1ref_port once it prints "listening on" (10 s at most).
start_h1ref() {
  local bin=$1 root=$2 log=$3
  "$bin" --root "$root" --host 127.0.0.1 --port 0 --quiet >"$log" 2>&1 &
  h1ref_pid=$!
  for _ in $(seq 1 100); do
    h1ref_port=$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$#\1#p' "$log")
    [[ -n $h1ref_port ]] && return 0
    kill -0 "$h1ref_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log" >&2
  echo "grade-lib: $bin did not print 'listening on' within 10 s" >&2
  return 1
}

# stop_h1ref: SIGTERM to the h1ref started above (SIGKILL after 5 s); no-op when none runs.
stop_h1ref() {
  [[ -n $h1ref_pid ]] || return 0
  kill -TERM "$h1ref_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$h1ref_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$h1ref_pid" 2>/dev/null || true
  wait "$h1ref_pid" 2>/dev/null || true
  h1ref_pid=""
}

# check_data_dir H1SPEC CASES: h1spec must report CASES as its case directory, proving it
# found its data beside itself and did not fall back to the build tree's compiled-in paths.
check_data_dir() {
  local bin=$1 want=$2 data
  data=$("$bin" --help | sed -n 's/^Data: //p')
  if [[ $data != "$want" ]]; then
    echo "grade-lib: $bin reads its cases from '$data', expected '$want'" >&2
    return 1
  fi
  echo "grade-lib: $bin reads its cases from $data"
}

# grade H1SPEC JSON: the whole suite, strict, against the h1ref started above. Exit status 0
# and a report where every one of a nonzero number of cases passed.
grade() {
  local bin=$1 json=$2 rc=0
  "$bin" --target "127.0.0.1:$h1ref_port=h1ref" --strict --json "$json" >"$json.log" 2>&1 || rc=$?
  tail -n 1 "$json.log"
  if ((rc != 0)); then
    grep -v ' PASS ' "$json.log" | head -n 40 >&2 || true
    echo "grade-lib: $bin exited with status $rc, expected 0" >&2
    return 1
  fi
  python3 - "$json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
bad = {k: s[k] for k in ("failed", "errors", "warned", "not_applicable") if s[k]}
if s["total"] == 0 or s["passed"] != s["total"] or bad:
    sys.exit(f"grade-lib: expected every case to pass, summary {s}")
print(f"grade-lib: {s['passed']}/{s['total']} cases passed")
PY
}
