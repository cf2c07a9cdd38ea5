"""Benchmark far regions: closest approach and reachability against regions far from the track (run on demand).

How to run (from the repository root, with the project's environment):

    python benchmarks/nearest.py                 # ~10 s
    python benchmarks/nearest.py --repeat 9      # steadier medians on a busy machine

What it measures, in one process:
- closest approach (`fence.closest_approach`) of the first 2 hours of a Fairbanks -> Helsinki flight on the
  great circle (480 kt, one sample a second: 7,201 samples, up to 80.6 N) to Natural Earth 10m regions near and
  far: Greenland, Japan, Russia, Canada, Iceland, Norway, Venezuela. Floor, in the same repetition: a bare
  `shapely.distance` (GEOS, planar degrees) between the track's line and the region (prepared). Reported: the
  median wall and CPU time over `--repeat` warm runs (indexes built; the cold first run, which builds them,
  apart), the median ratio ours / floor (wall), the result (km) and the peak of Python allocations during the call (tracemalloc);
- reachability (`reach.reaches_geometry`): whether ac671b's 8.4 h coverage gap (readsb trace, Spokane area) at
  612 kt could reach each of the bundled countries (about 250), decided by the definition; total and per
  region, warm (the regions' indexes built).
Issue 11's target: a far region costs milliseconds and constant memory. Figures: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd
import shapely

from tracks.geo import fence, geodesy, reach
from tracks.geo.fence_index import get_index
from tracks.geo.regions import countries, get_region
from tracks.units import KM_PER_NM, M_PER_NM

FAI = (64.8378, -147.7164)
HEL = (60.3172, 24.9633)
REGIONS = ("GL", "JP", "RU", "CA", "IS", "NO", "VE")
# ac671b's longest gap (readsb trace_full_ac671b.json, gap at the default 60 s): 2025-02-05 06:23:59Z - 14:47:03Z
GAP = ((47.456887, -117.105948), (47.526111, -117.276165), 30184.53)


def route(hours: float = 2.0, kt: float = 480.0, step_s: float = 1.0) -> pd.DataFrame:
    n = round(hours * 3600 / step_s) + 1
    az, _, _ = geodesy.GEOD.inv(FAI[1], FAI[0], HEL[1], HEL[0])
    lon, lat, _ = geodesy.GEOD.fwd(np.full(n, FAI[1]), np.full(n, FAI[0]), np.full(n, az),
                                   np.linspace(0.0, kt * M_PER_NM * hours, n))
    t = pd.Timestamp("2025-01-10T06:00:00Z") + pd.to_timedelta(np.arange(n) * step_s, unit="s")
    return pd.DataFrame({"time": t, "lat": lat, "lon": lon, "stale": np.zeros(n, dtype=bool)})


def bench_closest(frame: pd.DataFrame, repeat: int) -> None:
    line = shapely.LineString(np.column_stack([frame["lon"], frame["lat"]]))
    print(f"closest approach: {len(frame):,} samples, Fairbanks -> {frame['lat'].iloc[-1]:.1f} N "
          f"{frame['lon'].iloc[-1]:.1f} (lon); median of {repeat} warm runs")
    print(f"  {'region':7} {'edges':>7} {'cold s':>7} {'ours ms':>8} {'CPU ms':>7} {'floor ms':>9} {'ratio':>6} "
          f"{'km':>10} {'peak MiB':>9}")
    for code in REGIONS:
        geom = get_region(code).geometry
        gc.collect()
        t = time.perf_counter()
        a = fence.closest_approach(frame, geom)
        cold = time.perf_counter() - t
        shapely.prepare(geom)
        ours, cpu, floor, ratios = [], [], [], []
        for _ in range(repeat):
            gc.collect()
            t = time.perf_counter()
            shapely.distance(line, geom)
            f = time.perf_counter() - t
            t, c = time.perf_counter(), time.process_time()
            a = fence.closest_approach(frame, geom)
            o = time.perf_counter() - t
            cpu.append(time.process_time() - c)
            floor.append(f)
            ours.append(o)
            ratios.append(o / f)
        tracemalloc.start()
        fence.closest_approach(frame, geom)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"  {code:7} {len(get_index(geom).edges):>7,} {cold:>7.2f} {statistics.median(ours) * 1e3:>8.1f} "
              f"{statistics.median(cpu) * 1e3:>7.1f} {statistics.median(floor) * 1e3:>9.1f} {statistics.median(ratios):>5.2f}x {a.distance_km:>10.3f} "
              f"{peak:>9.1f}")


def bench_reach(repeat: int) -> None:
    (a, b, seconds) = GAP
    major = 612.0 * KM_PER_NM * seconds / 3600.0
    regions = countries()
    cold, warm, hits = [], [], 0
    for r in regions:  # per region: the first call builds its index (cached for 16 geometries), then warm calls
        t = time.perf_counter()
        hit = bool(reach.reaches_geometry([a[0]], [a[1]], [b[0]], [b[1]], [major], r.geometry)[0])
        cold.append(time.perf_counter() - t)
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            reach.reaches_geometry([a[0]], [a[1]], [b[0]], [b[1]], [major], r.geometry)
            runs.append(time.perf_counter() - t)
        warm.append((statistics.median(runs), r.code))
        hits += hit
    warm.sort(reverse=True)
    total = sum(w for w, _ in warm)
    print(f"reachability: ac671b's 8.4 h gap at 612 kt (reach {major:,.0f} km) against {len(regions)} countries: "
          f"{hits} reachable; warm {total * 1e3:.1f} ms in all, median {statistics.median(w for w, _ in warm) * 1e3:.2f}"
          f" ms per region, slowest " + ", ".join(f"{c} {w * 1e3:.1f} ms" for w, c in warm[:3])
          + f"; cold (index built) {sum(cold):.1f} s in all")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} (2 cores)")
    bench_closest(route(), args.repeat)
    bench_reach(args.repeat)
    print(f"load average after {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
