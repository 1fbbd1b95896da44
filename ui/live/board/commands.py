"""Always in sight on the board: the phase, the current step, its countdown, and the commands that move them."""

from __future__ import annotations

from collections.abc import Hashable

from nicegui import ui

from domain.live.events import Aspect
from domain.models import RunPhase, StepKind, TeamRole
from ui import formatting
from ui.components import Text, confirm, heading, paragraph
from ui.i18n import _, ngettext
from ui.live.board.view import BoardView
from ui.live.countdown import Timer
from ui.live.parts import LivePart


class CommandsPart(LivePart):
    """Redrawn only when its buttons change: a click crossing a redraw would be lost."""

    listens_to = frozenset({Aspect.PHASE, Aspect.STEP, Aspect.COUNTDOWN, Aspect.PEOPLE, Aspect.ROOMS, Aspect.PLAN})

    def __init__(self, view: BoardView) -> None:
        self.view = view
        self.card = ui.card().classes("atelier-card w-full p-4 gap-3")
        self.shown: Hashable = None
        self.timer: Timer | None = None
        self.redraw()

    def signature(self) -> Hashable:
        """What the bar shows, apart from the countdown (a timer updated in place)."""
        live = self.view.live
        state = live.state
        current, following, before = live.current_step, live.next_step_after, live.previous_step_before
        return (state.phase, state.step_id, live.step_index, len(live.steps), current.title if current else None,
                current.kind if current else None, live.current_step_removed,
                following.title if following else None, before is not None,
                state.countdown is not None and state.countdown.paused, state.rooms_open,
                tuple((member.account.display_name, member.role) for member in live.plan.team),
                len(state.active_people()) if state.phase == RunPhase.ENDED else None)

    def redraw(self) -> None:
        state = self.view.live.state
        signature = self.signature()
        if signature == self.shown:
            if self.timer is not None:
                self.timer.show_countdown(state.countdown)
            return
        self.shown = signature
        self.timer = None
        self.card.clear()
        with self.card:
            phase_text = {
                RunPhase.BACKSTAGE: _("Backstage: participants wait in the lobby."),
                RunPhase.OPEN: _("Doors open: participants are on the stage, the workshop has not started."),
                RunPhase.RUNNING: _("The workshop is running."),
                RunPhase.ENDED: _("The workshop has ended."),
            }[state.phase]
            Text(phase_text, "p").props('role="status"').classes("font-semibold")
            live, act = self.view.live, self.view.act
            if state.phase == RunPhase.BACKSTAGE:
                with ui.row().classes("gap-2"):
                    ui.button(_("Open the doors"), icon="door_front",
                              on_click=lambda: act(live.open_doors())).props("unelevated")
                    ui.button(_("Start the workshop"), icon="play_arrow",
                              on_click=lambda: act(live.start())).props("outline")
                self.backstage()
            elif state.phase == RunPhase.OPEN:
                ui.button(_("Start the workshop"), icon="play_arrow",
                          on_click=lambda: act(live.start())).props("unelevated")
            elif state.phase == RunPhase.RUNNING:
                self.step_controls()
            else:
                self.summary()

    def step_controls(self) -> None:
        live, act = self.view.live, self.view.act
        state = live.state
        step, index, current = live.current_step, live.step_index, state.step_id
        with ui.row().classes("w-full items-center justify-between gap-2 no-wrap"):
            with ui.column().classes("gap-0 min-w-0"):
                if index is not None:
                    Text(_("Step {number} of {total}", number=index + 1, total=len(live.steps)), "span").classes(
                        "atelier-muted text-sm")
                else:
                    Text(_("This step was removed from the agenda: it runs until you move on."), "span").classes(
                        "text-sm text-warning")
                Text(step.title if step else "", "span").classes("text-lg font-semibold")
            self.timer = Timer(self.view.services.clock).classes("big")
            self.timer.show_countdown(state.countdown)
        countdown = state.countdown
        with ui.row().classes("gap-2 items-center"):
            if countdown is not None and countdown.paused:
                ui.button(_("Resume"), icon="play_arrow", on_click=lambda: act(live.resume())).props("outline dense")
            else:
                ui.button(_("Pause"), icon="pause", on_click=lambda: act(live.pause())).props("outline dense")
            ui.button(_("+1 min"), on_click=lambda: act(live.extend(1))).props("outline dense")
            ui.button(_("+5 min"), on_click=lambda: act(live.extend(5))).props("outline dense")
        with ui.row().classes("gap-2 items-center"):
            if live.previous_step_before is not None:
                ui.button(_("Previous step"), icon="skip_previous",
                          on_click=lambda: act(live.previous_step(current))).props("outline")
            following = live.next_step_after
            if following is not None:
                ui.button(_("Next: {title}", title=following.title), icon="skip_next",
                          on_click=lambda: act(live.next_step(current))).props("unelevated")
            ui.button(_("End the workshop"), icon="stop", on_click=lambda: confirm(
                _("End the workshop for everyone?"), _("Participants see the thank-you message and the next dates."),
                _("End the workshop"), lambda: act(live.end()))).props("outline color=negative")
        if step is not None and step.kind == StepKind.BREAKOUT:
            self.room_commands()

    def room_commands(self) -> None:
        live, act = self.view.live, self.view.act
        with ui.row().classes("gap-2 items-center"):
            if live.state.rooms_open:
                ui.button(_("Close the rooms"), icon="meeting_room",
                          on_click=lambda: act(live.close_rooms())).props("outline")
                Text(_("Rooms close by themselves when the countdown ends."), "span").classes("atelier-muted text-sm")
            else:
                keep = ui.checkbox(_("Keep the groups of the last breakout"))
                ui.button(_("Open the rooms"), icon="meeting_room",
                          on_click=lambda: act(live.open_rooms(keep_groups=keep.value))).props("unelevated")

    def backstage(self) -> None:
        """Before the doors open: the team, and a rehearsal where every control can be tried."""
        view = self.view
        found, services = view.found, view.services
        roles = {TeamRole.LEAD_MODERATOR: _("Lead moderator"), TeamRole.CO_MODERATOR: _("Co-moderator")}
        with ui.element("div").classes("grid gap-2"):
            heading(_("Team"), 2, looks_like=3)
            with ui.element("ul").classes("list-none p-0 m-0"):
                for member in found.plan.team:
                    Text(f"{member.account.display_name} · {roles[member.role]}", "li")
            heading(_("Rehearse"), 2, looks_like=3)
            if found.run.rehearsal:
                link = f"{services.public_url}{found.path('lobby')}"
                paragraph(_("Colleagues join this rehearsal with this link:"), muted=True)
                Text(link, "p").classes("font-mono text-sm break-all")

                async def reset() -> None:
                    if not await view.actions.may_act():
                        return
                    fresh = await services.live.reset_rehearsal(found.session)
                    ui.navigate.to(f"/w/{found.slug}/rehearsal/{fresh.join_code}/moderate")

                with ui.row().classes("gap-2"):
                    ui.button(_("Copy the link"), icon="content_copy",
                              on_click=lambda: ui.clipboard.write(link)).props("flat dense")
                    ui.button(_("Reset the rehearsal"), icon="restart_alt", on_click=reset).props("flat dense")
                    ui.link(_("Back to the real session"), f"/w/{found.slug}/moderate").classes(
                        "atelier-link self-center")
            else:
                paragraph(_("Try every control with colleagues before the day: nothing in a rehearsal counts."),
                          muted=True)

                async def rehearse() -> None:
                    if not await view.actions.may_act():
                        return
                    run = await services.live.run_of(found.session, rehearsal=True)
                    ui.navigate.to(f"/w/{found.slug}/rehearsal/{run.join_code}/moderate")

                ui.button(_("Rehearse this workshop"), icon="theater_comedy", on_click=rehearse).props(
                    "outline dense").classes("self-start")

    def summary(self) -> None:
        state = self.view.live.state
        if state.started_at and state.ended_at:
            Text(_("Ran for {duration}.", duration=formatting.duration(
                int((state.ended_at - state.started_at).total_seconds() // 60))), "p")
        Text(ngettext("{count} participant took part.", "{count} participants took part.",
                      len(state.active_people())), "p")
