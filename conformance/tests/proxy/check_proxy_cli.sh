#!/usr/bin/env bash
# h1spec --proxy from the outside: each mode starts what it needs on loopback (a port holder,
# h1fault as the proxy), runs h1spec, checks its exit status and output, and stops what it
# started by PID.
#
#   check_proxy_cli.sh MODE OUT_DIR H1SPEC H1FAULT DOCROOT CASES_DIR [H1REF_PORT]
#     port-taken   the --origin-port is held by another socket: exit 3, one line naming it
#     no-proxy     nothing listens on the --proxy port: exit 3, one line
#     preflight    the proxy forwards elsewhere: exit 3, one line naming the origin port
#     e2e          fixtures through h1fault: a benign GET passes, DESYNC through the byte relay,
#                  SMUGGLED through the cl-te fault; the reports hold the origin view
#     backend      with --origin-backend (an h1ref), the origin case runs through the proxy too
set -euo pipefail
mode=$1 out=$2 h1spec=$3 h1fault=$4 docroot=$5 cases=$6 h1ref_port=${7:-}
mkdir -p "$out"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
fail() { echo "check_proxy_cli $mode: $*" >&2; exit 1; }

# A port the kernel just handed out and that was closed again: nothing listens on it.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts h1fault FAULT in front of 127.0.0.1:UPSTREAM; sets fault_port.
start_fault() {
  local fault=$1 upstream=$2 log="$out/h1fault-$1-$2.log"
  rm -f "$log"  # a stale one from an earlier run would name a stale port
  "$h1fault" --fault "$fault" --upstream "127.0.0.1:$upstream" --root "$docroot" --port 0 \
    >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    fault_port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$log")
    [[ -n $fault_port ]] && return 0
    sleep 0.1
  done
  fail "h1fault did not start: $(cat "$log")"
}

# Runs h1spec with ARGS; checks exit status WANT; stdout+stderr go to $out/MODE.txt.
run() {
  local want=$1
  shift
  local rc=0
  "$h1spec" --cases "$cases" --docroot "$docroot" "$@" >"$out/$mode.out" 2>"$out/$mode.err" || rc=$?
  cat "$out/$mode.out" "$out/$mode.err" >"$out/$mode.txt"
  [[ $rc == "$want" ]] || fail "exit $rc, want $want: $(cat "$out/$mode.txt")"
}

# stderr is exactly one line and contains TEXT.
one_line() {
  [[ $(wc -l <"$out/$mode.err") == 1 ]] || fail "stderr is not one line: $(cat "$out/$mode.err")"
  grep -qF -- "$1" "$out/$mode.err" || fail "stderr lacks \"$1\": $(cat "$out/$mode.err")"
}

has() { grep -qF -- "$1" "$2" || fail "$2 lacks \"$1\""; }

case $mode in
  port-taken)
    rm -f "$out/holder.port"  # a stale one from an earlier run would name a free port
    python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$out/holder.port" &
    pids+=($!)
    for _ in $(seq 100); do [[ -s $out/holder.port ]] && break; sleep 0.1; done
    held=$(cat "$out/holder.port")
    [[ -n $held ]] || fail "the port holder did not start"
    run 3 --proxy "127.0.0.1:$(free_port)" --origin-port "$held"
    one_line "h1spec: the recording origin cannot use --origin-port $held: cannot listen on 127.0.0.1:$held"
    ;;
  no-proxy)
    port=$(free_port)
    run 3 --proxy "127.0.0.1:$port" --origin-port "$(free_port)"
    one_line "h1spec: cannot connect to 127.0.0.1:$port: Connection refused; is the proxy running? No case was run."
    ;;
  preflight)
    # The proxy forwards to a port where nothing records; the origin h1spec starts is elsewhere.
    start_fault none "$(free_port)"
    origin=$(free_port)
    run 3 --proxy "127.0.0.1:$fault_port" --origin-port "$origin"
    one_line "h1spec: the proxy at 127.0.0.1:$fault_port did not forward a GET to the origin; configure it to forward to 127.0.0.1:$origin"
    ;;
  e2e)
    o1=$(free_port)
    start_fault none "$o1"
    relay=$fault_port
    o2=$(free_port)
    [[ $o2 != "$o1" ]] || o2=$(free_port)
    start_fault cl-te "$o2"
    cl_te=$fault_port
    run 1 --proxy "127.0.0.1:$relay=relay" --origin-port "$o1" \
      --proxy "127.0.0.1:$cl_te=cl-te" --origin-port "$o2" --json "$out/e2e.json" \
      --html "$out/e2e.html" --junit "$out/e2e.xml" --markdown "$out/e2e.md"
    has "h1spec: 1 origin cases not run: through a proxy they need --origin-backend" "$out/e2e.out"
    has "h1spec: 1 SMUGGLED, 2 DESYNC" "$out/e2e.out"
    python3 - "$out/e2e.json" "$o1" "$o2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
got = {(r["id"], r["target"]): r for r in doc["results"]}
def want(case, target, verdict, smuggling):
    r = got[(case, target)]
    assert (r["verdict"], r["smuggling"]) == (verdict, smuggling), (case, target, r["verdict"], r["smuggling"], r["reason"])
want("PXT-GET-FORWARDED", "relay", "PASS", "none")
want("PXT-GET-FORWARDED", "cl-te", "PASS", "none")
want("PXT-TWO-ANSWERS", "relay", "FAIL", "DESYNC")
want("PXT-CL-TE-SMUGGLE", "cl-te", "FAIL", "SMUGGLED")
# Through the byte relay the strict origin refuses CL plus TE, so nothing is smuggled; but
# the relay forwarded a message that still holds both fields, which the origin judge sees.
want("PXT-CL-TE-SMUGGLE", "relay", "FAIL", "none")
assert "not a valid request" in got[("PXT-CL-TE-SMUGGLE", "relay")]["reason"], got[("PXT-CL-TE-SMUGGLE", "relay")]["reason"]
smuggle = got[("PXT-CL-TE-SMUGGLE", "cl-te")]
assert len(smuggle["replays"]) == 3, smuggle["replays"]
for rep in smuggle["replays"]:
    o = rep["origin"]
    assert o["smuggling"] == "SMUGGLED", o
    reqs = [(q["method"], q["target"]) for c in o["connections"] for q in c["requests"]]
    assert ("GET", "/smuggled") in reqs, reqs
    assert "GET /smuggled" in o["connections"][0]["received_text"], o
    assert o["connections"][0]["received_bytes"] > 0 and o["connections"][0]["sent_bytes"] > 0
get = got[("PXT-GET-FORWARDED", "relay")]["replays"][0]["origin"]
assert get["verdict"] == "PASS" and get["requests"] == 1, get
assert [t["origin_port"] for t in doc["targets"]] == [int(p) for p in sys.argv[2:]], doc["targets"]
assert doc["summary"]["smuggled"] == 1 and doc["summary"]["desync"] == 2, doc["summary"]
PY
    has 'class="danger">SMUGGLED</span>' "$out/e2e.html"
    has 'origin bytes:' "$out/e2e.html"
    has 'type="SMUGGLED"' "$out/e2e.xml"
    has 'FAIL **SMUGGLED**' "$out/e2e.md"
    ;;
  backend)
    [[ -n $h1ref_port ]] || fail "backend needs the h1ref port"
    o1=$(free_port)
    start_fault none "$o1"
    run 0 --proxy "127.0.0.1:$fault_port=relay" --origin-port "$o1" --case 'PXT-ORIGIN-*' \
      --case 'PXT-GET-*' --origin-backend "127.0.0.1:$h1ref_port" --json "$out/backend.json"
    has "h1spec: 2 passed, 0 failed" "$out/backend.out"
    python3 - "$out/backend.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
r = [r for r in doc["results"] if r["id"] == "PXT-ORIGIN-GET"][0]
conn = r["replays"][0]["origin"]["connections"][0]
# The origin relayed the request to h1ref and recorded h1ref's answer.
assert conn["requests"][0]["target"] == "/index.html", conn
assert conn["sent_text"].startswith("HTTP/1.1 200 OK"), conn["sent_text"][:80]
PY
    ;;
  *) fail "unknown mode" ;;
esac
echo "check_proxy_cli $mode: ok"
