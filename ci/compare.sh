#!/usr/bin/env bash
# `make compare`: grades every peer of peers/*/ and h1ref side by side with one h1spec run.
set -uo pipefail

usage() {
  cat <<'EOF'
usage: ci/compare.sh [--no-build] [--build DIR] [--peers a,b] [h1spec options...]

Takes the peers from peers/*/peer.conf (every one whose RUNS has "compare", or those
--peers names, plus the reference, h1ref), installs their Debian packages if missing, starts
each with its config (one worker, loopback only, serving DIR/html), grades them all with one
h1spec run, and stops every server it started, by PID. Extra arguments go to h1spec (for
example --case 'RL-*').

  --build DIR   the build tree with h1ref, h1spec and the docroot (default: $BUILD, else
                build/release)
  --peers LIST  comma-separated peer names (default: $PEERS, else all)
  --no-build    use DIR as it is

output: build/report/compare.html, compare.json, compare.xml, and the servers' configs and
logs in build/report/compare-run/. exit status: 0 graded (whatever the verdicts), 1 a peer
would not start or its manifest is broken (the others are still graded), 2 bad usage,
3 h1spec could not run (harness error).
EOF
}

build=1
BUILD=${BUILD:-build/release}
peers=${PEERS:-}
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --no-build) build=0 ;;
    --build) BUILD=${2:?--build wants a directory}; shift ;;
    --peers) peers=${2?--peers wants a list}; shift ;;
    *) break ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
SERVER_TAG=compare
# shellcheck source=ci/lib/peers.sh
source ci/lib/peers.sh
# shellcheck source=ci/lib/build.sh
source ci/lib/build.sh

status=0
IFS=, read -ra names <<<"$peers"
peers_pick compare --with-reference "${names[@]}"
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
  { echo "compare: no $BUILD/html or $BUILD/conformance/h1spec (drop --no-build)" >&2; exit 1; }
report=build/report
peers_run=$root/$report/compare-run
peers_root=$(cd "$BUILD/html" && pwd)
rm -rf "$peers_run"
mkdir -p "$peers_run"
# The peers drop to an unprivileged user when started as root: it must reach the logs.
chmod 755 "$peers_run"

trap peers_stop_all EXIT
trap 'peers_stop_all; exit 130' INT TERM

targets=()
for name in "${peers_picked[@]}"; do
  if ! peer_start "$name" compare; then
    # Without the reference there is nothing to compare against.
    [[ $name == "${peers_picked[0]}" ]] && exit 1
    status=1
    continue
  fi
  targets+=(--target "127.0.0.1:$server_port=$name")
  echo "compare: $name ($(peer_version "$name"); pid $server_pid) on 127.0.0.1:$server_port"
done

"$BUILD/conformance/h1spec" "${targets[@]}" --html "$report/compare.html" \
  --json "$report/compare.json" --junit "$report/compare.xml" "$@" >"$peers_run/h1spec.txt" 2>&1
rc=$?
grep -v '^\[' "$peers_run/h1spec.txt" | sed -n '/^h1spec: per target/,$p'
peers_stop_all
echo "compare: $report/compare.html, $report/compare.json (h1spec exit status $rc; full output" \
  "in $report/compare-run/h1spec.txt)"
((rc == 3)) && exit 3
exit "$status"
