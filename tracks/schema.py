"""The canonical track table: columns, dtypes, units and null rules.

Every loader produces exactly these columns (in this order) and nothing downstream reads anything else.
`docs/schema.md` documents the same table for people; `tests/test_schema.py` fails when the two drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

#: Position source types (readsb's ``type`` values folded into a short vocabulary).
SOURCE_TYPES: tuple[str, ...] = (
    "adsb",  # ADS-B from the aircraft itself (adsb_icao, adsb_icao_nt, adsb_other)
    "mlat",  # multilateration computed by the network: less precise, often sparse
    "tisb",  # TIS-B rebroadcast by ground stations
    "adsr",  # ADS-R rebroadcast (UAT <-> 1090)
    "adsc",  # ADS-C (satellite / oceanic contract reports)
    "modes",  # Mode S without position source information
    "estimated",  # estimated by the data provider (e.g. FR24 'estimated', OpenSky stale fill)
    "other",  # a source type the exporter names but that fits none of the above
    "unknown",  # the export says nothing about the source
)

#: pandas >= 3 (or copy-on-write switched on) never lets a frame alias-write into another, so `conform` can
#: reuse column arrays instead of copying them into consolidated blocks (a large saving on big tables).
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3 or bool(pd.options.mode.copy_on_write)

#: The `icao24` of rows whose file gives no ICAO address (FR24 CSV, FlightAware KML): "unknown", not an address.
UNKNOWN_ICAO24 = "000000"
#: An `icao24` value: the 24-bit address as six lowercase hex digits, with readsb's '~' before addresses that
#: are not ICAO-assigned (TIS-B, anonymised). The one pattern readers, case files, fetch and the database check.
ICAO24_PATTERN = r"~?[0-9a-f]{6}"
_ICAO24 = re.compile(ICAO24_PATTERN)

SOURCE_DTYPE = pd.CategoricalDtype(list(SOURCE_TYPES), ordered=False)
STRING_DTYPE = pd.StringDtype()
TIME_DTYPE = pd.DatetimeTZDtype(unit="ns", tz="UTC")
#: Plausible times, for track samples and for the times a case file names: no ADS-B export predates 1980, and
#: nanosecond timestamps end in 2262. Track samples outside are rejected at load; case times outside are refused.
EARLIEST_TIME = pd.Timestamp("1980-01-01", tz="UTC")
LATEST_TIME = pd.Timestamp("2262-04-11", tz="UTC")


@dataclass(frozen=True)
class Column:
    """One column of the canonical table."""

    name: str
    dtype: object
    unit: str
    nulls: str
    description: str

    @property
    def dtype_name(self) -> str:
        """The dtype as written in docs/schema.md."""
        return str(self.dtype)


COLUMNS: tuple[Column, ...] = (
    Column("time", TIME_DTYPE, "UTC", "never", "Time of the position (not of message reception when they differ)."),
    Column("icao24", STRING_DTYPE, "-", "never (\"000000\" when unknown)",
           "ICAO 24-bit address, lowercase 6 hex digits; non-ICAO addresses keep readsb's '~' prefix."),
    Column("callsign", STRING_DTYPE, "-", "<NA> when not known", "Flight identification, stripped of padding."),
    Column("registration", STRING_DTYPE, "-", "<NA> when not known", "Registration (tail number) if the export gives it."),
    Column("lat", "float64", "degree", "never", "WGS84 latitude, -90..90."),
    Column("lon", "float64", "degree", "never", "WGS84 longitude, -180..180."),
    Column("alt_baro_ft", "float64", "ft", "NaN = unknown", "Barometric altitude (pressure altitude, 1013.25 hPa)."),
    Column("alt_geom_ft", "float64", "ft", "NaN = unknown", "Geometric (GNSS, WGS84 ellipsoid) altitude."),
    Column("on_ground", "boolean", "-", "<NA> = unknown", "True when the export says the aircraft is on the ground."),
    Column("gs_kt", "float64", "kt", "NaN = unknown", "Ground speed."),
    Column("track_deg", "float64", "degree", "NaN = unknown", "Track over ground, true north, 0..360 (heading on ground)."),
    Column("vrate_fpm", "float64", "ft/min", "NaN = unknown", "Vertical rate, positive up."),
    Column("squawk", STRING_DTYPE, "-", "<NA> when not known", "Mode A code, four octal digits as text."),
    Column("source", SOURCE_DTYPE, "-", "never (\"unknown\")", "How the position was obtained; see SOURCE_TYPES."),
    Column("stale", "bool", "-", "never", "Position is old or follows a period without reliable position (readsb flag 1, OpenSky lastposupdate)."),
    Column("new_leg", "bool", "-", "never", "The exporter marks a new flight leg starting here (readsb flag 2)."),
    Column("file", STRING_DTYPE, "-", "never", "Path (or URL) of the file the row was read from; matches a Source.path."),
    Column("record", "int64", "-", "never", "0-based index of the record in its file (array index for JSON, data row for CSV/text)."),
)

#: Measured values that are finite when given (NaN = unknown; ±inf, e.g. JSON `Infinity` or `1e400`, is a corrupt
#: record, rejected at load).
FINITE_COLUMNS: tuple[str, ...] = ("alt_baro_ft", "alt_geom_ft", "gs_kt", "track_deg", "vrate_fpm")
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)

#: The canonical columns as Arrow types (batch tables, the history dataset's Parquet files), followed by the
#: readsb database fields the history dataset keeps: `db_flags` (1 military, 2 interesting, 4 PIA, 8 LADD)
#: and `aircraft_type` (readsb `t`). Those two are not part of the track table.
ARROW_SCHEMA = pa.schema([
    ("time", pa.timestamp("ns", tz="UTC")), ("icao24", pa.string()), ("callsign", pa.string()),
    ("registration", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()), ("alt_baro_ft", pa.float64()),
    ("alt_geom_ft", pa.float64()), ("on_ground", pa.bool_()), ("gs_kt", pa.float64()), ("track_deg", pa.float64()),
    ("vrate_fpm", pa.float64()), ("squawk", pa.string()), ("source", pa.dictionary(pa.int8(), pa.string())),
    ("stale", pa.bool_()), ("new_leg", pa.bool_()), ("file", pa.string()), ("record", pa.int64()),
    ("db_flags", pa.int16()), ("aircraft_type", pa.string()),
])
assert tuple(ARROW_SCHEMA.names[: len(COLUMN_NAMES)]) == COLUMN_NAMES
_BY_NAME = {c.name: c for c in COLUMNS}


def column(name: str) -> Column:
    """The schema entry for `name` (KeyError for unknown columns)."""
    return _BY_NAME[name]


def empty_frame() -> pd.DataFrame:
    """A zero-row table with the canonical columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series([], dtype=c.dtype) for c in COLUMNS})


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with exactly the canonical columns, in order, with canonical dtypes.

    Missing columns are added with their null value; extra columns are dropped. The input is not modified.
    Defaults: ``source`` 'unknown', ``stale``/``new_leg`` False, ``icao24`` '000000', ``record`` 0..n-1.
    """
    n = len(frame)
    out: dict[str, pd.Series | np.ndarray] = {}
    index = pd.RangeIndex(n)
    for c in COLUMNS:
        if c.name in frame.columns:
            values = frame[c.name].reset_index(drop=True)
        elif c.name in ("stale", "new_leg"):
            values = pd.Series(np.zeros(n, dtype=bool))
        elif c.name == "source":
            values = pd.Series(["unknown"] * n)
        elif c.name == "icao24":
            values = pd.Series([UNKNOWN_ICAO24] * n)
        elif c.name == "record":
            values = pd.Series(np.arange(n, dtype="int64"))
        elif c.name == "file":
            values = pd.Series([""] * n)
        elif c.dtype == "float64":
            values = pd.Series(np.full(n, np.nan))
        else:
            values = pd.Series([pd.NA] * n, dtype="object")
        out[c.name] = _cast(values, c)
    return pd.DataFrame(out, index=index, copy=False if _COPY_ON_WRITE else None)


def _cast(values: pd.Series, c: Column) -> pd.Series:
    if values.dtype == c.dtype:
        return values  # already canonical (fast path for large tables)
    if c.name == "time":
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            return values.dt.tz_convert("UTC").astype(TIME_DTYPE)
        return pd.to_datetime(values, utc=True).astype(TIME_DTYPE)
    if c.dtype == "bool":
        return values.fillna(False).astype(bool)
    if c.dtype == "boolean":
        return values.astype("boolean")
    if c.dtype == "float64":
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if c.dtype == "int64":
        return values.astype("int64")
    if isinstance(c.dtype, pd.CategoricalDtype):
        return values.astype(str).astype(c.dtype)
    return values.astype(c.dtype)


def check(frame: pd.DataFrame) -> list[str]:
    """Every way in which `frame` departs from the schema (empty list = conforms)."""
    problems: list[str] = []
    if tuple(frame.columns) != COLUMN_NAMES:
        problems.append(f"columns {list(frame.columns)} != {list(COLUMN_NAMES)}")
    for c in COLUMNS:
        if c.name not in frame.columns:
            continue
        got = frame[c.name].dtype
        if str(got) != str(c.dtype) and got != c.dtype:
            problems.append(f"{c.name}: dtype {got} != {c.dtype}")
    if not problems and len(frame):
        if frame["time"].isna().any():
            problems.append("time has nulls")
        if frame["lat"].isna().any() or not frame["lat"].between(-90, 90).all():
            problems.append("lat null or outside -90..90")
        if frame["lon"].isna().any() or not frame["lon"].between(-180, 180).all():
            problems.append("lon null or outside -180..180")
        bad_hex = ~icao_hex_mask(frame["icao24"])
        if bad_hex.any():
            problems.append(f"icao24 not lowercase 6-hex: {frame.loc[bad_hex, 'icao24'].unique()[:5].tolist()}")
        if frame["source"].isna().any():
            problems.append("source has nulls")
        infinite = [c for c in FINITE_COLUMNS if np.isinf(frame[c].to_numpy()).any()]
        if infinite:
            problems.append(f"infinite values in {', '.join(infinite)}")
    return problems


# -- the ICAO address rule ---------------------------------------------------------------------------------------


def is_icao_hex(text: object) -> bool:
    """True for an `icao24` value in canonical form: '0d8373', '~1a2b3c' (six lowercase hex digits, '~' for
    non-ICAO addresses); False for anything else, upper case and '0x' included (see `parse_icao24`)."""
    return isinstance(text, str) and _ICAO24.fullmatch(text) is not None


def parse_icao24(text: object) -> str | None:
    """An address as people and files write it (' 0D8373', '0x0d8373', '~1A2B3C') in canonical form, or None
    when it is not one (wrong length, not hex, not text)."""
    if not isinstance(text, str):
        return None
    code = text.strip().lower().removeprefix("0x")
    return code if _ICAO24.fullmatch(code) else None


def parse_icao_prefix(text: object) -> str | None:
    """The start of an address ('ae', '0D8', '~1a') in canonical form: what `parse_icao24` accepts, cut after
    1..6 hex digits ('~' alone: every non-ICAO address); None when no address starts so."""
    if not isinstance(text, str):
        return None
    code = text.strip().lower().removeprefix("0x")
    digits = len(code.removeprefix("~"))
    if not code or digits > 6:
        return None
    return code if _ICAO24.fullmatch(code + "0" * (6 - digits)) else None


def icao_hex_mask(values: pd.Series) -> np.ndarray:
    """`is_icao_hex` of every value of a string Series, as a numpy bool array (missing -> False)."""
    return values.astype(STRING_DTYPE).str.fullmatch(ICAO24_PATTERN).fillna(False).to_numpy(dtype=bool)


def is_icao_assigned(values: pd.Series) -> np.ndarray:
    """Per value: an address from an ICAO block (canonical, not '~'-prefixed, not UNKNOWN_ICAO24), whose block
    names a State of registry (tracks.aircraft)."""
    text = values.astype(STRING_DTYPE)
    return icao_hex_mask(text) & ~text.str.startswith("~").fillna(False).to_numpy(dtype=bool) & \
        (text != UNKNOWN_ICAO24).fillna(False).to_numpy(dtype=bool)
