"""The room summary: one pen per room, taken, asked for, handed over, freed when its holder leaves or goes quiet;
the text saved as typed, within its length, only by the holder, and a replay that brings it all back."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from domain import workshops
from domain.activities import summary
from domain.errors import InvalidValue, NotAllowed
from domain.live.events import Aspect
from domain.live.session import LiveSession
from tests.domain.conftest import Setup


async def in_rooms(setup: Setup, *groups: tuple[str, ...]) -> tuple[list[list[int]], list[int]]:
    """The breakout step carrying a room summary running, these people in the rooms in this order."""
    live = setup.live
    breakout = live.steps[1]
    await workshops.update_step(breakout, "activity", {"kind": "summary", "max_length": 200})
    await live.start()
    ids = [await setup.people(*names) for names in groups]
    await live.next_step(live.state.step_id)
    await live.open_rooms()
    rooms = [room.id for room in live.plan.breakout_rooms]
    for room_id, people in zip(rooms, ids, strict=False):
        for pid in people:
            if live.state.room_of(pid) != room_id:
                await live.move(pid, room_id)
    return ids, rooms


def text_of(live: LiveSession, room_id: int) -> summary.RoomSummary:
    return summary.summary_of(live.state, live.state.step_id or 0, room_id)


async def test_two_people_taking_the_pen_at_once_get_one_pen(setup: Setup) -> None:
    live = setup.live
    [[amina, bob], [chloe]], [first, second] = await in_rooms(setup, ("Amina", "Bob"), ("Chloé",))
    results = await asyncio.gather(live.act(partial(summary.take_pen, participant_id=amina)),
                                   live.act(partial(summary.take_pen, participant_id=bob)),
                                   return_exceptions=True)
    refused = [result for result in results if isinstance(result, NotAllowed)]
    assert len(refused) == 1 and "is writing" in str(refused[0])
    holder = text_of(live, first).holder
    assert holder in (amina, bob)
    other = bob if holder == amina else amina
    with pytest.raises(NotAllowed, match="holds the pen"):
        await live.act(partial(summary.write, participant_id=other, text="Moi aussi"))
    await live.act(partial(summary.write, participant_id=holder, text="Nous voulons des bancs."))
    assert text_of(live, first).text == "Nous voulons des bancs."
    # The other room has its own pen and text.
    await live.act(partial(summary.take_pen, participant_id=chloe))
    await live.act(partial(summary.write, participant_id=chloe, text="<b>Arbres</b> {{ x }}"))
    assert (text_of(live, second).holder, text_of(live, second).text) == (chloe, "<b>Arbres</b> {{ x }}")
    assert text_of(live, first).text == "Nous voulons des bancs."
    heard = [event for event in await setup.heard() if Aspect.ACTIVITIES in event.aspects]
    assert {event.room_id for event in heard} == {first, second}  # each reaches its own room only
    assert all(event.reaches(live.state).rooms == {event.room_id} for event in heard)


async def test_the_pen_is_freed_when_its_holder_leaves_or_goes_quiet(setup: Setup) -> None:
    live, clock = setup.live, setup.clock
    [[amina, bob, chloe]], [first, _second] = await in_rooms(setup, ("Amina", "Bob", "Chloé"))
    await live.act(partial(summary.take_pen, participant_id=amina))
    await live.act(partial(summary.write, participant_id=amina, text="Premier jet"))
    # Asking: the holder may hand it over; the one who asked may take it after a quiet while.
    await live.act(partial(summary.ask_pen, participant_id=bob))
    assert text_of(live, first).asked_by == bob
    clock.advance(seconds=20)
    with pytest.raises(NotAllowed):
        await live.act(partial(summary.take_pen, participant_id=bob))
    await live.act(partial(summary.write, participant_id=amina, text="Premier jet, suite"))
    clock.advance(seconds=29)
    with pytest.raises(NotAllowed):  # she typed after the asking: 29 s of quiet is not enough
        await live.act(partial(summary.take_pen, participant_id=bob))
    assert summary.free_at(text_of(live, first), bob) == text_of(live, first).active_at + summary.ASK_WAIT
    clock.advance(seconds=1)
    with pytest.raises(NotAllowed):  # Chloé did not ask: she waits for the longer quiet
        await live.act(partial(summary.take_pen, participant_id=chloe))
    await live.act(partial(summary.take_pen, participant_id=bob))
    assert text_of(live, first).holder == bob
    # Handing over to whoever asked.
    await live.act(partial(summary.ask_pen, participant_id=chloe))
    with pytest.raises(NotAllowed):
        await live.act(partial(summary.give_pen, participant_id=amina, to=chloe))  # not hers to give
    await live.act(partial(summary.give_pen, participant_id=bob, to=chloe))
    assert (text_of(live, first).holder, text_of(live, first).asked_by) == (chloe, None)
    # Silent for two minutes: anyone may take over.
    clock.advance(seconds=119)
    with pytest.raises(NotAllowed):
        await live.act(partial(summary.take_pen, participant_id=amina))
    clock.advance(seconds=1)
    await live.act(partial(summary.take_pen, participant_id=amina))
    # Gone: all her pages closed, the pen is free at once.
    await live.page_closed(amina, "page-Amina")
    assert not summary.holder_is_here(live.state, text_of(live, first))
    await live.act(partial(summary.take_pen, participant_id=bob))
    await live.act(partial(summary.release_pen, participant_id=bob))
    assert text_of(live, first).holder is None
    assert text_of(live, first).written_by == [amina]
    with pytest.raises(NotAllowed, match="Take the pen"):
        await live.act(partial(summary.write, participant_id=bob, text="x"))


async def test_the_text_is_checked_and_kept_as_text(setup: Setup) -> None:
    live = setup.live
    [[amina]], [first, _second] = await in_rooms(setup, ("Amina",))
    await live.act(partial(summary.take_pen, participant_id=amina))
    with pytest.raises(InvalidValue, match="200"):
        await live.act(partial(summary.write, participant_id=amina, text="a" * 201))
    await live.act(partial(summary.write, participant_id=amina, text="a" * 200))
    await live.act(partial(summary.write, participant_id=amina, text="<script>alert(1)</script>\r\nfin\x00\x07"))
    assert text_of(live, first).text == "<script>alert(1)</script>\nfin"
    revision = text_of(live, first).revision
    await live.act(partial(summary.write, participant_id=amina, text="<script>alert(1)</script>\nfin"))
    assert text_of(live, first).revision == revision  # the same text is not saved again
    await live.close_rooms()
    with pytest.raises(NotAllowed, match="breakout rooms"):
        await live.act(partial(summary.write, participant_id=amina, text="après"))
    await live.next_step(live.state.step_id)
    with pytest.raises(NotAllowed, match="not open"):
        await live.act(partial(summary.take_pen, participant_id=amina))


async def test_a_restart_replays_the_summaries_and_the_pen(setup: Setup) -> None:
    live = setup.live
    [[amina, bob], [chloe]], [first, second] = await in_rooms(setup, ("Amina", "Bob"), ("Chloé",))
    step_id = live.state.step_id
    await live.act(partial(summary.take_pen, participant_id=amina))
    await live.act(partial(summary.write, participant_id=amina, text="Ligne 1\nLigne 2"))
    await live.act(partial(summary.ask_pen, participant_id=bob))
    await live.act(partial(summary.take_pen, participant_id=chloe))
    await live.act(partial(summary.write, participant_id=chloe, text="Salle 2"))
    restored = await setup.restart()
    assert summary.summaries_at(restored.state, step_id) == summary.summaries_at(live.state, step_id)
    again = summary.summary_of(restored.state, step_id, first)
    assert (again.text, again.holder, again.asked_by, again.revision) == ("Ligne 1\nLigne 2", amina, bob, 1)
    assert summary.summary_of(restored.state, step_id, second).text == "Salle 2"


def test_the_settings_are_bounded() -> None:
    activity = summary.RoomSummaryActivity()
    assert activity.default_settings() == summary.SummarySettings(max_length=1500)
    with pytest.raises(InvalidValue):
        activity.settings({"max_length": 10})
    with pytest.raises(InvalidValue):
        activity.settings({"max_length": 1500, "other": 1})
