"""Bad input while preparing gets a clear answer beside what it is about, and nothing typed or stored is lost.

Over-long text, a workshop whose sessions are all over, hundreds of breakout rooms; and the public page's preview
and the moderator's clock times, that an organiser checks before the day.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time, timedelta

import pytest
from babel.numbers import format_decimal
from playwright.sync_api import Locator, Page, expect

from domain import workshops
from domain.clock import SystemClock
from domain.models import RegistrationMode, Room, RoomKind, Workshop, WorkshopSession
from tests.e2e.conftest import Contexts, Server, check_accessibility, in_database, keep_screenshot

pytestmark = pytest.mark.e2e

NOT_SAVED = "Non enregistré : voyez le message à côté du champ"


def field_of(control: Locator) -> Locator:
    """The whole Quasar field (label, control, hint and messages) around an input."""
    return control.page.locator("label.q-field").filter(has=control)


def too_long(limit: int, length: int) -> str:
    return f"{limit} caractères au plus : ce texte en compte {format_decimal(length, locale='fr')}."


def stored_workshop(server: Server, slug: str) -> Workshop:
    return in_database(server, lambda: Workshop.get(slug=slug))


# ------------------------------------------------------------------ text longer than its limit


def test_a_pasted_ten_thousand_character_title_is_refused_beside_the_field_and_kept(
        organiser_page: Page, new_draft: Callable[[str], str], server: Server) -> None:
    page = organiser_page
    pasted = "Budget participatif des quartiers " * 295  # 10,030 characters, 10,029 once trimmed
    page.goto("/organise/new")
    working_title = page.get_by_role("textbox", name="Titre provisoire")
    working_title.fill(pasted)
    expect(field_of(working_title).get_by_role("alert")).to_have_text(too_long(120, len(pasted.strip())))
    expect(working_title).to_have_value(pasted)  # nothing cut
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(field_of(working_title).get_by_role("alert")).to_have_text(too_long(120, len(pasted.strip())))
    expect(page).to_have_url(re.compile(r"/organise/new$"))

    slug = new_draft("Atelier au titre raisonnable")
    title = page.get_by_role("textbox", name="Titre", exact=True)
    title.fill(pasted)
    expect(field_of(title).get_by_role("alert")).to_have_text(too_long(120, len(pasted.strip())))
    expect(page.get_by_role("status").filter(has_text=NOT_SAVED)).to_be_visible()
    expect(title).to_have_value(pasted)
    keep_screenshot(page, "wizard-title-too-long.png")
    check_accessibility(page, "/organise/…/purpose (title too long)")
    assert stored_workshop(server, slug).title == "Atelier au titre raisonnable"  # the last valid value

    page.goto(f"/organise/{slug}/rooms")  # the same for every limited field: the plenary's name here
    plenary = page.get_by_role("textbox", name="Nom de la salle plénière")
    plenary.fill("Salle du conseil " * 5)
    expect(field_of(plenary).get_by_role("alert")).to_have_text(too_long(80, len(("Salle du conseil " * 5).strip())))
    expect(plenary).to_have_value("Salle du conseil " * 5)
    page.reload()
    expect(page.get_by_role("textbox", name="Nom de la salle plénière")).to_have_value("Plénière")


# ------------------------------------------------------------------ publishing with every session over


def test_a_workshop_whose_only_session_is_over_cannot_be_published_until_one_is_to_come(
        organiser_page: Page, new_draft: Callable[[str], str], server: Server) -> None:
    page = organiser_page
    slug = new_draft("Atelier déjà passé")

    async def ready_but_past() -> int:
        workshop = await Workshop.get(slug=slug)
        await workshops.update_workshop(workshop, "description", "Un atelier qui a eu lieu hier.")
        await workshops.add_breakout_room(workshop)
        session = await workshops.add_session(workshop, date.today() - timedelta(days=1), time(18, 30))
        return session.id

    session_id = in_database(server, ready_but_past)
    page.goto(f"/organise/{slug}/review")
    expect(page.get_by_text("1 point à corriger avant de publier.")).to_be_visible()
    refusal = ("Toutes les sessions sont passées : ajoutez une session à venir, ou déplacez-en une à une date "
               "ultérieure, avant de publier.")
    expect(page.get_by_text(refusal)).to_be_visible()
    expect(page.get_by_role("button", name="Publier", exact=True)).to_be_disabled()
    keep_screenshot(page, "wizard-review-sessions-over.png")
    page.goto(f"/organise/{slug}/when")  # and beside the sessions, where it is fixed
    expect(page.get_by_text(refusal)).to_be_visible()

    async def moved_to_next_month() -> None:
        workshop = await Workshop.get(slug=slug)
        session = await WorkshopSession.get(id=session_id)
        await workshops.move_session(session, workshop, date.today() + timedelta(days=30), time(18, 30),
                                     clock=SystemClock())

    in_database(server, moved_to_next_month)
    page.goto(f"/organise/{slug}/review")
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_text("Cet atelier est publié.")).to_be_visible()
    assert stored_workshop(server, slug).published_at is not None


# ------------------------------------------------------------------ hundreds of rooms


def breakout_rooms(server: Server, slug: str) -> list[str]:
    async def names() -> list[str]:
        return [room.name for room in await Room.filter(workshop__slug=slug, kind=RoomKind.BREAKOUT)
                .order_by("position")]
    return in_database(server, names)


def test_many_rooms_are_asked_about_before_they_are_made_and_removed_many_at_once(
        organiser_page: Page, new_draft: Callable[[str], str], server: Server) -> None:
    page = organiser_page
    slug = new_draft("Grande concertation")
    page.goto(f"/organise/{slug}/rooms")
    expected = page.get_by_role("spinbutton", name="Participant·es attendu·es par session")
    expected.fill("150")
    expected.press("Tab")
    create = page.get_by_role("button", name="Créer 24 salles")
    question = page.get_by_role("dialog", name="Créer 24 salles de sous-groupe ?")

    create.click()
    expect(question).to_be_visible()
    expect(question).to_contain_text("150 participant·es attendu·es")
    keep_screenshot(page, "wizard-rooms-create-many.png")
    check_accessibility(page, "/organise/…/rooms (asked before 24 rooms)")
    question.get_by_role("button", name="Annuler").click()
    expect(question).to_be_hidden()
    expect(page.get_by_text("Aucune salle de sous-groupe pour l’instant.")).to_be_visible()
    assert breakout_rooms(server, slug) == []  # cancelled: none made

    create.focus()  # and from the keyboard this time
    page.keyboard.press("Enter")
    expect(question).to_be_visible()
    question.get_by_role("button", name="Créer 24 salles").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Salles 1 à 20 sur 24").first).to_be_visible()
    assert len(breakout_rooms(server, slug)) == 24
    expect(page.get_by_role("heading", name=re.compile(r"^Salle de sous-groupe \d+$"))).to_have_count(20)
    keep_screenshot(page, "wizard-rooms-many.png", full_page=True)
    check_accessibility(page, "/organise/…/rooms (24 rooms)")

    page.get_by_role("button", name="Salles suivantes").first.click()
    expect(page.get_by_text("Salles 21 à 24 sur 24").first).to_be_visible()
    page.get_by_role("checkbox", name="Cocher la salle « Salle 22 »").click()
    page.get_by_role("button", name="Salles précédentes").first.click()
    page.get_by_role("checkbox", name="Cocher la salle « Salle 2 »").click()  # ticked rooms stay ticked across pages
    page.get_by_role("button", name="Retirer les 2 salles cochées").click()
    removal = page.get_by_role("dialog", name="Retirer 2 salles de sous-groupe ?")
    removal.get_by_role("button", name="Retirer").click()
    expect(page.get_by_text("Salles 1 à 20 sur 22").first).to_be_visible()
    names = breakout_rooms(server, slug)
    assert len(names) == 22 and "Salle 2" not in names and "Salle 22" not in names

    keep = page.get_by_role("spinbutton", name="Salles à garder")
    keep.fill("5")
    page.get_by_role("button", name="Ne garder que ces premières salles").click()
    removal = page.get_by_role("dialog", name="Retirer 17 salles de sous-groupe ?")
    removal.get_by_role("button", name="Retirer").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Salle de sous-groupe \d+$"))).to_have_count(5)
    assert breakout_rooms(server, slug) == ["Salle 1", "Salle 3", "Salle 4", "Salle 5", "Salle 6"]


# ------------------------------------------------------------------ the public page's preview


def test_the_preview_shows_the_public_page_to_organisers_only_and_registers_nobody(
        organiser_page: Page, new_draft: Callable[[str], str], server: Server, contexts: Contexts) -> None:
    page = organiser_page
    slug = new_draft("Atelier en aperçu")

    async def with_a_form() -> None:
        workshop = await Workshop.get(slug=slug)
        await workshops.update_workshop(workshop, "description", "Venez parler des pistes cyclables.")
        await workshops.update_workshop(workshop, "registration_mode", RegistrationMode.PUBLIC_FORM.value)
        await workshops.add_session(workshop, date.today() + timedelta(days=20), time(18, 30))

    in_database(server, with_a_form)
    page.goto(f"/organise/{slug}/review")
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Prévisualiser la page publique").last.click()
    preview = opened.value
    expect(preview).to_have_url(re.compile(f"/organise/{slug}/preview$"))
    banner = preview.get_by_role("region", name="Aperçu")
    expect(banner).to_contain_text("Aperçu : voici la page publique telle qu’elle sera une fois publiée.")
    expect(preview.get_by_role("heading", name="Atelier en aperçu", exact=True)).to_be_visible()
    expect(preview.get_by_text("Venez parler des pistes cyclables.")).to_be_visible()
    expect(preview.get_by_role("button", name="S’inscrire")).to_be_disabled()
    expect(preview.get_by_text("On ne peut pas s’inscrire depuis l’aperçu.")).to_be_visible()
    keep_screenshot(preview, "wizard-public-preview.png", full_page=True)
    check_accessibility(preview, "/organise/…/preview")

    page.goto(f"/w/{slug}")  # the public address of a draft leads organisers to the preview
    expect(page).to_have_url(re.compile(f"/organise/{slug}/preview$"))

    stranger = contexts.new_page()
    stranger.goto(f"/organise/{slug}/preview")
    expect(stranger).to_have_url(re.compile(r"/signin\?next="))
    stranger.goto(f"/w/{slug}")
    expect(stranger.get_by_role("heading", name="Cet atelier n’est pas disponible")).to_be_visible()


# ------------------------------------------------------------------ the moderator's clock times


def test_the_script_gives_each_steps_clock_times_for_every_session(
        organiser_page: Page, new_draft: Callable[[str], str], server: Server) -> None:
    page = organiser_page
    slug = new_draft("Atelier à deux dates")
    first, second = date.today() + timedelta(days=10), date.today() + timedelta(days=17)

    async def two_sessions() -> list[int]:
        workshop = await Workshop.get(slug=slug)
        await workshops.add_session(workshop, first, time(19, 0))
        await workshops.add_session(workshop, second, time(9, 30))
        plan = await workshops.load_plan(slug)
        return [step.minutes for step in plan.steps]

    minutes = in_database(server, two_sessions)
    page.goto(f"/moderate/{slug}")
    expect(page.get_by_text(re.compile(r"^Heures données en .*\(Europe/Paris\)\.$"))).to_be_visible()
    steps = page.get_by_role("listitem").filter(has=page.get_by_role("heading", level=2))
    expect(steps).to_have_count(len(minutes))
    second_step = steps.nth(1)
    end_of_first = minutes[0]
    expect(second_step).to_contain_text(f"à partir de +{end_of_first} min")  # the offsets stay
    for start in (19 * 60, 9 * 60 + 30):
        begins, ends = start + end_of_first, start + end_of_first + minutes[1]
        expect(second_step).to_contain_text(f"{begins // 60:02d}:{begins % 60:02d}–{ends // 60:02d}:{ends % 60:02d}")
    keep_screenshot(page, "moderator-script-clock-times.png", full_page=True)
