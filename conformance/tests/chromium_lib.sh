# Headless Chromium for the report tests (sourced by check_html_report.sh and
# check_proxy_html_report.sh). Defines:
#   need_browser            exits 77 (ctest's skip) with a line when Chromium is missing
#   chrome ARGS...          one headless run with a fresh profile, at most 60 s
#   screenshot URL PNG      renders URL into PNG; false unless a real PNG came out
#   count_rows DOM          prints "case-rows visible-rows ready" for a --dump-dom file
# Every page is a file:// URL: nothing leaves the machine.
need_browser() {
  browser=$(command -v chromium || command -v chromium-browser || true)
  if [[ -z $browser ]]; then
    echo "SKIPPED: chromium is not installed (make deps installs it); the HTML report was not" \
      "checked in a browser"
    exit 77
  fi
  chrome_profiles=$(mktemp -d)
  trap 'rm -rf "$chrome_profiles"' EXIT
}

chrome() { # dbus noise on stderr is harmless
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage \
    --user-data-dir="$chrome_profiles/$RANDOM$RANDOM" "$@" 2>/dev/null
}

screenshot() {
  rm -f "$2"
  chrome --screenshot="$2" --window-size=1400,1000 "$1" >/dev/null
  [[ -s $2 ]] && [[ $(head -c 8 "$2" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]
}

count_rows() {
  python3 - "$1" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
ready = 'data-ready="1"' in dom
rows = re.findall(r'<tr class="case"([^>]*)>', dom)
visible = sum(1 for attrs in rows if not re.search(r'\shidden(=|\s|$)', attrs))
print(len(rows), visible, int(ready))
PY
}
