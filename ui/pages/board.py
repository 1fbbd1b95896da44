"""`/w/{slug}/moderate`: the moderator board, made for half a screen beside the stage.

Always in sight: the phase, the current step, its countdown and the step controls. Below,
in tabs: the script, the floor (hands and speaking balance), the people, the rooms, messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable
from datetime import datetime, timedelta
from functools import partial

from fastapi import Response
from nicegui import context, ui
from nicegui.events import ValueChangeEventArguments

from domain.errors import DomainError
from domain.live.events import Aspect, LiveEvent, RunReset
from domain.live.session import Presence
from domain.live.state import NoticeAudience, Person
from domain.models import Room, RunPhase, StaffAccount, StaffRole, StepKind, TeamRole
from ui import formatting
from ui.auth import check_staff
from ui.components import Text, heading, labelled, paragraph, translated
from ui.frame import page_frame
from ui.i18n import _, ngettext
from ui.live import media_link
from ui.live.bridge import page_events
from ui.live.context import LiveContext, may_moderate, resolve
from ui.live.countdown import Timer
from ui.services import Services

STAFF = (StaffRole.ORGANISER, StaffRole.MODERATOR)


def register(services: Services) -> None:
    @ui.page("/w/{slug}/moderate", reconnect_timeout=30)
    async def board(slug: str) -> Response | None:
        return await board_page(services, slug, None)

    @ui.page("/w/{slug}/rehearsal/{code}/moderate", reconnect_timeout=30)
    async def rehearsal_board(slug: str, code: str) -> Response | None:
        return await board_page(services, slug, code)


async def board_page(services: Services, slug: str, code: str | None) -> Response | None:
    staff = await check_staff(services, *STAFF)
    if not isinstance(staff, StaffAccount):
        return staff
    found = await resolve(services, slug, code, staff=True)
    if found is None or not may_moderate(staff, found.plan):
        with page_frame(services, _("Not found"), staff=staff, narrow=True):
            heading(_("This workshop is not among your assignments"))
            ui.link(_("Back to my assignments"), "/moderate").classes("atelier-link")
        return context.client.build_response(context.client.request, 404)
    with page_frame(services, _("Moderation · {title}", title=found.plan.workshop.title), staff=staff):
        Board(services, found, staff).build()
    return None


def clock_minutes(duration: timedelta) -> str:
    seconds = max(0, int(duration.total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


class KeyedRows:
    """The rows of a list, one per key, each redrawn only when what it shows has changed.

    The board lists everyone (people, speaking balance, rooms). Redrawing a whole list for
    each arrival cost hundreds of elements per event with 300 participants, and stalled the
    server while a room filled up; now an arrival adds one row and moves it into place.
    """

    def __init__(self, container: ui.element) -> None:
        self.container = container
        self._rows: dict[Hashable, tuple[Hashable, ui.element]] = {}

    def show(self, rows: Iterable[tuple[Hashable, Hashable, Callable[[], ui.element]]]) -> None:
        """Show these rows in this order: (key, what the row shows, a function drawing it and returning it)."""
        order: list[ui.element] = []
        for key, signature, draw in rows:
            drawn = self._rows.get(key)
            if drawn is None or drawn[0] != signature:
                if drawn is not None:
                    drawn[1].delete()
                with self.container:
                    drawn = self._rows[key] = (signature, draw())
            order.append(drawn[1])
        if len(order) != len(self._rows):
            shown = {id(element) for element in order}
            for key in [key for key, (_, element) in self._rows.items() if id(element) not in shown]:
                self._rows.pop(key)[1].delete()
        children = self.container.default_slot.children
        for index, element in enumerate(order):
            if children[index] is not element:
                element.move(target_index=index)


class Board:
    def __init__(self, services: Services, found: LiveContext, staff: StaffAccount) -> None:
        self.services = services
        self.found = found
        self.live = found.live
        self.staff = staff
        self.least_spoken_first = False
        self.client = context.client  # handlers may outlive the element that started them
        self._commands_shown: Hashable = None
        self.command_timer: Timer | None = None
        self.speaking: set[int] = set()  # participants whose voice the server hears now
        self.speaking_marks: dict[int, Text] = {}

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    async def act(self, command: Awaitable[object], done: str | None = None) -> None:
        """Run a command; a refusal (someone was quicker, nothing to do) is said, not raised."""
        try:
            await command
        except DomainError as problem:
            with self.client:
                ui.notify(translated(problem), type="warning")
            return
        if done:
            with self.client:
                ui.notify(done)

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        workshop = self.found.plan.workshop
        with ui.element("div").classes("board w-full grid gap-3"):
            with ui.row().classes("w-full items-center justify-between gap-2"):
                with ui.column().classes("gap-0 min-w-0"):
                    heading(workshop.title)
                    if self.found.run.rehearsal:
                        Text(_("Rehearsal: nothing here counts."), "span").classes("atelier-chip archived self-start")
                ui.link(_("Open the stage"), self.found.path("live"), new_tab=True).classes("atelier-link")
            self.command_bar = ui.card().classes("atelier-card w-full p-4 gap-3")
            with ui.tabs().classes("w-full").props("align=left dense no-caps") as tabs:
                script_tab = ui.tab("script", _("Script"), icon="description")
                self.floor_tab = ui.tab("floor", _("Floor"), icon="record_voice_over")
                self.people_tab = ui.tab("people", _("People"), icon="groups")
                self.rooms_tab = ui.tab("rooms", _("Rooms"), icon="meeting_room")
                ui.tab("message", _("Message"), icon="campaign")
            with ui.tab_panels(tabs, value=script_tab).classes("w-full bg-transparent"):
                with ui.tab_panel("script").classes("p-0"):
                    self.script = ui.element("div").classes("grid gap-3")
                with ui.tab_panel("floor").classes("p-0 grid gap-3"):
                    self.floor = ui.element("div").classes("grid gap-3")
                    self.microphones_card()
                    with ui.element("div").classes("grid gap-2"):
                        self.speaking_balance()
                with ui.tab_panel("people").classes("p-0"), ui.element("div").classes("grid gap-3"):
                    self.nobody_joined = paragraph(_("Nobody has joined yet. Participants join from the public "
                                                     "page of the workshop."), muted=True)
                    self.people = KeyedRows(ui.element("ul").classes("grid gap-2 list-none p-0 m-0"))
                with ui.tab_panel("rooms").classes("p-0"), ui.element("div").classes("grid gap-3"):
                    self.room_lists()
                with ui.tab_panel("message").classes("p-0"):
                    self.message_form()
        self.draw_commands()
        self.draw_script()
        self.draw_floor()
        self.draw_microphones()
        self.draw_balance()
        self.draw_people()
        self.draw_rooms()
        self.update_tab_badges()
        page_events(self.live).subscribe(self.on_event)
        context.client.on_delete(self.services.media.on_change(self.follow_speaking))

    def on_event(self, event: LiveEvent) -> None:
        if isinstance(event, RunReset):
            ui.navigate.to(f"/w/{self.found.slug}/moderate")
            return
        aspects = event.aspects
        if aspects & {Aspect.PHASE, Aspect.STEP, Aspect.COUNTDOWN, Aspect.PEOPLE, Aspect.ROOMS}:
            self.draw_commands()
        if aspects & {Aspect.PHASE, Aspect.STEP}:
            self.draw_script()
        if aspects & {Aspect.HANDS, Aspect.FLOOR, Aspect.PHASE}:
            self.draw_floor()
        if aspects & {Aspect.MICROPHONES, Aspect.FLOOR, Aspect.ROOMS, Aspect.PEOPLE, Aspect.PHASE}:
            self.draw_microphones()
        if aspects & {Aspect.FLOOR, Aspect.PEOPLE}:
            self.draw_balance()
        if aspects & {Aspect.PEOPLE, Aspect.HANDS, Aspect.ROOMS, Aspect.ANSWERS, Aspect.FLOOR}:
            self.draw_people()
        if aspects & {Aspect.ROOMS, Aspect.PEOPLE, Aspect.STEP, Aspect.PHASE}:
            self.draw_rooms()
        self.update_tab_badges()

    def update_tab_badges(self) -> None:
        state = self.live.state
        hands = len(state.hand_queue())
        self.floor_tab.props["label"] = _("Floor ({count})", count=hands) if hands else _("Floor")
        present = sum(1 for p in state.active_people() if self.live.presence(p.id) == Presence.ONLINE)
        self.people_tab.props["label"] = _("People ({count})", count=present)
        calls = len(state.calls)
        self.rooms_tab.props["label"] = ngettext("Rooms ({count} call)", "Rooms ({count} calls)", calls) \
            if calls else _("Rooms")

    # ------------------------------------------------------------ always in sight

    def commands_signature(self) -> Hashable:
        """What the command bar shows, apart from the countdown (a timer updated in place)."""
        state = self.live.state
        countdown = state.countdown
        following = self.live.next_step_after
        current = self.live.current_step
        return (state.phase, state.step_index, current.title if current else None,
                current.kind if current else None, following.title if following else None,
                countdown is not None and countdown.paused, state.rooms_open,
                len(state.active_people()) if state.phase == RunPhase.ENDED else None)

    def draw_commands(self) -> None:
        """Redraw the command bar only when its buttons change: a click crossing a redraw would be lost."""
        state = self.live.state
        signature = self.commands_signature()
        if signature == self._commands_shown:
            if self.command_timer is not None:
                self.command_timer.show_countdown(state.countdown)
            return
        self._commands_shown = signature
        self.command_timer = None
        self.command_bar.clear()
        with self.command_bar:
            phase_text = {
                RunPhase.BACKSTAGE: _("Backstage: participants wait in the lobby."),
                RunPhase.OPEN: _("Doors open: participants are on the stage, the workshop has not started."),
                RunPhase.RUNNING: _("The workshop is running."),
                RunPhase.ENDED: _("The workshop has ended."),
            }[state.phase]
            Text(phase_text, "p").props('role="status"').classes("font-semibold")
            if state.phase == RunPhase.BACKSTAGE:
                with ui.row().classes("gap-2"):
                    ui.button(_("Open the doors"), icon="door_front",
                              on_click=lambda: self.act(self.live.open_doors())).props("unelevated")
                    ui.button(_("Start the workshop"), icon="play_arrow",
                              on_click=lambda: self.act(self.live.start())).props("outline")
                self.backstage()
            elif state.phase == RunPhase.OPEN:
                ui.button(_("Start the workshop"), icon="play_arrow",
                          on_click=lambda: self.act(self.live.start())).props("unelevated")
            elif state.phase == RunPhase.RUNNING:
                self.step_controls()
            else:
                self.summary()

    def step_controls(self) -> None:
        state = self.live.state
        step = self.live.current_step
        index = state.step_index
        with ui.row().classes("w-full items-center justify-between gap-2 no-wrap"):
            with ui.column().classes("gap-0 min-w-0"):
                Text(_("Step {number} of {total}", number=index + 1, total=len(self.live.steps)), "span").classes(
                    "atelier-muted text-sm")
                Text(step.title if step else "", "span").classes("text-lg font-semibold")
            self.command_timer = Timer(self.services.clock).classes("big")
            self.command_timer.show_countdown(state.countdown)
        countdown = state.countdown
        with ui.row().classes("gap-2 items-center"):
            if countdown is not None and countdown.paused:
                ui.button(_("Resume"), icon="play_arrow", on_click=lambda: self.act(self.live.resume())).props(
                    "outline dense")
            else:
                ui.button(_("Pause"), icon="pause", on_click=lambda: self.act(self.live.pause())).props(
                    "outline dense")
            ui.button(_("+1 min"), on_click=lambda: self.act(self.live.extend(1))).props("outline dense")
            ui.button(_("+5 min"), on_click=lambda: self.act(self.live.extend(5))).props("outline dense")
        with ui.row().classes("gap-2 items-center"):
            if index > 0:
                ui.button(_("Previous step"), icon="skip_previous",
                          on_click=lambda: self.act(self.live.previous_step(index))).props("outline")
            following = self.live.next_step_after
            if following is not None:
                ui.button(_("Next: {title}", title=following.title), icon="skip_next",
                          on_click=lambda: self.act(self.live.next_step(index))).props("unelevated")
            ui.button(_("End the workshop"), icon="stop", on_click=self.confirm_end).props(
                "outline color=negative")
        if step is not None and step.kind == StepKind.BREAKOUT:
            self.room_commands()

    def room_commands(self) -> None:
        state = self.live.state
        with ui.row().classes("gap-2 items-center"):
            if state.rooms_open:
                ui.button(_("Close the rooms"), icon="meeting_room",
                          on_click=lambda: self.act(self.live.close_rooms())).props("outline")
                Text(_("Rooms close by themselves when the countdown ends."), "span").classes("atelier-muted text-sm")
            else:
                keep = ui.checkbox(_("Keep the groups of the last breakout"))

                async def open_rooms() -> None:
                    await self.act(self.live.open_rooms(keep_groups=keep.value))

                ui.button(_("Open the rooms"), icon="meeting_room", on_click=open_rooms).props("unelevated")

    def confirm_end(self) -> None:
        question = _("End the workshop for everyone?")
        with labelled(ui.dialog(), question) as dialog, ui.card().classes("p-6 gap-4"):
            Text(question, "p").classes("font-semibold")
            paragraph(_("Participants see the thank-you message and the next dates."), muted=True)
            with ui.row().classes("justify-end w-full gap-2"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")

                async def end() -> None:
                    dialog.close()
                    await self.act(self.live.end())

                ui.button(_("End the workshop"), on_click=end).props("unelevated color=negative")
        dialog.open()

    def backstage(self) -> None:
        """Before the doors open: the team, and a rehearsal where every control can be tried."""
        roles = {TeamRole.LEAD_MODERATOR: _("Lead moderator"), TeamRole.CO_MODERATOR: _("Co-moderator")}
        with ui.element("div").classes("grid gap-2"):
            heading(_("Team"), 2, looks_like=3)
            with ui.element("ul").classes("list-none p-0 m-0"):
                for member in self.found.plan.team:
                    Text(f"{member.account.display_name} · {roles[member.role]}", "li")
            heading(_("Rehearse"), 2, looks_like=3)
            if self.found.run.rehearsal:
                link = f"{self.services.public_url}{self.found.path('lobby')}"
                paragraph(_("Colleagues join this rehearsal with this link:"), muted=True)
                Text(link, "p").classes("font-mono text-sm break-all")

                async def reset() -> None:
                    fresh = await self.services.live.reset_rehearsal(self.found.session)
                    ui.navigate.to(f"/w/{self.found.slug}/rehearsal/{fresh.join_code}/moderate")

                with ui.row().classes("gap-2"):
                    ui.button(_("Copy the link"), icon="content_copy",
                              on_click=lambda: ui.clipboard.write(link)).props("flat dense")
                    ui.button(_("Reset the rehearsal"), icon="restart_alt", on_click=reset).props("flat dense")
                    ui.link(_("Back to the real session"), f"/w/{self.found.slug}/moderate").classes(
                        "atelier-link self-center")
            else:
                paragraph(_("Try every control with colleagues before the day: nothing in a rehearsal counts."),
                          muted=True)

                async def rehearse() -> None:
                    run = await self.services.live.run_of(self.found.session, rehearsal=True)
                    ui.navigate.to(f"/w/{self.found.slug}/rehearsal/{run.join_code}/moderate")

                ui.button(_("Rehearse this workshop"), icon="theater_comedy", on_click=rehearse).props(
                    "outline dense").classes("self-start")

    def summary(self) -> None:
        state = self.live.state
        if state.started_at and state.ended_at:
            Text(_("Ran for {duration}.", duration=formatting.duration(
                int((state.ended_at - state.started_at).total_seconds() // 60))), "p")
        Text(ngettext("{count} participant took part.", "{count} participants took part.",
                      len(state.active_people())), "p")

    # ------------------------------------------------------------ script and timing

    def draw_script(self) -> None:
        state = self.live.state
        self.script.clear()
        with self.script:
            step = self.live.current_step
            if step is not None:
                with ui.card().classes("atelier-card p-4 gap-2"):
                    heading(_("Now: {title}", title=step.title), 2)
                    if step.objective:
                        Text(_("Objective: {objective}", objective=step.objective), "p").classes("font-medium")
                    paragraph(step.moderator_script or _("No script for this step."))
            following = self.live.next_step_after
            if following is not None:
                with ui.card().classes("atelier-card p-4 gap-1"):
                    heading(_("Next: {title}", title=following.title), 3)
                    paragraph(following.moderator_script, muted=True)
            heading(_("Planned and actual time"), 3)
            actual: dict[int, timedelta] = {}
            for visit in state.visits:
                actual[visit.index] = actual.get(visit.index, timedelta(0)) + visit.duration(self.now)
            with ui.element("ol").classes("grid gap-1 list-none p-0 m-0"):
                for index, planned in enumerate(self.live.steps):
                    with ui.element("li").classes("flex items-center gap-2 text-sm"):
                        marker = "▶" if index == state.step_index else f"{index + 1}."
                        Text(marker, "span").classes("w-6")
                        Text(planned.title, "span").classes("grow")
                        spent = actual.get(index)
                        Text(_("planned {planned}", planned=formatting.duration(planned.minutes)), "span").classes(
                            "atelier-muted")
                        if spent is not None:
                            over = spent > timedelta(minutes=planned.minutes)
                            Text(_("actual {actual}", actual=clock_minutes(spent)), "span").classes(
                                "text-negative" if over else "")
                        if state.phase == RunPhase.RUNNING and index != state.step_index:
                            current = state.step_index
                            labelled(ui.button(icon="redo", on_click=partial(self.jump, index, current)).props(
                                "flat dense round"), _("Go to the step “{title}”", title=planned.title))

    # ------------------------------------------------------------ floor

    def draw_floor(self) -> None:
        state = self.live.state
        self.floor.clear()
        with self.floor:
            holder = state.people.get(state.floor_holder) if state.floor_holder is not None else None
            with ui.card().classes("atelier-card p-4 gap-2"):
                if holder is None:
                    Text(_("Nobody has the floor: the moderators speak."), "p")
                else:
                    with ui.row().classes("w-full items-center justify-between"):
                        Text(_("{name} has the floor", name=holder.name), "p").classes("font-semibold")
                        Timer(self.services.clock).show_elapsed_since(state.floor_since)
                    ui.button(_("Take the floor back"), icon="mic_off",
                              on_click=lambda: self.act(self.live.take_floor_back())).props("outline dense")
            with ui.row().classes("w-full items-center justify-between"):
                heading(_("Raised hands"), 2, looks_like=3)
                order = ui.switch(_("Those who spoke least first"), value=self.least_spoken_first)

                def reorder() -> None:
                    self.least_spoken_first = order.value
                    self.draw_floor()

                order.on_value_change(reorder)
            queue = state.hand_queue(least_spoken_first=self.least_spoken_first)
            if not queue:
                paragraph(_("No hand is raised."), muted=True)
            with ui.element("ol").classes("grid gap-2 list-none p-0 m-0"):
                for number, person in enumerate(queue, start=1):
                    with ui.element("li").classes("atelier-card p-3 flex items-center gap-3"):
                        Text(f"{number}.", "span").classes("font-bold")
                        with ui.column().classes("gap-0 grow"):
                            Text(person.name, "span").classes("font-semibold")
                            Text(self.spoken_label(person), "span").classes("atelier-muted text-sm")
                        ui.button(_("Give the floor"), icon="record_voice_over",
                                  on_click=partial(self.give_floor, person.id)).props("unelevated dense")
                        labelled(ui.button(icon="do_not_touch", on_click=partial(self.lower_hand, person.id))
                                 .props("flat dense round"), _("Lower the hand of {name}", name=person.name))
            if queue:
                ui.button(_("Lower all hands"), on_click=lambda: self.act(self.live.lower_all_hands())).props(
                    "flat dense").classes("self-start")

    def microphones_card(self) -> None:
        """Who can be heard: built once, its switches and list then follow the run."""
        with ui.card().classes("atelier-card p-4 gap-2"):
            heading(_("Microphones and screens"), 2, looks_like=3)
            self.unmuting_switch = ui.switch(_("Participants may unmute themselves in the plenary"),
                                             value=self.live.state.unmuting_allowed, on_change=self.allow_unmuting)
            self.screen_switch = ui.switch(_("Whoever has the floor may share their screen"),
                                           value=self.live.state.floor_may_share_screen,
                                           on_change=self.allow_screen_sharing)
            with ui.row().classes("w-full items-center justify-between"):
                Text(_("Open microphones"), "p").classes("font-semibold")
                self.mute_everyone_button = ui.button(_("Mute everyone"), icon="mic_off",
                                                      on_click=lambda: self.act(self.live.mute_everyone())).props(
                    "outline dense")
            self.no_open_microphone = paragraph(_("Only the moderators can be heard."), muted=True)
            self.open_microphones = KeyedRows(ui.element("ul").classes("grid gap-2 list-none p-0 m-0"))

    def draw_microphones(self) -> None:
        state = self.live.state
        self.unmuting_switch.value = state.unmuting_allowed
        self.screen_switch.value = state.floor_may_share_screen
        heard = sorted((p for p in state.active_people() if state.heard(p.id)), key=lambda p: p.name.lower())
        self.no_open_microphone.set_visibility(not heard)
        self.mute_everyone_button.set_visibility(bool(heard))
        rows = []
        for person in heard:
            room_id = state.room_of(person.id)
            where = self.room_name(room_id) if room_id is not None else _("plenary")
            rows.append((person.id, (person.name, where), partial(self.microphone_row, person, where)))
        self.open_microphones.show(rows)

    def microphone_row(self, person: Person, where: str) -> ui.element:
        with ui.element("li").classes("atelier-card p-2 flex items-center gap-3") as row:
            ui.icon("mic").classes("text-positive").props('aria-hidden="true"')
            with ui.column().classes("gap-0 grow min-w-0"):
                Text(person.name, "span").classes("font-semibold")
                with ui.row().classes("gap-2 items-center"):
                    Text(where, "span").classes("atelier-muted text-sm")
                    mark = Text(_("speaking"), "span").classes("atelier-chip speaking-chip")
            mark.set_visibility(person.id in self.speaking)
            self.speaking_marks[person.id] = mark
            labelled(ui.button(_("Mute"), on_click=partial(self.mute, person.id)).props("flat dense"),
                     _("Mute {name}", name=person.name))
        return row

    def follow_speaking(self) -> None:
        """Mark who speaks now among the open microphones, in place: the rows and their buttons stay."""
        voices = self.services.media.speaking
        speaking = {person.id for person in self.live.state.active_people()
                    if media_link.participant(self.live, person.id) in voices}
        if speaking == self.speaking:
            return
        self.speaking = speaking
        for person_id, mark in list(self.speaking_marks.items()):
            if mark.is_deleted:
                del self.speaking_marks[person_id]
            else:
                mark.set_visibility(person_id in speaking)

    async def allow_unmuting(self, event: ValueChangeEventArguments) -> None:
        # The switch also changes when the board follows the run: only a change of the person's is a command.
        if bool(event.value) != self.live.state.unmuting_allowed:
            await self.act(self.live.allow_unmuting(bool(event.value)))

    async def allow_screen_sharing(self, event: ValueChangeEventArguments) -> None:
        if bool(event.value) != self.live.state.floor_may_share_screen:
            await self.act(self.live.allow_floor_screen_sharing(bool(event.value)))

    async def mute(self, participant_id: int) -> None:
        await self.act(self.live.mute(participant_id))

    async def jump(self, index: int, expected_index: int) -> None:
        await self.act(self.live.jump_to(index, expected_index))

    async def give_floor(self, participant_id: int) -> None:
        await self.act(self.live.give_floor(participant_id))

    async def lower_hand(self, participant_id: int) -> None:
        await self.act(self.live.lower_hand(participant_id, by_moderator=True))

    def spoken_label(self, person: Person) -> str:
        if not person.has_spoken and self.live.state.floor_holder != person.id:
            return _("Has not spoken yet")
        return ngettext("{count} turn, {time}", "{count} turns, {time}", person.turns,
                        time=clock_minutes(self.live.state.speaking_time(person, self.now)))

    def speaking_balance(self) -> None:
        heading(_("Speaking balance"), 2, looks_like=3)
        self.nobody_balance = paragraph(_("Nobody has joined yet."), muted=True)
        with ui.element("table").classes("w-full text-sm") as self.balance_table:
            with ui.element("thead"), ui.element("tr"):
                for title in (_("Participant"), _("Turns"), _("Time with the floor")):
                    Text(title, "th").classes("text-left font-semibold")
            self.balance = KeyedRows(ui.element("tbody"))

    def draw_balance(self) -> None:
        state = self.live.state
        now = self.now
        people = sorted(state.active_people(), key=lambda p: (state.speaking_time(p, now), p.name))
        self.nobody_balance.set_visibility(not people)
        self.balance_table.set_visibility(bool(people))
        not_yet = " · " + _("not yet")
        rows = []
        for person in people:
            time_with_floor = clock_minutes(state.speaking_time(person, now))
            if state.floor_holder == person.id:  # the stopwatch above counts this turn: no stale figure here
                time_with_floor = _("{time} + speaking now", time=clock_minutes(person.spoken))
            cells = (person.name + ("" if person.has_spoken else not_yet), person.has_spoken, str(person.turns),
                     time_with_floor)
            rows.append((person.id, cells, partial(self.balance_row, *cells)))
        self.balance.show(rows)

    @staticmethod
    def balance_row(name: str, has_spoken: bool, turns: str, time_with_floor: str) -> ui.element:
        with ui.element("tr") as row:
            Text(name, "td").classes("" if has_spoken else "font-semibold text-warning")
            Text(turns, "td")
            Text(time_with_floor, "td")
        return row

    # ------------------------------------------------------------ people

    def draw_people(self) -> None:
        state = self.live.state
        presence_labels = {Presence.ONLINE: _("online"), Presence.RECONNECTING: _("reconnecting"),
                           Presence.GONE: _("gone")}
        people = sorted(state.active_people(), key=lambda p: p.name.lower())
        self.nobody_joined.set_visibility(not people)
        rows = []
        for person in people:
            presence = self.live.presence(person.id)
            details = [presence_labels[presence]]
            room_id = state.room_of(person.id)
            if room_id is not None:
                details.append(self.room_name(room_id))
            if person.hand_raised_at is not None:
                details.append(_("hand raised"))
            if state.floor_holder == person.id:
                details.append(_("has the floor"))
            shown = (person.name, " · ".join(details), presence.value, person.arrival_answer)
            rows.append((person.id, shown, partial(self.person_row, person, *shown)))
        self.people.show(rows)

    def person_row(self, person: Person, name: str, details: str, presence: str, answer: str) -> ui.element:
        with ui.element("li").classes("atelier-card p-3 flex items-center gap-3") as row:
            with ui.column().classes("gap-0 grow min-w-0"):
                Text(name, "span").classes("font-semibold")
                Text(details, "span").classes(f"text-sm presence-{presence}")
                if answer:
                    Text(answer, "span").classes("atelier-muted text-sm atelier-text")
            labelled(ui.button(icon="person_remove", on_click=partial(self.confirm_remove, person))
                     .props("flat dense round"), _("Remove {name} from the session", name=name))
        return row

    def confirm_remove(self, person: Person) -> None:
        question = _("Remove {name} from the session?", name=person.name)
        with labelled(ui.dialog(), question) as dialog, ui.card().classes("p-6 gap-4"):
            Text(question, "p").classes("font-semibold")
            paragraph(_("They leave the workshop at once and cannot come back with the same link."), muted=True)
            with ui.row().classes("justify-end w-full gap-2"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")

                async def remove() -> None:
                    dialog.close()
                    await self.act(self.live.remove(person.id), _("{name} was removed.", name=person.name))

                ui.button(_("Remove"), on_click=remove).props("unelevated color=negative")
        dialog.open()

    # ------------------------------------------------------------ rooms

    def room_name(self, room_id: int) -> str:
        return next((room.name for room in self.found.plan.rooms if room.id == room_id), "")

    def room_lists(self) -> None:
        """What the Rooms tab keeps from one event to the next; `draw_rooms` fills it."""
        self.rooms_note = Text("", "p").classes("atelier-muted")
        self.room_cards = KeyedRows(ui.element("div").classes("grid gap-3"))
        self.room_members: dict[int, tuple[ui.element, KeyedRows]] = {}
        self.unplaced_heading = heading(_("Not placed yet"), 2, looks_like=3)
        self.unplaced_note = paragraph(_("They are placed to balance the rooms when the rooms open."), muted=True)
        self.unplaced = KeyedRows(ui.element("div").classes("grid gap-3"))
        if not self.found.plan.breakout_rooms:
            self.rooms_note.text = _("This workshop has no breakout room.")
            self.rooms_note.classes(add="atelier-text")
            self.unplaced_heading.set_visibility(False)
            self.unplaced_note.set_visibility(False)

    def draw_rooms(self) -> None:
        state = self.live.state
        plan = self.found.plan
        if not plan.breakout_rooms:
            return
        self.rooms_note.text = _("The rooms are open.") if state.rooms_open else _(
            "Everyone is in the plenary. Rooms open during a breakout step; participants shown here go to the room "
            "they chose or were given.")
        options = {room.id: room.name for room in plan.breakout_rooms}
        cards = []
        for room in plan.breakout_rooms:
            call = state.calls.get(room.id)
            caller = None
            if call is not None:
                person = state.people.get(call.participant_id)
                caller = person.name if person else "?"
            shown = (state.rooms_open, call is not None, caller)
            cards.append((room.id, shown, partial(self.room_card, room, *shown)))
        self.room_cards.show(cards)
        for room in plan.breakout_rooms:
            members = state.members(room.id)
            nobody, rows = self.room_members[room.id]
            nobody.set_visibility(not members)
            rows.show((person.id, person.name, partial(self.room_member_row, person, room.id, options, _("Move to"),
                                                       _("Move {name} to another room", name=person.name)))
                      for person in members)
        unplaced = [p for p in state.active_people() if p.room_id is None] if not state.rooms_open else []
        self.unplaced_heading.set_visibility(bool(unplaced))
        self.unplaced_note.set_visibility(bool(unplaced))
        self.unplaced.show((person.id, person.name, partial(self.room_member_row, person, None, options, _("Place in"),
                                                            _("Place {name} in a room", name=person.name)))
                           for person in unplaced)

    def room_card(self, room: Room, rooms_open: bool, called: bool, caller: str | None) -> ui.element:
        highlight = " border-2 border-amber-500" if called else ""
        with ui.card().classes("atelier-card w-full p-4 gap-2" + highlight) as card:
            with ui.row().classes("w-full items-center justify-between"):
                heading(room.name, 2, looks_like=3)
                if rooms_open:
                    ui.button(_("Visit"), icon="login", on_click=partial(self.visit, room.id)).props("outline dense")
            if caller is not None:
                Text(_("{name} is calling a moderator.", name=caller), "p").props('role="alert"').classes(
                    "font-semibold text-warning")
            if room.topic:
                Text(room.topic, "p").classes("atelier-muted text-sm")
            nobody = paragraph(_("Nobody in this room."), muted=True)
            self.room_members[room.id] = (nobody, KeyedRows(ui.element("div").classes("grid gap-2 w-full")))
        return card

    def room_member_row(self, person: Person, room_id: int | None, options: dict[int, str], label: str,
                        aria_label: str) -> ui.element:
        with ui.row().classes("w-full items-center justify-between gap-2") as row:
            Text(person.name, "span")
            mover = ui.select(options, value=room_id, label=label).props("dense outlined").classes("w-44")
            mover.props["aria-label"] = aria_label
            mover.on_value_change(self.mover(person.id))
        return row

    async def visit(self, room_id: int) -> None:
        """Open the room's stage in a new tab; a call from that room is answered by going."""
        await self.act(self.live.answer_call(room_id))
        ui.navigate.to(f"{self.found.path('live')}?room={room_id}", new_tab=True)

    def mover(self, participant_id: int) -> Callable[[object], Awaitable[None]]:
        async def move(event: object) -> None:
            room_id = getattr(event, "value", None)
            if room_id is not None:
                await self.act(self.live.move(participant_id, room_id))
        return move

    # ------------------------------------------------------------ messages

    def message_form(self) -> None:
        with ui.card().classes("atelier-card p-4 gap-3"):
            heading(_("Send a message"), 2, looks_like=3)
            text = ui.textarea(_("Message")).props("outlined autogrow maxlength=500").classes("w-full")
            audience = ui.radio({NoticeAudience.EVERYONE.value: _("To everyone"),
                                 NoticeAudience.ROOMS.value: _("To the breakout rooms only")},
                                value=NoticeAudience.EVERYONE.value).props("inline")
            audience.props["aria-label"] = _("Who receives it")

            async def send() -> None:
                try:
                    await self.live.broadcast(text.value or "", NoticeAudience(audience.value))
                except DomainError as problem:
                    text.error = translated(problem)
                    return
                text.error = None
                text.value = ""
                ui.notify(_("Message sent."))

            ui.button(_("Send"), icon="send", on_click=send).props("unelevated").classes("self-start")
