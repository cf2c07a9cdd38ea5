"""What the map, the profile chart and the static figure show, normalised from a CaseResult or a Track/Traffic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pandas as pd

from tracks.claims.result import CaseResult
from tracks.observation import observe
from tracks.render import content
from tracks.render.content import MapInput, attr
from tracks.render.traffic import DEFAULT_MAX_POSITION_AGE_S, old_snapshot_rows
from tracks.segments import DEFAULT_MAX_GAP_S
from tracks.track import Track, Traffic
from tracks.wording import duration, zone

#: Bare Track/Traffic maps get take-off/landing markers from tracks.legs up to this many aircraft.
LEG_EVENTS_MAX_TRACKS = 25


def map_input(
    result: CaseResult | Track | Traffic,
    regions: Iterable[Any] = (),
    timezone: str | None = None,
    max_gap_s: float | None = None,
    max_position_age_s: float = DEFAULT_MAX_POSITION_AGE_S,
) -> MapInput:
    """A MapInput: the case's tracks, verdicts, events, regions, zone and gap threshold (or a bare track's).

    For a bare Track or Traffic, positions of snapshot files (aircraft.json) more than `max_position_age_s`
    older than their snapshot are left off, and the notes say how many.
    """
    if isinstance(result, CaseResult):
        case = result.case
        settings = attr(case, "settings", None)
        gap_s = max_gap_s if max_gap_s is not None else float(attr(settings, "max_gap_s", DEFAULT_MAX_GAP_S))
        tz_name = timezone if timezone is not None else str(attr(case, "timezone", "") or "")
        events = result.events if isinstance(result.events, pd.DataFrame) else pd.DataFrame()
        model = result.observation if result.observation is not None and max_gap_s is None else None
        return MapInput(tracks=(result.track,), verdicts=tuple(result.verdicts),
                        regions=tuple(result.regions) + tuple(regions), events=events, case=case,
                        tool=dict(result.tool or {}), tz=zone(tz_name), max_gap_s=gap_s,
                        notes=tuple(str(n) for n in getattr(result, "notes", ()) or ()),
                        given=(model,) if model is not None else ())
    if not isinstance(result, Track | Traffic):
        raise TypeError(f"expected a CaseResult, Track or Traffic, got {type(result).__name__}")
    gap_s = DEFAULT_MAX_GAP_S if max_gap_s is None else max_gap_s
    old = old_snapshot_rows(result, max_position_age_s)
    notes: tuple[str, ...] = ()
    if old.any():
        table = result.filter(~old)
        notes = (f"{int(old.sum()):,} position{'s' if old.sum() != 1 else ''} left off the map: older than "
                 f"{duration(max_position_age_s)} before the time of their snapshot file (readsb lastPosition: "
                 "an aircraft's last known position, up to days old); tracks map --max-position-age changes "
                 "the limit",)
    else:
        table = result
    if isinstance(table, Traffic) and table.data["icao24"].nunique() == 1:
        table = next(iter(table))  # one aircraft: drawn (and profiled) as a Track
    if isinstance(table, Track):
        tracks: tuple[Track, ...] = (table,)
        traffic = None
    else:
        traffic = table
        tracks = ()
    # take-offs and landings from tracks.legs (a few aircraft only: a busy airspace would be all labels)
    n_aircraft = len(tracks) if traffic is None else int(traffic.data["icao24"].nunique())
    inp = MapInput(tracks=tracks, regions=tuple(regions), tz=zone(timezone or ""), max_gap_s=gap_s, notes=notes,
                   traffic=traffic)
    if n_aircraft <= LEG_EVENTS_MAX_TRACKS:  # each aircraft observed once (its legs; a Track's gaps for drawing)
        models = inp.observations if traffic is None else tuple(observe(t, max_gap_s=gap_s) for t in traffic)
        inp = replace(inp, events=content.leg_events(models), given=models if traffic is None else ())
    return inp


def cited_gap_starts(inp: MapInput) -> list[str]:
    """Start times (ISO UTC) of the coverage gaps a verdict depends on: always drawn and labelled."""
    return [g.start for v in inp.verdicts for g in v.evidence.gaps if g.matters and not g.is_edge]
