"""traffic_count on a history dataset (`traffic: {dataset: DIR}`): same rule and answers as on files."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

import tracks
from tracks.errors import CaseFileError
from tracks.history import extract, region_traffic

CASE = """
title: Was the airspace closed?
aircraft: {{icao24: {icao}}}
window: {{start: 2025-11-27T00:00Z, end: 2025-11-30T00:00Z}}
tracks: {track}
traffic: {traffic}
claims:
  - id: closed
    quote: "the airspace is closed in its entirety"
    test:
      traffic_count:
        region: VE
        baseline: {{start: 2025-11-27T00:00Z, end: 2025-11-29T00:00Z}}
        period: {{start: 2025-11-29T00:00Z, end: 2025-12-01T00:00Z}}
        at_most_ratio: 0.7
"""


def _case(tmp: Path, dataset: Path, traffic: str) -> Path:
    rt = region_traffic(dataset, "VE", start="2025-11-29", end="2025-11-29")
    icao = rt.aircraft[rt.aircraft["observed"]]["icao24"].iloc[0]
    track = extract(dataset, tmp / "picked", icao24=(icao,))[0]
    path = tmp / "case.yaml"
    path.write_text(CASE.format(icao=icao, track=Path(track).relative_to(tmp), traffic=traffic))
    return path


def test_dataset_claim_counts_per_day_with_coverage_and_cites_the_manifests(dataset, tmp_path) -> None:
    result = tracks.check(_case(tmp_path, dataset, f"{{dataset: {dataset}}}"))
    v = result.verdicts[0]
    rt = region_traffic(dataset, "VE")
    days = rt.days.set_index("day")
    m = v.measured
    assert m["source"] == "history dataset"
    assert m["baseline"]["per_day"] == {d: int(days.loc[d, "aircraft_inside"]) for d in ("2025-11-27", "2025-11-28")}
    assert m["period"]["per_day"] == {"2025-11-29": int(days.loc["2025-11-29", "aircraft_inside"])}
    assert m["period"]["coverage_per_day"] == {"2025-11-29": int(days.loc["2025-11-29", "aircraft_near"])}
    assert m["period"]["days_without_data"] == ["2025-11-30"]  # asked for, not held: not a day without traffic
    assert v.status == "supported" and m["ratio"] < 0.7
    inside = rt.aircraft[(rt.aircraft["day"] == "2025-11-29") & rt.aircraft["observed"]]
    assert m["period"]["aircraft"] == sorted(inside["icao24"])  # who still flew in
    manifests = [s for s in v.evidence.sources if s.format == "tracks-history-manifest"]
    assert len(manifests) == 3
    for s in manifests:
        assert s.sha256 == hashlib.sha256(Path(s.path.removeprefix("file://")).read_bytes()).hexdigest()
    assert any("coverage" in n for n in v.notes)


def test_the_same_claim_on_the_same_traces_loaded_as_files_gives_the_same_counts(generated, dataset, tmp_path) -> None:
    out, _ = generated
    traces = tmp_path / "traces"
    for day in ("2025.11.27", "2025.11.28", "2025.11.29"):
        parts = sorted((out / "adsblol").glob(f"v{day}-*"))
        with tarfile.open(fileobj=io.BytesIO(b"".join(p.read_bytes() for p in parts))) as tar:
            tar.extractall(traces / day, filter="data")
    on_files = tracks.check(_case(tmp_path, dataset, "traces/")).verdicts[0].measured
    on_dataset = tracks.check(_case(tmp_path, dataset, f"{{dataset: {dataset}}}")).verdicts[0].measured
    for k in ("baseline", "period"):
        assert on_files[k]["per_day"] == on_dataset[k]["per_day"]
        assert on_files[k]["coverage_per_day"] == on_dataset[k]["coverage_per_day"]
    assert on_files["ratio"] == on_dataset["ratio"]
    assert on_files["period"]["aircraft"] == on_dataset["period"]["aircraft"]


def test_a_missing_dataset_is_a_case_error_at_its_line(dataset, tmp_path) -> None:
    path = _case(tmp_path, dataset, "{dataset: nowhere/}")
    with pytest.raises(CaseFileError, match=r"case.yaml:6: .*not a tracks history dataset"):
        tracks.check(path)
