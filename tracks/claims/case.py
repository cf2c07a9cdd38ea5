"""The case file: an article's claims about one aircraft, written in YAML (docs/case-format.md).

`load_case(path)` reads and validates a case file and returns a `Case`. Every mistake raises
`CaseFileError` naming the file, the line and the key path, e.g.
``case.yaml:41: claims[2].test.approached.within_km: expected a number, got 'ten'``.
Line numbers come from YAML's node marks (`yaml.compose`), so values are read from the node tree, never
from a plain `yaml.safe_load` dict. Times are parsed here once and stored as tz-aware UTC Timestamps;
a time without an offset or a zone is refused with a hint on how to write it.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from tracks.claims.loadopts import entry_keys, parse_options
from tracks.claims.params import (
    MOMENT_PREDICATES,
    PREDICATE_NAMES,
    PREDICATES,
    ParseContext,
    PredicateSpec,
    RegionRef,
    parse_test,
)
from tracks.claims.times import TimeRange, parse_time, range_node, zone
from tracks.claims.yamlnode import Node, compose, unknown
from tracks.errors import CaseFileError
from tracks.paths import is_inside
from tracks.schema import parse_icao24

__all__ = [
    "MOMENT_PREDICATES", "PREDICATES", "PREDICATE_NAMES", "Aircraft", "Article", "Case", "Claim", "PredicateSpec",
    "RegionRef", "Settings", "TimeRange", "TrackSpec", "Window", "evaluation_order", "load_case",
    "parse_case", "parse_time", "require_reviewed",
]

# -- the model -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """Where the claims were published. All fields are plain text ('' when not given)."""

    publisher: str = ""
    title: str = ""
    url: str = ""
    published: str = ""  # as written: a date (2025-11-30) or a time
    language: str = ""


@dataclass(frozen=True)
class Aircraft:
    """The aircraft the claims are about; at least `icao24` or `registration` is given."""

    icao24: str = ""  # lowercase 6 hex digits
    registration: str = ""
    callsign: str = ""
    type: str = ""

    @property
    def label(self) -> str:
        """A short human label: 'YV2984 (0d8373)'."""
        if self.registration and self.icao24:
            return f"{self.registration} ({self.icao24})"
        return self.registration or self.icao24


@dataclass(frozen=True)
class Window:
    """The time window the case is about, as UTC Timestamps (start <= end)."""

    start: pd.Timestamp
    end: pd.Timestamp


@dataclass(frozen=True)
class Claim:
    """One claim: what the article says (`quote`) and the test that checks it.

    `params` holds validated, typed values (Timestamps in UTC, Timedeltas, RegionRef, floats, tuples);
    `lines` maps each parameter name to its line in the case file, for errors raised later by the engine.
    """

    id: str
    quote: str
    predicate: str
    params: Mapping[str, Any]
    source: str = ""
    after: str = ""
    before: str = ""
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=dict)
    index: int = 0  # position in the case file's claims list
    draft: bool = False  # proposed by `tracks draft` and not reviewed yet (docs/draft.md)
    at: Mapping[str, int] = field(default_factory=dict)  # where the quote is in the article: paragraph, start, end
    why: str = ""  # draft: the words that led to the predicate and its parameters
    review: tuple[str, ...] = ()  # draft: what the reviewer must confirm or fill in

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Claim ids that must be evaluated first (`after`, `before` and a sequence's members)."""
        deps = list(self.params.get("claims", ())) if self.predicate == "sequence" else []
        return tuple([*(c for c in (self.after, self.before) if c), *deps])


@dataclass(frozen=True)
class TrackSpec:
    """One `tracks:` entry: files matched by a path or glob relative to the case file, and the loader options
    to read them with (`tracks.load(files, format, **options)`; see tracks.claims.loadopts)."""

    pattern: str
    files: tuple[str, ...]
    format: str | None = None
    line: int = 0
    url: str = ""  # archived fetches: where the bytes came from
    retrieved_at: str = ""  # archived fetches: when (ISO 8601 UTC)
    options: Mapping[str, Any] = field(default_factory=dict)  # e.g. {"icao24": "8467d8", "tz": "Europe/Paris"}
    option_lines: Mapping[str, int] = field(default_factory=dict)  # each option's line in the case file


@dataclass(frozen=True)
class Settings:
    """Analysis settings a case may override (`settings:` key)."""

    max_gap_s: float = 60.0  # a segment longer than this is a coverage gap (tracks.segments)
    max_speed_kt: float | None = None  # reachability speed bound; None = the reachability module's default


@dataclass(frozen=True)
class Case:
    """A validated case file."""

    path: str
    title: str
    article: Article
    aircraft: Aircraft
    window: Window
    timezone: str  # IANA zone for local times in sentences ("UTC" when not given)
    tracks: tuple[TrackSpec, ...]
    claims: tuple[Claim, ...]
    regions: tuple[str, ...] = ()  # user region files, absolute paths
    traffic: tuple[TrackSpec, ...] = ()  # multi-aircraft files for traffic_count (default: `tracks`)
    traffic_dataset: str = ""  # `traffic: {dataset: DIR}`: a tracks history dataset for traffic_count
    settings: Settings = field(default_factory=Settings)
    description: str = ""

    @property
    def directory(self) -> Path:
        return Path(self.path).resolve().parent

    def claim(self, claim_id: str) -> Claim:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(claim_id)

    @property
    def track_files(self) -> tuple[str, ...]:
        return tuple(f for spec in self.tracks for f in spec.files)


# -- the document --------------------------------------------------------------------------------------------

TOP_KEYS = ("title", "description", "article", "aircraft", "timezone", "window", "tracks", "traffic", "regions",
            "settings", "claims", "allow_outside")
OUTSIDE_HINT = ("pass --allow-outside (Python: allow_outside=True) or write allow_outside: true in the case if you "
                "mean it; the report then marks the file")
ARTICLE_KEYS = ("publisher", "title", "url", "published", "language")
AIRCRAFT_KEYS = ("icao24", "registration", "callsign", "type")
#: How every output (printed table, report.md, the map) marks a claim still `draft: true` that was checked anyway.
DRAFT_MARK = "DRAFT, never reviewed"
CLAIM_KEYS = ("id", "quote", "source", "test", "after", "before", "draft", "at", "why", "review")
AT_KEYS = ("paragraph", "start", "end")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def load_case(path: str | os.PathLike[str], *, allow_outside: bool = False) -> Case:
    """Read and validate a case file; CaseFileError (file, line, key, problem) on any mistake.

    Track and region files must lie in the case's folder (symbolic links followed) unless `allow_outside` or
    the case's `allow_outside: true` says otherwise: a case someone sends must not read the reader's files."""
    p = Path(path)
    file = str(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CaseFileError(file, "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise CaseFileError(file, f"cannot read the file ({e})") from None
    return parse_case(text, file, allow_outside=allow_outside)


def parse_case(text: str, file: str = "<case>", *, allow_outside: bool = False) -> Case:
    """Validate case-file text; `file` names it in errors and anchors relative track paths (see `load_case`
    for `allow_outside`)."""
    root = compose(text, file)
    if root is None:
        raise CaseFileError(file, "the file is empty; see docs/case-format.md for an example")
    doc = Node(root, "", file)
    top = doc.mapping(TOP_KEYS, "a mapping of case keys (title, aircraft, window, tracks, claims, ...)")
    for k in ("title", "aircraft", "window", "tracks", "claims"):
        if k not in top:
            raise doc.error(f"missing required key '{k}'")
    base = Path(file).resolve().parent

    timezone = "UTC"
    if "timezone" in top:
        timezone = top["timezone"].text()
        try:
            timezone = zone(timezone).key
        except ValueError as e:
            raise top["timezone"].error(str(e)) from None
    ctx = ParseContext(timezone if "timezone" in top else None)

    article = Article()
    if "article" in top:
        a = top["article"].mapping(ARTICLE_KEYS)
        article = Article(**{k: v.text(allow_empty=True) for k, v in a.items()})

    ac = top["aircraft"].mapping(AIRCRAFT_KEYS)
    if "icao24" not in ac and "registration" not in ac:
        raise top["aircraft"].error("give 'icao24' (6 hex digits) and/or 'registration'")
    aircraft_fields = {k: v.text() for k, v in ac.items()}
    if "icao24" in ac:
        icao = parse_icao24(aircraft_fields["icao24"])
        if icao is None:
            raise ac["icao24"].error(f"expected 6 hex digits (e.g. 0d8373), got {ac['icao24'].node.value!r}")
        aircraft_fields["icao24"] = icao
    aircraft = Aircraft(**aircraft_fields)

    w = range_node(top["window"], ctx.timezone)
    window = Window(w.start, w.end)

    if "allow_outside" in top:
        flag = top["allow_outside"].value()
        if not isinstance(flag, bool):
            raise top["allow_outside"].error(f"expected true or false, got {top['allow_outside'].describe()}")
        allow_outside = allow_outside or flag
    tracks = _track_specs(top["tracks"], base, allow_outside)
    traffic, traffic_dataset = (), ""
    if "traffic" in top:
        if _names_dataset(top["traffic"]):
            traffic_dataset = _dataset(top["traffic"], base)
        else:
            traffic = _track_specs(top["traffic"], base, allow_outside)
    regions = _region_files(top["regions"], base, allow_outside) if "regions" in top else ()
    settings = _settings(top["settings"]) if "settings" in top else Settings()

    claims = _claims(top["claims"], ctx)
    _check_references(claims, ctx, top["claims"])
    if any(c.predicate == "traffic_count" for c in claims) and not (traffic or tracks or traffic_dataset):
        raise top["claims"].error("traffic_count claims need track files")
    return Case(
        path=file,
        title=top["title"].text(),
        description=top["description"].text(allow_empty=True) if "description" in top else "",
        article=article,
        aircraft=aircraft,
        window=window,
        timezone=timezone,
        tracks=tracks,
        claims=claims,
        regions=regions,
        traffic=traffic,
        traffic_dataset=traffic_dataset,
        settings=settings,
    )


def _names_dataset(y: Node) -> bool:
    return y.is_map and any(getattr(k, "value", None) == "dataset" for k, _ in y.node.value)


def _dataset(y: Node, base: Path) -> str:
    """`traffic: {dataset: DIR}`: a history dataset folder relative to the case file, or an fsspec URL."""
    from tracks.history.layout import Dataset, DatasetError

    m = y.mapping(("dataset",), "{dataset: DIR} (a tracks history dataset, see docs/history.md)")
    text = m["dataset"].text()
    path = text if "://" in text else str((base / text).resolve())
    try:
        Dataset(path)
    except DatasetError as e:
        raise m["dataset"].error(str(e)) from None
    return path


def _check_inside(y: Node, files: list[str] | tuple[str, ...], base: Path, allow: bool, what: str) -> None:
    """CaseFileError at `y` when a file lies outside the case folder `base` and that is not allowed."""
    outside = [f for f in files if not is_inside(f, base)]
    if outside and not allow:
        more = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
        raise y.error(f"{what} {os.path.realpath(outside[0])}{more} lies outside the case folder {base} (an "
                      f"absolute path, '..' or a symbolic link); {OUTSIDE_HINT}")


def _track_specs(y: Node, base: Path, allow_outside: bool = False) -> tuple[TrackSpec, ...]:
    items = y.items() if y.is_seq else [y]
    if not items:
        raise y.error("expected at least one track file or glob")
    specs = []
    for it in items:
        fmt = None
        options: dict[str, Any] = {}
        lines: dict[str, int] = {}
        if it.is_map:
            m = it.mapping(entry_keys(), "a path, a glob, {path: ..., format: ..., <loader options>} or "
                           "{archived: <sha256 or URL>}")
            fmt = _format_name(m)
            options, lines = parse_options(m, fmt)
            if "archived" in m:
                if "archive" in m:
                    folder = m["archive"].text()
                    _check_inside(m["archive"], [folder if os.path.isabs(folder) else str(base / folder)], base,
                                  allow_outside, "the archive")
                specs.append(replace(_archived(it, m, base), options=MappingProxyType(options),
                                     option_lines=MappingProxyType(lines)))
                continue
            if "path" not in m:
                raise it.error("missing 'path' (or 'archived')")
            pattern_node = m["path"]
        else:
            pattern_node = it
        pattern = pattern_node.text()
        full = pattern if os.path.isabs(pattern) else str(base / pattern)
        if any(ch in pattern for ch in "*?["):
            files = sorted(f for f in glob.glob(full, recursive=True) if os.path.isfile(f))
        elif os.path.isdir(full):
            files = sorted(str(f) for f in Path(full).rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            files = [full] if os.path.isfile(full) else []
        if not files:
            raise pattern_node.error(f"no file matches {pattern!r} (looked in {base})")
        _check_inside(pattern_node, files, base, allow_outside, "the track file")
        specs.append(TrackSpec(pattern, tuple(files), fmt, it.line, options=MappingProxyType(options),
                               option_lines=MappingProxyType(lines)))
    return tuple(specs)


def _format_name(m: dict[str, Node]) -> str | None:
    """The entry's `format`, checked against the known formats (CaseFileError at its line)."""
    if "format" not in m:
        return None
    from tracks.claims.loadopts import format_options

    name = m["format"].text()
    if name not in format_options():
        raise m["format"].error(unknown(name, list(format_options()), "format"))
    return name


def _archived(it: Node, m: dict[str, Node], base: Path) -> TrackSpec:
    """A fetched file named by sha256 (prefix), URL or manifest path in the evidence archive (tracks fetch)."""
    from tracks.errors import FetchError
    from tracks.fetch.archive import Archive

    if "path" in m:
        raise m["path"].error("give 'path' or 'archived', not both")
    ref = m["archived"].text()
    root = None
    if "archive" in m:
        root_text = m["archive"].text()
        root = root_text if os.path.isabs(root_text) else str(base / root_text)
    try:
        archive = Archive(root)
        path = archive.resolve(ref)
        entry = archive.find(ref)[0]
    except FetchError as e:
        raise m["archived"].error(str(e)) from None
    fmt = m["format"].text() if "format" in m else None
    return TrackSpec(f"archived:{ref}", (str(path),), fmt, it.line, entry.url, entry.retrieved_at)


def _region_files(y: Node, base: Path, allow_outside: bool = False) -> tuple[str, ...]:
    items = y.items() if y.is_seq else [y]
    out = []
    for it in items:
        name = it.text()
        full = name if os.path.isabs(name) else str(base / name)
        if not os.path.isfile(full):
            raise it.error(f"region file {name!r} not found (looked in {base})")
        _check_inside(it, [full], base, allow_outside, "the region file")
        out.append(full)
    return tuple(out)


def _settings(y: Node) -> Settings:
    m = y.mapping(("max_gap_s", "max_speed_kt"))
    return Settings(
        max_gap_s=m["max_gap_s"].number(positive=True) if "max_gap_s" in m else Settings.max_gap_s,
        max_speed_kt=m["max_speed_kt"].number(positive=True) if "max_speed_kt" in m else None,
    )


def _claims(y: Node, ctx: ParseContext) -> tuple[Claim, ...]:
    items = y.items()
    if not items:
        raise y.error("expected at least one claim")
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for i, it in enumerate(items):
        m = it.mapping(CLAIM_KEYS, "a claim {id, quote, test}")
        for k in ("id", "quote", "test"):
            if k not in m:
                raise it.error(f"claim needs '{k}'")
        cid = m["id"].text()
        if not _ID_RE.match(cid):
            raise m["id"].error(f"a claim id is letters, digits, '-', '_' or '.', got {cid!r}")
        if cid in seen:
            raise m["id"].error(f"duplicate claim id {cid!r} (first used on line {seen[cid]})")
        seen[cid] = m["id"].line
        name, params, lines = parse_test(m["test"], ctx)
        bounds = {}
        for key in ("after", "before"):  # the claim is tested from / up to another claim's moment
            bounds[key] = m[key].text() if key in m else ""
            if key in m:
                ctx.refs.append((bounds[key], m[key]))
        claims.append(Claim(
            id=cid,
            quote=m["quote"].text(),
            predicate=name,
            params=MappingProxyType(params),
            source=m["source"].text(allow_empty=True) if "source" in m else "",
            after=bounds["after"],
            before=bounds["before"],
            line=it.line,
            lines=MappingProxyType(lines),
            index=i,
            **_draft_fields(m),
        ))
    return tuple(claims)


def _draft_fields(m: dict[str, Node]) -> dict[str, Any]:
    """The keys `tracks draft` writes: `draft: true` until a reviewer deletes it, where the quote is in the
    article (`at: {paragraph, start, end}`), `why` (the words behind the test) and `review` (what to check)."""
    out: dict[str, Any] = {}
    if "draft" in m:
        flag = m["draft"].value()
        if not isinstance(flag, bool):
            raise m["draft"].error(f"expected true or false, got {m['draft'].describe()}")
        out["draft"] = flag
    if "at" in m:
        at = m["at"].mapping(AT_KEYS, "{paragraph: N, start: N, end: N} (where the quote is in the article)")
        values = {k: v.number(minimum=0) for k, v in at.items()}
        if any(not x.is_integer() for x in values.values()):
            raise m["at"].error("paragraph, start and end are whole numbers")
        out["at"] = MappingProxyType({k: int(x) for k, x in values.items()})
    if "why" in m:
        out["why"] = m["why"].text(allow_empty=True)
    if "review" in m:
        items = m["review"].items() if m["review"].is_seq else [m["review"]]
        out["review"] = tuple(it.text() for it in items)
    return out


def _check_references(claims: tuple[Claim, ...], ctx: ParseContext, y: Node) -> None:
    ids = [c.id for c in claims]
    by_id = {c.id: c for c in claims}
    for ref, node in ctx.refs:
        if ref not in ids:
            raise node.error(unknown(ref, ids, "claim id"))
        target = by_id[ref]
        if target.predicate not in MOMENT_PREDICATES:
            raise node.error(
                f"claim {ref!r} ({target.predicate}) has no moment in time to order by; 'after', 'before' and "
                f"'sequence' need one of: {', '.join(MOMENT_PREDICATES)}"
            )
    for c in claims:
        if c.id in c.depends_on:
            raise CaseFileError(y.file, f"claim {c.id!r} refers to itself", line=c.line, key=f"claims[{c.index}]")
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(cid: str, stack: list[str]) -> None:
        state[cid] = 1
        for dep in by_id[cid].depends_on:
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep):], dep]
                c = by_id[dep]
                raise CaseFileError(y.file, f"claims depend on each other in a cycle: {' -> '.join(cycle)}",
                                    line=c.line, key=f"claims[{c.index}]")
            if state.get(dep) != 2:
                visit(dep, [*stack, dep])
        state[cid] = 2

    for c in claims:
        if state.get(c.id) != 2:
            visit(c.id, [c.id])


def require_reviewed(case: Case) -> None:
    """CaseFileError at the first claim still marked `draft: true` (proposed by `tracks draft`, never reviewed),
    naming them all; `tracks check --allow-drafts` / `check(..., allow_drafts=True)` skips this."""
    drafts = [c for c in case.claims if c.draft]
    if not drafts:
        return
    ids = ", ".join(c.id for c in drafts)
    raise CaseFileError(
        case.path, f"{len(drafts)} claim(s) are drafts that nobody has reviewed ({ids}): check each one against "
        "the article (its quote, test, `why` and `review` notes), then delete its `draft: true` line; or run with "
        "--allow-drafts (Python: allow_drafts=True) to check them anyway, marked as drafts in the report",
        line=drafts[0].line, key=f"claims[{drafts[0].index}].draft")


def evaluation_order(case: Case) -> tuple[Claim, ...]:
    """Claims ordered so that every claim comes after those it depends on (file order otherwise)."""
    done: set[str] = set()
    out: list[Claim] = []
    by_id = {c.id: c for c in case.claims}

    def add(c: Claim) -> None:
        if c.id in done:
            return
        done.add(c.id)
        for dep in c.depends_on:
            add(by_id[dep])
        out.append(c)

    for c in case.claims:
        add(c)
    return tuple(out)
