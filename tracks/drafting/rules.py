"""From one sentence to proposed tests: which predicate its words call for, with which parameters, and why.

`propose(sentence, context)` returns the sentence's proposals (predicate, parameters, the words behind them,
what a reviewer must check). Places are resolved by tracks.drafting.places, dates and times by tracks.drafting.dates;
values the article does not give (a distance for "flew to the border", a period for "airspace closed") are
proposed and flagged, never silently invented. Every Proposal is checked against the claims spec
(tracks.claims.case.PREDICATES) when it is made: an unknown predicate or parameter name is a bug caught there, and
the whole case file is then validated by the case parser.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from tracks.drafting import lexicon as lx
from tracks.drafting.dates import ClockTime, find_clock_times, usable_dates
from tracks.drafting.places import Match, Place, capital_of, demonym_country, lookup
from tracks.drafting.text import Sentence

#: Distance proposed when the article names a border or place without a distance ("flew to the border"), km.
NO_DISTANCE_KM = 25.0
#: A hedged distance ("about 10 km") is proposed as this multiple of the stated one.
HEDGED_DISTANCE_FACTOR = 1.5
#: Half-width of the window proposed around a clock time: hedged ("around 21:10"), and stated exactly (min).
HEDGED_TIME_MIN, EXACT_TIME_MIN = 30, 10
#: Relative margin of a proposed duration range: hedged ("about 40 minutes"), and stated exactly.
HEDGED_DURATION, EXACT_DURATION = 0.25, 0.10


@dataclass
class Proposal:
    """One proposed claim from one sentence."""

    role: str  # departure, landing, return, approach, time, ground, never, outside, entered, crossed, traffic,
    #            time_inside, sequence
    predicate: str
    params: dict[str, Any]
    sentence: Sentence
    why: list[str]
    review: list[str] = field(default_factory=list)
    pos: int = 0  # where in the sentence the words start (orders a sequence)
    place: Place | None = None  # the place the test names (for ids and for later sentences)
    slug: str = ""  # a word for the id ("caracas", "ve-br-rr")

    def __post_init__(self) -> None:
        """The predicate and its parameter names must be those of the claims spec (tracks.claims)."""
        from tracks.claims.case import PREDICATES

        spec = PREDICATES.get(self.predicate)
        unknown = sorted(set(self.params) - set(spec.params)) if spec is not None else []
        if spec is None or unknown:
            raise ValueError(f"tracks draft proposed {self.predicate!r} with {unknown or 'an unknown predicate'}: "
                             "not in the claims spec")


@dataclass
class Unmapped:
    """A sentence that claims something about a flight for which no test was proposed, and why."""

    sentence: Sentence
    reason: str


@dataclass
class Context:
    """What earlier sentences established: the language, publication date, last date and places named."""

    lang: str
    published: dt.date
    last_date: Any = None  # DateMention of the most recent date named so far
    last_landing: Place | None = None
    home_country: str = ""  # the country of the first departure: the near side of "the border with ..."
    coast_country: str = ""  # the last country whose coast or airspace was named (for "international airspace")
    countries: list[str] = field(default_factory=list)  # countries named, in order
    sea: bool = False  # the story is about flights over the sea (coast, islands, international airspace)


def _m(key: str, ctx: Context) -> re.Pattern[str]:
    return lx.pattern(key, ctx.lang)


_PLACE_RE = re.compile(lx.PLACE)
_ARTICLES = re.compile(r"^(?:the|el|la|los|las|o|a|os|as|do|da|del|de|small town of|town of|city of|ciudad de|"
                       r"cidade de|aeropuerto de|aeroporto de|airport of|base aérea de|base aerea de|"
                       r"pequeña ciudad de|pequena cidade de|isla|islas|island of|ilha|ilhas|island)\s+")
# (case-sensitive: "La Orchila", "Los Testigos" keep their article)


def place_after(text: str, pos: int, ctx: Context, country_hint: str = "") -> tuple[Match | None, str, int]:
    """The place named right after `pos`: (match or None, the words, end offset)."""
    rest = text[pos:]
    lead = re.match(r"\s*", rest).end()  # type: ignore[union-attr]
    body = rest[lead:]
    stripped = 0
    while True:
        m = _ARTICLES.match(body[stripped:])
        if not m:
            break
        stripped += m.end()
    cap = _capital(body[stripped:], ctx)
    if cap is not None:
        match, words = cap
        return match, body[:stripped + len(words)], pos + lead + stripped + len(words)
    pm = _PLACE_RE.match(body[stripped:])
    if not pm:
        return None, "", pos
    words = pm.group(0).rstrip(".’'")
    words = re.sub(r"\s+(?:of|the|de|del|da|do|y|e)$", "", words)
    end = pos + lead + stripped + len(words)
    # "Dyess Air Force Base in Texas": the words up to a preposition; try the longest name that resolves
    parts = words.split()
    for n in range(len(parts), min(2, len(parts)) - 1, -1):  # never shortened to one word ("Los" of "Los Testigos")
        cand = " ".join(parts[:n])
        hit = lookup(cand, country_hint=country_hint)
        if hit is not None:
            return hit, cand, pos + lead + stripped + len(cand)
    return None, words, end


def _capital(text: str, ctx: Context) -> tuple[Match, str] | None:
    """'the Venezuelan capital', 'la capital venezolana', 'a capital venezuelana' -> the capital city."""
    m = re.match(r"(?:(\w+)\s+capital|capital\s+(\w+)|capital\b)", text, re.IGNORECASE)
    if not m:
        return None
    adj = m.group(1) or m.group(2) or ""
    code = demonym_country(adj) if adj else ""
    if not code:
        code = ctx.home_country
        if not code:
            return None
    city = capital_of(code)
    hit = lookup(city, country_hint=code) if city else None
    if hit is None:
        return None
    return Match(m.group(0), hit.places, f"capital of {code}"), m.group(0)


def _airports_of(match: Match) -> tuple[list[str], list[str]]:
    """The airports a take-off or landing at this place may use, and review notes."""
    with_airports = [p for p in match.places if p.airports]
    if not with_airports and match.places[0].kind == "country":
        from tracks.drafting.places import country_airports

        codes = list(country_airports(match.places[0].code))
        if codes:
            return codes, [f"'{match.text}' is a country: its airports with scheduled service are {', '.join(codes)}"]
    if not with_airports:
        return [], [f"'{match.text}' names no airport ({match.places[0].kind} {match.places[0].label}): give the "
                    "airports, or a point [lat, lon] with within_km"]
    first = with_airports[0]
    codes = list(first.airports)
    notes = []
    if len(codes) > 1:
        notes.append(f"'{match.text}' is served by {len(codes)} airports ({', '.join(codes)}): keep those the "
                     "article means (any of them counts)")
    others = [p for p in with_airports[1:] if set(p.airports) - set(codes)]
    if others:
        notes.append(f"'{match.text}' may also mean: " + "; ".join(
            f"{p.kind} {p.label} ({', '.join(p.airports)})" for p in others[:4]))
    if match.how.startswith("the airports of"):
        notes.append(f"'{match.text}' is in no airport list by that name: read as {match.how}; check the base")
    elif match.how == "IATA code":
        notes.append(f"'{match.text}' read as the IATA code of {first.name} ({codes[0]}): check the place")
    elif match.how not in ("exact", "ICAO code") and not match.how.startswith("capital"):
        notes.append(f"'{match.text}' matched by {match.how}: check the place")
    return codes, notes


def _slug(text: str) -> str:
    from tracks.drafting.places import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:40] or "place"


def _hedge(words: str | None) -> bool:
    return bool(words and words.strip().lower() not in ("within", "less than", "under", "menos de", "just", "only",
                                                         "apenas", "solo", "sólo"))


def _country_of_text(text: str) -> str:
    """A country named by an adjective or a name in `text` ("Venezuelan", "de Brasil", "venezuelano")."""
    from tracks.drafting.places import region_by_name

    for w in re.findall(r"[\w’']+", text):
        w = re.sub(r"[’']s$", "", w)
        code = demonym_country(w)
        if code:
            return code
        for code, kind, _ in region_by_name(w):
            if kind == "country":
                return code
    return ""


# -- the rules ----------------------------------------------------------------------------------------------------


def propose(s: Sentence, ctx: Context) -> tuple[list[Proposal], list[Unmapped]]:
    """The tests this sentence calls for (in sentence order), and what it claims that maps to no test."""
    text = s.text
    props: list[Proposal] = []
    unmapped: list[Unmapped] = []
    negated = bool(_m("negation", ctx).search(text))
    dates, set_aside = usable_dates(text, ctx.lang, ctx.published)  # history is no flight date
    for c in _countries(text):
        if c not in ctx.countries:
            ctx.countries.append(c)
    if re.search(r"\b(?:coast|costa|islands?|isla|ilha|island|Caribbean|Caribe|sea|mar|golfo|gulf)\b", text,
                 re.IGNORECASE) or _m("international", ctx).search(text):
        ctx.sea = True
    if dates:
        ctx.last_date = dates[-1]

    props += _departures(s, ctx, negated, unmapped)
    props += _flew_to(s, ctx, props)
    props += _landings(s, ctx, negated, props, unmapped)
    props += _returns(s, ctx, props)
    props += _distances(s, ctx, props, unmapped)
    props += _borders(s, ctx, props)
    props += _times(s, ctx, props, dates)
    props += _ground_time(s, ctx, unmapped)
    props += _crossings(s, ctx)
    props += _overflights(s, ctx)
    props += _airspace(s, ctx, negated, unmapped)
    props += _traffic(s, ctx, dates)
    props += _time_inside(s, ctx, unmapped)
    props.sort(key=lambda p: p.pos)
    for p in props:
        p.review += set_aside
    if not props and not unmapped and _m("aircraft", ctx).search(text) and _claimlike(text, ctx):
        unmapped.append(Unmapped(s, "a statement about a flight for which no test was found"))
    return props, unmapped


def _countries(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[\w’']+", text):
        code = demonym_country(re.sub(r"[’']s$", "", w))
        if code and code not in out:
            out.append(code)
    return out


def _claimlike(text: str, ctx: Context) -> bool:
    """Whether a sentence about aircraft also says where, when, how far or how long (something checkable)."""
    return bool(find_clock_times(text) or re.search(r"\d", text) or _PLACE_RE.search(text[1:]))


#: Where a verb's reach for its place ends: a sentence or clause mark, but not the ':' or '.' inside a clock time
#: or number ("landed around 21:10 local time at Santa Elena de Uairén", "21.10 Uhr").
_CLAUSE_END = re.compile(r"[;!?]|[.:](?!\d)")


def _slot_places(key: str, s: Sentence, ctx: Context, country_hint: str = ""
                 ) -> list[tuple[re.Match[str], str, Match, int]]:
    """(verb match, the words from the verb to the place, the place, end) for each event verb of `key` (see
    lexicon.SLOTS) whose place resolves: after each preposition within SLOT_REACH characters of the verb (the
    first that names a place), or right after a verb that takes it directly ("departed Caracas")."""
    verbs, preps, direct = lx.SLOTS[key][ctx.lang]
    out = []
    taken = 0
    for vm in re.finditer(rf"\b(?:{verbs})\b", s.text, re.IGNORECASE):
        if vm.start() < taken:
            continue
        starts = [vm.end()] if direct and re.fullmatch(direct, vm.group(0), re.IGNORECASE) else []
        reach = s.text[vm.end():vm.end() + lx.SLOT_REACH]
        reach = _CLAUSE_END.split(reach)[0]
        starts += [vm.end() + pm.end() for pm in re.finditer(rf"\s(?:{preps})(?=\s)", reach, re.IGNORECASE)]
        for pos in starts:
            hit, words, end = place_after(s.text, pos, ctx, country_hint)
            if hit is not None:
                out.append((vm, s.text[vm.start():pos].strip() + " " + words, hit, end))
                taken = end
                break
    return out


def _event_proposals(key: str, role: str, predicate: str, s: Sentence, ctx: Context,
                     unmapped: list[Unmapped], done: list[Proposal]) -> list[Proposal]:
    out = []
    for vm, phrase, hit, _ in _slot_places(key, s, ctx):
        if re.match(r"\s*(?:again|novamente|de nuevo)\b", s.text[vm.end():], re.IGNORECASE):
            continue
        codes, notes = _airports_of(hit)
        if not codes:
            continue
        if _negated_near(s.text, vm.start(), ctx):
            what = "a take-off" if key == "depart" else "a landing"
            unmapped.append(Unmapped(s, f"'{phrase}' is negated: no predicate tests that {what} did not happen"))
            continue
        if any(p.predicate == predicate and p.params.get("airports") == codes for p in [*done, *out]):
            continue
        place = hit.places[0]
        why = [f"'{phrase}' -> {predicate}" + (" (after the trip's earlier events)" if role == "return" else ""),
               f"'{hit.text}' -> " + (f"{place.name}: " if hit.how.startswith("capital") else
                                      f"{hit.how} of {place.name}: " if hit.how.endswith(" code") else "")
               + ", ".join(codes)]
        slug = _slug(place.name if hit.how.startswith("capital") else hit.text)
        out.append(Proposal(role, predicate, {"airports": codes}, s, why, notes, vm.start(), place, slug))
        if key == "depart" and not ctx.home_country:
            ctx.home_country = place.country
        if key == "land":
            ctx.last_landing = place
    return out


def _departures(s: Sentence, ctx: Context, negated: bool, unmapped: list[Unmapped]) -> list[Proposal]:
    return _event_proposals("depart", "departure", "departed_from", s, ctx, unmapped, [])


def _negated_near(text: str, pos: int, ctx: Context) -> bool:
    before = text[max(0, pos - 30):pos]
    return bool(_m("negation", ctx).search(before))


def _flew_to(s: Sentence, ctx: Context, done: list[Proposal]) -> list[Proposal]:
    """'flew from Caracas to Santa Elena' -> landed_at Santa Elena (flagged: flying to is not landing)."""
    out = []
    for m in _m("flew_to", ctx).finditer(s.text):
        after = s.text[m.end():]
        if _m("border", ctx).match(after.lstrip()) or re.match(r"\s*(?:the\s+)?(?:coast|costa)\b", after):
            continue  # "flew to the border": an approach, see _borders
        hit, words, _ = place_after(s.text, m.end(), ctx)
        if hit is None:
            continue
        codes, notes = _airports_of(hit)
        if not codes:
            continue
        out.append(Proposal("landing", "landed_at", {"airports": codes}, s,
                            [f"'{m.group(0)} {words}' -> landed_at", f"'{words}' -> {', '.join(codes)}"],
                            [f"'{m.group(0).split()[0]} ... to' says where it went, not that it landed: keep "
                             "landed_at only if the article means a landing", *notes], m.start() + len(m.group(0)),
                            hit.places[0], _slug(words)))
        ctx.last_landing = hit.places[0]
    return out


def _landings(s: Sentence, ctx: Context, negated: bool, done: list[Proposal], unmapped: list[Unmapped]
              ) -> list[Proposal]:
    return _event_proposals("land", "landing", "landed_at", s, ctx, unmapped, done)


def _returns(s: Sentence, ctx: Context, done: list[Proposal]) -> list[Proposal]:
    return _event_proposals("return", "return", "landed_at", s, ctx, [], [])


def _overflights(s: Sentence, ctx: Context) -> list[Proposal]:
    """'flew over Colombian territory' -> entered CO; 'no sobrevoló territorio de Puerto Rico' -> never_entered PR."""
    out = []
    for m in _m("overflew", ctx).finditer(s.text):
        tail = s.text[m.end():m.end() + 60]
        tm = re.match(r"\s+(?:the\s+|el\s+|o\s+)?(?:(?:territ[oó]rio|territory)\s+(?:de\s+|of\s+|d[aoe]\s+)?)?"
                      r"(?:(?:la|el|a|o|the)\s+)?([\w’'-]+(?:\s+[A-Z][\w’'-]+)?)(?:\s+territory)?", tail)
        if tm is None:
            continue
        words = tm.group(1)
        code = _country_of_text(words) or next((p.code for p in (lookup(words).places if lookup(words) else ())
                                                 if p.kind in ("country", "state")), "")
        if not code:
            continue
        phrase = s.text[m.start():m.end() + tm.end()].strip()
        land = f"{code}'s land; over the sea use {{territorial_sea: {code}}}"
        if _negated_near(s.text, m.start(), ctx):
            out.append(Proposal("never", "never_entered", {"region": code}, s, [f"'{phrase}' negated -> never_entered"],
                                [f"never_entered tests {land}"], m.start(), None, code.lower()))
        else:
            out.append(Proposal("entered", "entered", {"region": code}, s, [f"'{phrase}' -> entered {code}"],
                                [f"entered tests {land}"], m.start(), None, code.lower()))
    return out


def _border_side(other: str, ctx: Context) -> tuple[str, list[str]]:
    """The near side of 'the border with X': the country of the first departure, else the first country named."""
    near = ctx.home_country or next((c for c in ctx.countries if c != other.split("-")[0]), "")
    if not near:
        return "", [f"which country's border with {other}? the article does not say: replace the first code"]
    return near, ([] if ctx.home_country else [f"the near side of the border ({near}) is the first country the "
                                               "article names: confirm"])


def _border_target(text: str, pos: int, ctx: Context) -> tuple[list[str], str, list[str], int] | None:
    """'the border with the Brazilian state of Roraima' at `pos` -> ([VE, BR-RR], words, notes, end)."""
    m = _m("border", ctx).match(text, pos)
    if not m:
        return None
    rest = text[m.end():]
    desc = re.match(r"\s*(?:the\s+|el\s+|o\s+)?(?:(\w+)\s+state\s+of|estado\s+(\w+)\s+de|estado\s+de|state\s+of|"
                    r"(?:el\s+)?estado\s+(\w+)\s+de)\s*", rest, re.IGNORECASE)
    hint = ""
    skip = 0
    if desc:
        adj = next((g for g in desc.groups() if g), "")
        hint = demonym_country(adj) if adj else ""
        skip = desc.end()
    hit, words, end = place_after(text, m.end() + skip, ctx, country_hint=hint)
    if hit is None:
        return None
    regions = [p for p in hit.places if p.kind in ("country", "state")]
    if not regions:
        return None
    other = regions[0].code
    notes = []
    if len({p.code for p in regions}) > 1:
        notes.append(f"'{words}' may be " + ", ".join(p.label for p in regions) + ": keep the one meant")
    near, side_notes = _border_side(other, ctx)
    if not near:
        return None
    phrase = text[pos:end]
    return [near, other], phrase, notes + side_notes, end


def _borders(s: Sentence, ctx: Context, done: list[Proposal]) -> list[Proposal]:
    """'to/near the border with X' (no distance) -> approached {border, within_km: proposed}."""
    out = []
    for m in _m("border", ctx).finditer(s.text):
        if any(p.predicate == "approached" and p.pos <= m.start() <= p.pos + 120 for p in done):
            continue  # already read with its distance
        tgt = _border_target(s.text, m.start(), ctx)
        if tgt is None:
            continue
        border, phrase, notes, _ = tgt
        out.append(Proposal("approach", "approached", {"border": border, "within_km": NO_DISTANCE_KM}, s,
                            [f"'{phrase}' -> approached the border {border[0]}-{border[1]}"],
                            [f"the article gives no distance: within_km {NO_DISTANCE_KM:g} is a proposal; set the "
                             "distance the article's words allow", *notes], m.start(), None,
                            _slug(f"border {border[0]} {border[1]}")))
    return out


def _distances(s: Sentence, ctx: Context, done: list[Proposal], unmapped: list[Unmapped]) -> list[Proposal]:
    """'within six nautical miles of X', 'a unos 10 kilómetros de la frontera con Y', 'a cerca de 35 km da costa'."""
    out = []
    for m in _m("distance", ctx).finditer(s.text):
        hedge, num, unit = m.group(1), m.group(2), m.group(3)
        km_per, short = lx.unit_km(unit)
        value = lx.number(num, ctx.lang)
        km = value * km_per
        hedged = _hedge(hedge)
        within = round(km * (HEDGED_DISTANCE_FACTOR if hedged else 1.0), 1)
        said = f"{hedge + ' ' if hedge else ''}{num} {unit}".strip()
        conv = f"{value:g} {short} = {km:.1f} km" if short != "km" else f"{km:g} km"
        dist_note = (f"'{said}' -> within_km {within:g} ({conv}" + (f", + {HEDGED_DISTANCE_FACTOR - 1:.0%} for "
                     f"'{hedge}')" if hedged else ")") + "; confirm the margin")
        subject = _subject_note(s.text[:m.start()], ctx)
        tgt = _border_target(s.text, m.end(), ctx)
        coast = _m("coast", ctx).match(s.text, m.end())
        if tgt is not None:
            border, phrase, notes, _ = tgt
            params: dict[str, Any] = {"border": border, "within_km": within}
            what, slug = f"the border {border[0]}-{border[1]}", f"border {border[0]} {border[1]}"
        elif coast is not None and coast.group(0).strip():
            named = next((g for g in coast.groups() if g), "")
            hit = lookup(named) if named and named[:1].isupper() else None
            code = (_country_of_text(coast.group(0)) or (hit.places[0].country if hit else "")
                    or _country_of_text(s.text) or ctx.home_country)
            ctx.coast_country = code or ctx.coast_country
            if not code:
                unmapped.append(Unmapped(s, f"'{m.group(0)}{coast.group(0)}': whose coast? no country named"))
                continue
            params, notes = {"region": code, "within_km": within}, [
                f"the coast of {code}: approached tests the distance to {code}'s land (its coastline)"]
            phrase, what, slug = coast.group(0), f"{code}'s coast", f"coast {code}"
        else:
            hit, words, _ = place_after(s.text, m.end(), ctx)
            if hit is None:
                unmapped.append(Unmapped(s, f"'{m.group(0)}{words}': '{words or 'the place'}' is in no bundled "
                                            "gazetteer; write approached with {circle: [lat, lon], radius_km: ...} "
                                            f"within_km {within:g}"))
                continue
            p = hit.places[0]
            phrase = words
            if p.kind in ("country", "state"):
                params, what, notes = {"region": p.code, "within_km": within}, p.label, []
            else:
                params = {"region": {"circle": [round(p.lat, 4), round(p.lon, 4)], "radius_km": 1},
                          "within_km": within}
                what = p.label
                notes = [f"'{words}' placed at {p.kind} {p.label} ({p.lat:.4f}, {p.lon:.4f}); an island or town is "
                         "larger than 1 km: set the circle's radius_km (or use a regions: file)"]
            slug = words
        out.append(Proposal("approach", "approached", params, s,
                            [f"'{m.group(0).strip()} {phrase.strip()}' -> approached {what} within {within:g} km"],
                            [dist_note, *subject, *notes], m.start(), None, _slug(slug)))
    return out


def _subject_note(before: str, ctx: Context) -> list[str]:
    """A note when the distance is of a place ('The airport lies 10 km from ...'), not of the aircraft."""
    words = {"en": r"\b(?:airport|airfield|town|city|base)\b[^,]{0,30}\b(?:lies|is|sits|located)\b",
             "es": r"\b(?:aeropuerto|ciudad|pueblo|base)\b[^,]{0,30}\b(?:se encuentra|está|queda|ubicad[oa])\b",
             "pt": r"\b(?:aeroporto|cidade|base)\b[^,]{0,30}\b(?:fica|está|se encontra|localizad[oa])\b"}[ctx.lang]
    if re.search(words, before, re.IGNORECASE):
        return ["the sentence gives where a place is, not where the aircraft was: it supports the claim only "
                "together with a landing there"]
    return []


def _times(s: Sentence, ctx: Context, done: list[Proposal], dates: list[Any]) -> list[Proposal]:
    """'landed around 21:10 local time', 'despegaron hacia las 02:50 hora del Este' -> event_time_within."""
    clocks = find_clock_times(s.text)
    if not clocks:
        return []
    out = []
    events = [(m.start(), "takeoff", m.group(0)) for m in _m("takeoff_bare", ctx).finditer(s.text)]
    events += [(m.start(), "takeoff", m.group(0)) for m in _m("again", ctx).finditer(s.text)]
    events += [(m.start(), "landing", m.group(0)) for m in _m("land_bare", ctx).finditer(s.text)]
    for clock in clocks:
        before = [e for e in events if e[0] < clock.start]
        if not before:
            continue
        pos, event, verb = max(before)
        out.append(_time_proposal(s, ctx, clock, event, verb, pos, done, dates))
    return out


def _time_proposal(s: Sentence, ctx: Context, clock: ClockTime, event: str, verb: str, pos: int,
                   done: list[Proposal], dates: list[Any]) -> Proposal:
    import pandas as pd

    review: list[str] = []
    hedged = bool(re.search(r"(?:around|about|approximately|roughly|some|alrededor de las|hacia las|cerca de las|"
                            r"sobre las|por volta das|perto das|cerca das)\s*$", s.text[:clock.start], re.IGNORECASE))
    half = HEDGED_TIME_MIN if hedged else EXACT_TIME_MIN
    place = None
    same = [p for p in done if p.place is not None and p.place.airports and
            ((event == "landing" and p.predicate == "landed_at") or (event == "takeoff" and p.predicate ==
                                                                     "departed_from"))]
    if same:
        place = same[-1].place
    elif (event == "landing" and ctx.last_landing is not None) or (event == "takeoff" and re.search(_m("again", ctx).pattern, verb, re.IGNORECASE) and ctx.last_landing):
        place = ctx.last_landing
    zone = clock.zone
    if zone == "" or zone is None:
        tz = place.tz if place is not None and place.tz else ""
        if zone is None:
            review.append(f"'{clock.text}' does not say which clock: "
                          + (f"local time at {place.label} ({tz}) assumed" if tz else "the case's timezone assumed"))
        elif not tz:
            review.append(f"'{clock.text} {clock.zone_text}': local time of which place? the case's timezone assumed")
        zone = tz
    in_sentence = [d for d in dates if d.start < len(s.text)]
    date = in_sentence[-1] if in_sentence else ctx.last_date
    if date is None:
        day = ctx.published
        review.append(f"no date for '{clock.text}': the publication date ({day}) assumed; give the day")
    else:
        day = date.first
        if date.first != date.last:
            review.append(f"'{date.text}' is {date.first}..{date.last}: the time is put on {date.first}; give the day")
        if date.resolved:
            review.append(date.resolved)
        if date not in in_sentence:
            review.append(f"the day comes from an earlier sentence ('{date.text}'): confirm")
    local = pd.Timestamp(dt.datetime.combine(day, dt.time(clock.hour, clock.minute)))
    lo, hi = local - pd.Timedelta(minutes=half), local + pd.Timedelta(minutes=half)
    window = {"start": {"local": f"{lo:%Y-%m-%d %H:%M}"}, "end": {"local": f"{hi:%Y-%m-%d %H:%M}"}}
    if zone:
        window["start"]["tz"] = zone
        window["end"]["tz"] = zone
    params: dict[str, Any] = {"event": event}
    if place is not None:
        params["airports"] = list(place.airports)
    params.update(window)
    said = f"{clock.text}{' ' + clock.zone_text if clock.zone_text else ''}"
    review.insert(0, f"the window is {said} ± {half} min ({'hedged' if hedged else 'as stated'}): confirm it")
    return Proposal("time", "event_time_within", params, s,
                    [f"'{verb} ... {said}' -> event_time_within ({event})"], review, pos, place,
                    f"{event}-{clock.hour:02d}{clock.minute:02d}")


def _range(value_s: float, hedged: bool) -> dict[str, str]:
    margin = HEDGED_DURATION if hedged else EXACT_DURATION
    lo, hi = value_s * (1 - margin), value_s * (1 + margin)

    def fmt(sec: float) -> str:
        minutes = max(1, round(sec / 60 / 5) * 5) if sec >= 600 else max(1, round(sec / 60))
        return f"{minutes} min"
    return {"at_least": fmt(lo), "at_most": fmt(hi)}


def _duration(key: str, s: Sentence, ctx: Context) -> tuple[re.Match[str], str, float] | None:
    """The lexicon entry's match in the sentence, its hedge word ('' if none) and the duration it states (s)."""
    m = _m(key, ctx).search(s.text)
    if not m:
        return None
    return m, m.group(1) or "", lx.number(m.group(2), ctx.lang) * lx.duration_s(m.group(3))


def _ground_time(s: Sentence, ctx: Context, unmapped: list[Unmapped]) -> list[Proposal]:
    found = _duration("ground_time", s, ctx)
    if found is None:
        return []
    m, hedge, seconds = found
    place = ctx.last_landing
    if place is None or not place.airports:
        unmapped.append(Unmapped(s, f"'{m.group(0)}': on the ground where? no landing named before it"))
        return []
    rng = _range(seconds, bool(hedge))
    on_ground = _m("on_ground", ctx).search(s.text[m.end():m.end() + 30])
    review = [f"'{m.group(0).strip()}' -> ground_time {rng['at_least']} to {rng['at_most']} "
              f"({'hedged: ±25%' if hedge else 'as stated: ±10%'}): confirm"]
    if not on_ground:
        review.append("the article does not say 'on the ground': check that it means the stop")
    review.append(f"the place is the last landing named before: {place.label}")
    return [Proposal("ground", "visited", {"airports": list(place.airports), "ground_time": rng}, s,
                     [f"'{m.group(0).strip()}' -> visited with ground_time"], review, m.start(), place,
                     _slug(place.name))]


def _crossings(s: Sentence, ctx: Context) -> list[Proposal]:
    """'crossed into Brazil' -> crossed {border}; 'did not cross the border (with X)' -> never_entered X."""
    out = []
    for m in _m("cross", ctx).finditer(s.text):
        tgt = _border_target(s.text, m.end() - len(m.group(0).split()[-1]), ctx) if _m("border", ctx).search(
            m.group(0)) else None
        other = ""
        if tgt is not None:
            other = tgt[0][1]
        else:
            hit = place_after(s.text, m.end(), ctx)[0]
            regions = [p for p in (hit.places if hit else ()) if p.kind in ("country", "state")]
            if regions:
                other = regions[0].code
        if not other:  # "... to the border with Venezuela, but did not cross the border": the border named before
            earlier = [b for b in _m("border", ctx).finditer(s.text[:m.start()])]
            for b in earlier[::-1]:
                t = _border_target(s.text, b.start(), ctx)
                if t is not None:
                    other = t[0][1]
                    break
        if not other:
            continue
        near, notes = _border_side(other, ctx)
        if _negated_near(s.text, m.start(), ctx):
            out.append(Proposal("never", "never_entered", {"region": other}, s,
                                [f"'{m.group(0)}' negated -> never_entered {other}"],
                                [f"'did not cross' read as: never inside {other} (the far side of the border)",
                                 *notes], m.start(), None, other.lower()))
        elif near:
            out.append(Proposal("crossed", "crossed", {"border": [near, other]}, s,
                                [f"'{m.group(0)}' -> crossed the border {near}-{other}"],
                                [f"add from: {near} if the article gives the direction", *notes], m.start(), None,
                                _slug(f"{near} {other}")))
    return out


def _airspace(s: Sentence, ctx: Context, negated: bool, unmapped: list[Unmapped]) -> list[Proposal]:
    """Entering, not entering or staying outside a country's airspace."""
    text = s.text
    out = []
    intl = _m("international", ctx).search(text)
    if intl and _m("stay", ctx).search(text):
        code = (_airspace_owner(text.replace(intl.group(0), ""), ctx) or ctx.coast_country
                or (ctx.countries[0] if ctx.countries else "") or ctx.home_country)
        if code:
            out.append(Proposal("outside", "stayed_outside", {"region": {"territorial_sea": code}}, s,
                                [f"'{intl.group(0)}' -> stayed_outside {code}'s 12 nm territorial sea"],
                                [f"international airspace begins 12 nm off the coast (the territorial sea); the "
                                 f"country ({code}) is the one the article is about: confirm"], intl.start(), None,
                                f"{code.lower()}-territorial-sea"))
        else:
            unmapped.append(Unmapped(s, f"'{intl.group(0)}': off which country's coast? none named"))
    for m in _m("airspace", ctx).finditer(text):
        if intl and intl.start() <= m.start() < intl.end():
            continue
        window = text[max(0, m.start() - 60):m.end() + 40]
        code = _airspace_owner(window, ctx) or _country_of_text(window)
        enter = _m("enter", ctx).search(text[max(0, m.start() - 80):m.start()])
        if not code or not enter:
            continue
        neg = _negated_near(text, max(0, m.start() - 80) + enter.start(), ctx) or bool(
            re.search(r"\b(?:no sign|no evidence|ningún|nenhum|sin|sem)\b", text[:m.start()], re.IGNORECASE))
        words = text[max(0, m.start() - 80) + enter.start():m.end() + 25].split(".")[0]
        if neg:
            if any(p.predicate == "stayed_outside" for p in out):
                continue
            if ctx.sea:
                out.append(Proposal("outside", "stayed_outside", {"region": {"territorial_sea": code}}, s,
                                    [f"'{words.strip()}' -> stayed_outside {code}'s territorial sea"],
                                    [f"'{code} airspace' is {code}'s land and its 12 nm territorial sea: this flight "
                                     "was over the sea, so stayed_outside {territorial_sea} is proposed; "
                                     f"never_entered {code} tests the land: keep the one that fits, or both"],
                                    m.start(), None, f"{code.lower()}-territorial-sea"))
            else:
                out.append(Proposal("never", "never_entered", {"region": code}, s,
                                    [f"'{words.strip()}' -> never_entered {code}"],
                                    [f"'{code} airspace' is {code}'s land and its 12 nm territorial sea: "
                                     f"never_entered {code} tests the land; add stayed_outside "
                                     f"{{territorial_sea: {code}}} if the sea matters"], m.start(), None,
                                    code.lower()))
        else:
            out.append(Proposal("entered", "entered", {"region": code}, s,
                                [f"'{words.strip()}' -> entered {code}"],
                                [f"entered tests {code}'s land; over the sea use {{territorial_sea: {code}}}"],
                                m.start(), None, code.lower()))
    return out


def _airspace_owner(text: str, ctx: Context) -> str:
    """The country whose airspace a sentence names: "Venezuela's airspace", "Venezuelan airspace",
    "espacio aéreo venezolano / de Venezuela", "espaço aéreo venezuelano / da Venezuela"; '' when none."""
    for m in _m("airspace", ctx).finditer(text):
        before = re.findall(r"[\w’']+", text[max(0, m.start() - 40):m.start()])
        after = re.findall(r"[\w’']+", text[m.end():m.end() + 40])
        near = before[-1:] if ctx.lang == "en" else [w for w in after[:3] if w.lower() not in ("de", "del", "da",
                                                                                            "do", "la", "el", "a", "o")][:1]
        code = _country_of_text(" ".join(near))
        if code:
            return code
    return ""


def _traffic(s: Sentence, ctx: Context, dates: list[Any]) -> list[Proposal]:
    """'the airspace was closed in its entirety' -> traffic_count with region and periods left for review."""
    m = _m("closed", ctx).search(s.text)
    if not m:
        return []
    code = (_airspace_owner(s.text, ctx) or _country_of_text(s.text) or ctx.home_country
            or (ctx.countries[0] if ctx.countries else ""))
    review = []
    if not code:
        code = "VE"
        review.append("no country named: the region is a placeholder")
    date = dates[-1] if dates else ctx.last_date
    start = date.first if date is not None else ctx.published - dt.timedelta(days=7)
    end = ctx.published
    base_start, base_end = start - dt.timedelta(days=7), start
    review += [
        f"region {code}: {code}'s land; an airspace closure covers its territorial sea and flight information "
        "region too: a FIR polygon (regions: file) is closer",
        f"period {start}..{end}: from "
        + (f"'{date.text}' ({date.resolved or date.first})" if date is not None else "a week before publication")
        + " to the publication date: narrow it to after the closure",
        f"baseline {base_start}..{base_end}: the week before: pick a period of normal traffic",
        "at_most_ratio 0.1 (traffic down by 90%) is a placeholder for what 'closed' means: set the drop the "
        "article claims",
        "traffic_count counts every aircraft in the traffic: files (default: the tracks: files): give files of "
        "the region's traffic",
    ]
    params = {"region": code,
              "baseline": {"start": f"{base_start}T00:00Z", "end": f"{base_end}T00:00Z"},
              "period": {"start": f"{start}T00:00Z", "end": f"{end}T00:00Z"},
              "at_most_ratio": 0.1}
    return [Proposal("traffic", "traffic_count", params, s,
                     [f"'{m.group(0)}' -> traffic_count in {code}"], review, m.start(), None, f"{code.lower()}")]


def _time_inside(s: Sentence, ctx: Context, unmapped: list[Unmapped]) -> list[Proposal]:
    found = _duration("time_inside", s, ctx)
    if found is None:
        return []
    m, hedge, seconds = found
    hit, words, _ = place_after(s.text, m.end(), ctx)
    regions = [p for p in (hit.places if hit else ()) if p.kind in ("country", "state")]
    if not regions:
        unmapped.append(Unmapped(s, f"'{m.group(0)} {words}': time_inside needs a region; '{words or 'it'}' is not "
                                    "a bundled region (add a regions: file, e.g. a FIR polygon)"))
        return []
    rng = _range(seconds, bool(hedge))
    return [Proposal("time_inside", "time_inside", {"region": regions[0].code, **rng}, s,
                     [f"'{m.group(0)} {words}' -> time_inside {regions[0].code}"],
                     [f"{rng['at_least']} to {rng['at_most']} ({'hedged' if hedge else 'as stated'}): confirm"],
                     m.start(), None, _slug(regions[0].code))]
