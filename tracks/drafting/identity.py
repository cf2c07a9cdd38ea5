"""The aircraft an article names: registrations, ICAO 24-bit addresses (hex) and callsigns, cross-checked.

A registration is proposed when it follows a word such as "registration" / "matrícula" / "prefixo" / "tail
number", or when it matches the registration pattern of a country the article names (data/icao_blocks.csv);
an address must be 6 hex digits next to "hex" / "ICAO" / "Mode S" / "código"; a callsign follows "callsign(s)" /
"indicativo(s)". An address's allocation block (tracks.aircraft.allocation) is compared with the country of the
registration prefix, and disagreements are written down, never resolved by guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracks.formats.base import is_icao_hex

_REG_WORDS = r"(?:registration|registered|tail number|tail|matrícula|matricula|prefixo|registro|registo)"
_REG = re.compile(rf"\b{_REG_WORDS}\s*(?:number\s*)?:?\s*([A-Z0-9]{{1,3}}-?[A-Z0-9]{{2,5}})\b", re.IGNORECASE)
_HEX = re.compile(r"\b(?:hex(?:adecimal)?(?: code| address)?|ICAO(?: 24-bit)?(?: hex| address| code)?|Mode[- ]S"
                  r"(?: code| address)?|código(?: hexadecimal| ICAO)?|endereço ICAO)\s*:?\s*\(?([0-9A-Fa-f]{6})\b")
_CALLSIGN = re.compile(r"\b(?:callsigns?|call signs?|indicativos?|indicativos de llamada|códigos? de chamada)\s+"
                       r"((?:[A-Z]{2,7}\d{1,4}[A-Z]?)(?:(?:,\s*|\s+(?:and|y|e)\s+)[A-Z]{2,7}\d{1,4}[A-Z]?)*)",
                       re.IGNORECASE)
_TOKEN = re.compile(r"\b[A-Z]{1,2}-?[A-Z0-9]{3,5}\b")


@dataclass
class Identity:
    """What the text says about the aircraft, with where each value came from and any disagreement."""

    icao24: list[str] = field(default_factory=list)
    registration: list[str] = field(default_factory=list)
    callsign: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    found: dict[str, str] = field(default_factory=dict)  # value -> "paragraph N: '...words...'"


def find_identity(paragraphs: list[tuple[int, str]], countries: list[str], given: str = "") -> Identity:
    """Registrations, addresses and callsigns in the paragraphs [(number, text)]; `given` (--aircraft) first."""
    from tracks.aircraft import allocation, icao_blocks

    ident = Identity()
    if given:
        g = given.strip()
        if is_icao_hex(g.lower()):
            ident.icao24.append(g.lower())
            ident.found[g.lower()] = "given with --aircraft"
        else:
            ident.registration.append(g.upper())
            ident.found[g.upper()] = "given with --aircraft"
    blocks = icao_blocks()
    names = _country_names()
    patterns = {}
    for code in countries:
        name = names.get(code, "")
        row = blocks[(blocks["country"] == name) & (blocks["kind"] == "state")]
        if len(row) and row["registration_pattern"].iloc[0]:
            patterns[code] = row["registration_pattern"].iloc[0]
    for number, text in paragraphs:
        for m in _REG.finditer(text):
            _add(ident.registration, ident, m.group(1).upper(), number, m.group(0))
        for m in _HEX.finditer(text):
            h = m.group(1).lower()
            if is_icao_hex(h):
                _add(ident.icao24, ident, h, number, m.group(0))
        for m in _CALLSIGN.finditer(text):
            for cs in re.split(r",\s*|\s+(?:and|y|e)\s+", m.group(1)):
                _add(ident.callsign, ident, cs.upper(), number, m.group(0))
        for m in _TOKEN.finditer(text):
            tok = m.group(0)
            if tok in ident.registration or not re.search(r"\d", tok):
                continue
            for code, pat in patterns.items():
                if re.match(pat, tok) and re.fullmatch(r"[A-Z]{1,2}-?\d{3,5}|[A-Z]{1,2}-[A-Z]{3,4}", tok):
                    _add(ident.registration, ident, tok, number, f"{tok} (the pattern of {code}: {pat})")
    for h in ident.icao24:
        blk = allocation(h)
        country = blk.country if blk is not None and blk.kind == "state" else ""
        ident.notes.append(f"address {h}: " + (f"in the ICAO block of {country} ({blk.range})" if country and blk
                                               else "in no State's ICAO block"))
        for reg in ident.registration:
            if blk is not None and blk.registration_pattern and not re.match(blk.registration_pattern, reg):
                ident.notes.append(f"registration {reg} does not match the prefix of {country} "
                                   f"({blk.registration_pattern}), whose block holds {h}: check both")
    for reg in ident.registration:
        owner = [c for c, pat in patterns.items() if re.match(pat, reg)]
        if owner:
            ident.notes.append(f"registration {reg}: the prefix of {', '.join(owner)} (a country the article names)")
        elif patterns:
            ident.notes.append(f"registration {reg} matches the prefix of no country the article names "
                               f"({', '.join(patterns)}): check it")
    return ident


def _add(values: list[str], ident: Identity, value: str, paragraph: int, words: str) -> None:
    if value not in values:
        values.append(value)
        ident.found.setdefault(value, f"paragraph {paragraph}: '{words.strip()}'")


def _country_names() -> dict[str, str]:
    """ISO alpha-2 -> the country's name as data/icao_blocks.csv spells it (English)."""
    from tracks.geo.regions import list_regions

    return {r.code: r.name for r in list_regions() if r.kind == "country"} | {
        "US": "United States", "BO": "Bolivia", "RU": "Russia", "IR": "Iran", "GB": "United Kingdom"}
