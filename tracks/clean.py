"""Cleaning a track without silent loss: every removed row or value is listed with a reason a person can read.

Steps, in order:
1. sort by time; drop exact duplicates (same values in every column but file/record);
2. resolve same-time conflicts (several rows at one instant with different values): keep the best source
   (ADS-B before ADS-R, TIS-B, MLAT, ...), fresh before stale, the more complete row, then the position
   nearest the previous sample;
3. drop positions at 0 deg N 0 deg E ("null island", a decoder default, not a place an aircraft reports);
4. mark re-sent positions stale, never drop them: a position repeating exactly one of the few previous ones
   while the aircraft reports moving (> 50 kt) is an old position sent again (OpenSky between position
   updates; FR24 granular data from several receivers). They are left out of the speed check. Samples the
   export already flags stale (readsb flag, OpenSky lastposupdate) stay flagged;
5. drop implausible positions. A segment between consecutive samples is implausible when its length exceeds
   what the speed bound allows (plus a timing tolerance) plus the position tolerance of both samples'
   sources. The speed bound is Mach 3.5 (as tar1090), or twice the reported ground speed plus a margin when
   that is lower (more leeway for MLAT). Implausible segments cut the track into runs of mutually plausible
   samples; a short run between two runs that agree with each other is a jump there and back (spoofing-like
   teleport) and is removed, as is a short run at either end that disagrees with the rest. Repeated until
   nothing changes (bounded passes); jumps that cannot be attributed to one side are kept and listed in
   `notes`;
6. blank altitude spikes (a short run of altitudes far from both neighbours, which agree with each other):
   the value is removed, the position kept.
Nothing is interpolated or filled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracks import schema
from tracks.geo.geodesy import GEOD, exceeds_km
from tracks.track import REJECTED_COLUMNS, Track, empty_rejected
from tracks.units import KM_S_PER_KT

#: Barometric and geometric altitude closer than this (ft) confirm each other (no spike).
CROSS_CHECK_FT = 3_000.0
#: Ground speed (kt) above which an unchanged position means an old position re-sent.
MOVING_KT = 50.0
#: Mach 3.5 at sea level (661.47 kt x 3.5), tar1090's bound on plausible speed.
MACH_3_5_KT = 3.5 * 661.47
#: Position tolerance (km) per source type: how far a correct position may sit from the truth.
TOLERANCE_KM: dict[str, float] = {
    "adsb": 0.2, "adsr": 0.5, "tisb": 0.5, "adsc": 2.0, "mlat": 3.0,
    "modes": 1.0, "other": 1.0, "unknown": 1.0, "estimated": 5.0,
}
#: Preference among sources when several rows share a time (lower is better).
SOURCE_RANK: dict[str, int] = {s: i for i, s in enumerate(
    ("adsb", "adsr", "tisb", "adsc", "mlat", "modes", "other", "unknown", "estimated"))}
_VALUE_COLUMNS = ("time", "lat", "lon", "alt_baro_ft", "alt_geom_ft", "gs_kt", "source", "stale")


@dataclass(frozen=True)
class CleanResult:
    """The cleaned Track and what was removed: `rejected` (file, record, reason, values), `notes` for people,
    `counts` per step. The cleaned track's own `.rejected` is the input's plus these rows."""

    track: Track
    rejected: pd.DataFrame
    notes: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)


def clean(
    track: Track,
    max_speed_kt: float = MACH_3_5_KT,
    gs_factor: float = 2.0,
    gs_margin_kt: float = 100.0,
    mlat_margin_kt: float = 200.0,
    tolerance_km: dict[str, float] | None = None,
    max_run: int = 20,
    max_vrate_fpm: float = 15_000.0,
    alt_tolerance_ft: float = 500.0,
    passes: int = 10,
    mark_repeated_stale: bool = True,
    repeat_window: int = 10,
    time_tolerance_s: float = 1.0,
) -> CleanResult:
    """Clean `track` (see the module docstring for the steps); the input is not modified.

    Speeds in kt, distances in km, altitudes in ft. `max_run` is the longest run of samples (positions or
    altitudes) that may be removed as a jump; `passes` bounds the repetitions. `time_tolerance_s` allows
    for timestamps that are reception times (several receivers, clock jitter). `repeat_window`: how many
    earlier samples a re-sent position is looked for in.
    """
    tol = {**TOLERANCE_KM, **(tolerance_km or {})}
    frame = track.data
    if not frame["time"].is_monotonic_increasing:
        frame = frame.sort_values("time", kind="stable")
    frame = frame.reset_index(drop=True)
    rejected: list[pd.DataFrame] = []
    notes: list[str] = []
    counts: dict[str, int] = {}

    # 1. exact duplicates
    value_cols = [c for c in schema.COLUMN_NAMES if c not in ("file", "record")]
    dup = np.zeros(len(frame), dtype=bool)
    same_t = _shares_time(frame)  # exact duplicates share their time
    if same_t.any():
        dup[same_t] = frame.loc[same_t].duplicated(subset=value_cols, keep="first").to_numpy()
    if dup.any():
        sub_rows = np.flatnonzero(same_t)
        group = frame.loc[same_t].groupby(value_cols, dropna=False, sort=False, observed=True).ngroup()
        first_row = pd.Series(sub_rows).groupby(group.to_numpy()).transform("min").to_numpy()
        original = dict(zip(sub_rows, first_row, strict=True))
        reasons = [f"exact duplicate of record {frame['record'].iloc[original[j]]} ({frame['file'].iloc[original[j]]})"
                   for j in np.flatnonzero(dup)]
        rejected.append(_rows(frame, dup, reasons))
        frame = frame.loc[~dup].reset_index(drop=True)
    counts["duplicate"] = int(dup.sum())

    # 2. same-time conflicts
    frame, rej = _resolve_same_time(frame)
    counts["same_time"] = len(rej)
    if len(rej):
        rejected.append(rej)

    # 3. null island
    null = ((frame["lat"] == 0.0) & (frame["lon"] == 0.0)).to_numpy()
    if null.any():
        rejected.append(_rows(frame, null, ["position 0°N 0°E ('null island'): a decoder default, not a fix"]
                              * int(null.sum())))
        frame = frame.loc[~null].reset_index(drop=True)
    counts["null_island"] = int(null.sum())

    # 4. re-sent old positions -> stale (kept, marked, and left out of the speed check: they repeat a
    #    position already checked)
    resent = _resent_positions(frame, repeat_window) if mark_repeated_stale else np.zeros(len(frame), bool)
    new_stale = resent & ~frame["stale"].to_numpy(bool)
    if new_stale.any():
        frame = frame.copy()
        frame["stale"] = frame["stale"].to_numpy(bool) | new_stale
        notes.append(f"marked {int(new_stale.sum())} re-sent position(s) stale: a position already reported "
                     f"up to {repeat_window} samples earlier, repeated while moving (> {MOVING_KT:g} kt)")
    counts["marked_stale"] = int(new_stale.sum())

    # 5. implausible positions
    frame, rej, pos_notes = _filter_positions(frame, resent, max_speed_kt, gs_factor, gs_margin_kt,
                                              mlat_margin_kt, tol, time_tolerance_s, max_run, passes)
    counts["implausible_position"] = len(rej)
    notes.extend(pos_notes)
    if len(rej):
        rejected.append(rej)

    # 6. altitude spikes (values blanked, rows kept)
    spikes = 0
    for col in ("alt_baro_ft", "alt_geom_ft"):
        frame, rej = _blank_altitude_spikes(frame, col, max_vrate_fpm, alt_tolerance_ft, max_run, passes)
        spikes += len(rej)
        if len(rej):
            rejected.append(rej)
    counts["altitude_spike"] = spikes

    out = (pd.concat(rejected, ignore_index=True) if rejected else empty_rejected())
    out = _conform_rejected(out)
    all_rejected = _conform_rejected(pd.concat([track.rejected, out], ignore_index=True)) if len(out) else track.rejected
    cleaned = Track(frame.reset_index(drop=True), track.sources, all_rejected)
    return CleanResult(cleaned, out, tuple(notes), counts)


# -- helpers -----------------------------------------------------------------------------------------------------

def _conform_rejected(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "file": frame["file"].astype(schema.STRING_DTYPE),
        "record": frame["record"].astype("int64"),
        "reason": frame["reason"].astype(schema.STRING_DTYPE),
        "values": frame["values"].astype(schema.STRING_DTYPE),
    }, columns=list(REJECTED_COLUMNS))


def _describe_rows(frame: pd.DataFrame) -> list[str]:
    """The key values of each row as text, e.g. 'time=2025-11-29T01:09:00Z lat=4.555 lon=-61.15 ...'."""
    parts = []
    t = frame["time"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").str.replace(r"\.?0*Z$", "Z", regex=True)
    for k, row in enumerate(frame[list(_VALUE_COLUMNS[1:])].itertuples(index=False)):
        parts.append(f"time={t.iloc[k]} lat={row.lat:.6f} lon={row.lon:.6f} alt_baro_ft={row.alt_baro_ft:g} "
                     f"alt_geom_ft={row.alt_geom_ft:g} gs_kt={row.gs_kt:g} source={row.source} stale={row.stale}")
    return parts


def _rows(frame: pd.DataFrame, mask: np.ndarray, reasons: list[str]) -> pd.DataFrame:
    sub = frame.loc[mask]
    return pd.DataFrame({"file": sub["file"].to_numpy(), "record": sub["record"].to_numpy(),
                         "reason": reasons, "values": _describe_rows(sub)})


def _shares_time(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose time another row has too (`frame` sorted by time): equal neighbours, without hashing."""
    t = frame["time"].to_numpy(dtype="datetime64[ns]")
    same = np.zeros(len(t), dtype=bool)
    if len(t) >= 2:
        eq = t[1:] == t[:-1]
        same[1:] |= eq
        same[:-1] |= eq
    return same


def _per_source(source: pd.Series, values: dict[str, float], default: float) -> np.ndarray:
    """`values[source]` for each row of a `source` column (SOURCE_DTYPE), `default` for the others; looked up
    once per category."""
    cat = source.astype(schema.SOURCE_DTYPE) if not isinstance(source.dtype, pd.CategoricalDtype) else source
    table = np.array([values.get(str(c), default) for c in cat.cat.categories] + [default], dtype=float)
    return table[cat.cat.codes.to_numpy()]  # code -1 (missing) picks the default at the end


def _resolve_same_time(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep one row per instant; the others are rejected with the reason."""
    t = frame["time"]
    dup_time = _shares_time(frame)
    if not dup_time.any():
        return frame, empty_rejected()
    lat, lon = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    rank = _per_source(frame["source"], SOURCE_RANK, len(SOURCE_RANK))
    stale = frame["stale"].to_numpy(bool)
    filled = frame[["alt_baro_ft", "alt_geom_ft", "gs_kt", "track_deg", "vrate_fpm"]].notna().sum(axis=1).to_numpy()
    drop = np.zeros(len(frame), dtype=bool)
    reasons: dict[int, str] = {}
    times = t.to_numpy()
    for _, rows in pd.Series(np.arange(len(frame)))[dup_time].groupby(times[dup_time]):
        idx = rows.to_numpy()
        prev = idx[0] - 1
        while prev >= 0 and drop[prev]:
            prev -= 1
        if prev >= 0:
            _, _, d = GEOD.inv(np.full(len(idx), lon[prev]), np.full(len(idx), lat[prev]), lon[idx], lat[idx])
            near = np.asarray(d, float)
        else:
            near = np.zeros(len(idx))
        order = np.lexsort((near, -filled[idx], stale[idx], rank[idx]))
        best = idx[order[0]]
        for j in idx[order[1:]]:
            _, _, d = GEOD.inv(lon[best], lat[best], lon[j], lat[j])
            what = (f"a position {d / 1000:.2f} km away" if d > 1.0 else "the same position but other values")
            why = ("better source" if rank[best] < rank[j] else "fresh, not stale" if stale[j] and not stale[best]
                   else "more complete" if filled[best] > filled[j] else "nearer the previous sample")
            reasons[int(j)] = (f"same time as record {frame['record'].iloc[best]} ({frame['file'].iloc[best]}) with "
                               f"{what}; kept that one ({frame['source'].iloc[best]}, {why})")
            drop[j] = True
    idx = np.flatnonzero(drop)
    rej = _rows(frame, drop, [reasons[int(i)] for i in idx])
    return frame.loc[~drop].reset_index(drop=True), rej


#: Sample positions for a `bad_between` check: an index array, or a slice for the first pass over every neighbour
#: (numpy then reads views instead of gathering copies of whole columns).
Positions = np.ndarray | slice


def _runs_to_remove(n: int, bad_between: Callable[[Positions, Positions], np.ndarray], max_run: int,
                    passes: int, protected: np.ndarray | None = None,
                    ) -> tuple[list[tuple[np.ndarray, int, int, str]], np.ndarray, np.ndarray]:
    """Generic run filter over positions 0..n-1 (bounded passes).

    `bad_between(i, j)` says, element-wise, whether samples i and j (index arrays or slices) are inconsistent.
    A run holding a `protected` sample is never removed. Only pairs that a removal creates are re-evaluated in
    later passes.
    Returns the removed runs as (positions, previous kept position or -1, next kept position or -1, kind),
    the final keep mask and the badness of the consecutive kept pairs.
    """
    keep = np.ones(n, dtype=bool)
    removed: list[tuple[np.ndarray, int, int, str]] = []
    idx = np.arange(n)
    bad = bad_between(slice(0, n - 1), slice(1, n)) if n >= 2 else np.zeros(0, dtype=bool)
    for _ in range(passes):
        if len(idx) < 2 or not bad.any():
            break
        cut = np.flatnonzero(bad)
        firsts = np.r_[0, cut + 1]
        lasts = np.r_[cut, len(idx) - 1]
        sizes = lasts - firsts + 1
        k_count = len(sizes)
        drop_run = np.zeros(k_count, dtype=bool)
        kinds = [""] * k_count
        inner = np.arange(1, k_count - 1)
        if len(inner):
            small = (sizes[inner] <= max_run) & (sizes[inner] < sizes[inner - 1] + sizes[inner + 1])
            cand = inner[small]
            if len(cand):
                ok_across = ~bad_between(idx[lasts[cand - 1]], idx[firsts[cand + 1]])
                for k in cand[ok_across]:
                    drop_run[k] = True
                    kinds[k] = "there and back"
        if k_count > 1:
            if sizes[0] <= max_run and sizes[0] < sizes[1]:
                drop_run[0], kinds[0] = True, "start"
            if sizes[-1] <= max_run and sizes[-1] < sizes[-2]:
                drop_run[-1], kinds[-1] = True, "end"
        if protected is not None:
            for k in np.flatnonzero(drop_run):
                if protected[idx[firsts[k]: lasts[k] + 1]].any():
                    drop_run[k] = False
        # never drop two neighbouring runs in one pass: the decision for one depends on the other
        for k in np.flatnonzero(drop_run[1:] & drop_run[:-1]) + 1:
            if drop_run[k - 1]:
                drop_run[k] = False
        if not drop_run.any():
            break
        sub_keep = np.ones(len(idx), dtype=bool)
        for k in np.flatnonzero(drop_run):
            pos = idx[firsts[k]: lasts[k] + 1]
            before = int(idx[lasts[k - 1]]) if k > 0 else -1
            after = int(idx[firsts[k + 1]]) if k < k_count - 1 else -1
            removed.append((pos, before, after, kinds[k]))
            keep[pos] = False
            sub_keep[firsts[k]: lasts[k] + 1] = False
        # re-evaluate only the pairs the removals created
        old_pos = np.flatnonzero(sub_keep)
        idx = idx[sub_keep]
        same_pair = old_pos[1:] == old_pos[:-1] + 1
        new_bad = np.empty(len(idx) - 1, dtype=bool)
        new_bad[same_pair] = bad[old_pos[:-1][same_pair]]
        fresh = np.flatnonzero(~same_pair)
        if len(fresh):
            new_bad[fresh] = bad_between(idx[fresh], idx[fresh + 1])
        bad = new_bad
    return removed, keep, bad


def _resent_positions(frame: pd.DataFrame, window: int) -> np.ndarray:
    """Rows repeating exactly a position of one of the `window` previous rows, at a later time, while the
    aircraft reports moving faster than MOVING_KT: an old position sent again."""
    n = len(frame)
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    lat, lon = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    t = frame["time"].to_numpy(dtype="datetime64[ns]").astype("int64")
    for k in range(1, min(window, n - 1) + 1):
        out[k:] |= (lat[k:] == lat[:-k]) & (lon[k:] == lon[:-k]) & (t[k:] > t[:-k])
    moving = np.nan_to_num(frame["gs_kt"].to_numpy(float), nan=0.0) > MOVING_KT
    return out & moving


def _filter_positions(frame: pd.DataFrame, exempt: np.ndarray, max_speed_kt: float, gs_factor: float,
                      gs_margin_kt: float, mlat_margin_kt: float, tol: dict[str, float], time_tol_s: float,
                      max_run: int, passes: int) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Remove implausible positions among the rows not `exempt`; exempt rows are always kept."""
    rows = np.flatnonzero(~exempt)
    if len(rows) < 2:
        return frame, empty_rejected(), []
    sub = frame.iloc[rows]
    lat, lon = sub["lat"].to_numpy(float), sub["lon"].to_numpy(float)
    tsec = sub["time"].to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9
    gs = sub["gs_kt"].to_numpy(float)
    n = len(sub)
    tol_km = _per_source(sub["source"], tol, 1.0)
    mlat = (sub["source"] == "mlat").to_numpy(bool)

    def allowed_km(i: Positions, j: Positions) -> np.ndarray:
        dt = np.abs(tsec[j] - tsec[i])
        g = np.fmax(gs[i], gs[j])
        margin = np.where(mlat[i] | mlat[j], mlat_margin_kt, gs_margin_kt)
        v = np.where(np.isfinite(g), np.minimum(max_speed_kt, gs_factor * g + margin), max_speed_kt)
        return v * KM_S_PER_KT * (dt + time_tol_s) + tol_km[i] + tol_km[j]

    def bad_between(i: Positions, j: Positions) -> np.ndarray:
        # geodesic distance over the allowed one, exactly (computed only where the quick bounds cannot tell)
        return exceeds_km(lat[i], lon[i], lat[j], lon[j], allowed_km(i, j))

    removed, keep, bad_left = _runs_to_remove(n, bad_between, max_run, passes)
    reasons: dict[int, str] = {}
    for pos, before, after, kind in removed:
        first, last = int(pos[0]), int(pos[-1])
        legs = []
        if before >= 0:
            legs.append(_speed_text(before, first, lat, lon, tsec, "from the previous kept sample"))
        if after >= 0:
            legs.append(_speed_text(last, after, lat, lon, tsec, "to the next kept sample"))
        what = {"there and back": "jump there and back (spoofing-like teleport): neighbours agree with each other",
                "start": "jump at the start of the track: the rest of the track disagrees",
                "end": "jump at the end of the track: the rest of the track disagrees"}[kind]
        text = f"implausible position, {what}; " + ", ".join(legs) + f" ({len(pos)} sample(s) removed together)"
        for p in pos:
            reasons[int(rows[p])] = text
    notes = []
    idx = np.flatnonzero(keep)
    if len(idx) >= 2:
        for k in np.flatnonzero(bad_left):
            i, j = int(idx[k]), int(idx[k + 1])
            notes.append(f"kept an implausible jump between records {sub['record'].iloc[i]} and "
                         f"{sub['record'].iloc[j]} ({_speed_text(i, j, lat, lon, tsec, 'between them')}): "
                         "cannot tell which side is wrong")
    drop = np.zeros(len(frame), dtype=bool)
    drop[rows[~keep]] = True
    rej = _rows(frame, drop, [reasons[int(i)] for i in np.flatnonzero(drop)])
    return frame.loc[~drop].reset_index(drop=True), rej, notes


def _speed_text(i: int, j: int, lat: np.ndarray, lon: np.ndarray, tsec: np.ndarray, where: str) -> str:
    _, _, d = GEOD.inv(lon[i], lat[i], lon[j], lat[j])
    dt = abs(tsec[j] - tsec[i])
    v = (d / 1000.0) / (dt * KM_S_PER_KT) if dt > 0 else np.inf
    speed = f"{v:,.0f} kt" if np.isfinite(v) else "at the same instant"
    return f"{d / 1000:,.1f} km in {dt:,.1f} s ({speed}) {where}"


def _blank_altitude_spikes(frame: pd.DataFrame, col: str, max_vrate_fpm: float, tol_ft: float, max_run: int,
                           passes: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Blank short runs of `col` far from both neighbours; a value within CROSS_CHECK_FT of the other
    altitude column (barometric vs geometric) at the same sample is confirmed and never blanked."""
    alt_all = frame[col].to_numpy(float)
    rows = np.flatnonzero(np.isfinite(alt_all))
    if len(rows) < 3:
        return frame, empty_rejected()
    alt = alt_all[rows]
    other = frame["alt_geom_ft" if col == "alt_baro_ft" else "alt_baro_ft"].to_numpy(float)[rows]
    confirmed = np.abs(other - alt) <= CROSS_CHECK_FT
    tsec = frame["time"].to_numpy(dtype="datetime64[ns]").astype("int64")[rows] / 1e9

    def bad_between(i: Positions, j: Positions) -> np.ndarray:
        return np.abs(alt[j] - alt[i]) > max_vrate_fpm * np.abs(tsec[j] - tsec[i]) / 60.0 + tol_ft

    removed, _, _ = _runs_to_remove(len(rows), bad_between, max(1, min(max_run, 5)), passes, confirmed)
    removed = [r for r in removed if r[3] == "there and back"]  # an altitude at the edge may be a real climb
    if not removed:
        return frame, empty_rejected()
    blank = np.zeros(len(frame), dtype=bool)
    reasons: dict[int, str] = {}
    for pos, before, after, _ in removed:
        a0, a1 = alt[before], alt[after]
        for p in pos:
            r = int(rows[p])
            blank[r] = True
            reasons[r] = (f"altitude spike: {col} {alt[p]:,.0f} ft between neighbours at {a0:,.0f} and "
                          f"{a1:,.0f} ft (more than {max_vrate_fpm:,.0f} ft/min away); value removed, position kept")
    rej = _rows(frame, blank, [reasons[int(i)] for i in np.flatnonzero(blank)])
    frame = frame.copy()
    frame.loc[blank, col] = np.nan
    return frame, rej
