#!/usr/bin/env python3
"""A byte relay on 127.0.0.1 for check_compare_proxies.sh: accepts on --port and copies each
connection both ways to 127.0.0.1:--to. The smallest thing that forwards like a proxy; it
stands in for a real one so that the test needs no package. SIGTERM ends it."""

import argparse
import signal
import socket
import sys
import threading


def pipe(src, dst):
    try:
        while data := src.recv(65536):
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--to", type=int, required=True)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    listener = socket.create_server(("127.0.0.1", a.port))
    while True:
        client, _ = listener.accept()
        try:
            upstream = socket.create_connection(("127.0.0.1", a.to), timeout=5)
        except OSError:
            client.close()
            continue
        upstream.settimeout(None)
        for src, dst in ((client, upstream), (upstream, client)):
            threading.Thread(target=pipe, args=(src, dst), daemon=True).start()


if __name__ == "__main__":
    main()
