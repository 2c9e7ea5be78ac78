#!/usr/bin/env bash
# Validates h1spec's JUnit report: schema-valid, one testcase per case, FAIL as <failure>.
# Usage: check_junit.sh STATE H1SPEC CASES_DIR XSD OUT.xml
set -uo pipefail
state=$1 h1spec=$2 cases=$3 xsd=$4 out=$5
here=$(cd "$(dirname "$0")" && pwd)
"$here/server_fixture.sh" run "$state" --expect-exit 1 -- \
  "$h1spec" --cases "$cases" --target "127.0.0.1:@PORT:h1ref@=h1ref" --junit "$out" >/dev/null || exit 1
xmllint --noout --schema "$xsd" "$out" || exit 1
want=$("$h1spec" --cases "$cases" --list | tail -n 1 | cut -d' ' -f1)
got=$(grep -c '<testcase ' "$out")
failures=$(grep -c '<failure ' "$out")
echo "check_junit: $got testcases (want $want), $failures failure element(s)"
[[ $got -eq $want && $failures -eq 1 ]] && grep -q 'failures="1"' "$out"
