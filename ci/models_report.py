#!/usr/bin/env python3
"""Turns the wrk logs of ci/bench-models.sh into models.md, models.json and models.svg.

usage: models_report.py RESULTS.tsv OUT_DIR SECONDS
RESULTS.tsv has one line per run: model, scenario, connections, wrk exit status, log path,
and the fresh client's "HTTP-CODE SECONDS" (000 when it got no answer while wrk ran).
"""
import json
import math
import re
import sys
from html import escape

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
SCENARIOS = [("keep-alive", "keep-alive: requests on open connections"),
             ("close", "Connection: close: a new connection per request")]
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"]


def to_ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse_wrk(path, wrk_rc, probe):
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        text = ""
    run = {"rps": None, "p99_ms": None, "requests": 0, "errors": 0, "non_2xx": 0}
    m = re.search(r"^Requests/sec:\s*([0-9.]+)", text, re.M)
    if m:
        run["rps"] = float(m.group(1))
    m = re.search(r"^\s*99%\s+(\S+)", text, re.M)
    if m:
        run["p99_ms"] = to_ms(m.group(1))
    m = re.search(r"^\s*(\d+) requests in", text, re.M)
    if m:
        run["requests"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        run["errors"] = sum(int(x) for x in m.groups())
        run["socket_errors"] = dict(zip(["connect", "read", "write", "timeout"],
                                        (int(x) for x in m.groups())))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        run["non_2xx"] = int(m.group(1))
    code, _, secs = probe.partition(" ")
    run["fresh_client"] = {"status": int(code) if code.isdigit() else 0,
                           "seconds": float(secs) if secs.replace(".", "", 1).isdigit() else None}
    run["degraded"] = (wrk_rc != 0 or run["rps"] is None or run["errors"] > 0
                       or run["non_2xx"] > 0 or run["fresh_client"]["status"] != 200)
    return run


def fmt_rps(run):
    if run["rps"] is None:
        return "no result"
    text = f"{run['rps']:,.0f}"
    return text + " †" if run["degraded"] else text


def fmt_p99(run):
    return "–" if run["p99_ms"] is None else f"{run['p99_ms']:.2f} ms"


def nice_ceiling(v):
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * exp:
            return step * exp
    return 10 * exp


def svg_chart(runs, models, conns, seconds):
    width, height = 980, 430
    panel_w, panel_h, top, left, gap = 400, 290, 60, 80, 90
    ymax = nice_ceiling(max([r["rps"] or 0 for r in runs] + [1]))
    xs = sorted(set(conns))
    lo, hi = math.log10(min(xs)), math.log10(max(xs))

    def xpos(panel, c):
        frac = 0.5 if hi == lo else (math.log10(c) - lo) / (hi - lo)
        return left + panel * (panel_w + gap) + 20 + frac * (panel_w - 40)

    def ypos(v):
        return top + panel_h - (v / ymax) * panel_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="16">h1ref: requests '
           f'per second by concurrency model (wrk, {seconds} s per point, server on one core)'
           '</text>']
    for p, (scenario, title) in enumerate(SCENARIOS):
        x0 = left + p * (panel_w + gap)
        out.append(f'<text x="{x0 + panel_w / 2}" y="{top - 12}" text-anchor="middle">'
                   f'{escape(title)}</text>')
        out.append(f'<rect x="{x0}" y="{top}" width="{panel_w}" height="{panel_h}" '
                   'fill="none" stroke="#999"/>')
        for i in range(6):
            v = ymax * i / 5
            y = ypos(v)
            out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + panel_w}" y2="{y:.1f}" '
                       'stroke="#eee"/>')
            out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{v:,.0f}</text>')
        for c in xs:
            x = xpos(p, c)
            out.append(f'<text x="{x:.1f}" y="{top + panel_h + 18}" text-anchor="middle">{c}'
                       '</text>')
        out.append(f'<text x="{x0 + panel_w / 2}" y="{top + panel_h + 38}" '
                   'text-anchor="middle">concurrent connections (log scale)</text>')
        for mi, model in enumerate(models):
            colour = COLOURS[mi % len(COLOURS)]
            pts = [r for r in runs if r["model"] == model and r["scenario"] == scenario
                   and r["rps"] is not None]
            pts.sort(key=lambda r: r["connections"])
            if len(pts) > 1:
                path = " ".join(f"{xpos(p, r['connections']):.1f},{ypos(r['rps']):.1f}"
                                for r in pts)
                out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                           'stroke-width="2"/>')
            for r in pts:
                fill = "white" if r["degraded"] else colour
                out.append(f'<circle cx="{xpos(p, r["connections"]):.1f}" '
                           f'cy="{ypos(r["rps"]):.1f}" r="4" fill="{fill}" stroke="{colour}" '
                           'stroke-width="2"/>')
    out.append(f'<text x="18" y="{top + panel_h / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {top + panel_h / 2})">requests per second</text>')
    ly = height - 28
    lx = left
    for mi, model in enumerate(models):
        colour = COLOURS[mi % len(COLOURS)]
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 22}" y2="{ly}" stroke="{colour}" '
                   'stroke-width="3"/>')
        out.append(f'<text x="{lx + 28}" y="{ly + 4}">{escape(model)}</text>')
        lx += 40 + 8 * len(model)
    out.append(f'<circle cx="{lx + 10}" cy="{ly}" r="4" fill="white" stroke="#444" '
               'stroke-width="2"/>')
    out.append(f'<text x="{lx + 20}" y="{ly + 4}">degraded: cannot serve that many '
               'at once</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def markdown(runs, models, conns):
    lines = []
    for scenario, title in SCENARIOS:
        lines.append(f"### {title}\n")
        header = "| model | " + " | ".join(f"{c} conn{'s' if c > 1 else ''}" for c in conns)
        lines.append(header + " |")
        lines.append("|---|" + "---:|" * len(conns))
        for model in models:
            cells = []
            for c in conns:
                run = next((r for r in runs if r["model"] == model and r["scenario"] == scenario
                            and r["connections"] == c), None)
                cells.append("–" if run is None else f"{fmt_rps(run)} req/s, p99 {fmt_p99(run)}")
            lines.append(f"| {model} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.append("† degraded: a fresh client got no answer while wrk's connections were open, or wrk saw "
                 "timeouts or socket errors: the model could not serve that many connections at "
                 "once, and the figure counts only what it served.")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    results, out_dir, seconds = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = []
    models, conns = [], []
    for line in open(results, encoding="utf-8"):
        model, scenario, c, rc, log, probe = line.rstrip("\n").split("\t")
        run = {"model": model, "scenario": scenario, "connections": int(c)}
        run.update(parse_wrk(log, int(rc), probe))
        runs.append(run)
        if model not in models:
            models.append(model)
        if int(c) not in conns:
            conns.append(int(c))
    if not runs:
        sys.exit("models_report: no runs in " + results)
    with open(f"{out_dir}/models.json", "w", encoding="utf-8") as f:
        json.dump({"seconds_per_run": int(seconds), "runs": runs}, f, indent=1)
    with open(f"{out_dir}/models.md", "w", encoding="utf-8") as f:
        f.write(markdown(runs, models, conns))
    with open(f"{out_dir}/models.svg", "w", encoding="utf-8") as f:
        f.write(svg_chart(runs, models, conns, seconds))
    sys.stdout.write(markdown(runs, models, conns))


if __name__ == "__main__":
    main()
