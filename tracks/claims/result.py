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
