"""Part 4, welcome and closing: how people join, the welcome question, the rules, the thank-you."""

from __future__ import annotations

from nicegui import ui

from ui.components import heading, paragraph
from ui.i18n import _
from ui.pages.wizard.purpose import saver, text_field
from ui.pages.wizard.shell import Wizard, workshop_value


async def render(wizard: Wizard) -> None:
    paragraph(_("Welcome people as they arrive with a question, agree on the rules of the online workshop, and "
                "end with thanks, the next dates and a feedback survey."), muted=True)
    with ui.column().classes("w-full gap-5 mt-4"):
        heading(_("Joining"), 3)
        ask_email = ui.switch(_("Ask participants for their e-mail address when they join"),
                              value=wizard.plan.workshop.ask_email)
        wizard.field(ask_email, saver(wizard, "ask_email"), read=workshop_value("ask_email"), name="ask_email")
        heading(_("Welcome"), 3)
        text_field(wizard, "arrival_question", _("Welcome question"),
                   _("Asked in the lobby and shared during the welcome, e.g. “What brings you here?”"), limit=300)
        text_field(wizard, "rules_of_conduct", _("Rules of the workshop"),
                   _("Shown in the lobby and during the welcome."), long=True)
        heading(_("Closing"), 3)
        text_field(wizard, "thank_you_message", _("Thank-you message"),
                   _("Shown at the last step and when the workshop ends."), long=True)
        text_field(wizard, "next_dates", _("Next dates of the consultation"),
                   _("What happens next, and when."), long=True)
        text_field(wizard, "feedback_url", _("Link to the feedback survey"),
                   _("A web address, e.g. https://questionnaire.ville.example/atelier"), limit=500)
