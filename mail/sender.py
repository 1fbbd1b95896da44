"""The worker that empties the outbox over SMTP, started and stopped with the server by the composition root.

It takes the queued messages whose time has come in the order they were written, and sends them one after the
other over one SMTP connection, kept open while there is work and reopened when it drops. Each message is marked
SENT as soon as the server has taken it: if the process dies, only the message in flight at that instant can
go out twice (with the same Message-ID).

- A temporary refusal (4xx) puts the message back for later: 1 s, doubling, at most 15 minutes apart, and after
  about two days of trying it is FAILED with the server's last answer.
- A permanent refusal (5xx) of the recipient or the message makes it FAILED at once, with the server's answer.
- A server that cannot be reached (down, TLS or password refused) is no message's fault: the message at the head
  of the queue keeps the reason, nothing is counted, and the worker tries again 1 s, 2 s... at most 15 minutes later.

It wakes as soon as the domain writes a message (`domain.outbox.posted`), and looks every second anyway. With no
SMTP server configured it does not run: messages stay queued, for organisers to read on the outbox page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import aiosmtplib
from aiosmtplib import (
    SMTPAuthenticationError,
    SMTPConnectResponseError,
    SMTPHeloError,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPServerDisconnected,
)

from domain import outbox
from domain.clock import Clock
from domain.i18n import N_
from domain.models import OutboxMessage
from mail.composing import Composed, Composer, NotComposable, Records
from mail.settings import SmtpServer

log = logging.getLogger(__name__)
BUSY_LOOP_SECONDS = 0.005  # what the rest of the server took in one turn of the event loop: busier, mail waits


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait after the n-th temporary failure, and when to stop trying."""

    first: timedelta = timedelta(seconds=1)
    longest: timedelta = timedelta(minutes=15)
    give_up_after: timedelta = timedelta(days=2)

    def delay(self, failures: int) -> timedelta:
        doublings = min(max(failures - 1, 0), 40)  # 2**40 seconds is far beyond any `longest`
        return min(self.first * (1 << doublings), self.longest)

    def exhausted(self, failures: int) -> bool:
        """Whether `failures` attempts, spaced by `delay`, have been trying for `give_up_after` already."""
        waited = timedelta()
        for failure in range(1, failures + 1):
            waited += self.delay(failure)
            if waited >= self.give_up_after:
                return True
        return False


@dataclass(frozen=True)
class SenderStatus:
    """What the outbox page says about the sender: whether the server can be reached, and since when not."""

    configured: bool
    server: str  # smtp://host:port, no password
    problem: str = ""  # why the server cannot be reached now, English (from the network or the server)
    since: datetime | None = None


class _Unreachable(Exception):
    """The server could not be reached, or dropped the connection: not the message's fault."""


class MailSender:
    def __init__(self, composer: Composer, server: SmtpServer | None, clock: Clock, *, local_hostname: str,
                 policy: RetryPolicy | None = None, batch_size: int = 100, poll_seconds: float = 1.0,
                 idle_seconds: float = 30.0, timeout_seconds: float = 60.0) -> None:
        self.composer = composer
        self.server = server
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.local_hostname = local_hostname
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.idle_seconds = idle_seconds
        self.timeout_seconds = timeout_seconds
        self.connections_opened = 0  # for the benchmark and the tests: one per batch, not one per message
        self._smtp: aiosmtplib.SMTP | None = None
        self._last_used = 0.0
        self._unreachable_count = 0
        self._problem = ""
        self._problem_since: datetime | None = None
        self._woken = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def status(self) -> SenderStatus:
        return SenderStatus(configured=self.server is not None, server=self.server.address if self.server else "",
                            problem=self._problem, since=self._problem_since)

    # ---------------------------------------------------------------- life

    def start(self) -> None:
        """Start sending in the background (nothing happens without a server to send to)."""
        if self.server is None or self._task is not None:
            return
        unsubscribe = outbox.posted.subscribe(self.wake)
        self._task = asyncio.get_running_loop().create_task(self._keep_sending(), name="mail-sender")
        self._task.add_done_callback(lambda _task: unsubscribe())

    async def stop(self) -> None:
        """Stop and wait: a message being sent then is not marked, and goes again at the next start."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._disconnect()

    def wake(self) -> None:
        """A message may be waiting: look now rather than at the next regular look."""
        self._woken.set()

    async def _keep_sending(self) -> None:
        while True:
            self._woken.clear()
            try:
                await self.send_due()
            except Exception:  # the database unavailable for a moment, say: the next look tries again
                log.exception("sending the outbox failed; trying again shortly")
            await self._rest()

    async def _rest(self) -> None:
        """Until the next look: after an unreachable server, its back-off; otherwise a wake-up or a second."""
        if self._unreachable_count:
            await asyncio.sleep(self.policy.delay(self._unreachable_count).total_seconds())
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._woken.wait(), self.poll_seconds)
        if self._smtp is not None and asyncio.get_running_loop().time() - self._last_used > self.idle_seconds:
            await self._quit()

    # ---------------------------------------------------------------- sending

    async def send_due(self) -> int:
        """Send every message whose time has come; how many the server took. Stops early if it cannot be reached."""
        if self.server is None:
            return 0
        sent = 0
        while batch := await outbox.due(self.clock.now(), self.batch_size):
            records = await Records.load(batch)
            # Each message is composed in a worker thread while the one before it goes out and is marked sent:
            # the composing then fills the time spent waiting for the mail server and for the database's disk.
            composing = asyncio.ensure_future(self._compose(records, batch[0]))
            for position, message in enumerate(batch):
                composed = await composing
                await self._give_way()
                if position + 1 < len(batch):
                    composing = asyncio.ensure_future(self._compose(records, batch[position + 1]))
                try:
                    sent += await self._send(message, composed)
                except _Unreachable as problem:
                    composing.cancel()
                    await outbox.note_problem(message, str(problem))
                    self._unreachable(str(problem))
                    return sent
        return sent

    async def _give_way(self) -> None:
        """Mail can wait a moment, a live workshop cannot: while the event loop is busy with other work (a new step
        going out to hundreds of pages), wait a little before the next message, up to half a second at a time."""
        loop = asyncio.get_running_loop()
        for _ in range(10):
            started = loop.time()
            await asyncio.sleep(0)  # everything else ready to run goes first
            if loop.time() - started < BUSY_LOOP_SECONDS:
                return
            await asyncio.sleep(0.05)

    async def _compose(self, records: Records, message: OutboxMessage) -> Composed | str:
        """The message ready to go, or why it cannot be made (English, marked for translation)."""
        try:
            return await asyncio.to_thread(self.composer.compose_from, records, message)
        except NotComposable as problem:
            return problem.reason
        except Exception:
            log.exception("composing outbox message %s failed", message.id)
            return N_("Not sent: it could not be composed (the server's log says why).")

    async def _send(self, message: OutboxMessage, composed: Composed | str) -> int:
        if isinstance(composed, str) or composed.obsolete:
            await outbox.give_up(message, composed if isinstance(composed, str) else str(composed.obsolete),
                                 attempted=False)
            return 0
        try:
            await self._deliver(composed.email, message.to_address.strip())
        except SMTPRecipientsRefused as refused:
            first = refused.recipients[0]
            await self._refused(message, first.code, first.message)
            return 0
        except SMTPResponseException as answer:
            await self._refused(message, answer.code, answer.message)
            return 0
        await outbox.mark_sent(message, self.clock.now())
        self._reachable()
        return 1

    async def _refused(self, message: OutboxMessage, code: int, text: str) -> None:
        reason = f"{code} {text}".strip()
        self._reachable()  # it answered
        if code >= 500 or self.policy.exhausted(message.attempts + 1):
            log.warning("outbox message %s failed: %s", message.id, reason)
            await outbox.give_up(message, reason)
        else:
            await outbox.try_again_later(message, reason,
                                         self.clock.now() + self.policy.delay(message.attempts + 1))

    async def _deliver(self, email: EmailMessage, recipient: str) -> None:
        """Send over the open connection (or a new one). The server's answer about the message is raised as is;
        anything else is `_Unreachable`. A connection the server closed while it was idle is reopened once."""
        for attempt in (1, 2):
            reused = self._smtp is not None
            try:
                smtp = await self._connection()
                await smtp.send_message(email, sender=self.composer.mail_from.addr_spec, recipients=[recipient])
            except SMTPRecipientsRefused:
                raise
            except SMTPResponseException as answer:
                if not isinstance(answer, SMTPAuthenticationError | SMTPHeloError | SMTPConnectResponseError):
                    raise
                self._disconnect()
                raise _Unreachable(self._describe(answer)) from None
            except SMTPServerDisconnected as dropped:
                self._disconnect()
                if reused and attempt == 1:
                    continue
                raise _Unreachable(self._describe(dropped)) from None
            except (aiosmtplib.SMTPException, OSError) as problem:
                self._disconnect()
                raise _Unreachable(self._describe(problem)) from None
            self._last_used = asyncio.get_running_loop().time()
            return

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        self._disconnect()
        server = self.server
        assert server is not None
        smtp = aiosmtplib.SMTP(
            hostname=server.host, port=server.port, username=server.username, password=server.password,
            use_tls=server.implicit_tls,
            # STARTTLS: required to send a password, used whenever offered otherwise.
            start_tls=None if server.implicit_tls else (True if server.password else None),
            local_hostname=self.local_hostname, timeout=self.timeout_seconds)
        await smtp.connect()
        self.connections_opened += 1
        self._smtp = smtp
        return smtp

    async def _quit(self) -> None:
        """Say goodbye to the server after a quiet moment, rather than keep a connection it will drop."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
                await smtp.quit(timeout=5)
            smtp.close()

    def _disconnect(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    # ---------------------------------------------------------------- whether the server answers

    def _describe(self, problem: BaseException) -> str:
        assert self.server is not None
        return f"{self.server.address}: {str(problem).strip() or type(problem).__name__}"

    def _unreachable(self, problem: str) -> None:
        self._unreachable_count += 1
        if not self._problem:
            self._problem_since = self.clock.now()
        self._problem = problem
        log.warning("the mail server cannot be reached (%s); trying again in %s", problem,
                    self.policy.delay(self._unreachable_count))

    def _reachable(self) -> None:
        if self._problem:
            log.info("the mail server answers again")
        self._unreachable_count = 0
        self._problem = ""
        self._problem_since = None
