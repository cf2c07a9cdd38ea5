"""CaseResult: what `tracks.check` returns and what render/ and the reports read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from tracks.claims.verdict import STATUS_LABELS, STATUSES, Verdict
from tracks.track import Track

if TYPE_CHECKING:
    from tracks.claims.case import Case
    from tracks.geo.regions import Region
    from tracks.observation import Observation

#: Columns of `CaseResult.events`: take-offs, landings, crossings, closest approaches shown on the map; `earliest` /
#: `latest` bound when it happened (NaT: open), `how` says how it was observed (tracks.legs.EVENT_ROW_COLUMNS).
EVENT_COLUMNS = ("kind", "time", "earliest", "latest", "lat", "lon", "label", "observed", "how")


@dataclass(frozen=True, repr=False)
class CaseResult:
    case: Case
    track: Track  # the case aircraft's samples (all loaded files, whole window)
    verdicts: tuple[Verdict, ...]
    regions: tuple[Region, ...] = ()  # every region/border the claims used, for the map
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(EVENT_COLUMNS)))
    tool: dict[str, Any] = field(default_factory=dict)  # {"name": "tracks", "version": ...}
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)  # tracks.gaps.GAP_COLUMNS, one row per coverage gap
    legs: pd.DataFrame = field(default_factory=pd.DataFrame)  # tracks.legs.LEG_SUMMARY_COLUMNS, one row per leg
    notes: tuple[str, ...] = ()  # case-level caveats: illustrative data, rejected records, aircraft not found
    #: the observation model of the case window (gaps, air/ground state, speed bound, legs) that the verdicts, the
    #: report and the map read; None only for a result assembled by hand (the map then observes `track` itself)
    observation: Observation | None = None

    @property
    def illustrative(self) -> bool:
        """True when any track file says it is synthetic (illustrative), not a recording."""
        return self.track.illustrative

    def __repr__(self) -> str:
        """Short and path-free, like Track's: the title, the aircraft and the verdict counts (a notebook shows it
        to whoever reads the notebook; the case and track files' folders stay out)."""
        counts = ", ".join(f"{n} {STATUS_LABELS[s]}" for s in STATUSES
                           if (n := sum(v.status == s for v in self.verdicts)))
        aircraft = " ".join(dict.fromkeys(p for p in (self.case.aircraft.icao24, self.case.aircraft.registration,
                                                      self.case.aircraft.callsign) if p))
        parts = [repr(self.case.title), aircraft, f"{len(self.verdicts)} claims" + (f" ({counts})" if counts else ""),
                 f"{len(self.track)} points", f"{len(self.notes)} notes" if self.notes else "",
                 "ILLUSTRATIVE" if self.illustrative else ""]
        return f"<{type(self).__name__}: {' · '.join(p for p in parts if p)}>"

    def to_geodataframe(self, kind: str = "evidence") -> Any:
        """GeoDataFrame of the claims' evidence (kind "evidence": samples, points, lines, gaps per claim; see
        `tracks.interop.evidence_geodataframe`; its `file` names files relative to the case folder, else by
        name, as every published output does) or of the case track ("points", "segments", "legs", "gaps")."""
        from tracks.interop import evidence_geodataframe

        if kind == "evidence":
            return evidence_geodataframe(self.verdicts, base=self.case.directory)
        return self.track.to_geodataframe(kind)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """GeoJSON FeatureCollection of the claims' evidence (one Feature per row of `to_geodataframe()`)."""
        return self.to_geodataframe().__geo_interface__

    def explore(self, **options: Any) -> Any:
        """The map investigators publish (`tracks.render_map`), displayed inline in a notebook."""
        from tracks.render.map import render_map

        return render_map(self, **options)

    def plot_profile(self, **options: Any) -> Any:
        """The profile chart of the case track, with its events and the samples verdicts cite (SVG, shown inline in
        a notebook; the one under the map and in report.md); see `tracks.render.profile.plot_profile`
        (timezone=, max_gap_s=, width=, height=)."""
        from tracks.render.profile import plot_profile

        return plot_profile(self, **options)

    def _repr_html_(self) -> str:
        from tracks.display import result_html

        return result_html(self)

    def verdict(self, claim_id: str) -> Verdict:
        """The verdict of one claim; KeyError naming the known ids when absent."""
        for v in self.verdicts:
            if v.claim_id == claim_id:
                return v
        raise KeyError(f"no claim {claim_id!r} (claims: {', '.join(v.claim_id for v in self.verdicts)})")
