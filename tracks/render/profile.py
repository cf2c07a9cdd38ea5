"""The flight's profile: altitude (barometric and geometric) and ground speed against time, as one SVG.

    >>> track.plot_profile()                       # in a notebook: shows the chart
    >>> tracks.plot_profile(result).save("profile.svg")

One drawing serves the map (under the map, linked to its time slider), report.md (profile.svg next to it) and
notebooks. Coverage gaps are shaded "no data" (the drawing rule of `tracks.render.drawgaps`, the same as the
map's dashed segments) and the lines break there: nothing is drawn where nothing was observed. Take-offs,
landings, crossings and closest approaches are vertical lines; samples a verdict cites are black-ringed dots.
The time axis is labelled in UTC and, below it, in the case's local time.

Layout: the plot is an inner SVG whose x axis is 0..1000 units stretched to the full width (lines keep their
stroke width), so the same drawing fits a phone or a print page; texts are placed in percent of the width.
Every text from data is XML-escaped. No script, no font, nothing fetched.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tracks import wording
from tracks.observation import Observation, as_observation
from tracks.render.content import MapInput, event_title, shown_title
from tracks.render.drawgaps import drawn_gaps
from tracks.track import Track

#: Inner plot width in units (x = 0..UNITS spans the time range).
UNITS = 1000
LEGEND_H = 20
AXIS_H = 34
COLOURS = {"baro": "#1f4e99", "geom": "#6a9fd8", "gs": "#d9730d", "gap": "#90a4ae"}
EVENT_COLOURS = {"takeoff": "#1a7f37", "landing": "#1f5fa8", "crossing": "#6a1b9a", "closest": "#e65100",
                 "touch_and_go": "#1f5fa8", "go_around": "#1f5fa8"}
#: Labels are laid out for a chart about this wide (px): a phone's; wider charts just have more room.
LABEL_WIDTH_PX = 390
#: Percent of the width kept for the y-axis labels at each end.
Y_LABEL_PCT = 11.0
_TIME_STEPS_S = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800)


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True)
class Profile:
    """A profile chart: `svg` text; shows itself in Jupyter; `save(path)` writes a standalone .svg file."""

    svg: str

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.svg, encoding="utf-8")
        return path


@dataclass(frozen=True)
class _Mark:
    kind: str
    t: float  # epoch seconds
    title: str  # the kind's ('Take-off'), in the hover text
    detail: str
    observed: bool = True
    shown: str = ""  # the label along the top: `content.shown_title` ('First seen' for an unseen take-off)


def _nice(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, >= value (value > 0)."""
    exp = math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10**exp >= value:
            return m * 10**exp
    return 10 ** (exp + 1)


def _bucket_edges(x: np.ndarray) -> np.ndarray:
    """First index of each unit of x that holds samples (x ascending, as times are): a search per unit, not a
    pass over the samples."""
    edges = np.searchsorted(x, np.arange(1, UNITS), side="left")
    return np.unique(np.concatenate([[0], edges[edges < len(x)]]))


def _decimate(x: np.ndarray, v: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Indices to draw: per unit of x the first, last, lowest and highest sample, and both sides of breaks
    (x ascending). Exactly the samples that shape the line at the chart's resolution."""
    n = len(x)
    if n <= 4 * UNITS:
        return np.arange(n)
    edges = _bucket_edges(x)
    ends = np.concatenate([edges[1:], [n]])
    finite = np.isfinite(v)
    low, high = np.where(finite, v, np.inf), np.where(finite, v, -np.inf)
    # the first lowest and highest sample of each unit (one argmin/argmax per unit: at most UNITS calls)
    lows = [a + int(np.argmin(low[a:b])) for a, b in zip(edges.tolist(), ends.tolist(), strict=True)]
    highs = [a + int(np.argmax(high[a:b])) for a, b in zip(edges.tolist(), ends.tolist(), strict=True)]
    extremes = np.array(lows + highs, dtype=np.int64)
    b = np.flatnonzero(breaks)
    keep = np.concatenate([edges, ends - 1, extremes[finite[extremes]], b, b + 1])
    return np.unique(keep)


def _path(x: np.ndarray, y: np.ndarray, breaks: np.ndarray) -> str:
    """SVG path data through (x, y), lifting the pen across breaks (per segment, n-1) and unknown values."""
    n = len(x)
    if n == 0:
        return ""
    ok = np.isfinite(y)
    brk = breaks | ~ok[:-1] | ~ok[1:] if n > 1 else np.zeros(0, dtype=bool)
    idx = _decimate(x, y, brk)
    idx = idx[ok[idx]]
    # breaks before each drawn sample: the pen lifts where that count changes
    before = np.searchsorted(np.flatnonzero(brk), idx, side="left")
    joined = np.r_[False, before[1:] == before[:-1]]
    xs, ys = x[idx].tolist(), y[idx].tolist()
    return "".join(f"{'L' if j else 'M'}{a:.1f} {b:.1f}" for j, a, b in zip(joined.tolist(), xs, ys, strict=True))


def _time_ticks(t0: float, t1: float, max_ticks: int = 5) -> list[float]:
    span = max(t1 - t0, 1.0)
    step = next((s for s in _TIME_STEPS_S if span / s <= max_ticks), _TIME_STEPS_S[-1])
    first = math.ceil(t0 / step) * step
    return [float(t) for t in np.arange(first, t1 + 1e-6, step)]


def _tick_text(ts: pd.Timestamp, prev_day: str | None, suffix: str) -> tuple[str, str]:
    """'01:30 UTC', or '29 Nov 00:00 UTC' where the day changes; and the day."""
    day = ts.strftime("%d %b")
    text = f"{ts.strftime('%H:%M')} {suffix}"
    return (f"{day} {text}" if prev_day is not None and day != prev_day else text), day


def profile_svg(
    track: Track | Observation,
    *,
    events: pd.DataFrame | None = None,
    cited: Sequence[tuple[Any, float | None, str]] = (),
    cited_gap_starts: Sequence[Any] = (),
    tz: ZoneInfo | None = None,
    max_gap_s: float = 60.0,
    width: int | str = 960,
    height: int = 190,
    title: str = "",
    standalone: bool = True,
) -> str:
    """The profile of `track` as SVG text.

    events: rows with kind, time, label, observed (CaseResult.events or leg events). cited: (time, altitude ft
    or None, role) of every sample a verdict cites. cited_gap_starts: start times of the gaps a verdict
    depends on (always shaded). width: pixels, or "100%" to fill the page element it sits in. standalone:
    an .svg file of its own (with the SVG namespace); False for inline SVG in an HTML page.
    """
    plot_h = max(height - LEGEND_H - AXIS_H, 40)
    w_attr = _esc(width)
    xmlns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""  # inline in HTML it needs none
    head = (f'<svg{xmlns} class="tm-profile-svg" width="{w_attr}" height="{height}" '
            f'role="img" aria-labelledby="tm-profile-title tm-profile-desc" font-family="system-ui, -apple-system, '
            f'Segoe UI, Roboto, DejaVu Sans, Arial, sans-serif" font-size="11">')
    obs = as_observation(track, max_gap_s=max_gap_s)  # the model's gaps and air/ground state (a Track: observed)
    d = obs.frame
    if len(d) < 2 or not (np.isfinite(d["alt_baro_ft"]).any() or np.isfinite(d["alt_geom_ft"]).any()
                          or np.isfinite(d["gs_kt"]).any()):
        why = "no altitude or ground speed in the data" if len(d) >= 2 else "fewer than two samples"
        return (head + f'<title id="tm-profile-title">{_esc(title or "Profile")}</title>'
                f'<desc id="tm-profile-desc">{_esc(why)}</desc>'
                f'<text x="50%" y="{height // 2}" text-anchor="middle" fill="#57606a">Profile: {_esc(why)}</text></svg>')
    t = obs.t
    t0, t1 = float(t[0]), float(t[-1])
    span = max(t1 - t0, 1.0)
    x = (t - t0) / span * UNITS
    gaps = drawn_gaps(obs, cited_starts=cited_gap_starts)
    ground = obs.on_ground
    baro = d["alt_baro_ft"].to_numpy(dtype=float)
    geom = d["alt_geom_ft"].to_numpy(dtype=float)
    baro = np.where(ground & np.isnan(baro), 0.0, baro)  # 'ground' is an altitude: the runway
    gs = d["gs_kt"].to_numpy(dtype=float)

    # y scales: altitude on the left, ground speed on the right, sharing the grid lines
    alt_max = float(np.nanmax(np.concatenate([baro, geom, [0.0]])))
    ticks = 4
    alt_step = _nice(max(alt_max, 1000.0) / ticks)
    gs_max = float(np.nanmax(np.concatenate([gs, [0.0]])))
    gs_step = _nice(max(gs_max, 50.0) / ticks)
    alt_min = float(np.nanmin(np.concatenate([baro, geom, [0.0]])))
    below = max(0, math.ceil(-alt_min / alt_step))  # an aircraft below sea level (or a bad value) stays visible
    lo_alt, hi_alt = -below * alt_step, ticks * alt_step
    pad = 4.0

    def y_alt(v: np.ndarray) -> np.ndarray:
        return plot_h - pad - (v - lo_alt) / (hi_alt - lo_alt) * (plot_h - 2 * pad)

    def y_gs(v: np.ndarray) -> np.ndarray:
        return plot_h - pad - (v / (gs_step * (ticks + below) or 1.0)) * (plot_h - 2 * pad)

    out = [head]
    label = title or "Profile"
    out.append(f'<title id="tm-profile-title">{_esc(label)}: altitude and ground speed against time</title>')
    marks = _marks(events, tz)
    n_gaps = int(gaps.sum())
    start, stop = pd.Timestamp(round(t0), unit="s", tz="UTC"), pd.Timestamp(round(t1), unit="s", tz="UTC")
    zone = f" (local = {wording.zone_label(tz, start.to_pydatetime())})" if tz is not None else ""
    desc = (f"From {wording.time_both(start, tz)} to {wording.time_both(stop, tz)}{zone}; highest altitude "
            f"{alt_max:,.0f} ft; {n_gaps} coverage gap{'s' if n_gaps != 1 else ''} shaded as no data; "
            + "; ".join(f"{m.title} {m.detail}".strip() for m in marks))
    out.append(f'<desc id="tm-profile-desc">{_esc(desc)}</desc>')
    out.append('<defs><pattern id="tm-nodata" width="6" height="6" patternUnits="userSpaceOnUse" '
               'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eceff1"/>'
               '<line x1="0" y1="0" x2="0" y2="6" stroke="#b0bec5" stroke-width="2"/></pattern></defs>')
    out.append(_legend(np.isfinite(baro).any(), np.isfinite(geom).any(), np.isfinite(gs).any(), n_gaps > 0))
    out.append(f'<rect x="0" y="{LEGEND_H}" width="100%" height="{plot_h}" fill="#fff" stroke="#d0d7de"/>')
    # the plot: x in units, y in pixels
    out.append(f'<svg class="tm-profile-plot" x="0" y="{LEGEND_H}" width="100%" height="{plot_h}" '
               f'viewBox="0 0 {UNITS} {plot_h}" preserveAspectRatio="none" overflow="hidden" '
               f'data-t0="{t0:.3f}" data-t1="{t1:.3f}">')
    for k in range(1, ticks + below):
        yy = plot_h - pad - k / (ticks + below) * (plot_h - 2 * pad)
        out.append(f'<line x1="0" x2="{UNITS}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#eaeef2" '
                   'vector-effect="non-scaling-stroke"/>')
    for i in np.flatnonzero(gaps).tolist():
        gx0, gx1 = x[i], max(x[i + 1], x[i] + 0.6)
        dur = wording.duration(t[i + 1] - t[i])
        out.append(f'<rect class="tm-nodata" x="{gx0:.2f}" y="0" width="{gx1 - gx0:.2f}" height="{plot_h}" '
                   f'fill="url(#tm-nodata)"><title>no data for {_esc(dur)}</title></rect>')
    seg_gaps = gaps
    for key, values, scale, dash in (("gs", gs, y_gs, ""), ("geom", geom, y_alt, "5 3"), ("baro", baro, y_alt, "")):
        if not np.isfinite(values).any():
            continue
        dpath = _path(x, scale(values), seg_gaps)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<path class="tm-series-{key}" d="{dpath}" fill="none" stroke="{COLOURS[key]}" '
                   f'stroke-width="{1.6 if key == "gs" else 2}" stroke-linejoin="round"{dash_attr} '
                   'vector-effect="non-scaling-stroke"/>')
    for m in marks:
        if not t0 <= m.t <= t1:
            continue
        mx = (m.t - t0) / span * UNITS
        colour = EVENT_COLOURS.get(m.kind, "#37474f")
        dash = "" if m.observed else ' stroke-dasharray="3 3"'
        out.append(f'<line class="tm-event tm-event-{_esc(m.kind)}" x1="{mx:.2f}" x2="{mx:.2f}" y1="0" '
                   f'y2="{plot_h}" stroke="{colour}" stroke-width="2"{dash} vector-effect="non-scaling-stroke">'
                   f'<title>{_esc(m.title)} {_esc(m.detail)}</title></line>')
    for when, alt, role in cited:
        ts = wording.to_utc(when)
        if ts is None:
            continue
        ct = ts.value / 1e9
        if not t0 <= ct <= t1:
            continue
        cx = (ct - t0) / span * UNITS
        cy = float(y_alt(np.array([alt if alt is not None and math.isfinite(alt) else 0.0]))[0])
        tip = f"cited sample ({role}) {wording.time_both(ts, tz)}"
        out.append(f'<g class="tm-cited"><title>{_esc(tip)}</title>'
                   f'<path d="M{cx:.2f} {cy:.1f}h0" stroke="#000" stroke-width="9" stroke-linecap="round" '
                   'vector-effect="non-scaling-stroke"/>'
                   f'<path d="M{cx:.2f} {cy:.1f}h0" stroke="#fff" stroke-width="5" stroke-linecap="round" '
                   'vector-effect="non-scaling-stroke"/></g>')
    out.append(f'<line class="tm-cursor" x1="0" x2="0" y1="0" y2="{plot_h}" stroke="#000" stroke-width="2" '
               'vector-effect="non-scaling-stroke" visibility="hidden"/>')
    out.append("</svg>")
    out += _labels(marks, gaps, x, t, t0, t1, plot_h)
    out += _y_labels(ticks, below, alt_step, gs_step, plot_h, pad, np.isfinite(gs).any())
    out += _time_axis(t0, t1, tz, plot_h)
    out.append("</svg>")
    return "".join(out)


def _legend(baro: bool, geom: bool, gs: bool, gaps: bool) -> str:
    """One row of short legend items, placed in pixels (about 360 px at most: it fits a phone)."""
    items = []
    if baro:
        items.append(("line", COLOURS["baro"], "", "baro altitude"))
    if geom:
        items.append(("line", COLOURS["geom"], "5 3", "geom altitude"))
    if gs:
        items.append(("line", COLOURS["gs"], "", "ground speed"))
    if gaps:
        items.append(("box", "", "", "no data"))
    out = ['<g class="tm-profile-legend" font-size="10">']
    pos = 3.0
    for kind, colour, dash, text in items:
        if kind == "line":
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{pos:.0f}" y1="10" x2="{pos + 18:.0f}" y2="10" stroke="{colour}" '
                       f'stroke-width="2.5"{dash_attr}/>')
        else:
            out.append(f'<rect x="{pos:.0f}" y="5" width="18" height="10" fill="url(#tm-nodata)" stroke="#90a4ae"/>')
        out.append(f'<text x="{pos + 22:.0f}" y="14" fill="#24292f">{_esc(text)}</text>')
        pos += 22 + len(text) * 5.6 + 12
    out.append("</g>")
    return "".join(out)


def _marks(events: pd.DataFrame | None, tz: ZoneInfo | None) -> list[_Mark]:
    if events is None or events.empty or "time" not in events.columns:
        return []
    out = []
    for row in events.to_dict("records"):
        ts = wording.to_utc(row.get("time"))
        if ts is None:
            continue
        kind = str(row.get("kind", "") or "")
        observed = row.get("observed", True)
        observed = True if observed is None or observed is pd.NA else bool(observed)
        label = str(row.get("label", "") or "")
        out.append(_Mark(kind, ts.value / 1e9, event_title(kind),
                         f"{label} ({wording.time_short(ts, tz)})".strip() if label else wording.time_short(ts, tz),
                         observed, shown_title(kind, label, observed)))
    out.sort(key=lambda m: (m.t, m.kind))
    return [m for k, m in enumerate(out) if k == 0 or (m.kind, round(m.t)) != (out[k - 1].kind, round(out[k - 1].t))]


def _labels(marks: list[_Mark], gaps: np.ndarray, x: np.ndarray, t: np.ndarray, t0: float, t1: float,
            plot_h: int) -> list[str]:
    """Short labels: events along the top of the plot (two rows, skipped when crowded), long gaps' 'no data'."""
    out: list[str] = []
    span = max(t1 - t0, 1.0)
    rows_end = [-1.0, -1.0]
    for m in marks:
        if not t0 <= m.t <= t1:
            continue
        text = m.shown.lower()
        need = (len(text) * 6 + 8) / LABEL_WIDTH_PX * 100  # percent of the width the label takes
        # clear of the axis labels at both ends: a label near an end sits inside them, next to its line
        pct = min(max((m.t - t0) / span * 100, Y_LABEL_PCT), 100 - Y_LABEL_PCT)
        anchor, dx = ("end", -3) if pct > 100 - Y_LABEL_PCT - need else ("start", 3)
        left = pct if anchor == "start" else pct - need
        row = next((r for r in (0, 1) if rows_end[r] < left), None)
        if row is None:
            continue
        rows_end[row] = left + need
        out.append(f'<text class="tm-event-label" x="{pct:.2f}%" dx="{dx}" y="{LEGEND_H + 12 + 12 * row}" '
                   f'text-anchor="{anchor}" fill="{EVENT_COLOURS.get(m.kind, "#37474f")}" font-weight="600" '
                   f'stroke="#fff" stroke-width="3" paint-order="stroke">{_esc(text)}</text>')
    idx = np.flatnonzero(gaps)
    if len(idx):
        widths = x[idx + 1] - x[idx]
        for i in idx[np.argsort(-widths)][:6]:
            w = (x[i + 1] - x[i]) / UNITS * 100
            if w < 6:
                break
            mid = (x[i] + x[i + 1]) / 2 / UNITS * 100
            out.append(f'<text x="{mid:.2f}%" y="{LEGEND_H + plot_h // 2 + 4}" text-anchor="middle" fill="#37474f" '
                       f'stroke="#fff" stroke-width="3" paint-order="stroke">no data '
                       f'{_esc(wording.duration(t[i + 1] - t[i]))}</text>')
    return out


def _y_labels(ticks: int, below: int, alt_step: float, gs_step: float, plot_h: int, pad: float,
              with_gs: bool) -> list[str]:
    out = []
    for k in range(0, ticks + below + 1):
        yy = LEGEND_H + plot_h - pad - k / (ticks + below) * (plot_h - 2 * pad)
        if k == ticks + below:
            yy += 10
        alt = (k - below) * alt_step
        out.append(f'<text x="3" y="{yy - 2:.1f}" fill="{COLOURS["baro"]}" stroke="#fff" stroke-width="3" '
                   f'paint-order="stroke">{_feet(alt)}</text>')
        if with_gs and k >= below:
            out.append(f'<text x="100%" dx="-3" y="{yy - 2:.1f}" text-anchor="end" fill="{COLOURS["gs"]}" '
                       f'stroke="#fff" stroke-width="3" paint-order="stroke">{(k - below) * gs_step:,.0f} kt</text>')
    return out


def _feet(alt: float) -> str:
    """Axis label: '0 ft', '500 ft', '30k ft', '2.5k ft'."""
    return f"{alt / 1000:g}k ft" if abs(alt) >= 1000 else f"{alt:,.0f} ft"


def _time_axis(t0: float, t1: float, tz: ZoneInfo | None, plot_h: int) -> list[str]:
    """Tick labels in UTC and, below, in local time ('01:30 UTC' over '21:30 local'; the date where it changes)."""
    y_utc = LEGEND_H + plot_h + 13
    y_loc = y_utc + 14
    out = []
    span = max(t1 - t0, 1.0)
    prev_utc: str | None = None
    prev_loc: str | None = None
    for tick in _time_ticks(t0, t1):
        pct = (tick - t0) / span * 100
        if pct < 1 or pct > 99:
            continue  # at the very edge
        ts = pd.Timestamp(round(tick), unit="s", tz="UTC")
        text, prev_utc = _tick_text(ts, prev_utc, "UTC")
        out.append(f'<line x1="{pct:.2f}%" x2="{pct:.2f}%" y1="{LEGEND_H + plot_h}" y2="{LEGEND_H + plot_h + 3}" '
                   'stroke="#57606a"/>')
        anchor = "start" if pct < 12 else "end" if pct > 88 else "middle"  # not cut at the edges
        out.append(f'<text x="{pct:.2f}%" y="{y_utc}" text-anchor="{anchor}" fill="#24292f">{_esc(text)}</text>')
        if tz is not None:
            loc, prev_loc = _tick_text(ts.tz_convert(tz), prev_loc, "local")
            out.append(f'<text x="{pct:.2f}%" y="{y_loc}" text-anchor="{anchor}" fill="#57606a">{_esc(loc)}</text>')
    return out


def profile_of(inp: MapInput, *, width: int | str = 960, height: int = 190, standalone: bool = True) -> str:
    """The profile SVG of the (first non-empty) aircraft of a MapInput, with its events and cited samples."""
    from tracks.render.inputs import cited_gap_starts

    live = [(o, name) for o, name in zip(inp.observations, inp.names, strict=True) if len(o)]  # not a Traffic
    track, name = live[0] if live else (inp.tracks[0] if inp.tracks else Track.empty_track(), "")
    cited = list(dict.fromkeys((s.time, s.alt_ft, s.role) for v in inp.verdicts for s in v.evidence.samples))  # once each
    return profile_svg(track, events=inp.events, cited=cited, cited_gap_starts=cited_gap_starts(inp), tz=inp.tz,
                       max_gap_s=inp.max_gap_s, width=width, height=height, title=name, standalone=standalone)


def plot_profile(obj: Any, *, timezone: str | None = None, max_gap_s: float | None = None,
                 width: int = 960, height: int = 220) -> Profile:
    """The profile chart of a CaseResult (with its events and cited samples) or of a Track.

    timezone: IANA zone for the local time axis (default: the case's; none for a bare track).
    max_gap_s: coverage-gap threshold in seconds (default: the case's, else 60). width/height: pixels.
    """
    from tracks.render.inputs import map_input

    return Profile(profile_of(map_input(obj, (), timezone, max_gap_s), width=width, height=height))
