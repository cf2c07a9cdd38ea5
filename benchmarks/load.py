"""Loader speed against the bare parsers, measured in the same run (not a test; run on demand).

    python benchmarks/load.py [--rows 1000000] [--repeat 3] [--only csv|trace]

Writes to a temporary directory (i) a synthetic OpenSky historical state-vector CSV (the 16 columns of the
weekly dumps, rows ordered by time like the dumps, ~3 % repeated positions) and (ii) a synthetic readsb
`trace_full` JSON with 14-element points, then times, interleaved and repeated:

- ``tracks.load(csv)``  vs  ``pyarrow.csv.read_csv(csv)``   (target: ratio <= 1.5)
- ``tracks.load(trace)`` vs ``json.loads(open(trace).read())`` (target: ratio <= 2.0)

Each ratio is the median over repeats of (load time / bare time) measured back to back, so that the noise of
a shared machine affects both sides alike; the targets apply to wall time, and the same ratio of process CPU
time (all threads) is printed as well. Both sides read the file from disk (page cache warm). Results are kept
in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

import tracks

T0 = 1764374400  # 2025-11-29T00:00:00Z


def make_opensky_csv(path: Path, rows: int, seed: int = 1) -> None:
    """OpenSky-dump-like state vectors: `aircraft` aircraft, one row per aircraft per second."""
    rng = np.random.default_rng(seed)
    aircraft = 500
    seconds = -(-rows // aircraft)
    t = np.repeat(np.arange(seconds), aircraft)[:rows] + T0
    k = np.tile(np.arange(aircraft), seconds)[:rows]
    hexes = np.array([f"{0x0d0000 + i * 37:06x}" for i in range(aircraft)])
    calls = np.array([f"VCV{i:04d}  " for i in range(aircraft)])
    lat0, lon0 = rng.uniform(-30, 30, aircraft), rng.uniform(-80, -40, aircraft)
    elapsed = t - T0
    lat = lat0[k] + 0.002 * elapsed
    lon = lon0[k] + 0.002 * elapsed
    lpu = t - rng.uniform(0.0, 0.9, rows).round(3)
    repeat = rng.random(rows) < 0.03  # the position was not updated this second: OpenSky repeats the last one
    prev = np.maximum(np.arange(rows) - aircraft, 0)
    for arr in (lat, lon, lpu):
        arr[repeat] = arr[prev[repeat]]
    ground = rng.random(rows) < 0.05
    table = pa.table({
        "time": t,
        "icao24": hexes[k],
        "lat": lat.round(6),
        "lon": lon.round(6),
        "velocity": rng.uniform(60, 260, rows).round(2),
        "heading": rng.uniform(0, 360, rows).round(2),
        "vertrate": rng.choice([0.0, 0.33, -0.33, 5.2, -7.8], rows),
        "callsign": calls[k],
        "onground": ground,
        "alert": np.zeros(rows, dtype=bool),
        "spi": np.zeros(rows, dtype=bool),
        "squawk": np.array(["1000", "2000", "7000", "0634"])[k % 4],
        "baroaltitude": pa.array(np.where(ground, np.nan, rng.uniform(300, 12500, rows).round(2)), from_pandas=True),
        "geoaltitude": pa.array(np.where(ground, np.nan, rng.uniform(300, 12800, rows).round(2)), from_pandas=True),
        "lastposupdate": lpu,
        "lastcontact": np.minimum(lpu + 0.05, t),
    })
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))


def make_readsb_trace(path: Path, points: int, seed: int = 2) -> None:
    """A readsb trace_full with 14-element points, "ground" altitudes, flags and periodic detail objects."""
    rng = np.random.default_rng(seed)
    dt = np.cumsum(rng.uniform(0.5, 10.0, points)).round(2)
    lat = (10.0 + np.cumsum(rng.normal(0, 0.001, points))).round(6)
    lon = (-66.0 + np.cumsum(rng.normal(0, 0.001, points))).round(6)
    alt = rng.integers(0, 40000, points)
    ground = rng.random(points) < 0.1
    gs = rng.uniform(0, 500, points).round(1)
    trk = rng.uniform(0, 360, points).round(1)
    flags = rng.choice([0, 0, 0, 0, 1, 2, 3, 4, 8], points)
    vr = rng.integers(-3000, 3000, points)
    src = np.array(["adsb_icao", "mlat", "adsc", "tisb_trackfile"])[rng.choice(4, points, p=[0.85, 0.1, 0.03, 0.02])]
    trace: list[list[Any]] = []
    for i in range(points):
        details = {"type": "adsb_icao", "flight": "VCV2984 ", "squawk": "1000", "alt_geom": int(alt[i]) + 150} if i % 200 == 0 else None
        trace.append([float(dt[i]), float(lat[i]), float(lon[i]), "ground" if ground[i] else int(alt[i]), float(gs[i]),
                      float(trk[i]), int(flags[i]), None if ground[i] else int(vr[i]), details, str(src[i]),
                      None if ground[i] else int(alt[i]) + 150, None, None, None])
    doc = {"icao": "0d8373", "r": "YV2984", "t": "A319", "timestamp": float(T0), "trace": trace}
    path.write_text(json.dumps(doc, separators=(",", ":")))


def _timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process: every thread) of one call."""
    gc.collect()
    cpu, start = time.process_time(), time.perf_counter()
    result = fn()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    del result
    return elapsed, cpu


def _without_gc(fn: Callable[[], Any]) -> Any:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return fn()
    finally:
        if enabled:
            gc.enable()


def compare(name: str, load: Callable[[], Any], bare: Callable[[], Any], repeat: int, target: float) -> bool:
    """Time load and bare back to back `repeat` times; print medians and the median per-pair ratio.

    The target applies to the wall-time ratio; the CPU-time ratio (all threads) is printed too, as it is
    less sensitive to other work on a shared machine."""
    load()  # warm the page cache and imports
    pairs = [(_timed(load), _timed(bare)) for _ in range(repeat)]
    ratios = [a[0] / b[0] for a, b in pairs]
    ratio = statistics.median(ratios)
    cpu_ratio = statistics.median(a[1] / b[1] for a, b in pairs)
    ok = ratio <= target
    print(f"{name}: tracks.load {statistics.median(a[0] for a, _ in pairs):.3f} s, "
          f"bare {statistics.median(b[0] for _, b in pairs):.3f} s, ratio {ratio:.2f} "
          f"(per repeat {', '.join(f'{r:.2f}' for r in ratios)}"
          + (f"; target <= {target}) {'OK' if ok else 'OVER TARGET'}" if target != float("inf") else ")")
          + f"; CPU {statistics.median(a[1] for a, _ in pairs):.3f} s vs {statistics.median(b[1] for _, b in pairs):.3f} s,"
          f" ratio {cpu_ratio:.2f}")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows / points per synthetic file (default 1M)")
    ap.add_argument("--repeat", type=int, default=3, help="timed repeats per comparison (default 3)")
    ap.add_argument("--only", choices=("csv", "trace"), help="run one of the two comparisons")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tracks-bench-") as tmp:
        csv_path, trace_path = Path(tmp) / "states_2025-11-29-00.csv", Path(tmp) / "trace_full_0d8373.json"
        t = time.perf_counter()
        ok1 = ok2 = True
        if args.only != "trace":
            make_opensky_csv(csv_path, args.rows)
            print(f"generated in {time.perf_counter() - t:.1f} s: {csv_path.stat().st_size / 1e6:.0f} MB CSV ({args.rows:,} rows)")
            loaded = tracks.load(csv_path)
            src = loaded.sources[0]
            print(f"  CSV: {src.format}, read {src.records_read:,}, kept {src.records_kept:,}, rejected {dict(src.rejected_reasons)}")
            del loaded
            ok1 = compare("OpenSky CSV 1M rows", lambda: tracks.load(csv_path), lambda: pacsv.read_csv(csv_path),
                          args.repeat, 1.5)
        if args.only != "csv":
            t = time.perf_counter()
            make_readsb_trace(trace_path, args.rows)
            print(f"generated in {time.perf_counter() - t:.1f} s: {trace_path.stat().st_size / 1e6:.0f} MB trace JSON "
                  f"({args.rows:,} points)")
            ok2 = compare("readsb trace 1M points", lambda: tracks.load(trace_path),
                          lambda: json.loads(trace_path.read_bytes()), args.repeat, 2.0)
            # tracks.load pauses the cyclic GC while parsing (see loader.gc_paused); for transparency, the same
            # comparison against a bare parse that also runs with the GC paused (informational, no target):
            compare("readsb trace 1M points, bare parse with GC paused too", lambda: tracks.load(trace_path),
                    lambda: _without_gc(lambda: json.loads(trace_path.read_bytes())), args.repeat, float("inf"))
    return 0 if ok1 and ok2 else 1


if __name__ == "__main__":
    sys.exit(main())
