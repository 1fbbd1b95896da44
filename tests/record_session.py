"""A scripted live session for the record's tests: who came, spoke, went to which room, what was said, posted,
asked and voted.

Names and contributions carry what must stay text everywhere: a formula, HTML with a script, Vue's template
syntax. The agenda's steps carry activities: questions at the welcome, the ideas board in the breakout rooms, dot
voting on those ideas at the conclusion; a poll at the welcome and a secret one at the conclusion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from domain import feedback, workshops
from domain.activities import dots, ideas, polls, questions
from domain.clock import FakeClock
from domain.live.session import LiveSession
from domain.models import Step, Workshop

FORMULA_NAME = "=HYPERLINK(\"http://evil.example\",\"x\")"
SCRIPT_NAME = "<script>alert(1)</script>"
VUE_NAME = "{{ 1+1 }}"
NAMES = ("Amina", "Bob", FORMULA_NAME, SCRIPT_NAME, VUE_NAME)
NOTICE = "@everyone -5 minutes, =1+1"
QUESTION = "What would you change?"
# What people post, ask and answer: text everywhere, never markup, never a formula.
IDEAS = {  # by author, in the order they post: the first two rooms' ideas
    "Amina": "=1+1 more benches",
    FORMULA_NAME: "<img src=x onerror=alert(1)>",
    VUE_NAME: "More benches, please {{ constructor }}",
    "Bob": "Bike lanes",
    SCRIPT_NAME: "<script>alert('idea')</script>",
}
EDITED_IDEA = "Bike lanes on every street"
TEAM_IDEA = "@team: a quieter square"
ASKED = {"Amina": "When does the work start?", SCRIPT_NAME: "<b>Who pays?</b> {{ 2+2 }}"}
POLL_QUESTION, POLL_CHOICES = "Which evening suits you?", ("Monday", "=SUM(A1:A2)")
SECRET_QUESTION, SECRET_CHOICES = "Would you come again?", ("Yes", "No")


@dataclass
class Script:
    """What happened, to check the record against."""

    ids: dict[str, int] = field(default_factory=dict)
    rooms: dict[str, int] = field(default_factory=dict)  # name -> room id
    started_at: datetime | None = None
    ended_at: datetime | None = None
    spoken: dict[str, timedelta] = field(default_factory=dict)
    left: dict[str, datetime] = field(default_factory=dict)
    steps: list[int] = field(default_factory=list)  # the agenda's step ids
    ideas: dict[str, int] = field(default_factory=dict)  # author -> idea id ("team": the moderators')
    questions: dict[str, int] = field(default_factory=dict)  # asker -> question id
    up_votes: dict[str, set[str]] = field(default_factory=dict)  # asker -> who up-voted their question
    ballots: dict[str, tuple[int, ...]] = field(default_factory=dict)  # the open poll's last ballots
    secret: tuple[int, int] = (0, 0)  # the secret poll's counts
    dots: dict[str, dict[str, int]] = field(default_factory=dict)  # voter -> author of the idea -> dots


async def prepare_activities(live: LiveSession) -> list[int]:
    """Questions at the welcome, ideas in the breakout, dots on them at the conclusion: the steps' ids."""
    welcome, breakout, conclusion = (step.id for step in live.steps)
    for step_id, activity in ((welcome, {"kind": questions.KIND}), (breakout, {"kind": ideas.KIND}),
                              (conclusion, {"kind": dots.KIND, "source_step_id": breakout, "dots": 3})):
        await workshops.update_step(await Step.get(id=step_id), "activity", activity)
    await live.replace_plan(await workshops.load_plan_by_id(live.plan.workshop.id))  # a registry not following edits
    return [welcome, breakout, conclusion]


async def run_script(live: LiveSession, clock: FakeClock, workshop: Workshop) -> Script:
    """Five people; two turns; a notice; questions and a poll; a breakout in two rooms posting ideas; Bob leaves;
    dot voting and a secret poll; feedback; the end."""
    workshop.feedback_questions = [QUESTION]
    await workshop.save()
    script = Script()
    script.steps = await prepare_activities(live)
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
    await questions_and_a_poll(live, clock, script)  # 10 seconds
    clock.advance(minutes=6, seconds=-10)  # the welcome ran 12.5 minutes of its 10
    await live.next_step(welcome)
    breakout = live.state.step_id
    await live.open_rooms()
    await ideas_in_rooms(live, clock, script)  # 2.5 minutes
    clock.advance(minutes=17.5)
    await live.page_closed(script.ids["Bob"], "page-Bob")  # Bob leaves during the breakout
    script.left["Bob"] = clock.now()
    clock.advance(minutes=5)
    await live.close_rooms()
    await live.next_step(breakout)
    await dots_and_a_secret_poll(live, script)
    clock.advance(minutes=8)
    for name, level in (("Amina", 5), (SCRIPT_NAME, 2)):
        respondent = await feedback.respondent_on_stage(script.ids[name])
        await feedback.answer(respondent, level, [(QUESTION, f"=cmd|' /C calc'!A0 ({level})")])
    await live.end()
    script.ended_at = clock.now()
    return script


async def questions_and_a_poll(live: LiveSession, clock: FakeClock, script: Script) -> None:
    """Two questions, three up-votes, one answered; a poll (not secret) where Bob changes his mind."""
    ids = script.ids
    for name, text in ASKED.items():
        await live.act(partial(questions.ask, participant_id=ids[name], text=text))
        script.questions[name] = max(questions.questions_state(live.state).questions)
    script.up_votes = {"Amina": {"Bob", VUE_NAME}, SCRIPT_NAME: {"Amina"}}
    for asker, voters in script.up_votes.items():
        for voter in sorted(voters):
            await live.act(partial(questions.up_vote, participant_id=ids[voter], question_id=script.questions[asker]))
    await live.act(partial(questions.mark_answered, question_id=script.questions["Amina"]))
    await polls.open_poll(live, question=POLL_QUESTION, choices=POLL_CHOICES)
    clock.advance(seconds=10)
    for name, chosen in (("Amina", (0,)), ("Bob", (1,)), (FORMULA_NAME, (1,)), ("Bob", (0,))):
        await polls.cast_ballot(live, ids[name], 1, chosen)
        script.ballots[name] = chosen
    await polls.close_poll(live, 1)


async def ideas_in_rooms(live: LiveSession, clock: FakeClock, script: Script) -> None:
    """Each room posts its ideas; Bob edits his; the moderators post one, tag, pin, hide and merge."""
    for name, text in IDEAS.items():
        await live.act(partial(ideas.post, participant_id=script.ids[name], text=text))
        script.ideas[name] = ideas.ideas_state(live.state).last_id
        clock.advance(seconds=30)
    await live.act(partial(ideas.edit, participant_id=script.ids["Bob"], idea_id=script.ideas["Bob"],
                           text=EDITED_IDEA))
    await live.act(partial(ideas.post_as_team, text=TEAM_IDEA, room_id=script.rooms["Bob"]))
    script.ideas["team"] = ideas.ideas_state(live.state).last_id
    await live.act(partial(ideas.tag, idea_id=script.ideas["Amina"], tags=["=tag", "benches"]))
    await live.act(partial(ideas.pin, idea_id=script.ideas["Bob"], pinned=True))
    await live.act(partial(ideas.hide, idea_id=script.ideas[FORMULA_NAME], hidden=True))
    await live.act(partial(ideas.merge, idea_id=script.ideas[VUE_NAME], into_id=script.ideas["Amina"]))


async def dots_and_a_secret_poll(live: LiveSession, script: Script) -> None:
    """At the conclusion, in the plenary: dots on every room's ideas, revealed; a secret poll, closed."""
    ids, idea_of = script.ids, script.ideas
    script.dots = {"Amina": {"Bob": 2, "Amina": 1}, SCRIPT_NAME: {"Amina": 1}, VUE_NAME: {SCRIPT_NAME: 1}}
    for voter, placed in script.dots.items():
        for author, number in placed.items():
            for _ in range(number):
                await live.act(partial(dots.place, participant_id=ids[voter], idea_id=idea_of[author]))
    await live.act(dots.reveal)
    await polls.open_poll(live, question=SECRET_QUESTION, choices=SECRET_CHOICES, secret=True)
    for name, chosen in (("Amina", 0), (SCRIPT_NAME, 1), (VUE_NAME, 0)):
        await polls.cast_ballot(live, ids[name], 2, [chosen])
    script.secret = (2, 1)
    await polls.close_poll(live, 2)
