"""`/organise/staff`: organisers create their colleagues' accounts, and disable, enable, reset, sign out or change
the role of an existing one; every change is listed in the recent changes at the bottom of the page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from fastapi import Response
from nicegui import ui

from domain import accounts, workshops
from domain.errors import DomainError, InvalidValue, NotFound
from domain.models import StaffAccount, StaffAction, StaffAuditEntry, StaffRole
from domain.planning import Part, WorkshopPlan
from ui import formatting
from ui.auth import ACCOUNT_PAGE, check_staff
from ui.components import Text, heading, labelled, modal, paragraph, translated
from ui.frame import page_frame
from ui.i18n import _, ngettext
from ui.pages.account import PASSWORD_FIELD, password_hint
from ui.services import Services

RESULT_ID = "staff-result"
MAX_SLUG_LENGTH = 100


def role_label(role: StaffRole) -> str:
    return {StaffRole.ORGANISER: _("Organiser"), StaffRole.MODERATOR: _("Moderator")}[role]


class StaffPage:
    """One organiser's view of the staff accounts: the list, the dialogs that change an account, the history."""

    def __init__(self, services: Services, organiser: StaffAccount) -> None:
        self.services = services
        self.organiser = organiser
        self.result = Text("", "p").props(f'id="{RESULT_ID}" role="status" tabindex="-1"').classes(
            "atelier-text font-medium min-h-6")
        self.modal = modal(ui.dialog())

    def tell(self, message: str, *, problem: bool = False) -> None:
        """Say what happened where the organiser's focus goes next: the result line above the list."""
        self.result.text = message
        self.result.classes(remove="text-negative text-positive", add="text-negative" if problem else "text-positive")
        ui.run_javascript(f"document.getElementById('{RESULT_ID}')?.focus()")

    async def run(self, command: Awaitable[Any], success: str) -> None:
        try:
            await command
        except DomainError as problem:
            self.tell(translated(problem), problem=True)
        else:
            self.tell(success)
        self.listing.refresh()
        self.history.refresh()

    # ---------------------------------------------------------------- the list

    @ui.refreshable_method
    async def listing(self) -> None:
        now = self.services.clock.now()
        sessions = await accounts.open_session_counts(self.services.clock)
        with ui.element("ul").classes("grid gap-2 list-none p-0 mt-2"):
            for account in await accounts.every_staff_account():
                with ui.element("li").classes("atelier-card p-4 flex flex-wrap items-center justify-between gap-4"
                                              ).mark(f"staff-{account.id}"):
                    self.describe(account, sessions.get(account.id, 0), now)
                    if account.id == self.organiser.id:
                        ui.link(_("Change my password"), ACCOUNT_PAGE).classes("atelier-link")
                    else:
                        self.controls(account)

    @staticmethod
    def describe(account: StaffAccount, sessions: int, now: datetime) -> None:
        with ui.column().classes("gap-1"):
            Text(account.display_name, "span").classes("font-semibold")
            Text(account.email, "span").classes("atelier-muted text-sm")
            with ui.row().classes("items-center gap-2"):
                Text(role_label(account.role), "span").classes("atelier-chip draft")
                if account.active:
                    Text(_("Active"), "span").classes("atelier-chip account-active")
                else:
                    Text(_("Disabled"), "span").classes("atelier-chip account-disabled")
                if account.must_change_password:
                    Text(_("Must choose a new password"), "span").classes("atelier-chip archived")
            signed = (_("Last signed in {when}", when=formatting.ago(account.last_signed_in_at, now))
                      if account.last_signed_in_at else _("Never signed in"))
            if sessions:
                signed += " · " + ngettext("{count} open session", "{count} open sessions", sessions)
            Text(signed, "span").classes("atelier-muted text-sm")

    def controls(self, account: StaffAccount) -> None:
        with labelled(ui.element("div"), _("Actions for {name}", name=account.display_name)).props(
                'role="group"').classes("flex flex-wrap gap-2"):
            if not account.active:  # it has no session and cannot sign in: nothing else to do with it
                button(_("Enable"), account, "check_circle", lambda: self.enable(account))
                return
            button(_("Change role"), account, "badge", lambda: self.change_role(account))
            button(_("Reset password"), account, "key", lambda: self.reset_password(account))
            button(_("Sign out everywhere"), account, "logout", lambda: self.end_sessions(account))
            button(_("Disable"), account, "block", lambda: self.disable(account))

    # ---------------------------------------------------------------- the dialogs

    def disable(self, account: StaffAccount) -> None:
        self.confirm(
            _("Disable the account of {name}?", name=account.display_name),
            _("They can no longer sign in, and every session they have open ends now. You can enable the "
              "account again later."),
            _("Disable the account"),
            lambda: self.run(accounts.disable_account(self.organiser, account.id, self.services.clock),
                             _("The account of {name} is disabled and its sessions have ended.",
                               name=account.display_name)))

    async def enable(self, account: StaffAccount) -> None:
        await self.run(accounts.enable_account(self.organiser, account.id, self.services.clock),
                       _("The account of {name} is enabled again: they can sign in with their password.",
                         name=account.display_name))

    def end_sessions(self, account: StaffAccount) -> None:
        async def end() -> None:
            try:
                ended = await accounts.end_sessions(self.organiser, account.id, self.services.clock)
            except DomainError as problem:
                self.tell(translated(problem), problem=True)
                return
            self.tell(ngettext("{name} is signed out everywhere ({count} session ended).",
                               "{name} is signed out everywhere ({count} sessions ended).", ended,
                               name=account.display_name))
            self.listing.refresh()
            self.history.refresh()

        self.confirm(
            _("Sign {name} out everywhere?", name=account.display_name),
            _("Every browser where they are signed in is signed out now. They can sign in again with "
              "their password."),
            _("Sign out everywhere"), end)

    @contextmanager
    def dialog(self, title: str, *, persistent: bool = False) -> Iterator[ui.card]:
        """Empty the page's one dialog, fill it with a titled card, then open it."""
        self.modal.clear()
        labelled(self.modal, title).props(add="persistent" if persistent else None,
                                          remove=None if persistent else "persistent")
        with self.modal, ui.card().classes("p-6 gap-4 max-w-lg") as card:
            Text(title, "h2").classes("atelier-subsection")
            yield card
        self.modal.open()

    def buttons(self, action: str, on_click: Callable[[], Awaitable[Any]], *, negative: bool = True) -> None:
        with ui.row().classes("justify-end w-full gap-2"):
            ui.button(_("Cancel"), on_click=self.modal.close).props("flat")
            ui.button(action, on_click=on_click).props("unelevated" + (" color=negative" if negative else ""))

    def confirm(self, question: str, consequence: str, action: str, on_confirm: Callable[[], Awaitable[Any]]
                ) -> None:
        async def go() -> None:
            self.modal.close()
            await on_confirm()

        with self.dialog(question):
            paragraph(consequence, muted=True)
            self.buttons(action, go)

    def change_role(self, account: StaffAccount) -> None:
        with self.dialog(_("Change the role of {name}", name=account.display_name)):
            paragraph(_("Organisers prepare workshops and manage staff accounts; moderators run the workshops "
                        "they are assigned to."), muted=True)
            role = choice(_("Role"), {r.value: role_label(r) for r in StaffRole}, account.role.value)

            async def change() -> None:
                self.modal.close()
                new_role = StaffRole(role.value)
                await self.run(accounts.change_role(self.organiser, account.id, new_role, self.services.clock),
                               _("{name} is now: {role}.", name=account.display_name,
                                 role=role_label(new_role).lower()))

            self.buttons(_("Change the role"), change, negative=False)

    def reset_password(self, account: StaffAccount) -> None:
        with self.dialog(_("Reset the password of {name}", name=account.display_name)):
            paragraph(_("Their open sessions end now, and they will be asked to choose their own password when "
                        "they next sign in."), muted=True)
            how = choice(_("New password"), {"generate": _("Generate a strong password, shown once"),
                                             "choose": _("Choose it myself")}, "generate")
            chosen = ui.input(_("New password for {name}", name=account.display_name), password=True,
                              password_toggle_button=True).props(PASSWORD_FIELD).classes(
                "w-full")
            chosen.props["hint"] = password_hint()
            chosen.bind_visibility_from(how, "value", value="choose")

            async def reset() -> None:
                chosen.error = None
                generate = how.value == "generate"
                try:
                    password = await accounts.reset_password(
                        self.organiser, account.id, self.services.clock, password=None if generate else chosen.value,
                        site_address=self.services.public_url)
                except InvalidValue as problem:
                    chosen.error = translated(problem)
                    return
                except DomainError as problem:
                    self.modal.close()
                    self.tell(translated(problem), problem=True)
                    return
                self.modal.close()
                self.listing.refresh()
                self.history.refresh()
                done = _("The password of {name} is reset; they will choose their own when they next sign in.",
                         name=account.display_name)
                if generate:
                    self.show_generated(account, password, done)
                else:
                    self.tell(done)

            self.buttons(_("Reset the password"), reset)

    def show_generated(self, account: StaffAccount, password: str, done: str) -> None:
        """The generated password, once: the dialog only closes with Done, which takes the password off the page."""
        def close() -> None:
            self.tell(done)
            self.modal.close()
            self.modal.clear()

        with self.dialog(_("New password for {name}", name=account.display_name), persistent=True):
            Text(password, "p").classes("generated-password").props('translate="no"').mark("generated-password")
            paragraph(_("Give it to them in person or by telephone, never by e-mail. It is shown only this once: "
                        "they will choose their own password when they next sign in."), muted=True)
            with ui.row().classes("justify-end w-full gap-2"):
                ui.button(_("Copy"), icon="content_copy", on_click=lambda: ui.clipboard.write(password)).props(
                    "flat")
                ui.button(_("Done"), on_click=close).props("unelevated")

    # ---------------------------------------------------------------- recent changes

    @ui.refreshable_method
    async def history(self) -> None:
        entries = await accounts.audit_trail()
        if not entries:
            paragraph(_("No change yet."), muted=True)
            return
        now = self.services.clock.now()
        with ui.element("table").classes("atelier-table w-full"):
            with ui.element("thead"), ui.element("tr"):
                for title in (_("When"), _("Who"), _("What"), _("Account")):
                    Text(title, "th").props('scope="col"')
            with ui.element("tbody"):
                for entry in entries:
                    with ui.element("tr"):
                        Text(formatting.ago(entry.at, now), "td")
                        Text(entry.actor.display_name if entry.actor else _("Command line"), "td")
                        Text(action_label(entry), "td")
                        Text(entry.target.display_name, "td")

    # ---------------------------------------------------------------- creating an account

    def creation_form(self) -> None:
        with ui.card().classes("atelier-card w-full max-w-xl p-6 gap-3 mt-6"):
            heading(_("Create an account"), 2)
            email = ui.input(_("E-mail address")).props("type=email outlined").classes("w-full")
            name = ui.input(_("Name shown to others")).props("outlined maxlength=120").classes("w-full")
            role = ui.select({r.value: role_label(r) for r in StaffRole}, value=StaffRole.MODERATOR.value,
                             label=_("Role")).props("outlined").classes("w-full")
            password = ui.input(_("Initial password"), password=True, password_toggle_button=True).props(
                PASSWORD_FIELD).classes("w-full")
            password.props["hint"] = password_hint()

            async def create() -> None:
                email.error = password.error = None
                try:
                    account = await accounts.create_staff(
                        email.value, name.value, StaffRole(role.value), password.value, by=self.organiser,
                        clock=self.services.clock, site_address=self.services.public_url)
                except InvalidValue as problem:
                    target = password if problem.field == "password" else email
                    target.error = translated(problem)
                    return
                except DomainError as problem:
                    self.tell(translated(problem), problem=True)
                    return
                self.tell(_("Account created for {email}.", email=account.email))
                email.value = name.value = password.value = ""
                self.listing.refresh()
                self.history.refresh()

            ui.button(_("Create the account"), icon="person_add", on_click=create).props("unelevated")


def button(text: str, account: StaffAccount, icon: str, action: Callable[[], Any]) -> None:
    # The accessible name starts with the visible text (WCAG 2.5.3) and says whose account it is.
    labelled(ui.button(text, icon=icon, on_click=action), _("{action} – {name}", action=text,
                                                           name=account.display_name)).props("flat dense no-caps")


def choice(legend: str, options: dict[str, str], value: str) -> ui.radio:
    with ui.element("fieldset").classes("w-full border rounded-lg px-4 pb-3 pt-1 border-gray-300"):
        Text(legend, "legend").classes("px-1 font-medium")
        radio = ui.radio(options, value=value)
        radio.props["aria-label"] = legend
    return radio


def action_label(entry: StaffAuditEntry) -> str:
    if entry.action == StaffAction.CREATED:
        return _("Created the account ({role})", role=role_label(StaffRole(entry.detail)).lower()) \
            if entry.detail else _("Created the account")
    if entry.action == StaffAction.ROLE_CHANGED:
        return _("Changed the role to {role}", role=role_label(StaffRole(entry.detail)).lower())
    return {
        StaffAction.DISABLED: _("Disabled the account"),
        StaffAction.ENABLED: _("Enabled the account"),
        StaffAction.PASSWORD_RESET: _("Gave a new password"),
        StaffAction.SESSIONS_ENDED: _("Signed out everywhere"),
        StaffAction.PASSWORD_CHANGED: _("Changed their own password"),
        StaffAction.OTHER_SESSIONS_ENDED: _("Signed out of their other sessions"),
    }[entry.action]


async def workshop_being_prepared(slug: str | None) -> WorkshopPlan | None:
    if not slug or len(slug) > MAX_SLUG_LENGTH:
        return None
    try:
        return await workshops.load_plan(slug)
    except NotFound:
        return None


def register(services: Services) -> None:
    @ui.page("/organise/staff")
    async def staff_accounts(back: str | None = None) -> Response | None:
        """`?back=<slug>` (from a workshop's team part) leads back there; anything but an existing workshop's
        address is ignored, and the way back is built from the stored workshop, never from the query."""
        organiser = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(organiser, StaffAccount):
            return organiser
        preparing = await workshop_being_prepared(back)
        with page_frame(services, _("Staff accounts"), staff=organiser):
            if preparing is not None:
                with ui.row().classes("items-center gap-1 text-sm"):
                    ui.icon("arrow_back").props('aria-hidden="true"')
                    ui.link(_("Back to “{title}”: Team", title=preparing.workshop.title),
                            f"/organise/{preparing.workshop.slug}/{Part.TEAM.value}").classes("atelier-link")
            heading(_("Staff accounts"))
            paragraph(_("Organisers prepare workshops; moderators run the workshops they are assigned to. "
                        "Give each new colleague their password in person and ask them to keep it secret."),
                      muted=True)
            page = StaffPage(services, organiser)
            await page.listing()
            page.creation_form()
            heading(_("Recent changes"), 2).classes("pt-10")
            await page.history()
        return None
