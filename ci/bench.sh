#!/usr/bin/env bash
# `make bench`: h1ref against Debian's nginx, lighttpd and h2o in one run, then the parser
# microbenchmark against http-parser. Everything runs on loopback, is bounded in time, and
# stops only the processes it started (by PID).
set -uo pipefail

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  cat <<'USAGE'
usage: ci/bench.sh [--no-build] [ci/bench.py options...]

Installs the peers and tools if missing (nginx-light lighttpd h2o wrk strace nghttp2-client
libhttp-parser-dev), builds Release, runs ci/bench.py (see `python3 ci/bench.py --help`:
--seconds, --reps, --servers, --scenarios, --idle) and then parser_bench.

output: build/report/bench.md and bench.json (servers), the parser table on stdout, and the
servers' logs and strace summaries in build/report/bench-run/. exit status: 0 measured,
1 a server would not start or a parser failed, 2 bad usage.
USAGE
  exit 0
fi
build=1
if [[ ${1:-} == --no-build ]]; then
  build=0
  shift
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash ci/install-deps.sh nginx-light lighttpd h2o wrk strace nghttp2-client util-linux \
  libhttp-parser-dev libbenchmark-dev python3 || exit 1
if ((build)); then
  cmake --preset release >/dev/null &&
    cmake --build --preset release -j "$(nproc)" --target h1ref parser_bench >/dev/null ||
    { echo "bench: build failed" >&2; exit 1; }
fi
python3 ci/bench.py "$@" || exit $?
echo
echo "bench: the parser, h1ref against http-parser (reference/bench/parser_bench)"
taskset -c 0 build/release/reference/bench/parser_bench
