"""Room summary: each breakout room writes one text together, one writer at a time who holds "the pen".

Who holds the pen is always known and shown ("Amina is writing"). So that nobody who left or went silent
blocks the room, the pen is free for anyone in the room when its holder:
- has no page open any more (left the session), was removed, or is no longer in the room;
- has changed nothing for `PEN_IDLE` (counted from taking the pen or their last change);
- was asked for it and has changed nothing for `ASK_WAIT` since the asking (the one who asked may take it).
The holder may also put it down or hand it to whoever asked. Taking a free pen is "taking over": these are
decisions against the run's clock at the moment of the command, under the run's lock, so two people taking the
pen at the same moment get one pen and one refusal.

The text is saved as the holder types (the page sends it after a short pause) and every page of the room sees
it update; it is only ever text, at most the step's `max_length` characters. Each room's summary stays with its
step and room, for the moderators' board and the report-out of a later step (domain/activities/report_out.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import Field

from domain.activities.base import ActivityEvent, ActivityType, Moment, Settings, activity_state, register
from domain.errors import InvalidValue, NotAllowed
from domain.i18n import N_
from domain.live.events import LiveEvent
from domain.live.state import LiveState
from domain.models import StepKind

KIND = "summary"
PEN_IDLE = timedelta(minutes=2)
ASK_WAIT = timedelta(seconds=30)
DEFAULT_LENGTH, SHORTEST, LONGEST = 1500, 200, 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tabs and line ends stay


class SummarySettings(Settings):
    max_length: int = Field(DEFAULT_LENGTH, ge=SHORTEST, le=LONGEST)


@register
class RoomSummaryActivity(ActivityType):
    kind = KIND
    label = N_("Room summary")
    step_kinds = frozenset({StepKind.BREAKOUT})
    settings_model = SummarySettings


# ------------------------------------------------------------------ state


@dataclass
class RoomSummary:
    step_id: int
    room_id: int
    text: str = ""
    revision: int = 0  # how many times the text was saved
    holder: int | None = None  # the participant holding the pen
    active_at: datetime | None = None  # when the holder took the pen or last changed the text
    asked_by: int | None = None  # who asked the holder for the pen, and when
    asked_at: datetime | None = None
    written_by: list[int] = field(default_factory=list)  # everyone who wrote in it, in order of their first change
    changed_at: datetime | None = None


@dataclass
class Summaries:
    rooms: dict[tuple[int, int], RoomSummary] = field(default_factory=dict)  # by (step id, room id)

    def of(self, step_id: int, room_id: int) -> RoomSummary:
        found = self.rooms.get((step_id, room_id))
        if found is None:
            found = self.rooms[step_id, room_id] = RoomSummary(step_id, room_id)
        return found


def _summaries(state: LiveState) -> Summaries:
    return activity_state(state, KIND, Summaries)


def summary_of(state: LiveState, step_id: int, room_id: int) -> RoomSummary:
    """This room's summary at this step (an empty one if nobody wrote yet; it is not stored until used)."""
    found = _summaries(state).rooms.get((step_id, room_id))
    return found if found is not None else RoomSummary(step_id, room_id)


def summaries_at(state: LiveState, step_id: int) -> dict[int, RoomSummary]:
    """The summaries written at this step, by room id."""
    return {room_id: summary for (at_step, room_id), summary in _summaries(state).rooms.items()
            if at_step == step_id}


def holder_is_here(state: LiveState, summary: RoomSummary) -> bool:
    """The holder still has a page open and is still in this room."""
    person = state.people.get(summary.holder) if summary.holder is not None else None
    return (person is not None and person.present and not person.removed and person.room_id == summary.room_id)


def may_take(state: LiveState, summary: RoomSummary, participant_id: int, now: datetime) -> bool:
    """Whether this participant may take the pen now (it is free, or its holder left or went quiet)."""
    if summary.holder == participant_id:
        return False
    if summary.holder is None or not holder_is_here(state, summary):
        return True
    assert summary.active_at is not None
    if now - summary.active_at >= PEN_IDLE:
        return True
    return (summary.asked_by == participant_id and summary.asked_at is not None
            and now - max(summary.asked_at, summary.active_at) >= ASK_WAIT)


def free_at(summary: RoomSummary, participant_id: int) -> datetime | None:
    """When the pen becomes free for this participant if its holder stays and changes nothing (None: no
    holder); a page uses it to show "Take over" in time."""
    if summary.holder is None or summary.active_at is None:
        return None
    idle = summary.active_at + PEN_IDLE
    if summary.asked_by == participant_id and summary.asked_at is not None:
        return min(idle, max(summary.asked_at, summary.active_at) + ASK_WAIT)
    return idle


# ------------------------------------------------------------------ events


@dataclass(frozen=True, kw_only=True)
class PenTaken(ActivityEvent, kind="SummaryPenTaken"):
    """Someone took the pen: it was free, its holder left or went quiet, or its holder handed it over."""

    participant_id: int
    given_by: int | None = None

    def apply(self, state: LiveState) -> None:
        summary = _summaries(state).of(self.step_id, self.room_id or 0)
        summary.holder, summary.active_at = self.participant_id, self.at
        summary.asked_by = summary.asked_at = None


@dataclass(frozen=True, kw_only=True)
class PenAsked(ActivityEvent, kind="SummaryPenAsked"):
    participant_id: int

    def apply(self, state: LiveState) -> None:
        summary = _summaries(state).of(self.step_id, self.room_id or 0)
        summary.asked_by, summary.asked_at = self.participant_id, self.at


@dataclass(frozen=True, kw_only=True)
class PenReleased(ActivityEvent, kind="SummaryPenReleased"):
    participant_id: int

    def apply(self, state: LiveState) -> None:
        summary = _summaries(state).of(self.step_id, self.room_id or 0)
        summary.holder = summary.active_at = None


@dataclass(frozen=True, kw_only=True)
class SummaryWritten(ActivityEvent, kind="SummaryWritten"):
    participant_id: int
    text: str

    def apply(self, state: LiveState) -> None:
        summary = _summaries(state).of(self.step_id, self.room_id or 0)
        summary.text, summary.revision, summary.changed_at = self.text, summary.revision + 1, self.at
        if summary.holder == self.participant_id:
            summary.active_at = self.at
        if self.participant_id not in summary.written_by:
            summary.written_by.append(self.participant_id)


# ------------------------------------------------------------------ commands


@dataclass(frozen=True)
class _Place:
    step_id: int
    room_id: int
    settings: SummarySettings
    summary: RoomSummary


def _place(moment: Moment, participant_id: int) -> _Place:
    step, settings = moment.running(KIND)
    moment.person(participant_id)
    room_id = moment.room_of(participant_id)
    if room_id is None:
        raise NotAllowed(N_("The room summary is written in the breakout rooms."))
    assert isinstance(settings, SummarySettings)
    return _Place(step.id, room_id, settings, summary_of(moment.state, step.id, room_id))


def _holder_name(moment: Moment, summary: RoomSummary) -> str:
    person = moment.state.people.get(summary.holder) if summary.holder is not None else None
    return person.name if person is not None else ""


def take_pen(moment: Moment, *, participant_id: int) -> list[LiveEvent]:
    """Take the pen: free, or its holder left or went quiet (taking over)."""
    place = _place(moment, participant_id)
    if place.summary.holder == participant_id:
        return []
    if not may_take(moment.state, place.summary, participant_id, moment.now):
        raise NotAllowed(N_("{name} is writing. Ask for the pen, or take over after a while without a change."),
                         name=_holder_name(moment, place.summary))
    return [PenTaken(at=moment.now, step_id=place.step_id, room_id=place.room_id, participant_id=participant_id)]


def ask_pen(moment: Moment, *, participant_id: int) -> list[LiveEvent]:
    place = _place(moment, participant_id)
    if place.summary.holder is None or place.summary.holder == participant_id:
        return []  # nobody to ask: the page offers to write instead
    if place.summary.asked_by == participant_id:
        return []
    return [PenAsked(at=moment.now, step_id=place.step_id, room_id=place.room_id, participant_id=participant_id)]


def give_pen(moment: Moment, *, participant_id: int, to: int) -> list[LiveEvent]:
    """The holder hands the pen to someone in the room (whoever asked)."""
    place = _place(moment, participant_id)
    if place.summary.holder != participant_id:
        raise NotAllowed(N_("You are not holding the pen."))
    if moment.room_of(to) != place.room_id or not moment.person(to).present:
        raise NotAllowed(N_("This participant is no longer in your room."))
    return [PenTaken(at=moment.now, step_id=place.step_id, room_id=place.room_id, participant_id=to,
                     given_by=participant_id)]


def release_pen(moment: Moment, *, participant_id: int) -> list[LiveEvent]:
    place = _place(moment, participant_id)
    if place.summary.holder != participant_id:
        return []
    return [PenReleased(at=moment.now, step_id=place.step_id, room_id=place.room_id, participant_id=participant_id)]


def clean(text: str) -> str:
    """The text as stored: line ends made plain, control characters other than tabs and line ends removed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def write(moment: Moment, *, participant_id: int, text: str) -> list[LiveEvent]:
    """Save the room's text as its pen holder typed it."""
    place = _place(moment, participant_id)
    if place.summary.holder != participant_id:
        name = _holder_name(moment, place.summary)
        if name:
            raise NotAllowed(N_("{name} holds the pen: your change was not saved."), name=name)
        raise NotAllowed(N_("Take the pen to write: your change was not saved."))
    text = clean(text)
    if len(text) > place.settings.max_length:
        raise InvalidValue(N_("At most {count} characters."), field="text", count=place.settings.max_length)
    if text == place.summary.text:
        return []
    return [SummaryWritten(at=moment.now, step_id=place.step_id, room_id=place.room_id,
                           participant_id=participant_id, text=text)]

