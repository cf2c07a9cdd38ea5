"""A track table as arrays for the fence: positions, times, gaps, aircraft groups, and its straight pieces.

Segment i joins samples i and i+1 (tracks.segments); a segment crossing the antimeridian (|dlon| > 180 degrees)
is cut into two pieces at +-180. Times are seconds after the first sample (exact to the ns over weeks).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from tracks.geo import geodesy
from tracks.geo.caps import CapTree, build_caps
from tracks.geo.fence_index import GeometryIndex
from tracks.segments import gap_mask
from tracks.track import Track


def track_arrays(track: object, max_gap_s: float) -> TrackArrays:
    """The arrays of a Track, Traffic or canonical DataFrame (see TrackArrays); of an observation model
    (tracks.observation.Observation) its own, which carry the model's gap mask (computed once per check); a
    TrackArrays as it is."""
    if isinstance(track, TrackArrays):
        return track
    arrays = getattr(track, "arrays", None)
    if isinstance(arrays, TrackArrays):
        return arrays
    return TrackArrays(track, max_gap_s)


class TrackArrays:
    """Arrays of a track table: positions, and on demand times (s since epoch), gaps and aircraft groups."""

    def __init__(self, track: object, max_gap_s: float, gap: np.ndarray | None = None) -> None:
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
        self._parent: TrackArrays | None = None
        self._span = (0, len(frame))
        self.__dict__["frame"] = frame
        self.max_gap_s = max_gap_s
        self._gap = gap  # the observation model's gap mask, when given
        self.single = isinstance(track, Track) or "icao24" not in frame.columns
        self.x = frame["lon"].to_numpy(dtype=float)
        self.y = frame["lat"].to_numpy(dtype=float)
        if len(self.x) and not (np.isfinite(self.x).all() and np.isfinite(self.y).all()):
            raise ValueError("the track has NaN or infinite lat/lon; clean it first (Track.clean())")
        self.n = len(self.x)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The table (for rows(): its slice of the parent's table, made when first needed)."""
        assert self._parent is not None
        return self._parent.frame.iloc[self._span[0] : self._span[1]]

    @cached_property
    def ns(self) -> np.ndarray:
        """Sample times in ns since the epoch (int64)."""
        return self.frame["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)

    @cached_property
    def t0_ns(self) -> int:
        """The first sample's time (ns since the epoch): times are kept relative to it, exact to the ns."""
        return int(self.ns[0]) if self.n else 0

    @cached_property
    def t(self) -> np.ndarray:
        """Sample times in seconds after the first sample (float; sub-ns exact over weeks)."""
        t = (self.ns - self.t0_ns) / 1e9
        if self.n >= 2 and np.any((t[1:] < t[:-1]) & self.valid):
            raise ValueError("the track's samples are not sorted by time (per aircraft); sort them first")
        return t

    @cached_property
    def gap(self) -> np.ndarray:
        """Per segment: a coverage gap (tracks.segments.gap_mask).

        Without any stale flag, gap_mask reduces to `dt > max_gap_s` on the same float seconds (no sample is
        re-sent, so the last fresh position is always the previous sample): that is computed directly."""
        if self.n < 2:
            return np.zeros(0, dtype=bool)
        if self._gap is not None:
            return self._gap
        if "stale" not in self.frame.columns or not self.frame["stale"].to_numpy(dtype=bool).any():
            return np.diff(self.ns / 1e9) > self.max_gap_s
        return gap_mask(self.frame, self.max_gap_s)

    @cached_property
    def whole_pieces(self) -> tuple[np.ndarray, ...]:
        """`all_pieces` of this input, made once: every geometry measured against it shares them."""
        return all_pieces(self)

    @cached_property
    def piece_caps(self) -> CapTree:
        """The tree of bounding caps over `whole_pieces` (tracks.geo.caps, time order), made once."""
        _, x1, y1, x2, y2, _, _ = self.whole_pieces
        return build_caps(x1, y1, x2, y2, sort=False)

    def rows(self, a: int, b: int) -> TrackArrays:
        """Rows a..b-1 (one aircraft) sharing this input's arrays and gap mask, without pandas work."""
        sub = object.__new__(TrackArrays)
        sub._parent, sub._span = self, (a, b)
        sub._gap = None
        sub.max_gap_s = self.max_gap_s
        sub.single = True
        sub.x, sub.y, sub.n = self.x[a:b], self.y[a:b], b - a
        sub.__dict__["t0_ns"] = self.t0_ns
        sub.__dict__["ns"] = self.ns[a:b]
        sub.__dict__["t"] = self.t[a:b]
        sub.__dict__["gap"] = self.gap[a : max(b - 1, a)]
        sub.__dict__["group"] = np.zeros(b - a, dtype=np.int64)
        sub.__dict__["change"] = np.zeros(max(b - a - 1, 0), dtype=bool)
        sub.__dict__["valid"] = np.ones(max(b - a - 1, 0), dtype=bool)
        return sub

    def gap_at(self, seg: int) -> bool:
        """Whether one segment is a gap, without computing the whole mask: the shared definition looks back no
        further than the last sample not flagged stale, so gap_mask over that window gives the same answer
        (tests check this against the whole mask)."""
        if self._gap is not None or "gap" in self.__dict__ or "stale" not in self.frame.columns:
            return bool(self.gap[seg])
        stale = self.frame["stale"].to_numpy(dtype=bool)
        fresh = np.flatnonzero(~stale[: seg + 1])
        j = int(fresh[-1]) if len(fresh) else 0
        window = self.frame.iloc[j : seg + 2]
        return bool(gap_mask(window, self.max_gap_s)[-1])

    @cached_property
    def change(self) -> np.ndarray:
        """Per segment: its two samples belong to different aircraft (rows of one aircraft must be contiguous)."""
        if self.single or self.n < 2:
            return np.zeros(max(self.n - 1, 0), dtype=bool)
        col = self.frame["icao24"]
        try:
            arr = pa.array(col.array) if hasattr(col.array, "_pa_array") else None
        except (pa.ArrowException, TypeError):
            arr = None
        if arr is not None:
            changed = pc.not_equal(arr[1:], arr[:-1]).fill_null(True)
            if not pc.any(changed).as_py():
                return np.zeros(self.n - 1, dtype=bool)
            change = changed.to_numpy(zero_copy_only=False)
            firsts = arr.take(pa.array(np.flatnonzero(np.r_[True, change]))).to_pylist()
        else:
            values = col.to_numpy(dtype=object)
            change = values[1:] != values[:-1]
            firsts = values[np.flatnonzero(np.r_[True, change])].tolist()
        if len(set(firsts)) != len(firsts):
            raise ValueError("the table's aircraft are interleaved (rows of one icao24 are not contiguous); sort "
                             "it by icao24 and time first (Traffic does)")
        return change

    @cached_property
    def group(self) -> np.ndarray:
        """Per sample: 0-based number of the aircraft (rows of one aircraft must be contiguous)."""
        group = np.zeros(self.n, dtype=np.int64)
        if self.n >= 2:
            np.cumsum(self.change, out=group[1:])
        return group

    @cached_property
    def valid(self) -> np.ndarray:
        """Per segment: both samples belong to the same aircraft."""
        return ~self.change

    def icao_at(self, rows: np.ndarray) -> np.ndarray:
        """icao24 of the given rows ('' when the table has none)."""
        if "icao24" not in self.frame.columns:
            return np.full(len(rows), "", dtype=object)
        col = self.frame["icao24"]
        if len(rows) <= 16:  # arrow `take` on a sliced column copies it; single values are cheap
            return np.array([col.iat[int(r)] for r in rows], dtype=object)
        return col.take(np.asarray(rows, dtype=np.int64)).to_numpy(dtype=object)




def point_at(inp: TrackArrays, seg: np.ndarray, tp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat at parameter tp of segments seg (straight in lon/lat; across the antimeridian when shorter)."""
    x1, y1 = inp.x[seg], inp.y[seg]
    dx = geodesy.lon_delta(x1, inp.x[seg + 1])
    lon = geodesy.wrap_lon(x1 + tp * dx)
    exact_end = tp >= 1.0
    lon = np.where(exact_end, inp.x[np.minimum(seg + 1, inp.n - 1)], np.where(tp <= 0.0, x1, lon))
    return lon, y1 + tp * (inp.y[seg + 1] - y1)


def pieces(inp: TrackArrays, segs: np.ndarray) -> tuple[np.ndarray, ...]:
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

def geometries(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> np.ndarray:
    """Two-point linestrings, or points where both ends coincide (R-tree predicates skip degenerate lines)."""
    out = shapely.linestrings(np.stack([np.column_stack([x1, y1]), np.column_stack([x2, y2])], axis=1))
    flat = (x1 == x2) & (y1 == y2)
    if flat.any():
        out[flat] = shapely.points(x1[flat], y1[flat])
    return out


#: From this many pieces on, `intersections` looks pieces up in the edge grid instead of the R-tree.
GRID_MIN_PIECES = 512
#: Orientation values within this factor of their operands' size are decided by GEOS (see `_meeting`).
_ORIENT_TOL = 1e-9


def _meeting(index: GeometryIndex, px1: np.ndarray, py1: np.ndarray, px2: np.ndarray, py2: np.ndarray,
             pi: np.ndarray, ei: np.ndarray) -> np.ndarray:
    """Which (piece, edge) pairs intersect, exactly as GEOS `intersects` decides.

    The four orientation tests decide every pair whose values are far from zero compared with their rounding
    error (a point at least ~1e-9 of the segments' size off the other's line); the others (touching, collinear,
    zero-length) go to GEOS."""
    e = index.edges[ei]
    ax, ay, bx, by = px1[pi], py1[pi], px2[pi], py2[pi]
    cx, cy, dx, dy = e[:, 0], e[:, 1], e[:, 2], e[:, 3]
    ex, ey, rx, ry = dx - cx, dy - cy, bx - ax, by - ay
    o1 = ex * (ay - cy) - ey * (ax - cx)  # piece ends against the edge's line
    o2 = ex * (by - cy) - ey * (bx - cx)
    o3 = rx * (cy - ay) - ry * (cx - ax)  # edge ends against the piece's line
    o4 = rx * (dy - ay) - ry * (dx - ax)
    size = np.abs(ex) + np.abs(ey) + np.abs(rx) + np.abs(ry)
    tol = _ORIENT_TOL * size * (size + 1.0)
    sep = ((o1 > tol) & (o2 > tol)) | ((o1 < -tol) & (o2 < -tol)) | ((o3 > tol) & (o4 > tol)) | (
        (o3 < -tol) & (o4 < -tol))
    cross = (((o1 > tol) & (o2 < -tol)) | ((o1 < -tol) & (o2 > tol))) & (
        ((o3 > tol) & (o4 < -tol)) | ((o3 < -tol) & (o4 > tol)))
    out = cross
    unsure = np.flatnonzero(~sep & ~cross)
    if len(unsure):
        p, q = pi[unsure], ei[unsure]
        out[unsure] = shapely.intersects(geometries(px1[p], py1[p], px2[p], py2[p]), index.tree.geometries[q])
    return out


def _pairs(index: GeometryIndex, px1: np.ndarray, py1: np.ndarray, px2: np.ndarray,
           py2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(piece, edge) pairs that intersect: R-tree for few pieces, the edge grid (numpy) for many."""
    if len(px1) < GRID_MIN_PIECES:
        return index.tree.query(geometries(px1, py1, px2, py2), predicate="intersects")
    pi, ei, big = index.grid.pairs(px1, py1, px2, py2)
    keep = _meeting(index, px1, py1, px2, py2, pi, ei)
    pi, ei = pi[keep], ei[keep]
    if len(big):
        bi, be = index.tree.query(geometries(px1[big], py1[big], px2[big], py2[big]), predicate="intersects")
        pi, ei = np.concatenate([pi, big[bi]]), np.concatenate([ei, be])
    return pi, ei


def intersections(index: GeometryIndex, px1: np.ndarray, py1: np.ndarray, px2: np.ndarray,
                   py2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(piece index, parameter along the piece) of every meeting of pieces and boundary edges."""
    pi, ei = _pairs(index, px1, py1, px2, py2)
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

def times_at(inp: TrackArrays, seg: np.ndarray, tp: np.ndarray) -> np.ndarray:
    """Seconds since the epoch at parameter tp of segments seg: geodesic fraction of the segment's duration."""
    tp = np.asarray(tp, dtype=float)
    out = inp.t[seg].astype(float)
    mid = (tp > 0) & (tp < 1)
    out = np.where(tp >= 1, inp.t[np.minimum(seg + 1, inp.n - 1)], out)
    if mid.any():
        s, p = seg[mid], tp[mid]
        px, py = point_at(inp, s, p)
        total = geodesy.distance_km(inp.y[s], inp.x[s], inp.y[s + 1], inp.x[s + 1])
        part = geodesy.distance_km(inp.y[s], inp.x[s], py, px)
        frac = np.where(total > 0, np.clip(part / np.where(total > 0, total, 1.0), 0.0, 1.0), p)
        out[mid] = inp.t[s] + frac * (inp.t[s + 1] - inp.t[s])
    return out


def timestamps(inp: TrackArrays, seconds: np.ndarray) -> pd.Series:
    """UTC timestamps for times in seconds after the first sample (NaN -> NaT)."""
    ns = np.round(np.asarray(seconds, dtype=float) * 1e9)
    missing = np.isnan(ns)
    values = np.where(missing, 0.0, ns).astype(np.int64) + np.int64(inp.t0_ns)
    values[missing] = np.iinfo(np.int64).min
    return pd.Series(pd.DatetimeIndex(values.view("M8[ns]")).tz_localize("UTC"))


def stamp(inp: TrackArrays, seconds: float) -> pd.Timestamp:
    """One UTC timestamp for a time in seconds after the first sample."""
    return pd.Timestamp(inp.t0_ns + round(float(seconds) * 1e9), unit="ns", tz="UTC")

def all_pieces(inp: TrackArrays) -> tuple[np.ndarray, ...]:
    """Pieces of all valid segments in track order; a lone sample (no valid segment touches it, e.g. one
    sample of an aircraft, or between two gaps in a table of runs) becomes a zero-length piece at that sample:
    segment j at parameter 0, or the previous segment at parameter 1 for the table's last row."""
    segs = np.flatnonzero(inp.valid)
    if inp.n == 1 or len(segs) == 0:
        m = max(inp.n - 1, 1)
        idx = np.arange(m)
        zeros = np.zeros(m)
        return idx, inp.x[:m], inp.y[:m], inp.x[:m], inp.y[:m], zeros, zeros
    pseg, x1, y1, x2, y2, ta, tb, _, _ = pieces(inp, segs)
    covered = np.zeros(inp.n, dtype=bool)
    covered[segs] = True
    covered[segs + 1] = True
    lone = np.flatnonzero(~covered)
    if len(lone):
        at_end = lone == inp.n - 1
        lseg = np.where(at_end, lone - 1, lone)
        lpar = np.where(at_end, 1.0, 0.0)
        lx, ly = inp.x[lone], inp.y[lone]
        pseg, x1, y1, x2, y2, ta, tb = (np.concatenate([a, b]) for a, b in (
            (pseg, lseg), (x1, lx), (y1, ly), (x2, lx), (y2, ly), (ta, lpar), (tb, lpar)))
    if len(pseg) != len(segs):
        order = np.lexsort((ta, pseg))
        pseg, x1, y1, x2, y2, ta, tb = (v[order] for v in (pseg, x1, y1, x2, y2, ta, tb))
    return pseg, x1, y1, x2, y2, ta, tb
