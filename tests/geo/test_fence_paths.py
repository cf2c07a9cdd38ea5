"""The fence's fast paths give exactly the answers of the plain ones: the edge grid against the R-tree, the
no-stale gap shortcut against the shared gap mask, and the table-wide closest approaches against one call per
aircraft."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from tests.helpers import make_track
from tracks.geo import fence, fence_index
from tracks.geo import track_arrays as ta
from tracks.segments import gap_mask

T0 = pd.Timestamp("2025-11-29T00:00:00Z")

# a polygon with a hole and a repeated vertex (a zero-length edge), and an island with a sharp corner
REGION = shapely.MultiPolygon([
    shapely.Polygon([(0, 0), (1, 0), (1, 0), (1, 1), (0.5, 0.4), (0, 1)],
                    [[(0.2, 0.1), (0.3, 0.1), (0.25, 0.2)]]),
    shapely.Polygon([(2, 0), (2.5, 0.05), (2, 0.1)]),
])


def degenerate_pieces(edges: np.ndarray) -> np.ndarray:
    """Pieces that touch, overlap or end exactly on the boundary: the cases float tests get wrong."""
    x1, y1, x2, y2 = edges.T
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    out = [
        np.column_stack([x1, y1, x1, y1]),  # a point on every vertex
        np.column_stack([mx, my, mx, my]),  # a point on every edge's midpoint (exact for axis-parallel edges)
        np.column_stack([x1, y1, x2, y2]),  # the edges themselves (collinear overlap)
        np.column_stack([mx, my, x2 + (x2 - x1), y2 + (y2 - y1)]),  # half overlapping, running on beyond
        np.column_stack([x1, y1, x1 + 0.01, y1 - 0.013]),  # starting at a vertex
        np.column_stack([mx - 0.01, my + 0.02, mx, my]),  # ending on an edge
        np.column_stack([x1 - 0.3, y1 - 0.2, x1 + 0.3, y1 + 0.2]),  # long: through a vertex, many grid cells
    ]
    return np.concatenate(out)


def pair_set(pi: np.ndarray, ei: np.ndarray) -> set[tuple[int, int]]:
    return set(zip(pi.tolist(), ei.tolist(), strict=True))


@pytest.mark.parametrize("geometry", [REGION, shapely.segmentize(REGION, 0.01), shapely.segmentize(REGION.boundary, 0.01),
                                      shapely.LineString([(0, 0), (1, 1), (1, 1), (2, 0)])])
def test_edge_grid_finds_exactly_the_rtree_pairs(geometry: shapely.Geometry) -> None:
    index = fence_index._build(geometry)
    rng = np.random.default_rng(11)
    a = rng.uniform(-0.3, 2.8, size=(20_000, 2))
    short = np.column_stack([a, a + rng.normal(0, 0.1, size=(20_000, 2))])
    far = np.array([[-50.0, -50.0, -49.0, -49.0], [-50.0, 0.5, 50.0, 0.5], [0.5, -50.0, 0.5, 50.0]])
    p = np.concatenate([short, degenerate_pieces(index.edges), far])
    x1, y1, x2, y2 = (np.ascontiguousarray(c) for c in p.T)
    want = index.tree.query(ta.geometries(x1, y1, x2, y2), predicate="intersects")
    got = ta._pairs(index, x1, y1, x2, y2)
    assert len(want[0]) > 500
    assert pair_set(*got) == pair_set(*want)
    assert len(got[0]) == len(pair_set(*got))  # each pair once
    _, _, big = index.grid.pairs(x1, y1, x2, y2)
    assert len(big) > 0 or len(index.edges) < 20  # on fine grids the long pieces took the R-tree path
    # and the meeting parameters are the same
    ta.GRID_MIN_PIECES, keep = 10**12, ta.GRID_MIN_PIECES
    try:
        tree_hits = ta.intersections(index, x1, y1, x2, y2)
    finally:
        ta.GRID_MIN_PIECES = keep
    grid_hits = ta.intersections(index, x1, y1, x2, y2)
    order_t, order_g = np.lexsort(tree_hits[::-1]), np.lexsort(grid_hits[::-1])
    assert np.array_equal(tree_hits[0][order_t], grid_hits[0][order_g])
    assert np.array_equal(tree_hits[1][order_t], grid_hits[1][order_g])


@pytest.mark.parametrize("stale", [None, "none set", "some set"])
def test_gap_shortcut_is_the_shared_gap_mask(stale: str | None) -> None:
    rng = np.random.default_rng(4)
    # steps around the 60 s limit, in whole seconds and with ns offsets, from a late epoch (float rounding)
    steps = rng.choice([1.0, 59.999999999, 60.0, 60.000000001, 61.0, 300.0], size=400)
    s = np.cumsum(steps)
    cols = {} if stale is None else {"stale": (rng.random(400) < 0.3) if stale == "some set" else np.zeros(400, bool)}
    tr = make_track([pd.Timestamp("2031-05-01T00:00:00Z") + pd.Timedelta(seconds=float(v)) for v in s],
                    np.zeros(400), np.linspace(0, 1, 400), **cols)
    frame = tr.data if stale is not None else tr.data.drop(columns="stale")
    want = gap_mask(tr.data, 60.0)
    assert want.any() and not want.all()
    assert np.array_equal(ta.track_arrays(frame, 60.0).gap, want)


def random_table(seed: int) -> pd.DataFrame:
    """Aircraft on random walks around REGION: some enter it, some only touch or pass near, some stay away, one
    has a single sample; coverage gaps included."""
    rng = np.random.default_rng(seed)
    frames = []
    for k, n in enumerate([400, 1, 300, 2, 500, 250, 350]):
        start = {3: np.array([5.0, 5.0]), 5: np.array([0.7, 0.2])}.get(k, rng.uniform([-0.3, -0.3], [2.7, 1.3]))
        path = start + np.cumsum(rng.normal(0, 0.01, size=(n, 2)), axis=0)
        s = np.cumsum(rng.choice([4.0, 4.0, 4.0, 90.0], size=n))
        frames.append(make_track([T0 + pd.Timedelta(seconds=float(v)) for v in s], path[:, 1], path[:, 0],
                                 icao24=f"{0xa00000 + k:06x}").data)
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("geometry", [REGION, REGION.boundary, shapely.Point(1.2, 0.5), shapely.Point(5.0, 5.0)])
def test_closest_approaches_equal_one_call_per_aircraft(geometry: shapely.Geometry, fast: bool,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fence_index, "RASTER_MIN_POINTS", 0 if fast else 10**12)
    monkeypatch.setattr(ta, "GRID_MIN_PIECES", 0 if fast else 10**12)
    distances = []
    for seed in (1, 2, 3):
        table = random_table(seed)
        got = fence.closest_approaches(table, geometry)
        starts = np.flatnonzero(np.r_[True, table["icao24"].to_numpy()[1:] != table["icao24"].to_numpy()[:-1]])
        ends = np.r_[starts[1:], len(table)]
        assert len(got) == len(starts)
        for row, a, b in zip(got.itertuples(), starts, ends, strict=True):
            want = fence.closest_approach(table.iloc[a:b], geometry)
            assert row.distance_km == want.distance_km
            assert (row.time, row.track_lat, row.track_lon, row.border_lat, row.border_lon, row.in_gap) == (
                want.time, want.track_lat, want.track_lon, want.border_lat, want.border_lon, want.in_gap)
            assert (row.segment_index, row.sample_before, row.sample_after) == (
                want.segment_index + a, want.sample_before + a, want.sample_after + a)
        distances.extend(got["distance_km"])
    if geometry is REGION:  # the cases: reaching the region and not
        assert sum(d == 0 for d in distances) >= 4 and sum(d > 0 for d in distances) >= 4


@pytest.mark.parametrize("fast", [False, True])
def test_closest_approaches_across_the_antimeridian(fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fence_index, "RASTER_MIN_POINTS", 0 if fast else 10**12)
    monkeypatch.setattr(ta, "GRID_MIN_PIECES", 0 if fast else 10**12)
    box = shapely.box(179.97, -0.02, 179.99, 0.02)  # entirely east of 179.9: the track steps over it across +-180
    frames = []
    for k, lat in enumerate([0.0, 0.5, 0.01]):
        lon = np.array([179.5, 179.9, -179.9, -179.5])
        frames.append(make_track([T0 + pd.Timedelta(seconds=30.0 * i) for i in range(4)], np.full(4, lat), lon,
                                 icao24=f"{0xb00000 + k:06x}").data)
    table = pd.concat(frames, ignore_index=True)
    got = fence.closest_approaches(table, box)
    assert list(got["distance_km"] == 0) == [True, False, True]
    for row, a in zip(got.itertuples(), [0, 4, 8], strict=True):
        want = fence.closest_approach(table.iloc[a : a + 4], box)
        assert (row.distance_km, row.time, row.segment_index) == (want.distance_km, want.time, want.segment_index + a)
    assert got["time"][0] == T0 + pd.Timedelta(seconds=30.0 + 30.0 * 0.07 / 0.2)  # entry at lon 179.97
    # the table-wide search itself finds both meetings (not only the per-aircraft fallback)
    touches = fence._first_touches(ta.track_arrays(table, 60.0), fence_index.get_index(box))
    assert sorted(touches) == [0, 2]


def fold(v: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """v reflected back and forth into [lo, hi]."""
    w = hi - lo
    r = (v - lo) % (2 * w)
    return lo + np.where(r > w, 2 * w - r, r)


@pytest.mark.parametrize("step", [0.01, 0.05, 0.3])
def test_raster_levels_keep_every_crossing_of_long_segments(step: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments spanning many raster cells are decided on coarser cells: same crossings as without a raster."""
    rng = np.random.default_rng(int(step * 1000))
    walk = np.array([0.6, 0.3]) + np.cumsum(rng.normal(0, step, size=(3000, 2)), axis=0)
    lon, lat = fold(walk[:, 0], -0.3, 2.7), fold(walk[:, 1], -0.3, 1.3)  # kept over REGION's box
    tr = make_track([T0 + pd.Timedelta(seconds=10.0 * i) for i in range(3000)], lat, lon)
    results = []
    for fast in (False, True):
        monkeypatch.setattr(fence_index, "RASTER_MIN_POINTS", 0 if fast else 10**12)
        monkeypatch.setattr(ta, "GRID_MIN_PIECES", 0 if fast else 10**12)
        results.append(fence.crossings(tr, REGION))
    assert len(results[0]) > 20
    pd.testing.assert_frame_equal(results[0], results[1])
    # the raster's fine cells are ~0.001 degrees: these segments span several of them, often many
    _, fx, fy = fence_index.get_index(REGION).raster.cells(lon, lat)
    assert np.median(np.maximum(np.abs(np.diff(fx)), np.abs(np.diff(fy)))) > 4


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "object"])
def test_aircraft_changes_and_interleaved_tables(dtype: str) -> None:
    table = random_table(1)
    table["icao24"] = table["icao24"].astype(dtype)
    inp = ta.track_arrays(table, 60.0)
    codes = table["icao24"].to_numpy(dtype=object)
    assert np.array_equal(inp.valid, codes[1:] == codes[:-1])
    assert np.array_equal(inp.group, np.r_[0, np.cumsum(codes[1:] != codes[:-1])])
    shuffled = pd.concat([table.iloc[:200], table.iloc[500:700], table.iloc[200:500]], ignore_index=True)
    with pytest.raises(ValueError, match="interleaved"):
        _ = ta.track_arrays(shuffled, 60.0).valid
