"""`/w/{slug}/live`: the participant's stage. Agenda on top, the stage and the room on the left,
the step's information on the right, the countdown always in sight.

Every part redraws only when what it shows has changed, so that one event sends little to
each of hundreds of pages, and a running countdown sends nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import timedelta
from typing import Any

from fastapi import Response
from fastapi.responses import RedirectResponse
from nicegui import context, ui

from domain.errors import DomainError
from domain.live.events import Aspect, LiveEvent, MessageBroadcast, MicrophoneMuted, RunReset
from domain.live.state import Notice, NoticeAudience, Person
from domain.models import RoomAssignment, RunPhase, StaffAccount, StepKind
from media.routing import Someone
from ui.auth import signed_in
from ui.components import Text, heading, labelled, paragraph, translated
from ui.frame import page_frame
from ui.i18n import _, ngettext
from ui.live import media_link, panels
from ui.live.bridge import page_events
from ui.live.context import (
    LiveContext,
    browser_storage,
    follow_presence,
    may_moderate,
    participant_here,
    resolve,
)
from ui.live.countdown import Timer
from ui.services import Services

# How long a page may lose its connection and come back as it was (then it is rebuilt from the state).
LIVE_RECONNECT_SECONDS = 30.0
# When the doors open, every waiting room loads the stage at once: with hundreds of people the last pages take
# several seconds to build, and NiceGUI's default (3 s) would answer them with an error page instead.
STAGE_RESPONSE_SECONDS = 30.0
RECENT_NOTICE = timedelta(minutes=10)
DISMISSED_KEY = "dismissed_notices"

# What every page of a run derives alike from the state, computed by the first page handling an event.
_per_event: dict[str, tuple[LiveEvent, Any]] = {}


def register(services: Services) -> None:
    @ui.page("/w/{slug}/live", reconnect_timeout=LIVE_RECONNECT_SECONDS, response_timeout=STAGE_RESPONSE_SECONDS)
    async def stage(slug: str, room: int | None = None) -> Response | None:
        return await stage_page(services, slug, None, room)

    @ui.page("/w/{slug}/rehearsal/{code}/live", reconnect_timeout=LIVE_RECONNECT_SECONDS,
             response_timeout=STAGE_RESPONSE_SECONDS)
    async def rehearsal_stage(slug: str, code: str, room: int | None = None) -> Response | None:
        return await stage_page(services, slug, code, room)


async def stage_page(services: Services, slug: str, code: str | None, room: int | None) -> Response | None:
    staff = await signed_in(services)
    found = await resolve(services, slug, code, staff=staff is not None)
    if found is None:
        return RedirectResponse(f"/w/{slug}", status_code=303)
    person = participant_here(found)
    observer = staff if staff is not None and may_moderate(staff, found.plan) else None
    if observer is None and (person is None or person.removed or found.live.state.phase == RunPhase.BACKSTAGE):
        return RedirectResponse(found.path("lobby"), status_code=303)
    with page_frame(services, found.plan.workshop.title, staff=staff, wide=True):
        Stage(services, found, person if observer is None else None, observer, room).build()
    return None


class Stage:
    def __init__(self, services: Services, found: LiveContext, person: Person | None,
                 observer: StaffAccount | None, visited_room: int | None) -> None:
        self.services = services
        self.found = found
        self.live = found.live
        self.person = person
        self.observer = observer
        self.visited_room = visited_room
        self._drawn: dict[str, Hashable] = {}
        self._event: LiveEvent | None = None  # the event being followed, None while the page is built
        self.choice: ui.radio | None = None
        self.with_video: frozenset[str] = frozenset()  # names whose video the stage shows instead of a tile
        self.storage = browser_storage()  # handlers may run with another person's request
        self.client = context.client

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        workshop = self.found.plan.workshop
        with ui.row().classes("w-full items-center justify-between gap-3"):
            with ui.column().classes("gap-0 min-w-0"):
                heading(workshop.title)
                if self.found.run.rehearsal:
                    Text(_("Rehearsal: nothing here counts."), "span").classes("atelier-chip archived self-start")
            if self.observer is not None:
                ui.link(_("Back to the moderator board"), self.found.path("moderate")).classes("atelier-link")
        self.notices = labelled(ui.element("div").classes("grid gap-2 w-full"), _("Messages from the moderators"))
        self.notices.props('role="region" aria-live="assertive"')
        self.agenda = ui.element("div").classes("w-full")
        with ui.element("div").classes("w-full grid gap-6 lg:grid-cols-[1fr_24rem] mt-2"):
            with labelled(ui.element("section"), _("Stage")).classes("grid gap-3 content-start min-w-0"):
                with ui.row().classes("w-full items-end justify-between gap-3"):
                    self.location = Text("", "h2").classes("atelier-section")
                    with ui.column().classes("items-end gap-0") as self.time_left:
                        Text(_("Time left for this step"), "span").classes("atelier-muted text-sm")
                        self.timer = Timer(self.services.clock).classes("big")
                with ui.element("div").classes("stage-area grid gap-3 content-start"):
                    self.stage_note = Text("", "p")
                    self.stage_reminder = Text(_("Everyone returns to the plenary when the countdown reaches zero."),
                                               "p").classes("muted-note text-sm")
                    self.stage_tiles = ui.element("div").classes("grid gap-3 grid-cols-2 md:grid-cols-3")
                    self.media = self.media_link()
                self.controls = ui.row().classes("w-full items-center gap-3")
                self.chooser = ui.element("div").classes("w-full")
            self.info = labelled(ui.element("aside"), _("The current step")).classes(
                "atelier-card bg-white p-5 grid gap-3 content-start")
            with self.info:  # parts shown and hidden on their own; `contents` keeps their children in the grid
                with ui.element("div").classes("contents") as self.info_welcome:
                    heading(_("Welcome!"), 2)
                    paragraph(_("The moderators will start in a moment. Meanwhile, answer the welcome question."),
                              muted=True)
                    panels.rules_of_conduct(workshop)
                self.step_information = panels.StepInformation()
                self.info_answers = ui.element("div").classes("contents")
                with ui.element("div").classes("contents") as self.info_closing:
                    panels.closing(workshop)
        self.build_controls()
        self.redraw_all()
        self.show_recent_notices()
        page_events(self.live).subscribe(self.on_event)
        if self.person is not None:
            follow_presence(self.live, self.person.id)

    def media_link(self) -> media_link.MediaLink | None:
        """Cameras and microphones: this page's own, and those it sees and hears, through Atelier's server."""
        team = {member.account_id: member.account.display_name for member in self.found.plan.team}
        moderation_team = _("Moderation team")  # translated now: names are asked for outside the page's context

        def name_of(who: Someone) -> str:
            _run, kind, identifier = who  # type: ignore[misc]
            if kind == "staff":  # an organiser may moderate without being in the team
                return team.get(identifier) or moderation_team
            person = self.live.state.people.get(identifier)
            return person.name if person is not None else ""

        def shown(people: frozenset[Someone]) -> None:
            self.with_video = frozenset(name_of(who) for who in people)
            self.draw_location_and_stage()

        if self.observer is not None:
            return media_link.MediaLink(self.services.media, self.live, media_link.staff(self.live, self.observer.id),
                                        name_of, staff_room=self.visited_room, is_staff=True, on_shown=shown)
        if self.person is not None:
            return media_link.MediaLink(self.services.media, self.live,
                                        media_link.participant(self.live, self.person.id), name_of, on_shown=shown)
        return None

    def redraw_all(self) -> None:
        self.draw_agenda()
        self.draw_location_and_stage()
        self.draw_info()
        self.update_controls()
        self.draw_chooser()
        self.timer.show_countdown(self.live.state.countdown)

    def once_per_event(self, name: str, compute: Callable[[], Any]) -> Any:
        """The same for every page following this event (the state does not change while they redraw)."""
        event = self._event
        if event is None:
            return compute()
        cached = _per_event.get(name)
        if cached is None or cached[0] is not event:
            cached = _per_event[name] = (event, compute())
        return cached[1]

    def _changed(self, part: str, signature: Hashable) -> bool:
        """Whether `part` must be redrawn: only when what it shows differs from what is on screen."""
        if self._drawn.get(part) == signature:
            return False
        self._drawn[part] = signature
        return True

    # ------------------------------------------------------------ who is where

    @property
    def my_room_id(self) -> int | None:
        if self.observer is not None:
            return self.visited_room if self.live.state.rooms_open else None
        return self.live.state.room_of(self.person.id) if self.person is not None else None

    def room_name(self, room_id: int) -> str:
        room = next((r for r in self.found.plan.rooms if r.id == room_id), None)
        return room.name if room is not None else ""

    # ------------------------------------------------------------ parts

    def draw_agenda(self) -> None:
        """The agenda is drawn once (again if the organiser edits it); a new step only moves the marker."""
        state = self.live.state
        if self._changed("agenda", tuple((s.title, s.minutes) for s in self.live.steps)):
            self.agenda.clear()
            with self.agenda:
                self.agenda_bar = panels.AgendaBar(self.live.plan, self.found.session.starts_at)
        self.agenda_bar.mark(len(self.live.steps) if state.phase == RunPhase.ENDED else state.step_index)

    def draw_location_and_stage(self) -> None:
        """Where this page is and who is on its stage: texts change in place, tiles only when people change."""
        state = self.live.state
        room_id = self.my_room_id
        floor = state.people.get(state.floor_holder) if state.floor_holder is not None else None
        members = tuple(p.name for p in state.members(room_id)) if room_id is not None else ()
        team = tuple(member.account.display_name for member in self.found.plan.team)
        signature = (state.phase, room_id, floor.name if floor else None, members, team, self.with_video)
        if not self._changed("stage", signature):
            return
        self.time_left.set_visibility(state.phase != RunPhase.ENDED)
        note, classes, reminder, tiles = "", "", False, ()
        if state.phase == RunPhase.ENDED:
            self.location.text = _("The workshop has ended")
            note = _("Thank you! The moderators have closed the workshop.")
        elif room_id is not None:
            room = next(r for r in self.found.plan.rooms if r.id == room_id)
            self.location.text = _("Room: {name}", name=room.name)
            note, classes, reminder = room.topic, "muted-note", True
            tiles = tuple((name, False) for name in members)
        else:
            self.location.text = self.room_name(self.found.plan.plenary_room.id) if self.found.plan.plenary_room \
                else _("Plenary")
            if floor is not None:
                note = _("{name} has the floor.", name=floor.name)
            elif state.phase == RunPhase.OPEN:
                note = _("The workshop starts soon.")
            else:
                note = _("The moderators have the floor.")
            classes = "text-lg font-semibold"
            tiles = tuple((name, False) for name in team) + (((floor.name, True),) if floor is not None else ())
        self.stage_note.text = note
        self.stage_note.classes(replace=classes)
        self.stage_note.set_visibility(bool(note))
        self.stage_reminder.set_visibility(reminder)
        tiles = tuple(tile for tile in tiles if tile[0] not in self.with_video)  # their video shows them
        if self._changed("stage-tiles", tiles):
            self.stage_tiles.clear()
            with self.stage_tiles:
                for name, speaking in tiles:
                    Text(name, "div").classes("tile speaking" if speaking else "tile")
        self.stage_tiles.set_visibility(bool(tiles))

    def draw_info(self) -> None:
        """Each part of the step panel changes on its own: a new step updates the texts in place."""
        state = self.live.state
        step = self.live.current_step
        workshop = self.found.plan.workshop
        self.info_welcome.set_visibility(state.phase == RunPhase.OPEN)
        running = step if state.phase == RunPhase.RUNNING else None
        if self._changed("info-step", (running.title, running.kind, running.objective, running.context_info,
                                       running.expected_of_participants) if running else None):
            self.step_information.show(running)
        welcome = state.phase == RunPhase.OPEN or state.step_index == 0
        answers = self.once_per_event("answers", lambda: tuple(
            (p.name, p.arrival_answer) for p in state.active_people() if p.arrival_answer)) if welcome else ()
        if self._changed("info-answers", (welcome, answers)):
            self.info_answers.clear()
            if welcome:
                with self.info_answers:
                    panels.arrival_answers(workshop, state)
        last = state.phase == RunPhase.ENDED or (step is not None and state.step_index == len(self.live.steps) - 1)
        self.info_closing.set_visibility(last)

    # ------------------------------------------------------------ the participant's own controls

    def build_controls(self) -> None:
        with self.controls:
            if self.person is not None:
                self.hand = ui.button(on_click=self.toggle_hand).props("unelevated size=lg")
                self.place = Text("", "span").props('role="status"').classes("font-medium")
                self.call = ui.button(_("Call a moderator"), icon="support_agent", on_click=self.call_moderator).props(
                    "outline")
            self.floor_note = Text("", "p").props('role="status"').classes("font-semibold text-positive")

    def update_controls(self) -> None:
        state = self.live.state
        if self.person is None:
            return
        me = state.people[self.person.id]
        raised = me.hand_raised_at is not None
        has_floor = state.floor_holder == me.id
        position = state.queue_position(me.id) if raised else None
        room_id = self.my_room_id
        shown = (raised, has_floor, state.under_way and not me.removed, position, room_id,
                 room_id is not None and room_id in state.calls)
        if not self._changed("controls", shown):
            return  # someone else's hand: nothing to send to this page
        self.hand.text = _("Lower my hand") if raised else _("Raise my hand")
        self.hand.props["icon"] = "do_not_touch" if raised else "back_hand"
        self.hand.props["aria-pressed"] = "true" if raised else "false"
        self.hand.set_enabled(state.under_way and not has_floor and not me.removed)
        self.hand.set_visibility(state.phase != RunPhase.ENDED)
        self.place.text = _("You are number {position} in the queue.", position=position) if position else ""
        self.call.set_visibility(self.my_room_id is not None)
        if self.my_room_id is not None and self.my_room_id in state.calls:
            self.call.text = _("A moderator is on the way")
            self.call.disable()
        else:
            self.call.text = _("Call a moderator")
            self.call.enable()
        self.floor_note.text = _("You have the floor: you can speak.") if has_floor else ""

    async def toggle_hand(self) -> None:
        assert self.person is not None
        raised = self.live.state.people[self.person.id].hand_raised_at is not None
        await self.act(self.live.lower_hand(self.person.id) if raised else self.live.raise_hand(self.person.id))

    async def call_moderator(self) -> None:
        assert self.person is not None
        await self.act(self.live.call_moderator(self.person.id))

    async def act(self, command: object) -> None:
        try:
            await command  # type: ignore[misc]
        except DomainError as problem:
            with self.client:
                ui.notify(translated(problem), type="warning")

    def draw_chooser(self) -> None:
        """While rooms are closed, a breakout step coming lets people choose their room."""
        state = self.live.state
        plan = self.found.plan
        rooms = tuple(room.id for room in plan.breakout_rooms)
        choosing = (self.person is not None and plan.workshop.room_assignment == RoomAssignment.PARTICIPANTS_CHOOSE
                    and rooms and not state.rooms_open and state.phase != RunPhase.ENDED
                    and any(step.kind == StepKind.BREAKOUT for step in self.live.steps[max(state.step_index, 0):]))
        counts = self.once_per_event(f"room counts {rooms}", lambda: tuple(
            (room_id, len(state.members(room_id))) for room_id in rooms)) if choosing else ()
        mine = state.people[self.person.id].room_id if self.person is not None else None
        if not self._changed("chooser", (choosing, counts, mine)):
            return
        if choosing and self.choice is not None and self._drawn.get("chooser-mine") == mine:
            self.choice.set_options(self.room_options(dict(counts)))  # someone else chose: new counts only
            return
        self._drawn["chooser-mine"] = mine
        self.chooser.clear()
        self.choice = None
        if not choosing:
            return
        with self.chooser, ui.card().classes("atelier-card p-4 gap-2"):
            heading(_("Choose your breakout room"), 3)
            choice = self.choice = ui.radio(self.room_options(dict(counts)), value=mine)
            choice.props["aria-label"] = _("Choose your breakout room")

            async def choose(event: object) -> None:
                assert self.person is not None
                await self.act(self.live.choose_room(self.person.id, choice.value))

            choice.on_value_change(choose)

    def room_options(self, taken_by_room: dict[int, int]) -> dict[int, str]:
        options = {}
        for room in self.found.plan.breakout_rooms:
            taken = taken_by_room.get(room.id, 0)
            places = ngettext("{count} of {capacity} place taken", "{count} of {capacity} places taken", taken,
                              capacity=room.capacity) \
                if room.capacity else ngettext("{count} person", "{count} people", taken)
            options[room.id] = f"{room.name} · {room.topic} ({places})" if room.topic else f"{room.name} ({places})"
        return options

    # ------------------------------------------------------------ messages

    def show_recent_notices(self) -> None:
        now = self.services.clock.now()
        dismissed = set(self.storage.get(DISMISSED_KEY, {}).get(str(self.found.run.id), []))
        for notice in self.live.state.notices:
            if now - notice.at < RECENT_NOTICE and notice.id not in dismissed:
                self.show_notice(notice)

    def show_notice(self, notice: Notice) -> None:
        if notice.audience == NoticeAudience.ROOMS and self.my_room_id is None and self.observer is None:
            return
        with self.notices, ui.row().classes("notice w-full items-center justify-between no-wrap") as card:
            with ui.row().classes("items-center gap-2 no-wrap"):
                ui.icon("campaign").props('aria-hidden="true"').classes("text-xl")
                Text(notice.text, "p").classes("atelier-text")

            def dismiss() -> None:
                card.delete()
                by_run = dict(self.storage.get(DISMISSED_KEY, {}))
                by_run[str(self.found.run.id)] = [*by_run.get(str(self.found.run.id), []), notice.id]
                self.storage[DISMISSED_KEY] = by_run

            labelled(ui.button(icon="close", on_click=dismiss).props("flat round dense"), _("Dismiss this message"))

    # ------------------------------------------------------------ following the run

    def on_event(self, event: LiveEvent) -> None:
        self._event = event
        if isinstance(event, RunReset):
            ui.navigate.to(f"/w/{self.found.slug}")
            return
        if isinstance(event, MessageBroadcast):
            self.show_notice(self.live.state.notices[-1])
            return
        if isinstance(event, MicrophoneMuted) and event.by_moderator and self.person is not None \
                and event.participant_id == self.person.id:
            ui.notify(_("A moderator muted your microphone."), type="info")
        if self.person is not None and self.person.removed:
            ui.navigate.to(self.found.path("lobby"))
            return
        handlers: dict[Aspect, tuple[Callable[[], None], ...]] = {
            Aspect.PHASE: (self.draw_agenda, self.draw_location_and_stage, self.draw_info, self.update_controls),
            Aspect.STEP: (self.draw_agenda, self.draw_info, self.draw_chooser),
            Aspect.COUNTDOWN: (lambda: self.timer.show_countdown(self.live.state.countdown),),
            Aspect.HANDS: (self.update_controls,),
            Aspect.FLOOR: (self.draw_location_and_stage, self.update_controls),
            Aspect.ROOMS: (self.draw_location_and_stage, self.update_controls, self.draw_chooser),
            Aspect.PEOPLE: (self.draw_location_and_stage, self.draw_info),
            Aspect.ANSWERS: (self.draw_info,),
        }
        done: set[Callable[[], None]] = set()
        for aspect in event.aspects:
            for handler in handlers.get(aspect, ()):
                if handler not in done:
                    done.add(handler)
                    handler()
