"""Aircraft identity: ICAO address blocks and registration/type/operator from database files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tracks.aircraft import AircraftDB, allocation, icao_blocks, identify
from tracks.errors import TrackFormatError


@pytest.mark.parametrize(
    ("address", "country"),
    [
        ("0d8000", "Venezuela"), ("0d8373", "Venezuela"), ("0dffff", "Venezuela"),
        ("0d7fff", "Mexico"), ("0d0000", "Mexico"),
        ("e40000", "Brazil"), ("e7ffff", "Brazil"),
        ("0ac000", "Colombia"), ("0b6abc", "Guyana"),
        ("ac671b", "United States"),
    ],
)
def test_block_edges(address: str, country: str) -> None:
    assert allocation(address).country == country
    assert identify(address).country == country


def test_narrowest_block_wins_and_reserves_are_not_states() -> None:
    # Venezuela's block lies inside no reserve, but e.g. 0x28xxxx is the SAM regional reserve
    blk = allocation("28f000")
    assert blk is not None and blk.kind == "unassigned" and "SAM" in blk.country
    info = identify("28f000")
    assert info.country == "" and "no State holds this address" in info.notes[0]
    t = icao_blocks()
    assert (t["start"] <= t["end"]).all() and len(t) == 201


def test_bad_addresses() -> None:
    with pytest.raises(ValueError, match="6 hexadecimal digits"):
        identify("0d837")
    with pytest.raises(ValueError, match="6 hexadecimal digits"):
        identify("yv2984")
    info = identify("~0d8373")
    assert info.country == "" and "non-ICAO" in info.notes[0]


def test_case_aircraft_from_the_bundled_table() -> None:
    info = identify("0D8373")
    assert (info.registration, info.type_code, info.country) == ("YV2984", "A319", "Venezuela")
    assert "Conviasa" in info.operator and info.flags == ("military",)
    assert any("tar1090-db" in s for s in info.sources)
    assert info.sentence().startswith("0d8373: YV2984, A319")
    assert info.notes == ()


def test_unknown_aircraft_is_not_an_error() -> None:
    info = identify("e40001")
    assert not info.known and info.country == "Brazil"
    assert "not in the aircraft database" in info.sentence()


def _write(path: Path, text: str, gz: bool) -> Path:
    data = text.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_readsb_csv_database(tmp_path: Path) -> None:
    db = _write(tmp_path / "aircraft.csv.gz",
                "e48a1b;PR-XYZ;A320;0000;AIRBUS A-320\n"
                "0d8035;YV-455CP;FA50;10;DASSAULT FALCON 50;1985;Some Operator\n"
                "0d9999;N123AB;C172;0001;CESSNA 172\n", gz=True)
    loaded = AircraftDB.load(db)
    assert loaded.style == "readsb" and len(loaded) == 3
    info = identify("0d8035", db=db)
    assert (info.registration, info.type_code, info.type_description) == ("YV-455CP", "FA50", "DASSAULT FALCON 50")
    assert info.year == "1985" and info.operator == "Some Operator" and info.flags == ("military",)
    assert info.sources[-1] == "aircraft.csv.gz line 2"  # the file by name: outputs never show folders
    odd = identify("0d9999", db=db)
    assert odd.flags == ("ladd",)
    assert any("does not match Venezuela's pattern ^YV" in n for n in odd.notes)
    # the user's database comes first, the bundled table still answers for the case aircraft
    assert identify("0d8373", db=db).registration == "YV2984"


def test_basic_ac_db_jsonl(tmp_path: Path) -> None:
    lines = [
        {"icao": "0D8373", "reg": "YV2984", "icaotype": "A319", "year": None, "manufacturer": "Airbus",
         "model": "A319-133", "ownop": "Conviasa", "faa_pia": False, "faa_ladd": False, "short_type": "L2J",
         "mil": True},
        {"icao": "E48A1B", "reg": "PR-XYZ", "icaotype": "A320", "manufacturer": "Airbus", "model": "A320",
         "ownop": "", "mil": False},
    ]
    db = _write(tmp_path / "basic-ac-db.json.gz", "\n".join(json.dumps(x) for x in lines) + "\n", gz=True)
    info = identify("0d8373", db=db)
    assert (info.registration, info.type_code, info.operator) == ("YV2984", "A319", "Conviasa")
    assert info.type_description == "Airbus A319-133" and info.flags == ("military",)
    assert AircraftDB.load(db).style == "basic-ac-db"


def test_opensky_csv(tmp_path: Path) -> None:
    db = _write(tmp_path / "aircraftDatabase.csv",
                '"icao24","registration","manufacturername","model","typecode","operator","owner","built"\n'
                '"e48a1b","PR-XYZ","Airbus","A320-214","A320","","Lessor Ltd","2010-01-01"\n', gz=False)
    info = identify("e48a1b", db=db)
    assert (info.registration, info.type_code, info.type_description) == ("PR-XYZ", "A320", "Airbus A320-214")
    assert info.operator == "Lessor Ltd" and info.country == "Brazil"


def test_bad_database_files_name_file_and_line(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.json", '{"icao": "0d8373"}\n{not json\n', gz=False)
    with pytest.raises(TrackFormatError, match=r"bad.json: line 2: invalid JSON"):
        AircraftDB.load(bad)
    with pytest.raises(TrackFormatError, match="no such file"):
        identify("0d8373", db=tmp_path / "missing.csv.gz")
    short = _write(tmp_path / "short.csv", "0d8373;YV2984\n", gz=False)
    with pytest.raises(TrackFormatError, match="line 1"):
        AircraftDB.load(short)


# -- wiring: the chosen database, track identity, emergency squawks -----------------------------------------------

@pytest.fixture
def no_chosen_db(monkeypatch: pytest.MonkeyPatch):
    from tracks import aircraft

    monkeypatch.delenv("TRACKS_AIRCRAFT_DB", raising=False)
    aircraft.forget()
    yield
    aircraft.forget()


def test_use_a_database_for_the_session_then_forget_it(tmp_path: Path, no_chosen_db: None) -> None:
    from tracks import aircraft

    db = _write(tmp_path / "aircraft.csv.gz", "ac671b;N899DN;B739;0001;BOEING 737-900;2018;DELTA AIR LINES INC\n",
                gz=True)
    assert identify("ac671b").type_code == ""
    chosen = aircraft.use(db)
    assert aircraft.current_db() is chosen and chosen.style == "readsb"
    info = identify("ac671b")
    assert (info.type_code, info.operator, info.flags, info.country) == ("B739", "DELTA AIR LINES INC", ("ladd",),
                                                                         "United States")
    assert identify("0d8373").registration == "YV2984"  # the bundled table still answers after the user's
    aircraft.forget()
    assert identify("ac671b").type_code == ""


def test_database_named_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           no_chosen_db: None) -> None:
    db = _write(tmp_path / "basic-ac-db.json", json.dumps({"icao": "AE503D", "reg": "09-0540", "icaotype": "B737",
                                                           "ownop": "United States Air Force", "mil": True}), gz=False)
    monkeypatch.setenv("TRACKS_AIRCRAFT_DB", str(db))
    info = identify("ae503d")
    assert (info.registration, info.type_code, info.flags) == ("09-0540", "B737", ("military",))


def test_use_without_a_path_takes_the_archived_aircraft_db(tmp_path: Path, no_chosen_db: None) -> None:
    from tracks import aircraft
    from tracks.fetch.archive import Archive

    arch = Archive(tmp_path / "evidence")
    body = gzip.compress(b"ae503d;09-0540;B737;10;BOEING C-40C\n")
    tmp = tmp_path / "body"
    tmp.write_bytes(body)
    import hashlib

    arch.commit(tmp, name="aircraft.csv.gz", url="https://example.invalid/aircraft.csv.gz", source="aircraft-db",
                key="aircraft-db x", retrieved_at="2025-11-30T00:00:00Z", status=200, size=len(body),
                sha256=hashlib.sha256(body).hexdigest(), headers={}, request={}, tool="tracks/test")
    aircraft.use(archive=tmp_path / "evidence")
    assert identify("ae503d").flags == ("military",)
    with pytest.raises(TrackFormatError, match="no aircraft database in this archive"):
        aircraft.use(archive=tmp_path / "empty")


def test_identity_of_real_corpus_aircraft(corpus: Path, no_chosen_db: None) -> None:
    import tracks

    t = tracks.load(corpus / "readsb-trace" / "trace_full_ac671b.json")
    ident = t.identity
    assert (ident.country, ident.block, ident.registration) == ("United States", "a00000-afffff", "N899DN")
    # no database names it: registration, type, operator and year are the file header's, cited by file name
    assert (ident.type_code, ident.type_description, ident.operator, ident.year, ident.flags) == (
        "B739", "BOEING 737-900", "DELTA AIR LINES INC", "2018", ())
    assert ident.sources[-1] == "track file trace_full_ac671b.json"
    assert dict(ident.value_sources)["registration"] == "track file trace_full_ac671b.json"
    jal = tracks.load(corpus / "fr24-granular-csv" / "JL516_Flightradar24_ADS-B_data_granular.csv.gz")
    assert jal.identity.country == "Japan"
    spar = tracks.load(corpus / "fr24-playback-json" / "2ce4f83f.json")
    assert (spar.identity.country, spar.identity.registration) == ("United States", "09-0540")
    fa = tracks.load(corpus / "flightaware-kml" / "FlightAware_DLH1534_LSZH_EDDF_20210817.kml")
    assert fa.icao24 == "000000" and fa.identity.country == ""
    assert "no ICAO 24-bit address" in fa.identity.notes[0]
    assert fa.identity.sentence() == "no ICAO address in the file"


def test_emergency_squawk_runs() -> None:
    import pandas as pd

    from tracks import schema
    from tracks.aircraft import emergency_squawks

    t0 = pd.Timestamp("2025-11-29T01:00Z")
    squawks = ["1000", "7700", None, "7700", "7700", "7600", "1000", "7500", None]
    frame = schema.conform(pd.DataFrame({
        "time": [t0 + pd.Timedelta(seconds=10 * i) for i in range(len(squawks))],
        "lat": 4.0, "lon": -61.0, "squawk": pd.Series(squawks, dtype="string"), "icao24": "0d8373"}))
    runs = emergency_squawks(frame)
    assert runs["squawk"].tolist() == ["7700", "7600", "7500"]
    assert runs["samples"].tolist() == [3, 1, 1]  # a sample without a squawk does not break the run
    assert runs["first_index"].tolist() == [1, 5, 7] and runs["last_index"].tolist() == [4, 5, 7]
    assert runs["end_time"].iloc[0] == t0 + pd.Timedelta(seconds=40)
    assert runs["meaning"].iloc[1] == "radio failure"
    assert emergency_squawks(frame.iloc[:1]).empty


def test_states_of_registry_for_many_addresses_agree_with_identify(corpus: Path) -> None:
    import tracks
    from tracks.aircraft import states_of_registry
    from tracks.summary import brief_records

    snapshot = tracks.load(corpus / "readsb-aircraft-json" / "ANG13T__ADSB-Spoof-Detector" / "aircraft.json.gz")
    ids = [*snapshot.data["icao24"].unique()[::20], "0d8373", "28f000", "~0d8373", "000000", "zz"]
    got = states_of_registry(ids)
    want = [identify(i).country if i not in ("zz", "000000") else "" for i in ids]
    assert got.tolist() == want
    rows = brief_records(snapshot.data)
    assert len(rows) == 7980 and sum(r["points"] for r in rows) == len(snapshot)
    za = next(r for r in rows if r["icao24"] == "00b1f4")
    assert (za["state_of_registry"], za["registration"], za["callsign"]) == ("South Africa", "ZS-SXF", "SA53")
