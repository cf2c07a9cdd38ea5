"""Time parsing shared by the text formats (FR24, KML, GPX, GeoJSON, generic tables).

Every function returns tz-aware UTC times with NaT where a value cannot be read, plus the reason for each
unreadable value, so readers can reject those records with a reason instead of guessing. Times without a zone
are refused unless the format defines them as UTC or the caller names the zone (`tz=`): a naive time in a
generic file may be local time, and guessing UTC would silently shift the track by hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracks.errors import TrackFormatError

#: Text values that mean "no value" in exports (compared case-insensitively after stripping).
NULL_TOKENS: frozenset[str] = frozenset({"", "na", "n/a", "nan", "null", "none", "nat", "-", "--"})

#: Epoch magnitudes: a value below EPOCH_MIN_S seconds (1980-01-01) is not a plausible recorded time.
EPOCH_MIN_S = 315_532_800.0
_UNIT_SCALE = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}
_ZONE_PATTERN = r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"
# the canonical time column is datetime64[ns]: it holds 1677-09-21 .. 2262-04-11
_NS_MIN = pd.Timestamp("1677-09-22", tz="UTC")
_NS_MAX = pd.Timestamp("2262-04-10", tz="UTC")


def _bounded(times: pd.Series, reasons: np.ndarray, column: str) -> tuple[pd.Series, np.ndarray]:
    """NaT plus a reason for times the canonical datetime64[ns] column cannot hold (year 3025 from a typo)."""
    t = times.reset_index(drop=True)
    out = ((t < _NS_MIN) | (t > _NS_MAX)).fillna(False).to_numpy(dtype=bool)
    if out.any():
        reasons = reasons.copy()
        reasons[out & (reasons == "")] = f"time in {column!r} outside 1677..2262"
        t = t.mask(out)
    return t, reasons


def clean_text(values: pd.Series) -> pd.Series:
    """Strings stripped of blanks, with the NULL_TOKENS turned into <NA> (dtype 'string')."""
    text = values.astype("string").str.strip()
    return text.mask(text.str.lower().isin(NULL_TOKENS))


def epoch_unit(values: np.ndarray) -> str:
    """'s', 'ms', 'us' or 'ns' for a Unix-epoch number, by magnitude (array of the same shape, '' for NaN)."""
    a = np.abs(np.asarray(values, dtype="float64"))
    out = np.full(a.shape, "", dtype=object)
    out[a < 1e11] = "s"
    out[(a >= 1e11) & (a < 1e14)] = "ms"
    out[(a >= 1e14) & (a < 1e17)] = "us"
    out[a >= 1e17] = "ns"
    out[np.isnan(a)] = ""
    return out


def from_epoch(values: np.ndarray, unit: str) -> pd.Series:
    """Unix-epoch numbers in `unit` ('s', 'ms', 'us', 'ns') -> UTC times, rounded to the microsecond (NaT for NaN)."""
    if unit not in _UNIT_SCALE:
        raise ValueError(f"unknown epoch unit {unit!r}")
    arr = np.asarray(values)
    if arr.dtype.kind in "iu" and unit in ("us", "ns"):
        return pd.Series(pd.to_datetime(arr.astype("int64"), unit=unit, utc=True))
    f = arr.astype("float64")
    us = np.round(f * (1e6 / _UNIT_SCALE[unit]))
    ok = np.isfinite(us) & (np.abs(us) < 9.2e15)  # inside datetime64[us] range with margin
    out = np.full(len(f), np.iinfo("int64").min, dtype="int64")  # NaT
    out[ok] = us[ok].astype("int64")
    return pd.Series(pd.to_datetime(out.view("datetime64[us]"), utc=True))


def epoch_times(values: np.ndarray, *, path: str, column: str, unit: str | None = None) -> tuple[pd.Series, np.ndarray]:
    """Unix-epoch numbers -> (UTC times, reasons). The unit is `unit` or detected from the column's magnitude.

    Rows whose magnitude says another unit than the column's, or that fall before 1980, get a reason (and
    NaT) instead of becoming a time decades off. A column of small numbers (relative seconds) is refused.
    """
    f = np.asarray(values, dtype="float64")
    reasons = np.full(len(f), "", dtype=object)
    finite = np.isfinite(f)
    if unit is None:
        if not finite.any():
            return pd.Series(pd.NaT, index=range(len(f)), dtype="datetime64[us, UTC]"), reasons
        med = float(np.median(np.abs(f[finite])))
        if med < EPOCH_MIN_S:
            raise TrackFormatError(
                path, f"column {column!r} holds numbers around {med:g}, which are not Unix epoch times (before 1980)",
                expected="Unix seconds or milliseconds, ISO 8601 text, or time_unit=... for epoch values",
            )
        unit = str(epoch_unit(np.array([med]))[0])
    elif unit not in _UNIT_SCALE:
        raise TrackFormatError(path, f"time_unit {unit!r} not understood", expected="one of 's', 'ms', 'us', 'ns'")
    row_unit = epoch_unit(f)
    seconds = f / _UNIT_SCALE[unit]
    early = finite & ((np.abs(f) < EPOCH_MIN_S) | ((row_unit == unit) & (np.abs(seconds) < EPOCH_MIN_S)))
    wrong = finite & ~early & (row_unit != unit)
    reasons[wrong] = f"epoch value magnitude differs from the column {column!r} (which is in {unit})"
    reasons[early] = f"epoch value in column {column!r} is before 1980 (a placeholder, not a time)"
    f = np.where(wrong | early, np.nan, f)
    return _bounded(from_epoch(f, unit), reasons, column)


def iso_times(
    text: pd.Series,
    *,
    path: str,
    column: str,
    tz: str | None = None,
    naive_is_utc: bool = False,
    records: np.ndarray | None = None,
) -> tuple[pd.Series, np.ndarray]:
    """ISO 8601 text -> (UTC times, reasons). '...Z', '+hh:mm' and a trailing ' UTC' are understood.

    Times without a zone are UTC only when `naive_is_utc` (the format says so, e.g. GPX) or when `tz` names
    their zone; otherwise TrackFormatError naming the first such record.
    """
    t = clean_text(text.reset_index(drop=True))
    t = t.str.replace(r"\s*(?:UTC|GMT)$", "Z", regex=True)
    present = t.notna().to_numpy()
    zoned = t.str.contains(_ZONE_PATTERN, regex=True).fillna(False).to_numpy(dtype=bool)
    naive = present & ~zoned
    out = pd.Series(pd.NaT, index=t.index, dtype="datetime64[us, UTC]")
    if zoned.any():
        out[zoned] = pd.to_datetime(t[zoned], utc=True, format="ISO8601", errors="coerce")
    if naive.any():
        local = pd.to_datetime(t[naive], format="ISO8601", errors="coerce")
        if isinstance(local.dtype, pd.DatetimeTZDtype):  # cannot happen for text without a zone; be safe
            local = local.dt.tz_convert(None)
        readable = local.notna().to_numpy()
        if readable.any() and tz is None and not naive_is_utc:
            i = int(np.flatnonzero(naive)[np.flatnonzero(readable)[0]])
            rec = int(records[i]) if records is not None else i
            raise TrackFormatError(
                path, f"the time {t.iloc[i]!r} in {column!r} has no time zone",
                where=f"record {rec}",
                expected="ISO 8601 with 'Z' or an offset; or pass tz='UTC' (or the zone the times are in)",
            )
        zone = "UTC" if tz is None else tz
        try:
            local = local.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
        except Exception as e:  # unknown zone name (pytz/zoneinfo errors differ)
            raise TrackFormatError(path, f"unknown time zone tz={tz!r} ({type(e).__name__})",
                                   expected="an IANA zone name such as 'America/Caracas' or 'UTC'") from None
        out[naive] = local
    reasons = np.full(len(t), "", dtype=object)
    bad = present & out.isna().to_numpy()
    reasons[bad] = f"unreadable time in {column!r}" + (" (or not existing / ambiguous in the local zone)" if tz else "")
    return _bounded(out, reasons, column)


def to_utc(
    values: pd.Series,
    *,
    path: str,
    column: str,
    tz: str | None = None,
    time_unit: str | None = None,
    naive_is_utc: bool = False,
    records: np.ndarray | None = None,
) -> tuple[pd.Series, np.ndarray]:
    """Any time column (datetime, epoch numbers, numeric text, ISO text) -> (UTC times, reasons)."""
    v = values.reset_index(drop=True)
    if isinstance(v.dtype, pd.DatetimeTZDtype):
        return _bounded(v.dt.tz_convert("UTC"), np.full(len(v), "", dtype=object), column)
    if pd.api.types.is_datetime64_dtype(v.dtype):
        if tz is None and not naive_is_utc:
            first = int(records[0]) if records is not None and len(records) else 0
            raise TrackFormatError(
                path, f"the times in {column!r} have no time zone", where=f"record {first}",
                expected="UTC timestamps, or tz='UTC' (or the zone the times are in)",
            )
        try:
            local = v.dt.tz_localize(tz or "UTC", ambiguous="NaT", nonexistent="NaT")
        except Exception as e:
            raise TrackFormatError(path, f"unknown time zone tz={tz!r} ({type(e).__name__})",
                                   expected="an IANA zone name such as 'America/Caracas' or 'UTC'") from None
        out = local.dt.tz_convert("UTC")
        reasons = np.full(len(v), "", dtype=object)
        reasons[out.isna().to_numpy() & v.notna().to_numpy()] = f"local time in {column!r} ambiguous or not existing in {tz}"
        return _bounded(out, reasons, column)
    if pd.api.types.is_bool_dtype(v.dtype):
        raise TrackFormatError(path, f"column {column!r} holds booleans, not times")
    if pd.api.types.is_numeric_dtype(v.dtype):
        return epoch_times(v.to_numpy(dtype="float64", na_value=np.nan), path=path, column=column, unit=time_unit)
    text = clean_text(v)
    nums = pd.to_numeric(text, errors="coerce")
    numeric = nums.notna().to_numpy()
    present = text.notna().to_numpy()
    if present.any() and (numeric | ~present).all():
        return epoch_times(nums.to_numpy(dtype="float64", na_value=np.nan), path=path, column=column, unit=time_unit)
    times, reasons = iso_times(text.where(~numeric), path=path, column=column, tz=tz, naive_is_utc=naive_is_utc,
                               records=records)
    if numeric.any():  # a column mixing epoch numbers and ISO text (e.g. GeoJSON from several converters)
        epoch, epoch_reasons = epoch_times(np.where(numeric, nums.to_numpy(dtype="float64", na_value=np.nan), np.nan),
                                           path=path, column=column, unit=time_unit)
        times = times.where(~numeric, epoch)
        reasons = np.where(numeric, epoch_reasons, reasons)
    return times, reasons
