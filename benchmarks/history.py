"""History ingest and query speed and memory (not a test; run on demand, when the machine is quiet).

    python benchmarks/history.py [--traces 50000] [--days 30] [--month-filler 2000] [--work /tmp/tracks-bench-history]
                                 [--only ingest|query] [--repeat 1]

1. Writes (once, cached in --work, outside the repository) one adsb.lol release of `--traces` traces (the
   regional day of benchmarks/history_gen.py plus filler aircraft far away), split into 64 MiB parts.
2. Ingest: `tracks.history.ingest` with a process pool on every core, against a bare floor on the same parts
   and the same pool size: tar stream -> gzip -> orjson -> a few Arrow columns -> one Parquet file per batch
   (no validation, no canonical units, no sort, no manifest). Reports both wall times, the ratio (target
   <= 3x), the 2-minute target for 50,000 traces, and the peak RSS of the whole process tree (target < 2 GB).
3. Query: a month of `--days` generated days (regional traffic + `--month-filler` filler traces a day) is
   ingested once; then distinct aircraft per day inside Venezuela, embedded (target < 5 s), and on Dask
   LocalClusters of 1 and 2 worker processes (same answer required; the 1 -> 2 speed-up is reported).
The load average is printed before and after each phase: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tarfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gzip

import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks import history_gen
from tracks.history import Dataset, ingest, region_traffic
from tracks.history.sources import PartStream
from tracks.loader import gc_paused

DAY = date(2025, 11, 20)
CLOSURE = date(2025, 11, 29)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class PeakRSS:
    """Peak resident memory of this process and all its descendants (sum), sampled every 0.1 s from /proc, and
    the CPU seconds they used (each process's last sampled utime + stime; less sensitive to a busy machine
    than wall time)."""

    def __init__(self) -> None:
        self.peak = 0  # sum of RSS: pages shared between the processes counted once per process (an upper bound)
        self.peak_pss = 0  # sum of PSS (shared pages split between their users): the tree's real footprint
        self._cpu: dict[int, float] = {}
        self._cpu0 = self._ticks(os.getpid())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[int]:
        pids, todo = [], [os.getpid()]
        while todo:
            p = todo.pop()
            pids.append(p)
            try:
                with open(f"/proc/{p}/task/{p}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
            except OSError:
                pass
        return pids

    @staticmethod
    def _ticks(pid: int) -> float:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _rss(self) -> int:
        total = pss = 0
        for p in self._tree():
            try:
                with open(f"/proc/{p}/statm") as fh:
                    total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
                with open(f"/proc/{p}/smaps_rollup") as fh:
                    pss += next(int(line.split()[1]) for line in fh if line.startswith("Pss:")) * 1024
                self._cpu[p] = self._ticks(p)
            except (OSError, IndexError, ValueError, StopIteration):
                pass
        self.peak_pss = max(self.peak_pss, pss)
        return total

    @property
    def cpu(self) -> float:
        """CPU seconds of the process tree during the block."""
        return sum(v for p, v in self._cpu.items() if p != os.getpid()) + self._cpu.get(os.getpid(), 0.0) - self._cpu0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(0.1)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def make_day(work: Path, traces: int) -> list[Path]:
    folder = work / f"day-{traces}"
    parts = sorted(folder.glob("v*.tar.*"))
    if parts:
        return parts
    folder.mkdir(parents=True, exist_ok=True)
    regional = history_gen.plan_day(DAY, CLOSURE, 1)
    flights = [*regional, *history_gen.filler(DAY, traces - len(regional), 1)]
    t = time.perf_counter()
    parts = history_gen.write_release(folder, DAY, history_gen.day_members(flights, DAY), part_size=64 << 20)
    print(f"generated {traces:,} traces ({sum(len(f.t) for f in flights):,} points) in "
          f"{time.perf_counter() - t:.0f} s: {sum(p.stat().st_size for p in parts) / 1e6:.0f} MB in {len(parts)} parts")
    return parts


# -- the bare floor -------------------------------------------------------------------------------------------
def _bare_batch(members: list[bytes], out: str) -> int:
    with gc_paused():  # as tracks pauses the cyclic collector while parsing: the floor gets the same advantage
        return _bare_parse(members, out)


def _bare_parse(members: list[bytes], out: str) -> int:
    cols: dict[str, list[Any]] = {"t": [], "lat": [], "lon": [], "alt": [], "gs": [], "trk": []}
    for data in members:
        doc = orjson.loads(gzip.decompress(data))
        pts = list(zip(*doc["trace"], strict=False))
        t0 = doc["timestamp"]
        cols["t"].extend(t0 + dt for dt in pts[0])
        cols["lat"].extend(pts[1])
        cols["lon"].extend(pts[2])
        cols["alt"].extend(a if type(a) is int else None for a in pts[3])
        cols["gs"].extend(pts[4])
        cols["trk"].extend(pts[5])
    table = pa.table({k: pa.array(v) for k, v in cols.items()})
    pq.write_table(table, out)
    return len(table)


def bare_ingest(parts: list[Path], out: Path, workers: int, batch_bytes: int = 4 << 20) -> int:
    out.mkdir(parents=True, exist_ok=True)
    stream = PartStream([str(p) for p in parts])
    futures = []
    with ProcessPoolExecutor(workers) as pool, tarfile.open(fileobj=stream, mode="r|") as tar:
        batch: list[bytes] = []
        size = 0
        for info in tar:
            if not info.isfile():
                continue
            fh = tar.extractfile(info)
            assert fh is not None
            batch.append(fh.read())
            size += info.size
            if size >= batch_bytes:
                futures.append(pool.submit(_bare_batch, batch, str(out / f"b{len(futures)}.parquet")))
                batch, size = [], 0
                while sum(not f.done() for f in futures) > 2 * workers:
                    time.sleep(0.01)
        if batch:
            futures.append(pool.submit(_bare_batch, batch, str(out / f"b{len(futures)}.parquet")))
        return sum(f.result() for f in futures)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


def bench_ingest(work: Path, traces: int, repeat: int) -> None:
    parts = make_day(work, traces)
    workers = os.cpu_count() or 1
    for k in range(repeat):
        print(f"[ingest rep {k + 1}] load before: {load()}")
        shutil.rmtree(work / "bare", ignore_errors=True)
        shutil.rmtree(work / "ds", ignore_errors=True)
        with PeakRSS() as mem_bare:
            t_bare, n_bare = timed(lambda: bare_ingest(parts, work / "bare", workers))
        with PeakRSS() as mem:
            t_ours, rep = timed(lambda: ingest([str(p) for p in parts], work / "ds", jobs=workers, progress=False))
        day = rep.days[0]
        print(f"  bare floor: {t_bare:.1f} s, {mem_bare.cpu:.1f} CPU s ({n_bare:,} points), "
              f"peak RSS {mem_bare.peak / 2**20:.0f} MiB (PSS {mem_bare.peak_pss / 2**20:.0f} MiB)")
        print(f"  tracks history ingest: {t_ours:.1f} s, {mem.cpu:.1f} CPU s ({day.rows:,} points, {day.aircraft:,} "
              f"aircraft), peak RSS {mem.peak / 2**20:.0f} MiB (PSS {mem.peak_pss / 2**20:.0f} MiB); "
              f"ratio {t_ours / t_bare:.2f}x wall, "
              f"{mem.cpu / max(mem_bare.cpu, 1e-9):.2f}x CPU (target <= 3x); "
              f"{'under' if t_ours < 120 else 'OVER'} 2 min; PSS {'under' if mem.peak_pss < 2 * 2**30 else 'OVER'} 2 GB")
        print(f"  load after: {load()}")


def make_month(work: Path, days: int, filler: int) -> Path:
    ds = work / f"month-{days}-{filler}"
    if (ds / "tracks-dataset.json").exists() and len(Dataset(ds).days()) == days:
        return ds
    src = work / f"month-src-{days}-{filler}"
    start = CLOSURE - timedelta(days=days // 2)
    t = time.perf_counter()
    history_gen.generate(src, start, days, CLOSURE, filler_per_day=filler, seed=2,
                         drop_days=[CLOSURE + timedelta(days=5)])
    print(f"generated {days} days in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    with PeakRSS() as mem:
        ingest([str(src / "adsblol")], ds, progress=False)
    print(f"ingested {days} days in {time.perf_counter() - t:.1f} s, {mem.cpu:.0f} CPU s, peak RSS "
          f"{mem.peak / 2**20:.0f} MiB (PSS {mem.peak_pss / 2**20:.0f} MiB) "
          f"(memory bounded by the batch, not the number of days)")
    return ds


def bench_query(work: Path, days: int, filler: int, repeat: int) -> None:
    from distributed import Client, LocalCluster

    ds = make_month(work, days, filler)
    region_traffic(ds, "VE")  # warm: imports, region index, page cache
    for k in range(repeat):
        print(f"[query rep {k + 1}] load before: {load()}")
        cpu = time.process_time()
        t_emb, emb = timed(lambda: region_traffic(ds, "VE"))
        cpu = time.process_time() - cpu  # every thread of this process (DuckDB's too)
        print(f"  embedded: {t_emb:.2f} s ({cpu:.2f} CPU s) for {len(emb.days)} days, "
              f"{int(emb.days['points_read'].sum()):,} candidate points read; {'under' if t_emb < 5 else 'OVER'} 5 s")
        times = {}
        for n in (1, 2):
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                    Client(cluster) as c:
                region_traffic(ds, "VE", client=c)  # warm the workers
                times[n], res = timed(lambda c=c: region_traffic(ds, "VE", client=c))
            same = res.days.equals(emb.days) and res.aircraft.equals(emb.aircraft)
            print(f"  dask {n} worker(s): {times[n]:.2f} s, same answer as embedded: {same}")
        print(f"  speed-up 1 -> 2 workers: {times[1] / times[2]:.2f}x; load after: {load()}")
    daily = emb.days[["day", "aircraft_inside", "aircraft_near", "aircraft_in_day"]]
    with pd.option_context("display.max_rows", None):
        print(daily.to_string(index=False))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--traces", type=int, default=50_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--month-filler", type=int, default=2000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/tracks-bench-history"))
    ap.add_argument("--only", choices=("ingest", "query"))
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; load {load()}")
    if a.only != "query":
        bench_ingest(a.work, a.traces, a.repeat)
    if a.only != "ingest":
        bench_query(a.work, a.days, a.month_filler, a.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
