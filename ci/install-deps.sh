#!/usr/bin/env bash
# Installs the Debian 12 packages h1spec needs; does nothing (and touches no network)
# when every package is already present. Usage: ci/install-deps.sh [extra packages...]
set -euo pipefail

base=(cmake make g++ clang llvm-14 libclang-rt-14-dev pkg-config catch2
      libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev
      libcli11-dev nlohmann-json3-dev libbenchmark-dev libhttp-parser-dev curl libxml2-utils clang-format clang-tidy
      python3 chromium dpkg-dev)
wanted=("${base[@]}" "$@")

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
