"""What a session's record is made of, and the registry of the parts that make it.

A record is a list of tables (each a kind of thing: attendance, steps, speaking turns...) with a few charts and
headline figures. Each part of Atelier that has something to tell adds a builder with `register_record_part`:
it is given a `RecordSource` (the run, its plan, its decoded events, the state they replay to, the participants'
rows) and returns a `RecordPart`. The core parts (domain/record/core_*.py) register the same way; an activity
adds its own tables and charts without editing anything here.

People are named by their stand-in (`#12`, the `participant` column) in every table, so that the tables join
up without personal data; names, e-mails and answers are columns marked `personal`, dropped from the whole
record when it is built without personal data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.i18n import translate, translate_plural
from domain.live.erasure import is_erased, stand_in
from domain.live.events import LiveEvent
from domain.live.state import LiveState
from domain.models import LiveRun, WorkshopSession
from domain.planning import WorkshopPlan

Cell = str | int | float | datetime | None  # a datetime is an instant (UTC); exports show it in the workshop's zone
PARTICIPANT = "participant"  # the column that names a person by their stand-in, in every table about people


@dataclass(frozen=True)
class Column:
    key: str  # stable, for JSON and for tests
    title: str  # translated
    personal: bool = False  # left out of a record without personal data


@dataclass(frozen=True)
class RecordTable:
    name: str  # stable: the CSV file's and the XLSX sheet's name, the JSON key
    title: str  # translated
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def personal_columns(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns if column.personal)

    def without_personal_data(self) -> RecordTable:
        keep = [index for index, column in enumerate(self.columns) if not column.personal]
        return replace(self, columns=tuple(self.columns[index] for index in keep),
                       rows=tuple(tuple(row[index] for index in keep) for row in self.rows))

    def column(self, key: str) -> list[Cell]:
        index = [column.key for column in self.columns].index(key)
        return [row[index] for row in self.rows]

    def dicts(self) -> list[dict[str, Cell]]:
        keys = [column.key for column in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class BarChart:
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = False  # long labels (names, step titles) read better as rows
    unit: str = ""


@dataclass(frozen=True)
class LineChart:
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""


Chart = BarChart | LineChart


@dataclass(frozen=True)
class Figure:
    """A headline figure: "Attended: 12"."""

    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class RecordPart:
    tables: Sequence[RecordTable] = ()
    charts: Sequence[Chart] = ()
    figures: Sequence[Figure] = ()


@dataclass(frozen=True)
class ParticipantRow:
    """A participant's row as the record reads it; erased rows have no name, e-mail or answer any more."""

    id: int
    display_name: str
    email: str | None
    arrival_answer: str
    registration_id: int | None

    @property
    def erased(self) -> bool:
        return is_erased(self.display_name)


@dataclass(frozen=True)
class RecordSource:
    """Everything a part may read to build its tables."""

    run: LiveRun
    session: WorkshopSession
    plan: WorkshopPlan
    events: Sequence[LiveEvent]
    state: LiveState  # what the events replay to
    participants: Mapping[int, ParticipantRow]
    with_personal: bool
    now: datetime  # the clock's: a run still under way is recorded up to now
    language: str

    def t(self, text: str, /, **params: object) -> str:
        """`text` translated into the record's language."""
        return translate(text, self.language, **params)

    def ngettext(self, singular: str, plural: str, count: int, /, **params: object) -> str:
        return translate_plural(singular, plural, count, self.language, **params)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.plan.workshop.time_zone)

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone)

    @property
    def start(self) -> datetime | None:
        """When the run began: its doors opened, or it started."""
        return self.state.opened_at or self.state.started_at

    @property
    def end(self) -> datetime:
        return self.state.ended_at or self.now

    def who(self, participant_id: int) -> str:
        return stand_in(participant_id)

    def label(self, participant_id: int) -> str:
        """How a chart names this person: their name in a record with personal data, else their stand-in."""
        row = self.participants.get(participant_id)
        if self.with_personal and row is not None and not row.erased:
            return row.display_name
        return stand_in(participant_id)

    def step_place(self, step_id: int) -> int:
        """The step's place in the agenda, to sort by it; a step removed from the agenda since comes last."""
        return next((step.position for step in self.plan.steps if step.id == step_id), len(self.plan.steps))

    def step_title(self, step_id: int) -> str:
        step = next((step for step in self.plan.steps if step.id == step_id), None)
        return (step.title or self.t("Untitled step")) if step is not None else self.t("Step removed from the agenda")

    def room_name(self, room_id: int) -> str:
        room = next((room for room in self.plan.rooms if room.id == room_id), None)
        return (room.name or self.t("Room {number}", number=room.position + 1)) if room is not None else self.t(
            "Room removed from the plan")


Builder = Callable[[RecordSource], Awaitable[RecordPart]]
_PARTS: list[tuple[str, Builder]] = []


def register_record_part(builder: Builder, *, name: str | None = None) -> None:
    """Add a part to every record, after those registered before it; a name registered again is replaced
    (the builder's module and name unless given: importing a module twice adds its part once)."""
    name = name or f"{builder.__module__}.{builder.__qualname__}"
    for index, (known, _builder) in enumerate(_PARTS):
        if known == name:
            _PARTS[index] = (name, builder)
            return
    _PARTS.append((name, builder))


def remove_record_part(name: str) -> None:
    """Take a part out of every record made from now on (a test's own part, say)."""
    _PARTS[:] = [(known, builder) for known, builder in _PARTS if known != name]


def record_parts() -> list[str]:
    return [name for name, _builder in _PARTS]


@dataclass(frozen=True)
class SessionRecord:
    workshop_title: str
    session_starts_at: datetime
    time_zone: str
    language: str
    with_personal: bool
    generated_at: datetime
    figures: tuple[Figure, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[RecordTable, ...] = ()
    participants: tuple[int, ...] = field(default=())  # every participant's id, for a request about one of them

    def table(self, name: str) -> RecordTable:
        return next(table for table in self.tables if table.name == name)


async def build(source: RecordSource) -> SessionRecord:
    """Every registered part's tables, charts and figures, in the order the parts were registered."""
    figures: list[Figure] = []
    charts: list[Chart] = []
    tables: list[RecordTable] = []
    for _name, builder in list(_PARTS):
        part = await builder(source)
        figures.extend(part.figures)
        charts.extend(part.charts)
        tables.extend(table if source.with_personal else table.without_personal_data() for table in part.tables)
    return SessionRecord(workshop_title=source.plan.workshop.title, session_starts_at=source.session.starts_at,
                         time_zone=source.plan.workshop.time_zone, language=source.language,
                         with_personal=source.with_personal, generated_at=source.now, figures=tuple(figures),
                         charts=tuple(charts), tables=tuple(tables),
                         participants=tuple(sorted(source.participants)))
