"""The case file: an article's claims about one aircraft, written in YAML (docs/case-format.md).

`load_case(path)` reads and validates a case file and returns a `Case`. Every mistake raises
`CaseFileError` naming the file, the line and the key path, e.g.
``case.yaml:41: claims[2].test.approached.within_km: expected a number, got 'ten'``.
Line numbers come from YAML's node marks (`yaml.compose`), so values are read from the node tree, never
from a plain `yaml.safe_load` dict. Times are parsed here once and stored as tz-aware UTC Timestamps;
a time without an offset or a zone is refused with a hint on how to write it.
"""

from __future__ import annotations

import difflib
import glob
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import yaml

from tracks.errors import CaseFileError

# -- the model -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """Where the claims were published. All fields are plain text ('' when not given)."""

    publisher: str = ""
    title: str = ""
    url: str = ""
    published: str = ""  # as written: a date (2025-11-30) or a time
    language: str = ""


@dataclass(frozen=True)
class Aircraft:
    """The aircraft the claims are about; at least `icao24` or `registration` is given."""

    icao24: str = ""  # lowercase 6 hex digits
    registration: str = ""
    callsign: str = ""
    type: str = ""

    @property
    def label(self) -> str:
        """A short human label: 'YV2984 (0d8373)'."""
        if self.registration and self.icao24:
            return f"{self.registration} ({self.icao24})"
        return self.registration or self.icao24


@dataclass(frozen=True)
class Window:
    """The time window the case is about, as UTC Timestamps (start <= end)."""

    start: pd.Timestamp
    end: pd.Timestamp


@dataclass(frozen=True)
class RegionRef:
    """A region named by a claim, resolved by the engine against tracks.geo.regions.

    kind is "code" (args: code), "border" (args: a, b), "territorial_sea" (args: code, nm) or
    "circle" (args: lat, lon, radius_km).
    """

    kind: str
    args: tuple[Any, ...]

    @property
    def label(self) -> str:
        """The text used in sentences and report tables: 'BR', 'border:VE|BR-RR', 'VE-sea-12nm'."""
        if self.kind == "code":
            return str(self.args[0])
        if self.kind == "border":
            return f"border:{self.args[0]}|{self.args[1]}"
        if self.kind == "territorial_sea":
            return f"{self.args[0]}-sea-{self.args[1]:g}nm"
        lat, lon, r = self.args
        return f"circle({lat:.4f},{lon:.4f},{r:g}km)"


@dataclass(frozen=True)
class TimeRange:
    """A closed time range in UTC."""

    start: pd.Timestamp
    end: pd.Timestamp


@dataclass(frozen=True)
class Claim:
    """One claim: what the article says (`quote`) and the test that checks it.

    `params` holds validated, typed values (Timestamps in UTC, Timedeltas, RegionRef, floats, tuples);
    `lines` maps each parameter name to its line in the case file, for errors raised later by the engine.
    """

    id: str
    quote: str
    predicate: str
    params: Mapping[str, Any]
    source: str = ""
    after: str = ""
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=dict)
    index: int = 0  # position in the case file's claims list

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Claim ids that must be evaluated first (`after` and a sequence's members)."""
        deps = list(self.params.get("claims", ())) if self.predicate == "sequence" else []
        if self.after:
            deps.insert(0, self.after)
        return tuple(deps)


@dataclass(frozen=True)
class TrackSpec:
    """One `tracks:` entry: files matched by a path or glob relative to the case file."""

    pattern: str
    files: tuple[str, ...]
    format: str | None = None
    line: int = 0
    url: str = ""  # archived fetches: where the bytes came from
    retrieved_at: str = ""  # archived fetches: when (ISO 8601 UTC)


@dataclass(frozen=True)
class Settings:
    """Analysis settings a case may override (`settings:` key)."""

    max_gap_s: float = 60.0  # a segment longer than this is a coverage gap (tracks.segments)
    max_speed_kt: float | None = None  # reachability speed bound; None = the reachability module's default


@dataclass(frozen=True)
class Case:
    """A validated case file."""

    path: str
    title: str
    article: Article
    aircraft: Aircraft
    window: Window
    timezone: str  # IANA zone for local times in sentences ("UTC" when not given)
    tracks: tuple[TrackSpec, ...]
    claims: tuple[Claim, ...]
    regions: tuple[str, ...] = ()  # user region files, absolute paths
    traffic: tuple[TrackSpec, ...] = ()  # multi-aircraft files for traffic_count (default: `tracks`)
    settings: Settings = field(default_factory=Settings)
    description: str = ""

    @property
    def directory(self) -> Path:
        return Path(self.path).resolve().parent

    def claim(self, claim_id: str) -> Claim:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(claim_id)

    @property
    def track_files(self) -> tuple[str, ...]:
        return tuple(f for spec in self.tracks for f in spec.files)


# -- located YAML --------------------------------------------------------------------------------------------

_SAFE = yaml.SafeLoader("")


class _Y:
    """A YAML node with its key path, so that every error can name file, line and key."""

    def __init__(self, node: yaml.Node, key: str, file: str, key_node: yaml.Node | None = None) -> None:
        self.node = node
        self.key = key
        self.file = file
        self.key_node = key_node  # the mapping key this value belongs to, for errors about the key itself

    def key_error(self, problem: str) -> CaseFileError:
        """An error located at this value's key (unknown or misplaced names)."""
        line = self.key_node.start_mark.line + 1 if self.key_node is not None else self.line
        return CaseFileError(self.file, problem, line=line, key=self.key or None)

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def error(self, problem: str) -> CaseFileError:
        return CaseFileError(self.file, problem, line=self.line, key=self.key or None)

    def child(self, node: yaml.Node, key: str) -> _Y:
        sep = "" if not self.key or key.startswith("[") else "."
        return _Y(node, f"{self.key}{sep}{key}", self.file)

    # kinds
    @property
    def is_map(self) -> bool:
        return isinstance(self.node, yaml.MappingNode)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.node, yaml.SequenceNode)

    @property
    def is_null(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.node.tag == "tag:yaml.org,2002:null"

    def describe(self) -> str:
        if self.is_map:
            return "a mapping"
        if self.is_seq:
            return "a list"
        if self.is_null:
            return "nothing"
        return repr(self.node.value)

    def value(self) -> Any:
        """The plain Python value of a scalar (int, float, bool, str, date, None)."""
        if not isinstance(self.node, yaml.ScalarNode):
            raise self.error(f"expected a single value, got {self.describe()}")
        return _SAFE.construct_object(self.node, deep=True)

    def mapping(self, known: tuple[str, ...] | None = None, what: str = "a mapping") -> dict[str, _Y]:
        """The children of a mapping by key; rejects duplicate keys and (when `known` is given) unknown keys."""
        if not self.is_map:
            raise self.error(f"expected {what}, got {self.describe()}")
        out: dict[str, _Y] = {}
        for knode, vnode in self.node.value:
            kval = _SAFE.construct_object(knode, deep=True) if isinstance(knode, yaml.ScalarNode) else None
            if not isinstance(kval, (str, int, float)) or isinstance(kval, bool):
                raise _Y(knode, self.key, self.file).error(f"expected a text key, got {_Y(knode, '', '').describe()}")
            k = str(kval)
            child = self.child(vnode, k)
            child.key_node = knode
            if k in out:
                raise _Y(knode, child.key, self.file).error(
                    f"duplicate key {k!r} (first given on line {out[k].line})"
                )
            if known is not None and k not in known:
                raise _Y(knode, child.key, self.file).error(_unknown(k, known, "key"))
            out[k] = child
        return out

    def items(self) -> list[_Y]:
        if not self.is_seq:
            raise self.error(f"expected a list, got {self.describe()}")
        return [self.child(n, f"[{i}]") for i, n in enumerate(self.node.value)]

    # typed values
    def text(self, allow_empty: bool = False) -> str:
        v = self.value()
        if v is None or isinstance(v, (list, dict)):
            raise self.error(f"expected text, got {self.describe()}")
        s = str(self.node.value).strip()  # as written: dates and numbers stay exactly as typed
        if not s and not allow_empty:
            raise self.error("expected text, got an empty value")
        return s

    def number(self, *, minimum: float | None = None, positive: bool = False) -> float:
        v = self.value() if isinstance(self.node, yaml.ScalarNode) else None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
            raise self.error(f"expected a number, got {self.describe()}")
        x = float(v)
        if positive and x <= 0:
            raise self.error(f"expected a number greater than 0, got {self.node.value}")
        if minimum is not None and x < minimum:
            raise self.error(f"expected a number >= {minimum:g}, got {self.node.value}")
        return x


def _unknown(name: str, known: tuple[str, ...] | list[str], what: str) -> str:
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown {what} {name!r}{hint} (known: {', '.join(known)})"


# -- times ---------------------------------------------------------------------------------------------------

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
        return ts.tz_convert("UTC")
    tzname = zone_name or default_tz
    if tzname is None:
        raise ValueError(f"{text!r} has no time zone; {_TIME_HINT}")
    tz = zone(tzname)
    try:
        return ts.tz_localize(tz, ambiguous="raise", nonexistent="raise").tz_convert("UTC")
    except ValueError as e:
        kind = "does not exist" if "nonexistent" in str(e) else "is ambiguous"
        raise ValueError(f"{text!r} {kind} in {tz.key} (a daylight-saving change); give an explicit offset") from None


def _time(y: _Y, default_tz: str | None) -> pd.Timestamp:
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


def _range(y: _Y, default_tz: str | None, *, required: bool = True) -> TimeRange:
    m = y.mapping(("start", "end"), "a time range {start: ..., end: ...}")
    for k in ("start", "end"):
        if k not in m:
            raise y.error(f"missing '{k}'")
    t0, t1 = _time(m["start"], default_tz), _time(m["end"], default_tz)
    if t1 < t0:
        raise m["end"].error(f"end ({t1:%Y-%m-%dT%H:%M:%SZ}) is before start ({t0:%Y-%m-%dT%H:%M:%SZ})")
    return TimeRange(t0, t1)


def _duration(y: _Y) -> pd.Timedelta:
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


# -- parameter kinds -----------------------------------------------------------------------------------------


def _p_number(y: _Y, ctx: _Ctx) -> float:
    return y.number()


def _p_km(y: _Y, ctx: _Ctx) -> float:
    return y.number(minimum=0.0)


def _p_positive(y: _Y, ctx: _Ctx) -> float:
    return y.number(positive=True)


def _p_time(y: _Y, ctx: _Ctx) -> pd.Timestamp:
    return _time(y, ctx.timezone)


def _p_duration(y: _Y, ctx: _Ctx) -> pd.Timedelta:
    return _duration(y)


_AIRPORT_RE = re.compile(r"^[A-Z0-9]{3,4}$")


def _p_airports(y: _Y, ctx: _Ctx) -> tuple[str, ...]:
    items = y.items() if y.is_seq else [y]
    if not items:
        raise y.error("expected at least one airport code")
    codes = []
    for it in items:
        code = it.text().upper()
        if not _AIRPORT_RE.match(code):
            raise it.error(f"expected an ICAO (SVMI) or IATA (CCS) airport code, got {it.node.value!r}")
        codes.append(code)
    return tuple(codes)


def _p_point(y: _Y, ctx: _Ctx) -> tuple[float, float]:
    """[lat, lon] or {lat: ..., lon: ...}, degrees WGS84."""
    if y.is_seq:
        items = y.items()
        if len(items) != 2:
            raise y.error(f"expected a point [lat, lon], got a list of {len(items)}")
        lat, lon = items[0].number(), items[1].number()
        ylat, ylon = items
    else:
        m = y.mapping(("lat", "lon"), "a point [lat, lon] or {lat: ..., lon: ...}")
        for k in ("lat", "lon"):
            if k not in m:
                raise y.error(f"a point needs '{k}'")
        ylat, ylon = m["lat"], m["lon"]
        lat, lon = ylat.number(), ylon.number()
    if not -90 <= lat <= 90:
        raise ylat.error(f"latitude must be within -90..90, got {lat:g}")
    if not -180 <= lon <= 180:
        raise ylon.error(f"longitude must be within -180..180, got {lon:g}")
    return (lat, lon)


_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:|-]*$")


def _code(y: _Y) -> str:
    code = y.text()
    if not _CODE_RE.match(code):
        raise y.error(f"expected a region code such as VE, BR-RR or a user region's name, got {code!r}")
    return code


def _p_border(y: _Y, ctx: _Ctx) -> RegionRef:
    items = y.items() if y.is_seq else []
    if len(items) != 2:
        raise y.error(f"expected two region codes [A, B] (e.g. [VE, BR-RR]), got {y.describe()}")
    a, b = _code(items[0]), _code(items[1])
    if a == b:
        raise y.error(f"a border needs two different regions, got [{a}, {b}]")
    return RegionRef("border", (a, b))


def _p_region(y: _Y, ctx: _Ctx) -> RegionRef:
    """A region code (BR), {border: [A, B]}, {territorial_sea: VE, nm: 12} or {circle: [lat, lon], radius_km: r}."""
    if isinstance(y.node, yaml.ScalarNode) and not y.is_null:
        return RegionRef("code", (_code(y),))
    m = y.mapping(_REGION_FORMS, "a region: a code (BR), {border: [A, B]}, {territorial_sea: VE} or {circle: ..., radius_km: ...}")
    if "border" in m:
        _only(y, m, ("border",))
        return _p_border(m["border"], ctx)
    if "territorial_sea" in m:
        _only(y, m, ("territorial_sea", "nm"))
        nm = m["nm"].number(positive=True) if "nm" in m else 12.0
        return RegionRef("territorial_sea", (_code(m["territorial_sea"]), nm))
    if "circle" in m:
        _only(y, m, ("circle", "radius_km"))
        if "radius_km" not in m:
            raise y.error("a circle needs 'radius_km'")
        lat, lon = _p_point(m["circle"], ctx)
        return RegionRef("circle", (lat, lon, m["radius_km"].number(positive=True)))
    raise y.error("expected a region: a code (BR), {border: [A, B]}, {territorial_sea: VE} or {circle: [lat, lon], radius_km: r}")


_REGION_FORMS = ("border", "territorial_sea", "nm", "circle", "radius_km")


def _is_region_form(y: _Y) -> bool:
    """True when a mapping is itself a region ({territorial_sea: VE}, {circle: ..., radius_km: ...})."""
    keys = [k.value for k, _ in y.node.value if isinstance(k, yaml.ScalarNode)]
    return bool(keys) and all(k in _REGION_FORMS for k in keys)


def _only(y: _Y, m: dict[str, _Y], allowed: tuple[str, ...]) -> None:
    extra = [k for k in m if k not in allowed]
    if extra:
        raise m[extra[0]].error(f"'{extra[0]}' does not go with '{allowed[0]}'")


def _p_range(y: _Y, ctx: _Ctx) -> TimeRange:
    return _range(y, ctx.timezone)


def _p_duration_range(y: _Y, ctx: _Ctx) -> tuple[pd.Timedelta | None, pd.Timedelta | None]:
    m = y.mapping(("at_least", "at_most"), "{at_least: <duration>, at_most: <duration>}")
    if not m:
        raise y.error("give 'at_least', 'at_most' or both")
    lo = _duration(m["at_least"]) if "at_least" in m else None
    hi = _duration(m["at_most"]) if "at_most" in m else None
    if lo is not None and hi is not None and hi < lo:
        raise m["at_most"].error("at_most is shorter than at_least")
    return (lo, hi)


def _p_claim_ids(y: _Y, ctx: _Ctx) -> tuple[str, ...]:
    items = y.items()
    if len(items) < 2:
        raise y.error(f"expected a list of at least two claim ids, got {y.describe()}")
    ids = tuple(it.text() for it in items)
    for it, cid in zip(items, ids, strict=True):
        ctx.refs.append((cid, it))
    return ids


def _choice(*options: str) -> Callable[[_Y, _Ctx], str]:
    def parse(y: _Y, ctx: _Ctx) -> str:
        v = y.text()
        if v not in options:
            raise y.error(_unknown(v, options, "value"))
        return v

    parse.__doc__ = f"one of {', '.join(options)}"
    return parse


def _p_prefixes(y: _Y, ctx: _Ctx) -> tuple[str, ...]:
    items = y.items() if y.is_seq else [y]
    out = []
    for it in items:
        p = it.text().lower()
        if not re.fullmatch(r"[0-9a-f]{1,6}", p):
            raise it.error(f"expected an ICAO address prefix in hex (e.g. 0d8), got {it.node.value!r}")
        out.append(p)
    return tuple(out)


@dataclass
class _Ctx:
    timezone: str | None
    refs: list[tuple[str, _Y]] = field(default_factory=list)  # claim ids named inside tests


@dataclass(frozen=True)
class _Param:
    parse: Callable[[_Y, _Ctx], Any]
    help: str


@dataclass(frozen=True)
class PredicateSpec:
    """The parameters a predicate accepts and how they combine."""

    params: Mapping[str, _Param]
    one_of: tuple[tuple[str, ...], ...] = ()  # exactly one key of each group is required
    any_of: tuple[tuple[str, ...], ...] = ()  # at least one key of each group is required
    required: tuple[str, ...] = ()
    shorthand: str = ""  # a non-mapping value is this parameter (`never_entered: BR`)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""


_AIRPORTS = _Param(_p_airports, "airport codes, e.g. [SVMI, SVFM]")
_POINT = _Param(_p_point, "a point [lat, lon]")
_WITHIN = _Param(_p_km, "distance in km")
_REGION = _Param(_p_region, "a region")
_BORDER = _Param(_p_border, "two region codes [A, B]")
_START = _Param(_p_time, "a time")
_END = _Param(_p_time, "a time")
_SPEED = _Param(_p_positive, "maximum speed in kt for a gap's reachability ellipse")

PREDICATES: dict[str, PredicateSpec] = {
    "departed_from": PredicateSpec(
        {"airports": _AIRPORTS, "point": _POINT, "within_km": _WITHIN},
        one_of=(("airports", "point"),), shorthand="airports", defaults={"within_km": 5.0},
        summary="a take-off from one of the airports (or within within_km of a point)",
    ),
    "landed_at": PredicateSpec(
        {"airports": _AIRPORTS, "point": _POINT, "within_km": _WITHIN},
        one_of=(("airports", "point"),), shorthand="airports", defaults={"within_km": 5.0},
        summary="a landing at one of the airports (or within within_km of a point)",
    ),
    "visited": PredicateSpec(
        {"airports": _AIRPORTS, "point": _POINT, "within_km": _WITHIN,
         "ground_time": _Param(_p_duration_range, "{at_least, at_most} durations on the ground")},
        one_of=(("airports", "point"),), shorthand="airports", defaults={"within_km": 5.0},
        summary="a landing then a take-off at the place, optionally with the time on the ground in a range",
    ),
    "approached": PredicateSpec(
        {"region": _REGION, "border": _BORDER, "within_km": _WITHIN, "max_speed_kt": _SPEED},
        one_of=(("region", "border"),), required=("within_km",),
        summary="the track came within within_km of the region or border",
    ),
    "entered": PredicateSpec(
        {"region": _REGION, "max_speed_kt": _SPEED}, required=("region",), shorthand="region",
        summary="the track was inside the region at some time",
    ),
    "never_entered": PredicateSpec(
        {"region": _REGION, "max_speed_kt": _SPEED}, required=("region",), shorthand="region",
        summary="the track was never inside the region",
    ),
    "crossed": PredicateSpec(
        {"border": _BORDER, "from": _Param(_p_region, "the side the crossing starts from"), "max_speed_kt": _SPEED},
        required=("border",), shorthand="border",
        summary="the track crossed the border line (optionally from one given side)",
    ),
    "stayed_outside": PredicateSpec(
        {"region": _REGION, "start": _START, "end": _END, "max_speed_kt": _SPEED},
        required=("region",), shorthand="region",
        summary="the track stayed outside the region (e.g. a 12 nm territorial sea), optionally between start and end",
    ),
    "time_inside": PredicateSpec(
        {"region": _REGION, "at_least": _Param(_p_duration, "a duration"),
         "at_most": _Param(_p_duration, "a duration"), "max_speed_kt": _SPEED},
        required=("region",), any_of=(("at_least", "at_most"),),
        summary="the time spent inside the region is at least / at most a duration",
    ),
    "present": PredicateSpec(
        {"start": _START, "end": _END, "region": _REGION, "max_speed_kt": _SPEED},
        summary="the aircraft was seen (airborne or on the ground) in the window, optionally inside a region",
    ),
    "absent": PredicateSpec(
        {"start": _START, "end": _END, "region": _REGION, "max_speed_kt": _SPEED},
        summary="the aircraft was not seen in the window (or not inside the region)",
    ),
    "altitude_band": PredicateSpec(
        {"min_ft": _Param(_p_number, "feet"), "max_ft": _Param(_p_number, "feet"), "start": _START, "end": _END,
         "mode": _Param(_choice("all", "any"), "all: every airborne sample in the band; any: at least one"),
         "max_vrate_fpm": _Param(_p_positive, "vertical-rate bound inside gaps")},
        any_of=(("min_ft", "max_ft"),), defaults={"mode": "all", "max_vrate_fpm": 6000.0},
        summary="airborne altitudes (barometric, else geometric) stay within [min_ft, max_ft] (mode all) or reach it (any)",
    ),
    "event_time_within": PredicateSpec(
        {"event": _Param(_choice("takeoff", "landing", "crossing"), "takeoff, landing or crossing"),
         "airports": _AIRPORTS, "point": _POINT, "within_km": _WITHIN, "region": _REGION, "border": _BORDER,
         "start": _START, "end": _END},
        required=("event", "start", "end"), defaults={"within_km": 5.0},
        summary="a take-off, landing or crossing happened between start and end",
    ),
    "sequence": PredicateSpec(
        {"claims": _Param(_p_claim_ids, "claim ids in the claimed order")}, required=("claims",), shorthand="claims",
        summary="the events of the listed claims happened in that order",
    ),
    "traffic_count": PredicateSpec(
        {"region": _REGION, "baseline": _Param(_p_range, "{start, end}"), "period": _Param(_p_range, "{start, end}"),
         "at_most_ratio": _Param(_p_km, "period/baseline ratio of mean daily counts"),
         "at_most_per_day": _Param(_p_km, "mean distinct aircraft per day in the period"),
         "exclude_icao24": _Param(_p_prefixes, "hex prefixes of ICAO addresses to leave out (e.g. 0d8)")},
        required=("region", "baseline", "period"), any_of=(("at_most_ratio", "at_most_per_day"),),
        summary="distinct aircraft inside the region per UTC day in `period` is at most a ratio of `baseline` "
        "(or at most a number)",
    ),
}

#: Every predicate name, in documentation order.
PREDICATE_NAMES: tuple[str, ...] = tuple(PREDICATES)


def _test(y: _Y, ctx: _Ctx) -> tuple[str, dict[str, Any], dict[str, int]]:
    m = y.mapping(what="a mapping with one predicate, e.g. {approached: {border: [VE, BR-RR], within_km: 15}}")
    if len(m) != 1:
        what = "no predicate" if not m else f"{len(m)} predicates ({', '.join(m)})"
        raise y.error(f"a test has exactly one predicate, got {what}; split it into several claims")
    (name, body), = m.items()
    if name not in PREDICATES:
        near = difflib.get_close_matches(name, PREDICATE_NAMES, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise body.key_error(f"unknown predicate {name!r}{hint} (known: {', '.join(PREDICATE_NAMES)})")
    spec = PREDICATES[name]
    if body.is_map and spec.shorthand == "region" and _is_region_form(body):
        given = {"region": body}  # `never_entered: {territorial_sea: VE}`
    elif body.is_map:
        given = body.mapping(tuple(spec.params))
    elif body.is_null:
        given = {}
    elif spec.shorthand:
        given = {spec.shorthand: body}
    else:
        raise body.error(f"expected a mapping of parameters ({', '.join(spec.params)}), got {body.describe()}")
    params: dict[str, Any] = dict(spec.defaults)
    lines = {k: v.line for k, v in given.items()}
    for k, v in given.items():
        params[k] = spec.params[k].parse(v, ctx)
    for k in spec.required:
        if k not in given:
            raise body.error(f"{name} needs '{k}' ({spec.params[k].help})")
    for group in spec.one_of:
        present = [k for k in group if k in given]
        if len(present) != 1:
            problem = "needs one of" if not present else "takes only one of"
            raise body.error(f"{name} {problem} {', '.join(repr(k) for k in group)}")
    for group in spec.any_of:
        if not any(k in given for k in group):
            raise body.error(f"{name} needs at least one of {', '.join(repr(k) for k in group)}")
    _check_pairs(name, params, given, body)
    return name, params, lines


def _check_pairs(name: str, params: dict[str, Any], given: dict[str, _Y], body: _Y) -> None:
    """Cross-parameter rules: start <= end, min <= max, event filters that make sense."""
    if "start" in params and "end" in params and params["end"] < params["start"]:
        raise given["end"].error("end is before start")
    if "min_ft" in params and "max_ft" in params and params["max_ft"] < params["min_ft"]:
        raise given["max_ft"].error("max_ft is below min_ft")
    if "at_least" in params and "at_most" in params and params["at_most"] < params["at_least"]:
        raise given["at_most"].error("at_most is shorter than at_least")
    if name == "event_time_within":
        place = [k for k in ("airports", "point", "region", "border") if k in given]
        if len(place) > 1:
            raise given[place[1]].error(f"give only one of airports, point, region, border (got {', '.join(place)})")
        if params["event"] == "crossing" and not ({"region", "border"} & set(given)):
            raise body.error("event_time_within with event: crossing needs 'region' or 'border'")
        if params["event"] != "crossing" and ({"region", "border"} & set(given)):
            raise body.error(f"event {params['event']} is placed with 'airports' or 'point', not a region")
    if name == "crossed" and "from" in params:
        a, b = params["border"].args
        side = params["from"]
        if side.kind != "code" or side.args[0] not in (a, b):
            raise given["from"].error(f"'from' must be one side of the border: {a} or {b}")


# -- the document --------------------------------------------------------------------------------------------

TOP_KEYS = ("title", "description", "article", "aircraft", "timezone", "window", "tracks", "traffic", "regions",
            "settings", "claims")
ARTICLE_KEYS = ("publisher", "title", "url", "published", "language")
AIRCRAFT_KEYS = ("icao24", "registration", "callsign", "type")
CLAIM_KEYS = ("id", "quote", "source", "test", "after")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def load_case(path: str | os.PathLike[str]) -> Case:
    """Read and validate a case file; CaseFileError (file, line, key, problem) on any mistake."""
    p = Path(path)
    file = str(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CaseFileError(file, "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise CaseFileError(file, f"cannot read the file ({e})") from None
    return parse_case(text, file)


def parse_case(text: str, file: str = "<case>") -> Case:
    """Validate case-file text; `file` names it in errors and anchors relative track paths."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise CaseFileError(file, f"not valid YAML: {e.problem or e.context}", line=line) from None
    except yaml.YAMLError as e:
        raise CaseFileError(file, f"not valid YAML: {e}") from None
    if root is None:
        raise CaseFileError(file, "the file is empty; see docs/case-format.md for an example")
    doc = _Y(root, "", file)
    top = doc.mapping(TOP_KEYS, "a mapping of case keys (title, aircraft, window, tracks, claims, ...)")
    for k in ("title", "aircraft", "window", "tracks", "claims"):
        if k not in top:
            raise doc.error(f"missing required key '{k}'")
    base = Path(file).resolve().parent

    timezone = "UTC"
    if "timezone" in top:
        timezone = top["timezone"].text()
        try:
            timezone = zone(timezone).key
        except ValueError as e:
            raise top["timezone"].error(str(e)) from None
    ctx = _Ctx(timezone if "timezone" in top else None)

    article = Article()
    if "article" in top:
        a = top["article"].mapping(ARTICLE_KEYS)
        article = Article(**{k: v.text(allow_empty=True) for k, v in a.items()})

    ac = top["aircraft"].mapping(AIRCRAFT_KEYS)
    if "icao24" not in ac and "registration" not in ac:
        raise top["aircraft"].error("give 'icao24' (6 hex digits) and/or 'registration'")
    aircraft_fields = {k: v.text() for k, v in ac.items()}
    if "icao24" in ac:
        icao = aircraft_fields["icao24"].lower()
        if not re.fullmatch(r"~?[0-9a-f]{6}", icao):
            raise ac["icao24"].error(f"expected 6 hex digits (e.g. 0d8373), got {ac['icao24'].node.value!r}")
        aircraft_fields["icao24"] = icao
    aircraft = Aircraft(**aircraft_fields)

    w = _range(top["window"], ctx.timezone)
    window = Window(w.start, w.end)

    tracks = _track_specs(top["tracks"], base)
    traffic = _track_specs(top["traffic"], base) if "traffic" in top else ()
    regions = _region_files(top["regions"], base) if "regions" in top else ()
    settings = _settings(top["settings"]) if "settings" in top else Settings()

    claims = _claims(top["claims"], ctx)
    _check_references(claims, ctx, top["claims"])
    if any(c.predicate == "traffic_count" for c in claims) and not (traffic or tracks):
        raise top["claims"].error("traffic_count claims need track files")
    return Case(
        path=file,
        title=top["title"].text(),
        description=top["description"].text(allow_empty=True) if "description" in top else "",
        article=article,
        aircraft=aircraft,
        window=window,
        timezone=timezone,
        tracks=tracks,
        claims=claims,
        regions=regions,
        traffic=traffic,
        settings=settings,
    )


def _track_specs(y: _Y, base: Path) -> tuple[TrackSpec, ...]:
    items = y.items() if y.is_seq else [y]
    if not items:
        raise y.error("expected at least one track file or glob")
    specs = []
    for it in items:
        fmt = None
        if it.is_map:
            m = it.mapping(("path", "format", "archived", "archive"),
                           "a path, a glob, {path: ..., format: ...} or {archived: <sha256 or URL>}")
            if "archived" in m:
                specs.append(_archived(it, m, base))
                continue
            if "path" not in m:
                raise it.error("missing 'path' (or 'archived')")
            pattern_node = m["path"]
            fmt = m["format"].text() if "format" in m else None
        else:
            pattern_node = it
        pattern = pattern_node.text()
        full = pattern if os.path.isabs(pattern) else str(base / pattern)
        if any(ch in pattern for ch in "*?["):
            files = sorted(f for f in glob.glob(full, recursive=True) if os.path.isfile(f))
        elif os.path.isdir(full):
            files = sorted(str(f) for f in Path(full).rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            files = [full] if os.path.isfile(full) else []
        if not files:
            raise pattern_node.error(f"no file matches {pattern!r} (looked in {base})")
        specs.append(TrackSpec(pattern, tuple(files), fmt, it.line))
    return tuple(specs)


def _archived(it: _Y, m: dict[str, _Y], base: Path) -> TrackSpec:
    """A fetched file named by sha256 (prefix), URL or manifest path in the evidence archive (tracks fetch)."""
    from tracks.errors import FetchError
    from tracks.fetch.archive import Archive

    if "path" in m:
        raise m["path"].error("give 'path' or 'archived', not both")
    ref = m["archived"].text()
    root = None
    if "archive" in m:
        root_text = m["archive"].text()
        root = root_text if os.path.isabs(root_text) else str(base / root_text)
    try:
        archive = Archive(root)
        path = archive.resolve(ref)
        entry = archive.find(ref)[0]
    except FetchError as e:
        raise m["archived"].error(str(e)) from None
    fmt = m["format"].text() if "format" in m else None
    return TrackSpec(f"archived:{ref}", (str(path),), fmt, it.line, entry.url, entry.retrieved_at)


def _region_files(y: _Y, base: Path) -> tuple[str, ...]:
    items = y.items() if y.is_seq else [y]
    out = []
    for it in items:
        name = it.text()
        full = name if os.path.isabs(name) else str(base / name)
        if not os.path.isfile(full):
            raise it.error(f"region file {name!r} not found (looked in {base})")
        out.append(full)
    return tuple(out)


def _settings(y: _Y) -> Settings:
    m = y.mapping(("max_gap_s", "max_speed_kt"))
    return Settings(
        max_gap_s=m["max_gap_s"].number(positive=True) if "max_gap_s" in m else Settings.max_gap_s,
        max_speed_kt=m["max_speed_kt"].number(positive=True) if "max_speed_kt" in m else None,
    )


def _claims(y: _Y, ctx: _Ctx) -> tuple[Claim, ...]:
    items = y.items()
    if not items:
        raise y.error("expected at least one claim")
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for i, it in enumerate(items):
        m = it.mapping(CLAIM_KEYS, "a claim {id, quote, test}")
        for k in ("id", "quote", "test"):
            if k not in m:
                raise it.error(f"claim needs '{k}'")
        cid = m["id"].text()
        if not _ID_RE.match(cid):
            raise m["id"].error(f"a claim id is letters, digits, '-', '_' or '.', got {cid!r}")
        if cid in seen:
            raise m["id"].error(f"duplicate claim id {cid!r} (first used on line {seen[cid]})")
        seen[cid] = m["id"].line
        name, params, lines = _test(m["test"], ctx)
        after = ""
        if "after" in m:
            after = m["after"].text()
            ctx.refs.append((after, m["after"]))
        claims.append(Claim(
            id=cid,
            quote=m["quote"].text(),
            predicate=name,
            params=MappingProxyType(params),
            source=m["source"].text(allow_empty=True) if "source" in m else "",
            after=after,
            line=it.line,
            lines=MappingProxyType(lines),
            index=i,
        ))
    return tuple(claims)


#: Predicates whose verdict has a moment in time (measured "time"), which `after` and `sequence` need.
MOMENT_PREDICATES: tuple[str, ...] = ("departed_from", "landed_at", "visited", "approached", "entered", "crossed",
                                      "event_time_within", "present")


def _check_references(claims: tuple[Claim, ...], ctx: _Ctx, y: _Y) -> None:
    ids = [c.id for c in claims]
    by_id = {c.id: c for c in claims}
    for ref, node in ctx.refs:
        if ref not in ids:
            raise node.error(_unknown(ref, ids, "claim id"))
        target = by_id[ref]
        if target.predicate not in MOMENT_PREDICATES:
            raise node.error(
                f"claim {ref!r} ({target.predicate}) has no moment in time to order by; 'after' and 'sequence' "
                f"need one of: {', '.join(MOMENT_PREDICATES)}"
            )
    for c in claims:
        if c.id in c.depends_on:
            raise CaseFileError(y.file, f"claim {c.id!r} refers to itself", line=c.line, key=f"claims[{c.index}]")
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(cid: str, stack: list[str]) -> None:
        state[cid] = 1
        for dep in by_id[cid].depends_on:
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep):], dep]
                c = by_id[dep]
                raise CaseFileError(y.file, f"claims depend on each other in a cycle: {' -> '.join(cycle)}",
                                    line=c.line, key=f"claims[{c.index}]")
            if state.get(dep) != 2:
                visit(dep, [*stack, dep])
        state[cid] = 2

    for c in claims:
        if state.get(c.id) != 2:
            visit(c.id, [c.id])


def evaluation_order(case: Case) -> tuple[Claim, ...]:
    """Claims ordered so that every claim comes after those it depends on (file order otherwise)."""
    done: set[str] = set()
    out: list[Claim] = []
    by_id = {c.id: c for c in case.claims}

    def add(c: Claim) -> None:
        if c.id in done:
            return
        done.add(c.id)
        for dep in c.depends_on:
            add(by_id[dep])
        out.append(c)

    for c in case.claims:
        add(c)
    return tuple(out)


def format_time(ts: pd.Timestamp, timezone: str = "UTC", *, seconds: bool = False) -> str:
    """'29 Nov 2025 01:10Z (28 Nov 21:10 America/Caracas)': UTC first, then the case's local time."""
    if pd.isna(ts):
        return "an unknown time"
    clock = "%H:%M:%S" if seconds else "%H:%M"
    t = pd.Timestamp(ts).tz_convert("UTC")
    text = f"{t.day} {t.strftime('%b %Y ' + clock)}Z"
    if timezone and timezone.upper() != "UTC":
        local = t.tz_convert(zone(timezone))
        text += f" ({local.day} {local.strftime('%b ' + clock)} {timezone})"
    return text
