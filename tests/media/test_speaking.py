"""Who is speaking, from the levels in the packets: steady, neither flickering nor lingering."""

from __future__ import annotations

from functools import partial

import aioice.ice
import pytest

from media.service import MediaService
from media.speaking import SpeakingDetector
from tests.media.synthetic import microphone
from tests.waiting import until


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def packets(detector: SpeakingDetector, clock: Clock, level: int, seconds: float) -> None:
    for _ in range(round(seconds / 0.02)):  # one Opus packet every 20 ms
        clock.now += 0.02
        detector.hear(level)


def test_speech_lights_the_indicator_after_a_third_of_a_second_and_quiet_turns_it_off() -> None:
    changes: list[bool] = []
    clock = Clock()
    detector = SpeakingDetector(changes.append, clock=clock)
    packets(detector, clock, level=30, seconds=0.2)
    assert changes == []
    packets(detector, clock, level=30, seconds=0.2)
    assert changes == [True]
    packets(detector, clock, level=90, seconds=0.6)
    assert changes == [True]  # a breath between sentences
    packets(detector, clock, level=90, seconds=0.4)
    assert changes == [True, False]


def test_a_cough_is_not_speech() -> None:
    changes: list[bool] = []
    clock = Clock()
    detector = SpeakingDetector(changes.append, clock=clock)
    for _ in range(5):
        packets(detector, clock, level=20, seconds=0.1)
        packets(detector, clock, level=100, seconds=0.3)
    assert changes == []


@pytest.mark.skipif(not aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True), reason="no network address")
async def test_the_server_hears_who_speaks_without_decoding() -> None:
    media = MediaService()
    browser, voice = await microphone(partial(media.publish, "amina"))
    voice.loud = True
    await until(lambda: "amina" in media.speaking)
    voice.loud = False
    await until(lambda: "amina" not in media.speaking)
    await media.close()
    await browser.close()
