"""The report page of a session that took place: figures, charts, tables, the XLSX download, print, axe."""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from domain.clock import FakeClock
from domain.i18n import translate
from domain.live.registry import LiveRegistry
from tests.domain.conftest import make_workshop
from tests.e2e.conftest import SCREENSHOTS, Server, check_accessibility, in_database
from tests.record_session import EDITED_IDEA, IDEAS, NAMES, SCRIPT_NAME, SECRET_QUESTION, VUE_NAME, run_script

pytestmark = pytest.mark.e2e


def fr(text: str, **values: object) -> str:
    return translate(text, "fr").format(**values)


def held_session(server: Server) -> str:
    """A workshop whose session ran the scripted session: the address of its record."""

    async def make() -> str:
        workshop, session = await make_workshop()
        clock = FakeClock(datetime(2026, 12, 10, 17, 30, tzinfo=UTC))
        registry = LiveRegistry(clock, joins_per_address=())
        try:
            live = await registry.session((await registry.run_of(session)).id)
            await run_script(live, clock, workshop)
        finally:
            await registry.close()
        return f"/organise/workshops/{workshop.id}/sessions/{session.id}/record"

    return in_database(server, make)


def look(page: Page, name: str, *, full_page: bool = True) -> None:
    """A picture to look at (build/), and in docs/screenshots/ when ATELIER_SCREENSHOTS=1."""
    folder = SCREENSHOTS if os.environ.get("ATELIER_SCREENSHOTS") == "1" else SCREENSHOTS.parents[1] / "build"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=full_page)


def test_the_record_page_shows_charts_and_tables_and_downloads_the_workbook(
        organiser_page: Page, server: Server) -> None:
    page = organiser_page
    path = held_session(server)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(fr("Record · {title}", title="Budget participatif"))
    figures = page.locator(".record-figures li")
    expect(figures).to_have_count(8)  # attended, peak, duration, turns, ideas, questions, polls, dots
    expect(figures.nth(0)).to_contain_text(fr("Attended"))
    expect(figures.nth(0)).to_contain_text("5")
    charts = page.locator(".record-chart svg")
    expect(charts).to_have_count(7)  # presence, steps, speaking, satisfaction, top ideas, two polls
    expect(page.get_by_role("img", name=fr("People present, minute by minute"))).to_be_visible()
    # Personal data left out by default: no name anywhere, people by their number.
    expect(page.get_by_text("Amina")).to_have_count(0)

    page.get_by_role("checkbox", name=fr("Leave out personal data")).click()
    turns = page.locator("section").filter(has=page.get_by_role("heading", name=fr("Speaking turns")))
    expect(turns.get_by_role("cell", name="Amina", exact=True)).to_be_visible()
    attendance = page.locator("section").filter(has=page.get_by_role("heading", name=fr("Attendance")))
    for name in (SCRIPT_NAME, VUE_NAME):  # as written: neither run nor rendered
        expect(attendance.get_by_role("cell", name=name, exact=True)).to_be_visible()
    ideas = page.locator("section").filter(has=page.get_by_role("heading", name=fr("Ideas"), exact=True))
    for text in {**IDEAS, "Bob": EDITED_IDEA}.values():  # as typed: neither run nor rendered
        expect(ideas.get_by_role("cell", name=text, exact=True)).to_be_visible()
    polls = page.locator("section").filter(has=page.get_by_role("heading", name=fr("Polls"), exact=True))
    expect(polls.get_by_role("cell", name=fr("None: a secret ballot is not kept"))).to_be_visible()
    expect(page.get_by_role("img", name=fr("Poll · {question}", question=SECRET_QUESTION))).to_be_visible()
    top = page.locator(".record-chart").filter(has_text=fr("Top ideas by dots · {step}", step=""))
    expect(top.locator("svg")).to_contain_text(IDEAS["Bob"][:10])
    speaking = page.locator(".record-chart").filter(has_text=fr("Speaking time per person"))
    expect(speaking.locator("svg")).to_contain_text("Amina")
    assert dialogs == []
    look(page, "record-page.png", full_page=False)  # what the organiser sees first: figures and charts
    look(page, "record-page-activities.png")  # the whole page: the activities' charts and tables

    with page.expect_download() as download:
        page.get_by_role("button", name=fr("Download XLSX")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))  # no extension: not a path for it
    sheets = {sheet.title: sheet for sheet in book.worksheets}
    people = [row[1] for row in sheets[fr("Attendance")].iter_rows(min_row=2, values_only=True)]
    assert sorted(people) == sorted(NAMES)
    assert [row[-1] for row in sheets[fr("Speaking turns")].iter_rows(min_row=2, values_only=True)] == [180, 90]

    check_accessibility(page, "/organise/workshops/…/record")
    page.set_viewport_size({"width": 688, "height": 1000})  # an A4 page's width inside its margins, at 96 dpi
    page.emulate_media(media="print")
    expect(page.locator(".atelier-header")).to_be_hidden()
    expect(page.get_by_role("button", name=fr("Download XLSX"))).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 688  # nothing wider than the paper
    look(page, "record-page-print.png")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", page.pdf(format="A4")))
    sections = page.locator(".record-section").count()
    assert pages >= sections + 1, (pages, sections)  # the figures, then each section on a page of its own
