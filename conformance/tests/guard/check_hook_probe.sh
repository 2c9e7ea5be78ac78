#!/usr/bin/env bash
# Proves the connect hook judges real non-loopback destinations without ever sending: the
# probe calls connect/sendto/sendmsg on a pipe, so a destination the hook let through would
# fail with ENOTSOCK in the kernel, and one it refused fails with EACCES and is logged.
# Usage: check_hook_probe.sh HOOK.so HOOK_PROBE LOG_DIR
set -euo pipefail
hook=$1 probe=$2 dir=$3
mkdir -p "$dir"
fail=0
# An ASan-built probe accepts the hook ahead of its runtime.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# expect CALL ADDR WANT LOGGED [BLOCK]: the probe prints WANT and the log has LOGGED.
expect() {
  local call=$1 addr=$2 want=$3 logged=$4 block=${5:-}
  local log="$dir/probe.log" got
  rm -f "$log"
  if [[ $call == resolve ]]; then
    got=$(LD_PRELOAD="$hook" H1_CONNECT_LOG="$log" H1_CONNECT_BLOCK="$block" \
      "$probe" resolve "$addr" || true)
  else
    got=$(LD_PRELOAD="$hook" H1_CONNECT_LOG="$log" H1_CONNECT_BLOCK="$block" \
      "$probe" "$call" "$addr" 80 || true)
  fi
  if [[ $got == "$want" ]] && grep -qxF -- "$logged" "$log"; then
    echo "ok    $call $addr${block:+ (blocking $block)}: $got, logged '$logged'"
  else
    echo "FAIL  $call $addr${block:+ (blocking $block)}: got '$got', want '$want';" \
      "log: $(tr '\n' '|' <"$log")"
    fail=1
  fi
}

# Not loopback: refused before the kernel sees it.
expect connect 10.0.0.1 EACCES "refused connect 10.0.0.1:80"
expect connect 192.168.1.1 EACCES "refused connect 192.168.1.1:80"
expect connect 172.16.0.1 EACCES "refused connect 172.16.0.1:80"
expect connect 8.8.8.8 EACCES "refused connect 8.8.8.8:80"
expect connect 0.0.0.0 EACCES "refused connect 0.0.0.0:80"
expect connect fd00::1 EACCES "refused connect [fd00::1]:80"
expect connect ::ffff:10.0.0.1 EACCES "refused connect [::ffff:10.0.0.1]:80"
expect connect :: EACCES "refused connect [::]:80"
expect sendto 10.0.0.1 EACCES "refused sendto 10.0.0.1:80"
expect sendmsg 10.0.0.1 EACCES "refused sendmsg 10.0.0.1:80"
expect sendto fd00::1 EACCES "refused sendto [fd00::1]:80"
expect resolve example.invalid EAI_FAIL "refused resolve example.invalid"
expect resolve localhost EAI_FAIL "refused resolve localhost"
# Loopback: passed to the kernel, which refuses a pipe (ENOTSOCK), so nothing is sent.
expect connect 127.0.0.1 ENOTSOCK "allowed connect 127.0.0.1:80"
expect connect 127.255.0.9 ENOTSOCK "allowed connect 127.255.0.9:80"
expect connect ::1 ENOTSOCK "allowed connect [::1]:80"
expect connect ::ffff:127.0.0.1 ENOTSOCK "allowed connect [::ffff:127.0.0.1]:80"
expect sendto 127.0.0.1 ENOTSOCK "allowed sendto 127.0.0.1:80"
expect sendmsg ::1 ENOTSOCK "allowed sendmsg [::1]:80"
expect resolve 127.0.0.1 ok "allowed resolve 127.0.0.1"
# H1_CONNECT_BLOCK refuses a loopback address too: the control the h1spec tests rely on.
expect connect 127.0.0.2 EACCES "refused connect 127.0.0.2:80" 127.0.0.2
expect connect 127.0.0.1 EACCES "refused connect 127.0.0.1:80" 127.0.0.9,127.0.0.1
expect connect 127.0.0.3 ENOTSOCK "allowed connect 127.0.0.3:80" 127.0.0.2

# Without the hook the probe refuses to try anything at all.
if "$probe" connect 10.0.0.1 80 2>/dev/null; then
  echo "FAIL  the probe ran without the hook"
  fail=1
else
  echo "ok    without the hook the probe does nothing (exit 2)"
fi
exit "$fail"
