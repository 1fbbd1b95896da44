"""How the record writes durations, clock times and yes or no."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.i18n import N_
from domain.record.model import RecordSource


def minutes(duration: timedelta) -> float:
    """Minutes, to a tenth: what a spreadsheet sums and a person reads."""
    return round(duration.total_seconds() / 60, 1)


def seconds(duration: timedelta) -> int:
    return round(duration.total_seconds())


def clock_time(source: RecordSource, instant: datetime) -> str:
    """The time of day in the workshop's time zone, as a chart's label."""
    return source.local(instant).strftime("%H:%M")


def yes_no(source: RecordSource, value: bool) -> str:
    return source.t(N_("yes")) if value else source.t(N_("no"))


def place_name(source: RecordSource, room_id: int | None) -> str:
    """Where something happened: a breakout room's name, or the plenary."""
    return source.room_name(room_id) if room_id is not None else source.t(N_("Plenary"))


def person_name(source: RecordSource, participant_id: int | None) -> str:
    """A participant's name for a `personal` column: empty once erased (and for nobody)."""
    row = source.participants.get(participant_id) if participant_id is not None else None
    return row.display_name if row is not None and not row.erased else ""


def short(text: str, length: int = 60) -> str:
    """A contribution cut to a chart's label (the tables hold it whole)."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"
