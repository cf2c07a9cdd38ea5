"""Column mapping for generic tables (CSV, Parquet, GeoJSON point properties) -> canonical columns.

Names are recognised after normalising (lower case, runs of other characters -> '_': "Altitude (ft)" ->
"altitude_ft"). A unit is taken from a column name only when the name says it (alt_ft, altitude_m,
speed_kmh, vrate_fpm); an altitude column without a unit needs ``alt_unit="ft"`` or ``"m"`` (or an explicit
mapping), and speed / vertical-rate columns without a unit are ignored (and listed in the source note),
because guessing a unit would silently scale the data. ``columns={"MyLat": "lat", "Alt": "alt_baro_m",
"junk": None}`` maps (or ignores) columns explicitly; see TARGETS for the names it accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracks import schema
from tracks.errors import TrackFormatError
from tracks.formats._tabular import (
    Rejections,
    check_icao_option,
    icao_text,
    mask,
    per_unique,
    squawk_text,
    text_column,
    to_number,
)
from tracks.formats._timeparse import clean_text, to_utc
from tracks.units import M_PER_FT, M_PER_MI, M_PER_NM

_ONE = (1.0, 1.0)

#: Mapping targets: name -> (canonical column, (multiplier, divisor) to the canonical unit, exact ratios of
#: tracks.units' lengths: m -> ft is x * 1 / M_PER_FT, as units.m_to_ft); None = not numeric.
TARGETS: dict[str, tuple[str, tuple[float, float] | None]] = {
    "time": ("time", None), "lat": ("lat", _ONE), "lon": ("lon", _ONE),
    "icao24": ("icao24", None), "callsign": ("callsign", None), "registration": ("registration", None),
    "squawk": ("squawk", None), "source": ("source", None),
    "on_ground": ("on_ground", None), "stale": ("stale", None), "new_leg": ("new_leg", None),
    "alt_baro_ft": ("alt_baro_ft", _ONE), "alt_baro_m": ("alt_baro_ft", (1.0, M_PER_FT)),
    "alt_geom_ft": ("alt_geom_ft", _ONE), "alt_geom_m": ("alt_geom_ft", (1.0, M_PER_FT)),
    "gs_kt": ("gs_kt", _ONE), "gs_ms": ("gs_kt", (3600.0, M_PER_NM)), "gs_kmh": ("gs_kt", (1000.0, M_PER_NM)),
    "gs_mph": ("gs_kt", (M_PER_MI, M_PER_NM)),
    "track_deg": ("track_deg", _ONE),
    "vrate_fpm": ("vrate_fpm", _ONE), "vrate_ms": ("vrate_fpm", (60.0, M_PER_FT)),
}

# Recognised names, in priority order (the first present wins; the others are listed as ignored).
_NAMES: dict[str, tuple[str, ...]] = {
    "time": ("time", "timestamp", "datetime", "date_time", "utc", "time_utc", "timestamp_utc", "datetime_utc",
             "utc_time", "when"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "icao24": ("icao24", "icao", "hex", "icao_hex", "icao24_hex", "modes", "mode_s", "mode_s_hex"),
    "callsign": ("callsign", "call_sign", "flight", "ident"),
    "registration": ("registration", "reg", "tail", "tail_number"),
    "squawk": ("squawk",),
    "source": ("source",),
    "on_ground": ("on_ground", "onground", "ground"),
    "stale": ("stale",),
    "new_leg": ("new_leg",),
    "track_deg": ("track_deg", "track", "heading", "course", "direction", "true_track"),
}
_ALT = re.compile(r"^(?P<base>alt|altitude|alt_baro|baro_alt|baro_altitude|baroaltitude|alt_geom|geom_alt|geo_alt|"
                  r"geoaltitude|geo_altitude|gps_alt|gps_altitude|gnss_alt|gnss_altitude|ele|elevation|height)"
                  r"(?:_(?P<unit>ft|feet|m|meters|metres))?$")
_SPEED = re.compile(r"^(?:gs|speed|ground_speed|groundspeed|velocity|spd)(?:_(?P<unit>kt|kts|knots|ms|m_s|kmh|km_h|kph|mph))?$")
_VRATE = re.compile(r"^(?:vrate|vertical_rate|vertrate|vs|vspeed|vertical_speed|climb_rate|rate)"
                    r"(?:_(?P<unit>fpm|ft_min|ms|m_s))?$")
_SPEED_UNITS = {"kt": "gs_kt", "kts": "gs_kt", "knots": "gs_kt", "ms": "gs_ms", "m_s": "gs_ms",
                "kmh": "gs_kmh", "km_h": "gs_kmh", "kph": "gs_kmh", "mph": "gs_mph"}
_VRATE_UNITS = {"fpm": "vrate_fpm", "ft_min": "vrate_fpm", "ms": "vrate_ms", "m_s": "vrate_ms"}
_PROVENANCE = {"file", "record"}  # our own provenance columns: this file is the provenance now
_TRUE = {"true", "t", "yes", "y", "1", "-1"}
_FALSE = {"false", "f", "no", "n", "0"}


def normalise(name: str) -> str:
    """'Altitude (ft)' -> 'altitude_ft'."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).lower()).strip("_")


@dataclass
class Plan:
    """Which source column feeds which target, and what was left out (for the source note)."""

    use: dict[str, str] = field(default_factory=dict)  # target -> source column
    ignored: list[str] = field(default_factory=list)  # "name (why)"

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(self.use.values()))

    def note(self) -> str:
        used = ", ".join(f"{src}->{tgt}" for tgt, src in self.use.items())
        text = f"columns used: {used}"
        return text + (f"; not used: {', '.join(self.ignored)}" if self.ignored else "")


def plan_columns(
    names: list[str],
    *,
    path: str,
    columns: dict[str, str | None] | None = None,
    alt_unit: str | None = None,
    fixed: dict[str, str] | None = None,
) -> Plan:
    """Decide the mapping for a table with column `names`. `fixed` (target -> column) is set by the format."""
    plan = Plan(use=dict(fixed or {}))
    explicit = dict(columns or {})
    by_lower = {str(n).lower(): n for n in names}
    taken = set(plan.use.values())
    for src, tgt in explicit.items():
        col = src if src in names else by_lower.get(str(src).lower())
        if col is None:
            raise TrackFormatError(path, f"columns option names {src!r}, which is not in the file", where="header",
                                   expected=f"one of {[str(n) for n in names][:40]}")
        taken.add(col)
        if tgt is None or tgt == "":
            plan.ignored.append(f"{col} (columns option)")
            continue
        if tgt not in TARGETS:
            raise TrackFormatError(path, f"columns option maps {src!r} to unknown target {tgt!r}", where="options",
                                   expected=f"one of {sorted(TARGETS)} or None")
        if tgt in plan.use:
            raise TrackFormatError(path, f"columns option maps both {plan.use[tgt]!r} and {col!r} to {tgt!r}",
                                   where="options", expected="one column per target")
        plan.use[tgt] = col
    if alt_unit not in (None, "ft", "m"):
        raise TrackFormatError(path, f"alt_unit {alt_unit!r} not understood", where="options", expected="'ft' or 'm'")
    auto: dict[str, list[str]] = {}
    for n in names:
        if n in taken:
            continue
        key = normalise(n)
        target = _auto_target(key, alt_unit)
        if key in _PROVENANCE:
            plan.ignored.append(f"{n} (provenance of another file)")
        elif target is None:
            why = _why_not(key)
            if why:
                plan.ignored.append(f"{n} ({why})")
        elif isinstance(target, TrackFormatError):
            raise TrackFormatError(path, target.problem, where=f"column {n!r}",
                                   expected=f"alt_unit='ft' or 'm', or columns={{{n!r}: 'alt_baro_ft'}} (or None)")
        else:
            auto.setdefault(target, []).append(n)
    for target, cols in auto.items():
        canon = TARGETS[target][0]
        if canon in {TARGETS[t][0] for t in plan.use}:
            plan.ignored += [f"{c} ({canon} already mapped)" for c in cols]
            continue
        cols = sorted(cols, key=lambda c: _rank(normalise(c), target))
        plan.use[target] = cols[0]
        plan.ignored += [f"{c} (another column gives {canon})" for c in cols[1:]]
    return plan


def _rank(key: str, target: str) -> int:
    names = _NAMES.get(target, ())
    return names.index(key) if key in names else len(names)


def _auto_target(key: str, alt_unit: str | None) -> str | TrackFormatError | None:
    if key in TARGETS:
        return key
    for target, names in _NAMES.items():
        if key in names:
            return target
    m = _ALT.match(key)
    if m:
        base, unit = m.group("base"), m.group("unit")
        ref = "geom" if any(s in base for s in ("geo", "gps", "gnss", "ele", "height")) else "baro"
        unit = {"feet": "ft", "meters": "m", "metres": "m"}.get(unit or "", unit) or alt_unit
        if unit is None:
            return TrackFormatError("", f"the altitude column's name does not say its unit ({key!r})")
        return f"alt_{ref}_{unit}"
    m = _SPEED.match(key)
    if m and m.group("unit"):
        return _SPEED_UNITS[m.group("unit")]
    m = _VRATE.match(key)
    if m and m.group("unit"):
        return _VRATE_UNITS[m.group("unit")]
    return None


def _why_not(key: str) -> str:
    if _SPEED.match(key):
        return "speed without a unit in its name; use columns={..: 'gs_kt'|'gs_ms'|'gs_kmh'}"
    if _VRATE.match(key):
        return "vertical rate without a unit in its name; use columns={..: 'vrate_fpm'|'vrate_ms'}"
    return ""


def apply_plan(
    frame: pd.DataFrame,
    plan: Plan,
    *,
    path: str,
    records: np.ndarray,
    tz: str | None = None,
    time_unit: str | None = None,
    icao24: str | None = None,
    callsign: str | None = None,
) -> tuple[pd.DataFrame, Rejections]:
    """Convert the planned columns to canonical ones; values that cannot be read give reasons, never guesses."""
    for need in ("lat", "lon", "time"):
        if need not in plan.use:
            names = [str(c) for c in frame.columns][:40]
            raise TrackFormatError(path, f"no {need} column found", where="header",
                                   expected=f"a column named like {_NAMES[need][:4]}, or columns={{'<name>': '{need}'}}; "
                                   f"the file has {names}")
    n = len(frame)
    rej = Rejections(n)
    out: dict[str, object] = {}
    hexid = check_icao_option(path, icao24)
    for target, src in plan.use.items():
        values = frame[src].reset_index(drop=True)
        canon, factor = TARGETS[target]
        if canon == "time":
            naive_utc = "utc" in normalise(src).split("_")  # the name says the times are UTC
            t, reasons = to_utc(values, path=path, column=str(src), tz=tz, time_unit=time_unit,
                                naive_is_utc=naive_utc and tz is None, records=records)
            rej.add_reasons(reasons)
            out["time"] = t
        elif factor is not None:
            v, bad = to_number(values)
            rej.add(bad, f"unreadable {src} (expected a number)")
            mul, div = factor
            out[canon] = v * mul / div if factor != _ONE else v
        elif canon == "icao24":
            h = icao_text(values)
            rej.add(text_column(values).notna().to_numpy() & h.isna().to_numpy(),
                    f"unreadable {src} (expected 6 hex digits)")
            out[canon] = h
        elif canon == "squawk":
            out[canon] = squawk_text(values)
        elif canon in ("callsign", "registration"):
            out[canon] = text_column(values)
        elif canon == "source":
            out[canon] = per_unique(values, _sources)
        else:  # on_ground, stale, new_leg
            b, bad = _booleans(values)
            rej.add(bad, f"unreadable {src} (expected true/false)")
            out[canon] = b if canon == "on_ground" else b.fillna(False).astype(bool)
    if "icao24" not in out and hexid:
        out["icao24"] = hexid
    if callsign and "callsign" not in out:
        out["callsign"] = str(callsign).strip()
    result = pd.DataFrame(out, index=pd.RangeIndex(n)) if n else pd.DataFrame({k: [] for k in out})
    if "icao24" in result and result["icao24"].isna().any():
        result["icao24"] = result["icao24"].fillna(hexid or schema.UNKNOWN_ICAO24)
    return result, rej


def _booleans(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean"), np.zeros(len(values), dtype=bool)
    text = clean_text(values.astype("string")).str.lower().str.replace(r"\.0$", "", regex=True)
    true, false = mask(text.isin(_TRUE)), mask(text.isin(_FALSE))
    out = pd.array(np.where(true, True, np.where(false, False, None)), dtype="boolean")
    return pd.Series(out), text.notna().to_numpy() & ~true & ~false


def _sources(values: pd.Series) -> pd.Series:
    text = clean_text(values.astype("string")).str.lower().str.replace(r"[-_ ]", "", regex=True)
    known = {s: s for s in schema.SOURCE_TYPES} | {"modes": "modes", "adsbicao": "adsb", "tisbicao": "tisb"}
    mapped = text.map(known)
    return mapped.where(mapped.notna(), np.where(mask(text.notna()), "other", "unknown")).astype(object)
