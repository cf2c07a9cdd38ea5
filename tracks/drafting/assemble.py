"""Proposals -> a case file: claim ids, `after`/`before` links, sequences, the aircraft, window, timezone and
article blocks, and the YAML text (with REVIEW comments) that `tracks check` validates.

The YAML is written by hand (so that it can carry comments) with every value dumped by PyYAML, and is checked
with the case parser (tracks.claims.case.parse_case) before it is returned: a draft that would not parse is a
bug, never a file handed to the user.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from tracks.drafting.identity import Identity
from tracks.drafting.reader import ArticleText
from tracks.drafting.rules import Proposal, Unmapped

#: Hours added before the first and after the last day the article dates, for the case window.
WINDOW_PAD_BEFORE_H, WINDOW_PAD_AFTER_H = 6, 12
#: Written in `tracks:` when no track file is given: `tracks check` stops at it with "no file matches".
TRACK_PLACEHOLDER = "TRACK-FILE.json"
_EVENT_PREDICATES = ("departed_from", "landed_at", "approached", "visited", "event_time_within")


@dataclass
class DraftClaim:
    """A drafted claim as written to the case file."""

    id: str
    proposal: Proposal
    after: str = ""
    before: str = ""

    @property
    def predicate(self) -> str:
        return self.proposal.predicate


@dataclass
class Assembled:
    claims: list[DraftClaim]
    unmapped: list[Unmapped]
    timezone: str
    window: tuple[str, str]
    notes: dict[str, list[str]] = field(default_factory=dict)  # block -> review notes


def assign(proposals: list[Proposal]) -> list[DraftClaim]:
    """Ids (from the role and the place), `after` for returns and later events, `before` for 'never' claims,
    and a `sequence` claim for a sentence that names several events in order."""
    used: set[str] = set()
    claims: list[DraftClaim] = []
    prefix = {"departure": "departed", "landing": "landed", "return": "returned", "approach": "approached",
              "time": "time", "ground": "ground-time", "never": "never-entered", "outside": "stayed-outside",
              "entered": "entered", "traffic": "traffic", "time_inside": "time-inside", "crossed": "crossed"}
    for p in proposals:
        base = f"{prefix.get(p.role, p.role)}-{p.slug}".strip("-")[:60]
        cid, n = base, 2
        while cid in used:
            cid, n = f"{base}-{n}", n + 1
        used.add(cid)
        claims.append(DraftClaim(cid, p))
    events: list[DraftClaim] = []
    for c in claims:
        p = c.proposal
        if p.role == "return" and events:
            landings = [e for e in events if e.proposal.role == "landing"]
            c.after = (landings or events)[-1].id  # back from the last place it landed at, else the last event
        elif (p.role in ("approach", "landing") and events and events[-1].predicate == "departed_from"
              and events[-1].proposal.sentence.index == p.sentence.index):
            c.after = events[-1].id
        if p.predicate in ("departed_from", "landed_at", "approached"):
            events.append(c)
    departures = [c for c in claims if c.predicate == "departed_from"]
    returns = [c for c in claims if c.proposal.role == "return"]
    for c in claims:
        if c.predicate in ("never_entered", "stayed_outside") and departures and returns:
            c.after, c.before = departures[0].id, returns[-1].id
            c.proposal.review.append(f"tested from the take-off ({departures[0].id}) to the return "
                                     f"({returns[-1].id}): the hours of the window outside the trip have no data")
    out = list(claims)
    by_sentence: dict[int, list[DraftClaim]] = {}
    for c in claims:
        if c.predicate in ("departed_from", "landed_at", "approached"):
            by_sentence.setdefault(c.proposal.sentence.index, []).append(c)
    for group in by_sentence.values():
        # in the order of the story only: "landed at X after a flight from Y" names them backwards
        if (len(group) >= 2 and len({c.predicate for c in group}) >= 2 and group[0].predicate == "departed_from"
                and all(c.predicate != "departed_from" for c in group[1:])):
            first = group[0].proposal
            seq = Proposal("sequence", "sequence", {"claims": [c.id for c in group]}, first.sentence,
                           ["the sentence names " + ", then ".join(c.predicate for c in group) + " in this order"],
                           [], first.pos, None, "")
            sid = f"sequence-{group[0].id}"[:60]
            out.append(DraftClaim(sid, seq))
    return out


def timezone_of(proposals: list[Proposal], when: dt.date, fallback: str = "UTC") -> tuple[str, list[str]]:
    """The zone of the first place with a zone that the claims name; notes when places span several offsets."""
    import pandas as pd

    from tracks.drafting.places import zone_offsets

    zones: list[str] = []
    for p in proposals:
        if p.place is not None and p.place.tz and p.place.tz not in zones:
            zones.append(p.place.tz)
        for key in ("start", "end"):
            v = p.params.get(key)
            if isinstance(v, dict) and v.get("tz") and v["tz"] not in zones:
                zones.append(v["tz"])
    if not zones:
        zone = _capital_zone(proposals)
        if zone:
            return zone, [f"no place with a time zone in the claims: the zone of the capital of the country they "
                          f"name ({zone}); set the zone of the article's local times"]
        return fallback, ["no place with a time zone in the claims: UTC; set the zone of the article's local times"]
    offsets = zone_offsets(zones, pd.Timestamp(when).tz_localize("UTC"))  # offsets on the publication day
    notes = [f"from the places named: {', '.join(zones)}"]
    if len(set(offsets.values())) > 1:
        notes.append("those zones have different UTC offsets: local times in the article may be on another clock")
    return zones[0], notes


def _capital_zone(proposals: list[Proposal]) -> str:
    """The zone of the capital of the first country a claim's region names ('' when none)."""
    from tracks.drafting.places import capital_of, lookup

    for p in proposals:
        region = p.params.get("region") or (p.params.get("border") or [None])[0]
        if isinstance(region, dict):
            region = region.get("territorial_sea")
        if isinstance(region, str) and region:
            code = region.split("-")[0]
            city = capital_of(code)
            hit = lookup(city, country_hint=code) if city else None
            if hit is not None and hit.places[0].tz:
                return hit.places[0].tz
    return ""


def fit_clock_changes(proposals: list[Proposal], tz: str) -> None:
    """Event time windows whose local start or end a daylight-saving change skips or repeats in their zone
    (theirs, else the case's `tz`) are rewritten in UTC to cover every reading of those clock times, with a note."""
    import pandas as pd

    for p in proposals:
        start, end = p.params.get("start"), p.params.get("end")
        if p.predicate != "event_time_within" or not isinstance(start, dict) or not isinstance(end, dict):
            continue
        zone = start.get("tz") or tz
        lo, hi = pd.Timestamp(start["local"]), pd.Timestamp(end["local"])
        try:
            for t in (lo, hi):
                t.tz_localize(zone, ambiguous="raise", nonexistent="raise")
            continue
        except ValueError:  # skipped or repeated: both offsets around the change count
            pass
        offsets = [(t + pd.Timedelta(hours=h)).tz_localize(zone, ambiguous=True, nonexistent="shift_forward")
                   .utcoffset() for t in (lo, hi) for h in (-12, 12)]
        first, last = lo - max(offsets), hi - min(offsets)
        p.params["start"], p.params["end"] = f"{first:%Y-%m-%dT%H:%M}Z", f"{last:%Y-%m-%dT%H:%M}Z"
        p.review.append(f"{start['local']}..{end['local']} in {zone} meets a daylight-saving change: written in UTC "
                        f"({first:%H:%M}..{last:%H:%M}Z) to cover both clocks; narrow it")


def window_of(proposals: list[Proposal], dates: list[Any], published: dt.date, tz: str,
              set_aside: list[str] | tuple[str, ...] = ()) -> tuple[tuple[str, str], list[str]]:
    """The case window: the days the article dates for its claims (dates.usable_dates), padded, in the case's
    zone at the offsets of those days; `set_aside` notes the dates of claim sentences it leaves out."""
    import pandas as pd

    notes: list[str] = []
    if dates:
        first = min(d.first for d in dates)
        last = max(d.last for d in dates)
        named = list(dict.fromkeys(f"'{d.text}'" for d in dates))
        notes.append("from the dates the article gives for its claims: " + ", ".join(named))
        notes += list(dict.fromkeys(d.resolved for d in dates if d.resolved))
    else:
        first, last = published - dt.timedelta(days=7), published
        notes.append(f"the claims name no date: the week before publication ({first}..{last})")
    notes += list(dict.fromkeys(set_aside))

    def midnight(day: dt.date) -> pd.Timestamp:  # a midnight skipped by a clock change is the first hour after it
        return pd.Timestamp(dt.datetime.combine(day, dt.time())).tz_localize(tz, ambiguous=True,
                                                                             nonexistent="shift_forward")

    start = midnight(first) - pd.Timedelta(hours=WINDOW_PAD_BEFORE_H)
    end = midnight(last + dt.timedelta(days=1)) + pd.Timedelta(hours=WINDOW_PAD_AFTER_H)
    notes.append(f"padded by {WINDOW_PAD_BEFORE_H} h before and {WINDOW_PAD_AFTER_H} h after: narrow it to the "
                 "flight once the track is loaded (hours without data weaken 'never' claims)")
    return (start.isoformat(timespec="minutes"), end.isoformat(timespec="minutes")), notes


# -- YAML --------------------------------------------------------------------------------------------------------


def scalar(value: Any) -> str:
    """One YAML value on one line (flow style), quoted as PyYAML decides; never a multi-line block."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1_000_000, sort_keys=False)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[:-4].strip()
    elif text.endswith("..."):
        text = text[:-3].strip()
    return text.replace("\n", " ")


def comment(text: str) -> str:
    """Text safe inside a YAML comment (one line)."""
    return re.sub(r"[\r\n\u2028\u2029\x85]+", " ", text)


#: Most Markdown code blocks named one by one in the case file's closing comment (the rest are counted).
MAX_CODE_BLOCKS_LISTED = 50


def render(article: ArticleText, lang: str, published: dt.date, ident: Identity, asm: Assembled,
           tracks: list[str]) -> str:
    """The case file text."""
    lines: list[str] = []
    add = lines.append
    name = article.name
    add(f"# Drafted by `tracks draft` from {comment(name)} ({lang}, published {published}).")
    add("# Every claim is `draft: true`: check its quote, test, `why` and `review` notes against the article, fix")
    add("# the test, then delete the `draft: true` line. `tracks check` refuses drafts unless --allow-drafts.")
    add("# Lines marked REVIEW are proposals the article does not settle.")
    title = article.title or _first_words(article.paragraphs[0].text if article.paragraphs else "Drafted case")
    add(f"title: {scalar(title)}")
    add("article:" + (f"  # REVIEW: {comment('; '.join(asm.notes['article']))}" if asm.notes.get("article") else ""))
    for key, value in (("publisher", article.publisher), ("title", article.title), ("url", article.url),
                       ("published", article.published or str(published)), ("language", lang)):
        add(f"  {key}: {scalar(value)}")
    add("aircraft:")
    wrote = False
    for key, values in (("icao24", ident.icao24), ("registration", ident.registration), ("callsign", ident.callsign)):
        if values:
            extra = f"; also named: {', '.join(values[1:])}" if len(values) > 1 else ""
            add(f"  {key}: {scalar(values[0])}  # {comment(ident.found.get(values[0], ''))}{comment(extra)}")
            wrote = wrote or key != "callsign"
    if not wrote:
        add("  registration: UNKNOWN  # REVIEW: the article gives no registration or ICAO address; "
            "give one (tracks draft --aircraft)")
    for note in ident.notes:
        add(f"  # {comment(note)}")
    add(f"timezone: {scalar(asm.timezone)}  # REVIEW: {comment('; '.join(asm.notes.get('timezone', [])))}")
    add("window:  # REVIEW: " + comment("; ".join(asm.notes.get("window", []))))
    add(f"  start: {scalar(asm.window[0])}")
    add(f"  end: {scalar(asm.window[1])}")
    if tracks:
        add(f"tracks: {scalar(tracks)}")
    else:
        add(f"tracks: [{TRACK_PLACEHOLDER}]  # REVIEW: the track file(s), relative to this file "
            "(tracks fetch, or tracks draft --tracks)")
    add("claims:")
    for c in asm.claims:
        p = c.proposal
        s = p.sentence
        add(f"  - id: {scalar(c.id)}")
        add("    draft: true")
        add(f"    quote: {scalar(s.text)}")
        add(f"    at: {{paragraph: {s.paragraph}, start: {s.start}, end: {s.end}}}")
        src = source_of(s.text, lang)
        if src:
            add(f"    source: {scalar(src)}")
        add(f"    why: {scalar('; '.join(p.why))}")
        if p.review:
            add("    review:")
            for r in p.review:
                add(f"      - {scalar(r)}")
        add(f"    test: {scalar({p.predicate: p.params})}")
        if c.after:
            add(f"    after: {scalar(c.after)}")
        if c.before:
            add(f"    before: {scalar(c.before)}")
    if not asm.claims:
        add("  []  # no checkable claim found; see the sentences below")
    if asm.unmapped:
        add("")
        add("# Not drafted: claims about the flight for which no test was proposed, kept so that nothing is dropped.")
        for u in asm.unmapped:
            s = u.sentence
            add(f"# - paragraph {s.paragraph} [{s.start}:{s.end}]: {comment(scalar(s.text))}")
            add(f"#   why not: {comment(u.reason)}")
    if article.code_blocks:
        add("")
        add("# Not read: Markdown code blocks (``` fenced or indented 4 spaces) are not the article's prose; if one")
        add("# holds the article's words, remove its fence or indentation and draft again.")
        for block in article.code_blocks[:MAX_CODE_BLOCKS_LISTED]:
            add(f"# - {comment(block)}")
        if len(article.code_blocks) > MAX_CODE_BLOCKS_LISTED:
            add(f"# - and {len(article.code_blocks) - MAX_CODE_BLOCKS_LISTED} more")
    return "\n".join(lines) + "\n"


def _first_words(text: str, limit: int = 100) -> str:
    """The text cut at a word boundary before `limit` characters ('...' when cut)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " ..."


def source_of(text: str, lang: str) -> str:
    """Who the sentence credits ('ADS-B Exchange website'), '' when no one."""
    from tracks.drafting.lexicon import pattern

    m = pattern("source", lang).search(text)
    if not m:
        return ""
    who = next((g for g in m.groups() if g), "").strip()
    return re.sub(r"\s+", " ", who)[:120]
