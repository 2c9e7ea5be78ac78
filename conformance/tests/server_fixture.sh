#!/usr/bin/env bash
# Starts, uses and stops loopback servers for ctest fixtures. State lives in STATE_DIR:
# NAME.pid, NAME.port, NAME.log. Only processes started here are ever signalled, by PID.
#
#   server_fixture.sh start STATE_DIR NAME -- command args...   (waits for "listening on",
#                                                               at most 10 s)
#   server_fixture.sh stop  STATE_DIR NAME
#   server_fixture.sh run   STATE_DIR [--expect-exit N] [--expect-output TEXT] -- command args...
#
# In commands, @PORT:NAME@ becomes the port of the started server NAME.
set -uo pipefail

die() { echo "server_fixture: $*" >&2; exit 1; }

substitute() {
  local state=$1; shift
  local out=() arg name
  for arg in "$@"; do
    while [[ $arg =~ @PORT:([A-Za-z0-9_.-]+)@ ]]; do
      name=${BASH_REMATCH[1]}
      [[ -s "$state/$name.port" ]] || die "no running server named $name"
      arg=${arg//@PORT:$name@/$(cat "$state/$name.port")}
    done
    out+=("$arg")
  done
  printf '%s\0' "${out[@]}"
}

# The one shell reader of "listening on" and stopper by PID, shared with ci/.
# shellcheck source=ci/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../ci/lib/server.sh"
SERVER_TAG=server_fixture

start() {
  local state=$1 name=$2; shift 3
  mkdir -p "$state"
  mapfile -d '' cmd < <(substitute "$state" "$@")
  SERVER_NAME=$name server_start_announced "$state/$name.log" "${cmd[@]}" || exit 1
  echo "$server_pid" >"$state/$name.pid"
  echo "$server_port" >"$state/$name.port"
  echo "$name: pid $server_pid, port $server_port"
}

stop() {
  local state=$1 name=$2
  [[ -s "$state/$name.pid" ]] || { echo "$name: not running"; return 0; }
  local pid
  pid=$(cat "$state/$name.pid")
  rm -f "$state/$name.pid" "$state/$name.port"
  SERVER_STOP_SECONDS=5 server_stop "$pid" ||
    die "$name (pid $pid) ignored SIGTERM for 5 s and was killed"
  # A sanitizer report in the server's log fails the fixture even when every case passed.
  if grep -E -m 3 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|WARNING: ThreadSanitizer|runtime error:' \
      "$state/$name.log" >&2; then
    die "$name: sanitizer report in $state/$name.log"
  fi
  echo "$name: stopped"
}

run() {
  local state=$1; shift
  local expect_exit="" expect_output=""
  while [[ $# -gt 0 && $1 != -- ]]; do
    case $1 in
      --expect-exit) expect_exit=$2; shift 2 ;;
      --expect-output) expect_output=$2; shift 2 ;;
      *) die "unknown run option $1" ;;
    esac
  done
  shift
  mapfile -d '' cmd < <(substitute "$state" "$@")
  local out rc
  out=$("${cmd[@]}" 2>&1)
  rc=$?
  printf '%s\n' "$out"
  if [[ -n $expect_exit && $rc -ne $expect_exit ]]; then
    die "exit status $rc, expected $expect_exit"
  fi
  if [[ -n $expect_output && $out != *"$expect_output"* ]]; then
    die "output lacks: $expect_output"
  fi
  [[ -n $expect_exit ]] && return 0
  return "$rc"
}

case ${1:-} in
  start) [[ $# -ge 5 && $4 == -- ]] || die "usage: start STATE NAME -- cmd..."; start "$2" "$3" "${@:4}" ;;
  stop) [[ $# -eq 3 ]] || die "usage: stop STATE NAME"; stop "$2" "$3" ;;
  run) [[ $# -ge 3 ]] || die "usage: run STATE [...] -- cmd..."; run "${@:2}" ;;
  *) die "usage: start|stop|run" ;;
esac
