"""A subscriber's slot on its own: what it keeps when its subscriber lags."""

from __future__ import annotations

from media.forwarding import SLOT_CAPACITY, PublishedTrack, SlotTrack
from media.frames import EncodedFrame


def picture(number: int, *, keyframe: bool) -> EncodedFrame:
    return EncodedFrame("video", bytes([0 if keyframe else 1]), number * 3_000, keyframe)


def lagging_slot() -> tuple[SlotTrack, list[str]]:
    asked: list[str] = []
    slot = SlotTrack("video")
    slot.show(PublishedTrack("video", lambda: asked.append("keyframe")))
    asked.clear()  # showing a source asks for a keyframe
    slot.offer(picture(0, keyframe=True))
    for number in range(1, SLOT_CAPACITY["video"]):
        slot.offer(picture(number, keyframe=False))
    assert slot._frames.full()
    return slot, asked


def test_a_lagging_subscriber_skips_ahead_to_a_new_keyframe() -> None:
    slot, asked = lagging_slot()
    slot.offer(picture(100, keyframe=False))
    assert slot._frames.empty() and asked == ["keyframe"]
    slot.offer(picture(101, keyframe=False))
    assert slot._frames.empty()


def test_a_keyframe_that_finds_the_queue_full_is_kept_to_start_again_from() -> None:
    slot, asked = lagging_slot()
    slot.offer(picture(100, keyframe=True))
    assert slot._frames.qsize() == 1 and slot._frames.get_nowait().timestamp == 300_000
    assert asked == []  # no need for another
    slot.offer(picture(101, keyframe=False))
    assert slot._frames.qsize() == 1
