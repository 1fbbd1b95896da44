"""Janus VideoRoom servers carry the cameras, microphones and screens; Atelier keeps the signalling.

The pages talk to this object exactly as to Atelier's own forwarding (`media.backend.MediaBackend`):
the browser's offer to publish is handed to Janus, which answers; to watch, Janus offers and the
browser answers. Each room of a gathering (its plenary, each breakout) is one VideoRoom room on one
server, chosen when the room first has people (`media.janus.placement`). Someone publishes in the
room they are in; when they move, their page is asked to publish again there, and to watch anew.

A page watches through one multistream subscription (Janus 1.x), one m-line per stream, its
videos first, then its sounds: the browser shows its n-th video m-line in its n-th video slot. When
only who fills them changes, the streams are switched in place ("switch", no new negotiation); when
their number changes, streams are added and removed ("update": Janus offers the same connection
again, the page answers on it, and reuses the m-lines of streams gone); in another room, on another
server perhaps, the page watches anew. A publisher who leaves is dropped from its subscribers by
Janus itself, which offers them their streams without it. Janus cannot subscribe to nothing nor to a
publisher whose connection is not up yet: a page with nothing to receive has no subscription until
there is something. Who speaks comes from the VideoRoom's audio levels ("talking" events), measured
by Janus from the level header the browsers put on their sound.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from media.audience import AUDIO_SLOTS, NOTHING, Audience, safely, shows
from media.backend import Page, Reoffer
from media.ice import IceServers
from media.janus.client import JanusConnection, JanusError, Json
from media.janus.placement import place_rooms
from media.routing import Routing, Someone, is_screen
from media.service import VIDEO_SLOTS

if TYPE_CHECKING:
    from aiortc import RTCSessionDescription

log = logging.getLogger(__name__)

RoomKey = tuple[Hashable, Hashable | None]  # (the gathering, the breakout room; None: the plenary)
RECONNECT_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)

# A VideoRoom room as Atelier makes it: many publishers (everyone publishes, paused while nobody looks),
# VP8 and Opus as the browsers send, who speaks from the audio levels as `media.speaking` reads them:
# -50 dBov or louder on average over 15 packets (0.3 s).
ROOM_SETTINGS: Json = {
    "publishers": 1000, "videocodec": "vp8", "audiocodec": "opus", "bitrate": 0, "fir_freq": 10,
    "audiolevel_ext": True, "audiolevel_event": True, "audio_active_packets": 15, "audio_level_average": 50,
    "notify_joining": False, "permanent": False,
}
ROOM_EXISTS = 427  # the VideoRoom's "room already exists": created before a reconnection
NO_SUCH_FEED = 428


def mids_by_kind(sdp: str) -> dict[str, str]:
    """The first m-line's mid of each kind in a description ("audio", "video")."""
    mids: dict[str, str] = {}
    kind = None
    for line in sdp.splitlines():
        if line.startswith("m="):
            kind = line[2:].split(" ", 1)[0]
        elif line.startswith("a=mid:") and kind is not None:
            mids.setdefault(kind, line[6:].strip())
    return mids


@dataclass
class JanusRoom:
    key: RoomKey
    server: int
    number: int
    created_in: int = 0  # the connection's generation it was created in (0: not yet)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class Publisher:
    who: Someone
    server: int
    room: RoomKey
    handle: int
    feed: int
    mids: dict[str, str]
    up: bool = False  # its connection with Janus is up: only then can anyone subscribe to it


@dataclass
class Slot:
    mid: str  # the subscription's m-line
    kind: str
    source: Someone | None
    feed: int | None


@dataclass
class Subscription:
    who: Someone
    room: RoomKey | None
    server: int | None = None
    handle: int | None = None
    slots: list[Slot] = field(default_factory=list)
    asked_again: bool = False  # the page was asked to watch anew and has not yet
    started: bool = False  # the page answered Janus's offer: the streams may change from now on


class JanusMedia(Audience):
    """One per server process, in place of `MediaService`: the same questions, Janus servers doing the work."""

    def __init__(self, urls: Sequence[str], ice_servers: IceServers | None = None,
                 api_secret: str | None = None) -> None:
        if not urls:
            raise ValueError("the Janus backend needs at least one Janus server")
        super().__init__()
        self.ice_servers = ice_servers or IceServers()
        self.servers = [JanusConnection(url, on_lost=partial(self._lost, index), api_secret=api_secret)
                        for index, url in enumerate(urls)]
        self._down: set[int] = set()
        self._reconnecting: set[int] = set()
        self._controls: dict[int, tuple[int, int]] = {}  # by server: (generation, handle) for rooms' requests
        self._rooms: dict[RoomKey, JanusRoom] = {}
        self._left_behind: dict[int, list[int]] = {}  # by server: rooms moved off it while it was down
        self._numbers = itertools.count(random.randrange(1, 2**31) * 1000)  # unlike any earlier process's rooms
        self._publishers: dict[Someone, Publisher] = {}
        self._publishing_pages: dict[Someone, Page] = {}
        self._feeds: dict[tuple[int, int], Someone] = {}
        self._pages: dict[Page, Subscription] = {}
        self._page_locks: dict[Page, asyncio.Lock] = {}
        self._publish_locks: dict[Someone, asyncio.Lock] = {}
        self._places: dict[Someone, RoomKey] = {}
        self._renegotiators: dict[Page, tuple[Callable[[Someone], None], Callable[[], None], Reoffer | None]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    # ------------------------------------------------------------ where rooms are

    def placement(self) -> dict[RoomKey, str]:
        """Which server carries each room now (its WebSocket address)."""
        return {key: self.servers[room.server].url for key, room in self._rooms.items()}

    def room_number(self, key: RoomKey) -> int | None:
        """The VideoRoom room of an Atelier room (for operators and tests)."""
        room = self._rooms.get(key)
        return room.number if room is not None else None

    def _place(self) -> None:
        sizes = Counter(key for who, key in self._places.items() if not is_screen(who))
        for key in self._places.values():
            sizes.setdefault(key, 0)  # a screen's room exists with its sharer's
        placed = {key: room.server for key, room in self._rooms.items()}
        placement = place_rooms(sizes, placed, [index not in self._down for index in range(len(self.servers))])
        for key in self._rooms.keys() - placement.keys():
            self._spawn(self._destroy(self._rooms.pop(key)), "destroy a Janus room")
        for key, server in placement.items():
            if key not in self._rooms:
                self._rooms[key] = JanusRoom(key, server, next(self._numbers))
                log.info("room %s placed on %s", key, self.servers[server].url)
                self._spawn(self._ensure_room(key), "create a Janus room")  # ready before the first to publish

    async def _control(self, server: int) -> int:
        """A handle on this server for the rooms' own requests (create, destroy)."""
        connection = self.servers[server]
        await connection.connect()
        generation, handle = self._controls.get(server, (0, 0))
        if generation != connection.generation:
            handle = await connection.attach()
            self._controls[server] = (connection.generation, handle)
        return handle

    async def _ensure_room(self, key: RoomKey) -> JanusRoom:
        if key not in self._rooms:
            self._place()
        room = self._rooms.get(key)
        if room is None:
            raise JanusError(f"room {key!r} is no longer in use")
        connection = self.servers[room.server]
        async with room.lock:
            try:
                await connection.connect()
            except JanusError:  # down: tried again in the background; its rooms move to a server up, if any
                self._start_reconnecting(room.server)
                self._move_rooms_off(room.server)
                raise
            if room.created_in != connection.generation:
                try:
                    await connection.message(await self._control(room.server), {
                        "request": "create", "room": room.number, "description": f"atelier {key!r}"[:120],
                        **ROOM_SETTINGS})
                except JanusError as error:
                    if error.code != ROOM_EXISTS:
                        raise
                room.created_in = connection.generation
        return room

    async def _destroy(self, room: JanusRoom) -> None:
        connection = self.servers[room.server]
        if room.created_in and room.created_in == connection.generation and connection.connected:
            with contextlib.suppress(JanusError):
                await connection.message(await self._control(room.server), {"request": "destroy",
                                                                            "room": room.number})

    # ------------------------------------------------------------ publishing

    async def publish(self, who: Someone, offer: RTCSessionDescription, page: Page = None) -> RTCSessionDescription:
        from aiortc import RTCSessionDescription

        self._publishing_pages[who] = page
        async with self._publish_locks.setdefault(who, asyncio.Lock()):
            await self._drop_publisher(who)
            key = self._place_of(who)
            if key is None:
                raise JanusError(f"{who!r} is in no room: nowhere to publish")
            room = await self._ensure_room(key)
            connection = self.servers[room.server]
            handle = await connection.attach(partial(self._publisher_event, room.server, who))
            try:
                data, jsep = await connection.message(handle, {
                    "request": "joinandconfigure", "ptype": "publisher", "room": room.number,
                    "display": repr(who)[:100]}, {"type": offer.type, "sdp": offer.sdp})
            except JanusError:
                await connection.detach(handle)
                raise
            assert jsep is not None, "Janus answers a publisher's offer"
            publisher = Publisher(who, room.server, key, handle, int(data["id"]), mids_by_kind(offer.sdp))
            self._publishers[who] = publisher
            self._feeds[(room.server, publisher.feed)] = who
            await connection.trickle_done(handle)
        self._refill(self._pages_showing(who))
        return RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"])

    async def unpublish(self, who: Someone, page: Page = None) -> None:
        if page is not None and self._publishing_pages.get(who) != page:
            return
        self._publishing_pages.pop(who, None)
        if who in self._speaking:
            self._speaking_changed(who, False)
        if await self._drop_publisher(who):
            self._refill(self._pages_showing(who))

    async def _drop_publisher(self, who: Someone) -> bool:
        publisher = self._publishers.pop(who, None)
        if publisher is None:
            return False
        self._feeds.pop((publisher.server, publisher.feed), None)
        await self.servers[publisher.server].detach(publisher.handle)
        return True

    def _publisher_event(self, server: int, who: Someone, data: Json, _jsep: Json | None) -> None:
        if data.get("janus") in ("webrtcup", "hangup"):  # the browser's connection with Janus is up, or gone
            publisher = self._publishers.get(who)
            up = data["janus"] == "webrtcup"
            if publisher is not None and publisher.handle == data.get("sender") and publisher.up != up:
                publisher.up = up
                self._refill(self._pages_showing(who))
            return
        event = data.get("videoroom")
        if event in ("talking", "stopped-talking"):  # heard by every publisher of the room: about anyone there
            who = self._feeds.get((server, int(data.get("id", 0))))
            if who is not None and (event == "talking") != (who in self._speaking):
                self._speaking_changed(who, event == "talking")

    def _place_of(self, who: Someone) -> RoomKey | None:
        if who in self._places:
            return self._places[who]
        return self._places.get(who[1]) if is_screen(who) else None

    # ------------------------------------------------------------ watching

    async def watch(self, page: Page, who: Someone) -> RTCSessionDescription | None:
        from aiortc import RTCSessionDescription

        async with self._page_locks.setdefault(page, asyncio.Lock()):
            await self._unsubscribe(page)
            for _attempt in range(3):  # a publisher may leave between choosing the streams and joining
                subscription = self._pages[page] = Subscription(who, self._place_of(who))
                videos, sounds = self._wanted(who, subscription.room)
                if subscription.room is None or not (videos or sounds):
                    offer = None
                    break
                streams = [{"feed": self._publishers[source].feed, "mid": self._publishers[source].mids[kind]}
                           for kind, sources in (("video", videos), ("audio", sounds)) for source in sources]
                room = await self._ensure_room(subscription.room)
                connection = self.servers[room.server]
                subscription.server = room.server
                subscription.handle = handle = await connection.attach()
                connection.listen(handle, partial(self._subscriber_event, page, handle))
                try:
                    data, jsep = await connection.message(subscription.handle, {
                        "request": "join", "ptype": "subscriber", "room": room.number, "use_msid": False,
                        "streams": streams})
                except JanusError as error:
                    await connection.detach(handle)
                    subscription.server = subscription.handle = None
                    if error.code == NO_SUCH_FEED:  # the page stays, without streams, until there are some
                        continue
                    del self._pages[page]
                    raise
                assert jsep is not None, "Janus offers a subscriber its streams"
                subscription.slots = self._slots(room.server, data)
                offer = RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"])
                break
            else:
                offer = None
        self._tell([page])
        return offer

    async def accept(self, page: Page, answer: RTCSessionDescription) -> None:
        subscription = self._pages.get(page)
        if subscription is None or subscription.handle is None or subscription.server is None:
            return
        connection = self.servers[subscription.server]
        await connection.message(subscription.handle, {"request": "start"}, {"type": answer.type, "sdp": answer.sdp})
        await connection.trickle_done(subscription.handle)
        subscription.started = True
        self._refill([page])  # what changed while the page answered

    async def leave(self, page: Page) -> None:
        async with self._page_locks.setdefault(page, asyncio.Lock()):
            await self._unsubscribe(page)
        self._page_locks.pop(page, None)

    async def _unsubscribe(self, page: Page) -> None:
        subscription = self._pages.pop(page, None)
        if subscription is not None and subscription.handle is not None and subscription.server is not None:
            await self.servers[subscription.server].detach(subscription.handle)

    def _wanted(self, who: Someone, room: RoomKey | None, page: Page = None) -> tuple[list[Someone], list[Someone]]:
        """Whom this person's page is to see and hear now, among those publishing in their room."""
        view = self._views.get(who, NOTHING)

        def here(source: Someone, kind: str) -> bool:
            publisher = self._publishers.get(source)
            return publisher is not None and publisher.up and publisher.room == room and kind in publisher.mids

        seen = (view.screen, *view.videos) if view.screen is not None else view.videos
        videos = [source for source in seen if here(source, "video")][:VIDEO_SLOTS]
        sounds = [source for source in view.sounds if here(source, "audio")]
        if len(sounds) > AUDIO_SLOTS:  # more voices than slots: those speaking first, then those already heard
            current = self._pages.get(page)
            heard = {slot.source for slot in current.slots} if current is not None else set()
            sounds.sort(key=lambda source: (source not in self._speaking, source not in heard))
            sounds = sounds[:AUDIO_SLOTS]
        return videos, sounds

    def _refill(self, pages: Iterable[Page]) -> None:
        for page in dict.fromkeys(pages):
            if page in self._pages:
                self._spawn(self._sync(page), "switch a page's streams")

    async def _sync(self, page: Page) -> None:
        """Make the page's subscription show what its view says: streams switched in place when only who fills
        them changes, added or removed ("update", one new negotiation on the same connection) when their number
        does, watched anew in another room."""
        lock = self._page_locks.get(page)
        if lock is None:  # the page left meanwhile
            return
        async with lock:
            subscription = self._pages.get(page)
            if subscription is None or subscription.asked_again or (subscription.handle and not subscription.started):
                return
            room = self._place_of(subscription.who)
            videos, sounds = self._wanted(subscription.who, room, page)
            if room != subscription.room or subscription.handle is None or subscription.server is None:
                if subscription.handle is not None or videos or sounds:
                    self._watch_again(page, subscription)
                return
            if any(slot.source is not None and not self._live(slot, subscription.server)
                   for slot in subscription.slots):
                return  # a publisher left: Janus offers the page its streams without it (`_subscriber_event`)
            switches: list[tuple[Slot, Publisher]] = []
            removed: list[Slot] = []
            added: list[tuple[Publisher, str]] = []
            for kind, wanted in (("video", videos), ("audio", sounds)):
                active = [slot for slot in subscription.slots if slot.kind == kind and slot.source is not None]
                kept = {slot.source for slot in active} & set(wanted)
                leaving = [slot for slot in active if slot.source not in kept]
                coming = [self._publishers[source] for source in wanted if source not in kept]
                switched = min(len(leaving), len(coming))
                switches += zip(leaving[:switched], coming[:switched], strict=True)
                removed += leaving[switched:]
                added += [(publisher, kind) for publisher in coming[switched:]]
            connection = self.servers[subscription.server]
            try:
                if switches:
                    await connection.message(subscription.handle, {"request": "switch", "streams": [
                        {"feed": publisher.feed, "mid": publisher.mids[slot.kind], "sub_mid": slot.mid}
                        for slot, publisher in switches]})
                    for slot, publisher in switches:
                        slot.source, slot.feed = publisher.who, publisher.feed
                if removed or added:
                    update: Json = {"request": "update"}
                    if removed:  # Janus refuses an empty list
                        update["unsubscribe"] = [{"sub_mid": slot.mid} for slot in removed]
                    if added:
                        update["subscribe"] = [{"feed": publisher.feed, "mid": publisher.mids[kind]}
                                               for publisher, kind in added]
                    data, jsep = await connection.message(subscription.handle, update)
                    subscription.slots = self._slots(subscription.server, data)
                    if jsep is not None:
                        await self._renegotiate(page, subscription, jsep)
            except JanusError:
                log.warning("changing a page's streams failed: it watches anew", exc_info=True)
                self._watch_again(page, subscription)
                return
            if not (switches or removed or added):
                return
        self._tell([page])

    def _slots(self, server: int, data: Json) -> list[Slot]:
        """The subscription's m-lines as Janus lists them, in order; an inactive one shows nobody."""
        slots = []
        for stream in data.get("streams", []):
            if stream.get("type") not in ("audio", "video"):
                continue
            feed = int(stream["feed_id"]) if stream.get("active", True) and "feed_id" in stream else None
            slots.append(Slot(str(stream["mid"]), str(stream["type"]),
                              self._feeds.get((server, feed)) if feed is not None else None, feed))
        return slots

    async def _renegotiate(self, page: Page, subscription: Subscription, jsep: Json) -> None:
        """Janus offers the page's connection its streams anew: the page answers on the same connection."""
        from aiortc import RTCSessionDescription

        assert subscription.handle is not None and subscription.server is not None
        renegotiator = self._renegotiators.get(page)
        reoffer = renegotiator[2] if renegotiator is not None else None
        try:
            answer = await reoffer(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"])) if reoffer else None
        except Exception:  # the page did not answer (closed, or too slow): it watches anew if it is still there
            log.warning("a page did not answer a new offer", exc_info=True)
            answer = None
        if answer is None:
            self._watch_again(page, subscription)
            return
        connection = self.servers[subscription.server]
        await connection.message(subscription.handle, {"request": "start"}, {"type": answer.type, "sdp": answer.sdp})

    def _subscriber_event(self, page: Page, handle: int, data: Json, jsep: Json | None) -> None:
        if data.get("videoroom") == "updated" and jsep is not None:  # a publisher left: Janus dropped its streams
            self._spawn(self._follow_janus(page, handle, data, jsep), "answer Janus's new offer")

    async def _follow_janus(self, page: Page, handle: int, data: Json, jsep: Json) -> None:
        lock = self._page_locks.get(page)
        if lock is None:
            return
        async with lock:
            subscription = self._pages.get(page)
            if subscription is None or subscription.handle != handle or subscription.server is None:
                return
            subscription.slots = self._slots(subscription.server, data)
            try:
                await self._renegotiate(page, subscription, jsep)
            except JanusError:
                log.warning("answering Janus's offer failed: the page watches anew", exc_info=True)
                self._watch_again(page, subscription)
                return
        self._tell([page])
        self._refill([page])  # someone else may fill the place now

    def _live(self, slot: Slot, server: int | None) -> bool:
        """Whether the slot's publisher still publishes the feed it shows (Janus drops streams of a feed gone)."""
        if slot.feed is None or server is None:
            return False
        publisher = self._publishers.get(self._feeds.get((server, slot.feed)))
        return publisher is not None and publisher.feed == slot.feed and publisher.up

    def _watch_again(self, page: Page, subscription: Subscription) -> None:
        subscription.asked_again = True
        renegotiator = self._renegotiators.get(page)
        if renegotiator is not None:
            safely(renegotiator[1])

    # ------------------------------------------------------------ what each one sees, hears and sends

    def route(self, gathering: Hashable, routing: Routing) -> None:
        before, changed = self._take_routing(gathering, routing)
        for who in before.places.keys() - routing.places.keys():
            self._places.pop(who, None)
        self._places.update({who: (gathering, place) for who, place in routing.places.items()})
        self._place()
        moved = {who for who in before.places.keys() | routing.places.keys()
                 if before.places.get(who) != routing.places.get(who)}
        for who in moved:
            self._move_publisher(who)
        self._refill([page for page, subscription in self._pages.items() if subscription.who in changed | moved])
        self._tell([page for page, (who, _listener) in self._page_listeners.items() if who in changed | moved])

    def _move_publisher(self, who: Someone) -> None:
        """Someone publishing elsewhere than their room now: their page publishes again, in their new room."""
        publisher = self._publishers.get(who)
        if publisher is None or publisher.room == self._place_of(who):
            return
        renegotiator = self._renegotiators.get(self._publishing_pages.get(who))
        if renegotiator is not None:  # a screen too: its sharer's page shares it again there
            safely(partial(renegotiator[0], who))
        else:
            self._spawn(self.unpublish(who), "stop publishing in a room left")

    def reduced(self, page: Page) -> bool:
        """Never: Atelier does not see the subscribers' links through Janus (Janus hands their REMB on to the
        publishers, within the room's bitrate cap), so it takes no video away from anyone."""
        return False

    def shown(self, page: Page) -> tuple[list[Someone | None], list[Someone | None]]:
        subscription = self._pages.get(page)
        if subscription is None:
            return [], []
        shown = {kind: [slot.source if self._live(slot, subscription.server) else None
                        for slot in subscription.slots if slot.kind == kind] for kind in ("video", "audio")}
        return shown["video"], shown["audio"]

    @property
    def screens(self) -> dict[Someone, Someone]:
        return {source[1]: source for source in self._publishers if is_screen(source)}

    # ------------------------------------------------------------ listeners

    def on_renegotiate(self, page: Page, publish_again: Callable[[Someone], None], watch_again: Callable[[], None],
                       reoffer: Reoffer | None = None) -> Callable[[], None]:
        entry = (publish_again, watch_again, reoffer)
        self._renegotiators[page] = entry

        def stop() -> None:
            if self._renegotiators.get(page) is entry:
                del self._renegotiators[page]

        return stop

    def _speaking_changed(self, who: Someone, speaking: bool) -> None:
        concerned = self._note_speaking(who, speaking)
        if self._crowded:
            self._refill(concerned)
        self._tell(concerned)
        self._tell_boards()

    def _pages_showing(self, who: Someone) -> list[Page]:
        return [page for page, subscription in self._pages.items()
                if shows(self._views.get(subscription.who, NOTHING), who)]

    # ------------------------------------------------------------ lost servers, the end

    def _lost(self, server: int) -> None:
        """A server's session is gone with its socket: its publishers and subscriptions with it.

        Its rooms move to the servers still up, where everyone in them publishes and watches anew; with
        every server down they wait for theirs to come back (`_reconnect`)."""
        self._down.add(server)
        for who, publisher in list(self._publishers.items()):
            if publisher.server == server:
                del self._publishers[who]
                self._feeds.pop((server, publisher.feed), None)
                self._speaking.discard(who)
        self._start_reconnecting(server)
        self._move_rooms_off(server)

    def _move_rooms_off(self, server: int) -> None:
        """The rooms of a server that is down go to the servers up, if there is one: everyone in them publishes
        and watches anew there. (Janus keeps a room until it restarts: those left behind are destroyed when
        the server is back.)"""
        stranded = {key for key, room in self._rooms.items() if room.server == server}
        if not stranded or len(self._down) == len(self.servers):
            return
        for key in stranded:
            self._left_behind.setdefault(server, []).append(self._rooms.pop(key).number)
        self._place()
        log.warning("Janus at %s is down: its rooms move to %s", self.servers[server].url,
                    sorted({self.servers[self._rooms[key].server].url for key in stranded if key in self._rooms}))
        self._publish_and_watch_again(stranded, server)

    def _start_reconnecting(self, server: int) -> None:
        self._down.add(server)  # takes no new room meanwhile
        if server not in self._reconnecting:
            self._reconnecting.add(server)
            self._spawn(self._reconnect(server), "reconnect to Janus")

    async def _reconnect(self, server: int) -> None:
        connection = self.servers[server]
        try:
            for delay in itertools.chain(RECONNECT_DELAYS, itertools.repeat(RECONNECT_DELAYS[-1])):
                if connection.closed:
                    return
                try:
                    await connection.connect()
                    break
                except JanusError:
                    await asyncio.sleep(delay)
        finally:
            self._reconnecting.discard(server)
        self._down.discard(server)
        log.info("Janus at %s is back: its pages publish and watch again", connection.url)
        for number in self._left_behind.pop(server, []):
            with contextlib.suppress(JanusError):
                await connection.message(await self._control(server), {"request": "destroy", "room": number})
        self._publish_and_watch_again({key for key, room in self._rooms.items() if room.server == server}, server)
        for other in list(self._down):  # rooms that waited on another server still down can come here now
            self._move_rooms_off(other)

    def _publish_and_watch_again(self, rooms: set[RoomKey], server: int) -> None:
        """After a server was lost: whoever published in these rooms publishes again (camera and screen), and
        the pages that watched through that server watch anew."""
        for who, page in list(self._publishing_pages.items()):
            if self._place_of(who) in rooms and who not in self._publishers:
                renegotiator = self._renegotiators.get(page)
                if renegotiator is not None:
                    safely(partial(renegotiator[0], who))
        for page, subscription in list(self._pages.items()):
            if subscription.server == server and not subscription.asked_again:
                self._watch_again(page, subscription)

    def _spawn(self, work: Awaitable[Any], name: str) -> None:
        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("%s failed", name)

        task = asyncio.get_running_loop().create_task(run(), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for page in list(self._pages):
            await self.leave(page)
        for who in list(self._publishers):
            await self._drop_publisher(who)
        for room in list(self._rooms.values()):
            await self._destroy(room)
        self._rooms.clear()
        for task in list(self._tasks):
            task.cancel()
        for connection in self.servers:
            await connection.close()
