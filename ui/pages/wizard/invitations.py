"""Part 9, invitations: the invitation's text with its preview, the list of invitees checked before sending,
and sending with its progress and what failed."""

from __future__ import annotations

from babel import Locale
from nicegui import app, run, ui
from nicegui.events import UploadEventArguments, ValueChangeEventArguments

from domain import invitations
from domain.errors import DomainError, InvalidValue
from domain.invitations import AlreadyThere, InviteeReview, Outcome
from domain.invitee_lists import InviteeList, read_csv, read_pasted
from domain.models import RegistrationStatus
from domain.planning import Part
from ui.components import Text, confirm, heading, labelled, paragraph, translated
from ui.focus import focus_key, key, move_focus
from ui.i18n import _, current_language, ngettext
from ui.pages.wizard.shell import Wizard, part_path, part_title

DRAFTS_KEY = "invitee_drafts"  # the pasted list per workshop, kept in the browser's storage until it is sent
OUTBOX_PATH = "/organise/outbox"
EXAMPLE_NAME = "Camille Martin"
EXAMPLE_ADDRESS = "camille.martin@example.org"
SHOWN_ROWS = 200
CHECK_LIST = key("check-list")
RESULT = key("sending-result")
RESTORE_TEXT = key("restore-text")


def status_label(status: RegistrationStatus) -> str:
    return {
        RegistrationStatus.INVITED: _("Invited, no answer yet"),
        RegistrationStatus.UNCONFIRMED: _("Registered, address not confirmed yet"),
        RegistrationStatus.CONFIRMED: _("Registered"),
        RegistrationStatus.WAITING: _("On the waiting list"),
        RegistrationStatus.CANCELLED: _("Cancelled"),
    }[status]


def language_in_words(language: str) -> str:
    """The workshop's language named in the reader's: "français", "French"."""
    return Locale.parse(language).get_display_name(current_language()) or language


def who(name: str, address: str) -> str:
    return f"{name} <{address}>" if name else address


def table(headers: list[str], rows: list[list[str]], *, problems: bool = False) -> ui.element:
    """A plain table whose every cell is text; returns the body, for rows that need more than text."""
    with ui.element("div").classes("w-full overflow-x-auto"), \
            ui.element("table").classes("atelier-table" + (" problems" if problems else "")):
        with ui.element("thead"), ui.element("tr"):
            for header in headers:
                Text(header, "th").props('scope="col"')
        with ui.element("tbody") as body:
            for row in rows:
                with ui.element("tr"):
                    for cell in row:
                        Text(cell, "td")
    return body


async def render(wizard: Wizard) -> None:
    paragraph(_("Invite the people you want to hear. Each receives the invitation in the workshop's language with "
                "a personal link that registers them in one click. Nothing is sent before you have checked the list "
                "and read the preview."), muted=True)
    InvitationsPage(wizard).build()


class InvitationsPage:
    """One organiser's page: the list last checked, the person previewed, the sending under way.

    The parts that redraw are methods (`refreshable_method`): each page redraws its own.
    """

    def __init__(self, wizard: Wizard) -> None:
        self.wizard = wizard
        self.review: InviteeReview | None = None
        self.listed: InviteeList | None = None
        self.file_name: str | None = None
        self.previewed = 0  # index in review.ready
        self.sending = False
        self.outcomes: list[Outcome] = []
        self.sent_again: set[int] = set()  # registrations invited again from this page
        self.last_total = 0  # how many the last sending was for

    def build(self) -> None:
        with ui.column().classes("w-full gap-6 mt-4"):
            self.text_section()
            self.list_section()
            with ui.column().classes("w-full gap-3"):
                heading(_("Preview"), 3)
                self.preview()
            self.wizard.on_change(self.preview.refresh)
            with ui.column().classes("w-full gap-3"):
                heading(_("Sending"), 3)
                self.sending_part()

    def redraw(self) -> None:
        self.results.refresh()
        self.preview.refresh()
        self.sending_part.refresh()

    # ------------------------------------------------------------ the text

    def text_section(self) -> None:
        wizard = self.wizard
        with ui.column().classes("w-full gap-3"):
            heading(_("The invitation"), 3)
            paragraph(_("In {language}, the language of the workshop. Suggested from your answers in the wizard: "
                        "what the workshop is for, why people are invited, how they contribute and what their "
                        "contributions are used for. Change it as you like.",
                        language=language_in_words(wizard.plan.workshop.language)), muted=True)
            text = invitations.text_to_send(wizard.plan)
            subject = ui.input(_("Subject"), value=text.subject).props(
                "outlined debounce=300").classes("w-full")
            wizard.field(subject, lambda value: invitations.edit_text(wizard.plan, "subject", value),
                         read=lambda plan: invitations.text_to_send(plan).subject, name="invitation_subject")
            body = ui.textarea(_("Message"), value=text.body).props("outlined autogrow debounce=300").classes("w-full")
            body.props["hint"] = _("The greeting with the person's name, the dates, what is needed to take part and "
                                   "the personal link are added around it: see the preview.")
            wizard.field(body, lambda value: invitations.edit_text(wizard.plan, "body", value),
                         read=lambda plan: invitations.text_to_send(plan).body, name="invitation_body")
            wizard.advice("invitation_body")

            async def restore() -> None:
                await invitations.use_suggested_text(wizard.plan.workshop)
                await wizard.changed()
                suggested = invitations.text_to_send(wizard.plan)
                subject.set_value(suggested.subject)
                body.set_value(suggested.body)
                move_focus(wizard.client, RESTORE_TEXT)

            focus_key(ui.button(_("Use the suggested text again"), icon="restart_alt", on_click=lambda: confirm(
                _("Use the suggested text again?"), _("Your changes to the subject and the message are replaced."),
                _("Use the suggested text"), restore)).props("flat"), RESTORE_TEXT)

    # ------------------------------------------------------------ the list

    def list_section(self) -> None:
        drafts: dict[str, str] = app.storage.user.setdefault(DRAFTS_KEY, {})
        workshop_key = str(self.wizard.plan.workshop.id)
        with ui.column().classes("w-full gap-3"):
            heading(_("Who to invite"), 3)
            paragraph(_("One person per line, names optional: “marie@ville.fr”, “Marie Dupont <marie@ville.fr>” or "
                        "“marie@ville.fr, Marie Dupont”; several on a line separated by “;”."), muted=True)
            self.pasted = pasted = ui.textarea(_("E-mail addresses"), value=drafts.get(workshop_key, "")).props(
                "outlined autogrow debounce=300").classes("w-full")
            pasted.on_value_change(lambda event: drafts.update({workshop_key: event.value or ""}))

            async def check_pasted() -> None:
                try:
                    listed = await run.io_bound(read_pasted, pasted.value or "")
                except InvalidValue as problem:
                    pasted.error = translated(problem)
                    return
                pasted.error = None
                if listed is not None:  # None: the server is stopping
                    await self.check(listed, None)

            async def uploaded(event: UploadEventArguments) -> None:
                try:
                    listed = await run.io_bound(read_csv, await event.file.read())
                except InvalidValue as problem:
                    upload_problem.text = translated(problem)
                    return
                upload_problem.text = ""
                upload.reset()
                if listed is not None:
                    await self.check(listed, event.file.name)

            with ui.row().classes("items-center gap-3"):
                focus_key(ui.button(_("Check the list"), icon="fact_check", on_click=check_pasted).props(
                    "unelevated"), CHECK_LIST)
                Text(_("or"), "span").classes("atelier-muted")
                # Quasar's uploader, out of sight: a plain button opens its file picker, in the browser, within the
                # click (a picker opened later, after a round trip to the server, may be refused by the browser).
                upload = ui.upload(auto_upload=True, on_upload=uploaded).props(
                    'accept=".csv,.txt,text/csv,text/plain"').classes("hidden")
                ui.button(_("Choose a CSV file"), icon="upload_file").props("outline").on(
                    "click", js_handler=f"() => getElement({upload.id}).$refs.qRef.pickFiles()")
            upload_problem = Text("", "p").classes("atelier-problem").props('role="alert"')
            paragraph(_("A CSV file from a spreadsheet: one person per line, their address in one column and, if you "
                        "like, their name in others; with or without a header line."), muted=True)
            self.results()

    async def check(self, listed: InviteeList, file_name: str | None) -> None:
        if self.sending:
            ui.notify(_("Wait until the invitations under way are sent."))
            return
        self.listed, self.file_name, self.previewed, self.outcomes, self.last_total = listed, file_name, 0, [], 0
        self.sent_again.clear()
        self.review = await invitations.review(self.wizard.plan.workshop, listed)
        self.redraw()

    @ui.refreshable_method
    def results(self) -> None:
        review = self.review
        with ui.column().classes("w-full gap-1").props('role="status" aria-live="polite"'):
            if review is not None:
                Text(" · ".join([
                    ngettext("{count} person ready to invite", "{count} people ready to invite", len(review.ready)),
                    ngettext("{count} line to correct", "{count} lines to correct", len(review.problems)),
                    ngettext("{count} already invited or registered", "{count} already invited or registered",
                             len(review.already)),
                ]), "p").classes("font-semibold")
                if self.listed is not None and self.file_name is not None:
                    delimiter = {";": _("semicolons"), ",": _("commas"), "\t": _("tabs")}[self.listed.delimiter or ","]
                    Text(_("{file}: read as {encoding}, cells separated by {delimiter}.", file=self.file_name,
                           encoding=self.listed.encoding or "UTF-8", delimiter=delimiter), "p").classes(
                        "atelier-muted text-sm")
        if review is None:
            return
        if review.problems:
            heading(_("To correct: these lines will not be sent"), 4)
            table([_("Line"), _("What was read"), _("Why")],
                  [[str(problem.line), problem.text, _(problem.message, **problem.params)]
                   for problem in review.problems[:SHOWN_ROWS]], problems=True)
            self.more(len(review.problems))
        if review.already:
            heading(_("Already invited or registered"), 4)
            self.already_table(review.already[:SHOWN_ROWS])
            self.more(len(review.already))
        if review.ready:
            heading(_("Ready to invite"), 4)
            table([_("Line"), _("Name"), _("Address")],
                  [[str(person.line), person.name, person.address] for person in review.ready[:SHOWN_ROWS]])
            self.more(len(review.ready))

    @staticmethod
    def more(count: int) -> None:
        """Long lists show their first rows: the page stays light whatever the list's length."""
        if count > SHOWN_ROWS:
            Text(_("… and {count} more.", count=count - SHOWN_ROWS), "p").classes("atelier-muted")

    def already_table(self, already: list[AlreadyThere]) -> None:
        body = table([_("Line"), _("Person"), _("Where they stand"), _("Action")], [])
        for index, person in enumerate(already):
            with body, ui.element("tr"):
                Text(str(person.invitee.line), "td")
                Text(who(person.invitee.name, person.invitee.address), "td")
                Text(status_label(person.status), "td")
                with ui.element("td"):
                    if person.registration_id in self.sent_again:
                        Text(_("Sent again"), "span").classes("text-positive")
                    elif person.may_be_invited_again:
                        following = [key("again", other.registration_id) for other in already[index + 1:]]
                        focus_key(labelled(
                            ui.button(_("Send the invitation again"),
                                      on_click=lambda person=person, following=following: self.send_again(
                                          person, following)).props("outline dense"),
                            _("Send the invitation again to {person}",
                              person=who(person.invitee.name, person.invitee.address))),
                            "again", person.registration_id)

    async def send_again(self, person: AlreadyThere, following: list[str]) -> None:
        wizard = self.wizard
        try:
            await invitations.send_again(wizard.plan, person.registration_id, clock=wizard.services.clock)
        except DomainError as problem:
            ui.notify(translated(problem), type="warning")
            return
        self.sent_again.add(person.registration_id)
        ui.notify(_("The invitation was sent again to {address}.", address=person.invitee.address), type="positive")
        self.results.refresh()
        move_focus(wizard.client, *following, CHECK_LIST)

    # ------------------------------------------------------------ the preview

    @ui.refreshable_method
    def preview(self) -> None:
        wizard = self.wizard
        ready = self.review.ready if self.review else []
        if ready:
            options = {index: who(person.name, person.address) for index, person in enumerate(ready[:SHOWN_ROWS])}
            self.previewed = min(self.previewed, len(options) - 1)
            chooser = ui.select(options, value=self.previewed, label=_("As received by")).props(
                "outlined").classes("w-full max-w-xl")
            chooser.on_value_change(self.choose)
            name, address = ready[self.previewed].name, ready[self.previewed].address
        else:
            paragraph(_("As an example person would receive it: check a list to see it with each invitee's name."),
                      muted=True)
            name, address = EXAMPLE_NAME, EXAMPLE_ADDRESS
        example_link = f"{wizard.services.public_url}/r/{wizard.services.personal_links.token('preview', 0)}"
        letter = invitations.letter(wizard.plan, invitations.text_to_send(wizard.plan), name=name, link=example_link,
                                    now=wizard.services.clock.now())
        with labelled(ui.element("article"), _("Preview of the invitation")).classes(
                "atelier-card w-full p-5 grid gap-3").props(f'lang="{wizard.plan.workshop.language}"'):
            with ui.element("dl").classes("grid gap-x-4 gap-y-1 md:grid-cols-[6rem_1fr] m-0 text-sm"):
                Text(_("To"), "dt").classes("atelier-muted")
                Text(who(name, address), "dd").classes("m-0")
                Text(_("Subject"), "dt").classes("atelier-muted")
                Text(letter.subject, "dd").classes("m-0 font-semibold")
            Text(letter.heading, "p").classes("text-lg font-semibold")
            Text(letter.greeting, "p")
            paragraph(letter.body)
            if letter.sessions:
                Text(letter.sessions_heading, "p").classes("font-semibold")
                with ui.element("ul").classes("list-disc pl-6 m-0"):
                    for line in letter.sessions:
                        Text(line, "li")
            Text(letter.needs_heading, "p").classes("font-semibold")
            Text(letter.needs, "p")
            Text(letter.action, "p").classes("font-semibold")
            Text(letter.link, "p").classes("break-all")
            Text(letter.link_note, "p")
            Text(letter.reason, "p").classes("atelier-muted text-sm border-t pt-2")
        Text(_("The link above is an example: each invitee's own link is made when the invitation is sent."),
             "p").classes("atelier-muted text-sm")

    def choose(self, event: ValueChangeEventArguments[int]) -> None:
        self.previewed = int(event.value or 0)
        self.preview.refresh()

    # ------------------------------------------------------------ sending

    @ui.refreshable_method
    def sending_part(self) -> None:
        wizard = self.wizard
        try:
            invitations.check_can_invite(wizard.plan, wizard.services.clock.now())
        except DomainError as problem:
            with ui.row().classes("items-center gap-3"):
                with ui.element("div").classes("atelier-problem"):
                    ui.icon("error").props('aria-hidden="true"')
                    Text(translated(problem), "span")
                ui.link(part_title(Part.REVIEW), part_path(wizard.plan, Part.REVIEW)).classes("atelier-link")
            return
        ready = self.review.ready if self.review else []
        # The progress of the last sending stays in view with its report, until another list is checked.
        done, total = len(self.outcomes), self.last_total
        with ui.column().classes("w-full gap-2") as progress:
            self.bar = ui.linear_progress(value=1 if total else 0, show_value=False).props('aria-hidden="true"')
            self.counter = Text(_("{done} of {total}", done=done, total=total) if total else "", "p").props(
                'role="status" aria-live="polite"')
        progress.set_visibility(self.sending or bool(total))
        self.progress = progress
        label = ngettext("Send {count} invitation", "Send {count} invitations", len(ready)) if ready \
            else _("Send the invitations")
        button = ui.button(label, icon="send", on_click=lambda: confirm(
            ngettext("Send {count} invitation now?", "Send {count} invitations now?", len(ready)),
            _("Each person receives the invitation with their personal link. You can follow the delivery on the "
              "outbox page."), _("Send"), self.send_all)).props("unelevated")
        if not ready or self.sending:
            button.disable()
        button.set_visibility(bool(ready) or not self.outcomes)  # after sending, the report comes first
        if not ready and not self.outcomes:
            Text(_("Check a list first: the people ready to invite are sent their invitation."), "p").classes(
                "atelier-muted text-sm")
        self.send_button = button
        if self.outcomes:
            self.report()

    async def send_all(self) -> None:
        wizard, review = self.wizard, self.review
        if review is None or self.sending:
            return
        people = list(review.ready)
        self.sending, self.last_total = True, len(people)
        self.send_button.disable()
        self.progress.set_visibility(True)
        outcomes: list[Outcome] = []
        step = max(1, len(people) // 20)  # the counter is a live region: some twenty announcements, not hundreds
        try:
            async for outcome in invitations.send(wizard.plan, people, links=wizard.services.personal_links,
                                                  clock=wizard.services.clock):
                outcomes.append(outcome)
                self.bar.value = len(outcomes) / len(people)
                if len(outcomes) % step == 0 or len(outcomes) == len(people):
                    self.counter.text = _("{done} of {total}", done=len(outcomes), total=len(people))
        except DomainError as problem:
            ui.notify(translated(problem), type="negative")
        self.sending = False
        self.outcomes = outcomes
        if self.file_name is None and outcomes and all(outcome.sent for outcome in outcomes):
            self.pasted.set_value("")  # the pasted list is sent: its draft goes too
        self.review = None
        self.redraw()
        move_focus(wizard.client, RESULT, CHECK_LIST)

    def report(self) -> None:
        sent = [outcome for outcome in self.outcomes if outcome.sent]
        failed = [outcome for outcome in self.outcomes if not outcome.sent]
        with ui.column().classes("w-full gap-1").props('role="status"'):
            Text(ngettext("{count} invitation is in the outbox, on its way.",
                          "{count} invitations are in the outbox, on their way.", len(sent)), "p").classes(
                "font-semibold text-positive")
            if failed:
                Text(ngettext("{count} invitation was not sent:", "{count} invitations were not sent:", len(failed)),
                     "p").classes("font-semibold text-negative")
        if failed:
            table([_("Line"), _("Person"), _("Why")],
                  [[str(outcome.invitee.line), who(outcome.invitee.name, outcome.invitee.address),
                    _(outcome.problem or "")] for outcome in failed], problems=True)
        focus_key(ui.link(_("Follow their delivery on the outbox page"), OUTBOX_PATH).classes("atelier-link"), RESULT)
