"""Times in case files: every time says which clock it is on, and is stored as a tz-aware UTC Timestamp.

Accepted: ISO 8601 with Z or an offset, a date and time followed by an IANA zone name, or
``{local: "2025-11-28 21:10", tz: America/Caracas}`` (tz defaults to the case's `timezone:`). A naive time is
refused with a hint on how to write it; so are local times that do not exist or happen twice (DST changes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import yaml

from tracks.claims.yamlnode import Node
from tracks.schema import EARLIEST_TIME, LATEST_TIME


@dataclass(frozen=True)
class TimeRange:
    """A closed time range in UTC."""

    start: pd.Timestamp
    end: pd.Timestamp


_OFFSET_RE = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$", re.IGNORECASE)
_DATE_ONLY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
_TIME_HINT = (
    "write it with an offset (2025-11-28T21:10-04:00), with Z for UTC (2025-11-29T01:10Z), "
    "with a zone name (2025-11-28 21:10 America/Caracas), or as {local: '2025-11-28 21:10', tz: America/Caracas}"
)


def zone(name: str) -> ZoneInfo:
    """An IANA time zone by name; ValueError listing what is expected when unknown."""
    if name.upper() in ("Z", "UTC"):
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r} (expected an IANA name such as America/Caracas or UTC)") from None


def parse_time(text: str, default_tz: str | None = None) -> pd.Timestamp:
    """A time written with an offset, 'Z', or a trailing IANA zone name -> UTC Timestamp.

    `default_tz` is the zone of a time without offset (used only for times the case marks as local).
    Raises ValueError explaining how to write the time when it is naive, ambiguous or unreadable.
    """
    s = text.strip()
    zone_name = None
    parts = s.rsplit(None, 1)
    if len(parts) == 2 and ("/" in parts[1] or parts[1].upper() in ("UTC", "GMT")):
        s, zone_name = parts
    if _DATE_ONLY_RE.match(s):
        raise ValueError(f"{text!r} is a date without a time of day; {_TIME_HINT}")
    if not _DATETIME_RE.match(s):
        raise ValueError(f"cannot read {text!r} as a date and time (YYYY-MM-DD HH:MM); {_TIME_HINT}")
    try:
        ts = pd.Timestamp(s)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(f"cannot read {text!r} as a time; {_TIME_HINT}") from None
    if pd.isna(ts):
        raise ValueError(f"cannot read {text!r} as a time; {_TIME_HINT}")
    if ts.tzinfo is not None:
        if zone_name is not None:
            raise ValueError(f"{text!r} gives both an offset and a zone name; give one")
        return _plausible(text, ts.tz_convert("UTC"))
    tzname = zone_name or default_tz
    if tzname is None:
        raise ValueError(f"{text!r} has no time zone; {_TIME_HINT}")
    tz = zone(tzname)
    if not EARLIEST_TIME.year <= ts.year <= LATEST_TIME.year:  # before localising: zone rules end somewhere
        _plausible(text, None)
    try:
        local = ts.tz_localize(tz, ambiguous="raise", nonexistent="raise")
    except ValueError:  # decided by asking again, not by the error's text: a nonexistent time has no instant
        missing = pd.isna(ts.tz_localize(tz, ambiguous=True, nonexistent="NaT"))
        kind = "does not exist" if missing else "is ambiguous"
        raise ValueError(f"{text!r} {kind} in {tz.key} (a daylight-saving change); give an explicit offset") from None
    return _plausible(text, local.tz_convert("UTC"))


def _plausible(text: str, ts: pd.Timestamp | None) -> pd.Timestamp:
    """`ts` (UTC) in nanoseconds when it lies in the times tracks handles (tracks.schema), else ValueError."""
    if ts is None or not EARLIEST_TIME <= ts <= LATEST_TIME:
        raise ValueError(f"{text!r} is outside {EARLIEST_TIME:%Y-%m-%d}..{LATEST_TIME:%Y-%m-%d}, the times tracks "
                         "handles (no ADS-B export predates 1980); check the year")
    return ts.as_unit("ns")


def time_node(y: Node, default_tz: str | None) -> pd.Timestamp:
    """A time node: a string (offset / Z / zone name) or {local: ..., tz: ...}."""
    if y.is_map:
        m = y.mapping(("local", "tz"), "a time")
        if "local" not in m:
            raise y.error("a local time needs 'local' (e.g. {local: '2025-11-28 21:10', tz: America/Caracas})")
        tzname = m["tz"].text() if "tz" in m else default_tz
        if tzname is None:
            raise y.error("a local time needs 'tz' (e.g. tz: America/Caracas) or a case-level 'timezone:'")
        local = m["local"]
        text = local.text()
        if _OFFSET_RE.search(text) and not _DATE_ONLY_RE.match(text):
            raise local.error(f"{text!r} is marked local but carries an offset; drop the offset or the 'local' form")
        try:
            zone(tzname)
        except ValueError as e:
            raise m.get("tz", y).error(str(e)) from None
        try:
            return parse_time(text, default_tz=tzname)
        except ValueError as e:
            raise local.error(str(e)) from None
    if not isinstance(y.node, yaml.ScalarNode) or y.is_null:
        raise y.error(f"expected a time, got {y.describe()}; {_TIME_HINT}")
    try:
        return parse_time(str(y.node.value))
    except ValueError as e:
        raise y.error(str(e)) from None


def range_node(y: Node, default_tz: str | None, *, required: bool = True) -> TimeRange:
    m = y.mapping(("start", "end"), "a time range {start: ..., end: ...}")
    for k in ("start", "end"):
        if k not in m:
            raise y.error(f"missing '{k}'")
    t0, t1 = time_node(m["start"], default_tz), time_node(m["end"], default_tz)
    if t1 < t0:
        raise m["end"].error(f"end ({t1:%Y-%m-%dT%H:%M:%SZ}) is before start ({t0:%Y-%m-%dT%H:%M:%SZ})")
    return TimeRange(t0, t1)


def duration_node(y: Node) -> pd.Timedelta:
    hint = "expected a duration with a unit, e.g. '40 min', '1h30m', '90 s' or '00:40:00'"
    if not isinstance(y.node, yaml.ScalarNode) or y.is_null:
        raise y.error(f"{hint}, got {y.describe()}")
    v = y.value()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        raise y.error(f"{hint}, got the bare number {y.node.value}")
    text = str(y.node.value).strip()
    try:
        td = pd.Timedelta(text)
    except (ValueError, TypeError):
        raise y.error(f"{hint}, got {text!r}") from None
    if pd.isna(td) or td < pd.Timedelta(0):
        raise y.error(f"{hint} (not negative), got {text!r}")
    return td
