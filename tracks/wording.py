"""How `tracks` words times, durations, distances and heights: one place for every sentence, note and label.

A leg note ("inside a gap of 8 h 24 min"), a verdict ("a 8 h 24 min coverage gap"), the report and the map
say the same thing because they all call these functions. Everything returns plain text; callers escape it
where it lands in HTML. Times are UTC (tz-aware); local times are the case's IANA zone, shown next to UTC.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

# -- durations ---------------------------------------------------------------------------------------------------


def duration(seconds: float | None) -> str:
    """'0.2 s', '45 s', '119 s', '14 min', '1 h 05 min', '3 d 4 h' (seconds below 2 min, a tenth below 10 s when
    not whole; halves rounded up); '?' if unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "?"
    if abs(seconds) < 9.95 and abs(seconds - round(seconds)) >= 0.05:
        return f"{seconds:.1f} s"  # two samples 0.2 s apart are not '0 s' apart
    s = math.floor(seconds + 0.5)
    if s < 120:
        return f"{s} s"
    m = (s + 30) // 60
    if m < 60:
        return f"{m} min"
    h, m = divmod(m, 60)
    if h < 48:
        return f"{h} h {m:02d} min"
    d, h = divmod(h, 24)
    return f"{d} d {h} h"


def a_an(words: str) -> str:
    """'a 10 min', 'an 8 h 24 min', 'an 11 min', 'an 18 s': the article as the number is spoken."""
    number = words.split(" ", 1)[0]
    return f"{'an' if number.startswith('8') or number in ('11', '18') else 'a'} {words}"


# -- distances and heights ---------------------------------------------------------------------------------------

#: Decimals (km) at which distances are compared with a tolerance: metres, as `measured` stores them.
COMPARE_DECIMALS = 3


def km(d: float) -> str:
    """'12.3 km' (one decimal below 100 km, none above); 'an unknown distance' for NaN."""
    if not math.isfinite(d):
        return "an unknown distance"
    return f"{d:.1f} km" if d < 100 else f"{d:,.0f} km"


def km_pair(a: float, b: float) -> tuple[str, str]:
    """Two distances worded with the same, fewest decimals (from `km`'s one) that still tell them apart:
    ('5.79 km', '5.80 km') rather than a contradictory ('5.8 km', '5.8 km'); up to metres."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return km(a), km(b)
    decimals = 1 if max(a, b) < 100 else 0
    while decimals < COMPARE_DECIMALS and round(a, decimals) == round(b, decimals) and \
            round(a, COMPARE_DECIMALS) != round(b, COMPARE_DECIMALS):
        decimals += 1
    return f"{a:.{decimals}f} km", f"{b:.{decimals}f} km"


def at_most(d: float, limit: float) -> bool:
    """`d <= limit` at the precision distances are stored and worded with (metres): never '5.80 km is within
    the 5.80 km accuracy' one way and the opposite the other."""
    return round(d, COMPARE_DECIMALS) <= round(limit, COMPARE_DECIMALS)


def feet(a: float) -> str:
    """'3,100 ft' (rounded to 100 ft; below 1,000 ft to 50 ft); 'unknown altitude' for NaN."""
    if not np.isfinite(a):
        return "unknown altitude"
    step = 50 if abs(a) < 1000 else 100
    return f"{round(a / step) * step:,.0f} ft"


def height_above_airport(h: float) -> str:
    """'600 ft above the airport', or 'at about the airport's elevation' below 50 ft (altitude errors)."""
    if not np.isfinite(h):
        return "at an unknown height"
    return f"{feet(h)} above the airport" if h >= 50 else "at about the airport's elevation"


def latlon(lat: float, lon: float) -> str:
    """'4.555°N 61.150°W'."""
    return f"{abs(lat):.3f}°{'N' if lat >= 0 else 'S'} {abs(lon):.3f}°{'E' if lon >= 0 else 'W'}"


# -- times -------------------------------------------------------------------------------------------------------


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone `name`, or None when empty, UTC or unknown (then only UTC is shown)."""
    if not name or name.upper() in ("UTC", "Z"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def to_utc(value: Any) -> pd.Timestamp | None:
    """A tz-aware UTC Timestamp from an ISO string / datetime / Timestamp (naive = UTC); None when empty or
    unparsable."""
    if value is None or (isinstance(value, str) and value == "") or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    if ts is pd.NaT or pd.isna(ts):
        return None
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def clock(t: pd.Timestamp, with_date: bool = False) -> str:
    """'01:09Z', or '29 Nov 01:09Z' with the date (UTC, minutes truncated): leg and event sentences."""
    if pd.isna(t):
        return "unknown time"
    t = pd.Timestamp(t).tz_convert("UTC")
    return t.strftime("%d %b %H:%MZ").lstrip("0") if with_date else t.strftime("%H:%MZ")


def when(ts: Any, timezone: str | None = "UTC", *, seconds: bool = False) -> str:
    """'29 Nov 2025 01:10Z (28 Nov 21:10 America/Caracas)': UTC first, then the case's local time (verdicts,
    reports)."""
    t = to_utc(ts)
    if t is None:
        return "an unknown time"
    fmt = "%H:%M:%S" if seconds else "%H:%M"
    text = f"{t.day} {t.strftime('%b %Y ' + fmt)}Z"
    tz = zone(timezone)
    if tz is not None:
        local = t.tz_convert(tz)
        text += f" ({local.day} {local.strftime('%b ' + fmt)} {timezone})"
    return text


def day_ranges(days: list[str]) -> str:
    """ISO days ('2025-11-01', ...) as runs of consecutive days: '2025-11-01..2025-11-05 (5 days), 2025-11-09'."""
    if not days:
        return ""
    ordinals = np.array(sorted({pd.Timestamp(d).toordinal() for d in days}))
    breaks = np.flatnonzero(np.diff(ordinals) != 1) + 1
    runs = []
    for run in np.split(ordinals, breaks):
        first, last = (datetime.fromordinal(int(x)).date().isoformat() for x in (run[0], run[-1]))
        runs.append(first if len(run) == 1 else f"{first}..{last} ({len(run):,} days)")
    return ", ".join(runs)


def retrieved(url: str, retrieved_at: str = "") -> str:
    """'retrieved from https://example.org/t.json on 1 Dec 2025 10:00:00Z': where and when `tracks fetch` got an
    archived file (report.md's sources, the map's footer); '' when neither is known. Plain text: callers escape
    it, and show the URL as text, never as a link (it comes from someone else's server)."""
    t = to_utc(retrieved_at)
    parts = [f"from {url}" if url else "",
             f"on {when(t, None, seconds=True)}" if t is not None else (f"on {retrieved_at}" if retrieved_at else "")]
    return " ".join(["retrieved", *(p for p in parts if p)]) if any(parts) else ""


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
    """'29 Nov 2025 01:10:05 UTC' (the map)."""
    return ts.strftime("%d %b %Y %H:%M:%S UTC" if seconds else "%d %b %Y %H:%M UTC")


def time_local(ts: pd.Timestamp, tz: ZoneInfo | None) -> str:
    """'28 Nov 21:10 local' in `tz`, or '' without a zone (the map)."""
    if tz is None:
        return ""
    return ts.tz_convert(tz).strftime("%d %b %H:%M local")


def time_both(value: Any, tz: ZoneInfo | None) -> str:
    """'29 Nov 2025 01:10:05 UTC (28 Nov 21:10 local)'; '' when `value` is not a time (the map)."""
    ts = to_utc(value)
    if ts is None:
        return ""
    local = time_local(ts, tz)
    return f"{time_utc(ts)} ({local})" if local else time_utc(ts)


def time_short(value: Any, tz: ZoneInfo | None) -> str:
    """'01:10 UTC · 21:10 local' (permanent map labels)."""
    ts = to_utc(value)
    if ts is None:
        return ""
    text = ts.strftime("%H:%M UTC")
    if tz is not None:
        text += " · " + ts.tz_convert(tz).strftime("%H:%M local")
    return text
