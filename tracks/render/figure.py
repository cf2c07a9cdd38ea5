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


def draw(inp: MapInput, payload: dict[str, Any]) -> Any:
    """A matplotlib Figure of the map (not shown, not saved)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    fig = Figure(figsize=SIZE_IN, dpi=DPI)
    ax = fig.add_axes((0.01, 0.08, 0.98, 0.82))
    ax.set_facecolor("#cfe0ec")
    pts = np.array([(lo, la) for t in payload["tracks"] for la, lo in zip(t["lat"], t["lon"], strict=True)]
                   + [(m["lon"], m["lat"]) for m in payload["markers"]], dtype=float).reshape(-1, 2)
    if len(pts):
        (x0, y0), (x1, y1) = np.nanmin(pts, axis=0), np.nanmax(pts, axis=0)
    else:
        x0, y0, x1, y1 = -180.0, -80.0, 180.0, 80.0
    pad_x, pad_y = max((x1 - x0) * 0.12, 0.3), max((y1 - y0) * 0.12, 0.3)
    x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, max(y0 - pad_y, -89.0), min(y1 + pad_y, 89.0)
    aspect = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.05)
    # widen the view to the picture's proportions, so that nothing is stretched
    box_w, box_h = SIZE_IN[0] * 0.98, SIZE_IN[1] * 0.82
    want = box_w / box_h
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

    land = (payload.get("basemap") or {}).get("land") or {"features": []}
    for feature in land["features"]:
        for rings in _rings(feature["geometry"]):
            verts = np.concatenate(rings)
            codes = np.concatenate([[MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 1) for r in rings])
            ax.add_patch(PathPatch(MplPath(verts, codes), facecolor="#f4f1ea", edgecolor="#a8a29a", lw=0.6,
                                   zorder=1))
    for label in (payload.get("basemap") or {}).get("labels", []):
        if x0 < label["lon"] < x1 and y0 < label["lat"] < y1:
            ax.text(label["lon"], label["lat"], _plain(label["label"]).upper(), ha="center", va="center",
                    fontsize=9, color="#8a8177", fontweight="bold", zorder=2)
    for r in payload["regions"]:
        for line in _lines(r["geojson"]):
            if r["border"]:
                ax.plot(line[:, 0], line[:, 1], color="#ff6f00", lw=4, alpha=0.85, solid_capstyle="round", zorder=3)
            else:
                ax.plot(line[:, 0], line[:, 1], color="#1565c0", lw=1.2, ls=(0, (6, 3)), zorder=3)

    alt_colours = [c["color"] for c in payload["altClasses"]]
    for t in payload["tracks"]:
        lon, lat = np.asarray(t["lon"], dtype=float), np.asarray(t["lat"], dtype=float)
        if len(lon) == 1:  # a snapshot holds one position per aircraft: a dot
            ax.scatter(lon, lat, s=10, color=t.get("colour") or alt_colours[t["cls"][0]], edgecolors="#1b1b1b",
                       linewidths=0.4, zorder=5)
        if len(lon) < 2:
            continue
        seg = np.stack([np.column_stack([lon[:-1], lat[:-1]]), np.column_stack([lon[1:], lat[1:]])], axis=1)
        is_gap = np.zeros(len(seg), dtype=bool)
        is_gap[np.asarray(t["gaps"][0::2], dtype=int)] = True
        colours = ([t["colour"]] * len(seg) if t.get("colour")
                   else [alt_colours[c] for c in np.asarray(t["cls"][:-1], dtype=int)])
        solid = ~is_gap
        ax.add_collection(LineCollection(seg[solid], colors="#1b1b1b", linewidths=3.6, alpha=0.45, zorder=4,
                                         capstyle="round"))
        ax.add_collection(LineCollection(seg[solid], colors=np.array(colours, dtype=object)[solid].tolist(),
                                         linewidths=2.0, zorder=5, capstyle="round"))
        if is_gap.any():
            ax.add_collection(LineCollection(seg[is_gap], colors="#37474f", linewidths=1.5,
                                             linestyles=(0, (4, 3)), zorder=5))
    for e in payload["evidence"]:
        if e["type"] == "ellipse":
            for rings in _rings(e["geojson"]):
                verts = np.concatenate(rings)
                codes = np.concatenate([[MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 1) for r in rings])
                ax.add_patch(PathPatch(MplPath(verts, codes), facecolor="#4fc3f7", alpha=0.25, edgecolor="#0277bd",
                                       lw=1.0, ls=(0, (4, 3)), zorder=3.5))
        elif e["type"] == "line":
            ll = np.asarray(e["latlons"], dtype=float)
            ax.plot(ll[:, 1], ll[:, 0], color="#e65100", lw=2, zorder=6)
            mid = ll[len(ll) // 2]
            ax.text(mid[1], mid[0], _plain(e["label"]), fontsize=9, color="#bf360c", fontweight="bold",
                    ha="center", va="center", zorder=9,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#e65100", "lw": 0.8})
        elif e["type"] == "sample":
            ax.scatter([e["lon"]], [e["lat"]], s=36, facecolor="white", edgecolor="black", linewidths=1.5, zorder=7)
    placed: list[tuple[float, float]] = []
    min_dx, min_dy = (x1 - x0) * 0.12, (y1 - y0) * 0.06
    for m in sorted(payload["markers"], key=lambda m: m["kind"] not in ("takeoff", "landing")):
        marker, face, edge, size = MARKER_STYLE.get(m["kind"], MARKER_STYLE["point"])
        ax.scatter([m["lon"]], [m["lat"]], marker=marker, s=size, facecolor=face, edgecolor=edge, linewidths=1.5,
                   zorder=8, alpha=1.0 if m["observed"] else 0.55)
        text = _plain(m["label"])
        if not text or any(abs(m["lon"] - a) < min_dx and abs(m["lat"] - b) < min_dy for a, b in placed):
            continue
        placed.append((m["lon"], m["lat"]))
        ax.annotate(text, (m["lon"], m["lat"]), xytext=(10, 6), textcoords="offset points", fontsize=8.5,
                    zorder=9, bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#8c959f", "lw": 0.6})
    _scale_bar(ax, x0, x1, y0, y1)
    _texts(fig, inp, payload)
    return fig


def _scale_bar(ax: Any, x0: float, x1: float, y0: float, y1: float) -> None:
    """A km scale bar in the lower left (geodesic length of the bar at the view's centre latitude)."""
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
    ax.text(bx + length / 2, by + (y1 - y0) * 0.012, f"{nice:g} km", ha="center", va="bottom", fontsize=9,
            zorder=10)


def _texts(fig: Any, inp: MapInput, payload: dict[str, Any]) -> None:
    fig.text(0.01, 0.965, title_of(inp), fontsize=15, fontweight="bold", va="center")
    counts = {s: sum(v.status == s for v in inp.verdicts) for s in STATUSES}
    summary = "   ".join(f"{BADGE_SYMBOLS[s]} {STATUS_LABELS[s]} × {n}" for s, n in counts.items() if n)
    if summary:
        fig.text(0.99, 0.965, summary, fontsize=11, ha="right", va="center")
    fig.text(0.01, 0.925, "Track colour = altitude (ft); dashed = coverage gap, no data; rings = samples a verdict "
             "cites. Times in the labels: UTC and local." if not any(t.get("colour") for t in payload["tracks"])
             else "One colour per aircraft; dashed = coverage gap, no data.", fontsize=9, color="#424a53",
             va="center")
    base = inp.base
    sources = "; ".join(f"{public_name(s['path'], base)} sha256 {s['sha256'][:16]}…" for s in inp.sources()[:3])
    more = f" and {len(inp.sources()) - 3} more" if len(inp.sources()) > 3 else ""
    from tracks import __version__

    fig.text(0.01, 0.045, f"Sources: {sources}{more}", fontsize=8, color="#424a53", va="center")
    fig.text(0.01, 0.018, f"Made with tracks {__version__} · basemap: Natural Earth (public domain)",
             fontsize=8, color="#57606a", va="center")
    if inp.illustrative:
        fig.text(0.5, 0.5, "ILLUSTRATIVE TRACK — not a recording", fontsize=30, color="#b26a00", alpha=0.35,
                 ha="center", va="center", rotation=18, fontweight="bold", zorder=20)
        fig.text(0.99, 0.925, "ILLUSTRATIVE: synthetic, not evidence", fontsize=10, color="#b26a00",
                 fontweight="bold", ha="right", va="center")


def save_png(inp: MapInput, payload: dict[str, Any], path: str | Path) -> Path:
    """Write the picture as PNG (1800 x 1200 px) to `path`; returns the path."""
    path = Path(path)
    fig = draw(inp, payload)
    fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
    return path
