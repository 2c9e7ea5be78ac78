#!/usr/bin/env bash
# ctest fuzz/clusterfuzzlite-build: runs .clusterfuzzlite/build.sh here the way the
# ClusterFuzzLite base-builder image would (ASan + libFuzzer, local clang, temporary $OUT),
# then checks that every fuzz/<name>_fuzzer.cc produced its binary, seed zip, dictionary
# and options file, and that each binary starts and runs a few inputs.
# Usage: cflite_build_test.sh [clang++]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cxx=${1:-$(command -v clang++-14 || command -v clang++ || true)}
if [[ -z "$cxx" ]]; then
  echo "cflite_build_test: clang++ not found" >&2
  exit 1
fi
cc=$(command -v clang-14 || command -v clang || echo clang)

out=$(mktemp -d "${TMPDIR:-/tmp}/h1-cflite-out.XXXXXX")
work=$(mktemp -d "${TMPDIR:-/tmp}/h1-cflite-work.XXXXXX")
trap 'rm -rf "$out" "$work"' EXIT

flags="-O1 -gline-tables-only -fsanitize=address,fuzzer-no-link"
env CC="$cc" CXX="$cxx" CFLAGS="$flags" CXXFLAGS="$flags" \
  LIB_FUZZING_ENGINE="-fsanitize=fuzzer" SRC="$root" OUT="$out" WORK="$work" \
  bash "$root/.clusterfuzzlite/build.sh"

failures=0
fail() {
  echo "cflite_build_test: FAIL: $*" >&2
  failures=$((failures + 1))
}

names=()
for src in "$root"/fuzz/*_fuzzer.cc; do
  [[ -e "$src" ]] || continue
  names+=("$(basename "$src" _fuzzer.cc)")
done
((${#names[@]})) || { echo "cflite_build_test: no fuzz/*_fuzzer.cc" >&2; exit 1; }

for name in "${names[@]}"; do
  bin=$out/${name}_fuzzer
  [[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || fail "$name: ClusterFuzzLite wants [A-Za-z0-9_-] names"
  [[ -x "$bin" ]] || { fail "$name: no binary $bin"; continue; }
  # An empty zip is 22 bytes; a seed corpus holds at least one file.
  zip=$out/${name}_seed_corpus.zip
  if [[ ! -f "$zip" ]]; then
    fail "$name: no seed corpus zip (fuzz/corpus/$name/ is empty?)"
  elif (($(stat -c %s "$zip") <= 22)); then
    fail "$name: empty seed corpus zip"
  fi
  [[ -s "$out/$name.dict" ]] || fail "$name: no dictionary $name.dict"
  options=$out/$name.options
  if [[ ! -f "$options" ]]; then
    fail "$name: no $name.options"
  else
    grep -qx '\[libfuzzer\]' "$options" || fail "$name: $name.options lacks [libfuzzer]"
    grep -qE '^max_len = [0-9]+$' "$options" || fail "$name: $name.options lacks max_len"
    if [[ -f "$root/fuzz/$name.dict" ]]; then
      grep -qx "dict = $name.dict" "$options" || fail "$name: $name.options lacks dict"
    fi
  fi
  # The binary starts, loads its dictionary and survives a few hundred inputs.
  dict=()
  [[ -f "$out/$name.dict" ]] && dict=(-dict="$out/$name.dict")
  if ! (cd "$work" && timeout 60 "$bin" "${dict[@]}" -runs=300 -seed=1 \
    -artifact_prefix="$work/" >"$work/$name.run.log" 2>&1); then
    fail "$name: $bin -runs=300 failed:"
    tail -n 20 "$work/$name.run.log" >&2
  fi
done

if ((failures)); then
  echo "cflite_build_test: $failures problem(s)" >&2
  exit 1
fi
echo "cflite_build_test: ${#names[@]} targets, each with binary, seed zip, dict and options"
