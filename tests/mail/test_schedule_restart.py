"""A real `atelier serve` with reminders due and mail queued, killed (kill -9), then started again: each goes out once.

The first server has no mail server to send to: its mail schedule writes the reminders due (a session starts in 40
minutes) beside the confirmations already queued, and it is killed. The second one, on the same data with a real
SMTP server, sends all of them, and its own schedule, finding the reminders written, writes none again.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain import database, outbox, timekeeping, workshops
from domain.clock import SystemClock
from domain.models import MessageKind, Registration, RegistrationStatus, Workshop
from tests.cli.test_startup import clean_env, run, running
from tests.mail.smtp_server import LocalSmtpServer
from tests.mail.test_crash import GUARD, statuses, wait_for
from tests.postgres import free_port

PEOPLE = 4


async def registered_people(data_dir: Path) -> None:
    """A session starting in 40 minutes (its one-hour reminder due), PEOPLE people with a place, each with their
    confirmation still queued."""
    await database.open_database(database.sqlite_url(data_dir))
    try:
        clock = SystemClock()
        workshop = await workshops.create_workshop(title="Budget participatif", created_by=None,
                                                   suggested_agenda=False)
        await Workshop.filter(id=workshop.id).update(practical_information_hours_before=None,
                                                     reminder_hours_before=[24, 1])
        local = timekeeping.to_local(datetime.now(UTC) + timedelta(minutes=40), workshop.time_zone)
        session = await workshops.add_session(workshop, local.date(), local.time().replace(second=0, microsecond=0))
        for number in range(PEOPLE):
            registration = await Registration.create(
                public_id=f"person{number:04d}", workshop=workshop, session=session,
                email=f"personne{number}@habitants.example", display_name=f"Personne {number}",
                status=RegistrationStatus.CONFIRMED, token_hash=f"{number:064d}")
            await outbox.post(MessageKind.REGISTERED, to_address=registration.email,
                              to_name=registration.display_name, language="fr", clock=clock,
                              facts={"session_id": session.id, "sequence": 0}, registration=registration)
    finally:
        await database.close_database()


def kinds(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "atelier.sqlite3") as connection:
        return [row[0] for row in connection.execute("SELECT kind FROM outbox_message ORDER BY id")]


def test_reminders_due_and_mail_queued_go_out_once_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert run(["migrate", "--data-dir", str(data_dir)], cwd=tmp_path).returncode == 0
    asyncio.run(registered_people(data_dir))
    port = free_port()
    without_mail = ["serve", "--port", str(port), "--data-dir", str(data_dir)]
    with running(without_mail, port=port, output_dir=tmp_path / "first", cwd=tmp_path, env=clean_env()) as first:
        wait_for(lambda: kinds(data_dir).count("reminder") == PEOPLE, "the reminders written by the first server")
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=GUARD)
    assert kinds(data_dir) == ["registered"] * PEOPLE + ["reminder"] * PEOPLE  # the latest reminder only
    assert statuses(data_dir) == ["queued"] * 2 * PEOPLE

    smtp = LocalSmtpServer().start()
    try:
        with running(without_mail + ["--smtp-url", f"smtp://127.0.0.1:{smtp.port}", "--mail-from",
                                     "Mairie <atelier@ville.example>"],
                     port=port, output_dir=tmp_path / "second", cwd=tmp_path, env=clean_env()) as second:
            second.wait_until_healthy()
            wait_for(lambda: statuses(data_dir) == ["sent"] * 2 * PEOPLE, "every message marked sent")
            assert "Traceback" not in second.stderr, second.stderr
    finally:
        smtp.stop()

    assert kinds(data_dir) == ["registered"] * PEOPLE + ["reminder"] * PEOPLE  # nothing written twice
    counts = smtp.by_message_id()
    assert len(counts) == 2 * PEOPLE and set(counts.values()) == {1}
    subjects = sorted(str(received.message["Subject"]).split(":")[0].strip() for received in smtp.messages())
    assert subjects == ["Rappel"] * PEOPLE + ["Vous êtes inscrit·e"] * PEOPLE
