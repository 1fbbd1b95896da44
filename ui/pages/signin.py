"""`/signin` and `/signout` for organisers and moderators.

The sign-in page checks the password over its socket, then sends the browser to `/signin/complete` with a
one-time ticket: that plain HTTP answer sets the staff cookie (HttpOnly, which a socket cannot set) and gives
the browser a new id, so that an id planted in it before sign-in opens nothing.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from nicegui import app, context, ui

from domain import accounts
from domain.errors import AccountDisabled, InvalidCredentials, TooManyAttempts
from ui.auth import (
    SignInTickets,
    browser_id,
    clear_staff_cookie,
    local_path,
    renew_browser_id,
    set_staff_cookie,
    signed_in,
    staff_token,
)
from ui.components import Text, heading, paragraph, translated
from ui.frame import HOME_BY_ROLE, page_frame, sign_out_form
from ui.i18n import _
from ui.services import Services


def register(services: Services) -> None:
    tickets = SignInTickets()

    @ui.page("/signin")
    async def sign_in_page(next: str = "", signed_out: bool = False) -> Response | None:
        staff = await signed_in(services)
        if staff is not None:
            return RedirectResponse(local_path(next, HOME_BY_ROLE[staff.role]), status_code=303)
        request = context.client.request
        network_address = request.client.host if request.client else "unknown"

        with page_frame(services, _("Sign in"), narrow=True):
            with ui.card().classes("atelier-card w-full max-w-md mx-auto p-6 gap-4"):
                heading(_("Staff sign-in"))
                paragraph(_("For the municipality's organisers and moderators. Citizens join a workshop "
                            "from its public page or their invitation, without an account."), muted=True)
                if signed_out:
                    Text(_("You are signed out."), "p").props('role="status"').classes("text-positive")
                alert = Text("", "p").props('role="alert"').classes("text-negative font-medium")
                alert.set_visibility(False)
                email = ui.input(_("E-mail address")).props(
                    'type=email autocomplete=username outlined autofocus').classes("w-full")
                password = ui.input(_("Password"), password=True, password_toggle_button=True).props(
                    "autocomplete=current-password outlined").classes("w-full")
                submit = ui.button(_("Sign in")).props("unelevated").classes("w-full")

            async def attempt() -> None:
                email.error = None if email.value.strip() else _("Enter your e-mail address.")
                password.error = None if password.value else _("Enter your password.")
                if email.error or password.error:
                    return
                submit.disable()
                try:
                    result = await accounts.sign_in(email.value, password.value, network_address, services.clock)
                except (InvalidCredentials, AccountDisabled, TooManyAttempts) as problem:
                    alert.text = translated(problem)
                    alert.set_visibility(True)
                    password.value = ""
                    return
                finally:
                    submit.enable()
                ticket = await tickets.issue(result.session_token, browser_id(request) or "",
                                             local_path(next, HOME_BY_ROLE[result.account.role]),
                                             services.clock.now())
                ui.navigate.to(f"/signin/complete?ticket={quote(ticket)}")

            submit.on_click(attempt)
            email.on("keydown.enter", attempt)
            password.on("keydown.enter", attempt)
        return None

    @app.get("/signin/complete", include_in_schema=False)
    async def complete_sign_in(request: Request, ticket: str = "") -> RedirectResponse:
        redeemed = await tickets.redeem(ticket, browser_id(request), services.clock.now())
        if redeemed is None:  # spent, too old, or brought from another browser: sign in again
            return RedirectResponse("/signin", status_code=303)
        await renew_browser_id(request)
        response = RedirectResponse(redeemed.destination, status_code=303)
        set_staff_cookie(services, response, redeemed.session_token)
        return response

    @ui.page("/signout")
    async def sign_out_page() -> Response | None:
        """Signing out is a form sent by POST (another site's link or image cannot sign anyone out): this page,
        for an old bookmark or a typed address, offers that form."""
        staff = await signed_in(services)
        if staff is None:
            return RedirectResponse("/signin", status_code=303)
        with page_frame(services, _("Sign out"), staff=staff, narrow=True), \
                ui.card().classes("atelier-card w-full max-w-md mx-auto p-6 gap-4"):
            heading(_("Sign out of Atelier?"))
            paragraph(_("You are signed in as {name}.", name=staff.display_name), muted=True)
            sign_out_form(primary=True)
        return None

    @app.post("/signout", include_in_schema=False)
    async def sign_out(request: Request) -> RedirectResponse:
        await accounts.close_session(staff_token(services, request))
        await renew_browser_id(request)
        response = RedirectResponse("/signin?signed_out=true", status_code=303)
        clear_staff_cookie(services, response)
        return response
