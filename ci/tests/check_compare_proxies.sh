#!/usr/bin/env bash
# ci/compare-proxies.sh --no-grade, proven on stand-in proxies that need no package (a peers
# folder of its own, H1_PEERS_DIR): the one that forwards (tcp_relay.py, the reference) is
# started and proven; one that listens but forwards nothing, one that exits at once and one
# with a broken manifest are each listed in proxies-peers.json with the reason, never dropped;
# the run exits 1; and no process it started is left. Usage: check_compare_proxies.sh BUILD SCRATCH
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: check_compare_proxies.sh BUILD SCRATCH}
scratch=${2:?usage: check_compare_proxies.sh BUILD SCRATCH}
fail() { echo "FAIL: $*"; exit 1; }

rm -rf "$scratch"
mkdir -p "$scratch"/peers/{relay,deaf,refuses,noorigin}
cat >"$scratch/peers/relay/peer.conf" <<CONF
ROLE=reference
RUNS=proxies
START=python3 $here/tcp_relay.py --port @PORT@ --to @ORIGIN_PORT@
CONF
# Listens, but never forwards: told an origin port only in a config it does not read.
cat >"$scratch/peers/deaf/peer.conf" <<'CONF'
ROLE=proxy
RUNS=proxies
START=python3 -m http.server @PORT@ --bind 127.0.0.1 --directory @DIR@
CONFIG=deaf.conf
CONF
echo 'origin 127.0.0.1:@ORIGIN_PORT@' >"$scratch/peers/deaf/deaf.conf"
cat >"$scratch/peers/refuses/peer.conf" <<'CONF'
ROLE=proxy
RUNS=proxies
START=python3 -c exit('error:bad-config') @PORT@ @ORIGIN_PORT@
CONF
cat >"$scratch/peers/noorigin/peer.conf" <<'CONF'
ROLE=proxy
RUNS=proxies
START=python3 -m http.server @PORT@ --bind 127.0.0.1
CONF

H1_PEERS_DIR=$scratch/peers H1_PROXY_START_SECONDS=10 bash "$here/../compare-proxies.sh" \
  --no-build --no-grade --build "$build" --out "$scratch/report" >"$scratch/out" 2>&1
rc=$?
cat "$scratch/out"
((rc == 1)) || fail "exit status $rc, expected 1 (some proxies were not started)"
json=$scratch/report/proxies-peers.json
[[ -f $json ]] || fail "no $json"
python3 - "$json" <<'PY' || fail "proxies-peers.json is not as expected (above)"
import json, sys
rows = {r["name"]: r for r in json.load(open(sys.argv[1]))["peers"]}
want = {"relay": "started", "deaf": "does not forward", "refuses": "did not start",
        "noorigin": "broken manifest"}
got = {name: r["status"] for name, r in rows.items()}
ok = got == want
ok &= "error:bad-config" in rows["refuses"]["reason"]
ok &= "never reached its origin" in rows["deaf"]["reason"]
ok &= "@ORIGIN_PORT@" in rows["noorigin"]["reason"]
ok &= isinstance(rows["relay"]["port"], int) and isinstance(rows["relay"]["origin_port"], int)
if not ok:
    print(json.dumps(rows, indent=1))
sys.exit(0 if ok else 1)
PY
# Every process it started was stopped: nothing accepts on the ports it used any more.
for port in $(python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["peers"]:
    for p in (r["port"], r["origin_port"]):
        if p: print(p)' "$json"); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "something still accepts on 127.0.0.1:$port after the run"
  fi
done
grep -q 'relay (unknown; pid [0-9]*) on 127.0.0.1:[0-9]* -> 127.0.0.1:[0-9]*' "$scratch/out" ||
  fail "no line for the relay, started and proven"
echo "PASS: compare-proxies starts and proves the forwarding proxy, lists the other three with their reasons, exits 1, and leaves no process"
