"""The feedback survey on the personal page (`#feedback`, the thank-you e-mail's link) and the organisers' results,
in NiceGUI's simulated browser, on a fake clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from nicegui import ui
from nicegui.testing.user import User

from domain import accounts, feedback, workshops
from domain.clock import FakeClock
from domain.models import (
    FeedbackAnswer,
    Participant,
    Registration,
    RegistrationStatus,
    StaffRole,
    Workshop,
    WorkshopSession,
)
from domain.personal_links import token_hash
from tests.conftest import PASSWORD
from tests.ui.conftest import see, sign_in
from tests.ui.test_registration import links, personal_path, workshop_with_places
from tests.waiting import until

USEFUL = "Qu’avez-vous trouvé utile ?"
IMPROVE = "Que faudrait-il améliorer ?"
SURVEY_LEGEND = "Êtes-vous satisfait·e de cet atelier ?"


@pytest.fixture
def app_clock(clock: FakeClock) -> FakeClock:
    """The pages' clock stands on 25 November 2026, a fortnight before the first session."""
    return clock


async def registered(workshop: Workshop, session: WorkshopSession, name: str, clock: FakeClock) -> Registration:
    """Someone with a place in the session, as the registration commands leave them."""
    public_id = f"feedback-{name.lower()}"
    return await Registration.create(public_id=public_id, workshop_id=workshop.id, session_id=session.id,
                                     email=f"{name.lower()}@exemple.fr", display_name=name,
                                     status=RegistrationStatus.CONFIRMED, calendar_sequence=1,
                                     token_hash=token_hash(links().token(public_id, 1)), registered_at=clock.now(),
                                     confirmed_at=clock.now())


async def came_in(user: User, registration: Registration, session: WorkshopSession, clock: FakeClock) -> int:
    """From the personal page, on the day: their participant's id."""
    clock.set(session.starts_at - timedelta(minutes=10))
    await user.open(personal_path(registration))
    user.find(kind=ui.button, content="Entrer dans l’atelier").click()
    await until(lambda: Participant.exists(registration_id=registration.id))
    return (await Participant.get(registration_id=registration.id)).id


async def survey_workshop() -> tuple[Workshop, WorkshopSession]:
    workshop, sessions = await workshop_with_places()
    await Workshop.filter(id=workshop.id).update(feedback_questions=[USEFUL, IMPROVE])
    return await Workshop.get(id=workshop.id), sessions[0]


async def test_the_survey_comes_after_the_session_and_is_answered_once(user: User, clock: FakeClock) -> None:
    workshop, session = await survey_workshop()
    nadia = await registered(workshop, session, "Nadia", clock)
    await user.open(personal_path(nadia))
    await see(user, "Après la session, un court questionnaire ici vous demandera ce que vous en avez pensé.")
    await user.should_not_see(SURVEY_LEGEND)
    await came_in(user, nadia, session, clock)

    plan = await workshops.load_plan_by_id(workshop.id)
    clock.set(plan.session_end(session))
    await user.open(personal_path(nadia) + "#feedback")
    await see(user, SURVEY_LEGEND)
    user.find(USEFUL).type("Les échanges en petits groupes")
    user.find(kind=ui.button, content="Envoyer mes réponses").click()
    await see(user, "Choisissez votre degré de satisfaction, de 1 à 5.")  # beside the scale; nothing typed is lost
    assert user.find(USEFUL).elements.pop().value == "Les échanges en petits groupes"
    assert not await FeedbackAnswer.exists()

    user.find("4 · Satisfait·e").click()
    user.find(kind=ui.button, content="Envoyer mes réponses").click()
    await see(user, "Merci pour vos réponses !")
    answer = await FeedbackAnswer.get(registration_id=nadia.id)
    assert (answer.satisfaction, answer.on_stage) == (4, False)
    assert answer.answers == [{"question": USEFUL, "answer": "Les échanges en petits groupes"},
                              {"question": IMPROVE, "answer": ""}]

    await user.open(personal_path(nadia))
    await see(user, "Vous avez déjà répondu au questionnaire : merci !")
    await user.should_not_see(SURVEY_LEGEND)


async def test_an_answer_given_on_the_stage_is_told_on_the_personal_page(user: User, clock: FakeClock) -> None:
    workshop, session = await survey_workshop()
    nadia = await registered(workshop, session, "Nadia", clock)
    participant_id = await came_in(user, nadia, session, clock)
    await feedback.answer(await feedback.respondent_on_stage(participant_id), 5, [(USEFUL, ""), (IMPROVE, "")])
    clock.set((await workshops.load_plan_by_id(workshop.id)).session_end(session) + timedelta(days=1))
    await user.open(personal_path(nadia))
    await see(user, "Vous avez répondu au questionnaire pendant l’atelier : merci !")
    await user.should_not_see(SURVEY_LEGEND)


async def test_someone_who_did_not_come_gets_no_survey(user: User, clock: FakeClock) -> None:
    workshop, session = await survey_workshop()
    absent = await registered(workshop, session, "Absent", clock)
    clock.set((await workshops.load_plan_by_id(workshop.id)).session_end(session))
    await user.open(personal_path(absent))
    await see(user, "Vous êtes inscrit·e, Absent")
    await user.should_not_see(SURVEY_LEGEND)
    await user.should_not_see("Après la session, un court questionnaire")


async def test_organisers_read_the_results_as_text(user: User, clock: FakeClock) -> None:
    workshop, session = await survey_workshop()
    nadia = await registered(workshop, session, "Nadia", clock)
    participant_id = await came_in(user, nadia, session, clock)
    written = "<b>gras</b> {{ 7*7 }} <script>alert(1)</script>"
    await feedback.answer(await feedback.respondent_on_stage(participant_id), 4, [(USEFUL, written), (IMPROVE, "")])
    clock.set(session.starts_at + timedelta(minutes=90))
    await accounts.create_staff("claire@ville.example", "Claire Martin", StaffRole.ORGANISER, PASSWORD)
    await sign_in(user, "claire@ville.example")
    await see(user, kind=ui.link, content="Avis")  # on the workshop's card, once it is published
    await user.open(f"/organise/workshops/{workshop.id}/feedback")
    await see(user, "1 réponse · 1 personne a participé")
    await see(user, "Moyenne : 4,0 sur 5")
    await see(user, "4 · Satisfait·e")
    await see(user, written)  # a text element: shown as written, never as markup
    await see(user, IMPROVE)
    await see(user, "Pas encore de réponse.")
