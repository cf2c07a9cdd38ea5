"""Many decoded readsb traces -> one Arrow table, built once for the whole batch (not one frame per file).

Used by `tracks.load` for folders of many trace files and by the history ingest. The values are those of
`readsb_trace.decode` (the one decoding of traces); rows with impossible values are rejected by the loader's
rules (`tracks.loader.impossible`, passed in to keep the import one way) and returned with their reasons.
Not a format module (the leading underscore keeps it out of format discovery).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from tracks import schema
from tracks.formats.readsb_trace import TraceColumns

_SOURCES = pa.array(list(schema.SOURCE_TYPES), pa.string())
_UTC_NS = pa.timestamp("ns", tz="UTC")
Rules = Callable[[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]], list[tuple[np.ndarray, str]]]


@dataclass
class TraceBatch:
    """`table`: canonical columns plus `db_flags` and `aircraft_type` (Arrow types of schema.ARROW_SCHEMA).
    Per trace: points read, kept, and rejected reasons (counts). `rejected`: every rejected point as
    (trace number, record, reason, values as text)."""

    table: pa.Table
    read: list[int]
    kept: list[int]
    reasons: list[Counter[str]]
    rejected: list[tuple[int, int, str, str]] = field(default_factory=list)


def trace_batch(decoded: list[TraceColumns], files: list[str], rules: Rules) -> TraceBatch:
    """One table for `decoded` traces read from `files` (the `file` column); impossible rows rejected."""
    lengths = np.array([len(c.record) for c in decoded], dtype=np.int64)
    reasons = [Counter(reason for _, reason, _ in c.rejected) for c in decoded]
    rejected = [(k, rec, reason, values) for k, c in enumerate(decoded) for rec, reason, values in c.rejected]
    read = [c.records_read for c in decoded]
    if not len(decoded) or not lengths.sum():
        return TraceBatch(schema.ARROW_SCHEMA.empty_table(), read, [0] * len(decoded), reasons, rejected)
    owner = np.repeat(np.arange(len(decoded)), lengths)

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(c, name) for c in decoded])

    def per_trace(values: list[Any], type_: pa.DataType) -> pa.Array:
        return pa.array(values, type_).take(pa.array(owner))

    ns, lat, lon = cat("time_ns"), cat("lat"), cat("lon")
    values = {k: cat(k) for k in ("alt_baro_ft", "alt_geom_ft", "gs_kt", "track_deg", "vrate_fpm")}
    checks = rules(ns, lat, lon, values)
    bad = np.logical_or.reduce([m for m, _ in checks])
    ground_known = cat("on_ground_known")
    table = pa.table({
        "time": pa.array(np.where(bad, 0, ns) if bad.any() else ns, pa.int64()).cast(_UTC_NS),
        "icao24": per_trace([c.icao for c in decoded], pa.string()),
        "callsign": pa.concat_arrays([c.callsign for c in decoded]),
        "registration": per_trace([c.registration for c in decoded], pa.string()),
        "lat": lat, "lon": lon, "alt_baro_ft": values["alt_baro_ft"], "alt_geom_ft": values["alt_geom_ft"],
        "on_ground": pa.array(cat("on_ground"), mask=~ground_known),
        "gs_kt": values["gs_kt"], "track_deg": values["track_deg"], "vrate_fpm": values["vrate_fpm"],
        "squawk": pa.concat_arrays([c.squawk for c in decoded]),
        "source": pa.DictionaryArray.from_arrays(pa.array(cat("source"), pa.int8()), _SOURCES),
        "stale": cat("stale"), "new_leg": cat("new_leg"),
        "file": per_trace(files, pa.string()),
        "record": cat("record"),
        "db_flags": per_trace([c.db_flags for c in decoded], pa.int16()),
        "aircraft_type": per_trace([c.aircraft_type for c in decoded], pa.string()),
    }, schema=schema.ARROW_SCHEMA)
    kept = lengths.copy()
    if bad.any():  # each row counted once, under the first rule it fails (as the loader does)
        why = np.select([m for m, _ in checks], [r for _, r in checks], default="")
        rows = np.flatnonzero(bad)
        kept -= np.bincount(owner[rows], minlength=len(decoded))
        records = cat("record")
        for i in rows.tolist():
            k = int(owner[i])
            reasons[k][str(why[i])] += 1
            when = "NaT" if ns[i] == np.iinfo(np.int64).min else str(pd.Timestamp(int(ns[i]), tz="UTC"))
            extra = "".join(f", {name}={v[i]}" for name, v in values.items() if np.isinf(v[i]))
            rejected.append((k, int(records[i]), str(why[i]), f"time={when}, lat={lat[i]}, lon={lon[i]}{extra}"))
        table = table.filter(pa.array(~bad))
    return TraceBatch(table, read, kept.tolist(), reasons, rejected)
