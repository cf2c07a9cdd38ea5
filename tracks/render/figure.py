"""A static map picture (PNG) for print and social media, drawn without a browser (matplotlib).

    >>> tracks.render.figure.save_png(result, "map.png")      # or `tracks check … --png`, `tracks map … --png`

It draws what the HTML map draws, from the same payload (`tracks.render.map.build_payload`): the bundled
Natural Earth land and borders, the regions and borders the claims use, the track coloured by altitude as in
the map (one colour per aircraft when there are several), coverage gaps dashed, take-offs, landings,
crossings and closest approaches labelled, the samples verdicts cite ringed. Title, verdict counts, sources
(file name and sha256) and the tool are written on the picture, and ILLUSTRATIVE tracks say so across it.
Longitude is scaled by cos(latitude) at the centre of the view (an equirectangular view, as a reader expects
for a few hundred km). The output is deterministic for the same input (no timestamps in the PNG metadata).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from tracks.claims.verdict import STATUS_LABELS, STATUSES
from tracks.geo.geodesy import KM_PER_DEG_NOMINAL
from tracks.paths import public_name
from tracks.render.content import MapInput
from tracks.render.page import BADGE_SYMBOLS, title_of

#: Picture size (inches) and resolution: 1800 x 1200 pixels.
SIZE_IN = (12.0, 8.0)
DPI = 150
#: Pixels: the picture's margin, between rows of text, between the text and the map.
MARGIN_PX = 18
ROW_GAP_PX = 10
MAP_GAP_PX = 12
#: Where a map label may go from its point (points; x mirrored in the right half of the map), in this order.
LABEL_OFFSETS = ((10, 6), (10, -8), (-10, 6), (-10, -8), (10, 26), (10, -28), (-10, 26), (-10, -28))
WATERMARK = "ILLUSTRATIVE TRACK — not a recording"
MARKER_STYLE = {  # kind: (marker, face colour, edge colour, size)
    "takeoff": ("^", "#1a7f37", "#ffffff", 110),
    "landing": ("v", "#1f5fa8", "#ffffff", 110),
    "touch_and_go": ("v", "#1f5fa8", "#ffffff", 80),
    "go_around": ("^", "#1f5fa8", "#ffffff", 80),
    "crossing": ("D", "#ffffff", "#6a1b9a", 70),
    "closest": ("o", "#ffffff", "#e65100", 90),
    "border": ("o", "#e65100", "#ffffff", 40),
    "airport": ("o", "#37474f", "#ffffff", 50),
    "point": ("o", "#607d8b", "#ffffff", 40),
}


def _plain(text: str) -> str:
    """Marker label HTML ('<b>SVMI</b><br>Take-off: …') as plain text lines."""
    text = re.sub(r"<br\s*/?>", "\n", text or "")
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _rings(geometry: dict[str, Any]) -> Iterable[list[np.ndarray]]:
    """Each polygon of a GeoJSON (Multi)Polygon as [exterior, *holes] arrays of (lon, lat)."""
    kind, coords = geometry.get("type"), geometry.get("coordinates", [])
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for poly in polygons:
        yield [np.asarray(ring, dtype=float)[:, :2] for ring in poly if len(ring) >= 3]


def _lines(geometry: dict[str, Any]) -> Iterable[np.ndarray]:
    kind, coords = geometry.get("type"), geometry.get("coordinates", [])
    if kind == "LineString":
        yield np.asarray(coords, dtype=float)[:, :2]
    elif kind == "MultiLineString":
        for c in coords:
            yield np.asarray(c, dtype=float)[:, :2]
    else:
        for rings in _rings(geometry):
            yield from rings


def draw(inp: MapInput, payload: dict[str, Any], progress: Any = None) -> Any:
    """A matplotlib Figure of the map (Agg canvas attached; not shown, not saved).

    No text leaves the picture or covers another: the title shrinks, then wraps, beside the verdict counts;
    map labels go to whichever side of their point keeps them inside the map and clear of the others, and a
    label with no such place is left off. progress: a `tracks.render.progress.bar` advanced once per stage.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    step = progress.update if progress is not None else (lambda n=1: None)
    fig = Figure(figsize=SIZE_IN, dpi=DPI)
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    top, bottom = _texts(fig, renderer, inp, payload)
    ax = fig.add_axes((MARGIN_PX / fig.bbox.width, bottom / fig.bbox.height,
                       1 - 2 * MARGIN_PX / fig.bbox.width, (top - bottom) / fig.bbox.height))
    x0, x1, y0, y1 = _view(ax, payload)
    step()
    _land(ax, payload)
    _regions(ax, payload)
    step()
    _tracks(ax, payload)
    step()
    placed = _evidence(ax, renderer, payload, [_scale_bar(ax, x0, x1, y0, y1)])
    placed = _markers(ax, renderer, payload, placed)
    _country_labels(ax, renderer, payload, placed)
    step()
    return fig


def _view(ax: Any, payload: dict[str, Any]) -> tuple[float, float, float, float]:
    """Set the axes' view (lon/lat degrees) around the tracks and markers, widened to the axes' proportions
    with longitude scaled by cos(centre latitude); returns (x0, x1, y0, y1)."""
    lons = [np.asarray(t["lon"], dtype=float) for t in payload["tracks"]] + [
        np.array([m["lon"] for m in payload["markers"]], dtype=float)]
    lats = [np.asarray(t["lat"], dtype=float) for t in payload["tracks"]] + [
        np.array([m["lat"] for m in payload["markers"]], dtype=float)]
    lon, lat = np.concatenate(lons), np.concatenate(lats)
    if len(lon) and np.isfinite(lon).any() and np.isfinite(lat).any():
        x0, x1, y0, y1 = np.nanmin(lon), np.nanmax(lon), np.nanmin(lat), np.nanmax(lat)
    else:
        x0, y0, x1, y1 = -180.0, -80.0, 180.0, 80.0
    pad_x, pad_y = max((x1 - x0) * 0.12, 0.3), max((y1 - y0) * 0.12, 0.3)
    x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, max(y0 - pad_y, -89.0), min(y1 + pad_y, 89.0)
    aspect = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.05)
    # widen the view to the axes' proportions, so that nothing is stretched
    box = ax.get_position()
    want = (box.width * SIZE_IN[0]) / (box.height * SIZE_IN[1])
    have = (x1 - x0) / ((y1 - y0) * aspect)
    if have < want:
        extra = ((y1 - y0) * aspect * want - (x1 - x0)) / 2
        x0, x1 = x0 - extra, x1 + extra
    else:
        extra = ((x1 - x0) / want / aspect - (y1 - y0)) / 2
        y0, y1 = y0 - extra, y1 + extra
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#cfe0ec")
    return float(x0), float(x1), float(y0), float(y1)


def _polygon_path(rings: list[np.ndarray]) -> Any:
    from matplotlib.path import Path as MplPath

    codes = np.full(sum(len(r) for r in rings), MplPath.LINETO, dtype=np.uint8)
    codes[np.cumsum([0] + [len(r) for r in rings[:-1]])] = MplPath.MOVETO
    return MplPath(np.concatenate(rings), codes)


def _land(ax: Any, payload: dict[str, Any]) -> None:
    """The Natural Earth land and borders: one patch collection."""
    from matplotlib.collections import PathCollection

    land = (payload.get("basemap") or {}).get("land") or {"features": []}
    paths = [_polygon_path(rings) for f in land["features"] for rings in _rings(f["geometry"]) if rings]
    if paths:
        ax.add_collection(PathCollection(paths, facecolors="#f4f1ea", edgecolors="#a8a29a", linewidths=0.6,
                                         zorder=1, gid="land"), autolim=False)


def _regions(ax: Any, payload: dict[str, Any]) -> None:
    for r in payload["regions"]:
        for line in _lines(r["geojson"]):
            if r["border"]:
                ax.plot(line[:, 0], line[:, 1], color="#ff6f00", lw=4, alpha=0.85, solid_capstyle="round", zorder=3)
            else:
                ax.plot(line[:, 0], line[:, 1], color="#1565c0", lw=1.2, ls=(0, (6, 3)), zorder=3)


def _tracks(ax: Any, payload: dict[str, Any]) -> None:
    """Every track at once: one scatter for the one-position aircraft of a snapshot, one collection each for
    the halo, the coloured steps and the dashed coverage gaps of all the others."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba_array

    alt_rgba = to_rgba_array([c["color"] for c in payload["altClasses"]])

    def rgba(t: dict[str, Any], cls: np.ndarray) -> np.ndarray:
        return np.broadcast_to(to_rgba_array(t["colour"]), (len(cls), 4)) if t.get("colour") else alt_rgba[cls]

    dots = [t for t in payload["tracks"] if len(t["lon"]) == 1]  # a snapshot holds one position per aircraft
    if dots:
        ax.scatter([t["lon"][0] for t in dots], [t["lat"][0] for t in dots], s=10, edgecolors="#1b1b1b",
                   color=np.concatenate([rgba(t, np.asarray(t["cls"][:1], dtype=int)) for t in dots]),
                   linewidths=0.4, zorder=5)
    segs, colours, gaps = [], [], []
    for t in payload["tracks"]:
        lon, lat = np.asarray(t["lon"], dtype=float), np.asarray(t["lat"], dtype=float)
        if len(lon) < 2:
            continue
        xy = np.column_stack([lon, lat])
        segs.append(np.stack([xy[:-1], xy[1:]], axis=1))
        colours.append(rgba(t, np.asarray(t["cls"][:-1], dtype=int)))
        is_gap = np.zeros(len(xy) - 1, dtype=bool)
        is_gap[np.asarray(t["gaps"][0::2], dtype=int)] = True
        gaps.append(is_gap)
    if not segs:
        return
    seg, colour, is_gap = np.concatenate(segs), np.concatenate(colours), np.concatenate(gaps)
    solid = ~is_gap
    ax.add_collection(LineCollection(seg[solid], colors="#1b1b1b", linewidths=3.6, alpha=0.45, zorder=4,
                                     capstyle="round"), autolim=False)
    ax.add_collection(LineCollection(seg[solid], colors=colour[solid], linewidths=2.0, zorder=5,
                                     capstyle="round"), autolim=False)
    if is_gap.any():
        ax.add_collection(LineCollection(seg[is_gap], colors="#37474f", linewidths=1.5, linestyles=(0, (4, 3)),
                                         zorder=5), autolim=False)


def _evidence(ax: Any, renderer: Any, payload: dict[str, Any], placed: list[Any]) -> list[Any]:
    """Reachable-area ellipses, closest-approach lines (labelled where the label is whole and covers no text in
    `placed`, so once when several verdicts cite one line) and the cited samples (ringed, one scatter); returns
    `placed` with the line labels."""
    from matplotlib.patches import PathPatch

    frame = _shrunk(ax.get_window_extent(renderer), 3)
    boxes = [text_box(t, renderer) for t in placed]
    samples = []
    for e in payload["evidence"]:
        if e["type"] == "ellipse":
            for rings in _rings(e["geojson"]):
                ax.add_patch(PathPatch(_polygon_path(rings), facecolor="#4fc3f7", alpha=0.25, edgecolor="#0277bd",
                                       lw=1.0, ls=(0, (4, 3)), zorder=3.5))
        elif e["type"] == "line":
            ll = np.asarray(e["latlons"], dtype=float)
            ax.plot(ll[:, 1], ll[:, 0], color="#e65100", lw=2, zorder=6)
            mid = ll[len(ll) // 2]
            label = ax.text(mid[1], mid[0], _plain(e["label"]), fontsize=9, color="#bf360c", fontweight="bold",
                            ha="center", va="center", zorder=9,
                            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#e65100", "lw": 0.8})
            if _keep(label, renderer, frame, boxes):
                placed.append(label)
        elif e["type"] == "sample":
            samples.append((e["lon"], e["lat"]))
    if samples:
        xy = np.asarray(samples, dtype=float)
        ax.scatter(xy[:, 0], xy[:, 1], s=36, facecolor="white", edgecolor="black", linewidths=1.5, zorder=7)
    return placed


def _markers(ax: Any, renderer: Any, payload: dict[str, Any], placed: list[Any]) -> list[Any]:
    """Event markers, one scatter per style; their labels placed clear of the edges and of `placed` (Text
    artists already on the map), on the side where they hide the least of the tracks. Returns `placed` with the
    new labels."""
    from matplotlib.path import Path as MplPath

    markers = payload["markers"]
    styles: dict[tuple[str, bool], list[dict[str, Any]]] = {}
    for m in markers:
        styles.setdefault((m["kind"] if m["kind"] in MARKER_STYLE else "point", bool(m["observed"])), []).append(m)
    for (kind, observed), group in styles.items():
        marker, face, edge, size = MARKER_STYLE[kind]
        ax.scatter([m["lon"] for m in group], [m["lat"] for m in group], marker=marker, s=size, facecolor=face,
                   edgecolor=edge, linewidths=1.5, zorder=8, alpha=1.0 if observed else 0.55)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    min_dx, min_dy = (x1 - x0) * 0.12, (y1 - y0) * 0.06
    frame = _shrunk(ax.get_window_extent(renderer), 3)
    boxes = [text_box(t, renderer) for t in placed]
    anchors: list[tuple[float, float]] = []
    # the drawn tracks in pixels: a label goes where it crosses the fewest of them
    lines = [MplPath(ax.transData.transform(np.column_stack([t["lon"], t["lat"]]))) for t in payload["tracks"]
             if len(t["lon"]) >= 2] if markers else []
    for m in sorted(markers, key=lambda m: m["kind"] not in ("takeoff", "landing")):
        text = _plain(m["label"])
        if not text or any(abs(m["lon"] - a) < min_dx and abs(m["lat"] - b) < min_dy for a, b in anchors):
            continue
        inward = -1 if m["lon"] > (x0 + x1) / 2 else 1  # the right part of the map: labels to the left first
        label = ax.annotate(text, (m["lon"], m["lat"]), xytext=(0, 0), textcoords="offset points", fontsize=8.5,
                            zorder=9, multialignment="left",
                            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#8c959f", "lw": 0.6})
        best: tuple[int, int, Any] | None = None
        for k, (dx, dy) in enumerate(LABEL_OFFSETS):
            box = _try_offset(label, renderer, dx * inward, dy)
            if _inside(box, frame) and not any(box.overlaps(b) for b in boxes):
                covered = sum(line.intersects_bbox(box, filled=False) for line in lines)
                if best is None or covered < best[0]:
                    best = (covered, k, box)
                if covered == 0:
                    break
        if best is None:
            label.remove()  # no clear place: the marker stays, its label would cover another or be cut
            continue
        dx, dy = LABEL_OFFSETS[best[1]]
        _try_offset(label, renderer, dx * inward, dy)
        boxes.append(best[2])
        placed.append(label)
        anchors.append((m["lon"], m["lat"]))
    return placed


def _try_offset(label: Any, renderer: Any, dx: float, dy: float) -> Any:
    """Move a map label to (dx, dy) points from its point, on that side of it; returns its box (pixels)."""
    label.set_position((dx, dy))
    label.set_horizontalalignment("left" if dx > 0 else "right")
    label.set_verticalalignment("bottom" if dy > 0 else "top")
    return text_box(label, renderer)


def _country_labels(ax: Any, renderer: Any, payload: dict[str, Any], placed: list[Any]) -> None:
    """Country names in the view, each only where it is whole and covers no other text."""
    frame = _shrunk(ax.get_window_extent(renderer), 3)
    boxes = [text_box(t, renderer) for t in placed]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for label in (payload.get("basemap") or {}).get("labels", []):
        if not (x0 < label["lon"] < x1 and y0 < label["lat"] < y1):
            continue
        _keep(ax.text(label["lon"], label["lat"], _plain(label["label"]).upper(), ha="center", va="center",
                      fontsize=9, color="#8a8177", fontweight="bold", zorder=2), renderer, frame, boxes)


def _keep(t: Any, renderer: Any, frame: Any, boxes: list[Any]) -> bool:
    """Keep a Text on the map when it lies whole inside `frame` and overlaps none of `boxes` (its box is then
    added to them); else remove it."""
    box = text_box(t, renderer)
    if _inside(box, frame) and not any(box.overlaps(b) for b in boxes):
        boxes.append(box)
        return True
    t.remove()
    return False


def text_box(t: Any, renderer: Any) -> Any:
    """The window extent (pixels) of a Text artist, with its rounded box when it has one."""
    from matplotlib.transforms import Bbox

    box = t.get_window_extent(renderer)
    patch = t.get_bbox_patch()
    if patch is None:
        return box
    t.update_bbox_position_size(renderer)
    return Bbox.union([box, patch.get_window_extent(renderer)])


def _shrunk(box: Any, px: float) -> Any:
    from matplotlib.transforms import Bbox

    return Bbox.from_extents(box.x0 + px, box.y0 + px, box.x1 - px, box.y1 - px)


def _inside(box: Any, frame: Any) -> bool:
    return bool(frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1)


def _scale_bar(ax: Any, x0: float, x1: float, y0: float, y1: float) -> Any:
    """A km scale bar in the lower left (geodesic length of the bar at the view's centre latitude); returns
    its label."""
    lat = (y0 + y1) / 2
    km_per_deg = KM_PER_DEG_NOMINAL * math.cos(math.radians(lat))
    target = (x1 - x0) * km_per_deg / 5
    nice = 10 ** math.floor(math.log10(max(target, 1e-3)))
    for m in (5, 2, 1):
        if m * nice <= target:
            nice *= m
            break
    length = nice / km_per_deg
    bx, by = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.04
    ax.plot([bx, bx + length], [by, by], color="#24292f", lw=3, zorder=10, solid_capstyle="butt")
    return ax.text(bx + length / 2, by + (y1 - y0) * 0.012, f"{nice:g} km", ha="center", va="bottom", fontsize=9,
                   zorder=10)


def _fit(t: Any, renderer: Any, width: float, min_size: float) -> None:
    """Make a Text at most `width` pixels wide: smaller, down to `min_size` points, then wrapped at spaces
    (a word wider than the line is cut)."""
    while t.get_window_extent(renderer).width > width and t.get_fontsize() > min_size:
        t.set_fontsize(max(t.get_fontsize() - 1, min_size))
    text = t.get_text()
    if t.get_window_extent(renderer).width <= width:
        return

    def fits(s: str) -> bool:
        t.set_text(s)
        return bool(t.get_window_extent(renderer).width <= width)

    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if fits(f"{line} {word}".strip()):
            line = f"{line} {word}".strip()
            continue
        if line:
            lines.append(line)
        line = word
        while len(line) > 1 and not fits(line):  # one word wider than the picture: cut it
            cut = len(line) - 1
            while cut > 1 and not fits(line[:cut]):
                cut = max(1, cut * 3 // 4)
            lines.append(line[:cut])
            line = line[cut:]
    t.set_text("\n".join([*lines, line]))


def _row(fig: Any, renderer: Any, y: float, left: str, right: str, left_kw: dict[str, Any],
         right_kw: dict[str, Any], *, top: bool, min_size: float) -> float:
    """One line of text across the picture at `y` pixels (its top when `top`, else its bottom): `left` at the
    left margin, `right` at the right; the left one shrinks and wraps to leave room for the right one, which
    goes to a line of its own when it takes more than half the width. Returns the row's far edge (pixels)."""
    width, height = fig.bbox.width, fig.bbox.height
    usable = width - 2 * MARGIN_PX
    va = "top" if top else "bottom"
    r_text = fig.text(1 - MARGIN_PX / width, y / height, right, ha="right", va=va, **right_kw) if right else None
    room = usable
    if r_text is not None:
        r_width = r_text.get_window_extent(renderer).width
        if r_width > usable / 2:
            _fit(r_text, renderer, usable, min_size)
            edge = r_text.get_window_extent(renderer)
            y = edge.y0 - ROW_GAP_PX if top else edge.y1 + ROW_GAP_PX
        else:
            room = usable - r_width - 3 * ROW_GAP_PX
    boxes = [r_text.get_window_extent(renderer)] if r_text is not None else []
    if left:
        l_text = fig.text(MARGIN_PX / width, y / height, left, ha="left", va=va, **left_kw)
        _fit(l_text, renderer, room, min_size)
        boxes.append(l_text.get_window_extent(renderer))
    if not boxes:
        return y
    return min(b.y0 for b in boxes) if top else max(b.y1 for b in boxes)


def _texts(fig: Any, renderer: Any, inp: MapInput, payload: dict[str, Any]) -> tuple[float, float]:
    """Title and verdict counts, the key and the ILLUSTRATIVE note above the map; sources and the tool below.
    Returns the pixels left for the map between them: (top, bottom)."""
    height = fig.bbox.height
    counts = {s: sum(v.status == s for v in inp.verdicts) for s in STATUSES}
    summary = "   ".join(f"{BADGE_SYMBOLS[s]} {STATUS_LABELS[s]} × {n}" for s, n in counts.items() if n)
    y = _row(fig, renderer, height - MARGIN_PX, title_of(inp), summary, {"fontsize": 15, "fontweight": "bold"},
             {"fontsize": 11}, top=True, min_size=13)
    key = ("Track colour = altitude (ft); dashed = coverage gap, no data; rings = samples a verdict cites. Times "
           "in the labels: UTC and local." if not any(t.get("colour") for t in payload["tracks"])
           else "One colour per aircraft; dashed = coverage gap, no data.")
    note = "ILLUSTRATIVE: synthetic, not evidence" if inp.illustrative else ""
    y = _row(fig, renderer, y - ROW_GAP_PX, key, note, {"fontsize": 9, "color": "#424a53"},
             {"fontsize": 10, "color": "#b26a00", "fontweight": "bold"}, top=True, min_size=8)
    base = inp.base
    sources = "; ".join(f"{public_name(s['path'], base)} sha256 {s['sha256'][:16]}…" for s in inp.sources()[:3])
    more = f" and {len(inp.sources()) - 3} more" if len(inp.sources()) > 3 else ""
    from tracks import __version__

    low = _row(fig, renderer, MARGIN_PX * 0.6, f"Made with tracks {__version__} · basemap: Natural Earth (public "
               "domain)", "", {"fontsize": 8, "color": "#57606a"}, {}, top=False, min_size=7)
    low = _row(fig, renderer, low + ROW_GAP_PX, f"Sources: {sources}{more}", "", {"fontsize": 8, "color": "#424a53"},
               {}, top=False, min_size=7)
    if inp.illustrative:
        fig.text(0.5, 0.5, WATERMARK, fontsize=30, color="#b26a00", alpha=0.35, ha="center", va="center",
                 rotation=18, fontweight="bold", zorder=20)
    return y - MAP_GAP_PX, low + MAP_GAP_PX


def save_png(inp: MapInput, payload: dict[str, Any], path: str | Path, *, progress: bool = False) -> Path:
    """Write the picture as PNG (1800 x 1200 px) to `path`; returns the path.

    progress: a progress bar on stderr when drawing takes more than `tracks.render.progress.DELAY_S` seconds.
    """
    from tracks.render.progress import bar

    path = Path(path)
    with bar(5, "drawing the picture", "step", progress) as steps:
        fig = draw(inp, payload, steps)
        fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
        steps.update(1)
    return path
