"""A region far from the track costs milliseconds and constant memory (issue 11, item 11): the closest-approach
search bounds distances with caps before measuring any (piece, edge) pair, and gives exactly what measuring every
pair gives. Timing lives in benchmarks/nearest.py; here: correctness, and memory measured in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import MultiPolygon, box

from tests.helpers import REPO, make_track
from tracks.geo import geodesy
from tracks.geo.caps import build_caps
from tracks.geo.fence_index import get_index
from tracks.geo.nearest import best_pair, nearest
from tracks.geo.regions import circle, get_region
from tracks.geo.track_arrays import all_pieces, track_arrays
from tracks.track import Track

FAI = (64.8378, -147.7164)  # Fairbanks
HEL = (60.3172, 24.9633)  # Helsinki-Vantaa
T0 = pd.Timestamp("2025-01-10T06:00:00Z")


def fai_hel(step_s: float, hours: float = 2.0, kt: float = 480.0) -> Track:
    """The first `hours` of a flight from Fairbanks towards Helsinki on the great circle (over the Arctic Ocean
    towards the pole) at `kt`, a sample every `step_s` seconds (1 s: a readsb trace's cadence)."""
    n = round(hours * 3600 / step_s) + 1
    az, _, _ = geodesy.GEOD.inv(FAI[1], FAI[0], HEL[1], HEL[0])
    flown_m = kt * 1852.0 * hours
    lon, lat, _ = geodesy.GEOD.fwd(np.full(n, FAI[1]), np.full(n, FAI[0]), np.full(n, az),
                                   np.linspace(0.0, flown_m, n))
    times = T0 + pd.to_timedelta(np.arange(n) * step_s, unit="s")
    return make_track(times, lat, lon, alt_baro_ft=np.full(n, 35000.0), gs_kt=np.full(n, 480.0))


def exhaustive(track: Track, geometry: shapely.Geometry) -> tuple[int, float, int, float, float]:
    """Every (piece, edge) pair measured (`best_pair`): what the search must reproduce."""
    pieces = all_pieces(track_arrays(track, 60.0))
    pseg, x1, y1, x2, y2, ta, tb = pieces
    edges = get_index(geometry).edges
    wp = np.repeat(np.arange(len(x1)), len(edges))
    we = np.tile(np.arange(len(edges)), len(x1))
    return best_pair(wp, we, (0, 0.0, 0, 0.0, np.inf), pseg, x1, y1, x2, y2, ta, tb, edges)


def _far_regions() -> dict[str, shapely.Geometry]:
    return {
        "GL": get_region("GL").geometry,  # Greenland, ~390 km from the route
        "JP": get_region("JP").geometry,  # Japan, ~4,600 km
        "IS": get_region("IS").geometry,  # Iceland
        "polar circle": circle(89.5, 90.0, 30.0).geometry,  # near the pole, beside the route
        "antimeridian box": MultiPolygon([box(175.0, 68.0, 180.0, 71.0), box(-180.0, 68.0, -175.0, 71.0)]),
    }


@pytest.mark.parametrize("name", list(_far_regions()))
def test_search_gives_exactly_what_measuring_every_pair_gives(name: str) -> None:
    """On a 10-minute cadence (12 pieces x every edge of the region), the cap search finds the same pair, the
    same distance to the last bit, the same moment and the same points as the exhaustive measurement."""
    geometry = _far_regions()[name]
    track = fai_hel(600.0)
    inp = track_arrays(track, 60.0)
    got = nearest(inp, get_index(geometry), check_touch=False)
    ref = exhaustive(track, geometry)
    assert got[4] == ref[4] and np.isfinite(got[4]) and got[4] > 1.0
    assert got[0] + got[1] == pytest.approx(ref[0] + ref[1], abs=1e-9)  # segment + parameter: the same moment
    e = get_index(geometry).edges
    point = lambda r: (e[r[2], 0] + r[3] * (e[r[2], 2] - e[r[2], 0]), e[r[2], 1] + r[3] * (e[r[2], 3] - e[r[2], 1]))  # noqa: E731
    assert point(got) == pytest.approx(point(ref), abs=1e-9)


def test_search_matches_every_pair_on_random_regions_near_and_far() -> None:
    """Random boxes and circles at every distance from a coarser route, including across the antimeridian and
    around the pole: always the exhaustive answer."""
    rng = np.random.default_rng(11)
    track = fai_hel(900.0)
    inp = track_arrays(track, 60.0)
    checked = near = 0
    for k in range(40):
        if k % 2:  # near the route: a few km to a few hundred
            i = rng.integers(0, len(track))
            lat = float(np.clip(track.data["lat"].iloc[i] + rng.uniform(-3.0, 3.0), -89.0, 89.0))
            lon = float(geodesy.wrap_lon(track.data["lon"].iloc[i] + rng.uniform(-10.0, 10.0)))
        else:
            lat, lon = rng.uniform(-80.0, 89.0), rng.uniform(-180.0, 180.0)
        if rng.random() < 0.5:
            geometry = circle(lat, lon, float(rng.uniform(5.0, 800.0))).geometry
        else:
            w, h = rng.uniform(0.1, 40.0), rng.uniform(0.1, 10.0)
            geometry = box(lon, lat, min(lon + w, 180.0), min(lat + h, 90.0))
        index = get_index(geometry)
        if shapely.intersects(geometry, shapely.LineString(np.column_stack([track.data["lon"], track.data["lat"]]))):
            continue  # meets the route (the meeting path answers those)
        got = nearest(inp, index, check_touch=False)
        ref = exhaustive(track, geometry)
        assert got[4] == ref[4], (geometry.wkt[:80], got, ref)
        checked += 1
        near += got[4] < 300.0
    assert checked >= 25 and near >= 5


def test_caps_never_understate_a_distance() -> None:
    """Every point of a cap's edges lies within its radius of its centre (geodesic), at every level."""
    rng = np.random.default_rng(3)
    geometry = get_region("RU").geometry  # across the antimeridian, up to 82 N
    e = get_index(geometry).edges
    caps = build_caps(e[:, 0], e[:, 1], e[:, 2], e[:, 3])
    for lev in caps.levels:
        j = rng.integers(0, len(lev), 200)
        k = np.minimum(j * lev.size + rng.integers(0, lev.size, 200), len(e) - 1)
        k = np.where(k // lev.size == j, k, j * lev.size)
        edge = e[caps.order[k]]
        s = rng.random(200)
        x, y = edge[:, 0] + s * (edge[:, 2] - edge[:, 0]), edge[:, 1] + s * (edge[:, 3] - edge[:, 1])
        d = geodesy.distance_km(y, x, lev.lat[j], lev.lon[j])
        assert np.all(d <= lev.radius_km[j]), lev.size


# The peak RSS of this program alone: VmHWM of its own address space (Linux). getrusage's ru_maxrss is kept
# across fork + exec, so in a subprocess of a large pytest worker it reports the worker's size, not the check's.
CHECK = """\
import json, pathlib, resource, sys
from tracks.claims.engine import check
result = check(sys.argv[1])
status = pathlib.Path("/proc/self/status")
hwm = [line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM:")] if status.exists() else []
peak_mb = int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"verdicts": {v.claim_id: str(v.status) for v in result.verdicts}, "maxrss_mb": peak_mb}))
"""


@pytest.mark.slow
def test_checking_far_regions_on_a_two_hour_trace_needs_little_memory(tmp_path: Path) -> None:
    """`never_entered: GL` and `never_entered: JP` on the 2-hour, 1-second trace (7,201 samples): both supported,
    and the whole check (imports, loading, regions, verdicts) stays under 600 MB of peak RSS (of the check's own
    process: VmHWM). Before the caps it
    took minutes and about 16 GB, all in the closest-approach search."""
    from tracks.export import export

    track = fai_hel(1.0)
    export(track, tmp_path / "track.csv")
    (tmp_path / "case.yaml").write_text(textwrap.dedent(f"""\
        title: Fairbanks to Helsinki over the pole
        timezone: UTC
        article: {{publisher: Test, title: t, url: "https://example.org", published: 2025-01-10, language: en}}
        aircraft: {{icao24: 0D8373}}
        window: {{start: {T0.isoformat()}, end: {(T0 + pd.Timedelta(hours=2)).isoformat()}}}
        tracks: [track.csv]
        claims:
          - id: not-greenland
            quote: "it never entered Greenland"
            test: {{never_entered: GL}}
          - id: not-japan
            quote: "it never entered Japan"
            test: {{never_entered: JP}}
        """))
    out = subprocess.run([sys.executable, "-c", CHECK, str(tmp_path / "case.yaml")], capture_output=True, text=True,
                         cwd=REPO, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["verdicts"] == {"not-greenland": "supported", "not-japan": "supported"}
    assert got["maxrss_mb"] < 600, got
