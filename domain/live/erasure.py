"""Erasing a participant's personal data while their contributions stay: the row is blanked, the history kept.

A participant's name, e-mail, answer to the welcome question and browser hash live in their `Participant` row
only (the events name them by id). Erasing blanks those columns; an empty name marks the row as erased (a name
is never empty otherwise: `domain.names` refuses it), and reading the history then gives the stand-in instead.
A run held in memory hears `ParticipantErased`, so its pages show the stand-in at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from domain.live.events import EVERYONE, Aspect, Audience, LiveEvent
from domain.live.state import LiveState
from domain.models import Participant

ERASED_NAME = ""  # the value of an erased row's display_name


def stand_in(participant_id: int) -> str:
    """What shows instead of the name of someone whose personal data is erased (or left out of a record)."""
    return f"#{participant_id}"


def is_erased(display_name: str | None) -> bool:
    return display_name == ERASED_NAME


async def blank_rows(participant_ids: Iterable[int], connection: BaseDBAsyncClient | None = None) -> int:
    """Blank these participants' personal columns; how many rows were not erased yet."""
    ids = list(participant_ids)
    if not ids:
        return 0
    query = Participant.filter(id__in=ids).exclude(display_name=ERASED_NAME)
    if connection is not None:
        query = query.using_db(connection)
    return await query.update(display_name=ERASED_NAME, email=None, arrival_answer="", browser_hash=None)


@dataclass(frozen=True)
class ParticipantErased(LiveEvent, persisted=False):
    """A participant's personal data was erased: they show as their stand-in from now on (the row says so)."""

    participant_id: int
    aspects = frozenset({Aspect.PEOPLE, Aspect.ANSWERS})

    def apply(self, state: LiveState) -> None:
        person = state.people.get(self.participant_id)
        if person is not None:
            person.name, person.arrival_answer = stand_in(self.participant_id), ""

    def reaches(self, state: LiveState) -> Audience:
        return EVERYONE  # their name shows on tiles and in the answers of the welcome
