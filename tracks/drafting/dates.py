"""Dates and clock times in an article, resolved against its publication date and never guessed silently.

- Dates written with a month name ("28 November", "28 de noviembre de 2025", "24 October 2025") are read by
  dateparser in the article's language; a date without a year takes the latest such day on or before the
  publication date, and says so.
- Weekdays ("on Friday", "el viernes", "na sexta-feira (28)") are the latest such day on or before the
  publication date (a day number in brackets or after the weekday picks the day and is checked against it);
  "last week" / "la semana pasada" / "na semana passada" is the Monday-to-Sunday week before the one of the
  publication date; "yesterday" / "ayer" / "ontem" and "today", "tonight" / "hoy", "anoche" / "hoje" likewise.
  All of these are *resolved*: the drafted case flags them for review.
- Clock times ("21:10", "21h10", "9.10pm", "9:10 p.m.") with the clock they are on when the sentence says it:
  "local time" / "hora local" / "horário local" (the place's zone), "UTC" / "GMT" / "Z", "Eastern time" /
  "hora del Este", "hora de Caracas", "horário de Brasília".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from tracks.schema import EARLIEST_TIME, LATEST_TIME

_WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "pt": ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"],
}
_MONTHS = {
    "en": "january february march april may june july august september october november december",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
}
#: A date named further than this before or after publication is not used for the window or times.
FAR_FROM_PUBLICATION = dt.timedelta(days=366)
#: The days tracks draft dates a case on: the times tracks handles (tracks.schema) less DAY_MARGIN at each end,
#: which is as far as a drafted time reaches from its day (a traffic baseline starts up to two weeks before the
#: publication; an event time ± 30 min, written in any zone, falls on the next day).
DAY_MARGIN = dt.timedelta(days=15)
FIRST_DAY: dt.date = EARLIEST_TIME.date() + DAY_MARGIN
LAST_DAY: dt.date = LATEST_TIME.date() - DAY_MARGIN
#: The range in words, for messages.
DAYS_HANDLED = (f"{FIRST_DAY}..{LAST_DAY}, the dates tracks draft handles (tracks handles times in "
                f"{EARLIEST_TIME:%Y-%m-%d}..{LATEST_TIME:%Y-%m-%d}; a drafted case reaches two weeks before its dates)")

_LAST_WEEK = {"en": r"last week", "es": r"la semana pasada", "pt": r"(?:na )?semana passada"}
_YESTERDAY = {"en": r"yesterday|last night", "es": r"ayer|anoche", "pt": r"ontem"}
_TODAY = {"en": r"today|tonight|this morning|this afternoon", "es": r"hoy|esta noche|esta mañana|esta tarde",
          "pt": r"hoje|esta noite|nesta noite|hoje à noite"}

#: Clock zones named in sentences -> IANA zone ("" = the local time of the place, decided by the caller).
CLOCKS: tuple[tuple[str, str], ...] = (
    (r"local time|local|hora local|horário local|horario local|hora de la zona", ""),
    (r"UTC|GMT|Z(?![a-z])|Zulu|hora UTC|horário UTC", "UTC"),
    (r"Eastern(?: Standard| Daylight)? Time|ET|EST|EDT|hora del Este|horário da Costa Leste|hora de Washington|"
     r"hora de Nueva York|horário de Washington", "America/New_York"),
    (r"Central Time|CT|CST|CDT|hora del Centro", "America/Chicago"),
    (r"hora de Caracas|hora venezolana|horário de Caracas|Venezuelan time|Caracas time", "America/Caracas"),
    (r"horário de Brasília|hora de Brasília|Brasília time|BRT", "America/Sao_Paulo"),
)


@dataclass(frozen=True)
class DateMention:
    """A date named in a sentence: the days it covers [first, last] and how it was read."""

    text: str
    start: int  # offsets in the sentence
    end: int
    first: dt.date
    last: dt.date
    resolved: str = ""  # '' for a full date; else how it was resolved ("'last week' read as 24-30 Nov 2025 ...")


@dataclass(frozen=True)
class ClockTime:
    """A clock time in a sentence: hour and minute, the zone it names (None: not said; '' local time)."""

    text: str
    start: int
    end: int
    hour: int
    minute: int
    zone: str | None
    zone_text: str = ""


def _w(lang: str) -> str:
    return "|".join(re.escape(w) for w in _WEEKDAYS[lang])


@cache
def _patterns(lang: str) -> dict[str, re.Pattern[str]]:
    months = "|".join(_MONTHS[lang].split())
    return {
        "full": re.compile(
            rf"\b(\d{{1,2}})(?:st|nd|rd|th|º|°)?(?: de| of)? ({months})(?:,? (?:de )?(\d{{4}}))?\b"
            rf"|\b({months}) (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?\b", re.IGNORECASE),
        "weekday": re.compile(rf"\b({_w(lang)})(?:,? ?\(?(\d{{1,2}})\)?(?![\d:h.]))?", re.IGNORECASE),
        "last_week": re.compile(rf"\b(?:{_LAST_WEEK[lang]})\b", re.IGNORECASE),
        "yesterday": re.compile(rf"\b(?:{_YESTERDAY[lang]})\b", re.IGNORECASE),
        "today": re.compile(rf"\b(?:{_TODAY[lang]})\b", re.IGNORECASE),
    }


def _fmt(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def _latest(month: int, day: int, published: dt.date) -> dt.date:
    """The latest `day` of `month` on or before `published` (29 February: the last leap year's)."""
    for year in range(published.year, published.year - 9, -1):
        try:
            d = dt.date(year, month, day)
        except ValueError:  # 29 February of a common year
            continue
        if d <= published:
            return d
    raise ValueError(f"no {day}/{month} before {published}")  # unreachable: every 8 years hold a leap day


def find_dates(text: str, lang: str, published: dt.date) -> list[DateMention]:
    """Every date named in `text`, resolved against `published` (see the module docstring)."""
    import dateparser

    pats = _patterns(lang)
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in pats["full"].finditer(text):
        parsed = dateparser.parse(m.group(0), languages=[lang], settings={
            "RELATIVE_BASE": dt.datetime.combine(published, dt.time(12)), "PREFER_DATES_FROM": "past",
            "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month"]})
        if parsed is None:
            continue
        d = parsed.date()
        note = ""
        if not (m.group(3) or m.group(6)):  # no year: the latest such day on or before publication
            d = _latest(d.month, d.day, published)
            note = f"'{m.group(0)}' has no year: read as {_fmt(d)}, the latest on or before publication"
        out.append(DateMention(m.group(0), m.start(), m.end(), d, d, note))
        taken.append((m.start(), m.end()))
    for m in pats["weekday"].finditer(text):
        if not free(m.start(), m.end()):
            continue
        wd = [w.lower() for w in _WEEKDAYS[lang]].index(m.group(1).lower())
        d = published - dt.timedelta(days=(published.weekday() - wd) % 7)
        note = f"'{m.group(0)}' resolved from the publication date ({_fmt(published)}) as {d:%A} {_fmt(d)}"
        if m.group(2):
            day = int(m.group(2))
            if day != d.day:
                note += f"; the article gives day {day}, which is not that {d:%A}: check the date"
        out.append(DateMention(m.group(0), m.start(), m.end(), d, d, note))
        taken.append((m.start(), m.end()))
    monday = published - dt.timedelta(days=published.weekday())
    for key, first, last in (("last_week", monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)),
                             ("yesterday", published - dt.timedelta(days=1), published - dt.timedelta(days=1)),
                             ("today", published, published)):
        for m in pats[key].finditer(text):
            if free(m.start(), m.end()):
                span = _fmt(first) if first == last else f"{first.day}-{_fmt(last)}"
                note = f"'{m.group(0)}' resolved from the publication date ({_fmt(published)}) as {span}"
                out.append(DateMention(m.group(0), m.start(), m.end(), first, last, note))
                taken.append((m.start(), m.end()))
    return sorted(out, key=lambda d: d.start)


def set_aside(d: DateMention, published: dt.date) -> str:
    """Why a date named in the text is not used for the window and times ('' when it is used)."""
    if d.first < published - FAR_FROM_PUBLICATION:
        why = f"long before publication ({_fmt(published)})"
    elif d.last > published + FAR_FROM_PUBLICATION:
        why = f"long after publication ({_fmt(published)})"
    elif not FIRST_DAY <= d.first <= d.last <= LAST_DAY:
        why = f"outside {FIRST_DAY}..{LAST_DAY}, the dates tracks draft handles"
    else:
        return ""
    return f"date {d.text} is {why}; not used for the window or times"


def usable_dates(text: str, lang: str, published: dt.date) -> tuple[list[DateMention], list[str]]:
    """The dates named in `text` that the case's window and times may use, and a note for each one set aside."""
    found = find_dates(text, lang, published)
    notes = [set_aside(d, published) for d in found]
    return [d for d, n in zip(found, notes, strict=True) if not n], [n for n in notes if n]


_CLOCK = re.compile(
    r"(?<![\d:.,])(\d{1,2})(?:[:h.](\d{2}))?\s?(a\.?m\.?|p\.?m\.?|h(?:s|rs)?\b)?(?![\d%])", re.IGNORECASE)
_CLOCK_CONTEXT = re.compile(r"\b(?:at|around|about|by|hacia las|a las|alrededor de las|sobre las|cerca de las|"
                            r"às|por volta das|perto das|as|las)\s*$", re.IGNORECASE)


_DAYPART = re.compile(r"\s*(?:de la|da|in the|at)\s+(mañana|madrugada|tarde|noche|manhã|madrugada|noite|morning|"
                      r"afternoon|evening|night)\b", re.IGNORECASE)
_AFTERNOON = ("tarde", "noche", "noite", "afternoon", "evening", "night")


def find_clock_times(text: str) -> list[ClockTime]:
    """Clock times in `text` with the zone named right after them (within ~40 characters), if any."""
    out = []
    for m in _CLOCK.finditer(text):
        hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower().replace(".", "")
        if m.group(2) is None and not suffix.startswith(("a", "p")):
            continue  # a bare number is no time ("40 minutes")
        if (m.group(2) is not None and m.group(0)[len(m.group(1))] == "." and not suffix
                and not _CLOCK_CONTEXT.search(text[:m.start()])):
            continue  # "1.5" or "10.000" is a number, not 1:05 / 10:00
        part = _DAYPART.match(text, m.end())
        later = part is not None and part.group(1).lower() in _AFTERNOON
        if (suffix.startswith("p") or later) and hour < 12:
            hour += 12
        elif suffix.startswith("a") and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            continue
        end = part.end() if part is not None else m.end()
        zone, ztext = _zone_after(text[end:end + 40])
        out.append(ClockTime(m.group(0).strip(), m.start(), m.end(), hour, minute, zone, ztext))
    return out


def _zone_after(tail: str) -> tuple[str | None, str]:
    t = re.sub(r"^[\s(,]*(?:de|del|da|do|in|en|em|no|na)?\s*", "", tail)
    for pattern, zone in CLOCKS:
        m = re.match(rf"(?:{pattern})\b", t, re.IGNORECASE if zone != "UTC" else 0)
        if m:
            return zone, m.group(0)
    return None, ""
