"""A session's record as files: a CSV per table, one XLSX workbook with a sheet per table, and JSON of it all.

Every file is safe to open in a spreadsheet: in CSV, a cell that would start a formula gets a quote first (the
registrations' CSV helper, `domain.tracking.csv_file`); in XLSX every text is stored as text, never as a
formula, and marked to stay text if someone edits it (Excel's "quote prefix"). Instants are written in the
workshop's time zone (named in the JSON and on the summary sheet).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from domain.i18n import N_, translate
from domain.live.erasure import stand_in
from domain.record.model import PARTICIPANT, BarChart, Cell, RecordTable, SessionRecord
from domain.tracking import csv_file

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def local_time(zone: str, instant: datetime) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


def _local(record: SessionRecord, instant: datetime) -> datetime:
    return local_time(record.time_zone, instant)


def text_of(record: SessionRecord, cell: Cell) -> str | int | float:
    """A cell as a CSV file writes it: instants in the workshop's time zone; numbers stay numbers."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return _local(record, cell).strftime("%Y-%m-%d %H:%M:%S")
    return cell


def csv_delimiter(language: str) -> str:
    """Spreadsheets set to French read a semicolon between cells, as French decimals use the comma."""
    return ";" if language == "fr" else ","


def table_csv(record: SessionRecord, table: RecordTable) -> bytes:
    return csv_file([column.title for column in table.columns],
                    ([text_of(record, cell) for cell in row] for row in table.rows),
                    delimiter=csv_delimiter(record.language))


def file_name(record: SessionRecord, kind: str, extension: str) -> str:
    day = _local(record, record.session_starts_at).strftime("%Y-%m-%d")
    return f"{kind}-{day}.{extension}"


# ---------------------------------------------------------------- XLSX


def _sheet_title(title: str, taken: set[str]) -> str:
    base = SHEET_NAME_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" {number}"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _put(sheet: Any, row: int, column: int, value: Cell, record: SessionRecord) -> None:
    """One cell: numbers as numbers, instants as dates, every text as text (never a formula)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime):
        cell.value = _local(record, value).replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, int | float) or value is None:
        cell.value = value
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.value = text
        cell.data_type = "s"  # openpyxl would store "=…" as a formula: keep it a string
        cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
        if "\n" in text:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _fill(sheet: Any, header: Sequence[str], rows: Sequence[Sequence[Cell]], record: SessionRecord) -> None:
    for column, title in enumerate(header, start=1):
        _put(sheet, 1, column, title, record)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _put(sheet, row_number, column, value, record)
    for column, title in enumerate(header, start=1):
        longest = max([len(title)] + [len(str(text_of(record, row[column - 1]))) for row in rows[:200]])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(10, longest + 2), 60)
    sheet.freeze_panes = "A2"


def workbook(record: SessionRecord) -> bytes:
    """One workbook: a summary sheet (the session, the headline figures), then a sheet per table."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    taken: set[str] = set()

    def t(text: str) -> str:
        return translate(text, record.language)

    summary.title = _sheet_title(t(N_("Summary")), taken)
    facts: list[tuple[Cell, Cell]] = [
        (t(N_("Workshop")), record.workshop_title),
        (t(N_("Session")), record.session_starts_at),
        (t(N_("Time zone")), record.time_zone),
        (t(N_("Made")), record.generated_at),
        (t(N_("Personal data")), t(N_("included")) if record.with_personal else t(N_("left out"))),
        *((figure.label, f"{figure.value} ({figure.detail})" if figure.detail else figure.value)
          for figure in record.figures),
    ]
    _fill(summary, [t(N_("What")), t(N_("Value"))], facts, record)
    for table in record.tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        _fill(sheet, [column.title for column in table.columns], table.rows, record)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


# ---------------------------------------------------------------- JSON


def _json_cell(record: SessionRecord, cell: Cell) -> Any:
    return _local(record, cell).isoformat() if isinstance(cell, datetime) else cell


def table_json(record: SessionRecord, table: RecordTable) -> dict[str, Any]:
    return {
        "title": table.title,
        "columns": [{"key": column.key, "title": column.title, "personal": column.personal}
                    for column in table.columns],
        "rows": [{column.key: _json_cell(record, cell) for column, cell in zip(table.columns, row, strict=True)}
                 for row in table.rows],
    }


def record_json(record: SessionRecord) -> dict[str, Any]:
    return {
        "workshop": record.workshop_title,
        "session_starts_at": _local(record, record.session_starts_at).isoformat(),
        "time_zone": record.time_zone,
        "generated_at": _local(record, record.generated_at).isoformat(),
        "language": record.language,
        "personal_data": record.with_personal,
        "figures": [{"label": figure.label, "value": figure.value, "detail": figure.detail}
                    for figure in record.figures],
        "charts": [{"type": "bar" if isinstance(chart, BarChart) else "line", "title": chart.title,
                    "labels": list(chart.labels),
                    "series": [{"name": series.name, "values": list(series.values)} for series in chart.series]}
                   for chart in record.charts],
        "tables": {table.name: table_json(record, table) for table in record.tables},
    }


def json_file(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def person_json(record: SessionRecord, participant_id: int, personal: dict[str, Any]) -> dict[str, Any]:
    """What the record holds about one participant (a request for their data): their row's personal data, then
    every row of every table that names them."""
    who = stand_in(participant_id)
    tables = {}
    for table in record.tables:
        if PARTICIPANT not in [column.key for column in table.columns]:
            continue
        index = [column.key for column in table.columns].index(PARTICIPANT)
        mine = RecordTable(name=table.name, title=table.title, columns=table.columns,
                           rows=tuple(row for row in table.rows if row[index] == who))
        if mine.rows:
            tables[table.name] = table_json(record, mine)
    return {"workshop": record.workshop_title,
            "session_starts_at": _local(record, record.session_starts_at).isoformat(),
            "participant": who, "personal_data": personal, "tables": tables}
