#!/usr/bin/env bash
# Runs one command with the connect hook preloaded and checks its exit status, its stderr and
# what the hook logged. Usage:
#
#   check_guard.sh HOOK.so LOG [options] -- command args...
#     --block LIST     loopback literals the hook refuses as well (H1_CONNECT_BLOCK)
#     --exit N         the expected exit status
#     --refusal TEXT   stdout is empty and stderr is exactly one line, containing TEXT
#     --stderr TEXT    stderr contains TEXT
#     --no-connect     the log holds "loaded" lines and nothing else: no connect, no send, no
#                      name lookup was even attempted
#     --log TEXT       some log line contains TEXT (repeatable)
#     --no-log TEXT    no log line contains TEXT (repeatable)
#     --connects N     the log holds exactly N connect lines, allowed or refused
set -euo pipefail

die() { echo "check_guard: $*" >&2; exit 1; }

[[ $# -ge 4 ]] || die "usage: check_guard.sh HOOK LOG [options] -- command..."
hook=$1 log=$2
shift 2
block="" want_exit="" refusal="" stderr_has="" no_connect=0 connects=""
log_has=() log_lacks=()
while [[ $# -gt 0 && $1 != -- ]]; do
  case $1 in
    --block) block=$2; shift 2 ;;
    --exit) want_exit=$2; shift 2 ;;
    --refusal) refusal=$2; shift 2 ;;
    --stderr) stderr_has=$2; shift 2 ;;
    --no-connect) no_connect=1; shift ;;
    --log) log_has+=("$2"); shift 2 ;;
    --no-log) log_lacks+=("$2"); shift 2 ;;
    --connects) connects=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
[[ $# -ge 2 ]] || die "no command after --"
shift
[[ -f $hook ]] || die "no hook library at $hook"

mkdir -p "$(dirname "$log")"
rm -f "$log" "$log.out" "$log.err"
rc=0
# verify_asan_link_order=0: an ASan h1spec accepts a preloaded library ahead of its runtime.
env LD_PRELOAD="$hook" H1_CONNECT_LOG="$log" H1_CONNECT_BLOCK="$block" \
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
  "$@" >"$log.out" 2>"$log.err" || rc=$?
echo "--- exit $rc; stdout (last lines):"
tail -n 5 "$log.out"
echo "--- stderr:"
cat "$log.err"
echo "--- hook log $log:"
cat "$log" 2>/dev/null || true

fail=0
bad() { echo "check_guard: FAIL: $*" >&2; fail=1; }

[[ -z $want_exit || $rc -eq $want_exit ]] || bad "exit status $rc, expected $want_exit"
grep -q '^loaded ' "$log" 2>/dev/null || bad "the hook did not load (no 'loaded' line)"
if [[ -n $refusal ]]; then
  [[ ! -s $log.out ]] || bad "stdout is not empty"
  [[ $(wc -l <"$log.err") -eq 1 ]] || bad "stderr is not exactly one line"
  grep -qF -- "$refusal" "$log.err" || bad "stderr lacks: $refusal"
fi
[[ -z $stderr_has ]] || grep -qF -- "$stderr_has" "$log.err" || bad "stderr lacks: $stderr_has"
if [[ $no_connect -eq 1 ]] && grep -v '^loaded ' "$log" 2>/dev/null; then
  bad "the hook logged the calls above: something was attempted"
fi
for text in "${log_has[@]}"; do
  grep -qF -- "$text" "$log" 2>/dev/null || bad "the hook log lacks: $text"
done
for text in "${log_lacks[@]}"; do
  if grep -F -- "$text" "$log" 2>/dev/null; then bad "the hook log has: $text"; fi
done
if [[ -n $connects ]]; then
  n=$(grep -c '^[a-z]* connect ' "$log" 2>/dev/null || true)
  [[ $n -eq $connects ]] || bad "the hook logged $n connects, expected $connects"
fi
exit "$fail"
