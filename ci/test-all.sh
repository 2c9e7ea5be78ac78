#!/usr/bin/env bash
# `make test`: runs every pass, even after one fails, then prints one table of the passes with
# their status and time, and exits non-zero if any failed. The last pass checks that the run
# left nothing in the working tree outside build/. Each pass's output goes to the terminal and
# to build/test-logs/<pass>.log.
# Usage: ci/test-all.sh [PASS...]   (default: every pass, in the order below)
set -uo pipefail
cd "$(dirname "$0")/.."

all=(format-check lint test-release test-asan test-tsan test-fuzz-smoke run clean-tree)
passes=("$@")
((${#passes[@]})) || passes=("${all[@]}")
for pass in "${passes[@]}"; do
  [[ " ${all[*]} " == *" $pass "* ]] || {
    echo "test-all: unknown pass '$pass' (passes: ${all[*]})" >&2
    exit 3
  }
done

logs=build/test-logs
mkdir -p "$logs"
# What the tree held before the run: the clean-tree pass reports only what the run added, so
# that a developer's own untracked files do not fail it (a clean clone starts empty).
before=$logs/tree-before.txt
bash ci/check-clean-tree.sh --list >"$before"

# The lint pass checks what changed, because clang-tidy over every file takes longer than the
# rest of make test allows (`make lint` checks everything): the files changed since the branch
# left origin/main, or else by the last commit (for a merge: by the branch it brought in).
# LINT_BASE=COMMIT overrides.
lint_base() {
  local base
  if [[ -n ${LINT_BASE:-} ]]; then
    echo "$LINT_BASE"
  elif base=$(git merge-base HEAD origin/main 2>/dev/null) && [[ $base != "$(git rev-parse HEAD)" ]]; then
    echo "$base"
  elif git rev-parse -q --verify HEAD~1 >/dev/null; then
    echo HEAD~1
  else
    git hash-object -t tree /dev/null  # the empty tree: every file is new
  fi
}

names=() results=() times=()
failed=0
for pass in "${passes[@]}"; do
  echo "=== test-all: $pass ==="
  start=$(date +%s)
  if [[ $pass == clean-tree ]]; then
    bash ci/check-clean-tree.sh --since "$before" 2>&1 | tee "$logs/$pass.log"
  elif [[ $pass == lint ]]; then
    make --no-print-directory lint LINT_BASE="$(lint_base)" 2>&1 | tee "$logs/$pass.log"
  else
    make --no-print-directory "$pass" 2>&1 | tee "$logs/$pass.log"
  fi
  rc=${PIPESTATUS[0]}
  names+=("$pass")
  times+=($(($(date +%s) - start)))
  if ((rc == 0)); then
    results+=(passed)
  else
    results+=("FAILED (exit $rc)")
    failed=$((failed + 1))
  fi
done

echo
echo "make test: summary (logs in $logs/)"
printf '  %-16s %-16s %8s\n' pass result seconds
for i in "${!names[@]}"; do
  printf '  %-16s %-16s %8s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
done
if ((failed)); then
  echo "make test: $failed of ${#names[@]} passes FAILED"
  exit 1
fi
echo "make test: all ${#names[@]} passes passed"
