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
