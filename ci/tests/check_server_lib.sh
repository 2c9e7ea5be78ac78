#!/usr/bin/env bash
# ci/lib/server.sh, proven against a real h1ref: server_start_announced reads the port from
# "listening on", the server answers there and server_stop ends it by PID; a server that
# exits, or never announces, fails within the bound with its log and leaves no process.
# Usage: check_server_lib.sh H1REF DOCROOT SCRATCH_DIR
set -uo pipefail
h1ref=${1:?} docroot=${2:?} scratch=${3:?}
# shellcheck source=ci/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$scratch"
mkdir -p "$scratch"

server_start_announced "$scratch/h1ref.log" "$h1ref" --root "$docroot" --port 0 --quiet ||
  fail "h1ref did not start"
pid=$server_pid
[[ $server_port =~ ^[0-9]+$ ]] || fail "no port read: '$server_port'"
exec 3<>"/dev/tcp/127.0.0.1/$server_port" || fail "nothing listens on $server_port"
printf 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' >&3
read -r status <&3
exec 3<&-
[[ $status == "HTTP/1.1 200"* ]] || fail "h1ref on the read port answered '$status'"
server_stop "$pid" || fail "h1ref needed a KILL"
kill -0 "$pid" 2>/dev/null && fail "h1ref (pid $pid) still runs after server_stop"

server_start_announced "$scratch/bad.log" "$h1ref" --root "$scratch/no-such-dir" --port 0 \
  2>"$scratch/bad.err" && fail "an h1ref with a missing root counted as started"
grep -q 'h1ref exited before listening' "$scratch/bad.err" || fail "no exit message"
grep -q '  | ' "$scratch/bad.err" || fail "the dead server's log was not shown"

start=$SECONDS
SERVER_START_SECONDS=1 server_start_announced "$scratch/silent.log" sleep 60 \
  2>"$scratch/silent.err" && fail "a server that never announced counted as started"
((SECONDS - start <= 5)) || fail "the 1 s start bound took $((SECONDS - start)) s"
grep -q "sleep printed no 'listening on' line in 1 s" "$scratch/silent.err" ||
  fail "no timeout message: $(cat "$scratch/silent.err")"
[[ -z $(jobs -pr) ]] || fail "the silent server was left running"
echo "PASS: start (port read, answered), stop by PID, exit and timeout reported, nothing left"
