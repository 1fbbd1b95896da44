"""A subscriber's link budget: fewer videos, then sound only, when its link is too narrow; one more when it recovers."""

from __future__ import annotations

from media.bandwidth import HOLD, RECENT_ESTIMATE, SETTLE, LinkBudget


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def budget() -> tuple[LinkBudget, Clock, list[int | None]]:
    clock = Clock()
    changes: list[int | None] = []
    link = LinkBudget(lambda: changes.append(link.videos), clock=clock)
    return link, clock, changes


STAGE = 400_000  # bit/s of a video on the plenary stage
VOICE = 32_000


def test_losses_with_an_estimate_well_below_what_is_sent_keep_the_videos_that_fit() -> None:
    link, clock, changes = budget()
    sending = 3 * STAGE + 2 * VOICE
    link.estimated(600_000, sending, [STAGE, STAGE, STAGE], wanted=3)
    assert changes == []  # an estimate alone takes nothing away: it may still be climbing
    link.lost(60, shown_videos=3, wanted=3)
    link.lost(60, shown_videos=3, wanted=3)
    assert changes == [1]  # 0.85 * 600 kbit/s carries the voices and one video
    clock.now += SETTLE
    link.estimated(200_000, STAGE + 2 * VOICE, [STAGE], wanted=3)
    link.lost(60, shown_videos=1, wanted=3)
    link.lost(60, shown_videos=1, wanted=3)
    assert changes == [1, 0]  # sound only
    clock.now += RECENT_ESTIMATE + HOLD
    link.lost(0, shown_videos=0, wanted=3)
    assert changes == [1, 0, 1]
    clock.now += SETTLE
    link.lost(60, shown_videos=1, wanted=3)
    link.lost(60, shown_videos=1, wanted=3)  # an estimate too old to tell: one video less
    assert changes == [1, 0, 1, 0]


def test_losses_take_one_video_away_at_a_time() -> None:
    link, clock, changes = budget()
    link.lost(60, shown_videos=3, wanted=3)
    link.lost(10, shown_videos=3, wanted=3)  # a good report in between: not twice in a row
    link.lost(60, shown_videos=3, wanted=3)
    assert changes == []
    link.lost(60, shown_videos=3, wanted=3)
    assert changes == [2]
    link.lost(60, shown_videos=2, wanted=3)
    link.lost(60, shown_videos=2, wanted=3)  # too soon after the change: its effect is not known yet
    assert changes == [2]
    clock.now += SETTLE
    link.lost(60, shown_videos=2, wanted=3)
    link.lost(60, shown_videos=2, wanted=3)
    assert changes == [2, 1]


def test_a_recovered_link_gets_one_video_more_and_a_failed_try_waits_longer() -> None:
    link, clock, changes = budget()
    link.lost(100, shown_videos=1, wanted=2)
    link.lost(100, shown_videos=1, wanted=2)
    assert changes == [0]  # sound only
    clock.now += HOLD - 1
    link.lost(0, shown_videos=0, wanted=2)
    assert changes == [0]
    clock.now += 1
    link.lost(0, shown_videos=0, wanted=2)
    assert changes == [0, 1]  # one video is tried again
    clock.now += SETTLE
    link.lost(100, shown_videos=1, wanted=2)
    link.lost(100, shown_videos=1, wanted=2)
    assert changes == [0, 1, 0]  # too much, soon: back to sound, and the next try waits twice as long
    clock.now += HOLD
    link.lost(0, shown_videos=0, wanted=2)
    assert changes == [0, 1, 0]
    clock.now += HOLD
    link.lost(0, shown_videos=0, wanted=2)
    assert changes == [0, 1, 0, 1]
    clock.now += HOLD
    link.estimated(3_000_000, STAGE, [STAGE], wanted=2)  # held: all its videos again, no limit
    assert changes == [0, 1, 0, 1, None]


def test_a_new_view_starts_again_with_all_its_videos() -> None:
    link, clock, changes = budget()
    link.lost(100, shown_videos=2, wanted=2)
    link.lost(100, shown_videos=2, wanted=2)
    assert link.videos == 1
    link.reset()  # into a breakout room: other people, perhaps a lighter load
    assert link.videos is None
    clock.now += SETTLE
    link.lost(100, shown_videos=5, wanted=5)
    link.lost(100, shown_videos=5, wanted=5)  # still narrow: it shows within two reports
    assert link.videos == 4
