"""Who is speaking, from the audio level each browser puts in its packets: no sound is decoded.

A browser marks every Opus packet with its loudness (the RFC 6464 header extension, 0 dBov loudest
to -127 dBov). Someone starts speaking after a third of a second of loud packets and stops after
nearly a second without, so that the indicator neither flickers nor lingers.
"""

from __future__ import annotations

import time
from collections.abc import Callable

LOUD = 50  # packets at -50 dBov or louder are speech (a quiet room is around -70)
START_AFTER = 0.3  # seconds of speech before the indicator lights up
STOP_AFTER = 0.8  # seconds of quiet before it goes off
GAP = 0.15  # a pause this long between loud packets starts the count again


class SpeakingDetector:
    def __init__(self, on_change: Callable[[bool], None], *, clock: Callable[[], float] = time.monotonic) -> None:
        self._on_change = on_change
        self._clock = clock
        self._loud_since: float | None = None
        self._last_loud: float | None = None
        self.speaking = False

    def hear(self, level: int | None) -> None:
        """One packet's level, in -dBov (0 loudest, 127 silent); None when the browser sent none."""
        now = self._clock()
        if level is not None and level <= LOUD:
            if self._last_loud is None or now - self._last_loud > GAP:
                self._loud_since = now
            self._last_loud = now
            if not self.speaking and self._loud_since is not None and now - self._loud_since >= START_AFTER:
                self._change(True)
        elif self.speaking and self._last_loud is not None and now - self._last_loud >= STOP_AFTER:
            self._change(False)

    def _change(self, speaking: bool) -> None:
        self.speaking = speaking
        self._on_change(speaking)
