"""The exceptions `tracks` raises on bad input. Each message names the file, the place and what was expected."""

from __future__ import annotations


class TracksError(Exception):
    """Base class: an error the user can fix; the CLI prints its message without a traceback."""


class TrackFormatError(TracksError, ValueError):
    """A file could not be read as a track: names the file, the record or line, and what was expected."""

    def __init__(self, path: str, problem: str, *, where: str | None = None, expected: str | None = None):
        self.path = str(path)
        self.where = where
        self.problem = problem
        self.expected = expected
        parts = [self.path]
        if where:
            parts.append(where)
        msg = ": ".join(parts) + f": {problem}"
        if expected:
            msg += f" (expected {expected})"
        super().__init__(msg)


class FormatOptionError(TrackFormatError):
    """A loader option the file's format does not take: names the file and the format (`format_name`), so that
    callers decide on the type and the fields, never on the text."""

    def __init__(self, path: str, format_name: str, problem: str):
        super().__init__(path, f"option not understood by format {format_name}: {problem}")
        self.format_name = format_name


class CaseFileError(TracksError, ValueError):
    """A case file is invalid: names the file, the line and the problem."""

    def __init__(self, path: str, problem: str, *, line: int | None = None, key: str | None = None):
        self.path = str(path)
        self.line = line
        self.key = key
        self.problem = problem
        loc = self.path + (f":{line}" if line else "")
        super().__init__(f"{loc}: {key + ': ' if key else ''}{problem}")


class RegionError(TracksError, KeyError):
    """An unknown region code or an unreadable region file."""

    def __str__(self) -> str:  # KeyError quotes its message; we do not want that
        return str(self.args[0]) if self.args else ""


class FetchError(TracksError):
    """A download failed; the message says what to do about it. The CLI exits 4 ("download failed")."""


class FetchRequestError(FetchError, ValueError):
    """A fetch was asked for something invalid (an address that is not 6 hex digits, a malformed date, options
    that exclude each other, an archive folder that does not exist): bad input, nothing was downloaded.
    The CLI exits 1, like any bad input, not 4."""
