"""A real SMTP server for the tests: aiosmtpd on a free local port, in its own thread, that keeps what it receives.

It can be told to answer some commands with a refusal (`refuse`), to go away in the middle of a message
without keeping it (`drop_at`), or to keep a message but hold its answer until the test lets it go (`hold_at`:
what a client killed at that instant never hears): the faults a real server shows, at a known moment. It can
be stopped and started again on the same port, and speak STARTTLS, TLS and AUTH with a certificate made for
the test (trustme).
"""

from __future__ import annotations

import email
import email.policy
import ssl
import threading
import warnings
import weakref
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.postgres import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class Behaviour:
    """What the server does besides taking messages. Counts are of DATA commands received, from 1."""

    refusals: dict[str, list[str]] = field(default_factory=dict)  # "RCPT" | "DATA" -> answers, used in turn
    drop_at: int | None = None  # at this DATA: close the connection without keeping the message
    hold_at: int | None = None  # at this DATA: keep the message, then wait for `release` before saying so
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    dropped: threading.Event = field(default_factory=threading.Event)


class _Handler:
    def __init__(self, owner: LocalSmtpServer) -> None:
        self.owner = owner

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope, address: str,  # noqa: N802
                          mail_options: list[str]) -> str:
        if session not in self.owner.sessions:  # a connection that sends mail (not the controller's own check)
            with self.owner.lock:
                self.owner.sessions.add(session)
                self.owner.connections += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        refusal = self.owner.next_refusal("RCPT")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        behaviour = self.owner.behaviour
        with self.owner.lock:
            self.owner.data_commands += 1
            number = self.owner.data_commands
        if number == behaviour.drop_at:  # the server goes away: it stops listening, then drops this connection
            self.owner.stop_listening()
            assert server.transport is not None
            server.transport.close()
            behaviour.dropped.set()
            return "421 closing"
        refusal = self.owner.next_refusal("DATA")
        if refusal:
            return refusal
        raw = envelope.original_content or b""
        with self.owner.lock:
            self.owner.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), raw))
        if number == behaviour.hold_at:  # kept, but the client does not hear so until the test says
            behaviour.holding.set()
            await server.loop.run_in_executor(None, behaviour.release.wait)
        return "250 Message accepted for delivery"


class LocalSmtpServer:
    """One SMTP server on 127.0.0.1:`port`; `start()` and `stop()` as often as a test needs."""

    def __init__(self, *, port: int | None = None, starttls: ssl.SSLContext | None = None,
                 implicit_tls: ssl.SSLContext | None = None, users: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.starttls = starttls
        self.implicit_tls = implicit_tls
        self.users = users
        self.behaviour = Behaviour()
        self.received: list[Received] = []
        self.connections = 0
        self.data_commands = 0
        self.logins: list[str] = []
        self.lock = threading.Lock()
        self.sessions: weakref.WeakSet[Session] = weakref.WeakSet()
        self._controller: Controller | None = None

    def start(self) -> LocalSmtpServer:
        options: dict[str, Any] = {"hostname": "127.0.0.1", "port": self.port, "ready_timeout": 60.0}
        if self.starttls is not None:
            options.update(tls_context=self.starttls, require_starttls=True)
        if self.implicit_tls is not None:
            # aiosmtpd offers AUTH only after its own STARTTLS: a connection in TLS from the start is as safe.
            options.update(ssl_context=self.implicit_tls, auth_require_tls=False)
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)
        if self.users is not None:
            options.update(authenticator=self._authenticate, auth_required=True)
        self._controller = Controller(_Handler(self), **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            self.behaviour.release.set()  # a held message must not keep the server's thread from ending
            controller.stop()

    def stop_listening(self) -> None:
        """Refuse new connections at once (from the server's own thread): what a server going down does first."""
        assert self._controller is not None and self._controller.server is not None
        self._controller.server.close()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def next_refusal(self, command: str) -> str | None:
        with self.lock:
            answers = self.behaviour.refusals.get(command)
            return answers.pop(0) if answers else None

    def refuse(self, command: str, *answers: str) -> None:
        """Answer the next `command`s (RCPT or DATA) with `answers`, one each, then accept again."""
        with self.lock:
            self.behaviour.refusals.setdefault(command, []).extend(answers)

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def by_message_id(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for received in self.messages():
            counts[received.message_id] = counts.get(received.message_id, 0) + 1
        return counts

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                      auth_data: Any) -> AuthResult:
        assert self.users is not None
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if self.users.get(user) == password:
                with self.lock:
                    self.logins.append(user)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def tls_for_localhost() -> tuple[ssl.SSLContext, trustme.CA]:
    """A server TLS context for 127.0.0.1, signed by a throw-away authority (write `authority.cert_pem` to a file
    and name it in SSL_CERT_FILE for a client to trust it)."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context, authority
