"""Benchmark the fence: 1M points, 50 aircraft, Natural Earth 10m Venezuela (run on demand, not a test).

How to run (from the repository root, with the project's environment):

    python benchmarks/fence.py                     # ours against the floor, ~10 s
    python benchmarks/fence.py --repeat 9          # more repetitions: the medians are steadier on a busy machine
    python benchmarks/fence.py --peers             # + traffic and movingpandas, same points and polygon (~1 min,
                                                   # plus a one-off install of their environment)
    python benchmarks/fence.py --peers --peers-venv DIR --peer-points 100000 --peer-timeout 900

What it measures, in one process and on the same points:
- floor: a bare `shapely.contains_xy(VE, lon, lat)` over all points (prepared geometry);
- ours: `fence.inside` + `fence.crossings` (every entry/exit with interpolated time, gaps marked) on the whole
  multi-aircraft table, plus `fence.closest_approaches` to the VE|BR border line (one row per aircraft,
  checked against separate `closest_approach` calls).
It reports the median wall time over `--repeat` warm runs (the first, cold run, which builds the geometry
indexes, is shown separately), the median of the per-rep ratios ours / floor (wall and CPU time), the load
average before and after, and peak memory of our phase against the size of the point table (tracemalloc peak
of numpy/pandas allocations, and the growth of the process's peak RSS).
Targets (issue 4): <= 1.0 s, <= 2.5x the floor, peak memory <= 3x the table.

`--peers` also runs traffic and movingpandas on the same point table (written to Parquet in a temporary
directory) and the same polygon (WKB), each in its own process of a separate virtual environment with its own
pinned pandas (PEER_PINS; created or repaired with pip on first use, under ~/.cache/tracks-bench/peers-venv
unless `--peers-venv` says otherwise; this is the only step that needs the network - PyPI). See
benchmarks/fence_peers.py for exactly what is timed. movingpandas' line-based clip costs ~0.4 ms per point, so it
gets the first `--peer-points` // aircraft points of every aircraft (100k by default) and is compared with ours
run on that same subset (and per point with ours at full size). Goals: ours >= 15x faster than traffic and >= 50x
faster than movingpandas. A correctness table counts the incursions each tool finds on two tracks built
analytically (truth: the analytic path sampled every 0.05 s):
- racetrack: an orbit straddling the VE-BR border south of Santa Elena de Uairen, 17 orbits, one entry into
  Venezuela per orbit (sampled every 4 s; a self-crossing track);
- sparse: a straight flight over Venezuela's Caribbean islands sampled every 40 s, every sample over the sea:
  each island is crossed between two samples outside.
An entry counts as found when the tool reports one within a sample interval (+1 s) of it.

The synthetic traffic: aircraft fly random smooth paths at 200-250 m/s with 4 s sampling inside
75-58 W, 2 S-14 N (bouncing off its edges), a fifth of them flying racetrack orbits across the Venezuela-Brazil
border, each with a few coverage gaps of 2-20 minutes. Measured figures: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracks import schema
from tracks.geo import fence
from tracks.geo.regions import border, get_region

#: The peers' environment: exact versions that resolve together on PyPI (traffic 2.13 needs pandas < 3).
PEER_PINS = ("traffic==2.13", "movingpandas==0.23.0", "geopandas==1.2.0", "pandas==2.3.3", "shapely==2.2.0",
             "pyarrow==26.0.1", "numpy==2.4.6", "pyproj==3.7.2")
PEERS = ("traffic", "movingpandas")
GOALS = {"traffic": 15.0, "movingpandas": 50.0}

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


# -- correctness cases -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """A track built from an analytic path, with the true entry times into Venezuela (s since the epoch)."""

    name: str
    description: str
    frame: pd.DataFrame
    truth: np.ndarray
    step_s: float


T_CASES = np.datetime64("2025-11-28T20:00:00", "ns")


def entry_times(lon: np.ndarray, lat: np.ndarray, t: np.ndarray, chunk: int = 40) -> np.ndarray:
    """Times at which the polyline through (lon, lat) at times t enters Venezuela: GEOS intersects it with the
    polygon in chunks of `chunk` points (short enough not to cross themselves, which GEOS would merge), the
    inside pieces are timed by distance along the polyline and joined where they touch."""
    ve = get_region("VE").geometry
    spans = []
    for a in range(0, len(t) - 1, chunk):
        x, y, tt = lon[a : a + chunk + 1], lat[a : a + chunk + 1], t[a : a + chunk + 1]
        path = shapely.LineString(np.column_stack([x, y]))
        along = np.r_[0.0, np.cumsum(np.hypot(np.diff(x), np.diff(y)))]
        for g in shapely.get_parts(shapely.intersection(path, ve)):
            if g.geom_type == "LineString" and not g.is_empty:
                d = sorted(path.project(shapely.Point(c)) for c in (g.coords[0], g.coords[-1]))
                spans.append(tuple(np.interp(d, along, tt)))
    spans.sort()
    entries = [s0 for k, (s0, _) in enumerate(spans) if s0 > t[0] and not (k and spans[k - 1][1] >= s0 - 1e-6)]
    return np.array(entries)


def _case(name: str, description: str, path: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
          duration_s: float, step_s: float, phase_s: float, icao24: str) -> Case:
    """Sample `path` (seconds -> lon, lat) every step_s from phase_s. Truth: the entries of the path itself,
    as a polyline through points 0.05 s apart. Checks that the samples (straight segments between them) enter
    exactly as often."""
    t = np.arange(phase_s, duration_s, step_s)
    dense = np.arange(t[0], t[-1] + 1e-9, 0.05)
    truth = entry_times(*path(dense), dense, chunk=int(40 * step_s / 0.05))
    lon, lat = path(t)
    sampled = entry_times(lon, lat, t)
    assert len(sampled) == len(truth), f"{name}: the samples change the answer ({len(sampled)} != {len(truth)})"
    t0 = T_CASES.astype(np.int64) / 1e9
    times = pd.to_datetime(T_CASES + (t * 1e9).astype("timedelta64[ns]"), utc=True)
    frame = schema.conform(pd.DataFrame({"time": times, "icao24": icao24, "lat": lat, "lon": lon, "source": "adsb",
                                         "record": np.arange(len(t)), "file": name}))
    return Case(name, description, frame, t0 + truth, step_s)


def racetrack_case(orbits: int = 17) -> Case:
    """An ellipse (0.2 deg across the VE-BR border, 0.05 deg along it) centred on the border south of Santa Elena
    de Uairen, flown `orbits` times in 607 s each and sampled every 4 s: one entry into Venezuela per orbit."""
    line = border("VE", "BR").geometry
    d = line.project(shapely.Point(-61.07, 4.51))
    c, p1, p2 = line.interpolate(d), line.interpolate(d - 0.02), line.interpolate(d + 0.02)
    tx, ty = p2.x - p1.x, p2.y - p1.y
    norm = float(np.hypot(tx, ty))
    tx, ty = tx / norm, ty / norm

    def path(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        th = 2 * np.pi * t / 607.0 + 0.3
        across, along = 0.2 * np.cos(th), 0.05 * np.sin(th)
        return c.x - across * ty + along * tx, c.y + across * tx + along * ty

    return _case("racetrack", f"{orbits} orbits across the VE-BR border, 4 s sampling", path, orbits * 607.0, 4.0,
                 1.0, "e0a001")


def sparse_case() -> Case:
    """A straight flight (lon/lat) from 67.0 W 11.74 N to 64.3 W 11.91 N at ~265 m/s, sampled every 40 s at
    the phase that keeps every sample farthest from land: it crosses Los Roques, La Orchila and La Blanquilla
    between samples that are all over the sea."""
    ve = get_region("VE").geometry
    a, b = np.array([-67.0, 11.74]), np.array([-64.3, 11.91])
    duration = 1110.0  # ~295 km at ~265 m/s (the speed that keeps the samples farthest from land)

    def path(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        f = np.asarray(t) / duration
        return a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])

    best, best_d = 0.0, -1.0
    for phase in np.arange(0.0, 40.0, 0.5):
        d = float(shapely.distance(ve, shapely.points(*path(np.arange(phase, duration, 40.0)))).min())
        best, best_d = (phase, d) if d > best_d else (best, best_d)
    case = _case("sparse", "straight over Venezuela's Caribbean islands, 40 s sampling, no sample on land", path,
                 duration, 40.0, best, "e0a002")
    assert not shapely.contains_xy(ve, case.frame["lon"], case.frame["lat"]).any()
    return case


def matched(truth: np.ndarray, reported: list[float] | np.ndarray, tol_s: float) -> tuple[int, float]:
    """How many true entries have a reported entry within tol_s (each report used once), and the largest
    |time difference| among those matches (nan when none)."""
    left = sorted(float(r) for r in reported)
    worst, n = float("nan"), 0
    for t in truth:
        if not left:
            break
        k = int(np.argmin([abs(r - t) for r in left]))
        if abs(left[k] - t) <= tol_s:
            worst = abs(left[k] - t) if n == 0 else max(worst, abs(left[k] - t))
            n += 1
            left.pop(k)
    return n, worst


def our_entries(case: Case) -> list[float]:
    c = fence.crossings(case.frame, "VE")
    entries = c[(c["direction"] == "entry") & ~c["in_gap"]]
    return list(entries["time"].astype("int64") / 1e9)


# -- ours ----------------------------------------------------------------------------------------------------------
def run_ours(frame: pd.DataFrame, ve, line) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    flags = fence.inside(frame, ve)
    cross = fence.crossings(frame, ve)
    approaches = fence.closest_approaches(frame, line)
    return flags, cross, approaches


def time_ours(frame: pd.DataFrame, ve, line, repeat: int) -> float:
    """Median wall seconds of run_ours over `repeat` warm runs."""
    run_ours(frame, ve, line)
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        run_ours(frame, ve, line)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# -- peers ---------------------------------------------------------------------------------------------------------
def default_venv() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "tracks-bench" / "peers-venv"


def peers_python(venv: Path) -> Path:
    """The peers' interpreter: a virtual environment with PEER_PINS, created or repaired with pip if needed."""
    py = venv / "bin" / "python"
    if not py.exists():
        print(f"creating {venv} (one-off)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    names = [pin.split("==")[0] for pin in PEER_PINS]
    probe = ("import importlib.metadata as m, sys\n"
             "for n in sys.argv[1:]:\n"
             "    try: print(n + '==' + m.version(n))\n"
             "    except m.PackageNotFoundError: print(n + '==')\n")
    have = subprocess.run([str(py), "-I", "-c", probe, *names], capture_output=True, text=True, check=True)
    if set(have.stdout.split()) != set(PEER_PINS):
        print(f"installing {' '.join(PEER_PINS)} into {venv} (PyPI)", flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", *PEER_PINS], check=True)
    return py


def run_peers(args: argparse.Namespace, frame: pd.DataFrame, small: pd.DataFrame, cases: list[Case],
              ve) -> dict[str, dict]:
    """Each peer in its own process (peers' venv, memory-limited, `--peer-timeout`): {tool: result or error}."""
    py = peers_python(Path(args.peers_venv))
    script = Path(__file__).resolve().parent / "fence_peers.py"
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="fence-peers-") as tmp:
        work = Path(tmp)
        cols = ["time", "icao24", "lat", "lon"]
        frame[cols].to_parquet(work / "points.parquet")
        small[cols].to_parquet(work / "points_small.parquet")
        pd.concat([c.frame[cols].assign(case=c.name) for c in cases]).to_parquet(work / "cases.parquet")
        (work / "ve.wkb").write_bytes(shapely.to_wkb(ve.geometry))
        (work / "config.json").write_text(json.dumps({
            "points": {"traffic": "points.parquet", "movingpandas": "points_small.parquet"},
            "memory_limit_gib": args.peer_memory_gib}))
        for tool in PEERS:
            print(f"running {tool} ...", flush=True)
            try:
                done = subprocess.run([str(py), "-I", str(script), str(work), tool], capture_output=True, text=True,
                                      timeout=args.peer_timeout, cwd=tmp)
            except subprocess.TimeoutExpired:
                out[tool] = {"error": f"stopped after {args.peer_timeout:.0f} s"}
                continue
            if done.returncode:
                out[tool] = {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
                continue
            out[tool] = json.loads((work / f"{tool}.json").read_text())
    return out


def report_peers(peers: dict[str, dict], cases: list[Case], ours_full: float, n_full: int, ours_small: float,
                 n_small: int) -> None:
    print("\ncorrectness: entries into VE found (within a sample interval + 1 s of the truth), largest |dt|")
    print(f"  {'tool':<22}" + "".join(f"{c.name + f' ({len(c.truth)} true)':<30}" for c in cases))
    rows: list[tuple[str, dict[str, list[float]]]] = [("ours", {c.name: our_entries(c) for c in cases})]
    for tool in PEERS:
        r = peers[tool]
        if "found" in r:
            rows.append((f"{tool} {r['versions'][tool]}", r["found"]))
    for label, found in rows:
        cells = []
        for c in cases:
            n, worst = matched(c.truth, found[c.name], c.step_s + 1.0)
            dt = f", {worst:.2f} s" if n else ""
            cells.append(f"{n}/{len(c.truth)} ({len(found[c.name])} reported{dt})")
        print(f"  {label:<22}" + "".join(f"{x:<30}" for x in cells))
    print("\nspeed (wall s; from a DataFrame in memory to the answer; peers' build = their own data structure)")
    print(f"  {'tool':<22}{'points':>10}{'build':>9}{'work':>9}{'total':>9}{'us/point':>10}   ratio to ours")
    print(f"  {'ours':<22}{n_full:>10,}{'':>9}{'':>9}{ours_full:>9.3f}{ours_full / n_full * 1e6:>10.2f}")
    print(f"  {'ours (subset)':<22}{n_small:>10,}{'':>9}{'':>9}{ours_small:>9.3f}{ours_small / n_small * 1e6:>10.2f}")
    for tool in PEERS:
        r = peers[tool]
        if "error" in r:
            print(f"  {tool:<22}  {r['error']}")
            continue
        n, total = r["points"], r["total_s"]
        same = ours_full if n == n_full else ours_small
        per_point = (total / n) / (ours_full / n_full)
        goal = GOALS[tool]
        verdict = "meets" if total / same >= goal else "misses"
        print(f"  {tool + ' ' + r['versions'][tool]:<22}{n:>10,}{r['build_s']:>9.2f}{r['work_s']:>9.2f}{total:>9.2f}"
              f"{total / n * 1e6:>10.1f}   {total / same:,.0f}x same points, {per_point:,.0f}x per point vs ours at "
              f"{n_full:,} ({verdict} the >= {goal:.0f}x goal); {r['detail']}; peak RSS {r['peak_rss_mib']:,.0f} MiB")


# -- main ----------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--aircraft", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--peers", action="store_true", help="also run traffic and movingpandas (separate venv)")
    ap.add_argument("--peers-venv", default=str(default_venv()), help="the peers' virtual environment")
    ap.add_argument("--peer-points", type=int, default=100_000, help="points given to movingpandas")
    ap.add_argument("--peer-timeout", type=float, default=900.0, help="seconds per peer tool")
    ap.add_argument("--peer-memory-gib", type=float, default=8.0, help="address-space limit per peer process")
    args = ap.parse_args(argv)

    load_before = os.getloadavg()
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
          f"VE {len(shapely.get_coordinates(ve.geometry)):,} vertices, VE|BR border {len(line.geometry.coords):,}; "
          f"load average {load_before[0]:.2f} (2 cores)")

    gc.collect()
    t = time.perf_counter()
    run_ours(frame, ve, line)
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
    run_ours(frame, ve, line)
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
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")

    if args.peers:
        cases = [racetrack_case(), sparse_case()]
        small = frame.groupby("icao24", sort=False).head(max(args.peer_points // args.aircraft, 2))
        small = small.reset_index(drop=True)
        peers = run_peers(args, frame, small, cases, ve)
        ours_small = time_ours(small, ve, line, args.repeat)
        report_peers(peers, cases, o, len(frame), ours_small, len(small))
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
