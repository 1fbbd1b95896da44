"""The ideas board: participants post short contributions, see the others' arrive, edit or delete their own.

In a breakout step each room has a board of its own: a participant posts in the room they are in, and sees
and changes only that room's ideas. Moderators post for the team, hide, pin, tag and merge ideas. Ideas keep
their step and room, so that a later step (dot voting, the report-out) can take them up.

Idea ids are allocated from the state (one more than the last), under the run's lock: replaying the stored
events gives the same ids. The text is a contribution: it is kept in the event (and stays, anonymised, once
personal data is erased); events name people by their participant ids only. Text is kept as typed, HTML or
template syntax included, and always shown as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import EllipsisType

from pydantic import Field

from domain.activities.base import (
    ActivityEvent,
    ActivityType,
    Moment,
    Settings,
    activity_state,
    register,
)
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.i18n import N_
from domain.live.events import LiveEvent
from domain.live.state import LiveState
from domain.models import RunPhase, StepKind

KIND = "ideas"
MAX_TAGS = 5
MAX_TAG_LENGTH = 30
MAX_IDEAS_PER_PERSON = 100  # in one step: enough for anyone, not for a script filling the board


class IdeasSettings(Settings):
    max_length: int = Field(default=280, ge=50, le=1000)


@register
class IdeasActivity(ActivityType):
    kind = KIND
    order = 10
    label = N_("Ideas board")
    settings_model = IdeasSettings


@dataclass(frozen=True)
class Idea:
    id: int
    step_id: int
    room_id: int | None  # None: the plenary (or a step without rooms)
    author_id: int | None  # the participant who posted it; None when a moderator posted it for the team
    text: str
    posted_at: datetime
    tags: tuple[str, ...] = ()
    hidden: bool = False
    pinned: bool = False
    merged_into: int | None = None
    edited: bool = False

    @property
    def shown(self) -> bool:
        return not self.hidden and self.merged_into is None


Place = tuple[int, int | None]  # (step id, room id)


@dataclass
class IdeasState:
    ideas: dict[int, Idea] = field(default_factory=dict)
    places: dict[Place, dict[int, Idea]] = field(default_factory=dict)  # the same ideas, by step and room
    last_id: int = 0

    def put(self, idea: Idea) -> None:
        self.ideas[idea.id] = idea
        self.places.setdefault((idea.step_id, idea.room_id), {})[idea.id] = idea

    def drop(self, idea_id: int) -> None:
        idea = self.ideas.pop(idea_id, None)
        if idea is not None:
            self.places.get((idea.step_id, idea.room_id), {}).pop(idea_id, None)


def ideas_state(state: LiveState) -> IdeasState:
    return activity_state(state, KIND, IdeasState)


# ------------------------------------------------------------------ reading


def ideas_at(state: LiveState, step_id: int, room_id: int | None | EllipsisType = ...) -> list[Idea]:
    """The ideas shown at a step (neither hidden nor merged): of one room when `room_id` is given (None: the
    plenary), of every room when it is left out; pinned first, then in the order they were posted."""
    board = ideas_state(state)
    if isinstance(room_id, EllipsisType):
        found: Iterable[Idea] = (idea for (step, _room), ideas in board.places.items() if step == step_id
                                 for idea in ideas.values())
    else:
        found = board.places.get((step_id, room_id), {}).values()
    return sorted((idea for idea in found if idea.shown), key=lambda idea: (not idea.pinned, idea.id))


def hidden_at(state: LiveState, step_id: int, room_id: int | None | EllipsisType = ...) -> list[Idea]:
    """The hidden ideas of a step (of one room when given), for the moderators who may show them again."""
    board = ideas_state(state)
    places = [ideas for (step, _room), ideas in board.places.items() if step == step_id] \
        if isinstance(room_id, EllipsisType) else [board.places.get((step_id, room_id), {})]
    return sorted((idea for ideas in places for idea in ideas.values()
                   if idea.hidden and idea.merged_into is None), key=lambda idea: idea.id)


def idea(state: LiveState, idea_id: int) -> Idea | None:
    return ideas_state(state).ideas.get(idea_id)


def merged_with(state: LiveState, idea_id: int) -> list[Idea]:
    """The ideas merged into this one, in the order they were posted."""
    board = ideas_state(state)
    found = board.ideas.get(idea_id)
    if found is None:
        return []
    return [other for other in board.places.get((found.step_id, found.room_id), {}).values()
            if other.merged_into == idea_id]


# ------------------------------------------------------------------ events


@dataclass(frozen=True, kw_only=True)
class IdeaPosted(ActivityEvent, kind="IdeaPosted"):
    idea_id: int
    author_id: int | None
    text: str

    def apply(self, state: LiveState) -> None:
        board = ideas_state(state)
        board.put(Idea(self.idea_id, self.step_id, self.room_id, self.author_id, self.text, self.at))
        board.last_id = max(board.last_id, self.idea_id)


@dataclass(frozen=True, kw_only=True)
class IdeaEdited(ActivityEvent, kind="IdeaEdited"):
    idea_id: int
    text: str

    def apply(self, state: LiveState) -> None:
        _change(state, self.idea_id, text=self.text, edited=True)


@dataclass(frozen=True, kw_only=True)
class IdeaDeleted(ActivityEvent, kind="IdeaDeleted"):
    idea_id: int

    def apply(self, state: LiveState) -> None:
        ideas_state(state).drop(self.idea_id)


@dataclass(frozen=True, kw_only=True)
class IdeaHidden(ActivityEvent, kind="IdeaHidden"):
    idea_id: int
    hidden: bool

    def apply(self, state: LiveState) -> None:
        _change(state, self.idea_id, hidden=self.hidden)


@dataclass(frozen=True, kw_only=True)
class IdeaPinned(ActivityEvent, kind="IdeaPinned"):
    idea_id: int
    pinned: bool

    def apply(self, state: LiveState) -> None:
        _change(state, self.idea_id, pinned=self.pinned)


@dataclass(frozen=True, kw_only=True)
class IdeaTagged(ActivityEvent, kind="IdeaTagged"):
    idea_id: int
    tags: tuple[str, ...]

    def apply(self, state: LiveState) -> None:
        _change(state, self.idea_id, tags=self.tags)


@dataclass(frozen=True, kw_only=True)
class IdeasMerged(ActivityEvent, kind="IdeasMerged"):
    """`idea_id` goes under `into_id`, and so do the ideas merged into it before: merges stay one level deep."""

    idea_id: int
    into_id: int

    def apply(self, state: LiveState) -> None:
        board = ideas_state(state)
        for other in list(merged_with(state, self.idea_id)):
            board.put(replace(other, merged_into=self.into_id))
        _change(state, self.idea_id, merged_into=self.into_id, pinned=False)


IDEA_EVENTS = (IdeaPosted, IdeaEdited, IdeaDeleted, IdeaHidden, IdeaPinned, IdeaTagged, IdeasMerged)


def _change(state: LiveState, idea_id: int, **changes: object) -> None:
    board = ideas_state(state)
    found = board.ideas.get(idea_id)
    if found is not None:
        board.put(replace(found, **changes))  # type: ignore[arg-type]


# ------------------------------------------------------------------ participants' commands


def post(moment: Moment, participant_id: int, text: str) -> list[LiveEvent]:
    """A participant's idea, on the board of the room they are in (the plenary's outside a breakout)."""
    step, settings = moment.running(KIND)
    moment.person(participant_id)
    room_id = moment.room_of(participant_id)
    checked = _checked_text(text, settings)
    board = ideas_state(moment.state)
    own = sum(1 for each in board.places.get((step.id, room_id), {}).values() if each.author_id == participant_id)
    if own >= MAX_IDEAS_PER_PERSON:
        raise NotAllowed(N_("You have posted as many ideas as this step takes."))
    return [IdeaPosted(at=moment.now, step_id=step.id, room_id=room_id, idea_id=board.last_id + 1,
                       author_id=participant_id, text=checked)]


def edit(moment: Moment, participant_id: int, idea_id: int, text: str) -> list[LiveEvent]:
    step, settings = moment.running(KIND)
    found = _own(moment, participant_id, idea_id)
    checked = _checked_text(text, settings)
    if checked == found.text:
        return []
    return [IdeaEdited(at=moment.now, step_id=step.id, room_id=found.room_id, idea_id=idea_id, text=checked)]


def delete(moment: Moment, participant_id: int, idea_id: int) -> list[LiveEvent]:
    step, _settings = moment.running(KIND)
    found = _own(moment, participant_id, idea_id)
    if merged_with(moment.state, idea_id):
        raise NotAllowed(N_("The moderators merged other ideas into this one: it can no longer be deleted."))
    return [IdeaDeleted(at=moment.now, step_id=step.id, room_id=found.room_id, idea_id=idea_id)]


def _own(moment: Moment, participant_id: int, idea_id: int) -> Idea:
    """A shown idea of this step that this participant posted, in the room they are in."""
    step = moment.step
    assert step is not None  # running() checked
    moment.person(participant_id)
    found = idea(moment.state, idea_id)
    if found is None or found.step_id != step.id or not found.shown:
        raise NotFound(N_("This idea is no longer on the board."))
    if found.room_id != moment.room_of(participant_id):
        raise NotAllowed(N_("This idea belongs to another room."))
    if found.author_id != participant_id:
        raise NotAllowed(N_("You can only change your own ideas."))
    return found


def _checked_text(text: str, settings: Settings) -> str:
    assert isinstance(settings, IdeasSettings)
    checked = text.strip()
    if not checked:
        raise InvalidValue(N_("Write your idea before posting it."), field="text")
    if len(checked) > settings.max_length:
        raise InvalidValue(N_("An idea has at most {count} characters."), field="text", count=settings.max_length)
    return checked


# ------------------------------------------------------------------ moderators' commands


def post_as_team(moment: Moment, text: str, room_id: int | None) -> list[LiveEvent]:
    """An idea the moderators post for the team, on the plenary's board (`room_id` None) or a room's."""
    step, settings = moment.running(KIND)
    if room_id is not None and (step.kind != StepKind.BREAKOUT
                                or all(room.id != room_id for room in moment.plan.breakout_rooms)):
        raise NotFound(N_("This breakout room does not exist."))
    checked = _checked_text(text, settings)
    board = ideas_state(moment.state)
    return [IdeaPosted(at=moment.now, step_id=step.id, room_id=room_id, idea_id=board.last_id + 1,
                       author_id=None, text=checked)]


def hide(moment: Moment, idea_id: int, hidden: bool) -> list[LiveEvent]:
    found = _curated(moment, idea_id)
    if found.hidden == hidden:
        return []
    return [IdeaHidden(at=moment.now, step_id=found.step_id, room_id=found.room_id, idea_id=idea_id,
                       hidden=hidden)]


def pin(moment: Moment, idea_id: int, pinned: bool) -> list[LiveEvent]:
    found = _curated(moment, idea_id)
    if found.merged_into is not None:
        raise NotAllowed(N_("This idea was merged into another."))
    if found.pinned == pinned:
        return []
    return [IdeaPinned(at=moment.now, step_id=found.step_id, room_id=found.room_id, idea_id=idea_id,
                       pinned=pinned)]


def tag(moment: Moment, idea_id: int, tags: Iterable[str]) -> list[LiveEvent]:
    """Replace the idea's tags: each stripped, empty ones dropped, repeats (whatever their case) once."""
    found = _curated(moment, idea_id)
    checked: list[str] = []
    for each in tags:
        label = " ".join(each.split())
        if not label or label.casefold() in (seen.casefold() for seen in checked):
            continue
        if len(label) > MAX_TAG_LENGTH:
            raise InvalidValue(N_("A tag has at most {count} characters."), field="tags", count=MAX_TAG_LENGTH)
        checked.append(label)
    if len(checked) > MAX_TAGS:
        raise InvalidValue(N_("At most {count} tags on an idea."), field="tags", count=MAX_TAGS)
    if tuple(checked) == found.tags:
        return []
    return [IdeaTagged(at=moment.now, step_id=found.step_id, room_id=found.room_id, idea_id=idea_id,
                       tags=tuple(checked))]


def merge(moment: Moment, idea_id: int, into_id: int) -> list[LiveEvent]:
    """Put an idea under another of the same step and room (a duplicate, a variant): it is shown with it."""
    found = _curated(moment, idea_id)
    target = _curated(moment, into_id)
    if idea_id == into_id:
        raise InvalidValue(N_("Choose another idea to merge this one into."), field="into")
    if (found.step_id, found.room_id) != (target.step_id, target.room_id):
        raise NotAllowed(N_("Only ideas of the same step and room can be merged."))
    if found.merged_into is not None or target.merged_into is not None:
        raise NotAllowed(N_("This idea was merged into another."))
    return [IdeasMerged(at=moment.now, step_id=found.step_id, room_id=found.room_id, idea_id=idea_id,
                        into_id=into_id)]


def _curated(moment: Moment, idea_id: int) -> Idea:
    """An idea the moderators may act on: of any step (they may sort an earlier step's ideas), until the end."""
    if moment.state.phase == RunPhase.ENDED:
        raise NotAllowed(N_("The workshop has ended."))
    found = idea(moment.state, idea_id)
    if found is None:
        raise NotFound(N_("This idea is no longer on the board."))
    return found
