"""`fetch(source, ...)`: plan the requests, answer from the archive when allowed, download the rest.

Nothing here prints. Progress bars (tqdm, stderr) appear only with `progress=True`.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from tracks.errors import FetchError, FetchRequestError
from tracks.fetch.archive import FAILED, FAILED_LOG, Archive, ManifestEntry
from tracks.fetch.auth import OpenSkyAuth, OpenSkyCredentials
from tracks.fetch.checks import body_problem
from tracks.fetch.session import Client, FetchConfig, fetch_error, strip_credentials, tool_name
from tracks.fetch.sources import (
    Planned,
    SourceInfo,
    aircraft_db_plan,
    flight_times,
    get_source,
    norm_callsign,
    norm_hexes,
    norm_registration,
    opensky_flights_plan,
    opensky_states_plan,
    opensky_track_plan,
    parse_days,
    parse_point,
    trace_plans,
    v2_plans,
)
from tracks.progress import bar as progress_bar
from tracks.unpack import GZIP_MAGIC, UnpackError, gunzip

log = logging.getLogger("tracks.fetch")
_default_client: Client | None = None
_default_lock = threading.Lock()
OPENSKY_KINDS = ("tracks", "flights", "states")


def default_client() -> Client:
    """The process-wide Client (one requests Session for every fetch)."""
    global _default_client
    with _default_lock:
        if _default_client is None:
            _default_client = Client()
        return _default_client


@dataclass(frozen=True)
class FetchResult:
    """What a fetch produced: archived files (absolute paths), their manifest entries, where they came from.

    `from_archive[i]` is True when entry i was served from the archive without a request. `problems` lists
    requests of a multi-file fetch that found nothing (e.g. one day without a trace); a fetch where every
    request failed raises instead.
    """

    source: str
    archive: Path
    paths: tuple[Path, ...]
    entries: tuple[ManifestEntry, ...]
    from_archive: tuple[bool, ...]
    roles: tuple[str, ...]
    problems: tuple[str, ...] = ()

    @property
    def offline(self) -> bool:
        """True when every file came from the archive (no request was made)."""
        return bool(self.entries) and all(self.from_archive)

    @property
    def track_paths(self) -> tuple[Path, ...]:
        """Files that hold positions (traces, tracks, live snapshots), as opposed to flight lists or the DB."""
        return tuple(p for p, r in zip(self.paths, self.roles, strict=True) if r in ("track", "snapshot"))

    def citations(self) -> tuple[str, ...]:
        """One citation line per file: URL, retrieval time (UTC), size and sha256."""
        return tuple(e.citation() for e in self.entries)

    def load(self, **options: Any) -> Any:
        """`tracks.load` of the track files (readsb traces load directly; gzip is detected by content)."""
        from tracks.loader import load

        if not self.track_paths:
            raise FetchError(f"{self.source}: this fetch returned no track files to load")
        return load(list(self.track_paths), **options)


def fetch(
    source: str,
    *,
    hex: str | Sequence[str] | None = None,
    registration: str | None = None,
    callsign: str | None = None,
    date: str | date | datetime | Iterable[str | date | datetime] | None = None,
    point: str | Sequence[float] | None = None,
    radius_km: float | None = None,
    base_url: str | None = None,
    archive: str | os.PathLike[str] | Archive | None = None,
    session: Client | requests.Session | None = None,
    kind: str | None = None,
    config: FetchConfig | None = None,
    credentials: OpenSkyCredentials | None = None,
    aircraft_db: str | os.PathLike[str] | None = None,
    refresh: bool = False,
    offline: bool = False,
    progress: bool = False,
) -> FetchResult:
    """Fetch tracks from `source` into the evidence archive and return the archived files.

    Sources: see `tracks.fetch.SOURCES` (adsbx, adsbx-samples, adsblol-history, tar1090, adsblol,
    airplaneslive, adsbfi, opensky, aircraft-db). Ask by `hex` (one or several), `registration` (resolved to a
    hex with the aircraft database unless the API takes registrations), `callsign` (live APIs only), or `point`
    ('LAT,LON' or a pair, degrees) with `radius_km`. `date` is a UTC day ('YYYY-MM-DD', a date, a tz-aware
    datetime, a list, or 'YYYY-MM-DD..YYYY-MM-DD'); without it history sources give the live trace.
    `kind` (OpenSky only): 'tracks' (default: the day's flights, then one track per flight), 'flights' or
    'states'. `base_url` points the source at a mirror or a test server. `archive`: folder or Archive
    (default: $TRACKS_ARCHIVE or the user cache dir). `session`: a Client or requests Session to share.
    `credentials`: OpenSky client (default: environment / config file). `aircraft_db`: a tar1090-db
    aircraft.csv(.gz) for registrations (default: the newest archived one, fetched if absent).
    A finished day already in the archive is served from it without a request unless `refresh`;
    `offline=True` never makes a request. Raises FetchError with what to do.
    """
    info = get_source(source)
    arch = archive if isinstance(archive, Archive) else Archive(archive)
    client = _client(session, config)
    base = (base_url or info.base_url).rstrip("/")
    if not base:
        raise FetchRequestError(f"source {source!r} has no default address; give base_url (--base-url)")
    if offline and refresh:
        raise FetchRequestError("offline and refresh exclude each other")
    runner = _Runner(info, arch, client, credentials, refresh, offline, progress)
    hexes = norm_hexes(hex) if hex else ()
    reg = norm_registration(registration) if registration else None
    cs = norm_callsign(callsign) if callsign else None
    pt = parse_point(point) if point is not None else None
    days: tuple[date | None, ...] = parse_days(date) if date is not None else (None,)
    today = datetime.now(UTC).date()
    if any(d is not None and d > today for d in days):
        raise FetchRequestError(f"date {max(d for d in days if d is not None)} is in the future (UTC)")
    asked = [n for n, v in (("hex", hexes), ("registration", reg), ("callsign", cs), ("point", pt)) if v]
    if kind is not None and info.kind != "opensky":
        raise FetchRequestError(f"kind= applies to opensky only, not {source}")

    if info.kind == "aircraft-db":
        return runner.run([aircraft_db_plan(info, base)])
    if len(asked) != 1:
        raise FetchRequestError(f"{source}: give exactly one of hex, registration, callsign or point "
                         f"(got {', '.join(asked) or 'none'})")
    if asked[0] not in info.lookups:
        raise FetchRequestError(f"{source} cannot look up by {asked[0]}; it takes {', '.join(info.lookups)}. "
                         + ("Live APIs (adsblol, airplaneslive, adsbfi) take callsigns." if cs else ""))
    if pt is not None and radius_km is None:
        raise FetchRequestError("a point search needs radius_km (--radius-km)")

    if info.kind == "v2":
        if days != (None,):
            raise FetchRequestError(f"{source} is a live API without history; drop the date, or use adsbx, "
                             "adsblol-history or opensky for past days")
        return runner.run(v2_plans(info, base, hexes=hexes, registration=reg, callsign=cs, point=pt,
                                   radius_km=radius_km))
    if reg is not None:
        hexes = runner.hexes_for(reg, aircraft_db)
    if info.kind == "trace":
        return runner.run(trace_plans(info, base, hexes, days))
    # OpenSky
    kind = kind or ("states" if pt is not None else "tracks")
    if kind not in OPENSKY_KINDS:
        raise FetchRequestError(f"opensky kind {kind!r} unknown; use one of {', '.join(OPENSKY_KINDS)}")
    if kind == "states" or pt is not None:
        if days != (None,):
            raise FetchRequestError("OpenSky states are live (the API keeps one hour); drop the date, or use "
                             "kind='tracks' for a past day")
        if kind != "states":
            raise FetchRequestError("a point search on OpenSky is a states query (kind='states')")
        return runner.run([opensky_states_plan(info, base, hexes=hexes, point=pt, radius_km=radius_km)])
    if days == (None,):
        if kind == "flights":
            raise FetchRequestError("OpenSky flights need a date (--date YYYY-MM-DD)")
        return runner.run([opensky_track_plan(info, base, h, 0, reusable=False) for h in hexes])
    return runner.run_opensky_days(base, hexes, [d for d in days if d is not None], tracks=kind == "tracks")


def _client(session: Client | requests.Session | None, config: FetchConfig | None) -> Client:
    if isinstance(session, Client):
        return session
    if session is not None or config is not None:
        return Client(config, session)
    return default_client()


class _Runner:
    """Runs planned requests for one fetch call and collects the FetchResult."""

    def __init__(self, info: SourceInfo, archive: Archive, client: Client,
                 credentials: OpenSkyCredentials | None, refresh: bool, offline: bool, progress: bool):
        self.info, self.archive, self.client = info, archive, client
        self.refresh, self.offline, self.progress = refresh, offline, progress
        self._credentials = credentials
        self._auth: OpenSkyAuth | None = None
        self.entries: list[ManifestEntry] = []
        self.cached: list[bool] = []
        self.planned: list[Planned] = []
        self.problems: list[str] = []

    def auth(self) -> OpenSkyAuth | None:
        """The token source for these credentials, shared by every fetch on the same Client."""
        if self._auth is None:
            creds = self._credentials or OpenSkyCredentials.from_env()
            if creds is None:
                return None
            with _default_lock:
                cache = self.client.auth_cache
                if creds not in cache:
                    cache[creds] = OpenSkyAuth(creds, self.client)
                self._auth = cache[creds]  # type: ignore[assignment]
        return self._auth

    def get(self, plan: Planned) -> tuple[ManifestEntry, bool]:
        """One planned request: from the archive when allowed, else downloaded and archived."""
        if self.offline or (plan.reusable and not self.refresh):
            hit = self.archive.latest(plan.key)
            if hit is not None:
                self.archive.check(hit)
                log.debug("%s: served from the archive (%s)", plan.key, hit.sha256[:12])
                return hit, True
            if self.offline:
                raise FetchError(f"{plan.hints.what}: not in the archive {self.archive.root} "
                                 f"({strip_credentials(plan.url)}); fetch it once online first")
        auth = self.auth() if plan.auth else None
        got = self.client.download(plan.url, self.archive, hints=plan.hints, auth=auth,
                                   min_interval_s=plan.min_interval_s, progress=self.progress)
        try:
            problem = body_problem(got.temp_path, plan)
        except BaseException:
            got.temp_path.unlink(missing_ok=True)  # never a partial file left in tmp/
            raise
        if problem:
            kind = got.headers.get("Content-Type", "no Content-Type")
            try:
                kept = self.archive.set_aside(got.temp_path, name=plan.name, url=strip_credentials(plan.url),
                                              source=plan.source, retrieved_at=got.retrieved_at, status=got.status,
                                              size=got.size, sha256=got.sha256, reason=problem, headers=got.headers)
                where = f"kept aside as a failed download in {kept}"
            except OSError:
                got.temp_path.unlink(missing_ok=True)
                where = "not kept"
            raise fetch_error(f"{plan.hints.what}: {strip_credentials(plan.url)} answered HTTP {got.status}, but "
                              f"not with the data asked for: {problem} ({kind}, {got.size:,} bytes); not archived "
                              f"as evidence ({where}; reasons in {FAILED}/{FAILED_LOG})", url=plan.url,
                              status=got.status)
        request = dict(plan.request)
        requested = strip_credentials(plan.url)
        if got.url != requested:
            request["final_url"] = got.url
        try:
            entry = self.archive.commit(got.temp_path, name=plan.name, url=requested, source=plan.source,
                                        key=plan.key, retrieved_at=got.retrieved_at, status=got.status,
                                        size=got.size, sha256=got.sha256, headers=got.headers, request=request,
                                        tool=tool_name())
        except OSError as exc:
            got.temp_path.unlink(missing_ok=True)
            raise FetchError(f"{self.archive.root}: cannot write the archive ({exc.strerror or exc})") from None
        log.debug("%s: archived %d bytes, sha256 %s", plan.key, got.size, got.sha256[:12])
        return entry, False

    def run(self, plans: Sequence[Planned], *, partial: bool = False) -> FetchResult:
        """Every plan in turn. A 404 in a multi-file fetch becomes a problem (the others still count)
        unless every request failed; `partial=True` never raises for 404 (earlier entries exist)."""
        first_error: FetchError | None = None
        for plan in progress_bar(plans, desc=self.info.name, unit="file", disable=not self.progress or len(plans) < 2):
            try:
                entry, cached = self.get(plan)
            except FetchError as exc:
                if getattr(exc, "status", None) != 404 or (len(plans) == 1 and not partial):
                    raise
                first_error = first_error or exc
                self.problems.append(str(exc))
                continue
            self.entries.append(entry)
            self.cached.append(cached)
            self.planned.append(plan)
        if not self.entries and first_error is not None:
            raise first_error
        return FetchResult(self.info.name, self.archive.root,
                           tuple(self.archive.path_of(e) for e in self.entries), tuple(self.entries),
                           tuple(self.cached), tuple(p.role for p in self.planned), tuple(self.problems))

    def run_opensky_days(self, base: str, hexes: Sequence[str], days: Sequence[date], *, tracks: bool) -> FetchResult:
        """Per hex and day: the flights list, then (tracks=True) one /tracks/all per flight."""
        listed = self.run([opensky_flights_plan(self.info, base, h, d) for h in hexes for d in days])
        if not tracks:
            return listed
        track_plans: list[Planned] = []
        now = datetime.now(UTC)
        for entry, plan in zip(self.entries, self.planned, strict=True):
            body = self.archive.path_of(entry).read_bytes()
            if body[:2] == GZIP_MAGIC:
                body = _gunzip(body, entry.url)
            for first, last in flight_times(body, entry.url):
                final = plan.reusable and datetime.fromtimestamp(last, UTC) + timedelta(days=1) <= now
                track_plans.append(opensky_track_plan(self.info, base, plan.request["hex"],
                                                      first + (last - first) // 2, reusable=final))
        return self.run(track_plans, partial=True) if track_plans else listed

    def hexes_for(self, registration: str, aircraft_db: str | os.PathLike[str] | None) -> tuple[str, ...]:
        """Hex addresses for a registration from the aircraft database (given, archived, or fetched now)."""
        if aircraft_db is not None:
            path = Path(aircraft_db)
        else:
            db_info = get_source("aircraft-db")
            plan = aircraft_db_plan(db_info, db_info.base_url)
            hit = self.archive.latest(plan.key)
            if hit is None:  # any archived aircraft database, e.g. one fetched from a mirror
                hit = next((e for e in reversed(self.archive.entries())
                            if e.source == "aircraft-db" and self.archive.path_of(e).exists()), None)
            if hit is not None:
                path = self.archive.check(hit)
            elif self.offline:
                raise FetchRequestError(f"registration {registration}: no aircraft database in the archive "
                                 f"{self.archive.root}; fetch source 'aircraft-db' once, or give aircraft_db=")
            else:
                entry, _ = _Runner(db_info, self.archive, self.client, None, False, False, self.progress).get(plan)
                path = self.archive.path_of(entry)
        found = lookup_registration(path, registration)
        if not found:
            raise FetchRequestError(f"registration {registration} is not in the aircraft database {path}; give the hex "
                             "address instead (--hex), or use a live API that searches registrations")
        return found


def _gunzip(data: bytes, label: str) -> bytes:
    try:
        return gunzip(data, label)
    except UnpackError as e:
        raise FetchError(str(e)) from None


def lookup_registration(path: str | os.PathLike[str], registration: str) -> tuple[str, ...]:
    """Hex addresses whose registration matches in a tar1090-db style file (exact match first, else ignoring
    hyphens and case).

    The file is `hex;registration;type;flags;description;year;owner;` per line, gzip or plain (detected by
    content). Raises FetchError when the file cannot be read.
    """
    try:
        raw = Path(path).read_bytes()
        text = (gunzip(raw, str(path)) if raw[:2] == GZIP_MAGIC else raw).decode("utf-8", errors="replace")
    except (OSError, UnpackError) as exc:
        raise FetchError(f"{path}: cannot read the aircraft database ({exc}); expected a "
                         "tar1090-db aircraft.csv(.gz)") from None
    want = registration.strip().upper()
    squeezed = want.replace("-", "")
    loose_reg = "-?".join(re.escape(c) for c in squeezed)  # hyphens anywhere, e.g. YV-2984 for YV2984
    pattern = re.compile(rf"^(~?[0-9a-f]{{6}});\s*({loose_reg})\s*;", re.MULTILINE | re.IGNORECASE)
    exact: list[str] = []
    loose: list[str] = []
    for match in pattern.finditer(text):
        (exact if match.group(2).upper() == want else loose).append(match.group(1).lower())
    return tuple(dict.fromkeys(exact or loose))
