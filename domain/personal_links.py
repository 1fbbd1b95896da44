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


def token_hash(token: str) -> str:
    """What the database keeps of a token, to find its registration."""
    return hashlib.sha256(token.encode()).hexdigest()
