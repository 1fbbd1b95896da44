"""Part 6, review: a readable summary, what remains to fix, the public address, publishing."""

from __future__ import annotations

from nicegui import ui

from domain import planning, workshops
from domain.errors import InvalidValue
from domain.models import Aim, Audience, Interactivity, RegistrationMode, RoomAssignment
from domain.planning import Part, Severity
from domain.questions import questions_of
from ui import formatting
from ui.components import Text, heading, issue_line, labelled, translated
from ui.focus import focus_key, key, move_focus
from ui.i18n import _, ngettext
from ui.pages.wizard.agenda import kind_label
from ui.pages.wizard.shell import Wizard, part_path, part_title
from ui.pages.wizard.team import role_options

PUBLISHING = key("publishing")  # the Publish button, or Unpublish once published


async def render(wizard: Wizard) -> None:
    @ui.refreshable
    def body() -> None:
        readiness(wizard)
        summary(wizard)

    body()
    wizard.on_change(body.refresh)


def readiness(wizard: Wizard) -> None:
    plan = wizard.plan
    errors = [issue for issue in wizard.issues if issue.severity == Severity.ERROR]
    warnings = [issue for issue in wizard.issues if issue.severity == Severity.WARNING]
    published = plan.workshop.published_at is not None
    with ui.card().classes("atelier-card w-full p-5 gap-3 mt-2"):
        if published:
            Text(_("This workshop is published."), "p").classes("font-semibold text-positive")
        elif errors:
            Text(ngettext("{count} thing to fix before publishing.", "{count} things to fix before publishing.",
                          len(errors)), "p").classes("font-semibold text-negative")
        else:
            Text(_("Ready to publish."), "p").classes("font-semibold text-positive")
        for part in Part:
            part_issues = [i for i in (*errors, *warnings) if i.part == part]
            if not part_issues:
                continue
            with ui.column().classes("gap-1"):
                ui.link(part_title(part), part_path(plan, part)).classes("atelier-link font-medium")
                for issue in part_issues:
                    issue_line(issue)
        address_editor(wizard)
        with ui.row().classes("gap-3 items-center"):
            if published:
                async def unpublish() -> None:
                    await workshops.unpublish(wizard.plan.workshop)
                    ui.notify(_("The workshop is no longer public."))
                    await wizard.changed()
                    move_focus(wizard.client, PUBLISHING)

                focus_key(ui.button(_("Unpublish"), icon="visibility_off", on_click=unpublish).props("outline"),
                          PUBLISHING)
                ui.link(_("Open the public page"), f"/w/{plan.workshop.slug}", new_tab=True).classes("atelier-link")
            else:
                async def publish() -> None:
                    try:
                        await workshops.publish(wizard.plan.workshop, wizard.services.clock)
                    except workshops.NotReady:
                        ui.notify(_("Fix the points above first."), type="negative")
                        return
                    ui.notify(_("Published: the public page is open."), type="positive")
                    await wizard.changed()
                    move_focus(wizard.client, PUBLISHING)

                button = focus_key(ui.button(_("Publish"), icon="public", on_click=publish).props("unelevated"),
                                   PUBLISHING)
                if errors:
                    button.disable()
            ui.link(_("Preview the public page"), f"/organise/{plan.workshop.slug}/preview", new_tab=True).classes(
                "atelier-link")
            Text(_("Everything stays editable after publishing."), "span").classes("atelier-muted text-sm")


def address_editor(wizard: Wizard) -> None:
    base = f"{wizard.services.public_url}/w/"
    with ui.column().classes("w-full gap-1"):
        slug = ui.input(_("Public address"), value=wizard.plan.workshop.slug).props(
            "outlined").classes("w-full")
        slug.props["prefix"] = base
        slug.props["hint"] = _("Lowercase letters, digits and hyphens. Changing it breaks links already shared.")

        async def save() -> None:
            try:
                value = await workshops.set_slug(wizard.plan.workshop, slug.value)
            except InvalidValue as problem:
                slug.error = translated(problem)
                return
            slug.error = None
            ui.notify(_("The public address is now {address}", address=base + value))
            ui.navigate.to(part_path(wizard.plan, Part.REVIEW))

        with ui.row().classes("gap-2"):
            ui.button(_("Change the address"), on_click=save).props("outline dense")

            async def copy() -> None:
                ui.clipboard.write(base + wizard.plan.workshop.slug)
                ui.notify(_("Link copied."))

            labelled(ui.button(_("Copy the link"), icon="content_copy", on_click=copy).props("flat dense"),
                     _("Copy the public link"))


def summary(wizard: Wizard) -> None:
    plan, workshop = wizard.plan, wizard.plan.workshop
    with ui.element("div").classes("grid gap-4 mt-6"):
        with section(wizard, Part.PURPOSE):
            facts({
                _("Title"): workshop.title,
                _("Public description"): workshop.description,
                _("Objectives"): workshop.objectives,
                _("Success factors"): workshop.success_factors,
                _("Interactivity"): {Interactivity.DELIBERATION: _("Deliberation"),
                                     Interactivity.COLLECTING_IDEAS: _("Collecting ideas")}[workshop.interactivity],
                _("Aim of the session"): {Aim.EXCHANGING_VIEWS: _("Exchanging views"),
                                          Aim.REACHING_CONSENSUS: _("Reaching a consensus")}[workshop.aim],
            })
        with section(wizard, Part.WHEN):
            sessions = [
                " · ".join([formatting.session_when(s.starts_at, workshop.duration_minutes, workshop.time_zone),
                            *([ngettext("{count} place", "{count} places", s.capacity)] if s.capacity else [])])
                for s in plan.sessions
            ]
            facts({
                _("Time zone"): formatting.zone_name(workshop.time_zone, wizard.services.clock.now()),
                _("Length"): formatting.duration(workshop.duration_minutes),
                _("Sessions"): "\n".join(sessions) or _("None yet"),
            })
        with section(wizard, Part.AGENDA):
            balance = planning.agenda_balance(plan)
            Text(_("{planned} planned, {buffer} left for the unexpected.",
                   planned=formatting.duration(balance.planned), buffer=formatting.duration(balance.buffer)),
                 "p").classes("atelier-muted")
            with ui.element("ol").classes("grid gap-1 pl-6 list-decimal"):
                for step in plan.steps:
                    with ui.element("li"):
                        untitled = _("Untitled step")
                        Text(" · ".join([step.title or untitled, formatting.duration(step.minutes),
                                         kind_label(step.kind)]), "span")
        with section(wizard, Part.WELCOME):
            facts({
                _("E-mail asked when joining"): _("Yes") if workshop.ask_email else _("No"),
                _("Welcome question"): workshop.arrival_question,
                _("Rules of the workshop"): workshop.rules_of_conduct,
                _("Thank-you message"): workshop.thank_you_message,
                _("Next dates of the consultation"): workshop.next_dates,
                _("Link to the feedback survey"): workshop.feedback_url,
            })
        with section(wizard, Part.ROOMS):
            facts({
                _("Plenary"): plan.plenary_room.name if plan.plenary_room else "",
                _("Breakout rooms"): "\n".join(
                    room.name + (f" · {room.topic}" if room.topic else "") for room in plan.breakout_rooms
                ) or _("None"),
                _("Assignment"): {
                    RoomAssignment.PARTICIPANTS_CHOOSE: _("They choose a room, within its capacity"),
                    RoomAssignment.RANDOM_BALANCED: _("At random, in rooms of balanced size"),
                    RoomAssignment.BY_ORGANISER: _("By the organiser, before the workshop"),
                    RoomAssignment.FROM_REGISTRATIONS: _("From the registrations: the rooms each person wished "
                                                         "for, within a fair share of places"),
                }[workshop.room_assignment],
            })
        with section(wizard, Part.PARTICIPANTS):
            participants_facts(wizard)
        with section(wizard, Part.TEAM):
            roles = role_options()
            facts({_("Team"): "\n".join(f"{m.account.display_name} · {roles[m.role.value]}" for m in plan.team)
                   or _("Nobody yet")})


def section(wizard: Wizard, part: Part) -> ui.card:
    card = ui.card().classes("atelier-card w-full p-5 gap-2")
    with card, ui.row().classes("w-full items-center justify-between"):
        heading(part_title(part), 3)
        labelled(ui.link(_("Edit"), part_path(wizard.plan, part)).classes("atelier-link text-sm"),
                 _("Edit {title}", title=part_title(part)))
    return card


def facts(items: dict[str, str]) -> None:
    with ui.element("dl").classes("grid gap-x-6 gap-y-2 md:grid-cols-[12rem_1fr] m-0"):
        for term, value in items.items():
            Text(term, "dt").classes("font-medium atelier-muted")
            Text(value or "—", "dd").classes("atelier-text m-0")


def participants_facts(wizard: Wizard) -> None:
    workshop = wizard.plan.workshop
    practical = workshop.practical_information_hours_before
    facts({
        _("Audience"): {Audience.GENERAL_PUBLIC: _("The general public"),
                        Audience.SPECIALISED: _("A specialised audience")}[workshop.audience]
        + (f" · {workshop.audience_details}" if workshop.audience_details else ""),
        _("Registration"): {
            RegistrationMode.OPEN_DOOR: _("Open door, without registering"),
            RegistrationMode.PUBLIC_FORM: _("Public form, addresses confirmed by e-mail"),
            RegistrationMode.INVITATION_ONLY: _("By invitation only"),
        }[workshop.registration_mode],
        _("Questions asked when registering"): "\n".join(
            question.text or _("Untitled question") for question in questions_of(workshop)) or _("None"),
        _("Practical information"): ngettext("{count} hour before", "{count} hours before", practical)
        if practical is not None else _("Not sent"),
        _("Reminders"): ", ".join(ngettext("{count} hour before", "{count} hours before", hours)
                                  for hours in workshop.reminder_hours_before or []) or _("None"),
        _("Feedback survey"): "\n".join([_("How satisfied are you with this workshop? (1 to 5)"),
                                         *(text for text in workshop.feedback_questions or [] if text)]),
        _("Personal data kept"): ngettext("{count} day after the last session", "{count} days after the last session",
                                          workshop.personal_data_kept_days),
    })
