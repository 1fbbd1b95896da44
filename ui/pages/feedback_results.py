"""`/organise/workshops/{id}/feedback`: what participants answered to a workshop's feedback survey, for organisers.

How many answered out of how many came; the satisfaction as a chart and, for screen readers and for copying, as a
table with the same figures; each open question's answers, as the people wrote them (text, never markup).
"""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent
from fastapi import Response
from nicegui import ui

from domain import feedback
from domain.feedback import SATISFACTION_LEVELS, FeedbackResults
from domain.models import StaffAccount, StaffRole, Workshop
from ui.auth import check_staff
from ui.components import Text, heading, labelled, paragraph
from ui.feedback_survey import satisfaction_label
from ui.frame import not_found_page, page_frame
from ui.i18n import _, current_language, ngettext
from ui.services import Services

RESULTS_PATH = "/organise/workshops/{workshop_id}/feedback"


def results_path(workshop: Workshop) -> str:
    return RESULTS_PATH.format(workshop_id=workshop.id)


def register(services: Services) -> None:
    @ui.page(RESULTS_PATH)
    async def feedback_results(workshop_id: int) -> Response | None:
        organiser = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(organiser, StaffAccount):
            return organiser
        workshop = await Workshop.get_or_none(id=workshop_id)
        if workshop is None:
            return not_found_page(services, organiser, title=_("No such workshop"), message=_("No such workshop"),
                                  back=(_("Back to the workshops"), "/organise"))
        title = _("Feedback · {title}", title=workshop.title or _("Untitled workshop"))
        with page_frame(services, title, staff=organiser):
            ResultsPage(await feedback.results(workshop), title)
        return None


class ResultsPage:
    def __init__(self, results: FeedbackResults, title: str) -> None:
        self.results = results
        ui.link(_("Back to the workshops"), "/organise").classes("atelier-link")
        heading(title)
        paragraph(ngettext("{count} answer", "{count} answers", results.answered) + " · " +
                  ngettext("{count} person took part", "{count} people took part", results.attended))
        if results.answered:
            self.satisfaction()
        else:
            paragraph(_("Nobody has answered yet. Participants answer at the closing step of the workshop, or "
                        "afterwards from their personal page (the thank-you e-mail links to it)."), muted=True)
        self.open_answers()

    def satisfaction(self) -> None:
        results = self.results
        assert results.mean is not None
        mean = format_decimal(round(results.mean, 1), format="0.0", locale=current_language())
        labels = [satisfaction_label(level, words) for level, words in SATISFACTION_LEVELS]
        counts = [results.satisfaction[level] for level, _words in SATISFACTION_LEVELS]
        with ui.card().classes("atelier-card p-5 gap-4 w-full"):
            heading(_("Satisfaction"), 2)
            Text(_("Average: {mean} out of 5", mean=mean), "p").classes("font-semibold")
            summary = _("Satisfaction, number of answers per point of the scale: {counts}.", counts="; ".join(
                f"{label}: {count}" for label, count in zip(labels, counts, strict=True)))
            labelled(ui.echart({
                "animation": False,
                "grid": {"left": 200, "right": 24, "top": 8, "bottom": 24},
                "xAxis": {"type": "value", "minInterval": 1},
                "yAxis": {"type": "category", "inverse": True, "data": labels},
                "series": [{"type": "bar", "data": counts, "itemStyle": {"color": "#1d4ed8"},
                            "label": {"show": True, "position": "right"}}],
                "tooltip": {"show": False},
            }), summary).props('role="img"').classes("w-full h-64")
            cell = "text-left py-1 pr-8 border-b"
            with ui.element("table").classes("border-collapse self-start"):
                Text(_("Answers per point of the scale"), "caption").classes("text-left font-semibold pb-2")
                with ui.element("thead"), ui.element("tr"):
                    for title in (_("Satisfaction"), _("Answers"), _("Share")):
                        Text(title, "th").props('scope="col"').classes(cell)
                with ui.element("tbody"):
                    for label, count in zip(labels, counts, strict=True):
                        with ui.element("tr"):
                            Text(label, "th").props('scope="row"').classes(cell + " font-normal")
                            Text(str(count), "td").classes(cell + " text-right")
                            Text(format_percent(count / results.answered, locale=current_language()), "td").classes(
                                cell + " text-right")

    def open_answers(self) -> None:
        for group in self.results.open_answers:
            with ui.card().classes("atelier-card p-5 gap-3 w-full"):
                heading(group.question or _("Question without text"), 2, looks_like=3)
                if not group.answers:
                    paragraph(_("No answer yet."), muted=True)
                    continue
                Text(ngettext("{count} answer", "{count} answers", len(group.answers)), "p").classes(
                    "atelier-muted text-sm")
                with ui.element("ul").classes("grid gap-2 list-none p-0 m-0"):
                    for text in group.answers:
                        Text(text, "li").classes("atelier-text border-l-4 pl-3")
