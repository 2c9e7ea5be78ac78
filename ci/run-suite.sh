#!/usr/bin/env bash
# `make run`: grades a server with h1spec and writes build/report/h1spec.{html,json,xml}.
# With no TARGET it starts a fresh h1ref on a free loopback port and stops it afterwards.
# Usage: ci/run-suite.sh BUILD_DIR [HOST:PORT[=NAME]] [extra h1spec options...]
set -uo pipefail
build=${1:?usage: run-suite.sh BUILD_DIR [TARGET] [options...]}
target=${2:-}
shift $(( $# >= 2 ? 2 : 1 ))
report=build/report
mkdir -p "$report"

h1ref_pid=""
cleanup() {
  if [[ -n $h1ref_pid ]] && kill -0 "$h1ref_pid" 2>/dev/null; then
    kill -TERM "$h1ref_pid"
    wait "$h1ref_pid" 2>/dev/null
  fi
}
trap cleanup EXIT INT TERM

if [[ -z $target ]]; then
  log=$(mktemp)
  "$build/reference/h1ref" --root "$build/html" --port 0 --quiet >"$log" 2>&1 &
  h1ref_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's#^listening on http://127.0.0.1:\([0-9][0-9]*\).*#\1#p' "$log")
    [[ -n $port ]] && break
    kill -0 "$h1ref_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z $port ]]; then
    echo "run-suite: h1ref did not start:" >&2
    cat "$log" >&2
    exit 3
  fi
  rm -f "$log"
  target="127.0.0.1:$port=h1ref"
  echo "run-suite: started h1ref (pid $h1ref_pid) on 127.0.0.1:$port"
fi

"$build/conformance/h1spec" --target "$target" \
  --junit "$report/h1spec.xml" --json "$report/h1spec.json" --html "$report/h1spec.html" "$@"
rc=$?
echo "run-suite: reports in $report/h1spec.{html,json,xml}; h1spec exit status $rc"
exit $rc
