"""The ideas board on a real run: many people posting at once, in the plenary and in rooms, replay, refusals."""

from __future__ import annotations

import asyncio
import functools

import pytest

from domain import workshops
from domain.activities import ideas
from domain.activities.ideas import Idea, IdeaPosted, ideas_at, merged_with
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.live.events import Audience
from domain.live.session import LiveSession
from tests.domain.conftest import Setup


async def with_ideas(setup: Setup, *positions: int, max_length: int = 280) -> list[int]:
    """Put an ideas board in the steps at these positions; their ids."""
    steps = [setup.live.steps[position] for position in positions]
    for step in steps:
        await workshops.update_step(step, "activity", {"kind": ideas.KIND, "max_length": max_length})
    return [step.id for step in steps]


async def post(live: LiveSession, participant_id: int, text: str) -> None:
    await live.act(functools.partial(ideas.post, participant_id=participant_id, text=text))


def texts(found: list[Idea]) -> list[str]:
    return [each.text for each in found]


async def test_settings_are_checked(setup: Setup) -> None:
    step = setup.live.steps[0]
    for wrong in (49, 1001, "beaucoup"):
        with pytest.raises(InvalidValue):
            await workshops.update_step(step, "activity", {"kind": ideas.KIND, "max_length": wrong})
    assert await workshops.update_step(step, "activity", {"kind": ideas.KIND}) is not None
    assert step.activity == {"kind": "ideas", "max_length": 280}


async def test_many_people_post_at_once_in_the_plenary_and_replay_gives_the_same_board(setup: Setup) -> None:
    live = setup.live
    [welcome] = await with_ideas(setup, 0)
    people = await setup.people(*(f"Personne {number}" for number in range(8)))
    await live.start()
    await asyncio.gather(*(post(live, pid, f"Idée {number} de {pid}") for pid in people for number in range(3)))
    shown = ideas_at(live.state, welcome)
    assert len(shown) == 24
    assert [each.id for each in shown] == list(range(1, 25))  # one id each, in posting order
    assert all(each.room_id is None for each in shown)
    assert {each.author_id for each in shown} == set(people)
    assert ideas_at(live.state, welcome, None) == shown
    heard = [event for event in await setup.heard() if isinstance(event, IdeaPosted)]
    assert len(heard) == 24 and all(event.reaches(live.state).everyone for event in heard)
    restored = await setup.restart()
    assert ideas_at(restored.state, welcome) == shown


async def test_each_room_has_its_own_board(setup: Setup) -> None:
    live = setup.live
    [breakout] = await with_ideas(setup, 1)
    people = await setup.people("Amina", "Bob", "Chloé", "David", "Emma", "Farid")
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    first, second = (room.id for room in live.plan.breakout_rooms)
    await asyncio.gather(*(post(live, pid, f"{live.state.people[pid].name} {number}")
                           for pid in people for number in range(2)))
    in_first, in_second = ideas_at(live.state, breakout, first), ideas_at(live.state, breakout, second)
    assert len(in_first) + len(in_second) == 12
    assert {each.author_id for each in in_first} == {p.id for p in live.state.members(first)}
    assert {each.author_id for each in in_second} == {p.id for p in live.state.members(second)}
    assert ideas_at(live.state, breakout, None) == []
    assert sorted(each.id for each in ideas_at(live.state, breakout)) == list(range(1, 13))
    heard = [event for event in await setup.heard() if isinstance(event, IdeaPosted)]
    for event in heard:  # each room's ideas reach that room's pages only
        assert event.reaches(live.state) == Audience(rooms=frozenset({event.room_id}))
        assert live.state.room_of(event.author_id or 0) == event.room_id
    restored = await setup.restart()
    assert ideas_at(restored.state, breakout, first) == in_first
    assert ideas_at(restored.state, breakout, second) == in_second
    # After the restart, new ideas take the next ids.
    await post(restored, people[0], "Encore une")
    assert ideas.idea(restored.state, 13) is not None
    # Back in the plenary, a moderator curating a room's idea (before a dot vote) is heard by everyone:
    # the later steps show that room's ideas to the whole plenary.
    await restored.close_rooms()
    await restored.next_step(restored.state.step_id)
    await restored.announcements.settled()
    heard_now: list[Audience] = []
    restored.announcements.subscribe(lambda batch: heard_now.extend(change.audience for change in batch))
    await restored.act(functools.partial(ideas.hide, idea_id=in_first[0].id, hidden=True))
    await restored.announcements.settled()
    assert [audience.everyone for audience in heard_now] == [True]


async def test_participants_edit_and_delete_their_own_ideas_in_their_room(setup: Setup) -> None:
    live = setup.live
    [breakout] = await with_ideas(setup, 1, max_length=50)
    amina, bob, chloe, david = await setup.people("Amina", "Bob", "Chloé", "David")
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    first, second = (room.id for room in live.plan.breakout_rooms)
    for pid, room in ((amina, first), (bob, first), (chloe, second), (david, second)):
        await live.move(pid, room)
    await post(live, amina, "  Des bancs à l'ombre  ")
    [mine] = ideas_at(live.state, breakout, first)
    assert mine.text == "Des bancs à l'ombre"
    await live.act(functools.partial(ideas.edit, participant_id=amina, idea_id=mine.id, text="Des bancs"))
    assert ideas.idea(live.state, mine.id).text == "Des bancs"  # type: ignore[union-attr]
    with pytest.raises(NotAllowed, match="your own"):
        await live.act(functools.partial(ideas.edit, participant_id=bob, idea_id=mine.id, text="Non"))
    with pytest.raises(NotAllowed, match="your own"):
        await live.act(functools.partial(ideas.delete, participant_id=bob, idea_id=mine.id))
    with pytest.raises(NotAllowed, match="another room"):
        await live.act(functools.partial(ideas.delete, participant_id=chloe, idea_id=mine.id))
    with pytest.raises(NotFound):
        await live.act(functools.partial(ideas.delete, participant_id=amina, idea_id=999))
    await live.act(functools.partial(ideas.delete, participant_id=amina, idea_id=mine.id))
    assert ideas_at(live.state, breakout) == [] and ideas.idea(live.state, mine.id) is None
    # Moved to the other room, Amina posts there and cannot touch her first room's ideas.
    await post(live, amina, "Une fontaine")
    await live.move(amina, second)
    await post(live, amina, "Un marché")
    assert texts(ideas_at(live.state, breakout, second)) == ["Un marché"]
    [fountain] = ideas_at(live.state, breakout, first)
    with pytest.raises(NotAllowed, match="another room"):
        await live.act(functools.partial(ideas.edit, participant_id=amina, idea_id=fountain.id, text="Deux"))
    with pytest.raises(NotAllowed, match="same step and room"):
        await live.act(functools.partial(ideas.merge, idea_id=fountain.id, into_id=fountain.id + 1))


async def test_bad_texts_are_refused_and_markup_is_kept_as_text(setup: Setup) -> None:
    live = setup.live
    [welcome] = await with_ideas(setup, 0, max_length=50)
    [amina] = await setup.people("Amina")
    await live.start()
    for empty in ("", "   \n\t "):
        with pytest.raises(InvalidValue, match="Write your idea"):
            await post(live, amina, empty)
    with pytest.raises(InvalidValue, match="at most 50 characters"):
        await post(live, amina, "x" * 51)
    await post(live, amina, "x" * 50)
    markup = ["<b>gras</b>", "<script>alert('x')</script>", "{{ 7 * 7 }} ${1+1}", "<img src=x onerror=alert(1)>"]
    for text in markup:
        await post(live, amina, text)
    assert texts(ideas_at(live.state, welcome))[1:] == markup
    restored = await setup.restart()
    assert texts(ideas_at(restored.state, welcome))[1:] == markup
    [idea] = ideas_at(live.state, welcome)[:1]
    with pytest.raises(InvalidValue):
        await live.act(functools.partial(ideas.edit, participant_id=amina, idea_id=idea.id, text=" "))


async def test_no_ideas_outside_a_running_step_that_carries_them(setup: Setup) -> None:
    live = setup.live
    [breakout] = await with_ideas(setup, 1)
    amina, bob = await setup.people("Amina", "Bob")
    with pytest.raises(NotAllowed, match="not open"):
        await post(live, amina, "Trop tôt")
    await live.start()
    with pytest.raises(NotAllowed, match="not open"):  # the welcome step carries no ideas
        await post(live, amina, "Pas ici")
    await live.next_step(live.state.step_id)
    await post(live, amina, "Ici")  # rooms not open yet: the step's plenary board
    [here] = ideas_at(live.state, breakout, None)
    await live.remove(bob)
    with pytest.raises(NotFound, match="no longer"):
        await post(live, bob, "Parti")
    await live.next_step(live.state.step_id)
    with pytest.raises(NotAllowed, match="not open"):
        await live.act(functools.partial(ideas.edit, participant_id=amina, idea_id=here.id, text="Après"))
    with pytest.raises(NotAllowed, match="not open"):
        await live.act(functools.partial(ideas.delete, participant_id=amina, idea_id=here.id))
    # The moderators may still sort an earlier step's ideas, until the end.
    await live.act(functools.partial(ideas.pin, idea_id=here.id, pinned=True))
    await live.end()
    with pytest.raises(NotAllowed, match="ended"):
        await live.act(functools.partial(ideas.hide, idea_id=here.id, hidden=True))
    assert ideas_at(live.state, breakout)[0].pinned


async def test_moderators_post_hide_pin_tag_and_merge(setup: Setup) -> None:
    live = setup.live
    [breakout] = await with_ideas(setup, 1)
    amina, bob = await setup.people("Amina", "Bob")
    await live.start()
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    first, second = (room.id for room in live.plan.breakout_rooms)
    await live.move(amina, first)
    await live.move(bob, first)
    for pid, text in ((amina, "Pistes cyclables"), (bob, "Vélos partagés"), (amina, "Plus de bancs"),
                      (bob, "Des vélos")):
        await post(live, pid, text)
    await live.act(functools.partial(ideas.post_as_team, text="Consigne : une idée par carte", room_id=first))
    await live.act(functools.partial(ideas.post_as_team, text="Pour la salle 2", room_id=second))
    with pytest.raises(NotFound):
        await live.act(functools.partial(ideas.post_as_team, text="Nulle part", room_id=9999))
    cycle, shared, benches, bikes, rule, other = range(1, 7)
    assert ideas.idea(live.state, rule).author_id is None  # type: ignore[union-attr]
    await live.act(functools.partial(ideas.pin, idea_id=benches, pinned=True))
    await live.act(functools.partial(ideas.hide, idea_id=rule, hidden=True))
    await live.act(functools.partial(ideas.tag, idea_id=cycle, tags=[" mobilité ", "Vélo", "vélo", ""]))
    await live.act(functools.partial(ideas.merge, idea_id=bikes, into_id=shared))
    await live.act(functools.partial(ideas.merge, idea_id=shared, into_id=cycle))  # its merged idea follows
    assert texts(ideas_at(live.state, breakout, first)) == ["Plus de bancs", "Pistes cyclables"]
    assert ideas.idea(live.state, cycle).tags == ("mobilité", "Vélo")  # type: ignore[union-attr]
    assert texts(merged_with(live.state, cycle)) == ["Vélos partagés", "Des vélos"]
    assert texts(ideas.hidden_at(live.state, breakout, first)) == ["Consigne : une idée par carte"]
    with pytest.raises(NotAllowed, match="same step and room"):
        await live.act(functools.partial(ideas.merge, idea_id=other, into_id=cycle))
    with pytest.raises(NotAllowed, match="merged"):
        await live.act(functools.partial(ideas.merge, idea_id=benches, into_id=shared))
    with pytest.raises(InvalidValue):
        await live.act(functools.partial(ideas.merge, idea_id=benches, into_id=benches))
    with pytest.raises(InvalidValue, match="At most 5 tags"):
        await live.act(functools.partial(ideas.tag, idea_id=cycle, tags=[str(n) for n in range(6)]))
    with pytest.raises(NotAllowed, match="can no longer be deleted"):
        await live.act(functools.partial(ideas.delete, participant_id=amina, idea_id=cycle))
    with pytest.raises(NotFound):  # merged: no longer on the board for its author
        await live.act(functools.partial(ideas.edit, participant_id=bob, idea_id=shared, text="Autre"))
    await live.act(functools.partial(ideas.hide, idea_id=rule, hidden=False))
    board = {(each.id, each.pinned, each.tags, each.merged_into)
             for each in ideas.ideas_state(live.state).ideas.values()}
    restored = await setup.restart()
    assert {(each.id, each.pinned, each.tags, each.merged_into)
            for each in ideas.ideas_state(restored.state).ideas.values()} == board
    assert texts(ideas_at(restored.state, breakout, first)) == ["Plus de bancs", "Pistes cyclables",
                                                                "Consigne : une idée par carte"]
