#!/usr/bin/env bash
# Proof that `h1spec fuzz --via` works, with h1spec's own recording origin behind h1fault:
#   - through `h1fault --fault cl-te` (it drops Content-Length next to Transfer-Encoding and
#     goes on reading the connection) a short run must report an `ambiguous/cl-te` finding,
#     reached by construction from the CL-TE framing seed, written as a proxy case that
#     h1spec's own case parser lists under --tag proxy;
#   - through `h1fault --fault none` (a byte relay: both views agree by construction) a run of
#     the same length must report no finding and no divergence at all;
#   - bad input exits 3 with one line: a non-loopback proxy (refused before any connect), a
#     taken origin port, a proxy that does not listen, one that forwards elsewhere.
# Usage: check_fuzz_via.sh H1SPEC H1FAULT DOCROOT OUT_DIR
set -uo pipefail
h1spec=$1 h1fault=$2 docroot=$3 out=$4
fail() { echo "check_fuzz_via: FAIL: $*" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts h1fault with a fault in front of 127.0.0.1:$2; sets $relay_port.
start_relay() {
  local fault=$1 upstream=$2 log=$out/h1fault-$1.log
  "$h1fault" --fault "$fault" --upstream "127.0.0.1:$upstream" --root "$docroot" --port 0 \
    >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    relay_port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
    [[ -n $relay_port ]] && return 0
    sleep 0.05
  done
  fail "h1fault --fault $fault did not start: $(cat "$log")"
}

# Runs h1spec fuzz --via with the given arguments; sets $rc and keeps stderr in $out/$1.err.
fuzz() {
  local name=$1
  shift
  timeout 120 "$h1spec" fuzz "$@" 2>"$out/$name.err"
  rc=$?
  cat "$out/$name.err" >&2
}

seconds=${FUZZ_VIA_SECONDS:-8}

# 1. Through the cl-te fault: findings (exit 1), among them ambiguous/cl-te.
origin_clte=$(free_port)
start_relay cl-te "$origin_clte"
fuzz clte --via "127.0.0.1:$relay_port=cl-te" --origin-port "$origin_clte" --seconds "$seconds" \
  --seed 1 --out "$out/clte"
((rc == 1)) || fail "through cl-te: exit $rc, expected 1 (findings)"
python3 - "$out/clte/summary.json" <<'EOF_PY' || exit 1
import json, sys
s = json.load(open(sys.argv[1]))
print(f"check_fuzz_via: cl-te: {s['inputs']} inputs, {s['exchanges']} exchanges, "
      f"{s['exec_per_s']:.0f}/s, divergences {s['divergences']}, "
      f"findings {[f['signature'] for f in s['findings']]}")
if not any(f["signature"].startswith("ambiguous/cl-te/") for f in s["findings"]):
    sys.exit("check_fuzz_via: FAIL: no ambiguous/cl-te finding through the cl-te fault")
EOF_PY
listed=$("$h1spec" --cases "$out/clte/findings" --tag proxy --list 2>&1) ||
  fail "the written cases do not load: $listed"
grep -q '^FUZZVIA-AMBIGUOUS-' <<<"$listed" || fail "no FUZZVIA-AMBIGUOUS case listed: $listed"
grep -q '^```origin-expect' "$out"/clte/findings/FUZZVIA-AMBIGUOUS-*.md ||
  fail "the finding has no origin-expect block"

# 2. Through the byte relay: nothing (exit 0), and not one divergence.
origin_none=$(free_port)
start_relay none "$origin_none"
none_port=$relay_port
fuzz none --via "127.0.0.1:$none_port=none" --origin-port "$origin_none" --seconds "$seconds" \
  --seed 1 --out "$out/none"
((rc == 0)) || fail "through the byte relay: exit $rc, expected 0 (no findings)"
python3 - "$out/none/summary.json" <<'EOF_PY' || exit 1
import json, sys
s = json.load(open(sys.argv[1]))
print(f"check_fuzz_via: none: {s['inputs']} inputs, {s['exec_per_s']:.0f}/s, "
      f"divergences {s['divergences']}")
if s["findings"] or s["inputs"] < 50:
    sys.exit(f"check_fuzz_via: FAIL: byte relay: {s['inputs']} inputs, {s['findings']}")
bad = {k: v for k, v in s["divergences"].items() if k != "none" and v}
if bad:
    sys.exit(f"check_fuzz_via: FAIL: the byte relay diverged: {bad}")
EOF_PY

# 3. Bad input: exit 3, one line naming the problem.
expect3() {
  local name=$1 pattern=$2
  shift 2
  fuzz "$name" "$@" --seconds 1 --out "$out/$name"
  ((rc == 3)) || fail "$name: exit $rc, expected 3"
  grep -q -- "$pattern" "$out/$name.err" || fail "$name: no '$pattern' in: $(cat "$out/$name.err")"
}
expect3 remote "loopback" --via 192.0.2.1:80 --origin-port "$origin_none"
expect3 taken "127.0.0.1:$none_port" --via "127.0.0.1:$none_port" --origin-port "$none_port"
expect3 no-proxy "cannot connect" --via 127.0.0.1:1 --origin-port "$(free_port)"
elsewhere=$(free_port)
expect3 preflight "127.0.0.1:$elsewhere" --via "127.0.0.1:$none_port" --origin-port "$elsewhere"
expect3 no-port "--origin-port" --via "127.0.0.1:$none_port"
echo "check_fuzz_via: PASS"
