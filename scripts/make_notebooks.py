"""Write, run and check the walkthrough notebooks in notebooks/ (their cells are defined here).

    python scripts/make_notebooks.py              # write the cells only (no outputs): quick, while editing
    python scripts/make_notebooks.py --execute    # write, run top to bottom, keep the outputs: commit these
    python scripts/make_notebooks.py --execute 5  # only the notebooks whose file name starts with "5"

The notebooks are committed WITH their outputs, so that a repository viewer shows the tables, plots and static
maps. Cells made with `code(..., verdict=True)` (metadata tag "verdict") print what the notebook concludes:
verdicts, crossing and landing times, what a gap allows and rules out. tests/test_notebooks.py runs every
notebook and fails when the text such a cell prints differs from the committed output: when a change to
`tracks` changes a conclusion, the test shows the difference, and if the change is right one command
(`--execute` above) refreshes the committed outputs. Other outputs (maps, HTML displays, plots) may differ
from run to run and are not compared.

Committed outputs are published, so they never show the folders of whoever ran them (the repository, home,
temporary folders): `--execute` refuses to write a notebook whose outputs do (`private_outputs`), and the tests
check the committed ones. Print file names (`tracks.paths.public_name`), not paths.

To add a notebook: define its cells (a list of `md(...)` / `code(...)`) and add it to NOTEBOOK_CELLS.
They run with notebooks/ as the working directory; ../shared/corpus is read at run time, never copied.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
VERDICT_TAG = "verdict"
#: Seconds one cell may take when the notebooks are run.
CELL_TIMEOUT_S = 600


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str, *, verdict: bool = False) -> nbformat.NotebookNode:
    """A code cell; `verdict=True` marks its printed text as a conclusion that tests/test_notebooks.py checks."""
    cell = new_code_cell(text.strip())
    if verdict:
        cell.metadata["tags"] = [VERDICT_TAG]
    return cell


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
track   # identity, span, gaps, legs, route and altitude profile (gaps dashed / shaded: no data there)
"""),
    md("Who the aircraft is: the State whose ICAO address block holds `0d8373`, and what the aircraft database "
       "says (`tracks.aircraft.use(\"basic-ac-db.json.gz\")` adds yours; here the bundled table answers)."),
    code("""
print(track.identity.sentence())
print("flags:", ", ".join(track.identity.flags) or "none", "| emergency squawks:", len(track.emergencies()))
""", verdict=True),
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
""", verdict=True),
    md("The same as GeoDataFrames (GeoPandas), e.g. to join with your own layers: points, segments, legs, and the "
       "gaps with their reachability ellipse in the `reach` column. A static picture for any viewer:"),
    code("""
import geopandas as gpd
import matplotlib.pyplot as plt

def outline(code):
    return gpd.GeoSeries([tracks.region(code).geometry], crs="EPSG:4326")

ax = outline("VE").plot(color="#eef2e6", edgecolor="#888", figsize=(7, 6))
outline("BR-RR").plot(ax=ax, color="#fde9d9", edgecolor="#c66")
gaps_gdf = t.to_geodataframe("gaps")
gaps_gdf.set_geometry("reach").plot(ax=ax, color="#7fd7ff", alpha=0.4)
t.to_geodataframe("legs").plot(ax=ax, color="#0550ae", linewidth=1.5)
gaps_gdf.plot(ax=ax, color="#555", linestyle="--")
ax.set_xlim(-68.5, -59.5); ax.set_ylim(3.0, 11.5)
ax.set_title("YV2984 (illustrative track): legs, coverage gap (dashed) and where it could have been (blue)")
plt.show()
"""),
    md("## Borders: how close did it get to Roraima, and did it cross into Brazil?"),
    code("""
from tracks.geo import fence

border = tracks.border("VE", "BR-RR")
approach = fence.closest_approach(t, border)
print(f"closest approach {approach.distance_km:.1f} km at {approach.time:%H:%M:%SZ}")
print("crossings into Brazil:", len(fence.crossings(t, "BR")))
print("border data tolerance:", border.tolerance_km, "km")
print("pieces inside Venezuela:", len(t.clip("VE")), "| samples inside Roraima:", len(t.clip("BR-RR").track))
""", verdict=True),
    md("## The article's claims\nThe case file writes each claim as a test; the engine gives the verdicts."),
    code("""
result = tracks.check(case_dir / "case.yaml")
for v in result.verdicts:  # the sentences in full: they are what a reporter quotes
    print(f"{v.claim_id} [{v.label}]")
    print(f"  {v.sentence}")
""", verdict=True),
    code("""
result   # the check result: verdicts, the aircraft, notes on the data
"""),
    md("Each claim's evidence (cited samples, computed points, the closest-approach line, the gaps it looked at) "
       "as a GeoDataFrame:"),
    code("""
evidence = result.to_geodataframe()
evidence[["claim_id", "status", "kind", "label", "time"]].head(12)
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
""", verdict=True),
    md("## The map\nSelf-contained: it opens offline, years from now. Click a claim to zoom to its evidence."),
    code("""
m = result.explore()   # the same as tracks.render_map(result)
m
"""),
    md("""
## The profile
Landing, ground-time and "flew low" claims are argued with altitude and ground speed against time: the chart
under the map, also written next to report.md (profile.svg). Coverage gaps are shaded "no data"; take-offs,
landings and the closest approach are marked, and the samples a verdict cites are ringed. Times in UTC and
Caracas time. `track.plot_profile()` draws the same for any track.
"""),
    code("""
result.plot_profile()
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
    print(str(e).replace(str(work), "<work>"))   # the temporary folder differs from run to run
""", verdict=True),
    md("Impossible values are rejected and counted, never silently kept or dropped:"),
    code("""
bad = dict(trace, trace=trace["trace"] + [[700.0, 95.0, -65.0, 33000, 450.0, 130.0, 0, 0, None, "adsb_icao"]])
path = work / "bad.json"
path.write_text(json.dumps(bad))
t = tracks.load(path)
print(t.sources[0].records_read, "read,", t.sources[0].records_kept, "kept")
print(t.rejected[["record", "reason"]].to_string(index=False))
""", verdict=True),
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
from tracks.claims.traffic import traffic_count
from tracks.claims.times import TimeRange

verdict = traffic_count(
    traffic,
    region=ve,
    baseline=TimeRange(pd.Timestamp("2025-11-20T00:00Z"), pd.Timestamp("2025-11-29T00:00Z")),
    period=TimeRange(pd.Timestamp("2025-11-29T00:00Z"), pd.Timestamp("2025-12-04T00:00Z")),
    at_most_ratio=0.5,
)
print(verdict.label, "-", verdict.sentence)
print("ratio:", verdict.measured["ratio"])
""", verdict=True),
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
print(report.summary().splitlines()[-1].replace(str(work), "<work>"))   # the temporary folder is nobody's business
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
""", verdict=True),
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
""", verdict=True),
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
""", verdict=True),
    md("""
The counts fall sharply but not to zero: domestic flights and a few foreign ones continued, so "closed in its
entirety" is contradicted by what was *seen* — while the notes say how much of the drop coverage can explain.
"""),
]


REAL_EXPORTS = [
    md("""
# 5. Real exports: what they show, and what their gaps allow

Four real files from `../shared/corpus` (FlightAware, Flightradar24, a readsb aggregator), read **at run time**
from that folder: they are other people's data (see its `PROVENANCE.md`), so this repository holds only what
`tracks` derives from them, never the files. Every number below comes from `tracks` on the file as published.

1. FlightAware KML, DLH1534 Zurich → Frankfurt: where and when it crossed from Switzerland into Germany.
2. Flightradar24, JL516 (Sapporo → Haneda, 2 Jan 2024) and SPAR19 (Kuala Lumpur → Taipei, 2 Aug 2022):
   what the samples say about take-off and landing, as intervals.
3. readsb trace of ac671b (N899DN) over 22 hours with an 8.4-hour gap: what the gap allows and rules out.
"""),
    code("""
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import tracks
from tracks.geo import fence
from tracks.wording import when

CORPUS = Path.cwd().parent.parent / "shared" / "corpus"   # notebooks/ -> the repository -> ../shared/corpus
assert CORPUS.is_dir(), f"this notebook reads the shared corpus at {CORPUS}"

def outline(code):
    return gpd.GeoSeries([tracks.region(code).geometry], crs="EPSG:4326")
"""),
    md("## 1. DLH1534, Zurich → Frankfurt (FlightAware KML)\n"
       "FlightAware's KML has no ICAO address (the identity says so) and one sample every 20–30 s."),
    code("""
dlh = tracks.load(CORPUS / "flightaware-kml" / "FlightAware_DLH1534_LSZH_EDDF_20210817.kml")
dlh
"""),
    md("The border crossing is found on the segment between two samples, with an interpolated time (constant "
       "ground speed along the segment); the two samples around it are the evidence."),
    code("""
exit_ch = fence.crossings(dlh, "CH").iloc[0]
entry_de = fence.crossings(dlh, "DE").iloc[0]
before, after = dlh.data.iloc[int(exit_ch["before_index"])], dlh.data.iloc[int(exit_ch["after_index"])]
print(f"left Switzerland:  {exit_ch['time']:%H:%M:%S}Z at {exit_ch['lat']:.4f}, {exit_ch['lon']:.4f}")
print(f"entered Germany:   {entry_de['time']:%H:%M:%S}Z at {entry_de['lat']:.4f}, {entry_de['lon']:.4f}")
print(f"between samples at {before['time']:%H:%M:%S}Z and {after['time']:%H:%M:%S}Z "
      f"({exit_ch['dt_s']:.0f} s apart, {before['alt_baro_ft']:,.0f} -> {after['alt_baro_ft']:,.0f} ft), in a gap: {bool(exit_ch['in_gap'])}")
print("border data tolerance:", tracks.region("CH").tolerance_km, "km")
for leg in dlh.legs():
    print(leg.sentence())
""", verdict=True),
    code("""
ax = outline("CH").plot(color="#fde9d9", edgecolor="#c66", figsize=(6, 6), aspect="auto")
outline("DE").plot(ax=ax, color="#eef2e6", edgecolor="#888")
dlh.to_geodataframe("legs").plot(ax=ax, color="#0550ae")
ax.plot([exit_ch["lon"]], [exit_ch["lat"]], "D", color="#6a1b9a", markersize=9, label="crossing")
ax.set_xlim(7.0, 10.5); ax.set_ylim(47.2, 50.3); ax.legend(loc="lower right")
ax.set_title("DLH1534: Switzerland (pink) to Germany (green)")
plt.show()
"""),
    md("## 2. Take-offs and landings as intervals (Flightradar24)\n"
       "A landing is *observed* only with samples on both sides of the touchdown and no gap between them; otherwise "
       "the sentence says what was last seen. The interval is from the last airborne sample to the first on the "
       "ground."),
    code("""
jl516 = tracks.load(CORPUS / "fr24-playback-json" / "3376ab31.json")
spar19 = tracks.load(CORPUS / "fr24-playback-json" / "2ce4f83f.json")
for t in (jl516, spar19):
    print(f"{t.callsign} ({t.identity.sentence()})")
    for leg in t.legs():
        for e in (leg.takeoff, leg.landing):
            print(f"  {e.kind}: {e.sentence}")
            print(f"    observed: {e.observed}; last sample before: {when(e.last_sample_time, seconds=True)}; "
                  f"event time: {when(e.time, seconds=True)}")
""", verdict=True),
    code("""
spar19   # 871 samples; Flightradar24 gives no position source, so every sample is "unknown"
"""),
    md("## 3. ac671b: a day with an 8.4-hour gap (readsb)\n"
       "N899DN flew four legs; between 06:23Z and 14:47Z on 5 Feb 2025 nobody saw it. What can we say about that "
       "time? Only what the speed bound allows: it was somewhere within its *reachability ellipse*."),
    code("""
ac = tracks.load(CORPUS / "readsb-trace" / "trace_full_ac671b.json")
print(ac.identity.sentence())
ac
""", verdict=True),
    code("""
from tracks.geo.reach import reaches_geometry

gaps = ac.gaps()
g = gaps.frame.loc[gaps.frame["duration_s"].idxmax()]
print(f"{g['gap_id']}: {when(g['start_time'])} -> {when(g['end_time'])}, {g['duration_s'] / 3600:.1f} h without data")
print(f"  last seen {g['start_lat']:.3f}, {g['start_lon']:.3f} at {g['start_alt_ft']:,.0f} ft; "
      f"seen again {g['end_lat']:.3f}, {g['end_lon']:.3f} at {g['end_alt_ft']:,.0f} ft, {g['distance_km']:.0f} km away")
print(f"  speed bound {g['max_speed_kt']:.0f} kt: the aircraft was within d(A,P) + d(P,B) <= {g['reach_km']:,.0f} km")
for leg in ac.legs():
    if g["gap_id"] in (leg.landing.gap_id, leg.takeoff.gap_id):
        print(f"  {leg.leg_id}: {leg.takeoff.sentence} / {leg.landing.sentence}")
codes = ["US", "CA", "MX", "CU", "GT", "CO", "GB", "FR", "JP", "BR"]
reach = {c: bool(reaches_geometry([g["start_lat"]], [g["start_lon"]], [g["end_lat"]], [g["end_lon"]],
                                  [g["reach_km"]], tracks.region(c).geometry)[0]) for c in codes}
print("could have been over:", ", ".join(tracks.region(c).name for c in codes if reach[c]))
print("ruled out:           ", ", ".join(tracks.region(c).name for c in codes if not reach[c]))
""", verdict=True),
    md("So the gap allows a landing (the legs say where the track was last and first seen, and flag that a landing "
       "may hide in the gap) and a flight anywhere in North America; it rules out Europe, Japan or Brazil. A claim "
       "about where N899DN was during those 8.4 hours is **not verifiable** from this file unless the place is out "
       "of reach."),
    code("""
gaps_gdf = ac.to_geodataframe("gaps")
big = gaps_gdf[gaps_gdf["gap_id"] == g["gap_id"]]
ax = gpd.GeoSeries([tracks.region(c).geometry for c in ("US", "CA", "MX")], crs="EPSG:4326").plot(
    color="#eef2e6", edgecolor="#999", figsize=(8, 5))
big.set_geometry("reach").plot(ax=ax, color="#7fd7ff", alpha=0.5)
ac.to_geodataframe("legs").plot(ax=ax, color="#0550ae", linewidth=1)
big.plot(ax=ax, color="#333", linestyle="--")
ax.set_xlim(-170, -50); ax.set_ylim(10, 75)
ax.set_title(f"ac671b: legs (blue) and where it could have been during {g['gap_id']} (light blue)")
plt.show()
"""),
    code("""
ac.explore()   # the interactive, self-contained map (gaps dashed, take-offs and landings marked)
"""),
]


#: Every notebook, in order: file name -> cells. Add new notebooks here.
NOTEBOOK_CELLS: dict[str, list[nbformat.NotebookNode]] = {
    "1-case-study.ipynb": CASE_STUDY,
    "2-bring-your-own-export.ipynb": FORMATS,
    "3-airspace-traffic.ipynb": TRAFFIC,
    "4-was-the-airspace-closed.ipynb": AIRSPACE,
    "5-real-exports.ipynb": REAL_EXPORTS,
}


def build(name: str, cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """The notebook `name` from its cells, with stable cell ids (regenerating gives the same file)."""
    nb = new_notebook(cells=[nbformat.from_dict(c) for c in cells])
    for i, cell in enumerate(nb.cells):
        cell.id = f"{name.split('-', 1)[0]}-{i:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run `nb` top to bottom in a fresh kernel with notebooks/ as the working directory (in place)."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def private_folders() -> tuple[str, ...]:
    """Folders of the machine that runs the notebooks, which committed outputs must never show: the repository,
    the home folder, temporary folders, and /work/ (where the project's worktrees live)."""
    import tempfile

    repo = NOTEBOOKS.parent
    folders = {str(repo), str(repo.resolve()), str(Path.home()) + "/", tempfile.gettempdir() + "/", "/tmp/", "/work/"}
    return tuple(sorted(f for f in folders if len(f.strip("/")) > 1))


def private_outputs(nb: nbformat.NotebookNode) -> dict[str, list[str]]:
    """The private folders (`private_folders`) each code cell's outputs show, by cell id. Text outputs only:
    pictures (image/png, base64) are not text, and could hold such letters by chance."""
    folders = private_folders()
    found = {}
    for cell in nb.cells:
        texts = []
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            texts += [o.get("text", ""), o.get("evalue", ""), *o.get("traceback", [])]
            texts += [v if isinstance(v, str) else str(v) for k, v in o.get("data", {}).items()
                      if not k.startswith("image/") or k == "image/svg+xml"]
        shown = [f for f in folders if any(f in t for t in texts)]
        if shown:
            found[cell.id] = shown
    return found


def verdict_outputs(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The text each verdict cell printed (stdout and plain-text results), by cell id; memory addresses and
    trailing spaces removed. Errors are included, so a cell that fails never matches."""
    out = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or VERDICT_TAG not in cell.metadata.get("tags", []):
            continue
        parts = []
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                parts.append(o.text)
            elif o.output_type in ("execute_result", "display_data"):
                parts.append(o.get("data", {}).get("text/plain", ""))
            elif o.output_type == "error":
                parts.append(f"ERROR {o.ename}: {o.evalue}")
        text = _ADDRESS.sub("", "".join(parts))
        out[cell.id] = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--execute", action="store_true", help="run the notebooks and keep their outputs")
    parser.add_argument("only", nargs="*", help="file name prefixes of the notebooks to write (default: all)")
    args = parser.parse_args(argv)
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, cells in NOTEBOOK_CELLS.items():
        if args.only and not any(name.startswith(p) for p in args.only):
            continue
        nb = build(name, cells)
        if args.execute:
            print(f"running notebooks/{name} ...", flush=True)
            execute(nb)
            leaks = private_outputs(nb)
            if leaks:  # a committed notebook is published: print relative names, never the runner's folders
                print(f"notebooks/{name} NOT written: its outputs show private folders {leaks}", file=sys.stderr)
                return 1
        nbformat.write(nb, NOTEBOOKS / name)
        size = (NOTEBOOKS / name).stat().st_size
        print(f"wrote notebooks/{name} ({size / 1e6:.2f} MB{', with outputs' if args.execute else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
