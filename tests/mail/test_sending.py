"""The sender against a real SMTP server (aiosmtpd): one connection for a batch, refusals, a server that goes away
mid-batch and comes back, STARTTLS, TLS and passwords, a sender stopped and started again with mail queued."""

from __future__ import annotations

import re
import ssl
from datetime import timedelta
from pathlib import Path

import pytest

from domain import outbox
from domain.clock import FakeClock
from domain.models import MessageKind, MessageStatus, OutboxMessage, RegistrationStatus
from mail.composing import Composer
from mail.sender import MailSender, RetryPolicy
from mail.settings import SmtpServer
from tests.mail.conftest import Place
from tests.mail.smtp_server import LocalSmtpServer, tls_for_localhost
from tests.waiting import until


async def queue(place: Place, count: int, kind: MessageKind = MessageKind.REGISTERED) -> list[OutboxMessage]:
    messages = []
    for number in range(count):
        registration = await place.register(f"Personne {number}", language="fr" if number % 2 else "en")
        messages.append(await place.post(kind, registration))
    return messages


async def statuses() -> list[MessageStatus]:
    return [message.status for message in await OutboxMessage.all().order_by("id")]


def message_ids(messages: list[OutboxMessage]) -> list[str]:
    return [f"<{message.key}@ville.example>" for message in messages]


async def test_queued_messages_go_out_in_order_over_one_connection(place: Place, sender: MailSender,
                                                                  smtp: LocalSmtpServer) -> None:
    messages = await queue(place, 6)

    sender.start()
    await until(lambda: smtp.count() == 6, message=lambda: f"{smtp.count()} of 6 received")
    await until(lambda: all_sent(6))

    assert [received.message_id for received in smtp.messages()] == message_ids(messages)
    assert smtp.connections == 1 == sender.connections_opened
    assert smtp.messages()[0].recipients == [messages[0].to_address]
    assert smtp.messages()[0].sender == "atelier@ville.example"
    sent = await OutboxMessage.get(id=messages[0].id)
    assert sent.attempts == 1 and sent.sent_at == place.clock.now() and sent.last_error == ""


async def test_names_and_subjects_with_line_breaks_and_markup_reach_one_recipient_as_text(
        place: Place, sender: MailSender, smtp: LocalSmtpServer) -> None:
    """What arrives at the SMTP server, parsed from its bytes: no header added by a name or an organiser's subject,
    the one recipient, the markup shown as text in the HTML part."""
    registration = await place.register("Eve\r\nBcc: tous@ville.example, <b>Evil</b>", language="en",
                                        status=RegistrationStatus.INVITED)
    await place.post(MessageKind.INVITATION, registration, subject="Venez\r\nBcc: tous@ville.example\nX-Evil: 1",
                     body="")

    assert await sender.send_due() == 1
    [received] = smtp.messages()
    assert received.recipients == [registration.email]
    headers = received.raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"^(Bcc|X-Evil):", headers, re.MULTILINE | re.IGNORECASE), headers.decode()
    message = received.message
    assert str(message["Subject"]) == "Venez Bcc: tous@ville.example X-Evil: 1"
    assert [(address.display_name, address.addr_spec) for address in message["To"].addresses] == [
        ("Eve Bcc: tous@ville.example, <b>Evil</b>", registration.email)]
    html = message.get_body(("html",))
    assert html is not None
    assert "<b>Evil</b>" not in html.get_content() and "&lt;b&gt;Evil&lt;/b&gt;" in html.get_content()


async def all_sent(count: int) -> bool:
    return await OutboxMessage.filter(status=MessageStatus.SENT).count() == count


async def test_a_posted_message_wakes_the_sender(place: Place, composer: Composer, smtp: LocalSmtpServer,
                                                 clock: FakeClock) -> None:
    """Looking only once an hour, the sender still sends a new message: posting it woke the sender."""
    sender = MailSender(composer, SmtpServer("127.0.0.1", smtp.port, implicit_tls=False), clock,
                        local_hostname="atelier.ville.example", poll_seconds=3600)
    [first] = await queue(place, 1)
    sender.start()
    try:
        await until(lambda: smtp.count() == 1)  # its first look: now it rests, for an hour
        [second] = await queue(place, 1)
        await until(lambda: smtp.count() == 2)
        assert [received.message_id for received in smtp.messages()] == message_ids([first, second])
    finally:
        await sender.stop()


async def test_a_temporary_refusal_is_tried_again_later(place: Place, sender: MailSender, smtp: LocalSmtpServer,
                                                        clock: FakeClock) -> None:
    [message] = await queue(place, 1)
    smtp.refuse("RCPT", "451 4.7.1 Greylisted, try again later")

    assert await sender.send_due() == 0
    waiting = await OutboxMessage.get(id=message.id)
    assert waiting.status == MessageStatus.QUEUED and waiting.attempts == 1
    assert waiting.last_error == "451 4.7.1 Greylisted, try again later"
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=1)
    assert await sender.send_due() == 0  # not yet

    clock.advance(seconds=1)
    assert await sender.send_due() == 1
    assert (await OutboxMessage.get(id=message.id)).status == MessageStatus.SENT
    assert [received.message_id for received in smtp.messages()] == message_ids([message])


async def test_temporary_refusals_in_a_batch_then_every_message_arrives_once(
        place: Place, sender: MailSender, smtp: LocalSmtpServer, clock: FakeClock) -> None:
    messages = await queue(place, 6)
    smtp.refuse("RCPT", "450 4.2.1 Mailbox busy")  # the first message's recipient
    smtp.refuse("DATA", "421 4.3.2 Service shutting down")  # the second message, once written out

    assert await sender.send_due() == 4
    assert await statuses() == [MessageStatus.QUEUED] * 2 + [MessageStatus.SENT] * 4
    clock.advance(seconds=1)
    assert await sender.send_due() == 2

    assert smtp.by_message_id() == dict.fromkeys(message_ids(messages), 1)
    assert [(await OutboxMessage.get(id=message.id)).attempts for message in messages] == [2, 2, 1, 1, 1, 1]


async def test_a_message_refused_for_good_fails_at_once_with_the_servers_reason(
        place: Place, sender: MailSender, smtp: LocalSmtpServer) -> None:
    messages = await queue(place, 3)
    smtp.refuse("RCPT", "550 5.1.1 <nobody@habitants.example>: no such user")

    assert await sender.send_due() == 2
    failed = await OutboxMessage.get(id=messages[0].id)
    assert failed.status == MessageStatus.FAILED and failed.attempts == 1
    assert failed.last_error == "550 5.1.1 <nobody@habitants.example>: no such user"
    assert await statuses() == [MessageStatus.FAILED, MessageStatus.SENT, MessageStatus.SENT]

    smtp.refuse("DATA", "554 5.6.0 Message refused")
    [refused] = await queue(place, 1)
    assert await sender.send_due() == 0
    assert (await OutboxMessage.get(id=refused.id)).last_error == "554 5.6.0 Message refused"
    assert smtp.connections == 1


async def test_a_message_still_refused_after_its_last_try_fails(place: Place, composer: Composer,
                                                                 smtp: LocalSmtpServer, clock: FakeClock) -> None:
    sender = MailSender(composer, SmtpServer("127.0.0.1", smtp.port, implicit_tls=False), clock,
                        local_hostname="atelier.ville.example", policy=RetryPolicy(give_up_after=timedelta(seconds=10)))
    [message] = await queue(place, 1)
    try:
        for attempt in range(1, 5):  # waited 1 + 2 + 4 s: still trying; 1 + 2 + 4 + 8 s: ten seconds are past
            smtp.refuse("RCPT", "452 4.2.2 Mailbox full")
            await sender.send_due()
            current = await OutboxMessage.get(id=message.id)
            assert current.attempts == attempt
            clock.set(current.next_attempt_at)
        assert current.status == MessageStatus.FAILED
        assert current.last_error == "452 4.2.2 Mailbox full"
    finally:
        await sender.stop()


def test_the_default_retries_go_on_for_about_two_days() -> None:
    policy = RetryPolicy()
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 10, 11, 50)] == [1, 2, 4, 512, 900, 900]
    tries = next(n for n in range(1, 1000) if policy.exhausted(n))
    waited = sum((policy.delay(n) for n in range(1, tries + 1)), timedelta())
    assert timedelta(days=2) <= waited < timedelta(days=2, minutes=15)


async def test_a_server_that_goes_away_mid_batch_gets_every_message_once_when_it_is_back(
        place: Place, sender: MailSender, smtp: LocalSmtpServer) -> None:
    messages = await queue(place, 8)
    smtp.behaviour.drop_at = 4  # takes three, then stops listening and drops the fourth

    sender.start()
    await until(smtp.behaviour.dropped.is_set)
    await until(lambda: sender.status.problem != "", message="the sender never noticed the server had gone")
    head = await OutboxMessage.get(id=messages[3].id)
    assert head.status == MessageStatus.QUEUED and head.attempts == 0  # the server's fault, not the message's
    assert f"127.0.0.1:{smtp.port}" in head.last_error
    assert smtp.count() == 3

    smtp.stop()
    smtp.start()  # the same port, as a restarted server
    await until(lambda: all_sent(8))  # the fourth, dropped without being kept, goes again with the others

    assert smtp.by_message_id() == dict.fromkeys(message_ids(messages), 1)
    assert sender.status.problem == ""


async def test_a_sender_stopped_and_started_again_sends_what_is_queued_once(
        place: Place, composer: Composer, smtp: LocalSmtpServer, clock: FakeClock) -> None:
    def new_sender() -> MailSender:
        return MailSender(composer, SmtpServer("127.0.0.1", smtp.port, implicit_tls=False), clock,
                          local_hostname="atelier.ville.example")

    messages = await queue(place, 6)
    smtp.behaviour.hold_at = 3
    first = new_sender()
    first.start()
    await until(smtp.behaviour.holding.is_set)
    await first.stop()  # as Atelier stops: the third message is in flight, taken by the server, not yet answered
    smtp.behaviour.release.set()
    assert smtp.count() == 3
    assert await statuses() == [MessageStatus.SENT] * 2 + [MessageStatus.QUEUED] * 4

    second = new_sender()
    second.start()
    try:
        await until(lambda: all_sent(6))
    finally:
        await second.stop()

    counts = smtp.by_message_id()
    ids = message_ids(messages)
    assert counts[ids[2]] == 2  # the one in flight, and only it, went twice (same Message-ID)
    assert {message_id: count for message_id, count in counts.items() if message_id != ids[2]} == dict.fromkeys(
        ids[:2] + ids[3:], 1)


async def test_without_a_server_messages_stay_queued(place: Place, composer: Composer, clock: FakeClock) -> None:
    sender = MailSender(composer, None, clock, local_hostname="atelier.ville.example")
    await queue(place, 2)

    sender.start()
    assert await sender.send_due() == 0
    assert await statuses() == [MessageStatus.QUEUED] * 2
    assert not sender.status.configured
    await sender.stop()


# ---------------------------------------------------------------- TLS and passwords


@pytest.fixture
def trusted_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A server certificate for 127.0.0.1, from an authority the client trusts through SSL_CERT_FILE."""
    context, authority = tls_for_localhost()
    authority.cert_pem.write_to_path(str(tmp_path / "authority.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "authority.pem"))
    return context


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "tls"])
async def test_starttls_or_tls_with_a_password(place: Place, composer: Composer, clock: FakeClock,
                                               trusted_tls: ssl.SSLContext, implicit_tls: bool) -> None:
    server = LocalSmtpServer(starttls=None if implicit_tls else trusted_tls,
                             implicit_tls=trusted_tls if implicit_tls else None,
                             users={"atelier@ville.example": "un mot de passe:@/ solide"}).start()
    sender = MailSender(composer, SmtpServer("127.0.0.1", server.port, implicit_tls=implicit_tls,
                                             username="atelier@ville.example", password="un mot de passe:@/ solide"),
                        clock, local_hostname="atelier.ville.example")
    try:
        messages = await queue(place, 2)
        assert await sender.send_due() == 2
        assert [received.message_id for received in server.messages()] == message_ids(messages)
        assert server.logins == ["atelier@ville.example"]
    finally:
        await sender.stop()
        server.stop()


async def test_a_wrong_password_keeps_mail_queued_and_says_why(place: Place, composer: Composer, clock: FakeClock,
                                                               trusted_tls: ssl.SSLContext) -> None:
    server = LocalSmtpServer(starttls=trusted_tls, users={"atelier": "the right one"}).start()
    sender = MailSender(composer, SmtpServer("127.0.0.1", server.port, implicit_tls=False, username="atelier",
                                             password="a wrong one"), clock, local_hostname="atelier.ville.example")
    try:
        [message] = await queue(place, 1)
        assert await sender.send_due() == 0
        waiting = await OutboxMessage.get(id=message.id)
        assert waiting.status == MessageStatus.QUEUED and waiting.attempts == 0
        assert "535" in waiting.last_error and "wrong one" not in waiting.last_error
        assert "535" in sender.status.problem
        assert server.count() == 0
    finally:
        await sender.stop()
        server.stop()


async def test_a_reminder_for_a_session_that_has_started_is_not_sent(place: Place, sender: MailSender,
                                                                    smtp: LocalSmtpServer, clock: FakeClock) -> None:
    [reminder] = await queue(place, 1, MessageKind.REMINDER)
    clock.set(place.session.starts_at)

    assert await sender.send_due() == 0
    failed = await OutboxMessage.get(id=reminder.id)
    assert failed.status == MessageStatus.FAILED and failed.attempts == 0
    assert failed.last_error == "Not sent: the session had already started."
    assert smtp.count() == 0
    assert await outbox.retry_now(reminder.id, clock)
    assert (await OutboxMessage.get(id=reminder.id)).status == MessageStatus.QUEUED
