#!/usr/bin/env bash
# The peer manifests, proven: every manifest in peers/ is valid; in a copy with two broken
# manifests each is named in one line with its file and field, and the other peers are
# still picked (exit 1, not 0 and not 2). The same for the proxy peers (ROLE=proxy, run
# proxies): the 11 are picked after their reference, @PORT@, @ORIGIN_PORT@ and FILES are
# filled in, and a proxy without @ORIGIN_PORT@, one outside the proxies run, an origin in it,
# a non-loopback address and a missing START are each refused in one line.
# Usage: check_peers.sh SCRATCH_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
peers_py=$here/../lib/peers.py
scratch=${1:?usage: check_peers.sh SCRATCH_DIR}
fail() { echo "FAIL: $*"; exit 1; }

python3 "$peers_py" check || fail "a manifest in peers/ is broken (above)"
picked=$(python3 "$peers_py" pick compare --with-reference) || fail "pick compare failed"
[[ $(head -n 1 <<<"$picked") == h1ref ]] || fail "the reference is not picked first: $picked"
[[ $(python3 "$peers_py" pick compare --with-reference nginx | tr '\n' ' ') == "h1ref nginx " ]] ||
  fail "pick compare nginx is not exactly h1ref and nginx"
python3 "$peers_py" pick fuzz python-http.server 2>/dev/null
[[ $? == 2 ]] || fail "a peer outside a run's RUNS was accepted for it"

rm -rf "$scratch"
mkdir -p "$scratch"
cp -r "$here/../../peers" "$scratch/peers"
sed -i '/^START=/d' "$scratch/peers/nginx/peer.conf"
echo 'WORKERS=2' >>"$scratch/peers/lighttpd/peer.conf"
out=$(H1_PEERS_DIR=$scratch/peers python3 "$peers_py" pick compare --with-reference \
  2>"$scratch/stderr")
rc=$?
cat "$scratch/stderr"
((rc == 1)) || fail "exit status $rc with broken manifests, expected 1"
grep -qx 'peers: peers/nginx/peer.conf: START: missing' "$scratch/stderr" ||
  fail "no line naming nginx's manifest and its missing START"
grep -q '^peers: peers/lighttpd/peer.conf: WORKERS: unknown field' "$scratch/stderr" ||
  fail "no line naming lighttpd's manifest and its unknown field"
[[ $(wc -l <"$scratch/stderr") -eq 2 ]] || fail "not exactly one line per broken manifest"
[[ $(tr '\n' ' ' <<<"$out") == "h1ref h2o python-http.server " ]] ||
  fail "the valid peers were not all picked: $out"
echo "ok: peers/ is valid; broken manifests are named by file and field, the rest still run"

# The proxies run: every ROLE=proxy peer, after its reference (h1fault with all faults off);
# a proxy is for that run only.
picked=$(python3 "$peers_py" pick proxies --with-reference | tr '\n' ' ') ||
  fail "pick proxies failed"
[[ $picked == "h1fault "* ]] || fail "the proxies run's reference is not picked first: $picked"
proxies=(apache2-proxy caddy-proxy h2o-proxy haproxy lighttpd-proxy nghttpx nginx-proxy squid
  tinyproxy trafficserver varnish)
[[ $picked == "h1fault ${proxies[*]} " ]] || fail "not exactly the 11 proxies: $picked"
[[ $(python3 "$peers_py" pick proxies --with-reference haproxy | tr '\n' ' ') == \
  "h1fault haproxy " ]] || fail "pick proxies haproxy is not exactly h1fault and haproxy"
python3 "$peers_py" pick compare haproxy 2>/dev/null
[[ $? == 2 ]] || fail "a proxy was accepted for the compare run"

# Filled in: the origin port lands in the config and in FILES (the peer's own folder), and
# the proxies run refuses to fill a proxy without one.
run_dir=$scratch/filled
mkdir -p "$run_dir"
python3 "$peers_py" command haproxy --run proxies --run-dir "$run_dir" --root "$run_dir" \
  --build "$scratch" --port 4001 --origin-port 4002 >/dev/null || fail "command haproxy failed"
grep -q '^ *bind 127.0.0.1:4001$' "$run_dir/haproxy.conf" || fail "haproxy: no @PORT@ filled"
grep -q '^ *server origin 127.0.0.1:4002$' "$run_dir/haproxy.conf" ||
  fail "haproxy: no @ORIGIN_PORT@ filled"
python3 "$peers_py" command trafficserver --run proxies --run-dir "$run_dir" --root "$run_dir" \
  --build "$scratch" --port 4001 --origin-port 4002 >/dev/null || fail "command trafficserver failed"
grep -qx 'map / http://127.0.0.1:4002/' "$run_dir/trafficserver/remap.config" ||
  fail "trafficserver: FILES not filled into its folder"
grep -q "^sysconfdir: $run_dir/trafficserver$" "$run_dir/trafficserver/runroot.yaml" ||
  fail "trafficserver: @DIR@ is not its own folder"
python3 "$peers_py" command haproxy --run proxies --run-dir "$run_dir" --root "$run_dir" \
  --build "$scratch" --port 4001 >/dev/null 2>"$scratch/stderr"
[[ $? == 1 ]] || fail "a proxy was filled in without an origin port"
grep -qx 'peers: peers/haproxy/peer.conf: the proxies run needs an origin port' \
  "$scratch/stderr" || fail "no line saying the proxies run needs an origin port"

# Broken proxy manifests: each refused with one line naming file and field, the rest picked.
rm -rf "$scratch/peers"
cp -r "$here/../../peers" "$scratch/peers"
sed -i 's/@ORIGIN_PORT@/8080/' "$scratch/peers/haproxy/haproxy.cfg"
sed -i 's/^RUNS=proxies$/RUNS=proxies compare/' "$scratch/peers/squid/peer.conf"
sed -i 's/^RUNS=compare$/RUNS=compare proxies/' "$scratch/peers/python-http.server/peer.conf"
sed -i 's/^backend=127.0.0.1,/backend=10.0.0.1,/' "$scratch/peers/nghttpx/nghttpx.conf"
sed -i '/^START=/d' "$scratch/peers/varnish/peer.conf"
out=$(H1_PEERS_DIR=$scratch/peers python3 "$peers_py" pick proxies --with-reference \
  2>"$scratch/stderr")
rc=$?
cat "$scratch/stderr"
((rc == 1)) || fail "exit status $rc with broken proxy manifests, expected 1"
expect() {
  grep -qx -- "$1" "$scratch/stderr" || fail "no line: $1"
}
expect 'peers: peers/haproxy/peer.conf: START: no @ORIGIN_PORT@ in it or its config (a proxy is told the port of 127.0.0.1 it forwards to)'
expect "peers: peers/squid/peer.conf: RUNS: 'proxies compare' for ROLE=proxy (a proxy takes part in proxies only)"
expect 'peers: peers/python-http.server/peer.conf: RUNS: proxies wants ROLE=proxy (or reference)'
expect 'peers: peers/nghttpx/peer.conf: CONFIG (nghttpx/nghttpx.conf): 10.0.0.1 is not a loopback address (line 4)'
expect 'peers: peers/varnish/peer.conf: START: missing'
[[ $(wc -l <"$scratch/stderr") -eq 5 ]] || fail "not exactly one line per broken proxy manifest"
[[ $(tr '\n' ' ' <<<"$out") == "h1fault apache2-proxy caddy-proxy h2o-proxy lighttpd-proxy nginx-proxy tinyproxy trafficserver " ]] ||
  fail "the valid proxies were not all picked: $out"
echo "PASS: proxy manifests: a missing @ORIGIN_PORT@, a proxy outside the proxies run, an origin in it and a non-loopback address are refused by file and field"
