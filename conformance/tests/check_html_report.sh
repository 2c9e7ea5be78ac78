#!/usr/bin/env bash
# The HTML report in a real browser. Grades two targets (h1ref and a faulty front that turns
# 404 into 200), then loads the report in headless Chromium: a screenshot must render, the
# DOM after the scripts ran must hold every case and both targets, and the "only
# disagreements" and "only MUST" filters (set through the URL) must show exactly the rows
# the JSON report says they should.
# Usage: check_html_report.sh STATE H1SPEC OUT_DIR     (exit 77: skipped, no Chromium)
set -uo pipefail
state=$1 h1spec=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)

source "$here/chromium_lib.sh"
need_browser
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to read the JSON report"; exit 1; }

mkdir -p "$out"
html=$out/matrix.html json=$out/matrix.json
"$here/server_fixture.sh" run "$state" --expect-exit 1 -- "$h1spec" \
  --target "127.0.0.1:@PORT:h1ref@=h1ref" --target "127.0.0.1:@PORT:faulty-not-found-200@=broken" \
  --html "$html" --json "$json" >"$out/matrix.txt" 2>&1 ||
  { echo "FAIL: h1spec did not grade both targets:"; tail -5 "$out/matrix.txt"; exit 1; }

status=0
fail() {
  echo "FAIL: $1"
  status=1
}

url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
if ! screenshot "$url" "$out/matrix.png"; then
  fail "no PNG screenshot from $url"
else
  echo "ok: screenshot $out/matrix.png ($(stat -c %s "$out/matrix.png") bytes)"
fi

# expected FILTER: from the JSON, how many cases the filter should leave.
expected() {
  python3 - "$json" "$1" <<'EOF'
import json, sys
from collections import defaultdict
results = json.load(open(sys.argv[1], encoding="utf-8"))["results"]
by_case = defaultdict(dict)
level = {}
for r in results:
    by_case[r["id"]][r["target"]] = r["verdict"]
    level[r["id"]] = r["level"]
what = sys.argv[2]
if what == "all":
    print(len(by_case))
elif what == "disagree":
    print(sum(1 for v in by_case.values() if v["broken"] != v["h1ref"]))
elif what == "disagree-must":
    print(sum(1 for i, v in by_case.items() if v["broken"] != v["h1ref"] and level[i] == "MUST"))
EOF
}

chrome --dump-dom "$url" >"$out/dom-all.html"
read -r rows visible ready < <(count_rows "$out/dom-all.html")
want=$(expected all)
[[ $ready == 1 ]] || fail "the page script did not finish (no data-ready)"
[[ $rows == "$want" && $visible == "$want" ]] ||
  fail "unfiltered: $visible of $rows case rows visible, expected all $want"
missing=0
while read -r id; do
  grep -q "data-id=\"$id\"" "$out/dom-all.html" || { missing=$((missing + 1)); echo "missing case $id"; }
done < <(python3 -c 'import json,sys; [print(i) for i in sorted({r["id"] for r in json.load(open(sys.argv[1]))["results"]})]' "$json")
((missing == 0)) || fail "$missing case(s) missing from the DOM"
for t in h1ref broken; do
  grep -q "class=\"target\">$t" "$out/dom-all.html" || fail "target $t missing from the matrix head"
done
echo "ok: all $want cases and both targets in the DOM"

for filter in disagree disagree-must; do
  hash=disagree
  [[ $filter == disagree-must ]] && hash='disagree&must'
  chrome --dump-dom "$url#$hash" >"$out/dom-$filter.html"
  read -r rows visible ready < <(count_rows "$out/dom-$filter.html")
  want=$(expected "$filter")
  if [[ $visible == "$want" && $want -gt 0 && $want -lt $rows ]]; then
    echo "ok: #$hash shows $visible of $rows cases, as the JSON says"
  else
    fail "#$hash shows $visible of $rows cases; the JSON says $want"
  fi
done
exit $status
