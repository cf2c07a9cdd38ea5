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
    assert info.sources[-1] == f"{db} line 2"
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
