"""Cameras and microphones on the live pages: the browser's element, talking to the server's media.

The routing itself (who sees and hears whom) follows the run in `media.live.LiveMedia`, built at the
composition root; this element only connects the page, and asks the run to record the person's
choices (camera, microphone, sound only) as events, so that they survive a restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from nicegui import background_tasks, context, ui
from nicegui.events import GenericEventArguments

from domain.i18n import N_, translate
from domain.live.session import LiveSession
from domain.live.state import MemberKind
from domain.models import RunPhase
from media.audience import AUDIO_SLOTS
from media.live import LiveMedia, member_of
from media.routing import Profile, Someone, is_screen, screen_of
from ui.i18n import _, current_language
from ui.live.device_check import DEVICES_KEY

if TYPE_CHECKING:
    from aiortc import RTCSessionDescription


class MediaLink(ui.element, component="media_link.js"):
    """A live page's camera, microphone, screen and the videos it shows, through Atelier's server only."""

    def __init__(self, live_media: LiveMedia, live: LiveSession, who: Someone, names: Callable[[Someone], str], *,
                 act: Callable[[Awaitable[Any]], Awaitable[bool]], staff_room: int | None = None,
                 on_shown: Callable[[frozenset[Someone]], None] | None = None) -> None:
        """`act` runs the person's commands (the page's `PageActions`); `on_shown` hears who is on video on this
        page (oneself included, in the self view)."""
        super().__init__()
        self._act = act
        self._shut = False
        self._live_media = live_media
        self._media = live_media.media
        self._live = live
        self._who = who
        self._member = member_of(who)
        self._names = names
        self._page = context.client.id
        self._language = current_language()
        self._on_shown = on_shown
        self._shown: frozenset[Someone] = frozenset()
        self._props.update(iceServers=self._media.ice_servers.for_browser(), devicesKey=DEVICES_KEY,
                           audioCount=AUDIO_SLOTS, videos=[], compact=False, speakingNow=[],
                           profile=Profile.PAUSED.value, standBy=False, microphone="locked", cameraOn=True,
                           audioOnly=False, mayShareScreen=False, labels=self._labels())
        self._stood_by = False  # the last `refresh` found this page standing by
        if self._member.kind == MemberKind.STAFF:
            live_media.place_staff(live, who, staff_room, self._page, self.refresh)
            # A tab closed is only deleted after the reconnection delay: meanwhile an older stage tab takes over.
            client = context.client
            for handler in (client.on_connect, client.on_disconnect):
                handler(lambda: live_media.staff_page_away(live, who, self._page, not client.has_socket_connection))
        self._stop_listening = self._media.on_page_change(self._page, who, self.refresh)
        # A backend with a server per room (Janus) asks the page to publish or watch anew when its person moves.
        self._watching = asyncio.Lock()  # one exchange of descriptions at a time: an answer goes with its offer
        self._stop_renegotiating = self._media.on_renegotiate(self._page, self._publish_again, self._watch_again,
                                                              self._reoffer)
        self.on("publish_offer", self._publish)
        self.on("screen_offer", self._publish_screen)
        self.on("screen_stopped", self._screen_stopped)
        self.on("ready", self._watch)
        self.on("camera", self._camera)
        self.on("microphone", self._microphone)
        self.on("audio_only", self._audio_only)
        context.client.on_delete(self.shut)
        self.refresh()

    def show_controls_in(self, bar: ui.element) -> None:
        """Show the camera and microphone buttons in this element (the page's control bar), not under the videos."""
        self._props["controlsIn"] = f"#{bar.html_id}"

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
            # Each button shows a short caption beside its icon (the bar stays on one line), and is named by what
            # it does; the name holds the caption, so that what people see is what they can say (WCAG 2.5.3).
            "mute": _("Mute my microphone"), "unmute": _("Unmute my microphone"), "microphone": _("Mic"),
            "locked": _("Mic off in the plenary: raise your hand to speak."),
            "nowOn": _("Your microphone is on: the others hear you."), "nowOff": _("Your microphone is off."),
            "cameraOff": _("Turn my camera off"), "cameraOn": _("Turn my camera on"), "camera": _("Camera"),
            "audioOnly": _("Sound only (weak connection)"), "audioOnlyCaption": _("Sound only"),
            "weakLink": _("Weak connection: fewer videos for now"),
            "standingBy": _("You are on the stage in another tab: this one takes over when you close it."),
            "shareScreen": _("Share my screen"), "stopScreen": _("Stop sharing my screen"), "screen": _("Screen"),
            "screenFailed": _("Your screen could not be shared: try again, or choose another window."),
            "fullScreen": _("Full screen"), "leaveFullScreen": _("Leave full screen"),
            "selfView": _("Your camera, as the others see it"),
            "speaking": _("Speaking:"),
            "videos": _("Cameras"),
            "staff": _("Moderator"),  # the mark of the team on their videos: nobody else can show it
        }

    async def _publish(self, event: GenericEventArguments) -> None:
        if self._shut:
            return
        if self._standing_by():  # offered before it was told to stand by: it drops that connection
            self.run_method("republish")
            return
        answer = await self._media.publish(self._who, _description(event.args), self._page)
        self.run_method("published", _answer(answer, event.args))

    async def _publish_screen(self, event: GenericEventArguments) -> None:
        if self._shut or self._screen_refused():
            return
        answer = await self._media.publish(screen_of(self._who), _description(event.args), self._page)
        if self._screen_refused():  # the floor may have been taken back meanwhile
            await self._live_media.stop_screen(self._live, self._who, self._page)
            return
        self._live_media.reroute(self._live)
        self.run_method("screenPublished", _answer(answer, event.args))

    def _screen_refused(self) -> bool:
        """Whether this page may not show its screen now: it is then told, and stops sharing."""
        if not self._live_media.may_share_screen(self._live, self._who):
            refusal = _("You may not share your screen now.")
        elif self._live_media.screen_elsewhere_here(self._live, self._who):
            refusal = _("Someone else is sharing a screen here: wait until they stop.")
        else:
            return False
        with self.client:
            ui.notify(refusal, type="warning")
        self.run_method("stopScreen", False)
        return True

    async def _screen_stopped(self, _: GenericEventArguments) -> None:
        await self._live_media.stop_screen(self._live, self._who, self._page)

    async def _camera(self, event: GenericEventArguments) -> None:
        await self._act(self._live.set_camera(self._member, on=bool(event.args["on"])))

    async def _audio_only(self, event: GenericEventArguments) -> None:
        await self._act(self._live.set_sound_only(self._member, on=bool(event.args["on"])))

    async def _microphone(self, event: GenericEventArguments) -> None:
        on, member = bool(event.args["on"]), self._member
        if member.kind == MemberKind.STAFF:
            await self._act(self._live.set_staff_microphone(member.id, on=on))
        else:
            await self._act(self._live.set_microphone(member.id, on=on))

    def _publish_again(self, source: Someone) -> None:
        if not self._shut:
            self.run_method("republishScreen" if is_screen(source) else "republish")

    def _watch_again(self) -> None:
        if not self._shut:
            background_tasks.create(self._watch(None), name="watch again")

    def _standing_by(self) -> bool:
        """A moderator's older stage page while a newer one (visiting a room, say) is where they are: it sends no
        camera until the newer one closes. (Its screen, if it shares one, stays on.)"""
        return (self._member.kind == MemberKind.STAFF
                and self._live_media.stage_page(self._live, self._who) != self._page)

    async def _reoffer(self, offer: RTCSessionDescription) -> RTCSessionDescription | None:
        """More or fewer streams on the connection the page watches through: its answer (None: it has none)."""
        if self._shut:
            return None
        answer = await self.run_method("renegotiate", {"sdp": offer.sdp, "type": offer.type}, timeout=15)
        return _description(answer) if answer else None

    async def _watch(self, _: GenericEventArguments | None) -> None:
        async with self._watching:
            if self._shut:
                return
            if self._standing_by():  # the person sees and hears through their other tab: not twice
                await self._media.leave(self._page)
                self.run_method("unwatch")
                self.refresh()
                return
            offer = await self._media.watch(self._page, self._who)
            if offer is None:  # nothing to see or hear yet (Janus): the server asks again when there is
                self.run_method("unwatch")
            else:
                answer: dict[str, Any] = await self.run_method("watch", {"sdp": offer.sdp, "type": offer.type},
                                                               timeout=15)
                await self._media.accept(self._page, _description(answer))
        self.refresh()

    def _microphone_state(self) -> str:
        """"on": heard; "off": closed, may be opened; "locked": closed, only the moderators can change that;
        "ended": the workshop is over, there is nothing left to say about it."""
        state, member = self._live.state, self._member
        if state.phase == RunPhase.ENDED:
            return "ended"
        if member.kind == MemberKind.STAFF:
            return "off" if member.id in state.staff_muted else "on"
        if state.heard(member.id):
            return "on"
        return "off" if state.under_way and state.may_unmute(member.id) else "locked"

    def refresh(self) -> None:
        """Follow a change of routing or of the person's choices, which may come from anyone's action.

        It may run outside the page's NiceGUI context (entering it costs): no `_()` here.
        """
        media, who, state = self._media, self._who, self._live.state
        videos, sounds = media.shown(self._page)
        standing_by = self._standing_by()
        speaking = media.speaking if state.phase != RunPhase.ENDED else frozenset()  # nobody speaks after the end
        profile = Profile.PAUSED if standing_by else media.profile(who)
        self._set(
            standBy=standing_by,
            profile=profile.value,
            microphone=self._microphone_state(),
            cameraOn=self._member not in state.cameras_off,
            audioOnly=self._member in state.sound_only,
            weakLink=media.reduced(self._page),  # its link carries fewer videos than it should see
            mayShareScreen=self._live_media.may_share_screen(self._live, who),
            compact=not media.view(who).large,
            videos=[{"label": self._label(source), "screen": is_screen(source), "speaking": source in speaking,
                     "staff": _is_staff(source)} if source is not None else None for source in videos],
            speakingNow=[self._speaker(source) for source in dict.fromkeys((*sounds, who))
                         if source is not None and source in speaking],
        )
        if standing_by != self._stood_by:
            self._stood_by = standing_by
            if not standing_by:  # on the stage again: whatever camera connection it kept is replaced
                self.run_method("republish")
            background_tasks.create(self._watch(None), name="watch again")  # or stop watching, standing by
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
            return translate(N_("Screen of {name}"), self._language, name=self._names(source[1]))
        return self._names(source)

    def _speaker(self, source: Someone) -> str:
        """A name in the list of who speaks now, with the team's mark for staff."""
        name = self._names(source)
        return f"{name} ({translate(N_('Moderator'), self._language)})" if _is_staff(source) else name

    def _set(self, **props: Any) -> None:
        """Send only what changed: a refresh runs on every page for each change of anyone's routing."""
        changed = {name: value for name, value in props.items() if self._props.get(name) != value}
        if changed:
            self._props.update(changed)
            self.update()

    def shut(self) -> None:
        """The page's person may no longer take part (removed, or no longer in the team): the server closes the
        page's connections now, whatever the browser does, and takes no new one from it."""
        if not self._shut:
            self._shut = True
            self._gone()

    def _gone(self) -> None:
        """The page is closed for good: stop following at once, then close its connections."""
        self._stop_listening()
        self._stop_renegotiating()
        if self._member.kind == MemberKind.STAFF:
            self._live_media.release_staff(self._live, self._who, self._page)
        background_tasks.create(self._close_connections(), name="close media")

    async def _close_connections(self) -> None:
        await self._media.leave(self._page)
        await self._media.unpublish(screen_of(self._who), self._page)
        await self._media.unpublish(self._who, self._page)  # unless a reload of this page publishes now
        self._live_media.reroute(self._live)


def _is_staff(source: Someone) -> bool:
    """Whether a camera or screen is a staff member's: marked as the team's on every page."""
    return member_of(source[1] if is_screen(source) else source).kind == MemberKind.STAFF


def _answer(answer: RTCSessionDescription, offer: dict[str, Any]) -> dict[str, Any]:
    """The answer for the page, with the number of the offer it answers (the page may have offered again)."""
    return {"sdp": answer.sdp, "type": answer.type, "attempt": offer.get("attempt")}


def _description(sent: dict[str, Any]) -> RTCSessionDescription:
    """A browser's offer or answer; aiortc is imported with the first connection, not with the server."""
    from aiortc import RTCSessionDescription

    return RTCSessionDescription(sdp=sent["sdp"], type=sent["type"])
