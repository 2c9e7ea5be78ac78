#!/usr/bin/env bash
# A loopback port with nothing listening: h1spec must say so in one line before any case and
# exit 3, after exactly one connect (the preflight), which the connect hook counts.
# Usage: check_unreachable.sh CHECK_GUARD HOOK.so LOG H1SPEC [h1spec args...]
set -euo pipefail
check_guard=$1 hook=$2 log=$3 h1spec=$4
shift 4
# A port the kernel just handed out and that was closed again: nothing listens on it.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
exec "$check_guard" "$hook" "$log" --exit 3 --connects 1 \
  --refusal "h1spec: cannot connect to 127.0.0.1:$port: Connection refused; is the server running? No case was run." \
  --log "allowed connect 127.0.0.1:$port" -- "$h1spec" --target "127.0.0.1:$port" "$@"
