"""Benchmark the fence: 1M points, 50 aircraft, Natural Earth 10m Venezuela (run on demand, not a test).

    python benchmarks/fence.py [--points 1000000] [--aircraft 50] [--repeat 5]

Measures, in the same process and on the same points:
- floor: a bare `shapely.contains_xy(VE, lon, lat)` over all points (prepared geometry);
- ours: `inside` + `crossings` (every entry/exit with interpolated time, gaps marked) on the whole multi-aircraft
  table, plus the closest approach to the VE|BR border line of every aircraft (`closest_approaches`, checked
  against 50 separate `closest_approach` calls).
Reports the median wall time over `--repeat` warm runs (the first, cold run, which builds the geometry indexes,
is shown separately), the ratio to the floor, and peak memory of our phase against the size of the point table
(tracemalloc peak of numpy/pandas allocations, and the growth of the process's peak RSS).
Targets (issue 4): <= 1.0 s, <= 2.5x the floor, peak memory <= 3x the table.
The `--peers` comparison with traffic/movingpandas is not implemented here; see
../shared/research/perf-baselines.md for their measured figures on this machine.

The synthetic traffic: aircraft fly random smooth paths at 200-250 m/s with 4 s sampling inside
75-58 W, 2 S-14 N (bouncing off its edges), a fifth of them flying racetrack orbits across the Venezuela-Brazil
border, each with a few coverage gaps of 2-20 minutes.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracks import schema
from tracks.geo import fence
from tracks.geo.regions import border, get_region

BOX = (-75.0, -2.0, -58.0, 14.0)


def synthetic(points: int, aircraft: int, seed: int = 7) -> pd.DataFrame:
    """A canonical table of `aircraft` aircraft with points // aircraft samples each (sorted by icao24, time)."""
    rng = np.random.default_rng(seed)
    want = points // aircraft
    per = want + 1500  # room for the gaps cut below; each aircraft keeps exactly `want` samples
    frames = []
    t0 = np.datetime64("2025-11-28T12:00:00", "ns")
    for k in range(aircraft):
        dt = 4.0
        t = np.arange(per) * dt
        if k % 5 == 0:  # racetrack straddling the VE-BR border near 4.0 N, 62.5 W
            period = 600.0
            theta = 2 * np.pi * t / period + rng.uniform(0, 2 * np.pi)
            cx, cy = -62.6 + rng.uniform(-0.5, 0.5), 4.1 + rng.uniform(-0.3, 0.3)
            lon = cx + 0.35 * np.cos(theta)
            lat = cy + 0.12 * np.sin(theta)
        else:
            speed = rng.uniform(200, 250) / 111_320.0 * dt  # degrees per step (rough)
            turn = np.cumsum(rng.normal(0, 0.02, per))
            heading = rng.uniform(0, 2 * np.pi) + turn
            lon = np.empty(per)
            lat = np.empty(per)
            x, y = rng.uniform(BOX[0], BOX[2]), rng.uniform(BOX[1], BOX[3])
            dx_sign, dy_sign = 1.0, 1.0
            for i in range(per):  # generator only: not timed
                x += dx_sign * speed * np.cos(heading[i])
                y += dy_sign * speed * np.sin(heading[i])
                if not BOX[0] < x < BOX[2]:
                    dx_sign = -dx_sign
                    x = min(max(x, BOX[0]), BOX[2])
                if not BOX[1] < y < BOX[3]:
                    dy_sign = -dy_sign
                    y = min(max(y, BOX[1]), BOX[3])
                lon[i], lat[i] = x, y
        keep = np.ones(per, dtype=bool)
        for _ in range(4):  # coverage gaps
            a = rng.integers(0, want - 400)
            keep[a:a + rng.integers(30, 300)] = False
        idx = np.flatnonzero(keep)[:want]
        times = t0 + (t[idx] * 1e9).astype("timedelta64[ns]") + np.timedelta64(k, "s")
        frames.append(pd.DataFrame({"time": pd.to_datetime(times, utc=True), "icao24": f"{0x0d8000 + k:06x}",
                                    "lat": lat[idx], "lon": lon[idx], "source": "adsb"}))
    frame = pd.concat(frames, ignore_index=True)
    frame["record"] = np.arange(len(frame))
    frame["file"] = "synthetic"
    return schema.conform(frame)


def run_ours(frame: pd.DataFrame, starts: np.ndarray, ve, line) -> tuple[np.ndarray, pd.DataFrame, list]:
    flags = fence.inside(frame, ve)
    cross = fence.crossings(frame, ve)
    approaches = fence.closest_approaches(frame, line)
    return flags, cross, approaches


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--aircraft", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    frame = synthetic(args.points, args.aircraft)
    table_mb = frame.memory_usage(deep=True).sum() / 2**20
    codes = frame["icao24"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True])
    lon, lat = frame["lon"].to_numpy(), frame["lat"].to_numpy()
    ve = get_region("VE")
    line = border("VE", "BR")
    floor_geom = shapely.Polygon(ve.geometry) if ve.geometry.geom_type == "Polygon" else shapely.MultiPolygon(
        list(ve.geometry.geoms))
    shapely.prepare(floor_geom)
    print(f"{len(frame):,} points, {len(starts) - 1} aircraft, point table {table_mb:.0f} MiB; "
          f"VE {len(shapely.get_coordinates(ve.geometry)):,} vertices, VE|BR border {len(line.geometry.coords):,}")

    gc.collect()
    t = time.perf_counter()
    run_ours(frame, starts, ve, line)
    cold = time.perf_counter() - t

    floors, ours, phases, cpu_floor, cpu_ours = [], [], [], [], []
    for _ in range(args.repeat):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        floor_inside = shapely.contains_xy(floor_geom, lon, lat)
        floors.append(time.perf_counter() - t)
        cpu_floor.append(time.process_time() - c)
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        flags = fence.inside(frame, ve)
        t1 = time.perf_counter()
        cross = fence.crossings(frame, ve)
        t2 = time.perf_counter()
        approaches = fence.closest_approaches(frame, line)
        t3 = time.perf_counter()
        cpu_ours.append(time.process_time() - c)
        ours.append(t3 - t)
        phases.append((t1 - t, t2 - t1, t3 - t2))
    assert (flags == floor_inside).all(), "containment differs from shapely.contains_xy"
    ratios = [o / f for o, f in zip(ours, floors, strict=True)]
    cpu_ratios = [o / f for o, f in zip(cpu_ours, cpu_floor, strict=True)]

    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    run_ours(frame, starts, ve, line)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    f, o = statistics.median(floors), statistics.median(ours)
    p = [statistics.median(x) for x in zip(*phases, strict=True)]
    print(f"floor  shapely.contains_xy          {f:7.3f} s (median of {args.repeat})")
    print(f"ours   inside                       {p[0]:7.3f} s")
    print(f"       crossings (all, with times)  {p[1]:7.3f} s  -> {len(cross)} crossings "
          f"({int(cross['in_gap'].sum())} in gaps), {int((cross['direction'] == 'entry').sum())} entries")
    single = [fence.closest_approach(frame.iloc[a:b], line) for a, b in itertools.pairwise(starts)]
    assert np.allclose([a.distance_km for a in single], approaches["distance_km"]), "per-aircraft calls differ"
    print(f"       closest approach x{len(approaches):<3}        {p[2]:7.3f} s  -> "
          f"{int((approaches['distance_km'] == 0).sum())} reach the border, the others "
          f"{approaches.loc[approaches['distance_km'] > 0, 'distance_km'].round(2).tolist()} km")
    print(f"       total                        {o:7.3f} s  (target <= 1.0 s); min {min(ours):.3f} s")
    print(f"ratio  ours / floor, same rep: median {statistics.median(ratios):.2f}x (min {min(ratios):.2f}, max "
          f"{max(ratios):.2f}); CPU time: median {statistics.median(cpu_ratios):.2f}x (target <= 2.5x)")
    print(f"       cold first run (builds indexes) {cold:.3f} s")
    print(f"memory tracemalloc peak {peak / 2**20:.0f} MiB = {peak / 2**20 / table_mb:.2f}x the table "
          f"({table_mb:.0f} MiB); peak RSS {rss_before:.0f} -> {rss_after:.0f} MiB (target <= 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
