"""Write the walkthrough notebooks in notebooks/ (without outputs). Run after changing a cell here:

    python scripts/make_notebooks.py

The notebooks run top to bottom offline; tests/test_notebooks.py executes them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip())


CASE_STUDY = [
    md("""
# 1. The Caracas–Roraima case, end to end

A news story says: *according to ADS-B Exchange, the presidential jet flew from Caracas to the border with the
Brazilian state of Roraima and returned to the capital.* This notebook checks each claim against the track and
the borders, step by step: load → clean → legs → fence → claims → map.

**The track used here is ILLUSTRATIVE**: a synthetic track built from the reported facts (see
`data/cases/venezuela-2025-11/PROVENANCE.md`), because recorded ADS-B data cannot be redistributed. With
internet access, `tracks fetch --source adsbx --hex 0d8373 --date 2025-11-29` gets the recorded one.
"""),
    code("""
import pandas as pd
import tracks
from tracks.paths import data_dir

case_dir = data_dir() / "cases" / "venezuela-2025-11"
track = tracks.load(case_dir / "trace_full_0d8373.illustrative.json")
track
"""),
    md("Every track carries its sources: the file, the SHA-256 of its bytes, the format, and what was kept or rejected."),
    code("""
src = track.sources[0]
print(src.format, src.sha256, src.records_read, src.records_kept, src.records_rejected)
print("illustrative:", track.illustrative)
track.data[["time", "lat", "lon", "alt_baro_ft", "gs_kt", "source", "stale"]].head()
"""),
    md("## Clean\nNothing is dropped without a reason you can read."),
    code("""
cleaned = track.clean()
print(len(track), "->", len(cleaned.track), "points;", len(cleaned.rejected), "rejected")
cleaned.rejected.head()
"""),
    md("## Gaps and legs\nA gap is a stretch with no fresh position. Its *reachability ellipse* is everywhere the aircraft could have been."),
    code("""
t = cleaned.track
gaps = t.gaps()
gaps.frame[["gap_id", "start_time", "end_time", "duration_s", "distance_km", "reach_km"]]
"""),
    code("""
legs = t.legs()
for leg in legs:
    print(leg.takeoff.sentence, "|", leg.landing.sentence)
"""),
    md("## Borders: how close did it get to Roraima, and did it cross into Brazil?"),
    code("""
from tracks.geo import fence

border = tracks.border("VE", "BR-RR")
approach = fence.closest_approach(t, border)
print(f"closest approach {approach.distance_km:.1f} km at {approach.time:%H:%M:%SZ}")
print("crossings into Brazil:", len(fence.crossings(t, "BR")))
print("border data tolerance:", border.tolerance_km, "km")
"""),
    md("## The article's claims\nThe case file writes each claim as a test; the engine gives the verdicts."),
    code("""
result = tracks.check(case_dir / "case.yaml")
for v in result.verdicts:  # the sentences in full: they are what a reporter quotes
    print(f"{v.claim_id} [{v.label}]")
    print(f"  {v.sentence}")
"""),
    md("""
## From the article to the case file: `tracks draft`
The case file above was written by hand. `tracks.draft` (or `tracks draft ARTICLE --published DATE` on the command
line) proposes one from the story itself: each claim quotes its sentence with its position, names the test its
words call for and what a reviewer must settle, and is marked `draft: true`, which `tracks check` refuses until a
person has reviewed it. The seed story is read from `../shared/articles` (not part of this repository); without
it, the two sentences it rests on are used.
"""),
    code("""
from pathlib import Path
seed = Path(tracks.__file__).resolve().parents[2] / "shared" / "articles" / "000_986197148f7872b3.txt"
text = seed.read_text(encoding="utf-8") if seed.exists() else (
    "The US president declared Venezuela’s airspace was “closed in its entirety” last week.\\n"
    "According to the ADSB Exchange website, which monitors flight tracking data, the aircraft departed from Caracas "
    "and flew to the border with the Brazilian state of Roraima before returning to the Venezuelan capital.")
import shutil, tempfile
work = Path(tempfile.mkdtemp())  # the case's folder: its track file goes next to it
shutil.copy(case_dir / "trace_full_0d8373.illustrative.json", work)
drafted = tracks.draft(text, published="2025-12-01", aircraft="0d8373",
                       tracks=["trace_full_0d8373.illustrative.json"])
for c in drafted.claims:
    p = c.proposal
    print(f"{c.id}: {p.predicate} {p.params}")
    print(f"  paragraph {p.sentence.paragraph} [{p.sentence.start}:{p.sentence.end}]: {p.sentence.text[:90]}...")
    for note in p.review:
        print(f"  review: {note}")
"""),
    md("The reviewer settles what the article does not say (here: how close to the border counts), deletes each "
       "`draft: true` line, and checks the case like any other."),
    code("""
import re
reviewed = re.sub(r"within_km: 25\\.0", "within_km: 15", drafted.yaml)
reviewed = "\\n".join(line for line in reviewed.splitlines() if line.strip() != "draft: true") + "\\n"
(work / "case.yaml").write_text(reviewed, encoding="utf-8")
from_article = tracks.check(work / "case.yaml")
for v in from_article.verdicts:  # the sentences in full
    print(f"{v.claim_id} [{v.label}]")
    print(f"  {v.sentence}")
"""),
    md("## The map\nSelf-contained: it opens offline, years from now. Click a claim to zoom to its evidence."),
    code("""
m = tracks.render_map(result)
m
"""),
]


FORMATS = [
    md("""
# 2. Bring your own export

`tracks.load` reads the exports investigators actually get and turns them into **one table** with the same
columns and units (documented in `docs/schema.md`): UTC times, degrees, feet, knots, ft/min. The format is
detected from the content, not the file name, and gzip is detected by its magic bytes.

This notebook writes a tiny file of each kind, loads it, and shows the pitfalls handled on the way.
"""),
    code("""
import gzip, json, tempfile
from pathlib import Path
import pandas as pd
import tracks
from tracks.formats import all_formats

work = Path(tempfile.mkdtemp())
pd.DataFrame([(f.name, f.description) for f in all_formats()], columns=["format", "what it is"])
"""),
    md("""
## readsb / ADS-B Exchange traces
Points are arrays; the altitude may be the string `"ground"`; flags mark stale positions and new legs.
Archived files are gzip **saved as `.json`**.
"""),
    code("""
trace = {"icao": "0d8373", "r": "YV2984", "t": "A319", "timestamp": 1764374400.0,
         "trace": [[0.0, 10.6, -66.99, "ground", 12.5, 90.0, 0, None, {"flight": "VCV2984 "}, "adsb_icao"],
                   [65.5, 10.7, -66.9, 1500, 160.0, 120.0, 0, 1800, None, "adsb_icao"],
                   [600.0, 9.0, -65.0, 33000, 450.0, 130.0, 1, 0, None, "mlat"]]}
path = work / "trace_full_0d8373.json"
path.write_bytes(gzip.compress(json.dumps(trace).encode()))   # gzip bytes with a .json name, as ADSBx serves them
t = tracks.load(path)
print(t, "| format:", t.sources[0].format)
t.data[["time", "alt_baro_ft", "on_ground", "source", "stale", "callsign"]]
"""),
    md("## Flightradar24 CSV\nThe position is one quoted `\"lat,lon\"` field; times are Unix seconds and UTC text."),
    code("""
fr24 = work / "fr24.csv"
fr24.write_text('Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\\n'
                '1764378000,2025-11-29T01:00:00Z,VCV2984,"4.9,-61.3",9000,250,170\\n'
                '1764378060,2025-11-29T01:01:00Z,VCV2984,"4.85,-61.28",8200,240,171\\n')
t = tracks.load(fr24)
print(t.sources[0].format)
t.data[["time", "lat", "lon", "alt_baro_ft", "gs_kt", "callsign"]]
"""),
    md("## OpenSky historical state vectors\nMetres and m/s are converted to feet and knots; a position that was not updated is marked stale."),
    code("""
osky = work / "states.csv"
osky.write_text("time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,"
                "baroaltitude,geoaltitude,lastposupdate,lastcontact\\n"
                "1764378000,0d8373,4.9,-61.3,128.6,170,0,VCV2984,false,false,false,1000,3048,3100,1764378000,1764378000\\n"
                "1764378010,0d8373,4.89,-61.299,128.6,170,0,VCV2984,false,false,false,1000,3048,3100,1764378009.5,1764378010\\n")
t = tracks.load(osky)
print(t.sources[0].format)
t.data[["time", "alt_baro_ft", "gs_kt", "stale"]]
"""),
    md("""
## SBS / BaseStation (port 30003)
dump1090-fa writes the **receiver's local time** without saying so. Pass `tz=` (the loader never guesses).
"""),
    code("""
sbs = work / "feed.sbs"
sbs.write_text("MSG,1,1,1,0D8373,1,2025/11/28,21:00:00.000,2025/11/28,21:00:00.000,VCV2984,,,,,,,,,,,\\n"
               "MSG,3,1,1,0D8373,1,2025/11/28,21:00:01.000,2025/11/28,21:00:01.000,,9000,,,4.9,-61.3,,,0,0,0,0\\n"
               "MSG,3,1,1,0D8373,1,2025/11/28,21:00:11.000,2025/11/28,21:00:11.000,,8900,,,4.89,-61.29,,,0,0,0,0\\n")
t = tracks.load(sbs, tz="America/Caracas")
t.data[["time", "lat", "lon", "alt_baro_ft", "callsign"]]   # 21:00 in Caracas is 01:00Z
"""),
    md("## GPX and GeoJSON"),
    code("""
gpx = work / "track.gpx"
gpx.write_text('<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
               '<trkpt lat="4.9" lon="-61.3"><ele>3048</ele><time>2025-11-29T01:00:00Z</time></trkpt>'
               '<trkpt lat="4.8" lon="-61.2"><ele>2900</ele><time>2025-11-29T01:01:00Z</time></trkpt>'
               '</trkseg></trk></gpx>')
t = tracks.load(gpx)
t.data[["time", "lat", "lon", "alt_geom_ft"]]
"""),
    md("## Bad input gets a clear error\nIt names the file, the place and what was expected — and nothing is loaded halfway."),
    code("""
broken = work / "broken.json"
broken.write_text(json.dumps(trace)[:-30])
try:
    tracks.load(broken)
except tracks.TrackFormatError as e:
    print(e)
"""),
    md("Impossible values are rejected and counted, never silently kept or dropped:"),
    code("""
bad = dict(trace, trace=trace["trace"] + [[700.0, 95.0, -65.0, 33000, 450.0, 130.0, 0, 0, None, "adsb_icao"]])
path = work / "bad.json"
path.write_text(json.dumps(bad))
t = tracks.load(path)
print(t.sources[0].records_read, "read,", t.sources[0].records_kept, "kept")
t.rejected
"""),
]


TRAFFIC = [
    md("""
# 3. Airspace traffic before and after a date

"The airspace is closed in its entirety" is a claim about **many** aircraft. The check behind it: count the
distinct aircraft seen inside a region per day, and compare periods. This notebook builds a small
**illustrative** multi-aircraft table (synthetic, generated here), then runs the `traffic_count` predicate.

Remember what the count can and cannot say: public ADS-B coverage over Venezuela is thin, so fewer aircraft
*seen* is not proof of fewer aircraft *flying*.
"""),
    code("""
import numpy as np
import pandas as pd
import tracks
from tracks import schema
from tracks.track import Traffic

rng = np.random.default_rng(7)
rows = []
days = pd.date_range("2025-11-20", "2025-12-03", freq="D", tz="UTC")
for day in days:
    n = 40 if day < pd.Timestamp("2025-11-29", tz="UTC") else 12     # fewer flights after the 29th
    for k in range(int(rng.poisson(n))):
        icao = f"{rng.integers(0, 0xFFFFFF):06x}"
        t0 = day + pd.Timedelta(minutes=int(rng.integers(0, 1300)))
        lat0, lon0 = rng.uniform(1, 12), rng.uniform(-72, -60)
        for i in range(10):
            rows.append({"time": t0 + pd.Timedelta(seconds=30 * i), "icao24": icao,
                         "lat": lat0 + 0.02 * i, "lon": lon0 + 0.03 * i, "record": len(rows)})
traffic = Traffic(schema.conform(pd.DataFrame(rows)))
traffic
"""),
    code("""
from tracks.geo import fence

ve = tracks.region("VE")
d = traffic.data.assign(inside=fence.inside(traffic.data, ve))
daily = d[d.inside].groupby(d["time"].dt.floor("D"))["icao24"].nunique()
ax = daily.plot(kind="bar", figsize=(10, 3), title="distinct aircraft seen inside Venezuela per day (illustrative)")
daily
"""),
    md("The same comparison as a claim, with a verdict and evidence. In a case file it reads "
       "`test: {traffic_count: {region: VE, baseline: {start: ..., end: ...}, period: {...}, at_most_ratio: 0.5}}`."),
    code("""
from tracks.claims.predicates import traffic_count
from tracks.claims.times import TimeRange

verdict = traffic_count(
    traffic,
    region=ve,
    baseline=TimeRange(pd.Timestamp("2025-11-20T00:00Z"), pd.Timestamp("2025-11-29T00:00Z")),
    period=TimeRange(pd.Timestamp("2025-11-29T00:00Z"), pd.Timestamp("2025-12-04T00:00Z")),
    at_most_ratio=0.5,
)
print(verdict.label, "-", verdict.sentence)
{k: verdict.measured[k] for k in ("ratio",)}
"""),
]


AIRSPACE = [
    md("""
# 4. Was the airspace closed?

On 29 November 2025 the airspace over Venezuela was declared "closed in its entirety"; airlines suspended
flights and bombers flew off the coast. Checking that means counting **every** aircraft seen inside the region,
day by day, before and after the date, over global history — and pulling out the few aircraft that matter.

This notebook runs on a **generated month** (`benchmarks/history_gen.py`, seeded): adsb.lol releases as
published (split tar parts of gzip readsb traces), with airliners on real routes through and around Venezuela,
a closure date after which routes avoid it, a few aircraft that keep flying in, military orbits offshore, a
permanent coverage hole over the south and one day on which coverage drops. Real releases are ingested the same
way (`tracks history ingest v2025.11.29-planes-readsb-prod-0.tar.a? --into history/`).
"""),
    code("""
import sys, tempfile
from datetime import date
from pathlib import Path
import pandas as pd
import tracks
from tracks.history import ingest, region_traffic, extract

repo = Path(tracks.__file__).resolve().parent.parent      # the generator lives in the repository's benchmarks/
sys.path.insert(0, str(repo))
from benchmarks import history_gen

work = Path(tempfile.mkdtemp())
closure = date(2025, 11, 29)
truth = history_gen.generate(work / "releases", date(2025, 11, 14), 30, closure, seed=4, scale=0.6,
                             drop_days=[date(2025, 12, 6)], part_size=1 << 20)
sorted(p.name for p in (work / "releases" / "adsblol").iterdir())[:4]
"""),
    md("## Ingest: one Parquet dataset partitioned by UTC day\nEvery input is hashed into the day's manifest; bad members would be counted and named."),
    code("""
report = ingest([str(work / "releases" / "adsblol")], work / "history", progress=False)
print(report.summary().splitlines()[-1])
m = tracks.history.Dataset(work / "history").manifest("2025-11-29")
print(m.rows, "points,", m.aircraft_count, "aircraft; inputs:", [(Path(i["path"]).name, i["sha256"][:12]) for i in m.inputs])
"""),
    md("""
## Distinct aircraft inside Venezuela per day, and coverage
`aircraft_inside` uses the same fence as single tracks (segments, not only samples). `aircraft_near` is the
coverage: aircraft seen within 300 km of the region's box. A day when coverage collapses is not a day without
traffic.
"""),
    code("""
rt = region_traffic(work / "history", "VE")
days = rt.days.assign(day=pd.to_datetime(rt.days["day"]))
days[["day", "aircraft_inside", "possibly_inside", "aircraft_near", "aircraft_in_day"]].tail(12)
"""),
    code("""
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(10, 3.5))
ax.bar(days["day"], days["aircraft_inside"], label="aircraft inside Venezuela")
ax.plot(days["day"], days["aircraft_near"], color="black", marker=".", label="coverage: aircraft seen near")
ax.axvline(pd.Timestamp(closure), color="red", linestyle="--", label="closure declared")
ax.set_ylabel("distinct aircraft per UTC day")
ax.legend(loc="upper right")
fig.autofmt_xdate()
"""),
    code("""
before = days[days["day"] < pd.Timestamp(closure)]["aircraft_inside"].mean()
after = days[days["day"] >= pd.Timestamp(closure)]["aircraft_inside"].mean()
print(f"mean aircraft inside per day: {before:.1f} before, {after:.1f} from the closure on ({after / before:.2f})")
low = days.loc[days["aircraft_near"] < 0.5 * days["aircraft_near"].median(), "day"].dt.date.tolist()
print("days with collapsed coverage (read them as missing, not as empty):", low)
"""),
    md("## Who still flew in after the closure?"),
    code("""
late = rt.aircraft[(rt.aircraft["day"] >= "2025-11-29") & rt.aircraft["observed"]]
late[["day", "icao24", "callsign", "registration", "first_inside", "last_inside", "points_inside", "entries"]].head(15)
"""),
    md("And the military aircraft (readsb database flag 1) near the coast: inside, or orbiting offshore?"),
    code("""
mil = region_traffic(work / "history", "VE", db_flags=1, start="2025-11-29")
print("military aircraft inside Venezuela after the closure:", int(mil.days["aircraft_inside"].sum()),
      "| military aircraft in the data those days:", int(mil.days["selected_in_day"].sum()))
"""),
    md("## One of them, checked with `tracks check`\nThe selected aircraft's track is extracted to a file that `tracks check` and `tracks map` read; the case also tests the closure claim on the whole dataset."),
    code("""
pick = late.iloc[0]
track_file = extract(work / "history", work / "picked", icao24=(pick.icao24,), start=pick.day, end=pick.day)[0]
case = work / "case.yaml"
case.write_text(f\"\"\"
title: Flights into Venezuela after the closure
aircraft: {{icao24: {pick.icao24}}}
window: {{start: {pick.day}T00:00Z, end: {pick.day}T23:59:59Z}}
tracks: picked/{Path(track_file).name}
traffic: {{dataset: history}}
claims:
  - id: flew-in
    quote: "the aircraft entered Venezuelan airspace after the closure"
    test: {{entered: {{region: VE}}}}
  - id: closed
    quote: "the airspace is closed in its entirety"
    test:
      traffic_count:
        region: VE
        baseline: {{start: 2025-11-14T00:00Z, end: 2025-11-29T00:00Z}}
        period: {{start: 2025-11-29T00:00Z, end: 2025-12-14T00:00Z}}
        at_most_ratio: 0.1
\"\"\")
result = tracks.check(case)
for v in result.verdicts:
    print(f"{v.claim_id} [{v.label}]")
    print(f"  {v.sentence}")
    for n in v.notes:
        print(f"   - {n}")
"""),
    md("""
The counts fall sharply but not to zero: domestic flights and a few foreign ones continued, so "closed in its
entirety" is contradicted by what was *seen* — while the notes say how much of the drop coverage can explain.
"""),
]


def main() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, cells in (("1-case-study.ipynb", CASE_STUDY), ("2-bring-your-own-export.ipynb", FORMATS),
                        ("3-airspace-traffic.ipynb", TRAFFIC), ("4-was-the-airspace-closed.ipynb", AIRSPACE)):
        nb = new_notebook(cells=cells)
        for i, cell in enumerate(nb.cells):
            cell.id = f"{name[:1]}-{i:02d}"  # stable ids: regenerating gives the same file
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, NOTEBOOKS / name)
        print(f"wrote notebooks/{name}")


if __name__ == "__main__":
    main()
