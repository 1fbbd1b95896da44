"""The mail settings: which SMTP server to send through (`--smtp-url`) and in whose name (`--mail-from`).

`smtp://user:password@mail.ville.example:587` sends over STARTTLS (required when there is a password, used
when offered otherwise); `smtps://…:465` over TLS from the first byte. The user and password are URL-decoded
(`%40` for an @ in a user name). The server's certificate is checked against the system's authorities
(`SSL_CERT_FILE` names another bundle, for a relay with its own authority).
"""

from __future__ import annotations

import email.policy
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool  # smtps://: TLS from the start; smtp://: STARTTLS
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never in a log line, nor in repr()

    @property
    def address(self) -> str:
        """Where mail goes, fit for messages and logs: no user, no password."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"


def parse_smtp_url(text: str) -> SmtpServer:
    """The server an `--smtp-url` names; ValueError with the reason (never the password) when it names none."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"'{redact(text)}' is not an address such as smtp://user:password@mail.example.org:587"
                         ) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname:
        raise ValueError(f"'{redact(text)}' is not an address such as smtp://user:password@mail.example.org:587 "
                         "(STARTTLS) or smtps://user:password@mail.example.org:465 (TLS)")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"'{redact(text)}': an SMTP address has no path or query, only user, password, host, port")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not username:
        raise ValueError(f"'{redact(text)}': a password needs a user name (smtp://user:password@host)")
    return SmtpServer(host=parts.hostname, port=port or SCHEMES[scheme], implicit_tls=scheme == "smtps",
                      username=username, password=password)


def redact(url: str) -> str:
    """The URL with its password masked, fit for messages and logs (as domain.database.redact does)."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password is None:
        return url
    scheme, _, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***{at}{place}"


def parse_mail_from(text: str) -> Address:
    """The sender of every message: `atelier@ville.example` or `Mairie de Villeneuve <atelier@ville.example>`."""
    example = "such as atelier@ville.example or 'Mairie de Villeneuve <atelier@ville.example>'"
    if any(char in text for char in "\r\n"):
        raise ValueError("the sender's address must fit on one line")
    try:
        header = email.policy.default.header_factory("From", text.strip())
        addresses = header.addresses
    except (ValueError, IndexError, HeaderParseError):
        raise ValueError(f"'{text}' is not an address {example}") from None
    if header.defects or len(addresses) != 1 or not ("." in addresses[0].domain or addresses[0].domain == "localhost"):
        raise ValueError(f"'{text}' is not one address {example} (put a name with a comma in quotes)")
    address: Address = addresses[0]
    return address


def default_mail_from(public_url: str) -> Address:
    """Without `--mail-from`: `Atelier <atelier@host of the public address>`."""
    host = urlsplit(public_url).hostname or "localhost"
    return Address(display_name="Atelier", username="atelier", domain=host)
