"""What every wizard part shares: the plan being edited, its review, the navigation and saving."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from nicegui import context, ui

from domain import planning, workshops
from domain.errors import DomainError
from domain.models import StaffAccount
from domain.planning import Issue, Part, Severity, WorkshopPlan
from ui.components import (
    AnyField,
    SaveStatus,
    Text,
    autosave,
    heading,
    issue_line,
    issues_for,
    labelled,
    status_chip,
    translated,
)
from ui.focus import move_focus
from ui.i18n import _, ngettext
from ui.services import Services

PART_ORDER = list(Part)
T = TypeVar("T")


def part_title(part: Part) -> str:
    return {
        Part.PURPOSE: _("Purpose"),
        Part.WHEN: _("Date and time"),
        Part.AGENDA: _("Agenda"),
        Part.WELCOME: _("Welcome and closing"),
        Part.ROOMS: _("Rooms"),
        Part.PARTICIPANTS: _("Participants"),
        Part.TEAM: _("Team"),
        Part.REVIEW: _("Review and publish"),
        Part.INVITATIONS: _("Invitations"),
    }[part]


def part_path(plan: WorkshopPlan, part: Part) -> str:
    return f"/organise/{plan.workshop.slug}/{part.value}"


class Wizard:
    """One organiser's view of one workshop, in one wizard part."""

    def __init__(self, services: Services, staff: StaffAccount, plan: WorkshopPlan, part: Part) -> None:
        self.services = services
        self.staff = staff
        self.plan = plan
        self.part = part
        self.issues: list[Issue] = planning.review(plan, services.clock.now())
        self._listeners: list[tuple[ui.element | None, Callable[[], Any]]] = []
        self.save_status: SaveStatus | None = None
        self.client = context.client  # handlers whose element a redraw removed still reach the page

    # ------------------------------------------------------------ layout

    async def render(self, body: Callable[[Wizard], Awaitable[None]]) -> None:
        with ui.row().classes("w-full items-center gap-2 text-sm atelier-muted"):
            ui.link(_("Workshops"), "/organise").classes("atelier-link")
            Text("/", "span").props('aria-hidden="true"')
            Text(_("Preparation"), "span")
        with ui.row().classes("w-full items-start justify-between gap-4 mt-1 mb-4"):
            with ui.column().classes("gap-1 min-w-0"):
                self.title_heading = heading(self.plan.workshop.title)
                with ui.row().classes("items-center gap-3"):
                    self.chip_slot = ui.element("span")
                    self._render_chip()
                    self.save_status = SaveStatus()
            with ui.row().classes("items-center gap-4 self-center"):
                ui.link(_("Preview the public page"), f"/organise/{self.plan.workshop.slug}/preview",
                        new_tab=True).classes("atelier-link")
                if self.plan.workshop.published_at is not None:
                    ui.link(_("Open the public page"), f"/w/{self.plan.workshop.slug}", new_tab=True).classes(
                        "atelier-link")
        with ui.element("div").classes("w-full grid gap-6 md:grid-cols-[15rem_1fr]"):
            self.nav_slot = labelled(ui.element("nav"), _("Parts of the preparation"))
            self._render_nav()
            with ui.element("section").classes("min-w-0") as section:
                labelled(section, part_title(self.part))
                heading(part_title(self.part), 2)
                await body(self)
                self._render_part_links()

    def _render_chip(self) -> None:
        self.chip_slot.clear()
        with self.chip_slot:
            status_chip(planning.status(self.plan, self.services.clock.now()),
                        archived=self.plan.workshop.archived_at is not None)

    def _render_nav(self) -> None:
        self.nav_slot.clear()
        with self.nav_slot, ui.element("ol").classes("wizard-nav list-none p-0 m-0 grid gap-1"):
            for number, part in enumerate(PART_ORDER, start=1):
                errors = [i for i in self.issues if i.part == part and i.severity == Severity.ERROR]
                warnings = [i for i in self.issues if i.part == part and i.severity == Severity.WARNING]
                with ui.element("li"):
                    link = ui.link(target=part_path(self.plan, part))
                    if part == self.part:
                        link.props('aria-current="page"')
                    with link:
                        Text(str(number), "span").classes("step-number")
                        Text(part_title(part), "span").classes("grow")
                        if errors:
                            ui.icon("error").classes("text-negative").props('aria-hidden="true"')
                            Text(ngettext("{count} thing to fix", "{count} things to fix", len(errors)),
                                 "span").classes("sr-only")
                        elif warnings:
                            ui.icon("lightbulb").classes("text-warning").props('aria-hidden="true"')
                            Text(ngettext("{count} piece of advice", "{count} pieces of advice", len(warnings)),
                                 "span").classes("sr-only")
                        elif part not in (Part.REVIEW, Part.INVITATIONS):  # actions rather than answers
                            ui.icon("check_circle").classes("text-positive").props('aria-hidden="true"')
                            Text(_("complete"), "span").classes("sr-only")

    def _render_part_links(self) -> None:
        index = PART_ORDER.index(self.part)
        with ui.row().classes("w-full justify-between mt-8"):
            if index > 0:
                previous = PART_ORDER[index - 1]
                ui.button(_("Previous: {part}", part=part_title(previous)), icon="arrow_back",
                          on_click=lambda: ui.navigate.to(part_path(self.plan, previous))).props("outline")
            else:
                ui.element("span")
            if index < len(PART_ORDER) - 1:
                following = PART_ORDER[index + 1]
                ui.button(_("Next: {part}", part=part_title(following)), icon="arrow_forward",
                          on_click=lambda: ui.navigate.to(part_path(self.plan, following))).props("unelevated")

    # ------------------------------------------------------------ saving and advice

    def on_change(self, listener: Callable[[], Any], owner: ui.element | None = None) -> None:
        """Call `listener` after every saved change, once the plan and its review are fresh.

        A listener whose `owner` element has left the page (a refreshed list) is dropped.
        """
        self._listeners.append((owner, listener))

    async def restructure(self, command: Awaitable[T], redraw: Callable[[], Awaitable[Any]],
                          focus: Callable[[T], Iterable[str]]) -> None:
        """Run a command that adds, moves or removes parts of the plan, redraw them, and put the focus on the first
        of the keys `focus` gives for what the command made. A command the domain refuses changes nothing: its
        reason is shown."""
        try:
            made = await command
        except DomainError as problem:
            ui.notify(translated(problem), type="warning")
            return
        await self.changed()
        await redraw()
        move_focus(self.client, *focus(made))

    async def changed(self) -> None:
        self.plan = await workshops.load_plan_by_id(self.plan.workshop.id)
        self.issues = planning.review(self.plan, self.services.clock.now())
        assert self.save_status is not None
        self.save_status.saved()
        self.title_heading.text = self.plan.workshop.title
        self._render_chip()
        self._render_nav()
        self._listeners = [(owner, listener) for owner, listener in self._listeners
                           if owner is None or not owner.is_deleted]
        for _owner, listener in list(self._listeners):
            result = listener()
            if result is not None:
                await result

    def field(self, element: AnyField, save: Callable[[Any], Awaitable[Any]]) -> AnyField:
        assert self.save_status is not None
        return autosave(element, save, self.save_status, after=self.changed)

    def advice(self, field: str, subject_id: int | None = None) -> None:
        """The review's messages about one field, kept up to date after each change."""
        slot = ui.element("div").classes("grid gap-1 w-full")

        def show() -> None:
            slot.clear()
            with slot:
                for issue in issues_for(self.issues, field, subject_id):
                    issue_line(issue)

        show()
        self.on_change(show, owner=slot)

    def issues_of(self, part: Part) -> list[Issue]:
        return [issue for issue in self.issues if issue.part == part]
