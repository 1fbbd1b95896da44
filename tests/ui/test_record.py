"""The record page in the simulated browser: linked from the dashboard, its exports, one person's request."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from nicegui import ui
from nicegui.testing.user import User

from domain import accounts
from domain.live.erasure import stand_in
from domain.models import Participant, StaffRole, WorkshopSession
from tests.conftest import PASSWORD
from tests.ui.conftest import see, sign_in
from tests.ui.test_live import app_clock, join, published_workshop  # noqa: F401  (app_clock is a fixture)
from tests.waiting import until
from ui.pages.record import record_path


async def test_one_persons_data_exported_then_erased_reaches_the_running_board(
        user: User, create_user: Callable[[], User]) -> None:
    workshop = await published_workshop()
    amina = create_user()
    await join(amina, workshop.slug, "Amina", "Je vais au travail à vélo.")
    participant = await Participant.get(display_name="Amina")
    moderator = create_user()
    await sign_in(moderator, "karim@ville.example")
    await see(moderator, "Mes missions")
    await moderator.open(f"/w/{workshop.slug}/moderate")
    await see(moderator, "Amina")
    amina.client.delete()  # her lobby would go to the stage, in the last browser that acted (see conftest)
    moderator.find(kind=ui.button, content="Ouvrir les portes").click()  # the session takes place
    await see(moderator, "Portes ouvertes")

    await accounts.create_staff("claire@ville.example", "Claire", StaffRole.ORGANISER, PASSWORD)
    organiser = user
    await sign_in(organiser, "claire@ville.example")
    await see(organiser, "Préparez, publiez et suivez")
    organiser.find(kind=ui.link, content="Compte rendu").click()  # the dashboard links to the session's record
    await see(organiser, "Compte rendu · Plan vélo")
    await organiser.should_not_see("Amina", kind=ui.label)
    organiser.find(kind=ui.button, content="CSV").click()  # the first table: attendance, without personal data
    rows = list(csv.reader(io.StringIO((await organiser.download.next(timeout=60)).content.decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[0][0] == "Participant·e" and "Nom" not in rows[0]
    assert rows[1][0] == stand_in(participant.id)

    choice = organiser.find(marker="record-person").elements.pop()
    with organiser.client:
        choice.value = participant.id
    organiser.find(kind=ui.button, content="Exporter ses données (JSON)").click()
    mine = json.loads((await organiser.download.next(timeout=60)).content)
    assert mine["personal_data"]["name"] == "Amina"
    assert mine["personal_data"]["arrival_answer"] == "Je vais au travail à vélo."
    assert mine["tables"]["attendance"]["rows"][0]["participant"] == stand_in(participant.id)

    organiser.find(kind=ui.button, content="Effacer ses données personnelles…").click()
    await see(organiser, f"Effacer les données personnelles de {stand_in(participant.id)} · Amina ?")
    with organiser.scope(kind=ui.dialog):
        organiser.find(kind=ui.button, content="Effacer").click()
    await until(lambda: Participant.filter(id=participant.id, display_name="").exists(),
                message=lambda: f"not erased; told: {organiser.notify.messages}")
    row = await Participant.get(id=participant.id)
    assert (row.display_name, row.arrival_answer) == ("", "")
    erased = {participant.id: f"{stand_in(participant.id)} (effacé·e)"}
    await until(lambda: any(isinstance(element, ui.select) and element.options == erased
                            for element in organiser.current_layout.descendants()))  # the choice of people says so
    # The run is held in memory: the moderators' board shows the stand-in at once.
    await see(moderator, stand_in(participant.id))
    await moderator.should_not_see("Amina")


async def test_a_session_that_has_not_run_has_no_record_yet(user: User) -> None:
    workshop = await published_workshop()
    session = await WorkshopSession.get(workshop_id=workshop.id)
    await accounts.create_staff("claire@ville.example", "Claire", StaffRole.ORGANISER, PASSWORD)
    await sign_in(user, "claire@ville.example")
    await see(user, "Préparez, publiez et suivez")
    await user.should_not_see("Compte rendu")
    await user.open(record_path(workshop.id, session.id))
    await see(user, "Cette séance n’a pas encore eu lieu")
    missing = await user.http_client.get(record_path(workshop.id, session.id + 100))
    assert missing.status_code == 404 and "Séance introuvable" in missing.text
