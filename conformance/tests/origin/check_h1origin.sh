#!/usr/bin/env bash
# h1origin as a process: started by server_fixture.sh (which waits for "listening on"), it
# gets a pipelined pair of requests on one connection from 127.0.0.1; the first is answered
# byte for byte from a --reply file (an invalid one, on purpose), the second with the
# default reply, and both are logged as JSON lines with exact bodies. Then it is stopped by
# PID, and a second h1origin, our own child, must exit 0 on SIGTERM and on SIGINT.
# Usage: check_h1origin.sh H1ORIGIN WORK_DIR
set -euo pipefail
h1origin=$1
work=$2
fixture=$(cd "$(dirname "$0")/.." && pwd)/server_fixture.sh

rm -rf "$work"
mkdir -p "$work"
printf 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nbad!' >"$work/reply0"

"$fixture" start "$work" h1origin -- "$h1origin" --port 0 --reply "$work/reply0" \
  --log "$work/requests.jsonl"
trap '"$fixture" stop "$work" h1origin >/dev/null || true' EXIT
python3 - "$(cat "$work/h1origin.port")" "$work/reply0" "$work/requests.jsonl" <<'PY'
import json, socket, sys, time

port, reply_file, log_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
first = b"GET /first HTTP/1.1\r\nHost: origin\r\n\r\n"
second = (b"POST /second HTTP/1.1\r\nHost: origin\r\nTransfer-Encoding: chunked\r\n\r\n"
          b"4;ext=1\r\nab\xffc\r\n0\r\n\r\n")
body1 = b"request 1\n"
expect = (open(reply_file, "rb").read() + b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body1) + body1)
with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
    s.sendall(first + second)
    got = b""
    while len(got) < len(expect):
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
if got != expect:
    sys.exit(f"replies differ:\n got {got!r}\nwant {expect!r}")

deadline = time.monotonic() + 10
lines = []
while time.monotonic() < deadline:
    with open(log_file, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    if len(lines) >= 2:
        break
    time.sleep(0.1)
if len(lines) != 2:
    sys.exit(f"expected 2 JSON lines in {log_file}, got {len(lines)}: {lines}")
a, b = lines
checks = [
    (a["event"], "request"), (a["index"], 0), (a["connection"], 0), (a["method"], "GET"),
    (a["target"], "/first"), (a["fields"], [["Host", "origin"]]), (a["body"], ""),
    (a["begin"], 0), (a["end"], len(first)),
    (b["index"], 1), (b["connection"], 0), (b["method"], "POST"), (b["framing"], "chunked"),
    (b["body"].encode("latin-1"), b"ab\xffc"), (b["begin"], len(first)),
    (b["end"], len(first) + len(second)),
]
for got_value, want in checks:
    if got_value != want:
        sys.exit(f"log mismatch: {got_value!r} != {want!r} in {lines}")
print("h1origin: 2 requests answered and logged exactly")
PY
"$fixture" stop "$work" h1origin
trap - EXIT

# The exit status on SIGTERM and SIGINT: only a parent can see it, so this one is our child.
for signal in TERM INT; do
  "$h1origin" --port 0 >"$work/direct-$signal.log" 2>&1 &
  pid=$!
  trap 'kill -KILL "$pid" 2>/dev/null || true' EXIT
  for ((i = 0; i < 100; i++)); do
    grep -q '^listening on http://127.0.0.1:' "$work/direct-$signal.log" && break
    sleep 0.1
  done
  grep -q '^listening on http://127.0.0.1:' "$work/direct-$signal.log" ||
    { echo "h1origin printed no listening line"; exit 1; }
  kill -"$signal" "$pid"
  rc=0
  wait "$pid" || rc=$?
  trap - EXIT
  [[ $rc -eq 0 ]] || { echo "h1origin exited $rc after SIG$signal, expected 0"; exit 1; }
done
echo "check_h1origin: ok"
