#!/usr/bin/env bash
# `make bench`: h1ref against the bench peers of peers/*/ in one run, then the parser
# microbenchmark against http-parser. Everything runs on loopback, is bounded in time, and
# stops only the processes it started (by PID).
set -uo pipefail

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  cat <<'USAGE'
usage: ci/bench.sh [--no-build] [--build DIR] [ci/bench.py options...]

Installs the bench peers' packages (peers/*/peer.conf whose RUNS has bench) and the tools
(wrk strace nghttp2-client libhttp-parser-dev) if missing, builds h1ref and parser_bench in
DIR (default: $BUILD, else build/release), runs ci/bench.py (see `python3 ci/bench.py
--help`: --seconds, --reps, --servers, --scenarios, --idle, --list) and then parser_bench.

output: build/report/bench.md and bench.json (servers), the parser table on stdout, and the
servers' logs and strace summaries in build/report/bench-run/. exit status: 0 measured,
1 a server would not start or a parser failed, 2 bad usage.
USAGE
  exit 0
fi
build=1
BUILD=${BUILD:-build/release}
while (($#)); do
  case $1 in
    --no-build) build=0 ;;
    --build) BUILD=${2:?--build wants a directory}; shift ;;
    *) break ;;
  esac
  shift
done
export BUILD

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
SERVER_TAG=bench
# shellcheck source=ci/lib/build.sh
source ci/lib/build.sh
# shellcheck disable=SC2046 # one package per word
peers=$(python3 ci/lib/peers.py packages $(python3 ci/lib/peers.py list --run bench)) || exit 1
# shellcheck disable=SC2086 # one package per word
bash ci/install-deps.sh $peers wrk strace nghttp2-client util-linux libhttp-parser-dev libbenchmark-dev python3 || exit 1
if ((build)); then
  JOBS=$(nproc) h1_build "$BUILD" h1ref html_blob parser_bench || exit 1
fi
python3 ci/bench.py --build "$BUILD" "$@" || exit $?
echo
echo "bench: the parser, h1ref against http-parser (reference/bench/parser_bench)"
taskset -c 0 "$BUILD/reference/bench/parser_bench"
