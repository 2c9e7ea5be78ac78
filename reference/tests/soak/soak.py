#!/usr/bin/env python3
"""Soak and fault scenarios for h1ref (`make soak`, ctest label `soak`).

Each scenario starts its own h1ref on a free loopback port, drives it for a bounded time,
prints its figures, stops the server by its PID and exits non-zero on the first broken
promise: a wrong or missing byte, a crash, a leaked descriptor, or memory that grows.
"""

import argparse
import gc
import hashlib
import os
import random
import resource
import selectors
import signal
import socket
import struct
import subprocess
import sys
import multiprocessing
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "ci/lib"))
import peers as serverlib  # noqa: E402  (start a server, read its "listening on" port)

PAGE = os.sysconf("SC_PAGE_SIZE")
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def log(msg):
    print(msg, flush=True)


# --- the server -------------------------------------------------------------------------

class Server:
    """h1ref as a child process; only this PID is ever signalled."""

    def __init__(self, h1ref, root, *args, nofile=None, cpu=None):
        # Its stdout and stderr; deleted when closed.
        self.log = tempfile.NamedTemporaryFile(prefix="h1ref-", suffix=".log")

        def limits():
            if nofile is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
            if cpu is not None:
                os.sched_setaffinity(0, {cpu})

        try:
            self.proc, self.port = serverlib.start(
                [h1ref, "--root", str(root), "--port", "0", *args], self.log.name,
                preexec_fn=limits)
        except RuntimeError as e:
            raise Failure(f"h1ref did not start: {e}")
        self.pid = self.proc.pid

    def stderr(self):
        return Path(self.log.name).read_bytes().decode(errors="replace")

    def alive(self):
        return self.proc.poll() is None

    def fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def rss(self):
        return int(Path(f"/proc/{self.pid}/statm").read_text().split()[1]) * PAGE

    def cpu(self):
        f = Path(f"/proc/{self.pid}/stat").read_text()
        fields = f[f.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def make_root(base, sizes):
    """Files of deterministic random bytes; returns {name: (bytes, sha256)}."""
    root = Path(base) / "root"
    root.mkdir()
    files = {}
    rng = random.Random(1)
    for name, size in sizes.items():
        data = rng.randbytes(size)
        (root / name).write_bytes(data)
        files[name] = (data, hashlib.sha256(data).hexdigest())
    return root, files


# --- a minimal strict HTTP/1.1 client ----------------------------------------------------

def connect(port, timeout=10.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def get(path, extra=""):
    return f"GET /{path} HTTP/1.1\r\nHost: soak\r\n{extra}\r\n".encode()


class Reader:
    """Reads responses off one socket: head, then exactly Content-Length bytes."""

    def __init__(self, sock):
        self.sock, self.buf = sock, bytearray()  # appended in place: no quadratic copying

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise EOFError
        self.buf += data

    def complete(self):
        """A whole response if the buffer holds one, else None (reads nothing)."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        length = 0
        for line in bytes(self.buf[:end]).decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if len(self.buf) < end + 4 + length:
            return None
        return self.response()

    def response(self):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        end = self.buf.find(b"\r\n\r\n")
        lines = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        del self.buf[:end + 4]
        status = int(lines[0].split()[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        length = int(fields.get("content-length", "0"))
        while len(self.buf) < length:
            self._fill()
        body = bytes(self.buf[:length])
        del self.buf[:length]
        return status, fields, body


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def wait_fds(srv, expected, timeout=5.0):
    """The server's descriptor count returns to `expected`: connections closed, and the
    open-file cache (1 s ttl, swept once per ttl) has let its files go."""
    deadline = time.monotonic() + timeout
    while srv.fds() != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    check(srv.fds() == expected, f"descriptors {expected} -> {srv.fds()} (leaked)")


# --- scenarios ----------------------------------------------------------------------------

def load(args, base):
    """Keep-alive load at 200 connections over several files, every body checked."""
    root, files = make_root(base, {"a.bin": 1_000, "b.bin": 7_777, "c.bin": 64 * 1024,
                                   "d.bin": 256 * 1024})
    names = list(files)
    with Server(args.h1ref, root, "--workers", "2", "--quiet") as srv:
        conns = args.conns
        sel = selectors.DefaultSelector()
        state = {}
        rng = random.Random(2)
        for _ in range(conns):
            s = connect(srv.port)
            s.setblocking(False)
            name = rng.choice(names)
            s.send(get(name))
            state[s] = [Reader(s), name, time.monotonic()]
            sel.register(s, selectors.EVENT_READ)
        time.sleep(0.5)
        rss0 = srv.rss()
        served = errors = 0
        latencies = []
        end = time.monotonic() + args.seconds
        next_report = time.monotonic() + 5
        while time.monotonic() < end:
            for key, _ in sel.select(timeout=1.0):
                s = key.fileobj
                reader, name, t0 = state[s]
                try:
                    reader._fill()
                except BlockingIOError:
                    continue
                except (EOFError, ConnectionError) as e:
                    errors += 1
                    raise Failure(f"a connection ended while {name} was due ({e!r})")
                while True:
                    got = reader.complete()
                    if got is None:
                        break
                    status, _, body = got
                    check(status == 200, f"{name}: status {status}")
                    check(hashlib.sha256(body).hexdigest() == files[name][1],
                          f"{name}: body of {len(body)} bytes does not match the file's SHA-256")
                    served += 1
                    latencies.append(time.monotonic() - t0)
                    name, t0 = rng.choice(names), time.monotonic()
                    s.send(get(name))
                    state[s] = [reader, name, t0]
            if time.monotonic() >= next_report:
                next_report += 5
                log(f"  load: {served} responses verified, {errors} errors, "
                    f"RSS {srv.rss() / 1024:.0f} KiB")
        rss1 = srv.rss()
        for s in state:
            s.close()
        check(srv.alive(), "h1ref died under load")
        log(f"load: {served} responses at {conns} connections in {args.seconds} s, all bodies "
            f"matching their SHA-256, {errors} errors; p99 latency "
            f"{percentile(latencies, 0.99) * 1000:.1f} ms; RSS {rss0 / 1024:.0f} -> "
            f"{rss1 / 1024:.0f} KiB")
        check(served > 0, "no response served")
        check(rss1 <= rss0 * 1.10 + 2 * 1024 * 1024, "RSS grew during the load")
        check(srv.stop() == 0, "h1ref did not exit 0 on SIGTERM")


def pipelined(args, base):
    """1,000 pipelined requests in one write, answered in order."""
    root, files = make_root(base, {f"f{i}.txt": 100 + i for i in range(10)})
    with Server(args.h1ref, root, "--workers", "1", "--quiet") as srv:
        fds0 = srv.fds()
        order = [f"f{i % 10}.txt" for i in range(1000)]
        s = connect(srv.port)
        s.sendall(b"".join(get(n) for n in order))
        reader = Reader(s)
        for i, name in enumerate(order):
            status, _, body = reader.response()
            check(status == 200 and body == files[name][0], f"response {i} is not {name}")
        s.close()
        wait_fds(srv, fds0)
        log("pipelined: 1,000 requests in one write, 1,000 responses in order, "
            "no descriptor leaked")


def client_faults(args, base):
    """Half-close, a drop mid-request, a reset mid-response and a slow reader."""
    root, files = make_root(base, {"small.txt": 3_000, "big.bin": 100 << 20})
    with Server(args.h1ref, root, "--workers", "1", "--quiet") as srv:
        fds0 = srv.fds()
        # Half-close after the request: the full response still arrives.
        s = connect(srv.port)
        s.sendall(get("small.txt"))
        s.shutdown(socket.SHUT_WR)
        status, _, body = Reader(s).response()
        check(status == 200 and body == files["small.txt"][0], "half-closed client lost bytes")
        s.close()
        # Dropped in the middle of a request head, 50 times.
        for _ in range(50):
            s = connect(srv.port)
            s.sendall(b"GET /small.txt HTTP/1.1\r\nHo")
            s.close()
        # Reset in the middle of a 100 MiB response, 5 times.
        for _ in range(5):
            s = connect(srv.port)
            s.sendall(get("big.bin"))
            got = 0
            while got < 5 << 20:
                got += len(s.recv(1 << 16))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()  # RST
        # A reader taking 10 bytes a second for 5 s: the server's memory stays bounded.
        rss0 = srv.rss()
        slow = connect(srv.port)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.sendall(get("big.bin"))
        for _ in range(5):
            slow.recv(10)
            time.sleep(1)
        rss1 = srv.rss()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        slow.close()
        # Still serving, nothing leaked.
        s = connect(srv.port)
        s.sendall(get("small.txt"))
        status, _, body = Reader(s).response()
        check(status == 200 and body == files["small.txt"][0], "not serving after the faults")
        s.close()
        wait_fds(srv, fds0)
        check(rss1 - rss0 < 8 << 20, f"RSS grew by {(rss1 - rss0) >> 10} KiB for a slow reader")
        check(srv.alive(), "h1ref died")
        log(f"client faults: half-close got all 3,000 bytes; 50 drops mid-request; 5 resets "
            f"mid 100 MiB; a 10 B/s reader moved RSS by {(rss1 - rss0) >> 10} KiB; "
            f"descriptors {fds0} before and after")


def flood(args, base):
    """Connections beyond --max-connections are refused cleanly; service goes on."""
    root, files = make_root(base, {"small.txt": 500})
    with Server(args.h1ref, root, "--workers", "1", "--quiet", "--max-connections", "100") as srv:
        held = []
        for _ in range(100):
            s = connect(srv.port)
            s.sendall(get("small.txt"))
            Reader(s).response()
            held.append(s)
        refused = 0
        for _ in range(400):
            s = connect(srv.port)
            s.settimeout(5)
            try:
                s.sendall(get("small.txt"))
                if s.recv(1) == b"":
                    refused += 1
            except ConnectionError:
                refused += 1
            s.close()
        check(refused == 400, f"only {refused} of 400 excess connections were refused")
        for s in held:
            s.close()
        time.sleep(0.3)
        s = connect(srv.port)
        s.sendall(get("small.txt"))
        status, _, body = Reader(s).response()
        check(status == 200 and body == files["small.txt"][0], "not serving after the flood")
        s.close()
        check(srv.alive(), "h1ref died")
        log("flood: 100 connections held, 400 more refused with a clean close, "
            "served normally afterwards")


def shutdown_under_load(args, base):
    """SIGTERM during load: every response already started is completed; exit status 0."""
    root, files = make_root(base, {"big.bin": 8 << 20})
    with Server(args.h1ref, root, "--workers", "2", "--quiet") as srv:
        # 10 x 8 MiB is far more than the socket buffers hold, so every response is still
        # being written when SIGTERM arrives; reading them takes well under the 10 s drain.
        conns = [connect(srv.port) for _ in range(10)]
        for s in conns:
            s.sendall(get("big.bin"))
        readers = [Reader(s) for s in conns]
        for r in readers:
            while b"\r\n\r\n" not in r.buf:
                r._fill()  # every response has started
        srv.proc.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        for i, r in enumerate(readers):
            status, _, body = r.response()
            check(status == 200 and hashlib.sha256(body).hexdigest() == files["big.bin"][1],
                  f"response {i} was cut short by the shutdown")
        code = srv.proc.wait(timeout=30)
        check(code == 0, f"exit status {code}")
        log(f"shutdown: SIGTERM with 10 responses of 8 MiB in flight; all 10 completed and "
            f"verified in {time.monotonic() - t0:.1f} s, exit status 0")


def probe(port, n, expected):
    """p99 latency of n fresh-connection GETs of small.txt, each checked."""
    gc.disable()  # a forked child's collector would scan the parent's whole heap mid-probe
    times = []
    for _ in range(n):
        t0 = time.monotonic()
        s = connect(port)
        s.sendall(get("small.txt", "Connection: close\r\n"))
        status, _, body = Reader(s).response()
        check(status == 200 and body == expected, "the normal client failed")
        times.append(time.monotonic() - t0)
        s.close()
        time.sleep(0.005)
    return percentile(times, 0.99)


def slowloris(args, base):
    """2,000 connections dripping one header byte a second; a normal client stays fast,
    and the slow ones are cut off with 408 or a close at the header timeout."""
    root, files = make_root(base, {"small.txt": 1_000})
    count, timeout = args.slow, 5

    # One worker on CPU 0 and the clients on the others, so that the normal client's latency
    # is the server's, not the scheduler's.
    two_cpus = (os.cpu_count() or 1) >= 2
    if two_cpus:
        os.sched_setaffinity(0, set(range(1, os.cpu_count())))
    with Server(args.h1ref, root, "--quiet", "--workers", "1", "--header-timeout", str(timeout),
                cpu=0 if two_cpus else None) as srv:
        expected = files["small.txt"][0]
        quiet_p99 = probe(srv.port, 200, expected)
        slow = []
        for _ in range(count):
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", srv.port))
            except BlockingIOError:
                pass
            slow.append(s)
        time.sleep(0.5)
        # Round 0 sends a whole request line and Host field, as slowloris tools do, so that
        # every slow connection holds a partial head with field lines (and buffers for it);
        # each later round adds one byte of a header that never ends.
        line = b"GET /small.txt HTTP/1.1\r\nHost: soak\r\n"
        rounds = [line] + [bytes([c]) for c in b"X-Slow: " + b"x" * 64]
        cpu_before = srv.cpu()
        # The normal client runs in its own process, so that this one's sends never hold it
        # up; the drip is spread over each second, as independent clients would be. It is
        # measured from the first byte of the drip on.
        with multiprocessing.get_context("fork").Pool(1) as pool:
            started = time.monotonic()
            pending = pool.apply_async(probe, (srv.port, 200, expected))
            for i in range(timeout + 2):  # one byte a second each, past the header timeout
                for part in range(10):
                    for s in slow[part::10]:
                        try:
                            s.send(rounds[i])
                        except OSError:
                            pass
                    time.sleep(0.1)
            results = {"p99": pending.get(timeout=60)}
        busy = srv.cpu() - cpu_before
        time.sleep(1.5)  # the timeout is checked every 250 ms
        cut = 0
        for s in slow:
            try:
                data = s.recv(4096)
                cut += data == b"" or data.startswith(b"HTTP/1.1 408")
            except BlockingIOError:
                pass
            except ConnectionError:
                cut += 1
            s.close()
        loaded_p99 = results["p99"]
        log(f"slowloris: {count} connections at one header byte a second after a request line; a normal client's "
            f"p99 {quiet_p99 * 1000:.2f} ms alone, {loaded_p99 * 1000:.2f} ms beside them; "
            f"{cut} of {count} cut off with 408 or a close after the {timeout} s header "
            f"timeout ({time.monotonic() - started:.1f} s, {busy:.2f} s of server CPU)")
        check(cut == count, f"{count - cut} slow connections were still open")
        # Twice the quiet p99, with a 5 ms floor: a sub-millisecond p99 doubles on noise alone.
        check(loaded_p99 <= max(2 * quiet_p99, quiet_p99 + 0.005),
              "the normal client slowed down more than twofold")
        check(srv.alive(), "h1ref died")


def fd_exhaustion(args, base):
    """Under `ulimit -n 64`, accept fails with EMFILE: no spinning, one log line, recovery."""
    root, files = make_root(base, {"small.txt": 700})
    with Server(args.h1ref, root, "--workers", "1", nofile=64) as srv:
        held = []
        for _ in range(100):  # more than the server can take
            s = connect(srv.port)
            s.sendall(get("small.txt"))
            held.append(s)
        time.sleep(1.0)
        cpu0 = srv.cpu()
        time.sleep(2.0)
        busy = srv.cpu() - cpu0
        log_lines = [l for l in srv.stderr().splitlines() if "accept" in l]
        for s in held:
            s.close()
        time.sleep(0.5)
        t0 = time.monotonic()
        s = connect(srv.port)
        s.sendall(get("small.txt"))
        status, _, body = Reader(s).response()
        recovered = time.monotonic() - t0
        s.close()
        log(f"fd exhaustion: 100 connections against 64 descriptors; {busy:.2f} s of CPU in "
            f"2 s while out of descriptors; {len(log_lines)} log line(s): "
            f"{log_lines[:1]}; served again {recovered * 1000:.0f} ms after they closed")
        check(len(log_lines) == 1, "EMFILE must be logged exactly once")
        check("Too many open files" in log_lines[0] or "EMFILE" in log_lines[0],
              "the log line does not name the error")
        check(busy < 0.2, "h1ref spins while out of descriptors")
        check(status == 200 and body == files["small.txt"][0], "no recovery")


def file_changes(args, base):
    """A file truncated, replaced or deleted while it is sent: every byte that arrives is the
    file's byte at that offset, and the connection then ends cleanly."""
    size = 64 << 20
    root, files = make_root(base, {"big.bin": size})
    original = files["big.bin"][0]
    outcomes = []
    with Server(args.h1ref, root, "--workers", "1", "--quiet") as srv:
        for change in ("truncate", "replace", "delete"):
            (root / "big.bin").write_bytes(original)
            time.sleep(1.2)  # past the open-file cache's ttl: the request opens this file
            s = connect(srv.port, timeout=10)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            s.sendall(get("big.bin", "Connection: close\r\n"))
            reader = Reader(s)
            while len(reader.buf) < (1 << 20):
                reader._fill()
            path = root / "big.bin"
            if change == "truncate":
                os.truncate(path, 2 << 20)
            elif change == "replace":
                tmp = root / "new.bin"
                tmp.write_bytes(b"N" * 1000)
                os.rename(tmp, path)
            else:
                os.unlink(path)
            try:
                while True:
                    reader._fill()
            except (EOFError, ConnectionError):
                pass
            s.close()
            data = bytes(reader.buf)
            body = data[data.find(b"\r\n\r\n") + 4:]
            check(body == original[:len(body)], f"{change}: a byte differs from the file's")
            if change == "truncate":
                check(len(body) < size, "truncate: the old length was sent in full")
            else:
                check(len(body) == size, f"{change}: the old file was not sent whole")
            outcomes.append(f"{change}: {len(body):,} bytes, all the file's own")
        check(srv.alive(), "h1ref died")
    log("file changes while sending 64 MiB: " + "; ".join(outcomes))


SCENARIOS = {
    "load": load,
    "pipelined": pipelined,
    "client-faults": client_faults,
    "flood": flood,
    "shutdown": shutdown_under_load,
    "slowloris": slowloris,
    "fd-exhaustion": fd_exhaustion,
    "file-changes": file_changes,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--h1ref", required=True)
    ap.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    ap.add_argument("--seconds", type=int, default=30, help="load duration (default 30)")
    ap.add_argument("--conns", type=int, default=200, help="load connections (default 200)")
    ap.add_argument("--slow", type=int, default=2000, help="slowloris connections (default 2000)")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    failed = 0
    for name in args.scenario or list(SCENARIOS):
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"h1-soak-{name}-") as base:
            try:
                SCENARIOS[name](args, base)
                log(f"PASS {name} ({time.monotonic() - t0:.1f} s)")
            except (Failure, OSError, EOFError, subprocess.TimeoutExpired) as e:
                failed += 1
                log(f"FAIL {name}: {type(e).__name__ if not isinstance(e, Failure) else ''}"
                    f"{e} ({time.monotonic() - t0:.1f} s)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
