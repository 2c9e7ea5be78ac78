#!/usr/bin/env bash
# Proof that `h1spec fuzz` reports a target that dies: a tiny Python server that answers every
# request with html/index.html but exits on a request starting with OPTIONS. The fuzzer must
# record that input as a crash finding, wait --recover seconds, stop, and exit 1.
# Usage: check_fuzz_crash.sh H1SPEC DOCROOT OUT_DIR
set -uo pipefail
h1spec=$1 docroot=$2 out=$3
fail() { echo "check_fuzz_crash: FAIL: $*" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
python3 - "$docroot/index.html" "$out/port" <<'EOF_PY' &
import os, socket, sys
body = open(sys.argv[1], "rb").read()
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[2], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept()
    c.settimeout(2)
    data = b""
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    if data.startswith(b"OPTIONS"):
        os._exit(3)  # the crash
    try:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                  % len(body) + body)
    except OSError:
        pass
    c.close()
EOF_PY
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
for _ in $(seq 1 50); do [[ -s $out/port ]] && break; sleep 0.1; done
[[ -s $out/port ]] || fail "the crashing server did not start"
port=$(cat "$out/port")

timeout 120 "$h1spec" fuzz --target "127.0.0.1:$port=crashy" --seconds 60 --jobs 1 --seed 1 \
  --recover 1 --timeout 500 --out "$out/run" >"$out/fuzz.txt" 2>&1
rc=$?
cat "$out/fuzz.txt"
((rc == 1)) || fail "exit status $rc, expected 1"
grep -q "did not come back; stopping" "$out/fuzz.txt" || fail "the run did not stop"
shopt -s nullglob
crashes=("$out"/run/FUZZ-CRASH-*.json)
((${#crashes[@]} == 1)) || fail "${#crashes[@]} crash findings, expected 1"
python3 - "${crashes[0]}" <<'EOF_PY' || exit 1
import json, sys
f = json.load(open(sys.argv[1]))
raw = bytes.fromhex(f["minimal"]["hex"])
if not f["crash"] or not raw.startswith(b"OPTIONS"):
    sys.exit(f"check_fuzz_crash: FAIL: the crash finding names {raw[:40]!r}, not the OPTIONS request")
print(f"check_fuzz_crash: {f['id']} names mutant {f['index']} from {f['seed_case']}")
EOF_PY
echo "check_fuzz_crash: PASS"
