"""The preparation wizard: `/organise/new`, then `/organise/{slug}/{part}` for each part.

Parts can be visited in any order; every field saves as it changes, and the advice
beside each field follows what was just saved.
"""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from domain import timekeeping, workshops
from domain.errors import InvalidValue, NotFound
from domain.i18n import LANGUAGES, language_name
from domain.models import StaffAccount, StaffRole
from domain.planning import Part
from ui.auth import check_staff
from ui.components import heading, paragraph, translated
from ui.frame import not_found_page, page_frame
from ui.i18n import _, current_language
from ui.pages import public
from ui.pages.wizard import agenda, invitations, participants, purpose, review, rooms, team, welcome, when
from ui.pages.wizard.shell import Wizard, part_title
from ui.pages.wizard.together import preparers
from ui.services import Services
from ui.theme import STATIC_DIR

RENDERERS = {
    Part.PURPOSE: purpose.render,
    Part.WHEN: when.render,
    Part.AGENDA: agenda.render,
    Part.WELCOME: welcome.render,
    Part.ROOMS: rooms.render,
    Part.PARTICIPANTS: participants.render,
    Part.TEAM: team.render,
    Part.REVIEW: review.render,
    Part.INVITATIONS: invitations.render,
}
NEW_DRAFT_KEY = "new_workshop_draft"
DRAFTS_SCRIPT = f"<script>{(STATIC_DIR / 'drafts.js').read_text()}</script>"


def register(services: Services) -> None:
    workshops.plan_edits.subscribe(preparers.edited)

    @ui.page("/organise/new")
    async def new_workshop() -> Response | None:
        staff = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(staff, StaffAccount):
            return staff
        with page_frame(services, _("New workshop"), staff=staff, narrow=True):
            render_new_workshop_form(staff)
        return None

    @ui.page("/organise/{slug}")
    async def open_workshop(slug: str) -> Response:
        return RedirectResponse(f"/organise/{slug}/{Part.PURPOSE.value}", status_code=303)

    @ui.page("/organise/{slug}/preview")
    async def preview(slug: str) -> Response | None:
        staff = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(staff, StaffAccount):
            return staff
        try:
            plan = await workshops.load_plan(slug)
        except NotFound:
            return not_found_page(services, staff, message=_("There is no such workshop page"),
                                  back=(_("Back to the workshops"), "/organise"))
        await public.preview_page(services, plan, staff)
        return None

    @ui.page("/organise/{slug}/{part}")
    async def wizard_part(slug: str, part: str) -> Response | None:
        staff = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(staff, StaffAccount):
            return staff
        try:
            plan = await workshops.load_plan(slug)
            current = Part(part)
        except (NotFound, ValueError):
            return not_found_page(services, staff, message=_("There is no such workshop page"),
                                  back=(_("Back to the workshops"), "/organise"))
        with page_frame(services, f"{part_title(current)} · {plan.workshop.title}", staff=staff):
            ui.add_head_html(DRAFTS_SCRIPT)  # in the head: ready before the page asks what it kept
            wizard = Wizard(services, staff, plan, current)
            await wizard.render(RENDERERS[current])
        return None


def render_new_workshop_form(staff: StaffAccount) -> None:
    """A working title is all a draft needs; everything else comes part by part."""
    draft = app.storage.user.setdefault(NEW_DRAFT_KEY, {"title": "", "language": current_language(),
                                                         "suggested_agenda": True})
    heading(_("Prepare a new workshop"))
    paragraph(_("Give it a working title: you can change it at any time. The wizard then walks you through "
                "the purpose, the date, the agenda, the rooms and the team, saving as you type."), muted=True)
    with ui.card().classes("atelier-card w-full p-6 gap-4 mt-4"):
        def too_long(value: str) -> str | None:
            """Said at once when the title is too long (never cut: the text stays in the field); too short is said
            when the draft is created, not at the first letter typed."""
            try:
                workshops.check_text("workshop", "title", value)
            except InvalidValue as problem:
                return translated(problem) if "length" in problem.params else None
            return None

        title = ui.input(_("Working title"), value=draft["title"], validation=too_long).props(
            "outlined autofocus").classes("w-full")
        title.on_value_change(lambda e: draft.update(title=e.value))
        language = ui.select({code: language_name(code) for code in LANGUAGES}, value=draft["language"],
                             label=_("Language of the workshop")).props("outlined").classes("w-full")
        language.on_value_change(lambda e: draft.update(language=e.value))
        suggested = ui.checkbox(_("Start from a suggested agenda (welcome, presentation, discussion, "
                                  "breakout rooms, conclusion)"), value=draft["suggested_agenda"])
        suggested.on_value_change(lambda e: draft.update(suggested_agenda=e.value))

        async def create() -> None:
            browser_zone = await ui.run_javascript("Intl.DateTimeFormat().resolvedOptions().timeZone")
            try:
                workshop = await workshops.create_workshop(
                    title=title.value, created_by=staff, language=language.value,
                    time_zone=browser_zone if timekeeping.is_known_zone(str(browser_zone)) else "Europe/Paris",
                    suggested_agenda=suggested.value,
                )
            except InvalidValue as problem:
                title.error = translated(problem)
                return
            app.storage.user.pop(NEW_DRAFT_KEY, None)
            ui.navigate.to(f"/organise/{workshop.slug}/{Part.PURPOSE.value}")

        title.on("keydown.enter", create)
        ui.button(_("Create the draft"), icon="arrow_forward", on_click=create).props("unelevated")
