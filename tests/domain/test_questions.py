"""Questions with up-votes on a real run: several people at once, in the plenary and in rooms, refusals, replay."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from domain import workshops
from domain.activities import questions
from domain.activities.questions import MAX_QUESTION, QuestionAsked, questions_at, questions_of_step
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.live.events import Aspect
from domain.live.session import LiveSession
from domain.models import Step
from tests.domain.conftest import Setup

HTML = "<b>gras</b> <script>alert(1)</script> {{ 7 * 7 }} ?"


async def with_questions(setup: Setup, position: int) -> int:
    """Give the agenda's step at this position the questions activity; its id."""
    step = await Step.get(id=setup.live.steps[position].id)
    await workshops.update_step(step, "activity", {"kind": questions.KIND})
    return step.id


async def ask(live: LiveSession, participant_id: int, text: str) -> None:
    await live.act(partial(questions.ask, participant_id=participant_id, text=text))


async def vote(live: LiveSession, participant_id: int, question_id: int, up: bool = True) -> None:
    await live.act(partial(questions.up_vote, participant_id=participant_id, question_id=question_id, up=up))


def texts(live: LiveSession, step_id: int, room_id: int | None = None) -> list[tuple[str, int, bool]]:
    return [(q.text, q.votes, q.answered) for q in questions_at(live.state, step_id, room_id)]


async def test_questions_are_asked_and_up_voted_by_several_people_at_once(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    step_id = await with_questions(setup, 0)
    amina, bob, chloe, david = await setup.people("Amina", "Bob", "Chloé", "David")
    await live.start()
    await asyncio.gather(ask(live, amina, "Le marché restera-t-il le samedi ?"),
                         ask(live, bob, "  Combien   coûte\n le projet ? "), ask(live, chloe, HTML))
    assert sorted(q.text for q in questions_at(live.state, step_id, None)) == sorted(
        ["Le marché restera-t-il le samedi ?", "Combien coûte le projet ?", HTML])  # spaces tidied, markup kept
    by_text = {q.text: q.id for q in questions_at(live.state, step_id, None)}
    cost, market, markup = by_text["Combien coûte le projet ?"], by_text["Le marché restera-t-il le samedi ?"], \
        by_text[HTML]
    clock.advance(seconds=5)
    # Three people up-vote the cost question at the same moment, two the market one: each vote counts once.
    await asyncio.gather(vote(live, amina, cost), vote(live, chloe, cost), vote(live, david, cost),
                         vote(live, bob, market), vote(live, david, market))
    assert texts(live, step_id) == [("Combien coûte le projet ?", 3, False),
                                    ("Le marché restera-t-il le samedi ?", 2, False), (HTML, 0, False)]
    # The same person voting twice at once: one vote, one refusal.
    results = await asyncio.gather(vote(live, amina, markup), vote(live, amina, markup), return_exceptions=True)
    assert sum(isinstance(result, NotAllowed) for result in results) == 1
    assert questions.questions_state(live.state).questions[markup].voters == {amina}
    await vote(live, david, cost, up=False)  # taken back
    await vote(live, amina, markup, up=False)
    # The same votes: the one asked first goes first (Amina's, the first to reach the run).
    assert texts(live, step_id) == [("Le marché restera-t-il le samedi ?", 2, False),
                                    ("Combien coûte le projet ?", 2, False), (HTML, 0, False)]
    await live.act(partial(questions.mark_answered, question_id=cost))
    await live.act(partial(questions.mark_answered, question_id=cost))  # a second moderator: nothing more
    assert texts(live, step_id)[-1] == ("Combien coûte le projet ?", 2, True)  # answered ones go below
    with pytest.raises(NotAllowed, match="answered"):
        await vote(live, david, cost)
    await live.act(partial(questions.hide, question_id=markup))
    assert HTML not in [text for text, _, _ in texts(live, step_id)]
    assert markup in [q.id for q in questions_at(live.state, step_id, None, with_hidden=True)]
    with pytest.raises(NotFound):
        await vote(live, david, markup)  # hidden: not on the list any more
    asked = [event for event in await setup.heard() if isinstance(event, QuestionAsked)]
    assert len(asked) == 3 and all(Aspect.ACTIVITIES in event.aspects for event in asked)


async def test_the_list_is_sorted_by_votes_then_age(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    step_id = await with_questions(setup, 0)
    amina, bob, chloe = await setup.people("Amina", "Bob", "Chloé")
    await live.start()
    for person, text in ((amina, "Première"), (bob, "Deuxième"), (chloe, "Troisième")):
        await ask(live, person, text)
        clock.advance(seconds=1)
    assert [text for text, _, _ in texts(live, step_id)] == ["Première", "Deuxième", "Troisième"]
    await vote(live, amina, 3)
    assert [text for text, _, _ in texts(live, step_id)] == ["Troisième", "Première", "Deuxième"]
    await vote(live, chloe, 2)
    assert [text for text, _, _ in texts(live, step_id)] == ["Deuxième", "Troisième", "Première"]


async def test_bad_questions_and_votes_are_refused_with_a_reason(setup: Setup) -> None:
    live = setup.live
    await with_questions(setup, 0)
    amina, bob = await setup.people("Amina", "Bob")
    with pytest.raises(NotAllowed, match="not open"):
        await ask(live, amina, "Trop tôt ?")  # the workshop has not started
    await live.start()
    for empty in ("", "   \n "):
        with pytest.raises(InvalidValue, match="Write your question"):
            await ask(live, amina, empty)
    with pytest.raises(InvalidValue, match="At most") as too_long:
        await ask(live, amina, "x" * (MAX_QUESTION + 1))
    assert too_long.value.params == {"count": MAX_QUESTION}
    await ask(live, amina, "x" * MAX_QUESTION)  # just fits
    for number in range(questions.MAX_QUESTIONS_PER_PERSON):
        await ask(live, bob, f"Question n° {number}")
    with pytest.raises(NotAllowed, match="as many questions"):
        await ask(live, bob, "Une de trop")
    with pytest.raises(NotAllowed, match="your own"):
        await vote(live, amina, 1)
    with pytest.raises(NotAllowed, match="have not up-voted"):
        await vote(live, bob, 1, up=False)
    with pytest.raises(NotFound):
        await vote(live, bob, 99)
    with pytest.raises(NotFound):
        await ask(live, 999, "Qui suis-je ?")  # nobody of this run
    await live.next_step(live.state.step_id)  # the breakout step carries no activity
    with pytest.raises(NotAllowed, match="not open"):
        await vote(live, bob, 1)
    with pytest.raises(NotAllowed, match="not open"):
        await live.act(partial(questions.mark_answered, question_id=1))


async def test_in_a_breakout_step_each_room_has_its_own_questions(setup: Setup) -> None:
    live = setup.live
    step_id = await with_questions(setup, 1)
    people = await setup.people("Amina", "Bob", "Chloé", "David")
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    first, second = (room.id for room in live.plan.breakout_rooms)
    in_first = [p for p in people if live.state.room_of(p) == first]
    in_second = [p for p in people if live.state.room_of(p) == second]
    assert len(in_first) == len(in_second) == 2
    await live.announcements.settled()
    setup.changes.clear()
    await asyncio.gather(ask(live, in_first[0], "Question de la salle 1"), ask(live, in_second[0], "Salle 2 ?"))
    assert texts(live, step_id, first) == [("Question de la salle 1", 0, False)]
    assert texts(live, step_id, second) == [("Salle 2 ?", 0, False)]
    assert texts(live, step_id, None) == []
    await live.announcements.settled()
    audiences = {event.text: change.audience for change in setup.changes for event in change.events
                 if isinstance(event, QuestionAsked)}
    assert audiences["Salle 2 ?"].rooms == frozenset({second}) and not audiences["Salle 2 ?"].everyone
    first_question = questions_at(live.state, step_id, first)[0].id
    with pytest.raises(NotAllowed, match="another room"):
        await vote(live, in_second[1], first_question)
    await vote(live, in_first[1], first_question)
    await live.move(in_first[1], second)  # moved: their vote stays, but they now see the other room's
    with pytest.raises(NotAllowed, match="another room"):
        await vote(live, in_first[1], first_question, up=False)
    assert texts(live, step_id, first) == [("Question de la salle 1", 1, False)]
    assert questions_of_step(live.state, step_id)[0].text == "Question de la salle 1"


async def test_questions_come_back_after_a_restart(setup: Setup) -> None:
    live = setup.live
    step_id = await with_questions(setup, 0)
    amina, bob = await setup.people("Amina", "Bob")
    await live.start()
    await ask(live, amina, HTML)
    await ask(live, bob, "Et le stationnement ?")
    await vote(live, bob, 1)
    await vote(live, amina, 2)
    await vote(live, amina, 2, up=False)
    await live.act(partial(questions.mark_answered, question_id=2))
    await live.act(partial(questions.hide, question_id=1))
    await live.act(partial(questions.hide, question_id=1, hidden=False))
    before = questions.questions_state(live.state)
    again = await setup.restart()
    after = questions.questions_state(again.state)
    assert after == before and after.questions[1].voters == {bob} and after.questions[2].answered
    await ask(again, amina, "Encore une ?")  # numbering goes on after the replay
    assert texts(again, step_id)[-2:] == [("Encore une ?", 0, False), ("Et le stationnement ?", 0, True)]

