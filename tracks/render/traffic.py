"""Maps of many aircraft (a Traffic table): drawn from the table's columns, one colour per aircraft.

A global aircraft.json holds thousands of aircraft; slicing the table into one DataFrame per aircraft costs
about a millisecond each, so everything here works on numpy arrays of the whole table (sorted by aircraft,
then time) and on the row where each aircraft starts:

- `aircraft_rows`: where each aircraft's rows start and end;
- `names`: 'CALLSIGN · REG · icao24' of every aircraft from the most frequent callsign and registration;
- `summary`: samples, first and last time, position sources of every aircraft (the panel's list);
- `payloads`: the drawing payload of every aircraft (`tracks.render.content.columns_payload`), each with its
  colour from `PALETTE`;
- `old_snapshot_rows`: stale positions a snapshot file (readsb aircraft.json, v2 API, OpenSky states) holds
  from long before its own time (readsb `lastPosition`, up to days old), left off the map and counted in its
  notes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tracks.aircraft import shown_address
from tracks.render.content import Columns, columns, columns_payload, esc
from tracks.render.drawgaps import drawn_gaps
from tracks.segments import times_s
from tracks.track import Track, Traffic

#: One colour per aircraft (cycled): distinct on the land colour, none of them the gap grey.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
           "#bcbd22", "#3949ab", "#00897b", "#c2185b", "#6d4c41", "#7cb342", "#5e35b1", "#f4511e")
#: Position-age limit for snapshot files (s): older positions in a snapshot are left off the map.
DEFAULT_MAX_POSITION_AGE_S = 300.0
#: Formats that hold one instant per file ("now"), where a much older position is a leftover.
SNAPSHOT_FORMATS = frozenset({"readsb-aircraft-json", "readsb-v2-json", "opensky-states-json"})


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def aircraft_rows(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends): the first row and one past the last of each aircraft in a table sorted by icao24."""
    if not len(data):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    codes = pd.factorize(data["icao24"])[0]
    cut = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    return np.concatenate([[0], cut]), np.concatenate([cut, [len(data)]])


def _modes(data: pd.DataFrame, column: str, starts: np.ndarray) -> list[str]:
    """The most frequent non-empty value of `column` per aircraft ('' when none), as Track.callsign does."""
    owner = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(data))))
    values = data[column]
    ok = values.notna().to_numpy() & (values.fillna("") != "").to_numpy()
    if not ok.any():
        return [""] * len(starts)
    counts = pd.DataFrame({"a": owner[ok], "v": values[ok].astype(str).to_numpy()}).value_counts(sort=True)
    best = counts.reset_index().drop_duplicates("a")
    out = [""] * len(starts)
    for a, v in zip(best["a"].tolist(), best["v"].tolist(), strict=True):
        out[a] = v
    return out


def names(data: pd.DataFrame, starts: np.ndarray) -> list[str]:
    """'CALLSIGN · REG · icao24' (whatever is known; the unknown address as `shown_address` says it) of every
    aircraft, plain text."""
    calls, regs = _modes(data, "callsign", starts), _modes(data, "registration", starts)
    ids = data["icao24"].to_numpy()[starts] if len(starts) else []
    return [" · ".join(dict.fromkeys(p for p in (c, r, shown_address(str(i))) if p)) or "track"
            for c, r, i in zip(calls, regs, ids, strict=True)]


def summary(data: pd.DataFrame, starts: np.ndarray, ends: np.ndarray) -> pd.DataFrame:
    """Per aircraft: icao24, samples, first and last time, position sources ('adsb 120, mlat 3')."""
    owner = np.repeat(np.arange(len(starts)), ends - starts)
    src = pd.DataFrame({"a": owner, "s": data["source"].astype(str).to_numpy()}).value_counts(sort=False)
    mix = [""] * len(starts)
    for (a, s), n in src.items():
        mix[a] += (", " if mix[a] else "") + f"{s} {int(n):,}"
    return pd.DataFrame({
        "icao24": data["icao24"].to_numpy()[starts],
        "samples": ends - starts,
        "first": data["time"].iloc[starts].to_numpy(),
        "last": data["time"].iloc[ends - 1].to_numpy(),
        "sources": mix,
    })


def payloads(
    traffic: Traffic,
    labels: Sequence[str],
    *,
    max_gap_s: float,
    max_points: int,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """The drawing payload of every aircraft of `traffic` (in icao24 order), with its colour and index.

    The point budget is shared in proportion to the samples (at least 200 per aircraft); `progress(k)` is
    called as aircraft are done.
    """
    data = traffic.data
    starts, ends = aircraft_rows(data)
    if not len(starts):
        return []
    gaps = drawn_gaps(data, max_gap_s, starts=starts)
    cols: Columns = columns(data, gaps)
    total = len(data) or 1
    out = []
    for k, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        budget = max(min(b - a, 200), int(max_points * (b - a) / total))
        p = columns_payload(cols.slice(a, b), name=esc(labels[k]), max_points=budget)
        p["colour"] = colour(k)
        p["idx"] = k
        out.append(p)
        if progress is not None and (k % 200 == 199 or k == len(starts) - 1):
            progress(k + 1)
    return out


def old_snapshot_rows(table: Track | Traffic, max_age_s: float) -> np.ndarray:
    """Stale rows of a snapshot file more than `max_age_s` older than that file's newest position.

    In a snapshot the stale rows are the positions it only remembers (readsb `lastPosition`: the aircraft's
    last known position, up to days before the snapshot); regular positions are kept whatever their age
    (ADS-C reports over the oceans are often half an hour old and still the aircraft's latest).
    """
    data = table.data
    snap = {s.path for s in table.sources if s.format in SNAPSHOT_FORMATS}
    if not snap or not len(data):
        return np.zeros(len(data), dtype=bool)
    files = data["file"].astype(str)
    in_snap = files.isin(snap).to_numpy()
    if not in_snap.any():
        return in_snap
    t = pd.Series(times_s(data))
    newest = t.groupby(files.to_numpy()).transform("max").to_numpy()
    return in_snap & data["stale"].to_numpy(dtype=bool) & (newest - t.to_numpy() > max_age_s)
