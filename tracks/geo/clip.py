"""Clip a track to a region: the pieces inside, each from its entry to its exit.

The entries and exits are those of `tracks.geo.fence.crossings` (interpolated on the segment, or a window
when the crossing happened inside a coverage gap); nothing is decided again here. A piece holds the observed
samples inside (rows of the track, unchanged) and its entry and exit crossings. Its line starts at the entry
point and ends at the exit point when those were observed; a crossing inside a gap has no point to draw from
(the path in a gap is unknown), so the line starts or ends at the sample after or before the gap, and gaps
inside a piece stay breaks in its line (`tracks.segments.gap_mask`, the shared gap definition).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from tracks.segments import DEFAULT_MAX_GAP_S, gap_mask

if TYPE_CHECKING:
    from tracks.geo.regions import Region
    from tracks.track import Track

PIECE_COLUMNS: tuple[str, ...] = (
    "piece_id", "icao24", "region", "entry_time", "entry_window_start", "entry_window_end", "entry_in_gap",
    "exit_time", "exit_window_start", "exit_window_end", "exit_in_gap", "first_index", "last_index", "samples",
    "observed_s",
)


@dataclass(frozen=True)
class ClipPiece:
    """One stay inside the region. `entry` / `exit` are rows of the fence's crossings table (None when the
    track starts / ends inside); `first_index`..`last_index` are the track rows inside (last < first when the
    piece holds no sample: a corner cut between two outside samples); `track` holds those samples."""

    piece_id: str
    track: Track
    first_index: int
    last_index: int
    entry: pd.Series | None
    exit: pd.Series | None

    @property
    def entry_time(self) -> pd.Timestamp:
        """Interpolated entry time; NaT when the track starts inside or the entry happened in a gap."""
        return self.entry["time"] if self.entry is not None else pd.NaT

    @property
    def exit_time(self) -> pd.Timestamp:
        return self.exit["time"] if self.exit is not None else pd.NaT

    def geometry(self, max_gap_s: float = DEFAULT_MAX_GAP_S) -> BaseGeometry:
        """The piece's line (lon, lat): observed entry point, samples inside, observed exit point; a
        MultiLineString broken at coverage gaps; a Point for a lone sample with no observed crossing."""
        d = self.track.data
        lon, lat = d["lon"].to_numpy(float), d["lat"].to_numpy(float)
        breaks = gap_mask(d, max_gap_s) if len(d) > 1 else np.zeros(0, dtype=bool)
        head = _point(self.entry)
        tail = _point(self.exit)
        xs = ([head[0]] if head else []) + lon.tolist() + ([tail[0]] if tail else [])
        ys = ([head[1]] if head else []) + lat.tolist() + ([tail[1]] if tail else [])
        cut = np.concatenate([[False] if head and len(d) else [], breaks, [False] if tail and len(d) else []])
        runs = np.split(np.arange(len(xs)), np.flatnonzero(cut) + 1)
        lines = [shapely.linestrings(np.take(xs, r), np.take(ys, r)) for r in runs if len(r) > 1]
        if not lines:
            return shapely.points(xs[0], ys[0]) if xs else shapely.Point()
        return lines[0] if len(lines) == 1 else shapely.multilinestrings(lines)


def _point(crossing: pd.Series | None) -> tuple[float, float] | None:
    """(lon, lat) of an observed crossing; None for none or one inside a gap (its point is only indicative)."""
    if crossing is None or bool(crossing["in_gap"]) or not np.isfinite(crossing["lon"]):
        return None
    return float(crossing["lon"]), float(crossing["lat"])


class Clip:
    """The pieces of a track inside a region (`Track.clip`). Iterate for `ClipPiece`s; `.track` is every
    sample inside as one Track; `.crossings` the fence's table behind the entries and exits."""

    def __init__(self, region: str, pieces: tuple[ClipPiece, ...], crossings: pd.DataFrame, source: Track,
                 max_gap_s: float) -> None:
        self.region = region
        self.pieces = pieces
        self.crossings = crossings
        self._source = source
        self.max_gap_s = max_gap_s

    def __len__(self) -> int:
        return len(self.pieces)

    def __iter__(self) -> Iterator[ClipPiece]:
        return iter(self.pieces)

    def __getitem__(self, i: int) -> ClipPiece:
        return self.pieces[i]

    def __repr__(self) -> str:
        return f"<Clip {self.region}: {len(self)} piece(s), {len(self.track)} samples inside>"

    @property
    def track(self) -> Track:
        """Every observed sample inside the region (rows of the source track, unchanged)."""
        keep = np.zeros(len(self._source), dtype=bool)
        for p in self.pieces:
            keep[p.first_index:p.last_index + 1] = True
        return self._source.filter(keep)

    def frame(self) -> pd.DataFrame:
        """One row per piece (PIECE_COLUMNS): entry and exit times (NaT inside a gap, with the window), rows,
        number of samples and observed seconds inside."""
        rows = []
        for p in self.pieces:
            row: dict[str, Any] = {"piece_id": p.piece_id, "icao24": self._source.icao24, "region": self.region,
                                   "first_index": p.first_index, "last_index": p.last_index,
                                   "samples": max(p.last_index - p.first_index + 1, 0)}
            for side, c in (("entry", p.entry), ("exit", p.exit)):
                row[f"{side}_time"] = c["time"] if c is not None else pd.NaT
                row[f"{side}_window_start"] = c["window_start"] if c is not None else pd.NaT
                row[f"{side}_window_end"] = c["window_end"] if c is not None else pd.NaT
                row[f"{side}_in_gap"] = bool(c["in_gap"]) if c is not None else False
            start = row["entry_time"] if p.entry is not None and not row["entry_in_gap"] else (
                p.track.start if len(p.track) else pd.NaT)
            end = row["exit_time"] if p.exit is not None and not row["exit_in_gap"] else (
                p.track.stop if len(p.track) else pd.NaT)
            gaps = p.track.gaps(max_gap_s=self.max_gap_s).frame["duration_s"].sum() if len(p.track) > 1 else 0.0
            row["observed_s"] = float((end - start).total_seconds() - gaps) if pd.notna(start) and pd.notna(end) else 0.0
            rows.append(row)
        out = pd.DataFrame(rows, columns=list(PIECE_COLUMNS))
        for c in PIECE_COLUMNS:
            if c.endswith(("_time", "_start", "_end")):
                out[c] = pd.to_datetime(out[c], utc=True)
        return out

    def geometries(self) -> list[BaseGeometry]:
        return [p.geometry(self.max_gap_s) for p in self.pieces]


def clip(track: Track, region: Region | str | BaseGeometry, max_gap_s: float = DEFAULT_MAX_GAP_S) -> Clip:
    """The pieces of `track` inside `region` (a Region, a code such as "VE", or a shapely area in lon/lat)."""
    from tracks.geo import fence

    code = region if isinstance(region, str) else getattr(region, "code", "geometry")
    cross = fence.crossings(track, region, max_gap_s=max_gap_s)
    n = len(track)
    if n == 0:
        return Clip(str(code), (), cross, track, max_gap_s)
    rows = [r for _, r in cross.iterrows()]  # a handful of crossings, not samples
    starts_inside = bool(fence.inside(track.data.iloc[:1], region)[0]) if not rows else rows[0]["direction"] == "exit"
    pieces: list[ClipPiece] = []
    entry: pd.Series | None = None
    inside = starts_inside
    first = 0
    for r in rows:
        if r["direction"] == "entry":
            entry, inside = r, True
            first = int(r["after_index"]) + (1 if r["after_index"] == r["before_index"] else 0)
        elif inside:
            last = int(r["before_index"]) - (1 if r["after_index"] == r["before_index"] else 0)
            pieces.append(_piece(track, len(pieces), first, last, entry, r))
            entry, inside = None, False
    if inside:
        pieces.append(_piece(track, len(pieces), first, n - 1, entry, None))
    return Clip(str(code), tuple(pieces), cross, track, max_gap_s)


def _piece(track: Track, k: int, first: int, last: int, entry: pd.Series | None, exit_: pd.Series | None) -> ClipPiece:
    sub = track.data.iloc[first:last + 1] if last >= first else track.data.iloc[0:0]
    return ClipPiece(f"piece-{k + 1}", track._new(sub), first, last, entry, exit_)
