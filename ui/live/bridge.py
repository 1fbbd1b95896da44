"""Domain events of a live run, delivered to each page in its own UI context.

The domain announces through its own small stream; NiceGUI's `Event` runs every page's
handler inside that page's client and drops the handler when the page goes away.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from nicegui import Event

from domain.live.events import LiveEvent
from domain.live.session import LiveSession
from ui.live import quiet_gc

_page_events: WeakKeyDictionary[LiveSession, Event[LiveEvent]] = WeakKeyDictionary()


def page_events(live: LiveSession) -> Event[LiveEvent]:
    event = _page_events.get(live)
    if event is None or event not in Event.instances:  # a test app resets NiceGUI's events
        event = Event()

        def announce(live_event: LiveEvent, pages: Event[LiveEvent] = event) -> None:
            quiet_gc.note_activity()
            pages.emit(live_event)

        live.events.subscribe(announce)
        _page_events[live] = event
    return event
