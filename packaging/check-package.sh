#!/usr/bin/env bash
# `make test-package`: checks the .deb's contents and control fields, installs it with dpkg,
# grades the installed h1ref with the installed h1spec from /, and removes the package again
# (always, from a trap). Needs root or sudo: it changes /usr on this machine.
# Usage: check-package.sh DEB
set -euo pipefail
deb=$(realpath "${1:?usage: check-package.sh DEB}")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=packaging/grade-lib.sh
source "$here/grade-lib.sh"

fail() { echo "check-package: $*" >&2; exit 1; }
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"

# Contents: the two tools and nothing else in bin/, the data h1spec reads, the man pages.
listing=$(dpkg-deb -c "$deb" | awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }')
for path in ./usr/bin/h1spec ./usr/bin/h1ref ./usr/share/h1spec/html/index.html \
    ./usr/share/h1spec/html/.hidden ./usr/share/h1spec/html/big.bin \
    ./usr/share/h1spec/waivers/README.md \
    ./usr/share/man/man1/h1spec.1.gz ./usr/share/man/man1/h1ref.1.gz; do
  grep -qxF "$path" <<<"$listing" || fail "$deb lacks $path"
done
cases=$(grep -c '^\./usr/share/h1spec/cases/[^/]*\.md$' <<<"$listing" || true)
((cases > 0)) || fail "$deb holds no usr/share/h1spec/cases/*.md"
bins=$(grep '^\./usr/bin/.' <<<"$listing" | sort | tr '\n' ' ')
[[ $bins == "./usr/bin/h1ref ./usr/bin/h1spec " ]] || fail "unexpected usr/bin/ contents: $bins"
echo "check-package: $(grep -c . <<<"$listing") entries, $cases case files, bin/: $bins"

# Control fields.
[[ $(dpkg-deb -f "$deb" Package) == h1spec ]] || fail "Package is not h1spec"
depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == *libc6* ]] || fail "Depends lacks libc6: '$depends'"
echo "check-package: Version $(dpkg-deb -f "$deb" Version), Depends: $depends"

# dpkg may overwrite files no package owns: refuse rather than clobber a hand-made install.
for tool in h1spec h1ref; do
  if [[ -e /usr/bin/$tool ]] && ! dpkg -S "/usr/bin/$tool" >/dev/null 2>&1; then
    fail "/usr/bin/$tool exists and no package owns it; not installing over it"
  fi
done
# Any state but not-installed and config-files (half-installed, unpacked, ...) counts: dpkg -r
# clears them all.
installed() {
  local state
  state=$(dpkg-query -W -f='${db:Status-Status}' h1spec 2>/dev/null) || return 1
  [[ -n $state && $state != not-installed && $state != config-files ]]
}
if installed; then
  echo "check-package: h1spec is installed already (an earlier run?); removing it first"
  $sudo dpkg -r h1spec >/dev/null
fi

work=$(mktemp -d)
cleanup() {
  stop_h1ref
  if installed; then
    $sudo dpkg -r h1spec >/dev/null || echo "check-package: dpkg -r h1spec failed" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT

$sudo dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i failed"; }
echo "check-package: installed; $(dpkg-query -W -f='${Package} ${Version} ${Status}' h1spec)"
for tool in h1spec h1ref; do
  version=$("/usr/bin/$tool" --version)
  [[ $version == "$tool $(dpkg-deb -f "$deb" Version) (git "* ]] ||
    fail "unexpected --version of /usr/bin/$tool: $version"
  echo "check-package: $version"
done

gzip -t /usr/share/man/man1/h1spec.1.gz /usr/share/man/man1/h1ref.1.gz

cd /
check_data_dir /usr/bin/h1spec /usr/share/h1spec/cases
start_h1ref /usr/bin/h1ref /usr/share/h1spec/html "$work/h1ref.log"
echo "check-package: /usr/bin/h1ref pid $h1ref_pid on 127.0.0.1:$h1ref_port"
grade /usr/bin/h1spec "$work/h1spec.json"
stop_h1ref

$sudo dpkg -r h1spec >/dev/null
installed && fail "h1spec still installed after dpkg -r"
[[ ! -e /usr/bin/h1spec && ! -e /usr/share/h1spec ]] || fail "dpkg -r left files behind"
echo "check-package: removed; passed"
