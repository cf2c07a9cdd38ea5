"""Coverage gaps and flight legs (take-off to landing) of one aircraft's track.

Gaps use THE shared definition in `tracks.segments.gap_mask`: segment i (samples i..i+1) is a gap when it
lasts longer than `max_gap_s` or sample i+1 is stale. Each gap carries its reachability ellipse
(`tracks.geo.reach`): where the aircraft could have been while unobserved.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from shapely import MultiPolygon, Polygon

from tracks.geo.reach import GEOD, reachability_ellipses
from tracks.segments import DEFAULT_MAX_GAP_S, gap_mask, segment_dt_s

if TYPE_CHECKING:
    from tracks.track import Track

KT_PER_MS = 3600.0 / 1852.0
#: Speed margin applied to the observed speeds when the maximum plausible speed is estimated.
SPEED_MARGIN = 1.2
#: Lowest estimated maximum speed (kt): a track seen only taxiing could still have flown.
SPEED_FLOOR_KT = 300.0

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


def estimate_max_speed_kt(frame: pd.DataFrame, margin: float = SPEED_MARGIN,
                          floor_kt: float = SPEED_FLOOR_KT) -> float:
    """Maximum plausible ground speed (kt) from the track itself.

    margin x the larger of the 95th percentile of reported ground speeds and the 95th percentile of speeds
    implied by consecutive positions at least 10 s apart (shorter ones are dominated by position noise),
    never below `floor_kt`.
    """
    gs = frame["gs_kt"].to_numpy(float)
    gs = gs[np.isfinite(gs)]
    observed = [float(np.percentile(gs, 95))] if len(gs) else []
    if len(frame) >= 2:
        dt = segment_dt_s(frame)
        ok = dt >= 10.0
        if ok.any():
            v = segment_distance_km(frame)[ok] * 1000.0 / dt[ok] * KT_PER_MS
            observed.append(float(np.percentile(v, 95)))
    return max(floor_kt, margin * max(observed, default=0.0))


class Gaps:
    """The coverage gaps of a track: `.frame` (one row per gap, columns GAP_COLUMNS) and their ellipses.

    Units: seconds, km, kt, ft; times UTC. `reach_km` is the ellipse's major axis: max(max_speed x duration,
    distance). `exceeds_max_speed` marks gaps whose endpoints are further apart than the maximum speed allows
    (the ellipse is then a sliver around the segment and the positions deserve suspicion). `cause` is "time"
    (longer than max_gap_s) or "stale" (the sample after it is flagged stale by the exporter).
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
        return f"<Gaps: {len(self)} gaps > {self.max_gap_s:g} s, {total / 60:.0f} min unobserved>"

    @property
    def ids(self) -> list[str]:
        return self.frame["gap_id"].tolist()

    def row(self, gap_id: str) -> pd.Series:
        """The row of one gap; KeyError naming the known ids when absent."""
        hit = self.frame.index[self.frame["gap_id"] == gap_id]
        if not len(hit):
            raise KeyError(f"no gap {gap_id!r}; this track has {len(self)} gaps ({', '.join(self.ids[:5])}...)")
        return self.frame.loc[hit[0]]

    def ellipses(self) -> dict[str, Polygon | MultiPolygon]:
        """Reachability ellipse of every gap (lon/lat), keyed by gap id; computed once, all together."""
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


def find_gaps(
    track: Track,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    max_speed_kt: float | None = None,
    n: int = 72,
) -> Gaps:
    """Coverage gaps of `track` (shared definition: `tracks.segments.gap_mask`), ids "gap-1", "gap-2", ...

    `max_speed_kt` bounds the reachability ellipses; by default it is estimated from the track's own speeds
    (`estimate_max_speed_kt`). `n` is the number of boundary points per ellipse.
    """
    frame = track.data
    vmax = float(max_speed_kt) if max_speed_kt is not None else estimate_max_speed_kt(frame)
    if not np.isfinite(vmax) or vmax <= 0:
        raise ValueError(f"max_speed_kt={max_speed_kt!r}: expected a positive speed in knots")
    mask = gap_mask(frame, max_gap_s)
    idx = np.flatnonzero(mask)
    if not len(idx):
        return Gaps(_empty_gap_frame(), max_gap_s, vmax, n)
    t = frame["time"]
    lat = frame["lat"].to_numpy(float)
    lon = frame["lon"].to_numpy(float)
    alt = frame["alt_baro_ft"].to_numpy(float)
    alt = np.where(np.isfinite(alt), alt, frame["alt_geom_ft"].to_numpy(float))
    dt = segment_dt_s(frame)[idx]
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
            "cause": np.where(dt > max_gap_s, "time", "stale").astype(object),
        }
    )
    out["start_time"] = pd.to_datetime(out["start_time"], utc=True)
    out["end_time"] = pd.to_datetime(out["end_time"], utc=True)
    return Gaps(out, max_gap_s, vmax, n)
