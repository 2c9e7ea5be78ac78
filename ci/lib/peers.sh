# shellcheck shell=bash disable=SC2034,SC2154  # outputs for, and inputs from, the caller
# The peers of peers/*/ for the shell scripts (ci/compare.sh, ci/fuzz-peers.sh): which ones a
# run uses, their packages, and starting and stopping them by PID. The manifests are read by
# ci/lib/peers.py only; this file runs what it prints. Callers set BUILD (the build tree),
# peers_run (a scratch folder for configs and logs) and peers_root (the docroot), and may set
# SERVER_TAG (the name in messages).
#
#   peers_pick RUN [--with-reference] [NAME...]  sets peers_picked; returns 1 if a manifest
#                                  is broken (the others are still picked), 2 on a bad NAME
#   peers_install NAME...          their Debian packages, through ci/install-deps.sh
#   peer_start NAME RUN [ORIGIN_PORT]
#                                  fills its config, starts it, waits for its port (bounded);
#                                  sets server_pid and server_port, adds the PID to peer_pids.
#                                  The proxies run gives ORIGIN_PORT (@ORIGIN_PORT@: the port
#                                  of 127.0.0.1 the proxy forwards to). PEER_ARGS (an
#                                  array) is appended to its command, and PEER_LABEL (default
#                                  NAME) names its log, for a second instance of one peer
#   peer_version NAME              one line, e.g. "nginx version: nginx/1.22.1"
#   peers_stop_all                 stops every PID in peer_pids (TERM, then KILL)

_peers_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/lib/server.sh
source "$_peers_dir/server.sh"
_peers_py() { python3 "$_peers_dir/peers.py" "$@"; }

peers_picked=()
peer_pids=()
PEER_ARGS=()

peers_pick() {
  local out rc
  out=$(_peers_py pick "$@")
  rc=$?
  ((rc == 2)) && return 2
  mapfile -t peers_picked <<<"$out"
  [[ -n $out ]] || peers_picked=()
  return "$rc"
}

peers_install() {
  local packages
  packages=$(_peers_py packages "$@") || return 1
  # shellcheck disable=SC2086 # one package per word
  bash "$_peers_dir/../install-deps.sh" $packages
}

peer_start() {
  local name=$1 run=$2 origin_port=${3:-} mode port="" argv=() log label=${PEER_LABEL:-$1}
  log=$peers_run/$label.out
  mode=$(_peers_py get "$name" PORT) || return 1
  [[ ${mode:-chosen} == chosen ]] && port=$(free_port)
  _peers_py command "$name" --run "$run" --run-dir "$peers_run" --root "$peers_root" \
    --build "$BUILD" ${port:+--port "$port"} ${origin_port:+--origin-port "$origin_port"} \
    >"$peers_run/$label.argv" || return 1
  mapfile -d '' argv <"$peers_run/$label.argv"
  argv+=("${PEER_ARGS[@]}")
  if [[ -n $port ]]; then
    SERVER_NAME=$label server_start_on_port "$log" "$port" "${argv[@]}"
  else
    SERVER_NAME=$label server_start_announced "$log" "${argv[@]}"
  fi || {
    # A peer that will not start usually says why in its own error log.
    for log in "$peers_run/$name"-*.log "$peers_run/$name"/*.log; do
      [[ -s $log ]] && { echo "  $log:"; sed 's/^/  | /' "$log"; } >&2
    done
    return 1
  }
  peer_pids+=("$server_pid")
}

peer_version() {
  _peers_py version "$1" --build "$BUILD"
}

peers_stop_all() {
  local pid
  for pid in "${peer_pids[@]}"; do server_stop "$pid"; done
  peer_pids=()
}
