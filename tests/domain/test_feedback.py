"""The feedback survey on a real database with a fake clock: answered once per person (also two answers at the same
moment, also once on the stage and once from the personal page), questions kept as asked, limits, the results."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from domain import feedback, workshops
from domain.clock import FakeClock
from domain.errors import NotAllowed
from domain.feedback import MAX_OPEN_ANSWER, AlreadyAnswered, InvalidSurvey
from domain.live.registry import LiveRegistry
from domain.live.session import LiveSession
from domain.models import FeedbackAnswer, Registration, RegistrationMode, Workshop, WorkshopSession
from domain.personal_links import PersonalLinks
from domain.planning import WorkshopPlan
from domain.registrations import PublicForm, Registrations
from tests.registration_workshop import registration_workshop

SECRET = b"a personal links secret for tests, 32+ bytes"
START = datetime(2026, 12, 10, 17, 30, tzinfo=UTC)
USEFUL = "Qu’avez-vous trouvé utile ?"
IMPROVE = "Que faudrait-il améliorer ?"


@dataclass
class Desk:
    clock: FakeClock
    registrations: Registrations
    registry: LiveRegistry
    workshop: Workshop
    session: WorkshopSession

    async def plan(self) -> WorkshopPlan:
        return await workshops.load_plan_by_id(self.workshop.id)

    async def live(self, *, rehearsal: bool = False) -> LiveSession:
        return await self.registry.session((await self.registry.run_of(self.session, rehearsal=rehearsal)).id)

    async def attendee(self, name: str, email: str) -> tuple[Registration, int]:
        """Registered, address confirmed, came in from their personal page: their registration and participant."""
        form = PublicForm(session_id=self.session.id, name=name, email=email, consent=True)
        await self.registrations.register(await self.plan(), form, language="fr", network_address="203.0.113.7")
        registration = await Registration.get(email=email)
        await self.registrations.confirm_address(registration)
        registration = await Registration.get(id=registration.id)
        person, _token = await self.registrations.enter(registration, await self.plan(), await self.live(),
                                                        browser=None, network_address=None)
        return registration, person.id


@pytest.fixture
async def desk(db: str, clock: FakeClock) -> AsyncIterator[Desk]:
    """A workshop taking registrations, with two open questions, ten minutes before its session."""
    workshop, sessions = await registration_workshop(clock, starts=[START], capacities=[20])
    await Workshop.filter(id=workshop.id).update(feedback_questions=[USEFUL, "  ", IMPROVE])
    registry = LiveRegistry(clock)
    await registry.start()
    clock.set(START - timedelta(minutes=10))  # registering still open, the way in open
    yield Desk(clock, Registrations(PersonalLinks(SECRET), clock), registry,
                    await Workshop.get(id=workshop.id), sessions[0])
    await registry.close()


def pairs(useful: str = "", improve: str = "") -> list[tuple[str, str]]:
    return [(USEFUL, useful), (IMPROVE, improve)]


async def test_the_survey_is_the_scale_and_the_organisers_questions(desk: Desk) -> None:
    assert feedback.questions_of(desk.workshop) == [USEFUL, IMPROVE]  # the blank one left out
    assert [level for level, _words in feedback.SATISFACTION_LEVELS] == [1, 2, 3, 4, 5]


async def test_a_participant_answers_on_the_stage_once(desk: Desk) -> None:
    registration, participant_id = await desk.attendee("Ali", "ali@exemple.fr")
    respondent = await feedback.respondent_on_stage(participant_id)
    assert (respondent.registration_id, respondent.participant_id) == (registration.id, participant_id)
    assert not await feedback.has_answered(respondent)
    await feedback.answer(respondent, 4, pairs("Les salles", ""))
    assert await feedback.has_answered(respondent)
    with pytest.raises(AlreadyAnswered):
        await feedback.answer(respondent, 2, pairs())
    row = await FeedbackAnswer.get(participant_id=participant_id)
    assert (row.satisfaction, row.registration_id, row.session_id, row.on_stage) == (4, registration.id,
                                                                                    desk.session.id, True)


async def test_two_answers_at_the_same_moment_keep_one(desk: Desk) -> None:
    _registration, participant_id = await desk.attendee("Ali", "ali@exemple.fr")
    respondent = await feedback.respondent_on_stage(participant_id)
    outcomes = await asyncio.gather(feedback.answer(respondent, 5, pairs("a")),
                                    feedback.answer(respondent, 1, pairs("b")), return_exceptions=True)
    assert sum(isinstance(outcome, FeedbackAnswer) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, AlreadyAnswered) for outcome in outcomes) == 1
    assert await FeedbackAnswer.filter(workshop_id=desk.workshop.id).count() == 1


async def test_the_unique_columns_refuse_a_second_answer_that_slipped_past_the_look(desk: Desk) -> None:
    """The database decides, not the look before writing: a row written meanwhile by the other page is found."""
    registration, participant_id = await desk.attendee("Ali", "ali@exemple.fr")
    await FeedbackAnswer.create(workshop_id=desk.workshop.id, session_id=desk.session.id,
                                registration_id=registration.id, participant_id=None, satisfaction=3, answers=[])
    on_stage = feedback.Respondent(desk.workshop.id, desk.session.id, registration.id, participant_id, True)
    with pytest.raises(AlreadyAnswered):
        await feedback.answer(on_stage, 5, pairs())
    assert await FeedbackAnswer.filter(workshop_id=desk.workshop.id).count() == 1


async def test_the_personal_page_knows_an_answer_given_on_the_stage(desk: Desk) -> None:
    registration, participant_id = await desk.attendee("Ali", "ali@exemple.fr")
    await feedback.answer(await feedback.respondent_on_stage(participant_id), 5, pairs())
    await (await desk.live()).end()
    from_the_mail = await feedback.respondent_of_registration(registration, await desk.plan(), desk.clock.now())
    given = await feedback.answer_of(from_the_mail)
    assert given is not None and given.on_stage
    with pytest.raises(AlreadyAnswered):
        await feedback.answer(from_the_mail, 1, pairs())


async def test_the_personal_page_survey_opens_when_the_session_is_over_for_those_who_came(desk: Desk) -> None:
    registration, participant_id = await desk.attendee("Ali", "ali@exemple.fr")
    form = PublicForm(session_id=desk.session.id, name="Béa", email="bea@exemple.fr", consent=True)
    await desk.registrations.register(await desk.plan(), form, language="fr", network_address=None)
    absent = await Registration.get(email="bea@exemple.fr")
    await desk.registrations.confirm_address(absent)
    plan = await desk.plan()
    with pytest.raises(NotAllowed, match="opens at the end"):
        await feedback.respondent_of_registration(registration, plan, desk.clock.now())
    desk.clock.set(plan.session_end(desk.session))  # the planned end, without the moderators ending the run
    respondent = await feedback.respondent_of_registration(registration, plan, desk.clock.now())
    assert not await feedback.participant_answered(participant_id)
    assert (await feedback.answer(respondent, 3, pairs(improve="Plus de temps"))).on_stage is False
    assert await feedback.participant_answered(participant_id)  # what the stage looks at when reloaded
    with pytest.raises(NotAllowed, match="took part"):
        await feedback.respondent_of_registration(await Registration.get(id=absent.id), plan, desk.clock.now())


async def test_the_moderators_ending_the_run_opens_the_survey_before_the_planned_end(desk: Desk) -> None:
    registration, _participant_id = await desk.attendee("Ali", "ali@exemple.fr")
    live = await desk.live()
    await live.open_doors()
    await live.start()
    await live.end()
    respondent = await feedback.respondent_of_registration(registration, await desk.plan(), desk.clock.now())
    assert respondent.registration_id == registration.id


async def test_rehearsals_keep_no_answer(desk: Desk) -> None:
    await Workshop.filter(id=desk.workshop.id).update(registration_mode=RegistrationMode.OPEN_DOOR)
    rehearsal = await desk.live(rehearsal=True)
    person, _token = await rehearsal.join("Collègue")
    with pytest.raises(NotAllowed, match="Rehearsal"):
        await feedback.respondent_on_stage(person.id)


async def test_answers_keep_the_questions_as_they_were_asked(desk: Desk) -> None:
    _registration, participant_id = await desk.attendee("Ali", "ali@exemple.fr")
    await feedback.answer(await feedback.respondent_on_stage(participant_id), 4, pairs("Les salles", "Le son"))
    await Workshop.filter(id=desk.workshop.id).update(feedback_questions=["Autre chose ?", USEFUL])
    row = await FeedbackAnswer.get(participant_id=participant_id)
    assert row.answers == [{"question": USEFUL, "answer": "Les salles"}, {"question": IMPROVE, "answer": "Le son"}]
    results = await feedback.results(await Workshop.get(id=desk.workshop.id))
    # The current questions first (one not answered yet), then the one since removed, with its answer.
    assert [(group.question, group.answers) for group in results.open_answers] == [
        ("Autre chose ?", []), (USEFUL, ["Les salles"]), (IMPROVE, ["Le son"])]


async def test_bad_answers_are_told_per_field_and_nothing_is_kept(desk: Desk) -> None:
    _registration, participant_id = await desk.attendee("Ali", "ali@exemple.fr")
    respondent = await feedback.respondent_on_stage(participant_id)
    for satisfaction in (None, 0, 6):
        with pytest.raises(InvalidSurvey) as refused:
            await feedback.answer(respondent, satisfaction, pairs())
        assert refused.value.about("satisfaction") is not None
    with pytest.raises(InvalidSurvey) as refused:
        await feedback.answer(respondent, 4, pairs("x" * MAX_OPEN_ANSWER, "y" * (MAX_OPEN_ANSWER + 1)))
    assert refused.value.about("answer-0") is None
    problem = refused.value.about("answer-1")
    assert problem is not None and problem.params == {"count": MAX_OPEN_ANSWER, "length": MAX_OPEN_ANSWER + 1}
    assert not await FeedbackAnswer.exists()
    await feedback.answer(respondent, 4, pairs("  " + "x" * MAX_OPEN_ANSWER + "\n"))  # spaces around do not count
    assert (await FeedbackAnswer.get()).answers[0]["answer"] == "x" * MAX_OPEN_ANSWER


async def test_text_that_looks_like_markup_is_kept_as_written(desk: Desk) -> None:
    _registration, participant_id = await desk.attendee("Ali", "ali@exemple.fr")
    written = "<script>alert(1)</script> <b>gras</b> {{ 7*7 }} & co"
    await feedback.answer(await feedback.respondent_on_stage(participant_id), 5, pairs(written))
    results = await feedback.results(desk.workshop)
    assert results.open_answers[0].answers == [written]


async def test_results_count_answers_against_the_people_who_came(desk: Desk) -> None:
    levels = [5, 4, 4, 2]
    for number, level in enumerate(levels):
        _registration, participant_id = await desk.attendee(f"Personne {number}", f"p{number}@exemple.fr")
        await feedback.answer(await feedback.respondent_on_stage(participant_id), level,
                              pairs(f"utile {number}" if number % 2 else ""))
    await desk.attendee("Silencieux", "silence@exemple.fr")  # came, did not answer
    await Workshop.filter(id=desk.workshop.id).update(registration_mode=RegistrationMode.OPEN_DOOR)
    await (await desk.live(rehearsal=True)).join("Collègue")  # a rehearsal's people did not attend
    desk.clock.advance(minutes=1)
    results = await feedback.results(desk.workshop)
    assert (results.answered, results.attended) == (4, 5)
    assert results.satisfaction == {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}
    assert results.mean == pytest.approx(15 / 4)
    assert results.open_answers[0].answers == ["utile 1", "utile 3"]
    assert results.open_answers[1].answers == []


async def test_results_of_a_survey_nobody_answered(desk: Desk) -> None:
    results = await feedback.results(desk.workshop)
    assert (results.answered, results.attended, results.mean) == (0, 0, None)
    assert results.satisfaction == dict.fromkeys(range(1, 6), 0)

