#!/usr/bin/env python3
"""Writes build/report/proxies-peers.json for ci/compare-proxies.sh: every proxy peer the run
picked, with its Debian packages and their installed versions, its version line, its ports,
and what became of it: "graded", "started" (with --no-grade), "not installable",
"did not start", "does not forward" or "broken manifest", with the reason. Prints the same
as a table.

  proxy_status.py STATUS_TSV OUT_JSON --build B [--graded H1SPEC_EXIT --report JSON
                  --died DIED_TSV]

STATUS_TSV: one line per peer, NAME STATUS REASON PORT ORIGIN_PORT, tab-separated. With
--graded: a proxy that started is "graded" if h1spec's JSON report has it as a target (with
its counts), else "not graded"; DIED_TSV (NAME REASON) names the proxies that were no longer
running after the cases, which is added to their row (died_during_run).
"""

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers as manifests  # noqa: E402  (the one manifest reader)


def package_version(package):
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}\t${Version}", package],
                         capture_output=True, text=True)
    state, _, version = out.stdout.partition("\t")
    return version if out.returncode == 0 and state == "install ok installed" else None


def target_counts(report):
    """Per target of an h1spec JSON report: its verdict counts, SMUGGLED and DESYNC."""
    try:
        doc = json.loads(Path(report).read_text())
    except (OSError, ValueError):
        return {}
    counts = {t["name"]: {"passed": 0, "failed": 0, "warned": 0, "errors": 0, "must_failed": 0,
                          "smuggled": 0, "desync": 0} for t in doc.get("targets", [])}
    for r in doc.get("results", []):
        c = counts.get(r.get("target"))
        if c is None:
            continue
        verdict = r.get("verdict")
        key = {"PASS": "passed", "FAIL": "failed", "WARN": "warned", "ERROR": "errors"}.get(verdict)
        if key:
            c[key] += 1
        # As h1spec counts them: SMUGGLED and DESYNC fail as MUST whatever the case's level.
        if verdict == "FAIL" and (r.get("level") == "MUST" or r.get("smuggling", "none") != "none"):
            c["must_failed"] += 1
        if r.get("smuggling") == "SMUGGLED":
            c["smuggled"] += 1
        elif r.get("smuggling") == "DESYNC":
            c["desync"] += 1
    return counts


def main(argv):
    opts = dict(zip(argv[2::2], argv[3::2]))
    if len(argv) < 4 or "--build" not in opts:
        print(__doc__, file=sys.stderr)
        return 2
    tsv, out, build = Path(argv[0]), Path(argv[1]), opts["--build"]
    graded = opts.get("--graded")
    counts = target_counts(opts["--report"]) if "--report" in opts else {}
    died = {}
    if Path(opts.get("--died", "/nonexistent")).is_file():
        for line in Path(opts["--died"]).read_text().splitlines():
            name, _, why = line.partition("\t")
            died[name] = why
    known = manifests.load(warn=False)
    rows = []
    for line in tsv.read_text().splitlines():
        name, status, reason, port, origin_port = (line.split("\t") + [""] * 5)[:5]
        # h1fault-FAULT: the --fault column, an instance of the h1fault peer.
        peer = known.get(name) or (known.get("h1fault") if name.startswith("h1fault-") else None)
        row = {"name": name, "status": status, "reason": reason,
               "port": int(port) if port else None,
               "origin_port": int(origin_port) if origin_port else None}
        if status == "started" and graded is not None:
            if name in counts:
                row["status"] = "graded"
                row["results"] = counts[name]
            else:
                row["status"] = "not graded"
                row["reason"] = f"h1spec exit status {graded}, and no results for it"
        if name in died:
            row["died_during_run"] = died[name]
        if peer:
            row["role"] = peer.role()
            row["packages"] = {p: package_version(p) for p in peer.packages()}
            row["version"] = peer.version(build)
        rows.append(row)
    doc = {"run": "proxies", "h1spec_exit": int(graded) if graded is not None else None,
           "peers": rows}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2) + "\n")
    for r in rows:
        pkgs = " ".join(f"{p} {v or '(missing)'}" for p, v in r.get("packages", {}).items())
        note = r["reason"]
        if "died_during_run" in r:
            note = f"DIED during the run: {r['died_during_run']}"
        print(f"  {r['name']:16} {r['status']:16} {pkgs or '(from the build)':34} {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
