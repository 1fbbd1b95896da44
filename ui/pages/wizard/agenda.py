"""Part 3, agenda: ordered steps with one objective each, timed against the session's length."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, Protocol

from nicegui import ui

from domain import planning, workshops
from domain.models import Step, StepKind
from domain.planning import AgendaFit
from domain.step_templates import TEMPLATES
from ui import formatting
from ui.components import Text, confirm, keyboard_menu, labelled, paragraph
from ui.focus import focus_key, key, move_focus
from ui.i18n import _
from ui.pages.wizard.activity import activity_fields
from ui.pages.wizard.shell import Wizard, step_value

KIND_COLOURS = {StepKind.PLENARY: "#1e4fa3", StepKind.BREAKOUT: "#9d174d"}
ADD_STEP = key("add-step")


class Restructure(Protocol):
    """Runs a command that changes the list of steps, then redraws it and moves the focus to these keys."""

    async def __call__(self, command: Awaitable[Any], focus: Sequence[str] = ..., /) -> None: ...


def kind_label(kind: StepKind) -> str:
    return {StepKind.PLENARY: _("Plenary"), StepKind.BREAKOUT: _("Breakout rooms")}[kind]


async def render(wizard: Wizard) -> None:
    paragraph(_("Break the workshop into steps, each with a single objective or action. Share both context on "
                "the subject and practical information on what you expect of participants. Plan a little less "
                "than the session: the unexpected always takes some time."), muted=True)
    balance_card(wizard)
    wizard.advice("steps")

    @ui.refreshable
    async def steps(opened_step_id: int | None = None) -> None:
        offsets = planning.step_start_offsets(wizard.plan.steps)
        with ui.column().classes("w-full gap-3 mt-4"):
            for index, step in enumerate(wizard.plan.steps):
                step_card(wizard, step, index, offsets[index], opened=step.id == opened_step_id,
                          restructure=restructure)
        with ui.row().classes("gap-3 mt-4"):
            focus_key(ui.button(_("Add a blank step"), icon="add", on_click=lambda: restructure(
                workshops.add_step(wizard.plan.workshop))).props("outline"), ADD_STEP)
            with keyboard_menu(ui.button(_("Add from a template"), icon="library_add").props("outline")):
                for template in TEMPLATES.values():
                    ui.menu_item(f"{_(template.label)} · {formatting.duration(template.minutes)}",
                                 on_click=partial(add_template_step, template.key))

    async def add_template_step(template: str) -> None:
        await restructure(workshops.add_step(wizard.plan.workshop, template=template))

    async def restructure(command: Awaitable[Any], focus: Sequence[str] = (), /) -> None:
        """Run a command that changes the list of steps, then redraw it with the affected step open.

        The focus goes to the `focus` keys, or else to the title of the step the command returns (a new one).
        """
        result = await command
        await wizard.changed()
        opened = result.id if isinstance(result, Step) else None
        await steps.refresh(opened)
        move_focus(wizard.client, *(focus or ([key("step", opened, "title")] if opened is not None else [])), ADD_STEP)

    await steps()


def balance_card(wizard: Wizard) -> None:
    with ui.card().classes("atelier-card agenda-bar w-full p-4 gap-2 mt-4") as card:
        labelled(card, _("Agenda length"))
        summary = Text("", "p").classes("font-medium").props('aria-live="polite"')
        timeline = ui.element("div").classes("agenda-timeline w-full").props('aria-hidden="true"')
        legend = Text("", "p").classes("atelier-muted text-sm")

    def show() -> None:
        balance = planning.agenda_balance(wizard.plan)
        if balance.fit == AgendaFit.OVER:
            summary.text = _("{planned} planned for a {duration} session: {over} too many.",
                             planned=formatting.duration(balance.planned),
                             duration=formatting.duration(balance.duration),
                             over=formatting.duration(-balance.buffer))
        else:
            summary.text = _("{planned} planned for a {duration} session: {buffer} left for the unexpected.",
                             planned=formatting.duration(balance.planned),
                             duration=formatting.duration(balance.duration),
                             buffer=formatting.duration(balance.buffer))
        summary.classes(replace="font-medium " + {
            AgendaFit.OVER: "text-negative", AgendaFit.TIGHT: "text-warning", AgendaFit.COMFORTABLE: "text-positive"
        }[balance.fit])
        total = max(balance.duration, balance.planned, 1)
        timeline.clear()
        with timeline:
            for step in wizard.plan.steps:
                ui.element("div").style(
                    f"width:{100 * max(step.minutes, 0) / total:.2f}%;background:{KIND_COLOURS[step.kind]}")
        legend.text = _("Blue: plenary steps. Pink: breakout rooms. Grey: time left.")

    show()
    wizard.on_change(show, owner=card)


def step_card(
    wizard: Wizard,
    step: Step,
    index: int,
    offset: int,
    *,
    opened: bool,
    restructure: Restructure,
) -> None:
    count = len(wizard.plan.steps)
    with ui.card().classes("atelier-card w-full p-0 gap-0"), ui.expansion(value=opened).classes("w-full") as expansion:
        focus_key(expansion, "step", step.id)
        with expansion.add_slot("header"), ui.row().classes("w-full items-center gap-3 no-wrap py-1"):
            Text(str(index + 1), "span").classes("step-number font-bold text-lg w-6 text-center")
            with ui.column().classes("gap-0 grow min-w-0"):
                header_title = Text(step.title or _("Untitled step"), "span").classes("font-semibold")
                header_detail = Text("", "span").classes("atelier-muted text-sm")
            chip = Text(kind_label(step.kind), "span").classes(f"atelier-chip {step.kind.value}")
        step_fields(wizard, step)
        with ui.row().classes("w-full justify-end gap-1 px-4 pb-3"):
            # The focus stays on a moved step's button, so that pressing it again keeps moving the step.
            up_first = (key("step", step.id, "up"), key("step", step.id, "down"))
            buttons: dict[str, ui.button] = {}
            if index > 0:
                buttons["up"] = focus_key(ui.button(icon="arrow_upward", on_click=lambda: restructure(
                    _moved(step, -1), up_first)).props("flat round"), "step", step.id, "up")
            if index < count - 1:
                buttons["down"] = focus_key(ui.button(icon="arrow_downward", on_click=lambda: restructure(
                    _moved(step, 1), up_first[::-1])).props("flat round"), "step", step.id, "down")
            buttons["duplicate"] = ui.button(icon="content_copy", on_click=lambda: restructure(
                workshops.duplicate_step(step))).props("flat round")
            buttons["delete"] = ui.button(icon="delete", on_click=lambda: confirm_delete(
                wizard, step, restructure)).props("flat round")

        def refresh_header() -> None:
            """The header and the buttons' names follow the step as it is edited."""
            fresh = current(wizard, step)
            offsets = planning.step_start_offsets(wizard.plan.steps)
            start = offsets[wizard.plan.steps.index(fresh)] if fresh in wizard.plan.steps else offset
            title = fresh.title or _("Untitled step")
            header_title.text = title
            expansion.props["toggle-aria-label"] = _("Show or hide the step “{title}”", title=title)
            header_detail.text = step_timing(wizard, start, fresh.minutes)
            chip.text = kind_label(fresh.kind)
            chip.classes(replace=f"atelier-chip {fresh.kind.value}")
            names = {"up": _("Move “{title}” up", title=title), "down": _("Move “{title}” down", title=title),
                     "duplicate": _("Duplicate “{title}”", title=title), "delete": _("Delete “{title}”", title=title)}
            for name, button in buttons.items():
                labelled(button, names[name])

        refresh_header()
        wizard.on_change(refresh_header, owner=header_title)


def current(wizard: Wizard, step: Step) -> Step:
    """The step as last saved: the plan is reloaded after every change."""
    return next((s for s in wizard.plan.steps if s.id == step.id), step)


def step_timing(wizard: Wizard, start: int, minutes: int) -> str:
    """'10 min · 18:30–18:40' on the first session's clock, or '10 min · from +0 min' before any date is set."""
    if not wizard.plan.sessions:
        return _("{duration} · from +{start}", duration=formatting.duration(minutes), start=formatting.duration(start))
    first, zone = wizard.plan.sessions[0].starts_at, wizard.plan.workshop.time_zone
    return _("{duration} · {start}–{end}", duration=formatting.duration(minutes),
             start=formatting.offset_clock(first, start, zone),
             end=formatting.offset_clock(first, start + minutes, zone))


async def _moved(step: Step, offset: int) -> Step:
    await workshops.move_step(step, offset)
    return step


def step_fields(wizard: Wizard, step: Step) -> None:
    def saver(name: str) -> Callable[[Any], Awaitable[Any]]:
        return lambda value: workshops.update_step(step, name, value)

    def bind(element: Any, name: str) -> None:
        wizard.field(element, saver(name), read=step_value(step.id, name), subject=f"step:{step.id}", name=name)

    with ui.column().classes("w-full gap-4 px-4 pb-2"):
        with ui.row().classes("w-full gap-4 items-start"):
            title = focus_key(ui.input(_("Title of the step"), value=step.title).props(
                "outlined debounce=300").classes("grow min-w-[14rem]"), "step", step.id, "title")
            bind(title, "title")
            minutes = ui.number(_("Minutes"), value=step.minutes, step=5).props(
                "outlined").classes("w-32")
            bind(minutes, "minutes")
            kind = ui.select({StepKind.PLENARY.value: _("Plenary"), StepKind.BREAKOUT.value: _("Breakout rooms")},
                             value=step.kind.value, label=_("Kind")).props("outlined").classes("w-48")
            bind(kind, "kind")
        wizard.advice("title", step.id)
        wizard.advice("minutes", step.id)
        objective = ui.input(_("Objective (one per step)"), value=step.objective).props(
            "outlined debounce=300").classes("w-full")
        bind(objective, "objective")
        wizard.advice("objective", step.id)
        activity_fields(wizard, step)
        for name, label, hint in (
            ("context_info", _("Context for participants"),
             _("What participants need to know about the subject at this step.")),
            ("expected_of_participants", _("What is expected of participants"),
             _("Practical information: what to do, how to take part.")),
            ("moderator_script", _("Moderator's script"),
             _("What you will say and do. Only the team sees it.")),
        ):
            area = ui.textarea(label, value=getattr(step, name)).props("outlined autogrow debounce=300").classes(
                "w-full")
            area.props["hint"] = hint
            bind(area, name)
        wizard.advice("moderator_script", step.id)


def confirm_delete(wizard: Wizard, step: Step, restructure: Restructure) -> None:
    """Ask first; once deleted, the focus goes to the next step, or the one before, or the add button."""
    ids = [s.id for s in wizard.plan.steps]
    neighbours = ids[ids.index(step.id) + 1:][:1] + ids[:ids.index(step.id)][-1:] if step.id in ids else []
    confirm(_("Delete the step “{title}”?", title=current(wizard, step).title or _("Untitled step")),
            _("Its texts and script are deleted with it."), _("Delete"),
            lambda: restructure(workshops.delete_step(step), [key("step", i) for i in neighbours]))
