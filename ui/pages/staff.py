"""`/organise/staff`: organisers create the accounts of their colleagues."""

from __future__ import annotations

from fastapi import Response
from nicegui import ui

from domain import accounts
from domain.errors import InvalidValue
from domain.models import StaffAccount, StaffRole
from ui.auth import check_staff
from ui.components import Text, heading, paragraph, translated
from ui.frame import page_frame
from ui.i18n import _
from ui.services import Services


def role_label(role: StaffRole) -> str:
    return {StaffRole.ORGANISER: _("Organiser"), StaffRole.MODERATOR: _("Moderator")}[role]


def register(services: Services) -> None:
    @ui.page("/organise/staff")
    async def staff_accounts() -> Response | None:
        staff = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(staff, StaffAccount):
            return staff
        with page_frame(services, _("Staff accounts"), staff=staff):
            heading(_("Staff accounts"))
            paragraph(_("Organisers prepare workshops; moderators run the workshops they are assigned to. "
                        "Give each new colleague their password in person and ask them to keep it secret."),
                      muted=True)

            @ui.refreshable
            async def listing() -> None:
                with ui.element("ul").classes("grid gap-2 list-none p-0 mt-4"):
                    for account in await accounts.staff_accounts():
                        with ui.element("li").classes("atelier-card p-4 flex items-center justify-between gap-4"):
                            with ui.column().classes("gap-0"):
                                Text(account.display_name, "span").classes("font-semibold")
                                Text(account.email, "span").classes("atelier-muted text-sm")
                            Text(role_label(account.role), "span").classes("atelier-chip draft")

            await listing()
            with ui.card().classes("atelier-card w-full max-w-xl p-6 gap-3 mt-6"):
                heading(_("Create an account"), 2)
                email = ui.input(_("E-mail address")).props("type=email outlined").classes("w-full")
                name = ui.input(_("Name shown to others")).props("outlined maxlength=120").classes("w-full")
                role = ui.select({r.value: role_label(r) for r in StaffRole}, value=StaffRole.MODERATOR.value,
                                 label=_("Role")).props("outlined").classes("w-full")
                password = ui.input(_("Initial password"), password=True, password_toggle_button=True).props(
                    "outlined autocomplete=new-password").classes("w-full")
                password.props["hint"] = _("At least {count} characters.", count=accounts.MIN_PASSWORD_LENGTH)

                async def create() -> None:
                    email.error = password.error = None
                    try:
                        account = await accounts.create_staff(email.value, name.value, StaffRole(role.value),
                                                              password.value)
                    except InvalidValue as problem:
                        target = password if problem.field == "password" else email
                        target.error = translated(problem)
                        return
                    ui.notify(_("Account created for {email}.", email=account.email), type="positive")
                    email.value = name.value = password.value = ""
                    listing.refresh()

                ui.button(_("Create the account"), icon="person_add", on_click=create).props("unelevated")
        return None
