"""The peers' side of benchmarks/fence.py: runs ONE peer tool in its own environment (not tracks').

    <peers-venv>/bin/python -I benchmarks/fence_peers.py WORKDIR {traffic|movingpandas}

Started by `python benchmarks/fence.py --peers`, which writes the inputs to WORKDIR and reads the answer back:

- points.parquet / points_small.parquet: time (UTC), icao24, lat, lon - the benchmark's point table, and the
  subset for slow tools (config.json says which file each tool gets);
- cases.parquet: the correctness tracks (column `case`); ve.wkb: the Venezuela polygon (WKB, lon/lat);
- writes <tool>.json: versions, timings (s) and, per case, the entry times (s since the epoch) it reports.

What is timed is what a user of the tool would run on a DataFrame of positions, as in
../shared/research/perf-baselines.md:

- traffic: rename the columns to traffic's and build a `Traffic` (build), then iterate its flights (icao24 +
  callsign, split at 10-minute gaps) and call `Flight.intersects(ve)` and, when True, `Flight.clip(ve)`.
  Incursions: the pieces of `Flight.clip_iterate(ve)`, each starting at its first sample inside.
- movingpandas: `GeoDataFrame(points_from_xy)` + `TrajectoryCollection(gdf, "icao24", t="time")` (build),
  then `TrajectoryCollection.clip(ve)` (the default, line-based clip). Incursions: the clipped trajectories,
  each starting at its interpolated entry.

Only the standard library, numpy, pandas, shapely and the tool are imported; nothing from tracks.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import shapely


def versions(*names: str) -> dict[str, str]:
    return {n: metadata.version(n) for n in names}


def run_traffic(points: pd.DataFrame, cases: pd.DataFrame, ve: shapely.Geometry) -> dict[str, object]:
    from traffic.core import Traffic

    def as_traffic(df: pd.DataFrame) -> Traffic:
        renamed = df.rename(columns={"time": "timestamp", "lat": "latitude", "lon": "longitude"})
        # intersects() drops rows without altitude; callsign is part of traffic's flight identity
        return Traffic(renamed.assign(altitude=30_000.0, callsign=renamed["icao24"]))

    found: dict[str, list[float]] = {}
    for name, df in cases.groupby("case", sort=False):
        starts = [piece.start.timestamp() for f in as_traffic(df.drop(columns="case")) for piece in f.clip_iterate(ve)]
        found[str(name)] = starts
    t0 = time.perf_counter()
    t = as_traffic(points)
    t1 = time.perf_counter()
    flights = intersecting = clipped = 0
    for f in t:
        flights += 1
        if f.intersects(ve):
            intersecting += 1
            clipped += f.clip(ve) is not None
    t2 = time.perf_counter()
    return {"versions": versions("traffic", "pandas", "shapely"), "build_s": t1 - t0, "work_s": t2 - t1,
            "total_s": t2 - t0, "points": len(points), "found": found,
            "detail": f"{flights} flights, {intersecting} intersect VE, {clipped} clipped"}


def run_movingpandas(points: pd.DataFrame, cases: pd.DataFrame, ve: shapely.Geometry) -> dict[str, object]:
    import geopandas as gpd
    import movingpandas as mpd

    def as_collection(df: pd.DataFrame) -> mpd.TrajectoryCollection:
        gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
        return mpd.TrajectoryCollection(gdf, "icao24", t="time")

    naive = {"time": lambda d: d["time"].dt.tz_convert("UTC").dt.tz_localize(None)}  # movingpandas: naive UTC
    found: dict[str, list[float]] = {}
    for name, df in cases.groupby("case", sort=False):
        pieces = as_collection(df.drop(columns="case").assign(**naive)).clip(ve)
        found[str(name)] = [pd.Timestamp(tr.get_start_time()).tz_localize("UTC").timestamp() for tr in pieces]
    points = points.assign(**naive)
    t0 = time.perf_counter()
    tc = as_collection(points)
    t1 = time.perf_counter()
    clipped = tc.clip(ve)
    t2 = time.perf_counter()
    return {"versions": versions("movingpandas", "geopandas", "pandas", "shapely"), "build_s": t1 - t0,
            "work_s": t2 - t1, "total_s": t2 - t0, "points": len(points), "found": found,
            "detail": f"{len(tc.trajectories)} trajectories, {len(clipped.trajectories)} clipped pieces"}


def main(argv: list[str]) -> int:
    workdir, tool = Path(argv[0]), argv[1]
    config = json.loads((workdir / "config.json").read_text())
    limit = int(config["memory_limit_gib"] * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    warnings.simplefilter("ignore")
    points = pd.read_parquet(workdir / config["points"][tool])
    cases = pd.read_parquet(workdir / "cases.parquet")
    ve = shapely.from_wkb((workdir / "ve.wkb").read_bytes())
    shapely.prepare(ve)
    run = {"traffic": run_traffic, "movingpandas": run_movingpandas}[tool]
    out = run(points, cases, ve)
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["numpy"] = np.__version__
    (workdir / f"{tool}.json").write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
