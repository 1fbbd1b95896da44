"""Cameras and microphones on the live pages: the browser element, and the routing that follows the run."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any
from weakref import WeakKeyDictionary

from aiortc import RTCSessionDescription
from nicegui import background_tasks, context, ui
from nicegui.events import GenericEventArguments

from domain.live.events import LiveEvent, PresenceChanged
from domain.live.session import LiveSession
from media.routing import Gathering, Profile, Someone, route
from media.service import AUDIO_SLOTS, VIDEO_SLOTS, MediaService
from ui.i18n import _

# Staff on the stage, by run: the room they visit (None: the plenary) and from which page (a reload opens another).
# Participants' places are in the live state.
_staff_places: WeakKeyDictionary[LiveSession, dict[Someone, tuple[int | None, Hashable]]] = WeakKeyDictionary()
_following: WeakKeyDictionary[LiveSession, bool] = WeakKeyDictionary()


def participant(live: LiveSession, person_id: int) -> Someone:
    return (live.run.id, "person", person_id)


def staff(live: LiveSession, account_id: int) -> Someone:
    return (live.run.id, "staff", account_id)


def reroute(live: LiveSession, media: MediaService) -> None:
    """Who sees and hears whom in this run, from where everyone is now."""
    state = live.state
    rooms: dict[Someone, int | None] = {participant(live, p.id): state.room_of(p.id) for p in state.active_people()}
    places = _staff_places.get(live, {})
    rooms.update({who: room for who, (room, _page) in places.items()})
    floor = participant(live, state.floor_holder) if state.floor_holder is not None else None
    media.route(live.run.id, route(Gathering(rooms=rooms, moderators=frozenset(places), floor=floor,
                                             cameras_off=media.cameras_off)))


def follow(live: LiveSession, media: MediaService) -> None:
    """Re-route on every change of the run (once per run, whichever page comes first)."""
    if _following.get(live):
        return
    _following[live] = True
    def changed(event: LiveEvent) -> None:
        if not isinstance(event, PresenceChanged):  # a connection coming or going moves nobody
            reroute(live, media)

    live.events.subscribe(changed)


class MediaLink(ui.element, component="media_link.js"):
    """A live page's camera, microphone and the videos it shows, through Atelier's server only."""

    def __init__(self, media: MediaService, live: LiveSession, who: Someone, names: Callable[[Someone], str], *,
                 staff_room: int | None = None, is_staff: bool = False,
                 on_shown: Callable[[frozenset[Someone]], None] | None = None) -> None:
        super().__init__()
        self._media = media
        self._live = live
        self._who = who
        self._names = names
        self._page = context.client.id
        self._publishing = False
        self._on_shown = on_shown
        self._props.update(iceServers=media.browser_ice_servers, videoLabels=[""] * VIDEO_SLOTS,
                           audioCount=AUDIO_SLOTS, labels={
            "insecure": _("Camera and microphone need a secure page: open Atelier over HTTPS (or on localhost)."),
            "refused": _("Your browser refused the camera or the microphone: allow them in the address bar, "
                         "then reload the page."),
            "missing": _("No camera or microphone was found: plug one in, then reload the page."),
            "failed": _("The camera or the microphone could not start: close the other programs using it, "
                        "then reload the page."),
            "controls": _("My camera and microphone"),
            "mute": _("Mute my microphone"), "unmute": _("Unmute my microphone"),
            "cameraOff": _("Turn my camera off"), "cameraOn": _("Turn my camera on"),
        })
        if is_staff:
            _staff_places.setdefault(live, {})[who] = (staff_room, self._page)
        follow(live, media)
        reroute(live, media)
        self._stop_listening = media.on_change(self.refresh)
        self.on("publish_offer", self._publish)
        self.on("ready", self._watch)
        self.on("camera", self._camera)
        context.client.on_delete(self._gone)

    async def _publish(self, event: GenericEventArguments) -> None:
        answer = await self._media.publish(self._who, RTCSessionDescription(**event.args), self._page)
        self.run_method("published", {"sdp": answer.sdp, "type": answer.type})

    def _camera(self, event: GenericEventArguments) -> None:
        self._media.set_camera(self._who, on=bool(event.args["on"]))
        reroute(self._live, self._media)

    async def _watch(self, _: GenericEventArguments) -> None:
        offer = await self._media.watch(self._page, self._who)
        answer: dict[str, Any] = await self.run_method("watch", {"sdp": offer.sdp, "type": offer.type}, timeout=15)
        await self._media.accept(self._page, RTCSessionDescription(**answer))
        self.refresh()

    def refresh(self) -> None:
        """Follow a change of routing, which may come from anyone's action: work in this page's own client."""
        with self.client:
            self._follow_routing()

    def _follow_routing(self) -> None:
        if not self._publishing and self._media.profile(self._who) != Profile.PAUSED:
            self._publishing = True  # someone sees or hears this person now: the browser starts its camera
            self.run_method("startPublishing")
        videos, _sounds = self._media.shown(self._page)
        labels = [self._names(who) if who is not None else "" for who in videos] or [""] * VIDEO_SLOTS
        if labels != self._props["videoLabels"]:
            self._props["videoLabels"] = labels
            if self._on_shown is not None:
                self._on_shown(frozenset(who for who in videos if who is not None))

    def _gone(self) -> None:
        """The page is closed for good: stop following at once, then close its connections."""
        self._stop_listening()
        places = _staff_places.get(self._live, {})
        if places.get(self._who, (None, None))[1] == self._page:
            del places[self._who]
        background_tasks.create(self._close_connections(), name="close media")

    async def _close_connections(self) -> None:
        await self._media.leave(self._page)
        await self._media.unpublish(self._who, self._page)  # unless a reload of this page publishes now
        reroute(self._live, self._media)
