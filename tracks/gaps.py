"""Coverage gaps of one aircraft's track as a table, each with its reach.

Which segments are gaps is THE rule of `tracks.segments` (cause per segment); `tracks.observation` computes it
once per check and builds this table from it. Each gap carries its reach: the aircraft, flying no faster than
the speed bound, was somewhere P with d(A, P) + d(P, B) <= reach_km between the gap's two samples A and B
(decided by `tracks.geo.reach`; the drawn ellipse is an approximation of that set for the map).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from shapely import MultiPolygon, Polygon

from tracks.altitude import displayed_ft
from tracks.geo.geodesy import GEOD
from tracks.geo.reach import reachability_ellipses
from tracks.segments import CAUSES, DEFAULT_MAX_GAP_S
from tracks.units import KT_PER_MS
from tracks.wording import duration

if TYPE_CHECKING:
    from tracks.track import Track


GAP_COLUMNS: tuple[str, ...] = (
    "gap_id", "start_index", "end_index", "start_time", "end_time", "duration_s",
    "start_lat", "start_lon", "end_lat", "end_lon", "start_alt_ft", "end_alt_ft",
    "distance_km", "implied_speed_kt", "max_speed_kt", "reach_km", "exceeds_max_speed", "cause",
)


def segment_distance_km(frame: pd.DataFrame) -> np.ndarray:
    """Geodesic length of each segment (samples i..i+1) in km (length n-1)."""
    if len(frame) < 2:
        return np.zeros(0)
    lat = frame["lat"].to_numpy(float)
    lon = frame["lon"].to_numpy(float)
    _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return np.asarray(d, float) / 1000.0


class Gaps:
    """The coverage gaps of a track: `.frame` (one row per gap, columns GAP_COLUMNS) and their ellipses.

    Units: seconds, km, kt, ft; times UTC. `reach_km` is the longest path the aircraft could have flown during
    the gap: max(max_speed x duration, distance). `exceeds_max_speed` marks gaps whose endpoints are further
    apart than the maximum speed allows (the reach is then the distance itself, and the positions deserve
    suspicion). `cause` is one of tracks.segments.CAUSES: "time" (longer than max_gap_s without a sample),
    "resent" (longer than max_gap_s since the last fresh position) or "stale" (the sample after it is flagged
    stale by the exporter). `start_index` / `end_index` are row positions in the track the table belongs to.
    """

    def __init__(self, frame: pd.DataFrame, max_gap_s: float, max_speed_kt: float, n: int = 72) -> None:
        self.frame = frame
        self.max_gap_s = max_gap_s
        self.max_speed_kt = max_speed_kt
        self._n = n
        self._ellipses: dict[str, Polygon | MultiPolygon] | None = None

    def __len__(self) -> int:
        return len(self.frame)

    def __iter__(self) -> Iterator[pd.Series]:
        for _, row in self.frame.iterrows():
            yield row

    def __repr__(self) -> str:
        total = self.frame["duration_s"].sum() if len(self) else 0.0
        return f"<Gaps: {len(self)} ({self.summary()}), {duration(total)} unobserved>"

    @property
    def ids(self) -> list[str]:
        return self.frame["gap_id"].tolist()

    def counts(self) -> dict[str, int]:
        """How many gaps of each cause (tracks.segments.CAUSES), causes without gaps left out."""
        c = self.frame["cause"].value_counts()
        return {k: int(c[k]) for k in CAUSES[1:] if k in c.index}

    def summary(self) -> str:
        """What is counted: '28 longer than 60 s without a sample; 52 of 15–52 s after the exporter's stale flag'
        ('none' without gaps)."""
        f = self.frame
        parts = []
        for cause, words in (("time", f"longer than {self.max_gap_s:g} s without a sample"),
                             ("resent", f"longer than {self.max_gap_s:g} s since the last fresh position"),
                             ("stale", "after the exporter's stale flag")):
            d = f.loc[f["cause"] == cause, "duration_s"]
            if not len(d):
                continue
            if cause == "stale":
                lo, hi = duration(d.min()), duration(d.max())
                span = lo if lo == hi else (f"{lo.removesuffix(' s')}–{hi}" if hi.endswith(" s") and lo.endswith(" s")
                                            else f"{lo} to {hi}")
                parts.append(f"{len(d)} of {span} {words}")
            else:
                parts.append(f"{len(d)} {words}")
        return "; ".join(parts) or "none"

    def row(self, gap_id: str) -> pd.Series:
        """The row of one gap; KeyError naming the known ids when absent."""
        hit = self.frame.index[self.frame["gap_id"] == gap_id]
        if not len(hit):
            raise KeyError(f"no gap {gap_id!r}; this track has {len(self)} gaps ({', '.join(self.ids[:5])}...)")
        return self.frame.loc[hit[0]]

    def ellipses(self) -> dict[str, Polygon | MultiPolygon]:
        """Reachability ellipse of every gap (lon/lat, for drawing), keyed by gap id; computed once."""
        if self._ellipses is None:
            f = self.frame
            polys = reachability_ellipses(f["start_lat"], f["start_lon"], f["end_lat"], f["end_lon"],
                                          f["reach_km"], n=self._n)
            self._ellipses = dict(zip(f["gap_id"], polys, strict=True))
        return self._ellipses

    def ellipse(self, gap_id: str) -> Polygon | MultiPolygon:
        """Reachability ellipse of one gap (lon/lat): foci at its two samples, major axis `reach_km`."""
        self.row(gap_id)
        return self.ellipses()[gap_id]

    def longer_than(self, seconds: float) -> Gaps:
        """Only the gaps lasting more than `seconds` (ids unchanged)."""
        sub = self.frame[self.frame["duration_s"] > seconds].reset_index(drop=True)
        return Gaps(sub, self.max_gap_s, self.max_speed_kt, self._n)

    def containing(self, time: pd.Timestamp) -> pd.DataFrame:
        """Gaps whose open interval (start_time, end_time) contains `time`."""
        f = self.frame
        return f[(f["start_time"] < time) & (f["end_time"] > time)]

    def rows_between(self, a: int, b: int) -> Gaps:
        """The gaps between rows a..b-1 of the track, indices made relative to row a (ids unchanged)."""
        f = self.frame
        sub = f[(f["start_index"] >= a) & (f["end_index"] <= b - 1)].reset_index(drop=True)
        if a:
            sub = sub.assign(start_index=sub["start_index"] - a, end_index=sub["end_index"] - a)
        return Gaps(sub, self.max_gap_s, self.max_speed_kt, self._n)

    def with_speed(self, max_speed_kt: float) -> Gaps:
        """The same gaps with their reach under another speed bound (kt)."""
        f = self.frame.copy()
        nominal = max_speed_kt / KT_PER_MS * f["duration_s"].to_numpy(float) / 1000.0
        f["max_speed_kt"] = float(max_speed_kt)
        f["reach_km"] = np.maximum(nominal, f["distance_km"].to_numpy(float))
        f["exceeds_max_speed"] = f["distance_km"].to_numpy(float) > nominal
        return Gaps(f, self.max_gap_s, float(max_speed_kt), self._n)


def _empty_gap_frame() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=float) for c in GAP_COLUMNS})
    frame["gap_id"] = frame["gap_id"].astype(object)
    frame["cause"] = frame["cause"].astype(object)
    for c in ("start_index", "end_index"):
        frame[c] = frame[c].astype("int64")
    for c in ("start_time", "end_time"):
        frame[c] = pd.Series([], dtype="datetime64[ns, UTC]")
    frame["exceeds_max_speed"] = frame["exceeds_max_speed"].astype(bool)
    return frame


def gap_table(frame: pd.DataFrame, causes: np.ndarray, dt_s: np.ndarray, max_gap_s: float, max_speed_kt: float,
              n: int = 72) -> Gaps:
    """The Gaps of a track table from its per-segment causes (tracks.segments.segment_causes) and durations
    (s), ids "gap-1", "gap-2", ... in track order; reach from `max_speed_kt`."""
    vmax = float(max_speed_kt)
    if not np.isfinite(vmax) or vmax <= 0:
        raise ValueError(f"max_speed_kt={max_speed_kt!r}: expected a positive speed in knots")
    idx = np.flatnonzero(causes)
    if not len(idx):
        return Gaps(_empty_gap_frame(), max_gap_s, vmax, n)
    t = frame["time"]
    lat = frame["lat"].to_numpy(float)
    lon = frame["lon"].to_numpy(float)
    alt = displayed_ft(frame)
    dt = dt_s[idx]
    _, _, d = GEOD.inv(lon[idx], lat[idx], lon[idx + 1], lat[idx + 1])
    dist = np.asarray(d, float) / 1000.0
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = np.where(dt > 0, dist * 1000.0 / dt * KT_PER_MS, np.where(dist > 0, np.inf, 0.0))
    reach_nominal = vmax / KT_PER_MS * dt / 1000.0
    out = pd.DataFrame(
        {
            "gap_id": [f"gap-{k + 1}" for k in range(len(idx))],
            "start_index": idx.astype("int64"),
            "end_index": (idx + 1).astype("int64"),
            "start_time": t.iloc[idx].to_numpy(),
            "end_time": t.iloc[idx + 1].to_numpy(),
            "duration_s": dt,
            "start_lat": lat[idx],
            "start_lon": lon[idx],
            "end_lat": lat[idx + 1],
            "end_lon": lon[idx + 1],
            "start_alt_ft": alt[idx],
            "end_alt_ft": alt[idx + 1],
            "distance_km": dist,
            "implied_speed_kt": implied,
            "max_speed_kt": np.full(len(idx), vmax),
            "reach_km": np.maximum(reach_nominal, dist),
            "exceeds_max_speed": dist > reach_nominal,
            "cause": np.asarray(CAUSES, dtype=object)[causes[idx]],
        }
    )
    out["start_time"] = pd.to_datetime(out["start_time"], utc=True)
    out["end_time"] = pd.to_datetime(out["end_time"], utc=True)
    return Gaps(out, max_gap_s, vmax, n)


def find_gaps(track: Track, max_gap_s: float = DEFAULT_MAX_GAP_S, max_speed_kt: float | None = None,
              n: int = 72) -> Gaps:
    """Coverage gaps of `track`: `tracks.observation.observe(track, ...).gaps` (the one gap rule, speed bound
    from the track itself unless `max_speed_kt` is given; `n` boundary points per drawn ellipse)."""
    from tracks.observation import observe

    gaps = observe(track, max_gap_s=max_gap_s, max_speed_kt=max_speed_kt).gaps
    return gaps if n == 72 else Gaps(gaps.frame, gaps.max_gap_s, gaps.max_speed_kt, n)
