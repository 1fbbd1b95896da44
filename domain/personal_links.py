"""Personal links: each registration's unguessable token, and only its hash in the database.

The token is an HMAC of the registration's `public_id` (and `token_version`) under a secret kept in the data
directory, not in the database: every e-mail about a registration can carry its link again, while a copy of
the database alone opens nobody's page. 128 bits of the HMAC, in 22 URL-safe characters. Raising
`token_version` replaces a leaked link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from domain.models import Registration

TOKEN_BYTES = 16  # 128 bits


class PersonalLinks:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the personal links' secret must be at least 32 bytes")
        self._secret = secret

    def token(self, public_id: str, version: int) -> str:
        digest = hmac.new(self._secret, f"registration:{public_id}:{version}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).rstrip(b"=").decode()

    def token_of(self, registration: Registration) -> str:
        return self.token(registration.public_id, registration.token_version)

    def page_of(self, registration: Registration, public_url: str) -> PersonalPage:
        return personal_page(public_url, self.token_of(registration))


def token_hash(token: str) -> str:
    """What the database keeps of a token, to find its registration."""
    return hashlib.sha256(token.encode()).hexdigest()


PERSONAL_PAGE_PATH = "/r/{token}"


@dataclass(frozen=True)
class PersonalPage:
    """The addresses of one registration's personal page, and of what hangs from it, as e-mails give them.

    The device check and the feedback survey are parts of the page (`id="device-check"`, `id="feedback"`): a
    page without them still opens at the top. Turning reminders off has its own address, which mail clients
    call with a POST (one-click List-Unsubscribe, RFC 8058).
    """

    url: str

    @property
    def confirm(self) -> str:
        """Opening it confirms the address given on the public form."""
        return f"{self.url}?confirm=1"

    @property
    def device_check(self) -> str:
        return f"{self.url}#device-check"

    @property
    def feedback(self) -> str:
        return f"{self.url}#feedback"

    @property
    def reminders_off(self) -> str:
        return f"{self.url}/reminders-off"


def personal_page(public_url: str, token: str) -> PersonalPage:
    return PersonalPage(public_url.rstrip("/") + PERSONAL_PAGE_PATH.format(token=token))


async def registration_for(token: str) -> Registration | None:
    """The registration a personal link opens, if any (an altered or replaced link opens none)."""
    if not token or len(token) > 64:
        return None
    return await Registration.get_or_none(token_hash=token_hash(token))
