"""Local times in IANA zones, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain import timekeeping
from domain.errors import InvalidValue


def test_winter_and_summer_offsets_of_paris() -> None:
    assert timekeeping.to_utc(date(2026, 12, 10), time(18, 30), "Europe/Paris") == datetime(2026, 12, 10, 17, 30,
                                                                                            tzinfo=UTC)
    assert timekeeping.to_utc(date(2026, 6, 10), time(18, 30), "Europe/Paris") == datetime(2026, 6, 10, 16, 30,
                                                                                           tzinfo=UTC)


def test_a_time_in_the_spring_gap_is_refused_with_a_message_for_the_time_field() -> None:
    with pytest.raises(InvalidValue) as refused:
        timekeeping.to_utc(date(2026, 3, 29), time(2, 30), "Europe/Paris")
    assert refused.value.field == "start_time"
    assert refused.value.params == {"zone": "Europe/Paris"}


def test_a_repeated_autumn_time_means_its_first_occurrence() -> None:
    assert timekeeping.is_repeated(date(2026, 10, 25), time(2, 30), "Europe/Paris")
    assert not timekeeping.is_repeated(date(2026, 10, 25), time(4, 30), "Europe/Paris")
    first = timekeeping.to_utc(date(2026, 10, 25), time(2, 30), "Europe/Paris")
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # still summer time, UTC+2


def test_a_session_across_the_autumn_change_ends_an_hour_later_on_the_wall_clock() -> None:
    start = timekeeping.to_utc(date(2026, 10, 25), time(1, 30), "Europe/Paris")
    end = start + timedelta(minutes=90)
    assert timekeeping.to_local(end, "Europe/Paris").strftime("%H:%M") == "02:00"


def test_other_hemisphere_and_overseas_zones() -> None:
    assert timekeeping.to_utc(date(2026, 12, 10), time(18, 0), "Pacific/Noumea") == datetime(2026, 12, 10, 7, 0,
                                                                                             tzinfo=UTC)
    assert timekeeping.to_utc(date(2026, 12, 10), time(18, 0), "America/Cayenne") == datetime(2026, 12, 10, 21, 0,
                                                                                              tzinfo=UTC)


def test_unknown_zones_are_refused_and_legacy_aliases_are_not_offered() -> None:
    with pytest.raises(InvalidValue):
        timekeeping.zone("Mars/Olympus")
    assert not timekeeping.is_known_zone("Europe/Atlantis")
    zones = timekeeping.selectable_zones()
    assert "Europe/Paris" in zones and "America/Montreal" in zones
    assert not [zone for zone in zones if zone.startswith(("Etc/", "US/"))]
