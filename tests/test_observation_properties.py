"""Properties of the observation model (issue 11), checked by hypothesis on synthetic tracks and a real export:

- drawing the window wider never turns a "never" / "stayed outside" / "absent" claim from not verifiable into
  supported;
- splitting a track file into two files changes no verdict;
- the interval of every take-off, landing and crossing contains the true time of that event.
(Reachability against a brute-force geodesic check is in tests/geo/test_reach_definition.py.)
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracks
from tests.claims.builders import T0, at
from tests.helpers import make_track
from tracks.claims import presence as Q
from tracks.claims import spatial as S
from tracks.claims.verdict import NOT_VERIFIABLE, SUPPORTED
from tracks.geo.regions import Region
from tracks.observation import observe

B = Region("BB", "Beta", shapely.box(-62.0, 3.0, -61.0, 4.0), "country", "test box", 0.5)
LON = -61.5


def flight(lat0: float, lat1: float, seconds: float, step_s: float, holes: list[tuple[float, float]]) -> tracks.Track:
    """A straight flight along 61.5 W at 30,000 ft and constant speed, sampled every `step_s`, minus the holes."""
    t = np.arange(0.0, seconds + 1e-9, step_s)
    keep = np.ones(len(t), dtype=bool)
    for a, b in holes:
        keep &= ~((t > a) & (t < b))
    t = t[keep]
    lat = lat0 + (lat1 - lat0) * t / seconds
    kt = abs(lat1 - lat0) * 111.0 / 1.852 / (seconds / 3600.0)
    return make_track([at(s) for s in t], lat, np.full(len(t), LON), alt_baro_ft=np.full(len(t), 30000.0),
                      gs_kt=np.full(len(t), kt), on_ground=pd.array([False] * len(t), dtype="boolean"))


# -- widening the window ------------------------------------------------------------------------------------------------

WINDOWED = (
    lambda obs: S.never_entered(obs, region=B),
    lambda obs: S.stayed_outside(obs, region=B),
    lambda obs: Q.absent(obs, region=B),
    lambda obs: Q.absent(obs),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lat_end=st.floats(4.05, 4.8), hole_at=st.floats(300, 2500), hole_s=st.floats(0, 1500),
       narrow=st.tuples(st.floats(-1800, 3600), st.floats(0, 3600)),
       widen=st.tuples(st.floats(0, 3600), st.floats(0, 3600)), which=st.integers(0, len(WINDOWED) - 1))
def test_a_wider_window_never_turns_not_verifiable_into_supported(lat_end: float, hole_at: float, hole_s: float,
                                                                  narrow: tuple[float, float],
                                                                  widen: tuple[float, float], which: int) -> None:
    track = flight(5.5, lat_end, 3600, 30, [(hole_at, hole_at + hole_s)])
    obs = observe(track)
    start, end = at(narrow[0]), at(narrow[0] + narrow[1])
    claim = WINDOWED[which]
    narrow_v = claim(obs.period(start, end))
    wide_v = claim(obs.period(start - pd.Timedelta(seconds=widen[0]), end + pd.Timedelta(seconds=widen[1])))
    assert not (narrow_v.status == NOT_VERIFIABLE and wide_v.status == SUPPORTED), (narrow_v.sentence,
                                                                                    wide_v.sentence)


def test_the_same_gap_has_the_same_reach_in_any_window() -> None:
    track = flight(5.5, 4.2, 3600, 30, [(1000, 2000)])
    obs = observe(track)
    g1 = obs.period(at(900), at(2100)).gaps.frame
    g2 = obs.period(at(-3600), at(7200)).gaps.frame
    assert list(g1["gap_id"]) == list(g2["gap_id"]) == ["gap-1"]
    assert g1["reach_km"].iloc[0] == g2["reach_km"].iloc[0]


# -- splitting a track file -------------------------------------------------------------------------------------------

CLAIMS = """\
- id: haneda
  quote: landed at Haneda
  test: {landed_at: RJTT}
- id: sapporo
  quote: took off from New Chitose
  test: {departed_from: RJCC}
- id: when
  quote: landed between 08:40 and 08:50Z
  test: {event_time_within: {event: landing, airports: RJTT, start: 2024-01-02T08:40Z, end: 2024-01-02T08:50Z}}
- id: high
  quote: above 30,000 ft over the sea
  test: {altitude_band: {min_ft: 30000, mode: any}}
- id: tokyo
  quote: came within 20 km of Tokyo Bay's shore
  test: {approached: {region: {circle: [35.55, 139.78], radius_km: 5}, within_km: 20}}
- id: korea
  quote: never entered South Korea
  test: {never_entered: KR}
"""


def _case(folder: Path, files: list[str]) -> Path:
    entries = "\n".join(f"  - {{path: {f}, icao24: 8467d8}}" for f in files)
    p = folder / "case.yaml"
    p.write_text("title: JL516\naircraft: {icao24: 8467d8}\n"
                 "window: {start: 2024-01-02T07:00Z, end: 2024-01-02T08:50Z}\n"
                 f"tracks:\n{entries}\nclaims:\n" + textwrap.indent(CLAIMS, "  "))
    return p


def _verdicts(case: Path) -> dict[str, tuple[str, dict]]:
    r = tracks.check(case)
    return {v.claim_id: (v.status, v.measured) for v in r.verdicts}


@pytest.mark.corpus
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.02, 0.98))
def test_splitting_a_track_file_in_two_changes_no_verdict(tmp_path_factory: pytest.TempPathFactory, corpus: Path,
                                                          cut: float) -> None:
    lines = (corpus / "fr24-csv" / "xoolive__traffic" / "JL516_3376ab31.csv").read_text().splitlines(keepends=True)
    head, rows = lines[0], lines[1:]
    k = max(1, min(len(rows) - 1, int(len(rows) * cut)))
    one = tmp_path_factory.mktemp("one")
    (one / "all.csv").write_text(head + "".join(rows))
    two = tmp_path_factory.mktemp("two")
    (two / "a.csv").write_text(head + "".join(rows[:k]))
    (two / "b.csv").write_text(head + "".join(rows[k:]))
    assert _verdicts(_case(one, ["all.csv"])) == _verdicts(_case(two, ["a.csv", "b.csv"]))


# -- event intervals contain the true event time ------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(step=st.floats(1.0, 45.0), offset=st.floats(0.0, 1.0), flag=st.booleans(),
       hole=st.one_of(st.none(), st.tuples(st.floats(-600, 600), st.floats(0, 900))))
def test_take_off_and_landing_intervals_contain_the_true_times(step: float, offset: float, flag: bool,
                                                               hole: tuple[float, float] | None) -> None:
    """Parked at SVMI until T_OFF, airborne until T_ON at SVFM (20 km away), parked after: every sample's state is
    known exactly; the samples start at a random phase and may have a hole around either event."""
    t_off, t_on, end = 600.0, 2400.0, 3000.0
    t = np.arange(offset * step, end, step)
    if hole is not None:
        centre = (t_off, t_on)[int(hole[0] > 0)] + hole[0] / 10
        t = t[~((t > centre - hole[1] / 2) & (t < centre + hole[1] / 2))]
    a, b = (10.60312, -66.99059), (10.48503, -66.84351)  # SVMI, SVFM
    f = np.clip((t - t_off) / (t_on - t_off), 0.0, 1.0)
    lat, lon = a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
    ground = (t < t_off) | (t >= t_on)
    alt = np.where(ground, 0.0, 500.0 + 2000.0 * np.sin(np.pi * f))
    gs = np.where(ground, 5.0, 150.0)
    kw = {"on_ground": pd.array(ground, dtype="boolean")} if flag else {}  # without a flag: inferred (FR24-like)
    track = make_track([at(s) for s in t], lat, lon, alt_baro_ft=alt, gs_kt=gs, **kw)
    events = observe(track).events
    true = {"takeoff": T0 + pd.Timedelta(seconds=t_off), "landing": T0 + pd.Timedelta(seconds=t_on)}
    for kind, when in true.items():
        rows = events[events["kind"] == kind]
        assert len(rows) == 1, events
        lo, hi = rows["earliest"].iloc[0], rows["latest"].iloc[0]
        assert (pd.isna(lo) or lo <= when) and (pd.isna(hi) or when <= hi), (kind, lo, when, hi)


@settings(max_examples=60, deadline=None)
@given(step=st.floats(2.0, 50.0), offset=st.floats(0.0, 1.0), lat_end=st.floats(3.1, 3.9), within=st.floats(1, 40))
def test_entry_and_first_within_intervals_contain_the_true_times(step: float, offset: float, lat_end: float,
                                                                 within: float) -> None:
    """A straight southbound flight into box B (its edge at 4.0 N) at constant speed: the true entry time and the
    true first time within `within` km are known in closed form."""
    from pyproj import Geod

    seconds = 1800.0
    t = np.arange(offset * step, seconds, step)
    lat0 = 5.0
    lat = lat0 + (lat_end - lat0) * t / seconds
    track = make_track([at(s) for s in t], lat, np.full(len(t), LON), alt_baro_ft=np.full(len(t), 30000.0),
                       gs_kt=np.full(len(t), 400.0))
    obs = observe(track)
    entered = S.entered(obs, region=Region("BB", "Beta", B.geometry, "country", "exact", 0.0))
    true_entry = T0 + pd.Timedelta(seconds=seconds * (lat0 - 4.0) / (lat0 - lat_end))
    m = entered.measured  # no bounds when a sample lies exactly on the edge: the entry is that instant
    assert pd.Timestamp(m.get("time_earliest", m["time"])) <= true_entry <= pd.Timestamp(m.get("time_latest", m["time"]))
    _, lat_w, _ = Geod(ellps="WGS84").fwd(LON, 4.0, 0.0, within * 1000.0)
    v = S.approached(obs, region=Region("BB", "Beta", B.geometry, "country", "exact", 0.0), within_km=within)
    if float(lat[0]) <= lat_w:  # already within the distance at the first sample: open towards the start
        return
    true_within = T0 + pd.Timedelta(seconds=seconds * (lat0 - lat_w) / (lat0 - lat_end))
    lo = pd.Timestamp(v.measured.get("time_earliest", v.measured["time"]))
    hi = pd.Timestamp(v.measured.get("time_latest", v.measured["time"]))
    assert lo <= true_within <= hi and abs((pd.Timestamp(v.measured["time"]) - true_within).total_seconds()) < 1.0
