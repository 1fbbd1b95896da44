"""The participants part on a real SQLite database: registration settings, questions, reminders, the survey,
and the advice the review gives about them."""

from __future__ import annotations

from datetime import date, time

import pytest

from domain import participation, planning, workshops
from domain.clock import FakeClock
from domain.errors import InvalidValue, NotFound
from domain.models import RegistrationMode, Workshop
from domain.planning import Part, Severity
from domain.questions import Question, QuestionKind, questions_of

pytestmark = pytest.mark.usefixtures("db")


async def draft(language: str = "fr") -> Workshop:
    return await workshops.create_workshop(title="Budget participatif", created_by=None, language=language)


async def stored(workshop: Workshop) -> Workshop:
    return await Workshop.get(id=workshop.id)


async def advice(workshop: Workshop, clock: FakeClock) -> list[tuple[str, Severity, str, int | None]]:
    plan = await workshops.load_plan_by_id(workshop.id)
    return [(issue.field, issue.severity, issue.message, issue.subject_id)
            for issue in planning.review(plan, clock.now()) if issue.part == Part.PARTICIPANTS]


async def test_registration_settings_are_checked_field_by_field() -> None:
    workshop = await draft()
    assert (workshop.registration_mode, workshop.personal_data_kept_days, workshop.reminder_hours_before,
            workshop.practical_information_hours_before) == (RegistrationMode.OPEN_DOOR, 180, [24, 1], 48)
    await workshops.update_workshop(workshop, "registration_mode", "invitation_only")
    await workshops.update_workshop(workshop, "personal_data_kept_days", "90")
    await workshops.update_workshop(workshop, "practical_information_hours_before", None)
    saved = await stored(workshop)
    assert (saved.registration_mode, saved.personal_data_kept_days, saved.practical_information_hours_before) == (
        RegistrationMode.INVITATION_ONLY, 90, None)
    for field, value, message in (
        ("registration_mode", "walk-in", "Choose one of the options."),
        ("personal_data_kept_days", 2, "Enter a number between {low} and {high}."),
        ("practical_information_hours_before", 1000, "Enter a number between {low} and {high}."),
        ("reminder_message", "x" * 2001, "At most {count} characters: this text has {length}."),
    ):
        with pytest.raises(InvalidValue) as refused:
            await workshops.update_workshop(workshop, field, value)
        assert (refused.value.field, refused.value.message) == (field, message)


async def test_questions_are_added_edited_moved_and_removed_keeping_their_ids() -> None:
    workshop = await draft()
    opinion = await participation.add_question(workshop, QuestionKind.TEXT)
    choice = await participation.add_question(workshop, QuestionKind.CHOICE)
    rooms = await participation.add_question(workshop, QuestionKind.ROOMS)
    assert len({opinion.id, choice.id, rooms.id}) == 3
    assert rooms.text == "Quelles salles vous intéressent le plus ?"
    await participation.update_question(workshop, opinion.id, "text", "  Avez-vous déjà un avis\nsur le sujet ?  ")
    await participation.update_question(workshop, choice.id, "text", "Comment venez-vous ?")
    await participation.update_question(workshop, choice.id, "choices", "À pied\n\n  À vélo \nEn bus\n")
    await participation.move_question(workshop, rooms.id, -5)
    assert questions_of(await stored(workshop)) == [
        rooms,
        Question(opinion.id, "Avez-vous déjà un avis sur le sujet ?", QuestionKind.TEXT),
        Question(choice.id, "Comment venez-vous ?", QuestionKind.CHOICE, ("À pied", "À vélo", "En bus")),
    ]
    await participation.remove_question(workshop, opinion.id)
    assert [question.id for question in questions_of(await stored(workshop))] == [rooms.id, choice.id]
    with pytest.raises(NotFound):
        await participation.update_question(workshop, opinion.id, "text", "Trop tard")


async def test_bad_questions_are_refused_with_a_reason() -> None:
    workshop = await draft()
    choice = await participation.add_question(workshop, QuestionKind.CHOICE)
    await participation.add_question(workshop, QuestionKind.ROOMS)
    for field, value, message in (
        ("text", "x" * 301, "At most {count} characters: this text has {length}."),
        ("choices", "Oui\noui", "“{choice}” is there twice: keep each choice once."),
        ("choices", "x" * 121, "Each choice has at most {count} characters."),
        ("choices", "\n".join(str(n) for n in range(21)), "At most {count} choices."),
    ):
        with pytest.raises(InvalidValue) as refused:
            await participation.update_question(workshop, choice.id, field, value)
        assert refused.value.message == message
    with pytest.raises(InvalidValue) as refused:
        await participation.add_question(workshop, QuestionKind.ROOMS)
    assert refused.value.message == "The form already asks about the rooms."
    for _ in range(10):
        await participation.add_question(workshop, QuestionKind.TEXT)
    with pytest.raises(InvalidValue):
        await participation.add_question(workshop, QuestionKind.TEXT)
    assert len(questions_of(await stored(workshop))) == 12


async def test_reminders_are_hours_before_each_session() -> None:
    workshop = await draft()
    assert await participation.set_reminders(workshop, [1, 24.0, "72", 24]) == [72, 24, 1]
    assert (await stored(workshop)).reminder_hours_before == [72, 24, 1]
    assert await participation.set_reminders(workshop, []) == []
    for hours, message in (([0], "Enter a number between {low} and {high}."), ([1.5], "Enter a whole number."),
                           (["demain"], "Enter a number.")):
        with pytest.raises(InvalidValue) as refused:
            await participation.set_reminders(workshop, hours)
        assert (refused.value.field, refused.value.message) == ("reminder_hours_before", message)
    assert (await stored(workshop)).reminder_hours_before == []


async def test_the_feedback_survey_has_the_organisers_questions_in_order() -> None:
    workshop = await draft()
    assert await participation.add_feedback_question(workshop) == 1
    assert await participation.add_feedback_question(workshop) == 2
    await participation.update_feedback_question(workshop, 1, "Qu’avez-vous appris ?")
    await participation.update_feedback_question(workshop, 2, "Que changeriez-vous ?")
    await participation.move_feedback_question(workshop, 2, -1)
    assert (await stored(workshop)).feedback_questions == ["Que changeriez-vous ?", "Qu’avez-vous appris ?"]
    await participation.remove_feedback_question(workshop, 1)
    assert (await stored(workshop)).feedback_questions == ["Qu’avez-vous appris ?"]


async def test_a_duplicated_workshop_asks_the_same_questions() -> None:
    workshop = await draft()
    await participation.add_question(workshop, QuestionKind.ROOMS)
    await participation.set_reminders(workshop, [48])
    await participation.add_feedback_question(workshop)
    await workshops.update_workshop(workshop, "registration_mode", "public_form")
    copy = await workshops.duplicate_workshop(await stored(workshop), title="Copie", created_by=None)
    assert (copy.registration_questions, copy.reminder_hours_before, copy.feedback_questions,
            copy.registration_mode) == (workshop.registration_questions, [48], [""], RegistrationMode.PUBLIC_FORM)


async def test_the_review_advises_on_participants_and_blocks_empty_questions(clock: FakeClock) -> None:
    workshop = await workshops.create_workshop(title="Budget participatif", created_by=None, suggested_agenda=False)
    await workshops.add_session(workshop, date(2026, 12, 10), time(18, 30))
    await workshops.update_workshop(workshop, "registration_mode", "public_form")
    choice = await participation.add_question(workshop, QuestionKind.CHOICE)
    rooms = await participation.add_question(workshop, QuestionKind.ROOMS)
    await participation.add_feedback_question(workshop)
    assert await advice(workshop, clock) == [
        ("audience_details", Severity.WARNING, "Say who you want to reach and why: the invitation tells each person "
                                               "why they are invited.", None),
        ("places", Severity.WARNING, "Give each session a number of places: beyond it, people go on a waiting "
                                     "list.", None),
        ("question", Severity.ERROR, "Write the question.", choice.number),
        ("choices", Severity.ERROR, "Give at least two choices, one per line.", choice.number),
        ("question", Severity.WARNING, "There is no breakout room yet: this question has nothing to offer.",
         rooms.number),
        ("feedback_question", Severity.ERROR, "Write the question, or remove it.", 1),
    ]
    plan = await workshops.load_plan_by_id(workshop.id)
    await workshops.update_workshop(workshop, "audience_details", "Les familles du quartier")
    await workshops.set_session_capacity(plan.sessions[0], 30, clock=clock)
    await participation.update_question(workshop, choice.id, "text", "Comment venez-vous ?")
    await participation.update_question(workshop, choice.id, "choices", "À pied\nÀ vélo")
    await workshops.add_breakout_room(workshop)
    await participation.update_feedback_question(workshop, 1, "Qu’avez-vous appris ?")
    assert await advice(workshop, clock) == []


async def test_a_written_question_is_not_emptied() -> None:
    """A new question starts empty (the review asks for its words); once written, emptying it is refused and its
    last words stay stored until it has new ones, as for every text the plan cannot do without."""
    workshop = await draft()
    question = await participation.add_question(workshop, QuestionKind.TEXT)
    await participation.update_question(workshop, question.id, "text", "Votre quartier ?")
    with pytest.raises(InvalidValue) as refused:
        await participation.update_question(workshop, question.id, "text", "   ")
    assert (refused.value.field, refused.value.message) == ("text", "Write the question.")
    number = await participation.add_feedback_question(workshop)
    await participation.update_feedback_question(workshop, number, "Qu’avez-vous appris ?")
    with pytest.raises(InvalidValue) as refused:
        await participation.update_feedback_question(workshop, number, "")
    assert (refused.value.field, refused.value.message) == ("feedback_question", "Write the question, or remove it.")
    saved = await stored(workshop)
    assert [q.text for q in questions_of(saved)] == ["Votre quartier ?"]
    assert saved.feedback_questions[-1] == "Qu’avez-vous appris ?"
