#!/usr/bin/env bash
# The peer manifests, proven: every manifest in peers/ is valid; in a copy with two broken
# manifests each is named in one line with its file and field, and the other peers are
# still picked (exit 1, not 0 and not 2). Usage: check_peers.sh SCRATCH_DIR
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
echo "PASS: peers/ is valid; broken manifests are named by file and field, the rest still run"
