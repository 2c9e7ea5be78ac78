#!/usr/bin/env python3
"""`make bench`: h1ref against the bench peers of peers/*/, one worker each, in the same run.

Every server is pinned to CPU 0 and every load generator to CPU 1. For each repetition the
servers take turns (interleaved), each freshly started and stopped again by its PID. The
figures are the median, min and max over the repetitions, with requests per server
CPU-second (utime+stime of the server's whole process tree, from /proc) beside req/s,
because one client thread on one core can saturate before a fast server does.
"""

import argparse
import json
import os
import resource
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(ROOT / "ci/lib"))
import peers as peerlib  # noqa: E402  (the manifests of peers/*/)

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
SMALL = "small.html"
# The idle connections are opened and served once each with at most this many in flight: a
# crowd arriving over a second or so, not all at the same instant. (A burst of 500 at once
# leaves a server's peak working memory behind in the heap, which then reads as idle cost.)
IDLE_IN_FLIGHT = 100
BIG = "big.bin"

# name, title, unit of the primary figure, and the goal: (peer, ratio, figure)
SCENARIOS = {
    "ka-small": ("keep-alive GET 1.1 KB, 50 connections", "per_cpu"),
    "ka-1m": ("keep-alive GET 1 MiB, 10 connections", "rps"),
    "close": ("Connection: close, 1.1 KB, 50 connections", "per_cpu"),
    "pipelined": ("pipelined GET 1.1 KB, 16 connections x 16 in flight (h2load)", "rps"),
    "idle": ("50 active connections beside 10,000 idle ones", "rps"),
    "syscalls": ("syscalls per keep-alive request (strace -c -f)", "syscalls"),
}
GOALS = [
    ("ka-small", "per_cpu", "h2o", 1.3, "keep-alive small file: requests per server CPU-second"),
    ("ka-1m", "rps", "lighttpd", 1.0, "keep-alive 1 MiB: req/s"),
    ("close", "per_cpu", "h2o", 1.1, "Connection: close: requests per server CPU-second"),
    ("pipelined", "rps", "h2o", 1.3, "pipelined small file: req/s"),
]


def log(msg):
    print(msg, flush=True)


def die(msg, code=2):
    print(f"bench: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


# --- /proc accounting -------------------------------------------------------------------

def tree(pid):
    """pid and all its descendants that exist now."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    """utime+stime (and reaped children's) of the process tree, in seconds."""
    ticks = 0
    for p in tree(pid):
        try:
            f = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        fields = f[f.rindex(")") + 2:].split()
        ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    return ticks / CLK_TCK


def rss_bytes(pid):
    total = 0
    for p in tree(pid):
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * PAGE
        except OSError:
            pass
    return total


# --- servers ----------------------------------------------------------------------------

class Server:
    """One peer of peers/*/ as `make bench` runs it (its bench config and start command)."""

    def __init__(self, peer, run, build):
        self.peer, self.name, self.run, self.build = peer, peer.name, run, build
        self.proc = None
        self.port = 0

    def start(self):
        port = peerlib.free_port() if self.peer.port_mode() == "chosen" else None
        argv = self.peer.command("bench", self.run, self.run / "root", self.build, port)
        try:
            self.proc, self.port = peerlib.start(["taskset", "-c", "0", *argv],
                                                 self.run / f"{self.name}.out", port,
                                                 preexec_fn=raise_nofile)
        except RuntimeError as e:
            die(f"{self.name}: {e}", 1)
        time.sleep(0.2)  # let the worker processes settle

    def stop(self):
        if self.proc is not None:
            peerlib.stop(self.proc)
        self.proc = None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path}"


# --- load generators --------------------------------------------------------------------

def run_client(cmd, timeout):
    """Runs a load generator pinned to CPU 1; returns its output and exit status."""
    proc = subprocess.Popen(["taskset", "-c", "1", *cmd], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        out += "\n(killed: overran its time limit)"
    return out, proc.returncode


class ChildCpu:
    """CPU used by the load generators started between enter and exit."""

    def __enter__(self):
        u = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.before = u.ru_utime + u.ru_stime
        return self

    def __exit__(self, *exc):
        u = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.seconds = u.ru_utime + u.ru_stime - self.before


def parse_wrk(out):
    requests = errors = None
    for line in out.splitlines():
        words = line.split()
        if "requests in" in line and words:
            requests = int(words[0])
        if line.strip().startswith("Socket errors"):
            errors = sum(int(w.rstrip(",")) for w in words if w.rstrip(",").isdigit())
        if line.strip().startswith("Non-2xx"):
            errors = (errors or 0) + int(words[-1])
    return requests, errors or 0


def parse_h2load(out):
    requests = errors = None
    for line in out.splitlines():
        if line.startswith("requests:"):
            nums = [int(w) for w in line.replace(",", " ").split() if w.isdigit()]
            # total, started, done, succeeded, failed, errored, timeout
            requests, errors = nums[3], nums[4] + nums[5] + nums[6]
        if line.startswith("status codes:"):
            nums = [int(w) for w in line.replace(",", " ").split() if w.isdigit()]
            errors = (errors or 0) + sum(nums[1:])  # anything but 2xx
    return requests, errors


def measure(server, cmd, parser, seconds):
    """One load run: requests, errors, req/s, server and client CPU seconds."""
    cpu0 = cpu_seconds(server.proc.pid)
    with ChildCpu() as client:
        t0 = time.monotonic()
        out, rc = run_client(cmd, seconds + 20)
        wall = time.monotonic() - t0
    cpu = cpu_seconds(server.proc.pid) - cpu0
    requests, errors = parser(out)
    if requests is None:
        return {"error": f"could not read the client's output (exit {rc}): {out[-300:]}"}
    return {
        "requests": requests, "errors": errors, "rps": requests / seconds,
        "server_cpu": cpu, "per_cpu": requests / cpu if cpu > 0 else None,
        "client_cpu": client.seconds / wall, "raw": out[-2000:],
    }


def wrk(server, path, conns, seconds, extra=()):
    cmd = ["wrk", "-t1", "-c", str(conns), "-d", f"{seconds}s", "--timeout", "5s", *extra,
           server.url(path)]
    return measure(server, cmd, parse_wrk, seconds)


def h2load_pipelined(server, seconds):
    cmd = ["h2load", "--h1", "-t1", "-c16", "-m16", "-D", str(seconds), server.url(SMALL)]
    return measure(server, cmd, parse_h2load, seconds)


def syscalls(server, count):
    """strace -c -f over a fixed-count keep-alive run: system calls per request."""
    pids = tree(server.proc.pid)  # taskset execs the server: the same PID
    report = server.run / f"strace-{server.name}.txt"
    cmd = ["strace", "-c", "-f", "-o", str(report)]
    for p in pids:
        cmd += ["-p", str(p)]
    tracer = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # attach
    out, rc = run_client(["h2load", "--h1", "-t1", "-c50", "-m1", "-n", str(count),
                                server.url(SMALL)], 120)
    time.sleep(0.2)
    tracer.send_signal(signal.SIGINT)
    try:
        tracer.wait(timeout=20)
    except subprocess.TimeoutExpired:
        tracer.kill()
        tracer.wait()
    requests, errors = parse_h2load(out)
    total, top = None, []
    if report.exists():
        for line in report.read_text().splitlines():
            words = line.split()
            if len(words) >= 5 and words[-1] == "total":
                total = int(words[3])
            elif len(words) >= 5 and words[0][0].isdigit() and not line.startswith("-"):
                calls = int(words[3])
                top.append((words[-1], calls))
    if total is None or not requests:
        return {"error": f"strace gave no summary (client exit {rc}): {tracer.stderr.read()[-300:]}"}
    top.sort(key=lambda t: -t[1])
    return {"requests": requests, "errors": errors, "syscalls": total / requests,
            "top": [(name, round(calls / requests, 2)) for name, calls in top[:6]]}


def idle(server, idle_count, seconds):
    """Opens idle_count keep-alive connections (each served once), then measures 50
    active ones beside them; the RSS growth per idle connection comes from /proc."""
    rss0 = rss_bytes(server.proc.pid)
    request = f"GET /{SMALL} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    socks, sel = [], selectors.DefaultSelector()
    pending = {}
    deadline = time.monotonic() + 60
    try:
        for _ in range(idle_count):
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", server.port))
            except BlockingIOError:
                pass
            socks.append(s)
            sel.register(s, selectors.EVENT_WRITE)
            pending[s] = b""
            if len(pending) >= IDLE_IN_FLIGHT:
                _drain(sel, pending, request, deadline, keep=IDLE_IN_FLIGHT // 2)
        _drain(sel, pending, request, deadline, keep=0)
        failed = sum(1 for s in socks if s.fileno() < 0)
        alive = idle_count - failed
        time.sleep(0.5)
        rss1 = rss_bytes(server.proc.pid)
        result = wrk(server, SMALL, 50, seconds)
        # Still open? A server that dropped them has no idle cost to show.
        still = sum(1 for s in socks if s.fileno() >= 0 and _open(s))
        result.update({"idle_open": alive, "idle_after": still,
                       "rss_per_idle": (rss1 - rss0) / max(alive, 1)})
        return result
    finally:
        sel.close()
        for s in socks:
            s.close()


def _open(s):
    try:
        return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def _drain(sel, pending, request, deadline, keep):
    """Sends the request on each connected socket and reads its response, until at most
    `keep` sockets are still busy."""
    while len(pending) > keep and time.monotonic() < deadline:
        for key, mask in sel.select(timeout=1.0):
            s = key.fileobj
            if mask & selectors.EVENT_WRITE:
                try:
                    s.send(request)
                    sel.modify(s, selectors.EVENT_READ)
                except OSError:
                    sel.unregister(s)
                    s.close()
                    pending.pop(s, None)
                continue
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                s.close()
                pending.pop(s, None)
                continue
            pending[s] += data
            head, sep, body = pending[s].partition(b"\r\n\r\n")
            if sep:
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if len(body) >= length:
                    sel.unregister(s)
                    pending.pop(s, None)
    for s in list(pending):  # never answered in time
        sel.unregister(s)
        s.close()
        pending.pop(s, None)


# --- the run ----------------------------------------------------------------------------

def prepare_root(run, build):
    root = run / "root"
    root.mkdir(parents=True)
    shutil.copy(build / "html/index.html", root / SMALL)
    shutil.copy(build / "html/index.html", root / "index.html")
    data = bytes((i * 131 + (i >> 8)) & 0xFF for i in range(1 << 20))
    (root / BIG).write_bytes(data)
    os.chmod(run, 0o755)
    for p in (root, root / SMALL, root / "index.html", root / BIG):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return (root / SMALL).stat().st_size


def one_server(server, scenarios, args):
    results = {}
    server.start()
    try:
        # The idle scenario first, on the freshly started server, so that the RSS growth is
        # not hidden by memory an earlier scenario left behind.
        for name in scenarios:
            if name == "idle":
                results[name] = idle(server, args.idle, args.seconds)
            elif name == "ka-small":
                results[name] = wrk(server, SMALL, 50, args.seconds)
            elif name == "ka-1m":
                results[name] = wrk(server, BIG, 10, args.seconds)
            elif name == "close":
                results[name] = wrk(server, SMALL, 50, args.seconds, ("-H", "Connection: close"))
            elif name == "pipelined":
                results[name] = h2load_pipelined(server, args.seconds)
            elif name == "syscalls":
                results[name] = syscalls(server, args.syscall_requests)
            if server.proc.poll() is not None:
                results[name]["error"] = f"{server.name} exited during {name}"
                break
    finally:
        server.stop()
    return results


def summary(samples, key):
    values = [s[key] for s in samples if s.get(key) is not None and "error" not in s]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build/release"),
                    help="the build tree with h1ref and html/ (default $BUILD, else build/release)")
    ap.add_argument("--servers", help="comma-separated peers of peers/*/ (default: the reference"
                    " and every peer whose RUNS has bench)")
    ap.add_argument("--scenarios", default="idle,ka-small,ka-1m,close,pipelined,syscalls")
    ap.add_argument("--seconds", type=int, default=5, help="per load run (default 5)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    ap.add_argument("--idle", type=int, default=10000, help="idle connections (default 10000)")
    ap.add_argument("--syscall-requests", type=int, default=20000)
    ap.add_argument("--out", default=str(ROOT / "build/report"))
    ap.add_argument("--list", action="store_true",
                    help="print the servers with their versions and start commands, run nothing")
    args = ap.parse_args()

    peers = peerlib.load()  # a broken manifest is one line on stderr; the others still run
    if args.servers is None:
        servers = [p.name for p in peerlib.select(peers, "bench", "reference")] + \
            [p.name for p in peerlib.select(peers, "bench", "origin")]
    else:
        servers = [s for s in args.servers.split(",") if s]
    scenarios = [s for s in args.scenarios.split(",") if s]
    for s in servers:
        if s not in peers or "bench" not in peers[s].runs():
            die(f"unknown server '{s}' (the bench peers of peers/*/: "
                f"{', '.join(p.name for p in peerlib.select(peers, 'bench'))})")
    build = Path(args.build).resolve()
    if args.list:
        with tempfile.TemporaryDirectory() as scratch:
            for s in servers:
                argv = peers[s].command("bench", scratch, build / "html", build,
                                        peerlib.free_port())
                log(f"{s}: {peers[s].version(build)}\n  {' '.join(argv)}")
        return
    for s in scenarios:
        if s not in SCENARIOS:
            die(f"unknown scenario '{s}' ({', '.join(SCENARIOS)})")
    if args.seconds < 1 or args.reps < 1 or args.idle < 0:
        die("--seconds and --reps want at least 1")
    hard = raise_nofile()
    if "idle" in scenarios and hard < args.idle + 200:
        die(f"--idle {args.idle} needs more descriptors than the hard limit {hard}")
    if os.cpu_count() < 2:
        log("bench: one CPU only, so the servers and the clients share it; compare ratios only")

    out = Path(args.out)
    run = out / "bench-run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    size = prepare_root(run, build)
    log(f"bench: {len(servers)} servers x {len(scenarios)} scenarios x {args.reps} repetitions,"
        f" {args.seconds} s per load run; small file {size} bytes; logs in {run}")

    samples = {sc: {sv: [] for sv in servers} for sc in scenarios}
    handles = {name: Server(peers[name], run, build) for name in servers}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    try:
        for rep in range(args.reps):
            for name in servers:
                t0 = time.monotonic()
                res = one_server(handles[name], scenarios, args)
                for sc, r in res.items():
                    samples[sc][name].append(r)
                log(f"[rep {rep + 1}/{args.reps}] {name:9s} " + "  ".join(
                    brief(sc, r) for sc, r in res.items()) + f"  ({time.monotonic() - t0:.0f} s)")
    finally:
        for h in handles.values():
            h.stop()

    report = build_report(samples, servers, scenarios, args, size)
    (out / "bench.json").write_text(json.dumps(report, indent=2) + "\n")
    md = markdown(report)
    (out / "bench.md").write_text(md)
    print()
    print(md)
    log(f"bench: {out / 'bench.md'}, {out / 'bench.json'}")
    if peerlib.broken(peers):
        die(f"left out, their manifests are broken: {', '.join(peerlib.broken(peers))}", 1)


def brief(sc, r):
    if "error" in r:
        return f"{sc}: ERROR"
    if sc == "syscalls":
        return f"{sc}: {r['syscalls']:.2f}/req"
    text = f"{sc}: {r['rps'] / 1000:.1f}k/s"
    if r.get("per_cpu"):
        text += f" {r['per_cpu'] / 1000:.1f}k/cpu-s"
    if r.get("errors"):
        text += f" {r['errors']} errors"
    if sc == "idle":
        text += f" {r['rss_per_idle'] / 1024:.1f} KiB/idle"
    return text


def build_report(samples, servers, scenarios, args, size):
    figures = {}
    for sc in scenarios:
        figures[sc] = {}
        for sv in servers:
            got = samples[sc][sv]
            keys = ("syscalls",) if sc == "syscalls" else (
                "rps", "per_cpu", "client_cpu", "errors") + (("rss_per_idle",) if sc == "idle" else ())
            figures[sc][sv] = {k: summary(got, k) for k in keys}
            figures[sc][sv]["errors_total"] = sum(s.get("errors", 0) or 0 for s in got)
            figures[sc][sv]["failures"] = [s["error"] for s in got if "error" in s]
            if sc == "syscalls":
                figures[sc][sv]["top"] = next((s["top"] for s in got if "top" in s), [])
    goals = []
    for sc, key, peer, want, title in GOALS:
        if sc in figures and "h1ref" in figures[sc] and peer in figures[sc]:
            a, b = figures[sc]["h1ref"].get(key), figures[sc][peer].get(key)
            ratio = a["median"] / b["median"] if a and b and b["median"] else None
            goals.append({"goal": title, "peer": peer, "want": want, "ratio": ratio,
                          "met": ratio is not None and ratio >= want})
    if "syscalls" in figures and "h1ref" in figures["syscalls"]:
        s = figures["syscalls"]["h1ref"]["syscalls"]
        goals.append({"goal": "syscalls per keep-alive request", "want": 2.5,
                      "value": s and s["median"], "met": bool(s) and s["median"] <= 2.5})
    if "idle" in figures and "h1ref" in figures["idle"]:
        s = figures["idle"]["h1ref"]["rss_per_idle"]
        goals.append({"goal": "RSS per idle connection (KiB)", "want": 4.0,
                      "value": s and s["median"] / 1024, "met": bool(s) and s["median"] <= 4096})
    return {"when": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "seconds": args.seconds,
            "reps": args.reps, "idle": args.idle, "small_bytes": size, "servers": servers,
            "figures": figures, "goals": goals,
            "samples": {sc: {sv: [{k: v for k, v in s.items() if k != "raw"} for s in l]
                             for sv, l in d.items()} for sc, d in samples.items()}}


def fmt(s, scale=1.0, digits=0, suffix=""):
    if not s:
        return "n/a"
    m, lo, hi = (s[k] / scale for k in ("median", "min", "max"))
    return f"{m:,.{digits}f}{suffix} ({lo:,.{digits}f}–{hi:,.{digits}f})"


def markdown(rep):
    servers, figures = rep["servers"], rep["figures"]
    lines = [f"# make bench, {rep['when']}", "",
             f"One worker per server on CPU 0, the client on CPU 1; {rep['reps']} interleaved "
             f"repetitions of {rep['seconds']} s. Each cell is the median (min–max). "
             "\"per CPU-s\" is requests per second of server CPU time (utime+stime of its "
             "processes); \"client CPU\" near 100 % means the client, not the server, was the "
             "limit, and then req/s understates the server.", ""]
    for sc, fig in figures.items():
        title = SCENARIOS[sc][0].replace("10,000", f"{rep['idle']:,}")
        lines += [f"## {title}", ""]
        if sc == "syscalls":
            lines += ["| server | syscalls/request | most frequent (per request) |", "|---|---:|---|"]
            for sv in servers:
                f = fig[sv]
                top = ", ".join(f"{n} {c}" for n, c in f.get("top", []))
                lines.append(f"| {sv} | {fmt(f['syscalls'], digits=2)} | {top} |")
        else:
            extra = " RSS per idle conn |" if sc == "idle" else ""
            lines += ["| server | req/s | per CPU-s | client CPU | errors |" + extra,
                      "|---|---:|---:|---:|---:|" + ("---:|" if extra else "")]
            for sv in servers:
                f = fig[sv]
                row = (f"| {sv} | {fmt(f['rps'])} | {fmt(f['per_cpu'])} | "
                       f"{fmt(f['client_cpu'], 0.01, 0, ' %')} | {f['errors_total']} |")
                if extra:
                    row += f" {fmt(f['rss_per_idle'], 1024, 1, ' KiB')} |"
                lines.append(row)
        if "h1ref" in fig and sc != "syscalls":
            key = SCENARIOS[sc][1]
            h = fig["h1ref"].get(key)
            ratios = []
            for sv in servers:
                if sv == "h1ref":
                    continue
                p = fig[sv].get(key)
                if h and p and p["median"]:
                    ratios.append(f"{h['median'] / p['median']:.2f} × {sv}")
            label = "requests per CPU-second" if key == "per_cpu" else "req/s"
            if ratios:
                lines += ["", f"h1ref ({label}): " + ", ".join(ratios)]
        failures = [f"{sv}: {m}" for sv in servers for m in fig[sv].get("failures", [])]
        if failures:
            lines += ["", "Failed runs: " + "; ".join(failures)]
        lines.append("")
    lines += ["## Goals (ratios from this run)", "", "| goal | wanted | measured | met |",
              "|---|---:|---:|---|"]
    for g in rep["goals"]:
        if "ratio" in g:
            got = f"{g['ratio']:.2f} × {g['peer']}" if g["ratio"] else "n/a"
            want = f"≥ {g['want']} × {g['peer']}"
        else:
            got = f"{g['value']:.2f}" if g["value"] is not None else "n/a"
            want = f"≤ {g['want']}"
        lines.append(f"| {g['goal']} | {want} | {got} | {'yes' if g['met'] else 'no'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
