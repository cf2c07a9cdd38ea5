"""Geofencing a track against a region: containment, crossings with times, closest approach, time inside.

The track is a sequence of segments (segment i joins samples i and i+1; see tracks.segments). Everything is
decided on segments, not only on samples, so an incursion between two outside samples (a corner cut) is found.

Method (vectorised; no per-point Python loop):
1. Containment of every sample: `shapely.contains_xy` on the prepared geometry, through an exact raster for
   large inputs (tracks.geo.fence_index). A sample exactly on the boundary counts as outside.
2. Candidate segments: those whose ends differ, or that come near the boundary (raster cells; segments longer
   than a cell on coarser cells), or that cross the antimeridian. Each candidate is intersected with the
   boundary edges (edge grid or R-tree, then closed-form segment/edge intersection); the intersection
   parameters cut it into pieces whose state (inside/outside) is read at their midpoints. A change of state
   between consecutive pieces is an entry or an exit.
3. Times: the crossing point X lies on the straight lon/lat segment; its time is the sample time plus the
   segment's duration times the geodesic fraction d(P_i, X) / d(P_i, P_i+1) (constant ground speed along the
   segment). Segments are at most `max_gap_s` long, so the straight segment and the great circle differ by
   metres; tests check times against great-circle truth to well under a second.
4. Gaps (tracks.segments.gap_mask): the path inside a gap is unknown. A gap whose two ends are in different
   states holds one *unobserved* crossing: time NaT, a window (the two sample times), and as lat/lon the point
   where the straight line between the samples crosses (indicative only). A gap that leaves and returns to
   the same state yields no crossing here; whether the aircraft could have entered is the reachability
   question (tracks.geo.reach).
5. Segments crossing the antimeridian (|dlon| > 180 degrees) are split at +-180.
6. Closest approach: tracks.geo.nearest (segment-aware, geodesic). Inputs as arrays: tracks.geo.track_arrays.

Accepted tracks: a Track, a Traffic, or a DataFrame with the canonical columns (at least time, lat, lon; rows
of one aircraft contiguous and in time order). Nothing is modified. Row indices in results are positions in
that table.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from tracks.errors import RegionError
from tracks.geo import fence_index, geodesy
from tracks.geo import track_arrays as track_arrays_module
from tracks.geo.fence_index import GeometryIndex, get_index
from tracks.geo.nearest import nearest, touch_result
from tracks.geo.regions import Region, get_region
from tracks.geo.track_arrays import (
    TrackArrays,
    intersections,
    pieces,
    point_at,
    stamp,
    times_at,
    timestamps,
    track_arrays,
)
from tracks.segments import DEFAULT_MAX_GAP_S

#: Intersection parameters closer than this (fraction of a segment) are one point.
EPS_T = 1e-9

CROSSING_COLUMNS: tuple[str, ...] = (
    "region", "icao24", "direction", "time", "window_start", "window_end", "lat", "lon", "in_gap",
    "before_index", "after_index", "before_time", "after_time", "dt_s",
)


def _resolve(region: Region | str | BaseGeometry) -> tuple[str, BaseGeometry, float]:
    if isinstance(region, BaseGeometry):
        return "geometry", region, 0.0
    r = get_region(region)
    return r.code, r.geometry, r.tolerance_km


# -- containment --------------------------------------------------------------------------------------------------
def inside(track: object, region: Region | str | BaseGeometry) -> np.ndarray:
    """Per sample: True when strictly inside the region (a point on the boundary is outside). Vectorised."""
    inp = track_arrays(track, DEFAULT_MAX_GAP_S)
    _, geom, _ = _resolve(region)
    return get_index(geom).contains(inp.x, inp.y)


# -- the segment analysis (shared by crossings, time_inside and closest_approach) ---------------------------------
@dataclass(frozen=True)
class _Analysis:
    flags: np.ndarray  # per sample: inside
    start_state: np.ndarray  # per segment: state just after its first sample
    end_state: np.ndarray  # per segment: state just before its last sample
    # events, sorted along the track
    ev_seg: np.ndarray
    ev_t: np.ndarray  # parameter along the segment (0 = its first sample)
    ev_entry: np.ndarray
    ev_gap: np.ndarray
    ev_x: np.ndarray
    ev_y: np.ndarray
    # inside pieces of candidate segments (seg, ta, tb) and which segments were candidates
    piece_seg: np.ndarray
    piece_ta: np.ndarray
    piece_tb: np.ndarray
    piece_in: np.ndarray
    candidate: np.ndarray  # per segment: cut into pieces at boundary meetings (pieces above)
    gap_touch: np.ndarray  # per segment: a gap whose straight line passes inside




def _candidates(inp: TrackArrays, index: GeometryIndex, flags: np.ndarray, cls: np.ndarray | None,
                fx: np.ndarray | None, fy: np.ndarray | None) -> np.ndarray:
    x, y = inp.x, inp.y
    am = np.abs(np.diff(x)) > 180.0
    if cls is None:
        minx, miny, maxx, maxy = index.bounds
        lo_x, hi_x = np.minimum(x[:-1], x[1:]), np.maximum(x[:-1], x[1:])
        lo_y, hi_y = np.minimum(y[:-1], y[1:]), np.maximum(y[:-1], y[1:])
        near = (lo_x <= maxx) & (hi_x >= minx) & (lo_y <= maxy) & (hi_y >= miny)
        return inp.valid & (near | am)
    assert fx is not None and fy is not None
    long = (np.abs(np.diff(fx)) > 1) | (np.abs(np.diff(fy)) > 1)
    if long.any():  # long segments: decided on coarser cells, or else by their box against the geometry's
        minx, miny, maxx, maxy = index.bounds
        li = np.flatnonzero(long)
        decided, near = index.raster.coarse_near(fx, fy, li, li + 1)
        long[li[decided]] = near[decided]
        li = li[~decided]
        lo_x, hi_x = np.minimum(x[li], x[li + 1]), np.maximum(x[li], x[li + 1])
        lo_y, hi_y = np.minimum(y[li], y[li + 1]), np.maximum(y[li], y[li + 1])
        long[li] = (lo_x <= maxx) & (hi_x >= minx) & (lo_y <= maxy) & (hi_y >= miny)
    c2 = cls == 2
    return inp.valid & ((flags[:-1] != flags[1:]) | c2[:-1] | c2[1:] | long | am)




def _analyse(inp: TrackArrays, index: GeometryIndex, *, use_raster: bool | None = None) -> _Analysis:
    n = inp.n
    if use_raster is None:
        use_raster = n >= fence_index.RASTER_MIN_POINTS
    if use_raster and index.area and n:
        cls, fx, fy = index.raster.cells(inp.x, inp.y)
        flags = index.resolve(cls, inp.x, inp.y)
    else:
        cls = fx = fy = None
        flags = index.contains(inp.x, inp.y, use_raster=False)
    nseg = max(n - 1, 0)
    start_state = flags[:-1].copy() if nseg else np.zeros(0, dtype=bool)
    end_state = flags[1:].copy() if nseg else np.zeros(0, dtype=bool)
    empty_i, empty_f, empty_b = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=bool)
    if nseg == 0:
        return _Analysis(flags, start_state, end_state, empty_i, empty_f, empty_b, empty_b, empty_f, empty_f,
                         empty_i, empty_f, empty_f, empty_b, empty_b, empty_b)
    cand = _candidates(inp, index, flags, cls, fx, fy) if index.area else np.zeros(nseg, dtype=bool)
    segs = np.flatnonzero(cand)
    # breakpoints along candidate segments: ends, antimeridian seams, boundary intersections
    seg_p, x1, y1, x2, y2, ta, tb, seam_seg, seam_t = pieces(inp, segs)
    hit_piece, hit_s = intersections(index, x1, y1, x2, y2)
    # only segments that meet the boundary (or whose ends differ) are cut; the others keep their ends' state
    cut = np.union1d(seg_p[hit_piece], segs[flags[segs] != flags[segs + 1]])
    on_cut = np.isin(seam_seg, cut)
    bp_seg = np.concatenate([cut, cut, seam_seg[on_cut], seg_p[hit_piece]])
    bp_t = np.concatenate([np.zeros(len(cut)), np.ones(len(cut)), seam_t[on_cut],
                           ta[hit_piece] + hit_s * (tb[hit_piece] - ta[hit_piece])])
    bp_t = np.where(bp_t < EPS_T, 0.0, np.where(bp_t > 1.0 - EPS_T, 1.0, bp_t))
    order = np.lexsort((bp_t, bp_seg))
    bp_seg, bp_t = bp_seg[order], bp_t[order]
    keep = np.ones(len(bp_t), dtype=bool)
    keep[1:] = (bp_seg[1:] != bp_seg[:-1]) | (bp_t[1:] - bp_t[:-1] >= EPS_T)
    bp_seg, bp_t = bp_seg[keep], bp_t[keep]
    # pieces between consecutive breakpoints of the same segment, state at their midpoints
    same = bp_seg[1:] == bp_seg[:-1]
    p_seg, p_ta, p_tb = bp_seg[:-1][same], bp_t[:-1][same], bp_t[1:][same]
    mx, my = point_at(inp, p_seg, (p_ta + p_tb) / 2)
    p_in = shapely.contains_xy(index.geometry, mx, my) if len(p_seg) else np.zeros(0, dtype=bool)
    if len(p_seg):
        first = np.ones(len(p_seg), dtype=bool)
        first[1:] = p_seg[1:] != p_seg[:-1]
        last = np.ones(len(p_seg), dtype=bool)
        last[:-1] = p_seg[1:] != p_seg[:-1]
        start_state[p_seg[first]] = p_in[first]
        end_state[p_seg[last]] = p_in[last]
        change = np.flatnonzero(~first & (p_in != np.roll(p_in, 1)))
    else:
        change = np.zeros(0, dtype=np.int64)
    ev_seg, ev_t, ev_entry = p_seg[change], p_ta[change], p_in[change]
    # gaps: the path inside is unknown; one unobserved crossing when the two ends differ
    gap = inp.valid & inp.gap
    g = np.flatnonzero(gap)
    ev_gap = np.zeros(len(ev_seg), dtype=bool)
    if len(g):
        prev_obs = np.zeros(len(g), dtype=bool)
        prev_obs[g > 0] = (inp.valid & ~inp.gap)[g[g > 0] - 1]
        next_obs = np.zeros(len(g), dtype=bool)
        has_next = g < nseg - 1
        next_obs[has_next] = (inp.valid & ~inp.gap)[g[has_next] + 1]
        s_g = np.where(prev_obs, end_state[np.maximum(g - 1, 0)], flags[g])
        e_g = np.where(next_obs, start_state[np.minimum(g + 1, nseg - 1)], flags[g + 1])
        start_state[g], end_state[g] = s_g, e_g
        in_gap_ev = gap[ev_seg]
        # indicative location: the first straight-line crossing of the right direction
        gs, gt, ge = ev_seg[in_gap_ev], ev_t[in_gap_ev], ev_entry[in_gap_ev]
        ev_seg, ev_t, ev_entry = ev_seg[~in_gap_ev], ev_t[~in_gap_ev], ev_entry[~in_gap_ev]
        d = np.flatnonzero(s_g != e_g)
        loc_t = np.full(len(d), np.nan)
        if len(gs):
            # first straight-line event per (segment, direction)
            key = gs * 2 + ge
            uk, first_i = np.unique(key, return_index=True)
            want = g[d] * 2 + e_g[d]
            pos = np.searchsorted(uk, want)
            ok = (pos < len(uk)) & (uk[np.minimum(pos, len(uk) - 1)] == want)
            loc_t[ok] = gt[first_i[pos[ok]]]
        ev_seg = np.concatenate([ev_seg, g[d]])
        ev_t = np.concatenate([ev_t, loc_t])
        ev_entry = np.concatenate([ev_entry, e_g[d]])
        ev_gap = np.concatenate([np.zeros(len(ev_seg) - len(d), dtype=bool), np.ones(len(d), dtype=bool)])
    # a state change at a shared sample (a sample on the boundary): an event at that sample
    joint = np.flatnonzero(inp.valid[:-1] & inp.valid[1:] & (end_state[:-1] != start_state[1:])) + 1
    ev_seg = np.concatenate([ev_seg, joint])
    ev_t = np.concatenate([ev_t, np.full(len(joint), -1.0)])  # -1 marks "at the sample"
    ev_entry = np.concatenate([ev_entry, start_state[joint]])
    ev_gap = np.concatenate([ev_gap, np.zeros(len(joint), dtype=bool)])
    order = np.lexsort((np.nan_to_num(ev_t, nan=0.5), ev_seg))
    ev_seg, ev_t, ev_entry, ev_gap = ev_seg[order], ev_t[order], ev_entry[order], ev_gap[order]
    at_sample = ev_t < 0
    ex, ey = point_at(inp, ev_seg, np.where(at_sample | np.isnan(ev_t), 0.0, ev_t))
    ex = np.where(np.isnan(ev_t), np.nan, ex)
    ey = np.where(np.isnan(ev_t), np.nan, ey)
    p_keep = p_in & ~gap[p_seg]
    gap_touch = np.zeros(nseg, dtype=bool)
    gap_touch[p_seg[p_in & gap[p_seg]]] = True
    was_cut = np.zeros(nseg, dtype=bool)
    was_cut[cut] = True
    return _Analysis(flags, start_state, end_state, ev_seg, ev_t, ev_entry.astype(bool), ev_gap, ex, ey,
                     p_seg[p_keep], p_ta[p_keep], p_tb[p_keep], p_in[p_keep], was_cut, gap_touch)




# -- crossings ----------------------------------------------------------------------------------------------------
def crossings(track: object, region: Region | str | BaseGeometry, max_gap_s: float = DEFAULT_MAX_GAP_S) -> pd.DataFrame:
    """Every entry into and exit from a region, in track order, one row each (see CROSSING_COLUMNS).

    `time` is interpolated on the segment (NaT when the segment is a coverage gap: then `in_gap` is True and
    `window_start`/`window_end` bound the unobserved crossing; otherwise both equal `time`). `before_index` /
    `after_index` are the row positions of the two samples around it (equal when the crossing point is itself
    a sample on the boundary), `dt_s` the seconds between them. lat/lon: the crossing point on the boundary
    (for a gap: where the straight line between the samples crosses - indicative only; NaN if it does not).
    """
    code, geom, _ = _resolve(region)
    index = get_index(geom)
    if not index.area:
        raise RegionError(f"crossings need an area, and {code} is a {geom.geom_type}; fence against the regions on "
                          "either side (e.g. crossings(track, 'BR-RR')) or use closest_approach for a line")
    inp = track_arrays(track, max_gap_s)
    a = _analyse(inp, index)
    return _crossing_frame(inp, a, code)


def _crossing_frame(inp: TrackArrays, a: _Analysis, code: str) -> pd.DataFrame:
    seg = a.ev_seg
    at_sample = a.ev_t < 0
    before = seg
    after = np.where(at_sample, seg, seg + 1)
    t_est = np.where(at_sample, inp.t[seg] if len(seg) else 0.0,
                     times_at(inp, seg, np.where(at_sample | np.isnan(a.ev_t), 0.5, a.ev_t)))
    time = np.where(a.ev_gap, np.nan, t_est)
    w0 = np.where(a.ev_gap, inp.t[before] if len(seg) else 0.0, time)
    w1 = np.where(a.ev_gap, inp.t[after] if len(seg) else 0.0, time)
    icao = inp.icao_at(before)
    return pd.DataFrame({
        "region": pd.Series([code] * len(seg), dtype="string"),
        "icao24": pd.Series(icao, dtype="string"),
        "direction": pd.Series(np.where(a.ev_entry, "entry", "exit"), dtype="string"),
        "time": timestamps(inp, time),
        "window_start": timestamps(inp, w0),
        "window_end": timestamps(inp, w1),
        "lat": a.ev_y.astype(float),
        "lon": a.ev_x.astype(float),
        "in_gap": a.ev_gap.astype(bool),
        "before_index": before.astype(np.int64),
        "after_index": after.astype(np.int64),
        "before_time": timestamps(inp, inp.t[before]),
        "after_time": timestamps(inp, inp.t[after]),
        "dt_s": (inp.t[after] - inp.t[before]).astype(float),
    }, columns=list(CROSSING_COLUMNS))


# -- time inside --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InsideIntervals:
    """Time inside a region. `observed`: intervals the samples show inside (start, end, duration_s,
    first_index, last_index: the samples bracketing the interval). `unobserved`: coverage gaps during which the
    aircraft was or may have been inside (start, end, duration_s, before_index, after_index, start_inside,
    end_inside). `total_s` = observed_s + unobserved_s, an upper bound; `observed_s` is what the data shows."""

    region: str
    observed: pd.DataFrame
    unobserved: pd.DataFrame
    observed_s: float
    unobserved_s: float

    @property
    def total_s(self) -> float:
        return self.observed_s + self.unobserved_s

    def __repr__(self) -> str:
        return (f"<InsideIntervals {self.region}: {len(self.observed)} observed ({self.observed_s:.0f} s), "
                f"{len(self.unobserved)} unobserved ({self.unobserved_s:.0f} s)>")


def time_inside(track: object, region: Region | str | BaseGeometry,
                max_gap_s: float = DEFAULT_MAX_GAP_S) -> InsideIntervals:
    """Intervals inside the region, observed and unobserved (coverage gaps) separately; see InsideIntervals."""
    code, geom, _ = _resolve(region)
    index = get_index(geom)
    if not index.area:
        raise RegionError(f"time inside needs an area; {code} is a {geom.geom_type}")
    inp = track_arrays(track, max_gap_s)
    a = _analyse(inp, index)
    return _intervals(inp, a, code)


def _intervals(inp: TrackArrays, a: _Analysis, code: str) -> InsideIntervals:
    nseg = max(inp.n - 1, 0)
    obs = inp.valid & ~inp.gap if nseg else np.zeros(0, dtype=bool)
    whole = np.flatnonzero(obs & ~a.candidate & a.start_state)
    seg = np.concatenate([whole, a.piece_seg])
    ta = np.concatenate([np.zeros(len(whole)), a.piece_ta])
    tb = np.concatenate([np.ones(len(whole)), a.piece_tb])
    # isolated inside samples (no observed segment on either side) are zero-length intervals
    has_prev = np.zeros(inp.n, dtype=bool)
    has_next = np.zeros(inp.n, dtype=bool)
    has_prev[1:] = obs
    has_next[:-1] = obs
    lone = np.flatnonzero(a.flags & ~has_prev & ~has_next)
    order = np.lexsort((ta, seg))
    seg, ta, tb = seg[order], ta[order], tb[order]
    t0 = np.concatenate([times_at(inp, seg, ta), inp.t[lone]])
    t1 = np.concatenate([times_at(inp, seg, tb), inp.t[lone]])
    i0 = np.concatenate([seg, lone])
    i1 = np.concatenate([seg + 1, lone])
    order = np.lexsort((t0, i0))  # along the table: per aircraft, then in time
    t0, t1, i0, i1 = t0[order], t1[order], i0[order], i1[order]
    if len(t0):
        new = np.ones(len(t0), dtype=bool)
        same_ac = inp.group[i0[1:]] == inp.group[i0[:-1]]
        new[1:] = (t0[1:] != t1[:-1]) | ~same_ac
        starts = np.flatnonzero(new)
        ends = np.append(starts[1:], len(t0)) - 1
        o_start, o_end = t0[starts], np.maximum.reduceat(t1, starts)
        o_i0, o_i1 = i0[starts], i1[ends]
    else:
        o_start = o_end = np.zeros(0)
        o_i0 = o_i1 = np.zeros(0, dtype=np.int64)
    observed = pd.DataFrame({"start": timestamps(inp, o_start), "end": timestamps(inp, o_end), "duration_s": o_end - o_start,
                             "first_index": o_i0.astype(np.int64), "last_index": o_i1.astype(np.int64)})
    # unobserved: gaps with either end inside, or whose straight line passes inside
    g = np.flatnonzero(inp.valid & inp.gap) if nseg else np.zeros(0, dtype=np.int64)
    touches = np.zeros(nseg, dtype=bool)
    if len(g):
        touches[g] = a.start_state[g] | a.end_state[g] | a.gap_touch[g]
    ug = np.flatnonzero(touches)
    unobserved = pd.DataFrame({
        "start": timestamps(inp, inp.t[ug]), "end": timestamps(inp, inp.t[ug + 1]), "duration_s": inp.t[ug + 1] - inp.t[ug],
        "before_index": ug.astype(np.int64), "after_index": (ug + 1).astype(np.int64),
        "start_inside": a.start_state[ug].astype(bool), "end_inside": a.end_state[ug].astype(bool),
    })
    return InsideIntervals(code, observed, unobserved, float(observed["duration_s"].sum()),
                           float(unobserved["duration_s"].sum()))


# -- everything at once ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FenceResult:
    """Containment of every sample, crossings and time inside, from one analysis of the segments (what
    `inside`, `crossings` and `time_inside` give one by one)."""

    inside: np.ndarray
    crossings: pd.DataFrame
    intervals: InsideIntervals


def analyse(track: object, region: Region | str | BaseGeometry, max_gap_s: float = DEFAULT_MAX_GAP_S) -> FenceResult:
    """`inside`, `crossings` and `time_inside` of an area region at the cost of one (see FenceResult)."""
    code, geom, _ = _resolve(region)
    index = get_index(geom)
    if not index.area:
        raise RegionError(f"fencing needs an area, and {code} is a {geom.geom_type}")
    inp = track_arrays(track, max_gap_s)
    a = _analyse(inp, index)
    return FenceResult(a.flags, _crossing_frame(inp, a, code), _intervals(inp, a, code))


# -- closest approach ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Approach:
    """The closest the track came to a region or line: geodesic distance (km), when, and both points.

    `segment_index` is the segment (samples `sample_before`, `sample_after`) holding the closest track point;
    when that point is a sample both indices are that sample. `in_gap`: the closest point lies strictly inside
    a coverage gap, so it is where the straight line between two samples passes (not observed), and
    `window_start`/`window_end` are the gap's ends. `tolerance_km` is the region data's positional tolerance:
    a distance below it is within the data's error.
    """

    region: str
    distance_km: float
    time: pd.Timestamp
    track_lat: float
    track_lon: float
    border_lat: float
    border_lon: float
    segment_index: int
    in_gap: bool
    sample_before: int
    sample_after: int
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    tolerance_km: float = 0.0

    @property
    def within_tolerance(self) -> bool:
        """True when the distance is smaller than the boundary data's positional tolerance."""
        return self.distance_km <= self.tolerance_km


def closest_approach(track: object, region_or_geometry: Region | str | BaseGeometry,
                     max_gap_s: float = DEFAULT_MAX_GAP_S) -> Approach:
    """Closest approach of the track to a region (polygon: distance 0 once inside), a line or a point.

    Segment-aware (the minimum may lie between samples) and geodesic (WGS84). Candidate segments are pruned
    with conservative planar lower bounds, and the survivors' closest points are measured with pyproj.Geod.
    A table with several aircraft gives the closest approach of any of them; see `closest_approaches`.
    """
    code, geom, tol = _resolve(region_or_geometry)
    inp = track_arrays(track, max_gap_s)
    if inp.n == 0:
        raise ValueError("closest_approach: the track is empty")
    return _closest(inp, get_index(geom), code, tol)


def closest_approaches(table: object, region_or_geometry: Region | str | BaseGeometry,
                       max_gap_s: float = DEFAULT_MAX_GAP_S) -> pd.DataFrame:
    """`closest_approach` for every aircraft of a table (Traffic or DataFrame, rows of an aircraft contiguous):
    one row per aircraft, `icao24` then the Approach fields; sample indices are row positions in the table.

    The first entry (polygons) and the first meeting with the geometry are searched over the whole table at
    once; only aircraft that never reach the geometry get their own nearest-point search."""
    code, geom, tol = _resolve(region_or_geometry)
    index = get_index(geom)
    inp = track_arrays(table, max_gap_s)
    names = [f.name for f in dataclasses.fields(Approach)]
    columns = ["icao24", *names]
    if inp.n == 0:
        return pd.DataFrame(columns=columns)
    bounds = np.flatnonzero(np.r_[True, inp.change, True])
    analysis = _analyse(inp, index) if index.area else None
    touch: dict[int, tuple[int, float, int, float, float]] | None = None
    rows = []
    icao = inp.icao_at(bounds[:-1])
    for k, (a, b) in enumerate(itertools.pairwise(bounds.tolist())):
        sub = inp.rows(a, b)
        ap = None
        if analysis is not None:
            part = _rows_of(analysis, a, b)
            hit = _first_inside(sub, part)
            if hit is not None:
                ap = _approach_inside(sub, part, hit, code, tol)
        if ap is None and b - a >= 2:
            if touch is None:
                touch = _first_touches(inp, index)
            if k in touch:
                seg, sp, edge, u, dist = touch[k]
                ap = _approach(sub, index, code, tol, seg - a, sp, edge, u, dist)
            else:
                ap = _approach(sub, index, code, tol, *nearest(sub, index, check_touch=False))
        if ap is None:  # a lone sample
            ap = _closest(sub, index, code, tol)
        d = {name: getattr(ap, name) for name in names}
        for key in ("segment_index", "sample_before", "sample_after"):
            d[key] += a
        rows.append({"icao24": icao[k], **d})
    out = pd.DataFrame(rows, columns=columns)
    for key in ("time", "window_start", "window_end"):
        out[key] = pd.to_datetime(out[key], utc=True).astype("datetime64[ns, UTC]")
    return out


def _rows_of(a: _Analysis, lo: int, hi: int) -> _Analysis:
    """The analysis of rows lo..hi-1 (one aircraft) of a table's analysis, with indices relative to lo."""
    e0, e1 = np.searchsorted(a.ev_seg, [lo, hi - 1])
    p0, p1 = np.searchsorted(a.piece_seg, [lo, hi - 1])
    ev, pc = slice(e0, e1), slice(p0, p1)
    seg = slice(lo, max(hi - 1, lo))
    return _Analysis(a.flags[lo:hi], a.start_state[seg], a.end_state[seg], a.ev_seg[ev] - lo, a.ev_t[ev],
                     a.ev_entry[ev], a.ev_gap[ev], a.ev_x[ev], a.ev_y[ev], a.piece_seg[pc] - lo, a.piece_ta[pc],
                     a.piece_tb[pc], a.piece_in[pc], a.candidate[seg], a.gap_touch[seg])


def _first_touches(inp: TrackArrays, index: GeometryIndex) -> dict[int, tuple[int, float, int, float, float]]:
    """Per aircraft (group number) that meets the geometry: its first meeting in track order, as
    `nearest.touch_result` gives it (segment numbers of the whole table). One search over all segments: only
    those near the geometry (edge grid cells, and bounding boxes) are intersected."""
    if inp.n < 2:
        return {}
    if inp.n >= track_arrays_module.GRID_MIN_PIECES:
        am = np.abs(np.diff(inp.x)) > 180.0
        segs = np.flatnonzero((index.grid.may_meet(inp.x, inp.y) | am) & inp.valid)
    else:
        segs = np.flatnonzero(_candidates(inp, index, np.zeros(inp.n, dtype=bool), None, None, None))
    pieces_ = pieces(inp, segs)
    pseg, x1, y1, x2, y2, ta, tb = pieces_[:7]
    hp, hs = intersections(index, x1, y1, x2, y2)
    if len(hp) == 0:
        return {}
    order = np.lexsort((hs, ta[hp], pseg[hp]))
    hp, hs = hp[order], hs[order]
    groups, first = np.unique(inp.group[pseg[hp]], return_index=True)
    return {int(g): touch_result(index, (pseg, x1, y1, x2, y2, ta, tb), int(hp[i]), float(hs[i]))
            for g, i in zip(groups, first, strict=True)}


def _closest(inp: TrackArrays, index: GeometryIndex, code: str, tol: float) -> Approach:
    if index.area:
        a = _analyse(inp, index)
        hit = _first_inside(inp, a)
        if hit is not None:
            return _approach_inside(inp, a, hit, code, tol)
    seg, s, edge, u, dist = nearest(inp, index)
    return _approach(inp, index, code, tol, seg, s, edge, u, dist)


def _first_inside(inp: TrackArrays, a: _Analysis) -> int | None:
    """Index into the events of the first entry, -1 when the track starts inside, None when never inside."""
    if a.flags[0] or (len(a.start_state) and inp.valid[0] and a.start_state[0]):
        return -1
    entries = np.flatnonzero(a.ev_entry)
    if len(entries):
        return int(entries[0])
    return -1 if a.flags.any() else None


def _approach_inside(inp: TrackArrays, a: _Analysis, k: int, code: str, tol: float) -> Approach:
    if k < 0:
        i = 0 if a.flags[0] or not a.flags.any() else int(np.flatnonzero(a.flags)[0])
        ts = stamp(inp, inp.t[i])
        return Approach(code, 0.0, ts, float(inp.y[i]), float(inp.x[i]), float(inp.y[i]), float(inp.x[i]),
                        min(i, max(inp.n - 2, 0)), False, i, i, ts, ts, tol)
    seg = int(a.ev_seg[k])
    tp = a.ev_t[k]
    gap = bool(a.ev_gap[k])
    at_sample = tp < 0
    if np.isnan(tp):
        tp = 0.5
    when = float(inp.t[seg]) if at_sample else float(times_at(inp, np.array([seg]), np.array([tp]))[0])
    lon, lat = (float(a.ev_x[k]), float(a.ev_y[k])) if not np.isnan(a.ev_x[k]) else tuple(
        float(v[0]) for v in point_at(inp, np.array([seg]), np.array([tp])))
    ts = stamp(inp, when)
    before, after = (seg, seg) if at_sample else (seg, seg + 1)
    w0 = stamp(inp, inp.t[before]) if gap else ts
    w1 = stamp(inp, inp.t[after]) if gap else ts
    return Approach(code, 0.0, ts, lat, lon, lat, lon, seg, gap, before, after, w0, w1, tol)


def _approach(inp: TrackArrays, index: GeometryIndex, code: str, tol: float, seg: int, s: float, edge: int,
              u: float, dist: float) -> Approach:
    if inp.n == 1:
        tx, ty, when, before, after, gap = float(inp.x[0]), float(inp.y[0]), float(inp.t[0]), 0, 0, False
    else:
        if s >= 1.0 and seg + 1 < inp.n - 1 and inp.valid[seg + 1]:
            seg, s = seg + 1, 0.0  # the closest point is a sample: report the segment it starts
        px, py = point_at(inp, np.array([seg]), np.array([s]))
        tx, ty = float(px[0]), float(py[0])
        when = float(times_at(inp, np.array([seg]), np.array([s]))[0])
        gap = 0.0 < s < 1.0 and inp.gap_at(seg)
        before, after = (seg, seg) if s <= 0 else ((seg + 1, seg + 1) if s >= 1 else (seg, seg + 1))
    e = index.dedges[edge]
    bx = float(geodesy.wrap_lon(e[0] + u * (e[2] - e[0])))
    by = float(e[1] + u * (e[3] - e[1]))
    ts = stamp(inp, when)
    w0 = stamp(inp, inp.t[seg]) if gap else ts
    w1 = stamp(inp, inp.t[seg + 1]) if gap else ts
    return Approach(code, float(dist), ts, ty, tx, by, bx, int(seg), gap, before, after, w0, w1, tol)






__all__ = ["CROSSING_COLUMNS", "Approach", "FenceResult", "InsideIntervals", "analyse", "closest_approach", "closest_approaches", "crossings",
           "inside", "time_inside"]
