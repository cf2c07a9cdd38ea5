"""Airborne or on the ground, per sample: THE rule, read by the legs, the predicates and the map.

`ground_state(frame, gap)`:
1. The export's air/ground flag (`on_ground`) where it is given (readsb, OpenSky, SBS).
2. Else inferred: on the ground when the reported ground speed is below GROUND_SPEED_KT, or below
   ROLL_SPEED_KT at exactly 0 ft barometric with no vertical rate (Flightradar24 writes 0 ft on the ground,
   also on take-off and landing rolls). FR24 CSV and playback JSON, KML and FlightAware KML give no flag.
3. A sample with neither (no flag, no ground speed): the state of the previous (else next) sample with a known
   state; airborne when there is none, or when only an altitude is known.
4. Flickers are ignored: a run of at most 2 samples and 10 s between two runs of the other state, with no
   coverage gap on either side, is turned over when its neighbours contradict it (a ground flag while both
   neighbours are 2,000 ft or more above the nearest airport; an airborne flag while taxiing below 80 kt).
   Each such correction is noted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracks.airports import heights_above_ft, nearest_airports
from tracks.segments import times_s
from tracks.wording import clock

#: Ground speed (kt) below which a sample without an air/ground flag is taken to be on the ground.
GROUND_SPEED_KT = 40.0
#: Without a flag, a sample at exactly 0 ft barometric with a vertical rate of 0 (or none) and slower than this is
#: on the ground too: Flightradar24 writes 0 ft on the ground, also on take-off and landing rolls at 40-100 kt
#: (SPAR19 rolled out at RCSS at 98, 69 and 43 kt; reading those as airborne put the landing 25 s late).
ROLL_SPEED_KT = 100.0
#: Flickers: runs of at most this many samples and seconds between two runs of the other state.
FLICKER_MAX_SAMPLES = 2
FLICKER_MAX_S = 10.0

#: Where each sample's state comes from (`GroundState.source`).
SOURCES: tuple[str, ...] = ("flag", "inferred", "carried", "corrected")


@dataclass(frozen=True)
class GroundState:
    """Per sample: `on_ground` (bool) and `source` (int8 index into SOURCES: the export's flag, inferred from
    speed and altitude, carried over from a neighbour, or corrected as a flicker); `notes` on corrections."""

    on_ground: np.ndarray
    source: np.ndarray
    notes: tuple[str, ...] = ()

    @property
    def airborne(self) -> np.ndarray:
        return ~self.on_ground

    def take(self, a: int, b: int) -> GroundState:
        """Samples a..b-1."""
        return GroundState(self.on_ground[a:b], self.source[a:b], self.notes)


def ground_state(frame: pd.DataFrame, gap: np.ndarray) -> GroundState:
    """The air/ground state of every sample (see the module docstring); `gap` is the per-segment gap mask."""
    n = len(frame)
    if n == 0:
        return GroundState(np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int8))
    flag = frame["on_ground"]
    given = flag.notna().to_numpy()
    source = np.where(given, 0, 1).astype(np.int8)
    if given.all():
        state = flag.to_numpy(dtype=bool, na_value=False)
    else:
        gs = frame["gs_kt"].to_numpy(float)
        alt = frame["alt_baro_ft"].to_numpy(float)
        vrate = frame["vrate_fpm"].to_numpy(float)
        rolling = (alt == 0.0) & ~(np.abs(vrate) > 0.0) & (gs < ROLL_SPEED_KT)
        inferred = np.where(np.isfinite(gs), (gs < GROUND_SPEED_KT) | rolling,
                            np.where(np.isfinite(alt), False, np.nan))
        known = np.where(given, flag.to_numpy(dtype=float, na_value=np.nan), inferred)
        source[np.isnan(known)] = 2
        state = pd.Series(known, dtype=float).ffill().bfill().fillna(0.0).to_numpy() > 0.5
    notes: list[str] = []
    state = _drop_flickers(frame, state, source, gap, notes)
    return GroundState(state, source, tuple(notes))


def runs(values: np.ndarray) -> list[tuple[int, int, bool]]:
    """(first, last, value) of each run of equal booleans."""
    if not len(values):
        return []
    edges = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.r_[0, edges]
    ends = np.r_[edges - 1, len(values) - 1]
    return [(int(a), int(b), bool(values[a])) for a, b in zip(starts, ends, strict=True)]




def height_above_nearby(frame: pd.DataFrame, i: int, within_km: float = 50.0) -> float:
    """Height of row i above the nearest airport within `within_km` (else above sea level), ft
    (`tracks.airports.heights_above_ft`: geoid-corrected GNSS altitude, else pressure altitude)."""
    near = nearest_airports(float(frame["lat"].iloc[i]), float(frame["lon"].iloc[i]), within_km, limit=1)
    return float(heights_above_ft(frame, i, float(near["elevation_ft"].iloc[0]) if len(near) else 0.0)[0][0])


def _drop_flickers(frame: pd.DataFrame, ground: np.ndarray, source: np.ndarray, gap: np.ndarray,
                   notes: list[str]) -> np.ndarray:
    """Ignore air/ground flickers (module docstring, step 4); `source` of corrected samples becomes 3."""
    rs = runs(ground)
    short = [(a, b, g) for a, b, g in rs if b - a < FLICKER_MAX_SAMPLES and a > 0 and b < len(ground) - 1]
    if not short:
        return ground
    ground = ground.copy()
    tsec = times_s(frame)
    times = frame["time"]
    with_date = times.iloc[0].date() != times.iloc[-1].date()
    gs = frame["gs_kt"].to_numpy(float)
    for a, b, g in short:
        if tsec[b] - tsec[a] > FLICKER_MAX_S or gap[a - 1] or gap[b]:
            continue
        if g:  # ground flag amid flight: ignore when both neighbours are well above the nearest airport
            h_prev = height_above_nearby(frame, a - 1)
            h_next = height_above_nearby(frame, b + 1)
            if np.isfinite(h_prev) and np.isfinite(h_next) and min(h_prev, h_next) > 2_000.0:
                ground[a:b + 1] = False
                source[a:b + 1] = 3
                notes.append(f"ignored a ground flag at {clock(times.iloc[a], with_date)} "
                             f"(neighbours {min(h_prev, h_next):,.0f} ft or more above the nearest airport)")
        else:  # airborne flag while taxiing
            speeds = gs[a - 1:b + 2]
            if np.isfinite(speeds).all() and speeds.max() < 80.0:
                ground[a:b + 1] = True
                source[a:b + 1] = 3
                notes.append(f"ignored an airborne flag at {clock(times.iloc[a], with_date)} "
                             f"(taxiing at {speeds.max():.0f} kt)")
    return ground
