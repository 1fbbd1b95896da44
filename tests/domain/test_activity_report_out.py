"""The report-out: every room's summary and top ideas from the earlier steps, one room put on the stage and taken
back, the steps it may read from, and a replay."""

from __future__ import annotations

from functools import partial

import pytest

from domain import workshops
from domain.activities import dots, ideas, report_out, summary
from domain.errors import NotAllowed, NotFound
from domain.live.events import EVERYONE
from domain.models import Step, StepKind
from tests.domain.conftest import Setup


async def prepared(setup: Setup) -> tuple[Step, Step, Step]:
    """Welcome, a breakout writing summaries, a plenary, a breakout with an ideas board, a dot vote on them, the
    report-out."""
    workshop = setup.workshop
    ideas_step = await workshops.add_step(workshop, template="breakout_discussion")
    vote = await workshops.add_step(workshop)
    report = await workshops.add_step(workshop)
    assert report.kind == StepKind.PLENARY
    summary_step = setup.live.steps[1]
    await workshops.update_step(summary_step, "activity", {"kind": "summary"})
    await workshops.update_step(ideas_step, "activity", {"kind": "ideas"})
    await workshops.update_step(vote, "activity", {"kind": "dots", "source_step_id": ideas_step.id, "dots": 3})
    await workshops.update_step(report, "activity", {"kind": "report_out"})
    return summary_step, ideas_step, report


async def test_the_report_out_shows_each_room_and_puts_one_on_stage(setup: Setup) -> None:
    live = setup.live
    summary_step, ideas_step, report = await prepared(setup)
    first, second = (room.id for room in live.plan.breakout_rooms)
    await live.start()
    amina, bob, chloe = await setup.people("Amina", "Bob", "Chloé")
    await live.next_step(live.state.step_id)  # the summaries
    await live.open_rooms()
    for pid, room_id in ((amina, first), (bob, first), (chloe, second)):
        if live.state.room_of(pid) != room_id:
            await live.move(pid, room_id)
    for pid, text in ((amina, "Des bancs et de l’ombre."), (chloe, "<i>Plus d’arbres</i>")):
        await live.act(partial(summary.take_pen, participant_id=pid))
        await live.act(partial(summary.write, participant_id=pid, text=text))
    await live.close_rooms()
    await live.next_step(live.state.step_id)  # a plenary
    await live.next_step(live.state.step_id)  # the ideas
    await live.open_rooms(keep_groups=True)
    for number in range(1, 6):
        await live.act(partial(ideas.post, participant_id=amina, text=f"Idée {number}"))
    posted = ideas.ideas_at(live.state, ideas_step.id, first)
    await live.act(partial(ideas.pin, idea_id=posted[3].id, pinned=True))
    await live.act(partial(ideas.hide, idea_id=posted[0].id, hidden=True))
    await live.act(partial(ideas.post, participant_id=chloe, text="Idée de Chloé"))
    await live.close_rooms()
    with pytest.raises(NotAllowed):
        await live.act(partial(report_out.show_room, room_id=first))  # not the report-out yet
    settings = report_out.ReportOutSettings()

    def top(room_id: int) -> list[tuple[str, int | None]]:
        card = next(card for card in report_out.cards(live.state, live.plan, report, settings)
                    if card.room_id == room_id)
        return [(idea.text, idea.dots) for idea in card.ideas]

    # Before a dot vote is revealed: pinned first, then the first posted; hidden ones left out.
    assert top(first) == [("Idée 4", None), ("Idée 2", None), ("Idée 3", None)]
    await live.next_step(live.state.step_id)  # the dot vote, in the plenary: every room's ideas
    for pid, number in ((amina, 5), (amina, 5), (bob, 3), (bob, 5), (chloe, 3)):
        await live.act(partial(dots.place, participant_id=pid, idea_id=posted[number - 1].id))
    assert top(first) == [("Idée 4", None), ("Idée 2", None), ("Idée 3", None)]  # counts still hidden
    await live.act(dots.reveal)
    # Revealed: pinned first still, then by dots (Idée 5: 3, Idée 3: 2), then the first posted.
    assert top(first) == [("Idée 4", 0), ("Idée 5", 3), ("Idée 3", 2)]
    await live.next_step(live.state.step_id)
    assert live.current_step.id == report.id

    assert report_out.source_of(live.plan, report, settings).id == summary_step.id
    assert report_out.ideas_source_of(live.plan, report, settings).id == ideas_step.id
    cards = report_out.cards(live.state, live.plan, live.current_step, settings)
    assert [(card.room_id, card.summary, len(card.ideas), card.more_ideas) for card in cards] == [
        (first, "Des bancs et de l’ombre.", 3, 1),
        (second, "<i>Plus d’arbres</i>", 1, 0),
    ]

    await live.act(partial(report_out.show_room, room_id=second))
    assert report_out.on_stage(live.state, report.id) == second
    with pytest.raises(NotFound):
        await live.act(partial(report_out.show_room, room_id=9999))
    heard = [event for event in await setup.heard() if isinstance(event, report_out.RoomOnStage)]
    assert heard[0].reaches(live.state) == EVERYONE  # a plenary matter: every page
    restored = await setup.restart()
    assert report_out.on_stage(restored.state, report.id) == second
    assert report_out.cards(restored.state, restored.plan, restored.current_step, settings) == cards
    await restored.act(partial(report_out.show_room, room_id=None))
    assert report_out.on_stage(restored.state, report.id) is None


async def test_the_report_out_reads_only_from_earlier_steps_that_fit(setup: Setup) -> None:
    live = setup.live
    summary_step, ideas_step, report = await prepared(setup)
    plan = live.plan
    assert [step.id for step in report_out.summary_steps(plan, report)] == [summary_step.id]
    assert [step.id for step in report_out.ideas_steps(plan, report)] == [ideas_step.id]
    welcome = plan.steps[0]
    assert report_out.summary_steps(plan, welcome) == [] and report_out.ideas_steps(plan, welcome) == []
    # A step named that is not a summary step before it is not read (it may have been moved or changed since).
    wrong = report_out.ReportOutSettings(source_step_id=ideas_step.id, ideas_step_id=summary_step.id)
    assert report_out.source_of(plan, report, wrong) is None
    assert report_out.ideas_source_of(plan, report, wrong) is None
    cards = report_out.cards(live.state, plan, report, wrong)
    assert [(card.summary, card.ideas) for card in cards] == [("", ()), ("", ())]
    # Only in a plenary step.
    with pytest.raises(Exception, match="does not suit"):
        await workshops.update_step(summary_step, "activity", {"kind": "report_out"})
