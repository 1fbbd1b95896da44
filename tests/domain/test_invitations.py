"""Inviting people on a real SQLite database: the review before sending, one transaction per invitee, the
personal links' tokens, and the invitation's text."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, date, datetime, time

import pytest
from tortoise import Tortoise

from domain import invitations, workshops
from domain.clock import FakeClock
from domain.errors import NotAllowed
from domain.invitations import Invitee
from domain.invitee_lists import read_pasted
from domain.models import (
    Audience,
    MessageKind,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Workshop,
)
from domain.personal_links import PersonalLinks, token_hash
from domain.planning import WorkshopPlan

pytestmark = pytest.mark.usefixtures("db")
LINKS = PersonalLinks(b"a secret of at least thirty-two bytes for tests")


async def published_workshop(clock: FakeClock, *, language: str = "fr", title: str = "Budget participatif") -> Workshop:
    workshop = await workshops.create_workshop(title=title, created_by=None, language=language)
    await workshops.update_workshop(workshop, "description", "Choisissons ensemble les projets financés par la ville.")
    await workshops.add_session(workshop, date(2026, 12, 10), time(18, 30))
    await workshops.add_breakout_room(workshop)
    await workshops.publish(workshop, clock)
    return workshop


async def plan_of(workshop: Workshop) -> WorkshopPlan:
    return await workshops.load_plan_by_id(workshop.id)


async def send_all(workshop: Workshop, people: list[Invitee], clock: FakeClock) -> list[invitations.Outcome]:
    return [outcome async for outcome in invitations.send(await plan_of(workshop), people, links=LINKS, clock=clock)]


def invitee(address: str, name: str = "", line: int = 1) -> Invitee:
    return Invitee(line, address, name)


# ---------------------------------------------------------------- before sending

async def test_the_review_lists_invalid_addresses_and_duplicates_and_sends_nothing(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    await send_all(workshop, [invitee("deja@ville.fr", "Déjà Invitée")], clock)
    listed = read_pasted(
        "Marie Dupont <marie@ville.fr>\n"
        "pas-une-adresse@\n"
        "MARIE@Ville.fr\n"
        "Jean <jean@ville.fr>\n"
        "deja@ville.fr\n"
        "sans adresse\n"
    )
    review = await invitations.review(workshop, listed)
    assert [(person.line, person.name, person.address) for person in review.ready] == [
        (1, "Marie Dupont", "marie@ville.fr"), (4, "Jean", "jean@ville.fr")]
    assert [(problem.line, problem.message, problem.params) for problem in review.problems] == [
        (2, "Nothing comes after the @.", {}),
        (3, "Listed twice: already on line {line}.", {"line": 1}),
        (6, "No e-mail address on this line.", {}),
    ]
    assert [(there.invitee.address, there.status, there.may_be_invited_again) for there in review.already] == [
        ("deja@ville.fr", RegistrationStatus.INVITED, True)]
    assert await Registration.all().count() == 1
    assert await OutboxMessage.all().count() == 1


async def test_invitations_wait_for_a_published_workshop_with_a_session_to_come(clock: FakeClock) -> None:
    workshop = await workshops.create_workshop(title="Budget", created_by=None)
    with pytest.raises(NotAllowed) as refused:
        await send_all(workshop, [invitee("marie@ville.fr")], clock)
    assert refused.value.message == "Publish the workshop first: the invitation leads to it."
    published = await published_workshop(clock, title="Plan vélo")
    clock.set(clock.now().replace(year=2027))
    with pytest.raises(NotAllowed) as refused:
        await send_all(published, [invitee("marie@ville.fr")], clock)
    assert refused.value.message.startswith("Every session of this workshop is over")
    assert not await Registration.exists()


# ---------------------------------------------------------------- sending

async def test_each_invitee_gets_a_registration_and_an_invitation_with_the_text_as_sent(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    await workshops.update_workshop(workshop, "invitation_subject", "Venez au budget participatif !")
    outcomes = await send_all(workshop, [invitee("marie@ville.fr", "Marie Dupont"), invitee("jean@ville.fr")], clock)
    assert [outcome.sent for outcome in outcomes] == [True, True]

    marie = await Registration.get(email="marie@ville.fr")
    assert (marie.workshop_id, marie.status, marie.display_name, marie.language, marie.invited_at) == (
        workshop.id, RegistrationStatus.INVITED, "Marie Dupont", "fr", clock.now())
    assert marie.session_id is None
    message = await OutboxMessage.get(registration_id=marie.id)
    suggested = invitations.suggested_text(await plan_of(workshop))
    assert (message.kind, message.to_address, message.to_name, message.language) == (
        MessageKind.INVITATION, "marie@ville.fr", "Marie Dupont", "fr")
    assert message.facts == {"subject": "Venez au budget participatif !", "body": suggested.body}
    assert message.workshop_id == workshop.id

    # Edited later, the text changes for later invitations, never for those already written.
    await workshops.update_workshop(workshop, "invitation_body", "Un autre texte.")
    await send_all(workshop, [invitee("paul@ville.fr")], clock)
    assert (await OutboxMessage.get(to_address="paul@ville.fr")).facts["body"] == "Un autre texte."
    assert (await OutboxMessage.get(id=message.id)).facts["body"] == suggested.body


async def test_names_reach_the_registration_and_the_message_as_one_line_of_text(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    await send_all(workshop, [invitee("marie@ville.fr", "Marie\r\nBcc: tous@ville.fr <b>Dupont</b>")], clock)
    registration = await Registration.get(email="marie@ville.fr")
    message = await OutboxMessage.get(registration_id=registration.id)
    assert registration.display_name == message.to_name == "Marie Bcc: tous@ville.fr <b>Dupont</b>"


async def test_personal_links_carry_128_bits_and_only_their_hash_is_stored(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    await send_all(workshop, [invitee("marie@ville.fr"), invitee("jean@ville.fr")], clock)
    marie, jean = await Registration.all().order_by("id")
    token = LINKS.token_of(marie)
    assert len(base64.urlsafe_b64decode(token + "==")) == 16
    assert len(marie.public_id) == 32 and marie.public_id != jean.public_id
    assert marie.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert LINKS.token_of(jean) != token

    # The token itself is nowhere in the database, neither in the registrations nor in the outbox.
    connection = Tortoise.get_connection("sqlite")
    for table in ("registration", "outbox_message"):
        _, rows = await connection.execute_query(f"SELECT * FROM {table}")
        assert not any(token in str(value) for row in rows for value in dict(row).values())

    # The token finds its registration; the same token altered by one character finds nothing.
    assert (await Registration.get(token_hash=token_hash(token))).id == marie.id
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert await Registration.get_or_none(token_hash=token_hash(altered)) is None


async def test_one_transaction_per_invitee_a_refused_write_stops_nobody_else(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    connection = Tortoise.get_connection("sqlite")
    # The database itself refuses one message: its registration must not stay without it.
    await connection.execute_script(
        "CREATE TRIGGER refuse_one BEFORE INSERT ON outbox_message WHEN NEW.to_address = 'jean@ville.fr' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;")
    outcomes = await send_all(workshop, [invitee("marie@ville.fr", line=1), invitee("jean@ville.fr", line=2),
                                         invitee("paul@ville.fr", line=3)], clock)
    assert [(outcome.invitee.line, outcome.sent) for outcome in outcomes] == [(1, True), (2, False), (3, True)]
    assert outcomes[1].problem == "The database refused to save it: try again later."
    assert sorted(await Registration.all().values_list("email", flat=True)) == ["marie@ville.fr", "paul@ville.fr"]
    assert await OutboxMessage.all().count() == 2


async def test_nobody_is_registered_twice_for_a_workshop(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    other = await published_workshop(clock, title="Plan vélo")
    review = await invitations.review(workshop, read_pasted("marie@ville.fr\n"))
    await send_all(workshop, review.ready, clock)
    # The same list sent again (a second tab, a double click): the database keeps one registration.
    outcomes = await send_all(workshop, review.ready, clock)
    assert outcomes[0].problem == "Invited or registered in the meantime: check the list again."
    assert await Registration.filter(workshop=workshop).count() == 1
    assert await OutboxMessage.filter(workshop=workshop).count() == 1
    # Another workshop may invite the same person.
    assert [outcome.sent for outcome in await send_all(other, review.ready, clock)] == [True]


async def test_the_invitation_sent_again_is_a_new_message_for_the_same_registration(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    await send_all(workshop, [invitee("marie@ville.fr", "Marie")], clock)
    marie = await Registration.get(email="marie@ville.fr")
    clock.advance(days=3)
    await invitations.send_again(await plan_of(workshop), marie.id, clock=clock)
    assert await Registration.all().count() == 1
    messages = await OutboxMessage.filter(registration_id=marie.id).order_by("id")
    assert [message.kind for message in messages] == [MessageKind.INVITATION, MessageKind.INVITATION]
    assert messages[1].to_name == "Marie"
    assert (await Registration.get(id=marie.id)).invited_at == clock.now()

    await Registration.filter(id=marie.id).update(status=RegistrationStatus.CONFIRMED)
    with pytest.raises(NotAllowed):
        await invitations.send_again(await plan_of(workshop), marie.id, clock=clock)
    assert await OutboxMessage.filter(registration_id=marie.id).count() == 2


# ---------------------------------------------------------------- the text

async def test_the_suggested_invitation_says_what_why_how_and_what_it_takes(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    await workshops.update_workshop(workshop, "audience", Audience.SPECIALISED)
    await workshops.update_workshop(workshop, "audience_details", "Les commerçant·es de la place")
    await workshops.update_workshop(workshop, "next_dates", "- 2 février : conseil municipal")
    plan = await plan_of(workshop)
    text = invitations.suggested_text(plan)
    assert text.subject == "Invitation : Budget participatif"
    for expected in ("« Budget participatif »", "Choisissons ensemble les projets financés par la ville.",
                     "Les commerçant·es de la place", "1 h 30", "en petits groupes", "- 2 février : conseil municipal"):
        assert expected in text.body, expected
    # What it takes is said around the text, whatever the organiser writes.
    edited = invitations.InvitationText("Venez !", "Un texte à nous.")
    letter = invitations.letter(plan, edited, name="", link="https://atelier.example/r/abc", now=clock.now())
    assert "ordinateur" in letter.needs and "connexion internet stable" in letter.needs

    english = await published_workshop(clock, language="en", title="Library opening hours")
    plan = await plan_of(english)
    assert invitations.suggested_text(plan).subject == "Invitation: Library opening hours"
    assert "with the other participants" in invitations.suggested_text(plan).body
    assert invitations.letter(plan, edited, name="", link="", now=clock.now()).needs.startswith(
        "You will need a computer")


async def test_an_edit_equal_to_the_suggestion_keeps_following_the_wizard(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    plan = await plan_of(workshop)
    suggested = invitations.suggested_text(plan)
    await invitations.edit_text(plan, "body", suggested.body + "\n")
    assert (await Workshop.get(id=workshop.id)).invitation_body == ""
    await invitations.edit_text(plan, "subject", "Line one\r\nBcc: everyone@ville.fr")
    assert (await Workshop.get(id=workshop.id)).invitation_subject == "Line one Bcc: everyone@ville.fr"
    await invitations.use_suggested_text(workshop)
    assert invitations.text_to_send(await plan_of(workshop)) == suggested


async def test_the_letter_greets_by_name_and_gives_the_sessions_in_the_workshops_zone(clock: FakeClock) -> None:
    workshop = await published_workshop(clock)
    await workshops.add_session(workshop, date(2026, 12, 17), time(18, 30))
    plan = await plan_of(workshop)
    text = invitations.text_to_send(plan)
    letter = invitations.letter(plan, text, name="Marie Dupont", link="https://atelier.example/r/abc", now=clock.now())
    assert (letter.heading, letter.greeting) == ("Vous êtes invité·e : Budget participatif", "Bonjour Marie Dupont,")
    assert letter.sessions == [
        "Jeudi 10 décembre 2026, 18:30–20:00, heure normale d’Europe centrale (Europe/Paris)",
        "Jeudi 17 décembre 2026, 18:30–20:00, heure normale d’Europe centrale (Europe/Paris)",
    ]
    assert (letter.subject, letter.body, letter.link) == (text.subject, text.body, "https://atelier.example/r/abc")
    assert letter.action == "M’inscrire à « Budget participatif »"
    assert invitations.letter(plan, text, name="", link="", now=clock.now()).greeting == "Bonjour,"
    clock.set(datetime(2026, 12, 12, tzinfo=UTC))  # the first session is past: only the second is offered
    assert len(invitations.letter(plan, text, name="", link="", now=clock.now()).sessions) == 1
