"""Registration tracking on a real database with a fake clock: counts per session, attendance, the suggestion to
open another session, the people list and its CSV file."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from domain import invitations, tracking
from domain.clock import FakeClock
from domain.invitations import Invitee
from domain.live.registry import LiveRegistry
from domain.models import Registration, RegistrationStatus
from tests.domain.test_registrations import NETWORK, Desk, any_database, make_desk  # noqa: F401 (a fixture)

Status = RegistrationStatus


async def invite(desk: Desk, *addresses: str) -> None:
    plan = await desk.plan()
    people = [Invitee(line, address, "") for line, address in enumerate(addresses, start=1)]
    async for outcome in invitations.send(plan, people, links=desk.registrations.links, clock=desk.clock):
        assert outcome.problem is None


async def filled_desk(clock: FakeClock) -> Desk:
    """Session 1 takes two people and has two waiting; session 2 has no limit. Two invitations are unanswered."""
    desk = await make_desk(clock, capacities=(2, None))
    for name, address in (("Amina", "amina"), ("Bruno", "bruno"), ("Chloé", "chloe"), ("David", "david")):
        await desk.take_place(name, f"{address}@exemple.fr")
    await desk.take_place("Gaspard", "gaspard@exemple.fr", session=1)
    eve = await desk.take_place("Ève", "eve@exemple.fr", session=1)
    await desk.registrations.cancel(eve)
    await desk.register("Fanny", "fanny@exemple.fr", session=1)  # her address is not confirmed yet
    await invite(desk, "hugo@exemple.fr", "ines@exemple.fr")
    return desk


async def test_counts_per_session_by_status_against_capacity(db: str, clock: FakeClock) -> None:
    desk = await filled_desk(clock)
    seen = await tracking.tracking(await desk.plan(), clock.now())
    first, second, without = seen.sessions
    assert [row.session for row in seen.sessions] == [*desk.sessions, None]
    assert (first.confirmed, first.waiting, first.capacity, first.places_left, first.demand) == (2, 2, 2, 0, 4)
    assert first.another_session_suggested
    assert second.counts == {Status.INVITED: 0, Status.UNCONFIRMED: 1, Status.CONFIRMED: 1, Status.WAITING: 0,
                             Status.CANCELLED: 1}
    assert second.places_left is None and not second.another_session_suggested  # no limit
    assert without.counts[Status.INVITED] == 2 and without.demand == 0
    assert seen.totals[Status.CONFIRMED] == 3 and seen.totals[Status.INVITED] == 2
    assert (first.absent, first.attended) == (None, 0)  # not over yet


async def test_demand_beyond_a_lowered_capacity_suggests_another_session_without_anyone_waiting(
        db: str, clock: FakeClock) -> None:
    desk = await make_desk(clock, capacities=(3, None))
    for name, address in (("Amina", "amina"), ("Bruno", "bruno"), ("Chloé", "chloe")):
        await desk.take_place(name, f"{address}@exemple.fr")
    row = (await tracking.tracking(await desk.plan(), clock.now())).sessions[0]
    assert row.waiting == 0 and row.places_left == 0 and not row.another_session_suggested  # full, nobody turned away
    desk.sessions[0].capacity = 2
    await desk.sessions[0].save(update_fields=["capacity"])
    row = (await tracking.tracking(await desk.plan(), clock.now())).sessions[0]
    assert row.demand == 3 and row.places_left == 0 and row.another_session_suggested


@pytest.mark.usefixtures("any_database")
async def test_attended_and_absent_once_the_session_is_over(clock: FakeClock) -> None:
    """On SQLite and on PostgreSQL: the counts are GROUP BY queries across the runs' participants."""
    desk = await filled_desk(clock)
    registry = LiveRegistry(clock)
    await registry.start()
    try:
        session = desk.sessions[0]
        plan = await desk.plan()
        amina = await Registration.get(email="amina@exemple.fr")
        clock.set(session.starts_at)
        live = await registry.session((await registry.run_of(session)).id)
        await desk.registrations.enter(amina, plan, live, browser="b1", network_address=NETWORK)
        await desk.registrations.enter(amina, plan, live, browser="b2", network_address=NETWORK)  # once still
        rehearsal = await registry.session((await registry.run_of(session, rehearsal=True)).id)
        await rehearsal.join("Collègue")
        during = (await tracking.tracking(plan, clock.now())).sessions[0]
        assert (during.attended, during.absent) == (1, None)
        clock.set(plan.session_end(session) + timedelta(minutes=1))
        after = await tracking.tracking(plan, clock.now())
        first, second = after.sessions[:2]
        assert (first.attended, first.absent, first.over) == (1, 1, True)  # Bruno never came
        assert not first.another_session_suggested  # it is over: people waiting cannot come any more
        assert (second.over, second.absent) == (False, None)
        assert (after.attended, after.absent) == (1, 1)
        rows, total = await tracking.people(desk.workshop.id, session_id=session.id, status=Status.CONFIRMED)
        assert total == 2 and [(row.registration.display_name, row.attended) for row in rows] == [
            ("Amina", True), ("Bruno", False)]
    finally:
        await registry.close()


async def test_the_people_list_filters_by_session_and_status_a_page_at_a_time(db: str, clock: FakeClock) -> None:
    desk = await filled_desk(clock)
    everyone, total = await tracking.people(desk.workshop.id)
    assert total == len(everyone) == 9
    waiting, total = await tracking.people(desk.workshop.id, status=Status.WAITING)
    assert [row.registration.display_name for row in waiting] == ["Chloé", "David"] and total == 2
    invited, _total = await tracking.people(desk.workshop.id, without_session=True)
    assert {row.registration.email for row in invited} == {"hugo@exemple.fr", "ines@exemple.fr"}
    page, total = await tracking.people(desk.workshop.id, session_id=desk.sessions[1].id, limit=2, offset=2)
    assert total == 3 and [row.registration.display_name for row in page] == ["Gaspard"]  # Ève, Fanny before


def test_answers_read_as_text_rooms_by_name() -> None:
    assert tracking.answer_text(["a", 3, 5], {3: "Circulation", 5: "Commerces"}) == "Circulation, Commerces"
    assert tracking.answer_text(None, {}) == "" and tracking.answer_text("Oui", {}) == "Oui"


def test_the_csv_file_reads_back_and_runs_no_formula() -> None:
    header = ["Nom", "Adresse e-mail", "Statut"]
    rows = [["=HYPERLINK(\"http://evil.example\")", "a@exemple.fr", "Inscrit·e"],
            ["<b>Zoé</b> ; \"la\" Grande", "+33 6 12", "-2"],
            ["@SUM(A1)", "\tTab", "\rRetour"],
            ["Élise\nsur deux lignes", "e@exemple.fr", "Annulé"]]
    data = tracking.csv_file(header, rows, delimiter=";")
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark: spreadsheets read UTF-8
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert read[0] == header
    assert read[1] == ["'=HYPERLINK(\"http://evil.example\")", "a@exemple.fr", "Inscrit·e"]
    assert read[2] == ["<b>Zoé</b> ; \"la\" Grande", "'+33 6 12", "'-2"]  # the HTML stays text
    assert read[3] == ["'@SUM(A1)", "'\tTab", "'\rRetour"]
    assert read[4] == ["Élise\nsur deux lignes", "e@exemple.fr", "Annulé"]
