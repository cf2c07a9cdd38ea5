"""GeoPandas and pandas interop: tracks as GeoDataFrames, `__geo_interface__`, and tables loaded back.

- `to_geodataframe(table, kind)`: "points" (every canonical column + a Point per sample), "segments" (one
  LineString per pair of consecutive samples of one aircraft, with its duration, geodesic length and whether
  it is a coverage gap), "legs" (the leg summary of `tracks.legs` with the leg's line, broken at gaps) or
  "gaps" (the gap table of `tracks.legs` with the straight line between its two samples, and the
  reachability ellipse in a second geometry column `reach`). CRS EPSG:4326 (lon, lat).
- `geo_interface(table)`: a GeoJSON Feature (Track) or FeatureCollection (Traffic): per aircraft a
  MultiLineString of the observed runs, broken at gaps (lone samples between gaps as a MultiPoint).
- `from_frame(frame)`: a DataFrame or GeoDataFrame with the canonical columns (docs/schema.md) back into a
  Track or Traffic; impossible rows are rejected with reasons, as for files. A GeoDataFrame made by
  `to_geodataframe(kind="points")` carries its sources and rejected rows (up to ATTRS_MAX_REJECTED) in
  `.attrs` as plain lists, so the round trip gives back the same table, sources and rejections.

geopandas is an optional dependency (`pip install "tracks[geo]"`); only the GeoDataFrame functions need it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from tracks import schema
from tracks.errors import TrackFormatError
from tracks.paths import public_name
from tracks.segments import DEFAULT_MAX_GAP_S, gap_mask, segment_dt_s

if TYPE_CHECKING:
    import geopandas as gpd

    from tracks.track import Source, Track, Traffic

KINDS = ("points", "segments", "legs", "gaps")
CRS = "EPSG:4326"
#: `.attrs` key under which a points GeoDataFrame keeps its sources and rejected rows.
ATTRS_KEY = "tracks"
FRAME_PATH = "<DataFrame>"


def _geopandas() -> Any:
    try:
        import geopandas
    except ImportError:
        raise ImportError("GeoDataFrames need geopandas: pip install \"tracks[geo]\"") from None
    return geopandas


def _tracks(table: Track | Traffic) -> list[Track]:
    from tracks.track import Track

    return [table] if isinstance(table, Track) else list(table)


def to_geodataframe(table: Track | Traffic, kind: str = "points", max_gap_s: float = DEFAULT_MAX_GAP_S
                    ) -> gpd.GeoDataFrame:
    """The table as a GeoDataFrame of `kind` ("points", "segments", "legs", "gaps"); see the module doc."""
    gpd = _geopandas()
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    if kind == "points":
        d = table.data
        out = gpd.GeoDataFrame(d.copy(), geometry=gpd.points_from_xy(d["lon"], d["lat"]), crs=CRS)
        out.attrs[ATTRS_KEY] = _attrs(table)
        return out
    if kind == "segments":
        return _segments(table, gpd, max_gap_s)
    frames = []
    for t in _tracks(table):
        if t.empty:
            continue
        legs = t.legs(max_gap_s=max_gap_s)
        if kind == "legs":
            f = legs.summary.copy()
            f.insert(0, "icao24", t.icao24)
            geoms = [_runs_geometry(legs.track(i).data, max_gap_s) for i in range(len(legs))]
            frames.append(gpd.GeoDataFrame(f, geometry=geoms, crs=CRS))
        else:
            g = legs.gaps
            f = g.frame.copy()
            f.insert(0, "icao24", t.icao24)
            line = shapely.linestrings(np.stack([np.column_stack([f["start_lon"], f["end_lon"]]),
                                                 np.column_stack([f["start_lat"], f["end_lat"]])], axis=-1)
                                       ) if len(f) else []
            ellipses = g.ellipses()
            f["reach"] = gpd.GeoSeries([ellipses[i] for i in f["gap_id"]], crs=CRS)
            frames.append(gpd.GeoDataFrame(f, geometry=gpd.GeoSeries(line, crs=CRS), crs=CRS))
    if not frames:
        return gpd.GeoDataFrame({"icao24": pd.Series([], dtype=object)}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    return pd.concat(frames, ignore_index=True)


#: Rejected rows carried in `.attrs` up to this many (pandas deep-copies `.attrs` at every operation).
ATTRS_MAX_REJECTED = 100_000


def _attrs(table: Track | Traffic) -> dict[str, Any]:
    """Sources and rejected rows as plain lists of dicts: pandas compares and copies `.attrs` on every operation
    (a DataFrame in there would make `pd.concat` of two such tables fail)."""
    rej = table.rejected
    keep = len(rej) <= ATTRS_MAX_REJECTED
    return {"sources": [s.to_dict() for s in table.sources],
            "rejected": rej.to_dict("records") if keep else [],
            "rejected_omitted": 0 if keep else len(rej)}


def _segments(table: Track | Traffic, gpd: Any, max_gap_s: float) -> gpd.GeoDataFrame:
    """One LineString per pair of consecutive samples of the same aircraft (vectorised over all rows)."""
    from tracks.gaps import segment_distance_km

    d = table.data
    n = len(d)
    if n < 2:
        i = np.zeros(0, dtype=np.int64)
    else:
        ic = d["icao24"].to_numpy(dtype=object)
        i = np.flatnonzero(ic[:-1] == ic[1:])
    lon, lat = d["lon"].to_numpy(float), d["lat"].to_numpy(float)
    gaps = gap_mask(d, max_gap_s) if n > 1 else np.zeros(0, dtype=bool)
    coords = np.stack([np.column_stack([lon[i], lon[i + 1]]), np.column_stack([lat[i], lat[i + 1]])], axis=-1)
    geoms = shapely.linestrings(coords) if len(i) else []
    t = d["time"]
    out = pd.DataFrame({
        "icao24": d["icao24"].iloc[i].to_numpy(),
        "callsign": d["callsign"].iloc[i].to_numpy(),
        "start_index": i.astype("int64"),
        "end_index": (i + 1).astype("int64"),
        "start_time": t.iloc[i].to_numpy(),
        "end_time": t.iloc[i + 1].to_numpy(),
        "duration_s": segment_dt_s(d)[i] if n > 1 else np.zeros(0),
        "distance_km": segment_distance_km(d)[i] if n > 1 else np.zeros(0),
        "gap": gaps[i] if n > 1 else np.zeros(0, dtype=bool),
    })
    for c in ("start_time", "end_time"):
        out[c] = pd.to_datetime(out[c], utc=True)
    out["callsign"] = out["callsign"].astype(schema.STRING_DTYPE)
    out["icao24"] = out["icao24"].astype(schema.STRING_DTYPE)
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


def _runs_geometry(frame: pd.DataFrame, max_gap_s: float) -> shapely.Geometry:
    """Observed runs of samples as lines, broken at coverage gaps: a (Multi)LineString; lone samples between
    two gaps join as points (a GeometryCollection then)."""
    n = len(frame)
    if n == 0:
        return shapely.LineString()
    lon, lat = frame["lon"].to_numpy(float), frame["lat"].to_numpy(float)
    cut = gap_mask(frame, max_gap_s) if n > 1 else np.zeros(0, dtype=bool)
    runs = np.split(np.arange(n), np.flatnonzero(cut) + 1)
    lines = [shapely.linestrings(lon[r], lat[r]) for r in runs if len(r) > 1]
    lone = [shapely.points(lon[r[0]], lat[r[0]]) for r in runs if len(r) == 1]
    geom_lines = shapely.multilinestrings(lines) if len(lines) > 1 else (lines[0] if lines else None)
    if not lone:
        return geom_lines if geom_lines is not None else shapely.LineString()
    pts = shapely.multipoints(lone) if len(lone) > 1 else lone[0]
    return pts if geom_lines is None else shapely.geometrycollections([geom_lines, pts])


def geo_interface(table: Track | Traffic, max_gap_s: float = DEFAULT_MAX_GAP_S) -> dict[str, Any]:
    """GeoJSON-like mapping: a Feature for a Track, a FeatureCollection (one Feature per aircraft) for a
    Traffic. Geometry: the observed runs broken at gaps (see `_runs_geometry`), lon/lat."""
    from tracks.claims.verdict import iso_utc
    from tracks.track import Track

    def feature(t: Track) -> dict[str, Any]:
        return {"type": "Feature",
                "geometry": shapely.geometry.mapping(_runs_geometry(t.data, max_gap_s)),
                "properties": {"icao24": t.icao24, "callsign": t.callsign, "registration": t.registration,
                               "start": iso_utc(t.start), "stop": iso_utc(t.stop), "points": len(t),
                               "gaps": int(gap_mask(t.data, max_gap_s).sum())}}

    if isinstance(table, Track):
        return feature(table)
    return {"type": "FeatureCollection", "features": [feature(t) for t in table]}


# -- back from a table ---------------------------------------------------------------------------------------------

def from_frame(frame: pd.DataFrame, name: str = FRAME_PATH) -> Track | Traffic:
    """A Track (one aircraft) or Traffic from a DataFrame / GeoDataFrame with the canonical columns.

    `time` must be tz-aware (or ISO text with an offset); lat/lon come from the columns, else from a point
    geometry (converted to EPSG:4326 when the CRS differs). Missing optional columns get their null value;
    columns outside the schema are dropped and named in the source's note. Rows with impossible values are
    rejected with reasons (`.rejected`). The input is not modified. TrackFormatError when it cannot be a track.
    """
    from tracks.loader import validate
    from tracks.track import REJECTED_COLUMNS, Source, Track, Traffic, _refuse_naive_times, empty_rejected

    kept_attrs = frame.attrs.get(ATTRS_KEY) if isinstance(frame.attrs.get(ATTRS_KEY), dict) else None
    table = _with_positions(frame, name)
    try:
        _refuse_naive_times(table)
    except ValueError as e:
        raise TrackFormatError(name, str(e), where="column 'time'", expected="tz-aware UTC times") from None
    extra = [str(c) for c in table.columns if c not in schema.COLUMN_NAMES]
    table = table[[c for c in table.columns if c in schema.COLUMN_NAMES]]
    if "file" not in table.columns:
        table = table.assign(file=name)
    try:
        kept, rejected = validate(table, name)
        data = schema.conform(kept)
    except (ValueError, TypeError) as e:
        raise TrackFormatError(name, f"a column cannot take its schema dtype ({e})",
                               expected="the columns of docs/schema.md") from None
    problems = schema.check(data)
    if problems:
        raise TrackFormatError(name, "; ".join(problems), expected="the columns of docs/schema.md")
    if kept_attrs is not None and kept_attrs.get("sources"):
        sources = tuple(_source(s) for s in kept_attrs["sources"])
        omitted = int(kept_attrs.get("rejected_omitted") or 0)
        if omitted:
            sources = tuple(replace(s, note="; ".join(x for x in (s.note, f"{omitted:,} rejected rows not carried "
                                                                 "through the GeoDataFrame") if x)) for s in sources)
        earlier = pd.DataFrame.from_records(kept_attrs.get("rejected") or [], columns=list(REJECTED_COLUMNS))
        earlier = earlier.astype(empty_rejected().dtypes.to_dict()) if len(earlier) else earlier
        parts = [x for x in (earlier, rejected) if len(x)]
        rej = pd.concat(parts, ignore_index=True) if parts else empty_rejected()
    else:
        note = "an in-memory table: no file bytes to fingerprint (keep the file it was made from)"
        if extra:
            note += f"; columns not in the schema dropped: {', '.join(extra)}"
        sources = (Source(path=name, sha256="", format="dataframe", size=0, records_read=len(frame),
                          records_kept=len(data), records_rejected=len(rejected),
                          rejected_reasons={str(k): int(v) for k, v in rejected["reason"].value_counts().items()},
                          note=note),)
        rej = rejected if len(rejected) else empty_rejected()
    several = data["icao24"].nunique() > 1
    return (Traffic if several else Track)(data, sources, rej)


def _with_positions(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """`frame` with lat/lon columns (from a point geometry when absent) and no geometry column."""
    geom_col = getattr(frame, "_geometry_column_name", None)
    if geom_col is None or geom_col not in frame.columns:
        if not {"lat", "lon"} <= set(frame.columns):
            raise TrackFormatError(name, f"no 'lat'/'lon' columns and no geometry (columns: {list(frame.columns)[:12]})",
                                   expected="the columns of docs/schema.md")
        return frame
    geo = frame
    if frame.crs is not None and not frame.crs.equals(CRS):
        geo = frame.to_crs(CRS)
    out = pd.DataFrame(geo.drop(columns=[geom_col]))
    if not {"lat", "lon"} <= set(out.columns):
        g = geo.geometry
        kinds = set(g.geom_type.dropna().unique())
        if kinds - {"Point"}:
            raise TrackFormatError(name, f"geometry holds {', '.join(sorted(kinds))}, not points",
                                   expected="one Point per sample, or lat/lon columns")
        out["lon"] = g.x.to_numpy()
        out["lat"] = g.y.to_numpy()
    return out


def _source(d: dict[str, Any]) -> Source:
    from tracks.track import Source

    fields = set(Source.__dataclass_fields__)
    return Source(**{k: v for k, v in d.items() if k in fields})


# -- check results ----------------------------------------------------------------------------------------------

EVIDENCE_COLUMNS = ("claim_id", "status", "kind", "label", "time", "end_time", "source", "file", "record", "reaches_region")


def evidence_geodataframe(verdicts: Any, base: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Every verdict's evidence as rows: cited samples and computed points (Points), lines such as the
    closest-approach line (LineStrings), and the gaps it looked at (the straight line between the two samples;
    `reaches_region` says whether the verdict depends on it). Columns EVIDENCE_COLUMNS + geometry; `file` named
    relative to `base` (the case folder), else by name (`tracks.paths.public_name`): never the user's folders."""
    gpd = _geopandas()
    rows: list[dict[str, Any]] = []
    geoms: list[shapely.Geometry] = []
    names: dict[str, str] = {}  # each file named once (a few files, many cited samples)

    def name(file: str) -> str:
        if file and file not in names:
            names[file] = public_name(file, base)
        return names.get(file, file)

    def add(v: Any, kind: str, geom: shapely.Geometry, **values: Any) -> None:
        rows.append({"claim_id": v.claim_id, "status": v.status, "kind": kind, **values})
        geoms.append(geom)

    for v in verdicts:
        ev = v.evidence
        for s in ev.samples:
            add(v, "sample", shapely.points(s.lon, s.lat), label=s.role, time=s.time, source=s.source,
                file=name(s.file), record=s.record)
        for p in ev.points:
            add(v, p.kind or "point", shapely.points(p.lon, p.lat), label=p.label, time=p.time)
        for line in ev.lines:
            if len(line) >= 2:
                add(v, "line", shapely.linestrings([b for _, b in line], [a for a, _ in line]), label="")
        for g in ev.gaps:
            add(v, "gap" if not g.is_edge else f"edge-{g.kind}",
                shapely.linestrings([g.start_lon, g.end_lon], [g.start_lat, g.end_lat]), label=g.id, time=g.start,
                end_time=g.end, reaches_region=g.reaches_region)
    frame = pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))
    for c in ("time", "end_time"):
        frame[c] = pd.to_datetime(frame[c].replace("", None), utc=True, format="ISO8601")  # ms when not whole s
    frame["record"] = frame["record"].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)
