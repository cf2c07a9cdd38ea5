"""Verdicts: the answer to one claim, with everything needed to check it again.

Status is one of SUPPORTED, CONTRADICTED, NOT_VERIFIABLE. `measured` holds the numbers (km, seconds, times
as ISO 8601 UTC strings), `evidence` the samples, gaps, geographic points and lines that decided it and the
sources (with sha256), and `sentence` one plain sentence a reporter can quote.
Everything here is JSON-ready through `to_dict()`; `render/` reads only these objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd

Status = Literal["supported", "contradicted", "not_verifiable"]
SUPPORTED: Status = "supported"
CONTRADICTED: Status = "contradicted"
NOT_VERIFIABLE: Status = "not_verifiable"
STATUSES: tuple[Status, ...] = (SUPPORTED, CONTRADICTED, NOT_VERIFIABLE)
STATUS_LABELS: dict[str, str] = {
    SUPPORTED: "supported",
    CONTRADICTED: "contradicted",
    NOT_VERIFIABLE: "not verifiable",
}


def iso_utc(ts: Any) -> str:
    """A time as ISO 8601 UTC text: '2025-11-29T01:10:00Z' (milliseconds when not whole seconds); '' for NaT."""
    if ts is None or pd.isna(ts):
        return ""
    t = pd.Timestamp(ts)
    if t.tzinfo is None:
        raise ValueError(f"naive time {ts!r}: times in verdicts are tz-aware UTC")
    t = t.tz_convert("UTC")
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    ms = t.microsecond // 1000
    return text + (f".{ms:03d}Z" if ms else "Z")


@dataclass(frozen=True)
class Sample:
    """One observed sample cited as evidence."""

    time: str  # ISO 8601 UTC
    lat: float
    lon: float
    alt_ft: float | None = None
    source: str = "unknown"  # position source type (adsb, mlat, ...)
    file: str = ""
    record: int = -1
    role: str = ""  # why it is cited: "closest", "before crossing", "last before gap", ...


@dataclass(frozen=True)
class GeoPoint:
    """A computed point shown on the map: a crossing, the nearest border point, an airport."""

    label: str
    lat: float
    lon: float
    time: str = ""  # ISO 8601 UTC, "" when not a moment in time
    kind: str = ""  # "crossing", "closest", "first_within", "border", "airport", "takeoff", "landing"
    observed: bool = True  # False for a point inside a coverage gap (where a straight line would pass)


#: GapRef kinds: a coverage gap between two samples, or an unobserved edge of the tested period: the time
#: from its start to the first sample ("start") or from the last sample to its end ("end").
GAP_KINDS = ("gap", "start", "end")


@dataclass(frozen=True)
class GapRef:
    """Unobserved time a verdict looked at (`matters`: the verdict depends on it).

    kind "gap": a coverage gap between two samples; its reachability area is an ellipse with the two samples
    as foci. kind "start" / "end": an edge of the tested period (the case window, or the moment of an `after`
    / `before` claim) before the first / after the last sample, like a gap open on one side; the aircraft
    was within `reach_km` (speed bound x duration) of that sample, a geodesic disc. For an edge, `start` /
    `end` are the period's start and the first sample's time ("start"), or the last sample's time and the
    period's end ("end"); both positions are the sample's.
    """

    id: str  # "gap-3", "before-first-sample", "after-last-sample"
    start: str  # ISO 8601 UTC of the last sample before the gap (edge: see above)
    end: str  # ISO 8601 UTC of the first sample after
    duration_s: float
    start_lat: float
    start_lon: float
    end_lat: float
    end_lon: float
    reaches_region: bool | None = None  # whether its reachability ellipse (disc) can reach the claim's region
    kind: str = "gap"  # one of GAP_KINDS
    reach_km: float | None = None  # the ellipse's major axis (gap) or the disc's radius (edge), km
    bound: str = ""  # an edge's other end, for sentences: "the window start", "the moment of claim 'landed'"

    @property
    def matters(self) -> bool:
        """The verdict depends on this gap: its ellipse reaches the region, or reach does not apply (None).
        A gap whose ellipse cannot reach the region was checked and ruled out."""
        return self.reaches_region is not False

    @property
    def is_edge(self) -> bool:
        """An unobserved edge of the tested period, not a gap between two samples."""
        return self.kind != "gap"


@dataclass(frozen=True)
class SourceRef:
    path: str
    sha256: str
    format: str = ""


@dataclass(frozen=True)
class Evidence:
    samples: tuple[Sample, ...] = ()
    points: tuple[GeoPoint, ...] = ()
    lines: tuple[tuple[tuple[float, float], ...], ...] = ()  # each a sequence of (lat, lon), e.g. closest approach
    gaps: tuple[GapRef, ...] = ()
    regions: tuple[str, ...] = ()  # region codes used (VE, BR-RR, border:VE|BR-RR)
    sources: tuple[SourceRef, ...] = ()

    def latlons(self) -> list[tuple[float, float]]:
        """Every (lat, lon) this evidence mentions, for fitting a map view."""
        pts = [(s.lat, s.lon) for s in self.samples] + [(p.lat, p.lon) for p in self.points]
        pts += [pt for line in self.lines for pt in line]
        pts += [(g.start_lat, g.start_lon) for g in self.gaps] + [(g.end_lat, g.end_lon) for g in self.gaps]
        return pts


@dataclass(frozen=True)
class Verdict:
    claim_id: str
    quote: str
    predicate: str  # the test's predicate name, e.g. "approached"
    status: Status
    sentence: str
    measured: dict[str, Any] = field(default_factory=dict)
    evidence: Evidence = field(default_factory=Evidence)
    source: str = ""  # who made the claim (from the case file)
    notes: tuple[str, ...] = ()  # caveats: tolerance, MLAT-only, illustrative data

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["id"] = d.pop("claim_id")
        return d
