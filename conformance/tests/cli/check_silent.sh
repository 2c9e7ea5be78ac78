#!/usr/bin/env bash
# A target that accepts and closes every connection unanswered (silent_server.py, fixture
# "silent"): h1spec must warn about it on its first line, before any case, and still run and
# fail the cases (exit 1).
# Usage: check_silent.sh STATE_DIR H1SPEC OUT_FILE [h1spec args...]
set -euo pipefail
state=$1 h1spec=$2 out=$3
shift 3
port=$(cat "$state/silent.port")
mkdir -p "$(dirname "$out")"
rc=0
"$h1spec" --target "127.0.0.1:$port=silent" "$@" >"$out" 2>&1 || rc=$?
head -n 3 "$out"
tail -n 1 "$out"
fail=0
bad() { echo "check_silent: FAIL: $*" >&2; fail=1; }
warning="h1spec: warning: silent: it closed the connection without answering a plain GET /:"
warning+=" cases whose accepted outcome is a close or a timeout may pass without proving anything"
[[ $(head -n 1 "$out") == "$warning" ]] || bad "the first line is not the warning"
[[ $(grep -c '^h1spec: warning:' "$out") -eq 1 ]] || bad "not exactly one warning"
grep -qE '^\[ *1/[0-9]+\] ' "$out" || bad "no case was run after the warning"
[[ $rc -eq 1 ]] || bad "exit status $rc, expected 1"
exit "$fail"
