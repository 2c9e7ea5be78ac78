#!/usr/bin/env bash
# ctest fuzz/selftest-crash: proves the crash path of ci/fuzz.sh with the test-only target
# fuzz/selftest/crash_fuzzer.cc (it traps on inputs starting with "CRASH"). Two runs:
#   seeded - a committed seed crashes: the seed replay must catch it before fuzzing;
#   found  - the seed is "CRAB": the fuzzer must find "CRASH" itself.
# Each must exit 1, keep a crash artefact that reproduces, print the reproduce command,
# and leave no process behind. Everything happens in a temporary folder.
# Usage: crash_test.sh [clang++]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cxx=${1:-$(command -v clang++-14 || command -v clang++ || true)}
if [[ -z "$cxx" ]]; then
  echo "crash_test: clang++ not found" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/h1-fuzz-selftest.XXXXXX")
trap '[[ -n "${KEEP:-}" ]] || rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
"$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  "$root/fuzz/selftest/crash_fuzzer.cc" -o "$tmp/bin/crash_fuzzer"

fail() {
  echo "crash_test: FAIL: $*" >&2
  exit 1
}

# layout NAME SEED: a target folder in ci/fuzz.sh's layout whose only seed is SEED.
layout() {
  local dir=$tmp/$1
  mkdir -p "$dir/corpus/crash"
  cp "$root/fuzz/selftest/crash_fuzzer.cc" "$dir/"
  printf '%s' "$2" >"$dir/corpus/crash/seed"
}

check() {
  local label=$1 out=$tmp/out-$1 log=$tmp/$1.log rc=0
  layout "$label" "$2"
  bash "$root/ci/fuzz.sh" --no-build --seconds 30 --jobs 2 --target-dir "$tmp/$label" \
    --bin-dir "$tmp/bin" --out-dir "$out" crash >"$log" 2>&1 || rc=$?
  sed "s/^/  [$label] /" "$log" | grep -v -E '^\s*\[[a-z]+\]\s*$' | tail -n 25
  ((rc == 1)) || fail "$label: ci/fuzz.sh exited $rc, wanted 1"
  mapfile -t crashes < <(find "$out/crashes/crash" -maxdepth 1 -name 'crash-*' ! -name '*.min')
  ((${#crashes[@]} > 0)) || fail "$label: no crash artefact in $out/crashes/crash"
  [[ "$(head -c 5 "${crashes[0]}")" == CRASH ]] || fail "$label: artefact does not start with CRASH"
  grep -q "FAILED in crash" "$log" || fail "$label: no FAILED line"
  grep -q "reproduce: $tmp/bin/crash_fuzzer " "$log" || fail "$label: no reproduce command"
  "$tmp/bin/crash_fuzzer" "${crashes[0]}" >/dev/null 2>&1 && fail "$label: artefact does not reproduce"
  if pgrep -f "$tmp/bin/crash_fuzzer" >/dev/null; then
    fail "$label: a fuzzer process outlived ci/fuzz.sh"
  fi
  echo "crash_test: $label ok (exit 1, artefact $(basename "${crashes[0]}"))"
}

check seeded "CRASH-seed"
check found "CRAB"
# The found crash went through -minimize_crash: its minimised form is exactly "CRASH".
min=$(find "$tmp/out-found/crashes/crash" -maxdepth 1 -name 'crash-*.min' | head -n 1)
[[ -n "$min" ]] || fail "found: no minimised crash"
[[ "$(cat "$min")" == CRASH ]] || fail "found: minimised crash is '$(cat "$min")', wanted CRASH"
echo "crash_test: minimised crash ok"
