"""What the map draws, as one JSON-ready dict (the page's script draws it; `render/map.py` assembles the page).

Every text in here that comes from data or a case file is already HTML-escaped (fields named `html`/`tip`/
`label`); numbers stay numbers. Coordinates are rounded to 5 decimals (about 1 m).
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from tracks import schema, wording
from tracks.aircraft import shown_address
from tracks.altitude import displayed_ft
from tracks.claims.result import EVENT_COLUMNS
from tracks.claims.verdict import Evidence, GapRef, Verdict
from tracks.observation import Observation, observe
from tracks.paths import public_name
from tracks.render.drawgaps import drawn_gaps
from tracks.render.simplify import DEFAULT_MAX_POINTS, display_indices
from tracks.segments import DEFAULT_MAX_GAP_S, times_s
from tracks.track import Track, Traffic

GEOD = Geod(ellps="WGS84")

#: Altitude classes of the track colour: (upper bound ft, label, colour). Class 0 is "unknown", 1 "on ground".
ALT_CLASSES: tuple[tuple[float, str, str, str], ...] = (
    (float("nan"), "altitude unknown", "#9e9e9e", "unknown"),
    (float("nan"), "on ground", "#6d4c41", "ground"),
    (1_000, "below 1,000 ft", "#0d0887", "<1k"),
    (5_000, "1,000–5,000 ft", "#5c01a6", "1–5k"),
    (10_000, "5,000–10,000 ft", "#9c179e", "5–10k"),
    (20_000, "10,000–20,000 ft", "#cc4778", "10–20k"),
    (30_000, "20,000–30,000 ft", "#ed7953", "20–30k"),
    (40_000, "30,000–40,000 ft", "#fdb42f", "30–40k"),
    (float("inf"), "above 40,000 ft", "#f0f921", ">40k"),
)
_ALT_EDGES = np.array([c[0] for c in ALT_CLASSES[2:-1]], dtype=float)

#: Gaps labelled permanently on the map (the longest ones, and those a verdict depends on).
PERMANENT_GAP_LABELS = 12
MIN_LABELLED_GAP_S = 300.0

EVENT_TITLES = {
    "takeoff": "Take-off",
    "landing": "Landing",
    "crossing": "Border crossing",
    "closest": "Closest approach",
    "border": "Nearest border point",
    "airport": "Airport",
    "touch_and_go": "Touch-and-go",
    "go_around": "Go-around",
}


def esc(value: Any) -> str:
    """HTML-escaped text of `value` (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def attr(obj: Any, name: str, default: Any = "") -> Any:
    """`obj.name` or `obj[name]`, else `default` (case objects may be dataclasses or mappings)."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    value = getattr(obj, name, default)
    return default if value is None else value


@dataclass(frozen=True)
class MapInput:
    """Everything the map shows, normalised from a CaseResult or a bare Track/Traffic."""

    tracks: tuple[Track, ...]
    verdicts: tuple[Verdict, ...] = ()
    regions: tuple[Any, ...] = ()
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    case: Any = None
    tool: dict[str, Any] = field(default_factory=dict)
    tz: ZoneInfo | None = None
    max_gap_s: float = DEFAULT_MAX_GAP_S
    notes: tuple[str, ...] = ()  # case-level caveats (CaseResult.notes)
    traffic: Traffic | None = None  # many aircraft, drawn from the table's columns (`tracks` is then empty)
    given: tuple[Observation, ...] = ()  # the tracks' observation models when the caller has them (a CaseResult)

    @property
    def illustrative(self) -> bool:
        return any(t.illustrative for t in self.tracks) or (self.traffic is not None and self.traffic.illustrative)

    @functools.cached_property
    def aircraft(self) -> tuple[str, ...]:
        """Names of the aircraft with positions, in drawing order (plain text)."""
        if self.traffic is not None:
            from tracks.render.traffic import aircraft_rows, names

            return tuple(names(self.traffic.data, aircraft_rows(self.traffic.data)[0]))
        return tuple(name for t, name in zip(self.tracks, self.names, strict=True) if not t.empty)

    @functools.cached_property
    def identities(self) -> pd.DataFrame:
        """Of a Traffic map's aircraft, in drawing order: registration, type, operator and flags with their
        sources (`tracks.aircraft.identities`: the databases, then the files' own values; one vectorised pass).
        Empty for a map of Tracks (their cards use `Track.identity`)."""
        from tracks.aircraft import identities

        if self.traffic is None or not len(self.traffic):
            return identities([])
        from tracks.render.traffic import aircraft_rows

        data = self.traffic.data
        return identities(data["icao24"].to_numpy()[aircraft_rows(data)[0]], self.traffic.sources)

    @functools.cached_property
    def drafts(self) -> dict[str, Any]:
        """The case's claims still marked `draft: true` (checked with --allow-drafts), by claim id."""
        return {c.id: c for c in (attr(self.case, "claims", ()) or ()) if getattr(c, "draft", False)}

    @functools.cached_property
    def emergencies(self) -> tuple[pd.DataFrame, ...]:
        """Each track's emergency squawk runs (`Track.emergencies`), found once for the whole page."""
        return tuple(t.emergencies() for t in self.tracks)

    def span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """First and last sample time of every aircraft drawn; (None, None) without samples."""
        tables = [t for t in self.tracks if not t.empty] + ([self.traffic] if self.traffic is not None
                                                              and len(self.traffic) else [])
        if not tables:
            return None, None
        return min(t.start for t in tables), max(t.stop for t in tables)

    @property
    def base(self) -> Path | None:
        """The case folder: file names on the page are relative to it (else bare names; never the folders)."""
        path = str(attr(self.case, "path", "") or "")
        return Path(path).parent if path else None

    @functools.cached_property
    def observations(self) -> tuple[Observation, ...]:
        """The observation model of each track (tracks.observation): the result's own, else built once here."""
        if len(self.given) == len(self.tracks):
            return self.given
        return tuple(observe(t, max_gap_s=self.max_gap_s) for t in self.tracks)

    @functools.cached_property
    def names(self) -> tuple[str, ...]:
        """`track_name` of each track (computed once: callsign/registration are modes over the table)."""
        return tuple(track_name(t) for t in self.tracks)

    def sources(self) -> list[dict[str, Any]]:
        """Unique sources of all tracks and evidence: path, sha256, format, illustrative, note, and for an archived
        fetch its url and retrieved_at (ISO 8601 UTC)."""
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for t in (*self.tracks, *((self.traffic,) if self.traffic is not None else ())):
            for s in t.sources:
                key = (s.path, s.sha256)
                seen.setdefault(key, {"path": s.path, "sha256": s.sha256, "format": s.format,
                                      "illustrative": s.illustrative, "note": s.note, "url": s.url,
                                      "retrieved_at": s.retrieved_at})
        for v in self.verdicts:
            for s in v.evidence.sources:
                seen.setdefault((s.path, s.sha256), {"path": s.path, "sha256": s.sha256, "format": s.format,
                                                     "illustrative": False, "note": "", "url": "",
                                                     "retrieved_at": ""})
        return list(seen.values())


def _r5(a: np.ndarray) -> list[float]:
    return np.round(np.asarray(a, dtype=float), 5).tolist()


def track_name(track: Track) -> str:
    """'CONVIASA1 · YV2984 · 0d8373' (whatever is known; the unknown address as `shown_address` says it)."""
    parts = [p for p in (track.callsign, track.registration, shown_address(track.icao24) if track.icao24 else "") if p]
    return " · ".join(dict.fromkeys(parts)) or "track"


def altitude_class(alt_ft: np.ndarray, on_ground: np.ndarray) -> np.ndarray:
    """ALT_CLASSES index per sample: 0 unknown, 1 on ground, 2.. by altitude."""
    cls = np.digitize(alt_ft, _ALT_EDGES, right=False) + 2
    cls = np.where(np.isnan(alt_ft), 0, cls)
    return np.where(on_ground, 1, cls).astype(np.int8)


def _keep_around(times: np.ndarray, at: Iterable[Any]) -> np.ndarray:
    """Indices of the samples just before and just after (or at) each time in `at`."""
    secs = [ts.value / 1e9 for ts in (wording.to_utc(a) for a in at) if ts is not None]
    if not secs or not len(times):
        return np.zeros(0, dtype=np.int64)
    pos = np.searchsorted(times, np.asarray(secs), side="left")
    both = np.concatenate([pos - 1, pos])
    return np.unique(both[(both >= 0) & (both < len(times))])


@dataclass(frozen=True)
class Columns:
    """The columns a track's drawing needs, as numpy arrays (one aircraft, or a slice of a Traffic table)."""

    lat: np.ndarray
    lon: np.ndarray
    t: np.ndarray  # seconds since the Unix epoch (UTC)
    alt: np.ndarray  # ft: barometric, else geometric; NaN unknown
    ground: np.ndarray  # bool
    src: np.ndarray  # codes of schema.SOURCE_TYPES
    stale: np.ndarray  # bool
    new_leg: np.ndarray  # bool
    gaps: np.ndarray  # bool per segment (n-1): drawn as a coverage gap

    def __len__(self) -> int:
        return len(self.lat)

    def slice(self, a: int, b: int) -> Columns:
        """Samples a..b-1 (views, no copy); the segments between them."""
        return Columns(self.lat[a:b], self.lon[a:b], self.t[a:b], self.alt[a:b], self.ground[a:b], self.src[a:b],
                       self.stale[a:b], self.new_leg[a:b], self.gaps[a:max(b - 1, a)])


def columns(frame: pd.DataFrame, gaps: np.ndarray, ground: np.ndarray | None = None) -> Columns:
    """The drawing columns of a canonical table; `gaps` per segment from `tracks.render.drawgaps.drawn_gaps`;
    `ground` the observation model's air/ground state (tracks.airborne; without one, the export's flag)."""
    n = len(frame)
    alt = displayed_ft(frame)
    src = frame["source"]
    return Columns(
        lat=frame["lat"].to_numpy(dtype=float),
        lon=frame["lon"].to_numpy(dtype=float),
        t=times_s(frame),
        alt=alt,
        ground=frame["on_ground"].fillna(False).to_numpy(dtype=bool) if ground is None else ground,
        src=src.cat.codes.to_numpy() if isinstance(src.dtype, pd.CategoricalDtype) else np.zeros(n, np.int8),
        stale=frame["stale"].to_numpy(dtype=bool),
        new_leg=frame["new_leg"].to_numpy(dtype=bool),
        gaps=gaps,
    )


def track_payload(
    obs: Observation,
    *,
    name: str = "",
    keep_times: Sequence[Any] = (),
    max_points: int = DEFAULT_MAX_POINTS,
    labelled_gap_starts: Iterable[Any] = (),
) -> dict[str, Any]:
    """Display samples of one track from its observation model: positions, seconds since t0, altitude, class,
    source, stale, gaps.

    `keep_times` are moments evidence rests on: the samples around each are always drawn. Gaps and the air/ground
    colour come from the model (tracks.observation: the verdicts' own gaps and ground state, not recomputed);
    which gaps are drawn as "no data" is `tracks.render.drawgaps.drawn_gaps` (less the steps that are only the
    export's cadence, unless a verdict cites them); both ends are always drawn.
    """
    gaps = drawn_gaps(obs, cited_starts=labelled_gap_starts)
    return columns_payload(columns(obs.frame, gaps, obs.on_ground), name=esc(name or track_name(obs.track)),
                           keep_times=keep_times, max_points=max_points, labelled_gap_starts=labelled_gap_starts)


def columns_payload(
    c: Columns,
    *,
    name: str,
    keep_times: Sequence[Any] = (),
    max_points: int = DEFAULT_MAX_POINTS,
    labelled_gap_starts: Iterable[Any] = (),
) -> dict[str, Any]:
    """`track_payload` of drawing columns; `name` already HTML-escaped."""
    n = len(c)
    if n == 0:
        return {"name": name, "t0": 0, "lat": [], "lon": [], "t": [], "alt": [], "cls": [],
                "src": [], "stale": [], "gaps": [], "gapLabels": [], "n": 0, "shown": 0}
    lat, lon, t, gaps, src, stale = c.lat, c.lon, c.t, c.gaps, c.src, c.stale
    if n <= max_points:  # drawn whole: nothing to choose
        idx = np.arange(n)
    else:
        must = np.zeros(n, dtype=bool)
        gap_i = np.flatnonzero(gaps)
        must[gap_i] = True
        must[gap_i + 1] = True
        must[_keep_around(t, keep_times)] = True
        prefer = stale | c.new_leg
        change = np.flatnonzero(src[1:] != src[:-1])
        prefer[change] = True
        prefer[change + 1] = True
        idx = display_indices(lat, lon, must, prefer, max_points)
    cls = altitude_class(c.alt, c.ground)

    # display segment j joins idx[j] and idx[j+1]; it is a gap when it contains an original gap segment
    if n == len(idx):
        seg_gap = np.flatnonzero(gaps)
    else:
        cum = np.concatenate([[0], np.cumsum(gaps)])
        seg_gap = np.flatnonzero(cum[idx[1:]] - cum[idx[:-1]] > 0)
    t0 = float(t[0])
    ts = t[idx] - t0
    durations = ts[seg_gap + 1] - ts[seg_gap]
    labelled = _labelled_gaps(seg_gap, durations, t[idx[seg_gap]], labelled_gap_starts)
    alt_shown = c.alt[idx]
    return {
        "name": name,
        "n": n,
        "shown": len(idx),
        "t0": t0,
        "lat": _r5(lat[idx]),
        "lon": _r5(lon[idx]),
        "t": np.round(ts, 1).tolist(),
        "alt": [None if a != a else round(a) for a in alt_shown.tolist()],
        "cls": cls[idx].tolist(),
        "src": np.asarray(src)[idx].astype(int).tolist(),
        "stale": np.flatnonzero(stale[idx]).tolist(),
        "gaps": np.column_stack([seg_gap, np.round(durations, 1)]).ravel().tolist(),
        "gapLabels": labelled,
    }


def _labelled_gaps(seg: np.ndarray, durations: np.ndarray, starts: np.ndarray, referenced: Iterable[Any]) -> list[int]:
    """Display segment indices of the gaps labelled permanently: the longest, and those verdicts cite."""
    if not len(seg):
        return []
    order = np.argsort(-durations, kind="stable")
    long_ = [int(seg[i]) for i in order[:PERMANENT_GAP_LABELS] if durations[i] >= MIN_LABELLED_GAP_S]
    ref_s = [ts.value / 1e9 for ts in (wording.to_utc(r) for r in referenced) if ts is not None]
    cited = [int(seg[i]) for i in range(len(seg)) if ref_s and np.min(np.abs(np.asarray(ref_s) - starts[i])) < 1.0]
    return sorted(set(long_) | set(cited))


def geodesic_length_km(line: Sequence[tuple[float, float]]) -> float:
    """Geodesic WGS84 length of a (lat, lon) polyline in km."""
    if len(line) < 2:
        return 0.0
    lats, lons = zip(*line, strict=True)
    return float(GEOD.line_length(lons, lats)) / 1000.0


_ICAO = re.compile(r"\b([A-Z]{4})\b")
_PAREN = re.compile(r"\s+\(.*\)\s*$")  # a trailing '(take-off not observed: ...)' stays in the tip only
_PLACE_KINDS = ("takeoff", "landing", "touch_and_go", "go_around", "airport")
#: Events and airports closer than this (degrees, about 3 km) share one label.
PLACE_DEG = 0.03


@functools.cache
def airport_place(code: str) -> str:
    """'SVMI Maiquetia, Caracas' for an ICAO code known to airportsdata (name, and city when not in it), else ''."""
    try:
        from tracks.airports import airport

        a = airport(code)
    except (ImportError, KeyError, ValueError):
        return ""
    name = re.sub(r"\s*\(.*?\)", "", a.name).removesuffix(" Airport").removesuffix(" Airfield").strip()
    city = a.city.strip()
    where = f", {city}" if city and city.lower() not in name.lower() else ""
    return f"{code} {name}{where}".strip()


def place_name(kind: str, label: str) -> str:
    """The airport a take-off/landing/airport marker is at ('SVMI Maiquetia'): the first ICAO code in
    `label` that airportsdata knows; '' when none (callers do not ask for unobserved events)."""
    if kind not in _PLACE_KINDS:
        return ""
    return next((p for p in (airport_place(m.group(1)) for m in _ICAO.finditer(label)) if p), "")


def leg_events(observations: Sequence[Observation]) -> pd.DataFrame:
    """Take-offs, landings, touch-and-goes and go-arounds of bare tracks (their models' legs), as event rows."""
    frames = [o.events for o in observations if len(o)]
    if not frames:
        return pd.DataFrame(columns=list(EVENT_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(EVENT_COLUMNS)]


def event_title(kind: str) -> str:
    """'Take-off', 'Border crossing', … for an event kind ('Point' when there is none)."""
    return EVENT_TITLES.get(kind, kind.replace("_", " ").capitalize() or "Point")


def seen_title(label: str, observed: bool) -> str:
    """'First seen' / 'Last seen' for an event not observed whose sentence starts so ('first seen 31 km from
    MZPB at 32,000 ft': a track that begins or ends in flight, the take-off/landing was not seen at all,
    neither here nor then); '' otherwise."""
    if observed:
        return ""
    text = str(label or "").strip().lower()
    return next((s for s in ("First seen", "Last seen") if text.startswith(s.lower())), "")


def shown_title(kind: str, label: str, observed: bool) -> str:
    """What an event's mark is called on the map, the picture and the profile: 'First seen'/'Last seen' for
    an unseen start/end of a track (`seen_title`), else the kind's title ('Take-off')."""
    return seen_title(label, observed) or event_title(kind)


def marker(kind: str, lat: float, lon: float, when: Any, label: str, tz: ZoneInfo | None,
           observed: bool = True) -> dict[str, Any]:
    """One event/evidence marker: an escaped permanent `label` (set by `finish_labels`) and `tip` (on click).

    `label` is the text from the data (an event sentence such as 'landed at SVSE 29 Nov 01:10Z', or a
    GeoPoint label); the airport's name is looked up from the ICAO code it contains.
    """
    title = event_title(kind)
    label = str(label or "").strip()
    if label.lower() == title.lower():
        label = ""
    seen = seen_title(label, observed)
    full = wording.time_both(when, tz)
    tip = f"<b>{esc(title)}</b>" + (f" {esc(label)}" if label else "") + (f"<br>{esc(full)}" if full else "")
    if not observed and "not observed" not in label:
        tip += "<br><i>not observed: inside a coverage gap; the time is that of the nearest sample</i>"
    ts = wording.to_utc(when)
    return {
        "kind": kind,
        "lat": round(float(lat), 5),
        "lon": round(float(lon), 5),
        "observed": bool(observed),
        "label": "",
        "tip": tip,
        "claims": [],
        "_title": shown_title(kind, label, observed),
        "_seen": bool(seen),
        "_name": (place_name(kind, label) if observed else "") or _PAREN.sub("", label),
        "_when": wording.time_short(when, tz),
        "_t": ts.value if ts is not None else 0,
    }


def _line(m: dict[str, Any]) -> str:
    """'Landing: 01:10 UTC · 21:10 local' (plain text)."""
    what = m["_title"] + ("" if m["observed"] or m["_seen"] else " (not observed)")
    return f"{what}: {m['_when']}" if m["_when"] else what


def finish_labels(markers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Permanent labels: '<b>place</b><br>Take-off: 23:20 UTC · 19:20 local', one per airport.

    Take-offs, landings and airports at the same place (within ~3 km) share one label listing every event in
    time order; the others keep theirs for hovering only.
    """
    groups: list[list[dict[str, Any]]] = []
    for m in markers:
        if m["kind"] in _PLACE_KINDS:
            near = next((g for g in groups if abs(g[0]["lat"] - m["lat"]) < PLACE_DEG
                         and abs(g[0]["lon"] - m["lon"]) < PLACE_DEG), None)
            if near is None:
                groups.append([m])
            else:
                near.append(m)
        elif m["_name"]:
            m["label"] = f"<b>{esc(m['_title'])}</b> {esc(m['_name'])}" + (f"<br>{esc(m['_when'])}" if m["_when"] else "")
        else:
            m["label"] = f"<b>{esc(m['_title'])}</b>" + (f"<br>{esc(m['_when'])}" if m["_when"] else "")
    for group in groups:
        group.sort(key=lambda m: (m["kind"] != "airport", m["_t"]))
        name = next((m["_name"] for m in group if m["kind"] == "airport" and m["_name"]), "") or \
            next((m["_name"] for m in group if m["_name"]), "")
        timed = [m for m in group if m["kind"] != "airport"]
        lines = [_line(m) for m in timed] if timed else ["airport named in a claim"]
        head = max(group, key=lambda m: (m["kind"] != "airport", m["claims"] != []))
        for m in group:
            m["label"] = ""
        head["label"] = (f"<b>{esc(name)}</b><br>" if name else "") + "<br>".join(esc(x) for x in lines)
    for m in markers:
        for k in ("_title", "_seen", "_name", "_when", "_t"):
            m.pop(k, None)
    return markers


def events_markers(events: pd.DataFrame, tz: ZoneInfo | None) -> list[dict[str, Any]]:
    """Markers of CaseResult.events rows (take-offs, landings, crossings, closest approaches)."""
    if events is None or events.empty or not {"kind", "lat", "lon"} <= set(events.columns):
        return []
    out = []
    for row in events.to_dict("records"):
        lat, lon = row.get("lat"), row.get("lon")
        if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
            continue
        observed = row.get("observed", True)
        observed = True if observed is None or observed is pd.NA else bool(observed)
        out.append(marker(str(row.get("kind", "")), lat, lon, row.get("time"), str(row.get("label", "") or ""),
                          tz, observed))
    return out


def _key(m: dict[str, Any]) -> tuple[Any, ...]:
    return (m["kind"], round(m["lat"], 4), round(m["lon"], 4))


def claims_payload(verdicts: Sequence[Verdict], events: list[dict[str, Any]], tz: ZoneInfo | None,
                   base: Path | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(markers, evidence, claims): markers deduplicated with the events; per-claim evidence drawings and bounds."""
    markers: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in events:
        _merge(markers, e)
    evidence: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    line_km: list[tuple[tuple[float, float], float]] = []
    ellipses = reach_ellipses([g for v in verdicts for g in v.evidence.gaps if g.matters])  # all at once
    for ci, v in enumerate(verdicts):
        ev: Evidence = v.evidence
        for p in ev.points:
            if not _finite(p.lat, p.lon):
                continue
            m = _merge(markers, marker(p.kind or "point", p.lat, p.lon, p.time, p.label, tz))
            if ci not in m["claims"]:
                m["claims"].append(ci)
        for line in ev.lines:
            pts = [(float(a), float(b)) for a, b in line if _finite(a, b)]
            if len(pts) < 2:
                continue
            km = geodesic_length_km(pts)
            line_km += [(pts[0], km), (pts[-1], km)]
            evidence.append({"type": "line", "claim": ci, "latlons": [[round(a, 5), round(b, 5)] for a, b in pts],
                             "label": esc(wording.km(km))})
        for s in ev.samples:
            if not _finite(s.lat, s.lon):
                continue
            alt = f" · {s.alt_ft:,.0f} ft" if s.alt_ft is not None and _finite(s.alt_ft) else ""
            where = f" · {public_name(s.file, base)}#{s.record}" if s.file else ""
            tip = (f"<b>Cited sample</b> {esc(s.role)}<br>{esc(wording.time_both(s.time, tz))}"
                   f"<br>{esc(s.source)}{esc(alt)}{esc(where)}")
            evidence.append({"type": "sample", "claim": ci, "lat": round(s.lat, 5), "lon": round(s.lon, 5),
                             "tip": tip, "source": esc(s.source)})
        for g in ev.gaps:  # only the gaps the verdict depends on: the others were checked and ruled out
            if not g.matters or not _finite(g.start_lat, g.start_lon, g.end_lat, g.end_lon):
                continue
            reach = {True: "its reachable area touches the region", None: ""}.get(g.reaches_region, "")
            tip = (f"<b>{esc(g.id)}</b>: no data for {esc(wording.duration(g.duration_s))}<br>"
                   f"{esc(wording.time_both(g.start, tz))} → {esc(wording.time_both(g.end, tz))}"
                   + (f"<br>{esc(reach)}" if reach else "") + f"<br>claim “{esc(v.claim_id)}” depends on it")
            evidence.append({"type": "gap", "claim": ci,
                             "latlons": [[round(g.start_lat, 5), round(g.start_lon, 5)],
                                         [round(g.end_lat, 5), round(g.end_lon, 5)]],
                             "label": esc(f"{g.id}: {wording.duration(g.duration_s)}"), "tip": tip})
            ellipse = ellipses.get(_ellipse_key(g))
            if ellipse is not None:
                evidence.append({"type": "ellipse", "claim": ci, "geojson": ellipse,
                                 "tip": (f"<b>{esc(g.id)}</b>: where the aircraft could have been in these "
                                         f"{esc(wording.duration(g.duration_s))} (at most "
                                         f"{esc(wording.km(g.reach_km or 0.0))} flown between the two samples; "
                                         "drawn for the eye, the verdict uses the exact rule)")})
        pts = ev.latlons()
        claims.append({
            "id": esc(v.claim_id),
            "status": v.status,
            "bounds": [[round(a, 5), round(b, 5)] for a, b in pts if _finite(a, b)],
            "regions": [esc(r) for r in ev.regions],
        })
    for m in markers.values():  # a closest approach is labelled with its distance (the line's length)
        if m["kind"] == "closest":
            kms = sorted({round(km, 1) for (a, b), km in line_km
                          if abs(a - m["lat"]) < 2e-4 and abs(b - m["lon"]) < 2e-4})
            if kms:
                m["_name"] = " / ".join(wording.km(km) for km in kms)
    return finish_labels(list(markers.values())), evidence, claims


def _ellipse_key(g: GapRef) -> tuple[float, ...]:
    return (g.start_lat, g.start_lon, g.end_lat, g.end_lon, float(g.reach_km or 0.0))


def reach_ellipses(gaps: Sequence[GapRef]) -> dict[tuple[float, ...], dict[str, Any]]:
    """GeoJSON of the reachability ellipses (`tracks.geo.reach`) of coverage gaps, for drawing, computed in one
    vectorised call (a gap several verdicts cite is drawn once), keyed by `_ellipse_key`. Left out: edges of the
    period, gaps without a reach, and gaps whose reach cannot even join their two samples."""
    from tracks.geo.reach import reachability_ellipse, reachability_ellipses

    keys = list(dict.fromkeys(_ellipse_key(g) for g in gaps
                              if not g.is_edge and g.reach_km is not None and _finite(g.reach_km, g.start_lat,
                                                                                      g.start_lon, g.end_lat, g.end_lon)
                              and g.reach_km > 0))
    if not keys:
        return {}
    k = np.array(keys, dtype=float)
    try:
        polys = reachability_ellipses(k[:, 0], k[:, 1], k[:, 2], k[:, 3], k[:, 4], n=72)
    except ValueError:  # one reach is too short for its samples: draw the others one by one
        polys = []
        for row in k:
            try:
                polys.append(reachability_ellipse(*row[:4], row[4], n=72))
            except ValueError:
                polys.append(None)
    out = {}
    for key, poly in zip(keys, polys, strict=True):
        if poly is not None:
            out[key] = json.loads(shapely.to_geojson(shapely.transform(poly, lambda c: np.round(c, 4))))
    return out


def _finite(*values: Any) -> bool:
    """All values are real finite numbers (evidence with a missing coordinate is not drawn)."""
    try:
        return all(np.isfinite(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def _merge(markers: dict[tuple[Any, ...], dict[str, Any]], m: dict[str, Any]) -> dict[str, Any]:
    """Add `m`, or fold it into the marker of the same kind at the same place (its text joins the tip)."""
    key = _key(m)
    have = markers.get(key)
    if have is None:
        markers[key] = m
        return m
    extra = m["tip"].split("<br>", 1)[0].removeprefix(f"<b>{esc(m['_title'])}</b>").strip()
    if extra and extra not in have["tip"]:
        head, _, rest = have["tip"].partition("<br>")
        have["tip"] = f"{head}<br>{extra}" + (f"<br>{rest}" if rest else "")
    have["observed"] = have["observed"] and m["observed"]
    if not have["_name"]:
        have["_name"] = m["_name"]
    return have


def evidence_times(verdicts: Sequence[Verdict], events: pd.DataFrame) -> list[Any]:
    """Every moment evidence rests on (samples, timed points, gap ends, event rows): kept when simplifying."""
    times: list[Any] = []
    for v in verdicts:
        ev = v.evidence
        times += [s.time for s in ev.samples] + [p.time for p in ev.points if p.time]
        times += [g.start for g in ev.gaps] + [g.end for g in ev.gaps]
    if events is not None and not events.empty and "time" in events.columns:
        times += [t for t in events["time"].tolist() if t is not None and not pd.isna(t)]
    return times


def source_vocabulary() -> list[str]:
    """Position source names in the order of the `source` categorical codes."""
    return list(schema.SOURCE_TYPES)


def alt_classes() -> list[dict[str, str]]:
    return [{"label": label, "color": color} for _, label, color, _ in ALT_CLASSES]
