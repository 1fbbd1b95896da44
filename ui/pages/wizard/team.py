"""Part 5, team: who moderates, chosen among the staff accounts."""

from __future__ import annotations

from nicegui import ui

from domain import accounts, workshops
from domain.errors import DomainError
from domain.models import TeamMember, TeamRole
from ui.components import Text, confirm, labelled, named_select, paragraph, translated
from ui.focus import focus_key, key, move_focus
from ui.i18n import _
from ui.pages.wizard.fields import MISSING
from ui.pages.wizard.shell import Wizard

ADD_MEMBER = key("add-member")


def role_options() -> dict[str, str]:
    return {TeamRole.LEAD_MODERATOR.value: _("Lead moderator"), TeamRole.CO_MODERATOR.value: _("Co-moderator")}


async def render(wizard: Wizard) -> None:
    paragraph(_("Moderating online is demanding: a lead moderator guides the discussion while a co-moderator "
                "watches the hands, the time and the technical questions. Moderators see the script of every "
                "step."), muted=True)
    wizard.advice("team")

    @ui.refreshable
    async def team() -> None:
        with ui.column().classes("w-full gap-3 mt-4"):
            if not wizard.plan.team:
                paragraph(_("Nobody in the team yet."), muted=True)
            for member in wizard.plan.team:
                member_row(member)
        await add_form()

    async def restructure(*focus: str) -> None:
        """Redraw the team once someone came or went, the focus on these keys or the form to add someone."""
        await wizard.changed()
        await team.refresh()
        move_focus(wizard.client, *focus, ADD_MEMBER)

    def member_row(member: TeamMember) -> None:
        with ui.card().classes("atelier-card w-full p-4"), ui.row().classes("w-full items-center gap-4"):
            with ui.column().classes("gap-0 grow min-w-0"):
                Text(member.account.display_name, "span").classes("font-semibold")
                Text(member.account.email, "span").classes("atelier-muted text-sm")
            role = named_select(ui.select(role_options(), value=member.role.value, label=_("Role")),
                                _("Role of {name}", name=member.account.display_name)).props(
                "outlined dense").classes("w-52")
            focus_key(role, "member", member.id)
            wizard.field(role, lambda value: workshops.set_team_role(member, value), read=lambda plan: next(
                (m.role.value for m in plan.team if m.id == member.id), MISSING), subject=f"member:{member.id}",
                name="role")

            async def remove() -> None:
                ids = [m.id for m in wizard.plan.team]
                place = ids.index(member.id) if member.id in ids else 0
                await workshops.remove_team_member(member)
                await restructure(*(key("member", i) for i in ids[place + 1:][:1] + ids[:place][-1:]))

            name = member.account.display_name
            labelled(ui.button(icon="person_remove", on_click=lambda: confirm(
                _("Remove {name} from the team?", name=name),
                _("They no longer see this workshop's script nor its moderator board."), _("Remove"), remove,
            )).props("flat round"), _("Remove {name} from the team", name=name))

    async def add_form() -> None:
        in_team = {member.account_id for member in wizard.plan.team}
        candidates = {account.id: f"{account.display_name} · {account.email}"
                      for account in await accounts.staff_accounts() if account.id not in in_team}
        with focus_key(ui.card(), ADD_MEMBER).classes("atelier-card w-full p-4 gap-3 mt-2"):
            Text(_("Add someone to the team"), "h3").classes("atelier-subsection")
            if not candidates:
                paragraph(_("Every staff account is already in the team."), muted=True)
            else:
                with ui.row().classes("w-full items-start gap-4"):
                    person = ui.select(candidates, label=_("Staff account"), with_input=True).props(
                        "outlined").classes("grow min-w-[16rem]")
                    role = ui.select(role_options(), value=TeamRole.CO_MODERATOR.value, label=_("Role")).props(
                        "outlined").classes("w-52")

                    async def add() -> None:
                        if person.value is None:
                            person.error = _("Choose a staff account from the list.")
                            return
                        try:
                            member = await workshops.add_team_member(wizard.plan.workshop, person.value,
                                                                     TeamRole(role.value))
                        except DomainError as problem:
                            person.error = translated(problem)
                            return
                        await restructure(key("member", member.id))

                    ui.button(_("Add"), icon="person_add", on_click=add).props("unelevated").classes("mt-2")
            with ui.row().classes("gap-1 text-sm atelier-muted"):
                Text(_("Someone missing?"), "span")
                ui.link(_("Create a staff account"), f"/organise/staff?back={wizard.plan.workshop.slug}").classes(
                    "atelier-link")

    await team()
