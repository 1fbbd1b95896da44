"""The participant's stage, assembled from its parts: agenda on top, the stage and the room on the left,
the step's information on the right, the countdown always in sight.

Every part redraws only when what it shows has changed, so that one event sends little to each of
hundreds of pages, and a running countdown sends nothing at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Response
from fastapi.responses import RedirectResponse
from nicegui import context, ui

from domain.errors import HistoryUnreadable
from domain.live.events import LiveEvent, MicrophoneMuted, RunReset
from domain.live.state import Person
from domain.models import RunPhase, StaffAccount
from ui.auth import signed_in
from ui.components import Text, heading, labelled
from ui.frame import page_frame
from ui.i18n import _
from ui.live.actions import PageActions
from ui.live.activities import ActivityHost
from ui.live.activities.polls import stage_polls
from ui.live.bridge import follow_run
from ui.live.context import (
    LiveContext,
    StaffRights,
    browser_storage,
    follow_presence,
    may_moderate,
    participant_here,
    resolve,
    shut_out_notice,
    unreadable_page,
)
from ui.live.parts import LivePart, deliver
from ui.live.stage.agenda import AgendaPart
from ui.live.stage.feedback import FeedbackPart, answered_already_by
from ui.live.stage.hand import HandPart
from ui.live.stage.media import MediaPart
from ui.live.stage.notices import NoticesPart
from ui.live.stage.place import PlacePart
from ui.live.stage.room_choice import RoomChoicePart
from ui.live.stage.step_panel import StepPanelPart
from ui.live.stage.view import StageView
from ui.services import Services


async def stage_page(services: Services, slug: str, code: str | None, room: int | None) -> Response | None:
    staff = await signed_in(services)
    try:
        found = await resolve(services, slug, code, staff=staff is not None)
    except HistoryUnreadable as problem:
        return unreadable_page(services, problem, staff)
    if found is None:
        return RedirectResponse(f"/w/{slug}", status_code=303)
    person = participant_here(found)
    observer = staff if staff is not None and may_moderate(staff, found.plan) else None
    if observer is None and (person is None or person.removed or found.live.state.phase == RunPhase.BACKSTAGE):
        return RedirectResponse(found.path("lobby"), status_code=303)
    participant = person if observer is None else None
    answered = participant is not None and await answered_already_by(found, participant)
    with page_frame(services, found.plan.workshop.title, staff=staff, wide=True):
        Stage(services, found, participant, observer, room, answered_survey=answered)
    return None


class Stage:
    def __init__(self, services: Services, found: LiveContext, person: Person | None,
                 observer: StaffAccount | None, visited_room: int | None, *, answered_survey: bool) -> None:
        live = found.live
        rights = StaffRights(services, observer, live) if observer is not None else None
        actions = PageActions(context.client, services.clock,
                              rights.refusal if rights is not None else self.participant_refusal,
                              on_shut_out=self.shut_out)
        self.view = view = StageView(services, found, person, observer, visited_room, context.client,
                                     browser_storage(), actions)
        self.area = context.slot.parent  # the page's main area: emptied if the page may no longer follow the run
        self.build(view, answered_survey)
        if rights is not None:
            follow_run(live, self.on_events, place=lambda: view.my_room_id, allowed=rights.in_team,
                       on_shut_out=lambda: actions.shut(rights.no_longer_in_team()))
        elif person is not None:
            follow_run(live, self.on_events, participant_id=person.id, place=lambda: view.my_room_id,
                       on_shut_out=lambda: actions.shut(self.removed()))
            follow_presence(live, person.id)

    def build(self, view: StageView, answered_survey: bool) -> None:
        found, observer = view.found, view.observer
        with ui.row().classes("w-full items-center justify-between gap-3"):
            with ui.column().classes("gap-0 min-w-0"):
                heading(found.plan.workshop.title)
                if found.run.rehearsal:
                    Text(_("Rehearsal: nothing here counts."), "span").classes("atelier-chip archived self-start")
            if observer is not None:
                ui.link(_("Back to the moderator board"), found.path("moderate")).classes("atelier-link")
        self.notices = NoticesPart(view)
        self.agenda = AgendaPart(view)
        with ui.element("div").classes("w-full grid gap-6 lg:grid-cols-[1fr_24rem] mt-2"):
            with labelled(ui.element("section"), _("Stage")).classes("grid gap-3 content-start min-w-0"):
                self.place = PlacePart(view)
                with ui.element("div").classes("stage-area grid gap-3 content-start"):
                    self.place.build_stage_area()
                    self.media = MediaPart(view, self.videos_shown)
                self.polls = stage_polls(view)  # a poll made live shows above the step's activity
                self.activity: ActivityHost[StageView] = ActivityHost(
                    view, view.live, lambda: view.my_room_id, lambda components: components.stage)
                self.room_choice = RoomChoicePart(view)
            self.step_panel = StepPanelPart(view)
            with self.step_panel.panel:
                self.feedback = FeedbackPart(view, answered=answered_survey)
        # What a participant needs at any moment (hand, microphone, camera, calling the team) stays in view: a bar
        # as wide as the page, on one line at laptop sizes, that sticks to the bottom of the window.
        with labelled(ui.element("div"), _("My controls")).props('role="group"').classes(
                "stage-controls w-full") as controls:
            self.hand = HandPart(view)
        self.media.show_controls_in(controls)
        self.parts: Sequence[LivePart] = (self.notices, self.agenda, self.place, self.media, self.hand,
                                          self.polls, self.activity, self.room_choice, self.step_panel,
                                          self.feedback)
        self.place.redraw()
        self.notices.show_recent()

    @staticmethod
    def removed() -> str:
        return _("The moderators removed you from the session.")

    async def participant_refusal(self) -> str | None:
        """A participant removed meanwhile may do nothing more here (the run refuses them too)."""
        person = self.view.person
        return self.removed() if person is not None and person.removed else None

    def shut_out(self, reason: str) -> None:
        """Its person may no longer follow the run: the page lets go of the camera and the microphone, and of
        its controls, and is sent away (a page that ignores that keeps only this notice)."""
        view = self.view
        if self.media.link is not None:
            self.media.link.shut()
        self.parts = ()
        self.area.clear()
        with self.area:
            if view.observer is not None:
                shut_out_notice(reason, _("Back to my assignments"), "/moderate")
            else:
                shut_out_notice(reason, _("Back to the workshop"), f"/w/{view.found.slug}")
                ui.navigate.to(view.found.path("lobby"))

    def videos_shown(self, names: frozenset[str]) -> None:
        """The videos now show these people: their name tiles give way."""
        self.view.with_video = names
        self.place.redraw()

    def on_events(self, events: list[LiveEvent]) -> None:
        view = self.view
        if any(isinstance(event, RunReset) for event in events):
            ui.navigate.to(f"/w/{view.found.slug}")
            return
        person = view.person
        if person is not None and any(isinstance(event, MicrophoneMuted) and event.by_moderator
                                      and event.participant_id == person.id for event in events):
            ui.notify(_("A moderator muted your microphone."), type="info")
        deliver(self.parts, events)
