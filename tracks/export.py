"""Write a Track or Traffic to KML (Google Earth replay), GeoJSON, CSV or Parquet.

KML (`tracks.formats.tracks_kml`) has one folder per aircraft and one per leg, `gx:Track`s with a `<when>` per
sample (Google Earth's time slider replays them), coverage gaps as breaks, and every column per sample in
ExtendedData so that `tracks.load` of the file gives back the same aircraft and gaps; altitudes in the
coordinates are metres (KML's unit) from `alt_geom_ft`, else `alt_baro_ft`, else 0.
GeoJSON writes one LineString Feature per aircraft with ISO 8601 UTC `times` in its properties (the layout
`tracks.load` reads back). CSV and Parquet write the canonical table, with the `file` column (and KML's source
list) naming each input file relative to the output's folder when it lies below it, else by its name alone
(`tracks.paths.public_name`): an export is meant to be shared, and must not show the user's folders.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from tracks import schema
from tracks.altitude import height_ft
from tracks.errors import TracksError
from tracks.paths import public_name
from tracks.track import Track, Traffic
from tracks.units import ft_to_m

FORMATS = ("kml", "geojson", "csv", "parquet")


def export(table: Track | Traffic, path: str | Path, to: str | None = None) -> Path:
    """Write `table` to `path` in format `to` (default: from the file extension). Returns the path."""
    path = Path(path)
    fmt = (to or path.suffix.lstrip(".")).lower()
    if fmt == "json":
        fmt = "geojson"
    if fmt not in FORMATS:
        raise TracksError(f"{path}: cannot export to {fmt!r}; choose one of {', '.join(FORMATS)}")
    base = path.resolve().parent
    if fmt in ("csv", "parquet"):
        out = public_files(table.data, base)
        if fmt == "csv":
            out["time"] = out["time"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            for name in out.columns:
                if out[name].dtype == schema.STRING_DTYPE or out[name].dtype == object:
                    out[name] = spreadsheet_safe(out[name])
            out.to_csv(path, index=False)
        else:
            out.to_parquet(path, index=False)
    elif fmt == "geojson":
        path.write_text(json.dumps(to_geojson(table), ensure_ascii=False))
    else:
        path.write_text(to_kml(table, base), encoding="utf-8")
    return path


def public_files(data: pd.DataFrame, base: Path | None) -> pd.DataFrame:
    """A shallow copy of `data` whose `file` column names files as `tracks.paths.public_name` does."""
    out = data.copy(deep=False)
    files = data["file"]
    names = {f: public_name(f, base) for f in files.dropna().unique().tolist()}
    out["file"] = files.map(names).astype(files.dtype)
    return out


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: pd.Series) -> pd.Series:
    """Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return: a
    callsign or file name from someone else's data) prefixed with an apostrophe, as OWASP recommends; the
    apostrophe shows the text is quoted. Only text columns go through here: numbers (a negative longitude) stay
    numbers."""
    as_text = text.astype(schema.STRING_DTYPE)
    risky = as_text.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
    if not risky.any():
        return text
    out = as_text.copy()
    out[risky] = "'" + as_text[risky]
    return out


def _groups(table: Track | Traffic) -> list[pd.DataFrame]:
    return [g for _, g in table.data.groupby("icao24", sort=True)] if len(table) else []


def _iso(times: pd.Series) -> list[str]:
    return times.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").str.replace(r"\.(\d{3})\d{3}Z$", r".\1Z", regex=True).tolist()


def _alt_m(g: pd.DataFrame) -> np.ndarray:
    return ft_to_m(np.nan_to_num(height_ft(g), nan=0.0))


def to_geojson(table: Track | Traffic) -> dict[str, object]:
    """A FeatureCollection: one LineString per aircraft with `times` (UTC ISO 8601) and altitudes."""
    features = []
    for g in _groups(table):
        coords = np.column_stack([g["lon"].to_numpy(), g["lat"].to_numpy(), _alt_m(g)]).round(7).tolist()
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "icao24": str(g["icao24"].iloc[0]),
                    "callsign": _first(g["callsign"]),
                    "registration": _first(g["registration"]),
                    "times": _iso(g["time"]),
                    "altitude_unit": "m",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def to_kml(table: Track | Traffic, base: Path | None = None) -> str:
    """KML with one folder per aircraft and per leg, gaps as breaks, every column per sample (read back by
    `tracks.load`); see `tracks.formats.tracks_kml`. Sources named relative to `base`."""
    from tracks.formats.tracks_kml import to_kml as write_kml

    return write_kml(table, base)


def _first(s: pd.Series) -> str:
    s = s.dropna()
    return str(s.iloc[0]) if len(s) else ""
