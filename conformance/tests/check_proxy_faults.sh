#!/usr/bin/env bash
# The fault proof of the proxy cases: h1fault --role proxy is graded by `h1spec --proxy`
# against h1spec's recording origin, first with every proxy fault off (every proxy case must
# pass; WARN is allowed), then once per --proxy-fault (each case listed for that fault in FAILS below must
# FAIL; other cases may go either way and are only counted).
#
# Usage: check_proxy_faults.sh H1SPEC H1FAULT H1ORIGIN CASES_DIR [WORK_DIR] [FAULT...]
# FAULT... limits the run to those faults ("none" is the all-off run, "faults" every fault but
# not the all-off run). A fault's run grades only the cases its row names (--case), so the
# proof of all twelve takes about as long as the all-off run. Exit 0 when every run
# behaved as the table says, 1 otherwise (a TODO row counts as a failure), 2 on bad usage.
#
# Before each h1spec run, h1origin is put on the origin port once and a GET is sent through
# the proxy, so a proxy that cannot reach its origin is reported as such, not as case failures;
# then h1origin is stopped and h1spec starts its own recording origin on that port.
#
# ctest runs it twice (conformance/tests/CMakeLists.txt): faults/proxy-cases-off (none) and
# faults/proxy-cases-each (faults), so the two halves share the machine's cores.
set -uo pipefail
(($# >= 4)) || { echo "usage: $0 H1SPEC H1FAULT H1ORIGIN CASES_DIR [WORK_DIR] [FAULT...]" >&2; exit 2; }
h1spec=$1 h1fault=$2 h1origin=$3 cases=$4
work=${5:-$(pwd)/proxy-faults}
shift $(($# >= 5 ? 5 : 4))
only=("$@")

# For each proxy fault, the proxy cases (ids in conformance/cases/proxy-*.md) that must FAIL
# through it (filled from a run of every fault against the cases of the proxycases branch).
# Every fault of `h1fault --help` needs a row; "TODO" fails the run until filled.
declare -A FAILS=(
  [forward-cl-te]="PX-CLTE-CL-REMOVED PX-CLTE-CLOSED PX-TECL-SHORT-CL"
  [bare-lf]="PX-RESP-VALUE-LF"
  [bare-cr]="PX-CHUNK-BARE-CR PX-HEAD-BARE-CR-HIDES-CL"
  [obs-fold]="PX-VALUE-OBSFOLD PX-VALUE-OBSFOLD-HOST PX-TE-OBSFOLD PX-CL-OBSFOLD"
  [ws-before-colon]="PX-WS-BEFORE-COLON"
  [cut-at-nul]="PX-VALUE-NUL PX-CHUNK-NUL"
  [keep-connection-fields]="PX-CONN-DROPPED PX-CONN-OPTIONS-LIST PX-CONN-OPTION-CASE PX-CONN-TWO-LINES PX-UPGRADE-LISTED PX-RESP-CONN-OPTION"
  [no-via]="PX-VIA-ADDED PX-VIA-APPENDED"
  [reuse-after-error]="PX-REUSE-SPLIT-PIPELINED PX-REUSE-204-PIPELINED"
  [pass-204-body]="PX-REUSE-HEAD-BODY-PIPELINED"
  [relay-invalid]="PX-RESP-CLTE PX-RESP-CL-DIFFERING PX-RESP-CHUNK-BAD-SIZE PX-RESP-VALUE-NUL PX-REUSE-BAD-CL-PIPELINED"
  [ignore-max-forwards]="PX-MAXFWD-OPTIONS-ZERO PX-MAXFWD-TRACE-ZERO"
)

for tool in "$h1spec" "$h1fault" "$h1origin"; do
  [[ -x $tool ]] || { echo "check_proxy_faults: not an executable: $tool" >&2; exit 2; }
done
[[ -d $cases ]] || { echo "check_proxy_faults: not a directory: $cases" >&2; exit 2; }
mkdir -p "$work"

# The table must name every proxy fault h1fault knows, and nothing else.
known=$("$h1fault" --help | sed -n "s/^  \([a-z][a-z0-9-]*\)  .*/\1/p" | sort)
listed=$(printf '%s\n' "${!FAILS[@]}" | sort)
if [[ $known != "$listed" ]]; then
  echo "check_proxy_faults: the FAILS table and h1fault --help disagree:"
  diff <(echo "$listed") <(echo "$known") | sed 's/^/  /'
  exit 1
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; }
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts a command in the background writing to $1; sets started_pid and started_port from its
# "listening on http://127.0.0.1:PORT" line.
start() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  for ((i = 0; i < 200; i++)); do
    started_port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$log" | head -1)
    [[ -n $started_port ]] && return 0
    kill -0 "$started_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "check_proxy_faults: did not start: $*"
  cat "$log"
  return 1
}

stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# Sends one GET through the proxy at $1 while h1origin listens on $2; true when it arrived.
reaches_origin() {
  local proxy=$1 origin=$2 dir=$3
  start "$dir/h1origin.out" "$h1origin" --port "$origin" --log "$dir/h1origin.jsonl" || return 1
  local opid=$started_pid
  python3 - "$proxy" "$dir/h1origin.jsonl" <<'PY'
import socket, sys, time
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as s:
    s.sendall(b"GET /through-the-proxy HTTP/1.1\r\nHost: check\r\nConnection: close\r\n\r\n")
    while s.recv(65536):
        pass
for _ in range(100):
    if "/through-the-proxy" in open(sys.argv[2], encoding="latin-1").read():
        sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
PY
  local rc=$?
  stop "$opid"
  return $rc
}

# Prints the verdict of every result in a --json report as "ID VERDICT".
verdicts() {
  python3 - "$1" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["id"], r["verdict"])
PY
}

failures=0
runs=0
for label in none $(printf '%s\n' "${!FAILS[@]}" | sort); do
  if [[ " ${only[*]} " == *" faults "* ]]; then
    [[ $label == none ]] && continue
  elif ((${#only[@]} > 0)) && [[ " ${only[*]} " != *" $label "* ]]; then
    continue
  fi
  runs=$((runs + 1))
  dir="$work/$label"
  rm -rf "$dir"
  mkdir -p "$dir"
  want=${FAILS[$label]:-}
  if [[ $want == *TODO* ]]; then
    echo "FAIL $label: no proxy case is named for this fault yet (TODO row in $0)"
    failures=$((failures + 1))
    continue
  fi
  origin_port=$(free_port)
  fault_args=()
  [[ $label != none ]] && fault_args=(--proxy-fault "$label")
  if ! start "$dir/h1fault.out" "$h1fault" --role proxy --port 0 \
      --upstream "127.0.0.1:$origin_port" "${fault_args[@]}"; then
    failures=$((failures + 1))
    continue
  fi
  proxy_pid=$started_pid proxy_port=$started_port
  if ! reaches_origin "$proxy_port" "$origin_port" "$dir"; then
    echo "FAIL $label: a GET through h1fault on $proxy_port did not reach h1origin on $origin_port"
    stop "$proxy_pid"
    failures=$((failures + 1))
    continue
  fi
  select=()
  for id in $want; do select+=(--case "$id"); done
  "$h1spec" --proxy "127.0.0.1:$proxy_port=h1fault-proxy-$label" --origin-port "$origin_port" \
    --tag proxy "${select[@]}" --cases "$cases" --json "$dir/report.json" >"$dir/h1spec.out" 2>&1
  rc=$?
  stop "$proxy_pid"
  if ((rc == 3)) || [[ ! -s $dir/report.json ]]; then
    echo "FAIL $label: h1spec exited $rc without a report:"
    tail -5 "$dir/h1spec.out" | sed 's/^/  /'
    failures=$((failures + 1))
    continue
  fi
  verdicts "$dir/report.json" >"$dir/verdicts.txt"
  total=$(wc -l <"$dir/verdicts.txt")
  failed=$(awk '$2 == "FAIL"' "$dir/verdicts.txt" | wc -l)
  if [[ $label == none ]]; then
    # A WARN is a pass with a remark (a MAY or SHOULD alternative): listed, not failed.
    bad=$(awk '$2 != "PASS" && $2 != "WARN"' "$dir/verdicts.txt")
    warned=$(awk '$2 == "WARN" {print $1}' "$dir/verdicts.txt" | tr '\n' ' ')
    if ((total == 0)) || [[ -n $bad ]] || ((rc != 0)); then
      echo "FAIL none: with every fault off all $total proxy cases must pass (h1spec exit $rc):"
      echo "$bad" | sed 's/^/  /'
      failures=$((failures + 1))
    else
      echo "ok   none: all $total proxy cases pass${warned:+ (WARN: $warned)}"
    fi
    continue
  fi
  missed=()
  for id in $want; do
    grep -qx "$id FAIL" "$dir/verdicts.txt" || missed+=("$id: $(awk -v id="$id" '$1 == id {print $2}' "$dir/verdicts.txt")")
  done
  if ((${#missed[@]} > 0)); then
    echo "FAIL $label: these cases should FAIL through the fault but did not:"
    printf '  %s\n' "${missed[@]}"
    failures=$((failures + 1))
  else
    echo "ok   $label: $(wc -w <<<"$want") listed case(s) FAIL ($failed of $total failed in all)"
  fi
done
((runs > 0)) || { echo "check_proxy_faults: no run selected by: ${only[*]}"; exit 2; }
echo "check_proxy_faults: $failures of $runs run(s) wrong; reports under $work"
((failures == 0))
