#!/usr/bin/env bash
# `make compare-proxies`: grades every proxy peer of peers/*/ (ROLE=proxy, RUNS=proxies) and
# the faulty relay with all faults off, side by side, in one h1spec run.
set -uo pipefail

usage() {
  cat <<'EOF'
usage: ci/compare-proxies.sh [--no-build] [--build DIR] [--peers a,b] [--no-grade]
                             [h1spec options...]

Takes the proxy peers from peers/*/peer.conf (every ROLE=proxy peer, or those --peers
names, plus the run's reference, h1fault --role proxy), installs their Debian packages if
missing, and starts each in the foreground on 127.0.0.1, forwarding to its own origin port
of 127.0.0.1. Each is first proven to forward: a GET through it must reach a recording
origin (h1origin) on that port. Then one h1spec run grades them all
(--proxy 127.0.0.1:P=NAME --origin-port N per proxy, h1spec's own recording origins behind
them), and every process started is stopped by its PID, also on failure or interrupt.
Extra arguments go to h1spec (for example --case 'PX-*').

  --build DIR   the build tree with h1spec, h1origin and h1fault (default: $BUILD, else
                build/release)
  --peers LIST  comma-separated proxy peer names (default: $PEERS, else all)
  --no-build    use DIR as it is
  --no-grade    start, prove and stop the proxies only (no h1spec run)
  --fuzz SECS   instead of grading, run `h1spec fuzz --via` through every started proxy at
                once for SECS seconds; findings in build/fuzz-via/NAME/ (make fuzz-proxies)
  --out DIR     write the reports and proxies-run/ there instead of build/report
  --fault NAME  one more column, h1fault-NAME: h1fault --role proxy --proxy-fault NAME, a
                proxy with that defect, which the matrix must show failing (repeatable;
                `h1fault --help` lists the faults)

output: build/report/proxies.html, proxies.json, proxies.xml; build/report/proxies-peers.json
(every proxy picked: package, version, port, origin port, and "graded" or why not); the
configs, logs and scratch files of the proxies in build/report/proxies-run/NAME/.
exit status: 0 graded (whatever the verdicts, even a proxy that died under the cases: that
is reported), 1 a proxy would not install or start or did not forward, or its manifest is
broken (the others are still graded), 2 bad usage, 3 h1spec could not run or wrote no
report (harness error, or no --proxy in this h1spec) or overran its bound.

Bounds: a package install 600 s, a start H1_PROXY_START_SECONDS (default 30), the forwarding
proof 10 s per proxy, a stop 10 s per process, the h1spec run H1_PROXIES_SECONDS (default
780).
EOF
}

build=1
grade=1
fuzz_seconds=0
report=build/report
faults=()
BUILD=${BUILD:-build/release}
peers=${PEERS:-}
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --no-build) build=0 ;;
    --no-grade) grade=0 ;;
    --fuzz) fuzz_seconds=${2:?--fuzz wants seconds}; grade=0; shift ;;
    --out) report=${2:?--out wants a directory}; shift ;;
    --fault) faults+=("${2:?--fault wants a proxy fault of h1fault}"); shift ;;
    --build) BUILD=${2:?--build wants a directory}; shift ;;
    --peers) peers=${2?--peers wants a list}; shift ;;
    *) break ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
SERVER_TAG=compare-proxies
SERVER_START_SECONDS=${H1_PROXY_START_SECONDS:-30}
SERVER_STOP_SECONDS=10
# shellcheck source=ci/lib/peers.sh
source ci/lib/peers.sh
# shellcheck source=ci/lib/build.sh
source ci/lib/build.sh

mkdir -p "$report" && report=$(cd "$report" && pwd) || exit 2
peers_run=$report/proxies-run
peers_root=$peers_run
status_file=$peers_run/status.tsv
say() { echo "compare-proxies: $*"; }

rm -rf "$peers_run"
((grade)) && rm -f "$report"/proxies.{html,json,xml} "$report/proxies-peers.json"
mkdir -p "$peers_run"
# Some proxies drop to an unprivileged user when started as root (squid, tinyproxy, nginx's
# worker, h2o): that user must reach its scratch folder.
chmod 755 "$peers_run"
: >"$status_file"

# note NAME STATUS REASON [PORT ORIGIN_PORT]: one row of proxies-peers.json.
note() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${3//$'\n'/ }" "${4:-}" "${5:-}" >>"$status_file"
}

status=0
IFS=, read -ra names <<<"$peers"
peers_pick proxies --with-reference "${names[@]}" 2>"$peers_run/pick.err"
case $? in
  0) ;;
  2) cat "$peers_run/pick.err" >&2; exit 2 ;;
  *) status=1 ;;
esac
# A broken manifest is named, and listed as such, never silently dropped.
while IFS= read -r line; do
  echo "$line" >&2
  broken=$(sed -n 's#^peers: peers/\([^/]*\)/peer.conf: .*#\1#p' <<<"$line")
  [[ -n $broken ]] && note "$broken" "broken manifest" "${line#peers: }"
done <"$peers_run/pick.err"

# Installs what is missing: all at once, then one peer at a time if that failed, so that a
# package Debian does not have leaves out its own peer only.
installable=()
install_log=$peers_run/install.log
# shellcheck disable=SC2016 # the inner shell expands "$@" and "$1"
if ! timeout 600 bash -c 'source ci/lib/peers.sh; peers_install "$@"' _ "${peers_picked[@]}" \
  >"$install_log" 2>&1; then
  for name in "${peers_picked[@]}"; do
    if timeout 600 bash -c 'source ci/lib/peers.sh; peers_install "$1"' _ "$name" \
      >>"$install_log" 2>&1; then
      installable+=("$name")
    else
      why="$(python3 ci/lib/peers.py packages "$name" | tr '\n' ' ')could not be installed"
      why+=" from Debian ($(tail -n 1 "$install_log"))"
      say "$name: not installable: $why"
      note "$name" "not installable" "$why"
      status=1
    fi
  done
else
  installable=("${peers_picked[@]}")
fi

if ((build)); then
  h1_build "$BUILD" h1spec h1origin h1fault html_blob || exit 1
fi
h1spec=$BUILD/conformance/h1spec
for tool in h1origin $( ((grade)) && echo h1spec); do
  [[ -x $BUILD/conformance/$tool ]] ||
    { echo "compare-proxies: no $BUILD/conformance/$tool (drop --no-build)" >&2; exit 1; }
done
if ((grade)) && ! "$h1spec" --help 2>&1 | grep -q -- '--origin-port'; then
  echo "compare-proxies: $h1spec has no --proxy/--origin-port (issue 18's proxy CLI); use" \
    "--no-grade to start and prove the proxies only" >&2
  exit 3
fi

origin_pids=()
h1spec_pid=""
stop_everything() {
  local pid
  [[ -n $h1spec_pid ]] && server_stop "$h1spec_pid"
  h1spec_pid=""
  peers_stop_all
  for pid in "${origin_pids[@]}"; do server_stop "$pid"; done
  origin_pids=()
}
trap stop_everything EXIT
trap 'stop_everything; exit 130' INT TERM

# forwards NAME PORT ORIGIN_LOG: a GET through the proxy reaches the origin within 10 s.
forwards() {
  local target=/h1spec-proxies-preflight-$1 i code
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "http://127.0.0.1:$2$target")
  for ((i = 0; i < 50; i++)); do
    grep -q "\"target\":\"$target\"" "$3" 2>/dev/null && return 0
    sleep 0.2
  done
  forward_why="a GET through 127.0.0.1:$2 got HTTP ${code:-nothing} and never reached its origin"
  return 1
}

targets=()
graded=()
graded_pids=()
# start_proxy NAME [FAULT]: starts peer NAME (with FAULT: h1fault --proxy-fault FAULT, as the
# column h1fault-FAULT) in front of a recording origin, proves that it forwards, and adds it
# to the h1spec run; else notes why not and returns 1.
start_proxy() {
  local name=$1 fault=${2:-} label dir origin_port version began why port pid
  label=$name${fault:+-$fault}
  dir=$peers_run/$label
  mkdir -p "$dir"
  # A proxy that drops to another user writes its logs there: the folder is its.
  (($(id -u) == 0)) && chmod 1777 "$dir"
  # The origin port: one that h1origin really holds while the proxy starts and is proven, so
  # no proxy is handed a port another one listens on. h1spec takes it over when it starts.
  if ! SERVER_NAME=h1origin server_start_announced "$dir/origin.out" \
    "$BUILD/conformance/h1origin" --port 0 --log "$dir/origin.jsonl"; then
    note "$label" "did not start" "its recording origin (h1origin) did not start"
    return 1
  fi
  origin_pids+=("$server_pid")
  origin_port=$server_port
  version=$(peer_version "$name")
  began=$SECONDS
  PEER_ARGS=()
  [[ -n $fault ]] && PEER_ARGS=(--proxy-fault "$fault")
  PEER_LABEL=$label peer_start "$name" proxies "$origin_port" 2>"$dir/start.err"
  local started=$?
  PEER_ARGS=()
  if ((started != 0)); then
    sed 's/^/  /' "$dir/start.err" >&2
    # The reason: the loader's own line, or else the first line of the log that says error.
    why=$(grep -m 1 '^peers: ' "$dir/start.err")
    [[ -n $why ]] || why=$(sed -n 's/^ *| *//p' "$dir/start.err" |
      grep -i -m 1 'error\|fatal\|no such\|cannot\|unknown\|unrecognized\|denied')
    [[ -n $why ]] || why=$(grep -m 1 "$SERVER_TAG: " "$dir/start.err")
    why=${why:-no output}
    say "$label ($version): did not start: $why"
    note "$label" "did not start" "$why" "" "$origin_port"
    return 1
  fi
  port=$server_port
  pid=$server_pid
  if ! forwards "$label" "$port" "$dir/origin.jsonl"; then
    say "$label ($version; pid $pid) on 127.0.0.1:$port: does not forward: $forward_why"
    note "$label" "does not forward" "$forward_why" "$port" "$origin_port"
    server_stop "$pid"
    local kept=() p
    for p in "${peer_pids[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    peer_pids=("${kept[@]}")
    return 1
  fi
  say "$label ($version; pid $pid) on 127.0.0.1:$port -> 127.0.0.1:$origin_port" \
    "(started and proven in $((SECONDS - began)) s)${fault:+; fault proof: expected to fail}"
  note "$label" "started" "${fault:+fault proof: h1fault --role proxy --proxy-fault $fault}" \
    "$port" "$origin_port"
  targets+=(--proxy "127.0.0.1:$port=$label" --origin-port "$origin_port")
  graded+=("$label")
  graded_pids+=("$pid")
}

for name in "${installable[@]}"; do
  start_proxy "$name" || status=1
done
for fault in "${faults[@]}"; do
  start_proxy h1fault "$fault" || status=1
done
# The recording origins step aside for h1spec's own, on the same ports.
for pid in "${origin_pids[@]}"; do server_stop "$pid"; done
origin_pids=()

rc=0
if ((grade)) && ((${#graded[@]})); then
  # In the background, so that a signal to this script runs its trap at once (bash runs a
  # trap only after the foreground command ends); the trap stops h1spec too.
  timeout --kill-after=10 "${H1_PROXIES_SECONDS:-780}" "$h1spec" "${targets[@]}" \
    --tag proxy --html "$report/proxies.html" --json "$report/proxies.json" \
    --junit "$report/proxies.xml" "$@" >"$peers_run/h1spec.txt" 2>&1 &
  h1spec_pid=$!
  wait "$h1spec_pid"
  rc=$?
  h1spec_pid=""
  grep -v '^\[' "$peers_run/h1spec.txt" | sed -n '/^h1spec: per target/,$p'
  # 3 is also h1spec's status when some replays ended in ERROR (a proxy that stopped
  # answering, say); it could not run only if it wrote no report.
  [[ $rc == 3 && ! -s $report/proxies.json ]] &&
    say "h1spec could not run: $(tail -n 1 "$peers_run/h1spec.txt")"
  ((rc == 124 || rc == 137)) && say "h1spec overran ${H1_PROXIES_SECONDS:-780} s and was stopped"
  # A proxy that died under the cases is a finding: said here and in proxies-peers.json.
  for i in "${!graded[@]}"; do
    kill -0 "${graded_pids[i]}" 2>/dev/null && continue
    label=${graded[i]}
    why=""
    for pattern in 'assert' 'fatal\|panic\|segmentation' 'signal\|abort'; do
      why=$(cat "$peers_run/$label"/*.log "$peers_run/$label.out" 2>/dev/null |
        grep -i -m 1 "$pattern")
      [[ -n $why ]] && break
    done
    say "$label died during the run: ${why:-no reason in its logs} (logs in $peers_run/$label/)"
    printf '%s\t%s\n' "$label" "${why:-no reason in its logs}" >>"$peers_run/died.tsv"
  done
fi
if ((fuzz_seconds > 0)) && ((${#graded[@]})); then
  fuzz_pids=()
  for i in "${!graded[@]}"; do
    label=${graded[i]}
    out=${H1_FUZZ_VIA_OUT:-build/fuzz-via}/$label
    rm -rf "$out"
    mkdir -p "$out"
    timeout --kill-after=10 $((fuzz_seconds + 120)) "$h1spec" fuzz \
      --via "${targets[4 * i + 1]}" --origin-port "${targets[4 * i + 3]}" \
      --seconds "$fuzz_seconds" --out "$out" >"$out/fuzz.txt" 2>&1 &
    fuzz_pids+=($!)
  done
  for i in "${!fuzz_pids[@]}"; do
    wait "${fuzz_pids[i]}"
    say "fuzz --via ${graded[i]}: exit $? ($(tail -n 1 "${H1_FUZZ_VIA_OUT:-build/fuzz-via}/${graded[i]}/fuzz.txt"))"
  done
fi
stop_everything
graded_flag=()
((grade && ${#graded[@]})) &&
  graded_flag=(--graded "$rc" --report "$report/proxies.json" --died "$peers_run/died.tsv")
python3 ci/lib/proxy_status.py "$status_file" "$report/proxies-peers.json" --build "$BUILD" \
  "${graded_flag[@]}"
if ((grade)); then
  say "$report/proxies.html, $report/proxies.json, $report/proxies.xml (h1spec exit status" \
    "$rc; full output in $peers_run/h1spec.txt); $report/proxies-peers.json"
else
  say "started, proved and stopped ${#graded[@]} of $(wc -l <"$status_file") proxies (--no-grade);" \
    "$report/proxies-peers.json"
fi
[[ $rc == 3 && ! -s $report/proxies.json ]] && exit 3
((rc == 124 || rc == 137)) && exit 3
exit "$status"
