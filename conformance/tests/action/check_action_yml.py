#!/usr/bin/env python3
"""action.yml and ci/action/run.sh agree: every input reaches run.sh as INPUT_<NAME> (or is
one of the few the YAML itself uses), run.sh reads and documents exactly those variables,
and every output the action declares is one that a step writes.
Usage: check_action_yml.py ACTION_YML RUN_SH"""
import re
import sys

# Inputs the YAML consumes itself instead of handing them to run.sh.
YAML_ONLY = {"artifact-name", "build-only"}
# Inputs that pass through the paths step first.
VIA_PATHS = {"report-dir": "report-dir", "docroot": "docroot"}

yml_text = open(sys.argv[1]).read()
sh_text = open(sys.argv[2]).read()
problems = []


def block(name):
    """The lines of a top-level YAML block, up to the next top-level key."""
    m = re.search(rf"^{name}:\n((?:[ #].*\n|\n)*)", yml_text, re.M)
    return m.group(1) if m else ""


inputs = re.findall(r"^  ([a-z][a-z0-9-]*):$", block("inputs"), re.M)
outputs = re.findall(r"^  ([a-z][a-z0-9-]*):$", block("outputs"), re.M)
if len(inputs) < 10:
    problems.append(f"found only {len(inputs)} inputs in action.yml")

env = dict(re.findall(r"^ +(INPUT_[A-Z_]+): (.+)$", yml_text, re.M))
for name in inputs:
    if name in YAML_ONLY:
        continue
    var = "INPUT_" + name.upper().replace("-", "_")
    want = ("${{ steps.paths.outputs.%s }}" % VIA_PATHS[name] if name in VIA_PATHS
            else "${{ inputs.%s }}" % name)
    if env.get(var) != want:
        problems.append(f"input {name}: the run step should set {var}: {want}, has {env.get(var)}")
    if name in VIA_PATHS and "inputs.%s" % name not in block("runs"):
        problems.append(f"input {name}: the paths step never reads it")
for var in env:
    if var.lower()[6:].replace("_", "-") not in inputs:
        problems.append(f"{var} is set from no declared input")

read = set(re.findall(r"\$\{(INPUT_[A-Z_]+):-", sh_text))
documented = set(re.findall(r"^#   (INPUT_[A-Z_]+) ", sh_text, re.M))
for var in sorted(set(env) ^ read):
    problems.append(f"{var}: set by action.yml or read by run.sh, not both")
for var in sorted(read ^ documented):
    problems.append(f"{var}: read by run.sh or documented at its top, not both")

written = set(re.findall(r'echo "([a-z0-9-]+)=', sh_text + yml_text))
counts = re.search(r"for key in \(([^)]*)\)", sh_text)
written |= {k.replace("_", "-") for k in re.findall(r'"(\w+)"', counts.group(1) if counts else "")}
for name in outputs:
    value = r"    value: \$\{\{ steps\.(\w+)\.outputs\.([a-z0-9-]+) \}\}"
    m = re.search(rf"^  {name}:\n(?:    .*\n)*?" + value, block("outputs"), re.M)
    if not m:
        problems.append(f"output {name} has no steps.<id>.outputs value")
    elif m.group(2) not in written:
        problems.append(f"output {name}: no step writes {m.group(2)}")

for p in problems:
    print("check_action_yml: FAIL:", p)
if problems:
    sys.exit(1)
print(f"check_action_yml: ok ({len(inputs)} inputs, {len(outputs)} outputs, {len(read)} variables)")
