#!/usr/bin/env bash
# ctest ci/clean-tree-check: ci/check-clean-tree.sh on a scratch git repository. Files under
# build/ are allowed; a stray untracked file, an ignored file or a modified tracked file outside
# build/ must fail the check; --since forgives only what was there before.
set -euo pipefail
script=$(cd "$(dirname "$0")/.." && pwd)/check-clean-tree.sh
repo=$(mktemp -d "${TMPDIR:-/tmp}/clean-tree.XXXXXX")
trap 'rm -rf "$repo" "$repo.out"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { bash "$script" --tree "$repo" "$@" >"$repo.out" 2>&1; }

git -C "$repo" init -q
printf '/build/\n*.log\n' >"$repo/.gitignore"
echo source >"$repo/kept.txt"
git -C "$repo" add . && git -C "$repo" -c user.name=t -c user.email=t@t commit -qm init

check || fail "a fresh clone must pass"
mkdir -p "$repo/build/report" && echo r >"$repo/build/report/x.json"
check || fail "files under build/ must be allowed"
echo stray >"$repo/out.json"
check && fail "an untracked file outside build/ must fail"
rm "$repo/out.json"
echo log >"$repo/run.log"
check && fail "an ignored file outside build/ must fail"
bash "$script" --tree "$repo" --list >"$repo/build/before.txt"
check --since "$repo/build/before.txt" || fail "--since must forgive what was there before"
rm "$repo/run.log"
echo changed >"$repo/kept.txt"
check && fail "a modified tracked file must fail"
echo "clean-tree check: all 6 expectations held"
