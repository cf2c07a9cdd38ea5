"""The work of a region query over some days of a history dataset (one function, run by every engine).

Per day, DuckDB (embedded, no server) reads the day's aircraft summary and keeps the aircraft whose bounding
box meets the region's box widened by `near_km` (a prefilter: an aircraft whose box misses the region's box
cannot have a sample or a segment inside it, antimeridian segments included, as their box spans every
longitude); DuckDB then reads those aircraft's points from the day's Parquet parts. Coverage is counted from
those points (distinct aircraft with a sample in the widened box), and the aircraft that pass the filters
and whose box meets the region's own box go to the fence (tracks.history.presence), which decides on
segments, exactly as for a single track.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracks import schema
from tracks.aircraft import DB_FLAGS
from tracks.geo.geodesy import KM_PER_DEG_MIN
from tracks.geo.regions import Region
from tracks.history import presence as presence_module
from tracks.history.layout import DatasetError


@dataclass(frozen=True)
class Filters:
    """Which aircraft to count or extract: ICAO address prefixes (e.g. "ae" for a military block), a callsign
    regular expression (RE2, matched anywhere in any callsign of the day; anchor with ^ and $), readsb
    database flags (any of these bits: 1 military, 2 interesting, 4 PIA, 8 LADD), exact addresses."""

    hex_prefixes: tuple[str, ...] = ()
    callsign: str | None = None
    db_flags: int | None = None
    icao24: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Each filter checked once, here: DatasetError naming the value and what was expected. Prefixes
        and addresses are kept in canonical form (schema's ICAO rule)."""
        prefixes = tuple(schema.parse_icao_prefix(p) for p in self.hex_prefixes)
        for text, p in zip(self.hex_prefixes, prefixes, strict=True):
            if p is None:
                raise DatasetError(f"the address prefix (--hex-prefix) {text!r} is not 1 to 6 hex digits of an "
                                   "ICAO address, e.g. ae")
        addresses = tuple(schema.parse_icao24(a) for a in self.icao24)
        for text, a in zip(self.icao24, addresses, strict=True):
            if a is None:
                raise DatasetError(f"the address (--icao24) {text!r} is not an ICAO address (6 hex digits, e.g. 0d8373)")
        object.__setattr__(self, "hex_prefixes", prefixes)
        object.__setattr__(self, "icao24", addresses)
        every_flag = (1 << len(DB_FLAGS)) - 1
        if self.db_flags is not None and not 0 < self.db_flags <= every_flag:
            raise DatasetError(f"the database flags (--db-flags) {self.db_flags} are not a sum of readsb's flag "
                               f"bits (1 military, 2 interesting, 4 PIA, 8 LADD: 1 to {every_flag})")
        if self.callsign:
            import duckdb

            try:  # the pattern compiled once by the engine that will use it (RE2)
                with duckdb.connect() as con:
                    con.execute("SELECT regexp_matches('', ?)", [self.callsign])
            except duckdb.Error as e:
                reason = str(e).removeprefix("Invalid Input Error: ")
                raise DatasetError(f"the callsign pattern (--callsign) {self.callsign!r} is not a regular "
                                   f"expression RE2 accepts ({reason})") from None

    def sql(self) -> tuple[str, list[Any]]:
        """A WHERE condition over aircraft.parquet columns, with its parameters."""
        terms: list[str] = []
        params: list[Any] = []
        if self.hex_prefixes:
            terms.append("(" + " OR ".join("starts_with(icao24, ?)" for _ in self.hex_prefixes) + ")")
            params += list(self.hex_prefixes)
        if self.callsign:
            terms.append("len(list_filter(callsigns, lambda c: regexp_matches(c, ?))) > 0")
            params.append(self.callsign)
        if self.db_flags is not None:
            terms.append("(coalesce(db_flags, 0) & ?) != 0")
            params.append(int(self.db_flags))
        if self.icao24:
            terms.append("list_contains(?, icao24)")
            params.append(list(self.icao24))
        return (" AND ".join(terms) or "TRUE"), params

    def describe(self) -> str:
        parts = []
        if self.hex_prefixes:
            parts.append("address starting " + " or ".join(self.hex_prefixes))
        if self.callsign:
            parts.append(f"callsign matching {self.callsign!r}")
        if self.db_flags is not None:
            parts.append(f"database flags & {self.db_flags}")
        if self.icao24:
            parts.append("address " + ", ".join(self.icao24))
        return "; ".join(parts) or "all aircraft"


@dataclass(frozen=True)
class DayFiles:
    """A committed day: its aircraft summary and its parts, as URLs the workers can open."""

    day: str
    aircraft: str
    parts: tuple[str, ...]


@dataclass
class ChunkResult:
    daily: list[dict[str, Any]] = field(default_factory=list)
    aircraft: list[pd.DataFrame] = field(default_factory=list)
    intervals: list[pd.DataFrame] = field(default_factory=list)


def boxes(region: Region, near_km: float) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
    """(region box, near box): lon/lat bounds, the second widened by near_km on every side: by the degrees
    near_km can span at most (geodesy.KM_PER_DEG_MIN), so every point within near_km of the region's box is
    in it."""
    x0, y0, x1, y1 = region.geometry.bounds
    dlat = near_km / KM_PER_DEG_MIN
    far = min(max(abs(y0), abs(y1)) + dlat, 89.0)
    dlon = near_km / (KM_PER_DEG_MIN * math.cos(math.radians(far)))
    nx0, nx1 = x0 - dlon, x1 + dlon
    if nx0 < -180 or nx1 > 180:
        nx0, nx1 = -180.0, 180.0
    return (x0, y0, x1, y1), (nx0, max(y0 - dlat, -90.0), nx1, min(y1 + dlat, 90.0))


def _connect(threads: int, urls: list[str], storage: dict[str, Any] | None) -> Any:
    import duckdb
    import fsspec

    con = duckdb.connect(config={"threads": max(1, threads)})
    protocols = {u.split("://", 1)[0] for u in urls if "://" in u} - {"file"}
    for proto in protocols:
        con.register_filesystem(fsspec.filesystem(proto, **(storage or {})))
    return con


def _local(url: str) -> str:
    return url[len("file://"):] if url.startswith("file://") else url


def region_chunk(days: list[DayFiles], region: Region, filters: Filters, near_km: float, max_gap_s: float,
                 threads: int = 1, storage: dict[str, Any] | None = None) -> ChunkResult:
    """Coverage, presence and intervals inside `region` for each of `days` (see the module docstring)."""
    out = ChunkResult()
    rbox, nbox = boxes(region, near_km)
    where, params = filters.sql()
    con = _connect(threads, [d.aircraft for d in days], storage)
    try:
        for d in days:
            summary = con.sql(
                "SELECT *, (max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?) AS near, "
                f"coalesce({where}, FALSE) AS selected "
                "FROM read_parquet(?, hive_partitioning = false) ORDER BY icao24",
                params=[nbox[0], nbox[2], nbox[1], nbox[3], *params, _local(d.aircraft)],
            ).to_arrow_table()
            near = summary.filter(summary["near"])
            rows = _points(con, d, near.select(["icao24"]))
            x, y = rows["lon"].to_numpy(), rows["lat"].to_numpy()
            in_near = (x >= nbox[0]) & (x <= nbox[2]) & (y >= nbox[1]) & (y <= nbox[3])
            near_ids = pc.count_distinct(rows["icao24"].filter(pa.array(in_near))).as_py() if len(rows) else 0
            box = (pc.greater_equal(summary["max_lon"], rbox[0]), pc.less_equal(summary["min_lon"], rbox[2]),
                   pc.greater_equal(summary["max_lat"], rbox[1]), pc.less_equal(summary["min_lat"], rbox[3]))
            cand_mask = summary["selected"]
            for m in box:
                cand_mask = pc.and_(cand_mask, m)
            cand = summary.filter(cand_mask)
            picked = rows.filter(pc.is_in(rows["icao24"], value_set=cand["icao24"])) if len(cand) else rows.slice(0, 0)
            pres, intervals = presence_module.presence(_frame(picked), region, max_gap_s)
            ident = cand.select(["icao24", "callsigns", "registration", "aircraft_type", "db_flags"]).to_pandas(
                types_mapper={pa.string(): pd.StringDtype()}.get)
            ident["callsign"] = ident.pop("callsigns").map(lambda v: ", ".join(v) if v is not None else "")
            pres = pres.merge(ident, on="icao24", how="left")
            pres.insert(0, "day", d.day)
            intervals.insert(0, "day", d.day)
            out.daily.append({
                "day": d.day, "aircraft_inside": int(pres["observed"].sum()),
                "possibly_inside": int((~pres["observed"]).sum()),
                "aircraft_near": int(near_ids), "aircraft_in_day": len(summary),
                "selected_in_day": int(pc.sum(summary["selected"].cast(pa.int64())).as_py() or 0),
                "points_read": len(rows)})
            out.aircraft.append(pres)
            out.intervals.append(intervals)
    finally:
        con.close()
    return out


_POINT_COLUMNS = pa.schema([("time", pa.timestamp("ns", tz="UTC")), ("icao24", pa.string()), ("lat", pa.float64()),
                            ("lon", pa.float64()), ("stale", pa.bool_())])


def _points(con: Any, d: DayFiles, aircraft: pa.Table) -> pa.Table:
    """Points of the given aircraft on day `d` (time, icao24, lat, lon, stale), sorted by aircraft and time."""
    if not len(aircraft) or not d.parts:
        return _POINT_COLUMNS.empty_table()
    con.register("wanted", aircraft)
    try:
        table = con.sql(
            "SELECT time, icao24, lat, lon, stale FROM read_parquet(?, hive_partitioning = false) "
            "WHERE icao24 IN (SELECT icao24 FROM wanted) ORDER BY icao24, time, file, record",
            params=[[_local(p) for p in d.parts]]).to_arrow_table()
    finally:
        con.unregister("wanted")
    return table.cast(_POINT_COLUMNS)


def _frame(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)
    frame["time"] = frame["time"].astype(schema.TIME_DTYPE)
    return frame


def extract_chunk(days: list[DayFiles], filters: Filters, threads: int = 1,
                  storage: dict[str, Any] | None = None) -> pa.Table:
    """Every point (all dataset columns) of the aircraft passing `filters` on `days`, sorted by aircraft and
    time (day by day)."""
    where, params = filters.sql()
    con = _connect(threads, [d.aircraft for d in days], storage)
    tables = []
    try:
        for d in days:
            wanted = con.sql(f"SELECT icao24 FROM read_parquet(?, hive_partitioning = false) WHERE {where}",
                             params=[_local(d.aircraft), *params]).to_arrow_table()
            if not len(wanted) or not d.parts:
                continue
            con.register("wanted", wanted)
            tables.append(con.sql(
                "SELECT * FROM read_parquet(?, hive_partitioning = false) WHERE icao24 IN (SELECT icao24 FROM wanted) "
                "ORDER BY icao24, time, file, record", params=[[_local(p) for p in d.parts]]).to_arrow_table())
            con.unregister("wanted")
    finally:
        con.close()
    from tracks.history.layout import POINT_SCHEMA

    return pa.concat_tables([t.cast(POINT_SCHEMA) for t in tables]) if tables else POINT_SCHEMA.empty_table()
