"""What every wizard part shares: the plan being edited, its review, the navigation and saving."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from enum import Enum
from typing import Any, TypeVar

from nicegui import background_tasks, context, ui

from domain import planning, workshops
from domain.errors import DomainError
from domain.models import StaffAccount
from domain.planning import Issue, Part, Severity, WorkshopPlan
from ui import formatting
from ui.components import (
    AnyField,
    SaveStatus,
    Text,
    heading,
    issue_line,
    issues_for,
    labelled,
    status_chip,
    translated,
)
from ui.focus import move_focus
from ui.i18n import _, ngettext
from ui.pages.wizard.fields import MISSING, FieldBinding, Read, same
from ui.pages.wizard.recovery import Recovery
from ui.pages.wizard.together import Deleted, preparers
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


def plain(value: Any) -> Any:
    """A stored value in the form a field shows it: an option's value rather than its enum."""
    return value.value if isinstance(value, Enum) else value


def workshop_value(name: str) -> Read:
    return lambda plan: plain(getattr(plan.workshop, name))


def step_value(step_id: int, name: str) -> Read:
    return lambda plan: next((plain(getattr(step, name)) for step in plan.steps if step.id == step_id), MISSING)


def room_value(room_id: int, name: str) -> Read:
    return lambda plan: next((plain(getattr(room, name)) for room in plan.rooms if room.id == room_id), MISSING)


def structure(plan: WorkshopPlan) -> tuple[Any, ...]:
    """What a part's lists are drawn from: when another organiser changes it, the part is drawn again."""
    return (
        tuple((step.id, step.kind, (step.activity or {}).get("kind")) for step in plan.steps),
        tuple(room.id for room in plan.rooms),
        tuple(session.id for session in plan.sessions),
        tuple((question.get("id"), question.get("kind")) for question in plan.workshop.registration_questions or []),
        len(plan.workshop.feedback_questions or []),
        tuple(member.id for member in plan.team),
    )


class Wizard:
    """One organiser's view of one workshop, in one wizard part.

    Other organisers may prepare the same workshop at the same time (ui/pages/wizard/together.py): this page
    shows who, follows what they save, and never says saved what was not (ui/pages/wizard/fields.py).
    """

    def __init__(self, services: Services, staff: StaffAccount, plan: WorkshopPlan, part: Part) -> None:
        self.services = services
        self.staff = staff
        self.plan = plan
        self.part = part
        self.issues: list[Issue] = planning.review(plan, services.clock.now())
        self._listeners: list[tuple[ui.element | None, Callable[[], Any]]] = []
        self.bindings: list[FieldBinding] = []
        self.save_status: SaveStatus | None = None
        self.client = context.client  # handlers whose element a redraw removed still reach the page
        self._body: Callable[[Wizard], Awaitable[None]] | None = None
        self._following: asyncio.Task[None] | None = None
        self._follow_by: str | None = None
        self._follow_again = False
        self.recovery = Recovery(self)
        # What this page does with the plan goes one thing at a time: following another's edit, saving a field,
        # putting back a deleted step. Each reads what the browser holds and redraws from it; run together, one
        # would act on what the other already changed (text put back, then kept again as lost).
        self.busy = asyncio.Lock()

    @property
    def workshop_id(self) -> int:
        return self.plan.workshop.id

    # ------------------------------------------------------------ layout

    async def render(self, body: Callable[[Wizard], Awaitable[None]]) -> None:
        self._body = body
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
                self.presence = ui.element("div").classes("text-sm").props('role="status" aria-live="polite"')
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
                self.recovery.render()
                self.part_slot = ui.element("div").classes("w-full")
                with self.part_slot:
                    await body(self)
                self._render_part_links()
        preparers.join(self)
        self.client.on_delete(lambda: preparers.leave(self))
        self.others_changed()
        background_tasks.create(self._after_connecting(), name="wizard drafts")

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
        """Call `listener` after every saved change (this page's or another's), once the plan and its review
        are fresh. A listener whose `owner` element has left the page (a refreshed list) is dropped."""
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
        """This page saved a change: read the plan again, and show what follows from it."""
        before = self.plan
        self.plan = await workshops.load_plan_by_id(self.workshop_id)
        self._remember_deleted(before)
        await self._show_plan(by=None, drafts={})

    def field(self, element: AnyField, save: Callable[[Any], Awaitable[Any]], *, read: Read,
              subject: str = "workshop", name: str) -> AnyField:
        """Save the element's value as it changes; `read` finds the stored value in a plan (MISSING once the
        `subject`, such as "step:12", is gone), to follow other organisers' saves and notice conflicts."""
        self.bindings.append(FieldBinding(self, element, subject, name, read, save))
        return element

    async def save_field(self, binding: FieldBinding, value: Any, *, overrule: bool = False) -> None:
        """Save one field, unless what is stored changed since the field last agreed with it (another organiser
        saved it: the field then shows both) or its subject is gone (its text is offered back): only a save
        that happened is reported saved. `overrule` keeps this field's value over another's."""
        async with self.busy:
            await self._save_field(binding, value, overrule=overrule)

    async def _save_field(self, binding: FieldBinding, value: Any, *, overrule: bool) -> None:
        async with preparers.lock(self.workshop_id):
            fresh = await workshops.load_plan_by_id(self.workshop_id)
            stored_now = binding.read(fresh)
            if stored_now is MISSING:
                self.recovery.keep(binding, value, by=None)
                self.refresh_status()
                return
            if not same(stored_now, value):  # else saved meanwhile, by this page before a reload or by another
                if not overrule and (binding.theirs is not MISSING or stored_now != binding.stored):
                    binding.conflict(stored_now, self._follow_by if binding.theirs is MISSING else None)
                    self.refresh_status()
                    return
                try:
                    await binding.save(value)
                except DomainError as problem:
                    binding.refused(translated(problem))
                    self.refresh_status()
                    return
                fresh = await workshops.load_plan_by_id(self.workshop_id)
            self.plan = fresh
        binding.accepted(value, binding.read(self.plan))
        await self._show_plan(by=None, drafts={})

    def refresh_status(self) -> None:
        """Saved only when every field holds what is stored and no text waits to be restored."""
        assert self.save_status is not None
        self.bindings = [binding for binding in self.bindings if not binding.gone]
        problems = [binding.problem for binding in self.bindings if binding.problem]
        if self.recovery.orphans:
            self.save_status.not_saved(_("Not saved: some of your text waits for you above"))
        elif problems:
            self.save_status.not_saved(_("Not saved: see the message beside the field"))
        else:
            self.save_status.saved()
        self.client.run_javascript("window.atelierDrafts?.showPending()")  # fields may have come or gone

    async def _show_plan(self, *, by: str | None, drafts: dict[str, Any] | None) -> None:
        """Show the plan just read: the review, the header, the fields others changed, the advice. `drafts` are
        the browser's text not yet saved (None when it did not answer)."""
        self.issues = planning.review(self.plan, self.services.clock.now())
        self.title_heading.text = self.plan.workshop.title
        self._render_chip()
        self._render_nav()
        for binding in list(self.bindings):
            if binding.gone:
                continue
            stored = binding.read(self.plan)
            if stored is MISSING:
                if binding.holds_unsaved(drafts):
                    self.recovery.keep(binding, (drafts or {}).get(binding.draft_key, {}).get("value",
                                                                                             binding.element.value),
                                       by=by)
            elif stored != binding.stored:
                mine = (drafts or {}).get(binding.draft_key, {}).get("value", binding.element.value)
                if same(stored, mine):
                    binding.take(stored)
                elif binding.holds_unsaved(drafts):
                    binding.conflict(stored, by)
                else:
                    binding.take(stored)
        self._listeners = [(owner, listener) for owner, listener in self._listeners
                           if owner is None or not owner.is_deleted]
        for _owner, listener in list(self._listeners):
            result = listener()
            if result is not None:
                await result
        self.refresh_status()

    def _remember_deleted(self, before: WorkshopPlan) -> None:
        """Steps and rooms this page deleted, as they were, for whoever was typing in them."""
        for kind, old, new in (("step", before.steps, self.plan.steps), ("room", before.rooms, self.plan.rooms)):
            kept = {item.id for item in new}
            for item in old:
                if item.id not in kept:
                    saved = {name: plain(getattr(item, name)) for name in
                             (workshops.STEP_FIELDS if kind == "step" else workshops.ROOM_FIELDS)}
                    preparers.remember_deleted(self.workshop_id, f"{kind}:{item.id}",
                                               Deleted(self.staff.display_name, saved, item.position))

    # ------------------------------------------------------------ the other organisers

    def others_changed(self) -> None:
        if self.presence.is_deleted:
            return
        self.presence.clear()
        others = preparers.others(self)
        if not others:
            return
        with self.presence, ui.row().classes("items-center gap-2"):
            ui.icon("group").props('aria-hidden="true"')
            names = [_("{name} (in “{part}”)", name=other.staff.display_name if other.staff.id != self.staff.id
                       else _("you, in another tab"), part=part_title(other.part)) for other in others]
            Text(_("Also preparing this workshop: {names}", names=", ".join(names)), "span")

    def follow_edit(self, by: str | None) -> None:
        """Another page saved a change: show it here soon, once, however many came meanwhile."""
        self._follow_by = by
        if self._following is not None and not self._following.done():
            self._follow_again = True
            return
        self._following = background_tasks.create(self._follow(), name="wizard follows an edit")

    async def _follow(self) -> None:
        with self.client:  # a background task has no page of its own: this one's language and elements
            await self._follow_edits()

    async def _follow_edits(self) -> None:
        while True:
            self._follow_again = False
            by = self._follow_by
            if self.client.is_deleted:
                return
            async with self.busy:
                drafts = await self._drafts()
                before = self.plan
                self.plan = await workshops.load_plan_by_id(self.workshop_id)
                self.recovery.snapshot(before)
                await self._show_plan(by=by, drafts=drafts)
                if structure(before) != structure(self.plan):
                    await self.redraw_part()
                self._tell_saved_by(by)
            if not self._follow_again:
                return

    def _tell_saved_by(self, by: str | None) -> None:
        self.others_changed()
        time = formatting.clock_time(self.services.clock.now(), self.plan.workshop.time_zone)
        with self.presence:
            Text(_("{name} saved a change at {time}.", name=by, time=time) if by else
                 _("The workshop was changed elsewhere at {time}.", time=time), "p").classes("atelier-muted")

    async def redraw_part(self) -> None:
        """Draw the part again from the fresh plan: the focus, the open steps and the text still typed stay."""
        assert self._body is not None
        focused = await self._javascript("window.atelierDrafts?.focused()")
        opened = {element.props.get("data-focus") for element in self.part_slot.descendants()
                  if isinstance(element, ui.expansion) and element.value}
        self.bindings = []
        self.part_slot.clear()
        with self.part_slot:
            await self._body(self)
        for element in self.part_slot.descendants():
            if isinstance(element, ui.expansion) and element.props.get("data-focus") in opened:
                element.value = True
        await self._restore_drafts()
        if focused:
            self.client.run_javascript(f"window.atelierDrafts?.focus({json.dumps(focused)})")

    # ------------------------------------------------------------ text kept by the browser

    async def _after_connecting(self) -> None:
        await self.client.connected()
        with self.client:  # a background task has no page of its own: this one's language and elements
            async with self.busy:
                await self._restore_drafts()

    async def _drafts(self) -> dict[str, Any] | None:
        """The browser's text of this workshop not saved yet, by draft key; None if the browser did not answer."""
        found = await self._javascript(f"window.atelierDrafts?.pending({json.dumps(f'w{self.workshop_id}:')})")
        return found if isinstance(found, dict) else None

    async def _javascript(self, code: str) -> Any:
        try:
            return await self.client.run_javascript(code, timeout=5)
        except (TimeoutError, RuntimeError):
            return None  # the page went or does not answer: it has nothing to keep

    async def _restore_drafts(self) -> None:
        """Put back what the browser kept of this page's fields and had not been saved (a reload, a redraw)."""
        drafts = await self._drafts() or {}
        by_key = {binding.draft_key: binding for binding in self.bindings if not binding.gone}
        for draft_key, draft in drafts.items():
            binding = by_key.get(draft_key)
            if binding is None:
                self.recovery.keep_draft(draft_key, str(draft.get("value", "")))
            elif draft.get("value") == binding.shown or not str(draft.get("value", "")).strip():  # nothing to keep
                self.client.run_javascript(f"window.atelierDrafts?.drop({json.dumps(draft_key)})")
            elif draft.get("base") == binding.element.props.get("data-draft-base"):
                binding.element.value = draft.get("value")  # saved as if typed now
            else:
                binding.theirs = binding.stored
                binding.element.value = draft.get("value")
                binding.conflict(binding.stored, None)
        self.refresh_status()

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
