"""Published tracks and the slots that show them: encoded frames fanned out, one queue per subscriber."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media.aiortc_hooks import ForwardedPacket
from media.frames import EncodedFrame, Kind, to_packet

SLOT_CAPACITY = {"audio": 50, "video": 15}  # frames a subscriber may lag (a second at 15 fps) before skipping ahead
FRAME_STEP = {"audio": 960, "video": 3_000}  # RTP ticks between frames: 20 ms of Opus, a 30 fps picture


class PublishedTrack:
    """A publisher's camera or microphone, as it arrives: every frame goes to every slot showing it."""

    def __init__(self, kind: Kind, ask_keyframe: Callable[[], None]) -> None:
        self.kind = kind
        self.ask_keyframe = ask_keyframe
        self.slots: set[SlotTrack] = set()
        self.ended = False

    def deliver(self, frame: EncodedFrame) -> None:
        for slot in list(self.slots):
            slot.offer(frame)

    def end(self) -> None:
        """The publisher left or stopped this track: its slots go quiet until shown something else."""
        self.ended = True
        for slot in list(self.slots):
            slot.show(None)


class SlotTrack(MediaStreamTrack):
    """One of a subscriber's outgoing tracks. What it shows changes without renegotiating.

    aiortc's sender calls `recv`: it gets encoded packets (`ForwardedPacket`), which it only packetises.
    Timestamps stay continuous across switches, and after a switch or a lag the slot waits for a
    keyframe, since the subscriber cannot decode a picture whose predecessors it never got.
    """

    def __init__(self, kind: Kind) -> None:
        super().__init__()
        self.kind = kind
        self.source: PublishedTrack | None = None
        self._frames: asyncio.Queue[EncodedFrame] = asyncio.Queue(SLOT_CAPACITY[kind])
        self._waiting_for_keyframe = kind == "video"
        self._offset: int | None = None  # added to the source's timestamps
        self._last_pts = 0
        self.skipped = 0

    def show(self, source: PublishedTrack | None) -> None:
        if source is self.source:
            return
        if self.source is not None:
            self.source.slots.discard(self)
        self.source = source
        self._offset = None
        self._skip_to_keyframe()
        if source is not None and not source.ended:
            source.slots.add(self)
            if self.kind == "video":
                source.ask_keyframe()

    def offer(self, frame: EncodedFrame) -> None:
        if self._waiting_for_keyframe and not frame.keyframe:
            self.skipped += 1
            return
        self._waiting_for_keyframe = False
        if self._frames.full():  # this subscriber lags: skip ahead rather than let its picture decay
            self._skip_to_keyframe()
            if frame.keyframe:  # the very frame to start again from
                self._waiting_for_keyframe = False
            elif self._waiting_for_keyframe:
                if self.source is not None:
                    self.source.ask_keyframe()
                self.skipped += 1
                return
        if self._offset is None:
            self._offset = self._last_pts + FRAME_STEP[self.kind] - frame.timestamp
        self._frames.put_nowait(frame)

    # aiortc types recv as returning av frames or packets; its sender only reads what ForwardedPacket has.
    async def recv(self) -> ForwardedPacket:  # type: ignore[override]
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self._frames.get()
        pts = frame.timestamp + (self._offset or 0)
        self._last_pts = pts
        return to_packet(frame, pts)

    def stop(self) -> None:
        self.show(None)
        super().stop()

    def _skip_to_keyframe(self) -> None:
        while not self._frames.empty():
            self._frames.get_nowait()
            self.skipped += 1
        self._waiting_for_keyframe = self.kind == "video"

