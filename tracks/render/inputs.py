"""What the map, the profile chart and the static figure show, normalised from a CaseResult or a Track/Traffic."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from tracks.claims.result import CaseResult
from tracks.render import content
from tracks.render.content import MapInput, attr
from tracks.segments import DEFAULT_MAX_GAP_S
from tracks.track import Track, Traffic
from tracks.wording import zone

#: Bare Track/Traffic maps get take-off/landing markers from tracks.legs up to this many aircraft.
LEG_EVENTS_MAX_TRACKS = 25


def map_input(
    result: CaseResult | Track | Traffic,
    regions: Iterable[Any] = (),
    timezone: str | None = None,
    max_gap_s: float | None = None,
) -> MapInput:
    """A MapInput: the case's tracks, verdicts, events, regions, zone and gap threshold (or a bare track's)."""
    if isinstance(result, CaseResult):
        case = result.case
        settings = attr(case, "settings", None)
        gap_s = max_gap_s if max_gap_s is not None else float(attr(settings, "max_gap_s", DEFAULT_MAX_GAP_S))
        tz_name = timezone if timezone is not None else str(attr(case, "timezone", "") or "")
        events = result.events if isinstance(result.events, pd.DataFrame) else pd.DataFrame()
        return MapInput(tracks=(result.track,), verdicts=tuple(result.verdicts),
                        regions=tuple(result.regions) + tuple(regions), events=events, case=case,
                        tool=dict(result.tool or {}), tz=zone(tz_name), max_gap_s=gap_s,
                        notes=tuple(str(n) for n in getattr(result, "notes", ()) or ()))
    if isinstance(result, Track):
        tracks: tuple[Track, ...] = (result,)
    elif isinstance(result, Traffic):
        tracks = tuple(result)
    else:
        raise TypeError(f"expected a CaseResult, Track or Traffic, got {type(result).__name__}")
    gap_s = DEFAULT_MAX_GAP_S if max_gap_s is None else max_gap_s
    # take-offs and landings from tracks.legs (a few aircraft only: a busy airspace would be all labels)
    events = content.leg_events(tracks, gap_s) if len(tracks) <= LEG_EVENTS_MAX_TRACKS else pd.DataFrame()
    return MapInput(tracks=tracks, regions=tuple(regions), events=events, tz=zone(timezone or ""), max_gap_s=gap_s)


def cited_gap_starts(inp: MapInput) -> list[str]:
    """Start times (ISO UTC) of the coverage gaps a verdict depends on: always drawn and labelled."""
    return [g.start for v in inp.verdicts for g in v.evidence.gaps if g.matters and not g.is_edge]
