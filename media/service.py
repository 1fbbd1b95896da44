"""The media of a running server: who publishes, which pages watch, and what each page's slots show.

Hundreds of pages may watch one run, so nothing here walks every page for one person's change
without a cheap test first: a new routing refills and tells only the pages whose view or whose
own profile changed, a new publisher only the pages that see or hear them, a new page only itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import TYPE_CHECKING

from media.audience import AUDIO_SLOTS, NOTHING, Audience, shows
from media.backend import Page
from media.ice import IceServers
from media.routing import Routing, Someone, View, is_screen

if TYPE_CHECKING:  # aiortc and PyAV load with the first connection, not with the server (a faster start)
    from aiortc import RTCSessionDescription

    from media.forwarding import PublishedTrack, Slot
    from media.frames import Kind
    from media.peers import PublishPeer, SubscribePeer

log = logging.getLogger(__name__)

VIDEO_SLOTS = 8  # videos a page can show at once: the stage, or a breakout room of 8 with a shared screen


class MediaService(Audience):
    """One per server process; the pages' elements talk to it, the live runs' changes re-route it."""

    def __init__(self, announced_address: str | None = None, ice_servers: IceServers | None = None) -> None:
        super().__init__()
        self.announced_address = announced_address  # the address browsers reach the server at (1:1 NAT)
        self.ice_servers = ice_servers or IceServers()  # STUN/TURN for browsers
        self._publishers: dict[Someone, PublishPeer] = {}
        self._publishing_pages: dict[Someone, Page] = {}
        self._owners: dict[PublishedTrack, Someone] = {}
        self._pages: dict[Page, tuple[Someone, SubscribePeer]] = {}

    # ------------------------------------------------------------ connections

    async def publish(self, who: Someone, offer: RTCSessionDescription, page: Page = None) -> RTCSessionDescription:
        """A browser offers its camera and microphone: a new offer (a reload) replaces the previous connection."""
        from media.peers import PublishPeer

        self._publishing_pages[who] = page
        await self._drop_publisher(who)
        peer = self._publishers[who] = PublishPeer(on_speaking=lambda speaking: self._speaking_changed(who, speaking),
                                                   announced_address=self.announced_address)
        answer = await peer.answer(offer)
        self._owners.update(dict.fromkeys(peer.tracks.values(), who))
        self._refill(self._pages_showing(who))
        return answer

    async def unpublish(self, who: Someone, page: Page = None) -> None:
        """Stop receiving `who`; with `page`, only if that page's connection is still theirs (not a reload's)."""
        if page is not None and self._publishing_pages.get(who) != page:
            return
        self._publishing_pages.pop(who, None)
        self._speaking.discard(who)
        if await self._drop_publisher(who):
            self._refill(self._pages_showing(who))

    async def _drop_publisher(self, who: Someone) -> bool:
        peer = self._publishers.pop(who, None)
        if peer is None:
            return False
        for track in peer.tracks.values():
            self._owners.pop(track, None)
        await peer.close()
        return True

    async def watch(self, page: Page, who: Someone) -> RTCSessionDescription:
        """A page wants to see and hear: the server's offer, for the page to answer (`accept`)."""
        from media.peers import SubscribePeer

        await self.leave(page)
        peer = SubscribePeer(VIDEO_SLOTS, AUDIO_SLOTS, self.announced_address,
                             on_budget=lambda: self._refill([page], always_tell=True))
        self._pages[page] = (who, peer)
        offer = await peer.offer()
        self._refill([page], always_tell=True)
        return offer

    async def accept(self, page: Page, answer: RTCSessionDescription) -> None:
        if page in self._pages:
            await self._pages[page][1].accept(answer)

    async def leave(self, page: Page) -> None:
        entry = self._pages.pop(page, None)
        if entry is not None:
            await entry[1].close()

    async def close(self) -> None:
        for page in list(self._pages):
            await self.leave(page)
        for who in list(self._publishers):
            await self.unpublish(who)

    # ------------------------------------------------------------ what each one sees, hears and sends

    def route(self, gathering: Hashable, routing: Routing) -> None:
        """Who sees and hears whom in this gathering has changed (a step, the floor, the rooms...)."""
        before, changed = self._take_routing(gathering, routing)
        moved = {who for who in changed if _place(before.views.get(who)) != _place(routing.views.get(who))}
        for who, peer in self._pages.values():
            if who in moved:
                peer.budget.reset()  # what its link carries is tried again with what it is to see now
        self._refill([page for page, (who, _peer) in self._pages.items() if who in changed])
        self._tell([page for page, (who, _listener) in self._page_listeners.items() if who in changed])

    def shown(self, page: Page) -> tuple[list[Someone | None], list[Someone | None]]:
        """Who each of the page's video and audio slots shows (None: an empty slot)."""
        if page not in self._pages:
            return [], []
        _who, peer = self._pages[page]
        return ([self._owners.get(slot.source) if slot.source else None for slot in peer.video],
                [self._owners.get(slot.source) if slot.source else None for slot in peer.audio])

    def reduced(self, page: Page) -> bool:
        """Whether the page's link carries fewer videos than its view shows (or sound only)."""
        entry = self._pages.get(page)
        if entry is None:
            return False
        allowed = entry[1].budget.videos
        return allowed is not None and allowed < entry[1].wanted_videos

    @property
    def screens(self) -> dict[Someone, Someone]:
        """Who shares a screen now, and that screen's source."""
        return {source[1]: source for source in self._publishers if is_screen(source)}

    # ------------------------------------------------------------ listeners

    def on_renegotiate(self, page: Page, publish_again: Callable[[Someone], None], watch_again: Callable[[], None],
                       reoffer: Callable[[RTCSessionDescription], Awaitable[RTCSessionDescription | None]] | None = None
                       ) -> Callable[[], None]:
        """Never needed here: one server carries every room, its slots switch without a new offer."""
        return lambda: None

    def _speaking_changed(self, who: Someone, speaking: bool) -> None:
        concerned = self._note_speaking(who, speaking)
        if self._crowded:  # with more voices than slots, who is heard follows who speaks: refill
            self._refill(concerned, always_tell=True)
        else:
            self._tell(concerned)
        self._tell_boards()

    # ------------------------------------------------------------ slots

    def _pages_showing(self, who: Someone) -> list[Page]:
        return [page for page, (viewer, _peer) in self._pages.items()
                if shows(self._views.get(viewer, NOTHING), who)]

    def _track(self, who: Someone, kind: Kind) -> PublishedTrack | None:
        peer = self._publishers.get(who)
        return peer.track(kind) if peer is not None else None

    def _refill(self, pages: Iterable[Page], *, always_tell: bool = False) -> None:
        """Show each of these pages what its view says; tell those whose slots changed (or all, if asked)."""
        speaking = {track for who in self._speaking if (track := self._track(who, "audio")) is not None} \
            if self._crowded else set()
        told = []
        for page in pages:
            entry = self._pages.get(page)
            if entry is None:
                continue
            who, peer = entry
            view = self._views.get(who, NOTHING)
            seen = (view.screen, *view.videos) if view.screen is not None else view.videos
            peer.wanted_videos = len(seen)
            if peer.budget.videos is not None:  # its link carries no more (the first ones of its view stay)
                seen = seen[:peer.budget.videos]
            before = [slot.source for slot in (*peer.video, *peer.audio)]
            fill_slots(peer.video, [self._track(p, "video") for p in seen], set())
            fill_slots(peer.audio, [self._track(p, "audio") for p in view.sounds], speaking)
            if always_tell or before != [slot.source for slot in (*peer.video, *peer.audio)]:
                told.append(page)
        self._tell(told)


def _place(view: View | None) -> object:
    """What a view shows, beside who is heard: a page whose pictures change starts its link budget again."""
    return None if view is None else (view.videos, view.large, view.screen)


def fill_slots(slots: list[Slot], wanted: list[PublishedTrack | None], preferred: set[PublishedTrack]) -> None:
    """Show the wanted sources in the slots: those already shown keep their slot, the preferred come first."""
    sources = [source for source in wanted if source is not None]
    if len(sources) > len(slots):
        shown_now = {slot.source for slot in slots}
        sources.sort(key=lambda source: (source not in preferred, source not in shown_now))
        log.debug("%d sources for %d slots: the last ones wait", len(sources), len(slots))
        sources = sources[:len(slots)]
    kept = {slot.source for slot in slots} & set(sources)  # a source already shown stays in its slot
    waiting = [source for source in sources if source not in kept]
    for slot in slots:
        if slot.source not in kept:
            slot.show(waiting.pop(0) if waiting else None)
