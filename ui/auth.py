"""Who is signed in, the check every staff page makes before showing anything, and where sign-in leads.

A staff member's session token lives in its own HttpOnly cookie, set by `/signin/complete` (ui/pages/signin.py),
never in NiceGUI's per-browser storage, which is kept in clear in the data directory. The database keeps only
its hash (domain/accounts.py).
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, unquote

from fastapi import Response
from fastapi.responses import RedirectResponse
from nicegui import app, context, ui
from starlette.requests import Request

from domain import accounts
from domain.models import StaffAccount, StaffRole
from ui.components import heading, paragraph
from ui.frame import HOME_BY_ROLE, page_frame
from ui.i18n import LANGUAGE_KEY, _
from ui.services import Services
from ui.web_security import STAFF_COOKIE

# How long the page that checked a password has to hand its session over to /signin/complete.
TICKET_LIFETIME = timedelta(seconds=60)
# What a browser keeps of its storage when its id is renewed at sign-in and sign-out.
KEPT_ACROSS_SIGN_IN = (LANGUAGE_KEY,)
# The one staff page an account whose password was reset may open: where it chooses its own.
ACCOUNT_PAGE = "/account"


def staff_token(services: Services, request: Request | None) -> str | None:
    return request.cookies.get(services.web.cookie_name(STAFF_COOKIE)) if request is not None else None


async def signed_in(services: Services, request: Request | None = None) -> StaffAccount | None:
    """The staff account of the browser that made `request` (by default, that loaded this page), if its session is
    still open."""
    request = request or context.client.request
    return await accounts.account_for_session(staff_token(services, request), services.clock)


def local_path(target: str | None, fallback: str = "/") -> str:
    """`target` if it is a path on this site, else `fallback`: no open redirect after sign-in or a language switch.

    Browsers drop tabs and newlines from addresses and read a backslash as a slash: "/", a tab, then
    "/evil.example" leaves the site, as does "/" then a backslash. So a target must start with one slash,
    and any control, format or space character and any backslash, raw or percent-encoded, refuse it.
    What is left is quoted again.
    """
    if not target or not target.startswith("/"):
        return fallback
    decoded = (target, unquote(target), unquote(unquote(target)))  # %2509 is a tab once decoded twice
    for text in decoded:
        if text.startswith("//") or any(
                char == "\\" or char.isspace() or unicodedata.category(char) in {"Cc", "Cf"} for char in text):
            return fallback
    return quote(target, safe="/?#=&%+:@!$'()*,;-._~")


def sign_in_path(request: Request) -> str:
    """The sign-in page, coming back to this request's page afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/signin?next={quote(here, safe='')}"


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
        return RedirectResponse(sign_in_path(request), status_code=303)
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


# ------------------------------------------------------------------ handing a new session to the browser


@dataclass(frozen=True)
class Ticket:
    """A checked sign-in waiting for its browser to collect it: once, soon, and with the same browser id."""

    session_token: str
    browser_id: str
    destination: str
    expires_at: datetime


class SignInTickets:
    """Kept in memory only (a restart in between means signing in again), each under the hash of its key."""

    def __init__(self) -> None:
        self._tickets: dict[str, Ticket] = {}

    async def issue(self, session_token: str, browser_id: str, destination: str, now: datetime) -> str:
        await self._forget_expired(now)
        key = secrets.token_urlsafe(32)
        self._tickets[_digest(key)] = Ticket(session_token, browser_id, destination, now + TICKET_LIFETIME)
        return key

    async def redeem(self, key: str, browser_id: str | None, now: datetime) -> Ticket | None:
        """The ticket, which can never be used again; None for an unknown, expired or other browser's one."""
        await self._forget_expired(now)
        ticket = self._tickets.pop(_digest(key), None)
        if ticket is None:
            return None
        if browser_id is None or not secrets.compare_digest(ticket.browser_id, browser_id):
            await accounts.close_session(ticket.session_token)  # a ticket carried to another browser is spent
            return None
        return ticket

    async def _forget_expired(self, now: datetime) -> None:
        for digest, ticket in list(self._tickets.items()):
            if ticket.expires_at <= now:
                del self._tickets[digest]
                await accounts.close_session(ticket.session_token)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def browser_id(request: Request) -> str | None:
    """NiceGUI's id for this browser (from its signed cookie), under which its storage is kept."""
    value = request.session.get("id")
    return value if isinstance(value, str) else None


async def renew_browser_id(request: Request) -> None:
    """Give this browser a new id, so that an id someone planted in it before is worth nothing after.

    Its new storage keeps only the reader's language from the old one.
    """
    kept = {key: app.storage.user[key] for key in KEPT_ACROSS_SIGN_IN if key in app.storage.user}
    new_id = str(uuid.uuid4())
    request.session["id"] = new_id  # Starlette's session middleware sends the new cookie with the answer
    await app.storage._create_user_storage(new_id)  # as NiceGUI's middleware does for a new browser
    app.storage.user.update(kept)


def set_staff_cookie(services: Services, response: Response, token: str) -> None:
    response.set_cookie(services.web.cookie_name(STAFF_COOKIE), token,
                        max_age=int(accounts.SESSION_LIFETIME.total_seconds()), path="/",
                        secure=services.web.secure, httponly=True, samesite="lax")


def clear_staff_cookie(services: Services, response: Response) -> None:
    response.delete_cookie(services.web.cookie_name(STAFF_COOKIE), path="/", secure=services.web.secure,
                           httponly=True, samesite="lax")
