"""Geofencing a track against a region: containment, crossings with times, closest approach, time inside.

The track is a sequence of segments (segment i joins samples i and i+1; see tracks.segments). Everything is
decided on segments, not only on samples, so an incursion between two outside samples (a corner cut) is found.

Method (vectorised; no per-point Python loop):
1. Containment of every sample: `shapely.contains_xy` on the prepared geometry, through an exact raster for
   large inputs (tracks.geo.fence_index). A sample exactly on the boundary counts as outside.
2. Candidate segments: those whose ends differ, or that come near the boundary (raster cells), or that are long,
   or that cross the antimeridian. Each candidate is intersected with the boundary edges (R-tree + closed-form
   segment/edge intersection); the intersection parameters cut it into pieces whose state (inside/outside) is
   read at their midpoints. A change of state between consecutive pieces is an entry or an exit.
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
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.geometry.base import BaseGeometry

from tracks.errors import RegionError
from tracks.geo import geodesy
from tracks.geo.fence_index import GeometryIndex, get_index
from tracks.geo.regions import Region, get_region
from tracks.segments import DEFAULT_MAX_GAP_S, gap_mask
from tracks.track import Track

#: Intersection parameters closer than this (fraction of a segment) are one point.
_EPS_T = 1e-9
#: Pieces per block in the closest-approach search.
_BLOCK = 256

CROSSING_COLUMNS: tuple[str, ...] = (
    "region", "icao24", "direction", "time", "window_start", "window_end", "lat", "lon", "in_gap",
    "before_index", "after_index", "before_time", "after_time", "dt_s",
)


# -- inputs -------------------------------------------------------------------------------------------------------
class _Input:
    """Arrays of a track table: positions, and on demand times (s since epoch), gaps and aircraft groups."""

    def __init__(self, track: object, max_gap_s: float) -> None:
        frame = getattr(track, "data", track)
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"expected a Track, Traffic or DataFrame with time/lat/lon columns, "
                            f"got {type(track).__name__}")
        missing = [c for c in ("time", "lat", "lon") if c not in frame.columns]
        if missing:
            raise ValueError(f"the track table lacks column(s) {', '.join(missing)} (canonical columns: see "
                             "tracks.schema)")
        if not isinstance(frame["time"].dtype, pd.DatetimeTZDtype):
            raise ValueError("the track's time column must be tz-aware UTC (datetime64[ns, UTC]); see tracks.schema")
        self.frame = frame
        self.max_gap_s = max_gap_s
        self.single = isinstance(track, Track) or "icao24" not in frame.columns
        self.x = frame["lon"].to_numpy(dtype=float)
        self.y = frame["lat"].to_numpy(dtype=float)
        if len(self.x) and not (np.isfinite(self.x).all() and np.isfinite(self.y).all()):
            raise ValueError("the track has NaN or infinite lat/lon; clean it first (Track.clean())")
        self.n = len(self.x)

    @cached_property
    def t0_ns(self) -> int:
        """The first sample's time (ns since the epoch): times are kept relative to it, exact to the ns."""
        return int(self.frame["time"].iat[0].value) if self.n else 0

    @cached_property
    def t(self) -> np.ndarray:
        """Sample times in seconds after the first sample (float; sub-ns exact over weeks)."""
        t = (self.frame["time"].to_numpy(dtype="datetime64[ns]").view(np.int64) - self.t0_ns) / 1e9
        if self.n >= 2 and np.any(np.diff(t)[self.valid] < 0):
            raise ValueError("the track's samples are not sorted by time (per aircraft); sort them first")
        return t

    @cached_property
    def gap(self) -> np.ndarray:
        """Per segment: a coverage gap (tracks.segments.gap_mask)."""
        if self.n < 2:
            return np.zeros(0, dtype=bool)
        frame = self.frame if "stale" in self.frame.columns else self.frame[["time"]].assign(stale=False)
        return gap_mask(frame, self.max_gap_s)

    def rows(self, a: int, b: int) -> _Input:
        """Rows a..b-1 (one aircraft) sharing this input's arrays and gap mask, without pandas work."""
        sub = object.__new__(_Input)
        sub.frame = self.frame.iloc[a:b]
        sub.max_gap_s = self.max_gap_s
        sub.single = True
        sub.x, sub.y, sub.n = self.x[a:b], self.y[a:b], b - a
        sub.__dict__["t0_ns"] = self.t0_ns
        sub.__dict__["t"] = self.t[a:b]
        sub.__dict__["gap"] = self.gap[a : max(b - 1, a)]
        sub.__dict__["group"] = np.zeros(b - a, dtype=np.int64)
        sub.__dict__["valid"] = np.ones(max(b - a - 1, 0), dtype=bool)
        return sub

    def gap_at(self, seg: int) -> bool:
        """Whether one segment is a gap, without computing the whole mask: the shared definition looks back no
        further than the last sample not flagged stale, so gap_mask over that window gives the same answer
        (tests check this against the whole mask)."""
        if "gap" in self.__dict__ or "stale" not in self.frame.columns:
            return bool(self.gap[seg])
        stale = self.frame["stale"].to_numpy(dtype=bool)
        fresh = np.flatnonzero(~stale[: seg + 1])
        j = int(fresh[-1]) if len(fresh) else 0
        window = self.frame.iloc[j : seg + 2]
        return bool(gap_mask(window, self.max_gap_s)[-1])

    @cached_property
    def group(self) -> np.ndarray:
        """Per sample: 0-based number of the aircraft (rows of one aircraft must be contiguous)."""
        if self.single or self.n < 2:
            return np.zeros(self.n, dtype=np.int64)
        col = self.frame["icao24"]
        try:
            arr = pa.array(col.array) if hasattr(col.array, "_pa_array") else None
        except (pa.ArrowException, TypeError):
            arr = None
        if arr is not None:
            changed = pc.not_equal(arr[1:], arr[:-1]).fill_null(True)
            if not pc.any(changed).as_py():
                return np.zeros(self.n, dtype=np.int64)
            change = changed.to_numpy(zero_copy_only=False)
        else:
            values = col.to_numpy(dtype=object)
            change = values[1:] != values[:-1]
        group = np.zeros(self.n, dtype=np.int64)
        np.cumsum(change, out=group[1:])
        firsts = col.take(np.flatnonzero(np.r_[True, change])).tolist()
        if len(set(firsts)) != len(firsts):
            raise ValueError("the table's aircraft are interleaved (rows of one icao24 are not contiguous); sort "
                             "it by icao24 and time first (Traffic does)")
        return group

    @cached_property
    def valid(self) -> np.ndarray:
        """Per segment: both samples belong to the same aircraft."""
        if self.n < 2:
            return np.zeros(0, dtype=bool)
        return self.group[1:] == self.group[:-1]

    def icao_at(self, rows: np.ndarray) -> np.ndarray:
        """icao24 of the given rows ('' when the table has none)."""
        if "icao24" not in self.frame.columns:
            return np.full(len(rows), "", dtype=object)
        col = self.frame["icao24"]
        if len(rows) <= 16:  # arrow `take` on a sliced column copies it; single values are cheap
            return np.array([col.iat[int(r)] for r in rows], dtype=object)
        return col.take(np.asarray(rows, dtype=np.int64)).to_numpy(dtype=object)


def _input(track: object, max_gap_s: float) -> _Input:
    return _Input(track, max_gap_s)


def _resolve(region: Region | str | BaseGeometry) -> tuple[str, BaseGeometry, float]:
    if isinstance(region, BaseGeometry):
        return "geometry", region, 0.0
    r = get_region(region)
    return r.code, r.geometry, r.tolerance_km


# -- containment --------------------------------------------------------------------------------------------------
def inside(track: object, region: Region | str | BaseGeometry) -> np.ndarray:
    """Per sample: True when strictly inside the region (a point on the boundary is outside). Vectorised."""
    inp = _input(track, DEFAULT_MAX_GAP_S)
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


def _point_at(inp: _Input, seg: np.ndarray, tp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat at parameter tp of segments seg (straight in lon/lat; across the antimeridian when shorter)."""
    x1, y1 = inp.x[seg], inp.y[seg]
    dx = geodesy.lon_delta(x1, inp.x[seg + 1])
    lon = geodesy.wrap_lon(x1 + tp * dx)
    exact_end = tp >= 1.0
    lon = np.where(exact_end, inp.x[np.minimum(seg + 1, inp.n - 1)], np.where(tp <= 0.0, x1, lon))
    return lon, y1 + tp * (inp.y[seg + 1] - y1)


def _pieces(inp: _Input, segs: np.ndarray) -> tuple[np.ndarray, ...]:
    """Straight pieces of the given segments inside [-180, 180]: (seg, x1, y1, x2, y2, ta, tb, seam_seg, seam_t).

    A segment crossing the antimeridian becomes two pieces, cut at +-180 at parameter seam_t."""
    x1, y1 = inp.x[segs], inp.y[segs]
    x2, y2 = inp.x[segs + 1], inp.y[segs + 1]
    am = np.abs(x2 - x1) > 180.0
    if not am.any():
        return (segs, x1, y1, x2, y2, np.zeros(len(segs)), np.ones(len(segs)),
                np.zeros(0, dtype=np.int64), np.zeros(0))
    nm = ~am
    ones = np.ones(int(nm.sum()))
    out = [segs[nm], x1[nm], y1[nm], x2[nm], y2[nm], ones * 0.0, ones]
    s, a1, b1, b2 = segs[am], x1[am], y1[am], y2[am]
    d = geodesy.lon_delta(a1, x2[am])
    edge = np.where(d > 0, 180.0, -180.0)
    ts = (edge - a1) / d
    ym = b1 + ts * (b2 - b1)
    back = edge - np.where(d > 0, 360.0, -360.0)
    more = [np.concatenate([s, s]), np.concatenate([a1, back]), np.concatenate([b1, ym]),
            np.concatenate([edge, x2[am]]), np.concatenate([ym, b2]),
            np.concatenate([np.zeros(len(s)), ts]), np.concatenate([ts, np.ones(len(s))])]
    out = [np.concatenate([a, b]) for a, b in zip(out, more, strict=True)]
    return (*out, s, ts)


def _candidates(inp: _Input, index: GeometryIndex, flags: np.ndarray, cls: np.ndarray | None,
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
    if long.any():  # long segments matter only when their box meets the geometry's
        minx, miny, maxx, maxy = index.bounds
        li = np.flatnonzero(long)
        lo_x, hi_x = np.minimum(x[li], x[li + 1]), np.maximum(x[li], x[li + 1])
        lo_y, hi_y = np.minimum(y[li], y[li + 1]), np.maximum(y[li], y[li + 1])
        long[li] = (lo_x <= maxx) & (hi_x >= minx) & (lo_y <= maxy) & (hi_y >= miny)
    c2 = cls == 2
    return inp.valid & ((flags[:-1] != flags[1:]) | c2[:-1] | c2[1:] | long | am)


def _geometries(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> np.ndarray:
    """Two-point linestrings, or points where both ends coincide (R-tree predicates skip degenerate lines)."""
    out = shapely.linestrings(np.stack([np.column_stack([x1, y1]), np.column_stack([x2, y2])], axis=1))
    flat = (x1 == x2) & (y1 == y2)
    if flat.any():
        out[flat] = shapely.points(x1[flat], y1[flat])
    return out


def _intersections(index: GeometryIndex, px1: np.ndarray, py1: np.ndarray, px2: np.ndarray,
                   py2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(piece index, parameter along the piece) of every meeting of pieces and boundary edges."""
    pi, ei = index.tree.query(_geometries(px1, py1, px2, py2), predicate="intersects")
    if len(pi) == 0:
        return pi, np.zeros(0)
    e = index.edges[ei]
    ax, ay = px1[pi], py1[pi]
    rx, ry = px2[pi] - ax, py2[pi] - ay
    qx, qy = e[:, 0] - ax, e[:, 1] - ay
    sx, sy = e[:, 2] - e[:, 0], e[:, 3] - e[:, 1]
    rxs = rx * sy - ry * sx
    rr = rx * rx + ry * ry
    scale = np.sqrt(rr * (sx * sx + sy * sy))
    crossing = np.abs(rxs) > 1e-12 * np.maximum(scale, 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(crossing, (qx * sy - qy * sx) / rxs, np.nan)
        # collinear overlap: both ends of the overlap
        ta = np.where(rr > 0, (qx * rx + qy * ry) / rr, 0.0)
        tb = np.where(rr > 0, ((qx + sx) * rx + (qy + sy) * ry) / rr, 0.0)
    par = ~crossing
    pieces = np.concatenate([pi[crossing], pi[par], pi[par]])
    params = np.clip(np.concatenate([t[crossing], ta[par], tb[par]]), 0.0, 1.0)
    return pieces, params


def _analyse(inp: _Input, index: GeometryIndex, *, use_raster: bool | None = None) -> _Analysis:
    n = inp.n
    if use_raster is None:
        from tracks.geo.fence_index import RASTER_MIN_POINTS

        use_raster = n >= RASTER_MIN_POINTS
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
    seg_p, x1, y1, x2, y2, ta, tb, seam_seg, seam_t = _pieces(inp, segs)
    hit_piece, hit_s = _intersections(index, x1, y1, x2, y2)
    # only segments that meet the boundary (or whose ends differ) are cut; the others keep their ends' state
    cut = np.union1d(seg_p[hit_piece], segs[flags[segs] != flags[segs + 1]])
    on_cut = np.isin(seam_seg, cut)
    bp_seg = np.concatenate([cut, cut, seam_seg[on_cut], seg_p[hit_piece]])
    bp_t = np.concatenate([np.zeros(len(cut)), np.ones(len(cut)), seam_t[on_cut],
                           ta[hit_piece] + hit_s * (tb[hit_piece] - ta[hit_piece])])
    bp_t = np.where(bp_t < _EPS_T, 0.0, np.where(bp_t > 1.0 - _EPS_T, 1.0, bp_t))
    order = np.lexsort((bp_t, bp_seg))
    bp_seg, bp_t = bp_seg[order], bp_t[order]
    keep = np.ones(len(bp_t), dtype=bool)
    keep[1:] = (bp_seg[1:] != bp_seg[:-1]) | (bp_t[1:] - bp_t[:-1] >= _EPS_T)
    bp_seg, bp_t = bp_seg[keep], bp_t[keep]
    # pieces between consecutive breakpoints of the same segment, state at their midpoints
    same = bp_seg[1:] == bp_seg[:-1]
    p_seg, p_ta, p_tb = bp_seg[:-1][same], bp_t[:-1][same], bp_t[1:][same]
    mx, my = _point_at(inp, p_seg, (p_ta + p_tb) / 2)
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
    ex, ey = _point_at(inp, ev_seg, np.where(at_sample | np.isnan(ev_t), 0.0, ev_t))
    ex = np.where(np.isnan(ev_t), np.nan, ex)
    ey = np.where(np.isnan(ev_t), np.nan, ey)
    p_keep = p_in & ~gap[p_seg]
    gap_touch = np.zeros(nseg, dtype=bool)
    gap_touch[p_seg[p_in & gap[p_seg]]] = True
    was_cut = np.zeros(nseg, dtype=bool)
    was_cut[cut] = True
    return _Analysis(flags, start_state, end_state, ev_seg, ev_t, ev_entry.astype(bool), ev_gap, ex, ey,
                     p_seg[p_keep], p_ta[p_keep], p_tb[p_keep], p_in[p_keep], was_cut, gap_touch)


def _times_at(inp: _Input, seg: np.ndarray, tp: np.ndarray) -> np.ndarray:
    """Seconds since the epoch at parameter tp of segments seg: geodesic fraction of the segment's duration."""
    tp = np.asarray(tp, dtype=float)
    out = inp.t[seg].astype(float)
    mid = (tp > 0) & (tp < 1)
    out = np.where(tp >= 1, inp.t[np.minimum(seg + 1, inp.n - 1)], out)
    if mid.any():
        s, p = seg[mid], tp[mid]
        px, py = _point_at(inp, s, p)
        total = geodesy.distance_km(inp.y[s], inp.x[s], inp.y[s + 1], inp.x[s + 1])
        part = geodesy.distance_km(inp.y[s], inp.x[s], py, px)
        frac = np.where(total > 0, np.clip(part / np.where(total > 0, total, 1.0), 0.0, 1.0), p)
        out[mid] = inp.t[s] + frac * (inp.t[s + 1] - inp.t[s])
    return out


def _ts(inp: _Input, seconds: np.ndarray) -> pd.Series:
    """UTC timestamps for times in seconds after the first sample (NaN -> NaT)."""
    ns = np.round(np.asarray(seconds, dtype=float) * 1e9)
    missing = np.isnan(ns)
    values = np.where(missing, 0.0, ns).astype(np.int64) + np.int64(inp.t0_ns)
    values[missing] = np.iinfo(np.int64).min
    return pd.Series(pd.DatetimeIndex(values.view("M8[ns]")).tz_localize("UTC"))


def _stamp(inp: _Input, seconds: float) -> pd.Timestamp:
    """One UTC timestamp for a time in seconds after the first sample."""
    return pd.Timestamp(inp.t0_ns + round(float(seconds) * 1e9), unit="ns", tz="UTC")


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
    inp = _input(track, max_gap_s)
    a = _analyse(inp, index)
    return _crossing_frame(inp, a, code)


def _crossing_frame(inp: _Input, a: _Analysis, code: str) -> pd.DataFrame:
    seg = a.ev_seg
    at_sample = a.ev_t < 0
    before = seg
    after = np.where(at_sample, seg, seg + 1)
    t_est = np.where(at_sample, inp.t[seg] if len(seg) else 0.0,
                     _times_at(inp, seg, np.where(at_sample | np.isnan(a.ev_t), 0.5, a.ev_t)))
    time = np.where(a.ev_gap, np.nan, t_est)
    w0 = np.where(a.ev_gap, inp.t[before] if len(seg) else 0.0, time)
    w1 = np.where(a.ev_gap, inp.t[after] if len(seg) else 0.0, time)
    icao = inp.icao_at(before)
    return pd.DataFrame({
        "region": pd.Series([code] * len(seg), dtype="string"),
        "icao24": pd.Series(icao, dtype="string"),
        "direction": pd.Series(np.where(a.ev_entry, "entry", "exit"), dtype="string"),
        "time": _ts(inp, time),
        "window_start": _ts(inp, w0),
        "window_end": _ts(inp, w1),
        "lat": a.ev_y.astype(float),
        "lon": a.ev_x.astype(float),
        "in_gap": a.ev_gap.astype(bool),
        "before_index": before.astype(np.int64),
        "after_index": after.astype(np.int64),
        "before_time": _ts(inp, inp.t[before]),
        "after_time": _ts(inp, inp.t[after]),
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
    inp = _input(track, max_gap_s)
    a = _analyse(inp, index)
    return _intervals(inp, a, code)


def _intervals(inp: _Input, a: _Analysis, code: str) -> InsideIntervals:
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
    t0 = np.concatenate([_times_at(inp, seg, ta), inp.t[lone]])
    t1 = np.concatenate([_times_at(inp, seg, tb), inp.t[lone]])
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
    observed = pd.DataFrame({"start": _ts(inp, o_start), "end": _ts(inp, o_end), "duration_s": o_end - o_start,
                             "first_index": o_i0.astype(np.int64), "last_index": o_i1.astype(np.int64)})
    # unobserved: gaps with either end inside, or whose straight line passes inside
    g = np.flatnonzero(inp.valid & inp.gap) if nseg else np.zeros(0, dtype=np.int64)
    touches = np.zeros(nseg, dtype=bool)
    if len(g):
        touches[g] = a.start_state[g] | a.end_state[g] | a.gap_touch[g]
    ug = np.flatnonzero(touches)
    unobserved = pd.DataFrame({
        "start": _ts(inp, inp.t[ug]), "end": _ts(inp, inp.t[ug + 1]), "duration_s": inp.t[ug + 1] - inp.t[ug],
        "before_index": ug.astype(np.int64), "after_index": (ug + 1).astype(np.int64),
        "start_inside": a.start_state[ug].astype(bool), "end_inside": a.end_state[ug].astype(bool),
    })
    return InsideIntervals(code, observed, unobserved, float(observed["duration_s"].sum()),
                           float(unobserved["duration_s"].sum()))


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
    inp = _input(track, max_gap_s)
    if inp.n == 0:
        raise ValueError("closest_approach: the track is empty")
    return _closest(inp, get_index(geom), code, tol)


def closest_approaches(table: object, region_or_geometry: Region | str | BaseGeometry,
                       max_gap_s: float = DEFAULT_MAX_GAP_S) -> pd.DataFrame:
    """`closest_approach` for every aircraft of a table (Traffic or DataFrame, rows of an aircraft contiguous):
    one row per aircraft, `icao24` then the Approach fields; sample indices are row positions in the table."""
    code, geom, tol = _resolve(region_or_geometry)
    index = get_index(geom)
    inp = _input(table, max_gap_s)
    columns = ["icao24", *(f.name for f in dataclasses.fields(Approach))]
    if inp.n == 0:
        return pd.DataFrame(columns=columns)
    bounds = np.flatnonzero(np.r_[True, inp.group[1:] != inp.group[:-1], True])
    rows = []
    for a, b in itertools.pairwise(bounds):
        ap = _closest(inp.rows(int(a), int(b)), index, code, tol)
        d = dataclasses.asdict(ap)
        for key in ("segment_index", "sample_before", "sample_after"):
            d[key] += int(a)
        rows.append({"icao24": inp.icao_at(np.array([a]))[0], **d})
    out = pd.DataFrame(rows, columns=columns)
    for key in ("time", "window_start", "window_end"):
        out[key] = pd.to_datetime(out[key], utc=True).astype("datetime64[ns, UTC]")
    return out


def _closest(inp: _Input, index: GeometryIndex, code: str, tol: float) -> Approach:
    if index.area:
        a = _analyse(inp, index)
        hit = _first_inside(inp, a)
        if hit is not None:
            return _approach_inside(inp, a, hit, code, tol)
    seg, s, edge, u, dist = _nearest(inp, index)
    return _approach(inp, index, code, tol, seg, s, edge, u, dist)


def _first_inside(inp: _Input, a: _Analysis) -> int | None:
    """Index into the events of the first entry, -1 when the track starts inside, None when never inside."""
    if a.flags[0] or (len(a.start_state) and inp.valid[0] and a.start_state[0]):
        return -1
    entries = np.flatnonzero(a.ev_entry)
    if len(entries):
        return int(entries[0])
    return -1 if a.flags.any() else None


def _approach_inside(inp: _Input, a: _Analysis, k: int, code: str, tol: float) -> Approach:
    if k < 0:
        i = 0 if a.flags[0] or not a.flags.any() else int(np.flatnonzero(a.flags)[0])
        ts = _stamp(inp, inp.t[i])
        return Approach(code, 0.0, ts, float(inp.y[i]), float(inp.x[i]), float(inp.y[i]), float(inp.x[i]),
                        min(i, max(inp.n - 2, 0)), False, i, i, ts, ts, tol)
    seg = int(a.ev_seg[k])
    tp = a.ev_t[k]
    gap = bool(a.ev_gap[k])
    at_sample = tp < 0
    if np.isnan(tp):
        tp = 0.5
    when = float(inp.t[seg]) if at_sample else float(_times_at(inp, np.array([seg]), np.array([tp]))[0])
    lon, lat = (float(a.ev_x[k]), float(a.ev_y[k])) if not np.isnan(a.ev_x[k]) else tuple(
        float(v[0]) for v in _point_at(inp, np.array([seg]), np.array([tp])))
    ts = _stamp(inp, when)
    before, after = (seg, seg) if at_sample else (seg, seg + 1)
    w0 = _stamp(inp, inp.t[before]) if gap else ts
    w1 = _stamp(inp, inp.t[after]) if gap else ts
    return Approach(code, 0.0, ts, lat, lon, lat, lon, seg, gap, before, after, w0, w1, tol)


def _approach(inp: _Input, index: GeometryIndex, code: str, tol: float, seg: int, s: float, edge: int,
              u: float, dist: float) -> Approach:
    if inp.n == 1:
        tx, ty, when, before, after, gap = float(inp.x[0]), float(inp.y[0]), float(inp.t[0]), 0, 0, False
    else:
        if s >= 1.0 and seg + 1 < inp.n - 1 and inp.valid[seg + 1]:
            seg, s = seg + 1, 0.0  # the closest point is a sample: report the segment it starts
        px, py = _point_at(inp, np.array([seg]), np.array([s]))
        tx, ty = float(px[0]), float(py[0])
        when = float(_times_at(inp, np.array([seg]), np.array([s]))[0])
        gap = 0.0 < s < 1.0 and inp.gap_at(seg)
        before, after = (seg, seg) if s <= 0 else ((seg + 1, seg + 1) if s >= 1 else (seg, seg + 1))
    e = index.dedges[edge]
    bx = float(geodesy.wrap_lon(e[0] + u * (e[2] - e[0])))
    by = float(e[1] + u * (e[3] - e[1]))
    ts = _stamp(inp, when)
    w0 = _stamp(inp, inp.t[seg]) if gap else ts
    w1 = _stamp(inp, inp.t[seg + 1]) if gap else ts
    return Approach(code, float(dist), ts, ty, tx, by, bx, int(seg), gap, before, after, w0, w1, tol)


def _closest_params(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closest points of segment pairs in a local equirectangular frame: (s on a, u on b, planar distance^2).

    Each pair uses cos(latitude) at its own mean latitude, so short pairs are measured almost isometrically.
    """
    c = np.cos(np.radians((ay1 + ay2 + by1 + by2) / 4.0))
    d1x, d1y = (ax2 - ax1) * c, ay2 - ay1
    d2x, d2y = (bx2 - bx1) * c, by2 - by1
    rx, ry = (ax1 - bx1) * c, ay1 - by1
    a = d1x * d1x + d1y * d1y
    e = d2x * d2x + d2y * d2y
    f = d2x * rx + d2y * ry
    cc = d1x * rx + d1y * ry
    b = d1x * d2x + d1y * d2y
    eps = 1e-30
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = a * e - b * b
        s = np.where(denom > eps * np.maximum(a * e, eps), np.clip((b * f - cc * e) / denom, 0, 1), 0.0)
        u = np.where(e > eps, (b * s + f) / e, 0.0)
        s_lo = np.where(a > eps, np.clip(-cc / a, 0, 1), 0.0)
        s_hi = np.where(a > eps, np.clip((b - cc) / a, 0, 1), 0.0)
        s = np.where(u < 0, s_lo, np.where(u > 1, s_hi, s))
        u = np.clip(u, 0, 1)
        # point-segment degenerate cases
        s = np.where(a <= eps, 0.0, s)
        u = np.where((a <= eps) & (e > eps), np.clip(f / np.where(e > eps, e, 1), 0, 1), u)
        u = np.where(e <= eps, 0.0, u)
        s = np.where((e <= eps) & (a > eps), np.clip(-cc / np.where(a > eps, a, 1), 0, 1), s)
    dx = rx + s * d1x - u * d2x
    dy = ry + s * d1y - u * d2y
    return s, u, dx * dx + dy * dy


def _exact_km(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray, ta: np.ndarray, tb: np.ndarray,
              edges: np.ndarray, s: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic km between the point at s on each piece and the point at u on each edge, and the segment
    parameter of the piece's point."""
    px = x1 + s * (x2 - x1)
    py = y1 + s * (y2 - y1)
    bx = edges[:, 0] + u * (edges[:, 2] - edges[:, 0])
    by = edges[:, 1] + u * (edges[:, 3] - edges[:, 1])
    d = geodesy.distance_km(py, geodesy.wrap_lon(px), by, geodesy.wrap_lon(bx))
    return d, ta + s * (tb - ta)


def _narrow(cand: np.ndarray, size: int, tree: shapely.STRtree, box: tuple[np.ndarray, ...],
            reach: float = 0.0) -> np.ndarray:
    """The pieces of `cand` (sorted) whose group of `size` consecutive pieces has a bounding box, grown by `reach`
    degrees, that meets an edge's envelope in `tree` (a necessary condition for a distance <= reach)."""
    if len(cand) == 0:
        return cand
    lo_x, lo_y, hi_x, hi_y = box
    gid = cand // size
    first = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    # diagonals: the R-tree only compares envelopes when no predicate is given, and lines are cheap to make
    diagonals = shapely.linestrings(np.stack([
        np.column_stack([np.minimum.reduceat(lo_x[cand], first) - reach, np.minimum.reduceat(lo_y[cand], first) - reach]),
        np.column_stack([np.maximum.reduceat(hi_x[cand], first) + reach, np.maximum.reduceat(hi_y[cand], first) + reach]),
    ], axis=1))
    hit_groups = np.unique(tree.query(diagonals)[0])
    ok = np.zeros(len(first), dtype=bool)
    ok[hit_groups] = True
    return cand[np.repeat(ok, np.diff(np.append(first, len(cand))))]


def _touches(index: GeometryIndex, pieces: tuple[np.ndarray, ...], box: tuple[np.ndarray, ...],
             first_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pieces that meet the geometry, in order, with the parameter of their first meeting. With `first_only`,
    stops at the first chunk (of 1024 candidate pieces, in track order) that has one."""
    _, x1, y1, x2, y2, _, _ = pieces
    cand = _narrow(np.arange(len(x1)), _BLOCK, index.tree, box)
    if len(cand) > 4096:
        cand = _narrow(cand, 16, index.tree, box)
    found_p, found_s = [], []
    for chunk in range(0, len(cand), 1024 if first_only else 65536):
        part = cand[chunk:chunk + (1024 if first_only else 65536)]
        hit_piece, hit_s = _intersections(index, x1[part], y1[part], x2[part], y2[part])
        if len(hit_piece):
            order = np.lexsort((hit_s, hit_piece))
            hp, hs = hit_piece[order], hit_s[order]
            keep = np.r_[True, hp[1:] != hp[:-1]]
            found_p.append(part[hp[keep]])
            found_s.append(hs[keep])
            if first_only:
                break
    if not found_p:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(found_p), np.concatenate(found_s)


def _touch_result(index: GeometryIndex, pieces: tuple[np.ndarray, ...], j: int,
                  sp: float) -> tuple[int, float, int, float, float]:
    """(segment, parameter, edge, parameter on the edge, 0 km) for a meeting at parameter sp of piece j."""
    pseg, x1, y1, x2, y2, ta, tb = pieces
    px, py = x1[j] + sp * (x2[j] - x1[j]), y1[j] + sp * (y2[j] - y1[j])
    e_near = int(index.tree.query_nearest(shapely.Point(px, py), all_matches=False)[0])
    e = index.edges[e_near : e_near + 1]
    _, ue, _ = _closest_params(np.array([px]), np.array([py]), np.array([px]), np.array([py]),
                               e[:, 0], e[:, 1], e[:, 2], e[:, 3])
    return int(pseg[j]), float(ta[j] + sp * (tb[j] - ta[j])), e_near, float(ue[0]), 0.0


def _nearest(inp: _Input, index: GeometryIndex, check_touch: bool = True) -> tuple[int, float, int, float, float]:
    """(segment, parameter on it, edge in index.dedges, parameter on the edge, km) of the closest approach.

    Coarse to fine over groups of consecutive pieces (256, then 16, then single pieces): first whether the track
    meets the geometry (distance 0 at the first meeting; skipped when the caller has checked), else which groups
    can hold an edge within the current upper bound - an exact geodesic distance from a group's first sample to
    its nearest edge. Planar bounds convert to km with KM_PER_DEG_MIN * cos(highest latitude involved), which
    never overstates a distance; the surviving (piece, edge) pairs get closest points in a local frame and the
    best few an exact geodesic distance.
    """
    pieces = _all_pieces(inp)
    pseg, x1, y1, x2, y2, ta, tb = pieces
    de = index.dedges
    lo_x, lo_y, hi_x, hi_y = np.minimum(x1, x2), np.minimum(y1, y2), np.maximum(x1, x2), np.maximum(y1, y2)
    box = (lo_x, lo_y, hi_x, hi_y)

    def narrow(cand: np.ndarray, size: int, tree: shapely.STRtree, reach: float = 0.0) -> np.ndarray:
        return _narrow(cand, size, tree, box, reach)

    # 1. does the track meet the geometry? then the distance is 0 at the first meeting (searched in track order)
    if check_touch:
        hp, hs = _touches(index, pieces, box, first_only=True)
        if len(hp):
            return _touch_result(index, pieces, int(hp[0]), float(hs[0]))
    # 2. an upper bound from the first sample of every block (R-tree), and the blocks that can beat it
    max_lat = max(float(np.abs(inp.y).max()), index.max_abs_lat)

    def radius_for(ub_km: float) -> float:
        """Planar degrees that no pair within ub_km geodesic km can exceed."""
        band = min(89.999, max_lat + ub_km / (2 * geodesy.KM_PER_DEG_MIN))
        return ub_km / (geodesy.KM_PER_DEG_MIN * float(np.cos(np.radians(band)))) * (1 + 1e-6) + 1e-9

    cand = np.arange(len(pseg))
    reps = cand[::_BLOCK]
    found = _nearest_of_starts(index, x1[reps], y1[reps])
    i = int(np.argmin(found[2]))
    best = (int(pseg[reps[i]]), float(ta[reps[i]]), int(found[0][i]), float(found[1][i]), float(found[2][i]))
    cand = narrow(cand, _BLOCK, index.dtree, radius_for(best[4]))
    if len(cand) == 0:
        return best
    radius = radius_for(best[4])
    env = index.denv
    near = _envelopes_near(env, lo_x[cand].min(), lo_y[cand].min(), hi_x[cand].max(), hi_y[cand].max(), radius)
    if len(near) <= 2000:
        # 3. few edges nearby: finer groups (16, then single pieces) pruned with numpy bounds
        for size in (16, 1):
            first = np.flatnonzero(np.r_[True, (cand[1:] // size) != (cand[:-1] // size)]) if size > 1 else (
                np.arange(len(cand)))
            ends = np.append(first[1:], len(cand))
            gx0, gy0 = np.minimum.reduceat(lo_x[cand], first), np.minimum.reduceat(lo_y[cand], first)
            gx1, gy1 = np.maximum.reduceat(hi_x[cand], first), np.maximum.reduceat(hi_y[cand], first)
            lb = _box_envelope_distance(gx0, gy0, gx1, gy1, env[near])
            # a tighter bound: exact km from the first sample of the groups most likely to hold the minimum
            reps = cand[first[np.argsort(lb)[:8]]]
            e_i, u, _ = _point_nearest(x1[reps], y1[reps], de[near])
            dk, _ = _exact_km(x1[reps], y1[reps], x1[reps], y1[reps], ta[reps], ta[reps], de[near[e_i]],
                              np.zeros(len(reps)), u)
            k = int(np.argmin(dk))
            if dk[k] < best[4]:
                best = (int(pseg[reps[k]]), float(ta[reps[k]]), int(near[e_i[k]]), float(u[k]), float(dk[k]))
            radius = radius_for(best[4])
            keep = lb <= radius
            cand = cand[np.repeat(keep, ends - first)]
            if len(cand) == 0:
                return best
            near = near[_envelopes_near(env[near], lo_x[cand].min(), lo_y[cand].min(), hi_x[cand].max(),
                                        hi_y[cand].max(), radius)]
        if len(cand) * len(near) <= 1_000_000:
            return _best_pair(np.repeat(cand, len(near)), np.tile(near, len(cand)), best, pseg, x1, y1, x2, y2,
                              ta, tb, de)
    cand = narrow(cand, 16, index.dtree, radius)
    if len(cand) == 0:
        return best
    # 3. every (piece, edge) pair within the bound; exact km for the best few
    wi, we = index.dtree.query(_geometries(x1[cand], y1[cand], x2[cand], y2[cand]), predicate="dwithin",
                               distance=radius_for(best[4]))
    if len(wi) == 0:
        return best
    return _best_pair(cand[wi], we, best, pseg, x1, y1, x2, y2, ta, tb, de)


def _best_pair(wp: np.ndarray, we: np.ndarray, best: tuple[int, float, int, float, float], pseg: np.ndarray,
               x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray, ta: np.ndarray, tb: np.ndarray,
               de: np.ndarray) -> tuple[int, float, int, float, float]:
    """The closest of the (piece, edge) pairs: local-frame closest points, exact km for the best few."""
    s, u, d2 = _closest_params(x1[wp], y1[wp], x2[wp], y2[wp], de[we, 0], de[we, 1], de[we, 2], de[we, 3])
    approx_km = np.sqrt(d2) * 111.32
    top = np.flatnonzero(approx_km <= approx_km.min() * 1.02 + 0.5)
    if len(top) > 256:
        top = top[np.argsort(approx_km[top])[:256]]
    t = wp[top]
    dk, segpar = _exact_km(x1[t], y1[t], x2[t], y2[t], ta[t], tb[t], de[we[top]], s[top], u[top])
    j = int(np.argmin(dk))
    if dk[j] >= best[4]:
        return best
    return int(pseg[t[j]]), float(segpar[j]), int(we[top[j]]), float(u[top[j]]), float(dk[j])


def _envelopes_near(env: np.ndarray, x0: float, y0: float, x1: float, y1: float, reach: float) -> np.ndarray:
    """Indices of the envelopes that meet the box (x0, y0, x1, y1) grown by `reach` degrees."""
    return np.flatnonzero((env[:, 0] <= x1 + reach) & (env[:, 2] >= x0 - reach)
                          & (env[:, 1] <= y1 + reach) & (env[:, 3] >= y0 - reach))


def _box_envelope_distance(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray,
                           env: np.ndarray) -> np.ndarray:
    """Planar degrees from each box to the nearest envelope: a lower bound to the edges inside them."""
    out = np.full(len(x0), np.inf)
    if len(env) == 0:
        return out
    step = max(1, 400_000 // len(env))
    for a in range(0, len(x0), step):
        sl = slice(a, a + step)
        dx = np.maximum(0.0, np.maximum(env[None, :, 0] - x1[sl, None], x0[sl, None] - env[None, :, 2]))
        dy = np.maximum(0.0, np.maximum(env[None, :, 1] - y1[sl, None], y0[sl, None] - env[None, :, 3]))
        out[sl] = np.sqrt((dx * dx + dy * dy).min(axis=1))
    return out


def _point_nearest(px: np.ndarray, py: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each point, the nearest edge in its local frame: (edge index, parameter on it, distance^2)."""
    _, u, d2 = _closest_params(px[:, None], py[:, None], px[:, None], py[:, None], edges[None, :, 0],
                               edges[None, :, 1], edges[None, :, 2], edges[None, :, 3])
    j = np.argmin(d2, axis=1)
    rows = np.arange(len(px))
    return j, u[rows, j], d2[rows, j]


def _nearest_of_starts(index: GeometryIndex, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """For points: (nearest edge in dedges, parameter on it, exact km)."""
    (pi, ei), _ = index.dtree.query_nearest(shapely.points(x, y), return_distance=True, all_matches=False)
    order = np.argsort(pi, kind="stable")
    pi, ei = pi[order], ei[order]
    keep = np.r_[True, pi[1:] != pi[:-1]]
    ei = ei[keep]
    de = index.dedges[ei]
    _, u, _ = _closest_params(x, y, x, y, de[:, 0], de[:, 1], de[:, 2], de[:, 3])
    d, _ = _exact_km(x, y, x, y, np.zeros(len(x)), np.zeros(len(x)), de, np.zeros(len(x)), u)
    return ei, u, d


def _all_pieces(inp: _Input) -> tuple[np.ndarray, ...]:
    """Pieces of all valid segments in track order (a lone sample, or samples with no valid segment between
    them, become zero-length pieces)."""
    segs = np.flatnonzero(inp.valid)
    if inp.n == 1 or len(segs) == 0:
        m = max(inp.n - 1, 1)
        idx = np.arange(m)
        zeros = np.zeros(m)
        return idx, inp.x[:m], inp.y[:m], inp.x[:m], inp.y[:m], zeros, zeros
    pseg, x1, y1, x2, y2, ta, tb, _, _ = _pieces(inp, segs)
    if len(pseg) != len(segs):
        order = np.lexsort((ta, pseg))
        pseg, x1, y1, x2, y2, ta, tb = (v[order] for v in (pseg, x1, y1, x2, y2, ta, tb))
    return pseg, x1, y1, x2, y2, ta, tb


__all__ = ["CROSSING_COLUMNS", "Approach", "InsideIntervals", "closest_approach", "closest_approaches", "crossings",
           "inside", "time_inside"]
