"""The fence's fast paths give exactly the answers of the plain ones: the edge grid against the R-tree, the
no-stale gap shortcut against the shared gap mask, and the table-wide closest approaches against one call per
aircraft."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from tests.helpers import make_track
from tracks.geo import fence_index
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
