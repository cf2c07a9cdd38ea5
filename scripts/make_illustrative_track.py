"""Build the ILLUSTRATIVE track of the bundled case data/cases/venezuela-2025-11/.

A recorded ADS-B track of YV2984 cannot be shipped, so the demo case uses a synthetic one built from the
reported facts (data/cases/venezuela-2025-11/PROVENANCE.md) and a simple physical flight model:

- route: Maiquetía (SVMI) -> Santa Elena de Uairén (SVSE) -> SVMI, great-circle legs (pyproj, WGS84) through a
  departure point and a final-approach fix; the airport positions are real (airportsdata), the runways and
  procedures are NOT modelled faithfully;
- times anchored on the reports: touchdown at SVSE 01:10:00Z on 29 Nov 2025 (21:10 in Caracas, 28 Nov),
  40 minutes on the ground, take-off 01:50:00Z; the Caracas departure and return times follow from the model;
- vertical profile: take-off roll, climb at 2,500/2,000/1,200 ft/min, cruise (FL350 out, FL340 back),
  descent at 2,500/1,800/800 ft/min, landing roll; ground speed a function of altitude (no wind);
- readsb-like recording: 1 s simulation, decimated as readsb's traceAdd does (a point every 20 s or on a
  change of speed, altitude, track or air/ground state), rounded as readsb writes them (25 ft altitude,
  64 ft/min vertical rate), source `adsb_icao`;
- a coverage gap over the Gran Sabana on the outbound cruise (no positions for several minutes), and the
  first point after it flagged stale (flag 1), as readsb does after a reception gap.

The output is a readsb `trace_full` file (live style: `timestamp` = first point, crossing midnight) with
`"illustrative": true` and a `"note"`, which `tracks` carries to Source.illustrative / Source.note so that
the report and the map say it is not a recording. Deterministic: same seed, same bytes.

    python scripts/make_illustrative_track.py            # rewrites the bundled file
    python scripts/make_illustrative_track.py --out x.json --seed 7
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Geod

from tracks.units import kt_to_ms

GEOD = Geod(ellps="WGS84")
KT = kt_to_ms(1.0)  # metres per second in one knot

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "data" / "cases" / "venezuela-2025-11" / "trace_full_0d8373.illustrative.json"

# -- the reported facts (see the case's PROVENANCE.md) --------------------------------------------------------
ICAO24 = "0d8373"
REGISTRATION = "YV2984"
TYPE = "A319"
SVMI = (10.60312, -66.99059, 235.0)  # lat, lon, elevation ft (airportsdata / OurAirports)
SVSE = (4.555, -61.150, 2938.0)
SVSE_TOUCHDOWN = pd.Timestamp("2025-11-29T01:10:00Z")  # "around 21:10 local" on 28 Nov, America/Caracas
SVSE_GROUND_S = 40 * 60  # "about 40 minutes on the ground"

# -- assumptions of the model (illustrative, not reported) ------------------------------------------------
SEED = 20251129
SVMI_RUNWAY_DEG = 95.0  # take-off and final approach axis at SVMI (runway 10/28 is roughly east-west)
SVSE_FINAL_FROM_DEG = 316.0  # straight-in final at SVSE from the north-west, along the route
DEPARTURE_POINT_KM = 15.0  # straight out from the runway before turning onto the route
FINAL_FIX_KM = 20.0  # length of the straight final approach
CRUISE_FT = (35000.0, 34000.0)  # outbound (eastbound: odd flight level), return (westbound: even)
TAXI_OUT_S = 6 * 60  # ground time before the take-off roll at SVMI
TAXI_IN_S = 4 * 60  # ground time after the landing roll at SVMI
#: Coverage gap on the outbound leg, as along-route distance from SVMI (km): the Gran Sabana, far from receivers.
GAP_KM = (560.0, 700.0)
TRACE_INTERVAL_S = 20.0  # readsb json_trace_interval
NOTE = (
    "ILLUSTRATIVE track, not a recording: synthesised by scripts/make_illustrative_track.py from the reported "
    "facts (YV2984 landed at SVSE about 21:10 local on 28 Nov 2025, about 40 min on the ground) and a simple "
    "flight model; departure and return times, route, altitudes and the coverage gap are assumptions. "
    "See data/cases/venezuela-2025-11/PROVENANCE.md."
)


# -- route geometry -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A polyline of great-circle segments: cumulative distances and forward azimuths per segment."""

    lats: np.ndarray
    lons: np.ndarray
    starts_m: np.ndarray  # cumulative distance at each segment start
    az: np.ndarray  # forward azimuth at each segment start (deg)
    length_m: float

    @classmethod
    def through(cls, points: list[tuple[float, float]]) -> Route:
        lats = np.array([p[0] for p in points])
        lons = np.array([p[1] for p in points])
        az, _, dist = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
        starts = np.concatenate([[0.0], np.cumsum(dist)[:-1]])
        return cls(lats, lons, starts, np.asarray(az), float(np.sum(dist)))

    def at(self, s_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions (lat, lon) and track (deg) at along-route distances `s_m`."""
        s = np.clip(s_m, 0.0, self.length_m)
        seg = np.clip(np.searchsorted(self.starts_m, s, side="right") - 1, 0, len(self.az) - 1)
        lon, lat, back = GEOD.fwd(self.lons[seg], self.lats[seg], self.az[seg], s - self.starts_m[seg])
        return np.asarray(lat), np.asarray(lon), (np.asarray(back) + 180.0) % 360.0


def offset(p: tuple[float, float, float], bearing_deg: float, km: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(p[1], p[0], bearing_deg, km * 1000.0)
    return (float(lat), float(lon))


# -- vertical and speed profile -------------------------------------------------------------------------------


def ground_speed_kt(alt_agl_ft: np.ndarray | float, alt_ft: np.ndarray | float, cruise_ft: float) -> np.ndarray:
    """Ground speed (no wind) as a function of height: 150 kt at lift-off to 450 kt at cruise."""
    agl = np.asarray(alt_agl_ft, dtype=float)
    alt = np.asarray(alt_ft, dtype=float)
    low = 150.0 + 100.0 * np.clip(agl / 3000.0, 0.0, 1.0)
    high = 290.0 + 160.0 * np.clip((alt - 10000.0) / (cruise_ft - 10000.0), 0.0, 1.0)
    return np.where(alt < 10000.0, low, high)


def climb_rate_fpm(alt_ft: float) -> float:
    return 2500.0 if alt_ft < 10000 else 2000.0 if alt_ft < 25000 else 1200.0


def descent_rate_fpm(alt_agl_ft: float, alt_ft: float) -> float:
    return 2500.0 if alt_ft >= 10000 else 1800.0 if alt_agl_ft >= 3000 else 800.0


@dataclass
class Flight:
    """A 1 s simulation of one leg, from the start of the take-off roll to the end of the landing roll."""

    t: np.ndarray  # seconds from the start of the take-off roll
    s: np.ndarray  # along-route distance, m
    alt: np.ndarray  # ft (baro), NaN on the ground
    gs: np.ndarray  # kt
    vr: np.ndarray  # ft/min
    ground: np.ndarray  # bool
    touchdown_s: float
    liftoff_s: float


def simulate(route: Route, elev_from: float, elev_to: float, cruise_ft: float) -> Flight:
    """Take-off roll, climb, cruise, descent and landing roll along `route`, 1 s steps."""
    # descent table, built backwards from touchdown: remaining distance -> altitude, speed, rate
    back_d, back_alt, back_gs, back_vr = [0.0], [elev_to], [140.0], [-800.0]
    alt, d = elev_to, 0.0
    while alt < cruise_ft:
        rate = descent_rate_fpm(alt - elev_to, alt)
        gs = float(ground_speed_kt(alt - elev_to, alt, cruise_ft)) if alt - elev_to > 50 else 140.0
        alt = min(cruise_ft, alt + rate / 60.0)
        d += gs * KT
        back_d.append(d)
        back_alt.append(alt)
        back_gs.append(gs)
        back_vr.append(-rate)
    descent_m = d
    roll_m = 1100.0  # landing roll to taxi speed
    t, s, alts, gss, vrs, ground = [], [], [], [], [], []
    # take-off roll: 0 -> 150 kt in 35 s
    for i in range(35):
        t.append(float(i))
        s.append(0.5 * (150.0 * KT / 35.0) * i * i)
        alts.append(np.nan)
        gss.append(150.0 * i / 35.0)
        vrs.append(0.0)
        ground.append(True)
    liftoff = 35.0
    pos, alt, tt = s[-1] + 150.0 * KT, elev_from, liftoff
    phase = "climb"
    end = route.length_m - roll_m
    while pos < end:
        remaining = end - pos
        if phase != "descent" and remaining <= descent_m:
            phase = "descent"
        if phase == "climb":
            rate = climb_rate_fpm(alt)
            alt = min(cruise_ft, alt + rate / 60.0)
            vr = rate if alt < cruise_ft else 0.0
            if alt >= cruise_ft:
                phase = "cruise"
            gs = float(ground_speed_kt(alt - elev_from, alt, cruise_ft))
        elif phase == "cruise":
            vr, gs = 0.0, float(ground_speed_kt(cruise_ft - elev_from, cruise_ft, cruise_ft))
        else:
            alt = float(np.interp(remaining, back_d, back_alt))
            gs = float(np.interp(remaining, back_d, back_gs))
            vr = float(np.interp(remaining, back_d, back_vr))
        t.append(tt)
        s.append(pos)
        alts.append(alt)
        gss.append(gs)
        vrs.append(vr)
        ground.append(False)
        pos += gs * KT
        tt += 1.0
    touchdown = tt
    # landing roll: 140 -> 15 kt over the roll distance
    v = 140.0
    while v > 15.0:
        t.append(tt)
        s.append(pos)
        alts.append(np.nan)
        gss.append(v)
        vrs.append(0.0)
        ground.append(True)
        pos += v * KT
        v -= 4.0
        tt += 1.0
    return Flight(np.array(t), np.array(s), np.array(alts), np.array(gss), np.array(vrs), np.array(ground),
                  touchdown, liftoff)


# -- recording: readsb-like decimation -----------------------------------------------------------------------


def alt_threshold_ft(alt: float) -> float:
    return 100.0 if alt < 5000 else 200.0 if alt < 10000 else 400.0


def decimate(times: np.ndarray, alt: np.ndarray, gs: np.ndarray, trk: np.ndarray, ground: np.ndarray,
             covered: np.ndarray) -> np.ndarray:
    """Indices readsb's traceAdd would keep: every TRACE_INTERVAL_S or on a change; only covered samples."""
    keep: list[int] = []
    last = -1
    for i in range(len(times)):
        if not covered[i]:
            continue
        if last < 0:
            keep.append(i)
            last = i
            continue
        dt = times[i] - times[last]
        if dt < 1.0:
            continue
        gs_step = 10.0 if (not ground[i] and alt[i] > 10000) else 5.0
        changed = (
            ground[i] != ground[last]
            or abs(gs[i] - gs[last]) >= gs_step
            or (not ground[i] and abs(alt[i] - alt[last]) > alt_threshold_ft(alt[i]))
            or (abs((trk[i] - trk[last] + 180.0) % 360.0 - 180.0) > 3.0 and gs[i] > 30)
        )
        if changed or dt >= TRACE_INTERVAL_S or (i >= 5 and not covered[i - 5:i].any()):
            keep.append(i)
            last = i
    return np.array(keep, dtype=int)


# -- the whole trip -------------------------------------------------------------------------------------------


def taxi_path(points: list[tuple[float, float]], speed_ms: float, t0: float) -> tuple[np.ndarray, ...]:
    """Times and positions every second along a taxi path at constant speed, starting at `t0` seconds."""
    route = Route.through(points)
    n = max(int(route.length_m / speed_ms), 1)
    s = np.linspace(0.0, route.length_m, n + 1)
    lat, lon, trk = route.at(s)
    return t0 + np.arange(n + 1, dtype=float), lat, lon, trk


def ground_block(
    start: tuple[float, float], stand: tuple[float, float], end: tuple[float, float], seconds: float,
    rng: np.random.Generator, step: float = 25.0,
) -> dict[str, np.ndarray]:
    """`seconds` on the ground: taxi from `start` to the stand, wait, taxi to `end` (arriving at `seconds`).

    Taxi at 7 m/s (about 14 kt) recorded every 10 s; while parked, a point every `step` s (readsb keeps
    writing stationary aircraft it still hears).
    """
    parts = []
    if start != stand:
        t_in, la, lo, tr = taxi_path([start, stand], 7.0, 0.0)
        parts.append((t_in[::10], la[::10], lo[::10], tr[::10], np.full(len(t_in[::10]), 14.0)))
        t_park0 = float(t_in[-1])
        park_heading = float(tr[-1])
    else:
        t_park0, park_heading = 0.0, 0.0
    if stand != end:
        _, la2, lo2, tr2 = taxi_path([stand, end], 7.0, 0.0)
        t_out0 = seconds - len(la2) + 1
    else:
        t_out0 = seconds
    n_park = max(int((t_out0 - t_park0) // step), 1)
    t_park = t_park0 + step * np.arange(1, n_park) + rng.uniform(-2.0, 2.0, n_park - 1)
    parts.append((t_park, np.full(n_park - 1, stand[0]), np.full(n_park - 1, stand[1]),
                  np.full(n_park - 1, park_heading), np.zeros(n_park - 1)))
    if stand != end:
        t_out = t_out0 + np.arange(len(la2), dtype=float)
        parts.append((t_out[::10], la2[::10], lo2[::10], tr2[::10], np.full(len(t_out[::10]), 14.0)))
    t, lat, lon, trk, gs = (np.concatenate(x) for x in zip(*parts, strict=True))
    keep = (t >= 0) & (t < seconds)
    return {"t": t[keep], "lat": lat[keep], "lon": lon[keep], "gs": gs[keep], "trk": trk[keep]}


def build(seed: int = SEED) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    svmi_dep = offset(SVMI, SVMI_RUNWAY_DEG, DEPARTURE_POINT_KM)
    svse_faf = offset(SVSE, SVSE_FINAL_FROM_DEG, FINAL_FIX_KM)
    svmi_faf = offset(SVMI, SVMI_RUNWAY_DEG, FINAL_FIX_KM)
    svmi_roll = offset(SVMI, SVMI_RUNWAY_DEG + 180.0, 1.5)  # start of the take-off roll, west of the reference point
    out_route = Route.through([svmi_roll, svmi_dep, svse_faf, (SVSE[0], SVSE[1])])
    svse_roll = offset(SVSE, SVSE_FINAL_FROM_DEG + 180.0, 1.0)
    back_route = Route.through([svse_roll, svse_faf, svmi_faf, (SVMI[0], SVMI[1])])
    out = simulate(out_route, SVMI[2], SVSE[2], CRUISE_FT[0])
    back = simulate(back_route, SVSE[2], SVMI[2], CRUISE_FT[1])

    t_out0 = SVSE_TOUCHDOWN - pd.Timedelta(seconds=out.touchdown_s)  # start of the outbound take-off roll
    t_back0 = SVSE_TOUCHDOWN + pd.Timedelta(seconds=SVSE_GROUND_S) - pd.Timedelta(seconds=back.liftoff_s)

    rows: list[dict[str, object]] = []

    def add_flight(f: Flight, route: Route, t0: pd.Timestamp, elev_from: float, gap: tuple[float, float] | None,
                   new_leg: bool) -> None:
        lat, lon, trk = route.at(f.s)
        times = f.t
        covered = rng.uniform(size=len(f.t)) > 0.3  # about 30% of the 1 s positions are not received
        in_gap = np.zeros(len(f.t), dtype=bool)
        if gap is not None:
            in_gap = (f.s >= gap[0] * 1000.0) & (f.s <= gap[1] * 1000.0)
        keep = decimate(times, np.nan_to_num(f.alt, nan=elev_from), f.gs, trk, f.ground, covered & ~in_gap)
        after_gap = {int(keep[j]) for j in range(1, len(keep)) if in_gap[keep[j] - 1]}
        for i in keep:
            rows.append({
                "time": t0 + pd.Timedelta(seconds=float(times[i])),
                "lat": float(lat[i]), "lon": float(lon[i]),
                "alt": None if f.ground[i] else float(f.alt[i]),
                "gs": float(f.gs[i]), "trk": float(trk[i]), "vr": float(f.vr[i]),
                "stale": int(i) in after_gap, "new_leg": new_leg and i == keep[0],
            })

    def add_ground(block: dict[str, np.ndarray], t0: pd.Timestamp) -> None:
        for k in range(len(block["t"])):
            rows.append({
                "time": t0 + pd.Timedelta(seconds=float(block["t"][k])),
                "lat": float(block["lat"][k]), "lon": float(block["lon"][k]), "alt": None,
                "gs": float(block["gs"][k]), "trk": float(block["trk"][k]), "vr": 0.0, "stale": False,
                "new_leg": False,
            })

    # SVMI: parked then taxi to the runway start, then the outbound flight
    svmi_stand = offset(SVMI, 10.0, 0.6)  # a stand north of the runway
    add_ground(ground_block(svmi_stand, svmi_stand, svmi_roll, TAXI_OUT_S, rng),
               t_out0 - pd.Timedelta(seconds=TAXI_OUT_S))
    add_flight(out, out_route, t_out0, SVMI[2], GAP_KM, new_leg=False)
    # SVSE: after the landing roll, taxi back to the apron, parked, taxi out to the take-off roll start
    land_end = rows[-1]
    t_land_end = land_end["time"]
    assert isinstance(t_land_end, pd.Timestamp)
    on_ground_s = (t_back0 - t_land_end).total_seconds()
    svse_stand = offset(SVSE, SVSE_FINAL_FROM_DEG + 90.0, 0.3)  # the apron, beside the runway
    block = ground_block((float(land_end["lat"]), float(land_end["lon"])), svse_stand, svse_roll,
                         on_ground_s - 3.0, rng)
    add_ground(block, t_land_end + pd.Timedelta(seconds=3.0))
    add_flight(back, back_route, t_back0, SVSE[2], None, new_leg=True)
    t_end = rows[-1]["time"]
    assert isinstance(t_end, pd.Timestamp)
    land = rows[-1]
    land_at = (float(land["lat"]), float(land["lon"]))  # type: ignore[arg-type]
    add_ground(ground_block(land_at, svmi_stand, svmi_stand, TAXI_IN_S, rng), t_end + pd.Timedelta(seconds=3.0))

    rows.sort(key=lambda r: r["time"])  # type: ignore[arg-type,return-value]
    t_ref = rows[0]["time"]
    assert isinstance(t_ref, pd.Timestamp)
    timestamp = float(np.floor(t_ref.timestamp()))  # whole seconds: point times are then exact to 10 ms
    trace = []
    for k, r in enumerate(rows):
        t = r["time"]
        assert isinstance(t, pd.Timestamp)
        dt = round(t.timestamp() - timestamp, 2)
        alt = r["alt"]
        ground = alt is None
        flags = 1 if r["stale"] else 0
        if r["new_leg"]:
            flags |= 2  # readsb's leg marker: the first point of a take-off after a stop
        alt_out: object = "ground" if ground else int(round(float(alt) / 25.0) * 25)  # type: ignore[arg-type]
        geom = None if ground else int(round((float(alt) + 350.0) / 25.0) * 25)  # type: ignore[arg-type]
        vr = None if ground else int(round(float(r["vr"]) / 64.0) * 64)  # type: ignore[arg-type]
        details = {"type": "adsb_icao", "category": "A3"} if k % 40 == 0 else None
        trace.append([dt, round(float(r["lat"]), 6), round(float(r["lon"]), 6), alt_out,  # type: ignore[arg-type]
                      round(float(r["gs"]), 1), round(float(r["trk"]), 1), flags, vr, details,  # type: ignore[arg-type]
                      "adsb_icao", geom, None, None, None])
    return {
        "icao": ICAO24,
        "r": REGISTRATION,
        "t": TYPE,
        "desc": "AIRBUS A-319",
        "illustrative": True,
        "note": NOTE,
        "timestamp": timestamp,
        "trace": trace,
    }


def dumps(doc: dict[str, object]) -> str:
    """JSON with one trace point per line, so that diffs of the bundled file stay readable."""
    head = {k: v for k, v in doc.items() if k != "trace"}
    lines = [json.dumps(p, separators=(",", ":")) for p in doc["trace"]]  # type: ignore[attr-defined]
    body = ",\n".join(lines)
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    return text + ',\n "trace": [\n' + body + "\n]\n}\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    doc = build(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(doc), encoding="utf-8")
    trace = doc["trace"]
    assert isinstance(trace, list)
    print(f"wrote {args.out} ({len(trace)} points)")


if __name__ == "__main__":
    main()
