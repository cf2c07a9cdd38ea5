"""Measured values as plain text for the map and report.md: a label from the key, a value with its unit.

Times, durations and distances are worded by `tracks.wording` (the one formatter every output uses); this module
only maps `measured` keys to units. Every function returns plain text; callers HTML-escape it in HTML.
"""

from __future__ import annotations

import math
from typing import Any
from zoneinfo import ZoneInfo

from tracks.wording import duration, time_both

_UNIT_SUFFIXES = (("_km", "km"), ("_nm", "NM"), ("_ft", "ft"), ("_kt", "kt"), ("_m", "m"), ("_deg", "°"))


def _is_seconds(key: str) -> bool:
    """A measured duration in seconds: 'gap_s', 'seconds', 'seconds_max'."""
    words = str(key).split("_")
    return words[-1] == "s" or "seconds" in words


def measured_label(key: str) -> str:
    """'closest_distance_km' -> 'closest distance', 'seconds_max' -> 'time max' (the unit goes with the value)."""
    name = str(key)
    for suffix in (*(u for u, _ in _UNIT_SUFFIXES), "_s"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return " ".join("time" if w == "seconds" else w for w in name.split("_") if w)


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
        if _is_seconds(k):
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
