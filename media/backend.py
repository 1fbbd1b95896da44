"""What the pages and the live runs ask of the media, whichever server carries it.

Two backends answer it: `media.service.MediaService`, Atelier's own forwarding (the default, in the
same process), and `media.janus.service.JanusMedia`, Janus VideoRoom servers beside Atelier. The
pages never know which one runs: they hand over the browser's descriptions and follow what they
are told to show.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Protocol

from media.ice import IceServers
from media.routing import Profile, Routing, Someone, View

if TYPE_CHECKING:
    from aiortc import RTCSessionDescription

Page = Hashable
Reoffer = Callable[["RTCSessionDescription"], Awaitable["RTCSessionDescription | None"]]


class MediaBackend(Protocol):
    ice_servers: IceServers

    async def publish(self, who: Someone, offer: RTCSessionDescription, page: Page = None) -> RTCSessionDescription:
        """A browser offers its camera and microphone (or a screen): the answer; a new offer replaces the last."""

    async def unpublish(self, who: Someone, page: Page = None) -> None:
        """Stop receiving `who`; with `page`, only if that page's connection is still theirs (not a reload's)."""

    async def watch(self, page: Page, who: Someone) -> RTCSessionDescription | None:
        """A page wants to see and hear: the server's offer for the page to answer (`accept`), or None while
        there is nothing to receive (the page is then asked to watch again when there is: `on_renegotiate`)."""

    async def accept(self, page: Page, answer: RTCSessionDescription) -> None: ...

    async def leave(self, page: Page) -> None: ...

    async def close(self) -> None: ...

    def route(self, gathering: Hashable, routing: Routing) -> None:
        """Who sees and hears whom in this gathering has changed (a step, the floor, the rooms...)."""

    def view(self, who: Someone) -> View: ...

    def profile(self, who: Someone) -> Profile: ...

    def shown(self, page: Page) -> tuple[list[Someone | None], list[Someone | None]]:
        """Who each of the page's video and audio slots shows (None: an empty slot)."""

    def reduced(self, page: Page) -> bool:
        """Whether the page's link carries fewer videos than its view shows (its page then says so)."""

    @property
    def screens(self) -> dict[Someone, Someone]: ...

    @property
    def speaking(self) -> frozenset[Someone]: ...

    def on_page_change(self, page: Page, who: Someone, listener: Callable[[], None]) -> Callable[[], None]: ...

    def on_speaking(self, listener: Callable[[], None]) -> Callable[[], None]: ...

    def on_renegotiate(self, page: Page, publish_again: Callable[[Someone], None], watch_again: Callable[[], None],
                       reoffer: Reoffer | None = None) -> Callable[[], None]:
        """How the backend asks this page for a new publishing offer of a source (its camera and microphone,
        or its screen: its person moved to a room carried by another server, or that server was lost), to
        watch anew (`watch`), or to answer a new offer on the connection it watches through (`reoffer`: the
        page's answer, or None if it cannot); returns how to stop."""
