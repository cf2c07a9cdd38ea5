"""CaseResult: what `tracks.check` returns and what render/ and the reports read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from tracks.claims.verdict import Verdict
from tracks.track import Track

if TYPE_CHECKING:
    from tracks.claims.case import Case
    from tracks.geo.regions import Region

#: Columns of `CaseResult.events`: take-offs, landings, crossings, closest approaches shown on the map.
EVENT_COLUMNS = ("kind", "time", "lat", "lon", "label", "observed")


@dataclass(frozen=True)
class CaseResult:
    case: Case
    track: Track  # the case aircraft's samples (all loaded files, whole window)
    verdicts: tuple[Verdict, ...]
    regions: tuple[Region, ...] = ()  # every region/border the claims used, for the map
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(EVENT_COLUMNS)))
    tool: dict[str, Any] = field(default_factory=dict)  # {"name": "tracks", "version": ...}
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)  # tracks.legs.GAP_COLUMNS, one row per coverage gap
    legs: pd.DataFrame = field(default_factory=pd.DataFrame)  # tracks.legs.LEG_SUMMARY_COLUMNS, one row per leg
    notes: tuple[str, ...] = ()  # case-level caveats: illustrative data, rejected records, aircraft not found

    @property
    def illustrative(self) -> bool:
        """True when any track file says it is synthetic (illustrative), not a recording."""
        return self.track.illustrative

    def verdict(self, claim_id: str) -> Verdict:
        """The verdict of one claim; KeyError naming the known ids when absent."""
        for v in self.verdicts:
            if v.claim_id == claim_id:
                return v
        raise KeyError(f"no claim {claim_id!r} (claims: {', '.join(v.claim_id for v in self.verdicts)})")
