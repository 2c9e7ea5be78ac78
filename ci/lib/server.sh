# shellcheck shell=bash disable=SC2034  # server_pid and server_port are for the caller
# Starting and stopping one loopback server by its PID; sourced by every shell script that
# runs a server (ci/*.sh, conformance/tests/server_fixture.sh). The one place that reads the
# "listening on http://HOST:PORT" line h1ref (and h1fault) print once they accept.
#
#   server_start_announced LOG cmd args...  start cmd (which must pick its own port, e.g.
#                                           h1ref --port 0); sets server_pid, server_port
#   server_start_on_port LOG PORT cmd...    start cmd, which was told PORT; waits until the
#                                           port accepts; sets server_pid, server_port
#   server_stop PID                         TERM, then KILL after SERVER_STOP_SECONDS;
#                                           returns 1 if it took the KILL
#   free_port                               a loopback port that was free a moment ago
#
# Both starts wait at most SERVER_START_SECONDS (default 10). On failure they print
# "NAME did not start" and the log to stderr, leave no process behind and return 1. The
# command runs in the background with its output in LOG; it must exec the server (taskset
# and nice do), so that the PID is the server's own. SERVER_TAG prefixes messages and
# SERVER_NAME (default: the command's basename) names the server in them.

server_pid=""
server_port=""

# _server_fail PID LOG WHY: the message, the log, and the process gone.
_server_fail() {
  echo "${SERVER_TAG:-server}: $3; its log ($2):" >&2
  sed 's/^/  | /' "$2" >&2 2>/dev/null
  server_stop "$1" >/dev/null 2>&1
  server_pid=""
  server_port=""
  return 1
}

server_start_announced() {
  local log=$1 pid port="" i name seconds=${SERVER_START_SECONDS:-10}
  shift
  name=${SERVER_NAME:-${1##*/}}
  # Emptied here, not only by the child's redirection: until the child gets to it, the log
  # may still hold an earlier run's "listening on" line, with a port nobody listens on now.
  : >"$log"
  "$@" >"$log" 2>&1 &
  pid=$!
  for ((i = 0; i < seconds * 10; i++)); do
    port=$(sed -n 's#^listening on http://[^ ]*:\([0-9][0-9]*\).*#\1#p' "$log" | head -n 1)
    if [[ -n $port ]]; then
      server_pid=$pid
      server_port=$port
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      _server_fail "$pid" "$log" "$name exited before listening"
      return 1
    fi
    sleep 0.1
  done
  _server_fail "$pid" "$log" "$name printed no 'listening on' line in $seconds s"
}

server_start_on_port() {
  local log=$1 port=$2 pid i name seconds=${SERVER_START_SECONDS:-10}
  shift 2
  name=${SERVER_NAME:-${1##*/}}
  "$@" >"$log" 2>&1 &
  pid=$!
  for ((i = 0; i < seconds * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      server_pid=$pid
      server_port=$port
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      _server_fail "$pid" "$log" "$name exited before listening"
      return 1
    fi
    sleep 0.1
  done
  _server_fail "$pid" "$log" "$name did not accept on 127.0.0.1:$port in $seconds s"
}

server_stop() {
  local pid=$1 i
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < ${SERVER_STOP_SECONDS:-5} * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 1
  fi
  wait "$pid" 2>/dev/null
  return 0
}

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
