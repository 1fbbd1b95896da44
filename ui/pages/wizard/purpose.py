"""Part 1, purpose: what the workshop is for, for whom, and how interactive it is."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from domain import workshops
from domain.i18n import LANGUAGES, language_name
from domain.models import Aim, Interactivity
from ui.components import Text, paragraph
from ui.i18n import _
from ui.pages.wizard.shell import Wizard, workshop_value


def saver(wizard: Wizard, name: str) -> Any:
    async def save(value: Any) -> None:
        await workshops.update_workshop(wizard.plan.workshop, name, value)
    return save


def text_field(wizard: Wizard, name: str, label: str, hint: str, *, long: bool = False,
               limit: int | None = None) -> None:
    value = getattr(wizard.plan.workshop, name)
    element = (ui.textarea if long else ui.input)(label, value=value).props("outlined debounce=300").classes("w-full")
    # The limit is said, never enforced by the browser (it would cut pasted text silently): longer text stays in
    # the field with the domain's message beside it, and the last valid value stays stored.
    element.props["hint"] = f"{hint} {_('At most {count} characters.', count=limit)}" if limit else hint
    if long:
        element.props("autogrow")
    wizard.field(element, saver(wizard, name), read=workshop_value(name), name=name)
    wizard.advice(name)


def choice_field(wizard: Wizard, name: str, legend: str, options: dict[str, str]) -> None:
    with ui.element("fieldset").classes("w-full border rounded-lg px-4 pb-3 pt-1 border-gray-300"):
        Text(legend, "legend").classes("px-1 font-medium")
        radio = ui.radio(options, value=getattr(wizard.plan.workshop, name).value)
        radio.props["aria-label"] = legend
        wizard.field(radio, saver(wizard, name), read=workshop_value(name), name=name)


async def render(wizard: Wizard) -> None:
    paragraph(_("What do you want to achieve? Make the objectives clear and shared by the whole team: each later "
                "step serves them. Who should come is said in the participants part."), muted=True)
    with ui.column().classes("w-full gap-5 mt-4"):
        text_field(wizard, "title", _("Title"), _("Short and concrete: it is the first thing citizens read."),
                   limit=120)
        text_field(wizard, "description", _("Public description"),
                   _("Shown on the public page: what the workshop is about, why people are invited, how their "
                     "contributions will be used."), long=True)
        text_field(wizard, "objectives", _("Objectives"),
                   _("What the team wants to achieve by the end of the workshop."), long=True)
        text_field(wizard, "success_factors", _("Success factors"),
                   _("How you will know it worked: who took part, what came out of it."), long=True)
        choice_field(wizard, "interactivity", _("Interactivity"), {
            Interactivity.DELIBERATION.value: _("Deliberation: participants discuss the subject in depth together"),
            Interactivity.COLLECTING_IDEAS.value: _("Collecting ideas: participants bring ideas and suggestions"),
        })
        choice_field(wizard, "aim", _("Aim of the session"), {
            Aim.EXCHANGING_VIEWS.value: _("Exchanging views"),
            Aim.REACHING_CONSENSUS.value: _("Reaching a consensus"),
        })
        language = ui.select({code: language_name(code) for code in LANGUAGES}, value=wizard.plan.workshop.language,
                             label=_("Language of the workshop")).props("outlined").classes("w-full max-w-xs")
        language.props["hint"] = _("The language of the public page, the invitations and the step templates.")
        wizard.field(language, saver(wizard, "language"), read=workshop_value("language"), name="language")
