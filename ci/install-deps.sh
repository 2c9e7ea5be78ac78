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
# Server packages (the peers: nginx, squid, apache2, haproxy, ...) start their service when
# installed, as the system's user, on their default ports and every address. Nothing here
# may do that: without a policy that already forbids it, one that refuses every start
# (invoke-rc.d's exit 101) is in place for the install, and removed after.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# ci/install-deps.sh: no service starts while it installs.\nexit 101\n' |
    $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
