"""A scripted session's record, and its exports read back as a spreadsheet or a program would read them."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from functools import partial

from openpyxl import load_workbook

from domain import workshops
from domain.activities import summary
from domain.live.erasure import stand_in
from domain.models import Step
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
from tests.record_session import (
    ASKED,
    EDITED_IDEA,
    FORMULA_NAME,
    IDEAS,
    NAMES,
    NOTICE,
    POLL_CHOICES,
    POLL_QUESTION,
    SCRIPT_NAME,
    SECRET_CHOICES,
    SECRET_QUESTION,
    TEAM_IDEA,
    VUE_NAME,
    Script,
    run_script,
)


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
    assert set(one["tables"]) == {"attendance", "speaking_turns", "rooms", "feedback", "ideas", "questions",
                                  "question_up_votes", "poll_ballots", "dots_by_person"}
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
        table = RecordTable(name="suggestions", title="Suggestions", columns=(
            Column(PARTICIPANT, "Participant"), Column("text", "Idea")),
            rows=tuple((stand_in(person.id), f"=idea of {person.id}") for person in source.state.people.values()))
        chart = BarChart("Ideas per room", ("Room 1",), (Series("Ideas", (2.0,)),))
        return RecordPart(tables=(table,), charts=(chart,), figures=(Figure("Ideas", str(len(table.rows))),))

    register_record_part(ideas, name="test.ideas")
    try:
        assert record_parts()[-1] == "test.ideas"
        amina, = await setup.people("Amina")
        record = await session_record(setup.live.run, setup.clock, language="en", with_personal=False)
        assert record.tables[-1].name == "suggestions" and record.charts[-1].title == "Ideas per room"
        assert record.figures[-1].value == "1"
        whole = exports.record_json(record)
        assert whole["tables"]["suggestions"]["rows"] == [{"participant": stand_in(amina), "text": f"=idea of {amina}"}]
        book = load_workbook(io.BytesIO(exports.workbook(record)))
        assert book["Suggestions"]["B2"].value == f"=idea of {amina}" and book["Suggestions"]["B2"].data_type == "s"
        assert exports.person_json(record, amina, {})["tables"]["suggestions"]["rows"][0]["text"] == f"=idea of {amina}"
    finally:
        remove_record_part("test.ideas")
    assert "test.ideas" not in record_parts()


def contributions(script: Script) -> dict[str, str]:
    """Every idea's text as the record holds it at the end, by author."""
    return {**IDEAS, "Bob": EDITED_IDEA, "team": TEAM_IDEA}


async def test_every_contribution_and_vote_is_in_the_record(setup: Setup) -> None:
    script = await run_script(setup.live, setup.clock, setup.workshop)
    record = await session_record(setup.live.run, setup.clock, language="en", with_personal=True)
    who = {name: stand_in(pid) for name, pid in script.ids.items()}
    rooms = {name: setup.live.room(room_id).name for name, room_id in script.rooms.items()}

    ideas = {row["idea"]: row for row in record.table("ideas").dicts()}
    assert set(ideas) == set(script.ideas.values())
    for author, text in contributions(script).items():
        row = ideas[script.ideas[author]]
        assert row["text"] == text and row["step"] == setup.live.steps[1].title
        assert row["room"] == rooms["Bob" if author == "team" else author]
        assert row["participant"] == (who[author] if author != "team" else "The moderators")
        assert row["name"] == (author if author != "team" else "")
    assert ideas[script.ideas["Bob"]]["edited"] == "yes" and ideas[script.ideas["Bob"]]["pinned"] == "yes"
    assert ideas[script.ideas["Amina"]]["tags"] == "=tag; benches"
    assert ideas[script.ideas[FORMULA_NAME]]["hidden"] == "yes"
    assert ideas[script.ideas[VUE_NAME]]["merged_into"] == script.ideas["Amina"]

    asked = {row["question"]: row for row in record.table("questions").dicts()}
    assert {row["text"] for row in asked.values()} == set(ASKED.values())
    for asker, question_id in script.questions.items():
        assert asked[question_id]["participant"] == who[asker] and asked[question_id]["room"] == "Plenary"
        assert asked[question_id]["up_votes"] == len(script.up_votes[asker])
        assert asked[question_id]["answered"] == ("yes" if asker == "Amina" else "no")
    assert sorted((row["question"], row["participant"]) for row in record.table("question_up_votes").dicts()) == \
        sorted((script.questions[asker], who[voter]) for asker, voters in script.up_votes.items() for voter in voters)

    polls = record.table("polls").dicts()
    assert [(row["question"], row["secret"], row["voters"]) for row in polls] == [
        (POLL_QUESTION, "no", 3), (SECRET_QUESTION, "yes", 3)]
    assert all(row["opened_at"] is not None and row["closed_at"] is not None for row in polls)
    results = [(row["poll"], row["choice"], row["votes"]) for row in record.table("poll_results").dicts()]
    assert results == [(1, POLL_CHOICES[0], 2), (1, POLL_CHOICES[1], 1),
                       (2, SECRET_CHOICES[0], script.secret[0]), (2, SECRET_CHOICES[1], script.secret[1])]
    ballots = record.table("poll_ballots").dicts()
    assert {(row["participant"], row["choices"]) for row in ballots} == {
        (who[name], "; ".join(POLL_CHOICES[index] for index in chosen)) for name, chosen in script.ballots.items()}
    assert all(row["poll"] == 1 for row in ballots)  # the secret poll's ballots are kept nowhere

    per_idea = {row["idea"]: row["dots"] for row in record.table("dots").dicts()}
    placed: dict[int, int] = {}
    for voter_dots in script.dots.values():
        for author, number in voter_dots.items():
            placed[script.ideas[author]] = placed.get(script.ideas[author], 0) + number
    assert per_idea == placed
    assert sorted((row["participant"], row["idea"], row["dots"]) for row in record.table("dots_by_person").dicts()) \
        == sorted((who[voter], script.ideas[author], number) for voter, voter_dots in script.dots.items()
                  for author, number in voter_dots.items())

    titles = [chart.title for chart in record.charts]
    assert f"Top ideas by dots · {setup.live.steps[1].title}" in titles
    assert f"Poll · {POLL_QUESTION}" in titles and f"Poll · {SECRET_QUESTION}" in titles
    top = next(chart for chart in record.charts if chart.title.startswith("Top ideas"))
    assert top.labels[0] == f"{script.ideas['Amina']}. {IDEAS['Amina']}"  # 2 dots, as many as Bob's, posted first
    assert top.series[0].values[:2] == (2.0, 2.0)
    figures = {figure.label: figure.value for figure in record.figures}
    assert (figures["Ideas"], figures["Questions"], figures["Polls"], figures["Dots placed"]) == ("6", "2", "2", "5")


async def test_the_exports_hold_every_contribution_vote_and_attendance_row_as_text(setup: Setup) -> None:
    """The workbook and the JSON read back: every row of every table, contributions as typed and never a
    formula; and nothing in them ties a voter to a secret poll's answer."""
    script = await run_script(setup.live, setup.clock, setup.workshop)
    record = await session_record(setup.live.run, setup.clock, language="fr", with_personal=True)
    book = load_workbook(io.BytesIO(exports.workbook(record)))
    sheets = {sheet.title: sheet for sheet in book.worksheets}
    whole = json.loads(exports.json_file(exports.record_json(record)))
    expected = {"attendance": len(NAMES), "ideas": 6, "questions": 2, "question_up_votes": 3, "polls": 2,
                "poll_results": 4, "poll_ballots": 3, "dots": 3, "dots_by_person": 4}
    for name, count in expected.items():
        table = record.table(name)
        sheet = sheets[table.title[:31]]
        header = [cell.value for cell in sheet[1]]
        assert header == [column.title for column in table.columns]
        read = list(sheet.iter_rows(min_row=2, values_only=True))
        assert len(read) == len(whole["tables"][name]["rows"]) == count, name
        for row, json_row, original in zip(read, whole["tables"][name]["rows"], table.rows, strict=True):
            for column, cell, json_cell, value in zip(table.columns, row, json_row.values(), original, strict=True):
                if isinstance(value, str):
                    assert (cell or "") == json_cell == value, (name, column.key)  # an empty cell reads None
    assert not any(cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)
    texts = {row["text"] for row in whole["tables"]["ideas"]["rows"]}
    assert texts == set(contributions(script).values())  # HTML, script, Vue and formulas as typed
    idea_sheet = sheets[record.table("ideas").title[:31]]
    formula = next(cell for row in idea_sheet.iter_rows(min_row=2) for cell in row if cell.value == IDEAS["Amina"])
    assert formula.data_type == "s" and formula.quotePrefix
    choices = [row["choice"] for row in whole["tables"]["poll_results"]["rows"]]
    assert choices == [*POLL_CHOICES, *SECRET_CHOICES]
    ideas_csv = list(csv.reader(io.StringIO(exports.table_csv(record, record.table("ideas")).decode("utf-8-sig")),
                                delimiter=";"))
    assert ["'" + IDEAS["Amina"]] == [cell for row in ideas_csv for cell in row if IDEAS["Amina"] in cell]
    # The secret poll: how many voted and what they chose together, nobody's ballot.
    secret_rows = [(name, row) for name, table in whole["tables"].items() for row in table["rows"]
                   if row.get("poll") == 2 and row.get("participant")]
    assert secret_rows == []
    secret_voters = {stand_in(script.ids[name]) for name in ("Amina", SCRIPT_NAME, VUE_NAME)}
    for name, table in whole["tables"].items():
        if name.startswith("poll"):
            assert not any(row.get("participant") in secret_voters and row.get("poll") == 2 for row in table["rows"])


async def test_each_rooms_summary_is_in_the_record_and_its_exports_as_text(setup: Setup) -> None:
    live = setup.live
    breakout = live.steps[1]
    await workshops.update_step(await Step.get(id=breakout.id), "activity", {"kind": summary.KIND})
    people = dict(zip(("Amina", "Bob", "Chloé", "David"), await setup.people("Amina", "Bob", "Chloé", "David"),
                      strict=True))
    await live.start()
    await live.jump_to(breakout.id, live.state.step_id)
    await live.open_rooms()
    writers: dict[int, str] = {}  # room -> the first person in it, who writes its summary
    for name, pid in people.items():
        writers.setdefault(live.state.room_of(pid), name)  # type: ignore[arg-type]
    assert len(writers) == 2
    texts = dict(zip(writers.values(), ("=1+1 <script>alert(1)</script> {{ 2+2 }}", "Des bancs,\net des arbres."),
                     strict=True))
    for name, text in texts.items():
        await live.act(partial(summary.take_pen, participant_id=people[name]))
        await live.act(partial(summary.write, participant_id=people[name], text=text))
    record = await session_record(live.run, setup.clock, language="fr", with_personal=True)
    written = {row["room"]: row for row in record.table("summaries").dicts()}
    assert set(written) == {live.room(room_id).name for room_id in writers}
    for room_id, name in writers.items():
        row = written[live.room(room_id).name]
        assert (row["text"], row["written_by"], row["names"]) == (texts[name], stand_in(people[name]), name)
    whole = json.loads(exports.json_file(exports.record_json(record)))
    assert {row["text"] for row in whole["tables"]["summaries"]["rows"]} == set(texts.values())
    book = load_workbook(io.BytesIO(exports.workbook(record)))
    sheet = book[record.table("summaries").title]
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in cells} == set(texts.values()) and all(cell.data_type == "s" for cell in cells)
    without = await session_record(live.run, setup.clock, language="fr", with_personal=False)
    assert "names" not in without.table("summaries").dicts()[0]
