"""clean / find_gaps / split_legs speed against the bare geodesic pass, in the same run (not a test).

    python benchmarks/legs.py [--points 1000000] [--repeat 3]

Builds one synthetic aircraft track (1 sample/s; 10 flights between real airports with 20 min on the ground
each, a 15-minute coverage gap per flight, 1 teleport per 10,000 samples), then times, interleaved and
repeated: the bare pass (pyproj geodesic length of every segment + time differences: the least any speed
filter has to do), ``clean``, ``find_gaps`` (+ all reachability ellipses) and ``split_legs``.
Prints median seconds and the median per-repeat ratio to the bare pass.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from tracks import schema
from tracks.clean import clean
from tracks.gaps import find_gaps
from tracks.geo.reach import GEOD
from tracks.legs import split_legs
from tracks.track import Track

AIRPORTS = [(10.60312, -66.99059, 235.0), (4.555, -61.15, 2938.0), (8.6237, -71.1626, 4200.0),
            (10.5582, -71.7279, 235.0), (7.3384, -63.2645, 300.0)]


def make_track(points: int, seed: int = 3) -> Track:
    rng = np.random.default_rng(seed)
    legs = 10
    per = points // legs
    ground = 1200
    lat, lon, alt, gnd, gs = [], [], [], [], []
    for k in range(legs):
        a, b = AIRPORTS[k % len(AIRPORTS)], AIRPORTS[(k + 1) % len(AIRPORTS)]
        air = per - ground
        f = np.linspace(0, 1, air + 2)[1:-1]  # never exactly on the ground position
        lat.append(np.full(ground, a[0]))
        lon.append(np.full(ground, a[1]))
        alt.append(np.full(ground, np.nan))
        gnd.append(np.ones(ground, bool))
        gs.append(np.full(ground, 10.0))
        lat.append(a[0] + (b[0] - a[0]) * f)
        lon.append(a[1] + (b[1] - a[1]) * f)
        prof = np.minimum(1, np.minimum(f, 1 - f) * 8) * 30_000 + np.maximum(a[2], b[2]) + 300
        alt.append(prof)
        gnd.append(np.zeros(air, bool))
        gs.append(np.full(air, 300.0))
    lat, lon, alt, gnd, gs = (np.concatenate(x) for x in (lat, lon, alt, gnd, gs))
    n = len(lat)
    t = np.arange(n, dtype=float)
    for k in range(legs):  # a 15-minute hole in each flight
        s = k * per + ground + per // 3
        t[s:] += 900
    bad = rng.choice(np.arange(1, n - 1), size=max(1, n // 10_000), replace=False)
    lat = lat.copy()
    lat[bad] += 3.0
    frame = pd.DataFrame({
        "time": pd.to_datetime(1764374400 + t, unit="s", utc=True), "icao24": "0d8373",
        "lat": lat, "lon": lon, "alt_baro_ft": alt, "on_ground": pd.array(gnd, dtype="boolean"),
        "gs_kt": gs, "source": "adsb", "file": "synthetic", "record": np.arange(n),
    })
    return Track(schema.conform(frame))


def bare(track: Track) -> None:
    d = track.data
    lat, lon = d["lat"].to_numpy(), d["lon"].to_numpy()
    GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    np.diff(d["time"].to_numpy(dtype="datetime64[ns]").astype("int64"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    track = make_track(args.points)
    cleaned = clean(track).track
    split_legs(cleaned)  # warm the airport table
    steps = {
        "bare geodesic pass": lambda: bare(track),
        "clean": lambda: clean(track),
        "find_gaps + ellipses": lambda: find_gaps(cleaned).ellipses(),
        "split_legs": lambda: split_legs(cleaned),
    }
    times: dict[str, list[float]] = {k: [] for k in steps}
    for _ in range(args.repeat):
        for name, fn in steps.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    base = times["bare geodesic pass"]
    print(f"{len(track):,} points, {args.repeat} repeats (median s, median ratio to the bare pass)")
    for name, ts in times.items():
        ratio = statistics.median(t / b for t, b in zip(ts, base, strict=True))
        print(f"  {name:24s} {statistics.median(ts):8.3f} s   x{ratio:6.1f}")
    r = clean(track)
    legs = split_legs(r.track)
    print(f"  removed {len(r.rejected)} rows; {len(legs)} legs; {len(find_gaps(r.track))} gaps")


if __name__ == "__main__":
    main()
