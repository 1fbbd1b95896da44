"""A step's activity in the wizard's agenda: which one participants do at this step, and its settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nicegui import ui

from domain import workshops
from domain.activities import Settings, activity_of, activity_types
from domain.models import Step
from ui.components import AnyField
from ui.i18n import _
from ui.live.activities import components_of
from ui.pages.wizard.shell import Wizard


@dataclass
class ActivityEditor:
    """What an activity's settings editor works with: the step, its settings as saved, and how to save them."""

    wizard: Wizard
    step: Step
    kind: str
    settings: Settings

    async def save(self, **changes: Any) -> None:
        """Save the activity with these settings changed; a refusal is raised, to show beside the field."""
        data = {**self.settings.model_dump(mode="json"), **changes}
        await workshops.update_step(self.step, "activity", {"kind": self.kind, **data})
        activity = activity_of(self.step)
        assert activity is not None
        self.settings = activity.settings

    def field(self, element: AnyField, name: str) -> AnyField:
        """Save the element's value as this setting whenever it changes, with the wizard's save status."""
        return self.wizard.field(element, lambda value: self.save(**{name: value}))


def activity_fields(wizard: Wizard, step: Step) -> None:
    """The activity select, and below it the chosen activity's own settings."""

    def options() -> dict[str, str]:
        return {"": _("None: listening and talking only")} | {
            kind: _(activity_type.label) for kind, activity_type in activity_types().items()
            if step.kind in activity_type.step_kinds}

    def chosen_kind() -> str:
        chosen = activity_of(step)
        return chosen.kind if chosen is not None else ""

    choice = ui.select(options(), value=chosen_kind(), label=_("Activity of participants")) \
        .props("outlined").classes("w-full sm:w-96")
    choice.props["hint"] = _("What participants do at this step beside talking: post ideas, ask questions, vote...")
    settings_area = ui.element("div").classes("grid gap-3 w-full")

    def show_settings() -> None:
        settings_area.clear()
        chosen = activity_of(step)
        components = components_of(chosen.kind) if chosen is not None else None
        if chosen is not None and components is not None and components.editor is not None:
            with settings_area:
                components.editor(ActivityEditor(wizard, step, chosen.kind, chosen.settings))

    async def choose(kind: str) -> None:
        if chosen_kind() == (kind or ""):
            return
        default = activity_types()[kind].default_settings().model_dump(mode="json") if kind else {}
        await workshops.update_step(step, "activity", {"kind": kind, **default} if kind else None)
        show_settings()

    def follow_the_kind() -> None:
        """A breakout step offers what suits rooms; an activity the new kind does not take was removed."""
        choice.set_options(options(), value=chosen_kind())

    wizard.field(choice, choose)
    wizard.on_change(follow_the_kind, owner=choice)
    show_settings()
