"""Dates, times, zones and durations written the way each language writes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_date, format_time, format_timedelta, get_timezone, get_timezone_name

from ui.i18n import _, current_language


def zone_name(zone: str, at: datetime) -> str:
    """The zone as people say it at that date, with its IANA name: 'heure d’Europe centrale (Europe/Paris)'."""
    tz = get_timezone(zone)
    spoken = get_timezone_name(at.astimezone(tz), width="long", locale=current_language())
    return f"{spoken} ({zone})"


def long_date(instant: datetime, zone: str) -> str:
    """'Jeudi 10 décembre 2026' / 'Thursday 10 December 2026'."""
    local = instant.astimezone(get_timezone(zone))
    text = format_date(local, "EEEE d MMMM y", locale=current_language())
    return text[:1].upper() + text[1:]


def clock_time(instant: datetime, zone: str) -> str:
    return format_time(instant.astimezone(get_timezone(zone)), "HH:mm", locale=current_language())


def session_when(starts_at: datetime, minutes: int, zone: str) -> str:
    """'Jeudi 10 décembre 2026, 18:30–20:00'."""
    ends_at = starts_at + timedelta(minutes=minutes)
    return _("{date}, {start}–{end}", date=long_date(starts_at, zone), start=clock_time(starts_at, zone),
             end=clock_time(ends_at, zone))


def duration(minutes: int) -> str:
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return _("{hours} h {minutes:02d}", hours=hours, minutes=rest)
    if hours:
        return _("{hours} h", hours=hours)
    return _("{minutes} min", minutes=rest)


def offset_clock(starts_at: datetime, offset_minutes: int, zone: str) -> str:
    return clock_time(starts_at + timedelta(minutes=offset_minutes), zone)


def ago(instant: datetime, now: datetime) -> str:
    """'3 hours ago' / 'il y a 3 heures': for recent events whose exact time matters less than how recent."""
    return format_timedelta(min(instant - now, timedelta(seconds=-1)), add_direction=True, locale=current_language())


def relative(instant: datetime, now: datetime) -> str:
    """'in 5 minutes' / 'dans 5 minutes', or 'il y a 3 heures' for an instant already past."""
    return format_timedelta(instant - now, add_direction=True, locale=current_language())
