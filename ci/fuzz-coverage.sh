#!/usr/bin/env bash
# Line coverage of reference/http/ and reference/core/ reached by the fuzz corpora.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: ci/fuzz-coverage.sh [--merged] [--strict] [target...]

Builds every fuzz/<name>_fuzzer.cc (or the named targets) with clang source-based coverage
(-fprofile-instr-generate -fcoverage-mapping, no sanitizers) through
.clusterfuzzlite/build.sh, linked with fuzz/replay_main.cc instead of libFuzzer. It replays
fuzz/corpus/<name>/ and fuzz/regressions/<name>/ through each, merges the profiles with
llvm-profdata and prints llvm-cov's line coverage of reference/http/ and reference/core/,
per file and per folder, against the goals (95 % and 85 % of lines).

options:
  --merged    also replay build/fuzz/merged/<name>/ (the corpus grown by ci/fuzz.sh)
  --strict    exit 1 when a goal is missed
  -h, --help  this text

output: build/coverage/ (bin/, profiles/, h1.profdata, report.txt, html/index.html)
exit status: 0 done, 1 a replay failed (or --strict and a goal missed), 2 bad usage or
missing tools.
EOF
}

die() {
  echo "ci/fuzz-coverage.sh: $1" >&2
  exit 2
}

merged=0
strict=0
targets=()
while (($#)); do
  case "$1" in
    --merged) merged=1 ;;
    --strict) strict=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) targets+=("${1%_fuzzer}") ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

tool() { # tool NAME: the -14 build of an LLVM tool, or the unversioned one
  command -v "$1-14" || command -v "$1" || die "$1 not found (make deps installs llvm-14 and clang)"
}
cxx=$(tool clang++)
profdata=$(tool llvm-profdata)
llvm_cov=$(tool llvm-cov)
[[ -f fuzz/replay_main.cc ]] || die "fuzz/replay_main.cc is missing"

available=()
for src in fuzz/*_fuzzer.cc; do
  [[ -e "$src" ]] && available+=("$(basename "$src" _fuzzer.cc)")
done
((${#available[@]})) || die "no fuzz/*_fuzzer.cc"
((${#targets[@]})) || targets=("${available[@]}")
for t in "${targets[@]}"; do
  [[ " ${available[*]} " == *" $t "* ]] || die "unknown target '$t' (have: ${available[*]})"
done

out=$root/build/coverage
rm -rf "${out:?}/bin" "$out/profiles" "$out/html" "$out/h1.profdata"
mkdir -p "$out/bin" "$out/profiles"
flags="-O1 -g -fprofile-instr-generate -fcoverage-mapping"

# The OSS-Fuzz way: the same build script as ClusterFuzzLite, with a replay main standing in
# for the fuzzing engine.
echo "== building coverage binaries in build/coverage/"
# shellcheck disable=SC2086 # flags is a list of words
"$cxx" $flags -std=c++20 -c fuzz/replay_main.cc -o "$out/replay_main.o"
env CXX="$cxx" CXXFLAGS="$flags" LIB_FUZZING_ENGINE="$out/replay_main.o" \
  SRC="$root" OUT="$out/bin" WORK="$out" bash .clusterfuzzlite/build.sh >"$out/build.log" 2>&1 ||
  { cat "$out/build.log" >&2; die "build failed"; }

echo "== replaying corpora"
failed=()
objects=()
for t in "${targets[@]}"; do
  dirs=()
  for d in "fuzz/corpus/$t" "fuzz/regressions/$t"; do
    [[ -d "$d" ]] && dirs+=("$d")
  done
  if ((merged)) && [[ -d "build/fuzz/merged/$t" ]]; then
    dirs+=("build/fuzz/merged/$t")
  fi
  n=0
  ((${#dirs[@]})) && n=$(find "${dirs[@]}" -type f ! -name '.*' | wc -l)
  rc=0
  if ((${#dirs[@]})); then
    LLVM_PROFILE_FILE="$out/profiles/$t-%p.profraw" timeout 600 "$out/bin/${t}_fuzzer" \
      "${dirs[@]}" >"$out/profiles/$t.log" 2>&1 || rc=$?
  fi
  if ((rc != 0)); then
    failed+=("$t")
    echo "   $t: replay FAILED with status $rc (see build/coverage/profiles/$t.log)"
  else
    echo "   $t: $n inputs"
  fi
  objects+=("$out/bin/${t}_fuzzer")
done

shopt -s nullglob
raw=("$out"/profiles/*.profraw)
((${#raw[@]})) || die "no profiles were written"
"$profdata" merge -sparse "${raw[@]}" -o "$out/h1.profdata"

cov_args=(-instr-profile="$out/h1.profdata" "${objects[0]}")
for o in "${objects[@]:1}"; do
  cov_args+=(-object="$o")
done

# llvm-cov warns "N functions have mismatched data" when one binary only has an unemitted
# copy of an inline function (a constexpr helper, say) that another binary ran: it skips
# that copy and counts the one that ran. The warning is noise here; other errors are shown.
cov() {
  local rc=0
  "$llvm_cov" "$@" 2>"$out/llvm-cov.err" || rc=$?
  grep -v 'functions have mismatched data' "$out/llvm-cov.err" | sed '/^.\[0m$/d' >&2 || true
  return "$rc"
}

# line_total DIR: "covered total percent" of DIR's lines, from llvm-cov's TOTAL row, whose
# columns are: TOTAL regions missed cover functions missed executed lines missed cover ...
line_total() {
  cov report "${cov_args[@]}" "$root/$1" |
    awk '$1 == "TOTAL" { printf "%d %d %s\n", $8 - $9, $8, $10 }'
}

# The full report (regions, functions, lines, branches) goes to report.txt; the console gets
# its line columns.
cov report "${cov_args[@]}" "$root/reference/http" "$root/reference/core" >"$out/report.txt"
echo "== line coverage per file under reference/ (llvm-cov report)"
awk '$1 == "Filename" { printf "%-28s %7s %7s %8s\n", "file", "lines", "missed", "cover"; next }
     NF >= 10 && $1 != "TOTAL" { printf "%-28s %7s %7s %8s\n", $1, $8, $9, $10 }' \
  "$out/report.txt"
cov show "${cov_args[@]}" -format=html -output-dir="$out/html" \
  -show-line-counts-or-regions "$root/reference/http" "$root/reference/core" >/dev/null

echo
echo "== fuzz corpus line coverage (${#targets[@]} targets: ${targets[*]})"
missed=0
for spec in "reference/http 95" "reference/core 85"; do
  read -r dir goal <<<"$spec"
  read -r covered total pct <<<"$(line_total "$dir")"
  verdict="goal >= $goal %: met"
  if awk -v p="${pct%\%}" -v g="$goal" 'BEGIN { exit !(p < g) }'; then
    verdict="goal >= $goal %: NOT MET"
    missed=1
  fi
  printf '%-16s %6s of lines (%d of %d)   %s\n' "$dir/" "$pct" "$covered" "$total" "$verdict"
done
read -r covered total pct <<<"$(line_total reference/http)"
read -r covered2 total2 _ <<<"$(line_total reference/core)"
all=$(awk -v c=$((covered + covered2)) -v t=$((total + total2)) \
  'BEGIN { if (t) printf "%.2f%%", 100 * c / t; else print "-" }')
printf '%-16s %6s of lines (%d of %d)\n' "both" "$all" $((covered + covered2)) $((total + total2))
echo "report: build/coverage/report.txt   html: build/coverage/html/index.html"

if ((${#failed[@]})); then
  echo "ci/fuzz-coverage.sh: replay failed for ${failed[*]}: a corpus or regression input crashes" >&2
  exit 1
fi
if ((strict && missed)); then
  echo "ci/fuzz-coverage.sh: a coverage goal was missed" >&2
  exit 1
fi
