#!/usr/bin/env python3
"""The peers as data: reads peers/<name>/peer.conf (format in peers/README.md).

The one parser of the manifests. ci/bench.py imports it; the shell scripts call it through
ci/lib/peers.sh:

  peers.py list [--run RUN] [--role ROLE]   valid peers, one per line, sorted
  peers.py check                            every manifest; exit 1 if one is broken
  peers.py table --build B                  every peer: role, runs, packages, version
  peers.py pick RUN [--with-reference] [NAME...]
                                            the peers a run uses: the NAMEs, or every
                                            origin with RUN in its RUNS; the reference
                                            first with --with-reference. Exit 1: some
                                            manifest is broken (the rest are printed);
                                            2: a NAME is unknown or not for RUN
  peers.py get NAME FIELD                   one field (profile-less), empty if unset
  peers.py packages NAME...                 their Debian packages, one per line
  peers.py command NAME --run RUN --run-dir D --root R --build B [--port N]
                     [--origin-port N]      fills NAME's config (and FILES) into D, prints the
                                            argv NUL-separated; the proxies run needs
                                            --origin-port (where the proxy forwards)
  peers.py version NAME --build B           the peer's version line, or "unknown"

A broken manifest prints one line naming its file and field on stderr and is left out;
the other peers are still listed.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
# H1_PEERS_DIR: another folder of peers (the tests of this loader use a broken copy).
PEERS = Path(os.environ.get("H1_PEERS_DIR") or REPO / "peers").resolve()
ROLES = ("origin", "reference", "proxy")
RUNS = ("compare", "fuzz", "bench", "proxies")
# The run that grades reverse proxies: its peers forward to 127.0.0.1:@ORIGIN_PORT@, and a
# ROLE=proxy peer takes part in no other run (it serves no docroot of its own).
PROXY_RUN = "proxies"
PORT_MODES = ("chosen", "announced")
# START and CONFIG may be overridden for one run: START_BENCH, CONFIG_FUZZ, ...
PER_RUN = ("START", "CONFIG")
FIELDS = {"ROLE", "RUNS", "PACKAGES", "START", "CONFIG", "FILES", "PORT", "VERSION",
          "AS_ROOT"} | {f"{key}_{run.upper()}" for key in PER_RUN for run in RUNS}
PLACEHOLDERS = {"@PORT@", "@ORIGIN_PORT@", "@ROOT@", "@RUN@", "@DIR@", "@CONF@", "@BUILD@",
                "@USER@"}
# Any IPv4 address in a command or template must be a loopback one (127.0.0.0/8).
IPV4 = re.compile(r"(?<![\d.])(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])")
NAME = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


class Broken(Exception):
    """A manifest that cannot be used: str() is the one line to print."""


class Peer:
    def __init__(self, folder):
        self.name = folder.name
        self.folder = folder
        self.file = folder / "peer.conf"
        self.fields = self._parse()
        self._check()

    def where(self, field=None):
        rel = os.path.relpath(self.file, PEERS.parent)
        return f"{rel}: {field}" if field else rel

    def _parse(self):
        if not NAME.match(self.name):
            raise Broken(f"{self.where()}: folder name '{self.name}' is not [a-z0-9.-]+")
        try:
            text = self.file.read_text()
        except OSError as e:
            raise Broken(f"{self.where()}: cannot read ({e.strerror})")
        fields = {}
        for n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            key = key.strip()
            if not sep:
                raise Broken(f"{self.where()}:{n}: not KEY=value: {line}")
            if key not in FIELDS:
                raise Broken(f"{self.where(key)}: unknown field (line {n})")
            if key in fields:
                raise Broken(f"{self.where(key)}: given twice (line {n})")
            fields[key] = value.strip()
        return fields

    def _check(self):
        f = self.fields
        for key in ("ROLE", "RUNS", "START"):
            if not f.get(key):
                raise Broken(f"{self.where(key)}: missing")
        if f["ROLE"] not in ROLES:
            raise Broken(f"{self.where('ROLE')}: '{f['ROLE']}' is not one of {', '.join(ROLES)}")
        for run in f["RUNS"].split():
            if run not in RUNS:
                raise Broken(f"{self.where('RUNS')}: '{run}' is not one of {', '.join(RUNS)}")
        if f.get("PORT", "chosen") not in PORT_MODES:
            raise Broken(f"{self.where('PORT')}: '{f['PORT']}' is not one of "
                         f"{', '.join(PORT_MODES)}")
        for key, value in f.items():
            if key.startswith("START"):
                for word in re.findall(r"@[A-Z_]+@", value):
                    if word not in PLACEHOLDERS:
                        raise Broken(f"{self.where(key)}: unknown placeholder {word}")
                run = key[len("START_"):].lower() if "_" in key else None
                config = self.fields.get(f"CONFIG_{run.upper()}" if run else "CONFIG") or \
                    self.fields.get("CONFIG", "")
                told = "@PORT@" in value or (
                    config and "@PORT@" in self._text(config, "CONFIG")) or any(
                    "@PORT@" in self._text(t, "FILES") for t in f.get("FILES", "").split())
                if self.port_mode() == "chosen" and not told:
                    raise Broken(f"{self.where(key)}: no @PORT@ in it or its config (PORT=chosen:"
                                 " the server is told its port)")
                if self.port_mode() == "announced" and "@PORT@" in value:
                    raise Broken(f"{self.where(key)}: @PORT@ with PORT=announced (it picks its"
                                 " own)")
            if key.startswith("CONFIG"):
                self._text(value, key)
        for template in f.get("FILES", "").split():
            if "/" in template:
                raise Broken(f"{self.where('FILES')}: '{template}' is not a file name of "
                             f"{self.folder.name}/")
            self._text(template, "FILES")
        self._check_proxies()
        self._check_loopback()

    def _check_proxies(self):
        """A proxy runs in the proxies run only, and every peer of that run is told where it
        forwards (@ORIGIN_PORT@, in its START for the run, that START's config or FILES); no
        other run has an origin port to give."""
        f = self.fields
        runs = self.runs()
        if self.role() == "proxy" and runs != [PROXY_RUN]:
            raise Broken(f"{self.where('RUNS')}: '{f['RUNS']}' for ROLE=proxy (a proxy takes part"
                         f" in {PROXY_RUN} only)")
        if PROXY_RUN in runs and self.role() == "origin":
            raise Broken(f"{self.where('RUNS')}: {PROXY_RUN} wants ROLE=proxy (or reference)")
        for run in RUNS:
            start_key = f"START_{run.upper()}" if f"START_{run.upper()}" in f else "START"
            config = self.field("CONFIG", run)
            texts = [f[start_key]] + ([self._text(config, "CONFIG")] if config else []) + [
                self._text(t, "FILES") for t in f.get("FILES", "").split()]
            told = any("@ORIGIN_PORT@" in t for t in texts)
            if run == PROXY_RUN and run in runs and not told:
                raise Broken(f"{self.where(start_key)}: no @ORIGIN_PORT@ in it or its config "
                             f"(a proxy is told the port of 127.0.0.1 it forwards to)")
            if run != PROXY_RUN and run in runs and "@ORIGIN_PORT@" in f[start_key]:
                raise Broken(f"{self.where(start_key)}: @ORIGIN_PORT@ outside the {PROXY_RUN} run")

    def _check_loopback(self):
        """Every address a peer is given is a loopback one: a template that named another
        host could send the suite's bytes off the machine."""
        texts = [(k, v) for k, v in self.fields.items() if k.startswith("START")]
        for key, value in self.fields.items():
            if key.startswith("CONFIG"):
                texts.append((f"{key} ({self.folder.name}/{value})", self._text(value, key)))
        for t in self.fields.get("FILES", "").split():
            texts.append((f"FILES ({self.folder.name}/{t})", self._text(t, "FILES")))
        for key, text in texts:
            for n, line in enumerate(text.splitlines(), 1):
                if line.lstrip().startswith("#"):
                    continue
                for m in IPV4.finditer(line):
                    if m.group(1) != "127":
                        raise Broken(f"{self.where(key)}: {m.group(0)} is not a loopback address"
                                     f" (line {n})")

    def _text(self, template, key):
        try:
            return (self.folder / template).read_text()
        except OSError:
            raise Broken(f"{self.where(key)}: cannot read {self.folder.name}/{template}")

    def port_mode(self):
        return self.fields.get("PORT", "chosen")

    def role(self):
        return self.fields["ROLE"]

    def runs(self):
        return self.fields["RUNS"].split()

    def packages(self):
        return self.fields.get("PACKAGES", "").split()

    def field(self, key, run):
        """KEY_RUN if set, else KEY."""
        return self.fields.get(f"{key}_{run.upper()}", self.fields.get(key, ""))

    def command(self, run, run_dir, root, build, port=None, origin_port=None):
        """Writes the config for `run` (and FILES, into run_dir/NAME/) into run_dir and returns
        the argv to start the peer."""
        if run == PROXY_RUN and not origin_port:
            raise Broken(f"{self.where()}: the {PROXY_RUN} run needs an origin port")
        run_dir, root, build = (Path(p).resolve() for p in (run_dir, root, build))
        user = self.fields.get("AS_ROOT", "") if os.getuid() == 0 else ""
        own = run_dir / self.name
        own.mkdir(parents=True, exist_ok=True)
        values = {"@PORT@": str(port or ""), "@ORIGIN_PORT@": str(origin_port or ""),
                  "@ROOT@": str(root), "@RUN@": str(run_dir), "@DIR@": str(own),
                  "@BUILD@": str(build), "@USER@": user, "@CONF@": ""}
        for template in self.fields.get("FILES", "").split():
            (own / template).write_text(fill(self._template(template), values))
        template = self.field("CONFIG", run)
        if template:
            conf = run_dir / f"{self.name}.conf"
            conf.write_text(fill(self._template(template), values))
            values["@CONF@"] = str(conf)
        # Split first, fill after: a path with a space stays one word.
        return [fill(word, values) for word in self.field("START", run).split()]

    def _template(self, name):
        # The templates' comments name the placeholders; filled in they would read as
        # nonsense, so comment lines are dropped.
        return "".join(line for line in (self.folder / name).read_text().splitlines(True)
                       if not line.lstrip().startswith("#"))

    def version(self, build):
        cmd = self.fields.get("VERSION", "")
        if not cmd:
            return "unknown"
        argv = [fill(w, {"@BUILD@": str(Path(build).resolve())}) for w in cmd.split()]
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        lines = (out.stdout + out.stderr).strip().splitlines()
        # A failing version command prints its usage error, not a version.
        return lines[0] if lines and out.returncode == 0 else "unknown"


def free_port():
    """A loopback port that was free a moment ago (for PORT=chosen peers)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv, log, port=None, seconds=10, **popen):
    """Starts argv with its output appended to the file log and waits, at most `seconds`, for
    it to accept on `port` or, without one, for its "listening on http://HOST:PORT" line (the
    Python twin of ci/lib/server.sh). Returns (process, port); raises RuntimeError with the
    log's tail if it exits or overruns, and leaves no process behind."""
    log = Path(log)
    offset = log.stat().st_size if log.exists() else 0
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, **popen)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if port is None:
            found = re.search(rb"^listening on http://[^ ]*:(\d+)", log.read_bytes()[offset:], re.M)
            if found:
                return proc, int(found.group(1))
        else:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc, port
            except OSError:
                pass
        time.sleep(0.05)
    why = "exited before listening" if proc.poll() is not None else f"not listening in {seconds} s"
    stop(proc)
    tail = log.read_bytes()[offset:].decode(errors="replace")[-2000:]
    raise RuntimeError(f"{Path(argv[0]).name} {why}; its log ({log}):\n{tail}")


def stop(proc, seconds=10):
    """TERM, then KILL after `seconds`; True if TERM was enough."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return False
    return True


def fill(text, values):
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def load(warn=True):
    """Every valid peer by name; each broken manifest is one line on stderr."""
    peers = {}
    for folder in sorted(p for p in PEERS.iterdir() if p.is_dir()):
        try:
            peers[folder.name] = Peer(folder)
        except Broken as e:
            if warn:
                print(f"peers: {e}", file=sys.stderr, flush=True)
    return peers


def broken(peers):
    """The folders of peers/ whose manifest load() left out."""
    return sorted(d.name for d in PEERS.iterdir() if d.is_dir() and d.name not in peers)


def select(peers, run, role=None):
    return [p for p in peers.values() if run in p.runs() and (role is None or p.role() == role)]


def pick(peers, run, names, with_reference):
    if run not in RUNS:
        return usage(f"no run '{run}' ({', '.join(RUNS)})")
    bad = bool(broken(peers))
    chosen = []
    if with_reference:
        chosen = [p.name for p in select(peers, run, "reference")]
        if not chosen:
            print(f"peers: no reference peer (ROLE=reference) for {run} in peers/",
                  file=sys.stderr)
            return 1
    graded = "proxy" if run == PROXY_RUN else "origin"
    for name in names or [p.name for p in select(peers, run, graded)]:
        if name in chosen:
            continue
        if name not in peers:
            if (PEERS / name).is_dir():
                print(f"peers: {name}: left out, its manifest is broken", file=sys.stderr)
                bad = True
                continue
            return usage(f"no peer '{name}' (peers/ holds {', '.join(peers)})")
        if run not in peers[name].runs():
            return usage(f"{name} does not take part in {run} (RUNS={peers[name].fields['RUNS']}"
                         f" in {peers[name].where()})")
        chosen.append(name)
    print("\n".join(chosen))
    return 1 if bad else 0


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    verb, rest = argv[0], argv[1:]
    opts, args = {}, []
    while rest:
        a = rest.pop(0)
        if a == "--with-reference":
            opts["with-reference"] = True
        elif a.startswith("--"):
            if not rest:
                return usage(f"{a} wants a value")
            opts[a[2:]] = rest.pop(0)
        else:
            args.append(a)
    if verb == "check":
        return 1 if broken(load()) else 0
    peers = load(warn=verb in ("list", "pick", "table"))
    if verb == "pick" and args:
        return pick(peers, args[0], args[1:], "with-reference" in opts)
    if verb == "list":
        for p in peers.values():
            if ("run" not in opts or opts["run"] in p.runs()) and \
                    ("role" not in opts or opts["role"] == p.role()):
                print(p.name)
        return 0
    if verb == "table" and "build" in opts:
        for p in peers.values():
            print(f"{p.name:20} {p.role():9} {' '.join(p.runs()):20} "
                  f"{' '.join(p.packages()) or '(from the build)':16} {p.version(opts['build'])}")
        return 1 if broken(peers) else 0
    for name in args if verb == "packages" else args[:1]:
        if name not in peers:
            known = (PEERS / name / "peer.conf").exists()
            print(f"peers: {name}: " + ("its manifest is broken" if known else
                                        f"no such peer (none of {', '.join(peers)})"),
                  file=sys.stderr)
            return 1
    if verb == "get" and len(args) == 2:
        print(peers[args[0]].fields.get(args[1], ""))
        return 0
    if verb == "packages":
        for name in args:
            print("\n".join(peers[name].packages()))
        return 0
    if verb == "command" and len(args) == 1 and {"run", "run-dir", "root", "build"} <= set(opts):
        try:
            argv = peers[args[0]].command(opts["run"], opts["run-dir"], opts["root"],
                                          opts["build"], opts.get("port"), opts.get("origin-port"))
        except Broken as e:
            print(f"peers: {e}", file=sys.stderr)
            return 1
        sys.stdout.write("".join(w + "\0" for w in argv))
        return 0
    if verb == "version" and len(args) == 1 and "build" in opts:
        print(peers[args[0]].version(opts["build"]))
        return 0
    return usage(f"bad arguments to {verb}")


def usage(msg):
    print(f"peers: {msg}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
