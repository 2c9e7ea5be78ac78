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

# shellcheck source=ci/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/server.sh"
SERVER_TAG=run-suite
trap 'server_stop "$server_pid"' EXIT
trap 'server_stop "$server_pid"; exit 130' INT TERM

if [[ -z $target ]]; then
  log=$report/run-suite-h1ref.log
  server_start_announced "$log" "$build/reference/h1ref" --root "$build/html" --port 0 --quiet ||
    exit 3
  target="127.0.0.1:$server_port=h1ref"
  echo "run-suite: started h1ref (pid $server_pid) on 127.0.0.1:$server_port"
fi

"$build/conformance/h1spec" --target "$target" \
  --junit "$report/h1spec.xml" --json "$report/h1spec.json" --html "$report/h1spec.html" "$@"
rc=$?
echo "run-suite: reports in $report/h1spec.{html,json,xml}; h1spec exit status $rc"
exit $rc
