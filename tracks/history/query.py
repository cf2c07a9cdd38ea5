"""Region-wide questions to a history dataset: who was inside a region, per UTC day or hour, and coverage.

    from tracks.history import region_traffic
    rt = region_traffic("history/", "VE", start="2025-11-15", end="2025-12-14")
    rt.days        # per day: aircraft_inside, possibly_inside, aircraft_near (coverage), aircraft_in_day
    rt.aircraft    # per day and aircraft: callsign, registration, first/last inside, points, entries, exits
    rt.hourly()    # distinct aircraft inside per hour

The embedded engine runs in this process (DuckDB uses every core for the scans); with `client`,
`scheduler` or `workers`, chunks of days run on Dask workers with the very same function
(tracks.history.scan.region_chunk), so the answers are the same.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from tracks.geo.regions import Region, get_region
from tracks.history import presence as presence_module
from tracks.history.engines import engine
from tracks.history.layout import Dataset, DatasetError, day_of
from tracks.history.scan import ChunkResult, DayFiles, Filters, extract_chunk, region_chunk
from tracks.segments import DEFAULT_MAX_GAP_S

NEAR_KM = 300.0  # coverage counts aircraft seen within this distance of the region's bounding box

DAILY_COLUMNS = ("day", "aircraft_inside", "possibly_inside", "aircraft_near", "aircraft_in_day", "selected_in_day",
                 "points_read")
AIRCRAFT_COLUMNS = ("day", "icao24", "callsign", "registration", "aircraft_type", "db_flags", "first_inside",
                    "last_inside", "inside_s", "points_inside", "entries", "exits", "first_entry", "last_exit",
                    "observed")


@dataclass
class RegionTraffic:
    """The answer to a region query. `days`: one row per day asked for that the dataset holds (see
    DAILY_COLUMNS; aircraft_near is the coverage: distinct aircraft with a sample within `near_km` of the
    region's box, whatever the filters). `aircraft`: one row per day and aircraft inside or possibly inside
    (observed False: only during a coverage gap; never counted). `intervals`: observed intervals inside.
    `missing_days`: days asked for that the dataset does not hold (no data is not no traffic)."""

    region: str
    filters: Filters
    near_km: float
    days: pd.DataFrame
    aircraft: pd.DataFrame
    intervals: pd.DataFrame
    missing_days: list[str]
    engine: str

    def hourly(self) -> pd.DataFrame:
        """Distinct aircraft inside per UTC hour (hours of held days without any aircraft count 0)."""
        counts = presence_module.counts_per(self.intervals, "h")
        idx = pd.DatetimeIndex([], tz="UTC")
        for d in self.days["day"]:
            idx = idx.append(pd.date_range(pd.Timestamp(d, tz="UTC"), periods=24, freq="h"))
        out = counts.reindex(idx, fill_value=0)
        return pd.DataFrame({"hour": idx, "aircraft_inside": out.to_numpy(dtype="int64")})

    def __repr__(self) -> str:
        return (f"<RegionTraffic {self.region}: {len(self.days)} days, {self.filters.describe()}, "
                f"{int(self.days['aircraft_inside'].sum()) if len(self.days) else 0} aircraft-days inside>")


def resolve_region(region: Region | str, region_files: tuple[str, ...] = ()) -> Region:
    """A region by code or name, looked up first in the user's region files (an FIR...), then in tracks'."""
    if isinstance(region, Region):
        return region
    if region_files:
        from tracks.geo.region_files import load_regions

        for f in region_files:
            for r in load_regions(f):
                if r.code.lower() == str(region).lower() or r.name.lower() == str(region).lower():
                    return r
    return get_region(region)


def _day_files(ds: Dataset, start: Any, end: Any) -> tuple[list[DayFiles], list[str]]:
    asked = (day_of(start, "start day (--start)") if start is not None else None, day_of(end, "end day (--end)") if end is not None else None)
    held = ds.days()
    if not held:
        raise DatasetError(f"{ds.url}: the dataset holds no day yet")
    first, last = asked[0] or held[0], asked[1] or held[-1]
    if last < first:
        raise DatasetError(f"the end day {last} is before the start day {first}")
    wanted = [d.date().isoformat() for d in pd.date_range(first, last, freq="D")]
    have = set(held)
    files = []
    for day in wanted:
        if day in have:
            m = ds.manifest(day)
            files.append(DayFiles(day, ds.full(day, m.aircraft), tuple(ds.full(day, p) for p in m.parts)))
    return files, [d for d in wanted if d not in have]


def region_traffic(dataset: str | os.PathLike[str] | Dataset, region: Region | str, *, start: Any = None,
                   end: Any = None, hex_prefix: tuple[str, ...] | str = (), callsign: str | None = None,
                   db_flags: int | None = None, icao24: tuple[str, ...] = (), near_km: float = NEAR_KM,
                   max_gap_s: float = DEFAULT_MAX_GAP_S, region_files: tuple[str, ...] = (), client: Any = None,
                   scheduler: str | None = None, workers: int | None = None,
                   storage_options: dict[str, Any] | None = None) -> RegionTraffic:
    """Who was inside `region` each UTC day from `start` to `end` (days, inclusive; default: every day held).
    Filters: `hex_prefix`, `callsign` (regular expression), `db_flags` (bits), `icao24`; see scan.Filters.
    Engine: embedded (default), or Dask (`client`, `scheduler` address, `workers` for a local cluster)."""
    if not (isinstance(near_km, int | float) and math.isfinite(near_km) and near_km >= 0):
        raise DatasetError(f"the distance near_km (--near-km) must be 0 km or more, not {near_km!r}")
    prefixes = (hex_prefix,) if isinstance(hex_prefix, str) else tuple(hex_prefix)
    filters = Filters(prefixes, callsign, db_flags, tuple(icao24))
    ds = dataset if isinstance(dataset, Dataset) else Dataset(dataset, storage_options=storage_options)
    reg = resolve_region(region, tuple(region_files))
    if not reg.is_area:
        raise DatasetError(f"region {reg.code} is a line; traffic is counted inside an area")
    files, missing = _day_files(ds, start, end)
    if client is None and scheduler is None and not workers:
        results = [region_chunk(files, reg, filters, near_km, max_gap_s, os.cpu_count() or 1, storage_options)]
        used = "embedded (DuckDB)"
    else:
        with engine(client=client, scheduler=scheduler, workers=workers) as eng:
            chunks = _chunks(files, eng.workers)
            futures = [eng.submit(region_chunk, c, reg, filters, near_km, max_gap_s, 1, storage_options)
                       for c in chunks]
            results = [f.result() for f in futures]
            used = f"dask ({eng.workers} workers)"
    return _combine(results, reg, filters, near_km, missing, used)


def _chunks(files: list[DayFiles], workers: int) -> list[list[DayFiles]]:
    n = max(1, min(len(files), 2 * workers))
    return [c for c in (files[i::n] for i in range(n)) if c]


def _combine(results: list[ChunkResult], reg: Region, filters: Filters, near_km: float, missing: list[str],
             used: str) -> RegionTraffic:
    daily = pd.DataFrame([row for r in results for row in r.daily], columns=list(DAILY_COLUMNS))
    daily = daily.sort_values("day", kind="stable").reset_index(drop=True)
    frames = [a for r in results for a in r.aircraft]
    aircraft = pd.concat(frames, ignore_index=True) if frames else presence_module.empty_presence()
    for c in AIRCRAFT_COLUMNS:
        if c not in aircraft:
            aircraft[c] = pd.Series(dtype="object")
    aircraft = aircraft[list(AIRCRAFT_COLUMNS)].sort_values(["day", "icao24"], kind="stable").reset_index(drop=True)
    ivs = [i for r in results for i in r.intervals]
    intervals = pd.concat(ivs, ignore_index=True) if ivs else presence_module.empty_intervals()
    intervals = intervals.sort_values([c for c in ("day", "icao24", "start") if c in intervals], kind="stable")
    return RegionTraffic(reg.code, filters, near_km, daily, aircraft, intervals.reset_index(drop=True), missing, used)


def extract(dataset: str | os.PathLike[str] | Dataset, out_dir: str | os.PathLike[str], *, start: Any = None,
            end: Any = None, hex_prefix: tuple[str, ...] | str = (), callsign: str | None = None,
            db_flags: int | None = None, icao24: tuple[str, ...] = (), to: str = "csv",
            storage_options: dict[str, Any] | None = None) -> list[str]:
    """Write the tracks of the selected aircraft (one file per aircraft, all days from `start` to `end`) to
    `out_dir` in a format `tracks check` and `tracks map` read (csv, parquet, geojson, kml). Returns the paths."""
    from pathlib import Path

    from tracks import schema
    from tracks.export import export
    from tracks.track import Track

    prefixes = (hex_prefix,) if isinstance(hex_prefix, str) else tuple(hex_prefix)
    filters = Filters(prefixes, callsign, db_flags, tuple(icao24))
    ds = dataset if isinstance(dataset, Dataset) else Dataset(dataset, storage_options=storage_options)
    if filters == Filters():
        raise DatasetError("say which aircraft to extract (an address, a prefix, a callsign pattern or flags)")
    files, _ = _day_files(ds, start, end)
    table = extract_chunk(files, filters, os.cpu_count() or 1, storage_options)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frame = table.select(list(schema.COLUMN_NAMES)).to_pandas(
        types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)
    frame = schema.conform(frame)
    paths = []
    for icao, g in frame.groupby("icao24", sort=True):
        paths.append(str(export(Track(g.reset_index(drop=True)), out / f"{icao}.{to}", to=to)))
    return paths
