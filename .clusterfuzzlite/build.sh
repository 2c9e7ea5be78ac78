#!/bin/bash
# ClusterFuzzLite / OSS-Fuzz build of h1spec's fuzz targets. No CMake and no presets: it uses
# only the variables the base-builder image sets, so that every sanitizer, engine and
# coverage build of ClusterFuzzLite works unchanged:
#   CXX, CXXFLAGS       compiler and flags (sanitizer, -fsanitize=fuzzer-no-link or coverage)
#   LIB_FUZZING_ENGINE  link flags that bring the engine's main (e.g. -fsanitize=fuzzer)
#   OUT                 receives <name>_fuzzer, <name>_seed_corpus.zip, <name>.dict, <name>.options
#   SRC                 the checkout is $SRC/h1spec (the image) or $SRC itself (a local run)
#   WORK                scratch folder for objects (a temporary one when unset)
# CC and CFLAGS are accepted and unused: h1spec has no C sources.
#
# Targets are discovered as fuzz/<name>_fuzzer.cc, never listed. Each is linked with
# reference/http/, reference/core/, the case-file parser (conformance/spec/case_*.cc) and any
# fuzz/*.cc helper that is not a target or the replay main. A fuzz/<name>.options file, if
# present, is copied as is; otherwise one is written with the dictionary and a max_len.
set -euo pipefail

: "${CXX:?set CXX}" "${OUT:?set OUT}"
read -r -a cxxflags <<<"${CXXFLAGS:-}"
read -r -a engine <<<"${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}"

repo=""
for candidate in "${SRC:-}/h1spec" "${SRC:-}" "$PWD"; do
  if [[ -n "$candidate" && -d "$candidate/reference/http" && -d "$candidate/fuzz" ]]; then
    repo=$(cd "$candidate" && pwd)
    break
  fi
done
[[ -n "$repo" ]] || { echo "build.sh: no h1spec checkout in \$SRC/h1spec, \$SRC or ." >&2; exit 1; }

if [[ -n "${WORK:-}" ]]; then
  obj=$WORK/h1spec-obj
else
  obj=$(mktemp -d "${TMPDIR:-/tmp}/h1spec-obj.XXXXXX")
  trap 'rm -rf "$obj"' EXIT
fi
rm -rf "$obj"
mkdir -p "$obj" "$OUT"
OUT=$(cd "$OUT" && pwd)

includes=(-I"$repo/reference" -I"$repo/conformance" -I"$repo/fuzz")
jobs_max=$(nproc 2>/dev/null || echo 1)

# compile_all OUTDIR SOURCE...: one object per source, nproc at a time; fails if any fails.
compile_all() {
  local dir=$1 src running=0 status=0
  shift
  mkdir -p "$dir"
  for src in "$@"; do
    "$CXX" "${cxxflags[@]}" -std=c++20 "${includes[@]}" -c "$src" \
      -o "$dir/$(basename "${src%.cc}").o" &
    running=$((running + 1))
    if ((running >= jobs_max)); then
      wait -n || status=1
      running=$((running - 1))
    fi
  done
  while ((running > 0)); do
    wait -n || status=1
    running=$((running - 1))
  done
  return "$status"
}

shopt -s nullglob
lib_sources=("$repo"/reference/http/*.cc "$repo"/reference/core/*.cc "$repo"/conformance/spec/case_*.cc)
targets=()
helpers=()
for src in "$repo"/fuzz/*.cc; do
  case "$(basename "$src")" in
    *_fuzzer.cc) targets+=("$src") ;;
    replay_main.cc) ;;
    *) helpers+=("$src") ;;
  esac
done
((${#targets[@]})) || { echo "build.sh: no fuzz/*_fuzzer.cc" >&2; exit 1; }

echo "build.sh: ${#lib_sources[@]} library sources, ${#targets[@]} targets, CXX=$CXX"
compile_all "$obj/lib" "${lib_sources[@]}"
"${AR:-ar}" rcs "$obj/libh1.a" "$obj"/lib/*.o
helper_objs=()
if ((${#helpers[@]})); then
  compile_all "$obj/helpers" "${helpers[@]}"
  helper_objs=("$obj"/helpers/*.o)
fi
compile_all "$obj/targets" "${targets[@]}"

# zip_dir ZIP DIR: zips DIR's files (flat). zip is in the image; cmake and python3 are the
# fallbacks on machines without it.
zip_dir() {
  local zip=$1 dir=$2
  rm -f "$zip"
  if command -v zip >/dev/null; then
    (cd "$dir" && zip -q -X "$zip" ./*)
  elif command -v cmake >/dev/null; then
    (cd "$dir" && cmake -E tar cf "$zip" --format=zip -- *)
  elif command -v python3 >/dev/null; then
    (cd "$dir" && python3 -m zipfile -c "$zip" ./*)
  else
    echo "build.sh: need zip, cmake or python3 to write $zip" >&2
    return 1
  fi
}

# largest_file DIR...: size in bytes of the largest input (0 if none).
largest_file() {
  local d max=0 size
  for d in "$@"; do
    [[ -d "$d" ]] || continue
    while IFS= read -r size; do
      ((size > max)) && max=$size
    done < <(find "$d" -type f ! -name '.*' -exec stat -c %s {} +)
  done
  echo "$max"
}

for src in "${targets[@]}"; do
  name=$(basename "$src" _fuzzer.cc)
  "$CXX" "${cxxflags[@]}" "$obj/targets/${name}_fuzzer.o" "${helper_objs[@]}" "$obj/libh1.a" \
    "${engine[@]}" -o "$OUT/${name}_fuzzer"

  # Seeds: the committed corpus plus the crash regressions, flat, regressions prefixed so
  # that names never collide.
  stage=$obj/seeds/$name
  rm -rf "$stage"
  mkdir -p "$stage"
  if [[ -d "$repo/fuzz/corpus/$name" ]]; then
    find "$repo/fuzz/corpus/$name" -type f ! -name '.*' -exec cp {} "$stage/" \;
  fi
  if [[ -d "$repo/fuzz/regressions/$name" ]]; then
    while IFS= read -r f; do
      cp "$f" "$stage/regression-$(basename "$f")"
    done < <(find "$repo/fuzz/regressions/$name" -type f ! -name '.*')
  fi
  seeds=$(find "$stage" -type f | wc -l)
  if ((seeds > 0)); then
    zip_dir "$OUT/${name}_seed_corpus.zip" "$stage"
  fi

  has_dict=0
  if [[ -f "$repo/fuzz/$name.dict" ]]; then
    cp "$repo/fuzz/$name.dict" "$OUT/$name.dict"
    has_dict=1
  fi
  if [[ -f "$repo/fuzz/$name.options" ]]; then
    cp "$repo/fuzz/$name.options" "$OUT/$name.options"
  else
    # max_len: libFuzzer's 4096 default, or the next power of two above the largest seed.
    max_len=4096
    largest=$(largest_file "$stage")
    while ((max_len < largest)); do max_len=$((max_len * 2)); done
    {
      echo "[libfuzzer]"
      ((has_dict)) && echo "dict = $name.dict"
      echo "max_len = $max_len"
    } >"$OUT/$name.options"
  fi
  echo "build.sh: $OUT/${name}_fuzzer ($seeds seeds$( ((has_dict)) && echo ", dict"))"
done
