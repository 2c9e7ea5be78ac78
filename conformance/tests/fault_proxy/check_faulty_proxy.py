#!/usr/bin/env python3
"""h1fault --role proxy against h1origin, with raw bytes over loopback.

Every scenario checks one rule of a correct reverse proxy (RFC 9110, RFC 9112). They run with
no proxy fault (all must hold) and then under each --proxy-fault: exactly the scenarios that
AFFECTS lists for that fault must break, every other one must still hold. Each scenario gets a
fresh h1origin (its replies scripted) and a fresh h1fault; both are our children, stopped by
PID. Usage: check_faulty_proxy.py H1FAULT H1ORIGIN WORK_DIR [FAULT...]
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

H1FAULT, H1ORIGIN, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
ONLY = sys.argv[4:]
TIMEOUT = 20

# Which scenarios each fault must break (and no other).
AFFECTS = {
    "forward-cl-te": {"cl-te"},
    "bare-lf": {"bare-lf"},
    "obs-fold": {"obs-fold"},
    "keep-connection-fields": {"connection-fields"},
    "no-via": {"via"},
    "reuse-after-error": {"invalid-reply", "no-reuse", "body-after-204"},
    "pass-204-body": {"body-after-204"},
    "relay-invalid": {"invalid-reply"},
    "cut-at-nul": {"nul"},
    "bare-cr": {"bare-cr"},
    "ws-before-colon": {"ws-before-colon"},
    "ignore-max-forwards": {"max-forwards"},
}


class Broken(Exception):
    """The proxy did not behave as a correct one must."""


def start(cmd, name):
    log = open(os.path.join(WORK, name + ".out"), "w+b")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        log.seek(0)
        for line in log.read().decode("latin-1").splitlines():
            if line.startswith("listening on http://127.0.0.1:"):
                return proc, int(line.rsplit(":", 1)[1])
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    sys.exit(f"{name} did not start: {' '.join(cmd)}")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def recv_until_close(sock):
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def parse_response(data, head=False):
    """(status, fields, body, rest) of one Content-Length-framed or bodiless response."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        raise Broken(f"no complete response head in {data!r}")
    lines = data[:end].split(b"\r\n")
    if not lines[0].startswith(b"HTTP/1.1 "):
        raise Broken(f"not a status line: {lines[0]!r}")
    status = int(lines[0][9:12])
    fields = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        fields.append((name.decode("latin-1").lower(), value.strip().decode("latin-1")))
    rest = data[end + 4:]
    length = [v for n, v in fields if n == "content-length"]
    if head or status in (204, 304) or status < 200 or not length:
        return status, fields, b"", rest
    n = int(length[0])
    if len(rest) < n:
        raise Broken(f"body shorter than Content-Length {n}: {rest!r}")
    return status, fields, rest[:n], rest[n:]


def field(fields, name):
    values = [v for n, v in fields if n == name.lower()]
    return values[0] if values else None


class Run:
    """One scenario: an origin with scripted replies, the proxy in front of it."""

    def __init__(self, name, faults, replies):
        self.name = name
        self.dir = os.path.join(WORK, name + ("-" + "-".join(faults) if faults else "-none"))
        os.makedirs(self.dir, exist_ok=True)
        cmd = [H1ORIGIN, "--port", "0", "--log", os.path.join(self.dir, "origin.jsonl")]
        for i, reply in enumerate(replies):
            path = os.path.join(self.dir, f"reply{i}")
            with open(path, "wb") as f:
                f.write(reply)
            cmd += ["--reply", path]
        self.origin, self.origin_port = start(cmd, os.path.basename(self.dir) + ".origin")
        cmd = [H1FAULT, "--role", "proxy", "--port", "0", "--upstream",
               f"127.0.0.1:{self.origin_port}"]
        for f in faults:
            cmd += ["--proxy-fault", f]
        self.proxy, self.port = start(cmd, os.path.basename(self.dir) + ".proxy")

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        return s

    def exchange(self, data):
        """Sends data, half-closes, returns everything until the proxy closes."""
        with self.connect() as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            return recv_until_close(s)

    def origin_view(self):
        """Every event the origin logged before a canary sent last: a marker that all earlier
        forwards were read (the origin logs in the order it reads)."""
        with self.connect() as s:
            s.sendall(b"GET /canary HTTP/1.1\r\nHost: canary\r\nConnection: close\r\n\r\n")
            recv_until_close(s)
        path = os.path.join(self.dir, "origin.jsonl")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with open(path, encoding="utf-8") as f:
                events = [json.loads(l) for l in f if l.strip()]
            for i, e in enumerate(events):
                if e.get("target") == "/canary":
                    return events[:i] + events[i + 1:]
            time.sleep(0.05)
        raise Broken("the canary never reached the origin")

    def close(self):
        stop(self.proxy)
        stop(self.origin)


def fields_of(event):
    return [(n.lower(), v) for n, v in event["fields"]]


def expect_refused(run, data):
    got = run.exchange(data)
    status, fields, _, rest = parse_response(got)
    if status != 400:
        raise Broken(f"status {status}, expected 400")
    if rest:
        raise Broken(f"bytes after the 400: {rest!r}")
    view = run.origin_view()
    if view:
        raise Broken(f"nothing should reach the origin, it logged {view}")


def s_cl_te(run):
    expect_refused(run, b"POST / HTTP/1.1\r\nHost: o\r\nContent-Length: 5\r\n"
                        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")


def s_bare_lf(run):
    expect_refused(run, b"GET / HTTP/1.1\nHost: o\n\n")


def s_bare_cr(run):
    expect_refused(run, b"GET / HTTP/1.1\r\nHost: o\r\nX-A: 1\rX-B: 2\r\n\r\n")


def s_obs_fold(run):
    expect_refused(run, b"GET / HTTP/1.1\r\nHost: o\r\nX-A: 1\r\n 2\r\n\r\n")


def s_nul(run):
    expect_refused(run, b"GET / HTTP/1.1\r\nHost: o\r\nX-A: a\x00b\r\n\r\n")


def s_ws_before_colon(run):
    expect_refused(run, b"GET / HTTP/1.1\r\nHost: o\r\nX-A : 1\r\n\r\n")


def single_forward(run):
    view = run.origin_view()
    if len(view) != 1 or view[0]["event"] != "request":
        raise Broken(f"expected one request at the origin, got {view}")
    return view[0]


def s_connection_fields(run):
    got = run.exchange(b"GET / HTTP/1.1\r\nHost: o\r\nConnection: keep-alive, X-Secret\r\n"
                       b"X-Secret: 1\r\nKeep-Alive: 5\r\nTE: trailers\r\nUpgrade: h2c\r\n"
                       b"Proxy-Connection: x\r\nTrailer: X-T\r\nX-Keep: yes\r\n"
                       b"Connection: close\r\n\r\n")
    status, fields, body, _ = parse_response(got)
    if status != 200 or body != b"ok":
        raise Broken(f"expected the origin's 200 ok, got {status} {body!r}")
    if field(fields, "X-Resp") is not None:
        raise Broken("X-Resp, listed in the origin's Connection, reached the client")
    if field(fields, "X-Other") != "2":
        raise Broken("X-Other, an end-to-end response field, was lost")
    names = {n for n, _ in fields_of(single_forward(run))}
    for gone in ("connection", "x-secret", "keep-alive", "te", "upgrade", "proxy-connection",
                 "trailer"):
        if gone in names:
            raise Broken(f"{gone} reached the origin")
    if "x-keep" not in names:
        raise Broken("X-Keep, an end-to-end field, was not forwarded")


def s_via(run):
    got = run.exchange(b"GET /v HTTP/1.1\r\nHost: o\r\nConnection: close\r\n\r\n")
    status, fields, _, _ = parse_response(got)
    if field(fields, "Via") != "1.1 h1fault":
        raise Broken(f"response Via is {field(fields, 'Via')!r}")
    via = field(fields_of(single_forward(run)), "Via")
    if via != "1.1 h1fault":
        raise Broken(f"request Via at the origin is {via!r}")


def s_invalid_reply(run):
    got = run.exchange(b"GET / HTTP/1.1\r\nHost: o\r\n\r\n")
    status, fields, _, rest = parse_response(got)
    if status != 502 or field(fields, "Connection") != "close" or rest:
        raise Broken(f"expected 502 with Connection: close, got {got!r}")


def s_no_reuse(run):
    with run.connect() as s:
        s.sendall(b"GET /1 HTTP/1.1\r\nHost: o\r\n\r\n")
        s.settimeout(TIMEOUT)
        first = b""
        while b"\r\n\r\n" not in first:
            chunk = s.recv(65536)
            if not chunk:
                break
            first += chunk
        try:
            s.sendall(b"GET /2 HTTP/1.1\r\nHost: o\r\n\r\n")
            s.shutdown(socket.SHUT_WR)
            recv_until_close(s)
        except OSError:
            pass  # the proxy closed, as it should
    for e in run.origin_view():
        if e["event"] == "request" and e["index"] > 0 and e["connection"] == 0:
            raise Broken(f"request {e['target']} reused the back-end connection after the error")


def s_body_after_204(run):
    got = run.exchange(b"GET /a HTTP/1.1\r\nHost: o\r\n\r\nGET /b HTTP/1.1\r\nHost: o\r\n"
                       b"Connection: close\r\n\r\n")
    status, fields, _, rest = parse_response(got)
    if status != 204 or field(fields, "Content-Length") is not None:
        raise Broken(f"expected 204 without Content-Length, got {got!r}")
    status, _, body, rest = parse_response(rest)
    if status != 200 or body != b"request 1\n" or rest:
        raise Broken(f"the second answer is not the origin's second reply: {got!r}")
    reqs = [e for e in run.origin_view() if e["event"] == "request"]
    if [e["connection"] for e in reqs] != [0, 1]:
        raise Broken(f"the request after the 204 with a body must use a new connection: {reqs}")


def s_max_forwards(run):
    got = run.exchange(b"TRACE /t HTTP/1.1\r\nHost: o\r\nMax-Forwards: 0\r\nCookie: c=1\r\n\r\n"
                       b"OPTIONS * HTTP/1.1\r\nHost: o\r\nMax-Forwards: 3\r\n"
                       b"Connection: close\r\n\r\n")
    status, fields, body, rest = parse_response(got)
    if status != 200 or field(fields, "Content-Type") != "message/http":
        raise Broken(f"TRACE with Max-Forwards: 0 not answered by the proxy: {got!r}")
    if not body.startswith(b"TRACE /t HTTP/1.1\r\n") or b"Cookie" in body:
        raise Broken(f"TRACE reflection wrong: {body!r}")
    status, _, _, _ = parse_response(rest)
    req = single_forward(run)
    if req["method"] != "OPTIONS" or field(fields_of(req), "Max-Forwards") != "2":
        raise Broken(f"OPTIONS should reach the origin with Max-Forwards: 2: {req}")


def s_reframe(run):
    got = run.exchange(b"POST /up HTTP/1.1\r\nHost: o\r\nTransfer-Encoding: chunked\r\n"
                       b"Connection: close\r\n\r\n3;ext=\"x y\"\r\nabc\r\n0\r\nT: 1\r\n\r\n")
    status, fields, body, _ = parse_response(got)
    if status != 200 or body != b"ok" or field(fields, "Content-Length") != "2" or \
            field(fields, "Transfer-Encoding") is not None:
        raise Broken(f"chunked origin reply not re-framed: {got!r}")
    req = single_forward(run)
    names = {n for n, _ in fields_of(req)}
    if req["framing"] != "content-length" or req["body"] != "abc" or \
            "transfer-encoding" in names or field(fields_of(req), "Content-Length") != "3":
        raise Broken(f"chunked request not re-framed with Content-Length: {req}")


def s_pipelined(run):
    got = run.exchange(b"GET /1 HTTP/1.1\r\nHost: o\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: o\r\n\r\n"
                       b"GET /3 HTTP/1.1\r\nHost: o\r\nConnection: close\r\n\r\n")
    _, _, b1, rest = parse_response(got)
    s2, f2, _, rest = parse_response(rest, head=True)
    _, _, b3, rest = parse_response(rest)
    if b1 != b"request 0\n" or s2 != 200 or b3 != b"request 2\n" or rest:
        raise Broken(f"pipelined answers out of order: {got!r}")


def s_continue(run):
    with run.connect() as s:
        s.sendall(b"PUT /c HTTP/1.1\r\nHost: o\r\nExpect: 100-continue\r\nContent-Length: 3\r\n"
                  b"Connection: close\r\n\r\n")
        interim = b""
        while b"\r\n\r\n" not in interim:
            chunk = s.recv(65536)
            if not chunk:
                break
            interim += chunk
        if not interim.startswith(b"HTTP/1.1 100 "):
            raise Broken(f"no 100 Continue before the body: {interim!r}")
        s.sendall(b"xyz")
        got = interim[interim.find(b"\r\n\r\n") + 4:] + recv_until_close(s)
    status, _, body, _ = parse_response(got)
    if status != 200:
        raise Broken(f"no final answer after the 100: {got!r}")
    if single_forward(run)["body"] != "xyz":
        raise Broken("the body did not reach the origin")


OK_REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
SCENARIOS = [
    ("cl-te", s_cl_te, []),
    ("bare-lf", s_bare_lf, []),
    ("bare-cr", s_bare_cr, []),
    ("obs-fold", s_obs_fold, []),
    ("nul", s_nul, []),
    ("ws-before-colon", s_ws_before_colon, []),
    ("connection-fields", s_connection_fields,
     [b"HTTP/1.1 200 OK\r\nConnection: X-Resp\r\nX-Resp: 1\r\nX-Other: 2\r\n"
      b"Content-Length: 2\r\n\r\nok"]),
    ("via", s_via, []),
    ("invalid-reply", s_invalid_reply,
     [b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"]),
    ("no-reuse", s_no_reuse, [b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nbad!"]),
    ("body-after-204", s_body_after_204,
     [b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"]),
    ("max-forwards", s_max_forwards, []),
    ("reframe", s_reframe,
     [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"]),
    ("pipelined", s_pipelined, []),
    ("continue", s_continue, []),
]


def run_all(faults):
    broken = {}
    for name, check, replies in SCENARIOS:
        run = Run(name, faults, replies)
        try:
            check(run)
        except (Broken, OSError, ValueError, IndexError) as e:
            broken[name] = f"{type(e).__name__}: {e}"
        finally:
            run.close()
    return broken


def main():
    os.makedirs(WORK, exist_ok=True)
    failures = 0
    # Every fault of --help needs a row in AFFECTS, and every row a fault.
    helptext = subprocess.run([H1FAULT, "--help"], capture_output=True, text=True).stdout
    known = set(re.findall(r"^  ([a-z][a-z0-9-]*)  ", helptext, re.M))
    if known != set(AFFECTS):
        print(f"FAIL the AFFECTS table and h1fault --help disagree: {sorted(known ^ set(AFFECTS))}")
        return 1
    for fault in [None] + sorted(AFFECTS):
        label = fault or "no fault"
        if ONLY and label not in ONLY:
            continue
        broken = run_all([fault] if fault else [])
        want = AFFECTS.get(fault, set())
        missed = sorted(want - set(broken))
        extra = sorted(set(broken) - want)
        if missed or extra:
            failures += 1
            print(f"FAIL {label}:")
            for name in missed:
                print(f"  {name}: should break under this fault, but held")
            for name in extra:
                print(f"  {name}: broke: {broken[name]}")
        else:
            print(f"ok   {label}: breaks exactly {sorted(want) or 'nothing'}")
    print(f"check_faulty_proxy: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
