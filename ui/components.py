"""Small building blocks shared by the pages: text in semantic tags, chips, field saving, advice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from babel.numbers import format_decimal
from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement
from nicegui.elements.mixins.value_element import ValueElement

from domain.errors import DomainError
from domain.planning import Issue, Severity, Status
from ui.i18n import _, current_language

AnyElement = TypeVar("AnyElement", bound=ui.element)
AnyField = TypeVar("AnyField", bound=ValueElement[Any])  # inputs, selects, radios, switches...


class Text(TextElement, default_props='dir="auto"'):
    """Text in any HTML tag (h1, p, span, li...), always rendered as text, never as HTML.

    In the direction of its first letter (`dir="auto"`): a title or a message written in Arabic or Hebrew reads
    right to left, in a page that stays left to right.
    """

    def __init__(self, text: str, tag: str = "p") -> None:
        super().__init__(tag=tag, text=text)


def labelled(element: AnyElement, label: str) -> AnyElement:
    """Give an element its accessible name (for icon buttons, landmarks, regions)."""
    element.props["aria-label"] = label
    return element


def named_select(select: ui.select, name: str) -> ui.select:
    """Give a select an accessible name fuller than its visible label, such as whose role it sets.

    Quasar's QSelect names its combobox with its `label` prop only (an `aria-label` given to the component
    does not reach the combobox): the full name goes there, and the short visible label into the label slot.
    The name should start with the visible label (WCAG 2.5.3: what people see is what they can say).
    """
    visible = str(select.props.get("label", ""))
    select.props["label"] = name
    with select.add_slot("label"):
        Text(visible, "span")
    return select


def confirm(question: str, consequence: str, action: str, on_confirm: Callable[[], Awaitable[Any]], *,
            danger: bool = True) -> None:
    """Ask before an action that cannot be undone (or, not `danger`, that makes a lot at once): the question,
    what follows, Cancel or the action."""
    with labelled(ui.dialog(), question) as dialog, ui.card().classes("p-6 gap-4"):
        Text(question, "p").classes("font-semibold")
        paragraph(consequence, muted=True)
        with ui.row().classes("justify-end w-full gap-2"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")

            async def go() -> None:
                dialog.close()
                await on_confirm()

            # Outlined: axe-core misreads a filled button's background inside Quasar's dialog (as the page's).
            ui.button(action, on_click=go).props("outline color=negative" if danger else "outline")
    modal(dialog).open()


def modal(dialog: ui.dialog) -> ui.dialog:
    """Make the page behind the dialog inert while it is open, as WAI-ARIA asks of a modal dialog: out of reach
    of screen readers, of the keyboard and of checks. The dialog lives outside #app; the focus goes back into
    the page only once it is live again."""
    dialog.on("show", js_handler="() => document.getElementById('app').inert = true")
    dialog.on("before-hide", js_handler="() => document.getElementById('app').inert = false")
    return dialog


@contextmanager
def keyboard_menu(button: ui.button) -> Iterator[ui.menu]:
    """A menu opened by `button` that the keyboard follows, as menus do elsewhere (WAI-ARIA's menu button).

    It opens on Enter, Space or the down arrow with the focus on its first item; the arrows, Home and End
    move among the items (one Tab stop for the whole menu); Escape or Tab close it and the focus goes back
    to the button. Items are `ui.menu_item`s made inside the `with` block.
    """
    button.props('aria-haspopup="menu" aria-expanded="false"')
    with button, ui.menu() as menu:
        yield menu
    items = [child for child in menu.default_slot.children if isinstance(child, ui.menu_item)]
    for item in items:
        item.props('role="menuitem" tabindex="-1"')
    if items:
        items[0].props("autofocus")  # where Quasar puts the focus when the menu opens
    menu.on("keydown", js_handler="(event) => atelierMenuKeys(event)")
    menu.on("keydown.tab.prevent", menu.close)
    menu.on_value_change(lambda event: button.props(f'aria-expanded="{str(event.value).lower()}"'))
    button.on("keydown.down.prevent", menu.open)


def heading(text: str, level: int = 1, *, looks_like: int | None = None) -> Text:
    """A heading of this outline level, drawn like level `looks_like` where a smaller look fits better."""
    css = {1: "atelier-title", 2: "atelier-section"}.get(looks_like or level, "atelier-subsection")
    return Text(text, f"h{level}").classes(css)


def paragraph(text: str, *, muted: bool = False) -> Text:
    """A paragraph of user or catalog text; line breaks kept, markup never interpreted."""
    return Text(text).classes("atelier-text" + (" atelier-muted" if muted else ""))


def translated(error: DomainError) -> str:
    """The error's message in the reader's language; its numbers written as the language writes them (10,000 or
    10 000)."""
    return _(error.message, **{name: format_decimal(value, locale=current_language())
                               if isinstance(value, int) and not isinstance(value, bool) else value
                               for name, value in error.params.items()})


def status_chip(status: Status, *, archived: bool = False) -> Text:
    if archived:
        return Text(_("Archived"), "span").classes("atelier-chip archived")
    labels = {
        Status.DRAFT: _("Draft"),
        Status.PUBLISHED: _("Published"),
        Status.RUNNING: _("Running"),
        Status.FINISHED: _("Finished"),
    }
    return Text(labels[status], "span").classes(f"atelier-chip {status.value}")


def issue_line(issue: Issue) -> None:
    """One piece of advice or one problem, shown beside what it is about."""
    problem = issue.severity == Severity.ERROR
    with ui.element("div").classes("atelier-problem" if problem else "atelier-advice"):
        ui.icon("error" if problem else "lightbulb").props('aria-hidden="true"').classes("text-base")
        Text(_(issue.message, **issue.params), "span")


def issues_for(issues: Iterable[Issue], field: str, subject_id: int | None = None) -> list[Issue]:
    return [i for i in issues if i.field == field and i.subject_id == subject_id]


class SaveStatus:
    """A polite live region that tells whether everything typed is saved.

    While the browser holds text not yet sent (ui/static/drafts.js marks the region `data-pending`), the
    stylesheet shows "Saving…" instead.
    """

    def __init__(self) -> None:
        # Translated once here: the element that triggers a later save may be gone by then.
        self.saved_text = _("All changes saved")
        with ui.row().classes("items-center gap-1 atelier-muted text-sm atelier-save-status") as self.row:
            self.icon = ui.icon("cloud_done").props('aria-hidden="true"')
            self.label = Text(self.saved_text, "span").classes("atelier-save-done")
            Text(_("Saving…"), "span").classes("atelier-save-pending")
        self.row.props('role="status" aria-live="polite" data-draft-status')

    def saved(self) -> None:
        self.icon.name = "cloud_done"
        self.label.text = self.saved_text
        self.row.classes(remove="atelier-save-problem")

    def not_saved(self, reason: str) -> None:
        """Shown even while other text is being sent: it will not be saved until the organiser acts."""
        self.icon.name = "error_outline"
        self.label.text = reason
        self.row.classes(add="atelier-save-problem")
