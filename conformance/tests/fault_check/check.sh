#!/usr/bin/env bash
# fault_check's own rules: listed cases must FAIL, "ID ?" cases may go either way, and any
# other FAIL is collateral. Usage: check.sh FAULT_CHECK
set -u
here=$(cd "$(dirname "$0")" && pwd)
status=0
expect() { # expect WANT LIST
  "$1" "$here/report.json" "$here/$3" >/tmp/fault_check_self.$$ 2>&1
  local got=$?
  if [[ $got != "$2" ]]; then
    echo "FAIL: fault_check with $3 exited $got, expected $2:"; cat /tmp/fault_check_self.$$
    status=1
  else
    echo "ok: $3 -> $got ($(tail -1 /tmp/fault_check_self.$$))"
  fi
}
expect "$1" 0 either.txt
expect "$1" 1 collateral.txt
expect "$1" 1 not-caught.txt
rm -f /tmp/fault_check_self.$$
exit $status
