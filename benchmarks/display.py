"""Notebook display of a large track: `_repr_html_` and its parts, against the old display (`df.head(10).to_html()`)
and `legs()` in the same run (not a test).

    python benchmarks/display.py [--points 1000000] [--repeat 3]

Uses benchmarks/render.py's synthetic track (1 sample/s, loops, noise, a 10-min gap every 100,000 samples). Times,
each on a fresh Track (nothing cached): `legs()`, `route_svg`, `profile_svg`, the whole `_repr_html_` (which runs
`legs()` once and caches it), a second `_repr_html_` on the same Track (legs cached), and the reference. Prints
medians, the size of the HTML and the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.render import load_parquet_table, make_table
from tracks import display
from tracks.track import Track


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure(base: Track, repeat: int) -> tuple[dict[str, float], int]:
    """Median seconds of each part, and the size of the HTML."""
    rows: dict[str, list[float]] = {k: [] for k in ("reference", "legs", "route", "profile", "repr", "repr again")}
    size = 0
    for _ in range(repeat):
        rows["reference"].append(timed(lambda: base.data.head(10).to_html()))
        rows["legs"].append(timed(lambda: Track(base.data, base.sources).legs()))
        rows["route"].append(timed(lambda: display.route_svg([base])))
        rows["profile"].append(timed(lambda: display.profile_svg(base)))
        t = Track(base.data, base.sources)
        rows["repr"].append(timed(t._repr_html_))
        rows["repr again"].append(timed(t._repr_html_))
        size = len(t._repr_html_())
    return {k: statistics.median(v) for k, v in rows.items()}, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    for n in args.points:
        med, size = measure(load_parquet_table(make_table(n)), args.repeat)
        print(f"{n:,} points, HTML {size / 1e3:.0f} kB")
        for k, v in med.items():
            print(f"  {k:<11} {v:8.3f} s   {v / med['legs']:6.2f}x legs()")


if __name__ == "__main__":
    main()
