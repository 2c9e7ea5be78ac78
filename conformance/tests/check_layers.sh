#!/usr/bin/env bash
# Fails when a file of conformance/ includes from a layer above its own (or from the sibling
# layer: report/ and diff/ are both above grade/ and wire/, and neither sees the other), or
# when anything in conformance/ includes from reference/. Usage: check_layers.sh [ROOT]
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
declare -A rank=([spec]=0 [wire]=1 [origin]=2 [grade]=3 [report]=4 [diff]=4 [cli]=5)
bad=0
checked=0
while IFS= read -r -d '' file; do
  rel=${file#"$root"/}
  layer=${rel%%/*}
  [[ -n ${rank[$layer]+x} ]] || continue
  checked=$((checked + 1))
  while IFS=: read -r line inc; do
    dep=${inc%%/*}
    if [[ $inc != */* ]]; then
      echo "$rel:$line: includes \"$inc\" without its layer (write \"<layer>/$inc\")"
      bad=1
    elif [[ -z ${rank[$dep]+x} ]]; then
      echo "$rel:$line: includes \"$inc\", which is no layer of conformance/"
      bad=1
    elif [[ $dep != "$layer" ]] && ((rank[$dep] >= rank[$layer])); then
      echo "$rel:$line: $layer/ includes \"$inc\" from $dep/, which is not below it"
      bad=1
    fi
  done < <(grep -n '^#include "' "$file" | sed 's/^\([0-9]*\):#include "\([^"]*\)".*/\1:\2/' |
           grep -v ':h1_version\.h$')
done < <(find "$root" -path "$root/tests" -prune -o \( -name '*.cc' -o -name '*.h' \) -print0)
if grep -rn --include='*.cc' --include='*.h' -E '#include "(http|core|io|models)/' "$root"; then
  echo "conformance/ includes from reference/ (above): h1spec shares no code with h1ref"
  bad=1
fi
if ((checked < 20)); then
  echo "check_layers: only $checked files found under $root: wrong root?"
  exit 1
fi
((bad == 0)) && echo "check_layers: $checked files, every include points down"
exit $bad
