"""Rich notebook display (`_repr_html_`) of a Track, a Traffic table and a check result.

Offline and small: plain HTML with inline SVG (no script, no network), a route drawn in an equirectangular
frame and the altitude profile against time, both reduced to what the pixels can show (consecutive samples
that land on the same half pixel are one vertex; the profile is a min/max envelope per pixel column), so a
million samples draw as a few thousand vertices. Coverage gaps are never drawn as if observed: the route
shows them as dashed straight lines, the profile as shaded bands. Every text from data (callsigns,
registrations, operators, quotes, file names) is HTML-escaped. The words come from the shared sources: the
leg events' sentences (observed vs "last seen near"), `tracks.wording` (the one formatter) for durations and times.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from tracks import wording as fmt
from tracks.aircraft import flag_labels, shown_address
from tracks.altitude import displayed_ft
from tracks.paths import public_name
from tracks.segments import DEFAULT_MAX_GAP_S, gap_mask

if TYPE_CHECKING:
    from tracks.claims.result import CaseResult
    from tracks.track import Track, Traffic

ROUTE_SIZE = (360, 220)
PROFILE_SIZE = (360, 120)
#: Most vertices per drawn track after the pixel reduction (Douglas-Peucker in pixels beyond, keeping gap ends).
MAX_VERTICES = 4000
#: Aircraft drawn and listed in a Traffic display (those with the most samples).
TRAFFIC_DRAWN = 200
TRAFFIC_LISTED = 20
LEGS_LISTED = 30

_STYLE = ("font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px;line-height:1.35;"
          "max-width:780px")
_BADGE = "display:inline-block;padding:0 6px;margin:0 3px 0 0;border-radius:8px;color:#fff;font-size:12px;"
_STATUS_COLOURS = {"supported": "#1a7f37", "contradicted": "#cf222e", "not_verifiable": "#9a6700"}


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _badge(text: str, colour: str) -> str:
    return f'<span style="{_BADGE}background:{colour}">{esc(text)}</span>'


# -- drawings -------------------------------------------------------------------------------------------------

def _route_vertices(x: np.ndarray, y: np.ndarray, gap_end: np.ndarray) -> np.ndarray:
    """Indices to draw (x, y in pixels): a new vertex whenever the half-pixel cell changes, both ends of every
    gap, and then, above MAX_VERTICES, Douglas-Peucker in pixels (from half a pixel, doubled until it fits)."""
    n = len(x)
    qx, qy = np.rint(x * 2), np.rint(y * 2)
    keep = np.ones(n, dtype=bool)
    keep[1:] = (qx[1:] != qx[:-1]) | (qy[1:] != qy[:-1])
    keep |= gap_end
    keep[[0, -1]] = True
    idx = np.flatnonzero(keep)
    tolerance = 0.5
    while len(idx) > MAX_VERTICES and tolerance < 64:
        line = shapely.linestrings(x[idx], y[idx], np.arange(len(idx), dtype=float))
        kept = shapely.get_coordinates(shapely.simplify(line, tolerance, preserve_topology=False), include_z=True)
        sub = np.union1d(np.rint(kept[:, 2]).astype(np.int64), np.flatnonzero(gap_end[idx]))
        idx = idx[np.union1d(sub, [0, len(idx) - 1])]
        tolerance *= 2
    return idx


def route_svg(tracks: list[Track], size: tuple[int, int] = ROUTE_SIZE, max_gap_s: float = DEFAULT_MAX_GAP_S) -> str:
    """The routes (lon/lat, equirectangular, north up) with gaps dashed; start ○ and end ■ of each track."""
    w, h = size
    live = [t for t in tracks if len(t)]
    if not live:
        return ""
    lons = [np.rad2deg(np.unwrap(np.deg2rad(t.data["lon"].to_numpy(float)))) for t in live]  # antimeridian
    lats = [t.data["lat"].to_numpy(float) for t in live]
    x0, x1 = min(a.min() for a in lons), max(a.max() for a in lons)
    y0, y1 = min(a.min() for a in lats), max(a.max() for a in lats)
    k = max(np.cos(np.deg2rad((y0 + y1) / 2)), 0.05)
    span = max((x1 - x0) * k / (w - 16), (y1 - y0) / (h - 16), 1e-9)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             'style="background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px">',
             "<title>route (north up; dashed: coverage gaps, drawn straight because the path is unknown)</title>"]
    for t, lon, lat in zip(live, lons, lats, strict=True):
        px = w / 2 + (lon - cx) * k / span
        py = h / 2 - (lat - cy) / span
        gaps = gap_mask(t.data, max_gap_s) if len(t) > 1 else np.zeros(0, dtype=bool)
        gap_end = np.zeros(len(t), dtype=bool)
        gi = np.flatnonzero(gaps)
        gap_end[gi] = True
        gap_end[gi + 1] = True
        idx = _route_vertices(px, py, gap_end)
        cum = np.concatenate([[0], np.cumsum(gaps)])
        seg_gap = cum[idx[1:]] - cum[idx[:-1]] > 0 if len(idx) > 1 else np.zeros(0, dtype=bool)
        runs = np.split(np.arange(len(idx)), np.flatnonzero(seg_gap) + 1)
        for r in runs:
            if len(r) > 1:
                pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px[idx[r]], py[idx[r]], strict=True))
                parts.append(f'<polyline points="{pts}" fill="none" stroke="#0550ae" stroke-width="1.5"/>')
        for j in np.flatnonzero(seg_gap):
            a, b = idx[j], idx[j + 1]
            parts.append(f'<line x1="{px[a]:.1f}" y1="{py[a]:.1f}" x2="{px[b]:.1f}" y2="{py[b]:.1f}" '
                         'stroke="#57606a" stroke-width="1.2" stroke-dasharray="4 3"/>')
        parts.append(f'<circle cx="{px[0]:.1f}" cy="{py[0]:.1f}" r="3.5" fill="#fff" stroke="#1a7f37" '
                     f'stroke-width="2"><title>first sample {esc(fmt.time_utc(t.start))}</title></circle>')
        parts.append(f'<rect x="{px[-1] - 3:.1f}" y="{py[-1] - 3:.1f}" width="6" height="6" fill="#cf222e">'
                     f'<title>last sample {esc(fmt.time_utc(t.stop))}</title></rect>')
    parts.append(f'<text x="4" y="{h - 4}" font-size="10" fill="#57606a">lon {x0:.2f}..{x1:.2f}, '
                 f"lat {y0:.2f}..{y1:.2f}</text></svg>")
    return "".join(parts)


def profile_svg(track: Track, size: tuple[int, int] = PROFILE_SIZE, max_gap_s: float = DEFAULT_MAX_GAP_S) -> str:
    """Altitude (barometric, else geometric) against time: a min/max envelope per pixel column, one shape per
    observed run; coverage gaps are shaded bands with their duration on hover."""
    w, h = size
    d = track.data
    if len(d) < 2:
        return ""
    t = d["time"].to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9
    alt = displayed_ft(d)
    pad_l, pad_b, pad_t = 54, 14, 6
    pw, ph = w - pad_l - 4, h - pad_b - pad_t
    t0, t1 = t[0], max(t[-1], t[0] + 1)
    top = max(float(np.nanmax(alt)) if np.isfinite(alt).any() else 0.0, 1000.0)
    low = min(float(np.nanmin(alt)) if np.isfinite(alt).any() else 0.0, 0.0)

    def xs(v: np.ndarray) -> np.ndarray:
        return pad_l + (v - t0) / (t1 - t0) * pw

    def ys(v: np.ndarray) -> np.ndarray:
        return pad_t + (top - v) / (top - low) * ph

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             'style="background:#fff;border:1px solid #d0d7de;border-radius:4px">',
             "<title>altitude profile (shaded: coverage gaps)</title>"]
    gaps = gap_mask(d, max_gap_s)
    gi = np.flatnonzero(gaps)
    for i in gi:
        a, b = xs(t[i]), xs(t[i + 1])
        if b - a >= 1.0:
            parts.append(f'<rect x="{a:.1f}" y="{pad_t}" width="{b - a:.1f}" height="{ph}" fill="#eaeef2">'
                         f"<title>no data for {esc(fmt.duration(t[i + 1] - t[i]))}</title></rect>")
    run = np.concatenate([[0], np.cumsum(gaps)])
    col = np.minimum(((t - t0) / (t1 - t0) * pw).astype(np.int64), pw)
    key = run * (pw + 1) + col
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    hi = np.fmax.reduceat(np.where(np.isfinite(alt), alt, -np.inf), starts)
    lo = np.fmin.reduceat(np.where(np.isfinite(alt), alt, np.inf), starts)
    ok = np.isfinite(hi)
    x = pad_l + col[starts] + 0.5
    r = run[starts]
    for rid in np.unique(r[ok]):
        m = ok & (r == rid)
        upper = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x[m], ys(hi[m]), strict=True))
        lower = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x[m][::-1], ys(lo[m])[::-1], strict=True))
        parts.append(f'<polygon points="{upper} {lower}" fill="#0550ae" fill-opacity="0.35" stroke="#0550ae" '
                     'stroke-width="1" stroke-linejoin="round"/>')
    parts.append(f'<text x="{pad_l - 3}" y="{pad_t + 8}" font-size="10" text-anchor="end" fill="#57606a">'
                 f"{top:,.0f} ft</text>"
                 f'<text x="{pad_l - 3}" y="{pad_t + ph}" font-size="10" text-anchor="end" fill="#57606a">'
                 f"{low:,.0f} ft</text>"
                 f'<text x="{pad_l}" y="{h - 2}" font-size="10" fill="#57606a">{esc(fmt.time_utc(track.start, False))}</text>'
                 f'<text x="{w - 4}" y="{h - 2}" font-size="10" text-anchor="end" fill="#57606a">'
                 f"{esc(fmt.time_utc(track.stop, False))}</text></svg>")
    return "".join(parts)


# -- the three displays ---------------------------------------------------------------------------------------

def _rows(pairs: list[tuple[str, str]]) -> str:
    cells = "".join(f'<tr><th style="text-align:left;padding:1px 8px 1px 0;color:#57606a;font-weight:500;'
                    f'vertical-align:top">{esc(k)}</th><td style="text-align:left;padding:1px 0">{v}</td></tr>'
                    for k, v in pairs)
    return f'<table style="border-collapse:collapse;margin:4px 0">{cells}</table>'


def _identity_html(info: Any, emergencies: pd.DataFrame) -> str:
    bits = [esc(info.sentence())]
    bits += [_badge(label, "#8250df") for label in flag_labels(info.flags)]
    bits += [_badge(f"squawk {e['squawk']} {e['meaning']} {fmt.time_utc(e['start_time'])}", "#cf222e")
             for e in emergencies.to_dict("records")]
    notes = "".join(f'<div style="color:#57606a;font-size:12px">{esc(n)}</div>'
                    for n in (*(f"from {line}" for line in info.source_lines()), *info.notes))
    return " ".join(bits) + notes


def _sources_html(sources: tuple[Any, ...]) -> str:
    return "<br>".join(f"{esc(public_name(s.path))} · {esc(s.format)} · "
                       f"sha256 {esc(s.sha256[:16]) or '—'}" + (" · <b>ILLUSTRATIVE</b>" if s.illustrative else "")
                       for s in sources) or "—"


def track_html(track: Track) -> str:
    """The notebook display of one aircraft's track."""
    from tracks.summary import summarize

    if track.empty:
        return f'<div style="{_STYLE}"><b>Track</b>: no positions. Sources:<br>{_sources_html(track.sources)}</div>'
    s = summarize(track)
    name = " · ".join(dict.fromkeys(p for p in (shown_address(s.icao24), s.callsign, s.registration) if p))
    mix = ", ".join(f"{esc(k)} {v:,}" for k, v in s.position_sources.items())
    gaps = (f"{len(s.gaps):,} longer than {s.gaps.max_gap_s:g} s; longest {esc(fmt.duration(s.longest_gap_s))}, "
            f"{esc(fmt.duration(s.unobserved_s))} unobserved in all") if len(s.gaps) else "none"
    rows = [
        ("aircraft", _identity_html(s.identity, s.emergencies)),
        ("span", f"{esc(fmt.time_utc(s.start))} → {esc(fmt.time_utc(s.stop))} "
                 f"({esc(fmt.duration((s.stop - s.start).total_seconds()))})"),
        ("points", f"{s.points:,} ({mix})"),
        ("coverage gaps", gaps),
        ("sources", _sources_html(track.sources)),
    ]
    legs = "".join(
        f'<tr><td style="padding:1px 8px 1px 0;white-space:nowrap">{esc(leg.leg_id)}</td>'
        f'<td style="padding:1px 8px 1px 0">{esc(leg.takeoff.sentence)}</td><td>{esc(leg.landing.sentence)}</td></tr>'
        for leg in list(s.legs)[:LEGS_LISTED])
    more = f"<div>… and {len(s.legs) - LEGS_LISTED} more legs</div>" if len(s.legs) > LEGS_LISTED else ""
    banner = ('<div style="background:#8250df;color:#fff;padding:2px 6px;border-radius:3px">ILLUSTRATIVE TRACK — '
              "synthetic, not a recording</div>") if s.illustrative else ""
    return (f'<div style="{_STYLE}">{banner}<div style="font-size:15px;font-weight:600">Track {esc(name)}</div>'
            + _rows(rows)
            + f'<div style="display:flex;flex-wrap:wrap;gap:8px;margin:4px 0">{route_svg([track])}'
              f"{profile_svg(track)}</div>"
            + (f'<div style="font-weight:600;margin-top:4px">Legs ({len(s.legs)})</div>'
               f'<table style="border-collapse:collapse;font-size:12px">{legs}</table>{more}' if len(s.legs) else
               "<div>No leg found.</div>")
            + "</div>")


def traffic_html(traffic: Traffic) -> str:
    """The notebook display of a multi-aircraft table: counts, the aircraft with the most samples, routes."""
    d = traffic.data
    if not len(d):
        return f'<div style="{_STYLE}"><b>Traffic</b>: no positions.</div>'
    counts = d["icao24"].value_counts()
    groups = d.groupby("icao24", sort=False, observed=True).indices
    from tracks.track import Track

    drawn = [Track(d.iloc[groups[k]].reset_index(drop=True), traffic.sources) for k in counts.index[:TRAFFIC_DRAWN]]
    rows = []
    for t in drawn[:TRAFFIC_LISTED]:
        try:
            info = t.identity  # the databases, then the file's own values (readsb r/t/ownOp/dbFlags)
            state = info.country or "—"
            flags = ", ".join(flag_labels(info.flags))
        except ValueError:
            state, flags = "address unknown", ""
        rows.append(f"<tr><td>{esc(shown_address(t.icao24))}</td><td>{esc(state)}</td><td>{esc(t.callsign)}</td>"
                    f"<td>{esc(t.registration)}</td><td style='text-align:right'>{len(t):,}</td>"
                    f"<td>{esc(fmt.time_utc(t.start))}</td><td>{esc(fmt.time_utc(t.stop))}</td><td>{esc(flags)}</td></tr>")
    head = "".join(f"<th style='text-align:left;padding-right:8px'>{h}</th>" for h in
                   ("icao24", "address block", "callsign", "registration", "points", "first", "last", "flags"))
    more = len(counts) - min(len(counts), TRAFFIC_LISTED)
    start, stop = d["time"].min(), d["time"].max()
    summary = _rows([
        ("aircraft", f"{len(counts):,}"),
        ("points", f"{len(d):,}"),
        ("span", f"{esc(fmt.time_utc(start))} → {esc(fmt.time_utc(stop))}"),
        ("sources", _sources_html(traffic.sources[:5]) + (f"<br>… {len(traffic.sources) - 5} more"
                                                          if len(traffic.sources) > 5 else "")),
    ])
    note = (f"<div style='color:#57606a;font-size:12px'>route of the {TRAFFIC_DRAWN} aircraft with the most samples"
            "</div>") if len(counts) > TRAFFIC_DRAWN else ""
    return (f'<div style="{_STYLE}"><div style="font-size:15px;font-weight:600">Traffic</div>{summary}'
            f"{route_svg(drawn)}{note}"
            f'<table style="border-collapse:collapse;font-size:12px;margin-top:4px"><tr>{head}</tr>{"".join(rows)}</table>'
            + (f"<div>… and {more:,} more aircraft</div>" if more else "") + "</div>")


def result_html(result: CaseResult) -> str:
    """The notebook display of a check result: the case, each claim's verdict and sentence, the aircraft."""
    case = result.case
    counts = {s: sum(v.status == s for v in result.verdicts) for s in _STATUS_COLOURS}
    summary = " ".join(_badge(f"{n} {s.replace('_', ' ')}", _STATUS_COLOURS[s]) for s, n in counts.items() if n)
    claims = "".join(
        f'<tr><td style="padding:2px 8px 2px 0;vertical-align:top;white-space:nowrap">'
        f"{_badge(v.label, _STATUS_COLOURS.get(v.status, '#57606a'))}</td>"
        f'<td style="padding:2px 8px 2px 0;vertical-align:top"><b>{esc(v.claim_id)}</b><br>'
        f"<i>“{esc(v.quote)}”</i></td><td style='vertical-align:top'>{esc(v.sentence)}</td></tr>"
        for v in result.verdicts)
    t = result.track
    banner = ('<div style="background:#8250df;color:#fff;padding:2px 6px;border-radius:3px">ILLUSTRATIVE TRACK — '
              "synthetic, not a recording: the verdicts show the method, they are not evidence</div>"
              ) if result.illustrative else ""
    rows = [("aircraft", _identity_html(t.identity, t.emergencies()) if len(t) else "no samples in the window")]
    if len(t):
        rows.append(("track", f"{len(t):,} points, {esc(fmt.time_utc(t.start))} → {esc(fmt.time_utc(t.stop))}, "
                              f"{len(result.gaps):,} coverage gap(s)"))
    rows.append(("sources", _sources_html(t.sources)))
    notes = "".join(f"<li>{esc(n)}</li>" for n in result.notes)
    return (f'<div style="{_STYLE}">{banner}<div style="font-size:15px;font-weight:600">{esc(case.title)}</div>'
            f"<div>{summary}</div>{_rows(rows)}"
            f'<table style="border-collapse:collapse;margin-top:4px">{claims}</table>'
            + (f'<div style="font-weight:600;margin-top:4px">Notes on the data</div><ul>{notes}</ul>' if notes else "")
            + (route_svg([t]) if len(t) else "") + "</div>")
