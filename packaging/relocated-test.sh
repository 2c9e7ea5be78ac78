#!/usr/bin/env bash
# ctest install/relocated: `cmake --install` into a temporary prefix, move the prefix, then,
# from /, grade an h1ref started from the moved tree with the moved h1spec, which is given no
# --cases and so must find share/h1spec beside its own bin/. Also checks --version of both and
# that no RPATH/RUNPATH of the installed binaries points into the build tree.
# Usage: relocated-test.sh CMAKE BUILD_DIR
set -euo pipefail
cmake=${1:?usage: relocated-test.sh CMAKE BUILD_DIR}
build=$(cd "${2:?usage: relocated-test.sh CMAKE BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=packaging/grade-lib.sh
source "$here/grade-lib.sh"

work=$(mktemp -d "$build/install-test.XXXXXX")
cleanup() {
  stop_h1ref
  rm -rf "$work"
}
trap cleanup EXIT

"$cmake" --install "$build" --prefix "$work/staged" >"$work/install.log"
mkdir "$work/moved"
mv "$work/staged" "$work/moved/prefix"
q=$work/moved/prefix
[[ ! -e $work/staged ]]

for tool in h1spec h1ref; do
  [[ -x $q/bin/$tool ]] || { echo "relocated-test: no $q/bin/$tool" >&2; exit 1; }
  version=$("$q/bin/$tool" --version)
  echo "relocated-test: $version"
  [[ $version =~ ^$tool\ [0-9]+\.[0-9]+\.[0-9]+\ \(git\ [0-9a-z-]+\)$ ]] ||
    { echo "relocated-test: unexpected --version of $tool: $version" >&2; exit 1; }
  if readelf -d "$q/bin/$tool" | grep -E '\((RPATH|RUNPATH)\)' | grep -F "$build"; then
    echo "relocated-test: $tool has an RPATH into the build tree" >&2
    exit 1
  fi
done
for page in h1spec h1ref; do
  gzip -t "$q/share/man/man1/$page.1.gz"
done

cd /
check_data_dir "$q/bin/h1spec" "$q/share/h1spec/cases"
start_h1ref "$q/bin/h1ref" "$q/share/h1spec/html" "$work/h1ref.log"
echo "relocated-test: h1ref pid $h1ref_pid on 127.0.0.1:$h1ref_port"
grade "$q/bin/h1spec" "$work/h1spec.json"
stop_h1ref
echo "relocated-test: passed"
