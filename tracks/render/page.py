"""The HTML around the map: illustrative banner, title bar, claims panel, legend and footer.

Built on the server side with every text from data or a case file passed through `esc` (html.escape), so the
panel reads correctly even before (or without) the script. Links are only made from http(s) URLs.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from tracks import wording
from tracks.aircraft import flag_labels
from tracks.claims.case import DRAFT_MARK
from tracks.claims.verdict import STATUS_LABELS, STATUSES, Verdict
from tracks.paths import public_name
from tracks.render import fmt
from tracks.render.assets import LEAFLET_VERSION
from tracks.render.content import ALT_CLASSES, MapInput, attr, esc

BADGE_SYMBOLS = {"supported": "✓", "contradicted": "✗", "not_verifiable": "?"}

#: Marker icons (inline SVG, no fonts or images needed), shared by the map script and the legend.
ICONS: dict[str, tuple[str, int]] = {
    "takeoff": ('<svg width="24" height="24" viewBox="0 0 24 24"><circle cx="12" cy="12" r="10.5" fill="#1a7f37" '
                'stroke="#fff" stroke-width="2"/><path d="M12 5.5 17 12.5H13.6V18H10.4V12.5H7Z" fill="#fff"/></svg>', 24),
    "landing": ('<svg width="24" height="24" viewBox="0 0 24 24"><circle cx="12" cy="12" r="10.5" fill="#1f5fa8" '
                'stroke="#fff" stroke-width="2"/><path d="M12 18.5 17 11.5H13.6V6H10.4V11.5H7Z" fill="#fff"/></svg>', 24),
    "crossing": ('<svg width="22" height="22" viewBox="0 0 22 22"><rect x="5" y="5" width="12" height="12" '
                 'transform="rotate(45 11 11)" fill="#fff" stroke="#6a1b9a" stroke-width="3"/></svg>', 22),
    "closest": ('<svg width="22" height="22" viewBox="0 0 22 22"><circle cx="11" cy="11" r="8.5" fill="#fff" '
                'stroke="#e65100" stroke-width="3"/><circle cx="11" cy="11" r="3.5" fill="#e65100"/></svg>', 22),
    "border": ('<svg width="14" height="14" viewBox="0 0 14 14"><circle cx="7" cy="7" r="5" fill="#e65100" '
               'stroke="#fff" stroke-width="2"/></svg>', 14),
    "airport": ('<svg width="18" height="18" viewBox="0 0 18 18"><circle cx="9" cy="9" r="7" fill="#37474f" '
                'stroke="#fff" stroke-width="2"/></svg>', 18),
    "point": ('<svg width="16" height="16" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="#607d8b" '
              'stroke="#fff" stroke-width="2"/></svg>', 16),
}

_HTTP_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def icons_payload() -> dict[str, dict[str, Any]]:
    return {k: {"html": h, "size": s} for k, (h, s) in ICONS.items()}


def safe_link(url: str, text: str) -> str:
    """An <a> to `url` when it is a plain http(s) URL, else the escaped text alone (no javascript: links)."""
    url = (url or "").strip()
    if not _HTTP_URL.match(url):
        return esc(text)
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer nofollow">{esc(text)}</a>'


def title_of(inp: MapInput) -> str:
    """The page title (plain text): the case title, else the aircraft."""
    title = str(attr(inp.case, "title", "") or "")
    if title:
        return title
    names = inp.aircraft
    if len(names) == 1:
        return f"Track of {names[0]}"
    return f"Tracks of {len(names):,} aircraft" if names else "Track map"


def status_counts(verdicts: tuple[Verdict, ...]) -> Counter[str]:
    return Counter(v.status for v in verdicts)


def badge(status: str) -> str:
    """The verdict as a badge: its symbol (hidden from screen readers) and its label in words."""
    label = STATUS_LABELS.get(status, status)
    return (f'<span class="tm-badge tm-badge-{esc(status)}"><span aria-hidden="true">{BADGE_SYMBOLS.get(status, "")}'
            f'</span> <span class="tm-sr">verdict: </span>{esc(label)}</span>')


def header_html(inp: MapInput) -> str:
    """Illustrative banner (when any source says so) and the title bar with verdict counts."""
    parts = ['<header class="tm-header"><a class="tm-skip" href="#tm-panel">Skip to the '
             + ("claims" if inp.verdicts else "aircraft") + "</a>"]
    if inp.illustrative:
        notes = sorted({s["note"] for s in inp.sources() if s["illustrative"] and s["note"]})
        detail = f" {esc(' '.join(notes))}" if notes else ""
        # one line on a phone (the script closes it there), the details a tap away; open without a script
        parts.append('<details class="tm-banner" open><summary><b>ILLUSTRATIVE TRACK — not a recording.</b>'
                     '<span class="tm-more"> Details</span></summary> '
                     f"At least one source is a synthetic track made for illustration; do not cite it as evidence."
                     f"{detail}</details>")
    sub = []
    aircraft = attr(inp.case, "aircraft", None)
    ac_label = attr(aircraft, "label", "") or " ".join(
        str(x) for x in (attr(aircraft, "registration"), attr(aircraft, "icao24")) if x)
    if ac_label:
        ac_type = attr(aircraft, "type", "")
        sub.append(f"Aircraft {ac_label}" + (f" ({ac_type})" if ac_type else ""))
    elif inp.aircraft:
        names = inp.aircraft
        sub.append(", ".join(names[:3]) + (f" and {len(names) - 3:,} more" if len(names) > 3 else ""))
    live = [t for t in inp.tracks if not t.empty]
    if len(live) == 1:  # who the aircraft is (state of registry from its address block, database flags)
        ident = live[0].identity.short(with_type=not (ac_label and attr(aircraft, "type", "")))
        sub += [x for x in (ident, *_emergency_texts(live[0], inp)) if x]
    window = attr(inp.case, "window", None)
    start, end = wording.to_utc(attr(window, "start", None)), wording.to_utc(attr(window, "end", None))
    if start is None:
        start, end = inp.span()
    if start is not None and end is not None:
        sub.append(f"{wording.time_utc(start, seconds=False)} → {wording.time_utc(end, seconds=False)}")
    zone = wording.zone_label(inp.tz, start.to_pydatetime() if start is not None else None)
    sub.append(f"times in UTC and local = {zone}" if zone else "times in UTC")
    counts = status_counts(inp.verdicts)
    summary = "".join(f'<span class="tm-count">{badge(s)} × {counts[s]}</span>' for s in STATUSES if counts[s])
    if inp.drafts:
        summary += f'<span class="tm-count"><span class="tm-draft">{esc(DRAFT_MARK)}</span> × {len(inp.drafts)}</span>'
    parts.append('<div class="tm-titlebar"><div class="tm-titles">'
                 f'<h1 class="tm-title">{esc(title_of(inp))}</h1>'
                 f'<div class="tm-subtitle">{esc(" · ".join(sub))}</div></div>'
                 f'<div class="tm-summary">{summary}</div></div>')
    parts.append(tabs_html(inp))
    parts.append("</header>")
    return "".join(parts)


def tabs_html(inp: MapInput) -> str:
    """Map | Claims tabs, shown on narrow screens only (the page script switches the view)."""
    n = len(inp.verdicts)
    counts = status_counts(inp.verdicts)
    symbols = " ".join(f"{BADGE_SYMBOLS[s]}{counts[s]}" for s in STATUSES if counts[s])
    if n:
        second = f"Claims ({n})" + (f' <span class="tm-tab-counts" aria-hidden="true">{esc(symbols)}</span>'
                                     if symbols else "")
    else:
        second = "Aircraft"
    return ('<nav class="tm-tabs" role="tablist" aria-label="View">'
            '<button type="button" role="tab" id="tm-tab-map" class="tm-tab" aria-selected="true" '
            'aria-controls="tm-view-map" data-view="map">Map</button>'
            '<button type="button" role="tab" id="tm-tab-claims" class="tm-tab" aria-selected="false" '
            f'aria-controls="tm-panel" data-view="claims">{second}</button></nav>')


def profile_html(svg: str) -> str:
    """The profile chart under the map (its SVG is built by tracks.render.profile, texts already escaped)."""
    return (f'<figure class="tm-profile" aria-label="Altitude and ground speed profile">{svg}'
            '<figcaption class="tm-sr">Altitude and ground speed against time; click or drag on the chart '
            "to move the time slider.</figcaption></figure>")


def claim_html(i: int, v: Verdict, inp: MapInput) -> str:
    """One claim card: badge, quote, who said it, the sentence, measured values, caveats, gaps."""
    rows = "".join(f"<dt>{esc(fmt.measured_label(k))}</dt><dd>{esc(fmt.measured_value(k, val, inp.tz))}</dd>"
                   for k, val in v.measured.items())
    notes = "".join(f"<li>{esc(n)}</li>" for n in v.notes)
    gaps = "".join(f"<li>depends on {esc(g.id)}: no data for {esc(wording.duration(g.duration_s))} from "
                   f"{esc(wording.time_both(g.start, inp.tz))}</li>" for g in v.evidence.gaps if g.matters)
    ruled_out = [g.id for g in v.evidence.gaps if not g.matters]
    if ruled_out:
        gaps += (f"<li>{len(ruled_out)} coverage gap{'s' if len(ruled_out) > 1 else ''} checked "
                 f"({esc(', '.join(ruled_out[:3]))}{', …' if len(ruled_out) > 3 else ''}): the aircraft could not "
                 "have reached the region during them</li>")
    source = f'<div class="tm-claim-source">— {esc(v.source)}</div>' if v.source else ""
    draft = inp.drafts.get(v.claim_id)
    mark = f'<span class="tm-draft">{esc(DRAFT_MARK)}</span>' if draft is not None else ""
    if draft is not None:  # what the reviewer must still confirm (the DRAFT note itself is among the notes)
        notes += "".join(f"<li>to review: {esc(r)}</li>" for r in getattr(draft, "review", ()))
    return (f'<article class="tm-claim tm-claim-{esc(v.status)}{" tm-claim-draft" if mark else ""}" '
            f'data-claim="{i}" aria-labelledby="tm-claim-{i}-id">'
            f'<div class="tm-claim-head"><span class="tm-verdict">{badge(v.status)}{mark}</span>'
            f'<h3 class="tm-claim-id" id="tm-claim-{i}-id"><span class="tm-sr">claim </span>{esc(v.claim_id)}</h3>'
            "</div>"
            f'<blockquote class="tm-quote">“{esc(v.quote)}”</blockquote>{source}'
            f'<p class="tm-sentence">{esc(v.sentence)}</p>'
            + (f'<dl class="tm-measured">{rows}</dl>' if rows else "")
            + (f'<ul class="tm-notes">{gaps}{notes}</ul>' if gaps or notes else "")
            + f'<button type="button" class="tm-show" aria-describedby="tm-claim-{i}-id">Show on map ›</button>'
            "</article>")


def panel_html(inp: MapInput) -> str:
    """The claims panel (or, for a bare track, a summary of what is drawn)."""
    out = [f'<aside class="tm-panel" id="tm-panel" tabindex="-1" aria-label="{"Claims" if inp.verdicts else "Aircraft"}">']
    if inp.verdicts:
        out.append(f'<div class="tm-panel-head"><h2>Claims ({len(inp.verdicts)})</h2>'
                   '<button type="button" class="tm-reset" title="Show the whole track">Whole track</button></div>'
                   '<p class="tm-hint">Click a claim to zoom to its evidence.</p>')
        description = str(attr(inp.case, "description", "") or "")
        if description:  # the case file's free text (docs/case-format.md), escaped like every case text
            out.append(f'<p class="tm-description">{esc(description)}</p>')
        if inp.notes:
            out.append('<div class="tm-case-notes"><b>Notes on the data</b><ul>'
                       + "".join(f"<li>{esc(n)}</li>" for n in inp.notes) + "</ul></div>")
        out += [claim_html(i, v, inp) for i, v in enumerate(inp.verdicts)]
    else:
        n_live = len(inp.aircraft)
        heading = "Track" if n_live <= 1 else f"Aircraft ({n_live:,})"
        out.append(f'<div class="tm-panel-head"><h2>{heading}</h2></div>'
                   '<p class="tm-hint">No claims were checked: this map shows the track data only.</p>')
        if inp.notes:
            out.append('<div class="tm-case-notes"><b>Notes on the data</b><ul>'
                       + "".join(f"<li>{esc(n)}</li>" for n in inp.notes) + "</ul></div>")
        out.append(aircraft_list_html(inp) if inp.traffic is not None else track_cards_html(inp))
    out.append("</aside>")
    return "".join(out)


def track_cards_html(inp: MapInput) -> str:
    """One card per aircraft of a bare Track map: samples, first and last time, position sources."""
    out = []
    for t, name in [(t, name) for t, name in zip(inp.tracks, inp.names, strict=True) if not t.empty]:
        src = t.data["source"].value_counts()
        mix = ", ".join(f"{esc(k)} {int(n):,}" for k, n in src.items() if n)
        ident = t.identity  # state of registry from the address block, database fields and flags
        alarms = "".join(f"<dt>emergency</dt><dd><b>{esc(x)}</b></dd>" for x in _emergency_texts(t, inp))
        out.append(f'<div class="tm-claim tm-track"><b>{esc(name)}</b><dl class="tm-measured">'
                   f"<dt>aircraft</dt><dd>{esc(ident.sentence())}</dd>"
                   + "".join(f"<dt>flag</dt><dd><b>{esc(f)}</b></dd>" for f in flag_labels(ident.flags))
                   + alarms +
                   f"<dt>samples</dt><dd>{len(t):,}</dd>"
                   f"<dt>first</dt><dd>{esc(wording.time_both(t.start, inp.tz))}</dd>"
                   f"<dt>last</dt><dd>{esc(wording.time_both(t.stop, inp.tz))}</dd>"
                   f"<dt>sources</dt><dd>{mix}</dd></dl></div>")
    return "".join(out)


def aircraft_list_html(inp: MapInput) -> str:
    """Every aircraft of a Traffic map with its colour, a show/hide box, samples and times (one line each)."""
    from tracks.render.traffic import aircraft_rows, colour, summary

    assert inp.traffic is not None
    data = inp.traffic.data
    starts, ends = aircraft_rows(data)
    table = summary(data, starts, ends)
    ident = inp.identities  # type and flags: the databases, then the files' own values (readsb t, dbFlags)
    rows = []
    for k, (name, row, kind, flags) in enumerate(zip(inp.aircraft, table.itertuples(index=False),
                                                     ident["type_code"].tolist(), ident["flags"].tolist(),
                                                     strict=True)):
        first, last = wording.time_short(row.first, inp.tz), wording.time_short(row.last, inp.tz)
        when = first if row.samples == 1 else f"{first} → {last}"
        marks = "".join(f" · <b>{esc(f)}</b>" for f in flag_labels(tuple(f for f in flags.split(",") if f)))
        rows.append(f'<li><label><input type="checkbox" class="tm-ac" data-track="{k}" checked>'
                    f'<i class="tm-swatch" style="background:{colour(k)}"></i><b>{esc(name)}</b></label>'
                    f'<span class="tm-ac-meta">{esc(kind) + " · " if kind else ""}'
                    f'{int(row.samples):,} sample{"s" if row.samples != 1 else ""} · '
                    f'{esc(when)} · {esc(row.sources)}{marks}</span></li>')
    return ('<div class="tm-ac-tools"><button type="button" class="tm-reset tm-ac-all" data-show="1">Show all'
            '</button><button type="button" class="tm-reset tm-ac-all" data-show="0">Hide all</button>'
            '<span role="group" aria-label="Track colour" class="tm-colour-by">Colour: '
            '<label><input type="radio" name="tm-colour" value="aircraft" checked> aircraft</label> '
            '<label><input type="radio" name="tm-colour" value="altitude"> altitude</label></span></div>'
            f'<ul class="tm-aircraft">{"".join(rows)}</ul>')


def _emergency_texts(track: Any, inp: MapInput) -> list[str]:
    """'squawk 7700 (general emergency) 01:10 UTC · 21:10 local' for each emergency squawk run of `track`."""
    runs = next((r for t, r in zip(inp.tracks, inp.emergencies, strict=True) if t is track), None)
    runs = track.emergencies() if runs is None else runs
    return [f"squawk {e['squawk']} ({e['meaning']}) {wording.time_short(e['start_time'], inp.tz)}"
            for e in runs.to_dict("records")]


def _swatch_line(color: str, dash: str = "", width: int = 4) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="26" height="10" viewBox="0 0 26 10"><line x1="1" y1="5" x2="25" y2="5" stroke="{color}" '
            f'stroke-width="{width}"{dash_attr} stroke-linecap="round"/></svg>')


def _swatch_dot(stroke: str, fill: str, dash: str = "") -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="26" height="12" viewBox="0 0 26 12"><circle cx="13" cy="6" r="4" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="2"{dash_attr}/></svg>')


def legend_html(legend_id: str, present: dict[str, bool], alt_used: set[int], by_aircraft: bool = False) -> str:
    """The legend (moved into a map control by the script). Only what is on this map is listed."""
    chips = "".join(f'<span class="tm-alt" title="{esc(label)}"><i style="background:{color}"></i>{esc(short)}</span>'
                    for k, (_, label, color, short) in enumerate(ALT_CLASSES) if k in alt_used)
    entries = [
        ("gaps", _swatch_line("#37474f", "7 6", 3), "coverage gap (no data)"),
        ("mlat", _swatch_dot("#00838f", "#fff"), "MLAT position"),
        ("estimated", _swatch_dot("#616161", "#eee", "2 2"), "estimated position"),
        ("stale", _swatch_dot("#b71c1c", "#fff"), "stale position"),
        ("takeoff", ICONS["takeoff"][0], "take-off"),
        ("landing", ICONS["landing"][0], "landing"),
        ("crossing", ICONS["crossing"][0], "border crossing"),
        ("closest", ICONS["closest"][0], "closest approach"),
        ("line", _swatch_line("#e65100", "", 3), "distance to border"),
        ("border", ICONS["border"][0], "nearest border point"),
        ("border_region", _swatch_line("#ff6f00", "", 6), "border in a claim"),
        ("area_region", _swatch_line("#1565c0", "8 4", 2), "region in a claim"),
        ("sample", _swatch_dot("#000", "#fff"), "sample cited"),
        ("evidence_gap", _swatch_line("#7fd7ff", "", 8), "gap a verdict needs"),
        ("ellipse", '<svg width="26" height="14" viewBox="0 0 26 14"><ellipse cx="13" cy="7" rx="11" ry="5.5" '
                    'fill="#4fc3f7" fill-opacity=".25" stroke="#0277bd" stroke-width="1.5" stroke-dasharray="3 2"/>'
                    "</svg>", "where it could have been in that gap"),
    ]
    title = ("Track colour = aircraft (list of aircraft); with Colour: altitude (ft)" if by_aircraft
             else "Track colour = altitude (ft)")
    rows = "".join(f'<div class="tm-leg-row"><span class="tm-leg-sym">{sym}</span>{esc(text)}</div>'
                   for key, sym, text in entries if present.get(key))
    return (f'<div id="{esc(legend_id)}" hidden><details class="tm-legend-box" open><summary>Legend</summary>'
            f'<div class="tm-leg-title">{title}</div><div class="tm-alts">{chips}</div>'
            f'<div class="tm-leg-grid">{rows}</div></details></div>')


def footer_html(inp: MapInput) -> str:
    """Sources with sha256 (and an archived fetch's URL, as text, and retrieval time), tool version, case title
    and article link."""
    items = []
    case_title = attr(inp.case, "title", "")
    if case_title:
        items.append(f"<span><b>Case:</b> {esc(case_title)}</span>")
    article = attr(inp.case, "article", None)
    if article:
        publisher, a_title = attr(article, "publisher", ""), attr(article, "title", "")
        published, url = attr(article, "published", ""), attr(article, "url", "")
        text = " — ".join(str(x) for x in (publisher, f"“{a_title}”" if a_title else "") if x) or str(url)
        link = safe_link(str(url), text) if text else ""
        if link:
            items.append(f"<span><b>Article:</b> {link}" + (f" ({esc(published)})" if published else "") + "</span>")
    tool = dict(inp.tool) if inp.tool else {}
    name = tool.pop("name", "tracks")
    version = tool.pop("version", "")
    if not version:
        from tracks import __version__ as version
    extra = "".join(f" · {esc(k)} {esc(v)}" for k, v in tool.items() if isinstance(v, str | int | float))
    items.append(f"<span><b>Made with</b> {esc(name)} {esc(version)}{extra} · Leaflet {esc(LEAFLET_VERSION)} "
                 "embedded · works offline</span>")
    srcs = []
    for s in inp.sources():
        base = public_name(str(s["path"]), inp.base)
        flag = ' <b class="tm-illus">illustrative</b>' if s["illustrative"] else ""
        fetched = wording.retrieved(str(s.get("url") or ""), str(s.get("retrieved_at") or ""))
        origin = f' <span class="tm-origin">{esc(fetched)}</span>' if fetched else ""  # the URL as text, no link
        srcs.append(f'<li><span class="tm-file">{esc(base)}</span> {esc(s["format"])}{flag} '
                    f'<code title="sha256">sha256 {esc(s["sha256"])}</code>{origin}</li>')
    sources = (f'<div class="tm-sources"><b>Sources ({len(srcs)}):</b> <ul>{"".join(srcs)}</ul></div>'
               if srcs else '<div class="tm-sources"><b>Sources:</b> none recorded</div>')
    return f'<footer class="tm-footer"><div class="tm-meta">{" · ".join(items)}</div>{sources}</footer>'


def present_flags(inp: MapInput, payload: dict[str, Any]) -> dict[str, bool]:
    """Which legend entries this map needs."""
    srcs = payload["sources"]
    flags: dict[str, bool] = {
        "gaps": any(t["gaps"] for t in payload["tracks"]),
        "stale": any(t["stale"] for t in payload["tracks"]),
        "mlat": any(srcs.index("mlat") in t["src"] for t in payload["tracks"]) if "mlat" in srcs else False,
        "estimated": any(srcs.index("estimated") in t["src"] for t in payload["tracks"]) if "estimated" in srcs else False,
        "border_region": any(r["border"] for r in payload["regions"]),
        "area_region": any(not r["border"] for r in payload["regions"]),
    }
    for m in payload["markers"]:
        flags[m["kind"]] = True
    for e in payload["evidence"]:
        flags["evidence_gap" if e["type"] == "gap" else e["type"]] = True
    return flags
