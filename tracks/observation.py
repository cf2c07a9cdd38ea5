"""What the data shows of one aircraft: one observation model per (track, tested period, settings).

Every consumer reads this model instead of recomputing: the predicates, the legs, the fence, `tracks info` and
the map. It is built once per check from the aircraft's whole cleaned track (`observe`); the case window and
each claim's tested period are views of it (`Observation.period`) that share its arrays. It holds:

- segments: per segment (samples i, i+1) its duration and whether it is a coverage gap and why
  (`causes`, THE rule of tracks.segments);
- the gaps as a table with their reach (`gaps`, tracks.gaps.Gaps; the same gap ids in every view);
- the speed bound with where it came from (`speed`, `SpeedBound`; the rule of `speed_bound`);
- air/ground state per sample (`ground`, THE rule of tracks.airborne);
- the unobserved edges of the tested period with their reach (`edges`);
- the legs and their events, each with an interval [earliest, latest] and how it was observed (`legs`,
  `events`).

A tested period [start, end] keeps the samples in it, plus the sample just before `start` (after `end`) when the
segment spanning that moment is a coverage gap, so that the gap is not lost. It has an unobserved edge only
where the aircraft has no sample at all on that side of the bound: time before its first sample or after its
last one in the files. A bound that falls on an observed segment is not unobserved: the aircraft was seen
across it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tracks.airborne import GroundState, ground_state
from tracks.gaps import Gaps, gap_table
from tracks.geo.geodesy import fastest
from tracks.segments import DEFAULT_MAX_GAP_S, segment_causes, times_s
from tracks.track import Track
from tracks.units import KM_S_PER_KT
from tracks.wording import clock, duration

if TYPE_CHECKING:
    from tracks.airports import Event
    from tracks.geo.track_arrays import TrackArrays
    from tracks.legs import Legs


#: The speed bound is the fastest speed observed times this margin ...
SPEED_MARGIN = 1.2
#: ... never below this (kt): a track seen only taxiing, or slowly, could still have flown faster.
SPEED_FLOOR_KT = 300.0
#: Speeds between positions are measured over at least this many seconds (shorter ones are position noise).
SPEED_CHORD_S = 30.0

#: How sentences name the ends of a tested period when nobody says otherwise.
PERIOD_NAMES = ("the start of the period", "the end of the period")


@dataclass(frozen=True)
class SpeedBound:
    """The highest speed the aircraft is assumed able to fly while unobserved (kt), and where it comes from.

    `source`: "claim" (the claim's max_speed_kt), "case" (the case's settings), "observed" (SPEED_MARGIN x the
    fastest speed observed) or "floor" (SPEED_FLOOR_KT, higher than that). `fastest_kt` is the fastest speed
    observed (NaN when none), `basis` what it was ("reported ground speed" or "speed between two positions
    N s apart") and `at` when.
    """

    kt: float
    source: str
    fastest_kt: float = float("nan")
    basis: str = ""
    at: pd.Timestamp = pd.NaT

    def sentence(self) -> str:
        """'617 kt: 1.2 x the fastest speed observed for this aircraft in the files (514 kt, reported ground
        speed, 22:14Z)'."""
        head = f"{self.kt:,.0f} kt"
        seen = (f"{self.fastest_kt:,.0f} kt, {self.basis}, {clock(self.at, True)}" if np.isfinite(self.fastest_kt)
                else "no speed observed")
        if self.source == "claim":
            return f"{head}, given by the claim (max_speed_kt)"
        if self.source == "case":
            return f"{head}, given by the case settings (max_speed_kt)"
        if self.source == "floor":
            return (f"{head}: the lowest bound used ({SPEED_FLOOR_KT:.0f} kt), higher than {SPEED_MARGIN:g} x the "
                    f"fastest speed observed for this aircraft in the files ({seen})")
        return f"{head}: {SPEED_MARGIN:g} x the fastest speed observed for this aircraft in the files ({seen})"


def speed_bound(frame: pd.DataFrame, gap: np.ndarray, override_kt: float | None = None,
                source: str = "case") -> SpeedBound:
    """THE speed-bound rule: `override_kt` when given (from `source`); else SPEED_MARGIN x the fastest of
    (a) any ground speed reported for the aircraft and (b) the average speed between two positions at least
    SPEED_CHORD_S apart with no coverage gap between them; never below SPEED_FLOOR_KT.

    Computed on the aircraft's whole cleaned track in the files, not on the case window: a verdict must not change
    when the window is drawn wider around the same gap.
    """
    if override_kt is not None:
        kt = float(override_kt)
        if not np.isfinite(kt) or kt <= 0:
            raise ValueError(f"max_speed_kt={override_kt!r}: expected a positive speed in knots")
        return SpeedBound(kt, source)
    best, basis, at = np.nan, "", pd.NaT
    n = len(frame)
    if n:
        gs = frame["gs_kt"].to_numpy(float)
        ok = np.isfinite(gs)
        if ok.any():
            k = int(np.flatnonzero(ok)[np.argmax(gs[ok])])
            best, basis, at = float(gs[k]), "reported ground speed", frame["time"].iloc[k]
    if n >= 2:
        t = times_s(frame)
        run = np.r_[0, np.cumsum(gap)]
        j = np.searchsorted(t, t + SPEED_CHORD_S, side="left")
        i = np.flatnonzero((j < n) & (run[np.minimum(j, n - 1)] == run))
        if len(i):
            j = j[i]
            k, km_s = fastest(frame["lat"].to_numpy(float), frame["lon"].to_numpy(float), t, i, j)  # exact
            if not np.isfinite(best) or km_s / KM_S_PER_KT > best:
                best = km_s / KM_S_PER_KT
                basis = f"speed between two positions {duration(t[j[k]] - t[i[k]])} apart"
                at = frame["time"].iloc[int(i[k])]
    kt = SPEED_MARGIN * best if np.isfinite(best) else 0.0
    if kt < SPEED_FLOOR_KT:
        return SpeedBound(SPEED_FLOOR_KT, "floor", best, basis, at)
    return SpeedBound(kt, "observed", best, basis, at)


@dataclass(frozen=True)
class Edge:
    """An unobserved edge of the tested period: from its start to the first sample ("start"), or from the last
    sample to its end ("end"), within the period (`t_from`, `t_to`). `index` is that sample's row; throughout the
    edge the aircraft was within `reach_km` of it: the speed bound times the time from the period's start to that
    sample (from that sample to the period's end), even when the sample lies outside the period."""

    kind: str
    index: int
    t_from: pd.Timestamp
    t_to: pd.Timestamp
    reach_km: float

    @property
    def seconds(self) -> float:
        return (self.t_to - self.t_from).total_seconds()


class _Base:
    """The arrays of the aircraft's whole track, each computed once (when first needed); every Observation is a
    view of rows a..b-1."""

    def __init__(self, track: Track, max_gap_s: float, speed: SpeedBound | None) -> None:
        self.track = track
        self.max_gap_s = float(max_gap_s)
        frame = track.data
        self.t = times_s(frame)
        self.causes = segment_causes(frame, self.max_gap_s)
        self.gap = self.causes > 0
        self.dt_s = np.diff(self.t)
        self._speed = speed
        self.events: dict[tuple[Any, ...], Event] = {}  # described events by their rows in the whole track

    @cached_property
    def ground(self) -> GroundState:
        return ground_state(self.track.data, self.gap)

    @cached_property
    def speed(self) -> SpeedBound:
        return self._speed if self._speed is not None else speed_bound(self.track.data, self.gap)

    @cached_property
    def gaps(self) -> Gaps:
        return gap_table(self.track.data, self.causes, self.dt_s, self.max_gap_s, self.speed.kt)


class Observation:
    """What the data shows over one tested period (rows a..b-1 of the aircraft's track); see the module docs.

    `start` / `end` are the tested period (None: the track's own first / last sample). Build with `observe`;
    narrow with `period`; change the speed bound with `with_speed`.
    """

    def __init__(self, base: _Base, a: int, b: int, start: pd.Timestamp | None, end: pd.Timestamp | None,
                 names: tuple[str, str], speed: SpeedBound | None = None) -> None:
        self._base = base
        self.a, self.b = a, b
        self.start = start
        self.end = end
        self.period_names = names
        self._speed = speed  # None: the whole track's (computed when first needed)
        self._made: dict[str, Any] = {}
        self.max_gap_s = base.max_gap_s

    @property
    def speed(self) -> SpeedBound:
        """The speed bound of unobserved time, with where it comes from (`speed_bound`)."""
        return self._speed if self._speed is not None else self._base.speed

    def __repr__(self) -> str:
        t = self.track
        span = f"{t.start:%Y-%m-%d %H:%M:%SZ} -> {t.stop:%Y-%m-%d %H:%M:%SZ}" if len(t) else "no samples"
        return f"<Observation {t.icao24 or '-'}: {len(self)} samples ({span}), {len(self.gaps)} gaps, {self.speed.kt:,.0f} kt>"

    def __len__(self) -> int:
        return self.b - self.a

    # -- the samples ----------------------------------------------------------------------------------------------
    @cached_property
    def track(self) -> Track:
        base = self._base.track
        if self.a == 0 and self.b == len(base):
            return base
        return Track(base.data.iloc[self.a:self.b].reset_index(drop=True), base.sources, base.rejected)

    @property
    def frame(self) -> pd.DataFrame:
        return self.track.data

    @property
    def times(self) -> pd.Series:
        return self.track.data["time"]

    @property
    def t(self) -> np.ndarray:
        """Sample times, float seconds since the Unix epoch."""
        return self._base.t[self.a:self.b]

    @property
    def base_track(self) -> Track:
        """The aircraft's whole cleaned track, of which this is a view."""
        return self._base.track

    # -- segments and gaps ------------------------------------------------------------------------------------------
    @property
    def causes(self) -> np.ndarray:
        """Per segment: the gap cause code (index into tracks.segments.CAUSES; 0 = observed)."""
        return self._base.causes[self.a:max(self.b - 1, self.a)]

    @property
    def gap(self) -> np.ndarray:
        """Per segment: a coverage gap (THE rule, tracks.segments)."""
        return self._base.gap[self.a:max(self.b - 1, self.a)]

    @property
    def dt_s(self) -> np.ndarray:
        return self._base.dt_s[self.a:max(self.b - 1, self.a)]

    @cached_property
    def gaps(self) -> Gaps:
        """The coverage gaps of this view (ids of the whole track), reach under this view's speed bound."""
        g = self._base.gaps.rows_between(self.a, self.b)
        return g if self.speed.kt == g.max_speed_kt else g.with_speed(self.speed.kt)

    # -- air / ground -------------------------------------------------------------------------------------------------
    @cached_property
    def ground(self) -> GroundState:
        return self._base.ground.take(self.a, self.b)

    @property
    def on_ground(self) -> np.ndarray:
        return self.ground.on_ground

    # -- the tested period ---------------------------------------------------------------------------------------------
    def in_period(self) -> np.ndarray:
        """Per sample: inside [start, end] (a gap-spanning neighbour kept outside it is not)."""
        t = self.times
        keep = np.ones(len(t), dtype=bool)
        if self.start is not None:
            keep &= (t >= self.start).to_numpy()
        if self.end is not None:
            keep &= (t <= self.end).to_numpy()
        return keep

    @cached_property
    def edges(self) -> tuple[Edge, ...]:
        """Unobserved edges of [start, end]: only where the aircraft has no sample on that side of the bound."""
        n = len(self)
        if not n:
            return ()
        t = self.times
        start, end = self.start, self.end
        if start is not None and end is not None and not end > start:
            return ()
        out = []
        v = self.speed.kt * KM_S_PER_KT
        if start is not None and self.a == 0 and t.iloc[0] > start:
            t_to = min(t.iloc[0], end) if end is not None else t.iloc[0]
            out.append(Edge("start", 0, start, t_to, v * (t.iloc[0] - start).total_seconds()))
        if end is not None and self.b == len(self._base.track) and t.iloc[-1] < end:
            t_from = max(t.iloc[-1], start) if start is not None else t.iloc[-1]
            out.append(Edge("end", n - 1, t_from, end, v * (end - t.iloc[-1]).total_seconds()))
        return tuple(e for e in out if e.seconds > 0)

    # -- views ------------------------------------------------------------------------------------------------------------
    def period(self, start: pd.Timestamp | None, end: pd.Timestamp | None,
               names: tuple[str, str] | None = None) -> Observation:
        """The view over [start, end] (None: unbounded on that side) of the aircraft's whole track, with this view's
        speed bound: the samples in it plus the gap-spanning neighbour on each side (see the module docs)."""
        base = self._base
        n = len(base.track)
        ns = base.track.data["time"].to_numpy(dtype="datetime64[ns]")
        a, b = 0, n
        if start is not None:
            a = int(np.searchsorted(ns, start.to_datetime64(), "left"))  # the first sample at or after start
            if 0 < a < n and ns[a] > start.to_datetime64() and base.gap[a - 1]:
                a -= 1
        if end is not None:
            b = int(np.searchsorted(ns, end.to_datetime64(), "right"))  # after the last sample at or before end
            if 0 < b < n and ns[b - 1] < end.to_datetime64() and base.gap[b - 1]:
                b += 1
        if b <= a and n:  # no sample in the period: keep the samples on either side of it (the segment spanning
            a, b = max(a - 1, 0), min(a + 1, n)  # it, or the nearest sample when the data lies all on one side)
        return Observation(base, a, b, start, end, names or self.period_names, self._speed)

    def with_speed(self, kt: float | None, source: str = "claim") -> Observation:
        """The same view under another speed bound (kt); itself when `kt` is None or the same."""
        if kt is None or float(kt) == self.speed.kt:
            return self
        return Observation(self._base, self.a, self.b, self.start, self.end, self.period_names,
                           speed_bound(self.frame, self.gap, kt, source))

    def named(self, names: tuple[str, str]) -> Observation:
        """The same view, its period's ends named differently in sentences."""
        return Observation(self._base, self.a, self.b, self.start, self.end, names, self._speed)

    # -- derived ------------------------------------------------------------------------------------------------------
    @cached_property
    def arrays(self) -> TrackArrays:
        """The fence's arrays of this view, with this model's gap mask (tracks.geo.track_arrays)."""
        from tracks.geo.track_arrays import TrackArrays

        return TrackArrays(self.track, self.max_gap_s, gap=self.gap)

    def cached(self, name: str, make: Callable[[], Any]) -> Any:
        """What `make` returns, made once per view (e.g. the fence's table of the observed runs, shared by every
        region a check measures against)."""
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]

    def describe_event(self, kind: str, air: int | None, ground: int | None, observed: bool, **options: Any) -> Event:
        """`tracks.airports.describe_event` of rows `air` / `ground` of this view: described once for the whole
        track (a take-off or landing reads the same in the case window and in every claim's period)."""
        from tracks.airports import describe_event

        key = (kind, None if air is None else air + self.a, None if ground is None else ground + self.a, observed,
               tuple(sorted(options.items())))
        cache = self._base.events
        if key not in cache:
            e = describe_event(kind, self.frame, air, ground, observed, **options)
            cache[key] = replace(e, index=e.index + self.a)
        e = cache[key]
        return replace(e, index=e.index - self.a)

    @cached_property
    def legs(self) -> Legs:
        """Flights with take-off and landing events (tracks.legs.split_legs on this model)."""
        from tracks.legs import split_legs

        return split_legs(self)

    @cached_property
    def events(self) -> pd.DataFrame:
        """Take-offs, landings, touch-and-goes and go-arounds of the legs: kind, time, earliest, latest, lat, lon,
        label, observed, how (see tracks.legs.EVENT_HOW)."""
        from tracks.legs import event_rows

        return event_rows(self.legs)


def observe(track: Track, *, max_gap_s: float = DEFAULT_MAX_GAP_S, max_speed_kt: float | None = None,
            speed_source: str = "case", start: Any = None, end: Any = None,
            names: tuple[str, str] = PERIOD_NAMES) -> Observation:
    """The observation model of `track` (one aircraft, time-sorted), viewed over [start, end] when given.

    `max_speed_kt` overrides the speed bound (its `source` is `speed_source`); by default it is estimated from the
    whole track (`speed_bound`).
    """
    base = _Base(track, max_gap_s, None if max_speed_kt is None else speed_bound(track.data, np.zeros(0, bool),
                                                                                max_speed_kt, speed_source))
    whole = Observation(base, 0, len(track), None, None, names)
    if start is None and end is None:
        return whole
    return whole.period(_utc(start), _utc(end), names)


def as_observation(x: Track | Observation, **options: Any) -> Observation:
    """`x` itself when it is already an Observation, else `observe(x, **options)`."""
    return x if isinstance(x, Observation) else observe(x, **options)


def _utc(t: Any) -> pd.Timestamp | None:
    if t is None:
        return None
    ts = pd.Timestamp(t)
    if ts.tzinfo is None:
        raise ValueError(f"naive time {t!r}: give an offset or a zone (times are UTC)")
    return ts.tz_convert("UTC")


__all__ = ["PERIOD_NAMES", "Edge", "Observation", "SpeedBound", "as_observation", "observe", "speed_bound"]
