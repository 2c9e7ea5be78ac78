#!/usr/bin/env bash
# The proxy report in a real browser. Grades two reverse proxies with `h1spec --proxy`: h1fault
# --role proxy with every fault off ("clean") and with --proxy-fault forward-cl-te ("broken",
# which lets a CL.TE smuggle through), over a few framing and forwarding cases. Then headless
# Chromium must render a screenshot, and the DOM after the scripts ran must hold every case and
# both proxies, the SMUGGLED and DESYNC columns of the summary with the JSON's counts, a
# black-and-yellow mark in exactly the cells the JSON marks, the three columns (client bytes,
# origin bytes, client's answer) once per replay, and "#disagree" must leave the rows where
# the two proxies differ. Loopback only: both proxies and both recording origins are on
# 127.0.0.1, and the pages are file:// URLs.
# Usage: check_proxy_html_report.sh H1SPEC H1FAULT CASES_DIR OUT_DIR   (exit 77: no Chromium)
set -uo pipefail
(($# == 4)) || { echo "usage: $0 H1SPEC H1FAULT CASES_DIR OUT_DIR" >&2; exit 2; }
h1spec=$1 h1fault=$2 cases=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
source "$here/chromium_lib.sh"
need_browser
mkdir -p "$out"

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$chrome_profiles"' EXIT
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# proxy NAME ORIGIN_PORT [FAULT]: starts h1fault in front of 127.0.0.1:ORIGIN_PORT and prints
# the h1spec arguments that grade it.
proxy() {
  local log=$out/$1.log port=""
  "$h1fault" --role proxy --port 0 --upstream "127.0.0.1:$2" ${3:+--proxy-fault "$3"} >"$log" 2>&1 &
  pids+=($!)
  for ((i = 0; i < 200; i++)); do
    port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$log")
    [[ -n $port ]] && break
    sleep 0.05
  done
  [[ -n $port ]] || { echo "FAIL: h1fault ($1) did not start:" >&2; cat "$log" >&2; exit 1; }
  proxy_args+=(--proxy "127.0.0.1:$port=$1" --origin-port "$2")
}
proxy_args=()
proxy clean "$(free_port)"
proxy broken "$(free_port)" forward-cl-te

html=$out/proxies.html json=$out/proxies.json
select=()
for id in PX-CLTE-CL-REMOVED PX-CLTE-CLOSED PX-TECL-SHORT-CL PX-VIA-ADDED PX-CONN-DROPPED \
  PX-RESP-CLTE PX-TARGET-DOT-SEGMENTS; do select+=(--case "$id"); done
"$h1spec" "${proxy_args[@]}" --tag proxy "${select[@]}" --cases "$cases" --html "$html" \
  --json "$json" >"$out/h1spec.txt" 2>&1
rc=$?
((rc == 1)) || { echo "FAIL: h1spec exited $rc, expected 1 (broken fails):"; tail -5 "$out/h1spec.txt"; exit 1; }

status=0
fail() {
  echo "FAIL: $1"
  status=1
}
url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
if screenshot "$url" "$out/proxies.png"; then
  echo "ok: screenshot $out/proxies.png ($(stat -c %s "$out/proxies.png") bytes)"
else
  fail "no PNG screenshot from $url"
fi

chrome --dump-dom "$url" >"$out/dom-all.html"
read -r rows visible ready < <(count_rows "$out/dom-all.html")
[[ $ready == 1 ]] || fail "the page script did not finish (no data-ready)"
# What the DOM shows against what the JSON says, one "name: dom json" line per figure.
python3 - "$out/dom-all.html" "$json" >"$out/figures.txt" <<'PY'
import html, json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
rep = json.load(open(sys.argv[2], encoding="utf-8"))
results = rep["results"]
names = [t["name"] for t in rep["targets"]]
cases = sorted({r["id"] for r in results})
print("cases:", len(re.findall(r'<tr class="case"', dom)), len(cases))
print("cases-by-id:", sum(1 for c in cases if f'data-id="{c}"' in dom), len(cases))
print("targets:", sum(1 for n in names if f'class="target">{n}' in dom), 2)
marked = set()
for t, body in re.findall(r'<td class="cell[^"]*" data-t="(\d+)"[^>]*>(.*?)</td>', dom, re.S):
    for kind in re.findall(r'<span class="danger">(\w+)</span>', body):
        marked.add((int(t), kind))
cells = sum(1 for t, body in re.findall(r'<td class="cell[^"]*" data-t="(\d+)"[^>]*>(.*?)</td>', dom, re.S)
            if 'class="danger"' in body)
want = sum(1 for r in results if r.get("smuggling") in ("SMUGGLED", "DESYNC"))
print("marked-cells:", cells, want)
print("marked-broken-only:", int(all(names[t] == "broken" for t, _ in marked)), 1)
replays = sum(len(r["replays"]) for r in results)
print("origin-columns:", dom.count("<p>origin bytes:</p>"), replays)
print("answer-columns:", dom.count("<p>client's answer:</p>"), replays)
# The summary table: a row per proxy, SMUGGLED and DESYNC its last two cells.
head = dom.split('<tr class="case"')[0]
for name in names:
    row = re.search(r'<tr data-target="' + re.escape(html.escape(name)) + r'"><td>(.*?)</tr>',
                    head, re.S)
    got = re.findall(r"<td>(\d+)</td>", row.group(1))[-2:] if row else []
    s = next(t for t in rep["targets"] if t["name"] == name)
    mine = [r for r in results if r["target"] == name]
    want_sd = [sum(1 for r in mine if r.get("smuggling") == k) for k in ("SMUGGLED", "DESYNC")]
    print(f"summary-{name}:", "/".join(got) or "missing", "/".join(map(str, want_sd)))
disagree = sum(1 for c in cases if len({r["verdict"] for r in results if r["id"] == c}) > 1)
print("disagree:", "?", disagree)
PY
while read -r name got want; do
  [[ $name == disagree: ]] && { want_disagree=$want; continue; }
  [[ $got == "$want" ]] && echo "ok: $name $got" || fail "$name the page shows $got, the JSON says $want"
done <"$out/figures.txt"
grep -q "marked-cells: [1-9]" "$out/figures.txt" ||
  fail "no SMUGGLED or DESYNC cell at all: the broken proxy's CL.TE smuggle went unmarked"

chrome --dump-dom "$url#disagree" >"$out/dom-disagree.html"
read -r rows visible ready < <(count_rows "$out/dom-disagree.html")
if [[ $visible == "${want_disagree:-x}" && $visible -gt 0 && $visible -lt $rows ]]; then
  echo "ok: #disagree shows $visible of $rows cases, as the JSON says"
else
  fail "#disagree shows $visible of $rows cases; the JSON says ${want_disagree:-?}"
fi
exit $status
