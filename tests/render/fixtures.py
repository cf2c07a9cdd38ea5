"""Hand-built CaseResults for the map tests: known gaps, MLAT/estimated/stale samples, events and verdicts.

The flight: Caracas (SVMI) south-east to Santa Elena de Uairén (SVSE), landing 01:10Z on 29 Nov 2025,
40 min on the ground, back north. One 20-min coverage gap on the way out, MLAT samples near SVSE, one
estimated and one stale sample. Case and Region are tiny stand-ins (duck-typed like the real ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry import LineString, Polygon

from tests.helpers import make_track
from tracks.claims.result import EVENT_COLUMNS, CaseResult
from tracks.claims.verdict import (
    CONTRADICTED,
    NOT_VERIFIABLE,
    SUPPORTED,
    Evidence,
    GapRef,
    GeoPoint,
    Sample,
    SourceRef,
    Verdict,
)
from tracks.track import Source, Track

XSS_TAG = "<img src=x onerror=\"window.__xss=1;alert(1)\">"
XSS_SCRIPT = "</script><script>window.__xss=1;alert(1)</script>"

SVMI = (10.60312, -66.99059)
SVSE = (4.555, -61.15)
BORDER_LAT = 4.47  # the stand-in border runs east-west at this latitude
SHA = "9f2c" * 16


@dataclass(frozen=True)
class StandInArticle:
    publisher: str = "The Daily Example"
    title: str = "Presidential jet flies to the Brazilian border"
    url: str = "https://news.example.org/2025/11/30/jet"
    published: str = "2025-11-30"


@dataclass(frozen=True)
class StandInAircraft:
    icao24: str = "0d8373"
    registration: str = "YV2984"
    type: str = "A319"

    @property
    def label(self) -> str:
        return f"{self.registration} ({self.icao24})"


@dataclass(frozen=True)
class StandInCase:
    title: str = "YV2984 to Santa Elena de Uairén and back"
    article: StandInArticle = field(default_factory=StandInArticle)
    aircraft: StandInAircraft = field(default_factory=StandInAircraft)
    timezone: str = "America/Caracas"
    path: str = "/tmp/case.yaml"


@dataclass(frozen=True)
class StandInRegion:
    code: str
    name: str
    kind: str
    geometry: Any
    tolerance_km: float = 1.0


def flight_track(callsign: str = "VCV2984", illustrative: bool = False, n_leg: int = 180,
                 registration: str = "YV2984") -> Track:
    """Out SVMI->SVSE 23:20->01:10Z (gap 23:50-00:10), 40 min on ground, back 01:50->03:30Z; 8 s/sample."""
    out_t = pd.date_range("2025-11-28T23:20:00Z", "2025-11-29T01:10:00Z", periods=n_leg)
    back_t = pd.date_range("2025-11-29T01:50:00Z", "2025-11-29T03:30:00Z", periods=n_leg)
    ground_t = pd.date_range("2025-11-29T01:11:00Z", "2025-11-29T01:49:00Z", periods=5)
    frac = np.linspace(0, 1, n_leg)
    out_lat = SVMI[0] + (SVSE[0] - SVMI[0]) * frac
    out_lon = SVMI[1] + (SVSE[1] - SVMI[1]) * frac + 0.4 * np.sin(np.pi * frac)
    back_lat, back_lon = out_lat[::-1], SVMI[1] + (SVSE[1] - SVMI[1]) * frac[::-1] - 0.4 * np.sin(np.pi * frac)
    alt_leg = np.minimum(37000, 60000 * np.sin(np.pi * frac))
    times = out_t.append(ground_t).append(back_t)
    lats = np.concatenate([out_lat, np.full(5, SVSE[0]), back_lat])
    lons = np.concatenate([out_lon, np.full(5, SVSE[1]), back_lon])
    alts = np.concatenate([alt_leg, np.full(5, np.nan), alt_leg])
    ground = np.concatenate([np.zeros(n_leg, bool), np.ones(5, bool), np.zeros(n_leg, bool)])
    # coverage gap on the way out: drop samples between 23:50 and 00:10
    keep = ~((times >= pd.Timestamp("2025-11-28T23:50:00Z")) & (times < pd.Timestamp("2025-11-29T00:10:00Z")))
    source = np.array(["adsb"] * len(times), dtype=object)
    source[n_leg - 25:n_leg] = "mlat"
    source[n_leg + 5 + 10] = "estimated"
    stale = np.zeros(len(times), bool)
    stale[n_leg + 5 + 30] = True
    t = make_track(times[keep], lats[keep], lons[keep], alt_baro_ft=alts[keep], on_ground=ground[keep],
                   source=source[keep], stale=stale[keep], callsign=callsign, registration=registration,
                   file="trace_full_0d8373.json")
    src = Source(path="/home/reporter/secret/trace_full_0d8373.json", sha256=SHA, format="readsb_trace",
                 size=1, records_read=len(t), records_kept=len(t), records_rejected=0, illustrative=illustrative,
                 note="synthetic track for the docs" if illustrative else "")
    return Track(t.data, (src,))


def regions() -> tuple[StandInRegion, ...]:
    ve = Polygon([(-73, BORDER_LAT), (-59.8, BORDER_LAT), (-59.8, 12.2), (-73, 12.2)])
    rr = Polygon([(-64.8, 0.5), (-59.8, 0.5), (-59.8, BORDER_LAT), (-64.8, BORDER_LAT)])
    border = LineString([(-62.5, BORDER_LAT), (-60.0, BORDER_LAT)])
    return (StandInRegion("BR-RR", "Roraima", "state", rr, 10.0),
            StandInRegion("border:VE|BR-RR", "Venezuela–Roraima border", "border", border, 10.0),
            StandInRegion("VE", "Venezuela", "country", ve, 10.0))


def _events(track: Track) -> pd.DataFrame:
    d = track.data
    land = d.index[d["on_ground"].fillna(False)].min()
    rows = [
        ("takeoff", d["time"].iloc[0], SVMI[0], SVMI[1], "took off from SVMI 28 Nov 23:20Z", True),
        ("landing", d["time"].iloc[land], SVSE[0], SVSE[1], "landed at SVSE 29 Nov 01:11Z", True),
        ("takeoff", pd.Timestamp("2025-11-29T01:50:00Z"), SVSE[0], SVSE[1], "took off from SVSE 29 Nov 01:50Z", True),
        ("landing", d["time"].iloc[-1], SVMI[0], SVMI[1], "landed at SVMI 29 Nov 03:30Z", True),
    ]
    frame = pd.DataFrame(rows, columns=["kind", "time", "lat", "lon", "label", "observed"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame.reindex(columns=list(EVENT_COLUMNS))


def verdicts(track: Track, quote_suffix: str = "") -> tuple[Verdict, ...]:
    d = track.data
    i_land = int(d.index[d["on_ground"].fillna(False)].min())
    land = d.iloc[i_land]
    close = Sample(time=land["time"].isoformat(), lat=SVSE[0], lon=SVSE[1], alt_ft=None, source="mlat",
                   file="trace_full_0d8373.json", record=int(land["record"]), role="closest")
    border_pt = GeoPoint("nearest border point", BORDER_LAT, SVSE[1], "", "border")
    src = (SourceRef("/home/reporter/secret/trace_full_0d8373.json", SHA, "readsb_trace"),)
    gt = d["time"]
    before = d.loc[gt < pd.Timestamp("2025-11-28T23:50:00Z")].iloc[-1]
    after = d.loc[gt >= pd.Timestamp("2025-11-29T00:10:00Z")].iloc[0]
    gap = GapRef("gap-1", before["time"].isoformat(), after["time"].isoformat(),
                 (after["time"] - before["time"]).total_seconds(), float(before["lat"]), float(before["lon"]),
                 float(after["lat"]), float(after["lon"]), reaches_region=True)
    return (
        Verdict("departed-caracas", "the aircraft departed from Caracas" + quote_suffix, "departed_from", SUPPORTED,
                "It took off from SVMI Maiquetía at 23:20 UTC (19:20 local).",
                {"airport": "SVMI", "takeoff_time": d["time"].iloc[0].isoformat(), "distance_km": 0.4},
                Evidence(points=(GeoPoint("SVMI", SVMI[0], SVMI[1], d["time"].iloc[0].isoformat(), "takeoff"),),
                         sources=src), source="The Daily Example"),
        Verdict("flew-to-border", "flew to the border with the Brazilian state of Roraima", "approached", SUPPORTED,
                "Its closest approach to the Venezuela–Roraima border was 9.4 km, on the ground at SVSE.",
                {"closest_km": 9.4, "closest_time": land["time"].isoformat(), "within_km": 15.0},
                Evidence(samples=(close,), points=(border_pt, GeoPoint("closest approach", SVSE[0], SVSE[1],
                                                                        land["time"].isoformat(), "closest")),
                         lines=(((SVSE[0], SVSE[1]), (BORDER_LAT, SVSE[1])),), regions=("border:VE|BR-RR",),
                         sources=src)),
        Verdict("never-entered-brazil", "(implied) it did not enter Brazil", "never_entered", NOT_VERIFIABLE,
                "No sample is in Brazil, but during gap-1 (20 min) it could have reached Roraima.",
                {"samples_inside": 0, "gap_s": gap.duration_s}, Evidence(gaps=(gap,), regions=("BR-RR",), sources=src),
                notes=("MLAT-only near SVSE",)),
        Verdict("landed-boa-vista", "it landed in Boa Vista", "landed_at", CONTRADICTED,
                "It landed at SVSE Santa Elena de Uairén, 197 km from SBBV Boa Vista.",
                {"landed_at": "SVSE", "distance_to_claimed_km": 197.0},
                Evidence(points=(GeoPoint("SVSE", SVSE[0], SVSE[1], land["time"].isoformat(), "landing"),),
                         sources=src)),
    )


def case_result(*, xss: bool = False, illustrative: bool = False, n_leg: int = 180) -> CaseResult:
    """The stand-in case; with `xss`, hostile text in the callsign, quotes, title, labels, file names and URL."""
    track = flight_track(callsign=XSS_TAG if xss else "VCV2984", illustrative=illustrative, n_leg=n_leg,
                         registration=XSS_SCRIPT if xss else "YV2984")
    case = StandInCase()
    vs = verdicts(track)
    events = _events(track)
    regs = regions()
    if xss:
        case = replace(case, title="Case " + XSS_SCRIPT, aircraft=StandInAircraft(registration=XSS_TAG),
                       article=StandInArticle(publisher=XSS_TAG, title=XSS_SCRIPT,
                                              url="javascript:window.__xss=1;alert(1)"))
        vs = tuple(replace(v, evidence=replace(v.evidence, samples=tuple(replace(x, file=f"/x/{XSS_TAG}.json",
                                                                                 role=XSS_SCRIPT)
                                                                         for x in v.evidence.samples)))
                   for v in vs)
        vs = tuple(replace(v, quote=v.quote + " " + XSS_SCRIPT, sentence=v.sentence + " " + XSS_TAG,
                           claim_id=v.claim_id + XSS_TAG, source=XSS_SCRIPT,
                           measured={**v.measured, XSS_TAG: XSS_SCRIPT}, notes=(*v.notes, XSS_TAG)) for v in vs)
        events = events.assign(label=events["label"] + " " + XSS_SCRIPT)
        src = replace(track.sources[0], path="/x/" + XSS_TAG + ".json", note=XSS_SCRIPT, format=XSS_TAG)
        track = Track(track.data, (src,))
        regs = tuple(replace(r, name=r.name + XSS_TAG) for r in regs)
    return CaseResult(case=case, track=track, verdicts=vs, regions=regs, events=events,
                      tool={"name": "tracks", "version": "0.1.0"})


def cruise_track() -> Track:
    """Eastbound at 35,000 ft from the first sample to the last (2 h, one a minute): take-off and landing are
    never seen, the leg events say 'first seen …' / 'last seen …'."""
    n = 120
    t = pd.date_range("2025-11-29T10:00Z", periods=n, freq="60s")
    return make_track(t, np.linspace(10.0, 12.0, n), np.linspace(-70.0, -60.0, n), alt_baro_ft=np.full(n, 35_000.0),
                      gs_kt=np.full(n, 450.0))


def big_track(n: int, seed: int = 1) -> Track:
    """A looping n-sample track (1 s apart, one 10-min gap every 100k samples, MLAT stretches, stale samples)."""
    rng = np.random.default_rng(seed)
    t = pd.Timestamp("2025-11-28T00:00:00Z").value + np.arange(n, dtype=np.int64) * 1_000_000_000
    t += (np.arange(n) // 100_000) * 600 * 1_000_000_000
    k = np.arange(n)
    # a racetrack-ish loop every 2 h with GPS-like noise: bounded, and Douglas-Peucker has real work to do
    lat = 5 + 1.5 * np.sin(2 * np.pi * k / 7200) + 0.3 * np.sin(2 * np.pi * k / 97_000) + rng.normal(0, 2e-4, n)
    lon = -64 + 2.5 * np.cos(2 * np.pi * k / 7200) + 0.5 * np.sin(2 * np.pi * k / 131_000) + rng.normal(0, 2e-4, n)
    source = np.where((np.arange(n) // 5000) % 7 == 3, "mlat", "adsb")
    stale = np.zeros(n, bool)
    stale[::50_000] = True
    frame = pd.DataFrame({"time": pd.to_datetime(t, utc=True), "icao24": "0d8373", "lat": lat,
                          "lon": lon, "alt_baro_ft": 20000 + 15000 * np.sin(np.arange(n) / 20000),
                          "source": source, "stale": stale, "callsign": "VCV2984", "file": "big.json",
                          "record": np.arange(n)})
    from tracks import schema

    return Track(schema.conform(frame), (Source("big.json", SHA, "readsb_trace", 1, n, n, 0),))


def payload_of(html: str) -> dict[str, Any]:
    """The JSON payload the page script draws, parsed back from a rendered map."""
    import json
    import re

    m = re.search(r'<script type="application/json" id="tracks-data-[^"]+">(.*?)</script>', html, re.S)
    assert m is not None, "no payload in the page"
    return json.loads(m.group(1))
