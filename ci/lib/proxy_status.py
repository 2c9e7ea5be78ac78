#!/usr/bin/env python3
"""Writes build/report/proxies-peers.json for ci/compare-proxies.sh: every proxy peer the run
picked, with its Debian packages and their installed versions, its version line, its ports,
and what became of it: "graded", "started" (with --no-grade), "not installable",
"did not start", "does not forward" or "broken manifest", with the reason. Prints the same
as a table.

  proxy_status.py STATUS_TSV OUT_JSON --build B [--graded H1SPEC_EXIT]

STATUS_TSV: one line per peer, NAME STATUS REASON PORT ORIGIN_PORT, tab-separated.
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


def main(argv):
    if len(argv) < 4 or argv[2] != "--build":
        print(__doc__, file=sys.stderr)
        return 2
    tsv, out, build = Path(argv[0]), Path(argv[1]), argv[3]
    graded = argv[5] if len(argv) >= 6 and argv[4] == "--graded" else None
    known = manifests.load(warn=False)
    rows = []
    for line in tsv.read_text().splitlines():
        name, status, reason, port, origin_port = (line.split("\t") + [""] * 5)[:5]
        peer = known.get(name)
        if status == "started" and graded is not None:
            # 3: h1spec could not run (its one line is in proxies-run/h1spec.txt); 124, 137:
            # it overran its bound and was stopped. Any other status is a verdict.
            if graded in ("3", "124", "137"):
                status, reason = "not graded", f"h1spec exit status {graded}"
            else:
                status = "graded"
        row = {"name": name, "status": status, "reason": reason,
               "port": int(port) if port else None,
               "origin_port": int(origin_port) if origin_port else None}
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
        print(f"  {r['name']:16} {r['status']:16} {pkgs or '(from the build)':40} "
              f"{r['reason']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
