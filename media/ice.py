"""The STUN and TURN servers browsers are given, with short-lived TURN credentials.

Browsers never see a lasting TURN password: each page gets a user name that carries its own expiry and a password
derived from it with a secret shared with the TURN server (the "TURN REST API" scheme that coturn implements with
`use-auth-secret` and `static-auth-secret`). The TURN server recomputes the password and refuses it once expired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

# Long enough for a whole workshop and its rehearsal: a relayed connection refreshes its allocation with the same
# credentials, so they must outlast the page.
CREDENTIAL_LIFETIME = timedelta(hours=12)


def turn_password(secret: str, username: str) -> str:
    """The password a TURN server with this shared secret expects for this user name (base64 of HMAC-SHA1)."""
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class IceServers:
    """Where browsers find STUN and TURN servers (`stun:`, `turn:` or `turns:` addresses)."""

    urls: tuple[str, ...] = ()
    turn_secret: str | None = None
    lifetime: timedelta = CREDENTIAL_LIFETIME
    clock: Callable[[], float] = field(default=time.time, compare=False)

    def for_browser(self) -> list[dict[str, str]]:
        """RTCIceServer dictionaries for one page, its TURN credentials made for it and valid for `lifetime`."""
        servers: list[dict[str, str]] = []
        credentials: dict[str, str] = {}
        if self.turn_secret and any(url.startswith("turn") for url in self.urls):
            expiry = int(self.clock() + self.lifetime.total_seconds())
            # The part after the colon only labels the allocation in the TURN server's logs: no name, no page id.
            username = f"{expiry}:{secrets.token_hex(6)}"
            credentials = {"username": username, "credential": turn_password(self.turn_secret, username)}
        for url in self.urls:
            servers.append({"urls": url, **credentials} if url.startswith("turn") else {"urls": url})
        return servers
