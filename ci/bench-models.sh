#!/usr/bin/env bash
# `make bench-models`: what each concurrency model of h1ref costs as connections grow.
set -uo pipefail

usage() {
  cat <<'EOF'
usage: ci/bench-models.sh [--seconds N] [--conns "1 10 100 1000"] [--models "epoll ..."]
                          [--build DIR] [--no-build]

For every model, scenario and connection count it starts `h1ref --model M` on a free
loopback port pinned to CPU 0, runs wrk (Debian's) pinned to CPU 1 against /index.html,
and stops the server again by its PID. Scenarios:
  keep-alive   each connection sends request after request
  close        "Connection: close": a new connection per request
Each wrk run lasts --seconds (default 3) with a 2 s request timeout and is killed if it
overruns. Half a second in, a fresh curl client asks for /notes.txt and waits until half a
second before wrk ends. A run in which wrk saw timeouts or socket errors, or in which that
client got no answer while wrk's connections were open, is marked
"degraded": the model could not serve that many connections at once (the blocking model
serves one at a time).

options:
  --seconds N     wrk duration per run, at least 2 (default 3)
  --conns LIST    connection counts (default "1 10 100 1000")
  --models LIST   models (default: every model in `h1ref --help`)
  --build DIR     the build tree with h1ref and html/ (default: $BUILD, else
                  build/release)
  --no-build      use DIR as it is
  -h, --help      this text

output: build/report/models.md, models.json, models.svg (and the raw wrk logs in
build/report/models-raw/). exit status: 0 done, 1 a server would not start, 2 bad usage.
EOF
}

die() {
  echo "bench-models: $1" >&2
  exit 2
}

seconds=3
conns="1 10 100 1000"
models=""
build=1
BUILD=${BUILD:-build/release}
while (($#)); do
  case "$1" in
    --seconds) seconds=${2:?}; shift ;;
    --conns) conns=${2:?}; shift ;;
    --models) models=${2:?}; shift ;;
    --build) BUILD=${2:?}; shift ;;
    --no-build) build=0 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] && ((seconds >= 2)) || die "--seconds wants an integer >= 2"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
SERVER_TAG=bench-models
# shellcheck source=ci/lib/server.sh
source ci/lib/server.sh
# shellcheck source=ci/lib/build.sh
source ci/lib/build.sh
bash ci/install-deps.sh wrk python3 util-linux curl || die "cannot install wrk"
if ((build)); then
  h1_build "$BUILD" h1ref html_blob || die "build failed"
fi
h1ref=$BUILD/reference/h1ref
[[ -x $h1ref ]] || die "$h1ref is missing (drop --no-build)"
if [[ -z $models ]]; then
  models=$("$h1ref" --help | sed -n '/^models/,/^$/s/^  \([a-z]\+\) .*/\1/p' | tr '\n' ' ')
fi

out=build/report
raw=$out/models-raw
rm -rf "$raw"
mkdir -p "$raw"
# 1,000 connections need more than the usual 1,024 descriptors on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cpus=$(nproc)
pin_server=() pin_client=()
if ((cpus >= 2)); then
  pin_server=(taskset -c 0)
  pin_client=(taskset -c 1)
else
  echo "bench-models: one CPU only, so server and wrk share it; compare ratios only" >&2
fi

server_pid=""
stop_server() {
  SERVER_STOP_SECONDS=15 server_stop "$server_pid"
  server_pid=""
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

start_server() { # start_server MODEL -> sets server_pid and port
  SERVER_NAME="h1ref --model $1" server_start_announced "$raw/server-$1.log" "${pin_server[@]}" \
    "$h1ref" --root "$BUILD/html" --port 0 --model "$1" --workers 1 --quiet \
    --max-connections 2048 || return 1
  port=$server_port
}

results=$raw/results.tsv
: >"$results"
total=0
for _ in $models; do for _ in keep-alive close; do for _ in $conns; do total=$((total + 1)); done; done; done
n=0
for model in $models; do
  for scenario in keep-alive close; do
    for c in $conns; do
      n=$((n + 1))
      start_server "$model" || exit 1
      headers=()
      [[ $scenario == close ]] && headers=(-H "Connection: close")
      log=$raw/$model-$scenario-$c.txt
      timeout $((seconds + 15)) "${pin_client[@]}" wrk -t1 -c "$c" -d "${seconds}s" --timeout 2s \
        --latency "${headers[@]}" "http://127.0.0.1:$port/index.html" >"$log" 2>&1 &
      wrk_pid=$!
      # wrk only counts a timeout for a response that does arrive late, so a connection that
      # is never served goes unnoticed. A fresh client half a second in shows it: it must get
      # its answer while wrk's connections are still open (it gives up 0.5 s before wrk ends).
      sleep 0.5
      probe=$("${pin_client[@]}" curl -s -o /dev/null -m $((seconds - 1)) -w '%{http_code} %{time_total}' \
        "http://127.0.0.1:$port/notes.txt" 2>/dev/null)
      echo "probe: ${probe:-000 -}" >>"$log.probe"
      wait "$wrk_pid"
      wrk_rc=$?
      stop_server
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$model" "$scenario" "$c" "$wrk_rc" "$log" "${probe:-000 -}" \
        >>"$results"
      rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$log")
      printf '[%2d/%d] %-10s %-10s %5s conns: %12s req/s, fresh client: %s%s\n' "$n" "$total" \
        "$model" "$scenario" "$c" "${rps:-?}" "${probe:-000 -}" \
        "$(grep -q 'Socket errors' "$log" && echo '  (errors)')"
    done
  done
done

python3 ci/models_report.py "$results" "$out" "$seconds" || exit 1
echo "bench-models: $out/models.md, $out/models.json, $out/models.svg"
