"""One wizard field bound to what is stored: saved as it changes, kept in step with the other organisers' saves,
and never reported saved when it was not.

Each field knows how to read its value from a plan (`read`, in the form the field shows) and how to save a new
one. It remembers the stored value it last agreed with (`stored`) and what it showed then (`shown`): a field
whose value differs from `shown`, or that has a draft in the browser (ui/static/drafts.js), holds text of its
organiser's that is not saved yet. When another organiser saves the same field meanwhile, nothing is overwritten
either way: the field keeps its text and shows theirs beside it, to keep one or the other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from nicegui import ui
from nicegui.elements.mixins.validation_element import ValidationElement
from nicegui.elements.mixins.value_element import ValueElement

from domain.planning import WorkshopPlan
from ui.components import Text
from ui.i18n import _

if TYPE_CHECKING:
    from ui.pages.wizard.shell import Wizard


class Missing:
    """What `read` gives when the field's subject (a step, a room...) is no longer in the plan."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = Missing()
Read = Callable[[WorkshopPlan], Any]
Save = Callable[[Any], Awaitable[Any]]


def fingerprint(value: Any) -> str:
    """A short digest of a stored value: a draft remembers the one it was typed over."""
    return hashlib.sha256(json.dumps(value, default=str, sort_keys=True).encode()).hexdigest()[:16]


def same(one: Any, other: Any) -> bool:
    """Values that are the same once saved: stored text has no surrounding spaces."""
    if isinstance(one, str) and isinstance(other, str):
        return one.strip() == other.strip()
    return bool(one == other)


def keeps_draft(element: ValueElement[Any]) -> bool:
    """Text typed freely is sent after a pause in typing, so the browser keeps it until saved."""
    return isinstance(element, (ui.input, ui.textarea)) and not isinstance(element, ui.number)


class FieldBinding:
    def __init__(self, wizard: Wizard, element: ValueElement[Any], subject: str, name: str, read: Read,
                 save: Save) -> None:
        self.wizard = wizard
        self.element = element
        self.subject = subject  # "workshop", "step:12", "room:5"...
        self.name = name
        self.read = read
        self.save = save
        self.stored: Any = read(wizard.plan)
        self.shown: Any = element.value
        self.problem: str | None = None  # why what the field holds is not saved
        self.theirs: Any = MISSING  # another organiser's saved value, while the field holds another
        self.draft_key = f"w{wizard.workshop_id}:{subject}:{name}"
        if keeps_draft(element):
            element.props["data-draft"] = self.draft_key
            self._set_base()
        parent = element.parent_slot.parent if element.parent_slot is not None else None
        self.notice = ui.element("div").classes("w-full grid gap-2 empty:hidden")
        if parent is not None:
            self.notice.move(parent, target_index=parent.default_slot.children.index(element) + 1)
        element.on_value_change(self._changed)

    @property
    def gone(self) -> bool:
        return self.element.is_deleted

    def holds_unsaved(self, drafts: dict[str, Any] | None) -> bool:
        """Whether the field holds text of its organiser's not saved yet; `drafts` are the browser's, None when
        the browser did not say (its text fields may then hold some)."""
        in_browser = keeps_draft(self.element) if drafts is None else self.draft_key in drafts
        return self.element.value != self.shown or in_browser or self.problem is not None

    async def _changed(self, event: Any) -> None:
        if event.value == self.shown and self.problem is None:
            return  # a value this page set itself: another organiser's, or theirs taken
        await self.wizard.save_field(self, event.value)

    # ------------------------------------------------------------ outcomes of a save

    def accepted(self, value: Any, stored: Any) -> None:
        self.shown, self.stored = value, stored
        self.problem, self.theirs = None, MISSING
        self._show_error(None)
        self.notice.clear()
        self._set_base()
        if keeps_draft(self.element):
            self.wizard.client.run_javascript(
                f"window.atelierDrafts?.saved({json.dumps(self.draft_key)}, {json.dumps(str(value))}, "
                f"{json.dumps(fingerprint(stored))})")

    def refused(self, message: str) -> None:
        self.problem = message
        self._show_error(message)

    def take(self, value: Any) -> None:
        """Show a value saved elsewhere, the field holding nothing of its own."""
        self.stored = self.shown = value
        self.problem, self.theirs = None, MISSING
        self._show_error(None)
        self.notice.clear()
        self._set_base()
        self.element.value = value  # heard by `_changed`, which sees it is the value shown
        if keeps_draft(self.element):
            self.wizard.client.run_javascript(f"window.atelierDrafts?.drop({json.dumps(self.draft_key)})")

    def conflict(self, theirs: Any, by: str | None) -> None:
        """Another organiser saved `theirs` while this field held other text: show both, the organiser chooses."""
        if self.theirs is not MISSING and self.theirs == theirs and self.notice.default_slot.children:
            return  # already shown: drawing it again would take the button someone is pressing
        self.theirs = theirs
        self.problem = (_("{name} saved another version while you were typing. Yours is not saved yet: "
                          "choose which to keep.", name=by) if by else
                        _("Someone else saved another version while you were typing. Yours is not saved yet: "
                          "choose which to keep."))
        self._show_error(None)
        self.notice.clear()
        with self.notice, ui.element("div").classes("atelier-conflict grid gap-2 p-3 rounded-lg") as box:
            box.props('role="group"')
            Text(self.problem, "p").classes("font-medium")
            Text(_("Their version:"), "p").classes("text-sm atelier-muted")
            Text(self._as_text(theirs), "blockquote").classes("atelier-theirs").props('dir="auto"')
            with ui.row().classes("gap-2"):
                ui.button(_("Keep mine"), icon="check", on_click=self._keep_mine).props("unelevated")
                ui.button(_("Use theirs"), icon="swap_horiz", on_click=self._use_theirs).props("outline")

    async def _keep_mine(self) -> None:
        with self.wizard.client:  # the button goes with the choice: the page's language and elements
            await self.wizard.save_field(self, self.element.value, overrule=True)

    def _use_theirs(self) -> None:
        with self.wizard.client:
            self.take(self.theirs)
            self.wizard.refresh_status()

    # ------------------------------------------------------------ helpers

    def _as_text(self, value: Any) -> str:
        if isinstance(self.element, ui.select | ui.radio) and isinstance(self.element.options, dict):
            return str(self.element.options.get(value, value))
        return str(value) if value not in (None, "") else _("(empty)")

    def _show_error(self, message: str | None) -> None:
        if isinstance(self.element, ValidationElement):
            self.element.error = message

    def _set_base(self) -> None:
        if keeps_draft(self.element):
            self.element.props["data-draft-base"] = fingerprint(self.stored)
            self.element.update()
