"""A scripted live session for the record's tests: who came, spoke, went to which room, what was said.

Names carry what must stay text everywhere: a formula, HTML with a script, Vue's template syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain import feedback
from domain.clock import FakeClock
from domain.live.session import LiveSession
from domain.models import Workshop

FORMULA_NAME = "=HYPERLINK(\"http://evil.example\",\"x\")"
SCRIPT_NAME = "<script>alert(1)</script>"
VUE_NAME = "{{ 1+1 }}"
NAMES = ("Amina", "Bob", FORMULA_NAME, SCRIPT_NAME, VUE_NAME)
NOTICE = "@everyone -5 minutes, =1+1"
QUESTION = "What would you change?"


@dataclass
class Script:
    """What happened, to check the record against."""

    ids: dict[str, int] = field(default_factory=dict)
    rooms: dict[str, int] = field(default_factory=dict)  # name -> room id
    started_at: datetime | None = None
    ended_at: datetime | None = None
    spoken: dict[str, timedelta] = field(default_factory=dict)
    left: dict[str, datetime] = field(default_factory=dict)


async def run_script(live: LiveSession, clock: FakeClock, workshop: Workshop) -> Script:
    """Five people; two turns; a notice; a breakout in two rooms; Bob leaves; feedback; the end."""
    workshop.feedback_questions = [QUESTION]
    await workshop.save()
    script = Script()
    for name in NAMES:
        person, _token = await live.join(name, arrival_answer=f"Answer of {name}")
        script.ids[name] = person.id
    for name in NAMES:
        await live.page_connected(script.ids[name], f"page-{name}")
    first, second = live.plan.breakout_rooms
    for number, name in enumerate(NAMES):
        room = first if number % 2 == 0 else second
        await live.choose_room(script.ids[name], room.id)
        script.rooms[name] = room.id
    await live.open_doors()
    await live.start()
    script.started_at = clock.now()
    welcome = live.state.step_id
    clock.advance(minutes=2)
    await live.give_floor(script.ids["Amina"])
    clock.advance(minutes=3)
    await live.give_floor(script.ids[FORMULA_NAME])  # ends Amina's turn: 3 minutes
    clock.advance(seconds=90)
    await live.take_floor_back()
    script.spoken = {"Amina": timedelta(minutes=3), FORMULA_NAME: timedelta(seconds=90)}
    await live.broadcast(NOTICE)
    clock.advance(minutes=6)  # the welcome ran 12.5 minutes of its 10
    await live.next_step(welcome)
    breakout = live.state.step_id
    await live.open_rooms()
    clock.advance(minutes=20)
    await live.page_closed(script.ids["Bob"], "page-Bob")  # Bob leaves during the breakout
    script.left["Bob"] = clock.now()
    clock.advance(minutes=5)
    await live.close_rooms()
    await live.next_step(breakout)
    clock.advance(minutes=8)
    for name, level in (("Amina", 5), (SCRIPT_NAME, 2)):
        respondent = await feedback.respondent_on_stage(script.ids[name])
        await feedback.answer(respondent, level, [(QUESTION, f"=cmd|' /C calc'!A0 ({level})")])
    await live.end()
    script.ended_at = clock.now()
    return script
