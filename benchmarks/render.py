"""Map speed and size: `tracks map` and `tracks check` of a large file against a bare floor (not a test).

    python benchmarks/render.py --file-points 10000000 [--repeat 3]    # the issue 12 goal: within 5x the floor
    python benchmarks/render.py --points 100000 1000000 [--repeat 3]    # render_map in process vs a folium PolyLine

File mode writes (once, into --workdir) a Parquet file of OpenSky state vectors (the Trino / pyopensky layout,
read by the `opensky-states-parquet` reader) of one aircraft looping over Venezuela (1 sample/s, GPS-like noise,
a 10-minute coverage gap every 100,000 samples) and a case file with two claims
on it (it never entered Brazil; it came within 15 km of the Venezuela-Roraima border). Then, interleaved and
repeated, each in a fresh process (interpreter start and imports included in every one):

- the floor: pyarrow reads the file's time/lat/lon, shapely.contains_xy tests every point against Venezuela,
  one pass of the chunked Douglas-Peucker the map uses (tracks.render.simplify.douglas_peucker), and the kept
  points are written as JSON into an HTML file;
- `tracks map FILE -o map.html`;
- `tracks check case.yaml --out DIR` (report.json, report.md, profile.svg, map.html).

Prints wall and CPU (user + system of the child) seconds, medians and the ratios to the floor's; the HTML
sizes; and whether every sample a verdict cites is drawn on the check's map.

Process mode (--points) times render_map + to_html in this process against a bare folium PolyLine of every
sample (the goal of issue 6: a 1M-point track renders to at most 10 MB of HTML).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
T0 = 1764288000  # 2025-11-28T00:00:00Z
CASE = """title: "Benchmark: {n:,} samples over Venezuela"
aircraft: {{icao24: 0d8373}}
timezone: America/Caracas
window: {{start: 2025-11-28T00:00Z, end: 2026-01-31T00:00Z}}
tracks: [{name}]
claims:
  - id: stayed-in-venezuela
    quote: "it did not enter Brazil"
    test: {{never_entered: BR}}
  - id: reached-border
    quote: "flew to the border with Roraima"
    test:
      approached: {{border: [VE, BR-RR], within_km: 15}}
"""


def make_table(n: int, seed: int = 1) -> pa.Table:
    """One aircraft as OpenSky state vectors (the Trino/pyopensky Parquet layout): n samples 1 s apart,
    looping over Venezuela, GPS-like noise, a 10-minute coverage gap every 100,000 samples; metres, m/s."""
    rng = np.random.default_rng(seed)
    k = np.arange(n)
    t = T0 + k + (k // 100_000) * 600
    lat = 6 + 1.5 * np.sin(2 * np.pi * k / 7200) + 0.3 * np.sin(2 * np.pi * k / 97_000) + rng.normal(0, 2e-4, n)
    lon = -64 + 2.5 * np.cos(2 * np.pi * k / 7200) + 0.5 * np.sin(2 * np.pi * k / 131_000) + rng.normal(0, 2e-4, n)
    alt_m = (20_000 + 15_000 * np.sin(k / 20_000)) * 0.3048
    return pa.table({
        "time": pa.array(t.astype("datetime64[s]"), pa.timestamp("s", tz="UTC")),
        "icao24": pa.array(np.full(n, "0d8373")).dictionary_encode(),
        "lat": lat.round(6),
        "lon": lon.round(6),
        "velocity": np.full(n, 230.0),
        "heading": np.full(n, 90.0),
        "vertrate": np.zeros(n),
        "callsign": pa.array(np.full(n, "VCV2984 ")).dictionary_encode(),
        "onground": np.zeros(n, dtype=bool),
        "squawk": pa.array(np.full(n, "1000")).dictionary_encode(),
        "baroaltitude": alt_m.round(2),
        "geoaltitude": (alt_m + 50).round(2),
        "lastposupdate": t.astype(float),
        "lastcontact": t.astype(float),
    })


def prepare(workdir: Path, n: int) -> tuple[Path, Path]:
    """The Parquet file and the case file (written once per size)."""
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / f"track_{n}.parquet"
    if not data.exists():
        pq.write_table(make_table(n), data)
    case = workdir / f"case_{n}.yaml"
    case.write_text(CASE.format(n=n, name=data.name))
    return data, case


def floor(data: Path, out: Path) -> None:
    """The bare floor, run in its own process: read, contains, one chunked simplify, write."""
    import shapely

    from tracks.geo.regions import get_region
    from tracks.render.simplify import douglas_peucker

    table = pq.read_table(data, columns=["time", "lat", "lon"])
    lat = table.column("lat").to_numpy()
    lon = table.column("lon").to_numpy()
    inside = shapely.contains_xy(get_region("VE").geometry, lon, lat)
    span = max(float(np.ptp(lat)), float(np.ptp(lon)))
    kept = douglas_peucker(lat, lon, span / 2000)
    body = json.dumps({"lat": np.round(lat[kept], 5).tolist(), "lon": np.round(lon[kept], 5).tolist(),
                       "inside": int(inside.sum())})
    out.write_text(f"<!DOCTYPE html><html><body><script type='application/json'>{body}</script></body></html>")


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall s, CPU s of the child) of one command in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(REPO)})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(cmds: dict[str, list[str]], repeat: int, cwd: Path) -> dict[str, list[tuple[float, float]]]:
    """(wall s, CPU s) of each command, run `repeat` times in turn (interleaved: each repetition under the same
    conditions), each in a fresh process."""
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    for r in range(repeat):
        for name, cmd in cmds.items():
            times[name].append(run(cmd, cwd))
            print(f"  run {r + 1} {name:<6} wall {times[name][-1][0]:7.2f} s  cpu {times[name][-1][1]:7.2f} s",
                  flush=True)
    return times


def print_ratios(times: dict[str, list[tuple[float, float]]]) -> None:
    """Median wall and CPU seconds of each command and the median of its per-repetition ratios to 'floor'."""
    print(f"{'':<7}{'wall s':>9}{'cpu s':>9}{'wall/floor':>12}{'cpu/floor':>11}")
    for name, rows in times.items():
        w = statistics.median(x for x, _ in rows)
        c = statistics.median(x for _, x in rows)
        # ratios within each repetition (same conditions), then their median
        rw = statistics.median(a[0] / b[0] for a, b in zip(rows, times["floor"], strict=True))
        rc = statistics.median(a[1] / b[1] for a, b in zip(rows, times["floor"], strict=True))
        print(f"{name:<7}{w:9.2f}{c:9.2f}{rw:11.2f}x{rc:10.2f}x")


def evidence_drawn(out: Path) -> tuple[int, int]:
    """(cited samples drawn on the check's map, cited samples): each must be a drawn sample, to the second."""
    report = json.loads((out / "report.json").read_text())
    cited = {pd.Timestamp(s["time"]).value / 1e9 for c in report["claims"] for s in c["evidence"]["samples"]}
    html = (out / "map.html").read_text()
    m = re.search(r'<script type="application/json" id="tracks-data-[^"]+">(.*?)</script>', html, re.S)
    payload = json.loads(m.group(1)) if m else {"tracks": []}
    drawn = {round(t["t0"] + x, 1) for t in payload["tracks"] for x in t["t"]}
    return sum(1 for c in cited if any(abs(c - d) <= 0.5 for d in drawn)), len(cited)


def file_mode(n: int, repeat: int, workdir: Path) -> None:
    data, case = prepare(workdir, n)
    py = sys.executable
    cmds = {
        "floor": [py, str(Path(__file__).resolve()), "--floor", str(data), str(workdir / "floor.html")],
        "map": [py, "-m", "tracks", "map", str(data), "-o", str(workdir / "map.html")],
        "check": [py, "-m", "tracks", "check", str(case), "--out", str(workdir / "check")],
    }
    times = interleaved(cmds, repeat, workdir)
    print(f"\n{n:,} samples, {data.stat().st_size / 1e6:.0f} MB Parquet; medians of {repeat}, load "
          f"{os.getloadavg()[0]:.1f} at the end")
    f_wall = statistics.median(w for w, _ in times["floor"])
    f_cpu = statistics.median(c for _, c in times["floor"])
    print_ratios(times)
    print(f"floor median {f_wall:.2f} s wall, {f_cpu:.2f} s CPU")
    for label, path in (("tracks map", workdir / "map.html"), ("tracks check", workdir / "check" / "map.html")):
        size = path.stat().st_size
        print(f"{label}: HTML {size / 1e6:.2f} MB" + ("  FAIL: over 10 MB" if size > 10_000_000 else ""))
    k, total = evidence_drawn(workdir / "check")
    print(f"cited samples drawn on the check's map: {k}/{total}" + ("" if k == total else "  FAIL"))


def load_parquet_table(table: pa.Table) -> Any:
    """The table as a Track, read by tracks.load from a temporary Parquet file."""
    import tempfile

    import tracks

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "track.parquet"
        pq.write_table(table, path)
        return tracks.load(path)


def process_mode(points: list[int], repeat: int, reference: bool) -> None:
    import folium

    from tracks.render.map import render_map, to_html
    from tracks.track import Track

    def track_of(n: int) -> Track:
        return load_parquet_table(make_table(n))

    render_map(track_of(1000))  # warm up: imports, bundled country shapes
    print(f"{'points':>10} {'build s':>8} {'html s':>7} {'total s':>8} {'HTML MB':>8} {'drawn':>7}"
          f" {'ref s':>7} {'ref MB':>7}")
    for n in points:
        track = track_of(n)
        ours, ref = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            m = render_map(track)
            t1 = time.perf_counter()
            html = to_html(m)
            t2 = time.perf_counter()
            drawn = sum(int(x) for x in re.findall(r'"shown":(\d+)', html))
            ours.append((t1 - t0, t2 - t1, len(html.encode("utf-8")), drawn))
            if reference:
                t0 = time.perf_counter()
                fm = folium.Map(tiles=None)
                folium.PolyLine(track.data[["lat", "lon"]].to_numpy().tolist()).add_to(fm)
                ref_html = fm.get_root().render()
                ref.append((time.perf_counter() - t0, len(ref_html.encode("utf-8"))))
        build = statistics.median(o[0] for o in ours)
        html_s = statistics.median(o[1] for o in ours)
        total = statistics.median(o[0] + o[1] for o in ours)
        size, drawn = ours[-1][2], ours[-1][3]
        ref_s = f"{statistics.median(r[0] for r in ref):7.2f}" if ref else "      -"
        ref_mb = f"{ref[-1][1] / 1e6:7.1f}" if ref else "      -"
        print(f"{n:>10,} {build:8.2f} {html_s:7.2f} {total:8.2f} {size / 1e6:8.2f} {drawn:>7,} {ref_s} {ref_mb}")
        if n >= 1_000_000 and size > 10_000_000:
            print(f"  FAIL: {n:,} points gave {size / 1e6:.1f} MB of HTML (goal: at most 10 MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--file-points", type=int, default=None, help="file mode: samples in the Parquet file")
    ap.add_argument("--points", type=int, nargs="+", default=[100_000, 1_000_000], help="process mode sizes")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-reference", action="store_true", help="process mode: skip the bare folium PolyLine")
    ap.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "tracks-bench" / "render")
    ap.add_argument("--floor", nargs=2, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor:
        floor(Path(args.floor[0]), Path(args.floor[1]))
    elif args.file_points:
        file_mode(args.file_points, args.repeat, args.workdir)
    else:
        process_mode(args.points, args.repeat, not args.no_reference)


if __name__ == "__main__":
    main()
