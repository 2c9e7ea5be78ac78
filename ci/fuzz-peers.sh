#!/usr/bin/env bash
# `make fuzz-peers`: `h1spec fuzz` against Debian's nginx, lighttpd and h2o, one after another.
set -uo pipefail

usage() {
  cat <<'USAGE'
usage: ci/fuzz-peers.sh [--no-build] [--seconds N] [--seed S] [peer...]

Installs Debian's nginx-light, lighttpd and h2o if missing, starts each (one worker, loopback
only, serving html/, configs in ci/peers/) and runs `h1spec fuzz` against it for N seconds
(default 60, or FUZZ_PEER_SECONDS) with h1ref as the oracle, then stops it by PID. Peers:
nginx lighttpd h2o (default: all three).

output: build/report/fuzz-peers/<peer>/ (findings as <ID>.md cases and <ID>.json records,
summary.json, the oracle's log), <peer>.txt (the fuzzer's output), summary.md (every finding
of every peer, minimised). exit status: 0 ran (whatever was found), 1 a peer would not start,
3 the fuzzer could not run.
USAGE
}

build=1
seconds=${FUZZ_PEER_SECONDS:-60}
seed=1
peers=()
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --no-build) build=0 ;;
    --seconds) seconds=$2; shift ;;
    --seed) seed=$2; shift ;;
    nginx | lighttpd | h2o) peers+=("$1") ;;
    *) echo "fuzz-peers: unknown argument $1" >&2; usage >&2; exit 3 ;;
  esac
  shift
done
((${#peers[@]})) || peers=(nginx lighttpd h2o)

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tag=fuzz-peers
# shellcheck source=ci/peers-lib.sh
source ci/peers-lib.sh
prepare_peers "$build" || exit 1
out=build/report/fuzz-peers
run=$out/run
rm -rf "$out"
mkdir -p "$run"
chmod 755 "$out" "$run"  # the peers drop to an unprivileged user when started as root
html=$root/build/release/html  # the build tree's docroot: html/ plus the generated big.bin
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

status=0
for peer in "${peers[@]}"; do
  port=$(free_port)
  start_peer "$peer" "$port" || exit 1
  echo "fuzz-peers: $peer (pid ${pids[-1]}) on 127.0.0.1:$port, $seconds s"
  build/release/conformance/h1spec fuzz --target "127.0.0.1:$port=$peer" --seconds "$seconds" \
    --seed "$seed" --jobs 2 --out "$out/$peer" 2>&1 | tee "$out/$peer.txt" | grep -v '^fuzz '
  rc=${PIPESTATUS[0]}
  stop_all
  ((rc == 3)) && status=3
done

python3 - "$out" "${peers[@]}" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
lines = ["# h1spec fuzz against Debian's peers", ""]
for peer in sys.argv[2:]:
    d = out / peer
    s = json.loads((d / "summary.json").read_text()) if (d / "summary.json").exists() else None
    if s is None:
        lines += [f"## {peer}: no summary (the run failed; see {peer}.txt)", ""]
        continue
    lines += [f"## {peer}: {s['mutants']:,} mutants, {len(s['findings'])} finding(s)", "",
              f"discrepancies seen: {s['discrepancies']}", ""]
    for f in s["findings"]:
        rec = json.loads((d / (f["id"] + ".json")).read_text())
        t = " ".join(map(str, rec["target"]["statuses"])) or "no response"
        o = " ".join(map(str, rec["oracle"]["statuses"])) or "no response"
        shown = rec["minimal"]["escaped"]
        if len(shown) > 300:
            shown = shown[:300] + f"... ({len(bytes.fromhex(rec['minimal']['hex']))} bytes)"
        lines += [f"- **{f['id']}** ({f['kind']}, from {rec['seed_case']}): {peer} {t}, "
                  f"h1ref {o}; `{shown}`"]
    lines.append("")
(out / "summary.md").write_text("\n".join(lines))
print("\n".join(lines))
PY
echo "fuzz-peers: $out/summary.md"
exit "$status"
