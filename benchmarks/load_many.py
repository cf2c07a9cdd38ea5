"""`tracks.load` of a folder of many small readsb trace files against a bare floor (issue 13's single-track path;
not a test; run on demand when the machine is quiet).

    python benchmarks/load_many.py [--files 20000] [--repeat 3] [--work /tmp/tracks-bench-load-many]

Writes once (in --work, outside the repository) a tar1090 `traces/<xx>/trace_full_<hex>.json` folder of
`--files` gzip traces of 150-250 points (benchmarks/history_gen.py's filler flights: about 4M points for 20,000
files). Then, interleaved, each in a fresh process: the floor (a process pool on every core: gzip + orjson +
numpy columns + shapely.contains_xy against Venezuela per file) and `tracks.load(folder)` (every canonical
column, validation, sources with sha256, one Traffic table). Prints wall seconds, CPU seconds and peak PSS of the
whole process tree, and the ratios (the issue's starting point: 147 s and 3.1 GB, 34x a 4.3 s floor).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import history_gen
from benchmarks.history import PeakRSS

DAY = date(2025, 11, 20)


def make_folder(work: Path, files: int) -> Path:
    folder = work / f"traces-{files}"
    if (folder / ".done").exists():
        return folder
    for name, data in history_gen.day_members(history_gen.filler(DAY, files, 1), DAY):
        path = folder / name.removeprefix("./")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (folder / ".done").write_text("")
    return folder


def _floor_file(path: str) -> int:
    import gzip

    import numpy as np
    import orjson
    import shapely

    from tracks.geo.regions import get_region

    doc = orjson.loads(gzip.decompress(Path(path).read_bytes()))
    trace = doc["trace"]
    t = np.fromiter((p[0] for p in trace), float, len(trace)) + doc["timestamp"]
    lat = np.fromiter((p[1] for p in trace), float, len(trace))
    lon = np.fromiter((p[2] for p in trace), float, len(trace))
    return int(shapely.contains_xy(get_region("VE").geometry, lon, lat).sum()) + len(t)


def floor(folder: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    paths = [str(p) for p in folder.rglob("trace_full_*.json")]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        total = sum(pool.map(_floor_file, paths, chunksize=256))
    print(total)


def ours(folder: Path) -> None:
    import tracks

    traffic = tracks.load(folder, progress=False)
    print(len(traffic.data))


def run(cmd: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak PSS MiB) of one command in a fresh process, CPU and memory summed over its whole
    process tree (pool workers included; benchmarks/history.py's sampler of /proc)."""
    with PeakRSS() as tree:
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        wall = time.perf_counter() - t0
    return wall, tree.cpu, tree.peak_pss / (1 << 20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/tracks-bench-load-many"))
    ap.add_argument("--run", choices=("floor", "ours"), help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        (floor if args.run == "floor" else ours)(args.folder)
        return
    t = time.perf_counter()
    folder = make_folder(args.work, args.files)
    print(f"{args.files:,} files in {folder} ({time.perf_counter() - t:.0f} s to write or find); "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}", flush=True)
    me = str(Path(__file__).resolve())
    times: dict[str, list[tuple[float, float, float]]] = {"floor": [], "ours": []}
    for r in range(args.repeat):
        for name in times:
            times[name].append(run([sys.executable, me, "--run", name, "--folder", str(folder)]))
            w, c, m = times[name][-1]
            print(f"  run {r + 1} {name:<5} wall {w:6.2f} s  cpu {c:6.2f} s  peak PSS of the tree {m:,.0f} MiB",
                  flush=True)
    for name in times:
        w = statistics.median(x[0] for x in times[name])
        c = statistics.median(x[1] for x in times[name])
        rw = statistics.median(a[0] / b[0] for a, b in zip(times[name], times["floor"], strict=True))
        rc = statistics.median(a[1] / b[1] for a, b in zip(times[name], times["floor"], strict=True))
        m = statistics.median(x[2] for x in times[name])
        print(f"{name:<6} wall {w:6.2f} s  cpu {c:6.2f} s  peak PSS {m:,.0f} MiB  ratio wall {rw:.2f}x  cpu {rc:.2f}x")
    print(f"load {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
