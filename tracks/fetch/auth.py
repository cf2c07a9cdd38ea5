"""OpenSky OAuth2 client credentials: read from the environment or a config file, never shown.

Environment: OPENSKY_CLIENT_ID, OPENSKY_CLIENT_SECRET (and optionally OPENSKY_TOKEN_URL).
Config file (TOML): $TRACKS_CONFIG, else `<user config dir>/tracks/config.toml`::

    [opensky]
    client_id = "..."
    client_secret = "..."
    # token_url = "https://auth.opensky-network.org/..."   (only to use another identity server)

The secret and the bearer token are kept in memory only: not in URLs, logs, the manifest or error messages.
"""

from __future__ import annotations

import os
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tracks.errors import FetchError
from tracks.fetch.session import Client, ErrorHints, fetch_error

OPENSKY_TOKEN_URL = (
    "https://auth.opensky-network.org/auth/realms/opensky-network/protocol/openid-connect/token"
)
ENV_ID, ENV_SECRET, ENV_TOKEN_URL, ENV_CONFIG = (
    "OPENSKY_CLIENT_ID", "OPENSKY_CLIENT_SECRET", "OPENSKY_TOKEN_URL", "TRACKS_CONFIG",
)
HOW_TO = (
    "Create an API client on your OpenSky account page, then set OPENSKY_CLIENT_ID and "
    "OPENSKY_CLIENT_SECRET (or client_id/client_secret under [opensky] in the tracks config file)."
)


def config_path() -> Path:
    """$TRACKS_CONFIG, else `<user config dir>/tracks/config.toml`."""
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("tracks", appauthor=False)) / "config.toml"


@dataclass(frozen=True)
class OpenSkyCredentials:
    """An OpenSky API client (OAuth2 client credentials). Its repr never shows the id or the secret."""

    client_id: str = field(repr=False)
    client_secret: str = field(repr=False)
    token_url: str = OPENSKY_TOKEN_URL

    def __repr__(self) -> str:
        return f"OpenSkyCredentials(client_id=<hidden>, client_secret=<hidden>, token_url={self.token_url!r})"

    __str__ = __repr__

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 config: str | os.PathLike[str] | None = None) -> OpenSkyCredentials | None:
        """Credentials from OPENSKY_CLIENT_ID/SECRET, else from the config file; None when neither has them."""
        env = os.environ if environ is None else environ
        token_url = env.get(ENV_TOKEN_URL) or OPENSKY_TOKEN_URL
        cid, secret = env.get(ENV_ID, "").strip(), env.get(ENV_SECRET, "").strip()
        if cid and secret:
            return cls(cid, secret, token_url)
        if cid or secret:
            raise FetchError(f"only one of {ENV_ID} and {ENV_SECRET} is set; set both. {HOW_TO}")
        path = Path(config) if config is not None else config_path()
        if not path.is_file():
            return None
        try:
            with open(path, "rb") as fh:
                doc = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise FetchError(f"{path}: cannot read the config file ({type(exc).__name__}); "
                             "expected TOML with an [opensky] table") from None
        section = doc.get("opensky")
        if not isinstance(section, dict):
            return None
        cid, secret = str(section.get("client_id", "")).strip(), str(section.get("client_secret", "")).strip()
        if not (cid and secret):
            raise FetchError(f"{path}: [opensky] needs both client_id and client_secret. {HOW_TO}")
        return cls(cid, secret, str(section.get("token_url") or token_url))


class OpenSkyAuth:
    """Bearer tokens from the OpenSky identity server, cached until shortly before they expire (30 min)."""

    def __init__(self, credentials: OpenSkyCredentials, client: Client, margin_s: float = 60.0):
        self._credentials = credentials
        self._client = client
        self._margin_s = margin_s
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "OpenSkyAuth(<hidden>)"

    def headers(self, refresh: bool = False) -> dict[str, str]:
        with self._lock:
            if refresh or self._token is None or time.monotonic() >= self._expires:
                self._token, lifetime = self._request_token()
                self._expires = time.monotonic() + max(0.0, lifetime - self._margin_s)
            return {"Authorization": f"Bearer {self._token}"}

    def _request_token(self) -> tuple[str, float]:
        hints = ErrorHints(
            what="OpenSky sign-in",
            not_found="the token URL is wrong (check OPENSKY_TOKEN_URL)",
            credentials=f"OpenSky refused the client id/secret. {HOW_TO}",
        )
        creds = self._credentials
        try:
            doc = self._client.post_form(
                creds.token_url,
                {"grant_type": "client_credentials", "client_id": creds.client_id,
                 "client_secret": creds.client_secret},
                hints=hints,
            )
        except FetchError as exc:
            if getattr(exc, "status", None) == 400:  # Keycloak answers 400 invalid_client for bad secrets
                raise fetch_error(f"OpenSky sign-in: HTTP 400 from the token endpoint: the client id/secret "
                                  f"were not accepted. {HOW_TO}", status=400) from None
            raise
        token = doc.get("access_token") if isinstance(doc, dict) else None
        if not isinstance(token, str) or not token:
            raise FetchError("OpenSky sign-in: the token endpoint answered without an access_token")
        lifetime = doc.get("expires_in", 1800)
        return token, float(lifetime) if isinstance(lifetime, (int, float)) else 1800.0
