"""`tracks check` of a 1M-point OpenSky case against a bare pyarrow + shapely floor (issue 11; not a test).

    python benchmarks/check.py [--points 1000000] [--repeat 5] [--workdir DIR]

The file and the case are those of benchmarks/render.py (OpenSky state vectors in the Trino / pyopensky
Parquet layout, read by the `opensky-states-parquet` reader; one aircraft looping over Venezuela at 1 sample/s,
a 10-minute coverage gap every 100,000 samples; claims: it never entered Brazil, it came within 15 km of the
Venezuela-Roraima border). Interleaved and repeated, each in a fresh process (interpreter start and imports
included in both):

- the floor: pyarrow reads time/lat/lon, shapely.contains_xy tests every point against Brazil and Venezuela,
  shapely.distance gives the closest point to the border line, and the answer is written as JSON;
- `tracks check case.yaml --out DIR` (observation model, legs, fence, every verdict, report.json, report.md,
  profile.svg and map.html).

Prints wall and CPU (user + system of the child) seconds, their medians and the median of the per-repetition
ratios to the floor (target: at most 5x).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.render import interleaved, prepare, print_ratios


def floor(data: Path, out: Path) -> None:
    """The bare floor, run in its own process: read, two point-in-polygon tests, one distance, write."""
    import pyarrow.parquet as pq
    import shapely

    from tracks.geo.regions import get_region

    table = pq.read_table(data, columns=["time", "lat", "lon"])
    lat = table.column("lat").to_numpy()
    lon = table.column("lon").to_numpy()
    br, ve = get_region("BR").geometry, get_region("VE").geometry
    in_br = shapely.contains_xy(br, lon, lat)
    in_ve = shapely.contains_xy(ve, lon, lat)
    border = shapely.intersection(br.boundary, ve.boundary)
    line = shapely.linestrings(lon, lat)
    out.write_text(json.dumps({"inside_br": int(in_br.sum()), "inside_ve": int(in_ve.sum()),
                               "closest_deg": float(shapely.distance(line, border))}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "tracks-bench" / "check")
    ap.add_argument("--floor", nargs=2, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor:
        floor(Path(args.floor[0]), Path(args.floor[1]))
        return
    data, case = prepare(args.workdir, args.points)
    py = sys.executable
    cmds = {
        "floor": [py, str(Path(__file__).resolve()), "--floor", str(data), str(args.workdir / "floor.json")],
        "check": [py, "-m", "tracks", "check", str(case), "--out", str(args.workdir / "out")],
    }
    print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}", flush=True)
    times = interleaved(cmds, args.repeat, args.workdir)
    print(f"\n{args.points:,} samples, {data.stat().st_size / 1e6:.0f} MB Parquet; medians of {args.repeat}, "
          f"load {os.getloadavg()[0]:.2f} at the end")
    print_ratios(times)
    report = json.loads((args.workdir / "out" / "report.json").read_text())
    print("verdicts: " + ", ".join(f"{c['id']}={c['status']}" for c in report["claims"]))


if __name__ == "__main__":
    main()
