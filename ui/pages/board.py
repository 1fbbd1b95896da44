"""`/w/{slug}/moderate`: the moderator board, made for half a screen beside the stage.

Always in sight: the phase, the current step, its countdown and the step controls. Below,
in tabs: the script, the floor (hands and speaking balance), the people, the rooms, messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from fastapi import Response
from nicegui import context, ui

from domain.errors import DomainError
from domain.live.events import Aspect, LiveEvent, RunReset
from domain.live.session import Presence
from domain.live.state import NoticeAudience, Person
from domain.models import RunPhase, StaffAccount, StaffRole, StepKind, TeamRole
from ui import formatting
from ui.auth import check_staff
from ui.components import Text, heading, labelled, paragraph, translated
from ui.frame import page_frame
from ui.i18n import _, ngettext
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


class Board:
    def __init__(self, services: Services, found: LiveContext, staff: StaffAccount) -> None:
        self.services = services
        self.found = found
        self.live = found.live
        self.staff = staff
        self.least_spoken_first = False

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    async def act(self, command: Awaitable[object], done: str | None = None) -> None:
        """Run a command; a refusal (someone was quicker, nothing to do) is said, not raised."""
        try:
            await command
        except DomainError as problem:
            ui.notify(translated(problem), type="warning")
            return
        if done:
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
                    self.balance = ui.element("div").classes("grid gap-2")
                with ui.tab_panel("people").classes("p-0"):
                    self.people = ui.element("div").classes("grid gap-3")
                with ui.tab_panel("rooms").classes("p-0"):
                    self.rooms = ui.element("div").classes("grid gap-3")
                with ui.tab_panel("message").classes("p-0"):
                    self.message_form()
        self.draw_commands()
        self.draw_script()
        self.draw_floor()
        self.draw_balance()
        self.draw_people()
        self.draw_rooms()
        self.update_tab_badges()
        page_events(self.live).subscribe(self.on_event)

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

    def draw_commands(self) -> None:
        state = self.live.state
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
            timer = Timer(self.services.clock).classes("big")
            timer.show_countdown(state.countdown)
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
        with ui.dialog() as dialog, ui.card().classes("p-6 gap-4"):
            Text(_("End the workshop for everyone?"), "p").classes("font-semibold")
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
            heading(_("Team"), 3)
            with ui.element("ul").classes("list-none p-0 m-0"):
                for member in self.found.plan.team:
                    Text(f"{member.account.display_name} · {roles[member.role]}", "li")
            heading(_("Rehearse"), 3)
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
                heading(_("Raised hands"), 3)
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

    def draw_balance(self) -> None:
        self.balance.clear()
        with self.balance:
            self.speaking_balance()

    def speaking_balance(self) -> None:
        state = self.live.state
        heading(_("Speaking balance"), 3)
        people = sorted(state.active_people(), key=lambda p: (state.speaking_time(p, self.now), p.name))
        if not people:
            paragraph(_("Nobody has joined yet."), muted=True)
            return
        with ui.element("table").classes("w-full text-sm"):
            with ui.element("thead"), ui.element("tr"):
                for title in (_("Participant"), _("Turns"), _("Time with the floor")):
                    Text(title, "th").classes("text-left font-semibold")
            with ui.element("tbody"):
                for person in people:
                    with ui.element("tr"):
                        name = person.name + ("" if person.has_spoken else " · " + _("not yet"))
                        Text(name, "td").classes("" if person.has_spoken else "font-semibold text-warning")
                        Text(str(person.turns), "td")
                        Text(clock_minutes(state.speaking_time(person, self.now)), "td")

    # ------------------------------------------------------------ people

    def draw_people(self) -> None:
        state = self.live.state
        presence_labels = {Presence.ONLINE: _("online"), Presence.RECONNECTING: _("reconnecting"),
                           Presence.GONE: _("gone")}
        self.people.clear()
        with self.people:
            people = state.active_people()
            if not people:
                paragraph(_("Nobody has joined yet. Participants join from the public page of the workshop."),
                          muted=True)
            with ui.element("ul").classes("grid gap-2 list-none p-0 m-0"):
                for person in sorted(people, key=lambda p: p.name.lower()):
                    presence = self.live.presence(person.id)
                    with ui.element("li").classes("atelier-card p-3 flex items-center gap-3"):
                        with ui.column().classes("gap-0 grow min-w-0"):
                            Text(person.name, "span").classes("font-semibold")
                            details = [presence_labels[presence]]
                            room_id = state.room_of(person.id)
                            if room_id is not None:
                                details.append(self.room_name(room_id))
                            if person.hand_raised_at is not None:
                                details.append(_("hand raised"))
                            if state.floor_holder == person.id:
                                details.append(_("has the floor"))
                            Text(" · ".join(details), "span").classes(f"text-sm presence-{presence.value}")
                            if person.arrival_answer:
                                Text(person.arrival_answer, "span").classes("atelier-muted text-sm atelier-text")
                        labelled(ui.button(icon="person_remove", on_click=partial(self.confirm_remove, person))
                                 .props("flat dense round"), _("Remove {name} from the session", name=person.name))

    def confirm_remove(self, person: Person) -> None:
        with ui.dialog() as dialog, ui.card().classes("p-6 gap-4"):
            Text(_("Remove {name} from the session?", name=person.name), "p").classes("font-semibold")
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

    def draw_rooms(self) -> None:
        state = self.live.state
        plan = self.found.plan
        self.rooms.clear()
        with self.rooms:
            if not plan.breakout_rooms:
                paragraph(_("This workshop has no breakout room."), muted=True)
                return
            Text(_("The rooms are open.") if state.rooms_open else _("Everyone is in the plenary. Rooms open "
                 "during a breakout step; participants shown here go to the room they chose or were given."),
                 "p").classes("atelier-muted")
            options = {room.id: room.name for room in plan.breakout_rooms}
            for room in plan.breakout_rooms:
                call = state.calls.get(room.id)
                highlight = " border-2 border-amber-500" if call else ""
                with ui.card().classes("atelier-card w-full p-4 gap-2" + highlight):
                    with ui.row().classes("w-full items-center justify-between"):
                        heading(room.name, 3)
                        if state.rooms_open:
                            ui.button(_("Visit"), icon="login", on_click=partial(self.visit, room.id)).props(
                                "outline dense")
                    if call is not None:
                        caller = state.people.get(call.participant_id)
                        Text(_("{name} is calling a moderator.", name=caller.name if caller else "?"), "p").props(
                            'role="alert"').classes("font-semibold text-warning")
                    if room.topic:
                        Text(room.topic, "p").classes("atelier-muted text-sm")
                    members = state.members(room.id)
                    if not members:
                        paragraph(_("Nobody in this room."), muted=True)
                    for person in members:
                        with ui.row().classes("w-full items-center justify-between gap-2"):
                            Text(person.name, "span")
                            mover = ui.select(options, value=room.id, label=_("Move to")).props(
                                "dense outlined").classes("w-44")
                            mover.props["aria-label"] = _("Move {name} to another room", name=person.name)
                            mover.on_value_change(self.mover(person.id))
            unplaced = [p for p in state.active_people() if p.room_id is None]
            if unplaced and not state.rooms_open:
                heading(_("Not placed yet"), 3)
                paragraph(_("They are placed to balance the rooms when the rooms open."), muted=True)
                for person in unplaced:
                    with ui.row().classes("w-full items-center justify-between gap-2"):
                        Text(person.name, "span")
                        mover = ui.select(options, label=_("Place in")).props("dense outlined").classes("w-44")
                        mover.props["aria-label"] = _("Place {name} in a room", name=person.name)
                        mover.on_value_change(self.mover(person.id))

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
            heading(_("Send a message"), 3)
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
