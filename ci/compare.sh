#!/usr/bin/env bash
# `make compare`: grades nginx, lighttpd, h2o, Python's http.server and h1ref side by side.
set -uo pipefail

usage() {
  cat <<'EOF'
usage: ci/compare.sh [--no-build] [h1spec options...]

Installs Debian's nginx-light, lighttpd and h2o if missing, starts each with its config from
ci/peers/ (one worker, loopback only, serving html/), starts `python3 -m http.server` and
h1ref, grades all five with one h1spec run, and stops every server it started, by PID.
Extra arguments go to h1spec (for example --case 'RL-*').

output: build/report/compare.html, compare.json, compare.xml, and the servers' logs in
build/report/compare-run/. exit status: 0 graded (whatever the verdicts), 1 a server would
not start, 3 h1spec could not run (harness error).
EOF
}

build=1
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  usage
  exit 0
fi
if [[ ${1:-} == --no-build ]]; then
  build=0
  shift
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tag=compare
# shellcheck source=ci/peers-lib.sh
source ci/peers-lib.sh
prepare_peers "$build" || exit 1
report=build/report
run=$report/compare-run
rm -rf "$run"
mkdir -p "$run"
# The peers drop to an unprivileged user when started as root: it must reach the logs.
chmod 755 "$run"
html=$root/build/release/html  # the build tree's docroot: html/ plus the generated big.bin

trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

targets=()
announce() { # announce NAME PORT: the last started server is graded
  targets+=(--target "127.0.0.1:$2=$1")
  echo "compare: $1 (pid ${pids[-1]}) on 127.0.0.1:$2"
}

port=$(free_port)
"build/release/reference/h1ref" --root "$html" --port "$port" --workers 1 --quiet >"$run/h1ref.out" 2>&1 &
pids+=($!)
wait_port h1ref "$!" "$port" || exit 1
announce h1ref "$port"

for peer in nginx lighttpd h2o; do
  port=$(free_port)
  start_peer "$peer" "$port" || exit 1
  announce "$peer" "$port"
done
port=$(free_port)
python3 -m http.server "$port" --bind 127.0.0.1 --directory html >"$run/python-http.server.out" 2>&1 &
pids+=($!)
wait_port python-http.server "$!" "$port" || exit 1
announce python-http.server "$port"

build/release/conformance/h1spec "${targets[@]}" --html "$report/compare.html" \
  --json "$report/compare.json" --junit "$report/compare.xml" "$@" >"$run/h1spec.txt" 2>&1
rc=$?
grep -v '^\[' "$run/h1spec.txt" | sed -n '/^h1spec: per target/,$p'
stop_all
echo "compare: $report/compare.html, $report/compare.json (h1spec exit status $rc; full output in $run/h1spec.txt)"
((rc == 3)) && exit 3
exit 0
