"""Hand-made tracks with exactly known answers for the claim tests.

`path(...)` samples a piecewise-linear path (lat/lon/altitude linear in time between waypoints) every `step_s`
seconds; an altitude of None means on the ground. Times are seconds after T0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.helpers import make_track
from tracks.track import Track

T0 = pd.Timestamp("2025-11-28T23:00:00Z")
SVMI = (10.60312, -66.99059)
SVFM = (10.48503, -66.84351)
SVSE = (4.555, -61.150)

Waypoint = tuple[float, float, float, float | None]  # t_s, lat, lon, alt_ft (None = ground)


def at(seconds: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(seconds=seconds)


def path(waypoints: list[Waypoint], step_s: float = 30.0, *, drop: list[tuple[float, float]] = (),
         stale_after_drop: bool = False, icao24: str = "0d8373") -> Track:
    """Samples every `step_s` along the waypoints (and at each waypoint), minus those inside `drop` intervals."""
    ts = sorted({*np.arange(waypoints[0][0], waypoints[-1][0] + 1e-9, step_s).tolist(), *(w[0] for w in waypoints)})
    wt = np.array([w[0] for w in waypoints])
    lat = np.interp(ts, wt, [w[1] for w in waypoints])
    lon = np.interp(ts, wt, [w[2] for w in waypoints])
    ground_w = np.array([w[3] is None for w in waypoints])
    alt_w = np.array([np.nan if w[3] is None else float(w[3]) for w in waypoints])
    # altitude: linear between airborne waypoints; ground where the segment is between two ground waypoints
    seg = np.clip(np.searchsorted(wt, ts, side="right") - 1, 0, len(wt) - 1)
    nxt = np.minimum(seg + 1, len(wt) - 1)
    exact = np.isin(ts, wt)
    on_ground = np.where(exact, ground_w[np.searchsorted(wt, ts).clip(0, len(wt) - 1)], ground_w[seg] & ground_w[nxt])
    a0 = np.where(ground_w[seg], 0.0, alt_w[seg])
    a1 = np.where(ground_w[nxt], 0.0, alt_w[nxt])
    frac = np.where(wt[nxt] > wt[seg], (np.asarray(ts) - wt[seg]) / np.maximum(wt[nxt] - wt[seg], 1e-9), 0.0)
    alt = np.where(on_ground, np.nan, a0 + (a1 - a0) * frac)
    keep = np.ones(len(ts), dtype=bool)
    for a, b in drop:
        keep &= ~((np.asarray(ts) > a) & (np.asarray(ts) < b))
    stale = np.zeros(len(ts), dtype=bool)
    if stale_after_drop:
        for _, b in drop:
            after = np.flatnonzero(keep & (np.asarray(ts) >= b))
            if len(after):
                stale[after[0]] = True
    ts_k = np.asarray(ts)[keep]
    # ground speed from the path itself (kt), so that max-speed estimates are realistic
    from tracks.geo.reach import geodesic_km

    la, lo = lat[keep], lon[keep]
    d = geodesic_km(la[:-1], lo[:-1], la[1:], lo[1:]) if len(la) > 1 else np.zeros(0)
    dt = np.diff(ts_k)
    gs = np.r_[d / np.maximum(dt, 1e-9) * 3600 / 1.852, 0.0] if len(la) > 1 else np.zeros(len(la))
    return make_track(
        [at(t) for t in ts_k], la, lo,
        alt_baro_ft=alt[keep], on_ground=pd.array(on_ground[keep], dtype="boolean"), gs_kt=gs,
        stale=stale[keep], icao24=icao24,
    )


def trip(*, ground_svse_s: float = 2400.0, step_s: float = 30.0, drop: list[tuple[float, float]] = (),
         stale_after_drop: bool = False) -> Track:
    """SVMI -> SVSE -> SVMI at 35,000 ft, 450 kt-ish.

    Times (s after T0): SVMI ground 0..300, take-off 300, top of climb 1500, top of descent 5200, SVSE touchdown
    6000, ground 6000..6000+ground_svse_s, take-off, touchdown SVMI at +6000 s, ground 300 s.
    """
    t_back = 6000.0 + ground_svse_s
    wps: list[Waypoint] = [
        (0, *SVMI, None), (300, *SVMI, None),
        (1500, 9.8, -66.2, 35000.0), (5200, 5.3, -61.9, 35000.0),
        (6000, *SVSE, None), (t_back, *SVSE, None),
        (t_back + 800, 5.3, -61.9, 35000.0), (t_back + 4500, 9.8, -66.2, 35000.0),
        (t_back + 5700, *SVMI, None), (t_back + 6000, *SVMI, None),
    ]
    return path(wps, step_s, drop=drop, stale_after_drop=stale_after_drop)


def write_trace(track: Track, path: str, *, registration: str = "YV2984", illustrative: bool = False) -> str:
    """Write a Track as a readsb trace_full file (what the engine reads from a case's `tracks:`)."""
    import json

    d = track.data
    t0 = float(d["time"].iloc[0].timestamp())
    trace = []
    for r in d.itertuples(index=False):
        ground = bool(r.on_ground) if not pd.isna(r.on_ground) else False
        alt: object = "ground" if ground else (None if np.isnan(r.alt_baro_ft) else round(r.alt_baro_ft))
        trace.append([round(r.time.timestamp() - t0, 2), r.lat, r.lon, alt,
                      None if np.isnan(r.gs_kt) else round(float(r.gs_kt), 1), None, 1 if r.stale else 0, None, None,
                      "adsb_icao", None, None, None, None])
    doc = {"icao": str(d["icao24"].iloc[0]), "r": registration, "timestamp": t0, "trace": trace}
    if illustrative:
        doc.update(illustrative=True, note="made by tests/claims/builders.py")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return path
