# Helpers to start Debian's peer servers with the configs in ci/peers/ and stop them by PID.
# Sourced by ci/compare.sh and ci/fuzz-peers.sh, which set: root (the repository), run (a
# scratch folder under it, for configs and logs), html (the document root) and tag (the name
# in messages).

# prepare_peers BUILD: installs the peers from Debian if missing and, when BUILD is 1, builds
# h1ref, h1spec and the docroot (build/release/html, with big.bin) in the release tree.
prepare_peers() {
  bash ci/install-deps.sh nginx-light lighttpd h2o python3 || return 1
  (($1)) || return 0
  cmake --preset release >/dev/null && cmake --build build/release -j2 --target h1ref h1spec \
    html_blob >/dev/null || { echo "$tag: build failed" >&2; return 1; }
}

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  pids=()
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port NAME PID PORT: up to 10 s for the port to accept a connection.
wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "$tag: $1 did not start; its log:" >&2
  cat "$run/$1".* >&2 2>/dev/null
  return 1
}

# config NAME PORT: ci/peers/NAME.conf with its placeholders filled in.
config() {
  local user=""
  [[ $(id -u) -eq 0 ]] && user="user: nobody"
  sed -e "s#@PORT@#$2#g" -e "s#@ROOT@#$html#g" -e "s#@RUN@#$root/$run#g" -e "s#@USER@#$user#g" \
    "ci/peers/$1.conf" >"$run/$1.conf"
}

# start_peer NAME PORT: writes NAME's config for PORT and starts it in the background; its PID
# is the last of pids.
start_peer() {
  local name=$1 port=$2
  config "$name" "$port"
  # exec: the background job becomes the server itself, so that its PID is the one stopped.
  case $name in
    nginx) exec nginx -c "$root/$run/nginx.conf" -e "$root/$run/nginx-error.log" ;;
    lighttpd) exec lighttpd -D -f "$run/lighttpd.conf" ;;
    h2o) exec h2o -c "$run/h2o.conf" ;;
    *) echo "$tag: unknown peer $name" >&2; exit 1 ;;
  esac >"$run/$name.out" 2>&1 &
  pids+=($!)
  wait_port "$name" "$!" "$port"
}
