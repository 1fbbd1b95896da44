"""How many videos a subscriber's link carries: fewer pictures, or sound only, rather than frozen video.

Publishers send one size to everyone (their profile), so a subscriber whose link is narrower than
what it is sent cannot be sent a smaller picture of the same person: it is sent fewer of the videos
it should see (the first ones of its view stay), down to sound only. What tells:

- losses in its receiver reports: over a tenth of a video stream's packets lost, twice in a row,
  take videos away: one, or as many as its latest estimate of its link says (REMB, which Chrome
  computes from the send times the server writes into each video packet) if that is fewer;
- an estimate alone takes nothing away: a receiver's estimate starts low and climbs for seconds
  (aiortc's takes tens of seconds), and the picture does not freeze while nothing is lost.

Each reduction waits for the link to recover: after `HOLD` seconds without trouble one video more is
tried; if it brings trouble back soon, the next try waits twice as long (up to `LONGEST_HOLD`). A
subscriber shown other pictures (into a room, back to the plenary) starts again with all of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

LOSSY = 26  # out of 256: a receiver report with more than a tenth of the packets lost
LOSSY_REPORTS = 2  # in a row, before the videos are reduced
HEADROOM = 0.85  # share of the subscriber's estimate the server may fill
RECENT_ESTIMATE = 5.0  # seconds an estimate is taken into account
HOLD = 8.0  # seconds without trouble before one video more is tried
LONGEST_HOLD = 32.0
SETTLE = 2.0  # seconds after a change before the next reduction (its effect takes a report or two to show)


class LinkBudget:
    """One subscriber's allowance of videos; `on_change` runs when it changes (the slots are refilled)."""

    def __init__(self, on_change: Callable[[], None], *, clock: Callable[[], float] = time.monotonic) -> None:
        self._on_change = on_change
        self._clock = clock
        self.videos: int | None = None  # None: as many as its view shows
        self._changed_at = -SETTLE
        self._hold = HOLD
        self._lossy = 0
        self._estimate: tuple[float, float, list[int]] | None = None  # when, the budget for videos, their rates
        self._probing_since: float | None = None  # when one video more was last tried

    def reset(self) -> None:
        """A new view (another room, the plenary): new sources, a new start; a narrow link shows again soon."""
        self.videos = None
        self._hold = HOLD
        self._lossy = 0
        self._probing_since = None

    def estimated(self, bitrate: int, sending: int, video_rates: list[int], wanted: int) -> None:
        """A REMB: `bitrate` the link carries by the subscriber's estimate; `sending` what it is sent now (bit/s),
        of which `video_rates` for the videos it is sent now; `wanted` how many videos its view has."""
        audio = sending - sum(video_rates)
        self._estimate = (self._clock(), HEADROOM * bitrate - audio, video_rates)
        self._maybe_more(wanted)

    def lost(self, fraction: int, shown_videos: int, wanted: int) -> None:
        """A receiver report of a video stream: the share of its packets lost, out of 256."""
        if fraction <= LOSSY:
            self._lossy = 0
            self._maybe_more(wanted)
            return
        self._lossy += 1
        if self._lossy < LOSSY_REPORTS:
            return
        videos = shown_videos - 1
        if self._estimate is not None and self._clock() - self._estimate[0] < RECENT_ESTIMATE:
            _at, budget, rates = self._estimate
            videos = min(videos, _fitting(budget, rates))
        self._reduce(videos)

    def _reduce(self, videos: int) -> None:
        now = self._clock()
        if now - self._changed_at < SETTLE:
            return
        videos = max(0, videos)
        if self.videos is not None and videos >= self.videos:
            return
        if self._probing_since is not None and now - self._probing_since < HOLD:
            self._hold = min(LONGEST_HOLD, self._hold * 2)  # the last try was too much: wait longer next time
        self._probing_since = None
        self._lossy = 0
        self._set(videos, now)

    def _maybe_more(self, wanted: int) -> None:
        now = self._clock()
        if self._probing_since is not None and now - self._probing_since >= HOLD:
            self._hold = HOLD  # the last try held: the next one need not wait long
        if self.videos is None or now - self._changed_at < self._hold:
            return
        self._probing_since = now
        self._set(self.videos + 1 if self.videos + 1 < wanted else None, now)

    def _set(self, videos: int | None, now: float) -> None:
        self._changed_at = now
        if videos != self.videos:
            self.videos = videos
            self._on_change()


def _fitting(budget: float, rates: list[int]) -> int:
    """How many of these videos, in order, fit in `budget` bit/s."""
    used, count = 0, 0
    for rate in rates:
        used += rate
        if used > budget:
            break
        count += 1
    return count
