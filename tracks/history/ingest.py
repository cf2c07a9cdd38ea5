"""`tracks history ingest`: published history -> a Parquet dataset partitioned by UTC day (see layout.py).

The driver reads the inputs in order (a release's tar parts as one stream, hashing every part), cuts them
into batches of about `batch_mb` stored megabytes and hands the batches to the engine's workers, never more
than two per worker at a time, so memory is bounded by the batch size whatever the size of a day. Workers
write unsorted runs per (day, bucket); each bucket is then sorted into one part, the day's aircraft are
summarised, and the day is committed by writing its manifest. A day that fails (damaged archive, missing
part) is not committed: the dataset keeps its previous state for that day, and the error names the file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tracks.history import batches
from tracks.history.engines import Engine, Future, engine
from tracks.history.layout import AIRCRAFT_SCHEMA, Dataset, DayManifest
from tracks.history.sources import DayInput, PartStream, discover, release_members

BYTES_PER_POINT = {"release": 14, "traces": 14, "opensky": 60, "files": 40}  # stored bytes per point, roughly
BUCKET_ROWS = 1_000_000  # a bucket (one part, sorted in one piece) holds about this many points at most


@dataclass
class DayReport:
    """What the ingest of one day did."""

    day: str
    rows: int
    aircraft: int
    members: int
    bad_members: list[tuple[str, str]]
    rejected_points: dict[str, int]
    inputs: int
    replaced: bool

    def line(self) -> str:
        bad = f", {len(self.bad_members)} bad member(s)" if self.bad_members else ""
        rej = f", {sum(self.rejected_points.values()):,} point(s) rejected" if self.rejected_points else ""
        return (f"{self.day}: {self.rows:,} points, {self.aircraft:,} aircraft from {self.members:,} file(s)"
                f"{bad}{rej}{' (replaced the previous ingest)' if self.replaced else ''}")


@dataclass
class IngestReport:
    dataset: str
    days: list[DayReport] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [d.line() for d in self.days]
        for d in self.days:
            for name, why in d.bad_members[:20]:
                lines.append(f"  bad member {name}: {why}")
            if len(d.bad_members) > 20:
                lines.append(f"  ... {len(d.bad_members) - 20} more bad members (see the day's manifest.json)")
            for reason, n in sorted(d.rejected_points.items()):
                lines.append(f"  rejected {n:,} point(s): {reason}")
        lines.append(f"{len(self.days)} day(s) written to {self.dataset} in {self.seconds:.1f} s")
        return "\n".join(lines)


def ingest(sources: list[str] | str, into: str | os.PathLike[str], *, jobs: int | None = None,
           workers: int | None = None, scheduler: str | None = None, client: Any = None,
           progress: bool | None = None, batch_mb: float = 4.0,
           storage_options: dict[str, Any] | None = None) -> IngestReport:
    """Ingest history files and folders (see tracks.history.sources) into the dataset `into` (created when
    new). Engine: a local process pool of `jobs` processes (default every core), or Dask (`client`,
    `scheduler` address, or `workers` for a local cluster). Re-ingesting a day replaces it."""
    started = time.perf_counter()
    groups = discover([sources] if isinstance(sources, str) else list(sources))
    ds = Dataset(into, create=True, storage_options=storage_options)
    report = IngestReport(ds.url)
    total = sum(g.size for g in groups)
    with engine(jobs=jobs, workers=workers, scheduler=scheduler, client=client) as eng, \
            _Progress(total, progress) as bar:
        for g in groups:
            report.days.extend(_ingest_group(g, ds, eng, bar, int(batch_mb * (1 << 20)), storage_options))
    report.seconds = time.perf_counter() - started
    return report


def _digits(g: DayInput) -> int:
    """Hex digits of the bucket key: enough buckets that one holds at most about BUCKET_ROWS points."""
    est = g.size / BYTES_PER_POINT[g.kind]
    d = 0
    while d < 3 and est / 16**d > BUCKET_ROWS:
        d += 1
    return d


def _ingest_group(g: DayInput, ds: Dataset, eng: Engine, bar: _Progress, batch_bytes: int,
                  storage: dict[str, Any] | None) -> list[DayReport]:
    job = f"{ds.root}/.ingest-{uuid.uuid4().hex[:12]}"
    run_dir = ds.fs.unstrip_protocol(job)
    digits = _digits(g)
    results: list[batches.BatchResult] = []
    pending: deque[Future] = deque()
    folders: dict[str, tuple[str, str]] = {}
    try:
        def submit(fn: Callable[..., batches.BatchResult], *args: Any) -> None:
            while len(pending) >= 2 * eng.workers:
                _collect(pending.popleft(), results, bar)
            pending.append(eng.submit(fn, *args, run_dir, len(results) + len(pending), digits, storage))

        inputs: list[dict[str, Any]] = []
        if g.kind == "release":
            stream = PartStream(g.paths)
            batch: list[tuple[str, bytes]] = []
            size = 0
            for m in release_members(stream, g.label):
                if m.problem:
                    results.append(batches.BatchResult(members=1, bad=[(f"{g.label}::{m.name}", m.problem)]))
                    continue
                batch.append((m.name, m.data))
                size += len(m.data)
                if size >= batch_bytes:
                    submit(batches.parse_members, batch, g.label, g.day)
                    bar.advance_to(stream.position)
                    batch, size = [], 0
            if batch:
                submit(batches.parse_members, batch, g.label, g.day)
            inputs = [{"path": p, "sha256": h, "size": s}
                      for p, h, s in zip(g.paths, stream.sha256(), stream.sizes, strict=True)]
        else:
            fn = batches.parse_trace_files if g.kind == "traces" else batches.parse_files
            for chunk in _chunks(g.paths, batch_bytes):
                submit(fn, chunk, g.day)
        while pending:
            _collect(pending.popleft(), results, bar)
        inputs += [i for r in results for i in r.inputs]
        return _commit_days(g, ds, eng, results, inputs, folders, storage)
    except BaseException:
        for _, folder in folders.values():
            ds.discard(folder)
        raise
    finally:
        for f in pending:  # let running batches finish before their run files are removed
            with contextlib.suppress(Exception):
                f.result()
        if ds.fs.exists(job):
            ds.fs.rm(job, recursive=True)


def _collect(f: Future, results: list[batches.BatchResult], bar: _Progress) -> None:
    r: batches.BatchResult = f.result()
    results.append(r)
    bar.done(r.members, sum(r.kept_per_day.values()), sum(i["size"] for i in r.inputs))


def _chunks(paths: list[str], batch_bytes: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for p in paths:
        chunk.append(p)
        size += os.path.getsize(p)
        if size >= batch_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _commit_days(g: DayInput, ds: Dataset, eng: Engine, results: list[batches.BatchResult],
                 inputs: list[dict[str, Any]], folders: dict[str, tuple[str, str]],
                 storage: dict[str, Any] | None) -> list[DayReport]:
    runs: dict[str, dict[str, list[str]]] = {}
    kept: Counter[str] = Counter()
    for r in results:
        kept.update(r.kept_per_day)
        for (day, bucket), path in r.runs.items():
            runs.setdefault(day, {}).setdefault(bucket, []).append(path)
    days = sorted(runs) if g.day is None else [g.day]
    members = sum(r.members for r in results)
    bad = [b for r in results for b in r.bad]
    rejected: Counter[str] = Counter()
    for r in results:
        rejected.update(r.rejected)
    merges: dict[str, list[tuple[str, Future]]] = {}
    for day in days:
        folders[day] = ds.new_version(day)
        version, folder = folders[day]
        merges[day] = []
        for k, bucket in enumerate(sorted(runs.get(day, {}))):
            rel = f"{version}/part-{k:03d}.parquet"
            merges[day].append((rel, eng.submit(batches.merge_bucket, sorted(runs[day][bucket]),
                                                ds.fs.unstrip_protocol(f"{folder}/part-{k:03d}.parquet"), k, storage)))
    reports = []
    for day in days:
        version, folder = folders[day]
        summaries = [pa.ipc.open_stream(f.result()).read_all() for _, f in merges[day]]
        aircraft = pa.concat_tables(summaries) if summaries else AIRCRAFT_SCHEMA.empty_table()
        with ds.fs.open(f"{folder}/aircraft.parquet", "wb") as fh:
            pq.write_table(aircraft, fh)
        manifest = DayManifest(
            day=day, version=version, parts=[rel for rel, _ in merges[day]], aircraft=f"{version}/aircraft.parquet",
            rows=int(kept[day]), aircraft_count=len(aircraft), inputs=inputs,
            counts={"files_read": members, "bad_members": len(bad), "points_read": sum(r.points_read for r in results),
                    "points_kept": int(kept[day])},
            bad_members=[{"member": n, "reason": why} for n, why in bad],
            rejected_points=dict(rejected),
        )
        old = ds.commit(manifest)
        reports.append(DayReport(day, int(kept[day]), len(aircraft), members, bad, dict(rejected), len(inputs),
                                 old is not None))
    return reports


class _Progress:
    """A progress bar of the bytes read (time left from their rate), with files and points done."""

    def __init__(self, total: int, show: bool | None) -> None:
        self.total = total
        self.show = sys.stderr.isatty() if show is None else show
        self.bar: Any = None
        self.files = self.points = 0
        self._bytes = 0

    def __enter__(self) -> _Progress:
        if self.show:
            from tracks.progress import bar

            self.bar = bar(total=self.total, unit="B", unit_scale=True, desc="ingest", smoothing=0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def advance_to(self, position: int) -> None:
        if self.bar is not None and position > self.bar.n:
            self.bar.update(position - self.bar.n)

    def done(self, files: int, points: int, nbytes: int) -> None:
        self.files += files
        self.points += points
        if self.bar is not None:
            if nbytes:
                self.bar.update(nbytes)
            self.bar.set_postfix(files=f"{self.files:,}", points=f"{self.points:,}", refresh=False)
