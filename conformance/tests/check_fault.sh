#!/usr/bin/env bash
# Runs the suite through one h1fault fault and checks which cases fail.
# Usage: check_fault.sh STATE FAULT H1SPEC FAULT_CHECK EXPECTED.txt REPORT_DIR
set -uo pipefail
state=$1 fault=$2 h1spec=$3 fault_check=$4 expected=$5 report=$6
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$report"
json="$report/faulty-$fault.json"
# A fault that breaks MUST cases must make h1spec exit 1; the transparent relay, 0.
if grep -qv '^\s*\(#.*\)\?$' "$expected"; then want=1; else want=0; fi
"$here/server_fixture.sh" run "$state" --expect-exit "$want" -- \
  "$h1spec" --target "127.0.0.1:@PORT:faulty-$fault@=faulty-$fault" --timeout 600 --json "$json" \
  | grep -v '^\[.*\] PASS ' || exit 1
"$fault_check" "$json" "$expected"
