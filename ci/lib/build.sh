# shellcheck shell=bash
# h1_build DIR TARGET...: builds TARGETs in the build tree DIR (e.g. build/release), first
# configuring it from the CMake preset of the same name when it has never been configured.
# Sourced by the scripts that build before they run (their --no-build skips it).
h1_build() {
  local dir=$1
  shift
  if [[ ! -f $dir/CMakeCache.txt ]]; then
    cmake --preset "${dir##*/}" >/dev/null ||
      { echo "${SERVER_TAG:-build}: $dir is not configured, nor a preset's tree" >&2; return 1; }
  fi
  cmake --build "$dir" -j "${JOBS:-2}" --target "$@" >/dev/null ||
    { echo "${SERVER_TAG:-build}: building $* in $dir failed" >&2; return 1; }
}
