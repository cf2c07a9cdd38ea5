"""Aircraft identity: which State allocated an ICAO 24-bit address, and registration / type / operator.

- The allocating State comes from the ICAO Annex 10 block table in `data/icao_blocks.csv` (source and licence
  in data/PROVENANCE.md). An address says which State's block it is in, not where the aircraft is today.
- Registration, type and operator come from an aircraft database file the user points to, in one of these
  styles (sniffed by content, plain or gzip):
    * readsb / tar1090-db `aircraft.csv.gz`: `icao;registration;type;flags;description[;year;owner]`, no header;
      flags is a string of 0/1 (1st military, 2nd interesting, 3rd PIA, 4th LADD);
    * ADS-B Exchange `basic-ac-db.json.gz`: one JSON object per line (icao, reg, icaotype, model, ownop, mil...);
    * OpenSky `aircraftDatabase.csv` (header with icao24, registration, typecode, ...);
    * this package's own CSV (`data/aircraft.csv`: icao24, registration, type_code, ..., source).
  The bundled `data/aircraft.csv` covers the aircraft of the bundled case, each row with its source; it is
  always consulted after the user's database. Values from a user's file cite it by file name and line
  (`tracks.paths.public_name`: reports and maps never show the user's folders).
- The track file itself may carry identity (readsb traces and aircraft.json: `r`, `t`, `desc`, `ownOp`, `year`,
  `dbFlags`; `Source.aircraft`). Precedence, value by value: a database that knows the aircraft wins where it
  has a value; the track file fills what it lacks (cited as "track file <name>"). `identities` applies this
  rule to many aircraft at once; `identify` is that rule for one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tracks.errors import TrackFormatError
from tracks.paths import data_dir, public_name
from tracks.schema import UNKNOWN_ICAO24, icao_hex_mask, is_icao_assigned, parse_icao24
from tracks.unpack import GZIP_MAGIC, UnpackError, gunzip

if TYPE_CHECKING:
    from tracks.formats.base import FileAircraft
    from tracks.track import Source

#: Meaning of the readsb / tar1090-db flag bits.
DB_FLAGS: tuple[str, ...] = ("military", "interesting", "pia", "ladd")
#: How each flag is shown to people.
DB_FLAG_LABELS: dict[str, str] = {
    "military": "military / government",
    "interesting": "interesting (tar1090-db)",
    "pia": "PIA (FAA privacy ICAO address: the address is not the aircraft's permanent one)",
    "ladd": "LADD (FAA limited aircraft data: the owner asked trackers not to display it)",
}
#: Mode A codes reserved for emergencies (ICAO Annex 10 Vol IV; Doc 4444 15.1.3, 15.7.3).
EMERGENCY_SQUAWKS: dict[str, str] = {
    "7500": "unlawful interference (hijack)",
    "7600": "radio failure",
    "7700": "general emergency",
}
EMERGENCY_COLUMNS: tuple[str, ...] = ("squawk", "meaning", "start_time", "end_time", "first_index", "last_index",
                                      "samples")
#: What a database or the track file can say about an aircraft (each value with its own source).
FIELDS: tuple[str, ...] = ("registration", "type_code", "type_description", "operator", "year", "flags")
#: How an unknown address (UNKNOWN_ICAO24) is shown to people, wherever an address is shown.
NO_ADDRESS = "no ICAO address in the file"


def shown_address(icao24: str) -> str:
    """An address as shown to people (titles, header lines, lists): its hex digits, or NO_ADDRESS for the
    unknown address 000000 (files that carry none: FR24 CSV and KML, FlightAware KML, GPX)."""
    return NO_ADDRESS if str(icao24).strip().lower() in ("", UNKNOWN_ICAO24) else str(icao24)


@dataclass(frozen=True)
class IcaoBlock:
    """One allocation block: addresses start..end inclusive (ints), the State (or reserve) and its
    registration pattern (regex, "" when none); `kind` is "state", "unassigned" or "special"."""

    start: int
    end: int
    country: str
    registration_pattern: str
    kind: str
    comment: str = ""

    @property
    def range(self) -> str:
        """'0d8000-0dffff'."""
        return f"{self.start:06x}-{self.end:06x}"


@dataclass(frozen=True)
class AircraftInfo:
    """What is known about one address. Empty strings mean "not known"; `sources` says where each value came
    from and `notes` carry caveats (unallocated address, registration not matching the block, ...)."""

    icao24: str
    country: str = ""
    block: str = ""
    registration: str = ""
    type_code: str = ""
    type_description: str = ""
    operator: str = ""
    year: str = ""
    flags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    value_sources: tuple[tuple[str, str], ...] = ()  # (field of FIELDS, its source) for each value given

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the state of registry (the State whose block holds the address), database fields, flags
        with their labels, where they came from (`sources`; `value_sources`: field -> source), caveats and the
        sentence."""
        return {
            "icao24": self.icao24, "state_of_registry": self.country, "address_block": self.block,
            "registration": self.registration, "type_code": self.type_code,
            "type_description": self.type_description, "operator": self.operator, "year": self.year,
            "flags": list(self.flags), "flag_labels": flag_labels(self.flags), "sources": list(self.sources),
            "value_sources": dict(self.value_sources), "notes": list(self.notes), "sentence": self.sentence(),
        }

    def source_lines(self) -> list[str]:
        """Where the values came from, one line per source: 'registration, type_code: track file x.json'."""
        by: dict[str, list[str]] = {}
        for name, src in self.value_sources:
            by.setdefault(src, []).append(name)
        return [f"{', '.join(names)}: {src}" for src, names in by.items()]

    def short(self, with_type: bool = True) -> str:
        """A short line for titles: 'A319 · Conviasa · Venezuela block · military / government'."""
        where = f"{self.country} block" if self.country else ""
        kind = self.type_code if with_type else ""
        return " · ".join(p for p in (kind, self.operator, where, *flag_labels(self.flags)) if p)

    @property
    def known(self) -> bool:
        """True when a database named the aircraft (registration or type)."""
        return bool(self.registration or self.type_code)

    def sentence(self) -> str:
        """'0d8373: YV2984, A319 (Airbus A319-133 (ACJ319)), Conviasa; address block of Venezuela (0d8000-0dffff)'."""
        what = ", ".join(p for p in (
            self.registration,
            f"{self.type_code} ({self.type_description})" if self.type_code and self.type_description
            else self.type_code or self.type_description,
            self.operator,
        ) if p) or "not in the aircraft database"
        if self.icao24 == UNKNOWN_ICAO24:
            return f"{shown_address(self.icao24)}{': ' + self.registration if self.registration else ''}"
        where = (f"address block of {self.country} ({self.block})" if self.country
                 else "address in no allocated block")
        return f"{self.icao24}: {what}; {where}"


# -- address blocks ------------------------------------------------------------------------------------------

@cache
def icao_blocks() -> pd.DataFrame:
    """The block table (start, end as ints; country, registration_pattern, kind, comment)."""
    path = data_dir() / "icao_blocks.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["start"] = frame["start"].map(lambda h: int(h, 16))
    frame["end"] = frame["end"].map(lambda h: int(h, 16))
    return frame


def _address(icao24: str) -> int:
    h = parse_icao24(str(icao24))
    if h is None:
        raise ValueError(f"ICAO address {icao24!r}: expected 6 hexadecimal digits, e.g. '0d8373'")
    return int(h.lstrip("~"), 16)


def allocation(icao24: str) -> IcaoBlock | None:
    """The narrowest block holding `icao24` (a State's block rather than the regional reserve around it);
    None when no block holds it."""
    a = _address(icao24)
    t = icao_blocks()
    start, end = t["start"].to_numpy(), t["end"].to_numpy()
    hit = np.flatnonzero((start <= a) & (a <= end))
    if not len(hit):
        return None
    best = hit[np.argmin(end[hit] - start[hit])]
    r = t.iloc[int(best)]
    return IcaoBlock(int(r["start"]), int(r["end"]), str(r["country"]), str(r["registration_pattern"]),
                     str(r["kind"]), str(r["comment"]))


def states_of_registry(icao24s: Sequence[str] | np.ndarray) -> np.ndarray:
    """The State whose block holds each address, for many addresses at once (the rule of `allocation`: the
    narrowest block wins; "" for reserves, non-ICAO '~' addresses, the unknown 000000 and malformed text)."""
    text = pd.Series(np.asarray(icao24s, dtype=object), dtype="string").str.strip().str.lower()
    ok = is_icao_assigned(text)
    value = np.full(len(text), -1, dtype=np.int64)
    value[ok] = [int(h, 16) for h in text[ok].tolist()]
    out = np.full(len(text), "", dtype=object)
    t = icao_blocks()
    size = t["end"].to_numpy() - t["start"].to_numpy()
    order = np.lexsort((-np.arange(len(t)), -size))  # widest first; of equal blocks, the first in the table last
    for i in order:  # 201 blocks; narrower ones overwrite the blocks around them (as `allocation` picks them)
        r = t.iloc[int(i)]
        inside = (value >= r["start"]) & (value <= r["end"])
        out[inside] = r["country"] if r["kind"] == "state" else ""
    return out


# -- aircraft databases ----------------------------------------------------------------------------------------

DB_COLUMNS: tuple[str, ...] = ("icao24", "registration", "type_code", "type_description", "operator", "year",
                               "flags", "source")


class AircraftDB:
    """An aircraft database file loaded into a table indexed by icao24 (columns DB_COLUMNS)."""

    def __init__(self, table: pd.DataFrame, path: str, style: str) -> None:
        self.table = table
        self.path = path
        self.style = style

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        return f"<AircraftDB {self.style}: {len(self)} aircraft from {self.path}>"

    @classmethod
    def load(cls, path: str | Path) -> AircraftDB:
        """Read a database file (style sniffed from its content); TrackFormatError naming the file and line."""
        return _load_cached(str(path), *_stat(path))

    def get(self, icao24: str) -> dict[str, str]:
        """The row for `icao24` as a dict of strings, or an empty dict when absent."""
        key = str(icao24).strip().lower()
        if key not in self.table.index:
            return {}
        row = self.table.loc[key]
        if isinstance(row, pd.DataFrame):
            row = row.iloc[0]
        return {c: str(row[c]) for c in self.table.columns}


def _stat(path: str | Path) -> tuple[float, int]:
    p = Path(path)
    if not p.is_file():
        raise TrackFormatError(str(path), "no such file", expected="an aircraft database file")
    st = p.stat()
    return st.st_mtime, st.st_size


@cache
def _load_cached(path: str, mtime: float, size: int) -> AircraftDB:
    raw = Path(path).read_bytes()
    if raw[:2] == GZIP_MAGIC:
        try:
            raw = gunzip(raw, path)
        except UnpackError as e:
            raise TrackFormatError(path, str(e).removeprefix(f"{path}: ")) from None
    text = raw.decode("utf-8", errors="replace")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if first.lstrip().startswith("{"):
        return AircraftDB(_read_jsonl(text, path), path, "basic-ac-db")
    header = [h.strip().strip('"').lower() for h in first.split(",")]
    if "icao24" in header and "typecode" in header:
        return AircraftDB(_read_opensky(text, path), path, "opensky")
    if "icao24" in header and "type_code" in header:
        return AircraftDB(_read_own(text, path), path, "tracks")
    if ";" in first:
        return AircraftDB(_read_readsb(text, path), path, "readsb")
    raise TrackFormatError(path, f"unrecognised aircraft database; first line {first[:80]!r}",
                           expected="readsb aircraft.csv (';'), basic-ac-db JSON lines, OpenSky or tracks CSV")


def _finish(frame: pd.DataFrame, path: str, style: str) -> pd.DataFrame:
    for c in DB_COLUMNS:
        if c not in frame.columns:
            frame[c] = ""
    frame = frame[list(DB_COLUMNS)].fillna("").astype(str)
    frame["icao24"] = frame["icao24"].str.strip().str.lower()
    frame = frame[icao_hex_mask(frame["icao24"])]
    if (frame["source"] == "").any():
        frame.loc[frame["source"] == "", "source"] = f"{style} database {public_name(path)}"
    return frame.drop_duplicates("icao24", keep="first").set_index("icao24", drop=False)


def _flags_from_bits(bits: str) -> str:
    return ",".join(name for j, name in enumerate(DB_FLAGS) if j < len(bits) and bits[j] == "1")


def _read_readsb(text: str, path: str) -> pd.DataFrame:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(";")
        if len(parts) < 4:
            raise TrackFormatError(path, f"{len(parts)} fields", where=f"line {n}",
                                   expected="icao;registration;type;flags;description")
        rows.append({
            "icao24": parts[0], "registration": parts[1].strip(), "type_code": parts[2].strip(),
            "flags": _flags_from_bits(parts[3].strip()),
            "type_description": parts[4].strip() if len(parts) > 4 else "",
            "year": parts[5].strip() if len(parts) > 5 else "",
            "operator": parts[6].strip() if len(parts) > 6 else "",
            "source": f"{public_name(path)} line {n}",
        })
    return _finish(pd.DataFrame(rows), path, "readsb")


def _read_jsonl(text: str, path: str) -> pd.DataFrame:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise TrackFormatError(path, f"invalid JSON ({e.msg})", where=f"line {n}",
                                   expected="one JSON object per line") from None
        if not isinstance(d, dict):
            raise TrackFormatError(path, "not an object", where=f"line {n}", expected="one JSON object per line")
        flags = [f for f, k in (("military", "mil"), ("pia", "faa_pia"), ("ladd", "faa_ladd")) if d.get(k)]
        desc = " ".join(str(d[k]) for k in ("manufacturer", "model") if d.get(k))
        rows.append({
            "icao24": str(d.get("icao") or d.get("hex") or ""),
            "registration": str(d.get("reg") or d.get("r") or d.get("registration") or ""),
            "type_code": str(d.get("icaotype") or d.get("t") or d.get("type") or ""),
            "type_description": desc or str(d.get("desc") or ""),
            "operator": str(d.get("ownop") or d.get("ownOp") or d.get("operator") or ""),
            "year": str(d.get("year") or ""),
            "flags": ",".join(flags),
            "source": f"{public_name(path)} line {n}",
        })
    return _finish(pd.DataFrame(rows), path, "basic-ac-db")


def _read_opensky(text: str, path: str) -> pd.DataFrame:
    f = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    f.columns = [c.strip().lower() for c in f.columns]
    out = pd.DataFrame({
        "icao24": f["icao24"],
        "registration": f.get("registration", ""),
        "type_code": f.get("typecode", ""),
        "type_description": (f.get("manufacturername", pd.Series("", index=f.index)).str.strip() + " "
                             + f.get("model", pd.Series("", index=f.index)).str.strip()).str.strip(),
        "operator": f.get("operator", pd.Series("", index=f.index)).where(
            f.get("operator", pd.Series("", index=f.index)) != "", f.get("owner", "")),
        "year": f.get("built", ""),
        "source": [f"{public_name(path)} line {i + 2}" for i in range(len(f))],
    })
    return _finish(out, path, "opensky")


def _read_own(text: str, path: str) -> pd.DataFrame:
    f = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    return _finish(f, path, "tracks")


@cache
def bundled_db() -> AircraftDB:
    """`data/aircraft.csv`: the aircraft of the bundled cases, each row with its source."""
    return AircraftDB.load(data_dir() / "aircraft.csv")


# -- the user's database -------------------------------------------------------------------------------------

#: Environment variable naming an aircraft database file consulted by default (when `use()` was not called).
ENV_DB = "TRACKS_AIRCRAFT_DB"
_chosen: list[AircraftDB] = []  # set only by use(): the database the user chose for this Python session


def use(db: str | Path | AircraftDB | None = None, *, archive: str | Path | None = None) -> AircraftDB:
    """Choose the aircraft database that `identify`, `Track.identity`, `tracks info`, reports and maps consult
    (before the bundled `data/aircraft.csv`) for the rest of this Python session; returns it.

    `db`: a file in any style `AircraftDB.load` reads (readsb/tar1090-db `aircraft.csv.gz`, ADS-B Exchange
    `basic-ac-db.json.gz`, OpenSky `aircraftDatabase.csv`). Without `db`, the newest `aircraft-db` file in the
    evidence archive (`archive`, default $TRACKS_ARCHIVE or the user cache dir), as fetched by
    `tracks fetch --source aircraft-db`. TrackFormatError when there is none or it cannot be read.
    Without any call, $TRACKS_AIRCRAFT_DB names the file (the setting for command lines and CI).
    """
    chosen = db if isinstance(db, AircraftDB) else AircraftDB.load(db if db is not None else archived_db(archive))
    _chosen[:] = [chosen]
    return chosen


def forget() -> None:
    """Stop consulting the database chosen with `use()` (then $TRACKS_AIRCRAFT_DB, if set, applies again)."""
    _chosen.clear()


def current_db() -> AircraftDB | None:
    """The database chosen with `use()`, else the file named by $TRACKS_AIRCRAFT_DB, else None."""
    if _chosen:
        return _chosen[0]
    env = os.environ.get(ENV_DB, "").strip()
    return AircraftDB.load(env) if env else None


def archived_db(archive: str | Path | None = None) -> Path:
    """Path of the newest `aircraft-db` file in the evidence archive (checked against its sha256)."""
    from tracks.errors import FetchError
    from tracks.fetch.archive import Archive

    arch = Archive(archive)
    hits = [e for e in arch.entries() if e.source == "aircraft-db"]
    if not hits:
        raise TrackFormatError(str(arch.root), "no aircraft database in this archive",
                               expected="a file fetched with `tracks fetch --source aircraft-db`, or give a path")
    try:
        return arch.check(hits[-1])
    except FetchError as e:
        raise TrackFormatError(str(arch.root), str(e), expected="an unmodified archived aircraft database") from None


# -- identify ----------------------------------------------------------------------------------------------------

#: Flag names of each readsb `dbFlags` value 0..15 ("military,ladd"), for turning a column of bits into text.
_FLAG_TEXT = np.array([",".join(n for j, n in enumerate(DB_FLAGS) if v >> j & 1) for v in range(16)], dtype=object)


def flags_of_bits(db_flags: Sequence[int] | np.ndarray) -> np.ndarray:
    """readsb `dbFlags` (1 military, 2 interesting, 4 PIA, 8 LADD; negative = not given) as the flag text of
    the database tables ("military,ladd"; "" for none), for many values at once."""
    bits = np.asarray(db_flags, dtype=np.int64)
    return np.where(bits >= 0, _FLAG_TEXT[bits & 15], "")


def file_citation(path: str) -> str:
    """How a value the track file gives is cited: 'track file <name>' (never its folders)."""
    return f"track file {public_name(path)}"


@lru_cache(maxsize=8)
def _file_table(given: tuple[tuple[FileAircraft, str], ...]) -> tuple[pd.Index, dict[str, np.ndarray]]:
    """The identity values of the files in `given` ((values, path) in source order), one row per address
    (the index): each field the first value any file gives, with `<field>_source` citing that file; None
    where no file gives one. Kept for a few tables: every Track cut from one Traffic shares its sources."""
    lengths = [len(fa.icao24) for fa, _ in given]
    cite = np.repeat(np.array([file_citation(path) for _, path in given], dtype=object), lengths)
    frame = pd.DataFrame({"icao24": np.fromiter(chain.from_iterable(fa.icao24 for fa, _ in given), dtype=object,
                                                count=int(sum(lengths)))})
    for name in FIELDS:
        values = (flags_of_bits(np.fromiter(chain.from_iterable(fa.db_flags for fa, _ in given), dtype=np.int64,
                                            count=len(frame)))
                  if name == "flags" else
                  np.array(list(chain.from_iterable(getattr(fa, name) for fa, _ in given)), dtype=object))
        given_here = values != ""
        frame[name] = np.where(given_here, values, None)
        frame[f"{name}_source"] = np.where(given_here, cite, None)
    table = frame.groupby("icao24", sort=False).first()  # first non-null of each column: value and source agree
    return table.index, {c: table[c].to_numpy(dtype=object) for c in table.columns}


def identities(icao24s: Sequence[str] | np.ndarray, sources: Sequence[Source] = (),
               db: str | Path | AircraftDB | list[str | Path | AircraftDB] | None = None) -> pd.DataFrame:
    """Registration, type, operator, year and flags of many aircraft at once, each value with its source: one
    row per address in `icao24s` (same order), columns icao24, FIELDS and `<field>_source` ("" = unknown).

    The databases are searched in order (`db`, then the one chosen with `use()` or $TRACKS_AIRCRAFT_DB, then
    the bundled `data/aircraft.csv`): the first that names the aircraft (registration or type) gives its
    values. The track files of `sources` (`Source.aircraft`: readsb `r`, `t`, `desc`, `ownOp`, `year`,
    `dbFlags`) fill each value that database lacks, cited as "track file <name>"."""
    keys = pd.Index(pd.Series(np.asarray(icao24s, dtype=object), dtype=object).astype(str).str.strip().str.lower())
    n = len(keys)
    dbs: list[AircraftDB] = [d if isinstance(d, AircraftDB) else AircraftDB.load(d)
                             for d in (db if isinstance(db, list) else [db] if db is not None else [])]
    chosen = current_db()
    dbs += [chosen] if chosen is not None else []
    dbs.append(bundled_db())
    values = {name: np.full(n, "", dtype=object) for name in FIELDS}
    cited = np.full(n, "", dtype=object)
    taken = np.zeros(n, dtype=bool)
    for d in dbs:
        at = d.table.index.get_indexer(keys)
        found = np.flatnonzero(at >= 0)
        if not len(found):
            continue
        rows = d.table.iloc[at[found]]
        names = (rows["registration"] != "").to_numpy() | (rows["type_code"] != "").to_numpy()
        use_ = names & ~taken[found]
        for name in FIELDS:
            values[name][found[use_]] = rows[name].to_numpy(dtype=object)[use_]
        cited[found[use_]] = rows["source"].to_numpy(dtype=object)[use_]
        taken[found[use_]] = True
    out: dict[str, np.ndarray] = {"icao24": keys.to_numpy(dtype=object)}
    given = tuple((s.aircraft, s.path) for s in sources if s.aircraft is not None)
    index, files = _file_table(given) if given else (pd.Index([]), {})
    at = index.get_indexer(keys)
    has_file = at >= 0
    for name in FIELDS:
        known = values[name] != ""
        value, source = values[name], np.where(known, cited, "")
        if has_file.any():
            file_value = files[name][at]
            fill = ~known & has_file & pd.notna(file_value)
            value = np.where(fill, file_value, value)
            source = np.where(fill, files[f"{name}_source"][at], source)
        out[name], out[f"{name}_source"] = value, source
    return pd.DataFrame(out)


def identify(icao24: str, db: str | Path | AircraftDB | list[str | Path | AircraftDB] | None = None,
             sources: Sequence[Source] = ()) -> AircraftInfo:
    """Everything known about `icao24`: the allocating State from the block table, and registration, type,
    operator, year and flags by the rule of `identities` (`db`, the database chosen with `use()`, the bundled
    `data/aircraft.csv`; then what the track files of `sources` give), each value with its source.
    ValueError for an address that is not 6 hex digits."""
    a = _address(icao24)
    key = str(icao24).strip().lower()
    notes: list[str] = []
    sources_: list[str] = []
    country = block = ""
    pattern = ""
    if key.startswith("~"):
        notes.append("non-ICAO address (the '~' prefix): a TIS-B/ADS-R track identifier, not an aircraft's address")
    else:
        blk = allocation(key)
        if blk is None:
            notes.append(f"{a:06x} lies in no block of the ICAO allocation table")
        else:
            country, block, pattern = blk.country, blk.range, blk.registration_pattern
            sources_.append("ICAO Annex 10 Vol III address allocation (data/icao_blocks.csv)")
            if blk.kind != "state":
                notes.append(f"{blk.country}: no State holds this address")
                country = ""
    row = identities([key], sources, db).iloc[0]
    value_sources = tuple((name, str(row[f"{name}_source"])) for name in FIELDS if row[name])
    sources_ += list(dict.fromkeys(src for _, src in value_sources))
    reg = str(row["registration"])
    if reg and pattern:
        try:
            matches = re.match(pattern, reg.upper()) is not None or re.match(pattern, reg) is not None
        except re.error:
            matches = True
        if not matches:
            notes.append(f"registration {reg} does not match {country}'s pattern {pattern}: "
                         "re-registered, exported, or a database error")
    flags = tuple(f for f in str(row["flags"]).split(",") if f)
    return AircraftInfo(
        icao24=key, country=country, block=block, registration=reg, type_code=str(row["type_code"]),
        type_description=str(row["type_description"]), operator=str(row["operator"]), year=str(row["year"]),
        flags=flags, sources=tuple(sources_), notes=tuple(notes), value_sources=value_sources,
    )


# -- a track's identity and emergency squawks ------------------------------------------------------------------

def identify_track(icao24: str, registration: str = "", sources: Sequence[Source] = ()) -> AircraftInfo:
    """`identify` for the address of a track read from `sources` (their own identity values fill what the
    databases lack), then the `registration` the track's rows give when neither names one (cited as the
    track file). The unknown address 000000 is not looked up: its info says the file gives no address."""
    from dataclasses import replace

    key = str(icao24).strip().lower()
    cite = (file_citation(sources[0].path) if len(sources) == 1 else
            f"track files {', '.join(public_name(s.path) for s in sources[:3])}"
            + (f" and {len(sources) - 3:,} more" if len(sources) > 3 else "") if sources else "the track file")
    if key in ("", UNKNOWN_ICAO24):
        return AircraftInfo(icao24=UNKNOWN_ICAO24, registration=registration,
                            sources=(cite,) if registration else (),
                            value_sources=(("registration", cite),) if registration else (),
                            notes=("the file gives no ICAO 24-bit address (000000 means unknown): no state of "
                                   "registry or database entry; pass icao24= to tracks.load if you know it",))
    info = identify(key, sources=sources)
    if registration and not info.registration:
        info = replace(info, registration=registration, sources=tuple(dict.fromkeys((*info.sources, cite))),
                       value_sources=(("registration", cite), *info.value_sources))
    return info


def _any_emergency(squawks: pd.Series) -> bool:
    """Whether any squawk is an emergency code (pyarrow's is_in over the column)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(squawks.array)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return True  # not text Arrow understands: let the general path decide
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        return True
    return bool(pc.any(pc.is_in(arr, value_set=pa.array(list(EMERGENCY_SQUAWKS), type=arr.type))).as_py())


def emergency_squawks(frame: pd.DataFrame) -> pd.DataFrame:
    """Runs of an emergency squawk (7500, 7600, 7700) in a track table, one row each (EMERGENCY_COLUMNS).

    A run is consecutive samples *that report a squawk* with the same emergency code (samples without a
    squawk do not break it); `start_time`/`end_time` are its first and last reporting samples, `first_index`
    /`last_index` their rows, `samples` how many samples reported it. One row per code change, in time order.
    """
    sq = frame["squawk"]
    if len(sq) and not _any_emergency(sq):  # the usual case, decided in Arrow without a Python string per row
        reported = np.zeros(0, dtype=np.int64)
        codes = np.zeros(0, dtype=object)
    else:
        reported = np.flatnonzero(sq.notna().to_numpy(dtype=bool))
        codes = sq.to_numpy(dtype=object, na_value="")[reported] if len(reported) else np.zeros(0, dtype=object)
    emergency = np.isin(codes, list(EMERGENCY_SQUAWKS))
    if not emergency.any():
        out = pd.DataFrame({c: pd.Series([], dtype=object) for c in EMERGENCY_COLUMNS})
        for c in ("first_index", "last_index", "samples"):
            out[c] = out[c].astype("int64")
        for c in ("start_time", "end_time"):
            out[c] = pd.Series([], dtype="datetime64[ns, UTC]")
        return out
    # run boundaries over the reporting samples: a new run where the code changes
    change = np.r_[True, codes[1:] != codes[:-1]]
    run_id = np.cumsum(change) - 1
    starts = np.flatnonzero(change)
    ends = np.r_[starts[1:] - 1, len(codes) - 1]
    keep = emergency[starts]
    first, last = reported[starts[keep]], reported[ends[keep]]
    times = frame["time"]
    return pd.DataFrame({
        "squawk": codes[starts[keep]].astype(str),
        "meaning": [EMERGENCY_SQUAWKS[c] for c in codes[starts[keep]]],
        "start_time": times.iloc[first].to_numpy(),
        "end_time": times.iloc[last].to_numpy(),
        "first_index": first.astype("int64"),
        "last_index": last.astype("int64"),
        "samples": np.bincount(run_id)[keep].astype("int64"),
    }).astype({"start_time": "datetime64[ns, UTC]", "end_time": "datetime64[ns, UTC]"})


def flag_labels(flags: tuple[str, ...]) -> list[str]:
    """Display labels of database flags ('military / government', 'LADD (...)')."""
    return [DB_FLAG_LABELS.get(f, f) for f in flags]
