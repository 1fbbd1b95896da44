"""The frame around every page: language, title, header with navigation, main landmark, footer."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from fastapi import Response
from nicegui import context, ui

from domain.i18n import LANGUAGES, language_name
from domain.models import StaffAccount, StaffRole
from ui import theme
from ui.components import Text, heading, labelled, paragraph
from ui.i18n import QUASAR_LANGUAGES, _, current_language
from ui.services import Services

HOME_BY_ROLE = {StaffRole.ORGANISER: "/organise", StaffRole.MODERATOR: "/moderate"}


def _set_page_language(language: str) -> None:
    """Give this client's page its own language (Quasar texts and <html lang>).

    NiceGUI reads the language from the page object shared by all clients of a
    route, so this client gets a copy of it.
    """
    client = context.client
    client.page = copy.copy(client.page)
    client.page.language = QUASAR_LANGUAGES[language]


def _current_path() -> str:
    request = context.client.request
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _language_switch() -> None:
    here = quote(_current_path(), safe="")
    with labelled(ui.element("nav"), _("Language")).classes("flex gap-3"):
        for language in LANGUAGES:
            link = ui.link(language_name(language), f"/language/{language}?next={here}")
            link.props(f'lang="{language}" hreflang="{language}"')
            if language == current_language():
                link.props('aria-current="true"').classes("font-semibold")


def _staff_navigation(staff: StaffAccount) -> None:
    with labelled(ui.element("nav"), _("Staff")).classes("flex items-center gap-4"):
        if staff.role == StaffRole.ORGANISER:
            ui.link(_("Workshops"), "/organise")
            ui.link(_("Staff accounts"), "/organise/staff")
            ui.link(_("Outbox"), "/organise/outbox")
        ui.link(_("My assignments"), "/moderate")
        Text(staff.display_name, "span").classes("atelier-muted hidden sm:inline")
        ui.link(_("My account"), "/account")
        sign_out_form()


def sign_out_form(*, primary: bool = False) -> None:
    """Sign out is a POST: with the staff cookie's SameSite=Lax, no other site can sign someone out."""
    button_class = "atelier-primary-button" if primary else "atelier-nav-button"
    with ui.element("form").props('method="post" action="/signout"').classes("m-0"), \
            ui.element("button").props('type="submit"').classes(button_class):
        Text(_("Sign out"), "span")


@contextmanager
def page_frame(
    services: Services, title: str, *, staff: StaffAccount | None = None, narrow: bool = False, wide: bool = False
) -> Iterator[ui.element]:
    language = current_language()
    _set_page_language(language)
    ui.page_title(f"{title} · Atelier")
    theme.apply()
    with ui.header(elevated=False).classes("atelier-header px-5 py-2 items-center justify-between gap-4"):
        ui.link(_("Skip to main content"), "#main").classes("skip-link")  # the first thing Tab reaches
        brand_target = HOME_BY_ROLE[staff.role] if staff else "/"
        with ui.link(target=brand_target).classes("atelier-brand") as brand:
            ui.element("img").props('src="/static/favicon.svg" alt=""').classes("w-7 h-7")
            Text("Atelier", "span")
        labelled(brand, _("Atelier, home"))
        with ui.row().classes("items-center gap-6"):
            if staff is not None:
                _staff_navigation(staff)
            _language_switch()
    # Quasar's page is the <main> landmark already: this is where the skip link lands.
    with ui.element("div").props('id="main" tabindex="-1"').classes(
        "atelier-main" + (" narrow" if narrow else "") + (" wide" if wide else "")
    ) as main:
        yield main
    with ui.footer(fixed=False, elevated=False).classes("atelier-footer"):
        Text(_("Atelier {version} · live civic workshops, self-hosted by your municipality",
               version=services.version), "span")


def not_found_page(services: Services, staff: StaffAccount, *, message: str, back: tuple[str, str],
                   title: str | None = None, detail: str = "") -> Response:
    """A staff page whose subject does not exist (or is not theirs to see): said plainly, with the way back,
    answered as a 404."""
    with page_frame(services, title or _("Not found"), staff=staff, narrow=True):
        heading(message)
        if detail:
            paragraph(detail, muted=True)
        ui.link(back[0], back[1]).classes("atelier-link")
    return context.client.build_response(context.client.request, 404)
