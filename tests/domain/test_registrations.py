"""Registrations on a real database with a fake clock: the public form, personal links, places and the waiting list,
changes of session, the organiser's changes, coming in on the day. Nothing is lost: every change has its message."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from domain import database, retention, timekeeping, workshops
from domain.clock import FakeClock
from domain.errors import InvalidValue, NotAllowed, TooManyAttempts
from domain.live.registry import LiveRegistry
from domain.models import (
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Participant,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    Workshop,
    WorkshopSession,
)
from domain.personal_links import PersonalLinks, registration_for, token_hash
from domain.planning import WorkshopPlan
from domain.registrations import InvalidForm, PublicForm, Registrations
from domain.seats import CancelReason, waiting_position
from tests.registration_workshop import OPINION_CHOICES, OPINION_ID, ROOMS_ID, WISH_ID, registration_workshop

SECRET = b"a personal links secret for tests, 32+ bytes"
FIRST = datetime(2026, 12, 10, 17, 30, tzinfo=UTC)  # 18:30 in Paris
SECOND = datetime(2026, 12, 17, 17, 30, tzinfo=UTC)
NETWORK = "203.0.113.7"


@dataclass
class Desk:
    registrations: Registrations
    clock: FakeClock
    workshop: Workshop
    sessions: list[WorkshopSession]

    async def plan(self) -> WorkshopPlan:
        return await workshops.load_plan_by_id(self.workshop.id)

    async def register(self, name: str, email: str, session: int = 0, network: str = NETWORK,
                       **fields: Any) -> None:
        form = PublicForm(session_id=self.sessions[session].id, name=name, email=email, consent=True, **fields)
        await self.registrations.register(await self.plan(), form, language="fr", network_address=network)

    async def confirmed(self, email: str) -> Registration:
        """Register, then follow the link of the confirmation message, as its owner would."""
        registration = await Registration.get(email=email)
        await self.registrations.confirm_address(registration)
        return await Registration.get(id=registration.id)

    async def take_place(self, name: str, email: str, session: int = 0) -> Registration:
        await self.register(name, email, session)
        return await self.confirmed(email)


async def messages(registration: Registration | None = None) -> list[tuple[MessageKind, dict[str, Any]]]:
    rows = await (OutboxMessage.filter(registration_id=registration.id) if registration else OutboxMessage.all())
    return [(row.kind, row.facts) for row in rows]


async def kinds_to(email: str) -> list[MessageKind]:
    return [row.kind for row in await OutboxMessage.filter(to_address=email)]


async def make_desk(clock: FakeClock, capacities: tuple[int | None, int | None] = (1, 2)) -> Desk:
    workshop, sessions = await registration_workshop(clock, starts=[FIRST, SECOND], capacities=list(capacities))
    return Desk(Registrations(PersonalLinks(SECRET), clock), clock, workshop, sessions)


@pytest.fixture
async def desk(db: str, clock: FakeClock) -> Desk:
    """The first session has one place, the second two."""
    return await make_desk(clock)


# ---------------------------------------------------------------- the public form

async def test_the_public_form_takes_no_place_until_the_address_is_confirmed(desk: Desk) -> None:
    await desk.register("Zoé Martin", "Zoe.Martin@Exemple.fr", answers={OPINION_ID: OPINION_CHOICES[2]})
    registration = await Registration.get(email="zoe.martin@exemple.fr")
    assert registration.status == RegistrationStatus.UNCONFIRMED
    assert registration.session_id == desk.sessions[0].id
    assert registration.answers == {OPINION_ID: OPINION_CHOICES[2]}
    assert registration.language == "fr"
    assert await messages(registration) == [(MessageKind.CONFIRM_ADDRESS, {})]
    message = await OutboxMessage.get(registration_id=registration.id)
    assert (message.to_address, message.to_name, message.workshop_id) == ("zoe.martin@exemple.fr", "Zoé Martin",
                                                                          desk.workshop.id)
    assert registration.token_hash == token_hash(PersonalLinks(SECRET).token_of(registration))
    # Nobody holds the place yet: someone else confirming first takes it.
    await desk.take_place("Ali", "ali@exemple.fr")
    assert (await desk.confirmed("zoe.martin@exemple.fr")).status == RegistrationStatus.WAITING


async def test_following_the_link_takes_the_place_once(desk: Desk) -> None:
    await desk.register("Zoé", "zoe@exemple.fr")
    registration = await Registration.get(email="zoe@exemple.fr")
    found = await registration_for(PersonalLinks(SECRET).token_of(registration))
    assert found is not None and found.id == registration.id
    await desk.registrations.confirm_address(found)
    await desk.registrations.confirm_address(found)  # the link followed again
    stored = await Registration.get(id=registration.id)
    assert stored.status == RegistrationStatus.CONFIRMED
    assert stored.confirmed_at == desk.clock.now()
    assert await messages(stored) == [
        (MessageKind.CONFIRM_ADDRESS, {}),
        (MessageKind.REGISTERED, {"session_id": desk.sessions[0].id, "sequence": 1}),
    ]


async def test_beyond_capacity_people_wait_in_the_order_they_came(desk: Desk) -> None:
    await desk.take_place("Ali", "ali@exemple.fr")
    bea = await desk.take_place("Béa", "bea@exemple.fr")
    desk.clock.advance(minutes=1)
    carl = await desk.take_place("Carl", "carl@exemple.fr")
    assert (bea.status, carl.status) == (RegistrationStatus.WAITING, RegistrationStatus.WAITING)
    assert await messages(bea) == [(MessageKind.CONFIRM_ADDRESS, {}),
                                   (MessageKind.WAITING_LIST, {"session_id": desk.sessions[0].id})]
    assert (await waiting_position(bea), await waiting_position(carl)) == (1, 2)


async def test_registering_again_never_says_whether_the_address_is_known(desk: Desk) -> None:
    zoe = await desk.take_place("Zoé", "zoe@exemple.fr")
    # Someone else types Zoé's address with another name: the same answer, nothing changes, Zoé gets her place again.
    await desk.register("Usurpateur", "ZOE@exemple.fr", session=1, answers={WISH_ID: "Tout raser"})
    stored = await Registration.get(id=zoe.id)
    assert (stored.display_name, stored.session_id, stored.answers) == ("Zoé", desk.sessions[0].id, {})
    assert await Registration.filter(email="zoe@exemple.fr").count() == 1
    assert await kinds_to("zoe@exemple.fr") == [MessageKind.CONFIRM_ADDRESS, MessageKind.REGISTERED,
                                                MessageKind.REGISTERED]
    # An address not confirmed yet: its owner is sent the link again, and the latest form is what will count.
    await desk.register("Yann", "yann@exemple.fr")
    await desk.register("Yann Le Gall", "yann@exemple.fr", session=1)
    yann = await Registration.get(email="yann@exemple.fr")
    assert (yann.display_name, yann.session_id) == ("Yann Le Gall", desk.sessions[1].id)
    assert await kinds_to("yann@exemple.fr") == [MessageKind.CONFIRM_ADDRESS, MessageKind.CONFIRM_ADDRESS]


async def test_each_bad_field_gets_its_own_message_and_nothing_is_stored(desk: Desk) -> None:
    form = PublicForm(session_id=None, name="  ", email="zoe@", consent=False,
                      answers={OPINION_ID: "Sans avis", ROOMS_ID: [999], WISH_ID: "x" * 1001})
    with pytest.raises(InvalidForm) as refused:
        await desk.registrations.register(await desk.plan(), form, language="fr", network_address=NETWORK)
    fields = {problem.field: problem.message for problem in refused.value.problems}
    assert set(fields) == {"session", "name", "email", "consent", f"question:{OPINION_ID}",
                           f"question:{ROOMS_ID}", f"question:{WISH_ID}"}
    assert fields["email"] == "Nothing comes after the @."
    assert not await Registration.exists()
    assert not await OutboxMessage.exists()


@pytest.mark.parametrize("email", ["zoe", "zoe@exemple", "zoé@exemple.fr", "zoe@exemple.fr\r\nBcc: x@y.fr",
                                   "a b@exemple.fr"])
async def test_addresses_are_checked_by_email_validator(desk: Desk, email: str) -> None:
    with pytest.raises(InvalidForm) as refused:
        await desk.register("Zoé", email)
    assert refused.value.about("email") is not None


async def test_names_keep_html_as_text_and_lose_line_breaks(desk: Desk) -> None:
    await desk.register("<b>Zoé</b>\r\nBcc: pirate@exemple.fr", "zoe@exemple.fr")
    registration = await Registration.get(email="zoe@exemple.fr")
    assert registration.display_name == "<b>Zoé</b> Bcc: pirate@exemple.fr"
    assert (await OutboxMessage.get(registration_id=registration.id)).to_name == registration.display_name
    with pytest.raises(InvalidForm) as refused:
        await desk.register("Modératrice", "mod@exemple.fr")
    assert refused.value.about("name") is not None


async def test_answers_are_kept_in_their_kind(desk: Desk) -> None:
    plan = await desk.plan()
    rooms = [room.id for room in plan.breakout_rooms]
    await desk.register("Zoé", "zoe@exemple.fr", answers={OPINION_ID: OPINION_CHOICES[0], WISH_ID: "  Des arbres  ",
                                                           ROOMS_ID: [rooms[1], rooms[0], rooms[1]],
                                                           "unknown": "ignored"})
    registration = await Registration.get(email="zoe@exemple.fr")
    assert registration.answers == {OPINION_ID: OPINION_CHOICES[0], WISH_ID: "Des arbres", ROOMS_ID: sorted(rooms)}


async def test_the_hidden_field_filled_in_stores_nothing(desk: Desk) -> None:
    await desk.register("Bot", "bot@exemple.fr", trap="http://spam.example")
    assert not await Registration.exists()
    assert not await OutboxMessage.exists()


async def test_registrations_from_one_network_are_slowed(desk: Desk) -> None:
    for number in range(10):
        await desk.register(f"Personne {number}", f"p{number}@exemple.fr")
    with pytest.raises(TooManyAttempts):
        await desk.register("Encore", "encore@exemple.fr")
    await desk.register("Ailleurs", "ailleurs@exemple.fr", network="198.51.100.4")  # another network goes on
    await desk.register("Ici", "ici@exemple.fr", network="127.0.0.1")  # the machine itself is not counted
    desk.clock.advance(minutes=10)
    await desk.register("Plus tard", "tard@exemple.fr")
    assert await Registration.filter(email__in=["encore@exemple.fr"]).count() == 0
    assert await Registration.filter(email__in=["ailleurs@exemple.fr", "ici@exemple.fr",
                                                "tard@exemple.fr"]).count() == 3


async def test_one_address_gets_a_few_messages_an_hour_whatever_is_typed(desk: Desk) -> None:
    for network in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"):
        await desk.register("Zoé", "zoe@exemple.fr", network=network)  # the same answer every time, no error
    assert await kinds_to("zoe@exemple.fr") == [MessageKind.CONFIRM_ADDRESS] * 3
    desk.clock.advance(hours=1)
    await desk.register("Zoé", "zoe@exemple.fr")
    assert len(await kinds_to("zoe@exemple.fr")) == 4


async def test_only_workshops_with_a_public_form_take_registrations(db: str, clock: FakeClock) -> None:
    workshop, sessions = await registration_workshop(clock, starts=[FIRST], capacities=[None],
                                                     mode=RegistrationMode.INVITATION_ONLY)
    registrations = Registrations(PersonalLinks(SECRET), clock)
    plan = await workshops.load_plan_by_id(workshop.id)
    with pytest.raises(NotAllowed):
        await registrations.register(plan, PublicForm(sessions[0].id, "Zoé", "zoe@exemple.fr", consent=True),
                                     language="fr", network_address=NETWORK)
    assert not await Registration.exists()


async def test_a_session_over_takes_no_registration(desk: Desk) -> None:
    desk.clock.set(FIRST + timedelta(hours=2))
    with pytest.raises(InvalidForm) as refused:
        await desk.register("Zoé", "zoe@exemple.fr", session=0)
    assert refused.value.about("session") is not None
    await desk.register("Zoé", "zoe@exemple.fr", session=1)


# ---------------------------------------------------------------- personal links

async def test_a_link_altered_by_one_character_opens_nothing(desk: Desk) -> None:
    await desk.register("Zoé", "zoe@exemple.fr")
    token = PersonalLinks(SECRET).token_of(await Registration.get(email="zoe@exemple.fr"))
    assert await registration_for(token) is not None
    for position in range(len(token)):
        altered = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1:]
        assert await registration_for(altered) is None
    for other in ("", token[:-1], token + "A", "x" * 10_000):
        assert await registration_for(other) is None
    other_secret = PersonalLinks(b"another secret, also of 32 bytes!!")  # a link made without Atelier's secret
    assert await registration_for(other_secret.token_of(await Registration.get(email="zoe@exemple.fr"))) is None


# ---------------------------------------------------------------- invitations accepted

async def invited(desk: Desk, email: str, name: str = "") -> Registration:
    """An invitation as the organisers' side writes it."""
    public_id = f"invitation-{email}"[:32]
    return await Registration.create(public_id=public_id, workshop_id=desk.workshop.id, email=email,
                                      display_name=name, status=RegistrationStatus.INVITED,
                                      token_hash=token_hash(PersonalLinks(SECRET).token(public_id, 1)),
                                      invited_at=desk.clock.now())


async def test_an_invitee_registers_in_one_click(desk: Desk) -> None:
    nadia = await invited(desk, "nadia@exemple.fr", "Nadia")
    plan = await desk.plan()
    with pytest.raises(InvalidForm) as refused:  # two sessions: which one
        await desk.registrations.take_part(nadia, plan, session_id=None)
    assert refused.value.about("session") is not None
    await desk.registrations.take_part(nadia, plan, session_id=desk.sessions[1].id,
                                       answers={OPINION_ID: OPINION_CHOICES[1]})
    stored = await Registration.get(id=nadia.id)
    assert (stored.status, stored.session_id, stored.answers) == (RegistrationStatus.CONFIRMED, desk.sessions[1].id,
                                                                  {OPINION_ID: OPINION_CHOICES[1]})
    assert stored.registered_at == stored.confirmed_at == desk.clock.now()
    assert await messages(stored) == [(MessageKind.REGISTERED, {"session_id": desk.sessions[1].id, "sequence": 1})]
    with pytest.raises(NotAllowed):
        await desk.registrations.take_part(stored, plan, session_id=desk.sessions[0].id)


async def test_an_invitee_known_by_address_alone_gives_a_name(desk: Desk) -> None:
    someone = await invited(desk, "someone@exemple.fr")
    plan = await desk.plan()
    with pytest.raises(InvalidForm) as refused:
        await desk.registrations.take_part(someone, plan, session_id=desk.sessions[0].id)
    assert refused.value.about("name") is not None
    await desk.registrations.take_part(someone, plan, session_id=desk.sessions[0].id, name=" Samia\nK. ")
    assert (await Registration.get(id=someone.id)).display_name == "Samia K."


async def test_an_invitee_finds_the_session_full_and_waits(desk: Desk) -> None:
    await desk.take_place("Ali", "ali@exemple.fr")
    nadia = await invited(desk, "nadia@exemple.fr", "Nadia")
    await desk.registrations.take_part(nadia, await desk.plan(), session_id=desk.sessions[0].id)
    assert (await Registration.get(id=nadia.id)).status == RegistrationStatus.WAITING


# ---------------------------------------------------------------- cancelling and changing

async def test_cancelling_promotes_the_first_person_waiting(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    bea = await desk.take_place("Béa", "bea@exemple.fr")
    desk.clock.advance(minutes=1)
    carl = await desk.take_place("Carl", "carl@exemple.fr")
    await desk.registrations.cancel(ali)
    session_id = desk.sessions[0].id
    assert (await Registration.get(id=ali.id)).status == RegistrationStatus.CANCELLED
    assert (await messages(ali))[-1] == (MessageKind.CANCELLED, {"session_id": session_id, "sequence": 2,
                                                                 "why": "by_person"})
    assert (await Registration.get(id=bea.id)).status == RegistrationStatus.CONFIRMED
    assert (await messages(bea))[-1] == (MessageKind.PROMOTED, {"session_id": session_id, "sequence": 1})
    carl = await Registration.get(id=carl.id)
    assert carl.status == RegistrationStatus.WAITING and await waiting_position(carl) == 1
    with pytest.raises(NotAllowed):
        await desk.registrations.cancel(await Registration.get(id=ali.id))


async def test_someone_waiting_who_cancels_leaves_the_line(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    bea = await desk.take_place("Béa", "bea@exemple.fr")
    await desk.registrations.cancel(bea)
    assert (await messages(bea))[-1][0] == MessageKind.CANCELLED
    assert (await Registration.get(id=ali.id)).status == RegistrationStatus.CONFIRMED
    assert [kind for kind, _ in await messages(ali)] == [MessageKind.CONFIRM_ADDRESS, MessageKind.REGISTERED]


async def test_changing_session_moves_the_place_and_frees_the_old_one(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    bea = await desk.take_place("Béa", "bea@exemple.fr")
    await desk.registrations.change_session(ali, await desk.plan(), desk.sessions[1].id)
    ali = await Registration.get(id=ali.id)
    assert (ali.status, ali.session_id, ali.calendar_sequence) == (RegistrationStatus.CONFIRMED,
                                                                   desk.sessions[1].id, 2)
    assert (await messages(ali))[-1] == (MessageKind.SESSION_CHANGED, {"session_id": desk.sessions[1].id,
                                                                       "sequence": 2})
    assert (await Registration.get(id=bea.id)).status == RegistrationStatus.CONFIRMED
    assert (await messages(bea))[-1] == (MessageKind.PROMOTED, {"session_id": desk.sessions[0].id, "sequence": 1})
    with pytest.raises(InvalidValue):
        await desk.registrations.change_session(ali, await desk.plan(), desk.sessions[1].id)


async def test_changing_to_a_full_session_means_waiting_for_it(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    await desk.take_place("Chloé", "chloe@exemple.fr", session=1)
    await desk.take_place("Dan", "dan@exemple.fr", session=1)
    bea = await desk.take_place("Béa", "bea@exemple.fr")  # waits for Ali's session
    await desk.registrations.change_session(ali, await desk.plan(), desk.sessions[1].id)
    ali = await Registration.get(id=ali.id)
    assert (ali.status, ali.session_id) == (RegistrationStatus.WAITING, desk.sessions[1].id)
    assert (await messages(ali))[-2:] == [
        (MessageKind.CANCELLED, {"session_id": desk.sessions[0].id, "sequence": 2, "why": "by_person"}),
        (MessageKind.WAITING_LIST, {"session_id": desk.sessions[1].id}),
    ]
    assert (await Registration.get(id=bea.id)).status == RegistrationStatus.CONFIRMED
    # Waiting, then moving to a session with room: a place, told as a registration (no calendar entry yet).
    await desk.registrations.change_session(bea, await desk.plan(), desk.sessions[1].id)
    await desk.registrations.change_session(ali, await desk.plan(), desk.sessions[0].id)
    ali = await Registration.get(id=ali.id)
    assert (ali.status, ali.session_id) == (RegistrationStatus.CONFIRMED, desk.sessions[0].id)
    assert (await messages(ali))[-1] == (MessageKind.REGISTERED, {"session_id": desk.sessions[0].id, "sequence": 3})


async def test_a_cancelled_registration_may_be_taken_up_again(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    await desk.registrations.cancel(ali)
    await desk.registrations.take_part(await Registration.get(id=ali.id), await desk.plan(),
                                       session_id=desk.sessions[0].id)
    ali = await Registration.get(id=ali.id)
    assert (ali.status, ali.cancelled_at) == (RegistrationStatus.CONFIRMED, None)
    assert (await messages(ali))[-1] == (MessageKind.REGISTERED, {"session_id": desk.sessions[0].id, "sequence": 3})


async def test_someone_who_cancelled_may_register_again_on_the_public_form(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    await desk.registrations.cancel(ali)
    desk.clock.advance(hours=1)
    await desk.register("Ali H.", "ali@exemple.fr", session=1)
    ali = await Registration.get(id=ali.id)
    assert (ali.status, ali.session_id, ali.cancelled_at) == (RegistrationStatus.UNCONFIRMED, desk.sessions[1].id,
                                                              None)
    assert ali.confirmed_at is not None  # from the first time: the link must still take the place
    await desk.registrations.confirm_address(ali)
    assert (await Registration.get(id=ali.id)).status == RegistrationStatus.CONFIRMED


# ---------------------------------------------------------------- the organiser's changes

async def test_moving_a_session_tells_the_people_with_a_place(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    bea = await desk.take_place("Béa", "bea@exemple.fr")  # waiting: no calendar entry to move
    session = desk.sessions[0]
    moved = timekeeping.to_local(FIRST + timedelta(hours=1), "Europe/Paris")
    await workshops.move_session(session, desk.workshop, moved.date(), moved.time(), clock=desk.clock)
    assert (await WorkshopSession.get(id=session.id)).starts_at == FIRST + timedelta(hours=1)
    assert (await messages(ali))[-1] == (MessageKind.SESSION_CHANGED, {"session_id": session.id, "sequence": 2})
    assert (await messages(bea))[-1][0] == MessageKind.WAITING_LIST
    # The time typed again, then changed once more before the mail went: one message, the latest.
    await workshops.move_session(session, desk.workshop, moved.date(), moved.time(), clock=desk.clock)
    later = timekeeping.to_local(FIRST + timedelta(hours=2), "Europe/Paris")
    await workshops.move_session(session, desk.workshop, later.date(), later.time(), clock=desk.clock)
    changes = [facts for kind, facts in await messages(ali) if kind == MessageKind.SESSION_CHANGED]
    assert changes == [{"session_id": session.id, "sequence": 3}]


async def test_a_session_change_already_sent_is_not_taken_back(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    session = desk.sessions[0]
    moved = timekeeping.to_local(FIRST + timedelta(hours=1), "Europe/Paris")
    await workshops.move_session(session, desk.workshop, moved.date(), moved.time(), clock=desk.clock)
    await OutboxMessage.filter(kind=MessageKind.SESSION_CHANGED).update(status=MessageStatus.SENT, attempts=1)
    back = timekeeping.to_local(FIRST, "Europe/Paris")
    await workshops.move_session(session, desk.workshop, back.date(), back.time(), clock=desk.clock)
    assert [facts["sequence"] for kind, facts in await messages(ali) if kind == MessageKind.SESSION_CHANGED] == [2, 3]


async def test_changing_the_time_zone_tells_the_people_with_a_place(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    await workshops.set_time_zone(desk.workshop, "America/Martinique", clock=desk.clock)
    assert (await messages(ali))[-1] == (MessageKind.SESSION_CHANGED, {"session_id": desk.sessions[0].id,
                                                                       "sequence": 2})


async def test_removing_a_session_people_registered_for_cancels_it(desk: Desk) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    bea = await desk.take_place("Béa", "bea@exemple.fr")
    await desk.register("Yann", "yann@exemple.fr")  # not confirmed yet
    session = desk.sessions[0]
    await workshops.delete_session(session, clock=desk.clock)
    kept = await WorkshopSession.get(id=session.id)
    assert kept.cancelled_at == desk.clock.now()
    assert [s.id for s in (await desk.plan()).sessions] == [desk.sessions[1].id]
    for person in (ali, bea):
        person = await Registration.get(id=person.id)
        assert person.status == RegistrationStatus.CANCELLED
        kind, facts = (await messages(person))[-1]
        assert kind == MessageKind.CANCELLED and facts["why"] == CancelReason.SESSION_CANCELLED.value
    yann = await Registration.get(email="yann@exemple.fr")
    assert (yann.status, yann.session_id) == (RegistrationStatus.UNCONFIRMED, None)
    # Following his link now, Yann is asked to choose another session: no place is taken for him.
    await desk.registrations.confirm_address(yann)
    yann = await Registration.get(id=yann.id)
    assert yann.status == RegistrationStatus.UNCONFIRMED and yann.confirmed_at is not None
    await desk.registrations.take_part(yann, await desk.plan(), session_id=None)  # the only session left
    assert (await Registration.get(id=yann.id)).status == RegistrationStatus.CONFIRMED
    # A session nobody registered for goes for good.
    empty = await workshops.add_session(desk.workshop, FIRST.date() + timedelta(days=30), FIRST.time())
    await workshops.delete_session(empty, clock=desk.clock)
    assert not await WorkshopSession.exists(id=empty.id)


async def test_places_freed_by_a_raised_capacity_go_to_those_waiting(desk: Desk) -> None:
    await desk.take_place("Ali", "ali@exemple.fr")
    bea = await desk.take_place("Béa", "bea@exemple.fr")
    session = desk.sessions[0]
    await workshops.set_session_capacity(session, 2, clock=desk.clock)
    assert (await Registration.get(id=bea.id)).status == RegistrationStatus.CONFIRMED
    assert (await messages(bea))[-1][0] == MessageKind.PROMOTED


async def test_a_change_and_its_message_are_saved_together_or_not_at_all(desk: Desk) -> None:
    await desk.register("Zoé", "zoe@exemple.fr")
    connection = Registration._meta.db
    await connection.execute_script("CREATE TRIGGER refuse_mail BEFORE INSERT ON outbox_message "
                                    "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END;")
    registration = await Registration.get(email="zoe@exemple.fr")
    with pytest.raises(Exception, match="the disk is full"):
        await desk.registrations.confirm_address(registration)
    stored = await Registration.get(id=registration.id)
    assert (stored.status, stored.confirmed_at, stored.calendar_sequence) == (RegistrationStatus.UNCONFIRMED, None, 0)
    await connection.execute_script("DROP TRIGGER refuse_mail")
    await desk.registrations.confirm_address(registration)
    assert (await Registration.get(id=registration.id)).status == RegistrationStatus.CONFIRMED


# ---------------------------------------------------------------- two at once

@pytest.fixture(params=["sqlite", "postgresql"])
async def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    url = database.sqlite_url(tmp_path) if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    await database.open_database(url)
    yield url
    await database.close_database()


async def test_two_people_taking_the_last_place_at_once(any_database: str, clock: FakeClock) -> None:
    for _ in range(5):  # each time, the database decides: one place, one waiting
        desk = await make_desk(clock)
        waiting_for_the_place = []
        for name in ("ali", "bea"):
            await desk.register(name.capitalize(), f"{name}@exemple.fr", network="127.0.0.1")
            waiting_for_the_place.append(await Registration.get(workshop_id=desk.workshop.id,
                                                                email=f"{name}@exemple.fr"))
        await asyncio.gather(*(desk.registrations.confirm_address(r) for r in waiting_for_the_place))
        statuses = sorted(r.status for r in await Registration.filter(session_id=desk.sessions[0].id))
        assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]


async def test_the_same_link_followed_twice_at_once_takes_one_place(any_database: str, clock: FakeClock) -> None:
    desk = await make_desk(clock, capacities=(2, None))
    await desk.register("Ali", "ali@exemple.fr", network="127.0.0.1")
    ali = await Registration.get(email="ali@exemple.fr")
    copies = [await Registration.get(id=ali.id) for _ in range(3)]  # three tabs, each with its copy
    await asyncio.gather(*(desk.registrations.confirm_address(copy) for copy in copies))
    assert [kind for kind, _ in await messages(ali)] == [MessageKind.CONFIRM_ADDRESS, MessageKind.REGISTERED]


async def test_a_cancellation_and_a_new_place_at_once_lose_nobody(any_database: str, clock: FakeClock) -> None:
    desk = await make_desk(clock)
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    bea = await desk.take_place("Béa", "bea@exemple.fr")  # waiting
    await desk.register("Carl", "carl@exemple.fr")
    carl = await Registration.get(email="carl@exemple.fr")
    await asyncio.gather(desk.registrations.cancel(ali), desk.registrations.confirm_address(carl))
    by_status = {r.email: r.status for r in await Registration.all()}
    assert by_status["bea@exemple.fr"] == RegistrationStatus.CONFIRMED  # first in line, whatever came first
    assert by_status["carl@exemple.fr"] == RegistrationStatus.WAITING
    assert (await messages(bea))[-1][0] == MessageKind.PROMOTED


# ---------------------------------------------------------------- coming in on the day

@pytest.fixture
async def registry(desk: Desk) -> AsyncIterator[LiveRegistry]:
    live = LiveRegistry(desk.clock)
    await live.start()
    yield live
    await live.close()


async def test_a_person_with_a_place_comes_in_under_their_name(desk: Desk, registry: LiveRegistry) -> None:
    ali = await desk.take_place("Ali Haddad", "ali@exemple.fr")
    session = desk.sessions[0]
    live = await registry.session((await registry.run_of(session)).id)
    plan = await desk.plan()
    desk.clock.set(session.starts_at - timedelta(minutes=31))
    with pytest.raises(NotAllowed):
        await desk.registrations.enter(ali, plan, live, browser="b1", network_address=NETWORK)
    desk.clock.set(session.starts_at - timedelta(minutes=30))
    person, token = await desk.registrations.enter(ali, plan, live, browser="b1", network_address=NETWORK)
    assert person.name == "Ali Haddad"
    participant = await Participant.get(id=person.id)
    assert participant.registration_id == ali.id
    assert live.person_for_token(token) == person
    # From another browser: the same person, the first browser's token no longer works.
    again, other_token = await desk.registrations.enter(ali, plan, live, browser="b2", network_address=NETWORK)
    assert again.id == person.id and await Participant.filter(registration_id=ali.id).count() == 1
    assert live.person_for_token(other_token) == person and live.person_for_token(token) is None
    desk.clock.set(plan.session_end(session))
    with pytest.raises(NotAllowed):
        await desk.registrations.enter(ali, plan, live, browser="b3", network_address=NETWORK)


async def test_only_people_with_a_place_in_that_session_come_in(desk: Desk, registry: LiveRegistry) -> None:
    await desk.take_place("Ali", "ali@exemple.fr")
    bea = await desk.take_place("Béa", "bea@exemple.fr")  # waiting
    chloe = await desk.take_place("Chloé", "chloe@exemple.fr", session=1)
    session = desk.sessions[0]
    live = await registry.session((await registry.run_of(session)).id)
    desk.clock.set(session.starts_at)
    plan = await desk.plan()
    for somebody in (bea, chloe):
        with pytest.raises(NotAllowed):
            await desk.registrations.enter(somebody, plan, live, browser=None, network_address=NETWORK)
    # Without a registration, nobody comes in through the lobby of a workshop that takes registrations...
    with pytest.raises(NotAllowed):
        await live.join("Inconnu")
    # ...except into a rehearsal.
    rehearsal = await registry.session((await registry.run_of(session, rehearsal=True)).id)
    person, _token = await rehearsal.join("Collègue")
    assert person.name == "Collègue"


async def test_a_registered_person_comes_in_even_when_the_run_counts_full(desk: Desk, registry: LiveRegistry) -> None:
    ali = await desk.take_place("Ali", "ali@exemple.fr")
    session = desk.sessions[0]
    live = await registry.session((await registry.run_of(session)).id)
    desk.clock.set(session.starts_at)
    await Workshop.filter(id=desk.workshop.id).update(registration_mode=RegistrationMode.OPEN_DOOR)
    await workshops.update_workshop(await Workshop.get(id=desk.workshop.id), "title", "Quartier des Tanneurs")
    await live.join("Passant")  # the open door lets someone in, who takes the one place counted by the run
    assert live.full
    person, _token = await desk.registrations.enter(ali, await desk.plan(), live, browser=None,
                                                    network_address=NETWORK)
    assert person.name == "Ali"


# ---------------------------------------------------------------- how long personal data is kept

async def test_registrations_are_erased_once_the_days_promised_on_the_form_have_passed(desk: Desk) -> None:
    zoe = await desk.take_place("Zoé", "zoe@exemple.fr", session=1)
    plan = await desk.plan()
    last_end = plan.session_end(desk.sessions[1])
    kept = timedelta(days=desk.workshop.personal_data_kept_days)
    other, _sessions = await registration_workshop(desk.clock, starts=[FIRST + timedelta(days=400)], capacities=[5],
                                                   title="Un autre atelier")
    await Registration.create(public_id="other", workshop=other, email="ali@exemple.fr", display_name="Ali",
                              status=RegistrationStatus.CONFIRMED, token_hash="0" * 64)

    assert await retention.erase_expired_personal_data(last_end + kept - timedelta(minutes=1)) == {}
    assert await Registration.exists(id=zoe.id)

    assert await retention.erase_expired_personal_data(last_end + kept) == {desk.workshop.id: 1}
    assert not await Registration.filter(workshop_id=desk.workshop.id).exists()
    assert not await OutboxMessage.filter(workshop_id=desk.workshop.id).exists()
    assert await Registration.filter(workshop_id=other.id).count() == 1  # its time has not come
    assert await retention.erase_expired_personal_data(last_end + kept) == {}
