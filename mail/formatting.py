"""Dates, times and zones written the way the message's language writes them, in the workshop's time zone.

E-mails say the zone by name ("heure normale d’Europe centrale (Europe/Paris)"): they are read anywhere, days
later, and a time without its zone is a guess.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_date, format_time, get_timezone, get_timezone_name

from domain.i18n import N_, translate


def zone_name(zone: str, at: datetime, language: str) -> str:
    """The zone as people say it on that date, with its IANA name."""
    spoken = get_timezone_name(at.astimezone(get_timezone(zone)), width="long", locale=language)
    return f"{spoken} ({zone})"


def long_date(instant: datetime, zone: str, language: str) -> str:
    """'Jeudi 10 décembre 2026' / 'Thursday 10 December 2026'."""
    text = format_date(instant.astimezone(get_timezone(zone)), "EEEE d MMMM y", locale=language)
    return text[:1].upper() + text[1:]


def clock_time(instant: datetime, zone: str, language: str) -> str:
    return format_time(instant.astimezone(get_timezone(zone)), "HH:mm", locale=language)


def session_when(starts_at: datetime, minutes: int, zone: str, language: str) -> str:
    """'Jeudi 10 décembre 2026, 18:30–20:00, heure normale d’Europe centrale (Europe/Paris)'."""
    ends_at = starts_at + timedelta(minutes=minutes)
    return translate(N_("{date}, {start}–{end}, {zone}"), language, date=long_date(starts_at, zone, language),
                     start=clock_time(starts_at, zone, language), end=clock_time(ends_at, zone, language),
                     zone=zone_name(zone, starts_at, language))


def duration(minutes: int, language: str) -> str:
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return translate(N_("{hours} h {minutes:02d}"), language, hours=hours, minutes=rest)
    if hours:
        return translate(N_("{hours} h"), language, hours=hours)
    return translate(N_("{minutes} min"), language, minutes=rest)


def day_and_time(instant: datetime, zone: str, language: str) -> str:
    """'jeudi 10 décembre, 18:30' / 'Thursday 10 December, 18:30': short enough for a subject line."""
    local = instant.astimezone(get_timezone(zone))
    return translate(N_("{day}, {time}"), language, day=format_date(local, "EEEE d MMMM", locale=language),
                     time=format_time(local, "HH:mm", locale=language))
