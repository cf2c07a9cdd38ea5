"""The progress bar of slow drawing steps (the HTML map's payload, the PNG picture): one look, one rule."""

from __future__ import annotations

from typing import Any

from tracks.progress import bar as tqdm_bar

#: Seconds a step runs before its bar appears: quick maps and pictures stay silent.
DELAY_S = 2.0


def bar(total: int, desc: str, unit: str, enabled: bool) -> Any:
    """A tqdm bar on stderr (tracks.progress) that appears only once the work has taken DELAY_S seconds and is
    erased when done."""
    return tqdm_bar(total=total, desc=desc, unit=unit, delay=DELAY_S, disable=not enabled, leave=False)
