#!/usr/bin/env python3
"""A target that accepts every connection on 127.0.0.1 and closes it at once, unread.

Prints "listening on http://127.0.0.1:PORT" like h1ref, so server_fixture.sh can start it.
Bounded: it exits after --seconds (default 60) or --connections (default 5000) accepts.
"""
import argparse
import socket
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--connections", type=int, default=5000)
    args = ap.parse_args()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        print(f"listening on http://127.0.0.1:{s.getsockname()[1]}", flush=True)
        deadline = time.monotonic() + args.seconds
        accepted = 0
        while accepted < args.connections:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                conn, _ = s.accept()
            except socket.timeout:
                break
            conn.close()
            accepted += 1
        print(f"silent_server: {accepted} connections closed unanswered", flush=True)


if __name__ == "__main__":
    main()
