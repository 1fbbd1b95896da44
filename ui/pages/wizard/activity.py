"""A step's activity in the wizard's agenda: which one participants do at this step, and its settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nicegui import ui

from domain import workshops
from domain.activities import Settings, activity_of, activity_types
from domain.models import Step
from domain.planning import WorkshopPlan
from ui.components import AnyField
from ui.i18n import _
from ui.live.activities import components_of
from ui.pages.wizard.fields import MISSING
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

    def field(self, element: AnyField, name: str, *, save: Callable[[Any], Awaitable[Any]] | None = None,
              shown: Callable[[Any], Any] = lambda value: value) -> AnyField:
        """Save the element's value as this setting whenever it changes, with the wizard's save status: by
        `save` when the field's value is not the setting itself, which `shown` then turns into the field's."""
        step_id = self.step.id

        def read(plan: WorkshopPlan) -> Any:
            step = next((step for step in plan.steps if step.id == step_id), None)
            return MISSING if step is None else shown((step.activity or {}).get(name))

        return self.wizard.field(element, save or (lambda value: self.save(**{name: value})), read=read,
                                 subject=f"step:{step_id}", name=f"activity-{name}")


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

    wizard.field(choice, choose, read=lambda plan: next(
        ((s.activity or {}).get("kind", "") for s in plan.steps if s.id == step.id), MISSING),
        subject=f"step:{step.id}", name="activity")
    wizard.on_change(follow_the_kind, owner=choice)
    show_settings()
