#!/usr/bin/env bash
# Every output of every command belongs under build/. This lists what git sees in the working
# tree outside build/ (untracked, ignored and modified files), or fails when something is there
# that was not there before.
#   ci/check-clean-tree.sh --list            print the entries, one per line
#   ci/check-clean-tree.sh --since FILE      fail on entries not in FILE (an earlier --list)
#   ci/check-clean-tree.sh                   fail on any entry (for a clean clone)
# --tree DIR first checks the git working tree at DIR instead of this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == --tree ]]; then
  cd "${2:?--tree wants a directory}"
  shift 2
fi

entries() {
  # Porcelain v1: two status letters, a space, the path ("!!" ignored, "??" untracked).
  git status --porcelain --ignored --untracked-files=all | grep -v -E '^.. "?build/' || true
}

case ${1:-} in
  --list) entries ;;
  --since | "")
    known=/dev/null
    if [[ ${1:-} == --since ]]; then
      known=${2:?--since wants the file of an earlier --list}
    fi
    added=$(entries | grep -v -x -F -f "$known" || true)
    if [[ -n $added ]]; then
      echo "check-clean-tree: the run left files outside build/ (every output belongs under build/):"
      sed 's/^/  /' <<<"$added"
      exit 1
    fi
    echo "check-clean-tree: nothing outside build/"
    ;;
  *)
    echo "check-clean-tree: unknown argument '$1' (--list, --since FILE)" >&2
    exit 3
    ;;
esac
