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


def trace_batch(c: TraceColumns, files: list[str], rules: Rules) -> TraceBatch:
    """One table for the traces decoded together in `c` (readsb_trace.decode_many), read from `files` (the
    `file` column, one per trace); impossible rows rejected."""
    heads = c.headers
    lengths = c.lengths
    reasons = [Counter(reason for _, reason, _ in h.rejected) for h in heads]
    rejected = [(k, rec, reason, values) for k, h in enumerate(heads) for rec, reason, values in h.rejected]
    read = [h.records_read for h in heads]
    if not len(heads) or not lengths.sum():
        return TraceBatch(schema.ARROW_SCHEMA.empty_table(), read, [0] * len(heads), reasons, rejected)
    owner = np.repeat(np.arange(len(heads)), lengths)

    def per_trace(values: list[Any], type_: pa.DataType) -> pa.Array:
        return pa.array(values, type_).take(pa.array(owner))

    ns, lat, lon = c.time_ns, c.lat, c.lon
    values = {k: getattr(c, k) for k in ("alt_baro_ft", "alt_geom_ft", "gs_kt", "track_deg", "vrate_fpm")}
    checks = rules(ns, lat, lon, values)
    bad = np.logical_or.reduce([m for m, _ in checks])
    table = pa.table({
        "time": pa.array(np.where(bad, 0, ns) if bad.any() else ns, pa.int64()).cast(_UTC_NS),
        "icao24": per_trace([h.icao for h in heads], pa.string()),
        "callsign": c.callsign,
        "registration": per_trace([h.registration for h in heads], pa.string()),
        "lat": lat, "lon": lon, "alt_baro_ft": values["alt_baro_ft"], "alt_geom_ft": values["alt_geom_ft"],
        "on_ground": pa.array(c.on_ground, mask=~c.on_ground_known),
        "gs_kt": values["gs_kt"], "track_deg": values["track_deg"], "vrate_fpm": values["vrate_fpm"],
        "squawk": c.squawk,
        "source": pa.DictionaryArray.from_arrays(pa.array(c.source, pa.int8()), _SOURCES),
        "stale": c.stale, "new_leg": c.new_leg,
        "file": per_trace(files, pa.string()),
        "record": c.record,
        "db_flags": per_trace([h.db_flags for h in heads], pa.int16()),
        "aircraft_type": per_trace([h.aircraft_type for h in heads], pa.string()),
    }, schema=schema.ARROW_SCHEMA)
    kept = lengths.copy()
    if bad.any():  # each row counted once, under the first rule it fails (as the loader does)
        why = np.select([m for m, _ in checks], [r for _, r in checks], default="")
        rows = np.flatnonzero(bad)
        kept -= np.bincount(owner[rows], minlength=len(heads))
        for i in rows.tolist():
            k = int(owner[i])
            reasons[k][str(why[i])] += 1
            when = "NaT" if ns[i] == np.iinfo(np.int64).min else str(pd.Timestamp(int(ns[i]), tz="UTC"))
            extra = "".join(f", {name}={v[i]}" for name, v in values.items() if np.isinf(v[i]))
            rejected.append((k, int(c.record[i]), str(why[i]), f"time={when}, lat={lat[i]}, lon={lon[i]}{extra}"))
        table = table.filter(pa.array(~bad))
    return TraceBatch(table, read, kept.tolist(), reasons, rejected)
