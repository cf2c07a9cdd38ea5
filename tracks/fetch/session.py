"""The one HTTP client of `tracks.fetch`: a requests Session with timeouts, retries and rate limits.

Every response body is streamed *as received on the wire* (gzip bytes stay gzip: ``raw.stream(...,
decode_content=False)``) into a temporary file inside the archive, hashed on the way, and checked against
Content-Length. Nothing here prints; errors are `tracks.errors.FetchError` with a message that says what to do.
Credentials travel only in request headers or POST bodies, never in logged or archived URLs.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import urllib3.exceptions

from tracks.errors import FetchError, FetchRequestError
from tracks.progress import bar as progress_bar
from tracks.unpack import human_size
from tracks.wording import duration

log = logging.getLogger("tracks.fetch")

#: What the User-Agent says the tool is (the project has no public web address yet: none is invented).
PROJECT_DESCRIPTION = "tracks, ADS-B flight-track cross-check for news verification"
#: Environment variable with a contact (e-mail or URL) added to the User-Agent, so operators can reach you.
ENV_CONTACT = "TRACKS_CONTACT"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Response headers kept in the manifest: what a reader needs to judge the file, nothing that identifies the user.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Encoding",
    "Content-Length",
    "Last-Modified",
    "ETag",
    "Date",
    "Age",
    "Cache-Control",
    "Server",
    "X-Rate-Limit-Remaining",
)
# Query parameters that may carry secrets; their values are replaced before a URL is logged or archived.
SECRET_PARAMS = frozenset(
    {"key", "api_key", "apikey", "api-key", "token", "access_token", "client_secret", "secret", "password",
     "passwd", "pass", "auth", "signature", "sig"}
)
_BAR_MIN_BYTES = 1 << 20  # byte-level progress bar only for downloads larger than this


def tool_name() -> str:
    """'tracks/0.1.0': the tool and its version, as recorded in the archive manifest (never the contact)."""
    from tracks import __version__

    return f"tracks/{__version__}"


def user_agent(contact: str | None = None) -> str:
    """A User-Agent that tells server operators who is asking:
    'tracks/0.1.0 (tracks, ADS-B flight-track cross-check for news verification; contact desk@example.org)
    python-requests/2.32.3'.

    `contact` (an e-mail address or URL) defaults to $TRACKS_CONTACT, else `contact` under `[fetch]` in the
    tracks config file (see `tracks.fetch.auth.config_path`); without one the User-Agent says none was given.
    FetchRequestError for a contact with control characters (it would break the header).
    """
    who = contact if contact is not None else configured_contact()
    who = who.strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in who):
        raise FetchRequestError(f"contact {who!r} contains control characters; give an e-mail address or a URL")
    about = f"{PROJECT_DESCRIPTION}; contact {who}" if who else f"{PROJECT_DESCRIPTION}; no contact given"
    return f"{tool_name()} ({about}) python-requests/{requests.__version__}"


def configured_contact() -> str:
    """The contact for the User-Agent: $TRACKS_CONTACT, else `[fetch] contact` in the config file, else ''."""
    env = os.environ.get(ENV_CONTACT, "").strip()
    if env:
        return env
    import tomllib

    from tracks.fetch.auth import config_path

    path = config_path()
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        return ""
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FetchRequestError(f"{path}: cannot read the config file ({type(exc).__name__}); fix or remove it "
                                "(it holds [fetch] contact and [opensky] credentials)") from None
    section = doc.get("fetch", {})
    value = section.get("contact", "") if isinstance(section, dict) else ""
    if not isinstance(value, str):
        raise FetchRequestError(f"{path}: [fetch] contact must be a string (an e-mail address or URL)")
    return value.strip()


def strip_credentials(url: str) -> str:
    """The URL without user:password@ and with secret-looking query values replaced by ``REDACTED``."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k.lower() in SECRET_PARAMS for k, _ in pairs):
            query = urlencode([(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


@dataclass(frozen=True)
class FetchConfig:
    """How the client talks to servers. Times in seconds.

    `max_wait_s` caps how long the client sleeps for a Retry-After on its own; a longer wait becomes a
    FetchError telling the user how long to wait. `respect_rate_limits=False` drops the per-host spacing
    (tests against a local server); Retry-After is always honoured. `deadline_s` bounds one download from the
    request to the last byte (a server dripping bytes is cut off there, not only when it pauses longer than
    `read_timeout_s`); `max_body_bytes` is the largest body accepted (bytes as sent, compressed or not).
    """

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    deadline_s: float = 600.0
    max_body_bytes: int = 2 << 30
    retries: int = 3
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    max_wait_s: float = 120.0
    respect_rate_limits: bool = True
    chunk_bytes: int = 1 << 16
    user_agent: str = field(default_factory=user_agent)

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout_s, self.read_timeout_s)


@dataclass(frozen=True)
class Downloaded:
    """A body streamed into `temp_path` (not yet archived): raw bytes as received, their sha256 and size."""

    temp_path: Path
    url: str  # credentials stripped; the final URL after redirects
    status: int
    headers: dict[str, str]
    size: int
    sha256: str
    retrieved_at: str  # ISO 8601 UTC, microseconds, 'Z'


class Auth(Protocol):
    """Something that adds authorisation headers; `refresh=True` after a 401 asks for a new token."""

    def headers(self, refresh: bool = False) -> dict[str, str]: ...


class TempSink(Protocol):
    """Where bodies go while downloading: the archive's temp directory."""

    def new_temp(self) -> tuple[int, Path]: ...


@dataclass(frozen=True)
class ErrorHints:
    """Source-specific wording for errors: what was asked, what 404 means here, how to fix credentials."""

    what: str = "the request"
    not_found: str = "the server has nothing at this address"
    credentials: str = "this source needs credentials, or refused the ones given"


def utc_now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def retry_after_s(response: requests.Response) -> float | None:
    """Seconds to wait from Retry-After (seconds or HTTP date) or OpenSky's X-Rate-Limit-Retry-After-Seconds."""
    for name in ("Retry-After", "X-Rate-Limit-Retry-After-Seconds"):
        value = response.headers.get(name)
        if not value:
            continue
        value = value.strip()
        try:
            seconds = float(value)
        except ValueError:
            pass
        else:
            if math.isnan(seconds):  # unusable: back off as if no header came
                continue
            return max(0.0, seconds)  # inf stays inf: longer than any wait the client accepts
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


def fetch_error(message: str, *, url: str = "", status: int | None = None,
                retry_after: float | None = None) -> FetchError:
    """A FetchError carrying `url` (stripped), `status` and `retry_after` (s) as attributes."""
    err = FetchError(message)
    err.url = strip_credentials(url) if url else ""  # type: ignore[attr-defined]
    err.status = status  # type: ignore[attr-defined]
    err.retry_after = retry_after  # type: ignore[attr-defined]
    return err


def _wait_words(seconds: float | None) -> str:
    if seconds is None:
        return "a minute or so"
    if not math.isfinite(seconds) or seconds > 86400 * 7:
        return "a while (the server asked for an unbounded wait)"
    return duration(seconds)  # as every duration is worded (tracks.wording): "90 s", "1 h 00 min"


def status_error(status: int, url: str, hints: ErrorHints, *, retry_after: float | None = None,
                 attempts: int = 1) -> FetchError:
    """The FetchError for an HTTP status, worded so the user knows what to do."""
    safe = strip_credentials(url)
    if status == 404:
        msg = f"{hints.what}: HTTP 404 from {safe}: {hints.not_found}"
    elif status in (401, 403):
        msg = f"{hints.what}: HTTP {status} from {safe}: credentials refused or missing. {hints.credentials}"
    elif status == 429:
        msg = (f"{hints.what}: HTTP 429 from {safe}: rate limited by the server; "
               f"wait {_wait_words(retry_after)} and try again")
    elif status >= 500:
        msg = (f"{hints.what}: HTTP {status} from {safe} after {attempts} attempt(s): the server is failing; "
               "try again later or point --base-url at a mirror")
    else:
        msg = f"{hints.what}: HTTP {status} from {safe}: the server refused the request as asked"
    return fetch_error(msg, url=url, status=status, retry_after=retry_after)


class Client:
    """One requests Session shared by every fetch, with retries, backoff, per-host spacing and Retry-After.

    Thread-safe for concurrent downloads: each call streams into its own temporary file.
    """

    def __init__(self, config: FetchConfig | None = None, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.config = config or FetchConfig()
        self.session = session or requests.Session()
        self._sleep = sleep
        self.auth_cache: dict[object, Auth] = {}  # token sources shared by the fetches using this client
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}  # host -> monotonic time of the next allowed request
        self._held_until: dict[str, float] = {}  # host -> end of a Retry-After hold (monotonic)

    # -- rate limiting ---------------------------------------------------------------------------------

    def _wait_turn(self, url: str, min_interval_s: float, hints: ErrorHints) -> None:
        """Sleep until this host may be asked again: polite spacing, and any Retry-After hold.

        A hold longer than `config.max_wait_s` is not slept through: FetchError says how long to wait.
        """
        host = urlsplit(url).netloc
        with self._lock:
            now = time.monotonic()
            held = self._held_until.get(host, 0.0) - now
            if held > self.config.max_wait_s:
                raise status_error(429, url, hints, retry_after=held)
            start = max(now, self._next_slot.get(host, 0.0), now + held)
            spacing = min_interval_s if self.config.respect_rate_limits else 0.0
            self._next_slot[host] = start + spacing
        if start > now:
            self._sleep(start - now)

    def _hold_host(self, url: str, seconds: float) -> None:
        """After Retry-After, no call on this client asks the same host again before `seconds` have passed."""
        host = urlsplit(url).netloc
        with self._lock:
            self._held_until[host] = max(self._held_until.get(host, 0.0), time.monotonic() + seconds)

    def _backoff(self, attempt: int) -> float:
        base = self.config.backoff_s * (2 ** attempt)
        return min(self.config.max_backoff_s, base * (1.0 + 0.25 * random.random()))

    # -- requests --------------------------------------------------------------------------------------

    def request(self, method: str, url: str, *, hints: ErrorHints, headers: Mapping[str, str] | None = None,
                data: Mapping[str, str] | None = None, auth: Auth | None = None, min_interval_s: float = 0.0,
                stream: bool = True) -> requests.Response:
        """Send with retries; returns a 2xx/3xx response (streaming) or raises FetchError.

        Retries connection errors, timeouts, 429 and 5xx with exponential backoff, honouring Retry-After up
        to `config.max_wait_s`. A 401 with `auth` refreshes the token once.
        """
        safe = strip_credentials(url)
        attempts = self.config.retries + 1
        refreshed = False
        attempt = 0
        while True:
            self._wait_turn(url, min_interval_s, hints)
            send_headers = {"User-Agent": self.config.user_agent, **(headers or {})}
            if auth is not None:
                send_headers.update(auth.headers())
            log.debug("%s %s (attempt %d/%d)", method, safe, attempt + 1, attempts)
            try:
                response = self.session.request(method, url, headers=send_headers, data=data,
                                                timeout=self.config.timeout, stream=stream)
            except requests.Timeout:
                problem = (f"timed out (connect {self.config.connect_timeout_s:g} s, "
                           f"read {self.config.read_timeout_s:g} s)")
            except requests.ConnectionError:
                problem = "could not connect or the connection dropped"
            except requests.RequestException as exc:  # invalid URL and the like: not worth retrying
                raise fetch_error(f"{hints.what}: cannot request {safe}: {type(exc).__name__}", url=url) from None
            else:
                status = response.status_code
                if status == 401 and auth is not None and not refreshed:
                    response.close()
                    refreshed = True
                    auth.headers(refresh=True)
                    log.debug("%s: HTTP 401, refreshing the token once", safe)
                    continue
                if status not in RETRY_STATUSES:
                    if status >= 400:
                        response.close()
                        raise status_error(status, url, hints, attempts=attempt + 1)
                    return response
                wait = retry_after_s(response)
                response.close()
                if wait is not None:  # the next attempt (and every other call to this host) waits in _wait_turn
                    self._hold_host(url, wait)
                if (wait is not None and wait > self.config.max_wait_s) or attempt + 1 >= attempts:
                    raise status_error(status, url, hints, retry_after=wait, attempts=attempt + 1)
                if wait is None:
                    delay = self._backoff(attempt)
                    log.debug("%s: HTTP %d, retrying in %.2f s", safe, status, delay)
                    self._sleep(delay)
                else:
                    log.debug("%s: HTTP %d, retrying after Retry-After %.2f s", safe, status, wait)
                attempt += 1
                continue
            if attempt + 1 >= attempts:
                raise fetch_error(f"{hints.what}: {safe} {problem}, {attempts} attempt(s); check the network, "
                                  "try again later or point --base-url at a mirror", url=url)
            delay = self._backoff(attempt)
            log.debug("%s: %s, retrying in %.2f s", safe, problem, delay)
            self._sleep(delay)
            attempt += 1

    def download(self, url: str, sink: TempSink, *, hints: ErrorHints, headers: Mapping[str, str] | None = None,
                 auth: Auth | None = None, min_interval_s: float = 0.0, progress: bool = False) -> Downloaded:
        """GET `url` and stream the raw body (still compressed if it came so) into a temp file from `sink`.

        A dropped connection or a body shorter than Content-Length is retried like a connection error; the
        temp file of a failed attempt is deleted, so nothing half-written survives.
        """
        safe = strip_credentials(url)
        attempts = self.config.retries + 1
        for attempt in range(attempts):
            deadline = time.monotonic() + self.config.deadline_s
            response = self.request("GET", url, hints=hints, headers=headers, auth=auth,
                                    min_interval_s=min_interval_s)
            retrieved_at = utc_now_iso()
            expected = response.headers.get("Content-Length")
            if expected is not None and expected.isdigit() and int(expected) > self.config.max_body_bytes:
                response.close()
                raise fetch_error(f"{hints.what}: {safe} announces {human_size(int(expected))}, more than the "
                                  f"{human_size(self.config.max_body_bytes)} accepted (--max-body); nothing was "
                                  "archived", url=url)
            fd, temp = sink.new_temp()
            try:
                size, digest = self._stream(response, fd, progress, safe, deadline)
                if expected is not None and expected.isdigit() and int(expected) != size:
                    raise _Truncated(f"received {size} of {expected} bytes")
            except _Refused as exc:
                temp.unlink(missing_ok=True)
                response.close()
                raise fetch_error(f"{hints.what}: {safe}: {exc}; nothing was archived", url=url) from None
            except (_Truncated, urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
                temp.unlink(missing_ok=True)
                problem = str(exc) if isinstance(exc, _Truncated) else _describe_transfer_error(exc)
                if attempt + 1 >= attempts:
                    raise fetch_error(f"{hints.what}: the transfer from {safe} broke off ({problem}) in "
                                      f"{attempts} attempt(s); nothing was archived, try again later",
                                      url=url) from None
                delay = self._backoff(attempt)
                log.debug("%s: transfer incomplete (%s), retrying in %.2f s", safe, problem, delay)
                self._sleep(delay)
                continue
            finally:
                response.close()
            kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
            return Downloaded(temp, strip_credentials(response.url or url), response.status_code, kept,
                              size, digest, retrieved_at)
        raise AssertionError("unreachable")  # pragma: no cover

    def _stream(self, response: requests.Response, fd: int, progress: bool, label: str,
                deadline: float) -> tuple[int, str]:
        """Copy the raw body to `fd` (closed afterwards); returns (bytes, sha256 hex).

        Reads whatever each network read brings (`read1`), so that the deadline (monotonic seconds) and the size
        cap are checked between reads however slowly the bytes come: _Refused past either.
        """
        sha = hashlib.sha256()
        size = 0
        cap = self.config.max_body_bytes
        total = response.headers.get("Content-Length")
        total_n = int(total) if total and total.isdigit() else None
        bar = progress_bar(total=total_n, unit="B", unit_scale=True, desc=label.rsplit("/", 1)[-1][:40], leave=False,
                   disable=not progress or (total_n is not None and total_n < _BAR_MIN_BYTES))
        raw = response.raw
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := raw.read1(self.config.chunk_bytes, decode_content=False):
                    out.write(chunk)
                    sha.update(chunk)
                    size += len(chunk)
                    bar.update(len(chunk))
                    if size > cap:
                        raise _Refused(f"the body is larger than the {human_size(cap)} accepted (--max-body)")
                    if time.monotonic() > deadline:
                        raise _Refused(f"the transfer took longer than the {self.config.deadline_s:g} s allowed "
                                       f"for one download (--deadline; {human_size(size)} received so far)")
                out.flush()
                os.fsync(out.fileno())
        finally:
            bar.close()
        return size, sha.hexdigest()

    def post_form(self, url: str, data: Mapping[str, str], *, hints: ErrorHints) -> Any:
        """POST a form and return the decoded JSON body (used for OAuth2 tokens; never archived or logged)."""
        response = self.request("POST", url, hints=hints, data=data, stream=False)
        try:
            return response.json()
        except ValueError:
            raise fetch_error(f"{hints.what}: {strip_credentials(url)} did not answer with JSON",
                              url=url, status=response.status_code) from None
        finally:
            response.close()


class _Truncated(Exception):
    pass


class _Refused(Exception):
    """A body that is not taken, however often it is asked for: past the deadline or the size cap."""


def _describe_transfer_error(exc: BaseException) -> str:
    text = str(exc)
    if "IncompleteRead" in text:
        return "connection closed before the whole body arrived"
    if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, requests.Timeout)):
        return "read timed out"
    return type(exc).__name__
