#!/usr/bin/env bash
# `make lint`: clang-tidy (the checks in .clang-tidy, warnings as errors) over every committed
# .cc file that the release build compiles, headers included through HeaderFilterRegex.
#   ci/lint.sh                  every file
#   ci/lint.sh --changed BASE   only the .cc files changed since BASE (a commit), and the .cc
#                               files beside changed headers; for a quick check before a commit
set -euo pipefail
cd "$(dirname "$0")/.."

base=""
case ${1:-} in
  "") ;;
  --changed) base=${2:?--changed wants a commit, e.g. origin/main or HEAD~1} ;;
  *) echo "lint: unknown argument '$1' (see the top of ci/lint.sh)" >&2; exit 3 ;;
esac

tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy || true)
[[ -n $tidy ]] || { echo "lint: run-clang-tidy not found (make deps installs clang-tidy)" >&2; exit 3; }
cmake --preset release >/dev/null
# The headers the build generates (h1_version.h) must exist before clang-tidy parses a source
# that includes them, also in a fresh clone where nothing is built yet.
cmake --build build/release --target h1_version_header >/dev/null
db=build/release/compile_commands.json

if [[ -n $base ]]; then
  git rev-parse --verify -q "$base^{tree}" >/dev/null || {
    echo "lint: '$base' is not a commit or tree" >&2
    exit 3
  }
  changed=$(git diff --name-only "$base" -- '*.cc' '*.h')
  # A changed header is linted through the sources beside it.
  files=$(for f in $changed; do
    case $f in
      *.h) git ls-files "${f%.h}.cc" ;;
      *) [[ -f $f ]] && echo "$f" ;;
    esac
  done | sort -u)
else
  files=$(git ls-files '*.cc')
fi

# Only what the build compiles has flags in the database.
mapfile -t list < <(python3 - "$db" $files <<'EOF'
import json, os, sys
known = {os.path.realpath(e["file"]) for e in json.load(open(sys.argv[1]))}
for f in sys.argv[2:]:
    if os.path.realpath(f) in known:
        print(os.path.realpath(f))
EOF
)
if ((${#list[@]} == 0)); then
  echo "lint: no compiled source to check"
  exit 0
fi
echo "lint: clang-tidy over ${#list[@]} files"
log=build/lint/lint.log
mkdir -p build/lint
if "$tidy" -p build/release -quiet -j "$(nproc)" "${list[@]}" >"$log" 2>&1; then
  echo "lint: clean"
else
  grep -E '(error|warning):' "$log" | sort -u | head -50
  echo "lint: clang-tidy found problems (all of it in $log)"
  exit 1
fi
