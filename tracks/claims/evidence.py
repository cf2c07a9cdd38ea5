"""Small builders shared by the predicates: evidence samples, gap references, places, phrases.

Nothing here decides a verdict; it turns rows of a Track and rows of a Gaps table into the JSON-ready
evidence types of `tracks.claims.verdict`. Times, durations and distances are worded by `tracks.wording`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tracks.altitude import displayed_ft_at
from tracks.claims.verdict import (
    Evidence,
    GapRef,
    GeoPoint,
    Sample,
    SourceRef,
    Status,
    Verdict,
    iso_utc,
)
from tracks.geo.geodesy import distance_km as geodesic_km
from tracks.observation import PERIOD_NAMES, Edge, Observation
from tracks.track import Track
from tracks.wording import a_an, duration, when


def name(track: Track) -> str:
    """How sentences name the aircraft: registration, else ICAO address, else 'the aircraft'."""
    return track.registration or (track.icao24 and f"ICAO {track.icao24}") or "the aircraft"


def is_true(value: Any) -> bool:
    """True for a true (nullable) boolean; False for false and for <NA>."""
    return False if pd.isna(value) else bool(value)


def sources(track: Track) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(s.path, s.sha256, s.format) for s in track.sources)


def sample(obs: Observation, i: int, role: str) -> Sample:
    """Row `i` (position) of the model's track as an evidence Sample; '(ground)' when the model has it on the
    ground (tracks.airborne), 'stale' when the exporter flags it."""
    r = obs.frame.iloc[int(i)]
    alt = displayed_ft_at(obs.frame, int(i))
    ground = bool(obs.on_ground[int(i)])
    return Sample(
        time=iso_utc(r["time"]),
        lat=float(r["lat"]),
        lon=float(r["lon"]),
        alt_ft=None if not np.isfinite(alt) else float(alt),
        source=str(r["source"]) + (" (ground)" if ground else "") + (" stale" if bool(r["stale"]) else ""),
        file=str(r["file"]) if not pd.isna(r["file"]) else "",
        record=int(r["record"]),
        role=role,
    )


def gap_ref(row: Any, reaches: bool | None = None) -> GapRef:
    """A row of `Gaps.frame` as a GapRef."""
    reach = row.get("reach_km") if hasattr(row, "get") else None
    return GapRef(
        id=str(row["gap_id"]),
        start=iso_utc(row["start_time"]),
        end=iso_utc(row["end_time"]),
        duration_s=float(row["duration_s"]),
        start_lat=float(row["start_lat"]),
        start_lon=float(row["start_lon"]),
        end_lat=float(row["end_lat"]),
        end_lon=float(row["end_lon"]),
        reaches_region=reaches,
        reach_km=None if reach is None or pd.isna(reach) else float(reach),
    )


# -- unobserved edges of the tested period ----------------------------------------------------------------------

#: GapRef ids of the two edges.
EDGE_IDS = {"start": "before-first-sample", "end": "after-last-sample"}

def edge_ref(obs: Observation, edge: Edge, reaches: bool | None) -> GapRef:
    """An unobserved edge of the observation model's period as a GapRef (kind "start" / "end"), positioned at
    its sample, named after the period's ends."""
    r = obs.frame.iloc[edge.index]
    lat, lon = float(r["lat"]), float(r["lon"])
    names = obs.period_names
    return GapRef(
        id=EDGE_IDS[edge.kind], start=iso_utc(edge.t_from), end=iso_utc(edge.t_to), duration_s=edge.seconds,
        start_lat=lat, start_lon=lon, end_lat=lat, end_lon=lon, reaches_region=reaches, kind=edge.kind,
        reach_km=round(edge.reach_km, 3), bound=names[0] if edge.kind == "start" else names[1],
    )


def edge_brief(g: GapRef) -> str:
    """'the 1 h 12 min without data after the last sample'."""
    side = "before the first sample" if g.kind == "start" else "after the last sample"
    return f"the {duration(g.duration_s)} without data {side}"


def edge_phrase(g: GapRef, tz: str) -> str:
    """'the 5 h 47 min without data before the first sample, from the window start, 28 Nov 2025 18:00Z (...),
    to 28 Nov 2025 23:47Z (...)'."""
    short = g.duration_s < 120  # say the seconds when the minutes alone would read 23:10Z to 23:11Z
    a, b = (when(x, tz, seconds=short) for x in (g.start, g.end))
    if g.kind == "start":
        return f"{edge_brief(g)}, from {g.bound or PERIOD_NAMES[0]}, {a}, to {b}"
    return f"{edge_brief(g)}, from {a} to {g.bound or PERIOD_NAMES[1]}, {b}"


def split_refs(refs: Iterable[GapRef]) -> tuple[list[GapRef], list[GapRef]]:
    """(coverage gaps, unobserved edges)."""
    refs = list(refs)
    return [g for g in refs if not g.is_edge], [g for g in refs if g.is_edge]


def rname(region: Any) -> str:
    """How sentences name a region (a tracks.geo.regions.Region): 'Brazil', 'the Venezuela–Roraima border'."""
    return f"the {region.name}" if region.kind in ("border", "sea", "coast", "buffer", "circle") else region.name
















def gap_phrase(refs: Iterable[GapRef], tz: str) -> str:
    """'gap-2, a 12 min coverage gap from 29 Nov 2025 00:38Z (28 Nov 20:38 America/Caracas)' (up to three
    gaps), after the unobserved edges of the period among `refs` (see `edge_phrase`)."""
    gaps, edges_ = split_refs(refs)
    parts = [f"{g.id}, {a_an(duration(g.duration_s))} coverage gap from {when(g.start, tz)}"
             for g in gaps[:3]]
    more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
    return "; ".join([edge_phrase(e, tz) for e in edges_] + (["; ".join(parts) + more] if parts else []))


def verdict(predicate: str, status: Status, sentence: str, *, track: Track, measured: dict[str, Any] | None = None,
            samples: Iterable[Sample] = (), points: Iterable[GeoPoint] = (), gaps: Iterable[GapRef] = (),
            lines: Iterable[tuple[tuple[float, float], ...]] = (), regions: Iterable[str] = (),
            notes: Iterable[str] = ()) -> Verdict:
    """A Verdict with the track's sources attached (claim id and quote are set by the engine)."""
    return Verdict(
        claim_id="",
        quote="",
        predicate=predicate,
        status=status,
        sentence=sentence[:1].upper() + sentence[1:],  # 'the aircraft ...' starts a sentence too
        measured=dict(measured or {}),
        evidence=Evidence(
            samples=tuple(samples), points=tuple(points), lines=tuple(lines), gaps=tuple(gaps),
            regions=tuple(regions), sources=sources(track),
        ),
        notes=tuple(notes),
    )


# -- places ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where an event is claimed: airports (ICAO codes, positions, elevations) or a point, and a radius."""

    codes: tuple[str, ...]
    lats: tuple[float, ...]
    lons: tuple[float, ...]
    elevations_ft: tuple[float, ...]
    within_km: float
    label: str

    @classmethod
    def of(cls, airports: Iterable[str] = (), point: tuple[float, float] | None = None,
           within_km: float = 5.0) -> Place:
        """From airport codes (ICAO/IATA; KeyError when unknown) or a (lat, lon) point."""
        codes = tuple(airports)
        if bool(codes) == (point is not None):
            raise ValueError("give airports or a point (one of them)")
        if point is not None:
            lat, lon = float(point[0]), float(point[1])
            return cls(("",), (lat,), (lon,), (0.0,), float(within_km), f"({lat:.4f}, {lon:.4f})")
        from tracks.airports import airport

        found = [airport(c) for c in codes]
        return cls(
            tuple(a.icao for a in found), tuple(a.lat for a in found), tuple(a.lon for a in found),
            tuple(a.elevation_ft for a in found), float(within_km), " or ".join(a.icao for a in found),
        )

    def distances_km(self, lat: float, lon: float) -> np.ndarray:
        return geodesic_km(np.full(len(self.lats), lat), np.full(len(self.lons), lon),
                           np.asarray(self.lats), np.asarray(self.lons))

    def nearest(self, lat: float, lon: float) -> tuple[int, float]:
        """Index of the nearest target and its distance (km)."""
        d = self.distances_km(lat, lon)
        k = int(np.argmin(d))
        return k, float(d[k])

    def points(self) -> tuple[GeoPoint, ...]:
        return tuple(GeoPoint(label=c or self.label, lat=la, lon=lo, kind="airport" if c else "point")
                     for c, la, lo in zip(self.codes, self.lats, self.lons, strict=True))
