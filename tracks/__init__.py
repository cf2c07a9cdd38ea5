"""tracks: cross-check claims about aircraft movements against public ADS-B tracks and borders.

    >>> import tracks
    >>> t = tracks.load("trace_full_0d8373.json")          # any supported export, format detected from content
    >>> result = tracks.check("data/cases/venezuela-2025-11/case.yaml")
    >>> tracks.render_map(result).save("map.html")
    >>> tracks.plot_profile(result)                        # altitude and ground speed against time (SVG)

The flow is one way: load -> clean -> legs -> geo.fence -> claims -> render.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from tracks.errors import CaseFileError, FetchError, RegionError, TrackFormatError, TracksError
from tracks.loader import load, load_traffic
from tracks.track import Source, Track, Traffic

__version__ = "0.1.0"

# Heavier parts are imported on first use so that `import tracks` stays fast.
_LAZY = {
    "clean": ("tracks.clean", "clean"),
    "find_gaps": ("tracks.gaps", "find_gaps"),
    "observe": ("tracks.observation", "observe"),
    "split_legs": ("tracks.legs", "split_legs"),
    "regions": ("tracks.geo.regions", None),
    "region": ("tracks.geo.regions", "get_region"),
    "border": ("tracks.geo.regions", "border"),
    "check": ("tracks.claims.engine", "check"),
    "load_case": ("tracks.claims.case", "load_case"),
    "render_map": ("tracks.render.map", "render_map"),
    "plot_profile": ("tracks.render.profile", "plot_profile"),
    "fetch": ("tracks.fetch", "fetch"),
    "draft": ("tracks.drafting", "draft"),
}

__all__ = [
    "CaseFileError",
    "FetchError",
    "RegionError",
    "Source",
    "Track",
    "TrackFormatError",
    "Traffic",
    "TracksError",
    "__version__",
    "load",
    "load_traffic",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module_name, attr = _LAZY[name]
        module = import_module(module_name)
        return module if attr is None else getattr(module, attr)
    raise AttributeError(f"module 'tracks' has no attribute {name!r}")
