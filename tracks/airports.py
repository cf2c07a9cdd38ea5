"""Airports: lookup, nearest-airport search, and the wording of take-off and landing events.

Airport data comes from the `airportsdata` package (about 28,000 ICAO-coded aerodromes, derived from
OurAirports; elevation in feet above mean sea level). Distances are geodesic WGS84 (pyproj.Geod), in km.

Heights above an airport come from one function, `heights_above_ft`: the GNSS (geometric, WGS84 ellipsoid)
altitude less the EGM2008 geoid undulation (tracks.geo.geoid) where the sample reports one, else the pressure
(barometric) altitude; every Event says which (`height_basis`), and its sentence too.

Wording follows the evidence (see `describe_event`):
- "landed at SVSE 01:09Z" only when ground samples, or samples on final approach (low above the airport
  and close to it), were observed at the airport;
- "last seen 12 km from SVSE at 3,100 ft, 01:02Z" otherwise. A sample 3,000 ft above a helipad is never
  "landed at" it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from tracks.altitude import displayed_ft_at
from tracks.geo import geoid
from tracks.geo.geodesy import GEOD, KM_PER_DEG_MIN, R_MIN_KM
from tracks.units import m_to_ft
from tracks.wording import clock, duration, feet, height_above_airport, km, latlon

#: Aerodrome types inferred from the airport name (airportsdata has no type column).
AIRPORT_TYPES: tuple[str, ...] = ("airport", "heliport", "seaplane_base")

#: Event kinds.
EVENT_KINDS: tuple[str, ...] = ("takeoff", "landing", "touch_and_go")

# Defaults for attribution (documented in describe_event).
GROUND_RADIUS_KM = 6.0
APPROACH_RADIUS_KM = 12.0
APPROACH_HEIGHT_FT = 1_500.0
#: Pressure altitude can read this far below the airport elevation on a high-pressure day (ft).
APPROACH_BELOW_FT = 1_500.0
CANDIDATE_RADIUS_KM = 30.0
SEARCH_RADIUS_KM = 150.0
#: "last seen" names an airport with an IATA code rather than the nearest one if at most this much further.
PREFER_SERVED_KM = 25.0
#: How a height above an airport was measured (Event.height_basis, and the words in its sentence).
HEIGHT_FROM_GNSS = f"GNSS altitude less the {geoid.MODEL} geoid"
HEIGHT_FROM_PRESSURE = "pressure altitude"


@dataclass(frozen=True)
class Airport:
    """One aerodrome from airportsdata. `elevation_ft` above mean sea level; `type` see AIRPORT_TYPES."""

    icao: str
    iata: str
    name: str
    city: str
    subd: str
    country: str
    elevation_ft: float
    lat: float
    lon: float
    tz: str
    type: str


@dataclass(frozen=True)
class Candidate:
    """An airport near an event: geodesic distance (km) and height of the sample above its elevation (ft; see
    `heights_above_ft`)."""

    icao: str
    name: str
    type: str
    distance_km: float
    elevation_ft: float
    height_above_ft: float


@dataclass(frozen=True)
class Event:
    """A take-off, landing or touch-and-go, with the airport the evidence supports and a quotable sentence.

    `observed` is True only when the moment itself was seen (samples on both sides, no coverage gap between
    them). `time` is the event time when observed (the first ground sample of a landing, the first airborne
    sample of a take-off), else the time of the sample nearest to the unseen event (last seen before a
    landing, first seen after a take-off). `earliest` / `latest` bound when it happened (NaT: open; set by
    tracks.legs.event_interval): even an observed landing happened somewhere between the last airborne and the
    first ground sample. `last_sample_time` is the time of the last
    sample before the event. `lat`/`lon`/`alt_ft` are of the sample the attribution rests on (`alt_ft` is
    the barometric altitude trackers display, else the geometric one; NaN on the ground). `airport` is ""
    when the evidence names no airport; `nearest_airport` is the nearest one within the search radius (equal
    to `airport` when attributed) and `distance_km`/`height_above_airport_ft` refer to it (NaN when none);
    `height_basis` says which altitude the height comes from (see `heights_above_ft`). `evidence`: "ground", "final_approach", "initial_climb", "airborne" (only seen
    in flight) or "none". `candidates`: airports within the candidate radius, nearest first.
    """

    kind: str
    observed: bool
    time: pd.Timestamp
    lat: float
    lon: float
    alt_ft: float
    airport: str
    airport_name: str
    distance_km: float
    height_above_airport_ft: float
    candidates: tuple[Candidate, ...]
    sentence: str
    evidence: str = "none"
    last_sample_time: pd.Timestamp = pd.NaT
    index: int = -1
    gap_id: str = ""
    nearest_airport: str = ""
    height_basis: str = ""  # HEIGHT_FROM_GNSS or HEIGHT_FROM_PRESSURE ("" when no height was measured)
    earliest: pd.Timestamp = pd.NaT
    latest: pd.Timestamp = pd.NaT

    @property
    def how(self) -> str:
        """How the event was observed: 'between two samples 17 s apart', 'inside gap-3 (not observed)',
        'inferred from the final approach', 'not placed: only seen in flight' (tracks.legs sets the interval)."""
        span = (self.latest - self.earliest).total_seconds() if not (pd.isna(self.earliest) or pd.isna(self.latest)) \
            else float("nan")
        if self.observed:
            return f"between two samples {duration(span)} apart" if span > 0 else "at a sample"
        if self.evidence in ("final_approach", "initial_climb"):
            return f"inferred from the {self.evidence.replace('_', ' ')} (not observed)"
        if self.evidence == "ground":
            return f"inside {self.gap_id or 'a coverage gap'} (not observed)" if self.gap_id else \
                "at the edge of the data (not observed)"
        return "not placed: only seen in flight"

    @property
    def n_candidates(self) -> int:
        """How many airports lie within the candidate radius."""
        return len(self.candidates)


# -- the airport table ------------------------------------------------------------------------------------

def _type_from_name(name: str) -> str:
    n = name.lower()
    if any(w in n for w in ("heliport", "helipad", "helistop", "heliponto", "helipuerto")):
        return "heliport"
    if any(w in n for w in ("seaplane", "sea plane", "water aerodrome", "floatplane")):
        return "seaplane_base"
    return "airport"


@cache
def airport_table() -> pd.DataFrame:
    """All airports as a DataFrame (icao, iata, name, city, subd, country, elevation_ft, lat, lon, tz, lid, type)."""
    import airportsdata

    rows = airportsdata.load("ICAO")
    frame = pd.DataFrame.from_records(list(rows.values()))
    frame = frame.rename(columns={"elevation": "elevation_ft"})
    frame["elevation_ft"] = pd.to_numeric(frame["elevation_ft"], errors="coerce").astype(float)
    frame["lat"] = frame["lat"].astype(float)
    frame["lon"] = frame["lon"].astype(float)
    frame["type"] = [_type_from_name(n) for n in frame["name"]]
    return frame.reset_index(drop=True)


@cache
def _arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = airport_table()
    lat = np.radians(t["lat"].to_numpy(float))
    lon = np.radians(t["lon"].to_numpy(float))
    return lat, lon, np.cos(lat)


def airport(code: str) -> Airport:
    """The airport with this ICAO code (or IATA / FAA LID code); KeyError naming the code when unknown."""
    t = airport_table()
    c = code.strip().upper()
    for col in ("icao", "iata", "lid"):
        hit = t.index[t[col] == c]
        if len(hit):
            return _airport(int(hit[0]))
    raise KeyError(f"no airport with code {code!r} in airportsdata (ICAO, IATA or FAA LID)")


def _airport(i: int) -> Airport:
    r = airport_table().iloc[i]
    return Airport(
        icao=str(r["icao"]), iata=str(r["iata"]), name=str(r["name"]), city=str(r["city"]),
        subd=str(r["subd"]), country=str(r["country"]), elevation_ft=float(r["elevation_ft"]),
        lat=float(r["lat"]), lon=float(r["lon"]), tz=str(r["tz"]), type=str(r["type"]),
    )


def nearest_airports(
    lat: float,
    lon: float,
    within_km: float = 50.0,
    types: tuple[str, ...] | list[str] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Airports within `within_km` (geodesic) of (lat, lon), nearest first.

    Columns: icao, iata, name, type, country, elevation_ft, lat, lon, distance_km. `types` restricts to some
    of AIRPORT_TYPES. A spherical pre-filter over all airports (numpy) is refined with exact WGS84 distances.
    """
    if types is not None:
        unknown = set(types) - set(AIRPORT_TYPES)
        if unknown:
            raise ValueError(f"unknown airport type(s) {sorted(unknown)}; choose from {AIRPORT_TYPES}")
    idx, dist = _nearest(float(lat), float(lon), float(within_km), types, limit)
    out = pd.DataFrame({c: v[idx] for c, v in _columns().items()})
    out["distance_km"] = dist
    return out


def _nearest(lat: float, lon: float, within_km: float, types: tuple[str, ...] | list[str] | None = None,
             limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rows of the airport table, geodesic km) of the airports within `within_km`, nearest first."""
    alat, alon, acos = _arrays()
    idx = _grid_candidates(float(lat), float(lon), float(within_km))
    p_lat, p_lon = np.radians(lat), np.radians(lon)
    h = np.sin((alat[idx] - p_lat) / 2) ** 2 + np.cos(p_lat) * acos[idx] * np.sin((alon[idx] - p_lon) / 2) ** 2
    approx = 2 * R_MIN_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    idx = idx[approx <= within_km * 1.01 + 1.0]
    cols = _columns()
    if types is not None and len(idx):
        idx = idx[np.isin(cols["type"][idx], list(types))]
    dist = np.zeros(0)
    if len(idx):
        _, _, d = GEOD.inv(np.full(len(idx), float(lon)), np.full(len(idx), float(lat)),
                           np.degrees(alon[idx]), np.degrees(alat[idx]))
        dist = np.asarray(d, float) / 1000.0
        keep = dist <= within_km
        idx, dist = idx[keep], dist[keep]
        order = np.argsort(dist, kind="stable")
        idx, dist = idx[order], dist[order]
    if limit is not None:
        idx, dist = idx[:limit], dist[:limit]
    return idx, dist


#: Size (degrees) of the cells airports are bucketed in for `nearest_airports`.
_CELL_DEG = 1.0


@cache
def _columns() -> dict[str, np.ndarray]:
    t = airport_table()
    return {c: t[c].to_numpy() for c in ("icao", "iata", "name", "type", "country", "elevation_ft", "lat", "lon")}


@cache
def _grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Airports bucketed by 1-degree cell: (sorted cell keys, start of each key's run, airport order)."""
    t = airport_table()
    key = _cell_key(np.floor(t["lat"].to_numpy(float) / _CELL_DEG), np.floor(t["lon"].to_numpy(float) / _CELL_DEG))
    order = np.argsort(key, kind="stable")
    keys, starts = np.unique(key[order], return_index=True)
    return keys, np.append(starts, len(order)), order


def _cell_key(i_lat: np.ndarray, i_lon: np.ndarray) -> np.ndarray:
    return (np.asarray(i_lat, np.int64) + 100) * 1000 + (np.asarray(i_lon, np.int64) % 360)


def _grid_candidates(lat: float, lon: float, within_km: float) -> np.ndarray:
    """Indices of the airports in the cells that can hold one within `within_km` (all airports near a pole or
    for radii of thousands of km): a pre-filter that never leaves one out (a path is at least KM_PER_DEG_MIN x
    sqrt(dlat^2 + cos(lat)^2 dlon^2) km long, so an airport within the radius differs by at most radius /
    KM_PER_DEG_MIN degrees of latitude and that / cos(highest latitude involved) of longitude)."""
    dlat = within_km * 1.01 / KM_PER_DEG_MIN + 0.01
    top = min(abs(lat) + dlat, 90.0)
    if top >= 89.0 or dlat > 30:
        return np.arange(len(_columns()["icao"]))
    dlon = dlat / np.cos(np.radians(top)) + 0.01
    if dlon >= 180:
        return np.arange(len(_columns()["icao"]))
    keys, starts, order = _grid()
    i_lat = np.arange(np.floor((lat - dlat) / _CELL_DEG), np.floor((lat + dlat) / _CELL_DEG) + 1)
    i_lon = np.arange(np.floor((lon - dlon) / _CELL_DEG), np.floor((lon + dlon) / _CELL_DEG) + 1)
    want = _cell_key(*np.meshgrid(i_lat, i_lon, indexing="ij")).ravel()
    pos = np.searchsorted(keys, want)
    ok = (pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] == want)
    runs = [order[starts[k]:starts[k + 1]] for k in pos[ok]]
    return np.sort(np.concatenate(runs)) if runs else np.zeros(0, dtype=np.int64)


def amsl_altitudes_ft(frame: pd.DataFrame, rows: np.ndarray | list[int] | int) -> tuple[np.ndarray, np.ndarray]:
    """Altitude above mean sea level (ft) of some rows of a track table, for heights above the ground, and the
    basis of each (HEIGHT_FROM_GNSS / HEIGHT_FROM_PRESSURE; "" and NaN when the row has neither altitude).

    The GNSS (geometric) altitude is a height above the WGS84 ellipsoid: less the geoid undulation
    (tracks.geo.geoid, EGM2008) it is above mean sea level, within the GNSS error. The pressure altitude is what
    the altimeter reads at the standard setting (1013.25 hPa): off by about 30 ft per hPa the day's sea-level
    pressure differs (up to ~1,000 ft), so it only serves when no GNSS altitude was reported."""
    idx = np.atleast_1d(np.asarray(rows, dtype=np.int64))
    geom = frame["alt_geom_ft"].to_numpy(float)[idx]
    baro = frame["alt_baro_ft"].to_numpy(float)[idx]
    out = baro.copy()
    basis = np.where(np.isfinite(baro), HEIGHT_FROM_PRESSURE, "").astype(object)
    has = np.isfinite(geom)
    if has.any():
        lat = frame["lat"].to_numpy(float)[idx[has]]
        lon = frame["lon"].to_numpy(float)[idx[has]]
        out[has] = geom[has] - m_to_ft(geoid.undulation_m(lat, lon))
        basis[has] = HEIGHT_FROM_GNSS
    return out, basis


def heights_above_ft(frame: pd.DataFrame, rows: np.ndarray | list[int] | int,
                     elevation_ft: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """THE height above an airport: (height in ft of each row above `elevation_ft` (ft above mean sea level,
    one or one per row), basis of each). See `amsl_altitudes_ft` for which altitude is used."""
    alt, basis = amsl_altitudes_ft(frame, rows)
    return alt - np.asarray(elevation_ft, float), basis


def candidates_near(lat: float, lon: float, alt_ft: float, within_km: float = CANDIDATE_RADIUS_KM,
                    on_ground: bool = False, limit: int = 20) -> tuple[Candidate, ...]:
    """Candidate airports within `within_km`, with the sample's height above each (0 when on the ground).
    `alt_ft` is the sample's altitude above mean sea level (`amsl_altitudes_ft`)."""
    idx, dist = _nearest(float(lat), float(lon), float(within_km), None, limit)
    cols = _columns()
    out = []
    for k, d in zip(idx.tolist(), dist.tolist(), strict=True):
        elev = float(cols["elevation_ft"][k])
        height = 0.0 if on_ground else (alt_ft - elev if np.isfinite(alt_ft) and np.isfinite(elev) else np.nan)
        out.append(Candidate(str(cols["icao"][k]), str(cols["name"][k]), str(cols["type"][k]), d, elev, float(height)))
    return tuple(out)


# -- events -------------------------------------------------------------------------------------------------











def _pick(cands: tuple[Candidate, ...], within_km: float) -> Candidate | None:
    """Nearest candidate within `within_km`, preferring airports over heliports when both qualify."""
    ok = [c for c in cands if c.distance_km <= within_km]
    if not ok:
        return None
    fixed = [c for c in ok if c.type != "heliport"]
    return (fixed or ok)[0]


def _heading_fits(frame: pd.DataFrame, i: int, c: Candidate, landing: bool, max_off_deg: float = 60.0) -> bool:
    """On final approach the track points at the airport (after take-off, away from it); True when unknown."""
    track = float(frame["track_deg"].iloc[i])
    if not np.isfinite(track) or c.distance_km < 2.0:
        return True
    a = airport(c.icao)
    lat, lon = float(frame["lat"].iloc[i]), float(frame["lon"].iloc[i])
    if landing:
        az, _, _ = GEOD.inv(lon, lat, a.lon, a.lat)
    else:
        az, _, _ = GEOD.inv(a.lon, a.lat, lon, lat)
    off = abs((float(az) - track + 180.0) % 360.0 - 180.0)
    return off <= max_off_deg


def _sample(frame: pd.DataFrame, i: int) -> tuple[pd.Timestamp, float, float, float, float, str]:
    """time, lat, lon, displayed altitude (barometric, else geometric), altitude above mean sea level for
    heights (`amsl_altitudes_ft`) and its basis."""
    shown = displayed_ft_at(frame, i)
    amsl, basis = amsl_altitudes_ft(frame, i)
    return (frame["time"].iat[i], float(frame["lat"].iat[i]), float(frame["lon"].iat[i]), shown, float(amsl[0]),
            str(basis[0]))


def describe_event(
    kind: str,
    frame: pd.DataFrame,
    air: int | None,
    ground: int | None,
    observed: bool,
    *,
    ground_radius_km: float = GROUND_RADIUS_KM,
    approach_radius_km: float = APPROACH_RADIUS_KM,
    approach_height_ft: float = APPROACH_HEIGHT_FT,
    candidate_radius_km: float = CANDIDATE_RADIUS_KM,
    search_radius_km: float = SEARCH_RADIUS_KM,
    with_date: bool = False,
    boundary: str = "",
) -> Event:
    """Attribute one event to an airport from the samples around it and word it by the evidence.

    `air` is the row (position in `frame`) of the airborne sample next to the event (last airborne before a
    landing, first airborne after a take-off); `ground` the ground sample on the other side (first on the
    ground after a landing, last on the ground before a take-off), or None when no ground sample was seen.
    `observed` says the pair was seen without a coverage gap between them. `boundary` names what hides an
    unobserved event ("the start of the track", "a 2.3 h gap").

    Evidence, strongest first:
    - ground: a ground sample within `ground_radius_km` of an airport -> "landed at X" / "took off from X";
    - final approach / initial climb: the airborne sample is within `approach_radius_km` of an airport, at
      most `approach_height_ft` above its elevation, and (when the track angle is known) heading towards it
      (away from it after a take-off) -> "landed at X" / "took off from X", not observed;
    - otherwise "last seen D km from X at A ft, T" / "first seen ...", naming the nearest airport within
      `search_radius_km`, or one with an IATA code if at most PREFER_SERVED_KM further away.
    Heights above airports come from `heights_above_ft`: the GNSS altitude less the EGM2008 geoid when the
    sample has one, else the pressure altitude (off by up to ~1,000 ft with the weather); the Event's
    `height_basis` and its sentence say which.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}; expected one of {EVENT_KINDS}")
    if air is None and ground is None:
        raise ValueError("describe_event needs at least one sample")
    landing = kind in ("landing", "touch_and_go")
    t_air = lat_a = lon_a = alt_a = alt_h = None
    basis = ""
    if air is not None:
        t_air, lat_a, lon_a, alt_a, alt_h, basis = _sample(frame, air)
    t_gnd = None
    if ground is not None:
        t_gnd, lat_g, lon_g, _, _, _ = _sample(frame, ground)
    if landing:
        last_before = t_air if t_air is not None else pd.NaT
    else:
        last_before = t_gnd if t_gnd is not None else pd.NaT
    verb = {"landing": "landed at", "takeoff": "took off from", "touch_and_go": "touch-and-go at"}[kind]

    # 1. ground evidence
    if ground is not None:
        cands = candidates_near(lat_g, lon_g, np.nan, candidate_radius_km, on_ground=True)
        best = _pick(cands, ground_radius_km)
        if observed:
            t_evt = t_gnd if landing else t_air
            when = clock(t_evt, with_date)
        else:
            t_evt = t_air if t_air is not None else t_gnd
            lo, hi = (t_air, t_gnd) if landing else (t_gnd, t_air)
            if lo is not None and hi is not None:
                gap_s = (hi - lo).total_seconds()
                when = (f"between {clock(lo, with_date)} and {clock(hi, with_date)} "
                        f"(not observed: {boundary or 'inside a gap of ' + duration(gap_s)})")
            else:
                what = boundary or "the edge of the track"
                when = (f"before {clock(t_gnd, with_date)}" if landing else f"after {clock(t_gnd, with_date)}")
                when += f" (not observed: {what})"
        if best is not None:
            sentence = f"{verb} {best.icao} {when}"
            return Event(kind, observed, t_evt, lat_g, lon_g, np.nan, best.icao, best.name, best.distance_km,
                         0.0, cands, sentence, "ground", last_before, ground, "", best.icao)
        near = nearest_airports(lat_g, lon_g, search_radius_km, limit=1)
        where = (f"{km(float(near['distance_km'].iloc[0]))} from {near['icao'].iloc[0]}" if len(near)
                 else f"at {latlon(lat_g, lon_g)}, no airport within {search_radius_km:.0f} km")
        noun = {"landing": "landed", "takeoff": "took off", "touch_and_go": "touch-and-go"}[kind]
        sentence = f"{noun} on the ground {where} (no airport within {ground_radius_km:g} km) {when}"
        dist = float(near["distance_km"].iloc[0]) if len(near) else np.nan
        return Event(kind, observed, t_evt, lat_g, lon_g, np.nan, "", "", dist, np.nan, cands, sentence,
                     "ground", last_before, ground, "", str(near["icao"].iloc[0]) if len(near) else "")

    # 2. final approach / initial climb
    assert air is not None and t_air is not None
    cands = candidates_near(lat_a, lon_a, alt_h, candidate_radius_km)
    low = tuple(c for c in cands if c.distance_km <= approach_radius_km and np.isfinite(c.height_above_ft)
                and -APPROACH_BELOW_FT <= c.height_above_ft <= approach_height_ft
                and _heading_fits(frame, air, c, landing))
    best = _pick(low, approach_radius_km)
    if best is not None:
        hidden = boundary or "a coverage gap"
        height = height_words(best.height_above_ft, basis)
        if landing:
            sentence = (f"{verb} {best.icao} after {clock(t_air, with_date)} (last seen on final approach "
                        f"{km(best.distance_km)} out, {height}; touchdown not observed: {hidden})")
            evidence = "final_approach"
        else:
            sentence = (f"{verb} {best.icao} before {clock(t_air, with_date)} (first seen climbing "
                        f"{km(best.distance_km)} out, {height}; lift-off not observed: {hidden})")
            evidence = "initial_climb"
        return Event(kind, False, t_air, lat_a, lon_a, alt_a, best.icao, best.name, best.distance_km,
                     best.height_above_ft, cands, sentence, evidence, last_before, air, "", best.icao, basis)

    # 3. only airborne samples: say where it was last (first) seen, never "landed at"
    seen = "last seen" if landing else "first seen"
    near = nearest_airports(lat_a, lon_a, search_radius_km)
    if len(near):
        # name an airport with an IATA code when one is almost as close as the nearest (private strips
        # mean little to a reader); else the nearest
        served = near[(near["iata"].astype(str) != "")
                      & (near["distance_km"] <= near["distance_km"].iloc[0] + PREFER_SERVED_KM)]
        r = (served if len(served) else near).iloc[0]
        elev = float(r["elevation_ft"])
        height = float(heights_above_ft(frame, air, elev)[0][0])
        where = f"{km(float(r['distance_km']))} from {r['icao']}"
        dist = float(r["distance_km"])
        nearest = str(r["icao"])
    else:
        height, dist, nearest = np.nan, np.nan, ""
        where = f"at {latlon(lat_a, lon_a)} (no airport within {search_radius_km:.0f} km)"
    sentence = f"{seen} {where} at {feet(alt_a)}, {clock(t_air, with_date)}"
    if boundary:
        sentence += f" ({_NOUN[kind]} not observed: {boundary})"
    return Event(kind, False, t_air, lat_a, lon_a, alt_a, "", "", dist, height, cands, sentence, "airborne",
                 last_before, air, "", nearest, basis if np.isfinite(height) else "")


_NOUN = {"takeoff": "take-off", "landing": "landing", "touch_and_go": "touch-and-go"}


def height_words(height_ft: float, basis: str) -> str:
    """'600 ft above the airport, from GNSS altitude less the EGM2008 geoid' (a height always says its basis)."""
    words = height_above_airport(height_ft)
    return f"{words}, from {basis}" if basis and np.isfinite(height_ft) else words
