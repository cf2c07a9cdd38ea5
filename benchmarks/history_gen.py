"""Seeded generator of global ADS-B history in the layouts it is published in (for tests and benchmarks).

    python benchmarks/history_gen.py OUT --start 2025-11-15 --days 30 --closure 2025-11-29 [--filler 0]
           [--opensky-hours 0,1] [--seed 1]

Writes, per UTC day, an adsb.lol `globe_history` release as published: a tar split into parts
(`v2025.11.15-planes-readsb-prod-0.tar.aa`, `.ab`, ...) holding `./traces/<xx>/trace_full_<hex>.json`, each
a gzip of a readsb trace (14-element points, "ground" altitudes, stale/new-leg flags, detail objects with
callsign and squawk, `r`/`t`/`dbFlags` database fields), and optionally OpenSky hourly state-vector files
(`states_YYYY-MM-DD-HH.csv` or `.parquet`) of the same flights.

What is in a day (all synthetic, seeded):
- airliners on real routes through and around Venezuela (Miami-Sao Paulo, Madrid-Bogota, ...); from the
  closure date on, routes that crossed Venezuela fly around it (west of it or east of it);
- flights into Venezuela: many before the closure, a few after (domestic, and one or two foreign);
- military aircraft (US block ae..., dbFlags 1) flying racetrack orbits offshore, more after the closure;
- a permanent coverage hole over southern Venezuela (positions there are not received; the next one is
  flagged stale), and on `drop_day`s most aircraft of the region are not received at all;
- `filler` aircraft far from the region (Europe, North America), to make a day as big as a real one.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pyproj import Geod

from tracks.units import M_PER_FT, M_PER_NM

GEOD = Geod(ellps="WGS84")
AIRPORTS = {  # ICAO: (lat, lon)
    "KMIA": (25.795, -80.290), "KJFK": (40.640, -73.779), "SBGR": (-23.432, -46.470), "SBEG": (-3.039, -60.050),
    "SKBO": (4.702, -74.147), "LEMD": (40.472, -3.561), "LPPT": (38.774, -9.134), "LFPG": (49.010, 2.548),
    "SPJC": (-12.022, -77.114), "MPTO": (9.071, -79.383), "MDSD": (18.430, -69.669), "TTPP": (10.595, -61.337),
    "TBPB": (13.075, -59.492), "SYCJ": (6.499, -58.254), "TNCC": (12.189, -68.960), "MUHA": (22.989, -82.409),
    "SVMI": (10.603, -66.991), "SVMC": (10.558, -71.728), "SVPR": (8.289, -62.760), "SVVA": (10.150, -67.928),
    "SVBC": (10.107, -64.689), "SVMG": (10.912, -63.967), "LTFM": (41.262, 28.742),
}
THROUGH = [("KMIA", "SBGR"), ("KJFK", "SBGR"), ("KMIA", "SBEG"), ("LEMD", "SKBO"), ("LPPT", "SKBO"),
           ("LFPG", "SKBO"), ("MDSD", "SBGR"), ("SKBO", "TTPP"), ("MPTO", "TBPB"), ("SKBO", "SYCJ")]
AROUND = [("MPTO", "TTPP"), ("KMIA", "TNCC"), ("KMIA", "TTPP"), ("MPTO", "SPJC"), ("MDSD", "TBPB"),
          ("SKBO", "MPTO"), ("TNCC", "TTPP")]
INTO_FOREIGN = [("MPTO", "SVMI"), ("SKBO", "SVMI"), ("LEMD", "SVMI"), ("LPPT", "SVMI"), ("MUHA", "SVMI"),
                ("MDSD", "SVMI"), ("TNCC", "SVMI"), ("LTFM", "SVMI")]
DOMESTIC = [("SVMI", "SVMC"), ("SVMI", "SVPR"), ("SVMI", "SVBC"), ("SVMI", "SVMG"), ("SVVA", "SVMC")]
DETOURS = ((8.0, -75.0), (6.5, -57.5))  # west of Venezuela (Colombia), east of it (Guyana)
HOLE = (1.0, 4.6, -67.6, -62.0)  # lat0, lat1, lon0, lon1: no receiver there
REGION_BOX = (0.0, 17.0, -76.0, -57.0)  # where a coverage-drop day loses most aircraft
ORBIT_CENTRE = (14.3, -66.6)  # offshore, north of Venezuela's islands


@dataclass
class Flight:
    """One aircraft's points of one UTC day, as received (after coverage holes), in canonical units."""

    icao: str
    callsign: str
    registration: str | None
    aircraft_type: str
    db_flags: int | None
    kind: str  # through, detour, around, into, domestic, military, filler
    t: np.ndarray  # seconds after midnight UTC
    lat: np.ndarray
    lon: np.ndarray
    alt_ft: np.ndarray  # NaN on the ground
    gs_kt: np.ndarray
    track: np.ndarray
    vrate: np.ndarray
    stale: np.ndarray


def _route_points(names: Iterable[str | tuple[float, float]]) -> list[tuple[float, float]]:
    return [AIRPORTS[n] if isinstance(n, str) else n for n in names]


def _crosses_venezuela(points: list[tuple[float, float]]) -> bool:
    from shapely.geometry import LineString

    from tracks.geo.regions import get_region

    ve = get_region("VE").geometry
    return bool(LineString([(lo, la) for la, lo in points]).intersects(ve))


def fly(points: list[tuple[float, float]], start_s: float, rng: np.random.Generator, cruise_ft: float = 37000,
        spacing: tuple[float, float] = (6.0, 28.0)) -> dict[str, np.ndarray]:
    """A flight along the geodesic legs through `points` (lat, lon), starting `start_s` after midnight:
    3 min taxi, climb, cruise at ~460 kt, descent, 3 min taxi. Samples every `spacing` seconds (uniform)."""
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    az, _, leg = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    leg = np.atleast_1d(leg)
    az = np.atleast_1d(az)
    cum = np.concatenate([[0.0], np.cumsum(leg)])
    total = cum[-1]
    n_max = int(total / 60 / 2 + 200) * 4
    dt = rng.uniform(*spacing, n_max)
    t = np.concatenate([[0.0], np.cumsum(dt)])
    taxi = 180.0
    airborne_t = np.maximum(t - taxi, 0.0)
    gs = np.minimum(150 + airborne_t * 0.25, 460.0)  # kt
    gs = np.where(t < taxi, 12.0, gs)
    d = np.concatenate([[0.0], np.cumsum(gs[:-1] * M_PER_NM / 3600 * np.diff(t))])
    # descent: the last 120 nm at decreasing speed is approximated by the same distance law; stop at the end
    end = int(np.searchsorted(d, total))
    t, d, gs = t[: end + 1], np.minimum(d[: end + 1], total), gs[: end + 1]
    t_land = t[-1]
    t = np.concatenate([t, t_land + np.cumsum(rng.uniform(5, 15, 12))])
    d = np.concatenate([d, np.full(12, total)])
    gs = np.concatenate([np.minimum(gs, 180 + (total - d[: len(gs)]) / M_PER_NM * 2.5), np.full(12, 10.0)])
    k = np.clip(np.searchsorted(cum, d, side="right") - 1, 0, len(leg) - 1)
    lo, la, back = GEOD.fwd(lon[k], lat[k], az[k], d - cum[k])
    ground = (t < taxi) | (t > t_land)
    to_go_nm = (total - d) / M_PER_NM
    alt = np.minimum.reduce([np.full(len(t), cruise_ft), (t - taxi) / 60 * 2200, to_go_nm * 320])
    alt = np.round(np.maximum(alt, 0) / 25) * 25
    alt[ground] = np.nan
    trk = (np.asarray(back) + 180.0) % 360.0
    vr = np.gradient(np.nan_to_num(alt), t) * 60
    vr = np.round(vr / 64) * 64
    return {"t": t + start_s, "lat": np.round(la, 6), "lon": np.round(lo, 6), "alt_ft": alt,
            "gs_kt": np.round(gs, 1), "track": np.round(trk, 1), "vrate": vr}


def orbit(start_s: float, hours: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A racetrack orbit offshore at FL260-FL300, sampled every 8-20 s."""
    n = int(hours * 3600 / 14)
    t = start_s + np.cumsum(rng.uniform(8, 20, n))
    phase = (t - start_s) / 1800.0 * 2 * np.pi  # one lap in 30 min
    la = ORBIT_CENTRE[0] + rng.uniform(-0.3, 0.3) + 0.25 * np.sin(phase)
    lo = ORBIT_CENTRE[1] + rng.uniform(-0.8, 0.8) + 0.7 * np.cos(phase)
    alt = np.full(n, float(rng.choice([26000, 28000, 30000])))
    return {"t": t, "lat": np.round(la, 6), "lon": np.round(lo, 6), "alt_ft": alt, "gs_kt": np.full(n, 310.0),
            "track": np.round(np.degrees(phase) % 360, 1), "vrate": np.zeros(n)}


def _received(f: dict[str, np.ndarray], drop_region: bool) -> dict[str, np.ndarray]:
    """Remove what no receiver heard (the hole; the whole region on a drop day); flag the next point stale."""
    la, lo = f["lat"], f["lon"]
    lost = (la > HOLE[0]) & (la < HOLE[1]) & (lo > HOLE[2]) & (lo < HOLE[3])
    if drop_region:
        lost |= (la > REGION_BOX[0]) & (la < REGION_BOX[1]) & (lo > REGION_BOX[2]) & (lo < REGION_BOX[3])
    keep = ~lost
    stale = np.zeros(len(la), dtype=bool)
    after = np.flatnonzero(lost[:-1] & keep[1:]) + 1
    stale[after] = True
    return {k: v[keep] for k, v in {**f, "stale": stale}.items()}


class Fleet:
    """Stable aircraft identities (hex, registration, type) per operator, drawn from the seed."""

    BLOCKS: ClassVar[dict[str, tuple[int, str | None, str]]] = {"US": (0xA00000, "N", "B38M"), "ES": (0x340000, "EC-", "A332"), "PT": (0x490000, "CS-", "A339"),
              "FR": (0x390000, "F-", "B77W"), "CO": (0x0AC000, "HK-", "A320"), "PA": (0x0C2000, "HP-", "B738"),
              "BR": (0xE40000, "PR-", "A21N"), "VE": (0x0D8000, "YV", "A340"), "TR": (0x4B8000, "TC-", "A333"),
              "MIL": (0xAE0000, None, "B52"), "EU": (0x400000, "G-", "A20N")}

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.used: set[int] = set()

    def aircraft(self, country: str) -> tuple[str, str | None, str]:
        base, prefix, kind = self.BLOCKS[country]
        while True:
            code = base + int(self.rng.integers(0, 0x3FFF))
            if code not in self.used:
                self.used.add(code)
                break
        reg = None if prefix is None else f"{prefix}{code % 10000:04d}"
        return f"{code:06x}", reg, kind


def _country_of(a: str, b: str) -> str:
    first = {"K": "US", "S": "BR", "L": "ES", "M": "PA", "T": "US", "SY": "US"}
    if a.startswith("SK") or b.startswith("SK"):
        return "CO"
    if a.startswith("LP"):
        return "PT"
    if a.startswith("LF"):
        return "FR"
    if a.startswith("LT"):
        return "TR"
    return first.get(a[:1], "US")


def plan_day(day: date, closure: date, seed: int, *, drop: bool = False, scale: float = 1.0) -> list[Flight]:
    """The regional flights of one day (see the module docstring). Deterministic for (day, closure, seed)."""
    rng = np.random.default_rng([seed, day.toordinal()])
    fleet = Fleet(seed * 1000003 + day.toordinal())
    closed = day >= closure
    out: list[Flight] = []

    def add(kind: str, country: str, callsign: str, f: dict[str, np.ndarray], db_flags: int | None = None) -> None:
        hexid, reg, typ = fleet.aircraft(country)
        got = _received(f, drop and rng.random() < 0.8)
        if len(got["t"]) < 2 or got["t"][-1] >= 86400:
            return
        out.append(Flight(hexid, callsign, reg, typ, db_flags, kind, got["t"], got["lat"], got["lon"], got["alt_ft"],
                          got["gs_kt"], got["track"], got["vrate"], got["stale"]))

    def n(mean: float) -> int:
        return int(rng.poisson(mean * scale))

    for a, b in THROUGH:
        for _ in range(n(2.0)):
            pts = _route_points([a, b] if rng.random() < 0.5 else [b, a])
            kind = "through"
            if closed:
                for wp in sorted(DETOURS, key=lambda _: rng.random()):
                    trial = [pts[0], wp, pts[-1]]
                    if not _crosses_venezuela(trial):
                        pts, kind = trial, "detour"
                        break
                else:
                    continue  # no way around: cancelled
            country = _country_of(a, b)
            add(kind, country, f"{country[:1]}{rng.integers(100, 999)}", fly(pts, rng.uniform(0, 12) * 3600, rng))
    for a, b in AROUND:
        if a not in AIRPORTS:
            continue
        for _ in range(n(1.5)):
            pts = _route_points([a, b] if rng.random() < 0.5 else [b, a])
            add("around", _country_of(a, b), f"CMP{rng.integers(100, 999)}", fly(pts, rng.uniform(0, 18) * 3600, rng))
    for a, b in INTO_FOREIGN:
        mean = 0.12 if closed else 1.6
        for _ in range(n(mean)):
            pts = _route_points([a, b] if rng.random() < 0.5 else [b, a])
            add("into", _country_of(a, b), f"IBE{rng.integers(100, 999)}", fly(pts, rng.uniform(0, 12) * 3600, rng))
    for a, b in DOMESTIC:
        for _ in range(n(0.8 if closed else 2.5)):
            pts = _route_points([a, b] if rng.random() < 0.5 else [b, a])
            add("domestic", "VE", f"VCV{rng.integers(1000, 9999)}",
                fly(pts, rng.uniform(0, 20) * 3600, rng, cruise_ft=24000))
    for _ in range(n(4.0 if closed else 1.0)):
        add("military", "MIL", f"BONE{rng.integers(10, 99)}", orbit(rng.uniform(0, 16) * 3600, rng.uniform(2, 6), rng),
            db_flags=1)
    return out


def filler(day: date, count: int, seed: int) -> Iterator[Flight]:
    """`count` short flights far from the region (Europe, North America), ~150-250 points each."""
    rng = np.random.default_rng([seed, day.toordinal(), 7])
    base = 0x480000 + (day.toordinal() % 7) * 0x10000
    boxes = ((40.0, 55.0, -10.0, 20.0), (30.0, 45.0, -120.0, -75.0))
    for i in range(count):
        la0, la1, lo0, lo1 = boxes[i % 2]
        n = int(rng.integers(150, 250))
        t = rng.uniform(0, 70000) + np.cumsum(rng.uniform(6, 30, n))
        lat = rng.uniform(la0, la1) + np.cumsum(rng.normal(0, 0.02, n))
        lon = rng.uniform(lo0, lo1) + np.cumsum(rng.normal(0, 0.02, n))
        alt = np.full(n, 35000.0)
        yield Flight(f"{(base + i) % 0xFFFFFF:06x}", f"EZY{i % 9000 + 1000}", None, "A320", None, "filler", t,
                     np.round(lat, 6), np.round(lon, 6), alt, np.full(n, 440.0), np.full(n, 90.0), np.zeros(n),
                     np.zeros(n, dtype=bool))


def trace_json(f: Flight, midnight: float) -> bytes:
    """The readsb trace_full of a flight (as adsb.lol archives it: timestamp = midnight UTC)."""
    n = len(f.t)
    ground = np.isnan(f.alt_ft)
    flags = f.stale.astype(int)  # bit 1: stale
    flags[0] |= 2  # bit 2: new leg
    alt = [("ground" if g else int(a)) for g, a in zip(ground.tolist(), np.nan_to_num(f.alt_ft).tolist(), strict=True)]
    geom = [None if g else int(a) + 125 for g, a in zip(ground.tolist(), np.nan_to_num(f.alt_ft).tolist(), strict=True)]
    vr = [None if g else int(v) for g, v in zip(ground.tolist(), f.vrate.tolist(), strict=True)]
    details: list[object] = [None] * n
    for i in range(0, n, 40):
        details[i] = {"type": "adsb_icao", "flight": f"{f.callsign:<8}", "squawk": "2000", "alt_geom": geom[i]}
    cols = [np.round(f.t, 2).tolist(), f.lat.tolist(), f.lon.tolist(), alt, f.gs_kt.tolist(), f.track.tolist(),
            flags.tolist(), vr, details, ["adsb_icao"] * n, geom, [None] * n, [None] * n, [None] * n]
    doc: dict[str, object] = {"icao": f.icao, "timestamp": midnight, "trace": list(map(list, zip(*cols, strict=True)))}
    if f.registration:
        doc["r"] = f.registration
    doc["t"] = f.aircraft_type
    if f.db_flags is not None:
        doc["dbFlags"] = f.db_flags
    return orjson.dumps(doc)


def member_name(icao: str) -> str:
    """Where a trace sits in an adsb.lol release: ./traces/<last two hex digits>/trace_full_<hex>.json."""
    return f"./traces/{icao[-2:]}/trace_full_{icao}.json"


class _PartWriter(io.RawIOBase):
    """A write stream that rolls over into split parts (`NAME.aa`, `NAME.ab`, ...) of `part_size` bytes."""

    def __init__(self, stem: Path, part_size: int) -> None:
        self.stem, self.part_size, self.parts, self._fh, self._left = stem, part_size, [], None, 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        view = memoryview(data)
        while len(view):
            if self._left == 0:
                if self._fh:
                    self._fh.close()
                i = len(self.parts)
                path = self.stem.with_name(f"{self.stem.name}.{chr(97 + i // 26)}{chr(97 + i % 26)}")
                self.parts.append(path)
                self._fh, self._left = open(path, "wb"), self.part_size  # noqa: SIM115 (closed on roll-over / close)
            k = min(self._left, len(view))
            self._fh.write(view[:k])
            self._left -= k
            view = view[k:]
        return len(data)

    def close(self) -> None:
        if self._fh:
            self._fh.close()
            self._fh = None
        super().close()


def write_release(out_dir: Path, day: date, members: Iterable[tuple[str, bytes]], part_size: int = 64 << 20,
                  tag: str = "planes-readsb-prod-0") -> list[Path]:
    """An adsb.lol release: a tar of the (name, gzip bytes) members, split into parts. Returns the parts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    writer = _PartWriter(out_dir / f"v{day:%Y.%m.%d}-{tag}.tar", part_size)
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.GNU_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    writer.close()
    return writer.parts


def day_members(flights: Iterable[Flight], day: date, level: int = 1) -> Iterator[tuple[str, bytes]]:
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
    for f in flights:
        yield member_name(f.icao), gzip.compress(trace_json(f, midnight), compresslevel=level, mtime=0)


def write_opensky(out_dir: Path, day: date, flights: list[Flight], hours: Iterable[int], fmt: str = "csv") -> list[Path]:
    """OpenSky hourly state vectors (`states_YYYY-MM-DD-HH.csv|parquet`): every aircraft every 10 s, metres
    and m/s, rows ordered by time."""
    out_dir.mkdir(parents=True, exist_ok=True)
    midnight = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    paths = []
    for hour in hours:
        grid = np.arange(hour * 3600, (hour + 1) * 3600, 10.0)
        parts = []
        for f in flights:
            k = (grid >= f.t[0]) & (grid <= f.t[-1])
            if not k.any():
                continue
            g = grid[k]
            alt = np.interp(g, f.t, np.nan_to_num(f.alt_ft, nan=-1.0))
            on_ground = alt < 0
            parts.append({"time": (g + midnight).astype(np.int64), "icao24": [f.icao] * len(g),
                          "lat": np.round(np.interp(g, f.t, f.lat), 5), "lon": np.round(np.interp(g, f.t, f.lon), 5),
                          "velocity": np.round(np.interp(g, f.t, f.gs_kt) * M_PER_NM / 3600, 2),
                          "heading": np.interp(g, f.t, f.track), "vertrate": np.zeros(len(g)),
                          "callsign": [f"{f.callsign:<8}"] * len(g), "onground": on_ground,
                          "alert": np.zeros(len(g), bool), "spi": np.zeros(len(g), bool), "squawk": ["2000"] * len(g),
                          "baroaltitude": np.where(on_ground, np.nan, np.round(alt * M_PER_FT, 2)),
                          "geoaltitude": np.where(on_ground, np.nan, np.round(alt * M_PER_FT + 38, 2)),
                          "lastposupdate": g + midnight - 0.4, "lastcontact": g + midnight - 0.1})
        if not parts:
            continue
        table = pa.concat_tables([pa.table(p) for p in parts]).sort_by([("time", "ascending"), ("icao24", "ascending")])
        path = out_dir / f"states_{day:%Y-%m-%d}-{hour:02d}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path)
        else:
            pacsv.write_csv(table, path)
        paths.append(path)
    return paths


def generate(out: Path, start: date, days: int, closure: date, *, filler_per_day: int = 0, seed: int = 1,
             drop_days: Iterable[date] = (), part_size: int = 64 << 20, opensky_hours: Iterable[int] = (),
             scale: float = 1.0) -> dict[date, list[Flight]]:
    """Write `days` releases from `start` under `out/adsblol/` (and OpenSky files under `out/opensky/`).
    Returns the regional flights of each day (the ground truth, as received)."""
    drops = set(drop_days)
    truth = {}
    for k in range(days):
        day = start + timedelta(days=k)
        flights = plan_day(day, closure, seed, drop=day in drops, scale=scale)
        truth[day] = flights
        extra = filler(day, filler_per_day, seed) if filler_per_day else iter(())

        def all_flights(fl: list[Flight] = flights, ex: Iterator[Flight] = extra) -> Iterator[Flight]:
            yield from fl
            yield from ex

        write_release(out / "adsblol", day, day_members(all_flights(), day), part_size=part_size)
        hours = list(opensky_hours)
        if hours:
            write_opensky(out / "opensky", day, flights, hours)
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--start", default="2025-11-15")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--closure", default="2025-11-29")
    ap.add_argument("--filler", type=int, default=0, help="filler traces per day far from the region")
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the regional traffic")
    ap.add_argument("--drop-day", action="append", default=[], help="a day on which the region's coverage drops")
    ap.add_argument("--opensky-hours", default="", help="comma-separated hours to also write as OpenSky CSV")
    ap.add_argument("--part-size-mb", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    truth = generate(a.out, date.fromisoformat(a.start), a.days, date.fromisoformat(a.closure),
                     filler_per_day=a.filler, seed=a.seed, drop_days=[date.fromisoformat(d) for d in a.drop_day],
                     part_size=a.part_size_mb << 20, scale=a.scale,
                     opensky_hours=[int(h) for h in a.opensky_hours.split(",") if h])
    print(f"wrote {len(truth)} days, {sum(len(v) for v in truth.values())} regional traces "
          f"(+{a.filler} filler per day) under {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
