"""Text typed into something another organiser deleted meanwhile: kept above the part, offered back.

A step or a room can be put back where it was, with everything it held and the text being typed; for the rest
(a session, a question) the text is shown so that it can be copied elsewhere. Nothing goes until the organiser
lets it go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nicegui import ui

from domain import workshops
from domain.errors import DomainError
from domain.planning import WorkshopPlan
from ui.components import Text, translated
from ui.focus import key, move_focus
from ui.i18n import _
from ui.pages.wizard.together import preparers

if TYPE_CHECKING:
    from ui.pages.wizard.fields import FieldBinding
    from ui.pages.wizard.shell import Wizard


def field_label(name: str) -> str:
    """The name of a step's or room's field, for text kept after a reload (the field itself is gone)."""
    return {
        "title": _("Title of the step"), "objective": _("Objective (one per step)"),
        "context_info": _("Context for participants"),
        "expected_of_participants": _("What is expected of participants"),
        "moderator_script": _("Moderator's script"), "name": _("Name"), "topic": _("Topic"),
    }.get(name, name)


@dataclass
class Orphan:
    subject: str  # "step:12"
    by: str | None
    saved: dict[str, Any] | None  # the subject's fields as they were, when known
    position: int
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # field name: (its label, the text kept)
    draft_keys: set[str] = field(default_factory=set)
    drawn: bool = False

    @property
    def kind(self) -> str:
        return self.subject.split(":")[0]

    def heading(self) -> str:
        saved = self.saved or {}
        if self.kind == "step":
            title = saved.get("title") or _("Untitled step")
            return (_("{name} deleted the step “{title}” while you were writing in it.", name=self.by, title=title)
                    if self.by else _("The step “{title}” was deleted while you were writing in it.", title=title))
        if self.kind == "room":
            title = saved.get("name") or _("Untitled room")
            return (_("{name} removed the room “{title}” while you were writing in it.", name=self.by, title=title)
                    if self.by else _("The room “{title}” was removed while you were writing in it.", title=title))
        return _("What you were writing in was removed meanwhile.")


class Recovery:
    def __init__(self, wizard: Wizard) -> None:
        self.wizard = wizard
        self.orphans: dict[str, Orphan] = {}
        self._before: WorkshopPlan | None = None

    def render(self) -> None:
        self.slot = ui.element("div").classes("grid gap-3 w-full").props('aria-live="polite"')

    def snapshot(self, before: WorkshopPlan) -> None:
        """The plan as this page knew it before another's change: what a deleted subject held."""
        self._before = before

    def keep(self, binding: FieldBinding, text: Any, *, by: str | None) -> None:
        label = str(binding.element.props.get("label") or field_label(binding.name))
        self._add(self._orphan(binding.subject, by), binding.name, label, "" if text is None else str(text),
                  binding.draft_key)

    def keep_draft(self, draft_key: str, text: str) -> None:
        """A draft of a field no longer on the page: kept if its step or room is gone, else it is another part's."""
        _workshop, _colon, rest = draft_key.partition(":")
        subject, _colon, name = rest.rpartition(":")
        kind, _colon, number = subject.partition(":")
        plan = self.wizard.plan
        present = {"step": [step.id for step in plan.steps], "room": [room.id for room in plan.rooms]}
        if kind not in present or not number.isdigit() or int(number) in present[kind]:
            return
        deleted = preparers.deleted(self.wizard.workshop_id, subject)
        self._add(self._orphan(subject, deleted.by if deleted else None), name, field_label(name), text, draft_key)

    def _add(self, orphan: Orphan, name: str, label: str, text: str, draft_key: str) -> None:
        """Keep this text; the cards are drawn again only when it is new (a button being pressed stays)."""
        orphan.draft_keys.add(draft_key)
        if orphan.texts.get(name) != (label, text) or not orphan.drawn:
            orphan.texts[name] = (label, text)
            self._draw()

    def _orphan(self, subject: str, by: str | None) -> Orphan:
        if subject in self.orphans:
            return self.orphans[subject]
        saved, position = self._as_it_was(subject)
        deleted = preparers.deleted(self.wizard.workshop_id, subject)
        orphan = Orphan(subject, by or (deleted.by if deleted else None), saved, position)
        self.orphans[subject] = orphan
        return orphan

    def _as_it_was(self, subject: str) -> tuple[dict[str, Any] | None, int]:
        deleted = preparers.deleted(self.wizard.workshop_id, subject)
        if deleted is not None:
            return deleted.fields, deleted.position
        kind, _colon, number = subject.partition(":")
        for plan in (self._before, self.wizard.plan):
            items = (plan.steps if kind == "step" else plan.rooms if kind == "room" else []) if plan else []
            for item in items:
                if str(item.id) == number:
                    names = workshops.STEP_FIELDS if kind == "step" else workshops.ROOM_FIELDS
                    return {name: getattr(item, name) for name in names}, item.position
        return None, 10_000  # unknown: put back at the end

    # ------------------------------------------------------------ drawing and choosing

    def _draw(self) -> None:
        self.slot.clear()
        with self.slot:
            for orphan in self.orphans.values():
                self._card(orphan)
                orphan.drawn = True
        self.wizard.refresh_status()

    def _card(self, orphan: Orphan) -> None:
        with ui.element("div").classes("atelier-recovery grid gap-2 p-4 rounded-lg") as card:
            card.props(f'role="group" data-focus="{key("recovery", *orphan.subject.split(":"))}"')
            Text(orphan.heading(), "p").classes("font-semibold")
            Text(_("Your text is kept here until you choose."), "p").classes("text-sm")
            for label, text in orphan.texts.values():
                Text(label, "p").classes("text-sm atelier-muted")
                Text(text or _("(empty)"), "blockquote").classes("atelier-theirs").props('dir="auto"')
            message = Text("", "p").classes("text-negative").props('role="alert"')
            with ui.row().classes("gap-2"):
                if orphan.kind in ("step", "room"):
                    label = _("Restore the step with my text") if orphan.kind == "step" else \
                        _("Restore the room with my text")
                    ui.button(label, icon="restore",
                              on_click=lambda: self._restore(orphan, message)).props("unelevated")
                ui.button(_("Let it go"), icon="close", on_click=lambda: self._forget(orphan)).props("outline")

    async def _restore(self, orphan: Orphan, message: Text) -> None:
        with self.wizard.client:  # the button goes with the card: the page's language and elements
            async with self.wizard.busy:
                await self._put_back(orphan, message)

    async def _put_back(self, orphan: Orphan, message: Text) -> None:
        saved = {**(orphan.saved or {}), **{name: text for name, (_label, text) in orphan.texts.items()}}
        workshop = self.wizard.plan.workshop
        try:
            if orphan.kind == "step":
                made: Any = await workshops.restore_step(workshop, saved, orphan.position)
            else:
                made = await workshops.restore_room(workshop, saved, orphan.position)
        except DomainError as problem:
            message.text = translated(problem)
            return
        self._forget(orphan)
        await self.wizard.changed()
        await self.wizard.redraw_part()
        move_focus(self.wizard.client, key(orphan.kind, made.id, "title") if orphan.kind == "step" else
                   key("room", made.id))

    def _forget(self, orphan: Orphan) -> None:
        self.orphans.pop(orphan.subject, None)
        for draft_key in orphan.draft_keys:
            self.wizard.client.run_javascript(f"window.atelierDrafts?.drop({json.dumps(draft_key)})")
        self._draw()
