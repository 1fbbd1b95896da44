"""Polls: a question with 2 to 10 choices, single or multiple choice, open or secret, results live or at the end.

A poll is prepared in the wizard as a step's activity, or made live by a moderator at any running step (beside
the step's own activity, if it has one); either way the moderator opens it, and closes it. Who may vote: everyone
(`room_id` None, wherever they are), or the people of one breakout room. Votes count only while the poll is
open and its step runs; each participant has one ballot per poll. An open poll's ballot may be changed while the
poll is open (the last one counts); a secret ballot cannot, since nothing remembers what it said.

Secret polls: the event log says that someone voted (`SecretBallotCast`, no answer) and the answer only adds to
the poll's counts in the `poll_tally` row (`SecretCount`, not logged), written in the same transaction. Nothing
stored ties a voter to an answer nor orders the answers. SQLite writes over what it replaces (`secure_delete`,
domain/database.py), and closing a secret poll empties the write-ahead journal, which held each version of the
counts (`forget_replaced_pages`). Until it closes, a secret poll shows only how many voted, to moderators too:
counts that move with each ballot would tell, by their timing, who voted what.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field, field_validator
from tortoise.backends.base.client import BaseDBAsyncClient

from domain.activities.base import ActivityEvent, ActivityType, Moment, Settings, activity_of, activity_state, register
from domain.database import forget_replaced_pages
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.i18n import N_
from domain.live.events import EVERYONE, NOBODY, Audience, LiveEvent
from domain.live.state import LiveState
from domain.models import PollTally, RunPhase, Step

if TYPE_CHECKING:
    from domain.live.session import LiveSession

KIND = "poll"
MIN_CHOICES, MAX_CHOICES = 2, 10
QUESTION_LENGTH, CHOICE_LENGTH = 300, 120


class PollSettings(Settings):
    """A prepared poll. Drafts are kept as typed (an empty question, empty choices): the wizard saves each field as
    it changes, and opening the poll checks it is complete."""

    question: str = Field(default="", max_length=QUESTION_LENGTH)
    choices: tuple[str, ...] = Field(default=("", ""), min_length=MIN_CHOICES, max_length=MAX_CHOICES)
    multiple: bool = False
    secret: bool = False
    results_live: bool = False  # shown while the poll is open (never for a secret poll)

    @field_validator("choices")
    @classmethod
    def short_choices(cls, choices: tuple[str, ...]) -> tuple[str, ...]:
        if any(len(choice) > CHOICE_LENGTH for choice in choices):
            raise ValueError("choice too long")
        return choices


@register
class PollActivity(ActivityType):
    kind = KIND
    label = N_("Poll")
    settings_model = PollSettings

    async def restore(self, run_id: int, state: LiveState) -> None:
        polls = polls_of(state)
        secret = [poll for poll in polls.polls.values() if poll.secret]
        if not secret:
            return
        tallies = {tally.poll: tally.counts for tally in await PollTally.filter(run_id=run_id)}
        for poll in secret:
            counts = tallies.get(poll.id, [])
            if len(counts) == len(poll.choices):
                poll.counts = list(counts)
        if not any(poll.open for poll in secret):
            await forget_replaced_pages()  # a restart after a crash in the middle of closing

    def on_time(self, moment: Moment) -> list[LiveEvent]:
        """The live polls whose counts moved since the stages last heard them."""
        return [LiveCountsShown(at=moment.now, step_id=poll.step_id, room_id=poll.room_id, poll_id=poll.id,
                                counts=tuple(poll.counts))
                for poll in polls_of(moment.state).polls.values()
                if poll.open and poll.results_live and poll.counts != poll.shown_counts]


# ------------------------------------------------------------------ state


@dataclass
class Poll:
    id: int
    step_id: int
    room_id: int | None  # None: everyone votes, wherever they are
    prepared: bool  # the step's own poll, prepared in the wizard
    question: str
    choices: tuple[str, ...]
    multiple: bool
    secret: bool
    results_live: bool
    open: bool = True
    counts: list[int] = field(default_factory=list)
    ballots: dict[int, tuple[int, ...]] = field(default_factory=dict)  # an open poll's: who chose what
    voters: set[int] = field(default_factory=set)
    revision: int = 0  # raised by every change, for pages to redraw only what changed
    # A live poll's counts as the stages last heard them: ballots reach the voter and the boards at once, the
    # stages at most once a clock tick (`LiveCountsShown`), so that 300 ballots do not redraw 300 stages each.
    shown_counts: list[int] = field(default_factory=list)

    @property
    def counts_on_stage(self) -> list[int]:
        """The counts the participants' pages show: the last ones sent while open, the final ones once closed."""
        return self.counts if not self.open else self.shown_counts

    @property
    def voter_count(self) -> int:
        return len(self.voters)

    @property
    def results_shown(self) -> bool:
        """Whether the counts may be shown now (to moderators as to participants)."""
        return not self.open or (self.results_live and not self.secret)

    def audience(self) -> Audience:
        return Audience(rooms=frozenset({self.room_id})) if self.room_id is not None else EVERYONE


@dataclass
class Polls:
    polls: dict[int, Poll] = field(default_factory=dict)

    def at_step(self, step_id: int | None) -> list[Poll]:
        return [poll for poll in self.polls.values() if poll.step_id == step_id]

    def prepared_at(self, step_id: int | None) -> Poll | None:
        return next((poll for poll in self.at_step(step_id) if poll.prepared), None)

    def live_at(self, step_id: int | None) -> list[Poll]:
        return [poll for poll in self.at_step(step_id) if not poll.prepared]


def polls_of(state: LiveState) -> Polls:
    return activity_state(state, KIND, Polls)


# ------------------------------------------------------------------ events


@dataclass(frozen=True, kw_only=True)
class PollOpened(ActivityEvent):
    poll_id: int
    prepared: bool
    question: str
    choices: tuple[str, ...]
    multiple: bool
    secret: bool
    results_live: bool

    def apply(self, state: LiveState) -> None:
        polls_of(state).polls[self.poll_id] = Poll(
            self.poll_id, self.step_id, self.room_id, self.prepared, self.question, self.choices, self.multiple,
            self.secret, self.results_live and not self.secret, counts=[0] * len(self.choices),
            shown_counts=[0] * len(self.choices))


@dataclass(frozen=True, kw_only=True)
class PollClosed(ActivityEvent):
    poll_id: int

    def apply(self, state: LiveState) -> None:
        poll = polls_of(state).polls[self.poll_id]
        poll.open = False
        poll.shown_counts = list(poll.counts)
        poll.revision += 1


@dataclass(frozen=True, kw_only=True)
class BallotCast(ActivityEvent):
    """A ballot of an open poll: who chose what. A second one from the same person replaces their first."""

    poll_id: int
    participant_id: int
    choices: tuple[int, ...]

    def apply(self, state: LiveState) -> None:
        poll = polls_of(state).polls[self.poll_id]
        for index in poll.ballots.get(self.participant_id, ()):
            poll.counts[index] -= 1
        for index in self.choices:
            poll.counts[index] += 1
        poll.ballots[self.participant_id] = self.choices
        poll.voters.add(self.participant_id)
        poll.revision += 1

    def reaches(self, state: LiveState) -> Audience:
        """The voter's pages (and the boards): the others see live counts move with `LiveCountsShown`."""
        return Audience(participants=frozenset({self.participant_id}))


@dataclass(frozen=True, kw_only=True)
class LiveCountsShown(ActivityEvent, persisted=False):
    """A live poll's counts, sent to the poll's pages at most once a clock tick (never logged: the ballots are)."""

    poll_id: int
    counts: tuple[int, ...]

    def apply(self, state: LiveState) -> None:
        poll = polls_of(state).polls[self.poll_id]
        poll.shown_counts = list(self.counts)
        poll.revision += 1

    def reaches(self, state: LiveState) -> Audience:
        poll = polls_of(state).polls.get(self.poll_id)
        return poll.audience() if poll is not None else NOBODY


@dataclass(frozen=True, kw_only=True)
class SecretBallotCast(ActivityEvent):
    """Someone voted in a secret poll; what they chose is in no event (see `SecretCount`)."""

    poll_id: int
    participant_id: int

    def apply(self, state: LiveState) -> None:
        poll = polls_of(state).polls[self.poll_id]
        poll.voters.add(self.participant_id)
        poll.revision += 1

    def reaches(self, state: LiveState) -> Audience:
        return Audience(participants=frozenset({self.participant_id}))


@dataclass(frozen=True, kw_only=True)
class SecretCount(ActivityEvent, persisted=False):
    """A secret poll's counts after one more ballot: never logged, written over the poll's tally row."""

    writes_beside: ClassVar[bool] = True
    poll_id: int
    counts: tuple[int, ...]

    async def store_beside(self, run_id: int, connection: BaseDBAsyncClient) -> None:
        updated = await PollTally.filter(run_id=run_id, poll=self.poll_id).using_db(connection).update(
            counts=list(self.counts))
        if not updated:
            await PollTally.create(run_id=run_id, poll=self.poll_id, counts=list(self.counts), using_db=connection)

    def apply(self, state: LiveState) -> None:
        polls_of(state).polls[self.poll_id].counts = list(self.counts)

    def reaches(self, state: LiveState) -> Audience:
        return NOBODY


# ------------------------------------------------------------------ commands (run with `LiveSession.act`)


def _complete(question: str, choices: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    question = " ".join(question.split())
    cleaned = tuple(" ".join(choice.split()) for choice in choices)
    cleaned = tuple(choice for choice in cleaned if choice)
    if not question:
        raise InvalidValue(N_("Write the poll's question."), field="question")
    if len(question) > QUESTION_LENGTH:
        raise InvalidValue(N_("The question is too long."), field="question")
    if not MIN_CHOICES <= len(cleaned) <= MAX_CHOICES:
        raise InvalidValue(N_("A poll has from 2 to 10 choices."), field="choices")
    if any(len(choice) > CHOICE_LENGTH for choice in cleaned):
        raise InvalidValue(N_("A choice is too long."), field="choices")
    if len(set(cleaned)) != len(cleaned):
        raise InvalidValue(N_("Two choices say the same."), field="choices")
    return question, cleaned


def _running_step(moment: Moment) -> int:
    if moment.state.phase != RunPhase.RUNNING or moment.step is None or moment.step.id is None:
        raise NotAllowed(N_("Polls open while the workshop runs."))
    return moment.step.id


def open_prepared(moment: Moment) -> list[LiveEvent]:
    """Open the poll the current step carries, as it was prepared."""
    step_id = _running_step(moment)
    _step, settings = moment.running(KIND)
    assert isinstance(settings, PollSettings)
    polls = polls_of(moment.state)
    if polls.prepared_at(step_id) is not None:
        raise NotAllowed(N_("This poll was opened already."))
    question, choices = _complete(settings.question, settings.choices)
    return [PollOpened(moment.now, step_id=step_id, poll_id=len(polls.polls) + 1, prepared=True,
                       question=question, choices=choices, multiple=settings.multiple, secret=settings.secret,
                       results_live=settings.results_live and not settings.secret)]


def open_live(moment: Moment, *, question: str, choices: Sequence[str], multiple: bool = False,
              secret: bool = False, results_live: bool = False, room_id: int | None = None) -> list[LiveEvent]:
    """A poll made by a moderator at the running step, for everyone or for one open breakout room."""
    step_id = _running_step(moment)
    if room_id is not None and (not moment.state.rooms_open
                                or room_id not in {room.id for room in moment.plan.breakout_rooms}):
        raise NotAllowed(N_("This room is not open."))
    question, cleaned = _complete(question, choices)
    polls = polls_of(moment.state)
    return [PollOpened(moment.now, step_id=step_id, room_id=room_id, poll_id=len(polls.polls) + 1,
                       prepared=False, question=question, choices=cleaned, multiple=multiple, secret=secret,
                       results_live=results_live and not secret)]


def _poll(moment: Moment, poll_id: int) -> Poll:
    poll = polls_of(moment.state).polls.get(poll_id)
    if poll is None:
        raise NotFound(N_("This poll does not exist."))
    return poll


def close(moment: Moment, *, poll_id: int) -> list[LiveEvent]:
    poll = _poll(moment, poll_id)
    if not poll.open:
        raise NotAllowed(N_("This poll is closed already."))
    return [PollClosed(moment.now, step_id=poll.step_id, room_id=poll.room_id, poll_id=poll.id)]


def vote(moment: Moment, *, participant_id: int, poll_id: int, choices: Sequence[int]) -> list[LiveEvent]:
    """A participant's ballot: refused once the poll closed or its step is over, from outside its room, with no
    choice or several in a single-choice poll, and a second time in a secret poll."""
    moment.person(participant_id)
    poll = _poll(moment, poll_id)
    if not poll.open:
        raise NotAllowed(N_("This poll is closed."))
    if moment.state.phase != RunPhase.RUNNING or moment.state.step_id != poll.step_id:
        raise NotAllowed(N_("This poll is not at this step."))
    if poll.room_id is not None and moment.room_of(participant_id) != poll.room_id:
        raise NotAllowed(N_("This poll is for another room."))
    chosen = tuple(sorted(set(choices)))
    if not chosen:
        raise InvalidValue(N_("Choose an answer."), field="choices")
    if any(not 0 <= index < len(poll.choices) for index in chosen):
        raise InvalidValue(N_("Choose one of the options."), field="choices")
    if len(chosen) > 1 and not poll.multiple:
        raise InvalidValue(N_("Choose one answer only."), field="choices")
    if not poll.secret:
        if poll.ballots.get(participant_id) == chosen:
            return []
        return [BallotCast(moment.now, step_id=poll.step_id, room_id=poll.room_id, poll_id=poll.id,
                           participant_id=participant_id, choices=chosen)]
    if participant_id in poll.voters:
        raise NotAllowed(N_("You have voted already: a secret ballot cannot be changed."))
    counts = list(poll.counts)
    for index in chosen:
        counts[index] += 1
    return [SecretBallotCast(moment.now, step_id=poll.step_id, room_id=poll.room_id, poll_id=poll.id,
                             participant_id=participant_id),
            SecretCount(moment.now, step_id=poll.step_id, room_id=poll.room_id, poll_id=poll.id, counts=tuple(counts))]


# ------------------------------------------------------------------ what pages call


async def open_step_poll(live: LiveSession) -> None:
    await live.act(open_prepared)


async def open_poll(live: LiveSession, *, question: str, choices: Sequence[str], multiple: bool = False,
                    secret: bool = False, results_live: bool = False, room_id: int | None = None) -> None:
    await live.act(partial(open_live, question=question, choices=choices, multiple=multiple, secret=secret,
                           results_live=results_live, room_id=room_id))


async def close_poll(live: LiveSession, poll_id: int) -> None:
    """Close the poll; a secret one's replaced counts are then wiped from SQLite's journal too."""
    await live.act(partial(close, poll_id=poll_id))
    poll = polls_of(live.state).polls.get(poll_id)
    if poll is not None and poll.secret:
        await forget_replaced_pages()


async def cast_ballot(live: LiveSession, participant_id: int, poll_id: int, choices: Sequence[int]) -> None:
    await live.act(partial(vote, participant_id=participant_id, poll_id=poll_id, choices=choices))


def prepared_settings(step: Step | None) -> PollSettings | None:
    """The poll a step carries, as prepared, or None."""
    activity = activity_of(step)
    return activity.settings if activity is not None and isinstance(activity.settings, PollSettings) else None
