"""A real `atelier serve` sending its outbox to a real SMTP server, killed (kill -9) in the middle of a batch; and
stopped while the mail server is down, then started again once it is back.

The SMTP server keeps the fifth message but holds its answer: Atelier is killed at that instant, as the message is
in flight. Started again on the same data, it sends what was left, and the fifth once more, which the server
then has twice under the same Message-ID: the only message allowed to arrive twice. Every other one arrives
exactly once, and every one ends SENT.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

from domain import database, outbox, workshops
from domain.clock import FakeClock
from domain.models import MessageKind, Registration, RegistrationStatus
from tests.cli.test_startup import clean_env, run, running
from tests.mail.smtp_server import LocalSmtpServer
from tests.postgres import free_port

MESSAGES = 12
HELD = 5
GUARD = 60.0  # seconds: against a process or server that never gets there, not a speed check


async def queue_messages(data_dir: Path) -> list[str]:
    """A workshop with MESSAGES registrations, each with its confirmation queued; their Message-IDs."""
    await database.open_database(database.sqlite_url(data_dir))
    try:
        clock = FakeClock(datetime(2026, 11, 25, 9, tzinfo=UTC))
        workshop = await workshops.create_workshop(title="Budget participatif", created_by=None,
                                                   suggested_agenda=False)
        session = await workshops.add_session(workshop, date(2026, 12, 10), clock_time(18, 30))
        keys = []
        for number in range(MESSAGES):
            registration = await Registration.create(
                public_id=f"person{number:04d}", workshop=workshop, session=session,
                email=f"personne{number}@habitants.example", display_name=f"Personne {number}",
                status=RegistrationStatus.CONFIRMED, token_hash=f"{number:064d}")
            message = await outbox.post(MessageKind.REGISTERED, to_address=registration.email,
                                        to_name=registration.display_name, language="fr", clock=clock,
                                        facts={"session_id": session.id, "sequence": 0}, registration=registration)
            assert message is not None
            keys.append(f"<{message.key}@ville.example>")
        return keys
    finally:
        await database.close_database()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + GUARD
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def statuses(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "atelier.sqlite3") as connection:
        return [row[0] for row in connection.execute("SELECT status FROM outbox_message ORDER BY id")]


def test_killed_mid_batch_every_message_arrives_and_only_the_one_in_flight_twice(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert run(["migrate", "--data-dir", str(data_dir)], cwd=tmp_path).returncode == 0
    message_ids = asyncio.run(queue_messages(data_dir))
    smtp = LocalSmtpServer().start()
    smtp.behaviour.hold_at = HELD
    port = free_port()
    arguments = ["serve", "--port", str(port), "--data-dir", str(data_dir),
                 "--smtp-url", f"smtp://127.0.0.1:{smtp.port}", "--mail-from", "Mairie <atelier@ville.example>"]
    try:
        with running(arguments, port=port, output_dir=tmp_path / "first", cwd=tmp_path, env=clean_env()) as first:
            wait_for(smtp.behaviour.holding.is_set, "the fifth message reaching the SMTP server")
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=GUARD)
        smtp.behaviour.release.set()
        assert smtp.count() == HELD
        assert statuses(data_dir) == ["sent"] * (HELD - 1) + ["queued"] * (MESSAGES - HELD + 1)

        with running(arguments, port=port, output_dir=tmp_path / "second", cwd=tmp_path, env=clean_env()) as second:
            second.wait_until_healthy()
            wait_for(lambda: statuses(data_dir) == ["sent"] * MESSAGES, "every message marked sent")
            assert "Traceback" not in second.stderr, second.stderr
            assert f"smtp://127.0.0.1:{smtp.port}" in second.stdout
    finally:
        smtp.stop()

    counts = smtp.by_message_id()
    assert set(counts) == set(message_ids)  # every message arrived
    assert counts[message_ids[HELD - 1]] == 2  # the one in flight when killed, again under the same Message-ID
    assert all(count == 1 for message_id, count in counts.items() if message_id != message_ids[HELD - 1])


def head_problem(data_dir: Path) -> str:
    with sqlite3.connect(data_dir / "atelier.sqlite3") as connection:
        row = connection.execute("SELECT last_error, attempts FROM outbox_message ORDER BY id LIMIT 1").fetchone()
        return f"{row[0]} ({row[1]} attempts)" if row[0] else ""


def test_stopped_while_the_mail_server_is_down_and_started_once_it_is_back_every_message_arrives_once(
        tmp_path: Path) -> None:
    """Atelier finds no mail server, keeps its messages, and is stopped as an administrator stops it (SIGTERM);
    started again once the mail server is back, it sends every message, each once."""
    data_dir = tmp_path / "data"
    assert run(["migrate", "--data-dir", str(data_dir)], cwd=tmp_path).returncode == 0
    message_ids = asyncio.run(queue_messages(data_dir))
    smtp = LocalSmtpServer()  # its port chosen, nobody listening yet
    port = free_port()
    arguments = ["serve", "--port", str(port), "--data-dir", str(data_dir),
                 "--smtp-url", f"smtp://127.0.0.1:{smtp.port}", "--mail-from", "Mairie <atelier@ville.example>"]
    with running(arguments, port=port, output_dir=tmp_path / "first", cwd=tmp_path, env=clean_env()) as first:
        first.wait_until_healthy()
        wait_for(lambda: f"127.0.0.1:{smtp.port}" in head_problem(data_dir), "the sender noting the server is away")
        assert first.stop(signal.SIGTERM) in {0, -signal.SIGTERM, 128 + signal.SIGTERM}
        assert "Traceback" not in first.stderr, first.stderr
    assert head_problem(data_dir).endswith("(0 attempts)")  # the server's absence counts against no message
    assert statuses(data_dir) == ["queued"] * MESSAGES

    smtp.start()
    try:
        with running(arguments, port=port, output_dir=tmp_path / "second", cwd=tmp_path, env=clean_env()) as second:
            second.wait_until_healthy()
            wait_for(lambda: statuses(data_dir) == ["sent"] * MESSAGES, "every message marked sent")
            assert "Traceback" not in second.stderr, second.stderr
    finally:
        smtp.stop()
    assert smtp.by_message_id() == dict.fromkeys(message_ids, 1)
