"""The media of a running server: who publishes, which pages watch, and what each page's slots show."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence

from aiortc import RTCSessionDescription

from media.forwarding import PublishedTrack, SlotTrack
from media.frames import Kind
from media.peers import PublishPeer, SubscribePeer
from media.routing import Profile, Routing, Someone, View, is_screen

log = logging.getLogger(__name__)

VIDEO_SLOTS = 8  # videos a page can show at once: the stage, or a breakout room of 8 with a shared screen
AUDIO_SLOTS = 8  # voices a page can hear at once; beyond, those speaking now take the place of those silent


class MediaService:
    """One per server process; the pages' elements talk to it, the live session's changes re-route it."""

    def __init__(self, announced_address: str | None = None,
                 browser_ice_servers: Sequence[dict[str, str]] = ()) -> None:
        self.announced_address = announced_address  # the address browsers reach the server at (1:1 NAT)
        self.browser_ice_servers = list(browser_ice_servers)  # STUN/TURN for browsers, as RTCIceServer dicts
        self._publishers: dict[Someone, PublishPeer] = {}
        self._pages: dict[Hashable, tuple[Someone, SubscribePeer]] = {}
        self._routings: dict[Hashable, Routing] = {}  # by gathering (a live run)
        self._listeners: list[Callable[[], None]] = []
        self._speaking: set[Someone] = set()
        self._cameras_off: set[Someone] = set()
        self._muted: set[Someone] = set()
        self._audio_only: set[Someone] = set()
        self._publishing_pages: dict[Someone, Hashable] = {}
        self._crowded = False  # some page is to hear more voices than it has slots for

    async def publish(self, who: Someone, offer: RTCSessionDescription, page: Hashable = None) -> RTCSessionDescription:
        """A browser offers its camera and microphone: a new offer (a reload) replaces the previous connection."""
        self._publishing_pages[who] = page
        previous = self._publishers.pop(who, None)
        if previous is not None:
            await previous.close()
        peer = self._publishers[who] = PublishPeer(on_speaking=lambda speaking: self._speaking_changed(who, speaking),
                                                   announced_address=self.announced_address)
        answer = await peer.answer(offer)
        self._apply()
        return answer

    async def watch(self, page: Hashable, who: Someone) -> RTCSessionDescription:
        """A page wants to see and hear: the server's offer, for the page to answer (`accept`)."""
        await self.leave(page)
        peer = SubscribePeer(VIDEO_SLOTS, AUDIO_SLOTS, self.announced_address)
        self._pages[page] = (who, peer)
        offer = await peer.offer()
        self._apply()
        return offer

    async def accept(self, page: Hashable, answer: RTCSessionDescription) -> None:
        if page in self._pages:
            await self._pages[page][1].accept(answer)

    def view(self, who: Someone) -> View:
        """What this person is shown now (nothing while they are in no gathering)."""
        for routing in self._routings.values():
            if who in routing.views:
                return routing.views[who]
        return View()

    def profile(self, who: Someone) -> Profile:
        """What this person's browser should send now (nothing while nobody sees or hears them)."""
        for routing in self._routings.values():
            if who in routing.profiles:
                return routing.profiles[who]
        return Profile.PAUSED

    def shown(self, page: Hashable) -> tuple[list[Someone | None], list[Someone | None]]:
        """Who each of the page's video and audio slots shows (None: an empty slot)."""
        if page not in self._pages:
            return [], []
        _, peer = self._pages[page]
        owners: dict[PublishedTrack | None, Someone] = {
            track: who for who, publisher in self._publishers.items() for track in publisher.tracks.values()}
        return [owners.get(slot.source) for slot in peer.video], [owners.get(slot.source) for slot in peer.audio]

    def route(self, gathering: Hashable, routing: Routing) -> None:
        """Who sees and hears whom in this gathering has changed (a step, the floor, the rooms...)."""
        self._routings[gathering] = routing
        self._crowded = any(len(view.sounds) > AUDIO_SLOTS for routing in self._routings.values()
                            for view in routing.views.values())
        self._apply()

    @property
    def cameras_off(self) -> frozenset[Someone]:
        """Who turned their camera off: the others see their name instead of a dark picture."""
        return frozenset(self._cameras_off)

    def set_camera(self, who: Someone, *, on: bool) -> None:
        _mark(self._cameras_off, who, not on)

    @property
    def muted(self) -> frozenset[Someone]:
        """Who closed their microphone here (staff: participants' microphones are in the live state)."""
        return frozenset(self._muted)

    def set_microphone(self, who: Someone, *, on: bool) -> None:
        _mark(self._muted, who, not on)

    @property
    def audio_only(self) -> frozenset[Someone]:
        """Who asked for sound alone, to spare a weak connection: they neither send nor receive video."""
        return frozenset(self._audio_only)

    def set_audio_only(self, who: Someone, *, on: bool) -> None:
        _mark(self._audio_only, who, on)

    @property
    def screens(self) -> dict[Someone, Someone]:
        """Who shares a screen now, and that screen's source."""
        return {source[1]: source for source in self._publishers if is_screen(source)}

    @property
    def speaking(self) -> frozenset[Someone]:
        """The publishers whose microphone carries speech right now."""
        return frozenset(self._speaking)

    def _speaking_changed(self, who: Someone, speaking: bool) -> None:
        _mark(self._speaking, who, speaking)
        if self._crowded:  # with more voices than slots, who is heard follows who speaks
            self._apply()
        else:
            self._tell_listeners()

    def _tell_listeners(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:  # one page's trouble must not keep the others from following
                log.exception("a media listener failed")

    def on_change(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` whenever what the slots show, or who speaks, may have changed; returns how to stop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def leave(self, page: Hashable) -> None:
        entry = self._pages.pop(page, None)
        if entry is not None:
            await entry[1].close()

    async def unpublish(self, who: Someone, page: Hashable = None) -> None:
        """Stop receiving `who`; with `page`, only if that page's connection is still theirs (not a reload's)."""
        if page is not None and self._publishing_pages.get(who) != page:
            return
        self._publishing_pages.pop(who, None)
        peer = self._publishers.pop(who, None)
        if peer is not None:
            for remembered in (self._speaking, self._cameras_off, self._muted, self._audio_only):
                remembered.discard(who)
            await peer.close()
            self._apply()

    async def close(self) -> None:
        for page in list(self._pages):
            await self.leave(page)
        for who in list(self._publishers):
            await self.unpublish(who)

    def _track(self, who: Someone, kind: Kind) -> PublishedTrack | None:
        peer = self._publishers.get(who)
        return peer.track(kind) if peer is not None else None

    def _apply(self) -> None:
        views = {who: view for routing in self._routings.values() for who, view in routing.views.items()}
        speaking = {track for who in self._speaking if (track := self._track(who, "audio")) is not None}
        for who, peer in self._pages.values():
            view = views.get(who, View())
            seen = (view.screen, *view.videos) if view.screen is not None else view.videos
            fill_slots(peer.video, [self._track(p, "video") for p in seen], set())
            fill_slots(peer.audio, [self._track(p, "audio") for p in view.sounds], speaking)
        self._tell_listeners()


def _mark(group: set[Someone], who: Someone, member: bool) -> None:
    if member:
        group.add(who)
    else:
        group.discard(who)


def fill_slots(slots: list[SlotTrack], wanted: list[PublishedTrack | None], preferred: set[PublishedTrack]) -> None:
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
