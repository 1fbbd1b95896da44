"""`/account`: anyone signed in changes their own password and signs out of their other browsers.

After an organiser has reset the password, every staff page sends the account here first (ui/auth.check_staff).
"""

from __future__ import annotations

from fastapi import Response
from nicegui import context, ui

from domain import accounts, passwords
from domain.errors import DomainError, InvalidValue
from domain.models import StaffAccount, StaffRole
from ui.auth import ACCOUNT_PAGE, check_staff, local_path, staff_token
from ui.components import Text, heading, paragraph, translated
from ui.frame import HOME_BY_ROLE, page_frame
from ui.i18n import _, ngettext
from ui.services import Services

# Hints and refusals take two lines: let the space under the field grow instead of overlapping the next one.
PASSWORD_FIELD = "outlined autocomplete=new-password hide-bottom-space"


def password_hint() -> str:
    return _("At least {count} characters; a passphrase of three or four unrelated words is best.",
             count=passwords.MIN_LENGTH)


def register(services: Services) -> None:
    @ui.page(ACCOUNT_PAGE)
    async def my_account(next: str = "") -> Response | None:
        staff = await check_staff(services, *StaffRole, password_change_pending_allowed=True)
        if not isinstance(staff, StaffAccount):
            return staff
        request = context.client.request
        network_address = request.client.host if request.client else "unknown"
        with page_frame(services, _("My account"), staff=staff, narrow=True):
            heading(_("My account"))
            paragraph(_("{name}, {email}", name=staff.display_name, email=staff.email), muted=True)
            if staff.must_change_password:
                Text(_("An organiser has reset your password. Choose your own password to continue."), "p").props(
                    'role="alert"').classes("notice font-medium")
            password_form(services, staff, network_address, next)
            await sessions_part(services, staff)
        return None


def password_form(services: Services, staff: StaffAccount, network_address: str, next: str) -> None:
    with ui.card().classes("atelier-card w-full p-6 gap-3 mt-4"):
        heading(_("Change my password"), 2)
        paragraph(_("Your other sessions end when the password changes; this one stays open."), muted=True)
        current = ui.input(_("Current password"), password=True, password_toggle_button=True).props(
            "outlined autocomplete=current-password hide-bottom-space").classes("w-full")
        new = ui.input(_("New password"), password=True, password_toggle_button=True).props(PASSWORD_FIELD).classes(
            "w-full")
        new.props["hint"] = password_hint()
        again = ui.input(_("Confirm the new password"), password=True, password_toggle_button=True).props(
            PASSWORD_FIELD).classes("w-full")
        result = Text("", "p").props('role="status"').classes("text-positive font-medium")

        async def change() -> None:
            current.error = new.error = again.error = None
            result.text = ""
            if not current.value:
                current.error = _("Enter your current password.")
            if new.value != again.value:
                again.error = _("The two new passwords differ.")
            if current.error or again.error:
                return
            try:
                await accounts.change_own_password(
                    staff, current.value, new.value, keep_session=staff_token(services, context.client.request),
                    network_address=network_address, clock=services.clock, site_address=services.public_url)
            except InvalidValue as problem:
                if problem.field == "current":
                    current.value = ""
                (current if problem.field == "current" else new).error = translated(problem)
                return
            except DomainError as problem:  # too many attempts
                current.error = translated(problem)
                return
            current.value = new.value = again.value = ""
            if staff.must_change_password:  # it was the first step: go on where the person was going
                ui.navigate.to(local_path(next, HOME_BY_ROLE[staff.role]))
                return
            result.text = _("Your password is changed. Your other sessions have ended.")

        ui.button(_("Change my password"), on_click=change).props("unelevated")


async def sessions_part(services: Services, staff: StaffAccount) -> None:
    with ui.card().classes("atelier-card w-full p-6 gap-3 mt-4"):
        heading(_("My sessions"), 2)
        count = Text("", "p").classes("atelier-text")
        result = Text("", "p").props('role="status"').classes("text-positive font-medium")

        async def show_count() -> None:
            sessions = (await accounts.open_session_counts(services.clock)).get(staff.id, 0)
            count.text = _("You are signed in on this browser only.") if sessions <= 1 else ngettext(
                "You are signed in on {count} browser, this one included.",
                "You are signed in on {count} browsers, this one included.", sessions)

        async def end_others() -> None:
            this_session = staff_token(services, context.client.request)
            ended = await accounts.end_other_sessions(staff, this_session, services.clock)
            result.text = ngettext("{count} other session ended.", "{count} other sessions ended.", ended)
            await show_count()

        await show_count()
        ui.button(_("Sign out of my other sessions"), icon="logout", on_click=end_others).props("outline")
