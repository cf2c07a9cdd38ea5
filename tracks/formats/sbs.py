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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tracks.errors import TrackFormatError
from tracks.formats.base import Format, Parsed, RawFile

N_FIELDS = 22
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
    kind = np.asarray(pc.list_element(fields, 0).to_numpy(zero_copy_only=False), dtype=object)
    n_lines = len(nf)
    last = max((i for i in range(n_lines - 1, -1, -1) if not blank[i]), default=-1)
    cut_last = last >= 0 and not raw.data.rstrip(b" \t").endswith((b"\n", b"\r")) and nf[last] != N_FIELDS
    known = np.isin(kind, _TYPES)
    msg = (kind == "MSG") & (nf == N_FIELDS) & ~blank
    rejected: list[tuple[int, str, str]] = []
    bad = ~blank & ~msg & ~(known & (kind != "MSG"))
    if cut_last:
        bad[last] = False
        msg[last] = False
        rejected.append((last, "incomplete last line (capture cut off)", _text(lines, last)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        got = f"{nf[i]} fields instead of {N_FIELDS}" if kind[i] == "MSG" else f"not a BaseStation line: {_text(lines, i)[:60]!r}"
        raise TrackFormatError(raw.path, got, where=f"line {i + 1}", expected="SBS-1 lines MSG,<type>,... with 22 fields")
    other = ~blank & ~msg & known & (kind != "MSG")
    if cut_last:
        other[last] = False  # already counted as the incomplete last line
    for i in np.flatnonzero(other):
        rejected.append((int(i), f"no position ({kind[i]} line)", _text(lines, int(i))))

    idx = np.flatnonzero(msg)
    take = pa.array(idx, pa.int64())
    texts = [t[:200] for t in pc.take(lines, take).to_pylist()]
    frame, more = _messages(pc.take(fields, take), texts, idx, zone, max_carry_s)
    rejected += more
    rejected.sort()
    note = f"SBS times read as {tz} (the format carries no zone; dump1090-fa writes the receiver's local time)"
    return Parsed(frame=frame, records_read=int((~blank).sum()), rejected=rejected, note=note)


def _text(lines: pa.ChunkedArray, i: int) -> str:
    return str(lines[i].as_py())[:200]


def _messages(fields: pa.ChunkedArray | pa.Array, texts: list[str], records: np.ndarray, zone: ZoneInfo,
              max_carry_s: float) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """Merge the MSG lines (all with 22 fields) into positions."""
    def field(k: int) -> pd.Series:
        arr = pc.list_element(fields, k)
        arr = pc.utf8_trim_whitespace(arr)
        return pd.Series(np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object))

    n = len(records)
    tt = pd.to_numeric(field(1), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    hexid = field(4).str.lower()
    rejected: list[tuple[int, str, str]] = []
    reason = pd.Series("", index=range(n), dtype=object)
    reason[~hexid.str.fullmatch(r"~?[0-9a-f]{6}")] = "bad hex ident (expected 6 hex digits)"
    values: dict[int, np.ndarray] = {}
    geom = {}
    for k, name in _NUMERIC.items():
        s = field(k)
        if k in (11, 16):
            geom[k] = s.str.endswith("H").to_numpy(dtype=bool)
            s = s.str.rstrip("H")
        num = pd.to_numeric(s.where(s != ""), errors="coerce")
        unreadable = (s != "") & num.isna()
        reason[unreadable & (reason == "")] = f"unreadable {name} (field {k + 1})"
        values[k] = num.to_numpy(dtype="float64", na_value=np.nan)
    time = _times(field(6), field(7), field(8), field(9), zone)
    reason[time.isna().to_numpy() & (reason == "")] = f"date/time unreadable, or not existing / ambiguous in {zone.key}"
    is_pos = np.isin(tt, (2, 3))
    has_pos = ~np.isnan(values[14]) & ~np.isnan(values[15])

    alt = values[11]
    callsign = field(10).where(lambda s: s != "")
    squawk = field(17).where(lambda s: s != "")
    on_ground_flag = field(21).map({"-1": True, "0": False})
    usable = (reason == "").to_numpy()
    frame = pd.DataFrame({
        "time": time, "icao24": hexid, "callsign": callsign, "squawk": squawk,
        "alt_baro_ft": np.where(geom[11], np.nan, alt), "alt_geom_ft": np.where(geom[11], alt, np.nan),
        "gs_kt": values[12], "track_deg": values[13], "vrate_fpm": values[16],
        "lat": values[14], "lon": values[15], "record": records, "tt": tt,
        "ground_flag": on_ground_flag,
    }).loc[usable]
    frame = frame.sort_values(["icao24", "time", "record"], kind="stable")
    _carry(frame, max_carry_s)
    pos = frame["tt"].isin((2, 3)).to_numpy() & frame["lat"].notna().to_numpy() & frame["lon"].notna().to_numpy()
    surface = (frame["tt"] == 2).to_numpy()
    out = frame.loc[pos].copy()
    s_out = surface[pos]
    out["on_ground"] = pd.array(np.where(s_out, True, out["ground_flag"].to_numpy(dtype=object)), dtype="boolean")
    out = out.drop(columns=["tt", "ground_flag"])
    reasons = reason.to_numpy(dtype=object)
    rejected += [(int(records[i]), str(reasons[i]), texts[i]) for i in np.flatnonzero(~usable)]
    no_pos = usable & ~(is_pos & has_pos)
    labels = {k: f"no position (MSG,{k})" for k in range(1, 9)}
    labels |= {k: f"no position (MSG,{k} without latitude/longitude)" for k in (2, 3)}
    rejected += [(int(records[i]), labels.get(int(tt[i]), "no position (MSG,?)") if tt[i] == tt[i] else "no position (MSG,?)",
                  texts[i]) for i in np.flatnonzero(no_pos)]
    return out.sort_values(["icao24", "time", "record"], kind="stable").reset_index(drop=True), rejected


def _times(date_gen: pd.Series, time_gen: pd.Series, date_log: pd.Series, time_log: pd.Series, zone: ZoneInfo) -> pd.Series:
    """Generated date+time (logged when missing) in `zone` -> UTC; NaT when unreadable or not unique locally."""
    missing = (date_gen == "") | (time_gen == "")
    stamp = (date_gen.where(~missing, date_log) + " " + time_gen.where(~missing, time_log)).str.replace("/", "-", n=2)
    local = pd.to_datetime(stamp, format="ISO8601", errors="coerce")
    if zone.key == "UTC":
        return local.dt.tz_localize("UTC").astype("datetime64[ns, UTC]")
    try:
        aware = local.dt.tz_localize(zone.key, ambiguous="infer", nonexistent="NaT")
    except (ValueError, TypeError):
        aware = local.dt.tz_localize(zone.key, ambiguous="NaT", nonexistent="NaT")
    return aware.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")


def _carry(frame: pd.DataFrame, max_carry_s: float) -> None:
    """Forward-fill per aircraft (frame sorted by icao24, time): callsign and squawk always, numbers for
    at most `max_carry_s` seconds; surface positions (MSG,2) keep only their own values."""
    if not len(frame):
        return
    keys = frame["icao24"].to_numpy()
    for col in ("callsign", "squawk"):
        frame[col] = frame[col].groupby(keys, sort=False).ffill()
    surface = (frame["tt"] == 2).to_numpy()
    t = frame["time"]
    limit = pd.Timedelta(seconds=max_carry_s).to_timedelta64()
    for col in ("alt_baro_ft", "alt_geom_ft", "gs_kt", "track_deg", "vrate_fpm"):
        own = frame[col].to_numpy()
        carried = frame[col].groupby(keys, sort=False).ffill().to_numpy()
        seen = t.where(frame[col].notna()).groupby(keys, sort=False).ffill()
        fresh = (t - seen).to_numpy() <= limit
        frame[col] = np.where(surface, own, np.where(fresh, carried, np.nan))


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
