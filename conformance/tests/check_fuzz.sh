#!/usr/bin/env bash
# Proof that `h1spec fuzz` works: against h1fault --fault cl-te (it drops Content-Length
# when Transfer-Encoding is present, so a CL+TE request that h1ref rejects is accepted), the
# fuzzer must report a danger finding, minimised to a request of a few lines; the case it
# writes must pass against h1ref and fail against the faulty server; and two runs with the
# same seed and mutant count must find the same things.
# Usage: check_fuzz.sh STATE H1SPEC OUT_DIR
set -uo pipefail
state=$1 h1spec=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
fixture=$here/server_fixture.sh
fail() { echo "check_fuzz: FAIL: $*" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"

# 1. A bounded run finds the danger; exit status 1 means findings.
"$fixture" run "$state" --expect-exit 1 -- "$h1spec" fuzz \
  --target "127.0.0.1:@PORT:faulty-cl-te@=cl-te" --seconds 15 --count 3000 --seed 1 --jobs 2 \
  --out "$out/run" || fail "h1spec fuzz did not exit 1 (findings)"
shopt -s nullglob
found=("$out"/run/FUZZ-DANGER-*.json)
((${#found[@]} >= 1)) || fail "no danger finding in $out/run"
python3 - "${found[@]}" <<'EOF' || exit 1
import json, sys
best = None
for path in sys.argv[1:]:
    f = json.load(open(path))
    raw = bytes.fromhex(f["minimal"]["hex"])
    lines = raw.count(b"\n")
    print(f"{f['id']}: {f['key']}; {len(raw)} bytes, {lines} lines, from {f['seed_case']}: "
          f"{f['minimal']['escaped']}")
    names = {l.split(b":")[0].strip().lower() for l in raw.split(b"\n")[1:] if b":" in l}
    if b"transfer-encoding" in names and b"content-length" in names and lines <= 6:
        best = f
if best is None:
    sys.exit("check_fuzz: FAIL: no danger finding minimised to a CL+TE request of at most 6 lines")
print(f"check_fuzz: {best['id']} is the CL+TE smuggling shape, minimised from "
      f"{len(bytes.fromhex(best['original']['hex']))} bytes")
EOF

# 2. The finding, pasted into a case file, passes against h1ref and fails through the fault.
cases=$out/cases
mkdir -p "$cases"
{
  echo "# Fuzz findings"
  echo
  for md in "$out"/run/FUZZ-DANGER-*.md; do cat "$md"; echo; done
} >"$cases/findings.md"
"$fixture" run "$state" --expect-exit 0 -- "$h1spec" --cases "$cases" \
  --target "127.0.0.1:@PORT:h1ref@=h1ref" || fail "the written case does not pass against h1ref"
"$fixture" run "$state" --expect-exit 1 -- "$h1spec" --cases "$cases" \
  --target "127.0.0.1:@PORT:faulty-cl-te@=cl-te" || fail "the written case passes through the fault"

# 3. Same seed, same mutant count, one job: the same findings and the same discrepancy counts.
for k in a b; do
  "$fixture" run "$state" -- "$h1spec" fuzz --target "127.0.0.1:@PORT:faulty-cl-te@=cl-te" \
    --seconds 60 --count 400 --seed 7 --jobs 1 --out "$out/repeat-$k" >/dev/null 2>&1
done
python3 - "$out/repeat-a/summary.json" "$out/repeat-b/summary.json" <<'EOF' || exit 1
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for s in (a, b):
    if s["mutants"] != 400:
        sys.exit(f"check_fuzz: FAIL: {s['mutants']} mutants, expected 400")
if (a["discrepancies"], a["findings"]) != (b["discrepancies"], b["findings"]):
    sys.exit(f"check_fuzz: FAIL: seed 7 gave different results:\n{a}\n{b}")
print(f"check_fuzz: seed 7 twice: {a['discrepancies']}, findings {[f['id'] for f in a['findings']]}")
EOF
echo "check_fuzz: PASS"
