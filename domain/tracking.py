"""Where a workshop's registrations stand, for its organisers: counts per session against capacity, and the people.

Everything is read with a few aggregate queries whatever the number of people (GROUP BY in the database), so the
page stays quick with a thousand registrations. Invitations carry no session until they are answered, so invited
people (and people who declined an invitation) are counted in a row of their own, without a session.

Attendance is who came in from their personal page (`Participant.registration`) in the session's real run, not a
rehearsal. Someone with a place who never came in is absent once the session is over.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from tortoise.functions import Count

from domain.models import Participant, Registration, RegistrationStatus, WorkshopSession
from domain.planning import WorkshopPlan

# The first characters that make a spreadsheet read a cell as a formula (OWASP's list): such cells get a quote first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class SessionTracking:
    """The registrations of one session (or of none, `session` None: invitations not answered yet)."""

    session: WorkshopSession | None
    ends_at: datetime | None
    counts: dict[RegistrationStatus, int] = field(default_factory=lambda: dict.fromkeys(RegistrationStatus, 0))
    attended: int = 0  # registrations that came in to this session
    came_with_place: int = 0  # of those, the ones who still hold a place in it (absent is counted from them)
    over: bool = False

    @property
    def capacity(self) -> int | None:
        return self.session.capacity if self.session is not None else None

    @property
    def cancelled_session(self) -> bool:
        return self.session is not None and self.session.cancelled_at is not None

    @property
    def confirmed(self) -> int:
        return self.counts[RegistrationStatus.CONFIRMED]

    @property
    def waiting(self) -> int:
        return self.counts[RegistrationStatus.WAITING]

    @property
    def absent(self) -> int | None:
        """People with a place who never came in, once the session is over; None before it ends."""
        return self.confirmed - self.came_with_place if self.over else None

    @property
    def places_left(self) -> int | None:
        """Free places (never below zero); None: no limit, or no session."""
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def demand(self) -> int:
        """Everyone who wants to be in this session: those with a place and those waiting for one."""
        return self.confirmed + self.waiting

    @property
    def another_session_suggested(self) -> bool:
        """More people want this session than it takes, and it is still to come: another session would help."""
        if self.session is None or self.over or self.cancelled_session or self.capacity is None:
            return False
        return self.waiting > 0 or self.demand > self.capacity


@dataclass(frozen=True)
class WorkshopTracking:
    sessions: list[SessionTracking]  # in order of time, cancelled ones included; the row without session last

    @property
    def totals(self) -> dict[RegistrationStatus, int]:
        return {status: sum(row.counts[status] for row in self.sessions) for status in RegistrationStatus}

    @property
    def attended(self) -> int:
        return sum(row.attended for row in self.sessions)

    @property
    def absent(self) -> int:
        return sum(row.absent or 0 for row in self.sessions)


async def tracking(plan: WorkshopPlan, now: datetime) -> WorkshopTracking:
    """Counts per session of the workshop, in three queries whatever the number of registrations."""
    workshop = plan.workshop
    sessions = await WorkshopSession.filter(workshop_id=workshop.id).order_by("starts_at", "id")
    length = timedelta(minutes=workshop.duration_minutes)
    rows: dict[int | None, SessionTracking] = {
        session.id: SessionTracking(session, session.starts_at + length, over=session.starts_at + length <= now)
        for session in sessions}
    by_status = await (Registration.filter(workshop_id=workshop.id).annotate(people=Count("id"))
                       .group_by("session_id", "status").values("session_id", "status", "people"))
    for count in by_status:
        row = rows.get(count["session_id"])
        if row is None:
            row = rows.setdefault(None, SessionTracking(None, None))
        row.counts[RegistrationStatus(count["status"])] += int(count["people"])
    came = await (Participant.filter(run__session__workshop_id=workshop.id, run__rehearsal=False,
                                     registration_id__not_isnull=True)
                  .annotate(people=Count("registration_id", distinct=True))
                  .group_by("run__session_id", "registration__session_id", "registration__status")
                  .values("run__session_id", "registration__session_id", "registration__status", "people"))
    for count in came:
        row = rows.get(count["run__session_id"])
        if row is None:
            continue
        row.attended += int(count["people"])
        if (count["registration__session_id"] == count["run__session_id"]
                and count["registration__status"] == RegistrationStatus.CONFIRMED.value):
            row.came_with_place += int(count["people"])
    # A cancelled session shows while registrations point to it; the row without session comes last.
    shown = [row for key, row in rows.items()
             if key is not None and (not row.cancelled_session or any(row.counts.values()))]
    return WorkshopTracking(shown + ([rows[None]] if None in rows else []))


# ---------------------------------------------------------------- the people


@dataclass(frozen=True)
class PersonRow:
    registration: Registration
    attended: bool


async def people(workshop_id: int, *, session_id: int | None = None, without_session: bool = False,
                 status: RegistrationStatus | None = None, limit: int | None = None,
                 offset: int = 0) -> tuple[list[PersonRow], int]:
    """The workshop's registrations in alphabetical order, filtered by session and status, a page of them, and how
    many match.

    Three queries whatever the number: the names of all that match (sorted here, as people read them: "Ève" with
    the E's, which the database's byte order would put after "Z"), the page, and who of the page came in.
    """
    query = Registration.filter(workshop_id=workshop_id)
    if without_session:
        query = query.filter(session_id__isnull=True)
    elif session_id is not None:
        query = query.filter(session_id=session_id)
    if status is not None:
        query = query.filter(status=status)
    named = await query.values_list("id", "display_name", "email")
    ordered = [int(row[0]) for row in sorted(named, key=lambda row: (sort_key(str(row[1])), str(row[2]), row[0]))]
    chosen = ordered[offset:None if limit is None else offset + limit]
    found = {registration.id: registration for registration in await Registration.filter(id__in=chosen)}
    came = set(await attended_of(chosen))
    return [PersonRow(found[each], each in came) for each in chosen if each in found], len(ordered)


def sort_key(name: str) -> str:
    """A name as alphabetical order reads it: without case or accents."""
    return "".join(char for char in unicodedata.normalize("NFKD", name.casefold())
                   if not unicodedata.combining(char))


async def attended_of(registration_ids: Iterable[int]) -> list[int]:
    """Which of these registrations came in to a real run of a session (a rehearsal does not count)."""
    ids = list(registration_ids)
    if not ids:
        return []
    found = cast(list[int | None], await (Participant.filter(registration_id__in=ids, run__rehearsal=False)
                                          .distinct().values_list("registration_id", flat=True)))
    return [registration_id for registration_id in found if registration_id is not None]


def answer_text(answer: Any, room_names: dict[int, str]) -> str:
    """An answer as one line of text: a text or a choice as given, rooms by their names (a removed one left out)."""
    if answer is None:
        return ""
    if isinstance(answer, list):
        return ", ".join(room_names[room_id] for room_id in answer if room_id in room_names)
    return str(answer)


# ---------------------------------------------------------------- CSV for spreadsheets


def neutralised(cell: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a quote first (CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_file(header: Sequence[str], rows: Iterable[Sequence[str | int | float]], *, delimiter: str = ",") -> bytes:
    """A CSV file spreadsheets open as they should: UTF-8 with a byte order mark (Excel reads accents right),
    every cell quoted as needed, no text that could run as a formula. French spreadsheets expect `;` between cells,
    and a decimal comma: numbers (given as numbers, never neutralised) are written so with `;`."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([_cell(cell, decimal_comma=delimiter == ";") for cell in row] for row in rows)
    return text.getvalue().encode("utf-8-sig")


def _cell(cell: str | int | float, *, decimal_comma: bool) -> str:
    if isinstance(cell, str):
        return neutralised(cell)
    written = str(int(cell)) if isinstance(cell, int) or cell.is_integer() else str(cell)
    return written.replace(".", ",") if decimal_comma else written
