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
bash ci/install-deps.sh nginx-light lighttpd h2o python3 || exit 1
if ((build)); then
  cmake --preset release >/dev/null && cmake --build build/release -j2 --target h1ref h1spec \
    html_blob >/dev/null || { echo "compare: build failed" >&2; exit 1; }
fi
report=build/report
run=$report/compare-run
rm -rf "$run"
mkdir -p "$run"
# The peers drop to an unprivileged user when started as root: it must reach the logs.
chmod 755 "$run"
html=$root/html

pids=()
names=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  pids=()
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port NAME PID PORT: up to 10 s for the port to accept a connection.
wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "compare: $1 did not start; its log:" >&2
  cat "$run/$1".* >&2 2>/dev/null
  return 1
}

# config NAME PORT: ci/peers/NAME.conf with its placeholders filled in.
config() {
  local user=""
  [[ $(id -u) -eq 0 ]] && user="user: nobody"
  sed -e "s#@PORT@#$2#g" -e "s#@ROOT@#$html#g" -e "s#@RUN@#$root/$run#g" -e "s#@USER@#$user#g" \
    "ci/peers/$1.conf" >"$run/$1.conf"
}

targets=()
start() { # start NAME PORT COMMAND...
  local name=$1 port=$2
  shift 2
  "$@" >"$run/$name.out" 2>&1 &
  pids+=($!)
  wait_port "$name" "$!" "$port" || exit 1
  targets+=(--target "127.0.0.1:$port=$name")
  echo "compare: $name (pid ${pids[-1]}) on 127.0.0.1:$port"
}

port=$(free_port)
"build/release/reference/h1ref" --root html --port "$port" --workers 1 --quiet >"$run/h1ref.out" 2>&1 &
pids+=($!)
wait_port h1ref "$!" "$port" || exit 1
targets+=(--target "127.0.0.1:$port=h1ref")
echo "compare: h1ref (pid ${pids[-1]}) on 127.0.0.1:$port"

port=$(free_port) && config nginx "$port"
start nginx "$port" nginx -c "$root/$run/nginx.conf" -e "$root/$run/nginx-error.log"
port=$(free_port) && config lighttpd "$port"
start lighttpd "$port" lighttpd -D -f "$run/lighttpd.conf"
port=$(free_port) && config h2o "$port"
start h2o "$port" h2o -c "$run/h2o.conf"
port=$(free_port)
start python-http.server "$port" python3 -m http.server "$port" --bind 127.0.0.1 --directory html

build/release/conformance/h1spec "${targets[@]}" --html "$report/compare.html" \
  --json "$report/compare.json" --junit "$report/compare.xml" "$@" >"$run/h1spec.txt" 2>&1
rc=$?
grep -v '^\[' "$run/h1spec.txt" | sed -n '/^h1spec: per target/,$p'
stop_all
echo "compare: $report/compare.html, $report/compare.json (h1spec exit status $rc; full output in $run/h1spec.txt)"
((rc == 3)) && exit 3
exit 0
