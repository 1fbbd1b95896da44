"""`/organise/workshops/{id}/sessions/{id}/record`: what happened in a session, for its organisers.

Headline figures first, then the charts (people present minute by minute, speaking time per person, minutes per
step, then whatever the registered parts add), then every table of the record. Exports: a CSV per table, one
XLSX workbook, JSON of the whole record; "Leave out personal data" (on by default) applies to the page and to
every export. Below, a request about one person: their data as JSON, or erased. Printed (or saved as PDF from
the browser) the page drops its controls and starts each section on a new A4 page (`atelier.css`).
"""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_decimal
from fastapi import Request, Response
from nicegui import context, ui

from domain import retention
from domain.errors import DomainError, HistoryUnreadable
from domain.live.erasure import stand_in
from domain.live.events import UnreadableEvent
from domain.models import LiveRun, Participant, RunPhase, StaffAccount, StaffRole, Workshop, WorkshopSession
from domain.record import Chart, RecordTable, SessionRecord, exports
from domain.record.loading import real_run, session_record
from domain.record.model import Cell
from ui import formatting, record_charts
from ui.auth import check_staff, signed_in
from ui.components import Text, confirm, heading, labelled, named_select, paragraph, translated
from ui.frame import not_found_page, page_frame
from ui.i18n import _, current_language
from ui.services import Services

RECORD_PATH = "/organise/workshops/{workshop_id}/sessions/{session_id}/record"
MAX_ROWS_SHOWN = 500  # a longer table is in the exports whole


def record_path(workshop_id: int, session_id: int) -> str:
    return RECORD_PATH.format(workshop_id=workshop_id, session_id=session_id)


def register(services: Services) -> None:
    @ui.page(RECORD_PATH)
    async def record_page(workshop_id: int, session_id: int) -> Response | None:
        organiser = await check_staff(services, StaffRole.ORGANISER)
        if not isinstance(organiser, StaffAccount):
            return organiser
        workshop = await Workshop.get_or_none(id=workshop_id)
        session = await WorkshopSession.get_or_none(id=session_id, workshop_id=workshop_id)
        if workshop is None or session is None:
            return not_found_page(services, organiser, title=_("No such session"), message=_("No such session"),
                                  back=(_("Back to the workshops"), "/organise"))
        title = _("Record · {title}", title=workshop.title or _("Untitled workshop"))
        with page_frame(services, title, staff=organiser):
            run = await real_run(session.id)
            if run is not None and run.phase == RunPhase.BACKSTAGE and not await Participant.exists(run_id=run.id):
                run = None  # a visitor's look at the lobby made the run; nothing happened in it
            page = RecordPage(services, organiser, workshop, session, run)
            await page.build(title)
        return None


class RecordPage:
    def __init__(self, services: Services, organiser: StaffAccount, workshop: Workshop, session: WorkshopSession,
                 run: LiveRun | None) -> None:
        self.services, self.organiser, self.workshop, self.session, self.run = (services, organiser, workshop,
                                                                                 session, run)
        self.request: Request | None = context.client.request
        self.leave_out_personal = True

    async def build(self, title: str) -> None:
        ui.link(_("Back to the workshops"), "/organise").classes("atelier-link no-print")
        heading(title)
        paragraph(formatting.session_when(self.session.starts_at, self.workshop.duration_minutes,
                                          self.workshop.time_zone) + " · " +
                  formatting.zone_name(self.workshop.time_zone, self.session.starts_at), muted=True)
        if self.run is None:
            paragraph(_("This session has not taken place yet: its record starts when its doors open."),
                      muted=True)
            return
        with ui.row().classes("no-print w-full items-center gap-3 flex-wrap mb-2 record-toolbar"):
            ui.checkbox(_("Leave out personal data"), value=True,
                        on_change=lambda event: self.leave_out(bool(event.value))).mark("leave-out-personal")
            ui.button(_("Download XLSX"), icon="table_view", on_click=self.download_workbook).props("outline")
            ui.button(_("Download JSON"), icon="data_object", on_click=self.download_json).props("outline")
            ui.button(_("Print or save as PDF"), icon="print",
                      on_click=lambda: ui.run_javascript("window.print()")).props("flat")
        await self.content()
        await self.personal_request()

    async def leave_out(self, value: bool) -> None:
        if not await self.still_allowed():
            return
        self.leave_out_personal = value
        await self.content.refresh()

    async def load(self, *, with_personal: bool) -> SessionRecord:
        assert self.run is not None
        return await session_record(self.run, self.services.clock, language=current_language(),
                                    with_personal=with_personal)

    @ui.refreshable_method
    async def content(self) -> None:
        try:
            record = await self.load(with_personal=not self.leave_out_personal)
        except (UnreadableEvent, HistoryUnreadable) as problem:
            paragraph(_("The record of this session cannot be read: {reason}", reason=str(problem)))
            return
        self.figures(record)
        if record.charts:
            with ui.element("section").classes("record-section w-full grid gap-4"):
                heading(_("Charts"), 2)
                with ui.element("div").classes("record-charts w-full"):
                    for chart in record.charts:
                        self.chart(chart)
        for table in record.tables:
            self.table(record, table)

    # ------------------------------------------------------------ what the page shows

    def figures(self, record: SessionRecord) -> None:
        with ui.element("ul").classes("record-figures w-full list-none p-0 m-0 grid gap-3"):
            for figure in record.figures:
                with ui.element("li").classes("atelier-card p-4 grid gap-1"):
                    Text(figure.label, "span").classes("atelier-muted text-sm")
                    Text(figure.value, "span").classes("text-3xl font-semibold record-figure")
                    if figure.detail:
                        Text(figure.detail, "span").classes("atelier-muted text-sm")

    def chart(self, chart: Chart) -> None:
        with ui.element("figure").classes("record-chart atelier-card p-4 m-0 grid content-start gap-2 min-w-0"):
            Text(chart.title + (f" ({chart.unit})" if chart.unit else ""), "figcaption").classes("font-semibold")
            labelled(ui.echart(record_charts.options(chart, current_language()), renderer="svg"),
                     record_charts.summary(chart)).props(
                'role="img"').classes("w-full").style(f"height: {record_charts.height(chart)}px")

    def table(self, record: SessionRecord, table: RecordTable) -> None:
        with ui.element("section").classes("record-section w-full grid gap-2"):
            with ui.row().classes("w-full items-center justify-between gap-3"):
                heading(table.title, 2)
                labelled(ui.button(_("CSV"), icon="download",
                                   on_click=lambda table=table: self.download_csv(table)).props("flat dense"),
                         _("Download {table} as CSV", table=table.title)).classes("no-print")
            if not table.rows:
                paragraph(_("Nothing to show."), muted=True)
                return
            cell = "text-left py-1 pr-4 border-b align-top"
            with ui.element("div").classes("record-scroll w-full"), ui.element("table").classes(
                    "record-table border-collapse w-full"):
                with ui.element("thead"), ui.element("tr"):
                    for column in table.columns:
                        Text(column.title, "th").props('scope="col"').classes(cell + " font-semibold")
                with ui.element("tbody"):
                    for row in table.rows[:MAX_ROWS_SHOWN]:
                        with ui.element("tr"):
                            for value in row:
                                Text(self.shown(value), "td").classes(cell + self.cell_class(value))
            if len(table.rows) > MAX_ROWS_SHOWN:
                paragraph(_("The first {shown} of {count} rows: the exports hold them all.", shown=MAX_ROWS_SHOWN,
                            count=len(table.rows)), muted=True)

    @staticmethod
    def cell_class(value: Cell) -> str:
        if isinstance(value, int | float):
            return " text-right record-number"
        return " record-time" if isinstance(value, datetime) else " record-text"

    def shown(self, value: Cell) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            local = exports.local_time(self.workshop.time_zone, value)
            same_day = local.date() == exports.local_time(self.workshop.time_zone, self.session.starts_at).date()
            return local.strftime("%H:%M:%S" if same_day else "%Y-%m-%d %H:%M")
        if isinstance(value, float):
            return format_decimal(value, format="0.#", locale=current_language())
        return str(value)

    # ------------------------------------------------------------ exports

    async def still_allowed(self) -> bool:
        """Whether the organiser may still read this record (their sign-in may have ended since the page loaded)."""
        account = await signed_in(self.services, self.request)
        if account is not None and account.id == self.organiser.id and account.role == StaffRole.ORGANISER:
            return True
        ui.notify(_("Your sign-in has ended: sign in again to see the record."), type="warning")
        return False

    async def current(self) -> SessionRecord | None:
        if not await self.still_allowed():
            return None
        return await self.load(with_personal=not self.leave_out_personal)

    def name(self, record: SessionRecord, kind: str, extension: str) -> str:
        return exports.file_name(record, f"{self.workshop.slug}-{kind}", extension)

    async def download_csv(self, table: RecordTable) -> None:
        record = await self.current()
        if record is None:
            return
        fresh = next((each for each in record.tables if each.name == table.name), None)
        if fresh is not None:
            ui.download.content(exports.table_csv(record, fresh), self.name(record, table.name, "csv"),
                                "text/csv; charset=utf-8")

    async def download_workbook(self) -> None:
        record = await self.current()
        if record is not None:
            ui.download.content(exports.workbook(record), self.name(record, "record", "xlsx"),
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    async def download_json(self) -> None:
        record = await self.current()
        if record is not None:
            ui.download.content(exports.json_file(exports.record_json(record)), self.name(record, "record", "json"),
                                "application/json")

    # ------------------------------------------------------------ one person's request

    async def personal_request(self) -> None:
        with ui.element("section").classes("no-print record-request atelier-card w-full p-5 grid gap-3"):
            heading(_("A request about one person"), 2)
            paragraph(_("Someone asks for the data kept about them, or for its erasure: choose them here. Erasing "
                        "removes their name, e-mail and answers; what they did stays, under their number."),
                      muted=True)
            await self.people_choice()

    @ui.refreshable_method
    async def people_choice(self) -> None:
        assert self.run is not None
        rows = await Participant.filter(run_id=self.run.id).order_by("id").values("id", "display_name")
        options = {int(row["id"]): (f"{stand_in(int(row['id']))} · {row['display_name']}" if row["display_name"]
                                    else _("{number} (erased)", number=stand_in(int(row["id"]))))
                   for row in rows}
        if not options:
            paragraph(_("Nobody has joined this session."), muted=True)
            return
        with ui.row().classes("w-full items-end gap-3 flex-wrap"):
            person = named_select(ui.select(options, label=_("Person")).props("outlined").classes(
                "min-w-[18rem]").mark("record-person"), _("Person"))
            ui.button(_("Export their data (JSON)"), icon="download",
                      on_click=lambda: self.export_person(person.value)).props("outline")
            ui.button(_("Erase their personal data…"), icon="delete",
                      on_click=lambda: self.ask_erasure(person.value, options)).props("outline color=negative")

    async def export_person(self, participant_id: int | None) -> None:
        if participant_id is None:
            ui.notify(_("Choose the person first."), type="warning")
            return
        if not await self.still_allowed():
            return
        row = await Participant.get_or_none(id=participant_id)
        if row is None:
            return
        record = await self.load(with_personal=True)
        personal = {"name": row.display_name, "email": row.email, "arrival_answer": row.arrival_answer,
                    "came_from_a_registration": row.registration_id is not None, "erased": not row.display_name}
        data = exports.json_file(exports.person_json(record, participant_id, personal))
        ui.download.content(data, self.name(record, f"participant-{participant_id}", "json"), "application/json")

    def ask_erasure(self, participant_id: int | None, options: dict[int, str]) -> None:
        if participant_id is None:
            ui.notify(_("Choose the person first."), type="warning")
            return

        async def erase() -> None:
            if not await self.still_allowed():
                return
            try:
                await retention.erase_participant(participant_id, self.services.live)
            except DomainError as refused:
                ui.notify(translated(refused), type="negative")
                return
            ui.notify(_("Their personal data is erased."), type="positive")
            await self.content.refresh()
            self.people_choice.refresh()

        confirm(_("Erase the personal data of {person}?", person=options[participant_id]),
                _("Their name, e-mail and answers are deleted for good, also in a session that is running. What "
                  "they did stays in the record, under their number."), _("Erase"), erase)
