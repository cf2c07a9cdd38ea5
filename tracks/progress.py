"""Progress bars: one place that makes them (tqdm on stderr, or the notebook's widget when ipywidgets is there).

`tqdm.auto` warns at import when it runs in a notebook without ipywidgets ("IProgress not found"), and the
warning names tqdm's own install folder, which would then be saved into notebook outputs. `bar` imports it with
that warning silenced: without ipywidgets the bar is the text one on stderr, as in a terminal. The drawing
steps (HTML map, PNG picture) share one look through tracks.render.progress, which calls `bar`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from functools import cache
from typing import Any


@cache
def _tqdm() -> Any:
    from tqdm.std import TqdmWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.auto import tqdm
    return tqdm


def bar(iterable: Iterable[Any] | None = None, **options: Any) -> Any:
    """A tqdm progress bar over `iterable` (or updated by hand); `options` as tqdm's (total=, desc=, disable=...)."""
    return _tqdm()(iterable, **options)
