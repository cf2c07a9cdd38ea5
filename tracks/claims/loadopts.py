"""Loader options in a case file's `tracks:` entries: `{path: x.csv, icao24: 8467d8, tz: Europe/Paris}`.

Any keyword a format's reader takes (`tracks.load(path, **options)`, see `tracks.formats`) may be given next to
`path`. Names are checked against every format's reader when the case file is read (a misspelt option is an
error at its line, with the near match); when the entry names its `format`, against that format's reader only.
Values are typed here: `icao24` is 6 hex digits, `tz` an IANA zone, `columns` a mapping of file columns to
canonical names (or null to ignore one); other options are plain values, checked by the format's reader.
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any

from tracks.claims.times import zone
from tracks.claims.yamlnode import Node
from tracks.schema import parse_icao24

#: Keys of a `tracks:` entry that are not loader options.
ENTRY_KEYS = ("path", "format", "archived", "archive")


@cache
def format_options() -> dict[str, tuple[str, ...]]:
    """Every format's name -> the keyword options its reader takes (its parameters after the file)."""
    from tracks.formats import all_formats

    out = {}
    for f in all_formats():
        params = list(inspect.signature(f.read).parameters.values())[1:]
        out[f.name] = tuple(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    return out


@cache
def all_options() -> tuple[str, ...]:
    """Every option some format's reader takes, sorted."""
    return tuple(sorted({o for opts in format_options().values() for o in opts}))


def formats_taking(option: str) -> tuple[str, ...]:
    """The formats whose reader takes `option`."""
    return tuple(name for name, opts in format_options().items() if option in opts)


def entry_keys() -> tuple[str, ...]:
    """Every key a `tracks:` mapping entry may have."""
    return (*ENTRY_KEYS, *all_options())


def parse_options(m: dict[str, Node], fmt: str | None) -> tuple[dict[str, Any], dict[str, int]]:
    """The loader options of one entry (its keys beyond ENTRY_KEYS), typed, with their lines.

    CaseFileError at the option's line when the value is malformed or, with `format` given, that format's
    reader does not take it."""
    options: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for name, node in m.items():
        if name in ENTRY_KEYS:
            continue
        if fmt is not None:
            takes = format_options().get(fmt)
            if takes is not None and name not in takes:
                raise node.key_error(f"format {fmt} does not take option {name!r} ("
                                     + (f"it takes: {', '.join(takes)}" if takes else "it takes no options")
                                     + f"; {name} is for: {', '.join(formats_taking(name))})")
        options[name] = _value(name, node)
        lines[name] = node.key_node.start_mark.line + 1 if node.key_node is not None else node.line
    return options, lines


def _value(name: str, node: Node) -> Any:
    if name == "icao24":
        code = parse_icao24(node.text())
        if code is None:
            raise node.error(f"expected 6 hex digits (e.g. 8467d8), got {node.node.value!r}")
        return code
    if name == "tz":
        try:
            return zone(node.text()).key
        except ValueError as e:
            raise node.error(str(e)) from None
    if name == "columns":
        cols = node.mapping(None, "a mapping of the file's column names to canonical names ({Altitude: alt_geom_ft})")
        return {k: (None if v.is_null else v.text()) for k, v in cols.items()}
    if node.is_map or node.is_seq:
        raise node.error(f"expected a single value for option {name!r}, got {node.describe()}")
    return node.value()

