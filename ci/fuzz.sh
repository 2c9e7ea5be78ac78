#!/usr/bin/env bash
# Time-boxed continuous fuzzing of the fuzz/<name>_fuzzer.cc targets (see usage below).
#
# Per target: replay the committed seeds and regressions (a failing one stops there), fuzz
# with N libFuzzer workers sharing one scratch corpus, merge it into a fresh folder,
# minimise every crash, and print one summary row.
#
# Why -jobs=N -workers=N and not -fork=N: at budgets of seconds to minutes, -fork spends
# most of its time starting short jobs and merging after each one. On this 2-core machine
# request_line made 82k execs/s with -fork=2 and 270k with -jobs=2 over 20 s. Each worker
# prints exact final stats (stat::number_of_executed_units) and the usual cov/ft numbers;
# the workers share the corpus through -reload. This script stops them all through
# -stop_file, at the deadline or as soon as one of them leaves a crash artefact.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: ci/fuzz.sh [--seconds N] [--jobs N] [target...]

Builds the `fuzz` CMake preset (clang, ASan+UBSan), then fuzzes each target for N
seconds with --jobs parallel workers. Targets default to every fuzz/<name>_fuzzer.cc.

options:
  --seconds N      fuzzing time per target, in seconds (default 60)
  --jobs N         parallel libFuzzer workers per target, -jobs=N -workers=N
                   (default: nproc)
  -h, --help       this text
options for tests and experts:
  --target-dir D   folder holding <name>_fuzzer.cc, corpus/<name>/, regressions/<name>/
                   and <name>.dict (default fuzz)
  --bin-dir D      folder holding the <name>_fuzzer binaries (default build/fuzz/fuzz)
  --out-dir D      folder for work/, merged/ and crashes/ (default build/fuzz)
  --no-build       do not configure or build the fuzz preset

output, per target (never inside the source tree):
  OUT/work/<name>/     scratch corpus and logs (seeds.log, fuzz.log, tmp/fuzz-<i>.log
                       per worker, merge.log)
  OUT/merged/<name>/   the minimal corpus covering seeds + new finds (-merge=1); copy new
                       files from here to fuzz/corpus/<name>/ when they add coverage
  OUT/crashes/<name>/  crash-*, leak-*, timeout-*, oom-* artefacts and *.min minimised
                       crashes; emptied when the target is run again

exit status: 0 nothing found, 1 a crash, leak, timeout or OOM (paths and reproduce
commands are printed) or a fuzzer that failed to run, 2 bad usage or a missing binary.
EOF
}

die_usage() {
  echo "ci/fuzz.sh: $1" >&2
  echo "run ci/fuzz.sh --help for usage" >&2
  exit 2
}

abspath() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/$1" ;;
  esac
}

is_count() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 > 0)); }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=60
jobs=$(nproc 2>/dev/null || echo 2)
target_dir=$root/fuzz
bin_dir=$root/build/fuzz/fuzz
out_dir=$root/build/fuzz
build=1
targets=()

while (($#)); do
  case "$1" in
    --seconds | --jobs | --target-dir | --bin-dir | --out-dir)
      (($# >= 2)) || die_usage "$1 needs a value"
      case "$1" in
        --seconds) seconds=$2 ;;
        --jobs) jobs=$2 ;;
        --target-dir) target_dir=$(abspath "$2") ;;
        --bin-dir) bin_dir=$(abspath "$2") ;;
        --out-dir) out_dir=$(abspath "$2") ;;
      esac
      shift 2
      ;;
    --seconds=* | --jobs=* | --target-dir=* | --bin-dir=* | --out-dir=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}"
      ;;
    --no-build) build=0; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; targets+=("$@"); break ;;
    -*) die_usage "unknown option $1" ;;
    *) targets+=("$1"); shift ;;
  esac
done

is_count "$seconds" || die_usage "--seconds wants a positive integer, got '$seconds'"
is_count "$jobs" || die_usage "--jobs wants a positive integer, got '$jobs'"
[[ -d "$target_dir" ]] || die_usage "no target folder $target_dir"

cd "$root"

# Targets are discovered by name, never listed: <target_dir>/<name>_fuzzer.cc.
available=()
for src in "$target_dir"/*_fuzzer.cc; do
  [[ -e "$src" ]] || continue
  available+=("$(basename "$src" _fuzzer.cc)")
done
((${#available[@]})) || die_usage "no *_fuzzer.cc in $target_dir"
if ((${#targets[@]} == 0)); then
  targets=("${available[@]}")
fi
targets=("${targets[@]%_fuzzer}") # request_line_fuzzer means request_line
for t in "${targets[@]}"; do
  [[ " ${available[*]} " == *" $t "* ]] || die_usage "unknown target '$t' (have: ${available[*]})"
done

if ((build)); then
  command -v clang++ >/dev/null || die_usage "clang++ not found (make deps installs it)"
  echo "== building the fuzz preset"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)" \
    --target "${targets[@]/%/_fuzzer}"
fi

# Everything the script starts runs in its own process group (set -m), so a deadline or
# Ctrl-C stops that group and nothing else; libFuzzer's workers go with their parent.
child=""
stop_child() {
  [[ -n "$child" ]] || return 0
  kill -TERM -- "-$child" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$child" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL -- "-$child" 2>/dev/null || true
  wait "$child" 2>/dev/null || true
  child=""
}
trap 'stop_child; exit 130' INT
trap 'stop_child; exit 143' TERM
trap 'stop_child' EXIT

artefacts() { # crash artefacts of one target, one path a line
  find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' \) ! -name '*.min' | sort
}

# Files starting with '.' (a .keep holding an empty folder in git) are not inputs.
count_files() { find "$1" -type f ! -name '.*' | wc -l | tr -d ' '; }

# run_bounded LOG HARD DIR CMD...: runs CMD in DIR (so that a stray file can never land in
# the source tree) with its output in LOG, and kills its process group after HARD seconds
# (status 124). With stop_file set, it writes that file (libFuzzer's -stop_file: workers
# finish the current input, print their final stats and exit) once stop_after seconds
# have passed or an artefact has appeared in watch_dir.
stop_file="" stop_after=0 watch_dir=""
run_bounded() {
  local log=$1 hard=$2 dir=$3
  shift 3
  local start=$SECONDS stopped=0 killed=0 rc=0
  set -m
  (cd "$dir" && TMPDIR=$dir exec "$@") >"$log" 2>&1 </dev/null &
  child=$!
  set +m
  while kill -0 "$child" 2>/dev/null; do
    if [[ -n "$stop_file" ]] && ((!stopped)); then
      if ((SECONDS - start >= stop_after)) || [[ -n $(artefacts "$watch_dir") ]]; then
        printf 1 >"$stop_file" # libFuzzer only stops on a non-empty file
        stopped=1
      fi
    fi
    if ((SECONDS - start >= hard)); then
      echo "ci/fuzz.sh: deadline of ${hard}s passed, stopping: $*" >&2
      killed=1
      stop_child
      break
    fi
    sleep 0.5
  done
  if [[ -n "$child" ]]; then
    wait "$child" || rc=$?
    child=""
  fi
  ((killed)) && return 124
  return "$rc"
}

unit_timeout=25 # seconds for one input: anything slower is a hang worth reporting
rows=()
failed_targets=()
total_execs=0

for t in "${targets[@]}"; do
  bin=$bin_dir/${t}_fuzzer
  if [[ ! -x "$bin" ]]; then
    echo "ci/fuzz.sh: no binary $bin (build the fuzz preset, or drop --no-build)" >&2
    exit 2
  fi
  work=$out_dir/work/$t
  crashes=$out_dir/crashes/$t
  merged=$out_dir/merged/$t
  rm -rf "$work" "$crashes" "$merged"
  mkdir -p "$work/corpus" "$work/tmp" "$crashes" "$merged"
  if [[ -d "$target_dir/corpus/$t" ]]; then
    find "$target_dir/corpus/$t" -type f ! -name '.*' -exec cp {} "$work/corpus/" \;
  fi
  # libFuzzer writes new inputs to the first folder only: the regressions stay read-only.
  seed_dirs=("$work/corpus")
  if [[ -d "$target_dir/regressions/$t" ]]; then
    seed_dirs+=("$target_dir/regressions/$t")
  fi
  flags=(-rss_limit_mb=2048 -timeout="$unit_timeout" -artifact_prefix="$crashes/")
  dict=()
  if [[ -f "$target_dir/$t.dict" ]]; then
    dict=(-dict="$target_dir/$t.dict")
  fi
  echo "== $t: $(count_files "$work/corpus") seeds, ${seconds}s, $jobs workers"
  note=""
  fuzz_secs=0

  # 1. Seeds and regressions must pass as they are.
  rc=0
  run_bounded "$work/seeds.log" $((120 + seconds)) "$work/tmp" \
    "$bin" "${flags[@]}" -runs=0 "${seed_dirs[@]}" || rc=$?
  if ((rc != 0)); then
    note="a seed or regression fails (see $work/seeds.log)"
  else
    # 2. Fuzz; workers log to tmp/fuzz-<i>.log, the parent to fuzz.log.
    stop_file=$work/STOP stop_after=$seconds watch_dir=$crashes
    start=$SECONDS
    run_bounded "$work/fuzz.log" $((seconds + 60 + seconds / 4)) "$work/tmp" \
      "$bin" "${flags[@]}" "${dict[@]}" -jobs="$jobs" -workers="$jobs" \
      -max_total_time="$seconds" -stop_file="$stop_file" -print_final_stats=1 \
      "${seed_dirs[@]}" || rc=$?
    fuzz_secs=$((SECONDS - start))
    stop_file="" stop_after=0 watch_dir=""
    if ((rc == 124)); then
      note="the fuzzer overran its deadline and was killed"
    elif ((rc != 0)) && [[ -z $(artefacts "$crashes") ]]; then
      note="the fuzzer exited with status $rc (see $work/fuzz.log)"
    fi
  fi

  # 3. Merge seeds and finds into a fresh minimal corpus (crash-resistant, so it runs even
  # after a crash).
  mrc=0
  run_bounded "$work/merge.log" $((300 + seconds)) "$work/tmp" \
    "$bin" "${flags[@]}" -merge=1 "$merged" "$work/corpus" || mrc=$?
  ((mrc == 0)) || note="${note:+$note; }merge failed (see $work/merge.log)"

  # 4. Minimise each crash (bounded by runs and time).
  mapfile -t found < <(artefacts "$crashes")
  for c in "${found[@]}"; do
    case "$(basename "$c")" in crash-* | leak-*) ;; *) continue ;; esac
    run_bounded "$work/minimize-$(basename "$c").log" 90 "$work/tmp" \
      "$bin" "${flags[@]}" -minimize_crash=1 -runs=20000 -max_total_time=60 \
      -exact_artifact_path="$c.min" "$c" || true
  done

  # 5. Numbers, from the workers' logs: executions add up, cov and ft are the best worker's
  # (they share one corpus), exec/s/job is the mean single-worker speed.
  execs=0 cov=- ft=- per_job=0
  shopt -s nullglob
  worker_logs=("$work"/tmp/fuzz-*.log)
  shopt -u nullglob
  if ((${#worker_logs[@]})); then
    execs=$(awk '/^stat::number_of_executed_units:/ { s += $2 } END { print s + 0 }' \
      "${worker_logs[@]}")
    per_job=$(awk '/^stat::average_exec_per_sec:/ { s += $2; n++ }
      END { if (n) printf "%d", s / n; else print 0 }' "${worker_logs[@]}")
    cov=$(awk '/^#[0-9]+.* cov: / { for (i = 1; i < NF; i++) if ($i == "cov:" && $(i + 1) > m) m = $(i + 1) }
      END { print m + 0 }' "${worker_logs[@]}")
    ft=$(awk '/^#[0-9]+.* ft: / { for (i = 1; i < NF; i++) if ($i == "ft:" && $(i + 1) > m) m = $(i + 1) }
      END { print m + 0 }' "${worker_logs[@]}")
  fi
  rate=0
  ((fuzz_secs > 0)) && rate=$((execs / fuzz_secs))
  total_execs=$((total_execs + execs))
  corpus=$(count_files "$merged")
  ncrash=${#found[@]}
  rows+=("$t|$fuzz_secs|$execs|$rate|$per_job|$cov|$ft|$corpus|$ncrash|$note")
  if ((ncrash > 0)) || [[ -n "$note" && "$note" != "merge failed"* ]]; then
    failed_targets+=("$t")
  fi
  echo "   $t: $execs execs in ${fuzz_secs}s, cov $cov, ft $ft, corpus $corpus," \
    "crashes $ncrash${note:+ ($note)}"
done

echo
echo "== fuzz summary (${seconds}s per target, $jobs workers, ASan+UBSan build)"
printf '%-14s %7s %12s %10s %10s %6s %7s %7s %7s\n' \
  target seconds execs execs/s exec/s/job cov ft corpus crashes
for r in "${rows[@]}"; do
  IFS='|' read -r t s e rt pj c f n k note <<<"$r"
  printf '%-14s %7s %12s %10s %10s %6s %7s %7s %7s\n' "$t" "$s" "$e" "$rt" "$pj" "$c" "$f" "$n" "$k"
  [[ -z "$note" ]] || echo "    note: $note"
done
echo "total execs: $total_execs"
echo "merged corpora: $out_dir/merged/<target>/"

if ((${#failed_targets[@]} == 0)); then
  echo "ci/fuzz.sh: no crashes"
  exit 0
fi

echo
echo "ci/fuzz.sh: FAILED in ${failed_targets[*]}"
for t in "${failed_targets[@]}"; do
  mapfile -t found < <(artefacts "$out_dir/crashes/$t")
  for c in "${found[@]}"; do
    repro=$c
    if [[ -f "$c.min" ]]; then
      echo "  $c (minimised: $c.min)"
      repro=$c.min
    else
      echo "  $c"
    fi
    echo "    reproduce: $bin_dir/${t}_fuzzer $repro"
  done
  if ((${#found[@]} == 0)); then
    echo "  $t: no artefact; logs in $out_dir/work/$t/"
  fi
done
echo "Fix the bug, then add the minimised input to fuzz/regressions/<target>/ in the same commit."
exit 1
