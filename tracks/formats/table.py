"""Generic tables: CSV (any of , ; TAB |) and Parquet with a header, mapped to canonical columns by name.

Recognised names (after lower-casing; see tracks/formats/_columns.py): lat/latitude, lon/lng/long/longitude,
time/timestamp/datetime/utc, icao24/icao/hex, callsign/flight, registration, squawk, track/heading,
altitude columns whose name says the unit (alt_ft, altitude_m, "Altitude (ft)", geoaltitude_m), speeds and
vertical rates with a unit (speed_kt, gs_ms, vrate_fpm), and the canonical column names themselves (so a
table written from a Track loads back unchanged). Times: Unix seconds or milliseconds (by magnitude), or
ISO 8601; times without a zone need ``tz=`` unless the column name says UTC.

Options: ``columns={"MyLat": "lat", "Alt": "alt_baro_m", "junk": None}``, ``alt_unit="ft"|"m"`` for an
altitude column without a unit, ``tz="America/Caracas"`` for local times, ``time_unit="s"|"ms"|"us"|"ns"``,
``icao24=`` / ``callsign=`` when the table has no such column, ``delimiter=`` (CSV).
The CSV sniffer accepts a header with recognisable latitude and longitude names; for other headers pass
``format="csv", columns={...}``. Both formats sniff last (priority 90+), after every specific format.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tracks.errors import TrackFormatError
from tracks.formats._columns import _NAMES, apply_plan, normalise, plan_columns
from tracks.formats._tabular import first_line, header_cells, read_delimited, sniff_delimiter
from tracks.formats.base import Format, Parsed, RawFile


def sniff_csv(raw: RawFile) -> bool:
    line = first_line(raw)
    if not line or line[0] in "<{[":
        return False
    keys = {normalise(c) for c in header_cells(line, sniff_delimiter(line))}
    return bool(keys & set(_NAMES["lat"])) and bool(keys & set(_NAMES["lon"]))


def _identifier(name: str) -> bool:
    """Columns kept as text: identifiers that pyarrow would read as numbers ('0x8467d8', '1e5000', '0416')."""
    key = normalise(name)
    return any(key in _NAMES[t] for t in ("icao24", "callsign", "registration", "squawk"))


def read_csv(
    raw: RawFile,
    *,
    columns: dict[str, str | None] | None = None,
    alt_unit: str | None = None,
    tz: str | None = None,
    time_unit: str | None = None,
    icao24: str | None = None,
    callsign: str | None = None,
    delimiter: str | None = None,
) -> Parsed:
    """A delimited text table with a header line (read with pyarrow.csv)."""
    t = read_delimited(raw, delimiter=delimiter, typed=True, text_columns=_identifier)
    frame = t.frame
    plan = plan_columns(list(frame.columns), path=raw.path, columns=columns, alt_unit=alt_unit)
    out, rej = apply_plan(frame, plan, path=raw.path, records=t.records, tz=tz, time_unit=time_unit,
                          icao24=icao24, callsign=callsign)
    kept, rejected = rej.split(out, t.records, shown=frame[plan.sources])
    return Parsed(kept, records_read=len(frame) + len(t.rejected), rejected=t.rejected + rejected, note=plan.note())


def sniff_parquet(raw: RawFile) -> bool:
    return raw.data[:4] == b"PAR1" and raw.data[-4:] == b"PAR1"


def read_parquet(
    raw: RawFile,
    *,
    columns: dict[str, str | None] | None = None,
    alt_unit: str | None = None,
    tz: str | None = None,
    time_unit: str | None = None,
    icao24: str | None = None,
    callsign: str | None = None,
) -> Parsed:
    """A Parquet table; only the mapped columns are read."""
    try:
        pf = pq.ParquetFile(pa.BufferReader(raw.data))
        names = list(pf.schema_arrow.names)
    except (pa.ArrowException, OSError, ValueError) as e:
        raise TrackFormatError(raw.path, f"unreadable Parquet ({e})", expected="a complete Parquet file") from None
    plan = plan_columns(names, path=raw.path, columns=columns, alt_unit=alt_unit)
    try:
        frame = pf.read(columns=plan.sources).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as e:
        raise TrackFormatError(raw.path, f"unreadable Parquet data ({e})", expected="a complete Parquet file") from None
    records = np.arange(len(frame), dtype="int64")
    out, rej = apply_plan(frame, plan, path=raw.path, records=records, tz=tz, time_unit=time_unit,
                          icao24=icao24, callsign=callsign)
    kept, rejected = rej.split(out, records, shown=frame[plan.sources])
    return Parsed(kept, records_read=len(frame), rejected=rejected, note=plan.note())


FORMATS = [
    Format("parquet", "Generic Parquet table with lat/lon/time columns (column mapping by name or columns=...)",
           sniff_parquet, read_parquet, priority=90),
    Format("csv", "Generic CSV/TSV with a header naming lat/lon/time columns (column mapping by name or columns=...)",
           sniff_csv, read_csv, priority=95),
]
