"""Wall-clock times in a workshop's IANA time zone, and the UTC instants we store.

Daylight-saving changes make some local times impossible (the spring gap) and
others happen twice (the autumn overlap). An impossible time is refused with a
message; a repeated one means its first occurrence, as people read it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.errors import InvalidValue
from domain.i18n import N_

# Legacy aliases and POSIX-style zones people should not be offered.
_HIDDEN_ZONE_PREFIXES = ("Etc/", "SystemV/", "US/", "posix/", "right/", "Canada/", "Brazil/", "Mexico/", "Chile/")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidValue(N_("Choose a time zone from the list."), field="time_zone") from None


def is_known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


@cache
def selectable_zones() -> tuple[str, ...]:
    """Region/City zone names, sorted: what a person picks from."""
    return tuple(
        sorted(
            name
            for name in available_timezones()
            if "/" in name and not name.startswith(_HIDDEN_ZONE_PREFIXES)
        )
    )


def to_utc(local_date: date, local_time: time, zone_name: str) -> datetime:
    tz = zone(zone_name)
    wall = datetime.combine(local_date, local_time.replace(tzinfo=None, fold=0))
    instant = wall.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        raise InvalidValue(
            N_("This time does not exist on that day in {zone}: the clocks change. Choose another time."),
            field="start_time",
            zone=zone_name,
        )
    return instant


def to_local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(zone(zone_name))


def is_repeated(local_date: date, local_time: time, zone_name: str) -> bool:
    """True when this wall-clock time happens twice that day (clocks going back)."""
    tz = zone(zone_name)
    wall = datetime.combine(local_date, local_time.replace(tzinfo=None))
    return wall.replace(tzinfo=tz, fold=0).utcoffset() != wall.replace(tzinfo=tz, fold=1).utcoffset()
