"""Cameras and microphones of the live runs: each run's committed changes re-route its media.

Built once at the composition root beside the live registry and the media service. It follows
every run as the registry loads it, and re-routes a run once per batch of announced changes,
and only when one of them may change who is seen or heard (a hand raised changes nothing).
Where moderators watch from (the plenary, or a breakout room they visit) is runtime, kept here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable, Iterable, Sequence

from domain.live.announcing import Change
from domain.live.events import Aspect, ParticipantJoined, ParticipantRemoved
from domain.live.registry import LiveRegistry
from domain.live.session import LiveSession
from domain.live.state import Member, MemberKind
from domain.models import RunPhase
from media.backend import MediaBackend
from media.routing import Gathering, Routing, Someone, route, screen_of

log = logging.getLogger(__name__)

# What may change who is seen or heard; people joining or leaving the run change who is routed at all.
ROUTING_ASPECTS = frozenset({Aspect.PHASE, Aspect.FLOOR, Aspect.ROOMS, Aspect.MICROPHONES, Aspect.CAMERAS,
                             Aspect.PLAN})
ROUTING_EVENTS = (ParticipantJoined, ParticipantRemoved)


def someone(live: LiveSession, member: Member) -> Someone:
    """How the media service names a run's member: the run is part of it, a person may be in several runs."""
    return (live.run.id, member.kind.value, member.id)


def participant(live: LiveSession, participant_id: int) -> Someone:
    return someone(live, Member(MemberKind.PARTICIPANT, participant_id))


def staff(live: LiveSession, account_id: int) -> Someone:
    return someone(live, Member(MemberKind.STAFF, account_id))


def member_of(who: Someone) -> Member:
    assert isinstance(who, tuple)
    _run, kind, identifier = who
    return Member(MemberKind(kind), int(identifier))


class LiveMedia:
    def __init__(self, registry: LiveRegistry, media: MediaBackend) -> None:
        self.media = media
        # Staff on the stage, by run: each one's open stage pages, oldest first, with the room each visits (None:
        # the plenary). The newest is where they are: the older ones stand by until it closes.
        self._staff_pages: dict[int, dict[Someone, dict[Hashable, int | None]]] = {}
        self._staff_page_listeners: dict[Hashable, Callable[[], None]] = {}  # told when their page stands by or not
        self._staff_pages_away: set[Hashable] = set()  # disconnected, perhaps closed: an older page takes over
        self._tasks: set[asyncio.Task[None]] = set()
        registry.loaded.subscribe(self._follow)

    def _follow(self, live: LiveSession) -> None:
        def changed(batch: Sequence[Change]) -> None:
            if any(change.aspects & ROUTING_ASPECTS or any(isinstance(event, ROUTING_EVENTS)
                                                          for event in change.events) for change in batch):
                self._stop_screens_no_longer_allowed(live)
                self.reroute(live)

        live.announcements.subscribe(changed)
        self.reroute(live)  # a run restored at start-up routes its people before anything happens in it

    # ------------------------------------------------------------ routing

    def reroute(self, live: LiveSession) -> None:
        """Who sees and hears whom in this run, from where everyone is now; nothing once it has ended."""
        state = live.state
        if state.phase == RunPhase.ENDED:
            self.media.route(live.run.id, Routing())
            return
        people = state.active_people()
        rooms: dict[Someone, Hashable | None] = {participant(live, p.id): state.room_of(p.id) for p in people}
        heard = frozenset(participant(live, p.id) for p in people if state.heard(p.id))
        places = self._staff_places(live)
        muted = (rooms.keys() - heard) | {staff(live, account) for account in state.staff_muted}
        rooms.update(places)
        floor = participant(live, state.floor_holder) if state.floor_holder is not None else None
        self.media.route(live.run.id, route(Gathering(
            rooms=rooms, moderators=frozenset(places), floor=floor, may_speak=heard, muted=frozenset(muted),
            cameras_off=frozenset(someone(live, member) for member in state.cameras_off),
            audio_only=frozenset(someone(live, member) for member in state.sound_only),
            screens={who: screen for who, screen in self.media.screens.items()
                     if who in rooms and self.may_share_screen(live, who)})))

    def place_of(self, live: LiveSession, who: Someone) -> int | None:
        """The breakout room someone is in (None: the plenary)."""
        member = member_of(who)
        if member.kind == MemberKind.STAFF:
            return self._staff_places(live).get(who)
        return live.state.room_of(member.id)

    def may_share_screen(self, live: LiveSession, who: Someone) -> bool:
        """Moderators may always; a participant only with the floor in the plenary, if the moderators allow it."""
        member = member_of(who)
        if member.kind == MemberKind.STAFF:
            return True
        state = live.state
        return state.floor_may_share_screen and state.floor_holder == member.id and state.room_of(member.id) is None

    def screen_elsewhere_here(self, live: LiveSession, who: Someone) -> bool:
        """Whether someone else already shares a screen where `who` is: one screen per place."""
        here = self.place_of(live, who)
        people = self._people(live)
        return any(self.place_of(live, other) == here for other in self.media.screens
                   if other != who and other in people)

    def _people(self, live: LiveSession) -> set[Someone]:
        return {participant(live, p.id) for p in live.state.active_people()} | set(self._staff_places(live))

    def _stop_screens_no_longer_allowed(self, live: LiveSession) -> None:
        screens = self.media.screens
        if not screens:
            return
        people = self._people(live)
        for who in screens:
            if who in people and not self.may_share_screen(live, who):  # the floor was taken back
                task = asyncio.get_running_loop().create_task(self.stop_screen(live, who), name="stop a screen")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def stop_screen(self, live: LiveSession, who: Someone, page: Hashable = None) -> None:
        await self.media.unpublish(screen_of(who), page)
        self.reroute(live)

    # ------------------------------------------------------------ staff on the stage

    def place_staff(self, live: LiveSession, who: Someone, room_id: int | None, page: Hashable,
                    listener: Callable[[], None]) -> None:
        """A moderator's stage page opens, in the plenary or visiting a room: they are there now. `listener` is
        called when this page starts or stops standing by (`stage_page`)."""
        pages = self._staff_pages.setdefault(live.run.id, {}).setdefault(who, {})
        pages.pop(page, None)
        pages[page] = room_id
        self._staff_page_listeners[page] = listener
        self.reroute(live)
        self._tell_stage_pages(pages)

    def release_staff(self, live: LiveSession, who: Someone, page: Hashable) -> None:
        """That page closed: the moderator is back where their previous stage page is, or off the stage."""
        by_person = self._staff_pages.get(live.run.id, {})
        pages = by_person.get(who, {})
        if page not in pages:
            return
        del pages[page]
        self._staff_page_listeners.pop(page, None)
        self._staff_pages_away.discard(page)
        if not pages:
            del by_person[who]
        self.reroute(live)
        self._tell_stage_pages(pages)

    def _tell_stage_pages(self, pages: Iterable[Hashable]) -> None:
        for page in list(pages):
            listener = self._staff_page_listeners.get(page)
            if listener is not None:
                listener()

    def staff_page_away(self, live: LiveSession, who: Someone, page: Hashable, away: bool) -> None:
        """A moderator's stage page lost its connection (a closed tab is only known as such seconds later), or has
        it back: while it is away, their previous stage page takes over, if they have one."""
        pages = self._staff_pages.get(live.run.id, {}).get(who, {})
        if page not in pages or (page in self._staff_pages_away) == away:
            return
        (self._staff_pages_away.add if away else self._staff_pages_away.discard)(page)
        if len(pages) > 1:
            self.reroute(live)
            self._tell_stage_pages(pages)

    def stage_page(self, live: LiveSession, who: Someone) -> Hashable | None:
        """The page a moderator is on the stage through: their newest one still connected (else their newest);
        their other stage pages stand by."""
        return self._current_page(self._staff_pages.get(live.run.id, {}).get(who, {}))

    def _current_page(self, pages: dict[Hashable, int | None]) -> Hashable | None:
        newest_first = list(reversed(pages))
        return next((page for page in newest_first if page not in self._staff_pages_away),
                    newest_first[0] if newest_first else None)

    def _staff_places(self, live: LiveSession) -> dict[Someone, int | None]:
        """Where each moderator on the stage is: the room their current stage page visits (None: the plenary)."""
        return {who: pages[self._current_page(pages)] for who, pages in self._staff_pages.get(live.run.id, {}).items()}
