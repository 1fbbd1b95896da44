"""The messages time sends, written by the mail schedule and sent to a real SMTP server, on a fake clock.

The session of the `place` fixture starts on Thursday 10 December 2026 at 18:30 in Paris (17:30 UTC) and lasts 90
minutes. Each step moves the clock, runs the schedule as the server does every minute, and sends the outbox.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage

import pytest

from domain import database, mail_schedule, retention, workshops
from domain.clock import FakeClock
from domain.live.registry import LiveRegistry
from domain.mail_schedule import MailSchedule
from domain.models import (
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopSession,
)
from mail.composing import PICTURES_DIR
from mail.sender import MailSender
from tests.mail.conftest import LINKS, PUBLIC_URL, Place
from tests.mail.smtp_server import LocalSmtpServer

START = datetime(2026, 12, 10, 17, 30, tzinfo=UTC)
END = START + timedelta(minutes=90)


class Postman:
    """Runs the schedule at the clock's time, sends what it wrote, and hands over what the server received since."""

    def __init__(self, place: Place, sender: MailSender, smtp: LocalSmtpServer) -> None:
        self.place, self.sender, self.smtp = place, sender, smtp
        self.schedule = MailSchedule(place.clock)
        self._seen = 0

    async def at(self, instant: datetime) -> list[EmailMessage]:
        self.place.clock.set(instant)
        await self.schedule.run()
        await self.sender.send_due()
        received = self.smtp.messages()[self._seen:]
        self._seen += len(received)
        return [each.message for each in received]


@pytest.fixture
async def postman(place: Place, sender: MailSender, smtp: LocalSmtpServer) -> Postman:
    await Workshop.filter(id=place.workshop.id).update(practical_information_hours_before=None)
    return Postman(place, sender, smtp)


def text_of(email: EmailMessage) -> str:
    body = email.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(email: EmailMessage) -> str:
    body = email.get_body(("html",))
    assert body is not None
    return str(body.get_content())


async def kinds(registration: Registration) -> list[tuple[MessageKind, dict[str, object]]]:
    return [(message.kind, message.facts)
            for message in await OutboxMessage.filter(registration_id=registration.id).order_by("id")]


# ---------------------------------------------------------------- reminders

async def test_reminders_arrive_a_day_and_an_hour_before_each_once(place: Place, postman: Postman) -> None:
    await Workshop.filter(id=place.workshop.id).update(reminder_message="Pensez à votre <b>casque</b>.\n\nÀ jeudi !")
    amina = await place.register("Amina Diallo", "amina@habitants.example")

    assert await postman.at(START - timedelta(hours=24, minutes=1)) == []
    [day_before] = await postman.at(START - timedelta(hours=24))
    assert await postman.at(START - timedelta(hours=23)) == []  # the schedule runs every minute: nothing twice

    assert day_before["To"] == "Amina Diallo <amina@habitants.example>"
    assert "Rappel" in str(day_before["Subject"])
    assert str(day_before["List-Unsubscribe"]).strip() == f"<{LINKS.page_of(amina, PUBLIC_URL).reminders_off}>"
    assert day_before["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Pensez à votre <b>casque</b>." in text_of(day_before) and "À jeudi !" in text_of(day_before)
    assert "Pensez à votre &lt;b&gt;casque&lt;/b&gt;." in html_of(day_before)  # the organiser's text, as text

    assert await postman.at(START - timedelta(hours=1, minutes=1)) == []
    [hour_before] = await postman.at(START - timedelta(hours=1))
    assert "Pensez à votre <b>casque</b>." in text_of(hour_before)
    assert await postman.at(START - timedelta(minutes=1)) == []
    assert await postman.at(START + timedelta(minutes=10)) == []

    start = START.isoformat()
    assert await kinds(amina) == [
        (MessageKind.REMINDER, {"session_id": place.session.id, "hours_before": 24, "starts_at": start}),
        (MessageKind.REMINDER, {"session_id": place.session.id, "hours_before": 1, "starts_at": start})]
    assert await OutboxMessage.filter(once_key=f"reminder:{amina.id}:{place.session.id}:{start}:24").exists()


async def test_a_moved_session_moves_its_reminders(place: Place, postman: Postman) -> None:
    amina = await place.register("Amina Diallo")
    place.clock.set(START - timedelta(hours=24))
    await postman.schedule.run()  # written, not sent yet: the server was slow, say
    assert [kind for kind, _facts in await kinds(amina)] == [MessageKind.REMINDER]

    # The organiser moves the session a day later: the reminder for the old time goes, the move is told.
    await workshops.move_session(place.session, place.workshop, date(2026, 12, 11), time(18, 30), clock=place.clock)
    [changed] = await postman.at(START - timedelta(hours=24))
    assert "Nouvel horaire" in str(changed["Subject"]) and "Vendredi 11 décembre 2026" in text_of(changed)

    assert await postman.at(START - timedelta(hours=1)) == []  # the old time: nothing
    later = START + timedelta(days=1)
    [day_before] = await postman.at(later - timedelta(hours=24))
    [hour_before] = await postman.at(later - timedelta(hours=1))
    for reminder in (day_before, hour_before):
        assert "Rappel" in str(reminder["Subject"]) and "vendredi 11 décembre, 18:30" in str(reminder["Subject"])
    assert [facts.get("hours_before") for kind, facts in await kinds(amina)] == [None, 24, 1]


async def test_a_reminder_written_then_the_session_moved_is_not_sent(place: Place, postman: Postman) -> None:
    """A reminder the sender had already tried (and so was not removed by the move) is refused as obsolete."""
    await place.register("Amina Diallo")
    place.clock.set(START - timedelta(hours=1))
    await postman.schedule.run()
    await OutboxMessage.filter(kind=MessageKind.REMINDER).update(attempts=1)  # tried once, the server said later
    await workshops.move_session(place.session, place.workshop, date(2026, 12, 10), time(20, 30), clock=place.clock)
    # Two hours later: the new time's latest reminder due (a day before) goes at once, with the move.
    changed, reminder = await postman.at(START - timedelta(minutes=30))
    assert "Nouvel horaire" in str(changed["Subject"]) and "20:30" in str(reminder["Subject"])
    old = await OutboxMessage.filter(kind=MessageKind.REMINDER).order_by("id").first()
    assert old is not None and old.facts["starts_at"] == START.isoformat()
    assert old.status == MessageStatus.FAILED and "moved" in old.last_error


async def test_no_reminder_after_the_start_nor_to_those_who_turned_them_off(place: Place, postman: Postman) -> None:
    await place.register("Amina Diallo")
    quiet = await place.register("Bruno")
    await Registration.filter(id=quiet.id).update(reminders_off=True)
    [reminder] = await postman.at(START - timedelta(hours=1))
    assert reminder["To"].addresses[0].display_name == "Amina Diallo"
    # A schedule that did not run for the day (the server was down) writes nothing once the session started.
    await OutboxMessage.all().delete()
    assert await postman.at(START + timedelta(minutes=1)) == []
    assert await OutboxMessage.all().count() == 0


async def test_after_a_day_away_only_the_latest_reminder_goes(place: Place, postman: Postman) -> None:
    amina = await place.register("Amina Diallo")
    [reminder] = await postman.at(START - timedelta(minutes=50))
    assert [facts["hours_before"] for _kind, facts in await kinds(amina)] == [1]
    assert "Rappel" in str(reminder["Subject"])


async def test_who_registers_late_gets_only_the_reminders_still_to_come(place: Place, postman: Postman) -> None:
    late = await place.register("Chloé")
    await Registration.filter(id=late.id).update(confirmed_at=START - timedelta(hours=3))
    assert await postman.at(START - timedelta(hours=2)) == []  # the day-before reminder: its moment passed
    assert len(await postman.at(START - timedelta(hours=1))) == 1
    assert [facts["hours_before"] for _kind, facts in await kinds(late)] == [1]


async def test_nobody_without_a_place_and_no_cancelled_session_gets_reminders(place: Place, postman: Postman) -> None:
    await place.register("Invitée", status=RegistrationStatus.INVITED)
    await place.register("En attente", status=RegistrationStatus.WAITING)
    await place.register("Partie", status=RegistrationStatus.CANCELLED)
    amina = await place.register("Amina Diallo")
    await workshops.delete_session(place.session, clock=place.clock)  # people registered: cancelled instead
    sent = await postman.at(START - timedelta(hours=1))
    assert [str(each["Subject"]).split(":")[0].strip() for each in sent] == ["Session annulée"] * 2  # and waiting
    assert [kind for kind, _facts in await kinds(amina)] == [MessageKind.CANCELLED]


async def test_the_reminders_can_be_changed_or_turned_off(place: Place, postman: Postman) -> None:
    amina = await place.register("Amina Diallo")
    await Workshop.filter(id=place.workshop.id).update(reminder_hours_before=[48])
    assert len(await postman.at(START - timedelta(hours=48))) == 1
    await Workshop.filter(id=place.workshop.id).update(reminder_hours_before=[])
    assert await postman.at(START - timedelta(hours=1)) == []
    assert [facts["hours_before"] for _kind, facts in await kinds(amina)] == [48]


# ---------------------------------------------------------------- practical information

async def test_practical_information_shows_the_way_in_with_pictures(place: Place, postman: Postman) -> None:
    await Workshop.filter(id=place.workshop.id).update(practical_information_hours_before=48)
    amina = await place.register("Amina Diallo")
    assert await postman.at(START - timedelta(hours=49)) == []
    [practical] = await postman.at(START - timedelta(hours=48))
    assert await postman.at(START - timedelta(hours=47)) == []

    assert "Informations pratiques" in str(practical["Subject"])
    related = next(part for part in practical.walk() if part.get_content_type() == "multipart/related")
    html_part, *pictures = related.iter_parts()
    assert html_part.get_content_type() == "text/html"
    html = str(html_part.get_content())
    shown = re.findall(r'<img src="cid:([^"]+)" alt="([^"]+)"', html)
    assert len(shown) == len(pictures) == 3
    for (cid, alt), picture in zip(shown, pictures, strict=True):
        assert picture.get_content_type() == "image/png" and picture["Content-ID"] == f"<{cid}>"
        assert picture.get_content_disposition() == "inline"
        name = cid.split(".", 1)[0]
        assert picture.get_content() == (PICTURES_DIR / "fr" / f"{name}.png").read_bytes()
        assert alt and "Your" not in alt and "The" not in alt  # in French
    assert "Entrer dans l’atelier" in html and "Tester ma caméra et mon micro" in html

    text = text_of(practical)
    assert "1. " in text and "3. " in text and "Entrer dans l’atelier" in text  # the steps, in words
    assert "cinq minutes en avance" in text
    assert "18:30  Accueil" in text and "(Europe/Paris)" in text  # the agenda, at the workshop's time
    assert LINKS.page_of(amina, PUBLIC_URL).url in text and LINKS.page_of(amina, PUBLIC_URL).device_check in text


async def test_practical_information_goes_again_for_a_new_time_and_at_once_to_late_comers(
        place: Place, postman: Postman) -> None:
    await Workshop.filter(id=place.workshop.id).update(practical_information_hours_before=48)
    amina = await place.register("Amina Diallo")
    assert len(await postman.at(START - timedelta(hours=48))) == 1
    await workshops.move_session(place.session, place.workshop, date(2026, 12, 10), time(20, 0), clock=place.clock)
    late = await place.register("Chloé")
    assert len(await postman.at(START - timedelta(hours=47))) == 1  # the move told; 48 hours before 20:00: not yet
    sent = await postman.at(START - timedelta(hours=46, minutes=30))
    assert sorted(str(each["Subject"]).split(":")[0].strip() for each in sent) == [
        "Informations pratiques", "Informations pratiques"]
    assert [kind for kind, _facts in await kinds(amina)] == [
        MessageKind.PRACTICAL_INFORMATION, MessageKind.SESSION_CHANGED, MessageKind.PRACTICAL_INFORMATION]
    assert [kind for kind, _facts in await kinds(late)] == [MessageKind.PRACTICAL_INFORMATION]


# ---------------------------------------------------------------- after the session

async def test_thank_you_to_who_came_and_we_missed_you_to_who_did_not(place: Place, postman: Postman) -> None:
    came = await place.register("Amina Diallo")
    missed = await place.register("Bruno")
    await place.register("Partie", status=RegistrationStatus.CANCELLED)
    week_later = await workshops.add_session(place.workshop, date(2026, 12, 17), time(18, 30))
    registry = LiveRegistry(place.clock)
    try:
        await registry.start()
        live = await registry.session((await registry.run_of(place.session)).id)
        place.clock.set(START - timedelta(minutes=10))
        await live.join("Amina", registration_id=came.id)
    finally:
        await registry.close()

    assert await postman.at(END + timedelta(minutes=29)) == []
    sent = {each["To"].addresses[0].display_name: each for each in await postman.at(END + timedelta(minutes=30))}
    assert await postman.at(END + timedelta(hours=1)) == []

    assert set(sent) == {"Amina Diallo", "Bruno"}
    thanks, sorry = sent["Amina Diallo"], sent["Bruno"]
    assert "Merci" in str(thanks["Subject"])
    assert "Merci pour vos idées !" in text_of(thanks) and "12 janvier : restitution publique." in text_of(thanks)
    assert LINKS.page_of(came, PUBLIC_URL).feedback in text_of(thanks)
    assert "Vous nous avez manqué" in str(sorry["Subject"])
    assert "12 janvier : restitution publique." in text_of(sorry)
    assert "Jeudi 17 décembre 2026, 18:30–20:00" in text_of(sorry)  # the next session, offered
    assert LINKS.page_of(missed, PUBLIC_URL).url in text_of(sorry)
    assert [kind for kind, _facts in await kinds(came)] == [MessageKind.THANK_YOU]
    assert [kind for kind, _facts in await kinds(missed)] == [MessageKind.SORRY_WE_MISSED_YOU]
    assert week_later.id not in {facts["session_id"] for _kind, facts in await kinds(came)}


async def test_a_run_closed_early_sends_the_thank_you_at_once(place: Place, postman: Postman) -> None:
    await place.register("Amina Diallo")
    registry = LiveRegistry(place.clock)
    try:
        await registry.start()
        live = await registry.session((await registry.run_of(place.session)).id)
        place.clock.set(START + timedelta(minutes=60))
        assert await postman.at(START + timedelta(minutes=60)) == []
        await live.end()
    finally:
        await registry.close()
    [sorry] = await postman.at(START + timedelta(minutes=61))
    assert "Vous nous avez manqué" in str(sorry["Subject"])


async def test_sessions_long_over_get_nothing(place: Place, postman: Postman) -> None:
    """Upgrading Atelier does not write to everyone of the workshops of the past weeks."""
    await place.register("Amina Diallo")
    assert await postman.at(END + mail_schedule.LOOK_BACK + timedelta(minutes=1)) == []
    assert len(await postman.at(END + mail_schedule.LOOK_BACK - timedelta(minutes=1))) == 1


# ---------------------------------------------------------------- once, whatever happens

async def test_two_schedules_at_once_write_each_message_once(place: Place) -> None:
    people = [await place.register(f"Personne {number}") for number in range(20)]
    place.clock.set(START - timedelta(hours=1))  # the reminder, and the practical information (due from 48 hours)
    first, second = MailSchedule(place.clock), MailSchedule(place.clock)
    written = await asyncio.gather(first.run(), second.run(), first.run())
    assert sum(written) == 2 * len(people)
    assert await OutboxMessage.filter(kind=MessageKind.REMINDER).count() == len(people)
    assert await MailSchedule(place.clock).run() == 0


async def test_the_same_message_written_twice_at_the_same_instant_is_written_once(place: Place) -> None:
    """Two servers on one database (or a schedule run that overlaps the next) both find a message due and write it
    in the same instant: the database's unique once_key keeps one."""
    for number in range(10):
        await place.register(f"Personne {number}")
    place.clock.set(START - timedelta(hours=1))
    due = await mail_schedule.due_now(place.clock.now())
    assert len(due) == 20
    written = await asyncio.gather(*(mail_schedule.write(each, place.clock) for each in due for _twice in range(2)))
    assert sum(written) == len(due)
    assert await OutboxMessage.all().count() == len(due)


async def test_the_schedule_runs_every_minute_of_its_clock(place: Place) -> None:
    schedule = MailSchedule(place.clock)
    assert schedule.time_to_run()
    await schedule.run()
    place.clock.advance(seconds=59)
    assert not schedule.time_to_run()
    place.clock.advance(seconds=1)
    assert schedule.time_to_run()
    place.clock.advance(hours=-1)  # a clock set back runs it too
    assert schedule.time_to_run()


async def test_the_minute_also_erases_personal_data_and_one_failure_stops_nothing(place: Place) -> None:
    amina = await place.register("Amina Diallo")
    ran: list[datetime] = []

    async def failing(now: datetime) -> None:
        raise RuntimeError("a duty that fails")

    async def noted(now: datetime) -> None:
        ran.append(now)

    schedule = MailSchedule(place.clock, also={"failing": failing, "erasing": retention.erase_expired_personal_data,
                                               "noted": noted})
    place.clock.set(START - timedelta(hours=1))
    await schedule.minute()
    assert await OutboxMessage.filter(registration_id=amina.id, kind=MessageKind.REMINDER).exists()
    assert ran == [place.clock.now()]
    place.clock.set(END + timedelta(days=place.workshop.personal_data_kept_days))
    await schedule.minute()
    assert not await Registration.filter(id=amina.id).exists()  # the days promised on the form are over
    assert ran[-1] == place.clock.now()


# ---------------------------------------------------------------- a new length, the waiting list

async def test_a_new_length_tells_the_people_with_a_place_and_those_waiting(place: Place, clock: FakeClock) -> None:
    seated = await place.register("Amina Diallo")
    waiting = await place.register("Bruno", status=RegistrationStatus.WAITING)
    with pytest.raises(ValueError, match="clock"):
        await workshops.update_workshop(place.workshop, "duration_minutes", 120)
    await workshops.update_workshop(place.workshop, "duration_minutes", 120, clock=clock)
    assert (await Workshop.get(id=place.workshop.id)).duration_minutes == 120
    assert await kinds(seated) == [(MessageKind.SESSION_CHANGED, {"session_id": place.session.id, "sequence": 1})]
    assert await kinds(waiting) == [(MessageKind.WAITING_LIST, {"session_id": place.session.id, "moved": True})]
    await workshops.update_workshop(place.workshop, "duration_minutes", 120, clock=clock)  # no change: no message
    assert len(await kinds(seated)) == 1


async def test_a_session_over_is_not_told_of_a_new_length(place: Place, clock: FakeClock) -> None:
    seated = await place.register("Amina Diallo")
    clock.set(END + timedelta(days=1))
    await workshops.update_workshop(place.workshop, "duration_minutes", 120, clock=clock)
    assert await kinds(seated) == []


async def test_the_waiting_list_hears_of_a_move_without_a_calendar(place: Place, sender: MailSender,
                                                                    smtp: LocalSmtpServer) -> None:
    await place.register("Bruno", status=RegistrationStatus.WAITING)
    await workshops.move_session(place.session, place.workshop, date(2026, 12, 11), time(18, 30), clock=place.clock)
    await sender.send_due()
    [told] = [each.message for each in smtp.messages()]
    assert "Nouvel horaire pour la session que vous attendez" in str(told["Subject"])
    assert "Vendredi 11 décembre 2026" in text_of(told)
    assert not any(part.get_content_type() == "text/calendar" for part in told.walk())
    assert (await WorkshopSession.get(id=place.session.id)).starts_at == START + timedelta(days=1)


@pytest.fixture
async def postgresql(postgres_url: str) -> AsyncIterator[str]:
    await database.open_database(postgres_url)
    yield postgres_url
    await database.close_database()


async def test_written_twice_at_the_same_instant_on_postgresql_too(postgresql: str, clock: FakeClock) -> None:
    """On PostgreSQL both writers pass the check for the key, and the second insert waits for the first one's
    transaction, then is refused by the unique key: its own small transaction ends with nothing written."""
    workshop = await workshops.create_workshop(title="Budget participatif", created_by=None, suggested_agenda=False)
    session = await workshops.add_session(workshop, date(2026, 12, 10), time(18, 30))
    for number in range(10):
        await Registration.create(public_id=f"person{number}", workshop=workshop, session=session,
                                  email=f"personne{number}@habitants.example", status=RegistrationStatus.CONFIRMED,
                                  token_hash=f"{number:064d}")
    clock.set(START - timedelta(hours=1))
    due = await mail_schedule.due_now(clock.now())
    written = await asyncio.gather(*(mail_schedule.write(each, clock) for each in due for _twice in range(2)))
    assert sum(written) == len(due) == 20
    assert await OutboxMessage.all().count() == len(due)
