"""The KML that `tracks export --to kml` writes, and reading it back.

Layout (KML 2.2 with Google's gx extension, replayable with Google Earth's time slider):

- one `Folder` per aircraft, its `ExtendedData` naming `icao24`, `callsign`, `registration`;
- inside it one `Folder` per leg (`tracks.legs`; named with the take-off and landing sentences), and one per
  stretch of samples outside any leg (on the ground between flights); an aircraft with a single sample, or a
  Traffic table of more than LEGS_MAX_AIRCRAFT aircraft, gets one folder "track" per aircraft instead;
- inside a folder one `gx:Track` Placemark per observed run: coverage gaps (`tracks.segments.gap_mask`) are
  breaks between Placemarks, never a drawn line, and a "Coverage gaps" folder holds each gap as a thin grey
  straight line named with its duration (untimed, so no reader takes it for positions);
- every canonical column travels per sample in the gx:Track's `ExtendedData` (`gx:SimpleArrayData` of the
  Schema `tracks_sample`): altitudes, ground state, speeds, squawk, source, stale, new-leg flag, callsign,
  registration. Times are written to the nanosecond, positions in the shortest decimal that reads back to the
  same double, so `tracks.load` of the file gives back the same aircraft, samples and gaps.

`file` and `record` are not carried: read back, rows come from the KML file (record = position in it), and
the Document's description lists the original sources with their sha256.
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tracks import schema
from tracks.altitude import height_ft
from tracks.errors import TrackFormatError
from tracks.formats import _xmltools as X
from tracks.formats.base import Format, Parsed, RawFile
from tracks.paths import public_name
from tracks.segments import DEFAULT_MAX_GAP_S, gap_mask
from tracks.units import ft_to_m

if TYPE_CHECKING:
    from tracks.track import Track, Traffic

SCHEMA_ID = "tracks_sample"
#: Per-sample columns carried in ExtendedData (every canonical column but time/lat/lon/icao24/file/record).
ARRAY_COLUMNS: tuple[str, ...] = tuple(c for c in schema.COLUMN_NAMES
                                       if c not in ("time", "lat", "lon", "icao24", "file", "record"))
#: Aircraft above this count are written without the leg split (legs of thousands of aircraft take minutes).
LEGS_MAX_AIRCRAFT = 50
_KML_TYPES = {"float64": "double", "boolean": "bool", "bool": "bool"}


# -- writing ------------------------------------------------------------------------------------------------------

def to_kml(table: Track | Traffic, base: Path | None = None, max_gap_s: float = DEFAULT_MAX_GAP_S) -> str:
    """KML text of `table` (see the module doc); sources named relative to `base` (tracks.paths.public_name).

    The text of every cell is made once for the whole table (vectorised); aircraft and leg folders then join
    slices of it, so a Traffic table of thousands of aircraft writes in seconds."""
    d = table.data
    n = len(d)
    fields = "".join(f'<gx:SimpleArrayField name="{c}" type="{_KML_TYPES.get(str(schema.column(c).dtype), "string")}"/>'
                     for c in ARRAY_COLUMNS)
    sources = "; ".join(f"{public_name(s.path, base)} sha256 {s.sha256}" for s in table.sources)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n'
             '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">\n'
             f"<Document><name>tracks export</name><description>{_x(sources)}</description>\n"
             '<Style id="track"><LineStyle><color>ff0000ff</color><width>3</width></LineStyle></Style>\n'
             '<Style id="gap"><LineStyle><color>80808080</color><width>1</width></LineStyle></Style>\n'
             f'<Schema id="{SCHEMA_ID}" name="{SCHEMA_ID}">{fields}</Schema>\n']
    if n:
        cells = _Cells(d)
        ic = d["icao24"].to_numpy(dtype=object)
        bounds = np.r_[0, np.flatnonzero(ic[1:] != ic[:-1]) + 1, n]  # Track: one aircraft; Traffic: sorted by it
        with_legs = len(bounds) - 1 <= LEGS_MAX_AIRCRAFT
        for a, b in itertools.pairwise(bounds.tolist()):
            parts.append(_aircraft(d, int(a), int(b), cells, with_legs and b - a > 1, table.sources, max_gap_s))
    parts.append("</Document></kml>\n")
    return "".join(parts)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: object) -> str:
    """Text for an XML element: escaped, and characters XML 1.0 cannot hold (control codes) as U+FFFD."""
    return html.escape(_NOT_XML.sub("\ufffd", "" if text is None else str(text)), quote=False)


class _Cells:
    """The KML text of every sample: <when>, <gx:coord> and one <gx:value> per array column."""

    def __init__(self, d: pd.DataFrame) -> None:
        self.when = np.array([f"<when>{w}</when>" for w in _iso_ns(d["time"])], dtype=object)
        alt_m = ft_to_m(np.nan_to_num(height_ft(d), nan=0.0))
        self.coord = np.array([f"<gx:coord>{x!r} {y!r} {z:.1f}</gx:coord>" for x, y, z in
                               zip(d["lon"].to_numpy(float).tolist(), d["lat"].to_numpy(float).tolist(),
                                   alt_m.tolist(), strict=True)], dtype=object)
        self.values = {c: np.array([f"<gx:value>{v}</gx:value>" for v in _values(d[c])], dtype=object)
                       for c in ARRAY_COLUMNS}
        self.callsign, self.registration = _modes(d, "callsign"), _modes(d, "registration")


def _modes(d: pd.DataFrame, column: str) -> dict[str, str]:
    """The most frequent non-empty value of `column` per aircraft, in one pass over the table."""
    pairs = d[["icao24", column]].dropna()
    pairs = pairs[pairs[column] != ""]
    if not len(pairs):
        return {}
    top = pairs.value_counts(sort=True).reset_index().drop_duplicates("icao24", keep="first")
    return dict(zip(top["icao24"].astype(str), top[column].astype(str), strict=True))


def _aircraft(d: pd.DataFrame, a: int, b: int, cells: _Cells, with_legs: bool, sources: tuple, max_gap_s: float
              ) -> str:
    from tracks.track import Track

    g = d.iloc[a:b]
    n = b - a
    icao = str(g["icao24"].iloc[0])
    callsign, registration = cells.callsign.get(icao, ""), cells.registration.get(icao, "")
    name = " ".join(x for x in (icao, callsign, registration) if x)
    label = np.full(n, -1, dtype=np.int64)  # leg number per sample, -1 outside any leg
    titles: list[str] = []
    if with_legs:
        for k, leg in enumerate(Track(g.reset_index(drop=True), sources).legs(max_gap_s=max_gap_s)):
            label[leg.start_index:leg.end_index + 1] = k
            titles.append(f"{leg.leg_id}: {leg.takeoff.sentence} / {leg.landing.sentence}")
    gaps = gap_mask(g, max_gap_s) if n > 1 else np.zeros(0, dtype=bool)
    # folders: runs of the same leg label; placemarks: their runs between gaps
    new_folder = np.r_[True, label[1:] != label[:-1]]
    new_piece = new_folder | np.r_[False, gaps]
    folder_starts = np.flatnonzero(new_folder)
    out = [f"<Folder><name>{_x(name)}</name><ExtendedData>"
           + "".join(f'<Data name="{k}"><value>{_x(v)}</value></Data>'
                     for k, v in (("icao24", icao), ("callsign", callsign), ("registration", registration)))
           + "</ExtendedData>\n"]
    for f, fa in enumerate(folder_starts):
        fb = folder_starts[f + 1] if f + 1 < len(folder_starts) else n
        k = label[fa]
        title = titles[k] if k >= 0 else ("track" if not with_legs else "outside any leg (on the ground or between flights)")
        out.append(f"<Folder><name>{_x(title)}</name>\n")
        starts = (np.flatnonzero(new_piece[fa:fb]) + fa).tolist()
        for p, s in enumerate(starts):
            e = starts[p + 1] if p + 1 < len(starts) else fb
            out.append(_placemark(cells, a + s, a + e, f"part {p + 1}" if len(starts) > 1 else "observed"))
        out.append("</Folder>\n")
    gi = np.flatnonzero(gaps)
    if len(gi):
        from tracks.wording import duration

        lon, lat = g["lon"].to_numpy(float), g["lat"].to_numpy(float)
        dt = np.diff(g["time"].to_numpy(dtype="datetime64[ns]").astype("int64")) / 1e9
        out.append("<Folder><name>Coverage gaps (no data: the path is unknown)</name>\n")
        for i in gi:
            out.append(f"<Placemark><name>no data for {_x(duration(dt[i]))}</name><styleUrl>#gap</styleUrl>"
                       f"<LineString><tessellate>1</tessellate><coordinates>{lon[i]!r},{lat[i]!r} "
                       f"{lon[i + 1]!r},{lat[i + 1]!r}</coordinates></LineString></Placemark>\n")
        out.append("</Folder>\n")
    out.append("</Folder>\n")
    return "".join(out)


def _placemark(cells: _Cells, a: int, b: int, name: str) -> str:
    arrays = "".join(f'<gx:SimpleArrayData name="{c}">{"".join(cells.values[c][a:b])}</gx:SimpleArrayData>'
                     for c in ARRAY_COLUMNS)
    return (f"<Placemark><name>{_x(name)}</name><styleUrl>#track</styleUrl><gx:Track>"
            f"<altitudeMode>absolute</altitudeMode>{''.join(cells.when[a:b])}{''.join(cells.coord[a:b])}"
            f'<ExtendedData><SchemaData schemaUrl="#{SCHEMA_ID}">{arrays}</SchemaData></ExtendedData>'
            "</gx:Track></Placemark>\n")


def _iso_ns(times: pd.Series) -> list[str]:
    """ISO 8601 UTC to the nanosecond, trailing zero groups dropped: '2025-11-29T01:10:00Z', '...:05.250Z'."""
    ns = times.to_numpy(dtype="datetime64[ns]")
    text = np.datetime_as_string(ns, unit="ns")
    out = []
    for s in text.tolist():
        head, _, frac = s.partition(".")
        frac = frac.rstrip("0")
        frac = frac + "0" * (-len(frac) % 3)
        out.append(f"{head}.{frac}Z" if frac else f"{head}Z")
    return out


def _values(col: pd.Series) -> list[str]:
    """Cells as text: '' for missing, shortest round-trip decimals for floats, 1/0 for booleans."""
    if col.dtype == "float64":
        return ["" if np.isnan(v) else repr(v) for v in col.to_numpy().tolist()]
    if str(col.dtype) in ("bool", "boolean"):
        return ["" if v is pd.NA or v is None else ("1" if v else "0") for v in col.astype(object).tolist()]
    return ["" if v is None or v is pd.NA else _x(v) for v in col.astype(object).where(col.notna(), None).tolist()]


# -- reading ------------------------------------------------------------------------------------------------------

def sniff(raw: RawFile) -> bool:
    return X.root_name(raw) == "kml" and f'<Schema id="{SCHEMA_ID}"'.encode() in raw.data[:65536]


def read(raw: RawFile) -> Parsed:
    """Our own KML: every gx:Track of every aircraft folder, with the per-sample ExtendedData columns. Values
    are gathered into plain lists over the whole file and typed once at the end."""
    root = X.parse(raw, "KML")
    whens: list[str | None] = []
    coords: list[str | None] = []
    icao: list[str] = []
    columns: dict[str, list[str | None]] = {c: [] for c in ARRAY_COLUMNS}
    number = 0
    for folder in X.descendants(root, "Folder"):
        ext = X.child(folder, "ExtendedData")
        data = {d.get("name"): X.path_text(d, "value") for d in X.children(ext, "Data")} if ext is not None else {}
        if "icao24" not in data:  # leg folders and the gaps folder: their tracks belong to the aircraft folder
            continue
        for track in X.descendants(folder, "Track"):
            number += 1
            w = [X.text_of(e) for e in X.children(track, "when")]
            c = [X.text_of(e) for e in X.children(track, "coord")]
            if len(w) != len(c):
                raise TrackFormatError(raw.path, f"{len(w)} <when> but {len(c)} <gx:coord>", where=f"gx:Track {number}",
                                       expected="one <when> per <gx:coord>")
            arrays = {a.get("name"): [X.text_of(v) for v in X.children(a, "value")]
                      for a in X.descendants(track, "SimpleArrayData") if a.get("name") in columns}
            for name, values in arrays.items():
                if len(values) != len(w):
                    raise TrackFormatError(raw.path, f"array {name!r} has {len(values)} values for {len(w)} samples",
                                           where=f"gx:Track {number}", expected="one value per sample")
            for name, values in columns.items():
                values.extend(arrays.get(name) or [None] * len(w))
            whens += w
            coords += c
            icao += [data.get("icao24") or schema.UNKNOWN_ICAO24] * len(w)
    n = len(whens)
    when = pd.Series(whens, dtype="string")
    time = pd.to_datetime(when, utc=True, format="ISO8601", errors="coerce")  # to the nanosecond, as written
    bad = time.isna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise TrackFormatError(raw.path, f"unreadable <when> {when.iloc[first]!r}", where=f"sample {first}",
                               expected="ISO 8601 UTC times ending in Z")
    xy = pd.Series(coords, dtype="string").str.split(" ", n=2, expand=True) if n else pd.DataFrame({0: [], 1: []})
    frame = pd.DataFrame({"time": time.astype(schema.TIME_DTYPE), "icao24": pd.Series(icao, dtype="string"),
                          "lon": pd.to_numeric(xy[0], errors="coerce").astype(float),
                          "lat": pd.to_numeric(xy[1], errors="coerce").astype(float),
                          **{name: _column(name, values) for name, values in columns.items()},
                          "record": np.arange(n, dtype="int64")})
    return Parsed(frame, records_read=n)


def _column(name: str, values: list[str | None]) -> pd.Series:
    dtype = schema.column(name).dtype
    text = pd.Series(values, dtype="string")
    if str(dtype) == "float64":
        return pd.to_numeric(text, errors="coerce").astype("float64")
    if str(dtype) in ("bool", "boolean"):
        return text.map({"1": True, "0": False}, na_action="ignore").astype("boolean")
    return text


FORMATS = [
    Format("tracks-kml", "KML written by `tracks export` (folders per aircraft and leg, every column per sample)",
           sniff, read, priority=20),
]
