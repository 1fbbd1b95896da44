"""What both media backends keep of the live runs' routing and of who follows it.

Who sees, hears and sends what (the routings of every gathering, together), who speaks, and the
pages and boards to tell when that changes: the same whichever server carries the media
(`media.service.MediaService`, `media.janus.service.JanusMedia`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable

from media.backend import Page
from media.routing import Profile, Routing, Someone, View

log = logging.getLogger(__name__)

AUDIO_SLOTS = 8  # voices a page can hear at once; beyond, those speaking now take the place of those silent
NOTHING = View()


class Audience:
    def __init__(self) -> None:
        self._routings: dict[Hashable, Routing] = {}  # by gathering (a live run)
        self._views: dict[Someone, View] = {}  # every gathering's, together
        self._profiles: dict[Someone, Profile] = {}
        self._page_listeners: dict[Page, tuple[Someone, Callable[[], None]]] = {}
        self._speaking_listeners: list[Callable[[], None]] = []
        self._speaking: set[Someone] = set()
        self._crowded = False  # some page is to hear more voices than it has slots for

    def _take_routing(self, gathering: Hashable, routing: Routing) -> tuple[Routing, set[Someone]]:
        """Keep this gathering's new routing; the one before, and who is now shown or asked to send otherwise."""
        before = self._routings.get(gathering, Routing())
        self._routings[gathering] = routing
        for who in before.views.keys() - routing.views.keys():
            self._views.pop(who, None)
        for who in before.profiles.keys() - routing.profiles.keys():
            self._profiles.pop(who, None)
        self._views.update(routing.views)
        self._profiles.update(routing.profiles)
        changed = {who for who in before.views.keys() | routing.views.keys()
                   if before.views.get(who) != routing.views.get(who)}
        changed |= {who for who in before.profiles.keys() | routing.profiles.keys()
                    if before.profiles.get(who) != routing.profiles.get(who)}
        self._crowded = any(len(view.sounds) > AUDIO_SLOTS for view in self._views.values())
        return before, changed

    def view(self, who: Someone) -> View:
        """What this person is shown now (nothing while they are in no gathering)."""
        return self._views.get(who, NOTHING)

    def profile(self, who: Someone) -> Profile:
        """What this person's browser should send now (nothing while nobody sees or hears them)."""
        return self._profiles.get(who, Profile.PAUSED)

    @property
    def speaking(self) -> frozenset[Someone]:
        """The publishers whose microphone carries speech right now."""
        return frozenset(self._speaking)

    def on_page_change(self, page: Page, who: Someone, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` when what this page of `who` shows, or what it should send, may have changed.

        Returns how to stop. The page need not watch yet: its profile (what to send) may change before.
        """
        self._page_listeners[page] = (who, listener)

        def stop() -> None:
            if self._page_listeners.get(page, (None, None))[1] is listener:  # not a newer listener of the page
                del self._page_listeners[page]

        return stop

    def on_speaking(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` whenever who speaks changes (the boards mark them); returns how to stop."""
        self._speaking_listeners.append(listener)
        return lambda: self._speaking_listeners.remove(listener) if listener in self._speaking_listeners else None

    def _note_speaking(self, who: Someone, speaking: bool) -> list[Page]:
        """Note that `who` speaks or stopped; the pages concerned (theirs, and those showing them)."""
        if speaking:
            self._speaking.add(who)
        else:
            self._speaking.discard(who)
        return [page for page, (viewer, _listener) in self._page_listeners.items()
                if viewer == who or shows(self._views.get(viewer, NOTHING), who)]

    def _tell_boards(self) -> None:
        for listener in list(self._speaking_listeners):
            safely(listener)

    def _tell(self, pages: Iterable[Page]) -> None:
        for page in dict.fromkeys(pages):
            entry = self._page_listeners.get(page)
            if entry is not None:
                safely(entry[1])


def shows(view: View, who: Someone) -> bool:
    return who in view.videos or who in view.sounds or view.screen == who


def safely(listener: Callable[[], None]) -> None:
    try:
        listener()
    except Exception:  # one page's trouble must not keep the others from following
        log.exception("a media listener failed")
