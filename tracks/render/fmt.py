"""Plain-text formatting of times, durations and measured values for the map (UTC plus the case's local zone).

Every function returns plain text; callers HTML-escape it where it lands in HTML.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd


def zone(name: str) -> ZoneInfo | None:
    """The IANA zone `name`, or None when empty/unknown (then only UTC is shown)."""
    if not name or name.upper() == "UTC":
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def to_utc(value: Any) -> pd.Timestamp | None:
    """A tz-aware UTC Timestamp from an ISO string / datetime / Timestamp; None when empty or unparsable."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    if ts is pd.NaT or pd.isna(ts):
        return None
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def utc_offset_label(tz: ZoneInfo, at: datetime) -> str:
    """'UTC−04:00' for `tz` at the instant `at`."""
    off = at.astimezone(tz).utcoffset()
    minutes = int(off.total_seconds() // 60) if off is not None else 0
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(tz: ZoneInfo | None, at: datetime | None = None) -> str:
    """'America/Caracas (UTC−04:00)', or '' without a zone."""
    if tz is None:
        return ""
    at = at or datetime.now(tz)
    return f"{tz.key} ({utc_offset_label(tz, at)})"


def time_utc(ts: pd.Timestamp, seconds: bool = True) -> str:
    """'29 Nov 2025 01:10:05 UTC'."""
    return ts.strftime("%d %b %Y %H:%M:%S UTC" if seconds else "%d %b %Y %H:%M UTC")


def time_local(ts: pd.Timestamp, tz: ZoneInfo | None) -> str:
    """'28 Nov 21:10 local' in `tz`, or '' without a zone."""
    if tz is None:
        return ""
    return ts.tz_convert(tz).strftime("%d %b %H:%M local")


def time_both(value: Any, tz: ZoneInfo | None) -> str:
    """'29 Nov 2025 01:10:05 UTC (28 Nov 21:10 local)'; '' when `value` is not a time."""
    ts = to_utc(value)
    if ts is None:
        return ""
    local = time_local(ts, tz)
    return f"{time_utc(ts)} ({local})" if local else time_utc(ts)


def time_short(value: Any, tz: ZoneInfo | None) -> str:
    """'01:10 UTC · 21:10 local' for permanent map labels."""
    ts = to_utc(value)
    if ts is None:
        return ""
    text = ts.strftime("%H:%M UTC")
    if tz is not None:
        text += " · " + ts.tz_convert(tz).strftime("%H:%M local")
    return text


def duration(seconds: float) -> str:
    """'45 s', '14 min', '2 h 05 min', '3 d 4 h' (seconds below 2 min, halves rounded up)."""
    if seconds is None or not math.isfinite(seconds):
        return "?"
    s = math.floor(seconds + 0.5)
    if s < 120:
        return f"{s} s"
    m = (s + 30) // 60
    if m < 120:
        return f"{m} min"
    h, m = divmod(m, 60)
    if h < 48:
        return f"{h} h {m:02d} min"
    d, h = divmod(h, 24)
    return f"{d} d {h} h"


_UNIT_SUFFIXES = (("_km", "km"), ("_nm", "NM"), ("_ft", "ft"), ("_kt", "kt"), ("_m", "m"), ("_deg", "°"))


def measured_label(key: str) -> str:
    """'closest_distance_km' -> 'closest distance' (the unit goes with the value)."""
    name = str(key)
    for suffix in (*(u for u, _ in _UNIT_SUFFIXES), "_s"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return name.replace("_", " ").strip()


def measured_value(key: str, value: Any, tz: ZoneInfo | None) -> str:
    """A measured value as text with its unit, inferred from the key's suffix (`_km`, `_s`, ...) or its type."""
    k = str(key)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        v = float(value)
        if not math.isfinite(v):
            return "—"
        if k.endswith("_s"):
            return duration(v)
        for suffix, unit in _UNIT_SUFFIXES:
            if k.endswith(suffix):
                digits = 0 if unit in ("ft", "kt", "m") else (2 if abs(v) < 10 else 1)
                return f"{v:,.{digits}f} {unit}"
        return f"{v:,.3g}" if isinstance(value, float) else f"{value:,}"
    if isinstance(value, str):
        if _looks_like_time(value):
            return time_both(value, tz) or value
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(measured_value(k, v, tz) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{measured_label(a)}: {measured_value(a, b, tz)}" for a, b in value.items())
    return str(value)


def _looks_like_time(text: str) -> bool:
    return len(text) >= 16 and text[4:5] == "-" and text[7:8] == "-" and text[10:11] in ("T", " ")
