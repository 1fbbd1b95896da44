"""Cameras and microphones on the live pages: the browser element, and the routing that follows the run."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any
from weakref import WeakKeyDictionary

from aiortc import RTCSessionDescription
from nicegui import background_tasks, context, ui
from nicegui.events import GenericEventArguments

from domain.errors import DomainError
from domain.i18n import N_, translate
from domain.live.events import LiveEvent, PresenceChanged
from domain.live.session import LiveSession
from media.routing import Gathering, Profile, Someone, is_screen, route, screen_of
from media.service import AUDIO_SLOTS, MediaService
from ui.components import translated
from ui.i18n import _, current_language
from ui.live.device_check import DEVICES_KEY

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
    people = state.active_people()
    rooms: dict[Someone, int | None] = {participant(live, p.id): state.room_of(p.id) for p in people}
    heard = frozenset(participant(live, p.id) for p in people if state.heard(p.id))
    closed = rooms.keys() - heard  # participants only: staff microphones are the media service's
    places = _staff_places.get(live, {})
    rooms.update({who: room for who, (room, _page) in places.items()})
    floor = participant(live, state.floor_holder) if state.floor_holder is not None else None
    media.route(live.run.id, route(Gathering(
        rooms=rooms, moderators=frozenset(places), floor=floor, may_speak=heard, muted=media.muted | closed,
        cameras_off=media.cameras_off, audio_only=media.audio_only,
        screens={who: screen for who, screen in media.screens.items()
                 if who in rooms and may_share_screen(live, who)})))


def place_of(live: LiveSession, who: Someone) -> int | None:
    """The breakout room someone is in (None: the plenary)."""
    _run, kind, identifier = who  # type: ignore[misc]
    if kind == "staff":
        return _staff_places.get(live, {}).get(who, (None, None))[0]
    return live.state.room_of(identifier)


def may_share_screen(live: LiveSession, who: Someone) -> bool:
    """Moderators may always; a participant only with the floor in the plenary, if the moderators allow it."""
    _run, kind, identifier = who  # type: ignore[misc]
    if kind == "staff":
        return True
    state = live.state
    return state.floor_may_share_screen and state.floor_holder == identifier and state.room_of(identifier) is None


def follow(live: LiveSession, media: MediaService) -> None:
    """Re-route on every change of the run (once per run, whichever page comes first)."""
    if _following.get(live):
        return
    _following[live] = True

    def changed(event: LiveEvent) -> None:
        if isinstance(event, PresenceChanged):  # a connection coming or going moves nobody
            return
        screens = media.screens
        if screens:
            here = _run_people(live)
            for who in screens:
                if who in here and not may_share_screen(live, who):  # the floor was taken back
                    background_tasks.create(_stop_screen(live, media, who), name="stop a screen")
        reroute(live, media)

    live.events.subscribe(changed)


def _run_people(live: LiveSession) -> set[Someone]:
    return {participant(live, p.id) for p in live.state.active_people()} | set(_staff_places.get(live, {}))


async def _stop_screen(live: LiveSession, media: MediaService, who: Someone) -> None:
    await media.unpublish(screen_of(who))
    reroute(live, media)


class MediaLink(ui.element, component="media_link.js"):
    """A live page's camera, microphone, screen and the videos it shows, through Atelier's server only."""

    def __init__(self, media: MediaService, live: LiveSession, who: Someone, names: Callable[[Someone], str], *,
                 staff_room: int | None = None, is_staff: bool = False,
                 on_shown: Callable[[frozenset[Someone]], None] | None = None) -> None:
        """`on_shown` hears who is on video on this page (oneself included, in the self view)."""
        super().__init__()
        self._media = media
        self._live = live
        self._who = who
        self._participant_id: int | None = None if is_staff else who[2]  # type: ignore[index]
        self._names = names
        self._page = context.client.id
        self._language = current_language()
        self._on_shown = on_shown
        self._shown: frozenset[Someone] = frozenset()
        self._props.update(iceServers=media.browser_ice_servers, devicesKey=DEVICES_KEY, audioCount=AUDIO_SLOTS,
                           videos=[], compact=False,
                           speakingNow=[],
                           profile=Profile.PAUSED.value, microphone="locked", cameraOn=True, audioOnly=False,
                           mayShareScreen=False, labels=self._labels())
        if is_staff:
            _staff_places.setdefault(live, {})[who] = (staff_room, self._page)
        follow(live, media)
        reroute(live, media)
        self._stop_listening = media.on_change(self.refresh)
        self.on("publish_offer", self._publish)
        self.on("screen_offer", self._publish_screen)
        self.on("screen_stopped", self._screen_stopped)
        self.on("ready", self._watch)
        self.on("camera", self._camera)
        self.on("microphone", self._microphone)
        self.on("audio_only", self._audio_only)
        context.client.on_delete(self._gone)
        self._follow_routing()

    @staticmethod
    def _labels() -> dict[str, str]:
        return {
            "insecure": _("Camera and microphone need a secure page: open Atelier over HTTPS (or on localhost)."),
            "refused": _("Your browser refused the camera or the microphone: allow them in the address bar, "
                         "then reload the page."),
            "missing": _("No camera or microphone was found: plug one in, then reload the page."),
            "failed": _("The camera or the microphone could not start: close the other programs using it, "
                        "then reload the page."),
            "lost": _("The sound and video connection was lost. Trying again in {seconds} s… If this goes on, "
                      "check your internet connection, or ask the organisers whether your network lets "
                      "video calls (UDP) through."),
            "retryNow": _("Try again now"),
            "controls": _("My camera and microphone"),
            "mute": _("Mute my microphone"), "unmute": _("Unmute my microphone"),
            "locked": _("Your microphone is off in the plenary: raise your hand to speak."),
            "nowOn": _("Your microphone is on: the others hear you."), "nowOff": _("Your microphone is off."),
            "cameraOff": _("Turn my camera off"), "cameraOn": _("Turn my camera on"),
            "audioOnly": _("Sound only (weak connection)"),
            "shareScreen": _("Share my screen"), "stopScreen": _("Stop sharing my screen"),
            "screenFailed": _("Your screen could not be shared: try again, or choose another window."),
            "fullScreen": _("Full screen"), "leaveFullScreen": _("Leave full screen"),
            "selfView": _("Your camera, as the others see it"),
            "speaking": _("Speaking:"),
            "videos": _("Cameras"),
        }

    async def _publish(self, event: GenericEventArguments) -> None:
        answer = await self._media.publish(self._who, RTCSessionDescription(**event.args), self._page)
        self.run_method("published", {"sdp": answer.sdp, "type": answer.type})

    async def _publish_screen(self, event: GenericEventArguments) -> None:
        if self._screen_refused():
            return
        answer = await self._media.publish(screen_of(self._who), RTCSessionDescription(**event.args), self._page)
        if self._screen_refused():  # the floor may have been taken back meanwhile
            await self._media.unpublish(screen_of(self._who), self._page)
            return
        reroute(self._live, self._media)
        self.run_method("screenPublished", {"sdp": answer.sdp, "type": answer.type})

    def _screen_refused(self) -> bool:
        """Whether this page may not show its screen now: it is then told, and stops sharing."""
        here = place_of(self._live, self._who)
        if not may_share_screen(self._live, self._who):
            refusal = _("You may not share your screen now.")
        elif any(place_of(self._live, other) == here for other in self._media.screens
                 if other != self._who and other in _run_people(self._live)):
            refusal = _("Someone else is sharing a screen here: wait until they stop.")
        else:
            return False
        with self.client:
            ui.notify(refusal, type="warning")
        self.run_method("stopScreen", False)
        return True

    async def _screen_stopped(self, _: GenericEventArguments) -> None:
        await self._media.unpublish(screen_of(self._who), self._page)
        reroute(self._live, self._media)

    def _camera(self, event: GenericEventArguments) -> None:
        self._media.set_camera(self._who, on=bool(event.args["on"]))
        reroute(self._live, self._media)

    def _audio_only(self, event: GenericEventArguments) -> None:
        self._media.set_audio_only(self._who, on=bool(event.args["on"]))
        reroute(self._live, self._media)

    async def _microphone(self, event: GenericEventArguments) -> None:
        on = bool(event.args["on"])
        if self._participant_id is None:
            self._media.set_microphone(self._who, on=on)
            reroute(self._live, self._media)
            return
        try:
            await self._live.set_microphone(self._participant_id, on=on)
        except DomainError as error:
            with self.client:
                ui.notify(translated(error), type="warning")

    async def _watch(self, _: GenericEventArguments) -> None:
        offer = await self._media.watch(self._page, self._who)
        answer: dict[str, Any] = await self.run_method("watch", {"sdp": offer.sdp, "type": offer.type}, timeout=15)
        await self._media.accept(self._page, RTCSessionDescription(**answer))
        self.refresh()

    def refresh(self) -> None:
        """Follow a change of routing, which may come from anyone's action (on every page: keep it cheap).

        It runs outside the page's NiceGUI context (entering it was most of the cost): no `_()` here.
        """
        self._follow_routing()

    def _microphone_state(self) -> str:
        """"on": heard; "off": closed, may be opened; "locked": closed, only the moderators can change that."""
        if self._participant_id is None:
            return "off" if self._who in self._media.muted else "on"
        state = self._live.state
        if state.heard(self._participant_id):
            return "on"
        return "off" if state.under_way and state.may_unmute(self._participant_id) else "locked"

    def _follow_routing(self) -> None:
        media, who = self._media, self._who
        videos, sounds = media.shown(self._page)
        speaking = media.speaking
        view = media.view(who)
        profile = media.profile(who)
        self._set(
            profile=profile.value,
            microphone=self._microphone_state(),
            cameraOn=who not in media.cameras_off,
            audioOnly=who in media.audio_only,
            mayShareScreen=may_share_screen(self._live, who),
            compact=not view.large,
            videos=[{"label": self._label(source), "screen": is_screen(source), "speaking": source in speaking}
                    if source is not None else None for source in videos],
            speakingNow=[self._names(source) for source in dict.fromkeys((*sounds, who))
                         if source is not None and source in speaking],
        )
        shown = frozenset(source for source in videos if source is not None and not is_screen(source))
        if profile in (Profile.STAGE, Profile.THUMBNAIL):
            shown |= {who}  # one's own camera is on: the self view shows it, not a tile with one's name
        if shown != self._shown:
            self._shown = shown
            if self._on_shown is not None:
                with self.client:  # the page redraws: in its own client, not that of whoever acted
                    self._on_shown(shown)

    def _label(self, source: Someone) -> str:
        if is_screen(source):  # the page's own language: this may run during someone else's request
            return translate(N_("Screen of {name}"), self._language, name=self._names(source[1]))  # type: ignore[index]
        return self._names(source)

    def _set(self, **props: Any) -> None:
        """Send only what changed: a refresh runs on every page for each change of anyone's routing."""
        changed = {name: value for name, value in props.items() if self._props.get(name) != value}
        if changed:
            self._props.update(changed)
            self.update()

    def _gone(self) -> None:
        """The page is closed for good: stop following at once, then close its connections."""
        self._stop_listening()
        places = _staff_places.get(self._live, {})
        if places.get(self._who, (None, None))[1] == self._page:
            del places[self._who]
        background_tasks.create(self._close_connections(), name="close media")

    async def _close_connections(self) -> None:
        await self._media.leave(self._page)
        await self._media.unpublish(screen_of(self._who), self._page)
        await self._media.unpublish(self._who, self._page)  # unless a reload of this page publishes now
        reroute(self._live, self._media)
