"""The registration form on a workshop's public page (/w/{slug}), for workshops that take registrations there.

Nothing typed is lost when something is refused: every field keeps its value and shows its message beside it, and
the focus goes to the first one to look at again. Once sent, the form gives way to "check your e-mail", whether
the address was known or not (domain/registrations.py never tells).
"""

from __future__ import annotations

from typing import Any

from nicegui import context, ui

from domain import workshops
from domain.errors import DomainError
from domain.models import WorkshopSession
from domain.planning import WorkshopPlan
from domain.questions import Question, QuestionKind, asked_on_the_form
from domain.registrations import InvalidForm, PublicForm, open_sessions, places
from ui import formatting
from ui.components import Text, heading, paragraph, translated
from ui.focus import focus_key, key, move_focus
from ui.i18n import _, current_language, ngettext
from ui.services import Services

SENT_HEADING_ID = "registration-sent"


def places_text(left: int | None) -> str:
    """What a session's places say beside its date: how many are left, or that it has a waiting list."""
    if left is None:
        return ""
    if left == 0:
        return _("full: waiting list")
    return ngettext("{count} place left", "{count} places left", left)


def session_label(plan: WorkshopPlan, session: WorkshopSession, left: int | None, zone: str) -> str:
    when = formatting.session_when(session.starts_at, plan.workshop.duration_minutes, zone)
    extra = places_text(left)
    return f"{when} · {extra}" if extra else when


class Fieldset:
    """A group of choices with its legend (radios, boxes to tick) and a place for its message."""

    def __init__(self, legend: str, field: str) -> None:
        self.element = focus_key(ui.element("fieldset").classes("atelier-fieldset"), key("register", field))
        with self.element:
            Text(legend, "legend").classes("font-semibold")
            self.content = ui.element("div").classes("grid gap-1")
            self.problem = Text("", "p").classes("atelier-problem")

    def show(self, message: str | None) -> None:
        self.problem.text = message or ""


class QuestionInputs:
    """The organiser's registration questions as inputs (every answer optional), each with its place for a message
    in `messages` (field -> input or Fieldset)."""

    def __init__(self, plan: WorkshopPlan, messages: dict[str, Any], answers: dict[str, Any] | None = None) -> None:
        self.plan = plan
        self.messages = messages
        given = answers or {}
        self.controls = {question.id: self.question(question, given.get(question.id))
                         for question in asked_on_the_form(plan)}

    def question(self, question: Question, given: Any) -> Any:
        field = question.field
        if question.kind == QuestionKind.TEXT:
            area = focus_key(ui.textarea(question.text, value=given or "").props(
                "outlined autogrow maxlength=1000").classes("w-full"), key("register", field))
            area.props["hint"] = _("Optional")
            self.messages[field] = area
            return area
        group = Fieldset(question.text, field)
        self.messages[field] = group
        with group.content:
            if question.kind == QuestionKind.CHOICE:
                Text(_("Optional: one answer"), "p").classes("atelier-muted text-sm")
                return ui.radio(list(question.choices), value=given if given in question.choices else None)
            Text(_("Optional: as many as you like"), "p").classes("atelier-muted text-sm")
            chosen = given if isinstance(given, list) else []
            return {room.id: ui.checkbox(room.name, value=room.id in chosen) for room in self.plan.breakout_rooms}

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for question_id, control in self.controls.items():
            if isinstance(control, dict):
                values[question_id] = [room_id for room_id, box in control.items() if box.value]
            else:
                values[question_id] = control.value
        return values


def show_message(messages: dict[str, Any], field: str, message: str | None) -> None:
    """Show (or clear, with None) the message beside the field's input or group."""
    target = messages.get(field)
    if isinstance(target, Fieldset):
        target.show(message)
    elif target is not None:
        target.error = message


class RegistrationForm:
    """The form, then "check your e-mail". Built once per page; `in_zone` restates the times in the visitor's zone."""

    def __init__(self, services: Services, plan: WorkshopPlan, places: dict[int, int | None], *,
                 preview: bool = False) -> None:
        self.services = services
        self.preview = preview  # the organisers' preview: the form as it will be, registering nobody
        self.plan = plan
        self.places = places
        self.client = context.client
        self.language = current_language()
        request = self.client.request
        self.network_address = request.client.host if request is not None and request.client else None
        self.zone = plan.workshop.time_zone
        self.messages: dict[str, Any] = {}  # field -> the input or fieldset that shows its message
        self.session: ui.radio | None = None
        self.zone_note: Text | None = None
        self.card = focus_key(ui.card().classes("atelier-card p-5 gap-4").props('id="register" tabindex="-1"'),
                              key("register"))
        self.form()

    # ------------------------------------------------------------ the form

    def form(self) -> None:
        self.card.clear()
        self.messages = {}
        now = self.services.clock.now()
        sessions = open_sessions(self.plan, now)
        with self.card:
            heading(_("Register"), 2)
            if not sessions:
                paragraph(_("No session is open for registration at the moment."), muted=True)
                return
            paragraph(_("We send you an e-mail to confirm your address: your place is kept once you follow its "
                        "link."), muted=True)
            with ui.element("div").classes("grid gap-5"):
                self.session_choice(sessions)
                self.name = focus_key(ui.input(_("Your name")).props(
                    "outlined maxlength=80 autocomplete=name").classes("w-full"), key("register", "name"))
                self.name.props["hint"] = _("Shown to the other participants during the workshop. Your first name "
                                            "is enough.")
                self.messages["name"] = self.name
                self.email = focus_key(ui.input(_("Your e-mail address")).props(
                    "type=email outlined maxlength=254 autocomplete=email").classes("w-full"),
                    key("register", "email"))
                self.email.props["hint"] = _("For the confirmation of your registration and the reminders.")
                self.messages["email"] = self.email
                self.questions = QuestionInputs(self.plan, self.messages)
                self.consent_box()
                self.hidden_field()
                self.alert = Text("", "p").props('role="alert"').classes("atelier-problem")
                register = ui.button(_("Register"), icon="how_to_reg", on_click=self.submit).props(
                    "unelevated").classes("justify-self-start")
                if self.preview:
                    register.disable()
                    Text(_("Registering is not possible from the preview."), "p").classes("atelier-muted text-sm")

    def session_choice(self, sessions: list[WorkshopSession]) -> None:
        group = Fieldset(_("Session"), "session")
        with group.content:
            self.session = ui.radio(self.session_options(sessions),
                                    value=sessions[0].id if len(sessions) == 1 else None)
            self.zone_note = Text(_("Times in {zone}.", zone=formatting.zone_name(self.zone, sessions[0].starts_at)),
                                  "p").classes("atelier-muted text-sm")
        self.messages["session"] = group

    def session_options(self, sessions: list[WorkshopSession]) -> dict[int, str]:
        return {session.id: session_label(self.plan, session, self.places.get(session.id), self.zone)
                for session in sessions}

    def in_zone(self, zone: str) -> None:
        """Restate the sessions' times in the visitor's zone, once the browser has told it."""
        self.zone = zone
        if self.session is None or self.session.is_deleted:
            return
        sessions = open_sessions(self.plan, self.services.clock.now())
        self.session.set_options(self.session_options(sessions), value=self.session.value)
        if self.zone_note is not None and sessions:
            self.zone_note.text = _("Times in {zone}.", zone=formatting.zone_name(zone, sessions[0].starts_at))

    def consent_box(self) -> None:
        group = Fieldset(_("Your personal data"), "consent")
        with group.content:
            paragraph(_("The organisers keep your name, your e-mail address and your answers to organise this "
                        "workshop and tell you about it. Nobody else sees them, except your name during the workshop. "
                        "They are deleted {days} days after the workshop.",
                        days=self.plan.workshop.personal_data_kept_days))
            self.consent = ui.checkbox(_("I agree"))
        self.messages["consent"] = group

    def hidden_field(self) -> None:
        """A field people never see nor reach (out of sight, out of the keyboard's path, hidden from screen
        readers): a form that comes with it filled in was sent by a bot."""
        with ui.element("div").classes("atelier-trap").props('aria-hidden="true"'):
            self.trap = ui.input("Website").props('tabindex="-1" autocomplete="off"')

    # ------------------------------------------------------------ sending

    def show(self, field: str, message: str | None) -> None:
        show_message(self.messages, field, message)

    async def submit(self) -> None:
        if self.preview:  # the button is disabled; a page that sends its click anyway registers nobody
            self.alert.text = _("Registering is not possible from the preview.")
            return
        for field in self.messages:
            self.show(field, None)
        self.alert.text = ""
        email = (self.email.value or "").strip()
        form = PublicForm(session_id=self.session.value if self.session is not None else None,
                          name=self.name.value or "", email=email, answers=self.questions.values(),
                          consent=bool(self.consent.value), trap=self.trap.value or "")
        plan = await workshops.published_plan(self.plan.workshop.slug)
        if plan is None:  # unpublished since the page was opened
            self.alert.text = _("This workshop does not take registrations on its page.")
            return
        try:
            await self.services.registrations.register(plan, form, language=self.language,
                                                       network_address=self.network_address)
        except InvalidForm as refused:
            for problem in refused.problems:
                self.show(problem.field or "", translated(problem))
            self.alert.text = translated(refused)
            move_focus(self.client, *(key("register", problem.field or "") for problem in refused.problems))
            return
        except DomainError as refused:  # no longer taking registrations, too many from this network
            self.alert.text = translated(refused)
            return
        self.sent(email)

    def sent(self, email: str) -> None:
        self.card.clear()
        with self.card:
            heading(_("Check your e-mail"), 2).props(f'id="{SENT_HEADING_ID}" tabindex="-1"')
            Text(_("We have sent a message to {email}. Follow the link in it to confirm your address: your place is "
                   "kept only then.", email=email), "p").props('role="status"').classes("atelier-text")
            paragraph(_("It may take a few minutes. Nothing after a while? Look in your spam folder, or check the "
                        "address and register again."), muted=True)
            ui.button(_("Register someone else"), on_click=self.again).props("outline").classes("self-start")
        self.client.run_javascript(f"document.getElementById('{SENT_HEADING_ID}')?.focus()")

    async def again(self) -> None:
        fresh = await workshops.published_plan(self.plan.workshop.slug)
        if fresh is not None:
            self.plan = fresh
        self.places = await places(self.plan, self.services.clock.now())
        self.form()
        self.in_zone(self.zone)
        move_focus(self.client, key("register", "name"))
