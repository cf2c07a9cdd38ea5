"""What a track is, in one object: identity, time span, points, position sources, gaps, legs, emergency squawks.

One summary feeds every place that describes a track: `tracks info` (text and `--json`) and the notebook
display (`Track._repr_html_`). Nothing here decides a rule again: gaps and legs come from the track's observation
model (`tracks.observation`: the gap rule of `tracks.segments`, the legs of `tracks.legs`), identity from `tracks.aircraft`, and the take-off/landing
sentences are those of the leg events (observed vs "last seen near"). Units: seconds, km, UTC.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from tracks.aircraft import AircraftInfo
from tracks.claims.verdict import iso_utc

if TYPE_CHECKING:
    from tracks.airports import Event
    from tracks.gaps import Gaps
    from tracks.legs import Legs
    from tracks.track import Source, Track


@dataclass(frozen=True)
class TrackSummary:
    """Everything `tracks info` and the notebook display say about one aircraft's track."""

    icao24: str
    callsign: str
    registration: str
    identity: AircraftInfo
    start: pd.Timestamp
    stop: pd.Timestamp
    points: int
    position_sources: dict[str, int]
    gaps: Gaps
    legs: Legs
    emergencies: pd.DataFrame
    illustrative: bool

    @property
    def unobserved_s(self) -> float:
        """Seconds inside coverage gaps."""
        return float(self.gaps.frame["duration_s"].sum()) if len(self.gaps) else 0.0

    @property
    def longest_gap_s(self) -> float:
        return float(self.gaps.frame["duration_s"].max()) if len(self.gaps) else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (times ISO 8601 UTC, durations in seconds, distances in km; NaN becomes null)."""
        ident = self.identity
        gaps = self.gaps.frame
        return {
            "icao24": self.icao24,
            "callsign": self.callsign,
            "registration": self.registration,
            "aircraft": ident.to_dict(),
            "start": iso_utc(self.start),
            "stop": iso_utc(self.stop),
            "duration_s": _num((self.stop - self.start).total_seconds()) if self.points else 0.0,
            "points": self.points,
            "position_sources": dict(self.position_sources),
            "illustrative": self.illustrative,
            "gaps": {
                "max_gap_s": self.gaps.max_gap_s,
                "count": len(gaps),
                "unobserved_s": self.unobserved_s,
                "longest_s": self.longest_gap_s,
                "by_cause": self.gaps.counts(),
                "list": [
                    {"id": str(r["gap_id"]), "start": iso_utc(r["start_time"]), "end": iso_utc(r["end_time"]),
                     "duration_s": _num(r["duration_s"]), "distance_km": _num(r["distance_km"]),
                     "reach_km": _num(r["reach_km"]), "cause": str(r["cause"])}
                    for r in gaps.to_dict("records")
                ],
            },
            "legs": [
                {"id": leg.leg_id, "start": iso_utc(leg.start_time), "end": iso_utc(leg.end_time),
                 "callsign": leg.callsign, "takeoff": _event(leg.takeoff), "landing": _event(leg.landing),
                 "touch_and_goes": [_event(e) for e in leg.touch_and_goes],
                 "go_arounds": [_event(e) for e in leg.go_arounds],
                 "flags": list(leg.flags), "notes": list(leg.notes), "gap_ids": list(leg.gap_ids)}
                for leg in self.legs
            ],
            "emergency_squawks": emergency_records(self.emergencies),
        }


def summarize(track: Track) -> TrackSummary:
    """The summary of one aircraft's track (gaps and legs of its observation model, default settings)."""
    obs = track.observe()
    legs = obs.legs
    src = track.data["source"].value_counts()
    return TrackSummary(
        icao24=track.icao24,
        callsign=track.callsign,
        registration=track.registration,
        identity=track.identity,
        start=track.start,
        stop=track.stop,
        points=len(track),
        position_sources={str(k): int(v) for k, v in src.items() if v},
        gaps=obs.gaps,
        legs=legs,
        emergencies=track.emergencies(),
        illustrative=track.illustrative,
    )


def brief_records(table: pd.DataFrame, sources: Sequence[Source] = ()) -> list[dict[str, Any]]:
    """One short JSON-ready row per aircraft of a table (icao24, state of registry, first callsign and
    registration of its rows, type, operator, flags and the source of each of those three, points, start,
    stop), computed in one pass: for tables too large to summarise aircraft by aircraft (legs cost tens of
    milliseconds each). Type, operator and flags come from `tracks.aircraft.identities` (the databases, then
    what the track files of `sources` give)."""
    from tracks.aircraft import identities, states_of_registry

    g = table.groupby("icao24", sort=True, observed=True)
    agg = pd.DataFrame({"points": g.size(), "start": g["time"].min(), "stop": g["time"].max(),
                        "callsign": g["callsign"].first(), "registration": g["registration"].first()})
    icao = agg.index.astype(str).to_numpy()
    states = states_of_registry(icao)
    ident = identities(icao, sources)
    calls = agg["callsign"].astype(object).where(agg["callsign"].notna(), "").tolist()
    regs = agg["registration"].astype(object).where(agg["registration"].notna(), "").tolist()
    starts, stops = [iso_utc(t) for t in agg["start"]], [iso_utc(t) for t in agg["stop"]]
    value_sources = [{name: src for name, src in zip(VALUE_FIELDS, row, strict=True) if src}
                     for row in ident[[f"{f}_source" for f in VALUE_FIELDS]].itertuples(index=False)]
    flags = [[f for f in text.split(",") if f] for text in ident["flags"].tolist()]
    return [{"icao24": a, "callsign": str(c), "registration": str(r), "state_of_registry": st,
             "type_code": ty, "operator": op, "flags": fl, "value_sources": vs, "points": int(n),
             "start": t0, "stop": t1}
            for a, c, r, st, ty, op, fl, vs, n, t0, t1 in zip(
                icao.tolist(), calls, regs, states.tolist(), ident["type_code"].tolist(), ident["operator"].tolist(),
                flags, value_sources, agg["points"].tolist(), starts, stops, strict=True)]


#: The identity values a brief record gives, each with its source.
VALUE_FIELDS: tuple[str, ...] = ("type_code", "operator", "flags")


def emergency_records(runs: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of `tracks.aircraft.emergency_squawks` as JSON-ready dicts (times ISO 8601 UTC)."""
    return [{"squawk": r["squawk"], "meaning": r["meaning"], "start": iso_utc(r["start_time"]),
             "end": iso_utc(r["end_time"]), "samples": int(r["samples"])} for r in runs.to_dict("records")]


def _event(e: Event) -> dict[str, Any]:
    return {"kind": e.kind, "observed": bool(e.observed), "airport": e.airport, "airport_name": e.airport_name,
            "time": iso_utc(e.time), "evidence": e.evidence, "gap_id": e.gap_id, "sentence": e.sentence}


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None
