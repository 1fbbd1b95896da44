"""Dot voting on the ideas of an earlier step: N dots per person, counts hidden until the moderators reveal them.

The organiser chooses the step whose ideas are voted on (`source_step_id`: a step before this one in the agenda
that carries the ideas board) and how many dots each person has (`dots`, 1 to 10). A participant places their
dots on the ideas on their ballot, several on one idea if they wish, and takes them back while the vote is open.

Which ideas are on a person's ballot:
- in a breakout room, when the ideas were posted in breakout rooms: their own room's ideas (what the room
  wrote, the room now ranks);
- in a breakout room, when the ideas were posted in the plenary: the plenary's ideas (everyone's, ranked by
  each room);
- in the plenary: every idea of that step, every room's together (the whole group ranks all the proposals).
The counts of an idea add up over everyone who voted on it, wherever they were.

Nobody but the voter hears of a dot placed (a participant's page shows their own dots; the boards see only
how many were placed) until a moderator reveals the counts, which closes the vote: then every page shows the
ideas sorted by dots. Ideas the moderators merged bring their dots to the idea they were merged into; hidden or
deleted ones are left out of the counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pydantic import Field

from domain.activities import ideas
from domain.activities.base import (
    ActivityEvent,
    ActivityType,
    Moment,
    Settings,
    activity_of,
    activity_state,
    register,
)
from domain.activities.ideas import Idea
from domain.errors import NotAllowed, NotFound
from domain.i18n import N_
from domain.live.events import Audience, LiveEvent
from domain.live.state import LiveState
from domain.models import Step, StepKind
from domain.planning import WorkshopPlan

KIND = "dots"
MAX_DOTS = 10


class DotsSettings(Settings):
    source_step_id: int | None = None  # the earlier step whose ideas are voted on
    dots: int = Field(default=3, ge=1, le=MAX_DOTS)


@register
class DotVoting(ActivityType):
    kind = KIND
    order = 40
    label = N_("Dot voting")
    settings_model = DotsSettings


def source_steps(plan: WorkshopPlan, step_id: int) -> list[Step]:
    """The steps before this one in the agenda that carry an ideas board: what its dots may vote on."""
    found: list[Step] = []
    for step in plan.steps:
        if step.id == step_id:
            return found
        activity = activity_of(step)
        if activity is not None and activity.kind == ideas.KIND:
            found.append(step)
    return []  # the step is not in this agenda


# ------------------------------------------------------------------ state


@dataclass
class DotVote:
    """The dots of one dot-voting step."""

    step_id: int
    source_step_id: int
    dots: dict[int, Counter[int]] = field(default_factory=dict)  # participant -> idea -> dots
    revealed: bool = False

    def of(self, participant_id: int) -> Counter[int]:
        return self.dots.get(participant_id, Counter())

    def placed_by(self, participant_id: int) -> int:
        return self.of(participant_id).total()

    @property
    def placed(self) -> int:
        return sum(dots.total() for dots in self.dots.values())

    @property
    def voters(self) -> int:
        return sum(1 for dots in self.dots.values() if dots.total())


@dataclass
class DotsState:
    votes: dict[int, DotVote] = field(default_factory=dict)  # by the dot-voting step's id


def dots_state(state: LiveState) -> DotsState:
    return activity_state(state, KIND, DotsState)


def vote_of(state: LiveState, step_id: int, source_step_id: int) -> DotVote:
    """This step's vote (empty before the first dot)."""
    found = dots_state(state).votes.get(step_id)
    return found if found is not None else DotVote(step_id, source_step_id)


def counts(state: LiveState, source_step_id: int) -> dict[int, int]:
    """The dots on each shown idea of this step, every dot-voting step on it and every room together (ideas
    merged into another bring theirs to it; hidden and deleted ones are left out). For the report-out."""
    total: Counter[int] = Counter()
    for vote in dots_state(state).votes.values():
        if vote.source_step_id != source_step_id:
            continue
        for dots in vote.dots.values():
            for idea_id, number in dots.items():
                found = ideas.idea(state, idea_id)
                if found is not None and found.merged_into is not None:
                    found = ideas.idea(state, found.merged_into)
                if found is not None and found.shown and number:
                    total[found.id] += number
    return dict(total)


def revealed(state: LiveState, source_step_id: int) -> bool:
    """Whether the moderators revealed the counts of a dot vote on this step's ideas."""
    return any(vote.revealed for vote in dots_state(state).votes.values() if vote.source_step_id == source_step_id)


def ballot(state: LiveState, source: Step, room_id: int | None) -> list[Idea]:
    """The ideas someone where `room_id` says (None: the plenary) votes on; see the module's docstring."""
    if room_id is not None and source.kind == StepKind.BREAKOUT:
        return ideas.ideas_at(state, source.id, room_id)
    if room_id is not None:
        return ideas.ideas_at(state, source.id, None)
    return ideas.ideas_at(state, source.id)


def ranked(state: LiveState, found: list[Idea], source_step_id: int) -> list[tuple[Idea, int]]:
    """These ideas with their dots, the most first (then in the ballot's order)."""
    total = counts(state, source_step_id)
    return sorted(((idea, total.get(idea.id, 0)) for idea in found), key=lambda pair: -pair[1])


# ------------------------------------------------------------------ events


@dataclass(frozen=True, kw_only=True)
class DotPlaced(ActivityEvent, kind="DotPlaced"):
    """A dot placed on an idea (`placed`), or taken back: only the voter's pages hear of it, and the boards."""

    source_step_id: int
    idea_id: int
    participant_id: int
    placed: bool

    def apply(self, state: LiveState) -> None:
        votes = dots_state(state).votes
        vote = votes.get(self.step_id)
        if vote is None:
            vote = votes[self.step_id] = DotVote(self.step_id, self.source_step_id)
        dots = vote.dots.setdefault(self.participant_id, Counter())
        dots[self.idea_id] += 1 if self.placed else -1
        if dots[self.idea_id] <= 0:
            del dots[self.idea_id]

    def reaches(self, state: LiveState) -> Audience:
        return Audience(participants=frozenset({self.participant_id}))


@dataclass(frozen=True, kw_only=True)
class DotsRevealed(ActivityEvent, kind="DotsRevealed"):
    """The counts shown to everyone: the vote is closed."""

    source_step_id: int

    def apply(self, state: LiveState) -> None:
        votes = dots_state(state).votes
        vote = votes.get(self.step_id)
        if vote is None:
            vote = votes[self.step_id] = DotVote(self.step_id, self.source_step_id)
        vote.revealed = True


# ------------------------------------------------------------------ commands


def source_of(moment: Moment, step: Step, settings: Settings) -> Step:
    """The step whose ideas this one votes on, as long as it is still before it and carries ideas."""
    assert isinstance(settings, DotsSettings)
    found = next((each for each in source_steps(moment.plan, step.id) if each.id == settings.source_step_id), None)
    if found is None:
        raise NotAllowed(N_("No ideas to vote on: the organiser has not chosen an earlier step with an ideas "
                            "board."))
    return found


def place(moment: Moment, *, participant_id: int, idea_id: int, placed: bool = True) -> list[LiveEvent]:
    """Place a dot on an idea of one's ballot (`placed`), or take one back."""
    step, settings = moment.running(KIND)
    assert isinstance(settings, DotsSettings)
    source = source_of(moment, step, settings)
    moment.person(participant_id)
    vote = vote_of(moment.state, step.id, source.id)
    if vote.revealed:
        raise NotAllowed(N_("The counts have been revealed: the vote is closed."))
    room_id = moment.room_of(participant_id)
    if all(each.id != idea_id for each in ballot(moment.state, source, room_id)):
        found = ideas.idea(moment.state, idea_id)
        if found is not None and found.step_id == source.id and found.shown:
            raise NotAllowed(N_("This idea belongs to another room."))
        raise NotFound(N_("This idea is not on the ballot."))
    mine = vote.of(participant_id)
    if placed and mine.total() >= settings.dots:
        raise NotAllowed(N_("You have placed all your dots: take one back to place it elsewhere."))
    if not placed and not mine[idea_id]:
        raise NotAllowed(N_("You have no dot on this idea."))
    return [DotPlaced(at=moment.now, step_id=step.id, room_id=room_id, source_step_id=source.id, idea_id=idea_id,
                      participant_id=participant_id, placed=placed)]


def reveal(moment: Moment) -> list[LiveEvent]:
    """A moderator shows the counts to everyone, which closes the vote (a second moderator: nothing more)."""
    step, settings = moment.running(KIND)
    source = source_of(moment, step, settings)
    if vote_of(moment.state, step.id, source.id).revealed:
        return []
    return [DotsRevealed(at=moment.now, step_id=step.id, source_step_id=source.id)]
