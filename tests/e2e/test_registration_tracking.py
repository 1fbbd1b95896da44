"""The organisers' registration tracking page in Chromium, audited by axe-core, reached and filtered from the keyboard.

The server is a demo of its own, its workshop given registrations as a real one has them a fortnight before: a
session last week (some came, some did not), the next one full with a waiting list, the one after half full,
invitations not answered yet. The page's screenshot goes to the folder named by ATELIER_SCREENSHOTS (docs/screenshots/
to refresh the documentation's), else to the test's temporary folder.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from domain.models import (
    LiveRun,
    Participant,
    Registration,
    RegistrationStatus,
    Room,
    RoomKind,
    RunPhase,
    Workshop,
    WorkshopSession,
)
from tests.e2e.conftest import (
    LOCALE,
    ORGANISER,
    ORGANISER_ZONE,
    Server,
    check_accessibility,
    demo_running,
    in_database,
    sign_in,
)

pytestmark = pytest.mark.e2e

TITLE = "Réinventons la place du Marché"
OPINION = ["Oui, plutôt pour", "Oui, plutôt contre", "Pas encore"]
NAMES = ["Amina Diallo", "Bernard Lefèvre", "Camille Roux", "Damien Moreau", "Élodie Garnier", "Fatou Ndiaye",
         "Gérard Petit", "Hélène Bonnet", "Inès Haddad", "Jules Marchand", "Karima Benali", "Louis Fontaine",
         "Manon Girard", "Nathan Lambert", "Océane Faure", "Pierre Rousseau", "Quentin Blanc", "Rania Saïdi",
         "Sophie Mercier", "Thomas Chevalier", "Ulysse Perrin", "Valérie Morel", "William Dupuis", "Yasmine Kaci",
         "Zoé Lemoine", "Antoine Giraud", "Brigitte Colin", "Cédric Vidal", "Delphine Roche", "Émile Aubert",
         "Farid Meziane", "Gaëlle Renard", "Hugo Brunet", "Isabelle Caron", "Jean Picard", "Laura Masson",
         "Mehdi Amrani", "Nadia Leclerc", "Olivier Huet", "Paula Nunes"]


async def fill_registrations(server: Server) -> None:
    """Registrations for the demo workshop: last week's session (20 places: 9 had one, 6 came, 1 cancelled), the
    next (12 places, full, 3 waiting), the one after (30 places: 7 registered, 1 address to confirm, 2 cancelled),
    and 4 invitations not answered."""
    assert server.data_dir is not None
    workshop = await Workshop.get(slug="demo")
    rooms = [room.id for room in await Room.filter(workshop=workshop, kind=RoomKind.BREAKOUT).order_by("position")]
    await Workshop.filter(id=workshop.id).update(registration_questions=[
        {"id": "q1000001", "text": "Avez-vous déjà un avis sur le projet ?", "kind": "choice",
         "choices": OPINION},
        {"id": "q1000002", "text": "Quelles salles vous intéressent ?", "kind": "rooms", "choices": []}])
    upcoming = list(await WorkshopSession.filter(workshop=workshop).order_by("starts_at"))
    past = await WorkshopSession.create(workshop=workshop, capacity=20,
                                        starts_at=upcoming[0].starts_at - timedelta(days=21))
    await WorkshopSession.filter(id=upcoming[0].id).update(capacity=12)
    now = datetime.now(UTC)
    plan = ([(past, RegistrationStatus.CONFIRMED)] * 9 + [(past, RegistrationStatus.CANCELLED)]
            + [(upcoming[0], RegistrationStatus.CONFIRMED)] * 12 + [(upcoming[0], RegistrationStatus.WAITING)] * 3
            + [(upcoming[1], RegistrationStatus.CONFIRMED)] * 7 + [(upcoming[1], RegistrationStatus.UNCONFIRMED)]
            + [(upcoming[1], RegistrationStatus.CANCELLED)] * 2 + [(None, RegistrationStatus.INVITED)] * 4)
    run = await LiveRun.create(session=past, real_session_id=past.id, join_code=secrets.token_urlsafe(16),
                               phase=RunPhase.ENDED)
    for number, ((session, status), name) in enumerate(zip(plan, NAMES, strict=False)):
        answered = status != RegistrationStatus.INVITED
        plain = unicodedata.normalize("NFKD", name.lower().replace(" ", ".")).encode("ascii", "ignore").decode()
        email = f"{plain}@habitants.example"
        registration = await Registration.create(
            public_id=secrets.token_hex(16), workshop=workshop, session=session, email=email,
            display_name=name, language="fr", status=status, token_hash=secrets.token_hex(32),
            answers={"q1000001": OPINION[number % 3], "q1000002": rooms[number % 3:number % 3 + 2]}
            if answered and number % 4 else {},
            invited_at=now if status == RegistrationStatus.INVITED else None,
            registered_at=now if answered else None, confirmed_at=now if answered else None,
            waiting_since=now + timedelta(seconds=number) if status == RegistrationStatus.WAITING else None)
        if session is past and status == RegistrationStatus.CONFIRMED and number < 6:
            await Participant.create(run=run, display_name=name, token_hash=secrets.token_hex(32),
                                     registration=registration)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with demo_running(tmp_path) as server:
        in_database(server, lambda: fill_registrations(server))
        yield server


@pytest.fixture
def organiser(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, locale=LOCALE, timezone_id=ORGANISER_ZONE,
                                  viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, ORGANISER, landing=f"{server.url}/organise")
    yield page
    context.close()


def test_the_tracking_page_is_accessible_and_works_from_the_keyboard(organiser: Page, tmp_path: Path) -> None:
    page = organiser
    link = page.get_by_role("link", name=f"Inscriptions : {TITLE}")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=f"Inscriptions : {TITLE}")).to_be_visible()
    table = page.get_by_role("table", name="Inscriptions par session")
    expect(table.get_by_role("row")).to_have_count(5)  # the header, then three sessions and the invitations
    expect(page.get_by_role("note")).to_contain_text("15 personnes veulent une place pour 12, dont 3 sur liste")
    expect(page.get_by_role("note")).to_contain_text("23 places sont encore libres dans d’autres sessions")
    expect(page.get_by_text("12 places prises sur 12")).to_be_visible()
    check_accessibility(page, "/organise/workshops/{workshop_id}/registrations")
    shots = Path(os.environ.get("ATELIER_SCREENSHOTS", tmp_path))
    page.screenshot(path=str(shots / "registrations-dashboard.png"), full_page=True)

    status = page.get_by_role("combobox", name="État")
    status.focus()
    page.keyboard.press("Enter")
    page.get_by_role("option", name="Liste d’attente").click()
    expect(page.get_by_role("status")).to_have_text("3 personnes")
    expect(page.locator(".q-menu")).to_have_count(0)  # closed, not fading: axe would read its colours
    check_accessibility(page, "/organise/workshops/{workshop_id}/registrations (filtered)")

    with page.expect_download() as download:
        export = page.get_by_role("button", name="Exporter en CSV")
        export.focus()
        page.keyboard.press("Enter")
    data = Path(download.value.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert data.startswith(b"\xef\xbb\xbf") and len(rows) == 4
    assert {row[2] for row in rows[1:]} == {"Liste d’attente"}

    page.get_by_role("button", name="Ouvrir une autre session").click()
    page.wait_for_url(f"{page.url.split('/organise')[0]}/organise/demo/when")
