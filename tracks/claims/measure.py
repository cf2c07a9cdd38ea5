"""What an observation model shows about a region, a border or a place, for the predicates.

- `observed_closest`: the closest approach over observed segments of the tested period (a gap is not an
  observed path), and `first_within`: the first time the observed track came within a distance, each a `Moment`
  with an interval [earliest, latest] and how it was observed.
- `gap_refs` / `edge_refs` / `place_refs`: the model's gaps and unobserved edges, each with whether the aircraft
  could have reached the region (or a place) during it, decided by the reach definition (tracks.geo.reach).
- The boundary-tolerance rule (`Band`): a distance to a boundary decides a verdict only when it stays on the
  same side of the claim wherever the true boundary lies inside the data's error band (± the tolerance of that
  boundary, tracks.geo.regions.tolerance_at); otherwise the verdict is not verifiable and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from tracks.claims import evidence as ev
from tracks.claims.verdict import GapRef
from tracks.geo import fence, reach
from tracks.geo.regions import Region, tolerance_at
from tracks.geo.track_arrays import TrackArrays, point_at, times_at
from tracks.observation import Edge, Observation
from tracks.wording import duration, km, km_pair

#: Observed samples in the first stretch searched for the first time within a distance (then doubling).
FIRST_WITHIN_BLOCK = 256
#: Inside samples looked at first when asking whether the track went deeper inside than a tolerance.
DEPTH_SAMPLE = 256

#: What the not-verifiable sentence of the tolerance rule says to do.
FINER_BOUNDARIES = ("load finer boundaries with a regions: file in the case (a region named like the built-in one "
                    "replaces it; docs/case-format.md)")


@dataclass(frozen=True)
class Moment:
    """When something observed happened: best estimate `time`, interval [earliest, latest] (NaT: open), where,
    and how it was observed (for sentences)."""

    time: pd.Timestamp
    earliest: pd.Timestamp
    latest: pd.Timestamp
    lat: float
    lon: float
    how: str

    def measured(self) -> dict[str, str]:
        """{'time': ..., 'time_earliest': ..., 'time_latest': ...} (ISO 8601 UTC; the bounds only when they differ)."""
        from tracks.claims.verdict import iso_utc

        out = {"time": iso_utc(self.time)}
        if not (self.earliest == self.latest == self.time):
            out.update(time_earliest=iso_utc(self.earliest), time_latest=iso_utc(self.latest))
        return out


def crossing_intervals(crossings: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """[earliest, latest] of every boundary crossing (rows of tracks.geo.fence.crossings): between its two samples,
    or, for a crossing inside a coverage gap, anywhere in the gap's window. The one interval rule of crossings:
    `crossing_moment` reads it for one row."""
    in_gap = crossings["in_gap"].astype(bool)
    return (crossings["window_start"].where(in_gap, crossings["before_time"]),
            crossings["window_end"].where(in_gap, crossings["after_time"]))


def crossing_moment(row: pd.Series) -> Moment:
    """When a boundary crossing (a row of tracks.geo.fence.crossings) happened: on the boundary between its two
    samples (time interpolated), or, for a crossing inside a coverage gap, anywhere in the gap's window (no
    place; best estimate its end). The interval is `crossing_intervals`'."""
    earliest, latest = (s.iloc[0] for s in crossing_intervals(row.to_frame().T))
    if row["in_gap"]:
        return Moment(row["window_end"], earliest, latest, np.nan, np.nan, "inside a gap")
    return Moment(row["time"], earliest, latest, float(row["lat"]), float(row["lon"]), "between two samples")


# -- observed facts ---------------------------------------------------------------------------------------------------


def _observed_rows(obs: Observation) -> np.ndarray:
    """Rows of the view inside its tested period (gap-spanning neighbours outside it are not observed there)."""
    return np.flatnonzero(obs.in_period())


def _runs_table(obs: Observation, rows: np.ndarray, block: int | None = None) -> tuple[TrackArrays, np.ndarray]:
    """The rows as a table of runs between gaps (each its own 'aircraft' for the fence, so gap segments are never
    measured), optionally cut into blocks of `block` samples that share their boundary sample; returns the fence
    arrays (no gap inside a run) and the view row of each table row."""
    gap = obs.gap
    run = np.zeros(len(rows), dtype=np.int64)
    if len(rows) > 1:
        cut = gap[rows[:-1]] | (np.diff(rows) != 1)
        run[1:] = np.cumsum(cut)
    label = run
    order = rows
    if block is not None and len(rows) > 1:
        pos = np.arange(len(rows)) - np.searchsorted(run, run, side="left")
        blk = pos // block
        label = run * (len(rows) + 1) + blk
        # the first sample of a block also ends the previous block of the same run (its segment is measured)
        dup = np.flatnonzero((run[1:] == run[:-1]) & (blk[1:] != blk[:-1])) + 1
        label = np.concatenate([label, label[dup - 1]])
        order = np.concatenate([rows, rows[dup]])
        k = np.lexsort((order, label))
        label, order = label[k], order[k]
    frame = obs.frame
    table = pd.DataFrame({"time": frame["time"].to_numpy(dtype="datetime64[ns]")[order], "lat": frame["lat"].to_numpy()[order],
                          "lon": frame["lon"].to_numpy()[order],
                          "icao24": pd.array(label, dtype=pd.ArrowDtype(pa.int64()))})  # run labels, compared in Arrow
    table["time"] = pd.to_datetime(table["time"], utc=True)
    gaps = np.zeros(max(len(order) - 1, 0), dtype=bool)
    return TrackArrays(table, obs.max_gap_s, gap=gaps), order


def observed_closest(obs: Observation, region: Region) -> fence.Approach | None:
    """Closest approach over the observed segments (and lone samples) of the tested period; None without samples.
    Sample indices are rows of the view."""
    rows = _observed_rows(obs)
    if not len(rows):
        return None
    if len(rows) == len(obs) and not obs.gap.any():
        return fence.closest_approach(obs, region)
    arrays, order = obs.cached("observed runs", lambda: _runs_table(obs, rows))  # once per view, every region
    a = fence.closest_approach(arrays, region)
    return replace(a, segment_index=int(order[a.segment_index]), sample_before=int(order[a.sample_before]),
                   sample_after=int(order[a.sample_after]))


def point_distance_km(lat: float, lon: float, region: Region) -> float:
    """Geodesic distance (km) from a point to a region (0 inside an area)."""
    t = pd.Timestamp("2000-01-01T00:00:00Z")
    frame = pd.DataFrame({"time": [t, t + pd.Timedelta(seconds=1)], "lat": [lat, lat], "lon": [lon, lon]})
    return fence.closest_approach(frame, region).distance_km


def first_within(obs: Observation, region: Region, within_km: float, closest: fence.Approach) -> Moment | None:
    """The first time the observed track of the tested period came within `within_km` of the region (None when it
    never did). Found by galloping from the start over growing stretches of the observed rows, halving the first
    stretch that comes within the distance down to one segment (each step one vectorised closest approach over a
    stretch, so the whole search costs a few closest approaches), then by bisection along that segment; its
    interval is the segment's two samples (the aircraft came within that distance somewhere between them). When
    the first sample after a gap or at the start of the period is already within the distance, the moment lies in
    the unobserved time before it: [the gap's start or the period's start, that sample]."""
    if closest.distance_km > within_km:
        return None
    rows = _observed_rows(obs)
    rows = rows[rows <= closest.sample_after]

    def hit(lo: int, hi: int) -> bool:  # rows[lo..hi] (inclusive) come within the distance?
        arrays, _ = _runs_table(obs, rows[lo:hi + 1])
        return fence.closest_approach(arrays, region).distance_km <= within_km

    lo, size, last = 0, FIRST_WITHIN_BLOCK, len(rows) - 1
    hi = min(size, last)
    while not hit(lo, hi):
        if hi >= last:  # cannot happen (the closest approach is within): measure the closest sample
            hi = lo = last
            break
        lo, size = hi, size * 2
        hi = min(lo + size, last)
    while hi - lo > 1:  # hit(lo, hi), and nothing before lo comes within the distance
        mid = (lo + hi) // 2
        if hit(lo, mid):
            hi = mid
        else:
            lo = mid
    frame = obs.frame
    lat, lon = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    i, j = int(rows[lo]), int(rows[hi])
    if point_distance_km(float(lat[i]), float(lon[i]), region) <= within_km:
        return _within_at_sample(obs, i, lat, lon, within_km)
    if j != i + 1 or obs.gap[i]:  # no observed segment between them: it was within at sample j already
        return _within_at_sample(obs, j, lat, lon, within_km)
    return _within_on_segment(obs, i, region, within_km, fence.closest_approach(frame.iloc[[i, i + 1]], region))


def _within_at_sample(obs: Observation, i: int, lat: np.ndarray, lon: np.ndarray, within_km: float) -> Moment:
    t = obs.times
    observed_before = i > 0 and not obs.gap[i - 1] and t.iloc[i - 1] >= (obs.start if obs.start is not None
                                                                          else t.iloc[0])
    if observed_before:  # the previous segment was further: it came within the distance at this very sample
        return Moment(t.iloc[i], t.iloc[i - 1], t.iloc[i], float(lat[i]), float(lon[i]), "at a sample")
    earlier = t.iloc[i - 1] if i > 0 else (obs.start if obs.start is not None and obs.start < t.iloc[i] else t.iloc[i])
    how = (f"already within {km(within_km)} at the first sample after "
           + ("a coverage gap" if i > 0 else "the start of the period"))
    return Moment(t.iloc[i], earlier, t.iloc[i], float(lat[i]), float(lon[i]), how)


def _within_on_segment(obs: Observation, i: int, region: Region, within_km: float, seg: fence.Approach) -> Moment:
    """Bisection along segment i (samples i, i+1) between its start (further than within_km) and its closest
    point (within it)."""
    arrays = obs.arrays
    s_hi = 1.0 if seg.sample_before == seg.sample_after == 1 else _param_of(arrays, i, seg)
    s_lo = 0.0
    for _ in range(16):  # 1.5e-5 of the segment: a few decimetres on a minute-long segment
        mid = (s_lo + s_hi) / 2
        x, y = point_at(arrays, np.array([i]), np.array([mid]))
        if point_distance_km(float(y[0]), float(x[0]), region) <= within_km:
            s_hi = mid
        else:
            s_lo = mid
    x, y = point_at(arrays, np.array([i]), np.array([s_hi]))
    when = pd.Timestamp(arrays.t0_ns + round(float(times_at(arrays, np.array([i]), np.array([s_hi]))[0]) * 1e9),
                        unit="ns", tz="UTC")
    t = obs.times
    dt = (t.iloc[i + 1] - t.iloc[i]).total_seconds()
    return Moment(when, t.iloc[i], t.iloc[i + 1], float(y[0]), float(x[0]),
                  f"between two samples {duration(dt)} apart (time interpolated)")


def _param_of(arrays: TrackArrays, i: int, seg: fence.Approach) -> float:
    """Parameter along segment i of the segment-local approach `seg` (rows 0, 1 of a 2-row table)."""
    if seg.sample_before == seg.sample_after:
        return 0.0 if seg.sample_before == 0 else 1.0
    a = np.array([arrays.y[i], arrays.x[i]])
    b = np.array([arrays.y[i + 1], arrays.x[i + 1]])
    p = np.array([seg.track_lat, seg.track_lon])
    d = b - a
    den = float(d @ d)
    return float(np.clip((p - a) @ d / den, 0.0, 1.0)) if den > 0 else 0.0


# -- the tolerance rule -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A distance to a boundary against the boundary data's error band: `tolerance_km` of that boundary where
    it is nearest (tracks.geo.regions.tolerance_at)."""

    distance_km: float
    tolerance_km: float

    @property
    def unresolved(self) -> bool:
        """The boundary could lie on the other side of the track: the distance is within the tolerance."""
        return self.tolerance_km > 0 and self.distance_km <= self.tolerance_km + 1e-9

    def near_claim(self, within_km: float) -> bool:
        """`distance <= within_km` could come out either way inside the band."""
        return self.tolerance_km > 0 and abs(self.distance_km - within_km) <= self.tolerance_km + 1e-9

    def sentence(self, region: Region, what: str = "the observed track") -> str:
        """'closer to the border than the border data can resolve: the observed track came within 5.79 km of
        Brazil, and the boundary data is accurate to 5.80 km; load finer boundaries with ...'."""
        d, tol = km_pair(self.distance_km, self.tolerance_km)
        return (f"closer to the border than the border data can resolve: {what} came within {d} of "
                f"{ev.rname(region)}, and the boundary data is accurate to {tol} there; {FINER_BOUNDARIES}")


def band_at(region: Region, a: fence.Approach) -> Band:
    """The band of an observed closest approach: the tolerance of the boundary at its nearest point."""
    return Band(a.distance_km, tolerance_at(region, a.border_lat, a.border_lon))


def deeper_than(lat: np.ndarray, lon: np.ndarray, region: Region, depth_km: float) -> bool:
    """Whether any of the points (inside the region) lies more than `depth_km` from its boundary (geodesic):
    the verdict 'it was inside' then holds wherever the true boundary lies within that band. A sample of
    DEPTH_SAMPLE points first, then all of them."""
    if depth_km <= 0:
        return len(lat) > 0
    outline = region.geometry.boundary if region.is_area else region.geometry
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    picks = np.unique(np.linspace(0, len(lat) - 1, min(len(lat), DEPTH_SAMPLE)).astype(int)) if len(lat) else []
    for idx in (picks, np.arange(len(lat))):
        if len(idx) and (~reach.disc_reaches_geometry(lat[idx], lon[idx], np.full(len(idx), depth_km), outline)).any():
            return True
    return False


# -- unobserved time -------------------------------------------------------------------------------------------------


def gap_refs(obs: Observation, region: Region, margin_km: float = 0.0, *, start: pd.Timestamp | None = None,
             end: pd.Timestamp | None = None) -> list[GapRef]:
    """The view's gaps overlapping [start, end] (default: all), each with whether the aircraft could have come
    within `margin_km` of the region during it: some point P of it, or within margin_km of it, with
    d(A, P) + d(P, B) <= reach_km (tracks.geo.reach.reaches_geometry), not the drawn ellipse."""
    f = obs.gaps.frame
    if start is not None:
        f = f[f["end_time"] > start]
    if end is not None:
        f = f[f["start_time"] < end]
    if not len(f):
        return []
    flags = reach.reaches_geometry(f["start_lat"], f["start_lon"], f["end_lat"], f["end_lon"], f["reach_km"],
                                   region.geometry, margin_km)
    return [ev.gap_ref(r, reaches=bool(flag)) for (_, r), flag in zip(f.iterrows(), flags, strict=True)]


def edge_refs(obs: Observation, region: Region | None, margin_km: float = 0.0,
              edges: tuple[Edge, ...] | None = None) -> list[GapRef]:
    """The unobserved edges of the tested period (or `edges`), each with whether its disc (radius: its reach,
    around its sample) comes within `margin_km` of the region (always True without a region)."""
    out = []
    frame = obs.frame
    for e in obs.edges if edges is None else edges:
        hit = True
        if region is not None:
            hit = bool(reach.disc_reaches_geometry([float(frame["lat"].iloc[e.index])], [float(frame["lon"].iloc[e.index])],
                                                   [e.reach_km], region.geometry, margin_km)[0])
        out.append(ev.edge_ref(obs, e, hit))
    return out


def place_reach(obs: Observation, place: ev.Place, gap_row: pd.Series) -> bool:
    """Whether the aircraft could have been within `place.within_km` of one of its targets during a gap:
    d(A, P) + d(P, B) <= reach + 2 within_km for a target P (tracks.geo.reach.reachable)."""
    n = len(place.lats)
    ok = reach.reachable(np.asarray(place.lats), np.asarray(place.lons), np.full(n, float(gap_row["start_lat"])),
                         np.full(n, float(gap_row["start_lon"])), np.full(n, float(gap_row["end_lat"])),
                         np.full(n, float(gap_row["end_lon"])), float(gap_row["reach_km"]) + 2 * place.within_km)
    return bool(np.any(ok))
