#!/usr/bin/env bash
# `make fuzz-peers`: `h1spec fuzz` against each fuzz peer of peers/*/, one after another.
set -uo pipefail

usage() {
  cat <<'USAGE'
usage: ci/fuzz-peers.sh [--no-build] [--build DIR] [--seconds N] [--seed S] [peer...]

Takes the peers from peers/*/peer.conf (every one whose RUNS has "fuzz", or those named),
installs their Debian packages if missing, starts each (one worker, loopback only, serving
DIR/html) and runs `h1spec fuzz` against it for N seconds (default 60, or
FUZZ_PEER_SECONDS) with DIR's h1ref as the oracle, then stops it by PID.

  --build DIR   the build tree with h1ref, h1spec and the docroot (default: $BUILD, else
                build/release)

output: build/report/fuzz-peers/<peer>/ (findings as <ID>.md cases and <ID>.json records,
summary.json, the oracle's log), <peer>.txt (the fuzzer's output), summary.md (every finding
of every peer, minimised), run/ (the peers' configs and logs). exit status: 0 ran (whatever
was found), 1 a peer would not start or its manifest is broken (the others still ran), 2 bad
usage, 3 the fuzzer could not run.
USAGE
}

build=1
BUILD=${BUILD:-build/release}
seconds=${FUZZ_PEER_SECONDS:-60}
seed=1
names=()
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --no-build) build=0 ;;
    --build) BUILD=${2:?--build wants a directory}; shift ;;
    --seconds) seconds=${2:?}; shift ;;
    --seed) seed=${2:?}; shift ;;
    -*) echo "fuzz-peers: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) names+=("$1") ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
SERVER_TAG=fuzz-peers
# shellcheck source=ci/lib/peers.sh
source ci/lib/peers.sh
# shellcheck source=ci/lib/build.sh
source ci/lib/build.sh

status=0
peers_pick fuzz "${names[@]}"
case $? in
  0) ;;
  2) exit 2 ;;
  *) status=1 ;;
esac
peers_install "${peers_picked[@]}" || exit 1
if ((build)); then
  h1_build "$BUILD" h1ref h1spec html_blob || exit 1
fi
[[ -d $BUILD/html && -x $BUILD/conformance/h1spec ]] ||
  { echo "fuzz-peers: no $BUILD/html or $BUILD/conformance/h1spec (drop --no-build)" >&2; exit 1; }
out=build/report/fuzz-peers
peers_run=$root/$out/run
peers_root=$(cd "$BUILD/html" && pwd)
rm -rf "$out"
mkdir -p "$peers_run"
chmod 755 "$out" "$peers_run"  # the peers drop to an unprivileged user when started as root
trap peers_stop_all EXIT
trap 'peers_stop_all; exit 130' INT TERM

ran=()
for peer in "${peers_picked[@]}"; do
  peer_start "$peer" fuzz || { status=1; continue; }
  ran+=("$peer")
  echo "fuzz-peers: $peer ($(peer_version "$peer"); pid $server_pid) on 127.0.0.1:$server_port," \
    "$seconds s"
  # The oracle is an h1ref the fuzzer starts itself, from the same build tree and docroot.
  "$BUILD/conformance/h1spec" fuzz --target "127.0.0.1:$server_port=$peer" --seconds "$seconds" \
    --seed "$seed" --jobs 2 --h1ref "$BUILD/reference/h1ref" --docroot "$peers_root" \
    --out "$out/$peer" 2>&1 | tee "$out/$peer.txt" | grep -v '^fuzz '
  rc=${PIPESTATUS[0]}
  peers_stop_all
  ((rc == 3)) && status=3
done

python3 - "$out" "${ran[@]}" <<'PY'
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
