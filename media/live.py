"""Cameras and microphones of the live runs: each run's committed changes re-route its media.

Built once at the composition root beside the live registry and the media service. It follows
every run as the registry loads it, and re-routes a run once per batch of announced changes,
and only when one of them may change who is seen or heard (a hand raised changes nothing).
Where moderators watch from (the plenary, or a breakout room they visit) is runtime, kept here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Sequence

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
        # Staff on the stage, by run: the room they visit (None: the plenary), and from which page.
        self._staff_places: dict[int, dict[Someone, tuple[int | None, Hashable]]] = {}
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
        places = self._staff_places.get(live.run.id, {})
        muted = (rooms.keys() - heard) | {staff(live, account) for account in state.staff_muted}
        rooms.update({who: room for who, (room, _page) in places.items()})
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
            return self._staff_places.get(live.run.id, {}).get(who, (None, None))[0]
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
        return ({participant(live, p.id) for p in live.state.active_people()}
                | set(self._staff_places.get(live.run.id, {})))

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

    def place_staff(self, live: LiveSession, who: Someone, room_id: int | None, page: Hashable) -> None:
        """A moderator's stage page opens, in the plenary or visiting a room."""
        self._staff_places.setdefault(live.run.id, {})[who] = (room_id, page)
        self.reroute(live)

    def release_staff(self, live: LiveSession, who: Someone, page: Hashable) -> None:
        """That page closed: unless a newer page of theirs took over, the moderator is no longer on the stage."""
        places = self._staff_places.get(live.run.id, {})
        if places.get(who, (None, None))[1] == page:
            del places[who]
            self.reroute(live)
