"""Is a downloaded body complete, and is it what was asked for? Checked before a body becomes evidence.

A server can answer 200 with a body cut short (a gzip stream that never ends, JSON that stops mid-way), with an
error message as JSON (``{"error": "rate limited"}``), with a web page, or with another aircraft or day. Each
check reads the file in the archive's temporary folder and returns '' when it is fine, else what is wrong (a
reason the user reads). Gzip is inflated in bounded chunks (tracks.unpack), so a bomb is stopped early.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from tracks.errors import TracksError
from tracks.fetch.sources import Planned
from tracks.unpack import GZIP_MAGIC, UnpackError, gunzip, gunzip_chunks, human_size

_READ = 1 << 20
_DB_LINE = re.compile(rb"~?[0-9A-Fa-f]{6};")
#: What each kind of request must give: the format `tracks.load` detects in it.
TRACK_FORMATS = {"trace": ("readsb-trace",), "live-trace": ("readsb-trace",), "track": ("opensky-tracks-json",),
                 "v2-live": ("readsb-v2-json", "readsb-aircraft-json"), "states": ("opensky-states-json",)}
#: How far a day's trace may reach outside its UTC day (a flight crossing midnight starts in the day before).
DAY_MARGIN = pd.Timedelta(hours=12)
#: How far an OpenSky track may lie from the time it was asked for (the middle of a flight).
TRACK_MARGIN = pd.Timedelta(days=1)


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while chunk := fh.read(_READ):
            yield chunk


def gzip_problem(path: Path) -> str:
    """'' when the file is not gzip or is a complete gzip stream within the decompression limits, else why not.
    Streams: nothing is kept in memory."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic != GZIP_MAGIC:
        return ""
    size = path.stat().st_size
    try:
        for _ in gunzip_chunks(_chunks(path), "the gzip body", size):
            pass
    except UnpackError as e:
        reason = str(e).removeprefix("the gzip body: ")
        return f"the gzip data {reason}" if e.too_large else reason
    return ""


def body_problem(path: Path, plan: Planned) -> str:
    """'' when the body at `path` is complete and is what `plan` asked for, else what is wrong with it."""
    size = path.stat().st_size
    if size == 0:
        return "an empty body"
    problem = gzip_problem(path)
    if problem:
        return problem
    kind = plan.request.get("kind", "")
    if plan.expect == "aircraft-db":
        return _aircraft_db_problem(path)
    if kind == "flights":
        return _flights_problem(path, plan)
    if kind in TRACK_FORMATS:
        return _track_problem(path, plan, TRACK_FORMATS[kind])
    return ""


def _content(path: Path) -> bytes:
    data = path.read_bytes()
    return gunzip(data, "the body") if data[:2] == GZIP_MAGIC else data


def _looks(data: bytes) -> str:
    """What a body that is not the expected data looks like, by type only."""
    text = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"<":
        return "an HTML/XML page (bot protection, an error page or a wrong --base-url)"
    if text[:1] in (b"{", b"["):
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            return f"JSON that does not parse ({human_size(len(data))}; cut off?)"
        if isinstance(doc, dict):
            keys = ", ".join(sorted(map(str, doc))[:6])
            return f"a JSON object with the keys {keys}" if keys else "an empty JSON object"
        return f"a JSON {type(doc).__name__}"
    return f"a body of {human_size(len(data))} that is not JSON"


def _aircraft_db_problem(path: Path) -> str:
    try:
        data = _content(path)
    except UnpackError as e:
        return str(e)
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    if not _DB_LINE.match(first):
        return f"{_looks(data)}, not hex;registration;type;... lines"
    return ""


def _flights_problem(path: Path, plan: Planned) -> str:
    try:
        doc = json.loads(_content(path))
    except (ValueError, RecursionError, UnicodeDecodeError, UnpackError):
        try:
            return _looks(_content(path)) + ", not a list of flights"
        except UnpackError as e:
            return str(e)
    if not isinstance(doc, list):
        return f"{_looks(_content(path))}, not a list of flights"
    hex_ = str(plan.request.get("hex", "")).lower()
    begin, end = plan.request.get("begin"), plan.request.get("end")
    for i, flight in enumerate(doc):
        if not isinstance(flight, dict):
            return f"flight {i} is not an object"
        icao = str(flight.get("icao24", "")).strip().lower()
        if hex_ and icao != hex_:
            return f"flight {i} is of aircraft {icao or '(none)'}, not {hex_}"
        first, last = flight.get("firstSeen"), flight.get("lastSeen")
        if not isinstance(first, int) or not isinstance(last, int) or isinstance(first, bool):
            return f"flight {i} has no firstSeen/lastSeen (Unix seconds)"
        if begin is not None and end is not None and (last < begin or first > end):
            return f"flight {i} lies outside the day asked for ({pd.Timestamp(first, unit='s', tz='UTC'):%Y-%m-%d})"
    return ""


def _track_problem(path: Path, plan: Planned, formats: tuple[str, ...]) -> str:
    """The body read by the format's own reader: the format, the aircraft and the day must be the ones asked."""
    from tracks.loader import read_file

    try:
        frame, source, _ = read_file(str(path))
    except TracksError as e:
        try:
            looks = _looks(_content(path))
        except UnpackError:
            looks = ""
        reason = getattr(e, "problem", str(e))
        return f"{looks}: {reason}" if looks else reason
    if source.format not in formats:
        return f"a {source.format} file, not the {' or '.join(formats)} data asked for"
    return _identity_problem(frame, plan)


def _identity_problem(frame: pd.DataFrame, plan: Planned) -> str:
    req: dict[str, Any] = plan.request
    wanted = req.get("hex")
    hexes = {wanted} if isinstance(wanted, str) else set(wanted or ())
    if hexes and len(frame):
        found = set(frame["icao24"].dropna().astype(str).unique())
        other = sorted(found - hexes)
        if other:
            return (f"positions of aircraft {', '.join(other[:5])}{' ...' if len(other) > 5 else ''}, "
                    f"not of {', '.join(sorted(hexes))} as asked")
    if not len(frame):
        return ""
    times = frame["time"]
    if req.get("kind") == "trace" and req.get("date"):
        day = pd.Timestamp(req["date"], tz="UTC")
        lo, hi = day - DAY_MARGIN, day + pd.Timedelta(days=1) + DAY_MARGIN
        if times.min() < lo or times.max() > hi:
            return (f"positions from {times.min():%Y-%m-%d %H:%M}Z to {times.max():%Y-%m-%d %H:%M}Z, not the UTC "
                    f"day {req['date']} asked for")
    if req.get("kind") == "track" and req.get("time"):
        asked = pd.Timestamp(int(req["time"]), unit="s", tz="UTC")
        if times.max() < asked - TRACK_MARGIN or times.min() > asked + TRACK_MARGIN:
            return (f"a track from {times.min():%Y-%m-%d %H:%M}Z to {times.max():%Y-%m-%d %H:%M}Z, not around "
                    f"{asked:%Y-%m-%d %H:%M}Z as asked")
    return ""
