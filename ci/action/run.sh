#!/usr/bin/env bash
# The shell half of the h1spec GitHub Action (action.yml); usable from any CI, since it reads
# only environment variables. It grades one loopback server and writes JUnit, JSON, HTML and
# Markdown reports.
#
#   INPUT_TARGET       HOST:PORT of a server that is already running (loopback only), or empty
#   INPUT_COMMAND      with no target: a shell command that runs the server in the foreground;
#                      it is started here, in its own process group, and stopped at the end
#   INPUT_PORT         with a command: the port it listens on (127.0.0.1)
#   INPUT_NAME         the target's name in the reports and waivers (default: server)
#   INPUT_CASES        a directory of case files (default: h1spec's own suite)
#   INPUT_TAGS         comma-separated tags; a case with any of them is run
#   INPUT_PROFILE      strict, rfc or lenient (default: h1spec's, rfc)
#   INPUT_WAIVERS      a waiver file (for this target) or a directory of NAME.txt files
#   INPUT_BASELINE     an earlier JSON report: fail only on cases that got worse than it
#   INPUT_FAIL_ON      must, should or never (default: must)
#   INPUT_REPORT_DIR   where the reports go (default: $GITHUB_WORKSPACE/build/h1spec-report)
#   INPUT_STARTUP_TIMEOUT  seconds the command gets to accept on its port (default: 30)
#   INPUT_DOCROOT      the copy of h1spec's html/ the server serves (default: the build's)
#   INPUT_EXTRA_ARGS   more h1spec options, split on whitespace (e.g. "--jobs 4 --timeout 3000")
#   H1SPEC             the h1spec binary (default: build/release/conformance/h1spec beside this)
#
# The command sees H1SPEC_DOCROOT, the directory it must serve (h1spec compares bodies with it).
# Relative paths are taken from the current directory (on GitHub, the workspace).
# Writes $GITHUB_STEP_SUMMARY (the Markdown table) and $GITHUB_OUTPUT (exit-code, report-dir,
# docroot, total, passed, failed, must-failed, should-failed, warned, errors) when they are set.
# Exit status: h1spec's (0 pass, 1 MUST failed, 2 SHOULD failed with fail-on should, 3 harness
# error); 3 also for bad inputs, before anything is started.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
h1spec=${H1SPEC:-$(cd "$here/../.." && pwd)/build/release/conformance/h1spec}
# The copy of html/ the server must serve: the build tree's, or an installed share/h1spec/html.
prefix=$(cd "$(dirname "$h1spec")/.." 2>/dev/null && pwd) || prefix=""
if [[ -d $prefix/share/h1spec/html ]]; then
  default_docroot=$prefix/share/h1spec/html
else
  default_docroot=$prefix/html
fi

target=${INPUT_TARGET:-}
command=${INPUT_COMMAND:-}
port=${INPUT_PORT:-}
name=${INPUT_NAME:-server}
cases=${INPUT_CASES:-}
tags=${INPUT_TAGS:-}
profile=${INPUT_PROFILE:-}
waivers=${INPUT_WAIVERS:-}
baseline=${INPUT_BASELINE:-}
fail_on=${INPUT_FAIL_ON:-must}
workspace=${GITHUB_WORKSPACE:-$PWD}
report_dir=${INPUT_REPORT_DIR:-$workspace/build/h1spec-report}
startup_timeout=${INPUT_STARTUP_TIMEOUT:-30}
extra_args=${INPUT_EXTRA_ARGS:-}
docroot=${INPUT_DOCROOT:-$default_docroot}

# One line per problem; on GitHub also an annotation on the run.
errors=0
problem() {
  if [[ ${GITHUB_ACTIONS:-} == true ]]; then
    echo "::error title=h1spec action::$*"
  fi
  echo "h1spec-action: error: $*" >&2
  errors=$((errors + 1))
}

is_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }

case $fail_on in
  must | should | never) ;;
  *) problem "fail-on must be must, should or never (got \"$fail_on\")" ;;
esac
case $profile in
  "" | strict | rfc | lenient) ;;
  *) problem "profile must be strict, rfc or lenient (got \"$profile\")" ;;
esac
if [[ -n $target && -n $command ]]; then
  problem "give either target or command, not both"
elif [[ -z $target && -z $command ]]; then
  problem "give target (HOST:PORT of a running server) or command and port"
elif [[ -n $target ]]; then
  # h1spec's own guard refuses other addresses too; this says so before the build is used.
  if [[ ! $target =~ ^(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\]):([0-9]+)$ ]] ||
    ! is_port "${BASH_REMATCH[2]}"; then
    problem "target must be a loopback HOST:PORT such as 127.0.0.1:8080 (got \"$target\")"
  fi
  [[ -z $port ]] || problem "port goes with command; with target the port is part of it"
elif [[ -z $port ]]; then
  problem "command needs port, the port the server listens on"
elif ! is_port "$port"; then
  problem "port must be a number from 1 to 65535 (got \"$port\")"
fi
[[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || problem "name may hold only letters, digits, '_', '.', '-'"
# The action grades loopback servers only; h1spec's guard stays on.
[[ ! " $extra_args" =~ [[:space:]]--allow-remote ]] ||
  problem "extra-args may not hold --allow-remote: the action grades loopback servers only"
[[ $startup_timeout =~ ^[0-9]+$ ]] || problem "startup-timeout must be a number of seconds"
[[ -z $cases || -d $cases ]] || problem "cases: no such directory: $cases"
[[ -z $waivers || -e $waivers ]] || problem "waivers: no such file or directory: $waivers"
[[ -z $baseline || -f $baseline ]] || problem "baseline: no such file: $baseline"
[[ -f $docroot/index.html ]] || problem "docroot: no index.html in $docroot"
[[ -x $h1spec ]] || problem "no h1spec at $h1spec (build it, or set H1SPEC)"
((errors == 0)) || exit 3

mkdir -p "$report_dir"
report_dir=$(cd "$report_dir" && pwd)
scratch=$(mktemp -d)
server_pid=""

# A zombie still answers kill -0; only a process that can run counts as alive.
alive() {
  local state
  state=$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# Stops the command's process group (its shell and whatever that started), TERM then KILL,
# and waits until no process of the group is left.
stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do
    alive "$server_pid" || wait "$server_pid" 2>/dev/null || true
    kill -0 -- "-$server_pid" 2>/dev/null || break
    ((i < 100)) || {
      echo "h1spec-action: the server (pid $server_pid) ignored SIGTERM for 10 s; killing it" >&2
      kill -KILL -- "-$server_pid" 2>/dev/null || true
    }
    sleep 0.1
  done
  wait "$server_pid" 2>/dev/null || true
  echo "h1spec-action: stopped the server (pid $server_pid)"
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 3' INT TERM

accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ -n $command ]]; then
  # Something else already on the port would be graded in the server's place.
  if accepts "$port"; then
    problem "127.0.0.1:$port already accepts connections before the command started"
    exit 3
  fi
  export H1SPEC_DOCROOT=$docroot
  log=$report_dir/server.log
  setsid bash -c "$command" >"$log" 2>&1 </dev/null &
  server_pid=$!
  echo "h1spec-action: started the server (pid $server_pid): $command"
  deadline=$((SECONDS + startup_timeout))
  until accepts "$port"; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      wait "$server_pid" && rc=0 || rc=$?
      server_pid=""
      problem "the command exited (status $rc) before 127.0.0.1:$port accepted; its log:"
      tail -n 20 "$log" >&2
      exit 3
    fi
    if ((SECONDS >= deadline)); then
      problem "127.0.0.1:$port did not accept within ${startup_timeout} s of starting the command"
      tail -n 20 "$log" >&2
      exit 3
    fi
    sleep 0.2
  done
  target=127.0.0.1:$port
fi

args=(--target "$target=$name" --fail-on "$fail_on" --docroot "$docroot"
  --junit "$report_dir/h1spec.xml" --json "$report_dir/h1spec.json"
  --html "$report_dir/h1spec.html" --markdown "$report_dir/h1spec.md")
[[ -z $cases ]] || args+=(--cases "$cases")
[[ -z $profile ]] || args+=(--profile "$profile")
[[ -z $baseline ]] || args+=(--baseline "$baseline")
IFS=, read -r -a tag_list <<<"$tags"
for t in "${tag_list[@]}"; do
  t=${t//[[:space:]]/}
  [[ -z $t ]] || args+=(--tag "$t")
done
if [[ -f $waivers ]]; then
  # h1spec reads <target name>.txt from a directory; a single file is this target's.
  mkdir -p "$scratch/waivers"
  cp "$waivers" "$scratch/waivers/$name.txt"
  args+=(--waivers "$scratch/waivers")
elif [[ -n $waivers ]]; then
  args+=(--waivers "$waivers")
fi
read -r -a extra <<<"$extra_args"
args+=("${extra[@]}")

# The reports of an earlier run must not pass for this one's.
rm -f "$report_dir"/h1spec.{xml,json,html,md}
echo "h1spec-action: $h1spec ${args[*]}"
"$h1spec" "${args[@]}" && rc=0 || rc=$?
stop_server

counts=()
if [[ -s $report_dir/h1spec.json ]]; then
  mapfile -t counts < <(python3 - "$report_dir/h1spec.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
for key in ("total", "passed", "failed", "must_failed", "should_failed", "warned", "errors"):
    print(f"{key.replace('_', '-')}={s[key]}")
EOF
  )
fi
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  {
    echo "exit-code=$rc"
    echo "report-dir=$report_dir"
    echo "docroot=$docroot"
    printf '%s\n' "${counts[@]}"
  } >>"$GITHUB_OUTPUT"
fi
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
  {
    if [[ -s $report_dir/h1spec.md ]]; then
      cat "$report_dir/h1spec.md"
    else
      echo "### h1spec: no report"
      echo
      echo "h1spec exited with status $rc before it wrote a report; the job log says why."
    fi
    echo
    echo "h1spec exit status: $rc (fail-on: $fail_on)."
  } >>"$GITHUB_STEP_SUMMARY"
fi
exit "$rc"
