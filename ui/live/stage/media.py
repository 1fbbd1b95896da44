"""Cameras, microphones and screens on the stage: the page's own, and those it sees and hears."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from domain.live.events import Aspect
from domain.live.state import MemberKind
from media.live import member_of, participant, staff
from media.routing import Someone
from ui.i18n import _
from ui.live.media_link import MediaLink
from ui.live.parts import LivePart
from ui.live.stage.view import StageView


class MediaPart(LivePart):
    """Routing changes reach the element from the media service; the run's own changes (a microphone
    closed by a moderator, the floor, the rooms, a camera turned off) from here."""

    listens_to = frozenset({Aspect.MICROPHONES, Aspect.CAMERAS, Aspect.FLOOR, Aspect.ROOMS, Aspect.PHASE})

    def __init__(self, view: StageView, on_shown: Callable[[frozenset[str]], None]) -> None:
        self.view = view
        live = view.live
        team = {member.account_id: member.account.display_name for member in live.plan.team}
        moderation_team = _("Moderation team")  # translated now: names are asked for outside the page's context

        def name_of(who: Someone) -> str:
            member = member_of(who)
            if member.kind == MemberKind.STAFF:  # an organiser may moderate without being in the team
                return team.get(member.id) or moderation_team
            person = live.state.people.get(member.id)
            return person.name if person is not None else ""

        def shown(people: frozenset[Someone]) -> None:
            on_shown(frozenset(name_of(who) for who in people))

        live_media = view.services.live_media
        self.link: MediaLink | None = None
        if view.observer is not None:
            self.link = MediaLink(live_media, live, staff(live, view.observer.id), name_of, act=view.act,
                                  staff_room=view.visited_room, on_shown=shown)
        elif view.person is not None:
            self.link = MediaLink(live_media, live, participant(live, view.person.id), name_of, act=view.act,
                                  on_shown=shown)

    def show_controls_in(self, bar: ui.element) -> None:
        if self.link is not None:
            self.link.show_controls_in(bar)

    def redraw(self) -> None:
        if self.link is not None:
            self.link.refresh()
