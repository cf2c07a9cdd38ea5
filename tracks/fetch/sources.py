"""The public sources `tracks.fetch` knows and their URL layouts (see docs/fetch.md).

This module only builds requests (`Planned`): URL, file name, error wording, whether an archived copy may
answer a re-run. It never touches the network. Layouts from ../shared/research/formats.md 1.5, 2.3, 3.1-3.4.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from tracks.errors import FetchError, FetchRequestError
from tracks.fetch.session import ErrorHints, strip_credentials
from tracks.schema import parse_icao24
from tracks.units import KM_PER_NM

MAX_RADIUS_NM = 250.0  # the v2 APIs refuse larger circles
DAY = timedelta(days=1)
# A readsb globe_history day is rewritten every few hours and finalised ~55 min after UTC midnight.
HISTORY_FINAL_AFTER = timedelta(hours=2)
OPENSKY_FINAL_AFTER = timedelta(days=1)  # flights are batch-processed nightly


@dataclass(frozen=True)
class SourceInfo:
    """A public source: its default base URL, what it serves and how politely to ask it."""

    name: str
    title: str
    kind: str  # "trace" (readsb trace files), "v2" (live REST), "opensky", "aircraft-db"
    base_url: str
    min_interval_s: float
    licence: str
    lookups: tuple[str, ...]  # which of hex/registration/callsign/point it accepts
    history: bool
    live: bool
    credentials: str = "this source is public; 401/403 means it refuses this client or your address (check its terms)"


SOURCES: dict[str, SourceInfo] = {
    s.name: s
    for s in (
        SourceInfo("adsbx", "ADS-B Exchange globe history", "trace", "https://globe.adsbexchange.com", 2.0,
                   "ADS-B Exchange terms of use", ("hex", "registration"), history=True, live=True,
                   credentials="ADS-B Exchange may refuse scripted downloads: download the trace in a browser "
                               "and load the file, or point --base-url at a mirror"),
        SourceInfo("adsbx-samples", "ADS-B Exchange free samples (1st day of each month)", "trace",
                   "https://samples.adsbexchange.com", 1.0, "ADS-B Exchange sample data terms",
                   ("hex", "registration"), history=True, live=False),
        SourceInfo("adsblol-history", "adsb.lol globe history (tar1090 site)", "trace", "https://adsb.lol", 1.0,
                   "ODbL 1.0", ("hex", "registration"), history=True, live=True),
        SourceInfo("tar1090", "any tar1090 site with globe history (needs --base-url)", "trace", "", 1.0,
                   "the site's terms", ("hex", "registration"), history=True, live=True),
        SourceInfo("adsblol", "adsb.lol v2 API (live)", "v2", "https://api.adsb.lol", 1.0, "ODbL 1.0",
                   ("hex", "registration", "callsign", "point"), history=False, live=True),
        SourceInfo("airplaneslive", "airplanes.live v2 API (live)", "v2", "https://api.airplanes.live", 1.0,
                   "non-commercial use", ("hex", "registration", "callsign", "point"), history=False, live=True),
        SourceInfo("adsbfi", "adsb.fi open data v2 API (live)", "v2", "https://opendata.adsb.fi/api", 1.0,
                   "personal non-commercial, attribution required", ("hex", "registration", "callsign", "point"),
                   history=False, live=True),
        SourceInfo("opensky", "OpenSky Network REST API", "opensky", "https://opensky-network.org/api", 1.0,
                   "OpenSky terms of use (research/non-commercial)", ("hex", "registration", "point"),
                   history=True, live=True,
                   credentials="Create an API client on your OpenSky account page, then set OPENSKY_CLIENT_ID "
                               "and OPENSKY_CLIENT_SECRET (or [opensky] in the tracks config file)"),
        SourceInfo("aircraft-db", "tar1090-db aircraft database (aircraft.csv.gz)", "aircraft-db",
                   "https://raw.githubusercontent.com/wiedehopf/tar1090-db/csv", 1.0,
                   "tar1090-db licence (see its repository)", (), history=False, live=False),
    )
}

# v2 path templates per API (formats.md 2.3)
_V2_PATHS = {
    "adsblol": {"hex": "v2/hex/{hex}", "callsign": "v2/callsign/{callsign}", "registration": "v2/reg/{reg}",
                "point": "v2/point/{lat}/{lon}/{nm}"},
    "airplaneslive": {"hex": "v2/hex/{hex}", "callsign": "v2/callsign/{callsign}", "registration": "v2/reg/{reg}",
                      "point": "v2/point/{lat}/{lon}/{nm}"},
    "adsbfi": {"hex": "v2/hex/{hex}", "callsign": "v2/callsign/{callsign}", "registration": "v2/registration/{reg}",
               "point": "v2/lat/{lat}/lon/{lon}/dist/{nm}"},
}
_CALLSIGN = re.compile(r"^[A-Z0-9-]{1,8}$")
_REGISTRATION = re.compile(r"^[A-Z0-9-]{2,10}$")


@dataclass(frozen=True)
class Planned:
    """One GET to make: where, the file name to archive under, error wording, and reuse rules.

    `reusable`: an archived copy may answer a re-run (a finished day); live requests are fetched anew.
    `role`: "track" (a file `tracks.load` reads), "snapshot" (live v2/states JSON), "index" (a list of
    flights) or "aircraft-db".
    """

    source: str
    url: str
    name: str
    hints: ErrorHints
    reusable: bool
    role: str
    auth: bool = False
    min_interval_s: float = 1.0
    request: dict[str, Any] = field(default_factory=dict)
    expect: str = "json"  # what the body must look like: "json" or "aircraft-db" (hex;registration;... lines)

    @property
    def key(self) -> str:
        """What identifies the request in the archive: source and credential-free URL."""
        return f"{self.source} {strip_credentials(self.url)}"


def get_source(name: str) -> SourceInfo:
    """The SourceInfo for `name`; FetchError listing the known names otherwise."""
    try:
        return SOURCES[name]
    except KeyError:
        raise FetchRequestError(f"unknown source {name!r}; known sources: {', '.join(SOURCES)}") from None


# -- argument normalisation ---------------------------------------------------------------------------


def norm_hex(value: str) -> str:
    """ICAO 24-bit address as 6 lower-case hex digits (a leading '~' marks non-ICAO addresses)."""
    text = parse_icao24(str(value))
    if text is None:
        raise FetchRequestError(f"hex {value!r} is not an ICAO 24-bit address (expected 6 hex digits, e.g. 0d8373)")
    return text


def norm_hexes(value: str | Sequence[str]) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value)
    parts = [p for item in items for p in str(item).split(",") if p.strip()]
    return tuple(dict.fromkeys(norm_hex(p) for p in parts))


def norm_callsign(value: str) -> str:
    text = str(value).strip().upper()
    if not _CALLSIGN.match(text):
        raise FetchRequestError(f"callsign {value!r} is not valid (expected up to 8 letters/digits, e.g. VCV1234)")
    return text


def norm_registration(value: str) -> str:
    text = str(value).strip().upper()
    if not _REGISTRATION.match(text):
        raise FetchRequestError(f"registration {value!r} is not valid (expected letters, digits and '-', e.g. YV2984)")
    return text


def parse_day(value: str | date | datetime) -> date:
    """A UTC calendar day from a date, a tz-aware datetime (converted to UTC) or 'YYYY-MM-DD'."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise FetchRequestError(f"date {value!r} has no time zone; give a UTC date (YYYY-MM-DD) or a tz-aware time")
        return value.astimezone(UTC).date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FetchRequestError(f"date {value!r} is not a day (expected YYYY-MM-DD, in UTC)") from None


def parse_days(value: str | date | datetime | Iterable[str | date | datetime]) -> tuple[date, ...]:
    """Days from one day, a list of days, or an inclusive range 'YYYY-MM-DD..YYYY-MM-DD' (at most 31)."""
    if isinstance(value, (str, date, datetime)):
        if isinstance(value, str) and ".." in value:
            start_s, end_s = value.split("..", 1)
            start, end = parse_day(start_s), parse_day(end_s)
            if end < start:
                raise FetchRequestError(f"date range {value!r} ends before it starts")
            if (end - start).days > 30:
                raise FetchRequestError(f"date range {value!r} covers more than 31 days; fetch it in parts")
            return tuple(start + timedelta(days=i) for i in range((end - start).days + 1))
        return (parse_day(value),)
    return tuple(dict.fromkeys(parse_day(v) for v in value))


def parse_point(point: str | Sequence[float]) -> tuple[float, float]:
    """(lat, lon) in degrees from a pair or 'LAT,LON'."""
    try:
        if isinstance(point, str):
            lat_s, lon_s = point.split(",")
            lat, lon = float(lat_s), float(lon_s)
        else:
            lat, lon = (float(v) for v in point)
    except (TypeError, ValueError):
        raise FetchRequestError(f"point {point!r} is not LAT,LON in degrees") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FetchRequestError(f"point {point!r} is outside -90..90 latitude / -180..180 longitude")
    return lat, lon


def radius_nm(radius_km: float | None) -> int:
    """Radius for the v2 APIs: km converted to whole nautical miles, rounded up (never smaller than asked)."""
    if radius_km is None or not radius_km > 0:
        raise FetchRequestError("a point search needs radius_km > 0 (--radius-km)")
    nm = math.ceil(float(radius_km) / KM_PER_NM - 1e-9)
    if nm > MAX_RADIUS_NM:
        raise FetchRequestError(f"radius {radius_km} km is {nm} NM; the APIs allow at most {MAX_RADIUS_NM:g} NM "
                         f"({MAX_RADIUS_NM * KM_PER_NM:.0f} km)")
    return nm


def _now() -> datetime:
    return datetime.now(UTC)


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/")


# -- readsb traces ------------------------------------------------------------------------------------


def trace_plans(info: SourceInfo, base: str, hexes: Sequence[str], days: Sequence[date | None]) -> list[Planned]:
    """globe_history/YYYY/MM/DD/traces/<xx>/trace_full_<hex>.json per hex and day (live trace when no day)."""
    plans: list[Planned] = []
    now = _now()
    for hex_ in hexes:
        xx = hex_[-2:]
        name = f"trace_full_{hex_}.json"
        for day in days:
            if day is None:
                if not info.live:
                    raise FetchRequestError(f"{info.name} has no live traces; give a date (--date YYYY-MM-DD)")
                url = _join(base, f"data/traces/{xx}/{name}")
                hints = ErrorHints(f"{info.title}: live trace of {hex_}",
                                   f"no live trace for {hex_}: not seen in the last ~24 h. No data is not no "
                                   "flight: try a date (--date) or another source", info.credentials)
                plans.append(Planned(info.name, url, name, hints, False, "track", False, info.min_interval_s,
                                     {"hex": hex_, "date": None, "kind": "live-trace"}))
                continue
            if datetime(day.year, day.month, day.day, tzinfo=UTC) > now:
                raise FetchRequestError(f"date {day} is in the future (UTC)")
            if info.name == "adsbx-samples":
                if day.day != 1:
                    raise FetchRequestError(f"adsbx-samples only has the 1st day of each month, not {day}; "
                                     "use --source adsbx for other days")
                path = f"traces/{day:%Y/%m/%d}/{xx}/{name}"
            else:
                path = f"globe_history/{day:%Y/%m/%d}/traces/{xx}/{name}"
            final = now >= datetime(day.year, day.month, day.day, tzinfo=UTC) + DAY + HISTORY_FINAL_AFTER
            hints = ErrorHints(
                f"{info.title}: trace of {hex_} on {day}",
                f"no trace for aircraft {hex_} on {day} (UTC day): it was not seen that day, or this source "
                "keeps no history for it. No data is not no flight: try another source, or the day "
                "before/after (UTC)", info.credentials)
            plans.append(Planned(info.name, _join(base, path), f"{day:%Y-%m-%d}_{name}", hints, final, "track",
                                 False, info.min_interval_s, {"hex": hex_, "date": day.isoformat(),
                                                              "kind": "trace"}))
    return plans


# -- v2 live APIs -------------------------------------------------------------------------------------


def v2_plans(info: SourceInfo, base: str, *, hexes: Sequence[str] = (), registration: str | None = None,
             callsign: str | None = None, point: tuple[float, float] | None = None,
             radius_km: float | None = None) -> list[Planned]:
    """One live query: by hex (comma-joined), callsign, registration, or point and radius."""
    paths = _V2_PATHS[info.name]
    if hexes:
        what, path, req = f"hex {','.join(hexes)}", paths["hex"].format(hex=",".join(hexes)), {"hex": list(hexes)}
        stem = "hex_" + "_".join(h.lstrip("~") for h in hexes[:5])
    elif callsign:
        what, path, req = f"callsign {callsign}", paths["callsign"].format(callsign=quote(callsign)), {
            "callsign": callsign}
        stem = f"callsign_{callsign}"
    elif registration:
        what, path, req = f"registration {registration}", paths["registration"].format(reg=quote(registration)), {
            "registration": registration}
        stem = f"reg_{registration}"
    elif point is not None:
        nm = radius_nm(radius_km)
        lat, lon = point
        what = f"aircraft within {nm} NM of {lat:.4f},{lon:.4f}"
        path = paths["point"].format(lat=f"{lat:.4f}", lon=f"{lon:.4f}", nm=nm)
        req = {"point": [lat, lon], "radius_km": radius_km, "radius_nm": nm}
        stem = f"point_{lat:.4f}_{lon:.4f}_{nm}nm"
    else:
        raise FetchRequestError(f"{info.name}: give a hex, callsign, registration, or point with radius")
    hints = ErrorHints(f"{info.title}: {what}", "the API has no such endpoint (check --base-url)", info.credentials)
    return [Planned(info.name, _join(base, path), f"v2_{stem}.json", hints, False, "snapshot", False,
                    info.min_interval_s, {**req, "kind": "v2-live"})]


# -- OpenSky ------------------------------------------------------------------------------------------


def _day_bounds(day: date) -> tuple[int, int]:
    start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    return start, start + 86400


def opensky_flights_plan(info: SourceInfo, base: str, hex_: str, day: date) -> Planned:
    """/flights/aircraft?icao24=&begin=&end= for one UTC day (the list of that aircraft's flights)."""
    begin, end = _day_bounds(day)
    url = _join(base, "flights/aircraft") + "?" + urlencode({"icao24": hex_, "begin": begin, "end": end})
    final = _now() >= datetime.fromtimestamp(end, UTC) + OPENSKY_FINAL_AFTER
    hints = ErrorHints(f"OpenSky flights of {hex_} on {day}",
                       f"OpenSky has no flights for {hex_} on {day} (UTC): not seen, poor coverage there, or not "
                       "processed yet (flights are computed nightly). No data is not no flight",
                       info.credentials)
    return Planned(info.name, url, f"flights_{hex_}_{day:%Y-%m-%d}.json", hints, final, "index", True,
                   info.min_interval_s, {"hex": hex_, "date": day.isoformat(), "kind": "flights",
                                         "begin": begin, "end": end})


def opensky_track_plan(info: SourceInfo, base: str, hex_: str, time_s: int, *, reusable: bool) -> Planned:
    """/tracks/all?icao24=&time= (time 0 = the live track); waypoints are simplified by OpenSky."""
    url = _join(base, "tracks/all") + "?" + urlencode({"icao24": hex_, "time": int(time_s)})
    when = "live" if time_s == 0 else datetime.fromtimestamp(time_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    hints = ErrorHints(f"OpenSky track of {hex_} at {when}",
                       f"OpenSky has no track for {hex_} at {when} (tracks are kept about 30 days; older flights "
                       "need OpenSky's historical database). No data is not no flight", info.credentials)
    stamp = "live" if time_s == 0 else datetime.fromtimestamp(time_s, UTC).strftime("%Y%m%dT%H%M%SZ")
    return Planned(info.name, url, f"track_{hex_}_{stamp}.json", hints, reusable, "track", True,
                   info.min_interval_s, {"hex": hex_, "time": int(time_s), "kind": "track"})


def opensky_states_plan(info: SourceInfo, base: str, *, hexes: Sequence[str] = (),
                        point: tuple[float, float] | None = None, radius_km: float | None = None) -> Planned:
    """/states/all now, filtered by icao24 (repeatable) or by the bounding box around point+radius."""
    params: list[tuple[str, Any]] = []
    if hexes:
        params = [("icao24", h) for h in hexes]
        what = f"hex {','.join(hexes)}"
        stem = "_".join(hexes[:5])
        req: dict[str, Any] = {"hex": list(hexes)}
    elif point is not None:
        lamin, lomin, lamax, lomax = bbox_around(point, radius_km)
        params = [("lamin", f"{lamin:.4f}"), ("lomin", f"{lomin:.4f}"), ("lamax", f"{lamax:.4f}"),
                  ("lomax", f"{lomax:.4f}")]
        what = f"states within the box around {point[0]:.4f},{point[1]:.4f} ({radius_km} km)"
        stem = f"box_{point[0]:.4f}_{point[1]:.4f}_{radius_km:g}km"
        req = {"point": list(point), "radius_km": radius_km, "bbox": [lamin, lomin, lamax, lomax]}
    else:
        raise FetchRequestError("opensky states: give a hex, or a point with radius")
    url = _join(base, "states/all") + "?" + urlencode(params)
    hints = ErrorHints(f"OpenSky states of {what}", "the API has no such endpoint (check --base-url)",
                       info.credentials)
    return Planned(info.name, url, f"states_{stem}.json", hints, False, "snapshot", True, info.min_interval_s,
                   {**req, "kind": "states"})


def bbox_around(point: tuple[float, float], radius_km: float | None) -> tuple[float, float, float, float]:
    """(lamin, lomin, lamax, lomax) of a box containing the geodesic circle of radius_km around point."""
    if radius_km is None or not radius_km > 0:
        raise FetchRequestError("a point search needs radius_km > 0 (--radius-km)")
    from pyproj import Geod

    lat, lon = point
    geod = Geod(ellps="WGS84")
    azimuths = [float(a) for a in range(0, 360, 5)]
    lons, lats, _ = geod.fwd([lon] * len(azimuths), [lat] * len(azimuths), azimuths,
                             [radius_km * 1000.0] * len(azimuths))
    margin = 0.01  # degrees: the polygon of 72 azimuths is inscribed in the circle
    return (max(-90.0, min(lats) - margin), max(-180.0, min(lons) - margin),
            min(90.0, max(lats) + margin), min(180.0, max(lons) + margin))


# -- aircraft database --------------------------------------------------------------------------------


def aircraft_db_plan(info: SourceInfo, base: str) -> Planned:
    """The tar1090-db aircraft.csv.gz (hex;registration;type;flags;description;year;owner/operator;)."""
    hints = ErrorHints(info.title, "the aircraft database is not at this address (check --base-url)",
                       info.credentials)
    return Planned(info.name, _join(base, "aircraft.csv.gz"), "aircraft.csv.gz", hints, True, "aircraft-db",
                   False, info.min_interval_s, {"kind": "aircraft-db"}, expect="aircraft-db")


def flight_times(body: bytes, source_label: str) -> list[tuple[int, int]]:
    """(firstSeen, lastSeen) of each flight in an OpenSky /flights response (s since the epoch)."""
    import json

    try:
        doc = json.loads(body)
    except ValueError:
        raise FetchError(f"{source_label}: the OpenSky flights answer is not JSON") from None
    if not isinstance(doc, list):
        raise FetchError(f"{source_label}: the OpenSky flights answer is not a list of flights")
    out: list[tuple[int, int]] = []
    for i, flight in enumerate(doc):
        try:
            first, last = int(flight["firstSeen"]), int(flight["lastSeen"])
        except (KeyError, TypeError, ValueError):
            raise FetchError(f"{source_label}: flight {i} has no firstSeen/lastSeen (expected Unix seconds)") from None
        out.append((first, last))
    return out
