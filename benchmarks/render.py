"""Map build time and HTML size for large tracks, against a bare folium PolyLine in the same run (not a test).

    python benchmarks/render.py [--points 100000 1000000] [--repeat 3] [--no-reference]

Builds a synthetic aircraft track per size (1 sample/s, a loop every 2 h with GPS-like noise, a 10-min
coverage gap and a stale sample every 100,000 samples, MLAT stretches), then times, interleaved and repeated:

- ``render_map(track)`` (build: gaps, display simplification, basemap, payload) and ``to_html`` (render),
  with the HTML size and how many samples are drawn;
- the reference: ``folium.PolyLine`` of every sample on a ``tiles=None`` map, then ``get_root().render()``
  (what a user would write by hand; it draws no gaps, markers, basemap or panel).

The goal (issue 6): a 1M-point track renders to at most 10 MB of HTML. Prints medians.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

import folium
import numpy as np
import pandas as pd

from tracks import schema
from tracks.render.map import render_map, to_html
from tracks.track import Source, Track


def make_track(n: int, seed: int = 1) -> Track:
    rng = np.random.default_rng(seed)
    k = np.arange(n)
    t = pd.Timestamp("2025-11-28T00:00:00Z").value + k.astype(np.int64) * 1_000_000_000
    t += (k // 100_000) * 600 * 1_000_000_000
    lat = 5 + 1.5 * np.sin(2 * np.pi * k / 7200) + 0.3 * np.sin(2 * np.pi * k / 97_000) + rng.normal(0, 2e-4, n)
    lon = -64 + 2.5 * np.cos(2 * np.pi * k / 7200) + 0.5 * np.sin(2 * np.pi * k / 131_000) + rng.normal(0, 2e-4, n)
    stale = np.zeros(n, bool)
    stale[100_000::100_000] = True
    frame = pd.DataFrame({
        "time": pd.to_datetime(t, utc=True), "icao24": "0d8373", "callsign": "VCV2984", "lat": lat, "lon": lon,
        "alt_baro_ft": 20_000 + 15_000 * np.sin(k / 20_000),
        "source": np.where((k // 5000) % 7 == 3, "mlat", "adsb"), "stale": stale, "file": "bench.json", "record": k,
    })
    return Track(schema.conform(frame), (Source("bench.json", "0" * 64, "synthetic", 0, n, n, 0),))


def time_ours(track: Track) -> tuple[float, float, int, int]:
    """(build s, to_html s, HTML bytes, samples drawn)."""
    t0 = time.perf_counter()
    m = render_map(track)
    t1 = time.perf_counter()
    html = to_html(m)
    t2 = time.perf_counter()
    drawn = sum(int(x) for x in re.findall(r'"shown":(\d+)', html))
    return t1 - t0, t2 - t1, len(html.encode("utf-8")), drawn


def time_reference(track: Track) -> tuple[float, int]:
    t0 = time.perf_counter()
    m = folium.Map(tiles=None)
    folium.PolyLine(track.data[["lat", "lon"]].to_numpy().tolist()).add_to(m)
    html = m.get_root().render()
    return time.perf_counter() - t0, len(html.encode("utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-reference", action="store_true", help="skip the bare folium PolyLine")
    args = ap.parse_args()
    render_map(make_track(1000))  # warm up: imports, bundled country shapes
    print(f"{'points':>10} {'build s':>8} {'html s':>7} {'total s':>8} {'HTML MB':>8} {'drawn':>7}"
          f" {'ref s':>7} {'ref MB':>7}")
    for n in args.points:
        track = make_track(n)
        ours, ref = [], []
        for _ in range(args.repeat):
            ours.append(time_ours(track))
            if not args.no_reference:
                ref.append(time_reference(track))
        build = statistics.median(o[0] for o in ours)
        html_s = statistics.median(o[1] for o in ours)
        total = statistics.median(o[0] + o[1] for o in ours)
        size, drawn = ours[-1][2], ours[-1][3]
        ref_s = f"{statistics.median(r[0] for r in ref):7.2f}" if ref else "      -"
        ref_mb = f"{ref[-1][1] / 1e6:7.1f}" if ref else "      -"
        print(f"{n:>10,} {build:8.2f} {html_s:7.2f} {total:8.2f} {size / 1e6:8.2f} {drawn:>7,} {ref_s} {ref_mb}")
        if n >= 1_000_000 and size > 10_000_000:
            print(f"  FAIL: {n:,} points gave {size / 1e6:.1f} MB of HTML (goal: at most 10 MB)")


if __name__ == "__main__":
    main()
