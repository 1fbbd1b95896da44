"""Who is signed in, and the check every staff page makes before showing anything."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Response
from fastapi.responses import RedirectResponse
from nicegui import app, context, ui

from domain import accounts
from domain.models import StaffAccount, StaffRole
from ui.components import heading, paragraph
from ui.frame import HOME_BY_ROLE, page_frame
from ui.i18n import _
from ui.services import Services

SESSION_KEY = "staff_session"
ACCOUNT_PAGE = "/account"


def current_session_token() -> str | None:
    """This browser's staff session token (kept open when its holder ends their other sessions)."""
    token = app.storage.user.get(SESSION_KEY)
    return token if isinstance(token, str) else None


async def signed_in(services: Services) -> StaffAccount | None:
    return await accounts.account_for_session(current_session_token(), services.clock)


def remember_session(token: str) -> None:
    app.storage.user[SESSION_KEY] = token


async def forget_session() -> None:
    await accounts.close_session(app.storage.user.pop(SESSION_KEY, None))


def local_path(target: str | None, fallback: str = "/") -> str:
    """Only paths on this site are followed after sign-in: no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


async def check_staff(services: Services, *roles: StaffRole, password_change_pending_allowed: bool = False
                      ) -> StaffAccount | Response:
    """The signed-in account if it has one of `roles`; otherwise the response to send instead.

    Strangers are sent to the sign-in page and back; an account whose password an organiser has reset is sent to
    choose its own first (`/account`, the one page that allows it); a wrong role gets an explanation (403).
    """
    account = await signed_in(services)
    request = context.client.request
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if account is None:
        return RedirectResponse(f"/signin?next={quote(path, safe='')}", status_code=303)
    if account.must_change_password and not password_change_pending_allowed:
        return RedirectResponse(f"{ACCOUNT_PAGE}?next={quote(path, safe='')}", status_code=303)
    if account.role in roles:
        return account
    with page_frame(services, _("Not allowed"), staff=account, narrow=True):
        heading(_("This page is not for your role"))
        paragraph(_("Your account cannot open this page. If you need it, ask an organiser of your "
                    "municipality to change your role."), muted=True)
        ui.link(_("Go to my workshops"), HOME_BY_ROLE[account.role]).classes("atelier-link")
    return context.client.build_response(request, 403)
