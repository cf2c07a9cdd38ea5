"""Track (one aircraft) and Traffic (many aircraft): thin wrappers over one canonical DataFrame.

Both carry the `sources` they were read from (path, sha256, format, counts) and the `rejected` records with
their reasons, so nothing is lost silently. Pandas-style verbs return the same type, so an analysis reads as
a chain: ``track.clean().between(t0, t1).legs()``. An empty result is an empty Track, never None.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracks import schema

if TYPE_CHECKING:
    from tracks.aircraft import AircraftInfo
    from tracks.clean import CleanResult
    from tracks.formats.base import FileAircraft
    from tracks.gaps import Gaps
    from tracks.geo.clip import Clip
    from tracks.geo.regions import Region
    from tracks.legs import Legs
    from tracks.observation import Observation
    from tracks.render.profile import Profile

#: Columns of a `rejected` table: which file and record, why, and the offending values as text.
REJECTED_COLUMNS: tuple[str, ...] = ("file", "record", "reason", "values")


def empty_rejected() -> pd.DataFrame:
    """A zero-row rejected table."""
    return pd.DataFrame(
        {
            "file": pd.Series([], dtype=schema.STRING_DTYPE),
            "record": pd.Series([], dtype="int64"),
            "reason": pd.Series([], dtype=schema.STRING_DTYPE),
            "values": pd.Series([], dtype=schema.STRING_DTYPE),
        }
    )


@dataclass(frozen=True)
class Source:
    """Where a track's rows came from. `sha256` is of the bytes exactly as read from disk (before gunzip)."""

    path: str
    sha256: str
    format: str
    size: int
    records_read: int
    records_kept: int
    records_rejected: int
    rejected_reasons: Mapping[str, int] = field(default_factory=dict)
    url: str = ""
    retrieved_at: str = ""  # ISO 8601 UTC when fetched by `tracks fetch`, "" otherwise
    illustrative: bool = False  # the file says it is a synthetic/illustrative track, not a recording
    note: str = ""
    #: the aircraft identity the file itself carries (readsb `r`, `t`, `desc`, `ownOp`, `dbFlags`), read by
    #: `Track.identity`; not part of `to_dict` (an aircraft.json holds thousands)
    aircraft: FileAircraft | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        d = asdict(replace(self, aircraft=None))
        del d["aircraft"]
        d["rejected_reasons"] = dict(self.rejected_reasons)
        return d


class _Table:
    """Shared behaviour of Track and Traffic."""

    def __init__(
        self,
        data: pd.DataFrame,
        sources: tuple[Source, ...] = (),
        rejected: pd.DataFrame | None = None,
    ) -> None:
        if tuple(data.columns) != schema.COLUMN_NAMES:  # a table built by hand: check it before trusting it
            _refuse_naive_times(data)
            data = schema.conform(data)
            problems = schema.check(data)
            if problems:
                raise ValueError(f"not a valid track table: {'; '.join(problems)} (see docs/schema.md)")
        self._data = data
        self.sources: tuple[Source, ...] = tuple(sources)
        self.rejected: pd.DataFrame = empty_rejected() if rejected is None else rejected

    # -- the table ---------------------------------------------------------------------------------
    @property
    def data(self) -> pd.DataFrame:
        """The canonical table (see docs/schema.md). Treat it as read-only; verbs return new objects."""
        return self._data

    def __len__(self) -> int:
        return len(self._data)

    @property
    def empty(self) -> bool:
        return len(self._data) == 0

    @property
    def start(self) -> pd.Timestamp:
        """Time of the first sample (NaT when empty)."""
        return self._data["time"].min() if len(self) else pd.NaT

    @property
    def stop(self) -> pd.Timestamp:
        """Time of the last sample (NaT when empty)."""
        return self._data["time"].max() if len(self) else pd.NaT

    @property
    def duration(self) -> pd.Timedelta:
        return (self.stop - self.start) if len(self) else pd.Timedelta(0)

    @property
    def illustrative(self) -> bool:
        """True when any source says it is an illustrative (synthetic) track."""
        return any(s.illustrative for s in self.sources)

    # -- verbs that keep the type --------------------------------------------------------------------
    def _new(self, data: pd.DataFrame) -> Self:
        return type(self)(data.reset_index(drop=True), self.sources, self.rejected)

    def filter(self, mask: pd.Series | Any) -> Self:
        """Rows where the boolean `mask` is true."""
        return self._new(self._data.loc[mask])

    def query(self, expr: str, **kwargs: Any) -> Self:
        """Rows matching a pandas query expression, e.g. ``track.query("alt_baro_ft > 10000")``."""
        return self._new(self._data.query(expr, **kwargs))

    def between(self, start: Any, stop: Any) -> Self:
        """Rows with start <= time <= stop. Naive times are refused: give an offset or a zone."""
        t0, t1 = _utc(start), _utc(stop)
        t = self._data["time"]
        return self._new(self._data.loc[(t >= t0) & (t <= t1)])

    def inside_bbox(self, west: float, south: float, east: float, north: float) -> Self:
        """Rows with south <= lat <= north and a longitude between west and east (degrees); west > east is a
        box across the antimeridian (e.g. 170, -10, -170, 10)."""
        lat, lon = self._data["lat"], self._data["lon"]
        in_lon = lon.between(west, east) if west <= east else (lon >= west) | (lon <= east)
        return self._new(self._data.loc[lat.between(south, north) & in_lon])

    # -- GeoPandas and the notebook ------------------------------------------------------------------------
    def to_geodataframe(self, kind: str = "points", max_gap_s: float | None = None) -> Any:
        """A GeoDataFrame (EPSG:4326) of kind "points", "segments", "legs" or "gaps"; see `tracks.interop`.
        Needs geopandas (`pip install "tracks[geo]"`)."""
        from tracks.interop import to_geodataframe
        from tracks.segments import DEFAULT_MAX_GAP_S

        return to_geodataframe(self, kind, DEFAULT_MAX_GAP_S if max_gap_s is None else max_gap_s)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """GeoJSON: the observed runs of each aircraft as lines broken at coverage gaps (`tracks.interop`)."""
        from tracks.interop import geo_interface

        return geo_interface(self)

    def explore(self, **options: Any) -> Any:
        """The self-contained offline map (`tracks.render_map`), displayed inline in a notebook."""
        from tracks.render.map import render_map

        return render_map(self, **options)

    def head(self, n: int = 5) -> Self:
        return self._new(self._data.head(n))

    def tail(self, n: int = 5) -> Self:
        return self._new(self._data.tail(n))

    def __repr__(self) -> str:
        name = type(self).__name__
        if self.empty:
            return f"<{name}: empty>"
        return f"<{name}: {self._describe()} {len(self)} points {self.start:%Y-%m-%d %H:%M:%SZ} -> {self.stop:%Y-%m-%d %H:%M:%SZ}>"

    def _describe(self) -> str:
        return ""

    def _repr_html_(self) -> str:
        """Notebook display: identity, span, points, gaps, legs and small route/altitude drawings
        (`tracks.display`)."""
        from tracks import display

        return display.track_html(self) if isinstance(self, Track) else display.traffic_html(self)  # type: ignore[arg-type]


class Track(_Table):
    """One aircraft's positions sorted by UTC time."""

    def __init__(
        self,
        data: pd.DataFrame,
        sources: tuple[Source, ...] = (),
        rejected: pd.DataFrame | None = None,
    ) -> None:
        super().__init__(data, sources, rejected)
        t = self._data["time"]
        if not t.is_monotonic_increasing:
            self._data = self._data.sort_values("time", kind="stable").reset_index(drop=True)
        self._legs: Legs | None = None
        ids = self._data["icao24"].unique()
        if len(ids) > 1:
            raise ValueError(f"a Track holds one aircraft; got {len(ids)} ({', '.join(map(str, ids[:5]))}); use Traffic")

    @classmethod
    def empty_track(cls) -> Track:
        return cls(schema.empty_frame())

    def _describe(self) -> str:
        parts = [self.icao24]
        if self.callsign:
            parts.append(self.callsign)
        if self.registration:
            parts.append(self.registration)
        return " ".join(parts)

    @property
    def icao24(self) -> str:
        return str(self._data["icao24"].iloc[0]) if len(self) else ""

    @property
    def callsign(self) -> str:
        """The most frequent callsign ('' when none)."""
        return _mode(self._data["callsign"])

    @property
    def registration(self) -> str:
        return _mode(self._data["registration"])

    @property
    def identity(self) -> AircraftInfo:
        """Who the aircraft is: the State whose ICAO block holds the address, and registration, type, operator
        and flags (military, interesting, PIA, LADD) from the aircraft database (`tracks.aircraft.use`), each
        value the database lacks from the track file itself (readsb `r`, `t`, `desc`, `ownOp`, `dbFlags`),
        each value with its source. See `tracks.aircraft.identify_track`."""
        from tracks.aircraft import identify_track

        return identify_track(self.icao24, self.registration, self.sources)

    def emergencies(self) -> pd.DataFrame:
        """Runs of emergency squawks (7500, 7600, 7700) with times; see `tracks.aircraft.emergency_squawks`."""
        from tracks.aircraft import emergency_squawks

        return emergency_squawks(self._data)

    # -- downstream analyses (imported lazily so that data flows one way) ---------------------------------
    def clean(self, **options: Any) -> CleanResult:
        """Cleaned copy plus the rows removed and why; see `tracks.clean.clean`."""
        from tracks.clean import clean

        return clean(self, **options)

    def observe(self, **options: Any) -> Observation:
        """The observation model (gaps, speed bound, air/ground state, legs, events); see
        `tracks.observation.observe`."""
        from tracks.observation import observe

        return observe(self, **options)

    def gaps(self, **options: Any) -> Gaps:
        """Coverage gaps; see `tracks.gaps.find_gaps`."""
        from tracks.gaps import find_gaps

        return find_gaps(self, **options)

    def legs(self, **options: Any) -> Legs:
        """Flights with take-off/landing airports; see `tracks.legs.split_legs`. With the default options the
        result is computed once per Track (the table is read-only), so a notebook display and `legs()` share it."""
        from tracks.legs import split_legs

        if options:
            return split_legs(self, **options)
        if self._legs is None:
            self._legs = split_legs(self)
        return self._legs

    def plot_profile(self, **options: Any) -> Profile:
        """Altitude and ground speed against time, gaps shaded (SVG; shows itself in a notebook); see
        `tracks.render.profile.plot_profile` (timezone=, max_gap_s=, width=, height=)."""
        from tracks.render.profile import plot_profile

        return plot_profile(self, **options)

    def crossings(self, region: Region | str, **options: Any) -> pd.DataFrame:
        """Entries and exits of a region with interpolated times; see `tracks.geo.fence.crossings`."""
        from tracks.geo.fence import crossings

        return crossings(self, region, **options)

    def clip(self, region: Region | str | Any, **options: Any) -> Clip:
        """The pieces inside a region, each from its entry to its exit (times from the fence's crossings;
        gaps stay gaps); `.track` is every sample inside. See `tracks.geo.clip`."""
        from tracks.geo.clip import clip

        return clip(self, region, **options)


class Traffic(_Table):
    """Many aircraft in one table, sorted by (icao24, time). `traffic["0d8373"]` selects one as a Track."""

    def __init__(
        self,
        data: pd.DataFrame,
        sources: tuple[Source, ...] = (),
        rejected: pd.DataFrame | None = None,
    ) -> None:
        super().__init__(data, sources, rejected)
        ordered = _ordered_by_icao_time(self._data)
        if not ordered:
            self._data = self._data.sort_values(["icao24", "time"], kind="stable").reset_index(drop=True)

    def _describe(self) -> str:
        return f"{self._data['icao24'].nunique()} aircraft,"

    @property
    def icao24s(self) -> list[str]:
        return sorted(self._data["icao24"].dropna().unique().tolist())

    def __getitem__(self, key: str) -> Track:
        """The Track of one aircraft, by ICAO address, callsign or registration (case-insensitive)."""
        return self.select(key)

    def select(self, key: str) -> Track:
        """The Track of one aircraft by ICAO address, callsign or registration; KeyError when absent."""
        k = key.strip()
        d = self._data
        mask = d["icao24"] == k.lower()
        if not mask.any():
            mask = (d["callsign"].str.upper() == k.upper()).fillna(False)
            ids = d.loc[mask, "icao24"].unique()
            if len(ids) > 1:
                raise KeyError(f"callsign {k!r} is used by several aircraft: {', '.join(ids)}; select by icao24")
            mask = d["icao24"].isin(ids) if len(ids) else mask
        if not mask.any():
            mask = (d["registration"].str.upper() == k.upper()).fillna(False)
            ids = d.loc[mask, "icao24"].unique()
            mask = d["icao24"].isin(ids[:1]) if len(ids) else mask
        if not mask.any():
            raise KeyError(f"no aircraft {k!r} in this table ({len(self.icao24s)} aircraft)")
        return Track(d.loc[mask].reset_index(drop=True), self.sources, self.rejected)

    def __iter__(self) -> Iterator[Track]:
        for _, g in self._data.groupby("icao24", sort=True):
            yield Track(g.reset_index(drop=True), self.sources, self.rejected)

    def __contains__(self, key: object) -> bool:
        try:
            self.select(str(key))
        except KeyError:
            return False
        return True


def _ordered_by_icao_time(data: pd.DataFrame) -> bool:
    """True when rows are already sorted by (icao24, time): a vectorised check, so big tables skip the sort."""
    if len(data) < 2:
        return True
    ic = data["icao24"]
    ids = pa.array(ic.array) if isinstance(ic.dtype, pd.StringDtype) else pa.array(ic.astype(str).to_numpy())
    t = data["time"].array.asi8 if isinstance(data["time"].dtype, pd.DatetimeTZDtype) else None
    if t is None:
        return False
    a, b = ids[:-1], ids[1:]
    same = pc.equal(a, b).to_numpy(zero_copy_only=False)
    later = pc.less(a, b).to_numpy(zero_copy_only=False)
    return bool(np.all(np.where(same, np.diff(t) >= 0, later)))


_ZONE_SUFFIX = r"(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)\s*$"


def _refuse_naive_times(data: pd.DataFrame) -> None:
    """Raise ValueError when `time` holds times without a zone (or bare numbers): we never guess a zone."""
    if "time" not in data.columns:
        raise ValueError("a track table needs a 'time' column (UTC, tz-aware)")
    t = data["time"]
    if isinstance(t.dtype, pd.DatetimeTZDtype):
        return
    fix = "give tz-aware times (e.g. pd.to_datetime(..., utc=True) or .dt.tz_localize(zone)) or ISO 8601 with an offset"
    if pd.api.types.is_datetime64_dtype(t.dtype) or pd.api.types.is_numeric_dtype(t.dtype):
        raise ValueError(f"'time' has no time zone ({t.dtype}); {fix}")
    values = t.dropna()
    text = values.astype(str)
    aware = text.str.contains(_ZONE_SUFFIX, regex=True)
    if not aware.all():
        raise ValueError(f"'time' value {text[~aware].iloc[0]!r} has no time zone; {fix}")


def _mode(s: pd.Series) -> str:
    s = s.dropna()
    s = s[s != ""]
    return str(s.value_counts().index[0]) if len(s) else ""


def _utc(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        raise ValueError(f"time {value!r} has no time zone; write it with an offset (2025-11-29T01:10Z) or a zone")
    return ts.tz_convert("UTC")
