"""Predicates of case files: ONE spec per predicate, and how each kind of parameter value is read.

`PREDICATES` maps every predicate name to its `PredicateSpec`: its parameters (required and exclusive groups,
shorthand, defaults), the function that decides it, what it is about (`subject`: the case aircraft's observation
model, the traffic files or other claims' verdicts; whether its `region` must be an area; whether it is tested
over a period whose unobserved edges count and whose `start`/`end` parameters narrow that period) and its moment
(what `after`, `before` and `sequence` order by; "" when it has none). The engine and the case validation read
these specs and nothing else. `parse_test` validates one claim's `test:` mapping into typed values (UTC
Timestamps, Timedeltas, RegionRef, floats, tuples), raising CaseFileError at the offending line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import yaml

from tracks.claims import predicates as P
from tracks.claims import presence as Q
from tracks.claims import spatial as S
from tracks.claims import traffic as T
from tracks.claims.times import TimeRange, duration_node, range_node, time_node
from tracks.claims.yamlnode import Node, unknown


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


def _p_number(y: Node, ctx: ParseContext) -> float:
    return y.number()


def _p_km(y: Node, ctx: ParseContext) -> float:
    return y.number(minimum=0.0)


def _p_positive(y: Node, ctx: ParseContext) -> float:
    return y.number(positive=True)


def _p_time(y: Node, ctx: ParseContext) -> pd.Timestamp:
    return time_node(y, ctx.timezone)


def _p_duration(y: Node, ctx: ParseContext) -> pd.Timedelta:
    return duration_node(y)


_AIRPORT_RE = re.compile(r"^[A-Z0-9]{3,4}$")


def _p_airports(y: Node, ctx: ParseContext) -> tuple[str, ...]:
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


def _p_point(y: Node, ctx: ParseContext) -> tuple[float, float]:
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


def _code(y: Node) -> str:
    code = y.text()
    if not _CODE_RE.match(code):
        raise y.error(f"expected a region code such as VE, BR-RR or a user region's name, got {code!r}")
    return code


def _p_border(y: Node, ctx: ParseContext) -> RegionRef:
    items = y.items() if y.is_seq else []
    if len(items) != 2:
        raise y.error(f"expected two region codes [A, B] (e.g. [VE, BR-RR]), got {y.describe()}")
    a, b = _code(items[0]), _code(items[1])
    if a == b:
        raise y.error(f"a border needs two different regions, got [{a}, {b}]")
    return RegionRef("border", (a, b))


def _p_region(y: Node, ctx: ParseContext) -> RegionRef:
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


def _is_region_form(y: Node) -> bool:
    """True when a mapping is itself a region ({territorial_sea: VE}, {circle: ..., radius_km: ...})."""
    keys = [k.value for k, _ in y.node.value if isinstance(k, yaml.ScalarNode)]
    return bool(keys) and all(k in _REGION_FORMS for k in keys)


def _only(y: Node, m: dict[str, Node], allowed: tuple[str, ...]) -> None:
    extra = [k for k in m if k not in allowed]
    if extra:
        raise m[extra[0]].error(f"'{extra[0]}' does not go with '{allowed[0]}'")


def _p_range(y: Node, ctx: ParseContext) -> TimeRange:
    return range_node(y, ctx.timezone)


def _p_duration_range(y: Node, ctx: ParseContext) -> tuple[pd.Timedelta | None, pd.Timedelta | None]:
    m = y.mapping(("at_least", "at_most"), "{at_least: <duration>, at_most: <duration>}")
    if not m:
        raise y.error("give 'at_least', 'at_most' or both")
    lo = duration_node(m["at_least"]) if "at_least" in m else None
    hi = duration_node(m["at_most"]) if "at_most" in m else None
    if lo is not None and hi is not None and hi < lo:
        raise m["at_most"].error("at_most is shorter than at_least")
    return (lo, hi)


def _p_claim_ids(y: Node, ctx: ParseContext) -> tuple[str, ...]:
    items = y.items()
    if len(items) < 2:
        raise y.error(f"expected a list of at least two claim ids, got {y.describe()}")
    ids = tuple(it.text() for it in items)
    for it, cid in zip(items, ids, strict=True):
        ctx.refs.append((cid, it))
    return ids


def _choice(*options: str) -> Callable[[Node, ParseContext], str]:
    def parse(y: Node, ctx: ParseContext) -> str:
        v = y.text()
        if v not in options:
            raise y.error(unknown(v, options, "value"))
        return v

    parse.__doc__ = f"one of {', '.join(options)}"
    return parse


def _p_prefixes(y: Node, ctx: ParseContext) -> tuple[str, ...]:
    items = y.items() if y.is_seq else [y]
    out = []
    for it in items:
        p = it.text().lower()
        if not re.fullmatch(r"[0-9a-f]{1,6}", p):
            raise it.error(f"expected an ICAO address prefix in hex (e.g. 0d8), got {it.node.value!r}")
        out.append(p)
    return tuple(out)


@dataclass
class ParseContext:
    timezone: str | None
    refs: list[tuple[str, Node]] = field(default_factory=list)  # claim ids named inside tests


@dataclass(frozen=True)
class _Param:
    parse: Callable[[Node, ParseContext], Any]
    help: str


#: What a predicate is tested on (`PredicateSpec.subject`).
SUBJECTS = ("track", "traffic", "verdicts")


@dataclass(frozen=True)
class PredicateSpec:
    """One predicate: its parameters and how they combine, the function deciding it and what it is about.

    `function` takes the observation model of the tested period (subject "track"), the traffic table ("traffic")
    or the verdicts of the listed claims ("verdicts"), the parameters as keywords and `tz`. `area`: its `region`
    must have an inside. `period`: tested over a period (the case window, or between the moments of `after` /
    `before` claims) whose unobserved edges count like gaps; `narrows`: its `start` / `end` parameters narrow that
    period. `sides`: it is also given the two regions on either side of its `border` (`sides=(A, B)`, resolved
    like any region). `moment`: what its verdict's moment is ("" when it has none), for `after`, `before` and `sequence`.
    """

    params: Mapping[str, _Param]
    function: Callable[..., Any]
    one_of: tuple[tuple[str, ...], ...] = ()  # exactly one key of each group is required
    any_of: tuple[tuple[str, ...], ...] = ()  # at least one key of each group is required
    required: tuple[str, ...] = ()
    shorthand: str = ""  # a non-mapping value is this parameter (`never_entered: BR`)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""
    subject: str = "track"
    area: bool = False
    period: bool = True
    narrows: bool = False
    sides: bool = False
    moment: str = ""


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
        function=P.departed_from, moment="the take-off: from the last sample on the ground to the first airborne",
        summary="a take-off from one of the airports (or within within_km of a point)",
    ),
    "landed_at": PredicateSpec(
        {"airports": _AIRPORTS, "point": _POINT, "within_km": _WITHIN},
        one_of=(("airports", "point"),), shorthand="airports", defaults={"within_km": 5.0},
        function=P.landed_at, moment="the landing: from the last airborne sample to the first on the ground",
        summary="a landing at one of the airports (or within within_km of a point)",
    ),
    "visited": PredicateSpec(
        {"airports": _AIRPORTS, "point": _POINT, "within_km": _WITHIN,
         "ground_time": _Param(_p_duration_range, "{at_least, at_most} durations on the ground")},
        one_of=(("airports", "point"),), shorthand="airports", defaults={"within_km": 5.0},
        function=P.visited, moment="the landing there",
        summary="a landing then a take-off at the place, optionally with the time on the ground in a range",
    ),
    "approached": PredicateSpec(
        {"region": _REGION, "border": _BORDER, "within_km": _WITHIN, "max_speed_kt": _SPEED},
        one_of=(("region", "border"),), required=("within_km",),
        function=S.approached, moment="the first time the track came within within_km (not the closest approach)",
        summary="the track came within within_km of the region or border",
    ),
    "entered": PredicateSpec(
        {"region": _REGION, "max_speed_kt": _SPEED}, required=("region",), shorthand="region",
        function=S.entered, area=True, moment="the first entry (or the first sample inside)",
        summary="the track was inside the region at some time",
    ),
    "never_entered": PredicateSpec(
        {"region": _REGION, "max_speed_kt": _SPEED}, required=("region",), shorthand="region",
        function=S.never_entered, area=True,
        summary="the track was never inside the region",
    ),
    "crossed": PredicateSpec(
        {"border": _BORDER, "from": _Param(_p_region, "the side the crossing starts from"), "max_speed_kt": _SPEED},
        required=("border",), shorthand="border",
        function=S.crossed, sides=True, moment="the first crossing",
        summary="the track crossed the border line (optionally from one given side)",
    ),
    "stayed_outside": PredicateSpec(
        {"region": _REGION, "start": _START, "end": _END, "max_speed_kt": _SPEED},
        required=("region",), shorthand="region",
        function=S.stayed_outside, area=True, narrows=True,
        summary="the track stayed outside the region (e.g. a 12 nm territorial sea), optionally between start and end",
    ),
    "time_inside": PredicateSpec(
        {"region": _REGION, "at_least": _Param(_p_duration, "a duration"),
         "at_most": _Param(_p_duration, "a duration"), "max_speed_kt": _SPEED},
        required=("region",), any_of=(("at_least", "at_most"),),
        function=Q.time_inside, area=True,
        summary="the time spent inside the region is at least / at most a duration",
    ),
    "present": PredicateSpec(
        {"start": _START, "end": _END, "region": _REGION, "max_speed_kt": _SPEED},
        function=Q.present, area=True, narrows=True, moment="the first sample seen",
        summary="the aircraft was seen (airborne or on the ground) in the window, optionally inside a region",
    ),
    "absent": PredicateSpec(
        {"start": _START, "end": _END, "region": _REGION, "max_speed_kt": _SPEED},
        function=Q.absent, area=True, narrows=True,
        summary="the aircraft was not seen in the window (or not inside the region)",
    ),
    "altitude_band": PredicateSpec(
        {"min_ft": _Param(_p_number, "feet"), "max_ft": _Param(_p_number, "feet"), "start": _START, "end": _END,
         "mode": _Param(_choice("all", "any"), "all: every airborne sample in the band; any: at least one"),
         "max_vrate_fpm": _Param(_p_positive, "vertical-rate bound inside gaps")},
        any_of=(("min_ft", "max_ft"),), defaults={"mode": "all", "max_vrate_fpm": 6000.0},
        function=P.altitude_band, narrows=True,
        summary="airborne altitudes (barometric, else geometric) stay within [min_ft, max_ft] (mode all) or reach it (any)",
    ),
    "event_time_within": PredicateSpec(
        {"event": _Param(_choice("takeoff", "landing", "crossing"), "takeoff, landing or crossing"),
         "airports": _AIRPORTS, "point": _POINT, "within_km": _WITHIN, "region": _REGION, "border": _BORDER,
         "start": _START, "end": _END},
        required=("event", "start", "end"), defaults={"within_km": 5.0},
        function=P.event_time_within, area=True, sides=True, moment="the event",
        summary="a take-off, landing or crossing happened between start and end",
    ),
    "sequence": PredicateSpec(
        {"claims": _Param(_p_claim_ids, "claim ids in the claimed order")}, required=("claims",), shorthand="claims",
        function=P.sequence, subject="verdicts", period=False,
        summary="the events of the listed claims happened in that order",
    ),
    "traffic_count": PredicateSpec(
        {"region": _REGION, "baseline": _Param(_p_range, "{start, end}"), "period": _Param(_p_range, "{start, end}"),
         "at_most_ratio": _Param(_p_km, "period/baseline ratio of mean daily counts"),
         "at_most_per_day": _Param(_p_km, "mean distinct aircraft per day in the period"),
         "exclude_icao24": _Param(_p_prefixes, "hex prefixes of ICAO addresses to leave out (e.g. 0d8)")},
        required=("region", "baseline", "period"), any_of=(("at_most_ratio", "at_most_per_day"),),
        function=T.traffic_count, subject="traffic", area=True, period=False,
        summary="distinct aircraft inside the region per UTC day in `period` is at most a ratio of `baseline` "
        "(or at most a number)",
    ),
}

#: Every predicate name, in documentation order.
PREDICATE_NAMES: tuple[str, ...] = tuple(PREDICATES)


def parse_test(y: Node, ctx: ParseContext) -> tuple[str, dict[str, Any], dict[str, int]]:
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


def _check_pairs(name: str, params: dict[str, Any], given: dict[str, Node], body: Node) -> None:
    """Cross-parameter rules: start <= end, min <= max, event filters that make sense, areas where needed."""
    region = params.get("region")
    if isinstance(region, RegionRef) and region.kind == "border" and name != "approached":
        raise given["region"].error(f"a border is a line, and {name} needs an area (a border can be approached "
                                    "or crossed: use approached or crossed)")
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


#: Predicates whose verdict has a moment in time (measured "time"), which `after`, `before` and `sequence` need.
MOMENT_PREDICATES: tuple[str, ...] = tuple(name for name, spec in PREDICATES.items() if spec.moment)
