"""Where bundled data lives: `data/` in a checkout, `tracks/_data` in an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_dir() -> Path:
    """The directory holding regions/, cases/ and aircraft.csv."""
    try:
        import tracks._data as bundled  # mapped onto data/ by pyproject's package-dir

        for entry in getattr(bundled, "__path__", []):
            if (Path(entry) / "regions").is_dir() or (Path(entry) / "cases").is_dir():
                return Path(entry)
    except ImportError:
        pass
    return Path(__file__).resolve().parent.parent / "data"
