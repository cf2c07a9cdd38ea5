"""SBS-1 / BaseStation text (TCP port 30003 of dump1090, dump1090-fa, readsb; Virtual Radar Server; ADSBHub).

One CSV line per decoded Mode S message, 22 fields, no header:
``MSG,<1-8>,session,aircraft,HEXIDENT,flight,date_gen,time_gen,date_log,time_log,callsign,altitude,
ground_speed,track,lat,lon,vertical_rate,squawk,alert,emergency,spi,is_on_ground``.

Positions come only from MSG,3 (airborne, with altitude) and MSG,2 (surface). The other messages are merged
per aircraft and carried forward onto its later positions: callsign from MSG,1; ground speed, track and
vertical rate from MSG,4; altitude also from MSG,5 and MSG,7; squawk from MSG,6 (and 5). Numeric values are
carried for at most ``max_carry_s`` seconds (default 60; readsb itself forgets them after about a minute);
callsign and squawk for the whole file. A surface position (MSG,2) is ``on_ground`` with unknown altitude
and only its own speed and track; field 22 gives ``on_ground`` for MSG,3 (-1 ground, 0 airborne).
An ``H`` suffix (readsb) marks a geometric altitude / rate: ``12500H`` goes to ``alt_geom_ft``.
Units are already ft, kt, ft/min. The format does not say how a position was obtained: ``source`` is
``unknown`` (readsb even reuses fields 19-20 for MLAT details).

**Time-zone pitfall.** The date/time fields carry no zone. readsb writes UTC, but dump1090-fa,
dump1090-mutability and Kinetic BaseStation write the *receiver's local time*. The ``tz`` option (an IANA
name such as ``"America/Caracas"``, default ``"UTC"``) says which; a wrong zone shifts every time by whole
hours without any other symptom, so check it against a known event. Times that do not exist or are
ambiguous in that zone (daylight-saving changes) are resolved from the order of the lines when possible,
otherwise rejected with a reason. The message-generated time (fields 7-8) is used; the logged time
(fields 9-10) only when it is missing.

Every non-blank line is a record (``record`` = 0-based line index). Lines without a position are counted in
`rejected` with reason "no position (MSG,n)"; a capture cut off in its last line is rejected as
"incomplete last line". A line that is not BaseStation text, or a MSG line with the wrong number of fields
elsewhere, raises TrackFormatError naming the line.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tracks.errors import TrackFormatError
from tracks.formats.base import Format, Parsed, RawFile, describe_text
from tracks.schema import ICAO24_PATTERN, STRING_DTYPE

N_FIELDS = 22
_NAT = np.iinfo(np.int64).min
_TYPES = ("MSG", "SEL", "ID", "AIR", "STA", "CLK")
_LINE_RE = re.compile(rb"^(MSG|SEL|ID|AIR|STA|CLK),[^,\r\n]*,[^\r\n]*")
_MSG_RE = re.compile(rb"^MSG,[1-8],[^,]*,[^,]*,~?[0-9A-Fa-f]{6},[^,]*,\d{4}[/-]\d\d[/-]\d\d,\d\d:\d\d:\d\d")
_NUMERIC = {11: "altitude", 12: "ground speed", 13: "track", 14: "latitude", 15: "longitude", 16: "vertical rate"}


def sniff(raw: RawFile) -> bool:
    lines = [ln for ln in raw.head.splitlines()[:20] if ln.strip()]
    if len(raw.head) == 4096 and len(lines) > 1:
        lines = lines[:-1]  # the last line of the head may be cut
    return bool(lines) and all(_LINE_RE.match(ln) for ln in lines) and any(_MSG_RE.match(ln) for ln in lines)


def _lines(raw: RawFile) -> pa.ChunkedArray:
    """Every line of the file as one string (CR removed, blank lines kept so that indices are line numbers)."""
    try:
        table = pacsv.read_csv(
            pa.BufferReader(raw.data),
            read_options=pacsv.ReadOptions(column_names=["line"]),
            parse_options=pacsv.ParseOptions(delimiter="\x1f", quote_char=False, escape_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()}, strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as e:
        raise TrackFormatError(raw.path, f"not SBS text ({e})", expected="BaseStation MSG lines (UTF-8 text)") from None
    return table["line"]


def read(raw: RawFile, tz: str = "UTC", max_carry_s: float = 60.0) -> Parsed:
    """Positions from SBS lines, with the other messages' values carried forward; see the module docstring."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise TrackFormatError(raw.path, f"unknown time zone tz={tz!r}", expected='an IANA zone name such as "UTC" or "America/Caracas"') from None
    lines = _lines(raw)
    blank = np.asarray(pc.equal(pc.utf8_trim_whitespace(lines), "").to_numpy(zero_copy_only=False), dtype=bool)
    fields = pc.split_pattern(lines, ",")
    nf = np.asarray(pc.list_value_length(fields).to_numpy(zero_copy_only=False), dtype="int64")
    kind = pc.list_element(fields, 0)
    is_msg = _mask(pc.equal(kind, "MSG"))
    known = _mask(pc.is_in(kind, value_set=pa.array(_TYPES)))
    nonblank = np.flatnonzero(~blank)
    last = int(nonblank[-1]) if len(nonblank) else -1
    cut_last = last >= 0 and not raw.data.rstrip(b" \t").endswith((b"\n", b"\r")) and nf[last] != N_FIELDS
    msg = is_msg & (nf == N_FIELDS) & ~blank
    status = ~blank & ~msg & known & ~is_msg  # SEL, ID, AIR, STA, CLK lines of real BaseStation
    bad = ~blank & ~msg & ~status
    rec_parts: list[np.ndarray] = []
    why_parts: list[list[str]] = []
    if cut_last:
        bad[last] = status[last] = msg[last] = False
        rec_parts.append(np.array([last]))
        why_parts.append(["incomplete last line (capture cut off)"])
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        got = f"{nf[i]} fields instead of {N_FIELDS}" if is_msg[i] else f"not a BaseStation line ({describe_text(_text(lines, i))})"
        raise TrackFormatError(raw.path, got, where=f"line {i + 1}", expected="SBS-1 lines MSG,<type>,... with 22 fields")
    if status.any():
        at = np.flatnonzero(status)
        rec_parts.append(at)
        why_parts.append([f"no position ({k} line)" for k in pc.take(kind, pa.array(at)).to_pylist()])

    idx = np.flatnonzero(msg)
    msg_fields = fields if len(idx) == len(nf) else pc.filter(fields, pa.array(msg))
    frame, recs, whys = _messages(msg_fields, idx, zone, max_carry_s)
    rec_parts.append(recs)
    why_parts.append(whys)
    records = np.concatenate(rec_parts)
    reasons = [w for part in why_parts for w in part]
    order = np.argsort(records, kind="stable")
    records = records[order]
    texts = pc.utf8_slice_codeunits(pc.take(lines, pa.array(records, pa.int64())), 0, 200).to_pylist()
    rejected = list(zip(records.tolist(), [reasons[i] for i in order], texts, strict=True))
    note = f"SBS times read as {tz} (the format carries no zone; dump1090-fa writes the receiver's local time)"
    return Parsed(frame=frame, records_read=len(nonblank), rejected=rejected, note=note)


def _mask(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy (null -> False)."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _text(lines: pa.ChunkedArray, i: int) -> str:
    return str(lines[i].as_py())[:200]


def _numbers(text: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(values, unreadable) of a text field: '' = unknown (NaN); text that is not a number -> NaN and True."""
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    try:
        values = pc.cast(text, pa.float64())
    except pa.ArrowInvalid:  # some value is not a number: find which, slowly
        parsed = pd.to_numeric(pd.Series(text.to_pylist(), dtype=object), errors="coerce")
        out = parsed.to_numpy(dtype="float64", na_value=np.nan)
        present = ~np.asarray(text.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        return out, present & np.isnan(out)
    out = np.asarray(values.to_numpy(zero_copy_only=False), dtype="float64")
    return out, np.zeros(len(out), dtype=bool)


def _messages(fields: pa.ChunkedArray | pa.Array, records: np.ndarray, zone: ZoneInfo,
              max_carry_s: float) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Merge the MSG lines (all with 22 fields) into positions: (positions, rejected records, their reasons)."""
    def field(k: int) -> pa.ChunkedArray:
        return pc.utf8_trim_whitespace(pc.list_element(fields, k))

    n = len(records)
    reasons: list[str] = [""]
    code = np.zeros(n, dtype="int64")  # 0 = usable, else index into `reasons` (the first problem found wins)

    def flag(mask: np.ndarray, text: str) -> None:
        new = mask & (code == 0)
        if new.any():
            reasons.append(text)
            code[new] = len(reasons) - 1

    hexid = pc.utf8_lower(field(4))
    flag(~_mask(pc.match_substring_regex(hexid, f"^{ICAO24_PATTERN}$")), "bad hex ident (expected 6 hex digits)")
    tt, _ = _numbers(field(1))
    values: dict[int, np.ndarray] = {}
    geom: dict[int, np.ndarray] = {}
    for k, name in _NUMERIC.items():
        text = field(k)
        if k in (11, 16):
            geom[k] = _mask(pc.ends_with(text, "H"))
            text = pc.utf8_rtrim(text, characters="H")
        values[k], unreadable = _numbers(text)
        flag(unreadable, f"unreadable {name} (field {k + 1})")
    time_ns = _times(field(6), field(7), field(8), field(9), zone)
    flag(time_ns == _NAT, f"date/time unreadable, or not existing / ambiguous in {zone.key}")
    usable = code == 0
    labels = ["no position (MSG,?)"] + [f"no position (MSG,{k})" for k in range(1, 9)]
    labels[2] = "no position (MSG,2 without latitude/longitude)"
    labels[3] = "no position (MSG,3 without latitude/longitude)"
    tt_int = np.where(np.isin(tt, np.arange(1, 9)), np.nan_to_num(tt), 0).astype("int64")
    has_pos = ~np.isnan(values[14]) & ~np.isnan(values[15])
    is_pos = usable & np.isin(tt_int, (2, 3)) & has_pos
    no_pos = usable & ~is_pos
    rej = np.flatnonzero(~usable | no_pos)
    whys = [reasons[c] if c else labels[t] for c, t in zip(code[rej].tolist(), tt_int[rej].tolist(), strict=True)]

    # per aircraft, in time order: carry callsign/squawk/numbers forward onto the positions
    u = np.flatnonzero(usable)
    hex_codes, hex_values = _alphabetical_codes(hexid)
    order = u[np.lexsort((records[u], time_ns[u], hex_codes[u]))]
    g = hex_codes[order]
    t = time_ns[order]
    m = len(order)
    start = np.zeros(m, dtype=bool)
    start[:1] = True
    start[1:] = g[1:] != g[:-1]
    group_start = np.maximum.accumulate(np.where(start, np.arange(m), 0)) if m else np.zeros(0, dtype="int64")

    def last_valid(valid: np.ndarray) -> np.ndarray:
        """Index (into the sorted rows) of the latest row of the same aircraft where `valid`, else -1."""
        li = np.maximum.accumulate(np.where(valid, np.arange(m), -1)) if m else np.zeros(0, dtype="int64")
        return np.where(li >= group_start, li, -1)

    surface = tt_int[order] == 2
    pos_sorted = is_pos[order]
    limit = int(max_carry_s * 1e9)
    alt = values[11][order]
    numbers = {
        "alt_baro_ft": np.where(geom[11][order], np.nan, alt), "alt_geom_ft": np.where(geom[11][order], alt, np.nan),
        "gs_kt": values[12][order], "track_deg": values[13][order], "vrate_fpm": values[16][order],
    }
    out: dict[str, Any] = {}
    for name, v in numbers.items():
        li = last_valid(~np.isnan(v))
        fresh = (li >= 0) & (t - t[np.maximum(li, 0)] <= limit)
        carried = np.where(fresh, v[np.maximum(li, 0)], np.nan)
        out[name] = np.where(surface, v, carried)[pos_sorted]
    for name, k in (("callsign", 10), ("squawk", 17)):
        text = field(k)
        text = pc.take(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text), pa.array(order, pa.int64()))
        li = last_valid(~np.asarray(text.is_null().to_numpy(zero_copy_only=False), dtype=bool))[pos_sorted]
        picked = pc.take(text, pa.array(np.where(li >= 0, li, 0), pa.int64()))
        picked = pc.if_else(pa.array(li >= 0), picked, pa.scalar(None, pa.string()))
        out[name] = pd.Series(pd.array(picked, dtype=STRING_DTYPE))
    ground_text = pc.take(field(21), pa.array(order[pos_sorted], pa.int64()))
    is_ground = _mask(pc.equal(ground_text, "-1")) | surface[pos_sorted]
    airborne = _mask(pc.equal(ground_text, "0")) & ~is_ground
    kept = order[pos_sorted]
    frame = pd.DataFrame(
        {
            "time": pd.Series(pd.DatetimeIndex(time_ns[kept].view("M8[ns]")).tz_localize("UTC")),
            "icao24": pd.Series(pd.array(pc.take(hex_values, pa.array(hex_codes[kept])), dtype=STRING_DTYPE)),
            "lat": values[14][kept],
            "lon": values[15][kept],
            "on_ground": pd.arrays.BooleanArray(is_ground, ~is_ground & ~airborne),
            **out,
            "record": records[kept],
        },
        copy=False,
    )
    return frame, records[rej], whys


def _alphabetical_codes(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Integer code per row, numbered in alphabetical order of the values; and the value of each code."""
    enc = pc.dictionary_encode(values)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks() if enc.num_chunks else pa.array([], pa.dictionary(pa.int32(), pa.string()))
    rank = np.asarray(pc.rank(enc.dictionary, sort_keys="ascending", tiebreaker="first").to_numpy(), dtype="int64") - 1
    idx = np.asarray(pc.fill_null(enc.indices, 0).to_numpy(zero_copy_only=False), dtype="int64")
    codes = rank[idx] if len(rank) else np.zeros(len(idx), dtype="int64")
    return codes, pc.take(enc.dictionary, pa.array(np.argsort(rank)))


def _times(date_gen: pa.ChunkedArray, time_gen: pa.ChunkedArray, date_log: pa.ChunkedArray,
           time_log: pa.ChunkedArray, zone: ZoneInfo) -> np.ndarray:
    """Generated date+time (logged when missing) in `zone` -> UTC nanoseconds; _NAT when unreadable or when
    the local time does not exist / is ambiguous (and cannot be resolved from the line order)."""
    missing = pc.or_(pc.equal(date_gen, ""), pc.equal(time_gen, ""))
    date = pc.replace_substring(pc.if_else(missing, date_log, date_gen), "/", "-")
    stamp = pc.binary_join_element_wise(date, pc.if_else(missing, time_log, time_gen), " ")
    try:
        ts = pc.cast(stamp, pa.timestamp("ns"))
        local = pd.DatetimeIndex(np.asarray(pc.cast(ts, pa.int64()).to_numpy(zero_copy_only=False)).view("M8[ns]"))
    except pa.ArrowInvalid:  # unusual spellings (one-digit hours, ...): pandas, value by value
        parsed = pd.DatetimeIndex(pd.to_datetime(pd.Series(stamp.to_pylist(), dtype=object), format="ISO8601",
                                                 errors="coerce"))
        representable = (parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max)
        local = parsed.where(representable).as_unit("ns")  # year 3025 -> NaT (rejected as unreadable)
    if zone.key != "UTC":
        try:
            local = local.tz_localize(zone.key, ambiguous="infer", nonexistent="NaT")
        except (ValueError, TypeError):
            local = local.tz_localize(zone.key, ambiguous="NaT", nonexistent="NaT")
        local = local.tz_convert("UTC").tz_localize(None)
    return np.asarray(local.asi8, dtype="int64")


FORMATS = [
    Format(
        name="sbs",
        description="SBS-1 / BaseStation text (port 30003 of dump1090/readsb): MSG lines merged into positions; tz= for local times",
        sniff=sniff,
        read=read,
        priority=26,
        multi_aircraft=True,
    )
]
