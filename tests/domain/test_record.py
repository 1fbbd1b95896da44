"""A scripted session's record, and its exports read back as a spreadsheet or a program would read them."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from openpyxl import load_workbook

from domain.live.erasure import stand_in
from domain.record import (
    PARTICIPANT,
    BarChart,
    Column,
    Figure,
    RecordPart,
    RecordSource,
    RecordTable,
    Series,
    exports,
    register_record_part,
)
from domain.record.loading import session_record
from domain.record.model import record_parts, remove_record_part
from tests.domain.conftest import Setup
from tests.record_session import FORMULA_NAME, NAMES, NOTICE, SCRIPT_NAME, VUE_NAME, run_script


async def test_the_record_tells_what_happened(setup: Setup) -> None:
    script = await run_script(setup.live, setup.clock, setup.workshop)
    record = await session_record(setup.live.run, setup.clock, language="en", with_personal=True)
    attendance = {row["name"]: row for row in record.table("attendance").dicts()}
    assert set(attendance) == set(NAMES)
    assert attendance["Amina"]["participant"] == stand_in(script.ids["Amina"])
    assert attendance["Amina"]["arrival_answer"] == "Answer of Amina"
    assert attendance["Amina"]["minutes_present"] == 12.5 + 25 + 8
    assert attendance["Bob"]["last_left_at"] == script.left["Bob"]
    assert attendance["Bob"]["minutes_present"] == 12.5 + 20
    figures = {figure.label: figure for figure in record.figures}
    assert figures["Attended"].value == "5" and figures["Peak present"].value == "5"
    assert figures["Duration"].value == "46 min" and figures["Duration"].detail == "90 min planned"
    assert figures["Speaking turns"].value == "2"

    timeline = record.table("timeline").dicts()
    assert [(row["planned_minutes"], row["actual_minutes"], row["difference_minutes"]) for row in timeline] == [
        (10, 12.5, 2.5), (25, 25.0, 0.0), (10, 8.0, -2.0)]

    turns = record.table("speaking_turns").dicts()
    assert [(row["name"], row["seconds"]) for row in turns] == [("Amina", 180), (FORMULA_NAME, 90)]
    for name, spoken in script.spoken.items():  # the same as the live state counted
        assert setup.live.state.people[script.ids[name]].spoken == spoken

    stays = record.table("rooms").dicts()
    assert {row["name"]: row["room"] for row in stays} == {
        name: setup.live.room(room_id).name for name, room_id in script.rooms.items()}
    assert {row["name"]: row["minutes"] for row in stays}["Bob"] == 20
    assert [row["text"] for row in record.table("notices").dicts()] == [NOTICE]
    answers = record.table("feedback").dicts()
    assert [row["satisfaction"] for row in answers] == [5, 2]
    assert answers[1]["participant"] == stand_in(script.ids[SCRIPT_NAME])
    chart_titles = [chart.title for chart in record.charts]
    assert chart_titles[:3] == ["People present, minute by minute", "Minutes per step, planned and taken",
                                "Speaking time per person"]
    presence = record.charts[0]
    assert max(presence.series[0].values) == 5 and presence.series[0].values[-1] == 4  # Bob left


async def test_a_record_without_personal_data_has_no_name_email_or_answer(setup: Setup) -> None:
    await run_script(setup.live, setup.clock, setup.workshop)
    record = await session_record(setup.live.run, setup.clock, language="fr", with_personal=False)
    data = exports.json_file(exports.record_json(record)).decode()
    for name in NAMES:
        assert name not in data and json.dumps(name)[1:-1] not in data
    assert "Answer of" not in data
    speaking = next(chart for chart in record.charts if chart.title == "Temps de parole par personne")
    assert all(label.startswith("#") for label in speaking.labels)


async def test_exports_read_back_hold_every_row_with_formulas_neutralised(setup: Setup) -> None:
    script = await run_script(setup.live, setup.clock, setup.workshop)
    record = await session_record(setup.live.run, setup.clock, language="fr", with_personal=True)

    attendance_csv = exports.table_csv(record, record.table("attendance"))
    assert attendance_csv.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    rows = list(csv.reader(io.StringIO(attendance_csv.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Participant·e", "Nom"]
    names = [row[1] for row in rows[1:]]
    assert "'" + FORMULA_NAME in names and SCRIPT_NAME in names and VUE_NAME in names
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    timeline = list(csv.reader(io.StringIO(exports.table_csv(record, record.table("timeline")).decode("utf-8-sig")),
                               delimiter=";"))
    assert [row[-1] for row in timeline[1:]] == ["2,5", "0", "-2"]  # numbers stay numbers, in French
    notices = list(csv.reader(io.StringIO(exports.table_csv(record, record.table("notices")).decode("utf-8-sig")),
                              delimiter=";"))
    assert notices[1][-1] == "'" + NOTICE

    book = load_workbook(io.BytesIO(exports.workbook(record)))
    assert book.sheetnames[0] == "Résumé"
    sheets = {sheet.title: sheet for sheet in book.worksheets}
    people = sheets["Présence"]
    header = [cell.value for cell in people[1]]
    names_column = header.index("Nom") + 1
    cells = [people.cell(row=row, column=names_column) for row in range(2, people.max_row + 1)]
    assert sorted(cell.value for cell in cells) == sorted(NAMES)
    assert all(cell.data_type == "s" for cell in cells)
    assert not any(cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)
    turns = sheets["Tours de parole"]
    assert [row[-1] for row in turns.iter_rows(min_row=2, values_only=True)] == [180, 90]
    assert sheets["Présence"].cell(row=2, column=header.index("Première arrivée") + 1).value.year == 2026
    for table in record.tables:  # every row of every table is in the workbook
        sheet = next(sheet for sheet in book.worksheets if sheet.title == table.title[:31])
        assert sheet.max_row - 1 == len(table.rows)

    whole = json.loads(exports.json_file(exports.record_json(record)))
    assert whole["personal_data"] is True
    assert {row["name"] for row in whole["tables"]["attendance"]["rows"]} == set(NAMES)
    assert [row["seconds"] for row in whole["tables"]["speaking_turns"]["rows"]] == [180, 90]
    assert whole["tables"]["attendance"]["rows"][0]["joined_at"].endswith("+01:00")  # Paris, in December
    assert len(whole["tables"]["rooms"]["rows"]) == len(NAMES)
    one = exports.person_json(record, script.ids["Amina"], {"name": "Amina"})
    assert set(one["tables"]) == {"attendance", "speaking_turns", "rooms", "feedback"}
    assert all(row["participant"] == stand_in(script.ids["Amina"])
               for table in one["tables"].values() for row in table["rows"])


async def test_durations_of_a_run_still_going_count_up_to_now(setup: Setup) -> None:
    amina, = await setup.people("Amina")
    await setup.live.open_doors()
    await setup.live.start()
    await setup.live.give_floor(amina)
    setup.clock.advance(minutes=4)
    record = await session_record(setup.live.run, setup.clock, language="en", with_personal=True)
    assert record.table("speaking_turns").dicts()[0]["seconds"] == 240
    assert record.table("timeline").dicts()[0]["ended_at"] is None
    assert record.table("attendance").dicts()[0]["minutes_present"] == 4.0
    assert timedelta(minutes=4) == setup.clock.now() - setup.live.state.started_at


async def test_a_part_registered_elsewhere_adds_its_table_and_chart_to_the_record_and_its_exports(
        setup: Setup) -> None:
    """What an activity (ideas, polls...) does: one more module, no edit of the record's own files."""

    async def ideas(source: RecordSource) -> RecordPart:
        table = RecordTable(name="ideas", title="Ideas", columns=(
            Column(PARTICIPANT, "Participant"), Column("text", "Idea")),
            rows=tuple((stand_in(person.id), f"=idea of {person.id}") for person in source.state.people.values()))
        chart = BarChart("Ideas per room", ("Room 1",), (Series("Ideas", (2.0,)),))
        return RecordPart(tables=(table,), charts=(chart,), figures=(Figure("Ideas", str(len(table.rows))),))

    register_record_part(ideas, name="test.ideas")
    try:
        assert record_parts()[-1] == "test.ideas"
        amina, = await setup.people("Amina")
        record = await session_record(setup.live.run, setup.clock, language="en", with_personal=False)
        assert record.tables[-1].name == "ideas" and record.charts[-1].title == "Ideas per room"
        assert record.figures[-1].value == "1"
        whole = exports.record_json(record)
        assert whole["tables"]["ideas"]["rows"] == [{"participant": stand_in(amina), "text": f"=idea of {amina}"}]
        book = load_workbook(io.BytesIO(exports.workbook(record)))
        assert book["Ideas"]["B2"].value == f"=idea of {amina}" and book["Ideas"]["B2"].data_type == "s"
        assert exports.person_json(record, amina, {})["tables"]["ideas"]["rows"][0]["text"] == f"=idea of {amina}"
    finally:
        remove_record_part("test.ideas")
    assert "test.ideas" not in record_parts()
